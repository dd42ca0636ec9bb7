//! The input catalogue (every declared input, by slot, with its form section and the rules
//! that read it) and typing a written value against its declaration.

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::money::Dec;
use crate::money::{clip, parse_written, NumberError, Suffix};
use crate::pack::{
    days_in_month, ChoiceOption, Date, InputDecl, InputGroup, InputKind, Lang, RawValue, Scope,
    Unit, ValueRange,
};

/// A typed input value. A dated input (`InputKind::Dated`) is a `Num`: its undated yearly
/// figure, or the total of its entries, which [`Given::Dated`] carries beside it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Value {
    Num(Decimal),
    Flag(bool),
    /// Index into the declaration's options.
    Choice(u16),
    Year(u16),
    Date(Date),
}

/// One entry of a dated input: an amount and the day it is dated.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
pub struct DatedAmount {
    pub date: Date,
    pub amount: Decimal,
}

/// What a file gives for one input: a value, or the entries of a dated input (in the
/// order written).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Given {
    Value(Value),
    Dated(Vec<DatedAmount>),
}

/// The sum of dated entries; `None` past 28 digits.
pub fn dated_total(entries: &[DatedAmount]) -> Option<Decimal> {
    entries
        .iter()
        .try_fold(Decimal::ZERO, |sum, e| sum.checked_add(e.amount))
}

/// All declared inputs; a rule's `InputRef::slot` indexes `decls`.
#[derive(Clone, Debug, Default)]
pub struct InputCatalog {
    pub decls: Vec<InputDecl>,
    by_id: HashMap<String, usize>,
    /// Typed defaults, by slot.
    pub defaults: Vec<Option<Value>>,
    /// Form sections, in their display order once the catalogue is finished.
    pub groups: Vec<InputGroup>,
    /// The ids of the rules that read each input (conditions, amounts, base, caps, payer),
    /// by slot, in pack order.
    pub used_by: Vec<Vec<String>>,
}

/// The first year an input of kind `Year` admits.
pub const FIRST_YEAR: u16 = 1949;
/// The last year an input of kind `Year` admits.
pub const LAST_YEAR: u16 = 2100;

impl InputCatalog {
    /// Adds a declaration; refuses a second input of the same id, a choice without
    /// options, and options whose ids or labels could be confused. A number input without
    /// a `range` gets the one its unit implies.
    pub fn add(&mut self, mut decl: InputDecl) -> Result<(), String> {
        if self.by_id.contains_key(&decl.id) {
            return Err(format!("input `{}` is declared twice", decl.id));
        }
        match &decl.kind {
            InputKind::Choice(options) => {
                if options.is_empty() {
                    return Err(format!("choice input `{}` has no options", decl.id));
                }
                check_aliases(&decl.id, options)?;
            }
            InputKind::Number(unit) | InputKind::Dated(unit) => {
                if decl.range.is_none() {
                    decl.range = Some(implied_range(*unit));
                }
                if let Some(r) = &decl.range {
                    if let (Some(lo), Some(hi)) = (r.min, r.max) {
                        if lo > hi {
                            return Err(format!(
                                "range of `{}` has its minimum above its maximum",
                                decl.id
                            ));
                        }
                    }
                }
            }
            _ => {}
        }
        if decl.range.is_some() && !matches!(decl.kind, InputKind::Number(_) | InputKind::Dated(_))
        {
            return Err(format!(
                "`{}` is not a number, so it takes no `range`",
                decl.id
            ));
        }
        if matches!(decl.kind, InputKind::Dated(_) | InputKind::Date) && decl.default.is_some() {
            return Err(format!(
                "`{}` holds dates, so it takes no `default` (a day cannot be assumed)",
                decl.id
            ));
        }
        if matches!(decl.kind, InputKind::Dated(_))
            && !matches!(decl.scope, Scope::SubjectYear | Scope::ProjectYear)
        {
            return Err(format!(
                "`{}` holds amounts with their dates, which are given per year: its scope must be SubjectYear or ProjectYear",
                decl.id
            ));
        }
        let default = match &decl.default {
            Some(raw) => Some(typed_value(&decl, raw).map_err(|e| {
                format!(
                    "default of `{}`: {}",
                    decl.id,
                    e.message(&decl.id, &describe_raw(raw), Lang::En)
                )
            })?),
            None => None,
        };
        self.by_id.insert(decl.id.clone(), self.decls.len());
        self.decls.push(decl);
        self.defaults.push(default);
        self.used_by.push(Vec::new());
        Ok(())
    }

    /// Adds a form section; refuses one declared twice.
    pub fn add_group(&mut self, group: InputGroup) -> Result<(), String> {
        if self.groups.iter().any(|g| g.id == group.id) {
            return Err(format!("input group `{}` is declared twice", group.id));
        }
        self.groups.push(group);
        Ok(())
    }

    /// Checks that every input names a declared group and puts the groups in order.
    pub fn finish(&mut self) -> Result<(), String> {
        self.groups.sort_by_key(|g| g.order);
        for d in &self.decls {
            match &d.group {
                None => {
                    return Err(format!(
                        "input `{}` has no `group` (give one, or a `group` for its file)",
                        d.id
                    ))
                }
                Some(g) if !self.groups.iter().any(|x| &x.id == g) => {
                    return Err(format!(
                        "input `{}` names unknown group `{g}` (declare it under `groups`)",
                        d.id
                    ))
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    pub fn slot(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    pub fn get(&self, id: &str) -> Option<&InputDecl> {
        self.slot(id).map(|s| &self.decls[s])
    }

    pub fn len(&self) -> usize {
        self.decls.len()
    }

    pub fn is_empty(&self) -> bool {
        self.decls.is_empty()
    }

    /// The form section of the input in `slot`.
    pub fn group_of(&self, slot: usize) -> Option<&InputGroup> {
        let id = self.decls.get(slot)?.group.as_deref()?;
        self.groups.iter().find(|g| g.id == id)
    }

    /// The slots of a section's inputs, in declaration order.
    pub fn in_group<'a>(&'a self, group: &'a str) -> impl Iterator<Item = usize> + 'a {
        self.decls
            .iter()
            .enumerate()
            .filter(move |(_, d)| d.group.as_deref() == Some(group))
            .map(|(i, _)| i)
    }

    /// The ids of the rules that read the input in `slot`.
    pub fn used_by(&self, slot: usize) -> &[String] {
        self.used_by.get(slot).map_or(&[], |v| v.as_slice())
    }

    /// Declared ids close to `id`, for "did you mean" hints.
    pub fn near(&self, id: &str) -> Vec<String> {
        let mut near: Vec<String> = self
            .decls
            .iter()
            .map(|d| d.id.as_str())
            .filter(|k| similar(k, id))
            .map(str::to_owned)
            .collect();
        near.truncate(3);
        near
    }

    /// "unknown input `x`" with the closest declared ids, for error messages.
    pub fn unknown(&self, id: &str) -> String {
        let near = self.near(id);
        if near.is_empty() {
            format!("unknown input `{id}` (not declared in any Inputs file)")
        } else {
            format!(
                "unknown input `{id}`; did you mean `{}`?",
                near.join("`, `")
            )
        }
    }

    /// Resolves a choice option id to its index for the input in `slot`.
    pub fn option_index(&self, slot: usize, option: &str) -> Result<u16, String> {
        let decl = &self.decls[slot];
        match &decl.kind {
            InputKind::Choice(options) => options
                .iter()
                .position(|o| o.id == option)
                .map(|i| i as u16)
                .ok_or_else(|| {
                    format!(
                        "`{option}` is not an option of `{}`; expected one of: {}",
                        decl.id,
                        option_ids(options)
                    )
                }),
            _ => Err(format!("input `{}` is not a choice", decl.id)),
        }
    }
}

/// What a unit implies when the declaration gives no range.
fn implied_range(unit: Unit) -> ValueRange {
    let zero = Some(Dec(Decimal::ZERO));
    match unit {
        Unit::Ratio => ValueRange {
            min: zero,
            max: Some(Dec(Decimal::ONE)),
            whole: false,
        },
        Unit::Count => ValueRange {
            min: zero,
            max: None,
            whole: true,
        },
        _ => ValueRange {
            min: zero,
            max: None,
            whole: false,
        },
    }
}

/// An option may be written by its id, its Chinese label, or its English label in any
/// case; no two options may share any of these.
fn check_aliases(input: &str, options: &[ChoiceOption]) -> Result<(), String> {
    let mut seen: HashMap<String, &str> = HashMap::new();
    for o in options {
        let mut names = vec![o.id.clone(), o.label.zh.clone(), o.label.en.to_lowercase()];
        names.sort();
        names.dedup();
        for n in names {
            if let Some(other) = seen.insert(n.clone(), &o.id) {
                if other == o.id {
                    return Err(format!(
                        "choice input `{input}` lists option `{}` twice",
                        o.id
                    ));
                }
                return Err(format!(
                    "choice input `{input}`: \"{n}\" names both option `{other}` and option `{}`",
                    o.id
                ));
            }
        }
    }
    Ok(())
}

fn option_ids(options: &[ChoiceOption]) -> String {
    options
        .iter()
        .map(|o| o.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn similar(a: &str, b: &str) -> bool {
    a.contains(b) || b.contains(a) || {
        let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
        common >= 4
    }
}

/// Why a written value does not fit its declaration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ValueError {
    /// The number itself is malformed, negative or too large.
    Number(NumberError),
    /// A floating-point literal (`1.5` rather than `"1.5"`).
    Float,
    /// A unit was written that is not the input's (`万元` on a USD input, `%` on an amount).
    UnitMismatch {
        written: Suffix,
        unit: Unit,
    },
    /// Outside the declared range; for a ratio written as a percentage, `ratio_hint`.
    OutOfRange {
        min: Option<Decimal>,
        max: Option<Decimal>,
        ratio_hint: Option<Decimal>,
    },
    /// A count with a fraction.
    NotWhole,
    /// Not one of the options (by id, Chinese label or English label).
    UnknownOption {
        options: Vec<ChoiceOption>,
    },
    ExpectedNumber,
    ExpectedFlag,
    ExpectedChoice,
    /// Not a year between 1949 and 2100.
    ExpectedYear,
    /// Not a calendar day (`"2024-07-17"`, `"2024年7月17日"`).
    ExpectedDate,
    /// A day of another year than the one the value is filed under.
    DateOutsideYear {
        year: u16,
    },
    /// A dated input given something that is neither an amount nor a list of entries.
    ExpectedDated,
    /// An entry of a dated input not written `("YYYY-MM-DD", "amount")`.
    ExpectedEntry,
}

impl ValueError {
    /// The reason in words, naming the input and quoting at most 80 characters of the
    /// value as written.
    pub fn message(&self, input: &str, written: &str, lang: Lang) -> String {
        let v = clip(written);
        let zh = lang == Lang::Zh;
        match self {
            ValueError::Number(e) => e.message(written.trim_matches('"'), lang),
            ValueError::Float if zh => {
                format!("小数请写成带引号的字符串以保证精确：\"{v}\" 而非 {v}")
            }
            ValueError::Float => {
                format!("write decimals as strings so they stay exact: \"{v}\" instead of {v}")
            }
            ValueError::UnitMismatch { written: s, unit } => {
                let expected = match unit {
                    Unit::Yuan => "万元 / 元 / 万",
                    Unit::Usd => "万美元 / 美元 / 万",
                    Unit::Ratio => "%",
                    _ => "万",
                };
                if zh {
                    format!(
                        "`{input}` 的单位是{}，填写的 {v} 带有单位“{}”，单位不符（可用：{expected}）",
                        unit_name(*unit, lang),
                        s.as_str()
                    )
                } else {
                    format!(
                        "`{input}` is in {}, but {v} is written in “{}”: the unit does not match (use {expected})",
                        unit_name(*unit, lang),
                        s.as_str()
                    )
                }
            }
            ValueError::OutOfRange {
                min,
                max,
                ratio_hint,
            } => {
                let range = match (min, max) {
                    (Some(a), Some(b)) => format!("{a}–{b}"),
                    (Some(a), None) if zh => format!("不小于 {a}"),
                    (Some(a), None) => format!("at least {a}"),
                    (None, Some(b)) if zh => format!("不大于 {b}"),
                    (None, Some(b)) => format!("at most {b}"),
                    (None, None) => String::new(),
                };
                let hint = match ratio_hint {
                    Some(r) if zh => format!(
                        "；比例请写成小数 \"{r}\" 或百分数 \"{}%\"",
                        clip(written.trim_matches('"'))
                    ),
                    Some(r) => format!(
                        "; write a ratio as a decimal such as \"{r}\" or as \"{}%\"",
                        clip(written.trim_matches('"'))
                    ),
                    None => String::new(),
                };
                if zh {
                    format!("`{input}` 应在 {range} 之间，此处为 {v}{hint}")
                } else {
                    format!("`{input}` must be within {range}, found {v}{hint}")
                }
            }
            ValueError::NotWhole if zh => format!("`{input}` 应为整数，此处为 {v}"),
            ValueError::NotWhole => format!("`{input}` must be a whole number, found {v}"),
            ValueError::UnknownOption { options } => {
                let t = clip(written.trim_matches('"'));
                if zh {
                    format!(
                        "`{input}` 没有选项 “{t}”；可选：{}",
                        options
                            .iter()
                            .map(|o| format!("{}（{}）", o.id, o.label.zh))
                            .collect::<Vec<_>>()
                            .join("、")
                    )
                } else {
                    format!(
                        "unknown {input} `{t}`; expected one of: {}",
                        option_ids(options)
                    )
                }
            }
            ValueError::ExpectedNumber if zh => {
                format!("`{input}` 应填写数字（写成字符串，例如 \"10000000\"），此处为 {v}")
            }
            ValueError::ExpectedNumber => format!(
                "`{input}` expects a number written as a string such as \"10000000\", found {v}"
            ),
            ValueError::ExpectedFlag if zh => {
                format!("`{input}` 应填写 true（是）或 false（否），此处为 {v}")
            }
            ValueError::ExpectedFlag => format!("`{input}` expects true or false, found {v}"),
            ValueError::ExpectedChoice if zh => {
                format!("`{input}` 应填写一个选项（字符串），此处为 {v}")
            }
            ValueError::ExpectedChoice => {
                format!("`{input}` expects one of its options as a string, found {v}")
            }
            ValueError::ExpectedYear if zh => format!(
                "`{input}` 应填写 {FIRST_YEAR}–{LAST_YEAR} 之间的年份，例如 2024，此处为 {v}"
            ),
            ValueError::ExpectedYear => format!(
                "`{input}` expects a year such as 2024 ({FIRST_YEAR}–{LAST_YEAR}), found {v}"
            ),
            ValueError::ExpectedDate if zh => format!(
                "`{input}` 应填写日期，例如 \"2024-07-17\" 或 \"2024年7月17日\"，此处为 {v}，不是有效日期"
            ),
            ValueError::ExpectedDate => format!(
                "`{input}` expects a date such as \"2024-07-17\", found {v}, which is not a day of the calendar"
            ),
            ValueError::DateOutsideYear { year } if zh => {
                format!("`{input}` 的日期 {v} 不在所填年度 {year} 年内")
            }
            ValueError::DateOutsideYear { year } => {
                format!("`{input}`: {v} is not in {year}, the year it is filed under")
            }
            ValueError::ExpectedDated if zh => format!(
                "`{input}` 应填写金额（例如 \"1000000\"），或按日期逐笔填写（例如 [(\"2024-07-17\", \"400000\")]），此处为 {v}"
            ),
            ValueError::ExpectedDated => format!(
                "`{input}` expects an amount such as \"1000000\", or amounts with their dates such as [(\"2024-07-17\", \"400000\")], found {v}"
            ),
            ValueError::ExpectedEntry if zh => format!(
                "`{input}` 的每一笔应写成 (\"日期\", \"金额\")，例如 (\"2024-07-17\", \"400000\")，此处为 {v}"
            ),
            ValueError::ExpectedEntry => format!(
                "`{input}` lists each amount as (\"date\", \"amount\"), such as (\"2024-07-17\", \"400000\"), found {v}"
            ),
        }
    }
}

fn unit_name(unit: Unit, lang: Lang) -> &'static str {
    match (unit, lang) {
        (Unit::Ratio, Lang::Zh) => "比例",
        (Unit::Ratio, Lang::En) => "a ratio",
        (Unit::Count, Lang::En) => "a count",
        (u, l) => u.label(l),
    }
}

/// Whether a unit suffix may be written on a number of `unit`.
fn suffix_fits(suffix: Suffix, unit: Unit) -> bool {
    match suffix {
        Suffix::Wan => unit != Unit::Ratio,
        Suffix::WanYuan | Suffix::Yuan => unit == Unit::Yuan,
        Suffix::WanUsd | Suffix::Usd => unit == Unit::Usd,
        Suffix::Percent => unit == Unit::Ratio,
    }
}

fn check_range(
    decl: &InputDecl,
    unit: Unit,
    value: Decimal,
    percent: bool,
) -> Result<Value, ValueError> {
    if let Some(r) = &decl.range {
        let below = r.min.is_some_and(|m| value < m.0);
        let above = r.max.is_some_and(|m| value > m.0);
        if below || above {
            let ratio_hint =
                (unit == Unit::Ratio && !percent && above && value <= Decimal::from(100))
                    .then(|| (value / Decimal::from(100)).normalize());
            return Err(ValueError::OutOfRange {
                min: r.min.map(|d| d.0),
                max: r.max.map(|d| d.0),
                ratio_hint,
            });
        }
        if r.whole && !value.fract().is_zero() {
            return Err(ValueError::NotWhole);
        }
    }
    Ok(Value::Num(value))
}

/// The option a text names: its id, its Chinese label, or its English label in any case.
pub fn find_option(options: &[ChoiceOption], text: &str) -> Option<u16> {
    let t = text.trim();
    options
        .iter()
        .position(|o| o.id == t)
        .or_else(|| options.iter().position(|o| o.label.zh == t))
        .or_else(|| {
            let lower = t.to_lowercase();
            options
                .iter()
                .position(|o| o.label.en.to_lowercase() == lower)
        })
        .map(|i| i as u16)
}

/// Types a value written in a file against its declaration. A dated input's undated
/// yearly figure is typed here; its entries by [`typed_given`].
pub fn typed_value(decl: &InputDecl, raw: &RawValue) -> Result<Value, ValueError> {
    match (&decl.kind, raw) {
        (InputKind::Dated(unit), RawValue::Text(_) | RawValue::Integer(_)) => {
            let as_number = InputDecl {
                kind: InputKind::Number(*unit),
                ..decl.clone()
            };
            typed_value(&as_number, raw)
        }
        (InputKind::Dated(_), RawValue::Float(_)) => Err(ValueError::Float),
        (InputKind::Dated(_), _) => Err(ValueError::ExpectedDated),
        (InputKind::Date, RawValue::Text(t)) => typed_date(t).map(Value::Date),
        (InputKind::Date, _) => Err(ValueError::ExpectedDate),
        (InputKind::Number(unit), RawValue::Text(t)) => {
            let w = parse_written(t).map_err(ValueError::Number)?;
            if let Some(s) = w.suffix {
                if !suffix_fits(s, *unit) {
                    return Err(ValueError::UnitMismatch {
                        written: s,
                        unit: *unit,
                    });
                }
            }
            check_range(decl, *unit, w.value, w.suffix == Some(Suffix::Percent))
        }
        (InputKind::Number(unit), RawValue::Integer(i)) => {
            if *i < 0 {
                return Err(ValueError::Number(NumberError::Negative));
            }
            let v = Decimal::try_from_i128_with_scale(*i, 0)
                .map_err(|_| ValueError::Number(NumberError::TooLarge))?;
            check_range(decl, *unit, v, false)
        }
        (InputKind::Number(_), RawValue::Float(_)) => Err(ValueError::Float),
        (InputKind::Flag, RawValue::Bool(b)) => Ok(Value::Flag(*b)),
        (InputKind::Choice(options), RawValue::Text(t)) => find_option(options, t)
            .map(Value::Choice)
            .ok_or_else(|| ValueError::UnknownOption {
                options: options.clone(),
            }),
        (InputKind::Year, RawValue::Integer(y))
            if (i128::from(FIRST_YEAR)..=i128::from(LAST_YEAR)).contains(y) =>
        {
            Ok(Value::Year(*y as u16))
        }
        (InputKind::Year, RawValue::Text(t)) => match parse_written(t) {
            Ok(w) if w.suffix.is_none() && w.value.fract().is_zero() => {
                let y = w.value.mantissa();
                typed_value(decl, &RawValue::Integer(y))
            }
            _ => Err(ValueError::ExpectedYear),
        },
        (InputKind::Year, _) => Err(ValueError::ExpectedYear),
        (InputKind::Number(_), _) => Err(ValueError::ExpectedNumber),
        (InputKind::Flag, _) => Err(ValueError::ExpectedFlag),
        (InputKind::Choice(_), _) => Err(ValueError::ExpectedChoice),
    }
}

/// Types a value written in a file, filed under `year` when it sits in a year's map: a
/// dated input's entries one by one, each dated in `year`; a date of a per-year input in
/// `year`. The error names the part that is wrong, as written.
pub fn typed_given(
    decl: &InputDecl,
    raw: &RawValue,
    year: Option<u16>,
) -> Result<Given, (ValueError, String)> {
    match (&decl.kind, raw) {
        (InputKind::Dated(_), RawValue::List(items)) => {
            let mut entries = Vec::with_capacity(items.len());
            for item in items {
                let RawValue::List(pair) = item else {
                    return Err((ValueError::ExpectedEntry, describe_raw(item)));
                };
                let [date, amount] = pair.as_slice() else {
                    return Err((ValueError::ExpectedEntry, describe_raw(item)));
                };
                let date = entry_date(date, year).map_err(|e| (e, describe_raw(date)))?;
                let amount = entry_amount(decl, amount).map_err(|e| (e, describe_raw(amount)))?;
                entries.push(DatedAmount { date, amount });
            }
            if dated_total(&entries).is_none() {
                return Err((ValueError::Number(NumberError::TooLarge), describe_raw(raw)));
            }
            Ok(Given::Dated(entries))
        }
        _ => {
            let value = typed_value(decl, raw).map_err(|e| (e, describe_raw(raw)))?;
            in_year(value, year).map_err(|e| (e, describe_raw(raw)))?;
            Ok(Given::Value(value))
        }
    }
}

/// The date of a dated entry, checked to lie in `year`.
pub fn entry_date(raw: &RawValue, year: Option<u16>) -> Result<Date, ValueError> {
    let RawValue::Text(t) = raw else {
        return Err(ValueError::ExpectedDate);
    };
    let date = typed_date(t)?;
    in_year(Value::Date(date), year)?;
    Ok(date)
}

/// The amount of a dated entry, typed as a number in the input's unit and range.
pub fn entry_amount(decl: &InputDecl, raw: &RawValue) -> Result<Decimal, ValueError> {
    match typed_value(decl, raw)? {
        Value::Num(d) => Ok(d),
        _ => Err(ValueError::ExpectedNumber),
    }
}

/// Refuses a date that is not in `year`, the year it is filed under.
pub fn in_year(value: Value, year: Option<u16>) -> Result<(), ValueError> {
    match (value, year) {
        (Value::Date(d), Some(y)) if d.year != y => Err(ValueError::DateOutsideYear { year: y }),
        _ => Ok(()),
    }
}

/// A calendar day as officers write it: `2024-07-17`, `2024-7-17`, `2024/7/17`,
/// `2024.7.17` or `2024年7月17日`, full-width digits too; the year 1949–2100.
pub fn typed_date(text: &str) -> Result<Date, ValueError> {
    let t: String = text
        .trim()
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '－' => '-',
            '／' => '/',
            '．' => '.',
            c => c,
        })
        .collect();
    let parts: Vec<&str> = match t.strip_suffix('日') {
        Some(rest) => rest.split(['年', '月']).collect(),
        None => t.split(['-', '/', '.']).collect(),
    };
    let [y, m, d] = parts.as_slice() else {
        return Err(ValueError::ExpectedDate);
    };
    let digits = |s: &str, max: usize| {
        !s.is_empty() && s.len() <= max && s.bytes().all(|b| b.is_ascii_digit())
    };
    if y.len() != 4 || !digits(y, 4) || !digits(m, 2) || !digits(d, 2) {
        return Err(ValueError::ExpectedDate);
    }
    let (Ok(year), Ok(month), Ok(day)) = (y.parse::<u16>(), m.parse::<u8>(), d.parse::<u8>())
    else {
        return Err(ValueError::ExpectedDate);
    };
    if !(FIRST_YEAR..=LAST_YEAR).contains(&year) || day == 0 || day > days_in_month(year, month) {
        return Err(ValueError::ExpectedDate);
    }
    Ok(Date { year, month, day })
}

/// Types a value typed into a form (always text) against its declaration: numbers and
/// options as in a file, yes/no as `true`/`false`/`是`/`否`, years as digits, dates as
/// [`typed_date`] reads them, a dated input's undated yearly figure as a number.
pub fn typed_text(decl: &InputDecl, text: &str) -> Result<Value, ValueError> {
    let t = text.trim();
    let raw = match &decl.kind {
        InputKind::Flag => match t.to_lowercase().as_str() {
            "true" | "yes" | "是" => RawValue::Bool(true),
            "false" | "no" | "否" => RawValue::Bool(false),
            _ => return Err(ValueError::ExpectedFlag),
        },
        _ => RawValue::Text(t.to_owned()),
    };
    typed_value(decl, &raw)
}

/// A raw value as it would be written in a file, for messages.
pub fn describe_raw(raw: &RawValue) -> String {
    match raw {
        RawValue::Text(t) => format!("\"{}\"", clip(t)),
        RawValue::Bool(b) => b.to_string(),
        RawValue::Integer(i) => i.to_string(),
        RawValue::Float(f) => f.to_string(),
        RawValue::List(items) => {
            // An entry is written as a tuple inside the list.
            let inner: Vec<String> = items
                .iter()
                .take(4)
                .map(|item| match item {
                    RawValue::List(pair) => format!(
                        "({})",
                        pair.iter().map(describe_raw).collect::<Vec<_>>().join(", ")
                    ),
                    other => describe_raw(other),
                })
                .collect();
            let more = if items.len() > 4 { ", …" } else { "" };
            clip(&format!("[{}{more}]", inner.join(", ")))
        }
    }
}

/// Where an input of each scope is written in a project file, for error messages.
pub fn scope_place(scope: Scope) -> &'static str {
    scope_place_in(scope, Lang::En)
}

/// [`scope_place`] in either language.
pub fn scope_place_in(scope: Scope, lang: Lang) -> &'static str {
    match (scope, lang) {
        (Scope::Subject, Lang::En) => "`subject.inputs`",
        (Scope::SubjectYear, Lang::En) => "`subject.years`",
        (Scope::Project, Lang::En) => "a project's `inputs`",
        (Scope::ProjectYear, Lang::En) => "a project's `years`",
        (Scope::Subject, Lang::Zh) => "企业信息 `subject.inputs`",
        (Scope::SubjectYear, Lang::Zh) => "企业年度信息 `subject.years`",
        (Scope::Project, Lang::Zh) => "项目信息（项目的 `inputs`）",
        (Scope::ProjectYear, Lang::Zh) => "项目年度信息（项目的 `years`）",
    }
}
