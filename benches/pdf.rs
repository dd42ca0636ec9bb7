//! The printed report: `examples/multi-policy.ron` against the full embedded rule base,
//! compiled through the Typst template to PDF bytes, after a first warm-up report (which
//! parses the font, the standard library and the template once).

use std::hint::black_box;
use std::sync::Arc;
use std::time::Instant;

use criterion::{criterion_group, criterion_main, Criterion};
use incentives::engine::evaluate;
use incentives::load::load_embedded;
use incentives::pack::Lang;
use incentives::project::parse_project;
use incentives::render::pdf::{report_pdf, PdfMeta};
use incentives::report::EvalOptions;

const MULTI_POLICY: &str = include_str!("../examples/multi-policy.ron");

fn bench(c: &mut Criterion) {
    let base = Arc::new(load_embedded().expect("embedded packs load"));
    let project = parse_project("multi-policy.ron", MULTI_POLICY, &base).expect("example parses");
    let report = evaluate(&base, &project, &EvalOptions::default()).expect("example evaluates");
    let meta = PdfMeta::new("2025-06-30", Some("multi-policy.ron"), Some(&project));
    let start = Instant::now();
    let first = report_pdf(&report, Lang::Zh, &meta).expect("the report compiles");
    eprintln!(
        "first report (cold: font, library, template): {:.1} ms, {} bytes",
        start.elapsed().as_secs_f64() * 1000.0,
        first.len()
    );
    let mut group = c.benchmark_group("pdf");
    group.sample_size(20);
    // A new report each time: the compiler's memo cache is emptied first, so nothing of
    // the previous layout is reused (the font, library and parsed template still are).
    group.bench_function(
        "report_pdf multi-policy.ron, full rule base, new report",
        |b| {
            b.iter(|| {
                typst::comemo::evict(0);
                report_pdf(black_box(&report), Lang::Zh, black_box(&meta)).expect("compiles")
            })
        },
    );
    // The same report again: Typst's memo cache answers most of the layout.
    group.bench_function("report_pdf multi-policy.ron, same report again", |b| {
        b.iter(|| report_pdf(black_box(&report), Lang::Zh, black_box(&meta)).expect("compiles"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
