//! # msgwire-conformance
//!
//! The conformance half of msgwire: the golden vector corpus (`vectors/`, loaded and validated
//! by [`vectors`]), a lossless canonical JSON form of every decoded message per protocol
//! ([`forms`]), runners that check a codec — ours ([`runner::codec`]) or any other through a
//! subprocess adapter ([`runner::adapter`]) — against the corpus, and [`report`]s. The `msgwire`
//! CLI is a thin layer over [`cli`].
#![forbid(unsafe_code)]

pub mod cli;
pub mod compare;
pub mod corpus;
pub mod counts;
pub mod forms;
pub mod fuzz;
pub mod glob;
pub mod live;
pub mod report;
pub mod runner;
pub mod vectors;
