//! Client mode for XML-RPC (`msgwire check xmlrpc-client`): the suite against in-process
//! clients built on msgwire's codec (a conforming one that must pass every case, and broken
//! ones that must fail with the expected case ids), and, ignored unless they are installed,
//! against Python's xmlrpc.client and the npm xmlrpc client (`.ci/peers/clients.sh`).
#![cfg(feature = "xmlrpc")]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use msgwire::xmlrpc::{self, Base64, DateTime, Member, Message, MethodCall, Profile, Value};
use msgwire_conformance::live::client::{Driver, Invocation, Target};
use msgwire_conformance::live::xmlrpc_client::tagged;
use msgwire_conformance::live::{self, xmlrpc_client, CaseResult, Selection, Verdict};
use serde_json::{json, Value as Json};

const TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Flaw {
    None,
    /// Writes string params without escaping `<` and `&`.
    NoEscapes,
    /// Sends any integer as `<int>`, 32 bits or not.
    WideInts,
    /// Reads responses with the lenient decoder and takes the first param.
    FirstParam,
    /// Reads the body up to the close, however short of its Content-Length.
    IgnoreContentLength,
}

fn emit(w: &mut dyn Write, v: Json) {
    let _ = writeln!(w, "{v}");
}

fn value(v: &Json) -> Value<'static> {
    let (tag, x) = v.as_object().unwrap().iter().next().unwrap();
    match tag.as_str() {
        "int" => match i32::try_from(x.as_i64().unwrap()) {
            Ok(n) => Value::Int(n),
            Err(_) => Value::I8(x.as_i64().unwrap()),
        },
        "boolean" => Value::Boolean(x.as_bool().unwrap()),
        "double" => Value::Double(x.as_f64().unwrap()),
        "string" => Value::String(x.as_str().unwrap().to_string().into()),
        "dateTime" => Value::DateTime(DateTime::from_text(x.as_str().unwrap().to_string())),
        "base64" => Value::Base64(Base64::from_text(x.as_str().unwrap().to_string())),
        "array" => Value::Array(x.as_array().unwrap().iter().map(value).collect()),
        "struct" => Value::Struct(
            x.as_object()
                .unwrap()
                .iter()
                .map(|(k, y)| Member::new(k.clone(), value(y)))
                .collect(),
        ),
        _ => Value::Nil,
    }
}

fn client(flaw: Flaw, inv: &Invocation, w: &mut dyn Write) {
    if inv.scenario == "hello" {
        emit(
            w,
            json!({"event":"hello","library":"in-process xmlrpc","version":format!("{flaw:?}")}),
        );
        return;
    }
    let plan: Json = serde_json::from_str(&inv.plan).unwrap();
    let params: Vec<Value<'static>> = plan["params"]
        .as_array()
        .unwrap()
        .iter()
        .map(value)
        .collect();
    if flaw != Flaw::WideInts && params.iter().any(|p| matches!(p, Value::I8(_))) {
        return emit(w, json!({"event":"raised","why":"int exceeds 32 bits"}));
    }
    let call = Message::Call(MethodCall::new(
        plan["method"].as_str().unwrap().to_string(),
        params.clone(),
    ));
    let mut body = String::from_utf8(call.to_vec()).unwrap();
    match flaw {
        Flaw::NoEscapes => {
            for p in &params {
                if let Value::String(s) = p {
                    let escaped = String::from_utf8(
                        Message::Call(MethodCall::new("x", vec![p.clone()])).to_vec(),
                    )
                    .unwrap();
                    let start = escaped.find("<string>").unwrap() + 8;
                    let end = escaped.find("</string>").unwrap();
                    body = body.replace(&escaped[start..end], s);
                }
            }
        }
        Flaw::WideInts => {
            body = body.replace("<i8>", "<int>").replace("</i8>", "</int>");
        }
        _ => {}
    }
    let Ok(mut s) = TcpStream::connect_timeout(&inv.addr, Duration::from_secs(2)) else {
        return emit(w, json!({"event":"raised","why":"connect"}));
    };
    s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let _ = s.write_all(
        format!("POST /RPC2 HTTP/1.1\r\nHost: {}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n{body}", inv.addr, body.len()).as_bytes(),
    );
    let mut raw = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(2);
    let mut chunk = [0u8; 65536];
    while Instant::now() < deadline {
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => break,
            Ok(n) => raw.extend_from_slice(&chunk[..n]),
        }
    }
    let Some(end) = raw.windows(4).position(|x| x == b"\r\n\r\n") else {
        return emit(w, json!({"event":"raised","why":"no response head"}));
    };
    let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    let mut doc = raw[end + 4..].to_vec();
    if doc.len() < len && flaw != Flaw::IgnoreContentLength {
        return emit(w, json!({"event":"raised","why":"short body"}));
    }
    if flaw == Flaw::IgnoreContentLength && doc.len() < len {
        // Whatever text came is "the string".
        return emit(
            w,
            json!({"event":"result","value":{"string": String::from_utf8_lossy(&doc)}}),
        );
    }
    doc.truncate(len);
    let profile = if flaw == Flaw::FirstParam {
        Profile::Lenient
    } else {
        Profile::Strict
    };
    match xmlrpc::decode_with(&doc, profile, &xmlrpc::Limits::default()) {
        Ok(Message::Response(r)) => match r.params.first() {
            Some(v) => emit(w, json!({"event":"result","value":tagged(v)})),
            None => emit(w, json!({"event":"raised","why":"no param"})),
        },
        Ok(Message::Fault(f)) => emit(
            w,
            json!({"event":"fault","code":f.code().0,"string":f.string()}),
        ),
        Ok(Message::Call(_)) => emit(w, json!({"event":"raised","why":"a methodCall"})),
        Err(e) => emit(w, json!({"event":"raised","why":e.to_string()})),
    }
}

fn target(flaw: Flaw) -> Target {
    Target {
        driver: Driver::InProcess(Arc::new(move |inv: &Invocation, w: &mut dyn Write| {
            client(flaw, inv, w)
        })),
        timeout: TIMEOUT,
    }
}

fn run(t: &Target) -> Vec<CaseResult> {
    live::run(
        &xmlrpc_client::cases(),
        t,
        &Selection {
            strict: true,
            ..Default::default()
        },
    )
}

#[test]
fn a_conforming_client_passes_every_case() {
    let results = run(&target(Flaw::None));
    assert_eq!(results.len(), xmlrpc_client::cases().len());
    for r in &results {
        assert_eq!(r.verdict, Verdict::Passed, "{}: {}", r.id, r.observed);
    }
}

#[test]
fn broken_clients_fail_with_the_expected_case_ids() {
    let expect: &[(Flaw, &[&str])] = &[
        (Flaw::NoEscapes, &["xmlrpc-client/request/string-escapes"]),
        (Flaw::WideInts, &["xmlrpc-client/request/int-out-of-range"]),
        (Flaw::FirstParam, &["xmlrpc-client/response/two-params"]),
        (
            Flaw::IgnoreContentLength,
            &["xmlrpc-client/transport/closed-mid-response"],
        ),
    ];
    for (flaw, ids) in expect {
        let results = run(&target(*flaw));
        let failed: Vec<&str> = results
            .iter()
            .filter(|r| r.verdict == Verdict::Failed)
            .map(|r| r.id)
            .collect();
        assert_eq!(
            failed,
            *ids,
            "{flaw:?}: {:#?}",
            results
                .iter()
                .filter(|r| r.verdict == Verdict::Failed)
                .map(|r| (r.id, &r.observed))
                .collect::<Vec<_>>()
        );
    }
}

fn real(driver: &str, baseline: &str) {
    let o = live::LiveOptions {
        timeout: Duration::from_secs(10),
        baseline: Some(format!("{}/../docs/live/{baseline}", env!("CARGO_MANIFEST_DIR")).into()),
        selection: Selection {
            strict: true,
            ..Default::default()
        },
        ..Default::default()
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = live::check_xmlrpc_client(Some(driver), &o, &mut out, &mut err);
    let (out, err) = (String::from_utf8_lossy(&out), String::from_utf8_lossy(&err));
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("stale"), "{out}");
}

fn peers() -> String {
    std::env::var("MSGWIRE_CLIENTS_DIR").unwrap_or_else(|_| "/tmp/msgwire-peers/clients".into())
}

#[test]
#[ignore = "needs python3 (.ci/peers/clients.sh)"]
fn python_xmlrpc_client() {
    real(
        &format!(
            "python3 {}/adapters/clients/xmlrpc_python_client.py",
            env!("CARGO_MANIFEST_DIR")
        ),
        "xmlrpc-client-python.baseline",
    );
}

#[test]
#[ignore = "needs node and the xmlrpc npm package (.ci/peers/clients.sh)"]
fn npm_xmlrpc() {
    real(
        &format!(
            "env NODE_PATH={}/node_modules node {}/adapters/clients/xmlrpc_npm_client.js",
            peers(),
            env!("CARGO_MANIFEST_DIR")
        ),
        "xmlrpc-client-npm-xmlrpc.baseline",
    );
}
