//! A purpose-built XML scanner for XML-RPC documents: the markup events of one document, read
//! straight off the (already UTF-8 and character checked) input with `memchr`.
//!
//! It replaces a general XML reader in the decoder's hot path. Besides the event loop
//! ([`Scanner::next`]) it has fast paths the parser calls where it knows what comes next
//! (`open`, `open_any`, `close`, `leaf`): each matches only the plain form (`<name>`, `</name>`,
//! text with no `&`, CR or `]`), consumes it exactly as the event loop would, and otherwise
//! moves nothing. It borrows every slice from the
//! input, keeps a stack of open element names to check end tags (WFC: Element Type Match),
//! checks comments (no `--` inside), element, attribute and processing-instruction target
//! names (XML 1.0 §2.3 Name), and recognises, but never reads, a DOCTYPE. Text, CDATA and attributes are handed on raw; the decoder resolves references and
//! normalises newlines only where a piece needs it. quick-xml stays the oracle: the
//! `xmlrpc_differential` fuzz target compares the decoder's well-formedness verdicts with a
//! checker built on quick-xml's tokenizer.

use super::Error;

/// One markup event.
#[derive(Debug)]
pub(super) enum Ev<'a> {
    /// `<?xml ...?>`: what lies between `<?xml` and `?>`.
    Decl(&'a str),
    /// A comment or a processing instruction.
    Misc,
    /// Character data as written (references unresolved, newlines as in the input), and
    /// whether it is plain: no `&`, CR or `]` in it, so it is its own value as it stands.
    Text(&'a str, bool),
    /// The content of a CDATA section.
    CData(&'a str),
    /// A start tag or an empty-element tag: the name and what follows it (attributes).
    Start {
        name: &'a str,
        attrs: &'a str,
        empty: bool,
    },
    /// An end tag matching the innermost open element.
    End,
    /// The end of the input with no element open.
    Eof,
}

pub(super) struct Scanner<'a> {
    input: &'a str,
    pos: usize,
    base: usize,
    stack: Names<'a>,
}

/// The names of the open elements, innermost last: the first [`Names::INLINE`] in place, any
/// deeper in a `Vec` (which allocates only for documents nested that deep).
struct Names<'a> {
    inline: [&'a str; Names::INLINE],
    len: usize,
    spill: Vec<&'a str>,
}

impl<'a> Names<'a> {
    /// XML-RPC documents of nesting depth 3 (`methodResponse params param value struct member
    /// value array data value int` is 11 elements) fit.
    const INLINE: usize = 16;

    fn new() -> Self {
        Names {
            inline: [""; Names::INLINE],
            len: 0,
            spill: Vec::new(),
        }
    }

    #[inline]
    fn push(&mut self, name: &'a str) {
        if self.len < Names::INLINE {
            self.inline[self.len] = name;
        } else {
            self.spill.push(name);
        }
        self.len += 1;
    }

    #[inline]
    fn pop(&mut self) -> Option<&'a str> {
        if self.len == 0 {
            return None;
        }
        self.len -= 1;
        if self.len < Names::INLINE {
            Some(self.inline[self.len])
        } else {
            self.spill.pop()
        }
    }

    #[inline]
    fn last(&self) -> Option<&&'a str> {
        match self.len {
            0 => None,
            n if n <= Names::INLINE => self.inline.get(n - 1),
            _ => self.spill.last(),
        }
    }

    fn is_empty(&self) -> bool {
        self.len == 0
    }
}

pub(super) fn xml_error(offset: usize, e: impl std::fmt::Display) -> Error {
    Error::Xml {
        offset,
        message: e.to_string(),
    }
}

pub(super) fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

/// XML 1.0 §2.3: "NameStartChar ::= ":" | [A-Z] | "_" | [a-z] | [#xC0-#xD6] | [#xD8-#xF6] |
/// [#xF8-#x2FF] | [#x370-#x37D] | [#x37F-#x1FFF] | [#x200C-#x200D] | [#x2070-#x218F] |
/// [#x2C00-#x2FEF] | [#x3001-#xD7FF] | [#xF900-#xFDCF] | [#xFDF0-#xFFFD] | [#x10000-#xEFFFF]".
fn name_start(c: char) -> bool {
    matches!(c,
        ':' | 'A'..='Z' | '_' | 'a'..='z' | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}'
        | '\u{F8}'..='\u{2FF}' | '\u{370}'..='\u{37D}' | '\u{37F}'..='\u{1FFF}'
        | '\u{200C}'..='\u{200D}' | '\u{2070}'..='\u{218F}' | '\u{2C00}'..='\u{2FEF}'
        | '\u{3001}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}' | '\u{FDF0}'..='\u{FFFD}'
        | '\u{10000}'..='\u{EFFFF}')
}

/// XML 1.0 §2.3: "NameChar ::= NameStartChar | "-" | "." | [0-9] | #xB7 | [#x0300-#x036F] |
/// [#x203F-#x2040]".
fn name_char(c: char) -> bool {
    name_start(c)
        || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

/// XML 1.0 §2.3 "Name ::= NameStartChar (NameChar)*". ASCII bytes are checked as bytes; a
/// name with a non-ASCII character (rare in XML-RPC) is checked character by character.
pub(super) fn valid_name(name: &str) -> bool {
    let b = name.as_bytes();
    let Some(&first) = b.first() else {
        return false;
    };
    let ascii_name = |c: u8| c.is_ascii_alphanumeric() || matches!(c, b'_' | b':' | b'.' | b'-');
    if first.is_ascii_digit() || matches!(first, b'.' | b'-') {
        return false;
    }
    if b.iter().all(|&c| ascii_name(c)) {
        return true;
    }
    let mut chars = name.chars();
    chars.next().is_some_and(name_start) && chars.all(name_char)
}

impl<'a> Scanner<'a> {
    pub(super) fn new(input: &'a str, base: usize) -> Self {
        Scanner {
            input,
            pos: 0,
            base,
            stack: Names::new(),
        }
    }

    fn eof(&self) -> Error {
        Error::UnexpectedEof {
            offset: self.base + self.input.len(),
            expected: "the rest of the document",
        }
    }

    /// The next event and the offset (in the whole input) where it starts.
    pub(super) fn next(&mut self) -> Result<(Ev<'a>, usize), Error> {
        let b = self.input.as_bytes();
        let start = self.pos;
        let offset = self.base + start;
        if start >= b.len() {
            if !self.stack.is_empty() {
                return Err(Error::UnexpectedEof {
                    offset: self.base + b.len(),
                    expected: "end tags",
                });
            }
            return Ok((Ev::Eof, offset));
        }
        if b[start] != b'<' {
            let (end, plain) = text_end(b, start);
            self.pos = end;
            return Ok((Ev::Text(&self.input[start..end], plain), offset));
        }
        let Some(&next) = b.get(start + 1) else {
            return Err(self.eof());
        };
        match next {
            b'/' => {
                // Fast path: `</` the innermost open name `>`.
                if let Some(&open) = self.stack.last() {
                    let close = start + 2 + open.len();
                    if b.get(close) == Some(&b'>') && b[start + 2..close] == *open.as_bytes() {
                        self.stack.pop();
                        self.pos = close + 1;
                        return Ok((Ev::End, offset));
                    }
                }
                let close = memchr::memchr(b'>', &b[start + 2..]).ok_or_else(|| self.eof())?;
                let end = start + 2 + close;
                let inner = &self.input[start + 2..end];
                let name_len = inner.bytes().position(is_space).unwrap_or(inner.len());
                let (name, rest) = inner.split_at(name_len);
                if !rest.bytes().all(is_space) || !valid_name(name) {
                    return Err(xml_error(offset, "malformed end tag"));
                }
                match self.stack.pop() {
                    Some(open) if open == name => {}
                    Some(open) => {
                        return Err(xml_error(
                            offset,
                            format_args!("end tag </{name}> does not match <{open}>"),
                        ))
                    }
                    None => return Err(xml_error(offset, format_args!("unmatched </{name}>"))),
                }
                self.pos = end + 1;
                Ok((Ev::End, offset))
            }
            b'!' => self.bang(start, offset),
            b'?' => {
                // The first `?>` (memchr for each `?`: no searcher to build for two bytes).
                let mut from = start + 2;
                let end = loop {
                    let q = memchr::memchr(b'?', &b[from..]).ok_or_else(|| self.eof())? + from;
                    if b.get(q + 1) == Some(&b'>') {
                        break q;
                    }
                    from = q + 1;
                };
                let inner = &self.input[start + 2..end];
                let target_len = inner.bytes().position(is_space).unwrap_or(inner.len());
                let target = &inner[..target_len];
                self.pos = end + 2;
                if target == "xml" {
                    return Ok((Ev::Decl(&inner[3..]), offset));
                }
                // XML 1.0 §2.6: "PITarget ::= Name - (('X' | 'x') ('M' | 'm') ('L' | 'l'))".
                if target.eq_ignore_ascii_case("xml") || !valid_name(target) {
                    return Err(xml_error(offset, "invalid processing instruction target"));
                }
                Ok((Ev::Misc, offset))
            }
            _ => {
                // Fast path: `<` an ASCII Name `>` or `/>` (no attributes, no white space).
                let n = b[start + 1..]
                    .iter()
                    .take_while(|&&c| CLASS[usize::from(c)] == NAME)
                    .count();
                let first_ok = !(next.is_ascii_digit() || matches!(next, b'.' | b'-'));
                let after = start + 1 + n;
                if n > 0 && first_ok {
                    let name = &self.input[start + 1..after];
                    match (b.get(after), b.get(after + 1)) {
                        (Some(b'>'), _) => {
                            self.stack.push(name);
                            self.pos = after + 1;
                            return Ok((
                                Ev::Start {
                                    name,
                                    attrs: "",
                                    empty: false,
                                },
                                offset,
                            ));
                        }
                        (Some(b'/'), Some(b'>')) => {
                            self.pos = after + 2;
                            return Ok((
                                Ev::Start {
                                    name,
                                    attrs: "",
                                    empty: true,
                                },
                                offset,
                            ));
                        }
                        _ => {}
                    }
                }
                // The tag ends at the first '>' outside a quoted attribute value.
                let mut i = start + 1;
                let end = loop {
                    let k =
                        memchr::memchr3(b'>', b'"', b'\'', &b[i..]).ok_or_else(|| self.eof())?;
                    let j = i + k;
                    if b[j] == b'>' {
                        break j;
                    }
                    let q = memchr::memchr(b[j], &b[j + 1..]).ok_or_else(|| self.eof())?;
                    i = j + 1 + q + 1;
                };
                let mut inner = &self.input[start + 1..end];
                let empty = inner.ends_with('/');
                if empty {
                    inner = &inner[..inner.len() - 1];
                }
                let name_len = inner.bytes().position(is_space).unwrap_or(inner.len());
                let (name, attrs) = inner.split_at(name_len);
                if !valid_name(name) {
                    return Err(xml_error(offset, "malformed start tag"));
                }
                if !empty {
                    self.stack.push(name);
                }
                self.pos = end + 1;
                Ok((Ev::Start { name, attrs, empty }, offset))
            }
        }
    }

    /// Skips white space when a start or end tag follows it (not `<!` or `<?`, which could
    /// join the white space to more text): the parser ignores such a run where it calls this.
    pub(super) fn skip_blank_before_tag(&mut self) {
        let b = self.input.as_bytes();
        let n = b[self.pos..].iter().take_while(|&&c| is_space(c)).count();
        let at = self.pos + n;
        if n > 0 && b.get(at) == Some(&b'<') && !matches!(b.get(at + 1), Some(b'!' | b'?') | None) {
            self.pos = at;
        }
    }

    /// The position after a run of white space starting at `pos` (or `pos` itself when
    /// `blank` is false).
    #[inline]
    fn after_blank(&self, blank: bool) -> usize {
        let b = self.input.as_bytes();
        let mut at = self.pos;
        if blank {
            while at < b.len() && is_space(b[at]) {
                at += 1;
            }
        }
        at
    }

    /// Steps over `text` if the input continues with it; the parser calls this only for markup
    /// whose events it would take and accept as they are (the usual XML declaration).
    pub(super) fn skip(&mut self, text: &[u8]) -> bool {
        if self.input.as_bytes()[self.pos..].starts_with(text) {
            self.pos += text.len();
            return true;
        }
        false
    }

    /// Fast path for a start tag the grammar expects: (white space, when `blank`, then)
    /// `<name>` exactly, no attributes, not empty. On a match the tag is consumed as
    /// [`next`](Self::next) would and its offset returned; otherwise nothing moves, and the
    /// caller takes the general path, which yields the same events for what matches here.
    #[inline(always)]
    pub(super) fn open(&mut self, name: &'static str, blank: bool) -> Option<usize> {
        let b = self.input.as_bytes();
        let at = self.after_blank(blank);
        let end = at + 1 + name.len();
        if b.get(at) == Some(&b'<')
            && b.get(end) == Some(&b'>')
            && b[at + 1..end] == *name.as_bytes()
        {
            self.stack.push(&self.input[at + 1..end]);
            self.pos = end + 1;
            return Some(self.base + at);
        }
        None
    }

    /// Fast path for a start tag whose name the grammar does not know in advance (a value's
    /// type): `<` an ASCII Name `>`, no attributes, not empty. The name and its offset.
    #[inline]
    pub(super) fn open_any(&mut self) -> Option<(&'a str, usize)> {
        let b = self.input.as_bytes();
        let at = self.pos;
        if b.get(at) != Some(&b'<') {
            return None;
        }
        let first = *b.get(at + 1)?;
        if CLASS[usize::from(first)] != NAME
            || first.is_ascii_digit()
            || matches!(first, b'.' | b'-')
        {
            return None;
        }
        let n = b[at + 1..]
            .iter()
            .take_while(|&&c| CLASS[usize::from(c)] == NAME)
            .count();
        let end = at + 1 + n;
        if b.get(end) != Some(&b'>') {
            return None;
        }
        let name = &self.input[at + 1..end];
        self.stack.push(name);
        self.pos = end + 1;
        Some((name, self.base + at))
    }

    /// Fast path for the end tag of the innermost open element: (white space, when `blank`,
    /// then) `</name>`. Consumed on a match; otherwise nothing moves.
    #[inline]
    pub(super) fn close(&mut self, blank: bool) -> bool {
        let b = self.input.as_bytes();
        let at = self.after_blank(blank);
        let Some(&open) = self.stack.last() else {
            return false;
        };
        let end = at + 2 + open.len();
        if b.get(end) == Some(&b'>') && b[at..].starts_with(b"</") && same(&b[at + 2..end], open) {
            self.stack.pop();
            self.pos = end + 1;
            return true;
        }
        false
    }

    /// Fast path for a leaf element's content: plain text (no reference, CR or `]`), possibly
    /// empty, then the innermost element's end tag. The text, borrowed; on no match nothing
    /// moves.
    #[inline]
    pub(super) fn leaf(&mut self) -> Option<&'a str> {
        let b = self.input.as_bytes();
        let start = self.pos;
        let (end, plain) = text_end(b, start);
        if !plain {
            return None;
        }
        let saved = self.pos;
        self.pos = end;
        if self.close(false) {
            return Some(&self.input[start..end]);
        }
        self.pos = saved;
        None
    }

    /// `<!`: a comment, a CDATA section or a DOCTYPE.
    fn bang(&mut self, start: usize, offset: usize) -> Result<(Ev<'a>, usize), Error> {
        let b = self.input.as_bytes();
        let rest = &b[start..];
        // A prefix of a construct at the end of the input: wait for (or report) the rest.
        let prefix_of = |word: &[u8]| rest.len() < word.len() && word.starts_with(rest);
        if rest.starts_with(b"<!--") {
            let at = memchr::memmem::find(&b[start + 4..], b"--").ok_or_else(|| self.eof())?;
            let at = start + 4 + at;
            return match b.get(at + 2) {
                None => Err(self.eof()),
                Some(b'>') => {
                    self.pos = at + 3;
                    Ok((Ev::Misc, offset))
                }
                // XML 1.0 §2.5: "the string '--' (double-hyphen) MUST NOT occur within
                // comments."
                Some(_) => Err(xml_error(self.base + at, "'--' in a comment")),
            };
        }
        if rest.starts_with(b"<![CDATA[") {
            let k = memchr::memmem::find(&b[start + 9..], b"]]>").ok_or_else(|| self.eof())?;
            let end = start + 9 + k;
            self.pos = end + 3;
            return Ok((Ev::CData(&self.input[start + 9..end]), offset));
        }
        if rest.len() >= 9 && rest[2..9].eq_ignore_ascii_case(b"DOCTYPE") {
            return Err(Error::Doctype { offset });
        }
        if prefix_of(b"<!--") || prefix_of(b"<![CDATA[") || prefix_of(b"<!DOCTYPE") {
            return Err(self.eof());
        }
        Err(xml_error(offset, "unexpected markup"))
    }
}

/// Eight bytes of `s` from `i` as one word (`s` has them).
#[inline(always)]
fn word8(s: &[u8], i: usize) -> u64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&s[i..i + 8]);
    u64::from_le_bytes(w)
}

/// Four bytes of `s` from `i` as one word (`s` has them).
#[inline(always)]
fn word4(s: &[u8], i: usize) -> u32 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&s[i..i + 4]);
    u32::from_le_bytes(w)
}

/// `a == b` for the short names of XML-RPC, without a call to `memcmp`: two overlapping
/// loads cover a name of 4 to 16 bytes.
#[inline(always)]
fn same(a: &[u8], b: &str) -> bool {
    let b = b.as_bytes();
    let n = a.len();
    if n != b.len() {
        return false;
    }
    match n {
        4..=8 => word4(a, 0) == word4(b, 0) && word4(a, n - 4) == word4(b, n - 4),
        9..=16 => word8(a, 0) == word8(b, 0) && word8(a, n - 8) == word8(b, n - 8),
        _ => a == b,
    }
}

/// Byte classes for the fast paths: ASCII Name characters, `<`, and the bytes that make text
/// need work (`&`, CR, `]`).
const NAME: u8 = 1;
const LT: u8 = 2;
const SPECIAL: u8 = 3;
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut c = 0;
    while c < 128 {
        let b = c as u8;
        if b.is_ascii_alphanumeric() || matches!(b, b'_' | b':' | b'.' | b'-') {
            t[c] = NAME;
        }
        c += 1;
    }
    t[b'<' as usize] = LT;
    t[b'&' as usize] = SPECIAL;
    t[b'\r' as usize] = SPECIAL;
    t[b']' as usize] = SPECIAL;
    t
};

/// The end of the character data starting at `start` (the next `<`, or the end of the input)
/// and whether it is plain (no `&`, CR or `]`). Short runs, the usual XML-RPC text, are read
/// eight bytes at a time in one pass; longer ones with memchr.
fn text_end(b: &[u8], start: usize) -> (usize, bool) {
    const SHORT: usize = 64;
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // The high bit of each byte of `x` equal to `c`, exact up to and including the lowest
    // such byte (a borrow can only mark bytes above a real match).
    let eq = |x: u64, c: u8| {
        let y = x ^ (ONES * u64::from(c));
        y.wrapping_sub(ONES) & !y & HIGH
    };
    let limit = b.len().min(start + SHORT);
    let mut plain = true;
    let mut i = start;
    while i + 8 <= limit {
        let x = word8(b, i);
        let special = eq(x, b'&') | eq(x, b'\r') | eq(x, b']');
        let lt = eq(x, b'<');
        if lt != 0 {
            // Bytes before the first `<`: their marks are exact.
            let before = (lt & lt.wrapping_neg()) - 1;
            return (
                i + (lt.trailing_zeros() / 8) as usize,
                plain && special & before == 0,
            );
        }
        plain &= special == 0;
        i += 8;
    }
    while i < limit {
        match CLASS[usize::from(b[i])] {
            LT => return (i, plain),
            SPECIAL => plain = false,
            _ => {}
        }
        i += 1;
    }
    let end = memchr::memchr(b'<', &b[i..]).map_or(b.len(), |k| i + k);
    let rest = &b[i..end];
    let plain = plain && memchr::memchr3(b'&', b'\r', b']', rest).is_none();
    (end, plain)
}

/// Attributes of a start tag (or pseudo-attributes of the XML declaration): `(key, value,
/// offset of the key)` in order, each well-formed (`S Name S? = S? quoted`, no `<` in a
/// value); a malformed one is an error.
pub(super) fn attributes<'s>(
    attrs: &'s str,
    at: usize,
    mut each: impl FnMut(&'s str, &'s str, usize) -> Result<(), Error>,
) -> Result<(), Error> {
    let b = attrs.as_bytes();
    let mut i = 0;
    loop {
        let ws = b[i..].iter().take_while(|&&c| is_space(c)).count();
        i += ws;
        if i >= b.len() {
            return Ok(());
        }
        let here = at + i;
        let bad = || xml_error(here, "malformed attribute");
        if ws == 0 {
            return Err(bad());
        }
        let key_start = i;
        while i < b.len() && !is_space(b[i]) && b[i] != b'=' {
            i += 1;
        }
        let key = &attrs[key_start..i];
        if !valid_name(key) {
            return Err(bad());
        }
        i += b[i..].iter().take_while(|&&c| is_space(c)).count();
        if b.get(i) != Some(&b'=') {
            return Err(bad());
        }
        i += 1;
        i += b[i..].iter().take_while(|&&c| is_space(c)).count();
        let q = match b.get(i) {
            Some(&q @ (b'"' | b'\'')) => q,
            _ => return Err(bad()),
        };
        let len = memchr::memchr(q, &b[i + 1..]).ok_or_else(bad)?;
        let value = &attrs[i + 1..i + 1 + len];
        if value.contains('<') {
            return Err(bad());
        }
        each(key, value, at + key_start)?;
        i += len + 2;
    }
}

#[cfg(test)]
mod tests {
    use super::text_end;
    use proptest::prelude::*;

    /// The byte-by-byte definition `text_end` must agree with.
    fn reference(b: &[u8], start: usize) -> (usize, bool) {
        let end = b[start..]
            .iter()
            .position(|&c| c == b'<')
            .map_or(b.len(), |k| start + k);
        let plain = !b[start..end]
            .iter()
            .any(|c| matches!(c, b'&' | b'\r' | b']'));
        (end, plain)
    }

    proptest! {
        #[test]
        fn text_end_is_the_first_lt_and_plain_before_it(
            bytes in proptest::collection::vec(
                prop_oneof![
                    Just(b'<'), Just(b'&'), Just(b'\r'), Just(b']'), Just(b'a'), Just(b'\n'),
                    Just(0x80u8), any::<u8>(),
                ],
                0..160,
            ),
            start in 0usize..160,
        ) {
            let start = start.min(bytes.len());
            prop_assert_eq!(text_end(&bytes, start), reference(&bytes, start));
        }
    }
}
