//! Interop with Apache Thrift's Python library (PyPI `thrift`, the version is in the data file):
//! messages it wrote in the binary and the compact protocol (tests/data/thrift-python.json, made
//! by vectors/generate/thrift/python_thrift.py) decode to the values it was given, and msgwire
//! re-encodes them to exactly its bytes; inputs it must refuse, msgwire refuses with a typed error
//! (where the library itself accepts one, the difference is in docs/findings.md).
#![cfg(all(feature = "thrift", feature = "jsonrpc"))]

use msgwire::thrift::{Decoder, Framing, Protocol, ValueRef};
use serde_json::{json, Value as Json};

fn value(v: ValueRef<'_>) -> Json {
    let t = v.ttype().name();
    match v {
        ValueRef::Bool(b) => json!({"type": t, "value": b}),
        ValueRef::Byte(n) => json!({"type": t, "value": n}),
        ValueRef::I16(n) => json!({"type": t, "value": n}),
        ValueRef::I32(n) => json!({"type": t, "value": n}),
        ValueRef::I64(n) => json!({"type": t, "value": n}),
        ValueRef::Double(f) => json!({"type": t, "value": f}),
        ValueRef::Binary(b) => json!({"type": t, "value": hex::encode(b)}),
        ValueRef::Uuid(u) => json!({"type": t, "value": hex::encode(u)}),
        ValueRef::Struct(s) => json!({"type": t, "value": fields(s)}),
        ValueRef::List(l) | ValueRef::Set(l) => json!({
            "type": t, "elem": l.elem_type().name(),
            "value": l.iter().map(value).collect::<Vec<_>>(),
        }),
        ValueRef::Map(m) => json!({
            "type": t, "key": m.key_type().name(), "val": m.value_type().name(),
            "value": m.iter().map(|(k, v)| json!([value(k), value(v)])).collect::<Vec<_>>(),
        }),
    }
}

fn fields(s: msgwire::thrift::StructRef<'_>) -> Json {
    Json::Array(s.iter().map(|(id, v)| json!([id, value(v)])).collect())
}

fn data() -> Json {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/thrift-python.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn protocol(case: &Json) -> Protocol {
    match case["protocol"].as_str().unwrap() {
        "binary" => Protocol::Binary,
        _ => Protocol::Compact,
    }
}

#[test]
fn messages_python_wrote_decode_and_reencode_byte_for_byte() {
    let d = data();
    let cases = d["cases"].as_array().unwrap();
    assert_eq!(cases.len(), 20);
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let p = protocol(case);
        let wire = hex::decode(case["hex"].as_str().unwrap()).unwrap();
        let m = Decoder::new(p, Framing::Unframed)
            .decode_whole(&wire)
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        let got = json!({
            "name": m.name, "type": m.kind.name(), "seqid": m.seqid, "body": fields(m.body),
        });
        assert_eq!(got, case["message"], "{id}");
        assert_eq!(
            m.into_owned().to_vec(p),
            wire,
            "{id}: our encoding differs from {}",
            d["peer"]
        );
        if m.kind.name() == "exception" {
            let x = m.application_exception().unwrap();
            assert!(x.kind.name().is_some(), "{id}");
        }
    }
}

#[test]
fn inputs_that_must_be_refused_are() {
    let expected = [
        ("negative-string-length", "negative-length"),
        ("negative-list-size", "negative-length"),
        ("bad-version", "bad-version"),
        ("unknown-type", "unknown-type"),
        ("deep-nesting", "depth-limit"),
        ("truncated", "truncated"),
        ("huge-declared-list", "size-limit"),
        ("bad-protocol-id", "bad-protocol-id"),
        ("bad-compact-version", "bad-version"),
        ("compact-unknown-type", "unknown-type"),
        ("compact-negative-length", "negative-length"),
        ("compact-overlong-varint", "overlong-varint"),
    ];
    let d = data();
    let bad = d["must_reject"].as_array().unwrap();
    assert_eq!(bad.len(), expected.len());
    for (case, (id, kind)) in bad.iter().zip(expected) {
        assert_eq!(case["id"], id);
        let wire = hex::decode(case["hex"].as_str().unwrap()).unwrap();
        let e = Decoder::new(protocol(case), Framing::Unframed)
            .decode_whole(&wire)
            .unwrap_err();
        assert_eq!(e.kind(), kind, "{id}: {e}");
        assert!(e.offset() <= wire.len());
    }
}
