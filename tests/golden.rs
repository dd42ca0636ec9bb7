//! Every golden example written beside a rule in `rules/` runs here.

use incentives::check::run_all;
use incentives::load::load_embedded;

#[test]
fn every_golden_example_holds() {
    let base = std::sync::Arc::new(load_embedded().expect("embedded packs load"));
    let outcomes = run_all(&base);
    assert!(
        outcomes.len() >= 30,
        "expected the packs to carry golden examples, found {}",
        outcomes.len()
    );
    let failed: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.failures.is_empty())
        .map(|o| {
            format!(
                "{} `{}` \"{}\": {}",
                o.document,
                o.rule,
                o.example,
                o.failures.join("; ")
            )
        })
        .collect();
    assert!(
        failed.is_empty(),
        "{} golden examples failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

#[test]
fn every_computed_rule_has_an_example() {
    let base = std::sync::Arc::new(load_embedded().expect("embedded packs load"));
    let missing: Vec<&str> = base
        .rules
        .iter()
        .map(|s| base.rule(*s))
        .filter(|r| {
            !matches!(r.amount, incentives::pack::Amount::Unquantified) && r.examples.is_empty()
        })
        .map(|r| r.id.as_str())
        .collect();
    assert!(
        missing.is_empty(),
        "computed rules without golden examples: {missing:?}"
    );
}
