//! Headers and the validating length scan.
//!
//! [`scan`] finds where one MessagePack value ends without building it. It is iterative: one
//! counter of not-yet-started elements per open array/map, in a fixed array on the stack, so
//! nesting costs no recursion and no allocation. It checks, in this order, before looking
//! further: the reserved byte, the declared count against [`Limits::max_elements`], the depth,
//! and the smallest size the value can still have against [`Limits::max_message_size`] — so a
//! header declaring 2^32 elements in 5 bytes is refused (or waited for) at once, and costs
//! nothing. Everything the views later assume (UTF-8 in strict mode, timestamp shape, lengths)
//! is checked here, once.

use super::{Error, Limits, Profile};
use crate::Decoded;
use rmp::Marker;

/// One header: what the item is. Lengths are still unchecked against the input.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) enum Head {
    Nil,
    Bool(bool),
    Uint(u64),
    Sint(i64),
    F32(f32),
    F64(f64),
    Str(u32),
    Bin(u32),
    Ext(i8, u32),
    Array(u32),
    Map(u32),
    Reserved,
}

impl Head {
    /// The MessagePack family name, for error messages.
    pub(crate) fn type_name(self) -> &'static str {
        match self {
            Head::Nil => "nil",
            Head::Bool(_) => "bool",
            Head::Uint(_) | Head::Sint(_) => "int",
            Head::F32(_) | Head::F64(_) => "float",
            Head::Str(_) => "str",
            Head::Bin(_) => "bin",
            Head::Ext(..) => "ext",
            Head::Array(_) => "array",
            Head::Map(_) => "map",
            Head::Reserved => "reserved byte",
        }
    }
}

fn be(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0u64, |acc, &b| (acc << 8) | u64::from(b))
}

/// Parses the header at `buf[pos..]`: `Ok((head, header_len))`, or `Err(missing)` with the
/// number of bytes missing to complete the header.
pub(crate) fn head(buf: &[u8], pos: usize) -> Result<(Head, usize), usize> {
    let rest = buf.get(pos..).unwrap_or(&[]);
    let Some(&marker) = rest.first() else {
        return Err(1);
    };
    // The header's bytes after the marker, once `n` header bytes are known to be present.
    let take = |n: usize| -> Result<&[u8], usize> {
        if rest.len() >= n {
            Ok(&rest[1..n])
        } else {
            Err(n - rest.len())
        }
    };
    let out = match Marker::from_u8(marker) {
        Marker::FixPos(n) => (Head::Uint(u64::from(n)), 1),
        Marker::FixNeg(n) => (Head::Sint(i64::from(n)), 1),
        Marker::FixMap(n) => (Head::Map(u32::from(n)), 1),
        Marker::FixArray(n) => (Head::Array(u32::from(n)), 1),
        Marker::FixStr(n) => (Head::Str(u32::from(n)), 1),
        Marker::Null => (Head::Nil, 1),
        Marker::Reserved => (Head::Reserved, 1),
        Marker::False => (Head::Bool(false), 1),
        Marker::True => (Head::Bool(true), 1),
        Marker::Bin8 => (Head::Bin(be(take(2)?) as u32), 2),
        Marker::Bin16 => (Head::Bin(be(take(3)?) as u32), 3),
        Marker::Bin32 => (Head::Bin(be(take(5)?) as u32), 5),
        Marker::Ext8 => {
            let h = take(3)?;
            (Head::Ext(h[1] as i8, u32::from(h[0])), 3)
        }
        Marker::Ext16 => {
            let h = take(4)?;
            (Head::Ext(h[2] as i8, be(&h[..2]) as u32), 4)
        }
        Marker::Ext32 => {
            let h = take(6)?;
            (Head::Ext(h[4] as i8, be(&h[..4]) as u32), 6)
        }
        Marker::F32 => (Head::F32(f32::from_bits(be(take(5)?) as u32)), 5),
        Marker::F64 => (Head::F64(f64::from_bits(be(take(9)?))), 9),
        Marker::U8 => (Head::Uint(be(take(2)?)), 2),
        Marker::U16 => (Head::Uint(be(take(3)?)), 3),
        Marker::U32 => (Head::Uint(be(take(5)?)), 5),
        Marker::U64 => (Head::Uint(be(take(9)?)), 9),
        Marker::I8 => (Head::Sint(i64::from(take(2)?[0] as i8)), 2),
        Marker::I16 => (Head::Sint(i64::from(be(take(3)?) as u16 as i16)), 3),
        Marker::I32 => (Head::Sint(i64::from(be(take(5)?) as u32 as i32)), 5),
        Marker::I64 => (Head::Sint(be(take(9)?) as i64), 9),
        Marker::FixExt1 => (Head::Ext(take(2)?[0] as i8, 1), 2),
        Marker::FixExt2 => (Head::Ext(take(2)?[0] as i8, 2), 2),
        Marker::FixExt4 => (Head::Ext(take(2)?[0] as i8, 4), 2),
        Marker::FixExt8 => (Head::Ext(take(2)?[0] as i8, 8), 2),
        Marker::FixExt16 => (Head::Ext(take(2)?[0] as i8, 16), 2),
        Marker::Str8 => (Head::Str(be(take(2)?) as u32), 2),
        Marker::Str16 => (Head::Str(be(take(3)?) as u32), 3),
        Marker::Str32 => (Head::Str(be(take(5)?) as u32), 5),
        Marker::Array16 => (Head::Array(be(take(3)?) as u32), 3),
        Marker::Array32 => (Head::Array(be(take(5)?) as u32), 5),
        Marker::Map16 => (Head::Map(be(take(3)?) as u32), 3),
        Marker::Map32 => (Head::Map(be(take(5)?) as u32), 5),
    };
    Ok(out)
}

/// The timestamp extension's type id.
pub(crate) const TIMESTAMP_TYPE: i8 = -1;

/// Why `data` (the payload of an ext of type -1) is not a timestamp, if it is not.
///
/// Spec, "Timestamp extension type": "timestamp 32 stores the number of seconds ... in an
/// 32-bit unsigned integer", "timestamp 64 stores the number of seconds and nanoseconds ... in
/// 32-bit unsigned int and 34-bit unsigned int", "timestamp 96 ... 64-bit signed int and 32-bit
/// unsigned int"; and for decoding, "nanoseconds must not be larger than 999999999".
pub(crate) fn timestamp_problem(data: &[u8]) -> Option<&'static str> {
    let nanos = match data.len() {
        4 => 0,
        8 => be(data) >> 34,
        12 => be(&data[..4]),
        _ => return Some("length is not 4, 8 or 12"),
    };
    (nanos > 999_999_999).then_some("nanoseconds larger than 999999999")
}

/// The value of a decode that had to take the whole input of `len` bytes: a short input is
/// [`Error::Truncated`], extra bytes are [`Error::TrailingBytes`].
pub(crate) fn exactly_one<T>(len: usize, decoded: Decoded<T>) -> Result<T, Error> {
    match decoded {
        Decoded::Complete { value, used } if used == len => Ok(value),
        Decoded::Complete { used, .. } => Err(Error::TrailingBytes {
            offset: used,
            count: len - used,
        }),
        Decoded::NeedMore { at_least } => Err(Error::Truncated {
            offset: len,
            missing: at_least,
        }),
    }
}

/// Finds where the one MessagePack value at the start of `buf` ends, validating it.
///
/// `Ok(Complete { value: len, used: len })` when `buf[..len]` is one whole valid value,
/// `Ok(NeedMore { at_least })` when `buf` is a valid prefix (`at_least` is a lower bound: every
/// element still to come takes at least one byte), or the first rule it breaks. Costs time
/// linear in the bytes looked at, and no allocation.
pub fn scan(buf: &[u8], limits: &Limits, profile: Profile) -> Result<Decoded<usize>, Error> {
    scan_from(buf, &mut ScanState::new(), limits, profile)
}

/// Where a scan stopped for lack of input, so that it can resume without looking at the same
/// bytes twice (a message arriving byte by byte still costs linear time in total).
#[derive(Clone)]
pub(crate) struct ScanState {
    /// Start of the next item to read.
    pos: usize,
    /// Open arrays/maps.
    depth: usize,
    /// Sum of the open counts.
    pending: u64,
    /// Elements not yet started, per open array/map (a map counts keys and values): the first
    /// levels inline, deeper ones in `spill`. Zeroing all [`Limits::HARD_MAX_DEPTH`] levels for
    /// every scan cost more than the scan of a typical message; a `Vec` that stays empty does
    /// not allocate, so only data nested deeper than `INLINE_DEPTH` allocates.
    open: [u64; INLINE_DEPTH],
    spill: Vec<u64>,
}

/// Nesting levels kept without allocating (real messages nest a few levels).
const INLINE_DEPTH: usize = 32;

impl ScanState {
    pub(crate) fn new() -> Self {
        ScanState {
            pos: 0,
            depth: 0,
            pending: 0,
            open: [0; INLINE_DEPTH],
            spill: Vec::new(),
        }
    }

    fn open_mut(&mut self, level: usize) -> &mut u64 {
        if level < INLINE_DEPTH {
            &mut self.open[level]
        } else {
            let i = level - INLINE_DEPTH;
            if self.spill.len() <= i {
                self.spill.resize(i + 1, 0);
            }
            &mut self.spill[i]
        }
    }

    fn open_at(&self, level: usize) -> u64 {
        if level < INLINE_DEPTH {
            self.open[level]
        } else {
            self.spill.get(level - INLINE_DEPTH).copied().unwrap_or(0)
        }
    }
}

impl std::fmt::Debug for ScanState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScanState")
            .field("pos", &self.pos)
            .field("depth", &self.depth)
            .finish()
    }
}

/// [`scan`], resuming from `st` (which must come from earlier calls on a prefix of `buf`).
/// On need-more, `st` points at the first incomplete item; on completion it is spent.
pub(crate) fn scan_from(
    buf: &[u8],
    st: &mut ScanState,
    limits: &Limits,
    profile: Profile,
) -> Result<Decoded<usize>, Error> {
    let max_depth = limits.max_depth.min(Limits::HARD_MAX_DEPTH);
    let size_check = |start: usize, at_least: u64| -> Result<(), Error> {
        if at_least > limits.max_message_size as u64 {
            return Err(Error::SizeLimit {
                offset: start,
                at_least,
                limit: limits.max_message_size,
            });
        }
        Ok(())
    };
    let need_more = |missing: u64, after: u64| -> Decoded<usize> {
        Decoded::NeedMore {
            at_least: usize::try_from(missing.saturating_add(after)).unwrap_or(usize::MAX),
        }
    };
    loop {
        let start = st.pos;
        // Elements still to come after this one: each takes at least one byte.
        let after = st.pending - u64::from(st.depth > 0);
        let (h, hlen) = match head(buf, start) {
            Ok(x) => x,
            Err(missing) => {
                size_check(start, (buf.len() + missing) as u64 + after)?;
                return Ok(need_more(missing as u64, after));
            }
        };
        let mut push = 0u64;
        let end = match h {
            Head::Reserved => return Err(Error::ReservedByte { offset: start }),
            Head::Str(len) | Head::Bin(len) | Head::Ext(_, len) => {
                let end = (start + hlen) as u64 + u64::from(len);
                size_check(start, end + after)?;
                // `end` is at most max_message_size here, so it fits a usize.
                let end = end as usize;
                if end > buf.len() {
                    return Ok(need_more((end - buf.len()) as u64, after));
                }
                let data = &buf[start + hlen..end];
                if profile.is_strict() {
                    match h {
                        Head::Str(_) if std::str::from_utf8(data).is_err() => {
                            return Err(Error::InvalidUtf8 { offset: start });
                        }
                        Head::Ext(TIMESTAMP_TYPE, _) => {
                            if let Some(reason) = timestamp_problem(data) {
                                return Err(Error::InvalidTimestamp {
                                    offset: start,
                                    reason,
                                });
                            }
                        }
                        _ => {}
                    }
                }
                end
            }
            Head::Array(n) | Head::Map(n) => {
                if n > limits.max_elements {
                    return Err(Error::ElementLimit {
                        offset: start,
                        declared: n,
                        limit: limits.max_elements,
                    });
                }
                push = if matches!(h, Head::Map(_)) {
                    2 * u64::from(n)
                } else {
                    u64::from(n)
                };
                size_check(start, (start + hlen) as u64 + push + after)?;
                if st.depth >= max_depth {
                    return Err(Error::DepthLimit {
                        offset: start,
                        limit: max_depth,
                    });
                }
                start + hlen
            }
            _ => {
                size_check(start, (start + hlen) as u64 + after)?;
                start + hlen
            }
        };
        // The item's header (and payload) are here: commit it.
        if st.depth > 0 {
            *st.open_mut(st.depth - 1) -= 1;
            st.pending -= 1;
        }
        st.pos = end;
        if push > 0 {
            *st.open_mut(st.depth) = push;
            st.depth += 1;
            st.pending += push;
            continue;
        }
        // One item is complete: close every container whose last element it was.
        while st.depth > 0 && st.open_at(st.depth - 1) == 0 {
            st.depth -= 1;
        }
        if st.depth == 0 {
            return Ok(Decoded::Complete {
                value: end,
                used: end,
            });
        }
    }
}

/// Where the value at `buf[pos..]` ends, for bytes already validated by [`scan`]. `None` only
/// if the bytes were not validated (never for views built by this module).
pub(crate) fn skip(buf: &[u8], mut pos: usize) -> Option<usize> {
    let mut pending: u64 = 1;
    while pending > 0 {
        let (h, hlen) = head(buf, pos).ok()?;
        pending -= 1;
        pos += hlen;
        match h {
            Head::Str(len) | Head::Bin(len) | Head::Ext(_, len) => {
                pos = pos.checked_add(len as usize)?;
            }
            Head::Array(n) => pending += u64::from(n),
            Head::Map(n) => pending += 2 * u64::from(n),
            Head::Reserved => return None,
            _ => {}
        }
        if pos > buf.len() {
            return None;
        }
    }
    Some(pos)
}
