//! The JSON contract (`incentives calc --json`), documented in `docs/json.md`: the report's
//! typed data with every sentence in the language of `--lang`. Amounts are decimal strings
//! in yuan rounded to the fen; the schema id is versioned.

use std::cell::RefCell;
use std::io::Write;

use serde::{Serialize, Serializer};
use serde_json::{json, Map, Value as Json};

use crate::engine::Explainer;
use crate::messages::{describe_node_of, leads, rule_name};
use crate::money::fen_string;
use crate::pack::{Benefit, Lang};
use crate::report::{decisive, Line, Node, Report, Summary};

pub const SCHEMA: &str = "incentives.report/2";

fn summary_json(s: &Summary) -> Json {
    json!({
        "year": s.year,
        "definite": fen_string(s.definite),
        "offered": fen_string(s.offered),
        "ceilings": fen_string(s.ceilings),
        "tax_and_fees": fen_string(s.tax_and_fees),
        "tax_and_fee_ceilings": fen_string(s.tax_and_fee_ceilings),
        "unquantified": s.unquantified,
        "in_kind": s.in_kind,
        "ceiling_periods": {
            "per_year": fen_string(s.ceiling_periods.per_year),
            "whole_period": fen_string(s.ceiling_periods.whole_period),
            "not_stated": fen_string(s.ceiling_periods.not_stated),
        },
        "grant_ceiling_total": fen_string(s.grant_ceiling_total),
        "grant_ceiling_not_stated": fen_string(s.grant_ceiling_not_stated),
        "open_ceilings": s.open_ceilings,
    })
}

/// The nodes `from..to` of a line's explanation `trace` as a nested tree.
fn tree(
    report: &Report,
    l: &Line,
    trace: &[Node],
    from: usize,
    to: usize,
    lang: Lang,
) -> Vec<Json> {
    let mut out = Vec::new();
    let mut i = from;
    while i < to {
        let node = &trace[i];
        let mut fields = match serde_json::to_value(node) {
            Ok(Json::Object(m)) => m,
            _ => Map::new(),
        };
        fields.insert(
            "text".into(),
            describe_node_of(report, l, trace, i, lang).into(),
        );
        let len = node.subtree_len();
        if len > 0 {
            let end = (i + 1 + len).min(to);
            fields.insert(
                "children".into(),
                Json::Array(tree(report, l, trace, i + 1, end, lang)),
            );
        }
        out.push(Json::Object(fields));
        i += 1 + len;
    }
    out
}

/// A text in both languages, as the contract writes it (keys sorted).
#[derive(Serialize)]
struct Both<'a> {
    en: &'a str,
    zh: &'a str,
}

#[derive(Serialize)]
struct Source<'a> {
    file: &'a str,
    line: u32,
}

#[derive(Serialize)]
struct SupersededBy<'a> {
    name: String,
    rule: &'a str,
}

/// A line's object of the contract, its keys in sorted order (as `json!` sorts them), so
/// it is written without building a map; `record` only in JSON Lines.
#[derive(Serialize)]
struct LineJson<'a> {
    already_granted_in: Option<u16>,
    amount: Option<String>,
    benefit: &'static str,
    ceiling: Option<String>,
    ceiling_open: bool,
    ceiling_period: Option<crate::pack::CeilingPeriod>,
    clause: &'a str,
    disposition: &'static str,
    explanation: Vec<Json>,
    lead: &'a [String],
    lead_text: String,
    offered: Option<String>,
    overlap_excluded: bool,
    payer: Option<Both<'a>>,
    policy: &'a str,
    project: Option<&'a str>,
    quote: &'a str,
    reason: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    record: Option<&'static str>,
    rule: &'a str,
    source: Source<'a>,
    stacking_group: Option<&'a str>,
    stacking_groups: Vec<&'a str>,
    status: &'static str,
    superseded_by: Option<SupersededBy<'a>>,
    title: Both<'a>,
    year: u16,
}

/// A line's object; `trace` is its whole explanation.
fn line_json<'a>(report: &'a Report, l: &Line, trace: &[Node], lang: Lang) -> LineJson<'a> {
    let rule = report.rule(l);
    let document = report.document(l);
    let base = report.rule_base();
    let fen = |v: Option<rust_decimal::Decimal>| v.map(fen_string);
    LineJson {
        already_granted_in: match l.disposition {
            crate::report::Disposition::AlreadyGranted { year } => Some(year),
            _ => None,
        },
        amount: fen(l.amount),
        benefit: match rule.benefit {
            Benefit::Grant => "grant",
            Benefit::TaxBenefit => "tax_benefit",
            Benefit::FeeSaving => "fee_saving",
            Benefit::InKind => "in_kind",
            Benefit::Modifier => "modifier",
        },
        ceiling: fen(l.ceiling),
        ceiling_open: l.ceiling_open,
        ceiling_period: rule.ceiling.as_ref().map(|c| c.period),
        clause: &rule.clause,
        disposition: l.disposition.key(),
        explanation: tree(report, l, trace, 0, trace.len(), lang),
        lead: &rule.lead,
        lead_text: leads(report, rule, lang),
        offered: fen(l.offered),
        overlap_excluded: l.overlap_excluded,
        payer: l
            .payer
            .and_then(|i| rule.payer.get(i as usize))
            .map(|p| Both {
                en: &p.payer.en,
                zh: &p.payer.zh,
            }),
        policy: &document.number,
        project: report.project_name(l),
        quote: &rule.quote,
        reason: decisive(trace, l.status).map(|i| describe_node_of(report, l, trace, i, lang)),
        record: None,
        rule: &rule.id,
        source: Source {
            file: &base.documents[l.slot.document()].source.file,
            line: rule.line,
        },
        stacking_group: report.groups(l).next().map(|g| g.id.as_str()),
        stacking_groups: report.groups(l).map(|g| g.id.as_str()).collect(),
        status: l.status.key(),
        superseded_by: crate::report::superseded_in(trace).map(|s| SupersededBy {
            name: rule_name(report, s, lang),
            rule: &base.rule(s).id,
        }),
        title: Both {
            en: &rule.title.en,
            zh: &rule.title.zh,
        },
        year: l.year,
    }
}

/// The JSON object of each project's sums (`by_project`), in file order.
fn by_project(report: &Report) -> Vec<Json> {
    report
        .project_summaries()
        .into_iter()
        .zip(&report.projects)
        .filter_map(|(s, id)| {
            let mut j = summary_json(&s?);
            j["project"] = id.clone().into();
            Some(j)
        })
        .collect()
}

fn bases(report: &Report, lang: Lang) -> Vec<Json> {
    report
        .readings_taken()
        .into_iter()
        .map(|(doc, r, selected)| {
            let alternative = selected.is_some();
            json!({
                "id": r.id,
                "document": doc.number,
                "title": r.title.get(lang),
                "alternative_selected": alternative,
                "param": selected.and_then(|s| s.param).map(|p| p.to_string()),
                "taken": if alternative { r.alternative.get(lang) } else { r.default.get(lang) },
                "other": if alternative { r.default.get(lang) } else { r.alternative.get(lang) },
            })
        })
        .collect()
}

fn options(report: &Report) -> Json {
    json!({
        "readings": report.options.readings.iter().map(|r| json!({
            "id": r.id,
            "param": r.param.map(|p| p.to_string()),
        })).collect::<Vec<_>>(),
        "strict": report.options.strict,
    })
}

/// The whole report as the documented JSON object, in memory (for the printed report,
/// whose template reads it whole). The command line streams it with [`write_json`].
pub fn to_json(report: &Report, lang: Lang) -> Json {
    json!({
        "schema": SCHEMA,
        "subject": report.subject,
        "projects": report.projects,
        "options": options(report),
        "bases": bases(report, lang),
        "years": report.years.iter().map(summary_json).collect::<Vec<_>>(),
        "total": summary_json(&report.total),
        "by_project": by_project(report),
        "lines": report
            .lines
            .iter()
            .map(|l| serde_json::to_value(line_json(report, l, report.trace(l), lang)).unwrap_or_default())
            .collect::<Vec<_>>(),
    })
}

/// The lines, serialized one at a time: each line's object is made, written and dropped.
struct Lines<'a, 'e> {
    report: &'a Report,
    explainer: RefCell<&'a mut Explainer<'e>>,
    lang: Lang,
}

impl Serialize for Lines<'_, '_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeSeq;
        let mut explainer = self.explainer.borrow_mut();
        let mut seq = s.serialize_seq(None)?;
        explainer.each(self.report, |l, trace| {
            seq.serialize_element(&line_json(self.report, l, trace, self.lang))
        })?;
        seq.end()
    }
}

/// The top-level object with its keys in the order `to_json` writes them (sorted), the
/// lines streamed.
#[derive(Serialize)]
struct Streamed<'a, 'e> {
    bases: Vec<Json>,
    by_project: Vec<Json>,
    lines: Lines<'a, 'e>,
    options: Json,
    projects: &'a [String],
    schema: &'static str,
    subject: &'a str,
    total: Json,
    years: Vec<Json>,
}

/// The JSON contract written to `out` as `to_json` pretty-printed, followed by a newline,
/// the same bytes, without ever holding the whole document: memory stays that of one
/// line's object. `explainer` gives each line's whole explanation.
pub fn write_json(
    report: &Report,
    explainer: &mut Explainer,
    lang: Lang,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let doc = Streamed {
        bases: bases(report, lang),
        by_project: by_project(report),
        lines: Lines {
            report,
            explainer: RefCell::new(explainer),
            lang,
        },
        options: options(report),
        projects: &report.projects,
        schema: SCHEMA,
        subject: &report.subject,
        total: summary_json(&report.total),
        years: report.years.iter().map(summary_json).collect(),
    };
    // serde_json writes many small pieces: they go to a buffer here, not one by one
    // through `out`.
    let mut w = std::io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut w, &doc)?;
    w.write_all(b"\n")?;
    w.flush()
}

/// JSON Lines (`incentives calc --format jsonl`, `docs/json.md`): one compact object per
/// line of the report (`"record": "line"`, the fields of the contract's `lines[]`), then
/// one per year (`"record": "year"`) and the total (`"record": "total"`), each ending in a
/// newline; written as it is made. `explainer` gives each line's whole explanation.
pub fn write_jsonl(
    report: &Report,
    explainer: &mut Explainer,
    lang: Lang,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    // Each record is made in one buffer and handed to `out` whole.
    let mut buf = Vec::new();
    explainer.each(report, |l, trace| -> std::io::Result<()> {
        let mut line = line_json(report, l, trace, lang);
        line.record = Some("line");
        buf.clear();
        serde_json::to_writer(&mut buf, &line)?;
        buf.push(b'\n');
        out.write_all(&buf)
    })?;
    write_totals(report, out)
}

/// [`write_jsonl`] for a report evaluated from `file`, the lines' records made by `workers`
/// threads, a run of (project, year) blocks each, and written in order: the same bytes.
pub fn write_jsonl_parallel(
    report: &Report,
    file: &crate::project::ProjectFile,
    lang: Lang,
    workers: usize,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let blocks = Explainer::new(file).blocks(report);
    super::blocks::write_in_order(
        file,
        &blocks,
        workers,
        // A block's records are about 90 KB (a project-year's 51 lines, each explained).
        8,
        || (),
        |(), explainer, index, buf| {
            // Into memory: a record of these types always serialises.
            let _ = explainer.each_in(report, &blocks, index, |l, trace| -> std::io::Result<()> {
                let mut line = line_json(report, l, trace, lang);
                line.record = Some("line");
                serde_json::to_writer(&mut *buf, &line)?;
                buf.push(b'\n');
                Ok(())
            });
        },
        out,
    )?;
    write_totals(report, out)
}

/// The JSON Lines records of each year and of the total.
fn write_totals(report: &Report, out: &mut dyn Write) -> std::io::Result<()> {
    let mut record = |mut j: Json, kind: &str| -> std::io::Result<()> {
        j["record"] = kind.into();
        serde_json::to_writer(&mut *out, &j)?;
        out.write_all(b"\n")
    };
    for y in &report.years {
        record(summary_json(y), "year")?;
    }
    record(summary_json(&report.total), "total")
}
