//! `docs/stacking.md`: every stacking group with its members, the clauses that govern it and,
//! for each pair of documents among its members, what decides their lines year by year
//! (computed by the engine's own [`governing_basis`], so the review cannot drift from it).

use std::fmt::Write;

use crate::engine::governing_basis;
use crate::load::{RuleBase, RuleSlot};
use crate::pack::{Against, Document, Per, StackingGroup, StackingPolicy};
use crate::report::Basis;

/// The last year shown for documents without an end date.
const HORIZON: u16 = 2030;

/// The review as Markdown.
pub fn stacking_review(base: &RuleBase) -> String {
    let mut out = String::new();
    out.push_str(
        "# Stacking groups: who competes, and which clause decides\n\n\
         Generated from `rules/stacking*.ron` and the rule packs by `tests/stacking_doc.rs`; \
         regenerate with `UPDATE_DOCS=1 cargo test --test stacking_doc` (the test fails when \
         this file and the packs disagree).\n\n\
         Lines compete when they share a group, are for the same subject in the same year, and \
         are for the same project or one of them is for the firm as a whole (the pairing rule \
         in `docs/rule-format.md`). A pair is decided by the first listed clause that governs \
         it that year; where none does, by the group's reading (the catalogue's). \
         `2023–` means from 2023 with no end date.\n\n",
    );
    for (gi, group) in base.groups.iter().enumerate() {
        group_section(&mut out, base, gi, group);
    }
    out
}

fn group_section(out: &mut String, base: &RuleBase, gi: usize, group: &StackingGroup) {
    let members: Vec<RuleSlot> = base
        .rules
        .iter()
        .copied()
        .filter(|s| base.rule(*s).groups.contains(&gi))
        .collect();
    let _ = writeln!(
        out,
        "## {} · {} (`{}`)\n",
        group.title.zh, group.title.en, group.id
    );
    let _ = writeln!(
        out,
        "{}\n",
        match group.policy {
            StackingPolicy::TakeHighest =>
                "**就高不就低** (TakeHighest): only the highest line is paid; the others are superseded.",
            StackingPolicy::WarnOverlap =>
                "**列示并提示** (WarnOverlap): every line is shown with a warning; the conservative total counts the highest.",
        }
    );
    if members.is_empty() {
        out.push_str("No loaded rule belongs to this group.\n\n");
    } else {
        out.push_str("| rule | 文号 | 条款 | per | in force |\n|---|---|---|---|---|\n");
        for s in &members {
            let rule = base.rule(*s);
            let doc = &base.documents[s.document()];
            let (from, until) = years_of(doc);
            let _ = writeln!(
                out,
                "| `{}` {} | {} | {} | {} | {} |",
                rule.id,
                rule.title.zh,
                doc.number,
                rule.clause,
                match rule.per {
                    Per::ProjectYear => "project",
                    Per::SubjectYear => "firm",
                },
                span(from, until)
            );
        }
        out.push('\n');
    }
    if group.governed_by.is_empty() {
        out.push_str("Governing clauses: none.\n\n");
    } else {
        out.push_str("Governing clauses:\n\n");
        for (i, c) in group.governed_by.iter().enumerate() {
            let years = c
                .document_index
                .map(|d| {
                    let (from, until) = years_of(&base.documents[d]);
                    span(from, until)
                })
                .unwrap_or_else(|| "document not loaded: governs nothing".into());
            let _ = writeln!(
                out,
                "{}. {} {} (line {}){}{}; applies {}: 「{}」",
                i + 1,
                c.document,
                c.clause,
                c.line,
                match c.against {
                    Against::Any => ", against any other policy",
                    Against::Municipal => ", against other municipal policies",
                },
                if c.rules.is_empty() {
                    String::new()
                } else {
                    format!(", for {}", c.rules.join(", "))
                },
                years,
                c.quote
            );
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "Reading: {} / {}\n",
        group.reading.zh, group.reading.en
    );
    pairs(out, base, group, &members);
}

/// For each pair of documents among the members, the years each basis decides.
fn pairs(out: &mut String, base: &RuleBase, group: &StackingGroup, members: &[RuleSlot]) {
    let mut docs: Vec<RuleSlot> = Vec::new();
    for s in members {
        if !docs.iter().any(|d| d.document() == s.document()) {
            docs.push(*s);
        }
    }
    if members.len() < 2 {
        return;
    }
    out.push_str("| documents | years | decided by |\n|---|---|---|\n");
    for (i, a) in docs.iter().enumerate() {
        for b in &docs[i..] {
            // Two lines of one document meet only when it has two members.
            if a.document() == b.document()
                && members
                    .iter()
                    .filter(|s| s.document() == a.document())
                    .count()
                    < 2
            {
                continue;
            }
            let (da, db) = (&base.documents[a.document()], &base.documents[b.document()]);
            let (fa, ua) = years_of(da);
            let (fb, ub) = years_of(db);
            let (from, until) = (fa.max(fb), ua.min(ub));
            if from > until {
                let _ = writeln!(
                    out,
                    "| {} × {} | — | never in force together |",
                    da.number, db.number
                );
                continue;
            }
            let mut runs: Vec<(u16, u16, Basis)> = Vec::new();
            for year in from..=until {
                let basis = governing_basis(base, group, *a, *b, year);
                match runs.last_mut() {
                    Some(r) if r.2 == basis => r.1 = year,
                    _ => runs.push((year, year, basis)),
                }
            }
            for (f, u, basis) in runs {
                let by = match basis {
                    Basis::Clause(i) => group
                        .governed_by
                        .get(usize::from(i))
                        .map(|c| format!("{} {}", c.document, c.clause))
                        .unwrap_or_default(),
                    Basis::Reading => "the group's reading".into(),
                };
                let _ = writeln!(
                    out,
                    "| {} × {} | {} | {} |",
                    da.number,
                    db.number,
                    span(f, u),
                    by
                );
            }
        }
    }
    out.push('\n');
}

/// The calendar years a document is in force (at least in part), open-ended to [`HORIZON`].
fn years_of(doc: &Document) -> (u16, u16) {
    let until = doc.in_force.until.map_or(HORIZON, |u| u.year);
    let until = doc
        .repealed
        .as_ref()
        .map_or(until, |r| until.min(r.on.year));
    (doc.in_force.from.year, until)
}

fn span(from: u16, until: u16) -> String {
    match (from == until, until == HORIZON) {
        (true, false) => from.to_string(),
        (_, true) => format!("{from}–"),
        (false, false) => format!("{from}–{until}"),
    }
}
