//! What-if: how the answer moves with one figure.

use crate::messages::t;

use super::IncentivesApp;

#[derive(Default)]
pub struct WhatIfState {}

pub fn whatif_ui(app: &mut IncentivesApp, ui: &mut egui::Ui) {
    ui.label(t(app.lang, "假设分析", "What-if"));
}

/// How far the next tier is, for every rule with thresholds (filled in by the insight module).
pub fn next_tiers_ui(
    ui: &mut egui::Ui,
    _base: &std::sync::Arc<crate::load::RuleBase>,
    _doc: &super::Scenario,
    _report: &crate::report::Report,
    _lang: crate::lang::Lang,
) {
    ui.label("");
}
