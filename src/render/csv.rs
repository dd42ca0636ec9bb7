//! The report as CSV (`incentives calc --format csv`, `incentives export -o OUT.csv`):
//! UTF-8 with a byte-order mark so that Excel reads the Chinese, CRLF line ends, one row
//! per line of the report, a blank row, then the per-year table and its total. Amounts
//! are plain decimals in yuan with two decimals (rounded to the fen, no thousands
//! separators), so a spreadsheet reads them as numbers.

use crate::money::fen_string;
use crate::pack::Lang;
use crate::report::{Disposition, Report};

use std::io::Write;

use crate::engine::Explainer;

use super::table::{
    line_headers, line_row, summary_headers, total_row, year_rows, Cell, LINE_COLUMNS,
};

/// The UTF-8 byte-order mark.
pub const BOM: &str = "\u{feff}";

fn text(cell: &Cell) -> String {
    match cell {
        Cell::Text(s) => s.clone(),
        Cell::Year(y) => y.to_string(),
        Cell::Money(m) => m.map(fen_string).unwrap_or_default(),
        Cell::Count(n) => n.to_string(),
    }
}

/// Writes a header, then `rows`, to `out` as CSV records ending in CRLF.
fn records<const N: usize>(
    out: &mut dyn Write,
    header: &[&str],
    rows: impl Iterator<Item = [Cell; N]>,
) -> Result<(), ::csv::Error> {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(out);
    w.write_record(header)?;
    for row in rows {
        w.write_record(row.iter().map(text))?;
    }
    w.flush()?;
    Ok(())
}

/// The whole report as CSV text, starting with the byte-order mark (a report that kept
/// every explanation).
pub fn to_csv(report: &Report, lang: Lang) -> String {
    let mut out = Vec::new();
    // Writing into memory fails only if a record is malformed, which fixed-width rows
    // of text never are.
    let _ = write_csv(report, &mut Explainer::whole(), lang, &mut out);
    // Every cell is a Rust string, so the bytes are UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

/// The report as CSV written to `out` row by row: the byte-order mark, the lines table,
/// a blank row, the per-year table and its total. `explainer` gives each line's whole
/// explanation, for its reason.
pub fn write_csv(
    report: &Report,
    explainer: &mut Explainer,
    lang: Lang,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let failed = |e: ::csv::Error| match e.into_kind() {
        ::csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    };
    out.write_all(BOM.as_bytes())?;
    // The lines table's order (`line_order`): by year, the firm before its projects in
    // file order, what pays first; made one block at a time.
    let blocks = explainer.blocks(report);
    let mut order: Vec<(u16, Option<usize>, usize)> = blocks
        .keys()
        .enumerate()
        .map(|(i, (project, year))| (year, project, i))
        .collect();
    order.sort_unstable();
    let mut rows: Vec<(Disposition, [Cell; LINE_COLUMNS])> = Vec::new();
    let mut table = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(&mut *out);
    table.write_record(line_headers(lang)).map_err(failed)?;
    for (_, _, i) in order {
        rows.clear();
        explainer.each_in(report, &blocks, i, |l, trace| -> std::io::Result<()> {
            rows.push((l.disposition, line_row(report, l, trace, lang)));
            Ok(())
        })?;
        rows.sort_by_key(|(d, _)| *d);
        for (_, row) in &rows {
            table.write_record(row.iter().map(text)).map_err(failed)?;
        }
    }
    table.flush()?;
    drop(table);
    out.write_all(b"\r\n")?;
    let mut summary = year_rows(report);
    summary.push(total_row(report, lang));
    records(out, &summary_headers(lang), summary.into_iter()).map_err(failed)
}
