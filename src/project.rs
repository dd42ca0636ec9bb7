//! Project files: one firm (the subject), its projects and their per-year figures, typed
//! against the declared inputs while parsing, so a wrong value is reported at its own
//! line and column.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;

use crate::inputs::{scope_place, typed_value, InputCatalog, Value};
use crate::load::{line_col, locate_quoted, parse_ron, LoadError, RuleBase};
use crate::money::Dec;
use crate::pack::{RawValue, Scope};

thread_local! {
    /// The catalogue the input maps are typed against while a project file is parsed.
    /// Set only inside `parse_project`, so that value errors carry serde's position.
    static PARSING_WITH: RefCell<Option<Arc<InputCatalog>>> = const { RefCell::new(None) };
}

/// A whole project file.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename = "Project", deny_unknown_fields)]
pub struct ProjectFile {
    pub subject: Subject,
    #[serde(default)]
    pub projects: Vec<Project>,
    /// Amounts an officer offers on lines whose policy gives a minimum and a ceiling.
    #[serde(default)]
    pub offers: Vec<Offer>,
}

/// The firm that claims.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subject {
    pub name: String,
    #[serde(default)]
    pub inputs: InputValues<SubjectScope>,
    #[serde(default)]
    pub years: BTreeMap<Year, InputValues<SubjectYearScope>>,
}

/// One project of the firm.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Project {
    pub id: String,
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "district")]
    pub district: Option<Value>,
    #[serde(deserialize_with = "industry")]
    pub industry: Value,
    #[serde(deserialize_with = "project_kind")]
    pub kind: Value,
    #[serde(default)]
    pub inputs: InputValues<ProjectScope>,
    #[serde(default)]
    pub years: BTreeMap<Year, InputValues<ProjectYearScope>>,
}

/// An officer's offer on one line: accepted only between the policy minimum and ceiling.
#[derive(Clone, Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Offer {
    pub rule: String,
    #[serde(default)]
    pub project: Option<String>,
    pub year: Year,
    pub amount: Dec,
}

/// A calendar year between 2000 and 2100.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Year(pub u16);

impl<'de> Deserialize<'de> for Year {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawValue::deserialize(d)?;
        match raw {
            RawValue::Integer(y) if (2000..=2100).contains(&y) => Ok(Year(y as u16)),
            RawValue::Integer(y) => Err(de::Error::custom(format!(
                "year {y} is out of range (2000–2100)"
            ))),
            _ => Err(de::Error::custom("expected a year such as 2024")),
        }
    }
}

/// Marker types naming where an input map sits in the file.
pub trait ScopeMarker {
    const SCOPE: Scope;
}
macro_rules! scope_marker {
    ($name:ident, $scope:expr) => {
        #[derive(Clone, Debug, Default)]
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

/// Typed values by input slot, all of the scope `S`.
#[derive(Clone, Debug)]
pub struct InputValues<S> {
    pub values: Vec<(usize, Value)>,
    scope: PhantomData<S>,
}

impl<S> Default for InputValues<S> {
    fn default() -> Self {
        InputValues {
            values: Vec::new(),
            scope: PhantomData,
        }
    }
}

impl<S> InputValues<S> {
    pub fn from_values(values: Vec<(usize, Value)>) -> Self {
        InputValues {
            values,
            scope: PhantomData,
        }
    }
}

fn with_catalog<T, E: de::Error>(f: impl FnOnce(&InputCatalog) -> Result<T, E>) -> Result<T, E> {
    PARSING_WITH.with(|c| match c.borrow().as_ref() {
        Some(cat) => f(cat),
        None => Err(E::custom(
            "internal: project parsed without an input catalogue",
        )),
    })
}

impl<'de, S: ScopeMarker> Deserialize<'de> for InputValues<S> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V<S>(PhantomData<S>);
        impl<'de, S: ScopeMarker> Visitor<'de> for V<S> {
            type Value = InputValues<S>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str(
                    "a map of input ids to values, such as {\"fdi_arrived_usd\": \"20000000\"}",
                )
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut values: Vec<(usize, Value)> = Vec::new();
                while let Some(key) = map.next_key::<String>()? {
                    let slot = with_catalog(|cat| {
                        cat.slot(&key)
                            .ok_or_else(|| de::Error::custom(cat.unknown(&key)))
                    })?;
                    let raw: RawValue = map.next_value()?;
                    let value = with_catalog(|cat| {
                        let decl = &cat.decls[slot];
                        if decl.scope != S::SCOPE {
                            return Err(de::Error::custom(format!(
                                "`{key}` belongs in {}",
                                scope_place(decl.scope)
                            )));
                        }
                        typed_value(decl, &raw).map_err(de::Error::custom)
                    })?;
                    if values.iter().any(|(s, _)| *s == slot) {
                        return Err(de::Error::custom(format!("`{key}` is given twice")));
                    }
                    values.push((slot, value));
                }
                values.sort_by_key(|(s, _)| *s);
                Ok(InputValues::from_values(values))
            }
        }
        d.deserialize_map(V(PhantomData))
    }
}

fn choice<'de, D: Deserializer<'de>>(d: D, input: &str) -> Result<Value, D::Error> {
    let raw = RawValue::deserialize(d)?;
    with_catalog(|cat| {
        let decl = cat
            .get(input)
            .ok_or_else(|| de::Error::custom(format!("no input `{input}` is declared")))?;
        typed_value(decl, &raw).map_err(de::Error::custom)
    })
}

fn industry<'de, D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
    choice(d, "industry")
}

fn project_kind<'de, D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
    choice(d, "project_kind")
}

fn district<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Value>, D::Error> {
    choice(d, "district").map(Some)
}

/// Parses and checks a project file against the loaded rule base.
pub fn parse_project(file: &str, text: &str, base: &RuleBase) -> Result<ProjectFile, LoadError> {
    PARSING_WITH.with(|c| *c.borrow_mut() = Some(base.catalog.clone()));
    let parsed: Result<ProjectFile, LoadError> = parse_ron(file, text);
    PARSING_WITH.with(|c| *c.borrow_mut() = None);
    let parsed = parsed?;
    let at = |needle: &str, message: String| {
        let (line, col, _) = locate_quoted(text, needle, 0);
        LoadError {
            file: file.into(),
            line,
            col,
            rule: None,
            message,
        }
    };
    if parsed.projects.is_empty() && parsed.subject.years.is_empty() {
        let (line, col) = line_col(text, 0);
        return Err(LoadError {
            file: file.into(),
            line,
            col,
            rule: None,
            message: "no projects and no subject years: nothing to evaluate".into(),
        });
    }
    for (i, p) in parsed.projects.iter().enumerate() {
        if parsed.projects[..i].iter().any(|q| q.id == p.id) {
            return Err(at(&p.id, format!("project id `{}` is used twice", p.id)));
        }
        if p.years.is_empty() {
            return Err(at(
                &p.id,
                format!(
                    "project `{}` has no `years`: give at least one year's figures",
                    p.id
                ),
            ));
        }
    }
    for o in &parsed.offers {
        if base.find_rule(&o.rule).is_none() {
            return Err(at(
                &o.rule,
                format!("offer names unknown rule `{}`", o.rule),
            ));
        }
        if let Some(p) = &o.project {
            if !parsed.projects.iter().any(|q| &q.id == p) {
                return Err(at(p, format!("offer names unknown project `{p}`")));
            }
        }
    }
    Ok(parsed)
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
