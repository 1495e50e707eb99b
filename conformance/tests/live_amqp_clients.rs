//! Client mode for AMQP (`msgwire check amqp-client`): the suite against in-process clients
//! built on msgwire's codec (a conforming one that must pass every case, and broken ones that
//! must fail with the expected case ids), and, ignored unless they are installed, against the
//! real client libraries `.ci/peers/clients.sh` installs (pika, py-amqp, amqplib).
#![cfg(feature = "amqp")]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::Arc;
use std::time::{Duration, Instant};

use msgwire::amqp::*;
use msgwire::Decoded;
use msgwire_conformance::live::client::{Driver, Invocation, Target};
use msgwire_conformance::live::{self, amqp_client, CaseResult, Selection, Verdict};
use serde_json::{json, Value};

const TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Flaw {
    None,
    /// Sends the AMQP 0-9 header (`AMQP 1 1 0 9`).
    OldHeader,
    /// Answers tune with frame-max 0 and channel-max 0 (no limits).
    TuneNoLimits,
    /// Publishes the whole body in one body frame, whatever frame-max says.
    OneBodyFrame,
    /// Drops the connection on a broker's connection.close without close-ok (as pika does).
    NoCloseOk,
    /// Reads frames of any size and heartbeats on any channel, and ignores frames on channels
    /// it never opened.
    Lenient,
}

fn emit(w: &mut dyn Write, v: Value) {
    let _ = writeln!(w, "{v}");
}

struct Conn {
    s: TcpStream,
    buf: Vec<u8>,
    frame_max: u32,
    flaw: Flaw,
}

#[allow(clippy::large_enum_variant)] // one at a time, short-lived
enum In {
    Frame(Frame<'static>),
    /// The connection is over (why).
    Over(String),
}

impl Conn {
    fn send(&mut self, f: &Frame<'_>) {
        let _ = self.s.write_all(&f.to_vec());
    }

    fn close_with(&mut self, code: u16, text: &str) {
        self.send(&Frame::method(
            0,
            ConnectionClose {
                reply_code: code,
                reply_text: ShortStr::new(text.as_bytes().to_vec()).unwrap_or_default(),
                class_id: 0,
                method_id: 0,
            },
        ));
    }

    /// The next frame, or why the connection is over; protocol errors handled as the spec
    /// says (unless the flaw says otherwise).
    fn next(&mut self, until: Instant) -> Option<In> {
        let dec = Decoder {
            limits: Limits {
                frame_max: 0,
                ..Limits::default()
            },
            profile: Profile::RabbitMq,
        };
        loop {
            match dec.decode(&self.buf) {
                Ok(Decoded::Complete { value, used }) => {
                    let f = value.into_owned();
                    self.buf.drain(..used);
                    if self.frame_max != 0
                        && used > self.frame_max as usize
                        && self.flaw != Flaw::Lenient
                    {
                        self.close_with(501, "frame too large");
                        return Some(In::Over("a frame over frame-max".into()));
                    }
                    if f.channel() > 1 && self.flaw != Flaw::Lenient {
                        self.close_with(504, "frame on a channel never opened");
                        return Some(In::Over("a frame on an unopened channel".into()));
                    }
                    if f.channel() > 1 {
                        continue;
                    }
                    return Some(In::Frame(f));
                }
                Ok(Decoded::NeedMore { .. }) => {}
                Err(e) => {
                    if self.flaw == Flaw::Lenient && self.buf.len() >= 7 && self.buf[0] == 8 {
                        // A heartbeat on another channel: taken as a heartbeat.
                        self.buf.drain(..8);
                        continue;
                    }
                    // Fatal: close the socket without sending anything more.
                    let _ = self.s.shutdown(std::net::Shutdown::Both);
                    return Some(In::Over(format!("invalid frame: {e}")));
                }
            }
            let now = Instant::now();
            if now >= until {
                return None;
            }
            self.s.set_read_timeout(Some(until - now)).ok();
            let mut chunk = [0u8; 65536];
            match self.s.read(&mut chunk) {
                Ok(0) => return Some(In::Over("the broker closed the socket".into())),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(_) if Instant::now() >= until => return None,
                Err(_) => {}
            }
        }
    }

    /// Waits for the method `name` (handling closes); Err(event to print) when the
    /// connection or channel ended instead.
    fn expect(&mut self, name: &str, w: &mut dyn Write) -> Result<Method<'static>, ()> {
        let until = Instant::now() + Duration::from_secs(2);
        loop {
            match self.next(until) {
                None => {
                    emit(w, json!({"event":"raised","why":format!("no {name}")}));
                    return Err(());
                }
                Some(In::Over(why)) => {
                    emit(w, json!({"event":"raised","why":why}));
                    return Err(());
                }
                Some(In::Frame(f)) => {
                    if self.handle(&f, w) {
                        return Err(());
                    }
                    if let Frame::Method { method, .. } = f {
                        if method.name() == name {
                            return Ok(method);
                        }
                    }
                }
            }
        }
    }

    /// Handles a broker close; true when the connection is over.
    fn handle(&mut self, f: &Frame<'static>, w: &mut dyn Write) -> bool {
        match f {
            Frame::Method {
                method: Method::ConnectionClose(c),
                ..
            } => {
                if self.flaw != Flaw::NoCloseOk {
                    self.send(&Frame::method(0, ConnectionCloseOk::default()));
                }
                let _ = self.s.shutdown(std::net::Shutdown::Both);
                emit(w, json!({"event":"closed","code":c.reply_code}));
                true
            }
            Frame::Method {
                channel,
                method: Method::ChannelClose(c),
            } => {
                self.send(&Frame::method(*channel, ChannelCloseOk::default()));
                emit(w, json!({"event":"channel-closed","code":c.reply_code}));
                false
            }
            _ => false,
        }
    }
}

fn ss(t: &str) -> ShortStr<'static> {
    ShortStr::new(t.as_bytes().to_vec()).unwrap()
}

fn client(flaw: Flaw, inv: &Invocation, w: &mut dyn Write) {
    if inv.scenario == "hello" {
        emit(
            w,
            json!({"event":"hello","library":"in-process amqp","version":format!("{flaw:?}")}),
        );
        return;
    }
    let plan: Value = serde_json::from_str(&inv.plan).unwrap();
    let Ok(s) = TcpStream::connect_timeout(&inv.addr, Duration::from_secs(2)) else {
        return emit(w, json!({"event":"raised","why":"connect"}));
    };
    let mut c = Conn {
        s,
        buf: Vec::new(),
        frame_max: 4096,
        flaw,
    };
    let header: &[u8] = if flaw == Flaw::OldHeader {
        b"AMQP\x01\x01\x00\x09"
    } else {
        b"AMQP\x00\x00\x09\x01"
    };
    let _ = c.s.write_all(header);
    let Ok(Method::ConnectionStart(_)) = c.expect("connection.start", w) else {
        return;
    };
    c.send(&Frame::method(
        0,
        ConnectionStartOk {
            client_properties: FieldTable::default(),
            mechanism: ss("PLAIN"),
            response: LongStr::new(b"\0guest\0guest".to_vec()).unwrap(),
            locale: ss("en_US"),
        },
    ));
    let Ok(Method::ConnectionTune(t)) = c.expect("connection.tune", w) else {
        return;
    };
    let (cm, fm) = if flaw == Flaw::TuneNoLimits {
        (0, 0)
    } else {
        (t.channel_max, t.frame_max)
    };
    c.frame_max = t.frame_max;
    c.send(&Frame::method(
        0,
        ConnectionTuneOk {
            channel_max: cm,
            frame_max: fm,
            heartbeat: 0,
        },
    ));
    c.send(&Frame::method(
        0,
        ConnectionOpen {
            virtual_host: ss("/"),
            ..Default::default()
        },
    ));
    if c.expect("connection.open-ok", w).is_err() {
        return;
    }
    c.send(&Frame::method(1, ChannelOpen::default()));
    if c.expect("channel.open-ok", w).is_err() {
        return;
    }
    emit(w, json!({"event":"connected"}));
    let secs = plan["seconds"].as_f64().unwrap_or(0.0);
    let until = Instant::now() + Duration::from_secs_f64(secs);
    match plan["op"].as_str().unwrap() {
        "publish" => {
            let n = plan["body_size"].as_u64().unwrap() as usize;
            c.send(&Frame::method(
                1,
                BasicPublish {
                    routing_key: ss(plan["routing_key"].as_str().unwrap()),
                    ..Default::default()
                },
            ));
            c.send(&Frame::Header {
                channel: 1,
                header: ContentHeader::new(n as u64, BasicProperties::default()),
            });
            let body = vec![b'x'; n];
            let size = if flaw == Flaw::OneBodyFrame {
                n
            } else {
                c.frame_max as usize - 8
            };
            for chunk in body.chunks(size) {
                c.send(&Frame::Body {
                    channel: 1,
                    payload: Payload::Borrowed(chunk),
                });
            }
            emit(w, json!({"event":"published"}));
        }
        "declare-passive" => {
            c.send(&Frame::method(
                1,
                QueueDeclare {
                    queue: ss(plan["queue"].as_str().unwrap()),
                    passive: true,
                    ..Default::default()
                },
            ));
            let end = Instant::now() + Duration::from_secs(2);
            loop {
                match c.next(end) {
                    Some(In::Frame(f)) => {
                        if c.handle(&f, w) {
                            return;
                        }
                        if matches!(
                            f,
                            Frame::Method {
                                method: Method::ChannelClose(_) | Method::QueueDeclareOk(_),
                                ..
                            }
                        ) {
                            break;
                        }
                    }
                    _ => return,
                }
            }
            // The channel is gone: close the connection.
            c.close_with(200, "bye");
            let _ = c.expect("connection.close-ok", w);
            emit(w, json!({"event":"done"}));
            return;
        }
        "consume" => {
            c.send(&Frame::method(
                1,
                BasicConsume {
                    queue: ss(plan["queue"].as_str().unwrap()),
                    no_ack: true,
                    ..Default::default()
                },
            ));
            let mut body: Option<Vec<u8>> = None;
            let mut want = 0;
            while let Some(inc) = c.next(until) {
                let In::Frame(f) = inc else { return };
                if c.handle(&f, w) {
                    return;
                }
                match f {
                    Frame::Header { header, .. } => {
                        want = header.body_size as usize;
                        body = Some(Vec::new());
                    }
                    Frame::Body { payload, .. } => {
                        if let Some(b) = body.as_mut() {
                            b.extend_from_slice(&payload);
                            if b.len() >= want {
                                let text: String = b.iter().map(|&x| x as char).collect();
                                emit(w, json!({"event":"delivered","body":text}));
                                break;
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
        "wait" => {
            while let Some(inc) = c.next(until) {
                match inc {
                    In::Frame(f) => {
                        if c.handle(&f, w) {
                            return;
                        }
                    }
                    In::Over(why) => return emit(w, json!({"event":"raised","why":why})),
                }
            }
        }
        _ => {}
    }
    c.send(&Frame::method(
        1,
        ChannelClose {
            reply_code: 200,
            ..Default::default()
        },
    ));
    if c.expect("channel.close-ok", w).is_err() {
        return;
    }
    c.close_with(200, "bye");
    let _ = c.expect("connection.close-ok", w);
    emit(w, json!({"event":"done"}));
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
        &amqp_client::cases(),
        t,
        &Selection {
            strict: true,
            ..Default::default()
        },
    )
}

fn failed(results: &[CaseResult]) -> Vec<&str> {
    results
        .iter()
        .filter(|r| r.verdict == Verdict::Failed)
        .map(|r| r.id)
        .collect()
}

#[test]
fn a_conforming_client_passes_every_case() {
    let results = run(&target(Flaw::None));
    assert_eq!(results.len(), amqp_client::cases().len());
    for r in &results {
        // The fake answers tune with heartbeat 0 (it wants none): informational.
        let want = if r.id.starts_with("amqp-client/heartbeat/") {
            Verdict::Informational
        } else {
            Verdict::Passed
        };
        assert_eq!(r.verdict, want, "{}: {}", r.id, r.observed);
    }
}

#[test]
fn broken_clients_fail_with_the_expected_case_ids() {
    let expect: &[(Flaw, &[&str])] = &[
        // The broker refuses the header: nothing else happens on those connections.
        (
            Flaw::OldHeader,
            &[
                "amqp-client/handshake/protocol-header",
                "amqp-client/handshake/mechanism-offered",
                "amqp-client/handshake/tune-ok-within-limits",
                "amqp-client/frame/publish-within-frame-max",
                "amqp-client/close/connection-close-ok",
                "amqp-client/close/channel-close-ok",
                "amqp-client/content/many-body-frames",
                "amqp-client/misbehaving/bad-frame-end",
                "amqp-client/misbehaving/unknown-frame-type",
                "amqp-client/misbehaving/oversized-frame",
                "amqp-client/misbehaving/method-on-unopened-channel",
                "amqp-client/misbehaving/heartbeat-on-channel-1",
            ],
        ),
        (
            Flaw::TuneNoLimits,
            &["amqp-client/handshake/tune-ok-within-limits"],
        ),
        (
            Flaw::OneBodyFrame,
            &["amqp-client/frame/publish-within-frame-max"],
        ),
        (Flaw::NoCloseOk, &["amqp-client/close/connection-close-ok"]),
        (
            Flaw::Lenient,
            &[
                "amqp-client/misbehaving/oversized-frame",
                "amqp-client/misbehaving/method-on-unopened-channel",
                "amqp-client/misbehaving/heartbeat-on-channel-1",
            ],
        ),
    ];
    for (flaw, ids) in expect {
        // The heartbeat cases wait seconds each and no flaw here is about heartbeats.
        let results = live::run(
            &amqp_client::cases(),
            &target(*flaw),
            &Selection {
                strict: true,
                skip: vec!["amqp-client/heartbeat/*".into()],
                ..Default::default()
            },
        );
        assert_eq!(
            failed(&results),
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
fn a_driver_that_cannot_start_is_exit_2_before_any_case() {
    let o = live::LiveOptions {
        timeout: Duration::from_secs(1),
        ..Default::default()
    };
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = live::check_amqp_client(Some("exit 4 #"), &o, &mut out, &mut err);
    let err = String::from_utf8(err).unwrap();
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty() && err.contains("exit 4"), "{err}");
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
    let code = live::check_amqp_client(Some(driver), &o, &mut out, &mut err);
    let (out, err) = (String::from_utf8_lossy(&out), String::from_utf8_lossy(&err));
    assert_eq!(code, 0, "{out}{err}");
    assert!(!out.contains("stale"), "{out}");
}

fn peers() -> String {
    std::env::var("MSGWIRE_CLIENTS_DIR").unwrap_or_else(|_| "/tmp/msgwire-peers/clients".into())
}

#[test]
#[ignore = "needs pika (.ci/peers/clients.sh)"]
fn python_pika() {
    real(
        &format!(
            "{}/venv/bin/python {}/adapters/clients/amqp_pika_client.py",
            peers(),
            env!("CARGO_MANIFEST_DIR")
        ),
        "amqp-client-pika.baseline",
    );
}

#[test]
#[ignore = "needs py-amqp (.ci/peers/clients.sh)"]
fn python_py_amqp() {
    real(
        &format!(
            "{}/venv/bin/python {}/adapters/clients/amqp_py_amqp_client.py",
            peers(),
            env!("CARGO_MANIFEST_DIR")
        ),
        "amqp-client-py-amqp.baseline",
    );
}

#[test]
#[ignore = "needs node and amqplib (.ci/peers/clients.sh)"]
fn node_amqplib() {
    real(
        &format!(
            "env NODE_PATH={}/node_modules node {}/adapters/clients/amqp_amqplib_client.js",
            peers(),
            env!("CARGO_MANIFEST_DIR")
        ),
        "amqp-client-amqplib.baseline",
    );
}
