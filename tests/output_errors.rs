//! Output that cannot be written never panics: a full disk (`/dev/full`) or a pipe whose
//! reader is gone gives one line on standard error and exit code 74, for every command and
//! for none; with standard error gone too, the exit code alone. And names from a project
//! file (the firm, a project id, a file name) cannot start a line of their own or send a
//! control sequence to the terminal: their control characters are written out.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const MANUFACTURER: &str = "examples/manufacturer.ron";

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_incentives"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"))
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY");
    c
}

fn dev_full() -> Stdio {
    Stdio::from(
        File::options()
            .write(true)
            .open("/dev/full")
            .expect("/dev/full"),
    )
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "incentives-output-errors-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Runs `args` with standard output on a full disk.
fn to_full_disk(args: &[&str]) -> Output {
    bin()
        .args(args)
        .stdout(dev_full())
        .stderr(Stdio::piped())
        .output()
        .unwrap()
}

/// Runs `args` with a standard output pipe whose reading end is closed before the program
/// writes anything.
fn to_closed_pipe(args: &[&str]) -> Output {
    let mut child = bin()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    child.wait_with_output().unwrap()
}

const FULL_ZH: &str = "incentives: 无法写出结果：磁盘已满\n";
const FULL_EN: &str = "incentives: cannot write the output: the disk is full\n";
const PIPE_ZH: &str = "incentives: 无法写出结果：接收输出的程序已关闭管道\n";
const PIPE_EN: &str =
    "incentives: cannot write the output: the program reading the output closed the pipe\n";

#[test]
fn every_command_on_a_full_disk_says_so_and_exits_74() {
    let commands: &[&[&str]] = &[
        &["calc", MANUFACTURER],
        &["calc", MANUFACTURER, "--json"],
        &["calc", MANUFACTURER, "--format", "csv"],
        &["calc", MANUFACTURER, "--verbose"],
        &["rules"],
        &["inputs"],
        &["check"],
        &["--help"],
        &["--version"],
        &["calc", "--help"],
    ];
    for args in commands {
        let out = to_full_disk(args);
        assert_eq!(out.status.code(), Some(74), "{args:?}: {}", stderr(&out));
        assert_eq!(stderr(&out), FULL_ZH, "{args:?}");
    }
    let out = to_full_disk(&["calc", MANUFACTURER, "--lang", "en"]);
    assert_eq!(out.status.code(), Some(74));
    assert_eq!(stderr(&out), FULL_EN);
}

#[test]
fn every_command_into_a_closed_pipe_says_so_and_exits_74() {
    for args in [
        &["calc", MANUFACTURER][..],
        &["calc", MANUFACTURER, "--json"],
        &["rules"],
        &["inputs", "--lang", "en"],
        &["--version"],
    ] {
        let out = to_closed_pipe(args);
        assert_eq!(out.status.code(), Some(74), "{args:?}: {}", stderr(&out));
        let expected = if args.contains(&"en") {
            PIPE_EN
        } else {
            PIPE_ZH
        };
        assert_eq!(stderr(&out), expected, "{args:?}");
    }
    let out = to_closed_pipe(&["calc", MANUFACTURER, "--lang", "en"]);
    assert_eq!(stderr(&out), PIPE_EN);
}

#[test]
fn with_standard_error_gone_too_the_exit_code_alone_says_it() {
    // Both streams on a full disk: no panic (exit 101), the code of what happened.
    let out = bin()
        .args(["calc", MANUFACTURER])
        .stdout(dev_full())
        .stderr(dev_full())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(74));
    // An error of the project file with standard error on a full disk: still exit 2.
    let out = bin()
        .args(["calc", "examples/no-such-file.ron"])
        .stderr(dev_full())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // A usage error (clap's) likewise.
    let out = bin().arg("calc").stderr(dev_full()).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    // Standard error a pipe whose reader is gone.
    let mut child = bin()
        .args(["calc", "examples/no-such-file.ron"])
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stderr.take());
    assert_eq!(child.wait().unwrap().code(), Some(2));
}

#[test]
fn no_command_without_a_display_never_panics_on_its_streams() {
    // The one-line hint goes to standard error; with that on a full disk or a closed
    // pipe, and standard output closed, the exit code stays 1 (the window could not open).
    let out = bin()
        .stdout(dev_full())
        .stderr(dev_full())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let mut child = bin()
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    drop(child.stderr.take());
    assert_eq!(child.wait().unwrap().code(), Some(1));
    let out = bin().stdout(dev_full()).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "incentives: the window could not open (no display: neither DISPLAY nor WAYLAND_DISPLAY is set). Without a display, use the command line: incentives calc PROJECT.ron (incentives --help lists every command)\n"
    );
}

#[test]
fn an_output_file_on_a_full_disk_fails_with_74_and_the_device_stays() {
    let out = bin()
        .args(["export", MANUFACTURER, "-o", "/dev/full", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(74), "{}", stderr(&out));
    assert_eq!(stderr(&out), "/dev/full: 无法写入文件：磁盘已满\n");
    let out = bin()
        .args([
            "report",
            MANUFACTURER,
            "-o",
            "/dev/full",
            "--format",
            "xlsx",
        ])
        .args(["--lang", "en"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(74), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "/dev/full: cannot write the report: the disk is full\n"
    );
    // A device is written in place, never replaced by a renamed file.
    use std::os::unix::fs::FileTypeExt;
    assert!(std::fs::metadata("/dev/full")
        .unwrap()
        .file_type()
        .is_char_device());
    // A folder that does not exist is the user's path: exit 2.
    let dir = scratch("missing-folder");
    let target = dir.join("no/such/out.csv");
    let out = bin()
        .args(["export", MANUFACTURER, "-o"])
        .arg(&target)
        .args(["--lang", "en"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        format!(
            "{}: cannot write the file: no such folder\n",
            target.display()
        )
    );
    // A folder of that name is not replaced.
    let out = bin()
        .args(["export", MANUFACTURER, "-o"])
        .arg(&dir)
        .args(["--format", "csv", "--lang", "en"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        format!(
            "{}: cannot write the file: it is a folder, not a file\n",
            dir.display()
        )
    );
    assert!(dir.is_dir());
    let _ = std::fs::remove_dir_all(&dir);
}

// ---- names with control characters ----------------------------------------------------

/// A firm name that would set the terminal's title and start a new line, and a project id
/// that would print a forged total line and turn the terminal red.
const EVIL_FIRM: &str = "Evil\u{1b}]0;pwned\u{7}\nCo";
const EVIL_ID: &str = "P1\n合计                      999,999,999.00\u{1b}[31m";

fn ron_string(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn evil_project(offer_project: Option<&str>) -> String {
    let offers = offer_project.map_or_else(String::new, |p| {
        format!(
            "    offers: [(rule: \"fdi_reward_65\", project: {}, year: 2024, amount: \"1\")],\n",
            ron_string(p)
        )
    });
    format!(
        r#"Project(
    subject: (name: {}),
    projects: [
        (
            id: {},
            inputs: {{"industry": "manufacturing", "project_kind": "new"}},
            years: {{2024: {{"fdi_arrived_usd": "20000000"}}}},
        ),
    ],
{offers})
"#,
        ron_string(EVIL_FIRM),
        ron_string(EVIL_ID)
    )
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn names_are_printed_with_their_control_characters_written_out() {
    let dir = scratch("evil-names");
    let path = write(&dir, "evil.ron", &evil_project(None));
    let out = bin().arg("calc").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        !text.contains(['\u{1b}', '\u{7}', '\r']),
        "no control character reaches the terminal"
    );
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        r"招商引资政策兑现测算 · Evil\u{1b}]0;pwned\u{7}\nCo"
    );
    assert!(
        lines.contains(
            &r"== 项目 P1\n合计                      999,999,999.00\u{1b}[31m · 2024 年 =="
        ),
        "{text}"
    );
    // The only line that starts with 合计 is the table's own total: 20,000,000 USD × 2% =
    // 400,000.00 (65号 §13, the literal 口径).
    let totals: Vec<&&str> = lines.iter().filter(|l| l.starts_with("合计")).collect();
    assert_eq!(totals.len(), 1, "{text}");
    assert!(totals[0].contains("400,000.00"), "{}", totals[0]);
    assert!(!text.contains("999,999,999.00\n"));

    // JSON escapes by its own rules and keeps the names exactly.
    let out = bin().arg("calc").arg(&path).arg("--json").output().unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["subject"], EVIL_FIRM);
    let ids: Vec<&str> = v["lines"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|l| l["project"].as_str())
        .collect();
    assert!(!ids.is_empty() && ids.iter().all(|p| *p == EVIL_ID));
}

#[test]
fn a_one_line_error_stays_one_line_whatever_the_names() {
    let dir = scratch("evil-errors");
    // An offer naming an unknown project whose id clears the screen.
    let path = write(&dir, "offer.ron", &evil_project(Some("X\n\u{1b}[2J")));
    let out = bin()
        .arg("calc")
        .arg(&path)
        .args(["--lang", "en"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        format!(
            "{}:10:15: unknown project `X\\n\\u{{1b}}[2J`\n",
            path.display()
        )
    );
    // A file name with a line break and an escape.
    let bad = dir.join("bad\nname\u{1b}[31m.ron");
    std::fs::write(&bad, "Project(\n  subject: (name: \"x\"),\n  oops\n)\n").unwrap();
    let out = bin()
        .arg("calc")
        .arg(&bad)
        .args(["--lang", "en"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!("{}/bad\\nname\\u{{1b}}[31m.ron:3:", dir.display())),
        "{err}"
    );
    assert!(!err.contains('\u{1b}'));
    // A missing file so named: no position, one line.
    let missing = dir.join("gone\n.ron");
    let out = bin()
        .arg("calc")
        .arg(&missing)
        .args(["--lang", "en"])
        .output()
        .unwrap();
    assert_eq!(
        stderr(&out),
        format!(
            "{}/gone\\n.ron: cannot read the project file: no such file\n",
            dir.display()
        )
    );
    // An argument clap quotes in a usage error.
    let out = bin()
        .args(["calc", "x.ron", "--lang", "e\n\u{1b}[2Jn"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.starts_with("error: invalid value 'e\\n\\u{1b}[2Jn' for '--lang <LANG>'"),
        "{err}"
    );
    assert!(!err.contains('\u{1b}'));
}
