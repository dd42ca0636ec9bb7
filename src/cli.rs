//! The command line: `calc`, `report`, `export`, `check`, `rules`, `inputs`. Errors in the
//! user's files exit with code 2 and one line naming file:line:col; failed golden examples
//! exit with code 1; output that cannot be written (a closed pipe, a full disk) exits with
//! code 74 ([`EXIT_IO`]).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Parser, Subcommand, ValueEnum};

use incentives::app::files::write_atomic;
use incentives::check::{run_all, summarise, verify, Sources};
use incentives::engine::{evaluate_with, EvalError, Explainer, Traces};
use incentives::load::{load_dir, load_embedded, LoadError, RuleBase};
use incentives::messages::eval_error;
use incentives::money::parse_decimal;
use incentives::pack::{Amount, Benefit, Lang, Level};
use incentives::project::ProjectFile;
use incentives::project::{locate_year, offer_position, parse_project, read_project_text};
use incentives::render::pdf::{report_pdf, PdfMeta};
use incentives::render::{csv, json, text, xlsx};
use incentives::report::{EvalOptions, Report, SelectedReading};
use incentives::visible::VisibleLines;

#[derive(Parser, Debug)]
#[command(
    name = "incentives",
    version,
    about = "What Chongqing's investment-incentive policies pay a project, line by line, with the clause behind every yuan."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    /// With no command: open the desktop app, with this project file if one is given.
    #[arg(value_name = "PROJECT.ron")]
    pub project: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Evaluate a project file and print the breakdown.
    Calc {
        /// The project file (RON; see docs/project-file.md).
        project: PathBuf,
        /// What to print: the text breakdown, the documented JSON contract, JSON Lines
        /// (one object per line, then per year, then the total), or CSV (one row per line,
        /// then the per-year table).
        #[arg(long, value_enum, value_name = "FORMAT")]
        format: Option<CalcFormat>,
        /// Short for `--format json`.
        #[arg(long, conflicts_with = "format")]
        json: bool,
        #[command(flatten)]
        eval: EvalArgs,
        /// Explain every line in full, including ineligible and not-in-force ones.
        #[arg(long)]
        verbose: bool,
    },
    /// Evaluate a project file and write the breakdown as a spreadsheet: an Excel
    /// workbook (a summary sheet and a lines sheet) or CSV.
    Export {
        /// The project file (RON; see docs/project-file.md).
        project: PathBuf,
        /// The file to write: OUT.xlsx or OUT.csv (written whole or not at all).
        #[arg(short, long, value_name = "OUT")]
        output: PathBuf,
        /// The file's format; by default, from the name of OUT.
        #[arg(long, value_enum, value_name = "FORMAT")]
        format: Option<ExportFormat>,
        #[command(flatten)]
        eval: EvalArgs,
    },
    /// Write the report of a project file for an approval file: an A4 PDF with the
    /// per-year table, every input, each line by policy document with its clause, the
    /// 口径, a review statement and a sign-off block.
    Report {
        /// The project file (RON; see docs/project-file.md).
        project: PathBuf,
        /// Where to write the report.
        #[arg(short = 'o', long = "output", value_name = "OUT.pdf")]
        output: PathBuf,
        /// The file format.
        #[arg(long, value_enum, default_value_t = ReportFormat::Pdf)]
        format: ReportFormat,
        #[command(flatten)]
        eval: EvalArgs,
        /// The date printed on the report; today (UTC) when absent.
        #[arg(long, value_name = "YYYY-MM-DD")]
        date: Option<String>,
    },
    /// Validate rule packs and run their golden examples.
    Check {
        /// A folder of rule packs; the embedded packs when absent.
        dir: Option<PathBuf>,
    },
    /// List the loaded documents, their rules and readings.
    Rules {
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
    },
    /// List every input a project file can give: id, where it goes, unit, default, label, help.
    Inputs {
        #[arg(long, value_name = "DIR")]
        rules: Option<PathBuf>,
        #[arg(long, value_enum, default_value_t = LangArg::Zh)]
        lang: LangArg,
    },
}

/// The options every command that evaluates a project file takes.
#[derive(clap::Args, Debug)]
pub struct EvalArgs {
    /// Short for `--reading fdi_usd_converted=R`: the foreign-capital reward's USD base
    /// converted at this USD→CNY rate before the rate applies (the alternative 口径).
    #[arg(long, value_name = "R")]
    fx_rate: Option<String>,
    /// Select an alternative reading by id, `ID` or `ID=VALUE` for one that takes a
    /// parameter (repeatable; `incentives rules` lists them).
    #[arg(long = "reading", value_name = "ID[=VALUE]")]
    readings: Vec<String>,
    /// Load rule packs from this folder instead of the embedded ones (a report then says
    /// that they are not the official set, unless they are the same texts).
    #[arg(long, value_name = "DIR")]
    rules: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = LangArg::Zh)]
    lang: LangArg,
    /// Refuse an officer's offer outside the policy range instead of bringing it into the
    /// range (and an offer on a line that pays nothing).
    #[arg(long)]
    strict: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum CalcFormat {
    Text,
    Json,
    /// JSON Lines: one object per line of the report, then per year, then the total.
    Jsonl,
    Csv,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    Xlsx,
    Csv,
}

impl ExportFormat {
    /// The format a file name asks for by its extension.
    fn of_path(path: &Path) -> Option<ExportFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "xlsx" => Some(ExportFormat::Xlsx),
            "csv" => Some(ExportFormat::Csv),
            _ => None,
        }
    }

    fn name(self) -> &'static str {
        match self {
            ExportFormat::Xlsx => "xlsx",
            ExportFormat::Csv => "csv",
        }
    }
}

/// The format to export in: `--format`, else the extension of OUT; the two must agree.
fn export_format(out: &Path, asked: Option<ExportFormat>) -> Result<ExportFormat, Failure> {
    let shown = out.display();
    match (asked, ExportFormat::of_path(out)) {
        (Some(a), Some(e)) if a != e => Err(usage_error(format!(
            "{shown}: --format {} but the file name ends in .{}",
            a.name(),
            e.name()
        ))),
        (Some(f), _) | (None, Some(f)) => Ok(f),
        (None, None) => Err(usage_error(format!(
            "{shown}: name the file .xlsx or .csv, or give --format xlsx|csv"
        ))),
    }
}

/// The formats `incentives report` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// An A4 PDF (Typst layout, fonts embedded).
    Pdf,
    /// An Excel workbook: the per-year table and every line (as `export`).
    Xlsx,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum LangArg {
    Zh,
    En,
}

impl From<LangArg> for Lang {
    fn from(l: LangArg) -> Lang {
        match l {
            LangArg::Zh => Lang::Zh,
            LangArg::En => Lang::En,
        }
    }
}

/// Something the user gave cannot be used: a file that cannot be read or has an error, a
/// bad option, an output path whose folder does not exist.
pub const EXIT_BAD_INPUT: i32 = 2;
/// Golden examples failed (`check`), or a report could not be made.
pub const EXIT_FAILED: i32 = 1;
/// The output could not be written: a closed pipe, a full disk, an input/output error
/// (sysexits' EX_IOERR).
pub const EXIT_IO: i32 = 74;

/// A failure with the exit code it maps to.
pub struct Failure {
    pub code: i32,
    pub message: String,
    /// A report of several lines (`check`'s failed examples) rather than one error line.
    pub several_lines: bool,
}

impl From<LoadError> for Failure {
    fn from(e: LoadError) -> Self {
        usage_error(e.to_string())
    }
}

fn usage_error(message: String) -> Failure {
    Failure {
        code: EXIT_BAD_INPUT,
        message,
        several_lines: false,
    }
}

fn cannot_make(message: String) -> Failure {
    Failure {
        code: EXIT_FAILED,
        message,
        several_lines: false,
    }
}

/// An output file that could not be written: exit 2 when the path itself cannot be used
/// (no such folder, no permission, a folder of that name), 74 when writing failed.
fn write_failure(path: &Path, e: &std::io::Error, what: (&str, &str), lang: Lang) -> Failure {
    use std::io::ErrorKind as K;
    let problem = incentives::messages::io_problem(
        e.kind(),
        &e.to_string(),
        incentives::messages::Access::Write,
        lang,
    );
    let message = match lang {
        Lang::Zh => format!("{}: 无法写入{}：{problem}", path.display(), what.0),
        Lang::En => format!("{}: cannot write the {}: {problem}", path.display(), what.1),
    };
    let code = match e.kind() {
        K::NotFound
        | K::PermissionDenied
        | K::IsADirectory
        | K::NotADirectory
        | K::InvalidFilename
        | K::InvalidInput => EXIT_BAD_INPUT,
        _ => EXIT_IO,
    };
    Failure {
        code,
        message,
        several_lines: false,
    }
}

/// Standard output that cannot take what is written: exit 74, in the words the binary uses
/// for every output it writes.
pub fn output_failure(e: &std::io::Error, lang: Lang) -> Failure {
    let said = incentives::messages::io_problem(
        e.kind(),
        &e.to_string(),
        incentives::messages::Access::Write,
        lang,
    );
    Failure {
        code: EXIT_IO,
        message: match lang {
            Lang::Zh => format!("incentives: 无法写出结果：{said}"),
            Lang::En => format!("incentives: cannot write the output: {said}"),
        },
        several_lines: false,
    }
}

/// What a command prints on standard output.
pub struct Output {
    pub text: String,
    pub kind: OutputKind,
}

/// How the printed text is made safe for a terminal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputKind {
    /// Text for people: every control character but the line break is written out.
    Text,
    /// A format that escapes by itself (JSON, CSV): printed as made.
    Data,
}

impl Output {
    fn text(text: String) -> Output {
        Output {
            text,
            kind: OutputKind::Text,
        }
    }
}

impl Command {
    /// The language the command speaks (`--lang`; Chinese where it has none).
    pub fn lang(&self) -> Lang {
        match self {
            Command::Calc { eval, .. }
            | Command::Export { eval, .. }
            | Command::Report { eval, .. } => Lang::from(eval.lang),
            Command::Inputs { lang, .. } => Lang::from(*lang),
            Command::Check { .. } | Command::Rules { .. } => Lang::Zh,
        }
    }
}

fn rule_base(dir: Option<&Path>) -> Result<RuleBase, Failure> {
    Ok(match dir {
        Some(d) => load_dir(d)?,
        None => load_embedded()?,
    })
}

/// The reading `--fx-rate R` selects, with R as its parameter.
pub const FX_READING: &str = "fdi_usd_converted";

/// `ID` or `ID=VALUE`.
fn parse_reading(arg: &str) -> Result<SelectedReading, String> {
    let (id, param) = match arg.split_once('=') {
        Some((id, v)) => (id, Some(parse_decimal(v.trim())?)),
        None => (arg, None),
    };
    let id = id.trim();
    if id.is_empty() {
        return Err("name a reading".into());
    }
    Ok(SelectedReading {
        id: id.to_owned(),
        param,
    })
}

/// Runs one command and returns what to print on standard output.
pub fn run(command: Command) -> Result<Output, Failure> {
    match command {
        Command::Calc {
            project,
            format,
            json: as_json,
            eval,
            verbose,
        } => {
            let format = if as_json {
                CalcFormat::Json
            } else {
                format.unwrap_or(CalcFormat::Text)
            };
            // The report holds only the lines that pay or that a pass changed; every other
            // line is evaluated again, one (project, year) block at a time, as the output
            // is written, so memory follows the lines that pay, not all lines.
            let (report, parsed) = evaluate_file_with(&project, &eval, Traces::Shown)?;
            let mut explainer = Explainer::new(&parsed);
            let lang = Lang::from(eval.lang);
            let detail = if verbose {
                text::Detail::Verbose
            } else {
                text::Detail::Normal
            };
            // Every format goes to standard output as it is made, every write checked (a
            // closed pipe or a full disk is one line and exit 74): the data formats escape
            // by their own rules, the text writes out every control character a file
            // brought in as it passes (`VisibleLines`).
            let stdout = std::io::stdout();
            let mut w = std::io::BufWriter::with_capacity(1 << 16, stdout.lock());
            // The text's blocks and the JSON Lines records are made on every core and
            // written in order (each thread holds a view of the projects: no more than eight).
            let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
            let written = match format {
                CalcFormat::Text => {
                    let mut shown = VisibleLines::new(&mut w);
                    text::write_parallel(&report, &parsed, lang, detail, workers, &mut shown)
                        .and_then(|()| shown.finish().map(|_| ()))
                }
                CalcFormat::Json => json::write_json(&report, &mut explainer, lang, &mut w),
                CalcFormat::Jsonl => {
                    json::write_jsonl_parallel(&report, &parsed, lang, workers, &mut w)
                }
                _ => csv::write_csv(&report, &mut explainer, lang, &mut w),
            };
            written
                .and_then(|()| std::io::Write::flush(&mut w))
                .map_err(|e| output_failure(&e, lang))?;
            Ok(Output {
                text: String::new(),
                kind: OutputKind::Data,
            })
        }
        Command::Report {
            project,
            output,
            format,
            eval,
            date,
        } => {
            let lang = Lang::from(eval.lang);
            let date = match date {
                Some(d) => check_date(&d).map_err(|e| usage_error(format!("--date {d}: {e}")))?,
                None => incentives::render::pdf::today_utc(),
            };
            let (report, parsed) = evaluate_file(&project, &eval)?;
            let file_name = project
                .file_name()
                .map(|n| n.to_string_lossy().into_owned());
            let meta = PdfMeta::new(&date, file_name.as_deref(), Some(&parsed));
            let bytes = match format {
                ReportFormat::Pdf => report_pdf(&report, lang, &meta).map_err(|e| e.to_string()),
                ReportFormat::Xlsx => xlsx::to_xlsx(&report, lang).map_err(|e| e.to_string()),
            }
            .map_err(cannot_make)?;
            write_atomic(&output, bytes)
                .map_err(|e| write_failure(&output, &e, ("报告", "report"), lang))?;
            Ok(Output::text(String::new()))
        }
        Command::Export {
            project,
            output,
            format,
            eval,
        } => {
            let format = export_format(&output, format)?;
            let lang = Lang::from(eval.lang);
            let (report, _) = evaluate_file(&project, &eval)?;
            let bytes = match format {
                ExportFormat::Csv => csv::to_csv(&report, lang).into_bytes(),
                ExportFormat::Xlsx => xlsx::to_xlsx(&report, lang).map_err(|e| {
                    cannot_make(format!(
                        "{}: the workbook could not be made: {e}",
                        output.display()
                    ))
                })?,
            };
            write_atomic(&output, &bytes)
                .map_err(|e| write_failure(&output, &e, ("文件", "file"), lang))?;
            Ok(Output::text(String::new()))
        }
        Command::Check { dir } => {
            let base = Arc::new(rule_base(dir.as_deref())?);
            let sources = dir.as_deref().map_or(Sources::Embedded, Sources::Folder);
            let findings = verify(&base, &sources);
            let outcomes = run_all(&base);
            let mut out = String::new();
            for s in summarise(&base, &outcomes) {
                out.push_str(&format!(
                    "{}: {} rules, {} quantified, {} unquantified, {} tax, {} golden examples, {} failed, {} warnings\n",
                    s.number, s.rules, s.quantified, s.unquantified, s.tax, s.examples, s.failed, s.warnings.len()
                ));
                for w in &s.warnings {
                    out.push_str(&format!("  warning: {w}\n"));
                }
            }
            for f in &findings {
                out.push_str(&format!("{f}\n"));
            }
            let failed: Vec<_> = outcomes.iter().filter(|o| !o.failures.is_empty()).collect();
            for f in &failed {
                out.push_str(&format!("{}\n", f.finding()));
            }
            out.push_str(&format!(
                "{} passed, {} failed\n",
                outcomes.len() - failed.len(),
                failed.len()
            ));
            if !findings.is_empty() {
                let n = findings.len();
                let noun = if n == 1 { "problem" } else { "problems" };
                out.push_str(&format!("{n} {noun} in the packs\n"));
            }
            if failed.is_empty() && findings.is_empty() {
                Ok(Output::text(out))
            } else {
                Err(Failure {
                    code: EXIT_FAILED,
                    message: out,
                    several_lines: true,
                })
            }
        }
        Command::Inputs { rules, lang } => {
            let base = rule_base(rules.as_deref())?;
            Ok(Output::text(list_inputs(&base, Lang::from(lang))))
        }
        Command::Rules { rules } => {
            let base = rule_base(rules.as_deref())?;
            let mut out = String::new();
            for (d, file) in base.documents.iter().zip(&base.document_files) {
                let level = match &d.level {
                    Level::Municipal => "市级".to_owned(),
                    Level::District(n) => format!("区县级 {n}"),
                };
                let until = d
                    .in_force
                    .until
                    .map_or_else(|| "open-ended".to_owned(), |u| u.to_string());
                out.push_str(&format!(
                    "{} {} ({level}; in force {} to {until}; {file})\n",
                    d.number, d.title.zh, d.in_force.from
                ));
                if let Some(r) = &d.repealed {
                    out.push_str(&format!("  repealed by {} on {}\n", r.by, r.on));
                }
                for r in &d.rules {
                    let shape = match r.amount {
                        _ if r.benefit == Benefit::Modifier => "modifier",
                        Amount::Unquantified => "unquantified",
                        Amount::UpTo(_) => "ceiling",
                        Amount::Fixed(_) => "fixed",
                        _ => "computed",
                    };
                    out.push_str(&format!(
                        "  {:<34} {} [{shape}] {}\n",
                        r.id, r.clause, r.title.zh
                    ));
                }
                for r in &d.readings {
                    match &r.param {
                        None => {
                            out.push_str(&format!("  reading --reading {}: {}\n", r.id, r.title.en))
                        }
                        Some(p) => out.push_str(&format!(
                            "  reading --reading {}=VALUE: {} (VALUE: {}, {}, {})\n",
                            r.id,
                            r.title.en,
                            p.label.en,
                            p.unit.label(Lang::En),
                            p.range
                        )),
                    }
                }
            }
            Ok(Output::text(out))
        }
    }
}

/// Reads, parses and evaluates a project file with the command line's options; every
/// failure is one line naming the file (and the place, where there is one), exit code 2.
fn evaluate_file(project: &Path, args: &EvalArgs) -> Result<(Report, ProjectFile), Failure> {
    evaluate_file_with(project, args, Traces::Every)
}

/// [`evaluate_file`], keeping the explanations `traces` says.
fn evaluate_file_with(
    project: &Path,
    args: &EvalArgs,
    traces: Traces,
) -> Result<(Report, ProjectFile), Failure> {
    let lang = Lang::from(args.lang);
    let (readings, fx_rate, strict) = (&args.readings, args.fx_rate.as_deref(), args.strict);
    let base = Arc::new(rule_base(args.rules.as_deref())?);
    let file = project.display().to_string();
    let text_in = read_project_text(project, &file).map_err(|e| usage_error(e.render(lang)))?;
    let parsed = parse_project(&file, &text_in, &base).map_err(|e| usage_error(e.render(lang)))?;
    let mut selected = Vec::new();
    for r in readings {
        selected.push(parse_reading(r).map_err(|e| usage_error(format!("--reading {r}: {e}")))?);
    }
    if let Some(r) = fx_rate {
        let param = parse_decimal(r).map_err(|e| usage_error(format!("--fx-rate: {e}")))?;
        selected.push(SelectedReading {
            id: FX_READING.to_owned(),
            param: Some(param),
        });
    }
    let options = EvalOptions {
        readings: selected,
        strict,
    };
    let report = evaluate_with(&base, &parsed, &options, traces).map_err(|e| {
        let (line, col) = match &e {
            EvalError::YearNotCovered { project, year }
            | EvalError::TooLarge { project, year, .. } => {
                locate_year(&text_in, project.as_deref(), *year)
            }
            EvalError::OfferOutOfRange { offer, .. }
            | EvalError::OfferNotApplicable { offer, .. }
            | EvalError::DuplicateOffer { offer, .. } => {
                offer_position(&text_in, &base.catalog, *offer)
            }
            // Errors of the command line's own options.
            _ => return usage_error(eval_error(&e, lang)),
        };
        usage_error(format!("{file}:{line}:{col}: {}", eval_error(&e, lang)))
    })?;
    Ok((report, parsed))
}

/// `YYYY-MM-DD` with a real month and day, as written.
fn check_date(text: &str) -> Result<String, String> {
    let t = text.trim();
    let parts: Vec<&str> = t.split('-').collect();
    let ok = parts.len() == 3
        && parts[0].len() == 4
        && parts[1].len() == 2
        && parts[2].len() == 2
        && parts.iter().all(|p| p.bytes().all(|b| b.is_ascii_digit()));
    let (y, mo, d) = if ok {
        (
            parts[0].parse::<i64>().unwrap_or(0),
            parts[1].parse::<u32>().unwrap_or(0),
            parts[2].parse::<u32>().unwrap_or(0),
        )
    } else {
        (0, 0, 0)
    };
    if !ok || !(1..=12).contains(&mo) || d == 0 || d > days_in_month(y, mo) {
        return Err("write the date as YYYY-MM-DD, e.g. 2025-06-30".into());
    }
    Ok(t.to_owned())
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// The input catalogue as text, grouped by where each input is written in a project file.
fn list_inputs(base: &RuleBase, lang: Lang) -> String {
    use incentives::inputs::scope_place;
    use incentives::pack::{InputKind, RawValue, Scope};
    let mut out = String::new();
    for scope in [
        Scope::Subject,
        Scope::SubjectYear,
        Scope::Project,
        Scope::ProjectYear,
    ] {
        out.push_str(&format!("== {}\n", scope_place(scope)));
        for d in base.catalog.decls.iter().filter(|d| d.scope == scope) {
            let kind = match &d.kind {
                InputKind::Number(u) => {
                    let unit = u.label(lang);
                    if unit.is_empty() {
                        "number".to_owned()
                    } else {
                        format!("number, {unit}")
                    }
                }
                InputKind::Flag => "true/false".to_owned(),
                InputKind::Year => "year".to_owned(),
                InputKind::Date => "date YYYY-MM-DD".to_owned(),
                InputKind::Dated(u) => {
                    let unit = u.label(lang);
                    format!("amounts with dates [(\"YYYY-MM-DD\", \"amount\"), …] or one yearly figure, {unit}")
                }
                InputKind::Choice(options) => format!(
                    "one of: {}",
                    options
                        .iter()
                        .map(|o| o.id.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            let default = match &d.default {
                Some(RawValue::Text(t)) => format!("; default \"{t}\""),
                Some(RawValue::Bool(b)) => format!("; default {b}"),
                Some(RawValue::Integer(i)) => format!("; default {i}"),
                Some(RawValue::Float(f)) => format!("; default {f}"),
                // Dated inputs take no default (refused when the catalogue is made).
                Some(RawValue::List(_)) => String::new(),
                None => String::new(),
            };
            let range = match &d.range {
                Some(r) => {
                    let mut parts = Vec::new();
                    match (r.min, r.max) {
                        (Some(lo), Some(hi)) => parts.push(format!("range {}–{}", lo.0, hi.0)),
                        (Some(lo), None) if !lo.0.is_zero() => {
                            parts.push(format!("at least {}", lo.0))
                        }
                        (None, Some(hi)) => parts.push(format!("at most {}", hi.0)),
                        _ => {}
                    }
                    if r.whole {
                        parts.push("whole".to_owned());
                    }
                    parts.iter().map(|p| format!("; {p}")).collect::<String>()
                }
                None => String::new(),
            };
            let required = if d.required { "; required" } else { "" };
            out.push_str(&format!("{}  ({kind}{default}{range}{required})\n", d.id));
            let slot = base.catalog.slot(&d.id).unwrap_or(usize::MAX);
            let group = base
                .catalog
                .group_of(slot)
                .map_or("", |g| g.label.get(lang));
            let readers = base.catalog.used_by(slot);
            let read_by = if readers.is_empty() {
                "-".to_owned()
            } else {
                readers.join(", ")
            };
            let (g, r) = match lang {
                Lang::Zh => ("分组", "读取规则"),
                Lang::En => ("group", "read by"),
            };
            out.push_str(&text::wrap(
                &format!("{g}: {group} · {r}: {read_by}"),
                text::WIDTH,
                "    ",
                "    ",
            ));
            out.push('\n');
            let text = format!("{}: {}", d.label.get(lang), d.help.get(lang));
            out.push_str(&text::wrap(&text, text::WIDTH, "    ", "    "));
            out.push('\n');
        }
        out.push('\n');
    }
    out
}
