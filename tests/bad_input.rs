//! Bad input never panics: one line on stderr naming file:line:col and what was expected,
//! and exit code 2.

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_incentives"))
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "incentives-bad-input-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn project(body: &str) -> String {
    format!(
        r#"Project(
    subject: (name: "测试企业"),
    projects: [
        (
            id: "P1",
            inputs: {{"industry": "manufacturing", "project_kind": "new"}},
            years: {{
                2024: {{{body}}},
            }},
        ),
    ],
)
"#
    )
}

/// Runs `calc` on a project text; returns (exit code, stderr).
fn calc(name: &str, text: &str) -> (i32, String) {
    let dir = scratch(name);
    let path = dir.join("project.ron");
    std::fs::write(&path, text).unwrap();
    let out = bin()
        .arg("calc")
        .arg(&path)
        .args(["--lang", "en"])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_one_line_error(code: i32, err: &str, file: &str, line: usize, needle: &str) {
    assert_eq!(code, 2, "exit code 2 expected; stderr: {err}");
    assert_eq!(
        err.trim_end().lines().count(),
        1,
        "one line expected: {err}"
    );
    let prefix = format!("{file}:{line}:");
    assert!(err.contains(&prefix), "expected `{prefix}` in: {err}");
    assert!(err.contains(needle), "expected `{needle}` in: {err}");
}

#[test]
fn negative_amount() {
    let (code, err) = calc("negative", &project(r#""fdi_arrived_usd": "-5""#));
    assert_one_line_error(code, &err, "project.ron", 8, "cannot be negative");
}

#[test]
fn non_numeric_amount() {
    let (code, err) = calc(
        "nonnumeric",
        &project(r#""fdi_arrived_usd": "twenty million""#),
    );
    assert_one_line_error(code, &err, "project.ron", 8, "expected a decimal number");
}

#[test]
fn float_amount_is_refused_to_stay_exact() {
    let (code, err) = calc("float", &project(r#""fdi_arrived_usd": 1.5"#));
    assert_one_line_error(code, &err, "project.ron", 8, "write decimals as strings");
}

#[test]
fn number_too_large_for_a_decimal() {
    let (code, err) = calc(
        "large",
        &project(r#""fdi_arrived_usd": "123456789012345678901234567890123""#),
    );
    assert_one_line_error(code, &err, "project.ron", 8, "too large");
}

#[test]
fn unknown_input() {
    let (code, err) = calc("unknown-input", &project(r#""fdi_arived_usd": "5""#));
    assert_one_line_error(
        code,
        &err,
        "project.ron",
        8,
        "unknown input `fdi_arived_usd`; did you mean `fdi_arrived_usd`",
    );
}

#[test]
fn input_in_the_wrong_place() {
    let (code, err) = calc("wrong-scope", &project(r#""listed_this_year": true"#));
    assert_one_line_error(code, &err, "project.ron", 8, "belongs in `subject.years`");
}

#[test]
fn unknown_industry() {
    let text = project(r#""fdi_arrived_usd": "5""#).replace("manufacturing", "mining");
    let (code, err) = calc("industry", &text);
    assert_one_line_error(code, &err, "project.ron", 6, "unknown industry `mining`");
}

#[test]
fn unknown_field() {
    let text = project(r#""fdi_arrived_usd": "5""#).replace(
        "\"project_kind\": \"new\"},",
        "\"project_kind\": \"new\"},\n            colour: \"red\",",
    );
    let (code, err) = calc("field", &text);
    assert_one_line_error(code, &err, "project.ron", 7, "colour");
}

#[test]
fn year_no_policy_covers() {
    let text = project(r#""fdi_arrived_usd": "5""#).replace("2024:", "2019:");
    let (code, err) = calc("year", &text);
    assert_one_line_error(code, &err, "project.ron", 8, "no loaded policy is in force");
}

#[test]
fn malformed_project() {
    let text = project(r#""fdi_arrived_usd": "5""#).replace("\"new\"},", "\"new\"}");
    let (code, err) = calc("malformed", &text);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.starts_with("project.ron:") || err.contains("project.ron:"),
        "{err}"
    );
    assert_eq!(err.trim_end().lines().count(), 1);
}

#[test]
fn empty_project_file() {
    let (code, err) = calc("empty", "   \n");
    assert_one_line_error(code, &err, "project.ron", 1, "the file is empty");
}

#[test]
fn missing_project_file() {
    let out = bin()
        .args(["calc", "/nonexistent/project.ron", "--lang", "en"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot read the project file"));
}

// ---- rule packs --------------------------------------------------------------------

fn rules_dir(name: &str, replace: &str, with: &str) -> PathBuf {
    let dir = scratch(name);
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    for entry in std::fs::read_dir(&src).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|x| x == "ron") {
            let mut text = std::fs::read_to_string(&p).unwrap();
            if p.file_name().unwrap() == "cq-2023-65.ron" {
                assert!(
                    text.contains(replace),
                    "test setup: `{replace}` not in the pack"
                );
                text = text.replacen(replace, with, 1);
            }
            std::fs::write(dir.join(p.file_name().unwrap()), text).unwrap();
        }
    }
    dir
}

fn check(dir: &Path) -> (i32, String) {
    let out = bin().arg("check").arg(dir).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn rule_pack_with_unknown_field_names_file_position_and_rule() {
    let dir = rules_dir(
        "pack-field",
        "            per: ProjectYear,\n            base: Reading(",
        "            per: ProjectYear,\n            colour: Red,\n            base: Reading(",
    );
    let (code, err) = check(&dir);
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(err.contains("cq-2023-65.ron:"), "{err}");
    assert!(err.contains("rule `fdi_reward_65`"), "{err}");
    assert!(err.contains("colour"), "{err}");
}

#[test]
fn rule_pack_naming_an_undeclared_input() {
    let dir = rules_dir(
        "pack-input",
        "Flag(\"listed_this_year\")",
        "Flag(\"listed_this_yeer\")",
    );
    let (code, err) = check(&dir);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("rule `listing_reward_65`"), "{err}");
    assert!(err.contains("unknown input `listed_this_yeer`"), "{err}");
    let position = err.split(": ").next().unwrap();
    assert!(
        position
            .rsplit(':')
            .next()
            .unwrap()
            .parse::<usize>()
            .unwrap()
            > 0,
        "{err}"
    );
}

#[test]
fn rule_pack_with_a_float_rate() {
    let dir = rules_dir("pack-float", "rate: \"0.04\"", "rate: 0.04");
    let (code, err) = check(&dir);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("write decimals as strings"), "{err}");
    assert!(err.contains("rule `fdi_reward_65`"), "{err}");
}

#[test]
fn malformed_rule_pack() {
    let dir = rules_dir("pack-syntax", "    rules: [", "    rules: [[");
    let (code, err) = check(&dir);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cq-2023-65.ron:"), "{err}");
}

#[test]
fn empty_rule_pack() {
    let dir = rules_dir("pack-empty", "Document(", "Document(");
    std::fs::write(dir.join("zz-empty.ron"), "").unwrap();
    let (code, err) = check(&dir);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("zz-empty.ron:1:1: the file is empty"), "{err}");
}

#[test]
fn an_option_that_does_not_exist() {
    let dir = rules_dir(
        "pack-option",
        "Is(\"industry\", \"manufacturing\")",
        "Is(\"industry\", \"manufactoring\")",
    );
    let (code, err) = check(&dir);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("`manufactoring` is not an option of `industry`"),
        "{err}"
    );
}

// ---- duplicate keys, old placements, offers, language --------------------------------

/// Runs `calc` in the default language (Chinese).
fn calc_zh(name: &str, text: &str) -> (i32, String) {
    let dir = scratch(name);
    let path = dir.join("project.ron");
    std::fs::write(&path, text).unwrap();
    let out = bin().arg("calc").arg(&path).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_year_given_twice_is_an_error_at_the_second() {
    // Once the second 2024 silently replaced the first.
    let text = project(r#""fdi_arrived_usd": "20000000""#).replace(
        "                2024: {\"fdi_arrived_usd\": \"20000000\"},\n",
        "                2024: {\"fdi_arrived_usd\": \"20000000\"},\n                2024: {\"fdi_arrived_usd\": \"5\"},\n",
    );
    let (code, err) = calc("dup-year", &text);
    assert_one_line_error(code, &err, "project.ron", 9, "`2024` is given twice");
    assert!(err.contains("project.ron:9:17:"), "{err}");
}

#[test]
fn a_subject_year_given_twice_is_an_error() {
    let text = project(r#""fdi_arrived_usd": "20000000""#).replace(
        "subject: (name: \"测试企业\"),",
        "subject: (name: \"测试企业\", years: {2024: {}, 2024: {\"listed_this_year\": true}}),",
    );
    let (code, err) = calc("dup-subject-year", &text);
    assert_one_line_error(code, &err, "project.ron", 2, "`2024` is given twice");
    assert!(err.contains("project.ron:2:47:"), "{err}");
}

#[test]
fn an_input_given_twice_is_an_error() {
    let (code, err) = calc(
        "dup-input",
        &project(r#""fdi_arrived_usd": "1", "fdi_arrived_usd": "2""#),
    );
    assert_one_line_error(
        code,
        &err,
        "project.ron",
        8,
        "`fdi_arrived_usd` is given twice",
    );
}

#[test]
fn a_field_given_twice_is_an_error() {
    let text = project(r#""fdi_arrived_usd": "1""#)
        .replace("id: \"P1\",", "id: \"P1\",\n            id: \"P2\",");
    let (code, err) = calc("dup-field", &text);
    assert_one_line_error(code, &err, "project.ron", 6, "`id` is given twice");
}

#[test]
fn misgrouped_thousands_are_refused() {
    for (name, written) in [("grouping-123", "1,2,3"), ("grouping-cents", "35000000,50")] {
        let (code, err) = calc(
            name,
            &project(&format!(r#""fdi_arrived_usd": "{written}""#)),
        );
        assert_one_line_error(code, &err, "project.ron", 8, "groups of three");
    }
}

#[test]
fn an_fx_rate_with_a_decimal_comma_is_refused() {
    // Once `7,1` was read as 71.
    let dir = scratch("fx-comma");
    let path = dir.join("project.ron");
    std::fs::write(&path, project(r#""fdi_arrived_usd": "20000000""#)).unwrap();
    let out = bin()
        .arg("calc")
        .arg(&path)
        .args(["--fx-rate", "7,1"])
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("--fx-rate"), "{err}");
    assert!(err.contains("groups of three"), "{err}");
    let ok = bin()
        .arg("calc")
        .arg(&path)
        .args(["--fx-rate", "7.1"])
        .output()
        .unwrap();
    assert_eq!(ok.status.code(), Some(0));
}

#[test]
fn industry_beside_inputs_says_where_it_moved() {
    let text = project(r#""fdi_arrived_usd": "1""#).replace(
        "inputs: {\"industry\": \"manufacturing\", \"project_kind\": \"new\"},",
        "industry: \"manufacturing\",\n            kind: \"new\",",
    );
    let (code, err) = calc("moved", &text);
    assert_one_line_error(
        code,
        &err,
        "project.ron",
        6,
        "now goes in the project's `inputs`",
    );
    assert!(err.contains("\"industry\""), "{err}");
    let (_, zh) = calc_zh("moved-zh", &text);
    assert!(zh.contains("已移入项目的 `inputs`"), "{zh}");
}

#[test]
fn a_project_without_its_industry() {
    let text =
        project(r#""fdi_arrived_usd": "1""#).replace("\"industry\": \"manufacturing\", ", "");
    let (code, err) = calc("no-industry", &text);
    assert_one_line_error(code, &err, "project.ron", 5, "must give `industry`");
}

#[test]
fn two_offers_on_one_line_name_both_positions() {
    let text = project(r#""fdi_arrived_usd": "20000000""#).replace(
        "    ],\n)",
        "    ],\n    offers: [\n        (rule: \"fdi_reward_65\", project: \"P1\", year: 2024, amount: \"400000\"),\n        (rule: \"fdi_reward_65\", project: \"P1\", year: 2024, amount: \"500000\"),\n    ],\n)",
    );
    let (code, err) = calc("two-offers", &text);
    assert_one_line_error(code, &err, "project.ron", 14, "the first is at 13:10");
    assert!(err.contains("project.ron:14:10:"), "{err}");
    let (_, zh) = calc_zh("two-offers-zh", &text);
    assert!(zh.contains("第 13 行第 10 列"), "{zh}");
}

#[test]
fn an_offer_on_an_unknown_project() {
    let text = project(r#""fdi_arrived_usd": "20000000""#).replace(
        "    ],\n)",
        "    ],\n    offers: [(rule: \"fdi_reward_65\", project: \"P7\", year: 2024, amount: \"400000\")],\n)",
    );
    let (code, err) = calc("offer-project", &text);
    assert_one_line_error(code, &err, "project.ron", 12, "unknown project `P7`");
}

#[test]
fn errors_are_in_chinese_by_default() {
    let (code, err) = calc_zh("zh", &project(r#""fdi_arrived_usd": "-5""#));
    assert_one_line_error(code, &err, "project.ron", 8, "金额不能为负数");
    let (_, err) = calc_zh("zh-input", &project(r#""fdi_arived_usd": "5""#));
    assert!(err.contains("未知的输入项 `fdi_arived_usd`"), "{err}");
}
