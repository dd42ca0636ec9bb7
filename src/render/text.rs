//! The readable report printed by `incentives calc`: the per-year answer first, then one
//! block per project and year with each line's explanation indented below it; sized for an
//! 80-column terminal. It computes nothing: every figure and verdict comes from the report,
//! every sentence from the message catalogue. Names from the project file (the firm, the
//! projects) are printed with their control characters written out (`\n`, `\u{1b}`), so a
//! name can neither start a line of its own (a forged total) nor drive the terminal.

use unicode_width::UnicodeWidthStr;

use crate::engine::Explainer;
use crate::messages::{
    bases, describe_node_of, disposition_label, explain_of, leads, line_figure, money, reason_of,
    summary_headers, summary_note, t,
};
use crate::money::fen_string;
use crate::money::group_thousands;
use crate::pack::Lang;
use crate::report::{Disposition, Line, Report, Summary};
use crate::visible::{visible, visible_lines};

/// How much of each line to print.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Detail {
    /// Full explanation for lines that pay, are eligible or are superseded; one reason for
    /// lines the project's own figures fail; a count of the rest.
    Normal,
    /// Full explanation for every line, with rule ids and source lines.
    Verbose,
}

pub const WIDTH: usize = 80;

/// Wraps `text` to `width` display columns; continuation lines start with `indent`.
/// Runs of ASCII (numbers such as 30,000,000, ids, English words) are never split, and a
/// closing punctuation mark stays on the line it closes.
pub fn wrap(text: &str, width: usize, first: &str, indent: &str) -> String {
    let mut out = String::with_capacity(first.len() + text.len() + text.len() / 8);
    wrap_into(&mut out, text, width, first, indent);
    out
}

/// [`wrap`], appended to `out` (no string of its own to allocate and copy). The text goes
/// to `out` a line at a time, not a token at a time.
pub fn wrap_into(out: &mut String, text: &str, width: usize, first: &str, indent: &str) {
    out.push_str(first);
    let mut col = first.width();
    let indent_width = indent.width();
    // Two columns stay free for a closing mark, so it never starts a line.
    let limit = width.saturating_sub(2);
    let closing_mark = |c: char| {
        matches!(
            c,
            '，' | '。'
                | '、'
                | '；'
                | '：'
                | '）'
                | '」'
                | '』'
                | '”'
                | '！'
                | '？'
                | ','
                | '.'
                | ';'
                | ':'
                | ')'
        )
    };
    // `text[from..at]` is laid out on the current line and not yet copied.
    let mut from = 0;
    let mut at = 0;
    while let Some(c) = text[at..].chars().next() {
        // A token: a run of ASCII other than the space, or one other character.
        let end = if c.is_ascii() && c != ' ' {
            text.as_bytes()[at..]
                .iter()
                .position(|b| !b.is_ascii() || *b == b' ')
                .map_or(text.len(), |n| at + n)
        } else {
            at + c.len_utf8()
        };
        let w = token_width(&text[at..end], c);
        if col + w > limit && col > indent_width {
            let closing = w <= 2 && closing_mark(c);
            if !(closing && col + w <= width) {
                out.push_str(&text[from..at]);
                out.push('\n');
                out.push_str(indent);
                col = indent_width;
                from = at;
                if c == ' ' {
                    at = end;
                    from = end;
                    continue;
                }
            }
        }
        col += w;
        at = end;
    }
    out.push_str(&text[from..]);
}

/// `tok.width()` for a token of `wrap` starting with `c`, without the general string
/// walk: an ASCII run is one column a character (a CR before an LF none, as
/// `unicode-width` counts it), and a single character past U+00A0 has its own width (no
/// sequence rule applies to one character alone; a CJK ideograph's is 2).
fn token_width(tok: &str, c: char) -> usize {
    // CJK Unified Ideographs, most of a Chinese sentence, are all wide.
    if ('\u{4e00}'..='\u{9fff}').contains(&c) {
        return 2;
    }
    // Fullwidth forms (，：（）！？) and CJK punctuation (、。「」《》) alone: wide too.
    if tok.len() == c.len_utf8()
        && (('\u{ff01}'..='\u{ff60}').contains(&c) || ('\u{3001}'..='\u{3029}').contains(&c))
    {
        return 2;
    }
    if tok.len() == c.len_utf8() && c > '\u{a0}' {
        unicode_width::UnicodeWidthChar::width(c).unwrap_or(0)
    } else if tok.is_ascii() && !tok.contains('\r') {
        tok.len()
    } else {
        tok.width()
    }
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

/// Pads `text` on the left to `width` display columns.
fn right(text: &str, width: usize) -> String {
    format!("{}{text}", " ".repeat(width.saturating_sub(text.width())))
}

fn left(text: &str, width: usize) -> String {
    format!("{text}{}", " ".repeat(width.saturating_sub(text.width())))
}

fn amount_cell(v: rust_decimal::Decimal) -> String {
    group_thousands(&fen_string(v))
}

/// The answer first: per year, firm and project lines together, one column per kind.
fn summary_table(out: &mut String, report: &Report, lang: Lang) {
    let heads = summary_headers(lang).map(str::to_owned);
    let cells = |label: String, s: &Summary| {
        [
            label,
            amount_cell(s.definite),
            amount_cell(s.offered),
            amount_cell(s.ceilings),
            amount_cell(s.tax_and_fees),
            match lang {
                Lang::Zh => format!("{} 项", s.unquantified),
                Lang::En => s.unquantified.to_string(),
            },
        ]
    };
    let years: Vec<[String; 6]> = report
        .years
        .iter()
        .map(|y| cells(y.year.map(|y| y.to_string()).unwrap_or_default(), y))
        .collect();
    let total = cells(t(lang, "合计", "Total").to_owned(), &report.total);
    // A figure wider than its column widens it, two spaces clear of its neighbour, so
    // figures never run together; when that is too wide, the columns shrink to their
    // widest cells.
    let fit = |least: [usize; 6]| {
        let mut widths = least;
        for row in years.iter().chain([&heads, &total]) {
            widths[0] = widths[0].max(row[0].width());
            for (w, c) in widths[1..].iter_mut().zip(&row[1..]) {
                *w = (*w).max(c.width() + 2);
            }
        }
        widths
    };
    let mut widths = fit([6, 16, 15, 16, 15, 11]);
    if widths.iter().sum::<usize>() > WIDTH {
        widths = fit([0; 6]);
    }
    let table_width: usize = widths.iter().sum();
    if table_width > WIDTH {
        // Figures too wide for one line: each row as a list of its figures.
        for row in years.iter().chain([&total]) {
            let figures: Vec<String> = heads[1..]
                .iter()
                .zip(&row[1..])
                .map(|(h, c)| format!("{h} {c}"))
                .collect();
            let text = format!("{}  {}", row[0], figures.join(t(lang, "；", "; ")));
            wrap_into(out, &text, WIDTH, "", "      ");
            out.push('\n');
        }
    } else {
        let row = |cells: &[String; 6]| -> String {
            let mut line = left(&cells[0], widths[0]);
            for (c, w) in cells[1..].iter().zip(&widths[1..]) {
                line.push_str(&right(c, *w));
            }
            line.push('\n');
            line
        };
        out.push_str(&row(&heads));
        out.push_str(&"-".repeat(table_width));
        out.push('\n');
        for y in &years {
            out.push_str(&row(y));
        }
        out.push_str(&"-".repeat(table_width));
        out.push('\n');
        out.push_str(&row(&total));
    }
    let note = summary_note(&report.total, lang);
    wrap_into(out, &note, WIDTH, "", "");
    out.push('\n');
}

/// The 口径 the figures rest on, each once; none when no line the reader sees takes one.
fn bases_block(out: &mut String, report: &Report, lang: Lang) {
    for s in bases(report, lang) {
        wrap_into(out, &s, WIDTH, "", "  ");
        out.push('\n');
    }
}

/// The notes and the quote of a rule, wrapped: the same for every line of the rule, so
/// each is wrapped once per output.
type Tails = std::collections::HashMap<crate::load::RuleSlot, String>;

fn line_block(
    out: &mut String,
    report: &Report,
    l: &Line,
    trace: &[crate::report::Node],
    lang: Lang,
    detail: Detail,
    tails: &mut Tails,
) {
    let rule = report.rule(l);
    let document = report.document(l);
    let head = format!(
        "[{}] {}",
        disposition_label(l.disposition, lang),
        rule.title.get(lang)
    );
    out.push_str(&pad_between(&head, &line_figure(l, lang), WIDTH));
    out.push('\n');
    let mut cite = format!("{} {}", document.number, rule.clause);
    if let Some(c) = l
        .ceiling
        .filter(|_| matches!(l.disposition, Disposition::Definite | Disposition::Offered))
    {
        cite.push_str(&format!(
            " · {}{}",
            t(lang, "上限 ", "ceiling "),
            money(c, lang)
        ));
    }
    if let (Some(a), Disposition::Definite | Disposition::Offered) =
        (l.counted_amount(), l.disposition)
    {
        if lang == Lang::Zh && a >= rust_decimal::Decimal::from(10_000) {
            cite.push_str(&format!(" · {}", crate::money::wan_yuan(a)));
        }
    }
    if detail == Detail::Verbose {
        cite.push_str(&format!(" · {} L{}", rule.id, rule.line));
    }
    let full = detail == Detail::Verbose || l.disposition.relevant();
    if full {
        wrap_into(out, &cite, WIDTH, "      ", "      ");
        out.push('\n');
        for (depth, s) in explain_of(report, l, trace, lang) {
            let first = format!("      {}· ", "  ".repeat(depth));
            let rest = " ".repeat(first.width());
            wrap_into(out, &s, WIDTH, &first, &rest);
            out.push('\n');
        }
        let tail = tails.entry(l.slot).or_insert_with(|| {
            let mut tail = String::new();
            for n in &rule.notes {
                tail.push_str(&wrap(n.get(lang), WIDTH, "      ※ ", "        "));
                tail.push('\n');
            }
            let quote = match lang {
                Lang::Zh => format!(
                    "「{}」（牵头单位：{}）",
                    rule.quote,
                    leads(report, rule, lang)
                ),
                Lang::En => format!("「{}」 (lead: {})", rule.quote, leads(report, rule, lang)),
            };
            tail.push_str(&wrap(&quote, WIDTH, "      ", "       "));
            tail.push('\n');
            tail
        });
        out.push_str(tail);
    } else {
        let why = match l.disposition {
            Disposition::AlreadyGranted { .. } => trace
                .iter()
                .position(|n| matches!(n, crate::report::Node::OneTimeAlreadyCounted { .. }))
                .map(|i| describe_node_of(report, l, trace, i, lang)),
            _ => reason_of(report, l, trace, lang),
        };
        if let Some(r) = why {
            wrap_into(out, &r, WIDTH, "      ", "        ");
            out.push('\n');
        }
    }
}

fn subtotal(out: &mut String, s: &Summary, lang: Lang) {
    let mut parts: Vec<String> = Vec::new();
    let label = |zh: &'static str, en: &'static str| t(lang, zh, en);
    parts.push(format!(
        "{} {}",
        label("确定可获", "definite"),
        money(s.definite, lang)
    ));
    if !s.offered.is_zero() {
        parts.push(format!(
            "{} {}",
            label("协商额", "offered"),
            money(s.offered, lang)
        ));
    }
    if !s.ceilings.is_zero() {
        parts.push(format!(
            "{} {}",
            label("仅上限", "up to"),
            money(s.ceilings, lang)
        ));
    }
    if !s.tax_and_fees.is_zero() || !s.tax_and_fee_ceilings.is_zero() {
        parts.push(format!(
            "{} {}",
            label("税费减免（另计）", "tax and fees (apart)"),
            money(s.tax_and_fees, lang)
        ));
    }
    if s.unquantified > 0 {
        parts.push(format!(
            "{} {}",
            label("金额未定", "no amount"),
            s.unquantified
        ));
    }
    let text = format!(
        "{}{}{}",
        t(lang, "小计", "Subtotal"),
        t(lang, "：", ": "),
        parts.join(t(lang, "；", "; "))
    );
    wrap_into(out, &text, WIDTH, "", "  ");
    out.push('\n');
}

/// The report as text.
pub fn render(report: &Report, lang: Lang, detail: Detail) -> String {
    let mut out = Vec::new();
    // Writing into memory cannot fail, and every piece is a Rust string (UTF-8).
    let _ = write(report, lang, detail, &mut out);
    let text = String::from_utf8(out).unwrap_or_default();
    // Anything a file brought in (a rule pack's text, a name in a sentence) cannot drive
    // the terminal.
    visible_lines(&text).into_owned()
}

/// The report as text, written to `out` block by block as it is made (a report that kept
/// every line).
pub fn write(
    report: &Report,
    lang: Lang,
    detail: Detail,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    write_with(report, &mut Explainer::whole(), lang, detail, w)
}

/// The report as text, written to `out` block by block as it is made; `explainer` gives
/// each block's lines (a sparse report's left-out lines evaluated again).
pub fn write_with(
    report: &Report,
    explainer: &mut Explainer,
    lang: Lang,
    detail: Detail,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut out = String::new();
    head(&mut out, report, lang);
    w.write_all(out.as_bytes())?;
    let blocks = explainer.blocks(report);
    let mut block = BlockWriter::new(lang, detail);
    for index in 0..blocks.len() {
        out.clear();
        block.write(&mut out, report, explainer, &blocks, index);
        w.write_all(out.as_bytes())?;
    }
    out.clear();
    foot(&mut out, lang);
    w.write_all(out.as_bytes())
}

/// [`write_with`] for a report evaluated from `file`, the blocks made by `workers` threads
/// (each with its own `Explainer`) and written in order as they come: the same bytes, in
/// about half the time on two cores. At most a few runs of 64 blocks wait in memory.
pub fn write_parallel(
    report: &Report,
    file: &crate::project::ProjectFile,
    lang: Lang,
    detail: Detail,
    workers: usize,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut out = String::new();
    head(&mut out, report, lang);
    w.write_all(out.as_bytes())?;
    let blocks = Explainer::new(file).blocks(report);
    super::blocks::write_in_order(
        file,
        &blocks,
        workers,
        // A block's text is about 7 KB.
        64,
        || (BlockWriter::new(lang, detail), String::new()),
        |(block, text), explainer, index, out| {
            text.clear();
            block.write(text, report, explainer, &blocks, index);
            out.extend_from_slice(text.as_bytes());
        },
        w,
    )?;
    out.clear();
    foot(&mut out, lang);
    w.write_all(out.as_bytes())
}

/// The title, the per-year table and the 口径.
fn head(out: &mut String, report: &Report, lang: Lang) {
    let subject = visible(&report.subject);
    out.push_str(&match lang {
        Lang::Zh => format!("招商引资政策兑现测算 · {subject}\n\n"),
        Lang::En => format!("Incentive report · {subject}\n\n"),
    });
    summary_table(out, report, lang);
    bases_block(out, report, lang);
}

/// The note that closes the text.
fn foot(out: &mut String, lang: Lang) {
    out.push('\n');
    wrap_into(out,
        t(lang,
          "说明：“确定可获”为政策文本给出的确定金额或最低额；“最高”为上限，具体金额经审核确定；各项金额为测算值，以牵头单位审核为准。金额四舍五入到分，合计为所列金额之和。",
          "Note: \"definite\" is the sum the policy text fixes or guarantees as a minimum; \"up to\" is a ceiling set on review; every figure is an estimate subject to review by the lead agencies. Amounts are rounded to the fen, half away from zero, and every total adds the amounts as printed."),
        WIDTH, "", "");
    out.push('\n');
}

/// Writes (project, year) blocks: each rule's notes and quote are wrapped once and kept.
struct BlockWriter {
    lang: Lang,
    detail: Detail,
    tails: Tails,
    /// The lines of one block the text shows, with their explanations; the others counted.
    held: Vec<(Line, Vec<crate::report::Node>)>,
}

impl BlockWriter {
    fn new(lang: Lang, detail: Detail) -> BlockWriter {
        BlockWriter {
            lang,
            detail,
            tails: Tails::new(),
            held: Vec::new(),
        }
    }

    fn write(
        &mut self,
        out: &mut String,
        report: &Report,
        explainer: &mut Explainer,
        blocks: &crate::engine::Blocks,
        index: usize,
    ) {
        let (lang, detail) = (self.lang, self.detail);
        let Some((project, year)) = blocks.key(index) else {
            return;
        };
        let heading = match (project, lang) {
            (Some(p), Lang::Zh) => format!("项目 {} · {year} 年", visible(&report.projects[p])),
            (Some(p), Lang::En) => format!("Project {} · {year}", visible(&report.projects[p])),
            (None, Lang::Zh) => format!("企业整体 · {year} 年"),
            (None, Lang::En) => format!("The firm as a whole · {year}"),
        };
        out.push('\n');
        out.push_str(&format!("== {heading} ==\n"));
        let (mut shown, mut unclaimed, mut elsewhere, mut hidden) = (0, 0, 0, 0);
        let held = &mut self.held;
        held.clear();
        let _ = explainer.each_in(report, blocks, index, |l, trace| -> Result<(), ()> {
            if detail != Detail::Verbose {
                let counter = match l.disposition {
                    Disposition::NotInForce => Some(&mut hidden),
                    Disposition::OtherDistrict => Some(&mut elsewhere),
                    Disposition::NotClaimed => Some(&mut unclaimed),
                    _ => None,
                };
                if let Some(c) = counter {
                    *c += 1;
                    return Ok(());
                }
            }
            held.push((l.clone(), trace.to_vec()));
            Ok(())
        });
        // What pays first, then what is superseded, then what does not apply.
        held.sort_by_key(|(l, _)| l.disposition);
        for (l, trace) in held.iter() {
            line_block(out, report, l, trace, lang, detail, &mut self.tails);
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
            wrap_into(out, &note, WIDTH, "", " ");
            out.push('\n');
        }
        if shown > 0 {
            // The lines not shown pay nothing, so the shown ones make the subtotal.
            if let Ok(s) = report.summary_of(held.iter().map(|(l, _)| l)) {
                subtotal(out, &s, lang);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The wrapping as it was written first, a token at a time: `wrap` must lay out the
    /// same lines.
    fn wrap_by_tokens(text: &str, width: usize, first: &str, indent: &str) -> String {
        let mut out = String::from(first);
        let mut col = first.width();
        let indent_width = indent.width();
        let limit = width.saturating_sub(2);
        let closing_mark = |c: char| "，。、；：）」』”！？,.;:)".contains(c);
        let mut rest = text;
        while let Some(c) = rest.chars().next() {
            let end = if c.is_ascii() && c != ' ' {
                rest.bytes()
                    .position(|b| !b.is_ascii() || b == b' ')
                    .unwrap_or(rest.len())
            } else {
                c.len_utf8()
            };
            let (tok, after) = rest.split_at(end);
            rest = after;
            let w = tok.width();
            if col + w > limit && col > indent_width {
                let closing = w <= 2 && closing_mark(c);
                if !(closing && col + w <= width) {
                    out.push('\n');
                    out.push_str(indent);
                    col = indent_width;
                    if tok == " " {
                        continue;
                    }
                }
            }
            out.push_str(tok);
            col += w;
        }
        out
    }

    proptest::proptest! {
        #[test]
        fn wrapping_lays_out_the_lines_token_by_token_wrapping_does(
            text in "([a-z0-9,]{1,12}|[ ]|[项目外资奖励，。：（）“”、·「」—…✓]){0,80}",
            width in 10usize..90,
            first in "[ ·]{0,8}",
            indent in "[ ]{0,8}",
        ) {
            proptest::prop_assert_eq!(
                wrap(&text, width, &first, &indent),
                wrap_by_tokens(&text, width, &first, &indent)
            );
        }
    }

    #[test]
    fn token_width_is_the_string_width() {
        // Every single character past U+00A0 (the ideographs by their shortcut), and ASCII
        // runs with and without a CR before an LF.
        for c in ('\u{a1}'..='\u{10ffff}').step_by(1) {
            let mut buf = [0; 4];
            let tok: &str = c.encode_utf8(&mut buf);
            assert_eq!(token_width(tok, c), tok.width(), "U+{:04X}", c as u32);
        }
        for tok in ["30,000,000", "a\r\nb", "x\r", "id_47", "\t"] {
            let c = tok.chars().next().unwrap_or(' ');
            assert_eq!(token_width(tok, c), tok.width(), "{tok:?}");
        }
    }
}
