//! The desktop app driven as an officer would (egui_kittest, no GPU): figures typed into the
//! form move the answer exactly as the policy says, offers are kept apart, a bad value shows
//! its error and changes nothing, the language switches, and a saved file loads back equal.
//! Figures are computed by hand from 渝府办发〔2023〕65号 §12–13.

use std::path::PathBuf;

use egui::Key;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use incentives::app::{install_fonts, IncentivesApp, Scenario, View};
use incentives::lang::Lang;
use incentives::project::ProjectBuilder;
use incentives::report::{Disposition, Report};
use rust_decimal::Decimal;

/// The field of arrived foreign capital in the project's 2024 column.
const FDI_2024: &str = "当年实际到位外资金额 2024";

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// The app with one manufacturing project P1 (new, with 2024 as its year).
fn app(major_project: bool) -> IncentivesApp {
    let mut app = IncentivesApp::new().expect("the embedded packs load");
    let project = ProjectBuilder::new("重庆某零部件公司")
        .project("P1", |p| {
            let p = p
                .input("industry", "manufacturing")
                .input("project_kind", "new");
            let p = if major_project {
                p.input("major_investment_project", "true")
            } else {
                p
            };
            p.year(2024, |y| y)
        })
        .build(&app.rules.base.catalog)
        .expect("a valid project");
    app.doc = Scenario::new(project);
    app.recompute();
    app
}

fn harness(mut app: IncentivesApp) -> Harness<'static, IncentivesApp> {
    // The foreign-capital group opens when searched for (or when it holds a value).
    app.form.search = "外资".into();
    let mut h = Harness::builder()
        .with_size([1400.0, 3000.0])
        .with_max_steps(24)
        .with_context_setup(install_fonts)
        .build_ui_state(|ui, app: &mut IncentivesApp| app.ui(ui), app);
    h.run();
    h
}

fn report(h: &Harness<'_, IncentivesApp>) -> Report {
    h.state().doc.report.clone().expect("a report")
}

fn definite_2024(r: &Report) -> Decimal {
    r.years
        .iter()
        .find(|y| y.year == Some(2024))
        .map(|y| y.definite)
        .unwrap_or_default()
}

fn fdi_65(r: &Report) -> Disposition {
    r.lines_of("fdi_reward_65")
        .find(|l| l.year == 2024)
        .map(|l| l.disposition)
        .expect("the 65号 line")
}

/// Replaces the text of the field labelled `label`.
fn type_into(h: &mut Harness<'_, IncentivesApp>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    h.run();
    // Typing replaces the selection, as it does for an officer.
    h.get_by_label(label).type_text(text);
    h.run();
}

#[test]
fn the_foreign_capital_reward_crosses_its_thresholds_as_the_text_says() {
    let mut h = harness(app(false));
    // 超过 is strict: exactly 10,000,000 USD reaches no tier.
    type_into(&mut h, FDI_2024, "10000000");
    let r = report(&h);
    assert_eq!(fdi_65(&r), Disposition::Ineligible);
    assert_eq!(definite_2024(&r), Decimal::ZERO);
    // One dollar more: at least 2% of the whole year's amount, 10,000,001 × 2% = 200,000.02.
    type_into(&mut h, FDI_2024, "10000001");
    let r = report(&h);
    assert_eq!(fdi_65(&r), Disposition::Definite);
    assert_eq!(definite_2024(&r), d("200000.02"));
    // Exactly 30,000,000 is still the 2% tier: 600,000.
    type_into(&mut h, FDI_2024, "3000万");
    assert_eq!(definite_2024(&report(&h)), d("600000.00"));
    // Above 30,000,000 a manufacturing project gets 4% instead: 30,000,001 × 4% = 1,200,000.04.
    type_into(&mut h, FDI_2024, "30000001");
    let r = report(&h);
    assert_eq!(definite_2024(&r), d("1200000.04"));
    // The per-year table on screen says so.
    assert!(
        h.query_all_by_label("1,200,000.04").count() >= 2,
        "the 2024 row and the total"
    );
}

#[test]
fn an_offer_on_a_ceiling_line_is_counted_apart() {
    // 65号 §12: a major investment project, up to 20,000,000 in all: a ceiling only.
    let mut h = harness(app(true));
    let r = report(&h);
    let line = r
        .lines_of("major_project_support_65")
        .find(|l| l.year == 2024)
        .expect("the §12 line");
    assert_eq!(line.disposition, Disposition::CeilingOnly);
    assert_eq!(line.ceiling, Some(d("20000000")));
    h.state_mut().view = View::Officer;
    h.run();
    type_into(&mut h, "引进重大产业项目专项支持 2024", "1500万");
    let r = report(&h);
    let line = r
        .lines_of("major_project_support_65")
        .find(|l| l.year == 2024)
        .unwrap();
    assert_eq!(line.disposition, Disposition::Offered);
    assert_eq!(line.offered, Some(d("15000000")));
    assert_eq!(r.total.offered, d("15000000.00"));
    assert_eq!(
        r.total.definite,
        Decimal::ZERO,
        "an offer is not a definite sum"
    );
    // Above the ceiling it counts at the ceiling, and the line says so.
    type_into(&mut h, "引进重大产业项目专项支持 2024", "30000000");
    assert_eq!(report(&h).total.offered, d("20000000.00"));
}

#[test]
fn a_bad_value_shows_its_error_and_changes_nothing() {
    let mut h = harness(app(false));
    type_into(&mut h, FDI_2024, "20000000");
    assert_eq!(definite_2024(&report(&h)), d("400000.00"));
    for bad in ["abc", "-5", "100万元"] {
        type_into(&mut h, FDI_2024, bad);
        // The previous figure and its results stay.
        assert_eq!(definite_2024(&report(&h)), d("400000.00"), "{bad}");
        assert!(
            h.query_by_label_contains(bad).is_some(),
            "the error quotes {bad}"
        );
    }
}

#[test]
fn switching_language_changes_the_labels() {
    let mut h = harness(app(false));
    assert!(h.query_by_label("测算结果").is_some());
    h.get_by_label("English").click();
    h.run();
    h.state_mut().form.search = "foreign".into();
    h.run();
    assert_eq!(h.state().lang, Lang::En);
    assert!(h.query_by_label("Results").is_some());
    assert!(h.query_by_label("测算结果").is_none());
    assert!(h
        .query_by_label("Foreign capital arrived this year 2024")
        .is_some());
    h.get_by_label("中文").click();
    h.run();
    assert!(h.query_by_label("测算结果").is_some());
}

#[test]
fn a_saved_file_loads_back_equal() {
    let dir = std::env::temp_dir().join(format!("incentives-app-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path: PathBuf = dir.join("saved.ron");
    let mut h = harness(app(true));
    type_into(&mut h, FDI_2024, "4500万美元");
    assert!(h.state().doc.dirty);
    // Ctrl+S with no file yet asks for a path.
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::S);
    h.run();
    type_into(&mut h, "文件路径：", &path.display().to_string());
    h.get_by_label("保存").click();
    h.run();
    assert!(!h.state().doc.dirty, "{:?}", h.state().status);
    let base = h.state().rules.base.clone();
    let back = incentives::app::files::read_project(&path, &base, Lang::Zh).expect("loads back");
    assert_eq!(back, h.state().doc.project);
    // Opened in a fresh app, it evaluates to the same answer: 45,000,000 × 4% = 1,800,000.
    let mut fresh = IncentivesApp::new().unwrap();
    fresh.open_path(&path);
    assert_eq!(fresh.doc.project, back);
    assert_eq!(
        definite_2024(fresh.doc.report.as_ref().unwrap()),
        d("1800000.00")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_results_export_to_excel_from_the_menu() {
    let dir = std::env::temp_dir().join(format!("incentives-app-x-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("results.xlsx");
    let mut h = harness(app(false));
    type_into(&mut h, FDI_2024, "20000000");
    h.get_by_label("文件").click();
    h.run();
    h.get_by_label("导出 Excel…").click();
    h.run();
    type_into(&mut h, "文件路径：", &path.display().to_string());
    h.get_by_label("保存").click();
    h.run();
    let bytes = std::fs::read(&path).expect("the workbook is written");
    // An .xlsx file is a zip archive.
    assert_eq!(&bytes[..2], b"PK", "{:?}", h.state().status);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_printed_report_exports_from_the_menu() {
    let dir = std::env::temp_dir().join(format!("incentives-app-p-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("report.pdf");
    let mut h = harness(app(false));
    type_into(&mut h, FDI_2024, "20000000");
    h.get_by_label("文件").click();
    h.run();
    h.get_by_label("导出 PDF…").click();
    h.run();
    type_into(&mut h, "文件路径：", &path.display().to_string());
    h.get_by_label("保存").click();
    h.run();
    let bytes = std::fs::read(&path).expect("the report is written");
    assert_eq!(&bytes[..5], b"%PDF-", "{:?}", h.state().status);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_self_check_gives_the_distance_to_the_next_tier() {
    // 65号 §13: 28,000,000 USD pays 2%; more than 30,000,000 pays 4%, so another
    // 2,000,001 USD lifts the minimum to 30,000,001 × 4% = 1,200,000.04 (+640,000.04).
    let mut h = harness(app(false));
    type_into(&mut h, FDI_2024, "28000000");
    h.state_mut().view = View::SelfCheck;
    h.run();
    let found = h.query_all_by_label_contains("2,000,001 美元").count();
    assert!(found >= 1, "the next tier is shown");
    // Both 65号 and 107号 give the same distance.
    assert_eq!(h.query_all_by_label_contains("+640,000.04 元").count(), 2);
}
