//! Canonical JSON form (in progress: replaced by the codec's real form).

use super::{Decoding, FormError};
use serde_json::Value;

/// Decoder profiles, the default first.
pub const PROFILES: &[&str] = &["strict"];

/// Bytes → canonical documents.
pub fn decode(_input: &[u8], _profile: &str) -> Decoding {
    Decoding {
        docs: Vec::new(),
        error: Some(unimplemented_form()),
    }
}

/// Canonical documents → bytes.
pub fn encode(_docs: &[Value]) -> Result<Vec<u8>, FormError> {
    Err(unimplemented_form())
}

fn unimplemented_form() -> FormError {
    FormError {
        kind: "unimplemented".into(),
        code: None,
        offset: None,
        message: "this protocol's canonical form is not written yet".into(),
    }
}
