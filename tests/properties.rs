//! Properties that must hold for any project: caps are never exceeded, stacking never pays
//! two lines of one kind, and within a tier more capital never means less reward.

use std::collections::{BTreeMap, HashMap};

use std::sync::Arc;

use incentives::check::example_project;
use incentives::engine::evaluate;
use incentives::load::{load_embedded, RuleBase};
use incentives::pack::{Cap, Example, ExampleOptions, RawValue, StackingPolicy};
use incentives::report::{EvalOptions, Node, Report, SelectedReading, Status};
use proptest::prelude::*;
use rust_decimal::Decimal;

const INDUSTRIES: &[&str] = &[
    "manufacturing",
    "services",
    "agriculture",
    "real_estate",
    "finance",
    "quasi_finance",
    "other",
];
const KINDS: &[&str] = &["new", "capital_increase"];
const FLAGS: &[&str] = &[
    "major_investment_project",
    "smart_retrofit",
    "green_retrofit",
    "tech_retrofit_or_reinvestment",
];

fn base() -> &'static Arc<RuleBase> {
    use std::sync::OnceLock;
    static BASE: OnceLock<Arc<RuleBase>> = OnceLock::new();
    BASE.get_or_init(|| Arc::new(load_embedded().expect("embedded packs load")))
}

#[derive(Debug, Clone)]
struct Case {
    year: u16,
    industry: &'static str,
    kind: &'static str,
    arrived: u64,
    loans_permille: u64,
    flags: Vec<bool>,
    fx_milli: Option<u64>,
}

fn case() -> impl Strategy<Value = Case> {
    (
        2023u16..=2026,
        prop::sample::select(INDUSTRIES),
        prop::sample::select(KINDS),
        prop_oneof![
            0u64..600_000_000,
            prop::sample::select(vec![
                10_000_000u64,
                10_000_001,
                30_000_000,
                30_000_001,
                250_000_000,
                500_000_000
            ]),
        ],
        0u64..=1000,
        prop::collection::vec(any::<bool>(), FLAGS.len()),
        prop::option::of(6_000u64..8_000),
    )
        .prop_map(
            |(year, industry, kind, arrived, loans_permille, flags, fx_milli)| Case {
                year,
                industry,
                kind,
                arrived,
                loans_permille,
                flags,
                fx_milli,
            },
        )
}

fn run(c: &Case, arrived: u64) -> Report {
    let mut inputs: BTreeMap<String, RawValue> = BTreeMap::new();
    inputs.insert("industry".into(), RawValue::Text(c.industry.into()));
    inputs.insert("project_kind".into(), RawValue::Text(c.kind.into()));
    inputs.insert(
        "fdi_arrived_usd".into(),
        RawValue::Text(arrived.to_string()),
    );
    inputs.insert(
        "fdi_shareholder_loans_usd".into(),
        RawValue::Text((arrived / 1000 * c.loans_permille / 4).to_string()),
    );
    for (f, on) in FLAGS.iter().zip(&c.flags) {
        inputs.insert((*f).into(), RawValue::Bool(*on));
    }
    let ex = Example {
        name: "property".into(),
        year: c.year,
        inputs,
        earlier: BTreeMap::new(),
        other_projects: Vec::new(),
        options: ExampleOptions::default(),
        expect: Vec::new(),
    };
    let file = example_project(base(), &ex).expect("generated project is valid");
    let options = EvalOptions {
        readings: c
            .fx_milli
            .map(|m| SelectedReading {
                id: "fdi_usd_converted".into(),
                param: Some(Decimal::new(m as i64, 3)),
            })
            .into_iter()
            .collect(),
        strict: false,
    };
    evaluate(base(), &file, &options).expect("evaluates")
}

fn fired_tier(b: &Report, rule: &str) -> Option<u8> {
    let line = b.lines_of(rule).next()?;
    b.trace(line).iter().find_map(|s| match s {
        Node::Tier {
            index, fired: true, ..
        } => Some(*index),
        _ => None,
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn no_line_exceeds_its_cap(c in case()) {
        let b = run(&c, c.arrived);
        for l in &b.lines {
            let rule = b.rule(l);
            for cap in &rule.caps {
                if let Cap::PerLine(limit) = cap {
                    prop_assert!(l.amount.is_none_or(|a| a <= limit.0), "{} amount {:?} over {}", rule.id, l.amount, limit.0);
                    prop_assert!(l.ceiling.is_none_or(|x| x <= limit.0), "{} ceiling {:?} over {}", rule.id, l.ceiling, limit.0);
                }
            }
            if let (Some(a), Some(x)) = (l.amount, l.ceiling) {
                prop_assert!(a <= x, "{}: amount {} above its ceiling {}", rule.id, a, x);
            }
        }
    }

    #[test]
    fn at_most_one_paid_line_per_project_year_and_group(c in case()) {
        // The pairing rule: one paid line per group for the firm and per project, and a
        // firm line paid in a group leaves no project line of that group paid that year.
        let b = run(&c, c.arrived);
        let mut paid: HashMap<(Option<usize>, u16, &str), usize> = HashMap::new();
        for l in &b.lines {
            for g in b.groups(l) {
                if g.policy == StackingPolicy::TakeHighest && l.status.pays() && !l.overlap_excluded {
                    *paid.entry((l.project, l.year, g.id.as_str())).or_default() += 1;
                }
                if g.policy == StackingPolicy::TakeHighest && l.status == Status::Superseded {
                    prop_assert!(b.superseded_by(l).is_some());
                }
            }
        }
        for (key, n) in &paid {
            prop_assert!(*n <= 1, "{:?}: {} lines paid", key, n);
            if key.0.is_some() {
                prop_assert!(!paid.contains_key(&(None, key.1, key.2)), "{:?}: paid for the firm and a project", key);
            }
        }
    }

    #[test]
    fn within_a_tier_more_capital_never_pays_less(c in case(), extra in 0u64..50_000_000) {
        let low = run(&c, c.arrived);
        let high = run(&c, c.arrived + extra);
        for rule in ["fdi_reward_65", "fdi_reward_107"] {
            let (Some(t1), Some(t2)) = (fired_tier(&low, rule), fired_tier(&high, rule)) else { continue };
            if t1 != t2 { continue; }
            let amount = |b: &Report| b.lines_of(rule).next().and_then(|l| l.amount).unwrap_or_default();
            prop_assert!(amount(&high) >= amount(&low), "{}: {} → {} paid {} → {}", rule, c.arrived, c.arrived + extra, amount(&low), amount(&high));
        }
    }
}

/// The properties can fail: a breakdown that pays two lines of one group is caught.
#[test]
fn the_stacking_property_detects_double_payment() {
    let c = Case {
        year: 2024,
        industry: "other",
        kind: "new",
        arrived: 20_000_000,
        loans_permille: 0,
        flags: vec![false; FLAGS.len()],
        fx_milli: None,
    };
    let mut b = run(&c, c.arrived);
    let paid = |b: &Report| {
        b.lines
            .iter()
            .filter(|l| b.groups(l).any(|g| g.id == "fdi_reward") && l.status.pays())
            .count()
    };
    assert_eq!(paid(&b), 1);
    let fdi: Vec<usize> = (0..b.lines.len())
        .filter(|&i| b.rule(&b.lines[i]).id.starts_with("fdi_reward"))
        .collect();
    for i in fdi {
        b.lines[i].status = Status::Granted;
    }
    assert_eq!(paid(&b), 2);
}
