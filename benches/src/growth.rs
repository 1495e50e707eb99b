//! The growth families: adversarial and bulk inputs whose work must stay linear in their size
//! (issue 7's growth checks). `benches/benches/growth.rs` times them with criterion;
//! `src/bin/growth_icount.rs` counts their instructions under callgrind
//! (`benches/growth-icount.sh`), which page faults and cache misses at the larger sizes do not
//! move, so the verdict "level" or "superlinear" in RESULTS.md is taken on instructions.

use msgwire::amqp::{Decoder, FieldTable, Frame, Payload};
use msgwire::jsonrpc::framing::{decode_line, LineDecoder};
use msgwire::msgpack_rpc::{Splitter, ValueRef};
use msgwire::Decoded;

/// Families kept as references for a super-linear path msgwire replaced; they are expected to
/// grow and are not counted against the "every family stays level" rule.
pub const REFERENCES: &[&str] = &[
    "jsonrpc/ndjson-line-in-reads-stateless",
    "xmlrpc/end-tags-in-comment-in-reads-stateless",
];

/// Input sizes, in bytes (approximately: a family repeats its unit to fill them).
pub const SIZES: [usize; 3] = [16 << 10, 128 << 10, 1 << 20];
/// Read size for the families that feed a stream in pieces.
pub const READ: usize = 1024;

/// `unit` repeated to about `size` bytes between `head` and `tail`.
fn fill(head: &str, unit: &str, tail: &str, size: usize) -> Vec<u8> {
    let n = size.saturating_sub(head.len() + tail.len()) / unit.len();
    format!("{head}{}{tail}", unit.repeat(n.max(1))).into_bytes()
}

/// `open` nested about `size / (open + close)` times around `inner`.
fn nest(head: &str, open: &str, inner: &str, close: &str, tail: &str, size: usize) -> Vec<u8> {
    let n = size / (open.len() + close.len());
    format!("{head}{}{inner}{}{tail}", open.repeat(n), close.repeat(n)).into_bytes()
}

/// Feeds `wire` to `step` in `READ`-byte pieces, the way a socket reader would: after each read
/// `step` is called until it returns `None` (need more), and consumes what it reports as used.
fn feed(wire: &[u8], mut step: impl FnMut(&[u8]) -> Option<usize>) -> usize {
    let mut buf = Vec::with_capacity(wire.len());
    let mut frames = 0;
    for piece in wire.chunks(READ) {
        buf.extend_from_slice(piece);
        while let Some(used) = step(&buf) {
            buf.drain(..used);
            frames += 1;
        }
    }
    frames
}

pub type Case = (&'static str, fn(usize) -> Vec<u8>, fn(&[u8]) -> usize);

pub fn cases() -> Vec<Case> {
    vec![
        // AMQP: a field table of many short entries, validated then walked.
        (
            "amqp/table-entries",
            |n| "\x01kI\0\0\0\x07".repeat(n / 7).into_bytes(),
            |w| {
                let limits = msgwire::amqp::Limits::default();
                FieldTable::from_entries(w, &limits).map_or(0, |t| t.iter().count())
            },
        ),
        // AMQP: one body frame arriving in 1 KiB reads (the frame head says how much is owed).
        (
            "amqp/body-in-reads",
            |n| {
                let payload = vec![0x5a; n];
                Frame::Body {
                    channel: 1,
                    payload: Payload::Borrowed(&payload),
                }
                .to_vec()
            },
            |w| {
                let decoder = Decoder::new(msgwire::amqp::Limits {
                    frame_max: 0,
                    ..Default::default()
                });
                feed(w, |buf| match decoder.decode(buf) {
                    Ok(Decoded::Complete { used, .. }) => Some(used),
                    _ => None,
                })
            },
        ),
        // JSON-RPC: a method name of `\u0041` escapes (accepted; unescaped once).
        (
            "jsonrpc/escapes",
            |n| {
                fill(
                    r#"{"jsonrpc":"2.0","method":""#,
                    r"\u0041",
                    r#"","id":1}"#,
                    n,
                )
            },
            |w| msgwire::jsonrpc::decode(w).map_or(0, |p| p.to_vec().len()),
        ),
        // JSON-RPC: params nested far past the depth limit (rejected -32700).
        (
            "jsonrpc/deep-params",
            |n| {
                nest(
                    r#"{"jsonrpc":"2.0","method":"m","params":"#,
                    "[",
                    "",
                    "]",
                    r#","id":1}"#,
                    n,
                )
            },
            |w| msgwire::jsonrpc::decode(w).map_or_else(|e| e.offset(), |_| 0),
        ),
        // JSON-RPC: a batch of many requests, every item decoded.
        (
            "jsonrpc/batch",
            |n| {
                let mut w = fill(
                    "[",
                    r#"{"jsonrpc":"2.0","method":"m","params":[1],"id":7},"#,
                    "",
                    n,
                );
                *w.last_mut().unwrap() = b']';
                w
            },
            |w| {
                let decoder = msgwire::jsonrpc::Decoder {
                    limits: msgwire::jsonrpc::Limits {
                        max_batch: usize::MAX,
                        ..Default::default()
                    },
                    ..Default::default()
                };
                match decoder.decode_whole(w) {
                    Ok(msgwire::jsonrpc::Payload::Batch(b)) => {
                        b.iter().filter(Result::is_ok).count()
                    }
                    _ => 0,
                }
            },
        ),
        // JSON-RPC: one NDJSON line arriving in 1 KiB reads, with the resumable LineDecoder...
        ("jsonrpc/ndjson-line-in-reads", line, |w| {
            let mut lines = LineDecoder::default();
            let limits = msgwire::jsonrpc::Limits::default();
            feed(w, |buf| match lines.decode(buf, &limits) {
                Ok(Decoded::Complete { used, .. }) => Some(used),
                _ => None,
            })
        }),
        // ...and with the stateless `decode_line`, which rescans the buffer on every read: the
        // quadratic case LineDecoder exists for (kept here so the ratio stays visible).
        ("jsonrpc/ndjson-line-in-reads-stateless", line, |w| {
            let limits = msgwire::jsonrpc::Limits::default();
            feed(w, |buf| match decode_line(buf, &limits) {
                Ok(Decoded::Complete { used, .. }) => Some(used),
                _ => None,
            })
        }),
        // XML-RPC: a string of entity references (accepted; unescaped once).
        (
            "xmlrpc/entities",
            |n| fill(XML_HEAD, "&amp;", XML_TAIL, n),
            xml_decode,
        ),
        // XML-RPC: a string of CDATA sections and comments, joined into one text.
        (
            "xmlrpc/cdata-comment-joins",
            |n| fill(XML_HEAD, "a<![CDATA[<b>]]><!--c-->", XML_TAIL, n),
            xml_decode,
        ),
        // XML-RPC: arrays nested far past the depth limit (rejected).
        (
            "xmlrpc/deep-arrays",
            |n| {
                nest(
                    "<?xml version=\"1.0\"?><methodCall><methodName>m</methodName><params><param>",
                    "<value><array><data>",
                    "",
                    "</data></array></value>",
                    "</param></params></methodCall>",
                    n,
                )
            },
            xml_decode,
        ),
        // XML-RPC: a struct with many members.
        (
            "xmlrpc/struct-members",
            |n| {
                fill(
                    "<?xml version=\"1.0\"?><methodResponse><params><param><value><struct>",
                    "<member><name>k</name><value><i4>1</i4></value></member>",
                    "</struct></value></param></params></methodResponse>",
                    n,
                )
            },
            xml_decode,
        ),
        // XML-RPC: an element with many attributes (each checked for duplicates; rejected by
        // the grammar afterwards).
        (
            "xmlrpc/attributes",
            |n| {
                let head = "<?xml version=\"1.0\"?><methodCall";
                let count = n / 10;
                let attrs: String = (0..count).map(|i| format!(" a{i:06}=\"\"")).collect();
                format!("{head}{attrs}><methodName>m</methodName></methodCall>").into_bytes()
            },
            xml_decode,
        ),
        // XML-RPC: one call whose comment repeats the root's end tag, read in pieces by the
        // resumable `Splitter` (its search resumes where the last read stopped).
        (
            "xmlrpc/end-tags-in-comment-in-reads",
            end_tags_in_comment,
            |w| {
                let mut splitter = msgwire::xmlrpc::Splitter::default();
                let mut docs = 0;
                for piece in w.chunks(READ) {
                    splitter.push(piece);
                    while let Ok(Some(_)) = splitter.next_frame() {
                        docs += 1;
                    }
                }
                docs
            },
        ),
        // The same with the stateless `Decoder::decode` after every read: it searches from the
        // front each time (the reference for what `Splitter` fixes).
        (
            "xmlrpc/end-tags-in-comment-in-reads-stateless",
            end_tags_in_comment,
            |w| {
                let decoder = msgwire::xmlrpc::Decoder::default();
                feed(w, |buf| match decoder.decode(buf) {
                    Ok(Decoded::Complete { used, .. }) => Some(used),
                    _ => None,
                })
            },
        ),
        // XML-RPC: the same document decoded whole, once (the one-pass end-tag scan).
        ("xmlrpc/end-tags-in-comment", end_tags_in_comment, |w| {
            let decoder = msgwire::xmlrpc::Decoder::default();
            match decoder.decode(w) {
                Ok(Decoded::Complete { used, .. }) => used,
                _ => 0,
            }
        }),
        // MessagePack: an array of many small values, walked.
        (
            "msgpack/array-items",
            |n| counted(0xdd, &[0x01, 0xc0], n),
            msgpack_walk,
        ),
        // MessagePack: a map of many pairs, walked.
        (
            "msgpack/map-pairs",
            |n| counted(0xdf, &[0xa1, b'k', 0x07], n),
            msgpack_walk,
        ),
        // MessagePack: that array under 100 levels of one-element arrays, walked through the
        // views (each level's iterator steps over its element) and copied with `into_owned`.
        (
            "msgpack/array-items-100-deep-walk",
            deep_items,
            msgpack_walk,
        ),
        (
            "msgpack/array-items-100-deep-into-owned",
            deep_items,
            |w| match ValueRef::decode(w) {
                Ok(Decoded::Complete { value, .. }) => match value.into_owned() {
                    msgwire::msgpack_rpc::Value::Array(a) => a.len(),
                    _ => 1,
                },
                _ => 0,
            },
        ),
        // MessagePack: arrays nested far past the depth limit (rejected).
        ("msgpack/deep-arrays", |n| vec![0x91; n], msgpack_walk),
        // MessagePack: one bin32 value arriving in 1 KiB reads through the Splitter.
        (
            "msgpack/bin-in-reads",
            |n| {
                let mut w = vec![0xc6];
                w.extend_from_slice(&(n as u32).to_be_bytes());
                w.resize(5 + n, 0x5a);
                w
            },
            |w| {
                let mut splitter = Splitter::new(Default::default(), Default::default());
                let mut frames = 0;
                for piece in w.chunks(READ) {
                    splitter.push(piece);
                    while let Ok(Some(_)) = splitter.next_frame() {
                        frames += 1;
                    }
                }
                frames
            },
        ),
    ]
}

const XML_HEAD: &str =
    "<?xml version=\"1.0\"?><methodCall><methodName>m</methodName><params><param><value><string>";
const XML_TAIL: &str = "</string></value></param></params></methodCall>";

/// An XML-RPC call whose comment repeats `</methodCall>` to about `n` bytes.
fn end_tags_in_comment(n: usize) -> Vec<u8> {
    fill(
        "<?xml version=\"1.0\"?><methodCall><methodName>m</methodName><!--",
        "</methodCall>",
        "--><params/></methodCall>",
        n,
    )
}

fn line(n: usize) -> Vec<u8> {
    fill(
        r#"{"jsonrpc":"2.0","method":"m","params":[""#,
        "x",
        "\"]}\n",
        n,
    )
}

/// `[[[...[1, nil, 1, nil, ...]...]]]`: 100 one-element arrays around about `n` bytes of items.
fn deep_items(n: usize) -> Vec<u8> {
    let mut w = vec![0x91; 100];
    w.extend(counted(0xdd, &[0x01, 0xc0], n));
    w
}

/// An array 32 or map 32 (`marker`) of `unit` (one element, or one key/value pair) repeated to
/// about `n` bytes.
fn counted(marker: u8, unit: &[u8], n: usize) -> Vec<u8> {
    let count = n / unit.len();
    let mut w = vec![marker];
    w.extend_from_slice(&(count as u32).to_be_bytes());
    w.extend(unit.repeat(count));
    w
}

fn xml_decode(w: &[u8]) -> usize {
    msgwire::xmlrpc::decode(w).map_or_else(|e| e.offset(), |m| m.to_vec().len())
}

fn msgpack_walk(w: &[u8]) -> usize {
    match ValueRef::decode(w) {
        Ok(Decoded::Complete { value, .. }) => crate::msgpack_rpc::walk(value),
        _ => 0,
    }
}
