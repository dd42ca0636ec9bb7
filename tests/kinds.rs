//! Kinds of benefit and what the text says of a ceiling: support in kind, a modifier that
//! relaxes other documents' ceilings and counts nowhere, 一事一议 above a ceiling, the
//! period a ceiling covers (kept apart in the totals and named under the table), a reading
//! that switches the kind of a cap, a power in kilowatts, and no reason on a line that pays.
//! Figures are computed by hand from the clauses quoted in the packs.

use std::str::FromStr;
use std::sync::Arc;

use incentives::engine::{evaluate, evaluate_with, Explainer, Traces};
use incentives::load::{load_embedded, load_texts, LoadError, RuleBase};
use incentives::messages::{explain, reason, summary_note};
use incentives::pack::{Cap, Lang};
use incentives::project::{ProjectBuilder, ProjectFile};
use incentives::render::json::{to_json, write_jsonl};
use incentives::render::text;
use incentives::report::{Disposition, EvalOptions, Line, Node, Report, SelectedReading, Status};
use rust_decimal::Decimal;

fn base() -> &'static Arc<RuleBase> {
    use std::sync::OnceLock;
    static BASE: OnceLock<Arc<RuleBase>> = OnceLock::new();
    BASE.get_or_init(|| Arc::new(load_embedded().expect("embedded packs load")))
}

fn d(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

fn run(file: &ProjectFile) -> Report {
    evaluate(base(), file, &EvalOptions::default()).expect("evaluates")
}

fn line<'a>(r: &'a Report, rule: &str, year: u16) -> &'a Line {
    r.lines_of(rule)
        .find(|l| l.year == year)
        .unwrap_or_else(|| panic!("no line of {rule} in {year}"))
}

fn text(r: &Report, l: &Line, lang: Lang) -> String {
    explain(r, l, lang)
        .into_iter()
        .map(|(_, s)| s)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A firm on the 80号 leader list in 2024 and 2025, with a 47号 high-end R&D institution
/// recognised in 2024, and one manufacturing project doing a smart retrofit (65号) in both
/// years and, in 2024, owing a 50,000 late fee on land paid by foreign-exchange settlement
/// (107号, a fee waiver).
fn leader(in_pool: bool) -> ProjectFile {
    let pool = if in_pool { "true" } else { "false" };
    ProjectBuilder::new("重庆某领军制造企业")
        .subject_year(2024, |y| {
            y.input("leader_enterprise_pool", pool)
                .input("high_end_rd_institution_recognised_this_year", "true")
        })
        .subject_year(2025, |y| y.input("leader_enterprise_pool", pool))
        .project("P1", |p| {
            p.input("industry", "manufacturing")
                .input("project_kind", "new")
                .year(2024, |y| {
                    y.input("smart_retrofit", "true")
                        .input("land_price_paid_via_fx_settlement", "true")
                        .input("land_fx_delay_not_enterprise_fault", "true")
                        .input("land_payment_arrears_months", "3")
                        .input("land_late_fee_yuan", "50000")
                })
                .year(2025, |y| y.input("smart_retrofit", "true"))
        })
        .build(&base().catalog)
        .expect("a valid project")
}

#[test]
fn a_sparse_report_names_the_lines_a_modifier_touched_as_the_whole_one_does() {
    // The command line keeps only the lines that pay: the modifier's `touched` still
    // counts among every line (the JSON contract's `lines`), and its sentence names the
    // same two lines.
    let file = leader(true);
    let whole = run(&file);
    let sparse =
        evaluate_with(base(), &file, &EvalOptions::default(), Traces::Shown).expect("evaluates");
    assert!(sparse.lines.len() < whole.lines.len());
    let touched = |r: &Report| -> Vec<u32> {
        r.nodes
            .iter()
            .find_map(|n| match n {
                Node::RelaxesCeilings { touched } if !touched.is_empty() => Some(touched.clone()),
                _ => None,
            })
            .expect("a modifier touched lines")
    };
    assert_eq!(touched(&whole), touched(&sparse));
    for &i in &touched(&whole) {
        let (a, b) = (whole.line_at(i), sparse.line_at(i));
        assert!(a.is_some());
        assert_eq!(a.map(|l| (l.slot, l.year)), b.map(|l| (l.slot, l.year)));
    }
    for lang in [Lang::Zh, Lang::En] {
        let (mut a, mut b) = (Vec::new(), Vec::new());
        write_jsonl(&whole, &mut Explainer::whole(), lang, &mut a).expect("in memory");
        write_jsonl(&sparse, &mut Explainer::new(&file), lang, &mut b).expect("in memory");
        assert!(a == b, "JSON Lines differ");
        let mut b = Vec::new();
        text::write_with(
            &sparse,
            &mut Explainer::new(&file),
            lang,
            text::Detail::Verbose,
            &mut b,
        )
        .expect("in memory");
        assert!(text::render(&whole, lang, text::Detail::Verbose).into_bytes() == b);
    }
}

#[test]
fn a_modifier_marks_other_documents_ceilings_and_counts_nowhere() {
    let r = run(&leader(true));
    let modifier = line(&r, "leader_special_fund_priority_80", 2024);
    assert_eq!(modifier.status, Status::Unquantified);
    assert_eq!(modifier.disposition, Disposition::RelaxesCeilings);
    assert_eq!((modifier.amount, modifier.ceiling), (None, None));
    assert!(
        r.groups(modifier).next().is_none(),
        "never in a stacking group"
    );

    // 65号 智能化改造 最高1000万元 (another document) and 47号 高端研发机构 最高5000万元: both
    // grants that state a ceiling, so both are touched, each naming the modifier.
    let retrofit = line(&r, "smart_retrofit_65", 2024);
    let institution = line(&r, "hiend_rd_inst_47", 2024);
    for l in [retrofit, institution] {
        assert!(l.ceiling_open);
        assert!(r
            .trace(l)
            .iter()
            .any(|n| matches!(n, Node::CeilingRelaxed { by } if *by == modifier.slot)));
        assert!(text(&r, l, Lang::Zh).contains(
            "依据渝府办发〔2021〕80号 领军企业培育方案 四（二）“重点培育企业申报专项资金重点支持、适当放宽上限”：上限标准可适当放宽（幅度原文未载明），所示上限仅供参考，不是确定上限"
        ));
    }
    assert_eq!(retrofit.ceiling, Some(d("10000000")));
    // The fee waiver states a ceiling too (100% of the 50,000 late fee) but is no grant.
    let fee = line(&r, "land_late_fee_waiver_107", 2024);
    assert_eq!(fee.ceiling, Some(d("50000")));
    assert!(!fee.ceiling_open);
    assert!(!r
        .trace(fee)
        .iter()
        .any(|n| matches!(n, Node::CeilingRelaxed { .. })));

    // The modifier lists what it touched, by index into the report's lines.
    let index = |l: &Line| r.lines.iter().position(|x| std::ptr::eq(x, l)).unwrap() as u32;
    let touched = r.trace(modifier).iter().find_map(|n| match n {
        Node::RelaxesCeilings { touched } => Some(touched.clone()),
        _ => None,
    });
    let mut want = vec![index(retrofit), index(institution)];
    want.sort();
    let mut got = touched.expect("the modifier lists the lines it touched");
    got.sort();
    assert_eq!(got, want);
    let listed = text(&r, modifier, Lang::Zh);
    assert!(listed.contains("以下 2 项的上限标准可适当放宽"), "{listed}");
    assert!(listed.contains("智能化改造支持（渝府办发〔2023〕65号，项目“P1”）"));
    assert!(reason(&r, modifier, Lang::Zh).is_none());

    // In 2025 only the retrofit is there to touch.
    let m25 = line(&r, "leader_special_fund_priority_80", 2025);
    assert!(text(&r, m25, Lang::En).contains("The ceilings of these 1 lines may be relaxed"));

    // Totals by hand. 仅上限: 10,000,000 (2024 retrofit) + 50,000,000 (institution) +
    // 10,000,000 (2025 retrofit) = 70,000,000; the retrofit's clause states no period
    // (20,000,000), the institution's is once (50,000,000). Open ceilings: the two retrofit
    // lines (relaxed) and the institution (一事一议 and relaxed) = 3. 金额未定: 11号's leader
    // support in 2024 and 2025 = 2; the modifier lines count nowhere.
    let t = &r.total;
    assert_eq!(t.ceilings, d("70000000"));
    assert_eq!(t.ceiling_periods.not_stated, d("20000000"));
    assert_eq!(t.ceiling_periods.whole_period, d("50000000"));
    assert_eq!(t.ceiling_periods.per_year, d("0"));
    assert_eq!(t.grant_ceiling_total, d("70000000"));
    assert_eq!(t.grant_ceiling_not_stated, d("20000000"));
    assert_eq!(t.open_ceilings, 3);
    assert_eq!(t.unquantified, 2);
    assert_eq!(t.in_kind, 0);
    // The fee waiver's ceiling stays apart from grants: 50,000.
    assert_eq!(t.tax_and_fee_ceilings, d("50000"));
    let y2025 = r.years.iter().find(|s| s.year == Some(2025)).unwrap();
    assert_eq!(
        (
            y2025.ceilings,
            y2025.ceiling_periods.not_stated,
            y2025.open_ceilings
        ),
        (d("10000000"), d("10000000"), 1)
    );

    // The one sentence under the table, in both languages.
    let zh = summary_note(t, Lang::Zh);
    assert!(
        zh.contains("仅上限为最高额，具体金额经审核确定，其中 20,000,000.00 元（2,000万元）出自未载明期限（每年或一次性）的条款，按年度列示，多年相加仅供参考"),
        "{zh}"
    );
    assert!(
        zh.contains("另有 3 项资金奖补无确定上限（原文未设上限、可“一事一议”或上限可适当放宽），最高额合计仅供参考"),
        "{zh}"
    );
    let en = summary_note(t, Lang::En);
    assert!(
        en.contains("of which CNY 20,000,000.00 comes from clauses that state no period"),
        "{en}"
    );
    assert!(en.contains("3 grant lines have no firm ceiling"), "{en}");

    // The JSON contract carries the same.
    let j = to_json(&r, Lang::Zh);
    assert_eq!(j["total"]["ceiling_periods"]["not_stated"], "20000000.00");
    assert_eq!(j["total"]["ceiling_periods"]["whole_period"], "50000000.00");
    assert_eq!(j["total"]["grant_ceiling_not_stated"], "20000000.00");
    assert_eq!(j["total"]["open_ceilings"], 3);
    let jl = |rule: &str, year: u16| {
        j["lines"]
            .as_array()
            .unwrap()
            .iter()
            .find(|l| l["rule"] == rule && l["year"] == year)
            .unwrap()
            .clone()
    };
    let m = jl("leader_special_fund_priority_80", 2024);
    assert_eq!(m["benefit"], "modifier");
    assert_eq!(m["disposition"], "relaxes_ceilings");
    assert_eq!(m["stacking_group"], serde_json::Value::Null);
    let rj = jl("smart_retrofit_65", 2024);
    assert_eq!(rj["ceiling_open"], true);
    assert_eq!(rj["ceiling_period"], "not_stated");
    assert!(rj["explanation"]
        .as_array()
        .unwrap()
        .iter()
        .any(|n| n["node"] == "ceiling_relaxed"));
}

#[test]
fn without_the_modifier_only_the_case_by_case_ceiling_is_open() {
    let r = run(&leader(false));
    let m = line(&r, "leader_special_fund_priority_80", 2024);
    assert_ne!(m.disposition, Disposition::RelaxesCeilings);
    let retrofit = line(&r, "smart_retrofit_65", 2024);
    assert!(!retrofit.ceiling_open);
    // 47号 (三): 最高5000万元 … 对特别重大的高端研发机构,可“一事一议”: open all the same.
    let institution = line(&r, "hiend_rd_inst_47", 2024);
    assert!(institution.ceiling_open);
    assert!(text(&r, institution, Lang::Zh).contains(
        "原文另规定：「对特别重大的高端研发机构,可“一事一议”给予支持。」所示最高额仅供参考，不是确定上限"
    ));
    assert_eq!(r.total.open_ceilings, 1);
    // The retrofit still states no period: a sentence on the line, and in the note.
    assert!(text(&r, retrofit, Lang::Zh)
        .contains("原文未载明该上限按年度还是按整个期限计算：按每年列示，多年相加仅供参考"));
    assert!(summary_note(&r.total, Lang::Zh).contains("另有 1 项资金奖补无确定上限"));
}

#[test]
fn a_firm_bound_per_year_ceiling_leaves_the_note_as_it_was() {
    // 65号 §13: 35,000,000 USD to a manufacturing project, 4% = 1,400,000 (a minimum),
    // 单个项目年度…最高不超过1000万元: a ceiling per year, firm, no note needed.
    let f = ProjectBuilder::new("测试企业")
        .project("P1", |p| {
            p.input("industry", "manufacturing")
                .input("project_kind", "new")
                .year(2024, |y| y.input("fdi_arrived_usd", "35000000"))
        })
        .build(&base().catalog)
        .unwrap();
    let r = run(&f);
    let l = line(&r, "fdi_reward_65", 2024);
    assert_eq!(l.amount, Some(d("1400000")));
    assert!(!l.ceiling_open);
    assert_eq!(r.total.open_ceilings, 0);
    assert_eq!(r.total.grant_ceiling_not_stated, d("0"));
    let zh = summary_note(&r.total, Lang::Zh);
    assert!(
        !zh.contains("未载明期限") && !zh.contains("无确定上限"),
        "{zh}"
    );
}

#[test]
fn free_services_are_support_in_kind_with_no_amount() {
    // 35号 三（三）: 支持区级为农服务中心为…合作经济组织开展免费代理记账、代办等公益性服务.
    let firm = |coop: &str| {
        ProjectBuilder::new("武隆某农民专业合作社")
            .subject_input("registered_in_wulong", "true")
            .subject_input("cooperative_economic_organisation", coop)
            .subject_year(2025, |y| y)
            .build(&base().catalog)
            .unwrap()
    };
    let r = run(&firm("true"));
    let l = line(&r, "sanwei_free_bookkeeping_35", 2025);
    assert_eq!(l.disposition, Disposition::InKind);
    assert_eq!((l.amount, l.ceiling), (None, None));
    assert!(text(&r, l, Lang::Zh).contains("属非资金支持"));
    // Counted as one more line of support in kind than for a firm that is no cooperative,
    // and as no money: no fee saving.
    let other = run(&firm("false"));
    assert_eq!(r.total.in_kind, other.total.in_kind + 1);
    assert_eq!(r.total.tax_and_fees, d("0"));
    assert_eq!(r.total.tax_and_fee_ceilings, d("0"));
}

#[test]
fn a_paying_line_whose_tier_failed_has_no_reason() {
    // A real pack: 65号 §13, 20,000,000 USD to a manufacturing project: the 4% tier (超过
    // 3000万美元) fails, the 2% tier pays 20,000,000 × 2% = 400,000.
    let f = ProjectBuilder::new("测试企业")
        .project("P1", |p| {
            p.input("industry", "manufacturing")
                .input("project_kind", "new")
                .year(2024, |y| y.input("fdi_arrived_usd", "20000000"))
        })
        .build(&base().catalog)
        .unwrap();
    let r = run(&f);
    let l = line(&r, "fdi_reward_65", 2024);
    assert_eq!(l.amount, Some(d("400000")));
    assert!(reason(&r, l, Lang::Zh).is_none());

    // A made-up pack where a part's tiers reach none (a `no_tier_reached` node) while the
    // line pays: 100 + 0 = 100, and no reason.
    let base = Arc::new(
        made_up(
            r#"Rule(id: "parts", title: (zh: "分项", en: "Parts"), clause: "一", line: 1,
                quote: "测试。", lead: ["测试"], benefit: Grant, per: ProjectYear,
                amount: Sum([
                    (label: (zh: "基础", en: "base"), amount: Fixed("100")),
                    (label: (zh: "奖励", en: "bonus"), amount: Tiers([(when: Flag("bonus"), then: Fixed("50"))])),
                ]),
            )"#,
        )
        .expect("loads"),
    );
    let f = ProjectBuilder::new("测试企业")
        .project("P1", |p| p.year(2024, |y| y.input("bonus", "false")))
        .build(&base.catalog)
        .unwrap();
    let r = evaluate(&base, &f, &EvalOptions::default()).unwrap();
    let l = r.lines_of("parts").next().unwrap();
    assert_eq!(l.status, Status::Granted);
    assert_eq!(l.amount, Some(d("100")));
    assert!(r.trace(l).iter().any(|n| matches!(n, Node::NoTierReached)));
    assert!(reason(&r, l, Lang::Zh).is_none());
    assert_eq!(
        to_json(&r, Lang::En)["lines"][0]["reason"],
        serde_json::Value::Null
    );
    // With the bonus: 100 + 50 = 150.
    let f = ProjectBuilder::new("测试企业")
        .project("P1", |p| p.year(2024, |y| y.input("bonus", "true")))
        .build(&base.catalog)
        .unwrap();
    let r = evaluate(&base, &f, &EvalOptions::default()).unwrap();
    assert_eq!(r.lines_of("parts").next().unwrap().amount, Some(d("150")));
}

/// One project leading a national programme in 2024 and 2025 (47号 二（八）).
fn programme() -> ProjectFile {
    ProjectBuilder::new("测试企业")
        .project("P1", |p| {
            p.input("industry", "manufacturing")
                .input("project_kind", "new")
                .input("national_programme_lead", "true")
                .year(2024, |y| {
                    y.input("national_programme_funding_last_year_yuan", "20000000")
                })
                .year(2025, |y| {
                    y.input("national_programme_funding_last_year_yuan", "20000000")
                })
        })
        .build(&base().catalog)
        .unwrap()
}

#[test]
fn a_reading_switches_the_unit_cap_to_the_whole_period() {
    const ID: &str = "natl_programme_unit_cap_whole_period";
    let f = programme();
    // Default: 每个单位…最高1000万元 per reward year. 20,000,000 × 3% = 600,000 a year.
    let r = run(&f);
    assert!(
        Arc::ptr_eq(r.base_arc(), base()),
        "no copy without the reading"
    );
    let l25 = line(&r, "natl_programme_reward_47", 2025);
    assert_eq!(l25.amount, Some(d("600000")));
    let zh = text(&r, l25, Lang::Zh);
    assert!(zh.contains("单个主体年度上限 10,000,000.00 元"), "{zh}");
    assert!(
        zh.contains("每个单位最高1000万元”的期限（47号二（八））（默认）"),
        "{zh}"
    );

    // The alternative: the whole period. 2024 used 600,000, so 2025 sees 600,000 already
    // counted against 10,000,000, and still pays 600,000.
    let options = EvalOptions {
        readings: vec![SelectedReading {
            id: ID.into(),
            param: None,
        }],
        strict: false,
    };
    let r = evaluate(base(), &f, &options).unwrap();
    let l25 = line(&r, "natl_programme_reward_47", 2025);
    assert_eq!(l25.amount, Some(d("600000")));
    let zh = text(&r, l25, Lang::Zh);
    assert!(
        zh.contains("单个主体累计上限 10,000,000.00 元，此前已计 600,000.00 元"),
        "{zh}"
    );
    assert!(zh.contains("（已选备选口径）：按整个政策期限计"), "{zh}");
    // The shared rule base is untouched: its cap is still the default.
    let (_, rule) = base().find_rule("natl_programme_reward_47").unwrap();
    assert!(matches!(rule.caps[1], Cap::PerSubjectYear(_)));
    assert_eq!(rule.cap_readings.len(), 1);
    // `incentives rules` and `--reading` know the reading like any other.
    assert!(base().reading(ID).is_some());
}

#[test]
fn a_connector_power_in_kilowatts_meets_480kw_and_above() {
    // 20号 二（三）6: 单枪功率480kW以上的液冷超充; 以上 includes 480 itself.
    let station = |kw: &str| {
        ProjectBuilder::new("武隆某充电公司")
            .subject_input("registered_in_wulong", "true")
            .project("CS-1", |p| {
                p.input("industry", "services")
                    .input("project_kind", "new")
                    .input("district", "wulong")
                    .input("charging_infrastructure_project", "true")
                    .year(2025, |y| {
                        y.input("liquid_cooled_supercharger_connector_kw", kw)
                    })
            })
            .build(&base().catalog)
            .unwrap()
    };
    let r = run(&station("480"));
    let l = line(&r, "nev_480kw_liquid_cooled_support_20", 2025);
    assert_eq!(l.status, Status::Unquantified);
    let zh = text(&r, l, Lang::Zh);
    assert!(
        zh.contains(
            "本年度建设的液冷超充单枪功率：480 千瓦；需达到 480 千瓦 及以上（含本数） ✓ 符合"
        ),
        "{zh}"
    );
    assert!(text(&r, l, Lang::En).contains("480 kW"));
    let r = run(&station("479.9"));
    let l = line(&r, "nev_480kw_liquid_cooled_support_20", 2025);
    assert_eq!(l.status, Status::Ineligible);
    assert!(reason(&r, l, Lang::Zh).unwrap().contains("479.9 千瓦"));
}

/// A one-document pack with a yes/no input `bonus`, a reading `alt` and the given rules.
fn made_up(rules: &str) -> Result<RuleBase, LoadError> {
    let inputs = r#"Inputs(
        groups: [FormGroup(id: "test", label: (zh: "测试", en: "Test"), order: 1)],
        group: "test",
        inputs: [
            Input(id: "bonus", label: (zh: "奖励条件", en: "Bonus"), kind: Flag, scope: ProjectYear,
                  default: false, help: (zh: "", en: "")),
            Input(id: "tax_yuan", label: (zh: "应纳税额", en: "Tax payable"), kind: Number(Yuan),
                  scope: ProjectYear, help: (zh: "", en: "")),
        ],
    )"#;
    let doc = format!(
        r#"Document(
        number: "测试〔2024〕1号", title: (zh: "测试", en: "Test"), issuer: "测试",
        level: Municipal, issued: "2024-01-01",
        in_force: (from: "2024-01-01", basis: (zh: "测试", en: "test")),
        source: (file: "none.txt", lines: (1, 1)),
        readings: [Reading(id: "alt", title: (zh: "口径", en: "Reading"), default: (zh: "默认", en: "default"), alternative: (zh: "备选", en: "alternative"))],
        rules: [{rules}],
    )"#
    );
    load_texts(&[
        ("inputs.ron".to_owned(), inputs.to_owned()),
        ("doc.ron".to_owned(), doc),
    ])
}

/// The load error of a made-up pack, as one line.
fn refused(rules: &str) -> String {
    match made_up(rules) {
        Ok(_) => panic!("loaded: {rules}"),
        Err(e) => e.to_string(),
    }
}

const HEAD: &str = r#"title: (zh: "测试", en: "Test"), clause: "一", line: 1, quote: "测试。", lead: ["测试"], per: ProjectYear"#;

#[test]
fn the_format_refuses_what_it_cannot_mean() {
    let rule = |id: &str, rest: &str| format!("Rule(id: \"{id}\", {HEAD}, {rest})");
    let cases = [
        // A stated ceiling must say its period…
        (
            rule("a", r#"benefit: Grant, amount: UpTo("100")"#),
            "the rule states a ceiling: say the period it covers",
        ),
        (
            rule("a", r#"benefit: Grant, amount: Fixed("100"), caps: [PerSubject("50")]"#),
            "the rule states a ceiling",
        ),
        // …and a rule without one has none to describe.
        (
            rule("a", r#"benefit: Grant, amount: Fixed("100"), ceiling: (period: PerYear)"#),
            "`ceiling` describes a stated ceiling, and this rule states none",
        ),
        // A rule of any other kind states an amount.
        (
            rule("a", "benefit: Grant"),
            "the rule states no amount",
        ),
        // A modifier pays nothing.
        (
            rule("a", r#"benefit: Modifier, amount: Fixed("1"), modifies: RelaxCeilings(touches: [Benefit(Grant)])"#),
            "a modifier pays nothing: it has no `amount`",
        ),
        (rule("a", "benefit: Modifier"), "a modifier needs `modifies:`"),
        (
            rule("a", "benefit: Grant, amount: Unquantified, modifies: RelaxCeilings(touches: [Benefit(Grant)])"),
            "`modifies` belongs to a rule with `benefit: Modifier`",
        ),
        (
            rule("a", "benefit: Modifier, frequency: OneTime, modifies: RelaxCeilings(touches: [Benefit(Grant)])"),
            "a modifier applies in each year its conditions hold",
        ),
        (
            rule("a", "benefit: Modifier, modifies: RelaxCeilings(touches: [Benefit(InKind)])"),
            "states no ceiling to relax",
        ),
        (
            rule("a", r#"benefit: Modifier, modifies: RelaxCeilings(touches: [Rule("nowhere")])"#),
            "no loaded rule has the id `nowhere`",
        ),
        (
            rule("a", r#"benefit: Modifier, modifies: RelaxCeilings(touches: [Document("测试〔2099〕9号")])"#),
            "no loaded document has the 文号 测试〔2099〕9号",
        ),
        (
            rule("a", "benefit: Modifier, modifies: RelaxCeilings(touches: [])"),
            "needs at least one target",
        ),
        // 一事一议 above a ceiling names a clause that says so.
        (
            format!(
                "{}, {}",
                rule("a", r#"benefit: Grant, amount: UpTo("100"), ceiling: (period: WholePeriod, case_by_case_above: "b")"#),
                rule("b", "benefit: Grant, amount: Unquantified"),
            ),
            "case_by_case_above: `b` must be a rule of the same document whose quote says 一事一议",
        ),
        // A cap reading switches between stated caps.
        (
            rule("a", r#"benefit: Grant, amount: Fixed("100"), caps: [Reading(id: "alt", default: PerLine("50"), alternative: LimitedTo(Input("tax_yuan")))], ceiling: (period: PerYear)"#),
            "switches between stated caps",
        ),
        (
            rule("a", r#"benefit: Grant, amount: Fixed("100"), caps: [Reading(id: "nope", default: PerLine("50"), alternative: PerProject("80"))], ceiling: (period: PerYear)"#),
            "reading `nope` is not declared",
        ),
    ];
    for (rules, want) in cases {
        let e = refused(&rules);
        assert!(e.contains(want), "{rules}\n→ {e}");
        // One line, the file and position, the rule.
        assert!(!e.contains('\n'), "{e}");
        assert!(e.starts_with("doc.ron:"), "{e}");
        assert!(e.contains("rule `a`") || e.contains("rule `b`"), "{e}");
    }
    // The well-formed versions load.
    made_up(&rule(
        "a",
        r#"benefit: Grant, amount: Fixed("100"), caps: [Reading(id: "alt", default: PerLine("50"), alternative: PerProject("80"))], ceiling: (period: PerYear)"#,
    ))
    .expect("a cap reading loads");
    made_up(&format!(
        "{}, {}",
        rule("a", r#"benefit: Grant, amount: UpTo("100"), ceiling: (period: NotStated)"#),
        rule(
            "m",
            r#"benefit: Modifier, eligible: Flag("bonus"), modifies: RelaxCeilings(touches: [Rule("a"), Document("测试〔2024〕1号"), Benefit(Grant)])"#
        ),
    ))
    .expect("a modifier loads");
}

#[test]
fn a_per_project_modifier_touches_its_own_project_only() {
    let base = Arc::new(
        made_up(&format!(
            r#"Rule(id: "capped", {HEAD}, benefit: Grant, amount: UpTo("100"), ceiling: (period: PerYear)),
            Rule(id: "relax", {HEAD}, benefit: Modifier, eligible: Flag("bonus"), modifies: RelaxCeilings(touches: [Rule("capped")]))"#
        ))
        .unwrap(),
    );
    let f = ProjectBuilder::new("测试企业")
        .project("P1", |p| p.year(2024, |y| y.input("bonus", "true")))
        .project("P2", |p| p.year(2024, |y| y.input("bonus", "false")))
        .build(&base.catalog)
        .unwrap();
    let r = evaluate(&base, &f, &EvalOptions::default()).unwrap();
    let capped: Vec<&Line> = r.lines_of("capped").collect();
    assert_eq!(capped.len(), 2);
    assert!(capped[0].ceiling_open && !capped[1].ceiling_open);
    // 100 + 100 = 200 of ceilings, one of them open.
    assert_eq!(r.total.ceilings, d("200"));
    assert_eq!(r.total.ceiling_periods.per_year, d("200"));
    assert_eq!(r.total.open_ceilings, 1);
}
