//! Results, answer first: the per-year table, the 口径 taken, then every line grouped by
//! policy document with its badge, amount, ceiling, explanation tree and citation. A
//! citation opens the clause in its document's text with the quote highlighted.

use egui::{Color32, RichText};

use crate::lang::Lang;
use crate::messages::{
    bases, disposition_label, explain, leads, line_figure, money, reason, summary_note, t,
};
use crate::money::{fen_string, group_thousands};
use crate::report::{Disposition, Line, Report, Summary};

use super::IncentivesApp;

/// Which lines the list shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Filter {
    /// What the project gets or may get: paying, eligible and superseded lines.
    #[default]
    Gets,
    /// Every line, also those that do not apply.
    All,
    /// Every line of one document (index into the rule base's documents).
    Document(usize),
}

/// What the results view remembers between frames.
#[derive(Default)]
pub struct ResultsState {
    pub filter: Filter,
    /// Open every explanation (also used to measure the heaviest frame).
    pub expand_all: bool,
    /// The clause shown in the source window: (document index, rule index).
    pub source: Option<(usize, usize)>,
    /// The source window has scrolled to its clause once.
    pub source_scrolled: bool,
}

/// The colour of a disposition's badge.
pub fn badge_color(d: Disposition) -> Color32 {
    match d {
        Disposition::Definite => Color32::from_rgb(0x1b, 0x7a, 0x3c),
        Disposition::Offered => Color32::from_rgb(0x1f, 0x5f, 0xae),
        Disposition::CeilingOnly => Color32::from_rgb(0xa8, 0x6a, 0x00),
        Disposition::Unquantified { .. } | Disposition::InKind | Disposition::RelaxesCeilings => {
            Color32::from_rgb(0x4a, 0x5f, 0x78)
        }
        Disposition::Superseded => Color32::from_rgb(0x70, 0x70, 0x70),
        Disposition::Ineligible => Color32::from_rgb(0xa0, 0x30, 0x28),
        _ => Color32::from_rgb(0x90, 0x90, 0x90),
    }
}

/// A badge: the disposition's short label on its colour.
pub fn badge_ui(ui: &mut egui::Ui, d: Disposition, lang: Lang) {
    let text = RichText::new(format!(" {} ", disposition_label(d, lang)))
        .color(Color32::WHITE)
        .background_color(badge_color(d))
        .small();
    ui.label(text);
}

fn cell(v: rust_decimal::Decimal) -> String {
    group_thousands(&fen_string(v))
}

/// The per-year table: definite, offered, ceilings, tax and fees, eligible without an amount.
pub fn summary_ui(ui: &mut egui::Ui, report: &Report, lang: Lang, id: &str) {
    let heads = [
        t(lang, "年度", "Year"),
        t(lang, "确定可获（元）", "Definite (CNY)"),
        t(lang, "协商额（元）", "Offered (CNY)"),
        t(lang, "仅上限（元）", "Up to (CNY)"),
        t(lang, "税费减免（元）", "Tax & fees (CNY)"),
        t(lang, "金额未定（项）", "No amount (lines)"),
    ];
    let row = |ui: &mut egui::Ui, label: String, s: &Summary, strong: bool| {
        let text = |v: String| {
            if strong {
                RichText::new(v).strong()
            } else {
                RichText::new(v)
            }
        };
        ui.label(text(label));
        for v in [s.definite, s.offered, s.ceilings, s.tax_and_fees] {
            ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                ui.label(text(cell(v)));
            });
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.label(text(s.unquantified.to_string()));
        });
        ui.end_row();
    };
    // Narrow windows scroll the table sideways rather than widen the page.
    egui::ScrollArea::horizontal()
        .id_salt((id, "scroll"))
        .show(ui, |ui| {
            egui::Grid::new(id)
                .striped(true)
                .min_col_width(70.0)
                .spacing([18.0, 4.0])
                .show(ui, |ui| {
                    for h in heads {
                        ui.label(RichText::new(h).strong());
                    }
                    ui.end_row();
                    for y in &report.years {
                        row(
                            ui,
                            y.year.map(|y| y.to_string()).unwrap_or_default(),
                            y,
                            false,
                        );
                    }
                    row(ui, t(lang, "合计", "Total").to_owned(), &report.total, true);
                });
        });
}

/// The whole results view.
pub fn results_ui(app: &mut IncentivesApp, ui: &mut egui::Ui) {
    let lang = app.lang;
    let Some(report) = &app.doc.report else {
        ui.label(t(
            lang,
            "尚无结果：请先填写项目。",
            "No results yet: fill in the project.",
        ));
        return;
    };
    egui::ScrollArea::vertical()
        .id_salt("results_scroll")
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.heading(t(
                lang,
                "测算结果（按年度，企业与各项目合计）",
                "Results by year (firm and projects together)",
            ));
            summary_ui(ui, report, lang, "summary");
            ui.add(
                egui::Label::new(RichText::new(summary_note(&report.total, lang)).small()).wrap(),
            );
            if !report.total.tax_and_fee_ceilings.is_zero() {
                ui.label(
                    RichText::new(format!(
                        "{}{}",
                        t(lang, "税费减免上限另计 ", "Tax and fee ceilings, apart: "),
                        money(report.total.tax_and_fee_ceilings, lang)
                    ))
                    .small(),
                );
            }
            for s in bases(report, lang) {
                ui.add(egui::Label::new(RichText::new(s).small()).wrap());
            }
            ui.separator();
            filter_ui(ui, &mut app.results, report, lang);
            ui.separator();
            lines_ui(ui, &mut app.results, report, lang);
        });
}

fn filter_ui(ui: &mut egui::Ui, state: &mut ResultsState, report: &Report, lang: Lang) {
    ui.horizontal_wrapped(|ui| {
        ui.label(t(lang, "显示：", "Show:"));
        ui.radio_value(
            &mut state.filter,
            Filter::Gets,
            t(lang, "可获与可申报", "What the project gets"),
        );
        ui.radio_value(
            &mut state.filter,
            Filter::All,
            t(lang, "全部", "Everything"),
        );
        let docs = &report.rule_base().documents;
        let current = match state.filter {
            Filter::Document(d) => docs.get(d).map(|d| d.number.clone()),
            _ => None,
        };
        let combo = egui::ComboBox::from_id_salt("doc_filter")
            .selected_text(
                current.unwrap_or_else(|| t(lang, "仅某一文件…", "Only one document…").to_owned()),
            )
            .show_ui(ui, |ui| {
                for (i, d) in docs.iter().enumerate() {
                    ui.selectable_value(
                        &mut state.filter,
                        Filter::Document(i),
                        format!("{} {}", d.number, d.title.get(lang)),
                    );
                }
            });
        combo
            .response
            .accessible_name(t(lang, "仅显示某一文件", "Only one document"));
        ui.checkbox(
            &mut state.expand_all,
            t(lang, "展开全部说明", "Expand every explanation"),
        );
    });
}

fn shown(filter: Filter, l: &Line) -> bool {
    match filter {
        Filter::Gets => l.disposition.relevant(),
        Filter::All => true,
        Filter::Document(d) => l.slot.document() == d,
    }
}

fn lines_ui(ui: &mut egui::Ui, state: &mut ResultsState, report: &Report, lang: Lang) {
    let docs = &report.rule_base().documents;
    let mut any = false;
    for (di, doc) in docs.iter().enumerate() {
        let mut lines: Vec<&Line> = report
            .lines
            .iter()
            .filter(|l| l.slot.document() == di && shown(state.filter, l))
            .collect();
        if lines.is_empty() {
            continue;
        }
        any = true;
        lines.sort_by_key(|l| (l.disposition, l.year, l.project));
        // The 文号 heads the group; the title wraps below it (a header does not wrap).
        let head = format!("{}（{}）", doc.number, lines.len());
        egui::CollapsingHeader::new(RichText::new(head).strong())
            .id_salt(("doc", di))
            .default_open(true)
            .show(ui, |ui| {
                ui.label(RichText::new(doc.title.get(lang)).weak());
                for l in lines {
                    culled_line_ui(ui, state, report, l, lang);
                }
            });
    }
    if !any {
        ui.label(t(
            lang,
            "没有符合筛选条件的条目。",
            "No line matches the filter.",
        ));
    }
}

/// Margin above and below the visible area within which lines are still drawn.
const CULL_MARGIN: f32 = 300.0;

/// Draws a line only when it is near the visible part of the list; elsewhere it takes the
/// height it had when last drawn. A report can hold hundreds of lines, each with an
/// explanation of a dozen sentences, and only a screenful is ever seen.
fn culled_line_ui(
    ui: &mut egui::Ui,
    state: &mut ResultsState,
    report: &Report,
    l: &Line,
    lang: Lang,
) {
    let key = egui::Id::unique((
        "line-height",
        l.slot,
        l.project,
        l.year,
        state.expand_all,
        lang == Lang::En,
        std::sync::Arc::as_ptr(report.base_arc()),
    ));
    let top = ui.cursor().min.y;
    let clip = ui.clip_rect();
    if let Some(h) = ui.data(|d| d.get_temp::<f32>(key)) {
        if top > clip.max.y + CULL_MARGIN || top + h < clip.min.y - CULL_MARGIN {
            ui.allocate_space(egui::vec2(ui.available_width(), h));
            return;
        }
    }
    let height = ui
        .scope(|ui| line_ui(ui, state, report, l, lang))
        .response
        .rect
        .height();
    ui.data_mut(|d| d.insert_temp(key, height));
}

fn line_ui(ui: &mut egui::Ui, state: &mut ResultsState, report: &Report, l: &Line, lang: Lang) {
    let rule = report.rule(l);
    let doc = report.document(l);
    ui.horizontal_wrapped(|ui| {
        badge_ui(ui, l.disposition, lang);
        ui.label(RichText::new(rule.title.get(lang)).strong());
        let place = match (report.project_name(l), lang) {
            (Some(p), Lang::Zh) => format!("项目 {p} · {} 年", l.year),
            (Some(p), Lang::En) => format!("project {p} · {}", l.year),
            (None, Lang::Zh) => format!("企业整体 · {} 年", l.year),
            (None, Lang::En) => format!("the firm · {}", l.year),
        };
        ui.label(RichText::new(place).weak());
        let figure = line_figure(l, lang);
        if !figure.is_empty() {
            ui.label(RichText::new(figure).strong());
        }
        if let (Some(c), Disposition::Definite | Disposition::Offered) = (l.ceiling, l.disposition)
        {
            ui.label(
                RichText::new(format!(
                    "{}{}",
                    t(lang, "上限 ", "ceiling "),
                    money(c, lang)
                ))
                .weak(),
            );
        }
        let cite = format!("{} {}", doc.number, rule.clause);
        if ui
            .link(cite)
            .on_hover_text(t(
                lang,
                "在政策原文中查看本条",
                "Show this clause in the policy text",
            ))
            .clicked()
        {
            state.source = Some((l.slot.document(), l.slot.rule()));
            state.source_scrolled = false;
        }
    });
    if !l.disposition.relevant() && !state.expand_all {
        if let Some(r) = reason(report, l, lang) {
            ui.label(RichText::new(format!("    {r}")).small().weak());
        }
    }
    let id = ui.make_persistent_id(("line", l.slot, l.project, l.year));
    egui::collapsing_header::CollapsingState::load_with_default_open(ui.ctx(), id, false)
        .show_header(ui, |ui| {
            ui.label(RichText::new(t(lang, "计算说明与依据", "Explanation and clause")).small());
        })
        .body(|ui| explanation_ui(ui, report, l, lang));
    if state.expand_all {
        let mut s =
            egui::collapsing_header::CollapsingState::load_with_default_open(ui.ctx(), id, false);
        if !s.is_open() {
            s.set_open(true);
            s.store(ui.ctx());
        }
    }
    ui.add_space(2.0);
}

/// A line's explanation tree, its notes and the clause with the lead agencies.
pub fn explanation_ui(ui: &mut egui::Ui, report: &Report, l: &Line, lang: Lang) {
    for (depth, s) in explain(report, l, lang) {
        ui.horizontal_wrapped(|ui| {
            ui.add_space(12.0 * depth as f32);
            ui.label(format!("· {s}"));
        });
    }
    let rule = report.rule(l);
    for n in &rule.notes {
        ui.label(RichText::new(format!("※ {}", n.get(lang))).small());
    }
    ui.label(
        RichText::new(format!("「{}」", rule.quote))
            .small()
            .italics(),
    );
    ui.label(
        RichText::new(format!(
            "{}{}",
            t(lang, "牵头单位：", "Lead: "),
            leads(report, rule, lang)
        ))
        .small(),
    );
}

/// The policy text around a clause, the quoted passage highlighted.
pub fn source_window(app: &mut IncentivesApp, ctx: &egui::Context) {
    let Some((di, ri)) = app.results.source else {
        return;
    };
    let lang = app.lang;
    let base = app.rules.base.clone();
    let Some(doc) = base.documents.get(di) else {
        app.results.source = None;
        return;
    };
    let Some(rule) = doc.rules.get(ri) else {
        app.results.source = None;
        return;
    };
    let text = source_text(app, &doc.source.file);
    let mut open = true;
    egui::Window::new(format!("{} {}", doc.number, rule.clause))
        .id(egui::Id::unique("source_window"))
        .open(&mut open)
        .default_size([720.0, 560.0])
        .show(ctx, |ui| {
            ui.label(RichText::new(doc.title.get(lang)).strong());
            let Some(text) = text else {
                ui.label(t(
                    lang,
                    "找不到政策原文文件。",
                    "The policy text file is not available.",
                ));
                return;
            };
            let (first, last) = doc.source.lines;
            let body: Vec<&str> = text
                .lines()
                .enumerate()
                .filter(|(i, _)| {
                    let n = *i as u32 + 1;
                    n >= first && n <= last
                })
                .map(|(_, l)| l)
                .collect();
            let quote_line = rule.line;
            let scroll = !app.results.source_scrolled;
            app.results.source_scrolled = true;
            egui::ScrollArea::vertical().show(ui, |ui| {
                for (i, line) in body.iter().enumerate() {
                    let n = first + i as u32;
                    let is_quote = n >= quote_line && line_in_quote(line, &rule.quote);
                    let mut rt = RichText::new(*line);
                    if is_quote {
                        rt = rt
                            .background_color(Color32::from_rgb(0xff, 0xf0, 0xa0))
                            .color(Color32::BLACK);
                    }
                    let response = ui.label(rt);
                    if n == quote_line && scroll {
                        response.scroll_to_me(Some(egui::Align::Center));
                    }
                }
            });
        });
    if !open {
        app.results.source = None;
    }
}

/// Whether a line of the source text is part of the quoted passage.
fn line_in_quote(line: &str, quote: &str) -> bool {
    let l = line.trim();
    !l.is_empty() && (quote.contains(l) || l.contains(quote))
}

fn source_text(app: &IncentivesApp, file: &str) -> Option<std::borrow::Cow<'static, str>> {
    match &app.rules.custom {
        Some(dir) => std::fs::read_to_string(dir.join("sources").join(file))
            .ok()
            .map(std::borrow::Cow::Owned),
        None => crate::load::embedded_source(file).map(std::borrow::Cow::Borrowed),
    }
}
