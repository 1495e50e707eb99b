//! `msgwire::generate` (features `arbitrary`, `proptest`): every generated message is valid:
//! the strict decoder accepts its encoding and gives the same message back; the generators
//! reach every message kind (and, for AMQP, every method of the table).
#![cfg(all(
    feature = "arbitrary",
    feature = "amqp",
    feature = "jsonrpc",
    feature = "msgpack-rpc",
    feature = "xmlrpc"
))]

use arbitrary::{Arbitrary, Unstructured};
use msgwire::{amqp, jsonrpc, msgpack_rpc, xmlrpc};
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
    assert_eq!(types.len(), 9, "{types:?}");
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
        fn msgpack_messages(m in msgwire::generate::strategy::<msgpack_rpc::OwnedMessage>()) {
            let bytes = m.to_vec();
            prop_assert_eq!(msgpack_rpc::Message::from_slice(&bytes).unwrap().into_owned(), m);
        }
    }
}
