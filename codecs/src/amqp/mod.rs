//! AMQP 0-9-1 (in progress)
