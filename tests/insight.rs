//! What would change the answer: thresholds read from the rule data, the distance to the
//! next tier re-evaluated, and a what-if sweep. Every figure computed by hand from
//! 渝府办发〔2023〕65号 §13 and 渝府办发〔2022〕107号 §10 (超过 is strict; 2% above
//! 10,000,000 USD, 4% for manufacturing above 30,000,000 USD; the USD figure is the base
//! and the reward is paid in 元; 10,000,000 元 per project per year).

use std::sync::{Arc, OnceLock};

use incentives::engine::evaluate;
use incentives::insight::{
    default_range, next_tiers, sweep, thresholds, thresholds_under, to_plot, NextTier,
    ThresholdKind,
};
use incentives::load::{load_embedded, RuleBase};
use incentives::project::{ProjectBuilder, ProjectFile};
use incentives::report::{EvalOptions, SelectedReading};
use rust_decimal::Decimal;

fn base() -> &'static Arc<RuleBase> {
    static BASE: OnceLock<Arc<RuleBase>> = OnceLock::new();
    BASE.get_or_init(|| Arc::new(load_embedded().expect("embedded packs load")))
}

fn d(s: &str) -> Decimal {
    s.parse().unwrap()
}

fn slot(id: &str) -> usize {
    base().catalog.slot(id).unwrap()
}

/// One new project of `industry` with `usd` arrived in 2024 (and `loans` of it
/// foreign-shareholder loans).
fn project(industry: &str, usd: &str, loans: Option<&str>) -> ProjectFile {
    ProjectBuilder::new("某外资企业")
        .project("P1", |p| {
            p.input("industry", industry)
                .input("project_kind", "new")
                .year(2024, |y| {
                    let y = y.input("fdi_arrived_usd", usd);
                    match loans {
                        Some(l) => y.input("fdi_shareholder_loans_usd", l),
                        None => y,
                    }
                })
        })
        .build(&base().catalog)
        .expect("a valid project")
}

/// The distance reported for rule `id` on project 0 in 2024, moving `fdi_arrived_usd`.
fn distance(list: &[NextTier], id: &str) -> Option<NextTier> {
    list.iter()
        .find(|n| {
            base().rule(n.rule).id == id
                && n.project == Some(0)
                && n.year == 2024
                && n.input_slot == slot("fdi_arrived_usd")
        })
        .cloned()
}

#[test]
fn thresholds_of_arrived_capital_come_from_both_documents() {
    let all = thresholds(base(), slot("fdi_arrived_usd"));
    for id in ["fdi_reward_65", "fdi_reward_107"] {
        let of = |kind: ThresholdKind, at: &str| {
            all.iter()
                .find(|t| t.rule_id == id && t.kind == kind && t.at == d(at))
                .unwrap_or_else(|| panic!("{id}: no {kind:?} at {at} in {all:#?}"))
        };
        // 超过1000万美元 and 超过3000万美元: strict, on the base (arrived − shareholder loans).
        for at in ["10000000", "30000000"] {
            let t = of(ThresholdKind::Strict, at);
            assert!(t.on_base, "{id}: the base subtracts shareholder loans");
            assert_eq!(t.factor, Decimal::ONE);
            assert_eq!(t.limit, d(at));
        }
        // The 10,000,000 元 cap binds at 10,000,000 / 4% = 250,000,000 USD on the 4% tier
        // and at 10,000,000 / 2% = 500,000,000 USD on the 2% tier.
        let four = of(ThresholdKind::CapBinds, "250000000");
        assert_eq!(
            (four.limit, four.factor, four.cap),
            (d("10000000"), d("0.04"), Some(0))
        );
        let two = of(ThresholdKind::CapBinds, "500000000");
        assert_eq!(
            (two.limit, two.factor, two.cap),
            (d("10000000"), d("0.02"), Some(0))
        );
    }
    // Shareholder loans lower the base: the same tiers are upper bounds on them.
    let loans = thresholds(base(), slot("fdi_shareholder_loans_usd"));
    assert!(loans
        .iter()
        .filter(|t| t.rule_id == "fdi_reward_65")
        .all(|t| t.kind == ThresholdKind::Below && t.factor == Decimal::NEGATIVE_ONE));
    assert!(!loans.is_empty());
}

#[test]
fn readings_move_the_thresholds() {
    // 65号 counting shareholder loans: its base is the arrived figure itself.
    let counted = EvalOptions {
        readings: vec![SelectedReading {
            id: "fdi65_count_shareholder_loans".into(),
            param: None,
        }],
        strict: false,
    };
    let t = thresholds_under(base(), slot("fdi_arrived_usd"), &counted);
    let tier = |id: &str| {
        t.iter()
            .find(|t| t.rule_id == id && t.kind == ThresholdKind::Strict && t.at == d("10000000"))
            .unwrap()
            .on_base
    };
    assert!(!tier("fdi_reward_65"));
    assert!(tier("fdi_reward_107"), "107号 always excludes the loans");

    // Converted at 7.1 CNY per USD: the cap binds at 10,000,000 / (4% × 7.1) =
    // 10,000,000 / 0.284 USD.
    let converted = EvalOptions {
        readings: vec![SelectedReading {
            id: "fdi_usd_converted".into(),
            param: Some(d("7.1")),
        }],
        strict: false,
    };
    let t = thresholds_under(base(), slot("fdi_arrived_usd"), &converted);
    let cap = t
        .iter()
        .find(|t| {
            t.rule_id == "fdi_reward_65"
                && t.kind == ThresholdKind::CapBinds
                && t.factor == d("0.284")
        })
        .expect("the 4% cap under the converted reading");
    assert_eq!(cap.at, (d("10000000") / d("0.284")).normalize());
    // Without a known rate (no selection), the converted branch has no place on the axis.
    assert!(thresholds(base(), slot("fdi_arrived_usd"))
        .iter()
        .all(|t| t.factor != d("0.284")));
}

#[test]
fn from_two_percent_to_four_percent() {
    // Manufacturing, new, 28,000,000 USD in 2024, no shareholder loans:
    //   above 10,000,000, not above 30,000,000 → 2% × 28,000,000 = 560,000 元.
    // 超过3000万 is strict: 30,000,000 does not count; the smallest whole-dollar figure
    // that does is 30,000,001, so the increment is 30,000,001 − 28,000,000 = 2,000,001 USD.
    //   4% × 30,000,001 = 1,200,000.04 元; gain 1,200,000.04 − 560,000 = 640,000.04 元.
    let f = project("manufacturing", "28000000", None);
    let opts = EvalOptions::default();
    let report = evaluate(base(), &f, &opts).unwrap();
    let list = next_tiers(base(), &f, &opts, &report);
    let n = distance(&list, "fdi_reward_65").expect("65号 has a next tier");
    assert_eq!(n.current, d("28000000"));
    assert_eq!(n.figure, d("28000000"));
    assert!(n.on_base);
    assert_eq!(n.threshold, d("30000000"));
    assert_eq!(n.needed, d("2000001"));
    assert!(n.strictly_more);
    assert_eq!(n.target_tier, 0);
    assert_eq!(n.amount_now, Some(d("560000")));
    assert_eq!(n.amount_then, Some(d("1200000.04")));
    assert_eq!(n.gain, d("640000.04"));
    assert_eq!(
        base().rule(report.lines[n.line_index].slot).id,
        "fdi_reward_65"
    );

    // 107号 has the same tiers and reports the same distance.
    let m = distance(&list, "fdi_reward_107").expect("107号 has a next tier");
    assert_eq!(
        (
            m.needed,
            m.strictly_more,
            m.target_tier,
            m.amount_now,
            m.amount_then,
            m.gain
        ),
        (
            n.needed,
            true,
            0,
            Some(d("560000")),
            Some(d("1200000.04")),
            d("640000.04")
        )
    );
}

#[test]
fn from_nothing_to_two_percent() {
    // 9,000,000 USD is not above 10,000,000: no tier, nothing due. The smallest figure
    // above 10,000,000 is 10,000,001: +1,000,001 USD, reaching the 2% tier (index 1):
    //   2% × 10,000,001 = 200,000.02 元, all of it gained. (30,000,000 is further away.)
    let f = project("manufacturing", "9000000", None);
    let opts = EvalOptions::default();
    let report = evaluate(base(), &f, &opts).unwrap();
    let list = next_tiers(base(), &f, &opts, &report);
    for id in ["fdi_reward_65", "fdi_reward_107"] {
        let n = distance(&list, id).unwrap_or_else(|| panic!("{id} has a next tier"));
        assert_eq!(n.needed, d("1000001"), "{id}");
        assert!(n.strictly_more);
        assert_eq!(n.target_tier, 1);
        assert_eq!(n.amount_now, None);
        assert_eq!(n.amount_then, Some(d("200000.02")));
        assert_eq!(n.gain, d("200000.02"));
    }
}

#[test]
fn the_four_percent_tier_is_out_of_reach_outside_manufacturing() {
    // Services at 28,000,000: more capital reaches no better tier (4% needs
    // manufacturing); re-evaluation shows it, so no distance is reported.
    let f = project("services", "28000000", None);
    let opts = EvalOptions::default();
    let report = evaluate(base(), &f, &opts).unwrap();
    let list = next_tiers(base(), &f, &opts, &report);
    assert!(distance(&list, "fdi_reward_65").is_none(), "{list:#?}");
    assert!(distance(&list, "fdi_reward_107").is_none());
}

#[test]
fn shareholder_loans_shift_the_distance() {
    // 12,000,000 arrived of which 2,500,000 shareholder loans: base 9,500,000, not above
    // 10,000,000. The threshold is on the base: +500,001 USD of arrived capital (loans
    // unchanged) gives a base of 10,000,001 → 2% × 10,000,001 = 200,000.02 元.
    let f = project("services", "12000000", Some("2500000"));
    let opts = EvalOptions::default();
    let report = evaluate(base(), &f, &opts).unwrap();
    let list = next_tiers(base(), &f, &opts, &report);
    let n = distance(&list, "fdi_reward_65").unwrap();
    assert_eq!(
        (n.current, n.figure, n.on_base),
        (d("12000000"), d("9500000"), true)
    );
    assert_eq!(n.needed, d("500001"));
    assert_eq!(n.amount_then, Some(d("200000.02")));
    // Raising the loans never reaches a tier: no distance is given on them.
    assert!(!list
        .iter()
        .any(|n| n.input_slot == slot("fdi_shareholder_loans_usd")));
}

#[test]
fn a_sweep_shows_each_side_of_each_threshold() {
    let f = project("manufacturing", "28000000", None);
    let s = sweep(
        base(),
        &f,
        &EvalOptions::default(),
        (Some(0), 2024),
        slot("fdi_arrived_usd"),
        d("0"),
        d("40000000"),
        5,
    )
    .unwrap();
    // Five even points (0, 10M, 20M, 30M, 40M), each strict threshold and one dollar above
    // it; the caps bind far outside (250,000,000 and 500,000,000).
    let xs: Vec<Decimal> = [
        "0", "10000000", "10000001", "20000000", "30000000", "30000001", "40000000",
    ]
    .map(d)
    .to_vec();
    assert_eq!(s.xs, xs);
    assert_eq!(s.current, Some(d("28000000")));
    // The year's definite sum counts the stacking winner once:
    //   10,000,000: not above → 0;           10,000,001 × 2% = 200,000.02
    //   20,000,000 × 2% = 400,000;           30,000,000 × 2% = 600,000 (not above 30M)
    //   30,000,001 × 4% = 1,200,000.04;      40,000,000 × 4% = 1,600,000
    let want: Vec<Decimal> = [
        "0",
        "0",
        "200000.02",
        "400000",
        "600000",
        "1200000.04",
        "1600000",
    ]
    .map(d)
    .to_vec();
    assert_eq!(s.total_definite, want);
    // Both documents' lines change; each carries the figure it would pay.
    for id in ["fdi_reward_65", "fdi_reward_107"] {
        let line = s
            .lines
            .iter()
            .find(|l| base().rule(l.rule).id == id)
            .unwrap_or_else(|| panic!("{id} changes over the sweep"));
        assert_eq!(line.project, Some(0));
        assert_eq!(line.amounts[1], None);
        assert_eq!(line.amounts[2], Some(d("200000.02")));
        assert_eq!(line.amounts[4], Some(d("600000")));
        assert_eq!(line.amounts[5], Some(d("1200000.04")));
    }
    // Lines that do not move are left out.
    assert!(s
        .lines
        .iter()
        .all(|l| l.amounts.windows(2).any(|w| w[0] != w[1])));
    assert_eq!(s.thresholds.len(), s.threshold_xs.len());
    assert_eq!(to_plot(s.total_definite[5]), 1_200_000.04);
}

#[test]
fn a_sweep_places_base_thresholds_on_the_input_axis() {
    // With 2,500,000 of shareholder loans, the base passes 10,000,000 only above
    // 12,500,000 arrived: 12,500,000 → base 10,000,000 → 0;
    // 12,500,001 → base 10,000,001 → 2% = 200,000.02.
    let f = project("services", "12000000", Some("2500000"));
    let s = sweep(
        base(),
        &f,
        &EvalOptions::default(),
        (Some(0), 2024),
        slot("fdi_arrived_usd"),
        d("0"),
        d("20000000"),
        3,
    )
    .unwrap();
    let at = |x: &str| s.xs.iter().position(|v| *v == d(x)).unwrap();
    assert_eq!(s.total_definite[at("12500000")], d("0"));
    assert_eq!(s.total_definite[at("12500001")], d("200000.02"));
    // 20,000,000 − 2,500,000 = 17,500,000 × 2% = 350,000
    assert_eq!(s.total_definite[at("20000000")], d("350000"));
}

#[test]
fn sweep_refuses_a_place_the_input_does_not_have() {
    let f = project("manufacturing", "28000000", None);
    let r = sweep(
        base(),
        &f,
        &EvalOptions::default(),
        (None, 2024),
        slot("fdi_arrived_usd"),
        d("0"),
        d("1"),
        2,
    );
    assert!(r.is_err());
    let r = sweep(
        base(),
        &f,
        &EvalOptions::default(),
        (Some(0), 2024),
        slot("industry"),
        d("0"),
        d("1"),
        2,
    );
    assert!(r.is_err());
}

#[test]
fn default_ranges_are_round() {
    let t: Vec<_> = thresholds(base(), slot("fdi_arrived_usd"))
        .into_iter()
        .filter(|t| t.kind != ThresholdKind::CapBinds)
        .collect();
    // max(28,000,000, 30,000,000) × 1.25 = 37,500,000 → 40,000,000
    assert_eq!(
        default_range(&t, Some(d("28000000"))),
        (d("0"), d("40000000"))
    );
    // 50,000,000 × 1.25 = 62,500,000 → 80,000,000
    assert_eq!(
        default_range(&t, Some(d("50000000"))),
        (d("0"), d("80000000"))
    );
    // With the caps: 500,000,000 × 1.25 = 625,000,000 → 800,000,000
    let all = thresholds(base(), slot("fdi_arrived_usd"));
    assert_eq!(default_range(&all, None), (d("0"), d("800000000")));
    assert_eq!(default_range(&[], None), (d("0"), d("1")));
    // 8 × 1.25 = 10 → 10
    assert_eq!(default_range(&[], Some(d("8"))), (d("0"), d("10")));
}

/// A made-up pack, to show nothing above depends on the foreign-capital rule: an inclusive
/// tier on half a figure (`AtLeast(Times(sales, 0.5), 1,000,000)`, i.e. sales of at least
/// 2,000,000) above an inclusive tier at 500,000, and a rate capped at 30,000.
fn made_up() -> Arc<RuleBase> {
    let inputs = r#"Inputs(
        groups: [FormGroup(id: "test", label: (zh: "测试", en: "Test"), order: 1)],
        group: "test",
        inputs: [
        Input(id: "sales_yuan", label: (zh: "销售额", en: "Sales"), kind: Number(Yuan),
              scope: ProjectYear, help: (zh: "", en: "")),
    ])"#;
    let doc = r#"Document(
        number: "测试〔2024〕1号", title: (zh: "测试", en: "Test"), issuer: "测试",
        level: Municipal, issued: "2024-01-01",
        in_force: (from: "2024-01-01", basis: (zh: "测试", en: "test")),
        source: (file: "none.txt", lines: (1, 1)),
        rules: [
            Rule(
                id: "sales_tiers", title: (zh: "销售分档", en: "Sales tiers"), clause: "一",
                line: 1, quote: "测试。", lead: ["测试"], benefit: Grant, per: ProjectYear,
                amount: Tiers([
                    (when: AtLeast(Times(Input("sales_yuan"), "0.5"), "1000000"), then: Fixed("200000")),
                    (when: AtLeast(Input("sales_yuan"), "500000"), then: Fixed("50000")),
                ]),
            ),
            Rule(
                id: "sales_rate", title: (zh: "销售比例", en: "Sales rate"), clause: "二",
                line: 1, quote: "测试。", lead: ["测试"], benefit: Grant, per: ProjectYear,
                amount: Rate(base: Input("sales_yuan"), rate: "0.03", kind: Exactly),
                caps: [PerLine("30000")],
                ceiling: (period: PerYear),
            ),
        ],
    )"#;
    let files = vec![
        ("inputs.ron".to_owned(), inputs.to_owned()),
        ("doc.ron".to_owned(), doc.to_owned()),
    ];
    Arc::new(incentives::load::load_texts(&files).expect("the made-up pack loads"))
}

#[test]
fn any_rule_with_thresholds_is_covered() {
    let base = made_up();
    let sales = base.catalog.slot("sales_yuan").unwrap();
    let t = thresholds(&base, sales);
    let find = |id: &str, kind: ThresholdKind| {
        t.iter()
            .find(|t| t.rule_id == id && t.kind == kind)
            .unwrap_or_else(|| panic!("{t:#?}"))
    };
    // Times(sales, 0.5) ≥ 1,000,000 ⇔ sales ≥ 1,000,000 / 0.5 = 2,000,000; the figure is
    // sales alone (scaled), so the threshold is on the input itself.
    let half = find("sales_tiers", ThresholdKind::Inclusive);
    assert_eq!(
        (half.at, half.factor, half.on_base),
        (d("2000000"), d("0.5"), false)
    );
    // 30,000 cap on 3%: binds at 30,000 / 0.03 = 1,000,000.
    assert_eq!(find("sales_rate", ThresholdKind::CapBinds).at, d("1000000"));

    // Sales 600,000.50: the lower tier (50,000). The upper needs half the sales to be at
    // least 1,000,000: (1,000,000 − 300,000.25) / 0.5 = 1,399,999.50 more, exactly (an
    // inclusive threshold needs no extra step); then 200,000, a gain of 150,000.
    let f = ProjectBuilder::new("测试企业")
        .project("P1", |p| {
            p.year(2024, |y| y.input("sales_yuan", "600000.50"))
        })
        .build(&base.catalog)
        .unwrap();
    let opts = EvalOptions::default();
    let report = evaluate(&base, &f, &opts).unwrap();
    let list = next_tiers(&base, &f, &opts, &report);
    let n = list
        .iter()
        .find(|n| base.rule(n.rule).id == "sales_tiers")
        .expect("a next tier");
    assert_eq!(n.needed, d("1399999.5"));
    assert!(!n.strictly_more);
    assert_eq!(n.target_tier, 0);
    assert_eq!(
        (n.amount_now, n.amount_then),
        (Some(d("50000")), Some(d("200000")))
    );
    assert_eq!(n.gain, d("150000"));
    // The rate has no tiers: no distance for it.
    assert!(list.iter().all(|n| base.rule(n.rule).id == "sales_tiers"));

    // A sweep of 0..2,000,000 in 3 points meets the tier at 500,000 (inclusive: no point
    // above it is added), the cap at 1,000,000 and the upper tier at 2,000,000:
    //   0: 0; 500,000: 50,000 + 15,000; 1,000,000: 50,000 + 30,000; 2,000,000: 200,000 + 30,000.
    let s = sweep(
        &base,
        &f,
        &opts,
        (Some(0), 2024),
        sales,
        d("0"),
        d("2000000"),
        3,
    )
    .unwrap();
    assert_eq!(s.xs, ["0", "500000", "1000000", "2000000"].map(d).to_vec());
    assert_eq!(
        s.total_definite,
        ["0", "65000", "80000", "230000"].map(d).to_vec()
    );
}

#[test]
fn a_site_reached_by_ascending_equals_the_same_site_built_directly() {
    use incentives::pack::{Site, SiteRoot};
    let mut walked = Site::at(SiteRoot::Amount);
    walked.push(2);
    walked.push(1);
    walked.pop();
    assert_eq!(walked, Site::at(SiteRoot::Amount).child(2));
}
