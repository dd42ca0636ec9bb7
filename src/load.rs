//! Loading and resolving rule packs: RON text → validated `RuleBase`. Every error names
//! file:line:col and, where there is one, the rule. This is the only module that reads
//! rule files; the engine receives a `RuleBase` that cannot refer to anything undeclared.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use ron::extensions::Extensions;
use ron::Options;
use serde::de::DeserializeOwned;

use crate::inputs::{typed_given, Given, InputCatalog};
use crate::io_words::Access;
use crate::pack::*;
use crate::spans::{naming, At, LineIndex};

include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));

/// A rule-pack error with its place.
/// Displays on one line: control characters from the file or its name are shown escaped,
/// a quoted value at most 80 characters; `line` 0 is an error of the whole file (it cannot
/// be read, it is too large), shown without a position.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", one_line(self))]
pub struct LoadError {
    pub file: String,
    pub line: usize,
    pub col: usize,
    pub rule: Option<String>,
    pub message: String,
}

fn one_line(e: &LoadError) -> String {
    let place = if e.line == 0 {
        e.file.clone()
    } else {
        format!("{}:{}:{}", e.file, e.line, e.col)
    };
    let rule = e
        .rule
        .as_ref()
        .map(|r| format!("rule `{r}`: "))
        .unwrap_or_default();
    crate::visible::one_line_error(&format!("{place}: {rule}{}", e.message))
}

/// The largest rule-pack file read: 64 MiB (the shipped packs are under 200 KiB each).
pub const MAX_PACK_BYTES: u64 = 64 * 1024 * 1024;

/// The most levels a rule pack nests (conditions inside conditions).
pub const MAX_PACK_DEPTH: usize = 128;

/// Reads one rule-pack file: refused past [`MAX_PACK_BYTES`] before it is read, and at the
/// first byte that is not UTF-8.
fn read_pack(path: &Path) -> Result<String, LoadError> {
    use std::io::Read;
    let file = path.display().to_string();
    let whole = |message: String| LoadError {
        file: file.clone(),
        line: 0,
        col: 0,
        rule: None,
        message,
    };
    let io = |e: std::io::Error| {
        whole(format!(
            "cannot read the rule pack: {}",
            crate::io_words::io_problem(e.kind(), &e.to_string(), Access::ReadFile, Lang::En)
        ))
    };
    let too_large = |bytes: Option<u64>| {
        let size = match bytes {
            Some(b) => format!("{} MiB", b / (1024 * 1024)),
            None => format!("more than {} MiB", MAX_PACK_BYTES / (1024 * 1024)),
        };
        whole(format!(
            "the rule pack is too large ({size}; at most {} MiB): is it the right file?",
            MAX_PACK_BYTES / (1024 * 1024)
        ))
    };
    let opened = std::fs::File::open(path).map_err(io)?;
    let size = opened.metadata().map_err(io)?.len();
    if size > MAX_PACK_BYTES {
        return Err(too_large(Some(size)));
    }
    let mut bytes = Vec::new();
    opened
        .take(MAX_PACK_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(io)?;
    if bytes.len() as u64 > MAX_PACK_BYTES {
        return Err(too_large(None));
    }
    String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(&e.as_bytes()[..good]);
        let (line, col) = line_col(&text, good);
        LoadError {
            file: file.clone(),
            line,
            col,
            rule: None,
            message: "the rule pack is not UTF-8 text: save it as UTF-8".into(),
        }
    })
}

/// The reader's complaint in the terms of the file's author (`what`: "rule pack", "project
/// file"): no parser internals, and the names it quotes cut to 80 characters.
pub(crate) fn reader_problem(code: &ron::Error, what: &str) -> String {
    use crate::money::clip;
    use ron::Error as E;
    let one_of = |names: &[&str]| match names {
        [] => "nothing here".to_owned(),
        [one] => format!("`{one}`"),
        _ => format!("one of `{}`", names.join("`, `")),
    };
    let within = |outer: &Option<String>| {
        outer
            .as_deref()
            .map_or_else(String::new, |o| format!(" in `{}`", clip(o)))
    };
    match code {
        E::ExceededRecursionLimit => {
            format!("the {what} nests deeper than {MAX_PACK_DEPTH} levels here")
        }
        E::Message(m) => crate::visible::clip_quotes(m).into_owned(),
        E::NoSuchStructField {
            expected,
            found,
            outer,
        } => format!(
            "unexpected field `{}`{}; expected {}",
            clip(found),
            within(outer),
            one_of(expected)
        ),
        E::NoSuchEnumVariant {
            expected,
            found,
            outer,
        } => format!(
            "unexpected `{}`{}; expected {}",
            clip(found),
            within(outer),
            one_of(expected)
        ),
        E::MissingStructField { field, outer } => {
            format!("missing field `{field}`{}", within(outer))
        }
        E::DuplicateStructField { field, outer } => {
            format!("field `{field}` is given twice{}", within(outer))
        }
        E::ExpectedDifferentStructName { expected, found } => {
            format!("expected `{expected}`, found `{}`", clip(found))
        }
        E::ExpectedStructName(name) => format!("expected the name `{}` before `(`", clip(name)),
        E::InvalidValueForType { expected, found } => {
            format!("expected {}, found {}", clip(expected), clip(found))
        }
        E::InvalidIdentifier(name) => format!("`{}` is not a valid name", clip(name)),
        E::SuggestRawIdentifier(name) => {
            format!("`{}` is a reserved word: write it as `r#{0}`", clip(name))
        }
        E::NoSuchExtension(name) => format!("no extension named `{}`", clip(name)),
        E::Eof => format!("the {what} ends too early: a closing bracket may be missing"),
        E::TrailingCharacters => format!("text after the end of the {what}"),
        E::UnclosedLineComment => "a comment is not closed".into(),
        E::ExpectedRawValue => "expected a value".into(),
        other => other.to_string(),
    }
}

/// Every loaded document, input and stacking group, cross-checked.
#[derive(Debug, Clone)]
pub struct RuleBase {
    pub catalog: Arc<InputCatalog>,
    pub groups: Vec<StackingGroup>,
    /// The file each stacking group came from.
    pub group_files: Vec<String>,
    pub documents: Vec<Document>,
    /// The file each document came from.
    pub document_files: Vec<String>,
    /// Every rule in pack order, with its document and stacking group.
    pub rules: Vec<RuleSlot>,
    /// English names of the lead agencies, by their Chinese name.
    pub agencies: HashMap<String, String>,
    /// A short content hash of the pack texts this base was loaded from
    /// ([`rules_fingerprint`]); equal to [`embedded_fingerprint`] for the official set.
    pub fingerprint: String,
}

/// Where a rule sits in the rule base: its document, its place there, its stacking group.
/// Stored narrow: every line of a report carries one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
pub struct RuleSlot {
    document: u32,
    rule: u32,
    group: Option<u32>,
}

impl RuleSlot {
    /// `None` past 4 billion documents, rules or groups.
    pub fn new(document: usize, rule: usize, group: Option<usize>) -> Option<RuleSlot> {
        Some(RuleSlot {
            document: u32::try_from(document).ok()?,
            rule: u32::try_from(rule).ok()?,
            group: match group {
                Some(g) => Some(u32::try_from(g).ok()?),
                None => None,
            },
        })
    }

    /// Index into `RuleBase::documents`.
    pub fn document(self) -> usize {
        self.document as usize
    }

    /// Index into the document's `rules`.
    pub fn rule(self) -> usize {
        self.rule as usize
    }

    /// Index into `RuleBase::groups`.
    pub fn group(self) -> Option<usize> {
        self.group.map(|g| g as usize)
    }
}

impl RuleBase {
    pub fn rule(&self, slot: RuleSlot) -> &Rule {
        &self.documents[slot.document()].rules[slot.rule()]
    }

    /// The English name of an agency, where an `Agencies` file gives one.
    pub fn agency_en(&self, zh: &str) -> Option<&str> {
        self.agencies.get(zh).map(String::as_str)
    }

    pub fn find_rule(&self, id: &str) -> Option<(&Document, &Rule)> {
        self.rules.iter().find_map(|s| {
            let r = self.rule(*s);
            (r.id == id).then(|| (&self.documents[s.document()], r))
        })
    }

    /// The slot of rule `rule` of document `document` (as a `RuleRef` names it).
    pub fn slot_at(&self, document: u32, rule: u32) -> Option<RuleSlot> {
        self.rules
            .iter()
            .copied()
            .find(|s| s.document == document && s.rule == rule)
    }

    pub fn reading(&self, id: &str) -> Option<(&Document, &ReadingDecl)> {
        self.documents
            .iter()
            .find_map(|d| d.readings.iter().find(|r| r.id == id).map(|r| (d, r)))
    }

    /// Years some loaded document is in force (at least partly), as an inclusive range.
    pub fn covers_year(&self, year: u16) -> bool {
        self.documents.iter().any(|d| {
            d.in_force.from.year <= year
                && d.in_force.until.is_none_or(|u| year <= u.year)
                && d.repealed.as_ref().is_none_or(|r| year <= r.on.year)
        })
    }
}

/// The text of a policy source shipped inside the binary (`rules/sources/<file>`).
pub fn embedded_source(file: &str) -> Option<&'static str> {
    EMBEDDED_SOURCES
        .iter()
        .find(|(name, _)| *name == file)
        .map(|(_, text)| *text)
}

/// A short, stable content hash of a set of rule-pack texts: 64-bit FNV-1a over each
/// file's name (without its folder) and text, in name order, as 16 hex digits. A leading
/// byte-order mark is not part of a text, so the same packs copied to a folder hash alike.
pub fn rules_fingerprint(files: &[(String, String)]) -> String {
    let mut named: Vec<(&str, &str)> = files
        .iter()
        .map(|(f, t)| {
            let name = f.rsplit(['/', '\\']).next().unwrap_or(f);
            (name, strip_bom(t))
        })
        .collect();
    named.sort();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut feed = |bytes: &[u8]| {
        for b in bytes {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    };
    for (name, text) in named {
        feed(&(name.len() as u64).to_le_bytes());
        feed(name.as_bytes());
        feed(&(text.len() as u64).to_le_bytes());
        feed(text.as_bytes());
    }
    format!("{h:016x}")
}

/// The fingerprint of the rule packs shipped inside the binary (the official set).
pub fn embedded_fingerprint() -> &'static str {
    static FINGERPRINT: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    FINGERPRINT.get_or_init(|| {
        let files: Vec<(String, String)> = EMBEDDED_RULES
            .iter()
            .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
            .collect();
        rules_fingerprint(&files)
    })
}

/// The rule packs shipped inside the binary.
pub fn load_embedded() -> Result<RuleBase, LoadError> {
    let files: Vec<(String, String)> = EMBEDDED_RULES
        .iter()
        .map(|(n, t)| (format!("rules/{n}"), (*t).to_owned()))
        .collect();
    load_texts(&files)
}

/// Every `*.ron` file directly inside `dir`.
pub fn load_dir(dir: &Path) -> Result<RuleBase, LoadError> {
    let at = |message: String| LoadError {
        file: dir.display().to_string(),
        line: 0,
        col: 0,
        rule: None,
        message,
    };
    let entries = std::fs::read_dir(dir).map_err(|e| {
        at(format!(
            "cannot read the folder: {}",
            crate::io_words::io_problem(e.kind(), &e.to_string(), Access::ReadFolder, Lang::En)
        ))
    })?;
    let mut paths: Vec<_> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "ron"))
        .collect();
    paths.sort();
    if paths.is_empty() {
        return Err(at("no rule packs (*.ron) in this folder".into()));
    }
    let mut files = Vec::new();
    for p in paths {
        let text = read_pack(&p)?;
        files.push((p.display().to_string(), text));
    }
    load_texts(&files)
}

/// The text without a leading UTF-8 byte-order mark.
pub fn strip_bom(text: &str) -> &str {
    text.strip_prefix('\u{feff}').unwrap_or(text)
}

/// RON options shared by rule packs and project files: `Some(x)` may be written `x`.
pub fn ron_options() -> Options {
    Options::default().with_default_extension(Extensions::IMPLICIT_SOME)
}

/// Parses RON, turning the error into `file:line:col: message`; an error inside a rule
/// names the rule.
pub fn parse_ron<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, LoadError> {
    if text.trim().is_empty() {
        return Err(LoadError {
            file: file.into(),
            line: 1,
            col: 1,
            rule: None,
            message: "the file is empty".into(),
        });
    }
    let (parsed, rule) = naming(|| {
        ron_options()
            .with_recursion_limit(MAX_PACK_DEPTH)
            .from_str(text)
    });
    parsed.map_err(|e| LoadError {
        file: file.into(),
        line: e.span.start.line,
        col: e.span.start.col,
        rule,
        message: reader_problem(&e.code, "rule pack"),
    })
}

enum FileKind {
    Agencies,
    Inputs,
    Stacking,
    Document,
}

/// Reads the top-level struct name after comments and `#![enable(...)]` attributes.
fn file_kind(file: &str, text: &str) -> Result<FileKind, LoadError> {
    let mut rest = text;
    loop {
        rest = rest.trim_start();
        if let Some(r) = rest.strip_prefix("//") {
            rest = r.split_once('\n').map_or("", |x| x.1);
        } else if let Some(r) = rest.strip_prefix("/*") {
            rest = r.split_once("*/").map_or("", |x| x.1);
        } else if let Some(r) = rest.strip_prefix("#!") {
            rest = r.split_once(']').map_or("", |x| x.1);
        } else {
            break;
        }
    }
    let name: String = rest
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    match name.as_str() {
        "Inputs" => Ok(FileKind::Inputs),
        "StackingGroups" => Ok(FileKind::Stacking),
        "Document" => Ok(FileKind::Document),
        "Agencies" => Ok(FileKind::Agencies),
        _ => {
            let (line, col) = line_col(text, text.len() - rest.len());
            Err(LoadError {
                file: file.into(),
                line,
                col,
                rule: None,
                message: if text.trim().is_empty() {
                    "the file is empty".into()
                } else {
                    format!("expected `Inputs(`, `StackingGroups(`, `Agencies(` or `Document(` at the top of the file, found `{}`", name_or_text(&name, rest))
                },
            })
        }
    }
}

fn name_or_text(name: &str, rest: &str) -> String {
    if name.is_empty() {
        rest.chars().take(12).collect()
    } else {
        name.to_owned()
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// Where `"needle"` first appears at or after `from`, as line:col; the file start if nowhere.
pub fn locate_quoted(text: &str, needle: &str, from: usize) -> (usize, usize, usize) {
    let quoted = format!("\"{needle}\"");
    match text.get(from..).and_then(|t| t.find(&quoted)) {
        Some(i) => {
            let (l, c) = line_col(text, from + i);
            (l, c, from + i)
        }
        None => {
            let (l, c) = line_col(text, from);
            (l, c, from)
        }
    }
}

/// Byte offset of a 1-based line and column (in characters).
pub(crate) fn offset_of(text: &str, line: usize, col: usize) -> usize {
    let mut offset = 0;
    for (i, l) in text.split_inclusive('\n').enumerate() {
        if i + 1 == line {
            return offset
                + l.char_indices()
                    .nth(col.saturating_sub(1))
                    .map_or(l.len(), |(b, _)| b);
        }
        offset += l.len();
    }
    text.len()
}

/// A load error at a place the parser recorded (`0:0` where none is known).
fn error_at(file: &str, at: At, rule: Option<&str>, message: String) -> LoadError {
    let (line, col) = at.line_col().unwrap_or((0, 0));
    LoadError {
        file: file.to_owned(),
        line,
        col,
        rule: rule.map(str::to_owned),
        message,
    }
}

/// Loads a set of named RON texts into a cross-checked rule base.
pub fn load_texts(files: &[(String, String)]) -> Result<RuleBase, LoadError> {
    // A UTF-8 byte-order mark (left by some Windows editors) is not part of the text.
    let files: Vec<(String, String)> = files
        .iter()
        .map(|(f, t)| (f.clone(), strip_bom(t).to_owned()))
        .collect();
    let mut catalog = InputCatalog::default();
    let mut groups: Vec<StackingGroup> = Vec::new();
    let mut group_files: Vec<String> = Vec::new();
    let mut documents: Vec<(String, &str, Document)> = Vec::new();
    let mut agencies: HashMap<String, String> = HashMap::new();

    // Inputs and groups first, so that documents can be checked against them.
    let mut input_places: Vec<(String, String, At)> = Vec::new();
    for (file, text) in &files {
        match file_kind(file, text)? {
            FileKind::Agencies => {
                let parsed: AgenciesFile = parse_ron(file, text)?;
                let index = LineIndex::new(text);
                for mut a in parsed.agencies {
                    a.spans.place(&index);
                    if agencies.insert(a.zh.clone(), a.en).is_some() {
                        return Err(error_at(
                            file,
                            a.spans.at(),
                            None,
                            format!("agency `{}` is translated twice", a.zh),
                        ));
                    }
                }
            }
            FileKind::Inputs => {
                let parsed: InputsFile = parse_ron(file, text)?;
                let index = LineIndex::new(text);
                for mut g in parsed.groups {
                    g.spans.place(&index);
                    let at = g.spans.at();
                    catalog
                        .add_group(g)
                        .map_err(|message| error_at(file, at, None, message))?;
                }
                for mut decl in parsed.inputs {
                    decl.spans.place(&index);
                    let at = decl.spans.at();
                    input_places.push((file.clone(), decl.id.clone(), at));
                    if decl.group.is_none() {
                        decl.group.clone_from(&parsed.group);
                    }
                    let id = decl.id.clone();
                    catalog.add(decl).map_err(|message| {
                        error_at(file, at, None, format!("input `{id}`: {message}"))
                    })?;
                }
            }
            FileKind::Stacking => {
                let parsed: StackingFile = parse_ron(file, text)?;
                let index = LineIndex::new(text);
                for mut g in parsed.groups {
                    g.spans.place(&index);
                    for clause in &mut g.governed_by {
                        clause.spans.place(&index);
                    }
                    if groups.iter().any(|x| x.id == g.id) {
                        return Err(error_at(
                            file,
                            g.spans.at(),
                            None,
                            format!("stacking group `{}` is declared twice", g.id),
                        ));
                    }
                    groups.push(g);
                    group_files.push(file.clone());
                }
            }
            FileKind::Document => {
                let doc: Document = parse_ron(file, text)?;
                documents.push((file.clone(), text, doc));
            }
        }
    }
    if let Err(message) = catalog.finish() {
        // Point at the input the message names, if it names one.
        let (file, at) = input_places
            .iter()
            .find(|(_, id, _)| message.contains(&format!("`{id}`")))
            .map(|(f, _, at)| (f.as_str(), *at))
            .unwrap_or_else(|| (files.first().map_or("", |f| f.0.as_str()), At::default()));
        return Err(error_at(file, at, None, message));
    }
    if documents.is_empty() {
        return Err(LoadError {
            file: files.first().map_or_else(String::new, |f| f.0.clone()),
            line: 0,
            col: 0,
            rule: None,
            message: "no `Document(` rule pack among the loaded files".into(),
        });
    }

    let mut seen_rules: HashSet<String> = HashSet::new();
    let mut seen_readings: HashSet<String> = HashSet::new();
    let mut rules = Vec::new();
    let group_index: HashMap<&str, usize> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| (g.id.as_str(), i))
        .collect();
    let mut resolved_docs = Vec::new();
    let mut used_by: Vec<Vec<String>> = vec![Vec::new(); catalog.len()];
    let mut document_files = Vec::new();
    let all_rule_ids: HashSet<String> = documents
        .iter()
        .flat_map(|(_, _, d)| d.rules.iter().map(|r| r.id.clone()))
        .collect();
    // Where each rule and document sits, for the references rules make to each other.
    let places = Places {
        rules: documents
            .iter()
            .enumerate()
            .flat_map(|(di, (_, _, d))| {
                d.rules.iter().enumerate().map(move |(ri, r)| {
                    (
                        r.id.clone(),
                        RulePlace {
                            document: di as u32,
                            rule: ri as u32,
                            modifier: r.benefit == Benefit::Modifier,
                            case_by_case: r.quote.contains("一事一议"),
                        },
                    )
                })
            })
            .collect(),
        documents: documents
            .iter()
            .enumerate()
            .map(|(di, (_, _, d))| (d.number.clone(), di as u32))
            .collect(),
    };
    // A reading is declared once, in one document, and any rule may use it: one question
    // of interpretation is one switch, even where several documents share the wording.
    let reading_decls: Vec<ReadingDecl> = documents
        .iter()
        .flat_map(|(_, _, d)| d.readings.iter().cloned())
        .collect();
    for (doc_index, (file, text, mut doc)) in documents.into_iter().enumerate() {
        let index = LineIndex::new(text);
        place_document(&mut doc, &index);
        let doc_err = |at: At, message: String| error_at(&file, at, None, message);
        check_period(&doc.in_force)
            .map_err(|m| doc_err(doc.spans.field("in_force"), format!("in_force: {m}")))?;
        for r in &doc.readings {
            if !seen_readings.insert(r.id.clone()) {
                return Err(doc_err(
                    r.spans.at(),
                    format!("reading `{}` is declared twice", r.id),
                ));
            }
            if let Some(p) = &r.param {
                let twice = reading_decls
                    .iter()
                    .filter(|d| d.param.as_ref().is_some_and(|q| q.id == p.id))
                    .count()
                    > 1;
                if twice {
                    return Err(doc_err(
                        p.spans.at(),
                        format!("parameter `{}` is declared twice", p.id),
                    ));
                }
            }
        }
        let area_at = doc.spans.field("applies_in");
        resolve_area(&catalog, &mut doc, &index)
            .map_err(|(message, at)| doc_err(at.map_or(area_at, |a| a.or(area_at)), message))?;
        for (rule_index, rule) in doc.rules.iter_mut().enumerate() {
            let rule_at = rule.spans.at();
            let rule_id = rule.id.clone();
            let err = |message: String, at: Option<At>| {
                // An escaped string has no place of its own: its rule's stands in.
                let at = at.map_or(rule_at, |a| a.or(rule_at));
                error_at(&file, at, Some(&rule_id), message)
            };
            if !seen_rules.insert(rule.id.clone()) {
                return Err(err("a rule with this id is already loaded".into(), None));
            }
            let mut indices = Vec::with_capacity(rule.stacking.len());
            for (n, g) in rule.stacking.iter().enumerate() {
                let at = rule.spans.item("stacking", n);
                let i = *group_index.get(g.as_str()).ok_or_else(|| {
                    err(
                        format!(
                            "unknown stacking group `{g}` (declare it in a StackingGroups file)"
                        ),
                        Some(at),
                    )
                })?;
                if indices.contains(&i) {
                    return Err(err(
                        format!("stacking group `{g}` is named twice"),
                        Some(at),
                    ));
                }
                indices.push(i);
            }
            let group = indices.first().copied();
            rule.groups = indices;
            let mut resolver = Resolver {
                catalog: &catalog,
                index: &index,
                per: rule.per,
                has_base: rule.base.is_some(),
                readings: &reading_decls,
                alternatives: Vec::new(),
                read: Vec::new(),
            };
            resolver.rule(rule).map_err(|(m, at)| err(m, at))?;
            places
                .resolve(rule, doc_index as u32, &index)
                .map_err(|(m, at)| err(m, at))?;
            rule.check_sites().map_err(|m| err(m, None))?;
            let mut read = std::mem::take(&mut resolver.read);
            read.sort_unstable();
            read.dedup();
            for slot in read {
                used_by[slot].push(rule.id.clone());
            }
            if let Some(p) = &rule.in_force {
                check_period(p).map_err(|m| {
                    err(format!("in_force: {m}"), Some(rule.spans.field("in_force")))
                })?;
            }
            for ex in &rule.examples {
                check_example(&catalog, ex, &all_rule_ids, &reading_decls)
                    .map_err(|m| err(format!("example `{}`: {m}", ex.name), Some(ex.spans.at())))?;
            }
            rules.push(
                RuleSlot::new(doc_index, rule_index, group)
                    .ok_or_else(|| err("too many rules to load".into(), None))?,
            );
        }
        resolved_docs.push(doc);
        document_files.push(file);
    }
    catalog.used_by = used_by;
    resolve_governing(&mut groups, &group_files, &resolved_docs)?;
    Ok(RuleBase {
        fingerprint: rules_fingerprint(&files),
        agencies,
        catalog: Arc::new(catalog),
        groups,
        group_files,
        documents: resolved_docs,
        document_files,
        rules,
    })
}

/// Turns the parser's addresses in a document (outside the rules' conditions and
/// figures, which the resolver places as it reads them) into lines and columns.
fn place_document(doc: &mut Document, index: &LineIndex) {
    doc.spans.place(index);
    doc.source.spans.place(index);
    for r in &mut doc.readings {
        r.spans.place(index);
        if let Some(p) = &mut r.param {
            p.spans.place(index);
        }
    }
    for rule in &mut doc.rules {
        rule.spans.place(index);
        for ex in &mut rule.examples {
            ex.spans.place(index);
        }
    }
}

/// Points each governing clause at its document, when that document is loaded, and checks
/// that the measures it names are rules of that document.
fn resolve_governing(
    groups: &mut [StackingGroup],
    group_files: &[String],
    documents: &[Document],
) -> Result<(), LoadError> {
    for (g, file) in groups.iter_mut().zip(group_files) {
        for clause in &mut g.governed_by {
            clause.document_index = documents.iter().position(|d| d.number == clause.document);
            let Some(doc) = clause.document_index.map(|i| &documents[i]) else {
                continue;
            };
            if let Some((n, unknown)) = clause
                .rules
                .iter()
                .enumerate()
                .find(|(_, id)| !doc.rules.iter().any(|r| &r.id == *id))
            {
                return Err(error_at(
                    file,
                    clause.spans.item("rules", n),
                    None,
                    format!(
                        "stacking group `{}`: `{unknown}` is not a rule of {}",
                        g.id, clause.document
                    ),
                ));
            }
        }
    }
    Ok(())
}

fn check_period(p: &Period) -> Result<(), String> {
    match p.until {
        Some(u) if u < p.from => Err(format!("ends ({u}) before it starts ({})", p.from)),
        _ => Ok(()),
    }
}

/// Resolves a document's `applies_in` and checks it agrees with its `level`.
fn resolve_area(
    catalog: &InputCatalog,
    doc: &mut Document,
    index: &LineIndex,
) -> Result<(), ResolveError> {
    let Some(AppliesIn::District {
        id,
        firm_flag,
        district,
    }) = &mut doc.applies_in
    else {
        return match &doc.level {
            Level::District(name) => Err((
                format!("a district document ({name}) must say `applies_in: District(id: \"…\")`"),
                None,
            )),
            Level::Municipal => Ok(()),
        };
    };
    let slot = catalog.slot("district").ok_or_else(|| {
        (
            "`applies_in` needs the choice input `district`, which no Inputs file declares"
                .to_owned(),
            None,
        )
    })?;
    *district = slot;
    index.place(&mut id.at);
    if let Some(f) = firm_flag.as_mut() {
        index.place(&mut f.at);
    }
    id.index = catalog
        .option_index(slot, &id.id)
        .map_err(|m| (format!("applies_in: {m}"), Some(id.at)))?;
    let label = match &catalog.decls[slot].kind {
        InputKind::Choice(options) => options[id.index as usize].label.zh.clone(),
        _ => String::new(),
    };
    match &doc.level {
        Level::District(name) if *name == label => {}
        other => {
            return Err((
                format!(
                    "applies_in names {label} but the document's level is {}",
                    match other {
                        Level::District(n) => format!("District(\"{n}\")"),
                        Level::Municipal => "Municipal".to_owned(),
                    }
                ),
                Some(id.at),
            ))
        }
    }
    if let Some(f) = firm_flag {
        let fslot = catalog
            .slot(&f.id)
            .ok_or_else(|| (catalog.unknown(&f.id), Some(f.at)))?;
        let decl = &catalog.decls[fslot];
        if !matches!(decl.kind, InputKind::Flag)
            || !matches!(decl.scope, Scope::Subject | Scope::SubjectYear)
        {
            return Err((
                format!("firm_flag `{}` must be a yes/no input of the firm", f.id),
                Some(f.at),
            ));
        }
        f.slot = fslot;
    }
    Ok(())
}

fn check_example(
    catalog: &InputCatalog,
    ex: &Example,
    rule_ids: &HashSet<String>,
    readings: &[ReadingDecl],
) -> Result<(), String> {
    for sel in &ex.options.readings {
        let decl = readings
            .iter()
            .find(|r| r.id == sel.id)
            .ok_or_else(|| format!("unknown reading `{}`", sel.id))?;
        decl.check_param(sel.param.map(|d| d.0))
            .map_err(|p| format!("reading `{}`: {p}", sel.id))?;
    }
    if !(1949..=2100).contains(&ex.year) {
        return Err(format!("year {} is out of range", ex.year));
    }
    let maps = std::iter::once((ex.year, &ex.inputs))
        .chain(ex.earlier.iter().map(|(y, m)| (*y, m)))
        .chain(ex.other_projects.iter().map(|m| (ex.year, m)));
    for (year, map) in maps {
        typed_inputs(catalog, map, year)?;
    }
    for e in &ex.expect {
        if let Some(y) = e.year {
            if y != ex.year && !ex.earlier.contains_key(&y) {
                return Err(format!(
                    "expects a line in {y}, which is neither `year` nor an `earlier` year"
                ));
            }
        }
        if e.project > ex.other_projects.len() {
            return Err(format!(
                "expects project {}, but only {} other projects are given",
                e.project,
                ex.other_projects.len()
            ));
        }
        for id in e
            .rule
            .iter()
            .chain(e.superseded_by.iter())
            .chain(e.relaxed_by.iter())
        {
            if !rule_ids.contains(id) {
                return Err(format!("expects a line of unknown rule `{id}`"));
            }
        }
    }
    Ok(())
}

/// A message and, when it names one element, where that element is written.
type ResolveError = (String, Option<At>);

/// Where a rule sits, and what a reference to it may rely on.
struct RulePlace {
    document: u32,
    rule: u32,
    modifier: bool,
    /// Its quote says 一事一议.
    case_by_case: bool,
}

/// Every rule and document by name, for the references between rules.
struct Places {
    rules: HashMap<String, RulePlace>,
    documents: HashMap<String, u32>,
}

impl Places {
    fn rule(&self, r: &mut RuleRef, index: &LineIndex) -> Result<&RulePlace, ResolveError> {
        index.place(&mut r.at);
        let place = self
            .rules
            .get(&r.id)
            .ok_or_else(|| (format!("no loaded rule has the id `{}`", r.id), Some(r.at)))?;
        r.document = place.document;
        r.rule = place.rule;
        Ok(place)
    }

    /// Resolves the rules and documents a rule names: the 一事一议 clause above its
    /// ceiling, a modifier's targets.
    fn resolve(
        &self,
        rule: &mut Rule,
        document: u32,
        index: &LineIndex,
    ) -> Result<(), ResolveError> {
        if let Some(above) = rule
            .ceiling
            .as_mut()
            .and_then(|c| c.case_by_case_above.as_mut())
        {
            let place = self.rule(above, index)?;
            if place.document != document || !place.case_by_case {
                return Err((
                    format!(
                        "case_by_case_above: `{}` must be a rule of the same document whose quote says 一事一议",
                        above.id
                    ),
                    Some(above.at),
                ));
            }
        }
        let Some(Modifies::RelaxCeilings { touches }) = &mut rule.modifies else {
            return Ok(());
        };
        if touches.is_empty() {
            return Err((
                "RelaxCeilings needs at least one target in `touches`".into(),
                None,
            ));
        }
        for t in touches {
            match t {
                Target::Benefit(b @ (Benefit::InKind | Benefit::Modifier)) => {
                    return Err((
                        format!("a {b:?} rule states no ceiling to relax: touch Grant, TaxBenefit or FeeSaving"),
                        None,
                    ))
                }
                Target::Benefit(_) => {}
                Target::Document(d) => {
                    index.place(&mut d.at);
                    d.index = *self.documents.get(&d.number).ok_or_else(|| {
                        (
                            format!("no loaded document has the 文号 {}", d.number),
                            Some(d.at),
                        )
                    })?;
                }
                Target::Rule(r) => {
                    if self.rule(r, index)?.modifier {
                        return Err((
                            format!("`{}` is a modifier, which has no ceiling to relax", r.id),
                            Some(r.at),
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}

/// Whether an amount states a ceiling (最高N, N—M, 不高于X%).
fn states_ceiling(a: &Amount) -> bool {
    match a {
        Amount::UpTo(_) | Amount::Range(..) => true,
        Amount::Rate { kind, .. } => *kind == RateKind::AtMost,
        Amount::Tiers(ts) => ts.iter().any(|t| states_ceiling(&t.then)),
        Amount::Sum(parts) => parts.iter().any(|p| states_ceiling(&p.amount)),
        Amount::Each { each, .. } => states_ceiling(each),
        Amount::Fixed(_) | Amount::Unquantified | Amount::Open => false,
    }
}

/// Fills input slots and option indices, and checks what a rule may refer to.
struct Resolver<'a> {
    catalog: &'a InputCatalog,
    /// Places each reference it resolves.
    index: &'a LineIndex<'a>,
    per: Per,
    has_base: bool,
    readings: &'a [ReadingDecl],
    /// The readings whose `alternative` is being resolved: where their `Param` may appear.
    alternatives: Vec<String>,
    /// Every input slot the rule reads, in any part.
    read: Vec<usize>,
}

impl Resolver<'_> {
    fn rule(&mut self, rule: &mut Rule) -> Result<(), ResolveError> {
        if rule.quote.trim().is_empty() {
            return Err(("the quote is empty".into(), None));
        }
        if rule.lead.is_empty() {
            return Err((
                "name the lead agency (牵头单位/责任单位), or \"未载明\" if the text names none"
                    .into(),
                None,
            ));
        }
        if let Some(b) = &mut rule.base {
            // The base itself may not refer to `Base`.
            self.has_base = false;
            self.expr(b)?;
            self.has_base = true;
        }
        self.cond(&mut rule.eligible)?;
        self.kind(rule)?;
        self.amount(&mut rule.amount)?;
        for (index, cap) in rule.caps.iter_mut().enumerate() {
            match cap {
                Cap::PerProject(_) if self.per == Per::SubjectYear => {
                    return Err(("a per-firm rule cannot have a PerProject cap".into(), None))
                }
                Cap::LimitedTo(e) => self.expr(e)?,
                Cap::Reading {
                    id,
                    default,
                    alternative,
                } => {
                    self.reading(id)?;
                    for branch in [&**default, &**alternative] {
                        match branch {
                            Cap::PerProject(_) if self.per == Per::SubjectYear => {
                                return Err((
                                    "a per-firm rule cannot have a PerProject cap".into(),
                                    None,
                                ))
                            }
                            Cap::LimitedTo(_) | Cap::Reading { .. } => {
                                return Err((
                                    format!("reading `{id}` of a cap switches between stated caps (PerLine, PerSubjectYear, PerSubject, PerProject)"),
                                    None,
                                ))
                            }
                            _ => {}
                        }
                    }
                    // The default takes the cap's place, so every pass reads a plain cap.
                    let reading = CapReading {
                        index: u8::try_from(index)
                            .map_err(|_| ("too many caps in one rule".to_owned(), None))?,
                        id: id.clone(),
                        default: (**default).clone(),
                        alternative: (**alternative).clone(),
                    };
                    *cap = reading.default.clone();
                    rule.cap_readings.push(reading);
                }
                _ => {}
            }
        }
        let states =
            states_ceiling(&rule.amount) || rule.caps.iter().any(|c| c.stated_limit().is_some());
        match (states, &rule.ceiling) {
            (true, None) => {
                return Err((
                    "the rule states a ceiling: say the period it covers, `ceiling: (period: PerYear)` (or WholePeriod, NotStated)".into(),
                    None,
                ))
            }
            (false, Some(_)) => {
                return Err((
                    "`ceiling` describes a stated ceiling, and this rule states none".into(),
                    None,
                ))
            }
            _ => {}
        }
        for p in &mut rule.payer {
            self.cond(&mut p.when)?;
        }
        Ok(())
    }

    /// A modifier pays nothing and changes other lines; every other rule states an amount.
    fn kind(&self, rule: &Rule) -> Result<(), ResolveError> {
        let modifier = rule.benefit == Benefit::Modifier;
        if !modifier {
            if rule.modifies.is_some() {
                return Err((
                    "`modifies` belongs to a rule with `benefit: Modifier`".into(),
                    None,
                ));
            }
            if matches!(rule.amount, Amount::Open) {
                return Err((
                    "the rule states no amount: write `amount:` (Unquantified where the text gives no figure)".into(),
                    None,
                ));
            }
            return Ok(());
        }
        let refused = if rule.modifies.is_none() {
            Some("a modifier needs `modifies:` (what it does to other lines)")
        } else if !matches!(rule.amount, Amount::Open) {
            Some("a modifier pays nothing: it has no `amount`")
        } else if !rule.caps.is_empty() || rule.ceiling.is_some() {
            Some("a modifier pays nothing: it has no `caps` or `ceiling`")
        } else if !rule.stacking.is_empty() {
            Some("a modifier is never in a stacking group")
        } else if !rule.payer.is_empty() {
            Some("a modifier pays nothing: it has no `payer`")
        } else if rule.frequency != Frequency::Annual {
            Some("a modifier applies in each year its conditions hold: no `frequency`")
        } else {
            None
        };
        match refused {
            Some(m) => Err((m.into(), None)),
            None => Ok(()),
        }
    }

    fn input(&mut self, r: &mut InputRef) -> Result<(), ResolveError> {
        self.index.place(&mut r.at);
        let slot = self
            .catalog
            .slot(&r.id)
            .ok_or_else(|| (self.catalog.unknown(&r.id), Some(r.at)))?;
        let scope = self.catalog.decls[slot].scope;
        if self.per == Per::SubjectYear && matches!(scope, Scope::Project | Scope::ProjectYear) {
            return Err((
                format!(
                    "a per-firm rule cannot read the per-project input `{}`",
                    r.id
                ),
                Some(r.at),
            ));
        }
        r.slot = slot;
        self.read.push(slot);
        Ok(())
    }

    fn reading(&self, id: &str) -> Result<(), ResolveError> {
        if self.readings.iter().any(|r| r.id == id) {
            Ok(())
        } else {
            Err((
                format!("reading `{id}` is not declared in any document's `readings`"),
                // A reading's id is a plain string of the rule: the rule's place.
                None,
            ))
        }
    }

    fn number_input(&mut self, r: &mut InputRef) -> Result<(), ResolveError> {
        self.input(r)?;
        match self.catalog.decls[r.slot].kind {
            InputKind::Number(_) | InputKind::Year | InputKind::Dated(_) => Ok(()),
            _ => Err((
                format!(
                    "`{}` is not a number, so it cannot be used in arithmetic",
                    r.id
                ),
                Some(r.at),
            )),
        }
    }

    fn option(&self, slot: usize, o: &mut OptionRef) -> Result<(), ResolveError> {
        self.index.place(&mut o.at);
        o.index = self
            .catalog
            .option_index(slot, &o.id)
            .map_err(|m| (m, Some(o.at)))?;
        Ok(())
    }

    fn expr(&mut self, e: &mut Expr) -> Result<(), ResolveError> {
        match e {
            Expr::Input(r) => self.number_input(r),
            Expr::Base if !self.has_base => Err((
                "`Base` is used but the rule has no `base` (or the base refers to itself)".into(),
                None,
            )),
            Expr::Base | Expr::Const(_) | Expr::Year => Ok(()),
            Expr::Minus(a, b) => {
                self.expr(a)?;
                self.expr(b)
            }
            Expr::Times(a, _) => self.expr(a),
            Expr::Plus(v) | Expr::Product(v) | Expr::Min(v) | Expr::Max(v) => {
                if v.is_empty() {
                    return Err(("Plus/Product/Min/Max need at least one term".into(), None));
                }
                v.iter_mut().try_for_each(|x| self.expr(x))
            }
            Expr::Reading {
                id,
                default,
                alternative,
            } => {
                self.reading(id)?;
                self.expr(default)?;
                self.alternatives.push(id.clone());
                let alt = self.expr(alternative);
                self.alternatives.pop();
                alt
            }
            Expr::Param(p) => {
                self.index.place(&mut p.at);
                let (reading, decl) = self
                    .readings
                    .iter()
                    .find_map(|r| {
                        r.param
                            .as_ref()
                            .filter(|q| q.id == p.id)
                            .map(|q| (r.id.clone(), q))
                    })
                    .ok_or_else(|| {
                        (
                            format!("parameter `{}` is not declared by any reading", p.id),
                            Some(p.at),
                        )
                    })?;
                if !self.alternatives.contains(&reading) {
                    return Err((
                        format!(
                            "`Param(\"{}\")` may appear only inside the `alternative` of reading `{reading}`",
                            p.id
                        ),
                        Some(p.at),
                    ));
                }
                p.label = decl.label.clone();
                p.unit = decl.unit;
                p.reading = reading;
                Ok(())
            }
        }
    }

    fn cond(&mut self, c: &mut Cond) -> Result<(), ResolveError> {
        match c {
            Cond::All(v) | Cond::Any(v) => v.iter_mut().try_for_each(|x| self.cond(x)),
            Cond::Not(x) => self.cond(x),
            Cond::Above(e, _) | Cond::AtLeast(e, _) | Cond::Below(e, _) | Cond::AtMost(e, _) => {
                self.expr(e)
            }
            Cond::Flag(r) => {
                self.input(r)?;
                match self.catalog.decls[r.slot].kind {
                    InputKind::Flag => Ok(()),
                    _ => Err((format!("`{}` is not a yes/no input", r.id), Some(r.at))),
                }
            }
            Cond::Is(r, o) => {
                self.input(r)?;
                self.option(r.slot, o)
            }
            Cond::OneOf(r, os) | Cond::NoneOf(r, os) => {
                self.input(r)?;
                let slot = r.slot;
                os.iter_mut().try_for_each(|o| self.option(slot, o))
            }
            Cond::Reading {
                id,
                default,
                alternative,
            } => {
                self.reading(id)?;
                self.cond(default)?;
                self.alternatives.push(id.clone());
                let alt = self.cond(alternative);
                self.alternatives.pop();
                alt
            }
            Cond::DateInForce(r) => {
                self.input(r)?;
                match self.catalog.decls[r.slot].kind {
                    InputKind::Date => Ok(()),
                    _ => Err((
                        format!("`{}` is not a date input (kind: Date)", r.id),
                        Some(r.at),
                    )),
                }
            }
            Cond::YearFrom(y) | Cond::YearUntil(y) => {
                if (1949..=2100).contains(y) {
                    Ok(())
                } else {
                    Err((format!("year {y} is out of range"), None))
                }
            }
        }
    }

    fn amount(&mut self, a: &mut Amount) -> Result<(), ResolveError> {
        match a {
            Amount::Rate { base, .. } => self.expr(base),
            Amount::Tiers(tiers) => {
                if tiers.is_empty() {
                    return Err(("Tiers needs at least one tier".into(), None));
                }
                for t in tiers {
                    self.cond(&mut t.when)?;
                    self.amount(&mut t.then)?;
                }
                Ok(())
            }
            Amount::Range(lo, hi) if *lo > *hi => Err((
                format!(
                    "Range(\"{}\", \"{}\") has its minimum above its maximum",
                    lo.0, hi.0
                ),
                None,
            )),
            Amount::Fixed(_) | Amount::UpTo(_) | Amount::Range(..) | Amount::Unquantified => Ok(()),
            Amount::Open => Ok(()),
            Amount::Sum(parts) => {
                if parts.is_empty() {
                    return Err(("Sum needs at least one part".into(), None));
                }
                parts
                    .iter_mut()
                    .try_for_each(|p| self.amount(&mut p.amount))
            }
            Amount::Each { count, each, .. } => {
                self.expr(count)?;
                self.amount(each)
            }
        }
    }
}

/// Types an example's raw input map for `year` (used by the golden-example runner): a
/// dated input's entries and a per-year date must lie in that year.
pub fn typed_inputs(
    catalog: &InputCatalog,
    map: &std::collections::BTreeMap<String, RawValue>,
    year: u16,
) -> Result<Vec<(usize, Given)>, String> {
    map.iter()
        .map(|(k, v)| {
            let slot = catalog.slot(k).ok_or_else(|| catalog.unknown(k))?;
            let decl = &catalog.decls[slot];
            let year =
                matches!(decl.scope, Scope::SubjectYear | Scope::ProjectYear).then_some(year);
            let typed = typed_given(decl, v, year)
                .map_err(|(e, written)| e.message(k, &written, Lang::En))?;
            Ok((slot, typed))
        })
        .collect()
}
