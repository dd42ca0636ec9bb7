//! The input catalogue (every declared input, by slot) and typed input values.

use std::collections::HashMap;

use rust_decimal::Decimal;

use crate::money::parse_decimal;
use crate::pack::{ChoiceOption, InputDecl, InputKind, RawValue, Scope};

/// A typed input value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum Value {
    Num(Decimal),
    Flag(bool),
    /// Index into the declaration's options.
    Choice(u16),
    Year(u16),
}

/// All declared inputs; a rule's `InputRef::slot` indexes `decls`.
#[derive(Clone, Debug, Default)]
pub struct InputCatalog {
    pub decls: Vec<InputDecl>,
    by_id: HashMap<String, usize>,
    /// Typed defaults, by slot.
    pub defaults: Vec<Option<Value>>,
}

impl InputCatalog {
    /// Adds a declaration; refuses a second input of the same id.
    pub fn add(&mut self, decl: InputDecl) -> Result<(), String> {
        if self.by_id.contains_key(&decl.id) {
            return Err(format!("input `{}` is declared twice", decl.id));
        }
        if let InputKind::Choice(options) = &decl.kind {
            if options.is_empty() {
                return Err(format!("choice input `{}` has no options", decl.id));
            }
            for (i, a) in options.iter().enumerate() {
                if options[..i].iter().any(|b| b.id == a.id) {
                    return Err(format!(
                        "choice input `{}` lists option `{}` twice",
                        decl.id, a.id
                    ));
                }
            }
        }
        let default = match &decl.default {
            Some(raw) => Some(
                typed_value(&decl, raw).map_err(|e| format!("default of `{}`: {e}", decl.id))?,
            ),
            None => None,
        };
        self.by_id.insert(decl.id.clone(), self.decls.len());
        self.decls.push(decl);
        self.defaults.push(default);
        Ok(())
    }

    pub fn slot(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    pub fn get(&self, id: &str) -> Option<&InputDecl> {
        self.slot(id).map(|s| &self.decls[s])
    }

    pub fn len(&self) -> usize {
        self.decls.len()
    }

    pub fn is_empty(&self) -> bool {
        self.decls.is_empty()
    }

    /// "unknown input `x`" with the closest declared ids, for error messages.
    pub fn unknown(&self, id: &str) -> String {
        let mut near: Vec<&str> = self
            .decls
            .iter()
            .map(|d| d.id.as_str())
            .filter(|k| similar(k, id))
            .collect();
        near.truncate(3);
        if near.is_empty() {
            format!("unknown input `{id}` (not declared in any Inputs file)")
        } else {
            format!(
                "unknown input `{id}`; did you mean `{}`?",
                near.join("`, `")
            )
        }
    }

    /// Resolves a choice option id to its index for the input in `slot`.
    pub fn option_index(&self, slot: usize, option: &str) -> Result<u16, String> {
        let decl = &self.decls[slot];
        match &decl.kind {
            InputKind::Choice(options) => options
                .iter()
                .position(|o| o.id == option)
                .map(|i| i as u16)
                .ok_or_else(|| {
                    format!(
                        "`{option}` is not an option of `{}`; expected one of: {}",
                        decl.id,
                        option_ids(options)
                    )
                }),
            _ => Err(format!("input `{}` is not a choice", decl.id)),
        }
    }
}

fn option_ids(options: &[ChoiceOption]) -> String {
    options
        .iter()
        .map(|o| o.id.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn similar(a: &str, b: &str) -> bool {
    a.contains(b) || b.contains(a) || {
        let common = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
        common >= 4
    }
}

/// Types a value written in a file against its declaration.
pub fn typed_value(decl: &InputDecl, raw: &RawValue) -> Result<Value, String> {
    match (&decl.kind, raw) {
        (InputKind::Number(_), RawValue::Text(t)) => parse_decimal(t).map(Value::Num),
        (InputKind::Number(_), RawValue::Integer(i)) => {
            if *i < 0 {
                Err(format!("amounts cannot be negative, found {i}"))
            } else {
                Decimal::try_from_i128_with_scale(*i, 0)
                    .map(Value::Num)
                    .map_err(|_| format!("the number {i} is too large for an exact decimal"))
            }
        }
        (InputKind::Number(_), RawValue::Float(f)) => Err(format!(
            "write decimals as strings so they stay exact: \"{f}\" instead of {f}"
        )),
        (InputKind::Flag, RawValue::Bool(b)) => Ok(Value::Flag(*b)),
        (InputKind::Choice(options), RawValue::Text(t)) => options
            .iter()
            .position(|o| &o.id == t)
            .map(|i| Value::Choice(i as u16))
            .ok_or_else(|| {
                format!(
                    "unknown {} `{t}`; expected one of: {}",
                    decl.id,
                    option_ids(options)
                )
            }),
        (InputKind::Year, RawValue::Integer(y)) if (1949..=2100).contains(y) => {
            Ok(Value::Year(*y as u16))
        }
        (InputKind::Year, _) => Err(format!(
            "`{}` expects a year such as 2024, found {}",
            decl.id,
            describe_raw(raw)
        )),
        (InputKind::Number(_), _) => Err(format!(
            "`{}` expects a number written as a string such as \"10000000\", found {}",
            decl.id,
            describe_raw(raw)
        )),
        (InputKind::Flag, _) => Err(format!(
            "`{}` expects true or false, found {}",
            decl.id,
            describe_raw(raw)
        )),
        (InputKind::Choice(_), _) => Err(format!(
            "`{}` expects one of its options as a string, found {}",
            decl.id,
            describe_raw(raw)
        )),
    }
}

fn describe_raw(raw: &RawValue) -> String {
    match raw {
        RawValue::Text(t) => format!("\"{t}\""),
        RawValue::Bool(b) => b.to_string(),
        RawValue::Integer(i) => i.to_string(),
        RawValue::Float(f) => f.to_string(),
    }
}

/// Where an input of each scope is written in a project file, for error messages.
pub fn scope_place(scope: Scope) -> &'static str {
    match scope {
        Scope::Subject => "`subject.inputs`",
        Scope::SubjectYear => "`subject.years`",
        Scope::Project => "a project's `inputs` (or its `industry`/`kind`/`district`)",
        Scope::ProjectYear => "a project's `years`",
    }
}
