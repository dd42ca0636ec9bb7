//! The evaluation: (rule base, project file, options) → report. Pure: no I/O, no
//! globals, no prose; every decision is recorded as a typed node of the line's trace.

use std::collections::{BTreeSet, HashMap, HashSet};
use std::sync::Arc;

use rust_decimal::Decimal;

use crate::inputs::{DatedAmount, InputCatalog, Value};
use crate::load::{RuleBase, RuleSlot};
use crate::pack::*;
use crate::project::ProjectFile;
use crate::report::*;

/// Input errors the engine finds that no parser could: the year or an option is unknown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    #[error("year {year}{}: no loaded policy is in force in that year", project.as_ref().map(|p| format!(" of project `{p}`")).unwrap_or_default())]
    YearNotCovered { project: Option<String>, year: u16 },
    #[error(
        "unknown reading `{0}` (see `incentives rules` for the readings each document offers)"
    )]
    UnknownReading(String),
    #[error("reading `{0}` is selected twice")]
    ReadingSelectedTwice(String),
    #[error("reading `{reading}`: {problem}")]
    BadReadingParam {
        reading: String,
        problem: ParamProblem,
    },
    #[error(
        "rule `{rule}` in {year}: the figures are too large to compute exactly (beyond 28 digits)"
    )]
    TooLarge {
        rule: String,
        project: Option<String>,
        year: u16,
    },
    #[error("the totals are too large to add up exactly (beyond 28 digits)")]
    TotalTooLarge,
    /// Under `strict`, an officer's figure outside the policy range.
    #[error("offer on `{rule}`{} in {year}: {offered} is outside the policy range {}–{}", project.as_ref().map(|p| format!(" for project `{p}`")).unwrap_or_default(), minimum.map(|m| m.to_string()).unwrap_or_else(|| "0".into()), ceiling.map(|c| c.to_string()).unwrap_or_else(|| "(no ceiling)".into()))]
    OfferOutOfRange {
        /// Index of the offer in the project file.
        offer: usize,
        rule: String,
        project: Option<String>,
        year: u16,
        offered: Decimal,
        minimum: Option<Decimal>,
        ceiling: Option<Decimal>,
    },
    /// Under `strict`, an offer on a line that pays nothing this year.
    #[error("offer on `{rule}`{} in {year}: the line pays nothing that year", project.as_ref().map(|p| format!(" for project `{p}`")).unwrap_or_default())]
    OfferNotApplicable {
        /// Index of the offer in the project file.
        offer: usize,
        rule: String,
        project: Option<String>,
        year: u16,
    },
    #[error("two offers on `{rule}`{} in {year}", project.as_ref().map(|p| format!(" for project `{p}`")).unwrap_or_default())]
    DuplicateOffer {
        /// Index of the offer in the project file.
        offer: usize,
        rule: String,
        project: Option<String>,
        year: u16,
    },
}

/// A figure could not be computed because this input was not given.
struct Missing;

/// One evaluation context: the values seen by a line, by input slot.
struct Ctx<'a> {
    values: &'a [Option<Value>],
    year: u16,
    options: &'a EvalOptions,
    /// The declared defaults, by slot: a value equal to its default was not claimed.
    defaults: &'a [Option<Value>],
    /// Each of the firm's projects' own inputs (for a per-firm line of a district
    /// document, which may read where the projects are).
    projects: &'a [&'a [(usize, Value)]],
    /// The entries of the dated inputs given by date in this context, by slot.
    dated: &'a [(usize, &'a [DatedAmount])],
    catalog: &'a InputCatalog,
}

/// Evaluates every rule for every project and year of `file`.
pub fn evaluate(
    rule_base: &Arc<RuleBase>,
    file: &ProjectFile,
    options: &EvalOptions,
) -> Result<Report, EvalError> {
    evaluate_counted(rule_base, file, options, Traces::Every).map(|(report, _)| report)
}

/// Which explanations a report keeps.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Traces {
    /// Every line's whole explanation (the app, the printed report, `--verbose`).
    #[default]
    Every,
    /// Only the lines that pay, carry an offer, or that a pass over all lines changed:
    /// every other line (not in force, or paying nothing on the project's own figures) is
    /// left out as soon as it is evaluated, so the report grows with the lines that pay,
    /// not with all lines. [`Explainer`] evaluates a left-out line again, whole, when an
    /// output writes it; the report's sums and 口径 are those of [`Traces::Every`]. The
    /// command line's outputs; `Report::lines` then holds only the lines kept.
    Shown,
}

/// [`evaluate`], keeping the explanations `traces` says.
pub fn evaluate_with(
    rule_base: &Arc<RuleBase>,
    file: &ProjectFile,
    options: &EvalOptions,
    traces: Traces,
) -> Result<Report, EvalError> {
    evaluate_counted(rule_base, file, options, traces).map(|(report, _)| report)
}

/// The steps the passes over all lines took: lines and nodes visited, index look-ups,
/// decisions recorded, and `n·log2(n)` for each sort of `n` lines. It grows with the lines,
/// not with their square; `tests/scale.rs` compares it across sizes of project files.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Work(pub u64);

impl Work {
    fn add(&mut self, steps: usize) {
        self.0 = self.0.saturating_add(steps as u64);
    }

    fn sort(&mut self, n: usize) {
        self.add(n * (usize::BITS - n.leading_zeros()) as usize);
    }
}

/// [`evaluate_with`], and the [`Work`] its passes over all lines took.
pub fn evaluate_counted(
    rule_base: &Arc<RuleBase>,
    file: &ProjectFile,
    options: &EvalOptions,
    traces: Traces,
) -> Result<(Report, Work), EvalError> {
    let mut work = Work::default();
    for (i, sel) in options.readings.iter().enumerate() {
        let Some((_, decl)) = rule_base.reading(&sel.id) else {
            return Err(EvalError::UnknownReading(sel.id.clone()));
        };
        if options.readings[..i].iter().any(|r| r.id == sel.id) {
            return Err(EvalError::ReadingSelectedTwice(sel.id.clone()));
        }
        decl.check_param(sel.param)
            .map_err(|problem| EvalError::BadReadingParam {
                reading: sel.id.clone(),
                problem,
            })?;
    }
    // A selected reading that switches a kind of cap: every pass (and the report) reads a
    // copy of the rule base with the alternative in the cap's place, made only then.
    let switched = alternative_caps(rule_base, options).map(Arc::new);
    let rule_base = switched.as_ref().unwrap_or(rule_base);
    let base: &RuleBase = rule_base;
    let catalog = &base.catalog;
    let mut subject_values = catalog.defaults.clone();
    for (slot, v) in &file.subject.inputs.values {
        subject_values[*slot] = Some(*v);
    }
    let mut all_years: BTreeSet<u16> = file.subject.years.keys().map(|y| y.0).collect();
    for p in &file.projects {
        for y in p.years.keys() {
            if !base.covers_year(y.0) {
                return Err(EvalError::YearNotCovered {
                    project: Some(p.id.clone()),
                    year: y.0,
                });
            }
            all_years.insert(y.0);
        }
    }
    for y in &all_years {
        if !base.covers_year(*y) {
            return Err(EvalError::YearNotCovered {
                project: None,
                year: *y,
            });
        }
    }
    let subject_year_inputs = |year: u16| {
        file.subject
            .years
            .get(&crate::project::Year(year))
            .map(|v| v.values.iter())
            .into_iter()
            .flatten()
    };
    // What each project-year sees, reset by the slots the last one wrote, not by a copy of
    // the whole catalogue per project-year.
    let mut seen = Seen::new(&catalog.defaults);
    let subject_year_values = |year: u16| {
        let mut v = subject_values.clone();
        if let Some(inputs) = file.subject.years.get(&crate::project::Year(year)) {
            for (slot, value) in &inputs.values {
                v[*slot] = Some(*value);
            }
        }
        v
    };

    let project_inputs: Vec<&[(usize, Value)]> = file
        .projects
        .iter()
        .map(|p| p.inputs.values.as_slice())
        .collect();
    let project_years: usize = file.projects.iter().map(|p| p.years.len()).sum();
    let rule_count = |per: Per| {
        base.rules
            .iter()
            .filter(|s| base.rule(**s).per == per)
            .count()
    };
    // Room for every line, or (a sparse report) for the few that pay: it grows as needed.
    let room = |every: usize| match traces {
        Traces::Every => every,
        Traces::Shown => every / 16,
    };
    let mut nodes: Vec<Node> = Vec::with_capacity(room(4 * base.rules.len() * (project_years + 1)));
    // With Traces::Shown, a line no pass can change is left out as soon as it is evaluated
    // (an offer's line is kept, as the offer adds to it); the 口径 such lines took are
    // gathered here, each with the place in evaluation order of the first line to take it.
    let mut left_out = LeftOut::default();
    let offered = Offered::new(base, file);
    let mut lines: Vec<Line> = Vec::with_capacity(room(
        rule_count(Per::ProjectYear) * project_years
            + rule_count(Per::SubjectYear) * all_years.len(),
    ));
    for (pi, p) in file.projects.iter().enumerate() {
        for (year, year_inputs) in &p.years {
            seen.reset(&catalog.defaults);
            for (slot, v) in file
                .subject
                .inputs
                .values
                .iter()
                .chain(subject_year_inputs(year.0))
                .chain(&p.inputs.values)
                .chain(&year_inputs.values)
            {
                seen.set(*slot, *v);
            }
            let values = &seen.values;
            let dated: Vec<(usize, &[DatedAmount])> = file
                .subject
                .years
                .get(year)
                .into_iter()
                .flat_map(|v| v.dated_inputs())
                .chain(year_inputs.dated_inputs())
                .collect();
            let ctx = Ctx {
                values,
                year: year.0,
                options,
                projects: &project_inputs,
                defaults: &catalog.defaults,
                dated: &dated,
                catalog,
            };
            for slot in base
                .rules
                .iter()
                .filter(|s| base.rule(**s).per == Per::ProjectYear)
            {
                evaluate_line(base, *slot, &ctx, Some(pi), &mut lines, &mut nodes).map_err(
                    |e| match e {
                        EvalError::TooLarge { rule, year, .. } => EvalError::TooLarge {
                            rule,
                            project: Some(p.id.clone()),
                            year,
                        },
                        e => e,
                    },
                )?;
                if traces == Traces::Shown {
                    left_out.consider(base, &mut lines, &mut nodes, &offered);
                }
            }
        }
    }
    for year in &all_years {
        let values = subject_year_values(*year);
        let dated: Vec<(usize, &[DatedAmount])> = file
            .subject
            .years
            .get(&crate::project::Year(*year))
            .into_iter()
            .flat_map(|v| v.dated_inputs())
            .collect();
        let ctx = Ctx {
            values: &values,
            year: *year,
            options,
            projects: &project_inputs,
            defaults: &catalog.defaults,
            dated: &dated,
            catalog,
        };
        for slot in base
            .rules
            .iter()
            .filter(|s| base.rule(**s).per == Per::SubjectYear)
        {
            evaluate_line(base, *slot, &ctx, None, &mut lines, &mut nodes)?;
            if traces == Traces::Shown {
                left_out.consider(base, &mut lines, &mut nodes, &offered);
            }
        }
    }

    // The passes over all lines add nodes to lines evaluated long before: they are kept
    // aside and merged into each line's place in the arena once.
    let mut late: Vec<(usize, Node)> = Vec::new();
    apply_one_time(base, &mut lines, &mut late, &mut work);
    apply_offers(base, &mut lines, &mut late, file, options, &mut work)?;
    // A line a shared cap empties must not win its group, and a line that gives way must
    // not use up a shared cap: caps are applied to copies of the lines they touch for
    // ranking, then for real.
    let mut capped = shared_caps(base, &lines, None, &mut work);
    work.sort(capped.len());
    capped.sort_by_key(|(i, _)| *i);
    let ranked = Ranked {
        lines: &lines,
        capped,
    };
    let decisions = stacking_decisions(base, &ranked, &mut work);
    drop(ranked);
    record_decisions(base, &mut lines, &decisions, &mut late, &mut work);
    for (i, l) in shared_caps(base, &lines, Some(&mut late), &mut work) {
        lines[i] = l;
    }
    apply_ceiling_terms(base, &mut lines, &mut late);
    apply_modifiers(base, &mut lines, &mut late);
    let mut nodes = merge_late(&mut lines, nodes, late, &mut work);
    // A kept line of a sparse report holds only the nodes the passes added; one a pass left
    // paying nothing has its own made again, as its disposition may read them.
    // (Only a sparse report needs them: a whole one makes nothing again.)
    let mut remake = (traces == Traces::Shown).then(|| Explainer::new(file));
    for l in lines.iter_mut() {
        let added = &nodes[l.trace.range()];
        l.disposition = match remake.as_mut() {
            Some(remake) if l.status == Status::Ineligible => {
                let own = remake.own_nodes(base, options, l);
                own.extend_from_slice(added);
                disposition(base, l, own)
            }
            _ => disposition(base, l, added),
        };
    }
    work.add(nodes.len());
    let sparse = (traces == Traces::Shown).then(|| left_out.finish(&lines, &mut nodes));

    let mut report = Report::new(
        rule_base.clone(),
        file.subject.name.clone(),
        file.projects.iter().map(|p| p.id.clone()).collect(),
        options.clone(),
        lines,
        nodes,
    )
    .map_err(|_| EvalError::TotalTooLarge)?;
    if let Some((readings, kept_at)) = sparse {
        let years: Vec<u16> = all_years.iter().copied().collect();
        report.set_sparse(readings, kept_at, &years);
    }
    work.add(report.lines.len());
    Ok((report, work))
}

/// What [`Traces::Shown`] leaves out: a line no pass over all lines can change is dropped
/// as soon as it is evaluated. The 口径 taken by the lines the reader sees are kept, each
/// with the place in evaluation order of the first line to take it, so the report names
/// the same 口径, in the same order, as one that kept every line.
#[derive(Default)]
struct LeftOut {
    /// Lines evaluated so far, in evaluation order.
    seen: u32,
    /// The place in evaluation order of each line kept.
    kept_at: Vec<u32>,
    /// Each 口径 a line the reader sees took, and where it was first taken: the line's
    /// place in evaluation order, then the 口径's place among that line's.
    first: Vec<((u16, u16), (u32, u32))>,
    /// The 口径 each kept line took (its index among the kept, the 口径, its place among
    /// the line's): whether the reader sees them is known once every pass has run.
    kept_readings: Vec<(u32, (u16, u16), u32)>,
}

impl LeftOut {
    /// Drops the line just evaluated (the last of `lines`, its nodes the last of `nodes`)
    /// when no pass over all lines can change it: it is not in force or pays nothing (the
    /// passes only change lines that are eligible) and carries no offer. `Explainer`
    /// evaluates it again when an output writes it.
    fn consider(
        &mut self,
        base: &RuleBase,
        lines: &mut Vec<Line>,
        nodes: &mut Vec<Node>,
        offered: &Offered,
    ) {
        let at = self.seen;
        self.seen = self.seen.saturating_add(1);
        let Some(l) = lines.last() else {
            return;
        };
        let range = l.trace.range();
        if !matches!(l.status, Status::NotInForce | Status::Ineligible) || offered.contains(base, l)
        {
            // A kept line keeps only the nodes the passes add: its own are made again when
            // it is written (and when a pass leaves it paying nothing, for its disposition).
            let kept = u32::try_from(self.kept_at.len()).unwrap_or(u32::MAX);
            for (k, r) in (0..).zip(readings_in(&nodes[range.clone()])) {
                self.kept_readings.push((kept, r, k));
            }
            self.kept_at.push(at);
            nodes.truncate(range.start);
            if let Some(l) = lines.last_mut() {
                l.trace = span(range.start, range.start);
            }
            return;
        }
        let trace = &nodes[range.clone()];
        if disposition(base, l, trace).shows_readings() {
            for (k, r) in (0..).zip(readings_in(trace)) {
                if !self.first.iter().any(|(taken, _)| *taken == r) {
                    self.first.push((r, (at, k)));
                }
            }
        }
        nodes.truncate(range.start);
        lines.pop();
    }

    /// After every pass: the 口径 taken by the lines the reader sees, left out or kept
    /// (`lines`), in the order first taken, and each kept line's place in evaluation order.
    /// A modifier's `touched` lines are renamed by that place, their index in a report of
    /// every line.
    fn finish(mut self, lines: &[Line], nodes: &mut [Node]) -> (Vec<(u16, u16)>, Vec<u32>) {
        for n in nodes.iter_mut() {
            if let Node::RelaxesCeilings { touched } = n {
                for t in touched.iter_mut() {
                    *t = self.kept_at.get(*t as usize).copied().unwrap_or(u32::MAX);
                }
            }
        }
        for &(kept, r, k) in &self.kept_readings {
            let (Some(l), Some(&at)) = (lines.get(kept as usize), self.kept_at.get(kept as usize))
            else {
                continue;
            };
            if !l.disposition.shows_readings() {
                continue;
            }
            match self.first.iter_mut().find(|(taken, _)| *taken == r) {
                Some((_, first)) => *first = (*first).min((at, k)),
                None => self.first.push((r, (at, k))),
            }
        }
        self.first.sort_by_key(|(_, at)| *at);
        let readings = self.first.into_iter().map(|(r, _)| r).collect();
        (readings, self.kept_at)
    }
}

/// Which rules the offers of `file` name, by document and rule: only their lines are
/// looked up among the offers.
fn offered_rules(base: &RuleBase, file: &ProjectFile) -> Vec<Vec<bool>> {
    let ids: HashSet<&str> = file.offers.iter().map(|o| o.rule.as_str()).collect();
    base.documents
        .iter()
        .map(|d| {
            d.rules
                .iter()
                .map(|r| ids.contains(r.id.as_str()))
                .collect()
        })
        .collect()
}

/// Whether a line of `slot` is of a rule an offer names.
fn is_offered(rules: &[Vec<bool>], slot: RuleSlot) -> bool {
    rules
        .get(slot.document())
        .and_then(|d| d.get(slot.rule()))
        .copied()
        .unwrap_or(false)
}

/// The lines offers are made on: their rules, and each offer's (rule id, project index,
/// year). Such lines keep their explanation.
struct Offered<'a> {
    rules: Vec<Vec<bool>>,
    lines: HashSet<(&'a str, Option<usize>, u16)>,
}

impl<'a> Offered<'a> {
    fn new(base: &RuleBase, file: &'a ProjectFile) -> Offered<'a> {
        let mut project_at: HashMap<&str, usize> = HashMap::new();
        if !file.offers.is_empty() {
            for (i, p) in file.projects.iter().enumerate() {
                project_at.entry(p.id.as_str()).or_insert(i);
            }
        }
        Offered {
            rules: offered_rules(base, file),
            lines: file
                .offers
                .iter()
                .map(|o| {
                    let project = o
                        .project
                        .as_deref()
                        .and_then(|p| project_at.get(p).copied());
                    (o.rule.as_str(), project, o.year.0)
                })
                .collect(),
        }
    }

    fn contains(&self, base: &RuleBase, l: &Line) -> bool {
        is_offered(&self.rules, l.slot)
            && self
                .lines
                .contains(&(base.rule(l.slot).id.as_str(), l.project, l.year))
    }
}

/// A (project, year) block of lines: the project's index, or `None` for the firm.
pub type BlockKey = (Option<usize>, u16);

/// The report's blocks in evaluation order (each project's years, then the firm's), each
/// with the range of `Report::lines` holding the lines it kept.
pub struct Blocks(Vec<(BlockKey, std::ops::Range<u32>)>);

impl Blocks {
    /// The blocks' keys, in evaluation order.
    pub fn keys(&self) -> impl Iterator<Item = BlockKey> + '_ {
        self.0.iter().map(|(key, _)| *key)
    }

    /// The key of block `index`.
    pub fn key(&self, index: usize) -> Option<BlockKey> {
        self.0.get(index).map(|(key, _)| *key)
    }

    /// How many blocks there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there is none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

/// Gives every line of a report with its whole explanation, block by block. A report that
/// kept every line ([`Traces::Every`]) lends its own; a sparse one ([`Traces::Shown`]) lends
/// the lines it kept and evaluates every other line again from the project file it was
/// evaluated from: the same evaluation of the same line, so the same nodes, and no pass
/// changes such a line. Only one block's lines are made at a time.
pub struct Explainer<'a> {
    file: Option<&'a ProjectFile>,
    projects: Vec<&'a [(usize, Value)]>,
    seen: Seen,
    nodes: Vec<Node>,
}

impl<'a> Explainer<'a> {
    /// For a report that kept every line ([`Traces::Every`]).
    pub fn whole() -> Explainer<'static> {
        Explainer {
            file: None,
            projects: Vec::new(),
            seen: Seen::default(),
            nodes: Vec::new(),
        }
    }

    /// For a report evaluated from `file`.
    pub fn new(file: &'a ProjectFile) -> Explainer<'a> {
        Explainer {
            file: Some(file),
            projects: file
                .projects
                .iter()
                .map(|p| p.inputs.values.as_slice())
                .collect(),
            seen: Seen::default(),
            nodes: Vec::new(),
        }
    }

    /// The file a sparse report is filled in from.
    fn source(&self, report: &Report) -> Option<&'a ProjectFile> {
        self.file.filter(|_| report.is_sparse())
    }

    /// The report's blocks, in evaluation order.
    pub fn blocks(&self, report: &Report) -> Blocks {
        let mut blocks: Vec<(BlockKey, std::ops::Range<u32>)> = Vec::new();
        let at = |i: usize| u32::try_from(i).unwrap_or(u32::MAX);
        let Some(file) = self.source(report) else {
            let mut start = 0;
            for run in report
                .lines
                .chunk_by(|a, b| (a.project, a.year) == (b.project, b.year))
            {
                blocks.push((
                    (run[0].project, run[0].year),
                    at(start)..at(start + run.len()),
                ));
                start += run.len();
            }
            return Blocks(blocks);
        };
        let base = report.rule_base();
        let has = |per: Per| base.rules.iter().any(|s| base.rule(*s).per == per);
        let mut keys: Vec<BlockKey> = Vec::new();
        if has(Per::ProjectYear) {
            for (pi, p) in file.projects.iter().enumerate() {
                keys.extend(p.years.keys().map(|y| (Some(pi), y.0)));
            }
        }
        if has(Per::SubjectYear) {
            let mut years: BTreeSet<u16> = file.subject.years.keys().map(|y| y.0).collect();
            years.extend(
                file.projects
                    .iter()
                    .flat_map(|p| p.years.keys().map(|y| y.0)),
            );
            keys.extend(years.into_iter().map(|y| (None, y)));
        }
        // The kept lines are in evaluation order: each block's are the run at the cursor.
        let mut next = 0;
        for key in keys {
            let start = next;
            while report
                .lines
                .get(next)
                .is_some_and(|l| (l.project, l.year) == key)
            {
                next += 1;
            }
            blocks.push((key, at(start)..at(next)));
        }
        Blocks(blocks)
    }

    /// Sets `values` to what the lines of block `key` of `file` see.
    fn see(&mut self, file: &ProjectFile, catalog: &InputCatalog, (project, year): BlockKey) {
        let y = crate::project::Year(year);
        let of_project = project.and_then(|p| file.projects.get(p));
        let year_inputs = of_project.and_then(|p| p.years.get(&y));
        if self.seen.values.len() != catalog.defaults.len() {
            self.seen = Seen::new(&catalog.defaults);
        }
        self.seen.reset(&catalog.defaults);
        let own = of_project
            .map(|p| p.inputs.values.iter())
            .into_iter()
            .flatten()
            .chain(year_inputs.map(|v| v.values.iter()).into_iter().flatten());
        for (slot, v) in file
            .subject
            .inputs
            .values
            .iter()
            .chain(
                file.subject
                    .years
                    .get(&y)
                    .map(|v| v.values.iter())
                    .into_iter()
                    .flatten(),
            )
            .chain(own)
        {
            self.seen.set(*slot, *v);
        }
    }

    /// Evaluates `slot` for block `key` of `file` again into `nodes`, into `line`.
    fn remake(
        &mut self,
        file: &ProjectFile,
        base: &RuleBase,
        options: &EvalOptions,
        (project, year): BlockKey,
        slot: RuleSlot,
        line: &mut Line,
    ) {
        let y = crate::project::Year(year);
        let year_inputs = project
            .and_then(|p| file.projects.get(p))
            .and_then(|p| p.years.get(&y));
        let dated: Vec<(usize, &[DatedAmount])> = file
            .subject
            .years
            .get(&y)
            .into_iter()
            .flat_map(|v| v.dated_inputs())
            .chain(year_inputs.into_iter().flat_map(|v| v.dated_inputs()))
            .collect();
        let ctx = Ctx {
            values: &self.seen.values,
            year,
            options,
            projects: &self.projects,
            defaults: &base.catalog.defaults,
            dated: &dated,
            catalog: &base.catalog,
        };
        self.nodes.clear();
        // The line was evaluated once already, so it does not overflow now.
        let _ = fill_line(base, slot, &ctx, line, &mut self.nodes);
    }

    /// A kept line's own nodes, made again (the engine, for a line a pass left paying
    /// nothing); the caller may add to them.
    fn own_nodes(&mut self, base: &RuleBase, options: &EvalOptions, l: &Line) -> &mut Vec<Node> {
        if let Some(file) = self.file {
            self.see(file, &base.catalog, (l.project, l.year));
            let mut scratch = blank_line(l.slot, l.project, l.year);
            self.remake(
                file,
                base,
                options,
                (l.project, l.year),
                l.slot,
                &mut scratch,
            );
        } else {
            self.nodes.clear();
        }
        &mut self.nodes
    }

    /// Calls `f` with every line of block `index` of `blocks`, in evaluation order, and its
    /// whole explanation.
    pub fn each_in<E>(
        &mut self,
        report: &Report,
        blocks: &Blocks,
        index: usize,
        mut f: impl FnMut(&Line, &[Node]) -> Result<(), E>,
    ) -> Result<(), E> {
        let Some((key, kept)) = blocks.0.get(index).cloned() else {
            return Ok(());
        };
        let kept = &report.lines[kept.start as usize..kept.end as usize];
        let Some(file) = self.source(report) else {
            for l in kept {
                f(l, report.trace(l))?;
            }
            return Ok(());
        };
        let base = report.rule_base();
        self.see(file, &base.catalog, key);
        let per = if key.0.is_some() {
            Per::ProjectYear
        } else {
            Per::SubjectYear
        };
        let mut kept = kept.iter().peekable();
        for &slot in base.rules.iter().filter(|s| base.rule(**s).per == per) {
            let mut line = blank_line(slot, key.0, key.1);
            self.remake(file, base, &report.options, key, slot, &mut line);
            match kept.next_if(|l| l.slot == slot) {
                // A kept line: its own nodes made again, then those the passes added.
                Some(l) => {
                    self.nodes.extend_from_slice(report.trace(l));
                    f(l, &self.nodes)?;
                }
                // Its nodes are lent beside it, not in the report's arena: its span is
                // empty.
                None => {
                    line.disposition = disposition(base, &line, &self.nodes);
                    f(&line, &self.nodes)?;
                }
            }
        }
        Ok(())
    }

    /// Calls `f` with every line of the report, block by block in evaluation order, and
    /// its whole explanation.
    pub fn each<E>(
        &mut self,
        report: &Report,
        mut f: impl FnMut(&Line, &[Node]) -> Result<(), E>,
    ) -> Result<(), E> {
        let blocks = self.blocks(report);
        for i in 0..blocks.len() {
            self.each_in(report, &blocks, i, &mut f)?;
        }
        Ok(())
    }
}

/// The values one (project, year) sees: the declared defaults with the inputs given,
/// reset to the defaults by the slots written, not by a copy of the whole catalogue.
#[derive(Default)]
struct Seen {
    values: Vec<Option<Value>>,
    written: Vec<usize>,
}

impl Seen {
    fn new(defaults: &[Option<Value>]) -> Seen {
        Seen {
            values: defaults.to_vec(),
            written: Vec::new(),
        }
    }

    fn reset(&mut self, defaults: &[Option<Value>]) {
        for slot in self.written.drain(..) {
            if let (Some(v), Some(d)) = (self.values.get_mut(slot), defaults.get(slot)) {
                *v = *d;
            }
        }
    }

    fn set(&mut self, slot: usize, v: Value) {
        if let Some(at) = self.values.get_mut(slot) {
            *at = Some(v);
            self.written.push(slot);
        }
    }
}

/// A line not yet evaluated.
fn blank_line(slot: RuleSlot, project: Option<usize>, year: u16) -> Line {
    Line {
        slot,
        project,
        year,
        status: Status::Ineligible,
        disposition: Disposition::Ineligible,
        amount: None,
        ceiling: None,
        offered: None,
        partial_year: false,
        overlap_excluded: false,
        ceiling_open: false,
        payer: None,
        trace: Span::default(),
    }
}

/// One rule, one project (or the firm), one year: appends the line to `lines` and its nodes to `nodes`.
fn evaluate_line(
    base: &RuleBase,
    slot: RuleSlot,
    ctx: &Ctx,
    project: Option<usize>,
    lines: &mut Vec<Line>,
    nodes: &mut Vec<Node>,
) -> Result<(), EvalError> {
    let start = nodes.len();
    let at = lines.len();
    lines.push(blank_line(slot, project, ctx.year));
    let result = fill_line(base, slot, ctx, &mut lines[at], nodes);
    lines[at].trace = span(start, nodes.len());
    result
}

/// The nodes `start..end` of the arena as a span (an arena past 4 billion nodes is refused
/// earlier, by the limits on a project file).
fn span(start: usize, end: usize) -> Span {
    Span {
        start: u32::try_from(start).unwrap_or(u32::MAX),
        len: u32::try_from(end - start).unwrap_or(0),
    }
}

/// Evaluates one line, pushing its nodes onto `nodes`.
fn fill_line(
    base: &RuleBase,
    slot: RuleSlot,
    ctx: &Ctx,
    line: &mut Line,
    nodes: &mut Vec<Node>,
) -> Result<(), EvalError> {
    let document = &base.documents[slot.document()];
    let rule = &document.rules[slot.rule()];
    let start = nodes.len();
    let (period, period_of) = match &rule.in_force {
        Some(p) => (p, PeriodOf::Rule),
        None => (&document.in_force, PeriodOf::Document),
    };
    let y = ctx.year;
    let repealed_before = document.repealed.as_ref().filter(|r| r.on.year < y);
    if y < period.from.year || period.until.is_some_and(|u| y > u.year) {
        nodes.push(Node::NotInForce { period: period_of });
        line.status = Status::NotInForce;
        return Ok(());
    }
    if repealed_before.is_some() {
        nodes.push(Node::Repealed);
        line.status = Status::NotInForce;
        return Ok(());
    }
    let partial = (y == period.from.year && !period.from.is_first_of_year())
        || period
            .until
            .is_some_and(|u| y == u.year && !u.is_last_of_year());
    line.partial_year = partial;
    nodes.push(Node::InForce {
        period: period_of,
        partial,
    });
    if document.repealed.as_ref().is_some_and(|r| r.on.year == y) {
        nodes.push(Node::Repealed);
    }
    if let Some(area) = &document.applies_in {
        let (observed, passed) = applies_in(area, ctx, rule.per);
        nodes.push(Node::AppliesIn { observed, passed });
        if !passed {
            return Ok(());
        }
    }

    let mut eval = Evaluator {
        ctx,
        documents: &base.documents,
        base: None,
        trace: nodes,
        start,
        overflow: false,
        site: Site::at(SiteRoot::Base),
        window: document.window(rule, y),
    };
    let too_large = || EvalError::TooLarge {
        rule: rule.id.clone(),
        project: None,
        year: y,
    };
    if let Some(b) = &rule.base {
        eval.base = eval.expr(b).ok();
    }
    eval.site = Site::at(SiteRoot::Eligible);
    let eligible = eval.cond(&rule.eligible);
    if eligible && rule.benefit == Benefit::Modifier {
        // A modifier pays nothing; `apply_modifiers` adds its effect to the lines it touches.
        line.status = Status::Unquantified;
        return if eval.overflow {
            Err(too_large())
        } else {
            Ok(())
        };
    }
    let quantity = if eligible {
        eval.site = Site::at(SiteRoot::Amount);
        eval.amount(&rule.amount)
    } else {
        None
    };
    if eval.overflow {
        return Err(too_large());
    }
    let Some(mut q) = quantity else {
        return Ok(());
    };
    // The 口径 of a cap whose kind a reading switches (the cap itself is already the one
    // the selection takes: see `alternative_caps`).
    for c in &rule.cap_readings {
        eval.use_alternative(&c.id);
    }
    for (index, cap) in rule.caps.iter().enumerate() {
        // `check_sites` keeps a rule's caps within u8 at load time.
        let index = index as u8;
        let limit = match cap {
            Cap::PerLine(l) => l.0,
            Cap::LimitedTo(e) => match eval.expr(e) {
                Ok(l) => l,
                Err(Missing) => {
                    eval.trace.push(Node::CapNotChecked { index });
                    continue;
                }
            },
            _ => continue,
        };
        let before = q.amount;
        q.cap(limit);
        eval.trace.push(Node::Cap(Box::new(CapStep {
            index,
            limit,
            before,
            after: q.amount,
        })));
    }
    if eval.overflow {
        return Err(too_large());
    }
    let base_value = eval.base;
    let window = eval.window;
    line.payer = rule.payer.iter().enumerate().find_map(|(i, p)| {
        let mut scratch = Vec::new();
        let mut probe = Evaluator {
            ctx,
            documents: &base.documents,
            base: base_value,
            trace: &mut scratch,
            start: 0,
            overflow: false,
            site: Site::at(SiteRoot::Payer(i as u8)),
            window,
        };
        probe.cond(&p.when).then_some(i as u8)
    });
    if let Some(index) = line.payer {
        nodes.push(Node::Payer { index });
    }
    line.amount = q.amount;
    line.ceiling = q.ceiling;
    line.status = if q.amount.is_some_and(|a| a > Decimal::ZERO) {
        Status::Granted
    } else if q.ceiling.is_some_and(|c| c > Decimal::ZERO) {
        line.amount = None;
        Status::CeilingOnly
    } else if q.unquantified {
        Status::Unquantified
    } else {
        nodes.push(Node::ZeroAmount);
        line.amount = None;
        line.ceiling = None;
        Status::Ineligible
    };
    Ok(())
}

/// Whether a line is inside the document's area, and what was seen. A project line reads
/// the project's district. A per-firm line reads the document's firm flag if it names one,
/// else `district` if the catalogue declares it for the firm, else the firm's projects: it
/// passes when any of them is in the district.
fn applies_in(area: &AppliesIn, ctx: &Ctx, per: Per) -> (Observed, bool) {
    let AppliesIn::District {
        id,
        firm_flag,
        district,
    } = area;
    let is_here = |v: &Option<Value>| *v == Some(Value::Choice(id.index));
    let seen = |v: Option<Value>| v.map_or(Observed::Missing, Observed::Value);
    match (per, firm_flag) {
        (Per::SubjectYear, Some(flag)) => match ctx.values[flag.slot] {
            Some(v @ Value::Flag(b)) => (Observed::Value(v), b),
            _ => (Observed::Missing, false),
        },
        (Per::SubjectYear, None) if ctx.values[*district].is_none() => {
            let districts = ctx.projects.iter().map(|inputs| {
                inputs
                    .iter()
                    .find(|(slot, _)| slot == district)
                    .map(|(_, v)| *v)
            });
            match districts.clone().find(is_here) {
                Some(d) => (seen(d), true),
                None => (seen(districts.flatten().next()), false),
            }
        }
        _ => {
            let v = ctx.values[*district];
            (seen(v), is_here(&v))
        }
    }
}

/// An amount as the text states it: a definite minimum and a ceiling, either possibly absent.
#[derive(Clone, Copy, Debug, Default)]
struct Quantity {
    amount: Option<Decimal>,
    ceiling: Option<Decimal>,
    unquantified: bool,
}

impl Quantity {
    fn cap(&mut self, limit: Decimal) {
        self.amount = self.amount.map(|a| a.min(limit));
        self.ceiling = Some(self.ceiling.map_or(limit, |c| c.min(limit)));
    }

    /// `None` when a figure overflows.
    fn scale(self, by: Decimal) -> Option<Quantity> {
        let times = |v: Option<Decimal>| match v {
            Some(x) => x.checked_mul(by).map(Some),
            None => Some(None),
        };
        Some(Quantity {
            amount: times(self.amount)?,
            ceiling: times(self.ceiling)?,
            unquantified: self.unquantified,
        })
    }
}

struct Evaluator<'a, 'r, 't> {
    ctx: &'a Ctx<'a>,
    /// Every document, for the readings a rule may select.
    documents: &'r [Document],
    base: Option<Decimal>,
    /// The arena of nodes; this line's start at `start`.
    trace: &'t mut Vec<Node>,
    start: usize,
    /// Set when a figure overflowed; the line is then refused as a whole.
    overflow: bool,
    /// Where in the rule the evaluation is: recorded in each node instead of a reference.
    site: Site,
    /// The days of the year the rule is in force: a dated input counts only the entries
    /// dated inside, a date condition holds only inside.
    window: Window,
}

impl<'r> Evaluator<'_, 'r, '_> {
    /// Evaluates `f` at child `i` of the current site.
    fn at<T>(&mut self, i: usize, f: impl FnOnce(&mut Self) -> T) -> T {
        self.site.push(i);
        let out = f(self);
        self.site.pop();
        out
    }

    /// The first input of `e` that has no value (for a "not given" explanation).
    fn first_missing_input(&self, e: &Expr) -> Option<usize> {
        match e {
            Expr::Input(r) => self.ctx.values[r.slot].is_none().then_some(r.slot),
            Expr::Minus(a, b) => self
                .first_missing_input(a)
                .or_else(|| self.first_missing_input(b)),
            Expr::Times(a, _) => self.first_missing_input(a),
            Expr::Plus(v) | Expr::Product(v) | Expr::Min(v) | Expr::Max(v) => {
                v.iter().find_map(|x| self.first_missing_input(x))
            }
            Expr::Reading {
                id,
                default,
                alternative,
            } => {
                let alt = self.ctx.options.reading(id).is_some();
                self.first_missing_input(if alt { alternative } else { default })
            }
            Expr::Base | Expr::Year | Expr::Const(_) | Expr::Param(_) => None,
        }
    }

    /// Unwraps a checked operation, recording an overflow.
    fn checked(&mut self, v: Option<Decimal>) -> Result<Decimal, Missing> {
        v.ok_or_else(|| {
            self.overflow = true;
            Missing
        })
    }

    /// Pushes a node onto this line's trace unless an equal one is already there (a figure
    /// read twice is explained once).
    fn note(&mut self, node: Node) {
        if !self.trace[self.start..].contains(&node) {
            self.trace.push(node);
        }
    }

    /// A dated input's figure for the rule's days in force in the year: the whole year's
    /// when the rule is in force all year; otherwise the entries dated inside, or an
    /// undated yearly figure taken whole, and the line says which.
    fn dated_part(&mut self, slot: usize, whole: Decimal) -> Result<Decimal, Missing> {
        let dated = matches!(
            self.ctx.catalog.decls.get(slot).map(|d| &d.kind),
            Some(InputKind::Dated(_))
        );
        let w = self.window;
        if !dated || w.whole_year() {
            return Ok(whole);
        }
        let Some((_, entries)) = self.ctx.dated.iter().find(|(s, _)| *s == slot) else {
            if !whole.is_zero() {
                self.note(Node::Undated {
                    input: slot,
                    from: w.from,
                    until: w.until,
                });
            }
            return Ok(whole);
        };
        let mut counted = Decimal::ZERO;
        let mut counted_entries = 0u32;
        for e in entries.iter().filter(|e| w.contains(e.date)) {
            counted = self.checked(counted.checked_add(e.amount))?;
            counted_entries += 1;
        }
        self.note(Node::Dated(Box::new(DatedStep {
            input: slot,
            from: w.from,
            until: w.until,
            counted,
            total: whole,
            counted_entries,
            entries: u32::try_from(entries.len()).unwrap_or(u32::MAX),
        })));
        Ok(counted)
    }

    fn expr(&mut self, e: &'r Expr) -> Result<Decimal, Missing> {
        Ok(match e {
            Expr::Input(r) => match self.ctx.values[r.slot] {
                Some(Value::Num(d)) => self.dated_part(r.slot, d)?,
                Some(Value::Year(y)) => Decimal::from(y),
                _ => return Err(Missing),
            },
            Expr::Base => self.base.ok_or(Missing)?,
            Expr::Year => Decimal::from(self.ctx.year),
            Expr::Const(d) => d.0,
            Expr::Minus(a, b) => {
                let (a, b) = (self.expr(a)?, self.expr(b)?);
                self.checked(a.checked_sub(b))?.max(Decimal::ZERO)
            }
            Expr::Plus(v) => {
                let mut s = Decimal::ZERO;
                for x in v {
                    let d = self.expr(x)?;
                    s = self.checked(s.checked_add(d))?;
                }
                s
            }
            Expr::Times(a, k) => {
                let a = self.expr(a)?;
                self.checked(a.checked_mul(k.0))?
            }
            Expr::Product(v) => {
                let mut p = Decimal::ONE;
                for x in v {
                    let d = self.expr(x)?;
                    p = self.checked(p.checked_mul(d))?;
                }
                p
            }
            Expr::Min(v) | Expr::Max(v) => {
                let mut acc: Option<Decimal> = None;
                for x in v {
                    let d = self.expr(x)?;
                    acc = Some(match (acc, e) {
                        (None, _) => d,
                        (Some(a), Expr::Min(_)) => a.min(d),
                        (Some(a), _) => a.max(d),
                    });
                }
                acc.ok_or(Missing)?
            }
            Expr::Reading {
                id,
                default,
                alternative,
            } => {
                let alt = self.use_alternative(id);
                self.expr(if alt { alternative } else { default })?
            }
            Expr::Param(p) => self
                .ctx
                .options
                .reading(&p.reading)
                .and_then(|r| r.param)
                .ok_or(Missing)?,
        })
    }

    /// The site of the branch of a `Reading` the user's selection takes, from `site` of `e`.
    fn taken(&self, e: &Expr, site: Site) -> Site {
        match e {
            Expr::Reading {
                id,
                default,
                alternative,
            } => {
                let alt = self.ctx.options.reading(id).is_some();
                self.taken(
                    if alt { alternative } else { default },
                    site.child(usize::from(alt)),
                )
            }
            _ => site,
        }
    }

    /// Whether the user selected reading `id`; records the reading in the trace once.
    fn use_alternative(&mut self, id: &str) -> bool {
        let selected = self.ctx.options.reading(id);
        let alt = selected.is_some();
        let found = self.documents.iter().enumerate().find_map(|(d, doc)| {
            doc.readings
                .iter()
                .position(|r| r.id == id)
                .map(|i| (d as u16, i as u16))
        });
        if let Some((document, index)) = found {
            let node = Node::Reading {
                document,
                index,
                alternative: alt,
                param: selected.and_then(|r| r.param),
            };
            if !self.trace[self.start..].contains(&node) {
                self.trace.push(node);
            }
        }
        alt
    }

    fn observe(&mut self, e: &'r Expr) -> (Observed, Option<Decimal>) {
        match (e, self.expr(e)) {
            (_, Err(Missing)) => (Observed::Missing, None),
            // A dated input read for part of the year saw its entries' sum, not its value.
            (Expr::Input(r), Ok(d)) => (
                match self.ctx.values[r.slot] {
                    Some(Value::Num(v)) if v != d => Observed::Figure(d),
                    Some(v) => Observed::Value(v),
                    None => Observed::Figure(d),
                },
                Some(d),
            ),
            (_, Ok(d)) => (Observed::Figure(d), Some(d)),
        }
    }

    fn cond(&mut self, c: &'r Cond) -> bool {
        let (observed, passed) = match c {
            // Every child is evaluated (no short-circuit) so the trace shows each check.
            Cond::All(_) | Cond::Any(_) | Cond::Not(_) => {
                let junction = match c {
                    Cond::All(_) => Junction::All,
                    Cond::Any(_) => Junction::Any,
                    _ => Junction::Not,
                };
                let at = self.trace.len();
                self.trace.push(Node::Group {
                    junction,
                    site: self.site,
                    passed: false,
                    len: 0,
                });
                let passed = match c {
                    Cond::All(v) => {
                        let mut all = true;
                        for (i, x) in v.iter().enumerate() {
                            all &= self.at(i, |s| s.cond(x));
                        }
                        all
                    }
                    Cond::Any(v) => {
                        let mut any = false;
                        for (i, x) in v.iter().enumerate() {
                            any |= self.at(i, |s| s.cond(x));
                        }
                        any
                    }
                    Cond::Not(x) => !self.at(0, |s| s.cond(x)),
                    _ => unreachable!("matched above"),
                };
                let len = u16::try_from(self.trace.len() - at - 1).unwrap_or(u16::MAX);
                if let Node::Group {
                    passed: p, len: l, ..
                } = &mut self.trace[at]
                {
                    *p = passed;
                    *l = len;
                }
                return passed;
            }
            Cond::Above(e, t) | Cond::AtLeast(e, t) | Cond::Below(e, t) | Cond::AtMost(e, t) => {
                let (observed, value) = self.observe(e);
                let passed = value.is_some_and(|v| match c {
                    Cond::Above(..) => v > t.0,
                    Cond::AtLeast(..) => v >= t.0,
                    Cond::Below(..) => v < t.0,
                    _ => v <= t.0,
                });
                (observed, passed)
            }
            Cond::Flag(r) => match self.ctx.values[r.slot] {
                Some(v @ Value::Flag(b)) => (Observed::Value(v), b),
                _ => (Observed::Missing, false),
            },
            Cond::Is(r, o) => self.choice(r, |i| i == o.index),
            Cond::OneOf(r, os) => self.choice(r, |i| os.iter().any(|o| o.index == i)),
            Cond::NoneOf(r, os) => self.choice(r, |i| os.iter().all(|o| o.index != i)),
            Cond::Reading {
                id,
                default,
                alternative,
            } => {
                let alt = self.use_alternative(id);
                return self.at(usize::from(alt), |s| {
                    s.cond(if alt { alternative } else { default })
                });
            }
            Cond::DateInForce(r) => match self.ctx.values[r.slot] {
                Some(v @ Value::Date(d)) => (Observed::Value(v), self.window.contains(d)),
                _ => (Observed::Missing, false),
            },
            Cond::YearFrom(y) => (Observed::Year(self.ctx.year), self.ctx.year >= *y),
            Cond::YearUntil(y) => (Observed::Year(self.ctx.year), self.ctx.year <= *y),
        };
        let unclaimed = !passed
            && match (c, observed) {
                (_, Observed::Missing) => true,
                (
                    Cond::Flag(r) | Cond::Is(r, _) | Cond::OneOf(r, _) | Cond::NoneOf(r, _),
                    Observed::Value(v),
                ) => self.ctx.defaults[r.slot] == Some(v),
                _ => false,
            };
        self.trace.push(Node::Check {
            site: self.site,
            observed,
            passed,
            unclaimed,
        });
        passed
    }

    fn choice(&self, r: &InputRef, test: impl Fn(u16) -> bool) -> (Observed, bool) {
        match self.ctx.values[r.slot] {
            Some(v @ Value::Choice(i)) => (Observed::Value(v), test(i)),
            _ => (Observed::Missing, false),
        }
    }

    /// `None` when no tier is reached or a needed figure is missing.
    fn amount(&mut self, a: &'r Amount) -> Option<Quantity> {
        Some(match a {
            Amount::Rate { base, rate, kind } => {
                let (observed, value) = self.observe(base);
                let Some(b) = value else {
                    debug_assert_eq!(observed, Observed::Missing);
                    self.trace.push(Node::Missing {
                        site: self.site.child(0),
                        input: self.first_missing_input(base),
                    });
                    return None;
                };
                let result = self.checked(b.checked_mul(rate.0)).ok()?;
                self.trace.push(Node::Rate(Box::new(RateStep {
                    of: self.taken(base, self.site.child(0)),
                    base: b,
                    rate: rate.0,
                    kind: *kind,
                    result,
                })));
                match kind {
                    RateKind::AtLeast => Quantity {
                        amount: Some(result),
                        ..Default::default()
                    },
                    RateKind::AtMost => Quantity {
                        ceiling: Some(result),
                        ..Default::default()
                    },
                    RateKind::Exactly => Quantity {
                        amount: Some(result),
                        ceiling: Some(result),
                        unquantified: false,
                    },
                }
            }
            Amount::Tiers(tiers) => {
                // `check_sites` keeps tier counts within u8 at load time.
                let of = tiers.len() as u8;
                for (index, tier) in tiers.iter().enumerate() {
                    let at = self.trace.len();
                    self.trace.push(Node::Tier {
                        index: index as u8,
                        of,
                        fired: false,
                        len: 0,
                    });
                    let fired = self.at(2 * index, |s| s.cond(&tier.when));
                    let len = u16::try_from(self.trace.len() - at - 1).unwrap_or(u16::MAX);
                    self.trace[at] = Node::Tier {
                        index: index as u8,
                        of,
                        fired,
                        len,
                    };
                    if fired {
                        return self.at(2 * index + 1, |s| s.amount(&tier.then));
                    }
                }
                self.trace.push(Node::NoTierReached);
                return None;
            }
            Amount::Fixed(x) => {
                self.trace.push(Node::Fixed { amount: x.0 });
                Quantity {
                    amount: Some(x.0),
                    ceiling: Some(x.0),
                    unquantified: false,
                }
            }
            Amount::UpTo(x) => {
                self.trace.push(Node::UpTo { ceiling: x.0 });
                Quantity {
                    ceiling: Some(x.0),
                    ..Default::default()
                }
            }
            Amount::Range(lo, hi) => {
                self.trace.push(Node::Range {
                    minimum: lo.0,
                    maximum: hi.0,
                });
                Quantity {
                    amount: Some(lo.0),
                    ceiling: Some(hi.0),
                    unquantified: false,
                }
            }
            Amount::Unquantified => {
                self.trace.push(Node::Unquantified);
                Quantity {
                    unquantified: true,
                    ..Default::default()
                }
            }
            Amount::Open => Quantity::default(),
            Amount::Sum(parts) => {
                let mut total = Quantity {
                    amount: None,
                    ceiling: Some(Decimal::ZERO),
                    unquantified: false,
                };
                for (i, part) in parts.iter().enumerate() {
                    let q = self
                        .at(i, |s| s.at(0, |s| s.amount(&part.amount)))
                        .unwrap_or(Quantity {
                            amount: Some(Decimal::ZERO),
                            ceiling: Some(Decimal::ZERO),
                            unquantified: false,
                        });
                    self.trace.push(Node::Part(Box::new(PartStep {
                        site: self.site.child(i),
                        amount: q.amount,
                        ceiling: q.ceiling,
                    })));
                    total.amount = match (total.amount, q.amount) {
                        (Some(a), Some(b)) => Some(self.checked(a.checked_add(b)).ok()?),
                        (a, b) => a.or(b),
                    };
                    total.ceiling = match (total.ceiling, q.ceiling) {
                        (Some(a), Some(b)) => Some(self.checked(a.checked_add(b)).ok()?),
                        _ => None,
                    };
                    total.unquantified |= q.unquantified;
                }
                total
            }
            Amount::Each {
                count,
                max_count,
                each,
            } => {
                let (observed, value) = self.observe(count);
                let Some(n) = value else {
                    debug_assert_eq!(observed, Observed::Missing);
                    self.trace.push(Node::Missing {
                        site: self.site.child(0),
                        input: self.first_missing_input(count),
                    });
                    return None;
                };
                let counted = max_count.map_or(n, |m| n.min(m.0));
                self.trace.push(Node::Each { count: n, counted });
                let q = self.at(1, |s| s.amount(each))?.scale(counted);
                if q.is_none() {
                    self.overflow = true;
                }
                q?
            }
        })
    }
}

/// Moves the nodes of `late` (line index, node) to the end of their lines' spans. Lines'
/// spans are contiguous and in line order, so the arena is rebuilt in one pass.
fn merge_late(
    lines: &mut [Line],
    mut nodes: Vec<Node>,
    mut late: Vec<(usize, Node)>,
    work: &mut Work,
) -> Vec<Node> {
    if late.is_empty() {
        return nodes;
    }
    work.sort(late.len());
    work.add(nodes.len() + lines.len());
    late.sort_by_key(|(i, _)| *i);
    // In place, from the last line back: each line's nodes move right by the number of
    // late nodes of the lines before it, so the arena is never held twice.
    let mut read = nodes.len();
    nodes.reserve_exact(late.len());
    nodes.extend(late.iter().map(|_| Node::Repealed));
    let mut write = nodes.len();
    let mut late = late.into_iter().rev().peekable();
    for (i, l) in lines.iter_mut().enumerate().rev() {
        let end = write;
        while let Some((_, n)) = late.next_if(|(j, _)| *j == i) {
            write -= 1;
            nodes[write] = n;
        }
        for _ in 0..l.trace.len {
            read -= 1;
            write -= 1;
            nodes.swap(read, write);
        }
        l.trace = span(write, end);
    }
    nodes
}

/// A one-time rule counts in the first year it yields something, and not again.
fn apply_one_time(
    base: &RuleBase,
    lines: &mut [Line],
    late: &mut Vec<(usize, Node)>,
    work: &mut Work,
) {
    work.add(lines.len());
    let mut first: HashMap<(RuleSlot, Option<usize>), u16> = HashMap::new();
    for (i, l) in lines.iter_mut().enumerate() {
        if base.rule(l.slot).frequency != Frequency::OneTime || !l.status.eligible() {
            continue;
        }
        match first.get(&(l.slot, l.project)) {
            Some(&year) if year < l.year => {
                late.push((i, Node::OneTimeAlreadyCounted { year }));
                l.status = Status::Ineligible;
                l.amount = None;
                l.ceiling = None;
            }
            _ => {
                first.insert((l.slot, l.project), l.year);
            }
        }
    }
}

/// An officer's figure on a line: brought into the policy range (raised to the minimum,
/// capped at the ceiling) and kept apart from the policy's own amount. Never aborts the
/// calculation unless `options.strict` asks for it.
fn apply_offers(
    base: &RuleBase,
    lines: &mut [Line],
    late: &mut Vec<(usize, Node)>,
    file: &ProjectFile,
    options: &EvalOptions,
    work: &mut Work,
) -> Result<(), EvalError> {
    if file.offers.is_empty() {
        return Ok(());
    }
    work.add(file.projects.len() + lines.len() + file.offers.len());
    // Each offer's line found through an index of the offered rules' lines (the first line
    // of a rule, project and year), not by a scan of every line per offer.
    let mut project_at: HashMap<&str, usize> = HashMap::new();
    for (i, p) in file.projects.iter().enumerate() {
        project_at.entry(p.id.as_str()).or_insert(i);
    }
    let offered = offered_rules(base, file);
    let mut line_at: HashMap<(&str, Option<usize>, u16), usize> = HashMap::new();
    for (i, l) in lines.iter().enumerate() {
        if is_offered(&offered, l.slot) {
            line_at
                .entry((base.rule(l.slot).id.as_str(), l.project, l.year))
                .or_insert(i);
        }
    }
    let mut applied: HashSet<usize> = HashSet::new();
    for (offer, o) in file.offers.iter().enumerate() {
        let project = o
            .project
            .as_deref()
            .and_then(|p| project_at.get(p).copied());
        let Some(&i) = line_at.get(&(o.rule.as_str(), project, o.year.0)) else {
            // The parser refuses offers on unknown rules and projects; a year the project
            // does not have leaves nothing to apply the offer to.
            return Err(EvalError::OfferNotApplicable {
                offer,
                rule: o.rule.clone(),
                project: o.project.clone(),
                year: o.year.0,
            });
        };
        if !applied.insert(i) {
            return Err(EvalError::DuplicateOffer {
                offer,
                rule: o.rule.clone(),
                project: o.project.clone(),
                year: o.year.0,
            });
        }
        let line = &mut lines[i];
        let offered = o.amount.0;
        if !line.status.pays() {
            if options.strict {
                return Err(EvalError::OfferNotApplicable {
                    offer,
                    rule: o.rule.clone(),
                    project: o.project.clone(),
                    year: o.year.0,
                });
            }
            late.push((i, Node::OfferNotApplied { offered }));
            continue;
        }
        let (minimum, ceiling) = (line.amount, line.ceiling);
        let (used, fit) = match (minimum, ceiling) {
            (Some(m), _) if offered < m => (m, OfferFit::RaisedToMinimum),
            (_, Some(c)) if offered > c => (c, OfferFit::CappedAtCeiling),
            _ => (offered, OfferFit::Within),
        };
        if options.strict && fit != OfferFit::Within {
            return Err(EvalError::OfferOutOfRange {
                offer,
                rule: o.rule.clone(),
                project: o.project.clone(),
                year: o.year.0,
                offered,
                minimum,
                ceiling,
            });
        }
        late.push((
            i,
            Node::Offer(Box::new(OfferStep {
                offered,
                used,
                minimum,
                ceiling,
                fit,
            })),
        ));
        line.offered = Some(used);
        line.status = Status::Granted;
    }
    Ok(())
}

/// Orders competing lines: the figure the line would pay (an offer where there is one),
/// then ceiling, then a rule in force for the whole year over one in force for part of it,
/// then the newer document (then, in `stacking_decisions`, the smaller rule id).
fn rank_key(base: &RuleBase, l: &Line) -> (Decimal, Decimal, bool, Date) {
    let minus_one = Decimal::NEGATIVE_ONE;
    let amount = l.counted_amount().unwrap_or(minus_one);
    let ceiling = l.ceiling.unwrap_or(if l.amount.is_some() {
        Decimal::MAX
    } else {
        minus_one
    });
    (
        amount,
        ceiling,
        !l.partial_year,
        base.documents[l.slot.document()].issued,
    )
}

/// The lines as the caps shared across projects leave them, for ranking: the few lines a
/// shared cap changed are read from `capped`, every other line from `lines` (no copy of
/// the whole report).
struct Ranked<'a> {
    lines: &'a [Line],
    /// Sorted by line index.
    capped: Vec<(usize, Line)>,
}

impl Ranked<'_> {
    fn get(&self, i: usize) -> &Line {
        match self.capped.binary_search_by_key(&i, |(j, _)| *j) {
            Ok(at) => &self.capped[at].1,
            Err(_) => &self.lines[i],
        }
    }
}

/// No double claim. Lines of one stacking group compete when they are for the same subject
/// in the same year and either for the same project or one of them for the firm as a whole
/// (the pairing rule of `docs/rule-format.md`):
/// 1. Within the firm's own lines, and within each project's lines, the highest line is
///    taken first and every line sharing a group with a line already taken gives way to it.
/// 2. A firm line still taken then meets the project lines still taken of each group it
///    shares: the firm line stays when it pays at least as much as those project lines
///    together, otherwise it gives way to them.
///
/// `ranked` holds the lines as the caps shared across projects leave them, so a line a cap
/// has emptied never wins. In a `TakeHighest` group the line giving way is superseded; in
/// a `WarnOverlap` group it is shown with a warning and left out of the conservative total.
///
/// Linear in the lines (after one sort): a unit's taken lines are found by group, not by a
/// scan of the unit, and a firm line meets the project lines of its year and group through
/// an index built once, not by a scan of every line taken.
fn stacking_decisions(base: &RuleBase, ranked: &Ranked, work: &mut Work) -> Vec<Decision> {
    work.add(ranked.lines.len());
    let groups_of = |i: usize| &base.rule(ranked.lines[i].slot).groups;
    let mut candidates: Vec<usize> = (0..ranked.lines.len())
        .filter(|&i| !groups_of(i).is_empty() && ranked.get(i).status.eligible())
        .collect();
    if candidates.len() < 2 {
        return Vec::new();
    }
    let order = |a: &usize, b: &usize| {
        rank_key(base, ranked.get(*b))
            .cmp(&rank_key(base, ranked.get(*a)))
            .then_with(|| {
                base.rule(ranked.lines[*a].slot)
                    .id
                    .cmp(&base.rule(ranked.lines[*b].slot).id)
            })
    };
    let unit_of = |i: usize| (ranked.lines[i].year, ranked.lines[i].project);
    // (year, project), then the highest first (the keys made once per line, not per
    // comparison).
    work.sort(candidates.len());
    let mut keyed: Vec<_> = candidates
        .iter()
        .map(|&i| (unit_of(i), rank_key(base, ranked.get(i)), i))
        .collect();
    keyed.sort_by(|(unit_a, key_a, a), (unit_b, key_b, b)| {
        unit_a
            .cmp(unit_b)
            .then_with(|| key_b.cmp(key_a))
            .then_with(|| {
                base.rule(ranked.lines[*a].slot)
                    .id
                    .cmp(&base.rule(ranked.lines[*b].slot).id)
            })
    });
    candidates = keyed.into_iter().map(|(_, _, i)| i).collect();
    // The group that decides a pair sharing several: a TakeHighest group whose clause
    // governs the pair that year, else a WarnOverlap group (the texts are silent, so both
    // stay visible), else a TakeHighest group by its reading.
    let shared = |a: usize, b: usize| -> Option<usize> {
        let gb = groups_of(b);
        let common = || groups_of(a).iter().copied().filter(|g| gb.contains(g));
        let (sa, sb, year) = (
            ranked.lines[a].slot,
            ranked.lines[b].slot,
            ranked.lines[a].year,
        );
        common()
            .find(|&g| {
                base.groups[g].policy == StackingPolicy::TakeHighest
                    && governing_basis(base, &base.groups[g], sa, sb, year) != Basis::Reading
            })
            .or_else(|| common().find(|&g| base.groups[g].policy == StackingPolicy::WarnOverlap))
            .or_else(|| common().next())
    };
    let mut decisions: Vec<Decision> = Vec::new();
    let mut taken: Vec<usize> = Vec::new();
    // Within a unit the lines taken share no group (a line sharing one gives way), so each
    // group has at most one taker: the first line taken that shares a group with a new
    // line is the taker of its groups that was taken first.
    let mut taker: Vec<Option<usize>> = vec![None; base.groups.len()];
    for unit in candidates.chunk_by(|a, b| unit_of(*a) == unit_of(*b)) {
        let first = taken.len();
        for &i in unit {
            work.add(1 + groups_of(i).len());
            let winner = groups_of(i)
                .iter()
                .filter_map(|&g| taker.get(g).copied().flatten())
                .min()
                .map(|position| taken[position]);
            match winner.and_then(|w| shared(w, i).map(|g| (w, g))) {
                Some((winner, group)) => decisions.push(Decision {
                    winner,
                    loser: i,
                    group,
                }),
                None => {
                    for &g in groups_of(i) {
                        if let Some(t) = taker.get_mut(g) {
                            t.get_or_insert(taken.len());
                        }
                    }
                    taken.push(i);
                }
            }
        }
        for &w in &taken[first..] {
            work.add(groups_of(w).len());
            for &g in groups_of(w) {
                if let Some(t) = taker.get_mut(g) {
                    *t = None;
                }
            }
        }
    }
    // Firm lines against the project lines of the same year and group. The firm lines
    // taken in one year share no group, so each (year, group) meets one firm line at most.
    let mut firm: Vec<usize> = taken
        .iter()
        .copied()
        .filter(|&i| ranked.lines[i].project.is_none())
        .collect();
    if firm.is_empty() {
        return decisions;
    }
    let firm_groups: HashSet<(u16, usize)> = firm
        .iter()
        .flat_map(|&f| groups_of(f).iter().map(move |&g| (ranked.lines[f].year, g)))
        .collect();
    // The project lines taken, by (year, group), in the order they were taken.
    let mut by_group: HashMap<(u16, usize), Vec<usize>> = HashMap::new();
    work.add(taken.len());
    for &i in &taken {
        if ranked.lines[i].project.is_none() {
            continue;
        }
        for &g in groups_of(i) {
            let key = (ranked.lines[i].year, g);
            if firm_groups.contains(&key) {
                let list = by_group.entry(key).or_default();
                // A rule naming a group twice is still one line of it.
                if list.last() != Some(&i) {
                    list.push(i);
                }
            }
        }
    }
    let mut given_way: HashSet<usize> = HashSet::new();
    work.sort(firm.len());
    firm.sort_by(order);
    for f in firm {
        work.add(1);
        if given_way.contains(&f) {
            continue;
        }
        for &g in groups_of(f) {
            let projects: Vec<usize> = by_group
                .get(&(ranked.lines[f].year, g))
                .into_iter()
                .flatten()
                .copied()
                .filter(|i| !given_way.contains(i))
                .collect();
            work.add(1 + projects.len());
            if projects.is_empty() {
                continue;
            }
            let sum = |field: fn(&Line) -> Option<Decimal>| -> Decimal {
                projects
                    .iter()
                    .map(|&i| field(ranked.get(i)).unwrap_or_default())
                    .sum()
            };
            let firm_key = (
                ranked.get(f).counted_amount().unwrap_or_default(),
                ranked.get(f).ceiling.unwrap_or_default(),
            );
            let project_key = (sum(Line::counted_amount), sum(|l| l.ceiling));
            if firm_key >= project_key && firm_key > (Decimal::ZERO, Decimal::ZERO) {
                for &p in &projects {
                    decisions.push(Decision {
                        winner: f,
                        loser: p,
                        group: g,
                    });
                }
                given_way.extend(projects);
            } else {
                let Some(winner) = projects.iter().copied().min_by(order) else {
                    continue;
                };
                decisions.push(Decision {
                    winner,
                    loser: f,
                    group: g,
                });
                given_way.insert(f);
                break;
            }
        }
    }
    decisions
}

/// One line giving way to another in `group`.
struct Decision {
    winner: usize,
    loser: usize,
    group: usize,
}

/// Marks the lines that give way and adds one node per decision to each side.
fn record_decisions(
    base: &RuleBase,
    lines: &mut [Line],
    decisions: &[Decision],
    late: &mut Vec<(usize, Node)>,
    work: &mut Work,
) {
    work.add(decisions.len());
    // The winner's node lists everything it won over in a group, in one sentence; each
    // (winner, group) is found by index, in the order first met.
    let mut won: Vec<(usize, usize, Vec<RuleSlot>, Vec<Basis>)> = Vec::new();
    let mut won_at: HashMap<(usize, usize), usize> = HashMap::new();
    let mut overlaps: Vec<(usize, usize, Vec<RuleSlot>)> = Vec::new();
    let mut overlap_at: HashMap<(usize, usize), usize> = HashMap::new();
    for d in decisions {
        let group = &base.groups[d.group];
        let (winner_slot, loser_slot) = (lines[d.winner].slot, lines[d.loser].slot);
        let g = u16::try_from(d.group).unwrap_or(u16::MAX);
        match group.policy {
            StackingPolicy::TakeHighest => {
                let basis =
                    governing_basis(base, group, winner_slot, loser_slot, lines[d.loser].year);
                lines[d.loser].status = Status::Superseded;
                late.push((
                    d.loser,
                    Node::Superseded {
                        group: g,
                        winner: winner_slot,
                        basis,
                    },
                ));
                match won_at.get(&(d.winner, d.group)) {
                    Some(&w) => {
                        won[w].2.push(loser_slot);
                        won[w].3.push(basis);
                    }
                    None => {
                        won_at.insert((d.winner, d.group), won.len());
                        won.push((d.winner, d.group, vec![loser_slot], vec![basis]));
                    }
                }
            }
            StackingPolicy::WarnOverlap => {
                lines[d.loser].overlap_excluded = true;
                late.push((
                    d.loser,
                    Node::Overlap {
                        group: g,
                        with: vec![winner_slot],
                        counted: false,
                    },
                ));
                match overlap_at.get(&(d.winner, d.group)) {
                    Some(&w) => overlaps[w].2.push(loser_slot),
                    None => {
                        overlap_at.insert((d.winner, d.group), overlaps.len());
                        overlaps.push((d.winner, d.group, vec![loser_slot]));
                    }
                }
            }
        }
    }
    for (winner, group, over, basis) in won {
        let group = u16::try_from(group).unwrap_or(u16::MAX);
        late.push((winner, Node::Won { group, over, basis }));
    }
    for (winner, group, with) in overlaps {
        let group = u16::try_from(group).unwrap_or(u16::MAX);
        late.push((
            winner,
            Node::Overlap {
                group,
                with,
                counted: true,
            },
        ));
    }
}

/// What decides a pair of lines of `group` in `year` (the rules of `a` and `b`): the first
/// clause of the group that governs it (one of the two is its document's, one of the
/// measures it names; the other is another document's, of the level it speaks of; its
/// document is in force that year), otherwise the group's reading. `docs/stacking.md` is generated from it.
pub fn governing_basis(
    base: &RuleBase,
    group: &StackingGroup,
    a: RuleSlot,
    b: RuleSlot,
    year: u16,
) -> Basis {
    let governs = |clause: &Governing, own: RuleSlot, other: RuleSlot| {
        let Some(doc) = clause.document_index else {
            return false;
        };
        let document = &base.documents[doc];
        // "其他…政策": a clause speaks of its measures against other documents' only.
        own.document() == doc
            && other.document() != doc
            && (clause.rules.is_empty() || clause.rules.contains(&base.rule(own).id))
            && (clause.against == Against::Any
                || base.documents[other.document()].level == Level::Municipal)
            && document.in_force.from.year <= year
            && document.in_force.until.is_none_or(|u| year <= u.year)
            && document.repealed.as_ref().is_none_or(|r| year <= r.on.year)
    };
    group
        .governed_by
        .iter()
        .position(|c| governs(c, a, b) || governs(c, b, a))
        .and_then(|i| u8::try_from(i).ok())
        .map_or(Basis::Reading, Basis::Clause)
}

/// Caps shared by several lines of one rule: per firm per year, per firm, per project.
/// Returns each line a shared cap applies to, as the caps leave it, with its index; the
/// nodes that say so go to `late` when given (the ranking copy records none).
fn shared_caps(
    base: &RuleBase,
    lines: &[Line],
    mut late: Option<&mut Vec<(usize, Node)>>,
    work: &mut Work,
) -> Vec<(usize, Line)> {
    work.add(lines.len());
    let shared = |c: &Cap| {
        matches!(
            c,
            Cap::PerSubjectYear(_) | Cap::PerSubject(_) | Cap::PerProject(_)
        )
    };
    let mut order: Vec<usize> = (0..lines.len())
        .filter(|&i| lines[i].status.pays() && base.rule(lines[i].slot).caps.iter().any(shared))
        .collect();
    work.sort(order.len());
    order.sort_by_key(|&i| (lines[i].year, lines[i].project));
    // (rule, cap index, project, year) → (amount used, ceiling used)
    type CapKey = (RuleSlot, usize, Option<usize>, u16);
    let mut used: HashMap<CapKey, (Decimal, Decimal)> = HashMap::new();
    let mut capped = Vec::with_capacity(order.len());
    for i in order {
        let mut l = lines[i].clone();
        let rule = base.rule(l.slot);
        for (ci, cap) in rule.caps.iter().enumerate() {
            let (limit, key) = match cap {
                Cap::PerSubjectYear(x) => (x.0, (l.slot, ci, None, l.year)),
                Cap::PerSubject(x) => (x.0, (l.slot, ci, None, 0)),
                Cap::PerProject(x) => (x.0, (l.slot, ci, l.project, 0)),
                _ => continue,
            };
            let (used_amount, used_ceiling) = used.entry(key).or_default();
            let before = l.counted_amount();
            let room_amount = (limit - *used_amount).max(Decimal::ZERO);
            l.amount = l.amount.map(|a| a.min(room_amount));
            l.offered = l.offered.map(|a| a.min(room_amount));
            let room = (limit - *used_ceiling).max(Decimal::ZERO);
            l.ceiling = Some(l.ceiling.map_or(room, |c| c.min(room)));
            if let Some(late) = late.as_deref_mut() {
                late.push((
                    i,
                    Node::SharedCap(Box::new(SharedCapStep {
                        index: ci as u8,
                        limit,
                        already: *used_amount,
                        before,
                        after: l.counted_amount(),
                    })),
                ));
            }
            *used_amount += l.counted_amount().unwrap_or_default();
            *used_ceiling += l.ceiling.unwrap_or_default();
            if l.counted_amount().unwrap_or_default().is_zero()
                && l.ceiling.unwrap_or_default().is_zero()
            {
                l.status = Status::Ineligible;
                l.amount = None;
                l.offered = None;
                l.ceiling = None;
            } else if l.counted_amount().unwrap_or_default().is_zero() {
                l.amount = None;
                l.offered = None;
                l.status = Status::CeilingOnly;
            }
        }
        capped.push((i, l));
    }
    capped
}

/// A copy of the rule base in which each cap that a selected reading switches holds the
/// alternative; `None` when no selected reading switches a cap (the usual case: no copy).
fn alternative_caps(base: &RuleBase, options: &EvalOptions) -> Option<RuleBase> {
    let switches = |r: &Rule| {
        r.cap_readings
            .iter()
            .any(|c| options.reading(&c.id).is_some())
    };
    if options.readings.is_empty() || !base.documents.iter().flat_map(|d| &d.rules).any(switches) {
        return None;
    }
    let mut copy = base.clone();
    for rule in copy.documents.iter_mut().flat_map(|d| d.rules.iter_mut()) {
        for c in &rule.cap_readings {
            if options.reading(&c.id).is_some() {
                if let Some(cap) = rule.caps.get_mut(c.index as usize) {
                    *cap = c.alternative.clone();
                }
            }
        }
    }
    Some(copy)
}

/// What the text says of each paying line's stated ceiling beyond its figure: a period it
/// does not state, and a 一事一议 clause above it (which makes the ceiling a reference).
fn apply_ceiling_terms(base: &RuleBase, lines: &mut [Line], late: &mut Vec<(usize, Node)>) {
    for (i, l) in lines.iter_mut().enumerate() {
        let Some(terms) = &base.rule(l.slot).ceiling else {
            continue;
        };
        if !l.status.pays() || l.ceiling.is_none() {
            continue;
        }
        if terms.period == CeilingPeriod::NotStated {
            late.push((i, Node::CeilingPeriodNotStated));
        }
        if let Some(rule) = terms
            .case_by_case_above
            .as_ref()
            .and_then(|r| base.slot_at(r.document, r.rule))
        {
            late.push((i, Node::CaseByCaseAbove { rule }));
            l.ceiling_open = true;
        }
    }
}

/// Each modifier whose conditions hold touches the paying lines of the same firm (a
/// per-project modifier: the same project) in the same year that its targets reach and
/// whose rule states a ceiling: each gets a node naming the modifier, and the modifier's
/// line lists them. Nothing is paid or counted.
fn apply_modifiers(base: &RuleBase, lines: &mut [Line], late: &mut Vec<(usize, Node)>) {
    for m in 0..lines.len() {
        let modifier = base.rule(lines[m].slot);
        let Some(Modifies::RelaxCeilings { touches }) = &modifier.modifies else {
            continue;
        };
        if lines[m].status != Status::Unquantified {
            continue;
        }
        let (by, year, project) = (lines[m].slot, lines[m].year, lines[m].project);
        let reaches = |slot: RuleSlot| {
            let rule = base.rule(slot);
            rule.ceiling.is_some()
                && touches.iter().any(|t| match t {
                    Target::Benefit(b) => rule.benefit == *b,
                    Target::Document(d) => slot.document() == d.index as usize,
                    Target::Rule(r) => {
                        slot.document() == r.document as usize && slot.rule() == r.rule as usize
                    }
                })
        };
        let mut touched = Vec::new();
        for (i, l) in lines.iter_mut().enumerate() {
            if l.year != year
                || project.is_some_and(|p| l.project != Some(p))
                || !l.status.pays()
                || l.ceiling.is_none()
                || !reaches(l.slot)
            {
                continue;
            }
            l.ceiling_open = true;
            late.push((i, Node::CeilingRelaxed { by }));
            touched.push(u32::try_from(i).unwrap_or(u32::MAX));
        }
        late.push((m, Node::RelaxesCeilings { touched }));
    }
}

/// What a line means for the reader (see [`Disposition`]).
fn disposition(base: &RuleBase, l: &Line, trace: &[Node]) -> Disposition {
    let rule = base.rule(l.slot);
    match l.status {
        Status::NotInForce => Disposition::NotInForce,
        Status::Superseded => Disposition::Superseded,
        Status::Granted | Status::CeilingOnly if l.offered.is_some() => Disposition::Offered,
        Status::Granted => Disposition::Definite,
        Status::CeilingOnly => Disposition::CeilingOnly,
        Status::Unquantified if rule.benefit == Benefit::InKind => Disposition::InKind,
        Status::Unquantified if rule.benefit == Benefit::Modifier => Disposition::RelaxesCeilings,
        Status::Unquantified => Disposition::Unquantified {
            case_by_case: rule.quote.contains("一事一议"),
        },
        Status::Ineligible => {
            if let Some(year) = trace.iter().find_map(|n| match n {
                Node::OneTimeAlreadyCounted { year } => Some(*year),
                _ => None,
            }) {
                return Disposition::AlreadyGranted { year };
            }
            let decisive = decisive(trace, l.status).map(|i| &trace[i]);
            if other_district(decisive) {
                Disposition::OtherDistrict
            } else if not_claimed(trace, decisive) {
                Disposition::NotClaimed
            } else {
                Disposition::Ineligible
            }
        }
    }
}

/// A district document whose decisive failure is a known district elsewhere.
fn other_district(decisive: Option<&Node>) -> bool {
    matches!(
        decisive,
        Some(Node::AppliesIn {
            passed: false,
            observed: Observed::Value(_)
        })
    )
}

/// The project does not claim what the rule rewards: a figure it did not give, or a yes/no
/// or choice left at its default ("no", "none"). A line that fails on a figure the project
/// did give (9,800,000 USD against 10,000,000) is ineligible, not unclaimed.
fn not_claimed(trace: &[Node], decisive: Option<&Node>) -> bool {
    if matches!(
        decisive,
        Some(
            Node::Missing { .. }
                | Node::ZeroAmount
                | Node::AppliesIn {
                    observed: Observed::Missing,
                    ..
                }
        )
    ) {
        return true;
    }
    trace.iter().any(|n| {
        matches!(
            n,
            Node::Check {
                passed: false,
                unclaimed: true,
                ..
            }
        )
    })
}
