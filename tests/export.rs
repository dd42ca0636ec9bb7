//! The spreadsheet exports end to end: `calc --format csv` and `export -o OUT.xlsx|.csv`
//! on the shipped manufacturer example, read back with a CSV reader and calamine.
//! Figures by hand (see tests/cli.rs): P1 2024, 35,000,000 USD × 4% = 1,400,000 minimum,
//! the officer's 1,500,000 offered, cap 10,000,000. Definite: 10,000,000 (P1 2025,
//! capped), plus 240,000 (P2 2024), plus 2,000,000 (R&D centre 2024), is 12,240,000.
//! Ceilings: 20,000,000 (major project, 2023), plus 10,000,000 (smart retrofit, 2025),
//! plus 8,000,000 (listing, 2025), is 38,000,000.

use std::io::Cursor;
use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

use calamine::{open_workbook_from_rs, Data, Range, Reader, Xlsx};
use incentives::engine::evaluate;
use incentives::load::load_embedded;
use incentives::pack::Lang;
use incentives::project::parse_project;
use incentives::render::{csv as csv_out, xlsx};
use incentives::report::{EvalOptions, Report};

fn run(args: &[&str]) -> (i32, Vec<u8>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_incentives"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn manufacturer() -> Report {
    let base = Arc::new(load_embedded().expect("embedded packs load"));
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/manufacturer.ron");
    let text = std::fs::read_to_string(path).unwrap();
    let file = parse_project("manufacturer.ron", &text, &base).expect("example parses");
    evaluate(&base, &file, &EvalOptions::default()).expect("evaluates")
}

/// A fresh folder for one test's files.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("incentives-export-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

const HEADER_ZH: &str =
    "年度,项目,文号,条款,条目,类别,结论,确定金额,协商额,上限,被取代于,牵头单位,原因";

/// The records of a CSV text (after its BOM), blank lines skipped.
fn records(text: &str) -> Vec<Vec<String>> {
    let body = text.strip_prefix('\u{feff}').expect("starts with the BOM");
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(body.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn csv_has_bom_crlf_every_line_and_the_totals() {
    let report = manufacturer();
    let (code, out, err) = run(&["calc", "examples/manufacturer.ron", "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    let text = String::from_utf8(out).expect("UTF-8");
    assert!(text.starts_with('\u{feff}'), "UTF-8 with a byte-order mark");
    assert_eq!(
        text,
        csv_out::to_csv(&report, Lang::Zh),
        "the CLI prints the library's CSV"
    );
    assert!(text.starts_with(&format!("\u{feff}{HEADER_ZH}\r\n")));
    assert!(
        !text.replace("\r\n", "").contains('\n'),
        "every line ends in CRLF"
    );

    let rows = records(&text);
    // Header, one row per line of the report, the summary header, 3 years, the total.
    assert_eq!(rows.len(), 1 + report.lines.len() + 1 + 3 + 1);
    // P1 2024 under 65号: the minimum, the officer's offer, the cap.
    let l65 = rows
        .iter()
        .find(|r| {
            r[0] == "2024" && r[1] == "P1" && r[2] == "渝府办发〔2023〕65号" && r[6] == "协商额"
        })
        .expect("the 65号 line of P1 2024");
    assert_eq!(l65[5], "资金奖补");
    assert_eq!(&l65[7..10], ["1400000.00", "1500000.00", "10000000.00"]);
    assert_eq!(l65[10], "");
    // The same reward under 107号 loses to it (就高不就低) and says why.
    let l107 = rows
        .iter()
        .find(|r| r[0] == "2024" && r[1] == "P1" && r[6] == "就高不重复" && r[7] == "1400000.00")
        .expect("the superseded 107号 line");
    assert!(l107[10].contains("65号"), "{:?}", l107[10]);
    assert!(l107[12].starts_with("就高不就低"), "{:?}", l107[12]);
    // Firm lines are the firm's.
    assert!(rows
        .iter()
        .any(|r| r[1] == "企业整体" && r[7] == "2000000.00"));

    // A blank row, then the per-year table and its total.
    assert!(text.contains("\r\n\r\n年度,确定可获,协商额,仅上限,税费减免,金额未定\r\n"));
    let summary = &rows[rows.len() - 4..];
    assert_eq!(
        &summary[0][..5],
        ["2023", "0.00", "0.00", "20000000.00", "0.00"]
    );
    assert_eq!(
        &summary[1][..5],
        ["2024", "2240000.00", "1500000.00", "0.00", "0.00"]
    );
    assert_eq!(
        &summary[2][..5],
        ["2025", "10000000.00", "0.00", "18000000.00", "0.00"]
    );
    assert_eq!(
        &summary[3][..5],
        ["合计", "12240000.00", "1500000.00", "38000000.00", "0.00"]
    );
    let unquantified: usize = summary[..3]
        .iter()
        .map(|r| r[5].parse::<usize>().unwrap())
        .sum();
    assert_eq!(summary[3][5], unquantified.to_string());
}

#[test]
fn csv_in_english() {
    let (code, out, err) = run(&[
        "calc",
        "examples/manufacturer.ron",
        "--format",
        "csv",
        "--lang",
        "en",
    ]);
    assert_eq!(code, 0, "{err}");
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with(
        "\u{feff}Year,Project,Document,Clause,Item,Kind,Finding,Definite amount,Offered,Ceiling,Superseded by,Lead agency,Reason\r\n"
    ));
    assert!(text.contains("\r\nTotal,12240000.00,1500000.00,38000000.00,0.00,"));
    assert!(text.contains(",grant,offered,1400000.00,1500000.00,10000000.00,"));
}

#[test]
fn json_flag_and_format_json_agree() {
    let (_, a, _) = run(&["calc", "examples/manufacturer.ron", "--json"]);
    let (code, b, err) = run(&["calc", "examples/manufacturer.ron", "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(a, b);
    let (code, _, err) = run(&[
        "calc",
        "examples/manufacturer.ron",
        "--json",
        "--format",
        "csv",
    ]);
    assert_eq!(code, 2, "{err}");
}

fn sheet(book: &mut Xlsx<Cursor<Vec<u8>>>, name: &str) -> Range<Data> {
    book.worksheet_range(name)
        .unwrap_or_else(|e| panic!("sheet {name}: {e}"))
}

fn text_of(d: &Data) -> String {
    match d {
        Data::String(s) => s.clone(),
        _ => String::new(),
    }
}

fn float(d: &Data) -> f64 {
    match d {
        Data::Float(f) => *f,
        other => panic!("expected a number cell, found {other:?}"),
    }
}

#[test]
fn xlsx_has_a_summary_of_numbers_that_add_up_and_number_lines() {
    let dir = scratch("xlsx");
    let out = dir.join("manufacturer.xlsx");
    let (code, stdout, err) = run(&[
        "export",
        "examples/manufacturer.ron",
        "-o",
        out.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(stdout.is_empty());
    let names: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(
        names,
        ["manufacturer.xlsx"],
        "no temporary file left beside it"
    );
    let bytes = std::fs::read(&out).unwrap();
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("a workbook");
    assert_eq!(book.sheet_names(), ["汇总", "明细"]);

    // The summary: the per-year rows, then the total, every amount a number.
    let summary = sheet(&mut book, "汇总");
    let rows: Vec<&[Data]> = summary.rows().collect();
    let head = rows
        .iter()
        .position(|r| text_of(&r[0]) == "年度")
        .expect("the table's header");
    assert_eq!(
        rows[head][..6].iter().map(text_of).collect::<Vec<_>>(),
        [
            "年度",
            "确定可获",
            "协商额",
            "仅上限",
            "税费减免",
            "金额未定"
        ]
    );
    let years = &rows[head + 1..head + 4];
    assert_eq!(
        years.iter().map(|r| float(&r[0])).collect::<Vec<_>>(),
        [2023.0, 2024.0, 2025.0]
    );
    let total = rows[head + 4];
    assert_eq!(text_of(&total[0]), "合计");
    for col in 1..6 {
        let sum: f64 = years.iter().map(|r| float(&r[col])).sum();
        assert_eq!(sum, float(&total[col]), "column {col} adds up");
    }
    assert_eq!(float(&total[1]), 12_240_000.0);
    assert_eq!(float(&total[2]), 1_500_000.0);
    assert_eq!(float(&total[3]), 38_000_000.0);
    assert_eq!(float(&years[1][1]), 2_240_000.0);

    // The lines: the CSV's columns, amounts as numbers.
    let lines = sheet(&mut book, "明细");
    let rows: Vec<&[Data]> = lines.rows().collect();
    assert_eq!(
        rows[0].iter().map(text_of).collect::<Vec<_>>().join(","),
        HEADER_ZH
    );
    assert_eq!(rows.len(), 1 + manufacturer().lines.len());
    let l65 = rows
        .iter()
        .find(|r| {
            r[0] == Data::Float(2024.0)
                && text_of(&r[1]) == "P1"
                && text_of(&r[2]) == "渝府办发〔2023〕65号"
                && text_of(&r[6]) == "协商额"
        })
        .expect("the 65号 line of P1 2024");
    assert_eq!(float(&l65[7]), 1_400_000.0);
    assert_eq!(float(&l65[8]), 1_500_000.0);
    assert_eq!(float(&l65[9]), 10_000_000.0);
    for r in &rows[1..] {
        for cell in &r[7..10] {
            assert!(
                matches!(cell, Data::Float(_) | Data::Empty),
                "an amount cell holds {cell:?}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn xlsx_in_english_names_its_sheets_in_english() {
    let bytes = xlsx::to_xlsx(&manufacturer(), Lang::En).unwrap();
    let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).unwrap();
    assert_eq!(book.sheet_names(), ["Summary", "Lines"]);
    let lines = sheet(&mut book, "Lines");
    assert_eq!(lines.get((0, 0)), Some(&Data::String("Year".into())));
}

#[test]
fn export_csv_by_extension_or_format() {
    let dir = scratch("csv");
    let by_name = dir.join("out.csv");
    let (code, _, err) = run(&[
        "export",
        "examples/manufacturer.ron",
        "-o",
        by_name.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let (_, printed, _) = run(&["calc", "examples/manufacturer.ron", "--format", "csv"]);
    assert_eq!(std::fs::read(&by_name).unwrap(), printed);
    let by_flag = dir.join("out.txt");
    let (code, _, err) = run(&[
        "export",
        "examples/manufacturer.ron",
        "-o",
        by_flag.to_str().unwrap(),
        "--format",
        "csv",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read(&by_flag).unwrap(), printed);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn export_errors_are_one_line_with_exit_2() {
    let dir = scratch("errors");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![dir.join("out.txt").display().to_string()],
            ".xlsx or .csv",
        ),
        (
            vec![
                dir.join("out.xlsx").display().to_string(),
                "--format".into(),
                "csv".into(),
            ],
            "--format csv",
        ),
        (
            vec![dir.join("missing/out.xlsx").display().to_string()],
            "无法写入文件",
        ),
    ];
    for (rest, says) in cases {
        let mut args = vec!["export", "examples/manufacturer.ron", "-o"];
        args.extend(rest.iter().map(String::as_str));
        let (code, _, err) = run(&args);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert_eq!(err.trim_end().lines().count(), 1, "{err}");
        assert!(err.contains(says), "{err}");
    }
    assert_eq!(
        std::fs::read_dir(&dir).unwrap().count(),
        0,
        "nothing written"
    );
    // A bad project file: the same one line as `calc` gives.
    let bad = dir.join("bad.ron");
    std::fs::write(&bad, "Project(").unwrap();
    let out = dir.join("out.xlsx");
    let (code, _, err) = run(&["export", bad.to_str().unwrap(), "-o", out.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert_eq!(err.trim_end().lines().count(), 1, "{err}");
    assert!(!out.exists());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn report_format_xlsx_writes_the_same_workbook_as_export() {
    let dir = std::env::temp_dir().join(format!("incentives-report-xlsx-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let via_report = dir.join("a.xlsx");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_incentives"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "report",
            "examples/manufacturer.ron",
            "--format",
            "xlsx",
            "-o",
        ])
        .arg(&via_report)
        .status()
        .unwrap();
    assert!(status.success());
    let bytes = std::fs::read(&via_report).unwrap();
    assert_eq!(&bytes[..2], b"PK");
    let _ = std::fs::remove_dir_all(&dir);
}
