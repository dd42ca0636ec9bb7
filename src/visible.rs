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

/// The hazard (other than a line break) that starts `bytes`, if one does, and its length in
/// bytes: the byte patterns of the characters [`is_hazard`] names, so UTF-8 text is scanned
/// without decoding it. `None` at the end of a buffer that may hold only part of one.
fn hazard_at(bytes: &[u8]) -> Option<Option<(char, usize)>> {
    let at = |i: usize| bytes.get(i).copied();
    let found = |c: u32, len: usize| Some(char::from_u32(c).map(|c| (c, len)));
    match at(0)? {
        b'\n' => Some(None),
        b @ (0x00..=0x1f | 0x7f) => found(u32::from(b), 1),
        0xc2 => match at(1)? {
            b @ 0x80..=0x9f => found(u32::from(b), 2),
            _ => Some(None),
        },
        0xd8 => match at(1)? {
            0x9c => found(0x061c, 2),
            _ => Some(None),
        },
        0xe2 => match (at(1)?, at(2)?) {
            (0x80, b @ (0x8e | 0x8f | 0xa8..=0xae)) => found(0x2000 + u32::from(b & 0x3f), 3),
            (0x81, b @ 0xa6..=0xa9) => found(0x2040 + u32::from(b & 0x3f), 3),
            _ => Some(None),
        },
        _ => Some(None),
    }
}

/// The bytes a hazard (or a line break) can start with: the C0 controls, DEL, and the
/// lead bytes of the C1 controls, U+061C and the U+20xx marks.
static MAY_START_HAZARD: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    table[0x7f] = true;
    table[0xc2] = true;
    table[0xd8] = true;
    table[0xe2] = true;
    table
};

/// A writer of text of several lines that passes on what [`visible_lines`] would make of
/// it: line breaks stay, every other hazard is written out. It scans bytes (no decoding),
/// so text streams through it at the speed of a copy; a hazard split between two writes
/// is held back until the next write or [`VisibleLines::finish`].
pub struct VisibleLines<W: std::io::Write> {
    inner: W,
    held: Vec<u8>,
}

impl<W: std::io::Write> VisibleLines<W> {
    pub fn new(inner: W) -> VisibleLines<W> {
        VisibleLines {
            inner,
            held: Vec::new(),
        }
    }

    /// Writes what was held back and returns the inner writer (not flushed).
    pub fn finish(mut self) -> std::io::Result<W> {
        let held = std::mem::take(&mut self.held);
        self.inner.write_all(&held)?;
        Ok(self.inner)
    }

    fn pass(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        let mut plain = 0;
        let mut i = 0;
        while i < bytes.len() {
            // Bytes that cannot start a hazard are passed over at once.
            match bytes[i..]
                .iter()
                .position(|&b| MAY_START_HAZARD[usize::from(b)])
            {
                Some(skip) => i += skip,
                None => break,
            }
            match hazard_at(&bytes[i..]) {
                None => {
                    self.inner.write_all(&bytes[plain..i])?;
                    self.held.extend_from_slice(&bytes[i..]);
                    return Ok(());
                }
                Some(None) => i += 1,
                Some(Some((c, len))) => {
                    self.inner.write_all(&bytes[plain..i])?;
                    let mut shown = String::new();
                    push_escaped(&mut shown, c);
                    self.inner.write_all(shown.as_bytes())?;
                    i += len;
                    plain = i;
                }
            }
        }
        self.inner.write_all(&bytes[plain..])
    }
}

impl<W: std::io::Write> std::io::Write for VisibleLines<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.write_all(buf)?;
        Ok(buf.len())
    }

    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        if self.held.is_empty() {
            return self.pass(buf);
        }
        let mut joined = std::mem::take(&mut self.held);
        joined.extend_from_slice(buf);
        self.pass(&joined)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
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

    /// Every write split of a text gives what `visible_lines` gives of the whole.
    fn streamed(text: &str, cuts: &[usize]) -> String {
        let mut w = VisibleLines::new(Vec::new());
        let bytes = text.as_bytes();
        let mut from = 0;
        for &cut in cuts {
            let cut = cut.min(bytes.len()).max(from);
            std::io::Write::write_all(&mut w, &bytes[from..cut]).ok();
            from = cut;
        }
        std::io::Write::write_all(&mut w, &bytes[from..]).ok();
        String::from_utf8(w.finish().unwrap_or_default()).unwrap_or_default()
    }

    #[test]
    fn the_stream_writes_out_what_visible_lines_writes_out() {
        let text =
            "项目 P1\u{1b}[31m\n合计\u{202e}：\u{85}·“引号”—…✓\u{2028}\u{61c}\u{2066}x\u{7f}\r\t";
        let whole = visible_lines(text).into_owned();
        assert!(
            whole.contains("\\u{1b}") && whole.contains("\\u{85}") && whole.contains("\\u{2066}")
        );
        for a in 0..=text.len() {
            for b in [a, a + 1, a + 2, a + 3] {
                assert_eq!(streamed(text, &[a, b]), whole, "cut at {a} and {b}");
            }
        }
    }

    proptest::proptest! {
        #[test]
        fn any_text_streams_as_visible_lines_makes_it(
            text in "(\\PC|[\u{0}-\u{1f}\u{7f}-\u{9f}\u{200e}\u{200f}\u{2028}-\u{202e}\u{2066}-\u{2069}\u{61c}·“”…✓项目])*",
            cuts in proptest::collection::vec(0usize..64, 0..6),
        ) {
            let mut sorted = cuts;
            sorted.sort_unstable();
            proptest::prop_assert_eq!(streamed(&text, &sorted), visible_lines(&text).into_owned());
        }
    }

    #[test]
    fn a_line_is_bounded() {
        let words = "word ".repeat(10_000);
        assert_eq!(one_line_error(&words).chars().count(), LINE_CHARS + 1);
    }
}
