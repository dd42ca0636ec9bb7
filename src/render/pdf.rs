//! The printed report: an A4 PDF for an approval file. The layout is a Typst template
//! (`assets/report/report.typ`, embedded), so it changes without Rust; this module only
//! serves it the report's JSON (`render::json`, the same contract as `calc --json`) plus a
//! `meta` object (date, file name, rule-pack version and content hash, the inputs given,
//! per-line labels) and the bundled font, through a Typst `World`. It computes nothing.

use std::sync::OnceLock;

use serde_json::{json, Value as Json};
use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime, Smart};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt, World, WorldExt};
use typst_layout::PagedDocument;

use crate::inputs::InputCatalog;
use crate::load::embedded_fingerprint;
use crate::messages::{dated_text, disposition_label, line_figure, summary_note, value_text};
use crate::pack::{InputKind, Lang};
use crate::project::{InputValues, ProjectFile};
use crate::render::json::to_json;
use crate::report::Report;

/// The Typst template of the printed report.
pub const TEMPLATE: &str = include_str!("../../assets/report/report.typ");
/// The font the report is set in (embedded in the PDF as a subset).
const FONT: &[u8] = include_bytes!("../../assets/fonts/NotoSansSC-Subset.otf");

const TEMPLATE_PATH: &str = "/report.typ";
const DATA_PATH: &str = "/report.json";

/// What the printed report says besides the report itself.
#[derive(Clone, Debug, Default)]
pub struct PdfMeta {
    /// The date printed in the title block and the running header, as written
    /// (`2025-06-01`).
    pub date: String,
    /// The project file's name, for the running header.
    pub file_name: Option<String>,
    /// The project file the report was evaluated from: every value it gives is listed
    /// with its label and unit. Without it the inputs section is left out.
    pub project: Option<ProjectFile>,
}

impl PdfMeta {
    /// Meta for a report dated `date`, listing the inputs of `project`.
    pub fn new(date: &str, file_name: Option<&str>, project: Option<&ProjectFile>) -> PdfMeta {
        PdfMeta {
            date: date.to_owned(),
            file_name: file_name.map(str::to_owned),
            project: project.cloned(),
        }
    }
}

/// Why no PDF was made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PdfError {
    /// The template failed to compile against this report (a template or data error).
    #[error("report template: {0}")]
    Template(String),
    /// The laid-out document could not be written as PDF.
    #[error("PDF export: {0}")]
    Export(String),
    /// The bundled font could not be read.
    #[error("the bundled font could not be read")]
    Font,
}

/// One value a project file gives, worded for the inputs table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GivenInput {
    /// `None` for the firm's own inputs; else the project's id and name.
    pub project: Option<String>,
    /// `None` for inputs constant over the years.
    pub year: Option<u16>,
    pub label: String,
    /// The value in its unit (`35,000,000 美元`), 是/否, or the option's label.
    pub value: String,
    /// The unit's label, empty for yes/no, options and plain counts.
    pub unit: String,
}

/// Every value `project` gives, firm first, then each project, constant values before
/// the years, in catalogue order.
pub fn given_inputs(catalog: &InputCatalog, project: &ProjectFile, lang: Lang) -> Vec<GivenInput> {
    fn push<S>(
        out: &mut Vec<GivenInput>,
        catalog: &InputCatalog,
        lang: Lang,
        who: Option<String>,
        year: Option<u16>,
        values: &InputValues<S>,
    ) {
        for (slot, value) in &values.values {
            let Some(decl) = catalog.decls.get(*slot) else {
                continue;
            };
            out.push(GivenInput {
                project: who.clone(),
                year,
                label: decl.label.get(lang).to_owned(),
                // A dated input shows each entry with its date, then the total.
                value: match values.dated(*slot) {
                    Some(entries) => dated_text(catalog, *slot, entries, lang),
                    None => value_text(catalog, *slot, *value, lang),
                },
                unit: match &decl.kind {
                    InputKind::Number(u) | InputKind::Dated(u) => u.label(lang).to_owned(),
                    _ => String::new(),
                },
            });
        }
    }
    let mut out = Vec::new();
    push(&mut out, catalog, lang, None, None, &project.subject.inputs);
    for (y, v) in &project.subject.years {
        push(&mut out, catalog, lang, None, Some(y.0), v);
    }
    for p in &project.projects {
        let who = match &p.name {
            Some(n) => format!("{} {n}", p.id),
            None => p.id.clone(),
        };
        push(&mut out, catalog, lang, Some(who.clone()), None, &p.inputs);
        for (y, v) in &p.years {
            push(&mut out, catalog, lang, Some(who.clone()), Some(y.0), v);
        }
    }
    out
}

/// The data the template reads as `/report.json`: `{"report": …, "meta": …}`.
pub fn report_data(report: &Report, lang: Lang, meta: &PdfMeta) -> Json {
    let base = report.rule_base();
    let inputs: Vec<Json> = meta
        .project
        .as_ref()
        .map(|p| given_inputs(&base.catalog, p, lang))
        .unwrap_or_default()
        .into_iter()
        .map(|i| {
            json!({
                "project": i.project, "year": i.year, "label": i.label,
                "value": i.value, "unit": i.unit,
            })
        })
        .collect();
    let lines: Vec<Json> = report
        .lines
        .iter()
        .map(|l| {
            json!({
                "label": disposition_label(l.disposition, lang),
                "figure": line_figure(l, lang),
            })
        })
        .collect();
    json!({
        "report": to_json(report, lang),
        "meta": {
            "lang": match lang { Lang::Zh => "zh", Lang::En => "en" },
            "date": meta.date,
            "file": meta.file_name,
            "version": env!("CARGO_PKG_VERSION"),
            "fingerprint": base.fingerprint,
            "official": base.fingerprint == embedded_fingerprint(),
            "summary_note": summary_note(&report.total, lang),
            "inputs_given": meta.project.is_some(),
            "inputs": inputs,
            "lines": lines,
        },
    })
}

/// What every report shares: the standard library, the font and the parsed template.
struct Shared {
    library: LazyHash<Library>,
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
    main: FileId,
    data: FileId,
    template: Source,
}

fn file_id(path: &str) -> Option<FileId> {
    let vpath = VirtualPath::new(path).ok()?;
    Some(RootedPath::new(VirtualRoot::Project, vpath).intern())
}

fn shared() -> Result<&'static Shared, PdfError> {
    static SHARED: OnceLock<Option<Shared>> = OnceLock::new();
    SHARED
        .get_or_init(|| {
            let fonts: Vec<Font> = Font::iter(Bytes::new(FONT)).collect();
            if fonts.is_empty() {
                return None;
            }
            let main = file_id(TEMPLATE_PATH)?;
            Some(Shared {
                library: LazyHash::new(Library::builder().build()),
                book: LazyHash::new(FontBook::from_fonts(&fonts)),
                fonts,
                main,
                data: file_id(DATA_PATH)?,
                template: Source::new(main, TEMPLATE.to_owned()),
            })
        })
        .as_ref()
        .ok_or(PdfError::Font)
}

/// The template, the report's data and the font; nothing else is readable.
struct ReportWorld {
    shared: &'static Shared,
    data: Bytes,
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &self.shared.library
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &self.shared.book
    }

    fn main(&self) -> FileId {
        self.shared.main
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.shared.main {
            Ok(self.shared.template.clone())
        } else if id == self.shared.data {
            Err(FileError::NotSource)
        } else {
            Err(not_found(id))
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == self.shared.data {
            Ok(self.data.clone())
        } else if id == self.shared.main {
            Ok(Bytes::from_string(TEMPLATE))
        } else {
            Err(not_found(id))
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        self.shared.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        // The report's date comes from `meta.date`; the template never asks the clock.
        None
    }
}

fn not_found(id: FileId) -> FileError {
    FileError::NotFound(id.vpath().get_without_slash().into())
}

/// One diagnostic on one line, with its place in the template where it has one.
fn diagnostic(world: &ReportWorld, d: &SourceDiagnostic) -> String {
    let place = world
        .range(d.span)
        .map(|r| {
            let before = &TEMPLATE[..r.start.min(TEMPLATE.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("assets/report/report.typ:{line}:{col}: ")
        })
        .unwrap_or_default();
    let hints: String = d
        .hints
        .iter()
        .map(|h| format!(" (hint: {})", h.v))
        .collect();
    format!("{place}{}{hints}", d.message).replace('\n', " ")
}

/// The report as an A4 PDF in `lang`: the per-year table first, then the inputs, the
/// lines by policy document, each paying line explained with its clause, the 口径, a
/// review statement and a sign-off block. The second report reuses the parsed font,
/// library and template, so it is much faster than the first.
pub fn report_pdf(report: &Report, lang: Lang, meta: &PdfMeta) -> Result<Vec<u8>, PdfError> {
    let shared = shared()?;
    let data = serde_json::to_string(&report_data(report, lang, meta))
        .map_err(|e| PdfError::Template(e.to_string()))?;
    let world = ReportWorld {
        shared,
        data: Bytes::from_string(data),
    };
    let compiled = typst::compile::<PagedDocument>(&world).output;
    // Keep the compiler's memo cache from growing with every report an app prints.
    typst::comemo::evict(10);
    let document = compiled.map_err(|errors| {
        PdfError::Template(
            errors
                .iter()
                .map(|d| diagnostic(&world, d))
                .collect::<Vec<_>>()
                .join("; "),
        )
    })?;
    let options = typst_pdf::PdfOptions {
        ident: Smart::Custom(format!("incentives:{}", report.subject)),
        creator: Smart::Custom(Some(format!("incentives {}", env!("CARGO_PKG_VERSION")))),
        ..typst_pdf::PdfOptions::default()
    };
    typst_pdf::pdf(&document, &options).map_err(|errors| {
        PdfError::Export(
            errors
                .iter()
                .map(|d| d.message.to_string())
                .collect::<Vec<_>>()
                .join("; "),
        )
    })
}

/// Today's date in UTC as `YYYY-MM-DD` (civil from days since 1970-01-01).
pub fn today_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}
