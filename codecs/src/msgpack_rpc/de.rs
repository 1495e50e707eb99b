//! Typed params and results: a serde `Deserializer` over [`ValueRef`], borrowing where the
//! target type lets it (`&'a str`, `&'a [u8]`, `Cow<'a, str>` with `#[serde(borrow)]`).
//!
//! Mapping: nil → unit / `None`; array → sequence, tuple, struct (by position); map → map,
//! struct (by name); str → string or unit enum variant; a one-pair map `{variant: value}` →
//! enum variant with data; ext → the tuple `(type_id, bytes)`; timestamp → `(seconds, nanos)`.
//!
//! Arrays and maps are read with one forward cursor (never by stepping over nested containers),
//! so deserializing costs one pass over the bytes however deep they nest.

use super::value::{Cursor, Event};
use super::ValueRef;
use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};
use std::fmt;

/// Why a value did not fit the requested type.
///
/// One pointer wide (the detail is boxed), so that a `Result` of a small value comes back in
/// registers: every value a deserializer visits returns one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", .0.message)]
pub struct DeError(Box<Detail>);

#[derive(Debug, Clone, PartialEq, Eq)]
struct Detail {
    message: String,
    /// Where the value that did not fit starts, when the deserializer reads bytes
    /// ([`Call::decode`](super::Call::decode)); views carry no offsets.
    offset: Option<usize>,
}

impl DeError {
    /// The stable kebab-case kind name, as for [`Error::kind`](super::Error::kind).
    pub fn kind(&self) -> &'static str {
        "type-mismatch"
    }

    /// The byte offset of the value that did not fit, when known (errors from
    /// [`Call::decode`](super::Call::decode) know it; [`from_value`] works on views, which
    /// carry none).
    pub fn offset(&self) -> Option<usize> {
        self.0.offset
    }

    /// Sets the offset if it is not set yet (the innermost value that failed keeps its own).
    #[inline]
    pub(crate) fn at(mut self, offset: usize) -> Self {
        self.0.offset.get_or_insert(offset);
        self
    }
}

impl de::Error for DeError {
    #[cold]
    fn custom<T: fmt::Display>(msg: T) -> Self {
        DeError(Box::new(Detail {
            message: msg.to_string(),
            offset: None,
        }))
    }
}

/// Deserializes `T` from a value, borrowing from the bytes the value came from.
pub fn from_value<'de, T: de::Deserialize<'de>>(value: ValueRef<'de>) -> Result<T, DeError> {
    T::deserialize(value)
}

impl<'de> Deserializer<'de> for ValueRef<'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self {
            ValueRef::Nil => visitor.visit_unit(),
            ValueRef::Bool(b) => visitor.visit_bool(b),
            ValueRef::Int(i) => match (i.as_u64(), i.as_i64()) {
                (Some(u), _) => visitor.visit_u64(u),
                (None, Some(s)) => visitor.visit_i64(s),
                (None, None) => visitor.visit_i128(i.as_i128()),
            },
            ValueRef::F32(v) => visitor.visit_f32(v),
            ValueRef::F64(v) => visitor.visit_f64(v),
            ValueRef::Str(s) => visitor.visit_borrowed_str(s.as_str()),
            ValueRef::RawStr(b) | ValueRef::Bin(b) => visitor.visit_borrowed_bytes(b),
            ValueRef::Array(a) => visit_array(&mut a.cursor(), a.len() as u32, visitor),
            ValueRef::Map(m) => visit_map(&mut m.cursor(), m.len() as u32, visitor),
            ValueRef::Ext(t, d) => visitor.visit_seq(Tuple2 {
                a: Some(i64::from(t)),
                b: Some(Either::Bytes(d)),
            }),
            ValueRef::Timestamp(ts) => visitor.visit_seq(Tuple2 {
                a: Some(ts.seconds()),
                b: Some(Either::U32(ts.nanos())),
            }),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self {
            ValueRef::Nil => visitor.visit_none(),
            other => visitor.visit_some(other),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self {
            ValueRef::Str(s) => visitor.visit_enum(s.as_str().into_deserializer()),
            ValueRef::Map(m) if m.len() == 1 => visitor.visit_enum(Variant {
                cursor: &mut m.cursor(),
            }),
            other => Err(de::Error::invalid_type(
                unexpected(&other),
                &"a str or a one-pair map",
            )),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

fn unexpected<'a>(v: &ValueRef<'a>) -> de::Unexpected<'a> {
    match *v {
        ValueRef::Nil => de::Unexpected::Unit,
        ValueRef::Bool(b) => de::Unexpected::Bool(b),
        ValueRef::Int(i) => match i.as_i64() {
            Some(s) => de::Unexpected::Signed(s),
            None => de::Unexpected::Other("a large integer"),
        },
        ValueRef::F32(f) => de::Unexpected::Float(f64::from(f)),
        ValueRef::F64(f) => de::Unexpected::Float(f),
        ValueRef::Str(s) => de::Unexpected::Str(s.as_str()),
        ValueRef::RawStr(b) | ValueRef::Bin(b) => de::Unexpected::Bytes(b),
        ValueRef::Array(_) => de::Unexpected::Seq,
        ValueRef::Map(_) => de::Unexpected::Map,
        ValueRef::Ext(..) | ValueRef::Timestamp(_) => de::Unexpected::Other("an ext"),
    }
}

/// An array's elements under `cursor`, for `visitor`; all of them must be taken.
fn visit_array<'de, V: Visitor<'de>>(
    cursor: &mut Cursor<'de>,
    len: u32,
    visitor: V,
) -> Result<V::Value, DeError> {
    let mut access = Elements { cursor, left: len };
    let out = visitor.visit_seq(&mut access)?;
    if access.left > 0 {
        return Err(de::Error::invalid_length(len as usize, &"fewer elements"));
    }
    Ok(out)
}

/// A map's pairs under `cursor`, for `visitor`; all of them must be taken.
fn visit_map<'de, V: Visitor<'de>>(
    cursor: &mut Cursor<'de>,
    len: u32,
    visitor: V,
) -> Result<V::Value, DeError> {
    let mut access = Pairs {
        cursor,
        left: len,
        value_next: false,
    };
    let out = visitor.visit_map(&mut access)?;
    if access.left > 0 || access.value_next {
        return Err(de::Error::invalid_length(
            len as usize,
            &"fewer map entries",
        ));
    }
    Ok(out)
}

fn not_validated() -> DeError {
    de::Error::custom("bytes that were not validated")
}

/// The next value under a cursor, as a deserializer.
impl<'de> Deserializer<'de> for &mut Cursor<'de> {
    type Error = DeError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        match self.step().ok_or_else(not_validated)? {
            Event::Value(v) => v.deserialize_any(visitor),
            Event::Array(n) => visit_array(self, n, visitor),
            Event::Map(n) => visit_map(self, n, visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, DeError> {
        if self.at_nil() {
            self.step();
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, DeError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        name: &'static str,
        variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        match self.step().ok_or_else(not_validated)? {
            Event::Value(v) => v.deserialize_enum(name, variants, visitor),
            Event::Map(1) => visitor.visit_enum(Variant { cursor: self }),
            Event::Map(_) => Err(de::Error::invalid_type(
                de::Unexpected::Map,
                &"a str or a one-pair map",
            )),
            Event::Array(_) => Err(de::Error::invalid_type(
                de::Unexpected::Seq,
                &"a str or a one-pair map",
            )),
        }
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        unit unit_struct seq tuple tuple_struct map struct identifier ignored_any
    }
}

struct Elements<'c, 'de> {
    cursor: &'c mut Cursor<'de>,
    left: u32,
}

impl<'de> SeqAccess<'de> for Elements<'_, 'de> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        seed.deserialize(&mut *self.cursor).map(Some)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.left as usize)
    }
}

struct Pairs<'c, 'de> {
    cursor: &'c mut Cursor<'de>,
    left: u32,
    /// A key was read; its value comes next.
    value_next: bool,
}

impl<'de> MapAccess<'de> for Pairs<'_, 'de> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        if self.value_next {
            return Err(de::Error::custom("key asked before the value"));
        }
        if self.left == 0 {
            return Ok(None);
        }
        self.left -= 1;
        self.value_next = true;
        seed.deserialize(&mut *self.cursor).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        if !self.value_next {
            return Err(de::Error::custom("value asked before key"));
        }
        self.value_next = false;
        seed.deserialize(&mut *self.cursor)
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.left as usize)
    }
}

pub(crate) enum Either<'de> {
    Bytes(&'de [u8]),
    U32(u32),
}

/// The two-element sequence an ext or a timestamp deserializes as.
pub(crate) struct Tuple2<'de> {
    pub(crate) a: Option<i64>,
    pub(crate) b: Option<Either<'de>>,
}

impl<'de> SeqAccess<'de> for Tuple2<'de> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        if let Some(a) = self.a.take() {
            return seed.deserialize(a.into_deserializer()).map(Some);
        }
        match self.b.take() {
            Some(Either::Bytes(b)) => seed
                .deserialize(de::value::BorrowedBytesDeserializer::new(b))
                .map(Some),
            Some(Either::U32(n)) => seed.deserialize(n.into_deserializer()).map(Some),
            None => Ok(None),
        }
    }
}

/// The one pair of an enum's map: the variant name, then its value, under a cursor.
struct Variant<'c, 'de> {
    cursor: &'c mut Cursor<'de>,
}

impl<'c, 'de> EnumAccess<'de> for Variant<'c, 'de> {
    type Error = DeError;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), DeError> {
        Ok((seed.deserialize(&mut *self.cursor)?, self))
    }
}

impl<'de> VariantAccess<'de> for Variant<'_, 'de> {
    type Error = DeError;

    fn unit_variant(self) -> Result<(), DeError> {
        match self.cursor.step().ok_or_else(not_validated)? {
            Event::Value(ValueRef::Nil) => Ok(()),
            Event::Value(other) => Err(de::Error::invalid_type(unexpected(&other), &"nil")),
            Event::Array(_) => Err(de::Error::invalid_type(de::Unexpected::Seq, &"nil")),
            Event::Map(_) => Err(de::Error::invalid_type(de::Unexpected::Map, &"nil")),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, DeError> {
        seed.deserialize(self.cursor)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, DeError> {
        self.cursor.deserialize_any(visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.cursor.deserialize_any(visitor)
    }
}

impl<'de> VariantAccess<'de> for ValueRef<'de> {
    type Error = DeError;

    fn unit_variant(self) -> Result<(), DeError> {
        match self {
            ValueRef::Nil => Ok(()),
            other => Err(de::Error::invalid_type(unexpected(&other), &"nil")),
        }
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, DeError> {
        seed.deserialize(self)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, DeError> {
        self.deserialize_any(visitor)
    }

    fn struct_variant<V: Visitor<'de>>(
        self,
        _fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, DeError> {
        self.deserialize_any(visitor)
    }
}

impl<'de> IntoDeserializer<'de, DeError> for ValueRef<'de> {
    type Deserializer = Self;
    fn into_deserializer(self) -> Self {
        self
    }
}
