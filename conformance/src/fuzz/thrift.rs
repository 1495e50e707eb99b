//! Thrift for `msgwire fuzz`: where the protocol's pieces sit in an input (binary and compact
//! messages, TFramedTransport frames, THeader frames; TJSONProtocol as a JSON tree), mutations
//! of those pieces (field headers and type ids, lengths and counts, compact var ints made
//! overlong or given zigzag edges, strict and old message headers, frame lengths, THeader
//! fields, TJSON tree edits), canonical documents generated from scratch (every message type,
//! every value type, boundary numbers, each protocol) and the structural pieces minimization
//! removes (messages, fields, container elements with their counts).
//!
//! The walker reads bytes only (no codec): it records what it passed and stops where the input
//! stops making sense, so a broken input still offers the pieces before the break.

use super::mutate::Rng;
use serde_json::{json, Value};

/// How the messages of an input are carried.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// Messages back to back (TSocket, TBufferedTransport).
    Unframed,
    /// Each after a 4-byte big-endian length (TFramedTransport).
    Framed,
    /// THeader frames.
    Header,
}

impl Layout {
    /// The layout a profile reads (`framed`, `header`; else unframed).
    pub fn of_profile(profile: &str) -> Layout {
        // A server fuzzer's profile names the wire protocol after a slash (`framed/compact`).
        match profile.split('/').next().unwrap_or("") {
            "framed" => Layout::Framed,
            "header" => Layout::Header,
            _ => Layout::Unframed,
        }
    }

    /// The layout an input looks like: a THeader magic after the length, a frame length that
    /// fits before a message's first byte, else unframed.
    pub fn guess(b: &[u8]) -> Layout {
        if b.len() >= 6 && b[4] == 0x0f && b[5] == 0xff {
            return Layout::Header;
        }
        if b.len() >= 5 {
            let n = u32::from_be_bytes([b[0], b[1], b[2], b[3]]) as usize;
            if n + 4 <= b.len() && matches!(b[4], 0x80 | 0x82 | b'[') {
                return Layout::Framed;
            }
        }
        Layout::Unframed
    }
}

/// A wire protocol.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wire {
    /// TBinaryProtocol.
    Binary,
    /// TCompactProtocol.
    Compact,
    /// TJSONProtocol.
    Json,
}

impl Wire {
    /// The protocol a message's first byte names (the form's convention).
    pub fn detect(first: u8) -> Wire {
        match first {
            0x82 => Wire::Compact,
            b'[' => Wire::Json,
            _ => Wire::Binary,
        }
    }
}

/// What sits at a [`Spot`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A strict binary message header's version word (4 bytes), or compact's protocol id and
    /// version/type byte (2 bytes).
    MessageHeader,
    /// An old (non-strict) binary header: the name's length (4 bytes), the name, the type byte.
    OldHeader,
    /// A message's seqid (binary 4 bytes; compact a var int).
    Seqid,
    /// A field header: binary the type byte (the id follows), compact the delta/type byte.
    Field,
    /// A compact field id in the long form (a zigzag var int).
    FieldId,
    /// A string's or binary's length (binary 4 bytes; compact a var int).
    Length,
    /// A container's size: binary 4 bytes, compact a var int (maps, long lists) or the list
    /// header byte (short lists, `len` 1).
    Count,
    /// A container's element type byte(s).
    ElemType,
    /// A compact integer (i16, i32, i64): a zigzag var int.
    Varint,
    /// A fixed-width number: binary i16/i32/i64 and doubles of both protocols (`len` bytes).
    Fixed,
    /// A bool's byte (binary fields and elements, compact elements).
    Bool,
    /// A struct's stop byte.
    Stop,
    /// A frame length (framed and THeader: 4 bytes).
    FrameLength,
    /// THeader: the magic and flags (4 bytes).
    HeaderMagic,
    /// THeader: the header size in 4-byte words (2 bytes).
    HeaderSize,
    /// THeader: the protocol id var int.
    HeaderProtocol,
    /// THeader: the number of transforms var int.
    HeaderTransforms,
    /// THeader: an info header's type var int.
    HeaderInfo,
}

/// A piece of an input: what it is, where, how many bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spot {
    /// What it is.
    pub kind: Kind,
    /// Offset.
    pub at: usize,
    /// Bytes.
    pub len: usize,
    /// The protocol it is written in.
    pub wire: Wire,
}

/// A container's elements (for removing one with the count lowered).
#[derive(Debug, Clone)]
pub struct Container {
    /// The count's spot.
    pub count: Spot,
    /// The declared count.
    pub n: u64,
    /// Each element's span (a map entry: key and value).
    pub elems: Vec<(usize, usize)>,
}

/// Everything the walker found in an input.
#[derive(Debug, Clone, Default)]
pub struct Map {
    /// The pieces, in input order.
    pub spots: Vec<Spot>,
    /// Each message's span (a frame's, framed or THeader), in order.
    pub messages: Vec<(usize, usize)>,
    /// Each field's span (header to the end of its value).
    pub fields: Vec<(usize, usize)>,
    /// Containers whose elements all parsed.
    pub containers: Vec<Container>,
}

/// Binary type ids and compact element type ids.
mod ids {
    pub const B_BOOL: u8 = 2;
    pub const B_BYTE: u8 = 3;
    pub const B_DOUBLE: u8 = 4;
    pub const B_I16: u8 = 6;
    pub const B_I32: u8 = 8;
    pub const B_I64: u8 = 10;
    pub const B_STRING: u8 = 11;
    pub const B_STRUCT: u8 = 12;
    pub const B_MAP: u8 = 13;
    pub const B_SET: u8 = 14;
    pub const B_LIST: u8 = 15;
    pub const B_UUID: u8 = 16;
}

const MAX_DEPTH: usize = 64;
const MAX_SPOTS: usize = 4096;

struct Walker<'a> {
    b: &'a [u8],
    map: Map,
}

fn be(b: &[u8], at: usize, n: usize) -> Option<u64> {
    let s = b.get(at..at.checked_add(n)?)?;
    Some(s.iter().fold(0u64, |a, x| (a << 8) | u64::from(*x)))
}

/// A var int at `at`: its value (as u64, excess bits dropped) and length.
fn varint(b: &[u8], at: usize) -> Option<(u64, usize)> {
    let mut v = 0u64;
    for i in 0..10 {
        let x = *b.get(at + i)?;
        v |= u64::from(x & 0x7f).checked_shl(7 * i as u32).unwrap_or(0);
        if x & 0x80 == 0 {
            return Some((v, i + 1));
        }
    }
    None
}

/// The var int of `v`, minimal.
pub fn write_varint(mut v: u64) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let x = (v & 0x7f) as u8;
        v >>= 7;
        if v == 0 {
            out.push(x);
            return out;
        }
        out.push(x | 0x80);
    }
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

impl<'a> Walker<'a> {
    fn spot(&mut self, kind: Kind, at: usize, len: usize, wire: Wire) {
        // Only whole pieces: a mutation writes inside `at..at + len`.
        if self.map.spots.len() < MAX_SPOTS && at + len <= self.b.len() && len > 0 {
            self.map.spots.push(Spot {
                kind,
                at,
                len,
                wire,
            });
        }
    }

    /// One message at `at` in `wire`; the offset after it.
    fn message(&mut self, at: usize, wire: Wire) -> Option<usize> {
        let b = self.b;
        match wire {
            Wire::Json => None,
            Wire::Binary => {
                let first = *b.get(at)?;
                let mut p;
                if first & 0x80 != 0 {
                    self.spot(Kind::MessageHeader, at, 4, wire);
                    let n = be(b, at + 4, 4)? as usize;
                    self.spot(Kind::Length, at + 4, 4, wire);
                    p = at + 8 + n;
                } else {
                    let n = be(b, at, 4)? as usize;
                    self.spot(Kind::OldHeader, at, 4, wire);
                    p = at + 4 + n + 1;
                }
                be(b, p, 4)?;
                self.spot(Kind::Seqid, p, 4, wire);
                p += 4;
                self.strukt(p, wire, 0)
            }
            Wire::Compact => {
                if *b.get(at)? != 0x82 {
                    return None;
                }
                b.get(at + 1)?;
                self.spot(Kind::MessageHeader, at, 2, wire);
                let (_, l) = varint(b, at + 2)?;
                self.spot(Kind::Seqid, at + 2, l, wire);
                let p = at + 2 + l;
                let (n, l) = varint(b, p)?;
                self.spot(Kind::Length, p, l, wire);
                let p = p.checked_add(l)?.checked_add(usize::try_from(n).ok()?)?;
                if p > b.len() {
                    return None;
                }
                self.strukt(p, wire, 0)
            }
        }
    }

    fn strukt(&mut self, mut p: usize, wire: Wire, depth: usize) -> Option<usize> {
        if depth > MAX_DEPTH {
            return None;
        }
        let b = self.b;
        loop {
            let h = *b.get(p)?;
            if h == 0 {
                self.spot(Kind::Stop, p, 1, wire);
                return Some(p + 1);
            }
            let start = p;
            self.spot(Kind::Field, p, 1, wire);
            let end = match wire {
                Wire::Binary => {
                    be(b, p + 1, 2)?;
                    self.value(p + 3, h, wire, depth + 1, true)?
                }
                _ => {
                    let t = h & 0x0f;
                    let delta = h >> 4;
                    let mut q = p + 1;
                    if delta == 0 {
                        let (_, l) = varint(b, q)?;
                        self.spot(Kind::FieldId, q, l, wire);
                        q += l;
                    }
                    if t == 1 || t == 2 {
                        q
                    } else {
                        self.value(q, t, wire, depth + 1, true)?
                    }
                }
            };
            self.map.fields.push((start, end));
            p = end;
        }
    }

    /// A value of type `t` (binary id, or compact id) at `p`.
    fn value(&mut self, p: usize, t: u8, wire: Wire, depth: usize, field: bool) -> Option<usize> {
        use ids::*;
        if depth > MAX_DEPTH {
            return None;
        }
        let b = self.b;
        let bin = wire == Wire::Binary;
        // Normalize compact ids to binary ids.
        let t = if bin {
            t
        } else {
            match t {
                1 | 2 => B_BOOL,
                3 => B_BYTE,
                4 => B_I16,
                5 => B_I32,
                6 => B_I64,
                7 => B_DOUBLE,
                8 => B_STRING,
                9 => B_LIST,
                10 => B_SET,
                11 => B_MAP,
                12 => B_STRUCT,
                13 => B_UUID,
                _ => return None,
            }
        };
        let fixed = |w: &mut Self, n: usize, kind: Kind| {
            b.get(p..p + n)?;
            w.spot(kind, p, n, wire);
            Some(p + n)
        };
        match t {
            B_BOOL => {
                if !bin && field {
                    return Some(p);
                }
                fixed(self, 1, Kind::Bool)
            }
            B_BYTE => {
                b.get(p)?;
                Some(p + 1)
            }
            B_DOUBLE => fixed(self, 8, Kind::Fixed),
            B_I16 | B_I32 | B_I64 if bin => {
                let n = match t {
                    B_I16 => 2,
                    B_I32 => 4,
                    _ => 8,
                };
                fixed(self, n, Kind::Fixed)
            }
            B_I16 | B_I32 | B_I64 => {
                let (_, l) = varint(b, p)?;
                self.spot(Kind::Varint, p, l, wire);
                Some(p + l)
            }
            B_UUID => {
                b.get(p..p + 16)?;
                Some(p + 16)
            }
            B_STRING => {
                let (n, l) = if bin {
                    (be(b, p, 4)?, 4)
                } else {
                    varint(b, p)?
                };
                self.spot(Kind::Length, p, l, wire);
                let end = (p + l).checked_add(usize::try_from(n).ok()?)?;
                (end <= b.len()).then_some(end)
            }
            B_STRUCT => self.strukt(p, wire, depth),
            B_LIST | B_SET => {
                let (et, n, count, q) = if bin {
                    let et = *b.get(p)?;
                    let n = be(b, p + 1, 4)?;
                    self.spot(Kind::ElemType, p, 1, wire);
                    (et, n, (p + 1, 4), p + 5)
                } else {
                    let h = *b.get(p)?;
                    self.spot(Kind::ElemType, p, 1, wire);
                    if h >> 4 == 15 {
                        let (n, l) = varint(b, p + 1)?;
                        (h & 0x0f, n, (p + 1, l), p + 1 + l)
                    } else {
                        (h & 0x0f, u64::from(h >> 4), (p, 1), p + 1)
                    }
                };
                self.elements(et, n, count, q, 1, wire, depth)
            }
            B_MAP => {
                if bin {
                    let (kt, vt) = (*b.get(p)?, *b.get(p + 1)?);
                    let n = be(b, p + 2, 4)?;
                    self.spot(Kind::ElemType, p, 2, wire);
                    self.pairs(kt, vt, n, (p + 2, 4), p + 6, wire, depth)
                } else {
                    let (n, l) = varint(b, p)?;
                    if n == 0 {
                        self.spot(Kind::Count, p, l, wire);
                        return Some(p + l);
                    }
                    let kv = *b.get(p + l)?;
                    self.spot(Kind::ElemType, p + l, 1, wire);
                    self.pairs(kv >> 4, kv & 0x0f, n, (p, l), p + l + 1, wire, depth)
                }
            }
            _ => None,
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn elements(
        &mut self,
        et: u8,
        n: u64,
        count: (usize, usize),
        mut q: usize,
        _per: usize,
        wire: Wire,
        depth: usize,
    ) -> Option<usize> {
        let c = Spot {
            kind: Kind::Count,
            at: count.0,
            len: count.1,
            wire,
        };
        self.spot(Kind::Count, count.0, count.1, wire);
        // Each element takes at least a byte: a count past the input is not walked.
        if n > (self.b.len() - q.min(self.b.len())) as u64 {
            return None;
        }
        let mut elems = Vec::new();
        for _ in 0..n {
            let e = self.value(q, et, wire, depth + 1, false)?;
            elems.push((q, e));
            q = e;
        }
        self.map.containers.push(Container { count: c, n, elems });
        Some(q)
    }

    #[allow(clippy::too_many_arguments)]
    fn pairs(
        &mut self,
        kt: u8,
        vt: u8,
        n: u64,
        count: (usize, usize),
        mut q: usize,
        wire: Wire,
        depth: usize,
    ) -> Option<usize> {
        let c = Spot {
            kind: Kind::Count,
            at: count.0,
            len: count.1,
            wire,
        };
        self.spot(Kind::Count, count.0, count.1, wire);
        if n > (self.b.len() - q.min(self.b.len())) as u64 {
            return None;
        }
        let mut elems = Vec::new();
        for _ in 0..n {
            let k = self.value(q, kt, wire, depth + 1, false)?;
            let v = self.value(k, vt, wire, depth + 1, false)?;
            elems.push((q, v));
            q = v;
        }
        self.map.containers.push(Container { count: c, n, elems });
        Some(q)
    }

    /// A THeader frame at `at` (its length included); the offset after it.
    fn header_frame(&mut self, at: usize) -> Option<usize> {
        let b = self.b;
        let n = be(b, at, 4)? as usize;
        self.spot(Kind::FrameLength, at, 4, Wire::Binary);
        let end = (at + 4).checked_add(n)?;
        self.spot(Kind::HeaderMagic, at + 4, 4, Wire::Binary);
        b.get(at + 4..at + 14)?;
        self.spot(Kind::HeaderSize, at + 12, 2, Wire::Binary);
        let words = be(b, at + 12, 2)? as usize;
        let mut p = at + 14;
        let hend = p + 4 * words;
        let (proto, l) = varint(b, p)?;
        self.spot(Kind::HeaderProtocol, p, l, Wire::Compact);
        p += l;
        let (nt, l) = varint(b, p)?;
        self.spot(Kind::HeaderTransforms, p, l, Wire::Compact);
        p += l;
        for _ in 0..nt.min(8) {
            let (_, l) = varint(b, p)?;
            p += l;
        }
        if p < hend && b.get(p).is_some_and(|x| *x != 0) {
            self.spot(Kind::HeaderInfo, p, 1, Wire::Compact);
        }
        if hend <= end && end <= b.len() {
            let wire = if proto == 2 {
                Wire::Compact
            } else {
                Wire::Binary
            };
            self.message(hend, wire);
        }
        Some(end)
    }
}

/// Walks `b` as `layout` says: every message (frame) and the pieces inside it.
pub fn walk(b: &[u8], layout: Layout) -> Map {
    let mut w = Walker {
        b,
        map: Map::default(),
    };
    let mut at = 0;
    while at < b.len() && w.map.messages.len() < 256 {
        let next = match layout {
            Layout::Unframed => w.message(at, Wire::detect(b[at])),
            Layout::Framed => {
                let Some(n) = be(b, at, 4) else { break };
                w.spot(Kind::FrameLength, at, 4, Wire::Binary);
                let end = (at + 4).checked_add(n as usize);
                if let (Some(end), Some(&first)) = (end, b.get(at + 4)) {
                    if end <= b.len() {
                        w.message(at + 4, Wire::detect(first));
                    }
                }
                end.filter(|e| *e <= b.len())
            }
            Layout::Header => w.header_frame(at).filter(|e| *e <= b.len()),
        };
        match next {
            Some(n) if n > at => {
                w.map.messages.push((at, n));
                at = n;
            }
            _ => break,
        }
    }
    w.map
}

// ---------------------------------------------------------------------------------------------
// Mutation

const BINARY_TYPES: [u8; 17] = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];

/// Lengths and counts worth trying (as i32; a var int gets the u32 of it).
const LENGTHS: [i64; 9] = [
    -1,
    0,
    1,
    i32::MAX as i64,
    i32::MIN as i64,
    16_384_000,
    16_384_001,
    0x10000,
    255,
];

/// Zigzag edges: values whose var ints sit at the edges of i16, i32, i64.
const ZIGZAG: [i64; 12] = [
    0,
    -1,
    1,
    i16::MAX as i64,
    i16::MIN as i64,
    i16::MAX as i64 + 1,
    i32::MAX as i64,
    i32::MIN as i64,
    i32::MAX as i64 + 1,
    i32::MIN as i64 - 1,
    i64::MAX,
    i64::MIN,
];

fn splice(b: &mut Vec<u8>, at: usize, len: usize, with: &[u8]) {
    let end = (at + len).min(b.len());
    b.splice(at.min(end)..end, with.iter().copied());
}

/// The var int of `v` made `extra` bytes longer than it needs (the same value, overlong).
pub fn overlong(v: u64, extra: usize) -> Vec<u8> {
    let mut out = write_varint(v);
    if let Some(last) = out.last_mut() {
        *last |= 0x80;
    }
    for i in 0..extra {
        out.push(if i + 1 == extra { 0 } else { 0x80 });
    }
    out
}

/// One Thrift-level mutation of `b` (read as `layout`); false when nothing applies.
pub fn mutate(rng: &mut Rng, layout: Layout, b: &mut Vec<u8>) -> bool {
    let first = match layout {
        Layout::Unframed => b.first().copied(),
        Layout::Framed => b.get(4).copied(),
        Layout::Header => None,
    };
    if first == Some(b'[') {
        return json(rng, layout, b);
    }
    let map = walk(b, layout);
    if map.spots.is_empty() {
        return false;
    }
    // A few whole-message edits, else one spot.
    match rng.below(12) {
        0 if !map.messages.is_empty() => {
            let (s, e) = *rng.pick(&map.messages);
            let m = b[s..e].to_vec();
            if rng.one_in(2) {
                b.splice(e..e, m);
            } else if map.messages.len() > 1 {
                b.drain(s..e);
            } else {
                b.truncate(s + rng.below(e - s));
            }
            return true;
        }
        1 if !map.fields.is_empty() => {
            let (s, e) = *rng.pick(&map.fields);
            if rng.one_in(2) {
                let f = b[s..e].to_vec();
                b.splice(e..e, f); // a duplicate field id
            } else {
                b.drain(s..e);
            }
            refit_frames(b, layout, &map, e as isize - s as isize, s);
            return true;
        }
        _ => {}
    }
    let s = *rng.pick(&map.spots);
    let before = b.len();
    spot_mutation(rng, b, &s);
    let grew = b.len() as isize - before as isize;
    if grew != 0 && s.kind != Kind::FrameLength && !rng.one_in(4) {
        // Keep the frame around it consistent (the point is the inner piece), mostly.
        refit_frames(b, layout, &map, -grew, s.at);
    }
    true
}

/// After `b` changed by `-removed` bytes at `at`, the length of the frame holding `at` (framed,
/// THeader) is set to what it now holds.
fn refit_frames(b: &mut [u8], layout: Layout, map: &Map, removed: isize, at: usize) {
    if layout == Layout::Unframed {
        return;
    }
    if let Some(&(s, e)) = map.messages.iter().find(|(s, e)| *s < at && at < *e) {
        let n = (e - s - 4) as isize - removed;
        if n >= 0 && s + 4 <= b.len() {
            b[s..s + 4].copy_from_slice(&(n as u32).to_be_bytes());
        }
    }
}

fn spot_mutation(rng: &mut Rng, b: &mut Vec<u8>, s: &Spot) {
    let bin = s.wire == Wire::Binary;
    let set_i32 = |b: &mut Vec<u8>, v: i64| {
        if bin || s.len == 4 && s.kind == Kind::FrameLength {
            splice(
                b,
                s.at,
                s.len,
                &(v as i32).to_be_bytes()[4 - s.len.min(4)..],
            );
        } else {
            splice(b, s.at, s.len, &write_varint(u64::from(v as i32 as u32)));
        }
    };
    match s.kind {
        Kind::MessageHeader if bin && rng.one_in(4) => {
            // The same message under the old (non-strict) header: name, type byte, seqid.
            let n = be(b, s.at + 4, 4).unwrap_or(u64::MAX) as usize;
            let name_end = (s.at + 8).saturating_add(n);
            if name_end <= b.len() {
                let kind = b[s.at + 3];
                let mut old = b[s.at + 4..name_end].to_vec();
                old.push(kind);
                splice(b, s.at, name_end - s.at, &old);
            }
        }
        Kind::MessageHeader if bin => {
            let kind = rng.below(8) as u8;
            let word: &[u8] = match rng.below(5) {
                0 => &[0x80, 0x01, 0x00, kind],
                1 => &[0x80, 0x02, 0x00, 0x01],
                2 => &[0x80, 0x00, 0x00, 0x01],
                3 => &[0x81, 0x01, 0x00, 0x01],
                _ => &[0x80, 0x01, 0x7f, 0x01],
            };
            splice(b, s.at, 4, word);
        }
        Kind::MessageHeader => {
            if rng.one_in(3) {
                b[s.at] = rng.one_of(&[0x81, 0x83, 0x80, 0x02]);
            } else {
                let version = rng.one_of(&[1u8, 0, 2, 31]);
                let kind = rng.below(8) as u8;
                b[s.at + 1] = (kind << 5) | version;
            }
        }
        Kind::OldHeader => {
            // The type byte after the name, or the name's length.
            let n = be(b, s.at, 4).unwrap_or(0) as usize;
            if rng.one_in(2) && s.at + 4 + n < b.len() {
                b[s.at + 4 + n] = rng.below(8) as u8;
            } else {
                set_i32(b, *rng.pick(&LENGTHS));
            }
        }
        Kind::Seqid => set_i32(b, rng.one_of(&[0, -1, 1, i32::MAX as i64, i32::MIN as i64])),
        Kind::Field if bin => {
            if rng.one_in(3) && s.at + 3 <= b.len() {
                let id = rng.one_of(&[0i16, -1, 1, i16::MAX, i16::MIN]);
                b[s.at + 1..s.at + 3].copy_from_slice(&id.to_be_bytes());
            } else {
                b[s.at] = *rng.pick(&[&BINARY_TYPES[..], &[17, 0x1f, 0x80, 0xff]].concat());
            }
        }
        Kind::Field => {
            let h = b[s.at];
            match rng.below(3) {
                // The same field in the long form (a zigzag var int id): valid, unusual.
                0 if h >> 4 != 0 => {
                    let id = i64::from(rng.one_of(&[h >> 4, 0, 1, 15, 16]) as i8);
                    let mut with = vec![h & 0x0f];
                    with.extend(write_varint(zigzag(id)));
                    splice(b, s.at, 1, &with);
                }
                1 => b[s.at] = (h & 0xf0) | rng.below(16) as u8,
                _ => b[s.at] = (rng.below(16) as u8) << 4 | (h & 0x0f),
            }
        }
        Kind::FieldId | Kind::Varint => {
            let (v, _) = varint(b, s.at).unwrap_or((0, s.len));
            let with = match rng.below(4) {
                0 => overlong(v, 1 + rng.below(3)),
                1 => overlong(v, 11usize.saturating_sub(s.len)),
                2 => vec![0xff; 10],
                _ => write_varint(zigzag(rng.one_of(&ZIGZAG))),
            };
            splice(b, s.at, s.len, &with);
        }
        Kind::Length | Kind::Count if !bin && s.len == 1 && s.kind == Kind::Count => {
            // A short list header: its size nibble, or the long form of the same size.
            let h = b[s.at];
            if rng.one_in(2) {
                let mut with = vec![0xf0 | (h & 0x0f)];
                with.extend(write_varint(u64::from(h >> 4)));
                splice(b, s.at, 1, &with);
            } else {
                b[s.at] = (rng.below(16) as u8) << 4 | (h & 0x0f);
            }
        }
        Kind::Length | Kind::Count => {
            let cur = if bin {
                be(b, s.at, 4).unwrap_or(0) as i32 as i64
            } else {
                varint(b, s.at).map_or(0, |v| v.0 as i64)
            };
            match rng.below(4) {
                0 => set_i32(b, cur + 1),
                1 => set_i32(b, cur - 1),
                2 if !bin => splice(b, s.at, s.len, &overlong(cur as u64, 1 + rng.below(5))),
                _ => set_i32(b, *rng.pick(&LENGTHS)),
            }
        }
        Kind::ElemType => {
            let i = s.at + rng.below(s.len);
            if bin {
                b[i] = *rng.pick(&[&BINARY_TYPES[..], &[17, 0xff]].concat());
            } else if rng.one_in(2) {
                b[i] = (b[i] & 0xf0) | rng.below(16) as u8;
            } else {
                b[i] = (rng.below(16) as u8) << 4 | (b[i] & 0x0f);
            }
        }
        Kind::Fixed => {
            let with: Vec<u8> = match s.len {
                2 => rng
                    .one_of(&[0i16, -1, i16::MAX, i16::MIN])
                    .to_be_bytes()
                    .to_vec(),
                4 => rng
                    .one_of(&[0i32, -1, i32::MAX, i32::MIN])
                    .to_be_bytes()
                    .to_vec(),
                _ => {
                    let bits = rng.one_of(&[
                        0x7ff8_0000_0000_0001u64,
                        0xfff0_0000_0000_0000,
                        0x8000_0000_0000_0000,
                        0x0000_0000_0000_0001,
                        i64::MAX as u64,
                        i64::MIN as u64,
                    ]);
                    if bin {
                        bits.to_be_bytes().to_vec()
                    } else {
                        bits.to_le_bytes().to_vec()
                    }
                }
            };
            splice(b, s.at, s.len, &with);
        }
        Kind::Bool => b[s.at] = rng.one_of(&[0, 1, 2, 3, 0xff]),
        Kind::Stop => {
            if rng.one_in(2) {
                b.remove(s.at);
            } else {
                b.insert(s.at, 0);
            }
        }
        Kind::FrameLength => {
            let cur = be(b, s.at, 4).unwrap_or(0) as i64;
            let v = match rng.below(3) {
                0 => cur + 1,
                1 => cur - 1,
                _ => *rng.pick(&LENGTHS),
            };
            b[s.at..s.at + 4].copy_from_slice(&(v as i32).to_be_bytes());
        }
        Kind::HeaderMagic => {
            let i = s.at + rng.below(4);
            b[i] = rng.one_of(&[0x00, 0x01, 0x0f, 0xff, 0x10]);
        }
        Kind::HeaderSize => {
            let cur = be(b, s.at, 2).unwrap_or(0) as i64;
            let v = rng.one_of(&[cur + 1, cur - 1, 0, 0x3fff, 0xffff]) as u16;
            b[s.at..s.at + 2].copy_from_slice(&v.to_be_bytes());
        }
        Kind::HeaderProtocol => splice(
            b,
            s.at,
            s.len,
            &rng.one_of(&[[0u8, 0], [1, 0], [2, 0], [3, 0], [0x80, 0]])[..rng.below(2) + 1],
        ),
        Kind::HeaderTransforms => {
            // A transform (1 zlib, 2 HMAC, 3 snappy, 0xff unknown), or a count past the header.
            let with: &[u8] = rng.one_of(&[&[1u8, 1][..], &[1, 2], &[1, 3], &[1, 0x7f], &[0x7f]]);
            splice(b, s.at, s.len, with);
        }
        Kind::HeaderInfo => b[s.at] = rng.one_of(&[1, 2, 0x7f, 0x80]),
    }
}

// TJSON ---------------------------------------------------------------------------------------

const JSON_TAGS: [&str; 13] = [
    "tf", "i8", "i16", "i32", "i64", "dbl", "str", "rec", "map", "lst", "set", "uuid", "xx",
];

/// A TJSONProtocol message (one, or the framed one) as a JSON tree edit, re-serialized.
fn json(rng: &mut Rng, layout: Layout, b: &mut Vec<u8>) -> bool {
    let off = if layout == Layout::Framed { 4 } else { 0 };
    let mut it = serde_json::Deserializer::from_slice(&b[off..]).into_iter::<Value>();
    let (mut v, used) = match it.next() {
        Some(Ok(v)) => (v, it.byte_offset()),
        _ => {
            // Not JSON (any more): the text mutations of JSON-RPC's inputs.
            let mut rest = b[off..].to_vec();
            let done = super::mutate::json_text(rng, &mut rest);
            b.truncate(off);
            b.extend(rest);
            return done;
        }
    };
    let Some(top) = v.as_array_mut() else {
        return false;
    };
    match rng.below(6) {
        0 if !top.is_empty() => top[0] = json!(rng.one_of(&[0, 2, -1, 1])),
        1 if top.len() > 2 => top[2] = json!(rng.one_of(&[0, 1, 2, 3, 4, 5, -1])),
        2 if top.len() > 3 => {
            top[3] = json!(rng.one_of(&[0i64, -1, i32::MAX as i64, i32::MIN as i64, 1 << 31]))
        }
        3 if top.len() > 1 => top[1] = json!(rng.one_of(&["", "\u{0}", "é", "a\"b"])),
        _ => {
            if !json_type_edit(rng, &mut v) {
                return false;
            }
        }
    }
    let mut text = serde_json::to_vec(&v).unwrap_or_default();
    text.extend_from_slice(&b[off + used..]);
    if off == 4 {
        let mut framed = (text.len() as u32).to_be_bytes().to_vec();
        framed.extend(text);
        text = framed;
    }
    *b = text;
    true
}

/// A type tag, a container's declared size, or a number edited somewhere in the tree.
fn json_type_edit(rng: &mut Rng, v: &mut Value) -> bool {
    let mut nodes = Vec::new();
    collect(v, &mut Vec::new(), &mut nodes);
    if nodes.is_empty() {
        return false;
    }
    let path = rng.pick(&nodes).clone();
    let mut node = v;
    for step in &path {
        node = match (node, step) {
            (Value::Array(a), Step::I(i)) => &mut a[*i],
            (Value::Object(o), Step::K(k)) => match o.get_mut(k) {
                Some(x) => x,
                None => return false,
            },
            _ => return false,
        };
    }
    match node {
        Value::Object(o) if o.len() == 1 => {
            // {"i32": 5} → another tag.
            let (k, x) = o
                .iter()
                .next()
                .map(|(k, x)| (k.clone(), x.clone()))
                .unwrap();
            o.remove(&k);
            o.insert(rng.one_of(&JSON_TAGS).to_string(), x);
        }
        Value::Array(a) if a.len() >= 2 && a[0].is_string() => {
            // ["i32", 3, ...] or ["str", "i32", 2, ...]: a tag or the count.
            let ci = if a.len() >= 3 && a[1].is_string() {
                2
            } else {
                1
            };
            if rng.one_in(2) {
                a[0] = json!(rng.one_of(&JSON_TAGS));
            } else if let Some(n) = a[ci].as_i64() {
                a[ci] = json!(rng.one_of(&[n + 1, n - 1, -1, i32::MAX as i64]));
            }
        }
        Value::Number(_) => {
            *node = json!(rng.one_of(&[
                0i64,
                -1,
                127,
                128,
                32768,
                i32::MAX as i64 + 1,
                i64::MAX,
                i64::MIN
            ]))
        }
        Value::String(s) => {
            *s = rng
                .one_of(&[
                    "",
                    "NaN",
                    "Infinity",
                    "-Infinity",
                    "AAEC",
                    "AA=",
                    "@@",
                    "1e5",
                ])
                .to_string()
        }
        _ => return false,
    }
    true
}

#[derive(Clone)]
enum Step {
    I(usize),
    K(String),
}

fn collect(v: &Value, at: &mut Vec<Step>, out: &mut Vec<Vec<Step>>) {
    if out.len() > 512 {
        return;
    }
    out.push(at.clone());
    match v {
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                at.push(Step::I(i));
                collect(x, at, out);
                at.pop();
            }
        }
        Value::Object(o) => {
            for (k, x) in o {
                at.push(Step::K(k.clone()));
                collect(x, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

// Generation ----------------------------------------------------------------------------------

const TYPES: [&str; 12] = [
    "bool", "byte", "i16", "i32", "i64", "double", "binary", "uuid", "struct", "list", "set", "map",
];

fn int_of(rng: &mut Rng, t: &str) -> Value {
    let edges: &[i64] = match t {
        "byte" => &[0, 1, -1, 127, -128],
        "i16" => &[0, 1, -1, 63, 64, -65, i16::MAX as i64, i16::MIN as i64],
        "i32" => &[0, -1, 63, 64, 8191, 8192, i32::MAX as i64, i32::MIN as i64],
        _ => &[
            0,
            -1,
            i32::MAX as i64 + 1,
            i32::MIN as i64 - 1,
            1 << 53,
            i64::MAX,
            i64::MIN,
        ],
    };
    json!(rng.one_of(edges))
}

/// A value of type `t` (scalars at their boundaries; containers small).
pub fn value_of(rng: &mut Rng, t: &str, depth: usize) -> Value {
    let leaf = |rng: &mut Rng| *rng.pick(&TYPES[..7]);
    let pick_t = |rng: &mut Rng| {
        if depth >= 3 {
            leaf(rng)
        } else {
            *rng.pick(&TYPES)
        }
    };
    match t {
        "bool" => json!({"type": t, "value": rng.one_in(2)}),
        "byte" | "i16" | "i32" | "i64" => json!({"type": t, "value": int_of(rng, t)}),
        "double" => {
            let v = match rng.below(8) {
                0 => json!("NaN"),
                1 => json!("Infinity"),
                2 => json!("-Infinity"),
                3 => json!(-0.0),
                4 => json!(5e-324),
                5 => json!(1.7976931348623157e308),
                6 => json!(0.1),
                _ => json!(1.0),
            };
            json!({"type": t, "value": v})
        }
        "binary" => {
            let s: &str = rng.one_of(&["", "61", "c3a9", "00", "ff", "f09f9880", "c080", "eda080"]);
            let s = if rng.one_in(8) {
                "61".repeat(rng.one_of(&[127usize, 128, 300]))
            } else {
                s.to_string()
            };
            json!({"type": t, "value": s})
        }
        "uuid" => json!({"type": t, "value": rng.one_of(&[
            "00000000000000000000000000000000",
            "ffffffffffffffffffffffffffffffff",
            "0123456789abcdef0123456789abcdef",
        ])}),
        "struct" => json!({"type": t, "value": fields(rng, depth + 1)}),
        "list" | "set" => {
            let et = pick_t(rng);
            let n = rng.one_of(&[0usize, 1, 2, 14, 15, 16]);
            let n = if depth >= 2 { n.min(2) } else { n };
            let items: Vec<Value> = (0..n).map(|_| value_of(rng, et, depth + 1)).collect();
            json!({"type": t, "elem": et, "value": items})
        }
        _ => {
            let (kt, vt) = (leaf(rng), pick_t(rng));
            let n = rng.one_of(&[0usize, 1, 2, 3]);
            let items: Vec<Value> = (0..n)
                .map(|_| json!([value_of(rng, kt, depth + 1), value_of(rng, vt, depth + 1)]))
                .collect();
            json!({"type": "map", "key": kt, "val": vt, "value": items})
        }
    }
}

fn fields(rng: &mut Rng, depth: usize) -> Value {
    let n = rng.below(if depth >= 3 { 2 } else { 5 });
    let mut id = 0i64;
    let mut out = Vec::new();
    for _ in 0..n {
        id = match rng.below(6) {
            0 => rng.one_of(&[-1, 0, 15, 16, i16::MAX as i64, i16::MIN as i64]),
            1 => id + 16,
            _ => id + 1,
        };
        let t = if depth >= 3 {
            *rng.pick(&TYPES[..7])
        } else {
            *rng.pick(&TYPES)
        };
        out.push(json!([id, value_of(rng, t, depth)]));
    }
    Value::Array(out)
}

/// A canonical message document made from scratch: any message type, protocol, name and seqid
/// at their edges, a body of fields of every value type; under THeader with a `header`.
pub fn generate(rng: &mut Rng, layout: Layout) -> Value {
    let kind = rng.one_of(&["call", "reply", "exception", "oneway"]);
    let body = if kind == "exception" && rng.one_in(2) {
        json!([[1, {"type": "binary", "value": "6f6f7073"}],
               [2, {"type": "i32", "value": rng.below(12) as i64}]])
    } else {
        fields(rng, 0)
    };
    let protocols: &[&str] = if layout == Layout::Header {
        &["binary", "compact"]
    } else {
        &["binary", "compact", "json"]
    };
    let mut doc = json!({
        "protocol": rng.one_of(protocols),
        "name": rng.one_of(&["ping", "echoI32", "", "é", "a.b:c", "x"]),
        "type": kind,
        "seqid": rng.one_of(&[0i64, 1, -1, i32::MAX as i64, i32::MIN as i64]),
        "body": body,
    });
    if layout == Layout::Header {
        doc["header"] = json!({"flags": rng.one_of(&[0, 1, 0xffff]), "seqid": rng.one_of(&[0i64, 7, u32::MAX as i64]),
            "info": if rng.one_in(2) { json!([]) } else { json!([["6b", "76"]]) }});
    }
    doc
}

/// One Thrift-aware edit of canonical documents: the protocol (a transcoding), the message
/// type, the seqid, a value given a boundary of its own type, a field of a new type added.
pub fn edit_docs(rng: &mut Rng, docs: &mut [Value], layout: Layout) -> bool {
    if docs.is_empty() {
        return false;
    }
    let i = rng.below(docs.len());
    let d = &mut docs[i];
    match rng.below(6) {
        0 => {
            let p: &[&str] = if layout == Layout::Header {
                &["binary", "compact"]
            } else {
                &["binary", "compact", "json"]
            };
            d["protocol"] = json!(rng.one_of(p));
        }
        1 => d["type"] = json!(rng.one_of(&["call", "reply", "exception", "oneway"])),
        2 => d["seqid"] = json!(rng.one_of(&[0i64, -1, i32::MAX as i64, i32::MIN as i64])),
        3 => {
            if let Some(b) = d.get_mut("body").and_then(Value::as_array_mut) {
                let t = *rng.pick(&TYPES);
                let id = rng.one_of(&[1i64, 2, 16, 17, -1, 32767]);
                let at = rng.below(b.len() + 1);
                b.insert(at, json!([id, value_of(rng, t, 1)]));
            }
        }
        _ => {
            // A typed value somewhere in the body given a boundary of its type.
            let mut nodes = Vec::new();
            if let Some(b) = d.get("body") {
                collect(b, &mut Vec::new(), &mut nodes);
            }
            let Some(body) = d.get_mut("body") else {
                return false;
            };
            let typed: Vec<Vec<Step>> = nodes
                .into_iter()
                .filter(|p| {
                    let mut n: &Value = body;
                    for s in p {
                        n = match (n, s) {
                            (Value::Array(a), Step::I(i)) => &a[*i],
                            (Value::Object(o), Step::K(k)) => &o[k],
                            _ => return false,
                        };
                    }
                    n.get("type").and_then(Value::as_str).is_some()
                })
                .collect();
            if typed.is_empty() {
                return false;
            }
            let p = rng.pick(&typed).clone();
            let mut n: &mut Value = body;
            for s in &p {
                n = match (n, s) {
                    (Value::Array(a), Step::I(i)) => &mut a[*i],
                    (Value::Object(o), Step::K(k)) => match o.get_mut(k) {
                        Some(x) => x,
                        None => return false,
                    },
                    _ => return false,
                };
            }
            let t = n["type"].as_str().unwrap_or("i32").to_string();
            let t = if rng.one_in(4) {
                rng.pick(&TYPES).to_string()
            } else {
                t
            };
            *n = value_of(rng, &t, 2);
        }
    }
    true
}

/// Documents → bytes as `layout` carries them (framed: each message after its length).
pub fn encode(docs: &[Value], layout: Layout) -> Option<Vec<u8>> {
    match layout {
        Layout::Framed => {
            let mut out = Vec::new();
            for d in docs {
                let m = crate::forms::encode("thrift", std::slice::from_ref(d))?.ok()?;
                out.extend_from_slice(&(m.len() as u32).to_be_bytes());
                out.extend(m);
            }
            Some(out)
        }
        Layout::Header if docs.iter().any(|d| d.get("header").is_none()) => None,
        _ => crate::forms::encode("thrift", docs)?.ok(),
    }
}

// Minimization --------------------------------------------------------------------------------

/// Candidates smaller than `input` by one structural piece: a whole message (frame), a field
/// (structs end at their stop byte: no count to fix), a container's element with its count
/// lowered, a frame's length made right for what it holds; largest first.
pub fn candidates(input: &[u8], layout: Layout) -> Vec<Vec<u8>> {
    let map = walk(input, layout);
    let mut out = Vec::new();
    let cut = |s: usize, e: usize| {
        let mut c = input[..s].to_vec();
        c.extend_from_slice(&input[e..]);
        c
    };
    // TJSONProtocol messages back to back: each whole JSON text.
    if layout == Layout::Unframed && input.first() == Some(&b'[') {
        let mut it = serde_json::Deserializer::from_slice(input).into_iter::<Value>();
        let mut start = 0;
        while let Some(Ok(_)) = it.next() {
            let end = it.byte_offset();
            if start > 0 || end < input.len() {
                out.push(cut(start, end));
            }
            start = end;
        }
    }
    if map.messages.len() > 1 {
        for &(s, e) in &map.messages {
            out.push(cut(s, e));
        }
    }
    if let Some(&(_, e)) = map.messages.last() {
        if e < input.len() {
            out.push(input[..e].to_vec());
        }
    }
    let refit = |mut c: Vec<u8>, s: usize, removed: usize| {
        refit_frames(&mut c, layout, &map, removed as isize, s);
        c
    };
    for &(s, e) in map.fields.iter().rev() {
        out.push(refit(cut(s, e), s, e - s));
    }
    for c in map.containers.iter().rev() {
        for &(s, e) in c.elems.iter().rev() {
            let mut cand = cut(s, e);
            let n = c.n - 1;
            let with = match (c.count.wire, c.count.len) {
                (Wire::Binary, _) => (n as u32).to_be_bytes().to_vec(),
                (_, 1) => {
                    // A short list header (size nibble), or a map's 1-byte var int size.
                    let h = input[c.count.at];
                    if h & 0x80 == 0 && h >> 4 == 0 && c.n < 0x80 {
                        write_varint(n)
                    } else {
                        vec![((n as u8) << 4) | (h & 0x0f)]
                    }
                }
                _ => write_varint(n),
            };
            if with.len() != c.count.len {
                continue;
            }
            cand[c.count.at..c.count.at + c.count.len].copy_from_slice(&with);
            out.push(refit(cand, s, e - s));
        }
    }
    out.sort_by_key(|c| c.len());
    out.retain(|c| c.len() < input.len());
    out
}

// Servers --------------------------------------------------------------------------------------

/// The calls of the live suite's test service (conformance/live/thrift/conformance.thrift) as
/// canonical documents: every method once, a oneway `note`, an unknown method.
fn service_calls() -> Vec<Value> {
    let v = |t: &str, x: Value| json!({"type": t, "value": x});
    let call = |name: &str, seqid: i64, body: Value| json!({"name": name, "type": "call", "seqid": seqid, "body": body});
    let inner = v(
        "struct",
        json!([[1, v("i32", json!(7))], [2, v("binary", json!("6869"))]]),
    );
    vec![
        call("ping", 1, json!([])),
        call("echoBool", 2, json!([[1, v("bool", json!(true))]])),
        call("echoByte", 3, json!([[1, v("byte", json!(-128))]])),
        call("echoI16", 4, json!([[1, v("i16", json!(-32768))]])),
        call("echoI32", 5, json!([[1, v("i32", json!(2147483647))]])),
        call("echoI64", 6, json!([[1, v("i64", json!(i64::MIN))]])),
        call("echoDouble", 7, json!([[1, v("double", json!(-0.0))]])),
        call("echoString", 8, json!([[1, v("binary", json!("c3a9"))]])),
        call("echoBinary", 9, json!([[1, v("binary", json!("00ff"))]])),
        call(
            "echoStruct",
            10,
            json!([[
                1,
                v(
                    "struct",
                    json!([
                        [1, v("bool", json!(false))],
                        [9, inner.clone()],
                        [
                            11,
                            json!({"type": "set", "elem": "binary", "value": [v("binary", json!("61"))]})
                        ],
                        [13, v("i32", json!(0))]
                    ])
                )
            ]]),
        ),
        call(
            "echoUnion",
            11,
            json!([[1, v("struct", json!([[2, v("binary", json!("77"))]]))]]),
        ),
        call(
            "echoList",
            12,
            json!([[
                1,
                json!({"type": "list", "elem": "list", "value": [
                {"type": "list", "elem": "i32", "value": [v("i32", json!(1)), v("i32", json!(-1))]}]})
            ]]),
        ),
        call(
            "echoSet",
            13,
            json!([[
                1,
                json!({"type": "set", "elem": "i64", "value": [v("i64", json!(3))]})
            ]]),
        ),
        call(
            "echoMap",
            14,
            json!([[
                1,
                json!({"type": "map", "key": "binary", "val": "map", "value": [[v("binary", json!("6b")),
                {"type": "map", "key": "i32", "val": "list", "value": [[v("i32", json!(1)),
                    {"type": "list", "elem": "binary", "value": [v("binary", json!(""))]}]]}]]})
            ]]),
        ),
        call(
            "fail",
            15,
            json!([[1, v("i32", json!(3))], [2, v("binary", json!("6e6f"))]]),
        ),
        json!({"name": "note", "type": "oneway", "seqid": 16, "body": [[1, v("binary", json!("6e"))]]}),
        call("lastNote", 17, json!([])),
        call("msgwire.fuzz.no-such-method", 18, json!([[1, inner]])),
    ]
}

/// Seeds for `msgwire fuzz thrift-server` under `spec` (`LAYOUT/WIRE`, the target's transport
/// and protocol): the test service's calls, and the corpus's calls and oneway messages (one
/// seed per vector), each written in the target's protocol and transport.
pub fn server_seeds(corpus_docs: &[Vec<Value>], spec: &str) -> Vec<super::mutate::Seed> {
    let layout = Layout::of_profile(spec);
    let wire = spec.split('/').nth(1).unwrap_or("binary");
    let mut sets: Vec<Vec<Value>> = service_calls().into_iter().map(|d| vec![d]).collect();
    for docs in corpus_docs {
        let calls: Vec<Value> = docs
            .iter()
            .filter(|d| {
                matches!(
                    d.get("type").and_then(Value::as_str),
                    Some("call" | "oneway")
                )
            })
            .cloned()
            .collect();
        if !calls.is_empty() {
            sets.push(calls);
        }
    }
    let mut out = Vec::new();
    for mut docs in sets {
        for d in &mut docs {
            d["protocol"] = json!(wire);
            if let Some(o) = d.as_object_mut() {
                o.remove("header");
            }
            if layout == Layout::Header {
                d["header"] = json!({});
            }
        }
        if let Some(input) = encode(&docs, layout) {
            out.push(super::mutate::Seed {
                input,
                docs: Some(docs),
            });
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    out.retain(|s| seen.insert(s.input.clone()));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn binary_call() -> Vec<u8> {
        // strict header, "m", call, seqid 7, field 1 i32 5, field 2 list<i16> [1, 2], stop
        let mut b = vec![0x80, 0x01, 0x00, 0x01, 0, 0, 0, 1, b'm', 0, 0, 0, 7];
        b.extend_from_slice(&[8, 0, 1, 0, 0, 0, 5]);
        b.extend_from_slice(&[15, 0, 2, 6, 0, 0, 0, 2, 0, 1, 0, 2]);
        b.push(0);
        b
    }

    #[test]
    fn the_walker_finds_the_pieces_of_a_binary_message() {
        let b = binary_call();
        let m = walk(&b, Layout::Unframed);
        assert_eq!(m.messages, vec![(0, b.len())]);
        assert_eq!(m.fields, vec![(13, 20), (20, 32)]);
        assert_eq!(m.containers.len(), 1);
        assert_eq!(m.containers[0].elems, vec![(28, 30), (30, 32)]);
        assert!(m.spots.iter().any(|s| s.kind == Kind::Seqid && s.at == 9));
    }

    #[test]
    fn the_walker_reads_compact_and_frames() {
        // compact: 0x82, call v1, seqid 7, name "m", field 1 (delta) i32 zigzag(5)=10, stop
        let c = vec![0x82, 0x21, 7, 1, b'm', 0x15, 10, 0];
        let m = walk(&c, Layout::Unframed);
        assert_eq!(m.fields, vec![(5, 7)]);
        assert!(m.spots.iter().any(|s| s.kind == Kind::Varint && s.at == 6));
        let mut f = (c.len() as u32).to_be_bytes().to_vec();
        f.extend(&c);
        assert_eq!(Layout::guess(&f), Layout::Framed);
        let m = walk(&f, Layout::Framed);
        assert_eq!(m.messages, vec![(0, f.len())]);
        assert_eq!(m.fields, vec![(9, 11)]);
    }

    #[test]
    fn candidates_keep_counts_and_frames_consistent() {
        let b = binary_call();
        let cands = candidates(&b, Layout::Unframed);
        // One list element removed with the count lowered to 1.
        let mut want = b.clone();
        want.drain(30..32);
        want[27] = 1;
        assert!(cands.contains(&want), "{cands:?}");
        // Framed: the frame's length follows the cut.
        let mut f = (b.len() as u32).to_be_bytes().to_vec();
        f.extend(&b);
        for c in candidates(&f, Layout::Framed) {
            assert_eq!(be(&c, 0, 4).unwrap() as usize, c.len() - 4);
        }
    }

    #[test]
    fn a_strict_header_is_turned_into_the_old_one() {
        let b = binary_call();
        let mut rng = Rng::new(0);
        let mut seen = false;
        for _ in 0..400 {
            let mut c = b.clone();
            let s = walk(&c, Layout::Unframed).spots[0];
            assert_eq!(s.kind, Kind::MessageHeader);
            spot_mutation(&mut rng, &mut c, &s);
            if c[..4] == [0, 0, 0, 1] {
                // name length, "m", type 1, then the same seqid and body.
                assert_eq!(&c[4..6], &[b'm', 1]);
                assert_eq!(&c[6..], &b[9..]);
                seen = true;
            }
        }
        assert!(seen);
    }

    #[test]
    fn overlong_var_ints_keep_their_value() {
        for v in [0u64, 5, 127, 128, 300, u32::MAX as u64] {
            for extra in 1..4 {
                let o = overlong(v, extra);
                assert_eq!(varint(&o, 0), Some((v, o.len())));
                assert_eq!(o.len(), write_varint(v).len() + extra);
            }
        }
    }

    #[test]
    fn mutation_and_generation_are_deterministic_and_never_panic() {
        let seeds = [
            binary_call(),
            vec![0x82, 0x21, 7, 1, b'm', 0x15, 10, 0],
            br#"[1,"m",1,7,{"1":{"i32":5}}]"#.to_vec(),
        ];
        let run = |seed| {
            let mut rng = Rng::new(seed);
            let mut out = Vec::new();
            for i in 0..3000 {
                let mut b = seeds[i % 3].clone();
                for _ in 0..3 {
                    let l = Layout::guess(&b);
                    mutate(&mut rng, l, &mut b);
                    let _ = candidates(&b, l);
                }
                out.push(b);
                let d = generate(&mut rng, [Layout::Unframed, Layout::Header][i % 2]);
                out.push(serde_json::to_vec(&d).unwrap());
            }
            out
        };
        assert_eq!(run(3), run(3));
        assert_ne!(run(3), run(4));
    }

    #[test]
    fn cut_and_garbled_inputs_are_no_panic_under_any_layout() {
        let mut rng = Rng::new(1);
        let header = {
            // A THeader frame: length, magic, flags, seq, size 1 word, protocol 0, 0 transforms.
            let mut h = vec![0x0f, 0xff, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0, 0];
            h.extend(binary_call());
            let mut f = (h.len() as u32).to_be_bytes().to_vec();
            f.extend(h);
            f
        };
        for seed in [
            binary_call(),
            header,
            vec![0x82, 0x21, 7, 1, b'm', 0x19, 0xf5, 0],
        ] {
            for cut in 0..=seed.len() {
                for layout in [Layout::Unframed, Layout::Framed, Layout::Header] {
                    for _ in 0..20 {
                        let mut b = seed[..cut].to_vec();
                        mutate(&mut rng, layout, &mut b);
                        mutate(&mut rng, layout, &mut b);
                        let _ = candidates(&b, layout);
                    }
                }
            }
        }
    }
}
