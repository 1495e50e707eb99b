//! Properties of the Thrift codec: values of every type round-trip through both protocols
//! (and from one protocol's views straight into the other), `encoded_len` is exact, every
//! prefix of a message needs more and never errs, framing does not change the message, and
//! arbitrary bytes never panic; the same messages round-trip through TJSONProtocol.
#![cfg(feature = "thrift")]

use msgwire::thrift::{
    json, Decoder, Framing, HeaderFrame, Limits, List, Map, MessageType, OwnedHeaderFrame,
    OwnedMessage, Profile, Protocol, Splitter, Struct, TType, Value,
};
use msgwire::Decoded;
use proptest::prelude::*;

#[path = "support/thrift_values.rs"]
mod values;
use values::{strukt, Doubles};

fn message() -> impl Strategy<Value = OwnedMessage> {
    (
        "[a-zA-Z_.]{0,12}",
        prop::sample::select(vec![
            MessageType::Call,
            MessageType::Reply,
            MessageType::Exception,
            MessageType::Oneway,
        ]),
        any::<i32>(),
        strukt(3, Doubles::Comparable),
    )
        .prop_map(|(name, kind, seqid, body)| OwnedMessage::new(name, kind, seqid, body))
}

/// What a compact round trip can keep: an empty map carries no key and value types there.
fn compact_view(v: &Value) -> Value {
    match v {
        Value::Struct(s) => Value::Struct(compact_struct(s)),
        Value::List(l) => Value::List(compact_list(l)),
        Value::Set(l) => Value::Set(compact_list(l)),
        Value::Map(m) if m.entries().is_empty() => {
            Value::Map(Map::new(TType::Bool, TType::Bool, vec![]).unwrap())
        }
        Value::Map(m) => Value::Map(
            Map::new(
                m.key_type(),
                m.value_type(),
                m.entries()
                    .iter()
                    .map(|(k, v)| (compact_view(k), compact_view(v)))
                    .collect(),
            )
            .unwrap(),
        ),
        v => v.clone(),
    }
}

fn compact_list(l: &List) -> List {
    List::new(l.elem_type(), l.items().iter().map(compact_view).collect()).unwrap()
}

fn compact_struct(s: &Struct) -> Struct {
    Struct {
        fields: s
            .fields
            .iter()
            .map(|(id, v)| (*id, compact_view(v)))
            .collect(),
    }
}

fn kept(msg: &OwnedMessage, p: Protocol) -> OwnedMessage {
    match p {
        Protocol::Compact => OwnedMessage {
            body: compact_struct(&msg.body),
            ..msg.clone()
        },
        _ => msg.clone(),
    }
}

const PROTOCOLS: [Protocol; 2] = [Protocol::Binary, Protocol::Compact];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn messages_round_trip_in_both_protocols(msg in message()) {
        for p in PROTOCOLS {
            let wire = msg.to_vec(p);
            prop_assert_eq!(wire.len(), msg.encoded_len(p));
            let m = Decoder::new(p, Framing::Unframed).decode_whole(&wire).unwrap();
            prop_assert_eq!(m.into_owned(), kept(&msg, p));
            prop_assert_eq!(m.to_vec(p), wire.clone());
            let framed = msg.to_framed_vec(p);
            let f = Decoder::new(p, Framing::Framed).decode_whole(&framed).unwrap();
            prop_assert_eq!(f, m);
        }
    }

    #[test]
    fn views_transcode_without_an_owned_copy(msg in message()) {
        // Binary keeps everything compact keeps, so binary → compact equals owned → compact.
        let wire = msg.to_vec(Protocol::Binary);
        let m = msgwire::thrift::decode(&wire).unwrap();
        let compact = m.to_vec(Protocol::Compact);
        prop_assert_eq!(compact.len(), m.encoded_len(Protocol::Compact));
        prop_assert_eq!(&compact, &msg.to_vec(Protocol::Compact));
        let back = msgwire::thrift::decode(&compact).unwrap();
        prop_assert_eq!(back.into_owned(), kept(&msg, Protocol::Compact));
    }

    #[test]
    fn every_prefix_needs_more(msg in message(), cut in any::<prop::sample::Index>()) {
        for p in PROTOCOLS {
            let wire = msg.to_vec(p);
            let cut = cut.index(wire.len());
            match Decoder::new(p, Framing::Unframed).decode(&wire[..cut]) {
                Ok(Decoded::NeedMore { at_least }) => prop_assert!(cut + at_least <= wire.len()),
                other => prop_assert!(false, "{:?} at {}: {:?}", p, cut, other),
            }
        }
    }

    #[test]
    fn messages_round_trip_through_tjsonprotocol(msg in message(), cut in any::<prop::sample::Index>()) {
        // Every type, any bytes in a string (written raw or escaped, read back alike), doubles
        // as %.17g, map keys quoted: the same message back, and the same text again.
        let wire = json::to_vec(&msg);
        let back = json::decode(&wire).unwrap();
        prop_assert_eq!(&back, &msg);
        prop_assert_eq!(json::to_vec(&back), wire.clone());
        // Cut anywhere: need more, never an error.
        let n = cut.index(wire.len());
        let d = json::decode_with(&wire[..n], &Limits::default(), Profile::Strict);
        prop_assert!(matches!(d, Ok(Decoded::NeedMore { .. })), "{:?}", d);
        // Framed: the same message after its length.
        let mut framed = (wire.len() as u32).to_be_bytes().to_vec();
        framed.extend_from_slice(&wire);
        let f = json::decode_framing(&framed, &Limits::default(), Profile::Strict, Framing::Framed).unwrap();
        prop_assert_eq!(f, Decoded::Complete { value: msg.clone(), used: framed.len() });
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        for p in PROTOCOLS {
            for framing in [Framing::Unframed, Framing::Framed] {
                for profile in [Profile::Strict, Profile::Lenient] {
                    let d = Decoder { profile, ..Decoder::new(p, framing) };
                    if let Ok(Decoded::Complete { value, used }) = d.decode(&bytes) {
                        prop_assert!(used <= bytes.len());
                        // A message that decodes re-encodes to bytes that decode to it.
                        let again = value.to_vec(p);
                        let v2 = Decoder { profile: Profile::Lenient, ..Decoder::new(p, Framing::Unframed) }
                            .decode_whole(&again).unwrap();
                        // Compared as bytes: a double can be a NaN, unequal to itself.
                        prop_assert_eq!(v2.into_owned().to_vec(p), value.into_owned().to_vec(p));
                    }
                }
            }
        }
    }

    #[test]
    fn mutated_messages_never_panic(msg in message(), at in any::<prop::sample::Index>(), byte in any::<u8>()) {
        for p in PROTOCOLS {
            let mut wire = msg.to_vec(p);
            let i = at.index(wire.len());
            wire[i] = byte;
            if let Ok(m) = Decoder::new(p, Framing::Unframed).decode_whole(&wire) {
                let _ = m.into_owned();
                let _ = m.to_vec(Protocol::Compact);
            }
        }
    }

    #[test]
    fn header_frames_round_trip(
        msg in message(),
        flags in any::<u16>(),
        info in prop::collection::vec(
            (prop::collection::vec(any::<u8>(), 0..8), prop::collection::vec(any::<u8>(), 0..140)),
            0..4,
        ),
        cut in any::<prop::sample::Index>(),
        chunk in 1usize..40,
    ) {
        for p in PROTOCOLS {
            let frame = OwnedHeaderFrame { flags, info: info.clone(), ..OwnedHeaderFrame::new(msg.clone(), p) };
            let wire = frame.to_vec();
            prop_assert_eq!(wire.len(), frame.encoded_len());
            // Header padded to whole words.
            let words = usize::from(u16::from_be_bytes([wire[12], wire[13]]));
            prop_assert_eq!(wire.len(), 14 + 4 * words + msg.encoded_len(p));
            let (f, used) = HeaderFrame::decode_with(&wire, &Limits::default(), Profile::Strict)
                .unwrap().complete().unwrap();
            prop_assert_eq!(used, wire.len());
            prop_assert_eq!(f.into_owned(), OwnedHeaderFrame { message: kept(&msg, p), ..frame.clone() });
            prop_assert_eq!(f.to_vec(), wire.clone());
            // Cut anywhere: need more, never an error.
            let n = cut.index(wire.len());
            let d = HeaderFrame::decode_with(&wire[..n], &Limits::default(), Profile::Strict);
            prop_assert!(matches!(d, Ok(Decoded::NeedMore { at_least }) if n + at_least <= wire.len()), "{:?}", d);
            // Through the decoder and the splitter, in pieces.
            let m = Decoder::new(Protocol::Binary, Framing::Header).decode_whole(&wire).unwrap();
            prop_assert_eq!(m, f.message);
            let mut s = Splitter::new(Decoder::new(p, Framing::Header));
            let mut got = Vec::new();
            for piece in wire.chunks(chunk) {
                s.push(piece);
                while let Some(m) = s.next_message().unwrap() {
                    got.push(m);
                }
            }
            prop_assert_eq!(got, vec![kept(&msg, p)]);
        }
    }

    #[test]
    fn mutated_header_frames_never_panic(
        msg in message(),
        key in prop::collection::vec(any::<u8>(), 0..8),
        at in any::<prop::sample::Index>(),
        byte in any::<u8>(),
    ) {
        for p in PROTOCOLS {
            let mut wire = OwnedHeaderFrame::new(msg.clone(), p).with_info(key.clone(), "v").to_vec();
            // Mostly in the frame's head and header, where the header's own rules are.
            let i = at.index(wire.len().min(40));
            wire[i] = byte;
            for profile in [Profile::Strict, Profile::Lenient] {
                if let Ok(Decoded::Complete { value, used }) = HeaderFrame::decode_with(&wire, &Limits::default(), profile) {
                    prop_assert!(used <= wire.len());
                    let again = value.to_vec();
                    let (v2, _) = HeaderFrame::decode_with(&again, &Limits::default(), Profile::Lenient)
                        .unwrap().complete().unwrap();
                    // Compared as bytes: a mutated double can be a NaN, unequal to itself.
                    prop_assert_eq!(v2.into_owned().to_vec(), value.into_owned().to_vec());
                }
            }
        }
    }
}
