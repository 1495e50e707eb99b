//! The JSON scanner: one forward pass over UTF-8-validated text that checks the RFC 8259
//! grammar, enforces the depth limit where a bracket opens, and hands back the exact text of
//! each value it steps over (the caller keeps `params`, `result` and `data` as those slices).
//!
//! It replaces serde_json on the decode path (which needed a depth pre-scan, then a parse into
//! `RawValue` slots, then a second parse of every batch item). serde_json stays the oracle: the
//! `jsonrpc_differential` fuzz target compares every verdict with `serde_json::Value`'s.
//!
//! Nesting is tracked with an explicit stack of bits (one word for the first 64 levels), never
//! with recursion, so a deep input costs neither stack nor more than linear time.
//!
//! Strings end where a bitmask says: the scanner keeps a string index of two 64-byte blocks,
//! one bit per byte that is a quote, a backslash or a control character, built without a branch
//! on the bytes (SSE2 compares through `safe_arch` on x86-64, exact word arithmetic elsewhere)
//! and moved one block on as strings further in the text ask for it. A string's end is then a
//! trailing-zeros count, not a loop over 16-byte pieces whose exit the CPU has to guess once per
//! string. Every bit is exact, so errors keep their offsets, and the index is built only where
//! strings are read (a text without strings builds none).

use super::error::Error;

/// RFC 8259 §2: "Insignificant whitespace is allowed before or after any of the six
/// structural characters": space, horizontal tab, line feed, carriage return.
#[inline(always)]
pub(crate) fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// The byte at `pos`, 0 past the end (a byte no token starts with).
#[inline(always)]
fn byte(b: &[u8], pos: usize) -> u8 {
    b.get(pos).copied().unwrap_or(0)
}

/// The first offset from `pos` that is not whitespace.
#[inline(always)]
fn ws_from(b: &[u8], mut pos: usize) -> usize {
    while b.get(pos).is_some_and(|&c| is_ws(c)) {
        pos += 1;
    }
    pos
}

/// The string bitmasks from 64-bit words (SWAR): the build on targets without SSE2, and
/// checked against the SSE2 one by the tests on x86-64.
#[cfg_attr(all(target_arch = "x86_64", not(test)), allow(dead_code))]
mod words {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGHS: u64 = 0x8080_8080_8080_8080;
    const LOW7: u64 = 0x7f7f_7f7f_7f7f_7f7f;

    /// The high bit of each byte of `v` (eight bytes of a string, little-endian) that a string
    /// cannot hold as is: `"`, `\\` or a control character (RFC 8259 §7), exact for every byte
    /// (no borrow crosses a byte: the sums stay below 0x100). With `x = byte ^ 0x02` the quote
    /// (0x22) becomes 0x20 and the controls stay below 0x20, so "control or quote" is `x < 0x21`:
    /// the low seven bits plus 0x5f do not reach the high bit, and the high bit of `x` is clear.
    /// The backslash is `byte ^ b'\\' == 0`.
    #[inline(always)]
    fn special(v: u64) -> u64 {
        let x = v ^ (ONES * 0x02);
        let quote_or_control = !(((x & LOW7) + ONES * (0x80 - 0x21)) | x);
        let y = v ^ (ONES * u64::from(b'\\'));
        let backslash = !(((y & LOW7) + LOW7) | y);
        (quote_or_control | backslash) & HIGHS
    }

    /// The high bits of the eight bytes of `m` as eight bits, byte `j` at bit `j`: each
    /// `1 << 8j` times `1 << (56 - 7j)` lands on bit `56 + j`, every other product below bit 56
    /// or past bit 63, and no two on the same bit (so no carries).
    #[inline(always)]
    fn movemask(m: u64) -> u64 {
        ((m >> 7).wrapping_mul(0x0102_0408_1020_4080)) >> 56
    }

    /// [`mask16`](super::mask16) from two words ([`special`], [`movemask`]).
    #[inline(always)]
    pub(super) fn mask16_words(block: &[u8; 16]) -> u64 {
        let (lo, hi) = block.split_at(8);
        let lo = special(u64::from_le_bytes(lo.try_into().expect("eight")));
        let hi = special(u64::from_le_bytes(hi.try_into().expect("eight")));
        movemask(lo) | movemask(hi) << 8
    }
}

#[cfg(not(target_arch = "x86_64"))]
use words::mask16_words as mask16;

/// One bit per byte of `block` (bit `k` for byte `k`) that a string cannot hold as is: SSE2's
/// byte compares and `pmovmskb` (every x86-64 has them), through `safe_arch`'s safe wrappers.
#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn mask16(block: &[u8; 16]) -> u64 {
    use safe_arch::{
        bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, min_u8_m128i, move_mask_i8_m128i,
        set_splat_i8_m128i,
    };
    let v = load_unaligned_m128i(block);
    let quote = cmp_eq_mask_i8_m128i(v, set_splat_i8_m128i(b'"' as i8));
    let backslash = cmp_eq_mask_i8_m128i(v, set_splat_i8_m128i(b'\\' as i8));
    // A control character: `min(byte, 0x1f) == byte`.
    let control = cmp_eq_mask_i8_m128i(min_u8_m128i(v, set_splat_i8_m128i(0x1f)), v);
    let any = bitor_m128i(bitor_m128i(quote, backslash), control);
    u64::from(move_mask_i8_m128i(any) as u16)
}

/// One bit per byte of the 64 bytes at `at` (bit `k` for byte `at + k`) that a string
/// cannot hold as is; bytes past the text count as ordinary. Built without a branch on the
/// bytes.
#[inline(always)]
fn block_mask(b: &[u8], at: usize) -> u64 {
    match b.get(at..).and_then(|rest| rest.first_chunk::<64>()) {
        Some(block) => block_bits(block),
        None => tail_mask(b, at),
    }
}

/// [`block_mask`] of a whole block.
#[inline(always)]
fn block_bits(block: &[u8; 64]) -> u64 {
    let (q, _) = block.as_chunks::<16>();
    mask16(&q[0]) | mask16(&q[1]) << 16 | mask16(&q[2]) << 32 | mask16(&q[3]) << 48
}

/// [`block_mask`] for the last, short block of the text, or past it: a text of 64 bytes or
/// more takes its last 64 bytes and moves their bits down (no copy); a shorter one is copied
/// into spaces.
#[cold]
#[inline(never)]
fn tail_mask(b: &[u8], at: usize) -> u64 {
    if at >= b.len() {
        return 0;
    }
    if let Some(last) = b.last_chunk::<64>() {
        return block_bits(last) >> (at + 64 - b.len());
    }
    let mut block = [b' '; 64];
    block[..b.len() - at].copy_from_slice(&b[at..]);
    block_bits(&block)
}

/// Which containers are open: one bit per level (set for an object), the first 64 levels in
/// one word (every real message), deeper ones in a vector (only when `max_depth` allows more
/// than 64: the data forces it then).
struct Levels {
    first: u64,
    spill: Vec<u64>,
}

impl Levels {
    fn new() -> Self {
        Levels {
            first: 0,
            spill: Vec::new(),
        }
    }

    #[inline(always)]
    fn word(&mut self, level: usize) -> &mut u64 {
        if level < 64 {
            &mut self.first
        } else {
            let w = level / 64 - 1;
            if self.spill.len() <= w {
                self.spill.resize(w + 1, 0);
            }
            &mut self.spill[w]
        }
    }

    #[inline(always)]
    fn set(&mut self, level: usize, object: bool) {
        let bit = 1u64 << (level % 64);
        let word = self.word(level);
        if object {
            *word |= bit;
        } else {
            *word &= !bit;
        }
    }

    #[inline(always)]
    fn is_object(&mut self, level: usize) -> bool {
        let bit = 1u64 << (level % 64);
        *self.word(level) & bit != 0
    }
}

/// A scan stopped at an error, recorded in the [`Scanner`] (kept out of the hot paths'
/// return values so that they fit in registers); [`Scanner::fail`] turns it into an [`Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stop;

/// A cursor over one JSON text.
pub(crate) struct Scanner<'a> {
    /// The whole text (already UTF-8).
    pub(crate) text: &'a str,
    bytes: &'a [u8],
    /// Next byte to look at.
    pub(crate) pos: usize,
    /// Containers open around `pos` (the message object counts as 1).
    pub(crate) depth: usize,
    max_depth: usize,
    /// Where the scan stopped and why (`None`: the depth limit).
    stopped: (usize, Option<&'static str>),
    /// The string index: the offset of a 64-byte block (a multiple of 64) and, for it and the
    /// next one, one bit per byte that ends a run of string text ([`block_mask`]). Built
    /// lazily, block by block, as strings are stepped over, so a string's end is a
    /// trailing-zeros count instead of a loop over its bytes.
    base: usize,
    bits: u128,
}

impl<'a> Scanner<'a> {
    pub(crate) fn new(text: &'a str, max_depth: usize) -> Self {
        Scanner {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            depth: 0,
            max_depth,
            stopped: (0, Some("no error")),
            // Far from any offset (texts are shorter than `isize::MAX`): the first string
            // builds the index where it starts.
            base: usize::MAX / 2,
            bits: 0,
        }
    }

    #[inline(always)]
    pub(crate) fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    #[inline(always)]
    pub(crate) fn ws(&mut self) {
        while let Some(&b) = self.bytes.get(self.pos) {
            if b > b' ' || !is_ws(b) {
                break;
            }
            self.pos += 1;
        }
    }

    /// The next byte that is not whitespace (`pos` moved to it), without taking it. JSON
    /// texts are mostly compact, so the byte at `pos` is checked before any loop.
    #[inline(always)]
    pub(crate) fn next(&mut self) -> Option<u8> {
        match self.bytes.get(self.pos) {
            Some(&b) if b > b' ' => Some(b),
            _ => {
                self.ws();
                self.peek()
            }
        }
    }

    /// The text between two offsets (both at ASCII delimiters).
    #[inline(always)]
    pub(crate) fn slice(&self, start: usize, end: usize) -> &'a str {
        &self.text[start..end]
    }

    /// Records a parse error at `at`.
    #[cold]
    #[inline(never)]
    pub(crate) fn stop(&mut self, at: usize, detail: &'static str) -> Stop {
        self.stopped = (at, Some(detail));
        Stop
    }

    /// The error the scan stopped at: "EOF while parsing" when the text ended there,
    /// "trailing comma" for a closer after a comma.
    #[cold]
    pub(crate) fn fail(&self) -> Error {
        let (at, detail) = self.stopped;
        let Some(detail) = detail else {
            return Error::TooDeep {
                offset: at,
                limit: self.max_depth,
            };
        };
        let after_comma = || {
            self.bytes[..at].iter().rev().find(|b| !is_ws(**b)) == Some(&b',')
                && matches!(self.bytes[at], b']' | b'}')
        };
        let detail = if at >= self.bytes.len() {
            "EOF while parsing a value"
        } else if matches!(detail, "expected value" | "key must be a string") && after_comma() {
            "trailing comma"
        } else {
            detail
        };
        Error::Parse {
            offset: at.min(self.bytes.len()),
            detail: detail.into(),
        }
    }

    /// Steps over `c` (after whitespace), or stops with `what`.
    #[inline(always)]
    pub(crate) fn expect(&mut self, c: u8, what: &'static str) -> Result<(), Stop> {
        if self.next() == Some(c) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.stop(self.pos, what))
        }
    }

    /// Counts the bracket at `pos` as one more level, refused past the limit.
    #[inline(always)]
    pub(crate) fn open(&mut self) -> Result<(), Stop> {
        self.depth += 1;
        if self.depth > self.max_depth {
            self.stopped = (self.pos, None);
            return Err(Stop);
        }
        self.pos += 1;
        Ok(())
    }

    /// Steps over the string whose opening quote is at `pos`; returns whether it holds an
    /// escape. RFC 8259 §7: control characters (U+0000..U+001F) must be escaped, and an escape
    /// is one of `\" \\ \/ \b \f \n \r \t \uXXXX`. A `\u` escape of a lone surrogate is
    /// well-formed (§8.2 leaves its meaning open), as in serde_json's own skipping.
    #[inline(always)]
    pub(crate) fn string(&mut self) -> Result<bool, Stop> {
        let (end, escaped) = self.string_at(self.pos)?;
        self.pos = end;
        Ok(escaped)
    }

    /// [`string`](Self::string) for the string whose opening quote is at `open`: returns
    /// the offset after its closing quote and whether it holds an escape.
    #[inline(always)]
    fn string_at(&mut self, open: usize) -> Result<(usize, bool), Stop> {
        let mut i = open + 1;
        let mut escaped = false;
        loop {
            let mut off = i.wrapping_sub(self.base);
            if off >= 64 {
                self.index(i);
                off = i - self.base;
            }
            // The 64 bytes from `i` (the index holds at least that many): every string of
            // up to 63 bytes ends here without a loop.
            // `off` < 64: the low word of the shift is one double shift (`shrd`).
            let rest = (self.bits >> (off & 63)) as u64;
            if rest == 0 {
                i += 64;
                if i >= self.bytes.len() {
                    let end = self.bytes.len();
                    return Err(self.stop(end, "EOF while parsing a string"));
                }
                continue;
            }
            i += rest.trailing_zeros() as usize;
            match self.bytes.get(i) {
                Some(b'"') => return Ok((i + 1, escaped)),
                Some(b'\\') => {
                    escaped = true;
                    i = self.escape(i)?;
                }
                _ => {
                    return Err(self.stop(
                        i,
                        "control character (\\u0000-\\u001F) found while parsing a string",
                    ))
                }
            }
        }
    }

    /// Moves the string index so that its first block holds `i`: one block further (the
    /// usual step, as the scan moves forward) or rebuilt where `i` is.
    #[inline(never)]
    fn index(&mut self, i: usize) {
        let b = self.bytes;
        if i.wrapping_sub(self.base) < 128 {
            self.base += 64;
            self.bits = (self.bits >> 64) | (u128::from(block_mask(b, self.base + 64)) << 64);
        } else {
            self.base = i & !63;
            self.bits = u128::from(block_mask(b, self.base))
                | (u128::from(block_mask(b, self.base + 64)) << 64);
        }
    }

    /// Checks the escape whose backslash is at `i`; returns the offset after it.
    #[inline(never)]
    fn escape(&mut self, i: usize) -> Result<usize, Stop> {
        let b = self.bytes;
        match b.get(i + 1) {
            Some(b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't') => Ok(i + 2),
            Some(b'u') => {
                for k in i + 2..i + 6 {
                    match b.get(k) {
                        Some(h) if h.is_ascii_hexdigit() => {}
                        _ => return Err(self.stop(k, "invalid escape")),
                    }
                }
                Ok(i + 6)
            }
            _ => Err(self.stop(i + 1, "invalid escape")),
        }
    }

    /// Steps over the number at `pos` ([`number_end`]).
    #[inline(always)]
    fn number(&mut self) -> Result<(), Stop> {
        match number_end(self.bytes, self.pos) {
            Ok(end) => {
                self.pos = end;
                Ok(())
            }
            Err(at) => Err(self.stop(at, "invalid number")),
        }
    }

    /// Steps over one whole value (after optional whitespace), checking it; returns where it
    /// starts. Iterative: nesting costs a bit per level, not a stack frame. The cursor and the
    /// depth stay in locals until the value ends (the scanner's own are set then, and are not
    /// meaningful after an error), and compact text (`,"name":value`) takes no whitespace loop.
    pub(crate) fn value(&mut self) -> Result<usize, Stop> {
        self.ws();
        let start = self.pos;
        // Strings and numbers (ids, methods, versions) without setting up for nesting.
        match self.peek() {
            Some(b'"') => return self.string().map(|_| start),
            Some(b'-' | b'0'..=b'9') => return self.number().map(|()| start),
            _ => {}
        }
        // Open levels inside the value, and how many the depth limit leaves room for (the
        // scanner is at depth `self.depth`, at most the limit).
        let mut level = 0;
        let room = self.max_depth - self.depth;
        let mut pos = start;
        let mut levels = Levels::new();
        // Whether the innermost open container is an object.
        let mut object = false;
        'value: loop {
            let mut c = byte(self.bytes, pos);
            if c <= b' ' {
                pos = ws_from(self.bytes, pos);
                c = byte(self.bytes, pos);
            }
            // Strings first (most values in JSON-RPC results), before the jump table.
            if c == b'"' {
                pos = self.string_at(pos)?.0;
            } else {
                match c {
                    b'-' | b'0'..=b'9' => {
                        pos = number_end(self.bytes, pos)
                            .map_err(|at| self.stop(at, "invalid number"))?;
                    }
                    b'[' | b'{' => {
                        level += 1;
                        if level > room {
                            self.stopped = (pos, None);
                            return Err(Stop);
                        }
                        object = c == b'{';
                        levels.set(level, object);
                        pos += 1;
                        let mut d = byte(self.bytes, pos);
                        if d <= b' ' {
                            pos = ws_from(self.bytes, pos);
                            d = byte(self.bytes, pos);
                        }
                        if d != c + 2 {
                            // Not `[]` or `{}` (`]` and `}` follow their openers by two).
                            if object {
                                pos = self.key_at(pos)?;
                            }
                            continue 'value;
                        }
                        pos += 1;
                        level -= 1;
                        if level > 0 {
                            object = levels.is_object(level);
                        }
                    }
                    b't' => pos = self.literal_at(pos, b"true")?,
                    b'f' => pos = self.literal_at(pos, b"false")?,
                    b'n' => pos = self.literal_at(pos, b"null")?,
                    _ => return Err(self.stop(pos, "expected value")),
                }
            }
            // After a value: a comma and the next one, or closers.
            loop {
                if level == 0 {
                    self.pos = pos;
                    return Ok(start);
                }
                let mut c = byte(self.bytes, pos);
                if c <= b' ' {
                    pos = ws_from(self.bytes, pos);
                    c = byte(self.bytes, pos);
                }
                if c == b',' {
                    pos += 1;
                    if object {
                        pos = self.key_at(pos)?;
                    }
                    continue 'value;
                }
                if c != if object { b'}' } else { b']' } {
                    let what = if object {
                        "expected `,` or `}`"
                    } else {
                        "expected `,` or `]`"
                    };
                    return Err(self.stop(pos, what));
                }
                pos += 1;
                level -= 1;
                if level > 0 {
                    object = levels.is_object(level);
                }
            }
        }
    }

    /// Steps over the member name at `pos` (after whitespace) and its colon; returns the
    /// offset after the colon.
    #[inline(always)]
    fn key_at(&mut self, mut pos: usize) -> Result<usize, Stop> {
        if byte(self.bytes, pos) != b'"' {
            pos = ws_from(self.bytes, pos);
            if byte(self.bytes, pos) != b'"' {
                return Err(self.stop(pos, "key must be a string"));
            }
        }
        pos = self.string_at(pos)?.0;
        if byte(self.bytes, pos) != b':' {
            pos = ws_from(self.bytes, pos);
            if byte(self.bytes, pos) != b':' {
                return Err(self.stop(pos, "expected `:`"));
            }
        }
        Ok(pos + 1)
    }

    /// Steps over the literal `word` at `pos`; returns the offset after it.
    #[inline]
    fn literal_at(&mut self, pos: usize, word: &[u8]) -> Result<usize, Stop> {
        let end = pos + word.len();
        if self.bytes.get(pos..end) == Some(word) {
            return Ok(end);
        }
        // Where it stops matching (serde_json's offset for the same error).
        let same = word
            .iter()
            .zip(&self.bytes[pos..])
            .take_while(|(a, b)| a == b)
            .count();
        Err(self.stop(pos + same, "expected ident"))
    }

    /// Whitespace to the end of the text, or a parse error.
    pub(crate) fn end(&mut self) -> Result<(), Stop> {
        self.ws();
        if self.pos < self.bytes.len() {
            return Err(self.stop(self.pos, "trailing characters"));
        }
        Ok(())
    }
}

/// Where the number at `i` ends (RFC 8259 §6, `[ minus ] int [ frac ] [ exp ]`,
/// `int = zero / ( digit1-9 *DIGIT )`), or the offset where it stops being one. A function
/// of the bytes alone, out of line: the scan loop that calls it keeps the scanner's fields
/// in registers across the call.
#[inline(never)]
fn number_end(b: &[u8], mut i: usize) -> Result<usize, usize> {
    if b.get(i) == Some(&b'-') {
        i += 1;
    }
    match b.get(i) {
        Some(b'0') => i += 1,
        Some(b'1'..=b'9') => {
            i += 1;
            while b.get(i).is_some_and(u8::is_ascii_digit) {
                i += 1;
            }
        }
        _ => return Err(i),
    }
    if b.get(i) == Some(&b'.') {
        i += 1;
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            return Err(i);
        }
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    if matches!(b.get(i), Some(b'e' | b'E')) {
        i += 1;
        if matches!(b.get(i), Some(b'+' | b'-')) {
            i += 1;
        }
        if !b.get(i).is_some_and(u8::is_ascii_digit) {
            return Err(i);
        }
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    Ok(i)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, max_depth: usize) -> Result<usize, Error> {
        let mut s = Scanner::new(text, max_depth);
        s.value().and_then(|_| s.end()).map_err(|Stop| s.fail())?;
        Ok(s.pos)
    }

    fn string(text: &str) -> Result<(bool, usize), Error> {
        let mut s = Scanner::new(text, 1);
        let escaped = s.string().map_err(|Stop| s.fail())?;
        Ok((escaped, s.pos))
    }

    /// The reference: the grammar byte by byte, recursively, with no index and no fast path
    /// (the scanner's own errors, recorded through the same `stop`, so offsets and details
    /// compare exactly).
    mod reference {
        use super::*;

        pub(super) fn check(text: &str, max_depth: usize) -> Result<usize, Error> {
            let mut s = Scanner::new(text, max_depth);
            value(&mut s)
                .and_then(|()| s.end())
                .map_err(|Stop| s.fail())?;
            Ok(s.pos)
        }

        pub(super) fn string(s: &mut Scanner<'_>) -> Result<bool, Stop> {
            let mut i = s.pos + 1;
            let mut escaped = false;
            loop {
                match s.bytes.get(i) {
                    None => {
                        let end = s.bytes.len();
                        return Err(s.stop(end, "EOF while parsing a string"));
                    }
                    Some(b'"') => {
                        s.pos = i + 1;
                        return Ok(escaped);
                    }
                    Some(b'\\') => {
                        escaped = true;
                        i = s.escape(i)?;
                    }
                    Some(&c) if c < 0x20 => {
                        return Err(s.stop(
                            i,
                            "control character (\\u0000-\\u001F) found while parsing a string",
                        ))
                    }
                    Some(_) => i += 1,
                }
            }
        }

        fn value(s: &mut Scanner<'_>) -> Result<(), Stop> {
            s.ws();
            match s.peek() {
                Some(b'"') => string(s).map(|_| ()),
                Some(b'-' | b'0'..=b'9') => s.number(),
                Some(b't') => literal(s, b"true"),
                Some(b'f') => literal(s, b"false"),
                Some(b'n') => literal(s, b"null"),
                Some(b'[') => {
                    s.open()?;
                    s.ws();
                    if s.peek() == Some(b']') {
                        s.pos += 1;
                        s.depth -= 1;
                        return Ok(());
                    }
                    loop {
                        value(s)?;
                        s.ws();
                        match s.peek() {
                            Some(b',') => s.pos += 1,
                            Some(b']') => {
                                s.pos += 1;
                                s.depth -= 1;
                                return Ok(());
                            }
                            _ => return Err(s.stop(s.pos, "expected `,` or `]`")),
                        }
                    }
                }
                Some(b'{') => {
                    s.open()?;
                    s.ws();
                    if s.peek() == Some(b'}') {
                        s.pos += 1;
                        s.depth -= 1;
                        return Ok(());
                    }
                    loop {
                        s.ws();
                        if s.peek() != Some(b'"') {
                            return Err(s.stop(s.pos, "key must be a string"));
                        }
                        string(s)?;
                        s.ws();
                        if s.peek() != Some(b':') {
                            return Err(s.stop(s.pos, "expected `:`"));
                        }
                        s.pos += 1;
                        value(s)?;
                        s.ws();
                        match s.peek() {
                            Some(b',') => s.pos += 1,
                            Some(b'}') => {
                                s.pos += 1;
                                s.depth -= 1;
                                return Ok(());
                            }
                            _ => return Err(s.stop(s.pos, "expected `,` or `}`")),
                        }
                    }
                }
                _ => Err(s.stop(s.pos, "expected value")),
            }
        }

        fn literal(s: &mut Scanner<'_>, word: &[u8]) -> Result<(), Stop> {
            s.pos = s.literal_at(s.pos, word)?;
            Ok(())
        }
    }

    /// Texts made of JSON's pieces, well-formed or not: brackets, separators, strings long and
    /// short with escapes and control characters, numbers, literals, whitespace.
    fn jsonish() -> impl proptest::strategy::Strategy<Value = String> {
        use proptest::prelude::*;
        let piece = prop_oneof![
            4 => prop::sample::select(vec![
                "{", "}", "[", "]", ":", ",", "\"", "\\", "\\\"", "\\n", "\\u00e9", "\\u12",
                "\\x", " ", "\n", "\t", "\u{1}", "\u{1f}", "1", "-0.5e+3", "01", "1.", "true",
                "fals", "null", "é", "\"a\":", "{\"k\":", "\"x\",", "[[", "]]",
            ])
            .prop_map(String::from),
            1 => "[a-z0-9]{0,150}",
        ];
        prop::collection::vec(piece, 0..40).prop_map(|v| v.concat())
    }

    proptest::proptest! {
        #[test]
        fn the_scanner_agrees_with_the_byte_by_byte_reference(
            text in jsonish(),
            lead in "[ a\"]{0,70}",
            max_depth in 1usize..80,
        ) {
            // As it is, and after a lead that moves the text across the index's blocks.
            for text in [text.clone(), format!("{lead}{text}"), format!("[{text}]")] {
                proptest::prop_assert_eq!(
                    check(&text, max_depth),
                    reference::check(&text, max_depth),
                    "{:?}", text
                );
            }
        }

        #[test]
        fn strings_end_where_the_byte_by_byte_reference_ends_them(
            body in proptest::collection::vec(
                proptest::prop_oneof![
                    8 => proptest::prelude::Just(b'a'),
                    1 => proptest::prelude::Just(b'"'),
                    1 => proptest::prelude::Just(b'\\'),
                    1 => proptest::prelude::Just(b'n'),
                    1 => 0u8..0x20,
                ],
                0..300,
            ),
            lead in 0usize..140,
        ) {
            let text = format!("{}\"{}", " ".repeat(lead), String::from_utf8(body).unwrap());
            let mut ours = Scanner::new(&text, 1);
            ours.pos = lead;
            let mut theirs = Scanner::new(&text, 1);
            theirs.pos = lead;
            let (a, b) = (ours.string(), reference::string(&mut theirs));
            proptest::prop_assert_eq!(a, b);
            if a.is_ok() {
                proptest::prop_assert_eq!(ours.pos, theirs.pos);
            } else {
                proptest::prop_assert_eq!(ours.fail(), theirs.fail());
            }
        }
    }

    #[test]
    fn deep_and_wide_texts_agree_with_the_reference() {
        // Nesting on both sides of the 64 levels kept in one word, every kind of closer,
        // with and without whitespace, strings across blocks.
        let long = "y".repeat(100);
        for n in [1, 2, 62, 63, 64, 65, 66, 130] {
            for body in [
                format!("{{\"a\":[1,\"{long}\",{{}}],\"b\":null}}"),
                format!("{{ \"a\" : [ 1 , \"{long}\" ] }}"),
                "[1,]".to_string(),
                "{\"a\":1]".to_string(),
                "\"\\q\"".to_string(),
            ] {
                let text = format!("{}{body}{}", "[".repeat(n), "]".repeat(n));
                for max_depth in [n, n + 1, n + 2, 200] {
                    assert_eq!(
                        check(&text, max_depth),
                        reference::check(&text, max_depth),
                        "{n} {body}"
                    );
                }
                let text = format!("{}{body}{}", "{\"k\":".repeat(n), "}".repeat(n));
                assert_eq!(
                    check(&text, 300),
                    reference::check(&text, 300),
                    "{n} {body}"
                );
            }
        }
    }

    #[test]
    fn agrees_with_serde_json_on_well_formedness() {
        let cases = [
            "1",
            "-0",
            "-0.5e+10",
            "01",
            "1.",
            "1.e3",
            "-",
            "1e",
            "1E-",
            ".5",
            "\"a\"",
            "\"\\u12\"",
            "\"\\uD800\"",
            "\"\\x\"",
            "\"\u{1}\"",
            "\"\u{7f}é😀\"",
            "[]",
            "{}",
            "[1,]",
            "[,1]",
            "{\"a\":1,}",
            "{\"a\" 1}",
            "{1:1}",
            "[1 2]",
            "[[[]]]",
            "[{\"a\":[{}]}]",
            "{\"a\":[1,{\"b\":null}],\"c\":true}",
            "[1]]",
            "[1}",
            "{\"a\":1]",
            " [ 1 , 2 ] ",
            "tru",
            "true1",
            "nul",
            "[true,false,null]",
            "\"abcdefghijklmnopqrstuvwxyz\\\"\"",
            "\"abcdefghijklmnop\u{1f}q\"",
            "[\"12345678\",\"123456789\"]",
            "",
        ];
        // Containers on both sides of the 64th level (where the open levels leave the word
        // kept inline), closed by the right and the wrong bracket.
        let around_64: Vec<String> = [63, 64, 65]
            .into_iter()
            .flat_map(|n| {
                let (open, close) = ("[".repeat(n), "]".repeat(n));
                [
                    format!("{open}{{\"a\":[1]}}{close}"),
                    format!("{open}{{\"a\":[1]]{close}"),
                    format!("{open}[{{}}}}{close}"),
                ]
            })
            .collect();
        for text in cases
            .into_iter()
            .chain(around_64.iter().map(String::as_str))
        {
            let ours = check(text, 128).is_ok();
            let theirs = serde_json::from_str::<serde::de::IgnoredAny>(text).is_ok();
            assert_eq!(ours, theirs, "{text:?}");
        }
    }

    #[test]
    fn the_string_index_flags_exactly_quotes_backslashes_and_controls() {
        let flagged = |c: u8| c == b'"' || c == b'\\' || c < 0x20;
        // Every byte value at every position of a block, beside every other in the next
        // position (a flag must not leak into its neighbour).
        for c in 0..=255u8 {
            for d in [
                0u8, 0x1f, b' ', b'!', b'"', b'#', b'[', b'\\', b']', 0x7f, 0x80, 0xff,
            ] {
                for at in 0..63 {
                    let mut block = [b'a'; 70];
                    block[at] = c;
                    block[at + 1] = d;
                    let want = (0..64).fold(0u64, |m, k| m | u64::from(flagged(block[k])) << k);
                    assert_eq!(block_mask(&block, 0), want, "{c:#x} {d:#x} at {at}");
                    let words = (0..4).fold(0u64, |m, q| {
                        let quarter = block[16 * q..][..16].try_into().unwrap();
                        m | words::mask16_words(quarter) << (16 * q)
                    });
                    assert_eq!(words, want, "words: {c:#x} {d:#x} at {at}");
                }
            }
        }
        // The short last block and past the end, shorter and longer than 16 bytes.
        for len in 0..80 {
            let text: Vec<u8> = (0..len)
                .map(|k| if k % 7 == 3 { b'"' } else { b'a' })
                .collect();
            for at in 0..len + 2 {
                let want =
                    (at..len.min(at + 64)).fold(0u64, |m, k| m | u64::from(k % 7 == 3) << (k - at));
                assert_eq!(block_mask(&text, at), want, "{len} {at}");
            }
        }
        assert_eq!(block_mask(b"ab\\\"c", 0), 0b1100);
        assert_eq!(block_mask(b"ab\\\"c", 2), 0b11);
        assert_eq!(block_mask(b"ab\\\"c", 9), 0);
    }

    #[test]
    fn strings_end_across_index_blocks() {
        // Strings of every length from every start, with text before them (the index moves
        // forward, or is rebuilt where a string starts), escapes on block edges.
        for lead in [0, 1, 60, 63, 64, 65, 127, 128, 130] {
            for len in [0, 1, 62, 63, 64, 65, 127, 128, 129, 200] {
                let body = "x".repeat(len);
                let text = format!("{}\"{body}\" ", " ".repeat(lead));
                let mut s = Scanner::new(&text, 1);
                s.pos = lead;
                assert_eq!(s.string(), Ok(false), "{lead} {len}");
                assert_eq!(s.pos, lead + len + 2);
                let text = format!("{}\"{body}\\\"{body}\"", " ".repeat(lead));
                let mut s = Scanner::new(&text, 1);
                s.pos = lead;
                assert_eq!(s.string(), Ok(true), "{lead} {len}");
                assert_eq!(s.pos, text.len());
                let text = format!("{}\"{body}", " ".repeat(lead));
                let mut s = Scanner::new(&text, 1);
                s.pos = lead;
                assert_eq!(s.string(), Err(Stop));
                assert_eq!(s.stopped.0, text.len());
            }
        }
        // Several strings in one text, read in order and then again from the start.
        let text = format!("[{}]", vec!["\"0123456789abcdef0123456789\""; 20].join(","));
        assert!(check(&text, 2).is_ok());
        let mut s = Scanner::new(&text, 2);
        s.value().unwrap();
        s.pos = 1;
        assert_eq!(s.string(), Ok(false));
        assert_eq!(s.pos, 29);
    }

    #[test]
    fn depth_is_counted_where_a_bracket_opens() {
        assert!(check("[[\"[[[[\"]]", 2).is_ok());
        assert_eq!(
            check("[[[1]]]", 2),
            Err(Error::TooDeep {
                offset: 2,
                limit: 2
            })
        );
        let deep = "[".repeat(100_000);
        assert!(matches!(
            check(&deep, 128),
            Err(Error::TooDeep { offset: 128, .. })
        ));
        // Past the levels kept in one word (64) when the limit allows it.
        let deep = format!("{}1{}", "[{\"a\":".repeat(300), "}]".repeat(300));
        assert!(check(&deep, 600).is_ok());
        assert!(check(&deep, 599).is_err());
    }

    #[test]
    fn strings_report_escapes_and_errors_with_offsets() {
        assert_eq!(string("\"ab\\ncd\" "), Ok((true, 8)));
        assert_eq!(string("\"abcdefghijk\""), Ok((false, 13)));
        // Texts of 16 bytes and more take the block loop: the closing quote first or last in
        // a block, an escaped quote inside one (not the end), a control character.
        assert_eq!(string("\"\"abcdefghijklmnopq"), Ok((false, 2)));
        assert_eq!(string("\"abcdefghijklmno\"xyz"), Ok((false, 17)));
        assert_eq!(string("\"ab\\\"cdefghijklmnop\" "), Ok((true, 20)));
        assert!(matches!(
            string("\"abc\u{1}defghijklmnopq\""),
            Err(Error::Parse { offset: 4, .. })
        ));
        assert!(matches!(
            string("\"abcdefgh\u{0}"),
            Err(Error::Parse { offset: 9, .. })
        ));
        assert!(matches!(
            string("\"abc"),
            Err(Error::Parse { offset: 4, .. })
        ));
        assert!(matches!(
            check("[1,]", 2),
            Err(Error::Parse { offset: 3, detail }) if detail == "trailing comma"
        ));
    }
}
