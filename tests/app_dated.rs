//! Dated inputs in the project form, driven by label as an officer would: a purchase given
//! entry by entry (date and amount), a row added and removed, text that does not parse
//! refused with its reason while the project keeps its entries, a single date typed.

use std::path::Path;
use std::sync::{Arc, OnceLock};

use eframe::egui::{self, FontData, FontFamily, Key, Modifiers};
use egui::epaint::text::{FontInsert, FontPriority, InsertFontFamily};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use incentives::app::form::{form_ui, FormState};
use incentives::inputs::{DatedAmount, InputCatalog, Value};
use incentives::lang::Lang;
use incentives::load::{load_dir, RuleBase};
use incentives::pack::Date;
use incentives::project::{At, ProjectBuilder, ProjectFile};
use rust_decimal::Decimal;

/// The shipped packs, read from this checkout's `rules/`.
fn base() -> &'static Arc<RuleBase> {
    static BASE: OnceLock<Arc<RuleBase>> = OnceLock::new();
    BASE.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        Arc::new(load_dir(&dir).expect("the shipped packs load"))
    })
}

const SAFETY: &str = "safety_special_equipment_investment_yuan";
const CELL_ZH: &str = "安全生产专用设备投资额 2024";
const CELL_EN: &str = "Investment in listed safety equipment 2024";

struct State {
    form: FormState,
    project: ProjectFile,
    catalog: &'static InputCatalog,
    lang: Lang,
    changes: usize,
}

fn project(entries: &[(&str, &str)]) -> ProjectFile {
    ProjectBuilder::new("武隆某矿业公司")
        .subject_input("registered_in_wulong", "是")
        .subject_year(2024, |y| {
            let y = y.input("enterprise_income_tax_payable_yuan", "500万");
            if entries.is_empty() {
                y
            } else {
                y.dated(SAFETY, entries)
            }
        })
        .subject_year(2025, |y| y)
        .build(&base().catalog)
        .expect("the test project is valid")
}

fn cjk_font(ctx: &egui::Context) {
    let data = FontData::from_static(include_bytes!("../assets/fonts/NotoSansSC-Subset.otf"));
    let families = [FontFamily::Proportional, FontFamily::Monospace]
        .into_iter()
        .map(|family| InsertFontFamily {
            family,
            priority: FontPriority::Lowest,
        })
        .collect();
    ctx.add_font(FontInsert::new("noto-sans-sc", data, families));
}

fn harness(lang: Lang, file: ProjectFile) -> Harness<'static, State> {
    let state = State {
        form: FormState::default(),
        project: file,
        catalog: &base().catalog,
        lang,
        changes: 0,
    };
    let mut harness = Harness::builder()
        .with_size([900.0, 4000.0])
        .with_max_steps(16)
        .with_context_setup(cjk_font)
        .build_ui_state(
            |ui, state: &mut State| {
                if form_ui(
                    ui,
                    &mut state.form,
                    &mut state.project,
                    state.catalog,
                    state.lang,
                ) {
                    state.changes += 1;
                }
            },
            state,
        );
    harness.run();
    harness
}

/// Replaces the text of the field labelled `label` with `text`, as typed.
fn type_into(harness: &mut Harness<'static, State>, label: &str, text: &str) {
    harness.get_by_label(label).focus();
    harness.run();
    harness.key_press_modifiers(Modifiers::COMMAND, Key::A);
    harness.run();
    if text.is_empty() {
        harness.key_press(Key::Backspace);
    } else {
        harness.get_by_label(label).type_text(text);
    }
    harness.run();
}

fn click(harness: &mut Harness<'static, State>, label: &str) {
    harness.get_by_label(label).click();
    harness.run();
}

fn entries(harness: &Harness<'static, State>) -> Option<Vec<(String, Decimal)>> {
    let s = harness.state();
    s.project
        .get_dated(s.catalog, At::SubjectYear { year: 2024 }, SAFETY)
        .map(|e| {
            e.iter()
                .map(|DatedAmount { date, amount }| (date.to_string(), *amount))
                .collect()
        })
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

#[test]
fn a_purchase_is_given_entry_by_entry() {
    let mut harness = harness(Lang::Zh, project(&[]));
    type_into(&mut harness, "搜索输入项…", "安全生产专用设备");
    // Not given yet: one field for a yearly figure, and a button to give it by date.
    assert!(harness.query_by_label(CELL_ZH).is_some());
    click(&mut harness, &format!("按日期填写 {CELL_ZH}"));
    assert!(harness.query_by_label(CELL_ZH).is_none());

    // The row's amounts in 万元, as officers think.
    click(&mut harness, "安全生产专用设备投资额 单位");
    click(&mut harness, "万元");
    // A date alone is not yet an entry: the reason shows, nothing is set.
    type_into(&mut harness, &format!("{CELL_ZH} 第1笔日期"), "2024-03-01");
    assert_eq!(entries(&harness), None);
    assert!(harness
        .query_by_label_contains("第1笔：请填写金额")
        .is_some());
    // With its amount the entry is set: 40 万元 = 400,000 元.
    type_into(&mut harness, &format!("{CELL_ZH} 第1笔金额"), "40");
    assert_eq!(
        entries(&harness),
        Some(vec![("2024-03-01".into(), d("400000"))])
    );
    assert!(harness.query_by_label_contains("请填写金额").is_none());
    let changes = harness.state().changes;
    assert!(changes > 0);

    // A second purchase.
    click(&mut harness, &format!("{CELL_ZH} 新增一笔"));
    type_into(
        &mut harness,
        &format!("{CELL_ZH} 第2笔日期"),
        "2024年9月1日",
    );
    type_into(&mut harness, &format!("{CELL_ZH} 第2笔金额"), "60");
    assert_eq!(
        entries(&harness),
        Some(vec![
            ("2024-03-01".into(), d("400000")),
            ("2024-09-01".into(), d("600000")),
        ])
    );
    // The year's total reads 1,000,000 to every rule in force all year.
    let s = harness.state();
    assert_eq!(
        s.project
            .get(s.catalog, At::SubjectYear { year: 2024 }, SAFETY),
        Some(Value::Num(d("1000000")))
    );
    assert!(harness.query_by_label("合计 100").is_some());

    // Not a day of the calendar: refused, with the date quoted; the entries stay.
    let changes = harness.state().changes;
    type_into(&mut harness, &format!("{CELL_ZH} 第2笔日期"), "2024-13-01");
    assert_eq!(entries(&harness).map(|e| e.len()), Some(2));
    assert_eq!(harness.state().changes, changes);
    assert!(harness
        .query_by_label_contains("第2笔：安全生产专用设备投资额 应填写日期")
        .is_some());
    assert!(harness.query_by_label_contains("2024-13-01").is_some());
    // A day of another year than the column's: refused too.
    type_into(&mut harness, &format!("{CELL_ZH} 第2笔日期"), "2023-09-01");
    assert_eq!(
        entries(&harness).unwrap()[1],
        ("2024-09-01".into(), d("600000"))
    );
    assert!(harness
        .query_by_label_contains("不在所填年度 2024 年内")
        .is_some());
    // Fixed: applied, and the reason goes.
    type_into(&mut harness, &format!("{CELL_ZH} 第2笔日期"), "2024-10-08");
    assert_eq!(
        entries(&harness).unwrap()[1],
        ("2024-10-08".into(), d("600000"))
    );
    assert!(harness.query_by_label_contains("不在所填年度").is_none());

    // The first purchase removed.
    click(&mut harness, &format!("删除 {CELL_ZH} 第1笔"));
    assert_eq!(
        entries(&harness),
        Some(vec![("2024-10-08".into(), d("600000"))])
    );
    // And the last: the value is gone.
    click(&mut harness, &format!("删除 {CELL_ZH} 第1笔"));
    assert_eq!(entries(&harness), None);
    let s = harness.state();
    assert_eq!(
        s.project
            .get(s.catalog, At::SubjectYear { year: 2024 }, SAFETY),
        None
    );
}

#[test]
fn entries_from_a_file_show_as_rows_in_the_rows_unit() {
    let mut harness = harness(
        Lang::En,
        project(&[("2024-03-01", "400000"), ("2024-09-01", "600000")]),
    );
    // Given, so its section is open; each entry is a row named by label, year and place.
    let date = format!("{CELL_EN} entry 2 date");
    assert_eq!(
        harness.get_by_label(&date).value().as_deref(),
        Some("2024-09-01")
    );
    let amount = format!("{CELL_EN} entry 1 amount");
    assert_eq!(
        harness.get_by_label(&amount).value().as_deref(),
        Some("400000")
    );
    assert!(harness
        .query_by_label(&format!("Remove {CELL_EN} entry 2"))
        .is_some());
    // An amount with a unit of its own keeps it.
    type_into(&mut harness, &format!("{CELL_EN} entry 2 amount"), "65万元");
    assert_eq!(
        entries(&harness),
        Some(vec![
            ("2024-03-01".into(), d("400000")),
            ("2024-09-01".into(), d("650000")),
        ])
    );
    // The × beside the cell clears the whole value.
    click(&mut harness, &format!("Clear {CELL_EN}"));
    assert_eq!(entries(&harness), None);
}

#[test]
fn a_single_date_is_typed_into_its_year() {
    let mut harness = harness(Lang::Zh, project(&[]));
    type_into(&mut harness, "搜索输入项…", "数字商务");
    let cell = "本年度获评国家级数字商务企业的日期 2025";
    let rated = |h: &Harness<'static, State>| {
        let s = h.state();
        s.project.get(
            s.catalog,
            At::SubjectYear { year: 2025 },
            "national_digital_commerce_rated_on",
        )
    };
    type_into(&mut harness, cell, "2025-03-10");
    assert_eq!(
        rated(&harness),
        Some(Value::Date(Date::parse("2025-03-10").unwrap()))
    );
    // A day of 2024 in the 2025 column is refused; the date stays.
    type_into(&mut harness, cell, "2024-12-31");
    assert_eq!(
        rated(&harness),
        Some(Value::Date(Date::parse("2025-03-10").unwrap()))
    );
    assert!(harness
        .query_by_label_contains("不在所填年度 2025 年内")
        .is_some());
    type_into(&mut harness, cell, "");
    assert_eq!(rated(&harness), None);
}
