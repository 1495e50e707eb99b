//! `msgwire fuzz xmlrpc-server`, `msgwire fuzz msgpack-rpc-server`, `msgwire fuzz
//! amqp-server`: against in-process servers that are correct (no finding) or break one
//! invariant each (found, minimized, written as a wire script that `--replay` sends again).
//! Everything listens on loopback, every run is bounded in inputs and time.

mod common;
mod fake_amqp;

use common::{fuzz_server, text};
use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::PathBuf;
use std::process::Output;
use std::time::Duration;

fn scratch(name: &str) -> PathBuf {
    common::scratch("msgwire-fuzz-servers", name)
}

fn both(o: &Output) -> String {
    format!("{}{}", text(&o.stdout), text(&o.stderr))
}

/// The wire scripts written under `dir/<mode>/`.
fn scripts(dir: &std::path::Path, mode: &str) -> Vec<(PathBuf, Value)> {
    let mut v: Vec<(PathBuf, Value)> = std::fs::read_dir(dir.join(mode))
        .map(|r| {
            r.map(|e| {
                let p = e.unwrap().path();
                let doc = serde_json::from_slice(&std::fs::read(&p).unwrap()).unwrap();
                (p, doc)
            })
            .collect()
        })
        .unwrap_or_default();
    v.sort_by(|a, b| a.0.cmp(&b.0));
    v
}

/// How a test server goes wrong.
#[derive(Clone, Copy, PartialEq)]
enum Bug {
    /// It does not.
    None,
    /// It takes what it cannot read (XML-RPC: a successful response to an input that is no
    /// methodCall; MessagePack-RPC: a response to a notification).
    TakesInvalid,
    /// Two kinds of wrong reply (XML-RPC: a call's fault comes with HTTP 403, and an input that
    /// is no methodCall's with HTTP 500; MessagePack-RPC: a request with an even msgid is answered
    /// twice, one with an odd msgid with another msgid).
    WrongReplies,
}

/// An XML-RPC server over HTTP on a loopback port, in this process, built on msgwire's
/// codec: `echo` returns its params as an array, every other method faults, and an input that
/// is no methodCall gets a fault (200 OK). See [`Bug`] for how it goes wrong.
fn xmlrpc_server(bug: Bug) -> String {
    use msgwire::xmlrpc::{decode_with, Fault, Limits, Message, MethodResponse, Profile, Value};
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/RPC2", l.local_addr().unwrap());
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            let Some(body) = common::read_request(&mut s) else {
                continue;
            };
            let mut status = "200 OK";
            let reply = match decode_with(&body, Profile::Lenient, &Limits::default()) {
                Ok(Message::Call(_)) if bug == Bug::WrongReplies => {
                    status = "403 Forbidden";
                    Message::Fault(Fault::new(-32601, "no such method"))
                }
                Ok(Message::Call(c)) if c.method == "echo" => {
                    Message::Response(MethodResponse::new(Value::Array(c.params)))
                }
                Ok(Message::Call(_)) => Message::Fault(Fault::new(-32601, "no such method")),
                _ if bug == Bug::TakesInvalid => {
                    Message::Response(MethodResponse::new(Value::Boolean(true)))
                }
                _ => {
                    if bug == Bug::WrongReplies {
                        status = "500 Internal Server Error";
                    }
                    Message::Fault(Fault::new(-32700, "not a methodCall"))
                }
            }
            .to_vec();
            let _ = s
                .write_all(
                    format!(
                        "HTTP/1.1 {status}\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n",
                        reply.len()
                    )
                    .as_bytes(),
                )
                .and_then(|_| s.write_all(&reply));
        }
    });
    url
}

#[test]
fn fuzz_xmlrpc_server_clean_buggy_minimized_replayed() {
    let dir = scratch("xmlrpc");
    let good = xmlrpc_server(Bug::None);
    let json = dir.join("good.json");
    let o = fuzz_server(
        "xmlrpc-server",
        &good,
        &[
            "--echo-method",
            "echo",
            "--runs",
            "300",
            "--json",
            json.to_str().unwrap(),
            "--out",
            dir.join("good").to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", both(&o));
    let rep: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    assert_eq!(rep["title"], "fuzz xmlrpc-server");
    assert!(!dir.join("good").exists());

    let bad = xmlrpc_server(Bug::TakesInvalid);
    let found = dir.join("found");
    let o = fuzz_server(
        "xmlrpc-server",
        &bad,
        &[
            "--echo-method",
            "echo",
            "--runs",
            "300",
            "--out",
            found.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", both(&o));
    assert!(
        text(&o.stdout).contains("xmlrpc-server:accepted-invalid"),
        "{}",
        both(&o)
    );
    // One script per kind of input our decoder refuses (accepted-invalid:<kind>).
    let mut s = scripts(&found, "xmlrpc-server");
    assert!(s.len() >= 3, "{s:?}");
    assert!(s.iter().all(|(_, d)| d["class"] == "accepted-invalid"));
    assert!(s.iter().all(|(_, d)| d["signature"]
        .as_str()
        .unwrap()
        .starts_with("xmlrpc-server:accepted-invalid:")));
    // Minimized: a few bytes of not-XML-RPC, not the seed document.
    let len = |d: &Value| {
        let x = &d["send"][0];
        x["text"]
            .as_str()
            .map(str::len)
            .unwrap_or_else(|| x["hex"].as_str().unwrap().len() / 2)
    };
    s.sort_by_key(|(_, d)| len(d));
    assert!(len(&s[0].1) <= 16, "{:?}", s[0].1);
    let replay = |url: &str| {
        fuzz_server(
            "xmlrpc-server",
            url,
            &["--replay", s[0].0.to_str().unwrap()],
        )
    };
    let again = replay(&bad);
    assert_eq!(again.status.code(), Some(1), "{}", both(&again));
    assert!(
        text(&again.stdout).contains("FAILED accepted-invalid"),
        "{}",
        both(&again)
    );
    assert_eq!(replay(&good).status.code(), Some(0));

    // Options another protocol's target takes are refused; nobody there is exit 2.
    let o = fuzz_server(
        "xmlrpc-server",
        &good,
        &["--framing", "ndjson", "--runs", "5"],
    );
    assert_eq!(o.status.code(), Some(2), "{}", both(&o));
    let o = fuzz_server("xmlrpc-server", "http://127.0.0.1:9/", &["--runs", "5"]);
    assert_eq!(o.status.code(), Some(2), "{}", both(&o));
}

/// An XML-RPC server over HTTP on a loopback port that dies of any methodResponse it is sent
/// (as the npm xmlrpc server dies of an empty fault): that connection is closed without a
/// reply and the port stops listening, until the file `revive` appears (what the test's
/// `--restart` command makes), when it listens again on the same port. Calls get a fault.
fn dying_xmlrpc_server(revive: PathBuf) -> String {
    use msgwire::xmlrpc::{decode_with, Fault, Limits, Message, Profile};
    let first = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = first.local_addr().unwrap();
    std::thread::spawn(move || {
        let mut listener = Some(first);
        loop {
            let Some(l) = &listener else {
                if std::fs::remove_file(&revive).is_ok() {
                    listener = Some(TcpListener::bind(addr).unwrap());
                } else {
                    std::thread::sleep(Duration::from_millis(10));
                }
                continue;
            };
            l.set_nonblocking(true).unwrap();
            let mut s = match l.accept() {
                Ok((s, _)) => s,
                Err(_) => {
                    std::thread::sleep(Duration::from_millis(2));
                    continue;
                }
            };
            s.set_nonblocking(false).unwrap();
            let Some(body) = common::read_request(&mut s) else {
                continue;
            };
            let reply = match decode_with(&body, Profile::Lenient, &Limits::default()) {
                Ok(Message::Response(_) | Message::Fault(_)) => {
                    listener = None;
                    continue;
                }
                _ => Message::Fault(Fault::new(-32601, "no such method")).to_vec(),
            };
            let _ = s
                .write_all(
                    format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: {}\r\n\r\n",
                        reply.len()
                    )
                    .as_bytes(),
                )
                .and_then(|_| s.write_all(&reply));
        }
    });
    format!("http://{addr}/RPC2")
}

/// `--restart CMD`: a server that dies keeps being fuzzed (the run uses its whole budget, the
/// restarts are counted in the report), the input that killed it is minimized through
/// restarts and replays; without `--restart` the run ends at the death; a restart that does
/// not bring the server back ends the run with exit 2 even when the death is baselined.
#[test]
fn fuzz_server_restarted_after_it_dies() {
    let dir = scratch("restart");
    let _ = std::fs::create_dir_all(&dir);
    let revive = dir.join("revive");
    let url = dying_xmlrpc_server(revive.clone());
    // Brings the server back by hand, and waits until it has taken the file (it listens then).
    let bring_back = || {
        std::fs::write(&revive, "").unwrap();
        for _ in 0..500 {
            if !revive.exists() {
                return;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        panic!("the fake did not come back");
    };
    let fuzz = |extra: &[&str], json: &PathBuf| {
        let mut args = vec![
            "--runs",
            "200",
            "--timeout",
            "2",
            "--json",
            json.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let o = fuzz_server("xmlrpc-server", &url, &args);
        let rep: Value = serde_json::from_slice(&std::fs::read(json).unwrap()).unwrap();
        let detail = rep["suites"][0]["items"][0]["detail"]
            .as_str()
            .unwrap()
            .to_string();
        (o, detail)
    };
    // Without --restart: one death, and the run ends there.
    let (o, detail) = fuzz(&[], &dir.join("once.json"));
    assert_eq!(o.status.code(), Some(1), "{}", both(&o));
    assert!(
        text(&o.stdout).contains("xmlrpc-server:server-down"),
        "{}",
        both(&o)
    );
    assert!(
        detail.contains("the run stopped before its budget"),
        "{detail}"
    );
    assert!(!text(&o.stdout).contains("200 inputs"), "{}", both(&o));
    bring_back();

    // With it: the whole budget, several deaths, the killer minimized and written.
    let restart = format!("touch {}", revive.display());
    let found = dir.join("found");
    let (o, detail) = fuzz(
        &["--restart", &restart, "--out", found.to_str().unwrap()],
        &dir.join("restarted.json"),
    );
    assert_eq!(o.status.code(), Some(1), "{}", both(&o));
    assert!(text(&o.stdout).contains("200 inputs"), "{}", both(&o));
    let restarts: u64 = detail
        .split("restarted ")
        .nth(1)
        .and_then(|r| r.split(' ').next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no restart count: {detail}"));
    assert!(restarts >= 2, "{detail}");
    let s = scripts(&found, "xmlrpc-server");
    let (file, down) = s
        .iter()
        .find(|(_, d)| d["class"] == "server-down")
        .unwrap_or_else(|| panic!("no server-down script: {s:?}"));
    let sent = down["send"][0]["text"].as_str().unwrap().len();
    let original = down["x-fuzz"]["original_hex"].as_str().unwrap().len() / 2;
    assert!(sent < original, "not minimized: {sent} of {original} bytes");
    let again = fuzz_server("xmlrpc-server", &url, &["--replay", file.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(1), "{}", both(&again));
    assert!(
        text(&again.stdout).contains("FAILED server-down"),
        "{}",
        both(&again)
    );
    bring_back();

    // Baselined, but the restart fails: the run stopped early, which is not clean.
    let baseline = dir.join("baseline");
    std::fs::write(&baseline, "xmlrpc-server:server-down\n").unwrap();
    let (o, detail) = fuzz(
        &[
            "--restart",
            "false",
            "--baseline",
            baseline.to_str().unwrap(),
        ],
        &dir.join("failed.json"),
    );
    assert_eq!(o.status.code(), Some(2), "{}", both(&o));
    assert!(detail.contains("--restart after input"), "{detail}");
    assert!(both(&o).contains("the run stopped early"), "{}", both(&o));
}

/// A MessagePack-RPC server on a loopback TCP port, in this process, built on msgwire's
/// codec: a request gets `[1, msgid, nil, params]` for `echo` and an error for every other
/// method, a notification nothing, bytes it cannot read close the connection. See [`Bug`]
/// for how it goes wrong (a notification answered with msgid 0).
fn msgpack_rpc_server(bug: Bug) -> String {
    use msgwire::msgpack_rpc::{Limits, Message, OwnedMessage, Profile, Value};
    use msgwire::Decoded;
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("tcp://{}", l.local_addr().unwrap());
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            std::thread::spawn(move || {
                s.set_read_timeout(Some(Duration::from_secs(10))).ok();
                let mut buf = Vec::new();
                let mut chunk = [0u8; 65536];
                loop {
                    loop {
                        match Message::decode_with(&buf, &Limits::default(), Profile::Lenient) {
                            Ok(Decoded::Complete { value, used }) => {
                                let wrong = bug == Bug::WrongReplies;
                                let (reply, times) = match value {
                                    // Wrong: an even msgid answered twice, an odd one with
                                    // another msgid.
                                    Message::Request { msgid, .. } if wrong && msgid % 2 == 0 => {
                                        (Some(OwnedMessage::error(msgid, Value::from("no"))), 2)
                                    }
                                    Message::Request { msgid, .. } if wrong => {
                                        let id = msgid ^ 0x8000_0000;
                                        (Some(OwnedMessage::error(id, Value::from("no"))), 1)
                                    }
                                    Message::Request { msgid, method, .. }
                                        if method.as_str() == Some("echo") =>
                                    {
                                        (Some(OwnedMessage::result(msgid, Value::Nil)), 1)
                                    }
                                    Message::Request { msgid, .. } => (
                                        Some(OwnedMessage::error(msgid, Value::from("no method"))),
                                        1,
                                    ),
                                    Message::Notification { .. } if bug == Bug::TakesInvalid => {
                                        (Some(OwnedMessage::result(0, Value::Nil)), 1)
                                    }
                                    _ => (None, 0),
                                };
                                buf.drain(..used);
                                if let Some(r) = reply {
                                    for _ in 0..times {
                                        if s.write_all(&r.to_vec()).is_err() {
                                            return;
                                        }
                                    }
                                }
                            }
                            Ok(Decoded::NeedMore { .. }) => break,
                            Err(_) => return,
                        }
                    }
                    match s.read(&mut chunk) {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
            });
        }
    });
    url
}

#[test]
fn fuzz_msgpack_rpc_server_clean_buggy_minimized_replayed() {
    let dir = scratch("msgpack");
    let good = msgpack_rpc_server(Bug::None);
    let o = fuzz_server(
        "msgpack-rpc-server",
        &good,
        &[
            "--runs",
            "300",
            "--timeout",
            "2",
            "--out",
            dir.join("good").to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(0), "{}", both(&o));
    assert!(text(&o.stdout).contains("300 inputs"), "{}", both(&o));

    let bad = msgpack_rpc_server(Bug::TakesInvalid);
    let found = dir.join("found");
    let o = fuzz_server(
        "msgpack-rpc-server",
        &bad,
        &[
            "--runs",
            "300",
            "--timeout",
            "2",
            "--out",
            found.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", both(&o));
    assert!(
        text(&o.stdout).contains("msgpack-rpc-server:reply-to-notification"),
        "{}",
        both(&o)
    );
    let s = scripts(&found, "msgpack-rpc-server");
    assert_eq!(s.len(), 1, "{s:?}");
    // Minimized to a short notification: [2, method, params].
    let hex = s[0].1["send"][0]["hex"].as_str().unwrap();
    assert!(hex.starts_with("9302"), "{hex}");
    assert!(hex.len() <= 2 * 12, "{hex}");
    let replay = |url: &str| {
        fuzz_server(
            "msgpack-rpc-server",
            url,
            &["--replay", s[0].0.to_str().unwrap()],
        )
    };
    assert_eq!(replay(&bad).status.code(), Some(1));
    assert_eq!(replay(&good).status.code(), Some(0));
}

/// The signatures of the `wrong-reply` scripts `fuzz <mode>` wrote into `dir`, sorted.
fn wrong_reply_signatures(dir: &std::path::Path, mode: &str) -> Vec<String> {
    let mut v: Vec<String> = scripts(dir, mode)
        .iter()
        .filter(|(_, d)| d["class"] == "wrong-reply")
        .map(|(_, d)| d["signature"].as_str().unwrap().to_string())
        .collect();
    v.sort();
    v
}

/// A `wrong-reply` is keyed by what is wrong, so that two kinds are two signatures (two scripts,
/// two minimizations) and a baseline listing one does not hide the other.
#[test]
fn xmlrpc_and_msgpack_rpc_wrong_replies_are_keyed_by_what_is_wrong() {
    let dir = scratch("keyed");
    let url = xmlrpc_server(Bug::WrongReplies);
    let found = dir.join("xmlrpc");
    let fuzz = |extra: &[&str]| {
        let mut args = vec![
            "--echo-method",
            "echo",
            "--runs",
            "300",
            "--out",
            found.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        fuzz_server("xmlrpc-server", &url, &args)
    };
    let o = fuzz(&[]);
    assert_eq!(o.status.code(), Some(1), "{}", both(&o));
    assert_eq!(
        wrong_reply_signatures(&found, "xmlrpc-server"),
        [
            "xmlrpc-server:wrong-reply:fault-http-403",
            "xmlrpc-server:wrong-reply:fault-http-500"
        ],
        "{}",
        both(&o)
    );
    // A baseline that lists the HTTP 500 alone still fails the run on the 403.
    let baseline = dir.join("xmlrpc.baseline");
    std::fs::write(&baseline, "xmlrpc-server:wrong-reply:fault-http-500\n").unwrap();
    std::fs::remove_dir_all(&found).unwrap();
    let o = fuzz(&["--baseline", baseline.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1), "{}", both(&o));
    assert!(
        text(&o.stdout).contains("wrong-reply:fault-http-403"),
        "{}",
        both(&o)
    );

    let url = msgpack_rpc_server(Bug::WrongReplies);
    let found = dir.join("msgpack");
    let o = fuzz_server(
        "msgpack-rpc-server",
        &url,
        &[
            "--runs",
            "300",
            "--timeout",
            "2",
            "--out",
            found.to_str().unwrap(),
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{}", both(&o));
    assert_eq!(
        wrong_reply_signatures(&found, "msgpack-rpc-server"),
        [
            "msgpack-rpc-server:wrong-reply:msgid",
            "msgpack-rpc-server:wrong-reply:second"
        ],
        "{}",
        both(&o)
    );
}

#[test]
fn fuzz_amqp_server_clean_and_a_dropped_socket_found() {
    use fake_amqp::{Broker, Fault};
    let dir = scratch("amqp");
    // A correct broker: every refused frame gets connection.close with msgwire's code.
    let many = |fault: Option<Fault>| {
        let b = Broker {
            fault,
            connections: 4000,
            ..Broker::default()
        };
        format!("amqp://guest:guest@{}/", b.start())
    };
    let good = many(None);
    // A broker that drops the socket on an unknown method instead of connection.close 540.
    let bad = many(Some(Fault::UnknownMethodCrash));
    let found = dir.join("found");
    // Both runs at once: each mostly waits on its broker (30 s one after the other).
    let (o, bad_o) = std::thread::scope(|s| {
        let bad_run = s.spawn(|| {
            fuzz_server(
                "amqp-server",
                &bad,
                &[
                    "--runs",
                    "120",
                    "--timeout",
                    "2",
                    "--minimize-tries",
                    "40",
                    "--out",
                    found.to_str().unwrap(),
                ],
            )
        });
        let o = fuzz_server(
            "amqp-server",
            &good,
            &[
                "--runs",
                "120",
                "--timeout",
                "2",
                "--minimize-tries",
                "20",
                "--out",
                dir.join("good").to_str().unwrap(),
            ],
        );
        (o, bad_run.join().unwrap())
    });
    assert_eq!(o.status.code(), Some(0), "{}", both(&o));
    assert!(text(&o.stdout).contains("120 inputs"), "{}", both(&o));

    let o = bad_o;
    assert_eq!(o.status.code(), Some(1), "{}", both(&o));
    assert!(
        text(&o.stdout).contains("amqp-server:no-close"),
        "{}",
        both(&o)
    );
    let s = scripts(&found, "amqp-server");
    let nc = s
        .iter()
        .find(|(_, d)| d["class"] == "no-close")
        .expect("a no-close script");
    let hex = nc.1["send"][0]["hex"].as_str().unwrap();
    // One method frame (type 1), a few octets of arguments at most.
    assert!(hex.starts_with("01"), "{hex}");
    assert!(hex.len() <= 2 * 24, "{hex}");
    let replay = |url: &str| {
        fuzz_server(
            "amqp-server",
            url,
            &["--timeout", "2", "--replay", nc.0.to_str().unwrap()],
        )
    };
    let again = replay(&bad);
    assert!(
        text(&again.stdout).contains("FAILED no-close"),
        "{}",
        both(&again)
    );
    let fresh = many(None);
    assert_eq!(
        replay(&fresh).status.code(),
        Some(0),
        "{}",
        both(&replay(&fresh))
    );
}
