//! Fuzzing on the stable toolchain: structure-aware generators (proptest) for rule packs,
//! project files and report rendering, each run for a stretch of time. `cargo test` runs
//! each target for a few seconds; the ignored tests run it for `FUZZ_SECONDS` (600 when
//! unset), one after the other:
//!
//! ```sh
//! FUZZ_SECONDS=600 cargo test --test fuzz -- --ignored --nocapture --test-threads 1
//! ```
//!
//! A failure prints the shrunk case and the seed (`FUZZ_SEED=… ` repeats the run).
//! What each target checks is in `docs/robustness.md`.

mod packs;
mod projects;
mod runner;
mod values;

use std::path::Path;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use incentives::check::{run_all, run_example, verify, Sources};
use incentives::engine::{evaluate, evaluate_with, Explainer, Traces};
use incentives::load::{load_embedded, load_texts, LoadError, RuleBase};
use incentives::pack::Lang;
use incentives::project::{parse_project, ProjectError};
use incentives::render::{csv, json, pdf, text, xlsx};
use incentives::report::{EvalOptions, Report};
use proptest::prelude::*;

use packs::{apply, document, edit, Edit, Names};
use projects::{options, project_file, Catalogue};
use runner::{budget, fuzz, tally};

/// The short run of each target under `cargo test`.
const BRIEFLY: Duration = Duration::from_secs(3);
/// The long run's default, when `FUZZ_SECONDS` is not set.
const LONG: Duration = Duration::from_secs(600);

fn base() -> &'static Arc<RuleBase> {
    static BASE: OnceLock<Arc<RuleBase>> = OnceLock::new();
    BASE.get_or_init(|| Arc::new(load_embedded().expect("embedded packs load")))
}

/// The shipped packs' files, named as `--rules rules` names them.
fn shipped() -> &'static Vec<(String, String)> {
    static FILES: OnceLock<Vec<(String, String)>> = OnceLock::new();
    FILES.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
        let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "ron"))
            .map(|p| {
                let name = format!("rules/{}", p.file_name().unwrap().to_string_lossy());
                (name, std::fs::read_to_string(&p).unwrap())
            })
            .collect();
        files.sort();
        files
    })
}

/// The shipped example project files.
fn example_projects() -> &'static Vec<String> {
    static TEXTS: OnceLock<Vec<String>> = OnceLock::new();
    TEXTS.get_or_init(|| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
        let mut texts: Vec<(String, String)> = std::fs::read_dir(&dir)
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
        texts.sort();
        texts.into_iter().map(|(_, t)| t).collect()
    })
}

/// A load error is one line, names a file that was loaded, and a place in it (the only
/// errors without one concern the set of files, not a place in a file).
fn check_load_error(e: &LoadError, files: &[(String, String)]) -> Result<(), TestCaseError> {
    if std::env::var_os("FUZZ_SHOW").is_some() {
        eprintln!("refused: {e}");
    }
    let shown = e.to_string();
    prop_assert!(
        !shown.contains('\n') && !shown.contains('\r'),
        "not one line: {shown}"
    );
    prop_assert!(
        files.iter().any(|(f, _)| *f == e.file),
        "no such file: {shown}"
    );
    prop_assert!(
        shown.starts_with(&format!("{}:{}:{}: ", e.file, e.line, e.col)),
        "{shown}"
    );
    let of_the_set = e.message.contains("no `Document(` rule pack");
    prop_assert!(e.line > 0 || of_the_set, "no place: {shown}");
    Ok(())
}

/// A project error is one line at a place in the file.
fn check_project_error(e: &ProjectError) -> Result<(), TestCaseError> {
    if std::env::var_os("FUZZ_SHOW").is_some() {
        eprintln!("refused: {}", e.render(Lang::En));
    }
    for lang in [Lang::Zh, Lang::En] {
        let shown = e.render(lang);
        prop_assert!(
            !shown.contains('\n') && !shown.contains('\r'),
            "not one line: {shown}"
        );
        prop_assert!(shown.starts_with("fuzz.ron:"), "{shown}");
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// (a) Rule packs

#[derive(Debug, Clone)]
enum PackCase {
    /// A shipped pack file with edits.
    Edited { file: String, edits: Vec<Edit> },
    /// A generated document beside the shipped packs.
    Generated(String),
}

fn pack_cases() -> BoxedStrategy<PackCase> {
    let names: Vec<String> = shipped().iter().map(|(f, _)| f.clone()).collect();
    let (project, firm) = (Names::of(base(), false), Names::of(base(), true));
    prop_oneof![
        3 => (prop::sample::select(names), prop::collection::vec(edit(), 1..4))
            .prop_map(|(file, edits)| PackCase::Edited { file, edits }),
        2 => document(&project, &firm).prop_map(PackCase::Generated),
    ]
    .boxed()
}

fn check_pack(case: PackCase) -> Result<(), TestCaseError> {
    let (files, changed): (Vec<(String, String)>, String) = match &case {
        PackCase::Edited { file, edits } => {
            let files = shipped()
                .iter()
                .map(|(f, t)| {
                    if f == file {
                        let edited = edits.iter().fold(t.clone(), |t, e| apply(&t, e));
                        (f.clone(), edited)
                    } else {
                        (f.clone(), t.clone())
                    }
                })
                .collect();
            (files, file.clone())
        }
        PackCase::Generated(doc) => {
            let mut files = shipped().clone();
            files.push(("generated.ron".into(), doc.clone()));
            (files, "generated.ron".into())
        }
    };
    let generated = matches!(case, PackCase::Generated(_));
    let base = match load_texts(&files) {
        Err(e) => {
            tally(if generated {
                "generated, refused"
            } else {
                "edited, refused"
            });
            return check_load_error(&e, &files);
        }
        Ok(b) => Arc::new(b),
    };
    tally(if generated {
        "generated, loaded"
    } else {
        "edited, loaded"
    });
    for f in verify(&base, &Sources::Embedded) {
        prop_assert!(!f.to_string().contains('\n'), "{f}");
    }
    // The golden examples of the changed file: each holds or says why, never panics.
    for slot in &base.rules {
        if base.document_files[slot.document()] != changed {
            continue;
        }
        let rule = base.rule(*slot);
        for ex in &rule.examples {
            let _ = run_example(&base, rule, ex);
        }
    }
    // The shipped example projects against the changed packs.
    for text_in in example_projects() {
        if let Ok(project) = parse_project("fuzz.ron", text_in, &base) {
            if let Ok(report) = evaluate(&base, &project, &EvalOptions::default()) {
                let _ = text::render(&report, Lang::En, text::Detail::Verbose);
            }
        }
    }
    Ok(())
}

#[test]
fn rule_packs_briefly() {
    fuzz("rule packs", BRIEFLY, pack_cases(), check_pack);
}

#[test]
#[ignore = "long: FUZZ_SECONDS (600 by default)"]
fn rule_packs() {
    fuzz("rule packs", budget(LONG), pack_cases(), check_pack);
}

// ---------------------------------------------------------------------------------------
// (b) Project files

fn project_cases() -> BoxedStrategy<(String, Vec<Edit>, EvalOptions)> {
    let cat = Catalogue::of(base());
    (
        project_file(&cat, false),
        prop_oneof![Just(Vec::new()), prop::collection::vec(edit(), 1..3)],
        options(&cat, false),
    )
        .boxed()
}

fn check_project(
    (written, edits, options): (String, Vec<Edit>, EvalOptions),
) -> Result<(), TestCaseError> {
    let text_in = edits.iter().fold(written, |t, e| apply(&t, e));
    let project = match parse_project("fuzz.ron", &text_in, base()) {
        Err(e) => {
            tally("refused");
            return check_project_error(&e);
        }
        Ok(p) => p,
    };
    match evaluate(base(), &project, &options) {
        Err(e) => {
            if std::env::var_os("FUZZ_SHOW").is_some() {
                eprintln!("evaluation refused: {e}");
            }
            tally("read, evaluation refused");
            let shown = e.to_string();
            prop_assert!(!shown.contains('\n'), "not one line: {shown}");
        }
        Ok(report) => {
            tally("evaluated and rendered");
            render_all(&report, &project, Lang::Zh)?
        }
    }
    Ok(())
}

#[test]
fn project_files_briefly() {
    fuzz("project files", BRIEFLY, project_cases(), check_project);
}

#[test]
#[ignore = "long: FUZZ_SECONDS (600 by default)"]
fn project_files() {
    fuzz(
        "project files",
        budget(LONG),
        project_cases(),
        check_project,
    );
}

// ---------------------------------------------------------------------------------------
// (c) Report rendering

/// Every output of a report: the text (80 columns), the JSON contract (valid JSON), the
/// CSV (a BOM, records a reader accepts, all of one width), the workbook (a zip), and the
/// PDF's JSON input (valid JSON with its meta).
fn render_all(
    report: &Report,
    project: &incentives::project::ProjectFile,
    lang: Lang,
) -> Result<(), TestCaseError> {
    for detail in [text::Detail::Normal, text::Detail::Verbose] {
        let shown = text::render(report, lang, detail);
        for line in shown.lines() {
            let width = unicode_width::UnicodeWidthStr::width(line);
            prop_assert!(width <= text::WIDTH, "{width} columns: {line}");
        }
    }
    let contract = serde_json::to_string(&json::to_json(report, lang)).expect("serialises");
    prop_assert!(serde_json::from_str::<serde_json::Value>(&contract).is_ok());
    let table = csv::to_csv(report, lang);
    prop_assert!(table.starts_with('\u{feff}'), "no BOM");
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(table.trim_start_matches('\u{feff}').as_bytes());
    for record in reader.records() {
        prop_assert!(record.is_ok(), "{:?}", record.err());
    }
    match xlsx::to_xlsx(report, lang) {
        Ok(bytes) => prop_assert!(bytes.starts_with(b"PK"), "not a zip"),
        Err(e) => prop_assert!(!e.to_string().contains('\n'), "{e}"),
    }
    let meta = pdf::PdfMeta::new("2026-01-01", Some("fuzz.ron"), Some(project));
    let data = pdf::report_data(report, lang, &meta);
    let data = serde_json::to_string(&data).expect("serialises");
    prop_assert!(data.contains("\"meta\""), "no meta");
    Ok(())
}

/// The command line's outputs of a sparse report (the lines that pay nothing evaluated
/// again as they are written) are those of the whole report, byte for byte.
fn same_when_sparse(
    whole: &Report,
    project: &incentives::project::ProjectFile,
    options: &EvalOptions,
    lang: Lang,
) -> Result<(), TestCaseError> {
    let sparse = evaluate_with(base(), project, options, Traces::Shown).expect("evaluates again");
    let mut explainer = Explainer::new(project);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    text::write(whole, lang, text::Detail::Normal, &mut a).expect("in memory");
    text::write_with(&sparse, &mut explainer, lang, text::Detail::Normal, &mut b)
        .expect("in memory");
    prop_assert!(a == b, "text differs");
    let (mut a, mut b) = (Vec::new(), Vec::new());
    json::write_jsonl(whole, &mut Explainer::whole(), lang, &mut a).expect("in memory");
    json::write_jsonl(&sparse, &mut explainer, lang, &mut b).expect("in memory");
    prop_assert!(a == b, "JSON Lines differ");
    let (mut a, mut b) = (Vec::new(), Vec::new());
    csv::write_csv(whole, &mut Explainer::whole(), lang, &mut a).expect("in memory");
    csv::write_csv(&sparse, &mut explainer, lang, &mut b).expect("in memory");
    prop_assert!(a == b, "CSV differs");
    Ok(())
}

fn report_cases() -> BoxedStrategy<(String, EvalOptions, bool)> {
    let cat = Catalogue::of(base());
    (project_file(&cat, true), options(&cat, true), any::<bool>()).boxed()
}

fn check_report(
    (written, options, english): (String, EvalOptions, bool),
) -> Result<(), TestCaseError> {
    let project = match parse_project("fuzz.ron", &written, base()) {
        Ok(p) => p,
        // A careful file can still name a year no policy covers or a date outside its year.
        Err(e) => {
            tally("refused");
            return check_project_error(&e);
        }
    };
    let lang = if english { Lang::En } else { Lang::Zh };
    match evaluate(base(), &project, &options) {
        Ok(report) => {
            tally("rendered");
            render_all(&report, &project, lang)?;
            same_when_sparse(&report, &project, &options, lang)
        }
        Err(e) => {
            if std::env::var_os("FUZZ_SHOW").is_some() {
                eprintln!("evaluation refused: {e}");
            }
            tally("evaluation refused");
            prop_assert!(!e.to_string().contains('\n'), "{e}");
            Ok(())
        }
    }
}

#[test]
fn reports_briefly() {
    fuzz("reports", BRIEFLY, report_cases(), check_report);
}

#[test]
#[ignore = "long: FUZZ_SECONDS (600 by default)"]
fn reports() {
    fuzz("reports", budget(LONG), report_cases(), check_report);
}

/// The golden examples of the shipped packs hold under the fuzz build too (a sanity check
/// of the harness's base).
#[test]
fn the_harness_base_is_the_shipped_one() {
    let outcomes = run_all(base());
    assert!(outcomes.iter().all(|o| o.failures.is_empty()));
    assert!(!example_projects().is_empty());
}

// ---------------------------------------------------------------------------------------
// Findings, each kept as a regression test

/// Found by the report target: a ceiling of 99,974,000,000.00 (47号 六（十九）: up to
/// 20,000 yuan per foreign invention patent × 4,998,700 patents = 99,974,000,000) is wider
/// than its column of the per-year table, so it ran into the figure before it
/// ("0.0099,974,000,000.00") and a larger one pushed the row past 80 columns.
#[test]
fn wide_figures_in_the_per_year_table_stay_apart_within_80_columns() {
    let written = r#"Project(
        subject: (name: "宽数字", years: {2021: {"foreign_invention_patents_granted": "4998700"}}),
        projects: [(id: "P1", inputs: {"industry": "manufacturing", "project_kind": "new"}, years: {2021: {}})],
    )"#;
    for count in ["4998700", "4999999999"] {
        let project =
            parse_project("wide.ron", &written.replace("4998700", count), base()).unwrap();
        let report = evaluate(base(), &project, &EvalOptions::default()).unwrap();
        for lang in [Lang::Zh, Lang::En] {
            let shown = text::render(&report, lang, text::Detail::Normal);
            for line in shown.lines() {
                assert!(
                    unicode_width::UnicodeWidthStr::width(line) <= text::WIDTH,
                    "{line}"
                );
            }
            // 4,999,999,999 × 20,000 = 99,999,999,980,000
            let ceiling = if count == "4998700" {
                "99,974,000,000.00"
            } else {
                "99,999,999,980,000.00"
            };
            let total = shown
                .lines()
                .find(|l| l.starts_with(if lang == Lang::Zh { "合计" } else { "Total" }))
                .unwrap();
            assert!(total.contains(&format!(" {ceiling}")), "{total}");
            assert!(!total.contains(&format!("0.00{ceiling}")), "{total}");
        }
    }
}

/// Found by the rule-pack target: a rate base in the units of a ratio far past 100%
/// (a tax rate of 0.25 × 9,999,999,999,999,999,999,999,999,999 = 2,499,999,999,999,999,999,999,999,999.75)
/// was worded as a percentage by multiplying by 100, which overflowed the decimal type
/// and panicked while explaining the line. It is worded as the ratio it is.
#[test]
fn a_ratio_too_large_for_a_percentage_is_explained_without_a_panic() {
    let doc = r#"Document(number: "生成〔2024〕1号", title: (zh: "生成", en: "Generated"), issuer: "测试",
        level: Municipal, issued: "2020-01-01", in_force: (from: "2023-01-01", basis: (zh: "测", en: "t")),
        source: (file: "000_88296399dd338fd7.txt", lines: (1, 100)),
        rules: [Rule(id: "huge_ratio", title: (zh: "规则", en: "Rule"), clause: "一", line: 1, quote: "测试。",
            lead: ["未载明"], benefit: Grant, per: SubjectYear,
            amount: Rate(base: Times(Input("enterprise_income_tax_rate"), "9999999999999999999999999999"), rate: "0", kind: AtMost),
            ceiling: (period: PerYear))])"#;
    let mut files = shipped().clone();
    files.push(("generated.ron".into(), doc.into()));
    let base = Arc::new(load_texts(&files).expect("loads"));
    let project =
        parse_project("fuzz.ron", &example_projects()[0], &base).expect("the example reads");
    let report = evaluate(&base, &project, &EvalOptions::default()).expect("evaluates");
    let shown = text::render(&report, Lang::En, text::Detail::Verbose);
    // The default tax rate 0.25 × 9,999,999,999,999,999,999,999,999,999, as a ratio, not a
    // percentage (the decimal type keeps 29 digits, so the .75 shows as .8).
    let words = shown.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("= 2,499,999,999,999,999,999,999,999,999.8 × 0%"),
        "{shown}"
    );
    assert_eq!(
        incentives::money::percent(rust_decimal::Decimal::new(4, 2)),
        "4%"
    );
}
