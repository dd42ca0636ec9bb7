//! The evaluation: (rule base, project file, options) → breakdown. Pure: no I/O, no
//! globals, no formatting; every decision is recorded as a structured trace step.

use std::collections::{BTreeSet, HashMap};

use rust_decimal::Decimal;

use crate::breakdown::*;
use crate::inputs::Value;
use crate::load::{RuleBase, RuleSlot};
use crate::pack::*;
use crate::project::ProjectFile;

/// Input errors the engine finds that no parser could: the year or an option is unknown.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    #[error("year {year}{}: no loaded policy is in force in that year", project.as_ref().map(|p| format!(" of project `{p}`")).unwrap_or_default())]
    YearNotCovered { project: Option<String>, year: u16 },
    #[error(
        "unknown reading `{0}` (see `incentives rules` for the readings each document offers)"
    )]
    UnknownReading(String),
    #[error("the exchange rate must be above zero")]
    BadFxRate,
    #[error(
        "rule `{rule}` in {year}: the figures are too large to compute exactly (beyond 28 digits)"
    )]
    TooLarge { rule: String, year: u16 },
}

/// A figure could not be computed because this input was not given.
struct Missing;

/// One evaluation context: the values seen by a line, by input slot.
struct Ctx<'a> {
    values: &'a [Option<Value>],
    year: u16,
    options: &'a EvalOptions,
}

/// Evaluates every rule for every project and year of `file`.
pub fn evaluate<'r>(
    base: &'r RuleBase,
    file: &ProjectFile,
    options: &EvalOptions,
) -> Result<Breakdown<'r>, EvalError> {
    for id in &options.readings {
        if base.reading(id).is_none() {
            return Err(EvalError::UnknownReading(id.clone()));
        }
    }
    if options.fx_rate.is_some_and(|r| r <= Decimal::ZERO) {
        return Err(EvalError::BadFxRate);
    }
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
    let subject_year_values = |year: u16| {
        let mut v = subject_values.clone();
        if let Some(inputs) = file.subject.years.get(&crate::project::Year(year)) {
            for (slot, value) in &inputs.values {
                v[*slot] = Some(*value);
            }
        }
        v
    };

    let mut lines: Vec<Line<'r>> = Vec::new();
    for (pi, p) in file.projects.iter().enumerate() {
        for (year, year_inputs) in &p.years {
            let mut values = subject_year_values(year.0);
            for (slot, v) in p.inputs.values.iter().chain(&year_inputs.values) {
                values[*slot] = Some(*v);
            }
            let ctx = Ctx {
                values: &values,
                year: year.0,
                options,
            };
            for slot in base
                .rules
                .iter()
                .filter(|s| base.rule(**s).per == Per::ProjectYear)
            {
                lines.push(evaluate_line(base, *slot, &ctx, Some(pi))?);
            }
        }
    }
    for year in &all_years {
        let values = subject_year_values(*year);
        let ctx = Ctx {
            values: &values,
            year: *year,
            options,
        };
        for slot in base
            .rules
            .iter()
            .filter(|s| base.rule(**s).per == Per::SubjectYear)
        {
            lines.push(evaluate_line(base, *slot, &ctx, None)?);
        }
    }

    apply_one_time(&mut lines);
    let rejected_offers = apply_offers(&mut lines, file);
    apply_stacking(&mut lines);
    apply_shared_caps(&mut lines);

    Ok(Breakdown {
        subject: file.subject.name.clone(),
        projects: file.projects.iter().map(|p| p.id.clone()).collect(),
        options: options.clone(),
        lines,
        rejected_offers,
    })
}

/// One rule, one project (or the firm), one year.
fn evaluate_line<'r>(
    base: &'r RuleBase,
    slot: RuleSlot,
    ctx: &Ctx,
    project: Option<usize>,
) -> Result<Line<'r>, EvalError> {
    let document = &base.documents[slot.document];
    let rule = &document.rules[slot.rule];
    let mut line = Line {
        document,
        rule,
        group: slot.group.map(|g| &base.groups[g]),
        project,
        year: ctx.year,
        status: Status::Ineligible,
        amount: None,
        ceiling: None,
        superseded_by: None,
        partial_year: false,
        overlap_excluded: false,
        payer: None,
        trace: Vec::with_capacity(12),
    };
    let period = rule.in_force.as_ref().unwrap_or(&document.in_force);
    let y = ctx.year;
    let repealed_before = document.repealed.as_ref().filter(|r| r.on.year < y);
    if y < period.from.year || period.until.is_some_and(|u| y > u.year) {
        line.trace.push(Step::NotInForce { period });
        line.status = Status::NotInForce;
        return Ok(line);
    }
    if let Some(r) = repealed_before {
        line.trace.push(Step::Repealed {
            by: &r.by,
            on: r.on,
        });
        line.status = Status::NotInForce;
        return Ok(line);
    }
    let partial = (y == period.from.year && !period.from.is_first_of_year())
        || period
            .until
            .is_some_and(|u| y == u.year && !u.is_last_of_year());
    line.partial_year = partial;
    line.trace.push(Step::InForce { period, partial });
    if let Some(r) = document.repealed.as_ref().filter(|r| r.on.year == y) {
        line.trace.push(Step::Repealed {
            by: &r.by,
            on: r.on,
        });
    }

    let mut eval = Evaluator {
        ctx,
        documents: &base.documents,
        base: None,
        trace: &mut line.trace,
        overflow: false,
    };
    let too_large = || EvalError::TooLarge {
        rule: rule.id.clone(),
        year: y,
    };
    if let Some(b) = &rule.base {
        eval.base = eval.expr(b).ok();
    }
    let quantity = if eval.cond(&rule.eligible) {
        eval.amount(&rule.amount)
    } else {
        None
    };
    if eval.overflow {
        return Err(too_large());
    }
    let Some(mut q) = quantity else {
        return Ok(line);
    };
    for cap in &rule.caps {
        let limit = match cap {
            Cap::PerLine(l) => l.0,
            Cap::LimitedTo(e) => match eval.expr(e) {
                Ok(l) => l,
                Err(Missing) => {
                    eval.trace.push(Step::CapNotChecked(e));
                    continue;
                }
            },
            _ => continue,
        };
        let before = q.amount;
        q.cap(limit);
        eval.trace.push(Step::Cap {
            cap,
            limit,
            before,
            after: q.amount,
        });
    }
    if eval.overflow {
        return Err(too_large());
    }
    line.payer = rule.payer.iter().find_map(|p| {
        let mut scratch = Vec::new();
        let mut probe = Evaluator {
            ctx,
            documents: &base.documents,
            base: None,
            trace: &mut scratch,
            overflow: false,
        };
        probe.base = rule.base.as_ref().and_then(|b| probe.expr(b).ok());
        probe.cond(&p.when).then_some(&p.payer)
    });
    if let Some(p) = line.payer {
        line.trace.push(Step::Payer(p));
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
        line.trace.push(Step::ZeroAmount);
        line.amount = None;
        line.ceiling = None;
        Status::Ineligible
    };
    Ok(line)
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
    trace: &'t mut Vec<Step<'r>>,
    /// Set when a figure overflowed; the line is then refused as a whole.
    overflow: bool,
}

impl<'r> Evaluator<'_, 'r, '_> {
    /// Unwraps a checked operation, recording an overflow.
    fn checked(&mut self, v: Option<Decimal>) -> Result<Decimal, Missing> {
        v.ok_or_else(|| {
            self.overflow = true;
            Missing
        })
    }

    fn expr(&mut self, e: &'r Expr) -> Result<Decimal, Missing> {
        Ok(match e {
            Expr::Input(r) => match self.ctx.values[r.slot] {
                Some(Value::Num(d)) => d,
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
        })
    }

    /// Whether the user selected reading `id`; records the reading in the trace once.
    fn use_alternative(&mut self, id: &str) -> bool {
        let alt = self.ctx.options.readings.iter().any(|r| r == id);
        if let Some(decl) = self
            .documents
            .iter()
            .find_map(|d| d.readings.iter().find(|r| r.id == id))
        {
            if !self
                .trace
                .iter()
                .any(|s| matches!(s, Step::Reading { reading, .. } if reading.id == id))
            {
                self.trace.push(Step::Reading {
                    reading: decl,
                    alternative: alt,
                });
            }
        }
        alt
    }

    fn observe(&mut self, e: &'r Expr) -> (Observed, Option<Decimal>) {
        match (e, self.expr(e)) {
            (_, Err(Missing)) => (Observed::Missing, None),
            (Expr::Input(r), Ok(d)) => (
                self.ctx.values[r.slot].map_or(Observed::Figure(d), Observed::Value),
                Some(d),
            ),
            (_, Ok(d)) => (Observed::Figure(d), Some(d)),
        }
    }

    fn cond(&mut self, c: &'r Cond) -> bool {
        let (observed, passed) = match c {
            // Every child is evaluated (no short-circuit) so the trace shows each check.
            Cond::All(v) => {
                let mut all = true;
                for x in v {
                    all &= self.cond(x);
                }
                return all;
            }
            Cond::Any(v) => {
                let mut any = false;
                for x in v {
                    any |= self.cond(x);
                }
                return any;
            }
            Cond::Not(x) => {
                // The inner checks are recorded as seen; the negation decides.
                return !self.cond(x);
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
                return self.cond(if alt { alternative } else { default });
            }
            Cond::YearFrom(y) => (Observed::Year(self.ctx.year), self.ctx.year >= *y),
            Cond::YearUntil(y) => (Observed::Year(self.ctx.year), self.ctx.year <= *y),
        };
        self.trace.push(Step::Check {
            cond: c,
            observed,
            passed,
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
            Amount::Rate {
                base,
                rate,
                kind,
                currency,
            } => {
                let (observed, value) = self.observe(base);
                let Some(mut b) = value else {
                    debug_assert_eq!(observed, Observed::Missing);
                    self.trace.push(Step::Missing(base));
                    return None;
                };
                let usd_figure = *currency == Currency::UsdFigurePaidInCny;
                let fx = if usd_figure {
                    self.ctx.options.fx_rate
                } else {
                    None
                };
                if let Some(r) = fx {
                    b = self.checked(b.checked_mul(r)).ok()?;
                }
                let result = self.checked(b.checked_mul(rate.0)).ok()?;
                self.trace.push(Step::Rate {
                    of: base,
                    base: value.unwrap_or(b),
                    rate: rate.0,
                    kind: *kind,
                    usd_figure,
                    fx,
                    result,
                });
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
                for (index, tier) in tiers.iter().enumerate() {
                    let at = self.trace.len();
                    self.trace.push(Step::Tier {
                        index,
                        of: tiers.len(),
                        fired: false,
                    });
                    if self.cond(&tier.when) {
                        self.trace[at] = Step::Tier {
                            index,
                            of: tiers.len(),
                            fired: true,
                        };
                        return self.amount(&tier.then);
                    }
                }
                self.trace.push(Step::NoTierReached);
                return None;
            }
            Amount::Fixed(x) => {
                self.trace.push(Step::Fixed(x.0));
                Quantity {
                    amount: Some(x.0),
                    ceiling: Some(x.0),
                    unquantified: false,
                }
            }
            Amount::UpTo(x) => {
                self.trace.push(Step::UpTo(x.0));
                Quantity {
                    ceiling: Some(x.0),
                    ..Default::default()
                }
            }
            Amount::Range(lo, hi) => {
                self.trace.push(Step::Range(lo.0, hi.0));
                Quantity {
                    amount: Some(lo.0),
                    ceiling: Some(hi.0),
                    unquantified: false,
                }
            }
            Amount::Unquantified => {
                self.trace.push(Step::Unquantified);
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
                for part in parts {
                    let q = self.amount(&part.amount).unwrap_or(Quantity {
                        amount: Some(Decimal::ZERO),
                        ceiling: Some(Decimal::ZERO),
                        unquantified: false,
                    });
                    self.trace.push(Step::Part {
                        label: &part.label,
                        amount: q.amount,
                        ceiling: q.ceiling,
                    });
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
                    self.trace.push(Step::Missing(count));
                    return None;
                };
                let counted = max_count.map_or(n, |m| n.min(m.0));
                self.trace.push(Step::Each { count: n, counted });
                let q = self.amount(each)?.scale(counted);
                if q.is_none() {
                    self.overflow = true;
                }
                q?
            }
        })
    }
}

/// A one-time rule counts in the first year it yields something, and not again.
fn apply_one_time(lines: &mut [Line]) {
    let mut first: HashMap<(*const Rule, Option<usize>), u16> = HashMap::new();
    for l in lines.iter_mut() {
        if l.rule.frequency != Frequency::OneTime
            || !matches!(
                l.status,
                Status::Granted | Status::CeilingOnly | Status::Unquantified
            )
        {
            continue;
        }
        let key = (l.rule as *const Rule, l.project);
        match first.get(&key) {
            Some(&year) if year < l.year => {
                l.trace.push(Step::OneTimeAlreadyCounted { year });
                l.status = Status::Ineligible;
                l.amount = None;
                l.ceiling = None;
            }
            _ => {
                first.insert(key, l.year);
            }
        }
    }
}

fn apply_offers(lines: &mut [Line], file: &ProjectFile) -> Vec<String> {
    let mut rejected = Vec::new();
    for o in &file.offers {
        let project = o
            .project
            .as_ref()
            .and_then(|p| file.projects.iter().position(|q| &q.id == p));
        let where_ = format!(
            "offer on `{}`{} in {}",
            o.rule,
            o.project
                .as_ref()
                .map(|p| format!(" for project `{p}`"))
                .unwrap_or_default(),
            o.year.0
        );
        let Some(line) = lines
            .iter_mut()
            .find(|l| l.rule.id == o.rule && l.project == project && l.year == o.year.0)
        else {
            rejected.push(format!("{where_}: no such line in the breakdown"));
            continue;
        };
        let offered = o.amount.0;
        let minimum = line.amount.unwrap_or_default();
        let reason = match (line.status, line.ceiling) {
            (Status::Granted | Status::CeilingOnly, Some(c))
                if offered >= minimum && offered <= c =>
            {
                None
            }
            (Status::Granted | Status::CeilingOnly, Some(c)) => Some(format!(
                "{} is outside the policy range {} to {}",
                crate::money::yuan(offered),
                crate::money::yuan(minimum),
                crate::money::yuan(c)
            )),
            (Status::Granted | Status::CeilingOnly, None) => {
                Some("the line has no ceiling to check an offer against".to_owned())
            }
            (s, _) => Some(format!("the line is {}", s.label(Lang::En))),
        };
        line.trace.push(Step::Offer {
            offered,
            accepted: reason.is_none(),
        });
        match reason {
            None => {
                line.amount = Some(offered);
                line.status = Status::Granted;
            }
            Some(r) => rejected.push(format!("{where_}: {r}")),
        }
    }
    rejected
}

/// Orders competing lines: definite amount, then ceiling, then a rule in force for the
/// whole year over one in force for part of it, then the newer document (then, in
/// `apply_stacking`, the smaller rule id).
fn rank_key(l: &Line) -> (Decimal, Decimal, bool, Date) {
    let minus_one = Decimal::NEGATIVE_ONE;
    let amount = l.amount.unwrap_or(minus_one);
    let ceiling = l.ceiling.unwrap_or(if l.amount.is_some() {
        Decimal::MAX
    } else {
        minus_one
    });
    (amount, ceiling, !l.partial_year, l.document.issued)
}

/// Same subject + same project + same year + same group: only the highest line is paid.
fn apply_stacking(lines: &mut [Line]) {
    let mut groups: HashMap<(Option<usize>, u16, *const StackingGroup), Vec<usize>> =
        HashMap::new();
    for (i, l) in lines.iter().enumerate() {
        if let Some(g) = l.group {
            if matches!(
                l.status,
                Status::Granted | Status::CeilingOnly | Status::Unquantified
            ) {
                groups
                    .entry((l.project, l.year, g as *const _))
                    .or_default()
                    .push(i);
            }
        }
    }
    let mut keys: Vec<_> = groups.into_iter().filter(|(_, v)| v.len() > 1).collect();
    keys.sort_by_key(|(_, v)| v[0]);
    for (_, members) in keys {
        let winner = *members
            .iter()
            .max_by(|&&a, &&b| {
                rank_key(&lines[a])
                    .cmp(&rank_key(&lines[b]))
                    .then_with(|| lines[b].rule.id.cmp(&lines[a].rule.id))
            })
            .expect("a group with members");
        let group = lines[winner].group.expect("grouped line");
        let losers: Vec<usize> = members.iter().copied().filter(|&i| i != winner).collect();
        let winner_rule = lines[winner].rule;
        let winner_document = lines[winner].document;
        let over: Vec<&Rule> = losers.iter().map(|&i| lines[i].rule).collect();
        match group.policy {
            StackingPolicy::TakeHighest => {
                for &i in &losers {
                    let l = &mut lines[i];
                    l.status = Status::Superseded;
                    l.superseded_by = Some(winner_rule);
                    l.trace.push(Step::Superseded {
                        group,
                        winner: winner_rule,
                        winner_document,
                    });
                }
                lines[winner].trace.push(Step::Won { group, over });
            }
            StackingPolicy::WarnOverlap => {
                for &i in &losers {
                    let mut with: Vec<&Rule> = vec![winner_rule];
                    with.extend(losers.iter().filter(|&&j| j != i).map(|&j| lines[j].rule));
                    lines[i].overlap_excluded = true;
                    lines[i].trace.push(Step::Overlap {
                        group,
                        with,
                        counted: false,
                    });
                }
                lines[winner].trace.push(Step::Overlap {
                    group,
                    with: over,
                    counted: true,
                });
            }
        }
    }
}

/// Caps shared by several lines of one rule: per firm per year, per firm, per project.
fn apply_shared_caps(lines: &mut [Line]) {
    let mut order: Vec<usize> = (0..lines.len())
        .filter(|&i| {
            lines[i].status.pays()
                && lines[i].rule.caps.iter().any(|c| {
                    matches!(
                        c,
                        Cap::PerSubjectYear(_) | Cap::PerSubject(_) | Cap::PerProject(_)
                    )
                })
        })
        .collect();
    order.sort_by_key(|&i| (lines[i].year, lines[i].project));
    // (rule, cap index, scope key) → (amount used, ceiling used)
    type CapKey = (*const Rule, usize, Option<usize>, u16);
    let mut used: HashMap<CapKey, (Decimal, Decimal)> = HashMap::new();
    for i in order {
        let l = &mut lines[i];
        let rule = l.rule;
        for (ci, cap) in rule.caps.iter().enumerate() {
            let (limit, key) = match cap {
                Cap::PerSubjectYear(x) => (x.0, (rule as *const _, ci, None, l.year)),
                Cap::PerSubject(x) => (x.0, (rule as *const _, ci, None, 0)),
                Cap::PerProject(x) => (x.0, (rule as *const _, ci, l.project, 0)),
                _ => continue,
            };
            let (used_amount, used_ceiling) = used.entry(key).or_default();
            let before = l.amount;
            l.amount = l
                .amount
                .map(|a| a.min((limit - *used_amount).max(Decimal::ZERO)));
            let room = (limit - *used_ceiling).max(Decimal::ZERO);
            l.ceiling = Some(l.ceiling.map_or(room, |c| c.min(room)));
            l.trace.push(Step::SharedCap {
                cap,
                limit,
                already: *used_amount,
                before,
                after: l.amount,
            });
            *used_amount += l.amount.unwrap_or_default();
            *used_ceiling += l.ceiling.unwrap_or_default();
            if l.amount.unwrap_or_default().is_zero() && l.ceiling.unwrap_or_default().is_zero() {
                l.status = Status::Ineligible;
                l.amount = None;
                l.ceiling = None;
            } else if l.amount.unwrap_or_default().is_zero() {
                l.amount = None;
                l.status = Status::CeilingOnly;
            }
        }
    }
}
