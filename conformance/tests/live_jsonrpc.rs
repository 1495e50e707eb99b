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

fn dispatch(req: &Request<'_>) -> Outcome<'static> {
    if req.method == "echo" {
        let text = req.params.as_ref().map_or("[]", |p| p.get()).to_string();
        return Outcome::Result(Raw::from(
            serde_json::value::RawValue::from_string(text).unwrap(),
        ));
    }
    Outcome::Error(ErrorObject::new(
        jsonrpc::METHOD_NOT_FOUND,
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
            "jsonrpc-server/id/fractional" => r.verdict == Verdict::Informational,
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
    // A program that exits at once.
    let r = run_one(&target(None, Some("true")), "jsonrpc-server/method/unknown");
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
    assert!(text.contains("5 passed, 0 failed"), "{text}");
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
            "jsonrpc-server/invalid-request/no-jsonrpc-member",
            "jsonrpc-server/invalid-request/wrong-version",
            BATCH[0],
            BATCH[1],
            BATCH[2],
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
        !text.contains("id-not-scalar"),
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
        text.contains("29 passed, 0 failed, 0 non-strict, 1 informational"),
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
