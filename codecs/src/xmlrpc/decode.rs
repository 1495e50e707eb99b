//! The decoder: markup events of our own scanner → a validated [`Message`] borrowing from the input.
//!
//! Design: one pass. The input is checked once for size, UTF-8 and XML 1.0 characters; then a
//! purpose-built scanner (`scan`, memchr over the bytes) yields markup events, and a small
//! lexer joins text, CDATA and entity/character references into one text token (borrowed when
//! it is a single run needing no reference resolution or newline normalisation) and skips
//! comments and processing instructions; a recursive-descent parser walks the XML-RPC grammar, one function per
//! element. Each grammar step first tries a fast path that checks the tag the grammar expects
//! there in place (`<value>`, `<member>`, the innermost element's end tag, a leaf's plain text
//! followed by its end tag, as bytes); anything else (attributes, comments, CDATA, references,
//! `<x/>`, other white space, errors) takes the general path from the same position, so both
//! give the same result ([`decode_general`] is the general path alone, compared with this one
//! by the `xmlrpc_differential` fuzz target and the property tests). Recursion happens only
//! for arrays and structs and is bounded by `Limits::max_depth` before it happens, so a
//! 100 000-deep document costs 128 frames and an error.
//!
//! Security: a DOCTYPE is an error as soon as the scanner sees `<!DOCTYPE`, so no entity is
//! ever defined, expanded or fetched (billion laughs, XXE); only the five predefined entities
//! and character references are resolved. The scanner reads each byte a bounded number of
//! times and every check here is a single scan, so decoding is linear in the input.

use std::borrow::Cow;

use super::datetime;
use super::scan::{self, xml_error, Ev, Scanner};
use super::value::{Base64, DateTime, Fault, Member, Message, MethodCall, MethodResponse, Value};
use super::{Error, Limits, Profile};
use crate::Decoded;

/// Decodes one whole document with the default profile ([`Profile::Strict`]) and limits.
pub fn decode(input: &[u8]) -> Result<Message<'_>, Error> {
    decode_with(input, Profile::Strict, &Limits::default())
}

/// A configured decoder: the document at the front of a stream of documents sent back to
/// back ([`decode`](Decoder::decode)), or one whole document
/// ([`decode_whole`](Decoder::decode_whole)).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Decoder {
    /// Limits enforced while decoding.
    pub limits: Limits,
    /// How strictly to read.
    pub profile: Profile,
}

impl Decoder {
    /// Decodes the document at the front of `buf`: complete (with the bytes used, whitespace
    /// after the root element included), need-more, or an error. XML-RPC documents normally
    /// arrive whole (an HTTP body); this reads several sent back to back. A document ends
    /// with its root's end tag; until one is in `buf` the answer is need-more (bounded by
    /// [`Limits::max_document_size`]), so at the end of the input decode what is left with
    /// [`decode_whole`](Decoder::decode_whole) to learn what is wrong with it.
    pub fn decode<'a>(&self, buf: &'a [u8]) -> Result<Decoded<Message<'a>>, Error> {
        // Stateless: the search starts at the front each time. A stream read in pieces should
        // use [`Splitter`](super::Splitter), which resumes it where it stopped.
        match find_end(buf, &mut EndScan::default(), |doc| self.decode_whole(doc))? {
            Some((value, used)) => Ok(Decoded::Complete { value, used }),
            None => self.need_more(buf),
        }
    }

    /// Need-more for a document not complete in `buf`, unless `buf` is already over the limit.
    pub(crate) fn need_more<'a>(&self, buf: &[u8]) -> Result<Decoded<Message<'a>>, Error> {
        if buf.len() > self.limits.max_document_size {
            return Err(Error::TooLarge {
                len: buf.len(),
                limit: self.limits.max_document_size,
            });
        }
        Ok(Decoded::NeedMore { at_least: 1 })
    }

    /// Decodes one whole document ([`decode_with`]).
    pub fn decode_whole<'a>(&self, input: &'a [u8]) -> Result<Message<'a>, Error> {
        decode_with(input, self.profile, &self.limits)
    }
}

/// How far the search for a document's end got in a buffer that only grows at its end, so that
/// it resumes there (each byte looked at a bounded number of times, however the document is cut
/// into reads).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct EndScan {
    /// The next byte to look at.
    pos: usize,
    /// Inside a comment, CDATA section or processing instruction: the text that closes it.
    inside: Option<&'static [u8]>,
}

/// What can follow `<` and changes the search: a complete one of these decides; a proper prefix
/// of one at the end of the buffer waits for more bytes.
const MARKUP: [&[u8]; 5] = [
    b"<!--",
    b"<![CDATA[",
    b"<?",
    b"</methodCall",
    b"</methodResponse",
];

/// Finds the end of the document at the front of `buf` and reads it with `whole`: `Some((value,
/// used))` with the whitespace after the root element counted as used, or `None` (not complete:
/// push more and call again with the same `scan`).
///
/// One pass finds the candidate end tags of the root: `</methodCall` or `</methodResponse`
/// outside comments, CDATA sections and processing instructions (XML 1.0 §2.5, §2.7, §2.6: each
/// ends at the first `-->`, `]]>`, `?>`). Outside those, `<` always starts markup (§2.4), so a
/// candidate is a real end tag, and the whole document is read only there: linear, however many
/// `</methodCall>` a comment holds.
pub(crate) fn find_end<'a, T>(
    buf: &'a [u8],
    scan: &mut EndScan,
    mut whole: impl FnMut(&'a [u8]) -> Result<T, Error>,
) -> Result<Option<(T, usize)>, Error> {
    loop {
        if let Some(close) = scan.inside {
            let from = scan.pos.min(buf.len());
            match memchr::memmem::find(&buf[from..], close) {
                Some(i) => {
                    scan.pos = from + i + close.len();
                    scan.inside = None;
                }
                None => {
                    // Keep the bytes that may begin the closing text.
                    scan.pos = buf.len().saturating_sub(close.len() - 1).max(from);
                    return Ok(None);
                }
            }
        }
        let from = scan.pos.min(buf.len());
        let Some(lt) = memchr::memchr(b'<', &buf[from..]).map(|i| from + i) else {
            scan.pos = buf.len();
            return Ok(None);
        };
        let rest = &buf[lt..];
        if MARKUP
            .iter()
            .any(|m| rest.len() < m.len() && m.starts_with(rest))
        {
            // Cut off at the end of the buffer: which markup this is is not known yet.
            scan.pos = lt;
            return Ok(None);
        }
        if rest.starts_with(b"<!--") {
            (scan.pos, scan.inside) = (lt + 4, Some(&b"-->"[..]));
        } else if rest.starts_with(b"<![CDATA[") {
            (scan.pos, scan.inside) = (lt + 9, Some(&b"]]>"[..]));
        } else if rest.starts_with(b"<?") {
            (scan.pos, scan.inside) = (lt + 2, Some(&b"?>"[..]));
        } else if rest.starts_with(b"<!") {
            // A DOCTYPE (refused as soon as the scanner sees it) or an error: the
            // whole-document reader says which. A read may end inside a UTF-8 sequence: only
            // the complete characters are judged, so the answer does not depend on the reads.
            let complete = match std::str::from_utf8(buf) {
                Err(e) if e.error_len().is_none() => e.valid_up_to(),
                _ => buf.len(),
            };
            return match whole(&buf[..complete]) {
                Err(Error::UnexpectedEof { .. }) => {
                    scan.pos = lt;
                    Ok(None)
                }
                Err(e) => Err(e),
                Ok(value) => Ok(Some((value, complete))),
            };
        } else if rest.starts_with(b"</methodCall") || rest.starts_with(b"</methodResponse") {
            let Some(close) = memchr::memchr(b'>', rest) else {
                scan.pos = lt;
                return Ok(None);
            };
            let end = lt + close + 1;
            match whole(&buf[..end]) {
                Ok(value) => {
                    let used = end
                        + buf[end..]
                            .iter()
                            .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
                            .count();
                    return Ok(Some((value, used)));
                }
                // An end tag of a nested element of the same name: read on.
                Err(Error::UnexpectedEof { .. }) => scan.pos = end,
                Err(e) => return Err(e),
            }
        } else {
            scan.pos = lt + 1;
        }
    }
}

/// Decodes one whole document under `profile` and `limits`.
pub fn decode_with<'a>(
    input: &'a [u8],
    profile: Profile,
    limits: &Limits,
) -> Result<Message<'a>, Error> {
    read(input, profile, limits, true)
}

/// [`decode_with`] on the general path alone: every tag through the scanner's event loop and
/// the lexer, none of the fast paths that check an expected tag in place. Same results as
/// `decode_with` by design; kept for the `xmlrpc_differential` fuzz target and the tests that
/// check exactly that. Not part of the API.
#[doc(hidden)]
pub fn decode_general<'a>(
    input: &'a [u8],
    profile: Profile,
    limits: &Limits,
) -> Result<Message<'a>, Error> {
    read(input, profile, limits, false)
}

fn read<'a>(
    input: &'a [u8],
    profile: Profile,
    limits: &Limits,
    fast: bool,
) -> Result<Message<'a>, Error> {
    if input.len() > limits.max_document_size {
        return Err(Error::TooLarge {
            len: input.len(),
            limit: limits.max_document_size,
        });
    }
    // simdutf8's check (SIMD); on failure std's, which says where.
    let text = match simdutf8::basic::from_utf8(input) {
        Ok(text) => text,
        Err(_) => std::str::from_utf8(input).map_err(|e| Error::InvalidUtf8 {
            offset: e.valid_up_to(),
        })?,
    };
    check_chars(text)?;
    // A UTF-8 byte order mark is allowed before the document (XML 1.0 §4.3.3, Appendix F).
    let (base, body) = match text.strip_prefix('\u{feff}') {
        Some(rest) => (3, rest),
        None => (0, text),
    };
    let mut parser = Parser::new(body, base, profile, limits, fast);
    parser.document()
}

/// XML 1.0 §2.2: "Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | [#x10000-#x10FFFF]".
/// Surrogates cannot occur in a `str`; what is left to reject are C0 controls and U+FFFE/U+FFFF.
fn check_chars(text: &str) -> Result<(), Error> {
    let b = text.as_bytes();
    // Fast path, vectorized (fixed-size chunks): no C0 control but tab/LF/CR and no 0xEF lead
    // byte at all.
    let suspicious = |c: &[u8]| {
        c.iter().fold(0u8, |acc, &x| {
            acc | (u8::from(x < 0x20)
                & u8::from(x != b'\t')
                & u8::from(x != b'\n')
                & u8::from(x != b'\r'))
                | u8::from(x == 0xef)
        }) != 0
    };
    let mut chunks = b.chunks_exact(32);
    let tail = chunks.remainder();
    if !chunks.any(|c| <&[u8; 32]>::try_from(c).map_or(true, |c| suspicious(c)))
        && !suspicious(tail)
    {
        return Ok(());
    }
    for (i, &c) in b.iter().enumerate() {
        let bad = match c {
            b'\t' | b'\n' | b'\r' => None,
            0..=0x1f => Some(u32::from(c)),
            // U+FFFE is EF BF BE, U+FFFF is EF BF BF.
            0xef if b.get(i + 1) == Some(&0xbf) && matches!(b.get(i + 2), Some(0xbe | 0xbf)) => {
                Some(0xfffe + u32::from(b[i + 2] - 0xbe))
            }
            _ => None,
        };
        if let Some(ch) = bad {
            return Err(Error::InvalidChar { offset: i, ch });
        }
    }
    Ok(())
}

fn legal_char(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}' | '\u{10000}'..)
}

fn is_blank(s: &str) -> bool {
    s.bytes().all(|c| matches!(c, b' ' | b'\t' | b'\n' | b'\r'))
}

/// XML 1.0 §2.11: a literal CR, or CR LF, reaches the application as LF.
fn normalize_newlines(s: &str) -> Cow<'_, str> {
    if memchr::memchr(b'\r', s.as_bytes()).is_none() {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.replace("\r\n", "\n").replace('\r', "\n"))
}

/// The elements the grammar knows, classified once per start tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tag {
    MethodCall,
    MethodResponse,
    MethodName,
    Params,
    Param,
    Fault,
    Value,
    Data,
    Member,
    Name,
    Ty(Ty),
    Unknown,
}

/// Value type elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ty {
    Int,
    I4,
    I8,
    Boolean,
    String,
    Double,
    DateTime,
    Base64,
    Array,
    Struct,
    Nil,
    ExNil,
    ExI1,
    ExI2,
    ExI8,
    ExFloat,
}

impl Ty {
    fn name(self) -> &'static str {
        match self {
            Ty::Int => "int",
            Ty::I4 => "i4",
            Ty::I8 => "i8",
            Ty::Boolean => "boolean",
            Ty::String => "string",
            Ty::Double => "double",
            Ty::DateTime => "dateTime.iso8601",
            Ty::Base64 => "base64",
            Ty::Array => "array",
            Ty::Struct => "struct",
            Ty::Nil => "nil",
            Ty::ExNil => "ex:nil",
            Ty::ExI1 => "ex:i1",
            Ty::ExI2 => "ex:i2",
            Ty::ExI8 => "ex:i8",
            Ty::ExFloat => "ex:float",
        }
    }
}

fn classify(name: &[u8], profile: Profile) -> Tag {
    // The length first, so each arm compares one constant-length name (inlined, no chain of
    // `memcmp` calls).
    let plain = |n: &[u8]| -> Tag {
        match (n.len(), n) {
            (2, b"i4") => Tag::Ty(Ty::I4),
            (2, b"i8") => Tag::Ty(Ty::I8),
            (3, b"int") => Tag::Ty(Ty::Int),
            (3, b"nil") => Tag::Ty(Ty::Nil),
            (4, b"data") => Tag::Data,
            (4, b"name") => Tag::Name,
            (5, b"value") => Tag::Value,
            (5, b"param") => Tag::Param,
            (5, b"fault") => Tag::Fault,
            (5, b"array") => Tag::Ty(Ty::Array),
            (6, b"params") => Tag::Params,
            (6, b"member") => Tag::Member,
            (6, b"string") => Tag::Ty(Ty::String),
            (6, b"double") => Tag::Ty(Ty::Double),
            (6, b"base64") => Tag::Ty(Ty::Base64),
            (6, b"struct") => Tag::Ty(Ty::Struct),
            (7, b"boolean") => Tag::Ty(Ty::Boolean),
            (10, b"methodCall") => Tag::MethodCall,
            (10, b"methodName") => Tag::MethodName,
            (14, b"methodResponse") => Tag::MethodResponse,
            (16, b"dateTime.iso8601") => Tag::Ty(Ty::DateTime),
            _ => Tag::Unknown,
        }
    };
    let ex = |n: &[u8]| -> Tag {
        match n {
            b"nil" => Tag::Ty(Ty::ExNil),
            b"i1" => Tag::Ty(Ty::ExI1),
            b"i2" => Tag::Ty(Ty::ExI2),
            b"i8" => Tag::Ty(Ty::ExI8),
            b"float" => Tag::Ty(Ty::ExFloat),
            _ => Tag::Unknown,
        }
    };
    // No plain name holds a ':', so a plain match is the answer under every profile.
    let t = plain(name);
    if t != Tag::Unknown {
        return t;
    }
    match (name.iter().rposition(|&c| c == b':'), profile) {
        (None, Profile::Lenient) => ex(name),
        (None, _) => Tag::Unknown,
        (Some(_), Profile::Strict) => Tag::Unknown,
        (Some(i), Profile::ApacheExtensions) if &name[..i] == b"ex" => ex(&name[i + 1..]),
        (Some(_), Profile::ApacheExtensions) => Tag::Unknown,
        // Python strips any namespace prefix ("tag.split(':')[-1]") and knows i1, i2, float.
        (Some(i), _) => {
            let local = &name[i + 1..];
            match plain(local) {
                Tag::Ty(Ty::Nil) | Tag::Ty(Ty::I8) if &name[..i] == b"ex" => ex(local),
                Tag::Unknown => ex(local),
                t => t,
            }
        }
    }
}

/// A lexer token: text runs are joined, comments and PIs are gone.
#[derive(Debug)]
enum Tok<'a> {
    Start {
        tag: Tag,
        empty: bool,
        offset: usize,
        name_len: usize,
    },
    End {
        offset: usize,
    },
    Text {
        text: Cow<'a, str>,
        offset: usize,
    },
    Eof {
        offset: usize,
    },
}

struct Parser<'a, 'l> {
    scan: Scanner<'a>,
    input: &'a str,
    base: usize,
    profile: Profile,
    limits: &'l Limits,
    peeked: Option<(Ev<'a>, usize)>,
    /// Whether the fast paths are taken (the general path alone reads the same documents to
    /// the same results: `decode_general`, compared by the `xmlrpc_differential` fuzz target).
    fast: bool,
}

impl<'a, 'l> Parser<'a, 'l> {
    fn new(input: &'a str, base: usize, profile: Profile, limits: &'l Limits, fast: bool) -> Self {
        Parser {
            scan: Scanner::new(input, base),
            input,
            base,
            profile,
            limits,
            peeked: None,
            fast,
        }
    }

    /// Fast path: white space, then the start tag `<name>` the grammar expects here (no
    /// attributes, not empty); its offset. `None`: take the general path, nothing was read.
    #[inline(always)]
    fn open(&mut self, name: &'static str) -> Option<usize> {
        if self.fast && self.peeked.is_none() {
            self.scan.open(name, true)
        } else {
            None
        }
    }

    /// Fast path: white space, then the end tag of the innermost element.
    #[inline]
    fn close(&mut self) -> bool {
        self.fast && self.peeked.is_none() && self.scan.close(true)
    }

    /// The next markup event and the offset where it starts.
    fn raw(&mut self) -> Result<(Ev<'a>, usize), Error> {
        if let Some(ev) = self.peeked.take() {
            return Ok(ev);
        }
        self.scan.next()
    }

    fn name_at(&self, offset: usize, name_len: usize) -> String {
        let start = offset - self.base + 1;
        self.input
            .get(start..start + name_len)
            .unwrap_or("?")
            .to_owned()
    }

    /// Classifies a start tag and checks its attributes.
    fn start(&self, name: &str, attrs: &str, empty: bool, offset: usize) -> Result<Tok<'a>, Error> {
        if !attrs.is_empty() {
            self.attributes(name, attrs, offset)?;
        }
        Ok(Tok::Start {
            tag: classify(name.as_bytes(), self.profile),
            empty,
            offset,
            name_len: name.len(),
        })
    }

    /// Attributes: well-formed, unique (WFC: Unique Att Spec, a hash set keeps it linear),
    /// references in values valid, and allowed by the profile.
    fn attributes(&self, name: &str, attrs: &'a str, offset: usize) -> Result<(), Error> {
        let mut seen = std::collections::HashSet::new();
        let at = offset + 1 + name.len();
        scan::attributes(attrs, at, |key, value, _| {
            if !seen.insert(key) {
                return Err(xml_error(offset, "duplicate attribute"));
            }
            self.unescape(value, offset)?;
            let allowed = match self.profile {
                Profile::Lenient => true,
                Profile::ApacheExtensions => key == "xmlns" || key.starts_with("xmlns:"),
                _ => false,
            };
            if !allowed {
                return Err(Error::UnexpectedAttribute {
                    offset,
                    element: name.to_owned(),
                });
            }
            Ok(())
        })
    }

    /// Character data as written: references resolved, newlines normalised (XML 1.0 §2.11);
    /// borrowed when it needs neither.
    fn unescape<'s>(&self, raw: &'s str, offset: usize) -> Result<Cow<'s, str>, Error> {
        let b = raw.as_bytes();
        if memchr::memchr(b'&', b).is_none() {
            return Ok(normalize_newlines(raw));
        }
        let mut out = String::with_capacity(raw.len());
        let mut from = 0;
        while let Some(k) = memchr::memchr(b'&', &b[from..]) {
            let amp = from + k;
            out.push_str(&normalize_newlines(&raw[from..amp]));
            let semi = memchr::memchr(b';', &b[amp + 1..])
                .ok_or_else(|| xml_error(offset + amp, "unterminated reference"))?;
            let name = &raw[amp + 1..amp + 1 + semi];
            out.push(self.resolve_ref(name, offset + amp)?);
            from = amp + 2 + semi;
        }
        out.push_str(&normalize_newlines(&raw[from..]));
        Ok(Cow::Owned(out))
    }

    /// Appends one piece of text to a run.
    fn push(acc: &mut Option<Cow<'a, str>>, piece: Cow<'a, str>) {
        match acc {
            None => *acc = Some(piece),
            Some(run) => run.to_mut().push_str(&piece),
        }
    }

    fn resolve_ref(&self, name: &str, offset: usize) -> Result<char, Error> {
        let c = match name.as_bytes() {
            b"amp" => '&',
            b"lt" => '<',
            b"gt" => '>',
            b"quot" => '"',
            b"apos" => '\'',
            [b'#', rest @ ..] => {
                let (digits, radix) = match rest {
                    [b'x', hex @ ..] => (hex, 16),
                    dec => (dec, 10),
                };
                let bad = || xml_error(offset, "invalid character reference");
                let digits = std::str::from_utf8(digits).map_err(|_| bad())?;
                if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
                    return Err(bad());
                }
                let n = u32::from_str_radix(digits, radix).map_err(|_| bad())?;
                let c = char::from_u32(n).filter(|&c| c != '\0').ok_or_else(bad)?;
                // WFC: Legal Char. Lenient takes what XML 1.1 allows (Python's expat does not).
                if !legal_char(c) && !self.profile.lenient() {
                    return Err(Error::InvalidChar { offset, ch: n });
                }
                c
            }
            // XML 1.0 §4.1: "EntityRef ::= '&' Name ';'".
            _ if !scan::valid_name(name) => return Err(xml_error(offset, "malformed reference")),
            _ => {
                return Err(Error::UnknownEntity {
                    offset,
                    name: name.to_owned(),
                })
            }
        };
        Ok(c)
    }

    /// The next token, joining text, CDATA and references, skipping comments and PIs.
    fn tok(&mut self) -> Result<Tok<'a>, Error> {
        // Fast path: a tag, or plain text followed by a tag (the run cannot grow).
        let (ev, offset) = self.raw()?;
        match ev {
            Ev::Start { name, attrs, empty } => self.start(name, attrs, empty, offset),
            Ev::End => Ok(Tok::End { offset }),
            Ev::Text(t, true) => {
                let next = self.raw()?;
                if matches!(next.0, Ev::Start { .. } | Ev::End) {
                    self.peeked = Some(next);
                    return Ok(Tok::Text {
                        text: Cow::Borrowed(t),
                        offset,
                    });
                }
                self.peeked = Some(next);
                self.tok_joined(Some(Cow::Borrowed(t)), offset)
            }
            other => {
                self.peeked = Some((other, offset));
                self.tok_joined(None, 0)
            }
        }
    }

    /// [`Self::tok`] for the rest: joins text, CDATA and references into one run that began
    /// with `run` at `run_offset`, skipping comments and PIs.
    fn tok_joined(
        &mut self,
        mut run: Option<Cow<'a, str>>,
        mut run_offset: usize,
    ) -> Result<Tok<'a>, Error> {
        loop {
            let (ev, offset) = self.raw()?;
            if run.is_none() {
                run_offset = offset;
            }
            let piece: Cow<'a, str> = match ev {
                Ev::Text(t, true) => Cow::Borrowed(t),
                Ev::Text(t, false) => {
                    // XML 1.0 §2.4: "The right angle bracket (>) ... MUST ... be escaped ... when it
                    // appears in the string ']]>' in content".
                    if memchr::memchr(b']', t.as_bytes()).is_some() {
                        if let Some(at) = memchr::memmem::find(t.as_bytes(), b"]]>") {
                            return Err(xml_error(offset + at, "']]>' in text"));
                        }
                    }
                    self.unescape(t, offset)?
                }
                Ev::CData(t) => normalize_newlines(t),
                Ev::Misc => continue,
                other => {
                    if let Some(text) = run {
                        self.peeked = Some((other, offset));
                        return Ok(Tok::Text {
                            text,
                            offset: run_offset,
                        });
                    }
                    return match other {
                        Ev::Start { name, attrs, empty } => self.start(name, attrs, empty, offset),
                        Ev::End => Ok(Tok::End { offset }),
                        Ev::Eof => Ok(Tok::Eof { offset }),
                        Ev::Decl(_) => Err(xml_error(offset, "XML declaration not at the start")),
                        _ => Err(xml_error(offset, "unexpected markup")),
                    };
                }
            };
            Self::push(&mut run, piece);
        }
    }

    /// The next token that is not blank text; other text is an error.
    fn sig(&mut self, expected: &'static str) -> Result<Tok<'a>, Error> {
        if self.peeked.is_none() {
            self.scan.skip_blank_before_tag();
        }
        loop {
            match self.tok()? {
                Tok::Text { text, offset } => {
                    if !is_blank(&text) {
                        return Err(Error::UnexpectedText { offset, expected });
                    }
                }
                Tok::Eof { offset } => return Err(Error::UnexpectedEof { offset, expected }),
                t => return Ok(t),
            }
        }
    }

    fn unexpected(&self, tok: Tok<'a>, expected: &'static str) -> Error {
        match tok {
            Tok::Start {
                offset, name_len, ..
            } => Error::UnexpectedElement {
                offset,
                found: self.name_at(offset, name_len),
                expected,
            },
            Tok::End { offset } => Error::UnexpectedElement {
                offset,
                found: "end tag".into(),
                expected,
            },
            Tok::Text { offset, .. } => Error::UnexpectedText { offset, expected },
            Tok::Eof { offset } => Error::UnexpectedEof { offset, expected },
        }
    }

    fn expect_end(&mut self, expected: &'static str) -> Result<(), Error> {
        match self.sig(expected)? {
            Tok::End { .. } => Ok(()),
            t => Err(self.unexpected(t, expected)),
        }
    }

    /// The text content of a leaf element whose start tag was just read.
    fn leaf_text(&mut self, empty: bool, expected: &'static str) -> Result<Cow<'a, str>, Error> {
        if empty {
            return Ok(Cow::Borrowed(""));
        }
        if self.fast && self.peeked.is_none() {
            if let Some(text) = self.scan.leaf() {
                return Ok(Cow::Borrowed(text));
            }
        }
        match self.tok()? {
            Tok::End { .. } => Ok(Cow::Borrowed("")),
            Tok::Text { text, .. } => match self.tok()? {
                Tok::End { .. } => Ok(text),
                t => Err(self.unexpected(t, expected)),
            },
            t => Err(self.unexpected(t, expected)),
        }
    }

    fn document(&mut self) -> Result<Message<'a>, Error> {
        let mut first = true;
        // Fast path: the XML declaration as most encoders write it (version 1.0 alone).
        if self.fast
            && (self.scan.skip(b"<?xml version='1.0'?>")
                || self.scan.skip(b"<?xml version=\"1.0\"?>"))
        {
            first = false;
        }
        let root = loop {
            // Fast path: (white space, then) the root's start tag as usually written.
            if self.fast && self.peeked.is_none() {
                if let Some(offset) = self.scan.open("methodCall", true) {
                    break Tok::Start {
                        tag: Tag::MethodCall,
                        empty: false,
                        offset,
                        name_len: 10,
                    };
                }
                if let Some(offset) = self.scan.open("methodResponse", true) {
                    break Tok::Start {
                        tag: Tag::MethodResponse,
                        empty: false,
                        offset,
                        name_len: 14,
                    };
                }
            }
            let (ev, offset) = self.raw()?;
            match ev {
                Ev::Decl(d) if first && offset == self.base => self.decl(d, offset)?,
                Ev::Misc => {}
                Ev::Text(t, _) if is_blank(t) => {}
                Ev::Start {
                    name,
                    attrs,
                    empty: false,
                } => break self.start(name, attrs, false, offset)?,
                Ev::Start {
                    name,
                    attrs,
                    empty: true,
                } => {
                    let t = self.start(name, attrs, true, offset)?;
                    return Err(self.unexpected(t, "<methodCall> or <methodResponse> with content"));
                }
                Ev::Eof => {
                    return Err(Error::UnexpectedEof {
                        offset,
                        expected: "<methodCall> or <methodResponse>",
                    })
                }
                Ev::Decl(_) => return Err(xml_error(offset, "XML declaration not at the start")),
                _ => {
                    return Err(Error::UnexpectedText {
                        offset,
                        expected: "the root element",
                    })
                }
            }
            first = false;
        };
        let message = match root {
            Tok::Start {
                tag: Tag::MethodCall,
                ..
            } => self.method_call()?,
            Tok::Start {
                tag: Tag::MethodResponse,
                offset,
                ..
            } => self.method_response(offset)?,
            t => return Err(self.unexpected(t, "<methodCall> or <methodResponse>")),
        };
        // "Misc*" after the root: comments, PIs, whitespace.
        loop {
            let (ev, offset) = self.raw()?;
            match ev {
                Ev::Eof => return Ok(message),
                Ev::Misc => {}
                Ev::Text(t, _) if is_blank(t) => {}
                _ => return Err(Error::TrailingContent { offset }),
            }
        }
    }

    /// `<?xml version="1.0" encoding="..." standalone="..."?>` (XML 1.0 §2.8, in that order,
    /// version required): we read UTF-8 only.
    fn decl(&self, body: &str, offset: usize) -> Result<(), Error> {
        let mut version = None;
        let mut encoding = None;
        let mut next = 0;
        scan::attributes(body, offset + 5, |key, value, _| {
            let order = ["version", "encoding", "standalone"];
            let Some(i) = order.iter().position(|k| *k == key) else {
                return Err(xml_error(
                    offset,
                    format_args!("unknown {key} in the XML declaration"),
                ));
            };
            if i < next || (i > 0 && version.is_none()) {
                return Err(xml_error(offset, "malformed XML declaration"));
            }
            next = i + 1;
            match i {
                0 => version = Some(value),
                1 => encoding = Some(value),
                _ if !matches!(value, "yes" | "no") => {
                    return Err(xml_error(offset, "standalone must be yes or no"))
                }
                _ => {}
            }
            Ok(())
        })?;
        let version =
            version.ok_or_else(|| xml_error(offset, "XML declaration without version"))?;
        let version_ok = match version {
            "1.0" => true,
            // Lenient reads any `1.x` as expat does: XML 1.0 (Second Edition) §2.8 "VersionNum
            // ::= ([a-zA-Z0-9_.:] | '-')+" after `1.` (`1.a` is taken, `1.\r` is not).
            v => {
                self.profile.lenient()
                    && v.strip_prefix("1.").is_some_and(|d| {
                        d.bytes().all(|b| {
                            b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b':' | b'-')
                        })
                    })
            }
        };
        if !version_ok {
            return Err(xml_error(offset, "XML version must be 1.0"));
        }
        if let Some(enc) = encoding {
            let is = |names: &[&str]| names.iter().any(|n| enc.eq_ignore_ascii_case(n));
            let ok = if is(&["utf-8", "utf8"]) {
                true
            } else {
                let ascii_only = self.input.is_ascii();
                match enc.to_ascii_lowercase().as_str() {
                    "us-ascii" | "ascii" => ascii_only,
                    // Python writes `encoding='iso-8859-1'` when asked; harmless for ASCII content.
                    "iso-8859-1" | "latin-1" | "latin1" | "windows-1252" => {
                        self.profile.lenient() && ascii_only
                    }
                    _ => false,
                }
            };
            if !ok {
                return Err(Error::UnsupportedEncoding {
                    offset,
                    encoding: enc.to_ascii_lowercase(),
                });
            }
        }
        Ok(())
    }

    fn method_call(&mut self) -> Result<Message<'a>, Error> {
        let opened = self.open("methodName").map(|offset| (false, offset));
        let (empty, offset) = match opened {
            Some(o) => o,
            None => match self.sig("<methodName>")? {
                Tok::Start {
                    tag: Tag::MethodName,
                    empty,
                    offset,
                    ..
                } => (empty, offset),
                t => return Err(self.unexpected(t, "<methodName>")),
            },
        };
        let method = self.leaf_text(empty, "the method name text")?;
        // Spec: "The string may only contain identifier characters, upper and lower-case A-Z,
        // the numeric characters, 0-9, underscore, dot, colon and slash."
        let name_ok = method
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b':' | b'/'));
        if !self.profile.lenient() && (method.is_empty() || !name_ok) {
            return Err(Error::InvalidMethodName { offset });
        }
        let params = if self.open("params").is_some() {
            self.params(false)?
        } else {
            match self.sig("<params> or </methodCall>")? {
                Tok::End { .. } => {
                    return Ok(Message::Call(MethodCall {
                        method,
                        params: vec![],
                    }))
                }
                Tok::Start {
                    tag: Tag::Params,
                    empty,
                    ..
                } => self.params(empty)?,
                t => return Err(self.unexpected(t, "<params> or </methodCall>")),
            }
        };
        if !self.close() {
            self.expect_end("</methodCall>")?;
        }
        Ok(Message::Call(MethodCall { method, params }))
    }

    fn params(&mut self, empty: bool) -> Result<Vec<Value<'a>>, Error> {
        let mut out = Vec::new();
        if empty {
            return Ok(out);
        }
        loop {
            if let Some(offset) = self.open("param") {
                out.push(self.param(false, offset)?);
                continue;
            }
            if self.close() {
                return Ok(out);
            }
            match self.sig("<param> or </params>")? {
                Tok::End { .. } => return Ok(out),
                Tok::Start {
                    tag: Tag::Param,
                    empty,
                    offset,
                    ..
                } => out.push(self.param(empty, offset)?),
                t => return Err(self.unexpected(t, "<param> or </params>")),
            }
        }
    }

    /// Spec: "a `<params>` ... can contain any number of `<param>`s, each of which has a `<value>`."
    fn param(&mut self, empty: bool, offset: usize) -> Result<Value<'a>, Error> {
        if empty {
            return Err(Error::ParamShape { offset });
        }
        let value = if self.open("value").is_some() {
            self.value(false, 0)?
        } else {
            match self.sig("<value>")? {
                Tok::Start {
                    tag: Tag::Value,
                    empty,
                    ..
                } => self.value(empty, 0)?,
                Tok::End { .. } => return Err(Error::ParamShape { offset }),
                t => return Err(self.unexpected(t, "<value>")),
            }
        };
        if self.close() {
            return Ok(value);
        }
        match self.sig("</param>")? {
            Tok::End { .. } => Ok(value),
            Tok::Start {
                tag: Tag::Value, ..
            } => Err(Error::ParamShape { offset }),
            t => Err(self.unexpected(t, "</param>")),
        }
    }

    fn method_response(&mut self, root: usize) -> Result<Message<'a>, Error> {
        const EXPECTED: &str = "<params> or <fault>";
        let first = if let Some(offset) = self.open("params") {
            Tok::Start {
                tag: Tag::Params,
                empty: false,
                offset,
                name_len: 6,
            }
        } else if let Some(offset) = self.open("fault") {
            Tok::Start {
                tag: Tag::Fault,
                empty: false,
                offset,
                name_len: 5,
            }
        } else {
            self.sig(EXPECTED)?
        };
        let message = match first {
            Tok::Start {
                tag: Tag::Params,
                empty,
                offset,
                ..
            } => {
                let params = self.params(empty)?;
                // Spec: "The body of the response ... contains a single <params> which contains
                // a single <param> which contains a single <value>."
                if params.len() != 1 && !self.profile.lenient() {
                    return Err(Error::ResponseShape {
                        offset,
                        reason: "a response carries exactly one param",
                    });
                }
                Message::Response(MethodResponse { params })
            }
            Tok::Start {
                tag: Tag::Fault,
                empty: false,
                offset,
                ..
            } => {
                let value = if self.open("value").is_some() {
                    self.value(false, 0)?
                } else {
                    match self.sig("<value>")? {
                        Tok::Start {
                            tag: Tag::Value,
                            empty,
                            ..
                        } => self.value(empty, 0)?,
                        t => return Err(self.unexpected(t, "<value>")),
                    }
                };
                if !self.close() {
                    self.expect_end("</fault>")?;
                }
                let fault = Fault::from_value(value, self.profile.lenient())
                    .map_err(|reason| Error::FaultShape { offset, reason })?;
                Message::Fault(fault)
            }
            Tok::End { .. } => {
                return Err(Error::ResponseShape {
                    offset: root,
                    reason: "neither params nor fault",
                })
            }
            t => return Err(self.unexpected(t, EXPECTED)),
        };
        // Spec: "The body of the response ... could also contain a <fault>" -- not both.
        if self.close() {
            return Ok(message);
        }
        match self.sig("</methodResponse>")? {
            Tok::End { .. } => Ok(message),
            Tok::Start {
                tag: Tag::Params | Tag::Fault,
                offset,
                ..
            } => Err(Error::ResponseShape {
                offset,
                reason: "a response holds params or a fault, not both",
            }),
            t => Err(self.unexpected(t, "</methodResponse>")),
        }
    }

    /// A `<value>` whose start tag was just read. `depth` counts enclosing arrays and structs.
    fn value(&mut self, empty: bool, depth: usize) -> Result<Value<'a>, Error> {
        if empty {
            return Ok(Value::Untyped(Cow::Borrowed("")));
        }
        const EXPECTED: &str = "text or one type element in <value>";
        if self.fast && self.peeked.is_none() {
            if let Some((name, offset)) = self.scan.open_any() {
                let Tag::Ty(ty) = classify(name.as_bytes(), self.profile) else {
                    return Err(Error::UnknownType {
                        offset,
                        tag: name.to_owned(),
                    });
                };
                let value = self.typed(ty, false, offset, depth)?;
                if self.close() {
                    return Ok(value);
                }
                return match self.sig("</value>")? {
                    Tok::End { .. } => Ok(value),
                    t => Err(self.unexpected(t, "</value> (one type element per value)")),
                };
            }
        }
        let (tag, empty, offset, name_len) = match self.tok()? {
            Tok::End { .. } => return Ok(Value::Untyped(Cow::Borrowed(""))),
            Tok::Text { text, offset } => match self.tok()? {
                // Spec: "If no type is indicated, the type is string."
                Tok::End { .. } => return Ok(Value::Untyped(text)),
                Tok::Start {
                    tag,
                    empty,
                    offset,
                    name_len,
                } if is_blank(&text) => (tag, empty, offset, name_len),
                Tok::Start { .. } => {
                    return Err(Error::UnexpectedText {
                        offset,
                        expected: EXPECTED,
                    })
                }
                t => return Err(self.unexpected(t, "</value>")),
            },
            Tok::Start {
                tag,
                empty,
                offset,
                name_len,
            } => (tag, empty, offset, name_len),
            t => return Err(self.unexpected(t, EXPECTED)),
        };
        let Tag::Ty(ty) = tag else {
            return Err(Error::UnknownType {
                offset,
                tag: self.name_at(offset, name_len),
            });
        };
        let value = self.typed(ty, empty, offset, depth)?;
        match self.sig("</value>")? {
            Tok::End { .. } => Ok(value),
            t => Err(self.unexpected(t, "</value> (one type element per value)")),
        }
    }

    fn typed(
        &mut self,
        ty: Ty,
        empty: bool,
        offset: usize,
        depth: usize,
    ) -> Result<Value<'a>, Error> {
        let lenient = self.profile.lenient();
        match ty {
            Ty::Int | Ty::I4 | Ty::I8 | Ty::ExI1 | Ty::ExI2 | Ty::ExI8 => {
                let text = self.leaf_text(empty, "integer text")?;
                int(&text, ty, lenient, offset)
            }
            Ty::Boolean => {
                // Spec: "boolean: 0 (false) or 1 (true)". Python's unmarshaller agrees exactly.
                match &*self.leaf_text(empty, "0 or 1")? {
                    "0" => Ok(Value::Boolean(false)),
                    "1" => Ok(Value::Boolean(true)),
                    _ => Err(Error::InvalidBoolean { offset }),
                }
            }
            Ty::String => Ok(Value::String(self.leaf_text(empty, "string text")?)),
            Ty::Double | Ty::ExFloat => {
                let text = self.leaf_text(empty, "double text")?;
                double(&text, ty, lenient, offset)
            }
            Ty::DateTime => {
                let text = self.leaf_text(empty, "dateTime text")?;
                if !lenient && !datetime::is_strict(&text) {
                    return Err(Error::InvalidDateTime { offset });
                }
                Ok(Value::DateTime(DateTime::from_text(text)))
            }
            Ty::Base64 => {
                let b = Base64::from_text(self.leaf_text(empty, "base64 text")?);
                b.validate(lenient)
                    .map_err(|_| Error::InvalidBase64 { offset })?;
                Ok(Value::Base64(b))
            }
            Ty::Nil | Ty::ExNil => {
                if !self.leaf_text(empty, "nothing in <nil>")?.is_empty() {
                    return Err(Error::UnexpectedText {
                        offset,
                        expected: "nothing in <nil>",
                    });
                }
                Ok(if ty == Ty::Nil {
                    Value::Nil
                } else {
                    Value::ExNil
                })
            }
            Ty::Array => {
                let depth = self.deeper(depth, offset)?;
                if empty {
                    return if lenient {
                        Ok(Value::Array(vec![]))
                    } else {
                        Err(Error::UnexpectedElement {
                            offset,
                            found: "array/".into(),
                            expected: "<array><data>",
                        })
                    };
                }
                // Spec: "An <array> contains a single <data> element, which can contain any
                // number of <value>s."
                let data_empty = if self.open("data").is_some() {
                    false
                } else {
                    match self.sig("<data>")? {
                        Tok::Start {
                            tag: Tag::Data,
                            empty,
                            ..
                        } => empty,
                        t => return Err(self.unexpected(t, "<data>")),
                    }
                };
                let mut items = Vec::new();
                if !data_empty {
                    loop {
                        if self.open("value").is_some() {
                            items.push(self.value(false, depth)?);
                            continue;
                        }
                        if self.close() {
                            break;
                        }
                        match self.sig("<value> or </data>")? {
                            Tok::End { .. } => break,
                            Tok::Start {
                                tag: Tag::Value,
                                empty,
                                ..
                            } => items.push(self.value(empty, depth)?),
                            t => return Err(self.unexpected(t, "<value> or </data>")),
                        }
                    }
                }
                if !self.close() {
                    self.expect_end("</array>")?;
                }
                Ok(Value::Array(items))
            }
            Ty::Struct => {
                let depth = self.deeper(depth, offset)?;
                let mut members = Vec::new();
                if empty {
                    return Ok(Value::Struct(members));
                }
                loop {
                    if let Some(offset) = self.open("member") {
                        members.push(self.member(false, offset, depth)?);
                        continue;
                    }
                    if self.close() {
                        return Ok(Value::Struct(members));
                    }
                    match self.sig("<member> or </struct>")? {
                        Tok::End { .. } => return Ok(Value::Struct(members)),
                        Tok::Start {
                            tag: Tag::Member,
                            empty,
                            offset,
                            ..
                        } => members.push(self.member(empty, offset, depth)?),
                        t => return Err(self.unexpected(t, "<member> or </struct>")),
                    }
                }
            }
        }
    }

    fn deeper(&self, depth: usize, offset: usize) -> Result<usize, Error> {
        if depth >= self.limits.max_depth {
            return Err(Error::TooDeep {
                offset,
                limit: self.limits.max_depth,
            });
        }
        Ok(depth + 1)
    }

    /// Spec: "A `<struct>` contains `<member>`s and each `<member>` contains a `<name>` and a `<value>`."
    fn member(&mut self, empty: bool, offset: usize, depth: usize) -> Result<Member<'a>, Error> {
        if empty {
            return Err(Error::MemberShape { offset });
        }
        let name = if self.open("name").is_some() {
            self.leaf_text(false, "the member name")?
        } else {
            match self.sig("<name>")? {
                Tok::Start {
                    tag: Tag::Name,
                    empty,
                    ..
                } => self.leaf_text(empty, "the member name")?,
                Tok::Start {
                    tag: Tag::Value, ..
                }
                | Tok::End { .. } => return Err(Error::MemberShape { offset }),
                t => return Err(self.unexpected(t, "<name>")),
            }
        };
        let value = if self.open("value").is_some() {
            self.value(false, depth)?
        } else {
            match self.sig("<value>")? {
                Tok::Start {
                    tag: Tag::Value,
                    empty,
                    ..
                } => self.value(empty, depth)?,
                Tok::Start { tag: Tag::Name, .. } | Tok::End { .. } => {
                    return Err(Error::MemberShape { offset })
                }
                t => return Err(self.unexpected(t, "<value>")),
            }
        };
        if self.close() {
            return Ok(Member { name, value });
        }
        match self.sig("</member>")? {
            Tok::End { .. } => Ok(Member { name, value }),
            Tok::Start {
                tag: Tag::Name | Tag::Value,
                ..
            } => Err(Error::MemberShape { offset }),
            t => Err(self.unexpected(t, "</member>")),
        }
    }
}

/// Integers. Spec: "int: four-byte signed integer"; "Integers may have a leading plus or minus
/// sign; no other characters are allowed" (1999 spec clarification: "You can include a plus or
/// minus at the beginning of a string of numeric characters"). Lenient follows Python's
/// `int()`: surrounding whitespace and `_` between digits, any magnitude that fits 64 bits
/// (an out-of-range `int`/`i4` becomes `I8`).
fn int<'a>(text: &str, ty: Ty, lenient: bool, offset: usize) -> Result<Value<'a>, Error> {
    let tag = ty.name();
    let invalid = || Error::InvalidInt { offset, tag };
    let s = if lenient {
        text.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
    } else {
        text
    };
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let db = digits.as_bytes();
    if db.is_empty() || !db[0].is_ascii_digit() || !db[db.len() - 1].is_ascii_digit() {
        return Err(invalid());
    }
    let mut n: i128 = 0;
    let mut prev_underscore = false;
    for &c in db {
        match c {
            b'0'..=b'9' => {
                // Saturate: anything past i64 is out of range for every tag.
                n = (n * 10 + i128::from(c - b'0')).min(i128::from(u64::MAX));
                prev_underscore = false;
            }
            b'_' if lenient && !prev_underscore => prev_underscore = true,
            _ => return Err(invalid()),
        }
    }
    let n = if neg { -n } else { n };
    let out_of_range = || Error::IntOutOfRange { offset, tag };
    Ok(match ty {
        Ty::Int | Ty::I4 => match i32::try_from(n) {
            Ok(v) if ty == Ty::Int => Value::Int(v),
            Ok(v) => Value::I4(v),
            Err(_) if lenient => Value::I8(i64::try_from(n).map_err(|_| out_of_range())?),
            Err(_) => return Err(out_of_range()),
        },
        Ty::I8 => Value::I8(i64::try_from(n).map_err(|_| out_of_range())?),
        Ty::ExI8 => Value::ExI8(i64::try_from(n).map_err(|_| out_of_range())?),
        Ty::ExI1 => Value::ExI1(i8::try_from(n).map_err(|_| out_of_range())?),
        _ => Value::ExI2(i16::try_from(n).map_err(|_| out_of_range())?),
    })
}

/// Doubles. Spec: "At this time, only decimal point notation is allowed, a plus or a minus,
/// followed by any number of numeric characters, followed by a period and any number of
/// numeric characters. Whitespace is not allowed." and "There is no representation for
/// infinity or negative infinity or 'not a number'". Lenient follows Python's `float()`:
/// whitespace, exponents, `inf`, `nan`.
fn double<'a>(text: &str, ty: Ty, lenient: bool, offset: usize) -> Result<Value<'a>, Error> {
    let invalid = || Error::InvalidDouble { offset };
    let s = if lenient {
        text.trim_matches(|c| matches!(c, ' ' | '\t' | '\n' | '\r'))
    } else {
        let body = s_strip_sign(text);
        let mut dots = 0;
        let mut digits = 0;
        for c in body.bytes() {
            match c {
                b'0'..=b'9' => digits += 1,
                b'.' => dots += 1,
                _ => return Err(invalid()),
            }
        }
        if digits == 0 || dots > 1 {
            return Err(invalid());
        }
        text
    };
    if ty == Ty::ExFloat {
        let f: f32 = s.parse().map_err(|_| invalid())?;
        if !lenient && !f.is_finite() {
            return Err(invalid());
        }
        return Ok(Value::ExFloat(f));
    }
    let f: f64 = s.parse().map_err(|_| invalid())?;
    if !lenient && !f.is_finite() {
        return Err(invalid());
    }
    Ok(Value::Double(f))
}

fn s_strip_sign(s: &str) -> &str {
    s.strip_prefix(['+', '-']).unwrap_or(s)
}
