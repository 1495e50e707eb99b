//! Properties of the MessagePack-RPC codec: values and messages round-trip, arbitrary bytes
//! never panic, the stream splitter does not care how the stream is chunked, and adversarial
//! declared lengths are refused (or waited for) without buffering; `into_owned` and serde (one
//! pass over the bytes) agree with a walk through the views.
#![cfg(feature = "msgpack-rpc")]

use msgwire::msgpack_rpc::{
    scan, Int, Limits, Message, OwnedMessage, Profile, Splitter, Timestamp, Value, ValueRef,
};
use msgwire::Decoded;
use proptest::prelude::*;

fn float64() -> impl Strategy<Value = f64> {
    prop_oneof![
        prop::num::f64::NORMAL | prop::num::f64::SUBNORMAL | prop::num::f64::ZERO,
        Just(f64::INFINITY),
        Just(f64::NEG_INFINITY),
    ]
}

fn float32() -> impl Strategy<Value = f32> {
    prop::num::f32::NORMAL
        | prop::num::f32::SUBNORMAL
        | prop::num::f32::ZERO
        | prop::num::f32::INFINITE
}

fn int() -> impl Strategy<Value = Int> {
    prop_oneof![
        any::<u64>().prop_map(Int::from),
        any::<i64>().prop_map(Int::from),
        (-40i64..300).prop_map(Int::from),
        (0u32..20).prop_map(|s| Int::from(1u64 << (s * 3))),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Nil),
        any::<bool>().prop_map(Value::Bool),
        int().prop_map(Value::Int),
        float32().prop_map(Value::F32),
        float64().prop_map(Value::F64),
        ".{0,40}".prop_map(Value::Str),
        prop::collection::vec(any::<u8>(), 0..300).prop_map(Value::Bin),
        (any::<i8>(), prop::collection::vec(any::<u8>(), 0..20))
            .prop_filter("ext -1 is the timestamp", |(t, _)| *t != -1)
            .prop_map(|(t, d)| Value::Ext(t, d)),
        (any::<i64>(), 0u32..1_000_000_000)
            .prop_map(|(s, n)| Value::Timestamp(Timestamp::new(s, n).unwrap())),
    ]
}

fn value() -> impl Strategy<Value = Value> {
    leaf().prop_recursive(4, 64, 20, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..20).prop_map(Value::Array),
            prop::collection::vec((inner.clone(), inner), 0..18).prop_map(Value::Map),
        ]
    })
}

fn message() -> impl Strategy<Value = OwnedMessage> {
    let params = || prop::collection::vec(value(), 0..5);
    prop_oneof![
        (any::<u32>(), ".{0,20}", params()).prop_map(|(id, m, p)| OwnedMessage::request(id, m, p)),
        (any::<u32>(), value()).prop_map(|(id, r)| OwnedMessage::result(id, r)),
        (any::<u32>(), value()).prop_map(|(id, e)| OwnedMessage::error(id, e)),
        (".{0,20}", params()).prop_map(|(m, p)| OwnedMessage::notification(m, p)),
    ]
}

/// Walks a value completely (every lazy view), as a consumer would.
fn walk(v: ValueRef<'_>) -> usize {
    match v {
        ValueRef::Array(a) => 1 + a.iter().map(walk).sum::<usize>(),
        ValueRef::Map(m) => 1 + m.iter().map(|(k, v)| walk(k) + walk(v)).sum::<usize>(),
        _ => 1,
    }
}

/// `into_owned` as a recursive walk through the views (the reference the one-pass copy must match).
fn owned_by_views(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Array(a) => Value::Array(a.iter().map(owned_by_views).collect()),
        ValueRef::Map(m) => Value::Map(
            m.iter()
                .map(|(k, v)| (owned_by_views(k), owned_by_views(v)))
                .collect(),
        ),
        other => other.into_owned(),
    }
}

/// What serde's data model makes of a value (`deserialize_any`): ext and timestamps are
/// two-element sequences, str holding invalid UTF-8 is bytes.
fn serde_view(v: &Value) -> Value {
    match v {
        Value::Array(a) => Value::Array(a.iter().map(serde_view).collect()),
        Value::Map(m) => Value::Map(
            m.iter()
                .map(|(k, v)| (serde_view(k), serde_view(v)))
                .collect(),
        ),
        Value::Ext(t, d) => Value::Array(vec![
            Value::Int(Int::from(i64::from(*t))),
            Value::Bin(d.clone()),
        ]),
        Value::Timestamp(ts) => Value::Array(vec![
            Value::Int(Int::from(ts.seconds())),
            Value::Int(Int::from(u64::from(ts.nanos()))),
        ]),
        Value::RawStr(b) => Value::Bin(b.clone()),
        other => other.clone(),
    }
}

/// A `Value` rebuilt through serde's visitor interface.
struct Mirror(Value);

impl<'de> serde::Deserialize<'de> for Mirror {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::{MapAccess, SeqAccess, Visitor};
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Mirror;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("any MessagePack value")
            }
            fn visit_unit<E>(self) -> Result<Mirror, E> {
                Ok(Mirror(Value::Nil))
            }
            fn visit_bool<E>(self, b: bool) -> Result<Mirror, E> {
                Ok(Mirror(Value::Bool(b)))
            }
            fn visit_u64<E>(self, n: u64) -> Result<Mirror, E> {
                Ok(Mirror(Value::Int(Int::from(n))))
            }
            fn visit_i64<E>(self, n: i64) -> Result<Mirror, E> {
                Ok(Mirror(Value::Int(Int::from(n))))
            }
            fn visit_f32<E>(self, n: f32) -> Result<Mirror, E> {
                Ok(Mirror(Value::F32(n)))
            }
            fn visit_f64<E>(self, n: f64) -> Result<Mirror, E> {
                Ok(Mirror(Value::F64(n)))
            }
            fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Mirror, E> {
                Ok(Mirror(Value::Str(s.to_string())))
            }
            fn visit_borrowed_bytes<E>(self, b: &'de [u8]) -> Result<Mirror, E> {
                Ok(Mirror(Value::Bin(b.to_vec())))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<Mirror, A::Error> {
                let mut items = Vec::new();
                while let Some(Mirror(v)) = a.next_element()? {
                    items.push(v);
                }
                Ok(Mirror(Value::Array(items)))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut a: A) -> Result<Mirror, A::Error> {
                let mut pairs = Vec::new();
                while let Some((Mirror(k), Mirror(v))) = a.next_entry()? {
                    pairs.push((k, v));
                }
                Ok(Mirror(Value::Map(pairs)))
            }
        }
        d.deserialize_any(V)
    }
}

const PROFILES: [Profile; 3] = [Profile::Strict, Profile::Lenient, Profile::Neovim];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn values_round_trip(v in value()) {
        let bytes = v.to_vec();
        prop_assert_eq!(bytes.len(), v.encoded_len());
        let back = ValueRef::from_slice(&bytes).unwrap();
        prop_assert_eq!(back.encoded_len(), bytes.len());
        prop_assert_eq!(back.to_vec(), bytes.clone());
        prop_assert_eq!(back.into_owned(), v);
    }

    #[test]
    fn one_pass_copies_agree_with_the_views(v in value()) {
        let bytes = v.to_vec();
        let view = ValueRef::from_slice(&bytes).unwrap();
        prop_assert_eq!(view.into_owned(), owned_by_views(view));
        let Mirror(back) = msgwire::msgpack_rpc::from_value::<Mirror>(view).unwrap();
        prop_assert_eq!(back, serde_view(&v));
    }

    #[test]
    fn messages_round_trip(m in message()) {
        let bytes = m.to_vec();
        prop_assert_eq!(bytes.len(), m.encoded_len());
        let back = Message::from_slice(&bytes).unwrap();
        prop_assert_eq!(back.to_vec(), bytes.clone());
        prop_assert_eq!(back.into_owned(), m);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        for p in PROFILES {
            let limits = Limits { max_depth: 8, ..Limits::default() };
            match ValueRef::decode_with(&bytes, &limits, p) {
                Ok(Decoded::Complete { value, used }) => {
                    prop_assert!(used >= 1 && used <= bytes.len());
                    walk(value);
                    // What decoded re-encodes to bytes that decode and re-encode identically
                    // (compared as bytes, since random bytes can make a NaN).
                    let again = value.to_vec();
                    let back = ValueRef::from_slice_with(&again, &limits, p).unwrap();
                    prop_assert_eq!(back.to_vec(), again);
                }
                Ok(Decoded::NeedMore { at_least }) => prop_assert!(at_least >= 1),
                Err(e) => prop_assert!(e.offset() <= bytes.len() && !e.kind().is_empty()),
            }
            let _ = Message::decode_with(&bytes, &limits, p);
        }
    }

    #[test]
    fn mutated_messages_never_panic(
        m in message(),
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        let mut bytes = m.to_vec();
        let i = at.index(bytes.len());
        bytes[i] = byte;
        for p in PROFILES {
            if let Ok(Decoded::Complete { value, used }) = Message::decode_with(&bytes, &Limits::default(), p) {
                // Whatever is accepted re-encodes to a message that decodes and re-encodes to
                // the same bytes (compared as bytes: a mutation can make a NaN).
                let again = value.to_vec();
                let back = Message::from_slice_with(&again, &Limits::default(), p).unwrap();
                prop_assert_eq!(back.to_vec(), again);
                prop_assert!(used <= bytes.len());
            }
        }
    }

    #[test]
    fn prefixes_need_more_and_the_bound_is_safe(v in value(), cut in any::<prop::sample::Index>()) {
        let bytes = v.to_vec();
        let cut = cut.index(bytes.len());
        match scan(&bytes[..cut], &Limits::default(), Profile::Strict).unwrap() {
            Decoded::NeedMore { at_least } => {
                prop_assert!(at_least >= 1 && at_least <= bytes.len() - cut);
            }
            other => prop_assert!(false, "prefix {cut} of {}: {other:?}", bytes.len()),
        }
    }

    #[test]
    fn splitter_is_chunking_invariant(
        msgs in prop::collection::vec(message(), 1..6),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..12),
    ) {
        let frames: Vec<Vec<u8>> = msgs.iter().map(OwnedMessage::to_vec).collect();
        let stream = frames.concat();
        let mut at: Vec<usize> = cuts.iter().map(|c| c.index(stream.len() + 1)).collect();
        at.push(0);
        at.push(stream.len());
        at.sort_unstable();
        let mut s = Splitter::default();
        let mut out = Vec::new();
        for w in at.windows(2) {
            s.push(&stream[w[0]..w[1]]);
            while let Some(f) = s.next_frame().unwrap() {
                out.push(f.to_vec());
            }
        }
        prop_assert_eq!(out, frames);
        prop_assert_eq!(s.buffered(), 0);
    }

    #[test]
    fn adversarial_declared_lengths_are_not_buffered(
        marker in prop::sample::select(vec![0xdcu8, 0xdd, 0xde, 0xdf, 0xc5, 0xc6, 0xda, 0xdb, 0xc8, 0xc9]),
        len in any::<u32>(),
        tail in prop::collection::vec(any::<u8>(), 0..8),
    ) {
        let mut bytes = vec![marker];
        match marker {
            0xdc | 0xde | 0xc5 | 0xda | 0xc8 => bytes.extend_from_slice(&(len as u16).to_be_bytes()),
            _ => bytes.extend_from_slice(&len.to_be_bytes()),
        }
        if matches!(marker, 0xc8 | 0xc9) {
            bytes.push(7); // ext type
        }
        bytes.extend_from_slice(&tail);
        let small = Limits { max_message_size: 1024, max_elements: 1000, ..Limits::default() };
        match scan(&bytes, &small, Profile::Lenient) {
            // Declared more than the limits allow: refused from the header alone.
            Err(e) => prop_assert!(matches!(e.kind(), "size-limit" | "element-limit" | "reserved-byte" | "depth-limit")),
            Ok(Decoded::NeedMore { at_least }) => prop_assert!(bytes.len() + at_least <= 1024),
            Ok(Decoded::Complete { used, .. }) => prop_assert!(used <= bytes.len()),
        }
        // A splitter holds only what was pushed, whatever the header declares.
        let mut s = Splitter::new(small, Profile::Lenient);
        s.push(&bytes);
        let _ = s.next_frame();
        prop_assert!(s.buffered() <= bytes.len());
    }
}
