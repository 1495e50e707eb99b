//! JSON-RPC inputs: a typical request (`eth_getBalance`), a response with a nested result
//! (an `eth_getBlockByNumber`-shaped block), and a batch of 100 requests; each decoded and
//! encoded by msgwire, jsonrpsee-types, jsonrpc-core and `serde_json::Value`, with serde_json
//! `IgnoredAny` (validate only) and memcpy as floors.
//!
//! Every implementation does the work its users get from it: msgwire and jsonrpsee-types keep
//! `params`/`result` as raw JSON slices, jsonrpc-core and `Value` build the whole tree. A
//! msgwire batch is lazy, so its decode here also validates every item.

use msgwire::jsonrpc::{self, Message, Payload};
use serde::de::IgnoredAny;
use serde_json::value::RawValue;

/// Which JSON-RPC shape an input has (peers need the type up front).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// One request object.
    Request,
    /// One response object.
    Response,
    /// An array of requests.
    Batch,
}

/// The issue's typical request.
pub fn request() -> Vec<u8> {
    br#"{"jsonrpc":"2.0","method":"eth_getBalance","params":["0x407d73d8a49eeb85d32cf465507dd71d507100c1","latest"],"id":1}"#.to_vec()
}

/// A 40-hex-digit address derived from `i` (deterministic, distinct per `i`).
fn address(i: u64) -> String {
    let x = i.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    format!("0x{x:016x}{:016x}{:08x}", x.rotate_left(17), i)
}

/// A response whose result is a block: nested objects and arrays of strings, numbers,
/// booleans and null (compact, members in the order msgwire writes them).
pub fn response() -> Vec<u8> {
    let txs: Vec<String> = (0..4)
        .map(|i| {
            format!(
                r#"{{"hash":"0x{:064x}","from":"{}","to":"{}","value":"0x{:x}","gas":"0x5208","input":"0x","nonce":{},"logs":[{{"topics":["0x{:064x}"],"removed":false}}]}}"#,
                0xabcdef_u64 + i,
                address(i),
                address(i + 100),
                1_000_000_007 * (i + 1),
                i,
                0x1234_u64 * (i + 1),
            )
        })
        .collect();
    format!(
        r#"{{"jsonrpc":"2.0","result":{{"number":"0x1b4","hash":"0x{:064x}","parentHash":"0x{:064x}","miner":"{}","gasUsed":"0x9f759","timestamp":"0x55ba467c","size":1045,"finalized":true,"baseFee":null,"difficulty":[4,2,1.5,-7],"transactions":[{}],"uncles":[]}},"id":1}}"#,
        0xdc08_u64,
        0xe99e_u64,
        address(7),
        txs.join(","),
    )
    .into_bytes()
}

/// 100 `eth_getBalance` requests with distinct addresses and ids 1..=100.
pub fn batch_100() -> Vec<u8> {
    let items: Vec<String> = (1..=100u64)
        .map(|i| {
            format!(
                r#"{{"jsonrpc":"2.0","method":"eth_getBalance","params":["{}","latest"],"id":{i}}}"#,
                address(i)
            )
        })
        .collect();
    format!("[{}]", items.join(",")).into_bytes()
}

/// Every input: name (as in the criterion group), kind, bytes.
pub fn inputs() -> Vec<(&'static str, Kind, Vec<u8>)> {
    vec![
        ("request", Kind::Request, request()),
        ("response", Kind::Response, response()),
        ("batch-100", Kind::Batch, batch_100()),
    ]
}

// ---------------------------------------------------------------------------------------------
// msgwire

/// msgwire: decodes `wire` and validates every message (batch items included); returns the
/// number of valid messages.
pub fn msgwire_decode(wire: &[u8]) -> usize {
    match jsonrpc::decode(wire).expect("msgwire decodes the input") {
        Payload::Single(_) => 1,
        Payload::Batch(b) => b.iter().filter(Result::is_ok).count(),
    }
}

/// msgwire: the messages of a decoded payload (batch items decoded), borrowing from it.
pub fn msgwire_messages<'p>(payload: &'p Payload<'_>) -> Vec<Message<'p>> {
    match payload {
        Payload::Single(m) => vec![m.clone()],
        Payload::Batch(b) => b.iter().map(|m| m.expect("valid item")).collect(),
    }
}

/// msgwire: encodes one message, or a batch `[m,m,...]` of typed messages, into one buffer
/// sized exactly up front (one allocation).
pub fn msgwire_encode(messages: &[Message<'_>], kind: Kind) -> Vec<u8> {
    if kind != Kind::Batch {
        return messages[0].to_vec();
    }
    let len = 2 + messages.len() - 1 + messages.iter().map(Message::encoded_len).sum::<usize>();
    let mut out = Vec::with_capacity(len);
    out.push(b'[');
    for (i, m) in messages.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        m.encode(&mut out);
    }
    out.push(b']');
    out
}

/// The `eth_getBalance` params as a caller's type: the address and the block tag, both
/// borrowed from the input.
pub type BalanceParams<'a> = (&'a str, &'a str);

/// msgwire, typed: decodes `wire` (validating every message) and deserializes each request's
/// params into [`BalanceParams`] with `params_as`; the sum of the addresses' lengths.
pub fn msgwire_typed(wire: &[u8]) -> usize {
    let typed = |m: &Message<'_>| match m {
        Message::Request(r) => r
            .params_as::<BalanceParams<'_>>()
            .expect("params fit")
            .0
            .len(),
        Message::Response(_) => panic!("not a request"),
    };
    match jsonrpc::decode(wire).expect("msgwire decodes the input") {
        Payload::Single(m) => typed(&m),
        Payload::Batch(b) => b.iter().map(|m| typed(&m.expect("valid item"))).sum(),
    }
}

/// jsonrpsee-types, typed: parses `wire` as its server does (`Request`, or `Vec<Request>`)
/// and deserializes each request's params into [`BalanceParams`] with `Params::parse`.
pub fn jsonrpsee_typed(kind: Kind, wire: &[u8]) -> usize {
    let typed = |r: &jsonrpsee_types::Request<'_>| {
        let params = jsonrpsee_types::Params::new(r.params.as_ref().map(|p| p.get()));
        params
            .parse::<BalanceParams<'_>>()
            .expect("params fit")
            .0
            .len()
    };
    match jsonrpsee_parse(kind, wire) {
        Jsonrpsee::Request(r) => typed(&r),
        Jsonrpsee::Batch(v) => v.iter().map(typed).sum(),
        Jsonrpsee::Response(_) => panic!("not a request"),
    }
}

/// The inputs the typed benches use (the ones made of requests).
pub fn typed_inputs() -> Vec<(&'static str, Kind, Vec<u8>)> {
    inputs()
        .into_iter()
        .filter(|(_, kind, _)| *kind != Kind::Response)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// jsonrpsee-types

/// jsonrpsee-types: a parsed input (params and result stay `RawValue`, as in jsonrpsee).
pub enum Jsonrpsee<'a> {
    /// A request.
    Request(jsonrpsee_types::Request<'a>),
    /// A response with a raw result (what jsonrpsee's client reads).
    Response(jsonrpsee_types::Response<'a, &'a RawValue>),
    /// A batch of requests.
    Batch(Vec<jsonrpsee_types::Request<'a>>),
}

/// jsonrpsee-types: parses `wire` as `kind`.
pub fn jsonrpsee_parse(kind: Kind, wire: &[u8]) -> Jsonrpsee<'_> {
    let r = match kind {
        Kind::Request => serde_json::from_slice(wire).map(Jsonrpsee::Request),
        Kind::Response => serde_json::from_slice(wire).map(Jsonrpsee::Response),
        Kind::Batch => serde_json::from_slice(wire).map(Jsonrpsee::Batch),
    };
    r.expect("jsonrpsee-types parses the input")
}

/// jsonrpsee-types: parses `wire`; returns the number of messages.
pub fn jsonrpsee_decode(kind: Kind, wire: &[u8]) -> usize {
    match jsonrpsee_parse(kind, wire) {
        Jsonrpsee::Batch(v) => v.len(),
        Jsonrpsee::Request(_) | Jsonrpsee::Response(_) => 1,
    }
}

/// jsonrpsee-types: serializes with serde_json.
pub fn jsonrpsee_encode(parsed: &Jsonrpsee<'_>) -> Vec<u8> {
    match parsed {
        Jsonrpsee::Request(r) => serde_json::to_vec(r),
        Jsonrpsee::Response(r) => serde_json::to_vec(r),
        Jsonrpsee::Batch(v) => serde_json::to_vec(v),
    }
    .expect("jsonrpsee-types serializes")
}

// ---------------------------------------------------------------------------------------------
// jsonrpc-core

/// jsonrpc-core: a parsed input (params and result are `serde_json::Value` trees).
#[derive(Debug)]
pub enum JsonrpcCore {
    /// A request or a batch of them.
    Request(jsonrpc_core::Request),
    /// A response.
    Response(jsonrpc_core::Response),
}

/// jsonrpc-core: parses `wire` as `kind`.
pub fn jsonrpc_core_parse(kind: Kind, wire: &[u8]) -> JsonrpcCore {
    let r = match kind {
        Kind::Request | Kind::Batch => serde_json::from_slice(wire).map(JsonrpcCore::Request),
        Kind::Response => serde_json::from_slice(wire).map(JsonrpcCore::Response),
    };
    r.expect("jsonrpc-core parses the input")
}

/// jsonrpc-core: parses `wire`; returns the number of messages.
pub fn jsonrpc_core_decode(kind: Kind, wire: &[u8]) -> usize {
    use jsonrpc_core::{Request, Response};
    match jsonrpc_core_parse(kind, wire) {
        JsonrpcCore::Request(Request::Batch(v)) => v.len(),
        JsonrpcCore::Response(Response::Batch(v)) => v.len(),
        JsonrpcCore::Request(Request::Single(_)) | JsonrpcCore::Response(Response::Single(_)) => 1,
    }
}

/// jsonrpc-core: serializes with serde_json.
pub fn jsonrpc_core_encode(parsed: &JsonrpcCore) -> Vec<u8> {
    match parsed {
        JsonrpcCore::Request(r) => serde_json::to_vec(r),
        JsonrpcCore::Response(r) => serde_json::to_vec(r),
    }
    .expect("jsonrpc-core serializes")
}

// ---------------------------------------------------------------------------------------------
// serde_json

/// serde_json: the whole text as a `Value` tree.
pub fn value_parse(wire: &[u8]) -> serde_json::Value {
    serde_json::from_slice(wire).expect("serde_json parses the input")
}

/// serde_json `IgnoredAny`: validates the JSON text, keeps nothing (the validate-only floor).
pub fn ignored_any(wire: &[u8]) -> IgnoredAny {
    serde_json::from_slice(wire).expect("serde_json validates the input")
}

/// serde_json: a `Value` tree serialized.
pub fn value_encode(value: &serde_json::Value) -> Vec<u8> {
    serde_json::to_vec(value).expect("serde_json serializes")
}

/// Allocation counts of every JSON-RPC operation the benches time.
pub fn count_allocations(report: crate::Report<'_>) {
    use crate::count;
    for (name, kind, wire) in inputs() {
        let group = format!("jsonrpc/decode/{name}");
        report(&group, "msgwire", count(|| msgwire_decode(&wire)));
        report(
            &group,
            "jsonrpsee-types",
            count(|| jsonrpsee_decode(kind, &wire)),
        );
        report(
            &group,
            "jsonrpc-core",
            count(|| jsonrpc_core_decode(kind, &wire)),
        );
        report(&group, "serde_json::Value", count(|| value_parse(&wire)));
        report(
            &group,
            "serde_json IgnoredAny",
            count(|| ignored_any(&wire)),
        );
        report(&group, "memcpy", count(|| wire.to_vec()));

        let payload = jsonrpc::decode(&wire).expect("msgwire decodes the input");
        let ours = msgwire_messages(&payload);
        let jsonrpsee = jsonrpsee_parse(kind, &wire);
        let core = jsonrpc_core_parse(kind, &wire);
        let value = value_parse(&wire);
        let group = format!("jsonrpc/encode/{name}");
        report(&group, "msgwire", count(|| msgwire_encode(&ours, kind)));
        report(
            &group,
            "jsonrpsee-types",
            count(|| jsonrpsee_encode(&jsonrpsee)),
        );
        report(&group, "jsonrpc-core", count(|| jsonrpc_core_encode(&core)));
        report(&group, "serde_json::Value", count(|| value_encode(&value)));
        report(&group, "memcpy", count(|| wire.to_vec()));
    }
    for (name, kind, wire) in typed_inputs() {
        let group = format!("jsonrpc/typed/{name}");
        report(&group, "msgwire", count(|| msgwire_typed(&wire)));
        report(
            &group,
            "jsonrpsee-types",
            count(|| jsonrpsee_typed(kind, &wire)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    /// (method, id, params) of each request, or (id, result) of the response, as `Value`s.
    fn msgwire_view(wire: &[u8]) -> Vec<Value> {
        let payload = jsonrpc::decode(wire).unwrap();
        msgwire_messages(&payload)
            .iter()
            .map(|m| match m {
                Message::Request(r) => serde_json::json!([
                    r.method,
                    serde_json::from_str::<Value>(r.id.as_ref().unwrap().raw()).unwrap(),
                    r.params_as::<Value>().unwrap(),
                ]),
                Message::Response(r) => serde_json::json!([
                    serde_json::from_str::<Value>(r.id.raw()).unwrap(),
                    r.result_as::<Value>().unwrap().unwrap(),
                ]),
            })
            .collect()
    }

    fn jsonrpsee_view(kind: Kind, wire: &[u8]) -> Vec<Value> {
        use jsonrpsee_types::{Id, ResponsePayload};
        let id = |id: &Id<'_>| match id {
            Id::Number(n) => Value::from(*n),
            other => panic!("unexpected id {other:?}"),
        };
        let req = |r: &jsonrpsee_types::Request<'_>| {
            serde_json::json!([
                r.method,
                id(&r.id),
                serde_json::from_str::<Value>(r.params.as_ref().unwrap().get()).unwrap(),
            ])
        };
        match jsonrpsee_parse(kind, wire) {
            Jsonrpsee::Request(r) => vec![req(&r)],
            Jsonrpsee::Batch(v) => v.iter().map(req).collect(),
            Jsonrpsee::Response(r) => {
                let ResponsePayload::Success(result) = &r.payload else {
                    panic!("not a success")
                };
                vec![serde_json::json!([
                    id(&r.id),
                    serde_json::from_str::<Value>(result.get()).unwrap()
                ])]
            }
        }
    }

    fn jsonrpc_core_view(kind: Kind, wire: &[u8]) -> Vec<Value> {
        use jsonrpc_core::{Call, Id, Output, Request, Response};
        let id = |id: &Id| match id {
            Id::Num(n) => Value::from(*n),
            other => panic!("unexpected id {other:?}"),
        };
        let call = |c: &Call| match c {
            Call::MethodCall(m) => serde_json::json!([
                m.method,
                id(&m.id),
                serde_json::to_value(&m.params).unwrap()
            ]),
            other => panic!("not a method call: {other:?}"),
        };
        match jsonrpc_core_parse(kind, wire) {
            JsonrpcCore::Request(Request::Single(c)) => vec![call(&c)],
            JsonrpcCore::Request(Request::Batch(v)) => v.iter().map(call).collect(),
            JsonrpcCore::Response(Response::Single(Output::Success(s))) => {
                vec![serde_json::json!([id(&s.id), s.result])]
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn every_implementation_agrees_on_the_inputs() {
        for (name, kind, wire) in inputs() {
            let ours = msgwire_view(&wire);
            let expected = if kind == Kind::Batch { 100 } else { 1 };
            assert_eq!(ours.len(), expected, "{name}");
            assert_eq!(msgwire_decode(&wire), expected, "{name}");
            assert_eq!(jsonrpsee_decode(kind, &wire), expected, "{name}");
            assert_eq!(jsonrpc_core_decode(kind, &wire), expected, "{name}");
            assert_eq!(jsonrpsee_view(kind, &wire), ours, "{name}: jsonrpsee-types");
            assert_eq!(jsonrpc_core_view(kind, &wire), ours, "{name}: jsonrpc-core");

            // Encoders: msgwire reproduces the (compact) input byte for byte; every peer
            // writes the same JSON value (member order and spacing may differ).
            let payload = jsonrpc::decode(&wire).unwrap();
            assert_eq!(
                msgwire_encode(&msgwire_messages(&payload), kind),
                wire,
                "{name}"
            );
            let value = value_parse(&wire);
            for (peer, out) in [
                (
                    "jsonrpsee-types",
                    jsonrpsee_encode(&jsonrpsee_parse(kind, &wire)),
                ),
                (
                    "jsonrpc-core",
                    jsonrpc_core_encode(&jsonrpc_core_parse(kind, &wire)),
                ),
                ("serde_json::Value", value_encode(&value)),
            ] {
                assert_eq!(value_parse(&out), value, "{name}: {peer}");
            }
        }
    }

    #[test]
    fn typed_params_agree() {
        for (name, kind, wire) in typed_inputs() {
            let ours = msgwire_typed(&wire);
            assert_eq!(ours, jsonrpsee_typed(kind, &wire), "{name}");
            let requests = if kind == Kind::Batch { 100 } else { 1 };
            assert_eq!(ours, 42 * requests, "{name}");
        }
    }

    #[test]
    fn inputs_have_the_intended_shape() {
        let batch = value_parse(&batch_100());
        let items = batch.as_array().unwrap();
        assert_eq!(items.len(), 100);
        assert_ne!(items[0]["params"][0], items[1]["params"][0]);
        assert_eq!(items[99]["id"], 100);
        let resp = value_parse(&response());
        assert_eq!(resp["result"]["transactions"].as_array().unwrap().len(), 4);
        assert!(resp["result"]["baseFee"].is_null());
        assert!(request().starts_with(br#"{"jsonrpc":"2.0","method":"eth_getBalance""#));
    }
}
