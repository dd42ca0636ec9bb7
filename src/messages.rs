//! The message catalogue: every sentence a person reads about a report, in Chinese or
//! English. The engine and the report hold typed nodes only; every front end (text, JSON,
//! the app, the PDF) words them through these functions, so they all say the same thing.

use rust_decimal::Decimal;

use crate::engine::EvalError;
use crate::inputs::{DatedAmount, InputCatalog, Value};
pub use crate::io_words::{io_problem, Access};
use crate::load::RuleSlot;
use crate::money::{fen_string, group_thousands, percent, plain, wan_yuan};
use crate::pack::*;
use crate::report::DatedStep;
use crate::report::{
    Basis, CapStep, Disposition, Junction, Line, Node, Observed, OfferFit, OfferStep, PartStep,
    PeriodOf, RateStep, Report, SharedCapStep,
};

/// An amount in yuan, rounded to the fen: `1,000,000.00 元` / `CNY 1,000,000.00`.
pub fn money(value: Decimal, lang: Lang) -> String {
    let digits = group_thousands(&fen_string(value));
    match lang {
        Lang::Zh => format!("{digits} 元"),
        Lang::En => format!("CNY {digits}"),
    }
}

/// An amount with its 万元 figure beside it where that helps: `1,400,000.00 元（140万元）`.
pub fn money_wan(value: Decimal, lang: Lang) -> String {
    if value.abs() < Decimal::from(10_000) {
        return money(value, lang);
    }
    match lang {
        Lang::Zh => format!("{}（{}）", money(value, lang), wan_yuan(value)),
        Lang::En => money(value, lang),
    }
}

/// Picks the Chinese or English wording.
pub fn t<'a>(lang: Lang, zh: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Zh => zh,
        Lang::En => en,
    }
}

/// A figure in the unit of the expression it came from.
pub fn figure(catalog: &InputCatalog, e: &Expr, rule: &Rule, value: Decimal, lang: Lang) -> String {
    match expr_unit(catalog, e, rule) {
        Some(Unit::Yuan) => money(value, lang),
        Some(Unit::Ratio) => percent(value),
        Some(Unit::Usd) if lang == Lang::En => format!("USD {}", plain(value)),
        Some(u) => {
            let unit = u.label(lang);
            if unit.is_empty() {
                plain(value)
            } else {
                format!("{} {unit}", plain(value))
            }
        }
        None => plain(value),
    }
}

fn expr_unit(catalog: &InputCatalog, e: &Expr, rule: &Rule) -> Option<Unit> {
    match e {
        Expr::Input(r) => match catalog.decls.get(r.slot).map(|d| &d.kind) {
            Some(InputKind::Number(u) | InputKind::Dated(u)) => Some(*u),
            _ => None,
        },
        Expr::Base => rule.base.as_ref().and_then(|b| expr_unit(catalog, b, rule)),
        Expr::Minus(a, _) | Expr::Times(a, _) => expr_unit(catalog, a, rule),
        // A figure times a parameter in units per that figure's unit (USD × CNY per USD)
        // is in the parameter's first unit.
        Expr::Product(v) => {
            let unit = v.iter().find_map(|x| match x {
                Expr::Param(_) => None,
                x => expr_unit(catalog, x, rule),
            });
            let per = v.iter().find_map(|x| match x {
                Expr::Param(ParamRef {
                    unit: ParamUnit::Per(a, b),
                    ..
                }) => Some((*a, *b)),
                _ => None,
            });
            match (unit, per) {
                (Some(u), Some((a, b))) if u == b => Some(a),
                _ => unit,
            }
        }
        Expr::Plus(v) | Expr::Min(v) | Expr::Max(v) => {
            v.iter().find_map(|x| expr_unit(catalog, x, rule))
        }
        Expr::Reading { default, .. } => expr_unit(catalog, default, rule),
        Expr::Param(p) => match p.unit {
            ParamUnit::Of(u) => Some(u),
            ParamUnit::Per(..) => None,
        },
        Expr::Const(_) | Expr::Year => None,
    }
}

/// A value of input `slot` in its unit: `20,000,000 美元`, `USD 20,000,000`, `15%`.
pub fn figure_of_input(catalog: &InputCatalog, slot: usize, value: Decimal, lang: Lang) -> String {
    let kind = catalog.decls.get(slot).map(|d| match &d.kind {
        // A dated amount is a number in its unit.
        InputKind::Dated(u) => InputKind::Number(*u),
        k => k.clone(),
    });
    match kind.as_ref() {
        Some(InputKind::Number(Unit::Yuan)) => money(value, lang),
        Some(InputKind::Number(Unit::Ratio)) => percent(value),
        Some(InputKind::Number(Unit::Usd)) if lang == Lang::En => format!("USD {}", plain(value)),
        Some(InputKind::Number(u)) => {
            let unit = u.label(lang);
            if unit.is_empty() {
                plain(value)
            } else {
                format!("{} {unit}", plain(value))
            }
        }
        _ => plain(value),
    }
}

/// A given value of input `slot`, as a person reads it: a number in its unit, 是/否, the
/// option's label, a year.
pub fn value_text(catalog: &InputCatalog, slot: usize, value: Value, lang: Lang) -> String {
    match value {
        Value::Num(d) => figure_of_input(catalog, slot, d, lang),
        Value::Flag(b) => t(
            lang,
            if b { "是" } else { "否" },
            if b { "yes" } else { "no" },
        )
        .to_owned(),
        Value::Choice(i) => match catalog.decls.get(slot).map(|d| &d.kind) {
            Some(InputKind::Choice(options)) => options
                .get(i as usize)
                .map_or_else(|| i.to_string(), |o| o.label.get(lang).to_owned()),
            _ => i.to_string(),
        },
        Value::Year(y) => y.to_string(),
        Value::Date(d) => d.to_string(),
    }
}

/// A dated input's entries, as a person reads them: `2024-03-01 400,000.00 元；2024-09-01
/// 600,000.00 元（合计 1,000,000.00 元）`.
pub fn dated_text(
    catalog: &InputCatalog,
    slot: usize,
    entries: &[DatedAmount],
    lang: Lang,
) -> String {
    if entries.is_empty() {
        return t(lang, "按日期填写，无条目", "by date, no entries").to_owned();
    }
    let list = entries
        .iter()
        .map(|e| {
            format!(
                "{} {}",
                e.date,
                figure_of_input(catalog, slot, e.amount, lang)
            )
        })
        .collect::<Vec<_>>()
        .join(t(lang, "；", "; "));
    match crate::inputs::dated_total(entries) {
        Some(total) if entries.len() > 1 => {
            let total = figure_of_input(catalog, slot, total, lang);
            match lang {
                Lang::Zh => format!("{list}（合计 {total}）"),
                Lang::En => format!("{list} (total {total})"),
            }
        }
        _ => list,
    }
}

/// What an expression is, in words: "当年实际到位外资金额 − 外方股东贷款".
pub fn describe_expr(catalog: &InputCatalog, e: &Expr, rule: &Rule, lang: Lang) -> String {
    match e {
        Expr::Input(r) => catalog
            .decls
            .get(r.slot)
            .map_or_else(|| r.id.clone(), |d| d.label.get(lang).to_owned()),
        Expr::Base => match &rule.base {
            Some(b) => describe_expr(catalog, b, rule, lang),
            None => t(lang, "基数", "the base").to_owned(),
        },
        Expr::Const(d) => plain(d.0),
        Expr::Year => t(lang, "年度", "the year").to_owned(),
        Expr::Minus(a, b) => format!(
            "{} − {}",
            describe_expr(catalog, a, rule, lang),
            describe_expr(catalog, b, rule, lang)
        ),
        Expr::Plus(v) => v
            .iter()
            .map(|x| describe_expr(catalog, x, rule, lang))
            .collect::<Vec<_>>()
            .join(" + "),
        Expr::Times(a, k) => format!("{} × {}", describe_expr(catalog, a, rule, lang), plain(k.0)),
        Expr::Product(v) => v
            .iter()
            .map(|x| {
                let d = describe_expr(catalog, x, rule, lang);
                if d.contains(" − ") || d.contains(" + ") {
                    format!("({d})")
                } else {
                    d
                }
            })
            .collect::<Vec<_>>()
            .join(" × "),
        Expr::Min(v) | Expr::Max(v) => format!(
            "{}({})",
            if matches!(e, Expr::Min(_)) {
                "min"
            } else {
                "max"
            },
            v.iter()
                .map(|x| describe_expr(catalog, x, rule, lang))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Expr::Reading { default, .. } => describe_expr(catalog, default, rule, lang),
        Expr::Param(p) => p.label.get(lang).to_owned(),
    }
}

fn option_label(catalog: &InputCatalog, r: &InputRef, index: u16, lang: Lang) -> String {
    match catalog.decls.get(r.slot).map(|d| &d.kind) {
        Some(InputKind::Choice(options)) => options
            .get(index as usize)
            .map_or_else(|| "?".to_owned(), |o| o.label.get(lang).to_owned()),
        _ => "?".to_owned(),
    }
}

fn input_label(catalog: &InputCatalog, r: &InputRef, lang: Lang) -> String {
    catalog
        .decls
        .get(r.slot)
        .map_or_else(|| r.id.clone(), |d| d.label.get(lang).to_owned())
}

fn observed_text(
    catalog: &InputCatalog,
    cond_input: Option<&InputRef>,
    e: Option<&Expr>,
    rule: &Rule,
    o: Observed,
    lang: Lang,
) -> String {
    match o {
        Observed::Missing => t(lang, "未填写", "not given").to_owned(),
        Observed::Year(y) => y.to_string(),
        Observed::Figure(d) | Observed::Value(Value::Num(d)) => match e {
            Some(e) => figure(catalog, e, rule, d, lang),
            None => plain(d),
        },
        Observed::Value(Value::Flag(b)) => t(
            lang,
            if b { "是" } else { "否" },
            if b { "yes" } else { "no" },
        )
        .to_owned(),
        Observed::Value(Value::Choice(i)) => match cond_input {
            Some(r) => option_label(catalog, r, i, lang),
            None => i.to_string(),
        },
        Observed::Value(Value::Year(y)) => y.to_string(),
        Observed::Value(Value::Date(d)) => d.to_string(),
    }
}

fn mark(passed: bool, lang: Lang) -> &'static str {
    match (passed, lang) {
        (true, Lang::Zh) => "✓ 符合",
        (false, Lang::Zh) => "✗ 不符合",
        (true, Lang::En) => "✓ met",
        (false, Lang::En) => "✗ not met",
    }
}

/// One condition check: "当年实际到位外资金额：9,800,000 美元；需超过 10,000,000（超过，不含本数） ✗ 不符合".
pub fn describe_check(
    catalog: &InputCatalog,
    rule: &Rule,
    cond: &Cond,
    observed: Observed,
    passed: bool,
    lang: Lang,
) -> String {
    let body = match cond {
        Cond::Above(e, th) | Cond::AtLeast(e, th) | Cond::Below(e, th) | Cond::AtMost(e, th) => {
            let label = describe_expr(catalog, e, rule, lang);
            let value = observed_text(catalog, None, Some(e), rule, observed, lang);
            let threshold = figure(catalog, e, rule, th.0, lang);
            let need = match (cond, lang) {
                (Cond::Above(..), Lang::Zh) => format!("需超过 {threshold}（“超过”不含本数）"),
                (Cond::Above(..), Lang::En) => {
                    format!("needs more than {threshold}, strictly")
                }
                (Cond::AtLeast(..), Lang::Zh) => format!("需达到 {threshold} 及以上（含本数）"),
                (Cond::AtLeast(..), Lang::En) => {
                    format!("needs {threshold} or more")
                }
                (Cond::Below(..), Lang::Zh) => format!("需低于 {threshold}（不含本数）"),
                (Cond::Below(..), Lang::En) => {
                    format!("needs less than {threshold}, strictly")
                }
                (_, Lang::Zh) => format!("需不超过 {threshold}（含本数）"),
                (_, Lang::En) => format!("needs {threshold} or less"),
            };
            format!("{label}：{value}；{need}")
                .replace('：', if lang == Lang::En { ": " } else { "：" })
                .replace('；', if lang == Lang::En { "; " } else { "；" })
        }
        Cond::Flag(r) => {
            let label = input_label(catalog, r, lang);
            let value = observed_text(catalog, Some(r), None, rule, observed, lang);
            match lang {
                Lang::Zh => format!("{label}：{value}（需为“是”）"),
                Lang::En => format!("{label}: {value} (needs yes)"),
            }
        }
        Cond::Is(r, o) => {
            let label = input_label(catalog, r, lang);
            let value = observed_text(catalog, Some(r), None, rule, observed, lang);
            let need = option_label(catalog, r, o.index, lang);
            match lang {
                Lang::Zh => format!("{label}：{value}（需为“{need}”）"),
                Lang::En => format!("{label}: {value} (needs {need})"),
            }
        }
        Cond::OneOf(r, os) | Cond::NoneOf(r, os) => {
            let label = input_label(catalog, r, lang);
            let value = observed_text(catalog, Some(r), None, rule, observed, lang);
            let list = os
                .iter()
                .map(|o| option_label(catalog, r, o.index, lang))
                .collect::<Vec<_>>()
                .join(t(lang, "、", ", "));
            match (cond, lang) {
                (Cond::OneOf(..), Lang::Zh) => format!("{label}：{value}（需属于：{list}）"),
                (Cond::OneOf(..), Lang::En) => format!("{label}: {value} (needs one of: {list})"),
                (_, Lang::Zh) => format!("{label}：{value}（不得为：{list}）"),
                (_, Lang::En) => format!("{label}: {value} (excluded: {list})"),
            }
        }
        Cond::YearFrom(y) => match lang {
            Lang::Zh => format!(
                "年度：{}（需为 {y} 年及以后）",
                observed_text(catalog, None, None, rule, observed, lang)
            ),
            Lang::En => format!(
                "year: {} (needs {y} or later)",
                observed_text(catalog, None, None, rule, observed, lang)
            ),
        },
        Cond::YearUntil(y) => match lang {
            Lang::Zh => format!(
                "年度：{}（需不晚于 {y} 年）",
                observed_text(catalog, None, None, rule, observed, lang)
            ),
            Lang::En => format!(
                "year: {} (needs {y} or earlier)",
                observed_text(catalog, None, None, rule, observed, lang)
            ),
        },
        Cond::DateInForce(r) => {
            let label = input_label(catalog, r, lang);
            let value = observed_text(catalog, Some(r), None, rule, observed, lang);
            match lang {
                Lang::Zh => format!("{label}：{value}（需在本条本年度的有效期内）"),
                Lang::En => {
                    format!("{label}: {value} (needs a day this rule is in force this year)")
                }
            }
        }
        Cond::All(_) | Cond::Any(_) | Cond::Not(_) | Cond::Reading { .. } => String::new(),
    };
    format!("{body} {}", mark(passed, lang))
}

/// A date condition with the days it needs: "获评国家级数字商务企业日期：2025-01-10（需在
/// 2025-01-22 至 2025-12-31 之间，即本条本年度的有效期内） ✗ 不符合".
fn describe_date_check(
    catalog: &InputCatalog,
    rule: &Rule,
    r: &InputRef,
    window: Window,
    observed: Observed,
    passed: bool,
    lang: Lang,
) -> String {
    let label = input_label(catalog, r, lang);
    let value = observed_text(catalog, Some(r), None, rule, observed, lang);
    let (from, until) = (window.from, window.until);
    let body = match (window.is_empty(), lang) {
        (true, Lang::Zh) => format!("{label}：{value}（本条本年度没有有效的日子）"),
        (true, Lang::En) => format!("{label}: {value} (this rule is in force on no day of the year)"),
        (false, Lang::Zh) => {
            format!("{label}：{value}（需在 {from} 至 {until} 之间，即本条本年度的有效期内）")
        }
        (false, Lang::En) => format!(
            "{label}: {value} (needs a day from {from} to {until}, when this rule is in force this year)"
        ),
    };
    format!("{body} {}", mark(passed, lang))
}

fn cap_scope(cap: &Cap, rule: &Rule, lang: Lang) -> &'static str {
    match (cap, rule.per, lang) {
        (Cap::PerLine(_), Per::ProjectYear, Lang::Zh) => "单个项目年度上限",
        (Cap::PerLine(_), Per::ProjectYear, Lang::En) => "cap per project per year",
        (Cap::PerLine(_), Per::SubjectYear, Lang::Zh) | (Cap::PerSubjectYear(_), _, Lang::Zh) => {
            "单个主体年度上限"
        }
        (Cap::PerLine(_), Per::SubjectYear, Lang::En) | (Cap::PerSubjectYear(_), _, Lang::En) => {
            "cap per firm per year"
        }
        (Cap::PerSubject(_), _, Lang::Zh) => "单个主体累计上限",
        (Cap::PerSubject(_), _, Lang::En) => "cap per firm, all projects and years",
        (Cap::PerProject(_), _, Lang::Zh) => "单个项目累计上限",
        (Cap::PerProject(_), _, Lang::En) => "cap per project, all years",
        (Cap::LimitedTo(_), _, Lang::Zh) => "以此为限",
        (Cap::LimitedTo(_), _, Lang::En) => "limited to",
        // After load the branch a reading takes stands in its place; the default otherwise.
        (Cap::Reading { default, .. }, _, _) => cap_scope(default, rule, lang),
    }
}

fn opt_money(v: Option<Decimal>, lang: Lang) -> String {
    v.map_or_else(|| t(lang, "无", "none").to_owned(), |x| money(x, lang))
}

fn period_of<'a>(report: &'a Report, line: &Line, of: PeriodOf) -> &'a Period {
    match (of, &report.rule(line).in_force) {
        (PeriodOf::Rule, Some(p)) => p,
        _ => &report.document(line).in_force,
    }
}

/// A rule as people name it: its title and 文号, never its internal id.
pub fn rule_name(report: &Report, slot: RuleSlot, lang: Lang) -> String {
    let base = report.rule_base();
    let rule = base.rule(slot);
    let number = &base.documents[slot.document()].number;
    match lang {
        Lang::Zh => format!("{}（{number}）", rule.title.zh),
        Lang::En => format!("{} ({number})", rule.title.en),
    }
}

fn rule_names(report: &Report, slots: &[RuleSlot], lang: Lang) -> String {
    slots
        .iter()
        .map(|s| rule_name(report, *s, lang))
        .collect::<Vec<_>>()
        .join(t(lang, "、", "; "))
}

/// The lead agencies of a rule, in the reader's language.
pub fn leads(report: &Report, rule: &Rule, lang: Lang) -> String {
    rule.lead
        .iter()
        .map(|l| match lang {
            Lang::Zh => l.clone(),
            Lang::En => report.rule_base().agency_en(l).unwrap_or(l).to_owned(),
        })
        .collect::<Vec<_>>()
        .join(t(lang, "、", "; "))
}

/// The short label of a disposition, as a badge.
pub fn disposition_label(d: Disposition, lang: Lang) -> &'static str {
    match (d, lang) {
        (Disposition::Definite, Lang::Zh) => "确定可获",
        (Disposition::Definite, Lang::En) => "definite",
        (Disposition::Offered, Lang::Zh) => "协商额",
        (Disposition::Offered, Lang::En) => "offered",
        (Disposition::CeilingOnly, Lang::Zh) => "仅上限",
        (Disposition::CeilingOnly, Lang::En) => "up to",
        (Disposition::Unquantified { case_by_case: true }, Lang::Zh) => "一事一议",
        (Disposition::Unquantified { case_by_case: true }, Lang::En) => "case by case",
        (Disposition::Unquantified { .. }, Lang::Zh) => "金额未定",
        (Disposition::Unquantified { .. }, Lang::En) => "amount not stated",
        (Disposition::InKind, Lang::Zh) => "非资金支持",
        (Disposition::InKind, Lang::En) => "support in kind",
        (Disposition::RelaxesCeilings, Lang::Zh) => "放宽上限",
        (Disposition::RelaxesCeilings, Lang::En) => "relaxes ceilings",
        (Disposition::Superseded, Lang::Zh) => "就高不重复",
        (Disposition::Superseded, Lang::En) => "superseded",
        (Disposition::NotClaimed, Lang::Zh) => "未申报",
        (Disposition::NotClaimed, Lang::En) => "not claimed",
        (Disposition::Ineligible, Lang::Zh) => "不符合",
        (Disposition::Ineligible, Lang::En) => "not eligible",
        (Disposition::OtherDistrict, Lang::Zh) => "其他区县",
        (Disposition::OtherDistrict, Lang::En) => "other district",
        (Disposition::AlreadyGranted { .. }, Lang::Zh) => "已享受",
        (Disposition::AlreadyGranted { .. }, Lang::En) => "already granted",
        (Disposition::NotInForce, Lang::Zh) => "不在有效期",
        (Disposition::NotInForce, Lang::En) => "not in force",
    }
}

/// What kind of support a rule gives, in words: a grant, a tax benefit, a fee saving or
/// support in kind.
pub fn benefit_label(b: Benefit, lang: Lang) -> &'static str {
    match (b, lang) {
        (Benefit::Grant, Lang::Zh) => "资金奖补",
        (Benefit::Grant, Lang::En) => "grant",
        (Benefit::TaxBenefit, Lang::Zh) => "税收优惠",
        (Benefit::TaxBenefit, Lang::En) => "tax benefit",
        (Benefit::FeeSaving, Lang::Zh) => "费用减免",
        (Benefit::FeeSaving, Lang::En) => "fee saving",
        (Benefit::InKind, Lang::Zh) => "非资金支持",
        (Benefit::InKind, Lang::En) => "support in kind",
        (Benefit::Modifier, Lang::Zh) => "调整其他项",
        (Benefit::Modifier, Lang::En) => "modifies other lines",
    }
}

/// The figure a line shows beside its badge.
pub fn line_figure(line: &Line, lang: Lang) -> String {
    let up_to = |c: Decimal| format!("{}{}", t(lang, "最高 ", "up to "), money(c, lang));
    match line.disposition {
        Disposition::Definite => line.amount.map(|a| money(a, lang)).unwrap_or_default(),
        Disposition::Offered => line.offered.map(|a| money(a, lang)).unwrap_or_default(),
        Disposition::CeilingOnly => line.ceiling.map(up_to).unwrap_or_default(),
        Disposition::Unquantified { case_by_case: true } => {
            t(lang, "一事一议", "case by case").to_owned()
        }
        Disposition::Unquantified { .. } => t(lang, "金额未定", "amount not stated").to_owned(),
        Disposition::InKind => t(lang, "非资金支持", "in kind").to_owned(),
        Disposition::RelaxesCeilings => t(lang, "不计金额", "no money").to_owned(),
        Disposition::Superseded => match (line.counted_amount(), line.ceiling) {
            (Some(a), _) => format!("({})", money(a, lang)),
            (None, Some(c)) => format!("({})", up_to(c)),
            _ => String::new(),
        },
        _ => String::new(),
    }
}

/// The per-year table's column headers, the same words in every medium.
pub fn summary_headers(lang: Lang) -> [&'static str; 6] {
    match lang {
        Lang::Zh => [
            "年度",
            "确定可获",
            "协商额",
            "仅上限",
            "税费减免",
            "金额未定",
        ],
        Lang::En => [
            "Year",
            "Definite",
            "Offered",
            "Up to",
            "Tax & fees",
            "No amount",
        ],
    }
}

/// One sentence per 口径 a shown line of `report` rests on, with the parameter given.
pub fn bases(report: &Report, lang: Lang) -> Vec<String> {
    report
        .readings_taken()
        .into_iter()
        .map(|(_, reading, selected)| {
            reading_sentence(
                reading,
                selected.is_some(),
                selected.and_then(|r| r.param),
                lang,
            )
        })
        .collect()
}

/// What the per-year table's columns mean, with the definite total, the count of support
/// in kind, the part of the ceilings whose clauses state no period, and the ceilings that
/// are not firm bounds: printed under the table by every front end.
pub fn summary_note(total: &crate::report::Summary, lang: Lang) -> String {
    let in_kind = total.in_kind;
    let not_stated = total.ceiling_periods.not_stated;
    let open = total.open_ceilings;
    match lang {
        Lang::Zh => format!(
            "单位：元。确定可获 {}，为政策确定金额或最低额；协商额为拟给予金额，单列；仅上限为最高额，具体金额经审核确定{}；税费减免另计，不与资金奖补相加；金额未定为符合条件但原文未给出金额的项数{}{}。",
            money_wan(total.definite, lang),
            if not_stated.is_zero() {
                String::new()
            } else {
                format!(
                    "，其中 {}出自未载明期限（每年或一次性）的条款，按年度列示，多年相加仅供参考",
                    money_wan(not_stated, lang)
                )
            },
            if in_kind > 0 {
                format!("；另有非资金支持 {in_kind} 项")
            } else {
                String::new()
            },
            if open > 0 {
                format!("；另有 {open} 项资金奖补无确定上限（原文未设上限、可“一事一议”或上限可适当放宽），最高额合计仅供参考")
            } else {
                String::new()
            }
        ),
        Lang::En => format!(
            "Amounts in CNY. Definite ({}) is what the texts fix or guarantee as a minimum; offered is an officer's figure, counted apart; up to is a ceiling set on review{}; tax and fee benefits are never added to grants; no amount counts eligible lines whose text states none{}{}.",
            money(total.definite, lang),
            if not_stated.is_zero() {
                String::new()
            } else {
                format!(
                    ", of which {} comes from clauses that state no period (per year or once): shown for each year, and summed across years for reference only",
                    money(not_stated, lang)
                )
            },
            if in_kind > 0 {
                format!("; {in_kind} more lines are support in kind")
            } else {
                String::new()
            },
            if open > 0 {
                format!("; {open} grant lines have no firm ceiling (none stated, a case may be decided case by case above it, or it may be relaxed), so a total of ceilings is for reference only")
            } else {
                String::new()
            }
        ),
    }
}

/// One sentence for node `index` of a line's trace.
pub fn describe_node(report: &Report, line: &Line, index: usize, lang: Lang) -> String {
    describe_node_of(report, line, report.trace(line), index, lang)
}

/// One sentence for node `index` of `trace`, the line's explanation as given (one that
/// `engine::Explainer` rebuilt).
pub fn describe_node_of(
    report: &Report,
    line: &Line,
    trace: &[Node],
    index: usize,
    lang: Lang,
) -> String {
    let catalog: &InputCatalog = &report.rule_base().catalog;
    let rule = report.rule(line);
    let document = report.document(line);
    let Some(node) = trace.get(index) else {
        return String::new();
    };
    let group = |g: u16| &report.rule_base().groups[g as usize];
    match node {
        Node::InForce { period, partial } => {
            let period = period_of(report, line, *period);
            let until = period.until.map_or_else(
                || t(lang, "未设终止日期", "open-ended").to_owned(),
                |u| u.to_string(),
            );
            let mut s = match lang {
                Lang::Zh => format!(
                    "有效期：{} 至 {}（{}）",
                    period.from, until, period.basis.zh
                ),
                Lang::En => format!(
                    "In force: {} to {} ({})",
                    period.from, until, period.basis.en
                ),
            };
            if *partial {
                s.push_str(t(
                    lang,
                    "；本年度仅部分时间在有效期内，有效期外发生的事项不适用",
                    "; only part of this year is covered: events outside the period do not count",
                ));
            }
            s
        }
        Node::NotInForce { period } => {
            let period = period_of(report, line, *period);
            let until = period.until.map_or_else(
                || t(lang, "未设终止日期", "open-ended").to_owned(),
                |u| u.to_string(),
            );
            match lang {
                Lang::Zh => format!(
                    "本年度不在有效期内（有效期 {} 至 {}；{}）",
                    period.from, until, period.basis.zh
                ),
                Lang::En => format!(
                    "Not in force this year (in force {} to {}; {})",
                    period.from, until, period.basis.en
                ),
            }
        }
        Node::Repealed => match (&document.repealed, lang) {
            (Some(r), Lang::Zh) => format!("已废止：由{}于 {} 废止", r.by, r.on),
            (Some(r), Lang::En) => format!("Repealed by {} on {}", r.by, r.on),
            (None, _) => t(lang, "已废止", "Repealed").to_owned(),
        },
        Node::Group {
            junction, passed, ..
        } => {
            let head = match (junction, lang) {
                (Junction::All, Lang::Zh) => "须同时满足以下条件",
                (Junction::All, Lang::En) => "All of the following",
                (Junction::Any, Lang::Zh) => "满足以下任一条件即可",
                (Junction::Any, Lang::En) => "Any one of the following",
                (Junction::Not, Lang::Zh) => "不得属于以下情形",
                (Junction::Not, Lang::En) => "None of the following",
            };
            format!("{head} {}", mark(*passed, lang))
        }
        Node::Check {
            site,
            observed,
            passed,
            ..
        } => match rule.at(site) {
            Some(RulePart::Cond(Cond::DateInForce(r))) => describe_date_check(
                catalog,
                rule,
                r,
                document.window(rule, line.year),
                *observed,
                *passed,
                lang,
            ),
            Some(RulePart::Cond(cond)) => {
                describe_check(catalog, rule, cond, *observed, *passed, lang)
            }
            _ => mark(*passed, lang).to_owned(),
        },
        Node::Tier {
            index, of, fired, ..
        } => match (lang, fired) {
            (Lang::Zh, true) => format!("适用档次：第 {} 档（共 {of} 档）", index + 1),
            (Lang::Zh, false) => format!("第 {} 档（共 {of} 档）：未达到", index + 1),
            (Lang::En, true) => format!("Tier {} of {of} applies", index + 1),
            (Lang::En, false) => format!("Tier {} of {of}: not reached", index + 1),
        },
        Node::NoTierReached => t(
            lang,
            "未达到任何一档：不予奖励",
            "No tier reached: nothing is due",
        )
        .to_owned(),
        Node::Missing { site, input } => {
            let what = match (input, rule.at(site)) {
                (Some(slot), _) => catalog
                    .decls
                    .get(*slot)
                    .map_or_else(String::new, |d| d.label.get(lang).to_owned()),
                (None, Some(RulePart::Expr(e))) => describe_expr(catalog, e, rule, lang),
                _ => String::new(),
            };
            match lang {
                Lang::Zh => format!("未填写“{what}”：无法计算金额"),
                Lang::En => format!("{what} not given: the amount cannot be computed"),
            }
        }
        Node::Dated(step) => {
            let DatedStep {
                input,
                from,
                until,
                counted,
                total,
                counted_entries,
                entries,
            } = &**step;
            let label = slot_label(catalog, *input, lang);
            let counted = figure_of_input(catalog, *input, *counted, lang);
            let total = figure_of_input(catalog, *input, *total, lang);
            match lang {
                Lang::Zh => format!(
                    "{label}按日期计入：本条本年度有效期 {from} 至 {until} 内的 {counted_entries} 笔，共 {counted}（本年度共 {entries} 笔、{total}）"
                ),
                Lang::En => format!(
                    "{label} by date: {counted_entries} of {entries} entries, {counted} of {total} this year, are dated on days this rule is in force ({from} to {until})"
                ),
            }
        }
        Node::Undated { input, from, until } => {
            let label = slot_label(catalog, *input, lang);
            match lang {
                Lang::Zh => format!(
                    "{label}未按日期填写，无法按本条本年度有效期（{from} 至 {until}）拆分：按全年填写的金额全额计入；按日期逐笔填写即可只计有效期内的部分"
                ),
                Lang::En => format!(
                    "{label} was not given by date, so it could not be split at the days this rule is in force this year ({from} to {until}): the whole year's figure is taken; give it by date to count only what falls inside"
                ),
            }
        }
        Node::Rate(step) => {
            let RateStep {
                of,
                base,
                rate,
                kind,
                result,
            } = &**step;
            let of = match rule.at(of) {
                Some(RulePart::Expr(e)) => Some(e),
                _ => None,
            };
            // The base's unit comes from the pack: a USD input makes a USD base, paid in CNY.
            let usd = of.and_then(|e| expr_unit(catalog, e, rule)) == Some(Unit::Usd);
            let base_text = match of {
                Some(e) => figure(catalog, e, rule, *base, lang),
                None => plain(*base),
            };
            let kind_text = match (kind, lang) {
                (RateKind::AtLeast, Lang::Zh) => "政策最低额（“不低于”）",
                (RateKind::AtLeast, Lang::En) => "minimum due (the text says “not less than”)",
                (RateKind::AtMost, Lang::Zh) => "最高额（“不高于”，据审核确定）",
                (RateKind::AtMost, Lang::En) => {
                    "ceiling (the text says “not more than”; set on review)"
                }
                (RateKind::Exactly, Lang::Zh) => "按比例计算",
                (RateKind::Exactly, Lang::En) => "at the stated rate",
            };
            let currency = match (usd, lang) {
                (true, Lang::Zh) => "；以美元金额为基数，按人民币计发",
                (true, Lang::En) => "; the USD figure is the base, paid in CNY",
                _ => "",
            };
            let what = match of {
                Some(Expr::Input(_)) | None => String::new(),
                Some(Expr::Base) if matches!(rule.base, Some(Expr::Input(_)) | None) => {
                    String::new()
                }
                Some(of) => format!("{} = ", describe_expr(catalog, of, rule, lang)),
            };
            format!(
                "{what}{base_text} × {} = {}{}{kind_text}{currency}",
                percent(*rate),
                money(*result, lang),
                t(lang, "，", ", ")
            )
        }
        Node::Fixed { amount } => match lang {
            Lang::Zh => format!("定额 {}", money(*amount, lang)),
            Lang::En => format!("Fixed sum {}", money(*amount, lang)),
        },
        Node::UpTo { ceiling } => match lang {
            Lang::Zh => format!(
                "最高 {}（上限，不是承诺金额；具体金额经审核确定）",
                money(*ceiling, lang)
            ),
            Lang::En => format!(
                "Up to {} (a ceiling, not a promised sum; set on review)",
                money(*ceiling, lang)
            ),
        },
        Node::Range { minimum, maximum } => match lang {
            Lang::Zh => format!("{} 至 {}", money(*minimum, lang), money(*maximum, lang)),
            Lang::En => format!("{} to {}", money(*minimum, lang), money(*maximum, lang)),
        },
        Node::Unquantified => {
            let named = !rule.lead.iter().all(|l| l == "未载明");
            let who = leads(report, rule, lang);
            let case_by_case = rule.quote.contains("一事一议");
            match (rule.benefit, named, lang) {
                (Benefit::Grant, true, Lang::Zh) if case_by_case => format!("符合条件；原文规定一事一议，金额由{who}确定"),
                (Benefit::Grant, true, Lang::En) if case_by_case => format!("Eligible; the text says the amount is agreed case by case, by {who}"),
                (Benefit::Grant, true, Lang::Zh) => format!("符合条件；原文未给出金额，金额未定，由{who}确定"),
                (Benefit::Grant, true, Lang::En) => format!("Eligible; the text states no amount; set by {who}"),
                (Benefit::Grant, false, Lang::Zh) => "符合条件；原文未给出金额和牵头单位，金额由主管部门确定".to_owned(),
                (Benefit::Grant, false, Lang::En) => "Eligible; the text states no amount or lead agency; set by the competent authority".to_owned(),
                (Benefit::TaxBenefit, _, Lang::Zh) => "符合条件；税收优惠按国家税收规定计算（原文未给出比例或金额）".to_owned(),
                (Benefit::TaxBenefit, _, Lang::En) => "Eligible; the tax benefit follows national tax rules (the text gives no rate or figure)".to_owned(),
                (Benefit::InKind, _, Lang::Zh) => "符合条件；属非资金支持（如优先、服务、绿色通道），不计入金额".to_owned(),
                (Benefit::InKind, _, Lang::En) => "Eligible; support in kind (priority, services, a green channel), no money".to_owned(),
                (Benefit::FeeSaving, _, Lang::Zh) => "符合条件；减免幅度按有关规定确定（原文未给出幅度）".to_owned(),
                (Benefit::FeeSaving, _, Lang::En) => "Eligible; the saving follows the applicable rules (the text gives no figure)".to_owned(),
                (Benefit::Modifier, _, Lang::Zh) => "不计金额".to_owned(),
                (Benefit::Modifier, _, Lang::En) => "No money".to_owned(),
            }
        }
        Node::Part(step) => {
            let PartStep {
                site,
                amount,
                ceiling,
            } = &**step;
            let label = match rule.at(site) {
                Some(RulePart::Part(p)) => p.label.get(lang).to_owned(),
                _ => String::new(),
            };
            match lang {
                Lang::Zh => format!(
                    "其中“{label}”：确定额 {}，上限 {}",
                    opt_money(*amount, lang),
                    opt_money(*ceiling, lang)
                ),
                Lang::En => format!(
                    "Part \"{label}\": definite {}, ceiling {}",
                    opt_money(*amount, lang),
                    opt_money(*ceiling, lang)
                ),
            }
        }
        Node::Each { count, counted } => match lang {
            Lang::Zh if count != counted => {
                format!("数量 {}，按上限计 {}", plain(*count), plain(*counted))
            }
            Lang::Zh => format!("数量 {}", plain(*count)),
            Lang::En if count != counted => format!(
                "Count {}, of which {} count (the limit)",
                plain(*count),
                plain(*counted)
            ),
            Lang::En => format!("Count {}", plain(*count)),
        },
        Node::Cap(step) => {
            let CapStep {
                index,
                limit,
                before,
                after,
            } = &**step;
            let Some(cap) = rule.caps.get(*index as usize) else {
                return String::new();
            };
            let scope = cap_scope(cap, rule, lang);
            let label = match cap {
                Cap::LimitedTo(e) => format!("{scope} {}", describe_expr(catalog, e, rule, lang)),
                _ => scope.to_owned(),
            };
            if before == after {
                match lang {
                    Lang::Zh => format!("{label} {}：未触及", money(*limit, lang)),
                    Lang::En => format!("{label} {}: not reached", money(*limit, lang)),
                }
            } else {
                match lang {
                    Lang::Zh => format!(
                        "{label} {}：{} → {}",
                        money(*limit, lang),
                        opt_money(*before, lang),
                        opt_money(*after, lang)
                    ),
                    Lang::En => format!(
                        "{label} {}: {} → {}",
                        money(*limit, lang),
                        opt_money(*before, lang),
                        opt_money(*after, lang)
                    ),
                }
            }
        }
        Node::CapNotChecked { index } => {
            let what = match rule.caps.get(*index as usize) {
                Some(Cap::LimitedTo(e)) => describe_expr(catalog, e, rule, lang),
                _ => String::new(),
            };
            match lang {
                Lang::Zh => format!("未填写“{what}”：上限未核对，金额可能低于所示"),
                Lang::En => format!(
                    "{what} not given: the limit is not checked, and the amount may be lower than shown"
                ),
            }
        }
        Node::SharedCap(step) => {
            let SharedCapStep {
                index,
                limit,
                already,
                before,
                after,
            } = &**step;
            let Some(cap) = rule.caps.get(*index as usize) else {
                return String::new();
            };
            let scope = cap_scope(cap, rule, lang);
            if after.is_none_or(|a| a.is_zero()) {
                return match lang {
                    Lang::Zh => format!(
                        "{scope} {}，此前已计 {}，限额已用尽：本项不再计发（原为 {}）",
                        money(*limit, lang),
                        money(*already, lang),
                        opt_money(*before, lang)
                    ),
                    Lang::En => format!(
                        "{scope} {}, {} already counted: the limit is used up, so nothing is paid here (was {})",
                        money(*limit, lang),
                        money(*already, lang),
                        opt_money(*before, lang)
                    ),
                };
            }
            match lang {
                Lang::Zh => format!(
                    "{scope} {}，此前已计 {}：{} → {}",
                    money(*limit, lang),
                    money(*already, lang),
                    opt_money(*before, lang),
                    opt_money(*after, lang)
                ),
                Lang::En => format!(
                    "{scope} {}, {} already counted: {} → {}",
                    money(*limit, lang),
                    money(*already, lang),
                    opt_money(*before, lang),
                    opt_money(*after, lang)
                ),
            }
        }
        Node::AppliesIn { observed, passed } => {
            let Some(AppliesIn::District {
                id,
                firm_flag,
                district,
            }) = &document.applies_in
            else {
                return String::new();
            };
            let r = InputRef {
                id: String::new(),
                slot: *district,
                at: Default::default(),
            };
            let name = option_label(catalog, &r, id.index, lang);
            let (what, seen) = match (observed, firm_flag) {
                (Observed::Value(Value::Flag(_)), Some(f)) => (
                    input_label(catalog, f, lang),
                    observed_text(catalog, Some(f), None, rule, *observed, lang),
                ),
                _ => (
                    match (rule.per, lang) {
                        (Per::ProjectYear, Lang::Zh) => "项目所在区县".to_owned(),
                        (Per::ProjectYear, Lang::En) => "the project's district".to_owned(),
                        (Per::SubjectYear, Lang::Zh) => "企业项目所在区县".to_owned(),
                        (Per::SubjectYear, Lang::En) => "the firm's projects are in".to_owned(),
                    },
                    observed_text(catalog, Some(&r), None, rule, *observed, lang),
                ),
            };
            match lang {
                Lang::Zh => format!(
                    "本政策仅适用于{name}；{what}：{seen} {}",
                    mark(*passed, lang)
                ),
                Lang::En => format!(
                    "This policy applies only in {name}; {what}: {seen} {}",
                    mark(*passed, lang)
                ),
            }
        }
        Node::Reading {
            document,
            index,
            alternative,
            param,
        } => {
            let Some(reading) = report
                .rule_base()
                .documents
                .get(*document as usize)
                .and_then(|d| d.readings.get(*index as usize))
            else {
                return String::new();
            };
            reading_sentence(reading, *alternative, *param, lang)
        }
        Node::OneTimeAlreadyCounted { year } => match lang {
            Lang::Zh => format!("一次性奖励，已于{year}年享受"),
            Lang::En => format!("One-time award, already granted in {year}"),
        },
        Node::ZeroAmount => t(lang, "计算金额为零", "The amount computes to zero").to_owned(),
        Node::Offer(step) => {
            let OfferStep {
                offered,
                used,
                minimum,
                ceiling,
                fit,
            } = &**step;
            let range = match (minimum, ceiling, lang) {
                (m, Some(c), Lang::Zh) => format!(
                    "政策区间 {} 至 {}",
                    money(m.unwrap_or_default(), lang),
                    money(*c, lang)
                ),
                (m, Some(c), Lang::En) => format!(
                    "policy range {} to {}",
                    money(m.unwrap_or_default(), lang),
                    money(*c, lang)
                ),
                (m, None, Lang::Zh) => format!(
                    "政策最低额 {}，原文未设上限",
                    money(m.unwrap_or_default(), lang)
                ),
                (m, None, Lang::En) => format!(
                    "policy minimum {}, no ceiling in the text",
                    money(m.unwrap_or_default(), lang)
                ),
            };
            match (fit, lang) {
                (OfferFit::Within, Lang::Zh) => {
                    format!("拟给予 {}（{range}），单列为协商额", money(*offered, lang))
                }
                (OfferFit::Within, Lang::En) => format!(
                    "Offered {} ({range}); counted apart as an offer",
                    money(*offered, lang)
                ),
                (OfferFit::RaisedToMinimum, Lang::Zh) => format!(
                    "拟给予 {} 低于政策最低额，按 {} 计（{range}）",
                    money(*offered, lang),
                    money(*used, lang)
                ),
                (OfferFit::RaisedToMinimum, Lang::En) => format!(
                    "Offered {} is below the policy minimum: counted at {} ({range})",
                    money(*offered, lang),
                    money(*used, lang)
                ),
                (OfferFit::CappedAtCeiling, Lang::Zh) => format!(
                    "拟给予 {} 超过上限，按上限 {} 计（{range}）",
                    money(*offered, lang),
                    money(*used, lang)
                ),
                (OfferFit::CappedAtCeiling, Lang::En) => format!(
                    "Offered {} is above the ceiling: counted at {} ({range})",
                    money(*offered, lang),
                    money(*used, lang)
                ),
            }
        }
        Node::OfferNotApplied { offered } => match lang {
            Lang::Zh => format!(
                "拟给予 {}：本项本年度不予兑现，协商额不适用",
                money(*offered, lang)
            ),
            Lang::En => format!(
                "Offered {}: the line pays nothing this year, so the offer does not apply",
                money(*offered, lang)
            ),
        },
        Node::Payer { index } => match rule.payer.get(*index as usize) {
            Some(p) => match lang {
                Lang::Zh => format!("兑付主体：{}", p.payer.zh),
                Lang::En => format!("Paid by {}", p.payer.en),
            },
            None => String::new(),
        },
        Node::Won {
            group: g,
            over,
            basis,
        } => {
            let g = group(*g);
            let others = rule_names(report, over, lang);
            let basis = governing(g, basis, lang);
            match lang {
                Lang::Zh => format!(
                    "就高不就低、不重复享受（{}）：本项为同类最高，{others}不再计发。{basis}",
                    g.title.zh
                ),
                Lang::En => format!(
                    "No double claim ({}): this is the highest of its kind; not paid: {others}. {basis}",
                    g.title.en
                ),
            }
        }
        Node::Superseded {
            group: g,
            winner,
            basis,
        } => {
            let g = group(*g);
            let basis = governing(g, std::slice::from_ref(basis), lang);
            let winner = rule_name(report, *winner, lang);
            match lang {
                Lang::Zh => format!(
                    "就高不就低、不重复享受（{}）：按更高的{winner}计发，本项不再计发。{basis}",
                    g.title.zh
                ),
                Lang::En => format!(
                    "No double claim ({}): the higher {winner} is paid instead. {basis}",
                    g.title.en
                ),
            }
        }
        Node::Overlap {
            group: g,
            with,
            counted,
        } => {
            let g = group(*g);
            let others = rule_names(report, with, lang);
            match (lang, counted) {
                (Lang::Zh, true) => format!("可能重叠（{}）：与{others}同类，但无条款规定如何处理；保守合计只计本项", g.title.zh),
                (Lang::Zh, false) => format!("可能重叠（{}）：与{others}同类，但无条款规定如何处理；保守合计不计本项", g.title.zh),
                (Lang::En, true) => format!("Possible overlap ({}) with {others}: no clause governs it; the conservative total counts this line only", g.title.en),
                (Lang::En, false) => format!("Possible overlap ({}) with {others}: no clause governs it; left out of the conservative total", g.title.en),
            }
        }
        Node::CeilingPeriodNotStated => t(
            lang,
            "原文未载明该上限按年度还是按整个期限计算：按每年列示，多年相加仅供参考",
            "The text does not say whether this ceiling is per year or for the whole period: it is shown for each year, and a sum across years is for reference only",
        )
        .to_owned(),
        Node::CaseByCaseAbove { rule: slot } => {
            let quote = &report.rule_base().rule(*slot).quote;
            match lang {
                Lang::Zh => format!("原文另规定：「{quote}」所示最高额仅供参考，不是确定上限"),
                Lang::En => format!(
                    "The text also says: 「{quote}」 (a case may be decided case by case): the ceiling shown is a reference, not a firm bound"
                ),
            }
        }
        Node::CeilingRelaxed { by } => {
            let base = report.rule_base();
            let (modifier, number) = (base.rule(*by), &base.documents[by.document()].number);
            match lang {
                Lang::Zh => format!(
                    "依据{number} {}“{}”：上限标准可适当放宽（幅度原文未载明），所示上限仅供参考，不是确定上限",
                    modifier.clause, modifier.title.zh
                ),
                Lang::En => format!(
                    "Under {number} {} ({}): the ceiling may be relaxed (the text does not say by how much), so the ceiling shown is a reference, not a firm bound",
                    modifier.clause, modifier.title.en
                ),
            }
        }
        Node::RelaxesCeilings { touched } => {
            let names: Vec<String> = touched
                .iter()
                .filter_map(|&i| report.line_at(i))
                .map(|l| line_name(report, l, lang))
                .collect();
            match (names.is_empty(), lang) {
                (true, Lang::Zh) => "本年度没有载明上限的资金项目，无可放宽的上限；本项不计金额".to_owned(),
                (true, Lang::En) => "No line this year has a stated ceiling to relax; this line pays nothing".to_owned(),
                (false, Lang::Zh) => format!(
                    "以下 {} 项的上限标准可适当放宽（幅度原文未载明），所示上限仅供参考；本项本身不计金额：{}",
                    names.len(),
                    names.join("、")
                ),
                (false, Lang::En) => format!(
                    "The ceilings of these {} lines may be relaxed (the text does not say by how much), so each is a reference only; this line itself pays nothing: {}",
                    names.len(),
                    names.join("; ")
                ),
            }
        }
    }
}

/// A line as people name it: the rule's title and 文号, and its project if it has one.
fn line_name(report: &Report, line: &Line, lang: Lang) -> String {
    let rule = report.rule(line);
    let number = &report.document(line).number;
    match (report.project_name(line), lang) {
        (Some(p), Lang::Zh) => format!("{}（{number}，项目“{p}”）", rule.title.zh),
        (Some(p), Lang::En) => format!("{} ({number}, project {p})", rule.title.en),
        (None, _) => rule_name(report, line.slot, lang),
    }
}

/// The label of the input in `slot`.
fn slot_label(catalog: &InputCatalog, slot: usize, lang: Lang) -> String {
    catalog
        .decls
        .get(slot)
        .map_or_else(String::new, |d| d.label.get(lang).to_owned())
}

/// The 口径 a figure rests on: "口径：title（默认）：what it says", with the parameter given.
pub fn reading_sentence(
    reading: &ReadingDecl,
    alternative: bool,
    param: Option<Decimal>,
    lang: Lang,
) -> String {
    let value = match (reading.param.as_ref(), param) {
        (Some(p), Some(v)) => match lang {
            Lang::Zh => format!("；{}：{} {}", p.label.zh, plain(v), p.unit.label(lang)),
            Lang::En => format!("; {}: {} {}", p.label.en, plain(v), p.unit.label(lang)),
        },
        _ => String::new(),
    };
    let sentence = match (lang, alternative) {
        (Lang::Zh, false) => format!("口径：{}（默认）：{}", reading.title.zh, reading.default.zh),
        (Lang::Zh, true) => format!(
            "口径：{}（已选备选口径）：{}",
            reading.title.zh, reading.alternative.zh
        ),
        (Lang::En, false) => format!(
            "Basis: {} (default): {}",
            reading.title.en, reading.default.en
        ),
        (Lang::En, true) => format!(
            "Basis: {} (alternative selected): {}",
            reading.title.en, reading.alternative.en
        ),
    };
    sentence + &value
}

/// The clauses (or the reading) behind stacking decisions, each once.
fn governing(group: &StackingGroup, bases: &[Basis], lang: Lang) -> String {
    let mut seen: Vec<Basis> = Vec::with_capacity(bases.len());
    for b in bases {
        if !seen.contains(b) {
            seen.push(*b);
        }
    }
    seen.iter()
        .map(|b| {
            let clause = match b {
                Basis::Clause(i) => group.governed_by.get(usize::from(*i)),
                Basis::Reading => None,
            };
            match clause {
                Some(g) => match lang {
                    Lang::Zh => format!("依据{} {}：「{}」", g.document, g.clause, g.quote),
                    Lang::En => format!("Under {} {}: 「{}」", g.document, g.clause, g.quote),
                },
                None => match lang {
                    Lang::Zh => format!(
                        "本年度无条款直接规定这两项如何处理，按政策目录读法：{}",
                        group.reading.zh
                    ),
                    Lang::En => format!(
                        "No clause governs this pair this year; the catalogue's reading: {}",
                        group.reading.en
                    ),
                },
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Why a line pays nothing, in one sentence (its decisive node).
pub fn reason(report: &Report, line: &Line, lang: Lang) -> Option<String> {
    reason_of(report, line, report.trace(line), lang)
}

/// [`reason`], `trace` being the line's explanation as given (one `engine::Explainer` made).
pub fn reason_of(report: &Report, line: &Line, trace: &[Node], lang: Lang) -> Option<String> {
    crate::report::decisive(trace, line.status)
        .map(|i| describe_node_of(report, line, trace, i, lang))
}

/// Every node of a line as (depth in the tree, sentence), in order.
pub fn explain(report: &Report, line: &Line, lang: Lang) -> Vec<(usize, String)> {
    explain_of(report, line, report.trace(line), lang)
}

/// [`explain`], `trace` being the line's explanation as given.
pub fn explain_of(
    report: &Report,
    line: &Line,
    trace: &[Node],
    lang: Lang,
) -> Vec<(usize, String)> {
    let mut out = Vec::with_capacity(trace.len());
    let mut open: Vec<usize> = Vec::new(); // end index (exclusive) of each open subtree
    for (i, node) in trace.iter().enumerate() {
        while open.last().is_some_and(|&end| i >= end) {
            open.pop();
        }
        out.push((open.len(), describe_node_of(report, line, trace, i, lang)));
        let len = node.subtree_len();
        if len > 0 {
            open.push(i + 1 + len);
        }
    }
    out
}

fn for_project(project: &Option<String>, lang: Lang) -> String {
    match (project, lang) {
        (Some(p), Lang::Zh) => format!("项目“{p}”"),
        (Some(p), Lang::En) => format!(" for project `{p}`"),
        (None, _) => String::new(),
    }
}

/// An evaluation error in the reader's language (English is the error's own wording).
pub fn eval_error(e: &EvalError, lang: Lang) -> String {
    if lang == Lang::En {
        return e.to_string();
    }
    match e {
        EvalError::YearNotCovered { project, year } => format!(
            "{}{year}年：已加载的政策均不在该年度有效期内",
            for_project(project, lang)
        ),
        EvalError::UnknownReading(id) => {
            format!("未知口径 `{id}`（`incentives rules` 列出各文件可选的口径）")
        }
        EvalError::ReadingSelectedTwice(id) => format!("口径 `{id}` 选择了两次"),
        EvalError::BadReadingParam { reading, problem } => match problem {
            ParamProblem::Missing { label, unit } => {
                format!(
                    "口径 `{reading}` 需给出取值：{}（{}），写作 ID=数值",
                    label.zh, unit.zh
                )
            }
            ParamProblem::NotTaken => format!("口径 `{reading}` 不带取值"),
            ParamProblem::OutOfRange { value, range } => {
                format!("口径 `{reading}`：{value} 超出允许范围（{range}）")
            }
        },
        EvalError::TooLarge {
            rule,
            project,
            year,
        } => format!(
            "{}{year}年规则 `{rule}`：数额过大，无法精确计算（超过28位数字）",
            for_project(project, lang)
        ),
        EvalError::TotalTooLarge => "合计数额过大，无法精确相加（超过28位数字）".to_owned(),
        EvalError::OfferOutOfRange {
            rule,
            project,
            year,
            offered,
            minimum,
            ceiling,
            ..
        } => format!(
            "{}{year}年 `{rule}` 的拟给予金额 {} 超出政策区间 {} 至 {}（--strict）",
            for_project(project, lang),
            money(*offered, lang),
            money(minimum.unwrap_or_default(), lang),
            ceiling.map_or_else(|| "（无上限）".to_owned(), |c| money(c, lang))
        ),
        EvalError::OfferNotApplicable {
            rule,
            project,
            year,
            ..
        } => format!(
            "{}{year}年 `{rule}` 不予兑现，拟给予金额无法适用（--strict）",
            for_project(project, lang)
        ),
        EvalError::DuplicateOffer {
            rule,
            project,
            year,
            ..
        } => format!(
            "{}{year}年 `{rule}` 有两项拟给予金额",
            for_project(project, lang)
        ),
    }
}
