//! Firm self-check: a short questionnaire (where, what, how large, which recognitions), then
//! the lines the firm may be eligible for but has not claimed, with the facts still missing
//! and the lead agency; and, for rules with thresholds, how far the next tier is.

use std::collections::BTreeMap;

use egui::RichText;

use crate::inputs::{InputCatalog, Value};
use crate::lang::Lang;
use crate::messages::{leads, t};
use crate::pack::{Cond, Expr, InputKind, RulePart, Scope};
use crate::project::At;
use crate::report::{Disposition, Line, Node, Report};

use super::IncentivesApp;

/// How many form groups (in their declared order) the questionnaire asks about: the
/// project's basics and the firm's profile and recognitions come first in the catalogue.
const QUESTIONNAIRE_GROUPS: usize = 2;

pub fn selfcheck_ui(app: &mut IncentivesApp, ui: &mut egui::Ui) {
    let lang = app.lang;
    egui::ScrollArea::vertical()
        .id_salt("selfcheck_scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.heading(t(lang, "企业自查", "Firm self-check"));
            ui.label(t(
                lang,
                "回答以下问题，下方列出可能符合、尚需确认的政策条目。",
                "Answer these questions; the lines you may be eligible for are listed below, to confirm.",
            ));
            if questionnaire_ui(app, ui) {
                app.doc.dirty = true;
                app.form.reset();
                app.doc.recompute(&app.rules.base, lang);
            }
            ui.separator();
            if let Some(report) = &app.doc.report {
                super::whatif::next_tiers_ui(
                    ui,
                    &mut app.whatif.next_tiers,
                    &app.rules.base,
                    &app.doc,
                    report,
                    lang,
                );
                ui.separator();
                possibly_eligible_ui(ui, report, lang);
            }
        });
}

/// The place a scope's value is asked at: the firm, its latest year, the first project,
/// that project's latest year.
fn place<'a>(app: &'a IncentivesApp, scope: Scope) -> Option<At<'a>> {
    let p = app
        .doc
        .project
        .projects
        .get(app.form.project)
        .or(app.doc.project.projects.first());
    let firm_year = app
        .doc
        .report
        .as_ref()
        .and_then(|r| r.years.last())
        .and_then(|s| s.year);
    match scope {
        Scope::Subject => Some(At::Subject),
        Scope::SubjectYear => firm_year.map(|year| At::SubjectYear { year }),
        Scope::Project => p.map(|p| At::Project { project: &p.id }),
        Scope::ProjectYear => {
            let p = p?;
            let year = p.years.keys().next_back()?.0;
            Some(At::ProjectYear {
                project: &p.id,
                year,
            })
        }
    }
}

/// The yes/no and choice questions of the first groups; true when an answer changed.
fn questionnaire_ui(app: &mut IncentivesApp, ui: &mut egui::Ui) -> bool {
    let lang = app.lang;
    let base = app.rules.base.clone();
    let catalog: &InputCatalog = &base.catalog;
    let mut groups: Vec<_> = catalog.groups.iter().collect();
    groups.sort_by_key(|g| g.order);
    let mut changed = false;
    egui::Grid::new("questionnaire")
        .num_columns(2)
        .striped(true)
        .show(ui, |ui| {
            for g in groups.into_iter().take(QUESTIONNAIRE_GROUPS) {
                for slot in catalog.in_group(&g.id) {
                    let decl = &catalog.decls[slot];
                    if !matches!(decl.kind, InputKind::Flag | InputKind::Choice(_)) {
                        continue;
                    }
                    let Some(at) = place(app, decl.scope) else {
                        continue;
                    };
                    let at_owned = owned(at);
                    let current = app.doc.project.get(catalog, at, &decl.id).or(catalog
                        .defaults
                        .get(slot)
                        .copied()
                        .flatten());
                    ui.label(decl.label.get(lang))
                        .on_hover_text(decl.help.get(lang));
                    let new = match &decl.kind {
                        InputKind::Flag => {
                            let mut on = current == Some(Value::Flag(true));
                            let r = ui.checkbox(&mut on, "");
                            r.widget_info(|| {
                                egui::WidgetInfo::selected(
                                    egui::Role::CheckBox,
                                    true,
                                    on,
                                    decl.label.get(lang),
                                )
                            });
                            r.changed().then_some(Value::Flag(on))
                        }
                        InputKind::Choice(options) => {
                            let mut chosen = match current {
                                Some(Value::Choice(i)) => Some(i),
                                _ => None,
                            };
                            let before = chosen;
                            let text = chosen.and_then(|i| options.get(i as usize)).map_or_else(
                                || t(lang, "未填写", "not given").to_owned(),
                                |o| o.label.get(lang).to_owned(),
                            );
                            let combo = egui::ComboBox::from_id_salt(("q", slot))
                                .selected_text(text)
                                .show_ui(ui, |ui| {
                                    for (i, o) in options.iter().enumerate() {
                                        ui.selectable_value(
                                            &mut chosen,
                                            Some(i as u16),
                                            o.label.get(lang),
                                        );
                                    }
                                });
                            combo.response.accessible_name(decl.label.get(lang));
                            (chosen != before)
                                .then(|| chosen.map(Value::Choice))
                                .flatten()
                        }
                        _ => None,
                    };
                    if let Some(v) = new {
                        let (kind, p, y) = at_owned.clone();
                        let at = match kind {
                            0 => At::Subject,
                            1 => At::SubjectYear { year: y },
                            2 => At::Project { project: &p },
                            _ => At::ProjectYear {
                                project: &p,
                                year: y,
                            },
                        };
                        if app.doc.project.set_value(catalog, at, &decl.id, v).is_ok() {
                            changed = true;
                        }
                    }
                    ui.end_row();
                }
            }
        });
    if app.doc.project.projects.is_empty() {
        ui.label(t(
            lang,
            "在左侧添加一个项目后，可回答项目的问题。",
            "Add a project on the left to answer the project's questions.",
        ));
    }
    changed
}

/// An `At` without its borrow: (kind, project id, year).
fn owned(at: At) -> (u8, String, u16) {
    match at {
        At::Subject => (0, String::new(), 0),
        At::SubjectYear { year } => (1, String::new(), year),
        At::Project { project } => (2, project.to_owned(), 0),
        At::ProjectYear { project, year } => (3, project.to_owned(), year),
    }
}

/// The input a failed node is about: the condition's input, or the figure not given.
fn missing_input(report: &Report, l: &Line, n: &Node) -> Option<usize> {
    let rule = report.rule(l);
    match n {
        Node::Missing { input, .. } => *input,
        Node::Check { site, .. } => match rule.at(site)? {
            RulePart::Cond(
                Cond::Flag(r)
                | Cond::Is(r, _)
                | Cond::OneOf(r, _)
                | Cond::NoneOf(r, _)
                | Cond::DateInForce(r),
            ) => Some(r.slot),
            RulePart::Cond(
                Cond::Above(Expr::Input(r), _)
                | Cond::AtLeast(Expr::Input(r), _)
                | Cond::Below(Expr::Input(r), _)
                | Cond::AtMost(Expr::Input(r), _),
            ) => Some(r.slot),
            _ => None,
        },
        _ => None,
    }
}

/// Lines the firm has not claimed, whose only obstacles are facts not given or left at
/// "no": possibly eligible, to confirm with the lead agency.
fn possibly_eligible_ui(ui: &mut egui::Ui, report: &Report, lang: Lang) {
    ui.label(
        RichText::new(t(
            lang,
            "可能符合 · 待确认",
            "Possibly eligible · to confirm",
        ))
        .strong(),
    );
    let catalog = &report.rule_base().catalog;
    // One entry per rule and project: the latest year.
    // (document, rule, project) → (the latest line, the facts still missing)
    type Found<'r> = BTreeMap<(usize, usize, Option<usize>), (&'r Line, Vec<usize>)>;
    let mut found: Found = BTreeMap::new();
    for l in report
        .lines
        .iter()
        .filter(|l| l.disposition == Disposition::NotClaimed)
    {
        let trace = report.trace(l);
        let failed: Vec<&Node> = trace
            .iter()
            .filter(|n| {
                matches!(
                    n,
                    Node::Check { passed: false, .. }
                        | Node::Missing { .. }
                        | Node::AppliesIn { passed: false, .. }
                )
            })
            .collect();
        let only_unclaimed = failed.iter().all(|n| match n {
            Node::Check { unclaimed, .. } => *unclaimed,
            Node::Missing { .. } => true,
            _ => false,
        });
        if !only_unclaimed || failed.is_empty() {
            continue;
        }
        let mut facts: Vec<usize> = failed
            .iter()
            .filter_map(|n| missing_input(report, l, n))
            .collect();
        facts.sort_unstable();
        facts.dedup();
        found.insert((l.slot.document(), l.slot.rule(), l.project), (l, facts));
    }
    if found.is_empty() {
        ui.label(t(lang, "暂无。", "None."));
        return;
    }
    for (l, facts) in found.values() {
        let rule = report.rule(l);
        let doc = report.document(l);
        let place = match (report.project_name(l), lang) {
            (Some(p), Lang::Zh) => format!("项目 {p}"),
            (Some(p), Lang::En) => format!("project {p}"),
            (None, Lang::Zh) => "企业整体".to_owned(),
            (None, Lang::En) => "the firm".to_owned(),
        };
        ui.label(
            RichText::new(format!(
                "{}（{} {}）· {place}",
                rule.title.get(lang),
                doc.number,
                rule.clause
            ))
            .strong(),
        );
        let names: Vec<&str> = facts
            .iter()
            .filter_map(|s| catalog.decls.get(*s).map(|d| d.label.get(lang)))
            .collect();
        ui.label(format!(
            "    {}{}",
            t(lang, "尚缺事项：", "Facts still missing: "),
            names.join(t(lang, "；", "; "))
        ));
        ui.label(format!(
            "    {}{}",
            t(lang, "牵头单位：", "Lead agency: "),
            leads(report, rule, lang)
        ));
    }
}
