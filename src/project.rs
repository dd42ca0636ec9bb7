//! Project files: one firm (the subject), its projects and their per-year figures.
//!
//! A file is typed against the input catalogue while it is read (the catalogue is the
//! serde seed), so each wrong value is reported at its own line and column. Once read, a
//! [`ProjectFile`] is an editable project: values are got and set by input id
//! ([`ProjectFile::set`]), projects and years added and removed, and [`ProjectFile::to_ron`]
//! writes it back in a form [`parse_project`] reads to an equal project.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::marker::PhantomData;

use rust_decimal::Decimal;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use crate::inputs::{
    dated_total, describe_raw, entry_amount, in_year, typed_date, typed_text, typed_value,
    DatedAmount, Given, InputCatalog, Value, ValueError,
};
use crate::load::{line_col, locate_quoted, offset_of, ron_options, strip_bom, RuleBase};
use crate::money::{clip, parse_written, Dec, NumberError, Suffix};
use crate::pack::{InputKind, Lang, RawValue, Scope};

/// A whole project file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectFile {
    pub subject: Subject,
    pub projects: Vec<Project>,
    /// Amounts an officer offers on lines whose policy gives a minimum and a ceiling.
    pub offers: Vec<Offer>,
}

/// The firm that claims.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Subject {
    pub name: String,
    pub inputs: InputValues<SubjectScope>,
    pub years: BTreeMap<Year, InputValues<SubjectYearScope>>,
}

/// One project of the firm. Its industry, kind and district are ordinary inputs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Project {
    pub id: String,
    pub name: Option<String>,
    pub inputs: InputValues<ProjectScope>,
    pub years: BTreeMap<Year, InputValues<ProjectYearScope>>,
}

/// An officer's offer on one line: accepted only between the policy minimum and ceiling.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Offer {
    pub rule: String,
    pub project: Option<String>,
    pub year: Year,
    pub amount: Dec,
}

/// A calendar year a project file evaluates: 2000 to 2100.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Year(pub u16);

impl Year {
    /// The year, if it lies between 2000 and 2100.
    pub fn new(year: u16) -> Option<Year> {
        (2000..=2100).contains(&year).then_some(Year(year))
    }
}

/// Marker types naming where an input map sits in the file.
pub trait ScopeMarker {
    const SCOPE: Scope;
}
macro_rules! scope_marker {
    ($name:ident, $scope:expr) => {
        #[derive(Clone, Debug, Default, PartialEq, Eq)]
        pub struct $name;
        impl ScopeMarker for $name {
            const SCOPE: Scope = $scope;
        }
    };
}
scope_marker!(SubjectScope, Scope::Subject);
scope_marker!(SubjectYearScope, Scope::SubjectYear);
scope_marker!(ProjectScope, Scope::Project);
scope_marker!(ProjectYearScope, Scope::ProjectYear);

/// Typed values by input slot (sorted by slot), all of the scope `S`. A dated input given
/// entry by entry keeps its entries beside `values`, which holds their total, so every
/// reader that does not split by date sees the year's figure.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputValues<S> {
    pub values: Vec<(usize, Value)>,
    /// The entries of dated inputs, by slot (sorted by slot), in the order written.
    dated: Vec<(usize, Vec<DatedAmount>)>,
    scope: PhantomData<S>,
}

impl<S> Default for InputValues<S> {
    fn default() -> Self {
        InputValues {
            values: Vec::new(),
            dated: Vec::new(),
            scope: PhantomData,
        }
    }
}

impl<S> InputValues<S> {
    pub fn from_values(mut values: Vec<(usize, Value)>) -> Self {
        values.sort_by_key(|(s, _)| *s);
        InputValues {
            values,
            dated: Vec::new(),
            scope: PhantomData,
        }
    }

    /// Values and dated entries as typed from a file; `None` when a dated input's entries
    /// add up past 28 digits.
    pub fn from_given(given: Vec<(usize, Given)>) -> Option<Self> {
        let mut out = InputValues::default();
        for (slot, g) in given {
            out.insert_given(slot, g)?;
        }
        Some(out)
    }

    pub fn get(&self, slot: usize) -> Option<Value> {
        self.values
            .iter()
            .find(|(s, _)| *s == slot)
            .map(|(_, v)| *v)
    }

    /// The entries of a dated input given entry by entry; `None` for any other value
    /// (an undated yearly figure included).
    pub fn dated(&self, slot: usize) -> Option<&[DatedAmount]> {
        self.dated
            .iter()
            .find(|(s, _)| *s == slot)
            .map(|(_, e)| e.as_slice())
    }

    /// Every dated input given entry by entry, by slot.
    pub fn dated_inputs(&self) -> impl Iterator<Item = (usize, &[DatedAmount])> {
        self.dated.iter().map(|(s, e)| (*s, e.as_slice()))
    }

    /// Sets the value of `slot`, replacing any (a dated input's entries too: the value is
    /// then its undated yearly figure); returns the old value.
    pub fn insert(&mut self, slot: usize, value: Value) -> Option<Value> {
        self.dated.retain(|(s, _)| *s != slot);
        match self.values.binary_search_by_key(&slot, |(s, _)| *s) {
            Ok(i) => Some(std::mem::replace(&mut self.values[i].1, value)),
            Err(i) => {
                self.values.insert(i, (slot, value));
                None
            }
        }
    }

    /// Sets a dated input's entries (and its total as the value); `None`, with nothing
    /// changed, when they add up past 28 digits.
    pub fn insert_dated(&mut self, slot: usize, entries: Vec<DatedAmount>) -> Option<()> {
        let total = dated_total(&entries)?;
        self.insert(slot, Value::Num(total));
        let i = self.dated.partition_point(|(s, _)| *s < slot);
        self.dated.insert(i, (slot, entries));
        Some(())
    }

    /// Sets what a file gave for `slot`; `None` as [`InputValues::insert_dated`].
    pub fn insert_given(&mut self, slot: usize, given: Given) -> Option<()> {
        match given {
            Given::Value(v) => {
                self.insert(slot, v);
                Some(())
            }
            Given::Dated(entries) => self.insert_dated(slot, entries),
        }
    }

    pub fn remove(&mut self, slot: usize) -> Option<Value> {
        self.dated.retain(|(s, _)| *s != slot);
        let i = self.values.iter().position(|(s, _)| *s == slot)?;
        Some(self.values.remove(i).1)
    }
}

// ---------------------------------------------------------------------------------------
// Errors

/// What is wrong with a project file (or with an edit), typed so it can be said in
/// Chinese or English. Values are quoted as written, at most 80 characters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProjectErrorKind {
    /// The file holds nothing.
    Empty,
    /// The file is not well-formed; the detail is the reader's, in English.
    Syntax(String),
    /// A key the project file does not have (in `place`: 项目文件/企业/项目/报价).
    UnknownField {
        field: String,
        place: Place,
    },
    /// A key the project file must have.
    MissingField {
        field: &'static str,
        place: Place,
    },
    /// `industry`, `kind` or `district` written beside a project's `inputs` (the old form).
    MovedToInputs {
        field: String,
        input: &'static str,
    },
    /// The same key twice in one map or struct.
    DuplicateKey {
        key: String,
    },
    UnknownInput {
        id: String,
        near: Vec<String>,
    },
    /// The input is declared for another place in the file.
    WrongScope {
        id: String,
        belongs: Scope,
    },
    /// The value does not fit the declaration (not a number, unit, range, option …).
    BadValue {
        input: String,
        written: String,
        problem: Box<ValueError>,
    },
    /// A year key that is not a year between 2000 and 2100.
    BadYear {
        written: String,
    },
    DuplicateProject {
        id: String,
    },
    ProjectWithoutYears {
        project: String,
    },
    /// A required input (industry, project kind) not given for a project.
    MissingRequired {
        project: String,
        input: String,
    },
    NothingToEvaluate,
    UnknownRule {
        rule: String,
    },
    UnknownProject {
        project: String,
    },
    /// An edit names a year the project (or the firm) does not have.
    UnknownYear {
        project: Option<String>,
        year: u16,
    },
    /// An edit would create a project whose id is taken.
    ProjectExists {
        id: String,
    },
    /// Dated entries given to an input that does not take them.
    NotDated {
        input: String,
    },
    /// Two offers on one line; `first` is the line and column of the earlier one.
    DuplicateOffer {
        rule: String,
        project: Option<String>,
        year: u16,
        first: (usize, usize),
    },
    /// The file cannot be read (it does not exist, is a folder, is not permitted …).
    Unreadable {
        kind: std::io::ErrorKind,
        /// The system's own words, for a kind the message does not name.
        detail: String,
    },
    /// Larger than [`MAX_PROJECT_BYTES`]: refused before it is read. The size, where the
    /// file has one (a pipe or a device is only known to be larger).
    TooLarge {
        bytes: Option<u64>,
    },
    /// Not UTF-8 text (placed at the first byte that is not).
    NotUtf8,
    /// More than [`MAX_PROJECTS`] projects (placed at the first one past the limit).
    TooManyProjects,
    /// More than [`MAX_OFFERS`] offers (placed at the first one past the limit).
    TooManyOffers,
    /// Brackets nested deeper than [`MAX_DEPTH`] (a file needs seven).
    TooDeep,
    /// More than [`MAX_YEARS`] years in all, the firm's and every project's (placed at the
    /// first year past the limit).
    TooManyYears,
    /// A firm name, project id or project name longer than [`MAX_NAME_CHARS`].
    NameTooLong {
        field: &'static str,
        chars: usize,
    },
    /// Internal to re-reading a file to find where an item starts.
    #[doc(hidden)]
    Marker,
}

/// The largest project file read: 64 MiB. A district's register of 100,000 projects over
/// three years is about 30 MiB; a larger file is refused before it is read, so choosing the
/// wrong file (a video, a disk image) costs nothing.
pub const MAX_PROJECT_BYTES: u64 = 64 * 1024 * 1024;

/// The most projects one file holds (a district's whole register): each is evaluated
/// against every rule in every year.
pub const MAX_PROJECTS: usize = 100_000;

/// The most offers one file holds.
pub const MAX_OFFERS: usize = 2000;

/// The most levels of brackets a project file nests: a dated entry, the deepest thing it
/// holds, sits at the seventh.
pub const MAX_DEPTH: usize = 32;

/// The most years one file gives, the firm's and every project's together: each is
/// evaluated against every rule (100,000 projects over four years fit).
pub const MAX_YEARS: usize = 400_000;

/// The longest firm name, project id or project name, in characters.
pub const MAX_NAME_CHARS: usize = 200;

/// A size in MiB with one decimal, for messages (integer arithmetic, rounded down).
fn mib(bytes: u64) -> String {
    let tenths = bytes / (1024 * 1024 / 10);
    format!("{}.{} MiB", tenths / 10, tenths % 10)
}

/// Where in the file a key sits, for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Place {
    File,
    Subject,
    Project,
    Offer,
}

impl Place {
    fn name(self, lang: Lang) -> &'static str {
        match (self, lang) {
            (Place::File, Lang::Zh) => "项目文件",
            (Place::Subject, Lang::Zh) => "企业（subject）",
            (Place::Project, Lang::Zh) => "项目",
            (Place::Offer, Lang::Zh) => "拟给予额（offers）",
            (Place::File, Lang::En) => "the project file",
            (Place::Subject, Lang::En) => "the subject",
            (Place::Project, Lang::En) => "a project",
            (Place::Offer, Lang::En) => "an offer",
        }
    }

    fn fields(self) -> &'static [&'static str] {
        match self {
            Place::File => FILE_FIELDS,
            Place::Subject => SUBJECT_FIELDS,
            Place::Project => PROJECT_FIELDS,
            Place::Offer => OFFER_FIELDS,
        }
    }
}

const FILE_FIELDS: &[&str] = &["subject", "projects", "offers"];
const SUBJECT_FIELDS: &[&str] = &["name", "inputs", "years"];
const PROJECT_FIELDS: &[&str] = &["id", "name", "inputs", "years"];
const OFFER_FIELDS: &[&str] = &["rule", "project", "year", "amount"];

fn syntax_zh(detail: &str) -> String {
    let d = detail;
    let said = if d.contains("ends too early") {
        "意外结束（可能缺少右括号）".to_owned()
    } else if d.contains("Expected comma") {
        "此处缺少逗号".to_owned()
    } else if d.contains("Expected closing") || d.contains("end") && d.contains("Expected") {
        "括号未闭合或多余".to_owned()
    } else if d.contains("Expected colon") {
        "此处缺少冒号".to_owned()
    } else if d.contains("Expected string") {
        "此处应为带引号的字符串".to_owned()
    } else if d.contains("nests deeper than") {
        "此处括号嵌套过深".to_owned()
    } else {
        format!("格式有误（{}）", clip(d))
    };
    format!("项目文件{said}")
}

impl ProjectErrorKind {
    /// The problem in words, in the given language.
    pub fn message(&self, lang: Lang) -> String {
        use ProjectErrorKind as K;
        let zh = lang == Lang::Zh;
        match self {
            K::Empty if zh => "项目文件为空".into(),
            K::Empty => "the file is empty".into(),
            K::Syntax(d) if zh => syntax_zh(d),
            K::Syntax(d) => format!("the project file is not well-formed: {}", clip(d)),
            K::UnknownField { field, place } => {
                let f = clip(field);
                let expected = place.fields().join("`, `");
                if zh {
                    format!(
                        "{}中没有 `{f}` 这一项；可用：`{expected}`",
                        place.name(lang)
                    )
                } else {
                    format!(
                        "{} has no field `{f}`; expected `{expected}`",
                        capitalise(place.name(lang))
                    )
                }
            }
            K::MissingField { field, place } if zh => {
                format!("{}缺少 `{field}`", place.name(lang))
            }
            K::MissingField { field, place } => {
                format!("{} needs `{field}`", capitalise(place.name(lang)))
            }
            K::MovedToInputs { field, input } if zh => {
                format!("`{field}` 已移入项目的 `inputs`：请写成 inputs: {{\"{input}\": …}}")
            }
            K::MovedToInputs { field, input } => format!(
                "`{field}` now goes in the project's `inputs`: write inputs: {{\"{input}\": …}}"
            ),
            K::DuplicateKey { key } if zh => format!("`{}` 重复出现", clip(key)),
            K::DuplicateKey { key } => format!("`{}` is given twice", clip(key)),
            K::UnknownInput { id, near } => {
                let id = clip(id);
                match (near.is_empty(), zh) {
                    (true, true) => format!("未知的输入项 `{id}`（任何 Inputs 文件均未声明）"),
                    (true, false) => {
                        format!("unknown input `{id}` (not declared in any Inputs file)")
                    }
                    (false, true) => {
                        format!("未知的输入项 `{id}`；是否应为 `{}`？", near.join("`、`"))
                    }
                    (false, false) => format!(
                        "unknown input `{id}`; did you mean `{}`?",
                        near.join("`, `")
                    ),
                }
            }
            K::WrongScope { id, belongs } if zh => format!(
                "`{id}` 应填写在{}",
                crate::inputs::scope_place_in(*belongs, lang)
            ),
            K::WrongScope { id, belongs } => format!(
                "`{id}` belongs in {}",
                crate::inputs::scope_place_in(*belongs, lang)
            ),
            K::BadValue {
                input,
                written,
                problem,
            } => problem.message(input, written, lang),
            K::BadYear { written } if zh => {
                format!(
                    "年份应为 2000–2100 之间的整数，例如 2024，此处为 {}",
                    clip(written)
                )
            }
            K::BadYear { written } => format!(
                "expected a year such as 2024 (2000–2100), found {}",
                clip(written)
            ),
            K::DuplicateProject { id } if zh => format!("项目编号 `{}` 重复使用", clip(id)),
            K::DuplicateProject { id } => format!("project id `{}` is used twice", clip(id)),
            K::ProjectWithoutYears { project } if zh => format!(
                "项目 `{}` 没有 `years`：请至少填写一个年度的数据",
                clip(project)
            ),
            K::ProjectWithoutYears { project } => format!(
                "project `{}` has no `years`: give at least one year's figures",
                clip(project)
            ),
            K::MissingRequired { project, input } if zh => {
                format!(
                    "项目 `{}` 缺少必填项 `{input}`（写在项目的 `inputs` 中）",
                    clip(project)
                )
            }
            K::MissingRequired { project, input } => format!(
                "project `{}` must give `{input}` (in its `inputs`)",
                clip(project)
            ),
            K::NothingToEvaluate if zh => "没有项目，也没有企业年度数据：无可计算".into(),
            K::NothingToEvaluate => "no projects and no subject years: nothing to evaluate".into(),
            K::UnknownRule { rule } if zh => format!("拟给予额指向未知的政策条款 `{}`", clip(rule)),
            K::UnknownRule { rule } => format!("offer names unknown rule `{}`", clip(rule)),
            K::UnknownProject { project } if zh => format!("未知的项目 `{}`", clip(project)),
            K::UnknownProject { project } => format!("unknown project `{}`", clip(project)),
            K::UnknownYear { project, year } => match (project, zh) {
                (Some(p), true) => format!("项目 `{}` 没有 {year} 年度", clip(p)),
                (None, true) => format!("企业没有 {year} 年度"),
                (Some(p), false) => format!("project `{}` has no year {year}", clip(p)),
                (None, false) => format!("the subject has no year {year}"),
            },
            K::NotDated { input } if zh => {
                format!("`{}` 不按日期逐笔填写：请填写一个值", clip(input))
            }
            K::NotDated { input } => format!(
                "`{}` does not take amounts with dates: give one value",
                clip(input)
            ),
            K::ProjectExists { id } if zh => format!("项目编号 `{}` 已存在", clip(id)),
            K::ProjectExists { id } => format!("a project `{}` already exists", clip(id)),
            K::DuplicateOffer {
                rule,
                project,
                year,
                first,
            } => {
                let (l, c) = first;
                let p = project.as_deref().map(clip).unwrap_or_default();
                if zh {
                    format!(
                        "同一条款 `{}`、项目 `{p}`、{year} 年已有拟给予额（第 {l} 行第 {c} 列）：每一行只能有一个",
                        clip(rule)
                    )
                } else {
                    format!(
                        "a second offer on rule `{}`, project `{p}`, {year}; the first is at {l}:{c}: one offer per line",
                        clip(rule)
                    )
                }
            }
            K::Unreadable { kind, detail } if zh => format!(
                "无法读取项目文件：{}",
                crate::io_words::io_problem(*kind, detail, crate::io_words::Access::ReadFile, lang)
            ),
            K::Unreadable { kind, detail } => format!(
                "cannot read the project file: {}",
                crate::io_words::io_problem(*kind, detail, crate::io_words::Access::ReadFile, lang)
            ),
            K::TooLarge { bytes } => {
                let size = match (bytes, zh) {
                    (Some(b), _) => mib(*b),
                    (None, true) => format!("超过 {}", mib(MAX_PROJECT_BYTES)),
                    (None, false) => format!("more than {}", mib(MAX_PROJECT_BYTES)),
                };
                if zh {
                    format!(
                        "项目文件过大（{size}），上限为 {}：是否选错了文件？",
                        mib(MAX_PROJECT_BYTES)
                    )
                } else {
                    format!(
                        "the project file is too large ({size}; at most {}): is it the right file?",
                        mib(MAX_PROJECT_BYTES)
                    )
                }
            }
            K::NotUtf8 if zh => "项目文件不是 UTF-8 编码的文本：请以 UTF-8 编码保存".into(),
            K::NotUtf8 => "the project file is not UTF-8 text: save it as UTF-8".into(),
            K::TooManyProjects if zh => {
                format!("项目过多：一个项目文件最多 {MAX_PROJECTS} 个项目")
            }
            K::TooManyProjects => {
                format!("too many projects: a project file holds at most {MAX_PROJECTS}")
            }
            K::TooManyOffers if zh => {
                format!("拟给予额过多：一个项目文件最多 {MAX_OFFERS} 项")
            }
            K::TooManyOffers => {
                format!("too many offers: a project file holds at most {MAX_OFFERS}")
            }
            K::TooDeep if zh => format!("项目文件此处括号嵌套超过 {MAX_DEPTH} 层"),
            K::TooDeep => {
                format!("the project file nests brackets deeper than {MAX_DEPTH} levels here")
            }
            K::TooManyYears if zh => format!(
                "年度数据过多：一个项目文件最多 {MAX_YEARS} 个年度（企业与各项目的年度合计）"
            ),
            K::TooManyYears => format!(
                "too many years: a project file gives at most {MAX_YEARS} (the firm's and every project's together)"
            ),
            K::NameTooLong { field, chars } if zh => {
                format!("`{field}` 过长（{chars} 个字符），最多 {MAX_NAME_CHARS} 个字符")
            }
            K::NameTooLong { field, chars } => {
                format!("`{field}` is too long ({chars} characters; at most {MAX_NAME_CHARS})")
            }
            K::Marker => String::new(),
        }
    }
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

impl fmt::Display for ProjectErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.message(Lang::En))
    }
}

impl std::error::Error for ProjectErrorKind {}

/// A project-file error with its place: `file:line:col: message`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProjectError {
    pub file: String,
    /// 1-based; 0 when the error concerns the whole file (it cannot be read, it is too
    /// large), which is then named without a position.
    pub line: usize,
    pub col: usize,
    pub kind: ProjectErrorKind,
}

impl ProjectError {
    /// `file:line:col: message` (`file: message` for the whole file), on one line, in the
    /// given language: control characters from the file or its name are written out, and a
    /// quoted value shows at most 80 characters.
    pub fn render(&self, lang: Lang) -> String {
        let message = self.kind.message(lang);
        let line = if self.line == 0 {
            format!("{}: {message}", self.file)
        } else {
            format!("{}:{}:{}: {message}", self.file, self.line, self.col)
        };
        crate::visible::one_line_error(&line)
    }

    fn whole_file(file: &str, kind: ProjectErrorKind) -> ProjectError {
        ProjectError {
            file: file.to_owned(),
            line: 0,
            col: 0,
            kind,
        }
    }
}

/// Reads a project file's text: one larger than [`MAX_PROJECT_BYTES`] is refused before it
/// is read (and a device or pipe is read no further than that), and one that is not UTF-8
/// is refused at the line and column of its first bad byte. `file` names it in errors.
pub fn read_project_text(path: &std::path::Path, file: &str) -> Result<String, ProjectError> {
    use std::io::Read;
    let unreadable = |e: std::io::Error| {
        ProjectError::whole_file(
            file,
            ProjectErrorKind::Unreadable {
                kind: e.kind(),
                detail: e.to_string(),
            },
        )
    };
    let opened = std::fs::File::open(path).map_err(unreadable)?;
    let meta = opened.metadata().map_err(unreadable)?;
    if meta.is_dir() {
        return Err(ProjectError::whole_file(
            file,
            ProjectErrorKind::Unreadable {
                kind: std::io::ErrorKind::IsADirectory,
                detail: String::new(),
            },
        ));
    }
    if meta.len() > MAX_PROJECT_BYTES {
        return Err(ProjectError::whole_file(
            file,
            ProjectErrorKind::TooLarge {
                bytes: Some(meta.len()),
            },
        ));
    }
    let mut bytes = Vec::new();
    opened
        .take(MAX_PROJECT_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > MAX_PROJECT_BYTES {
        // A pipe or a device, whose size is not known beforehand.
        return Err(ProjectError::whole_file(
            file,
            ProjectErrorKind::TooLarge { bytes: None },
        ));
    }
    String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let text = String::from_utf8_lossy(&e.as_bytes()[..good]);
        let (line, col) = line_col(&text, good);
        ProjectError {
            file: file.to_owned(),
            line,
            col,
            kind: ProjectErrorKind::NotUtf8,
        }
    })
}

/// In Chinese, the default language of the product.
impl fmt::Display for ProjectError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str(&self.render(Lang::Zh))
    }
}

impl std::error::Error for ProjectError {}

// ---------------------------------------------------------------------------------------
// Reading: the catalogue is the seed

/// What to stop at when re-reading a file to find where an item starts.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Stop {
    Project(usize),
    Offer(usize),
}

/// The seed state: the catalogue, the typed error behind serde's message, and counters.
struct Reader<'c> {
    catalog: &'c InputCatalog,
    error: RefCell<Option<ProjectErrorKind>>,
    stop: Option<Stop>,
    /// Year entries read so far, the firm's and every project's.
    years: std::cell::Cell<usize>,
}

impl Reader<'_> {
    fn fail<E: de::Error>(&self, kind: ProjectErrorKind) -> E {
        let text = kind.message(Lang::En);
        *self.error.borrow_mut() = Some(kind);
        E::custom(text)
    }

    /// A name or id, refused past [`MAX_NAME_CHARS`].
    fn name<E: de::Error>(&self, field: &'static str, text: String) -> Result<String, E> {
        let chars = text.chars().count();
        if chars > MAX_NAME_CHARS {
            return Err(self.fail(ProjectErrorKind::NameTooLong { field, chars }));
        }
        Ok(text)
    }
}

/// Reads struct fields by name, refusing repeats.
struct Fields {
    seen: Vec<String>,
}

impl Fields {
    fn new() -> Self {
        Fields { seen: Vec::new() }
    }

    fn next<'de, A: MapAccess<'de>>(
        &mut self,
        r: &Reader,
        map: &mut A,
    ) -> Result<Option<String>, A::Error> {
        let Some(key) = map.next_key::<String>()? else {
            return Ok(None);
        };
        if self.seen.contains(&key) {
            return Err(r.fail(ProjectErrorKind::DuplicateKey { key }));
        }
        self.seen.push(key.clone());
        Ok(Some(key))
    }
}

struct FileSeed<'a, 'c>(&'a Reader<'c>);

impl<'de> DeserializeSeed<'de> for FileSeed<'_, '_> {
    type Value = ProjectFile;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<ProjectFile, D::Error> {
        d.deserialize_struct("Project", FILE_FIELDS, self)
    }
}

impl<'de> Visitor<'de> for FileSeed<'_, '_> {
    type Value = ProjectFile;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("Project( subject: …, projects: […] )")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ProjectFile, A::Error> {
        let r = self.0;
        let mut fields = Fields::new();
        let (mut subject, mut projects, mut offers) = (None, Vec::new(), Vec::new());
        while let Some(key) = fields.next(r, &mut map)? {
            match key.as_str() {
                "subject" => subject = Some(map.next_value_seed(SubjectSeed(r))?),
                "projects" => projects = map.next_value_seed(ListSeed(r, ProjectSeed))?,
                "offers" => offers = map.next_value_seed(ListSeed(r, OfferSeed))?,
                _ => {
                    return Err(r.fail(ProjectErrorKind::UnknownField {
                        field: key,
                        place: Place::File,
                    }))
                }
            }
        }
        let subject = subject.ok_or_else(|| {
            r.fail(ProjectErrorKind::MissingField {
                field: "subject",
                place: Place::File,
            })
        })?;
        Ok(ProjectFile {
            subject,
            projects,
            offers,
        })
    }
}

struct SubjectSeed<'a, 'c>(&'a Reader<'c>);

impl<'de> DeserializeSeed<'de> for SubjectSeed<'_, '_> {
    type Value = Subject;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Subject, D::Error> {
        d.deserialize_struct("Subject", SUBJECT_FIELDS, self)
    }
}

impl<'de> Visitor<'de> for SubjectSeed<'_, '_> {
    type Value = Subject;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("(name: \"…\", inputs: {…}, years: {…})")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Subject, A::Error> {
        let r = self.0;
        let mut fields = Fields::new();
        let mut name = None;
        let mut inputs = InputValues::default();
        let mut years = BTreeMap::new();
        while let Some(key) = fields.next(r, &mut map)? {
            match key.as_str() {
                "name" => name = Some(r.name("name", map.next_value::<String>()?)?),
                "inputs" => inputs = map.next_value_seed(InputsSeed(r, PhantomData, None))?,
                "years" => years = map.next_value_seed(YearsSeed(r, PhantomData))?,
                _ => {
                    return Err(r.fail(ProjectErrorKind::UnknownField {
                        field: key,
                        place: Place::Subject,
                    }))
                }
            }
        }
        let name = name.ok_or_else(|| {
            r.fail(ProjectErrorKind::MissingField {
                field: "name",
                place: Place::Subject,
            })
        })?;
        Ok(Subject {
            name,
            inputs,
            years,
        })
    }
}

/// An item of a list, told its index (so a re-read can stop at it).
trait ItemSeed: Copy {
    type Value;
    fn read<'de, D: Deserializer<'de>>(
        self,
        r: &Reader,
        index: usize,
        d: D,
    ) -> Result<Self::Value, D::Error>;
}

struct ListSeed<'a, 'c, I>(&'a Reader<'c>, I);

impl<'de, I: ItemSeed> DeserializeSeed<'de> for ListSeed<'_, '_, I> {
    type Value = Vec<I::Value>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de, I: ItemSeed> Visitor<'de> for ListSeed<'_, '_, I> {
    type Value = Vec<I::Value>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list in [ ]")
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let mut out = Vec::new();
        while let Some(v) = seq.next_element_seed(Item(self.0, self.1, out.len()))? {
            out.push(v);
        }
        Ok(out)
    }
}

struct Item<'a, 'c, I>(&'a Reader<'c>, I, usize);

impl<'de, I: ItemSeed> DeserializeSeed<'de> for Item<'_, '_, I> {
    type Value = I::Value;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<I::Value, D::Error> {
        self.1.read(self.0, self.2, d)
    }
}

#[derive(Clone, Copy)]
struct ProjectSeed;

impl ItemSeed for ProjectSeed {
    type Value = Project;
    fn read<'de, D: Deserializer<'de>>(
        self,
        r: &Reader,
        index: usize,
        d: D,
    ) -> Result<Project, D::Error> {
        d.deserialize_struct("Project", PROJECT_FIELDS, ProjectVisitor(r, index))
    }
}

struct ProjectVisitor<'a, 'c>(&'a Reader<'c>, usize);

impl<'de> Visitor<'de> for ProjectVisitor<'_, '_> {
    type Value = Project;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("(id: \"P1\", inputs: {…}, years: {…})")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Project, A::Error> {
        let r = self.0;
        let mut fields = Fields::new();
        let (mut id, mut name) = (None, None);
        let mut inputs = InputValues::default();
        let mut years = BTreeMap::new();
        let mut first = true;
        while let Some(key) = fields.next(r, &mut map)? {
            if first && r.stop == Some(Stop::Project(self.1)) {
                return Err(r.fail(ProjectErrorKind::Marker));
            }
            if first && self.1 >= MAX_PROJECTS {
                return Err(r.fail(ProjectErrorKind::TooManyProjects));
            }
            first = false;
            match key.as_str() {
                "id" => id = Some(r.name("id", map.next_value::<String>()?)?),
                "name" => {
                    name = match map.next_value::<Option<String>>()? {
                        Some(n) => Some(r.name("name", n)?),
                        None => None,
                    }
                }
                "inputs" => inputs = map.next_value_seed(InputsSeed(r, PhantomData, None))?,
                "years" => years = map.next_value_seed(YearsSeed(r, PhantomData))?,
                "industry" | "kind" | "district" => {
                    let input = match key.as_str() {
                        "industry" => "industry",
                        "kind" => "project_kind",
                        _ => "district",
                    };
                    return Err(r.fail(ProjectErrorKind::MovedToInputs { field: key, input }));
                }
                _ => {
                    return Err(r.fail(ProjectErrorKind::UnknownField {
                        field: key,
                        place: Place::Project,
                    }))
                }
            }
        }
        let id = id.ok_or_else(|| {
            r.fail(ProjectErrorKind::MissingField {
                field: "id",
                place: Place::Project,
            })
        })?;
        Ok(Project {
            id,
            name,
            inputs,
            years,
        })
    }
}

#[derive(Clone, Copy)]
struct OfferSeed;

impl ItemSeed for OfferSeed {
    type Value = Offer;
    fn read<'de, D: Deserializer<'de>>(
        self,
        r: &Reader,
        index: usize,
        d: D,
    ) -> Result<Offer, D::Error> {
        d.deserialize_struct("Offer", OFFER_FIELDS, OfferVisitor(r, index))
    }
}

struct OfferVisitor<'a, 'c>(&'a Reader<'c>, usize);

impl<'de> Visitor<'de> for OfferVisitor<'_, '_> {
    type Value = Offer;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("(rule: \"…\", project: \"P1\", year: 2024, amount: \"…\")")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Offer, A::Error> {
        let r = self.0;
        let mut fields = Fields::new();
        let (mut rule, mut project, mut year, mut amount) = (None, None, None, None);
        let mut first = true;
        while let Some(key) = fields.next(r, &mut map)? {
            if first && r.stop == Some(Stop::Offer(self.1)) {
                return Err(r.fail(ProjectErrorKind::Marker));
            }
            if first && self.1 >= MAX_OFFERS {
                return Err(r.fail(ProjectErrorKind::TooManyOffers));
            }
            first = false;
            match key.as_str() {
                "rule" => rule = Some(map.next_value::<String>()?),
                "project" => project = map.next_value::<Option<String>>()?,
                "year" => {
                    let raw: RawValue = map.next_value()?;
                    year = Some(year_of(&raw).map_err(|k| r.fail(k))?);
                }
                "amount" => {
                    let raw: RawValue = map.next_value()?;
                    amount = Some(offer_amount(&raw).map_err(|problem| {
                        r.fail(ProjectErrorKind::BadValue {
                            input: "amount".into(),
                            written: describe_raw(&raw),
                            problem: Box::new(problem),
                        })
                    })?);
                }
                _ => {
                    return Err(r.fail(ProjectErrorKind::UnknownField {
                        field: key,
                        place: Place::Offer,
                    }))
                }
            }
        }
        let missing = |field| {
            r.fail(ProjectErrorKind::MissingField {
                field,
                place: Place::Offer,
            })
        };
        Ok(Offer {
            rule: rule.ok_or_else(|| missing("rule"))?,
            project,
            year: year.ok_or_else(|| missing("year"))?,
            amount: amount.ok_or_else(|| missing("amount"))?,
        })
    }
}

fn year_of(raw: &RawValue) -> Result<Year, ProjectErrorKind> {
    match raw {
        RawValue::Integer(y) => u16::try_from(*y).ok().and_then(Year::new),
        _ => None,
    }
    .ok_or_else(|| ProjectErrorKind::BadYear {
        written: describe_raw(raw),
    })
}

/// An offer is in yuan: `"1500000"`, `"150万"`, `"150万元"`.
fn offer_amount(raw: &RawValue) -> Result<Dec, ValueError> {
    match raw {
        RawValue::Text(t) => {
            let w = parse_written(t).map_err(ValueError::Number)?;
            match w.suffix {
                None | Some(Suffix::Wan | Suffix::WanYuan | Suffix::Yuan) => Ok(Dec(w.value)),
                Some(s) => Err(ValueError::UnitMismatch {
                    written: s,
                    unit: crate::pack::Unit::Yuan,
                }),
            }
        }
        RawValue::Integer(i) if *i >= 0 => Decimal::try_from_i128_with_scale(*i, 0)
            .map(Dec)
            .map_err(|_| ValueError::Number(NumberError::TooLarge)),
        RawValue::Integer(_) => Err(ValueError::Number(NumberError::Negative)),
        RawValue::Float(_) => Err(ValueError::Float),
        RawValue::Bool(_) | RawValue::List(_) => Err(ValueError::ExpectedNumber),
    }
}

/// A map of input ids to values, typed against the catalogue, all of scope `S`; filed
/// under a year when the map is one year's figures.
struct InputsSeed<'a, 'c, S>(&'a Reader<'c>, PhantomData<S>, Option<u16>);

impl<'de, S: ScopeMarker> DeserializeSeed<'de> for InputsSeed<'_, '_, S> {
    type Value = InputValues<S>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, S: ScopeMarker> Visitor<'de> for InputsSeed<'_, '_, S> {
    type Value = InputValues<S>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map of input ids to values, such as {\"fdi_arrived_usd\": \"20000000\"}")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let r = self.0;
        let cat = r.catalog;
        let mut values = InputValues::<S>::default();
        while let Some(key) = map.next_key::<String>()? {
            let slot = cat.slot(&key).ok_or_else(|| {
                r.fail(ProjectErrorKind::UnknownInput {
                    near: cat.near(&key),
                    id: key.clone(),
                })
            })?;
            if values.get(slot).is_some() {
                return Err(r.fail(ProjectErrorKind::DuplicateKey { key }));
            }
            let decl = &cat.decls[slot];
            if decl.scope != S::SCOPE {
                return Err(r.fail(ProjectErrorKind::WrongScope {
                    id: key,
                    belongs: decl.scope,
                }));
            }
            let year = self.2;
            let given = if matches!(decl.kind, InputKind::Dated(_)) {
                map.next_value_seed(DatedSeed {
                    r,
                    decl,
                    input: &key,
                    year,
                })?
            } else {
                let raw: RawValue = map.next_value()?;
                let value = typed_value(decl, &raw)
                    .and_then(|v| in_year(v, year).map(|()| v))
                    .map_err(|problem| {
                        r.fail(ProjectErrorKind::BadValue {
                            input: key.clone(),
                            written: describe_raw(&raw),
                            problem: Box::new(problem),
                        })
                    })?;
                Given::Value(value)
            };
            // `DatedSeed` refuses entries whose total overflows.
            values.insert_given(slot, given);
        }
        Ok(values)
    }
}

/// The value of a dated input: one undated yearly figure (`"1000000"`), or its entries
/// `[("2024-03-01", "400000"), …]`, each typed as it is read so that an error points at
/// the date or amount that is wrong.
struct DatedSeed<'a, 'c> {
    r: &'a Reader<'c>,
    decl: &'c crate::pack::InputDecl,
    input: &'a str,
    year: Option<u16>,
}

impl DatedSeed<'_, '_> {
    fn bad<E: de::Error>(&self, written: String, problem: ValueError) -> E {
        self.r.fail(ProjectErrorKind::BadValue {
            input: self.input.to_owned(),
            written,
            problem: Box::new(problem),
        })
    }

    fn undated<E: de::Error>(self, raw: RawValue) -> Result<Given, E> {
        typed_value(self.decl, &raw)
            .map(Given::Value)
            .map_err(|p| self.bad(describe_raw(&raw), p))
    }
}

impl<'de> DeserializeSeed<'de> for DatedSeed<'_, '_> {
    type Value = Given;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Given, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for DatedSeed<'_, '_> {
    type Value = Given;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an amount such as \"1000000\", or [(\"2024-07-17\", \"400000\"), …]")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Given, E> {
        self.undated(RawValue::Text(v.to_owned()))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Given, E> {
        self.undated(RawValue::Integer(v.into()))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Given, E> {
        self.undated(RawValue::Integer(v.into()))
    }
    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Given, E> {
        self.undated(RawValue::Integer(v))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Given, E> {
        self.undated(RawValue::Float(v))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Given, E> {
        Err(self.bad(v.to_string(), ValueError::ExpectedDated))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Given, A::Error> {
        let mut entries = Vec::new();
        while let Some(e) = seq.next_element_seed(EntrySeed(&self))? {
            entries.push(e);
        }
        if dated_total(&entries).is_none() {
            return Err(self.bad(
                self.input.to_owned(),
                ValueError::Number(NumberError::TooLarge),
            ));
        }
        Ok(Given::Dated(entries))
    }
}

/// One entry of a dated input: `("YYYY-MM-DD", "amount")`.
struct EntrySeed<'s, 'a, 'c>(&'s DatedSeed<'a, 'c>);

impl<'de> DeserializeSeed<'de> for EntrySeed<'_, '_, '_> {
    type Value = DatedAmount;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<DatedAmount, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for EntrySeed<'_, '_, '_> {
    type Value = DatedAmount;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("(\"2024-07-17\", \"400000\")")
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<DatedAmount, E> {
        Err(self
            .0
            .bad(format!("\"{}\"", clip(v)), ValueError::ExpectedEntry))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<DatedAmount, E> {
        Err(self.0.bad(v.to_string(), ValueError::ExpectedEntry))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<DatedAmount, E> {
        Err(self.0.bad(v.to_string(), ValueError::ExpectedEntry))
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<DatedAmount, E> {
        Err(self.0.bad(v.to_string(), ValueError::ExpectedEntry))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<DatedAmount, A::Error> {
        let s = self.0;
        let Some(date) = seq.next_element::<RawValue>()? else {
            return Err(s.bad("()".into(), ValueError::ExpectedEntry));
        };
        let date =
            crate::inputs::entry_date(&date, s.year).map_err(|p| s.bad(describe_raw(&date), p))?;
        let Some(amount) = seq.next_element::<RawValue>()? else {
            return Err(s.bad(format!("(\"{date}\")"), ValueError::ExpectedEntry));
        };
        let amount = entry_amount(s.decl, &amount).map_err(|p| s.bad(describe_raw(&amount), p))?;
        if let Some(extra) = seq.next_element::<RawValue>()? {
            return Err(s.bad(describe_raw(&extra), ValueError::ExpectedEntry));
        }
        Ok(DatedAmount { date, amount })
    }
}

/// A map of years to input maps of scope `S`.
struct YearsSeed<'a, 'c, S>(&'a Reader<'c>, PhantomData<S>);

impl<'de, S: ScopeMarker> DeserializeSeed<'de> for YearsSeed<'_, '_, S> {
    type Value = BTreeMap<Year, InputValues<S>>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_map(self)
    }
}

impl<'de, S: ScopeMarker> Visitor<'de> for YearsSeed<'_, '_, S> {
    type Value = BTreeMap<Year, InputValues<S>>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a map of years to figures, such as {2024: {…}}")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let r = self.0;
        let mut years = BTreeMap::new();
        while let Some(raw) = map.next_key::<RawValue>()? {
            let year = year_of(&raw).map_err(|k| r.fail(k))?;
            r.years.set(r.years.get() + 1);
            if r.years.get() > MAX_YEARS {
                return Err(r.fail(ProjectErrorKind::TooManyYears));
            }
            if years.contains_key(&year) {
                return Err(r.fail(ProjectErrorKind::DuplicateKey {
                    key: year.0.to_string(),
                }));
            }
            let values = map.next_value_seed(InputsSeed(r, PhantomData, Some(year.0)))?;
            years.insert(year, values);
        }
        Ok(years)
    }
}

/// Reads a file with the catalogue as seed; errors keep the reader's position.
fn read(
    file: &str,
    text: &str,
    catalog: &InputCatalog,
    stop: Option<Stop>,
) -> Result<ProjectFile, ProjectError> {
    if text.trim().is_empty() {
        return Err(ProjectError {
            file: file.into(),
            line: 1,
            col: 1,
            kind: ProjectErrorKind::Empty,
        });
    }
    let reader = Reader {
        catalog,
        error: RefCell::new(None),
        stop,
        years: std::cell::Cell::new(0),
    };
    ron_options()
        .with_recursion_limit(MAX_DEPTH)
        .from_str_seed(text, FileSeed(&reader))
        .map_err(|e| {
            let mut kind = reader
                .error
                .borrow_mut()
                .take()
                .unwrap_or_else(|| ron_error(&e.code));
            let (mut line, mut col) = (e.span.start.line, e.span.start.col);
            if e.code == ron::Error::TrailingCharacters {
                // The reader stops at the closing bracket: point at the text after it.
                let at = offset_of(text, line, col);
                (line, col) = line_col(text, next_token(text, at));
            }
            if matches!(kind, ProjectErrorKind::NameTooLong { .. }) {
                // The reader stands just past the name (and its comma): point at its start.
                let end = offset_of(text, line, col);
                (line, col) = line_col(text, value_start(text, end));
            }
            if let ProjectErrorKind::BadValue {
                written, problem, ..
            } = &mut kind
            {
                // The reader stands near the value it handed over (just past it, or past
                // the comma after an entry's date): point at the value as written, else
                // at the start of the token before the reader.
                let end = offset_of(text, line, col);
                let at = written_near(text, end, written).unwrap_or_else(|| value_start(text, end));
                (line, col) = line_col(text, at);
                if **problem == ValueError::Float {
                    // A whole number past what the reader holds exactly arrives as a float:
                    // it is too large, and is quoted as written, not as the reader rounded it.
                    let token: String = text
                        .get(at..)
                        .unwrap_or("")
                        .chars()
                        .take_while(|c| {
                            c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_')
                        })
                        .collect();
                    let digits = token.chars().filter(char::is_ascii_digit).count();
                    if digits > 28 && !token.contains(['.', 'e', 'E']) {
                        **problem = ValueError::Number(NumberError::TooLarge);
                        *written = clip(&token);
                    }
                }
            }
            ProjectError {
                file: file.into(),
                line,
                col,
                kind,
            }
        })
}

/// The first byte at or after `at` that is neither blank nor in a comment.
fn next_token(text: &str, mut at: usize) -> usize {
    loop {
        let rest = text.get(at..).unwrap_or("");
        let trimmed = rest.trim_start();
        at += rest.len() - trimmed.len();
        if trimmed.starts_with("//") {
            at += trimmed.find('\n').unwrap_or(trimmed.len());
        } else if let Some(body) = trimmed.strip_prefix("/*") {
            at += body.find("*/").map_or(trimmed.len(), |i| i + 4);
        } else {
            return at;
        }
    }
}

/// Where `written` (a value as the file writes it) last occurs up to just past `end`: the
/// reader reports an error at most a separator beyond the value it read.
fn written_near(text: &str, end: usize, written: &str) -> Option<usize> {
    if written.is_empty() {
        return None;
    }
    let mut limit = (end + written.len() + 4).min(text.len());
    while !text.is_char_boundary(limit) {
        limit -= 1;
    }
    text[..limit].rfind(written)
}

/// The start of the value token that ends at byte `end` (a string, number or word); the
/// comma the reader may have taken after it is stepped over.
fn value_start(text: &str, end: usize) -> usize {
    let before = text.get(..end).unwrap_or("").trim_end();
    let before = before.strip_suffix(',').unwrap_or(before).trim_end();
    let end = before.len();
    if let Some(inner) = before.strip_suffix('"') {
        // Back to the opening quote, past escaped quotes.
        let bytes = inner.as_bytes();
        let mut i = inner.len();
        while i > 0 {
            i -= 1;
            if bytes[i] == b'"' {
                let escapes = bytes[..i].iter().rev().take_while(|b| **b == b'\\').count();
                if escapes % 2 == 0 {
                    return i;
                }
            }
        }
        return end;
    }
    if before.ends_with([']', ')']) {
        // Back to the bracket that opens the list (brackets inside strings are rare
        // enough in a list of dates and amounts to be ignored).
        let mut depth = 0usize;
        for (i, c) in before.char_indices().rev() {
            match c {
                ']' | ')' => depth += 1,
                '[' | '(' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return i;
                    }
                }
                _ => {}
            }
        }
        return end;
    }
    let token = before
        .char_indices()
        .rev()
        .take_while(|(_, c)| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '_'))
        .last();
    token.map_or(end, |(i, _)| i)
}

/// A reader error the seeds did not raise, in the project file's terms.
fn ron_error(code: &ron::Error) -> ProjectErrorKind {
    use ron::Error as E;
    match code {
        E::ExceededRecursionLimit => ProjectErrorKind::TooDeep,
        E::DuplicateStructField { field, .. } => ProjectErrorKind::DuplicateKey {
            key: (*field).to_owned(),
        },
        E::InvalidValueForType { expected, found } => {
            ProjectErrorKind::Syntax(format!("expected {expected}, found {found}"))
        }
        other => ProjectErrorKind::Syntax(crate::load::reader_problem(other, "file")),
    }
}

/// Where item `stop` starts (its first key), found by re-reading the file up to it.
fn position_of(text: &str, catalog: &InputCatalog, stop: Stop) -> (usize, usize) {
    match read("", text, catalog, Some(stop)) {
        Err(e) if e.kind == ProjectErrorKind::Marker => (e.line, e.col),
        _ => (1, 1),
    }
}

/// Where offer `index` is written in `text` (line, column): for errors found after parsing.
pub fn offer_position(text: &str, catalog: &InputCatalog, index: usize) -> (usize, usize) {
    position_of(strip_bom(text), catalog, Stop::Offer(index))
}

/// Parses and checks a project file against the loaded rule base.
pub fn parse_project(file: &str, text: &str, base: &RuleBase) -> Result<ProjectFile, ProjectError> {
    let text = strip_bom(text);
    let catalog = &base.catalog;
    let parsed = read(file, text, catalog, None)?;
    let at = |(line, col): (usize, usize), kind| ProjectError {
        file: file.into(),
        line,
        col,
        kind,
    };
    if let Err((index, kind)) = parsed.check(catalog) {
        let pos = match index {
            Some(Item2::Project(i)) => position_of(text, catalog, Stop::Project(i)),
            Some(Item2::Offer(i)) => position_of(text, catalog, Stop::Offer(i)),
            None => line_col(text, 0),
        };
        return Err(at(pos, kind));
    }
    // Each offer's (rule, project, year) against those before it, by hash.
    let mut offered: HashMap<(&str, Option<&str>, Year), usize> = HashMap::new();
    let rule_ids: HashSet<&str> = base
        .rules
        .iter()
        .map(|s| base.rule(*s).id.as_str())
        .collect();
    for (i, o) in parsed.offers.iter().enumerate() {
        if !rule_ids.contains(o.rule.as_str()) {
            let (l, c, _) = locate_quoted(text, &o.rule, 0);
            let pos = if l > 1 || c > 1 {
                (l, c)
            } else {
                position_of(text, catalog, Stop::Offer(i))
            };
            return Err(at(
                pos,
                ProjectErrorKind::UnknownRule {
                    rule: o.rule.clone(),
                },
            ));
        }
        if let Some(&j) = offered.get(&(o.rule.as_str(), o.project.as_deref(), o.year)) {
            let first = position_of(text, catalog, Stop::Offer(j));
            let second = position_of(text, catalog, Stop::Offer(i));
            return Err(at(
                second,
                ProjectErrorKind::DuplicateOffer {
                    rule: o.rule.clone(),
                    project: o.project.clone(),
                    year: o.year.0,
                    first,
                },
            ));
        }
        offered.insert((o.rule.as_str(), o.project.as_deref(), o.year), i);
    }
    Ok(parsed)
}

/// Which item a check failed on.
enum Item2 {
    Project(usize),
    Offer(usize),
}

// ---------------------------------------------------------------------------------------
// Editing

/// Where a value sits: the firm, a firm-year, a project, or a project-year.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum At<'a> {
    Subject,
    SubjectYear { year: u16 },
    Project { project: &'a str },
    ProjectYear { project: &'a str, year: u16 },
}

impl At<'_> {
    /// The year a per-year place is filed under.
    pub fn year(self) -> Option<u16> {
        match self {
            At::SubjectYear { year } | At::ProjectYear { year, .. } => Some(year),
            At::Subject | At::Project { .. } => None,
        }
    }

    /// The input scope this place holds.
    pub fn scope(self) -> Scope {
        match self {
            At::Subject => Scope::Subject,
            At::SubjectYear { .. } => Scope::SubjectYear,
            At::Project { .. } => Scope::Project,
            At::ProjectYear { .. } => Scope::ProjectYear,
        }
    }
}

/// A project id the reader would take back: at most [`MAX_NAME_CHARS`] characters.
fn id_fits(id: &str) -> Result<(), ProjectErrorKind> {
    let chars = id.chars().count();
    if chars > MAX_NAME_CHARS {
        return Err(ProjectErrorKind::NameTooLong { field: "id", chars });
    }
    Ok(())
}

fn year_key(year: u16) -> Result<Year, ProjectErrorKind> {
    Year::new(year).ok_or_else(|| ProjectErrorKind::BadYear {
        written: year.to_string(),
    })
}

impl ProjectFile {
    /// An empty project file for a firm.
    pub fn new(name: &str) -> ProjectFile {
        ProjectFile {
            subject: Subject {
                name: name.to_owned(),
                inputs: InputValues::default(),
                years: BTreeMap::new(),
            },
            projects: Vec::new(),
            offers: Vec::new(),
        }
    }

    pub fn project(&self, id: &str) -> Option<&Project> {
        self.projects.iter().find(|p| p.id == id)
    }

    fn project_mut(&mut self, id: &str) -> Result<&mut Project, ProjectErrorKind> {
        self.projects
            .iter_mut()
            .find(|p| p.id == id)
            .ok_or_else(|| ProjectErrorKind::UnknownProject {
                project: id.to_owned(),
            })
    }

    /// The slot of input `id`, checked to belong at `at`.
    fn slot_at(catalog: &InputCatalog, at: At, id: &str) -> Result<usize, ProjectErrorKind> {
        let slot = catalog
            .slot(id)
            .ok_or_else(|| ProjectErrorKind::UnknownInput {
                id: id.to_owned(),
                near: catalog.near(id),
            })?;
        let belongs = catalog.decls[slot].scope;
        if belongs != at.scope() {
            return Err(ProjectErrorKind::WrongScope {
                id: id.to_owned(),
                belongs,
            });
        }
        Ok(slot)
    }

    /// The value given for input `id` at `at`, if any (defaults are not filled in).
    pub fn get(&self, catalog: &InputCatalog, at: At, id: &str) -> Option<Value> {
        let slot = Self::slot_at(catalog, at, id).ok()?;
        match at {
            At::Subject => self.subject.inputs.get(slot),
            At::SubjectYear { year } => self.subject.years.get(&Year(year))?.get(slot),
            At::Project { project } => self.project(project)?.inputs.get(slot),
            At::ProjectYear { project, year } => {
                self.project(project)?.years.get(&Year(year))?.get(slot)
            }
        }
    }

    /// The entries of dated input `id` at `at`, if it was given by date (an undated yearly
    /// figure is a value, read by [`ProjectFile::get`]).
    pub fn get_dated(&self, catalog: &InputCatalog, at: At, id: &str) -> Option<&[DatedAmount]> {
        let slot = Self::slot_at(catalog, at, id).ok()?;
        match at {
            At::SubjectYear { year } => self.subject.years.get(&Year(year))?.dated(slot),
            At::ProjectYear { project, year } => {
                self.project(project)?.years.get(&Year(year))?.dated(slot)
            }
            At::Subject | At::Project { .. } => None,
        }
    }

    /// Sets input `id` at `at` from text as an officer writes it (`"4500万"`, `"25%"`,
    /// `"制造业"`, `"true"`/`"是"`, `"2024-07-17"`), typed and range-checked against the
    /// catalogue; a date given for a year must lie in it, and a dated input takes its
    /// undated yearly figure here. A year not yet present is added. Returns the typed value.
    pub fn set(
        &mut self,
        catalog: &InputCatalog,
        at: At,
        id: &str,
        text: &str,
    ) -> Result<Value, ProjectErrorKind> {
        let slot = Self::slot_at(catalog, at, id)?;
        let value = typed_text(&catalog.decls[slot], text)
            .and_then(|v| in_year(v, at.year()).map(|()| v))
            .map_err(|problem| ProjectErrorKind::BadValue {
                input: id.to_owned(),
                written: format!("\"{}\"", clip(text)),
                problem: Box::new(problem),
            })?;
        self.put(at, slot, value)?;
        Ok(value)
    }

    /// Sets dated input `id` at `at` entry by entry: each amount checked against the
    /// input's unit range, each date against the year of `at`. An empty list gives no
    /// dated amount at all (a total of zero, every day of the year).
    pub fn set_dated(
        &mut self,
        catalog: &InputCatalog,
        at: At,
        id: &str,
        entries: &[DatedAmount],
    ) -> Result<(), ProjectErrorKind> {
        let slot = Self::slot_at(catalog, at, id)?;
        let decl = &catalog.decls[slot];
        if !matches!(decl.kind, InputKind::Dated(_)) {
            return Err(ProjectErrorKind::NotDated {
                input: id.to_owned(),
            });
        }
        let bad = |written: String, problem| ProjectErrorKind::BadValue {
            input: id.to_owned(),
            written,
            problem: Box::new(problem),
        };
        for e in entries {
            in_year(Value::Date(e.date), at.year())
                .map_err(|p| bad(format!("\"{}\"", e.date), p))?;
            let raw = RawValue::Text(e.amount.to_string());
            entry_amount(decl, &raw).map_err(|p| bad(describe_raw(&raw), p))?;
        }
        if dated_total(entries).is_none() {
            return Err(bad(
                id.to_owned(),
                ValueError::Number(NumberError::TooLarge),
            ));
        }
        let entries = entries.to_vec();
        let y = at.year().map(year_key).transpose()?;
        match (at, y) {
            (At::SubjectYear { .. }, Some(y)) => {
                self.subject
                    .years
                    .entry(y)
                    .or_default()
                    .insert_dated(slot, entries);
            }
            (At::ProjectYear { project, .. }, Some(y)) => {
                self.project_mut(project)?
                    .years
                    .entry(y)
                    .or_default()
                    .insert_dated(slot, entries);
            }
            // A dated input is declared per year (checked when the catalogue is made).
            _ => {
                return Err(ProjectErrorKind::NotDated {
                    input: id.to_owned(),
                })
            }
        }
        Ok(())
    }

    /// Sets an already typed value; refuses one of the wrong kind or out of its range.
    pub fn set_value(
        &mut self,
        catalog: &InputCatalog,
        at: At,
        id: &str,
        value: Value,
    ) -> Result<(), ProjectErrorKind> {
        let slot = Self::slot_at(catalog, at, id)?;
        let decl = &catalog.decls[slot];
        let raw = match (&decl.kind, value) {
            (InputKind::Number(_) | InputKind::Dated(_), Value::Num(d)) => {
                RawValue::Text(d.to_string())
            }
            (InputKind::Flag, Value::Flag(b)) => RawValue::Bool(b),
            (InputKind::Year, Value::Year(y)) => RawValue::Integer(y.into()),
            (InputKind::Date, Value::Date(d)) => RawValue::Text(d.to_string()),
            (InputKind::Choice(options), Value::Choice(i)) => match options.get(usize::from(i)) {
                Some(o) => RawValue::Text(o.id.clone()),
                None => RawValue::Integer(i.into()),
            },
            (_, v) => RawValue::Text(format!("{v:?}")),
        };
        let checked = typed_value(decl, &raw)
            .and_then(|v| in_year(v, at.year()).map(|()| v))
            .map_err(|problem| ProjectErrorKind::BadValue {
                input: id.to_owned(),
                written: describe_raw(&raw),
                problem: Box::new(problem),
            })?;
        self.put(at, slot, checked)
    }

    /// A year already there, or room for one more under [`MAX_YEARS`].
    fn room_for_year(&self, project: Option<&str>, year: Year) -> Result<(), ProjectErrorKind> {
        let there = match project {
            None => self.subject.years.contains_key(&year),
            Some(p) => self.project(p).is_some_and(|p| p.years.contains_key(&year)),
        };
        let count =
            self.subject.years.len() + self.projects.iter().map(|p| p.years.len()).sum::<usize>();
        if there || count < MAX_YEARS {
            Ok(())
        } else {
            Err(ProjectErrorKind::TooManyYears)
        }
    }

    fn put(&mut self, at: At, slot: usize, value: Value) -> Result<(), ProjectErrorKind> {
        match at {
            At::Subject => {
                self.subject.inputs.insert(slot, value);
            }
            At::SubjectYear { year } => {
                let y = year_key(year)?;
                self.room_for_year(None, y)?;
                self.subject.years.entry(y).or_default().insert(slot, value);
            }
            At::Project { project } => {
                self.project_mut(project)?.inputs.insert(slot, value);
            }
            At::ProjectYear { project, year } => {
                let y = year_key(year)?;
                self.room_for_year(Some(project), y)?;
                self.project_mut(project)?
                    .years
                    .entry(y)
                    .or_default()
                    .insert(slot, value);
            }
        }
        Ok(())
    }

    /// Removes input `id` at `at`; returns what it was.
    pub fn remove(
        &mut self,
        catalog: &InputCatalog,
        at: At,
        id: &str,
    ) -> Result<Option<Value>, ProjectErrorKind> {
        let slot = Self::slot_at(catalog, at, id)?;
        let no_year = |project: Option<&str>, year| ProjectErrorKind::UnknownYear {
            project: project.map(str::to_owned),
            year,
        };
        Ok(match at {
            At::Subject => self.subject.inputs.remove(slot),
            At::SubjectYear { year } => self
                .subject
                .years
                .get_mut(&Year(year))
                .ok_or_else(|| no_year(None, year))?
                .remove(slot),
            At::Project { project } => self.project_mut(project)?.inputs.remove(slot),
            At::ProjectYear { project, year } => self
                .project_mut(project)?
                .years
                .get_mut(&Year(year))
                .ok_or_else(|| no_year(Some(project), year))?
                .remove(slot),
        })
    }

    /// Adds an empty project; refuses an id already used.
    pub fn add_project(&mut self, id: &str) -> Result<&mut Project, ProjectErrorKind> {
        if self.project(id).is_some() {
            return Err(ProjectErrorKind::ProjectExists { id: id.to_owned() });
        }
        if self.projects.len() >= MAX_PROJECTS {
            return Err(ProjectErrorKind::TooManyProjects);
        }
        id_fits(id)?;
        self.projects.push(Project {
            id: id.to_owned(),
            name: None,
            inputs: InputValues::default(),
            years: BTreeMap::new(),
        });
        let last = self.projects.len() - 1;
        Ok(&mut self.projects[last])
    }

    /// Removes a project and the offers made on it.
    pub fn remove_project(&mut self, id: &str) -> Result<Project, ProjectErrorKind> {
        let i = self
            .projects
            .iter()
            .position(|p| p.id == id)
            .ok_or_else(|| ProjectErrorKind::UnknownProject {
                project: id.to_owned(),
            })?;
        self.offers.retain(|o| o.project.as_deref() != Some(id));
        Ok(self.projects.remove(i))
    }

    /// Renames a project, and the offers made on it.
    pub fn rename_project(&mut self, id: &str, new_id: &str) -> Result<(), ProjectErrorKind> {
        if id != new_id && self.project(new_id).is_some() {
            return Err(ProjectErrorKind::ProjectExists {
                id: new_id.to_owned(),
            });
        }
        id_fits(new_id)?;
        self.project_mut(id)?.id = new_id.to_owned();
        for o in &mut self.offers {
            if o.project.as_deref() == Some(id) {
                o.project = Some(new_id.to_owned());
            }
        }
        Ok(())
    }

    /// Adds an empty year to a project (or, with `None`, to the firm); an existing year is
    /// left as it is.
    pub fn add_year(&mut self, project: Option<&str>, year: u16) -> Result<(), ProjectErrorKind> {
        let y = year_key(year)?;
        self.room_for_year(project, y)?;
        match project {
            None => {
                self.subject.years.entry(y).or_default();
            }
            Some(p) => {
                self.project_mut(p)?.years.entry(y).or_default();
            }
        }
        Ok(())
    }

    /// Removes a year of a project (or, with `None`, of the firm) and all its figures.
    pub fn remove_year(
        &mut self,
        project: Option<&str>,
        year: u16,
    ) -> Result<(), ProjectErrorKind> {
        let gone = match project {
            None => self.subject.years.remove(&Year(year)).is_some(),
            Some(p) => self.project_mut(p)?.years.remove(&Year(year)).is_some(),
        };
        if gone {
            Ok(())
        } else {
            Err(ProjectErrorKind::UnknownYear {
                project: project.map(str::to_owned),
                year,
            })
        }
    }

    /// The checks a whole file must pass: something to evaluate, unique project ids, a
    /// year for every project, required inputs given (or defaulted), offers on known
    /// projects. Rule ids in offers are checked by [`parse_project`], which has the rules.
    pub fn validate(&self, catalog: &InputCatalog) -> Result<(), ProjectErrorKind> {
        self.check(catalog).map_err(|(_, k)| k)
    }

    fn check(&self, catalog: &InputCatalog) -> Result<(), (Option<Item2>, ProjectErrorKind)> {
        if self.projects.is_empty() && self.subject.years.is_empty() {
            return Err((None, ProjectErrorKind::NothingToEvaluate));
        }
        // Linear in the number of projects: a district's register holds 100,000.
        let mut ids: std::collections::HashSet<&str> =
            std::collections::HashSet::with_capacity(self.projects.len());
        let required: Vec<usize> = (0..catalog.decls.len())
            .filter(|&slot| {
                let d = &catalog.decls[slot];
                d.required && d.scope == Scope::Project && catalog.defaults[slot].is_none()
            })
            .collect();
        for (i, p) in self.projects.iter().enumerate() {
            let here = |k| (Some(Item2::Project(i)), k);
            if !ids.insert(p.id.as_str()) {
                return Err(here(ProjectErrorKind::DuplicateProject {
                    id: p.id.clone(),
                }));
            }
            for &slot in &required {
                let d = &catalog.decls[slot];
                if p.inputs.get(slot).is_none() {
                    return Err(here(ProjectErrorKind::MissingRequired {
                        project: p.id.clone(),
                        input: d.id.clone(),
                    }));
                }
            }
            if p.years.is_empty() {
                return Err(here(ProjectErrorKind::ProjectWithoutYears {
                    project: p.id.clone(),
                }));
            }
        }
        for (i, o) in self.offers.iter().enumerate() {
            if let Some(p) = &o.project {
                if !ids.contains(p.as_str()) {
                    return Err((
                        Some(Item2::Offer(i)),
                        ProjectErrorKind::UnknownProject { project: p.clone() },
                    ));
                }
            }
        }
        Ok(())
    }

    /// The project file as RON, which [`parse_project`] reads back to an equal project.
    pub fn to_ron(&self, catalog: &InputCatalog) -> String {
        let mut out = String::from("Project(\n    subject: (\n");
        out.push_str(&format!(
            "        name: {},\n",
            ron_string(&self.subject.name)
        ));
        if !self.subject.inputs.values.is_empty() {
            out.push_str(&format!(
                "        inputs: {},\n",
                values_ron(catalog, &self.subject.inputs)
            ));
        }
        years_ron(&mut out, catalog, &self.subject.years, "        ");
        out.push_str("    ),\n");
        if !self.projects.is_empty() {
            out.push_str("    projects: [\n");
            for p in &self.projects {
                out.push_str("        (\n");
                out.push_str(&format!("            id: {},\n", ron_string(&p.id)));
                if let Some(n) = &p.name {
                    out.push_str(&format!("            name: {},\n", ron_string(n)));
                }
                if !p.inputs.values.is_empty() {
                    out.push_str(&format!(
                        "            inputs: {},\n",
                        values_ron(catalog, &p.inputs)
                    ));
                }
                years_ron(&mut out, catalog, &p.years, "            ");
                out.push_str("        ),\n");
            }
            out.push_str("    ],\n");
        }
        if !self.offers.is_empty() {
            out.push_str("    offers: [\n");
            for o in &self.offers {
                let project = o
                    .project
                    .as_ref()
                    .map(|p| format!("project: {}, ", ron_string(p)))
                    .unwrap_or_default();
                out.push_str(&format!(
                    "        (rule: {}, {project}year: {}, amount: \"{}\"),\n",
                    ron_string(&o.rule),
                    o.year.0,
                    o.amount.0
                ));
            }
            out.push_str("    ],\n");
        }
        out.push_str(")\n");
        out
    }
}

fn years_ron<S>(
    out: &mut String,
    catalog: &InputCatalog,
    years: &BTreeMap<Year, InputValues<S>>,
    indent: &str,
) {
    if years.is_empty() {
        return;
    }
    out.push_str(&format!("{indent}years: {{\n"));
    for (y, v) in years {
        out.push_str(&format!(
            "{indent}    {}: {},\n",
            y.0,
            values_ron(catalog, v)
        ));
    }
    out.push_str(&format!("{indent}}},\n"));
}

fn values_ron<S>(catalog: &InputCatalog, values: &InputValues<S>) -> String {
    let items: Vec<String> = values
        .values
        .iter()
        .filter_map(|(slot, v)| {
            let d = catalog.decls.get(*slot)?;
            let value = match (v, &d.kind) {
                (_, InputKind::Dated(_)) if values.dated(*slot).is_some() => {
                    let entries: Vec<String> = values
                        .dated(*slot)
                        .unwrap_or_default()
                        .iter()
                        .map(|e| format!("(\"{}\", \"{}\")", e.date, e.amount))
                        .collect();
                    format!("[{}]", entries.join(", "))
                }
                (Value::Num(n), _) => format!("\"{n}\""),
                (Value::Flag(b), _) => b.to_string(),
                (Value::Year(y), _) => y.to_string(),
                (Value::Date(date), _) => format!("\"{date}\""),
                (Value::Choice(i), InputKind::Choice(options)) => {
                    ron_string(&options.get(usize::from(*i))?.id)
                }
                (Value::Choice(_), _) => return None,
            };
            Some(format!("{}: {value}", ron_string(&d.id)))
        })
        .collect();
    format!("{{{}}}", items.join(", "))
}

/// A RON string literal: quotes, backslashes and control characters escaped.
fn ron_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

// ---------------------------------------------------------------------------------------
// Building

/// Inputs given as text, for one place.
#[derive(Clone, Debug, Default)]
pub struct InputsBuilder {
    inputs: Vec<(String, String)>,
    dated: Vec<(String, Vec<(String, String)>)>,
}

impl InputsBuilder {
    /// Gives input `id` as an officer writes it.
    pub fn input(mut self, id: &str, text: &str) -> Self {
        self.inputs.push((id.to_owned(), text.to_owned()));
        self
    }

    /// Gives dated input `id` entry by entry, each `(date, amount)` as an officer writes
    /// it: `("2024-09-01", "60万元")`.
    pub fn dated(mut self, id: &str, entries: &[(&str, &str)]) -> Self {
        let entries = entries
            .iter()
            .map(|(d, a)| ((*d).to_owned(), (*a).to_owned()))
            .collect();
        self.dated.push((id.to_owned(), entries));
        self
    }
}

/// Types entries written as text (`("2024-09-01", "60万元")`) against dated input `id`.
pub fn typed_entries(
    catalog: &InputCatalog,
    id: &str,
    entries: &[(String, String)],
) -> Result<Vec<DatedAmount>, ProjectErrorKind> {
    let decl = catalog
        .get(id)
        .ok_or_else(|| ProjectErrorKind::UnknownInput {
            id: id.to_owned(),
            near: catalog.near(id),
        })?;
    let bad = |written: &str, problem| ProjectErrorKind::BadValue {
        input: id.to_owned(),
        written: format!("\"{}\"", clip(written)),
        problem: Box::new(problem),
    };
    entries
        .iter()
        .map(|(date, amount)| {
            Ok(DatedAmount {
                date: typed_date(date).map_err(|p| bad(date, p))?,
                amount: entry_amount(decl, &RawValue::Text(amount.clone()))
                    .map_err(|p| bad(amount, p))?,
            })
        })
        .collect()
}

/// One project of a [`ProjectBuilder`].
#[derive(Clone, Debug, Default)]
pub struct ProjectSpec {
    id: String,
    name: Option<String>,
    inputs: Vec<(String, String)>,
    years: Vec<(u16, InputsBuilder)>,
}

impl ProjectSpec {
    pub fn name(mut self, name: &str) -> Self {
        self.name = Some(name.to_owned());
        self
    }

    /// A project input (industry, project_kind, district …) as written.
    pub fn input(mut self, id: &str, text: &str) -> Self {
        self.inputs.push((id.to_owned(), text.to_owned()));
        self
    }

    /// One year's figures.
    pub fn year(mut self, year: u16, f: impl FnOnce(InputsBuilder) -> InputsBuilder) -> Self {
        self.years.push((year, f(InputsBuilder::default())));
        self
    }
}

/// Builds a project file in code, typing every value against the catalogue at `build`.
///
/// ```ignore
/// let file = ProjectBuilder::new("重庆某公司")
///     .subject_input("ranked_enterprise", "none")
///     .project("P1", |p| p.input("industry", "制造业").input("project_kind", "new")
///         .year(2024, |y| y.input("fdi_arrived_usd", "2000万美元")))
///     .build(&base.catalog)?;
/// ```
#[derive(Clone, Debug, Default)]
pub struct ProjectBuilder {
    name: String,
    inputs: Vec<(String, String)>,
    years: Vec<(u16, InputsBuilder)>,
    projects: Vec<ProjectSpec>,
    offers: Vec<(String, Option<String>, u16, String)>,
}

impl ProjectBuilder {
    pub fn new(firm: &str) -> Self {
        ProjectBuilder {
            name: firm.to_owned(),
            ..Default::default()
        }
    }

    /// A firm input, constant over the years.
    pub fn subject_input(mut self, id: &str, text: &str) -> Self {
        self.inputs.push((id.to_owned(), text.to_owned()));
        self
    }

    /// The firm's figures for one year.
    pub fn subject_year(
        mut self,
        year: u16,
        f: impl FnOnce(InputsBuilder) -> InputsBuilder,
    ) -> Self {
        self.years.push((year, f(InputsBuilder::default())));
        self
    }

    pub fn project(mut self, id: &str, f: impl FnOnce(ProjectSpec) -> ProjectSpec) -> Self {
        self.projects.push(f(ProjectSpec {
            id: id.to_owned(),
            ..Default::default()
        }));
        self
    }

    /// An officer's offer in yuan (`"1500000"`, `"150万元"`).
    pub fn offer(mut self, rule: &str, project: Option<&str>, year: u16, amount: &str) -> Self {
        self.offers.push((
            rule.to_owned(),
            project.map(str::to_owned),
            year,
            amount.to_owned(),
        ));
        self
    }

    /// Types every value and checks the whole (as [`ProjectFile::validate`]).
    pub fn build(self, catalog: &InputCatalog) -> Result<ProjectFile, ProjectErrorKind> {
        let mut file = ProjectFile::new(&self.name);
        let mut given = Vec::new();
        for (id, text) in &self.inputs {
            file.set_once(catalog, At::Subject, id, text, &mut given)?;
        }
        for (year, b) in &self.years {
            file.add_year(None, *year)?;
            let at = At::SubjectYear { year: *year };
            for (id, text) in &b.inputs {
                file.set_once(catalog, at, id, text, &mut given)?;
            }
            file.set_dated_once(catalog, at, &b.dated, &mut given)?;
        }
        for p in &self.projects {
            file.add_project(&p.id)?.name.clone_from(&p.name);
            for (id, text) in &p.inputs {
                file.set_once(
                    catalog,
                    At::Project { project: &p.id },
                    id,
                    text,
                    &mut given,
                )?;
            }
            for (year, b) in &p.years {
                file.add_year(Some(&p.id), *year)?;
                let at = At::ProjectYear {
                    project: &p.id,
                    year: *year,
                };
                for (id, text) in &b.inputs {
                    file.set_once(catalog, at, id, text, &mut given)?;
                }
                file.set_dated_once(catalog, at, &b.dated, &mut given)?;
            }
        }
        for (rule, project, year, amount) in self.offers {
            let amount = offer_amount(&RawValue::Text(amount.clone())).map_err(|problem| {
                ProjectErrorKind::BadValue {
                    input: "amount".into(),
                    written: format!("\"{}\"", clip(&amount)),
                    problem: Box::new(problem),
                }
            })?;
            let offer = Offer {
                rule,
                project,
                year: year_key(year)?,
                amount,
            };
            if file
                .offers
                .iter()
                .any(|o| o.rule == offer.rule && o.project == offer.project && o.year == offer.year)
            {
                return Err(ProjectErrorKind::DuplicateOffer {
                    rule: offer.rule,
                    project: offer.project,
                    year,
                    first: (0, 0),
                });
            }
            file.offers.push(offer);
        }
        file.validate(catalog)?;
        Ok(file)
    }
}

impl ProjectFile {
    /// [`ProjectFile::set`], refusing an input given twice at one place.
    fn set_once(
        &mut self,
        catalog: &InputCatalog,
        at: At,
        id: &str,
        text: &str,
        given: &mut Vec<String>,
    ) -> Result<Value, ProjectErrorKind> {
        let key = format!("{at:?}/{id}");
        if given.contains(&key) {
            return Err(ProjectErrorKind::DuplicateKey { key: id.to_owned() });
        }
        given.push(key);
        self.set(catalog, at, id, text)
    }

    /// [`ProjectFile::set_dated`] for each dated input written as text, refusing one
    /// given twice at one place.
    fn set_dated_once(
        &mut self,
        catalog: &InputCatalog,
        at: At,
        dated: &[(String, Vec<(String, String)>)],
        given: &mut Vec<String>,
    ) -> Result<(), ProjectErrorKind> {
        for (id, entries) in dated {
            let key = format!("{at:?}/{id}");
            if given.contains(&key) {
                return Err(ProjectErrorKind::DuplicateKey { key: id.to_owned() });
            }
            given.push(key);
            let typed = typed_entries(catalog, id, entries)?;
            self.set_dated(catalog, at, id, &typed)?;
        }
        Ok(())
    }
}

/// Finds where year `year` of project `project` is written, for errors found later.
pub fn locate_year(text: &str, project: Option<&str>, year: u16) -> (usize, usize) {
    let from = project.map_or(0, |p| locate_quoted(text, p, 0).2);
    let key = format!("{year}:");
    match text[from..].find(&key) {
        Some(i) => line_col(text, from + i),
        None => line_col(text, from),
    }
}
