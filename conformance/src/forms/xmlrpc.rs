//! Canonical JSON form of XML-RPC documents (documented in `docs/forms/xmlrpc.md`).
//!
//! One document per XML-RPC document: `{"kind": "call", "method": ..., "params": [...]}`,
//! `{"kind": "response", "params": [...]}` or `{"kind": "fault", "fault": <struct value>}`,
//! plus `"layout": "pretty"` when the input is byte for byte the encoder's pretty (Python)
//! layout. Values are one-key objects named by their XML element (`{"i4": 5}`), except an
//! untyped `<value>`, which is a bare JSON string; structs are `[[name, value], ...]` so order
//! and duplicates survive. Lossless: encode(decode(x)) == x for x in compact or pretty layout.

use super::{Decoding, FormError};
use msgwire::xmlrpc::{
    self, Base64, DateTime, Fault, Layout, Limits, Member, Message, MethodCall, MethodResponse,
    Profile, Value as X,
};
use serde_json::{json, Map, Value};

/// Decoder profiles, the default first.
pub const PROFILES: &[&str] = &["strict", "apache", "lenient"];

/// Bytes → canonical documents.
pub fn decode(input: &[u8], profile: &str) -> Decoding {
    let Some(profile) = Profile::from_name(profile) else {
        return Decoding {
            docs: Vec::new(),
            error: Some(form_error(format!("unknown profile {profile:?}"))),
        };
    };
    match xmlrpc::decode_with(input, profile, &Limits::default()) {
        Ok(message) => {
            let mut doc = message_to_json(&message);
            if message.to_vec() != input && message.to_vec_pretty() == input {
                doc["layout"] = json!("pretty");
            }
            Decoding {
                docs: vec![doc],
                error: None,
            }
        }
        Err(e) => Decoding {
            docs: Vec::new(),
            error: Some(FormError {
                kind: e.kind().into(),
                code: Some(e.code().into()),
                offset: Some(e.offset()),
                message: e.to_string(),
            }),
        },
    }
}

/// Canonical documents → bytes (each document encoded in its layout, concatenated).
pub fn encode(docs: &[Value]) -> Result<Vec<u8>, FormError> {
    let mut out = Vec::new();
    for doc in docs {
        let layout = match doc.get("layout").and_then(Value::as_str) {
            None => Layout::Compact,
            Some("pretty") => Layout::Pretty,
            Some(other) => return Err(form_error(format!("/layout: unknown layout {other:?}"))),
        };
        message_from_json(doc)?.encode_layout(layout, &mut out);
    }
    Ok(out)
}

fn form_error(message: String) -> FormError {
    FormError {
        kind: "form".into(),
        code: None,
        offset: None,
        message,
    }
}

/// The canonical document of a decoded message (without `layout`).
pub fn message_to_json(m: &Message<'_>) -> Value {
    match m {
        Message::Call(c) => json!({
            "kind": "call",
            "method": c.method,
            "params": c.params.iter().map(value_to_json).collect::<Vec<_>>(),
        }),
        Message::Response(r) => json!({
            "kind": "response",
            "params": r.params.iter().map(value_to_json).collect::<Vec<_>>(),
        }),
        Message::Fault(f) => json!({"kind": "fault", "fault": value_to_json(f.value())}),
    }
}

fn double_to_json(f: f64) -> Value {
    if f.is_nan() {
        json!("nan")
    } else if f.is_infinite() {
        json!(if f > 0.0 { "inf" } else { "-inf" })
    } else {
        json!(f)
    }
}

/// One value in canonical form.
pub fn value_to_json(v: &X<'_>) -> Value {
    let tagged = |tag: &str, inner: Value| {
        let mut m = Map::new();
        m.insert(tag.into(), inner);
        Value::Object(m)
    };
    let tag = v.type_name();
    match v {
        X::Untyped(s) => json!(s),
        X::Int(n) | X::I4(n) => tagged(tag, json!(n)),
        X::I8(n) | X::ExI8(n) => tagged(tag, json!(n)),
        X::ExI1(n) => tagged(tag, json!(n)),
        X::ExI2(n) => tagged(tag, json!(n)),
        X::Boolean(b) => tagged(tag, json!(b)),
        X::String(s) => tagged(tag, json!(s)),
        X::Double(f) => tagged(tag, double_to_json(*f)),
        // Through the shortest f32 text, so 0.1f32 shows as 0.1.
        X::ExFloat(f) => tagged(
            tag,
            double_to_json(f.to_string().parse::<f64>().unwrap_or(f64::from(*f))),
        ),
        X::DateTime(d) => tagged(tag, json!(d.text())),
        X::Base64(b) => tagged(tag, json!(b.text())),
        X::Array(items) => tagged(tag, Value::Array(items.iter().map(value_to_json).collect())),
        X::Struct(members) => tagged(
            tag,
            Value::Array(
                members
                    .iter()
                    .map(|m| json!([m.name, value_to_json(&m.value)]))
                    .collect(),
            ),
        ),
        X::Nil | X::ExNil => tagged(tag, Value::Null),
    }
}

fn params_from_json(doc: &Value) -> Result<Vec<X<'static>>, FormError> {
    doc.get("params")
        .and_then(Value::as_array)
        .ok_or_else(|| form_error("/params: must be an array".into()))?
        .iter()
        .enumerate()
        .map(|(i, v)| {
            value_from_json(v).map_err(|e| super::error_under(&format!("/params/{i}"), e))
        })
        .collect()
}

/// A message from its canonical document (`layout` is ignored here).
pub fn message_from_json(doc: &Value) -> Result<Message<'static>, FormError> {
    match doc.get("kind").and_then(Value::as_str) {
        Some("call") => {
            let method = doc
                .get("method")
                .and_then(Value::as_str)
                .ok_or_else(|| form_error("/method: a call needs a string method".into()))?;
            Ok(Message::Call(MethodCall::new(
                method.to_owned(),
                params_from_json(doc)?,
            )))
        }
        Some("response") => Ok(Message::Response(MethodResponse {
            params: params_from_json(doc)?,
        })),
        Some("fault") => {
            let value = value_from_json(
                doc.get("fault")
                    .ok_or_else(|| form_error("/fault: missing member".into()))?,
            )
            .map_err(|e| super::error_under("/fault", e))?;
            Fault::from_value(value, true)
                .map(Message::Fault)
                .map_err(|reason| form_error(format!("/fault: {reason}")))
        }
        _ => Err(form_error("/kind: must be call, response or fault".into())),
    }
}

fn int<T: TryFrom<i64>>(v: &Value, tag: &str) -> Result<T, FormError> {
    v.as_i64()
        .and_then(|n| T::try_from(n).ok())
        .ok_or_else(|| form_error(format!("/{tag}: not an integer in range")))
}

fn double(v: &Value, tag: &str) -> Result<f64, FormError> {
    match v {
        Value::String(s) if s == "nan" => Ok(f64::NAN),
        Value::String(s) if s == "inf" => Ok(f64::INFINITY),
        Value::String(s) if s == "-inf" => Ok(f64::NEG_INFINITY),
        _ => v
            .as_f64()
            .ok_or_else(|| form_error(format!("/{tag}: not a number"))),
    }
}

fn text(v: &Value, tag: &str) -> Result<String, FormError> {
    v.as_str()
        .map(str::to_owned)
        .ok_or_else(|| form_error(format!("/{tag}: not a string")))
}

/// One value from canonical form.
pub fn value_from_json(v: &Value) -> Result<X<'static>, FormError> {
    if let Value::String(s) = v {
        return Ok(X::Untyped(s.clone().into()));
    }
    let Some((tag, inner)) = v
        .as_object()
        .filter(|m| m.len() == 1)
        .and_then(|m| m.iter().next())
    else {
        return Err(form_error(format!(
            "a value is a string or a one-key object, not {v}"
        )));
    };
    Ok(match tag.as_str() {
        "int" => X::Int(int(inner, tag)?),
        "i4" => X::I4(int(inner, tag)?),
        "i8" => X::I8(int(inner, tag)?),
        "ex:i1" => X::ExI1(int(inner, tag)?),
        "ex:i2" => X::ExI2(int(inner, tag)?),
        "ex:i8" => X::ExI8(int(inner, tag)?),
        "boolean" => X::Boolean(
            inner
                .as_bool()
                .ok_or_else(|| form_error("/boolean: not true/false".into()))?,
        ),
        "string" => X::String(text(inner, tag)?.into()),
        "double" => X::Double(double(inner, tag)?),
        "ex:float" => X::ExFloat(double(inner, tag)? as f32),
        "dateTime.iso8601" => X::DateTime(DateTime::from_text(text(inner, tag)?)),
        "base64" => X::Base64(Base64::from_text(text(inner, tag)?)),
        "nil" => X::Nil,
        "ex:nil" => X::ExNil,
        "array" => X::Array(
            inner
                .as_array()
                .ok_or_else(|| form_error("/array: not a JSON array".into()))?
                .iter()
                .enumerate()
                .map(|(i, v)| {
                    value_from_json(v).map_err(|e| super::error_under(&format!("/array/{i}"), e))
                })
                .collect::<Result<_, _>>()?,
        ),
        "struct" => X::Struct(
            inner
                .as_array()
                .ok_or_else(|| form_error("/struct: not a JSON array".into()))?
                .iter()
                .enumerate()
                .map(|(i, pair)| match pair.as_array().map(Vec::as_slice) {
                    Some([Value::String(name), value]) => Ok(Member::new(
                        name.clone(),
                        value_from_json(value)
                            .map_err(|e| super::error_under(&format!("/struct/{i}/1"), e))?,
                    )),
                    _ => Err(form_error(format!(
                        "/struct/{i}: members are [name, value] pairs"
                    ))),
                })
                .collect::<Result<_, _>>()?,
        ),
        other => return Err(form_error(format!("unknown value type {other:?}"))),
    })
}

#[cfg(test)]
mod tests {
    //! Checks every case of `vectors/xmlrpc/*.json` against this form, until the shared runner
    //! (conformance/tests/vectors.rs) covers it.

    use super::*;

    fn numbers_equal(a: &Value, b: &Value) -> bool {
        match (a, b) {
            (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
            (Value::Array(x), Value::Array(y)) => {
                x.len() == y.len() && x.iter().zip(y).all(|(a, b)| numbers_equal(a, b))
            }
            (Value::Object(x), Value::Object(y)) => {
                x.len() == y.len()
                    && x.iter()
                        .all(|(k, v)| y.get(k).is_some_and(|w| numbers_equal(v, w)))
            }
            _ => a == b,
        }
    }

    fn input_bytes(input: &Value) -> Vec<u8> {
        if let Some(t) = input.get("text").and_then(Value::as_str) {
            t.as_bytes().to_vec()
        } else if let Some(h) = input.get("hex").and_then(Value::as_str) {
            let h: String = h.chars().filter(|c| !c.is_whitespace()).collect();
            hex::decode(h).expect("hex input")
        } else {
            let f = input["file"].as_str().expect("input.file");
            crate::corpus::embedded_input("xmlrpc", f).to_vec()
        }
    }

    fn verdict<'v>(case: &'v Value, profile: &str) -> Option<&'v str> {
        match &case["verdict"] {
            Value::String(s) => Some(s),
            Value::Object(m) => m
                .get(profile)
                .or_else(|| m.get("default"))
                .and_then(Value::as_str),
            _ => panic!("bad verdict in {}", case["id"]),
        }
    }

    #[test]
    fn vectors_pass() {
        let mut checked = 0;
        let mut failures = Vec::new();
        let files = crate::corpus::embedded_vector_files("xmlrpc");
        assert!(!files.is_empty(), "no vector files");
        for (_, bytes) in files {
            let group: Value = serde_json::from_slice(bytes).unwrap();
            assert_eq!(group["format"], "msgwire-vectors/1");
            assert_eq!(group["protocol"], "xmlrpc");
            for case in group["cases"].as_array().unwrap() {
                let id = case["id"].as_str().unwrap();
                let input = input_bytes(&case["input"]);
                for &profile in PROFILES {
                    let Some(v) = verdict(case, profile) else {
                        continue;
                    };
                    checked += 1;
                    let got = decode(&input, profile);
                    let mut fail = |why: String| failures.push(format!("{id} [{profile}]: {why}"));
                    match v {
                        "y" => {
                            if let Some(e) = &got.error {
                                fail(format!("rejected: {e}"));
                                continue;
                            }
                            let expect = case["expect"].as_array().expect("expect");
                            let expect_ok = expect.len() == got.docs.len()
                                && expect
                                    .iter()
                                    .zip(&got.docs)
                                    .all(|(a, b)| numbers_equal(a, b));
                            if !expect_ok {
                                fail(format!(
                                    "decoded {} expected {}",
                                    Value::Array(got.docs.clone()),
                                    Value::Array(expect.clone())
                                ));
                            }
                            if case
                                .get("roundtrip")
                                .and_then(Value::as_bool)
                                .unwrap_or(true)
                            {
                                if encode(&got.docs).ok().as_deref() != Some(&input[..]) {
                                    fail("encode(decode(input)) != input".into());
                                }
                            } else {
                                let again = encode(expect)
                                    .map(|b| decode(&b, profile).docs)
                                    .unwrap_or_default();
                                let same = again.len() == expect.len()
                                    && again.iter().zip(expect).all(|(a, b)| numbers_equal(a, b));
                                if !same {
                                    fail("decode(encode(expect)) != expect".into());
                                }
                            }
                        }
                        "n" => match &got.error {
                            None => fail("accepted".into()),
                            Some(e) => {
                                let want = &case["error"];
                                if want["kind"] != e.kind.as_str() {
                                    fail(format!("error {} expected {}", e.kind, want["kind"]));
                                }
                                if let Some(code) = want.get("code").and_then(Value::as_i64) {
                                    if e.code != Some(code) {
                                        fail(format!("code {:?} expected {code}", e.code));
                                    }
                                }
                            }
                        },
                        "i" => {}
                        other => fail(format!("unknown verdict {other}")),
                    }
                }
            }
        }
        assert!(
            failures.is_empty(),
            "{} failures:\n{}",
            failures.len(),
            failures.join("\n")
        );
        assert!(checked > 0);
    }

    #[test]
    fn form_roundtrips_compact_and_pretty() {
        let m = Message::Call(MethodCall::new(
            "x",
            vec![
                X::Untyped("u".into()),
                X::Double(f64::NAN),
                X::ExFloat(0.1),
                X::Struct(vec![Member::new("a", X::Nil), Member::new("a", X::ExNil)]),
            ],
        ));
        for bytes in [m.to_vec(), m.to_vec_pretty()] {
            let d = decode(&bytes, "lenient");
            assert!(d.error.is_none(), "{:?}", d.error);
            assert_eq!(encode(&d.docs).unwrap(), bytes);
        }
        let d = decode(&m.to_vec(), "lenient");
        assert_eq!(d.docs[0]["params"][2], json!({"ex:float": 0.1}));
        assert_eq!(d.docs[0]["params"][0], json!("u"));
        assert!(decode(b"<x/>", "strict").error.is_some());
        assert_eq!(decode(b"", "nope").error.unwrap().kind, "form");
    }
}
