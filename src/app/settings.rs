//! Settings: the 口径 (alternative readings, with the exchange rate where one applies) and
//! a custom rule-pack folder, always marked as not the official set.

use std::collections::HashMap;
use std::path::PathBuf;

use egui::{Color32, RichText};

use crate::messages::t;
use crate::report::SelectedReading;

use super::IncentivesApp;

#[derive(Default)]
pub struct SettingsState {
    /// Parameter text per reading id.
    params: HashMap<String, String>,
    param_errors: HashMap<String, String>,
    folder: String,
}

pub fn settings_ui(app: &mut IncentivesApp, ui: &mut egui::Ui) {
    let lang = app.lang;
    egui::ScrollArea::vertical()
        .id_salt("settings_scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.heading(t(lang, "口径", "Readings (口径)"));
            ui.label(t(
                lang,
                "默认采用政策原文及分析目录推荐的口径；勾选即改用备选口径，所有输出都会注明。",
                "The default follows the text and the catalogue's recommended reading; tick one to use its alternative, which every output then names.",
            ));
            let base = app.rules.base.clone();
            let mut changed = false;
            for doc in &base.documents {
                for r in &doc.readings {
                    let selected = app.doc.options.reading(&r.id).is_some();
                    let mut on = selected;
                    ui.group(|ui| {
                        ui.horizontal_wrapped(|ui| {
                            ui.checkbox(&mut on, RichText::new(r.title.get(lang)).strong());
                            ui.label(RichText::new(format!("（{}）", doc.number)).weak());
                        });
                        ui.label(format!(
                            "{}{}",
                            t(lang, "默认：", "Default: "),
                            r.default.get(lang)
                        ));
                        ui.label(format!(
                            "{}{}",
                            t(lang, "备选：", "Alternative: "),
                            r.alternative.get(lang)
                        ));
                        if let Some(p) = &r.param {
                            ui.horizontal(|ui| {
                                ui.label(format!("{}（{}）", p.label.get(lang), p.unit.label(lang)));
                                let text = app
                                    .settings
                                    .params
                                    .entry(r.id.clone())
                                    .or_insert_with(|| {
                                        app.doc
                                            .options
                                            .reading(&r.id)
                                            .and_then(|s| s.param)
                                            .map(|v| v.to_string())
                                            .unwrap_or_default()
                                    });
                                let edit = ui
                                    .add(egui::TextEdit::singleline(text).desired_width(90.0))
                                    .accessible_name(p.label.get(lang));
                                if edit.changed() && on {
                                    changed = true;
                                }
                            });
                            if let Some(e) = app.settings.param_errors.get(&r.id) {
                                ui.colored_label(Color32::from_rgb(0xb0, 0x30, 0x20), e);
                            }
                        }
                    });
                    if on != selected {
                        changed = true;
                    }
                    if changed {
                        apply_reading(app, &r.id, on, r.param.is_some());
                        changed = false;
                    }
                }
            }
            ui.separator();
            ui.heading(t(lang, "规则包", "Rule packs"));
            match &app.rules.custom {
                None => {
                    ui.label(t(
                        lang,
                        "正在使用程序内置的官方规则包。",
                        "Using the official rule packs built into the program.",
                    ));
                }
                Some(dir) => {
                    ui.colored_label(
                        Color32::from_rgb(0xc0, 0x60, 0x00),
                        format!(
                            "{}{}",
                            t(lang, "⚠ 正在使用自定义规则包（非官方）：", "⚠ Using custom rule packs (not the official set): "),
                            dir.display()
                        ),
                    );
                    if ui.button(t(lang, "恢复内置规则包", "Back to the built-in packs")).clicked() {
                        app.use_embedded_rules();
                    }
                }
            }
            ui.horizontal(|ui| {
                ui.label(t(lang, "规则包文件夹：", "Rule-pack folder:"));
                ui.add(egui::TextEdit::singleline(&mut app.settings.folder).desired_width(320.0))
                    .accessible_name(t(lang, "规则包文件夹", "Rule-pack folder"));
                if ui.button(t(lang, "加载", "Load")).clicked() {
                    let dir = PathBuf::from(app.settings.folder.trim());
                    app.load_custom_rules(dir);
                }
            });
            for e in &app.rules.errors {
                ui.colored_label(Color32::from_rgb(0xb0, 0x30, 0x20), e);
            }
            if !app.rules.errors.is_empty() {
                ui.label(t(
                    lang,
                    "该文件夹未加载；继续使用当前规则包。",
                    "That folder was not loaded; the rule packs in use stay.",
                ));
            }
        });
}

/// Selects or clears an alternative reading, with its parameter where it takes one.
fn apply_reading(app: &mut IncentivesApp, id: &str, on: bool, takes_param: bool) {
    let lang = app.lang;
    app.doc.options.readings.retain(|r| r.id != id);
    app.settings.param_errors.remove(id);
    if on {
        let param = if takes_param {
            let text = app.settings.params.get(id).cloned().unwrap_or_default();
            match crate::money::parse_written(&text) {
                Ok(w) => Some(w.value),
                Err(e) => {
                    app.settings
                        .param_errors
                        .insert(id.to_owned(), e.message(&text, lang));
                    return;
                }
            }
        } else {
            None
        };
        app.doc.options.readings.push(SelectedReading {
            id: id.to_owned(),
            param,
        });
    }
    app.doc.recompute(&app.rules.base, lang);
}
