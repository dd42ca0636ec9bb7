//! No lost work: an interrupted save leaves the previous file whole, and unsaved work is
//! copied aside while the window is open, removed once saved, discarded or closed cleanly,
//! and offered after a crash (egui_kittest, no GPU). Figures by hand from 渝府办发〔2023〕65号
//! §13: 20,000,000 USD of foreign capital in 2024 gives at least 2%, 400,000 元.

use std::io::{ErrorKind, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use egui::Key;
use egui_kittest::kittest::Queryable;
use egui_kittest::Harness;
use incentives::app::files::{write_atomic, write_atomic_with, WriteSteps};
use incentives::app::{install_fonts, DesktopApp, IncentivesApp, Scenario};
use incentives::project::ProjectBuilder;
use rust_decimal::Decimal;

const FDI_2024: &str = "当年实际到位外资金额 2024";

fn scratch(name: &str) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("incentives-recovery-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

// ---- the atomic write --------------------------------------------------------------------

/// Writes half of the new text, then the disk is full.
struct DiskFullHalfway;

impl WriteSteps for DiskFullHalfway {
    fn write(&mut self, file: &mut std::fs::File, contents: &[u8]) -> std::io::Result<()> {
        file.write_all(&contents[..contents.len() / 2])?;
        Err(std::io::Error::from(ErrorKind::StorageFull))
    }
}

/// Writes the whole new text, then fails to put it in place; checks what is on disk at
/// that moment.
struct RenameFails {
    old: &'static str,
    new: &'static str,
}

impl WriteSteps for RenameFails {
    fn rename(&mut self, tmp: &Path, path: &Path) -> std::io::Result<()> {
        assert_eq!(std::fs::read_to_string(tmp).unwrap(), self.new);
        assert_eq!(std::fs::read_to_string(path).unwrap(), self.old);
        Err(std::io::Error::other("the machine lost power"))
    }
}

#[test]
fn an_interrupted_save_leaves_the_previous_file_whole() {
    const OLD: &str = "Project(subject: (name: \"旧的\"))\n";
    const NEW: &str = "Project(subject: (name: \"新的，尚未写完的内容\"))\n";
    let dir = scratch("atomic");
    let path = dir.join("project.ron");
    std::fs::write(&path, OLD).unwrap();

    let e = write_atomic_with(&path, NEW.as_bytes(), &mut DiskFullHalfway).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::StorageFull);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), OLD);
    assert_eq!(files_in(&dir), ["project.ron"], "no temporary file left");

    let mut steps = RenameFails { old: OLD, new: NEW };
    let e = write_atomic_with(&path, NEW.as_bytes(), &mut steps).unwrap_err();
    assert_eq!(e.to_string(), "the machine lost power");
    assert_eq!(std::fs::read_to_string(&path).unwrap(), OLD);
    assert_eq!(files_in(&dir), ["project.ron"]);

    // The system's steps replace it whole, keeping its permissions.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    write_atomic(&path, NEW).unwrap();
    assert_eq!(std::fs::read_to_string(&path).unwrap(), NEW);
    assert_eq!(files_in(&dir), ["project.ron"]);
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);

    // Through a link the file it points to is replaced and the link stays.
    let link = dir.join("link.ron");
    std::os::unix::fs::symlink(&path, &link).unwrap();
    write_atomic(&link, OLD).unwrap();
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), OLD);
    let _ = std::fs::remove_dir_all(&dir);
}

// ---- the app -----------------------------------------------------------------------------

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

/// The app with one new manufacturing project P1 (2024), keeping recovery copies in `dir`
/// and writing them at once.
fn app(dir: &Path) -> IncentivesApp {
    let mut app = IncentivesApp::new().expect("the embedded packs load");
    let project = ProjectBuilder::new("重庆某零部件公司")
        .project("P1", |p| {
            p.input("industry", "manufacturing")
                .input("project_kind", "new")
                .year(2024, |y| y)
        })
        .build(&app.rules.base.catalog)
        .expect("a valid project");
    app.doc = Scenario::new(project);
    app.recompute();
    app.enable_recovery(dir.to_path_buf());
    app.recovery.as_mut().expect("recovery is on").interval = Duration::ZERO;
    app
}

fn harness(mut app: IncentivesApp) -> Harness<'static, IncentivesApp> {
    app.form.search = "外资".into();
    let mut h = Harness::builder()
        .with_size([1400.0, 3000.0])
        .with_max_steps(24)
        .with_context_setup(install_fonts)
        .build_ui_state(|ui, app: &mut IncentivesApp| app.ui(ui), app);
    h.run();
    h
}

fn type_into(h: &mut Harness<'_, IncentivesApp>, label: &str, text: &str) {
    h.get_by_label(label).focus();
    h.run();
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::A);
    h.run();
    h.get_by_label(label).type_text(text);
    h.run();
}

fn definite_2024(app: &IncentivesApp) -> Decimal {
    app.doc
        .report
        .as_ref()
        .expect("a report")
        .years
        .iter()
        .find(|y| y.year == Some(2024))
        .map(|y| y.definite)
        .unwrap_or_default()
}

fn copy_of(h: &Harness<'_, IncentivesApp>) -> PathBuf {
    h.state()
        .recovery
        .as_ref()
        .unwrap()
        .copy_path()
        .to_path_buf()
}

fn save_as(h: &mut Harness<'_, IncentivesApp>, path: &Path) {
    h.key_press_modifiers(egui::Modifiers::COMMAND, Key::S);
    h.run();
    type_into(h, "文件路径：", &path.display().to_string());
    h.get_by_label("保存").click();
    h.run();
}

#[test]
fn unsaved_work_is_copied_aside_and_the_copy_goes_when_saved() {
    let dir = scratch("copy");
    let store = dir.join("recovery");
    let mut h = harness(app(&store));
    let copy = copy_of(&h);
    assert!(!copy.exists(), "nothing unsaved yet");
    type_into(&mut h, FDI_2024, "20000000");
    assert!(h.state().doc.dirty);
    let text = std::fs::read_to_string(&copy).expect("the copy is written");
    assert!(text.contains("20000000"), "{text}");
    assert!(copy.with_extension("lock").exists());
    // A save to a folder that does not exist fails: the work stays unsaved, and so does
    // its copy.
    save_as(&mut h, &dir.join("no/such/folder/p.ron"));
    assert!(h.state().doc.dirty, "{:?}", h.state().status);
    assert!(copy.exists());
    // Saved: the copy and its lock go.
    save_as(&mut h, &dir.join("p.ron"));
    assert!(!h.state().doc.dirty, "{:?}", h.state().status);
    assert!(!copy.exists());
    assert_eq!(files_in(&store), Vec::<String>::new());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn after_a_crash_the_unsaved_work_is_offered_and_restored() {
    let dir = scratch("crash");
    let store = dir.join("recovery");
    let saved = dir.join("p.ron");
    let mut h = harness(app(&store));
    type_into(&mut h, FDI_2024, "10000000");
    save_as(&mut h, &saved);
    let on_disk = std::fs::read_to_string(&saved).unwrap();
    // More work, not saved; then the process dies (the window is dropped without closing).
    type_into(&mut h, FDI_2024, "20000000");
    assert_eq!(definite_2024(h.state()), d("400000.00"));
    drop(h);
    assert_eq!(files_in(&store).len(), 2, "the copy and its lock stay");

    // The next start asks.
    let mut h = harness(app(&store));
    assert!(h.query_by_label("发现未保存的工作").is_some());
    assert!(h
        .query_by_label_contains("重庆某零部件公司（p.ron）的修改尚未保存")
        .is_some());
    h.get_by_label("恢复").click();
    h.run();
    let state = h.state();
    assert!(state.doc.dirty, "restored work is unsaved work");
    assert_eq!(state.doc.path.as_deref(), Some(saved.as_path()));
    // 20,000,000 × 2% = 400,000 (65号 §13), as before the crash.
    assert_eq!(definite_2024(state), d("400000.00"));
    assert!(h.query_by_label("发现未保存的工作").is_none());
    // The file on disk is untouched until the officer saves; the old copy is gone and this
    // window's own copy holds the work.
    assert_eq!(std::fs::read_to_string(&saved).unwrap(), on_disk);
    let own = copy_of(&h);
    let mut expected = vec![
        own.file_name().unwrap().to_string_lossy().into_owned(),
        own.with_extension("lock")
            .file_name()
            .unwrap()
            .to_string_lossy()
            .into_owned(),
    ];
    expected.sort();
    assert_eq!(files_in(&store), expected);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn discarding_the_offer_deletes_the_copy() {
    let dir = scratch("discard");
    let store = dir.join("recovery");
    let mut h = harness(app(&store));
    type_into(&mut h, FDI_2024, "20000000");
    drop(h);
    let mut h = harness(app(&store));
    h.get_by_label("丢弃").click();
    h.run();
    assert!(h.query_by_label("发现未保存的工作").is_none());
    assert!(!h.state().doc.dirty);
    assert_eq!(definite_2024(h.state()), Decimal::ZERO);
    assert_eq!(files_in(&store), Vec::<String>::new());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_running_window_keeps_its_copy_and_a_clean_exit_removes_it() {
    let dir = scratch("running");
    let store = dir.join("recovery");
    let mut first = harness(app(&store));
    type_into(&mut first, FDI_2024, "20000000");
    // A second window while the first runs: nothing to offer.
    let second = app(&store);
    assert!(second.recovery.as_ref().unwrap().orphans.is_empty());
    drop(second);
    let copy = copy_of(&first);
    assert!(copy.exists());
    // The first closes cleanly (after the unsaved-changes question was answered).
    let mut desktop = DesktopApp {
        app: IncentivesApp::new().unwrap(),
    };
    std::mem::swap(&mut desktop.app, first.state_mut());
    eframe::App::on_exit(&mut desktop, None);
    assert!(!copy.exists());
    assert_eq!(files_in(&store), Vec::<String>::new());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_unreadable_copy_is_said_and_can_wait_or_go() {
    let dir = scratch("unreadable");
    let store = dir.join("recovery");
    std::fs::create_dir_all(&store).unwrap();
    std::fs::write(store.join("recovery-1-0.ron"), "not a copy at all").unwrap();
    let mut h = harness(app(&store));
    assert!(h.query_by_label_contains("无法读取").is_some());
    assert!(h.query_by_label("恢复").is_none(), "nothing to restore");
    h.get_by_label("稍后再说").click();
    h.run();
    assert!(h.query_by_label("发现未保存的工作").is_none());
    assert!(store.join("recovery-1-0.ron").exists(), "kept for later");
    drop(h);
    let mut h = harness(app(&store));
    h.get_by_label("丢弃").click();
    h.run();
    assert!(!store.join("recovery-1-0.ron").exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn names_with_control_characters_show_harmlessly() {
    let dir = scratch("names");
    let mut a = app(&dir.join("recovery"));
    a.doc.project.subject.name = "Evil\u{1b}]0;pwned\u{7}\nCo".into();
    a.recompute();
    let h = harness(a);
    assert!(h.query_by_label(r"· Evil\u{1b}]0;pwned\u{7}\nCo").is_some());
    let _ = std::fs::remove_dir_all(&dir);
}
