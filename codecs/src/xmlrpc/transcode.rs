//! Documents in the other encodings XML allows, turned into the UTF-8 the decoder reads.
//!
//! XML 1.0 §4.3.3: "All XML processors MUST be able to read entities in both the UTF-8 and
//! UTF-16 encodings." Peers also send ISO-8859-1 (Python's `ServerProxy(encoding=...)` declares
//! it and writes Latin-1 bytes). [`to_utf8`] reads those three (and US-ASCII) and hands back UTF-8
//! with the declaration saying so; a UTF-8 document comes back borrowed, untouched.

use std::borrow::Cow;

use super::{Error, Limits};

/// The document as UTF-8, ready for [`decode_with`](super::decode_with): borrowed when it is
/// UTF-8 already (or declares an ASCII-compatible encoding and holds only ASCII), transcoded
/// from UTF-16 (by its byte order mark, or by `<?` in either byte order, XML 1.0 Appendix F) or
/// ISO-8859-1 (by its declaration) otherwise. A transcoded declaration names UTF-8. Encodings
/// other than these are left to the decoder, which refuses them (`unsupported-encoding`).
///
/// ```
/// use msgwire::xmlrpc::{decode, to_utf8, Limits, Message};
/// let latin1 = b"<?xml version='1.0' encoding='iso-8859-1'?>\
///     <methodCall><methodName>m</methodName><params><param><value>caf\xe9</value></param></params></methodCall>";
/// let utf8 = to_utf8(latin1, &Limits::default())?;
/// let Message::Call(call) = decode(&utf8)? else { unreachable!() };
/// assert_eq!(call.params[0], msgwire::xmlrpc::Value::Untyped("café".into()));
/// # Ok::<(), msgwire::xmlrpc::Error>(())
/// ```
pub fn to_utf8<'a>(input: &'a [u8], limits: &Limits) -> Result<Cow<'a, [u8]>, Error> {
    if input.len() > limits.max_document_size {
        return Err(Error::TooLarge {
            len: input.len(),
            limit: limits.max_document_size,
        });
    }
    let text = match input {
        [0xFE, 0xFF, rest @ ..] => utf16(rest, 2, u16::from_be_bytes)?,
        [0xFF, 0xFE, rest @ ..] => utf16(rest, 2, u16::from_le_bytes)?,
        [0x00, b'<', 0x00, b'?', ..] => utf16(input, 0, u16::from_be_bytes)?,
        [b'<', 0x00, b'?', 0x00, ..] => utf16(input, 0, u16::from_le_bytes)?,
        // A UTF-8 byte order mark says UTF-8, whatever a declaration claims: the decoder judges.
        [0xEF, 0xBB, 0xBF, ..] => return Ok(Cow::Borrowed(input)),
        _ => match declared_encoding(input).map(|e| e.to_ascii_lowercase()) {
            Some(e) if !input.is_ascii() && LATIN1.contains(&e.as_str()) => {
                input.iter().map(|&b| char::from(b)).collect()
            }
            Some(e) if !input.is_ascii() && ASCII.contains(&e.as_str()) => {
                let offset = input.iter().position(|b| !b.is_ascii()).unwrap_or(0);
                return Err(Error::InvalidEncoding {
                    offset,
                    encoding: "US-ASCII",
                });
            }
            _ => return Ok(Cow::Borrowed(input)),
        },
    };
    let text = declare_utf8(text);
    if text.len() > limits.max_document_size {
        return Err(Error::TooLarge {
            len: text.len(),
            limit: limits.max_document_size,
        });
    }
    Ok(Cow::Owned(text.into_bytes()))
}

/// IANA names (and common aliases) of ISO-8859-1, lowercase.
const LATIN1: &[&str] = &[
    "iso-8859-1",
    "iso_8859-1",
    "iso8859-1",
    "latin-1",
    "latin1",
    "l1",
];
/// IANA names (and common aliases) of US-ASCII, lowercase.
const ASCII: &[&str] = &["us-ascii", "ascii"];

/// UTF-16 code units (two bytes each, read by `unit`) as a string; `skip` bytes (a BOM) came
/// before `bytes` in the input, for offsets.
fn utf16(bytes: &[u8], skip: usize, unit: fn([u8; 2]) -> u16) -> Result<String, Error> {
    let bad = |offset| Error::InvalidEncoding {
        offset,
        encoding: "UTF-16",
    };
    if bytes.len() % 2 == 1 {
        return Err(bad(skip + bytes.len() - 1));
    }
    let units = bytes.chunks_exact(2).map(|p| unit([p[0], p[1]]));
    let mut text = String::with_capacity(bytes.len());
    let mut at = skip;
    for c in char::decode_utf16(units) {
        let c = c.map_err(|_| bad(at))?;
        at += 2 * c.len_utf16();
        text.push(c);
    }
    Ok(text)
}

/// The `encoding` of an XML declaration at the start of `input` (an ASCII-compatible one).
fn declared_encoding(input: &[u8]) -> Option<&str> {
    let decl = declaration(input)?;
    let value = pseudo_attribute(&input[decl.clone()], b"encoding")?;
    std::str::from_utf8(&input[decl][value]).ok()
}

/// Where `<?xml ... ?>` lies, if the input starts with one ([`to_utf8`] has already returned
/// for input with a UTF-8 BOM, and transcoded text has none).
fn declaration(input: &[u8]) -> Option<std::ops::Range<usize>> {
    // "<?xml" and then white space: not a processing instruction named xml-something.
    if !(input.starts_with(b"<?xml") && input.get(5).is_some_and(u8::is_ascii_whitespace)) {
        return None;
    }
    // A declaration is short; do not scan a large document for a missing `?>`.
    let window = &input[..input.len().min(256)];
    let end = window.windows(2).position(|w| w == b"?>")?;
    Some(0..end + 2)
}

/// The value span of `name="..."` or `name='...'` in a declaration.
fn pseudo_attribute(decl: &[u8], name: &[u8]) -> Option<std::ops::Range<usize>> {
    let mut from = 0;
    while let Some(i) = decl[from..].windows(name.len()).position(|w| w == name) {
        let mut at = from + i + name.len();
        from = at;
        while decl.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        if decl.get(at) != Some(&b'=') {
            continue;
        }
        at += 1;
        while decl.get(at).is_some_and(u8::is_ascii_whitespace) {
            at += 1;
        }
        let quote = *decl.get(at).filter(|q| matches!(q, b'"' | b'\''))?;
        let len = decl[at + 1..].iter().position(|&b| b == quote)?;
        return Some(at + 1..at + 1 + len);
    }
    None
}

/// The transcoded text with its declaration (if any) naming UTF-8.
fn declare_utf8(mut text: String) -> String {
    if let Some(decl) = declaration(text.as_bytes()) {
        if let Some(value) = pseudo_attribute(&text.as_bytes()[decl.clone()], b"encoding") {
            let value = decl.start + value.start..decl.start + value.end;
            text.replace_range(value, "UTF-8");
        }
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::xmlrpc::{decode, Message, Value};

    const CALL: &str = "<methodCall><methodName>m</methodName><params><param><value>\u{e9}\u{1F600}</value></param></params></methodCall>";

    fn first_param(doc: &[u8]) -> String {
        let utf8 = to_utf8(doc, &Limits::default()).unwrap();
        match decode(&utf8).unwrap() {
            Message::Call(c) => match &c.params[0] {
                Value::Untyped(s) | Value::String(s) => s.to_string(),
                v => panic!("{v:?}"),
            },
            m => panic!("{m:?}"),
        }
    }

    fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let units = bom.then_some(0xFEFF).into_iter().chain(text.encode_utf16());
        for u in units {
            out.extend(if big_endian {
                u.to_be_bytes()
            } else {
                u.to_le_bytes()
            });
        }
        out
    }

    #[test]
    fn utf16_in_both_byte_orders_with_or_without_bom() {
        let doc = format!("<?xml version=\"1.0\" encoding=\"UTF-16\"?>{CALL}");
        for big_endian in [true, false] {
            for bom in [true, false] {
                let bytes = utf16(&doc, big_endian, bom);
                assert_eq!(first_param(&bytes), "\u{e9}\u{1F600}", "{big_endian} {bom}");
                let utf8 = to_utf8(&bytes, &Limits::default()).unwrap();
                assert!(utf8.starts_with(b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>"));
            }
        }
        // A BOM alone, without a declaration.
        assert_eq!(first_param(&utf16(CALL, false, true)), "\u{e9}\u{1F600}");
    }

    #[test]
    fn malformed_utf16_is_an_encoding_error_at_its_offset() {
        let mut lone = utf16("<?xml version='1.0'?><a>", true, true);
        let at = lone.len();
        lone.extend([0xD8, 0x00, 0x00, b'<']); // a high surrogate, then no low one
        let e = to_utf8(&lone, &Limits::default()).unwrap_err();
        assert_eq!((e.kind(), e.offset()), ("invalid-encoding", at));
        assert_eq!(e.code(), crate::xmlrpc::FaultCode::INVALID_CHARACTER);
        let odd = [0xFF, 0xFE, b'<', 0, b'a'];
        assert_eq!(to_utf8(&odd, &Limits::default()).unwrap_err().offset(), 4);
    }

    #[test]
    fn latin1_by_its_declaration() {
        let doc = b"<?xml version='1.0' encoding='iso-8859-1'?><methodCall><methodName>m</methodName><params><param><value>caf\xe9 \xff</value></param></params></methodCall>";
        assert_eq!(first_param(doc), "caf\u{e9} \u{ff}");
        let utf8 = to_utf8(doc, &Limits::default()).unwrap();
        assert!(utf8.starts_with(b"<?xml version='1.0' encoding='UTF-8'?>"));
    }

    #[test]
    fn utf8_and_ascii_content_are_borrowed_untouched() {
        for doc in [
            format!("<?xml version=\"1.0\"?>{CALL}"),
            format!("\u{feff}{CALL}"),
            "<?xml version='1.0' encoding='ISO-8859-1'?><methodCall><methodName>m</methodName></methodCall>".to_string(),
        ] {
            assert!(matches!(to_utf8(doc.as_bytes(), &Limits::default()), Ok(Cow::Borrowed(_))));
        }
        // A UTF-8 BOM wins over a Latin-1 declaration: nothing is transcoded.
        let bom_latin1 = b"\xEF\xBB\xBF<?xml version='1.0' encoding='latin1'?><a>\xe9</a>";
        assert!(matches!(
            to_utf8(bom_latin1, &Limits::default()),
            Ok(Cow::Borrowed(_))
        ));
        // Declared US-ASCII with a byte above 0x7F.
        let e = to_utf8(
            b"<?xml version='1.0' encoding='us-ascii'?><a>\xe9</a>",
            &Limits::default(),
        )
        .unwrap_err();
        assert_eq!((e.kind(), e.offset()), ("invalid-encoding", 44));
        // Other encodings are the decoder's to refuse.
        let koi8 = b"<?xml version='1.0' encoding='KOI8-R'?><methodCall><methodName>m</methodName></methodCall>";
        assert!(matches!(
            to_utf8(koi8, &Limits::default()),
            Ok(Cow::Borrowed(_))
        ));
        assert_eq!(decode(koi8).unwrap_err().kind(), "unsupported-encoding");
    }

    #[test]
    fn the_size_limit_holds_before_and_after() {
        let limits = Limits {
            max_document_size: 64,
            ..Limits::default()
        };
        let big = utf16(&format!("<?xml version='1.0'?>{CALL}"), true, true);
        assert_eq!(to_utf8(&big, &limits).unwrap_err().kind(), "too-large");
        // 40 Latin-1 bytes above 0x7F fit as input but not as 80 bytes of UTF-8.
        let mut doc = b"<?xml version='1.0' encoding='latin1'?>".to_vec();
        doc.resize(60, 0xe9);
        assert_eq!(to_utf8(&doc, &limits).unwrap_err().kind(), "too-large");
    }
}
