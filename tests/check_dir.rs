//! `incentives check DIR` on broken copies of the shipped packs: a quote not in its text, a
//! cited line off by one, a missing source, a group citing an unloaded document, a group
//! with no members, an untranslated agency, lines past the text, a path for a source
//! name, a failed golden example. Each problem is one line, `file:line:col`, the rule,
//! what is wrong; the exit code is 1 (failed checks), as for failed golden examples.
//! The expected places are found by hand in the edited text (the line and column where
//! the field or value is written), not by the code under test.

use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_incentives"))
}

/// A fresh copy of `rules/` (packs and `sources/`) with each `(file, from, to)` edit made
/// once; every `from` must be in its file.
fn pack(name: &str, edits: &[(&str, &str, &str)]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!(
        "incentives-check-dir-{}-{name}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("sources")).unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    for (from, to) in [
        (src.clone(), dir.clone()),
        (src.join("sources"), dir.join("sources")),
    ] {
        for entry in std::fs::read_dir(&from).unwrap() {
            let p = entry.unwrap().path();
            if p.is_file() {
                std::fs::copy(&p, to.join(p.file_name().unwrap())).unwrap();
            }
        }
    }
    for (file, from, to) in edits {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(from), "test setup: `{from}` not in {file}");
        std::fs::write(&path, text.replacen(from, to, 1)).unwrap();
    }
    dir
}

/// (exit code, stdout, stderr) of `incentives check DIR`.
fn check(dir: &Path) -> (i32, String, String) {
    let out = bin().arg("check").arg(dir).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Line and column (1-based, in characters) where `marker` first starts in the file.
fn place(dir: &Path, file: &str, marker: &str) -> (usize, usize) {
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    let at = text
        .find(marker)
        .unwrap_or_else(|| panic!("`{marker}` not in {file}"));
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().unwrap().chars().count() + 1;
    (line, col)
}

/// The finding lines of a failed check's output (those starting with the folder).
fn findings(dir: &Path, err: &str) -> Vec<String> {
    let prefix = format!("{}/", dir.display());
    err.lines()
        .filter(|l| l.starts_with(&prefix))
        .map(str::to_owned)
        .collect()
}

/// `err` has exactly one line starting `file:line:col: ` and containing every part.
fn assert_finding(dir: &Path, err: &str, file: &str, (line, col): (usize, usize), parts: &[&str]) {
    let start = format!("{}/{file}:{line}:{col}: ", dir.display());
    let hits: Vec<&str> = err.lines().filter(|l| l.starts_with(&start)).collect();
    assert_eq!(
        hits.len(),
        1,
        "one line starting `{start}` expected in:\n{err}"
    );
    for part in parts {
        assert!(hits[0].contains(part), "`{part}` expected in: {}", hits[0]);
    }
}

const FDI_QUOTE_START: &str = "13．支持引进外资类项目。";
const SOURCE_65: &str = "000_88296399dd338fd7.txt";

#[test]
fn the_shipped_packs_check_clean() {
    let dir = pack("clean", &[]);
    let (code, out, err) = check(&dir);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains(" passed, 0 failed"), "{out}");
    assert!(!out.contains("problem"), "{out}");
}

#[test]
fn a_quote_not_in_its_source() {
    // "引进外资类项目" loses its 类: the text says 类, so the quote is no longer verbatim.
    let dir = pack(
        "quote",
        &[("cq-2023-65.ron", FDI_QUOTE_START, "13．支持引进外资项目。")],
    );
    let (code, _, err) = check(&dir);
    assert_eq!(code, 1, "{err}");
    let at = place(&dir, "cq-2023-65.ron", "quote: \"13．支持引进外资项目");
    assert_finding(
        &dir,
        &err,
        "cq-2023-65.ron",
        at,
        &[
            "rule `fdi_reward_65`",
            &format!("the quote is not in {SOURCE_65}"),
        ],
    );
    assert_eq!(findings(&dir, &err).len(), 1, "{err}");
    assert!(err.contains("1 problem in the packs"), "{err}");
}

#[test]
fn a_cited_line_off_by_one() {
    // 65号 §13 starts on line 1039 of the text; the pack now cites 1040.
    let dir = pack(
        "line",
        &[(
            "cq-2023-65.ron",
            &format!("line: 1039,\n            quote: \"{FDI_QUOTE_START}"),
            &format!("line: 1040,\n            quote: \"{FDI_QUOTE_START}"),
        )],
    );
    let (code, _, err) = check(&dir);
    assert_eq!(code, 1, "{err}");
    let at = place(&dir, "cq-2023-65.ron", "line: 1040,");
    assert_finding(
        &dir,
        &err,
        "cq-2023-65.ron",
        at,
        &[
            "rule `fdi_reward_65`",
            &format!("cited line 1040 but the quote starts on line 1039 of {SOURCE_65}"),
        ],
    );
}

#[test]
fn a_missing_source_file() {
    // The five 武隆 documents quote 003_…; without it each says so at its `file:`.
    let dir = pack("source", &[]);
    let missing = "003_c2ec7535d22ea83c.txt";
    std::fs::remove_file(dir.join("sources").join(missing)).unwrap();
    let (code, _, err) = check(&dir);
    assert_eq!(code, 1, "{err}");
    let marker = format!("file: \"{missing}\"");
    let docs = [
        "wulong-2024-20.ron",
        "wulong-2024-22.ron",
        "wulong-2024-32.ron",
        "wulong-2024-35.ron",
        "wulong-2024-38.ron",
    ];
    for doc in docs {
        let at = place(&dir, doc, &marker);
        assert_finding(&dir, &err, doc, at, &[missing, "cannot be read"]);
    }
    assert_eq!(findings(&dir, &err).len(), docs.len(), "{err}");
}

#[test]
fn a_source_named_by_a_path() {
    let dir = pack(
        "path",
        &[(
            "cq-2023-65.ron",
            &format!("file: \"{SOURCE_65}\""),
            &format!("file: \"../{SOURCE_65}\""),
        )],
    );
    let (code, _, err) = check(&dir);
    assert_eq!(code, 1, "{err}");
    let at = place(&dir, "cq-2023-65.ron", "file: \"../");
    assert_finding(
        &dir,
        &err,
        "cq-2023-65.ron",
        at,
        &["must be a file name inside the sources folder"],
    );
}

#[test]
fn document_lines_past_the_end_of_its_text() {
    let dir = pack(
        "lines",
        &[(
            "cq-2023-65.ron",
            "lines: (890, 1108)",
            "lines: (890, 999999)",
        )],
    );
    let lines = std::fs::read_to_string(dir.join("sources").join(SOURCE_65))
        .unwrap()
        .lines()
        .count();
    let (code, _, err) = check(&dir);
    assert_eq!(code, 1, "{err}");
    let at = place(&dir, "cq-2023-65.ron", "lines: (890, 999999)");
    assert_finding(
        &dir,
        &err,
        "cq-2023-65.ron",
        at,
        &[&format!(
            "lines (890, 999999) are not a range of {SOURCE_65} ({lines} lines)"
        )],
    );
}

#[test]
fn a_group_citing_an_unloaded_document() {
    let dir = pack(
        "group-doc",
        &[(
            "stacking.ron",
            "document: \"渝府办发〔2022〕107号\"",
            "document: \"渝府办发〔2099〕1号\"",
        )],
    );
    let (code, _, err) = check(&dir);
    assert_eq!(code, 1, "{err}");
    let at = place(&dir, "stacking.ron", "document: \"渝府办发〔2099〕1号\"");
    assert_finding(
        &dir,
        &err,
        "stacking.ron",
        at,
        &["stacking group `fdi_reward`: cites 渝府办发〔2099〕1号, which is not loaded"],
    );
}

#[test]
fn a_governing_quote_on_the_wrong_line() {
    // 65号's 就高不就低 sentence starts on line 1059 of its text.
    let dir = pack(
        "group-line",
        &[("stacking.ron", "line: 1059,", "line: 1058,")],
    );
    let (code, _, err) = check(&dir);
    assert_eq!(code, 1, "{err}");
    let at = place(&dir, "stacking.ron", "line: 1058,");
    assert_finding(
        &dir,
        &err,
        "stacking.ron",
        at,
        &["stacking group `fdi_reward`: cited line 1058 but the quote from 渝府办发〔2023〕65号 starts on line 1059"],
    );
}

#[test]
fn a_group_no_rule_belongs_to() {
    // A copy of the `retrofit` group under a new id, which no rule names.
    let dir = pack("group-orphan", &[]);
    let path = dir.join("stacking.ron");
    let text = std::fs::read_to_string(&path).unwrap();
    let start = text
        .find("        Group(\n            id: \"retrofit\"")
        .unwrap();
    let end = start + text[start..].find("\n        ),\n").unwrap() + "\n        ),\n".len();
    let copy = text[start..end].replacen("\"retrofit\"", "\"retrofit_orphan\"", 1);
    std::fs::write(&path, format!("{}{copy}{}", &text[..end], &text[end..])).unwrap();
    let (code, _, err) = check(&dir);
    assert_eq!(code, 1, "{err}");
    // The group's place is its id, at the opening quote.
    let at = place(&dir, "stacking.ron", "\"retrofit_orphan\"");
    assert_finding(
        &dir,
        &err,
        "stacking.ron",
        at,
        &["stacking group `retrofit_orphan`: no loaded rule belongs to it"],
    );
}

#[test]
fn a_lead_agency_without_an_english_name() {
    let dir = pack(
        "agency",
        &[(
            "cq-2023-65.ron",
            "lead: [\"市商务委\"],",
            "lead: [\"市商务委\", \"市测试局\"],",
        )],
    );
    let (code, _, err) = check(&dir);
    assert_eq!(code, 1, "{err}");
    // The untranslated agency itself, at its opening quote.
    let at = place(&dir, "cq-2023-65.ron", "\"市测试局\"");
    assert_finding(
        &dir,
        &err,
        "cq-2023-65.ron",
        at,
        &[
            "rule `fdi_reward_65`",
            "lead agency `市测试局` has no English name in an Agencies file",
        ],
    );
}

#[test]
fn a_failed_golden_example_names_its_place() {
    // 30,000,000 USD × 2% = 600,000.00; the example now expects 600,000.01.
    let name = "manufacturing at exactly 30,000,000 USD stays at 2%";
    let dir = pack(
        "example",
        &[(
            "cq-2023-65.ron",
            "expect: [(status: Granted, amount: \"600000.00\", ceiling: \"10000000.00\")],",
            "expect: [(status: Granted, amount: \"600000.01\", ceiling: \"10000000.00\")],",
        )],
    );
    let (code, _, err) = check(&dir);
    assert_eq!(code, 1, "{err}");
    let at = place(&dir, "cq-2023-65.ron", &format!("\"{name}\""));
    assert_finding(
        &dir,
        &err,
        "cq-2023-65.ron",
        at,
        &[
            "rule `fdi_reward_65`",
            &format!("example \"{name}\" FAILED"),
            "amount 600000.01 expected, found 600000.00",
        ],
    );
    assert!(err.contains(" passed, 1 failed"), "{err}");
}

#[test]
fn several_problems_one_line_each() {
    let dir = pack(
        "several",
        &[
            ("cq-2023-65.ron", FDI_QUOTE_START, "13．支持引进外资项目。"),
            (
                "cq-2023-65.ron",
                "lead: [\"市商务委\"],",
                "lead: [\"市测试局\"],",
            ),
            (
                "stacking.ron",
                "document: \"渝府办发〔2022〕107号\"",
                "document: \"渝府办发〔2099〕1号\"",
            ),
        ],
    );
    let (code, _, err) = check(&dir);
    assert_eq!(code, 1, "{err}");
    let lines = findings(&dir, &err);
    assert_eq!(lines.len(), 3, "{err}");
    for l in &lines {
        // file:line:col: with a line and a column past zero.
        let rest = l.strip_prefix(&format!("{}/", dir.display())).unwrap();
        let mut parts = rest.splitn(4, ':');
        let (file, line, col) = (
            parts.next().unwrap(),
            parts.next().unwrap(),
            parts.next().unwrap(),
        );
        assert!(file.ends_with(".ron"), "{l}");
        assert!(line.parse::<usize>().unwrap() > 0, "{l}");
        assert!(col.parse::<usize>().unwrap() > 0, "{l}");
    }
    assert!(err.contains("3 problems in the packs"), "{err}");
}
