//! Never panic on user input or on a rule file: mutated project files and rule packs, and
//! figures up to the limits of the decimal type, end in a result or a clear error.

use std::path::Path;

use std::sync::Arc;

use incentives::engine::evaluate;
use incentives::load::{load_embedded, load_texts, RuleBase};
use incentives::pack::Lang;
use incentives::project::parse_project;
use incentives::render::{json, text};
use incentives::report::{EvalOptions, SelectedReading};
use proptest::prelude::*;
use rust_decimal::Decimal;

/// The currency reading B at rate `r` (what `--fx-rate r` selects).
fn fx_reading(r: Decimal) -> SelectedReading {
    SelectedReading {
        id: "fdi_usd_converted".into(),
        param: Some(r),
    }
}

fn base() -> &'static Arc<RuleBase> {
    use std::sync::OnceLock;
    static BASE: OnceLock<Arc<RuleBase>> = OnceLock::new();
    BASE.get_or_init(|| Arc::new(load_embedded().expect("embedded packs load")))
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)).unwrap()
}

/// Applies one edit at a character position: replace, delete a run, or insert.
fn mutate(text: &str, at: usize, kind: u8, with: char, len: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    let at = at % chars.len().max(1);
    let mut out: Vec<char> = chars.clone();
    match kind % 3 {
        0 => out[at] = with,
        1 => {
            let end = (at + len).min(out.len());
            out.drain(at..end);
        }
        _ => out.insert(at, with),
    }
    out.into_iter().collect()
}

fn noise() -> impl Strategy<Value = char> {
    prop::sample::select(vec![
        '"', '(', ')', '{', '}', '[', ']', ':', ',', '-', '.', '0', '9', 'x', '元', ' ', '\n', '/',
        '#', 'e',
    ])
}

fn run_all_renderers(text_in: &str) {
    if let Ok(file) = parse_project("fuzz.ron", text_in, base()) {
        for fx in [None, Some(Decimal::new(71, 1))] {
            let options = EvalOptions {
                readings: fx.map(fx_reading).into_iter().collect(),
                strict: false,
            };
            if let Ok(b) = evaluate(base(), &file, &options) {
                let _ = text::render(&b, Lang::Zh, text::Detail::Verbose);
                let _ = json::to_json(&b, Lang::En);
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn mutated_project_files_never_panic(at in 0usize..5000, kind in 0u8..3, with in noise(), len in 1usize..40) {
        let original = read("examples/manufacturer.ron");
        run_all_renderers(&mutate(&original, at, kind, with, len));
    }

    #[test]
    fn mutated_rule_packs_never_panic(at in 0usize..40000, kind in 0u8..3, with in noise(), len in 1usize..40) {
        let mut files: Vec<(String, String)> = Vec::new();
        for name in ["inputs.ron", "stacking.ron", "cq-2023-65.ron", "cq-2022-107.ron"] {
            let mut t = read(&format!("rules/{name}"));
            if name == "cq-2023-65.ron" {
                t = mutate(&t, at, kind, with, len);
            }
            files.push((name.to_owned(), t));
        }
        if let Err(e) = load_texts(&files) {
            // One line, with a place.
            let message = e.to_string();
            prop_assert!(!message.contains('\n'), "{}", message);
            prop_assert!(message.starts_with(&e.file));
        }
    }

    #[test]
    fn figures_at_the_limits_never_panic(digits in 1usize..29, fx in prop::option::of(1u64..10_000_000_000u64)) {
        let figure = "9".repeat(digits);
        let text_in = format!(
            r#"Project(subject: (name: "x", inputs: {{"manufacturing_enterprise": true, "enterprise_income_tax_rate": "0.{figure}"}},
                years: {{2024: {{"rd_expense_yuan": "{figure}", "rd_expense_last_year_yuan": "1"}}}}),
              projects: [(id: "P", inputs: {{"industry": "manufacturing", "project_kind": "new"}},
                years: {{2024: {{"fdi_arrived_usd": "{figure}", "national_programme_funding_last_year_yuan": "{figure}"}}}})])"#
        );
        let file = parse_project("limits.ron", &text_in, base()).expect("valid at the limits");
        let options = EvalOptions { readings: fx.map(|r| fx_reading(Decimal::from(r))).into_iter().collect(), strict: false };
        match evaluate(base(), &file, &options) {
            Ok(b) => {
                let _ = &b.total;
                let _ = text::render(&b, Lang::En, text::Detail::Verbose);
            }
            Err(e) => prop_assert!(e.to_string().contains("too large"), "{}", e),
        }
    }
}
