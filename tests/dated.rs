//! Dated facts: amounts with their dates and single dates, read from project files with
//! their positions, split by the days a rule is in force, edited through the project API,
//! and shown wherever inputs are listed. Every figure is worked out by hand from the texts.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use incentives::engine::evaluate;
use incentives::inputs::{DatedAmount, Value};
use incentives::insight::{sweep, InsightError};
use incentives::load::{load_dir, load_texts, RuleBase};
use incentives::messages::explain;
use incentives::pack::{Date, Lang};
use incentives::project::{parse_project, At, ProjectBuilder, ProjectErrorKind, ProjectFile};
use incentives::render::json::to_json;
use incentives::render::pdf::given_inputs;
use incentives::report::{DatedStep, EvalOptions, Line, Node, Report, Status};
use rust_decimal::Decimal;

/// The shipped packs, read from this checkout's `rules/`.
fn base() -> &'static Arc<RuleBase> {
    static BASE: OnceLock<Arc<RuleBase>> = OnceLock::new();
    BASE.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        Arc::new(load_dir(&dir).expect("the shipped packs load"))
    })
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn date(s: &str) -> Date {
    Date::parse(s).unwrap()
}

fn entry(day: &str, amount: &str) -> DatedAmount {
    DatedAmount {
        date: date(day),
        amount: d(amount),
    }
}

const SAFETY: &str = "safety_special_equipment_investment_yuan";

/// A Wulong firm whose 2024 figures are `figures` (the inside of the year's map).
fn wulong(figures: &str) -> String {
    format!(
        r#"Project(
    subject: (
        name: "武隆某矿业公司",
        inputs: {{"registered_in_wulong": true}},
        years: {{
            2024: {{
                "enterprise_income_tax_payable_yuan": "5000000",
                {figures}
            }},
        }},
    ),
)
"#
    )
}

fn report(text: &str) -> Report {
    let file = parse_project("project.ron", text, base()).expect("the project parses");
    evaluate(base(), &file, &EvalOptions::default()).expect("it evaluates")
}

fn line<'r>(r: &'r Report, rule: &str, year: u16) -> &'r Line {
    r.lines_of(rule)
        .find(|l| l.year == year)
        .unwrap_or_else(|| panic!("no line of {rule} in {year}"))
}

fn sentences(r: &Report, l: &Line, lang: Lang) -> Vec<String> {
    explain(r, l, lang).into_iter().map(|(_, s)| s).collect()
}

// ---------------------------------------------------------------------------------------
// The split, on the shipped packs

#[test]
fn purchases_either_side_of_32s_issue_date_are_split() {
    let r = report(&wulong(&format!(
        r#""{SAFETY}": [("2024-03-01", "400000"), ("2024-09-01", "600000")],"#
    )));
    // 105号, in force all of 2024: 10% × (400,000 + 600,000) = 100,000.
    let l105 = line(&r, "safety_equipment_tax_credit_105", 2024);
    assert_eq!(l105.amount, Some(d("100000")));
    assert!(!l105.overlap_excluded);
    // 32号, from 2024-07-17: only the 2024-09-01 purchase: 10% × 600,000 = 60,000.
    let l32 = line(&r, "mine_safety_equip_eit_credit_32", 2024);
    assert_eq!(l32.amount, Some(d("60000")));
    // Both shown, the higher counted (WarnOverlap).
    assert!(l32.overlap_excluded);
    // The 32号 line says what it counted, the 105号 line (all year) says nothing of dates.
    let step = r
        .trace(l32)
        .iter()
        .find_map(|n| match n {
            Node::Dated(s) => Some((**s).clone()),
            _ => None,
        })
        .expect("the 32号 line explains the split");
    assert_eq!(
        step,
        DatedStep {
            input: base().catalog.slot(SAFETY).unwrap(),
            from: date("2024-07-17"),
            until: date("2024-12-31"),
            counted: d("600000"),
            total: d("1000000"),
            counted_entries: 1,
            entries: 2,
        }
    );
    assert!(!r
        .trace(l105)
        .iter()
        .any(|n| matches!(n, Node::Dated(_) | Node::Undated { .. })));
    let zh = sentences(&r, l32, Lang::Zh).join("\n");
    assert!(
        zh.contains("安全生产专用设备投资额按日期计入：本条本年度有效期 2024-07-17 至 2024-12-31 内的 1 笔，共 600,000.00 元（本年度共 2 笔、1,000,000.00 元）"),
        "{zh}"
    );
    assert!(zh.contains("600,000.00 元 × 10% = 60,000.00 元"), "{zh}");
    let en = sentences(&r, l32, Lang::En).join("\n");
    assert!(
        en.contains("by date: 1 of 2 entries, CNY 600,000.00 of CNY 1,000,000.00 this year, are dated on days this rule is in force (2024-07-17 to 2024-12-31)"),
        "{en}"
    );
    // The JSON contract carries the node with its figures and dates.
    let json = to_json(&r, Lang::En).to_string();
    assert!(json.contains(r#""node":"dated""#), "{json}");
    assert!(json.contains(r#""from":"2024-07-17""#), "{json}");
}

#[test]
fn the_issue_date_itself_counts_and_the_day_before_does_not() {
    // 自印发之日起: 2024-07-17 counts for 32号: 10% × 500,000 = 50,000.
    let on = report(&wulong(&format!(
        r#""{SAFETY}": [("2024-07-17", "500000")],"#
    )));
    assert_eq!(
        line(&on, "mine_safety_equip_eit_credit_32", 2024).amount,
        Some(d("50000"))
    );
    // 2024-07-16 does not: nothing left to credit under 32号; 105号 still 50,000.
    let before = report(&wulong(&format!(
        r#""{SAFETY}": [("2024-07-16", "500000")],"#
    )));
    let l32 = line(&before, "mine_safety_equip_eit_credit_32", 2024);
    assert_eq!(l32.status, Status::Ineligible);
    assert_eq!(l32.amount, None);
    assert_eq!(
        line(&before, "safety_equipment_tax_credit_105", 2024).amount,
        Some(d("50000"))
    );
}

#[test]
fn an_undated_figure_is_taken_whole_and_the_line_says_so() {
    let r = report(&wulong(&format!(r#""{SAFETY}": "1000000","#)));
    // No dates: 32号 cannot leave anything out: 10% × 1,000,000 = 100,000.
    let l32 = line(&r, "mine_safety_equip_eit_credit_32", 2024);
    assert_eq!(l32.amount, Some(d("100000")));
    assert!(r.trace(l32).iter().any(|n| matches!(
        n,
        Node::Undated { from, until, .. } if *from == date("2024-07-17") && *until == date("2024-12-31")
    )));
    let zh = sentences(&r, l32, Lang::Zh).join("\n");
    assert!(
        zh.contains("安全生产专用设备投资额未按日期填写，无法按本条本年度有效期（2024-07-17 至 2024-12-31）拆分：按全年填写的金额全额计入"),
        "{zh}"
    );
    let en = sentences(&r, l32, Lang::En).join("\n");
    assert!(
        en.contains("was not given by date, so it could not be split"),
        "{en}"
    );
    // 105号 is in force all year: nothing to say.
    let l105 = line(&r, "safety_equipment_tax_credit_105", 2024);
    assert!(!r
        .trace(l105)
        .iter()
        .any(|n| matches!(n, Node::Undated { .. })));
}

#[test]
fn a_date_condition_holds_only_on_days_the_rule_is_in_force() {
    let rated = |on: &str, year: u16| {
        let text = format!(
            r#"Project(subject: (name: "某电商企业", years: {{{year}: {{"national_digital_commerce_rated_on": "{on}"}}}}))"#
        );
        let r = report(&text);
        let l = line(&r, "digital_commerce_one_time_reward_6", year);
        (l.status, sentences(&r, l, Lang::Zh).join("\n"))
    };
    // 6号 is in force from 2025-01-22 (自印发之日起施行).
    assert_eq!(rated("2025-01-22", 2025).0, Status::Unquantified);
    let (status, why) = rated("2025-01-21", 2025);
    assert_eq!(status, Status::Ineligible);
    assert!(
        why.contains("本年度获评国家级数字商务企业的日期：2025-01-21（需在 2025-01-22 至 2025-12-31 之间，即本条本年度的有效期内） ✗ 不符合"),
        "{why}"
    );
    // A project's date (not per year) counts in its own year only.
    let plant = |year: u16| {
        let text = format!(
            r#"Project(subject: (name: "某制造企业"), projects: [(id: "P1",
                inputs: {{"industry": "manufacturing", "project_kind": "new",
                          "new_industrial_plant_production_started_on": "2025-06-30"}},
                years: {{{year}: {{}}}})])"#
        );
        line(&report(&text), "new_industrial_plant_support_6", year).status
    };
    assert_eq!(plant(2025), Status::Unquantified);
    assert_eq!(plant(2026), Status::Ineligible);
}

// ---------------------------------------------------------------------------------------
// Reading: good and bad dated values, with their positions

#[test]
fn dated_values_are_read_in_the_forms_officers_write() {
    let text = wulong(&format!(
        r#""{SAFETY}": [("2024-03-01", "40万元"), ("2024年9月1日", "６００，０００"), ("2024/12/31", "0.5")],"#
    ));
    let file = parse_project("project.ron", &text, base()).unwrap();
    let at = At::SubjectYear { year: 2024 };
    assert_eq!(
        file.get_dated(&base().catalog, at, SAFETY),
        Some(
            &[
                entry("2024-03-01", "400000"),
                entry("2024-09-01", "600000"),
                entry("2024-12-31", "0.5"),
            ][..]
        )
    );
    // Every reader that does not split by date sees the year's total.
    assert_eq!(
        file.get(&base().catalog, at, SAFETY),
        Some(Value::Num(d("1000000.5")))
    );
    // An empty list is a dated input with nothing dated: zero, and no undated note.
    let empty = parse_project("p.ron", &wulong(&format!(r#""{SAFETY}": [],"#)), base()).unwrap();
    assert_eq!(empty.get_dated(&base().catalog, at, SAFETY), Some(&[][..]));
}

/// The error for `value` given to the safety investment in a Wulong firm's 2024.
fn bad(value: &str) -> (usize, usize, String) {
    let text = wulong(&format!(r#""{SAFETY}": {value},"#));
    let e = parse_project("project.ron", &text, base()).unwrap_err();
    (e.line, e.col, e.kind.message(Lang::En))
}

#[test]
fn a_bad_dated_value_names_what_is_wrong_where_it_is() {
    // Line 8 of `wulong`: 16 spaces, the 42-character key, ": ", then the value at column 61.
    let (l, c, m) = bad(r#"[("2024-03-01", "400000"), ("2023-12-31", "600000")]"#);
    assert_eq!((l, c), (8, 89), "{m}");
    assert_eq!(
        m,
        format!("`{SAFETY}`: \"2023-12-31\" is not in 2024, the year it is filed under")
    );
    let (l, c, m) = bad(r#"[("2024-02-30", "1")]"#);
    assert_eq!((l, c), (8, 63), "{m}");
    assert!(
        m.contains(r#"found "2024-02-30", which is not a day of the calendar"#),
        "{m}"
    );
    let (l, c, m) = bad(r#"[("2024-03-01", "-5")]"#);
    assert_eq!((l, c), (8, 77), "{m}");
    assert!(m.contains("negative"), "{m}");
    let (l, c, m) = bad(r#"[("2024-03-01", "40万美元")]"#);
    assert_eq!((l, c), (8, 77), "{m}");
    assert!(m.contains("the unit does not match"), "{m}");
    let (l, c, m) = bad(r#"[("2024-03-01")]"#);
    assert_eq!((l, c), (8, 62), "{m}");
    assert!(
        m.contains(r#"lists each amount as ("date", "amount")"#),
        "{m}"
    );
    let (l, c, m) = bad(r#"[("2024-03-01", "1", "2")]"#);
    assert_eq!((l, c), (8, 82), "{m}");
    assert!(m.contains(r#"found "2""#), "{m}");
    let (l, c, m) = bad("true");
    assert_eq!((l, c), (8, 61), "{m}");
    assert!(m.contains("amounts with their dates"), "{m}");
    let (_, _, m) = bad(r#"[("2024-03-01", 1.5)]"#);
    assert!(m.contains("write decimals as strings"), "{m}");
    // In Chinese too, naming the date.
    let text = wulong(&format!(r#""{SAFETY}": [("2025-01-01", "1")],"#));
    let e = parse_project("project.ron", &text, base()).unwrap_err();
    assert_eq!(
        e.render(Lang::Zh),
        format!("project.ron:8:63: `{SAFETY}` 的日期 \"2025-01-01\" 不在所填年度 2024 年内")
    );
}

#[test]
fn a_bad_single_date_names_itself() {
    let file = |value: &str| {
        format!(
            "Project(subject: (name: \"某企业\", years: {{2025: {{\"national_digital_commerce_rated_on\": {value}}}}}))"
        )
    };
    // `Project(subject: (name: "某企业", years: {2025: {"national_digital_commerce_rated_on": ` is 84 characters.
    let e = parse_project("p.ron", &file(r#""2024-05-01""#), base()).unwrap_err();
    assert_eq!((e.line, e.col), (1, 85));
    assert!(e
        .kind
        .message(Lang::En)
        .contains(r#""2024-05-01" is not in 2025"#));
    let e = parse_project("p.ron", &file(r#""2025-13-01""#), base()).unwrap_err();
    assert_eq!((e.line, e.col), (1, 85));
    assert!(e.kind.message(Lang::En).contains(r#"found "2025-13-01""#));
    let e = parse_project("p.ron", &file("20250301"), base()).unwrap_err();
    assert!(e.kind.message(Lang::En).contains("expects a date"));
    // A list on an ordinary amount points at the list: 16 spaces, the 17-character key,
    // ": ", the list at column 36.
    let text = wulong(r#""rd_expense_yuan": [("2024-03-01", "100")],"#);
    let e = parse_project("project.ron", &text, base()).unwrap_err();
    assert_eq!((e.line, e.col), (8, 36));
    assert!(e.kind.message(Lang::En).contains("expects a number"));
}

// ---------------------------------------------------------------------------------------
// The project API

#[test]
fn dated_values_round_trip_through_the_api_and_ron() {
    let cat = &base().catalog;
    let at = At::SubjectYear { year: 2024 };
    let mut file = ProjectBuilder::new("武隆某矿业公司")
        .subject_input("registered_in_wulong", "是")
        .subject_year(2024, |y| {
            y.input("enterprise_income_tax_payable_yuan", "500万")
                .dated(
                    SAFETY,
                    &[("2024-03-01", "40万元"), ("2024-09-01", "600000")],
                )
        })
        .subject_year(2025, |y| {
            y.input("national_digital_commerce_rated_on", "2025年3月10日")
        })
        .build(cat)
        .expect("the builder types dated entries");
    assert_eq!(
        file.get_dated(cat, at, SAFETY).unwrap(),
        &[entry("2024-03-01", "400000"), entry("2024-09-01", "600000")]
    );
    assert_eq!(
        file.get(
            cat,
            At::SubjectYear { year: 2025 },
            "national_digital_commerce_rated_on"
        ),
        Some(Value::Date(date("2025-03-10")))
    );
    let saved = file.to_ron(cat);
    assert!(
        saved.contains(&format!(
            r#""{SAFETY}": [("2024-03-01", "400000"), ("2024-09-01", "600000")]"#
        )),
        "{saved}"
    );
    assert!(saved.contains(r#""national_digital_commerce_rated_on": "2025-03-10""#));
    assert_eq!(parse_project("saved.ron", &saved, base()).unwrap(), file);

    // An undated figure replaces the entries, and round-trips as one figure.
    file.set(cat, at, SAFETY, "100万").unwrap();
    assert_eq!(file.get_dated(cat, at, SAFETY), None);
    assert_eq!(file.get(cat, at, SAFETY), Some(Value::Num(d("1000000"))));
    assert_eq!(
        parse_project("saved.ron", &file.to_ron(cat), base()).unwrap(),
        file
    );
    // Entries again, then removed with the value.
    file.set_dated(cat, at, SAFETY, &[entry("2024-07-17", "1")])
        .unwrap();
    assert_eq!(file.get(cat, at, SAFETY), Some(Value::Num(d("1"))));
    assert_eq!(
        file.remove(cat, at, SAFETY).unwrap(),
        Some(Value::Num(d("1")))
    );
    assert_eq!(file.get_dated(cat, at, SAFETY), None);
}

#[test]
fn the_api_refuses_what_a_file_would() {
    let cat = &base().catalog;
    let at = At::SubjectYear { year: 2024 };
    let mut file = ProjectFile::new("某企业");
    file.add_year(None, 2024).unwrap();
    let before = file.clone();
    let e = file
        .set_dated(cat, at, SAFETY, &[entry("2025-01-01", "1")])
        .unwrap_err();
    assert!(matches!(e, ProjectErrorKind::BadValue { .. }));
    assert_eq!(
        e.message(Lang::En),
        format!("`{SAFETY}`: \"2025-01-01\" is not in 2024, the year it is filed under")
    );
    assert!(matches!(
        file.set_dated(
            cat,
            at,
            "enterprise_income_tax_payable_yuan",
            &[entry("2024-01-01", "1")]
        ),
        Err(ProjectErrorKind::NotDated { .. })
    ));
    let huge = entry("2024-01-01", "79228162514264337593543950335");
    assert!(file.set_dated(cat, at, SAFETY, &[huge, huge]).is_err());
    let e = file
        .set(
            cat,
            At::SubjectYear { year: 2024 },
            "national_digital_commerce_rated_on",
            "2025-03-10",
        )
        .unwrap_err();
    assert!(e.message(Lang::Zh).contains("不在所填年度 2024 年内"));
    assert_eq!(file, before, "nothing refused was kept");
}

// ---------------------------------------------------------------------------------------
// What-if and the inputs listed

#[test]
fn a_sweep_leaves_dated_inputs_alone() {
    let file = parse_project(
        "project.ron",
        &wulong(&format!(r#""{SAFETY}": [("2024-09-01", "600000")],"#)),
        base(),
    )
    .unwrap();
    let slot = base().catalog.slot(SAFETY).unwrap();
    let e = sweep(
        base(),
        &file,
        &EvalOptions::default(),
        (None, 2024),
        slot,
        d("0"),
        d("1000000"),
        5,
    )
    .unwrap_err();
    assert!(matches!(e, InsightError::NotANumber(id) if id == SAFETY));
}

#[test]
fn the_pdf_lists_each_dated_entry() {
    let file = parse_project(
        "project.ron",
        &wulong(&format!(
            r#""{SAFETY}": [("2024-03-01", "400000"), ("2024-09-01", "600000")],"#
        )),
        base(),
    )
    .unwrap();
    let given = given_inputs(&base().catalog, &file, Lang::Zh);
    let safety = given
        .iter()
        .find(|g| g.label == "安全生产专用设备投资额")
        .expect("the dated input is listed");
    assert_eq!(safety.year, Some(2024));
    assert_eq!(
        safety.value,
        "2024-03-01 400,000.00 元；2024-09-01 600,000.00 元（合计 1,000,000.00 元）"
    );
    let en = given_inputs(&base().catalog, &file, Lang::En);
    let safety = en
        .iter()
        .find(|g| g.label == "Investment in listed safety equipment")
        .unwrap();
    assert_eq!(
        safety.value,
        "2024-03-01 CNY 400,000.00; 2024-09-01 CNY 600,000.00 (total CNY 1,000,000.00)"
    );
}

// ---------------------------------------------------------------------------------------
// A made-up pack: a rule narrower than its document, a repeal part-way through a year, a
// project's dated input and a project's date

const INPUTS: &str = r#"Inputs(
    groups: [FormGroup(id: "test", label: (zh: "测试", en: "Test"), order: 1)],
    group: "test",
    inputs: [
        Input(id: "equipment_yuan", label: (zh: "设备投资", en: "Equipment"), kind: Dated(Yuan),
              scope: ProjectYear, help: (zh: "", en: "")),
        Input(id: "certified_on", label: (zh: "认定日期", en: "Certified on"), kind: Date,
              scope: Project, help: (zh: "", en: "")),
        Input(id: "staff", label: (zh: "人数", en: "Staff"), kind: Number(Count),
              scope: Project, help: (zh: "", en: "")),
    ],
)"#;

const DOC: &str = r#"Document(
    number: "测试〔2024〕1号", title: (zh: "测试", en: "Test"), issuer: "测试",
    level: Municipal, issued: "2024-03-01",
    in_force: (from: "2024-03-01", basis: (zh: "测试", en: "test")),
    repealed: (by: "测试〔2025〕9号", on: "2025-10-01"),
    source: (file: "none.txt", lines: (1, 1)),
    rules: [
        Rule(
            id: "equipment_credit", title: (zh: "设备抵免", en: "Equipment credit"), clause: "一",
            line: 1, quote: "测试。", lead: ["测试"], benefit: TaxBenefit, per: ProjectYear,
            amount: Rate(base: Input("equipment_yuan"), rate: "0.10", kind: Exactly),
        ),
        Rule(
            id: "equipment_credit_q3", title: (zh: "三季度设备抵免", en: "Q3 equipment credit"),
            clause: "二", line: 1, quote: "测试。", lead: ["测试"], benefit: TaxBenefit,
            per: ProjectYear,
            in_force: (from: "2024-07-01", until: "2024-09-30", basis: (zh: "测试", en: "test")),
            amount: Rate(base: Input("equipment_yuan"), rate: "0.10", kind: Exactly),
        ),
        Rule(
            id: "certified_reward", title: (zh: "认定奖励", en: "Certification reward"),
            clause: "三", line: 1, quote: "测试。", lead: ["测试"], benefit: Grant,
            per: ProjectYear, eligible: DateInForce("certified_on"), amount: Fixed("50000"),
        ),
    ],
)"#;

fn made_up(doc: &str, inputs: &str) -> Result<Arc<RuleBase>, incentives::load::LoadError> {
    let files = vec![
        ("inputs.ron".to_owned(), inputs.to_owned()),
        ("doc.ron".to_owned(), doc.to_owned()),
    ];
    load_texts(&files).map(Arc::new)
}

fn made_up_report(certified_on: &str, years: &str) -> Report {
    let base = made_up(DOC, INPUTS).expect("the made-up pack loads");
    let text = format!(
        r#"Project(subject: (name: "测试企业"), projects: [(id: "P1",
            inputs: {{"certified_on": "{certified_on}"}}, years: {{{years}}})])"#
    );
    let file = parse_project("p.ron", &text, &base).expect("parses");
    evaluate(&base, &file, &EvalOptions::default()).expect("evaluates")
}

#[test]
fn a_project_years_entries_split_by_rule_period_and_repeal() {
    let r = made_up_report(
        "2024-03-01",
        r#"2024: {"equipment_yuan": [
                ("2024-02-29", "100000"), ("2024-03-01", "200000"), ("2024-07-01", "300000"),
                ("2024-09-30", "400000"), ("2024-10-01", "500000"), ("2024-12-31", "600000")]},
           2025: {"equipment_yuan": [
                ("2025-01-15", "100000"), ("2025-09-30", "200000"), ("2025-10-01", "400000")]}"#,
    );
    // 2024, the document from 2024-03-01: 200,000 + 300,000 + 400,000 + 500,000 + 600,000
    // = 2,000,000 (not the leap day before it) × 10% = 200,000.
    assert_eq!(line(&r, "equipment_credit", 2024).amount, Some(d("200000")));
    // The rule narrowed to 2024-07-01..2024-09-30: 300,000 + 400,000 = 700,000 × 10% = 70,000.
    assert_eq!(
        line(&r, "equipment_credit_q3", 2024).amount,
        Some(d("70000"))
    );
    // 2025, repealed on 2025-10-01 (in force to the day before): 100,000 + 200,000 =
    // 300,000 × 10% = 30,000; the 2025-10-01 entry is out.
    let l = line(&r, "equipment_credit", 2025);
    assert_eq!(l.amount, Some(d("30000")));
    assert!(r.trace(l).iter().any(|n| matches!(
        n,
        Node::Dated(s) if s.until == date("2025-09-30") && s.counted == d("300000") && s.total == d("700000")
    )));
    assert_eq!(
        line(&r, "equipment_credit_q3", 2025).status,
        Status::NotInForce
    );
    // Certified on the first day in force: rewarded in 2024, not again in 2025.
    assert_eq!(line(&r, "certified_reward", 2024).amount, Some(d("50000")));
    assert_eq!(
        line(&r, "certified_reward", 2025).status,
        Status::Ineligible
    );
}

#[test]
fn a_project_date_is_tested_against_the_days_in_force() {
    let status = |on: &str, year: u16| {
        let r = made_up_report(on, &format!("{year}: {{}}"));
        line(&r, "certified_reward", year).status
    };
    assert_eq!(status("2024-02-29", 2024), Status::Ineligible);
    assert_eq!(status("2025-09-30", 2025), Status::Granted);
    // The repeal day itself is no longer in force.
    assert_eq!(status("2025-10-01", 2025), Status::Ineligible);
    // Not given: the fact is not claimed.
    let base = made_up(DOC, INPUTS).unwrap();
    let text = r#"Project(subject: (name: "测试企业"), projects: [(id: "P1", years: {2024: {}})])"#;
    let file = parse_project("p.ron", text, &base).unwrap();
    let r = evaluate(&base, &file, &EvalOptions::default()).unwrap();
    assert_eq!(
        line(&r, "certified_reward", 2024).disposition,
        incentives::report::Disposition::NotClaimed
    );
}

#[test]
fn an_undated_figure_is_noted_in_a_repeal_year_too() {
    let r = made_up_report("2024-03-01", r#"2025: {"equipment_yuan": "700000"}"#);
    let l = line(&r, "equipment_credit", 2025);
    // 10% × 700,000 = 70,000: the whole figure, said to be undated.
    assert_eq!(l.amount, Some(d("70000")));
    assert!(r.trace(l).iter().any(|n| matches!(
        n,
        Node::Undated { from, until, .. } if *from == date("2025-01-01") && *until == date("2025-09-30")
    )));
}

#[test]
fn the_format_refuses_dates_where_they_cannot_go() {
    let err = |doc: &str, inputs: &str| made_up(doc, inputs).unwrap_err().to_string();
    // Amounts with dates are given per year.
    let e = err(
        DOC,
        &INPUTS.replace(
            "kind: Dated(Yuan),\n              scope: ProjectYear",
            "kind: Dated(Yuan),\n              scope: Project",
        ),
    );
    assert!(
        e.starts_with("inputs.ron:5:")
            && e.contains("its scope must be SubjectYear or ProjectYear"),
        "{e}"
    );
    // A date takes no default.
    let e = err(
        DOC,
        &INPUTS.replace(
            "scope: Project, help",
            "scope: Project, default: \"2024-01-01\", help",
        ),
    );
    assert!(e.contains("takes no `default`"), "{e}");
    // A date condition needs a date; a date is no figure.
    let e = err(
        &DOC.replace("DateInForce(\"certified_on\")", "DateInForce(\"staff\")"),
        INPUTS,
    );
    assert!(
        e.starts_with("doc.ron:")
            && e.contains("rule `certified_reward`")
            && e.contains("`staff` is not a date input"),
        "{e}"
    );
    let e = err(
        &DOC.replace("Input(\"equipment_yuan\"), rate: \"0.10\", kind: Exactly),\n        ),\n        Rule(\n            id: \"equipment_credit_q3\"", "Input(\"certified_on\"), rate: \"0.10\", kind: Exactly),\n        ),\n        Rule(\n            id: \"equipment_credit_q3\""),
        INPUTS,
    );
    assert!(e.contains("`certified_on` is not a number"), "{e}");
    // A golden example's entry outside its year.
    let e = err(
        &DOC.replace(
            "amount: Fixed(\"50000\"),",
            "amount: Fixed(\"50000\"),\n            examples: [Example(name: \"late\", year: 2024, inputs: {\"equipment_yuan\": [(\"2025-01-01\", \"1\")]}, expect: [(status: Granted)])],",
        ),
        INPUTS,
    );
    assert!(
        e.contains("example `late`") && e.contains("\"2025-01-01\" is not in 2024"),
        "{e}"
    );
}
