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

/// The end of the already validated value of type `t` at `buf[pos..]` (`None` if it is not
/// whole after all: views then stop early rather than panic).
///
/// Views exist only over bytes the scan validated, so this checks nothing but bounds, and
/// recurses: the scan already bounded the nesting by [`Limits::HARD_MAX_DEPTH`] at most.
/// Fixed-size elements are jumped over in one step.
pub(crate) fn skip(buf: &[u8], pos: usize, t: TType, protocol: Protocol) -> Option<usize> {
    let binary = protocol == Protocol::Binary;
    let mut cur = Cur::new(buf, pos);
    if let Some(n) = t.fixed_size(protocol) {
        return pos.checked_add(n).filter(|&end| end <= buf.len());
    }
    match t {
        TType::I16 | TType::I32 | TType::I64 => {
            // A compact var int: bytes up to the first without the continuation bit.
            let rest = buf.get(pos..)?;
            let n = rest.iter().position(|b| b & 0x80 == 0)?;
            Some(pos + n + 1)
        }
        TType::Binary => {
            let n = if binary {
                usize::try_from(cur.be_i32().ok()?).ok()?
            } else {
                cur.varint(32).ok()? as usize
            };
            cur.take(n).ok()?;
            Some(cur.pos)
        }
        TType::Struct => loop {
            let b = cur.u8().ok()?;
            if b == 0 {
                return Some(cur.pos);
            }
            let t = if binary {
                cur.take(2).ok()?;
                TType::from_binary_id(b)?
            } else {
                if b >> 4 == 0 {
                    cur.varint(32).ok()?;
                }
                match b & 0x0f {
                    1 | 2 => continue,
                    tn => TType::from_compact_id(tn)?,
                }
            };
            cur.pos = skip(buf, cur.pos, t, protocol)?;
        },
        TType::List | TType::Set => {
            let (elem, n) = if binary {
                let id = cur.u8().ok()?;
                (
                    TType::from_binary_id(id)?,
                    usize::try_from(cur.be_i32().ok()?).ok()?,
                )
            } else {
                let b = cur.u8().ok()?;
                let n = if b >> 4 == 15 {
                    cur.varint(32).ok()? as usize
                } else {
                    usize::from(b >> 4)
                };
                (TType::from_compact_id(b & 0x0f)?, n)
            };
            skip_elements(buf, cur.pos, n, elem, None, protocol)
        }
        TType::Map => {
            let (k, v, n) = if binary {
                let [k, v] = cur.array().ok()?;
                let n = usize::try_from(cur.be_i32().ok()?).ok()?;
                (TType::from_binary_id(k)?, TType::from_binary_id(v)?, n)
            } else {
                let n = cur.varint(32).ok()? as usize;
                if n == 0 {
                    return Some(cur.pos);
                }
                let b = cur.u8().ok()?;
                (
                    TType::from_compact_id(b >> 4)?,
                    TType::from_compact_id(b & 0x0f)?,
                    n,
                )
            };
            skip_elements(buf, cur.pos, n, k, Some(v), protocol)
        }
        _ => None,
    }
}

/// Skips `n` elements of type `a` (or `n` pairs of `a` and `b`) starting at `pos`.
fn skip_elements(
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
    for _ in 0..n {
        pos = skip(buf, pos, a, protocol)?;
        if let Some(b) = b {
            pos = skip(buf, pos, b, protocol)?;
        }
    }
    Some(pos)
}
