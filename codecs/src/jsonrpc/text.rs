//! JSON text helpers: string escaping (exact length known up front), unquoting that borrows
//! when it can, and finding where a value ends in a stream.

use std::borrow::Cow;

/// Writes `n` in decimal without allocating.
pub(crate) fn write_int(dst: &mut impl bytes::BufMut, n: i64) {
    if n < 0 {
        dst.put_u8(b'-');
    }
    write_uint(dst, n.unsigned_abs());
}

/// Writes `n` in decimal without allocating.
pub(crate) fn write_uint(dst: &mut impl bytes::BufMut, mut n: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    loop {
        at -= 1;
        digits[at] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    dst.put_slice(&digits[at..]);
}

/// Bytes `write_str` will write for `s`, quotes included.
pub(crate) fn str_len(s: &str) -> usize {
    2 + s
        .bytes()
        .map(|b| match b {
            b'"' | b'\\' | b'\n' | b'\r' | b'\t' | 0x08 | 0x0c => 2,
            0..=0x1f => 6,
            _ => 1,
        })
        .sum::<usize>()
}

/// Writes `s` as a JSON string: RFC 8259 §7 requires escaping `"`, `\` and U+0000..U+001F;
/// everything else is written as is (the short forms match serde_json and `JSON.stringify`).
pub(crate) fn write_str(dst: &mut impl bytes::BufMut, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    dst.put_u8(b'"');
    let bytes = s.as_bytes();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        let short: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\r' => b"\\r",
            b'\t' => b"\\t",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0..=0x1f => b"",
            _ => continue,
        };
        dst.put_slice(&bytes[start..i]);
        if short.is_empty() {
            dst.put_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[(b >> 4) as usize],
                HEX[(b & 15) as usize],
            ]);
        } else {
            dst.put_slice(short);
        }
        start = i + 1;
    }
    dst.put_slice(&bytes[start..]);
    dst.put_u8(b'"');
}

/// The value of a validated JSON string literal (`raw` includes the quotes): borrowed when it
/// has no escapes, else unescaped into a new `String`.
pub(crate) fn unquote(raw: &str) -> Cow<'_, str> {
    let inner = &raw[1..raw.len() - 1];
    if !inner.contains('\\') {
        return Cow::Borrowed(inner);
    }
    // Escapes: let serde_json resolve them (the literal was validated when it was read; a
    // lone surrogate escape, which serde_json refuses to turn into a `String`, becomes U+FFFD).
    match serde_json::from_str::<String>(raw) {
        Ok(s) => Cow::Owned(s),
        Err(_) => Cow::Owned(lossy_unescape(inner)),
    }
}

/// Unescapes a JSON string body, replacing escapes of unpaired surrogates with U+FFFD.
fn lossy_unescape(inner: &str) -> String {
    let mut out = String::with_capacity(inner.len());
    let mut units: Vec<u16> = Vec::new();
    let mut chars = inner.chars();
    let flush = |units: &mut Vec<u16>, out: &mut String| {
        out.extend(char::decode_utf16(units.drain(..)).map(|r| r.unwrap_or('\u{fffd}')));
    };
    while let Some(c) = chars.next() {
        if c != '\\' {
            flush(&mut units, &mut out);
            out.push(c);
            continue;
        }
        let e = chars.next().unwrap_or('\\');
        if e == 'u' {
            let hex: String = chars.by_ref().take(4).collect();
            units.push(u16::from_str_radix(&hex, 16).unwrap_or(0xfffd));
            continue;
        }
        flush(&mut units, &mut out);
        out.push(match e {
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'b' => '\u{8}',
            'f' => '\u{c}',
            other => other,
        });
    }
    flush(&mut units, &mut out);
    out
}

/// Where the first JSON value of `buf` ends (after leading whitespace), found without parsing
/// it: the byte after its closing bracket or quote, or after a scalar's last byte when a
/// delimiter follows. `None` when `buf` ends first (more bytes may complete it). A value
/// that is not JSON ends somewhere too; the parser then reports it.
pub(crate) fn value_end(buf: &[u8]) -> Option<usize> {
    let start = buf.iter().position(|b| !is_ws(*b))?;
    let mut depth = 0usize;
    let mut i = start;
    loop {
        let b = *buf.get(i)?;
        match b {
            b'"' => {
                i += 1;
                loop {
                    let k = memchr::memchr2(b'"', b'\\', buf.get(i..)?)?;
                    i += k;
                    if buf[i] == b'"' {
                        break;
                    }
                    i += 2;
                }
                i += 1;
            }
            b'[' | b'{' => {
                depth += 1;
                i += 1;
            }
            b']' | b'}' => {
                depth = depth.saturating_sub(1);
                i += 1;
            }
            _ if depth == 0 => {
                // A scalar at the top level: up to the next delimiter.
                let len = buf[i..].iter().position(|&c| {
                    is_ws(c) || matches!(c, b'[' | b'{' | b'"' | b']' | b'}' | b',')
                })?;
                return Some(i + len.max(1));
            }
            _ => i += 1,
        }
        if depth == 0 {
            return Some(i);
        }
    }
}

/// JSON whitespace (RFC 8259 §2).
pub(crate) fn is_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_matches_serde_json_and_length_is_exact() {
        for s in [
            "",
            "plain",
            "q\"b\\",
            "\n\r\t\u{8}\u{c}",
            "\u{1}\u{1f}",
            "é✓😀",
            "\u{7f}",
        ] {
            let mut out = Vec::new();
            write_str(&mut out, s);
            assert_eq!(out.len(), str_len(s), "{s:?}");
            assert_eq!(
                String::from_utf8(out).unwrap(),
                serde_json::to_string(s).unwrap()
            );
        }
    }

    #[test]
    fn integers_are_written_like_to_string() {
        for n in [0, 7, -7, 10, 99, i64::MIN, i64::MAX] {
            let mut out = Vec::new();
            write_int(&mut out, n);
            assert_eq!(out, n.to_string().as_bytes());
        }
        let mut out = Vec::new();
        write_uint(&mut out, u64::MAX);
        assert_eq!(out, u64::MAX.to_string().as_bytes());
    }

    #[test]
    fn unquote_borrows_without_escapes() {
        assert!(matches!(unquote("\"abc\""), Cow::Borrowed("abc")));
        assert_eq!(unquote("\"a\\u0041\\n\""), "aA\n");
        assert!(matches!(unquote("\"a\\u0041\""), Cow::Owned(_)));
        assert_eq!(unquote("\"\\ud800x\""), "\u{fffd}x");
    }
}
