//! The command line end to end, on the shipped examples; figures computed by hand.

use std::process::Command;

use serde_json::Value;

fn run(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_incentives"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn json(args: &[&str]) -> Value {
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "{err}");
    serde_json::from_str(&out).expect("valid JSON")
}

fn line<'a>(v: &'a Value, rule: &str, project: Option<&str>, year: u64) -> &'a Value {
    v["lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["rule"] == rule && l["year"] == year && l["project"].as_str() == project)
        .unwrap_or_else(|| panic!("no line {rule} {project:?} {year}"))
}

#[test]
fn manufacturer_example_totals_and_lines() {
    let v = json(&["calc", "examples/manufacturer.ron", "--json"]);
    assert_eq!(v["schema"], "incentives.report/2");
    assert_eq!(v["options"]["readings"], serde_json::json!([]));
    // P1 2024: 35,000,000 USD × 4% = 1,400,000 in both documents; the officer's offer of
    // 1,500,000 lies between that minimum and the 10,000,000 cap, so 65号 pays more and wins.
    let l65 = line(&v, "fdi_reward_65", Some("P1"), 2024);
    assert_eq!(l65["status"], "granted");
    assert_eq!(l65["disposition"], "offered");
    assert_eq!(l65["amount"], "1400000.00");
    assert_eq!(l65["offered"], "1500000.00");
    assert_eq!(l65["ceiling"], "10000000.00");
    assert_eq!(l65["policy"], "渝府办发〔2023〕65号");
    let l107 = line(&v, "fdi_reward_107", Some("P1"), 2024);
    assert_eq!(l107["status"], "superseded");
    assert_eq!(l107["superseded_by"]["rule"], "fdi_reward_65");
    assert_eq!(l107["amount"], "1400000.00");
    // P1 2025: 280,000,000 × 4% = 11,200,000, capped at 10,000,000.
    assert_eq!(
        line(&v, "fdi_reward_65", Some("P1"), 2025)["amount"],
        "10000000.00"
    );
    // P2 2024: (15,000,000 − 3,000,000) × 2% = 240,000.
    assert_eq!(
        line(&v, "fdi_reward_65", Some("P2"), 2024)["amount"],
        "240000.00"
    );
    // 2024: the R&D centre's fixed 2,000,000; 2025: listing, up to 8,000,000 only.
    assert_eq!(
        line(&v, "rd_centre_opening_107", None, 2024)["amount"],
        "2000000.00"
    );
    let listing = line(&v, "listing_reward_65", None, 2025);
    assert_eq!(listing["status"], "ceiling_only");
    assert_eq!(listing["amount"], Value::Null);
    assert_eq!(listing["ceiling"], "8000000.00");
    // Smart and green retrofit in 2025 overlap with no governing clause: the green line is
    // shown but left out of the conservative total.
    assert_eq!(
        line(&v, "green_retrofit_65", Some("P1"), 2025)["overlap_excluded"],
        true
    );
    // Definite: 10,000,000 + 240,000 + 2,000,000 = 12,240,000; the offer is apart.
    let total = &v["total"];
    assert_eq!(total["definite"], "12240000.00");
    assert_eq!(total["offered"], "1500000.00");
    // Only ceilings: 20,000,000 (major project, 2023) + 10,000,000 (smart retrofit, 2025)
    // + 8,000,000 (listing, 2025) = 38,000,000.
    assert_eq!(total["ceilings"], "38000000.00");
    // The most the grants can pay: those 38,000,000 + 10,000,000 × 3 (the paid
    // foreign-capital lines) + 2,000,000 (R&D centre) = 70,000,000.
    assert_eq!(total["grant_ceiling_total"], "70000000.00");
    // Per year, firm and project lines together: 2024 = 240,000 + 2,000,000 definite.
    let y2024 = v["years"]
        .as_array()
        .unwrap()
        .iter()
        .find(|y| y["year"] == 2024)
        .unwrap();
    assert_eq!(y2024["definite"], "2240000.00");
    assert_eq!(y2024["offered"], "1500000.00");
}

#[test]
fn multi_year_schedule_is_assessed_year_by_year() {
    let v = json(&["calc", "examples/multi-year.ron", "--json"]);
    for year in [2023, 2024] {
        assert_eq!(
            line(&v, "fdi_reward_65", Some("SC-1"), year)["status"],
            "ineligible"
        );
        assert_eq!(
            line(&v, "fdi_reward_107", Some("SC-1"), year)["status"],
            "ineligible"
        );
    }
    assert_eq!(
        line(&v, "fdi_reward_65", Some("SC-1"), 2025)["amount"],
        "240000.00"
    );
    assert_eq!(
        line(&v, "fdi_reward_65", Some("SC-1"), 2026)["amount"],
        "900000.00"
    );
    assert_eq!(v["total"]["definite"], "1140000.00");
    let reason = line(&v, "fdi_reward_107", Some("SC-1"), 2023)["reason"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(
        reason.contains("8,000,000") && reason.contains("10,000,000"),
        "{reason}"
    );
}

#[test]
fn reading_b_converts_at_the_given_rate() {
    let v = json(&[
        "calc",
        "examples/multi-year.ron",
        "--json",
        "--fx-rate",
        "7.1",
    ]);
    assert_eq!(
        v["options"]["readings"],
        serde_json::json!([{"id": "fdi_usd_converted", "param": "7.1"}])
    );
    // 12,000,000 × 7.1 × 2% = 1,704,000; 45,000,000 × 7.1 × 2% = 6,390,000.
    assert_eq!(
        line(&v, "fdi_reward_65", Some("SC-1"), 2025)["amount"],
        "1704000.00"
    );
    assert_eq!(
        line(&v, "fdi_reward_65", Some("SC-1"), 2026)["amount"],
        "6390000.00"
    );
}

#[test]
fn text_table_fits_and_explains() {
    let (code, out, err) = run(&["calc", "examples/manufacturer.ron", "--lang", "en"]);
    assert_eq!(code, 0, "{err}");
    let flat = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("USD 35,000,000 × 4% = CNY 1,400,000.00, minimum due"),
        "{out}"
    );
    assert!(
        flat.contains("the higher Reward for foreign capital arrived (65号) (渝府办发〔2023〕65号) is paid instead"),
        "{out}"
    );
    // The answer first: the per-year table opens the output, the total within 25 lines.
    let head: Vec<&str> = out.lines().take(25).collect();
    assert!(
        head[2].starts_with("Year") && head[2].contains("Definite"),
        "{out}"
    );
    assert!(
        head.iter().any(|l| l.starts_with("Total")
            && l.contains("12,240,000.00")
            && l.contains("1,500,000.00")),
        "{out}"
    );
    assert!(
        !flat.contains("fdi_reward_65 "),
        "no rule ids in plain output: {out}"
    );
    for l in out.lines() {
        assert!(
            unicode_width::UnicodeWidthStr::width(l) <= 80,
            "too wide: {l}"
        );
    }
}

#[test]
fn reading_with_a_parameter_equals_the_fx_rate_alias() {
    let by_alias = json(&[
        "calc",
        "examples/multi-year.ron",
        "--json",
        "--fx-rate",
        "7.1",
    ]);
    let by_reading = json(&[
        "calc",
        "examples/multi-year.ron",
        "--json",
        "--reading",
        "fdi_usd_converted=7.1",
    ]);
    assert_eq!(by_alias, by_reading);
}

#[test]
fn reading_parameter_missing_zero_or_negative_is_refused() {
    for (args, needle) in [
        (
            &["--reading", "fdi_usd_converted"][..],
            "reading `fdi_usd_converted`: needs a value",
        ),
        (
            &["--reading", "fdi_usd_converted=0"][..],
            "0 is out of range (must be above 0)",
        ),
        (
            &["--fx-rate", "0"][..],
            "0 is out of range (must be above 0)",
        ),
        (&["--reading", "fdi_usd_converted=-7.1"][..], "negative"),
        (&["--fx-rate=-7.1"][..], "negative"),
        (
            &["--reading", "fdi65_count_shareholder_loans=1"][..],
            "takes no value",
        ),
        (
            &["--fx-rate", "7.1", "--reading", "fdi_usd_converted=7.2"][..],
            "selected twice",
        ),
    ] {
        let mut all = vec!["calc", "examples/multi-year.ron", "--lang", "en"];
        all.extend_from_slice(args);
        let (code, _, err) = run(&all);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
        assert_eq!(err.trim().lines().count(), 1, "{err}");
    }
}

#[test]
fn unknown_reading_is_refused() {
    let (code, _, err) = run(&[
        "calc",
        "examples/multi-year.ron",
        "--reading",
        "no_such_reading",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown reading `no_such_reading`"), "{err}");
}

#[test]
fn check_and_rules_commands() {
    let (code, out, err) = run(&["check"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("渝府办发〔2023〕65号"), "{out}");
    assert!(out.contains(" 0 failed"), "{out}");
    let (code, out, _) = run(&["rules"]);
    assert_eq!(code, 0);
    assert!(out.contains("fdi_reward_107"), "{out}");
    assert!(
        out.contains("--reading fdi65_count_shareholder_loans"),
        "{out}"
    );
    assert!(
        out.contains("--reading fdi_usd_converted=VALUE") && out.contains("CNY per USD, above 0"),
        "{out}"
    );
}

#[test]
fn inputs_lists_every_declared_input_with_its_place() {
    let (code, out, _) = run(&["inputs", "--lang", "en"]);
    assert_eq!(code, 0);
    assert!(out.contains("== a project's `years`"), "{out}");
    assert!(out.contains("fdi_arrived_usd  (number, USD)"), "{out}");
    assert!(
        out.contains("fdi_shareholder_loans_usd  (number, USD; default \"0\")"),
        "{out}"
    );
    assert!(
        out.contains("industry  (one of: manufacturing, services"),
        "{out}"
    );
    assert!(
        out.contains("enterprise_income_tax_rate  (number; default \"0.25\"; range 0–1)"),
        "{out}"
    );
    assert!(
        out.contains("group: Foreign capital · read by: fdi_reward_107, fdi_reward_65"),
        "{out}"
    );
}

#[test]
fn no_arguments_opens_the_app_or_says_how_to_use_the_command_line() {
    // Without a display the window cannot open: one line saying so and naming `calc`.
    let out = Command::new(env!("CARGO_BIN_EXE_incentives"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("incentives calc PROJECT.ron"), "{err}");
    let (code, out, _) = run(&["--help"]);
    assert_eq!(code, 0);
    assert!(
        out.contains("calc") && out.contains("check") && out.contains("rules"),
        "{out}"
    );
}

#[test]
fn wulong_example_fee_saving_and_tax_credit_counted_once() {
    let v = json(&["calc", "examples/wulong-charging.ron", "--json"]);
    // 20号: the 36,000 basic electricity charge is waived (a fee saving, kept apart).
    assert_eq!(
        line(
            &v,
            "nev_basic_electricity_charge_waiver_20",
            Some("CS-1"),
            2025
        )["amount"],
        "36000.00"
    );

    // 10% × 800,000 = 80,000 ≤ 150,000 payable: shown in 105号 and in 32号, counted once.
    assert_eq!(
        line(&v, "safety_equipment_tax_credit_105", None, 2025)["amount"],
        "80000.00"
    );
    assert_eq!(
        line(&v, "mine_safety_equip_eit_credit_32", None, 2025)["amount"],
        "80000.00"
    );
    // Tax and fee benefits together, apart from grants: 36,000 + 80,000 = 116,000.
    assert_eq!(v["total"]["tax_and_fees"], "116000.00");
    assert_eq!(v["total"]["definite"], "0.00");
}

#[test]
fn the_readme_fx_rate_example_runs_and_brings_the_offer_into_range() {
    let (code, out, err) = run(&["calc", "examples/manufacturer.ron", "--fx-rate", "7.1"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("低于政策最低额"), "{out}");
    let v = json(&[
        "calc",
        "examples/manufacturer.ron",
        "--json",
        "--fx-rate",
        "7.1",
    ]);
    // P1 2024: 35,000,000 × 7.1 × 4% = 9,940,000 (under the 10,000,000 cap); the offer of
    // 1,500,000 is below that minimum and is raised to it.
    let l65 = line(&v, "fdi_reward_65", Some("P1"), 2024);
    assert_eq!(l65["amount"], "9940000.00");
    assert_eq!(l65["offered"], "9940000.00");
    // P2 2024: (15,000,000 − 3,000,000) × 7.1 × 2% = 1,704,000.
    assert_eq!(
        line(&v, "fdi_reward_65", Some("P2"), 2024)["amount"],
        "1704000.00"
    );
    let (code, _, err) = run(&[
        "calc",
        "examples/manufacturer.ron",
        "--fx-rate",
        "7.1",
        "--strict",
    ]);
    assert_eq!(code, 2, "{err}");
    // The offer's own place in the file, in Chinese by default.
    assert!(err.starts_with("examples/manufacturer.ron:33:"), "{err}");
    assert!(
        err.contains("超出政策区间 9,940,000.00 元 至 10,000,000.00 元"),
        "{err}"
    );
}

#[test]
fn no_currency_note_without_foreign_capital() {
    let (code, out, err) = run(&["calc", "examples/wulong-charging.ron"]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("计发币种"), "{out}");
    let (_, out, _) = run(&["calc", "examples/manufacturer.ron"]);
    assert!(
        out.contains("口径：外资到位奖励的计发币种（默认）"),
        "{out}"
    );
}
