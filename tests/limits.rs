//! Limits on project files and rule packs, each with one clear line: the file's size
//! (refused before it is read), nesting, the number of projects, offers and years, the
//! length of names, the decimal range. Every message names file:line:col (or, for the file
//! as a whole, the file alone: never a made-up `0:0`), quotes at most 80 characters of a
//! bad value, and speaks of the project file or rule pack, not of the parser.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_incentives"));
    c.current_dir(env!("CARGO_MANIFEST_DIR"));
    c
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("incentives-limits-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `calc FILE --lang LANG`: (exit code, stderr).
fn calc(path: &Path, lang: &str) -> (i32, String) {
    let out = bin()
        .arg("calc")
        .arg(path)
        .args(["--lang", lang])
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Asserts exit code 2 and exactly `expected` as the one line on stderr.
fn assert_error(got: (i32, String), expected: &str) {
    let (code, err) = got;
    assert_eq!(code, 2, "{err}");
    assert_eq!(err, format!("{expected}\n"));
    for word in ["recursion", "ron::", "serde", "RON"] {
        assert!(!err.contains(word), "parser wording `{word}` in: {err}");
    }
}

/// A project file whose 2024 figures are `body` (its line 8, from column 25).
fn project(body: &str) -> String {
    format!(
        r#"Project(
    subject: (name: "测试企业"),
    projects: [
        (
            id: "P1",
            inputs: {{"industry": "manufacturing", "project_kind": "new"}},
            years: {{
                2024: {{{body}}},
            }},
        ),
    ],
)
"#
    )
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

// ---- size --------------------------------------------------------------------------------

#[test]
fn a_project_file_over_64_mib_is_refused_before_it_is_read() {
    let dir = scratch("size");
    // A sparse 80 MiB file: 80 × 1,048,576 = 83,886,080 bytes, shown as 80.0 MiB.
    let big = dir.join("video.ron");
    File::create(&big)
        .unwrap()
        .set_len(80 * 1024 * 1024)
        .unwrap();
    let shown = big.display().to_string();
    assert_error(
        calc(&big, "en"),
        &format!("{shown}: the project file is too large (80.0 MiB; at most 64.0 MiB): is it the right file?"),
    );
    assert_error(
        calc(&big, "zh"),
        &format!("{shown}: 项目文件过大（80.0 MiB），上限为 64.0 MiB：是否选错了文件？"),
    );
    // One byte over the limit is refused; exactly 64 MiB (a valid file padded with a
    // comment) is read.
    let text = project(r#""fdi_arrived_usd": "20000000""#);
    let limit = 64 * 1024 * 1024;
    let pad = limit - text.len() - 3;
    let exact = format!("{text}//{}\n", "x".repeat(pad));
    assert_eq!(exact.len(), limit);
    let path = write(&dir, "exact.ron", &exact);
    let out = bin().arg("calc").arg(&path).output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let over = write(&dir, "over.ron", &format!("{exact} "));
    assert_error(
        calc(&over, "en"),
        &format!(
            "{}: the project file is too large (64.0 MiB; at most 64.0 MiB): is it the right file?",
            over.display()
        ),
    );
    // A device has no size beforehand: it is read no further than the limit.
    assert_error(
        calc(Path::new("/dev/zero"), "en"),
        "/dev/zero: the project file is too large (more than 64.0 MiB; at most 64.0 MiB): is it the right file?",
    );
}

#[test]
fn unreadable_files_are_named_without_a_position() {
    let dir = scratch("unreadable");
    let missing = dir.join("missing.ron");
    assert_error(
        calc(&missing, "en"),
        &format!(
            "{}: cannot read the project file: no such file",
            missing.display()
        ),
    );
    assert_error(
        calc(&missing, "zh"),
        &format!("{}: 无法读取项目文件：文件不存在", missing.display()),
    );
    assert_error(
        calc(&dir, "en"),
        &format!(
            "{}: cannot read the project file: it is a folder, not a file",
            dir.display()
        ),
    );
    // Not UTF-8: placed at the first bad byte, line 2 column 22 (after two spaces, the 17
    // characters of `subject: (name: "` and the two of 测试).
    let latin1 = dir.join("latin1.ron");
    std::fs::write(
        &latin1,
        b"Project(\n  subject: (name: \"\xe6\xb5\x8b\xe8\xaf\x95\xff\"),\n)\n",
    )
    .unwrap();
    assert_error(
        calc(&latin1, "en"),
        &format!(
            "{}:2:22: the project file is not UTF-8 text: save it as UTF-8",
            latin1.display()
        ),
    );
}

// ---- values ------------------------------------------------------------------------------

#[test]
fn a_huge_bad_value_is_quoted_in_80_characters() {
    let dir = scratch("huge-value");
    // 10,000,000 characters of text where an amount belongs, at line 8 column 43.
    let long = "x".repeat(10_000_000);
    let path = write(
        &dir,
        "value.ron",
        &project(&format!(r#""fdi_arrived_usd": "{long}""#)),
    );
    assert_error(
        calc(&path, "en"),
        &format!(
            "{}:8:43: expected a decimal number such as \"10000000\", found \"{}…\"",
            path.display(),
            "x".repeat(80)
        ),
    );
    // Followed by a comma and another figure, still placed at the value: 8:43.
    let path = write(
        &dir,
        "comma.ron",
        &project(r#""fdi_arrived_usd": "-5", "fdi_shareholder_loans_usd": "1""#),
    );
    assert_error(
        calc(&path, "en"),
        &format!(
            "{}:8:43: amounts cannot be negative, found \"-5\"",
            path.display()
        ),
    );
    // The same length as an input name, and as a bare word.
    let path = write(&dir, "key.ron", &project(&format!(r#""{long}": "1""#)));
    assert_error(
        calc(&path, "en"),
        &format!(
            "{}:8:25: unknown input `{}…` (not declared in any Inputs file)",
            path.display(),
            "x".repeat(80)
        ),
    );
    let path = write(
        &dir,
        "word.ron",
        &project(&format!(r#""fdi_arrived_usd": {long}"#)),
    );
    let (code, err) = calc(&path, "en");
    assert_eq!(code, 2);
    assert_eq!(err.lines().count(), 1);
    assert!(err.len() < 300, "{} bytes", err.len());
    // A control character in a value counts as the characters it is shown as.
    let path = write(
        &dir,
        "escape.ron",
        &project(&format!(
            r#""fdi_arrived_usd": "\u{{1b}}{}""#,
            "9".repeat(200)
        )),
    );
    let (code, err) = calc(&path, "en");
    assert_eq!(code, 2);
    assert!(
        err.contains(&format!("found \"\\u{{1b}}{}…\"", "9".repeat(74))),
        "{err}"
    );
    assert!(!err.contains('\u{1b}'));
}

#[test]
fn figures_past_28_digits_are_refused_as_written() {
    let dir = scratch("decimal");
    // 29 nines: one digit past what an exact decimal holds.
    let nines = "9".repeat(29);
    let path = write(
        &dir,
        "text.ron",
        &project(&format!(r#""fdi_arrived_usd": "{nines}""#)),
    );
    assert_error(
        calc(&path, "en"),
        &format!(
            "{}:8:43: the number \"{nines}\" is too large for an exact decimal (at most 28 digits)",
            path.display()
        ),
    );
    // Written bare, 41 digits overflow even a 128-bit integer; it is quoted as written,
    // not as the 1e41 the reader rounded it to.
    let digits = "9".repeat(41);
    let path = write(
        &dir,
        "bare.ron",
        &project(&format!(r#""fdi_arrived_usd": {digits}"#)),
    );
    assert_error(
        calc(&path, "zh"),
        &format!(
            "{}:8:43: 数字 \"{digits}\" 过大，无法精确计算（最多28位）",
            path.display()
        ),
    );
    // 万 multiplies past the limit: 28 nines × 10,000.
    let path = write(
        &dir,
        "wan.ron",
        &project(&format!(r#""fdi_arrived_usd": "{}万""#, "9".repeat(28))),
    );
    let (code, err) = calc(&path, "en");
    assert_eq!(code, 2);
    assert!(
        err.contains(":8:43: ") && err.contains("too large"),
        "{err}"
    );
}

// ---- structure ---------------------------------------------------------------------------

#[test]
fn deep_nesting_is_refused_where_it_opens() {
    let dir = scratch("deep");
    // 100,000 brackets where a value belongs (a dated input's entries are a list, so a
    // list is read there): refused where the nesting passes 32 levels as the reader counts
    // them (the file's own brackets, then each list and the value inside it), at the 12th
    // bracket: line 8, column 43 + 11 = 54. Nothing deeper is read, so no stack overflows.
    let path = write(
        &dir,
        "deep.ron",
        &project(&format!(
            r#""fdi_arrived_usd": {}{}"#,
            "[".repeat(100_000),
            "]".repeat(100_000)
        )),
    );
    assert_error(
        calc(&path, "en"),
        &format!(
            "{}:8:54: the project file nests brackets deeper than 32 levels here",
            path.display()
        ),
    );
    assert_error(
        calc(&path, "zh"),
        &format!("{}:8:54: 项目文件此处括号嵌套超过 32 层", path.display()),
    );
}

/// `count` projects, one per line from line 3: project i is on line 3 + i, its first key
/// `id` at column 6 (after four spaces and `(`).
fn many_projects(count: usize) -> String {
    let mut text = String::from("Project(\n  subject: (name: \"x\"), projects: [\n");
    for i in 0..count {
        text.push_str(&format!(
            "    (id: \"P{i}\", inputs: {{\"industry\": \"manufacturing\", \"project_kind\": \"new\"}}, years: {{2024: {{}}}}),\n"
        ));
    }
    text.push_str("  ],\n)\n");
    text
}

#[test]
fn more_than_100_000_projects_are_refused_at_the_100_001st() {
    let dir = scratch("projects");
    let path = write(&dir, "many.ron", &many_projects(100_001));
    // Project index 100,000 (the 100,001st) is on line 3 + 100,000 = 100,003.
    assert_error(
        calc(&path, "en"),
        &format!(
            "{}:100003:6: too many projects: a project file holds at most 100000",
            path.display()
        ),
    );
    assert_error(
        calc(&path, "zh"),
        &format!(
            "{}:100003:6: 项目过多：一个项目文件最多 100000 个项目",
            path.display()
        ),
    );
    // 100 are read and evaluated.
    let path = write(&dir, "one-hundred.ron", &many_projects(100));
    let out = bin().arg("calc").arg(&path).arg("--json").output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// `count` projects of `years` years each from 2020, one project per line from line 3.
fn projects_with_years(count: usize, years: u16) -> String {
    let mut text = String::from("Project(\n  subject: (name: \"x\"), projects: [\n");
    let all: String = (2020..2020 + years)
        .map(|y| format!("{y}: {{}}, "))
        .collect();
    for i in 0..count {
        text.push_str(&format!(
            "    (id: \"P{i}\", inputs: {{\"industry\": \"manufacturing\", \"project_kind\": \"new\"}}, years: {{{all}}}),\n"
        ));
    }
    text.push_str("  ],\n)\n");
    text
}

#[test]
fn more_than_2000_offers_are_refused_at_the_2001st() {
    let dir = scratch("offers");
    let mut text = project(r#""fdi_arrived_usd": "20000000""#);
    text.truncate(text.rfind(')').unwrap());
    text.push_str("    offers: [\n");
    // The project takes lines 1–11 and `offers: [` line 12: offer i is on line 13 + i, its
    // first key `rule` at column 10 (after eight spaces and `(`).
    for _ in 0..3000 {
        text.push_str(
            "        (rule: \"fdi_reward_65\", project: \"P1\", year: 2024, amount: \"1\"),\n",
        );
    }
    text.push_str("    ],\n)\n");
    let path = write(&dir, "offers.ron", &text);
    assert_error(
        calc(&path, "en"),
        &format!(
            "{}:2013:10: too many offers: a project file holds at most 2000",
            path.display()
        ),
    );
}

#[test]
fn years_are_bounded_by_their_range() {
    let dir = scratch("years");
    // 100,000 year keys, one per line from line 8 (2000 on line 8): the first outside
    // 2000–2100 is 2101, on line 8 + 101 = 109, column 17.
    let mut years = String::new();
    for y in 2000..102_000 {
        years.push_str(&format!("                {y}: {{}},\n"));
    }
    let text = project("").replace("                2024: {},\n", &years);
    let path = write(&dir, "years.ron", &text);
    assert_error(
        calc(&path, "en"),
        &format!(
            "{}:109:17: expected a year such as 2024 (2000–2100), found 2101",
            path.display()
        ),
    );
    // 400,000 years in all, the firm's and every project's: 5,000 projects of 81 years (2020
    // to 2100) give 405,000. Project 4,938 (0-based) starts after 4,938 × 81 = 399,978 years,
    // so its 23rd, 2042, is the 400,001st: line 3 + 4,938 = 4,941. Its column: 4 spaces,
    // `(id: "P4938", ` (14), the inputs (62), `years: {` (8), then 22 years of `20xx: {}, `
    // (10 each): 4 + 14 + 62 + 8 + 220 + 1 = 309.
    let path = write(&dir, "project-years.ron", &projects_with_years(5000, 81));
    assert_error(
        calc(&path, "en"),
        &format!(
            "{}:4941:309: too many years: a project file gives at most 400000 (the firm's and every project's together)",
            path.display()
        ),
    );
    // Within the range, a year no loaded policy covers is an error at its key: 2000 is on
    // line 8.
    let text = project("").replace("2024: {}", "2000: {}");
    let path = write(&dir, "uncovered.ron", &text);
    let (code, err) = calc(&path, "en");
    assert_eq!(code, 2);
    assert!(
        err.starts_with(&format!("{}:8:17: ", path.display())),
        "{err}"
    );
}

#[test]
fn names_longer_than_200_characters_are_refused() {
    let dir = scratch("names");
    // Placed at the value's opening quote: line 5, after 12 spaces and `id: `, column 17.
    let long = "长".repeat(201);
    let text = project("").replace("id: \"P1\"", &format!("id: \"{long}\""));
    let path = write(&dir, "id.ron", &text);
    assert_error(
        calc(&path, "en"),
        &format!(
            "{}:5:17: `id` is too long (201 characters; at most 200)",
            path.display()
        ),
    );
    // Line 2, after four spaces and `subject: (name: `, column 21.
    let text = project("").replace("name: \"测试企业\"", &format!("name: \"{long}\""));
    let path = write(&dir, "firm.ron", &text);
    assert_error(
        calc(&path, "zh"),
        &format!(
            "{}:2:21: `name` 过长（201 个字符），最多 200 个字符",
            path.display()
        ),
    );
}

// ---- rule packs --------------------------------------------------------------------------

/// A copy of the shipped rule packs with `edit` applied to cq-2023-65.ron.
fn packs(name: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let dir = scratch(name);
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    for entry in std::fs::read_dir(&src).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_some_and(|x| x == "ron") {
            let mut text = std::fs::read_to_string(&p).unwrap();
            if p.file_name().unwrap() == "cq-2023-65.ron" {
                text = edit(text);
            }
            std::fs::write(dir.join(p.file_name().unwrap()), text).unwrap();
        }
    }
    dir
}

fn check(dir: &Path) -> (i32, String) {
    let out = bin().arg("check").arg(dir).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn rule_pack_limits() {
    // Conditions nested 100,000 deep: refused at the 128th level. The line is 12 spaces and
    // `eligible: ` (22 columns), then `All([` (5 columns) each; the reader counts the `All`
    // and its list as one level each, so level 128 of the file's nesting falls on the `[`
    // of the 31st `All([`: column 22 + 5 × 31 = 177.
    let dir = packs("deep-pack", |t| {
        let at = t.find("eligible: All([").unwrap();
        let line_end = at + t[at..].find('\n').unwrap();
        format!(
            "{}eligible: {}{},{}",
            &t[..at],
            "All([".repeat(100_000),
            "])".repeat(100_000),
            &t[line_end..]
        )
    });
    assert_error(
        check(&dir),
        &format!(
            "{}/cq-2023-65.ron:69:177: rule `fdi_reward_65`: the rule pack nests deeper than 128 levels here",
            dir.display()
        ),
    );
    // A 10,000,000-character field name: quoted in 80.
    let dir = packs("long-field", |t| {
        t.replacen(
            "Document(",
            &format!("Document(\n    {}: 1,", "q".repeat(10_000_000)),
            1,
        )
    });
    let (code, err) = check(&dir);
    assert_eq!(code, 2);
    assert!(
        err.starts_with(&format!(
            "{}/cq-2023-65.ron:4:5: unexpected field `{}…` in `Document`; expected one of `number`",
            dir.display(),
            "q".repeat(80)
        )),
        "{}",
        &err[..err.len().min(400)]
    );
    assert_eq!(err.lines().count(), 1);
    assert!(err.chars().count() < 1100);
    // A pack over 64 MiB (sparse: 65 × 1,048,576 bytes) is refused before it is read.
    let dir = packs("big-pack", |t| t);
    File::create(dir.join("zz-huge.ron"))
        .unwrap()
        .set_len(65 * 1024 * 1024)
        .unwrap();
    assert_error(
        check(&dir),
        &format!(
            "{}/zz-huge.ron: the rule pack is too large (65 MiB; at most 64 MiB): is it the right file?",
            dir.display()
        ),
    );
    // A folder named like a pack, and a folder that does not exist: no position.
    let dir = packs("folder-pack", |t| t);
    std::fs::create_dir(dir.join("aa.ron")).unwrap();
    assert_error(
        check(&dir),
        &format!(
            "{}/aa.ron: cannot read the rule pack: it is a folder, not a file",
            dir.display()
        ),
    );
    let gone = dir.join("no-such-folder");
    assert_error(
        check(&gone),
        &format!("{}: cannot read the folder: no such folder", gone.display()),
    );
}

#[test]
fn the_reader_is_never_named() {
    let dir = scratch("wording");
    // Cut after `years: {` (line 7, 12 spaces and 8 characters): the reader stops just
    // past the brace, column 21.
    let whole = project("");
    let cut = &whole[..whole.find("years: {").unwrap() + "years: {\n".len()];
    let path = write(&dir, "cut.ron", cut);
    assert_error(
        calc(&path, "en"),
        &format!(
            "{}:7:21: the project file is not well-formed: the file ends too early: a closing bracket may be missing",
            path.display()
        ),
    );
    assert_error(
        calc(&path, "zh"),
        &format!(
            "{}:7:21: 项目文件意外结束（可能缺少右括号）",
            path.display()
        ),
    );
    // Text after the closing bracket (line 13, after the 12 lines of the file).
    let path = write(&dir, "trailing.ron", &format!("{whole}extra\n"));
    assert_error(
        calc(&path, "en"),
        &format!(
            "{}:13:1: the project file is not well-formed: text after the end of the file",
            path.display()
        ),
    );
    // A rule pack cut short just after `Document(`, which is its line 3: the reader stops
    // past the bracket, column 10.
    let dir = packs("cut-pack", |t| {
        t[..t.find("Document(").unwrap() + "Document(".len()].to_owned() + "\n"
    });
    assert_error(
        check(&dir),
        &format!(
            "{}/cq-2023-65.ron:3:10: the rule pack ends too early: a closing bracket may be missing",
            dir.display()
        ),
    );
}

#[test]
fn editing_keeps_within_the_limits_the_reader_sets() {
    use incentives::load::load_embedded;
    use incentives::project::{At, ProjectErrorKind};
    let base = load_embedded().unwrap();
    // A file at the project limit: the 100,001st project is refused.
    let mut p =
        incentives::project::parse_project("many.ron", &many_projects(100_000), &base).unwrap();
    assert_eq!(
        p.add_project("P100000").unwrap_err(),
        ProjectErrorKind::TooManyProjects
    );
    // A file at the year limit: 4,938 projects × 81 years = 399,978, and one more project of
    // 22 years makes 400,000; a 400,001st year is refused, whether added or set.
    let mut text = projects_with_years(4938, 81);
    let last: String = (2020..2042).map(|y| format!("{y}: {{}}, ")).collect();
    text = text.replace(
        "  ],\n)\n",
        &format!("    (id: \"P4938\", inputs: {{\"industry\": \"manufacturing\", \"project_kind\": \"new\"}}, years: {{{last}}}),\n  ],\n)\n"),
    );
    let mut p = incentives::project::parse_project("years.ron", &text, &base).unwrap();
    assert_eq!(
        p.add_year(Some("P4938"), 2042).unwrap_err(),
        ProjectErrorKind::TooManyYears
    );
    let at = At::SubjectYear { year: 2024 };
    assert_eq!(
        p.set(&base.catalog, at, "listed_this_year", "true")
            .unwrap_err(),
        ProjectErrorKind::TooManyYears
    );
    // A year already there takes its figures.
    p.add_year(Some("P0"), 2024).unwrap();
    let long = "x".repeat(201);
    assert_eq!(
        p.rename_project("P0", &long).unwrap_err(),
        ProjectErrorKind::NameTooLong {
            field: "id",
            chars: 201
        }
    );
}
