//! Golden examples: the hand-computed cases written beside each rule, run against the
//! whole rule base (so stacking with other documents is part of what they check).

use std::collections::BTreeMap;

use std::sync::Arc;

use crate::engine::evaluate;
use crate::inputs::Given;
use crate::load::{typed_inputs, RuleBase};
use crate::money::fen_string;
use crate::pack::{Amount, Benefit, Example, RawValue, Rule, Scope};
use crate::project::{InputValues, Project, ProjectFile, Subject, Year};
use crate::report::{EvalOptions, Node, SelectedReading};

/// The outcome of one golden example.
#[derive(Debug, Clone)]
pub struct ExampleOutcome {
    pub document: String,
    pub rule: String,
    pub example: String,
    /// Empty when the example holds.
    pub failures: Vec<String>,
}

/// Per-document counts printed by `incentives check`.
#[derive(Debug, Clone, Default)]
pub struct DocumentSummary {
    pub number: String,
    pub rules: usize,
    pub quantified: usize,
    pub unquantified: usize,
    pub tax: usize,
    pub examples: usize,
    pub failed: usize,
    pub warnings: Vec<String>,
}

/// Builds the one-firm, one-project file an example describes.
pub fn example_project(base: &RuleBase, ex: &Example) -> Result<ProjectFile, String> {
    let catalog = &base.catalog;
    let split = |map: &BTreeMap<String, RawValue>,
                 year: u16|
     -> Result<BTreeMap<Scope, Vec<(usize, Given)>>, String> {
        let mut by: BTreeMap<Scope, Vec<(usize, Given)>> = BTreeMap::new();
        for (slot, v) in typed_inputs(catalog, map, year)? {
            by.entry(catalog.decls[slot].scope)
                .or_default()
                .push((slot, v));
        }
        Ok(by)
    };
    let mut main = split(&ex.inputs, ex.year)?;
    let mut subject_years = BTreeMap::new();
    let mut project_years = BTreeMap::new();
    type ByScope = BTreeMap<Scope, Vec<(usize, Given)>>;
    let mut years: Vec<(u16, ByScope)> = Vec::new();
    for (y, map) in &ex.earlier {
        years.push((*y, split(map, *y)?));
    }
    years.push((ex.year, std::mem::take(&mut main)));
    let mut project_inputs = Vec::new();
    let mut subject_inputs = Vec::new();
    let mut has_project = false;
    for (y, mut by) in years {
        subject_inputs.extend(by.remove(&Scope::Subject).unwrap_or_default());
        let p = by.remove(&Scope::Project).unwrap_or_default();
        has_project |= !p.is_empty() || by.contains_key(&Scope::ProjectYear);
        project_inputs.extend(p);
        subject_years.insert(
            Year(y),
            values_of(by.remove(&Scope::SubjectYear).unwrap_or_default())?,
        );
        project_years.insert(
            Year(y),
            values_of(by.remove(&Scope::ProjectYear).unwrap_or_default())?,
        );
    }
    subject_inputs.sort_by_key(|x| x.0);
    subject_inputs.dedup_by_key(|x| x.0);
    project_inputs.sort_by_key(|x| x.0);
    project_inputs.dedup_by_key(|x| x.0);
    let mut projects = Vec::new();
    if has_project {
        projects.push(Project {
            id: "example".into(),
            name: None,
            inputs: values_of(project_inputs)?,
            years: project_years,
        });
    }
    for (i, map) in ex.other_projects.iter().enumerate() {
        let mut by = split(map, ex.year)?;
        let inputs = by.remove(&Scope::Project).unwrap_or_default();
        if by
            .keys()
            .any(|s| matches!(s, Scope::Subject | Scope::SubjectYear))
        {
            return Err(
                "`other_projects` take project inputs only; put firm inputs in `inputs`".into(),
            );
        }
        let mut years = BTreeMap::new();
        years.insert(
            Year(ex.year),
            values_of(by.remove(&Scope::ProjectYear).unwrap_or_default())?,
        );
        projects.push(Project {
            id: format!("other{}", i + 1),
            name: None,
            inputs: values_of(inputs)?,
            years,
        });
    }
    let file = ProjectFile {
        subject: Subject {
            name: ex.name.clone(),
            inputs: values_of(subject_inputs)?,
            years: subject_years,
        },
        projects,
        offers: Vec::new(),
    };
    file.validate(catalog)
        .map_err(|e| e.message(crate::pack::Lang::En))?;
    Ok(file)
}

/// Values of one place from typed inputs; refuses dated entries too large to add up.
fn values_of<S>(given: Vec<(usize, Given)>) -> Result<InputValues<S>, String> {
    InputValues::from_given(given)
        .ok_or_else(|| "dated amounts too large to add up (beyond 28 digits)".to_owned())
}

fn fmt_opt(v: Option<rust_decimal::Decimal>) -> String {
    v.map_or_else(|| "none".into(), fen_string)
}

/// Runs one example; the failures say expected and found.
pub fn run_example(base: &Arc<RuleBase>, rule: &Rule, ex: &Example) -> Vec<String> {
    let file = match example_project(base, ex) {
        Ok(f) => f,
        Err(e) => return vec![e],
    };
    let options = EvalOptions {
        readings: ex
            .options
            .readings
            .iter()
            .map(|r| SelectedReading {
                id: r.id.clone(),
                param: r.param.map(|d| d.0),
            })
            .collect(),
        strict: true,
    };
    let b = match evaluate(base, &file, &options) {
        Ok(b) => b,
        Err(e) => return vec![e.to_string()],
    };
    let mut failures = Vec::new();
    for e in &ex.expect {
        let id = e.rule.as_deref().unwrap_or(&rule.id);
        let year = e.year.unwrap_or(ex.year);
        let Some(line) = b
            .lines_of(id)
            .find(|l| l.year == year && l.project.is_none_or(|p| p == e.project))
        else {
            failures.push(format!(
                "no line for `{id}` (project {}) in {year}",
                e.project
            ));
            continue;
        };
        let want = e.status;
        if line.status != want {
            failures.push(format!(
                "`{id}` {year}: status {} expected, found {}",
                want.key(),
                line.status.key()
            ));
        }
        let round = |v: Option<rust_decimal::Decimal>| v.map(fen_string);
        if round(e.amount.map(|d| d.0)) != round(line.amount) {
            failures.push(format!(
                "`{id}`: amount {} expected, found {}",
                fmt_opt(e.amount.map(|d| d.0)),
                fmt_opt(line.amount)
            ));
        }
        if round(e.ceiling.map(|d| d.0)) != round(line.ceiling) {
            failures.push(format!(
                "`{id}`: ceiling {} expected, found {}",
                fmt_opt(e.ceiling.map(|d| d.0)),
                fmt_opt(line.ceiling)
            ));
        }
        let found_by = b.superseded_by(line).map(|s| base.rule(s).id.as_str());
        if e.superseded_by.as_deref() != found_by {
            failures.push(format!(
                "`{id}`: superseded_by {:?} expected, found {:?}",
                e.superseded_by, found_by
            ));
        }
        if let Some(counted) = e.counted {
            if counted == line.overlap_excluded {
                failures.push(format!(
                    "`{id}`: counted in totals {counted} expected, found {}",
                    !counted
                ));
            }
        }
        if let Some(open) = e.ceiling_open {
            if open != line.ceiling_open {
                failures.push(format!(
                    "`{id}`: ceiling open {open} expected, found {}",
                    line.ceiling_open
                ));
            }
        }
        let relaxed_by = b.trace(line).iter().find_map(|n| match n {
            Node::CeilingRelaxed { by } => Some(b.rule_base().rule(*by).id.as_str()),
            _ => None,
        });
        if e.relaxed_by.as_deref() != relaxed_by {
            failures.push(format!(
                "`{id}`: relaxed_by {:?} expected, found {:?}",
                e.relaxed_by, relaxed_by
            ));
        }
        if let Some(p) = &e.payer {
            let found = line
                .payer
                .and_then(|i| b.rule(line).payer.get(i as usize))
                .map(|x| x.payer.zh.as_str());
            if found != Some(p.as_str()) {
                failures.push(format!("`{id}`: payer {p} expected, found {found:?}"));
            }
        }
    }
    failures
}

/// Runs every example of every rule.
pub fn run_all(base: &Arc<RuleBase>) -> Vec<ExampleOutcome> {
    let mut out = Vec::new();
    for slot in &base.rules {
        let doc = &base.documents[slot.document()];
        let rule = base.rule(*slot);
        for ex in &rule.examples {
            out.push(ExampleOutcome {
                document: doc.number.clone(),
                rule: rule.id.clone(),
                example: ex.name.clone(),
                failures: run_example(base, rule, ex),
            });
        }
    }
    out
}

/// Counts per document, with warnings for rules that lack examples.
pub fn summarise(base: &RuleBase, outcomes: &[ExampleOutcome]) -> Vec<DocumentSummary> {
    base.documents
        .iter()
        .map(|d| {
            let mut s = DocumentSummary {
                number: d.number.clone(),
                ..Default::default()
            };
            for r in &d.rules {
                s.rules += 1;
                match r.amount {
                    Amount::Unquantified => s.unquantified += 1,
                    // A modifier pays nothing: neither quantified nor unquantified.
                    _ if r.benefit == Benefit::Modifier => {}
                    _ => s.quantified += 1,
                }
                if r.benefit == Benefit::TaxBenefit {
                    s.tax += 1;
                }
                s.examples += r.examples.len();
                if r.examples.is_empty() && !matches!(r.amount, Amount::Unquantified) {
                    s.warnings.push(format!(
                        "rule `{}` computes an amount but has no golden example",
                        r.id
                    ));
                }
            }
            s.failed = outcomes
                .iter()
                .filter(|o| o.document == d.number && !o.failures.is_empty())
                .count();
            s
        })
        .collect()
}
