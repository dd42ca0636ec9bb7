//! What `incentives check` and `cargo test` verify of a rule base: every quote verbatim in
//! its policy text and starting on its cited line, every source text present, every
//! reference resolvable ([`verify`]); and the golden examples, the hand-computed cases
//! written beside each rule, run against the whole rule base (so stacking with other
//! documents is part of what they check).

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use std::sync::Arc;

use crate::engine::evaluate;
use crate::inputs::Given;
use crate::load::{embedded_source, typed_inputs, LoadError, RuleBase};
use crate::money::fen_string;
use crate::pack::{Amount, Benefit, Example, RawValue, Rule, Scope};
use crate::project::{InputValues, Project, ProjectFile, Subject, Year};
use crate::report::{EvalOptions, Node, SelectedReading};
use crate::spans::At;

/// The outcome of one golden example.
#[derive(Debug, Clone)]
pub struct ExampleOutcome {
    /// The pack file, line and column of the example's name.
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub document: String,
    pub rule: String,
    pub example: String,
    /// Empty when the example holds.
    pub failures: Vec<String>,
}

impl ExampleOutcome {
    /// A failed example as one line: `file:line:col: rule `id`: example "name" FAILED: …`.
    pub fn finding(&self) -> LoadError {
        LoadError {
            file: self.file.clone(),
            line: self.line,
            col: self.col,
            rule: Some(self.rule.clone()),
            message: format!(
                "example \"{}\" FAILED: {}",
                self.example,
                self.failures.join("; ")
            ),
        }
    }
}

/// Per-document counts printed by `incentives check`.
#[derive(Debug, Clone, Default)]
pub struct DocumentSummary {
    pub number: String,
    pub rules: usize,
    pub quantified: usize,
    pub unquantified: usize,
    pub tax: usize,
    pub examples: usize,
    pub failed: usize,
    pub warnings: Vec<String>,
}

/// Builds the one-firm, one-project file an example describes.
pub fn example_project(base: &RuleBase, ex: &Example) -> Result<ProjectFile, String> {
    let catalog = &base.catalog;
    let split = |map: &BTreeMap<String, RawValue>,
                 year: u16|
     -> Result<BTreeMap<Scope, Vec<(usize, Given)>>, String> {
        let mut by: BTreeMap<Scope, Vec<(usize, Given)>> = BTreeMap::new();
        for (slot, v) in typed_inputs(catalog, map, year)? {
            by.entry(catalog.decls[slot].scope)
                .or_default()
                .push((slot, v));
        }
        Ok(by)
    };
    let mut main = split(&ex.inputs, ex.year)?;
    let mut subject_years = BTreeMap::new();
    let mut project_years = BTreeMap::new();
    type ByScope = BTreeMap<Scope, Vec<(usize, Given)>>;
    let mut years: Vec<(u16, ByScope)> = Vec::new();
    for (y, map) in &ex.earlier {
        years.push((*y, split(map, *y)?));
    }
    years.push((ex.year, std::mem::take(&mut main)));
    let mut project_inputs = Vec::new();
    let mut subject_inputs = Vec::new();
    let mut has_project = false;
    for (y, mut by) in years {
        subject_inputs.extend(by.remove(&Scope::Subject).unwrap_or_default());
        let p = by.remove(&Scope::Project).unwrap_or_default();
        has_project |= !p.is_empty() || by.contains_key(&Scope::ProjectYear);
        project_inputs.extend(p);
        subject_years.insert(
            Year(y),
            values_of(by.remove(&Scope::SubjectYear).unwrap_or_default())?,
        );
        project_years.insert(
            Year(y),
            values_of(by.remove(&Scope::ProjectYear).unwrap_or_default())?,
        );
    }
    subject_inputs.sort_by_key(|x| x.0);
    subject_inputs.dedup_by_key(|x| x.0);
    project_inputs.sort_by_key(|x| x.0);
    project_inputs.dedup_by_key(|x| x.0);
    let mut projects = Vec::new();
    if has_project {
        projects.push(Project {
            id: "example".into(),
            name: None,
            inputs: values_of(project_inputs)?,
            years: project_years,
        });
    }
    for (i, map) in ex.other_projects.iter().enumerate() {
        let mut by = split(map, ex.year)?;
        let inputs = by.remove(&Scope::Project).unwrap_or_default();
        if by
            .keys()
            .any(|s| matches!(s, Scope::Subject | Scope::SubjectYear))
        {
            return Err(
                "`other_projects` take project inputs only; put firm inputs in `inputs`".into(),
            );
        }
        let mut years = BTreeMap::new();
        years.insert(
            Year(ex.year),
            values_of(by.remove(&Scope::ProjectYear).unwrap_or_default())?,
        );
        projects.push(Project {
            id: format!("other{}", i + 1),
            name: None,
            inputs: values_of(inputs)?,
            years,
        });
    }
    let file = ProjectFile {
        subject: Subject {
            name: ex.name.clone(),
            inputs: values_of(subject_inputs)?,
            years: subject_years,
        },
        projects,
        offers: Vec::new(),
    };
    file.validate(catalog)
        .map_err(|e| e.message(crate::pack::Lang::En))?;
    Ok(file)
}

/// Values of one place from typed inputs; refuses dated entries too large to add up.
fn values_of<S>(given: Vec<(usize, Given)>) -> Result<InputValues<S>, String> {
    InputValues::from_given(given)
        .ok_or_else(|| "dated amounts too large to add up (beyond 28 digits)".to_owned())
}

fn fmt_opt(v: Option<rust_decimal::Decimal>) -> String {
    v.map_or_else(|| "none".into(), fen_string)
}

/// Runs one example; the failures say expected and found.
pub fn run_example(base: &Arc<RuleBase>, rule: &Rule, ex: &Example) -> Vec<String> {
    let file = match example_project(base, ex) {
        Ok(f) => f,
        Err(e) => return vec![e],
    };
    let options = EvalOptions {
        readings: ex
            .options
            .readings
            .iter()
            .map(|r| SelectedReading {
                id: r.id.clone(),
                param: r.param.map(|d| d.0),
            })
            .collect(),
        strict: true,
    };
    let b = match evaluate(base, &file, &options) {
        Ok(b) => b,
        Err(e) => return vec![e.to_string()],
    };
    let mut failures = Vec::new();
    for e in &ex.expect {
        let id = e.rule.as_deref().unwrap_or(&rule.id);
        let year = e.year.unwrap_or(ex.year);
        let Some(line) = b
            .lines_of(id)
            .find(|l| l.year == year && l.project.is_none_or(|p| p == e.project))
        else {
            failures.push(format!(
                "no line for `{id}` (project {}) in {year}",
                e.project
            ));
            continue;
        };
        let want = e.status;
        if line.status != want {
            failures.push(format!(
                "`{id}` {year}: status {} expected, found {}",
                want.key(),
                line.status.key()
            ));
        }
        let round = |v: Option<rust_decimal::Decimal>| v.map(fen_string);
        if round(e.amount.map(|d| d.0)) != round(line.amount) {
            failures.push(format!(
                "`{id}`: amount {} expected, found {}",
                fmt_opt(e.amount.map(|d| d.0)),
                fmt_opt(line.amount)
            ));
        }
        if round(e.ceiling.map(|d| d.0)) != round(line.ceiling) {
            failures.push(format!(
                "`{id}`: ceiling {} expected, found {}",
                fmt_opt(e.ceiling.map(|d| d.0)),
                fmt_opt(line.ceiling)
            ));
        }
        let found_by = b.superseded_by(line).map(|s| base.rule(s).id.as_str());
        if e.superseded_by.as_deref() != found_by {
            failures.push(format!(
                "`{id}`: superseded_by {:?} expected, found {:?}",
                e.superseded_by, found_by
            ));
        }
        if let Some(counted) = e.counted {
            if counted == line.overlap_excluded {
                failures.push(format!(
                    "`{id}`: counted in totals {counted} expected, found {}",
                    !counted
                ));
            }
        }
        if let Some(open) = e.ceiling_open {
            if open != line.ceiling_open {
                failures.push(format!(
                    "`{id}`: ceiling open {open} expected, found {}",
                    line.ceiling_open
                ));
            }
        }
        let relaxed_by = b.trace(line).iter().find_map(|n| match n {
            Node::CeilingRelaxed { by } => Some(b.rule_base().rule(*by).id.as_str()),
            _ => None,
        });
        if e.relaxed_by.as_deref() != relaxed_by {
            failures.push(format!(
                "`{id}`: relaxed_by {:?} expected, found {:?}",
                e.relaxed_by, relaxed_by
            ));
        }
        if let Some(p) = &e.payer {
            let found = line
                .payer
                .and_then(|i| b.rule(line).payer.get(i as usize))
                .map(|x| x.payer.zh.as_str());
            if found != Some(p.as_str()) {
                failures.push(format!("`{id}`: payer {p} expected, found {found:?}"));
            }
        }
    }
    failures
}

/// Runs every example of every rule.
pub fn run_all(base: &Arc<RuleBase>) -> Vec<ExampleOutcome> {
    let mut out = Vec::new();
    for slot in &base.rules {
        let doc = &base.documents[slot.document()];
        let rule = base.rule(*slot);
        for ex in &rule.examples {
            let (line, col) = ex.spans.at().line_col().unwrap_or((0, 0));
            out.push(ExampleOutcome {
                file: base.document_files[slot.document()].clone(),
                line,
                col,
                document: doc.number.clone(),
                rule: rule.id.clone(),
                example: ex.name.clone(),
                failures: run_example(base, rule, ex),
            });
        }
    }
    out
}

/// Counts per document, with warnings for rules that lack examples.
pub fn summarise(base: &RuleBase, outcomes: &[ExampleOutcome]) -> Vec<DocumentSummary> {
    base.documents
        .iter()
        .map(|d| {
            let mut s = DocumentSummary {
                number: d.number.clone(),
                ..Default::default()
            };
            for r in &d.rules {
                s.rules += 1;
                match r.amount {
                    Amount::Unquantified => s.unquantified += 1,
                    // A modifier pays nothing: neither quantified nor unquantified.
                    _ if r.benefit == Benefit::Modifier => {}
                    _ => s.quantified += 1,
                }
                if r.benefit == Benefit::TaxBenefit {
                    s.tax += 1;
                }
                s.examples += r.examples.len();
                if r.examples.is_empty() && !matches!(r.amount, Amount::Unquantified) {
                    s.warnings.push(format!(
                        "rule `{}` computes an amount but has no golden example",
                        r.id
                    ));
                }
            }
            s.failed = outcomes
                .iter()
                .filter(|o| o.document == d.number && !o.failures.is_empty())
                .count();
            s
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Quotes, sources and references

/// Where the policy texts the packs quote are read from.
#[derive(Clone, Copy, Debug)]
pub enum Sources<'a> {
    /// The texts built into the binary (`rules/sources/`), for the embedded packs.
    Embedded,
    /// `DIR/sources/`, for `--rules DIR`.
    Folder(&'a Path),
}

impl Sources<'_> {
    /// The text of a source file, or why it cannot be had.
    pub fn read(&self, file: &str) -> Result<Cow<'static, str>, String> {
        // A pack names a file inside `sources/`, never a path to elsewhere.
        if file.is_empty() || file.contains(['/', '\\']) || file == ".." || file == "." {
            return Err(format!(
                "source `{file}` must be a file name inside the sources folder"
            ));
        }
        match self {
            Sources::Embedded => embedded_source(file)
                .map(Cow::Borrowed)
                .ok_or_else(|| format!("source file `{file}` is not among the built-in texts")),
            Sources::Folder(dir) => {
                let path = dir.join("sources").join(file);
                std::fs::read_to_string(&path)
                    .map(|t| Cow::Owned(t.strip_prefix('\u{feff}').unwrap_or(&t).to_owned()))
                    .map_err(|e| format!("source file {} cannot be read: {e}", path.display()))
            }
        }
    }
}

/// A policy text with its whitespace removed, each kept byte knowing its line, so that a
/// quote is found whatever line breaks and spaces the text and the pack put in it.
pub struct NormalisedText {
    text: String,
    /// The 1-based source line of each byte of `text`.
    line_of: Vec<u32>,
    /// How many lines the source has.
    pub lines: u32,
}

impl NormalisedText {
    pub fn new(source: &str) -> NormalisedText {
        let mut text = String::with_capacity(source.len());
        let mut line_of = Vec::with_capacity(source.len());
        let mut lines = 0u32;
        for (i, line) in source.lines().enumerate() {
            let n = u32::try_from(i + 1).unwrap_or(u32::MAX);
            lines = n;
            for c in line.chars().filter(|c| !c.is_whitespace()) {
                text.push(c);
                line_of.extend(std::iter::repeat_n(n, c.len_utf8()));
            }
        }
        NormalisedText {
            text,
            line_of,
            lines,
        }
    }

    /// The lines on which `quote` (whitespace removed) starts, in order; empty when the
    /// quote is not in the text.
    pub fn quote_lines(&self, quote: &str) -> Vec<u32> {
        let needle: String = quote.chars().filter(|c| !c.is_whitespace()).collect();
        let mut found = Vec::new();
        let Some(step) = needle.chars().next().map(char::len_utf8) else {
            return found;
        };
        let mut from = 0;
        while let Some(i) = self.text.get(from..).and_then(|t| t.find(&needle)) {
            found.push(self.line_of[from + i]);
            from += i + step;
        }
        found
    }
}

/// One finding at a place: `file:line:col: rule `id`: message`.
fn finding(file: &str, at: At, rule: Option<&str>, message: String) -> LoadError {
    let (line, col) = at.line_col().unwrap_or((0, 0));
    LoadError {
        file: file.to_owned(),
        line,
        col,
        rule: rule.map(str::to_owned),
        message,
    }
}

/// Checks what loading cannot: every document's source text is present and holds its
/// lines; every rule's quote is in that text verbatim (whitespace aside), starting on its
/// cited line, inside the document's lines; every stacking group has members and cites
/// loaded documents whose texts hold its governing quotes; every lead agency has an
/// English name. One finding per problem, each at the place in the pack it concerns.
pub fn verify(base: &RuleBase, sources: &Sources) -> Vec<LoadError> {
    let mut findings = Vec::new();
    let mut texts: HashMap<&str, Result<NormalisedText, String>> = HashMap::new();
    for (doc, file) in base.documents.iter().zip(&base.document_files) {
        let source = &doc.source;
        let text = texts
            .entry(source.file.as_str())
            .or_insert_with(|| sources.read(&source.file).map(|t| NormalisedText::new(&t)));
        let text = match text {
            Ok(text) => text,
            Err(why) => {
                let message = format!("{}: {why}", doc.number);
                findings.push(finding(file, source.spans.field("file"), None, message));
                continue;
            }
        };
        let (first, last) = source.lines;
        if first == 0 || first > last || last > text.lines {
            findings.push(finding(
                file,
                source.spans.field("lines"),
                None,
                format!(
                    "{}: lines ({first}, {last}) are not a range of {} ({} lines)",
                    doc.number, source.file, text.lines
                ),
            ));
        }
        for rule in &doc.rules {
            let starts = text.quote_lines(&rule.quote);
            let problem = if starts.is_empty() {
                Some((
                    rule.spans.field("quote"),
                    format!("the quote is not in {} (whitespace aside)", source.file),
                ))
            } else if !starts.contains(&rule.line) {
                Some((
                    rule.spans.field("line"),
                    format!(
                        "cited line {} but the quote starts on line {} of {}",
                        rule.line,
                        join(&starts),
                        source.file
                    ),
                ))
            } else if !(first..=last).contains(&rule.line) {
                Some((
                    rule.spans.field("line"),
                    format!(
                        "line {} is outside the document's lines ({first}, {last})",
                        rule.line
                    ),
                ))
            } else {
                None
            };
            if let Some((at, message)) = problem {
                findings.push(finding(file, at, Some(&rule.id), message));
            }
        }
    }
    let mut members = vec![0usize; base.groups.len()];
    for slot in &base.rules {
        if let Some(g) = slot.group() {
            members[g] += 1;
        }
    }
    for (i, group) in base.groups.iter().enumerate() {
        let file = base.group_files.get(i).map_or("", String::as_str);
        let named = |m: String| format!("stacking group `{}`: {m}", group.id);
        if members[i] == 0 {
            findings.push(finding(
                file,
                group.spans.at(),
                None,
                named("no loaded rule belongs to it".into()),
            ));
        }
        for clause in &group.governed_by {
            let Some(doc) = base.documents.iter().find(|d| d.number == clause.document) else {
                findings.push(finding(
                    file,
                    clause.spans.field("document"),
                    None,
                    named(format!("cites {}, which is not loaded", clause.document)),
                ));
                continue;
            };
            let Some(Ok(text)) = texts.get(doc.source.file.as_str()) else {
                continue; // its missing source is reported with its document
            };
            let starts = text.quote_lines(&clause.quote);
            if starts.is_empty() {
                findings.push(finding(
                    file,
                    clause.spans.field("quote"),
                    None,
                    named(format!(
                        "the quote from {} is not in {} (whitespace aside)",
                        clause.document, doc.source.file
                    )),
                ));
            } else if !starts.contains(&clause.line) {
                findings.push(finding(
                    file,
                    clause.spans.field("line"),
                    None,
                    named(format!(
                        "cited line {} but the quote from {} starts on line {}",
                        clause.line,
                        clause.document,
                        join(&starts)
                    )),
                ));
            }
        }
    }
    // Each untranslated agency once, at the first rule that names it.
    let mut untranslated: Vec<&str> = Vec::new();
    for (doc, file) in base.documents.iter().zip(&base.document_files) {
        for rule in &doc.rules {
            for (n, lead) in rule.lead.iter().enumerate() {
                if base.agency_en(lead).is_none() && !untranslated.contains(&lead.as_str()) {
                    untranslated.push(lead);
                    findings.push(finding(
                        file,
                        rule.spans.item("lead", n),
                        Some(&rule.id),
                        format!("lead agency `{lead}` has no English name in an Agencies file"),
                    ));
                }
            }
        }
    }
    findings
}

fn join(lines: &[u32]) -> String {
    lines
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
