//! Splitting a byte stream into messages, in time linear in the stream however it is chunked.
//!
//! [`Decoder::decode`](super::Decoder::decode) is stateless: called again on a longer buffer it
//! scans the message from its start. [`Splitter`] keeps the scan where it stopped instead
//! (unframed), or waits for the whole frame its 4-byte length announced (framed, the length
//! checked against the limit before anything is buffered), so a message arriving byte by byte
//! is still looked at once. It hands out each whole message as [`Bytes`] (the message only,
//! without a frame length), validated: read it with [`Message::decode_with`] (under THeader
//! framing the bytes are the THeader frame after its length: read it with
//! [`HeaderFrame::read`](super::HeaderFrame::read)).

use super::message::read_header;
use super::scan::Scanner;
use super::wire::{Cur, Stop};
use super::{Decoder, Error, Framing, Message, OwnedMessage, Protocol};
use crate::Decoded;
use bytes::{Buf, Bytes, BytesMut};

/// Buffers a byte stream and splits it into validated messages.
#[derive(Debug)]
pub struct Splitter {
    decoder: Decoder,
    buf: BytesMut,
    /// The scan of the message at the front, once its header was read.
    scan: Option<Scanner>,
    /// Bytes the buffer must reach before anything can be decided.
    wait_for: usize,
    /// The error that broke the stream: a stream cannot resynchronise after one.
    failed: Option<Error>,
}

impl Default for Splitter {
    fn default() -> Self {
        Splitter::new(Decoder::default())
    }
}

impl Splitter {
    /// A splitter for this decoder's protocol, framing, limits and profile.
    pub fn new(decoder: Decoder) -> Self {
        Splitter {
            decoder,
            buf: BytesMut::new(),
            scan: None,
            wait_for: 0,
            failed: None,
        }
    }

    /// The configuration messages are validated under.
    pub fn decoder(&self) -> &Decoder {
        &self.decoder
    }

    /// Appends bytes read from the stream.
    pub fn push(&mut self, data: &[u8]) {
        self.buf.extend_from_slice(data);
    }

    /// Bytes buffered and not yet handed out.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// A lower bound on the bytes to push before [`Splitter::next_frame`] can return a message
    /// (0 when one may already be complete).
    pub fn at_least(&self) -> usize {
        self.wait_for.saturating_sub(self.buf.len())
    }

    /// The next whole message's bytes, validated (`Ok(None)`: push more). After an error the
    /// stream is broken: the same error is returned again.
    pub fn next_frame(&mut self) -> Result<Option<Bytes>, Error> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        if self.buf.len() < self.wait_for.max(1) {
            return Ok(None);
        }
        let out = match self.decoder.framing {
            Framing::Framed | Framing::Header => self.framed(),
            Framing::Unframed => self.unframed(),
        };
        if let Err(e) = &out {
            self.failed = Some(e.clone());
        }
        out
    }

    fn framed(&mut self) -> Result<Option<Bytes>, Error> {
        // The stateless decoder checks the length from 4 bytes and waits for the whole frame
        // before reading it, once: no rescans.
        match self.decoder.decode(&self.buf)? {
            Decoded::NeedMore { at_least } => {
                self.wait_for = self.buf.len() + at_least;
                Ok(None)
            }
            Decoded::Complete { used, .. } => {
                self.wait_for = 0;
                let mut frame = self.buf.split_to(used);
                frame.advance(4);
                Ok(Some(frame.freeze()))
            }
        }
    }

    fn unframed(&mut self) -> Result<Option<Bytes>, Error> {
        let d = &self.decoder;
        if self.scan.is_none() {
            let mut cur = Cur::new(&self.buf, 0);
            match read_header(&mut cur, d.protocol, &d.limits) {
                Ok(_) => self.scan = Some(Scanner::for_struct(d.protocol, cur.pos)),
                Err(Stop::Short(missing)) => {
                    self.wait_for = self.buf.len() + missing.max(1);
                    return Ok(None);
                }
                Err(Stop::Bad(e)) => return Err(e),
            }
        }
        let Some(scan) = self.scan.as_mut() else {
            return Ok(None);
        };
        match scan.run(&self.buf, &d.limits, d.profile)? {
            Decoded::NeedMore { at_least } => {
                self.wait_for = self.buf.len() + at_least;
                Ok(None)
            }
            Decoded::Complete { used, .. } => {
                self.scan = None;
                self.wait_for = 0;
                Ok(Some(self.buf.split_to(used).freeze()))
            }
        }
    }

    /// The next whole message, copied out (`Ok(None)`: push more). To keep borrowing, use
    /// [`Splitter::next_frame`] and [`Message::decode_with`] on the bytes.
    pub fn next_message(&mut self) -> Result<Option<OwnedMessage>, Error> {
        let Some(frame) = self.next_frame()? else {
            return Ok(None);
        };
        let d = self.decoder;
        if d.framing == Framing::Header {
            let f = super::HeaderFrame::read(&frame, &d.limits, d.profile)?;
            return Ok(Some(f.message.into_owned()));
        }
        let m = Message::decode_with(&frame, d.protocol, &d.limits, d.profile)?;
        Ok(m.complete().map(|(m, _)| m.into_owned()))
    }

    /// The protocol of the stream.
    pub fn protocol(&self) -> Protocol {
        self.decoder.protocol
    }
}

/// An I/O error, or bytes the splitter rejected (the stream cannot continue).
#[cfg(feature = "tokio")]
pub type CodecError = crate::CodecError<Error>;

/// A `tokio_util::codec` decoder and encoder for a Thrift stream: frames are the validated bytes
/// of one message each (decode them with [`Message::decode_with`]); items to send are written in
/// the splitter's protocol and framing.
#[cfg(feature = "tokio")]
#[derive(Debug, Default)]
pub struct MessageCodec {
    splitter: Splitter,
}

#[cfg(feature = "tokio")]
impl MessageCodec {
    /// A codec for this decoder's protocol, framing, limits and profile.
    pub fn new(decoder: Decoder) -> Self {
        MessageCodec {
            splitter: Splitter::new(decoder),
        }
    }
}

#[cfg(feature = "tokio")]
impl tokio_util::codec::Decoder for MessageCodec {
    type Item = Bytes;
    type Error = CodecError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Bytes>, CodecError> {
        if !src.is_empty() {
            let chunk = src.split();
            self.splitter.push(&chunk);
        }
        Ok(self.splitter.next_frame()?)
    }
}

#[cfg(feature = "tokio")]
impl tokio_util::codec::Encoder<&OwnedMessage> for MessageCodec {
    type Error = CodecError;

    fn encode(&mut self, item: &OwnedMessage, dst: &mut BytesMut) -> Result<(), CodecError> {
        let d = self.splitter.decoder;
        let len = item.encoded_len(d.protocol);
        if d.framing == Framing::Header {
            dst.reserve(len + 16);
            let none = std::iter::empty();
            super::header::put_frame(0, item.seqid, d.protocol, none, len, dst);
            item.encode(d.protocol, dst);
            return Ok(());
        }
        dst.reserve(len + 4);
        if d.framing == Framing::Framed {
            bytes::BufMut::put_u32(dst, len as u32);
        }
        item.encode(d.protocol, dst);
        Ok(())
    }
}
