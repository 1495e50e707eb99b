//! Splitting a byte stream into messages without building them.
//!
//! MessagePack-RPC has no framing: messages follow each other on the stream and only the
//! MessagePack encoding says where one ends. [`Splitter`] buffers what arrives, runs the
//! validating length scan, and hands out each whole message as [`Bytes`] (one allocation
//! shared with the buffer, no copy). The scan resumes where it stopped, so a message arriving
//! in pieces is looked at once in total, and a declared size above the limit is refused as soon
//! as its header arrives, before it is buffered.

use super::scan::{scan_from, ScanState};
use super::{Error, Limits, Message, Profile};
use bytes::{Bytes, BytesMut};

/// Buffers a byte stream and splits it into validated messages (or top-level values).
#[derive(Debug)]
pub struct Splitter {
    buf: BytesMut,
    state: ScanState,
    limits: Limits,
    profile: Profile,
    /// Bytes the buffer must reach before a frame can be complete (for `at_least`).
    wait_for: usize,
    /// The error that broke the stream: a stream cannot resynchronise after one.
    failed: Option<Error>,
}

impl Default for Splitter {
    fn default() -> Self {
        Splitter::new(Limits::default(), Profile::Strict)
    }
}

impl Splitter {
    /// A splitter with these limits and profile.
    pub fn new(limits: Limits, profile: Profile) -> Self {
        Splitter {
            buf: BytesMut::new(),
            state: ScanState::new(),
            limits,
            profile,
            wait_for: 0,
            failed: None,
        }
    }

    /// The profile messages are validated under.
    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// Appends bytes read from the stream.
    pub fn push(&mut self, data: &[u8]) {
        self.buf.extend_from_slice(data);
    }

    /// Bytes buffered and not yet handed out.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// A lower bound on the bytes to push before [`Splitter::next_frame`] can return a frame
    /// (0 when a frame may already be complete).
    pub fn at_least(&self) -> usize {
        self.wait_for.saturating_sub(self.buf.len())
    }

    /// The next whole value's bytes, validated (`Ok(None)`: push more). After an error the
    /// stream is broken: the same error is returned again.
    pub fn next_frame(&mut self) -> Result<Option<Bytes>, Error> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        // Scan whenever there are new bytes, even short of `wait_for`: the scan resumes where it
        // stopped (O(1) for an item still incomplete), and an error must be found as soon as
        // its bytes are here, however the stream was chunked (found by the msgpack_rpc_stream
        // fuzz target: an ext32 declaring 148 MB was refused whole but waited for in pieces).
        if self.buf.is_empty() {
            return Ok(None);
        }
        match scan_from(&self.buf, &mut self.state, &self.limits, self.profile) {
            Ok(crate::Decoded::Complete { used, .. }) => {
                self.state = ScanState::new();
                self.wait_for = 0;
                Ok(Some(self.buf.split_to(used).freeze()))
            }
            Ok(crate::Decoded::NeedMore { at_least }) => {
                self.wait_for = self.buf.len().saturating_add(at_least);
                Ok(None)
            }
            Err(e) => {
                self.failed = Some(e.clone());
                Err(e)
            }
        }
    }

    /// The next whole message, interpreted and copied out (`Ok(None)`: push more). To keep
    /// borrowing, use [`Splitter::next_frame`] and [`Message::from_slice_with`] on the frame.
    pub fn next_message(&mut self) -> Result<Option<super::OwnedMessage>, Error> {
        let Some(frame) = self.next_frame()? else {
            return Ok(None);
        };
        let msg = Message::from_slice_with(&frame, &self.limits, self.profile)?;
        Ok(Some(msg.into_owned()))
    }
}

/// An I/O error, or bytes the splitter rejected (the stream cannot continue).
#[cfg(feature = "tokio")]
pub type CodecError = crate::CodecError<Error>;

/// A `tokio_util::codec` decoder and encoder for a MessagePack-RPC stream: frames are the
/// validated bytes of one message each (decode them with [`Message::from_slice_with`]).
#[cfg(feature = "tokio")]
#[derive(Debug, Default)]
pub struct MessageCodec {
    splitter: Splitter,
}

#[cfg(feature = "tokio")]
impl MessageCodec {
    /// A codec with these limits and profile.
    pub fn new(limits: Limits, profile: Profile) -> Self {
        MessageCodec {
            splitter: Splitter::new(limits, profile),
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
impl tokio_util::codec::Encoder<&super::OwnedMessage> for MessageCodec {
    type Error = CodecError;

    fn encode(&mut self, item: &super::OwnedMessage, dst: &mut BytesMut) -> Result<(), CodecError> {
        dst.reserve(item.encoded_len());
        item.encode(dst);
        Ok(())
    }
}
