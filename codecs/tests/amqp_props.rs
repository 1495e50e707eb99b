//! Properties of the AMQP codec: round trips, strict decodes re-encode byte-exact, chunking
//! invariance, and no panic on arbitrary or mutated input.
#![cfg(feature = "amqp")]

use msgwire::amqp::*;
use msgwire::Decoded;
use proptest::prelude::*;

fn arb_bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(any::<u8>(), 0..max)
}

fn arb_leaf() -> impl Strategy<Value = FieldValue<'static>> {
    prop_oneof![
        any::<bool>().prop_map(FieldValue::Bool),
        any::<i8>().prop_map(FieldValue::I8),
        any::<u8>().prop_map(FieldValue::U8),
        any::<i16>().prop_map(FieldValue::I16),
        any::<i16>().prop_map(FieldValue::SpecI16),
        any::<u16>().prop_map(FieldValue::U16),
        any::<i32>().prop_map(FieldValue::I32),
        any::<u32>().prop_map(FieldValue::U32),
        any::<i64>().prop_map(FieldValue::I64),
        any::<i64>().prop_map(FieldValue::SpecI64),
        // NaN != NaN: compare floats by their bits in the round-trip test instead.
        any::<f32>()
            .prop_filter("not NaN", |f| !f.is_nan())
            .prop_map(FieldValue::F32),
        any::<f64>()
            .prop_filter("not NaN", |f| !f.is_nan())
            .prop_map(FieldValue::F64),
        (any::<u8>(), any::<u32>())
            .prop_map(|(scale, value)| FieldValue::Decimal(Decimal { scale, value })),
        arb_bytes(40).prop_map(|b| FieldValue::LongStr(LongStr::new(b).unwrap())),
        arb_bytes(40).prop_map(|b| FieldValue::Bytes(LongStr::new(b).unwrap())),
        any::<u64>().prop_map(FieldValue::Timestamp),
        Just(FieldValue::Void),
    ]
}

fn arb_value() -> impl Strategy<Value = FieldValue<'static>> {
    arb_leaf().prop_recursive(4, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6)
                .prop_map(|vs| FieldValue::Array(FieldArray::from_values(vs))),
            prop::collection::vec((arb_bytes(12), inner), 0..6).prop_map(|entries| {
                let mut b = FieldTable::builder();
                for (k, v) in entries {
                    b.insert(k, v).unwrap();
                }
                FieldValue::Table(b.build())
            }),
        ]
    })
}

fn arb_table() -> impl Strategy<Value = FieldTable<'static>> {
    prop::collection::vec((arb_bytes(12), arb_value()), 0..6).prop_map(|entries| {
        let mut b = FieldTable::builder();
        for (k, v) in entries {
            b.insert(k, v).unwrap();
        }
        b.build()
    })
}

fn arb_field(domain: Domain) -> BoxedStrategy<FieldVal<'static>> {
    match domain {
        Domain::Bit => any::<bool>().prop_map(FieldVal::Bit).boxed(),
        Domain::Octet => any::<u8>().prop_map(FieldVal::Octet).boxed(),
        Domain::Short => any::<u16>().prop_map(FieldVal::Short).boxed(),
        Domain::Long => any::<u32>().prop_map(FieldVal::Long).boxed(),
        Domain::LongLong | Domain::Timestamp => any::<u64>().prop_map(FieldVal::LongLong).boxed(),
        Domain::ShortStr => arb_bytes(256)
            .prop_map(|b| FieldVal::ShortStr(ShortStr::new(b).unwrap()))
            .boxed(),
        Domain::LongStr => arb_bytes(300)
            .prop_map(|b| FieldVal::LongStr(LongStr::new(b).unwrap()))
            .boxed(),
        Domain::Table => arb_table().prop_map(FieldVal::Table).boxed(),
    }
}

fn arb_method() -> impl Strategy<Value = Method<'static>> {
    (0..METHODS.len()).prop_flat_map(|i| {
        let info = &METHODS[i];
        let fields: Vec<_> = info.fields.iter().map(|(_, d)| arb_field(*d)).collect();
        fields.prop_map(move |vals| {
            let mut vals = vals.into_iter();
            Method::from_fields(info.id, &mut |_, _| Ok(vals.next().unwrap())).unwrap()
        })
    })
}

fn arb_properties() -> impl Strategy<Value = BasicProperties<'static>> {
    let all = BasicProperties::ALL;
    let fields: Vec<_> = all
        .iter()
        .map(|(_, _, d)| prop::option::of(arb_field(*d)))
        .collect();
    fields.prop_map(|vals| {
        let mut vals = vals.into_iter();
        BasicProperties::from_fields(&mut |_, _| Ok(vals.next().unwrap())).unwrap()
    })
}

fn arb_frame() -> impl Strategy<Value = Frame<'static>> {
    prop_oneof![
        any::<[u8; 4]>().prop_map(|octets| Frame::ProtocolHeader(ProtocolHeader { octets })),
        (any::<u16>(), arb_method())
            .prop_map(|(channel, method)| Frame::Method { channel, method }),
        (any::<u16>(), any::<u64>(), arb_properties(), 1u32..4).prop_map(
            |(channel, size, props, words)| {
                let mut header = ContentHeader::new(size, props);
                header.flag_words = words;
                Frame::Header { channel, header }
            }
        ),
        (any::<u16>(), arb_bytes(2000)).prop_map(|(channel, b)| Frame::Body {
            channel,
            payload: Payload::Shared(b.into()),
        }),
        Just(Frame::Heartbeat),
    ]
}

/// No frame-max, and RabbitMQ's profile so that the legacy access class decodes too.
fn unlimited() -> Decoder {
    Decoder {
        limits: Limits {
            frame_max: 0,
            ..Limits::default()
        },
        profile: Profile::RabbitMq,
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn frames_round_trip(frame in arb_frame()) {
        let wire = frame.to_vec();
        prop_assert_eq!(wire.len(), frame.encoded_len());
        let Decoded::Complete { value, used } = unlimited().decode(&wire).unwrap() else {
            panic!("incomplete")
        };
        prop_assert_eq!(used, wire.len());
        prop_assert_eq!(&value.to_vec(), &wire);
        prop_assert_eq!(value, frame);
    }

    #[test]
    fn arbitrary_bytes_never_panic_and_strict_decodes_reencode_exactly(bytes in arb_bytes(600)) {
        for profile in [Profile::Strict, Profile::RabbitMq] {
            let decoder = Decoder { profile, ..unlimited() };
            match decoder.decode(&bytes) {
                Ok(Decoded::Complete { value, used }) => {
                    prop_assert!(used <= bytes.len());
                    if profile == Profile::Strict {
                        prop_assert_eq!(value.to_vec(), &bytes[..used]);
                    }
                }
                Ok(Decoded::NeedMore { at_least }) => prop_assert!(at_least >= 1),
                Err(e) => prop_assert!(e.offset() <= bytes.len() && e.code().0 >= 500),
            }
        }
    }

    #[test]
    fn mutated_frames_decode_or_fail_typed(
        frame in arb_frame(),
        flips in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
        cut in any::<prop::sample::Index>(),
    ) {
        let mut wire = frame.to_vec();
        for (at, x) in flips {
            let i = at.index(wire.len());
            wire[i] ^= x;
        }
        let wire = &wire[..cut.index(wire.len() + 1)];
        // RabbitMQ's profile ignores what RabbitMQ ignores (reserved bits of a bit octet: a
        // flip that sets one decodes, and re-encodes without it), so its value re-encodes to
        // the same value; the strict profile refuses those, so what it decodes re-encodes to
        // the very bytes.
        match unlimited().decode(wire) {
            Ok(Decoded::Complete { value, used }) => {
                prop_assert!(used <= wire.len());
                let again = value.to_vec();
                match unlimited().decode(&again) {
                    Ok(Decoded::Complete { value: back, used }) => {
                        prop_assert_eq!(used, again.len());
                        prop_assert_eq!(back, value);
                    }
                    other => prop_assert!(false, "re-encoded frame: {:?}", other),
                }
            }
            Ok(Decoded::NeedMore { at_least }) => prop_assert!(at_least >= 1),
            Err(e) => prop_assert!(!e.kind().is_empty()),
        }
        let strict = Decoder { profile: Profile::Strict, ..unlimited() };
        match strict.decode(wire) {
            Ok(Decoded::Complete { value, used }) => prop_assert_eq!(value.to_vec(), &wire[..used]),
            Ok(Decoded::NeedMore { at_least }) => prop_assert!(at_least >= 1),
            Err(e) => prop_assert!(!e.kind().is_empty()),
        }
    }

    #[test]
    fn any_chunking_yields_the_same_frames(
        frames in prop::collection::vec(arb_frame(), 1..6),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..12),
    ) {
        let mut wire = Vec::new();
        for f in &frames {
            f.encode(&mut wire);
        }
        let mut cuts: Vec<usize> = cuts.iter().map(|c| c.index(wire.len() + 1)).collect();
        cuts.push(wire.len());
        cuts.sort_unstable();
        let decoder = unlimited();
        let (mut buf, mut got, mut fed) = (Vec::new(), Vec::new(), 0);
        for cut in cuts {
            buf.extend_from_slice(&wire[fed..cut]);
            fed = cut;
            while let Decoded::Complete { value, used } = decoder.decode(&buf).unwrap() {
                got.push(value.into_owned());
                buf.drain(..used);
            }
        }
        prop_assert!(buf.is_empty());
        prop_assert_eq!(got, frames);
    }
}

/// The case `mutated_frames_decode_or_fail_typed` once met: basic.nack with a reserved bit of
/// its bit octet set (7 where multiple and requeue are 3). RabbitMQ's profile reads it and
/// re-encodes 3; the strict profile refuses it as reserved-bits.
#[test]
fn a_reserved_bit_is_ignored_by_rabbitmq_and_refused_strictly() {
    let mut wire = vec![1, 0, 1, 0, 0, 0, 13, 0, 60, 0, 120, 0, 0, 0, 0, 0, 0, 0, 5];
    wire.push(7);
    wire.push(0xce);
    let Ok(Decoded::Complete { value, used }) = unlimited().decode(&wire) else {
        panic!("RabbitMQ's profile reads it")
    };
    assert_eq!(used, wire.len());
    let again = value.to_vec();
    assert_eq!(again[again.len() - 2], 3);
    let strict = Decoder {
        profile: Profile::Strict,
        ..unlimited()
    };
    let e = strict.decode(&wire).unwrap_err();
    assert_eq!(e.kind(), "reserved-bits");
}
