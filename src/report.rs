//! The report: what the engine returns and every front end (text, JSON, the app, the
//! PDF) draws. It is owned and `'static`: lines point into the rule base by index and the
//! report holds the rule base by `Arc`, so a window keeps it between frames and a printer
//! writes it long after the caller dropped its own handle. It holds no prose: the message
//! catalogue ([`crate::messages`]) turns every node into Chinese or English.

use std::sync::Arc;

use rust_decimal::Decimal;
use serde::Serialize;

use crate::inputs::Value;
use crate::load::{RuleBase, RuleSlot};
use crate::money::round_fen;
use crate::pack::{
    Benefit, CeilingPeriod, Date, Document, RateKind, ReadingDecl, Rule, Site, StackingGroup,
};
pub use crate::status::Status;

/// The options that change the figures; every output names them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct EvalOptions {
    /// Alternative readings (口径) selected by id, each with its parameter value if it
    /// takes one.
    pub readings: Vec<SelectedReading>,
    /// An officer's figure outside the policy range is an error instead of being brought
    /// into the range.
    pub strict: bool,
}

/// One alternative reading the user selected (`--reading ID` or `--reading ID=VALUE`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
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

/// What a condition saw when it was checked.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Observed {
    Value(Value),
    /// A computed figure (the base, a difference).
    Figure(Decimal),
    Year(u16),
    /// The input was not given and has no default.
    Missing,
}

/// How the children of a condition group combine.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Junction {
    All,
    Any,
    Not,
}

/// Whose period a validity node shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodOf {
    Document,
    /// The rule narrows its document's period.
    Rule,
}

/// How an officer's figure relates to the policy range.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OfferFit {
    Within,
    /// Below the policy minimum: raised to it.
    RaisedToMinimum,
    /// Above the ceiling: brought down to it.
    CappedAtCeiling,
}

/// One node of a line's explanation, in evaluation order. The nodes form a tree in
/// preorder: a `Group` or `Tier` node is followed by the `len` nodes of its subtree.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(tag = "node", rename_all = "snake_case")]
pub enum Node {
    /// The period the rule applies in; `partial` when the year is only partly covered.
    InForce {
        period: PeriodOf,
        partial: bool,
    },
    NotInForce {
        period: PeriodOf,
    },
    /// The document was repealed (by and on are in the document).
    Repealed,
    /// All / Any / Not over the next `len` nodes.
    Group {
        junction: Junction,
        #[serde(skip)]
        site: Site,
        passed: bool,
        len: u16,
    },
    /// A leaf condition with what it saw. `unclaimed`: it failed because the fact was not
    /// given, or is a yes/no or choice left at its default ("no", "none").
    Check {
        #[serde(skip)]
        site: Site,
        observed: Observed,
        passed: bool,
        unclaimed: bool,
    },
    /// Tier `index` (0-based) of `of`; its condition is the next `len` nodes.
    Tier {
        index: u8,
        of: u8,
        fired: bool,
        len: u16,
    },
    NoTierReached,
    /// The figure at `site` could not be computed: `input` (a slot) was not given.
    Missing {
        #[serde(skip)]
        site: Site,
        input: Option<usize>,
    },
    /// A dated input read by a rule in force for only part of the year: the entries dated
    /// inside its days in force are counted.
    Dated(Box<DatedStep>),
    /// An undated yearly figure of a dated input (slot `input`) read by a rule in force
    /// only from `from` to `until`: it could not be split by date, so it is taken whole.
    Undated {
        input: usize,
        from: Date,
        until: Date,
    },
    /// rate × base.
    Rate(Box<RateStep>),
    Fixed {
        amount: Decimal,
    },
    UpTo {
        ceiling: Decimal,
    },
    Range {
        minimum: Decimal,
        maximum: Decimal,
    },
    Unquantified,
    Part(Box<PartStep>),
    Each {
        count: Decimal,
        counted: Decimal,
    },
    /// The rule's `caps[index]`.
    Cap(Box<CapStep>),
    /// A limit that could not be checked because its figure was not given.
    CapNotChecked {
        index: u8,
    },
    /// A cap shared with other lines of the rule (per firm, per project over years).
    SharedCap(Box<SharedCapStep>),
    /// The 口径 taken: `readings[index]` of `document`, with the parameter value given.
    Reading {
        document: u16,
        index: u16,
        alternative: bool,
        param: Option<Decimal>,
    },
    /// The document applies only in one district; checked before eligibility. `observed`
    /// is the project's district, or for a per-firm line the firm's flag or district.
    AppliesIn {
        observed: Observed,
        passed: bool,
    },
    /// A one-time award already counted in `year`.
    OneTimeAlreadyCounted {
        year: u16,
    },
    ZeroAmount,
    /// An officer's figure, and the figure used after bringing it into the policy range.
    Offer(Box<OfferStep>),
    /// An officer's figure on a line that pays nothing this year: not applied.
    OfferNotApplied {
        offered: Decimal,
    },
    /// The rule's `payer[index]` pays.
    Payer {
        index: u8,
    },
    /// Won its stacking group over the listed rules; `basis[i]` decided `over[i]`.
    Won {
        group: u16,
        over: Vec<RuleSlot>,
        basis: Vec<Basis>,
    },
    Superseded {
        group: u16,
        winner: RuleSlot,
        basis: Basis,
    },
    /// In a group whose overlap no clause governs: shown, but counted only once.
    Overlap {
        group: u16,
        with: Vec<RuleSlot>,
        counted: bool,
    },
    /// The text does not say whether the ceiling is per year or for the whole period.
    CeilingPeriodNotStated,
    /// The same clause lets a case be decided 一事一议 above the ceiling (`rule` says so):
    /// the ceiling shown is a reference, not a firm bound.
    CaseByCaseAbove {
        rule: RuleSlot,
    },
    /// The modifier `by` holds for the firm this year and relaxes this line's ceiling by an
    /// amount the text does not state: the ceiling shown is a reference, not a firm bound.
    CeilingRelaxed {
        by: RuleSlot,
    },
    /// This modifier's conditions hold: it relaxes the ceilings of the lines `touched`
    /// (indices among every line the report evaluated: `Report::line_at`).
    RelaxesCeilings {
        touched: Vec<u32>,
    },
}

/// What decides a pair of lines of one stacking group in a year: the group's governing
/// clause `Clause(i)` (`governed_by[i]`), or, where none governs that pair in that year,
/// the group's `reading`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    Clause(u8),
    Reading,
}

// The larger nodes are boxed: they occur on the few lines that pay, and a small `Node`
// keeps the trace of every other line cheap to build.

/// rate × base; `of` is the base expression as evaluated (a `Reading` resolved to the
/// branch taken), so its unit and what it is are read from the pack.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RateStep {
    #[serde(skip)]
    pub of: Site,
    pub base: Decimal,
    pub rate: Decimal,
    pub kind: RateKind,
    pub result: Decimal,
}

/// One part of a `Sum` (its label is at `site`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct PartStep {
    #[serde(skip)]
    pub site: Site,
    pub amount: Option<Decimal>,
    pub ceiling: Option<Decimal>,
}

/// The rule's `caps[index]` applied to the line.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct CapStep {
    pub index: u8,
    pub limit: Decimal,
    pub before: Option<Decimal>,
    pub after: Option<Decimal>,
}

/// The rule's `caps[index]`, shared with the rule's other lines.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct SharedCapStep {
    pub index: u8,
    pub limit: Decimal,
    pub already: Decimal,
    pub before: Option<Decimal>,
    pub after: Option<Decimal>,
}

/// A dated input (slot `input`) split by date: `counted_entries` of its `entries`, dated
/// from `from` to `until`, add up to `counted` of the year's `total`.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DatedStep {
    pub input: usize,
    pub from: Date,
    pub until: Date,
    pub counted: Decimal,
    pub total: Decimal,
    pub counted_entries: u32,
    pub entries: u32,
}

/// An officer's figure, and the figure used after bringing it into the policy range.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct OfferStep {
    pub offered: Decimal,
    pub used: Decimal,
    pub minimum: Option<Decimal>,
    pub ceiling: Option<Decimal>,
    pub fit: OfferFit,
}

impl Node {
    /// How many nodes after this one belong to its subtree.
    pub fn subtree_len(&self) -> usize {
        match self {
            Node::Group { len, .. } | Node::Tier { len, .. } => *len as usize,
            _ => 0,
        }
    }

    fn failed(&self) -> bool {
        matches!(
            self,
            Node::Check { passed: false, .. }
                | Node::AppliesIn { passed: false, .. }
                | Node::Group { passed: false, .. }
                | Node::Missing { .. }
                | Node::OneTimeAlreadyCounted { .. }
                | Node::ZeroAmount
        )
    }
}

/// What a line means for the reader, decided once here so that every front end agrees.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Disposition {
    /// 确定可获: a fixed sum or a policy minimum.
    Definite,
    /// 协商额: an officer's figure within the policy range.
    Offered,
    /// 仅上限: only a ceiling is stated; the amount is set on review.
    CeilingOnly,
    /// 金额未定: eligible, no amount stated; `case_by_case` where the text says 一事一议.
    Unquantified {
        case_by_case: bool,
    },
    /// 非资金支持: priority, services, a green channel; no money.
    InKind,
    /// A modifier whose conditions hold: it relaxes other lines' ceilings and pays nothing.
    RelaxesCeilings,
    /// 就高不就低: a higher line of the same kind is paid instead.
    Superseded,
    /// The project gave none of the facts the rule rewards.
    NotClaimed,
    /// A condition the project's own figures do not meet.
    Ineligible,
    /// A district policy; the project is in another district.
    OtherDistrict,
    /// 已于N年享受: a one-time award already granted.
    AlreadyGranted {
        year: u16,
    },
    NotInForce,
}

impl Disposition {
    /// The id used in the JSON contract.
    pub fn key(self) -> &'static str {
        match self {
            Disposition::Definite => "definite",
            Disposition::Offered => "offered",
            Disposition::CeilingOnly => "ceiling_only",
            Disposition::Unquantified { .. } => "unquantified",
            Disposition::InKind => "in_kind",
            Disposition::RelaxesCeilings => "relaxes_ceilings",
            Disposition::Superseded => "superseded",
            Disposition::NotClaimed => "not_claimed",
            Disposition::Ineligible => "ineligible",
            Disposition::OtherDistrict => "other_district",
            Disposition::AlreadyGranted { .. } => "already_granted",
            Disposition::NotInForce => "not_in_force",
        }
    }

    /// Lines a reader must see: they pay, are eligible, or lost to a higher line.
    /// Whether the reader sees the 口径 a line took: it pays, is superseded, or fails on
    /// the project's own figures.
    pub fn shows_readings(self) -> bool {
        self.relevant() || self == Disposition::Ineligible
    }

    pub fn relevant(self) -> bool {
        matches!(
            self,
            Disposition::Definite
                | Disposition::Offered
                | Disposition::CeilingOnly
                | Disposition::Unquantified { .. }
                | Disposition::InKind
                | Disposition::RelaxesCeilings
                | Disposition::Superseded
        )
    }
}

/// Where a line's explanation sits in [`Report::nodes`]: every line's nodes are kept in
/// one arena, in evaluation order, instead of one allocation per line.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Span {
    pub start: u32,
    pub len: u32,
}

impl Span {
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.start as usize + self.len as usize
    }
}

/// One rule for one project (or the firm) in one year.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Line {
    pub slot: RuleSlot,
    /// Index into `Report::projects`; `None` for a per-firm rule.
    pub project: Option<usize>,
    pub year: u16,
    pub status: Status,
    pub disposition: Disposition,
    /// The definite amount in yuan the policy fixes or guarantees (a minimum).
    pub amount: Option<Decimal>,
    /// The most the line can pay; `None` when the text sets no ceiling.
    pub ceiling: Option<Decimal>,
    /// An officer's figure, brought into the policy range; counted apart from `amount`.
    pub offered: Option<Decimal>,
    /// The rule is in force for only part of this year.
    pub partial_year: bool,
    /// The line is in an ungoverned overlap and is left out of the conservative totals.
    pub overlap_excluded: bool,
    /// The ceiling shown is a reference, not a firm bound: the clause allows 一事一议 above
    /// it, or a modifier relaxes it.
    pub ceiling_open: bool,
    /// Index into the rule's `payer`.
    pub payer: Option<u8>,
    /// The line's nodes in [`Report::nodes`]; [`Report::trace`] gives them.
    pub trace: Span,
}

/// The 口径 (document, reading) a line whose explanation is `trace` took, in its order.
pub fn readings_in(trace: &[Node]) -> impl Iterator<Item = (u16, u16)> + '_ {
    trace.iter().filter_map(|n| match n {
        Node::Reading {
            document, index, ..
        } => Some((*document, *index)),
        _ => None,
    })
}

/// The rule paid instead of the line whose explanation is `trace` (就高不就低), from the
/// stacking decision.
pub fn superseded_in(trace: &[Node]) -> Option<RuleSlot> {
    trace.iter().rev().find_map(|n| match n {
        Node::Superseded { winner, .. } => Some(*winner),
        _ => None,
    })
}

/// The node of `nodes` (a line's trace) that decides why a line of `status` pays nothing:
/// the first failed eligibility condition (a failed `Any` or `Not` as a whole), or, when no
/// tier was reached, the lowest tier's failed condition (the threshold the project came
/// nearest to). A line the project is eligible for has none, even where a tier or a part
/// of its amount failed on the way.
pub fn decisive(nodes: &[Node], status: Status) -> Option<usize> {
    if status.eligible() {
        return None;
    }
    let first_failed = |from: usize, to: usize| -> Option<usize> {
        let mut i = from;
        while i < to {
            let n = &nodes[i];
            if n.failed() {
                match n {
                    // A failed `All` is explained by its own first failed child.
                    Node::Group {
                        junction: crate::report::Junction::All,
                        ..
                    } => {}
                    _ => return Some(i),
                }
            } else if !matches!(n, Node::Tier { .. }) {
                i += n.subtree_len();
            }
            i += 1;
        }
        None
    };
    if let Some(no_tier) = nodes.iter().position(|n| matches!(n, Node::NoTierReached)) {
        let last_tier = nodes[..no_tier]
            .iter()
            .rposition(|n| matches!(n, Node::Tier { .. }))
            .unwrap_or(0);
        let first_tier = nodes[..no_tier]
            .iter()
            .position(|n| matches!(n, Node::Tier { .. }))
            .unwrap_or(last_tier);
        return first_failed(0, first_tier)
            .or_else(|| first_failed(last_tier + 1, no_tier))
            .or(Some(no_tier));
    }
    if status == Status::Ineligible {
        // A cap shared across projects or years that is already used up.
        if let Some(i) = nodes.iter().rposition(|n| match n {
            Node::SharedCap(step) => step.after.is_none_or(|a| a.is_zero()),
            _ => false,
        }) {
            return Some(i);
        }
    }
    if status == Status::Superseded {
        return nodes
            .iter()
            .position(|n| matches!(n, Node::Superseded { .. }));
    }
    if status == Status::NotInForce {
        return nodes
            .iter()
            .position(|n| matches!(n, Node::NotInForce { .. } | Node::Repealed));
    }
    first_failed(0, nodes.len())
}

impl Line {
    /// The figure the line contributes to a total: the offer where there is one.
    pub fn counted_amount(&self) -> Option<Decimal> {
        self.offered.or(self.amount)
    }
}

/// Sums for one year (or all years), firm and project lines together. Each line counts
/// in exactly one column, and each sum adds the amounts as printed (rounded to the fen).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    /// `None` for the row of all years.
    pub year: Option<u16>,
    /// 确定可获: grants with a fixed sum or policy minimum.
    pub definite: Decimal,
    /// 协商额: grants at an officer's figure.
    pub offered: Decimal,
    /// 仅上限: the ceilings of grants stated only as a ceiling.
    pub ceilings: Decimal,
    /// 税费减免: definite tax and fee benefits, never added to grants.
    pub tax_and_fees: Decimal,
    /// The ceilings of tax and fee benefits stated only as a ceiling.
    pub tax_and_fee_ceilings: Decimal,
    /// 金额未定: eligible lines with no stated amount.
    pub unquantified: usize,
    /// 非资金支持: eligible support in kind.
    pub in_kind: usize,
    /// `ceilings` by the period its clauses state; the three add up to `ceilings`.
    pub ceiling_periods: CeilingPeriods,
    /// The most the grants can pay: every paying grant's ceiling (its amount where the
    /// text states no ceiling).
    pub grant_ceiling_total: Decimal,
    /// The part of `grant_ceiling_total` from clauses that state no period: summed across
    /// years for reference only.
    pub grant_ceiling_not_stated: Decimal,
    /// Paying grants whose ceiling is not a firm bound, so `grant_ceiling_total` is not one
    /// either: the text states no ceiling, lets a case be decided 一事一议 above it, or a
    /// modifier relaxes it.
    pub open_ceilings: usize,
}

/// Ceilings kept apart by the period their clauses state ([`CeilingPeriod`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct CeilingPeriods {
    /// 每年, 年度, 每次: each year its own ceiling, so years add up.
    pub per_year: Decimal,
    /// One-time or for the whole period: counted once.
    pub whole_period: Decimal,
    /// The clause states no period: summed across years for reference only.
    pub not_stated: Decimal,
}

/// A total past 28 digits: refused rather than clamped.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TotalTooLarge;

impl Summary {
    /// Adds every counted line of `lines`; `year` labels the row.
    pub fn of<'a>(
        base: &RuleBase,
        year: Option<u16>,
        lines: impl Iterator<Item = &'a Line>,
    ) -> Result<Summary, TotalTooLarge> {
        let mut s = Summary {
            year,
            ..Summary::default()
        };
        for l in lines {
            s.add(base, l)?;
        }
        Ok(s)
    }

    /// Counts one line in its column (if it counts at all).
    fn add(&mut self, base: &RuleBase, l: &Line) -> Result<(), TotalTooLarge> {
        if l.overlap_excluded || !l.disposition.relevant() {
            return Ok(());
        }
        let add = |sum: &mut Decimal, v: Option<Decimal>| -> Result<(), TotalTooLarge> {
            *sum = sum
                .checked_add(round_fen(v.unwrap_or_default()))
                .ok_or(TotalTooLarge)?;
            Ok(())
        };
        let rule = base.rule(l.slot);
        let benefit = rule.benefit;
        // A rule that states no ceiling has none to label (a fixed sum's figure is its amount).
        let period = rule
            .ceiling
            .as_ref()
            .map_or(CeilingPeriod::NotStated, |c| c.period);
        match (l.disposition, benefit) {
            (Disposition::RelaxesCeilings, _) | (_, Benefit::Modifier) => {}
            (Disposition::Unquantified { .. }, _) => self.unquantified += 1,
            (Disposition::InKind, _) => self.in_kind += 1,
            (_, Benefit::InKind) => {}
            (Disposition::Definite, Benefit::Grant) => add(&mut self.definite, l.amount)?,
            (Disposition::Offered, Benefit::Grant) => add(&mut self.offered, l.offered)?,
            (Disposition::CeilingOnly, Benefit::Grant) => {
                add(&mut self.ceilings, l.ceiling)?;
                let part = match period {
                    CeilingPeriod::PerYear => &mut self.ceiling_periods.per_year,
                    CeilingPeriod::WholePeriod => &mut self.ceiling_periods.whole_period,
                    CeilingPeriod::NotStated => &mut self.ceiling_periods.not_stated,
                };
                add(part, l.ceiling)?
            }
            (Disposition::Definite | Disposition::Offered, _) => {
                add(&mut self.tax_and_fees, l.counted_amount())?
            }
            (Disposition::CeilingOnly, _) => add(&mut self.tax_and_fee_ceilings, l.ceiling)?,
            _ => {}
        }
        if benefit == Benefit::Grant && l.status.pays() {
            match l.ceiling {
                Some(c) => {
                    add(&mut self.grant_ceiling_total, Some(c))?;
                    if rule.ceiling.is_some() && period == CeilingPeriod::NotStated {
                        add(&mut self.grant_ceiling_not_stated, Some(c))?;
                    }
                    if l.ceiling_open {
                        self.open_ceilings += 1;
                    }
                }
                None => {
                    self.open_ceilings += 1;
                    add(&mut self.grant_ceiling_total, l.counted_amount())?
                }
            }
        }
        Ok(())
    }
}

/// Everything the engine found for one project file.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    #[serde(skip)]
    base: Arc<RuleBase>,
    pub subject: String,
    /// Project ids, in file order.
    pub projects: Vec<String>,
    pub options: EvalOptions,
    pub lines: Vec<Line>,
    /// Every line's explanation nodes; a line's `trace` says which are its own.
    pub nodes: Vec<Node>,
    /// One row per evaluated year, in order.
    pub years: Vec<Summary>,
    /// All years together.
    pub total: Summary,
    /// The report holds only the lines that pay or that a pass over all lines changed
    /// (`engine::Traces::Shown`): every other line pays nothing, and `engine::Explainer`
    /// evaluates it again, whole, when an output writes it.
    #[serde(skip)]
    sparse: bool,
    /// The 口径 taken by the lines the reader sees, in the order first taken, when the
    /// engine gathered them (a sparse report); otherwise they are read from the lines.
    #[serde(skip)]
    readings: Option<Vec<(u16, u16)>>,
    /// Each kept line's index among every line, ascending (a sparse report).
    #[serde(skip)]
    kept_at: Vec<u32>,
}

impl Report {
    /// Assembles a report; the summaries are computed here, once.
    pub fn new(
        base: Arc<RuleBase>,
        subject: String,
        projects: Vec<String>,
        options: EvalOptions,
        lines: Vec<Line>,
        nodes: Vec<Node>,
    ) -> Result<Report, TotalTooLarge> {
        let mut years: Vec<Summary> = Vec::new();
        let mut total = Summary::default();
        for l in lines.iter().filter(|l| l.disposition.relevant()) {
            let row = match years.binary_search_by_key(&Some(l.year), |s| s.year) {
                Ok(i) => i,
                Err(i) => {
                    years.insert(
                        i,
                        Summary {
                            year: Some(l.year),
                            ..Summary::default()
                        },
                    );
                    i
                }
            };
            years[row].add(&base, l)?;
            total.add(&base, l)?;
        }
        // Every evaluated year has its row, even one where nothing is due.
        for l in &lines {
            if let Err(i) = years.binary_search_by_key(&Some(l.year), |s| s.year) {
                years.insert(
                    i,
                    Summary {
                        year: Some(l.year),
                        ..Summary::default()
                    },
                );
            }
        }
        let rows = years;
        Ok(Report {
            base,
            subject,
            projects,
            options,
            lines,
            nodes,
            years: rows,
            total,
            sparse: false,
            readings: None,
            kept_at: Vec::new(),
        })
    }

    /// Marks the report as holding only the lines that pay or that a pass changed, with
    /// the 口径 its lines took (in the order first taken) and every year it evaluated
    /// (each has its row, even one whose lines were all left out).
    pub(crate) fn set_sparse(
        &mut self,
        readings: Vec<(u16, u16)>,
        kept_at: Vec<u32>,
        evaluated: &[u16],
    ) {
        self.sparse = true;
        self.readings = Some(readings);
        self.kept_at = kept_at;
        for &year in evaluated {
            if let Err(i) = self.years.binary_search_by_key(&Some(year), |s| s.year) {
                self.years.insert(
                    i,
                    Summary {
                        year: Some(year),
                        ..Summary::default()
                    },
                );
            }
        }
    }

    /// The line at `index` among every line the report evaluated (the index a modifier's
    /// `touched` gives), if the report holds it.
    pub fn line_at(&self, index: u32) -> Option<&Line> {
        if !self.sparse {
            return self.lines.get(index as usize);
        }
        let kept = self.kept_at.binary_search(&index).ok()?;
        self.lines.get(kept)
    }

    /// Whether the report holds only the lines that pay or that a pass over all lines
    /// changed (`engine::Traces::Shown`); `engine::Explainer` gives every line.
    pub fn is_sparse(&self) -> bool {
        self.sparse
    }

    /// The rule base the report was computed from.
    pub fn rule_base(&self) -> &RuleBase {
        &self.base
    }

    /// The rule base, shared.
    pub fn base_arc(&self) -> &Arc<RuleBase> {
        &self.base
    }

    pub fn rule(&self, line: &Line) -> &Rule {
        self.base.rule(line.slot)
    }

    pub fn document(&self, line: &Line) -> &Document {
        &self.base.documents[line.slot.document()]
    }

    /// The stacking groups a line's rule belongs to, in the order the rule names them.
    pub fn groups(&self, line: &Line) -> impl Iterator<Item = &StackingGroup> + '_ {
        self.rule(line).groups.iter().map(|&g| &self.base.groups[g])
    }

    /// A line's explanation nodes, in evaluation order (a tree in preorder).
    pub fn trace(&self, line: &Line) -> &[Node] {
        self.nodes.get(line.trace.range()).unwrap_or_default()
    }

    /// The node that decides why `line` pays nothing (see [`decisive`]), as an index into
    /// its trace.
    pub fn decisive(&self, line: &Line) -> Option<usize> {
        decisive(self.trace(line), line.status)
    }

    /// The rule paid instead of `line` (就高不就低), from the stacking decision.
    pub fn superseded_by(&self, line: &Line) -> Option<RuleSlot> {
        superseded_in(self.trace(line))
    }

    pub fn project_name(&self, line: &Line) -> Option<&str> {
        line.project.map(|p| self.projects[p].as_str())
    }

    /// The lines of one rule (by id), in evaluation order.
    pub fn lines_of<'a>(&'a self, rule: &str) -> impl Iterator<Item = &'a Line> + 'a {
        let slot = self
            .base
            .rules
            .iter()
            .copied()
            .find(|s| self.base.rule(*s).id == rule);
        self.lines.iter().filter(move |l| Some(l.slot) == slot)
    }

    /// Sums over any selection of lines (a project, a year).
    pub fn summary_of<'a>(
        &self,
        lines: impl Iterator<Item = &'a Line>,
    ) -> Result<Summary, TotalTooLarge> {
        Summary::of(&self.base, None, lines)
    }

    /// Each project's sums over all its years (`year: None`), in file order, in one pass
    /// over the lines; `None` for a project whose sums pass 28 digits.
    pub fn project_summaries(&self) -> Vec<Option<Summary>> {
        let mut sums = vec![Some(Summary::default()); self.projects.len()];
        for l in &self.lines {
            let Some(slot) = l.project.and_then(|p| sums.get_mut(p)) else {
                continue;
            };
            if let Some(s) = slot {
                if s.add(&self.base, l).is_err() {
                    *slot = None;
                }
            }
        }
        sums
    }

    /// Every 口径 taken by a line the reader sees (eligible, superseded, or failing on the
    /// project's own figures), once each: the document, the reading, the selection.
    pub fn readings_taken(&self) -> Vec<(&Document, &ReadingDecl, Option<&SelectedReading>)> {
        let mut seen: Vec<(u16, u16)> = Vec::new();
        if let Some(gathered) = &self.readings {
            seen.clone_from(gathered);
        }
        for l in self
            .lines
            .iter()
            .filter(|_| self.readings.is_none())
            .filter(|l| l.disposition.shows_readings())
        {
            for r in readings_in(self.trace(l)) {
                if !seen.contains(&r) {
                    seen.push(r);
                }
            }
        }
        seen.into_iter()
            .filter_map(|(d, i)| {
                let doc = self.base.documents.get(d as usize)?;
                let reading = doc.readings.get(i as usize)?;
                Some((doc, reading, self.options.reading(&reading.id)))
            })
            .collect()
    }
}
