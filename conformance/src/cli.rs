//! What the `msgwire` commands do; `main.rs` only parses arguments and calls these.
//!
//! Every command writes to the streams it is given and returns the process exit status:
//! 0 success; 1 invalid input (decode/encode) or a failing must-case (check); 2 usage errors
//! (unknown protocol, profile or framing, unreadable files, an invalid corpus) and checks that
//! checked nothing (a selection matching no case, an adapter that cannot start, every trial
//! skipped); 3 the protocol's canonical form is not implemented in this build (the adapter
//! contract's "unsupported").

use crate::corpus;
use crate::forms::{self, FormError};
use crate::glob::Glob;
use crate::report;
use crate::runner::adapter::{Adapter, Mode, EXIT_UNSUPPORTED};
use crate::runner::codec::{Ours, UNIMPLEMENTED};
use crate::runner::{self, Baseline, Implementation, Run, Selection};
use crate::vectors::{Corpus, InputSource, PROTOCOLS};
use serde_json::Value;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Success.
pub const EXIT_OK: i32 = 0;
/// Invalid input, or a failing must-case.
pub const EXIT_FAIL: i32 = 1;
/// Usage error.
pub const EXIT_USAGE: i32 = 2;

fn resolve_profile(
    protocol: &str,
    profile: Option<&str>,
    err: &mut dyn Write,
) -> Result<String, i32> {
    let Some(known) = forms::profiles(protocol) else {
        let _ = writeln!(
            err,
            "msgwire: unknown protocol {protocol:?} (known: {})",
            forms::protocols().join(", ")
        );
        return Err(EXIT_USAGE);
    };
    let env = std::env::var("MSGWIRE_PROFILE")
        .ok()
        .filter(|p| !p.is_empty());
    match profile.map(str::to_string).or(env) {
        None => Ok(known.first().copied().unwrap_or("strict").to_string()),
        Some(p) if known.contains(&p.as_str()) => Ok(p),
        Some(p) => {
            let _ = writeln!(
                err,
                "msgwire: {protocol} has no profile {p:?} (known: {})",
                known.join(", ")
            );
            Err(EXIT_USAGE)
        }
    }
}

/// The framings `decode` and `encode` accept for `protocol`, the default first.
///
/// - `single`: the input is one message (JSON-RPC: one JSON text, a batch being one; XML-RPC:
///   one document). `encode` refuses more than one document.
/// - `ndjson` (JSON-RPC): one message per line; blank lines are skipped; the last line needs no
///   newline.
/// - `content-length` (JSON-RPC): `Content-Length: N\r\n\r\n` before each message (LSP).
/// - `concat` (XML-RPC): documents back to back, each ending at its root element's end tag
///   (whitespace after it belongs to it).
/// - `stream` (AMQP, MessagePack-RPC): the protocol delimits its frames/messages itself.
/// - `unframed` (Thrift): messages back to back (TSocket, TBufferedTransport); `framed`: each
///   after a 4-byte big-endian length (TFramedTransport); `header`: each in a THeader frame
///   (THeaderTransport; the header names the protocol).
pub fn framings(protocol: &str) -> &'static [&'static str] {
    match protocol {
        "jsonrpc" => &["single", "ndjson", "content-length"],
        "xmlrpc" => &["single", "concat"],
        "thrift" => &["unframed", "framed", "header"],
        _ => &["stream"],
    }
}

/// Checks `--protocol` (Thrift's wire protocol; no other protocol has one).
fn resolve_wire(protocol: &str, wire: Option<&str>, err: &mut dyn Write) -> Result<(), i32> {
    let Some(w) = wire else { return Ok(()) };
    #[cfg(feature = "thrift")]
    if protocol == "thrift" {
        if forms::thrift::protocol_named(w).is_some() {
            return Ok(());
        }
        let _ = writeln!(
            err,
            "msgwire: thrift: no protocol {w:?} (known: {})",
            forms::thrift::PROTOCOL_NAMES.join(", ")
        );
        return Err(EXIT_USAGE);
    }
    let _ = writeln!(
        err,
        "msgwire: {protocol}: --protocol {w} applies to thrift only"
    );
    Err(EXIT_USAGE)
}

/// [`forms::decode`], with Thrift's `--protocol` and `--framing` applied.
fn decode_message(
    protocol: &str,
    input: &[u8],
    profile: &str,
    wire: Option<&str>,
    framing: &str,
) -> forms::Decoding {
    #[cfg(feature = "thrift")]
    if protocol == "thrift" {
        use msgwire::thrift::{Framing, Profile};
        let p = match profile {
            "lenient" => Profile::Lenient,
            _ => Profile::Strict,
        };
        let f = if framing == "framed" || profile == "framed" {
            Framing::Framed
        } else if framing == "header" || profile == "header" {
            Framing::Header
        } else {
            Framing::Unframed
        };
        let w = wire.and_then(forms::thrift::protocol_named);
        return forms::thrift::decode_with(input, p, w, f);
    }
    let _ = (wire, framing);
    forms::decode(protocol, input, profile).expect("protocol checked")
}

/// [`forms::encode`], with Thrift's `--protocol` and `--framing` applied.
fn encode_docs(
    protocol: &str,
    docs: &[Value],
    wire: Option<&str>,
    framing: &str,
) -> Result<Vec<u8>, FormError> {
    #[cfg(feature = "thrift")]
    if protocol == "thrift" {
        let f = if framing == "framed" {
            msgwire::thrift::Framing::Framed
        } else if framing == "header" {
            msgwire::thrift::Framing::Header
        } else {
            msgwire::thrift::Framing::Unframed
        };
        let w = wire.and_then(forms::thrift::protocol_named);
        return forms::thrift::encode_with(docs, w, f);
    }
    let _ = (wire, framing);
    forms::encode(protocol, docs).expect("protocol checked")
}

fn resolve_framing<'a>(
    protocol: &str,
    framing: Option<&'a str>,
    err: &mut dyn Write,
) -> Result<&'a str, i32> {
    let known = framings(protocol);
    match framing {
        None => Ok(known[0]),
        Some(f) if known.contains(&f) => Ok(f),
        Some(f) => {
            let _ = writeln!(
                err,
                "msgwire: {protocol}: no framing {f:?} (known: {})",
                known.join(", ")
            );
            Err(EXIT_USAGE)
        }
    }
}

/// Whether the `msgwire` process runs under the adapter contract (`MSGWIRE_ADAPTER=1`): then
/// `decode` and `encode` treat their input as one case's, exactly as the library does.
fn adapter_mode() -> bool {
    std::env::var_os("MSGWIRE_ADAPTER").is_some_and(|v| v == "1")
}

/// A codec's error message without what the line already says: positions (` at byte N`,
/// ` at offset N`, serde_json's ` at line L column C`: the line gives the absolute offset) and a
/// leading restatement of the kind (`parse error: `); `a int` → `an int`.
pub fn plain_message(kind: &str, message: &str) -> String {
    let mut s = String::with_capacity(message.len());
    let mut rest = message.replace('\n', " ");
    for phrase in [" at byte ", " at offset ", " at line "] {
        let mut out = String::with_capacity(rest.len());
        let mut r = rest.as_str();
        while let Some(i) = r.find(phrase) {
            let after = &r[i + phrase.len()..];
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                out.push_str(&r[..i + phrase.len()]);
                r = after;
                continue;
            }
            out.push_str(&r[..i]);
            r = &after[digits..];
            if phrase == " at line " {
                if let Some(c) = r.strip_prefix(" column ") {
                    r = &c[c.bytes().take_while(u8::is_ascii_digit).count()..];
                }
            }
        }
        out.push_str(r);
        rest = out;
    }
    let spoken = kind.replace('-', " ");
    let trimmed = rest
        .strip_prefix(&format!("{spoken}: "))
        .or_else(|| rest.strip_prefix(&format!("{kind}: ")))
        .unwrap_or(&rest);
    let mut words = trimmed.split(' ').peekable();
    while let Some(w) = words.next() {
        if !s.is_empty() {
            s.push(' ');
        }
        let next_vowel = words
            .peek()
            .and_then(|n| n.chars().next())
            .is_some_and(|c| "aeiouAEIOU".contains(c));
        if w == "a" && next_vowel {
            s.push_str("an");
        } else {
            s.push_str(w);
        }
    }
    s
}

/// The one line every `decode` error is written as:
/// `msgwire: <protocol>: byte <offset>: <kind> (code <n>): <message>` (no `byte` part when
/// the offset is unknown, no `code` part when the protocol has none).
pub fn error_line(protocol: &str, e: &FormError) -> String {
    let mut s = format!("msgwire: {protocol}: ");
    if let Some(o) = e.offset {
        s.push_str(&format!("byte {o}: "));
    }
    s.push_str(&kind_and_message(e));
    s
}

fn kind_and_message(e: &FormError) -> String {
    let mut s = e.kind.clone();
    if let Some(c) = e.code {
        s.push_str(&format!(" (code {c})"));
    }
    let m = plain_message(&e.kind, &e.message);
    if !m.is_empty() {
        s.push_str(": ");
        s.push_str(&m);
    }
    s
}

/// The one line of an `encode` error: the input line, the JSON pointer into that line's
/// document (when the form names one), the kind and the message:
/// `msgwire: <protocol>: line <n>: <pointer>: <kind>: <message>`.
pub fn encode_error_line(protocol: &str, line: usize, e: &FormError) -> String {
    let (pointer, message) = forms::split_pointer(&e.message);
    let e = FormError {
        message: message.to_string(),
        ..e.clone()
    };
    match pointer {
        Some(p) => format!(
            "msgwire: {protocol}: line {line}: {p}: {}",
            kind_and_message(&e)
        ),
        None => format!("msgwire: {protocol}: line {line}: {}", kind_and_message(&e)),
    }
}

#[cfg(feature = "jsonrpc")]
fn framing_error(e: &msgwire::jsonrpc::Error, base: usize) -> FormError {
    FormError {
        kind: e.kind().to_string(),
        code: e.code().map(i64::from),
        offset: Some(base + e.offset()),
        message: e.to_string(),
    }
}

/// Splits `input` into messages by `framing`: each message's offset and bytes, and the error
/// that stopped the split, if any (absolute offset).
fn split_input<'a>(framing: &str, input: &'a [u8]) -> (Vec<(usize, &'a [u8])>, Option<FormError>) {
    let mut out = Vec::new();
    let mut pos = 0;
    match framing {
        #[cfg(feature = "jsonrpc")]
        "ndjson" => {
            let limits = msgwire::jsonrpc::Limits {
                max_message: usize::MAX,
                ..Default::default()
            };
            while pos < input.len() {
                let rest = &input[pos..];
                match msgwire::jsonrpc::framing::decode_line(rest, &limits) {
                    Ok(msgwire::Decoded::Complete { value, used }) => {
                        let at = value.as_ptr() as usize - input.as_ptr() as usize;
                        out.push((at, value));
                        pos += used;
                    }
                    Ok(msgwire::Decoded::NeedMore { .. }) => {
                        // The last line, without its newline.
                        let line = rest.trim_ascii();
                        if !line.is_empty() {
                            out.push((line.as_ptr() as usize - input.as_ptr() as usize, line));
                        }
                        break;
                    }
                    Err(e) => return (out, Some(framing_error(&e, pos))),
                }
            }
        }
        #[cfg(feature = "jsonrpc")]
        "content-length" => {
            let limits = msgwire::jsonrpc::Limits {
                max_message: usize::MAX,
                ..Default::default()
            };
            while pos < input.len() {
                let rest = &input[pos..];
                match msgwire::jsonrpc::framing::decode_content_length(rest, &limits) {
                    Ok(msgwire::Decoded::Complete { value, used }) => {
                        let at = value.as_ptr() as usize - input.as_ptr() as usize;
                        out.push((at, value));
                        pos += used;
                    }
                    Ok(msgwire::Decoded::NeedMore { at_least }) => {
                        let e = FormError {
                            kind: "truncated".into(),
                            code: None,
                            offset: Some(input.len()),
                            message: format!(
                                "the input ends inside a message: at least {at_least} more bytes expected"
                            ),
                        };
                        return (out, Some(e));
                    }
                    Err(e) => return (out, Some(framing_error(&e, pos))),
                }
            }
        }
        "concat" => {
            while pos < input.len() {
                let rest = &input[pos..];
                let mut end = xml_root_end(rest).unwrap_or(rest.len());
                while end < rest.len() && is_text_space(rest[end]) {
                    end += 1;
                }
                out.push((pos, &rest[..end]));
                pos += end;
            }
        }
        _ => out.push((0, input)),
    }
    (out, None)
}

/// Where the first XML-RPC root element of `doc` ends: just after the `>` of its
/// `</methodCall>` or `</methodResponse>` end tag, found in one forward pass that steps over
/// comments, CDATA sections and processing instructions (each ends at the first `-->`, `]]>`,
/// `?>`: XML 1.0 §2.5, §2.7, §2.6). Elsewhere `<` only starts markup (§2.4), so what is found
/// is the root's end tag. Linear: a split never looks past the document it ends.
fn xml_root_end(doc: &[u8]) -> Option<usize> {
    let mut pos = 0;
    while let Some(lt) = memchr::memchr(b'<', &doc[pos..]).map(|i| pos + i) {
        let rest = &doc[lt..];
        let skip_to = |open: usize, close: &[u8]| {
            memchr::memmem::find(&rest[open..], close).map(|i| lt + open + i + close.len())
        };
        pos = if rest.starts_with(b"<!--") {
            skip_to(4, b"-->")?
        } else if rest.starts_with(b"<![CDATA[") {
            skip_to(9, b"]]>")?
        } else if rest.starts_with(b"<?") {
            skip_to(2, b"?>")?
        } else {
            let name = [&b"</methodCall"[..], b"</methodResponse"]
                .into_iter()
                .find(|tag| rest.starts_with(tag));
            if let Some(tag) = name {
                let mut j = lt + tag.len();
                while j < doc.len() && is_text_space(doc[j]) {
                    j += 1;
                }
                if doc.get(j) == Some(&b'>') {
                    return Some(j + 1);
                }
            }
            lt + 1
        };
    }
    None
}

/// Whitespace as JSON (RFC 8259 §2) and XML (§2.3 `S`) define it: not form feed.
fn is_text_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// Whether an input holds no message: no bytes at all, or (JSON-RPC and XML-RPC, which are
/// text) only whitespace.
fn is_empty_input(protocol: &str, input: &[u8]) -> bool {
    match protocol {
        "jsonrpc" | "xmlrpc" => input.iter().all(|b| is_text_space(*b)),
        _ => input.is_empty(),
    }
}

/// `msgwire decode`: bytes (or hex text with `hex`) → JSON Lines on `out`, the input split into
/// messages by `framing` (see [`framings`]). An empty input holds no message: exit 0, no output.
/// `wire` is Thrift's wire protocol (`binary`, `compact`; default: each message's first byte).
///
/// The whole input is in memory here; [`decode_reader`] reads it in chunks and prints each
/// document as soon as its message is complete (with the same output and exit status).
#[allow(clippy::too_many_arguments)]
pub fn decode(
    protocol: &str,
    input: &[u8],
    hex: bool,
    profile: Option<&str>,
    framing: Option<&str>,
    wire: Option<&str>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let opts = match DecodeOptions::resolve(protocol, profile, framing, wire, err) {
        Ok(o) => o,
        Err(code) => return code,
    };
    let bytes;
    let input = if hex {
        match hex_input(protocol, input, err) {
            Ok(b) => {
                bytes = b;
                &bytes[..]
            }
            Err(code) => return code,
        }
    } else {
        input
    };
    let adapter = adapter_mode();
    if !adapter && is_empty_input(protocol, input) {
        return EXIT_OK;
    }
    let mut docs = Vec::new();
    let outcome = if adapter {
        decode_messages(&opts, [(0, input)], None, 0, &mut |d| docs.push(d))
    } else {
        let (messages, error) = split_input(opts.framing, input);
        decode_messages(&opts, messages, error, 0, &mut |d| docs.push(d))
    };
    if matches!(outcome, Outcome::Unsupported(_)) {
        docs.clear(); // nothing but the error line
    }
    for doc in &docs {
        if writeln!(out, "{doc}").is_err() {
            return EXIT_FAIL;
        }
    }
    let _ = out.flush();
    finish(protocol, outcome, adapter, out, err)
}

/// A decode's resolved arguments.
struct DecodeOptions<'a> {
    protocol: &'a str,
    profile: String,
    framing: &'a str,
    wire: Option<&'a str>,
}

impl<'a> DecodeOptions<'a> {
    /// Checks profile, `--protocol` and framing, in that order (the first wrong one is reported).
    fn resolve(
        protocol: &'a str,
        profile: Option<&str>,
        framing: Option<&'a str>,
        wire: Option<&'a str>,
        err: &mut dyn Write,
    ) -> Result<Self, i32> {
        let profile = resolve_profile(protocol, profile, err)?;
        resolve_wire(protocol, wire, err)?;
        let framing = resolve_framing(protocol, framing, err)?;
        Ok(DecodeOptions {
            protocol,
            profile,
            framing,
            wire,
        })
    }
}

/// `--hex` text → bytes, or the error line and exit status.
fn hex_input(protocol: &str, input: &[u8], err: &mut dyn Write) -> Result<Vec<u8>, i32> {
    std::str::from_utf8(input)
        .map_err(|e| e.to_string())
        .and_then(crate::vectors::parse_hex)
        .map_err(|e| {
            let _ = writeln!(err, "msgwire: {protocol}: --hex input: {e}");
            EXIT_FAIL
        })
}

/// How decoding some messages ended.
enum Outcome {
    /// Every message decoded.
    Done,
    /// This error stopped it (offset absolute).
    Failed(FormError),
    /// The protocol's canonical form is not implemented in this build.
    Unsupported(String),
}

/// Decodes `messages` (each with its offset from `base`), hands each document to `emit`, and
/// stops at the first error; `split_error` (the framing's own, offset from `base`) comes
/// after the messages before it.
fn decode_messages<'m>(
    opts: &DecodeOptions<'_>,
    messages: impl IntoIterator<Item = (usize, &'m [u8])>,
    split_error: Option<FormError>,
    base: usize,
    emit: &mut dyn FnMut(Value),
) -> Outcome {
    for (at, message) in messages {
        let d = decode_message(
            opts.protocol,
            message,
            &opts.profile,
            opts.wire,
            opts.framing,
        );
        d.docs.into_iter().for_each(&mut *emit);
        if let Some(mut e) = d.error {
            if e.kind == UNIMPLEMENTED {
                return Outcome::Unsupported(e.message);
            }
            e.offset = e.offset.map(|o| o + base + at);
            return Outcome::Failed(e);
        }
    }
    match split_error {
        Some(mut e) => {
            e.offset = e.offset.map(|o| o + base);
            Outcome::Failed(e)
        }
        None => Outcome::Done,
    }
}

/// The exit status (and error lines) of a decode whose documents are written.
fn finish(
    protocol: &str,
    outcome: Outcome,
    adapter: bool,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    match outcome {
        Outcome::Done => EXIT_OK,
        Outcome::Unsupported(message) => {
            let _ = writeln!(err, "msgwire: {protocol}: {message}");
            EXIT_UNSUPPORTED
        }
        Outcome::Failed(e) => {
            if adapter {
                // Run as an adapter (conformance/README.md): the error as a last JSON line.
                let line = serde_json::json!({"error": {
                    "kind": e.kind, "code": e.code, "offset": e.offset, "message": e.message,
                }});
                let _ = writeln!(out, "{line}");
                let _ = out.flush();
            }
            let _ = writeln!(err, "{}", error_line(protocol, &e));
            EXIT_FAIL
        }
    }
}

/// Bytes asked of the reader at a time (more while a message longer than this is pending, so
/// that a long message is looked at a bounded number of times).
const READ_CHUNK: usize = 64 * 1024;

/// `msgwire decode` over a reader: [`decode`]'s output and exit status, but each document is
/// written as soon as the bytes of its message are in, and only the message being read is
/// kept in memory (the buffer holds at most about twice the longest message, plus one read).
/// Written documents are flushed before every read that may wait, so a pipe sees them at once.
///
/// What needs the whole input is read whole first, then decoded as [`decode`] does: `--hex`
/// text (its bytes are then split as a stream is), one-message framings (`single`), the
/// adapter contract, AMQP's `session` profile (one check over the whole connection), and the
/// rest of an input after a message the framing cannot split (an error: [`decode`] reports it
/// at the same offset). `source` names the input in read errors (`stdin`, a path).
#[allow(clippy::too_many_arguments)]
pub fn decode_reader(
    protocol: &str,
    input: &mut dyn Read,
    source: &str,
    hex: bool,
    profile: Option<&str>,
    framing: Option<&str>,
    wire: Option<&str>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let read_all = |input: &mut dyn Read, err: &mut dyn Write| {
        let mut buf = Vec::new();
        match input.read_to_end(&mut buf) {
            Ok(_) => Ok(buf),
            Err(e) => {
                let _ = writeln!(err, "msgwire: {source}: {e}");
                Err(EXIT_USAGE)
            }
        }
    };
    let single = framing.unwrap_or(framings(protocol)[0]) == "single";
    if single || adapter_mode() {
        return match read_all(input, err) {
            Ok(all) => decode(protocol, &all, hex, profile, framing, wire, out, err),
            Err(code) => code,
        };
    }
    let hex_text = if hex {
        match read_all(input, err) {
            Ok(all) => Some(all),
            Err(code) => return code,
        }
    } else {
        None
    };
    let opts = match DecodeOptions::resolve(protocol, profile, framing, wire, err) {
        Ok(o) => o,
        Err(code) => return code,
    };
    if let Some(text) = hex_text {
        // Hex text: its bytes are split as a stream's are.
        return match hex_input(protocol, &text, err) {
            Ok(bytes) => stream(&opts, &mut &bytes[..], source, out, err),
            Err(code) => code,
        };
    }
    stream(&opts, input, source, out, err)
}

/// Decodes `input` as a stream: see [`decode_reader`].
fn stream(
    opts: &DecodeOptions<'_>,
    input: &mut dyn Read,
    source: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let protocol = opts.protocol;
    let mut buf: Vec<u8> = Vec::new();
    // `buf[start..]` is not decoded yet; it starts `base` bytes into the input.
    let (mut start, mut base) = (0, 0);
    #[allow(
        clippy::default_constructed_unit_structs,
        reason = "a unit struct when the jsonrpc feature is off"
    )]
    let mut lines = Lines::default();
    // Bytes `buf[start..]` must reach before the next look: a need-more's lower bound, and
    // (while reads come back full, so more is waiting) twice what was there at the last look
    // of a message longer than a read. A long message is then looked at a bounded number of
    // times (linear, like the whole-input decode), and a short read (the writer paused) still
    // gets a look at once.
    let (mut want, mut grow_to, mut full) = (0, 0, false);
    let (mut whole, mut eof) = (false, false);
    let mut docs = Vec::new();
    let write = |docs: &mut Vec<Value>, out: &mut dyn Write| {
        let ok = docs.iter().all(|doc| writeln!(out, "{doc}").is_ok());
        docs.clear();
        ok
    };
    loop {
        let pending = buf.len() - start;
        if !whole && pending >= want && (!full || pending >= grow_to) {
            loop {
                match first_message(opts, &mut lines, &buf[start..]) {
                    Front::Message { at, bytes, used } => {
                        let outcome =
                            decode_messages(opts, [(at, bytes)], None, base, &mut |d| docs.push(d));
                        if !write(&mut docs, out) {
                            return EXIT_FAIL;
                        }
                        if !matches!(outcome, Outcome::Done) {
                            let _ = out.flush();
                            return finish(protocol, outcome, false, out, err);
                        }
                        start += used;
                        base += used;
                    }
                    Front::More(n) => {
                        let pending = buf.len() - start;
                        want = pending + n;
                        grow_to = if pending >= READ_CHUNK {
                            2 * pending
                        } else {
                            0
                        };
                        break;
                    }
                    Front::Whole => {
                        whole = true;
                        break;
                    }
                }
            }
        }
        if eof {
            break;
        }
        buf.drain(..start);
        start = 0;
        // Whatever is decoded is out before a read that may wait.
        if out.flush().is_err() {
            return EXIT_FAIL;
        }
        // A pending message longer than a read doubles what is asked (a pipe may return less).
        let pending = buf.len();
        let ask = READ_CHUNK.max(pending).max(want.saturating_sub(pending));
        buf.resize(pending + ask, 0);
        match input.read(&mut buf[pending..]) {
            Ok(n) => {
                buf.truncate(pending + n);
                eof = n == 0;
                full = n == ask;
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => buf.truncate(pending),
            Err(e) => {
                let _ = writeln!(err, "msgwire: {source}: {e}");
                return EXIT_USAGE;
            }
        }
    }
    // The end of the input: the rest (a last message without its end, bytes the framing cannot
    // split, or everything for a decode that needs it whole) as `decode` reads a whole input.
    let rest = &buf[start..];
    if base == 0 && is_empty_input(protocol, rest) {
        return EXIT_OK;
    }
    let (messages, error) = split_input(opts.framing, rest);
    let outcome = decode_messages(opts, messages, error, base, &mut |d| docs.push(d));
    if !write(&mut docs, out) {
        return EXIT_FAIL;
    }
    let _ = out.flush();
    finish(protocol, outcome, false, out, err)
}

/// The state of a newline search between reads (JSON-RPC's `ndjson`).
#[cfg(feature = "jsonrpc")]
type Lines = msgwire::jsonrpc::framing::LineDecoder;
/// Without JSON-RPC no framing searches for newlines: nothing to keep between reads.
#[cfg(not(feature = "jsonrpc"))]
#[derive(Default)]
struct Lines;

/// The JSON-RPC limits `decode` splits with: no message is too long to be printed.
#[cfg(feature = "jsonrpc")]
fn unlimited_jsonrpc() -> msgwire::jsonrpc::Limits {
    msgwire::jsonrpc::Limits {
        max_message: usize::MAX,
        ..Default::default()
    }
}

/// A decoder's answer with only how many bytes a complete message uses.
#[allow(dead_code)]
fn used_of<T>(d: msgwire::Decoded<T>) -> msgwire::Decoded<usize> {
    match d {
        msgwire::Decoded::Complete { used, .. } => msgwire::Decoded::Complete { value: used, used },
        msgwire::Decoded::NeedMore { at_least } => msgwire::Decoded::NeedMore { at_least },
    }
}

/// What the front of a stream's buffer holds (see [`first_message`]).
enum Front<'a> {
    /// A whole message, found exactly as [`split_input`] and the protocol's decoder find it in
    /// the whole input: its offset and bytes, and how many bytes it uses from the front.
    Message {
        at: usize,
        bytes: &'a [u8],
        used: usize,
    },
    /// The buffer ends inside a message: at least this many more bytes are needed.
    More(usize),
    /// Not a message: the rest of the input decides (an error, or a decode that needs state
    /// across messages); [`decode_reader`] reads to the end and decodes it whole.
    Whole,
}

/// The first message of `buf` (which starts where a message may start), when the bytes present
/// prove where it ends: a line is complete at its newline, a Content-Length message with its
/// body, an XML-RPC document once a byte after its trailing whitespace shows where that ends, an
/// AMQP frame or MessagePack-RPC / Thrift message when the protocol's own decoder says
/// `Complete`. Everything else waits for more bytes or for the end of the input.
fn first_message<'a>(opts: &DecodeOptions<'_>, lines: &mut Lines, buf: &'a [u8]) -> Front<'a> {
    let (protocol, framing, profile) = (opts.protocol, opts.framing, opts.profile.as_str());
    let whole = |used: usize| Front::Message {
        at: 0,
        bytes: &buf[..used],
        used,
    };
    let step = |d: Result<msgwire::Decoded<usize>, ()>| match d {
        Ok(msgwire::Decoded::Complete { value, .. }) => whole(value),
        Ok(msgwire::Decoded::NeedMore { at_least }) => Front::More(at_least),
        // The whole-input decode reports it (at the same offset: it starts here too).
        Err(()) => Front::Whole,
    };
    let _ = (&step, &whole, profile, &lines);
    match (protocol, framing) {
        #[cfg(feature = "jsonrpc")]
        ("jsonrpc", "ndjson") => match lines.decode(buf, &unlimited_jsonrpc()) {
            Ok(msgwire::Decoded::Complete { value, used }) => Front::Message {
                at: value.as_ptr() as usize - buf.as_ptr() as usize,
                bytes: value,
                used,
            },
            Ok(msgwire::Decoded::NeedMore { at_least }) => Front::More(at_least),
            Err(_) => Front::Whole,
        },
        #[cfg(feature = "jsonrpc")]
        ("jsonrpc", "content-length") => {
            match msgwire::jsonrpc::framing::decode_content_length(buf, &unlimited_jsonrpc()) {
                Ok(msgwire::Decoded::Complete { value, used }) => Front::Message {
                    at: value.as_ptr() as usize - buf.as_ptr() as usize,
                    bytes: value,
                    used,
                },
                Ok(msgwire::Decoded::NeedMore { at_least }) => Front::More(at_least),
                Err(_) => Front::Whole,
            }
        }
        (_, "concat") => match xml_root_end(buf) {
            Some(mut end) => {
                while end < buf.len() && is_text_space(buf[end]) {
                    end += 1;
                }
                // Whitespace up to the end of the buffer may go on in the next read.
                if end < buf.len() {
                    whole(end)
                } else {
                    Front::More(1)
                }
            }
            None => Front::More(1),
        },
        #[cfg(feature = "amqp")]
        // `session` checks the connection as a whole: it is decoded whole.
        ("amqp", _) if profile != "session" => step(
            crate::forms::amqp::decoder(profile)
                .decode(buf)
                .map(used_of)
                .map_err(drop),
        ),
        #[cfg(feature = "msgpack-rpc")]
        ("msgpack-rpc", _) => {
            use msgwire::msgpack_rpc::{Limits, Message, Profile, ValueRef};
            let limits = Limits::default();
            let d = match profile {
                "strict" => Message::decode_with(buf, &limits, Profile::Strict).map(used_of),
                "lenient" => Message::decode_with(buf, &limits, Profile::Lenient).map(used_of),
                "neovim" => Message::decode_with(buf, &limits, Profile::Neovim).map(used_of),
                "value" => ValueRef::decode_with(buf, &limits, Profile::Strict).map(used_of),
                "value-lenient" => {
                    ValueRef::decode_with(buf, &limits, Profile::Lenient).map(used_of)
                }
                _ => return Front::Whole,
            };
            step(d.map_err(drop))
        }
        #[cfg(feature = "thrift")]
        ("thrift", _) => {
            use crate::forms::thrift::{protocol_named, Wire};
            use msgwire::thrift::{json, Decoder, Framing, Limits, Profile, Protocol};
            let p = match profile {
                "lenient" => Profile::Lenient,
                _ => Profile::Strict,
            };
            // As `decode_message` chooses.
            let f = if framing == "framed" || profile == "framed" {
                Framing::Framed
            } else if framing == "header" || profile == "header" {
                Framing::Header
            } else {
                Framing::Unframed
            };
            let first = match f {
                Framing::Unframed => buf.first(),
                Framing::Framed => buf.get(4),
                // The header names the protocol.
                Framing::Header => {
                    let d = msgwire::thrift::HeaderFrame::decode_with(buf, &Limits::default(), p);
                    return step(d.map(used_of).map_err(drop));
                }
            };
            let Some(&first) = first else {
                // Not even the byte that says which protocol: wait for it.
                return Front::More(1);
            };
            let w = opts
                .wire
                .and_then(protocol_named)
                .unwrap_or_else(|| Wire::detect(first));
            let codec = |protocol| Decoder {
                limits: Limits::default(),
                profile: p,
                protocol,
                framing: f,
            };
            let d = match w {
                Wire::Binary => codec(Protocol::Binary).decode(buf).map(used_of),
                Wire::Compact => codec(Protocol::Compact).decode(buf).map(used_of),
                Wire::Json => json::decode_framing(buf, &Limits::default(), p, f).map(used_of),
            };
            step(d.map_err(drop))
        }
        _ => Front::Whole,
    }
}
/// `msgwire encode`: JSON Lines → bytes (or lower-case hex with `hex`) on `out`, each document
/// framed by `framing` (see [`framings`]). `profile` is checked but does not change the bytes:
/// every profile encodes the same canonical form. No documents: exit 0, no output. Errors name
/// the input line and, where the form knows it, the JSON pointer of the offending member.
/// `wire` is Thrift's wire protocol (default: each document's `protocol`, else `binary`).
#[allow(clippy::too_many_arguments)]
pub fn encode(
    protocol: &str,
    input: &[u8],
    hex: bool,
    profile: Option<&str>,
    framing: Option<&str>,
    wire: Option<&str>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    if let Err(code) = resolve_profile(protocol, profile, err) {
        return code;
    }
    if let Err(code) = resolve_wire(protocol, wire, err) {
        return code;
    }
    let framing = match resolve_framing(protocol, framing, err) {
        Ok(f) => f,
        Err(code) => return code,
    };
    let text = match std::str::from_utf8(input) {
        Ok(t) => t,
        Err(e) => {
            let line = input[..e.valid_up_to()]
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                + 1;
            let _ = writeln!(err, "msgwire: {protocol}: line {line}: not UTF-8");
            return EXIT_FAIL;
        }
    };
    let mut docs = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match serde_json::from_str::<Value>(line) {
            Ok(v) => docs.push((i + 1, v)),
            Err(e) => {
                let _ = writeln!(
                    err,
                    "msgwire: {protocol}: line {}: not JSON: {} (column {})",
                    i + 1,
                    plain_message("", &e.to_string()),
                    e.column()
                );
                return EXIT_FAIL;
            }
        }
    }
    if framing == "single" && docs.len() > 1 && !adapter_mode() {
        let other = &framings(protocol)[1..].join(" or ");
        let _ = writeln!(
            err,
            "msgwire: {protocol}: line {}: a second document, but --framing single holds one (use --framing {other})",
            docs[1].0
        );
        return EXIT_FAIL;
    }
    let mut bytes = Vec::new();
    if adapter_mode() {
        // One case's documents, exactly as the library encodes them.
        let all: Vec<Value> = docs.into_iter().map(|(_, d)| d).collect();
        match encode_docs(protocol, &all, wire, framing) {
            Ok(b) => bytes = b,
            Err(e) if e.kind == UNIMPLEMENTED => {
                let _ = writeln!(err, "msgwire: {protocol}: {}", e.message);
                return EXIT_UNSUPPORTED;
            }
            Err(e) => {
                let _ = writeln!(err, "msgwire: {protocol}: {}", kind_and_message(&e));
                return EXIT_FAIL;
            }
        }
        docs = Vec::new();
    }
    for (line, doc) in &docs {
        match encode_docs(protocol, std::slice::from_ref(doc), wire, framing) {
            Ok(b) => match framing {
                "ndjson" => {
                    bytes.extend_from_slice(&b);
                    bytes.push(b'\n');
                }
                #[cfg(feature = "jsonrpc")]
                "content-length" => {
                    msgwire::jsonrpc::framing::encode_content_length(&b, &mut bytes)
                }
                _ => bytes.extend_from_slice(&b),
            },
            Err(e) if e.kind == UNIMPLEMENTED => {
                let _ = writeln!(err, "msgwire: {protocol}: {}", e.message);
                return EXIT_UNSUPPORTED;
            }
            Err(e) => {
                let _ = writeln!(err, "{}", encode_error_line(protocol, *line, &e));
                return EXIT_FAIL;
            }
        }
    }
    let written = if hex {
        writeln!(out, "{}", ::hex::encode(&bytes))
    } else {
        out.write_all(&bytes)
    };
    if written.and_then(|_| out.flush()).is_err() {
        return EXIT_FAIL;
    }
    EXIT_OK
}

/// The text of a FILE argument; `-` is stdin.
pub fn read_text(path: &Path) -> std::io::Result<String> {
    if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)?;
        Ok(s)
    } else {
        std::fs::read_to_string(path)
    }
}

/// The corpus of a command ([`corpus::open`]: `dir`, else `$MSGWIRE_VECTORS`, else the one
/// embedded in this build).
fn load(dir: Option<&Path>, err: &mut dyn Write) -> Result<Corpus, i32> {
    match corpus::open(dir) {
        Ok(c) => Ok(c),
        Err(e) => {
            let _ = write!(err, "msgwire: {}: {e}", corpus::origin(dir));
            Err(EXIT_USAGE)
        }
    }
}

/// `msgwire vectors list`: one line per case: id, verdict, spec.
pub fn vectors_list(
    dir: Option<&Path>,
    protocol: Option<&str>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let corpus = match load(dir, err) {
        Ok(c) => c,
        Err(code) => return code,
    };
    for (_, c) in corpus
        .cases()
        .filter(|(_, c)| protocol.is_none_or(|p| c.protocol == p))
    {
        let _ = writeln!(out, "{}\t{}\t{}", c.id, c.verdict.to_json(), c.spec);
    }
    EXIT_OK
}

/// What `msgwire vectors count` does with its files.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountMode {
    /// Print every count (files are ignored).
    Print,
    /// Fail (exit 1) when a marked count in a file is stale.
    Check,
    /// Rewrite the marked counts in the files.
    Write,
}

/// `msgwire vectors count`: the counts docs show (see [`crate::counts`]): printed, checked in
/// `files`, or written into them.
pub fn vectors_count(
    dir: Option<&Path>,
    files: &[PathBuf],
    mode: CountMode,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let corpus = match load(dir, err) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let counts = crate::counts::counts(&corpus);
    if mode == CountMode::Print {
        for (key, c) in &counts {
            let what = if c.trials.is_some() {
                "cases+trials"
            } else {
                "cases"
            };
            let text = crate::counts::render(&counts, key, what).unwrap_or_default();
            let _ = writeln!(out, "{key}\t{text}");
        }
        return EXIT_OK;
    }
    if files.is_empty() {
        let _ = writeln!(
            err,
            "msgwire: vectors count: name the files to check or write"
        );
        return EXIT_USAGE;
    }
    let mut stale = 0;
    let mut markers = 0;
    for f in files {
        let text = match std::fs::read_to_string(f) {
            Ok(t) => t,
            Err(e) => {
                let _ = writeln!(err, "msgwire: {}: {e}", f.display());
                return EXIT_USAGE;
            }
        };
        let (found, new) = crate::counts::update(&text, &counts);
        markers += found.len();
        for m in &found {
            match &m.want {
                Ok(w) if *w == m.text => {}
                Ok(w) => {
                    stale += 1;
                    let _ = writeln!(
                        out,
                        "{}:{}: count {}: {:?}, the corpus gives {w:?}",
                        f.display(),
                        m.line,
                        m.spec,
                        m.text
                    );
                }
                Err(e) => {
                    stale += 1;
                    let _ = writeln!(out, "{}:{}: count {}: {e}", f.display(), m.line, m.spec);
                }
            }
        }
        if mode == CountMode::Write && new != text {
            if let Err(code) = write_file(f, &new, err) {
                return code;
            }
        }
    }
    match mode {
        CountMode::Check if stale > 0 => {
            let _ = writeln!(
                err,
                "msgwire: vectors count: {stale} of {markers} counts are stale (`msgwire vectors count --write FILE...` rewrites them)"
            );
            EXIT_FAIL
        }
        _ => {
            let _ = writeln!(
                out,
                "{markers} counts{}",
                if mode == CountMode::Write {
                    format!(", {stale} rewritten")
                } else {
                    " up to date".into()
                }
            );
            EXIT_OK
        }
    }
}

/// `msgwire vectors show ID`: the case as written, with its file and its input as hex.
pub fn vectors_show(dir: Option<&Path>, id: &str, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let corpus = match load(dir, err) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let Some(c) = corpus.case(id) else {
        let _ = writeln!(err, "msgwire: no case {id:?} in {}", corpus.origin);
        return EXIT_USAGE;
    };
    let _ = writeln!(out, "# {}#{}", c.file.display(), c.pointer);
    let _ = writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(&c.raw).unwrap_or_default()
    );
    if let InputSource::File(_) | InputSource::Text = c.input_source {
        let _ = writeln!(
            out,
            "# input ({} bytes): {}",
            c.input.len(),
            hex::encode(&c.input)
        );
    }
    EXIT_OK
}

/// Options of `msgwire check codec`.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Corpus directory (default: `$MSGWIRE_VECTORS`, else the embedded corpus).
    pub vectors: Option<PathBuf>,
    /// Only these protocols.
    pub protocols: Vec<String>,
    /// Only ids matching these globs.
    pub only: Vec<String>,
    /// Not ids matching these globs.
    pub skip: Vec<String>,
    /// Only this profile.
    pub profile: Option<String>,
    /// Also fail on skipped trials and stale baseline entries.
    pub strict: bool,
    /// Known failures.
    pub baseline: Option<PathBuf>,
    /// Write every failure of this run as a baseline.
    pub write_baseline: Option<PathBuf>,
    /// Reports.
    pub json: Option<PathBuf>,
    /// JUnit report.
    pub junit: Option<PathBuf>,
    /// HTML report.
    pub html: Option<PathBuf>,
    /// Markdown summary (CI job summary; appended to).
    pub markdown: Option<PathBuf>,
    /// Run an adapter instead of our codecs.
    pub adapter: Option<String>,
    /// Drive the adapter in persistent mode.
    pub persistent: bool,
    /// Per-request timeout.
    pub timeout: Option<Duration>,
    /// Name the implementation in reports (default: derived from the command).
    pub name: Option<String>,
    /// Colours in the summary.
    pub color: bool,
    /// Progress on stderr.
    pub progress: ProgressOutput,
}

/// How `check codec` shows its progress on stderr.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ProgressOutput {
    /// None.
    #[default]
    Off,
    /// One counter rewritten in place (stderr is a terminal).
    Counter,
    /// Lines (stderr is a log): one when a protocol's trials are done, and one every
    /// [`PROGRESS_EVERY`] in between.
    Lines,
}

/// Longest pause between two progress lines.
pub const PROGRESS_EVERY: Duration = Duration::from_secs(5);

struct Named<'a> {
    inner: &'a mut dyn Implementation,
    name: String,
}

impl Implementation for Named<'_> {
    fn name(&self) -> String {
        self.name.clone()
    }
    fn profiles(&self, p: &str) -> Option<Vec<String>> {
        self.inner.profiles(p)
    }
    fn decode(&mut self, p: &str, prof: &str, input: &[u8]) -> runner::Attempt {
        self.inner.decode(p, prof, input)
    }
    fn encode(&mut self, p: &str, prof: &str, docs: &[Value]) -> runner::EncodeAttempt {
        self.inner.encode(p, prof, docs)
    }
    fn checks_error_kind(&self) -> bool {
        self.inner.checks_error_kind()
    }
    fn must_encode(&self) -> bool {
        self.inner.must_encode()
    }
    fn reference_decode(&mut self, p: &str, prof: &str, input: &[u8]) -> runner::Attempt {
        self.inner.reference_decode(p, prof, input)
    }
    fn startup_failure(&self) -> Option<String> {
        self.inner.startup_failure()
    }
}

/// Checks `--profile` against the selected protocols (all, without `--protocol`): a profile no
/// selected protocol has is a usage error; without `--protocol`, the run is narrowed to the
/// protocols that have it (and says so). Returns the protocols to run.
fn protocols_for_profile(
    profile: Option<&str>,
    protocols: &[String],
    err: &mut dyn Write,
) -> Result<Vec<String>, i32> {
    let Some(p) = profile else {
        return Ok(protocols.to_vec());
    };
    let candidates: Vec<String> = if protocols.is_empty() {
        PROTOCOLS.iter().map(|s| s.to_string()).collect()
    } else {
        protocols.to_vec()
    };
    let known = |q: &str| forms::profiles(q).unwrap_or(&["strict"]);
    let listing = candidates
        .iter()
        .map(|q| format!("{q}: {}", known(q).join(", ")))
        .collect::<Vec<_>>()
        .join("; ");
    let (have, lack): (Vec<String>, Vec<String>) = candidates
        .iter()
        .cloned()
        .partition(|q| known(q).contains(&p));
    if have.is_empty() || (!protocols.is_empty() && !lack.is_empty()) {
        let _ = writeln!(
            err,
            "msgwire: --profile {p}: not a profile of {} (known: {listing})",
            lack.join(", "),
        );
        return Err(EXIT_USAGE);
    }
    if lack.is_empty() {
        return Ok(protocols.to_vec());
    }
    {
        let _ = writeln!(
            err,
            "msgwire: --profile {p}: only {} (not {})",
            have.join(", "),
            lack.join(", ")
        );
    }
    Ok(have)
}

/// `msgwire check codec`: runs the corpus, writes the reports, returns the exit status.
pub fn check_codec(o: &CheckOptions, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let corpus = match load(o.vectors.as_deref(), err) {
        Ok(c) => c,
        Err(code) => return code,
    };
    for p in &o.protocols {
        if !PROTOCOLS.contains(&p.as_str()) {
            let _ = writeln!(
                err,
                "msgwire: unknown protocol {p:?} (known: {})",
                PROTOCOLS.join(", ")
            );
            return EXIT_USAGE;
        }
    }
    let baseline = match &o.baseline {
        None => Baseline::default(),
        Some(p) => match read_text(p) {
            Ok(t) => Baseline::parse(&t),
            Err(e) => {
                let _ = writeln!(err, "msgwire: baseline {}: {e}", p.display());
                return EXIT_USAGE;
            }
        },
    };
    let protocols = match protocols_for_profile(o.profile.as_deref(), &o.protocols, err) {
        Ok(p) => p,
        Err(code) => return code,
    };
    let sel = Selection {
        protocols,
        only: o.only.iter().map(|g| Glob::new(g)).collect(),
        skip: o.skip.iter().map(|g| Glob::new(g)).collect(),
        profile: o.profile.clone(),
    };
    let mut ours = Ours::default();
    let mut adapter;
    let imp: &mut dyn Implementation = match &o.adapter {
        None => {
            if let Err(e) = corpus.check_profiles(forms::profiles) {
                let _ = write!(err, "msgwire: {}: {e}", corpus.origin);
                return EXIT_USAGE;
            }
            if let Some(t) = o.timeout {
                ours.timeout = t;
            }
            &mut ours
        }
        Some(cmd) => {
            let mode = if o.persistent {
                Mode::Persistent
            } else {
                Mode::OneShot
            };
            let timeout = o.timeout.unwrap_or(Duration::from_secs(10));
            adapter = match Adapter::new(cmd, mode, timeout, o.profile.clone()) {
                Ok(a) => a,
                Err(e) => {
                    let _ = writeln!(err, "msgwire: --adapter: {e}");
                    return EXIT_USAGE;
                }
            };
            &mut adapter
        }
    };
    let name = o.name.clone().unwrap_or_else(|| imp.name());
    let mut named = Named { inner: imp, name };
    let style = o.progress;
    let mut last = std::time::Instant::now();
    let run = {
        let mut progress = |p: runner::Progress<'_>| match style {
            ProgressOutput::Off => {}
            ProgressOutput::Counter => {
                if p.done.is_multiple_of(16) || p.done == p.total {
                    let _ = write!(err, "\r[{}/{}]", p.done, p.total);
                    if p.done == p.total {
                        let _ = write!(err, "\r{}\r", " ".repeat(24));
                    }
                }
            }
            ProgressOutput::Lines => {
                if p.protocol_done || last.elapsed() >= PROGRESS_EVERY {
                    last = std::time::Instant::now();
                    let _ = writeln!(
                        err,
                        "msgwire: check codec: {}: {}/{} trials, {} failure{}",
                        p.protocol,
                        p.done,
                        p.total,
                        p.failures,
                        if p.failures == 1 { "" } else { "s" }
                    );
                }
            }
        };
        runner::run(&corpus, &sel, &mut named, &baseline, &mut progress)
    };
    let run = match run {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(err, "msgwire: check codec: {e}");
            return EXIT_USAGE;
        }
    };
    let mut meta = report::model::meta_now();
    meta.corpus = Some(corpus.origin.to_string());
    meta.corpus_revision = Some(corpus.revision.clone());
    meta.baseline = o.baseline.as_ref().map(|p| p.display().to_string());
    meta.vectors_link = vectors_link(&corpus.origin);
    let mut rep = report::Report::from_codec(&run, o.strict, Some(&corpus), meta);
    if run
        .results
        .iter()
        .all(|r| r.class == runner::Class::Skipped)
    {
        // No summary: its "ok" would contradict the exit status; the reports say why.
        let first = run.results.first().map(|r| r.detail.as_str()).unwrap_or("");
        let why = format!(
            "nothing checked: all {} trials were skipped (the first: {first})",
            run.results.len()
        );
        rep.verdict = report::Verdict {
            exit_code: EXIT_USAGE,
            reasons: vec![why.clone()],
        };
        if let Err(code) = write_reports(&rep, &run, o, err) {
            return code;
        }
        let _ = writeln!(err, "msgwire: check codec: {why}");
        return EXIT_USAGE;
    }
    let _ = write!(
        out,
        "{}",
        report::terminal::render(
            &rep,
            report::terminal::Options {
                style: report::terminal::Style { color: o.color },
                every_item: false,
                trace: false,
            }
        )
    );
    if let Err(code) = write_reports(&rep, &run, o, err) {
        return code;
    }
    if rep.verdict.failed() {
        EXIT_FAIL
    } else {
        EXIT_OK
    }
}

/// Where report links to vector files point: `$MSGWIRE_VECTORS_URL` (e.g. the repository's
/// web view of `vectors/`), else the corpus directory as an absolute path. The embedded corpus
/// has no files to link to (and the directory it was built from is a path of the build
/// machine, which the binary never uses): its reports link only with `$MSGWIRE_VECTORS_URL`.
fn vectors_link(origin: &crate::corpus::Origin) -> Option<String> {
    if let Ok(url) = std::env::var("MSGWIRE_VECTORS_URL") {
        return Some(url);
    }
    match origin {
        crate::corpus::Origin::Dir(d) => std::fs::canonicalize(d)
            .ok()
            .map(|d| d.display().to_string()),
        crate::corpus::Origin::Embedded => None,
    }
}

fn write_file(path: &Path, text: &str, err: &mut dyn Write) -> Result<(), i32> {
    std::fs::write(path, text).map_err(|e| {
        let _ = writeln!(err, "msgwire: cannot write {}: {e}", path.display());
        EXIT_USAGE
    })
}

fn write_reports(
    rep: &report::Report,
    run: &Run,
    o: &CheckOptions,
    err: &mut dyn Write,
) -> Result<(), i32> {
    let outputs = report::Outputs {
        json: o.json.as_deref(),
        junit: o.junit.as_deref(),
        html: o.html.as_deref(),
        markdown: o.markdown.as_deref(),
    };
    if let Err(e) = report::write_files(rep, &outputs) {
        let _ = writeln!(err, "msgwire: {e}");
        return Err(EXIT_USAGE);
    }
    if let Some(p) = &o.write_baseline {
        write_file(p, &Baseline::text_of(&run.results), err)?;
    }
    Ok(())
}

/// `msgwire report matrix`: JSON reports (from `--json`) → the peer matrix as Markdown and/or
/// one HTML page. `preamble` is put before the Markdown matrix.
pub fn report_matrix(
    reports: &[PathBuf],
    markdown: Option<&Path>,
    html: Option<&Path>,
    vectors_link: &str,
    preamble: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let mut suites = Vec::new();
    let mut meta = report::model::meta_now();
    let mut reasons = Vec::new();
    for p in reports {
        let rep = read_text(p)
            .map(String::into_bytes)
            .map_err(|e| e.to_string())
            .and_then(|b| report::json::parse(&b));
        match rep {
            Ok(r) => {
                if meta.corpus.is_none() {
                    meta.corpus = r.meta.corpus.clone();
                    meta.corpus_revision = r.meta.corpus_revision.clone();
                }
                if r.verdict.failed() {
                    reasons.push(format!("{}: {}", p.display(), r.verdict.reasons.join("; ")));
                }
                suites.extend(r.suites);
            }
            Err(e) => {
                let _ = writeln!(err, "msgwire: report {}: {e}", p.display());
                return EXIT_USAGE;
            }
        }
    }
    let md = format!(
        "{preamble}{}",
        report::matrix::markdown(&suites, vectors_link)
    );
    match markdown {
        Some(p) => {
            if let Err(code) = write_file(p, &md, err) {
                return code;
            }
        }
        None => {
            let _ = write!(out, "{md}");
        }
    }
    if let Some(p) = html {
        // The page of the matrix: every implementation's items. `report matrix` exits 0 (a
        // peer's failures are the matrix's content); the page names the runs that failed.
        meta.vectors_link = Some(vectors_link.to_string());
        let rep = report::Report {
            format: report::model::FORMAT.into(),
            title: "report matrix".into(),
            verdict: report::Verdict {
                exit_code: EXIT_OK,
                reasons,
            },
            meta,
            stale_baseline: Vec::new(),
            suites,
        };
        if let Err(code) = write_file(p, &report::html::render(&rep), err) {
            return code;
        }
    }
    EXIT_OK
}

/// `msgwire serve`: the persistent adapter contract over our codecs (one JSON request per
/// line on `input`, one answer per line on `out`), so that `msgwire` itself can be driven as a
/// persistent adapter (`--adapter msgwire --persistent`, `msgwire fuzz codec --adapter
/// msgwire`). Returns at the end of the input.
pub fn serve(input: &mut dyn std::io::BufRead, out: &mut dyn Write) -> i32 {
    let error_json = |e: &FormError| {
        let mut v = serde_json::json!({"kind": e.kind, "message": e.message});
        if let Some(c) = e.code {
            v["code"] = c.into();
        }
        if let Some(o) = e.offset {
            v["offset"] = o.into();
        }
        v
    };
    let mut line = String::new();
    loop {
        line.clear();
        match input.read_line(&mut line) {
            Ok(0) | Err(_) => return EXIT_OK,
            Ok(_) => {}
        }
        if line.trim().is_empty() {
            continue;
        }
        let answer = match serde_json::from_str::<Value>(&line) {
            Err(e) => {
                serde_json::json!({"error": {"kind": "bad-request", "message": e.to_string()}})
            }
            Ok(req) => {
                let s = |k: &str| req.get(k).and_then(Value::as_str).unwrap_or("");
                let (op, protocol) = (s("op"), s("protocol"));
                let profile = match s("profile") {
                    "" => forms::profiles(protocol).map_or("strict", |p| p[0]),
                    p => p,
                };
                match (op, forms::profiles(protocol)) {
                    (_, None) => {
                        serde_json::json!({"unsupported": format!("protocol {protocol:?}")})
                    }
                    (_, Some(all)) if !all.contains(&profile) => {
                        serde_json::json!({"unsupported": format!("profile {profile:?}")})
                    }
                    ("decode", Some(_)) => match hex::decode(s("input")) {
                        Err(e) => {
                            serde_json::json!({"error": {"kind": "bad-request", "message": format!("input: {e}")}})
                        }
                        Ok(bytes) => match forms::decode(protocol, &bytes, profile) {
                            Some(d)
                                if d.error.as_ref().is_some_and(|e| e.kind == UNIMPLEMENTED) =>
                            {
                                serde_json::json!({"unsupported": "the form is not implemented in this build"})
                            }
                            Some(d) => match &d.error {
                                None => serde_json::json!({"docs": d.docs}),
                                Some(e) => {
                                    serde_json::json!({"docs": d.docs, "error": error_json(e)})
                                }
                            },
                            None => serde_json::json!({"unsupported": "not built in"}),
                        },
                    },
                    ("encode", Some(_)) => {
                        let docs = req
                            .get("docs")
                            .and_then(Value::as_array)
                            .cloned()
                            .unwrap_or_default();
                        match forms::encode(protocol, &docs) {
                            Some(Ok(b)) => serde_json::json!({"output": hex::encode(b)}),
                            Some(Err(e)) if e.kind == UNIMPLEMENTED => {
                                serde_json::json!({"unsupported": "the form is not implemented in this build"})
                            }
                            Some(Err(e)) => serde_json::json!({"error": error_json(&e)}),
                            None => serde_json::json!({"unsupported": "not built in"}),
                        }
                    }
                    _ => {
                        serde_json::json!({"error": {"kind": "bad-request", "message": format!("unknown op {op:?}")}})
                    }
                }
            }
        };
        if writeln!(out, "{answer}").and_then(|_| out.flush()).is_err() {
            return EXIT_OK;
        }
    }
}

/// Options of `msgwire fuzz codec`.
#[derive(Debug, Clone, Default)]
pub struct FuzzOptions {
    /// The implementation, through the adapter contract.
    pub adapter: String,
    /// One-shot mode instead of the persistent `CMD serve`.
    pub one_shot: bool,
    /// Only these protocols (default: all five).
    pub protocols: Vec<String>,
    /// The profile (default: each protocol's first).
    pub profile: Option<String>,
    /// Stop after this long.
    pub time: Option<Duration>,
    /// Stop after this many inputs.
    pub runs: Option<u64>,
    /// The PRNG seed.
    pub seed: u64,
    /// Corpus of seeds (default: `$MSGWIRE_VECTORS`, else the embedded corpus).
    pub corpus: Option<PathBuf>,
    /// Where vector files of disagreements go.
    pub out_dir: Option<PathBuf>,
    /// Known disagreement signatures.
    pub baseline: Option<PathBuf>,
    /// Write this run's signatures as a baseline.
    pub write_baseline: Option<PathBuf>,
    /// Per-request timeout.
    pub timeout: Duration,
    /// Candidates tried per minimization.
    pub minimize_tries: usize,
    /// Reports.
    pub json: Option<PathBuf>,
    /// JUnit report.
    pub junit: Option<PathBuf>,
    /// HTML report.
    pub html: Option<PathBuf>,
    /// Markdown summary (appended to).
    pub markdown: Option<PathBuf>,
    /// The implementation's name in reports.
    pub name: Option<String>,
    /// Colours in the summary.
    pub color: bool,
    /// Progress on stderr.
    pub progress: ProgressOutput,
}

/// Quotes a word for a POSIX shell when it needs it.
fn shell_word(w: &str) -> String {
    if !w.is_empty()
        && w.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@,+%".contains(c))
    {
        w.to_string()
    } else {
        format!("'{}'", w.replace('\'', "'\\''"))
    }
}

/// `msgwire fuzz codec`: generated and mutated inputs to an adapter and to our codecs;
/// disagreements minimized and written as vectors (see `crate::fuzz`). Exit 0 clean (or only
/// baselined disagreements), 1 a new disagreement, 2 usage, an adapter that cannot start, or
/// nothing compared.
pub fn fuzz_codec(o: &FuzzOptions, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    use crate::fuzz;
    let corpus = match load(o.corpus.as_deref(), err) {
        Ok(c) => c,
        Err(code) => return code,
    };
    let protocols: Vec<String> = if o.protocols.is_empty() {
        PROTOCOLS.iter().map(|s| s.to_string()).collect()
    } else {
        o.protocols.clone()
    };
    let targets = match fuzz::targets(&protocols, o.profile.as_deref()) {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(err, "msgwire: fuzz codec: {e}");
            return EXIT_USAGE;
        }
    };
    let baseline = match &o.baseline {
        None => Default::default(),
        Some(p) => match read_text(p) {
            Ok(t) => fuzz::parse_baseline(&t),
            Err(e) => {
                let _ = writeln!(err, "msgwire: baseline {}: {e}", p.display());
                return EXIT_USAGE;
            }
        },
    };
    if o.time.is_none() && o.runs.is_none() {
        let _ = writeln!(
            err,
            "msgwire: fuzz codec: give a budget: --time DURATION or --runs N"
        );
        return EXIT_USAGE;
    }
    let mode = if o.one_shot {
        Mode::OneShot
    } else {
        Mode::Persistent
    };
    let mut adapter = match Adapter::new(&o.adapter, mode, o.timeout, o.profile.clone()) {
        Ok(a) => a,
        Err(e) => {
            let _ = writeln!(err, "msgwire: --adapter: {e}");
            return EXIT_USAGE;
        }
    };
    let mut ours = Ours { timeout: o.timeout };
    let name = o.name.clone().unwrap_or_else(|| adapter.name());
    let plan = fuzz::Plan {
        targets,
        budget: fuzz::Budget {
            time: o.time,
            runs: o.runs,
        },
        seed: o.seed,
        minimize_tries: o.minimize_tries,
        baseline,
    };
    // The command that replays one written vector against the same adapter.
    let reproduce = |f: &fuzz::Finding, dir: &Path| {
        let mut words = vec!["msgwire".to_string(), "check".into(), "codec".into()];
        words.extend(["--adapter".into(), o.adapter.clone()]);
        if !o.one_shot {
            words.push("--persistent".into());
        }
        words.extend(["--vectors".into(), dir.display().to_string()]);
        words.extend(["--only".into(), fuzz::case_id(f)]);
        words.extend(["--profile".into(), f.profile.clone()]);
        words
            .iter()
            .map(|w| shell_word(w))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let mut write_failed = None;
    let shared = std::cell::RefCell::new(&mut *err);
    let mut found = |f: &mut fuzz::Finding| {
        let mut err = shared.borrow_mut();
        let _ = writeln!(
            err,
            "msgwire: fuzz codec: {}{}: {} bytes: {}",
            f.disagreement.signature,
            if f.known { " (baselined)" } else { "" },
            f.input.len(),
            hex::encode(&f.input)
        );
        let Some(dir) = &o.out_dir else { return };
        let cmd = reproduce(f, dir);
        if let Some(doc) = fuzz::vector_file(f, &name, &cmd, o.seed) {
            match fuzz::write_vector(dir, f, &doc) {
                Ok(p) => {
                    let _ = writeln!(
                        err,
                        "msgwire: fuzz codec:   vector {}; reproduce: {cmd}",
                        p.display()
                    );
                    f.vector = Some(p);
                }
                Err(e) => {
                    write_failed = Some(format!(
                        "cannot write a vector under {}: {e}",
                        dir.display()
                    ))
                }
            }
        }
    };
    let style = o.progress;
    let mut last = std::time::Instant::now();
    let mut progress = |x: &fuzz::Outcome| {
        if style == ProgressOutput::Off || last.elapsed() < PROGRESS_EVERY {
            return;
        }
        last = std::time::Instant::now();
        let mut err = shared.borrow_mut();
        let line = format!(
            "msgwire: fuzz codec: {} inputs, {} disagreement{}",
            x.runs,
            x.findings.len(),
            if x.findings.len() == 1 { "" } else { "s" }
        );
        let _ = match style {
            ProgressOutput::Counter => write!(err, "\r{line}"),
            _ => writeln!(err, "{line}"),
        };
    };
    let outcome = fuzz::run(
        &corpus,
        &plan,
        &mut adapter,
        &mut ours,
        &mut found,
        &mut progress,
    );
    if style == ProgressOutput::Counter {
        let _ = write!(err, "\r{}\r", " ".repeat(60));
    }
    if let Some(e) = write_failed {
        let _ = writeln!(err, "msgwire: fuzz codec: {e}");
        return EXIT_USAGE;
    }
    finish_fuzz(
        o,
        &corpus,
        &outcome,
        &name,
        "codec",
        "disagreements",
        None,
        out,
        err,
    )
}

/// Where `msgwire fuzz <protocol>-server` sends its traffic (besides [`FuzzOptions`]).
#[derive(Debug, Clone, Default)]
pub struct ServerTarget {
    /// `http://host:port/path`, `tcp://host:port` or `amqp://user:pass@host:port/vhost`.
    pub url: Option<String>,
    /// A program talking over stdin/stdout.
    pub command: Option<String>,
    /// Framing on a stream (Thrift: the transport, `buffered`, `framed` or `header`).
    pub framing: Option<String>,
    /// Thrift's wire protocol: `binary` or `compact`.
    pub wire: Option<String>,
    /// A method that echoes its params.
    pub echo: Option<String>,
    /// Wire scripts to replay instead of fuzzing.
    pub replay: Vec<PathBuf>,
    /// `msgwire fuzz <protocol>-client`: the driver that runs the client library (msgwire
    /// plays the server; the driver contract of `check <protocol>-client`).
    pub driver: Option<String>,
    /// `msgwire fuzz <protocol>-server --restart CMD`: a shell command that brings the server
    /// back after it went down, and how long to wait for it to answer again.
    pub restart: Option<(String, Duration)>,
}

/// A live target's exchange (send one input, judge the answer, check the target still
/// answers) and its description, for `msgwire fuzz <protocol>-server`.
type Exchange = (Box<dyn FnMut(&[u8]) -> crate::live::FuzzVerdict>, String);

/// The exchange with the target `s` names, for `protocol`: the URL schemes and options each
/// protocol's live suite takes (JSON-RPC: http://, tcp:// or --command with --framing;
/// XML-RPC: http://; MessagePack-RPC: tcp:// or --command; AMQP: amqp://). The target is
/// probed once (an unreachable one is a usage error).
#[cfg_attr(
    not(all(
        feature = "jsonrpc",
        feature = "xmlrpc",
        feature = "msgpack-rpc",
        feature = "amqp"
    )),
    allow(unused_variables, unused_imports)
)]
fn server_exchange(
    protocol: &str,
    s: &ServerTarget,
    timeout: Duration,
) -> Result<Exchange, String> {
    use crate::live;
    if let Some(cmd) = &s.driver {
        return client_exchange(protocol, cmd, timeout);
    }
    let only = |what: &str, given: bool| -> Result<(), String> {
        if given {
            Err(format!("{what} is not an option of fuzz {protocol}-server"))
        } else {
            Ok(())
        }
    };
    match protocol {
        #[cfg(feature = "jsonrpc")]
        "jsonrpc" => {
            let t = live::jsonrpc::Target::new(
                s.url.as_deref(),
                s.command.as_deref(),
                s.framing.as_deref(),
                s.echo.as_deref(),
                timeout,
            )?;
            let d = t.describe();
            Ok((Box::new(move |i| live::jsonrpc::fuzz_exchange(&t, i)), d))
        }
        #[cfg(feature = "xmlrpc")]
        "xmlrpc" => {
            only("--command", s.command.is_some())?;
            only("--framing", s.framing.is_some())?;
            let url = s
                .url
                .as_deref()
                .ok_or("give the server's http://host:port/path")?;
            let t = live::xmlrpc::Target::new(url, s.echo.as_deref(), timeout)?;
            t.probe()?;
            let d = t.describe();
            Ok((Box::new(move |i| live::xmlrpc::fuzz_exchange(&t, i)), d))
        }
        #[cfg(feature = "msgpack-rpc")]
        "msgpack-rpc" => {
            only("--framing", s.framing.is_some())?;
            let t = live::msgpack_rpc::Target::new(
                s.url.as_deref(),
                s.command.as_deref(),
                s.echo.as_deref(),
                timeout,
            )?;
            t.probe()?;
            let d = match (&t.addr, &t.command) {
                (Some(a), _) => format!("tcp://{a}"),
                (None, c) => format!("command {:?}", c.as_deref().unwrap_or("")),
            };
            Ok((
                Box::new(move |i| live::msgpack_rpc::fuzz_exchange(&t, i)),
                d,
            ))
        }
        #[cfg(feature = "amqp")]
        "amqp" => {
            only("--command", s.command.is_some())?;
            only("--framing", s.framing.is_some())?;
            only("--echo-method", s.echo.is_some())?;
            let url = s
                .url
                .as_deref()
                .ok_or("give the broker's amqp://user:pass@host:port/vhost")?;
            let t = live::amqp::Target::from_url(url, timeout)?;
            t.probe()?;
            let d = format!("amqp://{}/{}", t.addr, t.vhost.replace('/', "%2f"));
            Ok((Box::new(move |i| live::amqp::fuzz_exchange(&t, i)), d))
        }
        #[cfg(feature = "thrift")]
        "thrift" => {
            only("--command", s.command.is_some())?;
            only("--echo-method", s.echo.is_some())?;
            let t = live::thrift::Target::new(
                s.url.as_deref(),
                s.wire.as_deref(),
                s.framing.as_deref(),
                timeout,
            )?;
            t.probe()?;
            let d = format!("{} ({})", t.addr, t.describe());
            Ok((Box::new(move |i| live::thrift::fuzz_exchange(&t, i)), d))
        }
        p => Err(format!("unknown protocol {p:?}")),
    }
}

/// The exchange of `msgwire fuzz <protocol>-client --driver CMD`: each input played to a run
/// of the driver (after its `hello`), judged by the protocol's client `fuzz_exchange`.
fn client_exchange(protocol: &str, cmd: &str, timeout: Duration) -> Result<Exchange, String> {
    use crate::live;
    let t = live::client::Target {
        driver: live::client::Driver::Command(cmd.to_string()),
        timeout,
    };
    let (library, version) = t.driver.hello(timeout.max(Duration::from_secs(10)))?;
    let d = format!("{library} {version}");
    match protocol {
        #[cfg(feature = "jsonrpc")]
        "jsonrpc" => Ok((
            Box::new(move |i| live::jsonrpc_client::fuzz_exchange(&t, i)),
            d,
        )),
        #[cfg(feature = "xmlrpc")]
        "xmlrpc" => Ok((
            Box::new(move |i| live::xmlrpc_client::fuzz_exchange(&t, i)),
            d,
        )),
        #[cfg(feature = "msgpack-rpc")]
        "msgpack-rpc" => Ok((
            Box::new(move |i| live::msgpack_rpc_client::fuzz_exchange(&t, i)),
            d,
        )),
        #[cfg(feature = "amqp")]
        "amqp" => Ok((
            Box::new(move |i| live::amqp_client::fuzz_exchange(&t, i)),
            d,
        )),
        p => {
            // Unused when no client protocol's feature is on (Thrift alone).
            let _ = (t, d);
            Err(format!("unknown protocol {p:?}"))
        }
    }
}

/// `msgwire fuzz jsonrpc-server` (see [`fuzz_server`]).
pub fn fuzz_jsonrpc_server(
    o: &FuzzOptions,
    s: &ServerTarget,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    fuzz_server(o, s, "jsonrpc", out, err)
}

/// `msgwire fuzz <protocol>-server` (`jsonrpc`, `xmlrpc`, `msgpack-rpc`, `amqp`): generated
/// and mutated traffic against a live server (bounded by `--runs`/`--time`, every wait by
/// `--timeout`; a few connections per input), each answer judged against what the spec owes
/// (see each protocol's `live::*::fuzz_exchange`); a broken invariant is minimized and written
/// as a wire script that `--replay` sends again. Exit 0 clean (or only baselined), 1 a new
/// failure (or, with `--replay`, a script that still fails), 2 usage or an unreachable target.
pub fn fuzz_server(
    o: &FuzzOptions,
    s: &ServerTarget,
    protocol: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    use crate::fuzz;
    use crate::live::FuzzVerdict;
    let side = if s.driver.is_some() {
        "client"
    } else {
        "server"
    };
    let mode = format!("{protocol}-{side}");
    let (mut exchange, described) = match server_exchange(protocol, s, o.timeout) {
        Ok(x) => x,
        Err(e) => {
            let _ = writeln!(err, "msgwire: fuzz {mode}: {e}");
            return EXIT_USAGE;
        }
    };
    if !s.replay.is_empty() {
        let mut code = EXIT_OK;
        for p in &s.replay {
            let doc = match read_text(p)
                .map_err(|e| e.to_string())
                .and_then(|t| serde_json::from_str::<Value>(&t).map_err(|e| e.to_string()))
            {
                Ok(d) => d,
                Err(e) => {
                    let _ = writeln!(err, "msgwire: --replay {}: {e}", p.display());
                    return EXIT_USAGE;
                }
            };
            let inputs = match fuzz::read_wire_script(&doc) {
                Ok(i) => i,
                Err(e) => {
                    let _ = writeln!(err, "msgwire: --replay {}: {e}", p.display());
                    return EXIT_USAGE;
                }
            };
            for input in inputs {
                let v = exchange(&input);
                let line = match v.broken() {
                    None if v == FuzzVerdict::Ok && side == "client" => {
                        "ok: the client delivered what the spec owes, refused what it must".into()
                    }
                    None if v == FuzzVerdict::Ok => {
                        "ok: the reply owed came, the server still answers".into()
                    }
                    None => "skipped: our limits decide this input".into(),
                    Some((class, key, d)) => {
                        code = EXIT_FAIL;
                        let key = if key.is_empty() {
                            String::new()
                        } else {
                            format!(" {key}")
                        };
                        format!("FAILED {class}{key}: {d}")
                    }
                };
                let _ = writeln!(out, "{}: {} bytes: {line}", p.display(), input.len());
            }
        }
        return code;
    }
    let corpus = match load(o.corpus.as_deref(), err) {
        Ok(c) => c,
        Err(code) => return code,
    };
    if o.time.is_none() && o.runs.is_none() {
        let _ = writeln!(
            err,
            "msgwire: fuzz {mode}: give a budget: --time DURATION or --runs N"
        );
        return EXIT_USAGE;
    }
    let baseline = match &o.baseline {
        None => Default::default(),
        Some(p) => match read_text(p) {
            Ok(t) => fuzz::parse_baseline(&t),
            Err(e) => {
                let _ = writeln!(err, "msgwire: baseline {}: {e}", p.display());
                return EXIT_USAGE;
            }
        },
    };
    // Thrift's inputs are made in the target's transport and protocol (`framed/compact`).
    let shape = match protocol {
        "thrift" => format!(
            "{}/{}",
            match s.framing.as_deref() {
                Some("framed") => "framed",
                Some("header") => "header",
                _ => "unframed",
            },
            s.wire.as_deref().unwrap_or("binary")
        ),
        _ => "strict".into(),
    };
    let plan = fuzz::Plan {
        targets: vec![(protocol.into(), shape)],
        budget: fuzz::Budget {
            time: o.time,
            runs: o.runs,
        },
        seed: o.seed,
        minimize_tries: o.minimize_tries,
        baseline,
    };
    let name = o.name.clone().unwrap_or_else(|| described.clone());
    let mut write_failed = None;
    let mut found = |f: &mut fuzz::Finding| {
        let _ = writeln!(
            err,
            "msgwire: fuzz {mode}: {}{}: {} bytes: {}",
            f.disagreement.signature,
            if f.known { " (baselined)" } else { "" },
            f.input.len(),
            if protocol == "jsonrpc" || protocol == "xmlrpc" {
                String::from_utf8_lossy(&f.input).into_owned()
            } else {
                hex::encode(&f.input)
            }
        );
        let Some(dir) = &o.out_dir else { return };
        let dir = dir.join(&mode);
        let file = dir.join(format!(
            "fuzz-{}.json",
            fuzz::short_hash(&f.disagreement.signature)
        ));
        let mut words = vec!["msgwire".to_string(), "fuzz".into(), mode.clone()];
        match (&s.url, &s.command, &s.driver) {
            (Some(u), _, _) => words.push(u.clone()),
            (None, Some(c), _) => words.extend(["--command".into(), c.clone()]),
            (None, None, Some(d)) => words.extend(["--driver".into(), d.clone()]),
            _ => {}
        }
        if let Some(w) = &s.wire {
            words.extend(["--protocol".into(), w.clone()]);
        }
        if let Some(fr) = &s.framing {
            let flag = if protocol == "thrift" {
                "--transport"
            } else {
                "--framing"
            };
            words.extend([flag.into(), fr.clone()]);
        }
        if let Some(e) = &s.echo {
            words.extend(["--echo-method".into(), e.clone()]);
        }
        words.extend(["--replay".into(), file.display().to_string()]);
        let cmd = words
            .iter()
            .map(|w| shell_word(w))
            .collect::<Vec<_>>()
            .join(" ");
        let doc = fuzz::wire_script(f, &described, &cmd, o.seed);
        let text = serde_json::to_string_pretty(&doc).unwrap_or_default() + "\n";
        match std::fs::create_dir_all(&dir).and_then(|_| std::fs::write(&file, text)) {
            Ok(()) => {
                let _ = writeln!(
                    err,
                    "msgwire: fuzz {mode}:   wire script {}; replay: {cmd}",
                    file.display()
                );
                f.vector = Some(file);
            }
            Err(e) => write_failed = Some(format!("cannot write {}: {e}", file.display())),
        }
    };
    let mut restart = s.restart.as_ref().map(|(cmd, wait)| {
        let cmd = cmd.clone();
        let wait = *wait;
        move || {
            restart_server(&cmd, wait, || {
                server_exchange(protocol, s, o.timeout).map(|_| ())
            })
        }
    });
    let outcome = if s.driver.is_some() {
        fuzz::run_client(
            &corpus,
            &plan,
            protocol,
            &mode,
            &mut |input| exchange(input),
            &mut found,
            &mut |_| {},
        )
    } else {
        fuzz::run_server(
            &corpus,
            &plan,
            protocol,
            &mode,
            &mut |input| exchange(input),
            restart.as_mut().map(|r| r as &mut fuzz::Restart<'_>),
            &mut found,
            &mut |_| {},
        )
    };
    if let Some(e) = write_failed {
        let _ = writeln!(err, "msgwire: fuzz {mode}: {e}");
        return EXIT_USAGE;
    }
    let against = format!(" against {described}");
    finish_fuzz(
        o,
        &corpus,
        &outcome,
        &name,
        &mode,
        "failures",
        Some(&against),
        out,
        err,
    )
}

/// Runs `cmd` through `sh -c` (stdin, stdout and stderr closed; a server it starts in the
/// background outlives it), then calls `probe` until the target answers; all within `wait`.
fn restart_server(
    cmd: &str,
    wait: Duration,
    mut probe: impl FnMut() -> Result<(), String>,
) -> Result<(), String> {
    use std::process::{Command, Stdio};
    let deadline = Instant::now() + wait;
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .map_err(|e| format!("cannot run `{cmd}`: {e}"))?;
    loop {
        match child.try_wait() {
            Ok(Some(st)) if st.success() => break,
            Ok(Some(st)) => return Err(format!("`{cmd}` failed ({st})")),
            Ok(None) if Instant::now() >= deadline => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "`{cmd}` did not finish within {} s",
                    wait.as_secs_f64()
                ));
            }
            Ok(None) => std::thread::sleep(Duration::from_millis(20)),
            Err(e) => return Err(format!("`{cmd}`: {e}")),
        }
    }
    loop {
        match probe() {
            Ok(()) => return Ok(()),
            Err(e) if Instant::now() >= deadline => {
                return Err(format!(
                    "the server did not answer within {} s of `{cmd}`: {e}",
                    wait.as_secs_f64()
                ))
            }
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

/// The end of a `msgwire fuzz` run: the report (files and terminal), the `--write-baseline`
/// file of signatures, the seed line, and the exit status. `what` names the mode
/// (`codec`, `jsonrpc-server`), `kinds` what a signature is; `against` goes after the time.
#[allow(clippy::too_many_arguments)]
fn finish_fuzz(
    o: &FuzzOptions,
    corpus: &crate::vectors::Corpus,
    outcome: &crate::fuzz::Outcome,
    name: &str,
    what: &str,
    kinds: &str,
    against: Option<&str>,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> i32 {
    let mut meta = report::model::meta_now();
    meta.corpus = Some(corpus.origin.to_string());
    meta.corpus_revision = Some(corpus.revision.clone());
    meta.baseline = o.baseline.as_ref().map(|p| p.display().to_string());
    let mut rep = crate::fuzz::report(outcome, name, meta);
    if what != "codec" {
        rep.title = format!("fuzz {what}");
    }
    let outputs = report::Outputs {
        json: o.json.as_deref(),
        junit: o.junit.as_deref(),
        html: o.html.as_deref(),
        markdown: o.markdown.as_deref(),
    };
    if let Err(e) = report::write_files(&rep, &outputs) {
        let _ = writeln!(err, "msgwire: {e}");
        return EXIT_USAGE;
    }
    if let Some(p) = &o.write_baseline {
        let mut text = format!("# msgwire fuzz {what}: known {kinds} (one signature a line)\n");
        for f in &outcome.findings {
            text.push_str(&f.disagreement.signature);
            text.push('\n');
        }
        if let Err(code) = write_file(p, &text, err) {
            return code;
        }
    }
    let _ = write!(
        out,
        "{}",
        report::terminal::render(
            &rep,
            report::terminal::Options {
                style: report::terminal::Style { color: o.color },
                every_item: false,
                trace: false,
            }
        )
    );
    let _ = writeln!(
        out,
        "seed {}, {} inputs in {:.1} s{}; the same seed gives the same inputs",
        o.seed,
        outcome.runs,
        outcome.millis as f64 / 1000.0,
        against.unwrap_or("")
    );
    if rep.verdict.exit_code == EXIT_USAGE {
        let _ = writeln!(
            err,
            "msgwire: fuzz {what}: {}",
            rep.verdict.reasons.join("; ")
        );
    }
    rep.verdict.exit_code
}
