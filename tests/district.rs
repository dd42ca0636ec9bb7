//! A district document applies only in its district: the check comes first (after validity),
//! is recorded as its own step, and is the decisive failure for a project elsewhere.

use std::path::Path;
use std::sync::Arc;

use incentives::check::example_project;
use incentives::engine::evaluate;
use incentives::load::{load_texts, LoadError, RuleBase};
use incentives::messages::explain;
use incentives::pack::{Example, ExampleOptions, Lang, RawValue};
use incentives::report::{EvalOptions, Line, Node, Observed, Report, Status};

/// The shipped packs, with `edit` applied to one file.
fn packs(file: &str, edit: impl Fn(String) -> String) -> Result<Arc<RuleBase>, LoadError> {
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
    load_texts(&files).map(Arc::new)
}

fn text(s: &str) -> RawValue {
    RawValue::Text(s.to_owned())
}

/// One firm in 2025 with one project (`inputs`) and possibly `others`.
fn case(
    base: &Arc<RuleBase>,
    inputs: &[(&str, RawValue)],
    others: &[&[(&str, RawValue)]],
) -> Report {
    let map = |v: &[(&str, RawValue)]| {
        v.iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect()
    };
    let ex = Example {
        name: "district".into(),
        year: 2025,
        inputs: map(inputs),
        earlier: Default::default(),
        other_projects: others.iter().map(|o| map(o)).collect(),
        options: ExampleOptions::default(),
        expect: Vec::new(),
        spans: Default::default(),
    };
    let file = example_project(base, &ex).unwrap();
    evaluate(base, &file, &EvalOptions::default()).unwrap()
}

fn decisive<'a>(b: &'a Report, line: &Line) -> Option<&'a Node> {
    b.decisive(line).map(|i| &b.trace(line)[i])
}

fn text_of(b: &Report, line: &Line, lang: Lang) -> String {
    explain(b, line, lang)
        .into_iter()
        .map(|(_, s)| s)
        .collect::<Vec<_>>()
        .join("\n")
}

const CHARGING: &str = "nev_basic_electricity_charge_waiver_20";
/// A per-firm rule of 武隆府办发〔2024〕35号.
const FIRM_RULE: &str = "sanwei_free_bookkeeping_35";

fn charging_project(district: Option<&str>) -> Vec<(&'static str, RawValue)> {
    let mut v = vec![
        ("industry", text("services")),
        ("project_kind", text("new")),
        ("charging_infrastructure_project", RawValue::Bool(true)),
        ("charging_basic_electricity_charge_yuan", text("60000")),
    ];
    if let Some(d) = district {
        v.push(("district", text(d)));
    }
    v
}

#[test]
fn a_wulong_rule_for_a_project_elsewhere_fails_on_the_district() {
    let base = packs("none", |t| t).unwrap();
    let b = case(&base, &charging_project(Some("pengshui")), &[]);
    let line = b.lines_of(CHARGING).next().unwrap();
    assert_eq!(line.status, Status::Ineligible);
    assert!(
        matches!(
            decisive(&b, line),
            Some(Node::AppliesIn { passed: false, .. })
        ),
        "{:?}",
        line.trace
    );
    // Checked before the rule's own conditions: nothing after it.
    assert!(matches!(b.trace(line).last(), Some(Node::AppliesIn { .. })));
    let zh = text_of(&b, line, Lang::Zh);
    assert!(
        zh.contains("本政策仅适用于武隆区；项目所在区县：彭水苗族土家族自治县"),
        "{zh}"
    );
    let en = text_of(&b, line, Lang::En);
    assert!(
        en.contains("This policy applies only in Wulong; the project's district: Pengshui"),
        "{en}"
    );

    let b = case(&base, &charging_project(Some("wulong")), &[]);
    let line = b.lines_of(CHARGING).next().unwrap();
    assert_eq!(line.status, Status::Granted);
}

#[test]
fn a_project_with_no_district_fails_as_not_given() {
    let base = packs("none", |t| t).unwrap();
    let b = case(&base, &charging_project(None), &[]);
    let line = b.lines_of(CHARGING).next().unwrap();
    assert_eq!(line.status, Status::Ineligible);
    assert!(matches!(
        decisive(&b, line),
        Some(Node::AppliesIn {
            observed: Observed::Missing,
            passed: false,
            ..
        })
    ));
    assert!(text_of(&b, line, Lang::Zh).contains("项目所在区县：未填写"));
}

#[test]
fn a_per_firm_rule_reads_the_documents_firm_flag() {
    let base = packs("none", |t| t).unwrap();
    let firm = |registered: bool| {
        vec![
            ("registered_in_wulong", RawValue::Bool(registered)),
            ("cooperative_economic_organisation", RawValue::Bool(true)),
        ]
    };
    let b = case(&base, &firm(false), &[]);
    let line = b.lines_of(FIRM_RULE).next().unwrap();
    assert_eq!(line.status, Status::Ineligible);
    assert!(matches!(
        decisive(&b, line),
        Some(Node::AppliesIn { passed: false, .. })
    ));
    assert!(text_of(&b, line, Lang::Zh).contains("本政策仅适用于武隆区；企业在武隆区注册：否"));
    let b = case(&base, &firm(true), &[]);
    let line = b.lines_of(FIRM_RULE).next().unwrap();
    assert_ne!(line.status, Status::Ineligible);
}

#[test]
fn without_a_firm_flag_a_per_firm_rule_needs_a_project_in_the_district() {
    let base = packs("wulong-2024-35.ron", |t| {
        t.replace(", firm_flag: \"registered_in_wulong\"", "")
    })
    .unwrap();
    let flag = ("cooperative_economic_organisation", RawValue::Bool(true));
    let project = |d: &str| {
        vec![
            ("industry", text("services")),
            ("project_kind", text("new")),
            ("district", text(d)),
        ]
    };
    let with = |v: Vec<(&'static str, RawValue)>| {
        let mut v = v;
        v.push(flag.clone());
        v
    };
    // Only a project elsewhere: fails, and says where the firm's project is.
    let b = case(&base, &with(project("fuling")), &[]);
    let line = b.lines_of(FIRM_RULE).next().unwrap();
    assert_eq!(line.status, Status::Ineligible);
    assert!(matches!(
        decisive(&b, line),
        Some(Node::AppliesIn { passed: false, .. })
    ));
    // A second project in Wulong: passes.
    let b = case(&base, &with(project("fuling")), &[&project("wulong")]);
    let line = b.lines_of(FIRM_RULE).next().unwrap();
    assert_ne!(line.status, Status::Ineligible);
    // No project at all: not given.
    let b = case(&base, std::slice::from_ref(&flag), &[]);
    let line = b.lines_of(FIRM_RULE).next().unwrap();
    assert!(matches!(
        decisive(&b, line),
        Some(Node::AppliesIn {
            observed: Observed::Missing,
            passed: false,
            ..
        })
    ));
}

#[test]
fn an_unknown_applies_in_district_names_file_line_and_column() {
    let original = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/wulong-2024-22.ron"),
    )
    .unwrap();
    let line_no = original
        .lines()
        .position(|l| l.contains("applies_in:"))
        .unwrap()
        + 1;
    let col = original
        .lines()
        .nth(line_no - 1)
        .unwrap()
        .find("\"wulong\"")
        .unwrap()
        + 1;
    let err = packs("wulong-2024-22.ron", |t| {
        t.replace("District(id: \"wulong\"", "District(id: \"atlantis\"")
    })
    .unwrap_err();
    assert!(err.file.ends_with("wulong-2024-22.ron"), "{err}");
    assert_eq!((err.line, err.col), (line_no, col), "{err}");
    assert!(err.to_string().contains("atlantis"), "{err}");
    assert_eq!(err.to_string().lines().count(), 1);
}

#[test]
fn a_district_document_must_say_where_it_applies() {
    let err = packs("wulong-2024-38.ron", |t| {
        t.replace(
            "applies_in: District(id: \"wulong\", firm_flag: \"registered_in_wulong\"),",
            "",
        )
    })
    .unwrap_err();
    assert!(err.to_string().contains("must say `applies_in"), "{err}");
    let err = packs("wulong-2024-38.ron", |t| {
        t.replace("District(id: \"wulong\"", "District(id: \"fuling\"")
    })
    .unwrap_err();
    assert!(
        err.to_string().contains("level is District(\"武隆区\")"),
        "{err}"
    );
}
