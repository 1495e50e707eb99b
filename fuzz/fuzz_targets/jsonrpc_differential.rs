//! msgwire against serde_json::Value on the well-formedness of the JSON text: a parse error
//! from us must be a parse error there, and anything we accept (or reject as an invalid
//! request) must parse there, with the same method, id and member values. Documented
//! differences (fuzz/README.md): serde_json::Value refuses lone surrogate escapes (compared
//! here after rewriting them) and numbers beyond f64, which the JSON grammar allows, and nests
//! at most 127 levels where we allow 128.
#![no_main]
use libfuzzer_sys::fuzz_target;
use msgwire::jsonrpc::{Decoder, Error, Message, Payload, Profile};
use serde_json::Value;

/// serde_json::Value's errors that are not about well-formedness (see the module doc).
fn value_limitation(e: &serde_json::Error) -> bool {
    let m = e.to_string();
    m.contains("number out of range") || m.contains("recursion limit")
}

/// With serde_json's `raw_value` feature, an object whose member name is the private token
/// `$serde_json::private::RawValue` is read as a raw value, not an object
/// (`[{"$serde_json::private::RawValue":2}]` is refused: "expected raw value", or "expected
/// value" for a string member). Valid JSON all the same, so serde_json is no oracle for an
/// input holding the token (found by this target on 2026-12-04).
fn raw_value_token(data: &[u8]) -> bool {
    data.windows(30)
        .any(|w| w == b"$serde_json::private::RawValue")
}

/// `data` with every `\uXXXX` escape of a surrogate rewritten as `\u0041`: the same
/// well-formedness, but serde_json::Value no longer refuses it for pairing reasons. `None` if
/// there was none to rewrite.
fn without_surrogates(data: &[u8]) -> Option<Vec<u8>> {
    let mut out = data.to_vec();
    let mut changed = false;
    let mut i = 0;
    while i < out.len() {
        if out[i] != b'\\' {
            i += 1;
            continue;
        }
        if out.get(i + 1) == Some(&b'u') {
            let hex = out
                .get(i + 2..i + 6)
                .and_then(|h| std::str::from_utf8(h).ok());
            if let Some(n) = hex.and_then(|h| u16::from_str_radix(h, 16).ok()) {
                if (0xd800..=0xdfff).contains(&n)
                    && hex.is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
                {
                    out[i + 2..i + 6].copy_from_slice(b"0041");
                    changed = true;
                }
            }
        }
        i += 2;
    }
    changed.then_some(out)
}

/// The member `name` of `obj` as serde_json sees it (the last duplicate wins, as in ours).
fn member<'v>(obj: &'v Value, name: &str) -> Option<&'v Value> {
    obj.as_object().and_then(|o| o.get(name))
}

fuzz_target!(|data: &[u8]| {
    // Lone surrogates: compare well-formedness on the rewritten text, and skip the value checks.
    let rewritten = without_surrogates(data);
    let theirs = serde_json::from_slice::<Value>(rewritten.as_deref().unwrap_or(data));
    for profile in [Profile::Strict, Profile::Lenient] {
        let ours = Decoder::new(profile).decode_whole(data);
        match (&ours, &theirs) {
            (Ok(_) | Err(Error::Invalid { .. }), Ok(_)) if rewritten.is_some() => {}
            // RFC 8259 §8.2: what a lone surrogate means is "unpredictable"; we refuse one in a
            // member name (serde_json reads names as `str`) and keep one in a value.
            (Err(Error::Parse { detail, .. }), Ok(_))
                if rewritten.is_some()
                    && (detail.contains("surrogate") || detail.contains("hex escape")) => {}
            (Err(Error::TooDeep { .. } | Error::TooLarge { .. }), _) => {}
            (_, Err(e)) if value_limitation(e) || raw_value_token(data) => {}
            (Err(Error::Parse { .. }), Ok(v)) => {
                panic!("we say parse error, serde_json parsed {v:?}")
            }
            (Err(Error::Parse { .. }), Err(_)) => {}
            (_, Err(e)) => panic!("we accepted the JSON text ({ours:?}), serde_json says {e}"),
            (Err(Error::EmptyBatch { .. }), Ok(v)) => assert_eq!(v, &Value::Array(vec![])),
            (Err(_), Ok(_)) => {}
            (Ok(Payload::Batch(b)), Ok(v)) => {
                let items = v.as_array().expect("a batch is an array");
                assert_eq!(items.len(), b.len());
                for ((_, raw), item) in b.raw_items().zip(items) {
                    assert_eq!(&serde_json::from_str::<Value>(raw.get()).unwrap(), item);
                }
            }
            (Ok(Payload::Single(m)), Ok(v)) => {
                assert_eq!(member(v, "jsonrpc"), Some(&Value::from("2.0")));
                let (id, raws) = match m {
                    Message::Request(r) => {
                        assert_eq!(member(v, "method"), Some(&Value::from(&*r.method)));
                        (r.id.as_ref(), vec![("params", r.params.as_ref())])
                    }
                    Message::Response(r) => (Some(&r.id), vec![]),
                };
                if let Some(id) = id {
                    let theirs = member(v, "id").expect("id");
                    assert_eq!(&serde_json::from_str::<Value>(id.raw()).unwrap(), theirs);
                }
                for (name, raw) in raws {
                    if let Some(raw) = raw {
                        assert_eq!(
                            Some(&serde_json::from_str::<Value>(raw.get()).unwrap()),
                            member(v, name)
                        );
                    }
                }
            }
        }
    }
});
