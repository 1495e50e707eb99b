//! Client mode (`msgwire check jsonrpc-client`): the suite against in-process clients on
//! loopback (a conforming one that must pass every case, and broken ones that must fail with
//! the expected case id), against a driver program that cannot start, and, ignored unless they
//! are installed, against the real client libraries `.ci/peers/clients.sh` installs.
#![cfg(feature = "jsonrpc")]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use msgwire_conformance::live::client::{Driver, Invocation, Target};
use msgwire_conformance::live::{self, jsonrpc_client, CaseResult, Selection, Verdict};
use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(3);

/// How an in-process client breaks the rules (None: it keeps them).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Flaw {
    None,
    /// Sends `"jsonrpc":"1.0"`.
    Version10,
    /// Gives notifications an id (null).
    IdOnNotification,
    /// Takes a batch's responses in the order they come, as if in the calls' order.
    MatchByPosition,
    /// Takes the one response of a single call whatever its id.
    IgnoreId,
    /// Compares ids by their text (`1` matches `"1"`).
    LooseIds,
    /// Reads the body up to the close, however short of its Content-Length.
    IgnoreContentLength,
    /// Keeps the last of two responses with one id.
    LastDuplicateWins,
}

fn emit(w: &mut dyn Write, v: Value) {
    let _ = writeln!(w, "{v}");
}

/// A small JSON-RPC 2.0 client over HTTP (std only), numbered ids 1, 2, ...
fn client(flaw: Flaw, inv: &Invocation, w: &mut dyn Write) {
    if inv.scenario == "hello" {
        emit(
            w,
            json!({"event":"hello","library":"in-process","version":format!("{flaw:?}")}),
        );
        return;
    }
    let plan: Value = serde_json::from_str(&inv.plan).unwrap();
    let calls = plan["calls"].as_array().unwrap().clone();
    let mut objs = Vec::new();
    let mut ids = Vec::new();
    for (i, c) in calls.iter().enumerate() {
        let mut o = json!({"jsonrpc": if flaw == Flaw::Version10 { "1.0" } else { "2.0" }, "method": c["method"]});
        if let Some(p) = c.get("params") {
            o["params"] = p.clone();
        }
        if c["notify"].as_bool().unwrap_or(false) {
            if flaw == Flaw::IdOnNotification {
                o["id"] = Value::Null;
            }
            ids.push(None);
        } else {
            o["id"] = json!(i + 1);
            ids.push(Some(json!(i + 1)));
        }
        objs.push(o);
    }
    let body = if plan["batch"].as_bool().unwrap_or(false) {
        Value::Array(objs)
    } else {
        objs.remove(0)
    };
    let raised = |w: &mut dyn Write, why: String| emit(w, json!({"event":"raised","why":why}));
    let Ok(mut s) = TcpStream::connect_timeout(&inv.addr, Duration::from_secs(2)) else {
        return raised(w, "connect".into());
    };
    s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    let text = body.to_string();
    let _ = s.write_all(
        format!(
            "POST / HTTP/1.1\r\nHost: {}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{text}",
            inv.addr,
            text.len()
        )
        .as_bytes(),
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
        return raised(w, "no response head".into());
    };
    let head = String::from_utf8_lossy(&raw[..end]).to_ascii_lowercase();
    let len: Option<usize> = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok());
    let mut body = raw[end + 4..].to_vec();
    let short = len.is_some_and(|n| body.len() < n);
    if let Some(n) = len {
        if body.len() < n && flaw != Flaw::IgnoreContentLength {
            return raised(w, format!("{} of {n} body bytes", body.len()));
        }
        body.truncate(n);
    }
    for (i, c) in calls.iter().enumerate() {
        if c["notify"].as_bool().unwrap_or(false) {
            emit(w, json!({"event":"sent","call":i}));
        }
    }
    if ids.iter().all(Option::is_none) {
        return;
    }
    if flaw == Flaw::IgnoreContentLength && short {
        // Reads what came as far as it parses: a truncated text "parses" to its prefix.
        let text = String::from_utf8_lossy(&body);
        if serde_json::from_str::<Value>(&text).is_err() {
            emit(
                w,
                json!({"event":"result","call":0,"value":text.to_string()}),
            );
            return;
        }
    }
    let reply: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return raised(w, format!("parse: {e}")),
    };
    let responses = match reply {
        Value::Array(a) => a,
        v => vec![v],
    };
    let mut taken = vec![false; ids.len()];
    for (pos, r) in responses.iter().enumerate() {
        let rid = r.get("id").cloned().unwrap_or(Value::Null);
        let call = match flaw {
            Flaw::MatchByPosition => ids
                .iter()
                .enumerate()
                .filter(|(_, id)| id.is_some())
                .nth(pos)
                .map(|(i, _)| i),
            Flaw::IgnoreId if ids.len() == 1 => Some(0),
            Flaw::LooseIds => ids.iter().position(|id| {
                id.as_ref().is_some_and(|id| {
                    id.to_string().trim_matches('"') == rid.to_string().trim_matches('"')
                })
            }),
            _ => ids.iter().position(|id| id.as_ref() == Some(&rid)),
        };
        let Some(i) = call else {
            raised(w, format!("a response with unknown id {rid}"));
            continue;
        };
        if taken[i] && flaw != Flaw::LastDuplicateWins {
            raised(w, format!("a second response for call {i}"));
            continue;
        }
        taken[i] = true;
        if let Some(e) = r.get("error") {
            emit(
                w,
                json!({"event":"error","call":i,"code":e["code"],"message":e["message"],"data":e.get("data")}),
            );
        } else {
            emit(
                w,
                json!({"event":"result","call":i,"value":r.get("result")}),
            );
        }
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

fn run(t: &Target, only: &[&str]) -> Vec<CaseResult> {
    live::run(
        &jsonrpc_client::cases(),
        t,
        &Selection {
            only: only.iter().map(|s| s.to_string()).collect(),
            strict: true,
            ..Default::default()
        },
    )
}

#[test]
fn a_conforming_client_passes_every_case() {
    let started = Instant::now();
    let results = run(&target(Flaw::None), &[]);
    assert_eq!(results.len(), jsonrpc_client::cases().len());
    for r in &results {
        // The fake reads a response holding both result and error (non-strict, a SHOULD);
        // everything else passes.
        if r.id == "jsonrpc-client/response/result-and-error" {
            assert_eq!(r.verdict, Verdict::NonStrict, "{}: {}", r.id, r.observed);
        } else {
            assert_eq!(r.verdict, Verdict::Passed, "{}: {}", r.id, r.observed);
        }
    }
    assert!(started.elapsed() < TIMEOUT * 2 * results.len() as u32);
}

/// Each broken client fails exactly the cases its flaw breaks.
#[test]
fn broken_clients_fail_with_the_expected_case_ids() {
    let expect: &[(Flaw, &[&str])] = &[
        (
            Flaw::Version10,
            &[
                "jsonrpc-client/request/well-formed",
                "jsonrpc-client/request/named-params",
                "jsonrpc-client/notification/no-id",
                "jsonrpc-client/batch/well-formed",
                "jsonrpc-client/batch/out-of-order",
                "jsonrpc-client/batch/duplicate-response",
                "jsonrpc-client/batch/missing-response",
            ],
        ),
        (
            Flaw::IdOnNotification,
            &[
                "jsonrpc-client/notification/no-id",
                "jsonrpc-client/batch/well-formed",
            ],
        ),
        (
            Flaw::MatchByPosition,
            &[
                "jsonrpc-client/batch/out-of-order",
                "jsonrpc-client/response/unknown-id",
                "jsonrpc-client/response/id-type-differs",
            ],
        ),
        (
            Flaw::IgnoreId,
            &[
                "jsonrpc-client/response/unknown-id",
                "jsonrpc-client/response/id-type-differs",
            ],
        ),
        (Flaw::LooseIds, &["jsonrpc-client/response/id-type-differs"]),
        (
            Flaw::IgnoreContentLength,
            &["jsonrpc-client/transport/closed-mid-response"],
        ),
        (
            Flaw::LastDuplicateWins,
            &["jsonrpc-client/batch/duplicate-response"],
        ),
    ];
    for (flaw, ids) in expect {
        let results = run(&target(*flaw), &[]);
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

#[test]
fn a_client_that_hangs_is_killed_at_the_timeout() {
    let t = Target {
        driver: Driver::Command("sleep 30 #".into()),
        timeout: Duration::from_millis(500),
    };
    let started = Instant::now();
    let r = run(&t, &["jsonrpc-client/request/well-formed"]);
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(r[0].verdict, Verdict::Failed, "{}", r[0].observed);
    assert!(
        r[0].observed.contains("did not connect") || r[0].observed.contains("hung"),
        "{}",
        r[0].observed
    );
}

#[test]
fn a_driver_that_cannot_start_is_exit_2_before_any_case() {
    let o = live::LiveOptions {
        timeout: Duration::from_secs(1),
        ..Default::default()
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = live::check_jsonrpc_client(
        Some("sh -c 'echo no such library >&2; exit 3' #"),
        &o,
        &mut out,
        &mut err,
    );
    let err = String::from_utf8(err).unwrap();
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert!(
        err.contains("exit 3") && err.contains("no such library"),
        "{err}"
    );
    // And with no --driver at all.
    let code = live::check_jsonrpc_client(None, &o, &mut Vec::new(), &mut Vec::new());
    assert_eq!(code, 2);
}

/// The real clients (installed by .ci/peers/clients.sh): their runs match their baselines.
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
    let code = live::check_jsonrpc_client(Some(driver), &o, &mut out, &mut err);
    let (out, err) = (String::from_utf8_lossy(&out), String::from_utf8_lossy(&err));
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("stale"), "{out}");
}

fn peers() -> String {
    std::env::var("MSGWIRE_CLIENTS_DIR").unwrap_or_else(|_| "/tmp/msgwire-peers/clients".into())
}

#[test]
#[ignore = "needs jsonrpcclient and requests (.ci/peers/clients.sh)"]
fn python_jsonrpcclient() {
    real(
        &format!(
            "{}/venv/bin/python {}/adapters/clients/jsonrpc_python_client.py",
            peers(),
            env!("CARGO_MANIFEST_DIR")
        ),
        "jsonrpc-client-python-jsonrpcclient.baseline",
    );
}

#[test]
#[ignore = "needs node and jayson (.ci/peers/clients.sh)"]
fn node_jayson() {
    real(
        &format!(
            "env NODE_PATH={}/node_modules node {}/adapters/clients/jsonrpc_jayson_client.js",
            peers(),
            env!("CARGO_MANIFEST_DIR")
        ),
        "jsonrpc-client-jayson.baseline",
    );
}
