//! New, Open, Save, Save As: the same RON project files as the command line. Native dialogs
//! (rfd) where the desktop offers them, a typed path where it does not; saves are atomic; no
//! unsaved change is lost without a question.

use std::io::Write;
use std::path::{Path, PathBuf};

use crate::lang::Lang;
use crate::load::RuleBase;
use crate::messages::t;
use crate::project::{parse_project, read_project_text, ProjectFile};

use super::{IncentivesApp, Scenario};

/// What the user asked for that may discard unsaved changes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    New,
    Open,
    OpenPath(PathBuf),
    Quit,
}

/// What a chosen path is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    Open,
    Save,
    /// Export the report in one of the formats officers exchange.
    Export(Export),
}

/// The export formats of the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Export {
    Pdf,
    Xlsx,
    Csv,
}

impl Export {
    fn extension(self) -> &'static str {
        match self {
            Export::Pdf => "pdf",
            Export::Xlsx => "xlsx",
            Export::Csv => "csv",
        }
    }
}

/// Dialog state.
#[derive(Default)]
pub struct FilesState {
    /// Use the desktop's file dialogs (off in tests and where no portal answers).
    pub native_dialogs: bool,
    /// An action waiting for "discard unsaved changes?".
    pub pending: Option<Action>,
    /// The typed-path window and what the path is for.
    pub path_prompt: Option<Purpose>,
    pub typed_path: String,
    /// The user agreed to close with unsaved changes.
    pub closing_confirmed: bool,
}

/// A new project: one firm, no projects yet, this year.
pub fn blank_project() -> ProjectFile {
    ProjectFile::new("新企业")
}

/// Reads and parses a project file (at most 64 MiB, UTF-8); the error is one line, in `lang`.
pub fn read_project(path: &Path, base: &RuleBase, lang: Lang) -> Result<ProjectFile, String> {
    let name = path.display().to_string();
    let text = read_project_text(path, &name).map_err(|e| e.render(lang))?;
    parse_project(&name, &text, base).map_err(|e| e.render(lang))
}

/// The steps of an atomic write that can fail: writing the temporary file, and putting it
/// in place. [`write_atomic`] takes the system's; a test puts a failing one in between to
/// show that an interrupted save leaves the previous file as it was.
pub trait WriteSteps {
    /// Writes `contents` to the freshly created temporary file and makes it durable.
    fn write(&mut self, file: &mut std::fs::File, contents: &[u8]) -> std::io::Result<()> {
        file.write_all(contents)?;
        file.sync_all()
    }

    /// Replaces `path` by the written temporary file `tmp`.
    fn rename(&mut self, tmp: &Path, path: &Path) -> std::io::Result<()> {
        std::fs::rename(tmp, path)
    }
}

/// The system's own steps.
pub struct SystemSteps;

impl WriteSteps for SystemSteps {}

/// Writes `contents` to `path` atomically: a temporary file beside it, written and synced,
/// then a rename, so a crash, a full disk or a failed step never leaves half a file (a
/// project, a spreadsheet, a PDF) and the previous file stays whole until the new one
/// replaces it. A path that is not a regular file (`/dev/stdout`, a pipe) is written in
/// place, since it cannot be replaced.
pub fn write_atomic(path: &Path, contents: impl AsRef<[u8]>) -> std::io::Result<()> {
    write_atomic_with(path, contents.as_ref(), &mut SystemSteps)
}

/// [`write_atomic`] with the steps given.
pub fn write_atomic_with(
    path: &Path,
    contents: &[u8],
    steps: &mut dyn WriteSteps,
) -> std::io::Result<()> {
    // Through a link, the file it points to is replaced and the link stays.
    let linked;
    let path = match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => {
            linked = std::fs::canonicalize(path)?;
            linked.as_path()
        }
        _ => path,
    };
    let previous = std::fs::metadata(path).ok();
    if let Some(meta) = &previous {
        if meta.is_dir() {
            return Err(std::io::Error::from(std::io::ErrorKind::IsADirectory));
        }
        if !meta.is_file() {
            let mut device = std::fs::OpenOptions::new().write(true).open(path)?;
            device.write_all(contents)?;
            return device.flush();
        }
    }
    let dir = path.parent().filter(|d| !d.as_os_str().is_empty());
    let name = path.file_name().map_or_else(
        || "project.ron".into(),
        |n| n.to_string_lossy().into_owned(),
    );
    // A name no other write uses at the same time; `create_new` never follows a link left
    // in its place.
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let tmp_name = format!(".{name}.{}-{n}.tmp", std::process::id());
    let tmp = match dir {
        Some(d) => d.join(tmp_name),
        None => PathBuf::from(tmp_name),
    };
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)?;
    if let Some(meta) = &previous {
        // The replacement keeps the permissions of the file it replaces.
        let _ = file.set_permissions(meta.permissions());
    }
    let written = steps.write(&mut file, contents);
    drop(file);
    written
        .and_then(|()| steps.rename(&tmp, path))
        .inspect_err(|_| {
            let _ = std::fs::remove_file(&tmp);
        })?;
    sync_dir(dir);
    Ok(())
}

/// Makes a rename durable: the folder's entry is synced too (where the system allows it).
fn sync_dir(dir: Option<&Path>) {
    #[cfg(unix)]
    if let Ok(d) = std::fs::File::open(dir.unwrap_or(Path::new("."))) {
        let _ = d.sync_all();
    }
    #[cfg(not(unix))]
    let _ = dir;
}

/// Saves to the current path, or asks for one (`as_new`, or no path yet).
pub fn save(app: &mut IncentivesApp, as_new: bool) {
    let path = match (&app.doc.path, as_new) {
        (Some(p), false) => Some(p.clone()),
        _ => pick(app, false),
    };
    match path {
        Some(p) => save_to(app, &p),
        // No desktop dialog here (or it was cancelled): the path can be typed.
        None => {
            app.files.typed_path = app
                .doc
                .path
                .as_ref()
                .map(|p| p.display().to_string())
                .unwrap_or_default();
            app.files.path_prompt = Some(Purpose::Save);
        }
    }
}

/// Saves the project to `path` and remembers it.
pub fn save_to(app: &mut IncentivesApp, path: &Path) {
    let text = app.doc.project.to_ron(&app.rules.base.catalog);
    match write_atomic(path, &text) {
        Ok(()) => {
            app.doc.path = Some(path.to_path_buf());
            app.doc.dirty = false;
            let m = format!("{}{}", t(app.lang, "已保存 ", "Saved "), path.display());
            app.say(m, false);
        }
        Err(e) => {
            let m = format!(
                "{}: {}{e}",
                path.display(),
                t(app.lang, "保存失败：", "could not save: ")
            );
            app.say(m, true);
        }
    }
}

/// A native dialog's choice, or `None` (no dialog here, or cancelled).
fn pick(app: &IncentivesApp, open: bool) -> Option<PathBuf> {
    pick_for(app, if open { Purpose::Open } else { Purpose::Save })
}

fn pick_for(app: &IncentivesApp, purpose: Purpose) -> Option<PathBuf> {
    if !app.files.native_dialogs {
        return None;
    }
    let lang = app.lang;
    match purpose {
        Purpose::Open => rfd::FileDialog::new()
            .add_filter(t(lang, "项目文件 (RON)", "Project file (RON)"), &["ron"])
            .pick_file(),
        Purpose::Save => rfd::FileDialog::new()
            .add_filter(t(lang, "项目文件 (RON)", "Project file (RON)"), &["ron"])
            .set_file_name("project.ron")
            .save_file(),
        Purpose::Export(e) => rfd::FileDialog::new()
            .add_filter(e.extension(), &[e.extension()])
            .set_file_name(format!("report.{}", e.extension()))
            .save_file(),
    }
}

/// Exports the current report; asks for a path (a dialog, or a typed path).
pub fn export(app: &mut IncentivesApp, format: Export) {
    match pick_for(app, Purpose::Export(format)) {
        Some(p) => export_to(app, format, &p),
        None => {
            app.files.typed_path = format!("report.{}", format.extension());
            app.files.path_prompt = Some(Purpose::Export(format));
        }
    }
}

/// Writes the current report to `path` in `format`, atomically.
pub fn export_to(app: &mut IncentivesApp, format: Export, path: &Path) {
    let lang = app.lang;
    let Some(report) = &app.doc.report else {
        app.say(
            t(lang, "尚无结果可导出", "No results to export yet").to_owned(),
            true,
        );
        return;
    };
    let bytes: Result<Vec<u8>, String> = match format {
        Export::Pdf => report_pdf(app),
        Export::Csv => Ok(crate::render::csv::to_csv(report, lang).into_bytes()),
        Export::Xlsx => crate::render::xlsx::to_xlsx(report, lang).map_err(|e| e.to_string()),
    };
    let result = bytes.and_then(|b| write_atomic(path, b).map_err(|e| e.to_string()));
    match result {
        Ok(()) => {
            let m = format!("{}{}", t(lang, "已导出 ", "Exported "), path.display());
            app.say(m, false);
        }
        Err(e) => {
            let m = format!(
                "{}: {}{e}",
                path.display(),
                t(lang, "导出失败：", "could not export: ")
            );
            app.say(m, true);
        }
    }
}

/// Asks before an action that would lose unsaved changes; runs it at once otherwise.
pub fn request(app: &mut IncentivesApp, action: Action) {
    if app.doc.dirty {
        app.files.pending = Some(action);
    } else {
        perform(app, action);
    }
}

fn perform(app: &mut IncentivesApp, action: Action) {
    match action {
        Action::New => {
            app.doc = Scenario::new(blank_project());
            app.form.reset();
            app.recompute();
        }
        Action::Open => match pick(app, true) {
            Some(p) => app.open_path(&p),
            None => {
                app.files.typed_path.clear();
                app.files.path_prompt = Some(Purpose::Open);
            }
        },
        Action::OpenPath(p) => app.open_path(&p),
        Action::Quit => {
            app.files.closing_confirmed = true;
            app.doc.dirty = false;
        }
    }
}

/// The "unsaved changes" question and the typed-path window.
pub fn dialogs_ui(app: &mut IncentivesApp, ctx: &egui::Context) {
    let lang = app.lang;
    if let Some(action) = app.files.pending.clone() {
        let mut choice = None;
        egui::Modal::new(egui::Id::unique("unsaved")).show(ctx, |ui| {
            ui.heading(t(lang, "有未保存的修改", "Unsaved changes"));
            ui.label(t(
                lang,
                "当前项目的修改尚未保存。是否先保存？",
                "The current project has changes that are not saved. Save them first?",
            ));
            ui.horizontal(|ui| {
                if ui.button(t(lang, "保存", "Save")).clicked() {
                    choice = Some(0);
                }
                if ui.button(t(lang, "不保存", "Discard")).clicked() {
                    choice = Some(1);
                }
                if ui.button(t(lang, "取消", "Cancel")).clicked() {
                    choice = Some(2);
                }
            });
        });
        match choice {
            Some(0) => {
                app.files.pending = None;
                save(app, false);
                if !app.doc.dirty {
                    perform(app, action.clone());
                    if action == Action::Quit {
                        ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                    }
                }
            }
            Some(1) => {
                app.files.pending = None;
                app.doc.dirty = false;
                perform(app, action.clone());
                if action == Action::Quit {
                    ctx.send_viewport_cmd(egui::ViewportCommand::Close);
                }
            }
            Some(_) => app.files.pending = None,
            None => {}
        }
    }
    if let Some(purpose) = app.files.path_prompt {
        let open = purpose == Purpose::Open;
        let title = match purpose {
            Purpose::Open => t(lang, "打开项目文件", "Open a project file"),
            Purpose::Save => t(lang, "保存项目文件", "Save the project file"),
            Purpose::Export(_) => t(lang, "导出测算结果", "Export the results"),
        };
        let mut done = None;
        egui::Window::new(title)
            .collapsible(false)
            .resizable(false)
            .show(ctx, |ui| {
                let label = ui.label(t(lang, "文件路径：", "File path:"));
                let edit = ui
                    .add(
                        egui::TextEdit::singleline(&mut app.files.typed_path)
                            .desired_width(420.0)
                            .hint_text("/home/…/project.ron"),
                    )
                    .labelled_by(label.id);
                let enter = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Enter));
                ui.horizontal(|ui| {
                    let ok = ui.button(if open {
                        t(lang, "打开", "Open")
                    } else {
                        t(lang, "保存", "Save")
                    });
                    if ok.clicked() || enter {
                        done = Some(true);
                    }
                    if ui.button(t(lang, "取消", "Cancel")).clicked() {
                        done = Some(false);
                    }
                });
            });
        match done {
            Some(true) => {
                app.files.path_prompt = None;
                let p = PathBuf::from(app.files.typed_path.trim());
                match purpose {
                    Purpose::Open => app.open_path(&p),
                    Purpose::Save => save_to(app, &p),
                    Purpose::Export(format) => export_to(app, format, &p),
                }
            }
            Some(false) => app.files.path_prompt = None,
            None => {}
        }
    }
}

/// The printed report of the current project, as PDF bytes.
fn report_pdf(app: &IncentivesApp) -> Result<Vec<u8>, String> {
    let Some(report) = &app.doc.report else {
        return Err(t(app.lang, "尚无结果", "No results yet").to_owned());
    };
    let file_name = app
        .doc
        .path
        .as_ref()
        .and_then(|p| p.file_name())
        .map(|n| n.to_string_lossy().into_owned());
    let meta = crate::render::pdf::PdfMeta::new(
        &crate::render::pdf::today_utc(),
        file_name.as_deref(),
        Some(&app.doc.project),
    );
    crate::render::pdf::report_pdf(report, app.lang, &meta).map_err(|e| e.to_string())
}

/// Prints the report: hands the PDF to the system print service (`lp`) where there is
/// one, otherwise opens it in the default viewer.
pub fn print(app: &mut IncentivesApp) {
    let lang = app.lang;
    let bytes = match report_pdf(app) {
        Ok(b) => b,
        Err(e) => {
            app.say(e, true);
            return;
        }
    };
    let path = std::env::temp_dir().join(format!("incentives-report-{}.pdf", std::process::id()));
    if let Err(e) = write_atomic(&path, bytes) {
        app.say(format!("{}: {e}", path.display()), true);
        return;
    }
    let printed = std::process::Command::new("lp").arg(&path).status();
    let message = match printed {
        Ok(s) if s.success() => format!(
            "{}{}",
            t(lang, "已送交打印：", "Sent to the printer: "),
            path.display()
        ),
        _ => {
            let opener = if cfg!(target_os = "macos") {
                "open"
            } else if cfg!(windows) {
                "explorer"
            } else {
                "xdg-open"
            };
            match std::process::Command::new(opener).arg(&path).spawn() {
                Ok(_) => format!(
                    "{}{}",
                    t(
                        lang,
                        "没有打印服务，已在查看器中打开：",
                        "No print service; opened in the viewer: "
                    ),
                    path.display()
                ),
                Err(_) => format!(
                    "{}{}",
                    t(
                        lang,
                        "没有打印服务，报告已保存：",
                        "No print service; the report is saved at "
                    ),
                    path.display()
                ),
            }
        }
    };
    app.say(message, false);
}
