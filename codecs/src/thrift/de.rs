//! serde: a struct's fields decoded straight into a caller's type, borrowing where the type lets
//! it (`&'a str`, `&'a [u8]` with `serde_bytes`, `Cow<'a, str>` with `#[serde(borrow)]`).
//!
//! The wire names fields by id, serde by name. A Thrift struct read as a Rust struct matches
//! each field id to a Rust field by one of two rules, the first that applies:
//! - a field renamed to its id (`#[serde(rename = "3")]`) takes that id;
//! - otherwise ids count Rust fields in declaration order from 1 (field id 1 is the first
//!   field, 2 the second, ...), the numbering of most IDLs.
//!
//! Other ids are unknown fields (skipped, unless `#[serde(deny_unknown_fields)]`). An absent
//! field is serde's missing field: `Option` fields become `None`, `#[serde(default)]` applies.
//! Mapping of values: bool, byte (i8), i16, i32, i64, double → the numbers (serde converts to
//! the target's width where it fits); string/binary → `str` when UTF-8 (else bytes), or bytes
//! when asked for; uuid → 16 bytes; list/set → sequence; map → map; struct → struct (by the
//! rules above) or map keyed by field id; an enum → its `i32`.

use super::value::{ElemIter, EntryIter, FieldIter, StructRef};
use super::ValueRef;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use std::fmt;

/// Why a value did not fit the requested type.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DeError(String);

impl DeError {
    /// The stable kebab-case kind name, as for [`Error::kind`](super::Error::kind).
    pub fn kind(&self) -> &'static str {
        "type-mismatch"
    }
}

impl de::Error for DeError {
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError(msg.to_string())
    }
}

/// Deserializes `T` from a value, borrowing from the bytes the value came from.
pub fn from_value<'de, T: de::Deserialize<'de>>(value: ValueRef<'de>) -> Result<T, DeError> {
    T::deserialize(value)
}

/// Deserializes `T` from a struct (a message's body: a call's arguments, a reply's result
/// struct), matching field ids to `T`'s fields as the module documentation says.
pub fn from_struct<'de, T: de::Deserialize<'de>>(s: StructRef<'de>) -> Result<T, DeError> {
    T::deserialize(ValueRef::Struct(s))
}

impl<'de> Deserializer<'de> for ValueRef<'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self {
            ValueRef::Bool(b) => visitor.visit_bool(b),
            ValueRef::Byte(n) => visitor.visit_i8(n),
            ValueRef::I16(n) => visitor.visit_i16(n),
            ValueRef::I32(n) => visitor.visit_i32(n),
            ValueRef::I64(n) => visitor.visit_i64(n),
            ValueRef::Double(f) => visitor.visit_f64(f),
            ValueRef::Binary(b) => match std::str::from_utf8(b) {
                Ok(s) => visitor.visit_borrowed_str(s),
                Err(_) => visitor.visit_borrowed_bytes(b),
            },
            ValueRef::Uuid(u) => visitor.visit_bytes(&u),
            ValueRef::Struct(s) => visitor.visit_map(Fields {
                iter: s.iter(),
                names: None,
                value: None,
            }),
            ValueRef::List(l) | ValueRef::Set(l) => visitor.visit_seq(Elems(l.iter())),
            ValueRef::Map(m) => visitor.visit_map(Entries {
                iter: m.iter(),
                value: None,
            }),
        }
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self {
            ValueRef::Struct(s) => visitor.visit_map(Fields {
                iter: s.iter(),
                names: Some(fields),
                value: None,
            }),
            other => other.deserialize_any(visitor),
        }
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self {
            ValueRef::Binary(b) => visitor.visit_borrowed_bytes(b),
            other => other.deserialize_any(visitor),
        }
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_bytes(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        // Present on the wire: `Some`. Absent fields never get here (serde's missing field).
        visitor.visit_some(self)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string unit unit_struct
        seq tuple tuple_struct map enum identifier ignored_any
    }
}

/// The key of a struct field: its Rust name when one matches the id, else the id as text.
struct Key(Result<&'static str, i16>);

impl<'de> Deserializer<'de> for Key {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.0 {
            Ok(name) => visitor.visit_borrowed_str(name),
            Err(id) => visitor.visit_i16(id),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.0 {
            Ok(name) => visitor.visit_borrowed_str(name),
            Err(id) => visitor.visit_string(id.to_string()),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum ignored_any
    }
}

/// The Rust field id `id` names among `names`: one renamed to the id, else the id-th.
fn field_name(names: &'static [&'static str], id: i16) -> Option<&'static str> {
    let text = id.to_string();
    if let Some(n) = names.iter().find(|n| **n == text) {
        return Some(n);
    }
    if names.iter().any(|n| n.parse::<i16>().is_ok()) {
        // Some fields are named by id: the others are not numbered by position.
        return None;
    }
    usize::try_from(id)
        .ok()
        .and_then(|i| i.checked_sub(1))
        .and_then(|i| names.get(i).copied())
}

struct Fields<'de> {
    iter: FieldIter<'de>,
    names: Option<&'static [&'static str]>,
    value: Option<ValueRef<'de>>,
}

impl<'de> MapAccess<'de> for Fields<'de> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let Some((id, v)) = self.iter.next() else {
            return Ok(None);
        };
        self.value = Some(v);
        let key = match self.names {
            Some(names) => Key(field_name(names, id).ok_or(id)),
            None => Key(Err(id)),
        };
        seed.deserialize(key).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let v = self
            .value
            .take()
            .ok_or_else(|| de::Error::custom("a value without its field"))?;
        seed.deserialize(v)
    }
}

struct Elems<'de>(ElemIter<'de>);

impl<'de> SeqAccess<'de> for Elems<'de> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        self.0.next().map(|v| seed.deserialize(v)).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        self.0.size_hint().1
    }
}

struct Entries<'de> {
    iter: EntryIter<'de>,
    value: Option<ValueRef<'de>>,
}

impl<'de> MapAccess<'de> for Entries<'de> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        let Some((k, v)) = self.iter.next() else {
            return Ok(None);
        };
        self.value = Some(v);
        seed.deserialize(k).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let v = self
            .value
            .take()
            .ok_or_else(|| de::Error::custom("a value without its key"))?;
        seed.deserialize(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::thrift::{
        Decoder, Framing, List, Map, OwnedMessage, Protocol, Struct, TType, Value,
    };
    use serde::Deserialize;
    use std::collections::BTreeMap;

    #[derive(Debug, Deserialize, PartialEq)]
    struct Point {
        x: f64,
        y: f64,
    }

    /// Ids by position: 1 name, 2 count, 3 tags, 4 at, 5 scores, 6 missing (absent); 9 unknown.
    #[derive(Debug, Deserialize, PartialEq)]
    struct Args<'a> {
        name: &'a str,
        count: i64,
        tags: Vec<String>,
        at: Option<Point>,
        scores: BTreeMap<String, i32>,
        missing: Option<i32>,
    }

    /// Ids by name.
    #[derive(Debug, Deserialize, PartialEq)]
    struct Renamed {
        #[serde(rename = "7")]
        seven: bool,
        #[serde(rename = "-1")]
        negative: u8,
    }

    fn body(s: Struct, protocol: Protocol) -> Vec<u8> {
        OwnedMessage::call("m", 1, s).to_vec(protocol)
    }

    #[test]
    fn fields_by_position_and_by_rename_borrowing_strings() {
        let s = Struct::new()
            .with(1, "alice")
            .with(2, 7i32) // an i32 into an i64 field
            .with(
                3,
                Value::List(List::new(TType::Binary, vec!["a".into(), "b".into()]).unwrap()),
            )
            .with(4, Struct::new().with(1, 0.5f64).with(2, -1.5f64))
            .with(
                5,
                Map::new(TType::Binary, TType::I32, vec![("k".into(), Value::I32(3))]).unwrap(),
            )
            .with(9, "ignored");
        for protocol in [Protocol::Binary, Protocol::Compact] {
            let wire = body(s.clone(), protocol);
            let msg = Decoder::new(protocol, Framing::Unframed)
                .decode_whole(&wire)
                .unwrap();
            let args: Args<'_> = from_struct(msg.body).unwrap();
            assert_eq!(
                args,
                Args {
                    name: "alice",
                    count: 7,
                    tags: vec!["a".into(), "b".into()],
                    at: Some(Point { x: 0.5, y: -1.5 }),
                    scores: [("k".to_string(), 3)].into(),
                    missing: None,
                }
            );
            // Borrowed: the name points into the wire bytes.
            let p = args.name.as_ptr() as usize;
            assert!(p >= wire.as_ptr() as usize && p < wire.as_ptr() as usize + wire.len());
        }
        let wire = body(
            Struct::new().with(1, 5i32).with(-1, 200i16).with(7, true),
            Protocol::Compact,
        );
        let msg = Decoder::new(Protocol::Compact, Framing::Unframed)
            .decode_whole(&wire)
            .unwrap();
        let r: Renamed = from_struct(msg.body).unwrap();
        assert_eq!(
            r,
            Renamed {
                seven: true,
                negative: 200
            }
        );
    }

    #[test]
    fn mismatches_are_errors() {
        let wire = body(
            Struct::new().with(1, "x").with(2, "not a number"),
            Protocol::Binary,
        );
        let msg = Decoder::new(Protocol::Binary, Framing::Unframed)
            .decode_whole(&wire)
            .unwrap();
        let e = from_struct::<Point>(msg.body).unwrap_err();
        assert_eq!(e.kind(), "type-mismatch");
        let wire = body(Struct::new().with(1, 300i32), Protocol::Binary);
        let msg = Decoder::new(Protocol::Binary, Framing::Unframed)
            .decode_whole(&wire)
            .unwrap();
        #[derive(Debug, Deserialize)]
        struct Small {
            #[allow(dead_code)]
            n: u8,
        }
        assert!(from_struct::<Small>(msg.body).is_err());
        // A required field absent: serde's missing field.
        assert!(from_struct::<Point>(msg.body).is_err());
    }
}
