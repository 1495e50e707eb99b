//! Interop with a real Neovim over stdio (`nvim --clean --embed --headless`), using only this
//! codec. Needs `nvim` on PATH: run by `.ci/peers/msgpack-rpc.sh`.
#![cfg(feature = "msgpack-rpc")]

use msgwire::msgpack_rpc::neovim::{Calls, ExtTypes, HandleKind, NvimError};
use msgwire::msgpack_rpc::{Limits, Message, OwnedMessage, Profile, Splitter, Value, ValueRef};
use std::io::{Read, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{self, Receiver};
use std::time::{Duration, Instant};

/// Every wait for Neovim is bounded by this.
const WAIT: Duration = Duration::from_secs(20);

struct Nvim {
    child: Child,
    stdin: ChildStdin,
    chunks: Receiver<Vec<u8>>,
    splitter: Splitter,
    /// Reads that delivered bytes, in total.
    reads: usize,
}

impl Drop for Nvim {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Nvim {
    fn start() -> Nvim {
        let nvim = std::env::var("MSGWIRE_NVIM").unwrap_or_else(|_| "nvim".into());
        let mut child = Command::new(nvim)
            .args(["--clean", "--embed", "--headless"])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("nvim on PATH (apt-get install -y neovim)");
        let stdin = child.stdin.take().unwrap();
        let mut stdout = child.stdout.take().unwrap();
        let (tx, chunks) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = vec![0u8; 64 * 1024];
            while let Ok(n) = stdout.read(&mut buf) {
                if n == 0 || tx.send(buf[..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Nvim {
            child,
            stdin,
            chunks,
            splitter: Splitter::new(Limits::default(), Profile::Neovim),
            reads: 0,
        }
    }

    fn send(&mut self, m: &OwnedMessage) {
        self.stdin.write_all(&m.to_vec()).unwrap();
        self.stdin.flush().unwrap();
    }

    /// The next message's bytes, and how many reads it took to arrive.
    fn frame(&mut self) -> (bytes::Bytes, usize) {
        let deadline = Instant::now() + WAIT;
        let mut reads = 0;
        loop {
            if let Some(f) = self.splitter.next_frame().unwrap() {
                return (f, reads);
            }
            let left = deadline.saturating_duration_since(Instant::now());
            let chunk = self
                .chunks
                .recv_timeout(left)
                .expect("nvim answered in time");
            reads += 1;
            self.reads += 1;
            self.splitter.push(&chunk);
        }
    }

    /// Sends a request and returns the response's (error, result) bytes, skipping
    /// notifications Neovim may send meanwhile (at most 100).
    fn call(&mut self, msgid: u32, method: &str, params: Vec<Value>) -> (bytes::Bytes, usize) {
        self.send(&OwnedMessage::request(msgid, method, params));
        for _ in 0..100 {
            let (f, reads) = self.frame();
            let m = Message::from_slice_with(&f, &Limits::default(), Profile::Neovim).unwrap();
            match m {
                Message::Response { msgid: id, .. } => {
                    assert_eq!(id, msgid, "responses come back to the request");
                    return (f, reads);
                }
                Message::Notification { .. } => continue,
                Message::Request { .. } => panic!("nvim sent a request"),
            }
        }
        panic!("no response to {method}");
    }
}

fn response(f: &[u8]) -> (ValueRef<'_>, ValueRef<'_>) {
    match Message::from_slice_with(f, &Limits::default(), Profile::Neovim).unwrap() {
        Message::Response { error, result, .. } => (error, result),
        other => panic!("{other:?}"),
    }
}

fn strs(v: ValueRef<'_>) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_owned())
        .collect()
}

#[test]
#[ignore = "needs nvim: run by .ci/peers/msgpack-rpc.sh"]
fn neovim_over_stdio() {
    let mut nvim = Nvim::start();

    // nvim_get_api_info: learn the ext type ids.
    let (f, _) = nvim.call(1, "nvim_get_api_info", vec![]);
    let (error, result) = response(&f);
    assert!(error.is_nil());
    let types = ExtTypes::from_api_info(&result).expect("types in api info");
    let channel = result.as_array().unwrap().get(0).unwrap().as_int().unwrap();
    assert!(channel.as_u64().unwrap() >= 1);

    // The current buffer comes back as a typed handle.
    let (f, _) = nvim.call(2, "nvim_get_current_buf", vec![]);
    let (_, buf) = response(&f);
    let handle = types.handle(&buf).expect("a Buffer ext");
    assert_eq!(handle.kind, HandleKind::Buffer);

    // Lines with non-ASCII text, set and read back through the handle.
    let lines = ["héllo wörld", "日本語 ✓", "🎉 emoji", ""];
    let set = vec![
        types.to_value(handle),
        Value::from(0),
        Value::from(-1),
        Value::from(false),
        Value::Array(lines.iter().map(|s| Value::from(*s)).collect()),
    ];
    let (f, _) = nvim.call(3, "nvim_buf_set_lines", set);
    let (error, _) = response(&f);
    assert!(error.is_nil(), "{error:?}");
    let get = vec![
        types.to_value(handle),
        Value::from(0),
        Value::from(-1),
        Value::from(false),
    ];
    let (f, _) = nvim.call(4, "nvim_buf_get_lines", get);
    assert_eq!(strs(response(&f).1), lines);

    // A nested list with large and negative integers and floats.
    let expr = "[1, -2, 4294967296, -9007199254740993, v:numbermax, v:numbermin, 1.5, -0.25, 1.0e300, [[], {'k': [-1]}]]";
    let (f, _) = nvim.call(5, "nvim_eval", vec![Value::from(expr)]);
    let (error, result) = response(&f);
    assert!(error.is_nil());
    let items = result.as_array().unwrap().to_values();
    let int = |i: usize| items[i].as_int().unwrap().as_i128();
    assert_eq!(
        (int(0), int(1), int(2), int(3), int(4), int(5)),
        (
            1,
            -2,
            4294967296,
            -9007199254740993,
            i64::MAX as i128,
            i64::MIN as i128
        )
    );
    assert_eq!(items[6], ValueRef::F64(1.5));
    assert_eq!(items[7], ValueRef::F64(-0.25));
    assert_eq!(items[8], ValueRef::F64(1.0e300));
    let nested = items[9].as_array().unwrap().to_values();
    assert_eq!(nested[0].as_array().unwrap().len(), 0);
    assert_eq!(
        nested[1]
            .as_map()
            .unwrap()
            .get("k")
            .unwrap()
            .as_array()
            .unwrap()
            .get(0)
            .unwrap()
            .as_int()
            .unwrap()
            .as_i64(),
        Some(-1)
    );

    // An unknown method: an error response, and Neovim is still there.
    let (f, _) = nvim.call(6, "no_such_method", vec![]);
    let (error, result) = response(&f);
    assert!(result.is_nil());
    let e = NvimError::from_value(&error).expect("[type, message]");
    assert!(e.message.contains("no_such_method"), "{e:?}");

    // A notification gets no response: the next message is the answer to the next request.
    nvim.send(&OwnedMessage::notification(
        "nvim_set_var",
        vec![Value::from("msgwire_note"), Value::from(42)],
    ));
    let (f, _) = nvim.call(7, "nvim_get_var", vec![Value::from("msgwire_note")]);
    assert_eq!(response(&f).1.as_int().unwrap().as_i64(), Some(42));

    // The largest msgid.
    let (f, _) = nvim.call(u32::MAX, "nvim_eval", vec![Value::from("1+1")]);
    assert_eq!(
        Message::from_slice_with(&f, &Limits::default(), Profile::Neovim)
            .unwrap()
            .msgid(),
        Some(u32::MAX)
    );

    // A reply of more than 64 KiB, arriving in pieces.
    let (f, reads) = nvim.call(9, "nvim_eval", vec![Value::from("repeat('ä', 150000)")]);
    assert!(f.len() > 64 * 1024);
    assert!(reads > 1, "{} bytes in {reads} read(s)", f.len());
    assert_eq!(response(&f).1.as_str().unwrap().chars().count(), 150000);

    // Pipelined requests, matched to their responses by msgid (in whatever order they come).
    let mut calls = Calls::starting_at(100, 16);
    for n in 0..5 {
        let id = calls.start(n).unwrap();
        nvim.send(&OwnedMessage::request(
            id,
            "nvim_eval",
            vec![Value::from(format!("{n}*{n}"))],
        ));
    }
    for _ in 0..5 {
        let (f, _) = nvim.frame();
        let m = Message::from_slice_with(&f, &Limits::default(), Profile::Neovim).unwrap();
        let Message::Response { msgid, result, .. } = m else {
            continue;
        };
        let n: i64 = calls.finish(msgid).expect("a request in flight");
        assert_eq!(result.as_int().unwrap().as_i64(), Some(n * n));
    }
    assert_eq!(calls.in_flight(), 0);
    assert!(nvim.reads >= 10);
}
