//! Loading a large rule pack: 10,000 rules generated in memory beside the shipped input,
//! stacking and agency files, parsed, resolved and checked (every reference, every golden
//! example typed), as an officer's colleague's folder would be.

use std::hint::black_box;
use std::path::Path;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, Criterion};
use incentives::load::load_texts;

/// One rule of the generated pack: a tier table on an input, a fixed sum, a cap, a
/// stacking group, notes and a golden example — the size and shape of a shipped rule.
fn rule(i: usize) -> String {
    let threshold = 1_000_000 + i * 10;
    format!(
        r#"        // Rule {i}: a copy of the shape of 65号 §13 (this comment names id: "r{i}" on purpose).
        Rule(
            id: "r{i}",
            title: (zh: "生成的规则{i}", en: "Generated rule {i}"),
            clause: "一、{i}",
            line: {line},
            quote: "对年实际到位外资金额超过{threshold}美元的新项目，按不低于2%的额度予以奖励，单个项目年度奖励金额最高不超过1000万元。",
            lead: ["市商务委"],
            benefit: Grant,
            per: ProjectYear,
            base: Minus(Input("fdi_arrived_usd"), Input("fdi_shareholder_loans_usd")),
            eligible: All([
                Flag("set_up_in_chongqing"),
                OneOf("project_kind", ["new", "capital_increase"]),
                NoneOf("industry", ["real_estate", "finance", "quasi_finance"]),
            ]),
            amount: Tiers([
                (
                    when: All([Is("industry", "manufacturing"), Above(Base, "{big}")]),
                    then: Rate(base: Base, rate: "0.04", kind: AtLeast),
                ),
                (when: Above(Base, "{threshold}"), then: Rate(base: Base, rate: "0.02", kind: AtLeast)),
            ]),
            caps: [PerLine("10000000")],
            ceiling: (period: PerYear),
            stacking: "fdi_reward",
            notes: [(zh: "“超过”不含本数", en: "超过 is strict")],
            examples: [
                Example(
                    name: "just above the threshold",
                    year: 2024,
                    inputs: {{"industry": "other", "project_kind": "new", "fdi_arrived_usd": "{above}"}},
                    expect: [(status: Granted, amount: "{amount}.00", ceiling: "10000000.00")],
                ),
            ],
        ),
"#,
        line = 1 + i % 5000,
        big = threshold * 3,
        above = threshold + 50,
        // 2% of the figure just above the threshold
        amount = (threshold + 50) / 50,
    )
}

/// A document of `n` generated rules.
pub fn generated_document(n: usize) -> String {
    let mut text = String::with_capacity(n * 2600);
    text.push_str(
        r#"Document(
    number: "生成〔2026〕1号",
    title: (zh: "生成的政策", en: "Generated policy"),
    issuer: "重庆市人民政府办公厅",
    level: Municipal,
    issued: "2023-08-25",
    in_force: (from: "2023-08-25", until: None, basis: (zh: "自印发之日起", en: "from issue")),
    source: (file: "000_88296399dd338fd7.txt", lines: (1, 5000)),
    rules: [
"#,
    );
    for i in 0..n {
        text.push_str(&rule(i));
    }
    text.push_str("    ],\n)\n");
    text
}

/// The shipped input, stacking and agency files, and a generated document of `n` rules.
fn pack(n: usize) -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("rules/ is readable")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().unwrap_or_default().to_string_lossy();
            p.extension().is_some_and(|x| x == "ron")
                && (name.starts_with("inputs")
                    || name.starts_with("stacking")
                    || name == "agencies.ron")
        })
        .map(|p| {
            let text = std::fs::read_to_string(&p).expect("a shipped pack is readable");
            (p.display().to_string(), text)
        })
        .collect();
    files.sort();
    files.push(("generated.ron".to_owned(), generated_document(n)));
    files
}

fn bench(c: &mut Criterion) {
    let files = pack(10_000);
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    let base = load_texts(&files).expect("the generated pack loads");
    assert_eq!(base.rules.len(), 10_000);
    println!("generated pack: {} rules, {bytes} bytes", base.rules.len());
    let mut group = c.benchmark_group("load");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("load_texts, 10,000 generated rules", |b| {
        b.iter(|| load_texts(black_box(&files)).expect("loads"))
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
