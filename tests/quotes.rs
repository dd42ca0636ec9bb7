//! Every quote is verbatim (whitespace-normalised) in its source text, starting on the cited line.

use std::path::Path;

use incentives::load::load_embedded;

/// The text without whitespace, and for each kept character the 1-based line it came from.
fn normalise(text: &str) -> (Vec<char>, Vec<u32>) {
    let mut chars = Vec::new();
    let mut lines = Vec::new();
    for (i, line) in text.lines().enumerate() {
        for c in line.chars().filter(|c| !c.is_whitespace()) {
            chars.push(c);
            lines.push(i as u32 + 1);
        }
    }
    (chars, lines)
}

fn find_all(hay: &[char], needle: &[char]) -> Vec<usize> {
    if needle.is_empty() || needle.len() > hay.len() {
        return Vec::new();
    }
    (0..=hay.len() - needle.len())
        .filter(|&i| hay[i..i + needle.len()] == *needle)
        .collect()
}

#[test]
fn quotes_are_verbatim_and_lines_hold_them() {
    let base = load_embedded().expect("embedded packs load");
    let sources = Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/sources");
    let mut problems = Vec::new();
    let mut checked = 0;
    for doc in &base.documents {
        let text = std::fs::read_to_string(sources.join(&doc.source.file)).unwrap_or_else(|e| {
            panic!("{}: source {} unreadable: {e}", doc.number, doc.source.file)
        });
        let (chars, lines) = normalise(&text);
        for rule in &doc.rules {
            let quote: Vec<char> = rule.quote.chars().filter(|c| !c.is_whitespace()).collect();
            let hits = find_all(&chars, &quote);
            checked += 1;
            if hits.is_empty() {
                problems.push(format!(
                    "{} `{}`: quote not found in {}",
                    doc.number, rule.id, doc.source.file
                ));
            } else if !hits.iter().any(|&h| lines[h] == rule.line) {
                let found: Vec<u32> = hits.iter().map(|&h| lines[h]).collect();
                problems.push(format!(
                    "{} `{}`: cited line {} but the quote starts on {:?}",
                    doc.number, rule.id, rule.line, found
                ));
            } else if !(doc.source.lines.0..=doc.source.lines.1).contains(&rule.line) {
                problems.push(format!(
                    "{} `{}`: line {} is outside the document ({:?})",
                    doc.number, rule.id, rule.line, doc.source.lines
                ));
            }
        }
    }
    for group in &base.groups {
        for g in &group.governed_by {
            let Some(doc) = base.documents.iter().find(|d| d.number == g.document) else {
                problems.push(format!(
                    "group `{}` cites {}, which is not loaded",
                    group.id, g.document
                ));
                continue;
            };
            let text =
                std::fs::read_to_string(sources.join(&doc.source.file)).expect("source readable");
            let (chars, lines) = normalise(&text);
            let quote: Vec<char> = g.quote.chars().filter(|c| !c.is_whitespace()).collect();
            let hits = find_all(&chars, &quote);
            checked += 1;
            if !hits.iter().any(|&h| lines[h] == g.line) {
                problems.push(format!(
                    "group `{}`: quote from {} not found starting on line {}",
                    group.id, g.document, g.line
                ));
            }
        }
    }
    assert!(checked > 10);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_quote_check_can_fail() {
    let (chars, lines) = normalise("第一行\n对重大招商项目，\n 可综合考虑");
    let q: Vec<char> = "对重大招商项目，可综合考虑".chars().collect();
    let hits = find_all(&chars, &q);
    assert_eq!(hits.len(), 1);
    assert_eq!(lines[hits[0]], 2);
    let wrong: Vec<char> = "对重大招商项目可综合考虑".chars().collect();
    assert!(find_all(&chars, &wrong).is_empty());
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
