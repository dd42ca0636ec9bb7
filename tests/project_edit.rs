//! The editable project: get and set by input id, projects and years added and removed,
//! saved to RON and read back equal, built in code.

use std::sync::{Arc, OnceLock};

use incentives::engine::evaluate;
use incentives::inputs::Value;
use incentives::load::{load_embedded, RuleBase};
use incentives::pack::{Lang, Scope};
use incentives::project::{parse_project, At, ProjectBuilder, ProjectErrorKind, ProjectFile};
use incentives::report::EvalOptions;
use rust_decimal::Decimal;

fn base() -> &'static Arc<RuleBase> {
    static BASE: OnceLock<Arc<RuleBase>> = OnceLock::new();
    BASE.get_or_init(|| Arc::new(load_embedded().expect("embedded packs load")))
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

const P1_2024: At<'static> = At::ProjectYear {
    project: "P1",
    year: 2024,
};

fn built() -> ProjectFile {
    ProjectBuilder::new("重庆某\"零部件\"公司\\测试")
        .subject_input("ranked_enterprise", "none")
        .subject_input("enterprise_income_tax_rate", "15%")
        .subject_year(2025, |y| y.input("listed_this_year", "是"))
        .project("P1", |p| {
            p.name("电驱\n新建项目")
                .input("industry", "制造业")
                .input("project_kind", "new")
                .input("district", "两江新区")
                .year(2024, |y| y.input("fdi_arrived_usd", "2000万美元"))
                .year(2025, |y| {
                    y.input("fdi_arrived_usd", "35,000,000")
                        .input("smart_retrofit", "true")
                })
        })
        .offer("fdi_reward_65", Some("P1"), 2025, "150万元")
        .build(&base().catalog)
        .expect("the builder's project is valid")
}

#[test]
fn every_example_round_trips() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples");
    let mut n = 0;
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        let name = path.display().to_string();
        let file = parse_project(&name, &text, base()).expect("example parses");
        let saved = file.to_ron(&base().catalog);
        let again = parse_project("saved.ron", &saved, base())
            .unwrap_or_else(|e| panic!("{name} saved does not read back: {e}\n{saved}"));
        assert_eq!(again, file, "{name}:\n{saved}");
        n += 1;
    }
    assert!(n >= 4, "only {n} examples found");
}

#[test]
fn the_builder_types_every_value() {
    let f = built();
    let cat = &base().catalog;
    assert_eq!(
        f.get(cat, P1_2024, "fdi_arrived_usd"),
        Some(Value::Num(d("20000000")))
    );
    assert_eq!(
        f.get(cat, At::Subject, "enterprise_income_tax_rate"),
        Some(Value::Num(d("0.15")))
    );
    assert_eq!(
        f.get(cat, At::SubjectYear { year: 2025 }, "listed_this_year"),
        Some(Value::Flag(true))
    );
    assert_eq!(f.offers[0].amount.0, d("1500000"));
    // The builder's project evaluates like a file: 20,000,000 USD in 2024, manufacturing,
    // above 10,000,000 and not above 30,000,000: 2% → 400,000 元 (65号 §13).
    let b = evaluate(base(), &f, &EvalOptions::default()).unwrap();
    let line = b
        .lines_of("fdi_reward_65")
        .find(|l| l.year == 2024)
        .unwrap();
    assert_eq!(line.amount, Some(d("400000")));
}

#[test]
fn the_builder_round_trips() {
    let f = built();
    let saved = f.to_ron(&base().catalog);
    let again = parse_project("built.ron", &saved, base()).unwrap();
    assert_eq!(again, f, "{saved}");
    assert_eq!(again.subject.name, "重庆某\"零部件\"公司\\测试");
    assert_eq!(again.projects[0].name.as_deref(), Some("电驱\n新建项目"));
}

#[test]
fn the_builder_refuses_a_project_without_its_industry() {
    let e = ProjectBuilder::new("x")
        .project("P1", |p| {
            p.input("project_kind", "new")
                .year(2024, |y| y.input("fdi_arrived_usd", "1"))
        })
        .build(&base().catalog)
        .unwrap_err();
    assert_eq!(
        e,
        ProjectErrorKind::MissingRequired {
            project: "P1".into(),
            input: "industry".into()
        }
    );
}

#[test]
fn set_checks_scope_type_and_range() {
    let mut f = built();
    let cat = &base().catalog;
    // A per-year input set on the project as a whole.
    let e = f
        .set(cat, At::Project { project: "P1" }, "fdi_arrived_usd", "1")
        .unwrap_err();
    assert_eq!(
        e,
        ProjectErrorKind::WrongScope {
            id: "fdi_arrived_usd".into(),
            belongs: Scope::ProjectYear
        }
    );
    assert!(
        e.message(Lang::Zh).contains("项目年度信息"),
        "{}",
        e.message(Lang::Zh)
    );
    // Wrong type: a flag given a number, a number given words.
    assert!(matches!(
        f.set(cat, P1_2024, "smart_retrofit", "3"),
        Err(ProjectErrorKind::BadValue { .. })
    ));
    assert!(matches!(
        f.set(cat, P1_2024, "fdi_arrived_usd", "twenty million"),
        Err(ProjectErrorKind::BadValue { .. })
    ));
    // Out of range: a tax rate of 25 is refused, the file keeps the old value.
    let e = f
        .set(cat, At::Subject, "enterprise_income_tax_rate", "25")
        .unwrap_err();
    assert!(
        e.message(Lang::En).contains("\"25%\""),
        "{}",
        e.message(Lang::En)
    );
    assert_eq!(
        f.get(cat, At::Subject, "enterprise_income_tax_rate"),
        Some(Value::Num(d("0.15")))
    );
    // Unknown input and unknown project.
    assert!(matches!(
        f.set(cat, P1_2024, "fdi_arived_usd", "1"),
        Err(ProjectErrorKind::UnknownInput { .. })
    ));
    assert_eq!(
        f.set(
            cat,
            At::ProjectYear {
                project: "P9",
                year: 2024
            },
            "fdi_arrived_usd",
            "1"
        ),
        Err(ProjectErrorKind::UnknownProject {
            project: "P9".into()
        })
    );
    // A typed value of the wrong kind.
    assert!(f
        .set_value(cat, P1_2024, "fdi_arrived_usd", Value::Flag(true))
        .is_err());
    // And a good one.
    assert_eq!(
        f.set(cat, P1_2024, "fdi_arrived_usd", "4500万"),
        Ok(Value::Num(d("45000000")))
    );
    assert_eq!(
        f.get(cat, P1_2024, "fdi_arrived_usd"),
        Some(Value::Num(d("45000000")))
    );
}

#[test]
fn remove_values_projects_and_years() {
    let mut f = built();
    let cat = &base().catalog;
    assert_eq!(
        f.remove(cat, P1_2024, "fdi_arrived_usd"),
        Ok(Some(Value::Num(d("20000000"))))
    );
    assert_eq!(f.get(cat, P1_2024, "fdi_arrived_usd"), None);
    assert_eq!(f.remove(cat, P1_2024, "fdi_arrived_usd"), Ok(None));

    f.add_project("P2").unwrap();
    assert_eq!(
        f.add_project("P2").unwrap_err(),
        ProjectErrorKind::ProjectExists { id: "P2".into() }
    );
    f.add_year(Some("P2"), 2024).unwrap();
    f.set(cat, At::Project { project: "P2" }, "industry", "services")
        .unwrap();
    f.set(
        cat,
        At::Project { project: "P2" },
        "project_kind",
        "增资项目",
    )
    .unwrap();
    assert!(f.validate(cat).is_ok());

    f.rename_project("P1", "P1-new").unwrap();
    assert_eq!(f.offers[0].project.as_deref(), Some("P1-new"));
    assert!(f.rename_project("P1-new", "P2").is_err());

    f.remove_year(Some("P2"), 2024).unwrap();
    assert_eq!(
        f.validate(cat),
        Err(ProjectErrorKind::ProjectWithoutYears {
            project: "P2".into()
        })
    );
    assert!(f.remove_year(Some("P2"), 2024).is_err());
    assert!(f.add_year(None, 1999).is_err());

    let removed = f.remove_project("P1-new").unwrap();
    assert_eq!(removed.years.len(), 2);
    assert!(
        f.offers.is_empty(),
        "offers on a removed project go with it"
    );
}
