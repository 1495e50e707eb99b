//! Client mode for MessagePack-RPC (`msgwire check msgpack-rpc-client`): the suite against
//! in-process clients built on msgwire's codec (a conforming one that must pass every case, and
//! broken ones that must fail with the expected case ids), and, ignored unless installed,
//! against msgpack-rpc-python's client and pynvim (`.ci/peers/clients.sh`).
#![cfg(feature = "msgpack-rpc")]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use msgwire::msgpack_rpc::{Message, OwnedMessage, Value};
use msgwire::Decoded;
use msgwire_conformance::live::client::{Driver, Invocation, Target};
use msgwire_conformance::live::msgpack_rpc_client::{from_json, to_json};
use msgwire_conformance::live::{self, msgpack_rpc_client, CaseResult, Selection, Verdict};
use serde_json::{json, Value as Json};

const TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Flaw {
    None,
    /// Every request carries msgid 0.
    SameMsgid,
    /// Responses are taken in arrival order, whatever their msgid.
    ArrivalOrder,
    /// The first message that comes back is taken as the response.
    FirstMessage,
    /// An error response surfaces its error as the result.
    ErrorAsResult,
}

fn emit(w: &mut dyn Write, v: Json) {
    let _ = writeln!(w, "{v}");
}

fn client(flaw: Flaw, inv: &Invocation, w: &mut dyn Write) {
    if inv.scenario == "hello" {
        emit(
            w,
            json!({"event":"hello","library":"in-process msgpack-rpc","version":format!("{flaw:?}")}),
        );
        return;
    }
    let plan: Json = serde_json::from_str(&inv.plan).unwrap();
    let Ok(mut s) = TcpStream::connect_timeout(&inv.addr, Duration::from_secs(2)) else {
        return emit(w, json!({"event":"raised","why":"connect"}));
    };
    let calls = plan["calls"].as_array().unwrap().clone();
    let params = |c: &Json| {
        c["params"]
            .as_array()
            .unwrap()
            .iter()
            .map(from_json)
            .collect::<Vec<Value>>()
    };
    if plan["notify"].as_bool().unwrap_or(false) {
        let _ = s.write_all(
            &OwnedMessage::notification(calls[0]["method"].as_str().unwrap(), params(&calls[0]))
                .to_vec(),
        );
        return emit(w, json!({"event":"sent"}));
    }
    let mut ids = Vec::new();
    for (i, c) in calls.iter().enumerate() {
        let msgid = if flaw == Flaw::SameMsgid {
            0
        } else {
            i as u32 + 100
        };
        ids.push(msgid);
        let _ = s.write_all(
            &OwnedMessage::request(msgid, c["method"].as_str().unwrap(), params(c)).to_vec(),
        );
    }
    let mut done = vec![false; calls.len()];
    let mut arrived = 0;
    let mut buf = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(1);
    while done.iter().any(|d| !d) && Instant::now() < deadline {
        match Message::decode(&buf) {
            Ok(Decoded::Complete { value, used }) => {
                let m = value.into_owned();
                buf.drain(..used);
                let (msgid, error, result) = match (&m, flaw) {
                    (
                        OwnedMessage::Response {
                            msgid,
                            error,
                            result,
                        },
                        _,
                    ) => (*msgid, error.clone(), result.clone()),
                    (_, Flaw::FirstMessage) => (ids[0], Value::Nil, Value::from("not a response")),
                    _ => continue,
                };
                let call = match flaw {
                    Flaw::ArrivalOrder => Some(arrived),
                    _ => ids.iter().position(|&id| id == msgid).filter(|&i| !done[i]),
                };
                arrived += 1;
                let Some(i) = call.filter(|&i| i < done.len()) else {
                    continue;
                };
                done[i] = true;
                if error != Value::Nil && flaw != Flaw::ErrorAsResult {
                    emit(w, json!({"event":"error","call":i,"error":to_json(&error)}));
                } else if error != Value::Nil {
                    emit(
                        w,
                        json!({"event":"result","call":i,"value":to_json(&error)}),
                    );
                } else {
                    emit(
                        w,
                        json!({"event":"result","call":i,"value":to_json(&result)}),
                    );
                }
                continue;
            }
            Ok(Decoded::NeedMore { .. }) => {}
            Err(e) => return emit(w, json!({"event":"raised","why":e.to_string()})),
        }
        s.set_read_timeout(Some(
            deadline
                .saturating_duration_since(Instant::now())
                .max(Duration::from_millis(1)),
        ))
        .ok();
        let mut chunk = [0u8; 4096];
        match s.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(_) => {}
        }
    }
    for (i, d) in done.iter().enumerate() {
        if !d {
            emit(w, json!({"event":"raised","call":i,"why":"timeout"}));
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

fn run(t: &Target) -> Vec<CaseResult> {
    live::run(
        &msgpack_rpc_client::cases(),
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
    assert_eq!(results.len(), msgpack_rpc_client::cases().len());
    for r in &results {
        assert_eq!(r.verdict, Verdict::Passed, "{}: {}", r.id, r.observed);
    }
}

#[test]
fn broken_clients_fail_with_the_expected_case_ids() {
    let expect: &[(Flaw, &[&str])] = &[
        (
            Flaw::SameMsgid,
            &[
                "msgpack-rpc-client/msgid/unique-and-matched",
                "msgpack-rpc-client/stream/concurrent-interleaved",
            ],
        ),
        (
            Flaw::ArrivalOrder,
            &[
                "msgpack-rpc-client/msgid/unique-and-matched",
                "msgpack-rpc-client/stream/concurrent-interleaved",
                "msgpack-rpc-client/response/unknown-msgid",
            ],
        ),
        (
            Flaw::FirstMessage,
            &[
                "msgpack-rpc-client/stream/notifications-interleaved",
                "msgpack-rpc-client/stream/server-request-interleaved",
                "msgpack-rpc-client/stream/concurrent-interleaved",
            ],
        ),
        (
            Flaw::ErrorAsResult,
            &[
                "msgpack-rpc-client/error/array",
                "msgpack-rpc-client/error/string",
            ],
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
    let code = live::check_msgpack_rpc_client(Some(driver), &o, &mut out, &mut err);
    let (out, err) = (String::from_utf8_lossy(&out), String::from_utf8_lossy(&err));
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("stale"), "{out}");
}

fn peers() -> String {
    std::env::var("MSGWIRE_CLIENTS_DIR").unwrap_or_else(|_| "/tmp/msgwire-peers/clients".into())
}

#[test]
#[ignore = "needs msgpack-rpc-python (.ci/peers/clients.sh)"]
fn python_msgpack_rpc() {
    real(
        &format!(
            "{}/venv-rpc/bin/python {}/adapters/clients/msgpack_rpc_python_client.py",
            peers(),
            env!("CARGO_MANIFEST_DIR")
        ),
        "msgpack-rpc-client-python.baseline",
    );
}

#[test]
#[ignore = "needs pynvim (.ci/peers/clients.sh)"]
fn pynvim() {
    real(
        &format!(
            "{}/venv/bin/python {}/adapters/clients/msgpack_rpc_pynvim_client.py",
            peers(),
            env!("CARGO_MANIFEST_DIR")
        ),
        "msgpack-rpc-client-pynvim.baseline",
    );
}
