//! Structured Thrift messages for the round-trip target: every type, nested up to 8 deep, in
//! containers whose elements all have the declared type.

use arbitrary::{Result, Unstructured};
use msgwire::thrift::{Limits, List, Map, MessageType, OwnedMessage, Struct, TType, Value};

fn ttype(u: &mut Unstructured<'_>, depth: usize) -> Result<TType> {
    let n = if depth == 0 { 7 } else { TType::ALL.len() };
    Ok(TType::ALL[u.choose_index(n)?])
}

fn value(u: &mut Unstructured<'_>, t: TType, depth: usize) -> Result<Value> {
    let d = depth.saturating_sub(1);
    Ok(match t {
        TType::Bool => Value::Bool(u.arbitrary()?),
        TType::Byte => Value::Byte(u.arbitrary()?),
        TType::I16 => Value::I16(u.arbitrary()?),
        TType::I32 => Value::I32(u.arbitrary()?),
        TType::I64 => Value::I64(u.arbitrary()?),
        // NaN != NaN: compare the bits' image instead of excluding it? Keep it simple.
        TType::Double => {
            let f: f64 = u.arbitrary()?;
            Value::Double(if f.is_nan() { 0.0 } else { f })
        }
        TType::Binary => Value::Binary(u.arbitrary()?),
        TType::Uuid => Value::Uuid(u.arbitrary()?),
        TType::Struct => Value::Struct(strukt(u, d)?),
        TType::List | TType::Set => {
            let elem = ttype(u, d)?;
            let n = u.int_in_range(0..=20)?;
            let items = (0..n)
                .map(|_| value(u, elem, d))
                .collect::<Result<Vec<_>>>()?;
            let l = List::new(elem, items).expect("typed");
            if t == TType::List {
                Value::List(l)
            } else {
                Value::Set(l)
            }
        }
        TType::Map => {
            let (k, v) = (ttype(u, d)?, ttype(u, d)?);
            let n = u.int_in_range(1..=6)?;
            let entries = (0..n)
                .map(|_| Ok((value(u, k, d)?, value(u, v, d)?)))
                .collect::<Result<Vec<_>>>()?;
            Value::Map(Map::new(k, v, entries).expect("typed"))
        }
    })
}

/// A struct of up to 8 fields with any ids.
pub fn strukt(u: &mut Unstructured<'_>, depth: usize) -> Result<Struct> {
    let n = u.int_in_range(0..=8)?;
    let mut s = Struct::new();
    for _ in 0..n {
        let t = ttype(u, depth)?;
        s = s.with(u.arbitrary()?, value(u, t, depth)?);
    }
    Ok(s)
}

/// The limits a target decodes under: small ones (so that every limit is reached) when `small`,
/// else `otherwise`.
pub fn limits(small: bool, otherwise: Limits) -> Limits {
    if small {
        Limits {
            max_depth: 4,
            max_container: 8,
            max_string: 16,
            max_message_size: 256,
            max_frame_size: 128,
        }
    } else {
        otherwise
    }
}

/// A message of any type around a struct up to 8 deep (non-empty maps only: an empty compact
/// map carries no types, so it cannot come back equal).
pub fn message(u: &mut Unstructured<'_>) -> Result<OwnedMessage> {
    let kind = [
        MessageType::Call,
        MessageType::Reply,
        MessageType::Exception,
        MessageType::Oneway,
    ][u.choose_index(4)?];
    let name: String = u.arbitrary()?;
    Ok(OwnedMessage::new(name, kind, u.arbitrary()?, strukt(u, 8)?))
}

/// The visitor against the views: one event per callback ([`Visit`]), and the same events
/// built from a walk over the [`ValueRef`] views.
#[path = "../../codecs/tests/support/thrift_events.rs"]
pub mod events;
