//! The "API conventions" of docs/api.md, exercised the same way for all four protocols:
//! construct from primitives, `encode` / `to_vec` / `encoded_len`, the one-shot `decode`,
//! `Decoder::decode` over a stream (complete / need-more), `Display` of borrowed strings, and
//! the error accessors `offset()` / `kind()` / `code()`. Written against docs/api.md alone.
#![cfg(all(
    feature = "amqp",
    feature = "jsonrpc",
    feature = "xmlrpc",
    feature = "msgpack-rpc"
))]

use msgwire::{amqp, jsonrpc, msgpack_rpc, xmlrpc, Decoded};

type Result<T = ()> = std::result::Result<T, Box<dyn std::error::Error>>;

/// `encode` writes what `to_vec` returns, and both are `encoded_len` bytes long.
macro_rules! encodes_consistently {
    ($x:expr) => {{
        let x = &$x;
        let wire = x.to_vec();
        let mut buf = Vec::new();
        x.encode(&mut buf);
        assert_eq!(buf, wire);
        assert_eq!(wire.len(), x.encoded_len());
        wire
    }};
}

/// Decodes every unit of `wire` with `decode` (a `Decoder::decode`, each unit mapped to its
/// `to_vec()`), checking what the decoder says of every prefix of each unit; returns the
/// units' encodings.
fn stream<E: std::fmt::Debug>(
    wire: &[u8],
    decode: impl Fn(&[u8]) -> std::result::Result<Decoded<Vec<u8>>, E>,
) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut buf = wire;
    while !buf.is_empty() {
        let Decoded::Complete { value, used } = decode(buf).unwrap() else {
            panic!("a whole unit is there");
        };
        // Cut short: need-more, never an error; complete only once the whole unit is in
        // (a stream decoder may count whitespace after a unit as part of it).
        for cut in 0..used {
            match decode(&buf[..cut]).unwrap() {
                Decoded::NeedMore { at_least } => assert!(at_least >= 1),
                Decoded::Complete { value: v, used: u } => {
                    assert_eq!((&v, u), (&value, cut), "a cut at {cut} of {used}")
                }
            }
        }
        out.push(value);
        buf = &buf[used..];
    }
    out
}

#[test]
fn amqp() -> Result {
    // From primitives; plain data structs have pub fields.
    let key = amqp::ShortStr::try_from("jobs")?;
    let mut headers = amqp::FieldTable::builder();
    headers
        .insert("n", 2)?
        .insert("s", "text")?
        .insert("b", true)?;
    let publish = amqp::Frame::method(
        1,
        amqp::BasicPublish {
            routing_key: key.clone(),
            ..Default::default()
        },
    );
    let header = amqp::Frame::Header {
        channel: 1,
        header: amqp::ContentHeader::new(
            2,
            amqp::BasicProperties {
                headers: Some(headers.build()),
                ..Default::default()
            },
        ),
    };
    encodes_consistently!(amqp::FieldValue::from(7u8));
    encodes_consistently!(amqp::FieldValue::from("s"));

    // Encode, decode one, decode a stream.
    let mut wire = encodes_consistently!(publish);
    assert_eq!(amqp::decode(&wire)?, publish);
    wire.extend(encodes_consistently!(header));
    let decoder = amqp::Decoder::default();
    let frames = stream(&wire, |b| decoder.decode(b).map(|d| d.map(|v| v.to_vec())));
    assert_eq!(frames, [publish.to_vec(), header.to_vec()]);

    // Borrowed strings.
    assert_eq!(key.to_string(), "jobs");
    assert_eq!(key, "jobs");
    assert_eq!(key.as_str(), Some("jobs"));
    assert_eq!(key.as_ref(), b"jobs");

    // Errors: offset, kind, code (a ReplyCode: Display, converts to the integer).
    let mut bad = publish.to_vec();
    *bad.last_mut().unwrap() = 0;
    let e = amqp::decode(&bad).unwrap_err();
    assert_eq!((e.offset(), e.kind()), (bad.len() - 1, "frame-end"));
    assert_eq!(e.code(), amqp::ReplyCode::FRAME_ERROR);
    assert_eq!(u16::from(e.code()), 501);
    assert_eq!(e.code().to_string(), "501 (frame-error)");
    Ok(())
}

#[test]
fn jsonrpc() -> Result {
    let request = jsonrpc::Message::Request(jsonrpc::Request {
        method: "subtract".into(),
        params: None,
        id: Some(jsonrpc::Id::from(1)),
    });
    let note = jsonrpc::Message::Request(jsonrpc::Request {
        method: "update".into(),
        params: None,
        id: None,
    });
    assert_eq!(jsonrpc::Id::from("x").to_string(), r#""x""#);

    let mut wire = encodes_consistently!(request);
    let jsonrpc::Payload::Single(back) = jsonrpc::decode(&wire)? else {
        panic!("one message");
    };
    assert_eq!(back, request);
    wire.push(b'\n');
    wire.extend(encodes_consistently!(note));
    wire.push(b'\n');
    let decoder = jsonrpc::Decoder::default();
    let texts = stream(&wire, |b| decoder.decode(b).map(|d| d.map(|v| v.to_vec())));
    assert_eq!(texts, [request.to_vec(), note.to_vec()]);

    let e = jsonrpc::decode(br#"{"jsonrpc":"2.0","method":1,"id":1}"#).unwrap_err();
    assert_eq!((e.offset(), e.kind()), (0, "member-type"));
    assert_eq!(e.code(), Some(jsonrpc::ErrorCode::INVALID_REQUEST));
    assert_eq!(e.code().map(i64::from), Some(-32600));
    assert_eq!(
        jsonrpc::ErrorCode::INVALID_REQUEST.to_string(),
        "-32600 (Invalid Request)"
    );
    Ok(())
}

#[test]
fn xmlrpc() -> Result {
    use xmlrpc::{Member, Message, MethodCall, MethodResponse, Value};
    let call = Message::Call(MethodCall::new(
        "sum",
        vec![
            Value::from(2),
            Value::from("two"),
            Value::from(true),
            Value::from(1.5),
            Value::from(vec![Member::new("k", Value::from(3))]),
        ],
    ));
    let reply = Message::Response(MethodResponse::new(Value::from(5)));
    encodes_consistently!(Value::from("s"));

    let mut wire = encodes_consistently!(call);
    assert_eq!(xmlrpc::decode(&wire)?, call);
    wire.extend(encodes_consistently!(reply));
    let decoder = xmlrpc::Decoder::default();
    let docs = stream(&wire, |b| decoder.decode(b).map(|d| d.map(|v| v.to_vec())));
    assert_eq!(docs, [call.to_vec(), reply.to_vec()]);

    let bad = b"<methodCall><methodName>a</methodName><params><param><value><int>x</int>\
                </value></param></params></methodCall>";
    let e = xmlrpc::decode(bad).unwrap_err();
    assert_eq!(e.kind(), "invalid-int");
    assert!(e.offset() > 0 && e.offset() < bad.len());
    assert_eq!(e.code(), xmlrpc::FaultCode::INVALID_XMLRPC);
    assert_eq!(i32::from(e.code()), -32600);
    assert!(e.code().to_string().starts_with("-32600 ("));
    Ok(())
}

#[test]
fn msgpack_rpc() -> Result {
    use msgpack_rpc::{Message, OwnedMessage, Value};
    let request = OwnedMessage::request(7, "add", vec![Value::from(1), Value::from("two")]);
    let note = OwnedMessage::notification("ping", vec![]);
    encodes_consistently!(Value::from(true));

    let mut wire = encodes_consistently!(request);
    let Message::Request { msgid, method, .. } = msgpack_rpc::decode(&wire)? else {
        panic!("a request");
    };
    assert_eq!(msgid, 7);
    assert_eq!(method.to_string(), "add");
    assert_eq!(method, "add");
    assert_eq!(method.as_str(), Some("add"));
    assert_eq!(method.as_ref(), b"add");
    wire.extend(encodes_consistently!(note));
    let decoder = msgpack_rpc::Decoder::default();
    let messages = stream(&wire, |b| decoder.decode(b).map(|d| d.map(|v| v.to_vec())));
    assert_eq!(messages, [request.to_vec(), note.to_vec()]);

    let e = msgpack_rpc::decode(&[0xc1]).unwrap_err();
    assert_eq!((e.offset(), e.kind()), (0, "reserved-byte"));
    assert_eq!(e.code(), None, "MessagePack-RPC defines no error codes");
    Ok(())
}

#[cfg(feature = "thrift")]
#[test]
fn thrift() -> Result {
    use msgwire::thrift::{
        self, Framing, OwnedMessage, Protocol, ProtocolErrorCode, Struct, Value,
    };
    // A Thrift value has one encoding per protocol: the three methods take it.
    for p in [Protocol::Binary, Protocol::Compact] {
        let call = OwnedMessage::call("add", 7, Struct::new().with(1, 1i32).with(2, "two"));
        let oneway = OwnedMessage::new("ping", thrift::MessageType::Oneway, 8, Struct::new());
        let v = Value::from(true);
        let mut buf = Vec::new();
        v.encode(p, &mut buf);
        assert_eq!((buf.clone(), buf.len()), (v.to_vec(p), v.encoded_len(p)));

        let mut wire = call.to_vec(p);
        assert_eq!(wire.len(), call.encoded_len(p));
        let m = thrift::decode(&wire)?;
        assert_eq!((m.name, m.seqid), ("add", 7));
        assert_eq!(m.body.get(2).and_then(|v| v.as_str()), Some("two"));
        wire.extend(oneway.to_vec(p));
        let decoder = thrift::Decoder::new(p, Framing::Unframed);
        let messages = stream(&wire, |b| decoder.decode(b).map(|d| d.map(|m| m.to_vec(p))));
        assert_eq!(messages, [call.to_vec(p), oneway.to_vec(p)]);
    }
    let e = thrift::decode(&[0x80, 0x02, 0, 1]).unwrap_err();
    assert_eq!((e.offset(), e.kind()), (0, "bad-version"));
    assert_eq!(e.code(), ProtocolErrorCode::BAD_VERSION);
    assert_eq!(i32::from(e.code()), 4);
    Ok(())
}
