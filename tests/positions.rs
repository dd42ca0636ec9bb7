//! Rule-pack errors are placed where the parser read the thing they name: the second of two
//! equal ids, never a comment that happens to contain `id: "x"`, the very reference that
//! is unknown. Every expected line and column is counted by hand in the texts below
//! (columns in characters, 1-based; a string's place is its opening quote).

use incentives::load::{load_texts, LoadError};

const INPUTS: &str = r#"Inputs(
    groups: [FormGroup(id: "test", label: (zh: "测试", en: "Test"), order: 1)],
    group: "test",
    inputs: [
        Input(id: "sales_yuan", label: (zh: "销售额", en: "Sales"), kind: Number(Yuan), scope: ProjectYear, help: (zh: "", en: "")),
    ],
)"#;

const STACKING: &str = r#"StackingGroups(
    groups: [
        Group(id: "sales", title: (zh: "销售", en: "Sales"), policy: TakeHighest, reading: (zh: "测试", en: "test")),
    ],
)"#;

/// A document whose `rules: [` ends line 7; each rule text starts on line 8.
fn document(rules: &str) -> String {
    format!(
        r#"Document(
    number: "测试〔2024〕1号", title: (zh: "测试", en: "Test"), issuer: "测试",
    level: Municipal, issued: "2024-01-01",
    in_force: (from: "2024-01-01", basis: (zh: "测试", en: "test")),
    source: (file: "none.txt", lines: (1, 1)),
    // A comment naming id: "sales_rate" and Input("sales_yaun") attracts nothing.
    rules: [
{rules}    ],
)"#
    )
}

/// A rule on one line, `id` first, with `amount` as given.
fn rule(id: &str, amount: &str) -> String {
    format!(
        "        Rule(id: \"{id}\", title: (zh: \"测试\", en: \"Test\"), clause: \"一\", line: 1, quote: \"测试。\", lead: [\"测试\"], benefit: Grant, per: ProjectYear, amount: {amount}),\n"
    )
}

const RATE: &str = r#"Rate(base: Input("sales_yuan"), rate: "0.03", kind: Exactly)"#;

fn load(files: &[(&str, &str)]) -> Result<(), LoadError> {
    let files: Vec<(String, String)> = files
        .iter()
        .map(|(f, t)| ((*f).to_owned(), (*t).to_owned()))
        .collect();
    load_texts(&files).map(|_| ())
}

fn load_doc(rules: &str) -> Result<(), LoadError> {
    load(&[("inputs.ron", INPUTS), ("doc.ron", &document(rules))])
}

#[test]
fn the_made_up_pack_loads() {
    load_doc(&rule("sales_rate", RATE)).expect("loads");
}

#[test]
fn a_duplicate_rule_id_points_at_the_second() {
    let rules = format!("{}{}", rule("sales_rate", RATE), rule("sales_rate", RATE));
    let e = load_doc(&rules).unwrap_err();
    // The second rule is on line 9: `        Rule(id: ` is 17 characters, its id's quote col 18.
    // (The comment on line 6 also says id: "sales_rate"; the first rule is on line 8.)
    assert_eq!((e.file.as_str(), e.line, e.col), ("doc.ron", 9, 18), "{e}");
    assert_eq!(e.rule.as_deref(), Some("sales_rate"));
    assert!(e.message.contains("already loaded"), "{e}");
}

#[test]
fn a_duplicate_rule_id_in_another_file_points_at_that_file() {
    let first = document(&rule("sales_rate", RATE));
    let second = document(&rule("sales_rate", RATE)).replace("测试〔2024〕1号", "测试〔2024〕2号");
    let e = load(&[
        ("inputs.ron", INPUTS),
        ("a.ron", &first),
        ("b.ron", &second),
    ])
    .unwrap_err();
    assert_eq!((e.file.as_str(), e.line, e.col), ("b.ron", 8, 18), "{e}");
}

#[test]
fn an_unknown_input_points_at_the_reference_not_the_comment() {
    let amount = r#"Rate(base: Input("sales_yaun"), rate: "0.03", kind: Exactly)"#;
    let e = load_doc(&rule("sales_rate", amount)).unwrap_err();
    // Line 8; the characters before the misspelt name's quote: 8 spaces, `Rule(id: ` 9,
    // `"sales_rate", ` 14, `title: (zh: "测试", en: "Test"), ` 31, `clause: "一", ` 13,
    // `line: 1, ` 9, `quote: "测试。", ` 14, `lead: ["测试"], ` 14, `benefit: Grant, ` 16,
    // `per: ProjectYear, ` 18, `amount: ` 8, `Rate(base: ` 11, `Input(` 6 = 171: col 172.
    let line8 = document(&rule("sales_rate", amount))
        .lines()
        .nth(7)
        .unwrap()
        .to_owned();
    let before = &line8[..line8.find("\"sales_yaun\"").unwrap()];
    assert_eq!(before.chars().count(), 171, "the hand count of {line8}");
    assert_eq!((e.line, e.col), (8, 172), "{e}");
    assert_eq!(e.rule.as_deref(), Some("sales_rate"));
    assert!(e.message.contains("unknown input `sales_yaun`"), "{e}");
}

#[test]
fn an_unknown_field_inside_a_rule_names_the_rule() {
    let e = load_doc(
        &rule("sales_rate", RATE).replace("benefit: Grant", "colour: Red, benefit: Grant"),
    )
    .unwrap_err();
    assert_eq!(e.line, 8, "{e}");
    assert_eq!(e.rule.as_deref(), Some("sales_rate"), "{e}");
    assert!(e.message.contains("colour"), "{e}");
    assert_eq!(e.to_string().lines().count(), 1);
}

#[test]
fn an_error_in_the_second_rule_names_the_second_rule() {
    let rules = format!(
        "{}{}",
        rule("first", RATE),
        rule(
            "second",
            r#"Rate(base: Input("sales_yuan"), rate: 0.03, kind: Exactly)"#
        )
    );
    let e = load_doc(&rules).unwrap_err();
    assert_eq!(e.line, 9, "{e}");
    assert_eq!(e.rule.as_deref(), Some("second"), "{e}");
}

#[test]
fn an_escaped_id_falls_back_to_its_first_field() {
    // `\u{61}` is `a`: the parser hands over a new string, not a slice of the text, so the
    // rule's place is its first field name, `id`, at col 14 of line 9.
    let rules = format!("{}{}", rule("a", RATE), rule("\\u{61}", RATE));
    let e = load_doc(&rules).unwrap_err();
    assert_eq!((e.line, e.col), (9, 14), "{e}");
    assert_eq!(e.rule.as_deref(), Some("a"));
}

#[test]
fn an_unknown_stacking_group_points_at_its_name() {
    let with_group = rule("sales_rate", RATE).replace("amount:", "stacking: \"salse\", amount:");
    let e = load(&[
        ("inputs.ron", INPUTS),
        ("stacking.ron", STACKING),
        ("doc.ron", &document(&with_group)),
    ])
    .unwrap_err();
    let line8 = document(&with_group).lines().nth(7).unwrap().to_owned();
    let col = line8[..line8.find("\"salse\"").unwrap()].chars().count() + 1;
    assert_eq!((e.line, e.col), (8, col), "{e}");
    assert!(e.message.contains("unknown stacking group `salse`"), "{e}");
}

#[test]
fn a_stacking_group_declared_twice_points_at_the_second() {
    let twice = STACKING.replace(
        "    ],",
        "        Group(id: \"sales\", title: (zh: \"销售\", en: \"Sales\"), policy: TakeHighest, reading: (zh: \"测试\", en: \"test\")),\n    ],",
    );
    let e = load(&[
        ("inputs.ron", INPUTS),
        ("stacking.ron", &twice),
        ("doc.ron", &document(&rule("sales_rate", RATE))),
    ])
    .unwrap_err();
    // `        Group(id: ` is 18 characters: the second group's id is line 4, col 19.
    assert_eq!(
        (e.file.as_str(), e.line, e.col),
        ("stacking.ron", 4, 19),
        "{e}"
    );
    assert!(e.message.contains("declared twice"), "{e}");
}

#[test]
fn an_input_declared_twice_points_at_the_second() {
    let line = INPUTS.lines().nth(4).unwrap();
    let twice = INPUTS.replace(line, &format!("{line}\n{line}"));
    let e = load(&[
        ("inputs.ron", &twice),
        ("doc.ron", &document(&rule("r", RATE))),
    ])
    .unwrap_err();
    // `        Input(id: ` is 18 characters: line 6, col 19.
    assert_eq!(
        (e.file.as_str(), e.line, e.col),
        ("inputs.ron", 6, 19),
        "{e}"
    );
}

#[test]
fn an_agency_translated_twice_points_at_the_second() {
    let agencies = "Agencies(\n    agencies: [\n        (zh: \"测试\", en: \"Test\"),\n        (zh: \"测试\", en: \"Test again\"),\n    ],\n)";
    let e = load(&[
        ("agencies.ron", agencies),
        ("inputs.ron", INPUTS),
        ("doc.ron", &document(&rule("r", RATE))),
    ])
    .unwrap_err();
    // `        (zh: ` is 13 characters: line 4, col 14.
    assert_eq!(
        (e.file.as_str(), e.line, e.col),
        ("agencies.ron", 4, 14),
        "{e}"
    );
}

#[test]
fn a_byte_order_mark_does_not_move_a_place() {
    let rules = format!("{}{}", rule("sales_rate", RATE), rule("sales_rate", RATE));
    let with_bom = format!("\u{feff}{}", document(&rules));
    let e = load(&[("inputs.ron", INPUTS), ("doc.ron", &with_bom)]).unwrap_err();
    assert_eq!((e.line, e.col), (9, 18), "{e}");
}

/// Found by the rule-pack fuzzer: a reference written with an escape (`"\n"`) is a new
/// string, not a slice of the text, so it has no place of its own; the error was placed at
/// 0:0. It falls back to its rule's place.
#[test]
fn an_escaped_reference_falls_back_to_its_rule() {
    let amount = r#"Rate(base: Input("sales\u{5f}yaun"), rate: "0.03", kind: Exactly)"#;
    let e = load_doc(&rule("sales_rate", amount)).unwrap_err();
    assert!(e.message.contains("unknown input `sales_yaun`"), "{e}");
    assert_eq!((e.line, e.col), (8, 18), "{e}");
}

/// The same for a district document's `applies_in` option: the `applies_in` field.
#[test]
fn an_escaped_option_falls_back_to_its_field() {
    let inputs = INPUTS.replace(
        "    ],\n)",
        "        Input(id: \"district\", label: (zh: \"区县\", en: \"District\"), kind: Choice([(id: \"wulong\", label: (zh: \"武隆区\", en: \"Wulong\"))]), scope: Project, help: (zh: \"\", en: \"\")),\n    ],\n)",
    );
    let doc = document(&rule("sales_rate", RATE)).replace(
        "    level: Municipal,",
        "    level: District(\"武隆区\"), applies_in: District(id: \"wu\\u{6c}ong\"),",
    );
    load(&[("inputs.ron", &inputs), ("doc.ron", &doc)])
        .expect("an escaped option that exists loads");
    let doc = doc.replace("wu\\u{6c}ong", "wu\\u{6c}ung");
    let e = load(&[("inputs.ron", &inputs), ("doc.ron", &doc)]).unwrap_err();
    // Line 3: 4 spaces, `level: ` 7, `District(` 9, `"武隆区"` 5, `),` 2 and a space make 28
    // characters; `applies_in` starts col 29.
    assert_eq!((e.line, e.col), (3, 29), "{e}");
}

#[test]
fn a_group_in_a_list_points_at_its_name() {
    let with_groups =
        rule("sales_rate", RATE).replace("amount:", "stacking: [\"sales\", \"sales\"], amount:");
    let e = load(&[
        ("inputs.ron", INPUTS),
        ("stacking.ron", STACKING),
        ("doc.ron", &document(&with_groups)),
    ])
    .unwrap_err();
    // The second `"sales"` of the list, named twice.
    let line8 = document(&with_groups).lines().nth(7).unwrap().to_owned();
    let first = line8.find("\"sales\"").unwrap();
    let second = first + 1 + line8[first + 1..].find("\"sales\"").unwrap();
    assert_eq!(
        (e.line, e.col),
        (8, line8[..second].chars().count() + 1),
        "{e}"
    );
    assert!(e.message.contains("named twice"), "{e}");
}
