//! Measures the zero-copy claim: decoding a single request (no escapes, shallow params)
//! allocates nothing; a batch allocates only its item list (once); the server's decision for a single
//! request allocates nothing either.
//!
//! Counted with dhat's global allocator (one test in this binary: dhat allows one profiler
//! per process), so no `unsafe` is needed anywhere in the repository.
#![cfg(feature = "jsonrpc")]

use msgwire::jsonrpc::{self, Incoming, Message, Payload};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

fn allocations<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = dhat::HeapStats::get().total_blocks;
    let out = f();
    (out, (dhat::HeapStats::get().total_blocks - before) as usize)
}

#[test]
fn decoding_allocates_only_what_the_data_forces() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let request = br#"{"jsonrpc":"2.0","method":"subtract","params":[42,23],"id":"abc"}"#;
    let (p, n) = allocations(|| jsonrpc::decode(request));
    assert!(matches!(p, Ok(Payload::Single(Message::Request(_)))));
    assert_eq!(n, 0, "a single request");

    let named =
        br#"{"jsonrpc":"2.0","method":"subtract","params":{"subtrahend":23,"minuend":42},"id":3}"#;
    let (p, n) = allocations(|| jsonrpc::serve(named));
    assert!(matches!(p, Incoming::Call(_)));
    assert_eq!(n, 0, "the server's decision for a single request");

    let response =
        br#"{"jsonrpc":"2.0","error":{"code":-32601,"message":"Method not found"},"id":1}"#;
    let (p, n) = allocations(|| jsonrpc::decode(response));
    assert!(p.is_ok());
    assert_eq!(n, 0, "an error response");

    // A batch: the list of items (sized from the text up front), nothing per item.
    let batch = br#"[{"jsonrpc":"2.0","method":"a","id":1},{"jsonrpc":"2.0","method":"b"},{"jsonrpc":"2.0","result":1,"id":2}]"#;
    let (p, n) = allocations(|| jsonrpc::decode(batch));
    let Ok(Payload::Batch(b)) = p else { panic!() };
    assert_eq!(n, 1, "a 3-item batch");
    let (ok, n) = allocations(|| b.iter().all(|m| m.is_ok()));
    assert!(ok);
    assert_eq!(n, 0, "walking a batch");

    // Escapes force an owned string: exactly one allocation for the method.
    let escaped = br#"{"jsonrpc":"2.0","method":"a\u0041","id":1}"#;
    let (p, n) = allocations(|| jsonrpc::decode(escaped));
    assert!(p.is_ok());
    assert!(n >= 1, "an escaped method name is unescaped into a String");
}
