//! Project files generated from the input catalogue: each declared input at the place its
//! scope names, with a value of its kind written the ways officers write them (`4500万`,
//! `1,200,000`, full-width digits, `25%`, option labels), years, several projects and
//! offers. In `careful` mode every value is of its kind and within its declared range and
//! every required input is given; otherwise one value in about two hundred is not (the
//! edits of the text do the rest).

use incentives::load::RuleBase;
use incentives::pack::{InputKind, Scope, Unit};
use incentives::report::{EvalOptions, SelectedReading};
use proptest::prelude::*;
use rust_decimal::Decimal;

use crate::values::{decimal, year};

/// One declared input, as the generator needs it.
#[derive(Clone, Debug)]
struct Decl {
    id: String,
    kind: InputKind,
    scope: Scope,
    labels: Vec<String>,
    required: bool,
    /// The declared range: least, greatest (whole units), whole numbers only.
    range: (u64, u64, bool),
}

/// What a generated project may name.
#[derive(Clone, Debug)]
pub struct Catalogue {
    decls: Vec<Decl>,
    rules: Vec<String>,
    /// Readings and whether each takes a parameter.
    readings: Vec<(String, bool)>,
}

impl Catalogue {
    pub fn of(base: &RuleBase) -> Catalogue {
        let decls = base
            .catalog
            .decls
            .iter()
            .map(|d| Decl {
                id: d.id.clone(),
                kind: d.kind.clone(),
                scope: d.scope,
                labels: match &d.kind {
                    InputKind::Choice(options) => {
                        options.iter().map(|o| o.label.zh.clone()).collect()
                    }
                    _ => Vec::new(),
                },
                required: d.required,
                range: d.range.as_ref().map_or((0, 500_000_000, false), |r| {
                    let whole = |v: Option<incentives::money::Dec>, or: u64| {
                        v.and_then(|d| u64::try_from(d.0.trunc()).ok())
                            .unwrap_or(or)
                    };
                    (
                        whole(r.min, 0),
                        whole(r.max, 500_000_000).min(500_000_000),
                        r.whole,
                    )
                }),
            })
            .collect();
        let rules = base
            .rules
            .iter()
            .map(|s| base.rule(*s).id.clone())
            .collect();
        let readings = base
            .documents
            .iter()
            .flat_map(|d| d.readings.iter().map(|r| (r.id.clone(), r.param.is_some())))
            .collect();
        Catalogue {
            decls,
            rules,
            readings,
        }
    }

    fn of_scope(&self, scope: Scope) -> Vec<Decl> {
        self.decls
            .iter()
            .filter(|d| d.scope == scope)
            .cloned()
            .collect()
    }
}

/// Weights of a value of its kind and of one that is not (none when careful).
fn odds(careful: bool) -> (u32, u32) {
    if careful {
        (1, 0)
    } else {
        (200, 1)
    }
}

/// A number as officers write it in a unit, within `(least, greatest, whole)`.
fn figure(
    unit: Unit,
    (least, greatest, whole): (u64, u64, bool),
    careful: bool,
) -> BoxedStrategy<String> {
    let greatest = greatest.max(least);
    let plain = (least..=greatest).prop_map(|n| format!("\"{n}\""));
    let mut good: Vec<(u32, BoxedStrategy<String>)> = vec![(6, plain.boxed())];
    if unit == Unit::Ratio {
        // Ratios run 0–1: as decimals and as percentages.
        good = vec![
            (
                4,
                (0u32..=100)
                    .prop_map(|p| {
                        format!(
                            "\"{}\"",
                            if p == 100 {
                                "1".to_owned()
                            } else {
                                format!("0.{p:02}")
                            }
                        )
                    })
                    .boxed(),
            ),
            (1, (0u32..=100).prop_map(|p| format!("\"{p}%\"")).boxed()),
        ];
    } else if !whole && greatest >= 10_000 {
        let wan = if unit == Unit::Usd {
            "万美元"
        } else {
            "万"
        };
        let top = greatest / 10_000;
        good.push((
            1,
            (least.div_ceil(10_000)..=top.max(least.div_ceil(10_000)))
                .prop_map(move |n| format!("\"{n}{wan}\""))
                .boxed(),
        ));
        good.push((
            1,
            (least..=greatest)
                .prop_map(|n| format!("\"{}\"", grouped(n)))
                .boxed(),
        ));
        good.push((
            1,
            (least..=greatest.min(99_999))
                .prop_map(|n| format!("\"{}\"", full_width(n)))
                .boxed(),
        ));
        good.push((
            1,
            (least..greatest.max(least + 1), 1u32..100)
                .prop_map(|(n, f)| format!("\"{n}.{f:02}\""))
                .boxed(),
        ));
    }
    let (ok, odd) = odds(careful);
    let mut all: Vec<(u32, BoxedStrategy<String>)> =
        good.into_iter().map(|(w, g)| (w * ok, g)).collect();
    if odd > 0 {
        all.push((odd * 3, decimal().prop_map(|d| format!("\"{d}\"")).boxed()));
        all.push((
            odd,
            prop::sample::select(vec![
                "1.5",
                "7",
                "-3",
                "true",
                "\"abc\"",
                "\"1,2345\"",
                "\"４５００万\"",
                "\"-0\"",
                "\"9999999999999999999999999999万\"",
            ])
            .prop_map(str::to_owned)
            .boxed(),
        ));
    }
    prop::strategy::Union::new_weighted(all).boxed()
}

fn grouped(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn full_width(n: u64) -> String {
    n.to_string()
        .chars()
        .map(|c| char::from_u32(c as u32 - '0' as u32 + '０' as u32).unwrap_or(c))
        .collect()
}

/// A value for `decl` in `year` (the year its place stands for, if any).
fn value(decl: &Decl, year_of: u16, careful: bool) -> BoxedStrategy<String> {
    let (ok, odd) = odds(careful);
    let with_odd = |good: BoxedStrategy<String>, bad: Vec<&'static str>| -> BoxedStrategy<String> {
        if odd == 0 {
            good
        } else {
            prop::strategy::Union::new_weighted(vec![
                (ok, good),
                (
                    odd,
                    prop::sample::select(bad).prop_map(str::to_owned).boxed(),
                ),
            ])
            .boxed()
        }
    };
    let day = move |y: u16| -> BoxedStrategy<String> {
        with_odd(
            (1u8..=12, 1u8..=28)
                .prop_map(move |(m, d)| format!("\"{y:04}-{m:02}-{d:02}\""))
                .boxed(),
            vec![
                "\"2024-02-30\"",
                "\"2023-02-29\"",
                "\"2024-13-01\"",
                "\"24-01-01\"",
                "\"\"",
            ],
        )
    };
    match &decl.kind {
        InputKind::Number(unit) => figure(*unit, decl.range, careful),
        InputKind::Flag => with_odd(
            any::<bool>().prop_map(|b| b.to_string()).boxed(),
            vec!["\"yes\"", "1"],
        ),
        InputKind::Choice(options) => {
            let mut names: Vec<String> = options.iter().map(|o| format!("\"{}\"", o.id)).collect();
            names.extend(decl.labels.iter().map(|l| format!("\"{l}\"")));
            with_odd(
                prop::sample::select(names).boxed(),
                vec!["\"no_such_option\"", "3"],
            )
        }
        InputKind::Year => with_odd(
            (2000u16..=2030).prop_map(|y| y.to_string()).boxed(),
            vec!["1948", "2101", "\"2024\""],
        ),
        InputKind::Date => day(year_of),
        InputKind::Dated(unit) => {
            let unit = *unit;
            let range = decl.range;
            prop_oneof![
                figure(unit, range, careful),
                prop::collection::vec((day(year_of), figure(unit, range, careful)), 0..4).prop_map(
                    |entries| {
                        let e: Vec<String> = entries
                            .into_iter()
                            .map(|(d, a)| format!("({d}, {a})"))
                            .collect();
                        format!("[{}]", e.join(", "))
                    }
                ),
            ]
            .boxed()
        }
    }
}

/// `{"id": value, …}` for some of `decls`, and every required one.
fn inputs(decls: Vec<Decl>, year_of: u16, careful: bool, most: usize) -> BoxedStrategy<String> {
    if decls.is_empty() {
        return Just("{}".to_owned()).boxed();
    }
    let required: Vec<Decl> = decls.iter().filter(|d| d.required).cloned().collect();
    let n = decls.len();
    (
        prop::sample::subsequence(decls, 0..=most.min(n)),
        Just(required),
    )
        .prop_flat_map(move |(mut chosen, required)| {
            for r in required {
                if !chosen.iter().any(|c| c.id == r.id) {
                    chosen.push(r);
                }
            }
            let values: Vec<BoxedStrategy<(String, String)>> = chosen
                .iter()
                .map(|d| (Just(d.id.clone()), value(d, year_of, careful)).boxed())
                .collect();
            values
        })
        .prop_map(|pairs| {
            let p: Vec<String> = pairs
                .into_iter()
                .map(|(k, v)| format!("\"{k}\": {v}"))
                .collect();
            format!("{{{}}}", p.join(", "))
        })
        .boxed()
}

/// `{year: {…}, …}` for a few years.
fn years(decls: Vec<Decl>, careful: bool) -> BoxedStrategy<String> {
    let pick_year = if careful {
        (2020u16..=2027).boxed()
    } else {
        prop_oneof![30 => 2020u16..=2027, 1 => year()].boxed()
    };
    prop::collection::btree_set(pick_year, 1..4)
        .prop_flat_map(move |ys| {
            let per_year: Vec<BoxedStrategy<(u16, String)>> = ys
                .into_iter()
                .map(|y| (Just(y), inputs(decls.clone(), y, careful, 10)).boxed())
                .collect();
            per_year
        })
        .prop_map(|ys| {
            let y: Vec<String> = ys.into_iter().map(|(y, m)| format!("{y}: {m}")).collect();
            format!("{{{}}}", y.join(", "))
        })
        .boxed()
}

/// A whole project file's text.
pub fn project_file(cat: &Catalogue, careful: bool) -> BoxedStrategy<String> {
    let project = (
        inputs(cat.of_scope(Scope::Project), 2024, careful, 5),
        years(cat.of_scope(Scope::ProjectYear), careful),
        prop::option::of(prop::sample::select(vec!["新能源汽车项目", "", "x\"y"])),
    );
    let ids = if careful {
        Just(vec!["P1", "P2", "P3"]).boxed()
    } else {
        prop_oneof![
            20 => Just(vec!["P1", "P2", "P3"]),
            1 => prop::collection::vec(prop::sample::select(vec!["P1", "P2", "", "项目"]), 3),
        ]
        .boxed()
    };
    let offer = (
        prop::sample::select(cat.rules.clone()),
        prop::sample::select(vec!["P1", "P1", "P2"]),
        2020u16..=2027,
        decimal(),
    );
    // An offer on a random line mostly names one that pays nothing: few when careful.
    let offers = if careful {
        prop_oneof![4 => Just(Vec::new()), 1 => prop::collection::vec(offer, 1..2)].boxed()
    } else {
        prop::collection::vec(offer, 0..3).boxed()
    };
    (
        prop::sample::select(vec!["重庆某汽车零部件有限公司", "Firm", ""]),
        inputs(cat.of_scope(Scope::Subject), 2024, careful, 6),
        years(cat.of_scope(Scope::SubjectYear), careful),
        prop::collection::vec(project, 1..4),
        ids,
        offers,
    )
        .prop_map(|(name, subject_inputs, subject_years, projects, ids, offers)| {
            let projects: Vec<String> = projects
                .into_iter()
                .zip(ids)
                .map(|((inputs, years, name), id)| {
                    let name = name.map_or(String::new(), |n| format!("name: \"{}\", ", n.replace('"', "\\\"")));
                    format!("(id: \"{id}\", {name}inputs: {inputs}, years: {years})")
                })
                .collect();
            let offers: Vec<String> = offers
                .into_iter()
                .map(|(rule, project, year, amount)| format!("(rule: \"{rule}\", project: \"{project}\", year: {year}, amount: \"{amount}\")"))
                .collect();
            format!(
                "Project(\n    subject: (name: \"{name}\", inputs: {subject_inputs}, years: {subject_years}),\n    projects: [\n        {}\n    ],\n    offers: [{}],\n)\n",
                projects.join(",\n        "),
                offers.join(", ")
            )
        })
        .boxed()
}

/// Evaluation options: some readings, each with a parameter when it takes one (when not
/// careful: sometimes none, zero or the largest decimal), strict or not.
pub fn options(cat: &Catalogue, careful: bool) -> BoxedStrategy<EvalOptions> {
    let readings = cat.readings.clone();
    let rate = (1u64..100_000).prop_map(|n| Some(Decimal::new(n as i64, 4)));
    let param = if careful {
        rate.boxed()
    } else {
        prop_oneof![
            3 => rate,
            1 => Just(None),
            1 => Just(Some(Decimal::ZERO)),
            1 => Just(Some(Decimal::MAX)),
        ]
        .boxed()
    };
    (
        prop::sample::subsequence(readings.clone(), 0..=readings.len()),
        prop::collection::vec(param, readings.len().max(1)),
        prop::bool::weighted(if careful { 0.0 } else { 0.2 }),
    )
        .prop_map(|(chosen, params, strict)| EvalOptions {
            readings: chosen
                .into_iter()
                .zip(params)
                .map(|((id, takes), p)| SelectedReading {
                    id,
                    param: if takes { p } else { None },
                })
                .collect(),
            strict,
        })
        .boxed()
}
