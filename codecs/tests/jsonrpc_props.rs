//! Properties: every message kind and batches round-trip exactly; arbitrary and mutated bytes
//! never panic (and what is accepted re-encodes to something accepted again); framing gives
//! the same frames however the stream is chunked.
#![cfg(feature = "jsonrpc")]

use msgwire::jsonrpc::framing::{
    decode_content_length, decode_line, encode_content_length, encode_line, LineDecoder,
};
use msgwire::jsonrpc::{
    self, Batch, Decoder, ErrorObject, Id, Limits, Message, Outcome, Payload, Profile, Raw,
    Request, Response,
};
use msgwire::Decoded;
use proptest::prelude::*;
use serde_json::value::RawValue;
use serde_json::Value;

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e300f64..1e300).prop_map(Value::from),
        ".{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(".{0,6}", inner, 0..4)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn raw(v: &Value) -> Raw<'static> {
    Raw::from(serde_json::value::to_raw_value(v).unwrap())
}

fn structured() -> impl Strategy<Value = Raw<'static>> {
    prop_oneof![
        prop::collection::vec(json_value(), 0..4).prop_map(|a| raw(&Value::Array(a))),
        prop::collection::btree_map(".{0,6}", json_value(), 0..4)
            .prop_map(|m| raw(&Value::Object(m.into_iter().collect()))),
    ]
}

fn id() -> impl Strategy<Value = Id<'static>> {
    prop_oneof![
        any::<i64>().prop_map(Id::number),
        "[1-9][0-9]{19,30}".prop_map(|d| Id::parse(&d).unwrap().into_owned()),
        ".{0,10}".prop_map(|s| Id::string(&s)),
        Just(Id::NULL),
    ]
}

fn message() -> impl Strategy<Value = Message<'static>> {
    prop_oneof![
        (
            ".{0,12}",
            prop::option::of(structured()),
            prop::option::of(id())
        )
            .prop_map(|(method, params, id)| Message::Request(Request {
                method: method.into(),
                params,
                id,
            })),
        (id(), json_value()).prop_map(|(id, v)| Message::Response(Response {
            id,
            outcome: Outcome::Result(raw(&v)),
        })),
        (
            id(),
            any::<i64>(),
            ".{0,12}",
            prop::option::of(json_value())
        )
            .prop_map(
                |(id, code, message, data)| Message::Response(Response::error(
                    id,
                    ErrorObject {
                        code,
                        message: message.into(),
                        data: data.as_ref().map(raw),
                    }
                ))
            ),
    ]
}

fn spec_server(req: &Request<'_>) -> Outcome<'static> {
    match &*req.method {
        "echo" => Outcome::Result(
            req.params
                .clone()
                .map_or(raw(&Value::Null), Raw::into_owned),
        ),
        _ => Outcome::Error(ErrorObject::new(
            jsonrpc::ErrorCode::METHOD_NOT_FOUND,
            "Method not found",
        )),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn every_message_kind_round_trips(m in message()) {
        let bytes = m.to_vec();
        prop_assert_eq!(bytes.len(), m.encoded_len());
        let back = jsonrpc::decode(&bytes).unwrap();
        prop_assert_eq!(&back, &Payload::Single(m.clone()));
        prop_assert_eq!(back.to_vec(), bytes);
    }

    #[test]
    fn batches_round_trip(ms in prop::collection::vec(message(), 1..6)) {
        let batch = Payload::Batch(Batch::from_messages(&ms));
        let bytes = batch.to_vec();
        prop_assert_eq!(bytes.len(), batch.encoded_len());
        let Payload::Batch(back) = jsonrpc::decode(&bytes).unwrap() else {
            panic!("a batch decodes as a batch")
        };
        let items: Vec<_> = back.iter().map(Result::unwrap).collect();
        prop_assert_eq!(&items, &ms);
        prop_assert_eq!(Payload::Batch(back).to_vec(), bytes);
    }

    #[test]
    fn a_batch_reply_has_one_object_per_request_and_invalid_item(
        items in prop::collection::vec(
            prop_oneof![
                message().prop_map(|m| String::from_utf8(m.to_vec()).unwrap()),
                Just("1".to_string()),
                Just(r#"{"foo":"boo"}"#.to_string()),
                Just(r#"{"jsonrpc":"2.0","method":7,"id":3}"#.to_string()),
            ],
            1..8,
        ),
    ) {
        let text = format!("[{}]", items.join(","));
        // Owed: one object per request with an id and per invalid item (responses sent to a
        // server are invalid requests); nothing per notification.
        let owed = items
            .iter()
            .filter(|t| match jsonrpc::decode(t.as_bytes()) {
                Ok(Payload::Single(Message::Request(r))) => r.id.is_some(),
                _ => true,
            })
            .count();
        match jsonrpc::serve(text.as_bytes()).respond(spec_server) {
            None => prop_assert_eq!(owed, 0),
            Some(reply) => {
                let v: Value = serde_json::from_slice(&reply).unwrap();
                prop_assert_eq!(v.as_array().map(Vec::len), Some(owed));
            }
        }
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
        for profile in [Profile::Strict, Profile::Lenient] {
            let d = Decoder::new(profile);
            if let Ok(p) = d.decode_whole(&bytes) {
                // What is accepted re-encodes to something accepted again.
                let again = p.to_vec();
                prop_assert!(d.decode_whole(&again).is_ok());
            }
            let _ = d.serve(&bytes).respond(spec_server);
        }
        let _ = decode_line(&bytes, &Limits::default());
        let _ = decode_content_length(&bytes, &Limits::default());
    }

    #[test]
    fn mutated_messages_never_panic(
        ms in prop::collection::vec(message(), 1..4),
        edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..4),
    ) {
        let mut bytes = Payload::Batch(Batch::from_messages(&ms)).to_vec();
        for (at, b) in edits {
            let i = at.index(bytes.len());
            bytes[i] = b;
        }
        if let Ok(p) = Decoder::new(Profile::Lenient).decode_whole(&bytes) {
            prop_assert!(Decoder::new(Profile::Lenient).decode_whole(&p.to_vec()).is_ok());
        }
        // A server always owes either nothing or one valid JSON reply.
        if let Some(reply) = jsonrpc::serve(&bytes).respond(spec_server) {
            prop_assert!(serde_json::from_slice::<Value>(&reply).is_ok());
        }
    }

    #[test]
    fn framing_is_chunking_invariant(
        ms in prop::collection::vec(message(), 1..5),
        cuts in prop::collection::vec(any::<prop::sample::Index>(), 0..8),
        lsp in any::<bool>(),
        resumable in any::<bool>(),
    ) {
        let bodies: Vec<Vec<u8>> = ms.iter().map(Message::to_vec).collect();
        let mut stream = Vec::new();
        for b in &bodies {
            if lsp { encode_content_length(b, &mut stream) } else { encode_line(b, &mut stream) }
        }
        let mut points: Vec<usize> = cuts.iter().map(|c| c.index(stream.len() + 1)).collect();
        points.push(stream.len());
        points.sort_unstable();
        let (mut buf, mut frames, mut fed) = (Vec::new(), Vec::new(), 0);
        let mut lines = LineDecoder::default();
        for p in points {
            buf.extend_from_slice(&stream[fed..p]);
            fed = p;
            loop {
                let found = if lsp {
                    decode_content_length(&buf, &Limits::default())
                } else if resumable {
                    lines.decode(&buf, &Limits::default())
                } else {
                    decode_line(&buf, &Limits::default())
                };
                match found.unwrap() {
                    Decoded::Complete { value, used } => {
                        frames.push(value.to_vec());
                        buf.drain(..used);
                    }
                    Decoded::NeedMore { at_least } => {
                        prop_assert!(at_least >= 1);
                        break;
                    }
                }
            }
        }
        prop_assert!(buf.is_empty());
        prop_assert_eq!(frames, bodies);
    }
}

#[test]
fn raw_values_keep_their_text() {
    let r = RawValue::from_string("{\"b\":1,\"a\":1.0}".into()).unwrap();
    let m = Message::Response(Response::success(Id::number(1), &r));
    assert_eq!(
        String::from_utf8(m.to_vec()).unwrap(),
        r#"{"jsonrpc":"2.0","result":{"b":1,"a":1.0},"id":1}"#
    );
}
