//! Where things were written in a rule pack, taken from the RON parser itself.
//!
//! The parser hands identifiers and (unescaped) strings over as slices of the text it
//! reads, so the address of such a slice, less the address of the text, is exactly where
//! the parser found it: no text is searched, a comment is never mistaken for a field, and
//! of two equal ids each has its own place. Structs of the pack format that errors name
//! record where each of their fields was written ([`Spans`]); the references inside rules
//! (`InputRef`, `OptionRef`, `ParamRef`) record where their value was ([`At`]). The loader
//! turns these into line and column once per file ([`LineIndex`]), while the text is at hand.

use std::borrow::Cow;
use std::fmt;
use std::marker::PhantomData;

use serde::de::value::{
    MapAccessDeserializer, SeqDeserializer, StrDeserializer, StringDeserializer,
};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;

/// Where a value was written. While a file is parsed it holds the parser's slice address;
/// once loaded, its line and column (1-based, columns in characters).
///
/// A place is not part of a value: two references to the same input written in different
/// places compare equal.
#[derive(Clone, Copy, Debug, Default)]
pub struct At(Spot);

#[derive(Clone, Copy, Debug, Default)]
enum Spot {
    #[default]
    Unknown,
    /// The address of the first byte of the parser's slice.
    Read(usize),
    Placed {
        line: u32,
        col: u32,
    },
}

impl At {
    /// Where the parser's slice `text` starts.
    pub(crate) fn read(text: &str) -> At {
        At(Spot::Read(text.as_ptr() as usize))
    }

    /// Line and column, once the loader has placed it.
    pub fn line_col(self) -> Option<(usize, usize)> {
        match self.0 {
            Spot::Placed { line, col } => Some((line as usize, col as usize)),
            _ => None,
        }
    }

    /// This place, or `other` where this one is unknown.
    pub fn or(self, other: At) -> At {
        match self.0 {
            Spot::Unknown => other,
            _ => self,
        }
    }

    fn is_unknown(self) -> bool {
        matches!(self.0, Spot::Unknown)
    }
}

impl PartialEq for At {
    fn eq(&self, _: &At) -> bool {
        true
    }
}

impl Eq for At {}

impl std::hash::Hash for At {
    fn hash<H: std::hash::Hasher>(&self, _: &mut H) {}
}

/// Line starts of one text, to turn parser addresses into line and column.
pub(crate) struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub(crate) fn new(text: &'a str) -> LineIndex<'a> {
        let starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        LineIndex { text, starts }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub(crate) fn line_col(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1];
        let col = self
            .text
            .get(start..offset)
            .map_or(0, |t| t.chars().count());
        (line, col + 1)
    }

    /// Turns a parser address into line and column. A string's place is its opening quote.
    /// An address outside this text (read from another) becomes unknown.
    pub(crate) fn place(&self, at: &mut At) {
        let Spot::Read(address) = at.0 else {
            return;
        };
        let base = self.text.as_ptr() as usize;
        let Some(mut offset) = address.checked_sub(base).filter(|o| *o <= self.text.len()) else {
            at.0 = Spot::Unknown;
            return;
        };
        if offset > 0 && self.text.as_bytes()[offset - 1] == b'"' {
            offset -= 1;
        }
        let (line, col) = self.line_col(offset);
        at.0 = match (u32::try_from(line), u32::try_from(col)) {
            (Ok(line), Ok(col)) => Spot::Placed { line, col },
            _ => Spot::Unknown,
        };
    }
}

/// Where the fields of one struct were written: each field name's place, the place of
/// the value that names the struct (a rule's `id`, an example's `name`), and of each string
/// of a list field (a rule's `lead` and `stacking`).
#[derive(Clone, Debug, Default)]
pub struct Spans {
    name: At,
    first: At,
    fields: Vec<(&'static str, At)>,
    items: Vec<(&'static str, At)>,
}

/// Places are not part of a value, as for [`At`].
impl PartialEq for Spans {
    fn eq(&self, _: &Spans) -> bool {
        true
    }
}

impl Eq for Spans {}

impl Spans {
    /// Where the struct is named (its id), else where its first field is written.
    pub fn at(&self) -> At {
        self.name.or(self.first)
    }

    /// Where `field:` is written; the struct's own place if it is not.
    pub fn field(&self, field: &str) -> At {
        self.fields
            .iter()
            .find(|(f, _)| *f == field)
            .map_or(At::default(), |(_, at)| *at)
            .or(self.at())
    }

    /// Where string `i` of list field `field` is written; the field's place if unknown.
    pub fn item(&self, field: &str, i: usize) -> At {
        self.items
            .iter()
            .filter(|(f, _)| *f == field)
            .nth(i)
            .map_or(At::default(), |(_, at)| *at)
            .or(self.field(field))
    }

    pub(crate) fn place(&mut self, index: &LineIndex) {
        index.place(&mut self.name);
        index.place(&mut self.first);
        for (_, at) in self.fields.iter_mut().chain(&mut self.items) {
            index.place(at);
        }
    }
}

/// A string with the place of its value.
pub(crate) struct Located {
    pub text: String,
    pub at: At,
}

impl<'de> Deserialize<'de> for Located {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Located;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Located, E> {
                Ok(Located {
                    text: v.to_owned(),
                    at: At::read(v),
                })
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Located, E> {
                Ok(Located {
                    text: v.to_owned(),
                    at: At::default(),
                })
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Located, E> {
                Ok(Located {
                    text: v,
                    at: At::default(),
                })
            }
        }
        d.deserialize_str(V)
    }
}

/// A string, or a list of strings (a rule's `stacking`), each with its place.
enum OneOrList {
    One(Located),
    List(Vec<Located>),
}

impl<'de> Deserialize<'de> for OneOrList {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = OneOrList;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a string or a list of strings")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<OneOrList, E> {
                Ok(OneOrList::One(Located {
                    text: v.to_owned(),
                    at: At::read(v),
                }))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<OneOrList, E> {
                Ok(OneOrList::One(Located {
                    text: v.to_owned(),
                    at: At::default(),
                }))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OneOrList, A::Error> {
                let mut items = Vec::new();
                while let Some(item) = seq.next_element::<Located>()? {
                    items.push(item);
                }
                Ok(OneOrList::List(items))
            }
        }
        d.deserialize_any(V)
    }
}

/// A field name as the parser read it.
struct Key<'de> {
    text: Cow<'de, str>,
    at: At,
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a field name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key {
                    text: Cow::Borrowed(v),
                    at: At::read(v),
                })
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key {
                    text: Cow::Owned(v.to_owned()),
                    at: At::default(),
                })
            }
        }
        d.deserialize_identifier(V)
    }
}

/// A pack struct whose fields' places are recorded as it is read. `derived` is serde's
/// own deserializer of the struct (`#[serde(remote = "Self")]`), run on the parser's map
/// through [`Watch`], so every check of the derive (unknown and missing fields, defaults)
/// stays as it is.
pub(crate) trait Spanned: Sized {
    /// The struct name a file may write (`Rule(`), as the derive names it.
    const NAME: &'static str;
    /// A string field whose value names the struct; its place is the struct's place.
    const NAMED_BY: Option<&'static str>;
    /// Errors inside the struct name it (a rule's id), see [`naming`].
    const NAMES_ERRORS: bool;
    /// The fields whose places are kept.
    const FIELDS: &'static [&'static str];
    /// Fields holding a list of strings, each string's place kept.
    const LISTS: &'static [&'static str] = &[];
    /// Fields holding a string or a list of strings, each string's place kept.
    const ONE_OR_LIST: &'static [&'static str] = &[];
    fn derived<'de, D: Deserializer<'de>>(d: D) -> Result<Self, D::Error>;
    fn spans_mut(&mut self) -> &mut Spans;
}

/// Reads a [`Spanned`] struct.
pub(crate) fn deserialize_spanned<'de, T: Spanned, D: Deserializer<'de>>(
    d: D,
) -> Result<T, D::Error> {
    d.deserialize_struct(T::NAME, &[], SpannedVisitor(PhantomData))
}

struct SpannedVisitor<T>(PhantomData<T>);

impl<'de, T: Spanned> Visitor<'de> for SpannedVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "struct {}", T::NAME)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        let mut spans = Spans::default();
        let mut name = None;
        let read = T::derived(MapAccessDeserializer::new(Watch::<T, A> {
            map,
            spans: &mut spans,
            name: &mut name,
            pending: None,
            kind: PhantomData,
        }));
        match read {
            Ok(mut value) => {
                if T::NAMES_ERRORS {
                    NAMING.with(|n| n.borrow_mut().take());
                }
                *value.spans_mut() = spans;
                Ok(value)
            }
            Err(e) => {
                if T::NAMES_ERRORS {
                    NAMING.with(|n| *n.borrow_mut() = name);
                }
                Err(e)
            }
        }
    }
}

thread_local! {
    /// While one file is parsed, the name of the struct that names its errors (a rule's
    /// id) an error arose in. The parser's error keeps its own kind and place, and this
    /// side note its rule, so nothing is wrapped or reworded.
    static NAMING: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Runs one parse; on failure, also the name of the rule the error arose in, if it was
/// read before the error.
pub(crate) fn naming<T, E>(parse: impl FnOnce() -> Result<T, E>) -> (Result<T, E>, Option<String>) {
    NAMING.with(|n| n.borrow_mut().take());
    let result = parse();
    let name = NAMING.with(|n| n.borrow_mut().take());
    let name = if result.is_err() { name } else { None };
    (result, name)
}

/// The parser's map of one struct, recording where each key (and the naming value) is.
struct Watch<'s, T, A> {
    map: A,
    spans: &'s mut Spans,
    name: &'s mut Option<String>,
    /// The field whose value comes next, if its place is kept.
    pending: Option<&'static str>,
    kind: PhantomData<T>,
}

impl<'de, T: Spanned, A: MapAccess<'de>> MapAccess<'de> for Watch<'_, T, A> {
    type Error = A::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, A::Error> {
        let Some(key) = self.map.next_key::<Key<'de>>()? else {
            return Ok(None);
        };
        if self.spans.first.is_unknown() {
            self.spans.first = key.at;
        }
        self.pending = T::FIELDS
            .iter()
            .chain(T::NAMED_BY.iter())
            .chain(T::LISTS)
            .chain(T::ONE_OR_LIST)
            .find(|f| **f == key.text)
            .copied();
        if let Some(field) = self.pending {
            self.spans.fields.push((field, key.at));
        }
        seed.deserialize(StrDeserializer::<A::Error>::new(&key.text))
            .map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, A::Error> {
        let pending = self.pending.take();
        if pending.is_some() && pending == T::NAMED_BY {
            let value: Located = self.map.next_value()?;
            self.spans.name = value.at;
            let out = seed.deserialize(StrDeserializer::<A::Error>::new(&value.text));
            *self.name = Some(value.text);
            return out;
        }
        // A list of strings: read here with each string's place, then handed to the derive.
        let replay = |spans: &mut Spans, field: &'static str, items: Vec<Located>| {
            let texts: Vec<String> = items
                .into_iter()
                .map(|l| {
                    spans.items.push((field, l.at));
                    l.text
                })
                .collect();
            SeqDeserializer::<_, A::Error>::new(texts.into_iter())
        };
        if let Some(field) = pending.filter(|f| T::LISTS.contains(f)) {
            let items: Vec<Located> = self.map.next_value()?;
            return seed.deserialize(replay(self.spans, field, items));
        }
        if let Some(field) = pending.filter(|f| T::ONE_OR_LIST.contains(f)) {
            return match self.map.next_value::<OneOrList>()? {
                OneOrList::One(l) => {
                    self.spans.items.push((field, l.at));
                    seed.deserialize(StringDeserializer::<A::Error>::new(l.text))
                }
                OneOrList::List(items) => seed.deserialize(replay(self.spans, field, items)),
            };
        }
        self.map.next_value_seed(seed)
    }

    fn size_hint(&self) -> Option<usize> {
        self.map.size_hint()
    }
}

/// Implements [`Spanned`] and `Deserialize` for pack structs derived with
/// `#[serde(remote = "Self")]` and holding `spans: Spans`.
macro_rules! spanned {
    ($($ty:ty: $name:literal, named by $named:expr, names errors $names:literal, fields [$($field:literal),* $(,)?]
        $(, lists [$($list:literal),*])? $(, one or list [$($one:literal),*])?;)*) => {$(
        impl $crate::spans::Spanned for $ty {
            const NAME: &'static str = $name;
            const NAMED_BY: Option<&'static str> = $named;
            const NAMES_ERRORS: bool = $names;
            const FIELDS: &'static [&'static str] = &[$($field),*];
            $(const LISTS: &'static [&'static str] = &[$($list),*];)?
            $(const ONE_OR_LIST: &'static [&'static str] = &[$($one),*];)?
            fn derived<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                <$ty>::deserialize(d)
            }
            fn spans_mut(&mut self) -> &mut $crate::spans::Spans {
                &mut self.spans
            }
        }

        impl<'de> serde::Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                $crate::spans::deserialize_spanned(d)
            }
        }
    )*};
}
// The pack's structs invoke it where they are declared, so this module imports nothing of
// the pack.
pub(crate) use spanned;
