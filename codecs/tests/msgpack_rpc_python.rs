//! Interop with a MessagePack-RPC server we did not write: msgpack-rpc-python 0.4.1 (on
//! msgpack-python 0.5.6 and tornado 4.5), on 127.0.0.1. Call, notify and error paths, using
//! only this codec. Needs the peer: run by `.ci/peers/msgpack-rpc.sh`, which sets
//! `MSGWIRE_MPRPC_PYTHON` to a venv's python.
#![cfg(feature = "msgpack-rpc")]

use msgwire::msgpack_rpc::neovim::Calls;
use msgwire::msgpack_rpc::{Int, Limits, OwnedMessage, Profile, Splitter, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(20);

const SERVER: &str = r#"
import sys
import msgpackrpc

class Handler(object):
    notes = []
    def add(self, a, b): return a + b
    def echo(self, x): return x
    def fail(self): raise ValueError("boom")
    def note(self, x): Handler.notes.append(x)
    def notes_seen(self): return Handler.notes

server = msgpackrpc.Server(Handler())
server.listen(msgpackrpc.Address("127.0.0.1", int(sys.argv[1])))
print("ready", flush=True)
server.start()
"#;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_server() -> (Server, u16) {
    let python = std::env::var("MSGWIRE_MPRPC_PYTHON").unwrap_or_else(|_| "python3".into());
    // An ephemeral port: bind, note it, release it for the server.
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut child = Command::new(python)
        .args(["-c", SERVER, &port.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("python with msgpack-rpc-python");
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    let server = Server(child);
    let line = rx.recv_timeout(WAIT).expect("server started in time");
    assert_eq!(line.trim(), "ready");
    (server, port)
}

struct Client {
    conn: TcpStream,
    splitter: Splitter,
}

impl Client {
    fn connect(port: u16, profile: Profile) -> Client {
        let conn = TcpStream::connect(("127.0.0.1", port)).unwrap();
        conn.set_read_timeout(Some(WAIT)).unwrap();
        conn.set_write_timeout(Some(WAIT)).unwrap();
        Client {
            conn,
            splitter: Splitter::new(Limits::default(), profile),
        }
    }

    fn send(&mut self, m: &OwnedMessage) {
        self.conn.write_all(&m.to_vec()).unwrap();
    }

    fn recv(&mut self) -> Result<OwnedMessage, msgwire::msgpack_rpc::Error> {
        let deadline = Instant::now() + WAIT;
        let mut buf = [0u8; 16 * 1024];
        loop {
            if let Some(m) = self.splitter.next_message()? {
                return Ok(m);
            }
            assert!(Instant::now() < deadline, "server answered in time");
            let n = self.conn.read(&mut buf).expect("read within the timeout");
            assert!(n > 0, "server closed the connection");
            self.splitter.push(&buf[..n]);
        }
    }

    fn call(&mut self, msgid: u32, method: &str, params: Vec<Value>) -> (Value, Value) {
        self.send(&OwnedMessage::request(msgid, method, params));
        match self.recv().unwrap() {
            OwnedMessage::Response {
                msgid: id,
                error,
                result,
            } => {
                assert_eq!(id, msgid);
                (error, result)
            }
            other => panic!("{other:?}"),
        }
    }
}

#[test]
#[ignore = "needs msgpack-rpc-python: run by .ci/peers/msgpack-rpc.sh"]
fn msgpack_rpc_python_server() {
    let (_server, port) = start_server();
    let mut c = Client::connect(port, Profile::Strict);

    // Call.
    assert_eq!(
        c.call(1, "add", vec![Value::from(1), Value::from(2)]),
        (Value::Nil, Value::from(3))
    );
    let big = c
        .call(2, "add", vec![Value::from(u64::MAX - 1), Value::from(1)])
        .1;
    assert_eq!(big, Value::Int(Int::from(u64::MAX)));
    let text = "héllo wörld ✓ 日本語";
    assert_eq!(
        c.call(3, "echo", vec![Value::from(text)]).1,
        Value::from(text)
    );
    let nested = Value::Array(vec![
        Value::from(-129),
        Value::from(i64::MIN),
        Value::F64(-0.25),
        Value::Map(vec![(
            Value::from("k"),
            Value::Array(vec![Value::Nil, Value::from(true)]),
        )]),
    ]);
    assert_eq!(c.call(4, "echo", vec![nested.clone()]).1, nested);
    assert_eq!(
        c.call(u32::MAX, "add", vec![Value::from(2), Value::from(2)])
            .1,
        Value::from(4)
    );

    // Errors: an exception in the method, and an unknown method.
    let (error, result) = c.call(5, "fail", vec![]);
    assert_eq!(result, Value::Nil);
    assert!(
        error.as_str().is_some_and(|e| e.contains("boom")),
        "{error:?}"
    );
    let (error, result) = c.call(6, "no_such_method", vec![]);
    assert_eq!(result, Value::Nil);
    assert!(
        error.as_str().is_some_and(|e| e.contains("not found")),
        "{error:?}"
    );

    // Notify: no response; its effect shows in the next call's answer.
    c.send(&OwnedMessage::notification(
        "note",
        vec![Value::from("first")],
    ));
    c.send(&OwnedMessage::notification(
        "note",
        vec![Value::from("second")],
    ));
    assert_eq!(
        c.call(7, "notes_seen", vec![]).1,
        Value::Array(vec![Value::from("first"), Value::from("second")])
    );

    // Pipelined calls matched by msgid.
    let mut calls = Calls::starting_at(1000, 8);
    for n in 0..6i64 {
        let id = calls.start(n).unwrap();
        c.send(&OwnedMessage::request(
            id,
            "add",
            vec![Value::from(n), Value::from(n)],
        ));
    }
    for _ in 0..6 {
        let OwnedMessage::Response { msgid, result, .. } = c.recv().unwrap() else {
            panic!("not a response")
        };
        let n = calls.finish(msgid).expect("in flight");
        assert_eq!(result, Value::from(2 * n));
    }
    assert_eq!(calls.in_flight(), 0);
}

#[test]
#[ignore = "needs msgpack-rpc-python: run by .ci/peers/msgpack-rpc.sh"]
fn msgpack_rpc_python_turns_bin_into_str() {
    // Finding: msgpack-python 0.5.6 (as msgpack-rpc-python uses it) reads a bin as bytes and
    // writes bytes back as a str (the pre-2013 "raw" type), so a bin that is not UTF-8 comes
    // back as a str that is not UTF-8. Strict refuses it; lenient keeps the bytes.
    let (_server, port) = start_server();
    let mut strict = Client::connect(port, Profile::Strict);
    strict.send(&OwnedMessage::request(
        1,
        "echo",
        vec![Value::Bin(vec![0xff, 0xfe, 0x00])],
    ));
    assert_eq!(strict.recv().unwrap_err().kind(), "invalid-utf8");

    let mut lenient = Client::connect(port, Profile::Lenient);
    let (error, result) = lenient.call(2, "echo", vec![Value::Bin(vec![0xff, 0xfe, 0x00])]);
    assert_eq!(error, Value::Nil);
    assert_eq!(result, Value::RawStr(vec![0xff, 0xfe, 0x00]));
}
