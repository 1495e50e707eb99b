//! Content assembly: method + header + body frames → one message per channel.
//!
//! Spec §4.2.6: "Certain specific methods (such as Basic.Publish, Basic.Deliver, etc.) are
//! formally defined as carrying content. ... the content header frame and zero or more content
//! body frames" follow the method on the same channel, and nothing else may come on that channel
//! in between. What a broker answers when that is broken follows RabbitMQ's
//! `rabbit_command_assembler`: an out-of-place frame, a header of another class or a non-zero
//! weight is 505 (unexpected-frame); a non-connection method on channel 0 is 504
//! (channel-error). More body than declared is 501 (frame-error): RabbitMQ itself does not
//! notice the overrun and answers 505 only when the next non-body frame arrives.

use std::collections::{HashMap, HashSet};

use bytes::{Bytes, BytesMut};

use super::error::{Error, ErrorKind};
use super::frame::{Frame, Payload};
use super::properties::ContentHeader;
use super::{Limits, Method};

/// A whole content-bearing message: its method, header and body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Channel it arrived on.
    pub channel: u16,
    /// The content-bearing method (basic.publish, basic.deliver, basic.get-ok, basic.return).
    pub method: Method<'static>,
    /// The content header.
    pub header: ContentHeader<'static>,
    /// The body: the single frame's shared bytes when it came in one frame, else the
    /// frames' payloads joined.
    pub body: Bytes,
}

/// What [`Assembler::push`] produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assembled<'a> {
    /// A frame that is not part of a content sequence (a method without content, a
    /// heartbeat, the protocol header), passed through as it came.
    Frame(Frame<'a>),
    /// A message whose last part just arrived.
    Message(Message),
}

#[derive(Debug)]
enum State {
    AwaitHeader(Method<'static>),
    AwaitBody(Box<Pending>),
}

#[derive(Debug)]
struct Pending {
    method: Method<'static>,
    header: ContentHeader<'static>,
    remaining: u64,
    parts: Vec<Bytes>,
}

/// Tracks content sequences per channel (and, if asked, which channels are open).
#[derive(Debug, Default)]
pub struct Assembler {
    limits: Limits,
    channels: HashMap<u16, State>,
    /// `Some`: the channels opened by channel.open and not yet closed.
    open: Option<HashSet<u16>>,
}

impl Assembler {
    /// An assembler enforcing `limits.max_body_size`.
    pub fn new(limits: Limits) -> Self {
        Assembler {
            limits,
            channels: HashMap::new(),
            open: None,
        }
    }

    /// Also checks channel state as a broker does: a method on a channel that channel.open
    /// did not open, or a second channel.open, is 504 (channel-error).
    pub fn track_channels(mut self) -> Self {
        self.open = Some(HashSet::new());
        self
    }

    fn check_channel_state(&mut self, channel: u16, method: &Method<'_>) -> Result<(), Error> {
        let Some(open) = &mut self.open else {
            return Ok(());
        };
        if channel == 0 {
            return Ok(());
        }
        let is_open = open.contains(&channel);
        match method {
            // RabbitMQ: "CHANNEL_ERROR - second 'channel.open' seen".
            Method::ChannelOpen(_) if is_open => Err(Error::new(
                0,
                ErrorKind::ChannelError("second channel.open"),
            )),
            Method::ChannelOpen(_) => {
                open.insert(channel);
                Ok(())
            }
            Method::ChannelCloseOk(_) => {
                open.remove(&channel);
                Ok(())
            }
            // RabbitMQ: "CHANNEL_ERROR - expected 'channel.open'".
            _ if !is_open => Err(Error::new(
                0,
                ErrorKind::ChannelError("method on a channel that is not open"),
            )),
            _ => Ok(()),
        }
    }

    /// Whether `channel` is in the middle of a content sequence.
    pub fn in_content(&self, channel: u16) -> bool {
        self.channels.contains_key(&channel)
    }

    /// Forgets `channel`'s partial content (after channel.close, say).
    pub fn reset(&mut self, channel: u16) {
        self.channels.remove(&channel);
    }

    /// Takes the next frame. `Ok(None)`: it was part of a message still incomplete. Errors
    /// have offset 0 (they are about the frame as a whole) and the broker's reply code; the
    /// channel's partial message is dropped.
    pub fn push<'a>(&mut self, frame: Frame<'a>) -> Result<Option<Assembled<'a>>, Error> {
        let channel = frame.channel();
        let unexpected = |what| Err(Error::new(0, ErrorKind::UnexpectedFrame(what)));
        match frame {
            Frame::Method { channel, method } => {
                if self.channels.remove(&channel).is_some() {
                    return unexpected("method frame inside a content sequence");
                }
                // RabbitMQ: "CHANNEL_ERROR - unexpected method in connection state running".
                if channel == 0 && method.id().class_id != super::ClassId::CONNECTION.0 {
                    return Err(Error::new(
                        0,
                        ErrorKind::ChannelError("method of a class other than connection"),
                    ));
                }
                self.check_channel_state(channel, &method)?;
                if method.has_content() {
                    self.channels
                        .insert(channel, State::AwaitHeader(method.into_owned()));
                    return Ok(None);
                }
                Ok(Some(Assembled::Frame(Frame::Method { channel, method })))
            }
            Frame::Header { header, .. } => {
                let Some(State::AwaitHeader(method)) = self.channels.remove(&channel) else {
                    return unexpected("content header without a content method");
                };
                let method_class = method.id().class_id;
                if header.class_id.0 != method_class {
                    return Err(Error::new(
                        0,
                        ErrorKind::ClassMismatch {
                            header: header.class_id.0,
                            method: method_class,
                        },
                    ));
                }
                if header.weight != 0 {
                    return Err(Error::new(0, ErrorKind::HeaderWeight(header.weight)));
                }
                if header.body_size > self.limits.max_body_size {
                    return Err(Error::new(
                        0,
                        ErrorKind::BodyLimit {
                            size: header.body_size,
                            limit: self.limits.max_body_size,
                        },
                    ));
                }
                let header = header.into_owned();
                if header.body_size == 0 {
                    return Ok(Some(Assembled::Message(Message {
                        channel,
                        method,
                        header,
                        body: Bytes::new(),
                    })));
                }
                let remaining = header.body_size;
                self.channels.insert(
                    channel,
                    State::AwaitBody(Box::new(Pending {
                        method,
                        header,
                        remaining,
                        parts: Vec::new(),
                    })),
                );
                Ok(None)
            }
            Frame::Body { payload, .. } => {
                let Some(State::AwaitBody(mut pending)) = self.channels.remove(&channel) else {
                    return unexpected("body frame without a content header");
                };
                let len = payload.len() as u64;
                if len > pending.remaining {
                    return Err(Error::new(
                        0,
                        ErrorKind::BodyTooLarge(len - pending.remaining),
                    ));
                }
                pending.parts.push(Payload::into_bytes(payload));
                pending.remaining -= len;
                if pending.remaining > 0 {
                    self.channels.insert(channel, State::AwaitBody(pending));
                    return Ok(None);
                }
                let Pending {
                    method,
                    header,
                    mut parts,
                    ..
                } = *pending;
                let body = if parts.len() == 1 {
                    parts.pop().unwrap_or_default()
                } else {
                    let mut joined = BytesMut::new();
                    for part in &parts {
                        joined.extend_from_slice(part);
                    }
                    joined.freeze()
                };
                Ok(Some(Assembled::Message(Message {
                    channel,
                    method,
                    header,
                    body,
                })))
            }
            other @ (Frame::Heartbeat | Frame::ProtocolHeader(_)) => {
                Ok(Some(Assembled::Frame(other)))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::amqp::*;

    fn publish() -> Frame<'static> {
        Frame::method(1, BasicPublish::default())
    }

    fn header(size: u64) -> Frame<'static> {
        Frame::Header {
            channel: 1,
            header: ContentHeader::new(size, BasicProperties::default()),
        }
    }

    fn body(bytes: &'static [u8]) -> Frame<'static> {
        Frame::Body {
            channel: 1,
            payload: Payload::Borrowed(bytes),
        }
    }

    #[test]
    fn assembles_a_body_split_over_frames() {
        let mut a = Assembler::default();
        assert_eq!(a.push(publish()).unwrap(), None);
        assert_eq!(a.push(header(6)).unwrap(), None);
        assert!(a.in_content(1));
        assert_eq!(a.push(body(b"hel")).unwrap(), None);
        let Some(Assembled::Message(m)) = a.push(body(b"lo!")).unwrap() else {
            panic!()
        };
        assert_eq!(&m.body[..], b"hello!");
        assert_eq!(m.method.name(), "basic.publish");
        assert!(!a.in_content(1));
    }

    #[test]
    fn empty_body_completes_at_the_header() {
        let mut a = Assembler::default();
        a.push(publish()).unwrap();
        let Some(Assembled::Message(m)) = a.push(header(0)).unwrap() else {
            panic!()
        };
        assert!(m.body.is_empty());
    }

    #[test]
    fn content_sequence_errors_carry_rabbitmq_codes() {
        let mut a = Assembler::default();
        let e = a.push(header(1)).unwrap_err();
        assert_eq!((e.kind(), e.code().0), ("unexpected-frame", 505));

        let e = a.push(body(b"x")).unwrap_err();
        assert_eq!((e.kind(), e.code().0), ("unexpected-frame", 505));

        a.push(publish()).unwrap();
        let e = a.push(publish()).unwrap_err();
        assert_eq!((e.kind(), e.code().0), ("unexpected-frame", 505));

        a.push(publish()).unwrap();
        let mut h = ContentHeader::new(1, BasicProperties::default());
        h.weight = 1;
        let e = a
            .push(Frame::Header {
                channel: 1,
                header: h,
            })
            .unwrap_err();
        assert_eq!(*e.detail(), ErrorKind::HeaderWeight(1));
        assert_eq!(e.code().0, 505);

        a.push(publish()).unwrap();
        a.push(header(2)).unwrap();
        let e = a.push(body(b"abc")).unwrap_err();
        assert_eq!(*e.detail(), ErrorKind::BodyTooLarge(1));
        assert_eq!(e.code().0, 501);

        let e = a.push(Frame::method(0, BasicQos::default())).unwrap_err();
        assert_eq!((e.kind(), e.code().0), ("channel-error", 504));
        assert!(a
            .push(Frame::method(0, ConnectionCloseOk::default()))
            .is_ok());

        let mut a = Assembler::new(Limits {
            max_body_size: 10,
            ..Limits::default()
        });
        a.push(publish()).unwrap();
        let e = a.push(header(11)).unwrap_err();
        assert_eq!(e.kind(), "body-limit");
        assert_eq!(e.code(), ReplyCode::CONTENT_TOO_LARGE);
    }

    #[test]
    fn channel_tracking_reports_what_rabbitmq_reports() {
        let mut a = Assembler::default().track_channels();
        let e = a.push(Frame::method(2, BasicQos::default())).unwrap_err();
        assert_eq!((e.kind(), e.code().0), ("channel-error", 504));
        a.push(Frame::method(2, ChannelOpen::default())).unwrap();
        a.push(Frame::method(2, BasicQos::default())).unwrap();
        let e = a
            .push(Frame::method(2, ChannelOpen::default()))
            .unwrap_err();
        assert_eq!(*e.detail(), ErrorKind::ChannelError("second channel.open"));
        a.push(Frame::method(2, ChannelCloseOk::default())).unwrap();
        assert!(a.push(Frame::method(2, BasicQos::default())).is_err());
        // Without tracking, channel state is not the assembler's business.
        assert!(Assembler::default()
            .push(Frame::method(2, BasicQos::default()))
            .is_ok());
    }

    #[test]
    fn other_channels_and_heartbeats_pass_through_a_sequence() {
        let mut a = Assembler::default();
        a.push(publish()).unwrap();
        assert_eq!(
            a.push(Frame::Heartbeat).unwrap(),
            Some(Assembled::Frame(Frame::Heartbeat))
        );
        let other = Frame::method(2, BasicAck::default());
        assert_eq!(
            a.push(other.clone()).unwrap(),
            Some(Assembled::Frame(other))
        );
        assert!(a.in_content(1));
    }

    #[test]
    fn a_single_shared_body_frame_is_not_copied() {
        let shared = Bytes::from_static(b"payload");
        let mut a = Assembler::default();
        a.push(publish()).unwrap();
        a.push(header(7)).unwrap();
        let Some(Assembled::Message(m)) = a
            .push(Frame::Body {
                channel: 1,
                payload: Payload::Shared(shared.clone()),
            })
            .unwrap()
        else {
            panic!()
        };
        assert_eq!(m.body.as_ptr(), shared.as_ptr());
    }
}
