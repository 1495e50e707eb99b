//! Visiting validated bytes in one pass: [`Visit`], one typed callback per value in wire order.
//!
//! The views ([`StructRef`], [`ListRef`], [`MapRef`], [`ValueRef`]) read lazily: each value
//! comes back as a [`ValueRef`], and a compound one is a view over bytes found by the extents
//! the decode recorded or by skipping them. A caller who reads *every* value (a generated
//! struct reader, a transcoder, a checksum) does better with a visitor: the bytes are read once,
//! front to back, no value is built and nothing is skipped; each value goes straight to a
//! callback (strings and binaries borrowed from the input), with begin and end around structs,
//! lists, sets and maps. The same shape as a Thrift library's `TInputProtocol` pull walk
//! (`readStructBegin`, `readFieldBegin`, `readI32`...), pushed instead of pulled.
//!
//! Errors: a callback's own error stops the walk and is returned as is. The bytes were
//! validated by the decode that produced the view, so the walk itself never fails on them; if
//! it met bytes that are not a whole value after all, it would stop with the [`Error`] the
//! decoder gives for them (`truncated`, `unknown-type`, `negative-length`, `overlong-varint`,
//! `field-id`, `trailing-bytes`, `depth-limit`: offsets from the start of the view's bytes)
//! rather than panic. Nesting is bounded as the decoder bounds it: never deeper than
//! [`Limits::HARD_MAX_DEPTH`] (the view itself is depth 1), so the walk's recursion is bounded
//! whatever the bytes.

use super::value::{varint_at, ListRef, MapRef, StructRef, ValueRef};
use super::wire::{Cur, Stop, TType};
use super::{Error, Limits, Message, Protocol};

/// Callbacks for each value of a walk over validated bytes ([`StructRef::visit`],
/// [`ValueRef::visit`], [`ListRef::visit`], [`MapRef::visit`], [`Message::visit`]), in wire
/// order. Every method has a default that does nothing, so a visitor implements only what it
/// reads.
///
/// A struct is `struct_begin`, then per field `field(id, type)` followed by that field's value,
/// then `struct_end`; a list is `list_begin(element type, count)`, the elements, `list_end`
/// (a set the same with `set_begin` and `set_end`, which default to the list callbacks); a map
/// is `map_begin(key type, value type, count)`, then each key followed by its value, `map_end`.
/// `string` and `binary` both arrive at [`Visit::binary`] (the wire does not tell them apart),
/// borrowed from the input for `'a`.
///
/// ```
/// use msgwire::thrift::{decode, Error, OwnedMessage, Protocol, Struct, TType, Visit};
///
/// /// Collects the strings of a message and counts its values.
/// #[derive(Default)]
/// struct Strings<'a> {
///     strings: Vec<&'a str>,
///     values: usize,
/// }
///
/// impl<'a> Visit<'a> for Strings<'a> {
///     type Error = Error;
///     fn binary(&mut self, b: &'a [u8]) -> Result<(), Error> {
///         self.values += 1;
///         self.strings.extend(std::str::from_utf8(b).ok());
///         Ok(())
///     }
///     fn i32(&mut self, _: i32) -> Result<(), Error> {
///         self.values += 1;
///         Ok(())
///     }
///     fn list_begin(&mut self, elem: TType, len: usize) -> Result<(), Error> {
///         assert_eq!((elem, len), (TType::Binary, 2));
///         Ok(())
///     }
/// }
///
/// let lines = msgwire::thrift::List::new(TType::Binary, vec!["a".into(), "b".into()]).unwrap();
/// let args = Struct::new().with(1, 7i32).with(2, msgwire::thrift::Value::List(lines));
/// let wire = OwnedMessage::call("put", 1, args).to_vec(Protocol::Compact);
///
/// let msg = decode(&wire)?;
/// let mut v = Strings::default();
/// msg.visit(&mut v)?;
/// assert_eq!((v.strings, v.values), (vec!["a", "b"], 3)); // borrowed from `wire`
/// # Ok::<(), Error>(())
/// ```
#[allow(unused_variables)]
pub trait Visit<'a> {
    /// What stops a walk: a callback's own error, or (converted from the codec's [`Error`])
    /// bytes that are not a whole value, which a view the decoder returned never holds. Use
    /// [`Error`] itself when the callbacks cannot fail.
    type Error: From<Error>;

    /// A `bool`.
    fn bool(&mut self, v: bool) -> Result<(), Self::Error> {
        Ok(())
    }
    /// A `byte` (`i8`).
    fn byte(&mut self, v: i8) -> Result<(), Self::Error> {
        Ok(())
    }
    /// An `i16`.
    fn i16(&mut self, v: i16) -> Result<(), Self::Error> {
        Ok(())
    }
    /// An `i32` (also an enum).
    fn i32(&mut self, v: i32) -> Result<(), Self::Error> {
        Ok(())
    }
    /// An `i64`.
    fn i64(&mut self, v: i64) -> Result<(), Self::Error> {
        Ok(())
    }
    /// A `double`.
    fn double(&mut self, v: f64) -> Result<(), Self::Error> {
        Ok(())
    }
    /// A `string` or `binary`, borrowed from the input.
    fn binary(&mut self, v: &'a [u8]) -> Result<(), Self::Error> {
        Ok(())
    }
    /// A `uuid`, in wire (big-endian) order.
    fn uuid(&mut self, v: [u8; 16]) -> Result<(), Self::Error> {
        Ok(())
    }
    /// A struct (union, exception) opens; its fields follow.
    fn struct_begin(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
    /// A field of the open struct: its id and type; its value follows.
    fn field(&mut self, id: i16, ttype: TType) -> Result<(), Self::Error> {
        Ok(())
    }
    /// The open struct ends (its STOP).
    fn struct_end(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
    /// A list of `len` elements of type `elem` opens; the elements follow.
    fn list_begin(&mut self, elem: TType, len: usize) -> Result<(), Self::Error> {
        Ok(())
    }
    /// The open list ends.
    fn list_end(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
    /// A set of `len` elements of type `elem` opens (elements in wire order; the wire allows
    /// duplicates). Defaults to [`Visit::list_begin`].
    fn set_begin(&mut self, elem: TType, len: usize) -> Result<(), Self::Error> {
        self.list_begin(elem, len)
    }
    /// The open set ends. Defaults to [`Visit::list_end`].
    fn set_end(&mut self) -> Result<(), Self::Error> {
        self.list_end()
    }
    /// A map of `len` entries opens (for an empty compact map, which carries no types:
    /// bool → bool, as [`MapRef`] says); each key is followed by its value.
    fn map_begin(&mut self, key: TType, value: TType, len: usize) -> Result<(), Self::Error> {
        Ok(())
    }
    /// The open map ends.
    fn map_end(&mut self) -> Result<(), Self::Error> {
        Ok(())
    }
}

impl<'a> StructRef<'a> {
    /// Visits the struct: `struct_begin`, each field and its value (nested values in full),
    /// `struct_end` — one pass over the bytes (see [`Visit`]).
    pub fn visit<V: Visit<'a>>(&self, visitor: &mut V) -> Result<(), V::Error> {
        let mut w = Walk::new(self.as_bytes(), visitor);
        let end = match self.protocol() {
            Protocol::Binary => w.strukt::<false>(0, 1),
            Protocol::Compact => w.strukt::<true>(0, 1),
        };
        w.finish(end)
    }
}

impl<'a> ListRef<'a> {
    /// Visits the list: `list_begin`, each element, `list_end` (a set's view visited through
    /// [`ValueRef::visit`] reports `set_begin` and `set_end`).
    pub fn visit<V: Visit<'a>>(&self, visitor: &mut V) -> Result<(), V::Error> {
        self.visit_as(TType::List, visitor)
    }

    fn visit_as<V: Visit<'a>>(&self, kind: TType, visitor: &mut V) -> Result<(), V::Error> {
        let (bytes, protocol) = self.parts();
        let mut w = Walk::new(bytes, visitor);
        let (elem, len) = (self.elem_type(), self.len());
        let end = match protocol {
            Protocol::Binary => w.seq::<false>(kind, elem, len, 0, 1),
            Protocol::Compact => w.seq::<true>(kind, elem, len, 0, 1),
        };
        w.finish(end)
    }
}

impl<'a> MapRef<'a> {
    /// Visits the map: `map_begin`, each key and its value, `map_end`.
    pub fn visit<V: Visit<'a>>(&self, visitor: &mut V) -> Result<(), V::Error> {
        let (bytes, protocol) = self.parts();
        let mut w = Walk::new(bytes, visitor);
        let (k, v, len) = (self.key_type(), self.value_type(), self.len());
        let end = match protocol {
            Protocol::Binary => w.map::<false>(k, v, len, 0, 1),
            Protocol::Compact => w.map::<true>(k, v, len, 0, 1),
        };
        w.finish(end)
    }
}

impl<'a> ValueRef<'a> {
    /// Visits the value: one callback for a scalar, the whole walk for a compound value (see
    /// [`Visit`]).
    pub fn visit<V: Visit<'a>>(&self, visitor: &mut V) -> Result<(), V::Error> {
        match *self {
            ValueRef::Bool(b) => visitor.bool(b),
            ValueRef::Byte(n) => visitor.byte(n),
            ValueRef::I16(n) => visitor.i16(n),
            ValueRef::I32(n) => visitor.i32(n),
            ValueRef::I64(n) => visitor.i64(n),
            ValueRef::Double(f) => visitor.double(f),
            ValueRef::Binary(b) => visitor.binary(b),
            ValueRef::Uuid(u) => visitor.uuid(u),
            ValueRef::Struct(s) => s.visit(visitor),
            ValueRef::List(l) => l.visit_as(TType::List, visitor),
            ValueRef::Set(l) => l.visit_as(TType::Set, visitor),
            ValueRef::Map(m) => m.visit(visitor),
        }
    }
}

impl<'a> Message<'a> {
    /// Visits the body ([`StructRef::visit`]); the envelope is in the message's fields.
    pub fn visit<V: Visit<'a>>(&self, visitor: &mut V) -> Result<(), V::Error> {
        self.body.visit(visitor)
    }
}

/// One walk: the bytes, the visitor, and why it stopped (the walk's functions return `None`
/// with the reason stored here, so that what they return fits in two registers).
struct Walk<'a, 'v, V: Visit<'a>> {
    buf: &'a [u8],
    v: &'v mut V,
    err: Option<V::Error>,
}

/// Calls a callback; on its error, stores it and stops the walk.
macro_rules! call {
    ($w:ident, $($call:tt)*) => {
        if let Err(e) = $w.v.$($call)* {
            return $w.stop(e);
        }
    };
}

#[inline(always)]
fn unzigzag(n: u64) -> i64 {
    ((n >> 1) as i64) ^ -((n & 1) as i64)
}

impl<'a, 'v, V: Visit<'a>> Walk<'a, 'v, V> {
    fn new(buf: &'a [u8], v: &'v mut V) -> Self {
        Walk { buf, v, err: None }
    }

    /// The walk's result: it must have ended exactly at the end of the view's bytes.
    fn finish(self, end: Option<usize>) -> Result<(), V::Error> {
        match end {
            Some(end) if end == self.buf.len() => Ok(()),
            Some(end) => Err(Error::TrailingBytes {
                offset: end,
                count: self.buf.len().saturating_sub(end),
            }
            .into()),
            None => Err(self.err.unwrap_or_else(|| {
                Error::Truncated {
                    offset: self.buf.len(),
                    missing: 1,
                }
                .into()
            })),
        }
    }

    #[cold]
    #[inline(never)]
    fn stop<T>(&mut self, e: V::Error) -> Option<T> {
        self.err = Some(e);
        None
    }

    #[cold]
    #[inline(never)]
    fn bad<T>(&mut self, e: Error) -> Option<T> {
        self.stop(e.into())
    }

    /// `n` bytes at `pos` are not there.
    #[cold]
    #[inline(never)]
    fn short<T>(&mut self, pos: usize, n: usize) -> Option<T> {
        let len = self.buf.len();
        self.bad(Error::Truncated {
            offset: len,
            missing: pos.saturating_add(n).saturating_sub(len).max(1),
        })
    }

    #[cold]
    #[inline(never)]
    fn unknown<T>(&mut self, offset: usize, id: u8) -> Option<T> {
        self.bad(Error::UnknownType { offset, id })
    }

    /// A compound value opening at `pos` at `depth`: within the ceiling?
    #[inline(always)]
    fn enter(&mut self, pos: usize, depth: usize) -> Option<()> {
        if depth > Limits::HARD_MAX_DEPTH {
            return self.bad(Error::DepthLimit {
                offset: pos,
                limit: Limits::HARD_MAX_DEPTH,
            });
        }
        Some(())
    }

    #[inline(always)]
    fn u8_at(&mut self, pos: usize) -> Option<u8> {
        match self.buf.get(pos) {
            Some(&b) => Some(b),
            None => self.short(pos, 1),
        }
    }

    #[inline(always)]
    fn array<const N: usize>(&mut self, pos: usize) -> Option<[u8; N]> {
        match self.buf.get(pos..).and_then(<[u8]>::first_chunk::<N>) {
            Some(a) => Some(*a),
            None => self.short(pos, N),
        }
    }

    #[inline(always)]
    fn slice(&mut self, pos: usize, n: usize) -> Option<&'a [u8]> {
        let buf = self.buf;
        match buf.get(pos..).and_then(|b| b.get(..n)) {
            Some(s) => Some(s),
            None => self.short(pos, n),
        }
    }

    /// A binary length or count at `pos` (four bytes, big-endian, not negative).
    #[inline(always)]
    fn binary_len(&mut self, pos: usize) -> Option<usize> {
        let n = i32::from_be_bytes(self.array(pos)?);
        match usize::try_from(n) {
            Ok(n) => Some(n),
            Err(_) => self.bad(Error::NegativeLength {
                offset: pos,
                length: i64::from(n),
            }),
        }
    }

    /// An unsigned var int at `pos`, and where it ends.
    #[inline(always)]
    fn varint(&mut self, pos: usize) -> Option<(u64, usize)> {
        match varint_at(self.buf, pos) {
            Some(v) => Some(v),
            None => self.bad_varint(pos),
        }
    }

    #[cold]
    #[inline(never)]
    fn bad_varint<T>(&mut self, pos: usize) -> Option<T> {
        match Cur::new(self.buf, pos).varint(64) {
            Err(Stop::Bad(e)) => self.bad(e),
            _ => self.short(pos, 1),
        }
    }

    /// A compact count or length at `pos` (a var int of at most 32 bits), and where it ends.
    #[inline(always)]
    fn compact_len(&mut self, pos: usize) -> Option<(usize, usize)> {
        let (n, end) = self.varint(pos)?;
        match u32::try_from(n) {
            Ok(n) if n <= i32::MAX as u32 => Some((n as usize, end)),
            _ => self.bad(Error::NegativeLength {
                offset: pos,
                length: n as i64,
            }),
        }
    }

    /// The struct whose first field header is at `pos`, at `depth`; where it ends.
    fn strukt<const C: bool>(&mut self, pos: usize, depth: usize) -> Option<usize> {
        self.enter(pos, depth)?;
        call!(self, struct_begin());
        let end = if C {
            self.compact_fields(pos, depth)?
        } else {
            self.binary_fields(pos, depth)?
        };
        call!(self, struct_end());
        Some(end)
    }

    /// Binary fields from `pos` to and past the STOP byte.
    #[inline(always)]
    fn binary_fields(&mut self, mut pos: usize, depth: usize) -> Option<usize> {
        loop {
            let t = self.u8_at(pos)?;
            if t == 0 {
                return Some(pos + 1);
            }
            let id = i16::from_be_bytes(self.array(pos + 1)?);
            let Some(tt) = TType::from_binary_id(t) else {
                return self.unknown(pos, t);
            };
            call!(self, field(id, tt));
            pos = self.value::<false>(tt, pos + 3, depth)?;
        }
    }

    /// Compact fields from `pos` to and past the STOP byte (bool fields carry their value in
    /// the header: 1 true, 2 false).
    #[inline(always)]
    fn compact_fields(&mut self, mut pos: usize, depth: usize) -> Option<usize> {
        let mut last: i16 = 0;
        loop {
            let b = self.u8_at(pos)?;
            if b == 0 {
                return Some(pos + 1);
            }
            let at = pos;
            pos += 1;
            let delta = b >> 4;
            let id = if delta == 0 {
                let (n, end) = self.varint(pos)?;
                pos = end;
                unzigzag(n) as i16
            } else {
                match last.checked_add(i16::from(delta)) {
                    Some(id) => id,
                    None => {
                        return self.bad(Error::FieldId {
                            offset: at,
                            id: i32::from(last) + i32::from(delta),
                        })
                    }
                }
            };
            last = id;
            match b & 0x0f {
                n @ (1 | 2) => {
                    call!(self, field(id, TType::Bool));
                    call!(self, bool(n == 1));
                }
                n => {
                    let Some(tt) = TType::from_compact_id(n) else {
                        return self.unknown(at, n);
                    };
                    call!(self, field(id, tt));
                    pos = self.value::<true>(tt, pos, depth)?;
                }
            }
        }
    }

    /// The value of type `t` at `pos` (a field's at the struct's `depth`, or an element's at
    /// its container's); where it ends.
    #[inline(always)]
    fn value<const C: bool>(&mut self, t: TType, pos: usize, depth: usize) -> Option<usize> {
        match t {
            TType::Bool => {
                let b = self.u8_at(pos)?;
                // Lenient reading of what the scan accepted, as the views read it: binary
                // non-zero is true (C++), compact 1 is true (C++, Java).
                call!(self, bool(if C { b == 1 } else { b != 0 }));
                Some(pos + 1)
            }
            TType::Byte => {
                let b = self.u8_at(pos)?;
                call!(self, byte(b as i8));
                Some(pos + 1)
            }
            TType::Double => {
                let a = self.array(pos)?;
                call!(
                    self,
                    double(if C {
                        f64::from_le_bytes(a)
                    } else {
                        f64::from_be_bytes(a)
                    })
                );
                Some(pos + 8)
            }
            TType::Uuid => {
                let a = self.array(pos)?;
                call!(self, uuid(a));
                Some(pos + 16)
            }
            TType::I16 | TType::I32 | TType::I64 if C => {
                let (n, end) = self.varint(pos)?;
                let n = unzigzag(n);
                match t {
                    TType::I16 => call!(self, i16(n as i16)),
                    TType::I32 => call!(self, i32(n as i32)),
                    _ => call!(self, i64(n)),
                }
                Some(end)
            }
            TType::I16 => {
                let a = self.array(pos)?;
                call!(self, i16(i16::from_be_bytes(a)));
                Some(pos + 2)
            }
            TType::I32 => {
                let a = self.array(pos)?;
                call!(self, i32(i32::from_be_bytes(a)));
                Some(pos + 4)
            }
            TType::I64 => {
                let a = self.array(pos)?;
                call!(self, i64(i64::from_be_bytes(a)));
                Some(pos + 8)
            }
            TType::Binary => {
                let (n, start) = if C {
                    match self.buf.get(pos) {
                        Some(&b) if b < 0x80 => (usize::from(b), pos + 1),
                        _ => self.compact_len(pos)?,
                    }
                } else {
                    (self.binary_len(pos)?, pos + 4)
                };
                let s = self.slice(start, n)?;
                call!(self, binary(s));
                Some(start + n)
            }
            _ => self.compound::<C>(t, pos, depth + 1),
        }
    }

    /// A struct, list, set or map at `pos` opening at `depth`; where it ends.
    #[inline(never)]
    fn compound<const C: bool>(&mut self, t: TType, pos: usize, depth: usize) -> Option<usize> {
        match t {
            TType::Struct => self.strukt::<C>(pos, depth),
            TType::List | TType::Set => {
                let b = self.u8_at(pos)?;
                let (elem, len, first) = if C {
                    let Some(elem) = TType::from_compact_id(b & 0x0f) else {
                        return self.unknown(pos, b & 0x0f);
                    };
                    if b >> 4 == 15 {
                        let (n, first) = self.compact_len(pos + 1)?;
                        (elem, n, first)
                    } else {
                        (elem, usize::from(b >> 4), pos + 1)
                    }
                } else {
                    let Some(elem) = TType::from_binary_id(b) else {
                        return self.unknown(pos, b);
                    };
                    (elem, self.binary_len(pos + 1)?, pos + 5)
                };
                self.seq::<C>(t, elem, len, first, depth)
            }
            _ => {
                let (key, value, len, first) = if C {
                    let (n, after) = self.compact_len(pos)?;
                    if n == 0 {
                        (TType::Bool, TType::Bool, 0, after)
                    } else {
                        let b = self.u8_at(after)?;
                        let Some(k) = TType::from_compact_id(b >> 4) else {
                            return self.unknown(after, b >> 4);
                        };
                        let Some(v) = TType::from_compact_id(b & 0x0f) else {
                            return self.unknown(after, b & 0x0f);
                        };
                        (k, v, n, after + 1)
                    }
                } else {
                    let [k, v] = self.array(pos)?;
                    let Some(key) = TType::from_binary_id(k) else {
                        return self.unknown(pos, k);
                    };
                    let Some(value) = TType::from_binary_id(v) else {
                        return self.unknown(pos + 1, v);
                    };
                    (key, value, self.binary_len(pos + 2)?, pos + 6)
                };
                self.map::<C>(key, value, len, first, depth)
            }
        }
    }

    /// A list or set (`kind`) of `len` elements of type `elem` from `pos`, at `depth`.
    fn seq<const C: bool>(
        &mut self,
        kind: TType,
        elem: TType,
        len: usize,
        mut pos: usize,
        depth: usize,
    ) -> Option<usize> {
        self.enter(pos, depth)?;
        if kind == TType::Set {
            call!(self, set_begin(elem, len));
        } else {
            call!(self, list_begin(elem, len));
        }
        // Every element takes at least a byte, so a count beyond the bytes stops at their end.
        for _ in 0..len {
            pos = self.value::<C>(elem, pos, depth)?;
        }
        if kind == TType::Set {
            call!(self, set_end());
        } else {
            call!(self, list_end());
        }
        Some(pos)
    }

    /// A map of `len` entries from `pos`, at `depth`.
    fn map<const C: bool>(
        &mut self,
        key: TType,
        value: TType,
        len: usize,
        mut pos: usize,
        depth: usize,
    ) -> Option<usize> {
        self.enter(pos, depth)?;
        call!(self, map_begin(key, value, len));
        for _ in 0..len {
            pos = self.value::<C>(key, pos, depth)?;
            pos = self.value::<C>(value, pos, depth)?;
        }
        call!(self, map_end());
        Some(pos)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::thrift::{OwnedMessage, Struct, Value};

    /// Counts callbacks; never fails itself.
    struct Count(usize);

    impl Visit<'_> for Count {
        type Error = Error;
        fn i32(&mut self, _: i32) -> Result<(), Error> {
            self.0 += 1;
            Ok(())
        }
        fn binary(&mut self, _: &[u8]) -> Result<(), Error> {
            self.0 += 1;
            Ok(())
        }
    }

    fn visit(bytes: &[u8], p: Protocol) -> Result<usize, Error> {
        let mut c = Count(0);
        StructRef::new(bytes, p).visit(&mut c)?;
        Ok(c.0)
    }

    /// Bytes that are not a whole struct (which no decoded view holds) stop the walk with the
    /// decoder's error kinds, offsets inside the bytes, and never panic.
    #[test]
    fn bytes_that_are_not_whole_stop_with_a_typed_error() {
        let list = crate::thrift::List::new(TType::I32, vec![1i32.into(); 20]).unwrap();
        let body = Struct::new()
            .with(1, "text")
            .with(2, Value::List(list))
            .with(3, Struct::new().with(1, vec![7u8; 200]));
        for p in [Protocol::Binary, Protocol::Compact] {
            let wire = OwnedMessage::call("m", 1, body.clone()).to_vec(p);
            let m = crate::thrift::Decoder::new(p, crate::thrift::Framing::Unframed)
                .decode_whole(&wire)
                .unwrap();
            let bytes = m.body.as_bytes();
            assert_eq!(visit(bytes, p), Ok(22));
            for cut in 0..bytes.len() {
                let e = visit(&bytes[..cut], p).unwrap_err();
                assert!(e.offset() <= cut, "{p:?} {cut}: {e}");
                assert!(
                    matches!(
                        e.kind(),
                        "truncated" | "negative-length" | "overlong-varint"
                    ),
                    "{p:?} {cut}: {e}"
                );
            }
            // Every single-byte change: an answer, never a panic, offsets inside.
            for i in 0..bytes.len() {
                for b in [0x00, 0x01, 0x0f, 0x7f, 0x80, 0xff] {
                    let mut m = bytes.to_vec();
                    m[i] = b;
                    if let Err(e) = visit(&m, p) {
                        assert!(e.offset() <= m.len(), "{p:?} {i} {b}: {e}");
                    }
                }
            }
            let mut trailing = bytes.to_vec();
            trailing.push(0);
            assert_eq!(
                visit(&trailing, p),
                Err(Error::TrailingBytes {
                    offset: bytes.len(),
                    count: 1
                })
            );
        }
        // An unknown type id, a negative binary length.
        assert_eq!(
            visit(&[0x01, 0x00, 0x01, 0x00], Protocol::Binary),
            Err(Error::UnknownType { offset: 0, id: 1 })
        );
        assert_eq!(
            visit(
                &[0x0b, 0x00, 0x01, 0xff, 0xff, 0xff, 0xff, 0x00],
                Protocol::Binary
            ),
            Err(Error::NegativeLength {
                offset: 3,
                length: -1
            })
        );
        assert_eq!(
            visit(&[0x1e, 0x00], Protocol::Compact),
            Err(Error::UnknownType { offset: 0, id: 14 })
        );
    }

    /// Structs nested past the ceiling stop with `depth-limit` (the recursion is bounded
    /// whatever the bytes); at the ceiling they are walked.
    #[test]
    fn nesting_is_bounded_by_the_hard_ceiling() {
        for p in [Protocol::Binary, Protocol::Compact] {
            let nested = |levels: usize| {
                let mut bytes = Vec::new();
                for _ in 1..levels {
                    match p {
                        Protocol::Binary => bytes.extend([0x0c, 0x00, 0x01]),
                        Protocol::Compact => bytes.push(0x1c),
                    }
                }
                bytes.extend(std::iter::repeat_n(0u8, levels));
                bytes
            };
            let at = nested(Limits::HARD_MAX_DEPTH);
            assert_eq!(visit(&at, p), Ok(0));
            let past = nested(Limits::HARD_MAX_DEPTH + 1);
            let e = visit(&past, p).unwrap_err();
            assert_eq!(e.kind(), "depth-limit", "{p:?}");
        }
    }
}
