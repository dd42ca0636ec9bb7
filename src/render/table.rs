//! The spreadsheet view of a report, shared by the CSV and XLSX renderers so that both
//! have the same columns in the same order: one row per line, and the per-year table.
//! Cells stay typed (text, a year, money as an exact decimal, a count); each renderer
//! decides how a type is written.

use rust_decimal::Decimal;

use crate::messages::{benefit_label, describe_node_of, disposition_label, leads, rule_name, t};
use crate::pack::Lang;
use crate::report::{decisive, Disposition, Line, Node, Report, Summary};

/// One cell of an exported table.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Cell {
    Text(String),
    Year(u16),
    /// An amount in yuan; `None` where the line has no such figure (an empty cell).
    Money(Option<Decimal>),
    Count(usize),
}

/// How many columns the lines table has.
pub(crate) const LINE_COLUMNS: usize = 13;

/// The lines table's column headers.
pub(crate) fn line_headers(lang: Lang) -> [&'static str; LINE_COLUMNS] {
    match lang {
        Lang::Zh => [
            "年度",
            "项目",
            "文号",
            "条款",
            "条目",
            "类别",
            "结论",
            "确定金额",
            "协商额",
            "上限",
            "被取代于",
            "牵头单位",
            "原因",
        ],
        Lang::En => [
            "Year",
            "Project",
            "Document",
            "Clause",
            "Item",
            "Kind",
            "Finding",
            "Definite amount",
            "Offered",
            "Ceiling",
            "Superseded by",
            "Lead agency",
            "Reason",
        ],
    }
}

/// Which columns of the lines table hold money.
pub(crate) fn is_money_column(col: usize) -> bool {
    (7..=9).contains(&col)
}

/// Why a line pays nothing or is left out of the total, in one sentence: the decisive
/// node, the one-time award already granted, or the overlap no clause governs.
/// `trace` is the line's whole explanation.
fn line_reason(report: &Report, l: &Line, trace: &[Node], lang: Lang) -> Option<String> {
    let node = |pick: fn(&Node) -> bool| trace.iter().position(pick);
    let index = match l.disposition {
        Disposition::AlreadyGranted { .. } => {
            node(|n| matches!(n, Node::OneTimeAlreadyCounted { .. }))
        }
        _ if l.overlap_excluded => node(|n| matches!(n, Node::Overlap { .. })),
        _ => decisive(trace, l.status),
    };
    index.map(|i| describe_node_of(report, l, trace, i, lang))
}

/// The indexes of the report's lines in the order of the lines table: by year, then the
/// firm before its projects (in file order), then what pays before what does not.
pub(crate) fn line_order(report: &Report) -> Vec<usize> {
    let mut order: Vec<usize> = (0..report.lines.len()).collect();
    order.sort_by_key(|&i| {
        let l = &report.lines[i];
        (l.year, l.project, l.disposition)
    });
    order
}

/// One row of the lines table; `trace` is the line's whole explanation.
pub(crate) fn line_row(
    report: &Report,
    l: &Line,
    trace: &[Node],
    lang: Lang,
) -> [Cell; LINE_COLUMNS] {
    let rule = report.rule(l);
    let document = report.document(l);
    let project = report
        .project_name(l)
        .unwrap_or_else(|| t(lang, "企业整体", "the firm"));
    [
        Cell::Year(l.year),
        Cell::Text(project.to_owned()),
        Cell::Text(document.number.clone()),
        Cell::Text(rule.clause.clone()),
        Cell::Text(rule.title.get(lang).to_owned()),
        Cell::Text(benefit_label(rule.benefit, lang).to_owned()),
        Cell::Text(disposition_label(l.disposition, lang).to_owned()),
        Cell::Money(l.amount),
        Cell::Money(l.offered),
        Cell::Money(l.ceiling),
        Cell::Text(
            crate::report::superseded_in(trace)
                .map(|s| rule_name(report, s, lang))
                .unwrap_or_default(),
        ),
        Cell::Text(leads(report, rule, lang)),
        Cell::Text(line_reason(report, l, trace, lang).unwrap_or_default()),
    ]
}

/// Every line of the report, in [`line_order`].
pub(crate) fn line_rows(report: &Report, lang: Lang) -> Vec<[Cell; LINE_COLUMNS]> {
    line_order(report)
        .into_iter()
        .map(|i| {
            let l = &report.lines[i];
            line_row(report, l, report.trace(l), lang)
        })
        .collect()
}

/// How many columns the per-year table has.
pub(crate) const SUMMARY_COLUMNS: usize = 6;

/// The per-year table's column headers.
pub(crate) fn summary_headers(lang: Lang) -> [&'static str; SUMMARY_COLUMNS] {
    crate::messages::summary_headers(lang)
}

fn summary_cells(first: Cell, s: &Summary) -> [Cell; SUMMARY_COLUMNS] {
    [
        first,
        Cell::Money(Some(s.definite)),
        Cell::Money(Some(s.offered)),
        Cell::Money(Some(s.ceilings)),
        Cell::Money(Some(s.tax_and_fees)),
        Cell::Count(s.unquantified),
    ]
}

/// One row per evaluated year, in order.
pub(crate) fn year_rows(report: &Report) -> Vec<[Cell; SUMMARY_COLUMNS]> {
    report
        .years
        .iter()
        .map(|s| {
            let year = s.year.map_or_else(|| Cell::Text(String::new()), Cell::Year);
            summary_cells(year, s)
        })
        .collect()
}

/// The row of all years together.
pub(crate) fn total_row(report: &Report, lang: Lang) -> [Cell; SUMMARY_COLUMNS] {
    summary_cells(
        Cell::Text(t(lang, "合计", "Total").to_owned()),
        &report.total,
    )
}
