//! Shared pieces of the fuzz targets: structured inputs and the chunked-stream check.
#![forbid(unsafe_code)]

pub mod amqp;
pub mod jsonrpc;
pub mod msgpack_rpc;
pub mod thrift;
pub mod xml_oracle;
pub mod xmlrpc;

/// Splits `data` into chunks whose sizes come from `sizes` (each 1..=256, cycling), so a target
/// can feed a stream decoder the way a socket would.
pub fn chunks<'a>(data: &'a [u8], sizes: &'a [u8]) -> impl Iterator<Item = &'a [u8]> + 'a {
    let mut pos = 0;
    let mut i = 0;
    std::iter::from_fn(move || {
        if pos >= data.len() {
            return None;
        }
        let size = sizes
            .get(i % sizes.len().max(1))
            .map_or(1, |s| *s as usize + 1);
        i += 1;
        let end = (pos + size).min(data.len());
        let out = &data[pos..end];
        pos = end;
        Some(out)
    })
}
