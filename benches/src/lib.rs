//! The fixed inputs every bench and the allocation counter use, built deterministically so
//! that every implementation measures the very same bytes.
#![forbid(unsafe_code)]

pub mod amqp;
pub mod growth;
pub mod jsonrpc;
pub mod msgpack_rpc;
#[cfg(feature = "stream")]
pub mod stream;
pub mod thrift;
pub mod xmlrpc;

/// Heap blocks and bytes allocated while `f` runs (its result dropped after counting). Counts
/// only in a binary whose global allocator is `dhat::Alloc` with a profiler running
/// (`src/bin/allocs.rs`).
pub fn count<T>(f: impl FnOnce() -> T) -> (u64, u64) {
    let before = dhat::HeapStats::get();
    let out = f();
    let after = dhat::HeapStats::get();
    drop(out);
    (
        after.total_blocks - before.total_blocks,
        after.total_bytes - before.total_bytes,
    )
}

/// Receives one allocation count: group (as in criterion), implementation, (blocks, bytes).
pub type Report<'r> = &'r mut dyn FnMut(&str, &str, (u64, u64));
