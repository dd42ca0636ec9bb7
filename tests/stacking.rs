//! No double claim across firm and project lines, several groups per rule, the clause that
//! governs each pair in its year, and shared caps applied before stacking. Every decision
//! is worked out by hand from the clauses quoted in the packs.

use std::collections::BTreeMap;
use std::sync::Arc;

use incentives::check::example_project;
use incentives::engine::evaluate;
use incentives::load::{load_embedded, RuleBase};
use incentives::messages::{explain, reason};
use incentives::pack::{Example, ExampleOptions, Lang, RawValue};
use incentives::report::{EvalOptions, Line, Report, Status};

fn base() -> &'static Arc<RuleBase> {
    use std::sync::OnceLock;
    static BASE: OnceLock<Arc<RuleBase>> = OnceLock::new();
    BASE.get_or_init(|| Arc::new(load_embedded().expect("embedded packs load")))
}

type Inputs<'a> = &'a [(&'a str, RawValue)];

fn map(v: Inputs) -> BTreeMap<String, RawValue> {
    v.iter()
        .map(|(k, v)| ((*k).to_owned(), v.clone()))
        .collect()
}

/// The firm and its first project take `inputs`; each of `others` is one more project.
fn report(year: u16, inputs: Inputs, others: &[Inputs]) -> Report {
    let ex = Example {
        name: "测试企业".into(),
        year,
        inputs: map(inputs),
        earlier: BTreeMap::new(),
        other_projects: others.iter().map(|o| map(o)).collect(),
        options: ExampleOptions::default(),
        expect: Vec::new(),
    };
    let file = example_project(base(), &ex).expect("a valid project");
    evaluate(base(), &file, &EvalOptions::default()).expect("evaluates")
}

fn yes() -> RawValue {
    RawValue::Bool(true)
}

fn text(s: &str) -> RawValue {
    RawValue::Text(s.to_owned())
}

fn line<'a>(r: &'a Report, rule: &str, project: Option<usize>) -> &'a Line {
    r.lines_of(rule)
        .find(|l| l.project == project)
        .unwrap_or_else(|| panic!("no line {rule} {project:?}"))
}

fn explained(r: &Report, l: &Line) -> String {
    explain(r, l, Lang::Zh)
        .into_iter()
        .map(|(_, s)| s)
        .collect::<Vec<_>>()
        .join("\n")
}

const CLAUSE_11: &str = "渝府发〔2021〕11号 结语";
const CLAUSE_65: &str = "渝府办发〔2023〕65号 三（第11—14条之后）";

#[test]
fn a_firm_line_gives_way_to_a_project_line_of_the_same_kind_under_11号() {
    // 2022: 47号 一（二）'s one-time grant (project, up to 10,000,000) against 11号 二's reward
    // for an innovation platform (firm, 一定奖励补助: no figure). 11号 结语 governs an 11号
    // measure against another municipal policy; 65号 was not yet issued.
    let r = report(
        2022,
        &[
            ("industry", text("services")),
            ("project_kind", text("new")),
            ("national_st_base_newly_recognised", yes()),
            ("innovation_platform_recognised", yes()),
        ],
        &[],
    );
    let firm = line(&r, "innovation_platform_reward_11", None);
    assert_eq!(firm.status, Status::Superseded);
    let grant = line(&r, "natl_platform_grant_47", Some(0));
    assert_eq!(grant.status, Status::CeilingOnly);
    let why = reason(&r, firm, Lang::Zh).expect("a superseded line has a reason");
    assert!(why.contains(CLAUSE_11), "{why}");
    assert!(!why.contains("65号"), "65号 did not exist in 2022: {why}");
    assert!(explained(&r, grant).contains(CLAUSE_11));
}

#[test]
fn two_lines_of_one_document_follow_the_catalogue_reading_not_another_documents_clause() {
    // 2022, one manufacturing project that is both a digital workshop (47号 三（十二）, up to
    // 5,000,000) and a demonstration smart factory (up to 10,000,000): one payout, the higher
    // (catalogue G5). No clause governs two 47号 measures: 11号's speaks of 11号's own, and
    // 65号's did not exist.
    let r = report(
        2022,
        &[
            ("industry", text("manufacturing")),
            ("project_kind", text("new")),
            ("digital_workshop_or_smart_factory", yes()),
            ("demo_smart_factory", yes()),
        ],
        &[],
    );
    let lost = line(&r, "digital_workshop_47", Some(0));
    assert_eq!(lost.status, Status::Superseded);
    assert_eq!(
        line(&r, "demo_smart_factory_47", Some(0)).ceiling,
        Some(10_000_000.into())
    );
    let why = reason(&r, lost, Lang::Zh).unwrap();
    assert!(why.contains("本年度无条款直接规定"), "{why}");
    assert!(why.contains("政策目录004 §4 G5"), "{why}");
    assert!(
        !why.contains(CLAUSE_11) && !why.contains(CLAUSE_65),
        "{why}"
    );
    let why_en = reason(&r, lost, Lang::En).unwrap();
    assert!(
        why_en.contains("No clause governs this pair this year"),
        "{why_en}"
    );
}

#[test]
fn sixty_five_governs_its_retrofit_against_47号s_workshop_from_2024() {
    // 2024: 65号 三、14 smart retrofit (up to 10,000,000) and 47号 digital workshop (up to
    // 5,000,000) for one project; the rule sits in two groups (retrofit, smart_manufacturing).
    let r = report(
        2024,
        &[
            ("industry", text("manufacturing")),
            ("project_kind", text("new")),
            ("smart_retrofit", yes()),
            ("digital_workshop_or_smart_factory", yes()),
        ],
        &[],
    );
    let lost = line(&r, "digital_workshop_47", Some(0));
    assert_eq!(lost.status, Status::Superseded);
    assert_eq!(
        r.superseded_by(lost)
            .map(|s| r.rule_base().rule(s).id.as_str()),
        Some("smart_retrofit_65")
    );
    let why = reason(&r, lost, Lang::Zh).unwrap();
    assert!(why.contains(CLAUSE_65), "{why}");
    assert_eq!(r.years[0].ceilings, 10_000_000.into());
}

fn centre_firm() -> Vec<(&'static str, RawValue)> {
    vec![
        ("industry", text("manufacturing")),
        ("project_kind", text("new")),
        ("national_mfg_innovation_centre_lead_year", text("2022")),
        ("national_st_base_newly_recognised", yes()),
    ]
}

/// A manufacturing project hosting a newly recognised national S&T base.
fn hosting_project() -> Vec<(&'static str, RawValue)> {
    vec![
        ("industry", text("manufacturing")),
        ("project_kind", text("new")),
        ("national_st_base_newly_recognised", yes()),
    ]
}

#[test]
fn a_firm_line_stays_when_it_pays_at_least_the_project_lines_together() {
    // 2022, the firm leads a national manufacturing innovation centre designated in 2022:
    // 47号 二（六） up to 20,000,000 a year (firm). Two projects each host a newly recognised
    // national base: 47号 一（二） up to 10,000,000 each. 10,000,000 + 10,000,000 = 20,000,000
    // ≤ 20,000,000: the firm's line stays and both project lines give way (catalogue A7).
    let other = hosting_project();
    let r = report(2022, &centre_firm(), &[&other]);
    assert_eq!(
        line(&r, "natl_mfg_innov_centre_47", None).status,
        Status::CeilingOnly
    );
    for p in [0, 1] {
        assert_eq!(
            line(&r, "natl_platform_grant_47", Some(p)).status,
            Status::Superseded
        );
    }
    assert_eq!(r.years[0].ceilings, 20_000_000.into());
}

#[test]
fn a_firm_line_gives_way_when_the_project_lines_together_pay_more() {
    // As above with three hosting projects: 3 × 10,000,000 = 30,000,000 > 20,000,000, so the
    // project lines are paid and the firm's line gives way.
    let other = hosting_project();
    let r = report(2022, &centre_firm(), &[&other, &other]);
    assert_eq!(
        line(&r, "natl_mfg_innov_centre_47", None).status,
        Status::Superseded
    );
    for p in [0, 1, 2] {
        assert_eq!(
            line(&r, "natl_platform_grant_47", Some(p)).status,
            Status::CeilingOnly
        );
    }
    assert_eq!(r.years[0].ceilings, 30_000_000.into());
}

#[test]
fn a_line_a_shared_cap_empties_says_so_and_never_wins() {
    // 2023, eleven projects each lead a national programme with 40,000,000 of central funding
    // last year: 47号 二（八） 3% = 1,200,000 → 1,000,000 per project; the unit cap of
    // 10,000,000 is used up by the first ten, so the eleventh gets nothing, and 11号's
    // unquantified reward for the same programme stays in that project.
    let project: Vec<(&str, RawValue)> = vec![
        ("industry", text("manufacturing")),
        ("project_kind", text("new")),
        ("national_programme_lead", yes()),
        (
            "national_programme_funding_last_year_yuan",
            text("40000000"),
        ),
    ];
    let others: Vec<Inputs> = (0..10).map(|_| project.as_slice()).collect();
    let r = report(2023, &project, &others);
    let emptied = line(&r, "natl_programme_reward_47", Some(10));
    assert_eq!(emptied.status, Status::Ineligible);
    let why = reason(&r, emptied, Lang::Zh).expect("an emptied line says why");
    assert!(why.contains("限额已用尽"), "{why}");
    assert!(why.contains("10,000,000.00"), "{why}");
    assert_eq!(
        line(&r, "key_tech_project_reward_11", Some(10)).status,
        Status::Unquantified
    );
    assert_eq!(
        line(&r, "key_tech_project_reward_11", Some(9)).status,
        Status::Superseded
    );
    // 10 × 1,000,000 paid; the shared cap is never exceeded.
    assert_eq!(r.years[0].definite, 10_000_000.into());
}
