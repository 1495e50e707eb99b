//! The validating scan: where one message (or value) ends, without building it.
//!
//! The scan is iterative: one [`Level`] per open struct, list, set or map, the first levels in
//! a fixed array and deeper ones in a `Vec` that stays empty (and unallocated) for ordinary
//! messages, so no input can overflow the stack. Each step reads one whole item (a field header
//! with its primitive value, a container header, a list element) and commits only when all of
//! it is there, so a stopped scan resumes where it stopped and a message arriving byte by byte
//! is still looked at once in total. Before any length is waited for, it is checked against
//! [`Limits`]; declared element counts are also checked against the fewest bytes their
//! elements can take (`pending`), so a 5-byte header declaring 2^31 elements is refused at once.
//!
//! [`Fast`] is the scan's fast path for a message already whole in the buffer: one recursive
//! pass (depth bounded by the limit) that only says "whole and valid, ending here"; anything
//! else is left to the resumable scan, which gives the exact need-more or error.

use super::value::{binary_len, bytes_at, varint_at, Hint};
use super::wire::{Cur, Stop, TType};
use super::{Error, Limits, Profile, Protocol};
use crate::Decoded;

/// One open compound value.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Level {
    /// A struct: field headers until STOP (`last_id` for compact field-id deltas).
    Struct { last_id: i16 },
    /// A list or set with `left` elements still to read.
    Seq { elem: TType, left: u32 },
    /// A map with `left` keys and values still to read (keys at even counts).
    Map { key: TType, val: TType, left: u64 },
}

/// Nesting levels kept without allocating.
const INLINE_DEPTH: usize = 24;

/// A resumable scan.
#[derive(Debug, Clone)]
pub(crate) struct Scanner {
    pub(crate) protocol: Protocol,
    /// Start of the next item.
    pub(crate) pos: usize,
    depth: usize,
    /// Fewest bytes the open levels still need (a STOP per struct, each element's minimum).
    pending: u64,
    inline: [Level; INLINE_DEPTH],
    spill: Vec<Level>,
}

/// What reading one value did.
enum Read {
    /// It was read whole.
    Done,
    /// It opened a compound value (header at this offset): push this level, which owes
    /// `pending` bytes.
    Open(Level, u64, usize),
}

impl Scanner {
    pub(crate) fn new(protocol: Protocol, pos: usize) -> Self {
        Scanner {
            protocol,
            pos,
            depth: 0,
            pending: 0,
            inline: [Level::Struct { last_id: 0 }; INLINE_DEPTH],
            spill: Vec::new(),
        }
    }

    /// A scanner about to read the fields of a struct (a message body) at `pos`.
    pub(crate) fn for_struct(protocol: Protocol, pos: usize) -> Self {
        let mut s = Scanner::new(protocol, pos);
        s.push(Level::Struct { last_id: 0 }, 1);
        s
    }

    fn top(&mut self) -> Option<&mut Level> {
        match self.depth {
            0 => None,
            d if d <= INLINE_DEPTH => Some(&mut self.inline[d - 1]),
            d => self.spill.get_mut(d - 1 - INLINE_DEPTH),
        }
    }

    fn push(&mut self, level: Level, pending: u64) {
        if self.depth < INLINE_DEPTH {
            self.inline[self.depth] = level;
        } else {
            self.spill.truncate(self.depth - INLINE_DEPTH);
            self.spill.push(level);
        }
        self.depth += 1;
        self.pending = self.pending.saturating_add(pending);
    }

    fn pop(&mut self) {
        self.depth -= 1;
    }

    /// Reads the value of type `t` at `cur`: a primitive whole, or the header of a compound.
    /// `depth` is the depth the value would open at.
    fn value(
        &self,
        cur: &mut Cur<'_>,
        t: TType,
        paid: u64,
        limits: &Limits,
        profile: Profile,
    ) -> Result<Read, Stop> {
        let binary = self.protocol == Protocol::Binary;
        let start = cur.pos;
        match t {
            TType::Bool => {
                let b = cur.u8()?;
                // Binary: "True is converted to `1`, false to `0`". Compact elements: the spec
                // says 1 and 0, the reference implementations write 1 and 2: all three are read.
                let ok = if binary { b <= 1 } else { b <= 2 };
                if !ok && profile.is_strict() {
                    return Err(Error::InvalidBool {
                        offset: start,
                        byte: b,
                    }
                    .into());
                }
            }
            TType::Byte => {
                cur.u8()?;
            }
            TType::I16 => {
                if binary {
                    cur.take(2)?;
                } else {
                    cur.zigzag16()?;
                }
            }
            TType::I32 => {
                if binary {
                    cur.take(4)?;
                } else {
                    cur.varint(32)?;
                }
            }
            TType::I64 => {
                if binary {
                    cur.take(8)?;
                } else {
                    cur.varint(64)?;
                }
            }
            TType::Double => {
                cur.take(8)?;
            }
            TType::Uuid => {
                cur.take(16)?;
            }
            TType::Binary => {
                let len = self.length(cur, limits)?;
                check_string(start, len, limits)?;
                check_size(start, cur.pos as u64 + len as u64, limits)?;
                cur.take(len)?;
            }
            TType::Struct => {
                self.check_depth(start, limits)?;
                return Ok(Read::Open(Level::Struct { last_id: 0 }, 1, start));
            }
            TType::List | TType::Set => {
                let (elem, n) = if binary {
                    let id = cur.u8()?;
                    let elem = TType::from_binary_id(id)
                        .ok_or(Error::UnknownType { offset: start, id })?;
                    let n = self.length(cur, limits)?;
                    (elem, n)
                } else {
                    // "sssstttt": size 0-14 inline, 15 means a var int follows.
                    let b = cur.u8()?;
                    let elem = TType::from_compact_id(b & 0x0f).ok_or(Error::UnknownType {
                        offset: start,
                        id: b & 0x0f,
                    })?;
                    let n = if b >> 4 == 15 {
                        self.length(cur, limits)?
                    } else {
                        usize::from(b >> 4)
                    };
                    (elem, n)
                };
                let n = check_count(start, n, limits)?;
                self.check_depth(start, limits)?;
                let owed = u64::from(n) * elem.min_size(self.protocol);
                if !elem.is_compound()
                    && self.inline(cur, start, owed, paid, limits, |s, c| {
                        (0..n).try_for_each(|_| s.value(c, elem, 0, limits, profile).map(drop))
                    })?
                {
                    return Ok(Read::Done);
                }
                return Ok(Read::Open(Level::Seq { elem, left: n }, owed, start));
            }
            TType::Map => {
                let (key, val, n) = if binary {
                    let [k, v] = cur.array()?;
                    let key = TType::from_binary_id(k).ok_or(Error::UnknownType {
                        offset: start,
                        id: k,
                    })?;
                    let val = TType::from_binary_id(v).ok_or(Error::UnknownType {
                        offset: start + 1,
                        id: v,
                    })?;
                    (key, val, self.length(cur, limits)?)
                } else {
                    // "empty-map ::= `0`", "non-empty-map ::= size key-element-type
                    // value-element-type (key value)+".
                    let n = self.length(cur, limits)?;
                    if n == 0 {
                        (TType::Bool, TType::Bool, 0)
                    } else {
                        let at = cur.pos;
                        let b = cur.u8()?;
                        let key = TType::from_compact_id(b >> 4).ok_or(Error::UnknownType {
                            offset: at,
                            id: b >> 4,
                        })?;
                        let val = TType::from_compact_id(b & 0x0f).ok_or(Error::UnknownType {
                            offset: at,
                            id: b & 0x0f,
                        })?;
                        (key, val, n)
                    }
                };
                let n = check_count(start, n, limits)?;
                self.check_depth(start, limits)?;
                let owed =
                    u64::from(n) * (key.min_size(self.protocol) + val.min_size(self.protocol));
                if !key.is_compound()
                    && !val.is_compound()
                    && self.inline(cur, start, owed, paid, limits, |s, c| {
                        (0..n).try_for_each(|_| {
                            s.value(c, key, 0, limits, profile)?;
                            s.value(c, val, 0, limits, profile).map(drop)
                        })
                    })?
                {
                    return Ok(Read::Done);
                }
                let left = u64::from(n) * 2;
                return Ok(Read::Open(Level::Map { key, val, left }, owed, start));
            }
        }
        Ok(Read::Done)
    }

    /// Validates a container of primitives in one tight loop (`elements`) when all of it is
    /// already here: `Ok(true)` and `cur` past it. When the input ends inside it, `Ok(false)`
    /// and `cur` unmoved: the caller opens a level and the elements are read step by step (so a
    /// container's bytes are looked at twice at most, however the stream is chunked). The size
    /// limit is checked first, as opening the level would, so the verdict is the same either way.
    fn inline(
        &self,
        cur: &mut Cur<'_>,
        start: usize,
        owed: u64,
        paid: u64,
        limits: &Limits,
        elements: impl FnOnce(&Self, &mut Cur<'_>) -> Result<(), Stop>,
    ) -> Result<bool, Stop> {
        // As `run` checks after opening: the parent no longer owes this item's minimum (`paid`).
        let at_least = (cur.pos as u64)
            .saturating_add(self.pending.saturating_sub(paid))
            .saturating_add(owed);
        check_size(start, at_least, limits)?;
        if (cur.remaining() as u64) < owed {
            return Ok(false);
        }
        let mut c = *cur;
        match elements(self, &mut c) {
            Ok(()) => {
                *cur = c;
                Ok(true)
            }
            Err(Stop::Short(_)) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// A length or count: binary i32 ("must be >= 0"), compact var int (an int32, so one above
    /// `i32::MAX` is negative).
    fn length(&self, cur: &mut Cur<'_>, _limits: &Limits) -> Result<usize, Stop> {
        let start = cur.pos;
        let n = match self.protocol {
            Protocol::Binary => i64::from(cur.be_i32()?),
            Protocol::Compact => i64::from(cur.varint(32)? as u32 as i32),
        };
        if n < 0 {
            return Err(Error::NegativeLength {
                offset: start,
                length: n,
            }
            .into());
        }
        Ok(n as usize)
    }

    fn check_depth(&self, offset: usize, limits: &Limits) -> Result<(), Stop> {
        if self.depth >= limits.depth() {
            return Err(Error::DepthLimit {
                offset,
                limit: limits.depth(),
            }
            .into());
        }
        Ok(())
    }

    /// Runs the scan until every open level is closed: `Complete` with the end offset, or
    /// `NeedMore` (state kept: call again with the same bytes and more after them).
    pub(crate) fn run(
        &mut self,
        buf: &[u8],
        limits: &Limits,
        profile: Profile,
    ) -> Result<Decoded<usize>, Error> {
        loop {
            let protocol = self.protocol;
            let Some(&mut top) = self.top() else {
                return Ok(Decoded::Complete {
                    value: self.pos,
                    used: self.pos,
                });
            };
            let mut cur = Cur::new(buf, self.pos);
            let step = match top {
                Level::Struct { last_id } => self.field(&mut cur, last_id, limits, profile),
                Level::Seq { elem, left } => {
                    if left == 0 {
                        self.pop();
                        continue;
                    }
                    self.value(&mut cur, elem, elem.min_size(protocol), limits, profile)
                        .map(|r| {
                            (
                                Level::Seq {
                                    elem,
                                    left: left - 1,
                                },
                                elem.min_size(protocol),
                                Some(r),
                            )
                        })
                }
                Level::Map { key, val, left } => {
                    if left == 0 {
                        self.pop();
                        continue;
                    }
                    let t = if left % 2 == 0 { key } else { val };
                    self.value(&mut cur, t, t.min_size(protocol), limits, profile)
                        .map(|r| {
                            (
                                Level::Map {
                                    key,
                                    val,
                                    left: left - 1,
                                },
                                t.min_size(protocol),
                                Some(r),
                            )
                        })
                }
            };
            match step {
                Ok((level, paid, read)) => {
                    // Commit: the item is whole.
                    let mut at = self.pos;
                    self.pos = cur.pos;
                    self.pending = self.pending.saturating_sub(paid);
                    match read {
                        None => self.pop(), // STOP
                        Some(read) => {
                            if let Some(t) = self.top() {
                                *t = level;
                            }
                            if let Read::Open(level, owed, header) = read {
                                self.push(level, owed);
                                at = header;
                            }
                        }
                    }
                    check_size(at, self.pos as u64 + self.pending, limits)?;
                }
                Err(Stop::Short(missing)) => {
                    return Ok(Decoded::NeedMore {
                        at_least: missing.max(1),
                    })
                }
                Err(Stop::Bad(e)) => return Err(e),
            }
        }
    }

    /// One field of a struct: its header and value, or STOP (`None` read).
    fn field(
        &self,
        cur: &mut Cur<'_>,
        last_id: i16,
        limits: &Limits,
        profile: Profile,
    ) -> Result<(Level, u64, Option<Read>), Stop> {
        let start = cur.pos;
        let b = cur.u8()?;
        if b == 0 {
            // "stop-field": a single zero byte, in both protocols.
            return Ok((Level::Struct { last_id }, 1, None));
        }
        match self.protocol {
            Protocol::Binary => {
                let t = TType::from_binary_id(b).ok_or(Error::UnknownType {
                    offset: start,
                    id: b,
                })?;
                let id = cur.be_i16()?;
                let read = self.value(cur, t, 0, limits, profile)?;
                Ok((Level::Struct { last_id: id }, 0, Some(read)))
            }
            Protocol::Compact => {
                // "ddddtttt": a delta of 1-15 from the previous field id, or 0 and the id as
                // a zigzag i16 after the header.
                let tn = b & 0x0f;
                let delta = b >> 4;
                let t = match tn {
                    1 | 2 => None, // BOOLEAN_TRUE / BOOLEAN_FALSE: the value is the header
                    _ => Some(TType::from_compact_id(tn).ok_or(Error::UnknownType {
                        offset: start,
                        id: tn,
                    })?),
                };
                let id = if delta == 0 {
                    cur.zigzag16()?
                } else {
                    let id = i32::from(last_id) + i32::from(delta);
                    i16::try_from(id).map_err(|_| Error::FieldId { offset: start, id })?
                };
                let read = match t {
                    None => Read::Done,
                    Some(t) => self.value(cur, t, 0, limits, profile)?,
                };
                Ok((Level::Struct { last_id: id }, 0, Some(read)))
            }
        }
    }
}

fn check_string(offset: usize, len: usize, limits: &Limits) -> Result<(), Error> {
    if len > limits.max_string {
        return Err(Error::StringLimit {
            offset,
            length: len as u64,
            limit: limits.max_string,
        });
    }
    Ok(())
}

fn check_count(offset: usize, n: usize, limits: &Limits) -> Result<u32, Error> {
    match u32::try_from(n) {
        Ok(n) if n <= limits.max_container => Ok(n),
        _ => Err(Error::ElementLimit {
            offset,
            declared: n.min(u32::MAX as usize) as u32,
            limit: limits.max_container,
        }),
    }
}

fn check_size(offset: usize, at_least: u64, limits: &Limits) -> Result<(), Error> {
    if at_least > limits.max_message_size as u64 {
        return Err(Error::SizeLimit {
            offset,
            at_least,
            limit: limits.max_message_size,
        });
    }
    Ok(())
}

/// The end of the already validated value of type `t` at `buf[pos..]` in the binary protocol
/// (`None` if it is not whole after all: views then stop early rather than panic).
///
/// Views exist only over bytes the scan validated, so this checks nothing but bounds, and
/// recurses: the scan already bounded the nesting by [`Limits::HARD_MAX_DEPTH`] at most.
/// Fixed-size values and elements are jumped over in one step, strings by their length; a
/// position past the end is caught by the next read or by the final bounds check.
pub(crate) fn skip_binary(buf: &[u8], pos: usize, t: TType) -> Option<usize> {
    let end = match t {
        TType::Bool | TType::Byte => pos + 1,
        TType::I16 => pos + 2,
        TType::I32 => pos + 4,
        TType::I64 | TType::Double => pos + 8,
        TType::Uuid => pos + 16,
        TType::Binary => binary_string_end(buf, pos)?,
        TType::Struct => return skip_binary_struct(buf, pos),
        TType::List | TType::Set => {
            let elem = TType::from_binary_id(*buf.get(pos)?)?;
            let n = binary_len(buf, pos + 1)?;
            return skip_elements(buf, pos + 5, n, elem, None, Protocol::Binary);
        }
        TType::Map => {
            let [k, v] = bytes_at(buf, pos)?;
            let n = binary_len(buf, pos + 2)?;
            let (k, v) = (TType::from_binary_id(k)?, TType::from_binary_id(v)?);
            return skip_elements(buf, pos + 6, n, k, Some(v), Protocol::Binary);
        }
    };
    (end <= buf.len()).then_some(end)
}

/// Where the binary string at `pos` ends (not checked against the buffer's end).
#[inline(always)]
fn binary_string_end(buf: &[u8], pos: usize) -> Option<usize> {
    (pos + 4).checked_add(binary_len(buf, pos)?)
}

/// The fields of a binary struct at `pos`, and its STOP: the common field types in the loop.
fn skip_binary_struct(buf: &[u8], mut pos: usize) -> Option<usize> {
    loop {
        let b = *buf.get(pos)?;
        if b == 0 {
            return Some(pos + 1);
        }
        pos += 3;
        pos = match b {
            2 | 3 => pos + 1,
            6 => pos + 2,
            8 => pos + 4,
            4 | 10 => pos + 8,
            11 => binary_string_end(buf, pos)?,
            _ => skip_binary(buf, pos, TType::from_binary_id(b)?)?,
        };
    }
}

/// The end of the validated compact var int at `pos` (at most 10 bytes).
#[inline(always)]
fn varint_end(buf: &[u8], pos: usize) -> Option<usize> {
    if *buf.get(pos)? < 0x80 {
        return Some(pos + 1);
    }
    let rest = buf.get(pos + 1..)?;
    let last = rest.iter().take(9).position(|&b| b < 0x80)?;
    Some(pos + 2 + last)
}

/// Where the compact string at `pos` ends (not checked against the buffer's end).
#[inline(always)]
fn compact_string_end(buf: &[u8], pos: usize) -> Option<usize> {
    let b = *buf.get(pos)?;
    if b < 0x80 {
        return Some(pos + 1 + usize::from(b));
    }
    let (n, start) = varint_at(buf, pos)?;
    start.checked_add(usize::try_from(n).ok()?)
}

/// [`skip_binary`] for the compact protocol.
pub(crate) fn skip_compact(buf: &[u8], pos: usize, t: TType) -> Option<usize> {
    let end = match t {
        TType::Bool | TType::Byte => pos + 1,
        TType::Double => pos + 8,
        TType::Uuid => pos + 16,
        TType::I16 | TType::I32 | TType::I64 => return varint_end(buf, pos),
        TType::Binary => compact_string_end(buf, pos)?,
        TType::Struct => return skip_compact_struct(buf, pos),
        TType::List | TType::Set => {
            let b = *buf.get(pos)?;
            let elem = TType::from_compact_id(b & 0x0f)?;
            let (n, first) = if b >> 4 == 15 {
                let (n, end) = varint_at(buf, pos + 1)?;
                (usize::try_from(n).ok()?, end)
            } else {
                (usize::from(b >> 4), pos + 1)
            };
            return skip_elements(buf, first, n, elem, None, Protocol::Compact);
        }
        TType::Map => {
            let (n, after) = varint_at(buf, pos)?;
            if n == 0 {
                return Some(after);
            }
            let b = *buf.get(after)?;
            let (k, v) = (
                TType::from_compact_id(b >> 4)?,
                TType::from_compact_id(b & 0x0f)?,
            );
            let n = usize::try_from(n).ok()?;
            return skip_elements(buf, after + 1, n, k, Some(v), Protocol::Compact);
        }
    };
    (end <= buf.len()).then_some(end)
}

/// The fields of a compact struct at `pos`, and its STOP: the common field types in the loop.
fn skip_compact_struct(buf: &[u8], mut pos: usize) -> Option<usize> {
    loop {
        let b = *buf.get(pos)?;
        pos += 1;
        if b == 0 {
            return Some(pos);
        }
        if b >> 4 == 0 {
            pos = varint_end(buf, pos)?;
        }
        pos = match b & 0x0f {
            1 | 2 => pos,
            3 => pos + 1,
            4..=6 => varint_end(buf, pos)?,
            7 => pos + 8,
            8 => compact_string_end(buf, pos)?,
            tn => skip_compact(buf, pos, TType::from_compact_id(tn)?)?,
        };
    }
}

/// [`skip_binary`] with strings and fixed-size values inline (map keys and values).
#[inline(always)]
fn skip_binary_elem(buf: &[u8], pos: usize, t: TType) -> Option<usize> {
    match t {
        TType::Binary => binary_string_end(buf, pos),
        TType::Bool | TType::Byte => Some(pos + 1),
        TType::I16 => Some(pos + 2),
        TType::I32 => Some(pos + 4),
        TType::I64 | TType::Double => Some(pos + 8),
        _ => skip_binary(buf, pos, t),
    }
}

/// [`skip_compact`] with strings, var ints and fixed-size values inline.
#[inline(always)]
fn skip_compact_elem(buf: &[u8], pos: usize, t: TType) -> Option<usize> {
    match t {
        TType::Binary => compact_string_end(buf, pos),
        TType::I16 | TType::I32 | TType::I64 => varint_end(buf, pos),
        TType::Bool | TType::Byte => Some(pos + 1),
        TType::Double => Some(pos + 8),
        _ => skip_compact(buf, pos, t),
    }
}

/// Skips `n` elements of type `a` (or `n` pairs of `a` and `b`) starting at `pos`.
pub(crate) fn skip_elements(
    buf: &[u8],
    mut pos: usize,
    n: usize,
    a: TType,
    b: Option<TType>,
    protocol: Protocol,
) -> Option<usize> {
    let fixed = match b {
        None => a.fixed_size(protocol),
        Some(b) => a
            .fixed_size(protocol)
            .zip(b.fixed_size(protocol))
            .map(|(x, y)| x + y),
    };
    if let Some(size) = fixed {
        let end = pos.checked_add(n.checked_mul(size)?)?;
        return (end <= buf.len()).then_some(end);
    }
    // Every element takes at least one byte: a count beyond what is left fails at once (and
    // the loops below stay linear in the input).
    if n > buf.len().saturating_sub(pos) {
        return None;
    }
    match (protocol, a, b) {
        (Protocol::Binary, TType::Binary, None) => {
            let mut rest = buf.get(pos..)?;
            for _ in 0..n {
                let (len, tail) = rest.split_first_chunk::<4>()?;
                rest = tail.get(u32::from_be_bytes(*len) as usize..)?;
            }
            pos = buf.len() - rest.len();
        }
        (Protocol::Compact, TType::Binary, None) => {
            let mut rest = buf.get(pos..)?;
            for _ in 0..n {
                let (&b, tail) = rest.split_first()?;
                rest = if b < 0x80 {
                    tail.get(usize::from(b)..)?
                } else {
                    buf.get(compact_string_end(buf, buf.len() - rest.len())?..)?
                };
            }
            pos = buf.len() - rest.len();
        }
        (Protocol::Compact, TType::I16 | TType::I32 | TType::I64, None) => {
            for _ in 0..n {
                pos = varint_end(buf, pos)?;
            }
        }
        (Protocol::Binary, _, _) => {
            for _ in 0..n {
                pos = skip_binary_elem(buf, pos, a)?;
                if let Some(b) = b {
                    pos = skip_binary_elem(buf, pos, b)?;
                }
            }
        }
        (Protocol::Compact, _, _) => {
            for _ in 0..n {
                pos = skip_compact_elem(buf, pos, a)?;
                if let Some(b) = b {
                    pos = skip_compact_elem(buf, pos, b)?;
                }
            }
        }
    }
    (pos <= buf.len()).then_some(pos)
}

/// The fast path of the scan, for a message that is already whole in the buffer: one pass,
/// recursive (bounded by the depth limit, at most [`Limits::HARD_MAX_DEPTH`] frames), with no
/// per-item bookkeeping. It answers only "whole and valid, ending here" (`Some(end)`); on
/// anything else — the input ends early, or a rule is broken — it answers `None` and the caller
/// runs the resumable [`Scanner`], which gives the exact need-more or error. It checks every rule
/// the scanner checks, so `Some(end)` is exactly the scanner's `Complete` (the size limit, which
/// the scanner checks against lower bounds of the end as it goes, is checked by the caller on
/// `end` itself).
pub(crate) struct Fast<'a> {
    buf: &'a [u8],
    max_string: usize,
    max_container: u32,
    max_depth: usize,
    strict: bool,
}

/// Binary-protocol ids of fixed-size types other than bool (whose bytes are checked), and sizes.
#[inline]
fn binary_fixed(id: u8) -> Option<usize> {
    match id {
        3 => Some(1),
        6 => Some(2),
        8 => Some(4),
        4 | 10 => Some(8),
        16 => Some(16),
        _ => None,
    }
}

impl<'a> Fast<'a> {
    pub(crate) fn new(buf: &'a [u8], limits: &Limits, profile: Profile) -> Self {
        Fast {
            buf,
            max_string: limits.max_string,
            max_container: limits.max_container,
            max_depth: limits.depth(),
            strict: profile.is_strict(),
        }
    }

    /// The end of the struct body (fields and STOP) at `pos`, the message body being level 1,
    /// and the extents of its first compound field (and of that field's own first compound
    /// field, when it is a struct) for the views ([`Hint`]).
    #[inline]
    pub(crate) fn body(&self, pos: usize, protocol: Protocol) -> Option<(usize, Hint)> {
        let mut hint = Hint::default();
        let end = match protocol {
            Protocol::Binary => self.b_struct_hint::<true>(pos, 1, Some(&mut hint))?,
            Protocol::Compact => self.c_struct_hint::<true>(pos, 1, Some(&mut hint))?,
        };
        Some((end, hint))
    }

    #[inline(always)]
    fn be_i32(&self, pos: usize) -> Option<i32> {
        let b = self.buf.get(pos..pos.checked_add(4)?)?;
        Some(i32::from_be_bytes([b[0], b[1], b[2], b[3]]))
    }

    /// `pos + n` if that many bytes are there.
    #[inline(always)]
    fn skip(&self, pos: usize, n: usize) -> Option<usize> {
        let end = pos.checked_add(n)?;
        (end <= self.buf.len()).then_some(end)
    }

    /// A container's declared count, checked as `check_count` does.
    #[inline(always)]
    fn count(&self, n: i64) -> Option<u32> {
        let n = u32::try_from(n).ok()?;
        (n <= self.max_container).then_some(n)
    }

    // ---- binary ----

    fn b_struct(&self, pos: usize, level: usize) -> Option<usize> {
        self.b_struct_hint::<false>(pos, level, None)
    }

    /// [`Fast::b_struct`], recording in `hint` where its first compound field ends; with `TWO`
    /// also, for a struct field, that struct's own first compound field, or else where the
    /// second compound field ends ([`Hint::record`]).
    #[inline(always)]
    fn b_struct_hint<const TWO: bool>(
        &self,
        start: usize,
        level: usize,
        mut hint: Option<&mut Hint>,
    ) -> Option<usize> {
        let mut pos = start;
        loop {
            let t = *self.buf.get(pos)?;
            if t == 0 {
                return Some(pos + 1);
            }
            let at = self.skip(pos, 3)?;
            pos = match t {
                3 => self.skip(at, 1)?,
                6 => self.skip(at, 2)?,
                8 => self.skip(at, 4)?,
                4 | 10 => self.skip(at, 8)?,
                11 => self.b_string(at)?,
                12..=15 if hint.is_some() => {
                    let mut inner = Hint::default();
                    let first = hint.as_ref().is_some_and(|h| h.first == 0);
                    let end = if TWO && t == 12 && first {
                        if level >= self.max_depth {
                            return None;
                        }
                        self.b_struct_hint::<false>(at, level + 1, Some(&mut inner))?
                    } else {
                        self.b_value(at, t, level)?
                    };
                    note::<TWO>(&mut hint, start, end, t == 12, inner.first);
                    end
                }
                _ => self.b_value(at, t, level)?,
            };
        }
    }

    /// The end of a binary string at `pos`.
    #[inline(always)]
    fn b_string(&self, pos: usize) -> Option<usize> {
        let n = usize::try_from(self.be_i32(pos)?).ok()?;
        if n > self.max_string {
            return None;
        }
        self.skip(pos + 4, n)
    }

    /// [`Fast::b_value`] with strings and fixed-size values read inline (map keys and values).
    #[inline(always)]
    fn b_elem(&self, pos: usize, t: u8, level: usize) -> Option<usize> {
        if let Some(n) = binary_fixed(t) {
            return self.skip(pos, n);
        }
        match t {
            11 => self.b_string(pos),
            _ => self.b_value(pos, t, level),
        }
    }

    /// The end of `n` binary strings at `pos`: a slice cursor, one comparison for the sign and
    /// the limit (`max_string` is at most `i32::MAX` here, a negative length as `u32` above it).
    #[inline(always)]
    fn b_strings(&self, pos: usize, n: usize) -> Option<usize> {
        let max = self.max_string.min(i32::MAX as usize);
        let mut rest = self.buf.get(pos..)?;
        for _ in 0..n {
            let (len, tail) = rest.split_first_chunk::<4>()?;
            let len = u32::from_be_bytes(*len) as usize;
            if len > max {
                return None;
            }
            rest = tail.get(len..)?;
        }
        Some(self.buf.len() - rest.len())
    }

    /// The end of the value with binary type id `t` at `pos`; compound values open at
    /// `level + 1`.
    fn b_value(&self, pos: usize, t: u8, level: usize) -> Option<usize> {
        if let Some(n) = binary_fixed(t) {
            return self.skip(pos, n);
        }
        match t {
            2 => {
                let b = *self.buf.get(pos)?;
                (b <= 1 || !self.strict).then_some(pos + 1)
            }
            11 => self.b_string(pos),
            12 => {
                if level >= self.max_depth {
                    return None;
                }
                self.b_struct(pos, level + 1)
            }
            14 | 15 => {
                let elem = *self.buf.get(pos)?;
                TType::from_binary_id(elem)?;
                let n = self.count(i64::from(self.be_i32(pos + 1)?))?;
                if level >= self.max_depth {
                    return None;
                }
                self.b_elements(pos + 5, n, elem, None, level + 1)
            }
            13 => {
                let [k, v] = *self.buf.get(pos..pos.checked_add(2)?)?.first_chunk::<2>()?;
                TType::from_binary_id(k)?;
                TType::from_binary_id(v)?;
                let n = self.count(i64::from(self.be_i32(pos + 2)?))?;
                if level >= self.max_depth {
                    return None;
                }
                self.b_elements(pos + 6, n, k, Some(v), level + 1)
            }
            _ => None,
        }
    }

    /// `n` elements of type `a` (or `n` pairs `a`, `b`) at `pos`, inside a container at `level`.
    fn b_elements(
        &self,
        mut pos: usize,
        n: u32,
        a: u8,
        b: Option<u8>,
        level: usize,
    ) -> Option<usize> {
        let n = n as usize;
        let fixed = match b {
            None => binary_fixed(a),
            Some(b) => binary_fixed(a).zip(binary_fixed(b)).map(|(x, y)| x + y),
        };
        if let Some(size) = fixed {
            return self.skip(pos, n.checked_mul(size)?);
        }
        // Every element takes at least one byte: a count beyond what is left fails at once.
        if n > self.buf.len().saturating_sub(pos) {
            return None;
        }
        match (a, b) {
            (11, None) => return self.b_strings(pos, n),
            (_, None) => {
                for _ in 0..n {
                    pos = self.b_value(pos, a, level)?;
                }
            }
            (_, Some(b)) => {
                for _ in 0..n {
                    pos = self.b_elem(pos, a, level)?;
                    pos = self.b_elem(pos, b, level)?;
                }
            }
        }
        Some(pos)
    }

    // ---- compact ----

    /// An unsigned var int of at most `bits` (32 or 64) at `pos`: (value, end), with the
    /// checks of [`Cur::varint`].
    #[inline(always)]
    fn varint(&self, pos: usize, bits: u32) -> Option<(u64, usize)> {
        let b = *self.buf.get(pos)?;
        if b < 0x80 {
            return Some((u64::from(b), pos + 1));
        }
        let mut cur = Cur::new(self.buf, pos);
        let v = cur.varint(bits).ok()?;
        Some((v, cur.pos))
    }

    /// A compact length or count: a 32-bit var int read as an i32, not negative.
    #[inline(always)]
    fn c_len(&self, pos: usize) -> Option<(usize, usize)> {
        let (n, end) = self.varint(pos, 32)?;
        let n = usize::try_from(n as u32 as i32).ok()?;
        Some((n, end))
    }

    /// A compact i16: a 32-bit zigzag var int in the i16 range.
    #[inline(always)]
    fn c_i16(&self, pos: usize) -> Option<(i16, usize)> {
        let (n, end) = self.varint(pos, 32)?;
        let n = n as u32;
        let v = ((n >> 1) as i32) ^ -((n & 1) as i32);
        Some((i16::try_from(v).ok()?, end))
    }

    /// [`Fast::c_value`] with strings and var ints read inline (map keys and values).
    #[inline(always)]
    fn c_elem(&self, pos: usize, t: u8, level: usize) -> Option<usize> {
        match t {
            5 => Some(self.varint(pos, 32)?.1),
            6 => Some(self.varint(pos, 64)?.1),
            8 => self.c_string(pos),
            _ => self.c_value(pos, t, level),
        }
    }

    /// The end of `n` compact strings at `pos`: a slice cursor, one-byte lengths read inline.
    #[inline(always)]
    fn c_strings(&self, mut pos: usize, n: usize) -> Option<usize> {
        let mut rest = self.buf.get(pos..)?;
        for _ in 0..n {
            let (&b, tail) = rest.split_first()?;
            if b < 0x80 && usize::from(b) <= self.max_string {
                rest = tail.get(usize::from(b)..)?;
            } else {
                pos = self.c_string(self.buf.len() - rest.len())?;
                rest = self.buf.get(pos..)?;
            }
        }
        Some(self.buf.len() - rest.len())
    }

    /// The end of a compact string at `pos`.
    #[inline(always)]
    fn c_string(&self, pos: usize) -> Option<usize> {
        let (n, end) = self.c_len(pos)?;
        if n > self.max_string {
            return None;
        }
        self.skip(end, n)
    }

    fn c_struct(&self, pos: usize, level: usize) -> Option<usize> {
        self.c_struct_hint::<false>(pos, level, None)
    }

    /// [`Fast::b_struct_hint`] for the compact protocol.
    #[inline(always)]
    fn c_struct_hint<const TWO: bool>(
        &self,
        start: usize,
        level: usize,
        mut hint: Option<&mut Hint>,
    ) -> Option<usize> {
        let mut pos = start;
        let mut last_id: i16 = 0;
        loop {
            let b = *self.buf.get(pos)?;
            pos += 1;
            if b == 0 {
                return Some(pos);
            }
            let tn = b & 0x0f;
            let delta = b >> 4;
            if tn != 1 && tn != 2 {
                TType::from_compact_id(tn)?;
            }
            last_id = if delta == 0 {
                let (id, end) = self.c_i16(pos)?;
                pos = end;
                id
            } else {
                last_id.checked_add(i16::from(delta))?
            };
            pos = match tn {
                1 | 2 => pos,
                3 => self.skip(pos, 1)?,
                4 => self.c_i16(pos)?.1,
                5 => self.varint(pos, 32)?.1,
                6 => self.varint(pos, 64)?.1,
                7 => self.skip(pos, 8)?,
                8 => self.c_string(pos)?,
                9..=12 if hint.is_some() => {
                    let mut inner = Hint::default();
                    let first = hint.as_ref().is_some_and(|h| h.first == 0);
                    let end = if TWO && tn == 12 && first {
                        if level >= self.max_depth {
                            return None;
                        }
                        self.c_struct_hint::<false>(pos, level + 1, Some(&mut inner))?
                    } else {
                        self.c_value(pos, tn, level)?
                    };
                    note::<TWO>(&mut hint, start, end, tn == 12, inner.first);
                    end
                }
                _ => self.c_value(pos, tn, level)?,
            };
        }
    }

    /// The end of the value with compact type id `t` at `pos`.
    fn c_value(&self, pos: usize, t: u8, level: usize) -> Option<usize> {
        match t {
            1 | 2 => {
                let b = *self.buf.get(pos)?;
                (b <= 2 || !self.strict).then_some(pos + 1)
            }
            3 => self.skip(pos, 1),
            4 => Some(self.c_i16(pos)?.1),
            5 => Some(self.varint(pos, 32)?.1),
            6 => Some(self.varint(pos, 64)?.1),
            7 => self.skip(pos, 8),
            13 => self.skip(pos, 16),
            8 => self.c_string(pos),
            12 => {
                if level >= self.max_depth {
                    return None;
                }
                self.c_struct(pos, level + 1)
            }
            9 | 10 => {
                let b = *self.buf.get(pos)?;
                let elem = b & 0x0f;
                TType::from_compact_id(elem)?;
                let (n, pos) = if b >> 4 == 15 {
                    self.c_len(pos + 1)?
                } else {
                    (usize::from(b >> 4), pos + 1)
                };
                let n = self.count(n as i64)?;
                if level >= self.max_depth {
                    return None;
                }
                self.c_elements(pos, n, elem, None, level + 1)
            }
            11 => {
                let (n, pos) = self.c_len(pos)?;
                let n = self.count(n as i64)?;
                if level >= self.max_depth {
                    return None;
                }
                if n == 0 {
                    return Some(pos);
                }
                let kv = *self.buf.get(pos)?;
                TType::from_compact_id(kv >> 4)?;
                TType::from_compact_id(kv & 0x0f)?;
                self.c_elements(pos + 1, n, kv >> 4, Some(kv & 0x0f), level + 1)
            }
            _ => None,
        }
    }

    fn c_elements(
        &self,
        mut pos: usize,
        n: u32,
        a: u8,
        b: Option<u8>,
        level: usize,
    ) -> Option<usize> {
        let n = n as usize;
        if n > self.buf.len().saturating_sub(pos) {
            return None;
        }
        match b {
            None if a == 8 => return self.c_strings(pos, n),
            None if a == 5 || a == 6 => {
                let bits = if a == 5 { 32 } else { 64 };
                for _ in 0..n {
                    pos = self.varint(pos, bits)?.1;
                }
            }
            None => {
                for _ in 0..n {
                    pos = self.c_value(pos, a, level)?;
                }
            }
            Some(b) => {
                for _ in 0..n {
                    pos = self.c_elem(pos, a, level)?;
                    pos = self.c_elem(pos, b, level)?;
                }
            }
        }
        Some(pos)
    }
}

/// Notes a compound field, ending at `end`, of the struct at `start` in the hint being filled
/// (binary and compact alike): the nested level (`!TWO`) keeps only its first such field; the
/// body's level asks [`Hint::record`]. The hint is dropped (`None`) once it takes no more.
#[inline(always)]
fn note<const TWO: bool>(
    hint: &mut Option<&mut Hint>,
    start: usize,
    end: usize,
    is_struct: bool,
    inner: u32,
) {
    if let Some(h) = hint.as_deref_mut() {
        if !TWO {
            h.first = u32::try_from(end - start)
                .ok()
                .filter(|&n| n < Hint::FIRST_LIMIT)
                .unwrap_or(0);
            *hint = None;
        } else if !h.record(start, end, is_struct, inner) {
            *hint = None;
        }
    }
}
