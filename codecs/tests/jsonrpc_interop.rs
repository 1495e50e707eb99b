//! Interop with live peers over pipes (no network): Python `json-rpc` behind LSP-style
//! `Content-Length` framing and node `jayson` behind newline-delimited JSON. We encode the
//! requests and a batch, frame them, and match the peers' replies (in whatever order they come)
//! with the `Correlator`. Needs the peers: run by `.ci/peers/jsonrpc.sh`.
#![cfg(feature = "jsonrpc")]

use std::collections::HashMap;
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

use msgwire::jsonrpc::framing::{
    decode_content_length, decode_line, encode_content_length, encode_line,
};
use msgwire::jsonrpc::{
    self, Batch, Correlator, Id, Limits, Message, Outcome, Payload, Raw, Request, Resolution,
};
use msgwire::Decoded;
use serde_json::{json, Value};

const DEADLINE: Duration = Duration::from_secs(30);

struct Peer {
    child: Child,
    stdin: Option<ChildStdin>,
    rx: Receiver<Vec<u8>>,
    buf: Vec<u8>,
    lsp: bool,
}

impl Peer {
    fn spawn(mut cmd: Command, lsp: bool) -> Peer {
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
        let mut out = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut chunk = [0u8; 4096];
            while let Ok(n) = out.read(&mut chunk) {
                if n == 0 || tx.send(chunk[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Peer {
            stdin: child.stdin.take(),
            child,
            rx,
            buf: Vec::new(),
            lsp,
        }
    }

    fn send(&mut self, body: &[u8]) {
        let mut framed = Vec::new();
        if self.lsp {
            encode_content_length(body, &mut framed);
        } else {
            encode_line(body, &mut framed);
        }
        let stdin = self.stdin.as_mut().unwrap();
        stdin.write_all(&framed).unwrap();
        stdin.flush().unwrap();
    }

    /// The next reply body, or `None` at the deadline or when the peer closed its output.
    fn next(&mut self, deadline: Instant) -> Option<Vec<u8>> {
        loop {
            let found = if self.lsp {
                decode_content_length(&self.buf, &Limits::default())
            } else {
                decode_line(&self.buf, &Limits::default())
            };
            match found.expect("the peer's framing is valid") {
                Decoded::Complete { value, used } => {
                    let body = value.to_vec();
                    self.buf.drain(..used);
                    return Some(body);
                }
                Decoded::NeedMore { .. } => {
                    let left = deadline.checked_duration_since(Instant::now())?;
                    self.buf.extend(self.rx.recv_timeout(left).ok()?);
                }
            }
        }
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        drop(self.stdin.take());
        let until = Instant::now() + Duration::from_secs(5);
        while Instant::now() < until {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn raw(text: &str) -> Raw<'static> {
    Raw::from(serde_json::value::RawValue::from_string(text.to_string()).unwrap())
}

fn request(method: &str, params: Option<&str>, id: Option<Id<'static>>) -> Message<'static> {
    Message::Request(Request {
        method: method.to_string().into(),
        params: params.map(raw),
        id,
    })
}

/// Sends the workload, returns how many replies were matched.
fn exchange(peer: &mut Peer) -> usize {
    let mut correlator = Correlator::new();
    // Expected outcome per id key: Ok(result) or Err(error code).
    let mut expected: HashMap<String, Result<Value, i64>> = HashMap::new();
    let mut expect = |c: &mut Correlator, id: &Id<'_>, want: Result<Value, i64>| {
        assert!(c.expect(id));
        expected.insert(id.match_key().1.into_owned(), want);
    };
    let mut sent = Vec::new();
    for i in 0..50i64 {
        let id = if i % 2 == 0 {
            Id::number(i)
        } else {
            Id::string(&format!("s{i}"))
        };
        expect(&mut correlator, &id, Ok(json!(6 * i)));
        sent.push(request(
            "subtract",
            Some(&format!("[{},{}]", 7 * i, i)),
            Some(id),
        ));
    }
    let named = Id::string("named");
    expect(&mut correlator, &named, Ok(json!(19)));
    sent.push(request(
        "subtract",
        Some(r#"{"subtrahend":23,"minuend":42}"#),
        Some(named),
    ));
    // An id written with an escape: the peer echoes the value, we match by value.
    let escaped = Id::parse(r#""\u0041x""#).unwrap();
    expect(
        &mut correlator,
        &escaped,
        Ok(json!(["caf\u{e9} \u{2713} \u{1f600}", "tab\t"])),
    );
    sent.push(request(
        "echo",
        Some("[\"caf\u{e9} \\u2713 \u{1f600}\",\"tab\\t\"]"),
        Some(escaped),
    ));
    for _ in 0..5 {
        sent.push(request("notify", Some("[1]"), None));
    }
    for m in &sent {
        peer.send(&m.to_vec());
    }
    // One batch: two calls, a notification, an unknown method.
    let batch = [
        request("sum", Some("[1,2,3]"), Some(Id::number(1000))),
        request("notify", Some("[]"), None),
        request(
            "echo",
            Some(r#"{"k":[1,"x",null]}"#),
            Some(Id::string("b-echo")),
        ),
        request("no_such_method", None, Some(Id::number(1001))),
    ];
    expect(&mut correlator, &Id::number(1000), Ok(json!(6)));
    expect(
        &mut correlator,
        &Id::string("b-echo"),
        Ok(json!({"k": [1, "x", null]})),
    );
    expect(
        &mut correlator,
        &Id::number(1001),
        Err(jsonrpc::ErrorCode::METHOD_NOT_FOUND.0),
    );
    peer.send(&Payload::Batch(Batch::from_messages(&batch)).to_vec());

    let deadline = Instant::now() + DEADLINE;
    let mut matched = 0;
    while correlator.outstanding() > 0 {
        let body = peer.next(deadline).unwrap_or_else(|| {
            panic!(
                "{} replies missing at the deadline",
                correlator.outstanding()
            )
        });
        let payload = jsonrpc::decode(&body)
            .unwrap_or_else(|e| panic!("peer reply {:?}: {e}", String::from_utf8_lossy(&body)));
        for r in correlator.resolve_all(&payload) {
            let (resolution, response) = r.expect("the peer sends responses");
            let Resolution::Matched(id) = resolution else {
                panic!("unmatched reply {:?}", String::from_utf8_lossy(&body))
            };
            let want = &expected[&*id.match_key().1];
            match (&response.outcome, want) {
                (Outcome::Result(v), Ok(w)) => {
                    let v: Value = serde_json::from_str(v.get()).unwrap();
                    assert_eq!(&v, w, "id {id}");
                }
                (Outcome::Error(e), Err(code)) => assert_eq!(e.code, *code, "id {id}"),
                (got, want) => panic!("id {id}: got {got:?}, want {want:?}"),
            }
            matched += 1;
        }
    }
    // Notifications got nothing: nothing more arrives.
    assert_eq!(peer.next(Instant::now() + Duration::from_millis(300)), None);
    matched
}

fn script(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../vectors/generate/jsonrpc")
        .join(name)
}

#[test]
#[ignore = "needs Python json-rpc: run by .ci/peers/jsonrpc.sh"]
fn python_json_rpc_over_content_length() {
    let python = std::env::var("MSGWIRE_JSONRPC_PYTHON").unwrap_or_else(|_| "python3".into());
    let mut cmd = Command::new(python);
    cmd.arg(script("interop_jsonrpc_peer.py"));
    let mut peer = Peer::spawn(cmd, true);
    assert_eq!(exchange(&mut peer), 55);
}

#[test]
#[ignore = "needs node jayson: run by .ci/peers/jsonrpc.sh"]
fn jayson_over_ndjson() {
    assert!(
        std::env::var_os("NODE_MODULES_DIR").is_some(),
        "set NODE_MODULES_DIR to a node_modules holding jayson"
    );
    let mut cmd = Command::new("node");
    cmd.arg(script("interop_jayson_peer.mjs"));
    let mut peer = Peer::spawn(cmd, false);
    assert_eq!(exchange(&mut peer), 55);
}
