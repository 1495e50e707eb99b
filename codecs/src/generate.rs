//! Valid protocol messages for your property tests and fuzz targets (features `arbitrary` and
//! `proptest`).
//!
//! With feature `arbitrary`, these owned message types implement [`arbitrary::Arbitrary`], and
//! every value they generate is a message the strict decoder accepts and decodes back to the
//! same value (encode → decode is the identity; `codecs/tests/generate.rs` checks it):
//!
//! | protocol | type | what is generated |
//! |---|---|---|
//! | AMQP 0-9-1 | [`amqp::Frame<'static>`](crate::amqp::Frame) | every method of the table (its fields of each domain, tables of every tag RabbitMQ writes), content headers with any basic properties, bodies, heartbeats, protocol headers |
//! | JSON-RPC 2.0 | [`jsonrpc::Message<'static>`](crate::jsonrpc::Message) | requests and notifications (array or object params, number or string ids), results and errors (with or without `data`) |
//! | XML-RPC | [`xmlrpc::Message<'static>`](crate::xmlrpc::Message), [`xmlrpc::Value<'static>`](crate::xmlrpc::Value) | calls (method names of the spec's characters), responses, faults; values of every type of the spec (extensions such as `nil` and `i8` are left out: the strict profile refuses them) |
//! | MessagePack-RPC | [`msgpack_rpc::OwnedMessage`](crate::msgpack_rpc::OwnedMessage), [`msgpack_rpc::Value`](crate::msgpack_rpc::Value) | requests, responses (result or error), notifications; values of every format family incl. ext and timestamps |
//!
//! Sizes and nesting are bounded (strings up to 64 bytes, containers up to 8 items, 4 levels)
//! so that one fuzz input gives many small messages.
//!
//! With feature `proptest` (which turns on `arbitrary`), [`strategy`] makes a proptest
//! `Strategy` of any of them.
//!
//! A cargo-fuzz target that drives *your* code with well-formed traffic:
//!
//! ```ignore
//! #![no_main]
//! use libfuzzer_sys::fuzz_target;
//! use msgwire::msgpack_rpc::OwnedMessage;
//!
//! fuzz_target!(|msg: OwnedMessage| {
//!     let bytes = msg.to_vec();
//!     my_server::handle(&bytes); // must not panic, must answer a request exactly once, ...
//! });
//! ```
//!
//! And a property test:
//!
//! ```
//! # #[cfg(all(feature = "proptest", feature = "jsonrpc"))] {
//! use msgwire::jsonrpc::{self, Message, Payload};
//! use proptest::prelude::*;
//!
//! proptest!(|(msg in msgwire::generate::strategy::<Message<'static>>())| {
//!     let bytes = msg.to_vec();
//!     let back = jsonrpc::decode(&bytes).unwrap();
//!     prop_assert_eq!(back, Payload::Single(msg));
//! });
//! # }
//! ```

use ::arbitrary::{Result, Unstructured};

/// Deepest nesting generated (tables in tables, arrays in arrays).
const MAX_DEPTH: usize = 4;
/// Most items in one generated container.
const MAX_ITEMS: usize = 8;
/// Longest generated string, in bytes.
const MAX_STR: usize = 64;

/// A string of at most `max` bytes (cut at a character boundary).
fn text(u: &mut Unstructured<'_>, max: usize) -> Result<String> {
    let mut s: String = u.arbitrary()?;
    if s.len() > max {
        let mut end = max;
        while !s.is_char_boundary(end) {
            end -= 1;
        }
        s.truncate(end);
    }
    Ok(s)
}

/// Bytes, at most `max` of them.
fn bytes(u: &mut Unstructured<'_>, max: usize) -> Result<Vec<u8>> {
    let n = u.int_in_range(0..=max)?;
    Ok(u.bytes(n.min(u.len()))?.to_vec())
}

/// How many items a container gets.
fn items(u: &mut Unstructured<'_>, depth: usize) -> Result<usize> {
    if depth >= MAX_DEPTH {
        Ok(0)
    } else {
        u.int_in_range(0..=MAX_ITEMS)
    }
}

/// A finite `f64` (NaN is not equal to itself, so no round trip could be checked).
fn finite64(u: &mut Unstructured<'_>) -> Result<f64> {
    let x: f64 = u.arbitrary()?;
    Ok(if x.is_finite() { x } else { 0.5 })
}

fn finite32(u: &mut Unstructured<'_>) -> Result<f32> {
    let x: f32 = u.arbitrary()?;
    Ok(if x.is_finite() { x } else { 0.5 })
}

#[cfg(feature = "msgpack-rpc")]
mod msgpack {
    use super::*;
    use crate::msgpack_rpc::{Int, OwnedMessage, Timestamp, Value};

    pub(super) fn value(u: &mut Unstructured<'_>, depth: usize) -> Result<Value> {
        let leaf = depth >= MAX_DEPTH;
        Ok(match u.int_in_range(0..=if leaf { 9 } else { 11 })? {
            0 => Value::Nil,
            1 => Value::Bool(u.arbitrary()?),
            2 => Value::Int(Int::from(u.arbitrary::<i64>()?)),
            3 => Value::Int(Int::from(u.arbitrary::<u64>()?)),
            4 => Value::F32(finite32(u)?),
            5 => Value::F64(finite64(u)?),
            6 => Value::Str(text(u, MAX_STR)?),
            7 => Value::Bin(bytes(u, MAX_STR)?),
            8 => {
                // Any type but -1, the timestamp (which has a form of its own).
                let t: i8 = u.arbitrary()?;
                Value::Ext(if t == -1 { 1 } else { t }, bytes(u, MAX_STR)?)
            }
            9 => {
                let seconds: i64 = u.arbitrary()?;
                let nanos = u.int_in_range(0..=999_999_999)?;
                match Timestamp::new(seconds, nanos) {
                    Some(t) => Value::Timestamp(t),
                    None => Value::Nil,
                }
            }
            10 => {
                let n = items(u, depth)?;
                Value::Array((0..n).map(|_| value(u, depth + 1)).collect::<Result<_>>()?)
            }
            _ => {
                let n = items(u, depth)?;
                Value::Map(
                    (0..n)
                        .map(|_| Ok((value(u, depth + 1)?, value(u, depth + 1)?)))
                        .collect::<Result<_>>()?,
                )
            }
        })
    }

    fn params(u: &mut Unstructured<'_>) -> Result<Vec<Value>> {
        let n = items(u, 0)?;
        (0..n).map(|_| value(u, 1)).collect()
    }

    impl<'u> ::arbitrary::Arbitrary<'u> for Value {
        fn arbitrary(u: &mut Unstructured<'u>) -> Result<Self> {
            value(u, 0)
        }
    }

    impl<'u> ::arbitrary::Arbitrary<'u> for OwnedMessage {
        fn arbitrary(u: &mut Unstructured<'u>) -> Result<Self> {
            Ok(match u.int_in_range(0..=3)? {
                0 => OwnedMessage::request(u.arbitrary()?, text(u, MAX_STR)?, params(u)?),
                1 => OwnedMessage::result(u.arbitrary()?, value(u, 1)?),
                2 => {
                    // A non-nil error (a nil one would be a result of nil).
                    let e = match value(u, 1)? {
                        Value::Nil => Value::Str("error".into()),
                        e => e,
                    };
                    OwnedMessage::error(u.arbitrary()?, e)
                }
                _ => OwnedMessage::notification(text(u, MAX_STR)?, params(u)?),
            })
        }
    }
}

#[cfg(feature = "jsonrpc")]
mod jsonrpc {
    use super::*;
    use crate::jsonrpc::{ErrorObject, Id, Message, Outcome, Raw, Request, Response};
    use serde_json::value::RawValue;
    use serde_json::Value as J;
    use std::borrow::Cow;

    fn json(u: &mut Unstructured<'_>, depth: usize) -> Result<J> {
        let leaf = depth >= MAX_DEPTH;
        Ok(match u.int_in_range(0..=if leaf { 4 } else { 6 })? {
            0 => J::Null,
            1 => J::Bool(u.arbitrary()?),
            2 => J::from(u.arbitrary::<i64>()?),
            3 => serde_json::Number::from_f64(finite64(u)?).map_or(J::Null, J::Number),
            4 => J::String(text(u, MAX_STR)?),
            5 => J::Array(
                (0..items(u, depth)?)
                    .map(|_| json(u, depth + 1))
                    .collect::<Result<_>>()?,
            ),
            _ => J::Object(
                (0..items(u, depth)?)
                    .map(|_| Ok((text(u, 16)?, json(u, depth + 1)?)))
                    .collect::<Result<_>>()?,
            ),
        })
    }

    fn raw(v: &J) -> Raw<'static> {
        let text = serde_json::to_string(v).unwrap_or_else(|_| "null".into());
        Raw::from(
            RawValue::from_string(text)
                .unwrap_or_else(|_| RawValue::from_string("null".into()).expect("null is JSON")),
        )
    }

    /// `params`: an array or an object (§4.2: "MUST be a Structured value").
    fn params(u: &mut Unstructured<'_>) -> Result<Option<Raw<'static>>> {
        Ok(match u.int_in_range(0..=2)? {
            0 => None,
            1 => Some(raw(&J::Array(
                (0..items(u, 0)?)
                    .map(|_| json(u, 1))
                    .collect::<Result<_>>()?,
            ))),
            _ => Some(raw(&J::Object(
                (0..items(u, 0)?)
                    .map(|_| Ok((text(u, 16)?, json(u, 1)?)))
                    .collect::<Result<_>>()?,
            ))),
        })
    }

    fn id(u: &mut Unstructured<'_>) -> Result<Id<'static>> {
        Ok(if u.arbitrary()? {
            Id::number(u.arbitrary()?)
        } else {
            Id::string(&text(u, 32)?)
        })
    }

    impl<'u> ::arbitrary::Arbitrary<'u> for Message<'static> {
        fn arbitrary(u: &mut Unstructured<'u>) -> Result<Self> {
            Ok(match u.int_in_range(0..=3)? {
                0 | 1 => Message::Request(Request {
                    method: Cow::Owned(text(u, MAX_STR)?),
                    params: params(u)?,
                    id: if u.arbitrary()? { Some(id(u)?) } else { None },
                }),
                2 => Message::Response(Response {
                    id: id(u)?,
                    outcome: Outcome::Result(raw(&json(u, 0)?)),
                }),
                _ => Message::Response(Response {
                    id: id(u)?,
                    outcome: Outcome::Error(ErrorObject {
                        code: u.arbitrary()?,
                        message: Cow::Owned(text(u, MAX_STR)?),
                        data: if u.arbitrary()? {
                            Some(raw(&json(u, 0)?))
                        } else {
                            None
                        },
                    }),
                }),
            })
        }
    }
}

#[cfg(feature = "xmlrpc")]
mod xmlrpc {
    use super::*;
    use crate::xmlrpc::{
        Base64, DateTime, Fault, Member, Message, MethodCall, MethodResponse, Value,
    };

    /// Text XML 1.0 can carry as is: no control characters but tab and newline (a carriage
    /// return is read back as a newline, §2.11), no U+FFFE/U+FFFF.
    fn xml_text(u: &mut Unstructured<'_>, max: usize) -> Result<String> {
        Ok(text(u, max)?
            .chars()
            .filter(|&c| (c >= ' ' || c == '\t' || c == '\n') && c != '\u{fffe}' && c != '\u{ffff}')
            .collect())
    }

    /// A method name of the spec's characters: "upper and lower-case A-Z, the numeric
    /// characters, 0-9, underscore, dot, colon and slash".
    fn method_name(u: &mut Unstructured<'_>) -> Result<String> {
        const CHARS: &[u8] = b"ABCXYZabcxyz0189_.:/";
        let n = u.int_in_range(1..=24)?;
        (0..n).map(|_| Ok(char::from(*u.choose(CHARS)?))).collect()
    }

    fn value(u: &mut Unstructured<'_>, depth: usize) -> Result<Value<'static>> {
        let leaf = depth >= MAX_DEPTH;
        Ok(match u.int_in_range(0..=if leaf { 6 } else { 8 })? {
            0 => Value::Int(u.arbitrary()?),
            1 => Value::I4(u.arbitrary()?),
            2 => Value::Boolean(u.arbitrary()?),
            3 => Value::String(xml_text(u, MAX_STR)?.into()),
            4 => Value::Double(finite64(u)?),
            5 => Value::DateTime(DateTime::from_parts(
                u.int_in_range(0..=9999)?,
                u.int_in_range(1..=12)?,
                u.int_in_range(1..=28)?,
                u.int_in_range(0..=23)?,
                u.int_in_range(0..=59)?,
                u.int_in_range(0..=59)?,
            )),
            6 => Value::Base64(Base64::from_bytes(&bytes(u, MAX_STR)?)),
            7 => Value::Array(
                (0..items(u, depth)?)
                    .map(|_| value(u, depth + 1))
                    .collect::<Result<_>>()?,
            ),
            _ => Value::Struct(
                (0..items(u, depth)?)
                    .map(|_| Ok(Member::new(xml_text(u, 16)?, value(u, depth + 1)?)))
                    .collect::<Result<_>>()?,
            ),
        })
    }

    impl<'u> ::arbitrary::Arbitrary<'u> for Value<'static> {
        fn arbitrary(u: &mut Unstructured<'u>) -> Result<Self> {
            value(u, 0)
        }
    }

    impl<'u> ::arbitrary::Arbitrary<'u> for Message<'static> {
        fn arbitrary(u: &mut Unstructured<'u>) -> Result<Self> {
            Ok(match u.int_in_range(0..=2)? {
                0 => {
                    let method = method_name(u)?;
                    let params = (0..items(u, 0)?)
                        .map(|_| value(u, 1))
                        .collect::<Result<_>>()?;
                    Message::Call(MethodCall::new(method, params))
                }
                1 => Message::Response(MethodResponse::new(value(u, 1)?)),
                _ => Message::Fault(Fault::new(u.arbitrary::<i32>()?, xml_text(u, MAX_STR)?)),
            })
        }
    }
}

#[cfg(feature = "amqp")]
mod amqp {
    use super::*;
    use crate::amqp::{
        BasicProperties, ContentHeader, Domain, FieldArray, FieldTable, FieldVal, FieldValue,
        Frame, LongStr, Method, Payload, ProtocolHeader, ShortStr, METHODS,
    };

    fn short_str(u: &mut Unstructured<'_>) -> Result<ShortStr<'static>> {
        Ok(ShortStr::new(text(u, MAX_STR)?.into_bytes()).expect("at most 64 bytes"))
    }

    fn long_str(u: &mut Unstructured<'_>) -> Result<LongStr<'static>> {
        Ok(LongStr::new(bytes(u, MAX_STR)?).expect("at most 64 bytes"))
    }

    /// A table value of a tag our encoder writes as itself (not `U`/`L`, which it writes as
    /// RabbitMQ's `s`/`l`).
    fn field_value(u: &mut Unstructured<'_>, depth: usize) -> Result<FieldValue<'static>> {
        let leaf = depth >= MAX_DEPTH;
        Ok(match u.int_in_range(0..=if leaf { 14 } else { 16 })? {
            0 => FieldValue::Bool(u.arbitrary()?),
            1 => FieldValue::I8(u.arbitrary()?),
            2 => FieldValue::U8(u.arbitrary()?),
            3 => FieldValue::I16(u.arbitrary()?),
            4 => FieldValue::U16(u.arbitrary()?),
            5 => FieldValue::I32(u.arbitrary()?),
            6 => FieldValue::U32(u.arbitrary()?),
            7 => FieldValue::I64(u.arbitrary()?),
            8 => FieldValue::F32(finite32(u)?),
            9 => FieldValue::F64(finite64(u)?),
            10 => FieldValue::LongStr(long_str(u)?),
            11 => FieldValue::Bytes(long_str(u)?),
            12 => FieldValue::Timestamp(u.arbitrary()?),
            13 => FieldValue::Void,
            14 => FieldValue::LongStr(LongStr::new(text(u, MAX_STR)?.into_bytes()).expect("short")),
            15 => FieldValue::Table(table(u, depth + 1)?),
            _ => {
                let n = items(u, depth)?;
                let values = (0..n)
                    .map(|_| field_value(u, depth + 1))
                    .collect::<Result<Vec<_>>>()?;
                FieldValue::Array(FieldArray::from_values(values))
            }
        })
    }

    fn table(u: &mut Unstructured<'_>, depth: usize) -> Result<FieldTable<'static>> {
        let mut b = FieldTable::builder();
        for _ in 0..items(u, depth)? {
            let name = text(u, 32)?;
            let v = field_value(u, depth)?;
            b.insert(name.as_bytes(), v)
                .expect("a name of at most 32 bytes");
        }
        Ok(b.build())
    }

    fn field(u: &mut Unstructured<'_>, domain: Domain) -> Result<FieldVal<'static>> {
        Ok(match domain {
            Domain::Bit => FieldVal::Bit(u.arbitrary()?),
            Domain::Octet => FieldVal::Octet(u.arbitrary()?),
            Domain::Short => FieldVal::Short(u.arbitrary()?),
            Domain::Long => FieldVal::Long(u.arbitrary()?),
            Domain::LongLong | Domain::Timestamp => FieldVal::LongLong(u.arbitrary()?),
            Domain::ShortStr => FieldVal::ShortStr(short_str(u)?),
            Domain::LongStr => FieldVal::LongStr(long_str(u)?),
            Domain::Table => FieldVal::Table(table(u, 0)?),
        })
    }

    impl<'u> ::arbitrary::Arbitrary<'u> for Method<'static> {
        fn arbitrary(u: &mut Unstructured<'u>) -> Result<Self> {
            // The methods of 0-9-1 and RabbitMQ's extensions (the legacy access class needs
            // the RabbitMQ profile to decode).
            let methods: Vec<_> = METHODS.iter().filter(|m| !m.legacy).collect();
            let info = *u.choose(&methods)?;
            let mut failed = None;
            let m = Method::from_fields(info.id, &mut |_, domain| match field(u, domain) {
                Ok(v) => Ok(v),
                Err(e) => {
                    failed = Some(e);
                    Err("out of input".into())
                }
            });
            match (m, failed) {
                (_, Some(e)) => Err(e),
                (Ok(m), None) => Ok(m),
                (Err(_), None) => Err(::arbitrary::Error::IncorrectFormat),
            }
        }
    }

    impl<'u> ::arbitrary::Arbitrary<'u> for Frame<'static> {
        fn arbitrary(u: &mut Unstructured<'u>) -> Result<Self> {
            let channel: u16 = u.arbitrary()?;
            Ok(match u.int_in_range(0..=9)? {
                0..=5 => {
                    let method: Method<'static> = u.arbitrary()?;
                    Frame::method(channel, method)
                }
                6 | 7 => {
                    let mut failed = None;
                    let props = BasicProperties::from_fields(&mut |_, domain| {
                        if failed.is_some() {
                            return Ok(None);
                        }
                        match u.arbitrary::<bool>().and_then(|some| {
                            if some {
                                field(u, domain).map(Some)
                            } else {
                                Ok(None)
                            }
                        }) {
                            Ok(v) => Ok(v),
                            Err(e) => {
                                failed = Some(e);
                                Ok(None)
                            }
                        }
                    });
                    if let Some(e) = failed {
                        return Err(e);
                    }
                    let props = props.map_err(|_| ::arbitrary::Error::IncorrectFormat)?;
                    Frame::Header {
                        channel,
                        header: ContentHeader::new(u.arbitrary()?, props),
                    }
                }
                8 => Frame::Body {
                    channel,
                    payload: Payload::Shared(bytes(u, 4 * MAX_STR)?.into()),
                },
                _ if u.arbitrary()? => Frame::Heartbeat,
                _ => Frame::ProtocolHeader(ProtocolHeader::AMQP_0_9_1),
            })
        }
    }
}

/// A proptest `Strategy` of any type this module generates (`Message<'static>`,
/// `OwnedMessage`, `Frame<'static>`, ...): random bytes read through its `Arbitrary` impl.
/// Shrinking works on those bytes, so a failing case shrinks toward shorter, simpler messages.
#[cfg(feature = "proptest")]
pub fn strategy<T>() -> impl proptest::strategy::Strategy<Value = T>
where
    T: for<'u> ::arbitrary::Arbitrary<'u> + core::fmt::Debug,
{
    use proptest::strategy::Strategy;
    proptest::collection::vec(proptest::prelude::any::<u8>(), 0..2048)
        .prop_filter_map("the bytes ran out before a whole message", |b| {
            T::arbitrary_take_rest(Unstructured::new(&b)).ok()
        })
}
