//! The JSON contract (`incentives calc --json`), documented in `docs/json.md`.
//! Amounts are decimal strings in yuan with two decimals; the schema id is versioned.

use serde_json::{json, Value as Json};

use crate::breakdown::{totals_of, Breakdown, Line};
use crate::inputs::InputCatalog;
use crate::money::fen_string;
use crate::pack::{Benefit, Lang};
use crate::render::explain::{explain, reason};

pub const SCHEMA: &str = "incentives.breakdown/2";

fn money(v: Option<rust_decimal::Decimal>) -> Json {
    v.map_or(Json::Null, |d| Json::String(fen_string(d)))
}

fn line_json(catalog: &InputCatalog, b: &Breakdown, l: &Line, lang: Lang) -> Json {
    json!({
        "rule": l.rule.id,
        "policy": l.document.number,
        "title": {"zh": l.rule.title.zh, "en": l.rule.title.en},
        "clause": l.rule.clause,
        "project": b.project_name(l),
        "year": l.year,
        "status": l.status.key(),
        "benefit": match l.rule.benefit {
            Benefit::Grant => "grant",
            Benefit::TaxBenefit => "tax_benefit",
            Benefit::FeeSaving => "fee_saving",
            Benefit::InKind => "in_kind",
        },
        "amount": money(l.amount),
        "ceiling": money(l.ceiling),
        "superseded_by": l.superseded_by.map(|r| r.id.as_str()),
        "overlap_excluded": l.overlap_excluded,
        "stacking_group": l.group.map(|g| g.id.as_str()),
        "payer": l.payer.map(|p| json!({"zh": p.zh, "en": p.en})),
        "lead": l.rule.lead,
        "quote": l.rule.quote,
        "source": {"line": l.rule.line},
        "reason": reason(catalog, l, lang),
        "explanation": explain(catalog, l, lang),
    })
}

/// The whole breakdown as the documented JSON object.
pub fn to_json(catalog: &InputCatalog, b: &Breakdown, lang: Lang) -> Json {
    let totals = b.totals();
    let by_project: Vec<Json> = (0..b.projects.len())
        .map(|p| {
            let t = totals_of(b.lines.iter().filter(|l| l.project == Some(p)));
            json!({"project": b.projects[p], "total": fen_string(t.total), "total_ceiling": fen_string(t.total_ceiling)})
        })
        .collect();
    json!({
        "schema": SCHEMA,
        "subject": b.subject,
        "options": {
            "readings": b.options.readings.iter()
                .map(|r| json!({"id": r.id, "param": r.param.map(|p| p.to_string())}))
                .collect::<Vec<_>>(),
        },
        "lines": b.lines.iter().map(|l| line_json(catalog, b, l, lang)).collect::<Vec<_>>(),
        "total": fen_string(totals.total),
        "total_ceiling": fen_string(totals.total_ceiling),
        "tax_total": fen_string(totals.tax),
        "tax_ceiling": fen_string(totals.tax_ceiling),
        "fee_total": fen_string(totals.fees),
        "fee_ceiling": fen_string(totals.fees_ceiling),
        "open_ceilings": totals.open_ceilings,
        "by_project": by_project,
        "rejected_offers": b.rejected_offers,
    })
}
