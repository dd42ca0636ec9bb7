//! The rule-pack format: what a file in `rules/` may say. Every type here is a closed
//! enum or a struct with `deny_unknown_fields`, so a misspelt key is a load error, never
//! a silently ignored setting. Input names are resolved to slots once, at load time.

use std::fmt;

use serde::de::{self, Deserializer};
use serde::Deserialize;

use crate::money::Dec;
use crate::spans::{At, Located, Spans};

/// A bilingual label: Chinese first (the policy's language), English for the file and docs.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Text {
    pub zh: String,
    pub en: String,
}

pub use crate::lang::Lang;

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
        if day == 0 || day > days_in_month(year, month) {
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

    /// 1 January of `year`.
    pub fn first_of(year: u16) -> Date {
        Date {
            year,
            month: 1,
            day: 1,
        }
    }

    /// 31 December of `year`.
    pub fn last_of(year: u16) -> Date {
        Date {
            year,
            month: 12,
            day: 31,
        }
    }

    /// The day before (1 January of year 0 stays where it is).
    pub fn day_before(self) -> Date {
        if self.day > 1 {
            return Date {
                day: self.day - 1,
                ..self
            };
        }
        if self.month > 1 {
            let month = self.month - 1;
            return Date {
                month,
                day: days_in_month(self.year, month),
                ..self
            };
        }
        match self.year.checked_sub(1) {
            Some(year) => Date::last_of(year),
            None => self,
        }
    }
}

fn is_leap(year: u16) -> bool {
    (year.is_multiple_of(4) && !year.is_multiple_of(100)) || year.is_multiple_of(400)
}

/// Days in `month` (1–12) of `year`; 0 for a month that does not exist.
pub fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 0,
    }
}

/// Written `"YYYY-MM-DD"`, as it is read.
impl serde::Serialize for Date {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
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
    /// Where the id is written.
    pub at: At,
}

impl<'de> Deserialize<'de> for InputRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let Located { text, at } = Located::deserialize(d)?;
        Ok(InputRef {
            id: text,
            slot: usize::MAX,
            at,
        })
    }
}

/// An option of a choice input (`"manufacturing"`), resolved to its index at load time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OptionRef {
    pub id: String,
    pub index: u16,
    /// Where the id is written.
    pub at: At,
}

impl<'de> Deserialize<'de> for OptionRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let Located { text, at } = Located::deserialize(d)?;
        Ok(OptionRef {
            id: text,
            index: u16::MAX,
            at,
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
#[serde(remote = "Self", rename = "FormGroup", deny_unknown_fields)]
pub struct InputGroup {
    pub id: String,
    pub label: Text,
    pub order: u16,
    /// Where the fields were written (kept by the loader for its errors and checks).
    #[serde(skip)]
    pub spans: Spans,
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
#[serde(remote = "Self", rename = "Input", deny_unknown_fields)]
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
    /// Where the fields were written (kept by the loader for its errors and checks).
    #[serde(skip)]
    pub spans: Spans,
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
    /// Amounts in the given unit, each with the day it is dated (purchases, payments): a
    /// per-year input, written as a list of `("YYYY-MM-DD", "amount")` entries or as one
    /// undated yearly figure. A rule in force for only part of a year reads the entries
    /// dated inside its days in force.
    Dated(Unit),
    /// A calendar day written `"YYYY-MM-DD"` (a recognition, a listing, a start of
    /// production); an input given per year holds a day of that year.
    Date,
}

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    pub id: String,
    pub label: Text,
}

/// The unit of a number input; the explanation prints it (a USD base is said to be USD).
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
    /// 千瓦 (kW): a power, e.g. a charger's power per connector
    Kilowatts,
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
            (Unit::Kilowatts, Lang::Zh) => "千瓦",
            (Unit::Kilowatts, Lang::En) => "kW",
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
    /// `[..]` or `(..)`: the entries of a dated input, each `("YYYY-MM-DD", "amount")`.
    List(Vec<RawValue>),
}

impl<'de> Deserialize<'de> for RawValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'v> de::Visitor<'v> for V {
            type Value = RawValue;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string, a number, true/false or a list of dated entries")
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
            fn visit_seq<A: de::SeqAccess<'v>>(self, mut seq: A) -> Result<RawValue, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element()? {
                    items.push(item);
                }
                Ok(RawValue::List(items))
            }
        }
        d.deserialize_any(V)
    }
}

// ---------------------------------------------------------------------------------------
// Agency names (files whose top level is `Agencies(...)`)

/// English names of the lead agencies the packs cite, for English output.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename = "Agencies", deny_unknown_fields)]
pub struct AgenciesFile {
    pub agencies: Vec<Agency>,
}

/// A lead agency's Chinese name and its English name.
#[derive(Clone, Debug, Deserialize)]
#[serde(remote = "Self", rename = "Agency", deny_unknown_fields)]
pub struct Agency {
    pub zh: String,
    pub en: String,
    /// Where the fields were written (kept by the loader for its errors and checks).
    #[serde(skip)]
    pub spans: Spans,
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
#[serde(remote = "Self", rename = "Group", deny_unknown_fields)]
pub struct StackingGroup {
    pub id: String,
    pub title: Text,
    pub policy: StackingPolicy,
    /// The clauses that govern the overlap; empty for an overlap no clause governs.
    #[serde(default)]
    pub governed_by: Vec<Governing>,
    /// Why these rules are of one kind, and what decides a pair of lines that no clause of
    /// `governed_by` governs (two lines of the same document, a district document, a year
    /// before the clause was issued): the catalogue's reading.
    pub reading: Text,
    /// Where the fields were written (kept by the loader for its errors and checks).
    #[serde(skip)]
    pub spans: Spans,
}

#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
pub enum StackingPolicy {
    /// Same subject, same project, same year: only the highest line is granted (就高不就低).
    TakeHighest,
    /// The texts overlap but no clause governs it: all lines are shown with a warning, and
    /// the conservative total counts only the highest.
    WarnOverlap,
}

/// A clause that says how its own document's measures combine with other policies.
/// It governs a pair of lines when one of them is its document's (one of `rules`, when
/// given), the other's document is of the level `against` names, and its document is in
/// force in the year of the pair.
#[derive(Clone, Debug, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Governing {
    pub document: String,
    pub clause: String,
    pub line: u32,
    pub quote: String,
    /// The measures of its document the clause speaks of (e.g. 65号's "上述" §11–14);
    /// empty: all of them.
    #[serde(default)]
    pub rules: Vec<String>,
    /// The other policies it speaks of: `Municipal` for "市级其他…政策".
    #[serde(default)]
    pub against: Against,
    /// Index of `document` in the rule base, filled in at load (`None`: not loaded, so the
    /// clause governs no pair).
    #[serde(skip)]
    pub document_index: Option<usize>,
    /// Where the fields were written (kept by the loader for its errors and checks).
    #[serde(skip)]
    pub spans: Spans,
}

/// Which other policies a governing clause speaks of.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq, Default)]
pub enum Against {
    /// Any other policy.
    #[default]
    Any,
    /// Other municipal policies (市级其他优惠/扶持政策), not district ones.
    Municipal,
}

// ---------------------------------------------------------------------------------------
// Policy documents (files whose top level is `Document(...)`)

/// One policy document and the rules it holds.
#[derive(Clone, Debug, Deserialize)]
#[serde(remote = "Self", rename = "Document", deny_unknown_fields)]
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
    /// Where the document applies (a district document: its district). Checked first, after
    /// validity, for every line of the document, so no rule repeats it.
    #[serde(default)]
    pub applies_in: Option<AppliesIn>,
    pub rules: Vec<Rule>,
    /// Where the fields were written (kept by the loader for its errors and checks).
    #[serde(skip)]
    pub spans: Spans,
}

/// The area a district document applies to.
#[derive(Clone, Debug, Deserialize)]
pub enum AppliesIn {
    /// Projects whose `district` is this option. A per-firm line passes when the firm's
    /// yes/no input `firm_flag` is yes; without one, when the catalogue's `district` is a
    /// firm input, by the firm's district; otherwise when any of the firm's projects is in
    /// the district.
    District {
        id: OptionRef,
        #[serde(default)]
        firm_flag: Option<InputRef>,
        /// The slot of the `district` input, filled in at load.
        #[serde(skip)]
        district: usize,
    },
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

/// The days of one year a rule is in force, both ends included.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Window {
    pub from: Date,
    pub until: Date,
}

impl Window {
    pub fn contains(self, day: Date) -> bool {
        self.from <= day && day <= self.until
    }

    /// No day at all (a document repealed on 1 January of the year).
    pub fn is_empty(self) -> bool {
        self.until < self.from
    }

    /// In force on every day of its year.
    pub fn whole_year(self) -> bool {
        self.from.is_first_of_year()
            && self.until.is_last_of_year()
            && self.from.year == self.until.year
    }
}

impl Document {
    /// The days of `year` on which `rule` (of this document) is in force: the document's
    /// period, narrowed by the rule's own, ending the day before a repeal; empty when no
    /// day of the year is.
    pub fn window(&self, rule: &Rule, year: u16) -> Window {
        let mut from = Date::first_of(year).max(self.in_force.from);
        let mut until = Date::last_of(year);
        let ends = [
            self.in_force.until,
            rule.in_force.as_ref().and_then(|p| p.until),
            self.repealed.as_ref().map(|r| r.on.day_before()),
        ];
        for end in ends.into_iter().flatten() {
            until = until.min(end);
        }
        if let Some(p) = &rule.in_force {
            from = from.max(p.from);
        }
        Window { from, until }
    }
}

#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Repeal {
    pub by: String,
    pub on: Date,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct Source {
    /// A file under `rules/sources/`.
    pub file: String,
    /// First and last line of the document in that file.
    pub lines: (u32, u32),
    /// Where the fields were written (kept by the loader for its errors and checks).
    #[serde(skip)]
    pub spans: Spans,
}

/// A named alternative reading of the text, off unless the user selects it.
#[derive(Clone, Debug, Deserialize)]
#[serde(remote = "Self", rename = "Reading", deny_unknown_fields)]
pub struct ReadingDecl {
    pub id: String,
    pub title: Text,
    /// What the default reading says and why it is the default.
    pub default: Text,
    /// What the alternative says.
    pub alternative: Text,
    /// A figure the user gives with the alternative (an exchange rate), read by `Param`.
    #[serde(default)]
    pub param: Option<ParamDecl>,
    /// Where the fields were written (kept by the loader for its errors and checks).
    #[serde(skip)]
    pub spans: Spans,
}

/// The parameter of an alternative reading: selected as `--reading ID=VALUE`.
#[derive(Clone, Debug, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
pub struct ParamDecl {
    /// Referred to by `Param("id")`; unique across the loaded packs.
    pub id: String,
    pub label: Text,
    pub unit: ParamUnit,
    /// The values accepted.
    pub range: ParamRange,
    /// Where the fields were written (kept by the loader for its errors and checks).
    #[serde(skip)]
    pub spans: Spans,
}

/// The unit of a reading's parameter.
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
pub enum ParamUnit {
    /// A figure in one unit.
    Of(Unit),
    /// So many of the first unit per one of the second: `Per(Yuan, Usd)` is CNY per USD.
    Per(Unit, Unit),
}

impl ParamUnit {
    pub fn label(self, lang: Lang) -> String {
        let name = |u: Unit| match (u, lang) {
            (Unit::Yuan, Lang::En) => "CNY",
            _ => u.label(lang),
        };
        match (self, lang) {
            (ParamUnit::Of(u), _) => name(u).to_owned(),
            (ParamUnit::Per(a, b), Lang::Zh) => format!("{}/{}", name(a), name(b)),
            (ParamUnit::Per(a, b), Lang::En) => format!("{} per {}", name(a), name(b)),
        }
    }
}

/// The accepted values of a parameter; every bound is optional.
#[derive(Clone, Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ParamRange {
    #[serde(default)]
    pub above: Option<Dec>,
    #[serde(default)]
    pub at_least: Option<Dec>,
    #[serde(default)]
    pub below: Option<Dec>,
    #[serde(default)]
    pub at_most: Option<Dec>,
}

impl ParamRange {
    pub fn contains(&self, v: rust_decimal::Decimal) -> bool {
        self.above.is_none_or(|b| v > b.0)
            && self.at_least.is_none_or(|b| v >= b.0)
            && self.below.is_none_or(|b| v < b.0)
            && self.at_most.is_none_or(|b| v <= b.0)
    }
}

impl fmt::Display for ParamRange {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        let parts: Vec<String> = [
            self.above.map(|b| format!("above {}", b.0)),
            self.at_least.map(|b| format!("at least {}", b.0)),
            self.below.map(|b| format!("below {}", b.0)),
            self.at_most.map(|b| format!("at most {}", b.0)),
        ]
        .into_iter()
        .flatten()
        .collect();
        if parts.is_empty() {
            f.write_str("any value")
        } else {
            f.write_str(&parts.join(" and "))
        }
    }
}

/// Why a selected reading's parameter is refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ParamProblem {
    /// The reading takes a parameter and none was given.
    Missing { label: Text, unit: Text },
    /// A value was given to a reading that takes none.
    NotTaken,
    OutOfRange {
        value: rust_decimal::Decimal,
        range: String,
    },
}

impl fmt::Display for ParamProblem {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            ParamProblem::Missing { label, unit } => {
                write!(f, "needs a value: {} ({}), as ID=VALUE", label.en, unit.en)
            }
            ParamProblem::NotTaken => f.write_str("takes no value"),
            ParamProblem::OutOfRange { value, range } => {
                write!(f, "{value} is out of range (must be {range})")
            }
        }
    }
}

impl ReadingDecl {
    /// Checks a value given with this reading against its declared parameter.
    pub fn check_param(&self, value: Option<rust_decimal::Decimal>) -> Result<(), ParamProblem> {
        match (&self.param, value) {
            (None, None) => Ok(()),
            (None, Some(_)) => Err(ParamProblem::NotTaken),
            (Some(p), None) => Err(ParamProblem::Missing {
                label: p.label.clone(),
                unit: Text {
                    zh: p.unit.label(Lang::Zh),
                    en: p.unit.label(Lang::En),
                },
            }),
            (Some(p), Some(v)) if p.range.contains(v) => Ok(()),
            (Some(p), Some(v)) => Err(ParamProblem::OutOfRange {
                value: v,
                range: p.range.to_string(),
            }),
        }
    }
}

/// One clause that a firm can claim, or one a firm should see it is eligible for.
#[derive(Clone, Debug, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
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
    /// Absent only on a modifier, which pays nothing (the loader refuses a rule of any
    /// other kind without one).
    #[serde(default)]
    pub amount: Amount,
    #[serde(default)]
    pub caps: Vec<Cap>,
    /// What the text says of a stated ceiling beyond its figure: required on a rule whose
    /// amount or caps state one (最高N, N—M, 不高于X%, a cap), refused elsewhere.
    #[serde(default)]
    pub ceiling: Option<CeilingTerms>,
    /// What a modifier (`benefit: Modifier`) does to other lines; only on a modifier.
    #[serde(default)]
    pub modifies: Option<Modifies>,
    /// The caps whose kind a reading switches (`Cap::Reading`): at load the default takes
    /// the cap's place in `caps` and the alternative is kept here, so every pass reads a
    /// plain cap; an evaluation that selects the reading swaps the alternative in.
    #[serde(skip)]
    pub cap_readings: Vec<CapReading>,
    /// The stacking groups the rule belongs to: a name, or a list of names.
    #[serde(default, deserialize_with = "one_or_many")]
    pub stacking: Vec<String>,
    /// Indices of `stacking` in `RuleBase::groups`, filled in at load.
    #[serde(skip)]
    pub groups: Vec<usize>,
    /// Who pays, first hit (e.g. city above a threshold, district below).
    #[serde(default)]
    pub payer: Vec<PayerRule>,
    /// The readings this rule takes, printed with its explanation.
    #[serde(default)]
    pub notes: Vec<Text>,
    #[serde(default)]
    pub examples: Vec<Example>,
    /// Where the fields were written (kept by the loader for its errors and checks).
    #[serde(skip)]
    pub spans: Spans,
}

/// A string or a list of strings (a rule in one stacking group names it; in several, lists them).
fn one_or_many<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<String>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum OneOrMany {
        One(String),
        Many(Vec<String>),
    }
    Ok(match OneOrMany::deserialize(d)? {
        OneOrMany::One(s) => vec![s],
        OneOrMany::Many(v) => v,
    })
}

/// Kept apart in totals: grants are paid by government, tax benefits reduce tax, fee
/// savings reduce a price someone else charges, in-kind support (a deferral, a priority, a
/// green channel, a service provided free) is no money at all and never enters a total.
/// A modifier pays nothing either: it changes what other lines mean (`modifies`).
#[derive(Clone, Copy, Debug, Deserialize, PartialEq, Eq)]
pub enum Benefit {
    Grant,
    TaxBenefit,
    FeeSaving,
    InKind,
    Modifier,
}

/// The period a stated ceiling covers, as the text says it.
#[derive(Clone, Copy, Debug, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(rename_all(serialize = "snake_case"))]
pub enum CeilingPeriod {
    /// 每年, 年度, …/年, or 每次 / 每件 (each occasion, counted in its year), or a rate of
    /// the year's own figure: each year has its own ceiling, so ceilings of different years
    /// add up.
    PerYear,
    /// 一次性, 合计, a one-time event (listing, settling) or a sum per project or unit over
    /// its life: counted once, so adding it across years does not repeat it.
    WholePeriod,
    /// The text says neither: the ceiling is shown for each year, and a sum across years is
    /// for reference only.
    NotStated,
}

/// What the text says of a rule's stated ceiling beyond its figure.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CeilingTerms {
    pub period: CeilingPeriod,
    /// The rule (of the same document) whose clause lets a case be decided 一事一议 above
    /// this ceiling, so the ceiling shown is not a firm bound.
    #[serde(default)]
    pub case_by_case_above: Option<RuleRef>,
}

/// A rule named by id; its place (document, rule) is filled in at load.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleRef {
    pub id: String,
    pub document: u32,
    pub rule: u32,
    /// Where the id is written.
    pub at: At,
}

impl<'de> Deserialize<'de> for RuleRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let Located { text, at } = Located::deserialize(d)?;
        Ok(RuleRef {
            id: text,
            document: u32::MAX,
            rule: u32::MAX,
            at,
        })
    }
}

/// A policy document named by its 文号; its index is filled in at load.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentRef {
    pub number: String,
    pub index: u32,
    /// Where the 文号 is written.
    pub at: At,
}

impl<'de> Deserialize<'de> for DocumentRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let Located { text, at } = Located::deserialize(d)?;
        Ok(DocumentRef {
            number: text,
            index: u32::MAX,
            at,
        })
    }
}

/// What a modifier does to the lines of the same firm in the same year, when its own
/// conditions hold. It is never a line that pays, never in a total, never in a stacking
/// group.
#[derive(Clone, Debug, Deserialize)]
pub enum Modifies {
    /// 适当放宽…上限标准: the stated ceiling of every paying line it touches may be relaxed,
    /// by an amount the text does not state, so it is a reference, not a firm bound.
    RelaxCeilings {
        /// Which lines: those of a rule that states a ceiling and matches any target.
        touches: Vec<Target>,
    },
}

/// Which rules a modifier reaches.
#[derive(Clone, Debug, Deserialize)]
pub enum Target {
    /// Every rule of this kind of benefit (`Grant` for 专项资金).
    Benefit(Benefit),
    /// Every rule of this document.
    Document(DocumentRef),
    /// This rule.
    Rule(RuleRef),
}

/// A cap whose kind a reading switches, kept beside the rule after load.
#[derive(Clone, Debug)]
pub struct CapReading {
    /// Index into the rule's `caps`, where the default sits.
    pub index: u8,
    pub id: String,
    pub default: Cap,
    pub alternative: Cap,
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
    /// The parameter value given with the reading that declares it (an exchange rate);
    /// allowed only inside that reading's `alternative`.
    Param(ParamRef),
}

/// A reference to a reading's parameter by id; the rest is filled in at load time.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParamRef {
    pub id: String,
    /// The reading that declares the parameter.
    pub reading: String,
    pub label: Text,
    pub unit: ParamUnit,
    /// Where the id is written.
    pub at: At,
}

impl<'de> Deserialize<'de> for ParamRef {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let Located { text, at } = Located::deserialize(d)?;
        Ok(ParamRef {
            id: text,
            at,
            reading: String::new(),
            label: Text {
                zh: String::new(),
                en: String::new(),
            },
            unit: ParamUnit::Of(Unit::Count),
        })
    }
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
    /// A date input lies in the evaluated year, on a day the rule is in force (a
    /// recognition from the issue date on: 自印发之日起).
    DateInForce(InputRef),
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
#[derive(Clone, Copy, Debug, Deserialize, serde::Serialize, PartialEq, Eq)]
#[serde(rename_all(serialize = "snake_case"))]
pub enum RateKind {
    /// 不低于 X%: a floor; more may be granted up to the caps.
    AtLeast,
    /// 不高于 / 最高 X%: a ceiling; the amount is set on review.
    AtMost,
    /// X%: exact.
    Exactly,
}

/// How much a rule pays, as the text states it.
#[derive(Clone, Debug, Deserialize, Default)]
pub enum Amount {
    /// rate × base.
    Rate {
        base: Expr,
        rate: Dec,
        kind: RateKind,
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
    /// A component the text names without a figure (inside a `Sum`); a modifier's amount.
    #[default]
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
    /// The default reading's kind of cap, or the alternative's when the user selects `id`
    /// (每个单位…最高N: per year by default, for the whole period as the alternative).
    Reading {
        id: String,
        default: Box<Cap>,
        alternative: Box<Cap>,
    },
}

impl Cap {
    /// The stated limit, if the cap states one (not `LimitedTo`).
    pub fn stated_limit(&self) -> Option<Dec> {
        match self {
            Cap::PerLine(l) | Cap::PerSubjectYear(l) | Cap::PerSubject(l) | Cap::PerProject(l) => {
                Some(*l)
            }
            Cap::LimitedTo(_) => None,
            Cap::Reading { default, .. } => default.stated_limit(),
        }
    }
}

/// A hand-computed case that runs under `cargo test` and `incentives check`.
#[derive(Clone, Debug, Deserialize)]
#[serde(remote = "Self", deny_unknown_fields)]
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
    /// Where the fields were written (kept by the loader for its errors and checks).
    #[serde(skip)]
    pub spans: Spans,
}

#[derive(Clone, Debug, Deserialize, Default)]
#[serde(deny_unknown_fields)]
pub struct ExampleOptions {
    /// Alternative readings: `"id"`, or `("id", "7.1")` for one that takes a parameter.
    #[serde(default)]
    pub readings: Vec<ExampleReading>,
}

/// A reading an example selects, with its parameter value if it takes one.
#[derive(Clone, Debug, PartialEq)]
pub struct ExampleReading {
    pub id: String,
    pub param: Option<Dec>,
}

impl<'de> Deserialize<'de> for ExampleReading {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Raw {
            Id(String),
            WithParam(String, Dec),
        }
        Ok(match Raw::deserialize(d)? {
            Raw::Id(id) => ExampleReading { id, param: None },
            Raw::WithParam(id, p) => ExampleReading { id, param: Some(p) },
        })
    }
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
    pub status: crate::status::Status,
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
    /// Whether the ceiling shown is not a firm bound (一事一议 above it, or relaxed by a
    /// modifier).
    #[serde(default)]
    pub ceiling_open: Option<bool>,
    /// The modifier that relaxes the line's ceiling.
    #[serde(default)]
    pub relaxed_by: Option<String>,
}

// ---------------------------------------------------------------------------------------
// Sites: addressing a part of a rule

/// How deep a site may point inside a rule; deeper rules are refused at load time.
pub const SITE_DEPTH: usize = 14;

/// Where a condition, amount or expression sits inside a rule: a root and a path of child
/// indices. The engine records sites in its trace instead of references, so a report owns
/// its explanation and still points at the exact part of the clause it explains.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Site {
    pub root: SiteRoot,
    len: u8,
    path: [u8; SITE_DEPTH],
}

/// The part of a rule a site starts from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SiteRoot {
    Eligible,
    Amount,
    Base,
    /// The expression of the rule's `caps[i]` (`LimitedTo`).
    Cap(u8),
    /// The condition of the rule's `payer[i]`.
    Payer(u8),
}

/// A part of a rule, as a site resolves to it.
#[derive(Clone, Copy, Debug)]
pub enum RulePart<'a> {
    Cond(&'a Cond),
    Amount(&'a Amount),
    Expr(&'a Expr),
    Part(&'a Part),
}

impl Site {
    pub const fn at(root: SiteRoot) -> Site {
        Site {
            root,
            len: 0,
            path: [0; SITE_DEPTH],
        }
    }

    /// Descends to child `i`. Load time guarantees depth and width fit; past them the site
    /// stays where it is rather than pointing somewhere wrong.
    pub fn push(&mut self, i: usize) {
        if (self.len as usize) < SITE_DEPTH {
            self.path[self.len as usize] = u8::try_from(i).unwrap_or(u8::MAX);
            self.len += 1;
        }
    }

    /// Ascends one level, clearing the child index left behind, so that two sites at the
    /// same place are equal (and hash alike) however they were reached.
    pub fn pop(&mut self) {
        self.len = self.len.saturating_sub(1);
        self.path[self.len as usize] = 0;
    }

    pub fn child(mut self, i: usize) -> Site {
        self.push(i);
        self
    }

    pub fn path(&self) -> &[u8] {
        &self.path[..self.len as usize]
    }
}

impl Rule {
    /// The part of this rule a site points at; `None` for a site of another rule.
    pub fn at(&self, site: &Site) -> Option<RulePart<'_>> {
        let mut part = match site.root {
            SiteRoot::Eligible => RulePart::Cond(&self.eligible),
            SiteRoot::Amount => RulePart::Amount(&self.amount),
            SiteRoot::Base => RulePart::Expr(self.base.as_ref()?),
            SiteRoot::Cap(i) => match self.caps.get(i as usize)? {
                Cap::LimitedTo(e) => RulePart::Expr(e),
                _ => return None,
            },
            SiteRoot::Payer(i) => RulePart::Cond(&self.payer.get(i as usize)?.when),
        };
        for &i in site.path() {
            part = part.child(i as usize)?;
        }
        Some(part)
    }

    /// Refuses a rule whose parts a site cannot address (nesting or lists too large).
    pub fn check_sites(&self) -> Result<(), String> {
        fn walk(part: RulePart, depth: usize) -> Result<(), String> {
            let mut i = 0;
            while let Some(c) = part.child(i) {
                if i > u8::MAX as usize {
                    return Err(format!(
                        "a list in this rule has more than {} items",
                        u8::MAX
                    ));
                }
                if depth >= SITE_DEPTH {
                    return Err(format!(
                        "conditions and amounts are nested more than {SITE_DEPTH} levels deep"
                    ));
                }
                walk(c, depth + 1)?;
                i += 1;
            }
            Ok(())
        }
        walk(RulePart::Cond(&self.eligible), 0)?;
        walk(RulePart::Amount(&self.amount), 0)?;
        if let Some(b) = &self.base {
            walk(RulePart::Expr(b), 0)?;
        }
        if self.caps.len() > u8::MAX as usize || self.payer.len() > u8::MAX as usize {
            return Err("too many caps or payers in one rule".into());
        }
        for p in &self.payer {
            walk(RulePart::Cond(&p.when), 0)?;
        }
        for c in &self.caps {
            if let Cap::LimitedTo(e) = c {
                walk(RulePart::Expr(e), 0)?;
            }
        }
        Ok(())
    }
}

impl<'a> RulePart<'a> {
    /// Child `i`, in the order the engine descends.
    pub fn child(self, i: usize) -> Option<RulePart<'a>> {
        use RulePart as P;
        match self {
            P::Cond(c) => match c {
                Cond::All(v) | Cond::Any(v) => v.get(i).map(P::Cond),
                Cond::Not(x) => (i == 0).then_some(P::Cond(x)),
                Cond::Reading {
                    default,
                    alternative,
                    ..
                } => [default, alternative].get(i).map(|c| P::Cond(c)),
                Cond::Above(e, _)
                | Cond::AtLeast(e, _)
                | Cond::Below(e, _)
                | Cond::AtMost(e, _) => (i == 0).then_some(P::Expr(e)),
                _ => None,
            },
            P::Amount(a) => match a {
                Amount::Rate { base, .. } => (i == 0).then_some(P::Expr(base)),
                Amount::Tiers(ts) => ts.get(i / 2).map(|t| {
                    if i.is_multiple_of(2) {
                        P::Cond(&t.when)
                    } else {
                        P::Amount(&t.then)
                    }
                }),
                Amount::Sum(parts) => parts.get(i).map(P::Part),
                Amount::Each { count, each, .. } => match i {
                    0 => Some(P::Expr(count)),
                    1 => Some(P::Amount(each)),
                    _ => None,
                },
                _ => None,
            },
            P::Part(p) => (i == 0).then_some(P::Amount(&p.amount)),
            P::Expr(e) => match e {
                Expr::Minus(a, b) => [a, b].get(i).map(|x| P::Expr(x)),
                Expr::Plus(v) | Expr::Product(v) | Expr::Min(v) | Expr::Max(v) => {
                    v.get(i).map(P::Expr)
                }
                Expr::Times(a, _) => (i == 0).then_some(P::Expr(a)),
                Expr::Reading {
                    default,
                    alternative,
                    ..
                } => [default, alternative].get(i).map(|x| P::Expr(x)),
                _ => None,
            },
        }
    }
}

// Where each of these was read, for errors and checks at their own place (`spans`).
crate::spans::spanned! {
    Document: "Document", named by None, names errors false, fields ["number", "level", "applies_in", "in_force", "source", "readings", "rules"];
    Source: "Source", named by None, names errors false, fields ["file", "lines"];
    ReadingDecl: "Reading", named by Some("id"), names errors false, fields ["param"];
    ParamDecl: "ParamDecl", named by Some("id"), names errors false, fields [];
    Rule: "Rule", named by Some("id"), names errors true, fields ["clause", "line", "quote", "in_force"], lists ["lead"], one or list ["stacking"];
    Example: "Example", named by Some("name"), names errors false, fields ["inputs", "expect"];
    StackingGroup: "Group", named by Some("id"), names errors false, fields ["governed_by"];
    Governing: "Governing", named by None, names errors false, fields ["document", "line", "quote"], lists ["rules"];
    InputDecl: "Input", named by Some("id"), names errors false, fields [];
    InputGroup: "FormGroup", named by Some("id"), names errors false, fields [];
    Agency: "Agency", named by Some("zh"), names errors false, fields [];
}
