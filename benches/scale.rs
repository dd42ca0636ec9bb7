//! A bureau's portfolio of 100 and 1,000 projects over 3 years (the mix of
//! `scripts/scaling.sh`): parse, evaluate, and write each output. The time per project
//! should stay flat from 100 to 1,000; a pass that scans every line per line shows as a
//! tenfold rise per project.

use std::hint::black_box;
use std::process::Command;
use std::sync::Arc;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use incentives::engine::{evaluate, evaluate_with, Explainer, Traces};
use incentives::load::load_embedded;
use incentives::pack::Lang;
use incentives::project::parse_project;
use incentives::render::{csv, json, text};
use incentives::report::EvalOptions;

/// The project file `scripts/scaling.sh --generate` writes.
fn portfolio(projects: usize, years: usize) -> String {
    let out = Command::new("bash")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/scripts/scaling.sh"))
        .args(["--generate", &projects.to_string(), &years.to_string()])
        .output()
        .expect("scripts/scaling.sh runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("UTF-8")
}

fn bench(c: &mut Criterion) {
    let base = Arc::new(load_embedded().expect("embedded packs load"));
    let options = EvalOptions::default();
    let mut group = c.benchmark_group("scale");
    group.sample_size(10);
    for projects in [100, 1_000] {
        let source = portfolio(projects, 3);
        let file = parse_project("portfolio.ron", &source, &base).expect("parses");
        let report = evaluate(&base, &file, &options).expect("evaluates");
        group.throughput(Throughput::Elements(projects as u64));
        group.bench_with_input(BenchmarkId::new("parse", projects), &source, |b, s| {
            b.iter(|| parse_project("portfolio.ron", black_box(s), &base).expect("parses"))
        });
        group.bench_with_input(BenchmarkId::new("evaluate", projects), &file, |b, f| {
            b.iter(|| evaluate(&base, black_box(f), &options).expect("evaluates"))
        });
        // What `incentives calc` does: a sparse evaluation, then every line written, the
        // lines it left out evaluated again as they are written.
        group.bench_with_input(
            BenchmarkId::new("evaluate_sparse", projects),
            &file,
            |b, f| {
                b.iter(|| {
                    evaluate_with(&base, black_box(f), &options, Traces::Shown).expect("evaluates")
                })
            },
        );
        let sparse = evaluate_with(&base, &file, &options, Traces::Shown).expect("evaluates");
        group.bench_function(BenchmarkId::new("text_sparse", projects), |b| {
            b.iter(|| {
                let mut out = std::io::sink();
                text::write_with(
                    black_box(&sparse),
                    &mut Explainer::new(&file),
                    Lang::Zh,
                    text::Detail::Normal,
                    &mut out,
                )
            })
        });
        group.bench_function(BenchmarkId::new("jsonl_sparse", projects), |b| {
            b.iter(|| {
                json::write_jsonl(
                    black_box(&sparse),
                    &mut Explainer::new(&file),
                    Lang::Zh,
                    &mut std::io::sink(),
                )
            })
        });
        group.bench_function(BenchmarkId::new("text", projects), |b| {
            b.iter(|| {
                let mut out = std::io::sink();
                text::write(black_box(&report), Lang::Zh, text::Detail::Normal, &mut out)
            })
        });
        group.bench_function(BenchmarkId::new("jsonl", projects), |b| {
            b.iter(|| {
                json::write_jsonl(
                    black_box(&report),
                    &mut Explainer::whole(),
                    Lang::Zh,
                    &mut std::io::sink(),
                )
            })
        });
        group.bench_function(BenchmarkId::new("csv", projects), |b| {
            b.iter(|| {
                csv::write_csv(
                    black_box(&report),
                    &mut Explainer::whole(),
                    Lang::Zh,
                    &mut std::io::sink(),
                )
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
