//! Unit tests: the spec's own examples (§7) answered exactly, every error kind, zero-copy and
//! exact-id guarantees, encoding lengths.

use std::borrow::Cow;

use serde_json::value::RawValue;

use super::*;

/// The spec's example server: subtract, sum, get_data, and silent notify_*/update.
fn dispatch(req: &Request<'_>) -> Outcome<'static> {
    let ok = |v: serde_json::Value| {
        Outcome::Result(Raw::from(serde_json::value::to_raw_value(&v).unwrap()))
    };
    match &*req.method {
        "subtract" => {
            #[derive(serde::Deserialize)]
            struct Named {
                minuend: i64,
                subtrahend: i64,
            }
            if let Ok((a, b)) = req.params_as::<(i64, i64)>() {
                ok((a - b).into())
            } else if let Ok(n) = req.params_as::<Named>() {
                ok((n.minuend - n.subtrahend).into())
            } else {
                Outcome::Error(ErrorObject::new(
                    ErrorCode::INVALID_PARAMS,
                    "Invalid params",
                ))
            }
        }
        "sum" => ok(req
            .params_as::<Vec<i64>>()
            .unwrap()
            .iter()
            .sum::<i64>()
            .into()),
        "get_data" => ok(serde_json::json!(["hello", 5])),
        "update" | "notify_hello" | "notify_sum" => ok(serde_json::Value::Null),
        _ => Outcome::Error(ErrorObject::new(
            ErrorCode::METHOD_NOT_FOUND,
            "Method not found",
        )),
    }
}

fn reply(input: &str) -> Option<String> {
    serve(input.as_bytes())
        .respond(dispatch)
        .map(|b| String::from_utf8(b).unwrap())
}

const PARSE: &str =
    r#"{"jsonrpc":"2.0","error":{"code":-32700,"message":"Parse error"},"id":null}"#;
const INVALID: &str =
    r#"{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request"},"id":null}"#;

#[test]
fn spec_positional_params() {
    assert_eq!(
        reply(r#"{"jsonrpc": "2.0", "method": "subtract", "params": [42, 23], "id": 1}"#).unwrap(),
        r#"{"jsonrpc":"2.0","result":19,"id":1}"#
    );
    assert_eq!(
        reply(r#"{"jsonrpc": "2.0", "method": "subtract", "params": [23, 42], "id": 2}"#).unwrap(),
        r#"{"jsonrpc":"2.0","result":-19,"id":2}"#
    );
}

#[test]
fn spec_named_params() {
    assert_eq!(
        reply(r#"{"jsonrpc": "2.0", "method": "subtract", "params": {"subtrahend": 23, "minuend": 42}, "id": 3}"#).unwrap(),
        r#"{"jsonrpc":"2.0","result":19,"id":3}"#
    );
    assert_eq!(
        reply(r#"{"jsonrpc": "2.0", "method": "subtract", "params": {"minuend": 42, "subtrahend": 23}, "id": 4}"#).unwrap(),
        r#"{"jsonrpc":"2.0","result":19,"id":4}"#
    );
}

#[test]
fn spec_notifications_get_no_reply() {
    assert_eq!(
        reply(r#"{"jsonrpc": "2.0", "method": "update", "params": [1,2,3,4,5]}"#),
        None
    );
    assert_eq!(reply(r#"{"jsonrpc": "2.0", "method": "foobar"}"#), None);
    let Incoming::Call(req) = serve(br#"{"jsonrpc": "2.0", "method": "foobar"}"#) else {
        panic!("a notification is a call")
    };
    assert!(req.is_notification());
}

#[test]
fn spec_unknown_method() {
    assert_eq!(
        reply(r#"{"jsonrpc": "2.0", "method": "foobar", "id": "1"}"#).unwrap(),
        r#"{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":"1"}"#
    );
}

#[test]
fn spec_invalid_json() {
    let input = r#"{"jsonrpc": "2.0", "method": "foobar, "params": "bar", "baz]"#;
    assert_eq!(reply(input).unwrap(), PARSE);
    let err = decode(input.as_bytes()).unwrap_err();
    assert_eq!(err.kind(), "parse-error");
    assert_eq!(err.code(), Some(ErrorCode(-32700)));
    // serde_json stops at the `p` of `params`, which it reads as the end of the method string.
    assert!(matches!(err, Error::Parse { offset: 39, .. }), "{err:?}");
}

#[test]
fn spec_invalid_request() {
    let input = r#"{"jsonrpc": "2.0", "method": 1, "params": "bar"}"#;
    assert_eq!(reply(input).unwrap(), INVALID);
    let err = decode(input.as_bytes()).unwrap_err();
    assert_eq!(
        err,
        Error::Invalid {
            offset: 0,
            problem: Problem::Type {
                member: "method",
                expected: "a string"
            },
            id: None
        }
    );
    assert_eq!(err.kind(), "member-type");
    assert_eq!(err.code(), Some(ErrorCode(-32600)));
}

#[test]
fn spec_batch_invalid_json() {
    let input = r#"[
  {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
  {"jsonrpc": "2.0", "method"
]"#;
    assert_eq!(reply(input).unwrap(), PARSE);
}

#[test]
fn spec_empty_batch() {
    assert_eq!(reply("[]").unwrap(), INVALID);
    assert_eq!(decode(b"[]").unwrap_err(), Error::EmptyBatch { offset: 0 });
    assert_eq!(decode(b" [ ] ").unwrap_err().kind(), "empty-batch");
}

#[test]
fn spec_invalid_batch_of_one() {
    assert_eq!(reply("[1]").unwrap(), format!("[{INVALID}]"));
}

#[test]
fn spec_invalid_batch_of_three() {
    assert_eq!(
        reply("[1,2,3]").unwrap(),
        format!("[{INVALID},{INVALID},{INVALID}]")
    );
    let Payload::Batch(b) = decode(b"[1,2,3]").unwrap() else {
        panic!()
    };
    let errs: Vec<_> = b.iter().map(|m| m.unwrap_err()).collect();
    assert_eq!(
        errs.iter()
            .map(|e| (e.kind(), e.offset()))
            .collect::<Vec<_>>(),
        [
            ("not-an-object", 1),
            ("not-an-object", 3),
            ("not-an-object", 5)
        ]
    );
}

#[test]
fn spec_mixed_batch() {
    let input = r#"[
        {"jsonrpc": "2.0", "method": "sum", "params": [1,2,4], "id": "1"},
        {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]},
        {"jsonrpc": "2.0", "method": "subtract", "params": [42,23], "id": "2"},
        {"foo": "boo"},
        {"jsonrpc": "2.0", "method": "foo.get", "params": {"name": "myself"}, "id": "5"},
        {"jsonrpc": "2.0", "method": "get_data", "id": "9"}
    ]"#;
    assert_eq!(
        reply(input).unwrap(),
        concat!(
            r#"[{"jsonrpc":"2.0","result":7,"id":"1"},"#,
            r#"{"jsonrpc":"2.0","result":19,"id":"2"},"#,
            r#"{"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request"},"id":null},"#,
            r#"{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":"5"},"#,
            r#"{"jsonrpc":"2.0","result":["hello",5],"id":"9"}]"#
        )
    );
    // The plan: five calls to dispatch (one a notification), one invalid item pre-answered.
    let Incoming::Batch(plan) = serve(input.as_bytes()) else {
        panic!()
    };
    let methods: Vec<_> = plan.calls().map(|r| r.method.into_owned()).collect();
    assert_eq!(
        methods,
        ["sum", "notify_hello", "subtract", "foo.get", "get_data"]
    );
    let builder = plan.reply();
    assert_eq!(builder.len(), 1);
    assert_eq!(
        String::from_utf8(builder.finish().unwrap()).unwrap(),
        format!("[{INVALID}]")
    );
}

#[test]
fn spec_all_notification_batch_gets_nothing() {
    let input = r#"[
        {"jsonrpc": "2.0", "method": "notify_sum", "params": [1,2,4]},
        {"jsonrpc": "2.0", "method": "notify_hello", "params": [7]}
    ]"#;
    assert_eq!(reply(input), None);
    assert!(ReplyBuilder::new().finish().is_none());
}

fn problem(input: &str, profile: Profile) -> Result<Payload<'_>, Error> {
    Decoder::new(profile).decode_whole(input.as_bytes())
}

fn kind(input: &str) -> &'static str {
    problem(input, Profile::Strict).unwrap_err().kind()
}

#[test]
fn every_invalid_request_kind() {
    let cases = [
        (r#""just a string""#, "not-an-object"),
        (r#"{"method":"m"}"#, "bad-version"),
        (r#"{"jsonrpc":"1.0","method":"m"}"#, "bad-version"),
        (r#"{"jsonrpc":2.0,"method":"m"}"#, "bad-version"),
        (r#"{"jsonrpc":"2.0"}"#, "missing-member"),
        (r#"{"jsonrpc":"2.0","result":1}"#, "missing-member"),
        (
            r#"{"jsonrpc":"2.0","method":"m","params":1}"#,
            "member-type",
        ),
        (
            r#"{"jsonrpc":"2.0","method":"m","params":"a"}"#,
            "member-type",
        ),
        (r#"{"jsonrpc":"2.0","method":"m","id":true}"#, "member-type"),
        (r#"{"jsonrpc":"2.0","method":"m","id":[1]}"#, "member-type"),
        (r#"{"jsonrpc":"2.0","method":"m","x":1}"#, "extra-member"),
        (
            r#"{"jsonrpc":"2.0","method":"m","method":"n"}"#,
            "duplicate-member",
        ),
        (
            r#"{"jsonrpc":"2.0","method":"m","id":1.0}"#,
            "fractional-id",
        ),
        (
            r#"{"jsonrpc":"2.0","method":"m","id":1e2}"#,
            "fractional-id",
        ),
        (
            r#"{"jsonrpc":"2.0","method":"m","params":null}"#,
            "params-null",
        ),
        (
            r#"{"jsonrpc":"2.0","result":1,"error":{"code":1,"message":""},"id":1}"#,
            "result-and-error",
        ),
        (
            r#"{"jsonrpc":"2.0","method":"m","result":1,"id":1}"#,
            "request-and-response",
        ),
        (
            r#"{"jsonrpc":"2.0","error":{"code":1.5,"message":""},"id":1}"#,
            "member-type",
        ),
        (
            r#"{"jsonrpc":"2.0","error":{"code":"1","message":""},"id":1}"#,
            "member-type",
        ),
        (
            r#"{"jsonrpc":"2.0","error":{"code":99999999999999999999,"message":""},"id":1}"#,
            "member-type",
        ),
        (
            r#"{"jsonrpc":"2.0","error":{"code":1,"message":2},"id":1}"#,
            "member-type",
        ),
        (
            r#"{"jsonrpc":"2.0","error":{"message":""},"id":1}"#,
            "missing-member",
        ),
        (r#"{"jsonrpc":"2.0","error":"bad","id":1}"#, "member-type"),
        (
            r#"{"jsonrpc":"2.0","error":{"code":1,"message":"","x":0},"id":1}"#,
            "extra-member",
        ),
    ];
    for (input, want) in cases {
        let err = problem(input, Profile::Strict).unwrap_err();
        assert_eq!(err.kind(), want, "{input}");
        assert_eq!(err.code(), Some(ErrorCode::INVALID_REQUEST), "{input}");
        assert_eq!(err.offset(), 0, "{input}");
    }
}

#[test]
fn lenient_profile_accepts_what_peers_send() {
    for input in [
        r#"{"jsonrpc":"2.0","method":"m","x":1}"#,
        r#"{"jsonrpc":"2.0","method":"m","method":"n"}"#,
        r#"{"jsonrpc":"2.0","method":"m","id":1.0}"#,
        r#"{"jsonrpc":"2.0","method":"m","params":null}"#,
        r#"{"jsonrpc":"2.0","error":{"code":1,"message":"","x":0},"id":1}"#,
    ] {
        assert!(problem(input, Profile::Lenient).is_ok(), "{input}");
    }
    // Duplicates: the last one wins.
    let Ok(Payload::Single(Message::Request(r))) = problem(
        r#"{"jsonrpc":"2.0","method":"m","method":"n"}"#,
        Profile::Lenient,
    ) else {
        panic!()
    };
    assert_eq!(r.method, "n");
    // What no profile accepts.
    for input in [
        r#"{"jsonrpc":"2.1","method":"m"}"#,
        r#"{"jsonrpc":"2.0","method":"m","params":1}"#,
        r#"{"jsonrpc":"2.0","result":1,"error":{"code":1,"message":""},"id":1}"#,
    ] {
        assert!(problem(input, Profile::Lenient).is_err(), "{input}");
    }
}

#[test]
fn parse_errors_have_offsets() {
    assert_eq!(kind(""), "parse-error");
    assert_eq!(kind("{"), "parse-error");
    assert_eq!(kind("{} x"), "parse-error");
    assert_eq!(kind("\u{feff}{}"), "parse-error");
    let err = decode(b"{\"a\":\n  tru}").unwrap_err();
    assert!(matches!(err, Error::Parse { offset: 11, .. }), "{err:?}");
    // Invalid UTF-8 inside a string is a parse error, not a panic.
    assert_eq!(
        decode(b"{\"jsonrpc\":\"2.0\",\"method\":\"\xff\"}")
            .unwrap_err()
            .kind(),
        "parse-error"
    );
    // A batch item's parse error (the whole text is invalid) is reported at its offset.
    let err = decode(b"[{\"a\":1},{\"b\"}]").unwrap_err();
    assert_eq!(err.kind(), "parse-error");
}

#[test]
fn invalid_request_is_answered_with_null_id() {
    let input = r#"{"jsonrpc":"2.0","method":5,"id":"x"}"#;
    assert_eq!(reply(input).unwrap(), INVALID);
    // The readable id is still reported, for logging.
    let Error::Invalid { id: Some(id), .. } = decode(input.as_bytes()).unwrap_err() else {
        panic!()
    };
    assert_eq!(id.raw(), r#""x""#);
    assert_eq!(
        reply(r#"{"jsonrpc":"2.0","method":"m","id":1.5}"#).unwrap(),
        INVALID
    );
    // A response sent to a server is not a request.
    assert_eq!(
        reply(r#"{"jsonrpc":"2.0","result":1,"id":7}"#).unwrap(),
        INVALID
    );
}

#[test]
fn ids_survive_exactly() {
    for id in [
        "1",
        "-0",
        "18446744073709551616",
        "1.0",
        "1e3",
        r#""a\u0041""#,
        r#""""#,
        "null",
    ] {
        let input = format!(r#"{{"jsonrpc":"2.0","method":"subtract","params":[2,1],"id":{id}}}"#);
        let out = Decoder::new(Profile::Lenient)
            .serve(input.as_bytes())
            .respond(dispatch)
            .unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            format!(r#"{{"jsonrpc":"2.0","result":1,"id":{id}}}"#)
        );
    }
    let big = Id::from_json("18446744073709551616").unwrap();
    assert_eq!((big.as_u64(), big.as_i64()), (None, None));
    assert_eq!(Id::from_json("42").unwrap().as_u64(), Some(42));
    assert_eq!(
        Id::from_json(r#""a\u0041""#).unwrap().as_str().unwrap(),
        "aA"
    );
    assert_eq!(Id::string("q\"").raw(), r#""q\"""#);
    assert_eq!(Id::number(-3).raw(), "-3");
}

#[test]
fn zero_copy_views_borrow_the_input() {
    let input = br#"{"jsonrpc":"2.0","method":"sum","params":[1,2],"id":"abc"}"#;
    let Payload::Single(Message::Request(r)) = decode(input).unwrap() else {
        panic!()
    };
    assert!(matches!(r.method, Cow::Borrowed("sum")));
    let id = r.id.as_ref().unwrap();
    assert!(matches!(id.as_str(), Some(Cow::Borrowed("abc"))));
    let params = r.params.as_ref().unwrap().get();
    let span = input.as_ptr_range();
    assert!(span.contains(&params.as_ptr()));
    assert!(span.contains(&r.method.as_ptr()));
    // Borrowing typed params.
    #[derive(serde::Deserialize)]
    struct P<'a>(#[serde(borrow)] Cow<'a, str>);
    let input = br#"{"jsonrpc":"2.0","method":"m\u0041","params":["text"]}"#;
    let Payload::Single(Message::Request(r)) = decode(input).unwrap() else {
        panic!()
    };
    assert!(matches!(r.method, Cow::Owned(ref m) if m == "mA"));
    let (p,): (P<'_>,) = r.params_as().unwrap();
    assert!(matches!(p.0, Cow::Borrowed("text")));
    // Owned twins outlive the input.
    let owned = {
        let buf = input.to_vec();
        decode(&buf).unwrap().into_owned()
    };
    assert!(matches!(owned, Payload::Single(Message::Request(ref r)) if r.method == "mA"));
}

#[test]
fn encoding_is_exact_and_lengths_are_known() {
    let p = RawValue::from_string("[1,{\"a\":null}]".into()).unwrap();
    let data = RawValue::from_string("{\"why\":\"\\n\"}".into()).unwrap();
    let msgs = [
        Message::Request(Request {
            method: "a\"b\n\u{1}".into(),
            params: Some(Raw::from(&*p)),
            id: Some(Id::number(-12)),
        }),
        Message::Request(Request {
            method: "n".into(),
            params: None,
            id: None,
        }),
        Message::Response(Response::success(Id::string("x"), &p)),
        Message::Response(Response::error(
            Id::NULL,
            ErrorObject {
                code: i64::MIN,
                message: "boom".into(),
                data: Some(Raw::from(&*data)),
            },
        )),
    ];
    for m in &msgs {
        let bytes = m.to_vec();
        assert_eq!(bytes.len(), m.encoded_len());
        let back = decode(&bytes).unwrap();
        assert_eq!(back, Payload::Single(m.clone()));
        assert_eq!(back.to_vec(), bytes);
    }
    assert_eq!(
        String::from_utf8(msgs[0].to_vec()).unwrap(),
        r#"{"jsonrpc":"2.0","method":"a\"b\n\u0001","params":[1,{"a":null}],"id":-12}"#
    );
    let batch = Payload::Batch(Batch::from_messages(&msgs));
    let bytes = batch.to_vec();
    assert_eq!(bytes.len(), batch.encoded_len());
    let Payload::Batch(back) = decode(&bytes).unwrap() else {
        panic!()
    };
    let items: Vec<_> = back.iter().map(Result::unwrap).collect();
    assert_eq!(items, msgs);
}

#[test]
fn limits_are_enforced_before_work() {
    let deep = "[".repeat(100_000);
    let t = std::time::Instant::now();
    let err = decode(deep.as_bytes()).unwrap_err();
    assert_eq!(
        err,
        Error::TooDeep {
            offset: 128,
            limit: 128
        }
    );
    assert_eq!(err.code(), Some(ErrorCode::PARSE_ERROR));
    assert!(t.elapsed() < std::time::Duration::from_secs(1));
    assert_eq!(reply(&deep).unwrap(), PARSE);
    // Deep params are caught too (serde_json does not bound RawValue depth).
    let deep_params = format!(
        r#"{{"jsonrpc":"2.0","method":"m","params":{}{}}}"#,
        "[".repeat(200),
        "]".repeat(200)
    );
    assert_eq!(kind(&deep_params), "too-deep");
    let small = Decoder {
        limits: Limits {
            max_message: 10,
            max_batch: 2,
            ..Limits::default()
        },
        profile: Profile::Strict,
    };
    assert_eq!(
        small.decode_whole(b"[1,2,3]").unwrap_err(),
        Error::BatchTooLong {
            offset: 0,
            limit: 2
        }
    );
    assert_eq!(
        small.decode_whole(b"[1,2,3,}").unwrap_err().kind(),
        "parse-error"
    );
    assert!(small.decode_whole(b"[1,2]").is_ok());
    assert_eq!(
        small.decode_whole(b"[1,2,3,4,5,6]").unwrap_err(),
        Error::TooLarge { len: 13, limit: 10 }
    );
}

#[test]
fn reserved_methods_are_flagged_not_rejected() {
    let Ok(Payload::Single(Message::Request(r))) =
        decode(br#"{"jsonrpc":"2.0","method":"rpc.discover","id":1}"#)
    else {
        panic!()
    };
    assert!(r.is_reserved_method());
}

#[test]
fn correlator_matches_out_of_order_batches() {
    let mut c = Correlator::new();
    assert!(c.expect(&Id::number(1)));
    assert!(c.expect(&Id::string("A")));
    assert!(!c.expect(&Id::number(1)));
    assert!(c.expect(&Id::from_json("1.0").unwrap().into_owned()));
    let reply = br#"[{"jsonrpc":"2.0","result":0,"id":"\u0041"},
        {"jsonrpc":"2.0","error":{"code":-32600,"message":"Invalid Request"},"id":null},
        {"jsonrpc":"2.0","result":0,"id":1},
        {"jsonrpc":"2.0","result":0,"id":1},
        {"jsonrpc":"2.0","method":"x"}]"#;
    let payload = decode(reply).unwrap();
    let got: Vec<_> = c
        .resolve_all(&payload)
        .into_iter()
        .map(|r| r.map(|(res, _)| res).map_err(|e| e.kind()))
        .collect();
    assert_eq!(
        got,
        [
            Ok(Resolution::Matched(Id::string("A"))),
            Ok(Resolution::Unattributed),
            Ok(Resolution::Matched(Id::number(1))),
            Ok(Resolution::Unknown),
            Err("not-a-response"),
        ]
    );
    // `1.0` is still outstanding: ids match by exact number text.
    assert_eq!(c.outstanding(), 1);
}

#[test]
fn the_decoder_reads_one_text_at_a_time_from_a_stream() {
    let d = Decoder::default();
    let wire = b"{\"jsonrpc\":\"2.0\",\"method\":\"a\"}\n[{\"jsonrpc\":\"2.0\",\"method\":\"b}\"}]  {\"jsonrpc\":\"2.0\",\"method\":\"c\"}";
    let mut buf = &wire[..];
    let mut methods = Vec::new();
    while let Decoded::Complete { value, used } = d.decode(buf).unwrap() {
        match value {
            Payload::Single(Message::Request(r)) => methods.push(r.method.into_owned()),
            Payload::Batch(b) => {
                for m in b.iter() {
                    let Ok(Message::Request(r)) = m else { panic!() };
                    methods.push(r.method.into_owned());
                }
            }
            other => panic!("{other:?}"),
        }
        buf = &buf[used..];
        if buf.is_empty() {
            break;
        }
    }
    assert_eq!(methods, ["a", "b}", "c"]);
    assert!(buf.is_empty());
    // Cut anywhere inside a text: need-more, never an error.
    for cut in 0..30 {
        assert_eq!(
            d.decode(&wire[..cut]).unwrap(),
            Decoded::NeedMore { at_least: 1 },
            "{cut}"
        );
    }
    // A bad text is an error at its offset.
    let e = d
        .decode(b"{\"jsonrpc\":\"1.0\",\"method\":\"a\"}\n")
        .unwrap_err();
    assert_eq!((e.kind(), e.offset()), ("bad-version", 0));
    let e = d.decode(b"  {\"jsonrpc\" 1}\n").unwrap_err();
    assert_eq!(e.kind(), "parse-error");
    // Bounded while waiting.
    let small = Decoder {
        limits: Limits {
            max_message: 8,
            ..Limits::default()
        },
        profile: Profile::Strict,
    };
    assert_eq!(small.decode(b"[[[[[[[[[[").unwrap_err().kind(), "too-large");
}
