//! XML-RPC inputs: a methodCall whose param is a 10-member struct (int, string, double,
//! boolean, dateTime, base64, string array, nested array, nested struct, string), a
//! methodResponse (an array of 10 records), and a fault; each decoded and encoded by msgwire,
//! dxr and serde_xmlrpc, with a raw quick-xml event scan (decode) and memcpy as floors.
//!
//! The inputs are in Python `xmlrpc.client`'s layout (the most common encoder in the wild);
//! every encoder writes compact XML, so encode groups measure compact output. All three
//! decoders build a value tree; the peers also decode base64 to bytes (msgwire validates it in
//! place and decodes on demand) and key structs by name in a `BTreeMap`.

use msgwire::xmlrpc::{self, Base64, DateTime, Fault, Member, Message, MethodCall, Value};
use msgwire::xmlrpc::{Layout, MethodResponse};

/// Which document an input is (peers need the type up front).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `<methodCall>`.
    Call,
    /// `<methodResponse><params>`.
    Response,
    /// `<methodResponse><fault>`.
    Fault,
}

fn string(s: &str) -> Value<'static> {
    Value::String(s.to_owned().into())
}

fn record(i: i32) -> Value<'static> {
    Value::Struct(vec![
        Member::new("id", Value::Int(1000 + i)),
        Member::new("name", string(&format!("user-{i:02}"))),
        Member::new("score", Value::Double(f64::from(i) * 1.25)),
        Member::new("active", Value::Boolean(i % 3 != 0)),
    ])
}

/// The methodCall: `users.update(<10-member struct>)`.
pub fn call_message() -> Message<'static> {
    let avatar: Vec<u8> = (0..48u8).map(|i| i.wrapping_mul(37)).collect();
    let member = |name: &'static str, value| Member::new(name, value);
    let profile = Value::Struct(vec![
        member("id", Value::Int(4711)),
        member("name", string("Grace Hopper")),
        member("ratio", Value::Double(0.625)),
        member("active", Value::Boolean(true)),
        member(
            "created",
            Value::DateTime(DateTime::from_parts(2026, 11, 27, 8, 30, 5)),
        ),
        member("avatar", Value::Base64(Base64::from_bytes(&avatar))),
        member(
            "tags",
            Value::Array(["admin", "billing", "ops", "on-call"].map(string).to_vec()),
        ),
        member(
            "matrix",
            Value::Array(vec![
                Value::Array(vec![Value::Int(1), Value::Int(2), Value::Int(3)]),
                Value::Array(vec![Value::Int(4), Value::Int(5), Value::Int(6)]),
            ]),
        ),
        member(
            "owner",
            Value::Struct(vec![
                member("login", string("ghopper")),
                member("uid", Value::Int(1906)),
            ]),
        ),
        member("note", string("compiled the first compiler")),
    ]);
    Message::Call(MethodCall::new("users.update", vec![profile]))
}

/// The methodResponse: an array of 10 records (int, string, double, boolean each).
pub fn response_message() -> Message<'static> {
    Message::Response(MethodResponse::new(Value::Array(
        (0..10).map(record).collect(),
    )))
}

/// The fault, as Python writes one.
pub fn fault_message() -> Message<'static> {
    Message::Fault(Fault::new(4, "Too many parameters."))
}

/// Every input: name (as in the criterion group), kind, bytes (Python's layout).
pub fn inputs() -> Vec<(&'static str, Kind, Vec<u8>)> {
    vec![
        ("call", Kind::Call, call_message().to_vec_pretty()),
        (
            "response",
            Kind::Response,
            response_message().to_vec_pretty(),
        ),
        ("fault", Kind::Fault, fault_message().to_vec_pretty()),
    ]
}

// ---------------------------------------------------------------------------------------------
// msgwire

/// msgwire: decodes the whole document into a value tree (strings borrowed).
pub fn msgwire_decode(wire: &[u8]) -> Message<'_> {
    xmlrpc::decode(wire).expect("msgwire decodes the input")
}

/// msgwire: the compact document in one allocation (exact length first).
pub fn msgwire_encode(message: &Message<'_>) -> Vec<u8> {
    message.to_vec_layout(Layout::Compact)
}

// ---------------------------------------------------------------------------------------------
// quick-xml floor

/// quick-xml: reads every event of the document without unescaping, decoding or checking
/// anything beyond well-formed tags (the floor any XML-based decoder pays); returns the count.
pub fn quick_xml_scan(wire: &[u8]) -> usize {
    use quick_xml::events::Event;
    let mut reader = quick_xml::Reader::from_reader(wire);
    let mut n = 0;
    loop {
        match reader.read_event() {
            Ok(Event::Eof) => return n,
            Ok(_) => n += 1,
            Err(e) => panic!("quick-xml scans the input: {e}"),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// dxr

/// dxr: a parsed document.
#[derive(Debug)]
pub enum Dxr {
    /// A call.
    Call(dxr::MethodCall<'static>),
    /// A response.
    Response(dxr::MethodResponse),
    /// A fault.
    Fault(dxr::FaultResponse),
}

/// dxr: parses `wire` as `kind` (dxr takes `&str`: the UTF-8 check is part of its cost).
pub fn dxr_decode(kind: Kind, wire: &[u8]) -> Dxr {
    let text = std::str::from_utf8(wire).expect("UTF-8 input");
    let r = match kind {
        Kind::Call => dxr::MethodCall::from_xml(text).map(Dxr::Call),
        Kind::Response => dxr::MethodResponse::from_xml(text).map(Dxr::Response),
        Kind::Fault => dxr::FaultResponse::from_xml(text).map(Dxr::Fault),
    };
    r.expect("dxr parses the input")
}

/// dxr: serializes the document.
pub fn dxr_encode(parsed: &Dxr) -> String {
    match parsed {
        Dxr::Call(c) => c.to_xml(),
        Dxr::Response(r) => r.to_xml(),
        Dxr::Fault(f) => f.to_xml(),
    }
    .expect("dxr serializes")
}

// ---------------------------------------------------------------------------------------------
// serde_xmlrpc

/// serde_xmlrpc: a parsed document.
#[derive(Debug, Clone)]
pub enum SerdeXmlrpc {
    /// Method name and params.
    Call(String, Vec<serde_xmlrpc::Value>),
    /// The response's value.
    Response(serde_xmlrpc::Value),
    /// A fault's code and string (serde_xmlrpc reports a fault as an error value).
    Fault(i32, String),
}

/// serde_xmlrpc: parses `wire` as `kind` (it takes `&str`: the UTF-8 check is part of its
/// cost).
pub fn serde_xmlrpc_decode(kind: Kind, wire: &[u8]) -> SerdeXmlrpc {
    let text = std::str::from_utf8(wire).expect("UTF-8 input");
    match kind {
        Kind::Call => {
            let (name, params) = serde_xmlrpc::request_from_str(text).expect("parses the call");
            SerdeXmlrpc::Call(name, params)
        }
        Kind::Response => SerdeXmlrpc::Response(
            serde_xmlrpc::response_from_str(text).expect("parses the response"),
        ),
        Kind::Fault => match serde_xmlrpc::response_from_str::<serde_xmlrpc::Value>(text) {
            Err(serde_xmlrpc::Error::Fault(f)) => SerdeXmlrpc::Fault(f.fault_code, f.fault_string),
            other => panic!("serde_xmlrpc did not read a fault: {other:?}"),
        },
    }
}

/// serde_xmlrpc: serializes a call or response (its API consumes the values). It has no
/// fault writer, so faults are `None`.
pub fn serde_xmlrpc_encode(parsed: SerdeXmlrpc) -> Option<String> {
    match parsed {
        SerdeXmlrpc::Call(name, params) => {
            Some(serde_xmlrpc::request_to_string(&name, params).expect("serializes"))
        }
        SerdeXmlrpc::Response(v) => {
            Some(serde_xmlrpc::response_to_string(std::iter::once(v)).expect("serializes"))
        }
        SerdeXmlrpc::Fault(..) => None,
    }
}

/// Allocation counts of every XML-RPC operation the benches time.
pub fn count_allocations(report: crate::Report<'_>) {
    use crate::count;
    for (name, kind, wire) in inputs() {
        let group = format!("xmlrpc/decode/{name}");
        report(&group, "msgwire", count(|| msgwire_decode(&wire)));
        report(&group, "dxr", count(|| dxr_decode(kind, &wire)));
        report(
            &group,
            "serde_xmlrpc",
            count(|| serde_xmlrpc_decode(kind, &wire)),
        );
        report(&group, "quick-xml scan", count(|| quick_xml_scan(&wire)));
        report(&group, "memcpy", count(|| wire.to_vec()));

        let ours = msgwire_decode(&wire);
        let compact = msgwire_encode(&ours);
        let dxr = dxr_decode(kind, &wire);
        let serde = serde_xmlrpc_decode(kind, &wire);
        let group = format!("xmlrpc/encode/{name}");
        report(&group, "msgwire", count(|| msgwire_encode(&ours)));
        report(&group, "dxr", count(|| dxr_encode(&dxr)));
        if kind != Kind::Fault {
            let owned = serde.clone();
            report(
                &group,
                "serde_xmlrpc",
                count(move || serde_xmlrpc_encode(owned)),
            );
        }
        report(&group, "memcpy", count(|| compact.to_vec()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::{json, Map, Value as Json};

    /// One canonical form for every implementation's values: structs as sorted objects,
    /// dateTime as its fields (or, with `datetime_as_text`, its text: what serde_xmlrpc hands
    /// back, see `serde_xmlrpc_returns_datetimes_as_strings`), base64 as its bytes.
    fn canonical(v: &Value<'_>, datetime_as_text: bool) -> Json {
        match v {
            Value::Int(n) | Value::I4(n) => json!(n),
            Value::Boolean(b) => json!(b),
            Value::String(s) | Value::Untyped(s) => json!(s),
            Value::Double(d) => json!(d),
            Value::DateTime(d) if datetime_as_text => json!(d.text()),
            Value::DateTime(d) => {
                let p = d.parts().unwrap();
                json!([p.year, p.month, p.day, p.hour, p.minute, p.second])
            }
            Value::Base64(b) => json!({ "bytes": b.to_bytes().unwrap() }),
            Value::Array(items) => Json::Array(
                items
                    .iter()
                    .map(|v| canonical(v, datetime_as_text))
                    .collect(),
            ),
            Value::Struct(members) => Json::Object(
                members
                    .iter()
                    .map(|m| (m.name.to_string(), canonical(&m.value, datetime_as_text)))
                    .collect::<Map<_, _>>(),
            ),
            other => panic!("not in the inputs: {other:?}"),
        }
    }

    fn dxr_json(v: &dxr::Value) -> Json {
        match v {
            dxr::Value::Integer(n) => json!(n),
            dxr::Value::Boolean(b) => json!(b),
            dxr::Value::String(s) => json!(s),
            dxr::Value::Double(d) => json!(d),
            dxr::Value::DateTime(d) => json!([
                d.year(),
                d.month(),
                d.day(),
                d.hour(),
                d.minute(),
                d.second()
            ]),
            dxr::Value::Base64(b) => json!({ "bytes": b }),
            dxr::Value::Array(items) => Json::Array(items.iter().map(dxr_json).collect()),
            dxr::Value::Struct(members) => Json::Object(
                members
                    .iter()
                    .map(|(k, v)| (k.clone(), dxr_json(v)))
                    .collect(),
            ),
        }
    }

    fn serde_json_of(v: &serde_xmlrpc::Value) -> Json {
        use serde_xmlrpc::Value as V;
        match v {
            V::Int(n) => json!(n),
            V::Bool(b) => json!(b),
            V::String(s) => json!(s),
            V::Double(d) => json!(d),
            V::DateTime(d) => {
                // iso8601's Display: `YYYY-MM-DDTHH:MM:SS.mmm+hh:mm`.
                let digits: Vec<u32> = d
                    .to_string()
                    .bytes()
                    .filter(u8::is_ascii_digit)
                    .map(|c| u32::from(c - b'0'))
                    .collect();
                let n =
                    |at: usize, len: usize| digits[at..at + len].iter().fold(0, |a, d| a * 10 + d);
                json!([n(0, 4), n(4, 2), n(6, 2), n(8, 2), n(10, 2), n(12, 2)])
            }
            V::Base64(b) => json!({ "bytes": b }),
            V::Array(items) => Json::Array(items.iter().map(serde_json_of).collect()),
            V::Struct(members) => Json::Object(
                members
                    .iter()
                    .map(|(k, v)| (k.clone(), serde_json_of(v)))
                    .collect(),
            ),
            other => panic!("not in the inputs: {other:?}"),
        }
    }

    /// The document as (method or kind, params) in canonical form.
    fn msgwire_view(m: &Message<'_>, datetime_as_text: bool) -> Json {
        let canon = |v| canonical(v, datetime_as_text);
        match m {
            Message::Call(c) => json!([c.method, c.params.iter().map(canon).collect::<Vec<_>>()]),
            Message::Response(r) => json!(["response", [canon(r.value().unwrap())]]),
            Message::Fault(f) => json!(["fault", [f.code().0, f.string()]]),
        }
    }

    fn dxr_view(d: &Dxr) -> Json {
        match d {
            Dxr::Call(c) => json!([c.name, c.params.iter().map(dxr_json).collect::<Vec<_>>()]),
            Dxr::Response(r) => json!(["response", [dxr_json(&r.value)]]),
            Dxr::Fault(f) => json!(["fault", [f.fault.code(), f.fault.string()]]),
        }
    }

    fn serde_xmlrpc_view(s: &SerdeXmlrpc) -> Json {
        match s {
            SerdeXmlrpc::Call(name, params) => {
                json!([name, params.iter().map(serde_json_of).collect::<Vec<_>>()])
            }
            SerdeXmlrpc::Response(v) => json!(["response", [serde_json_of(v)]]),
            SerdeXmlrpc::Fault(code, string) => json!(["fault", [code, string]]),
        }
    }

    #[test]
    fn every_implementation_agrees_on_the_inputs() {
        for (name, kind, wire) in inputs() {
            let decoded = msgwire_decode(&wire);
            let view = msgwire_view(&decoded, false);
            // serde_xmlrpc hands dateTime values back as strings (see the finding below).
            let as_text = msgwire_view(&decoded, true);
            assert_eq!(dxr_view(&dxr_decode(kind, &wire)), view, "{name}: dxr");
            let serde = serde_xmlrpc_decode(kind, &wire);
            assert_eq!(serde_xmlrpc_view(&serde), as_text, "{name}: serde_xmlrpc");
            assert!(quick_xml_scan(&wire) > 10, "{name}");

            // Every encoder's output decodes (with msgwire) to the same document; msgwire's
            // pretty layout reproduces the input byte for byte.
            assert_eq!(decoded.to_vec_pretty(), wire, "{name}");
            let compact = msgwire_encode(&decoded);
            assert!(compact.len() < wire.len(), "{name}");
            let mut outputs = vec![
                ("msgwire", compact, &view),
                (
                    "dxr",
                    dxr_encode(&dxr_decode(kind, &wire)).into_bytes(),
                    &view,
                ),
            ];
            if let Some(out) = serde_xmlrpc_encode(serde) {
                outputs.push(("serde_xmlrpc", out.into_bytes(), &as_text));
            }
            for (who, out, expected) in outputs {
                let again = xmlrpc::decode(&out)
                    .unwrap_or_else(|e| panic!("{name}: {who} wrote what msgwire rejects: {e}"));
                assert_eq!(&msgwire_view(&again, false), expected, "{name}: {who}");
            }
        }
    }

    #[test]
    fn inputs_have_the_intended_shape() {
        let Message::Call(call) = call_message() else {
            unreachable!()
        };
        let Value::Struct(members) = &call.params[0] else {
            panic!("not a struct")
        };
        assert_eq!(members.len(), 10);
        let types: Vec<_> = members.iter().map(|m| m.value.type_name()).collect();
        for t in [
            "int",
            "string",
            "double",
            "boolean",
            "dateTime.iso8601",
            "base64",
        ] {
            assert!(types.contains(&t), "{t}");
        }
        assert_eq!(types.iter().filter(|t| **t == "array").count(), 2);
        let Message::Response(r) = response_message() else {
            unreachable!()
        };
        assert!(matches!(r.value(), Some(Value::Array(a)) if a.len() == 10));
    }

    /// Finding (serde_xmlrpc 0.2.3): `request_from_str` and `response_from_str::<Value>`
    /// transcode through serde, so a `<dateTime.iso8601>` comes back as `Value::String` (its
    /// text), never `Value::DateTime`, and is re-encoded as `<string>`: the type is lost.
    #[test]
    fn serde_xmlrpc_returns_datetimes_as_strings() {
        let call = br#"<?xml version="1.0"?><methodCall><methodName>m</methodName><params><param><value><dateTime.iso8601>19980717T14:08:55</dateTime.iso8601></value></param></params></methodCall>"#;
        let SerdeXmlrpc::Call(_, params) = serde_xmlrpc_decode(Kind::Call, call) else {
            unreachable!()
        };
        assert_eq!(
            params,
            [serde_xmlrpc::Value::String("19980717T14:08:55".into())]
        );
        let response = br#"<?xml version="1.0"?><methodResponse><params><param><value><dateTime.iso8601>19980717T14:08:55</dateTime.iso8601></value></param></params></methodResponse>"#;
        let SerdeXmlrpc::Response(v) = serde_xmlrpc_decode(Kind::Response, response) else {
            unreachable!()
        };
        assert_eq!(v, serde_xmlrpc::Value::String("19980717T14:08:55".into()));
    }
}
