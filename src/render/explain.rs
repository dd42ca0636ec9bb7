//! Sentences for trace steps, in Chinese or English. Every renderer (text, JSON, the app,
//! the PDF) explains a line through these functions, so they all say the same thing.

use rust_decimal::Decimal;

use crate::breakdown::{Line, Observed, Step};
use crate::inputs::{InputCatalog, Value};
use crate::money::{percent, plain, yuan};
use crate::pack::*;

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
        Some(Unit::Yuan) => yuan(value),
        Some(Unit::Ratio) => percent(value),
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
            Some(InputKind::Number(u)) => Some(*u),
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
                    format!("needs more than {threshold} (超过: strictly more)")
                }
                (Cond::AtLeast(..), Lang::Zh) => format!("需达到 {threshold} 及以上（含本数）"),
                (Cond::AtLeast(..), Lang::En) => {
                    format!("needs at least {threshold} (以上: inclusive)")
                }
                (Cond::Below(..), Lang::Zh) => format!("需低于 {threshold}（不含本数）"),
                (Cond::Below(..), Lang::En) => {
                    format!("needs less than {threshold} (strictly less)")
                }
                (_, Lang::Zh) => format!("需不超过 {threshold}（含本数）"),
                (_, Lang::En) => format!("needs at most {threshold} (以下/以内: inclusive)"),
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
        Cond::All(_) | Cond::Any(_) | Cond::Not(_) | Cond::Reading { .. } => String::new(),
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
    }
}

fn opt_yuan(v: Option<Decimal>, lang: Lang) -> String {
    v.map_or_else(|| t(lang, "无", "none").to_owned(), yuan)
}

/// One sentence for one step of a line's trace.
pub fn describe_step(catalog: &InputCatalog, line: &Line, step: &Step, lang: Lang) -> String {
    let rule = line.rule;
    match step {
        Step::InForce { period, partial } => {
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
        Step::NotInForce { period } => {
            let until = period.until.map_or_else(
                || t(lang, "未设终止日期", "open-ended").to_owned(),
                |u| u.to_string(),
            );
            match lang {
                Lang::Zh => format!(
                    "本年度不在有效期内（{} 至 {}；{}）",
                    period.from, until, period.basis.zh
                ),
                Lang::En => format!(
                    "Not in force this year (in force {} to {}; {})",
                    period.from, until, period.basis.en
                ),
            }
        }
        Step::Repealed { by, on } => match lang {
            Lang::Zh => format!("已由{by}于 {on} 废止"),
            Lang::En => format!("Repealed by {by} on {on}"),
        },
        Step::Check {
            cond,
            observed,
            passed,
        } => describe_check(catalog, rule, cond, *observed, *passed, lang),
        Step::Tier { index, of, fired } => match (lang, fired) {
            (Lang::Zh, true) => format!("适用第 {} 档（共 {of} 档，按先到先得）", index + 1),
            (Lang::Zh, false) => format!("第 {} 档（共 {of} 档）：", index + 1),
            (Lang::En, true) => format!("Tier {} of {of} applies (first hit)", index + 1),
            (Lang::En, false) => format!("Tier {} of {of}:", index + 1),
        },
        Step::NoTierReached => t(
            lang,
            "未达到任何一档：不予奖励",
            "No tier reached: nothing is due",
        )
        .to_owned(),
        Step::Missing(e) => match lang {
            Lang::Zh => format!(
                "未填写“{}”：无法计算金额",
                describe_expr(catalog, e, rule, lang)
            ),
            Lang::En => format!(
                "{} not given: the amount cannot be computed",
                describe_expr(catalog, e, rule, lang)
            ),
        },
        Step::Rate {
            of,
            base,
            rate,
            kind,
            result,
        } => {
            // The base's unit comes from the pack: a USD input makes a USD base, paid in CNY.
            let usd = expr_unit(catalog, of, rule) == Some(Unit::Usd);
            let base_text = figure(catalog, of, rule, *base, lang);
            let kind_text = match (kind, lang) {
                (RateKind::AtLeast, Lang::Zh) => "政策最低额（“不低于”）",
                (RateKind::AtLeast, Lang::En) => "policy minimum (不低于: a floor)",
                (RateKind::AtMost, Lang::Zh) => "最高额（“不高于”，据审核确定）",
                (RateKind::AtMost, Lang::En) => "ceiling (不高于: set on review)",
                (RateKind::Exactly, Lang::Zh) => "按比例计算",
                (RateKind::Exactly, Lang::En) => "exact",
            };
            let paid = match (usd, lang) {
                (true, Lang::Zh) => "；以美元金额为基数，按人民币计发",
                (true, Lang::En) => "; the USD figure is the base, paid in CNY",
                _ => "",
            };
            let what = match of {
                Expr::Input(_) => String::new(),
                Expr::Base if matches!(rule.base, Some(Expr::Input(_)) | None) => String::new(),
                _ => format!("{} = ", describe_expr(catalog, of, rule, lang)),
            };
            format!(
                "{what}{base_text} × {} = {}，{kind_text}{paid}",
                percent(*rate),
                yuan(*result)
            )
            .replace('，', if lang == Lang::En { ", " } else { "，" })
        }
        Step::Fixed(x) => match lang {
            Lang::Zh => format!("定额 {}", yuan(*x)),
            Lang::En => format!("Fixed sum {}", yuan(*x)),
        },
        Step::UpTo(x) => match lang {
            Lang::Zh => format!(
                "最高 {}（上限，不是承诺金额；具体金额经审核确定）",
                yuan(*x)
            ),
            Lang::En => format!(
                "Up to {} (最高: a ceiling, not a promised sum; set on review)",
                yuan(*x)
            ),
        },
        Step::Range(lo, hi) => match lang {
            Lang::Zh => format!("{} 至 {}", yuan(*lo), yuan(*hi)),
            Lang::En => format!("{} to {}", yuan(*lo), yuan(*hi)),
        },
        Step::Unquantified => {
            let named = !rule.lead.iter().all(|l| l == "未载明");
            match (rule.benefit, named, lang) {
                (Benefit::Grant, true, Lang::Zh) => format!("符合条件；金额由{}个案确定（原文未给出金额）", rule.lead.join("、")),
                (Benefit::Grant, true, Lang::En) => format!("Eligible; amount set case by case by {} (the text gives no figure)", rule.lead.join(", ")),
                (Benefit::Grant, false, Lang::Zh) => "符合条件；金额由主管部门个案确定（原文未给出金额和牵头单位）".to_owned(),
                (Benefit::Grant, false, Lang::En) => "Eligible; amount set case by case by the competent authority (the text gives no figure or lead agency)".to_owned(),
                (Benefit::TaxBenefit, _, Lang::Zh) => "符合条件；税收优惠按国家税收规定计算（原文未给出比例或金额）".to_owned(),
                (Benefit::TaxBenefit, _, Lang::En) => "Eligible; the tax benefit follows national tax rules (the text gives no rate or figure)".to_owned(),
                (Benefit::InKind, _, Lang::Zh) => {
                    "符合条件；属非资金支持（如延期、优先、绿色通道），不计入金额".to_owned()
                }
                (Benefit::InKind, _, Lang::En) => {
                    "Eligible; in-kind support (a deferral, a priority, a green channel), no money"
                        .to_owned()
                }
                (Benefit::FeeSaving, _, Lang::Zh) => "符合条件；减免幅度按有关规定确定（原文未给出幅度）".to_owned(),
                (Benefit::FeeSaving, _, Lang::En) => "Eligible; the saving follows the applicable rules (the text gives no figure)".to_owned(),
            }
        }
        Step::Part {
            label,
            amount,
            ceiling,
        } => match lang {
            Lang::Zh => format!(
                "其中“{}”：确定额 {}，上限 {}",
                label.zh,
                opt_yuan(*amount, lang),
                opt_yuan(*ceiling, lang)
            ),
            Lang::En => format!(
                "Part \"{}\": definite {}, ceiling {}",
                label.en,
                opt_yuan(*amount, lang),
                opt_yuan(*ceiling, lang)
            ),
        },
        Step::Each { count, counted } => match lang {
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
        Step::Cap {
            cap,
            limit,
            before,
            after,
        } => {
            let scope = cap_scope(cap, rule, lang);
            let label = match cap {
                Cap::LimitedTo(e) => format!("{scope} {}", describe_expr(catalog, e, rule, lang)),
                _ => scope.to_owned(),
            };
            if before == after {
                match lang {
                    Lang::Zh => format!("{label} {}：未触及", yuan(*limit)),
                    Lang::En => format!("{label} {}: not reached", yuan(*limit)),
                }
            } else {
                match lang {
                    Lang::Zh => format!(
                        "{label} {}：{} → {}",
                        yuan(*limit),
                        opt_yuan(*before, lang),
                        opt_yuan(*after, lang)
                    ),
                    Lang::En => format!(
                        "{label} {}: {} → {}",
                        yuan(*limit),
                        opt_yuan(*before, lang),
                        opt_yuan(*after, lang)
                    ),
                }
            }
        }
        Step::CapNotChecked(e) => match lang {
            Lang::Zh => format!(
                "未填写“{}”：上限未核对，金额可能低于所示",
                describe_expr(catalog, e, rule, lang)
            ),
            Lang::En => format!(
                "{} not given: the limit is not checked, and the amount may be lower than shown",
                describe_expr(catalog, e, rule, lang)
            ),
        },
        Step::SharedCap {
            cap,
            limit,
            already,
            before,
            after,
        } => {
            let scope = cap_scope(cap, rule, lang);
            match lang {
                Lang::Zh => format!(
                    "{scope} {}，此前已计 {}：{} → {}",
                    yuan(*limit),
                    yuan(*already),
                    opt_yuan(*before, lang),
                    opt_yuan(*after, lang)
                ),
                Lang::En => format!(
                    "{scope} {}, {} already counted: {} → {}",
                    yuan(*limit),
                    yuan(*already),
                    opt_yuan(*before, lang),
                    opt_yuan(*after, lang)
                ),
            }
        }
        Step::AppliesIn {
            area:
                AppliesIn::District {
                    id,
                    firm_flag,
                    district,
                },
            observed,
            passed,
        } => {
            let r = InputRef {
                id: "district".to_owned(),
                slot: *district,
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
        Step::Reading {
            reading,
            alternative,
            param,
        } => {
            let value = match (reading.param.as_ref(), param) {
                (Some(p), Some(v)) => match lang {
                    Lang::Zh => format!("；{}：{} {}", p.label.zh, plain(*v), p.unit.label(lang)),
                    Lang::En => format!("; {}: {} {}", p.label.en, plain(*v), p.unit.label(lang)),
                },
                _ => String::new(),
            };
            let sentence = match (lang, alternative) {
                (Lang::Zh, false) => {
                    format!("读法：{}（默认）：{}", reading.title.zh, reading.default.zh)
                }
                (Lang::Zh, true) => format!(
                    "读法：{}（已选备选读法）：{}",
                    reading.title.zh, reading.alternative.zh
                ),
                (Lang::En, false) => format!(
                    "Reading: {} (default): {}",
                    reading.title.en, reading.default.en
                ),
                (Lang::En, true) => format!(
                    "Reading: {} (alternative selected): {}",
                    reading.title.en, reading.alternative.en
                ),
            };
            sentence + &value
        }
        Step::OneTimeAlreadyCounted { year } => match lang {
            Lang::Zh => format!("一次性奖励，已在 {year} 年计入"),
            Lang::En => format!("One-time award, already counted in {year}"),
        },
        Step::ZeroAmount => t(lang, "计算金额为零", "The amount computes to zero").to_owned(),
        Step::Offer { offered, accepted } => match (lang, accepted) {
            (Lang::Zh, true) => format!(
                "拟给予金额 {}：在政策最低额与上限之间，采用",
                yuan(*offered)
            ),
            (Lang::Zh, false) => format!("拟给予金额 {}：超出政策区间，未采用", yuan(*offered)),
            (Lang::En, true) => format!(
                "Offered {}: between the policy minimum and ceiling, used",
                yuan(*offered)
            ),
            (Lang::En, false) => format!(
                "Offered {}: outside the policy range, not used",
                yuan(*offered)
            ),
        },
        Step::Payer(p) => match lang {
            Lang::Zh => format!("兑付主体：{}", p.zh),
            Lang::En => format!("Paid by: {}", p.en),
        },
        Step::Won { group, over } => {
            let others = over
                .iter()
                .map(|r| r.id.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            let basis = governing(group, lang);
            match lang {
                Lang::Zh => format!("不重复享受（{}）：本项为同类最高，{others} 不再计发。{basis}", group.title.zh),
                Lang::En => format!("No double claim ({}): this is the highest of its kind; {others} not paid. {basis}", group.title.en),
            }
        }
        Step::Superseded {
            group,
            winner,
            winner_document,
        } => {
            let basis = governing(group, lang);
            match lang {
                Lang::Zh => format!(
                    "不重复享受（{}）：由更高的 {}（{}）取代。{basis}",
                    group.title.zh, winner.id, winner_document.number
                ),
                Lang::En => format!(
                    "No double claim ({}): superseded by the higher {} ({}). {basis}",
                    group.title.en, winner.id, winner_document.number
                ),
            }
        }
        Step::Overlap {
            group,
            with,
            counted,
        } => {
            let others = with
                .iter()
                .map(|r| r.id.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            match (lang, counted) {
                (Lang::Zh, true) => format!("可能重叠（{}）：与 {others} 同类，但无条款规定如何处理；保守合计只计本项", group.title.zh),
                (Lang::Zh, false) => format!("可能重叠（{}）：与 {others} 同类，但无条款规定如何处理；保守合计不计本项", group.title.zh),
                (Lang::En, true) => format!("Possible overlap ({}) with {others}: no clause governs it; the conservative total counts this line only", group.title.en),
                (Lang::En, false) => format!("Possible overlap ({}) with {others}: no clause governs it; left out of the conservative total", group.title.en),
            }
        }
    }
}

fn governing(group: &StackingGroup, lang: Lang) -> String {
    group
        .governed_by
        .iter()
        .map(|g| match lang {
            Lang::Zh => format!("{} {}：「{}」", g.document, g.clause, g.quote),
            Lang::En => format!("{} {}: 「{}」", g.document, g.clause, g.quote),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Why a line pays nothing, in one sentence (the first failed check).
pub fn reason(catalog: &InputCatalog, line: &Line, lang: Lang) -> Option<String> {
    match line.status {
        crate::breakdown::Status::NotInForce => line
            .trace
            .iter()
            .find(|s| matches!(s, Step::NotInForce { .. } | Step::Repealed { .. })),
        crate::breakdown::Status::Superseded => line
            .trace
            .iter()
            .find(|s| matches!(s, Step::Superseded { .. })),
        _ => line.first_failure(),
    }
    .map(|s| describe_step(catalog, line, s, lang))
}

/// Every step of a line, as sentences.
pub fn explain(catalog: &InputCatalog, line: &Line, lang: Lang) -> Vec<String> {
    line.trace
        .iter()
        .map(|s| describe_step(catalog, line, s, lang))
        .collect()
}
