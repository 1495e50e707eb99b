//! The XML-RPC live suite against in-process fake servers on loopback (misbehaving ones, and
//! one built on msgwire's own codec that must pass every case it can), and, ignored unless
//! they run, against the real peers started by `.ci/peers/live-servers.sh`.
#![cfg(feature = "xmlrpc")]

mod common;
use common::{fake, read_request};

use std::io::Write;
use std::net::TcpStream;
use std::thread;
use std::time::Duration;

use msgwire::xmlrpc::{self, Fault, Message, MethodResponse, Value};
use msgwire_conformance::live::{self, xmlrpc as live_xmlrpc, CaseResult, Selection, Verdict};

const TIMEOUT: Duration = Duration::from_millis(800);

fn respond(s: &mut TcpStream, status: &str, body: &[u8]) {
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let _ = s.write_all(head.as_bytes()).and_then(|_| s.write_all(body));
}

/// A server on msgwire's codec: `echo` returns its params as an array, every other call and
/// every undecodable document gets a fault (so introspection is "not offered").
fn conforming(mut s: TcpStream) {
    let Some(body) = read_request(&mut s) else {
        return;
    };
    let reply = match xmlrpc::decode(&body) {
        Ok(Message::Call(c)) if c.method == "echo" => {
            Message::Response(MethodResponse::new(Value::Array(c.params)))
        }
        Ok(Message::Call(c)) => Message::Fault(Fault::new(
            -32601,
            format!("server error. requested method {} not found", c.method),
        )),
        Ok(_) => Message::Fault(Fault::new(-32600, "server error. invalid xml-rpc")),
        Err(e) => Message::Fault(Fault::new(e.code(), e.to_string())),
    };
    respond(&mut s, "200 OK", &reply.to_vec());
}

fn target(addr: &str, echo: Option<&str>) -> live_xmlrpc::Target {
    live_xmlrpc::Target::new(&format!("http://{addr}/RPC2"), echo, TIMEOUT).unwrap()
}

fn run_all(t: &live_xmlrpc::Target) -> Vec<CaseResult> {
    live::run(
        &live_xmlrpc::cases(),
        t,
        &Selection {
            strict: true,
            ..Default::default()
        },
    )
}

fn run_one(t: &live_xmlrpc::Target, only: &str) -> CaseResult {
    // A case makes at most three requests, each bounded by the timeout.
    common::run_one(&live_xmlrpc::cases(), t, only, TIMEOUT * 4)
}

#[test]
fn a_conforming_server_passes_what_it_offers() {
    let addr = fake(128, conforming);
    let results = run_all(&target(&addr, Some("echo")));
    let report = live::terminal_report(&results, false);
    for r in &results {
        let want = if r.id.contains("/introspection/") || r.id.contains("/validator1/") {
            Verdict::Unimplemented
        } else {
            Verdict::Passed
        };
        assert_eq!(r.verdict, want, "{}: {}\n{report}", r.id, r.observed);
    }
    assert!(!live::failed(&results));
}

#[test]
fn without_an_echo_method_echo_cases_are_unimplemented() {
    let addr = fake(128, conforming);
    let t = target(&addr, None);
    let r = run_one(&t, "xmlrpc-server/echo/struct");
    assert_eq!(r.verdict, Verdict::Unimplemented);
    // The entity case then reads the fault: our codec refuses any DOCTYPE.
    let r = run_one(&t, "xmlrpc-server/security/doctype-entity");
    assert_eq!(r.verdict, Verdict::Passed, "{}", r.observed);
}

#[test]
fn a_server_that_expands_entities_or_mangles_values_fails() {
    // Answers every call with a string holding the expanded entity text and 32-bit overflow.
    let addr = fake(128, |mut s| {
        if read_request(&mut s).is_some() {
            let body = b"<?xml version=\"1.0\"?><methodResponse><params><param><value><array><data>\
<value><string>msgwire-expanded-entity lollollol</string></value></data></array></value></param></params></methodResponse>";
            respond(&mut s, "200 OK", body);
        }
    });
    let t = target(&addr, Some("echo"));
    for id in [
        "xmlrpc-server/security/doctype-entity",
        "xmlrpc-server/security/billion-laughs",
        "xmlrpc-server/echo/int",
        "xmlrpc-server/fault/unknown-method",
        "xmlrpc-server/fault/malformed-xml",
    ] {
        let r = run_one(&t, id);
        assert_eq!(r.verdict, Verdict::Failed, "{id}: {}", r.observed);
    }
}

/// A server with an XXE hole: it fetches every `SYSTEM "http://..."` URL the request names
/// (over loopback, bounded by a read timeout) and answers with what it got.
fn resolves_external_entities(mut s: TcpStream) {
    use std::io::Read;
    let Some(body) = read_request(&mut s) else {
        return;
    };
    let text = String::from_utf8_lossy(&body).into_owned();
    let mut got = String::new();
    for part in text.split("SYSTEM \"http://").skip(1) {
        let url = part.split('"').next().unwrap_or("");
        let (host, path) = url.split_once('/').unwrap_or((url, ""));
        if let Ok(mut c) = TcpStream::connect(host) {
            c.set_read_timeout(Some(Duration::from_millis(500))).ok();
            let _ = c.write_all(format!("GET /{path} HTTP/1.0\r\n\r\n").as_bytes());
            let _ = c.read_to_string(&mut got);
        }
    }
    let body = format!(
        "<?xml version=\"1.0\"?><methodResponse><params><param><value><string>{}</string></value></param></params></methodResponse>",
        got.rsplit("\r\n\r\n").next().unwrap_or("")
    );
    respond(&mut s, "200 OK", body.as_bytes());
}

#[test]
fn a_server_that_fetches_external_entities_fails_and_one_that_refuses_passes() {
    let id = "xmlrpc-server/security/external-entity";
    for echo in [Some("echo"), None] {
        let r = run_one(&target(&fake(8, resolves_external_entities), echo), id);
        assert_eq!(r.verdict, Verdict::Failed, "{}", r.observed);
        assert!(r.observed.contains("fetched"), "{}", r.observed);
        assert!(
            r.observed.contains("msgwire-general-entity"),
            "{}",
            r.observed
        );

        // Our codec refuses any DOCTYPE, with a fault.
        let r = run_one(&target(&fake(8, conforming), echo), id);
        assert_eq!(r.verdict, Verdict::Passed, "{}", r.observed);
    }
    // A server that ignores the DTD and echoes the unexpanded reference fetches nothing and
    // expands nothing: the MUST is met (the pass-through is judged by security/doctype-entity).
    let addr = fake(8, |mut s| {
        if read_request(&mut s).is_some() {
            let body = b"<?xml version=\"1.0\"?><methodResponse><params><param><value><string>&amp;xxe;</string></value></param></params></methodResponse>";
            respond(&mut s, "200 OK", body);
        }
    });
    let r = run_one(&target(&addr, Some("echo")), id);
    assert_eq!(r.verdict, Verdict::Passed, "{}", r.observed);
}

#[test]
fn method_signatures_are_arrays_of_type_name_arrays_or_a_non_array() {
    let id = "xmlrpc-server/introspection/method-signature";
    let answering = |value: &'static str| {
        move |mut s: TcpStream| {
            if read_request(&mut s).is_some() {
                let body = format!("<?xml version=\"1.0\"?><methodResponse><params><param><value>{value}</value></param></params></methodResponse>");
                respond(&mut s, "200 OK", body.as_bytes());
            }
        }
    };
    for (value, want) in [
        ("<array><data><value><array><data><value>array</value></data></array></value></data></array>", Verdict::Passed),
        ("<string>signatures not supported</string>", Verdict::Passed),
        ("<array><data><value><int>1</int></value></data></array>", Verdict::Failed),
        ("<array><data><value><array><data></data></array></value></data></array>", Verdict::Failed),
    ] {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let addr = listener.local_addr().unwrap().to_string();
        let serve = answering(value);
        thread::spawn(move || {
            for stream in listener.incoming().take(4).flatten() {
                serve(stream);
            }
        });
        let r = run_one(&target(&addr, None), id);
        assert_eq!(r.verdict, want, "{value}: {}", r.observed);
    }
    // A fault from a server without system.listMethods: not offered.
    let r = run_one(&target(&fake(8, conforming), None), id);
    assert_eq!(r.verdict, Verdict::Unimplemented, "{}", r.observed);
}

#[test]
fn a_fault_in_the_wrong_shape_fails_the_fault_case() {
    // faultCode as a string: only the lenient decoder would read it.
    let addr = fake(128, |mut s| {
        if read_request(&mut s).is_some() {
            let body = b"<?xml version=\"1.0\"?><methodResponse><fault><value><struct>\
<member><name>faultCode</name><value><string>1</string></value></member>\
<member><name>faultString</name><value><string>no</string></value></member>\
</struct></value></fault></methodResponse>";
            respond(&mut s, "200 OK", body);
        }
    });
    let r = run_one(&target(&addr, None), "xmlrpc-server/fault/unknown-method");
    assert_eq!(r.verdict, Verdict::Failed, "{}", r.observed);
}

#[test]
fn a_silent_server_gets_a_verdict_within_the_timeout() {
    let addr = fake(128, |s| {
        thread::sleep(Duration::from_secs(5));
        drop(s)
    });
    let r = run_one(&target(&addr, None), "xmlrpc-server/fault/unknown-method");
    assert_eq!(r.verdict, Verdict::Failed);
    assert!(r.observed.contains("nothing came"), "{}", r.observed);
    let r = run_one(
        &target(&addr, None),
        "xmlrpc-server/security/billion-laughs",
    );
    assert_eq!(r.verdict, Verdict::Failed);
}

#[test]
fn a_server_closing_mid_response_fails_cleanly() {
    let addr = fake(128, |mut s| {
        if read_request(&mut s).is_some() {
            let _ = s.write_all(
                b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: 500\r\n\r\n<?xml",
            );
        }
    });
    let r = run_one(&target(&addr, None), "xmlrpc-server/fault/unknown-method");
    assert_eq!(r.verdict, Verdict::Failed);
    assert!(r.observed.contains("closed mid-response"), "{}", r.observed);
}

#[test]
fn garbage_and_huge_responses_are_reported_not_buffered() {
    let addr = fake(128, |mut s| {
        if read_request(&mut s).is_some() {
            let _ = s.write_all(b"SSH-2.0-OpenSSH\r\n\r\n");
            thread::sleep(Duration::from_millis(300));
        }
    });
    let r = run_one(&target(&addr, None), "xmlrpc-server/http/response-headers");
    assert_eq!(r.verdict, Verdict::Failed);
    assert!(
        r.observed.contains("not a valid HTTP response"),
        "{}",
        r.observed
    );

    // A 200 whose body is no XML-RPC document.
    let addr = fake(128, |mut s| {
        if read_request(&mut s).is_some() {
            respond(&mut s, "200 OK", b"<html>hello</html>");
        }
    });
    let r = run_one(&target(&addr, None), "xmlrpc-server/fault/unknown-method");
    assert_eq!(r.verdict, Verdict::Failed);
    assert!(
        r.observed.contains("not an XML-RPC response"),
        "{}",
        r.observed
    );

    // A chunked body declaring a 16 EiB chunk: refused at the chunk head.
    let addr = fake(128, |mut s| {
        if read_request(&mut s).is_some() {
            let _ = s.write_all(
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nfffffffffffffff\r\n<?xml",
            );
            thread::sleep(Duration::from_secs(3));
        }
    });
    let r = run_one(&target(&addr, None), "xmlrpc-server/fault/unknown-method");
    assert_eq!(r.verdict, Verdict::Failed);
    assert!(r.observed.contains("over the limit"), "{}", r.observed);
}

#[test]
fn a_slow_drip_server_is_bounded_by_the_timeout() {
    let addr = fake(128, |mut s| {
        if read_request(&mut s).is_none() {
            return;
        }
        let body = xmlrpc::Message::Fault(Fault::new(1, "slow")).to_vec();
        let mut all = format!(
            "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n",
            body.len()
        )
        .into_bytes();
        all.extend_from_slice(&body);
        for b in all {
            if s.write_all(&[b]).is_err() {
                return;
            }
            thread::sleep(Duration::from_millis(100));
        }
    });
    let r = run_one(&target(&addr, None), "xmlrpc-server/fault/unknown-method");
    assert_eq!(r.verdict, Verdict::Failed);
    assert!(
        r.observed.contains("no complete response"),
        "{}",
        r.observed
    );
}

#[test]
fn the_cli_checks_and_lists() {
    let addr = fake(128, conforming);
    let url = format!("http://{addr}/RPC2");
    let opts = live::LiveOptions {
        timeout: TIMEOUT,
        ..Default::default()
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = live::check_xmlrpc_server(Some(&url), Some("echo"), &opts, &mut out, &mut err);
    let text = String::from_utf8_lossy(&out);
    assert_eq!(code, 0, "{text}");
    assert!(text.contains(" 0 failed"), "{text}");
    let list = live::LiveOptions {
        list: true,
        ..Default::default()
    };
    let mut out = Vec::new();
    assert_eq!(
        live::check_xmlrpc_server(None, None, &list, &mut out, &mut err),
        0
    );
    let text = String::from_utf8_lossy(&out);
    assert!(text.contains("xmlrpc-server/validator1/nestedStructTest\tMust"));
    assert_eq!(
        live::check_xmlrpc_server(None, None, &opts, &mut out, &mut err),
        2
    );
}

fn peer(var: &str, expected_failures: &[&str]) {
    let Ok(url) = std::env::var(var) else {
        panic!("{var} is not set: run .ci/peers/live-servers.sh");
    };
    let t = live_xmlrpc::Target::new(&url, Some("echo"), Duration::from_secs(5)).unwrap();
    let results = run_all(&t);
    println!("{}", live::terminal_report(&results, false));
    let failed: Vec<_> = results
        .iter()
        .filter(|r| r.verdict == Verdict::Failed)
        .map(|r| r.id)
        .collect();
    assert_eq!(failed, expected_failures, "see docs/findings.md");
}

#[test]
#[ignore = "needs python3: run by .ci/peers/live-servers.sh"]
fn python_simplexmlrpcserver() {
    peer(
        "MSGWIRE_LIVE_XMLRPC_PY",
        &[
            "xmlrpc-server/echo/double",
            "xmlrpc-server/echo/i8",
            "xmlrpc-server/security/doctype-entity",
        ],
    );
}

#[test]
#[ignore = "needs node xmlrpc: run by .ci/peers/live-servers.sh"]
fn npm_xmlrpc() {
    peer(
        "MSGWIRE_LIVE_XMLRPC_NPM",
        &[
            "xmlrpc-server/fault/unknown-method",
            "xmlrpc-server/http/response-headers",
            "xmlrpc-server/echo/double",
            "xmlrpc-server/echo/i8",
        ],
    );
}

#[test]
fn the_binary_runs_the_suite_and_writes_reports() {
    let addr = fake(128, conforming);
    let dir = std::env::temp_dir().join(format!("msgwire-live-xmlrpc-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (json, junit) = (dir.join("r.json"), dir.join("r.xml"));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_msgwire"))
        .args(["check", "xmlrpc-server", &format!("http://{addr}/RPC2")])
        .args([
            "--echo-method",
            "echo",
            "--only",
            "xmlrpc-server/echo/*",
            "--timeout",
            "2",
        ])
        .arg("--json")
        .arg(&json)
        .arg("--junit")
        .arg(&junit)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(text.contains("12 passed, 0 failed"), "{text}");
    let report: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(report["suites"][0]["items"].as_array().unwrap().len(), 12);
    assert!(std::fs::read_to_string(&junit)
        .unwrap()
        .contains("<testsuite name=\"xmlrpc-server http://"));
    let _ = std::fs::remove_dir_all(&dir);
    // A failing MUST case: exit 1, unless the baseline names it.
    let addr = fake(128, |mut s| {
        if read_request(&mut s).is_some() {
            let _ = s.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n");
        }
    });
    let url = format!("http://{addr}/");
    let run = |extra: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_msgwire"))
            .args(["check", "xmlrpc-server", &url, "--only", "*/unknown-method"])
            .args(extra)
            .output()
            .unwrap()
            .status
            .code()
    };
    assert_eq!(run(&[]), Some(1));
    let baseline = std::env::temp_dir().join(format!("msgwire-live-bl-{}", std::process::id()));
    std::fs::write(&baseline, "xmlrpc-server/fault/unknown-method  # known\n").unwrap();
    assert_eq!(run(&["--baseline", baseline.to_str().unwrap()]), Some(0));
    let _ = std::fs::remove_file(&baseline);
}

// ---------------------------------------------------------------------------------------------
// Proof that the suite catches faults: one configurable fake server, correct by default (built
// on msgwire's codec: echo, system.listMethods, system.methodHelp, system.multicall), that
// breaks exactly one rule when told to; and correct-but-unusual variants that must pass.

/// One rule a fake server breaks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bug {
    /// Every successful response carries a second `<param>`.
    TwoParams,
    /// Doubles written with an exponent (`5E-1`).
    ExponentDouble,
    /// The fault struct has a third member.
    FaultExtraMember,
    /// `faultCode` is a `<string>`.
    FaultCodeString,
    /// Faults come with HTTP 500.
    FaultWith500,
    /// An unknown method gets a successful (empty string) response.
    UnknownMethodResult,
    /// No Content-Length: the body runs to the close.
    NoContentLength,
    /// `Content-Type: application/xml`.
    WrongContentType,
    /// Echoed `<int>`s come back as `<i8>`.
    IntAsI8,
    /// Echoed booleans come back as `<int>` 0/1.
    BooleanAsInt,
    /// Echoed strings come back trimmed.
    StringTrimmed,
    /// Echoed empty strings come back as `<nil/>`.
    EmptyStringAsNil,
    /// Echoed struct members whose value is an empty struct are dropped.
    StructDropsEmpty,
    /// Echoed base64 comes back as a `<string>` of its text.
    Base64AsString,
    /// `system.multicall` results are not wrapped in one-element arrays.
    MulticallUnwrapped,
    /// `system.listMethods` returns ints.
    ListMethodsInts,
    /// A request over 200 KB makes the server stop answering anything.
    DiesOnDeep,
    /// A request that is not well-formed XML gets a successful response.
    ResultForMalformed,
    /// A request that is not well-formed XML gets HTTP 500 without a body.
    Status500ForMalformed,
    /// A call without `<params>` gets a fault.
    NeedsParams,
}

/// How a fake server behaves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// By the spec, plainly.
    Correct,
    /// By the spec, unusually: HTTP/1.0, `text/xml; charset=utf-8`, pretty-printed, `<i4>`
    /// for ints, untyped strings, struct and fault members reversed, the response written in
    /// 7-byte pieces.
    Unusual,
    /// By the spec, and echoes the 20 000-deep request whole (textually).
    DeepEcho,
    /// Breaks one rule.
    Bug(Bug),
}

/// Each bug and the case that must catch it.
const FAULTS: &[(Bug, &str)] = &[
    (Bug::TwoParams, "xmlrpc-server/response/single-param"),
    (Bug::ExponentDouble, "xmlrpc-server/echo/double"),
    (Bug::FaultExtraMember, "xmlrpc-server/fault/unknown-method"),
    (Bug::FaultCodeString, "xmlrpc-server/fault/unknown-method"),
    (Bug::FaultWith500, "xmlrpc-server/fault/unknown-method"),
    (
        Bug::UnknownMethodResult,
        "xmlrpc-server/fault/unknown-method",
    ),
    (Bug::NoContentLength, "xmlrpc-server/http/response-headers"),
    (Bug::WrongContentType, "xmlrpc-server/http/response-headers"),
    (Bug::IntAsI8, "xmlrpc-server/echo/int"),
    (Bug::BooleanAsInt, "xmlrpc-server/echo/boolean"),
    (Bug::StringTrimmed, "xmlrpc-server/echo/string-whitespace"),
    (Bug::EmptyStringAsNil, "xmlrpc-server/echo/string-empty"),
    (Bug::StructDropsEmpty, "xmlrpc-server/echo/struct"),
    (Bug::Base64AsString, "xmlrpc-server/echo/base64"),
    (
        Bug::MulticallUnwrapped,
        "xmlrpc-server/introspection/multicall",
    ),
    (
        Bug::ListMethodsInts,
        "xmlrpc-server/introspection/list-methods",
    ),
    (Bug::DiesOnDeep, "xmlrpc-server/limits/deep-nesting"),
    (Bug::ResultForMalformed, "xmlrpc-server/fault/malformed-xml"),
    (
        Bug::Status500ForMalformed,
        "xmlrpc-server/fault/malformed-xml",
    ),
    (Bug::NeedsParams, "xmlrpc-server/request/no-params"),
];

/// The correct-but-unusual servers.
const UNUSUAL: &[Kind] = &[Kind::Correct, Kind::Unusual, Kind::DeepEcho];

/// Starts a fake server of `kind` on loopback (at most 400 connections, 120 s); `host:port`.
fn fake_server(kind: Kind) -> String {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let dead = Arc::new(AtomicBool::new(false));
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    thread::spawn(move || {
        for stream in listener.incoming().take(400).flatten() {
            if std::time::Instant::now() > deadline {
                return;
            }
            let dead = dead.clone();
            thread::spawn(move || {
                if dead.load(Ordering::SeqCst) {
                    return; // dropped: closed without an answer
                }
                if let Some(body) = serve(kind, stream) {
                    if body.len() > 200_000 && kind == Kind::Bug(Bug::DiesOnDeep) {
                        dead.store(true, Ordering::SeqCst);
                    }
                }
            });
        }
    });
    addr
}

fn bug(kind: Kind, b: Bug) -> bool {
    kind == Kind::Bug(b)
}

/// Rewrites a value the way a buggy (or unusual) echo would.
fn mangle(kind: Kind, v: Value<'static>) -> Value<'static> {
    use std::borrow::Cow;
    match v {
        Value::Int(i) if bug(kind, Bug::IntAsI8) => Value::I8(i64::from(i)),
        Value::Int(i) if kind == Kind::Unusual => Value::I4(i),
        Value::Boolean(b) if bug(kind, Bug::BooleanAsInt) => Value::Int(i32::from(b)),
        Value::String(s) if bug(kind, Bug::StringTrimmed) => {
            Value::String(Cow::Owned(s.trim().to_string()))
        }
        Value::String(s) if s.is_empty() && bug(kind, Bug::EmptyStringAsNil) => Value::Nil,
        Value::String(s) if kind == Kind::Unusual && !s.is_empty() && s.trim() == s => {
            Value::Untyped(s)
        }
        Value::Base64(b) if bug(kind, Bug::Base64AsString) => {
            Value::String(Cow::Owned(b.text().to_string()))
        }
        Value::Array(a) => Value::Array(a.into_iter().map(|v| mangle(kind, v)).collect()),
        Value::Struct(m) => {
            let mut m: Vec<_> = m
                .into_iter()
                .filter(|m| {
                    !(bug(kind, Bug::StructDropsEmpty)
                        && matches!(&m.value, Value::Struct(x) if x.is_empty()))
                })
                .map(|m| xmlrpc::Member::new(m.name, mangle(kind, m.value)))
                .collect();
            if kind == Kind::Unusual {
                m.reverse();
            }
            Value::Struct(m)
        }
        other => other,
    }
}

fn fault(kind: Kind, code: i32, text: String) -> Message<'static> {
    let f = Fault::new(code, text);
    if kind == Kind::Unusual {
        // faultString first: the spec does not order struct members.
        let Value::Struct(mut m) = f.value().clone() else {
            unreachable!()
        };
        m.reverse();
        return Message::Fault(Fault::from_value(Value::Struct(m), false).unwrap());
    }
    Message::Fault(f)
}

/// What the server answers to a call of `method` with `params`.
fn answer(kind: Kind, method: &str, params: Vec<Value<'static>>) -> Message<'static> {
    use std::borrow::Cow;
    let names = [
        "echo",
        "system.listMethods",
        "system.methodHelp",
        "system.multicall",
    ];
    match method {
        "echo" => Message::Response(MethodResponse::new(Value::Array(
            params.into_iter().map(|v| mangle(kind, v)).collect(),
        ))),
        "system.listMethods" if bug(kind, Bug::ListMethodsInts) => {
            Message::Response(MethodResponse::new(Value::Array(vec![
                Value::Int(1),
                Value::Int(2),
            ])))
        }
        "system.listMethods" => Message::Response(MethodResponse::new(Value::Array(
            names
                .iter()
                .map(|n| Value::String(Cow::Borrowed(*n)))
                .collect(),
        ))),
        "system.methodHelp" => Message::Response(MethodResponse::new(Value::String("".into()))),
        "system.multicall" => {
            let Some(Value::Array(calls)) = params.into_iter().next() else {
                return fault(kind, -32602, "system.multicall takes an array".into());
            };
            let results = calls
                .into_iter()
                .map(|c| {
                    let name = c
                        .member("methodName")
                        .and_then(Value::as_str)
                        .unwrap_or("")
                        .to_string();
                    let params = match c.member("params") {
                        Some(Value::Array(p)) => p.clone(),
                        _ => vec![],
                    };
                    match answer(kind, &name, params) {
                        Message::Response(r) if bug(kind, Bug::MulticallUnwrapped) => {
                            r.value().cloned().unwrap_or(Value::Nil)
                        }
                        Message::Response(r) => {
                            Value::Array(vec![r.value().cloned().unwrap_or(Value::Nil)])
                        }
                        Message::Fault(f) => f.value().clone(),
                        Message::Call(_) => Value::Nil,
                    }
                })
                .collect();
            Message::Response(MethodResponse::new(Value::Array(results)))
        }
        _ if bug(kind, Bug::UnknownMethodResult) => {
            Message::Response(MethodResponse::new(Value::String("".into())))
        }
        _ => fault(
            kind,
            -32601,
            format!("server error. requested method {method} not found"),
        ),
    }
}

/// Replaces every `<tag>X</tag>` text X by `f(X)`.
fn retext(doc: &str, tag: &str, f: impl Fn(&str) -> String) -> String {
    let (open, close) = (format!("<{tag}>"), format!("</{tag}>"));
    let mut out = String::new();
    let mut rest = doc;
    while let Some(i) = rest.find(&open) {
        let after = &rest[i + open.len()..];
        let Some(j) = after.find(&close) else { break };
        out.push_str(&rest[..i + open.len()]);
        out.push_str(&f(&after[..j]));
        rest = &after[j..];
    }
    out.push_str(rest);
    out
}

/// Serves one connection; returns the request body it read.
fn serve(kind: Kind, mut s: TcpStream) -> Option<Vec<u8>> {
    let body = read_request(&mut s)?;
    if bug(kind, Bug::DiesOnDeep) && body.len() > 200_000 {
        return Some(body);
    }
    let mut status = "200 OK";
    let mut doc;
    if kind == Kind::DeepEcho && body.len() > 200_000 {
        // Echo the deep param textually: [param], as the echo method does.
        let text = String::from_utf8_lossy(&body);
        let inner = text
            .split_once("<param>")
            .and_then(|(_, r)| r.rsplit_once("</param>"))
            .map_or("", |(v, _)| v);
        doc = format!("<?xml version=\"1.0\"?><methodResponse><params><param><value><array><data>{inner}</data></array></value></param></params></methodResponse>");
    } else {
        let reply = match xmlrpc::decode(&body) {
            Ok(Message::Call(_))
                if bug(kind, Bug::NeedsParams) && !body.windows(8).any(|w| w == b"<params>") =>
            {
                fault(kind, -32602, "no params".into())
            }
            Ok(Message::Call(c)) => {
                let method = c.method.to_string();
                let params = c.params.into_iter().map(Value::into_owned).collect();
                answer(kind, &method, params)
            }
            Ok(_) => fault(kind, -32600, "server error. invalid xml-rpc".into()),
            Err(_) if bug(kind, Bug::ResultForMalformed) => {
                Message::Response(MethodResponse::new(Value::String("ok".into())))
            }
            Err(_) if bug(kind, Bug::Status500ForMalformed) => {
                let _ =
                    s.write_all(b"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n");
                return Some(body);
            }
            Err(e) => fault(kind, e.code().into(), e.to_string()),
        };
        let is_fault = matches!(reply, Message::Fault(_));
        let bytes = if kind == Kind::Unusual {
            reply.to_vec_pretty()
        } else {
            reply.to_vec()
        };
        doc = String::from_utf8(bytes).unwrap();
        if is_fault && bug(kind, Bug::FaultWith500) {
            status = "500 Internal Server Error";
        }
        if is_fault && bug(kind, Bug::FaultExtraMember) {
            doc = doc.replace(
                "</struct>",
                "<member><name>faultDetail</name><value><string>x</string></value></member></struct>",
            );
        }
        if is_fault && bug(kind, Bug::FaultCodeString) {
            let at = doc.find("<name>faultCode</name>").unwrap();
            let (head, tail) = doc.split_at(at);
            doc = format!(
                "{head}{}",
                tail.replacen("<int>", "<string>", 1)
                    .replacen("</int>", "</string>", 1)
            );
        }
        if !is_fault && bug(kind, Bug::TwoParams) {
            doc = doc.replace(
                "</param>",
                "</param><param><value><int>0</int></value></param>",
            );
        }
        if bug(kind, Bug::ExponentDouble) {
            doc = retext(&doc, "double", |x| {
                format!("{:E}", x.parse::<f64>().unwrap())
            });
        }
    }
    let ctype = match kind {
        Kind::Unusual => "text/xml; charset=utf-8",
        Kind::Bug(Bug::WrongContentType) => "application/xml",
        _ => "text/xml",
    };
    let version = if kind == Kind::Unusual { "1.0" } else { "1.1" };
    let length = if bug(kind, Bug::NoContentLength) {
        "Connection: close\r\n".to_string()
    } else {
        format!("Content-Length: {}\r\n", doc.len())
    };
    let all = format!("HTTP/{version} {status}\r\nContent-Type: {ctype}\r\n{length}\r\n{doc}");
    if kind == Kind::Unusual {
        s.set_nodelay(true).ok();
        for piece in all.as_bytes().chunks(7) {
            if s.write_all(piece).and_then(|_| s.flush()).is_err() {
                break;
            }
        }
    } else {
        let _ = s.write_all(all.as_bytes());
    }
    Some(body)
}

/// Runs the whole suite (MUST cases; every case with `strict`) against `kind` through the
/// CLI's entry point: the exit status and the report.
fn check(kind: Kind, strict: bool) -> (i32, String) {
    let addr = fake_server(kind);
    let opts = live::LiveOptions {
        timeout: Duration::from_secs(2),
        selection: Selection {
            strict,
            ..Default::default()
        },
        ..Default::default()
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = live::check_xmlrpc_server(
        Some(&format!("http://{addr}/RPC2")),
        Some("echo"),
        &opts,
        &mut out,
        &mut err,
    );
    (code, String::from_utf8_lossy(&out).into_owned())
}

#[test]
fn every_fault_is_caught_by_its_case_and_unusual_correct_servers_pass() {
    let mut caught = 0;
    for &(b, id) in FAULTS {
        let (code, report) = check(Kind::Bug(b), false);
        assert_eq!(code, 1, "{b:?}: the run must fail\n{report}");
        assert!(
            report.contains(&format!("✗ {id} ")),
            "{b:?}: not caught by {id}\n{report}"
        );
        caught += 1;
    }
    let mut false_positives = Vec::new();
    for &kind in UNUSUAL {
        let (code, report) = check(kind, true);
        if code != 0 {
            false_positives.push(format!("{kind:?}:\n{report}"));
        }
        assert!(report.contains(" 0 failed"), "{kind:?}\n{report}");
    }
    assert!(false_positives.is_empty(), "{}", false_positives.join("\n"));
    // docs/live/README.md states these figures.
    let readme = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../docs/live/README.md"
    ))
    .unwrap();
    let line = format!(
        "XML-RPC: {caught} of {} faults caught by their case; 0 of {} correct servers failed",
        FAULTS.len(),
        UNUSUAL.len()
    );
    assert!(
        readme.contains(&line),
        "docs/live/README.md must say: {line}"
    );
    let heading = format!(
        "### XML-RPC (`xmlrpc-server/*`, <!-- count live/xmlrpc-server -->{} cases<!-- /count -->)",
        live_xmlrpc::cases().len()
    );
    assert!(
        readme.contains(&heading),
        "docs/live/README.md must say: {heading}"
    );
}

#[test]
fn the_deep_echo_passes_deep_nesting() {
    let addr = fake_server(Kind::DeepEcho);
    // 800 KB each way, decoded 20 000 deep in a debug build: bounded, but not by 4 timeouts.
    let t = live_xmlrpc::Target::new(&format!("http://{addr}/RPC2"), Some("echo"), TIMEOUT * 4)
        .unwrap();
    let r = common::run_one(
        &live_xmlrpc::cases(),
        &t,
        "xmlrpc-server/limits/deep-nesting",
        TIMEOUT * 40,
    );
    assert_eq!(r.verdict, Verdict::Passed, "{}", r.observed);
    assert!(r.observed.contains("echoed whole"), "{}", r.observed);
}

#[test]
fn an_unreachable_server_is_one_error_and_exit_2() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port(); // closed again: nothing listens there
    let opts = live::LiveOptions {
        timeout: TIMEOUT,
        ..Default::default()
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let url = format!("http://127.0.0.1:{port}/RPC2");
    let code = live::check_xmlrpc_server(Some(&url), Some("echo"), &opts, &mut out, &mut err);
    assert_eq!(code, 2);
    let err = String::from_utf8_lossy(&err);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("cannot connect"), "{err}");
    assert!(out.is_empty());
}

/// The committed-runs table in docs/live/README.md says what each XML-RPC and MessagePack-RPC
/// report's summary line says (the figures are copied from the reports, and checked here).
#[test]
fn the_readme_table_matches_the_committed_reports() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/live");
    let readme = std::fs::read_to_string(format!("{dir}/README.md")).unwrap();
    let mut checked = 0;
    for row in readme
        .lines()
        .filter(|l| l.starts_with("| `xmlrpc-") || l.starts_with("| `msgpack-rpc-"))
    {
        let cells: Vec<&str> = row.split('|').map(str::trim).collect();
        let file = cells[1].trim_matches('`');
        let report = std::fs::read_to_string(format!("{dir}/{file}")).unwrap();
        // The counting line ("N passed, N failed, ..."), above the verdict banner.
        let summary = report
            .lines()
            .rev()
            .find(|l| l.contains(" passed, ") && l.contains(" failed"))
            .unwrap();
        let n = |word: &str| {
            summary
                .split(", ")
                .find(|p| p.contains(word))
                .and_then(|p| p.split(' ').next())
                .unwrap()
                .to_string()
        };
        // "3 failed (3 baselined)" in the report, "3 (3 baselined)" in the table.
        let failed = summary
            .split(", ")
            .find(|p| p.contains("failed"))
            .unwrap()
            .replace(" failed", "");
        let want = [
            n("passed"),
            failed,
            n("non-strict"),
            n("informational"),
            n("unimplemented"),
        ];
        assert_eq!(
            &cells[3..8],
            &want.each_ref().map(String::as_str),
            "{file}: {summary}"
        );
        checked += 1;
    }
    assert_eq!(checked, 4);
}
