//! The evaluation grows with the size of the work, not with its square, checked without a
//! clock: a bureau's file of N projects and one of 4N (the same mix of projects, repeated)
//! give 4 times the project lines and about 4 times the explanation nodes, and the passes
//! over all lines (one-time awards, offers, caps shared across projects, stacking, merging
//! the nodes) take about 4 times the steps ([`Work`]), where a scan of every line per line
//! would take 16 times.

use std::sync::Arc;

use incentives::engine::{evaluate_counted, evaluate_with, Explainer, Traces, Work};
use incentives::load::{load_embedded, RuleBase};
use incentives::pack::Lang;
use incentives::project::parse_project;
use incentives::render::{csv, json, text};
use incentives::report::{EvalOptions, Line, Node, Report, SelectedReading};
use rust_decimal::Decimal;

fn base() -> Arc<RuleBase> {
    Arc::new(load_embedded().expect("embedded packs load"))
}

/// `n` projects over 2024–2025 in the mix of `scripts/scaling.sh`: every pattern repeats
/// each 120 projects, so 4n projects are the same mix four times over.
fn portfolio(n: usize) -> String {
    let mut out = String::from(
        "Project(\n  subject: (\n    name: \"区县项目库\",\n    inputs: {\"manufacturing_enterprise\": true, \"has_rd_reserve_system\": true},\n    years: {\n      2024: {\"rd_expense_yuan\": \"10000000\", \"rd_expense_last_year_yuan\": \"8500000\", \"innovation_platform_recognised\": true, \"foreign_rd_centre_recognised_this_year\": true},\n      2025: {\"rd_expense_yuan\": \"11500000\", \"rd_expense_last_year_yuan\": \"10000000\"},\n    },\n  ),\n  projects: [\n",
    );
    let districts = ["liangjiang", "wulong", "yubei"];
    for i in 1..=n {
        let industry = if i % 10 < 7 {
            "manufacturing"
        } else {
            "services"
        };
        let kind = if i % 2 == 1 {
            "new"
        } else {
            "capital_increase"
        };
        let mut inputs = format!(
            "\"industry\": \"{industry}\", \"project_kind\": \"{kind}\", \"district\": \"{}\"",
            districts[i % 3]
        );
        if i % 5 == 0 {
            inputs.push_str(", \"major_investment_project\": true");
        }
        if i % 4 == 0 {
            inputs.push_str(", \"national_programme_lead\": true");
        }
        if i % 8 == 0 {
            inputs.push_str(", \"key_tech_project\": true");
        }
        out.push_str(&format!(
            "    (id: \"P{i}\", inputs: {{{inputs}}}, years: {{\n"
        ));
        for (y, year) in [2024, 2025].into_iter().enumerate() {
            let usd = 5_000_000 + ((i * 7919 + y * 104_729) % 60) * 1_000_000;
            let mut values = format!("\"fdi_arrived_usd\": \"{usd}\"");
            if i % 3 == 0 {
                values.push_str(", \"fdi_shareholder_loans_usd\": \"2000000\"");
            }
            if (i + y) % 6 == 0 {
                values.push_str(", \"smart_retrofit\": true, \"green_retrofit\": true");
            }
            if i % 4 == 0 {
                values.push_str(&format!(
                    ", \"national_programme_funding_last_year_yuan\": \"{}\"",
                    10_000_000 + (i % 50) * 1_000_000
                ));
            }
            if i % 20 == 0 && y == 0 {
                values.push_str(", \"national_st_base_newly_recognised\": true");
            }
            out.push_str(&format!("      {year}: {{{values}}},\n"));
        }
        out.push_str("    }),\n");
    }
    out.push_str("  ],\n  offers: [\n");
    for i in (10..=n).step_by(10) {
        out.push_str(&format!(
            "    (rule: \"fdi_reward_65\", project: \"P{i}\", year: 2024, amount: \"1500000\"),\n"
        ));
    }
    out.push_str("  ],\n)\n");
    out
}

fn evaluate(base: &Arc<RuleBase>, n: usize) -> (Report, Work) {
    let file = parse_project("portfolio.ron", &portfolio(n), base).expect("the portfolio parses");
    evaluate_counted(base, &file, &EvalOptions::default(), Traces::Every).expect("evaluates")
}

#[test]
fn four_times_the_projects_is_four_times_the_work() {
    let base = base();
    let (small, small_work) = evaluate(&base, 120);
    let (large, large_work) = evaluate(&base, 480);
    let project_lines = |r: &Report| r.lines.iter().filter(|l| l.project.is_some()).count();
    // 51 per-project rules × 2 years × 120 projects = 12,240 lines; 4 × that for 480.
    assert_eq!(project_lines(&small), 51 * 2 * 120);
    assert_eq!(project_lines(&large), 4 * project_lines(&small));
    // The firm's own lines do not depend on the number of projects: 125 rules × 2 years.
    assert_eq!(small.lines.len() - project_lines(&small), 125 * 2);
    assert_eq!(large.lines.len() - project_lines(&large), 125 * 2);
    // Explanations: about 4× (the caps shared by the firm's projects run out sooner with
    // more projects, which changes a few lines' nodes, not their number's order).
    let nodes = large.nodes.len() as f64 / small.nodes.len() as f64;
    assert!((3.8..=4.2).contains(&nodes), "nodes grew {nodes:.2}×");
    // The passes over all lines: at most 4 × (1 + the growth of log2 n in the sorts); a
    // pass that scanned every line per line would be near 16×.
    let steps = large_work.0 as f64 / small_work.0 as f64;
    assert!((3.8..=4.6).contains(&steps), "work grew {steps:.2}×");
}

#[test]
fn the_passes_see_what_scales_the_work() {
    // The portfolio exercises every pass: offers (48 on 480 projects), shared caps
    // (national programme rewards capped at 10,000,000 per firm and year), stacking within
    // a project (65号 against 107号) and firm lines against project lines (the innovation
    // platform the firm and its projects both claim), and one-time rules.
    let base = base();
    let (report, _) = evaluate(&base, 480);
    let nodes = |name: &str| {
        report
            .nodes
            .iter()
            .filter(|n| format!("{n:?}").starts_with(name))
            .count()
    };
    // 48 offers, each applied or said to apply to nothing.
    assert_eq!(nodes("Offer(") + nodes("OfferNotApplied"), 48);
    assert!(
        nodes("SharedCap") > 0,
        "a cap shared across projects applied"
    );
    assert!(
        nodes("Superseded") > 0 && nodes("Won") > 0,
        "stacking decided"
    );
    assert!(nodes("Overlap") > 0, "an overlap no clause governs");
}

#[test]
fn every_output_grows_with_the_lines() {
    // The outputs are written line by line: 4× the projects give about 4× the bytes.
    let base = base();
    let (small, _) = evaluate(&base, 60);
    let (large, _) = evaluate(&base, 240);
    type Writer = fn(&Report, &mut Vec<u8>) -> std::io::Result<()>;
    let writers: [(&str, Writer); 4] = [
        ("text", |r, out| {
            text::write(r, Lang::Zh, text::Detail::Normal, out)
        }),
        ("json", |r, out| {
            json::write_json(r, &mut Explainer::whole(), Lang::Zh, out)
        }),
        ("jsonl", |r, out| {
            json::write_jsonl(r, &mut Explainer::whole(), Lang::Zh, out)
        }),
        ("csv", |r, out| {
            csv::write_csv(r, &mut Explainer::whole(), Lang::Zh, out)
        }),
    ];
    for (name, write) in writers {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        write(&small, &mut a).expect("written");
        write(&large, &mut b).expect("written");
        let ratio = b.len() as f64 / a.len() as f64;
        assert!((3.5..=4.2).contains(&ratio), "{name} grew {ratio:.2}×");
    }
}

/// Every output of a report keeping every explanation and of one keeping only what is
/// only the lines that pay (the others evaluated again by the `Explainer`) is the same,
/// byte for byte.
fn same_outputs(
    base: &Arc<RuleBase>,
    name: &str,
    source: &str,
    options: &EvalOptions,
) -> (usize, usize) {
    let file = parse_project(name, source, base).expect("parses");
    let every = evaluate_with(base, &file, options, Traces::Every).expect("evaluates");
    let shown = evaluate_with(base, &file, options, Traces::Shown).expect("evaluates");
    // The sparse report holds only the lines that pay or that a pass changed; the
    // explainer gives every line, the same as the whole report's, node for node.
    assert!(shown.is_sparse() && !every.is_sparse());
    assert!(
        shown.lines.len() < every.lines.len(),
        "{name}: lines left out"
    );
    let mut given: Vec<(Line, Vec<Node>)> = Vec::new();
    Explainer::new(&file)
        .each(&shown, |l, trace| -> Result<(), ()> {
            given.push((l.clone(), trace.to_vec()));
            Ok(())
        })
        .expect("given");
    assert_eq!(given.len(), every.lines.len(), "{name}");
    for (a, (b, trace)) in every.lines.iter().zip(&given) {
        assert_eq!(
            (a.slot, a.project, a.year, a.status, a.disposition),
            (b.slot, b.project, b.year, b.status, b.disposition),
            "{name}"
        );
        assert_eq!(
            (
                a.amount,
                a.ceiling,
                a.offered,
                a.ceiling_open,
                a.overlap_excluded
            ),
            (
                b.amount,
                b.ceiling,
                b.offered,
                b.ceiling_open,
                b.overlap_excluded
            ),
            "{name}"
        );
        assert_eq!(every.trace(a), trace.as_slice(), "{name}");
    }
    assert_eq!(every.years, shown.years, "{name}");
    assert_eq!(every.total, shown.total, "{name}");
    let readings = |r: &Report| -> Vec<String> {
        r.readings_taken()
            .iter()
            .map(|(_, reading, _)| reading.id.clone())
            .collect()
    };
    assert_eq!(readings(&every), readings(&shown), "{name}");
    for lang in [Lang::Zh, Lang::En] {
        for detail in [text::Detail::Normal, text::Detail::Verbose] {
            let mut b = Vec::new();
            text::write_with(&shown, &mut Explainer::new(&file), lang, detail, &mut b)
                .expect("written");
            assert!(
                text::render(&every, lang, detail).into_bytes() == b,
                "{name}: text"
            );
            // Made on several threads, written in order: the same bytes.
            for workers in [1, 2, 3] {
                let mut c = Vec::new();
                text::write_parallel(&shown, &file, lang, detail, workers, &mut c)
                    .expect("written");
                assert!(c == b, "{name}: text on {workers} threads");
            }
        }
        let (mut a, mut b) = (Vec::new(), Vec::new());
        csv::write_csv(&shown, &mut Explainer::new(&file), lang, &mut b).expect("written");
        csv::write_csv(&every, &mut Explainer::whole(), lang, &mut a).expect("written");
        assert!(a == b, "{name}: csv");
        assert!(
            a == csv::to_csv(&every, lang).into_bytes(),
            "{name}: csv in memory"
        );
        let (mut a, mut b) = (Vec::new(), Vec::new());
        json::write_json(&every, &mut Explainer::whole(), lang, &mut a).expect("written");
        json::write_json(&shown, &mut Explainer::new(&file), lang, &mut b).expect("written");
        assert!(a == b, "{name}: json");
        // The streamed JSON is the document `to_json` builds, pretty-printed.
        let whole = serde_json::to_string_pretty(&json::to_json(&every, lang)).expect("JSON");
        assert!(
            a == format!("{whole}\n").into_bytes(),
            "{name}: streamed json"
        );
        let (mut a, mut b) = (Vec::new(), Vec::new());
        json::write_jsonl(&every, &mut Explainer::whole(), lang, &mut a).expect("written");
        json::write_jsonl(&shown, &mut Explainer::new(&file), lang, &mut b).expect("written");
        assert!(a == b, "{name}: jsonl");
        for workers in [1, 2, 3] {
            let mut c = Vec::new();
            json::write_jsonl_parallel(&shown, &file, lang, workers, &mut c).expect("written");
            assert!(c == b, "{name}: jsonl on {workers} threads");
        }
        // One object per line of the report, per year, and the total.
        let records = String::from_utf8(a).expect("UTF-8");
        assert_eq!(
            records.lines().count(),
            every.lines.len() + every.years.len() + 1
        );
    }
    (every.lines.len(), shown.lines.len())
}

#[test]
fn lines_left_out_change_no_output() {
    let base = base();
    let folder = format!("{}/examples", env!("CARGO_MANIFEST_DIR"));
    let mut examples: Vec<_> = std::fs::read_dir(&folder)
        .expect("examples folder")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    examples.sort();
    assert!(examples.len() >= 4, "the examples are found");
    for path in examples {
        let source = std::fs::read_to_string(&path).expect("example reads");
        same_outputs(
            &base,
            &path.display().to_string(),
            &source,
            &EvalOptions::default(),
        );
    }
    // The alternative 口径 of the foreign-capital reward: lines that fail still name it.
    let converted = EvalOptions {
        readings: vec![SelectedReading {
            id: "fdi_usd_converted".into(),
            param: Some(Decimal::new(71, 1)),
        }],
        strict: false,
    };
    same_outputs(&base, "portfolio.ron", &portfolio(40), &converted);
    let (every, shown) = same_outputs(
        &base,
        "portfolio.ron",
        &portfolio(40),
        &EvalOptions::default(),
    );
    // 90 projects over 2 years: 182 blocks, so the threads take several runs of them each.
    same_outputs(
        &base,
        "portfolio.ron",
        &portfolio(90),
        &EvalOptions::default(),
    );
    // Most lines of a portfolio pay nothing: the sparse report holds fewer than one in
    // five (the lines that pay or that a pass changed, with their whole explanations).
    assert!(shown * 5 < every, "{shown} of {every} lines kept");
}

#[test]
fn a_line_stays_small() {
    // What a report holds per line it keeps (docs/benchmarks.md): a `Line` of 112 bytes (a
    // rule slot, the project, three optional amounts, a span) and nodes of 56 bytes. A
    // whole report (the app, the printed report) holds every one of the 1,530,375 lines
    // of 10,000 projects over 3 years.
    assert!(std::mem::size_of::<incentives::report::Line>() <= 112);
    assert!(std::mem::size_of::<incentives::report::Node>() <= 56);
}
