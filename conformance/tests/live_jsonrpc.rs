//! The JSON-RPC live suite against in-process fake servers on loopback (misbehaving ones, and
//! one built on msgwire's own server semantics that must pass every case), against child
//! processes (`--command`), and, ignored unless they run, against the real peers started by
//! `.ci/peers/live-servers.sh`.
#![cfg(feature = "jsonrpc")]

mod common;
use common::{fake, read_request};

use std::io::{Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::Duration;

use msgwire::jsonrpc::{self, framing, ErrorObject, Limits, Outcome, Raw, Request};
use msgwire::Decoded;
use msgwire_conformance::live::{self, jsonrpc as live_jsonrpc, CaseResult, Selection, Verdict};

const TIMEOUT: Duration = Duration::from_millis(800);
/// For cases that move megabytes through a debug build.
const ROOMY: Duration = Duration::from_secs(4);

fn dispatch(req: &Request<'_>) -> Outcome<'static> {
    if req.method == "echo" {
        let text = req.params.as_ref().map_or("[]", |p| p.get()).to_string();
        return Outcome::Result(Raw::from(
            serde_json::value::RawValue::from_string(text).unwrap(),
        ));
    }
    Outcome::Error(ErrorObject::new(
        jsonrpc::ErrorCode::METHOD_NOT_FOUND,
        "Method not found",
    ))
}

fn conforming_http(mut s: TcpStream) {
    let Some(body) = read_request(&mut s) else {
        return;
    };
    let reply = jsonrpc::serve(&body).respond(dispatch);
    let _ = match reply {
        None => s.write_all(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"),
        Some(r) => s
            .write_all(
                format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                    r.len()
                )
                .as_bytes(),
            )
            .and_then(|_| s.write_all(&r)),
    };
}

fn conforming_ndjson(s: TcpStream) {
    conforming_stream(s, false)
}

fn conforming_stream(mut s: TcpStream, content_length: bool) {
    s.set_read_timeout(Some(Duration::from_secs(5))).ok();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 65536];
    loop {
        let next = if content_length {
            framing::decode_content_length(&buf, &Limits::default())
        } else {
            framing::decode_line(&buf, &Limits::default())
        };
        match next {
            Ok(Decoded::Complete { value, used }) => {
                if let Some(r) = jsonrpc::serve(value).respond(dispatch) {
                    let mut out = Vec::new();
                    if content_length {
                        framing::encode_content_length(&r, &mut out);
                    } else {
                        framing::encode_line(&r, &mut out);
                    }
                    if s.write_all(&out).is_err() {
                        return;
                    }
                }
                buf.drain(..used);
            }
            Ok(Decoded::NeedMore { .. }) => match s.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            },
            Err(_) => return,
        }
    }
}

fn target(url: Option<&str>, command: Option<&str>) -> live_jsonrpc::Target {
    live_jsonrpc::Target::new(url, command, None, Some("echo"), TIMEOUT).unwrap()
}

fn run_all(t: &live_jsonrpc::Target) -> Vec<CaseResult> {
    live::run(
        &live_jsonrpc::cases(),
        t,
        &Selection {
            strict: true,
            ..Default::default()
        },
    )
}

fn run_one(t: &live_jsonrpc::Target, only: &str) -> CaseResult {
    // A case waits for a reply and at most one probe, each bounded by the timeout.
    common::run_one(&live_jsonrpc::cases(), t, only, TIMEOUT * 4)
}

fn assert_all_pass(results: &[CaseResult]) {
    let report = live::terminal_report(results, false);
    for r in results {
        let ok = match r.id {
            // msgwire's strict server semantics refuse a fractional id (§4's SHOULD NOT on the
            // client): graded non-strict, a SHOULD case.
            "jsonrpc-server/id/fractional" => r.verdict == Verdict::NonStrict,
            _ => r.verdict == Verdict::Passed,
        };
        assert!(ok, "{}: {:?} {}\n{report}", r.id, r.verdict, r.observed);
    }
}

#[test]
fn a_conforming_http_server_passes_every_case() {
    let addr = fake(64, conforming_http);
    let results = run_all(&target(Some(&format!("http://{addr}/rpc")), None));
    assert_eq!(results.len(), live_jsonrpc::cases().len());
    assert_all_pass(&results);
}

#[test]
fn a_conforming_ndjson_server_passes_every_case() {
    let addr = fake(64, conforming_ndjson);
    let results = run_all(&target(Some(&format!("tcp://{addr}")), None));
    assert_all_pass(&results);
}

#[test]
fn a_conforming_content_length_server_passes_every_case() {
    let addr = fake(64, |s| conforming_stream(s, true));
    let t = live_jsonrpc::Target::new(
        Some(&format!("tcp://{addr}")),
        None,
        Some("content-length"),
        Some("echo"),
        TIMEOUT,
    )
    .unwrap();
    assert_all_pass(&run_all(&t));
}

#[test]
fn without_an_echo_method_the_cases_needing_one_are_unimplemented() {
    let addr = fake(64, conforming_http);
    let t = live_jsonrpc::Target::new(Some(&format!("http://{addr}/")), None, None, None, TIMEOUT)
        .unwrap();
    let r = run_one(&t, "jsonrpc-server/echo/types");
    assert_eq!(r.verdict, Verdict::Unimplemented);
    assert!(r.observed.contains("--echo-method"), "{}", r.observed);
    let r = run_one(&t, "jsonrpc-server/batch/mixed");
    assert_eq!(r.verdict, Verdict::Passed, "{}", r.observed);
}

#[test]
fn a_server_that_answers_everything_with_an_empty_array_fails_where_it_should() {
    let addr = fake(64, |mut s| {
        if read_request(&mut s).is_some() {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n[]");
        }
    });
    let t = target(Some(&format!("http://{addr}/")), None);
    let r = run_one(&t, "jsonrpc-server/parse-error/invalid-json");
    assert_eq!(r.verdict, Verdict::Failed);
    // An empty array is a batch of nothing: not the -32700 object owed.
    let r = run_one(&t, "jsonrpc-server/notification/unknown-method");
    assert_eq!(r.verdict, Verdict::Failed);
    assert!(r.observed.contains("a reply came"), "{}", r.observed);
}

#[test]
fn a_silent_server_gets_a_verdict_within_the_timeout() {
    let addr = fake(64, |s| {
        thread::sleep(Duration::from_secs(5));
        drop(s)
    });
    let r = run_one(
        &target(Some(&format!("http://{addr}/")), None),
        "jsonrpc-server/method/unknown",
    );
    assert_eq!(r.verdict, Verdict::Failed);
    assert!(r.observed.contains("nothing came"), "{}", r.observed);
    let r = run_one(
        &target(Some(&format!("tcp://{addr}")), None),
        "jsonrpc-server/notification/unknown-method",
    );
    assert_eq!(r.verdict, Verdict::Failed);
}

#[test]
fn a_server_closing_mid_response_fails_cleanly() {
    let addr = fake(64, |mut s| {
        if read_request(&mut s).is_some() {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"jsonrpc\":");
        }
    });
    let r = run_one(
        &target(Some(&format!("http://{addr}/")), None),
        "jsonrpc-server/method/unknown",
    );
    assert_eq!(r.verdict, Verdict::Failed);
    assert!(r.observed.contains("closed mid-response"), "{}", r.observed);
    assert!(r.trace.iter().any(|l| l.dir == "!" && !l.hex.is_empty()));
}

#[test]
fn garbage_and_huge_responses_are_reported_not_buffered() {
    let addr = fake(64, |mut s| {
        if read_request(&mut s).is_some() {
            let _ = s.write_all(b"\x00\x01garbage, not HTTP\r\n\r\n");
            thread::sleep(Duration::from_millis(300));
        }
    });
    let r = run_one(
        &target(Some(&format!("http://{addr}/")), None),
        "jsonrpc-server/method/unknown",
    );
    assert_eq!(r.verdict, Verdict::Failed);
    assert!(
        r.observed.contains("not a valid HTTP response"),
        "{}",
        r.observed
    );

    // 64 GiB declared: refused at the head, nothing waited for or allocated.
    let addr = fake(64, |mut s| {
        if read_request(&mut s).is_some() {
            let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 68719476736\r\n\r\n[[[[");
            thread::sleep(Duration::from_secs(3));
        }
    });
    let r = run_one(
        &target(Some(&format!("http://{addr}/")), None),
        "jsonrpc-server/method/unknown",
    );
    assert_eq!(r.verdict, Verdict::Failed);
    assert!(r.observed.contains("over the limit"), "{}", r.observed);

    // A stream that floods bytes without a newline: bounded by the timeout (or the limit).
    let addr = fake(64, |mut s| {
        let block = vec![b'['; 1 << 20];
        for _ in 0..64 {
            if s.write_all(&block).is_err() {
                return;
            }
        }
    });
    let r = run_one(
        &target(Some(&format!("tcp://{addr}")), None),
        "jsonrpc-server/method/unknown",
    );
    assert_eq!(r.verdict, Verdict::Failed);
}

#[test]
fn a_slow_drip_server_is_bounded_by_the_timeout() {
    let addr = fake(64, |mut s| {
        if read_request(&mut s).is_none() {
            return;
        }
        let body = br#"{"jsonrpc":"2.0","error":{"code":-32601,"message":"m"},"id":"msgwire-1"}"#;
        let mut all =
            format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
        all.extend_from_slice(body);
        for b in all {
            if s.write_all(&[b]).is_err() {
                return;
            }
            thread::sleep(Duration::from_millis(100));
        }
    });
    let r = run_one(
        &target(Some(&format!("http://{addr}/")), None),
        "jsonrpc-server/method/unknown",
    );
    assert_eq!(r.verdict, Verdict::Failed);
    assert!(
        r.observed.contains("no complete response"),
        "{}",
        r.observed
    );
}

#[test]
fn notifications_from_the_server_are_skipped_on_streams() {
    let addr = fake(64, |mut s| {
        let _ = s.write_all(b"{\"jsonrpc\":\"2.0\",\"method\":\"log\",\"params\":[\"hello\"]}\n");
        conforming_ndjson(s)
    });
    let t = target(Some(&format!("tcp://{addr}")), None);
    for id in [
        "jsonrpc-server/method/unknown",
        "jsonrpc-server/notification/unknown-method",
        "jsonrpc-server/limits/deep-nesting",
    ] {
        let r = run_one(&t, id);
        assert_eq!(r.verdict, Verdict::Passed, "{id}: {}", r.observed);
        assert!(r.trace.iter().any(|l| l.decoded.contains("skipped")));
    }
}

#[test]
fn child_processes_are_bounded_and_judged() {
    // `cat` sends our request back: a request is no response.
    let r = run_one(&target(None, Some("cat")), "jsonrpc-server/method/unknown");
    assert_eq!(r.verdict, Verdict::Failed);
    assert!(r.observed.contains("not a response"), "{}", r.observed);
    // A silent program.
    let r = run_one(
        &target(None, Some("sleep 5")),
        "jsonrpc-server/method/unknown",
    );
    assert_eq!(r.verdict, Verdict::Failed);
    assert!(r.observed.contains("nothing came"), "{}", r.observed);
    // A program that neither reads nor answers: a 1 MiB write must not block the case.
    let r = run_one(
        &target(None, Some("sleep 30")),
        "jsonrpc-server/limits/large-params",
    );
    assert_eq!(r.verdict, Verdict::Failed);
    // A program that exits at once cannot serve: one error before any case (exit 2).
    let e = live_jsonrpc::Target::new(None, Some("true"), None, None, TIMEOUT).unwrap_err();
    assert!(e.contains("ended at once"), "{e}");
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let opts = live::LiveOptions {
        timeout: TIMEOUT,
        ..Default::default()
    };
    let code = live::check_jsonrpc_server(
        None,
        Some("exit 127"),
        None,
        None,
        &opts,
        &mut out,
        &mut err,
    );
    assert_eq!(code, 2);
    assert!(out.is_empty());
    // A program that exits after its first reply-less read: each case judges it.
    let r = run_one(
        &target(None, Some("head -c 1 >/dev/null")),
        "jsonrpc-server/method/unknown",
    );
    assert_eq!(r.verdict, Verdict::Failed);
}

#[test]
fn the_cli_lists_and_checks() {
    let addr = fake(64, conforming_http);
    let opts = live::LiveOptions {
        timeout: TIMEOUT,
        selection: Selection {
            only: vec!["jsonrpc-server/batch/*".into()],
            ..Default::default()
        },
        ..Default::default()
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let url = format!("http://{addr}/");
    let code = live::check_jsonrpc_server(
        Some(&url),
        None,
        None,
        Some("echo"),
        &opts,
        &mut out,
        &mut err,
    );
    let text = String::from_utf8_lossy(&out);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("6 passed, 0 failed"), "{text}");
    let code = live::check_jsonrpc_server(None, None, None, None, &opts, &mut out, &mut err);
    assert_eq!(code, 2);
}

/// The real peers, started by `.ci/peers/live-servers.sh` (addresses from the environment).
fn peer(var: &str, expected_failures: &[&str]) {
    let Ok(url) = std::env::var(var) else {
        panic!("{var} is not set: run .ci/peers/live-servers.sh");
    };
    let t = live_jsonrpc::Target::new(Some(&url), None, None, Some("echo"), Duration::from_secs(5))
        .unwrap();
    let results = run_all(&t);
    println!("{}", live::terminal_report(&results, false));
    let failed: Vec<_> = results
        .iter()
        .filter(|r| r.verdict == Verdict::Failed)
        .map(|r| r.id)
        .collect();
    assert_eq!(failed, expected_failures, "see docs/findings.md");
}

const BATCH: [&str; 3] = [
    "jsonrpc-server/batch/one-invalid-item",
    "jsonrpc-server/batch/invalid-items",
    "jsonrpc-server/batch/mixed",
];

#[test]
#[ignore = "needs Python json-rpc: run by .ci/peers/live-servers.sh"]
fn python_json_rpc() {
    peer(
        "MSGWIRE_LIVE_JSONRPC_PY",
        &[
            "jsonrpc-server/invalid-request/wrong-version",
            "jsonrpc-server/invalid-request/version-number",
            BATCH[0],
            BATCH[1],
            BATCH[2],
            "jsonrpc-server/limits/deep-nesting",
        ],
    );
}

#[test]
#[ignore = "needs Python jsonrpcserver: run by .ci/peers/live-servers.sh"]
fn python_jsonrpcserver() {
    peer("MSGWIRE_LIVE_JSONRPCSERVER", &BATCH);
}

#[test]
#[ignore = "needs node jayson: run by .ci/peers/live-servers.sh"]
fn jayson_http() {
    peer(
        "MSGWIRE_LIVE_JAYSON_HTTP",
        &[
            "jsonrpc-server/parse-error/invalid-json",
            "jsonrpc-server/parse-error/truncated",
            "jsonrpc-server/parse-error/batch",
            "jsonrpc-server/id/null",
            "jsonrpc-server/id/beyond-2-53",
            "jsonrpc-server/limits/deep-nesting",
        ],
    );
}

#[test]
#[ignore = "needs node jayson: run by .ci/peers/live-servers.sh"]
fn jayson_tcp() {
    peer(
        "MSGWIRE_LIVE_JAYSON_TCP",
        &["jsonrpc-server/id/null", "jsonrpc-server/id/beyond-2-53"],
    );
}

#[test]
fn the_binary_lists_and_checks() {
    let bin = env!("CARGO_BIN_EXE_msgwire");
    let out = std::process::Command::new(bin)
        .args(["check", "jsonrpc-server", "--list"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        text.contains("jsonrpc-server/batch/empty\tMust\tJSON-RPC 2.0 §6"),
        "{text}"
    );
    assert!(
        !text.contains("beyond-2-53"),
        "SHOULD cases need --strict: {text}"
    );
    let addr = fake(64, conforming_ndjson);
    let out = std::process::Command::new(bin)
        .args(["check", "jsonrpc-server", &format!("tcp://{addr}")])
        .args(["--echo-method", "echo", "--strict", "--timeout", "2"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains(&format!(
            "{} passed, 0 failed, 1 non-strict, 0 informational",
            live_jsonrpc::cases().len() - 1
        )),
        "{text}"
    );
    // Usage errors.
    let code = |args: &[&str]| {
        std::process::Command::new(bin)
            .args(["check", "jsonrpc-server"])
            .args(args)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(code(&[]), Some(2));
    assert_eq!(code(&["ftp://x"]), Some(2));
    assert_eq!(code(&["http://x", "--command", "cat"]), Some(2));
    assert_eq!(code(&["http://x", "--timeout", "0"]), Some(2));
}

// ---------------------------------------------------------------------------------------------
// The suite proves itself: fake servers that each break one rule must be caught by the case
// that checks it (and the run exits 1); correct servers that answer in unusual but allowed
// ways must pass every case. One configurable server: a correct core (msgwire's own server
// semantics, with limits generous enough to echo anything the suite sends) and one quirk.

/// What a fake server does differently from the correct core.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quirk {
    /// Nothing: correct.
    None,
    // -- each breaks one rule --
    /// -32600 instead of -32700 for unparseable JSON.
    ParseErrorCode,
    /// A parse error answered with id 0 instead of null.
    ParseErrorId,
    /// A batch that is not valid JSON answered with an array holding the -32700 object.
    BatchParseErrorInArray,
    /// -32602 instead of -32600 for an invalid request.
    InvalidRequestCode,
    /// `"jsonrpc": "1.0"` dispatched as if it were "2.0".
    AcceptsVersion1,
    /// String params dispatched as if they were a one-item array.
    AcceptsScalarParams,
    /// An object id dispatched and echoed.
    AcceptsObjectId,
    /// -32000 instead of -32601 for an unknown method.
    MethodNotFoundCode,
    /// A numeric id echoed as a string.
    NumericIdAsString,
    /// `"id": null` taken for a notification (jayson).
    NullIdIsNotification,
    /// A single notification answered with -32601, id null.
    RepliesToNotifications,
    /// `[]` for a batch of notifications.
    EmptyArrayForNotifications,
    /// One -32600 object for a batch with invalid items (Python json-rpc, jsonrpcserver).
    OneErrorForInvalidBatch,
    /// `[]` answered with the -32600 object inside an array.
    EmptyBatchInArray,
    /// Only the first 100 responses of a batch.
    TruncatesBatches,
    /// The first response of a batch sent twice.
    DuplicatesAResponse,
    /// Calls that share an id answered once.
    OneResponsePerId,
    /// No `jsonrpc` member in responses.
    NoJsonrpcMember,
    /// `"error": null` next to every result.
    ErrorNextToResult,
    /// An error code written as a float (`-32601.0`).
    FloatErrorCode,
    /// The echo loses the last param.
    LossyEcho,
    /// A single response wrapped in an array.
    SingleInArray,
    /// HTTP 500 with a stack trace for deep input.
    CrashesOnDeep,
    /// Answers a large request, then serves no one any more.
    DiesAfterLarge,
    /// On a stream, every reply sent twice.
    RepliesTwice,
    /// Error objects without `jsonrpc` and `id`, as Perl's JSON::RPC writes them.
    BareErrors,
    // -- correct but unusual --
    /// Batch responses in reverse order, every reply pretty-printed with non-ASCII escaped.
    ReversedAndPretty,
    /// The codec's default limits (-32700 for params deeper than 128) and HTTP 413 for a body
    /// over 512 KiB.
    TightLimits,
}

/// The reply of the fake to one request body.
enum Reply {
    Body(Vec<u8>),
    Nothing,
    Http(u16, Vec<u8>),
}

fn generous() -> Limits {
    Limits {
        max_depth: 1 << 20,
        max_batch: 1 << 20,
        ..Limits::default()
    }
}

/// `\uXXXX` for every non-ASCII character (surrogate pairs past the BMP).
fn ascii_escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_ascii() {
            out.push(c);
        } else {
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        }
    }
    out
}

fn answer(quirk: Quirk, body: &[u8]) -> Reply {
    use serde_json::{json, Value};
    let text = String::from_utf8_lossy(body).into_owned();
    let trimmed = text.trim_start();
    let is_batch = trimmed.starts_with('[');
    // Quirks that change what the server reads.
    let input = match quirk {
        Quirk::AcceptsVersion1 => text.replace(r#""jsonrpc":"1.0""#, r#""jsonrpc":"2.0""#),
        Quirk::AcceptsScalarParams => text.replace(r#""params":"bar""#, r#""params":["bar"]"#),
        Quirk::NullIdIsNotification => text.replace(r#","id":null"#, ""),
        Quirk::AcceptsObjectId => text.replace(r#""id":{"a":1}"#, r#""id":"msgwire-object-id""#),
        _ => text.clone(),
    };
    if quirk == Quirk::TightLimits && body.len() > 512 << 10 {
        return Reply::Http(413, b"request entity too large".to_vec());
    }
    if quirk == Quirk::CrashesOnDeep && body.windows(64).any(|w| w.iter().all(|&b| b == b'[')) {
        return Reply::Http(
            500,
            b"RecursionError: maximum recursion depth exceeded".to_vec(),
        );
    }
    let limits = if quirk == Quirk::TightLimits {
        Limits::default()
    } else {
        generous()
    };
    let decoder = jsonrpc::Decoder {
        limits,
        profile: jsonrpc::Profile::Lenient,
    };
    let reply = decoder.serve(input.as_bytes()).respond(dispatch);
    let Some(reply) = reply else {
        return match quirk {
            Quirk::RepliesToNotifications if !is_batch => Reply::Body(
                br#"{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":null}"#
                    .to_vec(),
            ),
            Quirk::EmptyArrayForNotifications if is_batch => Reply::Body(b"[]".to_vec()),
            _ => Reply::Nothing,
        };
    };
    // Quirks that change what the server writes (on replies serde_json can read: not the deep
    // echo, which every quirk leaves alone).
    let Ok(mut v) = serde_json::from_slice::<Value>(&reply) else {
        return Reply::Body(reply);
    };
    let code_of = |r: &Value| r.pointer("/error/code").and_then(Value::as_i64);
    let each = |v: &mut Value, f: &mut dyn FnMut(&mut Value)| match v {
        Value::Array(items) => items.iter_mut().for_each(&mut *f),
        one => f(one),
    };
    match quirk {
        Quirk::ParseErrorCode | Quirk::ParseErrorId if code_of(&v) == Some(-32700) => {
            if quirk == Quirk::ParseErrorCode {
                v["error"]["code"] = json!(-32600);
            } else {
                v["id"] = json!(0);
            }
        }
        Quirk::BatchParseErrorInArray if is_batch && code_of(&v) == Some(-32700) => {
            v = json!([v]);
        }
        Quirk::InvalidRequestCode => each(&mut v, &mut |r| {
            if code_of(r) == Some(-32600) {
                r["error"]["code"] = json!(-32602);
            }
        }),
        Quirk::AcceptsObjectId => each(&mut v, &mut |r| {
            if r["id"] == json!("msgwire-object-id") {
                r["id"] = json!({"a": 1});
            }
        }),
        Quirk::MethodNotFoundCode => each(&mut v, &mut |r| {
            if code_of(r) == Some(-32601) {
                r["error"]["code"] = json!(-32000);
            }
        }),
        Quirk::NumericIdAsString => each(&mut v, &mut |r| {
            if r["id"].is_number() {
                r["id"] = json!(r["id"].to_string());
            }
        }),
        Quirk::OneErrorForInvalidBatch
            if v.as_array()
                .is_some_and(|a| a.iter().any(|r| code_of(r) == Some(-32600))) =>
        {
            v = json!({"jsonrpc": "2.0", "error": {"code": -32600, "message": "Invalid Request"}, "id": null});
        }
        Quirk::EmptyBatchInArray if trimmed.starts_with("[]") => v = json!([v]),
        Quirk::TruncatesBatches => {
            if let Value::Array(a) = &mut v {
                a.truncate(100);
            }
        }
        Quirk::DuplicatesAResponse => {
            if let Value::Array(a) = &mut v {
                let first = a[0].clone();
                a.push(first);
            }
        }
        Quirk::OneResponsePerId => {
            if let Value::Array(a) = &mut v {
                let mut seen = Vec::new();
                a.retain(|r| {
                    let new = !seen.contains(&r["id"]) || r["id"].is_null();
                    seen.push(r["id"].clone());
                    new
                });
            }
        }
        Quirk::NoJsonrpcMember => each(&mut v, &mut |r| {
            r.as_object_mut().map(|o| o.remove("jsonrpc"));
        }),
        Quirk::ErrorNextToResult => each(&mut v, &mut |r| {
            if r.get("result").is_some() {
                r["error"] = Value::Null;
            }
        }),
        Quirk::BareErrors => each(&mut v, &mut |r| {
            if let Some(o) = r.as_object_mut().filter(|o| o.contains_key("error")) {
                o.remove("jsonrpc");
                o.remove("id");
            }
        }),
        Quirk::LossyEcho => each(&mut v, &mut |r| {
            if let Some(Value::Array(a)) = r.get_mut("result") {
                a.pop();
            }
        }),
        Quirk::SingleInArray if !is_batch => v = json!([v]),
        Quirk::ReversedAndPretty => {
            if let Value::Array(a) = &mut v {
                a.reverse();
            }
            let pretty = serde_json::to_string_pretty(&v).unwrap();
            return Reply::Body(ascii_escaped(&pretty).into_bytes());
        }
        _ => {}
    }
    let mut out = serde_json::to_vec(&v).unwrap();
    if quirk == Quirk::FloatErrorCode {
        out = String::from_utf8(out)
            .unwrap()
            .replace("-32601,", "-32601.0,")
            .into_bytes();
    }
    Reply::Body(out)
}

/// Starts a fake with `quirk` on 127.0.0.1 (HTTP, or newline-delimited JSON over TCP); its URL.
fn start(quirk: Quirk, http: bool) -> String {
    use std::net::TcpListener;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let dead = Arc::new(AtomicBool::new(false));
    thread::spawn(move || {
        for s in listener.incoming().take(512).flatten() {
            let dead = dead.clone();
            thread::spawn(move || {
                let reply_to = |body: &[u8]| {
                    if dead.load(Ordering::SeqCst) {
                        return None;
                    }
                    if quirk == Quirk::DiesAfterLarge && body.len() > 512 << 10 {
                        dead.store(true, Ordering::SeqCst);
                    }
                    Some(answer(quirk, body))
                };
                if http {
                    fake_http(s, reply_to)
                } else {
                    fake_ndjson(s, quirk, reply_to)
                }
            });
        }
    });
    if http {
        format!("http://{addr}/")
    } else {
        format!("tcp://{addr}")
    }
}

fn fake_http(mut s: TcpStream, reply_to: impl Fn(&[u8]) -> Option<Reply>) {
    let Some(body) = read_request(&mut s) else {
        return;
    };
    let (status, body) = match reply_to(&body) {
        None => return,
        Some(Reply::Nothing) => (204, Vec::new()),
        Some(Reply::Body(b)) => (200, b),
        Some(Reply::Http(status, b)) => (status, b),
    };
    let head = format!(
        "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let _ = s
        .write_all(head.as_bytes())
        .and_then(|_| s.write_all(&body));
}

fn fake_ndjson(mut s: TcpStream, quirk: Quirk, reply_to: impl Fn(&[u8]) -> Option<Reply>) {
    s.set_read_timeout(Some(Duration::from_secs(5))).ok();
    let (mut buf, mut chunk) = (Vec::new(), vec![0u8; 1 << 16]);
    let mut lines = framing::LineDecoder::default();
    let limits = Limits {
        max_message: 64 << 20,
        ..Limits::default()
    };
    loop {
        match lines.decode(&buf, &limits) {
            Ok(Decoded::Complete { value, used }) => {
                let reply = match reply_to(value) {
                    None => return,
                    Some(Reply::Nothing) => None,
                    Some(Reply::Body(b)) => Some(b),
                    // A stream has no status: the connection is dropped.
                    Some(Reply::Http(..)) => return,
                };
                if let Some(r) = reply {
                    let mut out = Vec::new();
                    framing::encode_line(&r, &mut out);
                    if quirk == Quirk::RepliesTwice {
                        framing::encode_line(&r, &mut out);
                    }
                    if s.write_all(&out).is_err() {
                        return;
                    }
                }
                buf.drain(..used);
            }
            Ok(Decoded::NeedMore { .. }) => match s.read(&mut chunk) {
                Ok(0) | Err(_) => return,
                Ok(n) => buf.extend_from_slice(&chunk[..n]),
            },
            Err(_) => return,
        }
    }
}

/// The MUST cases (no `--strict`) through the CLI's entry point: the exit status and the ids
/// of the failed cases.
fn check_must(url: &str, strict: bool) -> (i32, Vec<String>, String) {
    let opts = live::LiveOptions {
        // The fakes answer at once; the bound only matters on a loaded machine (a debug build
        // echoing 1 MiB and 100 000 levels).
        timeout: ROOMY,
        selection: Selection {
            strict,
            ..Default::default()
        },
        ..Default::default()
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = live::check_jsonrpc_server(
        Some(url),
        None,
        None,
        Some("echo"),
        &opts,
        &mut out,
        &mut err,
    );
    let text = String::from_utf8_lossy(&out).into_owned();
    let failed = text
        .lines()
        .filter_map(|l| l.strip_prefix("✗ "))
        .filter_map(|l| l.split_whitespace().next())
        .map(str::to_string)
        .collect();
    (code, failed, text)
}

/// Each fake breaks one rule; the case named must catch it, and the run must exit 1.
const FAULTS: &[(Quirk, &str)] = &[
    (Quirk::ParseErrorCode, "parse-error/invalid-json"),
    (Quirk::ParseErrorId, "parse-error/truncated"),
    (Quirk::BatchParseErrorInArray, "parse-error/batch"),
    (
        Quirk::InvalidRequestCode,
        "invalid-request/method-not-string",
    ),
    (Quirk::AcceptsVersion1, "invalid-request/wrong-version"),
    (
        Quirk::AcceptsScalarParams,
        "invalid-request/params-not-structured",
    ),
    (Quirk::AcceptsObjectId, "invalid-request/id-not-scalar"),
    (Quirk::MethodNotFoundCode, "method/unknown"),
    (Quirk::NumericIdAsString, "id/integer"),
    (Quirk::NullIdIsNotification, "id/null"),
    (Quirk::RepliesToNotifications, "notification/unknown-method"),
    (
        Quirk::EmptyArrayForNotifications,
        "batch/notifications-only",
    ),
    (Quirk::OneErrorForInvalidBatch, "batch/invalid-items"),
    (Quirk::EmptyBatchInArray, "batch/empty"),
    (Quirk::TruncatesBatches, "limits/large-batch"),
    (Quirk::DuplicatesAResponse, "batch/mixed"),
    (Quirk::OneResponsePerId, "batch/duplicate-ids"),
    (Quirk::NoJsonrpcMember, "id/string"),
    (Quirk::ErrorNextToResult, "echo/types"),
    (Quirk::FloatErrorCode, "method/unknown"),
    (Quirk::LossyEcho, "echo/types"),
    (Quirk::SingleInArray, "id/zero"),
    (Quirk::CrashesOnDeep, "limits/deep-nesting"),
    (Quirk::DiesAfterLarge, "limits/large-params"),
];

#[test]
fn every_fake_that_breaks_one_rule_is_caught_by_its_case() {
    assert!(FAULTS.len() >= 15);
    let mut missed = Vec::new();
    for &(quirk, case) in FAULTS {
        let (code, failed, text) = check_must(&start(quirk, true), false);
        let id = format!("jsonrpc-server/{case}");
        if code != 1 || !failed.contains(&id) {
            missed.push(format!("{quirk:?}: exit {code}, failed {failed:?}\n{text}"));
        }
    }
    assert!(missed.is_empty(), "not caught:\n{}", missed.join("\n"));
}

/// The same over newline-delimited JSON on TCP (and a fault only a stream can show).
const NDJSON_FAULTS: &[(Quirk, &str)] = &[
    (Quirk::NullIdIsNotification, "id/null"),
    (Quirk::TruncatesBatches, "limits/large-batch"),
    (Quirk::CrashesOnDeep, "limits/deep-nesting"),
    (Quirk::RepliesToNotifications, "notification/unknown-method"),
    (Quirk::RepliesTwice, "method/unknown"),
];

#[test]
fn faults_are_caught_over_ndjson_too() {
    let mut missed = Vec::new();
    for &(quirk, case) in NDJSON_FAULTS {
        let (code, failed, text) = check_must(&start(quirk, false), false);
        let id = format!("jsonrpc-server/{case}");
        if code != 1 || !failed.contains(&id) {
            missed.push(format!("{quirk:?}: exit {code}, failed {failed:?}\n{text}"));
        }
    }
    assert!(missed.is_empty(), "not caught:\n{}", missed.join("\n"));
}

#[test]
fn correct_but_unusual_servers_pass_every_case() {
    for (quirk, http) in [
        // Deep echo (100 000 levels) judged in full, over HTTP and NDJSON.
        (Quirk::None, true),
        (Quirk::None, false),
        // Batch replies in reverse order, pretty-printed, non-ASCII escaped.
        (Quirk::ReversedAndPretty, true),
        (Quirk::ReversedAndPretty, false),
        // Limits: -32700 for deep params, HTTP 413 for a 1 MiB body.
        (Quirk::TightLimits, true),
    ] {
        let (code, failed, text) = check_must(&start(quirk, http), true);
        assert!(
            code == 0 && failed.is_empty(),
            "{quirk:?} (http: {http}): {failed:?}\n{text}"
        );
        assert!(
            text.contains(&format!("{} passed, 0 failed", live_jsonrpc::cases().len())),
            "{quirk:?} (http: {http}): {text}"
        );
    }
    // The deep echo really was judged as an echo, not accepted as a refusal.
    let roomy =
        |url: &str| live_jsonrpc::Target::new(Some(url), None, None, Some("echo"), ROOMY).unwrap();
    let cases = live_jsonrpc::cases();
    let r = common::run_one(
        &cases,
        &roomy(&start(Quirk::None, true)),
        "jsonrpc-server/limits/deep-nesting",
        ROOMY * 3,
    );
    assert!(r.observed.starts_with("as owed: result"), "{}", r.observed);
    let r = common::run_one(
        &cases,
        &roomy(&start(Quirk::TightLimits, true)),
        "jsonrpc-server/limits/large-params",
        ROOMY * 3,
    );
    assert!(r.observed.contains("HTTP 413"), "{}", r.observed);
}

/// Over HTTP the liveness probe after a limits case needs an answer, not a perfect one: a
/// server whose errors lack `id` (so the probe, an unknown method, gets one) is alive, and its
/// answer to the large call is judged alone; the missing ids fail the id cases. On a stream the
/// probe's reply must carry its id, since it is told from the input's reply by it.
#[test]
fn an_http_probe_answered_with_a_bare_error_shows_a_live_server() {
    let (code, failed, text) = check_must(&start(Quirk::BareErrors, true), false);
    assert_eq!(code, 1, "{text}");
    for ok in ["limits/large-params", "limits/deep-nesting"] {
        let id = format!("jsonrpc-server/{ok}");
        assert!(!failed.contains(&id), "{id} failed:\n{text}");
    }
    assert!(
        failed.contains(&"jsonrpc-server/method/unknown".to_string()),
        "{failed:?}\n{text}"
    );
    let (_, failed, text) = check_must(&start(Quirk::BareErrors, false), false);
    assert!(
        failed.contains(&"jsonrpc-server/limits/large-params".to_string()),
        "{failed:?}\n{text}"
    );
}

#[test]
fn an_unreachable_target_is_one_error_and_exit_2() {
    // Port 1 (tcpmux): nothing listens there, and no test's ephemeral listener can take it
    // (a port freed by a dropped listener could be reused by a parallel test).
    let addr = "127.0.0.1:1";
    for url in [format!("http://{addr}/"), format!("tcp://{addr}")] {
        let opts = live::LiveOptions {
            timeout: TIMEOUT,
            ..Default::default()
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code =
            live::check_jsonrpc_server(Some(&url), None, None, None, &opts, &mut out, &mut err);
        let err = String::from_utf8_lossy(&err);
        assert_eq!(code, 2, "{url}");
        assert!(
            out.is_empty(),
            "no case ran: {}",
            String::from_utf8_lossy(&out)
        );
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains("cannot connect"), "{err}");
    }
}

/// The figures docs/live/README.md gives for JSON-RPC are the suite's own: the case count, the
/// MUST count, the fault count, every case named in the section (the coverage table), and each
/// committed report's summary in the table of runs.
#[test]
fn the_readme_figures_are_the_suites() {
    let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/live");
    let readme = std::fs::read_to_string(docs.join("README.md")).unwrap();
    let cases = live_jsonrpc::cases();
    let start = readme.find("### JSON-RPC 2.0 (").unwrap();
    let section = &readme[start..start + readme[start..].find("\n### ").unwrap()];
    assert!(
        section.starts_with(&format!(
            "### JSON-RPC 2.0 (`jsonrpc-server/*`, <!-- count live/jsonrpc-server -->{} cases<!-- /count -->)",
            cases.len()
        )),
        "{}",
        section.lines().next().unwrap()
    );
    let musts = cases
        .iter()
        .filter(|c| c.level == live::Level::Must)
        .count();
    assert!(section.contains(&format!("Levels: {musts} MUST cases")));
    let n = FAULTS.len() + NDJSON_FAULTS.len();
    assert!(section.contains(&format!("Recall: **{n} of {n}**")));
    for c in &cases {
        let short = c.id.strip_prefix("jsonrpc-server/").unwrap();
        let prefix_glob = format!("{}/*", short.split('/').next().unwrap());
        assert!(
            section.contains(&format!("`{short}`"))
                || section.contains(&format!("`{prefix_glob}`")),
            "{short} is not in the coverage table"
        );
    }
    for line in readme.lines().filter(|l| l.starts_with("| `jsonrpc-")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let report = std::fs::read_to_string(docs.join(cells[1].trim_matches('`'))).unwrap();
        let summary = report
            .lines()
            .find(|l| l.contains(" passed, ") && l.ends_with(" unimplemented"))
            .unwrap();
        let num = |word: &str| {
            summary
                .split(", ")
                .find(|p| p.contains(word))
                .map(|p| p.split(' ').next().unwrap().to_string())
                .unwrap()
        };
        let baselined = summary
            .split_once("failed (")
            .map(|(_, r)| r.split(' ').next().unwrap().to_string());
        let failed = match baselined {
            Some(b) => format!("{} ({b} baselined)", num("failed")),
            None => num("failed"),
        };
        let expect = [
            num("passed"),
            failed,
            num("non-strict"),
            num("informational"),
            num("unimplemented"),
        ];
        assert_eq!(cells[3..8], expect, "{line} vs {summary}");
    }
}

#[test]
fn a_named_deviation_fails_unless_accepted() {
    let url = start(Quirk::OneErrorForInvalidBatch, true);
    let run = |accept: &[&str]| {
        let opts = live::LiveOptions {
            timeout: ROOMY,
            selection: Selection {
                only: vec!["jsonrpc-server/batch/*".into()],
                accept: accept.iter().map(|a| a.to_string()).collect(),
                ..Default::default()
            },
            ..Default::default()
        };
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = live::check_jsonrpc_server(
            Some(&url),
            None,
            None,
            Some("echo"),
            &opts,
            &mut out,
            &mut err,
        );
        (code, String::from_utf8_lossy(&out).into_owned())
    };
    let (code, text) = run(&[]);
    assert_eq!(code, 1, "{text}");
    assert!(text.contains("3 failed"), "{text}");
    assert!(
        text.contains("--accept python-jsonrpc/batch-one-error"),
        "{text}"
    );
    let (code, text) = run(&["python-jsonrpc"]);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains("0 failed, 3 non-strict"), "{text}");
    // A batch answered in part is no deviation: it fails even when accepted.
    let url = start(Quirk::TruncatesBatches, true);
    let opts = live::LiveOptions {
        timeout: ROOMY,
        selection: Selection {
            only: vec!["jsonrpc-server/limits/large-batch".into()],
            accept: vec!["python-jsonrpc".into()],
            ..Default::default()
        },
        ..Default::default()
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = live::check_jsonrpc_server(
        Some(&url),
        None,
        None,
        Some("echo"),
        &opts,
        &mut out,
        &mut err,
    );
    assert_eq!(code, 1, "{}", String::from_utf8_lossy(&out));
}
