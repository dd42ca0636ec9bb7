//! The table of bad inputs in `docs/robustness.md`: every row is run here, against the built
//! binary, and the table's "what the user sees" column is the binary's own first line of
//! output (temporary paths shown as `DIR/`). Regenerate the table with
//! `UPDATE_DOCS=1 cargo test --test robustness`; the test fails when the file is out of date.
//!
//! Every row must end in a clear outcome: the exit code it names, one line on stderr that
//! says what is wrong and where, never a panic (exit 101), and at most 80 characters of a
//! bad value quoted.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const HEADING: &str = "## Bad inputs";

/// Where a row's bad input lives.
#[derive(Clone, Copy)]
enum Area {
    Project,
    RulePack,
    CommandLine,
    Output,
}

impl Area {
    fn name(self) -> &'static str {
        match self {
            Area::Project => "project file",
            Area::RulePack => "rule pack",
            Area::CommandLine => "command line",
            Area::Output => "output",
        }
    }
}

/// One bad input: how to make it, what must come out.
struct Row {
    area: Area,
    input: &'static str,
    /// Builds the files in `dir` and returns the command's arguments.
    setup: fn(&Path) -> Vec<String>,
    /// The exit code the user gets.
    code: i32,
    /// Words the one-line message must contain (on stdout when `code` is 0).
    says: &'static [&'static str],
    /// Where standard output goes.
    sink: Sink,
}

/// Where a row's standard output goes.
#[derive(Clone, Copy, PartialEq)]
enum Sink {
    Captured,
    /// `> /dev/full`: every write fails with "no space".
    FullDisk,
    /// A pipe whose reader has gone before anything is written.
    ClosedPipe,
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_incentives"))
}

fn project(body: &str) -> String {
    format!(
        "Project(\n    subject: (name: \"测试企业\"),\n    projects: [\n        (\n            id: \"P1\",\n            inputs: {{\"industry\": \"manufacturing\", \"project_kind\": \"new\"}},\n            years: {{\n                2024: {{{body}}},\n            }},\n        ),\n    ],\n)\n"
    )
}

/// Writes `text` as `project.ron` in `dir` and returns `calc` on it (English messages).
fn calc_text(dir: &Path, text: &str) -> Vec<String> {
    let path = dir.join("project.ron");
    std::fs::write(&path, text).unwrap();
    args(&["calc", path.to_str().unwrap(), "--lang", "en"])
}

fn calc_year(dir: &Path, body: &str) -> Vec<String> {
    calc_text(dir, &project(body))
}

fn args(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| (*s).to_owned()).collect()
}

fn example(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(name)
        .to_string_lossy()
        .into_owned()
}

/// A copy of the shipped rules (and their sources) in `dir/rules`, with `replace` replaced
/// by `with` once in `file`; returns `check DIR`.
fn broken_pack(dir: &Path, file: &str, replace: &str, with: &str) -> Vec<String> {
    let rules = dir.join("rules");
    copy_rules(&rules);
    let p = rules.join(file);
    let text = std::fs::read_to_string(&p).unwrap();
    assert!(
        text.contains(replace),
        "test setup: `{replace}` not in {file}"
    );
    std::fs::write(&p, text.replacen(replace, with, 1)).unwrap();
    args(&["check", rules.to_str().unwrap()])
}

fn copy_rules(to: &Path) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    std::fs::create_dir_all(to.join("sources")).unwrap();
    for entry in std::fs::read_dir(&src).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|x| x == "ron") {
            std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
        }
    }
    for entry in std::fs::read_dir(src.join("sources")).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, to.join("sources").join(p.file_name().unwrap())).unwrap();
    }
}

fn rows() -> Vec<Row> {
    vec![
        // ---- project files ------------------------------------------------------------
        Row {
            area: Area::Project,
            input: "a negative amount (`\"-5\"` USD)",
            setup: |d| calc_year(d, r#""fdi_arrived_usd": "-5""#),
            code: 2,
            sink: Sink::Captured,
            says: &["project.ron:8:"],
        },
        Row {
            area: Area::Project,
            input: "an amount that is not a number (`\"lots\"`)",
            setup: |d| calc_year(d, r#""fdi_arrived_usd": "lots""#),
            code: 2,
            sink: Sink::Captured,
            says: &["project.ron:8:", "lots"],
        },
        Row {
            area: Area::Project,
            input: "a float literal (`1.5e7`) where money must stay exact",
            setup: |d| calc_year(d, r#""fdi_arrived_usd": 1.5e7"#),
            code: 2,
            sink: Sink::Captured,
            says: &["project.ron:8:"],
        },
        Row {
            area: Area::Project,
            input: "a number past the decimal range (40 digits)",
            setup: |d| {
                calc_year(
                    d,
                    r#""fdi_arrived_usd": "9999999999999999999999999999999999999999""#,
                )
            },
            code: 2,
            sink: Sink::Captured,
            says: &["project.ron:8:"],
        },
        Row {
            area: Area::Project,
            input: "an input no pack declares",
            setup: |d| calc_year(d, r#""fdi_arived_usd": "100""#),
            code: 2,
            sink: Sink::Captured,
            says: &["project.ron:8:", "fdi_arived_usd"],
        },
        Row {
            area: Area::Project,
            input: "a project input given under a year",
            setup: |d| calc_year(d, r#""industry": "services""#),
            code: 2,
            sink: Sink::Captured,
            says: &["project.ron:8:", "industry"],
        },
        Row {
            area: Area::Project,
            input: "an option that does not exist (`industry: \"mining\"`)",
            setup: |d| {
                calc_text(
                    d,
                    &project(r#""fdi_arrived_usd": "100""#).replace("manufacturing", "mining"),
                )
            },
            code: 2,
            sink: Sink::Captured,
            says: &["project.ron:6:", "mining"],
        },
        Row {
            area: Area::Project,
            input: "a misspelt field (`subjekt:`)",
            setup: |d| calc_text(d, &project("").replace("subject:", "subjekt:")),
            code: 2,
            sink: Sink::Captured,
            says: &["project.ron:2:", "subjekt"],
        },
        Row {
            area: Area::Project,
            input: "a year no loaded policy covers (1990)",
            setup: |d| calc_text(d, &project("").replace("2024:", "1990:")),
            code: 2,
            sink: Sink::Captured,
            says: &["project.ron:8:", "1990"],
        },
        Row {
            area: Area::Project,
            input: "a missing comma between fields",
            setup: |d| calc_text(d, &project("").replacen("\"P1\",", "\"P1\"", 1)),
            code: 2,
            sink: Sink::Captured,
            says: &["project.ron:"],
        },
        Row {
            area: Area::Project,
            input: "an empty file",
            setup: |d| calc_text(d, ""),
            code: 2,
            sink: Sink::Captured,
            says: &["project.ron"],
        },
        Row {
            area: Area::Project,
            input: "a file that does not exist",
            setup: |d| {
                let p = d.join("nowhere.ron");
                args(&["calc", p.to_str().unwrap(), "--lang", "en"])
            },
            code: 2,
            sink: Sink::Captured,
            says: &["nowhere.ron"],
        },
        Row {
            area: Area::Project,
            input: "a directory given as the project file",
            setup: |d| args(&["calc", d.to_str().unwrap(), "--lang", "en"]),
            code: 2,
            sink: Sink::Captured,
            says: &["DIR"],
        },
        Row {
            area: Area::Project,
            input: "bytes that are not UTF-8",
            setup: |d| {
                let path = d.join("project.ron");
                let mut bytes = project("").into_bytes();
                bytes.splice(20..20, [0xff, 0xfe, 0x80]);
                std::fs::write(&path, bytes).unwrap();
                args(&["calc", path.to_str().unwrap(), "--lang", "en"])
            },
            code: 2,
            sink: Sink::Captured,
            says: &["project.ron"],
        },
        Row {
            area: Area::Project,
            input: "one year given twice",
            setup: |d| {
                calc_text(
                    d,
                    &project(r#""fdi_arrived_usd": "100""#).replace(
                        "2024: {\"fdi_arrived_usd\": \"100\"},",
                        "2024: {\"fdi_arrived_usd\": \"100\"},\n                2024: {},",
                    ),
                )
            },
            code: 2,
            sink: Sink::Captured,
            says: &["project.ron:9:", "2024"],
        },
        Row {
            area: Area::Project,
            input: "one input given twice in a year",
            setup: |d| calc_year(d, r#""fdi_arrived_usd": "1", "fdi_arrived_usd": "2""#),
            code: 2,
            sink: Sink::Captured,
            says: &["project.ron:8:", "fdi_arrived_usd"],
        },
        Row {
            area: Area::Project,
            input: "two projects with one id",
            setup: |d| {
                let one = "        (\n            id: \"P1\",\n            inputs: {\"industry\": \"manufacturing\", \"project_kind\": \"new\"},\n            years: {2024: {}},\n        ),\n";
                calc_text(
                    d,
                    &format!("Project(\n    subject: (name: \"测试企业\"),\n    projects: [\n{one}{one}    ],\n)\n"),
                )
            },
            code: 2,
            sink: Sink::Captured,
            says: &["project.ron:", "P1"],
        },
        Row {
            area: Area::Project,
            input: "a ratio written as a percentage number (`25` for 25%)",
            setup: |d| {
                calc_text(
                    d,
                    &project("").replace(
                        "subject: (name: \"测试企业\")",
                        "subject: (name: \"测试企业\", inputs: {\"enterprise_income_tax_rate\": \"25\"})",
                    ),
                )
            },
            code: 2,
            sink: Sink::Captured,
            says: &["project.ron:2:", "25"],
        },
        Row {
            area: Area::Project,
            input: "thousands separators out of place (`\"1,2,3\"`)",
            setup: |d| calc_year(d, r#""fdi_arrived_usd": "1,2,3""#),
            code: 2,
            sink: Sink::Captured,
            says: &["project.ron:8:", "1,2,3"],
        },
        Row {
            area: Area::Project,
            input: "a yuan suffix on a US-dollar input (`\"4500万元\"`)",
            setup: |d| calc_year(d, r#""fdi_arrived_usd": "4500万元""#),
            code: 2,
            sink: Sink::Captured,
            says: &["project.ron:8:", "4500万元"],
        },
        Row {
            area: Area::Project,
            input: "a yes/no input given a number",
            setup: |d| calc_year(d, r#""smart_retrofit": "3""#),
            code: 2,
            sink: Sink::Captured,
            says: &["project.ron:8:", "smart_retrofit"],
        },
        Row {
            area: Area::Project,
            input: "an offer for a rule that does not exist",
            setup: |d| {
                calc_text(
                    d,
                    &project("").replace(
                        "    ],\n)\n",
                        "    ],\n    offers: [(rule: \"no_such_rule\", project: \"P1\", year: 2024, amount: \"100\")],\n)\n",
                    ),
                )
            },
            code: 2,
            sink: Sink::Captured,
            says: &["no_such_rule"],
        },
        Row {
            area: Area::Project,
            input: "a bad value of 100,000 characters",
            setup: |d| {
                let long = "9".repeat(100_000) + "x";
                calc_year(d, &format!(r#""fdi_arrived_usd": "{long}""#))
            },
            code: 2,
            sink: Sink::Captured,
            says: &["project.ron:8:"],
        },
        // ---- rule packs ---------------------------------------------------------------
        Row {
            area: Area::RulePack,
            input: "a misspelt field in a rule",
            setup: |d| broken_pack(d, "cq-2023-65.ron", "quote:", "qoute:"),
            code: 2,
            sink: Sink::Captured,
            says: &["cq-2023-65.ron:", "qoute"],
        },
        Row {
            area: Area::RulePack,
            input: "a rule reading an undeclared input",
            setup: |d| {
                broken_pack(
                    d,
                    "cq-2023-65.ron",
                    "Input(\"fdi_arrived_usd\")",
                    "Input(\"fdi_arived_usd\")",
                )
            },
            code: 2,
            sink: Sink::Captured,
            says: &["cq-2023-65.ron:", "fdi_arived_usd"],
        },
        Row {
            area: Area::RulePack,
            input: "a rate written as a float (`0.02` unquoted)",
            setup: |d| broken_pack(d, "cq-2023-65.ron", "rate: \"0.02\"", "rate: 0.02"),
            code: 2,
            sink: Sink::Captured,
            says: &["cq-2023-65.ron:"],
        },
        Row {
            area: Area::RulePack,
            input: "a missing closing bracket",
            setup: |d| broken_pack(d, "cq-2023-65.ron", "lead: [", "lead: "),
            code: 2,
            sink: Sink::Captured,
            says: &["cq-2023-65.ron:"],
        },
        Row {
            area: Area::RulePack,
            input: "a rule naming an unknown stacking group",
            setup: |d| {
                broken_pack(
                    d,
                    "cq-2023-65.ron",
                    "stacking: \"fdi_reward\"",
                    "stacking: \"fdi_rewards\"",
                )
            },
            code: 2,
            sink: Sink::Captured,
            says: &["cq-2023-65.ron:", "fdi_rewards"],
        },
        Row {
            area: Area::RulePack,
            input: "two rules with one id",
            setup: |d| {
                broken_pack(
                    d,
                    "cq-2023-65.ron",
                    "id: \"flexible_land_supply_65\"",
                    "id: \"first_purchase_65\"",
                )
            },
            code: 2,
            sink: Sink::Captured,
            says: &["cq-2023-65.ron:", "first_purchase_65", "already"],
        },
        Row {
            area: Area::RulePack,
            input: "a stacking group without its reading",
            setup: |d| broken_pack(d, "stacking-wulong.ron", "reading: (", "readingx: ("),
            code: 2,
            sink: Sink::Captured,
            says: &["stacking-wulong.ron:"],
        },
        Row {
            area: Area::RulePack,
            input: "a governing clause naming a rule its document does not have",
            setup: |d| {
                broken_pack(
                    d,
                    "stacking.ron",
                    "against: Municipal,",
                    "against: Municipal,\n                    rules: [\"no_such_rule_65\"],",
                )
            },
            code: 2,
            sink: Sink::Captured,
            says: &["stacking.ron:", "no_such_rule_65"],
        },
        Row {
            area: Area::RulePack,
            input: "a choice option that does not exist",
            setup: |d| {
                broken_pack(
                    d,
                    "cq-2023-65.ron",
                    "Is(\"industry\", \"manufacturing\")",
                    "Is(\"industry\", \"mining\")",
                )
            },
            code: 2,
            sink: Sink::Captured,
            says: &["cq-2023-65.ron:", "mining"],
        },
        Row {
            area: Area::RulePack,
            input: "a golden example whose expected amount is wrong",
            setup: |d| {
                broken_pack(
                    d,
                    "cq-2023-65.ron",
                    "amount: \"200000.02\"",
                    "amount: \"200000.03\"",
                )
            },
            code: 1,
            sink: Sink::Captured,
            says: &["FAILED", "200000.03"],
        },
        // ---- command line -------------------------------------------------------------
        Row {
            area: Area::CommandLine,
            input: "`calc` without a project file",
            setup: |_| args(&["calc"]),
            code: 2,
            sink: Sink::Captured,
            says: &["required arguments"],
        },
        Row {
            area: Area::CommandLine,
            input: "an exchange rate with a decimal comma (`--fx-rate 7,1`)",
            setup: |_| {
                args(&[
                    "calc",
                    &example("manufacturer.ron"),
                    "--fx-rate",
                    "7,1",
                    "--lang",
                    "en",
                ])
            },
            code: 2,
            sink: Sink::Captured,
            says: &["7,1"],
        },
        Row {
            area: Area::CommandLine,
            input: "a negative exchange rate",
            setup: |_| {
                args(&[
                    "calc",
                    &example("manufacturer.ron"),
                    "--fx-rate=-7",
                    "--lang",
                    "en",
                ])
            },
            code: 2,
            sink: Sink::Captured,
            says: &["-7"],
        },
        Row {
            area: Area::CommandLine,
            input: "a reading no pack declares",
            setup: |_| {
                args(&[
                    "calc",
                    &example("manufacturer.ron"),
                    "--reading",
                    "no_such_reading",
                    "--lang",
                    "en",
                ])
            },
            code: 2,
            sink: Sink::Captured,
            says: &["no_such_reading"],
        },
        Row {
            area: Area::CommandLine,
            input: "an unknown language",
            setup: |_| args(&["calc", &example("manufacturer.ron"), "--lang", "fr"]),
            code: 2,
            sink: Sink::Captured,
            says: &["fr"],
        },
        Row {
            area: Area::CommandLine,
            input: "an unknown output format",
            setup: |_| args(&["calc", &example("manufacturer.ron"), "--format", "yaml"]),
            code: 2,
            sink: Sink::Captured,
            says: &["yaml"],
        },
        Row {
            area: Area::CommandLine,
            input: "an export file with an unknown extension",
            setup: |d| {
                let out = d.join("out.doc");
                args(&[
                    "export",
                    &example("manufacturer.ron"),
                    "-o",
                    out.to_str().unwrap(),
                    "--lang",
                    "en",
                ])
            },
            code: 2,
            sink: Sink::Captured,
            says: &["out.doc"],
        },
        Row {
            area: Area::CommandLine,
            input: "a report date that is not a day (`--date 2025-02-30`)",
            setup: |d| {
                let out = d.join("out.pdf");
                args(&[
                    "report",
                    &example("manufacturer.ron"),
                    "-o",
                    out.to_str().unwrap(),
                    "--date",
                    "2025-02-30",
                    "--lang",
                    "en",
                ])
            },
            code: 2,
            sink: Sink::Captured,
            says: &["2025-02-30"],
        },
        Row {
            area: Area::CommandLine,
            input: "a rule folder that does not exist (`--rules`)",
            setup: |d| {
                let rules = d.join("no-rules");
                args(&[
                    "calc",
                    &example("manufacturer.ron"),
                    "--rules",
                    rules.to_str().unwrap(),
                    "--lang",
                    "en",
                ])
            },
            code: 2,
            sink: Sink::Captured,
            says: &["no-rules"],
        },
        // ---- output -------------------------------------------------------------------
        Row {
            area: Area::Output,
            input: "an export into a folder that does not exist",
            setup: |d| {
                let out = d.join("missing").join("out.xlsx");
                args(&[
                    "export",
                    &example("manufacturer.ron"),
                    "-o",
                    out.to_str().unwrap(),
                    "--lang",
                    "en",
                ])
            },
            code: 2,
            sink: Sink::Captured,
            says: &["out.xlsx"],
        },
        Row {
            area: Area::Output,
            input: "a report written over a folder",
            setup: |d| {
                let out = d.join("out.pdf");
                std::fs::create_dir_all(&out).unwrap();
                args(&[
                    "report",
                    &example("manufacturer.ron"),
                    "-o",
                    out.to_str().unwrap(),
                    "--lang",
                    "en",
                ])
            },
            code: 2,
            sink: Sink::Captured,
            says: &["out.pdf"],
        },
        Row {
            area: Area::Output,
            input: "`calc` writing to a full disk (`> /dev/full`)",
            setup: |_| args(&["calc", &example("manufacturer.ron"), "--lang", "en"]),
            code: 74,
            sink: Sink::FullDisk,
            says: &["cannot write the output", "disk is full"],
        },
        Row {
            area: Area::Output,
            input: "`calc --json` into a pipe whose reader has gone",
            setup: |_| {
                args(&[
                    "calc",
                    &example("manufacturer.ron"),
                    "--json",
                    "--lang",
                    "en",
                ])
            },
            code: 74,
            sink: Sink::ClosedPipe,
            says: &["closed the pipe"],
        },
        Row {
            area: Area::Output,
            input: "`export -o /dev/full` (a full disk under the file)",
            setup: |_| {
                args(&[
                    "export",
                    &example("manufacturer.ron"),
                    "-o",
                    "/dev/full",
                    "--format",
                    "csv",
                    "--lang",
                    "en",
                ])
            },
            code: 74,
            sink: Sink::Captured,
            says: &["/dev/full", "disk is full"],
        },
        Row {
            area: Area::Project,
            input: "a project id with a line break and terminal escapes",
            setup: |d| {
                calc_text(
                    d,
                    &project(r#""fdi_arrived_usd": "20000000""#)
                        .replace("id: \"P1\"", "id: \"P1\\n合计 999,999,999.00\\u{1b}[31m\""),
                )
            },
            code: 0,
            sink: Sink::Captured,
            says: &["P1\\n合计 999,999,999.00\\u{1b}[31m"],
        },
        Row {
            area: Area::Project,
            input: "a file name with a line break",
            setup: |d| {
                let path = d.join("bad\nname.ron");
                std::fs::write(&path, project(r#""fdi_arrived_usd": "-5""#)).unwrap();
                args(&["calc", path.to_str().unwrap(), "--lang", "en"])
            },
            code: 2,
            sink: Sink::Captured,
            says: &["bad\\nname.ron:8:43"],
        },
        Row {
            area: Area::Project,
            input: "an 80 MiB file (the wrong file chosen)",
            setup: |d| {
                let path = d.join("video.ron");
                std::fs::File::create(&path)
                    .unwrap()
                    .set_len(80 * 1024 * 1024)
                    .unwrap();
                args(&["calc", path.to_str().unwrap(), "--lang", "en"])
            },
            code: 2,
            sink: Sink::Captured,
            says: &["video.ron", "too large"],
        },
        Row {
            area: Area::Project,
            input: "brackets nested 10,000 deep in a value",
            setup: |d| calc_year(d, &format!(r#""fdi_arrived_usd": {}"#, "[".repeat(10_000))),
            code: 2,
            sink: Sink::Captured,
            says: &["project.ron:8:", "deeper than 32 levels"],
        },
    ]
}

/// Runs one row: (exit code, stdout, stderr).
fn run(row: &Row, dir: &Path) -> (i32, String, String) {
    let mut cmd = bin();
    cmd.args((row.setup)(dir)).stdin(Stdio::null());
    match row.sink {
        Sink::Captured => {
            let out = cmd.output().unwrap();
            (
                out.status.code().unwrap_or(-1),
                String::from_utf8_lossy(&out.stdout).into_owned(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            )
        }
        Sink::FullDisk | Sink::ClosedPipe => {
            let stdout = if row.sink == Sink::FullDisk {
                Stdio::from(
                    std::fs::OpenOptions::new()
                        .write(true)
                        .open("/dev/full")
                        .unwrap(),
                )
            } else {
                Stdio::piped()
            };
            let mut child = cmd.stdout(stdout).stderr(Stdio::piped()).spawn().unwrap();
            // The reader goes before the program writes.
            drop(child.stdout.take());
            let out = child.wait_with_output().unwrap();
            (
                out.status.code().unwrap_or(-1),
                String::new(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            )
        }
    }
}

fn scratch(i: usize) -> PathBuf {
    let dir =
        std::env::temp_dir().join(format!("incentives-robustness-{}-{i}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// The message as the table shows it: temporary paths as `DIR/`, `|` escaped.
fn shown(message: &str, dir: &Path) -> String {
    let d = dir.to_string_lossy();
    message
        .replace(&format!("{d}/"), "DIR/")
        .replace(d.as_ref(), "DIR")
        .replace('|', "\\|")
}

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        s.chars().take(max).collect::<String>() + "…"
    }
}

#[test]
fn every_bad_input_has_a_clear_outcome_and_the_table_is_current() {
    let rows = rows();
    assert!(rows.len() >= 40, "the table needs at least 40 rows");
    let mut table = format!(
        "{HEADING}\n\nGenerated by `tests/robustness.rs`, which runs every row against the built binary; \
         regenerate with `UPDATE_DOCS=1 cargo test --test robustness`. \"What the user sees\" is \
         the line the binary prints that names the problem (temporary folders shown as `DIR/`).\n\n\
         | # | where | bad input | exit | what the user sees |\n|---|---|---|---|---|\n"
    );
    let mut failures = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let dir = scratch(i);
        let (code, stdout, stderr) = run(row, &dir);
        // A row that succeeds is judged by what it prints.
        let stderr = if row.code == 0 { stdout } else { stderr };
        // The line that says it: the first naming what the row expects, else the first.
        let first = stderr
            .lines()
            .find(|l| row.says.first().is_some_and(|n| shown(l, &dir).contains(n)))
            .or_else(|| stderr.lines().next())
            .unwrap_or("")
            .to_owned();
        let mut problems = Vec::new();
        if code != row.code {
            problems.push(format!("exit {code}, expected {}", row.code));
        }
        // A failed golden example lists each failure and the counts; every other bad
        // input is one line.
        // clap's usage errors add the usage and a hint below their first line.
        let lines = stderr.trim_end().lines().count();
        if row.code == 2
            && lines != 1
            && !(matches!(row.area, Area::CommandLine) && stderr.starts_with("error: "))
        {
            problems.push(format!("{} lines on stderr", stderr.lines().count()));
        }
        if stderr.contains("panicked") {
            problems.push("a panic".into());
        }
        let seen = shown(&stderr, &dir);
        for needle in row.says {
            if !seen.contains(needle) {
                problems.push(format!("does not say `{needle}`"));
            }
        }
        if first.chars().count() > 400 {
            problems.push(format!("a line of {} characters", first.chars().count()));
        }
        if !problems.is_empty() {
            failures.push(format!(
                "row {} ({}): {}\n  stderr: {}",
                i + 1,
                row.input,
                problems.join("; "),
                stderr.chars().take(300).collect::<String>()
            ));
        }
        let _ = writeln!(
            table,
            "| {} | {} | {} | {} | `{}` |",
            i + 1,
            row.area.name(),
            row.input.replace('|', "\\|"),
            code,
            truncate(&shown(&first, &dir), 200).replace('`', "'")
        );
        let _ = std::fs::remove_dir_all(&dir);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/docs/robustness.md");
    let on_disk = std::fs::read_to_string(path).unwrap_or_default();
    let before = on_disk
        .find(HEADING)
        .map_or(on_disk.as_str(), |i| &on_disk[..i]);
    let expected = format!("{before}{table}");
    if std::env::var_os("UPDATE_DOCS").is_some() {
        std::fs::write(path, &expected).unwrap();
        return;
    }
    assert!(
        on_disk == expected,
        "docs/robustness.md is out of date: run `UPDATE_DOCS=1 cargo test --test robustness`"
    );
}
