//! The one declarative table of AMQP 0-9-1 classes and methods, with RabbitMQ's extensions.
//!
//! Facts from the 0-9-1 specification (amqp0-9-1.xml) and RabbitMQ's errata and extensions
//! (rabbitmq-codegen). Field names are the spec's, hyphens as underscores; reserved fields keep
//! the spec's `reserved_N` names. Two places follow RabbitMQ rather than the spec's letter:
//! exchange.declare's `reserved-2`/`reserved-3` bits are RabbitMQ's `auto-delete` and
//! `internal`, and confirm.select's bit is RabbitMQ's `nowait`.
//!
//! Row syntax: `(class, method, CONST, "class.method"[, content]) Struct[<'a>] { field: domain }`.

use super::methods::{FieldsError, MethodId, MethodInfo};

/// A class id: an open newtype with the known classes as constants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ClassId(pub u16);

impl ClassId {
    /// `connection`
    pub const CONNECTION: ClassId = ClassId(10);
    /// `channel`
    pub const CHANNEL: ClassId = ClassId(20);
    /// `access` (0-8; RabbitMQ still answers it)
    pub const ACCESS: ClassId = ClassId(30);
    /// `exchange`
    pub const EXCHANGE: ClassId = ClassId(40);
    /// `queue`
    pub const QUEUE: ClassId = ClassId(50);
    /// `basic`: the only class with content in 0-9-1.
    pub const BASIC: ClassId = ClassId(60);
    /// `confirm` (RabbitMQ extension)
    pub const CONFIRM: ClassId = ClassId(85);
    /// `tx`
    pub const TX: ClassId = ClassId(90);
}

amqp_methods! {
    (10, 10, CONNECTION_START, "connection.start")
    ConnectionStart<'a> { version_major: octet, version_minor: octet, server_properties: table, mechanisms: longstr, locales: longstr }
    (10, 11, CONNECTION_START_OK, "connection.start-ok")
    ConnectionStartOk<'a> { client_properties: table, mechanism: shortstr, response: longstr, locale: shortstr }
    (10, 20, CONNECTION_SECURE, "connection.secure")
    ConnectionSecure<'a> { challenge: longstr }
    (10, 21, CONNECTION_SECURE_OK, "connection.secure-ok")
    ConnectionSecureOk<'a> { response: longstr }
    (10, 30, CONNECTION_TUNE, "connection.tune")
    ConnectionTune { channel_max: short, frame_max: long, heartbeat: short }
    (10, 31, CONNECTION_TUNE_OK, "connection.tune-ok")
    ConnectionTuneOk { channel_max: short, frame_max: long, heartbeat: short }
    (10, 40, CONNECTION_OPEN, "connection.open")
    ConnectionOpen<'a> { virtual_host: shortstr, reserved_1: shortstr, reserved_2: bit }
    (10, 41, CONNECTION_OPEN_OK, "connection.open-ok")
    ConnectionOpenOk<'a> { reserved_1: shortstr }
    (10, 50, CONNECTION_CLOSE, "connection.close")
    ConnectionClose<'a> { reply_code: short, reply_text: shortstr, class_id: short, method_id: short }
    (10, 51, CONNECTION_CLOSE_OK, "connection.close-ok")
    ConnectionCloseOk {}
    (10, 60, CONNECTION_BLOCKED, "connection.blocked")
    ConnectionBlocked<'a> { reason: shortstr }
    (10, 61, CONNECTION_UNBLOCKED, "connection.unblocked")
    ConnectionUnblocked {}
    (10, 70, CONNECTION_UPDATE_SECRET, "connection.update-secret")
    ConnectionUpdateSecret<'a> { new_secret: longstr, reason: shortstr }
    (10, 71, CONNECTION_UPDATE_SECRET_OK, "connection.update-secret-ok")
    ConnectionUpdateSecretOk {}

    // The 0-8 access class: gone from 0-9-1 (its tickets became `reserved_1`), still answered
    // by RabbitMQ (access.request → access.request-ok). RabbitMq profile only.
    (30, 10, ACCESS_REQUEST, "access.request", legacy)
    AccessRequest<'a> { realm: shortstr, exclusive: bit, passive: bit, active: bit, write: bit, read: bit }
    (30, 11, ACCESS_REQUEST_OK, "access.request-ok", legacy)
    AccessRequestOk { reserved_1: short }

    (20, 10, CHANNEL_OPEN, "channel.open")
    ChannelOpen<'a> { reserved_1: shortstr }
    (20, 11, CHANNEL_OPEN_OK, "channel.open-ok")
    ChannelOpenOk<'a> { reserved_1: longstr }
    (20, 20, CHANNEL_FLOW, "channel.flow")
    ChannelFlow { active: bit }
    (20, 21, CHANNEL_FLOW_OK, "channel.flow-ok")
    ChannelFlowOk { active: bit }
    (20, 40, CHANNEL_CLOSE, "channel.close")
    ChannelClose<'a> { reply_code: short, reply_text: shortstr, class_id: short, method_id: short }
    (20, 41, CHANNEL_CLOSE_OK, "channel.close-ok")
    ChannelCloseOk {}

    (40, 10, EXCHANGE_DECLARE, "exchange.declare")
    ExchangeDeclare<'a> { reserved_1: short, exchange: shortstr, r#type: shortstr, passive: bit, durable: bit, auto_delete: bit, internal: bit, no_wait: bit, arguments: table }
    (40, 11, EXCHANGE_DECLARE_OK, "exchange.declare-ok")
    ExchangeDeclareOk {}
    (40, 20, EXCHANGE_DELETE, "exchange.delete")
    ExchangeDelete<'a> { reserved_1: short, exchange: shortstr, if_unused: bit, no_wait: bit }
    (40, 21, EXCHANGE_DELETE_OK, "exchange.delete-ok")
    ExchangeDeleteOk {}
    (40, 30, EXCHANGE_BIND, "exchange.bind")
    ExchangeBind<'a> { reserved_1: short, destination: shortstr, source: shortstr, routing_key: shortstr, no_wait: bit, arguments: table }
    (40, 31, EXCHANGE_BIND_OK, "exchange.bind-ok")
    ExchangeBindOk {}
    (40, 40, EXCHANGE_UNBIND, "exchange.unbind")
    ExchangeUnbind<'a> { reserved_1: short, destination: shortstr, source: shortstr, routing_key: shortstr, no_wait: bit, arguments: table }
    // RabbitMQ: exchange.unbind-ok is method 51, not 41.
    (40, 51, EXCHANGE_UNBIND_OK, "exchange.unbind-ok")
    ExchangeUnbindOk {}

    (50, 10, QUEUE_DECLARE, "queue.declare")
    QueueDeclare<'a> { reserved_1: short, queue: shortstr, passive: bit, durable: bit, exclusive: bit, auto_delete: bit, no_wait: bit, arguments: table }
    (50, 11, QUEUE_DECLARE_OK, "queue.declare-ok")
    QueueDeclareOk<'a> { queue: shortstr, message_count: long, consumer_count: long }
    (50, 20, QUEUE_BIND, "queue.bind")
    QueueBind<'a> { reserved_1: short, queue: shortstr, exchange: shortstr, routing_key: shortstr, no_wait: bit, arguments: table }
    (50, 21, QUEUE_BIND_OK, "queue.bind-ok")
    QueueBindOk {}
    (50, 30, QUEUE_PURGE, "queue.purge")
    QueuePurge<'a> { reserved_1: short, queue: shortstr, no_wait: bit }
    (50, 31, QUEUE_PURGE_OK, "queue.purge-ok")
    QueuePurgeOk { message_count: long }
    (50, 40, QUEUE_DELETE, "queue.delete")
    QueueDelete<'a> { reserved_1: short, queue: shortstr, if_unused: bit, if_empty: bit, no_wait: bit }
    (50, 41, QUEUE_DELETE_OK, "queue.delete-ok")
    QueueDeleteOk { message_count: long }
    (50, 50, QUEUE_UNBIND, "queue.unbind")
    QueueUnbind<'a> { reserved_1: short, queue: shortstr, exchange: shortstr, routing_key: shortstr, arguments: table }
    (50, 51, QUEUE_UNBIND_OK, "queue.unbind-ok")
    QueueUnbindOk {}

    (60, 10, BASIC_QOS, "basic.qos")
    BasicQos { prefetch_size: long, prefetch_count: short, global: bit }
    (60, 11, BASIC_QOS_OK, "basic.qos-ok")
    BasicQosOk {}
    (60, 20, BASIC_CONSUME, "basic.consume")
    BasicConsume<'a> { reserved_1: short, queue: shortstr, consumer_tag: shortstr, no_local: bit, no_ack: bit, exclusive: bit, no_wait: bit, arguments: table }
    (60, 21, BASIC_CONSUME_OK, "basic.consume-ok")
    BasicConsumeOk<'a> { consumer_tag: shortstr }
    (60, 30, BASIC_CANCEL, "basic.cancel")
    BasicCancel<'a> { consumer_tag: shortstr, no_wait: bit }
    (60, 31, BASIC_CANCEL_OK, "basic.cancel-ok")
    BasicCancelOk<'a> { consumer_tag: shortstr }
    (60, 40, BASIC_PUBLISH, "basic.publish", content)
    BasicPublish<'a> { reserved_1: short, exchange: shortstr, routing_key: shortstr, mandatory: bit, immediate: bit }
    (60, 50, BASIC_RETURN, "basic.return", content)
    BasicReturn<'a> { reply_code: short, reply_text: shortstr, exchange: shortstr, routing_key: shortstr }
    (60, 60, BASIC_DELIVER, "basic.deliver", content)
    BasicDeliver<'a> { consumer_tag: shortstr, delivery_tag: longlong, redelivered: bit, exchange: shortstr, routing_key: shortstr }
    (60, 70, BASIC_GET, "basic.get")
    BasicGet<'a> { reserved_1: short, queue: shortstr, no_ack: bit }
    (60, 71, BASIC_GET_OK, "basic.get-ok", content)
    BasicGetOk<'a> { delivery_tag: longlong, redelivered: bit, exchange: shortstr, routing_key: shortstr, message_count: long }
    (60, 72, BASIC_GET_EMPTY, "basic.get-empty")
    BasicGetEmpty<'a> { reserved_1: shortstr }
    (60, 80, BASIC_ACK, "basic.ack")
    BasicAck { delivery_tag: longlong, multiple: bit }
    (60, 90, BASIC_REJECT, "basic.reject")
    BasicReject { delivery_tag: longlong, requeue: bit }
    (60, 100, BASIC_RECOVER_ASYNC, "basic.recover-async")
    BasicRecoverAsync { requeue: bit }
    (60, 110, BASIC_RECOVER, "basic.recover")
    BasicRecover { requeue: bit }
    (60, 111, BASIC_RECOVER_OK, "basic.recover-ok")
    BasicRecoverOk {}
    (60, 120, BASIC_NACK, "basic.nack")
    BasicNack { delivery_tag: longlong, multiple: bit, requeue: bit }

    (85, 10, CONFIRM_SELECT, "confirm.select")
    ConfirmSelect { nowait: bit }
    (85, 11, CONFIRM_SELECT_OK, "confirm.select-ok")
    ConfirmSelectOk {}

    (90, 10, TX_SELECT, "tx.select")
    TxSelect {}
    (90, 11, TX_SELECT_OK, "tx.select-ok")
    TxSelectOk {}
    (90, 20, TX_COMMIT, "tx.commit")
    TxCommit {}
    (90, 21, TX_COMMIT_OK, "tx.commit-ok")
    TxCommitOk {}
    (90, 30, TX_ROLLBACK, "tx.rollback")
    TxRollback {}
    (90, 31, TX_ROLLBACK_OK, "tx.rollback-ok")
    TxRollbackOk {}
}
