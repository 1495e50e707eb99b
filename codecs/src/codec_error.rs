//! The error of every tokio-util codec in the crate (feature `tokio`).

/// What a tokio-util codec fails with: the transport, or bytes that break the protocol (`E` is
/// that protocol's own error, with its offset, kind and code).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CodecError<E: std::error::Error + 'static> {
    /// Reading or writing failed.
    #[error(transparent)]
    Io(#[from] std::io::Error),
    /// The stream broke the protocol; the connection cannot continue.
    #[error(transparent)]
    Frame(E),
}

/// `?` from a protocol's error into its codec's error, per protocol (a blanket `From<E>` would
/// overlap the `From<io::Error>` above).
macro_rules! codec_error_from {
    ($($error:ty),* $(,)?) => {$(
        impl From<$error> for CodecError<$error> {
            fn from(e: $error) -> Self {
                CodecError::Frame(e)
            }
        }
    )*};
}

#[cfg(feature = "amqp")]
codec_error_from!(crate::amqp::Error);
#[cfg(feature = "jsonrpc")]
codec_error_from!(crate::jsonrpc::Error);
#[cfg(feature = "msgpack-rpc")]
codec_error_from!(crate::msgpack_rpc::Error);
#[cfg(feature = "thrift")]
codec_error_from!(crate::thrift::Error);
