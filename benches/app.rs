//! CPU time of one frame of the desktop app's results view with every line of
//! `examples/manufacturer.ron` shown and every explanation expanded (the heaviest view),
//! headless through egui_kittest (no GPU: layout and tessellation, not rasterisation).

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion};
use egui_kittest::Harness;
use incentives::app::{install_fonts, results::Filter, IncentivesApp};

fn bench(c: &mut Criterion) {
    let mut app = IncentivesApp::new().expect("the embedded packs load");
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/manufacturer.ron");
    app.open_path(std::path::Path::new(path));
    app.results.filter = Filter::All;
    app.results.expand_all = true;
    let lines = app.doc.report.as_ref().map_or(0, |r| r.lines.len());
    let mut harness = Harness::builder()
        .with_size([1400.0, 900.0])
        .with_max_steps(64)
        .with_context_setup(install_fonts)
        .build_ui_state(|ui, app: &mut IncentivesApp| app.ui(ui), app);
    // Let every explanation open and every font atlas fill before measuring.
    for _ in 0..8 {
        harness.step();
    }
    c.bench_function(
        &format!("one frame of the results view, {lines} lines, every explanation expanded"),
        |b| b.iter(|| black_box(&mut harness).step()),
    );
    harness.state_mut().results.expand_all = false;
    harness.state_mut().results.filter = Filter::Gets;
    for _ in 0..4 {
        harness.step();
    }
    c.bench_function("one frame of the results view as it opens", |b| {
        b.iter(|| black_box(&mut harness).step())
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
