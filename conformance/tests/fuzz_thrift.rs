//! `msgwire fuzz codec --protocol thrift`: our codec against itself runs clean under every
//! profile (unframed, framed, THeader), with inputs from all three generators; in-process
//! implementations with a Thrift bug are caught with the expected signature, minimized to a
//! few bytes that keep the frame around them consistent; the same seed gives the same run.
#![cfg(feature = "thrift")]

mod common;

use common::{run, text};
use msgwire_conformance::forms::{self, Decoding};
use msgwire_conformance::fuzz::{self, Budget, Plan};
use msgwire_conformance::runner::codec::Ours;
use msgwire_conformance::runner::{Attempt, EncodeAttempt, Implementation};
use msgwire_conformance::vectors::Corpus;
use serde_json::Value;

const BIN: &str = env!("CARGO_BIN_EXE_msgwire");

/// Our Thrift codec with one bug.
struct Buggy {
    bug: &'static str,
}

impl Implementation for Buggy {
    fn name(&self) -> String {
        format!("buggy {}", self.bug)
    }
    fn profiles(&self, protocol: &str) -> Option<Vec<String>> {
        forms::profiles(protocol).map(|p| p.iter().map(|s| s.to_string()).collect())
    }
    fn decode(&mut self, protocol: &str, profile: &str, input: &[u8]) -> Attempt {
        let mut d = forms::decode(protocol, input, profile).unwrap();
        match self.bug {
            // The seqid read as unsigned (a negative one comes out above i32::MAX).
            "seqid-unsigned" => {
                for doc in &mut d.docs {
                    if let Some(s) = doc.get("seqid").and_then(Value::as_i64) {
                        if s < 0 {
                            doc["seqid"] = Value::from(s as i32 as u32);
                        }
                    }
                }
            }
            // A binary bool other than 0 and 1 taken (as true) instead of refused.
            "lax-bool" if d.error.as_ref().is_some_and(|e| e.kind == "invalid-bool") => {
                d.error = None;
            }
            _ => {}
        }
        Attempt::Decoded(Decoding {
            docs: d.docs,
            error: d.error,
        })
    }
    fn encode(&mut self, _: &str, _: &str, _: &[Value]) -> EncodeAttempt {
        EncodeAttempt::Unsupported("decode only".into())
    }
    fn checks_error_kind(&self) -> bool {
        false
    }
    fn must_encode(&self) -> bool {
        false
    }
}

fn fuzz_in_process(bug: &'static str, profile: &str, seed: u64, runs: u64) -> fuzz::Outcome {
    let corpus = Corpus::embedded().unwrap();
    let plan = Plan {
        targets: fuzz::targets(&["thrift".to_string()], Some(profile)).unwrap(),
        budget: Budget {
            time: None,
            runs: Some(runs),
        },
        seed,
        minimize_tries: fuzz::minimize::MAX_TRIES,
        baseline: Default::default(),
    };
    let mut imp = Buggy { bug };
    let mut ours = Ours::default();
    fuzz::run(
        &corpus,
        &plan,
        &mut imp,
        &mut ours,
        &mut |_| {},
        &mut |_| {},
    )
}

#[test]
fn our_codec_against_itself_is_clean_under_every_profile() {
    for profile in ["strict", "lenient", "framed", "header"] {
        let o = fuzz_in_process("none", profile, 5, 1200);
        assert!(
            o.findings.is_empty(),
            "{profile}: {:?}",
            o.findings
                .first()
                .map(|f| (&f.disagreement, hex::encode(&f.input)))
        );
        let t = &o.tallies[0].2;
        assert_eq!(t.compared, 1200, "{profile}: {t:?}");
        // Each generator made inputs, and both verdicts were reached often.
        assert!(t.by_source.iter().all(|n| *n > 100), "{profile}: {t:?}");
        assert!(
            t.both_accepted > 200 && t.both_rejected > 200,
            "{profile}: {t:?}"
        );
    }
}

#[test]
fn a_seqid_bug_is_found_and_minimized_inside_its_frame() {
    for profile in ["strict", "framed", "header"] {
        let o = fuzz_in_process("seqid-unsigned", profile, 11, 1500);
        let f = o
            .findings
            .iter()
            .find(|f| f.disagreement.class == "wrong-value")
            .unwrap_or_else(|| panic!("{profile}: not found in {} runs", o.runs));
        assert_eq!(
            f.disagreement.signature,
            format!("thrift@{profile}:wrong-value:seqid")
        );
        // Our codec reads the minimized input, the frame length included, and a message of
        // it has the negative seqid.
        let d = forms::decode("thrift", &f.input, profile).unwrap();
        assert!(d.error.is_none(), "{profile}: {:?}", d.error);
        assert!(
            d.docs.iter().any(|m| m["seqid"].as_i64().unwrap() < 0),
            "{profile}: {} {:?}",
            hex::encode(&f.input),
            d.docs
        );
        assert!(f.input.len() <= 40, "{profile}: {}", hex::encode(&f.input));
        let doc = fuzz::vector_file(f, "buggy", "msgwire check codec ...", 11).unwrap();
        assert_eq!(
            doc["cases"][0]["verdict"],
            serde_json::json!({ profile: "y" })
        );
    }
}

#[test]
fn a_lax_bool_is_caught_as_should_have_rejected() {
    let o = fuzz_in_process("lax-bool", "strict", 2, 3000);
    let f = o
        .findings
        .iter()
        .find(|f| f.disagreement.class == "should-have-rejected")
        .unwrap_or_else(|| panic!("not found in {} runs: {:?}", o.runs, o.tallies));
    assert_eq!(
        f.disagreement.signature,
        "thrift@strict:should-have-rejected:invalid-bool"
    );
    assert!(f.input.len() <= 24, "{}", hex::encode(&f.input));
    let doc = fuzz::vector_file(f, "buggy", "msgwire check codec ...", 2).unwrap();
    assert_eq!(doc["cases"][0]["error"]["kind"], "invalid-bool");
}

#[test]
fn the_same_seed_gives_the_same_thrift_run() {
    let key = |o: &fuzz::Outcome| -> Vec<(String, Vec<u8>, u64)> {
        o.findings
            .iter()
            .map(|f| (f.disagreement.signature.clone(), f.input.clone(), f.at_run))
            .collect()
    };
    let a = fuzz_in_process("seqid-unsigned", "framed", 8, 600);
    let b = fuzz_in_process("seqid-unsigned", "framed", 8, 600);
    assert!(!a.findings.is_empty());
    assert_eq!(key(&a), key(&b));
    assert_eq!(a.tallies[0].2.by_source, b.tallies[0].2.by_source);
    let c = fuzz_in_process("seqid-unsigned", "framed", 9, 600);
    assert_ne!(a.tallies[0].2.both_accepted, 0);
    assert!(key(&a) != key(&c) || a.tallies[0].2.both_accepted != c.tallies[0].2.both_accepted);
}

#[test]
fn msgwire_itself_as_a_thrift_adapter_runs_clean() {
    let dir = common::scratch("msgwire-fuzz-thrift", "clean");
    let json = dir.join("r.json");
    let out = run(&[
        "fuzz",
        "codec",
        "--adapter",
        BIN,
        "--protocol",
        "thrift",
        "--profile",
        "header",
        "--runs",
        "800",
        "--json",
        json.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let rep: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let items = rep["suites"][0]["items"].as_array().unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(items[0]["key"], "thrift/fuzz/inputs@header");
    assert!(
        items[0]["detail"]
            .as_str()
            .unwrap()
            .contains("800 compared"),
        "{}",
        items[0]
    );
}

// ---------------------------------------------------------------------------------------------
// msgwire fuzz thrift-server

use msgwire::thrift::{
    ApplicationExceptionType, Decoder, Framing, Limits, Message, MessageType, OwnedMessage,
    Profile, Protocol, Splitter, Struct,
};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// What a fake Thrift server gets wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bug {
    None,
    /// A oneway message gets a reply.
    RepliesToOneway,
    /// An unknown method gets a TApplicationException of type 42.
    CodeOutOfSpec,
    /// Bytes it cannot read: the connection is kept open and silent.
    HangsOnBadInput,
    /// A oneway message of a method it does not have gets an UNKNOWN_METHOD exception (what
    /// Python thrift and libthrift's C++ server do).
    ExceptionForUnknownOneway,
}

/// A server of the test service (every `echo*` returns field 1, `ping` nothing, other methods
/// UNKNOWN_METHOD) on loopback, in this process, built on msgwire's codec; it closes the
/// connection on bytes it cannot read, on a Reply or Exception sent to it (after an
/// INVALID_MESSAGE_TYPE exception), and at end of stream.
fn thrift_server(protocol: Protocol, framing: Framing, bug: Bug) -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap().to_string();
    std::thread::spawn(move || {
        for s in l.incoming().take(20_000).flatten() {
            std::thread::spawn(move || serve(s, protocol, framing, bug));
        }
    });
    addr
}

fn serve(mut s: TcpStream, protocol: Protocol, framing: Framing, bug: Bug) {
    s.set_read_timeout(Some(Duration::from_secs(5))).ok();
    let mut splitter = Splitter::new(Decoder::new(protocol, framing));
    let mut buf = vec![0u8; 1 << 16];
    let deadline = Instant::now() + Duration::from_secs(20);
    let send = |s: &mut TcpStream, m: &OwnedMessage| {
        let wire = match framing {
            Framing::Framed => m.to_framed_vec(protocol),
            _ => m.to_vec(protocol),
        };
        let _ = s.write_all(&wire);
    };
    while Instant::now() < deadline {
        let n = match s.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        splitter.push(&buf[..n]);
        loop {
            let frame = match splitter.next_frame() {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(_) => {
                    if bug == Bug::HangsOnBadInput {
                        std::thread::sleep(Duration::from_secs(3));
                    }
                    return;
                }
            };
            let m =
                match Message::decode_with(&frame, protocol, &Limits::default(), Profile::Strict)
                    .map(|d| d.complete().map(|(m, _)| m.into_owned()))
                {
                    Ok(Some(m)) => m,
                    _ => {
                        if bug == Bug::HangsOnBadInput {
                            std::thread::sleep(Duration::from_secs(3));
                        }
                        return;
                    }
                };
            let known = m.name == "ping" || m.name.starts_with("echo");
            match m.kind {
                MessageType::Call if known => {
                    let body = match m.body.get(1) {
                        Some(v) => Struct::new().with(0, v.clone()),
                        None => Struct::new(),
                    };
                    send(
                        &mut s,
                        &OwnedMessage::new(m.name.clone(), MessageType::Reply, m.seqid, body),
                    );
                }
                MessageType::Call => {
                    let kind = if bug == Bug::CodeOutOfSpec {
                        ApplicationExceptionType(42)
                    } else {
                        ApplicationExceptionType::UNKNOWN_METHOD
                    };
                    send(
                        &mut s,
                        &OwnedMessage::application_exception(&m.name, m.seqid, kind, "no such"),
                    );
                }
                MessageType::Oneway if bug == Bug::RepliesToOneway => send(
                    &mut s,
                    &OwnedMessage::new(m.name.clone(), MessageType::Reply, m.seqid, Struct::new()),
                ),
                MessageType::Oneway if bug == Bug::ExceptionForUnknownOneway && !known => send(
                    &mut s,
                    &OwnedMessage::application_exception(
                        &m.name,
                        m.seqid,
                        ApplicationExceptionType::UNKNOWN_METHOD,
                        "no such",
                    ),
                ),
                MessageType::Oneway => {}
                _ => {
                    send(
                        &mut s,
                        &OwnedMessage::application_exception(
                            &m.name,
                            m.seqid,
                            ApplicationExceptionType::INVALID_MESSAGE_TYPE,
                            "not a call",
                        ),
                    );
                    return;
                }
            }
        }
    }
}

fn both(o: &std::process::Output) -> String {
    format!("{}{}", text(&o.stdout), text(&o.stderr))
}

/// The wire scripts written under `dir/thrift-server/`.
fn scripts(dir: &std::path::Path) -> Vec<(PathBuf, Value)> {
    let mut v: Vec<(PathBuf, Value)> = std::fs::read_dir(dir.join("thrift-server"))
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

#[test]
fn fuzz_thrift_server_correct_fakes_run_clean() {
    let dir = common::scratch("msgwire-fuzz-thrift", "servers-clean");
    for (protocol, framing, p, t) in [
        (Protocol::Binary, Framing::Framed, "binary", "framed"),
        (Protocol::Compact, Framing::Unframed, "compact", "buffered"),
    ] {
        let addr = thrift_server(protocol, framing, Bug::None);
        let json = dir.join(format!("{p}-{t}.json"));
        let out = dir.join(format!("{p}-{t}"));
        let o = run(&[
            "fuzz",
            "thrift-server",
            &addr,
            "--protocol",
            p,
            "--transport",
            t,
            "--runs",
            "400",
            "--timeout",
            "2",
            "--json",
            json.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ]);
        assert_eq!(o.status.code(), Some(0), "{p}/{t}: {}", both(&o));
        let rep: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
        assert_eq!(rep["title"], "fuzz thrift-server");
        let detail = rep["suites"][0]["items"][0]["detail"].as_str().unwrap();
        assert!(detail.contains("400 compared"), "{detail}");
        assert!(!out.exists(), "no failure, no wire script");
    }
}

#[test]
fn fuzz_thrift_server_broken_fakes_found_minimized_replayed() {
    let dir = common::scratch("msgwire-fuzz-thrift", "servers-broken");
    for (bug, signature, timeout) in [
        (Bug::RepliesToOneway, "thrift-server:reply-to-oneway", "2"),
        (Bug::CodeOutOfSpec, "thrift-server:code-not-in-spec:42", "2"),
        (Bug::HangsOnBadInput, "thrift-server:hang", "0.5"),
    ] {
        let addr = thrift_server(Protocol::Binary, Framing::Framed, bug);
        let found = dir.join(format!("{bug:?}"));
        let args = |seed: &'static str, json: &PathBuf, out: &PathBuf| -> Vec<String> {
            [
                "fuzz",
                "thrift-server",
                &addr,
                "--transport",
                "framed",
                "--runs",
                "150",
                "--timeout",
                timeout,
                "--minimize-tries",
                "60",
                "--seed",
                seed,
                "--json",
                json.to_str().unwrap(),
                "--out",
                out.to_str().unwrap(),
            ]
            .iter()
            .map(|s| s.to_string())
            .collect()
        };
        let a = args("3", &dir.join(format!("{bug:?}-a.json")), &found);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let o = run(&a);
        assert_eq!(o.status.code(), Some(1), "{bug:?}: {}", both(&o));
        let s = scripts(&found);
        let (path, doc) = s
            .iter()
            .find(|(_, d)| d["signature"] == signature)
            .unwrap_or_else(|| panic!("{bug:?}: {s:?} {}", both(&o)));
        // Minimized: one short message (framed), and the replay command names the options.
        let input = msgwire_conformance::fuzz::read_wire_script(doc).unwrap();
        assert!(input[0].len() <= 60, "{bug:?}: {}", hex::encode(&input[0]));
        let cmd = doc["reproduce"].as_str().unwrap();
        assert!(
            cmd.contains("--protocol binary --transport framed --replay"),
            "{cmd}"
        );
        let r = run(&[
            "fuzz",
            "thrift-server",
            &addr,
            "--transport",
            "framed",
            "--timeout",
            timeout,
            "--replay",
            path.to_str().unwrap(),
        ]);
        assert_eq!(r.status.code(), Some(1), "{bug:?}: {}", both(&r));
        assert!(text(&r.stdout).contains("FAILED"), "{}", both(&r));
        // The same script against a correct server: ok.
        let good = thrift_server(Protocol::Binary, Framing::Framed, Bug::None);
        let r = run(&[
            "fuzz",
            "thrift-server",
            &good,
            "--transport",
            "framed",
            "--replay",
            path.to_str().unwrap(),
        ]);
        assert_eq!(r.status.code(), Some(0), "{bug:?}: {}", both(&r));
        // The same seed gives the same run: the same failures, minimized alike.
        if bug != Bug::HangsOnBadInput {
            let b = args(
                "3",
                &dir.join(format!("{bug:?}-b.json")),
                &dir.join("again"),
            );
            let b: Vec<&str> = b.iter().map(String::as_str).collect();
            assert_eq!(run(&b).status.code(), Some(1));
            let key = |p: PathBuf| -> Vec<(Value, Value)> {
                let rep: Value = serde_json::from_slice(&std::fs::read(p).unwrap()).unwrap();
                rep["suites"][0]["items"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|i| (i["key"].clone(), i["input_hex"].clone()))
                    .collect()
            };
            assert_eq!(
                key(dir.join(format!("{bug:?}-a.json"))),
                key(dir.join(format!("{bug:?}-b.json")))
            );
            std::fs::remove_dir_all(dir.join("again")).ok();
        }
    }
}

#[test]
fn fuzz_thrift_server_usage_and_nothing_compared_exit_2() {
    let addr = thrift_server(Protocol::Binary, Framing::Unframed, Bug::None);
    // No budget; no server; a closed port; a budget of no input: 2, never 0.
    for args in [
        vec!["fuzz", "thrift-server", addr.as_str()],
        vec!["fuzz", "thrift-server", "--runs", "5"],
        vec!["fuzz", "thrift-server", "127.0.0.1:1", "--runs", "5"],
        vec!["fuzz", "thrift-server", addr.as_str(), "--runs", "0"],
        vec![
            "fuzz",
            "thrift-server",
            addr.as_str(),
            "--runs",
            "5",
            "--transport",
            "nope",
        ],
    ] {
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", both(&o));
    }
}

/// Every `msgwire fuzz` subcommand exits 2 (usage), never 0, when it compared nothing: a
/// budget of no input against a target that is there (or an adapter / driver that is not).
#[test]
fn every_fuzz_subcommand_exits_2_when_it_compared_nothing() {
    // A loopback port that accepts and answers nothing (probes of HTTP targets time out).
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        let mut held = Vec::new();
        for s in l.incoming().take(64).flatten() {
            held.push(s);
        }
    });
    let thrift = thrift_server(Protocol::Binary, Framing::Unframed, Bug::None);
    let http = format!("http://127.0.0.1:{port}/");
    let tcp = format!("tcp://127.0.0.1:{port}");
    let amqp = format!("amqp://guest:guest@127.0.0.1:{port}/");
    let cases: Vec<Vec<String>> = vec![
        vec!["codec".into(), "--adapter".into(), BIN.into()],
        vec![
            "codec".into(),
            "--adapter".into(),
            "sh -c 'exit 3' x".into(),
            "--one-shot".into(),
        ],
        vec!["jsonrpc-server".into(), http.clone()],
        vec!["xmlrpc-server".into(), http],
        vec!["msgpack-rpc-server".into(), tcp],
        vec!["amqp-server".into(), amqp],
        vec!["thrift-server".into(), thrift],
        vec![
            "jsonrpc-client".into(),
            "--driver".into(),
            "sh -c 'exit 3' x".into(),
        ],
        vec![
            "xmlrpc-client".into(),
            "--driver".into(),
            "sh -c 'exit 3' x".into(),
        ],
        vec![
            "msgpack-rpc-client".into(),
            "--driver".into(),
            "sh -c 'exit 3' x".into(),
        ],
        vec![
            "amqp-client".into(),
            "--driver".into(),
            "sh -c 'exit 3' x".into(),
        ],
    ];
    for c in cases {
        let mut args: Vec<&str> = vec!["fuzz"];
        args.extend(c.iter().map(String::as_str));
        args.extend(["--runs", "0", "--timeout", "1"]);
        let o = run(&args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", both(&o));
    }
}

/// The 10-minute runs' `wrong-reply:name` and `wrong-reply:seqid` scripts (docs/fuzz/): a
/// oneway message of an unknown method, a call, then bytes msgwire refuses. The exception the
/// servers send for the oneway is a reply to the oneway (their known finding), not a wrong
/// reply to the call; a server that sends nothing for the oneway passes them.
#[test]
fn an_unknown_method_exception_after_refused_bytes_is_pinned_on_the_oneway() {
    let docs = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/fuzz");
    for (file, protocol, p, framing, t) in [
        (
            "thrift-cpp-server-wrong-reply-name.json",
            Protocol::Compact,
            "compact",
            Framing::Unframed,
            "buffered",
        ),
        (
            "thrift-cpp-server-wrong-reply-seqid.json",
            Protocol::Compact,
            "compact",
            Framing::Unframed,
            "buffered",
        ),
        (
            "thrift-python-server-wrong-reply-name.json",
            Protocol::Binary,
            "binary",
            Framing::Framed,
            "framed",
        ),
    ] {
        let script = format!("{docs}/{file}");
        let replay = |addr: &str| {
            run(&[
                "fuzz",
                "thrift-server",
                addr,
                "--protocol",
                p,
                "--transport",
                t,
                "--timeout",
                "2",
                "--replay",
                &script,
            ])
        };
        let o = replay(&thrift_server(
            protocol,
            framing,
            Bug::ExceptionForUnknownOneway,
        ));
        assert_eq!(o.status.code(), Some(1), "{file}: {}", both(&o));
        assert!(
            text(&o.stdout).contains("FAILED reply-to-oneway"),
            "{file}: {}",
            both(&o)
        );
        let o = replay(&thrift_server(protocol, framing, Bug::None));
        assert_eq!(o.status.code(), Some(0), "{file}: {}", both(&o));
    }
}
