//! Unit tests: both protocols' encodings byte by byte, the old binary header, limits and typed
//! errors with offsets, streaming and framing, `TApplicationException`.

use super::*;
use crate::Decoded;

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace([' ', '-', '\n'], "")).unwrap()
}

fn dec(protocol: Protocol) -> Decoder {
    Decoder::new(protocol, Framing::Unframed)
}

fn err(protocol: Protocol, bytes: &[u8]) -> Error {
    dec(protocol).decode_whole(bytes).unwrap_err()
}

/// A struct with one field of every type, in both protocols.
fn every_type() -> Struct {
    let list = List::new(TType::I32, vec![1i32.into(), (-2i32).into()]).unwrap();
    let set = List::new(TType::Binary, vec!["a".into()]).unwrap();
    let bools = List::new(TType::Bool, vec![true.into(), false.into()]).unwrap();
    let map = Map::new(
        TType::Binary,
        TType::I64,
        vec![("k".into(), Value::I64(i64::MIN))],
    )
    .unwrap();
    Struct::new()
        .with(1, true)
        .with(2, false)
        .with(3, -5i8)
        .with(4, i16::MIN)
        .with(5, i32::MAX)
        .with(6, -1i64)
        .with(7, 1.5f64)
        .with(8, "héllo")
        .with(9, vec![0u8, 255])
        .with(10, Value::Uuid([7; 16]))
        .with(11, Struct::new().with(1, 1i32))
        .with(12, Value::List(list))
        .with(13, Value::Set(set))
        .with(14, map)
        .with(15, Value::List(bools))
        // An empty compact map carries no types ("empty-map ::= `0`"): they read as bool.
        .with(
            40,
            Value::Map(Map::new(TType::Bool, TType::Bool, vec![]).unwrap()),
        )
        .with(-3, Value::List(List::new(TType::Struct, vec![]).unwrap()))
}

#[test]
fn binary_strict_call_byte_by_byte() {
    let msg = OwnedMessage::call("ping", 1, Struct::new().with(1, 7i32));
    let wire = msg.to_vec(Protocol::Binary);
    // version|type, name length, name, seqid, field (i32, id 1, 7), STOP.
    assert_eq!(
        wire,
        h("80010001 00000004 70696e67 00000001 08 0001 00000007 00")
    );
    assert_eq!(msg.encoded_len(Protocol::Binary), wire.len());
    let m = decode(&wire).unwrap();
    assert_eq!((m.name, m.kind, m.seqid), ("ping", MessageType::Call, 1));
    assert_eq!(m.body.iter().collect::<Vec<_>>(), [(1, ValueRef::I32(7))]);
    assert_eq!(m.into_owned(), msg);
    assert_eq!(m.to_vec(Protocol::Binary), wire);
}

#[test]
fn binary_old_header_is_read() {
    // "name length | name | 00000mmm | seq id": no version.
    let wire = h("00000004 70696e67 02 0000002a 00");
    let m = decode(&wire).unwrap();
    assert_eq!((m.name, m.kind, m.seqid), ("ping", MessageType::Reply, 42));
    assert!(m.body.is_empty());
    // Written back with the strict header.
    assert_eq!(
        m.to_vec(Protocol::Binary),
        h("80010002 00000004 70696e67 0000002a 00")
    );
    // The unused byte of the strict header is ignored.
    assert!(decode(&h("8001ff01 00000000 00000000 00")).is_ok());
}

#[test]
fn compact_header_and_fields_byte_by_byte() {
    let body = Struct::new()
        .with(1, true)
        .with(2, 300i32)
        .with(20, false)
        .with(-1, 1i16);
    let msg = OwnedMessage::new("add", MessageType::Oneway, 300, body);
    let wire = msg.to_vec(Protocol::Compact);
    assert_eq!(
        wire,
        h("82 81 ac02 03 616464 \
           11 15 d804 02 28 04 01 02 00")
    );
    assert_eq!(msg.encoded_len(Protocol::Compact), wire.len());
    let m = decode(&wire).unwrap();
    assert_eq!((m.name, m.kind, m.seqid), ("add", MessageType::Oneway, 300));
    assert_eq!(
        m.body.iter().collect::<Vec<_>>(),
        [
            (1, ValueRef::Bool(true)),
            (2, ValueRef::I32(300)),
            (20, ValueRef::Bool(false)),
            (-1, ValueRef::I16(1)),
        ]
    );
}

#[test]
fn compact_containers_byte_by_byte() {
    let long: Vec<Value> = (0..15).map(|i| Value::Byte(i as i8)).collect();
    let body = Struct::new()
        .with(
            1,
            Value::List(List::new(TType::Bool, vec![true.into(), false.into()]).unwrap()),
        )
        .with(2, Value::Set(List::new(TType::Byte, long).unwrap()))
        .with(
            3,
            Value::Map(Map::new(TType::I16, TType::Double, vec![]).unwrap()),
        )
        .with(
            4,
            Value::Map(
                Map::new(TType::I16, TType::Double, vec![(2i16.into(), 1.0.into())]).unwrap(),
            ),
        );
    let wire = body.to_vec(Protocol::Compact);
    assert_eq!(
        hex::encode(&wire),
        [
            "19",
            "21",
            "01",
            "02", // list<bool>: size 2, elem 1; true 1, false 2
            "1a",
            "f3",
            "0f",
            "000102030405060708090a0b0c0d0e", // set<byte>, long form
            "1b",
            "00", // empty map: a single 0
            "1b",
            "01",
            "47",
            "04",
            "000000000000f03f", // map<i16,double>, LE double
            "00",
        ]
        .concat()
    );
    // Bool elements: the spec's 0 for false is read too.
    let spec = h("19 21 01 00 00");
    let owned = StructRef::new(&spec, Protocol::Compact).into_owned();
    assert_eq!(
        owned.get(1),
        Some(&Value::List(
            List::new(TType::Bool, vec![true.into(), false.into()]).unwrap()
        ))
    );
}

#[test]
fn every_type_round_trips_and_transcodes() {
    let msg = OwnedMessage::call("everything", -9, every_type());
    for p in [Protocol::Binary, Protocol::Compact] {
        let wire = msg.to_vec(p);
        assert_eq!(wire.len(), msg.encoded_len(p));
        let m = dec(p).decode_whole(&wire).unwrap();
        assert_eq!(m.into_owned(), msg, "{p:?}");
        assert_eq!(m.to_vec(p), wire);
        let other = if p == Protocol::Binary {
            Protocol::Compact
        } else {
            Protocol::Binary
        };
        // View → other protocol, without an owned copy, equals the owned encoding.
        assert_eq!(m.to_vec(other), msg.to_vec(other));
        assert_eq!(m.encoded_len(other), msg.encoded_len(other));
        // Strings borrow from the input.
        let ValueRef::Binary(s) = m.body.get(8).unwrap() else {
            panic!()
        };
        let range = wire.as_ptr_range();
        assert!(range.contains(&s.as_ptr()));
    }
}

#[test]
fn every_prefix_needs_more_and_the_bound_is_safe() {
    let msg = OwnedMessage::call("everything", 3, every_type());
    for p in [Protocol::Binary, Protocol::Compact] {
        let wire = msg.to_vec(p);
        for cut in 0..wire.len() {
            match dec(p).decode(&wire[..cut]).unwrap() {
                Decoded::NeedMore { at_least } => {
                    assert!(at_least >= 1 && cut + at_least <= wire.len(), "{p:?} {cut}")
                }
                d => panic!("{p:?} {cut}: {d:?}"),
            }
        }
        let mut two = wire.clone();
        two.extend_from_slice(&wire);
        let (_, used) = dec(p).decode(&two).unwrap().complete().unwrap();
        assert_eq!(used, wire.len());
        assert_eq!(
            dec(p).decode_whole(&two).unwrap_err(),
            Error::TrailingBytes {
                offset: wire.len(),
                count: wire.len()
            }
        );
    }
}

#[test]
fn framed_messages_check_the_length_before_waiting() {
    let msg = OwnedMessage::reply("f", 5, 1i32);
    let framed = Decoder::new(Protocol::Binary, Framing::Framed);
    let wire = msg.to_framed_vec(Protocol::Binary);
    assert_eq!(&wire[..4], &(wire.len() as u32 - 4).to_be_bytes());
    for cut in 0..wire.len() {
        assert!(framed.decode(&wire[..cut]).unwrap().is_need_more());
    }
    let (m, used) = framed.decode(&wire).unwrap().complete().unwrap();
    assert_eq!((m.seqid, used), (5, wire.len()));
    // A frame above the limit or negative is refused from its 4 bytes alone.
    let e = framed.decode(&h("7fffffff")).unwrap_err();
    assert_eq!(e.kind(), "frame-size");
    assert_eq!(e.code(), ProtocolErrorCode::SIZE_LIMIT);
    assert_eq!(
        framed.decode(&h("ffffffff")).unwrap_err().kind(),
        "frame-size"
    );
    // A frame whose message is shorter or longer than it: offsets in the whole input.
    let mut short = wire.clone();
    short[3] += 1;
    short.push(0);
    assert_eq!(
        framed.decode(&short).unwrap_err(),
        Error::TrailingBytes {
            offset: wire.len(),
            count: 1
        }
    );
    let mut long = wire[..wire.len() - 1].to_vec();
    long[3] -= 1;
    assert_eq!(framed.decode(&long).unwrap_err().kind(), "truncated");
}

#[test]
fn header_errors_are_typed_with_offsets() {
    let cases: &[(Protocol, &str, &str, usize)] = &[
        (
            Protocol::Binary,
            "80020001 00000000 00000000 00",
            "bad-version",
            0,
        ),
        (
            Protocol::Binary,
            "80010005 00000000 00000000 00",
            "message-type",
            3,
        ),
        (
            Protocol::Binary,
            "80010000 00000000 00000000 00",
            "message-type",
            3,
        ),
        (Protocol::Binary, "80010001 ffffffff", "negative-length", 4),
        (
            Protocol::Binary,
            "80010001 00000001 ff 00000000 00",
            "invalid-utf8",
            8,
        ),
        (
            Protocol::Binary,
            "00000000 09 00000000 00",
            "message-type",
            4,
        ),
        (Protocol::Compact, "83 21 00 00 00", "bad-protocol-id", 0),
        (Protocol::Compact, "82 22 00 00 00", "bad-version", 1),
        (Protocol::Compact, "82 a1 00 00 00", "message-type", 1),
        (
            Protocol::Compact,
            "82 21 8080808080 00 00",
            "overlong-varint",
            2,
        ),
        (
            Protocol::Compact,
            "82 21 8080808010 00 00",
            "overlong-varint",
            2,
        ),
        (
            Protocol::Compact,
            "82 21 00 ffffffff0f",
            "negative-length",
            3,
        ),
    ];
    for &(p, bytes, kind, offset) in cases {
        let e = err(p, &h(bytes));
        assert_eq!((e.kind(), e.offset()), (kind, offset), "{bytes}: {e}");
    }
    assert_eq!(
        err(Protocol::Binary, &h("80020001")).code(),
        ProtocolErrorCode::BAD_VERSION
    );
    // The largest 5-byte var int is fine (seqid -1).
    let bytes = h("82 21 ffffffff0f 00 00");
    let m = dec(Protocol::Compact).decode_whole(&bytes).unwrap();
    assert_eq!(m.seqid, -1);
}

#[test]
fn body_errors_are_typed_with_offsets() {
    // Binary: header "80010001 00000000 00000000" (12 bytes), then the body.
    let b = |body: &str| {
        err(
            Protocol::Binary,
            &h(&format!("80010001 00000000 00000000 {body}")),
        )
    };
    let c = |body: &str| err(Protocol::Compact, &h(&format!("82 21 00 00 {body}")));
    let cases: Vec<(Error, &str, usize)> = vec![
        (b("01 0001 00"), "unknown-type", 12),
        (b("07 0001 00"), "unknown-type", 12),
        (b("11 0001 00"), "unknown-type", 12),
        (b("0f 0001 01 00000000 00"), "unknown-type", 15),
        (b("0d 0001 0b 11 00000000 00"), "unknown-type", 16),
        (b("0b 0001 80000000"), "negative-length", 15),
        (b("0f 0001 08 fffffffe"), "negative-length", 16),
        (b("02 0001 02 00"), "invalid-bool", 15),
        (b("0f 0001 08 7fffffff"), "size-limit", 15),
        (b("0d 0001 0a 0a 7fffffff"), "size-limit", 15),
        (c("1f 00"), "unknown-type", 4),
        (c("1e 00"), "unknown-type", 4),
        (c("19 1e 00"), "unknown-type", 5),
        (c("19 f0 00"), "unknown-type", 5),
        (c("19 f5 ffffffff07 00"), "size-limit", 5),
        (c("18 8080808080"), "overlong-varint", 5),
        (c("16 80808080808080808080 00"), "overlong-varint", 5),
        (c("14 feff07 00"), "integer-range", 5),
        (c("05 feff07 00"), "integer-range", 5),
        (c("19 11 05 00"), "invalid-bool", 6),
        (c("1b ffffffff0f 00"), "negative-length", 5),
    ];
    for (e, kind, offset) in cases {
        assert_eq!((e.kind(), e.offset()), (kind, offset), "{e}");
    }
    // Field id deltas that leave the i16 range.
    let e = c("05 feff03 00 15 00 00");
    assert_eq!(e.kind(), "field-id", "{e}");
    // The lenient profile reads any bool byte, as the reference implementations do.
    let lenient = Decoder {
        profile: Profile::Lenient,
        ..dec(Protocol::Binary)
    };
    let bytes = h("80010001 00000000 00000000 02 0001 02 00");
    let m = lenient.decode_whole(&bytes).unwrap();
    assert_eq!(m.body.get(1), Some(ValueRef::Bool(true)));
}

#[test]
fn limits_are_checked_before_the_bytes_arrive() {
    let limits = Limits {
        max_string: 10,
        max_container: 3,
        max_message_size: 100,
        ..Limits::default()
    };
    let d = Decoder {
        limits,
        ..dec(Protocol::Binary)
    };
    let head = "80010001 00000000 00000000";
    // A string of 11 bytes, declared: refused without its bytes.
    let e = d
        .decode(&h(&format!("{head} 0b 0001 0000000b")))
        .unwrap_err();
    assert_eq!(
        (e.kind(), e.code()),
        ("string-limit", ProtocolErrorCode::SIZE_LIMIT)
    );
    let e = d
        .decode(&h(&format!("{head} 0f 0001 03 00000004")))
        .unwrap_err();
    assert_eq!(e.kind(), "element-limit");
    // 3 strings take at least 12 bytes: fine; 11 i64 take 88, past 100 with the rest.
    assert!(d
        .decode(&h(&format!("{head} 0f 0001 0b 00000003")))
        .unwrap()
        .is_need_more());
    let d = Decoder {
        limits: Limits {
            max_container: 100,
            ..limits
        },
        ..d
    };
    let e = d
        .decode(&h(&format!("{head} 0f 0001 0a 0000000b")))
        .unwrap_err();
    assert_eq!((e.kind(), e.offset()), ("size-limit", 15));
    // The method name counts as a string.
    let e = d.decode(&h("80010001 0000000b")).unwrap_err();
    assert_eq!(e.kind(), "string-limit");
}

fn nested_lists(p: Protocol, depth: usize) -> Vec<u8> {
    let mut v = Value::List(List::new(TType::I32, vec![]).unwrap());
    for _ in 1..depth {
        v = Value::List(List::new(TType::List, vec![v]).unwrap());
    }
    OwnedMessage::call("deep", 0, Struct::new().with(1, v)).to_vec(p)
}

#[test]
fn depth_is_limited_without_recursion() {
    for p in [Protocol::Binary, Protocol::Compact] {
        // The body is depth 1: 63 nested lists fit the default 64, 64 do not.
        let ok = nested_lists(p, 63);
        let m = dec(p).decode_whole(&ok).unwrap();
        assert_eq!(m.to_vec(p), ok);
        let e = err(p, &nested_lists(p, 64));
        assert_eq!(
            (e.kind(), e.code()),
            ("depth-limit", ProtocolErrorCode::DEPTH_LIMIT)
        );
        // Deeper than the inline stack, up to the hard ceiling.
        let deep = Decoder {
            limits: Limits {
                max_depth: 1000,
                ..Limits::default()
            },
            ..dec(p)
        };
        let bytes = nested_lists(p, 255);
        let m = deep.decode_whole(&bytes).unwrap();
        assert_eq!(m.into_owned().to_vec(p), nested_lists(p, 255));
        assert_eq!(
            deep.decode_whole(&nested_lists(p, 256)).unwrap_err().kind(),
            "depth-limit"
        );
        // A million open lists: refused at the ceiling, long before the end.
        let mut bomb = OwnedMessage::call("x", 0, Struct::new()).to_vec(p);
        bomb.pop();
        bomb.extend_from_slice(&if p == Protocol::Binary {
            h("0f 0001")
        } else {
            h("19")
        });
        for _ in 0..1_000_000 {
            bomb.extend_from_slice(&if p == Protocol::Binary {
                h("0f 00000001")
            } else {
                h("19")
            });
        }
        assert_eq!(deep.decode(&bomb).unwrap_err().kind(), "depth-limit");
    }
}

#[test]
fn application_exceptions_decode() {
    let msg = OwnedMessage::application_exception(
        "nosuch",
        9,
        ApplicationExceptionType::UNKNOWN_METHOD,
        "Invalid method name: 'nosuch'",
    );
    for p in [Protocol::Binary, Protocol::Compact] {
        let wire = msg.to_vec(p);
        let m = dec(p).decode_whole(&wire).unwrap();
        assert_eq!(m.kind, MessageType::Exception);
        let x = m.application_exception().unwrap();
        assert_eq!(x.kind, ApplicationExceptionType::UNKNOWN_METHOD);
        assert_eq!(x.message.as_deref(), Some("Invalid method name: 'nosuch'"));
        assert_eq!(x.kind, 1);
    }
    // The bytes Python's thrift writes for it (TBinaryProtocol): field 1 string, field 2 i32.
    let py = h("80010003 00000001 78 00000000 0b0001 00000003 626f6f 080002 00000006 00");
    let x = decode(&py).unwrap().application_exception().unwrap();
    assert_eq!(x.kind, ApplicationExceptionType::INTERNAL_ERROR);
    assert_eq!(x.message.as_deref(), Some("boo"));
    assert_eq!(ApplicationExceptionType(99).to_string(), "99");
    assert_eq!(
        ApplicationExceptionType::UNKNOWN_METHOD.to_string(),
        "1 (unknown-method)"
    );
    assert_eq!(
        ProtocolErrorCode::DEPTH_LIMIT.to_string(),
        "6 (depth-limit)"
    );
    assert!(decode(&msg.to_vec(Protocol::Binary)).unwrap().kind == MessageType::Exception);
    assert_eq!(
        msg.application_exception_ref(),
        Some((
            Some("Invalid method name: 'nosuch'"),
            ApplicationExceptionType::UNKNOWN_METHOD
        ))
    );
}

#[test]
fn type_tables_agree() {
    for t in TType::ALL {
        assert_eq!(TType::from_binary_id(t.binary_id()), Some(t));
        assert_eq!(TType::from_compact_id(t.compact_id()), Some(t));
        assert_eq!(TType::from_name(t.name()), Some(t));
    }
    assert_eq!(TType::from_compact_id(2), Some(TType::Bool));
    for id in [0, 1, 5, 7, 9, 17, 255] {
        assert_eq!(TType::from_binary_id(id), None, "{id}");
    }
    for id in [0, 14, 15] {
        assert_eq!(TType::from_compact_id(id), None, "{id}");
    }
    assert!(List::new(TType::I32, vec![Value::I64(1)]).is_err());
    assert!(Map::new(TType::I32, TType::I32, vec![(1i32.into(), "x".into())]).is_err());
}

#[test]
fn varints_at_their_edges() {
    use super::wire::{put_varint, varint_len, Cur};
    for v in [0u64, 127, 128, 16383, 16384, u32::MAX as u64, u64::MAX] {
        let mut out = Vec::new();
        put_varint(&mut out, v);
        assert_eq!(out.len(), varint_len(v), "{v}");
        let bits = if v > u32::MAX as u64 { 64 } else { 32 };
        assert_eq!(Cur::new(&out, 0).varint(bits).ok(), Some(v));
    }
    // Non-minimal forms within the length are read.
    assert_eq!(Cur::new(&h("8000"), 0).varint(32).ok(), Some(0));
    // 64-bit: the tenth byte carries one bit.
    assert!(Cur::new(&h("ffffffffffffffff01"), 0).varint(64).is_ok());
    assert!(Cur::new(&h("ffffffffffffffffff02"), 0).varint(64).is_err());
}

#[test]
fn splitter_takes_any_chunking() {
    let a = OwnedMessage::call("everything", 3, every_type());
    let b = OwnedMessage::application_exception(
        "x",
        4,
        ApplicationExceptionType::INTERNAL_ERROR,
        "boom",
    );
    for p in [Protocol::Binary, Protocol::Compact] {
        for framing in [Framing::Unframed, Framing::Framed, Framing::Header] {
            let enc = |m: &OwnedMessage| match framing {
                Framing::Unframed => m.to_vec(p),
                Framing::Framed => m.to_framed_vec(p),
                Framing::Header => OwnedHeaderFrame::new(m.clone(), p).to_vec(),
            };
            let wire = [enc(&a), enc(&b)].concat();
            for chunk in [1, 2, 7, wire.len()] {
                let mut s = Splitter::new(Decoder::new(p, framing));
                let mut got = Vec::new();
                for piece in wire.chunks(chunk) {
                    s.push(piece);
                    while let Some(m) = s.next_message().unwrap() {
                        got.push(m);
                    }
                    assert!(s.at_least() <= wire.len());
                }
                assert_eq!(got, [a.clone(), b.clone()], "{p:?} {framing:?} {chunk}");
                assert_eq!(s.buffered(), 0);
            }
        }
    }
    // An oversized frame is refused from its 4 bytes, and the stream stays broken.
    let mut s = Splitter::new(Decoder::new(Protocol::Binary, Framing::Framed));
    s.push(&h("7fffffff"));
    assert_eq!(s.next_frame().unwrap_err().kind(), "frame-size");
    assert_eq!(s.next_frame().unwrap_err().kind(), "frame-size");
    // Unframed: a bad field type is found as soon as its byte arrives.
    let mut s = Splitter::new(Decoder::new(Protocol::Binary, Framing::Unframed));
    s.push(&h("80010001 00000000 00000000"));
    assert!(s.next_frame().unwrap().is_none());
    s.push(&h("01"));
    assert_eq!(s.next_frame().unwrap_err().kind(), "unknown-type");
}

#[cfg(feature = "tokio")]
#[test]
fn tokio_codec_frames_what_it_encodes() {
    use tokio_util::codec::{Decoder as _, Encoder as _};
    let msg = OwnedMessage::call("everything", 3, every_type());
    for p in [Protocol::Binary, Protocol::Compact] {
        for framing in [Framing::Unframed, Framing::Framed] {
            let mut codec = MessageCodec::new(Decoder::new(p, framing));
            let mut wire = bytes::BytesMut::new();
            codec.encode(&msg, &mut wire).unwrap();
            codec.encode(&msg, &mut wire).unwrap();
            let mut rest = wire.split_off(5);
            assert!(codec.decode(&mut wire).unwrap().is_none());
            let frame = codec.decode(&mut rest).unwrap().unwrap();
            let m = Decoder::new(p, Framing::Unframed)
                .decode_whole(&frame)
                .unwrap();
            assert_eq!(m.into_owned(), msg);
            assert!(codec.decode(&mut rest).unwrap().is_some());
        }
    }
}

/// The one-pass validator accepts exactly what the resumable scan completes, at the same end:
/// every prefix and every one-byte change of a message holding every type (both protocols,
/// both profiles, default limits and limits each of its values sits at or just past).
#[test]
fn fast_scan_agrees_with_the_resumable_scan() {
    use super::scan::{Fast, Scanner};
    let tight = |depth, container, string| Limits {
        max_depth: depth,
        max_container: container,
        max_string: string,
        max_message_size: 200,
        ..Limits::default()
    };
    let limits = [
        Limits::default(),
        tight(2, 2, 6),
        tight(3, 1, 5),
        tight(1, 3, 100),
    ];
    let mut fast_wins = 0;
    for p in [Protocol::Binary, Protocol::Compact] {
        let body = every_type().to_vec(p);
        let mut inputs: Vec<Vec<u8>> = (0..=body.len()).map(|n| body[..n].to_vec()).collect();
        for i in 0..body.len() {
            for b in [
                0u8,
                1,
                2,
                3,
                0x0f,
                0x80,
                0xff,
                body[i] ^ 0x10,
                body[i].wrapping_add(1),
            ] {
                let mut m = body.clone();
                m[i] = b;
                inputs.push(m);
            }
        }
        for input in &inputs {
            for l in &limits {
                for profile in [Profile::Strict, Profile::Lenient] {
                    let fast = Fast::new(input, l, profile)
                        .body(0, p)
                        .map(|(end, _)| end)
                        .filter(|&end| end <= l.max_message_size);
                    let slow = match Scanner::for_struct(p, 0).run(input, l, profile) {
                        Ok(Decoded::Complete { used, .. }) => Some(used),
                        _ => None,
                    };
                    assert_eq!(fast, slow, "{p:?} {l:?} {profile:?} {}", hex::encode(input));
                    fast_wins += usize::from(fast.is_some());
                }
            }
        }
    }
    // Both verdicts occur: the comparison is not vacuous.
    assert!(fast_wins > 100, "{fast_wins}");
}

/// Views read through the extents the validating pass recorded (the body's first three
/// compound fields, a first struct's own first compound field) give what views without them
/// give, and the original values, whatever the compound fields' order and nesting.
#[test]
fn hinted_views_read_as_unhinted_ones() {
    let strings = |n: usize| {
        let items = (0..n).map(|i| Value::from(format!("s{i}"))).collect();
        Value::List(List::new(TType::Binary, items).unwrap())
    };
    let ints = Value::Set(List::new(TType::I64, vec![1i64.into(), (-9i64).into()]).unwrap());
    let map =
        |v: Value| Value::Map(Map::new(TType::Binary, v.ttype(), vec![("k".into(), v)]).unwrap());
    let inner = Struct::new()
        .with(1, strings(2))
        .with(2, "x")
        .with(3, ints.clone());
    let bodies = [
        // Three compound fields and more, none of them first a struct.
        Struct::new()
            .with(1, strings(3))
            .with(2, 7i32)
            .with(3, map(Value::I32(4)))
            .with(4, inner.clone())
            .with(5, ints.clone())
            .with(6, Struct::new().with(1, inner.clone())),
        // A struct first (its own first compound field recorded), then others.
        Struct::new()
            .with(0, inner.clone())
            .with(1, strings(1))
            .with(2, Struct::new()),
        // Structs second and third, a list of structs, a map of structs.
        Struct::new()
            .with(1, ints.clone())
            .with(2, inner.clone())
            .with(3, Struct::new().with(1, ints.clone()).with(2, strings(2)))
            .with(
                4,
                Value::List(List::new(TType::Struct, vec![inner.clone().into(); 2]).unwrap()),
            )
            .with(5, map(Value::Struct(inner.clone()))),
        // One compound field only, nested three deep.
        Struct::new().with(9, Struct::new().with(1, Struct::new().with(1, strings(2)))),
    ];
    for p in [Protocol::Binary, Protocol::Compact] {
        for body in &bodies {
            let wire = OwnedMessage::call("m", 1, body.clone()).to_vec(p);
            let msg = dec(p).decode_whole(&wire).unwrap();
            let plain = StructRef::new(msg.body.as_bytes(), p);
            assert_eq!(msg.body.into_owned(), *body, "{p:?}");
            assert_eq!(plain.into_owned(), *body, "{p:?}");
            for (id, v) in body.fields.iter() {
                assert_eq!(
                    msg.body.get(*id).map(ValueRef::into_owned).as_ref(),
                    Some(v)
                );
            }
        }
    }
}

/// The writers' reference: one `BufMut` call per wire item, as the encoder wrote before it
/// staged its output.
fn reference(v: &Value, p: Protocol, out: &mut Vec<u8>) {
    use bytes::BufMut;
    let bin = p == Protocol::Binary;
    let varint = |out: &mut Vec<u8>, mut n: u64| {
        while n >= 0x80 {
            out.put_u8(n as u8 | 0x80);
            n >>= 7;
        }
        out.put_u8(n as u8);
    };
    let zz = |n: i64| ((n << 1) ^ (n >> 63)) as u64;
    match v {
        Value::Bool(b) => out.put_u8(match (bin, b) {
            (_, true) => 1,
            (true, false) => 0,
            (false, false) => 2,
        }),
        Value::Byte(n) => out.put_i8(*n),
        Value::I16(n) if bin => out.put_i16(*n),
        Value::I32(n) if bin => out.put_i32(*n),
        Value::I64(n) if bin => out.put_i64(*n),
        Value::I16(n) => varint(out, zz(i64::from(*n)) & 0xffff_ffff),
        Value::I32(n) => varint(out, zz(i64::from(*n)) & 0xffff_ffff),
        Value::I64(n) => varint(out, zz(*n)),
        Value::Double(f) if bin => out.put_f64(*f),
        Value::Double(f) => out.put_f64_le(*f),
        Value::Binary(b) => {
            if bin {
                out.put_i32(b.len() as i32);
            } else {
                varint(out, b.len() as u64);
            }
            out.put_slice(b);
        }
        Value::Uuid(u) => out.put_slice(u),
        Value::Struct(s) => {
            let mut last = 0i16;
            for (id, v) in &s.fields {
                if bin {
                    out.put_u8(v.ttype().binary_id());
                    out.put_i16(*id);
                } else {
                    let tn = match v {
                        Value::Bool(true) => 1,
                        Value::Bool(false) => 2,
                        v => v.ttype().compact_id(),
                    };
                    let delta = i32::from(*id) - i32::from(last);
                    if (1..=15).contains(&delta) {
                        out.put_u8((delta as u8) << 4 | tn);
                    } else {
                        out.put_u8(tn);
                        varint(out, zz(i64::from(*id)) & 0xffff_ffff);
                    }
                    last = *id;
                }
                if bin || !matches!(v, Value::Bool(_)) {
                    reference(v, p, out);
                }
            }
            out.put_u8(0);
        }
        Value::List(l) | Value::Set(l) => {
            let n = l.items().len();
            if bin {
                out.put_u8(l.elem_type().binary_id());
                out.put_i32(n as i32);
            } else if n < 15 {
                out.put_u8((n as u8) << 4 | l.elem_type().compact_id());
            } else {
                out.put_u8(0xf0 | l.elem_type().compact_id());
                varint(out, n as u64);
            }
            l.items().iter().for_each(|x| reference(x, p, out));
        }
        Value::Map(m) => {
            let n = m.entries().len();
            if bin {
                out.put_u8(m.key_type().binary_id());
                out.put_u8(m.value_type().binary_id());
                out.put_i32(n as i32);
            } else {
                varint(out, n as u64);
                if n > 0 {
                    out.put_u8(m.key_type().compact_id() << 4 | m.value_type().compact_id());
                }
            }
            for (k, v) in m.entries() {
                reference(k, p, out);
                reference(v, p, out);
            }
        }
    }
}

/// The staged writer writes what one `BufMut` call per item writes, into a `Vec`, a
/// `BytesMut` and a `&mut [u8]` alike, for strings of every length up to past two stages at
/// every offset into the stage a few fields give, and from views in the other protocol.
#[test]
fn staged_writes_equal_the_reference() {
    for len in (0..80).chain((400..1200).step_by(7)) {
        for pad in 0..6usize {
            let text = vec![b'x'; len];
            let strings = List::new(
                TType::Binary,
                (0..3)
                    .map(|i| Value::Binary(text[..len - len.min(i)].to_vec()))
                    .collect(),
            )
            .unwrap();
            let mut body = Struct::new();
            for i in 0..pad {
                body = body.with(i as i16 * 20 - 7, i as i64 * 1_000_003);
            }
            let body = body
                .with(200, Value::List(strings))
                .with(201, text.clone())
                .with(202, every_type());
            let msg = OwnedMessage::call("m".repeat(pad * 37), 7, body.clone());
            for p in [Protocol::Binary, Protocol::Compact] {
                let mut want = Vec::new();
                reference(&Value::Struct(body.clone()), p, &mut want);
                assert_eq!(body.to_vec(p), want, "{p:?} {len} {pad}");
                let wire = msg.to_vec(p);
                assert_eq!(wire.len(), msg.encoded_len(p));
                assert!(wire.ends_with(&want));
                let mut bytes = bytes::BytesMut::new();
                msg.encode(p, &mut bytes);
                assert_eq!(bytes[..], wire[..]);
                let mut slice = vec![0u8; wire.len()];
                msg.encode(p, &mut &mut slice[..]);
                assert_eq!(slice, wire);
                let view = dec(p).decode_whole(&wire).unwrap();
                let other = if p == Protocol::Binary {
                    Protocol::Compact
                } else {
                    Protocol::Binary
                };
                assert_eq!(view.to_vec(other), msg.to_vec(other));
            }
        }
    }
}

#[test]
fn into_owned_allocates_a_struct_at_its_size() {
    for n in [0usize, 1, 7, 8, 9, 16, 20] {
        let strings = List::new(TType::Binary, vec!["a".into(), "bb".into()]).unwrap();
        let mut body = Struct::new();
        for i in 0..n {
            body = match i {
                0 => body.with(1, Value::List(strings.clone())),
                _ => body.with(i as i16 + 1, i as i64),
            };
        }
        for p in [Protocol::Binary, Protocol::Compact] {
            let wire = OwnedMessage::call("m", 1, body.clone()).to_vec(p);
            let owned = dec(p).decode_whole(&wire).unwrap().into_owned();
            assert_eq!(owned.body, body, "{p:?} {n}");
            // Counted ahead up to eight fields, so exact below eight; from eight, room for
            // eight more, then the `Vec`'s own growth.
            let want = match n {
                0..=7 => n,
                8..=16 => 16,
                _ => 32,
            };
            assert_eq!(owned.body.fields.capacity(), want, "{p:?} {n}");
        }
    }
}
