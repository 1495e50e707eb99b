//! TJSONProtocol: Apache Thrift's JSON protocol, read into and written from the owned value
//! model ([`OwnedMessage`]).
//!
//! The format, as the reference libraries (C++ `TJSONProtocol.cpp`, Java, Python
//! `TJSONProtocol.py`) write it:
//! - a message is `[1,"name",type,seqid,{struct}]` (1: the protocol version);
//! - a struct is `{"id":{"type":value},...}`, field ids as JSON strings, types by short name:
//!   `tf` bool (written `1`/`0`), `i8`, `i16`, `i32`, `i64`, `dbl`, `str` (string and binary),
//!   `rec` struct, `lst`, `set`, `map`, `uid` (uuid);
//! - a list or set is `["type",count,elements...]`, a map `["ktype","vtype",count,{k:v,...}]`;
//!   a map key that is a number (or bool) is written as a JSON string (`"1"`);
//! - doubles that JSON cannot hold are the strings `"NaN"`, `"Infinity"`, `"-Infinity"`.
//!
//! **Schema-less, like the rest of the module:** on the wire a `binary` field is the base64
//! text of its bytes and a `string` field the text itself, both under `str`; without the IDL
//! the two cannot be told apart, so every `str` value is read as the bytes of the JSON string
//! (a binary field's value is its base64 text) and written back as that string.
//!
//! Not zero-copy: JSON strings carry escapes, so a decoded message owns its data. Limits are
//! checked as for the other protocols (depth, declared container counts, string lengths, the
//! message size); the reader is recursive, bounded by the depth limit.

use super::message::MessageType;
use super::value::{List, Map, Struct, Value};
use super::wire::TType;
use super::{Error, Framing, Limits, OwnedMessage, Profile};
use crate::Decoded;

/// The version TJSONProtocol writes first in every message.
pub const VERSION: i64 = 1;

/// The short name TJSONProtocol gives each type.
const NAMES: [(TType, &str); 12] = [
    (TType::Bool, "tf"),
    (TType::Byte, "i8"),
    (TType::I16, "i16"),
    (TType::I32, "i32"),
    (TType::I64, "i64"),
    (TType::Double, "dbl"),
    (TType::Binary, "str"),
    (TType::Struct, "rec"),
    (TType::Map, "map"),
    (TType::Set, "set"),
    (TType::List, "lst"),
    (TType::Uuid, "uid"),
];

fn type_name(t: TType) -> &'static str {
    NAMES
        .iter()
        .find(|(x, _)| *x == t)
        .map_or("str", |(_, n)| n)
}

fn type_named(n: &[u8]) -> Option<TType> {
    NAMES
        .iter()
        .find(|(_, x)| x.as_bytes() == n)
        .map(|(t, _)| *t)
}

/// Why a read stopped: the input ends, or it breaks a rule.
enum Stop {
    Short,
    Bad(Error),
}

impl From<Error> for Stop {
    fn from(e: Error) -> Self {
        Stop::Bad(e)
    }
}

struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    limits: &'a Limits,
    profile: Profile,
}

fn syntax(offset: usize, expected: &'static str) -> Stop {
    Stop::Bad(Error::Json { offset, expected })
}

impl<'a> Reader<'a> {
    fn ws(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.buf.get(self.pos) {
            self.pos += 1;
        }
    }

    fn peek(&mut self) -> Result<u8, Stop> {
        self.ws();
        self.buf.get(self.pos).copied().ok_or(Stop::Short)
    }

    fn expect(&mut self, c: u8, what: &'static str) -> Result<(), Stop> {
        if self.peek()? != c {
            return Err(syntax(self.pos, what));
        }
        self.pos += 1;
        Ok(())
    }

    /// A JSON string's bytes, unescaped.
    fn string(&mut self) -> Result<Vec<u8>, Stop> {
        self.expect(b'"', "a string")?;
        let start = self.pos;
        let mut out = Vec::new();
        loop {
            let b = *self.buf.get(self.pos).ok_or(Stop::Short)?;
            match b {
                b'"' => {
                    self.pos += 1;
                    return Ok(out);
                }
                b'\\' => {
                    let at = self.pos;
                    let e = *self.buf.get(self.pos + 1).ok_or(Stop::Short)?;
                    self.pos += 2;
                    let c = match e {
                        b'"' => b'"',
                        b'\\' => b'\\',
                        b'/' => b'/',
                        b'b' => 8,
                        b'f' => 12,
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'u' => {
                            let mut cp = self.hex4()?;
                            if (0xd800..0xdc00).contains(&cp) {
                                // A high surrogate: its low half must follow.
                                if self.buf.get(self.pos..self.pos + 2).is_none() {
                                    return Err(Stop::Short);
                                }
                                if &self.buf[self.pos..self.pos + 2] != b"\\u" {
                                    return Err(syntax(at, "a surrogate pair"));
                                }
                                self.pos += 2;
                                let lo = self.hex4()?;
                                if !(0xdc00..0xe000).contains(&lo) {
                                    return Err(syntax(at, "a surrogate pair"));
                                }
                                cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
                            } else if (0xdc00..0xe000).contains(&cp) {
                                return Err(syntax(at, "a surrogate pair"));
                            }
                            let ch = char::from_u32(cp).ok_or(syntax(at, "a code point"))?;
                            let mut utf8 = [0u8; 4];
                            out.extend_from_slice(ch.encode_utf8(&mut utf8).as_bytes());
                            self.check_len(start, out.len())?;
                            continue;
                        }
                        _ => return Err(syntax(at, "an escape")),
                    };
                    out.push(c);
                }
                // The reference writers put control characters other than \b \f \n \r \t out
                // raw (Python) or escaped (C++): both are read, as the reference readers do.
                _ => {
                    let run = self.buf[self.pos..]
                        .iter()
                        .position(|&c| c == b'"' || c == b'\\')
                        .unwrap_or(self.buf.len() - self.pos);
                    out.extend_from_slice(&self.buf[self.pos..self.pos + run]);
                    self.pos += run;
                }
            }
            self.check_len(start, out.len())?;
        }
    }

    fn check_len(&self, start: usize, len: usize) -> Result<(), Stop> {
        if len > self.limits.max_string {
            return Err(Stop::Bad(Error::StringLimit {
                offset: start,
                length: len as u64,
                limit: self.limits.max_string,
            }));
        }
        Ok(())
    }

    /// The four hex digits of a `\u` escape (RFC 8259 §7: `\u` followed by four hex digits;
    /// nothing else: no sign, which `from_str_radix` would take). A digit that is not one is
    /// an error at once, even before all four are there.
    fn hex4(&mut self) -> Result<u32, Stop> {
        let end = self.buf.len().min(self.pos + 4);
        let mut v = 0;
        for &c in &self.buf[self.pos..end] {
            let d = (c as char)
                .to_digit(16)
                .ok_or(syntax(self.pos, "4 hex digits"))?;
            v = v << 4 | d;
        }
        if end < self.pos + 4 {
            return Err(Stop::Short);
        }
        self.pos += 4;
        Ok(v)
    }

    /// The text of a JSON number (quoted when `quoted`: a map key).
    fn number_text(&mut self, quoted: bool) -> Result<(usize, &'a [u8]), Stop> {
        if quoted {
            self.expect(b'"', "a quoted number")?;
        } else {
            self.ws();
        }
        let start = self.pos;
        let len = self.buf[start..]
            .iter()
            .position(|c| !b"+-.0123456789Ee".contains(c))
            .ok_or(Stop::Short)?;
        self.pos += len;
        if quoted {
            self.expect(b'"', "the closing quote of a number")?;
        }
        if len == 0 {
            return Err(syntax(start, "a number"));
        }
        Ok((start, &self.buf[start..start + len]))
    }

    fn integer(&mut self, quoted: bool, min: i64, max: i64) -> Result<i64, Stop> {
        let (at, text) = self.number_text(quoted)?;
        let n: i64 = std::str::from_utf8(text)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or(syntax(at, "an integer"))?;
        if n < min || n > max {
            return Err(Stop::Bad(Error::IntegerRange {
                offset: at,
                value: n,
            }));
        }
        Ok(n)
    }

    /// A double: a JSON number, or (as a map key, or when JSON cannot hold it) a string
    /// holding one or `NaN`, `Infinity`, `-Infinity`.
    fn double(&mut self, key: bool) -> Result<f64, Stop> {
        if key || self.peek()? == b'"' {
            let at = self.pos;
            let s = self.string()?;
            return match s.as_slice() {
                b"NaN" => Ok(f64::NAN),
                b"Infinity" => Ok(f64::INFINITY),
                b"-Infinity" => Ok(f64::NEG_INFINITY),
                t if !t.is_empty() && t.iter().all(|c| b"+-.0123456789Ee".contains(c)) => {
                    std::str::from_utf8(t)
                        .ok()
                        .and_then(|s| s.parse().ok())
                        .ok_or(syntax(at, "a number"))
                }
                _ => Err(syntax(at, "a number, NaN, Infinity or -Infinity")),
            };
        }
        let (at, text) = self.number_text(false)?;
        std::str::from_utf8(text)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or(syntax(at, "a number"))
    }

    fn type_tag(&mut self) -> Result<TType, Stop> {
        let at = self.pos;
        let name = self.string()?;
        type_named(&name).ok_or(Stop::Bad(Error::Json {
            offset: at,
            expected: "a type name (tf, i8, i16, i32, i64, dbl, str, rec, lst, set, map, uid)",
        }))
    }

    fn count(&mut self, min_each: usize) -> Result<u32, Stop> {
        let at = self.peek().map(|_| self.pos)?;
        let n = self.integer(false, i64::MIN, i64::MAX)?;
        if n < 0 {
            return Err(Stop::Bad(Error::NegativeLength {
                offset: at,
                length: n,
            }));
        }
        if n > i64::from(self.limits.max_container) {
            return Err(Stop::Bad(Error::ElementLimit {
                offset: at,
                declared: u32::try_from(n).unwrap_or(u32::MAX),
                limit: self.limits.max_container,
            }));
        }
        // Every element takes at least `min_each` bytes (a digit and a comma).
        let need = (n as u64).saturating_mul(min_each as u64);
        if need > self.limits.max_message_size as u64 {
            return Err(Stop::Bad(Error::SizeLimit {
                offset: at,
                at_least: need,
                limit: self.limits.max_message_size,
            }));
        }
        Ok(n as u32)
    }

    fn comma(&mut self) -> Result<(), Stop> {
        self.expect(b',', "a comma")
    }

    /// A value of type `t`; `key`: in a map key's place (numbers and bools quoted).
    fn value(&mut self, t: TType, key: bool, depth: usize) -> Result<Value, Stop> {
        Ok(match t {
            TType::Bool => {
                let at = self.pos;
                let n = self.integer(key, i64::MIN, i64::MAX)?;
                if self.profile.is_strict() && n != 0 && n != 1 {
                    return Err(Stop::Bad(Error::InvalidBool {
                        offset: at,
                        byte: n as u8,
                    }));
                }
                Value::Bool(n != 0)
            }
            TType::Byte => Value::Byte(self.integer(key, i8::MIN.into(), i8::MAX.into())? as i8),
            TType::I16 => Value::I16(self.integer(key, i16::MIN.into(), i16::MAX.into())? as i16),
            TType::I32 => Value::I32(self.integer(key, i32::MIN.into(), i32::MAX.into())? as i32),
            TType::I64 => Value::I64(self.integer(key, i64::MIN, i64::MAX)?),
            TType::Double => Value::Double(self.double(key)?),
            TType::Binary => Value::Binary(self.string()?),
            TType::Uuid => {
                let at = self.pos;
                let s = self.string()?;
                Value::Uuid(parse_uuid(&s).ok_or(syntax(at, "a uuid"))?)
            }
            TType::Struct => Value::Struct(self.fields(depth + 1)?),
            TType::List | TType::Set => {
                self.enter(depth + 1)?;
                self.expect(b'[', "a list")?;
                let elem = self.type_tag()?;
                self.comma()?;
                let n = self.count(2)?;
                let mut items = Vec::with_capacity((n as usize).min(1024));
                for _ in 0..n {
                    self.comma()?;
                    items.push(self.value(elem, false, depth + 1)?);
                }
                self.expect(b']', "the end of a list (as many elements as its count)")?;
                let l = List::new(elem, items).expect("read as the element type");
                if t == TType::List {
                    Value::List(l)
                } else {
                    Value::Set(l)
                }
            }
            TType::Map => {
                self.enter(depth + 1)?;
                self.expect(b'[', "a map")?;
                let kt = self.type_tag()?;
                self.comma()?;
                let vt = self.type_tag()?;
                self.comma()?;
                let n = self.count(4)?;
                self.comma()?;
                self.expect(b'{', "a map's object")?;
                let mut entries = Vec::with_capacity((n as usize).min(1024));
                for i in 0..n {
                    if i > 0 {
                        self.comma()?;
                    }
                    let k = self.value(kt, true, depth + 1)?;
                    self.expect(b':', "a colon")?;
                    let v = self.value(vt, false, depth + 1)?;
                    entries.push((k, v));
                }
                self.expect(b'}', "the end of a map (as many entries as its count)")?;
                self.expect(b']', "the end of a map")?;
                Value::Map(Map::new(kt, vt, entries).expect("read as the key and value types"))
            }
        })
    }

    /// Opens a struct or container at nesting `depth` (the message body is 1).
    fn enter(&self, depth: usize) -> Result<(), Stop> {
        if depth > self.limits.depth() {
            return Err(Stop::Bad(Error::DepthLimit {
                offset: self.pos,
                limit: self.limits.depth(),
            }));
        }
        Ok(())
    }

    /// A struct's `{"id":{"type":value},...}`, `depth` levels down.
    fn fields(&mut self, depth: usize) -> Result<Struct, Stop> {
        self.enter(depth)?;
        self.expect(b'{', "a struct")?;
        let mut s = Struct::new();
        if self.peek()? == b'}' {
            self.pos += 1;
            return Ok(s);
        }
        loop {
            let at = self.pos;
            let id = self.integer(true, i64::MIN, i64::MAX)?;
            let id = i16::try_from(id).map_err(|_| {
                Stop::Bad(Error::FieldId {
                    offset: at,
                    id: i32::try_from(id).unwrap_or(i32::MAX),
                })
            })?;
            self.expect(b':', "a colon")?;
            self.expect(b'{', "a field's {\"type\": value}")?;
            let t = self.type_tag()?;
            self.expect(b':', "a colon")?;
            let v = self.value(t, false, depth)?;
            self.expect(b'}', "the end of a field (one type and value)")?;
            s.fields.push((id, v));
            match self.peek()? {
                b',' => self.pos += 1,
                b'}' => {
                    self.pos += 1;
                    return Ok(s);
                }
                _ => return Err(syntax(self.pos, "a comma or the end of a struct")),
            }
        }
    }

    fn message(&mut self) -> Result<OwnedMessage, Stop> {
        self.expect(b'[', "a message ([1,\"name\",type,seqid,{...}])")?;
        let at = self.pos;
        let version = self.integer(false, i64::MIN, i64::MAX)?;
        if version != VERSION {
            return Err(Stop::Bad(Error::BadVersion {
                offset: at,
                found: version as u32,
            }));
        }
        self.comma()?;
        let at = self.peek().map(|_| self.pos)?;
        let name = String::from_utf8(self.string()?)
            .map_err(|_| Stop::Bad(Error::InvalidUtf8 { offset: at }))?;
        self.comma()?;
        let at = self.peek().map(|_| self.pos)?;
        let k = self.integer(false, i64::MIN, i64::MAX)?;
        let kind = u8::try_from(k)
            .ok()
            .and_then(MessageType::from_u8)
            .ok_or(Stop::Bad(Error::MessageType {
                offset: at,
                found: k as u8,
            }))?;
        self.comma()?;
        let seqid = self.integer(false, i32::MIN.into(), i32::MAX.into())? as i32;
        self.comma()?;
        let body = self.fields(1)?;
        self.expect(b']', "the end of the message")?;
        Ok(OwnedMessage::new(name, kind, seqid, body))
    }
}

/// Decodes the TJSONProtocol message at the front of `buf`: complete (with the bytes used),
/// need-more (the input ends inside it; at least one more byte), or the first rule it breaks.
pub fn decode_with(
    buf: &[u8],
    limits: &Limits,
    profile: Profile,
) -> Result<Decoded<OwnedMessage>, Error> {
    let mut r = Reader {
        buf,
        pos: 0,
        limits,
        profile,
    };
    match r.message() {
        Ok(m) => {
            if r.pos > limits.max_message_size {
                return Err(Error::SizeLimit {
                    offset: 0,
                    at_least: r.pos as u64,
                    limit: limits.max_message_size,
                });
            }
            Ok(Decoded::Complete {
                value: m,
                used: r.pos,
            })
        }
        Err(Stop::Short) => {
            if buf.len() >= limits.max_message_size {
                return Err(Error::SizeLimit {
                    offset: 0,
                    at_least: buf.len() as u64 + 1,
                    limit: limits.max_message_size,
                });
            }
            Ok(Decoded::NeedMore { at_least: 1 })
        }
        Err(Stop::Bad(e)) => Err(e),
    }
}

/// [`decode_with`] over a transport: unframed, or framed (a 4-byte big-endian length, checked
/// against the limits before the payload is waited for, then exactly one message in the frame;
/// `used` counts the length too).
pub fn decode_framing(
    buf: &[u8],
    limits: &Limits,
    profile: Profile,
    framing: Framing,
) -> Result<Decoded<OwnedMessage>, Error> {
    if framing == Framing::Unframed {
        return decode_with(buf, limits, profile);
    }
    if framing == Framing::Header {
        // No peer carries TJSONProtocol (THeader protocol id 1) in THeader, nor does msgwire.
        return Err(Error::HeaderProtocol { offset: 0, id: 1 });
    }
    let Some(head) = buf.get(..4) else {
        return Ok(Decoded::NeedMore {
            at_least: 4 - buf.len(),
        });
    };
    let len = i32::from_be_bytes([head[0], head[1], head[2], head[3]]);
    let limit = limits.max_frame_size.min(limits.max_message_size);
    if len < 0 || len as usize > limit {
        return Err(Error::FrameSize {
            offset: 0,
            length: i64::from(len),
            limit,
        });
    }
    let end = 4 + len as usize;
    let Some(payload) = buf.get(4..end) else {
        return Ok(Decoded::NeedMore {
            at_least: end - buf.len(),
        });
    };
    match decode_with(payload, limits, profile).map_err(|e| e.shifted(4))? {
        Decoded::Complete { value, used } if used == payload.len() => {
            Ok(Decoded::Complete { value, used: end })
        }
        Decoded::Complete { used, .. } => Err(Error::TrailingBytes {
            offset: 4 + used,
            count: payload.len() - used,
        }),
        Decoded::NeedMore { at_least } => Err(Error::Truncated {
            offset: end,
            missing: at_least,
        }),
    }
}

/// Decodes one whole TJSONProtocol message with default limits and the strict profile.
pub fn decode(input: &[u8]) -> Result<OwnedMessage, Error> {
    match decode_with(input, &Limits::default(), Profile::Strict)? {
        Decoded::Complete { value, used } if used == input.len() => Ok(value),
        Decoded::Complete { used, .. } => Err(Error::TrailingBytes {
            offset: used,
            count: input.len() - used,
        }),
        Decoded::NeedMore { at_least } => Err(Error::Truncated {
            offset: input.len(),
            missing: at_least,
        }),
    }
}

// ---- writing

fn put_string(b: &[u8], out: &mut Vec<u8>) {
    out.push(b'"');
    for &c in b {
        match c {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            b'\n' => out.extend_from_slice(b"\\n"),
            b'\r' => out.extend_from_slice(b"\\r"),
            b'\t' => out.extend_from_slice(b"\\t"),
            8 => out.extend_from_slice(b"\\b"),
            12 => out.extend_from_slice(b"\\f"),
            0..=0x1f => out.extend_from_slice(format!("\\u{c:04x}").as_bytes()),
            _ => out.push(c),
        }
    }
    out.push(b'"');
}

/// A double as C's `%.17g` (what the reference writers print: 17 significant digits, trailing
/// zeros dropped, an exponent below 1e-4 or from 1e17).
fn put_double(f: f64, quoted: bool, out: &mut Vec<u8>) {
    if f.is_nan() {
        out.extend_from_slice(b"\"NaN\"");
        return;
    }
    if f.is_infinite() {
        out.extend_from_slice(if f > 0.0 {
            b"\"Infinity\""
        } else {
            b"\"-Infinity\""
        });
        return;
    }
    let sci = format!("{f:.16e}");
    let (mant, exp) = sci.split_once('e').expect("{:e} has an exponent");
    let exp: i32 = exp.parse().expect("an integer exponent");
    let text = if (-4..17).contains(&exp) {
        let decimals = (16 - exp).max(0) as usize;
        let s = format!("{f:.decimals$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    } else {
        let m = if mant.contains('.') {
            mant.trim_end_matches('0').trim_end_matches('.')
        } else {
            mant
        };
        format!("{m}e{}{:02}", if exp < 0 { '-' } else { '+' }, exp.abs())
    };
    if quoted {
        out.push(b'"');
    }
    out.extend_from_slice(text.as_bytes());
    if quoted {
        out.push(b'"');
    }
}

fn put_int(n: i64, quoted: bool, out: &mut Vec<u8>) {
    if quoted {
        out.extend_from_slice(format!("\"{n}\"").as_bytes());
    } else {
        out.extend_from_slice(n.to_string().as_bytes());
    }
}

fn put_value(v: &Value, key: bool, out: &mut Vec<u8>) {
    match v {
        Value::Bool(b) => put_int(i64::from(*b), key, out),
        Value::Byte(n) => put_int(i64::from(*n), key, out),
        Value::I16(n) => put_int(i64::from(*n), key, out),
        Value::I32(n) => put_int(i64::from(*n), key, out),
        Value::I64(n) => put_int(*n, key, out),
        Value::Double(f) => put_double(*f, key, out),
        Value::Binary(b) => put_string(b, out),
        Value::Uuid(u) => {
            let h: String = u.iter().map(|b| format!("{b:02x}")).collect();
            let s = format!(
                "{}-{}-{}-{}-{}",
                &h[..8],
                &h[8..12],
                &h[12..16],
                &h[16..20],
                &h[20..]
            );
            put_string(s.as_bytes(), out);
        }
        Value::Struct(s) => put_struct(s, out),
        Value::List(l) | Value::Set(l) => {
            out.push(b'[');
            put_string(type_name(l.elem_type()).as_bytes(), out);
            out.push(b',');
            put_int(l.items().len() as i64, false, out);
            for e in l.items() {
                out.push(b',');
                put_value(e, false, out);
            }
            out.push(b']');
        }
        Value::Map(m) => {
            out.push(b'[');
            put_string(type_name(m.key_type()).as_bytes(), out);
            out.push(b',');
            put_string(type_name(m.value_type()).as_bytes(), out);
            out.push(b',');
            put_int(m.entries().len() as i64, false, out);
            out.extend_from_slice(b",{");
            for (i, (k, v)) in m.entries().iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                put_value(k, true, out);
                out.push(b':');
                put_value(v, false, out);
            }
            out.extend_from_slice(b"}]");
        }
    }
}

fn put_struct(s: &Struct, out: &mut Vec<u8>) {
    out.push(b'{');
    for (i, (id, v)) in s.fields.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        put_int(i64::from(*id), true, out);
        out.extend_from_slice(b":{");
        put_string(type_name(v.ttype()).as_bytes(), out);
        out.push(b':');
        put_value(v, false, out);
        out.push(b'}');
    }
    out.push(b'}');
}

/// Appends the TJSONProtocol encoding of `msg` to `out` (no whitespace, as the reference
/// writers write it).
pub fn encode(msg: &OwnedMessage, out: &mut Vec<u8>) {
    out.push(b'[');
    put_int(VERSION, false, out);
    out.push(b',');
    put_string(msg.name.as_bytes(), out);
    out.push(b',');
    put_int(msg.kind as i64, false, out);
    out.push(b',');
    put_int(i64::from(msg.seqid), false, out);
    out.push(b',');
    put_struct(&msg.body, out);
    out.push(b']');
}

/// The TJSONProtocol encoding of `msg`.
pub fn to_vec(msg: &OwnedMessage) -> Vec<u8> {
    let mut out = Vec::new();
    encode(msg, &mut out);
    out
}

/// A uuid as TJSON writes it: the 36 characters `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`, hex
/// digits (either case) in groups of 8-4-4-4-12 joined by hyphens (the canonical text form of
/// RFC 9562 §4 that Thrift's IDL names for `uuid`). Nothing else: no sign (`u8::from_str_radix`
/// takes `+f`), no braces, no `urn:uuid:`, no hyphens elsewhere.
fn parse_uuid(s: &[u8]) -> Option<[u8; 16]> {
    if s.len() != 36 {
        return None;
    }
    let mut u = [0u8; 16];
    let mut digits = 0;
    for (i, &c) in s.iter().enumerate() {
        if matches!(i, 8 | 13 | 18 | 23) {
            if c != b'-' {
                return None;
            }
            continue;
        }
        let d = (c as char).to_digit(16)? as u8;
        u[digits / 2] |= if digits % 2 == 0 { d << 4 } else { d };
        digits += 1;
    }
    Some(u)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_print_as_percent_17g() {
        for (f, s) in [
            (1.5, "1.5"),
            (0.25, "0.25"),
            (-0.0, "-0"),
            (1.0, "1"),
            (0.1, "0.10000000000000001"),
            (1e300, "1.0000000000000001e+300"),
            (1e-300, "1e-300"),
            (123456789.0, "123456789"),
            (1e16, "10000000000000000"),
            (1e17, "1e+17"),
            (0.0001, "0.0001"),
            (0.00001, "1.0000000000000001e-05"),
            (-1e300, "-1.0000000000000001e+300"),
        ] {
            let mut out = Vec::new();
            put_double(f, false, &mut out);
            assert_eq!(String::from_utf8(out).unwrap(), s, "{f:e}");
        }
    }

    #[test]
    fn a_message_round_trips_and_truncation_needs_more() {
        let body = Struct::new()
            .with(1, true)
            .with(2, -3i8)
            .with(3, "h\u{e9}\"\n")
            .with(4, 2.5f64)
            .with(
                5,
                Map::new(
                    TType::I32,
                    TType::Binary,
                    vec![(Value::I32(7), Value::Binary(b"x".to_vec()))],
                )
                .unwrap(),
            )
            .with(6, Struct::new().with(-1, i64::MIN));
        let msg = OwnedMessage::call("add", -9, body);
        let wire = to_vec(&msg);
        assert_eq!(
            String::from_utf8_lossy(&wire),
            "[1,\"add\",1,-9,{\"1\":{\"tf\":1},\"2\":{\"i8\":-3},\"3\":{\"str\":\"h\u{e9}\\\"\\n\"},\"4\":{\"dbl\":2.5},\"5\":{\"map\":[\"i32\",\"str\",1,{\"7\":\"x\"}]},\"6\":{\"rec\":{\"-1\":{\"i64\":-9223372036854775808}}}}]"
        );
        assert_eq!(decode(&wire).unwrap(), msg);
        for cut in 0..wire.len() {
            assert!(
                matches!(
                    decode_with(&wire[..cut], &Limits::default(), Profile::Strict),
                    Ok(Decoded::NeedMore { .. })
                ),
                "{cut}"
            );
        }
    }

    #[test]
    fn bad_input_is_refused_with_its_kind() {
        for (input, kind) in [
            (&b"[2,\"x\",1,0,{}]"[..], "bad-version"),
            (b"[1,\"x\",5,0,{}]", "message-type"),
            (b"[1,\"x\",1,0,{\"1\":{\"zz\":1}}]", "json-syntax"),
            (b"[1,\"x\",1,0,{\"1\":{\"i8\":128}}]", "integer-range"),
            (
                b"[1,\"x\",1,0,{\"1\":{\"lst\":[\"i32\",-1]}}]",
                "negative-length",
            ),
            (
                b"[1,\"x\",1,0,{\"1\":{\"lst\":[\"i32\",2,1]}}]",
                "json-syntax",
            ),
            (
                b"[1,\"x\",1,0,{\"1\":{\"lst\":[\"i32\",1,1,2]}}]",
                "json-syntax",
            ),
            (
                b"[1,\"x\",1,0,{\"1\":{\"lst\":[\"i64\",2147483647]}}]",
                "size-limit",
            ),
            (b"[1,\"x\",1,0,{\"1\":{\"tf\":2}}]", "invalid-bool"),
            (b"[1,\"x\",1,0,{\"40000\":{\"tf\":1}}]", "field-id"),
            (b"[1,\"\\ud800\",1,0,{}]", "json-syntax"),
        ] {
            let e = decode(input).unwrap_err();
            assert_eq!(e.kind(), kind, "{}", String::from_utf8_lossy(input));
        }
        let deep = format!(
            "[1,\"x\",1,0,{}{}]",
            "{\"1\":{\"rec\":".repeat(100),
            "{}}}".repeat(100)
        );
        assert_eq!(decode(deep.as_bytes()).unwrap_err().kind(), "depth-limit");
    }

    fn uuid_field(text: &str) -> Result<Value, Error> {
        let input = format!("[1,\"x\",1,0,{{\"1\":{{\"uid\":\"{text}\"}}}}]");
        let msg = decode(input.as_bytes())?;
        Ok(msg.body.fields[0].1.clone())
    }

    #[test]
    fn a_uuid_is_read_only_in_its_canonical_text_form() {
        let mut want = [0u8; 16];
        want.copy_from_slice(&[
            0x55, 0x0e, 0x84, 0x00, 0xe2, 0x9b, 0x41, 0xd4, 0xa7, 0x16, 0x44, 0x66, 0x55, 0x44,
            0x00, 0x00,
        ]);
        for ok in [
            "550e8400-e29b-41d4-a716-446655440000",
            "550E8400-E29B-41D4-A716-446655440000",
        ] {
            assert_eq!(uuid_field(ok).unwrap(), Value::Uuid(want), "{ok}");
        }
        for bad in [
            // Python thrift 0.25 refuses it (int(..., 16) takes no `+f`); we took it as 0f.
            "+f+f+f+f-+f+f-+f+f-+f+f-+f+f+f+f+f+f",
            // 32 hex digits and four hyphens, but not in 8-4-4-4-12.
            "550e840-0e29b-41d4-a716-446655440000",
            "550e8400e29b-41d4-a716-4466-55440000",
            "{550e8400-e29b-41d4-a716-44665544000}",
            "550e8400-e29b-41d4-a716-44665544000g",
            "550e8400-e29b-41d4-a716-44665544000",
            "550e8400-e29b-41d4-a716-4466554400000",
            "550e8400e29b41d4a716446655440000",
        ] {
            let e = uuid_field(bad).unwrap_err();
            assert_eq!(e.kind(), "json-syntax", "{bad}");
        }
    }

    #[test]
    fn a_unicode_escape_is_four_hex_digits_and_nothing_else() {
        let s = |esc: &str| decode(format!("[1,\"{esc}\",1,0,{{}}]").as_bytes());
        assert_eq!(s("\\u0041").unwrap().name, "A");
        for bad in ["\\u+041", "\\u-041", "\\u 041", "\\u004g"] {
            assert_eq!(s(bad).unwrap_err().kind(), "json-syntax", "{bad}");
        }
        // A non-digit is an error before the four are there; digits alone need more.
        let front = |b: &[u8]| decode_with(b, &Limits::default(), Profile::Strict);
        assert_eq!(front(b"[1,\"\\u+").unwrap_err().kind(), "json-syntax");
        assert!(matches!(front(b"[1,\"\\u00"), Ok(Decoded::NeedMore { .. })));
    }
}
