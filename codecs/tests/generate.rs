//! `msgwire::generate` (features `arbitrary`, `proptest`): every generated message is valid:
//! the strict decoder accepts its encoding and gives the same message back; the generators
//! reach every message kind (and, for AMQP, every method of the table).
#![cfg(all(
    feature = "arbitrary",
    feature = "amqp",
    feature = "jsonrpc",
    feature = "msgpack-rpc",
    feature = "thrift",
    feature = "xmlrpc"
))]

use arbitrary::{Arbitrary, Unstructured};
use msgwire::generate::WithExtensions;
use msgwire::{amqp, jsonrpc, msgpack_rpc, thrift, xmlrpc};
use std::collections::{BTreeSet, HashSet};

/// Deterministic pseudo-random bytes (SplitMix64), `n` of them for case `i`.
fn noise(i: u64, n: usize) -> Vec<u8> {
    let mut s = i.wrapping_mul(0x9e37_79b9_7f4a_7c15) ^ 0x6d73_6777;
    (0..n)
        .map(|_| {
            s = s.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = s;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            (z ^ (z >> 31)) as u8
        })
        .collect()
}

/// `count` generated values of `T` (inputs that run out of bytes are skipped).
fn generated<T: for<'u> Arbitrary<'u>>(count: u64) -> Vec<T> {
    (0..count)
        .filter_map(|i| {
            let bytes = noise(i, 64 + (i as usize % 7) * 128);
            T::arbitrary(&mut Unstructured::new(&bytes)).ok()
        })
        .collect()
}

#[test]
fn amqp_frames_round_trip_and_cover_every_method() {
    let frames: Vec<amqp::Frame<'static>> = generated(6000);
    assert!(frames.len() > 5000, "{}", frames.len());
    let mut methods = BTreeSet::new();
    let mut kinds = HashSet::new();
    for f in &frames {
        let bytes = f.to_vec();
        let back = amqp::decode(&bytes)
            .unwrap_or_else(|e| panic!("{f:?} encodes to {bytes:02x?}, rejected: {e}"));
        assert_eq!(&back, f, "{bytes:02x?}");
        kinds.insert(std::mem::discriminant(f));
        if let amqp::Frame::Method { method, .. } = f {
            methods.insert(method.name());
        }
    }
    assert_eq!(
        kinds.len(),
        5,
        "protocol header, method, header, body, heartbeat"
    );
    let table: BTreeSet<&str> = amqp::METHODS
        .iter()
        .filter(|m| !m.legacy)
        .map(|m| m.name)
        .collect();
    assert_eq!(methods, table, "every method of the table");
}

#[test]
fn jsonrpc_messages_round_trip() {
    let msgs: Vec<jsonrpc::Message<'static>> = generated(4000);
    assert!(msgs.len() > 3000, "{}", msgs.len());
    let mut kinds = BTreeSet::new();
    for m in &msgs {
        let bytes = m.to_vec();
        let back = jsonrpc::decode(&bytes).unwrap_or_else(|e| {
            panic!(
                "{m:?} encodes to {}, rejected: {e}",
                String::from_utf8_lossy(&bytes)
            )
        });
        assert_eq!(back, jsonrpc::Payload::Single(m.clone()));
        kinds.insert(match m {
            jsonrpc::Message::Request(r) if r.id.is_some() => "request",
            jsonrpc::Message::Request(_) => "notification",
            jsonrpc::Message::Response(r) => match r.outcome {
                jsonrpc::Outcome::Result(_) => "result",
                jsonrpc::Outcome::Error(_) => "error",
            },
        });
    }
    assert_eq!(kinds.len(), 4, "{kinds:?}");
}

#[test]
fn jsonrpc_payloads_and_batches_round_trip() {
    let payloads: Vec<jsonrpc::Payload<'static>> = generated(4000);
    assert!(payloads.len() > 3000, "{}", payloads.len());
    let (mut singles, mut calls, mut replies, mut sizes) = (0, 0, 0, BTreeSet::new());
    for p in &payloads {
        let bytes = p.to_vec();
        assert_eq!(bytes.len(), p.encoded_len());
        let back = jsonrpc::decode(&bytes).unwrap_or_else(|e| {
            panic!(
                "{p:?} encodes to {}, rejected: {e}",
                String::from_utf8_lossy(&bytes)
            )
        });
        // Equal batches: the same items, texts and offsets.
        assert_eq!(&back, p, "{}", String::from_utf8_lossy(&bytes));
        let jsonrpc::Payload::Batch(b) = p else {
            singles += 1;
            continue;
        };
        sizes.insert(b.len());
        let items: Vec<_> = b.iter().map(Result::unwrap).collect();
        let requests = items
            .iter()
            .filter(|m| matches!(m, jsonrpc::Message::Request(_)))
            .count();
        // A call batch or a reply batch, never both.
        assert!(requests == 0 || requests == items.len(), "{items:?}");
        if requests == 0 {
            replies += 1;
        } else {
            calls += 1;
        }
        // Every request id (every response id) once.
        let mut correlator = jsonrpc::Correlator::new();
        for m in &items {
            let id = match m {
                jsonrpc::Message::Request(r) => r.id.as_ref(),
                jsonrpc::Message::Response(r) => Some(&r.id),
            };
            if let Some(id) = id {
                assert!(correlator.expect(id), "{id:?} twice in {items:?}");
            }
        }
    }
    assert!(
        singles > 1000 && calls > 500 && replies > 500,
        "{singles} {calls} {replies}"
    );
    assert_eq!(sizes, (1..=8).collect(), "batches of 1 to 8 items");
}

#[test]
fn msgpack_rpc_messages_round_trip() {
    let msgs: Vec<msgpack_rpc::OwnedMessage> = generated(4000);
    assert!(msgs.len() > 3000, "{}", msgs.len());
    let mut kinds = HashSet::new();
    for m in &msgs {
        let bytes = m.to_vec();
        let back = msgpack_rpc::Message::from_slice(&bytes)
            .unwrap_or_else(|e| panic!("{m:?} encodes to {bytes:02x?}, rejected: {e}"))
            .into_owned();
        assert_eq!(&back, m, "{bytes:02x?}");
        kinds.insert(std::mem::discriminant(m));
    }
    assert_eq!(kinds.len(), 3);
    // Values alone, of every family.
    for v in generated::<msgpack_rpc::Value>(2000) {
        let mut buf = Vec::new();
        msgpack_rpc::OwnedMessage::notification("v", vec![v.clone()]).encode(&mut buf);
        let back = msgpack_rpc::Message::from_slice(&buf).unwrap().into_owned();
        assert_eq!(back, msgpack_rpc::OwnedMessage::notification("v", vec![v]));
    }
}

#[test]
fn xmlrpc_messages_round_trip() {
    let msgs: Vec<xmlrpc::Message<'static>> = generated(4000);
    assert!(msgs.len() > 3000, "{}", msgs.len());
    let mut kinds = HashSet::new();
    let mut types = BTreeSet::new();
    for m in &msgs {
        let bytes = m.to_vec();
        let back = xmlrpc::decode(&bytes).unwrap_or_else(|e| {
            panic!(
                "{m:?} encodes to {}, rejected: {e}",
                String::from_utf8_lossy(&bytes)
            )
        });
        assert_eq!(&back, m, "{}", String::from_utf8_lossy(&bytes));
        kinds.insert(std::mem::discriminant(m));
        if let xmlrpc::Message::Call(c) = m {
            types.extend(c.params.iter().map(|v| v.type_name()));
        }
    }
    assert_eq!(kinds.len(), 3);
    // The spec's ten: int, i4, boolean, string, untyped, double, dateTime, base64, array,
    // struct; no extension.
    assert_eq!(types.len(), 10, "{types:?}");
}

/// Every type in `v`, nested ones too.
fn xmlrpc_types(v: &xmlrpc::Value<'_>, out: &mut BTreeSet<&'static str>) {
    out.insert(v.type_name());
    match v {
        xmlrpc::Value::Array(a) => a.iter().for_each(|v| xmlrpc_types(v, out)),
        xmlrpc::Value::Struct(m) => m.iter().for_each(|m| xmlrpc_types(&m.value, out)),
        _ => {}
    }
}

#[test]
fn xmlrpc_extensions_only_when_asked_and_round_trip_under_apache() {
    let apache = xmlrpc::Decoder {
        profile: xmlrpc::Profile::ApacheExtensions,
        ..Default::default()
    };
    let spec: BTreeSet<&str> = [
        "int",
        "i4",
        "boolean",
        "string",
        "value",
        "double",
        "dateTime.iso8601",
        "base64",
        "array",
        "struct",
    ]
    .into();
    // Without asking: the spec's types only, at every depth.
    let mut plain = BTreeSet::new();
    for v in generated::<xmlrpc::Value<'static>>(3000) {
        xmlrpc_types(&v, &mut plain);
    }
    assert_eq!(plain, spec);
    // Asked for: the extensions too; each message decodes back under ApacheExtensions.
    let msgs: Vec<WithExtensions<xmlrpc::Message<'static>>> = generated(4000);
    assert!(msgs.len() > 3000, "{}", msgs.len());
    let mut types = BTreeSet::new();
    for WithExtensions(m) in &msgs {
        let bytes = m.to_vec();
        let back = apache.decode_whole(&bytes).unwrap_or_else(|e| {
            panic!(
                "{m:?} encodes to {}, rejected: {e}",
                String::from_utf8_lossy(&bytes)
            )
        });
        assert_eq!(&back, m, "{}", String::from_utf8_lossy(&bytes));
        if let xmlrpc::Message::Call(c) = m {
            c.params.iter().for_each(|v| xmlrpc_types(v, &mut types));
        }
    }
    let extensions = ["nil", "i8", "ex:nil", "ex:i1", "ex:i2", "ex:i8", "ex:float"];
    assert_eq!(types, spec.iter().copied().chain(extensions).collect());
    // The strict profile reads the first two extensions and refuses Apache's.
    for v in generated::<WithExtensions<xmlrpc::Value<'static>>>(2000) {
        let m = xmlrpc::Message::Response(xmlrpc::MethodResponse::new(v.0));
        let mut t = BTreeSet::new();
        if let xmlrpc::Message::Response(r) = &m {
            r.params.iter().for_each(|v| xmlrpc_types(v, &mut t));
        }
        let apache_only = t.iter().any(|t| t.starts_with("ex:"));
        assert_eq!(xmlrpc::decode(&m.to_vec()).is_err(), apache_only, "{m:?}");
    }
}

/// Every type in `v` (nested too), with the element, key and value types of its containers.
#[derive(Default)]
struct ThriftTypes {
    fields: BTreeSet<thrift::TType>,
    elems: BTreeSet<thrift::TType>,
    keys: BTreeSet<thrift::TType>,
    values: BTreeSet<thrift::TType>,
}

impl ThriftTypes {
    fn walk(&mut self, v: &thrift::Value) {
        match v {
            thrift::Value::Struct(s) => self.fields(s),
            thrift::Value::List(l) | thrift::Value::Set(l) => {
                if !l.items().is_empty() {
                    self.elems.insert(l.elem_type());
                }
                l.items().iter().for_each(|v| self.walk(v));
            }
            thrift::Value::Map(m) => {
                for (k, v) in m.entries() {
                    self.keys.insert(k.ttype());
                    self.values.insert(v.ttype());
                    self.walk(k);
                    self.walk(v);
                }
            }
            _ => {}
        }
    }

    fn fields(&mut self, s: &thrift::Struct) {
        for (_, v) in &s.fields {
            self.fields.insert(v.ttype());
            self.walk(v);
        }
    }
}

#[test]
fn thrift_messages_round_trip_in_binary_compact_and_json() {
    use thrift::{Framing, MessageType, Protocol};
    let msgs: Vec<thrift::OwnedMessage> = generated(4000);
    assert!(msgs.len() > 3000, "{}", msgs.len());
    let mut kinds = BTreeSet::new();
    let mut types = ThriftTypes::default();
    let mut exceptions = BTreeSet::new();
    for m in &msgs {
        for protocol in [Protocol::Binary, Protocol::Compact] {
            let bytes = m.to_vec(protocol);
            assert_eq!(bytes.len(), m.encoded_len(protocol));
            let back = thrift::decode(&bytes)
                .unwrap_or_else(|e| panic!("{m:?} in {protocol:?}: {bytes:02x?}, rejected: {e}"))
                .into_owned();
            assert_eq!(&back, m, "{protocol:?}: {bytes:02x?}");
            let framed = m.to_framed_vec(protocol);
            let back = thrift::Decoder::new(protocol, Framing::Framed)
                .decode_whole(&framed)
                .unwrap()
                .into_owned();
            assert_eq!(&back, m, "{protocol:?} framed");
        }
        let json = thrift::json::to_vec(m);
        let back = thrift::json::decode(&json).unwrap_or_else(|e| {
            panic!(
                "{m:?} in TJSONProtocol: {}, rejected: {e}",
                String::from_utf8_lossy(&json)
            )
        });
        assert_eq!(&back, m, "{}", String::from_utf8_lossy(&json));
        kinds.insert(m.kind.name());
        types.fields(&m.body);
        if let Some((_, t)) = m.application_exception_ref() {
            exceptions.insert(t.name().unwrap_or("other"));
        }
        if m.kind == MessageType::Reply {
            assert!(
                m.body.fields.len() <= 1,
                "void, a return value or one exception"
            );
        }
    }
    assert_eq!(kinds, ["call", "exception", "oneway", "reply"].into());
    let all: BTreeSet<thrift::TType> = [
        "bool", "byte", "i16", "i32", "i64", "double", "binary", "uuid", "struct", "list", "set",
        "map",
    ]
    .iter()
    .map(|n| thrift::TType::from_name(n).unwrap_or_else(|| panic!("{n}")))
    .collect();
    assert_eq!(types.fields, all, "field types");
    assert_eq!(types.elems, all, "list and set element types");
    assert_eq!(types.values, all, "map value types");
    let scalars: BTreeSet<_> = all.iter().copied().filter(|t| !t.is_compound()).collect();
    assert_eq!(types.keys, scalars, "map key types");
    // The eleven types the libraries define, and others.
    assert_eq!(exceptions.len(), 12, "{exceptions:?}");
    // Values and structs alone.
    for v in generated::<thrift::Value>(2000) {
        let m = thrift::OwnedMessage::reply("v", 1, v);
        for protocol in [Protocol::Binary, Protocol::Compact] {
            let back = thrift::decode(&m.to_vec(protocol)).unwrap().into_owned();
            assert_eq!(back, m);
        }
        assert_eq!(thrift::json::decode(&thrift::json::to_vec(&m)).unwrap(), m);
    }
    for s in generated::<thrift::Struct>(2000) {
        let m = thrift::OwnedMessage::call("s", 1, s);
        let bytes = m.to_vec(Protocol::Compact);
        assert_eq!(thrift::decode(&bytes).unwrap().into_owned(), m);
    }
}

#[cfg(feature = "proptest")]
mod strategies {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]

        #[test]
        fn frames(f in msgwire::generate::strategy::<amqp::Frame<'static>>()) {
            let bytes = f.to_vec();
            prop_assert_eq!(amqp::decode(&bytes).unwrap(), f);
        }

        #[test]
        fn jsonrpc_messages(m in msgwire::generate::strategy::<jsonrpc::Message<'static>>()) {
            let bytes = m.to_vec();
            prop_assert_eq!(jsonrpc::decode(&bytes).unwrap(), jsonrpc::Payload::Single(m));
        }

        #[test]
        fn xmlrpc_messages(m in msgwire::generate::strategy::<xmlrpc::Message<'static>>()) {
            let bytes = m.to_vec();
            prop_assert_eq!(xmlrpc::decode(&bytes).unwrap(), m);
        }

        #[test]
        fn jsonrpc_payloads(p in msgwire::generate::strategy::<jsonrpc::Payload<'static>>()) {
            let bytes = p.to_vec();
            prop_assert_eq!(jsonrpc::decode(&bytes).unwrap(), p);
        }

        #[test]
        fn thrift_messages(m in msgwire::generate::strategy::<thrift::OwnedMessage>()) {
            let bytes = m.to_vec(thrift::Protocol::Compact);
            prop_assert_eq!(thrift::decode(&bytes).unwrap().into_owned(), m);
        }

        #[test]
        fn msgpack_messages(m in msgwire::generate::strategy::<msgpack_rpc::OwnedMessage>()) {
            let bytes = m.to_vec();
            prop_assert_eq!(msgpack_rpc::Message::from_slice(&bytes).unwrap().into_owned(), m);
        }
    }
}
