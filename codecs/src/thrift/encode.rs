//! Writing values in either protocol, from owned values or borrowed views alike (so a message
//! can be re-encoded, or moved to the other protocol, without an owned copy).
//!
//! Every writer goes through [`Out`], a 512-byte stage on the stack in front of the caller's
//! `BufMut`: the write position travels by value through the writers (a register, not a `Vec`
//! length stored and reloaded between writes: one `put_u8`/`put_i32` per field, each a capacity
//! check and a length round trip through memory, made the old writer slower in time than its
//! instruction count said), one room check covers a whole piece (a field header with its scalar
//! value, a list header, a string's length), strings up to 64 bytes are copied without a call,
//! and the stage reaches the destination in one `put_slice` per 512 bytes. Strings that do not
//! fit the stage go to the destination directly. The stage is borrowed, not owned, by [`Out`]:
//! moving a 512-byte struct cost a `memcpy` per message.

use super::value::{ListRef, MapRef, Struct, StructRef, Value, ValueRef};
use super::wire::{varint_len, zigzag32, zigzag64, TType};
use super::Protocol;
use bytes::BufMut;

/// The stage's size: most messages in one `put_slice`, for a 512-byte zeroing per encode.
pub(crate) const STAGE: usize = 512;
/// The most one piece writes after one room check: a compact field header (1 + a 3-byte id)
/// with a 10-byte var int, or a binary field header (3) with a uuid (16).
const PIECE: usize = 32;

/// The stage in front of a `BufMut`; see the module doc. Writers take the position `at` (at
/// most [`STAGE`]) and return the position after what they wrote.
pub(crate) struct Out<'s, 'd, B: BufMut> {
    stage: &'s mut [u8; STAGE],
    dst: &'d mut B,
}

/// A stage for [`Out::new`].
pub(crate) type Stage = [u8; STAGE];

impl<'s, 'd, B: BufMut> Out<'s, 'd, B> {
    pub(crate) fn new(stage: &'s mut Stage, dst: &'d mut B) -> Self {
        Out { stage, dst }
    }

    /// Writes the staged bytes out; the position to write at next (0).
    #[inline(never)]
    fn flush(&mut self, at: usize) -> usize {
        self.dst.put_slice(&self.stage[..at]);
        0
    }

    /// Writes what is staged (`at` bytes) to the destination.
    pub(crate) fn finish(mut self, at: usize) {
        self.flush(at);
    }

    /// Room for one piece of up to [`PIECE`] bytes: where it starts and the bytes to write it.
    #[inline(always)]
    fn piece(&mut self, at: usize) -> (usize, &mut [u8; PIECE]) {
        let at = if at <= STAGE - PIECE {
            at
        } else {
            self.flush(at)
        };
        let piece = self.stage[at..]
            .first_chunk_mut::<PIECE>()
            .expect("room for a piece");
        (at, piece)
    }

    #[inline(always)]
    pub(crate) fn u8(&mut self, at: usize, b: u8) -> usize {
        let (at, p) = self.piece(at);
        p[0] = b;
        at + 1
    }

    #[inline(always)]
    pub(crate) fn array<const N: usize>(&mut self, at: usize, b: [u8; N]) -> usize {
        let (at, p) = self.piece(at);
        p[..N].copy_from_slice(&b);
        at + N
    }

    #[inline(always)]
    pub(crate) fn varint(&mut self, at: usize, v: u64) -> usize {
        let (at, p) = self.piece(at);
        at + put_varint(p, 0, v)
    }

    /// A string's or binary's bytes (after its length).
    #[inline(always)]
    pub(crate) fn bytes(&mut self, at: usize, b: &[u8]) -> usize {
        let n = b.len();
        // 4 to 64 bytes: two overlapping fixed-size copies, no call.
        if let Some(room) = self
            .stage
            .get_mut(at..)
            .and_then(|r| r.first_chunk_mut::<64>())
        {
            let copied = match n {
                32..=64 => overlapping::<32>(room, b),
                16..=31 => overlapping::<16>(room, b),
                8..=15 => overlapping::<8>(room, b),
                4..=7 => overlapping::<4>(room, b),
                _ => false,
            };
            if copied {
                return at + n;
            }
        }
        if let Some(room) = self.stage.get_mut(at..at + n) {
            room.copy_from_slice(b);
            return at + n;
        }
        self.long_bytes(at, b)
    }

    /// [`Out::bytes`] past the stage's end: staged after a flush, or written directly.
    #[inline(never)]
    fn long_bytes(&mut self, at: usize, b: &[u8]) -> usize {
        self.flush(at);
        if b.len() <= STAGE {
            self.stage[..b.len()].copy_from_slice(b);
            b.len()
        } else {
            self.dst.put_slice(b);
            0
        }
    }
}

/// Copies `b` (`K` to `2K` bytes, at most 64) to the start of `room` as its first `K` bytes
/// and its last `K` (which overlap); true.
#[inline(always)]
fn overlapping<const K: usize>(room: &mut [u8; 64], b: &[u8]) -> bool {
    let n = b.len();
    room[..K].copy_from_slice(&b[..K]);
    room[n - K..n].copy_from_slice(&b[n - K..]);
    true
}

/// Writes `v` as an unsigned LEB128 var int into `p` at `i`; the bytes written (at most 10).
#[inline(always)]
fn put_varint(p: &mut [u8; PIECE], i: usize, mut v: u64) -> usize {
    let mut n = i;
    while v >= 0x80 {
        p[n] = (v as u8) | 0x80;
        v >>= 7;
        n += 1;
    }
    p[n] = v as u8;
    n + 1 - i
}

/// A primitive, for the writers of borrowed views.
enum Prim<'x> {
    Bool(bool),
    Byte(i8),
    I16(i16),
    I32(i32),
    I64(i64),
    Double(f64),
    Binary(&'x [u8]),
    Uuid([u8; 16]),
}

/// Writes `p` into the piece at `i` (all but a binary's bytes, which the caller writes after);
/// the bytes written.
#[inline(always)]
fn put_prim(p: &Prim<'_>, protocol: Protocol, piece: &mut [u8; PIECE], i: usize) -> usize {
    let binary = protocol == Protocol::Binary;
    match *p {
        // Compact elements: 1 true, 2 false, as the reference implementations write them
        // (the spec text says 0 for false; both are read).
        Prim::Bool(b) => {
            piece[i] = match (binary, b) {
                (_, true) => 1,
                (true, false) => 0,
                (false, false) => 2,
            };
            1
        }
        Prim::Byte(n) => {
            piece[i] = n as u8;
            1
        }
        Prim::I16(n) if binary => put_at(piece, i, n.to_be_bytes()),
        Prim::I32(n) if binary => put_at(piece, i, n.to_be_bytes()),
        Prim::I64(n) if binary => put_at(piece, i, n.to_be_bytes()),
        Prim::I16(n) => put_varint(piece, i, zigzag32(i32::from(n))),
        Prim::I32(n) => put_varint(piece, i, zigzag32(n)),
        Prim::I64(n) => put_varint(piece, i, zigzag64(n)),
        Prim::Double(f) if binary => put_at(piece, i, f.to_be_bytes()),
        Prim::Double(f) => put_at(piece, i, f.to_le_bytes()),
        Prim::Binary(b) if binary => put_at(piece, i, (b.len() as i32).to_be_bytes()),
        Prim::Binary(b) => put_varint(piece, i, b.len() as u64),
        Prim::Uuid(u) => put_at(piece, i, u),
    }
}

/// Copies `b` into the piece at `i`; its length.
#[inline(always)]
fn put_at<const N: usize>(piece: &mut [u8; PIECE], i: usize, b: [u8; N]) -> usize {
    piece[i..i + N].copy_from_slice(&b);
    N
}

fn prim_len(p: Prim<'_>, protocol: Protocol) -> usize {
    let binary = protocol == Protocol::Binary;
    match p {
        Prim::Bool(_) | Prim::Byte(_) => 1,
        Prim::I16(_) if binary => 2,
        Prim::I32(_) if binary => 4,
        Prim::I64(_) | Prim::Double(_) if binary => 8,
        Prim::I16(n) => varint_len(zigzag32(i32::from(n))),
        Prim::I32(n) => varint_len(zigzag32(n)),
        Prim::I64(n) => varint_len(zigzag64(n)),
        Prim::Double(_) => 8,
        Prim::Binary(b) if binary => 4 + b.len(),
        Prim::Binary(b) => varint_len(b.len() as u64) + b.len(),
        Prim::Uuid(_) => 16,
    }
}

/// A field header into the piece; for a compact bool field the value is the header
/// (`bool_value`). The bytes written (at most 4).
#[inline(always)]
fn put_field_header(
    t: TType,
    id: i16,
    last_id: i16,
    bool_value: Option<bool>,
    protocol: Protocol,
    piece: &mut [u8; PIECE],
) -> usize {
    match protocol {
        Protocol::Binary => {
            piece[0] = t.binary_id();
            put_at(piece, 1, id.to_be_bytes()) + 1
        }
        Protocol::Compact => {
            let tn = match bool_value {
                Some(true) => 1,
                Some(false) => 2,
                None => t.compact_id(),
            };
            compact_field_header(tn, id, last_id, piece)
        }
    }
}

/// A compact field header of type number `tn`: the id as a delta from `last_id` in the high
/// nibble when it is 1 to 15, otherwise after the type as a zigzag var int.
#[inline(always)]
fn compact_field_header(tn: u8, id: i16, last_id: i16, piece: &mut [u8; PIECE]) -> usize {
    let delta = i32::from(id) - i32::from(last_id);
    if (1..=15).contains(&delta) {
        piece[0] = ((delta as u8) << 4) | tn;
        1
    } else {
        piece[0] = tn;
        1 + put_varint(piece, 1, zigzag32(i32::from(id)))
    }
}

fn field_header_len(id: i16, last_id: i16, protocol: Protocol) -> usize {
    match protocol {
        Protocol::Binary => 3,
        Protocol::Compact => {
            let delta = i32::from(id) - i32::from(last_id);
            if (1..=15).contains(&delta) {
                1
            } else {
                1 + varint_len(zigzag32(i32::from(id)))
            }
        }
    }
}

/// A list or set header; the position after it.
#[inline(always)]
fn put_seq_header<B: BufMut>(
    elem: TType,
    n: usize,
    protocol: Protocol,
    o: &mut Out<'_, '_, B>,
    at: usize,
) -> usize {
    let (at, p) = o.piece(at);
    at + match protocol {
        Protocol::Binary => {
            p[0] = elem.binary_id();
            put_at(p, 1, (n as i32).to_be_bytes()) + 1
        }
        Protocol::Compact if n < 15 => {
            p[0] = ((n as u8) << 4) | elem.compact_id();
            1
        }
        Protocol::Compact => {
            p[0] = 0xf0 | elem.compact_id();
            put_varint(p, 1, n as u64) + 1
        }
    }
}

fn seq_header_len(n: usize, protocol: Protocol) -> usize {
    match protocol {
        Protocol::Binary => 5,
        Protocol::Compact if n < 15 => 1,
        Protocol::Compact => 1 + varint_len(n as u64),
    }
}

/// A map header; the position after it.
#[inline(always)]
fn put_map_header<B: BufMut>(
    k: TType,
    v: TType,
    n: usize,
    protocol: Protocol,
    o: &mut Out<'_, '_, B>,
    at: usize,
) -> usize {
    let (at, p) = o.piece(at);
    at + match protocol {
        Protocol::Binary => {
            p[0] = k.binary_id();
            p[1] = v.binary_id();
            put_at(p, 2, (n as i32).to_be_bytes()) + 2
        }
        Protocol::Compact => {
            let i = put_varint(p, 0, n as u64);
            if n > 0 {
                p[i] = (k.compact_id() << 4) | v.compact_id();
                i + 1
            } else {
                i
            }
        }
    }
}

fn map_header_len(n: usize, protocol: Protocol) -> usize {
    match protocol {
        Protocol::Binary => 6,
        Protocol::Compact if n == 0 => 1,
        Protocol::Compact => varint_len(n as u64) + 1,
    }
}

// ---- owned values ----

pub(crate) fn put_value<B: BufMut>(
    v: &Value,
    protocol: Protocol,
    o: &mut Out<'_, '_, B>,
    at: usize,
) -> usize {
    match protocol {
        Protocol::Binary => put_value_binary(v, o, at),
        Protocol::Compact => put_value_compact(v, o, at),
    }
}

/// A scalar or string value into the piece at `i` (a string's bytes excepted), in the binary
/// protocol: the bytes written, or `None` for a compound value.
#[inline(always)]
fn scalar_binary(v: &Value, p: &mut [u8; PIECE], i: usize) -> Option<usize> {
    Some(match v {
        Value::Bool(b) => {
            p[i] = u8::from(*b);
            1
        }
        Value::Byte(n) => {
            p[i] = *n as u8;
            1
        }
        Value::I16(n) => put_at(p, i, n.to_be_bytes()),
        Value::I32(n) => put_at(p, i, n.to_be_bytes()),
        Value::I64(n) => put_at(p, i, n.to_be_bytes()),
        Value::Double(f) => put_at(p, i, f.to_be_bytes()),
        Value::Binary(b) => put_at(p, i, (b.len() as i32).to_be_bytes()),
        Value::Uuid(u) => put_at(p, i, *u),
        _ => return None,
    })
}

/// [`put_value`] in the binary protocol: scalars in one piece, strings as their length and
/// their bytes, compound values out of line.
#[inline(always)]
fn put_value_binary<B: BufMut>(v: &Value, o: &mut Out<'_, '_, B>, at: usize) -> usize {
    let (at, p) = o.piece(at);
    match scalar_binary(v, p, 0) {
        Some(n) => match v {
            Value::Binary(b) => o.bytes(at + n, b),
            _ => at + n,
        },
        None => put_compound_binary(v, o, at),
    }
}

/// A struct, list, set or map in the binary protocol.
#[inline(never)]
fn put_compound_binary<B: BufMut>(v: &Value, o: &mut Out<'_, '_, B>, at: usize) -> usize {
    match v {
        Value::Struct(s) => put_struct_binary(s, o, at),
        Value::List(l) | Value::Set(l) => {
            let mut at = put_seq_header(l.elem_type(), l.items().len(), Protocol::Binary, o, at);
            if l.elem_type() == TType::Binary {
                return put_strings_binary(l.items(), o, at);
            }
            for x in l.items() {
                at = put_value_binary(x, o, at);
            }
            at
        }
        Value::Map(m) => {
            let (k, v) = (m.key_type(), m.value_type());
            let mut at = put_map_header(k, v, m.entries().len(), Protocol::Binary, o, at);
            for (k, v) in m.entries() {
                at = put_value_binary(k, o, at);
                at = put_value_binary(v, o, at);
            }
            at
        }
        _ => put_value_binary(v, o, at),
    }
}

/// A list of strings, the common list, binary: without a jump through each element's type
/// (they are all strings: `List::new` checks them). Out of line, so that the frame of
/// [`put_compound_binary`], which recurses, stays small in a debug build.
#[inline(never)]
fn put_strings_binary<B: BufMut>(items: &[Value], o: &mut Out<'_, '_, B>, mut at: usize) -> usize {
    for x in items {
        at = match x {
            Value::Binary(b) => {
                let at = o.array(at, (b.len() as i32).to_be_bytes());
                o.bytes(at, b)
            }
            x => put_value_binary(x, o, at),
        };
    }
    at
}

/// A struct's fields and STOP, binary: each field header in one piece with its scalar value.
fn put_struct_binary<B: BufMut>(s: &Struct, o: &mut Out<'_, '_, B>, mut at: usize) -> usize {
    for (id, v) in &s.fields {
        at = put_field_binary(*id, v, o, at);
    }
    o.u8(at, 0)
}

/// One field, binary: its header with a scalar value in one piece, after one match on the
/// value (the header's type byte a constant in each arm: a type looked up and then a jump
/// through a table per field cost more than the writes); a string's bytes after it, a
/// compound value out of line.
#[inline(always)]
fn put_field_binary<B: BufMut>(id: i16, v: &Value, o: &mut Out<'_, '_, B>, at: usize) -> usize {
    let (start, p) = o.piece(at);
    put_at(p, 1, id.to_be_bytes());
    let (t, n) = match v {
        Value::Bool(b) => {
            p[3] = u8::from(*b);
            (TType::Bool, 1)
        }
        Value::Byte(n) => {
            p[3] = *n as u8;
            (TType::Byte, 1)
        }
        Value::I16(n) => (TType::I16, put_at(p, 3, n.to_be_bytes())),
        Value::I32(n) => (TType::I32, put_at(p, 3, n.to_be_bytes())),
        Value::I64(n) => (TType::I64, put_at(p, 3, n.to_be_bytes())),
        Value::Double(f) => (TType::Double, put_at(p, 3, f.to_be_bytes())),
        Value::Uuid(u) => (TType::Uuid, put_at(p, 3, *u)),
        Value::Binary(b) => {
            p[0] = TType::Binary.binary_id();
            put_at(p, 3, (b.len() as i32).to_be_bytes());
            return o.bytes(start + 7, b);
        }
        v => {
            p[0] = v.ttype().binary_id();
            return put_compound_binary(v, o, start + 3);
        }
    };
    p[0] = t.binary_id();
    start + 3 + n
}

/// A scalar or string value into the piece at `i` (a string's bytes excepted), in the compact
/// protocol: the bytes written, or `None` for a compound value.
#[inline(always)]
fn scalar_compact(v: &Value, p: &mut [u8; PIECE], i: usize) -> Option<usize> {
    Some(match v {
        // Elements: 1 true, 2 false (see `put_prim`).
        Value::Bool(b) => {
            p[i] = if *b { 1 } else { 2 };
            1
        }
        Value::Byte(n) => {
            p[i] = *n as u8;
            1
        }
        Value::I16(n) => put_varint(p, i, zigzag32(i32::from(*n))),
        Value::I32(n) => put_varint(p, i, zigzag32(*n)),
        Value::I64(n) => put_varint(p, i, zigzag64(*n)),
        Value::Double(f) => put_at(p, i, f.to_le_bytes()),
        Value::Binary(b) => put_varint(p, i, b.len() as u64),
        Value::Uuid(u) => put_at(p, i, *u),
        _ => return None,
    })
}

/// [`put_value`] in the compact protocol.
#[inline(always)]
fn put_value_compact<B: BufMut>(v: &Value, o: &mut Out<'_, '_, B>, at: usize) -> usize {
    let (at, p) = o.piece(at);
    match scalar_compact(v, p, 0) {
        Some(n) => match v {
            Value::Binary(b) => o.bytes(at + n, b),
            _ => at + n,
        },
        None => put_compound_compact(v, o, at),
    }
}

/// A struct, list, set or map in the compact protocol.
#[inline(never)]
fn put_compound_compact<B: BufMut>(v: &Value, o: &mut Out<'_, '_, B>, at: usize) -> usize {
    match v {
        Value::Struct(s) => put_struct_compact(s, o, at),
        Value::List(l) | Value::Set(l) => {
            let mut at = put_seq_header(l.elem_type(), l.items().len(), Protocol::Compact, o, at);
            if l.elem_type() == TType::Binary {
                return put_strings_compact(l.items(), o, at);
            }
            for x in l.items() {
                at = put_value_compact(x, o, at);
            }
            at
        }
        Value::Map(m) => {
            let (k, v) = (m.key_type(), m.value_type());
            let mut at = put_map_header(k, v, m.entries().len(), Protocol::Compact, o, at);
            for (k, v) in m.entries() {
                at = put_value_compact(k, o, at);
                at = put_value_compact(v, o, at);
            }
            at
        }
        _ => put_value_compact(v, o, at),
    }
}

/// [`put_strings_binary`] in the compact protocol.
#[inline(never)]
fn put_strings_compact<B: BufMut>(items: &[Value], o: &mut Out<'_, '_, B>, mut at: usize) -> usize {
    for x in items {
        at = match x {
            Value::Binary(b) => {
                let at = o.varint(at, b.len() as u64);
                o.bytes(at, b)
            }
            x => put_value_compact(x, o, at),
        };
    }
    at
}

/// A struct's fields and STOP, compact: each field header in one piece with its scalar value,
/// a bool field's value in its header.
fn put_struct_compact<B: BufMut>(s: &Struct, o: &mut Out<'_, '_, B>, mut at: usize) -> usize {
    let mut last = 0;
    for (id, v) in &s.fields {
        let (start, p) = o.piece(at);
        let tn = match v {
            Value::Bool(true) => 1,
            Value::Bool(false) => 2,
            v => v.ttype().compact_id(),
        };
        let h = compact_field_header(tn, *id, last, p);
        at = match v {
            Value::Bool(_) => start + h,
            v => match scalar_compact(v, p, h) {
                Some(n) => match v {
                    Value::Binary(b) => o.bytes(start + h + n, b),
                    _ => start + h + n,
                },
                None => put_compound_compact(v, o, start + h),
            },
        };
        last = *id;
    }
    o.u8(at, 0)
}

pub(crate) fn put_struct<B: BufMut>(
    s: &Struct,
    protocol: Protocol,
    o: &mut Out<'_, '_, B>,
    at: usize,
) -> usize {
    match protocol {
        Protocol::Binary => put_struct_binary(s, o, at),
        Protocol::Compact => put_struct_compact(s, o, at),
    }
}

pub(crate) fn value_len(v: &Value, protocol: Protocol) -> usize {
    match protocol {
        Protocol::Binary => value_len_binary(v),
        Protocol::Compact => value_len_compact(v),
    }
}
/// [`value_len`] in the binary protocol: one match per value, no detour through [`Prim`].
fn value_len_binary(v: &Value) -> usize {
    match v {
        Value::Bool(_) | Value::Byte(_) => 1,
        Value::I16(_) => 2,
        Value::I32(_) => 4,
        Value::I64(_) | Value::Double(_) => 8,
        Value::Binary(b) => 4 + b.len(),
        Value::Uuid(_) => 16,
        Value::Struct(s) => struct_len_binary(s),
        Value::List(l) | Value::Set(l) => 5 + seq_len_binary(l.elem_type(), l.items()),
        Value::Map(m) => {
            let (k, v) = (m.key_type(), m.value_type());
            let entries = m.entries();
            match (fixed_len_binary(k), fixed_len_binary(v)) {
                (Some(a), Some(b)) => 6 + entries.len() * (a + b),
                _ => {
                    6 + entries
                        .iter()
                        .map(|(k, v)| value_len_binary(k) + value_len_binary(v))
                        .sum::<usize>()
                }
            }
        }
    }
}

/// The size of every value of type `t` in the binary protocol, if they all have one.
#[inline]
fn fixed_len_binary(t: TType) -> Option<usize> {
    match t {
        TType::Bool | TType::Byte => Some(1),
        TType::I16 => Some(2),
        TType::I32 => Some(4),
        TType::I64 | TType::Double => Some(8),
        TType::Uuid => Some(16),
        _ => None,
    }
}

/// The elements of a list or set of type `elem`, binary: fixed-size elements multiplied out,
/// strings summed without a dispatch per element.
fn seq_len_binary(elem: TType, items: &[Value]) -> usize {
    if let Some(n) = fixed_len_binary(elem) {
        return items.len() * n;
    }
    if elem == TType::Binary {
        return items
            .iter()
            .map(|x| match x {
                Value::Binary(b) => 4 + b.len(),
                x => value_len_binary(x),
            })
            .sum();
    }
    items.iter().map(value_len_binary).sum()
}

fn struct_len_binary(s: &Struct) -> usize {
    1 + s
        .fields
        .iter()
        .map(|(_, v)| 3 + value_len_binary(v))
        .sum::<usize>()
}

/// [`value_len`] in the compact protocol.
fn value_len_compact(v: &Value) -> usize {
    match v {
        Value::Bool(_) | Value::Byte(_) => 1,
        Value::I16(n) => varint_len(zigzag32(i32::from(*n))),
        Value::I32(n) => varint_len(zigzag32(*n)),
        Value::I64(n) => varint_len(zigzag64(*n)),
        Value::Double(_) => 8,
        Value::Binary(b) => varint_len(b.len() as u64) + b.len(),
        Value::Uuid(_) => 16,
        Value::Struct(s) => struct_len_compact(s),
        Value::List(l) | Value::Set(l) => {
            seq_header_len(l.items().len(), Protocol::Compact)
                + l.items().iter().map(value_len_compact).sum::<usize>()
        }
        Value::Map(m) => {
            map_header_len(m.entries().len(), Protocol::Compact)
                + m.entries()
                    .iter()
                    .map(|(k, v)| value_len_compact(k) + value_len_compact(v))
                    .sum::<usize>()
        }
    }
}

fn struct_len_compact(s: &Struct) -> usize {
    let mut last = 0;
    let mut n = 1;
    for (id, v) in &s.fields {
        n += field_header_len(*id, last, Protocol::Compact);
        if !matches!(v, Value::Bool(_)) {
            n += value_len_compact(v);
        }
        last = *id;
    }
    n
}

pub(crate) fn struct_len(s: &Struct, protocol: Protocol) -> usize {
    match protocol {
        Protocol::Binary => struct_len_binary(s),
        Protocol::Compact => struct_len_compact(s),
    }
}

// ---- borrowed views ----

fn ref_prim<'x>(v: &ValueRef<'x>) -> Option<Prim<'x>> {
    Some(match *v {
        ValueRef::Bool(b) => Prim::Bool(b),
        ValueRef::Byte(n) => Prim::Byte(n),
        ValueRef::I16(n) => Prim::I16(n),
        ValueRef::I32(n) => Prim::I32(n),
        ValueRef::I64(n) => Prim::I64(n),
        ValueRef::Double(f) => Prim::Double(f),
        ValueRef::Binary(b) => Prim::Binary(b),
        ValueRef::Uuid(u) => Prim::Uuid(u),
        _ => return None,
    })
}

/// A primitive after `i` bytes already in the piece at `start`; the position after it.
#[inline(always)]
fn finish_prim<B: BufMut>(
    p: &Prim<'_>,
    protocol: Protocol,
    o: &mut Out<'_, '_, B>,
    start: usize,
    i: usize,
) -> usize {
    let (_, piece) = o.piece(start);
    let n = put_prim(p, protocol, piece, i);
    match *p {
        Prim::Binary(b) => o.bytes(start + i + n, b),
        _ => start + i + n,
    }
}

pub(crate) fn put_value_ref<B: BufMut>(
    v: ValueRef<'_>,
    protocol: Protocol,
    o: &mut Out<'_, '_, B>,
    at: usize,
) -> usize {
    if let Some(p) = ref_prim(&v) {
        let (start, _) = o.piece(at);
        return finish_prim(&p, protocol, o, start, 0);
    }
    match v {
        ValueRef::Struct(s) => put_struct_ref(s, protocol, o, at),
        ValueRef::List(l) | ValueRef::Set(l) => put_list_ref(l, protocol, o, at),
        ValueRef::Map(m) => put_map_ref(m, protocol, o, at),
        _ => at,
    }
}

pub(crate) fn value_ref_len(v: ValueRef<'_>, protocol: Protocol) -> usize {
    if let Some(p) = ref_prim(&v) {
        return prim_len(p, protocol);
    }
    match v {
        ValueRef::Struct(s) => struct_ref_len(s, protocol),
        ValueRef::List(l) | ValueRef::Set(l) => {
            seq_header_len(l.len(), protocol)
                + l.iter().map(|x| value_ref_len(x, protocol)).sum::<usize>()
        }
        ValueRef::Map(m) => {
            map_header_len(m.len(), protocol)
                + m.iter()
                    .map(|(k, v)| value_ref_len(k, protocol) + value_ref_len(v, protocol))
                    .sum::<usize>()
        }
        _ => 0,
    }
}

pub(crate) fn put_struct_ref<B: BufMut>(
    s: StructRef<'_>,
    protocol: Protocol,
    o: &mut Out<'_, '_, B>,
    mut at: usize,
) -> usize {
    if s.protocol() == protocol {
        // Already in this protocol, and validated: the bytes are the encoding.
        return o.bytes(at, s.as_bytes());
    }
    let mut last = 0;
    for (id, v) in s.iter() {
        let bool_value = match (protocol, v) {
            (Protocol::Compact, ValueRef::Bool(b)) => Some(b),
            _ => None,
        };
        let (start, p) = o.piece(at);
        let h = put_field_header(v.ttype(), id, last, bool_value, protocol, p);
        at = match (bool_value, ref_prim(&v)) {
            (Some(_), _) => start + h,
            (None, Some(prim)) => finish_prim(&prim, protocol, o, start, h),
            (None, None) => put_value_ref(v, protocol, o, start + h),
        };
        last = id;
    }
    o.u8(at, 0)
}

pub(crate) fn struct_ref_len(s: StructRef<'_>, protocol: Protocol) -> usize {
    if s.protocol() == protocol {
        return s.as_bytes().len();
    }
    let mut last = 0;
    let mut n = 1;
    for (id, v) in s.iter() {
        n += field_header_len(id, last, protocol);
        if !(protocol == Protocol::Compact && matches!(v, ValueRef::Bool(_))) {
            n += value_ref_len(v, protocol);
        }
        last = id;
    }
    n
}

fn put_list_ref<B: BufMut>(
    l: ListRef<'_>,
    protocol: Protocol,
    o: &mut Out<'_, '_, B>,
    at: usize,
) -> usize {
    let mut at = put_seq_header(l.elem_type(), l.len(), protocol, o, at);
    for x in l.iter() {
        at = put_value_ref(x, protocol, o, at);
    }
    at
}

fn put_map_ref<B: BufMut>(
    m: MapRef<'_>,
    protocol: Protocol,
    o: &mut Out<'_, '_, B>,
    at: usize,
) -> usize {
    let mut at = put_map_header(m.key_type(), m.value_type(), m.len(), protocol, o, at);
    for (k, v) in m.iter() {
        at = put_value_ref(k, protocol, o, at);
        at = put_value_ref(v, protocol, o, at);
    }
    at
}

impl Value {
    /// Writes the value (without a field header) in `protocol`.
    pub fn encode(&self, protocol: Protocol, dst: &mut impl BufMut) {
        let mut stage = [0; STAGE];
        let mut o = Out::new(&mut stage, dst);
        let at = put_value(self, protocol, &mut o, 0);
        o.finish(at);
    }

    /// The value's encoding in `protocol`.
    pub fn to_vec(&self, protocol: Protocol) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len(protocol));
        self.encode(protocol, &mut out);
        out
    }

    /// Bytes [`Value::encode`] writes.
    pub fn encoded_len(&self, protocol: Protocol) -> usize {
        value_len(self, protocol)
    }
}

impl ValueRef<'_> {
    /// Writes the value (without a field header) in `protocol`.
    pub fn encode(&self, protocol: Protocol, dst: &mut impl BufMut) {
        let mut stage = [0; STAGE];
        let mut o = Out::new(&mut stage, dst);
        let at = put_value_ref(*self, protocol, &mut o, 0);
        o.finish(at);
    }

    /// The value's encoding in `protocol`.
    pub fn to_vec(&self, protocol: Protocol) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len(protocol));
        self.encode(protocol, &mut out);
        out
    }

    /// Bytes [`ValueRef::encode`] writes.
    pub fn encoded_len(&self, protocol: Protocol) -> usize {
        value_ref_len(*self, protocol)
    }
}

impl Struct {
    /// Writes the struct's fields and STOP in `protocol`.
    pub fn encode(&self, protocol: Protocol, dst: &mut impl BufMut) {
        let mut stage = [0; STAGE];
        let mut o = Out::new(&mut stage, dst);
        let at = put_struct(self, protocol, &mut o, 0);
        o.finish(at);
    }

    /// The struct's encoding in `protocol`.
    pub fn to_vec(&self, protocol: Protocol) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len(protocol));
        self.encode(protocol, &mut out);
        out
    }

    /// Bytes [`Struct::encode`] writes.
    pub fn encoded_len(&self, protocol: Protocol) -> usize {
        struct_len(self, protocol)
    }
}
