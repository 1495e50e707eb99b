//! Raw bytes into the frame decoder, both profiles: never a panic; a strict decode re-encodes
//! to exactly the bytes it used. Every field table a frame carries (method arguments, the
//! headers property) iterates back to exactly its validated bytes, and a content header's lazy
//! properties read back, property by property, to the same property list.
#![no_main]
use libfuzzer_sys::fuzz_target;
use msgwire::amqp::{
    Decoder, FieldArray, FieldRef, FieldTable, FieldValue, Frame, Limits, Profile, Properties,
};
use msgwire::Decoded;

/// Re-encodes a table entry by entry from its iterator (descending into nested containers)
/// and checks that this gives its bytes back: the walk neither stops early nor misreads.
fn check_table(t: &FieldTable<'_>) {
    let mut out = Vec::new();
    for (name, value) in t.iter() {
        out.push(name.len() as u8);
        out.extend_from_slice(name.as_bytes());
        push_value(&mut out, &value, t.as_bytes());
    }
    assert_eq!(
        out,
        t.as_bytes(),
        "table iteration must give back its bytes"
    );
}

fn check_array(a: &FieldArray<'_>) {
    let mut out = Vec::new();
    for value in a.iter() {
        push_value(&mut out, &value, a.as_bytes());
    }
    assert_eq!(
        out,
        a.as_bytes(),
        "array iteration must give back its bytes"
    );
}

/// Appends `v`'s encoding, checking nested containers. A boolean is any octet (non-zero =
/// true) but encodes as 0 or 1: the octet of `raw` at the same place is kept when it agrees.
fn push_value(out: &mut Vec<u8>, v: &FieldValue<'_>, raw: &[u8]) {
    check_value(v);
    let at = out.len();
    v.encode(out);
    if let FieldValue::Bool(b) = v {
        if let Some(&octet) = raw.get(at + 1) {
            assert_eq!(octet != 0, *b, "a boolean reads as its octet");
            out[at + 1] = octet;
        }
    }
}

fn check_value(v: &FieldValue<'_>) {
    match v {
        FieldValue::Table(t) => check_table(t),
        FieldValue::Array(a) => check_array(a),
        _ => {}
    }
}

fuzz_target!(|data: &[u8]| {
    for profile in [Profile::Strict, Profile::RabbitMq] {
        let decoder = Decoder {
            limits: Limits {
                frame_max: 0,
                ..Limits::default()
            },
            profile,
        };
        match decoder.decode(data) {
            Ok(Decoded::Complete { value, used }) => {
                assert!(used <= data.len());
                if profile == Profile::Strict {
                    assert_eq!(
                        value.to_vec(),
                        &data[..used],
                        "strict decode must re-encode exactly"
                    );
                }
                match &value {
                    Frame::Method { method, .. } => method.visit_fields(&mut |_, f| {
                        if let FieldRef::Table(t) = f {
                            check_table(t);
                        }
                    }),
                    Frame::Header { header, .. } => {
                        let p = &header.properties;
                        assert_eq!(
                            &Properties::from(p.to_basic()),
                            p,
                            "the lazy properties must read back to their own list"
                        );
                        if let Some(t) = p.headers() {
                            check_table(&t);
                        }
                    }
                    _ => {}
                }
            }
            Ok(Decoded::NeedMore { at_least }) => assert!(at_least >= 1),
            Err(e) => assert!(e.offset() <= data.len()),
        }
    }
});
