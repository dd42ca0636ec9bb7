//! Exact money and rates: decimals that come from strings in files, never through f64,
//! and the one rounding step (to the fen, half away from zero) used at presentation.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

use crate::lang::Lang;

/// A non-negative exact decimal read from a string such as `"0.04"` or `"10000000"`.
///
/// Integers are accepted too; floating-point literals are refused so that no value
/// reaches the engine through binary floating point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Dec(pub Decimal);

/// A unit written after a number, as officers write it: `4500万`, `35万元`, `25%`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Suffix {
    /// 万: ×10,000, any amount.
    Wan,
    /// 万元: ×10,000, yuan only.
    WanYuan,
    /// 元: yuan only.
    Yuan,
    /// 万美元: ×10,000, US dollars only.
    WanUsd,
    /// 美元: US dollars only.
    Usd,
    /// %: ÷100, ratios only.
    Percent,
}

impl Suffix {
    /// The suffix as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Suffix::Wan => "万",
            Suffix::WanYuan => "万元",
            Suffix::Yuan => "元",
            Suffix::WanUsd => "万美元",
            Suffix::Usd => "美元",
            Suffix::Percent => "%",
        }
    }

    /// Longest first, so that `万美元` is not read as `元` or `万`.
    const ALL: [Suffix; 6] = [
        Suffix::WanUsd,
        Suffix::WanYuan,
        Suffix::Usd,
        Suffix::Yuan,
        Suffix::Wan,
        Suffix::Percent,
    ];
}

/// Why a written number was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NumberError {
    /// Nothing but whitespace.
    Empty,
    /// Not a decimal number at all.
    NotANumber,
    /// Thousands separators not in groups of three before the decimal point.
    Grouping,
    /// Below zero.
    Negative,
    /// Beyond the 28 digits an exact decimal holds.
    TooLarge,
}

/// A number as written, with the unit written after it (if any). The value is already
/// scaled: `4500万` is 45,000,000, `25%` is 0.25.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Written {
    pub value: Decimal,
    pub suffix: Option<Suffix>,
}

/// Full-width digits and punctuation (common in Chinese input methods) as ASCII; the
/// Chinese comma `，` is the full-width comma and becomes `,`.
fn half_width(text: &str) -> String {
    text.chars()
        .filter(|c| *c != '\u{feff}')
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            '．' => '.',
            '，' => ',',
            '％' => '%',
            '－' => '-',
            '＋' => '+',
            c => c,
        })
        .collect()
}

/// Whether `int` is digits, optionally grouped in threes by commas (`12,000,000`).
fn well_grouped(int: &str) -> bool {
    if !int.contains(',') {
        return !int.is_empty() && int.bytes().all(|b| b.is_ascii_digit());
    }
    let mut groups = int.split(',');
    let first = groups.next().unwrap_or("");
    (1..=3).contains(&first.len())
        && first.bytes().all(|b| b.is_ascii_digit())
        && groups.all(|g| g.len() == 3 && g.bytes().all(|b| b.is_ascii_digit()))
}

/// Parses a number as officers write it: surrounding whitespace, full-width digits,
/// thousands separators (`,` or `，`) in groups of three before the decimal point, and
/// one unit suffix (`万`, `万元`, `元`, `万美元`, `美元`, `%`). Whether the suffix suits
/// the input is for the caller to decide.
pub fn parse_written(text: &str) -> Result<Written, NumberError> {
    let normal = half_width(text);
    let mut body = normal.trim();
    if body.is_empty() {
        return Err(NumberError::Empty);
    }
    let mut suffix = None;
    for s in Suffix::ALL {
        if let Some(rest) = body.strip_suffix(s.as_str()) {
            suffix = Some(s);
            body = rest.trim_end();
            break;
        }
    }
    let (negative, unsigned) = match body.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, body.strip_prefix('+').unwrap_or(body)),
    };
    if unsigned.is_empty()
        || !unsigned
            .bytes()
            .all(|b| b.is_ascii_digit() || b == b',' || b == b'.')
    {
        return Err(NumberError::NotANumber);
    }
    let (int, frac) = match unsigned.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (unsigned, None),
    };
    if let Some(f) = frac {
        if f.contains(',') {
            return Err(NumberError::Grouping);
        }
        if f.is_empty() || f.contains('.') {
            return Err(NumberError::NotANumber);
        }
    }
    if int.is_empty() {
        return Err(NumberError::NotANumber);
    }
    if !well_grouped(int) {
        return Err(NumberError::Grouping);
    }
    let digits: String = int.chars().filter(|c| *c != ',').collect();
    let plain = match frac {
        Some(f) => format!("{digits}.{f}"),
        None => digits,
    };
    let value = Decimal::from_str(&plain).map_err(|_| NumberError::TooLarge)?;
    if negative && !value.is_zero() {
        return Err(NumberError::Negative);
    }
    let value = match suffix {
        Some(Suffix::Wan | Suffix::WanYuan | Suffix::WanUsd) => value
            .checked_mul(Decimal::from(10_000))
            .ok_or(NumberError::TooLarge)?,
        Some(Suffix::Percent) => value
            .checked_div(Decimal::from(100))
            .ok_or(NumberError::TooLarge)?,
        _ => value,
    };
    Ok(Written { value, suffix })
}

impl NumberError {
    /// The reason in words, quoting the value as written (at most 80 characters).
    pub fn message(self, written: &str, lang: Lang) -> String {
        let v = clip(written.trim());
        match (self, lang) {
            (NumberError::Empty, Lang::En) => {
                "expected a decimal number such as \"10000000\", found an empty string".into()
            }
            (NumberError::Empty, Lang::Zh) => "应填写数字，例如 \"10000000\"，此处为空".into(),
            (NumberError::NotANumber, Lang::En) => {
                format!("expected a decimal number such as \"10000000\", found \"{v}\"")
            }
            (NumberError::NotANumber, Lang::Zh) => {
                format!("应填写数字，例如 \"10000000\" 或 \"4500万\"，此处为 \"{v}\"")
            }
            (NumberError::Grouping, Lang::En) => format!(
                "\"{v}\": thousands separators go in groups of three before the decimal point, as in \"12,000,000\" or \"1,234.50\""
            ),
            (NumberError::Grouping, Lang::Zh) => format!(
                "\"{v}\"：千位分隔符只能在小数点前每三位一个，例如 \"12,000,000\" 或 \"1,234.50\""
            ),
            (NumberError::Negative, Lang::En) => {
                format!("amounts cannot be negative, found \"{v}\"")
            }
            (NumberError::Negative, Lang::Zh) => format!("金额不能为负数，此处为 \"{v}\""),
            (NumberError::TooLarge, Lang::En) => format!(
                "the number \"{v}\" is too large for an exact decimal (at most 28 digits)"
            ),
            (NumberError::TooLarge, Lang::Zh) => {
                format!("数字 \"{v}\" 过大，无法精确计算（最多28位）")
            }
        }
    }
}

/// At most 80 characters of a value, for messages: control characters written out (`\n`,
/// `\u{1b}`), and a longer value ends in `…`.
pub fn clip(value: &str) -> String {
    let shown = crate::visible::visible(value);
    crate::visible::elide(&shown, crate::visible::QUOTE_CHARS).into_owned()
}

/// Parses a plain decimal from a file or the command line: non-negative, thousands
/// separators only in groups of three, full-width digits accepted, no unit suffix.
pub fn parse_decimal(text: &str) -> Result<Decimal, String> {
    parse_plain(text).map_err(|e| e.message(text, Lang::En))
}

/// [`parse_decimal`] with the reason typed.
pub fn parse_plain(text: &str) -> Result<Decimal, NumberError> {
    let w = parse_written(text)?;
    match w.suffix {
        None => Ok(w.value),
        Some(_) => Err(NumberError::NotANumber),
    }
}

impl FromStr for Dec {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        parse_decimal(s).map(Dec)
    }
}

struct DecVisitor;

impl Visitor<'_> for DecVisitor {
    type Value = Dec;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a non-negative decimal written as a string, such as \"0.04\"")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Dec, E> {
        parse_decimal(v).map(Dec).map_err(E::custom)
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Dec, E> {
        Ok(Dec(Decimal::from(v)))
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Dec, E> {
        i128::try_from(v)
            .ok()
            .and_then(|v| Decimal::try_from_i128_with_scale(v, 0).ok())
            .map(Dec)
            .ok_or_else(|| E::custom(format!("the number {v} is too large for an exact decimal")))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Dec, E> {
        if v < 0 {
            return Err(E::custom(format!("amounts cannot be negative, found {v}")));
        }
        Ok(Dec(Decimal::from(v)))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Dec, E> {
        if v < 0 {
            return Err(E::custom(format!("amounts cannot be negative, found {v}")));
        }
        Decimal::try_from_i128_with_scale(v, 0)
            .map(Dec)
            .map_err(|_| E::custom(format!("the number {v} is too large for an exact decimal")))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Dec, E> {
        Err(E::custom(format!(
            "write decimals as strings so they stay exact: \"{v}\" instead of {v}"
        )))
    }
}

impl<'de> Deserialize<'de> for Dec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(DecVisitor)
    }
}

impl Serialize for Dec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0.to_string())
    }
}

/// Rounds to the fen (0.01), half away from zero (四舍五入). Presentation only.
pub fn round_fen(value: Decimal) -> Decimal {
    let mut v = value.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    v.rescale(2);
    v
}

/// `400000.00`: the contract form for JSON and golden examples.
pub fn fen_string(value: Decimal) -> String {
    round_fen(value).to_string()
}

/// Groups the integer digits in threes: `1234567.5` → `1,234,567.5`.
pub fn group_thousands(text: &str) -> String {
    let (sign, body) = match text.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", text),
    };
    let (int, frac) = match body.split_once('.') {
        Some((i, f)) => (i, Some(f)),
        None => (body, None),
    };
    let mut grouped = String::with_capacity(int.len() + int.len() / 3);
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            grouped.push(',');
        }
        grouped.push(c);
    }
    match frac {
        Some(f) => format!("{sign}{grouped}.{f}"),
        None => format!("{sign}{grouped}"),
    }
}

/// `1,000,000.00 元`: yuan rounded to the fen, digits grouped.
pub fn yuan(value: Decimal) -> String {
    format!("{} 元", group_thousands(&fen_string(value)))
}

/// `100万元` / `2.5万元`: the figure officers think in; exact, trailing zeros dropped.
pub fn wan_yuan(value: Decimal) -> String {
    let wan = (round_fen(value) / Decimal::from(10_000)).normalize();
    format!("{}万元", group_thousands(&wan.to_string()))
}

/// A plain quantity (USD, counts) with grouped digits and no forced decimals.
pub fn plain(value: Decimal) -> String {
    group_thousands(&value.normalize().to_string())
}

/// A rate as a percentage: `0.04` → `4%`; a ratio too large for a percentage of the
/// decimal type (past 7.9 × 10²⁶) is written as the ratio it is.
pub fn percent(rate: Decimal) -> String {
    match rate.checked_mul(Decimal::from(100)) {
        Some(p) => format!("{}%", p.normalize()),
        None => plain(rate),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn rounds_half_away_from_zero_not_bankers() {
        assert_eq!(fen_string(d("0.125")), "0.13");
        assert_eq!(fen_string(d("0.135")), "0.14");
        assert_eq!(fen_string(d("2.5")), "2.50");
        assert_eq!(fen_string(d("400000")), "400000.00");
    }

    #[test]
    fn groups_digits() {
        assert_eq!(group_thousands("10000000.00"), "10,000,000.00");
        assert_eq!(group_thousands("999"), "999");
        assert_eq!(group_thousands("1000"), "1,000");
        assert_eq!(wan_yuan(d("400000")), "40万元");
        assert_eq!(wan_yuan(d("12345")), "1.2345万元");
        assert_eq!(percent(d("0.04")), "4%");
    }

    #[test]
    fn refuses_bad_numbers() {
        assert!(parse_decimal("-5").unwrap_err().contains("negative"));
        assert!(parse_decimal("abc")
            .unwrap_err()
            .contains("expected a decimal"));
        assert!(parse_decimal("1e5").is_err());
        assert!(parse_decimal("123456789012345678901234567890123")
            .unwrap_err()
            .contains("too large"));
        assert_eq!(parse_decimal("10,000,000").unwrap(), d("10000000"));
    }

    #[test]
    fn thousands_separators_only_in_groups_of_three() {
        assert_eq!(parse_decimal("1,234.50").unwrap(), d("1234.50"));
        assert_eq!(parse_plain("1,2,3"), Err(NumberError::Grouping));
        assert_eq!(parse_plain("35000000,50"), Err(NumberError::Grouping));
        assert_eq!(parse_plain("7,1"), Err(NumberError::Grouping));
        assert_eq!(parse_plain("1234,567"), Err(NumberError::Grouping));
        assert_eq!(parse_plain("1,234.5,6"), Err(NumberError::Grouping));
        assert_eq!(parse_plain(",123"), Err(NumberError::Grouping));
        assert!(parse_decimal("1,2,3")
            .unwrap_err()
            .contains("groups of three"));
    }

    #[test]
    fn full_width_and_suffixes() {
        assert_eq!(parse_plain("１２３").unwrap(), d("123"));
        assert_eq!(parse_plain(" １，２００，０００ ").unwrap(), d("1200000"));
        assert_eq!(parse_plain("０．２５").unwrap(), d("0.25"));
        let w = parse_written("4500万").unwrap();
        assert_eq!((w.value, w.suffix), (d("45000000"), Some(Suffix::Wan)));
        let w = parse_written("4500 万美元").unwrap();
        assert_eq!((w.value, w.suffix), (d("45000000"), Some(Suffix::WanUsd)));
        let w = parse_written("25%").unwrap();
        assert_eq!((w.value, w.suffix), (d("0.25"), Some(Suffix::Percent)));
        let w = parse_written("12.5万元").unwrap();
        assert_eq!((w.value, w.suffix), (d("125000"), Some(Suffix::WanYuan)));
        assert_eq!(parse_plain("4500万"), Err(NumberError::NotANumber));
        assert_eq!(parse_plain("万"), Err(NumberError::NotANumber));
    }

    #[test]
    fn clips_long_values() {
        let long = "x".repeat(200);
        assert_eq!(clip(&long).chars().count(), 81);
        assert!(clip(&long).ends_with('…'));
        assert_eq!(clip("short"), "short");
    }
}
