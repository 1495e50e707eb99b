//! Typed params and results: a serde `Deserializer` over [`ValueRef`], borrowing where the
//! target type lets it (`&'a str`, `&'a [u8]`, `Cow<'a, str>` with `#[serde(borrow)]`).
//!
//! Mapping: nil → unit / `None`; array → sequence, tuple, struct (by position); map → map,
//! struct (by name); str → string or unit enum variant; a one-pair map `{variant: value}` →
//! enum variant with data; ext → the tuple `(type_id, bytes)`; timestamp → `(seconds, nanos)`.

use super::{ArrayIter, MapIter, ValueRef};
use serde::de::{
    self, DeserializeSeed, Deserializer, EnumAccess, IntoDeserializer, MapAccess, SeqAccess,
    VariantAccess, Visitor,
};
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
            ValueRef::Str(s) => visitor.visit_borrowed_str(s),
            ValueRef::RawStr(b) | ValueRef::Bin(b) => visitor.visit_borrowed_bytes(b),
            ValueRef::Array(a) => visit_seq(a.iter(), visitor),
            ValueRef::Map(m) => {
                let mut access = Pairs {
                    it: m.iter(),
                    value: None,
                };
                let out = visitor.visit_map(&mut access)?;
                if access.it.next().is_some() {
                    return Err(de::Error::invalid_length(m.len(), &"fewer map entries"));
                }
                Ok(out)
            }
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
            ValueRef::Str(s) => visitor.visit_enum(s.into_deserializer()),
            ValueRef::Map(m) if m.len() == 1 => {
                let mut it = m.iter();
                let (variant, value) = it
                    .next()
                    .ok_or_else(|| de::Error::custom("empty map for an enum"))?;
                visitor.visit_enum(Variant { variant, value })
            }
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
        ValueRef::Str(s) => de::Unexpected::Str(s),
        ValueRef::RawStr(b) | ValueRef::Bin(b) => de::Unexpected::Bytes(b),
        ValueRef::Array(_) => de::Unexpected::Seq,
        ValueRef::Map(_) => de::Unexpected::Map,
        ValueRef::Ext(..) | ValueRef::Timestamp(_) => de::Unexpected::Other("an ext"),
    }
}

fn visit_seq<'de, V: Visitor<'de>>(it: ArrayIter<'de>, visitor: V) -> Result<V::Value, DeError> {
    let len = it.size_hint().0;
    let mut access = Elements { it };
    let out = visitor.visit_seq(&mut access)?;
    if access.it.next().is_some() {
        return Err(de::Error::invalid_length(len, &"fewer elements"));
    }
    Ok(out)
}

struct Elements<'de> {
    it: ArrayIter<'de>,
}

impl<'de> SeqAccess<'de> for Elements<'de> {
    type Error = DeError;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, DeError> {
        self.it.next().map(|v| seed.deserialize(v)).transpose()
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.it.size_hint().0)
    }
}

struct Pairs<'de> {
    it: MapIter<'de>,
    value: Option<ValueRef<'de>>,
}

impl<'de> MapAccess<'de> for Pairs<'de> {
    type Error = DeError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, DeError> {
        match self.it.next() {
            Some((k, v)) => {
                self.value = Some(v);
                seed.deserialize(k).map(Some)
            }
            None => Ok(None),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, DeError> {
        let v = self
            .value
            .take()
            .ok_or_else(|| de::Error::custom("value asked before key"))?;
        seed.deserialize(v)
    }
}

enum Either<'de> {
    Bytes(&'de [u8]),
    U32(u32),
}

/// The two-element sequence an ext or a timestamp deserializes as.
struct Tuple2<'de> {
    a: Option<i64>,
    b: Option<Either<'de>>,
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

struct Variant<'de> {
    variant: ValueRef<'de>,
    value: ValueRef<'de>,
}

impl<'de> EnumAccess<'de> for Variant<'de> {
    type Error = DeError;
    type Variant = ValueRef<'de>;

    fn variant_seed<V: DeserializeSeed<'de>>(
        self,
        seed: V,
    ) -> Result<(V::Value, ValueRef<'de>), DeError> {
        Ok((seed.deserialize(self.variant)?, self.value))
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
