//! One project-year against every embedded pack, with the full trace; the owned report of
//! the multi-policy example with every explanation; and the pack load.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use incentives::engine::evaluate;
use incentives::load::load_embedded;
use incentives::messages::explain;
use incentives::pack::Lang;
use incentives::project::parse_project;
use incentives::report::EvalOptions;

const ONE_PROJECT_YEAR: &str = r#"
Project(
    subject: (name: "基准企业", years: {2024: {"foreign_rd_centre_recognised_this_year": true}}),
    projects: [
        (
            id: "P1",
            inputs: {"industry": "manufacturing", "project_kind": "capital_increase", "district": "liangjiang", "major_investment_project": true},
            years: {
                2024: {
                    "fdi_arrived_usd": "35000000",
                    "fdi_shareholder_loans_usd": "2000000",
                    "smart_retrofit": true,
                    "green_retrofit": true,
                },
            },
        ),
    ],
)
"#;

fn bench(c: &mut Criterion) {
    let base = std::sync::Arc::new(load_embedded().expect("embedded packs load"));
    let project =
        parse_project("bench.ron", ONE_PROJECT_YEAR, &base).expect("bench project parses");
    let options = EvalOptions::default();
    let rules = base.rules.len();
    c.bench_function(
        &format!("evaluate one project-year, {rules} rules, full trace"),
        |b| {
            b.iter(|| {
                evaluate(black_box(&base), black_box(&project), black_box(&options))
                    .expect("evaluates")
            })
        },
    );
    // The same with a reading that switches the kind of a cap (47号's unit cap over the
    // whole period): the one case that evaluates against a copy of the rule base.
    let switched = EvalOptions {
        readings: vec![incentives::report::SelectedReading {
            id: "natl_programme_unit_cap_whole_period".into(),
            param: None,
        }],
        strict: false,
    };
    c.bench_function(
        &format!("evaluate one project-year, {rules} rules, a cap reading selected"),
        |b| {
            b.iter(|| {
                evaluate(black_box(&base), black_box(&project), black_box(&switched))
                    .expect("evaluates")
            })
        },
    );
    // The multi-policy example: one project over two years, with the firm's own lines.
    let text = include_str!("../examples/multi-policy.ron");
    let multi = parse_project("multi-policy.ron", text, &base).expect("example parses");
    let project_years: usize = multi.projects.iter().map(|p| p.years.len()).sum();
    c.bench_function(
        &format!(
            "owned report of multi-policy.ron ({project_years} project-years), typed explanations"
        ),
        |b| {
            b.iter(|| {
                evaluate(black_box(&base), black_box(&multi), black_box(&options))
                    .expect("evaluates")
            })
        },
    );
    c.bench_function(
        &format!("owned report of multi-policy.ron ({project_years} project-years), every explanation worded in Chinese"),
        |b| {
            b.iter(|| {
                let report = evaluate(black_box(&base), black_box(&multi), black_box(&options))
                    .expect("evaluates");
                let mut sentences = 0;
                for line in report.lines.iter().filter(|l| l.disposition.relevant()) {
                    sentences += explain(&report, line, Lang::Zh).len();
                }
                black_box(sentences)
            })
        },
    );
    c.bench_function("load and check every embedded pack", |b| {
        b.iter(|| load_embedded().expect("loads"))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
