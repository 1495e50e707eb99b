//! Structured MessagePack values for the round-trip target.

use arbitrary::{Arbitrary, Result, Unstructured};
use msgwire::msgpack_rpc::{Int, Timestamp, Value};

fn value(u: &mut Unstructured<'_>, depth: usize) -> Result<Value> {
    Ok(match u.choose_index(13)? {
        0 => Value::Nil,
        1 => Value::Bool(u.arbitrary()?),
        2 => Value::Int(Int::from(u.arbitrary::<u64>()?)),
        3 => Value::Int(Int::from(u.arbitrary::<i64>()?)),
        4 => Value::F32(u.arbitrary()?),
        5 => Value::F64(u.arbitrary()?),
        6 => Value::Str(u.arbitrary()?),
        7 => Value::Bin(u.arbitrary()?),
        8 => {
            // ext -1 is the timestamp: other type ids only here.
            let ty: i8 = u.arbitrary()?;
            Value::Ext(if ty == -1 { 1 } else { ty }, u.arbitrary()?)
        }
        9 => match Timestamp::new(u.arbitrary()?, u.int_in_range(0..=999_999_999)?) {
            Some(t) => Value::Timestamp(t),
            None => Value::Nil,
        },
        10 if depth < 16 => {
            let n = u.int_in_range(0..=6)?;
            let mut items = Vec::new();
            for _ in 0..n {
                items.push(value(u, depth + 1)?);
            }
            Value::Array(items)
        }
        11 if depth < 16 => {
            let n = u.int_in_range(0..=4)?;
            let mut pairs = Vec::new();
            for _ in 0..n {
                pairs.push((value(u, depth + 1)?, value(u, depth + 1)?));
            }
            Value::Map(pairs)
        }
        _ => Value::Int(Int::from(u.int_in_range(0u64..=200)?)),
    })
}

/// Any value, at most 16 deep.
#[derive(Debug)]
pub struct ArbValue(pub Value);

impl<'a> Arbitrary<'a> for ArbValue {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        value(u, 0).map(ArbValue)
    }
}
