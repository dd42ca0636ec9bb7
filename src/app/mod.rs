//! The desktop app: enter a project, see the answer first and every line explained, compare
//! offers and scenarios, print. It lives in the library so that tests drive it headless
//! (egui_kittest); the binary only starts it. Every figure and sentence comes from the
//! report and the message catalogue: the app computes nothing of its own.

pub mod compare;
pub mod files;
pub mod form;
pub mod officer;
pub mod recovery;
pub mod results;
pub mod selfcheck;
pub mod settings;
pub mod whatif;

use std::path::PathBuf;
use std::sync::Arc;

use egui::{Color32, RichText};

use crate::engine::evaluate;
use crate::lang::Lang;
use crate::load::{load_embedded, RuleBase};
use crate::messages::{eval_error, t};
use crate::project::ProjectFile;
use crate::report::{EvalOptions, Report};

/// The font every text is drawn with: a subset of Noto Sans CJK SC (SIL OFL 1.1).
const CJK_FONT: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-Subset.otf");

/// Adds the bundled CJK font behind egui's own fonts, so Latin keeps egui's look and every
/// Chinese character has a glyph.
pub fn install_fonts(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    fonts.font_data.insert(
        "noto_sans_sc".to_owned(),
        Arc::new(egui::FontData::from_static(CJK_FONT)),
    );
    for family in [egui::FontFamily::Proportional, egui::FontFamily::Monospace] {
        fonts
            .families
            .entry(family)
            .or_default()
            .push("noto_sans_sc".to_owned());
    }
    ctx.set_fonts(fonts);
}

/// One project with its options and its last valid report.
pub struct Scenario {
    pub project: ProjectFile,
    /// Where the project was read from or last saved to.
    pub path: Option<PathBuf>,
    /// Changed since it was opened or saved.
    pub dirty: bool,
    pub options: EvalOptions,
    /// The last report that could be computed; kept while an input is invalid.
    pub report: Option<Report>,
    /// Why the current inputs cannot be evaluated (in the language shown).
    pub error: Option<String>,
    /// Counts evaluations, so views that derive from the report know when to redo it.
    pub generation: u64,
}

impl Scenario {
    pub fn new(project: ProjectFile) -> Scenario {
        Scenario {
            project,
            path: None,
            dirty: false,
            options: EvalOptions::default(),
            report: None,
            error: None,
            generation: 0,
        }
    }

    /// Evaluates the project again; on an error the previous report stays on screen.
    pub fn recompute(&mut self, base: &Arc<RuleBase>, lang: Lang) {
        self.generation += 1;
        match evaluate(base, &self.project, &self.options) {
            Ok(r) => {
                self.report = Some(r);
                self.error = None;
            }
            Err(e) => self.error = Some(eval_error(&e, lang)),
        }
    }
}

/// The views of the central panel.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum View {
    Results,
    Officer,
    SelfCheck,
    WhatIf,
    Compare,
    Settings,
}

impl View {
    pub fn label(self, lang: Lang) -> &'static str {
        match self {
            View::Results => t(lang, "测算结果", "Results"),
            View::Officer => t(lang, "协商额", "Offers"),
            View::SelfCheck => t(lang, "企业自查", "Self-check"),
            View::WhatIf => t(lang, "假设分析", "What-if"),
            View::Compare => t(lang, "方案对比", "Scenarios"),
            View::Settings => t(lang, "设置", "Settings"),
        }
    }
}

/// The rule packs in use and where they came from.
pub struct Rules {
    pub base: Arc<RuleBase>,
    /// `None` for the packs embedded in the program (the official set).
    pub custom: Option<PathBuf>,
    /// Errors of the last custom folder tried (file:line:col), while the packs in use stay.
    pub errors: Vec<String>,
}

/// What the window keeps between runs (eframe persistence).
#[derive(serde::Serialize, serde::Deserialize, Default)]
pub struct Saved {
    pub lang: Option<String>,
    pub path: Option<PathBuf>,
    /// The project as RON, so unsaved work survives a restart.
    pub project: Option<String>,
    pub dirty: bool,
    pub custom_rules: Option<PathBuf>,
    pub readings: Vec<(String, Option<String>)>,
}

/// The whole app state.
pub struct IncentivesApp {
    pub lang: Lang,
    pub rules: Rules,
    pub doc: Scenario,
    /// The second scenario of the comparison, when there is one.
    pub b: Option<Scenario>,
    pub view: View,
    pub form: form::FormState,
    pub results: results::ResultsState,
    pub officer: officer::OfficerState,
    pub whatif: whatif::WhatIfState,
    pub settings: settings::SettingsState,
    pub files: files::FilesState,
    /// A one-line message in the status bar (saved, opened, an error).
    pub status: Option<(String, bool)>,
    /// The recovery copy of unsaved work, where there is a folder for it.
    pub recovery: Option<recovery::Recovery>,
}

impl IncentivesApp {
    /// The app on the embedded rule packs with an empty project.
    pub fn new() -> Result<IncentivesApp, String> {
        let base = Arc::new(load_embedded().map_err(|e| e.to_string())?);
        let mut app = IncentivesApp {
            lang: Lang::Zh,
            rules: Rules {
                base,
                custom: None,
                errors: Vec::new(),
            },
            doc: Scenario::new(files::blank_project()),
            b: None,
            view: View::Results,
            form: form::FormState::default(),
            results: results::ResultsState::default(),
            officer: officer::OfficerState::default(),
            whatif: whatif::WhatIfState::default(),
            settings: settings::SettingsState::default(),
            files: files::FilesState::default(),
            status: None,
            recovery: None,
        };
        app.recompute();
        Ok(app)
    }

    /// The app with `path` open (as `incentives PROJECT.ron` would).
    pub fn with_file(path: PathBuf) -> Result<IncentivesApp, String> {
        let mut app = IncentivesApp::new()?;
        app.open_path(&path);
        Ok(app)
    }

    /// Keeps recovery copies of unsaved work in `dir`, and offers any a crashed window left
    /// there.
    pub fn enable_recovery(&mut self, dir: PathBuf) {
        match recovery::Recovery::in_dir(dir, self) {
            Ok(r) => self.recovery = Some(r),
            Err(e) => self.say(
                format!(
                    "{}{e}",
                    t(
                        self.lang,
                        "无法保存恢复副本：",
                        "recovery copies cannot be kept: "
                    )
                ),
                true,
            ),
        }
    }

    /// Restores the last session where eframe kept one.
    pub fn restore(&mut self, saved: Saved) {
        if saved.lang.as_deref() == Some("en") {
            self.lang = Lang::En;
        }
        if let Some(dir) = saved.custom_rules {
            self.load_custom_rules(dir);
        }
        if let Some(text) = saved.project {
            let name = saved
                .path
                .as_ref()
                .map_or_else(|| "session".to_owned(), |p| p.display().to_string());
            if let Ok(p) = crate::project::parse_project(&name, &text, &self.rules.base) {
                self.doc = Scenario::new(p);
                self.doc.path = saved.path;
                self.doc.dirty = saved.dirty;
            }
        }
        self.doc.options.readings = saved
            .readings
            .into_iter()
            .filter_map(|(id, param)| {
                let param = match param {
                    Some(p) => Some(crate::money::parse_decimal(&p).ok()?),
                    None => None,
                };
                Some(crate::report::SelectedReading { id, param })
            })
            .collect();
        self.form.reset();
        self.recompute();
    }

    /// What to keep for the next session.
    pub fn saved(&self) -> Saved {
        Saved {
            lang: Some(if self.lang == Lang::En { "en" } else { "zh" }.to_owned()),
            path: self.doc.path.clone(),
            project: Some(self.doc.project.to_ron(&self.rules.base.catalog)),
            dirty: self.doc.dirty,
            custom_rules: self.rules.custom.clone(),
            readings: self
                .doc
                .options
                .readings
                .iter()
                .map(|r| (r.id.clone(), r.param.map(|p| p.to_string())))
                .collect(),
        }
    }

    /// Evaluates both scenarios again.
    pub fn recompute(&mut self) {
        self.doc.recompute(&self.rules.base, self.lang);
        if let Some(b) = &mut self.b {
            b.recompute(&self.rules.base, self.lang);
        }
    }

    /// Switches the language of every label, sentence and error.
    pub fn set_lang(&mut self, lang: Lang) {
        if self.lang != lang {
            self.lang = lang;
            self.form.reset();
            self.recompute();
        }
    }

    fn say(&mut self, message: String, error: bool) {
        self.status = Some((message, error));
    }

    /// Loads rule packs from `dir`; on an error the packs in use stay and the errors show.
    pub fn load_custom_rules(&mut self, dir: PathBuf) {
        match crate::load::load_dir(&dir) {
            Ok(base) => {
                self.rules.base = Arc::new(base);
                self.rules.custom = Some(dir);
                self.rules.errors.clear();
                self.reparse();
            }
            Err(e) => self.rules.errors = vec![e.to_string()],
        }
    }

    /// Back to the packs embedded in the program.
    pub fn use_embedded_rules(&mut self) {
        if let Ok(base) = load_embedded() {
            self.rules.base = Arc::new(base);
            self.rules.custom = None;
            self.rules.errors.clear();
            self.reparse();
        }
    }

    /// After the rule base changed, the project is read again against its catalogue (slots
    /// may differ between rule sets).
    fn reparse(&mut self) {
        let text = self.doc.project.to_ron(&self.rules.base.catalog);
        if let Ok(p) = crate::project::parse_project("project", &text, &self.rules.base) {
            self.doc.project = p;
        }
        self.form.reset();
        self.recompute();
    }

    /// The whole window.
    pub fn ui(&mut self, ui: &mut egui::Ui) {
        self.shortcuts(ui.ctx());
        self.dropped_files(ui.ctx());
        egui::Panel::top("menu").show(ui, |ui| self.menu_ui(ui));
        egui::Panel::bottom("status").show(ui, |ui| self.status_ui(ui));
        egui::Panel::left("form")
            .resizable(true)
            .default_size(430.0)
            .size_range(320.0..=760.0)
            .show(ui, |ui| {
                // The form scrolls itself, under its pinned search box.
                if form::form_ui(
                    ui,
                    &mut self.form,
                    &mut self.doc.project,
                    &self.rules.base.catalog,
                    self.lang,
                ) {
                    self.doc.dirty = true;
                    self.doc.recompute(&self.rules.base, self.lang);
                }
            });
        egui::CentralPanel::default_margins().show(ui, |ui| self.central_ui(ui));
        files::dialogs_ui(self, ui.ctx());
        results::source_window(self, ui.ctx());
        recovery::prompt_ui(self, ui.ctx());
        recovery::tick(self, ui.ctx());
    }

    fn central_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal_wrapped(|ui| {
            for v in [
                View::Results,
                View::Officer,
                View::SelfCheck,
                View::WhatIf,
                View::Compare,
                View::Settings,
            ] {
                ui.selectable_value(&mut self.view, v, v.label(self.lang));
            }
        });
        ui.separator();
        if let Some(e) = &self.doc.error {
            ui.colored_label(
                Color32::from_rgb(0xb0, 0x30, 0x20),
                format!(
                    "{}{e}",
                    t(
                        self.lang,
                        "当前输入无法测算，以下为上次有效结果：",
                        "The current inputs cannot be evaluated; showing the last valid results: "
                    )
                ),
            );
        }
        match self.view {
            View::Results => results::results_ui(self, ui),
            View::Officer => officer::officer_ui(self, ui),
            View::SelfCheck => selfcheck::selfcheck_ui(self, ui),
            View::WhatIf => whatif::whatif_ui(self, ui),
            View::Compare => compare::compare_ui(self, ui),
            View::Settings => settings::settings_ui(self, ui),
        }
    }

    fn menu_ui(&mut self, ui: &mut egui::Ui) {
        let lang = self.lang;
        egui::MenuBar::new().ui(ui, |ui| {
            ui.menu_button(t(lang, "文件", "File"), |ui| {
                if ui.button(t(lang, "新建  Ctrl+N", "New  Ctrl+N")).clicked() {
                    files::request(self, files::Action::New);
                    ui.close();
                }
                if ui
                    .button(t(lang, "打开…  Ctrl+O", "Open…  Ctrl+O"))
                    .clicked()
                {
                    files::request(self, files::Action::Open);
                    ui.close();
                }
                if ui.button(t(lang, "保存  Ctrl+S", "Save  Ctrl+S")).clicked() {
                    files::save(self, false);
                    ui.close();
                }
                if ui.button(t(lang, "另存为…", "Save As…")).clicked() {
                    files::save(self, true);
                    ui.close();
                }
                ui.separator();
                if ui.button(t(lang, "导出 PDF…", "Export PDF…")).clicked() {
                    files::export(self, files::Export::Pdf);
                    ui.close();
                }
                if ui.button(t(lang, "打印…", "Print…")).clicked() {
                    files::print(self);
                    ui.close();
                }
                if ui.button(t(lang, "导出 Excel…", "Export Excel…")).clicked() {
                    files::export(self, files::Export::Xlsx);
                    ui.close();
                }
                if ui.button(t(lang, "导出 CSV…", "Export CSV…")).clicked() {
                    files::export(self, files::Export::Csv);
                    ui.close();
                }
            });
            ui.menu_button(t(lang, "语言", "Language"), |ui| {
                if ui.radio(lang == Lang::Zh, "中文").clicked() {
                    self.set_lang(Lang::Zh);
                    ui.close();
                }
                if ui.radio(lang == Lang::En, "English").clicked() {
                    self.set_lang(Lang::En);
                    ui.close();
                }
            });
            ui.separator();
            let title = match &self.doc.path {
                Some(p) => p
                    .file_name()
                    .map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into()),
                None => t(lang, "未命名项目", "Untitled project").to_owned(),
            };
            let mark = if self.doc.dirty { " *" } else { "" };
            ui.label(RichText::new(format!("{title}{mark}")).strong());
            ui.label(format!(
                "· {}",
                crate::visible::visible(&self.doc.project.subject.name)
            ));
            if self.rules.custom.is_some() {
                ui.colored_label(
                    Color32::from_rgb(0xc0, 0x60, 0x00),
                    t(
                        lang,
                        "⚠ 使用自定义规则包，非官方内置规则",
                        "⚠ Custom rule packs: not the official set",
                    ),
                );
            }
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                let other = if lang == Lang::Zh {
                    "English"
                } else {
                    "中文"
                };
                if ui.button(other).clicked() {
                    self.set_lang(if lang == Lang::Zh { Lang::En } else { Lang::Zh });
                }
            });
        });
    }

    fn status_ui(&mut self, ui: &mut egui::Ui) {
        ui.horizontal(|ui| match &self.status {
            Some((m, true)) => {
                ui.colored_label(Color32::from_rgb(0xb0, 0x30, 0x20), m);
            }
            Some((m, false)) => {
                ui.label(m);
            }
            None => {
                ui.label(t(
                    self.lang,
                    "测算金额以牵头单位审核为准",
                    "Figures are estimates, subject to review by the lead agencies",
                ));
            }
        });
    }

    fn shortcuts(&mut self, ctx: &egui::Context) {
        use egui::{Key, KeyboardShortcut, Modifiers};
        let pressed = |key| {
            ctx.input_mut(|i| i.consume_shortcut(&KeyboardShortcut::new(Modifiers::COMMAND, key)))
        };
        if pressed(Key::N) {
            files::request(self, files::Action::New);
        }
        if pressed(Key::O) {
            files::request(self, files::Action::Open);
        }
        if pressed(Key::S) {
            files::save(self, false);
        }
        if pressed(Key::F) {
            self.form.focus_search();
        }
    }

    fn dropped_files(&mut self, ctx: &egui::Context) {
        let dropped: Vec<PathBuf> = ctx.input(|i| {
            i.raw
                .dropped_files
                .iter()
                .map(|f| f.path().to_path_buf())
                .collect()
        });
        if let Some(p) = dropped.into_iter().next() {
            files::request(self, files::Action::OpenPath(p));
        }
    }

    /// Opens a project file, or says why it cannot.
    pub fn open_path(&mut self, path: &std::path::Path) {
        match files::read_project(path, &self.rules.base, self.lang) {
            Ok(p) => {
                self.doc = Scenario::new(p);
                self.doc.path = Some(path.to_path_buf());
                self.form.reset();
                self.recompute();
                let m = format!("{}{}", t(self.lang, "已打开 ", "Opened "), path.display());
                self.say(m, false);
            }
            Err(e) => self.say(e, true),
        }
    }
}

/// The eframe shell: persistence and the close prompt around [`IncentivesApp::ui`].
pub struct DesktopApp {
    pub app: IncentivesApp,
}

impl eframe::App for DesktopApp {
    fn ui(&mut self, ui: &mut egui::Ui, _frame: &mut eframe::Frame) {
        if ui.ctx().input(|i| i.viewport().close_requested())
            && self.app.doc.dirty
            && !self.app.files.closing_confirmed
        {
            ui.ctx()
                .send_viewport_cmd(egui::ViewportCommand::CancelClose);
            files::request(&mut self.app, files::Action::Quit);
        }
        self.app.ui(ui);
    }

    fn save(&mut self, storage: &mut dyn eframe::Storage) {
        eframe::set_value(storage, eframe::APP_KEY, &self.app.saved());
    }

    /// A clean exit: this window's recovery copy goes.
    fn on_exit(&mut self, _gl: Option<&eframe::glow::Context>) {
        if let Some(r) = &mut self.app.recovery {
            r.remove_own();
        }
    }
}

/// Opens the window (optionally with a project file); returns when it is closed.
pub fn run(path: Option<PathBuf>) -> Result<(), String> {
    let options = eframe::NativeOptions {
        viewport: egui::ViewportBuilder::default()
            .with_title("招商引资政策兑现测算 · incentives")
            .with_inner_size([1400.0, 900.0])
            .with_min_inner_size([1024.0, 640.0])
            .with_drag_and_drop(true),
        ..Default::default()
    };
    let started = std::time::Instant::now();
    let mut options = options;
    options.persist_window = std::env::var_os("INCENTIVES_FIRST_FRAME").is_none();
    eframe::run_native(
        "incentives",
        options,
        Box::new(move |cc| {
            install_fonts(&cc.egui_ctx);
            let mut app = IncentivesApp::new().map_err(|e| e.to_string())?;
            app.files.native_dialogs = true;
            if let Some(saved) = cc
                .storage
                .and_then(|s| eframe::get_value::<Saved>(s, eframe::APP_KEY))
            {
                app.restore(saved);
            }
            if let Some(p) = &path {
                app.open_path(p);
            }
            if let Some(dir) = eframe::storage_dir("incentives") {
                app.enable_recovery(dir.join("recovery"));
            }
            if std::env::var_os("INCENTIVES_FIRST_FRAME").is_some() {
                // Start-to-first-frame measurement (docs/benchmarks.md): print and leave.
                let ctx = cc.egui_ctx.clone();
                let reported = std::sync::atomic::AtomicBool::new(false);
                ctx.on_end_pass(
                    "first-frame",
                    Arc::new(move |ctx| {
                        if !reported.swap(true, std::sync::atomic::Ordering::Relaxed) {
                            eprintln!("first frame after {} ms", started.elapsed().as_millis());
                            ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                        }
                    }),
                );
            }
            Ok(Box::new(DesktopApp { app }))
        }),
    )
    .map_err(|e| e.to_string())
}
