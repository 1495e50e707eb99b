//! THeader: Apache Thrift's header transport (`doc/specs/HeaderFormat.md`; Python
//! `thrift.transport.THeaderTransport`, C++ `THeaderTransport` / `THeaderProtocol`).
//!
//! ```text
//! LENGTH (i32, the bytes after it) | 0x0FFF | FLAGS (u16) | SEQUENCE NUMBER (i32)
//! | HEADER SIZE (u16, in 4-byte words)
//! | header: PROTOCOL ID (varint) NUM TRANSFORMS (varint) TRANSFORM ID (varint)...
//! |         INFO ID (varint) INFO DATA ... padding
//! | payload: one message in the protocol the header names
//! ```
//!
//! - The frame length is checked against [`Limits`] before a byte of the frame is waited for,
//!   as for TFramedTransport; the header size against the frame before the header is read; every
//!   var int and string inside the header against the header's end.
//! - Protocol ids: 0 binary, 2 compact (the two both peers speak). Another id (1, JSON, is
//!   written by neither) is [`Error::HeaderProtocol`].
//! - Transforms: the spec defines one, zlib (id 1). msgwire does not inflate (its dependencies
//!   stay free of a deflate implementation, and an inflated payload could not be borrowed):
//!   a frame naming zlib is [`Error::Transform`] (`unsupported-transform`), any other id
//!   `unknown-transform`, as both peers refuse ids they do not know.
//! - Info headers: id 1 (key/value) sections, each a var int count of pairs of var-int-length
//!   strings, borrowed ([`InfoHeaders`]). Reading stops at info id 0 (padding) or an id it does
//!   not know, and the rest of the header is skipped, as both peers skip it.
//! - The payload holds exactly one message, decoded by the binary or compact decoder.

use super::message::Message;
use super::wire::{put_varint, varint_len, Cur, Stop};
use super::{Error, Limits, OwnedMessage, Profile, Protocol};
use crate::Decoded;
use bytes::BufMut;

/// The high 16 bits of a THeader frame's second word.
pub const HEADER_MAGIC: u16 = 0x0FFF;

/// The transform id of zlib, the one transform the spec defines (msgwire does not apply it).
pub const ZLIB_TRANSFORM: u32 = 1;

/// The info header id of key/value pairs.
const INFO_KEY_VALUE: u64 = 1;

/// Bytes before the header: magic, flags, sequence number, header size.
const FIXED: usize = 10;

/// The protocol id the header gives `protocol`.
pub fn protocol_id(protocol: Protocol) -> u32 {
    match protocol {
        Protocol::Binary => 0,
        Protocol::Compact => 2,
    }
}

/// The protocol of a header's protocol id (0 binary, 2 compact).
pub fn protocol_from_id(id: u64) -> Option<Protocol> {
    match id {
        0 => Some(Protocol::Binary),
        2 => Some(Protocol::Compact),
        _ => None,
    }
}

/// One THeader frame, borrowing from the input: the header's fields and the message.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeaderFrame<'a> {
    /// The flags word (carried, not interpreted: Apache Thrift defines no flag).
    pub flags: u16,
    /// The header's sequence number (writers put the message's seqid here).
    pub seqid: i32,
    /// The payload's protocol, from the header's protocol id.
    pub protocol: Protocol,
    /// The key/value info headers, validated, read lazily.
    pub info: InfoHeaders<'a>,
    /// The message the payload holds.
    pub message: Message<'a>,
}

/// The key/value info headers of a frame: validated bytes, walked without allocating.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub struct InfoHeaders<'a> {
    /// The info section, from the first info id to the end of the header.
    bytes: &'a [u8],
}

impl<'a> InfoHeaders<'a> {
    /// The pairs in wire order (a key may repeat).
    pub fn iter(&self) -> InfoIter<'a> {
        InfoIter {
            cur: Cur::new(self.bytes, 0),
            left: 0,
        }
    }

    /// The value of the last pair with this key (the peers keep the last one in their maps).
    pub fn get(&self, key: &[u8]) -> Option<&'a [u8]> {
        self.iter()
            .filter(|(k, _)| *k == key)
            .map(|(_, v)| v)
            .last()
    }

    /// Whether no pair is present.
    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    /// Owned copies of the pairs.
    pub fn to_vec(&self) -> Vec<(Vec<u8>, Vec<u8>)> {
        self.iter().map(|(k, v)| (k.to_vec(), v.to_vec())).collect()
    }
}

impl std::fmt::Debug for InfoHeaders<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map()
            .entries(self.iter().map(|(k, v)| {
                (
                    String::from_utf8_lossy(k).into_owned(),
                    String::from_utf8_lossy(v).into_owned(),
                )
            }))
            .finish()
    }
}

impl<'a> IntoIterator for InfoHeaders<'a> {
    type Item = (&'a [u8], &'a [u8]);
    type IntoIter = InfoIter<'a>;
    fn into_iter(self) -> InfoIter<'a> {
        self.iter()
    }
}

/// The key/value pairs of [`InfoHeaders`].
#[derive(Debug, Clone)]
pub struct InfoIter<'a> {
    cur: Cur<'a>,
    /// Pairs left in the current key/value section.
    left: u64,
}

impl<'a> Iterator for InfoIter<'a> {
    type Item = (&'a [u8], &'a [u8]);

    fn next(&mut self) -> Option<Self::Item> {
        // The bytes were validated by the decode: a read cannot fail here, and if it did the
        // walk would only end early.
        while self.left == 0 {
            if self.cur.remaining() == 0 || self.cur.varint(32).ok()? != INFO_KEY_VALUE {
                self.cur.pos = self.cur.buf.len();
                return None;
            }
            self.left = self.cur.varint(32).ok()?;
        }
        self.left -= 1;
        let k = self.cur.varint(32).ok()?;
        let key = self.cur.take(k as usize).ok()?;
        let v = self.cur.varint(32).ok()?;
        let value = self.cur.take(v as usize).ok()?;
        Some((key, value))
    }
}

impl<'a> HeaderFrame<'a> {
    /// Decodes the THeader frame at the front of `buf`: complete with the bytes used (the
    /// 4-byte length included), need-more with a lower bound (the frame length is checked
    /// against the limits first), or the first rule it breaks.
    pub fn decode_with(
        buf: &'a [u8],
        limits: &Limits,
        profile: Profile,
    ) -> Result<Decoded<HeaderFrame<'a>>, Error> {
        let Some(len) = buf.get(..4) else {
            return Ok(Decoded::NeedMore {
                at_least: 4 - buf.len(),
            });
        };
        let len = i32::from_be_bytes([len[0], len[1], len[2], len[3]]);
        let limit = limits.max_frame_size.min(limits.max_message_size);
        if len < 0 || len as usize > limit {
            return Err(Error::FrameSize {
                offset: 0,
                length: i64::from(len),
                limit,
            });
        }
        let end = 4 + len as usize;
        let Some(frame) = buf.get(4..end) else {
            return Ok(Decoded::NeedMore {
                at_least: end - buf.len(),
            });
        };
        let value = HeaderFrame::read(frame, limits, profile).map_err(|e| e.shifted(4))?;
        Ok(Decoded::Complete { value, used: end })
    }

    /// Reads one whole frame without its 4-byte length (as [`Splitter`](super::Splitter)
    /// hands frames out); offsets in errors count from `frame`'s start.
    pub fn read(frame: &'a [u8], limits: &Limits, profile: Profile) -> Result<Self, Error> {
        if frame.len() < FIXED {
            return Err(Error::HeaderSize {
                offset: 0,
                needed: FIXED as u64,
                frame: frame.len(),
            });
        }
        let magic = u16::from_be_bytes([frame[0], frame[1]]);
        if magic != HEADER_MAGIC {
            return Err(Error::HeaderMagic {
                offset: 0,
                found: magic,
            });
        }
        let flags = u16::from_be_bytes([frame[2], frame[3]]);
        let seqid = i32::from_be_bytes([frame[4], frame[5], frame[6], frame[7]]);
        let words = u16::from_be_bytes([frame[8], frame[9]]);
        let header_end = FIXED + 4 * usize::from(words);
        let Some(header) = frame.get(..header_end) else {
            return Err(Error::HeaderSize {
                offset: 8,
                needed: header_end as u64,
                frame: frame.len(),
            });
        };
        let mut cur = Cur::new(header, FIXED);
        let field = |cur: &mut Cur<'a>, what: &'static str| -> Result<u64, Error> {
            let at = cur.pos;
            cur.varint(32).map_err(|s| match s {
                Stop::Short(_) => Error::HeaderTruncated {
                    offset: at,
                    expected: what,
                },
                Stop::Bad(e) => e,
            })
        };
        let at = cur.pos;
        let id = field(&mut cur, "protocol id")?;
        let protocol = protocol_from_id(id).ok_or(Error::HeaderProtocol { offset: at, id })?;
        let transforms = field(&mut cur, "transform count")?;
        if transforms > 0 {
            // Each names an id; the first is refused, whatever the count says.
            let at = cur.pos;
            let id = field(&mut cur, "transform id")?;
            return Err(Error::Transform { offset: at, id });
        }
        let info_start = cur.pos;
        while cur.remaining() > 0 {
            let id = field(&mut cur, "info id")?;
            if id != INFO_KEY_VALUE {
                // 0 is padding; an id nobody defined ends what can be read, as in both peers.
                break;
            }
            let at = cur.pos;
            let count = field(&mut cur, "info header count")?;
            // Each pair takes two bytes at least: a count the header cannot hold is refused
            // before any pair is read.
            if count > cur.remaining() as u64 / 2 {
                return Err(Error::HeaderTruncated {
                    offset: at,
                    expected: "info header pairs",
                });
            }
            for _ in 0..count {
                for what in ["info header key", "info header value"] {
                    let at = cur.pos;
                    let n = field(&mut cur, what)?;
                    if n > limits.max_string as u64 {
                        return Err(Error::StringLimit {
                            offset: at,
                            length: n,
                            limit: limits.max_string,
                        });
                    }
                    if n > cur.remaining() as u64 {
                        return Err(Error::HeaderTruncated {
                            offset: at,
                            expected: what,
                        });
                    }
                    cur.pos += n as usize;
                }
            }
        }
        let info = InfoHeaders {
            bytes: &header[info_start..],
        };
        let payload = &frame[header_end..];
        let message = match Message::decode_with(payload, protocol, limits, profile) {
            Ok(Decoded::Complete { value, used }) if used == payload.len() => value,
            Ok(Decoded::Complete { used, .. }) => {
                return Err(Error::TrailingBytes {
                    offset: header_end + used,
                    count: payload.len() - used,
                })
            }
            Ok(Decoded::NeedMore { at_least }) => {
                return Err(Error::Truncated {
                    offset: frame.len(),
                    missing: at_least,
                })
            }
            Err(e) => return Err(e.shifted(header_end)),
        };
        Ok(HeaderFrame {
            flags,
            seqid,
            protocol,
            info,
            message,
        })
    }

    /// An owned copy.
    pub fn into_owned(self) -> OwnedHeaderFrame {
        OwnedHeaderFrame {
            flags: self.flags,
            seqid: self.seqid,
            protocol: self.protocol,
            info: self.info.to_vec(),
            message: self.message.into_owned(),
        }
    }

    /// Appends the frame (its length first), the message in [`HeaderFrame::protocol`].
    ///
    /// # Panics
    /// As [`OwnedHeaderFrame::encode`].
    pub fn encode(&self, dst: &mut impl BufMut) {
        let p = self.protocol;
        let info = self.info.iter();
        put_frame(
            self.flags,
            self.seqid,
            p,
            info,
            self.message.encoded_len(p),
            dst,
        );
        self.message.encode(p, dst);
    }

    /// Bytes [`HeaderFrame::encode`] writes.
    pub fn encoded_len(&self) -> usize {
        4 + FIXED
            + padded(header_len(self.protocol, self.info.iter()))
            + self.message.encoded_len(self.protocol)
    }

    /// The encoding.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.encode(&mut out);
        out
    }
}

/// A THeader frame that owns its data (to build and send).
#[derive(Debug, Clone, PartialEq)]
pub struct OwnedHeaderFrame {
    /// The flags word.
    pub flags: u16,
    /// The header's sequence number.
    pub seqid: i32,
    /// The payload's protocol.
    pub protocol: Protocol,
    /// Key/value info headers, written in this order (none: no info section).
    pub info: Vec<(Vec<u8>, Vec<u8>)>,
    /// The message.
    pub message: OwnedMessage,
}

impl OwnedHeaderFrame {
    /// A frame carrying `message` in `protocol`, flags 0, the header's sequence number the
    /// message's (as the peers' writers set it), no info headers.
    pub fn new(message: OwnedMessage, protocol: Protocol) -> Self {
        OwnedHeaderFrame {
            flags: 0,
            seqid: message.seqid,
            protocol,
            info: Vec::new(),
            message,
        }
    }

    /// Adds an info header.
    pub fn with_info(mut self, key: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) -> Self {
        self.info.push((key.into(), value.into()));
        self
    }

    /// Appends the frame, its 4-byte length first.
    ///
    /// # Panics
    /// If the header (protocol id, transform count, info headers, padding) takes more than
    /// 65535 four-byte words, which its 16-bit size cannot say, or the frame more than
    /// `i32::MAX` bytes.
    pub fn encode(&self, dst: &mut impl BufMut) {
        let p = self.protocol;
        let info = self.info.iter().map(|(k, v)| (&k[..], &v[..]));
        put_frame(
            self.flags,
            self.seqid,
            p,
            info,
            self.message.encoded_len(p),
            dst,
        );
        self.message.encode(p, dst);
    }

    /// Bytes [`OwnedHeaderFrame::encode`] writes.
    pub fn encoded_len(&self) -> usize {
        let info = self.info.iter().map(|(k, v)| (&k[..], &v[..]));
        4 + FIXED
            + padded(header_len(self.protocol, info))
            + self.message.encoded_len(self.protocol)
    }

    /// The encoding.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.encode(&mut out);
        out
    }
}

/// Appends a THeader frame (flags 0, no info headers) around `payload`, bytes that stand for a
/// message in `protocol` and are not checked: for tests and conformance probes that must send
/// what no encoder writes.
///
/// # Panics
/// If the frame would take more than `i32::MAX` bytes.
pub fn encode_payload(protocol: Protocol, seqid: i32, payload: &[u8], dst: &mut impl BufMut) {
    put_frame(0, seqid, protocol, std::iter::empty(), payload.len(), dst);
    dst.put_slice(payload);
}

fn padded(n: usize) -> usize {
    n.next_multiple_of(4)
}

/// Bytes of the header before padding.
fn header_len<'a>(
    protocol: Protocol,
    info: impl Iterator<Item = (&'a [u8], &'a [u8])> + Clone,
) -> usize {
    let mut n = varint_len(u64::from(protocol_id(protocol))) + 1;
    let count = info.clone().count();
    if count > 0 {
        n += 1 + varint_len(count as u64);
        for (k, v) in info {
            n += varint_len(k.len() as u64) + k.len() + varint_len(v.len() as u64) + v.len();
        }
    }
    n
}

/// Writes the frame's length, fixed part and header (the payload of `payload_len` bytes follows).
pub(crate) fn put_frame<'a>(
    flags: u16,
    seqid: i32,
    protocol: Protocol,
    info: impl Iterator<Item = (&'a [u8], &'a [u8])> + Clone,
    payload_len: usize,
    dst: &mut impl BufMut,
) {
    let raw = header_len(protocol, info.clone());
    let words = u16::try_from(padded(raw) / 4).expect("THeader header above 65535 words");
    let len = FIXED + padded(raw) + payload_len;
    let len = i32::try_from(len).expect("THeader frame above i32::MAX bytes");
    dst.put_i32(len);
    dst.put_u16(HEADER_MAGIC);
    dst.put_u16(flags);
    dst.put_i32(seqid);
    dst.put_u16(words);
    put_varint(dst, u64::from(protocol_id(protocol)));
    put_varint(dst, 0);
    let count = info.clone().count();
    if count > 0 {
        put_varint(dst, INFO_KEY_VALUE);
        put_varint(dst, count as u64);
        for (k, v) in info {
            put_varint(dst, k.len() as u64);
            dst.put_slice(k);
            put_varint(dst, v.len() as u64);
            dst.put_slice(v);
        }
    }
    dst.put_bytes(0, padded(raw) - raw);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::thrift::{Decoder, Framing, Splitter, Struct, ValueRef};

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s.replace(' ', "")).unwrap()
    }

    fn read(bytes: &[u8]) -> Result<Decoded<HeaderFrame<'_>>, Error> {
        HeaderFrame::decode_with(bytes, &Limits::default(), Profile::Strict)
    }

    fn ping() -> OwnedMessage {
        OwnedMessage::call("ping", 1, Struct::new().with(1, 7i32))
    }

    // Written by Python thrift 0.22's THeaderProtocol (set_header(b"k", b"v"), a call of
    // "ping", seqid 1, field 1 i32 7), binary and compact.
    const PY_BINARY: &str = "0000002a 0fff 0000 00000001 0002 00000101016b0176 \
                             800100010000000470696e67000000010800010000000700";
    const PY_COMPACT: &str = "0000001d 0fff 0000 00000001 0002 02000101016b0176 \
                              8221010470696e67150e00";

    #[test]
    fn python_frames_byte_by_byte() {
        for (hex, p) in [
            (PY_BINARY, Protocol::Binary),
            (PY_COMPACT, Protocol::Compact),
        ] {
            let wire = h(hex);
            let (f, used) = read(&wire).unwrap().complete().unwrap();
            assert_eq!(used, wire.len());
            assert_eq!((f.flags, f.seqid, f.protocol), (0, 1, p));
            assert_eq!(
                f.info.iter().collect::<Vec<_>>(),
                vec![(&b"k"[..], &b"v"[..])]
            );
            assert_eq!(f.info.get(b"k"), Some(&b"v"[..]));
            assert_eq!((f.message.name, f.message.seqid), ("ping", 1));
            assert_eq!(f.message.body.get(1), Some(ValueRef::I32(7)));
            // Re-encoded from the view, and from the owned twin built anew.
            assert_eq!(f.to_vec(), wire);
            assert_eq!(f.encoded_len(), wire.len());
            let owned = OwnedHeaderFrame::new(ping(), p).with_info("k", "v");
            assert_eq!(owned.to_vec(), wire);
            assert_eq!(owned.encoded_len(), wire.len());
            assert_eq!(f.into_owned(), owned);
        }
    }

    #[test]
    fn no_info_headers_no_section() {
        let wire = OwnedHeaderFrame::new(ping(), Protocol::Binary).to_vec();
        // Protocol id, no transforms, two bytes of padding: one word.
        assert_eq!(&wire[4..18], &h("0fff 0000 00000001 0001 0000 0000")[..]);
        let (f, _) = read(&wire).unwrap().complete().unwrap();
        assert!(f.info.is_empty());
    }

    #[test]
    fn every_prefix_needs_more() {
        let wire = h(PY_COMPACT);
        for n in 0..wire.len() {
            let d = read(&wire[..n]).unwrap();
            let Decoded::NeedMore { at_least } = d else {
                panic!("prefix {n} complete")
            };
            assert!(n + at_least <= wire.len(), "prefix {n}: {at_least}");
        }
    }

    #[test]
    fn frame_length_checked_before_waiting() {
        let e = read(&h("7fffffff 0f")).unwrap_err();
        assert_eq!((e.kind(), e.offset()), ("frame-size", 0));
        let e = read(&h("ffffffff")).unwrap_err();
        assert_eq!(e.kind(), "frame-size");
        let small = Limits {
            max_frame_size: 20,
            ..Limits::default()
        };
        let wire = h(PY_COMPACT);
        let e = HeaderFrame::decode_with(&wire[..4], &small, Profile::Strict).unwrap_err();
        assert_eq!(
            e,
            Error::FrameSize {
                offset: 0,
                length: 29,
                limit: 20
            }
        );
    }

    fn frame(body: &str) -> Vec<u8> {
        let body = h(body);
        let mut out = (body.len() as u32).to_be_bytes().to_vec();
        out.extend_from_slice(&body);
        out
    }

    const MSG: &str = "800100010000000470696e670000000100";

    #[test]
    fn typed_errors_with_offsets() {
        let cases = [
            // Bad magic.
            (
                format!("0ffe 0000 00000001 0001 00000000 {MSG}"),
                "header-magic",
                4,
                4,
            ),
            // Shorter than the fixed part.
            ("0fff 0000 0000".to_string(), "header-size", 4, 3),
            // Two words of header, one present and no payload.
            (
                "0fff 0000 00000001 0002 00000000".to_string(),
                "header-size",
                12,
                3,
            ),
            // Protocol id 1 (JSON) and 3.
            (
                format!("0fff 0000 00000001 0001 01000000 {MSG}"),
                "header-protocol",
                14,
                5,
            ),
            (
                format!("0fff 0000 00000001 0001 03000000 {MSG}"),
                "header-protocol",
                14,
                5,
            ),
            // zlib, and an unknown transform.
            (
                format!("0fff 0000 00000001 0001 00010100 {MSG}"),
                "unsupported-transform",
                16,
                5,
            ),
            (
                format!("0fff 0000 00000001 0001 00010700 {MSG}"),
                "unknown-transform",
                16,
                5,
            ),
            // A var int running to the header's end, and one too long.
            (
                format!("0fff 0000 00000001 0001 80808080 {MSG}"),
                "header-truncated",
                14,
                1,
            ),
            (
                format!("0fff 0000 00000001 0002 00008080 80808001 {MSG}"),
                "overlong-varint",
                16,
                1,
            ),
            // Pairs the header cannot hold; a key past the header's end.
            (
                format!("0fff 0000 00000001 0001 00000105 {MSG}"),
                "header-truncated",
                17,
                1,
            ),
            (
                format!("0fff 0000 00000001 0002 00000101 056b0000 {MSG}"),
                "header-truncated",
                18,
                1,
            ),
            // No message, a truncated one, one with trailing bytes.
            (
                "0fff 0000 00000001 0001 00000000".to_string(),
                "truncated",
                18,
                1,
            ),
            (
                format!("0fff 0000 00000001 0001 00000000 {}", &MSG[..20]),
                "truncated",
                28,
                1,
            ),
            (
                format!("0fff 0000 00000001 0001 00000000 {MSG} 00"),
                "trailing-bytes",
                35,
                1,
            ),
            // The payload's own errors, placed in the input.
            (
                "0fff 0000 00000001 0001 00000000 80020001".to_string(),
                "bad-version",
                18,
                4,
            ),
        ];
        for (body, kind, offset, code) in cases {
            let e = read(&frame(&body)).unwrap_err();
            assert_eq!(
                (e.kind(), e.offset(), e.code().0),
                (kind, offset, code),
                "{body}: {e}"
            );
        }
    }

    #[test]
    fn info_headers_stop_at_padding_or_unknown_ids() {
        // Two key/value sections, then an unknown info id and bytes nobody reads.
        let body =
            format!("0fff 0007 00000009 0004 0000 01 01 01 61 01 62 01 01 00 01 63 09 ff ff {MSG}");
        let wire = frame(&body);
        let (f, _) = read(&wire).unwrap().complete().unwrap();
        assert_eq!((f.flags, f.seqid), (7, 9));
        let pairs: Vec<_> = f.info.iter().collect();
        assert_eq!(pairs, vec![(&b"a"[..], &b"b"[..]), (&b""[..], &b"c"[..])]);
        // Written back canonically: one section, zero padding.
        let again = f.to_vec();
        let (g, _) = read(&again).unwrap().complete().unwrap();
        assert_eq!(g.info.to_vec(), f.info.to_vec());
        assert_eq!(g.message, f.message);
    }

    #[test]
    fn info_string_limit() {
        let limits = Limits {
            max_string: 1,
            ..Limits::default()
        };
        let wire = frame(&format!(
            "0fff 0000 00000001 0002 00000101 02616101 62000000 {MSG}"
        ));
        let e = HeaderFrame::decode_with(&wire, &limits, Profile::Strict).unwrap_err();
        assert_eq!((e.kind(), e.offset()), ("string-limit", 18));
    }

    #[test]
    fn decoder_and_splitter_with_header_framing() {
        let d = Decoder::new(Protocol::Binary, Framing::Header);
        let a = h(PY_COMPACT);
        let b = OwnedHeaderFrame::new(ping(), Protocol::Binary).to_vec();
        let both = [a.clone(), b.clone()].concat();
        let (m, used) = d.decode(&both).unwrap().complete().unwrap();
        assert_eq!((m.protocol(), used), (Protocol::Compact, a.len()));
        let mut s = Splitter::new(d);
        for byte in &both {
            s.push(std::slice::from_ref(byte));
        }
        assert_eq!(s.next_message().unwrap(), Some(ping()));
        assert_eq!(s.next_message().unwrap(), Some(ping()));
        assert_eq!(s.next_message().unwrap(), None);
        let mut s = Splitter::new(d);
        s.push(&h("ffffffff"));
        assert_eq!(s.next_frame().unwrap_err().kind(), "frame-size");
    }
}
