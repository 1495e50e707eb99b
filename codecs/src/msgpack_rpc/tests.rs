//! Unit tests: formats, limits and typed errors, message shapes, streaming, serde, Neovim.

use super::neovim::{Calls, ExtTypes, Handle, HandleKind, NvimError};
use super::*;
use crate::Decoded;

fn h(s: &str) -> Vec<u8> {
    hex::decode(s.replace([' ', '-'], "")).unwrap()
}

fn strict(bytes: &[u8]) -> Result<ValueRef<'_>, Error> {
    ValueRef::from_slice(bytes)
}

fn lenient(bytes: &[u8]) -> Result<ValueRef<'_>, Error> {
    ValueRef::from_slice_with(bytes, &Limits::default(), Profile::Lenient)
}

#[test]
fn every_int_width_decodes_by_value_and_encodes_smallest() {
    for enc in [
        "01",
        "cc01",
        "cd0001",
        "ce00000001",
        "cf0000000000000001",
        "d001",
        "d10001",
        "d200000001",
        "d30000000000000001",
    ] {
        let bytes = h(enc);
        let v = strict(&bytes).unwrap();
        assert_eq!(v, ValueRef::Int(Int::from(1u8)), "{enc}");
        assert_eq!(v.to_vec(), [1], "{enc}");
    }
    let cases: &[(i128, &str)] = &[
        (0, "00"),
        (127, "7f"),
        (128, "cc80"),
        (255, "ccff"),
        (256, "cd0100"),
        (65535, "cdffff"),
        (65536, "ce00010000"),
        (4294967295, "ceffffffff"),
        (4294967296, "cf0000000100000000"),
        (u64::MAX as i128, "cfffffffffffffffff"),
        (-1, "ff"),
        (-32, "e0"),
        (-33, "d0df"),
        (-128, "d080"),
        (-129, "d1ff7f"),
        (-32768, "d18000"),
        (-32769, "d2ffff7fff"),
        (i32::MIN as i128, "d280000000"),
        (i32::MIN as i128 - 1, "d3ffffffff7fffffff"),
        (i64::MIN as i128, "d38000000000000000"),
    ];
    for &(n, enc) in cases {
        let int = Int::try_from(n).unwrap();
        let v = ValueRef::Int(int);
        assert_eq!(hex::encode(v.to_vec()), enc, "{n}");
        assert_eq!(v.encoded_len(), enc.len() / 2);
        let bytes = h(enc);
        assert_eq!(strict(&bytes).unwrap().as_int().unwrap().as_i128(), n);
    }
}

#[test]
fn floats_keep_their_width() {
    let b = h("ca3f000000");
    assert_eq!(strict(&b).unwrap(), ValueRef::F32(0.5));
    assert_eq!(strict(&b).unwrap().to_vec(), b);
    let b = h("cbbfe0000000000000");
    assert_eq!(strict(&b).unwrap(), ValueRef::F64(-0.5));
    assert_eq!(strict(&b).unwrap().to_vec(), b);
}

#[test]
fn strings_and_binaries_borrow_from_the_input() {
    for (len, head) in [
        (0usize, "a0"),
        (31, "bf"),
        (32, "d920"),
        (255, "d9ff"),
        (256, "da0100"),
        (65536, "db00010000"),
    ] {
        let mut bytes = h(head);
        bytes.extend(std::iter::repeat_n(b'x', len));
        let v = strict(&bytes).unwrap();
        let s = v.as_str().unwrap();
        assert_eq!(s.len(), len);
        // Borrowed: the str points into the input.
        assert_eq!(s.as_ptr(), bytes[head.len() / 2..].as_ptr());
        assert_eq!(v.to_vec(), bytes, "minimal header for {len}");
    }
    let bytes = h("c403010203");
    match strict(&bytes).unwrap() {
        ValueRef::Bin(b) => {
            assert_eq!(b, [1, 2, 3]);
            assert_eq!(b.as_ptr(), bytes[2..].as_ptr());
        }
        other => panic!("{other:?}"),
    }
    // Non-minimal bin16 / str8 are accepted and re-encoded in the smallest form.
    assert_eq!(strict(&h("c5000101")).unwrap().to_vec(), h("c40101"));
    assert_eq!(strict(&h("d90161")).unwrap().to_vec(), h("a161"));
}

#[test]
fn invalid_utf8_is_an_error_when_strict_and_raw_bytes_when_lenient() {
    let bytes = h("92 01 a2c328");
    assert_eq!(strict(&bytes), Err(Error::InvalidUtf8 { offset: 2 }));
    assert_eq!(strict(&bytes).unwrap_err().kind(), "invalid-utf8");
    let v = lenient(&bytes).unwrap();
    let items = v.as_array().unwrap().to_values();
    assert_eq!(items[1], ValueRef::RawStr(&[0xc3, 0x28]));
    assert_eq!(v.to_vec(), bytes, "raw str re-encodes as str");
}

#[test]
fn reserved_byte_is_reported_where_it_is() {
    let bytes = h("93 01 02 c1");
    assert_eq!(strict(&bytes), Err(Error::ReservedByte { offset: 3 }));
    assert_eq!(lenient(&bytes).unwrap_err().kind(), "reserved-byte");
}

#[test]
fn timestamps_in_all_three_forms() {
    let cases: &[(&str, i64, u32)] = &[
        ("d6ff5a4af6a5", 1514862245, 0),
        ("d7ffa1dcd7c85a4af6a5", 1514862245, 678901234),
        ("d7ff0000000100000000", 4294967296, 0),
        ("c70cff000000000000000400000000", 17179869184, 0),
        ("c70cff00000000ffffffffffffffff", -1, 0),
        ("c70cff3b9ac9ffffffffffffffffff", -1, 999999999),
    ];
    for &(enc, s, n) in cases {
        let bytes = h(enc);
        let ts = Timestamp::new(s, n).unwrap();
        assert_eq!(strict(&bytes).unwrap(), ValueRef::Timestamp(ts), "{enc}");
        assert_eq!(hex::encode(ValueRef::Timestamp(ts).to_vec()), enc);
    }
    // 96-bit form of a time that fits 32 bits: accepted, written back in 32 bits.
    let wide = h("c70cff000000000000000000000001");
    assert_eq!(strict(&wide).unwrap().to_vec(), h("d6ff00000001"));
    assert_eq!(Timestamp::new(0, 1_000_000_000), None);
}

#[test]
fn malformed_timestamps_are_errors_when_strict_and_plain_ext_when_lenient() {
    // timestamp 64 with nanoseconds = 1_000_000_000 (0x3b9aca00 << 2 in the top 30 bits).
    let bad_nanos = h("d7ff eee6b280 00000000");
    let e = strict(&bad_nanos).unwrap_err();
    assert_eq!(e.kind(), "invalid-timestamp");
    assert!(matches!(
        e,
        Error::InvalidTimestamp {
            offset: 0,
            reason: "nanoseconds larger than 999999999"
        }
    ));
    assert!(matches!(lenient(&bad_nanos).unwrap(), ValueRef::Ext(-1, d) if d.len() == 8));
    let bad_len = h("d5ff0000");
    assert!(matches!(
        strict(&bad_len),
        Err(Error::InvalidTimestamp {
            reason: "length is not 4, 8 or 12",
            ..
        })
    ));
    // Other ext types are opaque.
    assert_eq!(strict(&h("d40501")).unwrap(), ValueRef::Ext(5, &[1]));
    assert_eq!(strict(&h("c7010501")).unwrap().to_vec(), h("d40501"));
}

#[test]
fn maps_keep_order_and_duplicates_and_walk_lazily() {
    let bytes = h("83 a161 01 01 a162 a161 03");
    let m = strict(&bytes).unwrap().as_map().unwrap();
    let pairs: Vec<_> = m.iter().collect();
    assert_eq!(pairs.len(), 3);
    assert_eq!(pairs[1].0, ValueRef::Int(Int::from(1u8)));
    assert_eq!(pairs[2].0, ValueRef::Str("a".into()));
    assert_eq!(m.get("a"), Some(ValueRef::Int(Int::from(1u8))));
    assert_eq!(ValueRef::Map(m).to_vec(), bytes);
}

#[test]
fn need_more_is_a_safe_lower_bound_on_every_prefix() {
    let whole = h("94 00 ce000000ff a3616263 92 cb3ff8000000000000 c403010203");
    for cut in 0..whole.len() {
        match scan(&whole[..cut], &Limits::default(), Profile::Strict).unwrap() {
            Decoded::NeedMore { at_least } => {
                assert!(at_least >= 1, "cut {cut}");
                assert!(at_least <= whole.len() - cut, "cut {cut}: {at_least}");
            }
            other => panic!("cut {cut}: {other:?}"),
        }
    }
    assert_eq!(
        scan(&whole, &Limits::default(), Profile::Strict).unwrap(),
        Decoded::Complete {
            value: whole.len(),
            used: whole.len()
        }
    );
}

#[test]
fn adversarial_declared_counts_cost_nothing() {
    // array32 declaring 2^32 - 1 elements in 5 bytes.
    let bytes = h("ddffffffff");
    assert_eq!(
        strict(&bytes),
        Err(Error::ElementLimit {
            offset: 0,
            declared: u32::MAX,
            limit: 1 << 24
        })
    );
    let no_count_limit = Limits {
        max_elements: u32::MAX,
        ..Limits::default()
    };
    let e = scan(&bytes, &no_count_limit, Profile::Strict).unwrap_err();
    assert_eq!(e.kind(), "size-limit");
    // With no limit at all, it is a need-more for at least one byte per element.
    let unlimited = Limits {
        max_elements: u32::MAX,
        max_message_size: usize::MAX,
        ..Limits::default()
    };
    assert_eq!(
        scan(&bytes, &unlimited, Profile::Strict).unwrap(),
        Decoded::NeedMore {
            at_least: u32::MAX as usize
        }
    );
    // A str32 declaring 4 GiB is refused from its 5-byte header.
    assert!(matches!(
        strict(&h("dbffffffff")),
        Err(Error::SizeLimit { offset: 0, .. })
    ));
    // map32 of 2^31 pairs: 2^32 items.
    let small = Limits {
        max_message_size: 1000,
        max_elements: u32::MAX,
        ..Limits::default()
    };
    assert!(matches!(
        scan(&h("df80000000"), &small, Profile::Strict),
        Err(Error::SizeLimit {
            at_least: 4294967301,
            ..
        })
    ));
}

#[test]
fn depth_is_limited_without_recursion() {
    let deep = vec![0x91u8; 100_000];
    assert_eq!(
        strict(&deep),
        Err(Error::DepthLimit {
            offset: 128,
            limit: 128
        })
    );
    let mut ok = vec![0x91u8; 127];
    ok.push(0x90);
    assert!(strict(&ok).is_ok());
    let limits = Limits {
        max_depth: 1_000_000,
        ..Limits::default()
    };
    let e = ValueRef::from_slice_with(&deep, &limits, Profile::Strict).unwrap_err();
    assert_eq!(
        e,
        Error::DepthLimit {
            offset: Limits::HARD_MAX_DEPTH,
            limit: Limits::HARD_MAX_DEPTH
        }
    );
}

#[test]
fn whole_input_errors() {
    assert_eq!(
        strict(&h("92 01")),
        Err(Error::Truncated {
            offset: 2,
            missing: 1
        })
    );
    assert_eq!(
        strict(&h("01 02")),
        Err(Error::TrailingBytes {
            offset: 1,
            count: 1
        })
    );
}

fn msg(bytes: &[u8]) -> Result<Message<'_>, Error> {
    Message::from_slice(bytes)
}

#[test]
fn the_three_message_types() {
    let req = h("94 00 01 a3616464 92 01 02");
    match msg(&req).unwrap() {
        Message::Request {
            msgid,
            method,
            params,
        } => {
            assert_eq!(msgid, 1);
            assert_eq!(method.as_str(), Some("add"));
            assert_eq!(params.len(), 2);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(msg(&req).unwrap().to_vec(), req);
    assert_eq!(msg(&req).unwrap().encoded_len(), req.len());

    let res = h("94 01 ceffffffff c0 03");
    let m = msg(&res).unwrap();
    assert_eq!(m.msgid(), Some(u32::MAX));
    assert!(matches!(
        m,
        Message::Response {
            error: ValueRef::Nil,
            result: ValueRef::Int(_),
            ..
        }
    ));
    assert_eq!(m.to_vec(), res);

    let note = h("93 02 a46e6f7465 90");
    let m = msg(&note).unwrap();
    assert!(
        matches!(&m, Message::Notification { method, params } if method.as_str() == Some("note") && params.is_empty())
    );
    let owned = m.clone().into_owned();
    assert_eq!(owned.to_vec(), note);
    assert_eq!(owned.encoded_len(), note.len());
    assert_eq!(owned, OwnedMessage::notification("note", vec![]));
}

#[test]
fn message_shape_errors_are_typed() {
    let cases: &[(&str, &str, usize)] = &[
        ("01", "message-not-array", 0),
        ("90", "message-type", 1),
        ("94 03 01 a161 90", "message-type", 1),
        ("94 a161 01 a161 90", "message-type", 1),
        ("93 00 01 a161", "message-length", 0),
        ("95 01 01 c0 c0 c0", "message-length", 0),
        ("94 00 ff a161 90", "msgid", 2),
        ("94 00 cf0000000100000000 a161 90", "msgid", 2),
        ("94 00 a131 a161 90", "msgid", 2),
        ("94 00 01 01 90", "method", 3),
        ("94 00 01 c40161 90", "method", 3),
        ("94 00 01 a161 80", "params", 5),
        ("93 02 a161 c0", "params", 4),
        ("94 01 01 01 01", "error-and-result", 0),
    ];
    for &(input, kind, offset) in cases {
        let bytes = h(input);
        let e = msg(&bytes).unwrap_err();
        assert_eq!((e.kind(), e.offset()), (kind, offset), "{input}: {e}");
    }
}

#[test]
fn lenient_profile_accepts_what_peers_send() {
    let lenient_msg = |b: &[u8]| {
        Message::from_slice_with(b, &Limits::default(), Profile::Lenient).map(|m| m.to_vec())
    };
    let bin_method = h("94 00 01 c40161 90");
    assert_eq!(lenient_msg(&bin_method).unwrap(), bin_method);
    let both = h("94 01 01 01 01");
    assert_eq!(lenient_msg(&both).unwrap(), both);
}

#[test]
fn splitter_is_chunking_invariant_and_refuses_oversize_early() {
    let a = OwnedMessage::request(7, "nvim_eval", vec![Value::from("[1, -2, 3.5]")]).to_vec();
    let b =
        OwnedMessage::notification("redraw", vec![Value::Array(vec![Value::Bin(vec![0; 300])])])
            .to_vec();
    let stream = [a.clone(), b.clone()].concat();
    for chunk in [1, 2, 3, 7, 64, stream.len()] {
        let mut s = Splitter::default();
        let mut out = Vec::new();
        for piece in stream.chunks(chunk) {
            s.push(piece);
            while let Some(f) = s.next_frame().unwrap() {
                out.push(f.to_vec());
            }
        }
        assert_eq!(out, vec![a.clone(), b.clone()], "chunk {chunk}");
        assert_eq!(s.buffered(), 0);
    }
    let mut s = Splitter::new(
        Limits {
            max_message_size: 100,
            ..Limits::default()
        },
        Profile::Strict,
    );
    s.push(&h("93 02 a161 91 c5ffff")); // a 64 KiB bin header: refused before its body
    assert_eq!(s.next_frame().unwrap_err().kind(), "size-limit");
    assert_eq!(
        s.next_frame().unwrap_err().kind(),
        "size-limit",
        "stays broken"
    );
}

#[test]
fn splitter_hands_out_messages() {
    let mut s = Splitter::default();
    s.push(&h("94 01 05 c0 a26f6b 93"));
    let m = s.next_message().unwrap().unwrap();
    assert_eq!(m, OwnedMessage::result(5, Value::from("ok")));
    assert_eq!(s.next_message().unwrap(), None);
    assert!(s.at_least() >= 1);
}

#[test]
fn typed_params_via_serde_borrow() {
    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Opts<'a> {
        name: &'a str,
        #[serde(default)]
        count: Option<u32>,
    }
    #[derive(serde::Deserialize, Debug, PartialEq)]
    enum Mode {
        Fast,
        Size(u8),
    }
    let bytes = h("94 00 01 a3727563 94 a568656c6c6f 93 01 ff cb3ff8000000000000 82 a46e616d65 a178 a5636f756e74 c0 a446617374");
    let Message::Request { params, .. } = msg(&bytes).unwrap() else {
        panic!()
    };
    type P<'a> = (&'a str, Vec<f64>, Opts<'a>, Mode);
    let (_, _, _, mode): P<'_> = from_value(ValueRef::Array(params)).unwrap();
    assert_eq!(mode, Mode::Fast);
    // Four params, three asked: the extra one is an error, not silently dropped.
    assert!(from_value::<(&str, Vec<f64>, Opts<'_>)>(ValueRef::Array(params)).is_err());
    let bytes2 = h("94 a568656c6c6f 93 01 ff cb3ff8000000000000 82 a46e616d65 a178 a5636f756e74 c0 81 a453697a65 07");
    let v = ValueRef::from_slice(&bytes2).unwrap();
    let (s, nums, opts, mode): P<'_> = from_value(v).unwrap();
    assert_eq!(s, "hello");
    assert_eq!(s.as_ptr(), bytes2[2..].as_ptr(), "borrowed");
    assert_eq!(nums, vec![1.0, -1.0, 1.5]);
    assert_eq!(
        opts,
        Opts {
            name: "x",
            count: None
        }
    );
    assert_eq!(mode, Mode::Size(7));
    let req = msg(&bytes).unwrap();
    let (s, _, _, _): P<'_> = req.params_as().unwrap();
    assert_eq!(s, "hello");
    assert!(req.result_as::<u8>().is_err());
    let res = h("94 01 09 92 01 a3626164 c0");
    let res = msg(&res).unwrap();
    assert_eq!(res.error_as::<(i64, &str)>().unwrap(), (1, "bad"));
    assert_eq!(res.result_as::<Option<u8>>().unwrap(), None);
    let e = from_value::<u8>(ValueRef::Str("x".into())).unwrap_err();
    assert_eq!(e.kind(), "type-mismatch");
}

#[test]
fn typed_values_serialize_and_come_back() {
    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    enum Shape {
        Point,
        Circle(f64),
        Rect { w: u32, h: u32 },
        Pair(i8, String),
    }
    #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq)]
    struct Call {
        name: String,
        big: u64,
        neg: i64,
        ratio: f32,
        tags: Vec<String>,
        shapes: Vec<Shape>,
        maybe: Option<bool>,
    }
    let call = Call {
        name: "grüß".into(),
        big: u64::MAX,
        neg: i64::MIN,
        ratio: 0.5,
        tags: vec!["a".into(), String::new()],
        shapes: vec![
            Shape::Point,
            Shape::Circle(1.5),
            Shape::Rect { w: 2, h: 3 },
            Shape::Pair(-1, "x".into()),
        ],
        maybe: None,
    };
    let v = to_value(&call).unwrap();
    let bytes = v.to_vec();
    let back: Call = from_value(ValueRef::from_slice(&bytes).unwrap()).unwrap();
    assert_eq!(back, call);
    // Structs are maps keyed by field name; unit variants are their name.
    let Value::Map(pairs) = &v else { panic!() };
    assert_eq!(pairs[0], (Value::from("name"), Value::from("grüß")));
    assert_eq!(to_value(&Shape::Point).unwrap(), Value::from("Point"));
    assert_eq!(to_value(&(1u8, -1i8)).unwrap().to_vec(), h("92 01 ff"));
    assert!(to_value(&u128::MAX).is_err());
}

#[test]
fn neovim_handles_errors_and_out_of_order_calls() {
    let types = ExtTypes::default();
    let buf = h("d40001");
    let v = ValueRef::from_slice_with(&buf, &Limits::default(), Profile::Neovim).unwrap();
    let handle = types.handle(&v).unwrap();
    assert_eq!(
        handle,
        Handle {
            kind: HandleKind::Buffer,
            id: 1
        }
    );
    assert_eq!(types.to_value(handle).to_vec(), buf);
    let big = Handle {
        kind: HandleKind::Window,
        id: 1000,
    };
    let mut out = Vec::new();
    types.encode(big, &mut out);
    assert_eq!(out, h("c70301cd03e8"));
    assert_eq!(
        types.handle(&ValueRef::from_slice(&out).unwrap()),
        Some(big)
    );
    assert_eq!(types.handle(&ValueRef::Ext(9, &[1])), None);

    // api-info metadata naming other ids.
    let info = Value::Array(vec![
        Value::from(3u8),
        Value::Map(vec![(
            Value::from("types"),
            Value::Map(
                [("Buffer", 10), ("Window", 11), ("Tabpage", 12)]
                    .into_iter()
                    .map(|(n, id)| {
                        (
                            Value::from(n),
                            Value::Map(vec![(Value::from("id"), Value::from(id))]),
                        )
                    })
                    .collect(),
            ),
        )]),
    ])
    .to_vec();
    let types = ExtTypes::from_api_info(&ValueRef::from_slice(&info).unwrap()).unwrap();
    assert_eq!((types.buffer, types.window, types.tabpage), (10, 11, 12));

    let err = Value::Array(vec![Value::from(1u8), Value::from("Invalid method: x")]).to_vec();
    let e = NvimError::from_value(&ValueRef::from_slice(&err).unwrap()).unwrap();
    assert_eq!(
        (e.kind, e.message),
        (NvimError::VALIDATION, "Invalid method: x")
    );

    let mut calls = Calls::starting_at(u32::MAX, 8);
    let a = calls.start("a").unwrap();
    let b = calls.start("b").unwrap();
    assert_eq!((a, b), (u32::MAX, 0), "msgids wrap");
    assert_eq!(calls.finish(b), Some("b"));
    assert_eq!(calls.finish(a), Some("a"));
    assert_eq!(calls.finish(a), None);
    let mut full = Calls::new(1);
    full.start(()).unwrap();
    assert_eq!(full.start(()), Err(()));
}

#[test]
fn owned_and_borrowed_encode_the_same() {
    let bytes = h("86 a161 c0 a162 c3 a163 cb4009000000000000 c40100 93 d6ff00000001 d40102 c2 a164 80 a165 a0");
    let v = strict(&bytes).unwrap();
    let owned = v.into_owned();
    assert_eq!(owned.to_vec(), bytes);
    assert_eq!(owned.encoded_len(), bytes.len());
    assert_eq!(v.encoded_len(), bytes.len());
    assert_eq!(Value::from_slice(&bytes).unwrap(), owned);
}

#[cfg(feature = "tokio")]
#[test]
fn tokio_codec_frames_a_stream() {
    use bytes::BytesMut;
    use tokio_util::codec::{Decoder, Encoder};
    let mut codec = MessageCodec::default();
    let a = OwnedMessage::request(1, "a", vec![Value::from(-1)]);
    let b = OwnedMessage::notification("b", vec![]);
    let mut out = BytesMut::new();
    codec.encode(&a, &mut out).unwrap();
    codec.encode(&b, &mut out).unwrap();
    let whole = out.freeze();
    let mut src = BytesMut::from(&whole[..3]);
    assert_eq!(codec.decode(&mut src).unwrap(), None);
    src.extend_from_slice(&whole[3..]);
    let f = codec.decode(&mut src).unwrap().unwrap();
    assert_eq!(Message::from_slice(&f).unwrap().into_owned(), a);
    let f = codec.decode(&mut src).unwrap().unwrap();
    assert_eq!(Message::from_slice(&f).unwrap().into_owned(), b);
    assert_eq!(codec.decode(&mut src).unwrap(), None);
    let mut bad = BytesMut::from(&[0xc1u8][..]);
    match codec.decode(&mut bad).unwrap_err() {
        crate::CodecError::Frame(e) => assert_eq!(e.kind(), "reserved-byte"),
        other => panic!("not a frame error: {other}"),
    }
}

#[test]
fn serde_errors_inside_nested_containers_are_typed() {
    // The one-pass cursor path (arrays and maps below the top level): wrong type, too few
    // elements taken, an enum map of two pairs.
    let nested =
        Value::Array(vec![Value::Map(vec![(Value::from("a"), Value::from("x"))])]).to_vec();
    let v = ValueRef::from_slice(&nested).unwrap();
    let e = from_value::<Vec<std::collections::BTreeMap<String, u8>>>(v).unwrap_err();
    assert_eq!(e.kind(), "type-mismatch");
    assert!(e.to_string().contains("invalid type: string \"x\""), "{e}");

    let three = Value::Array(vec![Value::Array(vec![1.into(), 2.into(), 3.into()])]).to_vec();
    let e = from_value::<Vec<(u8, u8)>>(ValueRef::from_slice(&three).unwrap()).unwrap_err();
    assert!(e.to_string().contains("invalid length 3"), "{e}");

    #[derive(serde::Deserialize, Debug)]
    #[allow(dead_code)] // only its shape is deserialized
    enum E {
        A(u8),
    }
    let two_pairs = Value::Array(vec![Value::Map(vec![
        (Value::from("A"), 1.into()),
        (Value::from("A"), 2.into()),
    ])])
    .to_vec();
    let e = from_value::<Vec<E>>(ValueRef::from_slice(&two_pairs).unwrap()).unwrap_err();
    assert!(e.to_string().contains("invalid type: map"), "{e}");
}

/// Encoding a view copies its bytes only when the scan found every header in smallest form;
/// any wider header (int, str, bin, array, map, ext, a timestamp in a wider data form) anywhere
/// inside makes the encoder rewrite the whole view in smallest form.
#[test]
fn views_encode_by_copy_only_when_minimal() {
    let minimal = [
        "94 00 2a a3616464 93 01 a0 81 a16b c40102",
        "94 01 07 c0 92 d6ff00000001 d40102",
        "93 02 a16e 92 ff d0 80",
    ];
    for m in minimal {
        let bytes = h(m);
        let msg = Message::from_slice(&bytes).unwrap();
        assert_eq!(msg.encoded_len(), bytes.len(), "{m}");
        assert_eq!(msg.to_vec(), bytes, "{m}");
    }
    // (input, its smallest form): each differs in one header, nested below the message.
    let wider = [
        // uint 8 holding 1
        ("94 00 2a a3616464 91 91 cc01", "94 00 2a a3616464 91 91 01"),
        // int 8 holding 5 (non-negative: a positive fixint)
        ("94 00 2a a3616464 91 d005", "94 00 2a a3616464 91 05"),
        // int 32 / int 64 holding a non-negative value of the same width (uint 32 / uint 64)
        (
            "94 00 2a a3616464 91 d240805d00",
            "94 00 2a a3616464 91 ce40805d00",
        ),
        (
            "94 01 07 c0 d30900000000000000",
            "94 01 07 c0 cf0900000000000000",
        ),
        // int 16 holding 200 (uint 8 is smaller)
        ("94 00 2a a3616464 91 d100c8", "94 00 2a a3616464 91 ccc8"),
        // str 8 of one byte
        ("94 00 2a a3616464 91 d90161", "94 00 2a a3616464 91 a161"),
        // bin 16 of one byte
        (
            "94 00 2a a3616464 91 c5000100",
            "94 00 2a a3616464 91 c40100",
        ),
        // array 16 of one element, map 16 of one pair
        ("94 01 07 c0 dc000101", "94 01 07 c0 9101"),
        ("94 01 07 c0 91 de0001a16b01", "94 01 07 c0 91 81a16b01"),
        // ext 8 of one byte (a fixext 1 is smaller)
        ("93 02 a16e 91 c7010102", "93 02 a16e 91 d40102"),
        // timestamp 64 with no nanoseconds and 32-bit seconds (timestamp 32 is smaller)
        (
            "93 02 a16e 91 d7ff0000000000000001",
            "93 02 a16e 91 d6ff00000001",
        ),
    ];
    for (input, smallest) in wider {
        let (bytes, smallest) = (h(input), h(smallest));
        let msg = Message::from_slice(&bytes).unwrap();
        assert_eq!(msg.encoded_len(), smallest.len(), "{input}");
        assert_eq!(msg.to_vec(), smallest, "{input}");
        let v = strict(&bytes).unwrap();
        assert_eq!(v.to_vec(), smallest, "{input}");
        assert_eq!(v.into_owned().to_vec(), smallest, "{input}");
    }
}

proptest::proptest! {
    /// `skip` (which reads lengths only, for validated bytes) never panics or overflows on any
    /// bytes, and on a valid value ends exactly where the validating scan does.
    #[test]
    fn skip_is_sound_on_any_bytes_and_agrees_with_scan(
        bytes in proptest::collection::vec(proptest::prelude::any::<u8>(), 0..64),
        seed in proptest::prelude::any::<u64>(),
    ) {
        let end = scan::skip(&bytes, 0);
        for profile in [Profile::Strict, Profile::Lenient] {
            if let Ok(Decoded::Complete { used, .. }) = scan::scan(&bytes, &Limits::default(), profile) {
                proptest::prop_assert_eq!(end, Some(used));
            }
        }
        // Valid values built from the seed: arrays and maps of mixed widths.
        let v = Value::Array(vec![
            Value::from(seed),
            Value::Map(vec![(Value::from("k"), Value::Array(vec![Value::from(-(seed as i64 >> 3)); (seed % 20) as usize]))]),
            Value::Bin(vec![0u8; (seed % 300) as usize]),
        ]);
        let mut b = v.to_vec();
        let len = b.len();
        proptest::prop_assert_eq!(scan::skip(&b, 0), Some(len));
        b.truncate(len - 1);
        proptest::prop_assert_eq!(scan::skip(&b, 0), None);
    }
}

#[test]
fn skip_refuses_counts_the_input_cannot_hold() {
    // array 32 / map 32 of 2^32 - 1 elements in a few bytes: refused at once, no overflow.
    assert_eq!(scan::skip(&h("dd ffffffff 00"), 0), None);
    assert_eq!(scan::skip(&h("df ffffffff 00 00"), 0), None);
    assert_eq!(scan::skip(&h("91 dd ffffffff"), 0), None);
    assert_eq!(scan::skip(&h("92 a161 c0"), 0), Some(4));
}

/// The scan's fast path (one-byte items, fixstr, str 8 inside a container) stops for the same
/// reasons as the general one: a str 8 cut after its marker or inside its data needs more, and
/// the size limit counts its data.
#[test]
fn scan_fast_path_needs_more_and_checks_size() {
    let d = |s: &str| scan(&h(s), &Limits::default(), Profile::Strict).unwrap();
    assert_eq!(d("92 d9"), Decoded::NeedMore { at_least: 2 });
    assert_eq!(d("92 d902 61"), Decoded::NeedMore { at_least: 2 });
    assert_eq!(d("92 a2 61"), Decoded::NeedMore { at_least: 2 });
    assert_eq!(
        d("92 d902 6162 c3"),
        Decoded::Complete { value: 6, used: 6 }
    );
    let small = Limits {
        max_message_size: 5,
        ..Limits::default()
    };
    let e = scan(&h("92 a3 616263 c3"), &small, Profile::Strict).unwrap_err();
    assert_eq!(e.kind(), "size-limit");
    let e = scan(&h("92 d9 ff"), &small, Profile::Strict).unwrap_err();
    assert_eq!(e.kind(), "size-limit");
    let e = scan(&h("92 a2 61ff c3"), &Limits::default(), Profile::Strict).unwrap_err();
    assert_eq!(e.offset(), 1);
}

/// The whole-value scan in front of the general one must accept exactly what the general scan
/// completes, with the same length and the same minimal bit, under every profile and under
/// tight limits: every input of up to two bytes, each followed by a few tails, and every
/// prefix of mixed messages.
#[test]
fn whole_value_scan_agrees_with_the_general_scan() {
    use super::scan::{scan_from, scan_minimal, ScanState};
    let tight = Limits {
        max_message_size: 24,
        max_depth: 2,
        max_elements: 3,
    };
    let check = |bytes: &[u8]| {
        for limits in [Limits::default(), tight] {
            for profile in [Profile::Strict, Profile::Lenient] {
                let general = scan_from(bytes, &mut ScanState::new(), &limits, profile);
                let mut st = ScanState::new();
                let general_minimal = match scan_from(bytes, &mut st, &limits, profile) {
                    Ok(Decoded::Complete { .. }) => Some(st.minimal),
                    _ => None,
                };
                let fast = scan_minimal(bytes, &limits, profile);
                match (&general, &fast) {
                    (Ok(g), Ok((f, facts))) => {
                        assert_eq!(g, f, "{bytes:02x?} {profile:?}");
                        if let Some(m) = general_minimal {
                            assert_eq!(m, facts.minimal, "{bytes:02x?} {profile:?}");
                        }
                        assert_eq!(facts.utf8, profile.is_strict());
                    }
                    (Err(g), Err(f)) => assert_eq!(g, f, "{bytes:02x?}"),
                    _ => panic!("{bytes:02x?} {profile:?}: {general:?} vs {fast:?}"),
                }
            }
        }
    };
    let tails: [&[u8]; 5] = [&[], &[0x00], &[0xa1, b'x'], &[0x91, 0xc0, 0x01], &[0xff; 9]];
    for a in 0..=255u8 {
        for b in 0..=255u8 {
            for t in tails {
                let mut v = vec![a, b];
                v.extend_from_slice(t);
                check(&v);
            }
        }
    }
    let messages = [
        OwnedMessage::request(
            7,
            "nvim_buf_set_lines",
            vec![
                Value::from(-1),
                Value::from(300),
                Value::from("a string longer than thirty-one bytes"),
                Value::Array(vec![Value::Map(vec![(Value::from("k"), Value::F64(0.5))])]),
                Value::Bin(vec![1; 300]),
                Value::Ext(3, vec![1, 2]),
                Value::Timestamp(Timestamp::new(1, 2).unwrap()),
                Value::from("é"),
            ],
        )
        .to_vec(),
        h("94 01 cd 0007 c0 dc 0002 d9 02 6869 c5 0001 00"),
        h("93 02 a1 6d 91 de 0001 a1 6b 91 91 91 91 c0"),
        h("92 a2 c3 28 00"),
    ];
    for m in messages {
        for end in 0..=m.len() {
            check(&m[..end]);
        }
    }
}

#[test]
fn str_views_hand_out_the_checked_bytes() {
    let wire = h("93 a3 616263 a2 c3a9 c4 01 ff");
    let v = strict(&wire).unwrap();
    let items = v.as_array().unwrap().to_values();
    let ValueRef::Str(s) = items[0] else {
        panic!("{:?}", items[0])
    };
    assert_eq!((s.as_str(), s.len(), s.as_bytes()), ("abc", 3, &b"abc"[..]));
    assert!(s == "abc" && !s.is_empty());
    assert_eq!(format!("{s} {s:?}"), "abc \"abc\"");
    assert_eq!(items[1].as_str(), Some("é"));
    assert_eq!(items[1], ValueRef::Str(Str::from("é")));
    assert_eq!(items[2].as_str(), None);
    // Lenient: invalid UTF-8 stays raw, found by the view (the scan checked nothing).
    let wire = h("92 a2 c328 a1 61");
    let items = lenient(&wire).unwrap().as_array().unwrap().to_values();
    assert_eq!(items[0], ValueRef::RawStr(&[0xc3, 0x28]));
    assert_eq!(items[1].as_str(), Some("a"));
}

#[test]
fn a_walk_visits_every_value_once_depth_first() {
    let wire = h("93 01 92 a1 61 81 a1 6b 90 c3");
    let v = strict(&wire).unwrap();
    let events: Vec<Event<'_>> = v.walk().collect();
    assert_eq!(
        events,
        [
            Event::Array(3),
            Event::Value(ValueRef::Int(Int::from(1))),
            Event::Array(2),
            Event::Value(ValueRef::Str("a".into())),
            Event::Map(1),
            Event::Value(ValueRef::Str("k".into())),
            Event::Array(0),
            Event::Value(ValueRef::Bool(true)),
        ]
    );
    // A view's walk is its elements'; a scalar's, itself.
    let a = v.as_array().unwrap();
    assert_eq!(a.walk().count(), 7);
    assert_eq!(a.walk().collect::<Vec<_>>()[..], events[1..]);
    let m = a
        .get(1)
        .unwrap()
        .as_array()
        .unwrap()
        .get(1)
        .unwrap()
        .as_map()
        .unwrap();
    assert_eq!(m.walk().collect::<Vec<_>>()[..], events[5..7]);
    assert_eq!(
        ValueRef::Nil.walk().collect::<Vec<_>>(),
        [Event::Value(ValueRef::Nil)]
    );
}

#[test]
fn the_ascii_check_agrees_with_std_at_every_length_and_position() {
    for len in 0..80 {
        let mut bytes = vec![b'a'; len];
        assert!(super::scan::ascii(&bytes), "{len}");
        for i in 0..len {
            bytes[i] = 0x80;
            assert!(!super::scan::ascii(&bytes), "{len} {i}");
            bytes[i] = 0xff;
            assert!(!super::scan::ascii(&bytes), "{len} {i}");
            bytes[i] = 0x7f;
            assert!(super::scan::ascii(&bytes), "{len} {i}");
        }
    }
}

/// Messages in the shapes the head-first path of `Message::decode_with` and `Call::decode`
/// read (and some it leaves to the general path): every msgid width, fixstr and str 8
/// methods, responses, notifications, a non-minimal msgid, a method that is not UTF-8, a
/// response with both slots set, a bin method, nested params.
fn sample_messages() -> Vec<Vec<u8>> {
    let params = vec![
        Value::from(1),
        Value::from("two"),
        Value::Array(vec![
            Value::from(-3),
            Value::Map(vec![(Value::from("k"), Value::F64(0.5))]),
        ]),
        Value::Bin(vec![1, 2]),
    ];
    vec![
        OwnedMessage::request(7, "add", params.clone()).to_vec(),
        OwnedMessage::request(300, "m".repeat(40), params.clone()).to_vec(),
        OwnedMessage::request(70_000, "", vec![]).to_vec(),
        OwnedMessage::request(200, "x", vec![Value::Array(vec![Value::Nil; 3])]).to_vec(),
        OwnedMessage::notification("note", params.clone()).to_vec(),
        OwnedMessage::result(9, Value::Array(params.clone())).to_vec(),
        OwnedMessage::error(9, Value::from("bad")).to_vec(),
        h("94 00 cc 05 a3616464 90"),
        h("94 00 01 a2 c328 90"),
        h("94 01 01 a1 61 a1 62"),
        h("94 00 01 c4 01 61 91 01"),
        h("93 02 a1 61 91 d7 ff 00000000 00000001"),
        // A response's error and result are scanned together: uints of every width, each
        // in and out of smallest form, and short strs (one masked word) ASCII and not.
        h("94 01 02 c0 98 cc05 cc80 cd00ff cd0100 ce0000ffff ce00010000 cf00000000ffffffff cf0000000100000000"),
        h("94 01 03 c0 82 a3 6b c3 a9 01 a2 6f 6b c3"),
        h("94 01 04 81 a4 636f6465 d0 80 c0"),
        h("94 01 05 c0 98 a2 fffe 01 02 03 04 05 06 07"),
    ]
}

fn sample_limits() -> [Limits; 5] {
    let d = Limits::default();
    [
        d,
        Limits { max_depth: 2, ..d },
        Limits { max_depth: 1, ..d },
        Limits {
            max_elements: 3,
            ..d
        },
        Limits {
            max_message_size: 12,
            ..d
        },
    ]
}

/// The params type the differential test deserializes (the first sample's shape).
type SampleParams<'a> = (
    i64,
    &'a str,
    (i64, std::collections::BTreeMap<&'a str, f64>),
    &'a [u8],
);

proptest::proptest! {
    /// The head-first path of `Message::decode_with` gives exactly what the general path (scan,
    /// then interpret) gives, on the sample messages, their prefixes and one-byte mutations,
    /// under every profile and tight limits.
    #[test]
    fn the_head_first_path_agrees_with_the_general_one(
        i in 0usize..16,
        at in proptest::prelude::any::<proptest::sample::Index>(),
        byte in proptest::prelude::any::<u8>(),
        cut in proptest::prelude::any::<proptest::sample::Index>(),
        mutate in proptest::prelude::any::<bool>(),
    ) {
        let mut b = sample_messages()[i].clone();
        if mutate {
            let j = at.index(b.len());
            b[j] = byte;
        }
        let b = &b[..b.len() - cut.index(b.len() / 2 + 1).min(if mutate { b.len() } else { 0 })];
        for p in [Profile::Strict, Profile::Lenient, Profile::Neovim] {
            for l in sample_limits() {
                let fast = Message::decode_with(b, &l, p);
                let general = Message::decode_general(b, &l, p);
                // Debug, not ==: a mutation can make a NaN.
                proptest::prop_assert_eq!(format!("{fast:?}"), format!("{general:?}"));
                if let (Ok(Decoded::Complete { value: f, .. }), Ok(Decoded::Complete { value: g, .. })) = (&fast, &general) {
                    proptest::prop_assert_eq!(f.to_vec(), g.to_vec());
                    proptest::prop_assert_eq!(f.encoded_len(), g.encoded_len());
                }
            }
        }
    }

    /// `Call::decode_with` (one pass) agrees with `Message::decode_with` then `params_as`:
    /// the same codec errors and need-more, the same msgid, method and bytes used, the same
    /// params when they fit, a type error (with an offset inside the input) when they do not.
    #[test]
    fn call_agrees_with_decode_then_params_as(
        i in 0usize..16,
        at in proptest::prelude::any::<proptest::sample::Index>(),
        byte in proptest::prelude::any::<u8>(),
        cut in proptest::prelude::any::<proptest::sample::Index>(),
    ) {
        let mut b = sample_messages()[i].clone();
        let j = at.index(b.len());
        b[j] = byte;
        let b = &b[..b.len() - cut.index(3)];
        for p in [Profile::Strict, Profile::Lenient, Profile::Neovim] {
            for l in sample_limits() {
                let call = Call::<serde::de::IgnoredAny>::decode_with(b, &l, p);
                let typed = Call::<SampleParams<'_>>::decode_with(b, &l, p);
                match Message::decode_with(b, &l, p) {
                    Err(e) => {
                        proptest::prop_assert_eq!(&call, &Err(TypedError::Decode(e.clone())));
                        proptest::prop_assert_eq!(typed.err(), Some(TypedError::Decode(e)));
                    }
                    Ok(Decoded::NeedMore { at_least }) => {
                        proptest::prop_assert_eq!(call, Ok(Decoded::NeedMore { at_least }));
                        proptest::prop_assert_eq!(typed.ok(), Some(Decoded::NeedMore { at_least }));
                    }
                    Ok(Decoded::Complete { value: Message::Response { .. }, .. }) => {
                        let is_type = matches!(call, Err(TypedError::Type { offset: 0, .. }));
                        proptest::prop_assert!(is_type, "{call:?}");
                    }
                    Ok(Decoded::Complete { value, used }) => {
                        let Ok(Decoded::Complete { value: c, used: u }) = call else {
                            return Err(proptest::test_runner::TestCaseError::fail(format!("{call:?}")));
                        };
                        proptest::prop_assert_eq!(u, used);
                        proptest::prop_assert_eq!(c.msgid, value.msgid());
                        let (Message::Request { method, .. } | Message::Notification { method, .. }) = &value else {
                            unreachable!()
                        };
                        proptest::prop_assert_eq!(&c.method, method);
                        match (value.params_as::<SampleParams<'_>>(), typed) {
                            (Ok(v), Ok(Decoded::Complete { value: t, used: u })) => {
                                proptest::prop_assert_eq!(format!("{v:?}"), format!("{:?}", t.params));
                                proptest::prop_assert_eq!(u, used);
                            }
                            (Err(_), Err(TypedError::Type { offset, error })) => {
                                proptest::prop_assert!(offset < used && error.offset() == Some(offset));
                            }
                            (v, t) => proptest::prop_assert!(false, "{v:?} vs {t:?}"),
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn call_decodes_params_in_one_pass_borrowing_from_the_input() {
    let wire = sample_messages()[0].clone();
    let Decoded::Complete { value, used } = Call::<SampleParams<'_>>::decode(&wire).unwrap() else {
        panic!("whole")
    };
    assert_eq!(used, wire.len());
    assert_eq!((value.msgid, value.method.as_str()), (Some(7), Some("add")));
    let (one, two, (three, map), bin) = value.params;
    assert_eq!(
        (one, two, three, map[&"k"], bin),
        (1, "two", -3, 0.5, &[1u8, 2][..])
    );
    // Borrowed: the str points into the input.
    assert!(wire.as_ptr_range().contains(&two.as_ptr()));
    // A notification has no msgid; a stream's next message is left alone.
    let mut two_messages = sample_messages()[4].clone();
    let first = two_messages.len();
    two_messages.extend_from_slice(&wire);
    let Decoded::Complete { value, used } =
        Call::<SampleParams<'_>>::decode(&two_messages).unwrap()
    else {
        panic!("whole")
    };
    assert_eq!((value.msgid, used), (None, first));
}

#[test]
fn call_errors_are_typed_with_offsets() {
    let wire = sample_messages()[0].clone();
    // The second param is "two", not an int: the error points at it.
    let e = Call::<(i64, i64, serde::de::IgnoredAny, serde::de::IgnoredAny)>::decode(&wire)
        .unwrap_err();
    let at = wire.windows(4).position(|w| w == b"\xa3two").unwrap();
    assert_eq!((e.kind(), e.offset()), ("type-mismatch", at));
    assert!(e.to_string().contains(&format!("at offset {at}")), "{e}");
    // Fewer elements than the params hold: a type error at the params array.
    let e = Call::<(i64,)>::decode(&wire).unwrap_err();
    assert_eq!(e.kind(), "type-mismatch");
    // A codec error wins, with the decoder's offset and kind.
    let bad = h("94 00 01 a1 61 92 01 a2 c328");
    let e = Call::<(i64, &str)>::decode(&bad).unwrap_err();
    assert_eq!(e, TypedError::Decode(Error::InvalidUtf8 { offset: 7 }));
    assert_eq!(e.code(), None);
    // A response is not a call.
    let resp = sample_messages()[5].clone();
    let e = Call::<serde::de::IgnoredAny>::decode(&resp).unwrap_err();
    assert_eq!((e.kind(), e.offset()), ("type-mismatch", 0));
    // Need-more on a prefix, with the decoder's bound.
    assert_eq!(
        Call::<SampleParams<'_>>::decode(&wire[..wire.len() - 1]).unwrap(),
        Decoded::NeedMore { at_least: 1 }
    );
    // Limits are checked as the pass goes: a depth limit the params break.
    let limits = Limits {
        max_depth: 2,
        ..Limits::default()
    };
    let e = Call::<SampleParams<'_>>::decode_with(&wire, &limits, Profile::Strict).unwrap_err();
    assert_eq!(e.kind(), "depth-limit");
    // Values the type skips are validated all the same.
    let bad = h("94 00 01 a1 61 92 01 91 a2 c328");
    let e = Call::<(i64, serde::de::IgnoredAny)>::decode(&bad).unwrap_err();
    assert_eq!(e, TypedError::Decode(Error::InvalidUtf8 { offset: 8 }));
}

/// The head-first path reads a response's error and result from one scan: the error's end is
/// where reading it stops, whatever it is, and the result is what follows.
#[test]
fn a_response_splits_where_its_error_ends() {
    let b = h("94 01 04 81 a4 636f6465 d0 80 c0");
    let Ok(Decoded::Complete { value, used }) = Message::decode(&b) else {
        panic!("decodes")
    };
    assert_eq!(used, b.len());
    let Message::Response { error, result, .. } = value else {
        panic!("a response")
    };
    assert_eq!(error.to_vec(), h("81 a4 636f6465 d0 80"));
    assert!(result.is_nil());
    // A short str that is not UTF-8, with 8 bytes after its marker (the word check): refused
    // in strict mode, a raw str otherwise; uints out of smallest form re-encode smaller.
    let b = h("94 01 05 c0 98 a2 fffe 01 02 03 04 05 06 07");
    assert!(matches!(
        Message::decode(&b),
        Err(Error::InvalidUtf8 { offset: 5 })
    ));
    assert!(Message::decode_with(&b, &Limits::default(), Profile::Lenient).is_ok());
    let b = h("94 01 02 c0 92 cc05 ce00010000");
    let m = Message::from_slice(&b).unwrap();
    assert_eq!(m.to_vec(), h("94 01 02 c0 92 05 ce00010000"));
}
