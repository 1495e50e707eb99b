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
///
/// One match on the marker byte (the ranges are the spec's "Overview" table; `rmp::Marker`
/// names the same bytes) and one bounds check per header: this runs once per item in every
/// scan, skip and view step, so it is the codec's hottest code.
#[inline(always)]
pub(crate) fn head(buf: &[u8], pos: usize) -> Result<(Head, usize), usize> {
    let rest = buf.get(pos..).unwrap_or(&[]);
    let Some(&marker) = rest.first() else {
        return Err(1);
    };
    // The fixed forms first: one byte, no payload length to read.
    match marker {
        0x00..=0x7f => return Ok((Head::Uint(u64::from(marker)), 1)),
        0x80..=0x8f => return Ok((Head::Map(u32::from(marker & 0x0f)), 1)),
        0x90..=0x9f => return Ok((Head::Array(u32::from(marker & 0x0f)), 1)),
        0xa0..=0xbf => return Ok((Head::Str(u32::from(marker & 0x1f)), 1)),
        0xc0 => return Ok((Head::Nil, 1)),
        0xc1 => return Ok((Head::Reserved, 1)),
        0xc2 => return Ok((Head::Bool(false), 1)),
        0xc3 => return Ok((Head::Bool(true), 1)),
        0xe0..=0xff => return Ok((Head::Sint(i64::from(marker as i8)), 1)),
        _ => {}
    }
    // Header length of the other markers (0xc4..=0xdf).
    const LEN: [u8; 28] = [
        2, 3, 5, // bin 8/16/32
        3, 4, 6, // ext 8/16/32
        5, 9, // float 32/64
        2, 3, 5, 9, // uint 8/16/32/64
        2, 3, 5, 9, // int 8/16/32/64
        2, 2, 2, 2, 2, // fixext 1/2/4/8/16
        2, 3, 5, // str 8/16/32
        3, 5, // array 16/32
        3, 5, // map 16/32
    ];
    let n = usize::from(LEN[usize::from(marker - 0xc4)]);
    let Some(h) = rest.get(1..n) else {
        return Err(n - rest.len());
    };
    // Fixed-width big-endian reads (no loop over the bytes).
    let b1 = || u32::from(h[0]);
    let b2 = || u32::from(u16::from_be_bytes([h[0], h[1]]));
    let b4 = || u32::from_be_bytes([h[0], h[1], h[2], h[3]]);
    let b8 = || u64::from_be_bytes([h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7]]);
    let out = match marker {
        0xc4 => Head::Bin(b1()),
        0xc5 => Head::Bin(b2()),
        0xc6 => Head::Bin(b4()),
        0xc7 => Head::Ext(h[1] as i8, b1()),
        0xc8 => Head::Ext(h[2] as i8, b2()),
        0xc9 => Head::Ext(h[4] as i8, b4()),
        0xca => Head::F32(f32::from_bits(b4())),
        0xcb => Head::F64(f64::from_bits(b8())),
        0xcc => Head::Uint(u64::from(b1())),
        0xcd => Head::Uint(u64::from(b2())),
        0xce => Head::Uint(u64::from(b4())),
        0xcf => Head::Uint(b8()),
        0xd0 => Head::Sint(i64::from(h[0] as i8)),
        0xd1 => Head::Sint(i64::from(b2() as u16 as i16)),
        0xd2 => Head::Sint(i64::from(b4() as i32)),
        0xd3 => Head::Sint(b8() as i64),
        0xd4..=0xd8 => Head::Ext(h[0] as i8, 1 << (marker - 0xd4)),
        0xd9 => Head::Str(b1()),
        0xda => Head::Str(b2()),
        0xdb => Head::Str(b4()),
        0xdc => Head::Array(b2()),
        0xdd => Head::Array(b4()),
        0xde => Head::Map(b2()),
        _ => Head::Map(b4()),
    };
    Ok((out, n))
}

/// Whether a header of `hlen` bytes is the smallest form of `h` (what the encoders write), so
/// that the bytes re-encode to themselves.
#[inline]
fn is_minimal(h: Head, hlen: usize, payload: &[u8]) -> bool {
    use super::value::{array_header_len, bin_header_len, ext_header_len, str_header_len};
    match h {
        Head::Uint(v) => hlen == crate::msgpack_rpc::Int::from(v).encoded_len(),
        // The encoders write a value >= 0 in the uint formats: a signed format holding one is
        // never the smallest form, even at the same length (int 32 of 2^30 vs uint 32; found
        // by the msgpack_rpc_decode and msgpack_rpc_differential fuzz targets).
        Head::Sint(v) => v < 0 && hlen == crate::msgpack_rpc::Int::from(v).encoded_len(),
        Head::Str(n) => hlen == str_header_len(n as usize),
        Head::Bin(n) => hlen == bin_header_len(n as usize),
        Head::Array(n) | Head::Map(n) => hlen == array_header_len(n as usize),
        // A well-formed timestamp is written back in its smallest data form.
        Head::Ext(TIMESTAMP_TYPE, n) => {
            hlen == ext_header_len(n as usize)
                && crate::msgpack_rpc::Timestamp::from_ext_data(payload)
                    .is_none_or(|t| t.data_len() == payload.len())
        }
        Head::Ext(_, n) => hlen == ext_header_len(n as usize),
        Head::Nil | Head::Bool(_) | Head::F32(_) | Head::F64(_) | Head::Reserved => true,
    }
}

/// Whether every byte is below 0x80: 16 bytes a step, the bits ORed without early exit (the
/// strs of messages are short, and almost always ASCII); what is left after the steps is read
/// as the last 8 bytes of `d` (overlapping what a step read, which is harmless), so no byte
/// loop runs unless the whole str is shorter than 8 bytes. The first check a str gets; only a
/// str that is not ASCII goes on to [`utf8`].
#[inline]
pub(crate) fn ascii(d: &[u8]) -> bool {
    if d.len() < 8 {
        return d.iter().fold(0u8, |acc, &b| acc | b) < 0x80;
    }
    let mut acc = 0u64;
    let mut chunks = d.chunks_exact(16);
    for c in &mut chunks {
        acc |= word(&c[..8]) | word(&c[8..]);
    }
    let rest = chunks.remainder();
    if !rest.is_empty() {
        acc |= word(&d[d.len() - 8..]);
        if rest.len() > 8 {
            acc |= word(rest);
        }
    }
    acc & HIGH_BITS == 0
}

/// The high bit of each byte of a word.
const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// The first 8 bytes of `b` as a little-endian word.
#[inline(always)]
fn word(b: &[u8]) -> u64 {
    u64::from_le_bytes([b[0], b[1], b[2], b[3], b[4], b[5], b[6], b[7]])
}

/// UTF-8 validation: `simdutf8` (SIMD where the CPU has it) from 64 bytes on, `core`'s check
/// below (what `simdutf8` falls back to there, here without its run-time dispatch).
#[inline]
pub(crate) fn utf8(bytes: &[u8]) -> Option<&str> {
    if bytes.len() < 64 {
        std::str::from_utf8(bytes).ok()
    } else {
        simdutf8::basic::from_utf8(bytes).ok()
    }
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

/// What a scan established about the bytes of one value, recorded in the views built over
/// them so that reading never checks it again.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Facts {
    /// Every header is in its smallest form (see [`ScanState::minimal`]): encoding is a copy.
    pub(crate) minimal: bool,
    /// Every str is UTF-8 (the strict profile checked each one): views hand them out as
    /// [`Str`](super::Str) without looking at them again.
    pub(crate) utf8: bool,
}

impl Facts {
    /// Nothing known (views over no bytes).
    pub(crate) const NONE: Facts = Facts {
        minimal: false,
        utf8: false,
    };
}

/// [`scan`], also telling what the views need to know ([`Facts`]).
///
/// A whole valid value (the usual case) is scanned by [`scan_whole`], a loop with nothing to
/// keep for resuming; anything else (a prefix, an error, a limit reached, a timestamp, nesting
/// deeper than its stack) is scanned again by [`scan_from`], which decides need-more and
/// errors. Both accept exactly the same values, so the second pass only changes the cost of
/// what is not a whole valid value (at most twice the bytes).
pub(crate) fn scan_minimal(
    buf: &[u8],
    limits: &Limits,
    profile: Profile,
) -> Result<(Decoded<usize>, Facts), Error> {
    let strict = profile.is_strict();
    if let Some((used, minimal)) = scan_whole::<1>(buf, limits, strict) {
        let facts = Facts {
            minimal,
            utf8: strict,
        };
        return Ok((Decoded::Complete { value: used, used }, facts));
    }
    let mut st = ScanState::new();
    let d = scan_from(buf, &mut st, limits, profile)?;
    let facts = Facts {
        minimal: st.minimal,
        utf8: strict,
    };
    Ok((d, facts))
}

/// Nesting levels [`scan_whole`] keeps (deeper values take [`scan_from`]).
const WHOLE_DEPTH: usize = 24;

/// The length of the `VALUES` whole valid values back to back at the start of `buf` (one, or
/// a response's error and result: one scan, one stack) and whether they are minimal, or `None`
/// when they are not all whole and valid within [`WHOLE_DEPTH`] levels (then [`scan_from`]
/// says what they are). Each value is held to `limits` as if scanned alone (depth counted
/// from its own top); `max_message_size` bounds their total.
///
/// Each item costs one match on its marker: one-byte items, fixstrs and fixarrays/fixmaps are
/// read there; other headers by [`head`]. Limits hold by construction: the value is looked for
/// only in the first `max_message_size` bytes, every declared count is compared with
/// `max_elements` and every level with `max_depth`. A str's bytes are checked once (ASCII
/// first, then `simdutf8`).
pub(crate) fn scan_whole<const VALUES: u64>(
    buf: &[u8],
    limits: &Limits,
    strict: bool,
) -> Option<(usize, bool)> {
    let buf = &buf[..buf.len().min(limits.max_message_size)];
    let max_depth = limits.max_depth.min(Limits::HARD_MAX_DEPTH);
    let text_ok = |d: &[u8]| !strict || ascii(d) || utf8(d).is_some();
    // Elements not yet started in each enclosing container; `left` is the innermost's.
    let mut stack = [0u64; WHOLE_DEPTH];
    let mut depth = 0usize;
    let mut left: u64 = VALUES;
    let mut pos = 0usize;
    let mut minimal = true;
    // Opens a container of `n` declared elements (`items`: pairs doubled): it is no longer
    // pending in its parent; its elements are. An empty one is complete at once.
    macro_rules! open {
        ($n:expr, $items:expr) => {{
            if $n > limits.max_elements || depth >= max_depth || depth >= WHOLE_DEPTH {
                return None;
            }
            if $items > 0 {
                stack[depth] = left - 1;
                depth += 1;
                left = $items;
                continue;
            }
        }};
    }
    loop {
        let m = *buf.get(pos)?;
        match m {
            0x00..=0x7f | 0xc0 | 0xc2 | 0xc3 | 0xe0..=0xff => pos += 1,
            0xa0..=0xbf => {
                let len = usize::from(m & 0x1f);
                let end = pos + 1 + len;
                // A str under 8 bytes (map keys, names) with 8 bytes of input after its
                // marker: its bytes are the low `len` bytes of one word, checked at once.
                let ascii_word = match buf.get(pos + 1..pos + 9) {
                    Some(w) if len < 8 => word(w) & ((1u64 << (8 * len)) - 1) & HIGH_BITS == 0,
                    _ => false,
                };
                if !ascii_word && !text_ok(buf.get(pos + 1..end)?) {
                    return None;
                }
                pos = end;
            }
            0x90..=0x9f => {
                pos += 1;
                open!(u32::from(m & 0x0f), u64::from(m & 0x0f))
            }
            // uint 8/16/32/64: the smallest form when the value needs the width (uint 8 from
            // 128 on, the wider ones when the high half of their bytes is not all zero).
            0xcc..=0xcf => {
                let n = 1usize << (m - 0xcc);
                let d = buf.get(pos + 1..pos + 1 + n)?;
                minimal &= match n {
                    1 => d[0] >= 0x80,
                    2 => d[0] != 0,
                    4 => d[0] | d[1] != 0,
                    _ => d[..4] != [0; 4],
                };
                pos += 1 + n;
            }
            0x80..=0x8f => {
                pos += 1;
                open!(u32::from(m & 0x0f), 2 * u64::from(m & 0x0f))
            }
            // str 8 (the smallest form from 32 bytes on), bin 8 (always the smallest).
            0xd9 | 0xc4 => {
                let n = *buf.get(pos + 1)?;
                let end = pos + 2 + usize::from(n);
                let data = buf.get(pos + 2..end)?;
                if m == 0xd9 {
                    minimal &= n >= 32;
                    if !text_ok(data) {
                        return None;
                    }
                }
                pos = end;
            }
            // float 32, float 64.
            0xca | 0xcb => {
                pos += if m == 0xca { 5 } else { 9 };
                if pos > buf.len() {
                    return None;
                }
            }
            _ => {
                let (h, hlen) = head(buf, pos).ok()?;
                let at = pos + hlen;
                match h {
                    Head::Reserved => return None,
                    Head::Str(len) | Head::Bin(len) | Head::Ext(_, len) => {
                        let end = at.checked_add(len as usize)?;
                        let data = buf.get(at..end)?;
                        match h {
                            Head::Str(_) if !text_ok(data) => return None,
                            // Timestamps are checked by the general scan.
                            Head::Ext(TIMESTAMP_TYPE, _) => return None,
                            _ => {}
                        }
                        minimal &= is_minimal(h, hlen, data);
                        pos = end;
                    }
                    Head::Array(n) => {
                        minimal &= is_minimal(h, hlen, &[]);
                        pos = at;
                        open!(n, u64::from(n))
                    }
                    Head::Map(n) => {
                        minimal &= is_minimal(h, hlen, &[]);
                        pos = at;
                        open!(n, 2 * u64::from(n))
                    }
                    _ => {
                        minimal &= is_minimal(h, hlen, &[]);
                        pos = at;
                    }
                }
            }
        }
        // An item is complete (a scalar, or an empty container): close every container
        // whose last element it was.
        left -= 1;
        while left == 0 {
            if depth == 0 {
                return Some((pos, minimal));
            }
            depth -= 1;
            left = stack[depth];
        }
    }
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
    /// Whether every header so far was in its smallest form: then the value re-encodes to its
    /// own bytes, and encoding a view over it is a copy.
    pub(crate) minimal: bool,
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
            minimal: true,
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
///
/// The cursor (position, depth, pending count, minimal flag) lives in locals and goes back to
/// `st` only when the scan stops. Inside a container, one-byte items and fixstrs take a fast
/// path with no size check: the size check made when the container opened counted every
/// element still to come as one byte (`pos + pending` is what was checked), and a one-byte
/// item leaves that sum unchanged; a fixstr adds its length, checked here.
pub(crate) fn scan_from(
    buf: &[u8],
    st: &mut ScanState,
    limits: &Limits,
    profile: Profile,
) -> Result<Decoded<usize>, Error> {
    let max_depth = limits.max_depth.min(Limits::HARD_MAX_DEPTH);
    let max_size = limits.max_message_size as u64;
    let strict = profile.is_strict();
    let size_check = |start: usize, at_least: u64| -> Result<(), Error> {
        if at_least > max_size {
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
    let mut pos = st.pos;
    let mut depth = st.depth;
    let mut pending = st.pending;
    let mut minimal = st.minimal;
    // Elements not yet started in the innermost open container (its slot in `st` is stale
    // while the scan runs: written back on stop and when a child opens).
    let mut cur = if depth > 0 { st.open_at(depth - 1) } else { 0 };
    // Saves the cursor into `st` (for need-more and errors alike: the stream resumes from it).
    macro_rules! stop {
        ($ret:expr) => {{
            st.pos = pos;
            st.depth = depth;
            st.pending = pending;
            st.minimal = minimal;
            if depth > 0 {
                *st.open_mut(depth - 1) = cur;
            }
            return $ret;
        }};
    }
    loop {
        let start = pos;
        // Elements still to come after this one: each takes at least one byte.
        let after = pending - u64::from(depth > 0);
        let fast = if depth > 0 {
            // (header length, str length) of a fixstr or str 8 whose length byte is here.
            let short_str = match buf.get(start) {
                Some(0x00..=0x7f | 0xc0 | 0xc2 | 0xc3 | 0xe0..=0xff) => None,
                Some(&m @ 0xa0..=0xbf) => Some((1, usize::from(m & 0x1f))),
                Some(0xd9) => match buf.get(start + 1) {
                    Some(&n) => {
                        // str 8 is the smallest form from 32 bytes on.
                        minimal &= n >= 32;
                        Some((2, usize::from(n)))
                    }
                    // The length byte is not here yet: the general path waits for it.
                    None => Some((0, 0)),
                },
                // Anything else (or the end of the input): the general path.
                _ => Some((0, 0)),
            };
            match short_str {
                None => Some(start + 1),
                Some((hlen @ 1.., len)) => {
                    let end = start + hlen + len;
                    match buf.get(start + hlen..end) {
                        Some(data) => {
                            if let Err(e) = size_check(start, end as u64 + after) {
                                stop!(Err(e))
                            }
                            if strict && !ascii(data) && utf8(data).is_none() {
                                stop!(Err(Error::InvalidUtf8 { offset: start }))
                            }
                            Some(end)
                        }
                        None => None,
                    }
                }
                Some(_) => None,
            }
        } else {
            None
        };
        let mut push = 0u64;
        let end = match fast {
            Some(end) => end,
            None => {
                let (h, hlen) = match head(buf, start) {
                    Ok(x) => x,
                    Err(missing) => {
                        if let Err(e) = size_check(start, (buf.len() + missing) as u64 + after) {
                            stop!(Err(e))
                        }
                        stop!(Ok(need_more(missing as u64, after)))
                    }
                };
                match h {
                    Head::Reserved => stop!(Err(Error::ReservedByte { offset: start })),
                    Head::Str(len) | Head::Bin(len) | Head::Ext(_, len) => {
                        let end = (start + hlen) as u64 + u64::from(len);
                        if let Err(e) = size_check(start, end + after) {
                            stop!(Err(e))
                        }
                        // `end` is at most max_message_size here, so it fits a usize.
                        let end = end as usize;
                        if end > buf.len() {
                            stop!(Ok(need_more((end - buf.len()) as u64, after)))
                        }
                        let data = &buf[start + hlen..end];
                        minimal &= is_minimal(h, hlen, data);
                        if strict {
                            match h {
                                Head::Str(_) if !ascii(data) && utf8(data).is_none() => {
                                    stop!(Err(Error::InvalidUtf8 { offset: start }))
                                }
                                Head::Ext(TIMESTAMP_TYPE, _) => {
                                    if let Some(reason) = timestamp_problem(data) {
                                        stop!(Err(Error::InvalidTimestamp {
                                            offset: start,
                                            reason,
                                        }))
                                    }
                                }
                                _ => {}
                            }
                        }
                        end
                    }
                    Head::Array(n) | Head::Map(n) => {
                        if n > limits.max_elements {
                            stop!(Err(Error::ElementLimit {
                                offset: start,
                                declared: n,
                                limit: limits.max_elements,
                            }))
                        }
                        push = if matches!(h, Head::Map(_)) {
                            2 * u64::from(n)
                        } else {
                            u64::from(n)
                        };
                        if let Err(e) = size_check(start, (start + hlen) as u64 + push + after) {
                            stop!(Err(e))
                        }
                        if depth >= max_depth {
                            stop!(Err(Error::DepthLimit {
                                offset: start,
                                limit: max_depth,
                            }))
                        }
                        minimal &= is_minimal(h, hlen, &[]);
                        start + hlen
                    }
                    _ => {
                        if let Err(e) = size_check(start, (start + hlen) as u64 + after) {
                            stop!(Err(e))
                        }
                        minimal &= is_minimal(h, hlen, &[]);
                        start + hlen
                    }
                }
            }
        };
        // The item's header (and payload) are here: commit it.
        if depth > 0 {
            cur -= 1;
            pending -= 1;
        }
        pos = end;
        if push > 0 {
            if depth > 0 {
                *st.open_mut(depth - 1) = cur;
            }
            cur = push;
            depth += 1;
            pending += push;
            continue;
        }
        // One item is complete: close every container whose last element it was.
        while depth > 0 && cur == 0 {
            depth -= 1;
            if depth > 0 {
                cur = st.open_at(depth - 1);
            }
        }
        if depth == 0 {
            stop!(Ok(Decoded::Complete {
                value: end,
                used: end,
            }))
        }
    }
}

/// Where the value at `buf[pos..]` ends, for bytes already validated by [`scan`]. `None` only
/// if the bytes were not validated (never for views built by this module). Reads lengths
/// only: no value is built and no payload looked at.
///
/// Sound on any bytes all the same (no panic, no overflow, linear time): every step moves
/// `pos` forward by at least one byte and stops at the end of `buf`, and `pending` (elements
/// still to come, each at least one byte) is refused as soon as it exceeds the bytes left, so
/// it stays below `buf.len() + 2^33`.
pub(crate) fn skip(buf: &[u8], mut pos: usize) -> Option<usize> {
    let mut pending: u64 = 1;
    while pending > 0 {
        let marker = *buf.get(pos)?;
        pending -= 1;
        // `pos < buf.len()` here, so the fixed-form additions below cannot overflow.
        let open = match marker {
            0x00..=0x7f | 0xc0 | 0xc2 | 0xc3 | 0xe0..=0xff => {
                pos += 1;
                continue;
            }
            0xa0..=0xbf => {
                pos += 1 + usize::from(marker & 0x1f);
                continue;
            }
            // str 8, bin 8: one length byte.
            0xc4 | 0xd9 => {
                pos += 2 + usize::from(*buf.get(pos + 1)?);
                continue;
            }
            0x80..=0x8f => {
                pos += 1;
                2 * u64::from(marker & 0x0f)
            }
            0x90..=0x9f => {
                pos += 1;
                u64::from(marker & 0x0f)
            }
            _ => {
                let (h, hlen) = head(buf, pos).ok()?;
                pos += hlen;
                match h {
                    Head::Str(len) | Head::Bin(len) | Head::Ext(_, len) => {
                        pos = pos.checked_add(len as usize)?;
                        continue;
                    }
                    Head::Array(n) => u64::from(n),
                    Head::Map(n) => 2 * u64::from(n),
                    Head::Reserved => return None,
                    _ => continue,
                }
            }
        };
        // A container header was read whole, so `pos <= buf.len()`.
        pending += open;
        if pending > (buf.len() - pos) as u64 {
            return None;
        }
    }
    (pos <= buf.len()).then_some(pos)
}
