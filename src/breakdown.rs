//! The breakdown: what the engine returns and every renderer draws. It borrows the rule
//! base, so a trace step points at the clause text it explains instead of copying it.

use rust_decimal::Decimal;

use crate::inputs::Value;
use crate::pack::{
    AppliesIn, Benefit, Cap, Cond, Document, Period, RateKind, ReadingDecl, Rule, StackingGroup,
    Text,
};

/// The status of one line (also what a golden example expects, so it deserializes).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, serde::Deserialize)]
pub enum Status {
    /// A definite amount (a minimum, a fixed sum or an accepted offer) is due.
    Granted,
    /// Only a ceiling is stated (最高N): the amount is set on review.
    CeilingOnly,
    /// Eligible; the amount is set case by case by the lead agency.
    Unquantified,
    /// Same subject, project, year and kind as a higher line: not paid.
    Superseded,
    Ineligible,
    /// The rule does not apply in this year (not yet in force, expired or repealed).
    NotInForce,
}

impl Status {
    pub fn key(self) -> &'static str {
        match self {
            Status::Granted => "granted",
            Status::CeilingOnly => "ceiling_only",
            Status::Unquantified => "unquantified",
            Status::Superseded => "superseded",
            Status::Ineligible => "ineligible",
            Status::NotInForce => "not_in_force",
        }
    }

    pub fn label(self, lang: crate::pack::Lang) -> &'static str {
        use crate::pack::Lang::*;
        match (self, lang) {
            (Status::Granted, Zh) => "可获",
            (Status::Granted, En) => "granted",
            (Status::CeilingOnly, Zh) => "最高额",
            (Status::CeilingOnly, En) => "ceiling only",
            (Status::Unquantified, Zh) => "一事一议",
            (Status::Unquantified, En) => "unquantified",
            (Status::Superseded, Zh) => "就高不重复",
            (Status::Superseded, En) => "superseded",
            (Status::Ineligible, Zh) => "不符合",
            (Status::Ineligible, En) => "ineligible",
            (Status::NotInForce, Zh) => "不在有效期",
            (Status::NotInForce, En) => "not in force",
        }
    }

    /// Lines that count towards a total.
    pub fn pays(self) -> bool {
        matches!(self, Status::Granted | Status::CeilingOnly)
    }
}

/// What a condition saw when it was checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Observed {
    Value(Value),
    /// A computed figure (the base, a difference).
    Figure(Decimal),
    Year(u16),
    /// The input was not given and has no default.
    Missing,
}

/// One step of the explanation of a line.
#[derive(Clone, Debug)]
pub enum Step<'r> {
    /// The period the rule applies in; `partial` when the year is only partly covered.
    InForce {
        period: &'r Period,
        partial: bool,
    },
    NotInForce {
        period: &'r Period,
    },
    Repealed {
        by: &'r str,
        on: crate::pack::Date,
    },
    /// A leaf condition with what it saw.
    Check {
        cond: &'r Cond,
        observed: Observed,
        passed: bool,
    },
    /// Tier `index` (0-based) of `of` is tried.
    Tier {
        index: usize,
        of: usize,
        fired: bool,
    },
    NoTierReached,
    /// The figure an amount needs was not given.
    Missing(&'r crate::pack::Expr),
    /// rate × base.
    Rate {
        /// The base as evaluated (a `Reading` resolved to the branch taken), so its unit
        /// and what it is are read from the pack: a USD input makes a USD base.
        of: &'r crate::pack::Expr,
        base: Decimal,
        rate: Decimal,
        kind: RateKind,
        result: Decimal,
    },
    Fixed(Decimal),
    UpTo(Decimal),
    Range(Decimal, Decimal),
    Unquantified,
    Part {
        label: &'r Text,
        amount: Option<Decimal>,
        ceiling: Option<Decimal>,
    },
    Each {
        count: Decimal,
        counted: Decimal,
    },
    Cap {
        cap: &'r Cap,
        limit: Decimal,
        before: Option<Decimal>,
        after: Option<Decimal>,
    },
    /// A limit that could not be checked because its figure was not given.
    CapNotChecked(&'r crate::pack::Expr),
    /// A cap shared with other lines (per firm, per project over years).
    SharedCap {
        cap: &'r Cap,
        limit: Decimal,
        already: Decimal,
        before: Option<Decimal>,
        after: Option<Decimal>,
    },
    Reading {
        reading: &'r ReadingDecl,
        alternative: bool,
        /// The parameter value given with the selected alternative.
        param: Option<Decimal>,
    },
    /// The document applies only in an area (a district); checked before eligibility.
    /// `observed` is the project's district, or for a per-firm line the firm's flag or
    /// district (a project's in the district when the firm has one there, else the first).
    AppliesIn {
        area: &'r AppliesIn,
        observed: Observed,
        passed: bool,
    },
    OneTimeAlreadyCounted {
        year: u16,
    },
    ZeroAmount,
    Offer {
        offered: Decimal,
        accepted: bool,
    },
    Payer(&'r Text),
    /// Won its stacking group over the listed rules.
    Won {
        group: &'r StackingGroup,
        over: Vec<&'r Rule>,
    },
    Superseded {
        group: &'r StackingGroup,
        winner: &'r Rule,
        winner_document: &'r Document,
    },
    /// In a group whose overlap no clause governs: shown, but counted only once.
    Overlap {
        group: &'r StackingGroup,
        with: Vec<&'r Rule>,
        counted: bool,
    },
}

/// One rule for one project (or the firm) in one year.
#[derive(Clone, Debug)]
pub struct Line<'r> {
    pub document: &'r Document,
    pub rule: &'r Rule,
    pub group: Option<&'r StackingGroup>,
    /// Index into `Breakdown::projects`; `None` for a per-firm rule.
    pub project: Option<usize>,
    pub year: u16,
    pub status: Status,
    /// The definite amount in yuan: a minimum, a fixed sum or an accepted offer.
    pub amount: Option<Decimal>,
    /// The most the line can pay; `None` when the text sets no ceiling.
    pub ceiling: Option<Decimal>,
    pub superseded_by: Option<&'r Rule>,
    /// The rule is in force for only part of this year.
    pub partial_year: bool,
    /// The line is in an ungoverned overlap and is left out of the conservative total.
    pub overlap_excluded: bool,
    pub payer: Option<&'r Text>,
    pub trace: Vec<Step<'r>>,
}

impl Line<'_> {
    /// The decisive failed step, for a one-line reason why a line pays nothing: the
    /// first failed eligibility check, or, when no tier was reached, the lowest tier's
    /// failed check (the threshold the project came nearest to).
    pub fn first_failure(&self) -> Option<&Step<'_>> {
        let failed = |s: &&Step| {
            matches!(
                s,
                Step::Check { passed: false, .. }
                    | Step::AppliesIn { passed: false, .. }
                    | Step::Missing(_)
                    | Step::OneTimeAlreadyCounted { .. }
                    | Step::ZeroAmount
            )
        };
        if let Some(no_tier) = self
            .trace
            .iter()
            .position(|s| matches!(s, Step::NoTierReached))
        {
            let last_tier = self.trace[..no_tier]
                .iter()
                .rposition(|s| matches!(s, Step::Tier { .. }))
                .unwrap_or(0);
            let before_tiers = self.trace[..last_tier]
                .iter()
                .take_while(|s| !matches!(s, Step::Tier { .. }))
                .find(failed);
            return before_tiers
                .or_else(|| self.trace[last_tier..no_tier].iter().find(failed))
                .or(Some(&self.trace[no_tier]));
        }
        self.trace.iter().find(failed)
    }
}

/// Sums over the lines that count.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Totals {
    /// Definite grant amounts (granted lines, overlaps counted once).
    pub total: Decimal,
    /// The most the grant lines can pay (granted and ceiling-only lines).
    pub total_ceiling: Decimal,
    /// Tax benefits, kept apart from grants.
    pub tax: Decimal,
    pub tax_ceiling: Decimal,
    /// Savings on fees charged by others (insurers, toll operators).
    pub fees: Decimal,
    pub fees_ceiling: Decimal,
    /// Lines that pay without a stated ceiling (a floor with no cap): the ceiling totals
    /// count their minimum and say so.
    pub open_ceilings: usize,
}

/// The evaluation options that change the figures; named in every output.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EvalOptions {
    /// Alternative readings selected by id, each with its parameter value if it takes one.
    pub readings: Vec<SelectedReading>,
}

/// One alternative reading the user selected (`--reading ID` or `--reading ID=VALUE`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SelectedReading {
    pub id: String,
    /// The value of the reading's declared parameter (an exchange rate).
    pub param: Option<Decimal>,
}

impl EvalOptions {
    /// The selection of reading `id`, if the user made one.
    pub fn reading(&self, id: &str) -> Option<&SelectedReading> {
        self.readings.iter().find(|r| r.id == id)
    }
}

/// Everything the engine found for one project file.
#[derive(Clone, Debug)]
pub struct Breakdown<'r> {
    pub subject: String,
    pub projects: Vec<String>,
    pub options: EvalOptions,
    pub lines: Vec<Line<'r>>,
    /// Offers that fell outside the policy range: (rule, project, year, reason).
    pub rejected_offers: Vec<String>,
}

impl Breakdown<'_> {
    pub fn totals(&self) -> Totals {
        totals_of(self.lines.iter())
    }

    pub fn project_name(&self, line: &Line) -> Option<&str> {
        line.project.map(|p| self.projects[p].as_str())
    }
}

/// Totals over any selection of lines (a project, a year, the whole breakdown).
pub fn totals_of<'a, 'r: 'a>(lines: impl Iterator<Item = &'a Line<'r>>) -> Totals {
    let mut t = Totals::default();
    for l in lines {
        if !l.status.pays() || l.overlap_excluded {
            continue;
        }
        let amount = l.amount.unwrap_or_default();
        let ceiling = match l.ceiling {
            Some(c) => c,
            None => {
                t.open_ceilings += 1;
                amount
            }
        };
        let (sum, sum_ceiling) = match l.rule.benefit {
            Benefit::Grant => (&mut t.total, &mut t.total_ceiling),
            Benefit::TaxBenefit => (&mut t.tax, &mut t.tax_ceiling),
            Benefit::FeeSaving => (&mut t.fees, &mut t.fees_ceiling),
            Benefit::InKind => continue,
        };
        // Saturating: a total past 28 digits is beyond any real budget, never a panic.
        *sum = sum.saturating_add(amount);
        *sum_ceiling = sum_ceiling.saturating_add(ceiling);
    }
    t
}
