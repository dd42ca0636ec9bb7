//! A realistic multi-policy firm (examples/multi-policy.ron): foreign capital, R&D, a
//! national programme and a listing. Every line that is not ineligible or out of force is
//! listed here with its figures, computed by hand from the clauses, and so are the totals.

use std::sync::Arc;

use incentives::engine::evaluate;
use incentives::load::load_embedded;
use incentives::money::fen_string;
use incentives::project::parse_project;
use incentives::report::{EvalOptions, Status};

type Expected = (
    &'static str,
    Option<&'static str>,
    u16,
    Status,
    Option<&'static str>,
    Option<&'static str>,
    Option<&'static str>,
);

#[test]
fn every_line_and_both_totals() {
    let base = Arc::new(load_embedded().expect("embedded packs load"));
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/multi-policy.ron");
    let text = std::fs::read_to_string(path).unwrap();
    let file = parse_project("multi-policy.ron", &text, &base).expect("example parses");
    let b = evaluate(&base, &file, &EvalOptions::default()).expect("evaluates");

    use Status::*;
    // (rule, project, year, status, amount, ceiling, superseded_by)
    let expected: Vec<Expected> = vec![
        // 47号 二（八）: 3% of last year's national funding, at most 1,000,000 per project.
        // 2024: 20,000,000 × 3% = 600,000. 2025: 50,000,000 × 3% = 1,500,000 → 1,000,000.
        (
            "natl_programme_reward_47",
            Some("P1"),
            2024,
            Granted,
            Some("600000.00"),
            Some("600000.00"),
            None,
        ),
        (
            "natl_programme_reward_47",
            Some("P1"),
            2025,
            Granted,
            Some("1000000.00"),
            Some("1000000.00"),
            None,
        ),
        // 11号's unquantified reward for the same national project: 就高不重复.
        (
            "key_tech_project_reward_11",
            Some("P1"),
            2024,
            Superseded,
            None,
            None,
            Some("natl_programme_reward_47"),
        ),
        (
            "key_tech_project_reward_11",
            Some("P1"),
            2025,
            Superseded,
            None,
            None,
            Some("natl_programme_reward_47"),
        ),
        // Foreign capital. 2024: 40,000,000 − 5,000,000 loans = 35,000,000 > 30,000,000,
        // manufacturing → 4% = 1,400,000. 2025: 12,000,000 > 10,000,000 → 2% = 240,000.
        // Equal in both documents; the newer 65号 is cited.
        (
            "fdi_reward_65",
            Some("P1"),
            2024,
            Granted,
            Some("1400000.00"),
            Some("10000000.00"),
            None,
        ),
        (
            "fdi_reward_107",
            Some("P1"),
            2024,
            Superseded,
            Some("1400000.00"),
            Some("10000000.00"),
            Some("fdi_reward_65"),
        ),
        (
            "fdi_reward_65",
            Some("P1"),
            2025,
            Granted,
            Some("240000.00"),
            Some("10000000.00"),
            None,
        ),
        (
            "fdi_reward_107",
            Some("P1"),
            2025,
            Superseded,
            Some("240000.00"),
            Some("10000000.00"),
            Some("fdi_reward_65"),
        ),
        // 47号 二（十） R&D reserve: up to 3% of the stock + up to 10% of the increment; the
        // city pays at 10,000,000 and above. 2024: min(15M, 12M) × 3% + 3M × 10% = 360,000 +
        // 300,000 = 660,000. 2025: 15M × 3% + 3M × 10% = 450,000 + 300,000 = 750,000.
        (
            "rd_reserve_subsidy_47",
            None,
            2024,
            CeilingOnly,
            None,
            Some("660000.00"),
            None,
        ),
        (
            "rd_reserve_subsidy_11",
            None,
            2024,
            Superseded,
            None,
            Some("660000.00"),
            Some("rd_reserve_subsidy_47"),
        ),
        (
            "rd_reserve_subsidy_47",
            None,
            2025,
            CeilingOnly,
            None,
            Some("750000.00"),
            None,
        ),
        (
            "rd_reserve_subsidy_11",
            None,
            2025,
            Superseded,
            None,
            Some("750000.00"),
            Some("rd_reserve_subsidy_47"),
        ),
        // 100% super-deduction, as tax saved at 15%: 15M × 15% = 2,250,000; 18M × 15% = 2,700,000.
        (
            "rd_super_deduction_47",
            None,
            2024,
            Granted,
            Some("2250000.00"),
            Some("2250000.00"),
            None,
        ),
        (
            "rd_super_deduction_11",
            None,
            2024,
            Superseded,
            Some("2250000.00"),
            Some("2250000.00"),
            Some("rd_super_deduction_47"),
        ),
        (
            "rd_super_deduction_47",
            None,
            2025,
            Granted,
            Some("2700000.00"),
            Some("2700000.00"),
            None,
        ),
        (
            "rd_super_deduction_11",
            None,
            2025,
            Superseded,
            Some("2700000.00"),
            Some("2700000.00"),
            Some("rd_super_deduction_47"),
        ),
        // 11号 十六: a manufacturer may join market-based electricity trading (in kind, no money).
        (
            "energy_cost_market_trading_11",
            None,
            2024,
            Unquantified,
            None,
            None,
            None,
        ),
        (
            "energy_cost_market_trading_11",
            None,
            2025,
            Unquantified,
            None,
            None,
            None,
        ),
        // Listing on the STAR Market in 2025: 65号 and 47号 both up to 8,000,000; one is paid.
        (
            "listing_reward_65",
            None,
            2025,
            CeilingOnly,
            None,
            Some("8000000.00"),
            None,
        ),
        (
            "star_listing_47",
            None,
            2025,
            Superseded,
            None,
            Some("8000000.00"),
            Some("listing_reward_65"),
        ),
    ];

    let mut found: Vec<String> = b
        .lines
        .iter()
        .filter(|l| !matches!(l.status, Ineligible | NotInForce))
        .map(|l| {
            format!(
                "{} {:?} {} {:?} {:?} {:?} {:?}",
                b.rule(l).id,
                b.project_name(l),
                l.year,
                l.status,
                l.amount.map(fen_string),
                l.ceiling.map(fen_string),
                b.superseded_by(l).map(|s| base.rule(s).id.as_str())
            )
        })
        .collect();
    let mut want: Vec<String> = expected
        .iter()
        .map(|(r, p, y, s, a, c, by)| {
            format!(
                "{r} {p:?} {y} {s:?} {:?} {:?} {by:?}",
                a.map(str::to_owned),
                c.map(str::to_owned)
            )
        })
        .collect();
    found.sort();
    want.sort();
    assert_eq!(found, want);

    // Payer of the R&D reserve subsidy: 15,000,000 and 18,000,000 are at or above 10,000,000.
    for l in b.lines_of("rd_reserve_subsidy_47") {
        let payer = l.payer.and_then(|i| b.rule(l).payer.get(i as usize));
        assert_eq!(payer.map(|p| p.payer.zh.as_str()), Some("市级"));
    }

    let t = &b.total;
    // Definite grants: 600,000 + 1,000,000 + 1,400,000 + 240,000 = 3,240,000.
    assert_eq!(fen_string(t.definite), "3240000.00");
    // Ceilings: 600,000 + 1,000,000 + 10,000,000 × 2 + 660,000 + 750,000 + 8,000,000 = 31,010,000.
    assert_eq!(fen_string(t.grant_ceiling_total), "31010000.00");
    // Stated only as ceilings: 660,000 + 750,000 + 8,000,000 = 9,410,000 (the other
    // ceilings above belong to lines with a definite minimum).
    assert_eq!(fen_string(t.ceilings), "9410000.00");
    // Per year, firm and project together: 2024 = 600,000 + 1,400,000 definite.
    assert_eq!(fen_string(b.years[0].definite), "2000000.00");
    // Tax benefits, kept apart: 2,250,000 + 2,700,000 = 4,950,000.
    assert_eq!(fen_string(t.tax_and_fees), "4950000.00");
    assert_eq!(t.open_ceilings, 0);
}
