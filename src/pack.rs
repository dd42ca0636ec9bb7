//! The rule-pack format: what a file in `rules/` may say. Every type here is a closed
//! enum or a struct with `deny_unknown_fields`, so a misspelt key is a load error, never
//! a silently ignored setting. Input names are resolved to slots once, at load time.

use std::fmt;

use serde::de::{self, Deserializer};
use serde::Deserialize;

use crate::money::Dec;

/// A bilingual label: Chinese first (the policy's language), English for the file and docs.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

/// Which language a renderer writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Text {
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Zh => &self.zh,
            Lang::En => &self.en,
        }
    }
}

/// A calendar date written `"YYYY-MM-DD"`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn parse(text: &str) -> Result<Date, String> {
        let bad = || format!("expected a date \"YYYY-MM-DD\", found \"{text}\"");
        let mut parts = text.split('-');
        let (Some(y), Some(m), Some(d), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(bad());
        };
        if y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return Err(bad());
        }
        let year: u16 = y.parse().map_err(|_| bad())?;
        let month: u8 = m.parse().map_err(|_| bad())?;
        let day: u8 = d.parse().map_err(|_| bad())?;
        let leap =
            (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400);
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return Err(bad()),
        };
        if day == 0 || day > days_in_month {
            return Err(bad());
        }
        Ok(Date { year, month, day })
    }

    pub fn is_first_of_year(self) -> bool {
        self.month == 1 && self.day == 1
    }

    pub fn is_last_of_year(self) -> bool {
        self.month == 12 && self.day == 31
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Date::parse(&text).map_err(de::Error::custom)
    }
}

/// A reference to a declared input by id; `slot` is filled in when the pack is resolved.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputRef {
    pub id: String,
    pub slot: usize,
}

impl<'de> Deserialize<'de> for InputRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(InputRef {
            id: String::deserialize(d)?,
            slot: usize::MAX,
        })
    }
}

/// An option of a choice input (`"manufacturing"`), resolved to its index at load time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionRef {
    pub id: String,
    pub index: u16,
}

impl<'de> Deserialize<'de> for OptionRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(OptionRef {
            id: String::deserialize(d)?,
            index: u16::MAX,
        })
    }
}

// ---------------------------------------------------------------------------------------
// Input declarations (files whose top level is `Inputs(...)`)

/// A file of input declarations: the project profile the packs read.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename = "Inputs", deny_unknown_fields)]
pub struct InputsFile {
    /// Form sections declared by this file (each declared once across all files).
    #[serde(default)]
    pub groups: Vec<InputGroup>,
    /// The section of every input in this file that names none itself.
    #[serde(default)]
    pub group: Option<String>,
    pub inputs: Vec<InputDecl>,
}

/// A section of the project form (项目基本情况, 外资, 研发创新 …), shown in `order`.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(rename = "FormGroup", deny_unknown_fields)]
pub struct InputGroup {
    pub id: String,
    pub label: Text,
    pub order: u16,
}

/// The values a number input admits, inclusive; `whole` admits integers only.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(rename = "Range", deny_unknown_fields)]
pub struct ValueRange {
    #[serde(default)]
    pub min: Option<Dec>,
    #[serde(default)]
    pub max: Option<Dec>,
    #[serde(default)]
    pub whole: bool,
}

/// One project-profile input, declared once; rules refer to it by `id`.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename = "Input", deny_unknown_fields)]
pub struct InputDecl {
    pub id: String,
    pub label: Text,
    pub kind: InputKind,
    pub scope: Scope,
    #[serde(default)]
    pub default: Option<RawValue>,
    /// A project file must give it (for a project-scope input: every project).
    #[serde(default)]
    pub required: bool,
    /// Admitted values; when absent the catalogue fills in what the unit implies
    /// (ratios 0–1, counts whole and non-negative).
    #[serde(default)]
    pub range: Option<ValueRange>,
    /// The form section; the file's `group` when absent. Filled in by the catalogue.
    #[serde(default)]
    pub group: Option<String>,
    pub help: Text,
}

/// What values an input takes.
#[derive(Clone, Debug, Deserialize)]
pub enum InputKind {
    /// A non-negative decimal in the given unit.
    Number(Unit),
    /// Yes or no.
    Flag,
    /// One of a closed list of options.
    Choice(Vec<ChoiceOption>),
    /// A calendar year such as 2024.
    Year,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    pub id: String,
    pub label: Text,
}

/// The unit of a number input; money units matter for the currency readings.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
pub enum Unit {
    /// 元 (RMB yuan)
    Yuan,
    /// 美元 (US dollars)
    Usd,
    /// a count (patents, directions, people)
    Count,
    /// 吨 (tonnes)
    Tonnes,
    /// 亩 (mu of land)
    Mu,
    /// 平方米
    SquareMetres,
    /// 千瓦时
    Kwh,
    /// months
    Months,
    /// a ratio written as a decimal (0.15 for 15%)
    Ratio,
}

impl Unit {
    pub fn label(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Unit::Yuan, Lang::Zh) => "元",
            (Unit::Yuan, Lang::En) => "yuan",
            (Unit::Usd, Lang::Zh) => "美元",
            (Unit::Usd, Lang::En) => "USD",
            (Unit::Count, Lang::Zh) => "个",
            (Unit::Count, Lang::En) => "",
            (Unit::Tonnes, Lang::Zh) => "吨",
            (Unit::Tonnes, Lang::En) => "t",
            (Unit::Mu, _) => "亩",
            (Unit::SquareMetres, _) => "m²",
            (Unit::Kwh, Lang::Zh) => "千瓦时",
            (Unit::Kwh, Lang::En) => "kWh",
            (Unit::Months, Lang::Zh) => "个月",
            (Unit::Months, Lang::En) => "months",
            (Unit::Ratio, _) => "",
        }
    }
}

/// Where in a project file an input is given.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, PartialOrd, Ord)]
pub enum Scope {
    /// The firm, constant over the years (`subject.inputs`).
    Subject,
    /// The firm, per year (`subject.years`).
    SubjectYear,
    /// One project, constant over the years (`projects[].inputs`: industry, kind, district …).
    Project,
    /// One project, per year (`projects[].years`).
    ProjectYear,
}

/// A value as written in a file, before it is typed against its declaration.
#[derive(Clone, Debug, PartialEq)]
pub enum RawValue {
    Text(String),
    Bool(bool),
    Integer(i128),
    Float(f64),
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl de::Visitor<'_> for V {
            type Value = RawValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, a number or true/false")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<RawValue, E> {
                Ok(RawValue::Text(v.to_owned()))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawValue, E> {
                Ok(RawValue::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawValue, E> {
                Ok(RawValue::Integer(v.into()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawValue, E> {
                Ok(RawValue::Integer(v.into()))
            }
            fn visit_i128<E: de::Error>(self, v: i128) -> Result<RawValue, E> {
                Ok(RawValue::Integer(v))
            }
            fn visit_u128<E: de::Error>(self, v: u128) -> Result<RawValue, E> {
                i128::try_from(v)
                    .map(RawValue::Integer)
                    .map_err(|_| E::custom("number too large"))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<RawValue, E> {
                Ok(RawValue::Float(v))
            }
        }
        d.deserialize_any(V)
    }
}

// ---------------------------------------------------------------------------------------
// Stacking groups (files whose top level is `StackingGroups(...)`)

#[derive(Clone, Debug, Deserialize)]
#[serde(rename = "StackingGroups", deny_unknown_fields)]
pub struct StackingFile {
    pub groups: Vec<StackingGroup>,
}

/// A set of rules of the same kind, declared once with the clause that governs it.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename = "Group", deny_unknown_fields)]
pub struct StackingGroup {
    pub id: String,
    pub title: Text,
    pub policy: StackingPolicy,
    /// The clauses that govern the overlap; empty for an overlap no clause governs.
    #[serde(default)]
    pub governed_by: Vec<Governing>,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
pub enum StackingPolicy {
    /// Same subject, same project, same year: only the highest line is granted (就高不就低).
    TakeHighest,
    /// The texts overlap but no clause governs it: all lines are shown with a warning, and
    /// the conservative total counts only the highest.
    WarnOverlap,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Governing {
    pub document: String,
    pub clause: String,
    pub line: u32,
    pub quote: String,
}

// ---------------------------------------------------------------------------------------
// Policy documents (files whose top level is `Document(...)`)

/// One policy document and the rules it holds.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename = "Document", deny_unknown_fields)]
pub struct Document {
    /// 文号, e.g. 渝府办发〔2023〕65号.
    pub number: String,
    pub title: Text,
    pub issuer: String,
    pub level: Level,
    pub issued: Date,
    pub in_force: Period,
    #[serde(default)]
    pub repealed: Option<Repeal>,
    pub source: Source,
    /// Alternative readings a user may select (the default reading is what the rules say).
    #[serde(default)]
    pub readings: Vec<ReadingDecl>,
    pub rules: Vec<Rule>,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub enum Level {
    Municipal,
    District(String),
}

/// The period a document or rule applies to; `until: None` is open-ended.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Period {
    pub from: Date,
    #[serde(default)]
    pub until: Option<Date>,
    /// Why the period is what it is (the clause or the reading behind it).
    pub basis: Text,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Repeal {
    pub by: String,
    pub on: Date,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// A file under `rules/sources/`.
    pub file: String,
    /// First and last line of the document in that file.
    pub lines: (u32, u32),
}

/// A named alternative reading of the text, off unless the user selects it.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename = "Reading", deny_unknown_fields)]
pub struct ReadingDecl {
    pub id: String,
    pub title: Text,
    /// What the default reading says and why it is the default.
    pub default: Text,
    /// What the alternative says.
    pub alternative: Text,
}

/// One clause that a firm can claim, or one a firm should see it is eligible for.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rule {
    pub id: String,
    pub title: Text,
    /// Clause reference inside the document, e.g. "三、13".
    pub clause: String,
    /// The line of the source file where the quote starts.
    pub line: u32,
    /// The clause, verbatim from the source text.
    pub quote: String,
    /// 牵头单位 / 责任单位.
    pub lead: Vec<String>,
    pub benefit: Benefit,
    pub per: Per,
    #[serde(default)]
    pub frequency: Frequency,
    /// Narrows the document's period for this rule.
    #[serde(default)]
    pub in_force: Option<Period>,
    /// The figure the amount is computed on; conditions may refer to it as `Base`.
    #[serde(default)]
    pub base: Option<Expr>,
    #[serde(default = "Cond::always")]
    pub eligible: Cond,
    pub amount: Amount,
    #[serde(default)]
    pub caps: Vec<Cap>,
    #[serde(default)]
    pub stacking: Option<String>,
    /// Who pays, first hit (e.g. city above a threshold, district below).
    #[serde(default)]
    pub payer: Vec<PayerRule>,
    /// The readings this rule takes, printed with its explanation.
    #[serde(default)]
    pub notes: Vec<Text>,
    #[serde(default)]
    pub examples: Vec<Example>,
}

/// Kept apart in totals: grants are paid by government, tax benefits reduce tax, fee
/// savings reduce a price someone else charges, in-kind support (a deferral, a priority, a
/// green channel) is no money at all and never enters a total.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
pub enum Benefit {
    Grant,
    TaxBenefit,
    FeeSaving,
    InKind,
}

/// What one line of the breakdown is about.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
pub enum Per {
    /// Each project in each year (the foreign-capital reward).
    ProjectYear,
    /// The firm as a whole in each year (a listing reward).
    SubjectYear,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Default)]
pub enum Frequency {
    #[default]
    Annual,
    /// Granted in the first year the rule yields an amount or ceiling, not again.
    OneTime,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PayerRule {
    pub when: Cond,
    pub payer: Text,
}

/// A figure computed from the inputs.
#[derive(Clone, Debug, Deserialize)]
pub enum Expr {
    Input(InputRef),
    /// The rule's `base`.
    Base,
    /// The year being evaluated (for "within N years of designation").
    Year,
    Const(Dec),
    /// a − b, never below zero (an excluded part cannot exceed the whole).
    Minus(Box<Expr>, Box<Expr>),
    Plus(Vec<Expr>),
    Times(Box<Expr>, Dec),
    /// The product of figures (a customs value × a duty rate).
    Product(Vec<Expr>),
    Min(Vec<Expr>),
    Max(Vec<Expr>),
    /// The default reading's figure, or the alternative's when the user selects `id`.
    Reading {
        id: String,
        default: Box<Expr>,
        alternative: Box<Expr>,
    },
}

/// A condition over the inputs. The boundary reading is in the name.
#[derive(Clone, Debug, Deserialize)]
pub enum Cond {
    All(Vec<Cond>),
    Any(Vec<Cond>),
    Not(Box<Cond>),
    /// 超过 N: strictly greater.
    Above(Expr, Dec),
    /// N以上 / 及以上 / 达到: greater or equal.
    AtLeast(Expr, Dec),
    /// 不满 / 低于 / 不足 N: strictly less.
    Below(Expr, Dec),
    /// N以下 / 以内 / 不超过: less or equal.
    AtMost(Expr, Dec),
    /// A yes/no input is yes.
    Flag(InputRef),
    Is(InputRef, OptionRef),
    OneOf(InputRef, Vec<OptionRef>),
    NoneOf(InputRef, Vec<OptionRef>),
    /// The evaluated year is this year or later.
    YearFrom(u16),
    /// The evaluated year is this year or earlier.
    YearUntil(u16),
    /// The default reading's condition, or the alternative's when the user selects `id`.
    Reading {
        id: String,
        default: Box<Cond>,
        alternative: Box<Cond>,
    },
}

impl Cond {
    pub fn always() -> Cond {
        Cond::All(Vec::new())
    }
}

/// How the text states the rate.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
pub enum RateKind {
    /// 不低于 X%: a floor; more may be granted up to the caps.
    AtLeast,
    /// 不高于 / 最高 X%: a ceiling; the amount is set on review.
    AtMost,
    /// X%: exact.
    Exactly,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Default)]
pub enum Currency {
    /// The base is in yuan.
    #[default]
    Yuan,
    /// The base is a USD figure and the reward is paid in RMB: reading A carries the
    /// figure over (20,000,000 USD × 2% = 400,000 元); reading B converts at a given rate.
    UsdFigurePaidInCny,
}

/// How much a rule pays, as the text states it.
#[derive(Clone, Debug, Deserialize)]
pub enum Amount {
    /// rate × base.
    Rate {
        base: Expr,
        rate: Dec,
        kind: RateKind,
        #[serde(default)]
        currency: Currency,
    },
    /// The first tier whose condition holds decides; none holding makes the line ineligible.
    Tiers(Vec<Tier>),
    /// A definite sum (给予N万元).
    Fixed(Dec),
    /// A ceiling only (最高N万元): never shown as a promised sum.
    UpTo(Dec),
    /// At least N, at most M (N—M万元).
    Range(Dec, Dec),
    /// Eligible, amount set case by case by the lead agency.
    Unquantified,
    /// Components added up; combined caps go in the rule's `caps`.
    Sum(Vec<Part>),
    /// `each` times a count (per direction), the count limited to `max_count`.
    Each {
        count: Expr,
        #[serde(default)]
        max_count: Option<Dec>,
        each: Box<Amount>,
    },
    /// A component the text names without a figure (inside a `Sum`).
    Open,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    pub when: Cond,
    pub then: Amount,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Part {
    pub label: Text,
    pub amount: Amount,
}

/// A limit on what a rule pays.
#[derive(Clone, Debug, Deserialize)]
pub enum Cap {
    /// Per project per year (for a per-firm rule: per firm per year).
    PerLine(Dec),
    /// Per firm per year, across all its projects.
    PerSubjectYear(Dec),
    /// Per firm across all its projects and years.
    PerSubject(Dec),
    /// Per project across all years.
    PerProject(Dec),
    /// Limited to a figure of the inputs (the year's tax payable).
    LimitedTo(Expr),
}

/// A hand-computed case that runs under `cargo test` and `incentives check`.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Example {
    pub name: String,
    pub year: u16,
    /// Every input the case needs, at any scope, for one firm with one project.
    pub inputs: std::collections::BTreeMap<String, RawValue>,
    /// Earlier years of the same project, for one-time and multi-year cases.
    #[serde(default)]
    pub earlier: std::collections::BTreeMap<u16, std::collections::BTreeMap<String, RawValue>>,
    /// Further projects of the same firm in `year` (for per-firm caps across projects):
    /// each map gives that project's project and per-year inputs.
    #[serde(default)]
    pub other_projects: Vec<std::collections::BTreeMap<String, RawValue>>,
    #[serde(default)]
    pub options: ExampleOptions,
    pub expect: Vec<Expect>,
}

#[derive(Clone, Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ExampleOptions {
    #[serde(default)]
    pub fx_rate: Option<Dec>,
    #[serde(default)]
    pub readings: Vec<String>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expect {
    /// The rule whose line is checked; the enclosing rule when absent.
    #[serde(default)]
    pub rule: Option<String>,
    /// Which year's line: the example's `year` when absent, or one of its `earlier` years.
    #[serde(default)]
    pub year: Option<u16>,
    /// Which project's line: 0 (the default) is the example's own project, 1… the
    /// `other_projects` in order. Ignored for per-firm rules.
    #[serde(default)]
    pub project: usize,
    pub status: crate::breakdown::Status,
    #[serde(default)]
    pub amount: Option<Dec>,
    #[serde(default)]
    pub ceiling: Option<Dec>,
    #[serde(default)]
    pub superseded_by: Option<String>,
    #[serde(default)]
    pub payer: Option<String>,
    /// Whether the line counts in the totals (false: left out as an ungoverned overlap).
    #[serde(default)]
    pub counted: Option<bool>,
}
