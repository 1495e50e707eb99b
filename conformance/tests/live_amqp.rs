//! The AMQP live suite against misbehaving fake brokers (in-process, loopback), and against a
//! real RabbitMQ (ignored unless one runs: `.ci/peers/rabbitmq.sh start`).
#![cfg(feature = "amqp")]

mod common;
use common::{fake, run_one};

use std::io::{Read, Write};
use std::thread;
use std::time::Duration;

use msgwire::amqp::{ConnectionStart, Frame, LongStr};
use msgwire_conformance::live::{self, amqp, Selection, Verdict};

fn start_frame() -> Vec<u8> {
    Frame::method(
        0,
        ConnectionStart {
            version_major: 0,
            version_minor: 9,
            mechanisms: LongStr::try_from("PLAIN").unwrap(),
            locales: LongStr::try_from("en_US").unwrap(),
            ..Default::default()
        },
    )
    .to_vec()
}

fn read_header(s: &mut std::net::TcpStream) {
    let mut h = [0u8; 8];
    let _ = s.read_exact(&mut h);
}

const TIMEOUT: Duration = Duration::from_millis(800);

fn run_against(addr: &str, only: &str) -> live::CaseResult {
    let target = amqp::Target::from_url(&format!("amqp://guest:guest@{addr}/"), TIMEOUT).unwrap();
    // A case waits a handful of times at most, each bounded by the timeout.
    run_one(&amqp::cases(), &target, only, TIMEOUT * 6)
}

#[test]
fn a_silent_broker_gets_a_verdict_within_the_timeout() {
    let addr = fake(1, |s| {
        thread::sleep(Duration::from_secs(5));
        drop(s)
    });
    let r = run_against(&addr, "amqp-broker/protocol-header/0-9-1");
    assert_eq!(r.verdict, Verdict::Failed);
    assert!(r.observed.contains("nothing came"), "{}", r.observed);
}

#[test]
fn a_broker_closing_mid_frame_fails_cleanly() {
    let addr = fake(1, |mut s| {
        read_header(&mut s);
        let start = start_frame();
        let _ = s.write_all(&start[..start.len() / 2]);
    });
    let r = run_against(&addr, "amqp-broker/protocol-header/0-9-1");
    assert_eq!(r.verdict, Verdict::Failed);
    assert!(r.observed.contains("socket closed"), "{}", r.observed);
    // The trace shows the half frame that came before the close.
    assert!(r.trace.iter().any(|l| l.dir == "!" && !l.hex.is_empty()));
}

#[test]
fn garbage_and_huge_frames_are_reported_not_buffered() {
    let addr = fake(1, |mut s| {
        read_header(&mut s);
        let _ = s.write_all(b"\x07garbage that is no frame");
        thread::sleep(Duration::from_millis(300));
    });
    let r = run_against(&addr, "amqp-broker/protocol-header/0-9-1");
    assert_eq!(r.verdict, Verdict::Failed);
    assert!(r.observed.contains("unknown frame type"), "{}", r.observed);

    // A frame head declaring 4 GiB: the suite must not wait for (or allocate) 4 GiB.
    let addr = fake(1, |mut s| {
        read_header(&mut s);
        let _ = s.write_all(&[3, 0, 1, 0xff, 0xff, 0xff, 0xff]);
        thread::sleep(Duration::from_secs(3));
    });
    let r = run_against(&addr, "amqp-broker/protocol-header/0-9-1");
    assert_eq!(r.verdict, Verdict::Failed);
}

#[test]
fn a_slow_drip_broker_is_bounded_by_the_timeout() {
    let addr = fake(1, |mut s| {
        read_header(&mut s);
        for b in start_frame() {
            if s.write_all(&[b]).is_err() {
                return;
            }
            thread::sleep(Duration::from_millis(150));
        }
    });
    let r = run_against(&addr, "amqp-broker/protocol-header/0-9-1");
    assert_eq!(r.verdict, Verdict::Failed);
}

#[test]
fn a_refusing_broker_passes_the_header_case() {
    let addr = fake(1, |mut s| {
        read_header(&mut s);
        let _ = s.write_all(b"AMQP\x00\x00\x09\x01");
    });
    let r = run_against(&addr, "amqp-broker/protocol-header/unsupported-version");
    assert_eq!(r.verdict, Verdict::Passed, "{}", r.observed);
}

#[test]
fn broker_urls_parse() {
    let t = amqp::Target::from_url("amqp://u:p@h:1234/%2fv", TIMEOUT).unwrap();
    assert_eq!(
        (
            t.addr.as_str(),
            t.user.as_str(),
            t.password.as_str(),
            t.vhost.as_str()
        ),
        ("h:1234", "u", "p", "/v")
    );
    let t = amqp::Target::from_url("amqp://localhost", TIMEOUT).unwrap();
    assert_eq!((t.addr.as_str(), t.vhost.as_str()), ("localhost:5672", "/"));
    assert!(amqp::Target::from_url("http://x", TIMEOUT).is_err());
}

#[test]
#[ignore = "needs RabbitMQ: run by .ci/peers/rabbitmq.sh test"]
fn rabbitmq_passes_every_case_but_its_known_deviations() {
    let addr = std::env::var("MSGWIRE_AMQP_ADDR").unwrap_or_else(|_| "127.0.0.1:5672".into());
    let target = amqp::Target::from_url(
        &format!("amqp://guest:guest@{addr}/"),
        Duration::from_secs(5),
    )
    .unwrap();
    let results = live::run(
        &amqp::cases(),
        &target,
        &Selection {
            strict: true,
            accept: vec!["rabbitmq".into()],
            ..Default::default()
        },
    );
    println!("{}", live::terminal_report(&results, false));
    let failed: Vec<_> = results
        .iter()
        .filter(|r| r.verdict == Verdict::Failed)
        .map(|r| r.id)
        .collect();
    // RabbitMQ 3.10 drops the connection without connection.close on an unknown class or
    // method id (docs/findings.md); everything else passes, or is one of its named deviations
    // (accepted here, as in .ci/run).
    assert_eq!(
        failed,
        [
            "amqp-broker/method/unknown",
            "amqp-broker/method/unknown-class"
        ]
    );
    let deviations: Vec<_> = results
        .iter()
        .filter(|r| r.verdict == Verdict::NonStrict && r.level == live::Level::Must)
        .map(|r| r.id)
        .collect();
    assert_eq!(deviations.len(), 7, "{deviations:?}");
}
