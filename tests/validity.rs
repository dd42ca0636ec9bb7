//! Validity: a plan stops after its last year, and a repealed document stops on its repeal
//! date with the breakdown saying so.

use std::path::Path;
use std::sync::Arc;

use incentives::check::example_project;
use incentives::engine::evaluate;
use incentives::load::{load_texts, RuleBase};
use incentives::messages::explain;
use incentives::pack::{Example, ExampleOptions, Lang, RawValue};
use incentives::report::{EvalOptions, Node, Report, Status};

/// The shipped packs, with `edit` applied to one file.
fn packs(file: &str, edit: impl Fn(String) -> String) -> Arc<RuleBase> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|x| x == "ron") {
            let mut text = std::fs::read_to_string(&p).unwrap();
            if p.file_name().unwrap() == file {
                text = edit(text);
            }
            files.push((p.display().to_string(), text));
        }
    }
    Arc::new(load_texts(&files).expect("packs load"))
}

/// One firm with one project in `year`, given `inputs`, evaluated against `base`.
fn evaluate_case(base: &Arc<RuleBase>, year: u16, inputs: &[(&str, RawValue)]) -> Report {
    let ex = Example {
        name: "validity".into(),
        year,
        inputs: inputs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect(),
        earlier: Default::default(),
        other_projects: Vec::new(),
        options: ExampleOptions::default(),
        expect: Vec::new(),
        spans: Default::default(),
    };
    let file = example_project(base, &ex).unwrap();
    evaluate(base, &file, &EvalOptions::default()).unwrap()
}

fn status_in(base: &Arc<RuleBase>, rule: &str, year: u16, flag: &str) -> (Status, Vec<String>) {
    let b = evaluate_case(base, year, &[(flag, RawValue::Bool(true))]);
    let line = b.lines_of(rule).find(|l| l.year == year).expect("line");
    let sentences = explain(&b, line, Lang::En)
        .into_iter()
        .map(|(_, s)| s)
        .collect();
    (line.status, sentences)
}

#[test]
fn a_plan_stops_after_its_last_year() {
    let base = packs("none", |t| t);
    // 渝府发〔2022〕39号 runs to 2025-12-31.
    let (s2025, _) = status_in(
        &base,
        "env_energy_tax_preferences_39",
        2025,
        "env_energy_resource_tax_activity",
    );
    assert_eq!(s2025, Status::Unquantified);
    let (s2026, why) = status_in(
        &base,
        "env_energy_tax_preferences_39",
        2026,
        "env_energy_resource_tax_activity",
    );
    assert_eq!(s2026, Status::NotInForce);
    assert!(
        why[0].contains("Not in force this year") && why[0].contains("2025-12-31"),
        "{why:?}"
    );
}

#[test]
fn a_repealed_document_stops_on_its_repeal_date_and_says_so() {
    let base = packs("cq-2022-39.ron", |t| {
        t.replacen(
            "    source: (file: \"001_f88a461b8b3fdb09.txt\"",
            "    repealed: (by: \"渝府发〔2024〕99号\", on: \"2024-06-30\"),\n    source: (file: \"001_f88a461b8b3fdb09.txt\"",
            1,
        )
    });
    let (s2023, _) = status_in(
        &base,
        "env_energy_tax_preferences_39",
        2023,
        "env_energy_resource_tax_activity",
    );
    assert_eq!(s2023, Status::Unquantified);
    // The repeal year is evaluated, and the line says when the document stopped.
    let (s2024, why) = status_in(
        &base,
        "env_energy_tax_preferences_39",
        2024,
        "env_energy_resource_tax_activity",
    );
    assert_eq!(s2024, Status::Unquantified);
    assert!(
        why.iter()
            .any(|w| w == "Repealed by 渝府发〔2024〕99号 on 2024-06-30"),
        "{why:?}"
    );
    // After the repeal year the rule does not apply, and says why.
    let (s2025, why) = status_in(
        &base,
        "env_energy_tax_preferences_39",
        2025,
        "env_energy_resource_tax_activity",
    );
    assert_eq!(s2025, Status::NotInForce);
    assert_eq!(
        why,
        vec!["Repealed by 渝府发〔2024〕99号 on 2024-06-30".to_owned()]
    );
}

#[test]
fn a_partial_year_is_flagged() {
    let base = packs("none", |t| t);
    let text = |v: &str| RawValue::Text(v.to_owned());
    let b = evaluate_case(
        &base,
        2023,
        &[
            ("industry", text("other")),
            ("project_kind", text("new")),
            ("fdi_arrived_usd", text("20000000")),
        ],
    );
    let l65 = b.lines_of("fdi_reward_65").next().unwrap();
    assert!(l65.partial_year);
    assert!(matches!(
        b.trace(l65)[0],
        Node::InForce { partial: true, .. }
    ));
    let l107 = b.lines_of("fdi_reward_107").next().unwrap();
    assert!(!l107.partial_year);
}
