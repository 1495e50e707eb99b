//! The protocol header, frame types and the 7-octet frame head.
//!
//! Spec §4.2.2: the client opens with `"AMQP" %d0 %d0 %d9 %d1`. Spec §4.2.3: every frame is
//! `type (octet) channel (short) size (long) payload frame-end (%xCE)`.

/// `"AMQP"`: the first four octets of a protocol header.
pub const PROTOCOL_MAGIC: &[u8; 4] = b"AMQP";
/// The octet that ends every frame.
pub const FRAME_END: u8 = 0xCE;
/// Octets of a frame head: type, channel, size.
pub const FRAME_HEAD_LEN: usize = 7;
/// Octets a frame adds around its payload (head + end octet).
pub const FRAME_OVERHEAD: usize = FRAME_HEAD_LEN + 1;

/// Spec §4.2.3: frame type octets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FrameType(pub u8);

impl FrameType {
    /// Method frame.
    pub const METHOD: FrameType = FrameType(1);
    /// Content header frame.
    pub const HEADER: FrameType = FrameType(2);
    /// Content body frame.
    pub const BODY: FrameType = FrameType(3);
    /// Heartbeat frame (RabbitMQ's 8; the 0-9-1 spec's XML says 8 too, its text says 4).
    pub const HEARTBEAT: FrameType = FrameType(8);

    /// Whether this codec knows the type.
    pub fn is_known(self) -> bool {
        matches!(self.0, 1 | 2 | 3 | 8)
    }
}

/// `AMQP` followed by four octets: any protocol header, typed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ProtocolHeader {
    /// The four octets after `AMQP`.
    pub octets: [u8; 4],
}

/// Which protocol a header asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ProtocolVersion {
    /// AMQP 0-9-1: `AMQP 0 0 9 1`.
    Amqp091,
    /// AMQP 1.0: `AMQP id 1 0 0`, with protocol id 0 (AMQP), 2 (TLS) or 3 (SASL).
    Amqp100 {
        /// The protocol id octet.
        protocol_id: u8,
    },
    /// Anything else (0-8 sends `AMQP 1 1 8 0`, 0-9 sends `AMQP 1 1 0 9`).
    Other,
}

impl ProtocolHeader {
    /// The header for AMQP 0-9-1.
    pub const AMQP_0_9_1: ProtocolHeader = ProtocolHeader {
        octets: [0, 0, 9, 1],
    };

    /// The version asked for.
    pub fn version(&self) -> ProtocolVersion {
        match self.octets {
            [0, 0, 9, 1] => ProtocolVersion::Amqp091,
            [id @ (0 | 2 | 3), 1, 0, 0] => ProtocolVersion::Amqp100 { protocol_id: id },
            _ => ProtocolVersion::Other,
        }
    }

    /// The eight octets on the wire.
    pub fn to_bytes(&self) -> [u8; 8] {
        let o = self.octets;
        [b'A', b'M', b'Q', b'P', o[0], o[1], o[2], o[3]]
    }

    /// Always 8.
    pub fn encoded_len(&self) -> usize {
        8
    }

    /// Writes the eight octets.
    pub fn encode(&self, buf: &mut impl bytes::BufMut) {
        buf.put_slice(&self.to_bytes());
    }

    /// The eight octets, in a `Vec`.
    pub fn to_vec(&self) -> Vec<u8> {
        self.to_bytes().to_vec()
    }
}
