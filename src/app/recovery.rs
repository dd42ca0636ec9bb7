//! Recovery copies: unsaved work survives a crash. While the project has unsaved changes,
//! a copy is written (atomically, at most every [`Recovery::interval`]) to a folder beside
//! the app's stored settings; it is removed when the work is saved or discarded and when
//! the window closes cleanly. A copy left by a window that did not close cleanly is offered
//! on the next start: restore it or discard it.
//!
//! Each window writes its own copy and holds a lock on a file beside it while it runs, so
//! two windows open at once never take each other's copy for a crashed one: the system
//! releases the lock of a process that dies, and a copy whose lock is free is orphaned.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::lang::Lang;
use crate::messages::t;
use crate::project::{parse_project, ProjectFile};

use super::files::write_atomic;
use super::{IncentivesApp, Scenario};

/// What a copy holds: the project as RON and the file it belongs to.
#[derive(serde::Serialize, serde::Deserialize)]
struct Copy {
    path: Option<String>,
    project: String,
}

/// The largest copy read back (as large as a project file may be, with room for quoting).
const MAX_COPY_BYTES: u64 = 2 * crate::project::MAX_PROJECT_BYTES;

/// A copy left by a window that did not close cleanly.
pub struct Orphan {
    copy: PathBuf,
    /// Held while the copy is offered, so a second window does not offer it too.
    lock: Option<File>,
    /// The file the work belongs to, if it had one.
    pub path: Option<PathBuf>,
    /// The work, or why it cannot be read with the rule packs in use.
    pub project: Result<ProjectFile, String>,
}

/// This window's recovery copy and the orphaned copies found at start.
pub struct Recovery {
    dir: PathBuf,
    /// This window's copy (`recovery-PID-N.ron`) and its lock file.
    copy: PathBuf,
    lock: Option<File>,
    /// The evaluation generation last written, while a copy exists.
    written: Option<u64>,
    last_write: Option<Instant>,
    /// The shortest time between two writes of the copy.
    pub interval: Duration,
    /// Orphaned copies, offered one at a time.
    pub orphans: Vec<Orphan>,
    /// Why the last write failed (shown once in the status bar).
    pub failed: Option<String>,
}

fn lock_path(copy: &Path) -> PathBuf {
    copy.with_extension("lock")
}

impl Recovery {
    /// Recovery copies in `dir` (created when missing); collects the orphaned ones, read
    /// against `app`'s rule packs.
    pub fn in_dir(dir: PathBuf, app: &IncentivesApp) -> std::io::Result<Recovery> {
        std::fs::create_dir_all(&dir)?;
        static WINDOW: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = WINDOW.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let copy = dir.join(format!("recovery-{}-{n}.ron", std::process::id()));
        let mut orphans = Vec::new();
        let mut copies: Vec<PathBuf> = std::fs::read_dir(&dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                p.extension().is_some_and(|x| x == "ron")
                    && p.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with("recovery-"))
            })
            .collect();
        copies.sort();
        for c in copies {
            if c == copy {
                continue;
            }
            let Some(lock) = take_lock(&lock_path(&c)) else {
                // Another window is running and owns this copy.
                continue;
            };
            orphans.push(read_orphan(c, lock, app));
        }
        Ok(Recovery {
            dir,
            copy,
            lock: None,
            written: None,
            last_write: None,
            interval: Duration::from_secs(2),
            orphans,
            failed: None,
        })
    }

    /// The folder the copies are kept in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// This window's copy, whether or not it exists now.
    pub fn copy_path(&self) -> &Path {
        &self.copy
    }

    /// Writes the copy of `doc` now.
    fn write(&mut self, doc: &Scenario, app_catalog: &crate::inputs::InputCatalog) {
        if self.lock.is_none() {
            // The lock first, so no other window ever sees this copy unowned.
            self.lock = take_lock(&lock_path(&self.copy));
        }
        let copy = Copy {
            path: doc.path.as_ref().map(|p| p.to_string_lossy().into_owned()),
            project: doc.project.to_ron(app_catalog),
        };
        let text = ron::ser::to_string_pretty(&copy, ron::ser::PrettyConfig::default())
            .unwrap_or_default();
        match write_atomic(&self.copy, text) {
            Ok(()) => {
                self.written = Some(doc.generation);
                self.failed = None;
            }
            Err(e) => self.failed = Some(format!("{}: {e}", self.copy.display())),
        }
        self.last_write = Some(Instant::now());
    }

    /// Removes this window's copy (the work was saved or discarded, or the window closes).
    pub fn remove_own(&mut self) {
        if self.written.take().is_some() {
            let _ = std::fs::remove_file(&self.copy);
        }
        if self.lock.take().is_some() {
            let _ = std::fs::remove_file(lock_path(&self.copy));
        }
    }

    /// Removes an orphan's copy and lock (restored or discarded).
    fn remove_orphan(orphan: Orphan) {
        let _ = std::fs::remove_file(&orphan.copy);
        let _ = std::fs::remove_file(lock_path(&orphan.copy));
        drop(orphan.lock);
    }
}

/// Takes the lock file's exclusive lock, or `None` if another process holds it.
fn take_lock(path: &Path) -> Option<File> {
    let file = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .ok()?;
    file.try_lock().ok()?;
    Some(file)
}

fn read_orphan(copy: PathBuf, lock: File, app: &IncentivesApp) -> Orphan {
    use std::io::Read;
    let mut text = String::new();
    let read = File::open(&copy)
        .and_then(|f| f.take(MAX_COPY_BYTES).read_to_string(&mut text))
        .map_err(|e| e.to_string());
    let parsed = read.and_then(|_| {
        crate::load::ron_options()
            .from_str::<Copy>(&text)
            .map_err(|e| e.to_string())
    });
    let (path, project) = match parsed {
        Ok(c) => {
            let name = c.path.clone().unwrap_or_else(|| "recovery".to_owned());
            let project =
                parse_project(&name, &c.project, &app.rules.base).map_err(|e| e.render(app.lang));
            (c.path.map(PathBuf::from), project)
        }
        Err(e) => (None, Err(format!("{}: {e}", copy.display()))),
    };
    Orphan {
        copy,
        lock: Some(lock),
        path,
        project,
    }
}

/// Once a frame: keeps this window's copy in step with unsaved work (at most every
/// `interval`; a repaint is asked for when a write waits), and removes it once the work is
/// saved or discarded.
pub fn tick(app: &mut IncentivesApp, ctx: &egui::Context) {
    let Some(rec) = app.recovery.as_mut() else {
        return;
    };
    if !app.doc.dirty {
        rec.remove_own();
        return;
    }
    if rec.written == Some(app.doc.generation) {
        return;
    }
    let wait = rec.last_write.map_or(Duration::ZERO, |at| {
        rec.interval.saturating_sub(at.elapsed())
    });
    if wait.is_zero() {
        rec.write(&app.doc, &app.rules.base.catalog);
        if let Some(e) = rec.failed.clone() {
            let m = format!(
                "{}{e}",
                t(
                    app.lang,
                    "无法写入恢复副本：",
                    "could not write the recovery copy: "
                )
            );
            app.say(m, true);
        }
    } else {
        ctx.request_repaint_after(wait);
    }
}

/// The question after a crash: restore the unsaved work or discard it.
pub fn prompt_ui(app: &mut IncentivesApp, ctx: &egui::Context) {
    let lang = app.lang;
    let Some(orphan) = app.recovery.as_ref().and_then(|r| r.orphans.first()) else {
        return;
    };
    let file = orphan.path.as_ref().map_or_else(
        || t(lang, "未命名项目", "an untitled project").to_owned(),
        |p| {
            p.file_name()
                .map_or_else(|| p.display().to_string(), |n| n.to_string_lossy().into())
        },
    );
    let file = crate::visible::visible(&file).into_owned();
    let mut choice = None;
    egui::Modal::new(egui::Id::unique("recovery")).show(ctx, |ui| {
        ui.heading(t(lang, "发现未保存的工作", "Unsaved work found"));
        match &orphan.project {
            Ok(p) => {
                let firm = crate::visible::visible(&p.subject.name).into_owned();
                ui.label(match lang {
                    Lang::Zh => format!(
                        "上次窗口未正常关闭，{firm}（{file}）的修改尚未保存。是否恢复这些修改？"
                    ),
                    Lang::En => format!(
                        "The window did not close normally last time: changes to {firm} ({file}) were not saved. Restore them?"
                    ),
                });
                ui.horizontal(|ui| {
                    if ui.button(t(lang, "恢复", "Restore")).clicked() {
                        choice = Some(Choice::Restore);
                    }
                    if ui.button(t(lang, "丢弃", "Discard")).clicked() {
                        choice = Some(Choice::Discard);
                    }
                });
            }
            Err(e) => {
                ui.label(match lang {
                    Lang::Zh => format!(
                        "上次窗口未正常关闭，留下的恢复副本（{file}）无法读取：{e}"
                    ),
                    Lang::En => format!(
                        "The window did not close normally last time, and its recovery copy ({file}) cannot be read: {e}"
                    ),
                });
                ui.horizontal(|ui| {
                    if ui.button(t(lang, "丢弃", "Discard")).clicked() {
                        choice = Some(Choice::Discard);
                    }
                    if ui.button(t(lang, "稍后再说", "Keep it for later")).clicked() {
                        choice = Some(Choice::Keep);
                    }
                });
            }
        }
    });
    match choice {
        Some(Choice::Restore) => restore(app),
        Some(Choice::Discard) => discard(app),
        Some(Choice::Keep) => keep_for_later(app),
        None => {}
    }
}

enum Choice {
    Restore,
    Discard,
    Keep,
}

/// Takes the first orphan's work as the open project, unsaved; its copy then goes.
pub fn restore(app: &mut IncentivesApp) {
    let Some(rec) = app.recovery.as_mut() else {
        return;
    };
    if rec.orphans.is_empty() {
        return;
    }
    let orphan = rec.orphans.remove(0);
    let Orphan { project, path, .. } = &orphan;
    if let Ok(p) = project {
        app.doc = Scenario::new(p.clone());
        app.doc.path = path.clone();
        app.doc.dirty = true;
        app.form.reset();
        app.recompute();
        // This window's own copy exists before the orphan's goes.
        if let Some(rec) = app.recovery.as_mut() {
            rec.write(&app.doc, &app.rules.base.catalog);
        }
        let m = format!(
            "{}{}",
            t(
                app.lang,
                "已恢复未保存的工作；请保存",
                "Unsaved work restored; save it"
            ),
            path.as_ref()
                .map(|p| format!(" → {}", p.display()))
                .unwrap_or_default()
        );
        app.say(m, false);
    }
    Recovery::remove_orphan(orphan);
}

/// Deletes the first orphan's copy.
pub fn discard(app: &mut IncentivesApp) {
    if let Some(rec) = app.recovery.as_mut() {
        if !rec.orphans.is_empty() {
            Recovery::remove_orphan(rec.orphans.remove(0));
        }
    }
}

/// Leaves the first orphan's copy on disk, offered again at the next start.
fn keep_for_later(app: &mut IncentivesApp) {
    if let Some(rec) = app.recovery.as_mut() {
        if !rec.orphans.is_empty() {
            let orphan = rec.orphans.remove(0);
            drop(orphan.lock);
        }
    }
}
