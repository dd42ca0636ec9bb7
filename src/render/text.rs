//! The readable table printed by `incentives calc`: one block per project and year,
//! one row per line, the explanation indented below it; sized for an 80-column terminal.

use unicode_width::UnicodeWidthStr;

use crate::breakdown::{totals_of, Breakdown, Line, Observed, Status, Step, Totals};
use crate::inputs::InputCatalog;
use crate::inputs::Value;
use crate::money::{wan_yuan, yuan};
use crate::pack::Cond;
use crate::pack::Lang;
use crate::render::explain::{explain, reason, t};

/// How much of each line to print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Full explanation for lines that pay or are superseded; one reason for the rest.
    Normal,
    /// Full explanation for every line.
    Verbose,
}

pub const WIDTH: usize = 80;

/// Wraps `text` to `width` display columns; continuation lines start with `indent`.
/// Runs of ASCII (numbers such as 30,000,000, ids, English words) are never split, and a
/// closing punctuation mark stays on the line it closes.
pub fn wrap(text: &str, width: usize, first: &str, indent: &str) -> String {
    let mut out = String::from(first);
    let mut col = first.width();
    let mut tokens: Vec<&str> = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let ascii_run = c.is_ascii() && c != ' ';
        if ascii_run {
            while let Some(&(_, n)) = chars.peek() {
                if n.is_ascii() && n != ' ' {
                    chars.next();
                } else {
                    break;
                }
            }
        }
        let end = chars.peek().map_or(text.len(), |(j, _)| *j);
        tokens.push(&text[start.max(i)..end]);
        start = end;
    }
    for tok in tokens {
        let w = tok.width();
        let closing = tok
            .chars()
            .next()
            .is_some_and(|c| "，。、；：）」』”！？,.;:)".contains(c))
            && w <= 2;
        // Two columns stay free for a closing mark, so it never starts a line.
        if col + w > width.saturating_sub(2)
            && col > indent.width()
            && !(closing && col + w <= width)
        {
            out.push('\n');
            out.push_str(indent);
            col = indent.width();
            if tok == " " {
                continue;
            }
        }
        out.push_str(tok);
        col += w;
    }
    out
}

fn pad_between(left: &str, right: &str, width: usize) -> String {
    if right.is_empty() {
        return wrap(left, width, "", "  ");
    }
    let used = left.width() + right.width();
    if used + 1 >= width {
        let left = wrap(left, width, "", "  ");
        format!(
            "{left}\n{}{right}",
            " ".repeat(width.saturating_sub(right.width()))
        )
    } else {
        format!("{left}{}{right}", " ".repeat(width - used))
    }
}

fn figure_of(l: &Line, lang: Lang) -> String {
    match l.status {
        Status::Granted => match l.amount {
            Some(a) => yuan(a),
            None => String::new(),
        },
        Status::CeilingOnly => match l.ceiling {
            Some(c) => format!("{}{}", t(lang, "最高 ", "up to "), yuan(c)),
            None => String::new(),
        },
        Status::Unquantified => t(lang, "金额待定", "amount case by case").to_owned(),
        Status::Superseded => match (l.amount, l.ceiling) {
            (Some(a), _) => format!("({})", yuan(a)),
            (None, Some(c)) => format!("({}{})", t(lang, "最高 ", "up to "), yuan(c)),
            _ => String::new(),
        },
        _ => String::new(),
    }
}

fn line_block(out: &mut String, catalog: &InputCatalog, l: &Line, lang: Lang, detail: Detail) {
    let status = format!("[{}]", l.status.label(lang));
    let head = format!("{status} {}", l.rule.title.get(lang));
    out.push_str(&pad_between(&head, &figure_of(l, lang), WIDTH));
    out.push('\n');
    let mut cite = format!("{} {}", l.document.number, l.rule.clause);
    if l.status == Status::Granted {
        if let Some(c) = l.ceiling {
            cite.push_str(&format!(" · {}{}", t(lang, "上限 ", "ceiling "), yuan(c)));
        }
        if let Some(a) = l.amount {
            cite.push_str(&format!(" · {}", wan_yuan(a)));
        }
    }
    let full = detail == Detail::Verbose
        || matches!(
            l.status,
            Status::Granted | Status::CeilingOnly | Status::Unquantified | Status::Superseded
        );
    if full {
        out.push_str(&wrap(&cite, WIDTH, "      ", "      "));
        out.push('\n');
        for s in explain(catalog, l, lang) {
            out.push_str(&wrap(&s, WIDTH, "      · ", "        "));
            out.push('\n');
        }
        for n in &l.rule.notes {
            out.push_str(&wrap(n.get(lang), WIDTH, "      ※ ", "        "));
            out.push('\n');
        }
        let quote = format!("「{}」（{}）", l.rule.quote, l.rule.lead.join("、"));
        out.push_str(&wrap(&quote, WIDTH, "      ", "       "));
        out.push('\n');
    } else if let Some(r) = reason(catalog, l, lang) {
        out.push_str(&wrap(&r, WIDTH, "      ", "        "));
        out.push('\n');
    }
}

fn totals_block(out: &mut String, label: &str, t_: &Totals, lang: Lang) {
    let mut s = match lang {
        Lang::Zh => format!(
            "{label}：确定可获 {}（{}）；上限合计 {}",
            yuan(t_.total),
            wan_yuan(t_.total),
            yuan(t_.total_ceiling)
        ),
        Lang::En => format!(
            "{label}: definite {} ({}); ceilings add up to {}",
            yuan(t_.total),
            wan_yuan(t_.total),
            yuan(t_.total_ceiling)
        ),
    };
    let apart = [
        (t_.tax, t_.tax_ceiling, "税收优惠", "tax benefits"),
        (t_.fees, t_.fees_ceiling, "费用减免", "fee savings"),
    ];
    for (amount, ceiling, zh, en) in apart {
        if amount.is_zero() && ceiling.is_zero() {
            continue;
        }
        s.push_str(&match lang {
            Lang::Zh => format!("；{zh}（另计）{}，上限 {}", yuan(amount), yuan(ceiling)),
            Lang::En => format!("; {en} (apart) {}, up to {}", yuan(amount), yuan(ceiling)),
        });
    }
    if t_.open_ceilings > 0 {
        s.push_str(t(
            lang,
            "；部分项目无上限，上限合计按其最低额计",
            "; some lines state no ceiling and count at their minimum",
        ));
    }
    out.push_str(&wrap(&s, WIDTH, "", "  "));
    out.push('\n');
}

/// An ineligible line where the project does not claim what the rule rewards: a failed
/// yes/no or choice input left at its default ("no", "none"), or a figure not given or zero.
/// Such lines are counted, and listed only in verbose output; a line that fails only on a
/// figure the project did give (9,800,000 USD against 10,000,000) stays listed.
fn not_claimed(catalog: &InputCatalog, l: &Line) -> bool {
    if matches!(l.first_failure(), Some(Step::Missing(_) | Step::ZeroAmount)) {
        return true;
    }
    l.trace.iter().any(|step| {
        let Step::Check {
            cond,
            observed,
            passed: false,
        } = step
        else {
            return false;
        };
        if *observed == Observed::Missing {
            return true;
        }
        let input = match cond {
            Cond::Flag(r) | Cond::Is(r, _) | Cond::OneOf(r, _) | Cond::NoneOf(r, _) => r,
            _ => return false,
        };
        match observed {
            Observed::Value(v @ (Value::Flag(_) | Value::Choice(_))) => {
                catalog.defaults.get(input.slot).copied().flatten() == Some(*v)
            }
            _ => false,
        }
    })
}

/// An ineligible line of a district document that fails its area check: the project is
/// elsewhere, so the district's policy is counted, not listed.
fn other_district(l: &Line) -> bool {
    matches!(
        l.first_failure(),
        Some(Step::AppliesIn { passed: false, .. })
    )
}

/// The 口径 (readings) in use: the selected alternatives with their parameters.
fn readings_header(b: &Breakdown, lang: Lang) -> String {
    if b.options.readings.is_empty() {
        return format!(
            "{}\n",
            t(
                lang,
                "口径：均按默认口径",
                "Readings: the defaults throughout"
            )
        );
    }
    let mut out = String::new();
    for sel in &b.options.readings {
        let decl = b
            .lines
            .iter()
            .find_map(|l| l.document.readings.iter().find(|r| r.id == sel.id));
        let title = decl.map_or(sel.id.as_str(), |d| d.title.get(lang));
        let mut s = format!(
            "{}{title}",
            t(lang, "已选备选口径：", "Alternative reading selected: ")
        );
        if let (Some(v), Some(p)) = (sel.param, decl.and_then(|d| d.param.as_ref())) {
            s.push_str(&match lang {
                Lang::Zh => format!("（{}：{} {}）", p.label.zh, v, p.unit.label(lang)),
                Lang::En => format!(" ({}: {} {})", p.label.en, v, p.unit.label(lang)),
            });
        }
        out.push_str(&wrap(&s, WIDTH, "", "  "));
        out.push('\n');
    }
    out
}

/// The breakdown as text.
pub fn render(catalog: &InputCatalog, b: &Breakdown, lang: Lang, detail: Detail) -> String {
    let mut out = String::new();
    out.push_str(&match lang {
        Lang::Zh => format!("招商引资政策兑现测算 · {}\n", b.subject),
        Lang::En => format!("Incentive breakdown · {}\n", b.subject),
    });
    out.push_str(&readings_header(b, lang));
    let mut blocks: Vec<(Option<usize>, u16)> = Vec::new();
    for l in &b.lines {
        if !blocks.contains(&(l.project, l.year)) {
            blocks.push((l.project, l.year));
        }
    }
    for (project, year) in blocks {
        let heading = match (project, lang) {
            (Some(p), Lang::Zh) => format!("项目 {} · {year} 年", b.projects[p]),
            (Some(p), Lang::En) => format!("Project {} · {year}", b.projects[p]),
            (None, Lang::Zh) => format!("企业整体 · {year} 年",),
            (None, Lang::En) => format!("The firm as a whole · {year}"),
        };
        out.push('\n');
        out.push_str(&format!("== {heading} ==\n"));
        let in_block = || {
            b.lines
                .iter()
                .filter(move |l| l.project == project && l.year == year)
        };
        let mut shown = 0;
        let mut hidden = 0;
        let mut unclaimed = 0;
        let mut elsewhere = 0;
        // What pays first, then what is superseded, then what does not apply.
        let mut ordered: Vec<&Line> = in_block().collect();
        ordered.sort_by_key(|l| l.status);
        for l in ordered {
            if l.status == Status::NotInForce && detail != Detail::Verbose {
                hidden += 1;
                continue;
            }
            if l.status == Status::Ineligible && detail != Detail::Verbose {
                if other_district(l) {
                    elsewhere += 1;
                    continue;
                }
                if not_claimed(catalog, l) {
                    unclaimed += 1;
                    continue;
                }
            }
            line_block(&mut out, catalog, l, lang, detail);
            shown += 1;
        }
        let notes = [
            (
                elsewhere,
                t(
                    lang,
                    "条区县政策适用于其他区县，不适用于本项目",
                    "more district rules apply to other districts, not this project's",
                ),
            ),
            (
                unclaimed,
                t(
                    lang,
                    "条政策未申报相应事项，不适用",
                    "more rules do not apply: the project claims nothing they reward",
                ),
            ),
            (
                hidden,
                t(
                    lang,
                    "条政策本年度不在有效期内",
                    "more rules are not in force this year",
                ),
            ),
        ];
        for (count, what) in notes.into_iter().filter(|(n, _)| *n > 0) {
            let note = match lang {
                Lang::Zh => format!("（另有 {count} {what}；加 --verbose 查看）"),
                Lang::En => format!("({count} {what}; --verbose shows them)"),
            };
            out.push_str(&wrap(&note, WIDTH, "", " "));
            out.push('\n');
        }
        if shown > 0 {
            totals_block(
                &mut out,
                t(lang, "小计", "Subtotal"),
                &totals_of(in_block()),
                lang,
            );
        }
    }
    out.push('\n');
    totals_block(&mut out, t(lang, "合计", "Total"), &b.totals(), lang);
    out.push_str(&wrap(
        t(lang,
          "说明：“确定可获”为政策文本给出的确定金额或最低额；“最高”为上限，具体金额经审核确定。金额四舍五入到分。",
          "Note: \"definite\" is the sum the policy text fixes or guarantees as a minimum; \"up to\" is a ceiling set on review. Amounts are rounded to the fen, half away from zero."),
        WIDTH, "", ""));
    out.push('\n');
    for r in &b.rejected_offers {
        out.push_str(&wrap(r, WIDTH, "! ", "  "));
        out.push('\n');
    }
    out
}
