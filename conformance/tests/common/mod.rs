//! Pieces the tests share: in-process fake servers on loopback, and running the `msgwire`
//! binary with a clean environment.
#![allow(dead_code)] // each test binary uses some of these

use std::io::Read;
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::thread;
use std::time::Duration;

/// A server on 127.0.0.1 that runs `behave` on each of the first `conns` connections (each in
/// its own thread); returns `host:port`.
pub fn fake(conns: usize, behave: fn(TcpStream)) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap().to_string();
    thread::spawn(move || {
        for stream in listener.incoming().take(conns).flatten() {
            thread::spawn(move || behave(stream));
        }
    });
    addr
}

/// Reads one HTTP request (head + Content-Length body); `None` if the client went away.
pub fn read_request(s: &mut TcpStream) -> Option<Vec<u8>> {
    s.set_read_timeout(Some(Duration::from_secs(5))).ok();
    let mut buf = Vec::new();
    let mut chunk = [0u8; 65536];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
            let len: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap_or(0);
            if buf.len() >= end + 4 + len {
                return Some(buf[end + 4..end + 4 + len].to_vec());
            }
        }
        match s.read(&mut chunk) {
            Ok(0) | Err(_) => return None,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
    }
}

/// Runs the one case `only` (SHOULD cases included) and checks that it came back within
/// `bound`: a live case's every wait is bounded by the target's timeout.
pub fn run_one<T>(
    cases: &[msgwire_conformance::live::Case<T>],
    target: &T,
    only: &str,
    bound: Duration,
) -> msgwire_conformance::live::CaseResult {
    let started = std::time::Instant::now();
    let mut results = msgwire_conformance::live::run(
        cases,
        target,
        &msgwire_conformance::live::Selection {
            only: vec![only.into()],
            strict: true,
            ..Default::default()
        },
    );
    assert!(
        started.elapsed() < bound,
        "{only} took {:?}",
        started.elapsed()
    );
    assert_eq!(results.len(), 1, "{only} selects one case");
    results.remove(0)
}

/// A fresh scratch directory `<temp>/<prefix>-<pid>-<name>`.
pub fn scratch(prefix: &str, name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("{prefix}-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// `msgwire ARGS` with no stdin, no colour, and neither `MSGWIRE_PROFILE` nor `MSGWIRE_VECTORS`
/// from the environment.
pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_msgwire"))
        .args(args)
        .env_remove("MSGWIRE_PROFILE")
        .env_remove("MSGWIRE_VECTORS")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

/// `msgwire fuzz MODE URL ARGS...` (a live-server target), as [`run`].
pub fn fuzz_server(mode: &str, url: &str, args: &[&str]) -> Output {
    let mut all = vec!["fuzz", mode, url];
    all.extend_from_slice(args);
    run(&all)
}

/// Bytes as text (lossy).
pub fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}
