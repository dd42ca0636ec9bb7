//! Scenarios: the project as scenario A and a copy (or a second file) as scenario B, both
//! summaries side by side and every line whose outcome differs.

use egui::RichText;

use crate::lang::Lang;
use crate::messages::{disposition_label, line_figure, t};
use crate::report::{Line, Report};

use super::results::summary_ui;
use super::{files, IncentivesApp, Scenario};

pub fn compare_ui(app: &mut IncentivesApp, ui: &mut egui::Ui) {
    let lang = app.lang;
    ui.heading(t(lang, "方案对比", "Scenarios"));
    ui.horizontal_wrapped(|ui| {
        if ui
            .button(t(
                lang,
                "复制当前项目为方案B",
                "Duplicate the project as scenario B",
            ))
            .clicked()
        {
            let mut b = Scenario::new(app.doc.project.clone());
            b.options = app.doc.options.clone();
            b.recompute(&app.rules.base, lang);
            app.b = Some(b);
        }
        if app.b.is_some() {
            if ui
                .button(t(
                    lang,
                    "交换A/B（在左侧编辑方案B）",
                    "Swap A and B (edit B on the left)",
                ))
                .on_hover_text(t(
                    lang,
                    "左侧表单、协商额与口径始终编辑方案A；交换后即可修改另一方案",
                    "The form, offers and readings edit scenario A; swap to change the other one",
                ))
                .clicked()
            {
                if let Some(b) = app.b.take() {
                    let a = std::mem::replace(&mut app.doc, b);
                    app.b = Some(a);
                    app.form.reset();
                }
            }
            if ui
                .button(t(lang, "移除方案B", "Remove scenario B"))
                .clicked()
            {
                app.b = None;
            }
        }
    });
    ui.horizontal(|ui| {
        ui.label(t(
            lang,
            "或打开文件作为方案B：",
            "Or open a file as scenario B:",
        ));
        ui.add(egui::TextEdit::singleline(&mut app.files.typed_path).desired_width(300.0))
            .accessible_name(t(lang, "方案B文件路径", "Scenario B file path"));
        if ui.button(t(lang, "打开", "Open")).clicked() {
            let path = std::path::PathBuf::from(app.files.typed_path.trim());
            match files::read_project(&path, &app.rules.base, lang) {
                Ok(p) => {
                    let mut b = Scenario::new(p);
                    b.path = Some(path);
                    b.options = app.doc.options.clone();
                    b.recompute(&app.rules.base, lang);
                    app.b = Some(b);
                }
                Err(e) => app.status = Some((e, true)),
            }
        }
    });
    ui.separator();
    let (Some(a), Some(b)) = (
        &app.doc.report,
        app.b.as_ref().and_then(|b| b.report.as_ref()),
    ) else {
        ui.label(t(
            lang,
            "复制项目或打开第二个文件后，这里并列显示两个方案的结果和差异。",
            "Duplicate the project or open a second file to see both scenarios and their differences here.",
        ));
        return;
    };
    egui::ScrollArea::vertical()
        .id_salt("compare_scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.columns(2, |cols| {
                cols[0].label(RichText::new(t(lang, "方案A", "Scenario A")).strong());
                summary_ui(&mut cols[0], a, lang, "summary_a");
                cols[1].label(RichText::new(t(lang, "方案B", "Scenario B")).strong());
                summary_ui(&mut cols[1], b, lang, "summary_b");
            });
            ui.separator();
            ui.label(RichText::new(t(lang, "逐项差异", "Line-by-line differences")).strong());
            differences_ui(ui, a, b, lang);
        });
}

/// A line's identity across two reports: rule id, project id, year.
fn key(r: &Report, l: &Line) -> (String, Option<String>, u16) {
    (
        r.rule(l).id.clone(),
        r.project_name(l).map(str::to_owned),
        l.year,
    )
}

fn differences_ui(ui: &mut egui::Ui, a: &Report, b: &Report, lang: Lang) {
    let show = |l: &Line| {
        format!(
            "{} {}",
            disposition_label(l.disposition, lang),
            line_figure(l, lang)
        )
    };
    let place = |r: &Report, l: &Line| {
        format!(
            "{} · {}",
            r.project_name(l).unwrap_or(t(lang, "企业整体", "the firm")),
            l.year
        )
    };
    // (line, place, in A, in B)
    let mut rows: Vec<(String, String, String, String)> = Vec::new();
    for la in &a.lines {
        let k = key(a, la);
        let lb = b.lines.iter().find(|l| key(b, l) == k);
        let same = lb.is_some_and(|lb| {
            lb.disposition == la.disposition
                && lb.counted_amount() == la.counted_amount()
                && lb.ceiling == la.ceiling
        });
        if !same && (la.disposition.relevant() || lb.is_some_and(|l| l.disposition.relevant())) {
            rows.push((
                a.rule(la).title.get(lang).to_owned(),
                place(a, la),
                show(la),
                lb.map(show).unwrap_or_else(|| "—".to_owned()),
            ));
        }
    }
    for lb in &b.lines {
        let k = key(b, lb);
        if lb.disposition.relevant() && !a.lines.iter().any(|l| key(a, l) == k) {
            rows.push((
                b.rule(lb).title.get(lang).to_owned(),
                place(b, lb),
                "—".to_owned(),
                show(lb),
            ));
        }
    }
    if rows.is_empty() {
        ui.label(t(
            lang,
            "两个方案的结果相同。",
            "Both scenarios give the same results.",
        ));
        return;
    }
    egui::Grid::new("differences").striped(true).show(ui, |ui| {
        for h in [
            t(lang, "条目", "Line"),
            t(lang, "项目 · 年度", "Project · year"),
            t(lang, "方案A", "Scenario A"),
            t(lang, "方案B", "Scenario B"),
        ] {
            ui.label(RichText::new(h).strong());
        }
        ui.end_row();
        for (line, at, in_a, in_b) in rows {
            ui.label(line);
            ui.label(at);
            ui.label(in_a);
            ui.label(in_b);
            ui.end_row();
        }
    });
}
