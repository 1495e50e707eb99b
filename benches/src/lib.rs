//! The fixed inputs every bench and the allocation counter use, built deterministically so
//! that every implementation measures the very same bytes.
#![forbid(unsafe_code)]

pub mod amqp;
