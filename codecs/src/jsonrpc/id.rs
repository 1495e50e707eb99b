//! Request ids, kept as the exact JSON text received so that replies echo them byte for byte.
//!
//! JSON-RPC 2.0 §4: an id is "a String, Number, or NULL value"; the response "MUST be the
//! same as the value of the id member in the Request Object". `1.0` and `1` are different
//! texts, `18446744073709551616` fits no machine integer, and `"\u0041"` is spelled with an
//! escape: all of them survive because the id is never converted, only classified.

use std::borrow::Cow;

/// The JSON type of an id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IdKind {
    /// `null`.
    Null,
    /// A JSON number (any spelling; fractional ones only under the lenient profile).
    Number,
    /// A JSON string.
    String,
}

impl IdKind {
    /// The JSON type's name.
    pub fn name(self) -> &'static str {
        match self {
            IdKind::Null => "null",
            IdKind::Number => "number",
            IdKind::String => "string",
        }
    }
}

/// A request id: its exact JSON text and its kind.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Id<'a> {
    raw: Cow<'a, str>,
    kind: IdKind,
}

impl<'a> Id<'a> {
    /// `null`.
    pub const NULL: Id<'static> = Id {
        raw: Cow::Borrowed("null"),
        kind: IdKind::Null,
    };

    /// Classifies validated JSON text (a `RawValue`); `None` if it is not an id type.
    pub(crate) fn from_json(raw: &'a str) -> Option<Self> {
        let kind = match raw.as_bytes().first()? {
            b'"' => IdKind::String,
            b'-' | b'0'..=b'9' => IdKind::Number,
            b'n' => IdKind::Null,
            _ => return None,
        };
        Some(Id {
            raw: Cow::Borrowed(raw),
            kind,
        })
    }

    /// An id from its JSON text, validated: a JSON string, number or null (any spelling, kept
    /// exactly; surrounding whitespace is dropped).
    pub fn parse(text: &'a str) -> Option<Self> {
        let raw: &'a serde_json::value::RawValue = serde_json::from_str(text).ok()?;
        Id::from_json(raw.get())
    }

    /// An integer id.
    pub fn number(n: i64) -> Id<'static> {
        Id::from(n)
    }

    /// A string id (escaped as JSON requires).
    pub fn string(s: &str) -> Id<'static> {
        let mut raw = Vec::with_capacity(s.len() + 2);
        super::text::write_str(&mut raw, s);
        Id {
            raw: Cow::Owned(String::from_utf8(raw).expect("escaping keeps UTF-8")),
            kind: IdKind::String,
        }
    }

    /// The exact JSON text, as received.
    pub fn raw(&self) -> &str {
        &self.raw
    }

    /// The id's JSON type.
    pub fn kind(&self) -> IdKind {
        self.kind
    }

    /// Whether the number has a fraction or exponent (`1.0`, `1e3`).
    pub fn is_fractional(&self) -> bool {
        self.kind == IdKind::Number && self.raw.bytes().any(|b| matches!(b, b'.' | b'e' | b'E'))
    }

    /// The string value; borrowed when the JSON string has no escapes.
    pub fn as_str(&self) -> Option<Cow<'_, str>> {
        if self.kind != IdKind::String {
            return None;
        }
        Some(super::text::unquote(&self.raw))
    }

    /// The value as `i64`, if it is an integer that fits.
    pub fn as_i64(&self) -> Option<i64> {
        match self.kind {
            IdKind::Number => self.raw.parse().ok(),
            _ => None,
        }
    }

    /// The value as `u64`, if it is a non-negative integer that fits.
    pub fn as_u64(&self) -> Option<u64> {
        match self.kind {
            IdKind::Number => self.raw.parse().ok(),
            _ => None,
        }
    }

    /// A key that equals for ids a client should treat as the same: strings by value (escapes
    /// resolved), numbers and null by their exact text.
    pub fn match_key(&self) -> (IdKind, Cow<'_, str>) {
        match self.kind {
            IdKind::String => (self.kind, self.as_str().unwrap_or(Cow::Borrowed(""))),
            _ => (self.kind, Cow::Borrowed(&self.raw)),
        }
    }

    /// The owned twin.
    pub fn into_owned(self) -> Id<'static> {
        Id {
            raw: Cow::Owned(self.raw.into_owned()),
            kind: self.kind,
        }
    }

    /// A copy that borrows from `self`.
    pub fn borrowed(&self) -> Id<'_> {
        Id {
            raw: Cow::Borrowed(&self.raw),
            kind: self.kind,
        }
    }
}

impl core::fmt::Display for Id<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(&self.raw)
    }
}

macro_rules! id_from_int {
    ($($t:ty)*) => {$(
        impl From<$t> for Id<'static> {
            /// A number id: `Id::from(1)`.
            fn from(n: $t) -> Self {
                Id {
                    raw: Cow::Owned(n.to_string()),
                    kind: IdKind::Number,
                }
            }
        }
    )*};
}
id_from_int!(i8 i16 i32 i64 u8 u16 u32 u64);

impl From<&str> for Id<'static> {
    /// A string id, escaped as JSON requires: `Id::from("x")`.
    fn from(s: &str) -> Self {
        Id::string(s)
    }
}

impl From<String> for Id<'static> {
    /// A string id, escaped as JSON requires.
    fn from(s: String) -> Self {
        Id::string(&s)
    }
}
