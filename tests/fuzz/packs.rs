//! Rule packs for fuzzing: edits of the shipped packs' texts that know RON's strings,
//! names, lines and nesting; and documents generated from a grammar of the pack format
//! over the shipped input catalogue, readings and stacking groups.

use std::ops::Range;

use incentives::load::RuleBase;
use incentives::pack::{InputKind, Scope};
use proptest::prelude::*;

use crate::values::{decimal, year};

// ---------------------------------------------------------------------------------------
// Edits of a text

/// The strings (their contents) and names of a RON text, skipping comments.
pub struct Tokens {
    pub strings: Vec<Range<usize>>,
    pub names: Vec<Range<usize>>,
}

pub fn scan(text: &str) -> Tokens {
    let bytes = text.as_bytes();
    let mut tokens = Tokens {
        strings: Vec::new(),
        names: Vec::new(),
    };
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        if b == b'/' && next == Some(b'/') {
            i += bytes[i..]
                .iter()
                .position(|c| *c == b'\n')
                .unwrap_or(bytes.len() - i);
        } else if b == b'/' && next == Some(b'*') {
            i += bytes[i..]
                .windows(2)
                .position(|w| w == b"*/")
                .map_or(bytes.len() - i, |e| e + 2);
        } else if b == b'"' {
            let start = i + 1;
            let mut j = start;
            while j < bytes.len() && bytes[j] != b'"' {
                j += if bytes[j] == b'\\' { 2 } else { 1 };
            }
            let end = j.min(bytes.len());
            tokens.strings.push(start..end);
            i = end + 1;
        } else if b.is_ascii_alphabetic() || b == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            tokens.names.push(start..i);
        } else {
            i += 1;
        }
    }
    tokens
}

/// Strings worth putting where a pack expects ids, figures, dates and names.
pub const ODD_STRINGS: &[&str] = &[
    "",
    " ",
    "0",
    "-1",
    "-0",
    "0.0000000000000000000000000001",
    "79228162514264337593543950335",
    "79228162514264337593543950336",
    "-79228162514264337593543950335",
    "1e10",
    "NaN",
    "1,000",
    "１２３",
    "4500万",
    "25%",
    "2024-02-30",
    "2024-02-29",
    "9999-12-31",
    "0000-01-01",
    "\\n",
    "\\u{1}rule\\u{1}",
    "\\\"",
    "渝府办发〔2023〕65号",
    "fdi_reward_65",
    "industry",
    "manufacturing",
    "../sources",
    "000_88296399dd338fd7.txt",
    "未载明",
];

/// Snippets to insert anywhere.
pub const SNIPPETS: &[&str] = &[
    "\"",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    "//",
    "/*",
    "*/",
    "\\",
    "r#\"",
    "None",
    "Some(",
    "\"79228162514264337593543950335\"",
    "-1",
    "1e400",
    "0.5",
    "\"\\u{0}\"",
    "Rule(",
    "\n",
    "元",
    "\u{feff}",
    "#![enable(implicit_some)]",
    "Not(",
    "Base",
    "Year",
    "All([])",
    "Any([])",
    "Fixed(\"1\")",
    "id: \"x\",",
];

/// One edit of a text; every index is taken modulo what the text has.
#[derive(Clone, Debug)]
pub enum Edit {
    /// Replace the character at `at`.
    Char {
        at: usize,
        with: char,
    },
    Insert {
        at: usize,
        snippet: &'static str,
    },
    Delete {
        at: usize,
        len: usize,
    },
    /// The contents of string `target` become those of string `source`.
    StringFrom {
        target: usize,
        source: usize,
    },
    StringTo {
        target: usize,
        value: &'static str,
    },
    /// Name `target` becomes name `source` (a variant, a field, a struct name).
    NameFrom {
        target: usize,
        source: usize,
    },
    DupLine {
        line: usize,
    },
    DelLine {
        line: usize,
    },
    SwapLines {
        a: usize,
        b: usize,
    },
    Truncate {
        at: usize,
    },
    /// Wraps the `target`-th `Flag(…)` in `depth` `Not(…)`, or the `target`-th `Input(…)`
    /// in `depth` `Plus([…])`.
    Nest {
        target: usize,
        depth: usize,
        figure: bool,
    },
    /// Writes the `target`-th `Rule(…)` twice.
    DupRule {
        target: usize,
    },
}

pub fn edit() -> impl Strategy<Value = Edit> {
    let any_index = 0usize..1_000_000;
    prop_oneof![
        1 => (any_index.clone(), prop::sample::select(vec!['"', '(', ')', '[', ']', ',', ':', '0', '9', '-', '.', 'x', '元', ' ', '\n', '\\', '#', '/'])).prop_map(|(at, with)| Edit::Char { at, with }),
        1 => (any_index.clone(), prop::sample::select(SNIPPETS)).prop_map(|(at, snippet)| Edit::Insert { at, snippet }),
        1 => (any_index.clone(), 1usize..200).prop_map(|(at, len)| Edit::Delete { at, len }),
        3 => (any_index.clone(), any_index.clone()).prop_map(|(target, source)| Edit::StringFrom { target, source }),
        3 => (any_index.clone(), prop::sample::select(ODD_STRINGS)).prop_map(|(target, value)| Edit::StringTo { target, value }),
        2 => (any_index.clone(), any_index.clone()).prop_map(|(target, source)| Edit::NameFrom { target, source }),
        1 => any_index.clone().prop_map(|line| Edit::DupLine { line }),
        1 => any_index.clone().prop_map(|line| Edit::DelLine { line }),
        1 => (any_index.clone(), any_index.clone()).prop_map(|(a, b)| Edit::SwapLines { a, b }),
        1 => any_index.clone().prop_map(|at| Edit::Truncate { at }),
        1 => (any_index.clone(), prop_oneof![1usize..20, 100usize..300], any::<bool>()).prop_map(|(target, depth, figure)| Edit::Nest { target, depth, figure }),
        1 => any_index.prop_map(|target| Edit::DupRule { target }),
    ]
}

/// The char boundary at or before byte `at`.
fn boundary(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// Where the call starting at `start` (`Name(`) closes, strings and nesting respected.
fn call_end(text: &str, start: usize) -> usize {
    let bytes = text.as_bytes();
    let mut depth = 0i32;
    let mut i = start;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => {
                depth -= 1;
                if depth == 0 {
                    return i + 1;
                }
            }
            _ => {}
        }
        i += 1;
    }
    text.len()
}

pub fn apply(text: &str, edit: &Edit) -> String {
    let n = text.len().max(1);
    let tokens = scan(text);
    let lines: Vec<&str> = text.split_inclusive('\n').collect();
    let line = |i: usize| i % lines.len().max(1);
    match *edit {
        Edit::Char { at, with } => {
            let at = boundary(text, at % n);
            let end = text[at..].chars().next().map_or(at, |c| at + c.len_utf8());
            format!("{}{with}{}", &text[..at], &text[end..])
        }
        Edit::Insert { at, snippet } => {
            let at = boundary(text, at % n);
            format!("{}{snippet}{}", &text[..at], &text[at..])
        }
        Edit::Delete { at, len } => {
            let at = boundary(text, at % n);
            let end = boundary(text, at + len);
            format!("{}{}", &text[..at], &text[end..])
        }
        Edit::StringFrom { target, source } if !tokens.strings.is_empty() => {
            let t = tokens.strings[target % tokens.strings.len()].clone();
            let s = tokens.strings[source % tokens.strings.len()].clone();
            format!("{}{}{}", &text[..t.start], &text[s], &text[t.end..])
        }
        Edit::StringTo { target, value } if !tokens.strings.is_empty() => {
            let t = tokens.strings[target % tokens.strings.len()].clone();
            format!("{}{value}{}", &text[..t.start], &text[t.end..])
        }
        Edit::NameFrom { target, source } if !tokens.names.is_empty() => {
            let t = tokens.names[target % tokens.names.len()].clone();
            let s = tokens.names[source % tokens.names.len()].clone();
            format!("{}{}{}", &text[..t.start], &text[s], &text[t.end..])
        }
        Edit::DupLine { line: l } if !lines.is_empty() => {
            let l = line(l);
            let mut out: Vec<&str> = lines.clone();
            out.insert(l, lines[l]);
            out.concat()
        }
        Edit::DelLine { line: l } if !lines.is_empty() => {
            let mut out = lines.clone();
            out.remove(line(l));
            out.concat()
        }
        Edit::SwapLines { a, b } if !lines.is_empty() => {
            let mut out = lines.clone();
            out.swap(line(a), line(b));
            out.concat()
        }
        Edit::Truncate { at } => text[..boundary(text, at % n)].to_owned(),
        Edit::Nest {
            target,
            depth,
            figure,
        } => {
            let call = if figure { "Input(" } else { "Flag(" };
            let starts: Vec<usize> = text.match_indices(call).map(|(i, _)| i).collect();
            if starts.is_empty() {
                return text.to_owned();
            }
            let start = starts[target % starts.len()];
            let end = call_end(text, start);
            let (open, close) = if figure {
                ("Plus([", "])")
            } else {
                ("Not(", ")")
            };
            format!(
                "{}{}{}{}{}",
                &text[..start],
                open.repeat(depth),
                &text[start..end],
                close.repeat(depth),
                &text[end..]
            )
        }
        Edit::DupRule { target } => {
            let starts: Vec<usize> = text.match_indices("Rule(").map(|(i, _)| i).collect();
            if starts.is_empty() {
                return text.to_owned();
            }
            let start = starts[target % starts.len()];
            let end = call_end(text, start);
            format!("{}{},\n{}", &text[..end], &text[start..end], &text[end..])
        }
        _ => text.to_owned(),
    }
}

// ---------------------------------------------------------------------------------------
// Generated documents

/// What a generated document may name: the shipped catalogue, readings and groups, plus
/// a few names nothing declares.
#[derive(Clone, Debug)]
pub struct Names {
    pub numbers: Vec<String>,
    pub flags: Vec<String>,
    pub choices: Vec<(String, Vec<String>)>,
    pub dates: Vec<String>,
    pub readings: Vec<String>,
    pub params: Vec<String>,
    pub groups: Vec<String>,
    pub agencies: Vec<String>,
}

impl Names {
    /// The names a rule may read: every input for a per-project rule, the firm's only
    /// for a per-firm one.
    pub fn of(base: &RuleBase, firm: bool) -> Names {
        let mut n = Names {
            numbers: Vec::new(),
            flags: Vec::new(),
            choices: Vec::new(),
            dates: Vec::new(),
            readings: Vec::new(),
            params: Vec::new(),
            groups: base.groups.iter().map(|g| g.id.clone()).collect(),
            agencies: base.agencies.keys().cloned().collect(),
        };
        n.agencies.sort();
        for d in &base.catalog.decls {
            if firm && matches!(d.scope, Scope::Project | Scope::ProjectYear) {
                continue;
            }
            match &d.kind {
                InputKind::Number(_) | InputKind::Year => n.numbers.push(d.id.clone()),
                InputKind::Flag => n.flags.push(d.id.clone()),
                InputKind::Choice(options) => n
                    .choices
                    .push((d.id.clone(), options.iter().map(|o| o.id.clone()).collect())),
                InputKind::Date => n.dates.push(d.id.clone()),
                InputKind::Dated(_) => n.numbers.push(d.id.clone()),
            }
        }
        for d in &base.documents {
            for r in &d.readings {
                n.readings.push(r.id.clone());
                if let Some(p) = &r.param {
                    n.params.push(p.id.clone());
                }
            }
        }
        // Names nothing declares, where a list is long enough for them to be rare.
        n.numbers.push("undeclared".into());
        n.flags.push("undeclared".into());
        if n.dates.is_empty() {
            n.dates.push("undeclared".into());
        }
        if n.choices.is_empty() {
            n.choices.push(("undeclared".into(), vec!["x".into()]));
        }
        n
    }
}

fn pick(list: &[String]) -> BoxedStrategy<String> {
    prop::sample::select(list.to_vec()).boxed()
}

/// A figure: an input, the base (where the rule has one), the year, a constant, or
/// arithmetic on figures; a reading's alternative may use its parameter.
fn figure(names: &Names, base: bool) -> BoxedStrategy<String> {
    let leaf = prop_oneof![
        4 => pick(&names.numbers).prop_map(|i| format!("Input(\"{i}\")")),
        if base { 1 } else { 0 } => Just("Base".to_owned()),
        1 => Just("Year".to_owned()),
        2 => decimal().prop_map(|d| format!("Const(\"{d}\")")),
    ];
    let readings = names.readings.clone();
    let params = names.params.clone();
    leaf.prop_recursive(5, 24, 3, move |inner| {
        let list = prop::collection::vec(inner.clone(), 1..4).prop_map(|v| v.join(", "));
        prop_oneof![
            (inner.clone(), inner.clone()).prop_map(|(a, b)| format!("Minus({a}, {b})")),
            list.clone().prop_map(|l| format!("Plus([{l}])")),
            (inner.clone(), decimal()).prop_map(|(a, d)| format!("Times({a}, \"{d}\")")),
            list.clone().prop_map(|l| format!("Product([{l}])")),
            list.clone().prop_map(|l| format!("Min([{l}])")),
            list.prop_map(|l| format!("Max([{l}])")),
            (prop::sample::select(readings.clone()), inner.clone(), inner.clone()).prop_map(|(id, a, b)| {
                format!("Reading(id: \"{id}\", default: {a}, alternative: {b})")
            }),
            // The currency reading and its exchange rate, as 65号 and 107号 write it.
            (prop::sample::select(params.clone()), inner).prop_map(|(p, a)| {
                format!("Reading(id: \"fdi_usd_converted\", default: {a}, alternative: Product([{a}, Param(\"{p}\")]))")
            }),
        ]
    })
    .boxed()
}

/// A condition on the inputs.
fn condition(names: &Names, base: bool) -> BoxedStrategy<String> {
    let choices = names.choices.clone();
    let choice = prop::sample::select(choices).prop_flat_map(|(id, options)| {
        (
            Just(id),
            prop::collection::vec(prop::sample::select(options), 0..3),
        )
    });
    let leaf = prop_oneof![
        3 => (prop::sample::select(vec!["Above", "AtLeast", "Below", "AtMost"]), figure(names, base), decimal())
            .prop_map(|(c, f, d)| format!("{c}({f}, \"{d}\")")),
        2 => pick(&names.flags).prop_map(|f| format!("Flag(\"{f}\")")),
        2 => choice.prop_map(|(id, options)| match options.len() {
            0 => format!("OneOf(\"{id}\", [])"),
            1 => format!("Is(\"{id}\", \"{}\")", options[0]),
            _ => {
                let list = options.iter().map(|o| format!("\"{o}\"")).collect::<Vec<_>>().join(", ");
                format!("NoneOf(\"{id}\", [{list}])")
            }
        }),
        1 => year().prop_map(|y| format!("YearFrom({y})")),
        1 => year().prop_map(|y| format!("YearUntil({y})")),
        1 => pick(&names.dates).prop_map(|d| format!("DateInForce(\"{d}\")")),
    ];
    let readings = names.readings.clone();
    leaf.prop_recursive(4, 16, 3, move |inner| {
        let list = prop::collection::vec(inner.clone(), 0..4).prop_map(|v| v.join(", "));
        prop_oneof![
            list.clone().prop_map(|l| format!("All([{l}])")),
            list.prop_map(|l| format!("Any([{l}])")),
            inner.clone().prop_map(|c| format!("Not({c})")),
            (prop::sample::select(readings.clone()), inner.clone(), inner).prop_map(
                |(id, a, b)| { format!("Reading(id: \"{id}\", default: {a}, alternative: {b})") }
            ),
        ]
    })
    .boxed()
}

/// How much a rule pays.
fn amount(names: &Names, base: bool) -> BoxedStrategy<String> {
    let leaf = prop_oneof![
        3 => (figure(names, base), decimal(), prop::sample::select(vec!["AtLeast", "AtMost", "Exactly"]))
            .prop_map(|(b, r, k)| format!("Rate(base: {b}, rate: \"{r}\", kind: {k})")),
        2 => decimal().prop_map(|d| format!("Fixed(\"{d}\")")),
        2 => decimal().prop_map(|d| format!("UpTo(\"{d}\")")),
        1 => (decimal(), decimal()).prop_map(|(a, b)| {
            // Least first, where both are figures.
            let (a, b) = match (a.parse::<rust_decimal::Decimal>(), b.parse::<rust_decimal::Decimal>()) {
                (Ok(x), Ok(y)) if x > y => (b, a),
                _ => (a, b),
            };
            format!("Range(\"{a}\", \"{b}\")")
        }),
        1 => Just("Unquantified".to_owned()),
        1 => Just("Open".to_owned()),
    ];
    let cond = condition(names, base);
    let fig = figure(names, base);
    leaf.prop_recursive(3, 12, 3, move |inner| {
        prop_oneof![
            prop::collection::vec((cond.clone(), inner.clone()), 1..4).prop_map(|tiers| {
                let t: Vec<String> = tiers
                    .into_iter()
                    .map(|(w, a)| format!("(when: {w}, then: {a})"))
                    .collect();
                format!("Tiers([{}])", t.join(", "))
            }),
            prop::collection::vec(inner.clone(), 1..4).prop_map(|parts| {
                let p: Vec<String> = parts
                    .into_iter()
                    .map(|a| format!("(label: (zh: \"部分\", en: \"part\"), amount: {a})"))
                    .collect();
                format!("Sum([{}])", p.join(", "))
            }),
            (fig.clone(), prop::option::of(decimal()), inner).prop_map(|(c, m, e)| match m {
                Some(m) => format!("Each(count: {c}, max_count: \"{m}\", each: {e})"),
                None => format!("Each(count: {c}, each: {e})"),
            }),
        ]
    })
    .boxed()
}

fn stated_cap() -> BoxedStrategy<String> {
    prop_oneof![
        3 => decimal().prop_map(|d| format!("PerLine(\"{d}\")")),
        1 => decimal().prop_map(|d| format!("PerSubjectYear(\"{d}\")")),
        1 => decimal().prop_map(|d| format!("PerSubject(\"{d}\")")),
        1 => decimal().prop_map(|d| format!("PerProject(\"{d}\")")),
    ]
    .boxed()
}

fn cap(names: &Names, base: bool) -> BoxedStrategy<String> {
    let readings = names.readings.clone();
    prop_oneof![
        6 => stated_cap(),
        1 => figure(names, base).prop_map(|f| format!("LimitedTo({f})")),
        1 => (prop::sample::select(readings), stated_cap(), stated_cap())
            .prop_map(|(id, a, b)| format!("Reading(id: \"{id}\", default: {a}, alternative: {b})")),
    ]
    .boxed()
}

/// A golden example: inputs from the catalogue, lines expected of the rule.
fn example(names: &Names) -> BoxedStrategy<String> {
    let mut ids: Vec<(String, &'static str)> = Vec::new();
    for n in &names.numbers {
        ids.push((n.clone(), "number"));
    }
    for f in &names.flags {
        ids.push((f.clone(), "flag"));
    }
    for (c, _) in &names.choices {
        ids.push((c.clone(), "choice"));
    }
    let input = prop::sample::select(ids).prop_flat_map(|(id, kind)| {
        let value = match kind {
            "number" => decimal().prop_map(|d| format!("\"{d}\"")).boxed(),
            "flag" => any::<bool>().prop_map(|b| b.to_string()).boxed(),
            _ => prop::sample::select(vec![
                "\"manufacturing\"",
                "\"new\"",
                "\"other\"",
                "\"liangjiang\"",
                "\"wulong\"",
            ])
            .prop_map(str::to_owned)
            .boxed(),
        };
        (Just(id), value)
    });
    let expect = (
        prop::sample::select(vec![
            "Granted",
            "CeilingOnly",
            "Unquantified",
            "Superseded",
            "Ineligible",
            "NotInForce",
        ]),
        prop::option::of(decimal()),
        prop::option::of(decimal()),
    )
        .prop_map(|(s, a, c)| {
            let mut e = format!("(status: {s}");
            if let Some(a) = a {
                e.push_str(&format!(", amount: \"{a}\""));
            }
            if let Some(c) = c {
                e.push_str(&format!(", ceiling: \"{c}\""));
            }
            e + ")"
        });
    (
        prop::collection::vec(input, 0..4),
        year(),
        prop::collection::vec(expect, 1..3),
    )
        .prop_map(|(inputs, year, expects)| {
            let mut seen = std::collections::BTreeSet::new();
            let inputs: Vec<String> = inputs
                .into_iter()
                .filter(|(k, _)| seen.insert(k.clone()))
                .map(|(k, v)| format!("\"{k}\": {v}"))
                .collect();
            format!(
                "Example(name: \"generated\", year: {year}, inputs: {{{}}}, expect: [{}])",
                inputs.join(", "),
                expects.join(", ")
            )
        })
        .boxed()
}

/// One rule with id `rule{index}`.
fn rule(names: &Names, per: &'static str, index: usize) -> BoxedStrategy<String> {
    let names = names.clone();
    any::<bool>().prop_flat_map(move |with_base| {
        let names = &names;
        (
            (
                prop::sample::select(vec!["Grant", "TaxBenefit", "FeeSaving", "InKind"]),
                Just(per),
                prop::sample::select(vec!["Annual", "OneTime"]),
                if with_base { figure(names, false).prop_map(Some).boxed() } else { Just(None).boxed() },
                prop::option::of(condition(names, with_base)),
                amount(names, with_base),
            ),
            (
                prop::collection::vec(cap(names, with_base), 0..3),
                prop::option::of(pick(&names.groups)),
                prop::collection::vec(pick(&names.agencies), 1..3),
                prop::collection::vec((condition(names, with_base), Just(())), 0..2),
                prop::collection::vec(example(names), 0..3),
                prop::option::of((year(), prop::option::of(year()))),
                prop::sample::select(vec!["PerYear", "WholePeriod", "NotStated"]),
            ),
        )
    })
        .prop_map(move |((benefit, per, frequency, base, eligible, amount), (caps, group, lead, payers, examples, in_force, period))| {
            let mut r = format!(
                "Rule(id: \"rule{index}\", title: (zh: \"规则\", en: \"Rule\"), clause: \"一\", line: 1, quote: \"测试。\", lead: [{}], benefit: {benefit}, per: {per}, frequency: {frequency}",
                lead.iter().map(|l| format!("\"{l}\"")).collect::<Vec<_>>().join(", ")
            );
            if let Some((from, until)) = in_force {
                let until = until.map(|u| u.max(from));
                r.push_str(&format!(", in_force: (from: \"{from}-01-01\""));
                if let Some(u) = until {
                    r.push_str(&format!(", until: \"{u}-12-31\""));
                }
                r.push_str(", basis: (zh: \"测\", en: \"t\"))");
            }
            if let Some(b) = base {
                r.push_str(&format!(", base: {b}"));
            }
            if let Some(e) = eligible {
                r.push_str(&format!(", eligible: {e}"));
            }
            r.push_str(&format!(", amount: {amount}, caps: [{}]", caps.join(", ")));
            // A rule whose amount or caps state a ceiling says the period it covers.
            let states = ["UpTo(", "Range(", "kind: AtMost"].iter().any(|s| amount.contains(s))
                || caps.iter().any(|c| !c.starts_with("LimitedTo("));
            if states {
                r.push_str(&format!(", ceiling: (period: {period})"));
            }
            if let Some(g) = group {
                r.push_str(&format!(", stacking: \"{g}\""));
            }
            let payers: Vec<String> = payers
                .into_iter()
                .map(|(w, ())| format!("(when: {w}, payer: (zh: \"区\", en: \"district\"))"))
                .collect();
            r.push_str(&format!(", payer: [{}], examples: [{}])", payers.join(", "), examples.join(", ")));
            r
        })
        .boxed()
}

/// A modifier: pays nothing, relaxes the ceilings of the lines it touches.
fn modifier(names: &Names, per: &'static str, index: usize) -> BoxedStrategy<String> {
    let target = prop_oneof![
        2 => prop::sample::select(vec!["Grant", "TaxBenefit", "FeeSaving", "InKind"]).prop_map(|b| format!("Benefit({b})")),
        1 => prop::sample::select(vec!["渝府办发〔2021〕47号", "渝府办发〔2023〕65号", "生成〔2024〕1号", "渝府发〔2099〕1号"]).prop_map(|d| format!("Document(\"{d}\")")),
        1 => prop::sample::select(vec!["fdi_reward_65", "rule0", "rule1", "no_such_rule"]).prop_map(|r| format!("Rule(\"{r}\")")),
    ];
    (prop::option::of(condition(names, false)), prop::collection::vec(target, 0..3))
        .prop_map(move |(eligible, touches)| {
            let eligible = eligible.map_or(String::new(), |e| format!(", eligible: {e}"));
            format!(
                "Rule(id: \"rule{index}\", title: (zh: \"放宽\", en: \"Relax\"), clause: \"一\", line: 1, quote: \"测试。\", lead: [\"未载明\"], benefit: Modifier, per: {per}{eligible}, modifies: RelaxCeilings(touches: [{}]))",
                touches.join(", ")
            )
        })
        .boxed()
}

/// A whole document of 1–4 generated rules.
pub fn document(project: &Names, firm: &Names) -> BoxedStrategy<String> {
    let rules: Vec<BoxedStrategy<String>> = (0..4)
        .map(|i| {
            prop_oneof![
                8 => rule(project, "ProjectYear", i),
                4 => rule(firm, "SubjectYear", i),
                1 => modifier(firm, "SubjectYear", i),
            ]
            .boxed()
        })
        .collect();
    (
        1usize..=4,
        rules,
        year(),
        prop::option::of(year()),
        any::<bool>(),
    )
        .prop_map(|(n, rules, from, until, district)| {
            let level = if district {
                "level: District(\"武隆区\"), applies_in: District(id: \"wulong\"),"
            } else {
                "level: Municipal,"
            };
            let until = until.map_or(String::new(), |u| format!(", until: \"{}-12-31\"", u.max(from)));
            format!(
                "Document(number: \"生成〔2024〕1号\", title: (zh: \"生成\", en: \"Generated\"), issuer: \"测试\", {level} issued: \"2020-01-01\", in_force: (from: \"{from}-01-01\"{until}, basis: (zh: \"测\", en: \"t\")), source: (file: \"000_88296399dd338fd7.txt\", lines: (1, 100)), rules: [\n{}\n])",
                rules[..n].join(",\n")
            )
        })
        .boxed()
}
