//! MessagePack-RPC inputs: a request with ten string lines and mixed params, a response with a
//! nested result, and the request ×1000 as one stream. Decoding means: the message, then every
//! value walked (strings touched), so that lazy and eager decoders do the same work.

use msgwire::msgpack_rpc::{ArrayRef, Call, Event, Message, OwnedMessage, Value, ValueRef, Walk};
use msgwire::Decoded;

fn lines() -> Value {
    Value::Array(
        (0..10)
            .map(|i| {
                Value::from(format!(
                    "line {i}: the quick brown fox jumps over the lazy dog"
                ))
            })
            .collect(),
    )
}

/// `[0, 42, "nvim_buf_set_lines", [1, 0, -1, true, [ten lines], 3.5, {"opt": "x"}, bin]]`.
pub fn request() -> Vec<u8> {
    OwnedMessage::request(
        42,
        "nvim_buf_set_lines",
        vec![
            Value::from(1),
            Value::from(0),
            Value::from(-1),
            Value::Bool(true),
            lines(),
            Value::F64(3.5),
            Value::Map(vec![(Value::from("opt"), Value::from("x"))]),
            Value::Bin(vec![0, 1, 2, 3, 254, 255]),
        ],
    )
    .to_vec()
}

/// `[1, 42, nil, {"lines": [...], "cursor": [12, 4], "meta": {"tick": 123456789, "ok": true}}]`.
pub fn response() -> Vec<u8> {
    OwnedMessage::result(
        42,
        Value::Map(vec![
            (Value::from("lines"), lines()),
            (
                Value::from("cursor"),
                Value::Array(vec![Value::from(12), Value::from(4)]),
            ),
            (
                Value::from("meta"),
                Value::Map(vec![
                    (Value::from("tick"), Value::from(123_456_789)),
                    (Value::from("ok"), Value::Bool(true)),
                ]),
            ),
        ]),
    )
    .to_vec()
}

/// The request ×1000.
pub fn stream_1000() -> Vec<u8> {
    request().repeat(1000)
}

/// Nodes plus string/bin bytes of `v`, walking every nested view.
pub fn walk(v: ValueRef<'_>) -> usize {
    match v {
        ValueRef::Str(s) => 1 + s.len(),
        ValueRef::Bin(b) | ValueRef::RawStr(b) => 1 + b.len(),
        ValueRef::Array(a) => 1 + walk_array(a),
        ValueRef::Map(m) => 1 + m.iter().map(|(k, v)| walk(k) + walk(v)).sum::<usize>(),
        _ => 1,
    }
}

fn walk_array(a: ArrayRef<'_>) -> usize {
    a.iter().map(walk).sum()
}

/// Nodes plus string/bin bytes of the values of a [`Walk`] (one pass, depth first).
pub fn walk_events(w: Walk<'_>) -> usize {
    w.map(|e| match e {
        Event::Value(ValueRef::Str(s)) => 1 + s.len(),
        Event::Value(ValueRef::Bin(b) | ValueRef::RawStr(b)) => 1 + b.len(),
        _ => 1,
    })
    .sum()
}

/// msgwire: every message of `wire`, fully walked; a node + string-byte count.
pub fn msgwire_decode(wire: &[u8]) -> usize {
    let mut pos = 0;
    let mut n = 0;
    while pos < wire.len() {
        let Ok(Decoded::Complete { value, used }) = Message::decode(&wire[pos..]) else {
            panic!("msgwire decodes the input")
        };
        n += match value {
            Message::Request { method, params, .. } | Message::Notification { method, params } => {
                method.as_bytes().len() + walk_events(params.walk())
            }
            Message::Response { error, result, .. } => {
                walk_events(error.walk()) + walk_events(result.walk())
            }
        };
        pos += used;
    }
    n
}

/// msgwire: re-encodes the decoded messages of `wire` (the borrowed views) into one buffer.
pub fn msgwire_encode(messages: &[Message<'_>]) -> Vec<u8> {
    let mut out = Vec::with_capacity(messages.iter().map(Message::encoded_len).sum());
    for m in messages {
        m.encode(&mut out);
    }
    out
}

/// msgwire: the decoded messages of `wire`.
pub fn msgwire_messages(wire: &[u8]) -> Vec<Message<'_>> {
    let mut out = Vec::new();
    let mut pos = 0;
    while let Ok(Decoded::Complete { value, used }) = Message::decode(&wire[pos..]) {
        out.push(value);
        pos += used;
    }
    out
}

fn walk_rmpv_ref(v: &rmpv::ValueRef<'_>) -> usize {
    match v {
        rmpv::ValueRef::String(s) => 1 + s.as_bytes().len(),
        rmpv::ValueRef::Binary(b) => 1 + b.len(),
        rmpv::ValueRef::Array(a) => 1 + a.iter().map(walk_rmpv_ref).sum::<usize>(),
        rmpv::ValueRef::Map(m) => {
            1 + m
                .iter()
                .map(|(k, v)| walk_rmpv_ref(k) + walk_rmpv_ref(v))
                .sum::<usize>()
        }
        _ => 1,
    }
}

fn walk_rmpv(v: &rmpv::Value) -> usize {
    match v {
        rmpv::Value::String(s) => 1 + s.as_bytes().len(),
        rmpv::Value::Binary(b) => 1 + b.len(),
        rmpv::Value::Array(a) => 1 + a.iter().map(walk_rmpv).sum::<usize>(),
        rmpv::Value::Map(m) => {
            1 + m
                .iter()
                .map(|(k, v)| walk_rmpv(k) + walk_rmpv(v))
                .sum::<usize>()
        }
        _ => 1,
    }
}

/// Node count the way msgwire_decode counts (the message array's own elements unwrapped).
fn rpc_count(elements: &[usize], kind: u64) -> usize {
    match kind {
        // [0, msgid, method, params]: method bytes + params' elements
        0 => elements[2] - 1 + elements[3] - 1,
        // [1, msgid, error, result]
        1 => elements[2] + elements[3],
        _ => elements[1] - 1 + elements[2] - 1,
    }
}

/// rmpv `read_value_ref`: builds the borrowed tree (arrays and maps collected into Vecs).
pub fn rmpv_ref_decode(wire: &[u8]) -> usize {
    let mut rd = wire;
    let mut n = 0;
    while !rd.is_empty() {
        let v = rmpv::decode::read_value_ref(&mut rd).expect("rmpv parses the input");
        let rmpv::ValueRef::Array(items) = &v else {
            panic!("not a message")
        };
        let kind = items[0].as_u64().unwrap_or(9);
        let counts: Vec<usize> = items.iter().map(walk_rmpv_ref).collect();
        n += rpc_count(&counts, kind);
    }
    n
}

/// rmpv `read_value`: builds the owned tree.
pub fn rmpv_decode(wire: &[u8]) -> usize {
    let mut rd = wire;
    let mut n = 0;
    while !rd.is_empty() {
        let v = rmpv::decode::read_value(&mut rd).expect("rmpv parses the input");
        let rmpv::Value::Array(items) = &v else {
            panic!("not a message")
        };
        let kind = items[0].as_u64().unwrap_or(9);
        let counts: Vec<usize> = items.iter().map(walk_rmpv).collect();
        n += rpc_count(&counts, kind);
    }
    n
}

/// rmpv: the owned values of `wire`.
pub fn rmpv_values(wire: &[u8]) -> Vec<rmpv::Value> {
    let mut rd = wire;
    let mut out = Vec::new();
    while !rd.is_empty() {
        out.push(rmpv::decode::read_value(&mut rd).expect("rmpv parses the input"));
    }
    out
}

/// rmpv `write_value`.
pub fn rmpv_encode(values: &[rmpv::Value]) -> Vec<u8> {
    let mut out = Vec::new();
    for v in values {
        rmpv::encode::write_value(&mut out, v).expect("write_value");
    }
    out
}

/// rmp-serde into `IgnoredAny`: validation only, nothing kept.
pub fn rmp_serde_ignored(wire: &[u8]) -> usize {
    let mut de = rmp_serde::Deserializer::new(std::io::Cursor::new(wire));
    let mut n = 0;
    while (de.position() as usize) < wire.len() {
        let _: serde::de::IgnoredAny = serde::Deserialize::deserialize(&mut de).expect("rmp-serde");
        n += 1;
    }
    n
}

/// The floor: a hand-written walk with rmp's low-level reader (no values built).
pub fn rmp_floor(wire: &[u8]) -> usize {
    fn skip(rd: &mut &[u8]) -> usize {
        use rmp::Marker::*;
        let marker = rmp::decode::read_marker(rd).expect("marker");
        let take = |rd: &mut &[u8], n: usize| {
            *rd = &rd[n..];
            n
        };
        match marker {
            FixStr(n) => 1 + take(rd, n as usize),
            Str8 | Bin8 => {
                let n = rd[0] as usize;
                *rd = &rd[1..];
                1 + take(rd, n)
            }
            Str16 | Bin16 => {
                let n = u16::from_be_bytes([rd[0], rd[1]]) as usize;
                *rd = &rd[2..];
                1 + take(rd, n)
            }
            FixArray(n) => 1 + (0..n).map(|_| skip(rd)).sum::<usize>(),
            Array16 => {
                let n = u16::from_be_bytes([rd[0], rd[1]]);
                *rd = &rd[2..];
                1 + (0..n).map(|_| skip(rd)).sum::<usize>()
            }
            FixMap(n) => 1 + (0..2 * n).map(|_| skip(rd)).sum::<usize>(),
            U8 | I8 => {
                take(rd, 1);
                1
            }
            U16 | I16 => {
                take(rd, 2);
                1
            }
            U32 | I32 | F32 => {
                take(rd, 4);
                1
            }
            U64 | I64 | F64 => {
                take(rd, 8);
                1
            }
            _ => 1,
        }
    }
    let mut rd = wire;
    let mut n = 0;
    while !rd.is_empty() {
        n += skip(&mut rd);
    }
    n
}

/// The request's params as a caller's type, borrowing its strings and bytes from the input.
#[derive(serde::Deserialize, Debug, PartialEq)]
pub struct Opt<'a> {
    /// The map's one key.
    pub opt: &'a str,
}

/// `[1, 0, -1, true, [ten lines], 3.5, {"opt": "x"}, bin]` as a tuple (only `Vec` allocates).
pub type Params<'a> = (u32, i32, i32, bool, Vec<&'a str>, f64, Opt<'a>, &'a [u8]);

/// msgwire, typed: each request decoded with [`Call::decode`], which validates the message and
/// deserializes its params into [`Params`] in one pass; the sum of the lines' lengths.
pub fn msgwire_typed(wire: &[u8]) -> usize {
    let mut pos = 0;
    let mut n = 0;
    while pos < wire.len() {
        let Ok(Decoded::Complete { value, used }) = Call::<Params<'_>>::decode(&wire[pos..]) else {
            panic!("msgwire decodes the input")
        };
        let p = value.params;
        n += p.4.iter().map(|l| l.len()).sum::<usize>() + p.7.len();
        pos += used;
    }
    n
}

/// msgwire, typed through the views: each request decoded ([`Message::decode`]) and its params
/// deserialized from the view with `params_as` (two passes: the scan, then the visit).
pub fn msgwire_typed_views(wire: &[u8]) -> usize {
    let mut pos = 0;
    let mut n = 0;
    while pos < wire.len() {
        let Ok(Decoded::Complete { value, used }) = Message::decode(&wire[pos..]) else {
            panic!("msgwire decodes the input")
        };
        let p: Params<'_> = value.params_as().expect("params fit");
        n += p.4.iter().map(|l| l.len()).sum::<usize>() + p.7.len();
        pos += used;
    }
    n
}

/// rmp-serde, typed: the `messages` requests of `wire` deserialized one after the other as
/// `(type, msgid, method, Params)`, borrowing from the input (its borrowing reader does not
/// say how much is left, hence the count).
pub fn rmp_serde_typed(wire: &[u8], messages: usize) -> usize {
    let mut de = rmp_serde::Deserializer::from_read_ref(wire);
    let mut n = 0;
    for _ in 0..messages {
        let (_, _, _, p): (u8, u32, &str, Params<'_>) =
            serde::Deserialize::deserialize(&mut de).expect("rmp-serde");
        n += p.4.iter().map(|l| l.len()).sum::<usize>() + p.7.len();
    }
    n
}

/// Requests in `wire` (a bench input made of whole requests).
pub fn request_count(wire: &[u8]) -> usize {
    wire.len() / request().len()
}

/// Allocation counts of every MessagePack-RPC operation the benches time.
pub fn count_allocations(report: crate::Report<'_>) {
    use crate::count;
    for (name, wire) in [
        ("request", request()),
        ("response", response()),
        ("stream-1000", stream_1000()),
    ] {
        let group = format!("msgpack-rpc/decode/{name}");
        report(&group, "msgwire", count(|| msgwire_decode(&wire)));
        report(
            &group,
            "rmpv read_value_ref",
            count(|| rmpv_ref_decode(&wire)),
        );
        report(&group, "rmpv read_value", count(|| rmpv_decode(&wire)));
        report(
            &group,
            "rmp-serde IgnoredAny",
            count(|| rmp_serde_ignored(&wire)),
        );
        report(&group, "rmp walk (floor)", count(|| rmp_floor(&wire)));
        report(&group, "memcpy", count(|| wire.to_vec()));
        if name != "response" {
            let group = format!("msgpack-rpc/typed/{name}");
            report(&group, "msgwire", count(|| msgwire_typed(&wire)));
            report(
                &group,
                "msgwire params_as",
                count(|| msgwire_typed_views(&wire)),
            );
            // The message count outside the counted closure (as in the bench, where it is
            // computed before timing): `request_count` builds a sample request.
            let messages = request_count(&wire);
            report(
                &group,
                "rmp-serde",
                count(|| rmp_serde_typed(&wire, messages)),
            );
        }
        let ours = msgwire_messages(&wire);
        let theirs = rmpv_values(&wire);
        let group = format!("msgpack-rpc/encode/{name}");
        report(&group, "msgwire", count(|| msgwire_encode(&ours)));
        report(&group, "rmpv write_value", count(|| rmpv_encode(&theirs)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_implementation_reads_the_same_inputs() {
        for wire in [request(), response(), stream_1000()] {
            let ours = msgwire_decode(&wire);
            assert!(ours > 0);
            assert_eq!(rmpv_ref_decode(&wire), ours);
            assert_eq!(rmpv_decode(&wire), ours);
            assert!(rmp_floor(&wire) > 0);
            assert_eq!(rmp_serde_ignored(&wire), msgwire_messages(&wire).len());
            assert_eq!(msgwire_encode(&msgwire_messages(&wire)), wire);
            assert_eq!(rmpv_encode(&rmpv_values(&wire)), wire);
        }
        for wire in [request(), stream_1000()] {
            let ours = msgwire_typed(&wire);
            assert_eq!(ours, rmp_serde_typed(&wire, request_count(&wire)));
            assert_eq!(ours, msgwire_typed_views(&wire));
            assert_eq!(ours, (10 * 51 + 6) * request_count(&wire));
        }
    }
}
