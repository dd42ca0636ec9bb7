//! What-if: the year's definite total and the lines that move, against one numeric input of
//! a project-year (or firm-year), with every threshold and cap from the rule data drawn and
//! the project's current value marked. And, for the self-check, how far the next tier is.

use std::sync::Arc;

use egui::{Color32, RichText};
use egui_plot::{Legend, Line, Plot, PlotPoints, Points, VLine};
use rust_decimal::Decimal;

use crate::inputs::InputCatalog;
use crate::insight::{
    default_range, next_tiers, sweep, thresholds, to_plot, InsightError, NextTier, Sweep,
    ThresholdKind,
};
use crate::lang::Lang;
use crate::load::RuleBase;
use crate::messages::{figure_of_input, money, t};
use crate::pack::{InputKind, Scope};
use crate::report::Report;

use super::{IncentivesApp, Scenario};

/// What a sweep was made for: (evaluation generation, input, place, from, to).
type SweepKey = (u64, usize, (Option<usize>, u16), String, String);

/// The chosen input, place and range, and the last sweep with what it was computed for.
#[derive(Default)]
pub struct WhatIfState {
    pub input: Option<usize>,
    /// (project index, year); `None` project for a firm-year input.
    pub place: Option<(Option<usize>, u16)>,
    pub from: String,
    pub to: String,
    sweep: Option<Sweep>,
    error: Option<String>,
    made_for: Option<SweepKey>,
    /// The distances to the next tier, with the evaluation they were computed for.
    pub next_tiers: Option<(u64, Vec<NextTier>)>,
}

/// Number inputs of a year that some rule compares against a threshold: first those the
/// project gave, then those most rules turn on (the foreign-capital figure in the shipped
/// packs), then in the catalogue's order.
fn candidates(catalog: &InputCatalog, base: &RuleBase, doc: &Scenario) -> Vec<usize> {
    let mut found: Vec<(bool, usize, usize)> = (0..catalog.decls.len())
        .filter_map(|s| {
            let d = &catalog.decls[s];
            if !matches!(d.kind, InputKind::Number(_))
                || !matches!(d.scope, Scope::ProjectYear | Scope::SubjectYear)
            {
                return None;
            }
            let limits = thresholds(base, s)
                .iter()
                .filter(|t| t.kind != ThresholdKind::CapBinds)
                .count();
            (limits > 0).then(|| (given(doc, s), limits, s))
        })
        .collect();
    found.sort_by_key(|(given, limits, s)| (!given, std::cmp::Reverse(*limits), *s));
    found.into_iter().map(|(_, _, s)| s).collect()
}

/// Whether the project gives input `slot` in any of its years.
fn given(doc: &Scenario, slot: usize) -> bool {
    let p = &doc.project;
    p.subject.years.values().any(|y| y.get(slot).is_some())
        || p.projects
            .iter()
            .any(|q| q.years.values().any(|y| y.get(slot).is_some()))
}

/// The places (project-years or firm-years) an input of `scope` can be swept at.
fn places(doc: &Scenario, scope: Scope) -> Vec<(Option<usize>, u16)> {
    match scope {
        Scope::ProjectYear => doc
            .project
            .projects
            .iter()
            .enumerate()
            .flat_map(|(i, p)| p.years.keys().map(move |y| (Some(i), y.0)))
            .collect(),
        _ => doc
            .report
            .as_ref()
            .map(|r| {
                r.years
                    .iter()
                    .filter_map(|s| s.year)
                    .map(|y| (None, y))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

pub fn whatif_ui(app: &mut IncentivesApp, ui: &mut egui::Ui) {
    let lang = app.lang;
    let base = app.rules.base.clone();
    let catalog = &base.catalog;
    ui.heading(t(lang, "假设分析", "What-if"));
    let inputs = candidates(catalog, &base, &app.doc);
    if inputs.is_empty() {
        ui.label(t(
            lang,
            "没有可分析的数值输入项。",
            "No numeric input to analyse.",
        ));
        return;
    }
    let state = &mut app.whatif;
    // The first input with a threshold (the foreign-capital figure in the shipped packs),
    // preferring one the project gave.
    if state.input.is_none_or(|s| !inputs.contains(&s)) {
        state.input = Some(inputs[0]);
    }
    let Some(slot) = state.input else { return };
    let decl = &catalog.decls[slot];
    let choices = places(&app.doc, decl.scope);
    if state.place.is_none_or(|p| !choices.contains(&p)) {
        // The latest year where the project gives the figure, else the first place.
        state.place = choices
            .iter()
            .rev()
            .find(|(p, y)| {
                let year = crate::project::Year(*y);
                match p {
                    Some(i) => app.doc.project.projects[*i]
                        .years
                        .get(&year)
                        .is_some_and(|v| v.get(slot).is_some()),
                    None => app
                        .doc
                        .project
                        .subject
                        .years
                        .get(&year)
                        .is_some_and(|v| v.get(slot).is_some()),
                }
            })
            .or(choices.first())
            .copied();
    }
    ui.horizontal_wrapped(|ui| {
        ui.label(t(lang, "输入项：", "Input:"));
        let combo = egui::ComboBox::from_id_salt("whatif_input")
            .selected_text(decl.label.get(lang))
            .width(280.0)
            .show_ui(ui, |ui| {
                for s in &inputs {
                    ui.selectable_value(
                        &mut state.input,
                        Some(*s),
                        catalog.decls[*s].label.get(lang),
                    );
                }
            });
        combo
            .response
            .accessible_name(t(lang, "分析的输入项", "Input analysed"));
        ui.label(t(lang, "位置：", "At:"));
        let name = |p: &(Option<usize>, u16)| match p.0 {
            Some(i) => format!(
                "{} · {}",
                app.doc
                    .project
                    .projects
                    .get(i)
                    .map_or("?", |p| p.id.as_str()),
                p.1
            ),
            None => format!("{} · {}", t(lang, "企业", "firm"), p.1),
        };
        let combo = egui::ComboBox::from_id_salt("whatif_place")
            .selected_text(state.place.as_ref().map(&name).unwrap_or_default())
            .show_ui(ui, |ui| {
                for p in &choices {
                    ui.selectable_value(&mut state.place, Some(*p), name(p));
                }
            });
        combo
            .response
            .accessible_name(t(lang, "分析的项目与年度", "Project and year analysed"));
        ui.label(t(lang, "范围：", "Range:"));
        ui.add(
            egui::TextEdit::singleline(&mut state.from)
                .desired_width(110.0)
                .hint_text("0"),
        )
        .accessible_name(t(lang, "范围起点", "Range from"));
        ui.label("–");
        ui.add(
            egui::TextEdit::singleline(&mut state.to)
                .desired_width(110.0)
                .hint_text(t(lang, "自动", "auto")),
        )
        .accessible_name(t(lang, "范围终点", "Range to"));
    });
    let Some(place) = state.place else {
        ui.label(t(
            lang,
            "请先在左侧添加项目和年度。",
            "Add a project and a year on the left first.",
        ));
        return;
    };
    let key = (
        app.doc.generation,
        slot,
        place,
        state.from.clone(),
        state.to.clone(),
    );
    if state.made_for.as_ref() != Some(&key) {
        state.made_for = Some(key);
        state.error = None;
        let limits: Vec<_> = thresholds(&base, slot)
            .into_iter()
            .filter(|t| t.kind != ThresholdKind::CapBinds)
            .collect();
        let current = None;
        let (auto_from, auto_to) = default_range(&limits, current);
        let parse = |s: &str, d: Decimal| {
            if s.trim().is_empty() {
                Ok(d)
            } else {
                crate::money::parse_written(s).map(|w| w.value)
            }
        };
        match (parse(&state.from, auto_from), parse(&state.to, auto_to)) {
            (Ok(from), Ok(to)) if from < to => {
                match sweep(
                    &base,
                    &app.doc.project,
                    &app.doc.options,
                    place,
                    slot,
                    from,
                    to,
                    120,
                ) {
                    Ok(s) => state.sweep = Some(s),
                    Err(e) => {
                        state.sweep = None;
                        state.error = Some(match e {
                            InsightError::Eval(e) => crate::messages::eval_error(&e, lang),
                            InsightError::Edit(k) => k.message(lang),
                            other => other.to_string(),
                        });
                    }
                }
            }
            _ => {
                state.sweep = None;
                state.error = Some(t(lang, "范围无效", "Invalid range").to_owned());
            }
        }
    }
    if let Some(e) = &state.error {
        ui.colored_label(Color32::from_rgb(0xb0, 0x30, 0x20), e);
    }
    let Some(s) = &state.sweep else { return };
    let report = app.doc.report.as_ref();
    let total_name = t(lang, "当年确定可获合计", "Definite total of the year");
    Plot::new("whatif_plot")
        .legend(Legend::default())
        .height((ui.available_height() - 60.0).max(260.0))
        .x_axis_label(format!(
            "{}（{}）",
            decl.label.get(lang),
            unit_label(decl, lang)
        ))
        .y_axis_label(t(lang, "元", "CNY"))
        .x_axis_formatter(|mark, _| axis_label(mark.value))
        .y_axis_formatter(|mark, _| axis_label(mark.value))
        .show(ui, |plot| {
            let points: Vec<[f64; 2]> =
                s.xs.iter()
                    .zip(&s.total_definite)
                    .map(|(x, y)| [to_plot(*x), to_plot(*y)])
                    .collect();
            plot.line(Line::new(total_name, PlotPoints::from(points)).width(2.5));
            for l in &s.lines {
                let name = base.rule(l.rule).title.get(lang).to_owned();
                let pts: Vec<[f64; 2]> =
                    s.xs.iter()
                        .zip(&l.amounts)
                        .map(|(x, a)| [to_plot(*x), to_plot(a.unwrap_or_default())])
                        .collect();
                plot.line(Line::new(name, PlotPoints::from(pts)));
            }
            let (lo, hi) = (s.xs.first().copied(), s.xs.last().copied());
            for (th, x) in s.thresholds.iter().zip(&s.threshold_xs) {
                if lo.is_some_and(|lo| *x < lo) || hi.is_some_and(|hi| *x > hi) {
                    continue;
                }
                let what = match th.kind {
                    ThresholdKind::CapBinds => t(lang, "上限", "cap"),
                    _ => t(lang, "门槛", "threshold"),
                };
                plot.vline(
                    VLine::new(
                        format!("{what} · {}", base.rule(th.slot).title.get(lang)),
                        to_plot(*x),
                    )
                    .color(Color32::from_rgb(0xc0, 0x80, 0x20))
                    .style(egui_plot::LineStyle::dashed_loose()),
                );
            }
            if let (Some(x), Some(r)) = (s.current, report) {
                let y = r
                    .years
                    .iter()
                    .find(|y| y.year == Some(place.1))
                    .map(|y| y.definite)
                    .unwrap_or_default();
                plot.points(
                    Points::new(t(lang, "当前", "Now"), vec![[to_plot(x), to_plot(y)]])
                        .radius(6.0)
                        .color(Color32::from_rgb(0xd0, 0x20, 0x20)),
                );
            }
        });
    if let Some(x) = s.current {
        ui.label(format!(
            "{}{}",
            t(lang, "当前值：", "Current value: "),
            figure_of_input(catalog, slot, x, lang)
        ));
    }
}

/// A chart tick with grouped digits (`30,000,000`): chart coordinates only, never money
/// that is added up.
fn axis_label(v: f64) -> String {
    if v.abs() >= 1e15 || v.fract() != 0.0 {
        return format!("{v}");
    }
    crate::money::group_thousands(&format!("{v:.0}"))
}

fn unit_label(decl: &crate::pack::InputDecl, lang: Lang) -> &'static str {
    match decl.kind {
        InputKind::Number(u) => u.label(lang),
        _ => "",
    }
}

/// How far the next tier is, for every rule with thresholds the project's figures meet.
pub fn next_tiers_ui(
    ui: &mut egui::Ui,
    cache: &mut Option<(u64, Vec<NextTier>)>,
    base: &Arc<RuleBase>,
    doc: &Scenario,
    report: &Report,
    lang: Lang,
) {
    ui.label(RichText::new(t(lang, "距下一档", "Distance to the next tier")).strong());
    // Each distance re-evaluates the project: done once per evaluation, not per frame.
    if cache.as_ref().is_none_or(|(g, _)| *g != doc.generation) {
        *cache = Some((
            doc.generation,
            next_tiers(base, &doc.project, &doc.options, report),
        ));
    }
    let tiers = cache
        .as_ref()
        .map(|(_, t)| t.as_slice())
        .unwrap_or_default();
    if tiers.is_empty() {
        ui.label(t(lang, "暂无。", "None."));
        return;
    }
    let catalog = &base.catalog;
    for n in tiers {
        let rule = base.rule(n.rule);
        let input = &catalog.decls[n.input_slot];
        let more = figure_of_input(catalog, n.input_slot, n.needed, lang);
        let place = match (n.project.and_then(|p| report.projects.get(p)), lang) {
            (Some(p), Lang::Zh) => format!("项目 {p} · {} 年", n.year),
            (Some(p), Lang::En) => format!("project {p} · {}", n.year),
            (None, Lang::Zh) => format!("企业 · {} 年", n.year),
            (None, Lang::En) => format!("the firm · {}", n.year),
        };
        let text = match lang {
            Lang::Zh => format!(
                "{place}：{}再增加 {}{}，可达到第 {} 档：{}（{}）",
                input.label.zh,
                more,
                if n.strictly_more {
                    "（“超过”不含本数）"
                } else {
                    ""
                },
                n.target_tier + 1,
                format_gain(n.gain, lang),
                rule.title.zh,
            ),
            Lang::En => format!(
                "{place}: another {}{} of {} reaches tier {}: {} ({})",
                more,
                if n.strictly_more {
                    " (the threshold itself does not count)"
                } else {
                    ""
                },
                input.label.en,
                n.target_tier + 1,
                format_gain(n.gain, lang),
                rule.title.en,
            ),
        };
        ui.label(text);
    }
}

fn format_gain(gain: Decimal, lang: Lang) -> String {
    format!("+{}", money(gain, lang))
}
