//! The report as an Excel workbook (`incentives export -o OUT.xlsx`): a summary sheet
//! (汇总, the per-year table and its total) and a lines sheet (明细, the same columns as
//! the CSV), in the report's language. Amounts are number cells in yuan with a money
//! format, so a finance manager can add and filter them; everything else is text.
//!
//! The spreadsheet format stores numbers as doubles. An amount becomes one only in
//! [`write_money`], at the very last step: rounded to the fen, then read from its decimal
//! string, so the cell holds the double nearest the printed figure.

use rust_decimal::Decimal;
use rust_xlsxwriter::{Format, Workbook, Worksheet, XlsxError};

use crate::messages::{summary_note, t};
use crate::money::fen_string;
use crate::pack::Lang;
use crate::report::Report;

use super::table::{
    is_money_column, line_headers, line_rows, summary_headers, total_row, year_rows, Cell,
    LINE_COLUMNS,
};

/// The number format of every amount: grouped digits, two decimals.
pub const MONEY_FORMAT: &str = "#,##0.00";

/// The cell formats of one workbook.
struct Formats {
    header: Format,
    money: Format,
    whole: Format,
    text: Format,
    bold_money: Format,
    bold_whole: Format,
    bold_text: Format,
}

impl Formats {
    fn new() -> Formats {
        let money = Format::new().set_num_format(MONEY_FORMAT);
        let whole = Format::new().set_num_format("0");
        Formats {
            header: Format::new().set_bold(),
            bold_money: money.clone().set_bold(),
            bold_whole: whole.clone().set_bold(),
            money,
            whole,
            text: Format::new(),
            bold_text: Format::new().set_bold(),
        }
    }
}

/// Writes an amount in yuan as a number cell with the money format: rounded to the fen
/// (half away from zero), then converted to the nearest double through its decimal
/// string. The only place an amount becomes an `f64`.
fn write_money(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    value: Decimal,
    format: &Format,
) -> Result<(), XlsxError> {
    let printed = fen_string(value);
    let number: f64 = printed
        .parse()
        .map_err(|_| XlsxError::ParameterError(format!("amount {printed} is not a number")))?;
    sheet.write_number_with_format(row, col, number, format)?;
    Ok(())
}

fn write_cell(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    cell: &Cell,
    bold: bool,
    f: &Formats,
) -> Result<(), XlsxError> {
    let (money, whole, text) = if bold {
        (&f.bold_money, &f.bold_whole, &f.bold_text)
    } else {
        (&f.money, &f.whole, &f.text)
    };
    match cell {
        Cell::Money(Some(v)) => write_money(sheet, row, col, *v, money)?,
        Cell::Money(None) => {}
        Cell::Year(y) => {
            sheet.write_number_with_format(row, col, *y, whole)?;
        }
        Cell::Count(n) => {
            // A count of lines; far below 2^53, so exact as a double.
            sheet.write_number_with_format(row, col, *n as f64, whole)?;
        }
        Cell::Text(s) if s.is_empty() => {}
        Cell::Text(s) => {
            sheet.write_string_with_format(row, col, s, text)?;
        }
    }
    Ok(())
}

fn write_header(
    sheet: &mut Worksheet,
    row: u32,
    headers: &[&str],
    f: &Formats,
) -> Result<(), XlsxError> {
    for (col, h) in (0u16..).zip(headers) {
        sheet.write_string_with_format(row, col, *h, &f.header)?;
    }
    Ok(())
}

/// The summary sheet: the subject, the per-year table with a bold total row, what the
/// columns mean, and the 口径 the figures rest on.
fn summary_sheet(
    sheet: &mut Worksheet,
    report: &Report,
    lang: Lang,
    f: &Formats,
) -> Result<(), XlsxError> {
    sheet.set_name(t(lang, "汇总", "Summary"))?;
    sheet.write_string_with_format(0, 0, &report.subject, &f.bold_text)?;
    let mut row = 2;
    write_header(sheet, row, &summary_headers(lang), f)?;
    for cells in year_rows(report) {
        row += 1;
        for (col, cell) in (0u16..).zip(&cells) {
            write_cell(sheet, row, col, cell, false, f)?;
        }
    }
    row += 1;
    for (col, cell) in (0u16..).zip(&total_row(report, lang)) {
        write_cell(sheet, row, col, cell, true, f)?;
    }
    row += 2;
    sheet.write_string(row, 0, summary_note(&report.total, lang))?;
    for s in crate::messages::bases(report, lang) {
        row += 1;
        sheet.write_string(row, 0, s)?;
    }
    sheet.set_column_width(0, 10)?;
    for col in 1..5 {
        sheet.set_column_width(col, 18)?;
    }
    sheet.set_column_width(5, 12)?;
    Ok(())
}

/// Column widths of the lines sheet, in characters (a Chinese character is two).
const LINE_WIDTHS: [f64; LINE_COLUMNS] = [
    8.0, 12.0, 26.0, 10.0, 40.0, 12.0, 12.0, 16.0, 16.0, 16.0, 40.0, 24.0, 60.0,
];

/// The lines sheet: one row per line, a frozen header row with an autofilter.
fn lines_sheet(
    sheet: &mut Worksheet,
    report: &Report,
    lang: Lang,
    f: &Formats,
) -> Result<(), XlsxError> {
    sheet.set_name(t(lang, "明细", "Lines"))?;
    write_header(sheet, 0, &line_headers(lang), f)?;
    let rows = line_rows(report, lang);
    for (row, cells) in (1u32..).zip(&rows) {
        for (col, cell) in (0u16..).zip(cells) {
            write_cell(sheet, row, col, cell, false, f)?;
        }
    }
    for (col, width) in (0u16..).zip(LINE_WIDTHS) {
        sheet.set_column_width(col, width)?;
        if is_money_column(col as usize) {
            sheet.set_column_format(col, &f.money)?;
        }
    }
    sheet.set_freeze_panes(1, 0)?;
    let last_row = u32::try_from(rows.len()).unwrap_or(u32::MAX);
    sheet.autofilter(0, 0, last_row, LINE_COLUMNS as u16 - 1)?;
    Ok(())
}

/// The whole report as the bytes of an `.xlsx` file.
pub fn to_xlsx(report: &Report, lang: Lang) -> Result<Vec<u8>, XlsxError> {
    let f = Formats::new();
    let mut book = Workbook::new();
    summary_sheet(book.add_worksheet(), report, lang, &f)?;
    lines_sheet(book.add_worksheet(), report, lang, &f)?;
    book.save_to_buffer()
}
