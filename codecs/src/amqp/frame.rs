//! Frames: decoding one frame from the front of a buffer, and encoding one.

use std::ops::Deref;

use bytes::{BufMut, Bytes};

use super::error::{Error, ErrorKind};
use super::field::FieldReader;
use super::head::*;
use super::methods::MethodId;
use super::properties::ContentHeader;
use super::{Limits, Method, Profile};
use crate::reader::Reader;
use crate::Decoded;

/// A body frame's payload: borrowed from the input, or a shared [`Bytes`] slice that can
/// outlive the read buffer without a copy (see [`Decoder::decode_shared`]).
#[derive(Debug, Clone)]
pub enum Payload<'a> {
    /// Borrowed from the input.
    Borrowed(&'a [u8]),
    /// A reference-counted slice.
    Shared(Bytes),
}

impl Deref for Payload<'_> {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        match self {
            Payload::Borrowed(b) => b,
            Payload::Shared(b) => b,
        }
    }
}

impl PartialEq for Payload<'_> {
    fn eq(&self, other: &Self) -> bool {
        **self == **other
    }
}

impl Eq for Payload<'_> {}

impl Payload<'_> {
    /// The payload as `Bytes` (a copy only if it was borrowed).
    pub fn into_bytes(self) -> Bytes {
        match self {
            Payload::Borrowed(b) => Bytes::copy_from_slice(b),
            Payload::Shared(b) => b,
        }
    }

    /// The same payload, owning (or sharing) its bytes.
    pub fn into_owned(self) -> Payload<'static> {
        Payload::Shared(self.into_bytes())
    }
}

/// One AMQP frame, or the protocol header that opens a connection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Frame<'a> {
    /// `AMQP` + 4 octets. Never confused with a frame: no frame type is `A`.
    ProtocolHeader(ProtocolHeader),
    /// A method frame.
    Method {
        /// Channel number.
        channel: u16,
        /// The method.
        method: Method<'a>,
    },
    /// A content header frame.
    Header {
        /// Channel number.
        channel: u16,
        /// The header.
        header: ContentHeader<'a>,
    },
    /// A content body frame.
    Body {
        /// Channel number.
        channel: u16,
        /// The body bytes of this frame.
        payload: Payload<'a>,
    },
    /// A heartbeat (always channel 0, empty payload).
    Heartbeat,
}

impl<'a> Frame<'a> {
    /// A method frame.
    pub fn method(channel: u16, method: impl Into<Method<'a>>) -> Self {
        Frame::Method {
            channel,
            method: method.into(),
        }
    }

    /// The channel (0 for the protocol header and heartbeats).
    pub fn channel(&self) -> u16 {
        match self {
            Frame::Method { channel, .. }
            | Frame::Header { channel, .. }
            | Frame::Body { channel, .. } => *channel,
            Frame::ProtocolHeader(_) | Frame::Heartbeat => 0,
        }
    }

    fn payload_len(&self) -> usize {
        match self {
            Frame::ProtocolHeader(_) | Frame::Heartbeat => 0,
            Frame::Method { method, .. } => method.encoded_len(),
            Frame::Header { header, .. } => header.encoded_len(),
            Frame::Body { payload, .. } => payload.len(),
        }
    }

    /// Exact encoded length, framing included.
    pub fn encoded_len(&self) -> usize {
        match self {
            Frame::ProtocolHeader(_) => 8,
            _ => FRAME_OVERHEAD + self.payload_len(),
        }
    }

    /// Writes the frame. The payload length is computed first, so nothing is patched.
    pub fn encode(&self, buf: &mut impl BufMut) {
        let (ty, channel) = match self {
            Frame::ProtocolHeader(h) => return buf.put_slice(&h.to_bytes()),
            Frame::Method { channel, .. } => (FrameType::METHOD, *channel),
            Frame::Header { channel, .. } => (FrameType::HEADER, *channel),
            Frame::Body { channel, .. } => (FrameType::BODY, *channel),
            Frame::Heartbeat => (FrameType::HEARTBEAT, 0),
        };
        buf.put_u8(ty.0);
        buf.put_u16(channel);
        buf.put_u32(self.payload_len() as u32);
        match self {
            Frame::Method { method, .. } => method.encode(buf),
            Frame::Header { header, .. } => header.encode(buf),
            Frame::Body { payload, .. } => buf.put_slice(payload),
            Frame::ProtocolHeader(_) | Frame::Heartbeat => {}
        }
        buf.put_u8(FRAME_END);
    }

    /// The frame's bytes, in one allocation of the exact size.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.encode(&mut out);
        out
    }

    /// The same frame, owning its data (a shared body stays shared).
    pub fn into_owned(self) -> Frame<'static> {
        match self {
            Frame::ProtocolHeader(h) => Frame::ProtocolHeader(h),
            Frame::Method { channel, method } => Frame::Method {
                channel,
                method: method.into_owned(),
            },
            Frame::Header { channel, header } => Frame::Header {
                channel,
                header: header.into_owned(),
            },
            Frame::Body { channel, payload } => Frame::Body {
                channel,
                payload: payload.into_owned(),
            },
            Frame::Heartbeat => Frame::Heartbeat,
        }
    }
}

/// Decodes frames from the front of a buffer under the given limits and profile.
#[derive(Debug, Clone, Copy, Default)]
pub struct Decoder {
    /// Limits enforced before buffering or walking.
    pub limits: Limits,
    /// How strictly to read.
    pub profile: Profile,
}

impl Decoder {
    /// A decoder with these limits and the strict profile.
    pub fn new(limits: Limits) -> Self {
        Decoder {
            limits,
            profile: Profile::Strict,
        }
    }

    /// Decodes the frame at the front of `buf`: complete (frame + bytes used), need-more (at
    /// least how many more bytes), or an error. A frame head that declares more than frame-max
    /// is an error as soon as its 7 octets are in, before any payload is waited for.
    #[inline]
    pub fn decode<'a>(&self, buf: &'a [u8]) -> Result<Decoded<Frame<'a>>, Error> {
        self.decode_inner(buf, None)
    }

    /// Like [`decode`](Self::decode), but a body payload is a [`Bytes`] slice of `buf` that
    /// can outlive it without a copy.
    pub fn decode_shared<'a>(&self, buf: &'a Bytes) -> Result<Decoded<Frame<'a>>, Error> {
        self.decode_inner(buf, Some(buf))
    }

    #[inline]
    fn decode_inner<'a>(
        &self,
        buf: &'a [u8],
        shared: Option<&Bytes>,
    ) -> Result<Decoded<Frame<'a>>, Error> {
        let Some(&first) = buf.first() else {
            return Ok(Decoded::NeedMore { at_least: 1 });
        };
        if first == PROTOCOL_MAGIC[0] {
            return decode_protocol_header(buf);
        }
        let ty = FrameType(first);
        if !ty.is_known() {
            return Err(Error::new(0, ErrorKind::UnknownFrameType(first)));
        }
        if buf.len() < FRAME_HEAD_LEN {
            return Ok(Decoded::NeedMore {
                at_least: FRAME_HEAD_LEN - buf.len(),
            });
        }
        let channel = u16::from_be_bytes([buf[1], buf[2]]);
        let size = u32::from_be_bytes([buf[3], buf[4], buf[5], buf[6]]);
        // Spec §4.2.3 / connection.tune: frame-max "is the largest frame size ... including
        // frame header and end-byte". Checked before a single payload byte is waited for.
        let total = size as u64 + FRAME_OVERHEAD as u64;
        let frame_max = self.limits.frame_max;
        // RabbitMQ tolerates frames up to 8 octets over frame-max (`FRAME_SIZE_FUDGE` in
        // rabbit_reader: clients "get it wrong - off-by 1 or 8"), so its profile does too.
        let tolerated = match self.profile {
            Profile::Strict => frame_max as u64,
            Profile::RabbitMq => frame_max as u64 + FRAME_OVERHEAD as u64,
        };
        if frame_max != 0 && total > tolerated {
            return Err(Error::new(
                3,
                ErrorKind::FrameTooLarge {
                    size: total,
                    frame_max,
                },
            ));
        }
        let total = total as usize;
        if buf.len() < total {
            return Ok(Decoded::NeedMore {
                at_least: total - buf.len(),
            });
        }
        // §4.2.3: "When a peer reads a frame it MUST check that the frame-end is valid before
        // attempting to decode the frame." So a heartbeat's channel and size are judged after it.
        let end = buf[total - 1];
        if end != FRAME_END {
            return Err(Error::new(total - 1, ErrorKind::FrameEnd { found: end }));
        }
        if ty == FrameType::HEARTBEAT {
            if channel != 0 {
                return Err(Error::new(1, ErrorKind::HeartbeatChannel(channel)));
            }
            if size != 0 {
                return Err(Error::new(3, ErrorKind::HeartbeatPayload(size)));
            }
        }
        let payload = &buf[FRAME_HEAD_LEN..total - 1];
        let mut fields = FieldReader::new(
            Reader::new(payload, FRAME_HEAD_LEN),
            self.limits,
            self.profile,
        );
        let frame = match ty {
            FrameType::METHOD => {
                let class_id = fields.r.u16("class id")?;
                let method_id = fields.r.u16("method id")?;
                let method = Method::read_fields(
                    MethodId {
                        class_id,
                        method_id,
                    },
                    &mut fields,
                )?;
                fields.finish()?;
                Frame::Method { channel, method }
            }
            FrameType::HEADER => Frame::Header {
                channel,
                header: ContentHeader::read(&mut fields)?,
            },
            FrameType::BODY => Frame::Body {
                channel,
                payload: match shared {
                    Some(bytes) => Payload::Shared(bytes.slice(FRAME_HEAD_LEN..total - 1)),
                    None => Payload::Borrowed(payload),
                },
            },
            _ => Frame::Heartbeat,
        };
        Ok(Decoded::Complete {
            value: frame,
            used: total,
        })
    }
}

fn decode_protocol_header<'a>(buf: &'a [u8]) -> Result<Decoded<Frame<'a>>, Error> {
    // The first differing octet, so that the error is the same however the input is chunked.
    if let Some(at) =
        (0..buf.len().min(PROTOCOL_MAGIC.len())).find(|&i| buf[i] != PROTOCOL_MAGIC[i])
    {
        return Err(Error::new(at, ErrorKind::BadProtocolHeader(buf[at])));
    }
    if buf.len() < 8 {
        return Ok(Decoded::NeedMore {
            at_least: 8 - buf.len(),
        });
    }
    Ok(Decoded::Complete {
        value: Frame::ProtocolHeader(ProtocolHeader {
            octets: [buf[4], buf[5], buf[6], buf[7]],
        }),
        used: 8,
    })
}

/// Decodes one whole frame (`input` holds exactly one frame, or the protocol header) with
/// default limits and the strict profile. A stream is read with [`Decoder::decode`].
pub fn decode(input: &[u8]) -> Result<Frame<'_>, Error> {
    Decoder::default().decode_whole(input)
}

impl Decoder {
    /// Decodes one whole frame: `input` must hold exactly one frame (or the protocol
    /// header); fewer bytes are `truncated`, more are `trailing-data`.
    pub fn decode_whole<'a>(&self, input: &'a [u8]) -> Result<Frame<'a>, Error> {
        match self.decode(input)? {
            Decoded::Complete { value, used } if used == input.len() => Ok(value),
            Decoded::Complete { used, .. } => Err(Error::new(
                used,
                ErrorKind::TrailingData(input.len() - used),
            )),
            Decoded::NeedMore { .. } => Err(Error::new(
                input.len(),
                ErrorKind::Truncated { expected: "frame" },
            )),
        }
    }
}

/// Iterates over the whole frames at the front of a buffer (a capture, or what a read
/// returned). Stops at the first incomplete frame ([`Frames::remainder`]) or error; error
/// offsets are relative to the start of the whole buffer.
#[derive(Debug, Clone)]
pub struct Frames<'a> {
    decoder: Decoder,
    buf: &'a [u8],
    pos: usize,
    failed: bool,
}

impl<'a> Frames<'a> {
    /// Frames of `buf` under `decoder`.
    pub fn new(decoder: Decoder, buf: &'a [u8]) -> Self {
        Frames {
            decoder,
            buf,
            pos: 0,
            failed: false,
        }
    }

    /// Offset of the first byte not yet decoded.
    pub fn position(&self) -> usize {
        self.pos
    }

    /// The bytes not yet decoded (an incomplete frame, or where an error stopped).
    pub fn remainder(&self) -> &'a [u8] {
        &self.buf[self.pos..]
    }
}

impl<'a> Iterator for Frames<'a> {
    type Item = Result<Frame<'a>, Error>;
    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.pos >= self.buf.len() {
            return None;
        }
        match self.decoder.decode(&self.buf[self.pos..]) {
            Ok(Decoded::Complete { value, used }) => {
                self.pos += used;
                Some(Ok(value))
            }
            Ok(Decoded::NeedMore { .. }) => None,
            Err(e) => {
                self.failed = true;
                Some(Err(e.shifted(self.pos)))
            }
        }
    }
}
