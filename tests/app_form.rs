//! The project form, driven as an officer would: typing into fields found by their label,
//! switching units, searching, adding and removing years and projects.

use std::sync::{Arc, OnceLock};

use eframe::egui::{self, FontData, FontFamily, Key, Modifiers};
use egui::epaint::text::{FontInsert, FontPriority, InsertFontFamily};
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use incentives::app::form::{form_ui, FormState};
use incentives::inputs::{InputCatalog, Value};
use incentives::lang::Lang;
use incentives::load::{load_embedded, RuleBase};
use incentives::project::{At, ProjectBuilder, ProjectFile};
use rust_decimal::Decimal;

fn base() -> &'static Arc<RuleBase> {
    static BASE: OnceLock<Arc<RuleBase>> = OnceLock::new();
    BASE.get_or_init(|| Arc::new(load_embedded().expect("embedded packs load")))
}

struct State {
    form: FormState,
    project: ProjectFile,
    catalog: &'static InputCatalog,
    lang: Lang,
    changes: usize,
}

const FDI_ZH: &str = "当年实际到位外资金额 2024";
const FDI_EN: &str = "Foreign capital arrived this year 2024";
const RD_ZH: &str = "本年度申报研发费用 2024";

fn project() -> ProjectFile {
    ProjectBuilder::new("重庆某零部件公司")
        .subject_year(2024, |y| y.input("rd_expense_yuan", "100万元"))
        .project("P1", |p| {
            p.input("industry", "manufacturing")
                .input("project_kind", "new")
                .year(2024, |y| y)
        })
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

fn harness(lang: Lang) -> Harness<'static, State> {
    let state = State {
        form: FormState::default(),
        project: project(),
        catalog: &base().catalog,
        lang,
        changes: 0,
    };
    let mut harness = Harness::builder()
        .with_size([520.0, 4000.0])
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
        // Typing replaces the selection, as it does for an officer.
        harness.get_by_label(label).type_text(text);
    }
    harness.run();
}

fn fdi(harness: &Harness<'static, State>) -> Option<Value> {
    let s = harness.state();
    let at = At::ProjectYear {
        project: "P1",
        year: 2024,
    };
    s.project.get(s.catalog, at, "fdi_arrived_usd")
}

fn num(s: &str) -> Option<Value> {
    Some(Value::Num(s.parse::<Decimal>().expect("a decimal")))
}

#[test]
fn typing_a_figure_sets_it() {
    let mut harness = harness(Lang::Zh);
    // The foreign-capital section is closed while it holds nothing: search opens it.
    type_into(&mut harness, "搜索输入项…", "外资");
    type_into(&mut harness, FDI_ZH, "20000000");
    assert_eq!(fdi(&harness), num("20000000"));
    assert!(harness.state().changes > 0);
    // Cleared back to empty: the value is removed.
    type_into(&mut harness, FDI_ZH, "");
    assert_eq!(fdi(&harness), None);
}

#[test]
fn wan_usd_unit_multiplies_by_ten_thousand() {
    let mut harness = harness(Lang::Zh);
    type_into(&mut harness, "搜索输入项…", "外资");
    type_into(&mut harness, FDI_ZH, "4500");
    assert_eq!(fdi(&harness), num("4500"));
    harness.get_by_label("当年实际到位外资金额 单位").click();
    harness.run();
    harness.get_by_label("万美元").click();
    harness.run();
    assert_eq!(fdi(&harness), num("45000000"));
    // A unit written in the text wins over the row's unit.
    type_into(&mut harness, FDI_ZH, "2000万");
    assert_eq!(fdi(&harness), num("20000000"));
    // The same through typing after the unit was chosen.
    type_into(&mut harness, FDI_ZH, "4500");
    assert_eq!(fdi(&harness), num("45000000"));
}

#[test]
fn text_that_does_not_parse_shows_why_and_keeps_the_value() {
    let mut harness = harness(Lang::Zh);
    type_into(&mut harness, "搜索输入项…", "外资");
    type_into(&mut harness, FDI_ZH, "20000000");
    assert_eq!(fdi(&harness), num("20000000"));
    let changes = harness.state().changes;

    type_into(&mut harness, FDI_ZH, "abc");
    assert_eq!(fdi(&harness), num("20000000"));
    assert_eq!(harness.state().changes, changes);
    assert!(
        harness.query_by_label_contains("abc").is_some(),
        "the reason quotes what was typed"
    );

    type_into(&mut harness, FDI_ZH, "-5");
    assert_eq!(fdi(&harness), num("20000000"));
    assert_eq!(harness.state().changes, changes);
    assert!(harness.query_by_label_contains("-5").is_some());

    // A yuan figure on a USD input is the wrong unit.
    type_into(&mut harness, FDI_ZH, "100万元");
    assert_eq!(fdi(&harness), num("20000000"));
    assert!(harness.query_by_label_contains("单位不符").is_some());

    // Fixing the text applies it and the reason goes.
    type_into(&mut harness, FDI_ZH, "30000000");
    assert_eq!(fdi(&harness), num("30000000"));
    assert!(harness.query_by_label_contains("单位不符").is_none());
}

#[test]
fn search_shows_matching_inputs_only() {
    let mut harness = harness(Lang::Zh);
    // The firm's R&D section holds a value, so it is open.
    assert!(harness.query_by_label(RD_ZH).is_some());
    assert!(harness.query_by_label(FDI_ZH).is_none());

    type_into(&mut harness, "搜索输入项…", "外资");
    assert!(harness.query_by_label(FDI_ZH).is_some());
    assert!(harness.query_by_label("其中：外方股东贷款 2024").is_some());
    assert!(harness.query_by_label(RD_ZH).is_none());

    // Every word must match, in either language, case-insensitive.
    type_into(&mut harness, "搜索输入项…", "FOREIGN arrived");
    assert!(harness.query_by_label(FDI_ZH).is_some());
    assert!(harness.query_by_label(RD_ZH).is_none());

    type_into(&mut harness, "搜索输入项…", "");
    assert!(harness.query_by_label(RD_ZH).is_some());
}

#[test]
fn ctrl_f_focuses_the_search() {
    let mut harness = harness(Lang::Zh);
    harness.key_press_modifiers(Modifiers::COMMAND, Key::F);
    harness.run();
    assert!(harness.get_by_label("搜索输入项…").is_focused());
}

#[test]
fn years_and_projects_are_added_renamed_and_removed() {
    let mut harness = harness(Lang::Zh);
    type_into(&mut harness, "新增项目年度", "2025");
    harness.get_by_label("添加项目年度").click();
    harness.run();
    let years: Vec<u16> = harness.state().project.projects[0]
        .years
        .keys()
        .map(|y| y.0)
        .collect();
    assert_eq!(years, [2024, 2025]);

    // A year that is not a year is refused beside the field.
    type_into(&mut harness, "新增项目年度", "20x5");
    harness.get_by_label("添加项目年度").click();
    harness.run();
    assert!(harness.query_by_label_contains("2000–2100").is_some());

    // The × in a column header removes that year.
    type_into(&mut harness, "搜索输入项…", "外资");
    harness
        .get_all_by_label("删除年度 2025")
        .next()
        .unwrap()
        .click();
    harness.run();
    assert!(harness.state().project.projects[0]
        .years
        .keys()
        .all(|y| y.0 != 2025));
    type_into(&mut harness, "搜索输入项…", "");

    harness.get_by_label("新增项目").click();
    harness.run();
    let ids = |h: &Harness<'static, State>| -> Vec<String> {
        h.state()
            .project
            .projects
            .iter()
            .map(|p| p.id.clone())
            .collect()
    };
    assert_eq!(ids(&harness), ["P1", "P2"]);
    assert_eq!(harness.state().form.project, 1);

    type_into(&mut harness, "项目编号", "P3");
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(ids(&harness), ["P1", "P3"]);

    // Renaming onto an id in use is refused, inline.
    type_into(&mut harness, "项目编号", "P1");
    harness.key_press(Key::Enter);
    harness.run();
    assert_eq!(ids(&harness), ["P1", "P3"]);
    assert!(harness.query_by_label_contains("P1").is_some());

    harness.get_by_label("删除项目").click();
    harness.run();
    assert_eq!(ids(&harness), ["P1"]);
    assert_eq!(harness.state().form.project, 0);
}

#[test]
fn english_labels_find_the_same_field() {
    let mut harness = harness(Lang::En);
    type_into(&mut harness, "Search inputs…", "foreign");
    type_into(&mut harness, FDI_EN, "4500万美元");
    assert_eq!(fdi(&harness), num("45000000"));
    type_into(&mut harness, FDI_EN, "abc");
    assert_eq!(fdi(&harness), num("45000000"));
    assert!(harness.query_by_label_contains("abc").is_some());
}
