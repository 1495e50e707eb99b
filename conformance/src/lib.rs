//! # msgwire-conformance
//!
//! The conformance half of msgwire: the golden vector corpus (`vectors/`), a lossless canonical
//! JSON form of every decoded message per protocol ([`forms`]), runners that check a codec (ours,
//! or any other through a subprocess adapter) against the corpus, and reports.
#![forbid(unsafe_code)]

pub mod forms;
