//! msgwire against amq-protocol (an independent decoder) on the same bytes. Where both accept
//! a frame they must agree on its type, channel, class and method; where one rejects, the
//! disagreement must be one of the documented ones (see fuzz/README.md).
#![no_main]
use amq_protocol::frame::{parse_frame, AMQPFrame};
use libfuzzer_sys::fuzz_target;
use msgwire::amqp::{Decoder, Frame, Limits, Profile};
use msgwire::Decoded;

fuzz_target!(|data: &[u8]| {
    let ours = Decoder {
        limits: Limits {
            frame_max: 0,
            ..Limits::default()
        },
        profile: Profile::RabbitMq,
    }
    .decode(data);
    let theirs = parse_frame(data);
    if let (Ok(Decoded::Complete { value, used }), Ok((rest, frame))) = (&ours, &theirs) {
        assert_eq!(data.len() - rest.len(), *used, "frame length");
        match (value, frame) {
            (Frame::Method { channel, method }, AMQPFrame::Method(ch, class)) => {
                assert_eq!(channel, ch);
                let id = method.id();
                assert_eq!(id.class_id, class.get_amqp_class_id());
                assert_eq!(id.method_id, class.get_amqp_method_id());
            }
            (Frame::Header { channel, header }, AMQPFrame::Header(ch, h)) => {
                assert_eq!(channel, ch);
                assert_eq!(header.class_id.0, h.class_id);
                assert_eq!(header.body_size, h.body_size);
            }
            (Frame::Body { channel, payload }, AMQPFrame::Body(ch, body)) => {
                assert_eq!(channel, ch);
                assert_eq!(&payload[..], &body[..]);
            }
            (Frame::Heartbeat, AMQPFrame::Heartbeat) => {}
            (Frame::ProtocolHeader(_), AMQPFrame::ProtocolHeader(_)) => {}
            (a, b) => panic!("frame kinds differ: ours {a:?}, theirs {b:?}"),
        }
    }
});
