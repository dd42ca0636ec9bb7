//! The printed report: generated through the library and through `incentives report`,
//! read back with poppler's `pdftotext -layout` and `pdffonts`. These tools are required:
//! without them the tests fail (install poppler-utils), never skip.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use incentives::engine::evaluate;
use incentives::load::{embedded_fingerprint, load_embedded, load_texts, rules_fingerprint};
use incentives::pack::Lang;
use incentives::project::parse_project;
use incentives::render::pdf::{report_pdf, PdfMeta};
use incentives::report::EvalOptions;

const MANUFACTURER: &str = include_str!("../examples/manufacturer.ron");

fn tool(name: &str) -> &str {
    let found = Command::new(name)
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success() || !o.stderr.is_empty());
    assert!(
        found,
        "`{name}` is not installed: install poppler-utils (apt-get install -y poppler-utils) to run the PDF tests"
    );
    name
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("pdf-tests");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn pdftotext(pdf: &Path) -> String {
    let out = Command::new(tool("pdftotext"))
        .args(["-layout", "-enc", "UTF-8"])
        .arg(pdf)
        .arg("-")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn pdffonts(pdf: &Path) -> String {
    let out = Command::new(tool("pdffonts")).arg(pdf).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// What every report of the manufacturer example must say.
fn assert_manufacturer(pdf: &Path) {
    let text = pdftotext(pdf);
    for needle in [
        "重庆某汽车零部件有限公司",
        "渝府办发〔2023〕65号",
        "12,240,000.00",
        "1,500,000.00",
        "确定可获",
        "协商额",
        "税费减免",
        "编制人",
        "审核人",
        embedded_fingerprint(),
    ] {
        assert!(
            text.contains(needle),
            "`{needle}` is not in the PDF text:\n{text}"
        );
    }
    // Page numbers (Typst sets no space between the hanzi and the digits).
    let squeezed: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    assert!(squeezed.contains("第1页共"), "no page numbers:\n{text}");
    // The official rules: no warning.
    assert!(!text.contains("不是程序内置的正式规则集"));

    // Every font is embedded (pdffonts: name type encoding emb sub uni ...).
    let fonts = pdffonts(pdf);
    let rows: Vec<&str> = fonts
        .lines()
        .skip(2)
        .filter(|l| !l.trim().is_empty())
        .collect();
    assert!(!rows.is_empty(), "no fonts listed:\n{fonts}");
    for row in &rows {
        let cols: Vec<&str> = row.split_whitespace().collect();
        // The emb column is the third from the right of "emb sub uni object ID" (the
        // object number and generation are two columns).
        let emb = cols[cols.len() - 5];
        assert_eq!(emb, "yes", "a font is not embedded:\n{fonts}");
    }
}

#[test]
fn library_report_of_the_manufacturer() {
    let base = Arc::new(load_embedded().unwrap());
    let project = parse_project("manufacturer.ron", MANUFACTURER, &base).unwrap();
    let report = evaluate(&base, &project, &EvalOptions::default()).unwrap();
    let meta = PdfMeta::new("2025-06-30", Some("manufacturer.ron"), Some(&project));
    let bytes = report_pdf(&report, Lang::Zh, &meta).unwrap();
    assert!(bytes.starts_with(b"%PDF-"));
    let path = scratch("library.pdf");
    std::fs::write(&path, &bytes).unwrap();
    assert_manufacturer(&path);
    let text = pdftotext(&path);
    assert!(text.contains("2025-06-30"));
    // The inputs, with units and option labels.
    assert!(text.contains("35,000,000 美元"), "{text}");

    // The same report again: same bytes (no clock, no random ids).
    assert_eq!(report_pdf(&report, Lang::Zh, &meta).unwrap(), bytes);

    // In English.
    let en = report_pdf(&report, Lang::En, &meta).unwrap();
    let path = scratch("library-en.pdf");
    std::fs::write(&path, &en).unwrap();
    let text = pdftotext(&path);
    for needle in ["Definite", "Page 1 of", "Prepared by", "12,240,000.00"] {
        assert!(
            text.contains(needle),
            "`{needle}` is not in the English PDF:\n{text}"
        );
    }
}

#[test]
fn cli_report_of_the_manufacturer() {
    let out = scratch("cli.pdf");
    let _ = std::fs::remove_file(&out);
    let run = Command::new(env!("CARGO_BIN_EXE_incentives"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["report", "examples/manufacturer.ron", "-o"])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    assert_manufacturer(&out);
    assert!(pdftotext(&out).contains("manufacturer.ron"));
}

#[test]
fn cli_report_errors_are_one_line() {
    let out = scratch("never.pdf");
    for (args, expect) in [
        (
            vec!["report", "examples/missing.ron", "-o"],
            "examples/missing.ron: ",
        ),
        (
            vec![
                "report",
                "examples/manufacturer.ron",
                "--date",
                "2025-13-01",
                "-o",
            ],
            "--date 2025-13-01",
        ),
        (
            vec![
                "report",
                "examples/manufacturer.ron",
                "--format",
                "docx",
                "-o",
            ],
            "docx",
        ),
    ] {
        let run = Command::new(env!("CARGO_BIN_EXE_incentives"))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(&args)
            .arg(&out)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&run.stderr);
        assert_eq!(run.status.code(), Some(2), "{args:?}: {err}");
        assert!(err.contains(expect), "{args:?}: {err}");
        assert!(!out.exists());
    }
}

#[test]
fn rules_other_than_the_official_set_are_marked() {
    // The embedded packs with one text changed: a different fingerprint and a warning.
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .map(|p| {
            (
                p.display().to_string(),
                std::fs::read_to_string(&p).unwrap(),
            )
        })
        .collect();
    assert_eq!(rules_fingerprint(&files), embedded_fingerprint());
    files[0].1.push_str("\n// edited\n");
    let changed = rules_fingerprint(&files);
    assert_ne!(changed, embedded_fingerprint());
    let base = Arc::new(load_texts(&files).unwrap());
    assert_eq!(base.fingerprint, changed);
    let project = parse_project("manufacturer.ron", MANUFACTURER, &base).unwrap();
    let report = evaluate(&base, &project, &EvalOptions::default()).unwrap();
    let bytes = report_pdf(&report, Lang::Zh, &PdfMeta::new("2025-06-30", None, None)).unwrap();
    let path = scratch("unofficial.pdf");
    std::fs::write(&path, bytes).unwrap();
    let text = pdftotext(&path);
    assert!(text.contains("不是程序内置的正式规则集"), "{text}");
    assert!(text.contains(&changed));
}
