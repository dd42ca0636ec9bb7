//! Numbers, units and options as officers write them, and the forms that are refused
//! rather than read as something else.

use std::sync::OnceLock;

use incentives::inputs::Value;
use incentives::load::{load_embedded, RuleBase};
use incentives::pack::Lang;
use incentives::project::{parse_project, At, ProjectError, ProjectErrorKind, ProjectFile};
use rust_decimal::Decimal;

fn base() -> &'static RuleBase {
    static BASE: OnceLock<RuleBase> = OnceLock::new();
    BASE.get_or_init(|| load_embedded().expect("embedded packs load"))
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// A one-project file; `subject` goes into `subject.inputs`, `year` into P1's 2024.
fn file(subject: &str, project: &str, year: &str) -> String {
    format!(
        r#"Project(
    subject: (name: "测试企业", inputs: {{{subject}}}),
    projects: [
        (
            id: "P1",
            inputs: {{"industry": "manufacturing", "project_kind": "new"{project}}},
            years: {{
                2024: {{{year}}},
            }},
        ),
    ],
)
"#
    )
}

fn parse(text: &str) -> Result<ProjectFile, ProjectError> {
    parse_project("p.ron", text, base())
}

fn fdi(written: &str) -> Result<Option<Value>, ProjectError> {
    let f = parse(&file("", "", &format!(r#""fdi_arrived_usd": "{written}""#)))?;
    Ok(f.get(
        &base().catalog,
        At::ProjectYear {
            project: "P1",
            year: 2024,
        },
        "fdi_arrived_usd",
    ))
}

fn tax_rate(written: &str) -> Result<Option<Value>, ProjectError> {
    let f = parse(&file(
        &format!(r#""enterprise_income_tax_rate": {written}"#),
        "",
        r#""fdi_arrived_usd": "1""#,
    ))?;
    Ok(f.get(&base().catalog, At::Subject, "enterprise_income_tax_rate"))
}

fn problem(e: &ProjectError) -> String {
    e.render(Lang::En)
}

#[test]
fn thousands_separators_in_groups_of_three_are_accepted() {
    assert_eq!(fdi("12,000,000").unwrap(), Some(Value::Num(d("12000000"))));
    assert_eq!(fdi("1,234.50").unwrap(), Some(Value::Num(d("1234.5"))));
}

#[test]
fn misplaced_separators_are_refused_not_stripped() {
    // Once read as 123 and as 3,500,000,050.
    for written in [
        "1,2,3",
        "35000000,50",
        "1234,567",
        "12,000,00",
        "1,000.000,5",
    ] {
        let e = fdi(written).expect_err(written);
        assert_eq!((e.line, e.col), (8, 43), "{written}: {}", problem(&e));
        assert!(problem(&e).contains("groups of three"), "{}", problem(&e));
        assert!(
            e.render(Lang::Zh).contains("千位分隔符"),
            "{}",
            e.render(Lang::Zh)
        );
    }
}

#[test]
fn full_width_digits_and_chinese_commas() {
    assert_eq!(fdi("１２３").unwrap(), Some(Value::Num(d("123"))));
    assert_eq!(
        fdi("１，２００，０００").unwrap(),
        Some(Value::Num(d("1200000")))
    );
    assert_eq!(fdi("１２００．５").unwrap(), Some(Value::Num(d("1200.5"))));
    assert_eq!(fdi("  20000000 ").unwrap(), Some(Value::Num(d("20000000"))));
    assert!(fdi("１，２，３").is_err());
}

#[test]
fn wan_and_currency_units() {
    // 4500万 = 4500 × 10,000 = 45,000,000 (of the input's own unit, here USD).
    assert_eq!(fdi("4500万").unwrap(), Some(Value::Num(d("45000000"))));
    assert_eq!(fdi("4500万美元").unwrap(), Some(Value::Num(d("45000000"))));
    assert_eq!(fdi("4500 万美元").unwrap(), Some(Value::Num(d("45000000"))));
    assert_eq!(fdi("2000000美元").unwrap(), Some(Value::Num(d("2000000"))));
    assert_eq!(fdi("0.5万").unwrap(), Some(Value::Num(d("5000"))));
    let e = fdi("4500万元").unwrap_err();
    assert!(
        problem(&e).contains("unit does not match"),
        "{}",
        problem(&e)
    );
    assert!(
        e.render(Lang::Zh).contains("单位不符"),
        "{}",
        e.render(Lang::Zh)
    );
    assert!(fdi("4500元").is_err());
    assert!(fdi("25%").is_err());
}

#[test]
fn yuan_inputs_take_yuan_units_only() {
    let f = parse(&file(
        "",
        "",
        r#""fdi_arrived_usd": "1", "national_programme_funding_last_year_yuan": "350万元""#,
    ))
    .unwrap();
    let at = At::ProjectYear {
        project: "P1",
        year: 2024,
    };
    let v = f.get(
        &base().catalog,
        at,
        "national_programme_funding_last_year_yuan",
    );
    assert_eq!(v, Some(Value::Num(d("3500000"))));
    let e = parse(&file(
        "",
        "",
        r#""national_programme_funding_last_year_yuan": "350万美元""#,
    ))
    .unwrap_err();
    assert!(
        problem(&e).contains("unit does not match"),
        "{}",
        problem(&e)
    );
}

#[test]
fn a_ratio_refuses_a_percentage_written_as_a_whole_number() {
    let e = tax_rate(r#""25""#).unwrap_err();
    let en = problem(&e);
    assert!(en.contains("within 0–1"), "{en}");
    assert!(en.contains("\"0.25\"") && en.contains("\"25%\""), "{en}");
    assert_eq!((e.line, e.col), (2, 68), "{en}");
    assert!(tax_rate("25").is_err());
    assert_eq!(tax_rate(r#""25%""#).unwrap(), Some(Value::Num(d("0.25"))));
    assert_eq!(
        tax_rate(r#""１５％""#).unwrap(),
        Some(Value::Num(d("0.15")))
    );
    assert_eq!(tax_rate(r#""0.15""#).unwrap(), Some(Value::Num(d("0.15"))));
    assert_eq!(tax_rate(r#""1""#).unwrap(), Some(Value::Num(d("1"))));
    assert!(tax_rate(r#""0.15万""#).is_err());
}

#[test]
fn counts_are_whole_numbers() {
    let text = |n: &str| {
        format!(
            r#"Project(subject: (name: "x", years: {{2024: {{"foreign_invention_patents_granted": "{n}"}}}}))"#
        )
    };
    assert!(parse(&text("3")).is_ok());
    let e = parse(&text("2.5")).unwrap_err();
    assert!(problem(&e).contains("whole number"), "{}", problem(&e));
}

#[test]
fn options_by_chinese_or_english_label() {
    let text = file(
        "",
        r#", "district": "两江新区""#,
        r#""fdi_arrived_usd": "1""#,
    )
    .replace("\"manufacturing\"", "\"制造业\"")
    .replace("\"new\"", "\"New project\"");
    let f = parse(&text).unwrap();
    let cat = &base().catalog;
    let at = At::Project { project: "P1" };
    let option = |input: &str| match f.get(cat, at, input) {
        Some(Value::Choice(i)) => match &cat.get(input).unwrap().kind {
            incentives::pack::InputKind::Choice(o) => o[usize::from(i)].id.clone(),
            _ => unreachable!(),
        },
        other => panic!("{input}: {other:?}"),
    };
    assert_eq!(option("industry"), "manufacturing");
    assert_eq!(option("project_kind"), "new");
    assert_eq!(option("district"), "liangjiang");
    // English labels in any case; Chinese labels exactly.
    let text = file(
        "",
        r#", "district": "LIANGJIANG new area""#,
        r#""fdi_arrived_usd": "1""#,
    );
    assert!(parse(&text).is_ok());
    let text = file("", r#", "district": "两江""#, r#""fdi_arrived_usd": "1""#);
    let e = parse(&text).unwrap_err();
    assert!(
        e.render(Lang::Zh).contains("两江新区"),
        "{}",
        e.render(Lang::Zh)
    );
}

#[test]
fn ambiguous_option_labels_do_not_load() {
    let inputs = r#"Inputs(
    groups: [FormGroup(id: "g", label: (zh: "组", en: "Group"), order: 1)],
    group: "g",
    inputs: [
        Input(
            id: "colour",
            label: (zh: "颜色", en: "Colour"),
            kind: Choice([
                (id: "red", label: (zh: "红", en: "Red")),
                (id: "crimson", label: (zh: "红", en: "Crimson")),
            ]),
            scope: Subject,
            help: (zh: "", en: ""),
        ),
    ],
)"#;
    let doc = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/cq-2023-65.ron"))
        .unwrap();
    let mut files = vec![("colour.ron".to_owned(), inputs.to_owned())];
    for name in ["inputs.ron", "stacking.ron"] {
        let p = format!("{}/rules/{name}", env!("CARGO_MANIFEST_DIR"));
        files.push((name.to_owned(), std::fs::read_to_string(p).unwrap()));
    }
    files.push(("cq-2023-65.ron".to_owned(), doc));
    let e = incentives::load::load_texts(&files).unwrap_err();
    assert!(e.message.contains("\"红\" names both"), "{e}");
    assert_eq!(e.file, "colour.ron");
}

#[test]
fn a_byte_order_mark_is_skipped() {
    let text = format!(
        "\u{feff}{}",
        file("", "", r#""fdi_arrived_usd": "20000000""#)
    );
    let f = parse(&text).unwrap();
    assert_eq!(f.projects.len(), 1);
    let example = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/multi-year.ron"
    ))
    .unwrap();
    assert_eq!(
        parse(&format!("\u{feff}{example}")).unwrap(),
        parse(&example).unwrap()
    );
}

#[test]
fn a_rule_pack_with_a_byte_order_mark_loads() {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/rules")).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|x| x == "ron") {
            let text = std::fs::read_to_string(&p).unwrap();
            files.push((p.display().to_string(), format!("\u{feff}{text}")));
        }
    }
    let b = incentives::load::load_texts(&files).expect("packs with a BOM load");
    assert_eq!(b.rules.len(), base().rules.len());
}

#[test]
fn long_values_are_quoted_short() {
    let long = "x".repeat(500);
    let e = fdi(&long).unwrap_err();
    for lang in [Lang::En, Lang::Zh] {
        let m = e.render(lang);
        assert!(m.contains(&format!("{}…", "x".repeat(80))), "{m}");
        assert!(!m.contains(&"x".repeat(81)), "{m}");
    }
}

#[test]
fn errors_speak_of_the_project_file_in_the_chosen_language() {
    let e = fdi("-5").unwrap_err();
    assert_eq!(
        e.render(Lang::Zh),
        "p.ron:8:43: 金额不能为负数，此处为 \"-5\""
    );
    assert_eq!(
        e.render(Lang::En),
        "p.ron:8:43: amounts cannot be negative, found \"-5\""
    );
    // The default rendering is Chinese.
    assert_eq!(e.to_string(), e.render(Lang::Zh));
    assert!(matches!(e.kind, ProjectErrorKind::BadValue { .. }));
}
