//! The MessagePack-RPC live suite against misbehaving fake servers (loopback), and against a
//! real Neovim (ignored unless `nvim` is installed: `.ci/peers/msgpack-rpc.sh`).
#![cfg(feature = "msgpack-rpc")]

mod common;
use common::fake;

use std::io::{Read, Write};
use std::net::TcpListener;
use std::thread;
use std::time::{Duration, Instant};

use msgwire::msgpack_rpc::{Message, OwnedMessage, Value};
use msgwire_conformance::live::{self, msgpack_rpc, Selection, Verdict};

const TIMEOUT: Duration = Duration::from_millis(800);

fn run(url: &str, only: &str) -> live::CaseResult {
    let target =
        msgpack_rpc::Target::new(Some(&format!("tcp://{url}")), None, None, TIMEOUT).unwrap();
    common::run_one(&msgpack_rpc::cases(), &target, only, TIMEOUT * 8)
}

#[test]
fn silent_garbage_and_closing_servers_fail_within_the_timeout() {
    let silent = fake(1, |s| {
        thread::sleep(Duration::from_secs(5));
        drop(s)
    });
    let r = run(&silent, "*/msgid-echoed");
    assert_eq!(r.verdict, Verdict::Failed);
    assert!(r.observed.contains("no response"), "{}", r.observed);

    let garbage = fake(1, |mut s| {
        let mut b = [0u8; 64];
        let _ = s.read(&mut b);
        let _ = s.write_all(&[0xc1, 0xc1, 0xc1]); // the reserved byte
        thread::sleep(Duration::from_millis(300));
    });
    let r = run(&garbage, "*/msgid-echoed");
    assert_eq!(r.verdict, Verdict::Failed);
    assert!(r.observed.contains("rejects"), "{}", r.observed);

    let closing = fake(1, |mut s| {
        let mut b = [0u8; 64];
        let _ = s.read(&mut b);
        let _ = s.write_all(&[0x94, 0x01]); // half a response, then close
    });
    let r = run(&closing, "*/msgid-echoed");
    assert_eq!(r.verdict, Verdict::Failed);
    assert!(r.observed.contains("closed"), "{}", r.observed);

    // A header declaring 4 GiB of string: refused, not waited for.
    let huge = fake(1, |mut s| {
        let mut b = [0u8; 64];
        let _ = s.read(&mut b);
        let _ = s.write_all(&[0xdb, 0xff, 0xff, 0xff, 0xff]);
        thread::sleep(Duration::from_secs(3));
    });
    let r = run(&huge, "*/msgid-echoed");
    assert_eq!(r.verdict, Verdict::Failed);
}

#[test]
fn a_correct_echo_server_passes() {
    let good = fake(16, |mut s| {
        let mut splitter =
            msgwire::msgpack_rpc::Splitter::new(Default::default(), Default::default());
        let mut buf = [0u8; 4096];
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            let Ok(n) = s.read(&mut buf) else { return };
            if n == 0 {
                return;
            }
            splitter.push(&buf[..n]);
            while let Ok(Some(frame)) = splitter.next_frame() {
                if let Ok(Message::Request {
                    msgid,
                    method,
                    params,
                }) = Message::from_slice(&frame)
                {
                    let reply = if method.as_str() == Some("echo") {
                        OwnedMessage::result(
                            msgid,
                            params.get(0).map(|v| v.into_owned()).unwrap_or(Value::Nil),
                        )
                    } else {
                        OwnedMessage::error(msgid, Value::from("no such method"))
                    };
                    let _ = s.write_all(&reply.to_vec());
                }
            }
        }
    });
    let target =
        msgpack_rpc::Target::new(Some(&format!("tcp://{good}")), None, Some("echo"), TIMEOUT)
            .unwrap();
    let results = live::run(&msgpack_rpc::cases(), &target, &Selection::default());
    for r in &results {
        assert_eq!(r.verdict, Verdict::Passed, "{}: {}", r.id, r.observed);
    }
    assert_eq!(results.len(), 9);
}

#[test]
#[ignore = "needs Neovim: run by .ci/peers/msgpack-rpc.sh"]
fn neovim_passes_the_suite() {
    let target = msgpack_rpc::Target::new(
        None,
        Some("nvim --clean --embed --headless"),
        None,
        Duration::from_secs(5),
    )
    .unwrap();
    let results = live::run(
        &msgpack_rpc::cases(),
        &target,
        &Selection {
            strict: true,
            ..Default::default()
        },
    );
    println!("{}", live::terminal_report(&results, true));
    assert!(!live::failed(&results));
}

const PYTHON_SERVER: &str = r#"
import sys
import msgpackrpc

class Handler(object):
    def echo(self, x): return x

server = msgpackrpc.Server(Handler())
server.listen(msgpackrpc.Address("127.0.0.1", int(sys.argv[1])))
print("ready", flush=True)
server.start()
"#;

#[test]
#[ignore = "needs msgpack-rpc-python: run by .ci/peers/msgpack-rpc.sh (sets MSGWIRE_MPRPC_PYTHON)"]
fn msgpack_rpc_python_passes_the_suite() {
    use std::io::BufRead;
    let python = std::env::var("MSGWIRE_MPRPC_PYTHON").unwrap_or_else(|_| "python3".into());
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = std::process::Command::new(python)
        .args(["-c", PYTHON_SERVER, &port.to_string()])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python with msgpack-rpc-python");
    let mut ready = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut ready)
        .unwrap();
    assert_eq!(ready.trim(), "ready");
    let target = msgpack_rpc::Target::new(
        Some(&format!("tcp://127.0.0.1:{port}")),
        None,
        Some("echo"),
        Duration::from_secs(5),
    )
    .unwrap();
    let results = live::run(
        &msgpack_rpc::cases(),
        &target,
        &Selection {
            strict: true,
            ..Default::default()
        },
    );
    let _ = child.kill();
    let _ = child.wait();
    println!("{}", live::terminal_report(&results, true));
    // msgpack-rpc-python echoes a bin as a str (docs/findings.md): the echo case fails.
    let failed: Vec<_> = results
        .iter()
        .filter(|r| r.verdict == Verdict::Failed)
        .map(|r| r.id)
        .collect();
    assert_eq!(failed, ["msgpack-rpc-server/echo/every-type"]);
}

/// Answers a request only when it arrives in one read (no stream reassembly), with an error;
/// closes the connection on bytes that are no MessagePack.
fn one_read_one_message(mut s: std::net::TcpStream) {
    let mut buf = [0u8; 4096];
    let deadline = Instant::now() + Duration::from_secs(5);
    s.set_read_timeout(Some(Duration::from_secs(5))).ok();
    while Instant::now() < deadline {
        let n = match s.read(&mut buf) {
            Ok(0) | Err(_) => return,
            Ok(n) => n,
        };
        match msgwire::msgpack_rpc::ValueRef::decode(&buf[..n]) {
            Err(_) => return,                                  // undecodable: close
            Ok(msgwire::Decoded::NeedMore { .. }) => continue, // a piece: dropped
            Ok(msgwire::Decoded::Complete { .. }) => {}
        }
        if let Ok(Message::Request { msgid, .. }) = Message::from_slice(&buf[..n]) {
            let reply = OwnedMessage::error(msgid, Value::from("no such method"));
            let _ = s.write_all(&reply.to_vec());
        }
    }
}

#[test]
fn a_server_that_needs_whole_messages_per_read_fails_split_writes() {
    let addr = fake(16, one_read_one_message);
    let r = run(&addr, "msgpack-rpc-server/stream/split-writes");
    assert_eq!(r.verdict, Verdict::Failed, "{}", r.observed);
    assert!(r.observed.contains("no response"), "{}", r.observed);
    // Closing the connection on undecodable bytes, then serving a new one, is right.
    let r = run(&addr, "msgpack-rpc-server/robustness/undecodable-bytes");
    assert_eq!(r.verdict, Verdict::Passed, "{}", r.observed);
    // Two connections, each answered on its own.
    let r = run(&addr, "msgpack-rpc-server/stream/two-connections");
    assert_eq!(r.verdict, Verdict::Passed, "{}", r.observed);
}
