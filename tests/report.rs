//! The report: what each line means for the reader (decided by the library), how totals
//! add up, how an officer's offer is brought into the policy range, and the typed
//! explanation tree. Figures are computed by hand from the clauses quoted in the packs.

use std::collections::BTreeMap;
use std::str::FromStr;
use std::sync::Arc;

use incentives::check::example_project;
use incentives::engine::{evaluate, EvalError};
use incentives::load::{load_embedded, RuleBase, RuleSlot};
use incentives::messages::{explain, reason};
use incentives::money::Dec;
use incentives::pack::{Example, ExampleOptions, Lang, RawValue};
use incentives::project::{Offer, ProjectFile, Year};
use incentives::report::{
    Disposition, EvalOptions, Junction, Line, Node, OfferFit, Report, Span, Status, Summary,
};
use rust_decimal::Decimal;

fn base() -> &'static Arc<RuleBase> {
    use std::sync::OnceLock;
    static BASE: OnceLock<Arc<RuleBase>> = OnceLock::new();
    BASE.get_or_init(|| Arc::new(load_embedded().expect("embedded packs load")))
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn text(s: &str) -> RawValue {
    RawValue::Text(s.to_owned())
}

/// One firm, one project (id `example`), `year` with `inputs` and `earlier` years.
fn project(
    year: u16,
    inputs: &[(&str, RawValue)],
    earlier: &[(u16, &[(&str, RawValue)])],
) -> ProjectFile {
    let map = |v: &[(&str, RawValue)]| -> BTreeMap<String, RawValue> {
        v.iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect()
    };
    let ex = Example {
        name: "测试企业".into(),
        year,
        inputs: map(inputs),
        earlier: earlier.iter().map(|(y, v)| (*y, map(v))).collect(),
        other_projects: Vec::new(),
        options: ExampleOptions::default(),
        expect: Vec::new(),
        spans: Default::default(),
    };
    example_project(base(), &ex).expect("a valid project")
}

/// Evaluates `file`; the error, when there is one, is boxed (it is large).
fn run(file: &ProjectFile, strict: bool) -> Result<Report, Box<EvalError>> {
    let options = EvalOptions {
        strict,
        ..EvalOptions::default()
    };
    evaluate(base(), file, &options).map_err(Box::new)
}

fn line<'a>(r: &'a Report, rule: &str, year: u16) -> &'a Line {
    r.lines_of(rule)
        .find(|l| l.year == year)
        .unwrap_or_else(|| panic!("no line {rule} {year}"))
}

fn offer(rule: &str, year: u16, amount: &str) -> Offer {
    Offer {
        rule: rule.into(),
        project: Some("example".into()),
        year: Year(year),
        amount: Dec(d(amount)),
    }
}

/// A manufacturing project with 20,000,000 USD arrived in 2024: 65号 §13 pays at least
/// 2% = 400,000 元, at most 10,000,000 元.
fn fdi_2024() -> ProjectFile {
    project(
        2024,
        &[
            ("industry", text("manufacturing")),
            ("project_kind", text("new")),
            ("fdi_arrived_usd", text("20000000")),
        ],
        &[],
    )
}

#[test]
fn an_offer_above_the_ceiling_is_counted_at_the_ceiling_and_kept_apart() {
    let mut file = fdi_2024();
    file.offers.push(offer("fdi_reward_65", 2024, "12000000"));
    let r = run(&file, false).expect("an offer out of range does not abort");
    let l = line(&r, "fdi_reward_65", 2024);
    assert_eq!(l.disposition, Disposition::Offered);
    assert_eq!(l.amount, Some(d("400000")), "the policy minimum stays");
    assert_eq!(l.offered, Some(d("10000000")));
    assert!(r.trace(l).iter().any(|n| matches!(
        n,
        Node::Offer(o) if o.fit == OfferFit::CappedAtCeiling
    )));
    // 107号 §10 pays the same 400,000 minimum; the offered 65号 line is higher and wins.
    assert_eq!(line(&r, "fdi_reward_107", 2024).status, Status::Superseded);
    assert_eq!(r.total.offered, d("10000000.00"));
    assert_eq!(
        r.total.definite,
        Decimal::ZERO,
        "the offer is not a definite sum"
    );
    let said = explain(&r, l, Lang::Zh)
        .into_iter()
        .map(|(_, s)| s)
        .collect::<Vec<_>>()
        .join("\n");
    assert!(
        said.contains("拟给予 12,000,000.00 元 超过上限，按上限 10,000,000.00 元 计"),
        "{said}"
    );
    // Under --strict the same figure is an error.
    assert!(matches!(
        run(&file, true).map_err(|e| *e),
        Err(EvalError::OfferOutOfRange { .. })
    ));
}

#[test]
fn an_offer_below_the_policy_minimum_is_raised_to_it() {
    let mut file = fdi_2024();
    file.offers.push(offer("fdi_reward_65", 2024, "100000"));
    let r = run(&file, false).unwrap();
    let l = line(&r, "fdi_reward_65", 2024);
    assert_eq!(l.offered, Some(d("400000")));
    assert!(r.trace(l).iter().any(|n| matches!(
        n,
        Node::Offer(o) if o.fit == OfferFit::RaisedToMinimum
    )));
}

#[test]
fn an_offer_on_a_line_that_pays_nothing_is_noted_not_applied() {
    // 9,800,000 USD is not 超过 10,000,000: nothing is due, so the offer cannot apply.
    let mut file = project(
        2024,
        &[
            ("industry", text("manufacturing")),
            ("project_kind", text("new")),
            ("fdi_arrived_usd", text("9800000")),
        ],
        &[],
    );
    file.offers.push(offer("fdi_reward_65", 2024, "500000"));
    let r = run(&file, false).unwrap();
    let l = line(&r, "fdi_reward_65", 2024);
    assert_eq!(l.disposition, Disposition::Ineligible);
    assert_eq!(l.offered, None);
    assert!(r
        .trace(l)
        .iter()
        .any(|n| matches!(n, Node::OfferNotApplied { .. })));
    assert_eq!(r.total.offered, Decimal::ZERO);
    assert!(matches!(
        run(&file, true).map_err(|e| *e),
        Err(EvalError::OfferNotApplicable { .. })
    ));
}

#[test]
fn two_offers_on_one_line_are_refused() {
    let mut file = fdi_2024();
    file.offers.push(offer("fdi_reward_65", 2024, "500000"));
    file.offers.push(offer("fdi_reward_65", 2024, "600000"));
    assert!(matches!(
        run(&file, false).map_err(|e| *e),
        Err(EvalError::DuplicateOffer { .. })
    ));
}

fn synthetic(slot: RuleSlot, amount: &str) -> Line {
    Line {
        slot,
        project: Some(0),
        year: 2024,
        status: Status::Granted,
        disposition: Disposition::Definite,
        amount: Some(d(amount)),
        ceiling: Some(d(amount)),
        offered: None,
        partial_year: false,
        overlap_excluded: false,
        ceiling_open: false,
        payer: None,
        trace: Span::default(),
    }
}

fn grant_slot() -> RuleSlot {
    *base()
        .rules
        .iter()
        .find(|s| base().rule(**s).id == "fdi_reward_65")
        .unwrap()
}

#[test]
fn a_total_adds_the_amounts_as_printed() {
    // Each line prints as 200,000.01 (200,000.005 rounded half away from zero); the total
    // must be the 600,000.03 a reader adds up, not the exact 600,000.015 rounded to .02.
    let lines: Vec<Line> = (0..3)
        .map(|_| synthetic(grant_slot(), "200000.005"))
        .collect();
    let s = Summary::of(base(), None, lines.iter()).unwrap();
    assert_eq!(s.definite, d("600000.03"));
    assert_eq!(s.grant_ceiling_total, d("600000.03"));
}

#[test]
fn a_total_past_28_digits_is_refused_not_clamped() {
    let huge = Decimal::MAX.to_string();
    let lines: Vec<Line> = (0..2).map(|_| synthetic(grant_slot(), &huge)).collect();
    assert!(Summary::of(base(), None, lines.iter()).is_err());
}

#[test]
fn a_failed_any_is_explained_as_a_whole() {
    // 80号: duty-free import of equipment for 鼓励类项目 OR a project in the encouraged
    // foreign-investment catalogue. Both given as "no": the decisive node is the Any.
    let file = project(
        2024,
        &[
            ("industry", text("manufacturing")),
            ("project_kind", text("new")),
            ("encouraged_category_project", RawValue::Bool(false)),
            ("encouraged_catalogue_fdi_project", RawValue::Bool(false)),
            ("self_use_equipment_import_duty_yuan", text("300000")),
        ],
        &[],
    );
    let r = run(&file, false).unwrap();
    let l = line(&r, "import_equipment_exemption_80", 2024);
    let i = r.decisive(l).expect("a decisive node");
    assert!(matches!(
        r.trace(l)[i],
        Node::Group {
            junction: Junction::Any,
            passed: false,
            len: 2,
            ..
        }
    ));
    let why = reason(&r, l, Lang::Zh).unwrap();
    assert!(
        why.contains("满足以下任一条件即可") && why.contains("✗"),
        "{why}"
    );
    // Its two alternatives sit one level below it in the explanation.
    let tree = explain(&r, l, Lang::Zh);
    let at = tree
        .iter()
        .position(|(_, s)| s.contains("任一条件"))
        .unwrap();
    assert_eq!(tree[at + 1].0, tree[at].0 + 1);
    assert_eq!(tree[at + 2].0, tree[at].0 + 1);
    // Both answered "no": the project claims nothing this rule rewards.
    assert_eq!(l.disposition, Disposition::NotClaimed);
}

#[test]
fn a_one_time_award_is_already_granted_in_later_years() {
    // 11号 十: a technology-renovation demonstration project is supported once.
    let inputs = [
        ("industry", text("manufacturing")),
        ("project_kind", text("capital_increase")),
        ("tech_renovation_demo_project", RawValue::Bool(true)),
    ];
    let file = project(2023, &inputs, &[(2022, &inputs)]);
    let r = run(&file, false).unwrap();
    assert_eq!(
        line(&r, "tech_renovation_demo_11", 2022).disposition,
        Disposition::Unquantified {
            case_by_case: false
        }
    );
    let later = line(&r, "tech_renovation_demo_11", 2023);
    assert_eq!(
        later.disposition,
        Disposition::AlreadyGranted { year: 2022 }
    );
    assert!(reason(&r, later, Lang::Zh)
        .unwrap()
        .contains("已于2022年享受"));
}

#[test]
fn dispositions_are_decided_once_by_the_library() {
    // A Wulong rule for a project in Pengshui: another district.
    let charging = |district: Option<&str>| {
        let mut v = vec![
            ("industry", text("services")),
            ("project_kind", text("new")),
            ("charging_infrastructure_project", RawValue::Bool(true)),
            ("charging_basic_electricity_charge_yuan", text("60000")),
        ];
        if let Some(d) = district {
            v.push(("district", text(d)));
        }
        project(2025, &v, &[])
    };
    let rule = "nev_basic_electricity_charge_waiver_20";
    let r = run(&charging(Some("pengshui")), false).unwrap();
    assert_eq!(line(&r, rule, 2025).disposition, Disposition::OtherDistrict);
    // No district given: the project did not claim the district's policy.
    let r = run(&charging(None), false).unwrap();
    assert_eq!(line(&r, rule, 2025).disposition, Disposition::NotClaimed);
    // In Wulong: 20号 waives the basic electricity charge, a definite fee saving.
    let r = run(&charging(Some("wulong")), false).unwrap();
    assert_eq!(line(&r, rule, 2025).disposition, Disposition::Definite);

    // Government-fund equity (11号 八) is support in kind: counted apart, never summed.
    let r = run(
        &project(
            2022,
            &[
                ("industry", text("manufacturing")),
                ("project_kind", text("new")),
                ("strategic_mfg_major_project", RawValue::Bool(true)),
            ],
            &[],
        ),
        false,
    )
    .unwrap();
    assert_eq!(
        line(&r, "gov_invest_fund_11", 2022).disposition,
        Disposition::InKind
    );
    assert!(r.total.in_kind >= 1);

    // 9,800,000 USD fails on the project's own figure: ineligible, with that figure.
    let r = run(
        &project(
            2024,
            &[
                ("industry", text("manufacturing")),
                ("project_kind", text("new")),
                ("fdi_arrived_usd", text("9800000")),
            ],
            &[],
        ),
        false,
    )
    .unwrap();
    let l = line(&r, "fdi_reward_65", 2024);
    assert_eq!(l.disposition, Disposition::Ineligible);
    let why = reason(&r, l, Lang::Zh).unwrap();
    assert!(
        why.contains("9,800,000 美元") && why.contains("10,000,000"),
        "{why}"
    );
}

#[test]
fn the_report_outlives_the_callers_rule_base_and_serialises() {
    let report = {
        let own = Arc::new(load_embedded().unwrap());
        run_with(&own)
    };
    // The caller's handle is gone; the report still names its rules.
    let l = line(&report, "fdi_reward_65", 2024);
    assert_eq!(report.rule(l).clause, "三、13");
    let json = serde_json::to_value(&report).unwrap();
    assert!(json["lines"].as_array().unwrap().len() > 100);
    assert_eq!(json["total"]["definite"], "400000.00");
}

fn run_with(base: &Arc<RuleBase>) -> Report {
    evaluate(base, &fdi_2024(), &EvalOptions::default()).unwrap()
}
