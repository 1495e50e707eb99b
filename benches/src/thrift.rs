//! Thrift inputs: a call whose args hold ten string lines, a map, a nested struct and every
//! scalar type; the reply to it; and the call ×1000 as one stream — each in the binary and the
//! compact protocol. Decoding means: the envelope, then every value read once, in wire order:
//! msgwire validates the message, then walks it with a [`Visit`]or (strings borrowed); the
//! `thrift` crate has no schema-less value type, so its walk reads each value through
//! `TInputProtocol` as generated code would (strings copied into `Vec`s, as it must). Both
//! sides count the values and string bytes and fold every scalar into a checksum, so that
//! neither can skip reading one.

use msgwire::thrift::{
    Decoder, Framing, List, Map, Message, MessageType, OwnedMessage, Protocol, Struct, TType,
    Value, ValueRef, Visit,
};
use msgwire::Decoded;
use thrift::protocol as tp;
use thrift::protocol::{TInputProtocol, TOutputProtocol};

fn lines() -> Value {
    let items = (0..10)
        .map(|i| {
            Value::from(format!(
                "line {i}: the quick brown fox jumps over the lazy dog"
            ))
        })
        .collect();
    Value::List(List::new(TType::Binary, items).unwrap())
}

/// `set_lines(1: i32 buffer, 2: i64 start, 3: list<string> lines, 4: bool strict,
/// 5: map<string,i32> opts, 6: struct {1: double, 2: i16, 3: byte, 4: binary})`.
pub fn call_message() -> OwnedMessage {
    let opts = Map::new(
        TType::Binary,
        TType::I32,
        vec![
            ("undo".into(), 1i32.into()),
            ("mark".into(), (-2i32).into()),
        ],
    )
    .unwrap();
    let nested = Struct::new()
        .with(1, 3.5)
        .with(2, 12i16)
        .with(3, -1i8)
        .with(4, vec![0u8, 1, 2, 3, 254, 255]);
    let args = Struct::new()
        .with(1, 1i32)
        .with(2, 1_234_567_890_123i64)
        .with(3, lines())
        .with(4, true)
        .with(5, opts)
        .with(6, nested);
    OwnedMessage::call("set_lines", 42, args)
}

/// The reply: field 0 a struct of the lines, a cursor `list<i32>` and a tick.
pub fn reply_message() -> OwnedMessage {
    let cursor = List::new(TType::I32, vec![12i32.into(), 4i32.into()]).unwrap();
    let result = Struct::new()
        .with(1, lines())
        .with(2, Value::List(cursor))
        .with(3, 123_456_789i64)
        .with(4, true);
    OwnedMessage::reply("set_lines", 42, result)
}

/// The bench inputs: (name, protocol, bytes).
pub fn inputs() -> Vec<(&'static str, Protocol, Vec<u8>)> {
    let call = call_message();
    let reply = reply_message();
    vec![
        (
            "binary-call",
            Protocol::Binary,
            call.to_vec(Protocol::Binary),
        ),
        (
            "binary-reply",
            Protocol::Binary,
            reply.to_vec(Protocol::Binary),
        ),
        (
            "binary-stream-1000",
            Protocol::Binary,
            call.to_vec(Protocol::Binary).repeat(1000),
        ),
        (
            "compact-call",
            Protocol::Compact,
            call.to_vec(Protocol::Compact),
        ),
        (
            "compact-reply",
            Protocol::Compact,
            reply.to_vec(Protocol::Compact),
        ),
    ]
}

/// Nodes plus string bytes of `v`, walking every nested view, scalars folded into `check`.
pub fn walk(v: ValueRef<'_>, check: &mut u64) -> usize {
    let mut fold = |x: u64| *check = check.wrapping_add(x);
    match v {
        ValueRef::Binary(b) => 1 + b.len(),
        ValueRef::Struct(s) => 1 + s.iter().map(|(_, v)| walk(v, check)).sum::<usize>(),
        ValueRef::List(l) | ValueRef::Set(l) => 1 + l.iter().map(|v| walk(v, check)).sum::<usize>(),
        ValueRef::Map(m) => {
            1 + m
                .iter()
                .map(|(k, v)| walk(k, check) + walk(v, check))
                .sum::<usize>()
        }
        ValueRef::Bool(b) => {
            fold(u64::from(b));
            1
        }
        ValueRef::Byte(n) => {
            fold(n as u64);
            1
        }
        ValueRef::I16(n) => {
            fold(n as u64);
            1
        }
        ValueRef::I32(n) => {
            fold(n as u64);
            1
        }
        ValueRef::I64(n) => {
            fold(n as u64);
            1
        }
        ValueRef::Double(f) => {
            fold(f.to_bits());
            1
        }
        ValueRef::Uuid(u) => {
            fold(u128::from_be_bytes(u) as u64);
            1
        }
    }
}

/// msgwire's walk: values and string bytes counted, scalars folded into a checksum.
#[derive(Default)]
struct Count {
    n: usize,
    check: u64,
}

impl Count {
    #[inline(always)]
    fn scalar(&mut self, x: u64) -> Result<(), msgwire::thrift::Error> {
        self.n += 1;
        self.check = self.check.wrapping_add(x);
        Ok(())
    }

    #[inline(always)]
    fn node(&mut self) -> Result<(), msgwire::thrift::Error> {
        self.n += 1;
        Ok(())
    }
}

impl<'a> Visit<'a> for Count {
    type Error = msgwire::thrift::Error;
    fn bool(&mut self, v: bool) -> Result<(), Self::Error> {
        self.scalar(u64::from(v))
    }
    fn byte(&mut self, v: i8) -> Result<(), Self::Error> {
        self.scalar(v as u64)
    }
    fn i16(&mut self, v: i16) -> Result<(), Self::Error> {
        self.scalar(v as u64)
    }
    fn i32(&mut self, v: i32) -> Result<(), Self::Error> {
        self.scalar(v as u64)
    }
    fn i64(&mut self, v: i64) -> Result<(), Self::Error> {
        self.scalar(v as u64)
    }
    fn double(&mut self, v: f64) -> Result<(), Self::Error> {
        self.scalar(v.to_bits())
    }
    fn uuid(&mut self, v: [u8; 16]) -> Result<(), Self::Error> {
        self.scalar(u128::from_be_bytes(v) as u64)
    }
    fn binary(&mut self, v: &'a [u8]) -> Result<(), Self::Error> {
        self.n += 1 + v.len();
        Ok(())
    }
    fn struct_begin(&mut self) -> Result<(), Self::Error> {
        self.node()
    }
    fn list_begin(&mut self, _: TType, _: usize) -> Result<(), Self::Error> {
        self.node()
    }
    fn map_begin(&mut self, _: TType, _: TType, _: usize) -> Result<(), Self::Error> {
        self.node()
    }
}

/// msgwire: every message of `wire`, validated, then walked by a visitor; the value and
/// string-byte count plus the scalars' checksum. It stops where the input ends, as
/// [`thrift_decode`] does (no decode of an empty rest).
pub fn msgwire_decode(wire: &[u8], protocol: Protocol) -> usize {
    let d = Decoder::new(protocol, Framing::Unframed);
    let mut pos = 0;
    let mut c = Count::default();
    while pos < wire.len() {
        let Ok(Decoded::Complete { value, used }) = d.decode(&wire[pos..]) else {
            break;
        };
        c.n += value.name.len();
        if value.visit(&mut c).is_err() {
            break;
        }
        pos += used;
    }
    c.n.wrapping_add(c.check as usize)
}

/// [`msgwire_decode`] walking the views instead ([`walk`]: a [`ValueRef`] per value), as the
/// bench did before the visitor; kept for comparison (`thrift_icount decode INPUT views N`).
pub fn msgwire_decode_views(wire: &[u8], protocol: Protocol) -> usize {
    let d = Decoder::new(protocol, Framing::Unframed);
    let mut pos = 0;
    let mut n = 0;
    let mut check = 0u64;
    while pos < wire.len() {
        let Ok(Decoded::Complete { value, used }) = d.decode(&wire[pos..]) else {
            break;
        };
        n += value.name.len() + walk(ValueRef::Struct(value.body), &mut check);
        pos += used;
    }
    n.wrapping_add(check as usize)
}

/// msgwire: the decoded messages of `wire`, owned (what an encoder is handed).
pub fn msgwire_messages(wire: &[u8], protocol: Protocol) -> Vec<OwnedMessage> {
    let d = Decoder::new(protocol, Framing::Unframed);
    let mut out = Vec::new();
    let mut pos = 0;
    while let Ok(Decoded::Complete { value, used }) = d.decode(&wire[pos..]) {
        out.push(Message::into_owned(value));
        pos += used;
    }
    out
}

/// msgwire: encodes owned messages into `out`, cleared first. Both encoders are measured the
/// same way: into one buffer reused from iteration to iteration (as a server reuses its write
/// buffer), so neither pays for growing a fresh `Vec`, and neither is handed a length.
pub fn msgwire_encode_into(messages: &[OwnedMessage], protocol: Protocol, out: &mut Vec<u8>) {
    out.clear();
    for m in messages {
        m.encode(protocol, out);
    }
}

/// [`msgwire_encode_into`] a fresh `Vec`.
pub fn msgwire_encode(messages: &[OwnedMessage], protocol: Protocol) -> Vec<u8> {
    let mut out = Vec::new();
    msgwire_encode_into(messages, protocol, &mut out);
    out
}

fn their_type(t: TType) -> tp::TType {
    match t {
        TType::Bool => tp::TType::Bool,
        TType::Byte => tp::TType::I08,
        TType::I16 => tp::TType::I16,
        TType::I32 => tp::TType::I32,
        TType::I64 => tp::TType::I64,
        TType::Double => tp::TType::Double,
        TType::Binary => tp::TType::String,
        TType::Struct => tp::TType::Struct,
        TType::Map => tp::TType::Map,
        TType::Set => tp::TType::Set,
        TType::List => tp::TType::List,
        TType::Uuid => unimplemented!("thrift 0.17 has no uuid"),
    }
}

fn their_walk(p: &mut dyn TInputProtocol, t: tp::TType, check: &mut u64) -> thrift::Result<usize> {
    let mut fold = |x: u64| {
        *check = check.wrapping_add(x);
        1
    };
    Ok(match t {
        tp::TType::Bool => p.read_bool().map(|v| fold(u64::from(v)))?,
        tp::TType::I08 => p.read_i8().map(|v| fold(v as u64))?,
        tp::TType::I16 => p.read_i16().map(|v| fold(v as u64))?,
        tp::TType::I32 => p.read_i32().map(|v| fold(v as u64))?,
        tp::TType::I64 => p.read_i64().map(|v| fold(v as u64))?,
        tp::TType::Double => p.read_double().map(|v| fold(v.to_bits()))?,
        tp::TType::String => 1 + p.read_bytes()?.len(),
        tp::TType::Struct => {
            p.read_struct_begin()?;
            let mut n = 1;
            loop {
                let f = p.read_field_begin()?;
                if f.field_type == tp::TType::Stop {
                    break;
                }
                n += their_walk(p, f.field_type, check)?;
                p.read_field_end()?;
            }
            p.read_struct_end()?;
            n
        }
        tp::TType::List => {
            let l = p.read_list_begin()?;
            let mut n = 1;
            for _ in 0..l.size {
                n += their_walk(p, l.element_type, check)?;
            }
            p.read_list_end()?;
            n
        }
        tp::TType::Set => {
            let l = p.read_set_begin()?;
            let mut n = 1;
            for _ in 0..l.size {
                n += their_walk(p, l.element_type, check)?;
            }
            p.read_set_end()?;
            n
        }
        tp::TType::Map => {
            let m = p.read_map_begin()?;
            let mut n = 1;
            for _ in 0..m.size {
                n += their_walk(p, m.key_type.unwrap_or(tp::TType::Stop), check)?;
                n += their_walk(p, m.value_type.unwrap_or(tp::TType::Stop), check)?;
            }
            p.read_map_end()?;
            n
        }
        _ => 0,
    })
}

fn their_messages(p: &mut dyn TInputProtocol, end: impl Fn() -> bool) -> usize {
    let mut n = 0;
    let mut check = 0u64;
    while !end() {
        let Ok(id) = p.read_message_begin() else {
            break;
        };
        n += id.name.len() + their_walk(p, tp::TType::Struct, &mut check).unwrap_or(0);
        let _ = p.read_message_end();
    }
    n.wrapping_add(check as usize)
}

/// The `thrift` crate: every message of `wire` read value by value (strings and binaries are
/// read into `Vec`s, as its `read_bytes` returns them).
pub fn thrift_decode(wire: &[u8], protocol: Protocol) -> usize {
    let cursor = std::cell::Cell::new(0usize);
    struct Counting<'a> {
        rest: &'a [u8],
        read: &'a std::cell::Cell<usize>,
    }
    impl std::io::Read for Counting<'_> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = std::io::Read::read(&mut self.rest, buf)?;
            self.read.set(self.read.get() + n);
            Ok(n)
        }
    }
    let t = Counting {
        rest: wire,
        read: &cursor,
    };
    let end = || cursor.get() >= wire.len();
    match protocol {
        Protocol::Compact => their_messages(&mut tp::TCompactInputProtocol::new(t), end),
        _ => their_messages(&mut tp::TBinaryInputProtocol::new(t, true), end),
    }
}

fn their_write(p: &mut dyn TOutputProtocol, v: &Value) -> thrift::Result<()> {
    match v {
        Value::Bool(b) => p.write_bool(*b),
        Value::Byte(n) => p.write_i8(*n),
        Value::I16(n) => p.write_i16(*n),
        Value::I32(n) => p.write_i32(*n),
        Value::I64(n) => p.write_i64(*n),
        Value::Double(f) => p.write_double(*f),
        Value::Binary(b) => p.write_bytes(b),
        Value::Uuid(_) => unimplemented!("thrift 0.17 has no uuid"),
        Value::Struct(s) => their_write_struct(p, s),
        Value::List(l) => {
            p.write_list_begin(&tp::TListIdentifier::new(
                their_type(l.elem_type()),
                l.items().len() as i32,
            ))?;
            l.items().iter().try_for_each(|x| their_write(p, x))?;
            p.write_list_end()
        }
        Value::Set(l) => {
            p.write_set_begin(&tp::TSetIdentifier::new(
                their_type(l.elem_type()),
                l.items().len() as i32,
            ))?;
            l.items().iter().try_for_each(|x| their_write(p, x))?;
            p.write_set_end()
        }
        Value::Map(m) => {
            p.write_map_begin(&tp::TMapIdentifier::new(
                their_type(m.key_type()),
                their_type(m.value_type()),
                m.entries().len() as i32,
            ))?;
            for (k, v) in m.entries() {
                their_write(p, k)?;
                their_write(p, v)?;
            }
            p.write_map_end()
        }
    }
}

fn their_write_struct(p: &mut dyn TOutputProtocol, s: &Struct) -> thrift::Result<()> {
    p.write_struct_begin(&tp::TStructIdentifier::new("args"))?;
    for (id, v) in &s.fields {
        p.write_field_begin(&tp::TFieldIdentifier::new::<Option<String>, String, i16>(
            None,
            their_type(v.ttype()),
            *id,
        ))?;
        their_write(p, v)?;
        p.write_field_end()?;
    }
    p.write_field_stop()?;
    p.write_struct_end()
}

fn their_write_message(p: &mut dyn TOutputProtocol, m: &OwnedMessage) -> thrift::Result<()> {
    let kind = match m.kind {
        MessageType::Call => tp::TMessageType::Call,
        MessageType::Reply => tp::TMessageType::Reply,
        MessageType::Exception => tp::TMessageType::Exception,
        MessageType::Oneway => tp::TMessageType::OneWay,
    };
    p.write_message_begin(&tp::TMessageIdentifier::new(&m.name, kind, m.seqid))?;
    their_write_struct(p, &m.body)?;
    p.write_message_end()
}

/// The `thrift` crate: writes the messages through `TOutputProtocol` into `out`, cleared first
/// (reused from iteration to iteration, as [`msgwire_encode_into`]'s).
pub fn thrift_encode_into(messages: &[OwnedMessage], protocol: Protocol, out: &mut Vec<u8>) {
    out.clear();
    match protocol {
        Protocol::Compact => {
            let mut p = tp::TCompactOutputProtocol::new(out);
            for m in messages {
                their_write_message(&mut p, m).unwrap();
            }
        }
        _ => {
            let mut p = tp::TBinaryOutputProtocol::new(out, true);
            for m in messages {
                their_write_message(&mut p, m).unwrap();
            }
        }
    }
}

/// [`thrift_encode_into`] a fresh `Vec`.
pub fn thrift_encode(messages: &[OwnedMessage], protocol: Protocol) -> Vec<u8> {
    let mut out = Vec::new();
    thrift_encode_into(messages, protocol, &mut out);
    out
}

/// Allocation counts of each implementation on each input.
pub fn count_allocations(report: crate::Report<'_>) {
    for (name, protocol, wire) in inputs() {
        let group = format!("thrift/decode/{name}");
        report(
            &group,
            "msgwire",
            crate::count(|| msgwire_decode(&wire, protocol)),
        );
        report(
            &group,
            "thrift",
            crate::count(|| thrift_decode(&wire, protocol)),
        );
        report(&group, "memcpy", crate::count(|| wire.to_vec()));
        let messages = msgwire_messages(&wire, protocol);
        let group = format!("thrift/encode/{name}");
        // As measured: into a buffer already grown by an earlier iteration.
        let mut out = Vec::new();
        msgwire_encode_into(&messages, protocol, &mut out);
        report(
            &group,
            "msgwire",
            crate::count(|| msgwire_encode_into(&messages, protocol, &mut out)),
        );
        thrift_encode_into(&messages, protocol, &mut out);
        report(
            &group,
            "thrift",
            crate::count(|| thrift_encode_into(&messages, protocol, &mut out)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Both decoders do the same work (same node and byte count, same checksum of the scalars;
    /// the views' walk too), and the `thrift` crate writes
    /// the very bytes msgwire writes, in both protocols.
    #[test]
    fn same_work_and_same_bytes() {
        for (name, protocol, wire) in inputs() {
            assert_eq!(
                msgwire_decode(&wire, protocol),
                thrift_decode(&wire, protocol),
                "{name}"
            );
            assert_eq!(
                msgwire_decode_views(&wire, protocol),
                thrift_decode(&wire, protocol),
                "{name}"
            );
            let messages = msgwire_messages(&wire, protocol);
            assert_eq!(thrift_encode(&messages, protocol), wire, "{name}");
        }
    }
}
