//! Splitting a byte stream of XML-RPC documents sent back to back, read in pieces.
//!
//! [`Decoder::decode`] is stateless: each call searches the buffer for the root's end tag from
//! the front, so calling it after every read of a large document looks at the document once per
//! read (quadratic in the number of reads). [`Splitter`] keeps that search's place between
//! reads, so a document is looked at a bounded number of times in total however it is cut, then
//! read once whole. It hands out each document as [`Bytes`] (shared with the buffer, no copy),
//! already validated: read it again with [`decode_with`](super::decode_with), or take an owned
//! [`Message`] from [`Splitter::next_message`].

use super::decode::{find_end, EndScan};
use super::{Decoder, Error, Limits, Message, Profile};
use bytes::{Buf, Bytes, BytesMut};

/// Buffers a byte stream and splits it into validated XML-RPC documents.
#[derive(Debug)]
pub struct Splitter {
    buf: BytesMut,
    scan: EndScan,
    decoder: Decoder,
    /// The error that broke the stream: a stream cannot resynchronise after one.
    failed: Option<Error>,
}

impl Default for Splitter {
    fn default() -> Self {
        Splitter::new(Limits::default(), Profile::Strict)
    }
}

impl Splitter {
    /// A splitter reading documents under these limits and profile.
    pub fn new(limits: Limits, profile: Profile) -> Self {
        Splitter {
            buf: BytesMut::new(),
            scan: EndScan::default(),
            decoder: Decoder { limits, profile },
            failed: None,
        }
    }

    /// The profile documents are read under.
    pub fn profile(&self) -> Profile {
        self.decoder.profile
    }

    /// Appends bytes read from the stream.
    pub fn push(&mut self, data: &[u8]) {
        self.buf.extend_from_slice(data);
    }

    /// Bytes buffered and not yet handed out.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// The next whole document's bytes (from its first byte through the root's end tag),
    /// validated; `Ok(None)`: push more. Whitespace between documents is skipped. Error offsets
    /// count from the document's first byte. After an error the stream is broken: the same
    /// error is returned again.
    pub fn next_frame(&mut self) -> Result<Option<Bytes>, Error> {
        if let Some(e) = &self.failed {
            return Err(e.clone());
        }
        if self.scan == EndScan::default() {
            // Between documents: XML whitespace is not part of either.
            let ws = self
                .buf
                .iter()
                .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r'))
                .count();
            self.buf.advance(ws);
            if self.buf.is_empty() {
                return Ok(None);
            }
        }
        let decoder = self.decoder;
        let mut doc_end = 0;
        let found = find_end(&self.buf, &mut self.scan, |doc| {
            doc_end = doc.len();
            decoder.decode_whole(doc).map(drop)
        });
        match found {
            Ok(Some(((), used))) => {
                self.scan = EndScan::default();
                let mut frame = self.buf.split_to(used).freeze();
                frame.truncate(doc_end);
                Ok(Some(frame))
            }
            Ok(None) => match decoder.need_more(&self.buf) {
                Ok(_) => Ok(None),
                Err(e) => Err(self.fail(e)),
            },
            Err(e) => Err(self.fail(e)),
        }
    }

    /// The next whole document, read and copied out (`Ok(None)`: push more). To keep borrowing,
    /// use [`Splitter::next_frame`] and [`decode_with`](super::decode_with) on the frame.
    pub fn next_message(&mut self) -> Result<Option<Message<'static>>, Error> {
        let Some(frame) = self.next_frame()? else {
            return Ok(None);
        };
        let message = self.decoder.decode_whole(&frame).map(Message::into_owned);
        message.map(Some).map_err(|e| self.fail(e))
    }

    fn fail(&mut self, e: Error) -> Error {
        self.failed = Some(e.clone());
        e
    }
}
