//! Structured JSON-RPC messages for the round-trip target, and the checks the byte-level
//! targets share (re-encoding is stable, batch items point into the input).

use arbitrary::{Arbitrary, Result, Unstructured};
use msgwire::jsonrpc::{Batch, ErrorObject, Id, Message, Outcome, Payload, Raw, Request, Response};
use serde_json::value::RawValue;
use serde_json::{Map, Number, Value};

/// An arbitrary JSON value, at most `depth` levels of arrays/objects below this one.
fn json(u: &mut Unstructured<'_>, depth: usize) -> Result<Value> {
    let kinds = if depth == 0 { 6 } else { 8 };
    Ok(match u.choose_index(kinds)? {
        0 => Value::Null,
        1 => Value::Bool(u.arbitrary()?),
        2 => Value::Number(u.arbitrary::<i64>()?.into()),
        3 => Value::Number(u.arbitrary::<u64>()?.into()),
        4 => Number::from_f64(u.arbitrary()?).map_or(Value::Null, Value::Number),
        5 => Value::String(u.arbitrary()?),
        6 => {
            let n = u.int_in_range(0..=4)?;
            let mut items = Vec::new();
            for _ in 0..n {
                items.push(json(u, depth - 1)?);
            }
            Value::Array(items)
        }
        _ => Value::Object(object(u, depth - 1)?),
    })
}

fn object(u: &mut Unstructured<'_>, depth: usize) -> Result<Map<String, Value>> {
    let n = u.int_in_range(0..=4)?;
    let mut map = Map::new();
    for _ in 0..n {
        map.insert(u.arbitrary()?, json(u, depth)?);
    }
    Ok(map)
}

/// JSON text for `value`, compact or pretty (raw values keep their whitespace on the wire).
fn raw(u: &mut Unstructured<'_>, value: &Value) -> Result<Raw<'static>> {
    let text = if u.arbitrary()? {
        serde_json::to_string_pretty(value)
    } else {
        serde_json::to_string(value)
    };
    let text = text.map_err(|_| arbitrary::Error::IncorrectFormat)?;
    RawValue::from_string(text)
        .map(Raw::from)
        .map_err(|_| arbitrary::Error::IncorrectFormat)
}

/// An id of any kind, including the odd ones kept verbatim: `-0`, `1.0`, `1e3`, integers past
/// 64 bits. Returns the id and whether it needs the lenient profile (a fractional number).
fn id(u: &mut Unstructured<'_>) -> Result<(Id<'static>, bool)> {
    Ok(match u.choose_index(4)? {
        0 => (Id::NULL, false),
        1 => (Id::number(u.arbitrary()?), false),
        2 => (Id::string(&u.arbitrary::<String>()?), false),
        _ => {
            // A number spelled as the fuzzer likes, within the JSON grammar.
            let mut text = String::new();
            if u.arbitrary()? {
                text.push('-');
            }
            let digits = u.int_in_range(1..=30)?;
            for i in 0..digits {
                let d = if i == 0 && digits > 1 {
                    u.int_in_range(1..=9)?
                } else {
                    u.int_in_range(0..=9)?
                };
                text.push(char::from(b'0' + d));
            }
            if u.arbitrary()? {
                text.push('.');
                text.push(char::from(b'0' + u.int_in_range(0..=9)?));
            }
            if u.arbitrary()? {
                text.push_str(u.choose(&["e", "E", "e+", "e-"])?);
                text.push(char::from(b'0' + u.int_in_range(0..=9)?));
            }
            let id = Id::parse(&text)
                .ok_or(arbitrary::Error::IncorrectFormat)?
                .into_owned();
            let fractional = id.is_fractional();
            (id, fractional)
        }
    })
}

/// One message and whether only the lenient profile accepts it.
fn message(u: &mut Unstructured<'_>) -> Result<(Message<'static>, bool)> {
    if u.arbitrary()? {
        let method: String = u.arbitrary()?;
        let (params, params_null) = match u.choose_index(4)? {
            0 => (None, false),
            1 => {
                let v = Value::Array(vec_of(u)?);
                (Some(raw(u, &v)?), false)
            }
            2 => {
                let v = Value::Object(object(u, 3)?);
                (Some(raw(u, &v)?), false)
            }
            _ => (Some(raw(u, &Value::Null)?), true),
        };
        let (id, lenient) = if u.arbitrary()? {
            id(u)?
        } else {
            (Id::NULL, false)
        };
        let id = if u.arbitrary()? { Some(id) } else { None };
        let lenient = params_null || (lenient && id.is_some());
        Ok((
            Message::Request(Request {
                method: method.into(),
                params,
                id,
            }),
            lenient,
        ))
    } else {
        let (id, lenient) = id(u)?;
        let outcome = if u.arbitrary()? {
            let v = json(u, 4)?;
            Outcome::Result(raw(u, &v)?)
        } else {
            let mut e = ErrorObject::new(u.arbitrary::<i64>()?, u.arbitrary::<String>()?);
            if u.arbitrary()? {
                let v = json(u, 3)?;
                e.data = Some(raw(u, &v)?);
            }
            Outcome::Error(e)
        };
        Ok((Message::Response(Response { id, outcome }), lenient))
    }
}

fn vec_of(u: &mut Unstructured<'_>) -> Result<Vec<Value>> {
    let n = u.int_in_range(0..=4)?;
    (0..n).map(|_| json(u, 3)).collect()
}

/// A single message or a batch of 1..=8 messages, with whether it needs the lenient profile.
#[derive(Debug)]
pub enum ArbPayload {
    /// One message.
    Single(Message<'static>, bool),
    /// A batch, item by item.
    Batch(Vec<(Message<'static>, bool)>),
}

impl<'a> Arbitrary<'a> for ArbPayload {
    fn arbitrary(u: &mut Unstructured<'a>) -> Result<Self> {
        if u.ratio(1, 4)? {
            let n = u.int_in_range(1..=8)?;
            let items = (0..n).map(|_| message(u)).collect::<Result<Vec<_>>>()?;
            Ok(ArbPayload::Batch(items))
        } else {
            let (m, lenient) = message(u)?;
            Ok(ArbPayload::Single(m, lenient))
        }
    }
}

impl ArbPayload {
    /// The payload to encode.
    pub fn payload(&self) -> Payload<'static> {
        match self {
            ArbPayload::Single(m, _) => Payload::Single(m.clone()),
            ArbPayload::Batch(items) => {
                Payload::Batch(Batch::from_messages(items.iter().map(|(m, _)| m)))
            }
        }
    }
}

/// Re-encoding a decoded payload must be stable: the encoding decodes (same profile) to the
/// same messages and re-encodes to the same bytes; batch items point at their text in `input`.
pub fn check_reencode(input: &[u8], payload: &Payload<'_>, decoder: &msgwire::jsonrpc::Decoder) {
    let once = payload.to_vec();
    assert_eq!(once.len(), payload.encoded_len(), "encoded_len is exact");
    if let Payload::Batch(b) = payload {
        for (offset, raw) in b.raw_items() {
            assert!(
                input[offset..].starts_with(raw.get().as_bytes()),
                "item offset {offset}"
            );
        }
    }
    let again = decoder.decode_whole(&once).unwrap_or_else(|e| {
        panic!(
            "re-encoding {:?} was rejected: {e}",
            String::from_utf8_lossy(&once)
        )
    });
    assert_eq!(again.to_vec(), once, "re-encoding is a fixed point");
    match (payload, &again) {
        (Payload::Single(a), Payload::Single(b)) => assert_eq!(a, b),
        (Payload::Batch(a), Payload::Batch(b)) => {
            assert_eq!(a.len(), b.len());
            for (x, y) in a.iter().zip(b.iter()) {
                match (x, y) {
                    (Ok(x), Ok(y)) => assert_eq!(x, y),
                    (Err(x), Err(y)) => assert_eq!(x.kind(), y.kind()),
                    (x, y) => {
                        panic!("batch item decodes differently after re-encoding: {x:?} vs {y:?}")
                    }
                }
            }
        }
        (a, b) => panic!("payload kind changed on re-encoding: {a:?} vs {b:?}"),
    }
}
