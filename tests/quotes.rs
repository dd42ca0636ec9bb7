//! Every quote is verbatim (whitespace-normalised) in its source text, starting on the cited
//! line; every source present, every reference resolvable. The check is the library's
//! (`check::verify`), the one `incentives check` runs on any folder of packs.

use std::path::Path;

use incentives::check::{verify, NormalisedText, Sources};
use incentives::load::{load_dir, load_embedded};

#[test]
fn quotes_are_verbatim_and_lines_hold_them() {
    let base = load_embedded().expect("embedded packs load");
    let quoted = base.documents.iter().map(|d| d.rules.len()).sum::<usize>()
        + base
            .groups
            .iter()
            .map(|g| g.governed_by.len())
            .sum::<usize>();
    assert!(quoted > 10, "only {quoted} quotes");
    let findings: Vec<String> = verify(&base, &Sources::Embedded)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(findings.is_empty(), "{}", findings.join("\n"));
}

/// The shipped folder, read as `--rules rules` reads it, with its texts from `rules/sources/`.
#[test]
fn the_shipped_folder_checks_clean_from_disk() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let base = load_dir(&dir).expect("the shipped folder loads");
    let findings: Vec<String> = verify(&base, &Sources::Folder(&dir))
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(findings.is_empty(), "{}", findings.join("\n"));
}

#[test]
fn the_quote_check_can_fail() {
    let text = NormalisedText::new("第一行\n对重大招商项目，\n 可综合考虑");
    assert_eq!(text.lines, 3);
    assert_eq!(text.quote_lines("对重大招商项目，可综合考虑"), vec![2]);
    // Line breaks and spaces in the quote do not matter either.
    assert_eq!(text.quote_lines("对重大招商 项目，\n可综合考虑"), vec![2]);
    // A missing comma does.
    assert!(text.quote_lines("对重大招商项目可综合考虑").is_empty());
    assert!(text.quote_lines("").is_empty());
    // Every start is found, overlapping ones too: "aa" starts at 1 and 2 of "aaa".
    let text = NormalisedText::new("a\naa");
    assert_eq!(text.quote_lines("aa"), vec![1, 2]);
}

/// Chinese prose is for people: no source line numbers (L499) in any `zh:` text of a pack.
#[test]
fn chinese_texts_cite_no_source_lines() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules");
    let mut found = Vec::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let p = entry.unwrap().path();
        if p.extension().is_none_or(|x| x != "ron") {
            continue;
        }
        let text = std::fs::read_to_string(&p).unwrap();
        for (n, line) in text.lines().enumerate() {
            let Some(at) = line.find("zh: \"") else {
                continue;
            };
            let zh = &line[at + 5..];
            let zh = &zh[..zh.find('"').unwrap_or(zh.len())];
            let bytes = zh.as_bytes();
            if (0..bytes.len().saturating_sub(1))
                .any(|i| bytes[i] == b'L' && bytes[i + 1].is_ascii_digit())
            {
                found.push(format!("{}:{}: {zh}", p.display(), n + 1));
            }
        }
    }
    assert!(
        found.is_empty(),
        "source lines in Chinese prose:\n{}",
        found.join("\n")
    );
}
