//! The report as CSV (`incentives calc --format csv`, `incentives export -o OUT.csv`):
//! UTF-8 with a byte-order mark so that Excel reads the Chinese, CRLF line ends, one row
//! per line of the report, a blank row, then the per-year table and its total. Amounts
//! are plain decimals in yuan with two decimals (rounded to the fen, no thousands
//! separators), so a spreadsheet reads them as numbers.

use crate::money::fen_string;
use crate::pack::Lang;
use crate::report::Report;

use super::table::{line_headers, line_rows, summary_headers, total_row, year_rows, Cell};

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

/// Writes `rows` (a header, then its rows) as CSV records ending in CRLF.
fn records<'a>(
    header: &[&str],
    rows: impl Iterator<Item = &'a [Cell]>,
) -> Result<Vec<u8>, ::csv::Error> {
    let mut w = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(Vec::new());
    w.write_record(header)?;
    for row in rows {
        w.write_record(row.iter().map(text))?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

/// The whole report as CSV text, starting with the byte-order mark.
pub fn to_csv(report: &Report, lang: Lang) -> String {
    let lines = line_rows(report, lang);
    let mut summary = year_rows(report);
    summary.push(total_row(report, lang));
    let mut out = BOM.as_bytes().to_vec();
    // Writing into memory fails only if a record is malformed, which fixed-width rows
    // of text never are.
    let tables = records(&line_headers(lang), lines.iter().map(|r| &r[..])).and_then(|a| {
        records(&summary_headers(lang), summary.iter().map(|r| &r[..])).map(|b| (a, b))
    });
    if let Ok((a, b)) = tables {
        out.extend_from_slice(&a);
        out.extend_from_slice(b"\r\n");
        out.extend_from_slice(&b);
    }
    // Every cell is a Rust string, so the bytes are UTF-8.
    String::from_utf8(out).unwrap_or_default()
}
