//! The JSON contract (`incentives calc --json`), documented in `docs/json.md`: the report's
//! typed data with every sentence in the language of `--lang`. Amounts are decimal strings
//! in yuan rounded to the fen; the schema id is versioned.

use serde_json::{json, Map, Value as Json};

use crate::messages::{describe_node, leads, reason, rule_name};
use crate::money::fen_string;
use crate::pack::{Benefit, Lang};
use crate::report::{Line, Report, Summary};

pub const SCHEMA: &str = "incentives.report/2";

fn money(v: Option<rust_decimal::Decimal>) -> Json {
    v.map_or(Json::Null, |d| Json::String(fen_string(d)))
}

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

/// The nodes `range` of a line's trace as a nested tree.
fn tree(report: &Report, l: &Line, from: usize, to: usize, lang: Lang) -> Vec<Json> {
    let mut out = Vec::new();
    let mut i = from;
    let trace = report.trace(l);
    while i < to {
        let node = &trace[i];
        let mut fields = match serde_json::to_value(node) {
            Ok(Json::Object(m)) => m,
            _ => Map::new(),
        };
        fields.insert("text".into(), describe_node(report, l, i, lang).into());
        let len = node.subtree_len();
        if len > 0 {
            let end = (i + 1 + len).min(to);
            fields.insert(
                "children".into(),
                Json::Array(tree(report, l, i + 1, end, lang)),
            );
        }
        out.push(Json::Object(fields));
        i += 1 + len;
    }
    out
}

fn line_json(report: &Report, l: &Line, lang: Lang) -> Json {
    let rule = report.rule(l);
    let document = report.document(l);
    let base = report.rule_base();
    json!({
        "rule": rule.id,
        "policy": document.number,
        "title": {"zh": rule.title.zh, "en": rule.title.en},
        "clause": rule.clause,
        "project": report.project_name(l),
        "year": l.year,
        "status": l.status.key(),
        "disposition": l.disposition.key(),
        "already_granted_in": match l.disposition {
            crate::report::Disposition::AlreadyGranted { year } => Some(year),
            _ => None,
        },
        "benefit": match rule.benefit {
            Benefit::Grant => "grant",
            Benefit::TaxBenefit => "tax_benefit",
            Benefit::FeeSaving => "fee_saving",
            Benefit::InKind => "in_kind",
            Benefit::Modifier => "modifier",
        },
        "amount": money(l.amount),
        "ceiling": money(l.ceiling),
        "ceiling_period": rule.ceiling.as_ref().map(|c| c.period),
        "ceiling_open": l.ceiling_open,
        "offered": money(l.offered),
        "superseded_by": report.superseded_by(l).map(|s| json!({
            "rule": base.rule(s).id,
            "name": rule_name(report, s, lang),
        })),
        "overlap_excluded": l.overlap_excluded,
        "stacking_group": report.groups(l).next().map(|g| g.id.as_str()),
        "stacking_groups": report.groups(l).map(|g| g.id.as_str()).collect::<Vec<_>>(),
        "payer": l.payer.and_then(|i| rule.payer.get(i as usize)).map(|p| json!({"zh": p.payer.zh, "en": p.payer.en})),
        "lead": rule.lead,
        "lead_text": leads(report, rule, lang),
        "quote": rule.quote,
        "source": {"file": base.documents[l.slot.document()].source.file, "line": rule.line},
        "reason": reason(report, l, lang),
        "explanation": tree(report, l, 0, report.trace(l).len(), lang),
    })
}

/// The whole report as the documented JSON object.
pub fn to_json(report: &Report, lang: Lang) -> Json {
    let by_project: Vec<Json> = (0..report.projects.len())
        .filter_map(|p| {
            let s = report
                .summary_of(report.lines.iter().filter(|l| l.project == Some(p)))
                .ok()?;
            let mut j = summary_json(&s);
            j["project"] = report.projects[p].clone().into();
            Some(j)
        })
        .collect();
    let bases: Vec<Json> = report
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
        .collect();
    json!({
        "schema": SCHEMA,
        "subject": report.subject,
        "projects": report.projects,
        "options": {
            "readings": report.options.readings.iter().map(|r| json!({
                "id": r.id,
                "param": r.param.map(|p| p.to_string()),
            })).collect::<Vec<_>>(),
            "strict": report.options.strict,
        },
        "bases": bases,
        "years": report.years.iter().map(summary_json).collect::<Vec<_>>(),
        "total": summary_json(&report.total),
        "by_project": by_project,
        "lines": report.lines.iter().map(|l| line_json(report, l, lang)).collect::<Vec<_>>(),
    })
}
