//! Any implementation as an [`Implementation`], through a subprocess (the adapter contract).
//!
//! The contract is documented in `conformance/README.md`; in short, for `--adapter 'CMD ...'`:
//! - one-shot (default): per case, `CMD ... decode <protocol>` with the input on stdin and the
//!   profile in `MSGWIRE_PROFILE`. Exit 0 + canonical JSON Lines on stdout = accepted; exit 1 =
//!   rejected (stdout may end with `{"error": {"kind", "code", "message"}}`); exit 3 = this
//!   protocol/direction is not supported (skipped); anything else, or a timeout, = crash.
//!   `CMD ... encode <protocol>` reads JSON Lines and writes the bytes (same exit codes).
//! - persistent (`--persistent`): one `CMD ... serve` process; one JSON request per line on
//!   its stdin, one JSON answer per line on its stdout.
//!
//! Every wait is bounded: a child that does not answer in time is killed (its whole process
//! group, on Unix), and in persistent mode restarted for the next request.

use super::{Attempt, EncodeAttempt, Implementation};
use crate::forms::{Decoding, FormError};
use crate::vectors::PROTOCOLS;
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Exit status meaning "not supported" (skipped, not failed).
pub const EXIT_UNSUPPORTED: i32 = 3;

/// Most stdout kept from one answer; more is a contract breach (and bounds our memory).
const MAX_OUTPUT: u64 = 256 * 1024 * 1024;
/// Most stderr kept from one one-shot request.
const MAX_STDERR: u64 = 64 * 1024;
/// The tail of the adapter's stderr kept for a crash report (persistent mode keeps this much
/// of the server's stderr as it runs; one-shot crashes quote this much of theirs).
const STDERR_TAIL: usize = 4 * 1024;
/// Failed requests (crashes, all alike: same exit and stderr) before the adapter has answered a
/// single one, after which the run stops as "cannot start" instead of reporting every trial as
/// a crash: a program that cannot start fails the same way every time.
const STARTUP_TRIES: usize = 3;
/// Failed requests of any kind, before any answer, after which the run stops all the same.
const STARTUP_TRIES_ANY: usize = 10;
/// Timeouts before any answer after which the run stops (an adapter that never answers).
const STARTUP_TIMEOUTS: usize = 2;
/// Deepest JSON nesting accepted in an answer. serde_json's own limit (128) is below what a
/// peer may legitimately answer (a 129-deep MessagePack array is 258 JSON levels); this bound
/// keeps the recursive parser well inside the runner's stack.
const MAX_ANSWER_DEPTH: usize = 2048;

/// Parses one JSON text of an adapter's answer, nested at most [`MAX_ANSWER_DEPTH`] deep.
fn parse_answer(text: &str) -> Result<Value, String> {
    let (mut depth, mut max, mut in_str, mut escaped) = (0usize, 0usize, false, false);
    for b in text.bytes() {
        match (in_str, escaped, b) {
            (true, true, _) => escaped = false,
            (true, false, b'\\') => escaped = true,
            (true, false, b'"') => in_str = false,
            (true, false, _) => {}
            (false, _, b'"') => in_str = true,
            (false, _, b'[' | b'{') => {
                depth += 1;
                max = max.max(depth);
            }
            (false, _, b']' | b'}') => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    if max > MAX_ANSWER_DEPTH {
        return Err(format!("nested {max} deep (at most {MAX_ANSWER_DEPTH})"));
    }
    let lone;
    let text = if text.contains("\\u") {
        lone = lone_surrogates_replaced(text);
        lone.as_str()
    } else {
        text
    };
    let mut de = serde_json::Deserializer::from_str(text);
    de.disable_recursion_limit();
    let v = <Value as serde::Deserialize>::deserialize(&mut de).map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(v)
}

/// `text` with each `\uD800`..`\uDFFF` escape that is not half of a pair replaced by
/// `\uFFFD`. JSON's grammar allows such escapes (RFC 8259 §8.2) and `JSON.stringify` writes
/// them for a lone surrogate; serde_json refuses them; our decoders read one as U+FFFD.
pub(crate) fn lone_surrogates_replaced(text: &str) -> String {
    let b = text.as_bytes();
    // The code unit of a `\uXXXX` escape at `i`.
    let esc = |i: usize| -> Option<u16> {
        if b.get(i..i + 2)? != b"\\u" {
            return None;
        }
        u16::from_str_radix(std::str::from_utf8(b.get(i + 2..i + 6)?).ok()?, 16).ok()
    };
    let (mut out, mut i, mut in_str) = (String::with_capacity(text.len()), 0, false);
    while i < b.len() {
        if in_str && b[i] == b'\\' {
            let n = match esc(i) {
                Some(0xd800..=0xdbff) if matches!(esc(i + 6), Some(0xdc00..=0xdfff)) => 12,
                Some(0xd800..=0xdfff) => {
                    out.push_str("\\ufffd");
                    i += 6;
                    continue;
                }
                Some(_) => 6,
                // `\` and the character it escapes (whole, whatever its length).
                None => 1 + text[i + 1..].chars().next().map_or(0, char::len_utf8),
            };
            out.push_str(&text[i..i + n]);
            i += n;
            continue;
        }
        if b[i] == b'"' {
            in_str = !in_str;
        }
        let len = text[i..].chars().next().map_or(1, char::len_utf8);
        out.push_str(&text[i..i + len]);
        i += len;
    }
    out
}

/// How the adapter process is driven.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// One process per request.
    OneShot,
    /// One `serve` process, JSON Lines requests and answers.
    Persistent,
}

/// An adapter subprocess.
#[derive(Debug)]
pub struct Adapter {
    argv: Vec<String>,
    mode: Mode,
    timeout: Duration,
    /// The one profile to run (`--profile`); `None`: every profile of ours.
    profile: Option<String>,
    server: Option<Server>,
    startup: Startup,
}

/// What is known about whether the adapter can run at all.
#[derive(Debug, Default)]
struct Startup {
    /// Some request was answered within the contract.
    answered: bool,
    /// Requests that crashed or timed out before any answer.
    failed: usize,
    /// Of those, the timeouts.
    timeouts: usize,
    /// Whether every failure so far had the same detail.
    alike: bool,
    /// The first of those failures, and the stderr that came with it.
    first: Option<(String, String)>,
    /// The program could not be spawned.
    spawn_error: Option<String>,
}

#[derive(Debug)]
struct Server {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<std::io::Result<String>>,
    /// The last [`STDERR_TAIL`] bytes of the server's stderr.
    stderr: Arc<Mutex<Vec<u8>>>,
    /// Closed when the server's stderr has ended (all of it is in `stderr`).
    stderr_done: Receiver<()>,
}

impl Drop for Adapter {
    fn drop(&mut self) {
        if let Some(mut s) = self.server.take() {
            kill(&mut s.child);
        }
    }
}

/// Splits a command line into words: whitespace separates; `'...'` and `"..."` quote; `\`
/// escapes the next character outside single quotes.
pub fn split_command(cmd: &str) -> Result<Vec<String>, String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = cmd.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => cur.push(c),
                        None => return Err("unclosed single quote".into()),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c) => cur.push(c),
                            None => return Err("trailing backslash".into()),
                        },
                        Some(c) => cur.push(c),
                        None => return Err("unclosed double quote".into()),
                    }
                }
            }
            '\\' => {
                in_word = true;
                cur.push(chars.next().ok_or("trailing backslash")?);
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    if words.is_empty() {
        return Err("empty adapter command".into());
    }
    Ok(words)
}

impl Adapter {
    /// An adapter running `command` (split like a shell would, without expansions).
    pub fn new(
        command: &str,
        mode: Mode,
        timeout: Duration,
        profile: Option<String>,
    ) -> Result<Adapter, String> {
        Ok(Adapter {
            argv: split_command(command)?,
            mode,
            timeout,
            profile,
            server: None,
            startup: Startup::default(),
        })
    }

    /// Records whether a request was answered, for [`Implementation::startup_failure`].
    fn note(&mut self, failed: Option<&str>, stderr: &str) {
        let s = &mut self.startup;
        match failed {
            None => s.answered = true,
            Some(_) if s.answered => {}
            Some(detail) => {
                s.failed += 1;
                s.timeouts += usize::from(detail.starts_with(NO_ANSWER));
                match &s.first {
                    None => {
                        s.alike = true;
                        s.first = Some((detail.to_string(), stderr.to_string()));
                    }
                    Some((d, _)) => s.alike &= d == detail,
                }
            }
        }
    }

    fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(&self.argv[0]);
        // Tells the child it runs under the contract (`msgwire decode` then also writes its error
        // as the JSON line the contract allows).
        c.args(&self.argv[1..])
            .args(args)
            .env("MSGWIRE_ADAPTER", "1");
        #[cfg(unix)]
        {
            use std::os::unix::process::CommandExt;
            // Its own process group, so that a timeout kills the adapter's children too.
            c.process_group(0);
        }
        c
    }

    fn one_shot(
        &mut self,
        args: &[&str],
        profile: &str,
        stdin: Vec<u8>,
    ) -> Result<Finished, Attempt> {
        let mut cmd = self.command(args);
        cmd.env("MSGWIRE_PROFILE", profile);
        let r = run_child(cmd, stdin, self.timeout);
        match &r {
            Err(Attempt::Crash(e)) if e.starts_with(CANNOT_START) => {
                self.startup.spawn_error.get_or_insert_with(|| e.clone());
            }
            Err(Attempt::Crash(e)) => self.note(Some(e), ""),
            Err(Attempt::Timeout(t)) => self.note(Some(&format!("{NO_ANSWER} {t:?}")), ""),
            Err(_) => {}
            Ok(f) => match f.status.code() {
                Some(0 | 1 | EXIT_UNSUPPORTED) => self.note(None, ""),
                _ => self.note(Some(&exit_crash(f)), &stderr_text(&f.stderr)),
            },
        }
        r
    }

    fn request(&mut self, req: &Value) -> Result<Value, Attempt> {
        let answer = self.request_once(req);
        match &answer {
            Ok(_) => self.note(None, ""),
            Err(a) => {
                let stderr = self
                    .server
                    .as_ref()
                    .map(|s| stderr_text(&s.stderr.lock().unwrap_or_else(|p| p.into_inner())))
                    .unwrap_or_default();
                match a {
                    Attempt::Crash(e) if e.starts_with(CANNOT_START) => {
                        self.startup.spawn_error.get_or_insert_with(|| e.clone());
                    }
                    Attempt::Crash(e) => self.note(Some(e), &stderr),
                    Attempt::Timeout(t) => self.note(Some(&format!("{NO_ANSWER} {t:?}")), &stderr),
                    _ => {}
                }
                // Start afresh for the next request.
                if let Some(mut s) = self.server.take() {
                    kill(&mut s.child);
                }
            }
        }
        answer
    }

    fn request_once(&mut self, req: &Value) -> Result<Value, Attempt> {
        if self.server.is_none() {
            let mut cmd = self.command(&["serve"]);
            cmd.stdin(Stdio::piped())
                .stdout(Stdio::piped())
                .stderr(Stdio::piped());
            let mut child = cmd
                .spawn()
                .map_err(|e| Attempt::Crash(format!("{CANNOT_START} {:?}: {e}", self.argv[0])))?;
            let stdin = child.stdin.take().expect("piped");
            let stdout = child.stdout.take().expect("piped");
            let mut errout = child.stderr.take().expect("piped");
            let stderr = Arc::new(Mutex::new(Vec::new()));
            let tail = Arc::clone(&stderr);
            let (done, stderr_done) = mpsc::channel::<()>();
            std::thread::spawn(move || {
                let _done = done; // dropped at the end of stderr
                let mut chunk = [0u8; 4096];
                while let Ok(n @ 1..) = errout.read(&mut chunk) {
                    let mut t = tail.lock().unwrap_or_else(|p| p.into_inner());
                    t.extend_from_slice(&chunk[..n]);
                    let excess = t.len().saturating_sub(STDERR_TAIL);
                    t.drain(..excess);
                }
            });
            let (tx, lines) = mpsc::channel();
            std::thread::spawn(move || {
                for line in BufReader::new(stdout.take(u64::MAX)).lines() {
                    let stop = line.is_err();
                    if tx.send(line).is_err() || stop {
                        break;
                    }
                }
            });
            self.server = Some(Server {
                child,
                stdin,
                lines,
                stderr,
                stderr_done,
            });
        }
        let server = self.server.as_mut().expect("started");
        let mut line = req.to_string();
        line.push('\n');
        match server
            .stdin
            .write_all(line.as_bytes())
            .and_then(|_| server.stdin.flush())
        {
            Err(e) => Err(Attempt::Crash(
                server.died(&format!("the adapter closed its input ({e})")),
            )),
            Ok(()) => match server.lines.recv_timeout(self.timeout) {
                Ok(Ok(l)) => parse_answer(&l).map_err(|e| {
                    Attempt::Crash(format!(
                        "answer is not JSON ({e}): {}",
                        crate::compare::shorten(&l, 120)
                    ))
                }),
                Ok(Err(e)) => Err(Attempt::Crash(format!("reading the answer: {e}"))),
                Err(RecvTimeoutError::Timeout) => Err(Attempt::Timeout(self.timeout)),
                Err(RecvTimeoutError::Disconnected) => {
                    Err(Attempt::Crash(server.died("the adapter ended its output")))
                }
            },
        }
    }
}

/// The first words of a crash detail meaning the program could not be spawned at all.
const CANNOT_START: &str = "cannot start";
/// The first words of a timeout's detail.
const NO_ANSWER: &str = "no answer in";

impl Server {
    /// A crash detail for a server that stopped answering: how it ended (waiting a moment for
    /// its exit status), and the tail of its stderr.
    fn died(&mut self, what: &str) -> String {
        let deadline = Instant::now() + Duration::from_millis(500);
        let status = loop {
            match self.child.try_wait() {
                Ok(Some(s)) => break Some(s),
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(10))
                }
                _ => break None,
            }
        };
        // The stderr reader may still be draining the pipe: wait for its end (bounded, as a
        // grandchild may hold the pipe open).
        if status.is_some() {
            let _ = self.stderr_done.recv_timeout(Duration::from_millis(500));
        }
        // Once it has exited, how we noticed (its input closed, its output ended) is noise.
        let how = match status.map(|s| s.code()) {
            Some(Some(c)) => format!("the adapter exited, exit status {c}"),
            Some(None) => "the adapter was killed by a signal".into(),
            None => what.to_string(),
        };
        let stderr = stderr_text(&self.stderr.lock().unwrap_or_else(|p| p.into_inner()));
        with_stderr(&how, &stderr)
    }
}

struct Finished {
    status: ExitStatus,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
}

fn kill(child: &mut Child) {
    #[cfg(unix)]
    {
        // The whole process group (see `process_group(0)`), so no grandchild keeps running.
        let _ = Command::new("kill")
            .args(["-KILL", "--", &format!("-{}", child.id())])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status();
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// Runs a child to completion with `stdin` as its input, within `timeout`.
fn run_child(mut cmd: Command, stdin: Vec<u8>, timeout: Duration) -> Result<Finished, Attempt> {
    cmd.stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let program = cmd.get_program().to_string_lossy().into_owned();
    let mut child = cmd
        .spawn()
        .map_err(|e| Attempt::Crash(format!("{CANNOT_START} {program:?}: {e}")))?;
    let mut input = child.stdin.take().expect("piped");
    // A child that exits without reading its input is fine: ignore the broken pipe.
    std::thread::spawn(move || {
        let _ = input.write_all(&stdin);
    });
    let collect = |r: Box<dyn Read + Send>, cap: u64| {
        let (tx, rx) = mpsc::channel();
        std::thread::spawn(move || {
            let mut buf = Vec::new();
            let _ = r.take(cap + 1).read_to_end(&mut buf);
            let _ = tx.send(buf);
        });
        rx
    };
    let out = collect(Box::new(child.stdout.take().expect("piped")), MAX_OUTPUT);
    let err = collect(Box::new(child.stderr.take().expect("piped")), MAX_STDERR);
    let deadline = Instant::now() + timeout;
    let mut pause = Duration::from_micros(200);
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if Instant::now() >= deadline => {
                kill(&mut child);
                return Err(Attempt::Timeout(timeout));
            }
            Ok(None) => {
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(20));
            }
            Err(e) => {
                kill(&mut child);
                return Err(Attempt::Crash(format!("waiting for the adapter: {e}")));
            }
        }
    };
    // A grandchild may still hold the pipes open: wait for them only until the deadline.
    let rest = deadline
        .saturating_duration_since(Instant::now())
        .max(Duration::from_millis(100));
    let stdout = out
        .recv_timeout(rest)
        .map_err(|_| Attempt::Timeout(timeout))?;
    // Bounded: a grandchild may hold stderr open; a loaded machine may be slow to drain it.
    let stderr = err
        .recv_timeout(Duration::from_millis(500))
        .unwrap_or_default();
    if stdout.len() as u64 > MAX_OUTPUT {
        return Err(Attempt::Crash(format!(
            "more than {MAX_OUTPUT} bytes of output"
        )));
    }
    Ok(Finished {
        status,
        stdout,
        stderr,
    })
}

fn stderr_tail(stderr: &[u8]) -> String {
    let s = String::from_utf8_lossy(stderr);
    let last = s.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
    crate::compare::shorten(last.trim(), 200)
}

/// The last [`STDERR_TAIL`] bytes of a stderr, as text without trailing blank lines.
fn stderr_text(stderr: &[u8]) -> String {
    let from = stderr.len().saturating_sub(STDERR_TAIL);
    String::from_utf8_lossy(&stderr[from..])
        .trim_end()
        .to_string()
}

/// `what`, then the stderr's non-blank lines on the same line, joined with ` | `.
fn with_stderr(what: &str, stderr: &str) -> String {
    let lines: Vec<&str> = stderr
        .lines()
        .map(str::trim_end)
        .filter(|l| !l.trim().is_empty())
        .collect();
    if lines.is_empty() {
        what.to_string()
    } else {
        format!("{what}: {}", lines.join(" | "))
    }
}

fn exit_crash(f: &Finished) -> String {
    let how = match f.status.code() {
        Some(c) => format!("exit status {c}"),
        None => "killed by a signal".to_string(),
    };
    with_stderr(&how, &stderr_text(&f.stderr))
}

/// Parses an error object `{"kind", "code", "message"}` as a peer reports it.
fn peer_error(v: Option<&Value>, fallback: &str) -> FormError {
    let o = v.and_then(Value::as_object);
    let get = |k: &str| o.and_then(|o| o.get(k));
    FormError {
        kind: get("kind")
            .and_then(Value::as_str)
            .unwrap_or("rejected")
            .to_string(),
        code: get("code").and_then(Value::as_i64),
        offset: get("offset")
            .and_then(Value::as_u64)
            .and_then(|o| usize::try_from(o).ok()),
        message: get("message")
            .and_then(Value::as_str)
            .unwrap_or(fallback)
            .to_string(),
    }
}

/// Parses JSON Lines; blank lines are ignored.
fn json_lines(out: &[u8]) -> Result<Vec<Value>, String> {
    let text = std::str::from_utf8(out).map_err(|e| format!("output is not UTF-8: {e}"))?;
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            parse_answer(l).map_err(|e| {
                format!(
                    "output line is not JSON ({e}): {}",
                    crate::compare::shorten(l, 120)
                )
            })
        })
        .collect()
}

impl Implementation for Adapter {
    fn name(&self) -> String {
        format!("adapter: {}", self.argv.join(" "))
    }

    /// Every profile of ours (the adapter answers "unsupported" for those it does not model),
    /// or the one chosen with `--profile`.
    fn profiles(&self, protocol: &str) -> Option<Vec<String>> {
        if !PROTOCOLS.contains(&protocol) {
            return None;
        }
        Some(match (&self.profile, crate::forms::profiles(protocol)) {
            (Some(p), _) => vec![p.clone()],
            (None, Some(all)) => all.iter().map(|s| s.to_string()).collect(),
            (None, None) => vec!["strict".to_string()],
        })
    }

    fn decode(&mut self, protocol: &str, profile: &str, input: &[u8]) -> Attempt {
        match self.mode {
            Mode::OneShot => {
                let f = match self.one_shot(&["decode", protocol], profile, input.to_vec()) {
                    Ok(f) => f,
                    Err(a) => return a,
                };
                match f.status.code() {
                    Some(0) => match json_lines(&f.stdout) {
                        Ok(docs) => Attempt::Decoded(Decoding { docs, error: None }),
                        Err(e) => Attempt::Crash(e),
                    },
                    Some(1) => {
                        let mut docs = json_lines(&f.stdout).unwrap_or_default();
                        let err = match docs.last() {
                            Some(Value::Object(o)) if o.len() == 1 && o.contains_key("error") => {
                                docs.pop()
                                    .and_then(|mut v| v.get_mut("error").map(Value::take))
                            }
                            _ => None,
                        };
                        let error = peer_error(err.as_ref(), &stderr_tail(&f.stderr));
                        Attempt::Decoded(Decoding {
                            docs,
                            error: Some(error),
                        })
                    }
                    Some(EXIT_UNSUPPORTED) => Attempt::Unsupported(stderr_tail(&f.stderr)),
                    _ => Attempt::Crash(exit_crash(&f)),
                }
            }
            Mode::Persistent => {
                let req = json!({"op": "decode", "protocol": protocol, "profile": profile,
                                 "input": hex::encode(input)});
                let v = match self.request(&req) {
                    Ok(v) => v,
                    Err(a) => return a,
                };
                if let Some(why) = v.get("unsupported") {
                    return Attempt::Unsupported(why.as_str().unwrap_or("").to_string());
                }
                let docs = match v.get("docs") {
                    Some(Value::Array(d)) => d.clone(),
                    None if v.get("error").is_some() => Vec::new(),
                    _ => {
                        return Attempt::Crash(format!(
                            "answer has no \"docs\" array: {}",
                            crate::compare::shorten(&v.to_string(), 120)
                        ))
                    }
                };
                let error = v
                    .get("error")
                    .filter(|e| !e.is_null())
                    .map(|e| peer_error(Some(e), ""));
                Attempt::Decoded(Decoding { docs, error })
            }
        }
    }

    fn encode(&mut self, protocol: &str, profile: &str, docs: &[Value]) -> EncodeAttempt {
        let crash = |a: Attempt| match a {
            Attempt::Timeout(t) => EncodeAttempt::Timeout(t),
            Attempt::Unsupported(m) => EncodeAttempt::Unsupported(m),
            Attempt::Crash(m) => EncodeAttempt::Crash(m),
            Attempt::Decoded(_) => EncodeAttempt::Crash("unexpected answer".into()),
        };
        match self.mode {
            Mode::OneShot => {
                let mut input = Vec::new();
                for d in docs {
                    input.extend_from_slice(d.to_string().as_bytes());
                    input.push(b'\n');
                }
                let f = match self.one_shot(&["encode", protocol], profile, input) {
                    Ok(f) => f,
                    Err(a) => return crash(a),
                };
                match f.status.code() {
                    Some(0) => EncodeAttempt::Encoded(Ok(f.stdout)),
                    Some(1) => {
                        EncodeAttempt::Encoded(Err(peer_error(None, &stderr_tail(&f.stderr))))
                    }
                    Some(EXIT_UNSUPPORTED) => EncodeAttempt::Unsupported(stderr_tail(&f.stderr)),
                    _ => EncodeAttempt::Crash(exit_crash(&f)),
                }
            }
            Mode::Persistent => {
                let req =
                    json!({"op": "encode", "protocol": protocol, "profile": profile, "docs": docs});
                let v = match self.request(&req) {
                    Ok(v) => v,
                    Err(a) => return crash(a),
                };
                if let Some(why) = v.get("unsupported") {
                    return EncodeAttempt::Unsupported(why.as_str().unwrap_or("").to_string());
                }
                if let Some(e) = v.get("error").filter(|e| !e.is_null()) {
                    return EncodeAttempt::Encoded(Err(peer_error(Some(e), "")));
                }
                match v
                    .get("output")
                    .and_then(Value::as_str)
                    .map(crate::vectors::parse_hex)
                {
                    Some(Ok(b)) => EncodeAttempt::Encoded(Ok(b)),
                    _ => EncodeAttempt::Crash("answer has no hex \"output\"".into()),
                }
            }
        }
    }

    fn checks_error_kind(&self) -> bool {
        false
    }

    fn must_encode(&self) -> bool {
        false
    }

    fn startup_failure(&self) -> Option<String> {
        let s = &self.startup;
        if let Some(e) = &s.spawn_error {
            return Some(format!("--adapter: {e}"));
        }
        let stop = (s.alike && s.failed >= STARTUP_TRIES)
            || s.failed >= STARTUP_TRIES_ANY
            || s.timeouts >= STARTUP_TIMEOUTS;
        if s.answered || !stop {
            return None;
        }
        let (first, stderr) = s.first.clone().unwrap_or_default();
        let mut m = format!(
            "--adapter: the adapter failed each of its first {} requests without answering one \
             (the first: {first})",
            s.failed
        );
        if !stderr.is_empty() && !first.contains(stderr.lines().next().unwrap_or_default()) {
            m.push_str("\nits stderr:");
            for l in stderr.lines() {
                m.push_str("\n  ");
                m.push_str(l);
            }
        }
        Some(m)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lone_surrogates_in_an_answer_read_as_u_fffd() {
        let v = parse_answer(r#"{"docs":[{"m":"\ud800x","p":"\ud83d\ude00","q":"\\ud800\"é"}]}"#)
            .unwrap();
        assert_eq!(v["docs"][0]["m"], "\u{fffd}x");
        assert_eq!(v["docs"][0]["p"], "\u{1F600}");
        assert_eq!(v["docs"][0]["q"], "\\ud800\"é");
        assert!(parse_answer(r#"{"a":"\udc00"#).is_err());
    }

    #[test]
    fn answers_may_nest_deeper_than_serde_default() {
        let deep = format!("{}1{}", "[".repeat(300), "]".repeat(300));
        assert!(parse_answer(&deep).is_ok());
        let too_deep = format!(
            "{}{}",
            "[".repeat(MAX_ANSWER_DEPTH + 1),
            "]".repeat(MAX_ANSWER_DEPTH + 1)
        );
        assert!(parse_answer(&too_deep)
            .unwrap_err()
            .contains("nested 2049 deep"));
        // Brackets inside strings (and escaped quotes) do not count.
        let s = format!(r#"["{}\"{}"]"#, "[".repeat(3000), "{".repeat(3000));
        assert_eq!(parse_answer(&s).unwrap().as_array().unwrap().len(), 1);
        assert!(parse_answer("[1] x").is_err());
    }

    #[test]
    fn splits_like_a_shell() {
        assert_eq!(split_command("python3 a.py").unwrap(), ["python3", "a.py"]);
        assert_eq!(
            split_command(r#"node 'my dir/a.js' "x \"y\"" a\ b ''"#).unwrap(),
            ["node", "my dir/a.js", "x \"y\"", "a b", ""]
        );
        assert!(split_command("a 'b").is_err());
        assert!(split_command("   ").is_err());
    }

    #[cfg(unix)]
    fn sh(script: &str, mode: Mode) -> Adapter {
        let cmd = format!("sh -c '{script}' adapter");
        Adapter::new(&cmd, mode, Duration::from_millis(1500), None).unwrap()
    }

    #[cfg(unix)]
    #[test]
    fn one_shot_exit_codes() {
        let mut a = sh(r#"cat >/dev/null; echo "{\"n\": 1}""#, Mode::OneShot);
        assert_eq!(
            a.decode("jsonrpc", "strict", b"x"),
            Attempt::Decoded(Decoding {
                docs: vec![json!({"n": 1})],
                error: None
            })
        );
        let mut a = sh(
            r#"echo "{\"error\": {\"kind\": \"bad\", \"code\": -32700}}"; exit 1"#,
            Mode::OneShot,
        );
        let Attempt::Decoded(d) = a.decode("jsonrpc", "strict", b"x") else {
            panic!()
        };
        assert_eq!(
            (
                d.docs.len(),
                d.error.as_ref().map(|e| (e.kind.as_str(), e.code))
            ),
            (0, Some(("bad", Some(-32700))))
        );
        let mut a = sh("echo no >&2; exit 3", Mode::OneShot);
        assert_eq!(
            a.decode("jsonrpc", "strict", b"x"),
            Attempt::Unsupported("no".into())
        );
        let mut a = sh("echo oops >&2; exit 7", Mode::OneShot);
        assert_eq!(
            a.decode("jsonrpc", "strict", b"x"),
            Attempt::Crash("exit status 7: oops".into())
        );
        let mut a = sh("echo not-json", Mode::OneShot);
        assert!(matches!(
            a.decode("jsonrpc", "strict", b"x"),
            Attempt::Crash(_)
        ));
        let t0 = Instant::now();
        let mut a = sh("sleep 30", Mode::OneShot);
        assert!(matches!(
            a.decode("jsonrpc", "strict", b"x"),
            Attempt::Timeout(_)
        ));
        assert!(t0.elapsed() < Duration::from_secs(10));
        // The arguments and the profile reach the adapter; encode returns stdout's bytes.
        let mut a = sh(
            r#"printf "%s %s %s" "$1" "$2" "$MSGWIRE_PROFILE""#,
            Mode::OneShot,
        );
        assert_eq!(
            a.encode("amqp", "lenient", &[json!(1)]),
            EncodeAttempt::Encoded(Ok(b"encode amqp lenient".to_vec()))
        );
    }

    #[cfg(unix)]
    #[test]
    fn a_dying_server_is_a_crash_with_its_stderr() {
        // Answers one request, then writes to stderr and exits.
        let script = r#"read -r l; echo "{\"docs\": [1]}"; read -r l; echo "out of cheese" >&2; echo "at line 42" >&2; exit 5"#;
        let mut a = sh(script, Mode::Persistent);
        assert!(matches!(
            a.decode("jsonrpc", "strict", b"x"),
            Attempt::Decoded(_)
        ));
        let Attempt::Crash(detail) = a.decode("jsonrpc", "strict", b"x") else {
            panic!()
        };
        assert_eq!(
            detail,
            "the adapter exited, exit status 5: out of cheese | at line 42"
        );
        // It had answered before: a later death is a crash, not a start-up failure.
        assert_eq!(a.startup_failure(), None);
    }

    #[cfg(unix)]
    #[test]
    fn an_adapter_that_never_answers_is_a_startup_failure() {
        for mode in [Mode::OneShot, Mode::Persistent] {
            let mut a = sh("echo \"no module named peer\" >&2; exit 2", mode);
            for i in 0..STARTUP_TRIES {
                assert_eq!(a.startup_failure(), None, "{mode:?} after {i}");
                assert!(matches!(
                    a.decode("jsonrpc", "strict", b"x"),
                    Attempt::Crash(_)
                ));
            }
            let why = a.startup_failure().unwrap();
            assert!(
                why.contains("failed each of its first 3 requests")
                    && why.contains("exit status 2: no module named peer"),
                "{mode:?}: {why}"
            );
        }
        // Crashes that differ (a peer failing on its first inputs) stop the run only after
        // STARTUP_TRIES_ANY; timeouts after STARTUP_TIMEOUTS.
        let mut a = sh("echo \"pid $$\" >&2; exit 2", Mode::OneShot);
        for i in 0..STARTUP_TRIES_ANY {
            assert_eq!(a.startup_failure(), None, "after {i}");
            let _ = a.decode("jsonrpc", "strict", b"x");
        }
        assert!(a.startup_failure().is_some());
        let mut a = Adapter::new(
            "sh -c 'sleep 5' adapter",
            Mode::OneShot,
            Duration::from_millis(300),
            None,
        )
        .unwrap();
        for i in 0..STARTUP_TIMEOUTS {
            assert_eq!(a.startup_failure(), None, "after {i}");
            assert!(matches!(
                a.decode("jsonrpc", "strict", b"x"),
                Attempt::Timeout(_)
            ));
        }
        assert!(a
            .startup_failure()
            .unwrap()
            .contains("(the first: no answer in"));
        let mut a = Adapter::new(
            "/nonexistent/adapter",
            Mode::OneShot,
            Duration::from_secs(1),
            None,
        )
        .unwrap();
        assert!(matches!(
            a.decode("jsonrpc", "strict", b"x"),
            Attempt::Crash(_)
        ));
        assert!(a
            .startup_failure()
            .unwrap()
            .starts_with("--adapter: cannot start \"/nonexistent/adapter\""));
    }

    #[cfg(unix)]
    #[test]
    fn persistent_mode_restarts_after_a_failure() {
        // Answers each request line; a request containing "hang" makes it stop answering.
        let script = r#"while read -r l; do case "$l" in *hang*) sleep 30;; *encode*) echo "{\"output\": \"6869\"}";; *) echo "{\"docs\": [1]}";; esac; done"#;
        let mut a = sh(script, Mode::Persistent);
        assert_eq!(
            a.decode("jsonrpc", "strict", b"x"),
            Attempt::Decoded(Decoding {
                docs: vec![json!(1)],
                error: None
            })
        );
        assert_eq!(
            a.encode("jsonrpc", "strict", &[json!(1)]),
            EncodeAttempt::Encoded(Ok(b"hi".to_vec()))
        );
        // hex of "hang" is 68616e67: make the profile carry the word instead.
        assert!(matches!(
            a.decode("jsonrpc", "hang", b"x"),
            Attempt::Timeout(_)
        ));
        assert_eq!(
            a.decode("jsonrpc", "strict", b"x"),
            Attempt::Decoded(Decoding {
                docs: vec![json!(1)],
                error: None
            })
        );
    }
}
