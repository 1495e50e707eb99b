//! Valid protocol messages for your property tests and fuzz targets (features `arbitrary` and
//! `proptest`).
//!
//! With feature `arbitrary`, these owned message types implement [`arbitrary::Arbitrary`], and
//! every value they generate is a message the strict decoder accepts and decodes back to the
//! same value (encode → decode is the identity; `codecs/tests/generate.rs` checks it, and that
//! every kind of message and every type of value below is reached):
//!
//! | protocol | type | what is generated |
//! |---|---|---|
//! | AMQP 0-9-1 | [`amqp::Frame<'static>`](crate::amqp::Frame), [`amqp::Method<'static>`](crate::amqp::Method) | every method of the table (its fields of each domain, tables of every tag RabbitMQ writes), content headers with any basic properties, bodies, heartbeats, protocol headers |
//! | JSON-RPC 2.0 | [`jsonrpc::Message<'static>`](crate::jsonrpc::Message), [`jsonrpc::Batch<'static>`](crate::jsonrpc::Batch), [`jsonrpc::Payload<'static>`](crate::jsonrpc::Payload) | requests and notifications (array or object params, number or string ids), results and errors (with or without `data`); batches of 1 to 8 calls or of 1 to 8 replies, no id twice; a payload is one message or a batch |
//! | XML-RPC | [`xmlrpc::Message<'static>`](crate::xmlrpc::Message), [`xmlrpc::Value<'static>`](crate::xmlrpc::Value) | calls (method names of the spec's characters), responses, faults; values of every type of the spec, untyped `<value>text</value>` included. Extensions only in [`WithExtensions`] (below) |
//! | MessagePack-RPC | [`msgpack_rpc::OwnedMessage`](crate::msgpack_rpc::OwnedMessage), [`msgpack_rpc::Value`](crate::msgpack_rpc::Value) | requests, responses (result or error), notifications; values of every format family incl. ext and timestamps |
//! | Thrift | [`thrift::OwnedMessage`](crate::thrift::OwnedMessage), [`thrift::Struct`](crate::thrift::Struct), [`thrift::Value`](crate::thrift::Value) | calls and oneways (arguments numbered from 1, or any distinct ids), replies (void, a return value, a declared exception), exceptions (`TApplicationException` of every type); fields, list/set elements and map values of every type incl. `uuid`, map keys of every scalar type. Each decodes back the same from the binary, compact and JSON protocols (`string`/`binary` values are UTF-8, the one kind TJSONProtocol carries as is; an empty map is `bool → bool`, as the compact protocol reads it) |
//!
//! **Extensions, when your peer speaks them:** [`WithExtensions<xmlrpc::Message<'static>>`](WithExtensions)
//! and `WithExtensions<xmlrpc::Value<'static>>` generate the spec's types plus `<nil/>`,
//! `<i8>` and Apache's `ex:nil`, `ex:i1`, `ex:i2`, `ex:i8`, `ex:float`; they decode back
//! under [`xmlrpc::Profile::ApacheExtensions`](crate::xmlrpc::Profile) (the strict profile
//! reads `nil` and `i8` but refuses the `ex:` types). Take `WithExtensions<T>` as your fuzz
//! target's input, or `strategy::<WithExtensions<T>>()`, and use its `.0`.
//!
//! Sizes and nesting are bounded (strings up to 64 bytes, containers up to 8 items, 4 levels)
//! so that one fuzz input gives many small messages.
//!
//! With feature `proptest` (which turns on `arbitrary`), [`strategy`] makes a proptest
//! `Strategy` of any of them.
//!
//! ## A worked example
//!
//! A cargo-fuzz target that drives *your* code with well-formed traffic: after `cargo fuzz
//! init` and `cargo fuzz add my_server`, add `msgwire = { version = "0.1", features =
//! ["arbitrary"] }` to `fuzz/Cargo.toml`'s dependencies and write
//! `fuzz/fuzz_targets/my_server.rs` (it starts with `#![no_main]`, as `cargo fuzz add`
//! writes it):
//!
//! ```
//! # #[cfg(all(feature = "arbitrary", feature = "msgpack-rpc"))] {
//! # mod libfuzzer_sys { // What the real crate's macro does, for this doctest.
//! #     macro_rules! fuzz_target {
//! #         (|$m:ident: $t:ty| $body:block) => {
//! #             fn run(data: &[u8]) {
//! #                 let u = arbitrary::Unstructured::new(data);
//! #                 if let Ok($m) = <$t as arbitrary::Arbitrary>::arbitrary_take_rest(u) $body
//! #             }
//! #             for n in 0..64u8 { run(&(0..n).map(|i| i.wrapping_mul(37) ^ n).collect::<Vec<_>>()); }
//! #         };
//! #     }
//! #     pub(crate) use fuzz_target;
//! # }
//! # mod my_server {
//! #     use msgwire::msgpack_rpc::{self, Message};
//! #     /// The replies to one message: one for a request, none for a notification.
//! #     pub fn handle(bytes: &[u8]) -> Vec<Vec<u8>> {
//! #         match msgpack_rpc::decode(bytes) {
//! #             Ok(Message::Request { msgid, .. }) => {
//! #                 vec![msgpack_rpc::OwnedMessage::result(msgid, msgpack_rpc::Value::Nil).to_vec()]
//! #             }
//! #             _ => Vec::new(),
//! #         }
//! #     }
//! # }
//! use libfuzzer_sys::fuzz_target;
//! use msgwire::msgpack_rpc::{self, Message, OwnedMessage};
//!
//! fuzz_target!(|msg: OwnedMessage| {
//!     let replies = my_server::handle(&msg.to_vec()); // must not panic
//!     match msg {
//!         // A request is answered exactly once, with its msgid.
//!         OwnedMessage::Request { msgid, .. } => {
//!             assert_eq!(replies.len(), 1);
//!             let reply = msgpack_rpc::decode(&replies[0]).expect("a valid response");
//!             assert!(matches!(reply, Message::Response { msgid: m, .. } if m == msgid));
//!         }
//!         // A notification (or a response) is never answered.
//!         _ => assert!(replies.is_empty()),
//!     }
//! });
//! # }
//! ```
//!
//! `cargo fuzz run my_server` then feeds it requests, responses and notifications with
//! params of every MessagePack type. The same property as a proptest, for `cargo test`
//! (shrinking finds a small failing message):
//!
//! ```
//! # #[cfg(all(feature = "proptest", feature = "jsonrpc", feature = "thrift"))] {
//! use msgwire::{jsonrpc, thrift};
//! use proptest::prelude::*;
//!
//! // JSON-RPC: single messages and batches; a server is sent the calls among them.
//! proptest!(|(payload in msgwire::generate::strategy::<jsonrpc::Payload<'static>>())| {
//!     let reply = |m: &jsonrpc::Message<'_>| matches!(m, jsonrpc::Message::Response(_));
//!     prop_assume!(match &payload {
//!         jsonrpc::Payload::Single(m) => !reply(m),
//!         jsonrpc::Payload::Batch(b) => !b.iter().any(|m| reply(&m.unwrap())),
//!     });
//!     let bytes = payload.to_vec();
//!     // Your server's reading of `bytes` goes here; msgwire's finds every call valid.
//!     let incoming = jsonrpc::serve(&bytes);
//!     prop_assert!(!matches!(incoming, jsonrpc::Incoming::Reject(_)), "{:?}", payload);
//!     if let jsonrpc::Incoming::Batch(plan) = incoming {
//!         prop_assert!(plan.items().all(|i| matches!(i, jsonrpc::Item::Call(_))));
//!     }
//! });
//!
//! // Thrift: the same message in every protocol.
//! proptest!(|(msg in msgwire::generate::strategy::<thrift::OwnedMessage>())| {
//!     for protocol in [thrift::Protocol::Binary, thrift::Protocol::Compact] {
//!         let bytes = msg.to_vec(protocol);
//!         prop_assert_eq!(thrift::decode(&bytes).unwrap().into_owned(), msg.clone());
//!     }
//!     prop_assert_eq!(thrift::json::decode(&thrift::json::to_vec(&msg)).unwrap(), msg);
//! });
//! # }
//! ```

// With `arbitrary` but no protocol there is nothing to generate.
#![cfg_attr(
    not(any(
        feature = "amqp",
        feature = "jsonrpc",
        feature = "xmlrpc",
        feature = "msgpack-rpc",
        feature = "thrift"
    )),
    allow(dead_code, unused_imports)
)]

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
#[cfg(any(feature = "msgpack-rpc", feature = "amqp", feature = "xmlrpc"))]
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

/// A finite `f32` (MessagePack float 32, AMQP's `f` field).
#[cfg(any(feature = "msgpack-rpc", feature = "amqp", feature = "xmlrpc"))]
fn finite32(u: &mut Unstructured<'_>) -> Result<f32> {
    let x: f32 = u.arbitrary()?;
    Ok(if x.is_finite() { x } else { 0.5 })
}

/// A generated value that may use the protocol's extensions, for a peer that asks for them.
///
/// `WithExtensions<xmlrpc::Message<'static>>` and `WithExtensions<xmlrpc::Value<'static>>`
/// add, beside the spec's types, `<nil/>` and `<i8>` (xmlrpc-c, Python with `allow_none`;
/// the strict profile reads them) and Apache XML-RPC's `ex:nil`, `ex:i1`, `ex:i2`, `ex:i8`
/// and `ex:float` (read with [`xmlrpc::Profile::ApacheExtensions`](crate::xmlrpc::Profile)).
/// Every one decodes back to the same value under `ApacheExtensions`.
#[derive(Debug, Clone, PartialEq)]
pub struct WithExtensions<T>(pub T);

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
    use crate::jsonrpc::{
        Batch, ErrorObject, Id, Message, Outcome, Payload, Raw, Request, Response,
    };
    use serde_json::value::RawValue;
    use serde_json::Value as J;
    use std::borrow::Cow;
    use std::collections::HashSet;

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
            let kind = u.int_in_range(0..=3)?;
            message(u, kind)
        }
    }

    /// A call batch (requests and notifications) or a reply batch (results and errors) of 1
    /// to 8 messages, the ids of its requests (or responses) all different, as a client (or
    /// server) writes one: §6 "the Client MAY send an Array filled with Request objects".
    impl<'u> ::arbitrary::Arbitrary<'u> for Batch<'static> {
        fn arbitrary(u: &mut Unstructured<'u>) -> Result<Self> {
            let replies = u.arbitrary::<bool>()?;
            let n = u.int_in_range(1..=MAX_ITEMS)?;
            let mut seen = HashSet::new();
            let mut msgs = Vec::with_capacity(n);
            for i in 0..n {
                let kind = u.int_in_range(0..=1)? + if replies { 2 } else { 0 };
                let mut m = message(u, kind)?;
                let id = match &mut m {
                    Message::Request(r) => r.id.as_mut(),
                    Message::Response(r) => Some(&mut r.id),
                };
                if let Some(id) = id {
                    // A repeated id becomes the first free number from the item's index.
                    let mut free = i as i64;
                    while !seen.insert(id.match_key().1.into_owned()) {
                        *id = Id::number(free);
                        free += 1;
                    }
                }
                msgs.push(m);
            }
            Ok(Batch::from_messages(&msgs))
        }
    }

    /// One message (as often as a batch).
    impl<'u> ::arbitrary::Arbitrary<'u> for Payload<'static> {
        fn arbitrary(u: &mut Unstructured<'u>) -> Result<Self> {
            Ok(if u.arbitrary()? {
                Payload::Single(u.arbitrary()?)
            } else {
                Payload::Batch(u.arbitrary()?)
            })
        }
    }

    /// A message of `kind`: 0 a request, 1 a notification, 2 a result, 3 an error.
    fn message(u: &mut Unstructured<'_>, kind: u32) -> Result<Message<'static>> {
        Ok(match kind {
            0 | 1 => Message::Request(Request {
                method: Cow::Owned(text(u, MAX_STR)?),
                params: params(u)?,
                id: if kind == 0 { Some(id(u)?) } else { None },
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

    /// A value of the spec's types, or (`ext`) of the extension types too.
    fn value(u: &mut Unstructured<'_>, depth: usize, ext: bool) -> Result<Value<'static>> {
        // Leaves first: 0..=7 the spec's scalars, 8..=14 the extensions, then the containers.
        let scalars = if ext { 14 } else { 7 };
        let top = if depth >= MAX_DEPTH {
            scalars
        } else {
            scalars + 2
        };
        let pick = u.int_in_range(0..=top)?;
        // The containers' picks, past the scalars.
        let pick = if pick > scalars {
            pick - scalars + 14
        } else {
            pick
        };
        Ok(match pick {
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
            // "If no type is indicated, the type is string."
            7 => Value::Untyped(xml_text(u, MAX_STR)?.into()),
            8 => Value::Nil,
            9 => Value::I8(u.arbitrary()?),
            10 => Value::ExNil,
            11 => Value::ExI1(u.arbitrary()?),
            12 => Value::ExI2(u.arbitrary()?),
            13 => Value::ExI8(u.arbitrary()?),
            14 => Value::ExFloat(finite32(u)?),
            15 => Value::Array(
                (0..items(u, depth)?)
                    .map(|_| value(u, depth + 1, ext))
                    .collect::<Result<_>>()?,
            ),
            _ => Value::Struct(
                (0..items(u, depth)?)
                    .map(|_| Ok(Member::new(xml_text(u, 16)?, value(u, depth + 1, ext)?)))
                    .collect::<Result<_>>()?,
            ),
        })
    }

    fn message(u: &mut Unstructured<'_>, ext: bool) -> Result<Message<'static>> {
        Ok(match u.int_in_range(0..=2)? {
            0 => {
                let method = method_name(u)?;
                let params = (0..items(u, 0)?)
                    .map(|_| value(u, 1, ext))
                    .collect::<Result<_>>()?;
                Message::Call(MethodCall::new(method, params))
            }
            1 => Message::Response(MethodResponse::new(value(u, 1, ext)?)),
            _ => Message::Fault(Fault::new(u.arbitrary::<i32>()?, xml_text(u, MAX_STR)?)),
        })
    }

    impl<'u> ::arbitrary::Arbitrary<'u> for Value<'static> {
        fn arbitrary(u: &mut Unstructured<'u>) -> Result<Self> {
            value(u, 0, false)
        }
    }

    impl<'u> ::arbitrary::Arbitrary<'u> for Message<'static> {
        fn arbitrary(u: &mut Unstructured<'u>) -> Result<Self> {
            message(u, false)
        }
    }

    impl<'u> ::arbitrary::Arbitrary<'u> for WithExtensions<Value<'static>> {
        fn arbitrary(u: &mut Unstructured<'u>) -> Result<Self> {
            value(u, 0, true).map(WithExtensions)
        }
    }

    impl<'u> ::arbitrary::Arbitrary<'u> for WithExtensions<Message<'static>> {
        fn arbitrary(u: &mut Unstructured<'u>) -> Result<Self> {
            message(u, true).map(WithExtensions)
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

#[cfg(feature = "thrift")]
mod thrift {
    use super::*;
    use crate::thrift::{ApplicationExceptionType, List, Map, MessageType, OwnedMessage, Struct};
    use crate::thrift::{TType, Value};
    use std::collections::HashSet;

    /// Every type a value, field or element can have; the first eight are the scalars.
    const TYPES: [TType; 12] = [
        TType::Bool,
        TType::Byte,
        TType::I16,
        TType::I32,
        TType::I64,
        TType::Double,
        TType::Binary,
        TType::Uuid,
        TType::Struct,
        TType::List,
        TType::Set,
        TType::Map,
    ];

    /// A type: any below the nesting bound, a scalar at it.
    fn ttype(u: &mut Unstructured<'_>, depth: usize) -> Result<TType> {
        let n = if depth >= MAX_DEPTH { 8 } else { TYPES.len() };
        Ok(*u.choose(&TYPES[..n])?)
    }

    /// A value of type `t`. `string`/`binary` values are UTF-8 text: TJSONProtocol carries a
    /// `str` as JSON text, so only text travels the same in all three protocols.
    fn value_of(u: &mut Unstructured<'_>, t: TType, depth: usize) -> Result<Value> {
        Ok(match t {
            TType::Bool => Value::Bool(u.arbitrary()?),
            TType::Byte => Value::Byte(u.arbitrary()?),
            TType::I16 => Value::I16(u.arbitrary()?),
            TType::I32 => Value::I32(u.arbitrary()?),
            TType::I64 => Value::I64(u.arbitrary()?),
            TType::Double => Value::Double(finite64(u)?),
            TType::Binary => Value::Binary(text(u, MAX_STR)?.into_bytes()),
            TType::Uuid => Value::Uuid(u.arbitrary()?),
            TType::Struct => Value::Struct(structure(u, depth + 1)?),
            TType::List | TType::Set => {
                let elem = ttype(u, depth + 1)?;
                let items = (0..items(u, depth)?)
                    .map(|_| value_of(u, elem, depth + 1))
                    .collect::<Result<_>>()?;
                let list = List::new(elem, items).expect("elements of the list's type");
                if t == TType::List {
                    Value::List(list)
                } else {
                    Value::Set(list)
                }
            }
            TType::Map => {
                let n = items(u, depth)?;
                // The compact protocol writes an empty map as one byte, without its types,
                // and reads it back as bool → bool.
                let (key, val) = if n == 0 {
                    (TType::Bool, TType::Bool)
                } else {
                    // TJSONProtocol writes keys as JSON object keys: scalars only.
                    (*u.choose(&TYPES[..8])?, ttype(u, depth + 1)?)
                };
                let entries = (0..n)
                    .map(|_| Ok((value_of(u, key, depth + 1)?, value_of(u, val, depth + 1)?)))
                    .collect::<Result<_>>()?;
                Value::Map(Map::new(key, val, entries).expect("entries of the map's types"))
            }
        })
    }

    /// A struct of up to 8 fields with distinct ids: numbered from 1 as an IDL numbers them,
    /// or any ids (negative ones too, and gaps the compact protocol cannot write as a delta).
    fn structure(u: &mut Unstructured<'_>, depth: usize) -> Result<Struct> {
        let sequential: bool = u.arbitrary()?;
        let mut ids = HashSet::new();
        let mut s = Struct::new();
        for i in 1..=items(u, depth)? {
            let id = if sequential { i as i16 } else { u.arbitrary()? };
            if ids.insert(id) {
                let t = ttype(u, depth)?;
                s.fields.push((id, value_of(u, t, depth)?));
            }
        }
        Ok(s)
    }

    /// A method name: an identifier, sometimes behind a service name and `:` as
    /// TMultiplexedProtocol writes it.
    fn method_name(u: &mut Unstructured<'_>) -> Result<String> {
        const FIRST: &[u8] = b"ABCXYZabcxyz_";
        const REST: &[u8] = b"ABCXYZabcxyz_0189";
        let ident = |u: &mut Unstructured<'_>| -> Result<String> {
            let n = u.int_in_range(0..=23)?;
            let mut s = String::from(char::from(*u.choose(FIRST)?));
            for _ in 0..n {
                s.push(char::from(*u.choose(REST)?));
            }
            Ok(s)
        };
        let method = ident(u)?;
        Ok(if u.ratio(1, 4)? {
            format!("{}:{method}", ident(u)?)
        } else {
            method
        })
    }

    impl<'u> ::arbitrary::Arbitrary<'u> for Value {
        fn arbitrary(u: &mut Unstructured<'u>) -> Result<Self> {
            let t = ttype(u, 0)?;
            value_of(u, t, 0)
        }
    }

    impl<'u> ::arbitrary::Arbitrary<'u> for Struct {
        fn arbitrary(u: &mut Unstructured<'u>) -> Result<Self> {
            structure(u, 0)
        }
    }

    /// Calls and oneways (arguments of any types), replies (void, a return value as field 0,
    /// or a declared exception as a struct in field 1 to 4) and exceptions (a
    /// `TApplicationException` of any type, with or without its message).
    impl<'u> ::arbitrary::Arbitrary<'u> for OwnedMessage {
        fn arbitrary(u: &mut Unstructured<'u>) -> Result<Self> {
            let name = method_name(u)?;
            let seqid: i32 = u.arbitrary()?;
            Ok(match u.int_in_range(0..=3)? {
                0 => OwnedMessage::call(name, seqid, structure(u, 1)?),
                1 => OwnedMessage::new(name, MessageType::Oneway, seqid, structure(u, 1)?),
                2 => {
                    let body = match u.int_in_range(0..=2)? {
                        0 => Struct::new(),
                        1 => {
                            let t = ttype(u, 1)?;
                            Struct::new().with(0, value_of(u, t, 1)?)
                        }
                        _ => Struct::new().with(u.int_in_range(1..=4)?, structure(u, 2)?),
                    };
                    OwnedMessage::new(name, MessageType::Reply, seqid, body)
                }
                _ => {
                    // The types the libraries define, and now and then a number they do not.
                    let kind = if u.ratio(7, 8)? {
                        ApplicationExceptionType(u.int_in_range(0..=10)?)
                    } else {
                        ApplicationExceptionType(u.arbitrary()?)
                    };
                    if u.arbitrary()? {
                        OwnedMessage::application_exception(name, seqid, kind, text(u, MAX_STR)?)
                    } else {
                        let body = Struct::new().with(2, kind.0);
                        OwnedMessage::new(name, MessageType::Exception, seqid, body)
                    }
                }
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
