//! What would change the answer: the thresholds the rule data compares a figure against,
//! the distance from a project's figure to the next tier, and a what-if sweep of one
//! input. Pure: no I/O, no prose. Every figure here comes from re-evaluating the project
//! with [`engine::evaluate`]; no policy is special-cased, so any rule whose data compares
//! an input (or a base built from it) against a constant is covered.
//!
//! An input is related to the figure a rule compares by reading the rule's expressions:
//! the figure is `factor × input + rest`, where `rest` holds other inputs (the
//! foreign-shareholder loans subtracted from arrived foreign capital) or constants. A
//! threshold `N` on the figure is reported in the input's units as `N / factor`. Where
//! the figure is not the input alone (`on_base`), that value is the figure's own threshold
//! and equals the input's only when `rest` is zero; [`next_tiers`] and [`sweep`] read the
//! project's current figure from its trace and shift by `rest`, so with 2,500,000 USD of
//! shareholder loans the 10,000,000 threshold on the base is 12,500,000 arrived. A figure
//! that is not linear in the input (a `Min`, a `Max`, a product with an unknown figure) has
//! no threshold in the input's units and is left out.

use std::collections::HashMap;
use std::sync::Arc;

use rust_decimal::prelude::ToPrimitive;
use rust_decimal::{Decimal, RoundingStrategy};

use crate::engine::{self, EvalError};
use crate::inputs::Value;
use crate::load::{RuleBase, RuleSlot};
use crate::pack::{
    Amount, Cap, Cond, Expr, InputDecl, InputKind, Rule, RulePart, Scope, Site, SiteRoot, Unit,
};
use crate::project::{At, ProjectErrorKind, ProjectFile};
use crate::report::{EvalOptions, Node, Observed, Report};

// ---------------------------------------------------------------------------------------
// Thresholds

/// How a threshold is crossed, in the input's own direction (a comparison on a figure
/// that falls as the input rises is turned round: `Above(−x, N)` is `Below` at `−N`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ThresholdKind {
    /// 超过 N: the condition holds only above `at`, not at it.
    Strict,
    /// N以上 / 达到: holds from `at` on.
    Inclusive,
    /// 低于 / 不足 N: holds only below `at`.
    Below,
    /// N以下 / 以内 / 不超过: holds up to and including `at`.
    AtMost,
    /// A cap on `rate × figure` (or a limit on a counted number) binds from `at` on: past
    /// it, more of the input pays nothing more.
    CapBinds,
}

/// One place a rule compares a figure built from an input against a constant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Threshold {
    pub slot: RuleSlot,
    pub rule_id: String,
    pub kind: ThresholdKind,
    /// The threshold in the input's units: the figure's constant divided by `factor`. When
    /// `on_base`, this is the threshold on the figure (the base), which is the input's own
    /// threshold only when the figure's other terms are zero.
    pub at: Decimal,
    /// The constant the rule names: the compared figure's threshold (30,000,000 USD), or
    /// for `CapBinds` the cap (10,000,000 元) or the counted limit. `at = limit / factor`.
    pub limit: Decimal,
    /// For a comparison, the condition's place in the rule; for `CapBinds`, the `Rate` (or
    /// `Each`) amount the cap limits.
    pub site: Site,
    /// The compared figure is not the input alone (`input − shareholder loans`, a sum): the
    /// threshold is on that figure, not on the raw input.
    pub on_base: bool,
    /// How much the compared figure moves per unit of the input (1 for the input itself or
    /// a base `input − loans`, −1 for the loans; for a `CapBinds`, how much the capped
    /// amount moves: the rate, times an exchange rate where one applies; never zero).
    pub factor: Decimal,
    /// For `CapBinds`: the index of the cap in the rule's `caps` (`None` for the limit on a
    /// counted number, `Each::max_count`).
    pub cap: Option<u8>,
}

/// Every threshold any rule sets on input `input_slot`: comparisons in eligibility, tier
/// and payer conditions (inside `All`/`Any`/`Not` and both branches of a `Reading`), and
/// the points where a rule's constant caps bind on a `Rate` of the input. Expressions are
/// read at their default 口径; see [`thresholds_under`] for a selection of readings.
pub fn thresholds(base: &RuleBase, input_slot: usize) -> Vec<Threshold> {
    collect(base, input_slot, None)
}

/// As [`thresholds`], under the readings `options` selects: a condition's `Reading` takes
/// the selected branch only, and an expression's parameter (an exchange rate) is known, so
/// a cap on `rate × (USD × exchange rate)` binds at `cap / (rate × exchange rate)`.
pub fn thresholds_under(
    base: &RuleBase,
    input_slot: usize,
    options: &EvalOptions,
) -> Vec<Threshold> {
    collect(base, input_slot, Some(options))
}

fn collect(base: &RuleBase, input_slot: usize, options: Option<&EvalOptions>) -> Vec<Threshold> {
    let mut out = Vec::new();
    for &slot in &base.rules {
        let rule = base.rule(slot);
        let w = Walk {
            rule,
            slot,
            input: input_slot,
            options,
        };
        w.part(
            RulePart::Cond(&rule.eligible),
            Site::at(SiteRoot::Eligible),
            false,
            &mut out,
        );
        w.part(
            RulePart::Amount(&rule.amount),
            Site::at(SiteRoot::Amount),
            true,
            &mut out,
        );
        for (i, p) in rule.payer.iter().enumerate() {
            let root = SiteRoot::Payer(u8::try_from(i).unwrap_or(u8::MAX));
            w.part(RulePart::Cond(&p.when), Site::at(root), false, &mut out);
        }
    }
    out
}

/// How a figure depends on the input.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dep {
    /// Does not read the input; its value when it is a known constant.
    Const(Option<Decimal>),
    /// `factor × input + rest`; `pure` when `rest` is always zero.
    Linear { factor: Decimal, pure: bool },
    /// Reads the input in a way that has no threshold in the input's units.
    Other,
}

struct Walk<'a> {
    rule: &'a Rule,
    slot: RuleSlot,
    input: usize,
    options: Option<&'a EvalOptions>,
}

impl Walk<'_> {
    fn alternative(&self, id: &str) -> bool {
        self.options.is_some_and(|o| o.reading(id).is_some())
    }

    fn dep(&self, e: &Expr, in_base: bool) -> Dep {
        use Dep::*;
        match e {
            Expr::Input(r) if r.slot == self.input => Linear {
                factor: Decimal::ONE,
                pure: true,
            },
            Expr::Input(_) | Expr::Year => Const(None),
            Expr::Const(d) => Const(Some(d.0)),
            Expr::Base => match (&self.rule.base, in_base) {
                (Some(b), false) => self.dep(b, true),
                _ => Other,
            },
            Expr::Param(p) => Const(
                self.options
                    .and_then(|o| o.reading(&p.reading))
                    .and_then(|r| r.param),
            ),
            Expr::Reading {
                id,
                default,
                alternative,
            } => self.dep(
                if self.alternative(id) {
                    alternative
                } else {
                    default
                },
                in_base,
            ),
            Expr::Minus(a, b) => match (self.dep(a, in_base), self.dep(b, in_base)) {
                (Const(_), Const(_)) => Const(None),
                (Linear { factor, .. }, Const(_)) => Linear {
                    factor,
                    pure: false,
                },
                (Const(_), Linear { factor, .. }) => Linear {
                    factor: -factor,
                    pure: false,
                },
                _ => Other,
            },
            Expr::Plus(v) => {
                let mut factor = Decimal::ZERO;
                let mut linear = 0usize;
                for x in v {
                    match self.dep(x, in_base) {
                        Const(_) => {}
                        Linear { factor: f, .. } => {
                            let Some(s) = factor.checked_add(f) else {
                                return Other;
                            };
                            factor = s;
                            linear += 1;
                        }
                        Other => return Other,
                    }
                }
                match linear {
                    0 => Const(None),
                    _ if factor.is_zero() => Other,
                    _ => Linear {
                        factor,
                        pure: v.len() == 1 && linear == 1,
                    },
                }
            }
            Expr::Times(a, k) => match self.dep(a, in_base) {
                Linear { factor, pure } => match factor.checked_mul(k.0) {
                    Some(f) if !f.is_zero() => Linear { factor: f, pure },
                    _ => Other,
                },
                Const(_) => Const(None),
                Other => Other,
            },
            Expr::Product(v) => {
                let mut factor = Decimal::ONE;
                let mut lin: Option<bool> = None;
                let mut unknown = false;
                for x in v {
                    match self.dep(x, in_base) {
                        Const(Some(c)) => match factor.checked_mul(c) {
                            Some(f) => factor = f,
                            None => return Other,
                        },
                        Const(None) => unknown = true,
                        Linear { factor: f, pure } if lin.is_none() => {
                            match factor.checked_mul(f) {
                                Some(p) => factor = p,
                                None => return Other,
                            }
                            lin = Some(pure);
                        }
                        _ => return Other,
                    }
                }
                match lin {
                    None => Const(None),
                    Some(_) if unknown || factor.is_zero() => Other,
                    Some(pure) => Linear { factor, pure },
                }
            }
            Expr::Min(v) | Expr::Max(v) => {
                if v.iter().all(|x| matches!(self.dep(x, in_base), Const(_))) {
                    Const(None)
                } else {
                    Other
                }
            }
        }
    }

    /// A threshold at `limit / factor` in the input's units; `None` when that does not
    /// divide (a zero factor, a quotient past 28 digits).
    fn threshold(
        &self,
        kind: ThresholdKind,
        limit: Decimal,
        factor: Decimal,
        pure: bool,
        site: Site,
        cap: Option<u8>,
    ) -> Option<Threshold> {
        if factor.is_zero() {
            return None;
        }
        Some(Threshold {
            slot: self.slot,
            rule_id: self.rule.id.clone(),
            kind,
            at: limit.checked_div(factor)?.normalize(),
            limit,
            site,
            on_base: !pure,
            factor,
            cap,
        })
    }

    /// Walks one part of the rule. `whole`: the part is the rule's whole amount (reached
    /// from the amount's root through tiers only), so the rule's caps limit it alone.
    fn part(&self, part: RulePart, site: Site, whole: bool, out: &mut Vec<Threshold>) {
        match part {
            RulePart::Cond(Cond::Reading {
                id,
                default,
                alternative,
            }) if self.options.is_some() => {
                let alt = self.alternative(id);
                let c = if alt { alternative } else { default };
                return self.part(RulePart::Cond(c), site.child(usize::from(alt)), false, out);
            }
            RulePart::Cond(
                c @ (Cond::Above(e, n)
                | Cond::AtLeast(e, n)
                | Cond::Below(e, n)
                | Cond::AtMost(e, n)),
            ) => {
                if let Dep::Linear { factor, pure } = self.dep(e, false) {
                    use ThresholdKind::*;
                    let rising = factor > Decimal::ZERO;
                    let kind = match (c, rising) {
                        (Cond::Above(..), true) | (Cond::Below(..), false) => Strict,
                        (Cond::AtLeast(..), true) | (Cond::AtMost(..), false) => Inclusive,
                        (Cond::Below(..), true) | (Cond::Above(..), false) => Below,
                        _ => AtMost,
                    };
                    out.extend(self.threshold(kind, n.0, factor, pure, site, None));
                }
                return;
            }
            RulePart::Amount(Amount::Rate { base, rate, .. }) if whole => {
                if let Dep::Linear { factor, pure } = self.dep(base, false) {
                    let per_unit = rate.0.checked_mul(factor).unwrap_or_default();
                    if per_unit > Decimal::ZERO {
                        for (i, cap) in self.rule.caps.iter().enumerate() {
                            let limit = match cap {
                                Cap::PerLine(l)
                                | Cap::PerSubjectYear(l)
                                | Cap::PerProject(l)
                                | Cap::PerSubject(l) => l.0,
                                // A cap reading's branch stands in its place after load.
                                Cap::LimitedTo(_) | Cap::Reading { .. } => continue,
                            };
                            let cap = Some(u8::try_from(i).unwrap_or(u8::MAX));
                            out.extend(self.threshold(
                                ThresholdKind::CapBinds,
                                limit,
                                per_unit,
                                pure,
                                site,
                                cap,
                            ));
                        }
                    }
                }
            }
            RulePart::Amount(Amount::Each {
                count,
                max_count: Some(m),
                ..
            }) => {
                if let Dep::Linear { factor, pure } = self.dep(count, false) {
                    if factor > Decimal::ZERO {
                        let t =
                            self.threshold(ThresholdKind::CapBinds, m.0, factor, pure, site, None);
                        out.extend(t);
                    }
                }
            }
            _ => {}
        }
        let through_tiers = matches!(part, RulePart::Amount(Amount::Tiers(_)));
        let mut i = 0;
        while let Some(child) = part.child(i) {
            let keep_whole = whole && through_tiers && i % 2 == 1;
            self.part(child, site.child(i), keep_whole, out);
            i += 1;
        }
    }
}

// ---------------------------------------------------------------------------------------
// Reading the current figures and editing the input

/// The smallest meaningful step of an input: one unit (1 元, 1 USD, one item, one tonne,
/// one month …), or one ten-thousandth (0.01 percentage point) for a ratio.
pub fn step(decl: &InputDecl) -> Decimal {
    match decl.kind {
        InputKind::Number(Unit::Ratio) => Decimal::new(1, 4),
        _ => Decimal::ONE,
    }
}

/// The place in `file` where input `slot` is given for a line of `project` in `year`:
/// `None` when the input is per project and the line is the firm's, or no such project.
fn place<'f>(
    file: &'f ProjectFile,
    scope: Scope,
    project: Option<usize>,
    year: u16,
) -> Option<At<'f>> {
    let id = || {
        project
            .and_then(|p| file.projects.get(p))
            .map(|p| p.id.as_str())
    };
    Some(match scope {
        Scope::Subject => At::Subject,
        Scope::SubjectYear => At::SubjectYear { year },
        Scope::Project => At::Project { project: id()? },
        Scope::ProjectYear => At::ProjectYear {
            project: id()?,
            year,
        },
    })
}

/// The input's value at `at`: as given, else its declared default.
fn value_at(base: &RuleBase, file: &ProjectFile, at: At, slot: usize) -> Option<Decimal> {
    let decl = base.catalog.decls.get(slot)?;
    let v = file
        .get(&base.catalog, at, &decl.id)
        .or_else(|| base.catalog.defaults.get(slot).copied().flatten());
    match v {
        Some(Value::Num(d)) => Some(d),
        _ => None,
    }
}

/// A copy of `file` with the input set to `value` at `at`, evaluated.
fn evaluate_with(
    base: &Arc<RuleBase>,
    file: &ProjectFile,
    options: &EvalOptions,
    at: At,
    slot: usize,
    value: Decimal,
) -> Result<Report, InsightError> {
    let id = base
        .catalog
        .decls
        .get(slot)
        .map(|d| d.id.as_str())
        .ok_or(InsightError::UnknownInput(slot))?;
    let mut f = file.clone();
    f.set_value(&base.catalog, at, id, Value::Num(value))
        .map_err(InsightError::Edit)?;
    Ok(engine::evaluate(base, &f, options)?)
}

/// The figure a threshold compares, as the line's trace saw it now: the checked figure of
/// the condition, or for `CapBinds` the base of the rate.
fn figure_now(trace: &[Node], t: &Threshold) -> Option<Decimal> {
    trace.iter().find_map(|n| match (n, t.kind) {
        (
            Node::Check {
                site,
                observed: Observed::Figure(d) | Observed::Value(Value::Num(d)),
                ..
            },
            k,
        ) if k != ThresholdKind::CapBinds && same_place(site, &t.site) => Some(*d),
        (Node::Rate(r), ThresholdKind::CapBinds)
            if r.of.root == t.site.root && r.of.path().starts_with(t.site.child(0).path()) =>
        {
            Some(r.base)
        }
        _ => None,
    })
}

/// Two sites name the same part of a rule.
fn same_place(a: &Site, b: &Site) -> bool {
    a.root == b.root && a.path() == b.path()
}

/// The input value at which `t` is reached for a project whose input is `current` and whose
/// compared figure is `figure`: the figure's other terms (`rest`) shift it.
fn input_at(t: &Threshold, current: Decimal, figure: Decimal) -> Option<Decimal> {
    // figure = factor × current + rest, so the input where figure = factor × at is
    // at − rest / factor = at + current − figure / factor.
    let own = figure.checked_div(t.factor)?;
    t.at.checked_add(current)?.checked_sub(own)
}

/// The first tier that fired: the rule's top-level tiers are evaluated before anything
/// nested in them. `None` when none did or the tiers were never reached.
fn fired_tier(trace: &[Node]) -> Option<u8> {
    trace.iter().find_map(|n| match n {
        Node::Tier {
            index, fired: true, ..
        } => Some(*index),
        _ => None,
    })
}

// ---------------------------------------------------------------------------------------
// Distance to the next tier

/// How much more of an input a line needs to reach a better tier, and what it would pay.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NextTier {
    /// Index into the report's `lines`.
    pub line_index: usize,
    pub rule: RuleSlot,
    pub project: Option<usize>,
    pub year: u16,
    pub input_slot: usize,
    /// The input's value now (as given, or its default).
    pub current: Decimal,
    /// The figure the tier compares, now: the input itself, or the rule's base (`on_base`).
    pub figure: Decimal,
    /// The tier compares a figure built from the input (arrived capital less shareholder
    /// loans): raising the input by `needed` raises that figure by `needed × factor`, the
    /// other terms held as they are.
    pub on_base: bool,
    /// The constant the tier's condition names (on the figure, e.g. 30,000,000).
    pub threshold: Decimal,
    /// The increment of the input. For a strict threshold (超过), the smallest multiple of
    /// the input's [`step`] that passes it; for an inclusive one, exactly what reaches it.
    pub needed: Decimal,
    /// The threshold is strict: the input must be *more than* `current + needed − step`;
    /// exactly the threshold does not count.
    pub strictly_more: bool,
    /// The tier reached (0-based, in the rule's order).
    pub target_tier: u8,
    /// The line's definite amount now and after the increment (re-evaluated).
    pub amount_now: Option<Decimal>,
    pub amount_then: Option<Decimal>,
    /// `amount_then − amount_now` (a missing amount counts as zero).
    pub gain: Decimal,
}

/// For each line of `report` whose rule pays by tiers, and each number input its tier
/// conditions compare rising with the input: the nearest threshold above the current
/// figure that reaches an earlier (better) tier than the one that fired, or any tier when
/// none did. Each candidate is checked by re-evaluating the project with the input raised
/// (other conditions of the tier, such as the industry, decide by themselves), and the
/// first that reaches a better tier is reported with the line's new amount. Lines whose
/// evaluation never reached the tiers (eligibility failed, not in force) are left out.
pub fn next_tiers(
    base: &Arc<RuleBase>,
    file: &ProjectFile,
    options: &EvalOptions,
    report: &Report,
) -> Vec<NextTier> {
    let mut by_input: HashMap<usize, Vec<Threshold>> = HashMap::new();
    let mut out = Vec::new();
    for (line_index, line) in report.lines.iter().enumerate() {
        let rule = base.rule(line.slot);
        let Amount::Tiers(tiers) = &rule.amount else {
            continue;
        };
        let trace = report.trace(line);
        let now_tier = fired_tier(trace);
        let better_than = now_tier.map_or(tiers.len(), usize::from);
        for (slot, decl) in base.catalog.decls.iter().enumerate() {
            if !matches!(decl.kind, InputKind::Number(_)) || !reads(rule, slot) {
                continue;
            }
            let all = by_input
                .entry(slot)
                .or_insert_with(|| thresholds_under(base, slot, options));
            let Some(at) = place(file, decl.scope, line.project, line.year) else {
                continue;
            };
            let Some(current) = value_at(base, file, at, slot) else {
                continue;
            };
            let step = step(decl);
            let mut candidates: Vec<(Decimal, &Threshold, Decimal)> =
                all.iter()
                    .filter(|t| {
                        t.slot == line.slot
                            && t.factor > Decimal::ZERO
                            && matches!(t.kind, ThresholdKind::Strict | ThresholdKind::Inclusive)
                            && match t.site.root {
                                // a condition of an earlier tier
                                SiteRoot::Amount => t.site.path().first().is_some_and(|&p| {
                                    p % 2 == 0 && usize::from(p / 2) < better_than
                                }),
                                SiteRoot::Eligible => true,
                                _ => false,
                            }
                    })
                    .filter_map(|t| {
                        let figure = figure_now(trace, t)?;
                        let n = t.limit;
                        let passes = match t.kind {
                            ThresholdKind::Strict => figure > n,
                            _ => figure >= n,
                        };
                        if passes {
                            return None;
                        }
                        let exact = n.checked_sub(figure)?.checked_div(t.factor)?;
                        let needed = if t.kind == ThresholdKind::Strict {
                            // the smallest whole number of steps strictly beyond `exact`
                            exact
                                .checked_div(step)?
                                .floor()
                                .checked_add(Decimal::ONE)?
                                .checked_mul(step)?
                        } else if exact.checked_mul(t.factor) == n.checked_sub(figure) {
                            exact
                        } else {
                            exact.checked_div(step)?.ceil().checked_mul(step)?
                        };
                        Some((needed.normalize(), t, figure))
                    })
                    .collect();
            candidates.sort_by_key(|a| a.0);
            candidates.dedup_by(|a, b| a.0 == b.0);
            for (needed, t, figure) in candidates {
                let Some(raised) = current.checked_add(needed) else {
                    continue;
                };
                let Ok(then) = evaluate_with(base, file, options, at, slot, raised) else {
                    continue;
                };
                let Some(new_line) = then.lines.iter().find(|l| {
                    l.slot == line.slot && l.project == line.project && l.year == line.year
                }) else {
                    continue;
                };
                let Some(reached) = fired_tier(then.trace(new_line)) else {
                    continue;
                };
                if usize::from(reached) >= better_than {
                    continue;
                }
                let amount_now = line.amount;
                let amount_then = new_line.amount;
                let gain = amount_then
                    .unwrap_or_default()
                    .checked_sub(amount_now.unwrap_or_default())
                    .unwrap_or_default();
                out.push(NextTier {
                    line_index,
                    rule: line.slot,
                    project: line.project,
                    year: line.year,
                    input_slot: slot,
                    current,
                    figure,
                    on_base: t.on_base,
                    threshold: t.limit,
                    needed,
                    strictly_more: t.kind == ThresholdKind::Strict,
                    target_tier: reached,
                    amount_now,
                    amount_then,
                    gain,
                });
                break;
            }
        }
    }
    out
}

/// Whether the rule's amount (its tiers) or base reads input `slot` anywhere.
fn reads(rule: &Rule, slot: usize) -> bool {
    fn expr(e: &Expr, slot: usize) -> bool {
        match e {
            Expr::Input(r) => r.slot == slot,
            _ => {
                let mut i = 0;
                while let Some(c) = RulePart::Expr(e).child(i) {
                    if let RulePart::Expr(x) = c {
                        if expr(x, slot) {
                            return true;
                        }
                    }
                    i += 1;
                }
                false
            }
        }
    }
    fn part(p: RulePart, slot: usize) -> bool {
        if let RulePart::Expr(e) = p {
            return expr(e, slot);
        }
        let mut i = 0;
        while let Some(c) = p.child(i) {
            if part(c, slot) {
                return true;
            }
            i += 1;
        }
        false
    }
    part(RulePart::Amount(&rule.amount), slot) || rule.base.as_ref().is_some_and(|b| expr(b, slot))
}

// ---------------------------------------------------------------------------------------
// What-if sweep

/// Why a sweep could not be made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InsightError {
    #[error("no input has slot {0}")]
    UnknownInput(usize),
    #[error("input `{0}` is not a number")]
    NotANumber(String),
    /// The input is per project and the place names no project of the file.
    #[error("input `{input}` is given per project: no project {project:?} in the file")]
    NoProject {
        input: String,
        project: Option<usize>,
    },
    /// A swept value the input does not admit (outside its declared range).
    #[error("{0}")]
    Edit(ProjectErrorKind),
    #[error(transparent)]
    Eval(Box<EvalError>),
}

impl From<EvalError> for InsightError {
    fn from(e: EvalError) -> Self {
        InsightError::Eval(Box::new(e))
    }
}

/// One line's amounts over a sweep.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SweepLine {
    pub rule: RuleSlot,
    pub project: Option<usize>,
    /// The line's definite amount at each of the sweep's `xs` (superseded lines keep the
    /// amount they would pay; the year's `total_definite` counts the stacking winner once).
    pub amounts: Vec<Option<Decimal>>,
}

/// The project evaluated over a range of one input, in one year.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sweep {
    pub input_slot: usize,
    /// The input's values, ascending, without repeats.
    pub xs: Vec<Decimal>,
    /// The year's 确定可获 sum at each x.
    pub total_definite: Vec<Decimal>,
    /// The lines of the year whose amount changes over the sweep.
    pub lines: Vec<SweepLine>,
    /// Every threshold on the input ([`thresholds_under`] the sweep's readings).
    pub thresholds: Vec<Threshold>,
    /// Where each of `thresholds` lies on this project's input axis (its `at`, shifted by
    /// the project's other terms when `on_base`; `at` itself when the project's figure is
    /// not known).
    pub threshold_xs: Vec<Decimal>,
    /// The project's current value of the input, if given.
    pub current: Option<Decimal>,
}

/// Evaluates the project with input `input_slot` at `at` (project index, year) set to
/// `points` evenly spaced values from `from` to `to` (both included; inner points rounded
/// to the input's [`step`]), plus each threshold inside the range and, for a strict
/// threshold, one step above it.
#[allow(clippy::too_many_arguments)]
pub fn sweep(
    base: &Arc<RuleBase>,
    file: &ProjectFile,
    options: &EvalOptions,
    at: (Option<usize>, u16),
    input_slot: usize,
    from: Decimal,
    to: Decimal,
    points: usize,
) -> Result<Sweep, InsightError> {
    let (project, year) = at;
    let decl = base
        .catalog
        .decls
        .get(input_slot)
        .ok_or(InsightError::UnknownInput(input_slot))?;
    if !matches!(decl.kind, InputKind::Number(_)) {
        return Err(InsightError::NotANumber(decl.id.clone()));
    }
    let place = place(file, decl.scope, project, year).ok_or_else(|| InsightError::NoProject {
        input: decl.id.clone(),
        project,
    })?;
    let (from, to) = if from <= to { (from, to) } else { (to, from) };
    let step = step(decl);
    let current = value_at(base, file, place, input_slot);
    let thresholds = thresholds_under(base, input_slot, options);

    // Where each threshold lies for this project: read the figures it compares now.
    let now = match current {
        Some(_) => Some(engine::evaluate(base, file, options)?),
        None => None,
    };
    let threshold_xs: Vec<Decimal> = thresholds
        .iter()
        .map(|t| {
            let shifted = || {
                let (report, current) = (now.as_ref()?, current?);
                let line = report.lines.iter().find(|l| {
                    l.slot == t.slot
                        && l.year == year
                        && (l.project == project || l.project.is_none())
                })?;
                input_at(t, current, figure_now(report.trace(line), t)?)
            };
            if t.on_base {
                shifted().unwrap_or(t.at)
            } else {
                t.at
            }
        })
        .collect();

    let mut xs: Vec<Decimal> = Vec::new();
    let span = to.checked_sub(from);
    for i in 0..points {
        let x = if i == 0 || points == 1 {
            Some(from)
        } else if i + 1 == points {
            Some(to)
        } else {
            span.and_then(|s| s.checked_mul(Decimal::from(i)))
                .and_then(|s| s.checked_div(Decimal::from(points - 1)))
                .map(|s| {
                    s.round_dp_with_strategy(step.scale(), RoundingStrategy::MidpointAwayFromZero)
                })
                .and_then(|s| from.checked_add(s))
        };
        xs.extend(x);
    }
    for (t, &x) in thresholds.iter().zip(&threshold_xs) {
        xs.push(x);
        if t.kind == ThresholdKind::Strict {
            xs.extend(x.checked_add(step));
        }
    }
    xs.retain(|x| *x >= from && *x <= to);
    for x in &mut xs {
        *x = x.normalize();
    }
    xs.sort();
    xs.dedup();

    let mut total_definite = Vec::with_capacity(xs.len());
    let mut keys: Vec<(RuleSlot, Option<usize>)> = Vec::new();
    let mut amounts: Vec<Vec<Option<Decimal>>> = Vec::new();
    for (i, &x) in xs.iter().enumerate() {
        let r = evaluate_with(base, file, options, place, input_slot, x)?;
        total_definite.push(
            r.years
                .iter()
                .find(|s| s.year == Some(year))
                .map_or(Decimal::ZERO, |s| s.definite),
        );
        for l in r.lines.iter().filter(|l| l.year == year) {
            let k = match keys.iter().position(|k| *k == (l.slot, l.project)) {
                Some(k) => k,
                None => {
                    keys.push((l.slot, l.project));
                    amounts.push(vec![None; xs.len()]);
                    keys.len() - 1
                }
            };
            amounts[k][i] = l.amount;
        }
    }
    let lines = keys
        .into_iter()
        .zip(amounts)
        .filter(|(_, a)| a.windows(2).any(|w| w[0] != w[1]))
        .map(|((rule, project), amounts)| SweepLine {
            rule,
            project,
            amounts,
        })
        .collect();
    Ok(Sweep {
        input_slot,
        xs,
        total_definite,
        lines,
        thresholds,
        threshold_xs,
        current,
    })
}

/// A range for a what-if chart: 0 to the larger of the current value and the largest
/// threshold given, times 1.25, rounded up to a round number (1, 1.5, 2, 2.5, 3, 4, 5, 6 or
/// 8 times a power of ten). Pass only the thresholds to be shown (a cap that binds far out
/// stretches the range). `(0, 1)` when there is nothing to go by.
pub fn default_range(thresholds: &[Threshold], current: Option<Decimal>) -> (Decimal, Decimal) {
    let top = thresholds
        .iter()
        .map(|t| t.at)
        .chain(current)
        .fold(Decimal::ZERO, Decimal::max);
    let Some(target) = top.checked_mul(Decimal::new(125, 2)) else {
        return (Decimal::ZERO, Decimal::MAX);
    };
    if target <= Decimal::ZERO {
        return (Decimal::ZERO, Decimal::ONE);
    }
    // The power of ten at or below the target.
    let mut power = Decimal::ONE;
    while power > target && !power.is_zero() {
        power = power.checked_div(Decimal::TEN).unwrap_or_default();
    }
    while let Some(p) = power.checked_mul(Decimal::TEN) {
        if p > target {
            break;
        }
        power = p;
    }
    // tenths: 1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10
    const NICE: [i64; 10] = [10, 15, 20, 25, 30, 40, 50, 60, 80, 100];
    for m in NICE {
        if let Some(v) = power.checked_mul(Decimal::new(m, 1)) {
            if v >= target {
                return (Decimal::ZERO, v.normalize());
            }
        }
    }
    (Decimal::ZERO, target)
}

/// The one conversion to floating point: a figure handed to a chart as a plot coordinate.
/// Never used for money or rates in any computation.
pub fn to_plot(v: Decimal) -> f64 {
    v.to_f64().unwrap_or(0.0)
}
