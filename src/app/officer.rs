//! Officer mode: an offer on every line whose policy gives a minimum and a ceiling, with the
//! allowed range beside the field; offers are counted apart from definite amounts.

use std::collections::HashMap;

use egui::RichText;

use crate::lang::Lang;
use crate::load::RuleSlot;
use crate::messages::{money, t};
use crate::money::{Dec, Suffix};
use crate::project::{Offer, Year};
use crate::report::{Line, Node};

use super::results::badge_ui;
use super::IncentivesApp;

/// The text typed into each offer field, by (rule, project, year).
#[derive(Default)]
pub struct OfficerState {
    buffers: HashMap<(RuleSlot, Option<usize>, u16), String>,
    errors: HashMap<(RuleSlot, Option<usize>, u16), String>,
}

/// A line an officer may make an offer on: it pays, the text bounds it, and there is room
/// between the policy minimum and the ceiling (a fixed sum leaves none).
fn offerable(l: &Line) -> bool {
    l.status.pays()
        && l.ceiling
            .is_some_and(|c| l.amount.is_none_or(|a| c > a) || l.offered.is_some())
}

pub fn officer_ui(app: &mut IncentivesApp, ui: &mut egui::Ui) {
    let lang = app.lang;
    let Some(report) = app.doc.report.clone() else {
        ui.label(t(lang, "尚无结果。", "No results yet."));
        return;
    };
    ui.heading(t(
        lang,
        "协商额（拟给予金额）",
        "Offers (an officer's figures)",
    ));
    ui.label(t(
        lang,
        "在政策区间内填写拟给予金额；低于最低额按最低额计，高于上限按上限计。协商额单列，不计入确定可获。",
        "Enter an offer within the policy range; below the minimum it counts at the minimum, above the ceiling at the ceiling. Offers are counted apart from definite amounts.",
    ));
    ui.horizontal(|ui| {
        ui.label(RichText::new(format!(
            "{}{}",
            t(lang, "确定可获合计：", "Definite total: "),
            money(report.total.definite, lang)
        )));
        ui.separator();
        ui.label(
            RichText::new(format!(
                "{}{}",
                t(lang, "协商额合计：", "Offers total: "),
                money(report.total.offered, lang)
            ))
            .strong(),
        );
    });
    ui.separator();
    let mut changed = false;
    egui::ScrollArea::vertical()
        .id_salt("officer_scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            egui::Grid::new("offers")
                .striped(true)
                .num_columns(5)
                .show(ui, |ui| {
                    for h in [
                        t(lang, "条目", "Line"),
                        t(lang, "项目 · 年度", "Project · year"),
                        t(lang, "政策区间", "Policy range"),
                        t(lang, "拟给予（元）", "Offer (CNY)"),
                        t(lang, "计入", "Counted"),
                    ] {
                        ui.label(RichText::new(h).strong());
                    }
                    ui.end_row();
                    for l in report.lines.iter().filter(|l| offerable(l)) {
                        let rule = report.rule(l);
                        let key = (l.slot, l.project, l.year);
                        ui.horizontal(|ui| {
                            badge_ui(ui, l.disposition, lang);
                            ui.label(rule.title.get(lang));
                        });
                        ui.label(format!(
                            "{} · {}",
                            report
                                .project_name(l)
                                .unwrap_or(t(lang, "企业整体", "the firm")),
                            l.year
                        ));
                        let minimum = l.amount.unwrap_or_default();
                        let ceiling = l.ceiling.unwrap_or_default();
                        ui.label(format!(
                            "{} – {}",
                            money(minimum, lang),
                            money(ceiling, lang)
                        ));
                        let current = report.trace(l).iter().find_map(|n| match n {
                            Node::Offer(o) => Some(o.offered.normalize().to_string()),
                            _ => None,
                        });
                        let mut buffer = app
                            .officer
                            .buffers
                            .get(&key)
                            .cloned()
                            .unwrap_or_else(|| current.clone().unwrap_or_default());
                        let label = format!("{} {}", rule.title.get(lang), l.year);
                        let mut edited = false;
                        ui.vertical(|ui| {
                            let edit = ui.add(
                                egui::TextEdit::singleline(&mut buffer)
                                    .desired_width(130.0)
                                    .hint_text(t(lang, "未填写", "none")),
                            );
                            edit.widget_info(|| {
                                egui::WidgetInfo::labeled(egui::Role::TextInput, true, &label)
                            });
                            edited = edit.changed();
                            if let Some(e) = app.officer.errors.get(&key) {
                                ui.colored_label(egui::Color32::from_rgb(0xb0, 0x30, 0x20), e);
                            }
                        });
                        if edited {
                            match set_offer(app, &report, l, buffer.trim(), lang) {
                                Ok(()) => {
                                    app.officer.errors.remove(&key);
                                    changed = true;
                                }
                                Err(e) => {
                                    app.officer.errors.insert(key, e);
                                }
                            }
                        }
                        app.officer.buffers.insert(key, buffer);
                        ui.label(l.offered.map(|o| money(o, lang)).unwrap_or_default());
                        ui.end_row();
                    }
                });
        });
    if changed {
        app.doc.dirty = true;
        app.doc.recompute(&app.rules.base, app.lang);
    }
}

/// Sets (or, for an empty text, removes) the offer on line `l`.
fn set_offer(
    app: &mut IncentivesApp,
    report: &crate::report::Report,
    l: &Line,
    text: &str,
    lang: Lang,
) -> Result<(), String> {
    let rule = report.rule(l).id.clone();
    let project = report.project_name(l).map(str::to_owned);
    let year = Year(l.year);
    let offers = &mut app.doc.project.offers;
    let at = offers
        .iter()
        .position(|o| o.rule == rule && o.project == project && o.year == year);
    if text.is_empty() {
        if let Some(i) = at {
            offers.remove(i);
        }
        return Ok(());
    }
    let written = crate::money::parse_written(text).map_err(|e| e.message(text, lang))?;
    if matches!(
        written.suffix,
        Some(Suffix::WanUsd | Suffix::Usd | Suffix::Percent)
    ) {
        return Err(t(
            lang,
            "拟给予金额以元或万元填写",
            "Offers are in CNY (元 or 万元)",
        )
        .to_owned());
    }
    let amount = written.value;
    let offer = Offer {
        rule,
        project,
        year,
        amount: Dec(amount),
    };
    match at {
        Some(i) => offers[i] = offer,
        None => offers.push(offer),
    }
    Ok(())
}
