//! Text from files shown safely: a control character in a name (a line break, an escape
//! that starts a terminal sequence, a bidirectional override) is written out visibly
//! (`\n`, `\u{1b}`), so no name can start a new line of a table or of a one-line error,
//! or drive the terminal. Every printed name and every one-line error passes through here.

use std::borrow::Cow;

/// Characters that move, hide or reorder what is printed around them: the C0 and C1
/// controls and DEL, the bidirectional embeddings, overrides and isolates, and the Unicode
/// line and paragraph separators.
pub fn is_hazard(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
        || matches!(c, '\u{200e}' | '\u{200f}' | '\u{061c}')
        || matches!(c, '\u{2028}' | '\u{2029}')
}

fn push_escaped(out: &mut String, c: char) {
    match c {
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        c => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
    }
}

/// `text` on one line: every hazard, line breaks included, written out.
pub fn visible(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_hazard) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if is_hazard(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Text of several lines: line breaks stay, every other hazard is written out.
pub fn visible_lines(text: &str) -> Cow<'_, str> {
    if !text.chars().any(|c| c != '\n' && is_hazard(c)) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if c != '\n' && is_hazard(c) {
            push_escaped(&mut out, c);
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// The longest a quoted value is shown in a message, in characters (after escaping).
pub const QUOTE_CHARS: usize = 80;

/// The longest a one-line error is, in characters (room for the longest path a system
/// allows): a safety net behind [`clip_quotes`] for a message that quotes something
/// unforeseen.
pub const LINE_CHARS: usize = 5000;

/// At most `max` characters of `text`; a longer text ends in `…`.
pub fn elide(text: &str, max: usize) -> Cow<'_, str> {
    match text.char_indices().nth(max) {
        None => Cow::Borrowed(text),
        Some((end, _)) => Cow::Owned(format!("{}…", &text[..end])),
    }
}

/// A one-line error made safe to print: hazards written out, every span between a pair of
/// quotes (`` ` ``, `"`, `“”`, `「」`) shown with at most [`QUOTE_CHARS`] characters, and
/// the whole line at most [`LINE_CHARS`] characters.
pub fn one_line_error(text: &str) -> String {
    let shown = visible(text);
    let clipped = clip_quotes(&shown);
    elide(&clipped, LINE_CHARS).into_owned()
}

/// Every quoted span of `text` cut to [`QUOTE_CHARS`] characters (an unpaired quote runs
/// to the end of the text and is cut the same way).
pub fn clip_quotes(text: &str) -> Cow<'_, str> {
    fn closing(c: char) -> Option<char> {
        match c {
            '`' => Some('`'),
            '"' => Some('"'),
            '“' => Some('”'),
            '「' => Some('」'),
            _ => None,
        }
    }
    // Nothing to do for a short text: no span can be longer than the whole.
    if text.chars().nth(QUOTE_CHARS).is_none() {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len().min(4 * LINE_CHARS));
    let mut rest = text;
    while let Some((i, open)) = rest.char_indices().find(|(_, c)| closing(*c).is_some()) {
        let close = closing(open).unwrap_or(open);
        let body_start = i + open.len_utf8();
        out.push_str(&rest[..body_start]);
        let after = &rest[body_start..];
        let (inner, tail) = match after.find(close) {
            Some(j) => (&after[..j], &after[j..]),
            None => (after, ""),
        };
        out.push_str(&elide(inner, QUOTE_CHARS));
        match tail.chars().next() {
            Some(c) => {
                out.push(c);
                rest = &tail[c.len_utf8()..];
            }
            None => rest = "",
        }
    }
    out.push_str(rest);
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_line_breaks_escapes_and_overrides() {
        assert_eq!(visible("P1\n合计"), "P1\\n合计");
        assert_eq!(visible("a\u{1b}[31mb"), "a\\u{1b}[31mb");
        assert_eq!(visible("x\u{202e}y"), "x\\u{202e}y");
        assert_eq!(visible("新企业 A-1"), "新企业 A-1");
        assert_eq!(visible_lines("a\nb\u{7}"), "a\nb\\u{7}");
    }

    #[test]
    fn quotes_are_cut_to_80_characters() {
        let long = format!("unknown input `{}` (not declared)", "x".repeat(5000));
        let shown = one_line_error(&long);
        assert_eq!(
            shown,
            format!("unknown input `{}…` (not declared)", "x".repeat(80))
        );
        let unpaired = format!("found \"{}", "y".repeat(300));
        assert_eq!(
            one_line_error(&unpaired),
            format!("found \"{}…", "y".repeat(80))
        );
        assert_eq!(one_line_error("short `a` and \"b\""), "short `a` and \"b\"");
    }

    #[test]
    fn a_line_is_bounded() {
        let words = "word ".repeat(10_000);
        assert_eq!(one_line_error(&words).chars().count(), LINE_CHARS + 1);
    }
}
