//! The Thrift server live suite (`msgwire check thrift-server`) against in-process fake servers
//! of the test service on loopback, built on msgwire's own codec: a correct one (in every
//! protocol and transport, with sets, maps and struct fields written back in another order)
//! passes every case; each fault breaks one rule and fails the case that checks it.
#![cfg(feature = "thrift")]

mod common;

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, Instant};

use msgwire::thrift::{
    ApplicationExceptionType, Decoder, Framing, HeaderFrame, List, Map, MessageType,
    OwnedHeaderFrame, OwnedMessage, Protocol, Splitter, Struct, Value,
};
use msgwire_conformance::live::{self, thrift, Selection, Verdict};

const TIMEOUT: Duration = Duration::from_millis(800);

/// One way a server can break a rule (`Correct`: none).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Bug {
    Correct,
    /// Replies carry seqid + 1.
    WrongSeqid,
    /// Replies are named "x", not the call's name.
    NameNotCopied,
    /// A declared exception is sent as an `Exception` message (TApplicationException).
    DeclaredAsException,
    /// A oneway call gets a reply.
    RepliesToOneway,
    /// An unknown method gets INTERNAL_ERROR (6), not UNKNOWN_METHOD (1).
    UnknownMethodInternalError,
    /// A `Reply` sent to the server is run as a call.
    RunsReplies,
    /// Whatever the stream holds after bytes it cannot read, the connection is kept open and
    /// silent (no close, no exception).
    HangsOnBadInput,
    /// After end of stream, the connection stays open.
    IgnoresEof,
    /// `ping` (void) replies with a field 0.
    VoidWithField,
    /// Doubles pass through an f32.
    LossyDouble,
    /// `echoStruct` drops the default of field 14 when it was absent.
    NoDefault,
    /// A binary bool `true` is written as byte 2 (only a lenient decoder reads it).
    BoolTwo,
    /// Each read is decoded on its own: bytes of a message split across reads, or of a second
    /// message in the same read, are lost.
    OneReadOneMessage,
    /// Echoed strings lose their last byte.
    TruncatesStrings,
    /// The key of a map entry is changed.
    MapKeyChanged,
    /// A oneway call of an unknown method gets an UNKNOWN_METHOD exception.
    AnswersUnknownOneway,
    /// One connection at a time: the next is accepted when the first ends.
    OneConnectionAtATime,
    /// Arguments taken by position, not by field id.
    PositionalArgs,
    /// A call carrying a field the IDL does not have gets an exception.
    RejectsUnknownFields,
    /// A binary field that is not UTF-8 breaks the connection (skipped as a string).
    ClosesOnNonUtf8,
}

fn fake_server(protocol: Protocol, framing: Framing, bug: Bug) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    let note = Arc::new(Mutex::new(String::new()));
    thread::spawn(move || {
        for s in listener.incoming().take(200).flatten() {
            let note = note.clone();
            if bug == Bug::OneConnectionAtATime {
                serve(s, protocol, framing, bug, note);
            } else {
                thread::spawn(move || serve(s, protocol, framing, bug, note));
            }
        }
    });
    addr
}

fn serve(
    mut s: TcpStream,
    protocol: Protocol,
    framing: Framing,
    bug: Bug,
    note: Arc<Mutex<String>>,
) {
    s.set_read_timeout(Some(Duration::from_secs(5))).ok();
    let decoder = Decoder::new(protocol, framing);
    let mut splitter = Splitter::new(decoder);
    let mut buf = vec![0u8; 1 << 16];
    let deadline = Instant::now() + Duration::from_secs(20);
    while Instant::now() < deadline {
        let n = match s.read(&mut buf) {
            Ok(0) if bug == Bug::IgnoresEof => {
                thread::sleep(Duration::from_secs(3));
                return;
            }
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        if bug == Bug::OneReadOneMessage {
            splitter = Splitter::new(decoder);
        }
        splitter.push(&buf[..n]);
        loop {
            let frame = match splitter.next_frame() {
                Ok(Some(f)) => f,
                Ok(None) => break,
                Err(_) if bug == Bug::HangsOnBadInput => {
                    thread::sleep(Duration::from_secs(3));
                    return;
                }
                Err(_) => return, // a stream cannot resynchronise: close
            };
            let decoded = if framing == Framing::Header {
                HeaderFrame::read(&frame, &Default::default(), Default::default())
                    .map(|f| Some(f.message))
            } else {
                msgwire::thrift::Message::decode_with(
                    &frame,
                    protocol,
                    &Default::default(),
                    Default::default(),
                )
                .map(|d| d.complete().map(|(m, _)| m))
            };
            let m = match decoded {
                Ok(Some(m)) => m.into_owned(),
                Ok(None) | Err(_) => return,
            };
            if let Some(reply) = answer(&m, bug, &note) {
                let mut wire = match framing {
                    Framing::Framed => reply.to_framed_vec(protocol),
                    Framing::Unframed => reply.to_vec(protocol),
                    Framing::Header => OwnedHeaderFrame::new(reply.clone(), protocol).to_vec(),
                };
                if bug == Bug::BoolTwo && protocol == Protocol::Binary && reply.name == "echoBool" {
                    // field 0 header (02 00 00), then the value byte
                    if let Some(last) = wire.len().checked_sub(2) {
                        if wire[last] == 1 {
                            wire[last] = 2;
                        }
                    }
                }
                if s.write_all(&wire).is_err() {
                    return;
                }
            }
            if bug == Bug::OneReadOneMessage {
                break;
            }
        }
    }
}

/// Sets and maps in reverse order, struct fields in reverse order: a correct server may write
/// them in any order.
fn reorder(v: Value) -> Value {
    match v {
        Value::Set(l) => {
            let t = l.elem_type();
            let mut items: Vec<Value> = l.into_items().into_iter().map(reorder).collect();
            items.reverse();
            Value::Set(List::new(t, items).unwrap())
        }
        Value::List(l) => {
            let t = l.elem_type();
            Value::List(List::new(t, l.into_items().into_iter().map(reorder).collect()).unwrap())
        }
        Value::Map(m) => {
            let (k, t) = (m.key_type(), m.value_type());
            let mut e: Vec<(Value, Value)> = m
                .entries()
                .iter()
                .cloned()
                .map(|(a, b)| (reorder(a), reorder(b)))
                .collect();
            e.reverse();
            Value::Map(Map::new(k, t, e).unwrap())
        }
        Value::Struct(s) => {
            let mut f: Vec<(i16, Value)> =
                s.fields.into_iter().map(|(i, v)| (i, reorder(v))).collect();
            f.reverse();
            Value::Struct(Struct { fields: f })
        }
        v => v,
    }
}

fn mangle(v: Value, bug: Bug) -> Value {
    match (bug, v) {
        (Bug::LossyDouble, Value::Double(d)) => Value::Double(d as f32 as f64),
        (Bug::TruncatesStrings, Value::Binary(mut b)) => {
            b.pop();
            Value::Binary(b)
        }
        (Bug::MapKeyChanged, Value::Map(m)) => {
            let (k, t) = (m.key_type(), m.value_type());
            let mut e = m.entries().to_vec();
            if let Some((Value::Binary(key), _)) = e.first_mut() {
                key.push(b'!');
            }
            Value::Map(Map::new(k, t, e).unwrap())
        }
        (_, v) => v,
    }
}

fn answer(m: &OwnedMessage, bug: Bug, note: &Mutex<String>) -> Option<OwnedMessage> {
    let seqid = if bug == Bug::WrongSeqid {
        m.seqid.wrapping_add(1)
    } else {
        m.seqid
    };
    let name = if bug == Bug::NameNotCopied {
        "x".to_string()
    } else {
        m.name.clone()
    };
    let reply = |body: Struct| {
        Some(OwnedMessage::new(
            name.clone(),
            MessageType::Reply,
            seqid,
            body,
        ))
    };
    let app = |kind: ApplicationExceptionType, text: &str| {
        Some(OwnedMessage::application_exception(
            name.clone(),
            seqid,
            kind,
            text,
        ))
    };
    match m.kind {
        MessageType::Call => {}
        MessageType::Oneway if m.name == "note" => {
            if let Some(v) = m.body.get(1).and_then(Value::as_str) {
                *note.lock().unwrap() = v.to_string();
            }
            return if bug == Bug::RepliesToOneway {
                reply(Struct::new())
            } else {
                None
            };
        }
        MessageType::Oneway if bug == Bug::AnswersUnknownOneway => {
            return app(ApplicationExceptionType::UNKNOWN_METHOD, "no such method")
        }
        MessageType::Oneway => return None,
        MessageType::Reply if bug == Bug::RunsReplies => {}
        _ => return app(ApplicationExceptionType::INVALID_MESSAGE_TYPE, "not a call"),
    }
    let arg = m.body.get(1).cloned();
    match m.name.as_str() {
        "ping" if bug == Bug::VoidWithField => reply(Struct::new().with(0, true)),
        "ping" => reply(Struct::new()),
        "lastNote" => reply(Struct::new().with(0, note.lock().unwrap().as_str())),
        "note" => {
            // A Call of the oneway method: run, not answered (as the Thrift libraries do).
            if let Some(v) = m.body.get(1).and_then(Value::as_str) {
                *note.lock().unwrap() = v.to_string();
            }
            None
        }
        "fail" => {
            let known = m.body.fields.iter().all(|(id, _)| *id == 1 || *id == 2);
            if bug == Bug::RejectsUnknownFields && !known {
                return app(ApplicationExceptionType::PROTOCOL_ERROR, "unknown field");
            }
            let text = |v: &Value| matches!(v, Value::Binary(b) if std::str::from_utf8(b).is_err());
            if bug == Bug::ClosesOnNonUtf8 && m.body.fields.iter().any(|(_, v)| text(v)) {
                return None;
            }
            let (code, why) = if bug == Bug::PositionalArgs {
                (
                    m.body.fields.first().map(|f| f.1.clone()),
                    m.body.fields.get(1).map(|f| f.1.clone()),
                )
            } else {
                (m.body.get(1).cloned(), m.body.get(2).cloned())
            };
            let oops = Struct::new()
                .with(1, code.unwrap_or(Value::I32(0)))
                .with(2, why.unwrap_or(Value::Binary(vec![])));
            if bug == Bug::DeclaredAsException {
                app(ApplicationExceptionType::INTERNAL_ERROR, "Oops")
            } else {
                reply(Struct::new().with(1, oops))
            }
        }
        "echoStruct" => {
            let Some(Value::Struct(mut s)) = arg else {
                return reply(Struct::new());
            };
            s.fields = s
                .fields
                .into_iter()
                .map(|(i, v)| (i, mangle(v, bug)))
                .collect();
            if bug != Bug::NoDefault && s.get(14).is_none() {
                s.fields.push((14, Value::I32(42)));
            }
            reply(Struct::new().with(0, reorder(Value::Struct(s))))
        }
        n if n.starts_with("echo") => match arg {
            Some(v) => reply(Struct::new().with(0, reorder(mangle(v, bug)))),
            None => reply(Struct::new()),
        },
        _ if bug == Bug::UnknownMethodInternalError => {
            app(ApplicationExceptionType::INTERNAL_ERROR, "no such method")
        }
        _ => app(ApplicationExceptionType::UNKNOWN_METHOD, "no such method"),
    }
}

fn target(addr: &str, protocol: &str, transport: &str) -> thrift::Target {
    thrift::Target::new(Some(addr), Some(protocol), Some(transport), TIMEOUT).unwrap()
}

fn names(p: Protocol, f: Framing) -> (&'static str, &'static str) {
    (
        if p == Protocol::Compact {
            "compact"
        } else {
            "binary"
        },
        match f {
            Framing::Framed => "framed",
            Framing::Header => "header",
            _ => "buffered",
        },
    )
}

const COMBOS: [(Protocol, Framing); 6] = [
    (Protocol::Binary, Framing::Framed),
    (Protocol::Binary, Framing::Unframed),
    (Protocol::Compact, Framing::Framed),
    (Protocol::Compact, Framing::Unframed),
    (Protocol::Binary, Framing::Header),
    (Protocol::Compact, Framing::Header),
];

#[test]
fn a_correct_server_passes_every_case_in_every_protocol_and_transport() {
    for (p, f) in COMBOS {
        let addr = fake_server(p, f, Bug::Correct);
        let (pn, fnm) = names(p, f);
        let t = target(&addr, pn, fnm);
        let results = live::run(
            &thrift::cases(),
            &t,
            &Selection {
                strict: true,
                ..Default::default()
            },
        );
        assert_eq!(results.len(), thrift::cases().len());
        for r in &results {
            let frames_only = r.id.ends_with("-frame");
            let want = if frames_only && f == Framing::Unframed {
                Verdict::Unimplemented
            } else if r.id.ends_with("/sent-as-call") {
                assert!(
                    r.observed.contains("no reply") && r.observed.contains("was run"),
                    "{}",
                    r.observed
                );
                Verdict::Informational
            } else {
                Verdict::Passed
            };
            assert_eq!(r.verdict, want, "{pn}/{fnm} {}: {}", r.id, r.observed);
        }
    }
}

#[test]
fn every_fault_fails_the_case_that_checks_its_rule() {
    use Bug::*;
    let faults: &[(Bug, Protocol, Framing, &str)] = &[
        (
            WrongSeqid,
            Protocol::Binary,
            Framing::Unframed,
            "*/seqid/echoed",
        ),
        (
            WrongSeqid,
            Protocol::Compact,
            Framing::Framed,
            "*/exception/unknown-method",
        ),
        (
            NameNotCopied,
            Protocol::Binary,
            Framing::Framed,
            "*/echo/i32",
        ),
        (
            NameNotCopied,
            Protocol::Compact,
            Framing::Unframed,
            "*/exception/unknown-method",
        ),
        (
            DeclaredAsException,
            Protocol::Binary,
            Framing::Unframed,
            "*/reply/declared-exception",
        ),
        (
            RepliesToOneway,
            Protocol::Compact,
            Framing::Unframed,
            "*/oneway/no-reply",
        ),
        (
            UnknownMethodInternalError,
            Protocol::Binary,
            Framing::Framed,
            "*/exception/unknown-method",
        ),
        (
            RunsReplies,
            Protocol::Binary,
            Framing::Unframed,
            "*/exception/reply-as-call",
        ),
        (
            HangsOnBadInput,
            Protocol::Binary,
            Framing::Unframed,
            "*/violation/bad-version",
        ),
        (
            HangsOnBadInput,
            Protocol::Compact,
            Framing::Unframed,
            "*/violation/bad-version",
        ),
        (
            HangsOnBadInput,
            Protocol::Compact,
            Framing::Framed,
            "*/violation/other-protocol",
        ),
        (
            HangsOnBadInput,
            Protocol::Binary,
            Framing::Unframed,
            "*/violation/other-protocol",
        ),
        (
            HangsOnBadInput,
            Protocol::Binary,
            Framing::Framed,
            "*/violation/oversized-frame",
        ),
        (
            HangsOnBadInput,
            Protocol::Compact,
            Framing::Framed,
            "*/violation/negative-frame",
        ),
        (
            HangsOnBadInput,
            Protocol::Binary,
            Framing::Unframed,
            "*/violation/negative-length",
        ),
        (
            HangsOnBadInput,
            Protocol::Compact,
            Framing::Unframed,
            "*/violation/negative-length",
        ),
        (
            HangsOnBadInput,
            Protocol::Compact,
            Framing::Unframed,
            "*/violation/oversized-string",
        ),
        (
            HangsOnBadInput,
            Protocol::Binary,
            Framing::Framed,
            "*/violation/truncated",
        ),
        (
            HangsOnBadInput,
            Protocol::Binary,
            Framing::Unframed,
            "*/exception/unknown-message-type",
        ),
        (
            IgnoresEof,
            Protocol::Binary,
            Framing::Unframed,
            "*/violation/truncated",
        ),
        (
            VoidWithField,
            Protocol::Compact,
            Framing::Framed,
            "*/reply/void",
        ),
        (
            LossyDouble,
            Protocol::Binary,
            Framing::Unframed,
            "*/echo/double",
        ),
        (
            NoDefault,
            Protocol::Compact,
            Framing::Unframed,
            "*/echo/default-field",
        ),
        (BoolTwo, Protocol::Binary, Framing::Unframed, "*/echo/bool"),
        (
            OneReadOneMessage,
            Protocol::Binary,
            Framing::Unframed,
            "*/stream/split-writes",
        ),
        (
            OneReadOneMessage,
            Protocol::Compact,
            Framing::Framed,
            "*/stream/pipelined",
        ),
        (
            TruncatesStrings,
            Protocol::Compact,
            Framing::Unframed,
            "*/echo/string",
        ),
        (
            TruncatesStrings,
            Protocol::Binary,
            Framing::Framed,
            "*/echo/binary",
        ),
        (
            TruncatesStrings,
            Protocol::Binary,
            Framing::Unframed,
            "*/echo/struct",
        ),
        (
            TruncatesStrings,
            Protocol::Binary,
            Framing::Unframed,
            "*/stream/large-string",
        ),
        (
            MapKeyChanged,
            Protocol::Compact,
            Framing::Unframed,
            "*/echo/map",
        ),
        (
            AnswersUnknownOneway,
            Protocol::Binary,
            Framing::Framed,
            "*/oneway/unknown-method-no-reply",
        ),
        (
            OneConnectionAtATime,
            Protocol::Compact,
            Framing::Unframed,
            "*/stream/two-connections",
        ),
        (
            PositionalArgs,
            Protocol::Binary,
            Framing::Unframed,
            "*/request/fields-any-order",
        ),
        (
            RejectsUnknownFields,
            Protocol::Compact,
            Framing::Framed,
            "*/request/unknown-fields-skipped",
        ),
        (
            ClosesOnNonUtf8,
            Protocol::Binary,
            Framing::Framed,
            "*/request/unknown-binary-field-skipped",
        ),
    ];
    for &(bug, p, f, case) in faults {
        let addr = fake_server(p, f, bug);
        let (pn, fnm) = names(p, f);
        let r = common::run_one(&thrift::cases(), &target(&addr, pn, fnm), case, TIMEOUT * 8);
        assert_eq!(
            r.verdict,
            Verdict::Failed,
            "{bug:?} {pn}/{fnm}: {case} should fail: {}",
            r.observed
        );
    }
    // The strict-decoding complaint names itself.
    let addr = fake_server(Protocol::Binary, Framing::Unframed, Bug::BoolTwo);
    let r = common::run_one(
        &thrift::cases(),
        &target(&addr, "binary", "buffered"),
        "*/echo/bool",
        TIMEOUT * 8,
    );
    assert!(
        r.observed.contains("only a lenient decoder"),
        "{}",
        r.observed
    );
    // A hang is a failure within the timeout, named as one.
    let addr = fake_server(Protocol::Binary, Framing::Framed, Bug::HangsOnBadInput);
    let r = common::run_one(
        &thrift::cases(),
        &target(&addr, "binary", "framed"),
        "*/violation/oversized-frame",
        TIMEOUT * 8,
    );
    assert!(r.observed.contains("hangs"), "{}", r.observed);
}

#[test]
fn a_server_that_stops_serving_after_bad_input_fails() {
    // Answers the first connection's bad bytes by closing, then nothing listens any more.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    thread::spawn(move || {
        if let Some(Ok(mut s)) = listener.incoming().next() {
            let mut b = [0u8; 256];
            let _ = s.read(&mut b);
        }
        // the listener is dropped here
    });
    let r = common::run_one(
        &thrift::cases(),
        &target(&addr, "binary", "buffered"),
        "*/violation/bad-version",
        TIMEOUT * 8,
    );
    assert_eq!(r.verdict, Verdict::Failed);
    assert!(
        r.observed.contains("gone") || r.observed.contains("ping"),
        "{}",
        r.observed
    );
}

#[test]
fn an_unreachable_target_is_one_error_and_exit_2() {
    let addr = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().to_string()
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let o = live::LiveOptions {
        timeout: TIMEOUT,
        ..Default::default()
    };
    let code = live::check_thrift_server(
        Some(&addr),
        Some("binary"),
        Some("framed"),
        &o,
        &mut out,
        &mut err,
    );
    assert_eq!(code, 2);
    assert!(out.is_empty());
    let err = String::from_utf8(err).unwrap();
    assert!(err.contains("cannot reach"), "{err}");
    // A bad protocol name is a usage error before any connection.
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = live::check_thrift_server(Some(&addr), Some("json"), None, &o, &mut out, &mut err);
    assert_eq!(code, 2);
    assert!(String::from_utf8(err)
        .unwrap()
        .contains("binary or compact"));
}

#[test]
fn the_cli_lists_the_cases_and_refuses_an_unknown_protocol() {
    let bin = env!("CARGO_BIN_EXE_msgwire");
    let out = std::process::Command::new(bin)
        .args([
            "check",
            "thrift-server",
            "127.0.0.1:1",
            "--list",
            "--strict",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let ids: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("thrift-server/"))
        .collect();
    assert_eq!(ids.len(), thrift::cases().len(), "{text}");
    // A protocol the suite does not speak is a usage error, before any connection.
    let out = std::process::Command::new(bin)
        .args([
            "check",
            "thrift-server",
            "127.0.0.1:1",
            "--protocol",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("json"));
    // A server that is not there: one error, exit 2.
    let out = std::process::Command::new(bin)
        .args(["check", "thrift-server", "127.0.0.1:1", "--timeout", "1"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot reach"));
}
