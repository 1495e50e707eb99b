//! `msgwire decode` as a stream: [`cli::decode_reader`] must print exactly what [`cli::decode`]
//! prints for the whole input (documents, error line, exit status) however the input is cut
//! into reads, and the binary must print a message's document before its input ends.

use msgwire_conformance::cli;
use msgwire_conformance::forms;
use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_msgwire");

/// A reader that hands out at most `step` bytes per read.
struct Trickle<'a> {
    data: &'a [u8],
    step: usize,
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.step.min(buf.len()).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// (exit status, stdout, stderr) of a call.
type Run = (i32, Vec<u8>, Vec<u8>);

fn whole(protocol: &str, input: &[u8], profile: &str, framing: &str) -> Run {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = cli::decode(
        protocol,
        input,
        false,
        Some(profile),
        Some(framing),
        None,
        &mut out,
        &mut err,
    );
    (code, out, err)
}

fn streamed(protocol: &str, input: &[u8], profile: &str, framing: &str, step: usize) -> Run {
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = cli::decode_reader(
        protocol,
        &mut Trickle { data: input, step },
        "stdin",
        false,
        Some(profile),
        Some(framing),
        None,
        &mut out,
        &mut err,
    );
    (code, out, err)
}

/// The input of `messages` in `framing` (JSON-RPC's framings add their delimiters; the other
/// framings are the protocol's own bytes back to back).
fn framed(framing: &str, messages: &[&[u8]]) -> Vec<u8> {
    let mut out = Vec::new();
    for m in messages {
        match framing {
            "ndjson" => {
                out.extend_from_slice(m);
                out.push(b'\n');
            }
            "content-length" => {
                out.extend_from_slice(format!("Content-Length: {}\r\n\r\n", m.len()).as_bytes());
                out.extend_from_slice(m);
            }
            _ => out.extend_from_slice(m),
        }
    }
    out
}

/// Compares the streamed decode with the whole-input decode for every case of `protocol` in
/// `framing`, and returns how many decodes were compared (`None`: the protocol is not built in,
/// or the corpus is invalid). One test per protocol and framing, so that libtest runs them side
/// by side: the whole corpus in one test took 106 s of a CI run in a debug build.
fn compare(protocol: &str, framing: &str) -> Option<usize> {
    // An invalid corpus is the `corpus` trial's failure (tests/vectors.rs), not this test's.
    let corpus = msgwire_conformance::corpus::open(None).ok()?;
    let p = protocol;
    let profiles = forms::profiles(p)?;
    assert!(
        cli::framings(p).contains(&framing),
        "{p}: no framing {framing}"
    );
    // "single" is read whole, then decoded by `decode` itself: nothing to compare.
    assert_ne!(framing, "single");
    let cases: Vec<_> = corpus
        .cases()
        .map(|(_, c)| c)
        .filter(|c| c.protocol == p)
        .collect();
    let mut compared = 0;
    for (i, case) in cases.iter().enumerate() {
        // The case alone, and after the previous case of its protocol (a stream of two, the
        // first of which may fail, or end in the middle of the second).
        let prev = i.checked_sub(1).map(|j| cases[j]);
        let mut inputs = vec![framed(framing, &[&case.input])];
        if let Some(prev) = prev {
            inputs.push(framed(framing, &[&prev.input, &case.input]));
            // The same without the last message's end: the input ends inside it.
            let two = framed(framing, &[&prev.input, &case.input]);
            inputs.push(two[..two.len() - 1].to_vec());
        }
        for (k, input) in inputs.iter().enumerate() {
            // Every profile for the case alone, the default one for the streams of two.
            for profile in &profiles[..if k == 0 { profiles.len() } else { 1 }] {
                let want = whole(p, input, profile, framing);
                // Small reads only for small inputs: a long message read byte by byte
                // is looked at again after every read (quadratic, slow in a debug build).
                // (The case alone is read in the smallest pieces, the streams of two in
                // one size each, to keep this test quick in a debug build.)
                let steps: &[usize] = match (k, input.len()) {
                    (0, 0..=256) => &[1, 1 << 20],
                    (0, 257..=16384) => &[61, 1 << 20],
                    (0, _) => &[1 << 16, 1 << 24],
                    (1, 0..=512) => &[7],
                    _ => &[1 << 16],
                };
                for &step in steps {
                    let got = streamed(p, input, profile, framing, step);
                    assert!(
                        got == want,
                        "{} ({p} {profile} {framing}, reads of {step} bytes):\nwhole: {} {}{}\nstream: {} {}{}",
                        case.id,
                        want.0,
                        String::from_utf8_lossy(&want.1),
                        String::from_utf8_lossy(&want.2),
                        got.0,
                        String::from_utf8_lossy(&got.1),
                        String::from_utf8_lossy(&got.2),
                    );
                    compared += 1;
                }
            }
        }
    }
    eprintln!("{p} {framing}: {compared} decodes compared");
    Some(compared)
}

macro_rules! streamed_decode_tests {
    ($($name:ident: $protocol:literal $framing:literal at least $min:literal;)*) => {$(
        #[test]
        fn $name() {
            if let Some(compared) = compare($protocol, $framing) {
                assert!(compared >= $min, "only {compared} inputs compared");
            }
        }
    )*
        /// The protocols and framings the tests above compare.
        const COMPARED: &[(&str, &str)] = &[$(($protocol, $framing)),*];
    };
}

// The streamed decode prints what the whole-input decode prints, for each protocol and framing.
// (At least 500 decodes each, 4,000 in all: the corpus gives 974 to 3,622 each, 24,034 in all.)
streamed_decode_tests! {
    streamed_decode_amqp: "amqp" "stream" at least 500;
    streamed_decode_jsonrpc_ndjson: "jsonrpc" "ndjson" at least 500;
    streamed_decode_jsonrpc_content_length: "jsonrpc" "content-length" at least 500;
    streamed_decode_xmlrpc: "xmlrpc" "concat" at least 500;
    streamed_decode_msgpack_rpc: "msgpack-rpc" "stream" at least 500;
    streamed_decode_thrift_unframed: "thrift" "unframed" at least 500;
    streamed_decode_thrift_framed: "thrift" "framed" at least 500;
    streamed_decode_thrift_header: "thrift" "header" at least 500;
}

#[test]
fn every_protocol_and_stream_framing_has_its_streamed_decode_test() {
    for p in forms::protocols() {
        if forms::profiles(p).is_none() {
            continue;
        }
        for &framing in cli::framings(p) {
            assert!(
                framing == "single" || COMPARED.contains(&(p, framing)),
                "{p} {framing}: add it to streamed_decode_tests!"
            );
        }
    }
}

/// The first accepted case of `protocol` whose decode gives at least one document: its input
/// and the first document's line.
fn first_accepted(protocol: &str) -> (Vec<u8>, String) {
    let corpus = msgwire_conformance::corpus::open(None).expect("corpus");
    let profile = forms::profiles(protocol).expect("built in")[0];
    let found = corpus
        .cases()
        .map(|(_, c)| c)
        .filter(|c| c.protocol == protocol)
        .find_map(|c| {
            let d = forms::decode(protocol, &c.input, profile)?;
            (d.error.is_none() && !d.docs.is_empty())
                .then(|| (c.input.clone(), d.docs[0].to_string()))
        })
        .expect("an accepted case");
    found
}

#[test]
fn the_first_document_is_printed_before_the_input_ends() {
    for protocol in forms::protocols() {
        let framing = match protocol {
            "jsonrpc" => "ndjson",
            "xmlrpc" => "concat",
            _ => cli::framings(protocol)[0],
        };
        let (message, first_line) = first_accepted(protocol);
        let one = framed(framing, &[&message]);
        let mut child = Command::new(BIN)
            .args(["decode", protocol, "--framing", framing])
            .env_remove("MSGWIRE_PROFILE")
            .env_remove("MSGWIRE_ADAPTER")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        // The whole first message and the first byte of a second: stdin stays open.
        stdin.write_all(&one).unwrap();
        stdin.write_all(&one[..1]).unwrap();
        stdin.flush().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = mpsc::channel();
        let reader = std::thread::spawn(move || {
            let mut lines = BufReader::new(stdout);
            let mut line = String::new();
            lines.read_line(&mut line).unwrap();
            tx.send(line.clone()).unwrap();
            let mut rest = String::new();
            lines.read_to_string(&mut rest).unwrap();
            rest
        });
        // Not a timing assertion: a decoder that waits for the end of its input never answers,
        // and the test must fail rather than hang.
        let line = rx.recv_timeout(Duration::from_secs(120));
        let line = match line {
            Ok(l) => l,
            Err(_) => {
                let _ = child.kill();
                panic!("{protocol}: no document before the input ended");
            }
        };
        assert_eq!(line.trim_end(), first_line, "{protocol}");
        // The rest of the second message, then the end: both documents, nothing else.
        stdin.write_all(&one[1..]).unwrap();
        drop(stdin);
        let status = child.wait().unwrap();
        let rest = reader.join().unwrap();
        assert_eq!(status.code(), Some(0), "{protocol}");
        let profile = forms::profiles(protocol).unwrap()[0];
        let want = whole(
            protocol,
            &framed(framing, &[&message, &message]),
            profile,
            framing,
        );
        assert_eq!(want.0, 0, "{protocol}");
        assert_eq!(
            line + &rest,
            String::from_utf8(want.1).unwrap(),
            "{protocol}"
        );
    }
}
