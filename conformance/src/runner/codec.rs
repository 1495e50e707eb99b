//! Our codecs as an [`Implementation`]: the canonical forms of `crate::forms`, in-process.
//!
//! Each call runs on a worker thread so that a panic becomes [`Attempt::Crash`] (caught with
//! `catch_unwind`) and a decoder that never returns becomes [`Attempt::Timeout`] (the worker is
//! abandoned; the run goes on). A form that answers the kind `unimplemented` (the stub every
//! protocol starts with) is [`Attempt::Unsupported`]: reported as skipped, not failed.

use super::{Attempt, EncodeAttempt, Implementation};
use crate::forms::{self, Decoding, FormError};
use serde_json::Value;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::mpsc;
use std::time::Duration;

/// The kind a form answers while it is still a stub.
pub const UNIMPLEMENTED: &str = "unimplemented";

/// Stack of a worker thread: as large as a main thread's, so depth limits (not the stack)
/// decide how deep a decoder may go.
const WORKER_STACK: usize = 8 * 1024 * 1024;

/// Our codecs, through `crate::forms`.
#[derive(Debug, Clone)]
pub struct Ours {
    /// Longest a single decode or encode may take.
    pub timeout: Duration,
}

impl Default for Ours {
    fn default() -> Ours {
        // Generous: the largest vector is a capture of a few megabytes, decoded in milliseconds.
        Ours {
            timeout: Duration::from_secs(10),
        }
    }
}

/// Runs `f` on a worker thread: its value, or a crash (panic) or timeout.
fn guarded<T: Send + 'static>(
    timeout: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, Result<String, Duration>> {
    let (tx, rx) = mpsc::channel();
    let spawned = std::thread::Builder::new()
        .name("msgwire-case".into())
        .stack_size(WORKER_STACK)
        .spawn(move || {
            let _ = tx.send(catch_unwind(AssertUnwindSafe(f)));
        });
    if let Err(e) = spawned {
        return Err(Ok(format!("cannot start a worker thread: {e}")));
    }
    match rx.recv_timeout(timeout) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(panic)) => Err(Ok(format!("panicked: {}", panic_message(&*panic)))),
        Err(mpsc::RecvTimeoutError::Timeout) => Err(Err(timeout)),
        Err(mpsc::RecvTimeoutError::Disconnected) => Err(Ok("the worker vanished".into())),
    }
}

/// The message of a panic payload.
pub fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = p.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = p.downcast_ref::<String>() {
        s.clone()
    } else {
        "(no message)".into()
    }
}

fn is_unimplemented(e: &FormError) -> bool {
    e.kind == UNIMPLEMENTED
}

impl Implementation for Ours {
    fn name(&self) -> String {
        format!("msgwire {}", env!("CARGO_PKG_VERSION"))
    }

    fn profiles(&self, protocol: &str) -> Option<Vec<String>> {
        forms::profiles(protocol).map(|p| p.iter().map(|s| s.to_string()).collect())
    }

    fn decode(&mut self, protocol: &str, profile: &str, input: &[u8]) -> Attempt {
        let (protocol, profile, input) =
            (protocol.to_string(), profile.to_string(), input.to_vec());
        match guarded(self.timeout, move || {
            forms::decode(&protocol, &input, &profile)
        }) {
            Ok(None) => Attempt::Unsupported("protocol not built in".into()),
            Ok(Some(Decoding { error: Some(e), .. })) if is_unimplemented(&e) => {
                Attempt::Unsupported(e.message)
            }
            Ok(Some(d)) => Attempt::Decoded(d),
            Err(Ok(crash)) => Attempt::Crash(crash),
            Err(Err(t)) => Attempt::Timeout(t),
        }
    }

    fn encode(&mut self, protocol: &str, _profile: &str, docs: &[Value]) -> EncodeAttempt {
        let (protocol, docs) = (protocol.to_string(), docs.to_vec());
        match guarded(self.timeout, move || forms::encode(&protocol, &docs)) {
            Ok(None) => EncodeAttempt::Unsupported("protocol not built in".into()),
            Ok(Some(Err(e))) if is_unimplemented(&e) => EncodeAttempt::Unsupported(e.message),
            Ok(Some(r)) => EncodeAttempt::Encoded(r),
            Err(Ok(crash)) => EncodeAttempt::Crash(crash),
            Err(Err(t)) => EncodeAttempt::Timeout(t),
        }
    }

    fn checks_error_kind(&self) -> bool {
        true
    }

    fn must_encode(&self) -> bool {
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn panics_and_hangs_are_contained() {
        // Generous for the panic (the test harness prints a backtrace), short for the hang.
        let long = Duration::from_secs(30);
        assert_eq!(guarded(long, || 5), Ok(5));
        let crash = guarded(long, || -> u8 { panic!("boom") })
            .unwrap_err()
            .unwrap();
        assert_eq!(crash, "panicked: boom");
        let t = Duration::from_millis(200);
        let slow = guarded(t, || std::thread::sleep(Duration::from_secs(3)));
        assert_eq!(slow, Err(Err(t)));
    }

    #[test]
    fn unknown_protocol_is_unsupported() {
        let mut o = Ours::default();
        assert!(matches!(
            o.decode("smtp", "strict", b""),
            Attempt::Unsupported(_)
        ));
        assert!(o.profiles("smtp").is_none());
    }
}
