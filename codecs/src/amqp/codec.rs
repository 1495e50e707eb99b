//! tokio-util `Decoder`/`Encoder` for AMQP frames over `BytesMut` (feature `tokio`).
//!
//! Decoded frames own their method and header data; a body payload is a shared slice of the
//! read buffer (`Payload::Shared`), so bodies are never copied.

use bytes::BytesMut;
use tokio_util::codec::Encoder;

use super::{Decoder, Error, Frame};
use crate::Decoded;

/// Frames over a byte stream.
#[derive(Debug, Clone, Copy, Default)]
pub struct AmqpCodec {
    /// Limits and profile for decoding; set `limits.frame_max` after connection.tune-ok.
    pub decoder: Decoder,
}

/// An I/O error or a frame the decoder rejected (see [`Error::code`] for what to tell
/// the peer).
pub type CodecError = crate::CodecError<Error>;

impl tokio_util::codec::Decoder for AmqpCodec {
    type Item = Frame<'static>;
    type Error = CodecError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<Frame<'static>>, CodecError> {
        match self.decoder.decode(src)? {
            Decoded::NeedMore { at_least } => {
                // The head was checked against frame-max, so this is bounded by it.
                src.reserve(at_least);
                Ok(None)
            }
            Decoded::Complete { used, .. } => {
                let bytes = src.split_to(used).freeze();
                match self.decoder.decode_shared(&bytes)? {
                    Decoded::Complete { value, .. } => Ok(Some(value.into_owned())),
                    Decoded::NeedMore { .. } => unreachable!("the same bytes decoded once"),
                }
            }
        }
    }
}

impl Encoder<&Frame<'_>> for AmqpCodec {
    type Error = CodecError;

    fn encode(&mut self, frame: &Frame<'_>, dst: &mut BytesMut) -> Result<(), CodecError> {
        dst.reserve(frame.encoded_len());
        frame.encode(dst);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amqp::{BasicAck, Payload};
    use tokio_util::codec::Decoder as _;

    #[test]
    fn frames_pass_through_the_codec_and_bodies_share_the_buffer() {
        let mut codec = AmqpCodec::default();
        let mut buf = BytesMut::new();
        let frames = [
            Frame::method(
                1,
                BasicAck {
                    delivery_tag: 9,
                    multiple: true,
                },
            ),
            Frame::Body {
                channel: 1,
                payload: Payload::Borrowed(b"body"),
            },
        ];
        for f in &frames {
            codec.encode(f, &mut buf).unwrap();
        }
        let mut partial = buf.split_to(5);
        assert_eq!(codec.decode(&mut partial).unwrap(), None);
        partial.unsplit(buf);
        let mut buf = partial;
        assert_eq!(codec.decode(&mut buf).unwrap().as_ref(), Some(&frames[0]));
        assert_eq!(codec.decode(&mut buf).unwrap().as_ref(), Some(&frames[1]));
        assert!(buf.is_empty());
        buf.extend_from_slice(&[9, 0, 0]);
        assert!(matches!(codec.decode(&mut buf), Err(CodecError::Frame(_))));
    }
}
