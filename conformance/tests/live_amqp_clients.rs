//! Client mode for AMQP (`msgwire check amqp-client`): the suite against in-process clients
//! built on msgwire's codec (a conforming one that must pass every case, and broken ones that
//! must fail with the expected case ids), and, ignored unless they are installed, against the
//! real client libraries `.ci/peers/clients.sh` installs (pika, py-amqp, amqplib, lapin).
#![cfg(feature = "amqp")]

use std::collections::HashMap;
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
    /// Announces connection.blocked but tells the application nothing of it.
    IgnoresBlocked,
    /// Announces consumer_cancel_notify but tells the application nothing of a broker's
    /// basic.cancel.
    IgnoresCancel,
    /// Reads a basic.return's content and drops it.
    DropsReturns,
    /// Takes a basic.ack or basic.nack with multiple=1 as confirming its own tag only.
    MultipleAsSingle,
    /// Reassembles content in one buffer for the whole connection, not one per channel.
    OneContentBuffer,
    /// Sends one heartbeat, then none, and never drops a silent broker.
    HeartbeatsStop,
    /// Drops the connection 2/5 of a heartbeat interval after tune, whatever the broker sends.
    DropsEarly,
}

fn emit(w: &mut dyn Write, v: Value) {
    let _ = writeln!(w, "{v}");
}

/// A content being received: what it is, its size once the header came, its body so far.
struct Pending {
    returned: Option<u16>,
    queue: String,
    size: Option<u64>,
    body: Vec<u8>,
}

struct Conn {
    s: TcpStream,
    buf: Vec<u8>,
    frame_max: u32,
    flaw: Flaw,
    /// The negotiated heartbeat interval (0: none).
    heartbeat: u16,
    last_recv: Instant,
    last_sent: Instant,
    /// When tune-ok went out.
    tuned: Instant,
    heartbeats_sent: usize,
    /// Channels opened.
    open: Vec<u16>,
    /// Contents being received, by channel (all on 0 with OneContentBuffer).
    content: HashMap<u16, Pending>,
    /// (Channel, consumer tag) to queue.
    consumers: HashMap<(u16, String), String>,
    /// Publishes since confirm.select not yet confirmed.
    unconfirmed: Vec<u64>,
    delivered: usize,
    returned: usize,
    confirmed: usize,
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
        self.last_sent = Instant::now();
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
    /// says (unless the flaw says otherwise); heartbeats sent and checked as negotiated.
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
                    let ch = f.channel();
                    if ch != 0 && !self.open.contains(&ch) && self.flaw != Flaw::Lenient {
                        self.close_with(504, "frame on a channel never opened");
                        return Some(In::Over("a frame on an unopened channel".into()));
                    }
                    if ch != 0 && !self.open.contains(&ch) {
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
            let mut wake = until;
            if self.heartbeat > 0 {
                let hb = Duration::from_secs(self.heartbeat.into());
                if self.flaw == Flaw::DropsEarly && now >= self.tuned + hb * 2 / 5 {
                    let _ = self.s.shutdown(std::net::Shutdown::Both);
                    return Some(In::Over("dropped 400 ms into a 1 s interval".into()));
                }
                if self.flaw != Flaw::HeartbeatsStop && now >= self.last_recv + 2 * hb {
                    let _ = self.s.shutdown(std::net::Shutdown::Both);
                    return Some(In::Over("missed heartbeats: the broker is gone".into()));
                }
                let due = self.last_sent + hb / 2;
                if now >= due && (self.flaw != Flaw::HeartbeatsStop || self.heartbeats_sent == 0) {
                    self.send(&Frame::Heartbeat);
                    self.heartbeats_sent += 1;
                }
                if self.flaw == Flaw::DropsEarly {
                    wake = wake.min(self.tuned + hb * 2 / 5);
                }
                if self.flaw != Flaw::HeartbeatsStop {
                    wake = wake.min(self.last_sent + hb / 2);
                    wake = wake.min(self.last_recv + 2 * hb);
                }
            }
            if now >= until {
                return None;
            }
            let wait = wake
                .saturating_duration_since(now)
                .max(Duration::from_millis(1));
            self.s.set_read_timeout(Some(wait)).ok();
            let mut chunk = [0u8; 65536];
            match self.s.read(&mut chunk) {
                Ok(0) => return Some(In::Over("the broker closed the socket".into())),
                Ok(n) => {
                    self.last_recv = Instant::now();
                    self.buf.extend_from_slice(&chunk[..n]);
                }
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

    /// Serves events until `done` or `until`; false when the connection ended.
    fn serve(&mut self, until: Instant, w: &mut dyn Write, done: &dyn Fn(&Conn) -> bool) -> bool {
        while !done(self) {
            match self.next(until) {
                None => return true,
                Some(In::Over(why)) => {
                    emit(w, json!({"event":"raised","why":why}));
                    return false;
                }
                Some(In::Frame(f)) => {
                    if self.handle(&f, w) {
                        return false;
                    }
                }
            }
        }
        true
    }

    fn confirm(&mut self, tag: u64, multiple: bool, ack: bool, w: &mut dyn Write) {
        let tags: Vec<u64> = if multiple && self.flaw != Flaw::MultipleAsSingle {
            self.unconfirmed
                .iter()
                .copied()
                .filter(|&t| t <= tag)
                .collect()
        } else {
            vec![tag]
        };
        for t in tags {
            self.unconfirmed.retain(|&u| u != t);
            self.confirmed += 1;
            emit(w, json!({"event":"confirmed","tag":t,"ack":ack}));
        }
    }

    /// Handles what the broker sends unasked; true when the connection is over.
    fn handle(&mut self, f: &Frame<'static>, w: &mut dyn Write) -> bool {
        let key = |ch: u16, flaw: Flaw| {
            if flaw == Flaw::OneContentBuffer {
                0
            } else {
                ch
            }
        };
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
                return true;
            }
            Frame::Method {
                channel,
                method: Method::ChannelClose(c),
            } => {
                self.send(&Frame::method(*channel, ChannelCloseOk::default()));
                emit(w, json!({"event":"channel-closed","code":c.reply_code}));
            }
            Frame::Method {
                method: Method::ConnectionBlocked(b),
                ..
            } if self.flaw != Flaw::IgnoresBlocked => {
                emit(
                    w,
                    json!({"event":"blocked","reason":String::from_utf8_lossy(b.reason.as_bytes())}),
                );
            }
            Frame::Method {
                method: Method::ConnectionUnblocked(_),
                ..
            } if self.flaw != Flaw::IgnoresBlocked => emit(w, json!({"event":"unblocked"})),
            Frame::Method {
                method: Method::BasicCancel(c),
                ..
            } if self.flaw != Flaw::IgnoresCancel => emit(
                w,
                json!({"event":"cancelled","consumer_tag":String::from_utf8_lossy(c.consumer_tag.as_bytes())}),
            ),
            Frame::Method {
                channel,
                method: Method::BasicDeliver(d),
            } => {
                let tag = String::from_utf8_lossy(d.consumer_tag.as_bytes()).into_owned();
                let queue = self
                    .consumers
                    .get(&(*channel, tag))
                    .cloned()
                    .unwrap_or_default();
                self.content.insert(
                    key(*channel, self.flaw),
                    Pending {
                        returned: None,
                        queue,
                        size: None,
                        body: Vec::new(),
                    },
                );
            }
            Frame::Method {
                channel,
                method: Method::BasicReturn(r),
            } => {
                self.content.insert(
                    key(*channel, self.flaw),
                    Pending {
                        returned: Some(r.reply_code),
                        queue: String::new(),
                        size: None,
                        body: Vec::new(),
                    },
                );
            }
            Frame::Method {
                method: Method::BasicAck(a),
                ..
            } => self.confirm(a.delivery_tag, a.multiple, true, w),
            Frame::Method {
                method: Method::BasicNack(a),
                ..
            } => self.confirm(a.delivery_tag, a.multiple, false, w),
            Frame::Header { channel, header } => {
                if let Some(p) = self.content.get_mut(&key(*channel, self.flaw)) {
                    p.size = Some(header.body_size);
                }
            }
            Frame::Body { channel, payload } => {
                let k = key(*channel, self.flaw);
                let complete = match self.content.get_mut(&k) {
                    Some(p) => {
                        p.body.extend_from_slice(payload);
                        p.size.is_some_and(|n| p.body.len() as u64 >= n)
                    }
                    None => false,
                };
                if complete {
                    let p = self.content.remove(&k).unwrap();
                    let text: String = p.body.iter().map(|&x| x as char).collect();
                    match p.returned {
                        Some(code) => {
                            self.returned += 1;
                            if self.flaw != Flaw::DropsReturns {
                                emit(w, json!({"event":"returned","code":code,"body":text}));
                            }
                        }
                        None => {
                            self.delivered += 1;
                            emit(w, json!({"event":"delivered","body":text,"queue":p.queue}));
                        }
                    }
                }
            }
            _ => {}
        }
        false
    }

    fn publish(&mut self, routing_key: &str, body: &[u8], mandatory: bool) {
        self.send(&Frame::method(
            1,
            BasicPublish {
                routing_key: ss(routing_key),
                mandatory,
                ..Default::default()
            },
        ));
        self.send(&Frame::Header {
            channel: 1,
            header: ContentHeader::new(body.len() as u64, BasicProperties::default()),
        });
        let size = if self.flaw == Flaw::OneBodyFrame {
            body.len().max(1)
        } else {
            self.frame_max as usize - 8
        };
        for chunk in body.chunks(size) {
            self.send(&Frame::Body {
                channel: 1,
                payload: Payload::Borrowed(chunk),
            });
        }
    }

    fn consume(&mut self, channel: u16, queue: &str, w: &mut dyn Write) -> bool {
        self.send(&Frame::method(
            channel,
            BasicConsume {
                queue: ss(queue),
                no_ack: true,
                ..Default::default()
            },
        ));
        let Ok(Method::BasicConsumeOk(ok)) = self.expect("basic.consume-ok", w) else {
            return false;
        };
        self.consumers.insert(
            (
                channel,
                String::from_utf8_lossy(ok.consumer_tag.as_bytes()).into_owned(),
            ),
            queue.to_string(),
        );
        true
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
        heartbeat: 0,
        last_recv: Instant::now(),
        last_sent: Instant::now(),
        tuned: Instant::now(),
        heartbeats_sent: 0,
        open: Vec::new(),
        content: HashMap::new(),
        consumers: HashMap::new(),
        unconfirmed: Vec::new(),
        delivered: 0,
        returned: 0,
        confirmed: 0,
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
    let mut caps = FieldTable::builder();
    for cap in [
        "publisher_confirms",
        "basic.nack",
        "consumer_cancel_notify",
        "connection.blocked",
    ] {
        caps.insert(cap, FieldValue::Bool(true)).unwrap();
    }
    let mut props = FieldTable::builder();
    props
        .insert("capabilities", FieldValue::Table(caps.build()))
        .unwrap();
    c.send(&Frame::method(
        0,
        ConnectionStartOk {
            client_properties: props.build(),
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
            heartbeat: t.heartbeat,
        },
    ));
    c.heartbeat = t.heartbeat;
    c.tuned = Instant::now();
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
    c.open.push(1);
    if c.expect("channel.open-ok", w).is_err() {
        return;
    }
    emit(w, json!({"event":"connected"}));
    let secs = plan["seconds"].as_f64().unwrap_or(0.0);
    let until = Instant::now() + Duration::from_secs_f64(secs);
    let mut channels = vec![1];
    match plan["op"].as_str().unwrap() {
        "publish" => {
            let n = plan["body_size"].as_u64().unwrap() as usize;
            let mandatory = plan["mandatory"].as_bool() == Some(true);
            c.publish(
                plan["routing_key"].as_str().unwrap(),
                &vec![b'x'; n],
                mandatory,
            );
            emit(w, json!({"event":"published"}));
            if mandatory && !c.serve(until, w, &|c| c.returned > 0) {
                return;
            }
        }
        "confirm-publish" => {
            c.send(&Frame::method(1, ConfirmSelect { nowait: false }));
            if c.expect("confirm.select-ok", w).is_err() {
                return;
            }
            let n = plan["count"].as_u64().unwrap();
            for i in 1..=n {
                c.publish(
                    plan["routing_key"].as_str().unwrap(),
                    format!("m{i}").as_bytes(),
                    false,
                );
                c.unconfirmed.push(i);
            }
            if !c.serve(until, w, &|c| c.confirmed as u64 >= n) {
                return;
            }
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
            if !c.consume(1, plan["queue"].as_str().unwrap(), w) {
                return;
            }
            let n = plan["count"].as_u64().unwrap() as usize;
            if !c.serve(until, w, &|c| c.delivered >= n) {
                return;
            }
        }
        "consume-two" => {
            c.send(&Frame::method(2, ChannelOpen::default()));
            c.open.push(2);
            if c.expect("channel.open-ok", w).is_err() {
                return;
            }
            channels.push(2);
            let queues = plan["queues"].as_array().unwrap();
            for (ch, q) in [1, 2].into_iter().zip(queues) {
                if !c.consume(ch, q.as_str().unwrap(), w) {
                    return;
                }
            }
            if !c.serve(until, w, &|c| c.delivered >= 2) {
                return;
            }
        }
        "wait" if !c.serve(until, w, &|_| false) => return,
        _ => {}
    }
    for ch in channels {
        c.send(&Frame::method(
            ch,
            ChannelClose {
                reply_code: 200,
                ..Default::default()
            },
        ));
        if c.expect("channel.close-ok", w).is_err() {
            return;
        }
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
        assert_eq!(r.verdict, Verdict::Passed, "{}: {}", r.id, r.observed);
    }
}

/// `msgwire fuzz amqp-client`: the conforming client runs clean; the lenient one (frames of
/// any size, heartbeats on any channel, frames on unopened channels ignored) is found not
/// closing for a frame msgwire refuses. Bounded: 24 inputs of about a second each.
#[test]
fn fuzz_amqp_client_clean_and_lenient() {
    use msgwire_conformance::fuzz::{self, Budget, Plan};
    let corpus = msgwire_conformance::vectors::Corpus::embedded().unwrap();
    let plan = Plan {
        targets: vec![("amqp".into(), "strict".into())],
        budget: Budget {
            time: Some(Duration::from_secs(120)),
            runs: Some(24),
        },
        seed: 3,
        minimize_tries: 8,
        baseline: Default::default(),
    };
    let go = |flaw| {
        let t = target(flaw);
        fuzz::run_client(
            &corpus,
            &plan,
            "amqp",
            "amqp-client",
            &mut |i| amqp_client::fuzz_exchange(&t, i),
            &mut |_| {},
            &mut |_| {},
        )
    };
    // Both runs at once (each mostly waits on its client, about a second an input).
    let (clean, lenient) = std::thread::scope(|s| {
        let lenient = s.spawn(|| go(Flaw::Lenient));
        (go(Flaw::None), lenient.join().unwrap())
    });
    let sigs: Vec<&str> = clean
        .findings
        .iter()
        .map(|f| f.disagreement.signature.as_str())
        .collect();
    assert!(sigs.is_empty(), "{sigs:?}");
    assert!(
        clean.tallies[0].2.compared >= 12,
        "{:?}",
        clean.tallies[0].2
    );
    let sigs: Vec<&str> = lenient
        .findings
        .iter()
        .map(|f| f.disagreement.signature.as_str())
        .collect();
    assert!(
        sigs.iter().any(|s| s.starts_with("amqp-client:no-close:")),
        "{sigs:?}"
    );
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
                "amqp-client/connection/blocked-unblocked",
                "amqp-client/consumer/server-cancel",
                "amqp-client/publish/mandatory-return",
                "amqp-client/confirm/ack-nack-multiple",
                "amqp-client/content/interleaved-channels",
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
        (
            Flaw::IgnoresBlocked,
            &["amqp-client/connection/blocked-unblocked"],
        ),
        (Flaw::IgnoresCancel, &["amqp-client/consumer/server-cancel"]),
        (
            Flaw::DropsReturns,
            &["amqp-client/publish/mandatory-return"],
        ),
        (
            Flaw::MultipleAsSingle,
            &["amqp-client/confirm/ack-nack-multiple"],
        ),
        (
            Flaw::OneContentBuffer,
            &["amqp-client/content/interleaved-channels"],
        ),
    ];
    // The clients side by side, one thread each (a run mostly waits on its client: 51 s one
    // after the other); each case listens on its own ephemeral port. Judged in order below.
    let runs: Vec<Vec<CaseResult>> = std::thread::scope(|s| {
        let handles: Vec<_> = expect
            .iter()
            .map(|&(flaw, _)| {
                s.spawn(move || {
                    // The heartbeat cases wait seconds each and no flaw here is about heartbeats.
                    live::run(
                        &amqp_client::cases(),
                        &target(flaw),
                        &Selection {
                            strict: true,
                            skip: vec!["amqp-client/heartbeat/*".into()],
                            ..Default::default()
                        },
                    )
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    for ((flaw, ids), results) in expect.iter().zip(runs) {
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
fn a_client_whose_heartbeats_stop_fails_both_heartbeat_cases() {
    // One heartbeat, then silence; and it keeps a silent broker's connection.
    let results = live::run(
        &amqp_client::cases(),
        &target(Flaw::HeartbeatsStop),
        &Selection {
            strict: true,
            only: vec!["amqp-client/heartbeat/*".into()],
            ..Default::default()
        },
    );
    assert_eq!(
        failed(&results),
        [
            "amqp-client/heartbeat/sent",
            "amqp-client/heartbeat/silent-broker-dropped",
            "amqp-client/heartbeat/broker-stops-dropped"
        ],
        "{results:#?}"
    );
    assert!(
        results[0].observed.contains("fell silent"),
        "{}",
        results[0].observed
    );
}

#[test]
fn a_client_that_drops_too_soon_fails_both_drop_cases() {
    // It drops 400 ms after tune: while the broker's heartbeats still come, and before two
    // intervals of a silent broker passed (600 ms of slack either way for a loaded machine).
    let results = live::run(
        &amqp_client::cases(),
        &target(Flaw::DropsEarly),
        &Selection {
            strict: true,
            only: vec!["amqp-client/heartbeat/*-dropped".into()],
            ..Default::default()
        },
    );
    assert_eq!(
        failed(&results),
        [
            "amqp-client/heartbeat/silent-broker-dropped",
            "amqp-client/heartbeat/broker-stops-dropped"
        ],
        "{results:#?}"
    );
    assert!(
        results[1].observed.contains("a peer waits two intervals"),
        "{}",
        results[1].observed
    );
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

#[test]
#[ignore = "needs the lapin driver built (.ci/peers/clients.sh)"]
fn rust_lapin() {
    real(
        &format!("{}/lapin-target/release/msgwire-lapin-driver", peers()),
        "amqp-client-lapin.baseline",
    );
}
