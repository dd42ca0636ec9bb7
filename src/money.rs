//! Exact money and rates: decimals that come from strings in files, never through f64,
//! and the one rounding step (to the fen, half away from zero) used at presentation.

use std::fmt;
use std::str::FromStr;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::de::{self, Deserializer, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// A non-negative exact decimal read from a string such as `"0.04"` or `"10000000"`.
///
/// Integers are accepted too; floating-point literals are refused so that no value
/// reaches the engine through binary floating point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Dec(pub Decimal);

/// Parses a user- or file-supplied decimal: non-negative, no exponent, within range.
pub fn parse_decimal(text: &str) -> Result<Decimal, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("expected a decimal number such as \"10000000\", found an empty string".into());
    }
    let cleaned: String = trimmed.chars().filter(|c| *c != '_' && *c != ',').collect();
    if !cleaned
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.' || c == '-')
    {
        return Err(format!(
            "expected a decimal number such as \"10000000\", found \"{trimmed}\""
        ));
    }
    let value = Decimal::from_str(&cleaned).map_err(|e| {
        let reason = e.to_string();
        if reason.contains("too large") || reason.contains("overflow") || cleaned.len() > 28 {
            format!(
                "the number \"{trimmed}\" is too large for an exact decimal (at most 28 digits)"
            )
        } else {
            format!("expected a decimal number such as \"10000000\", found \"{trimmed}\"")
        }
    })?;
    if value.is_sign_negative() && !value.is_zero() {
        return Err(format!("amounts cannot be negative, found \"{trimmed}\""));
    }
    Ok(value)
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

/// A rate as a percentage: `0.04` → `4%`.
pub fn percent(rate: Decimal) -> String {
    format!("{}%", (rate * Decimal::from(100)).normalize())
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
}
