//! Measures the zero-copy claim: decoding a single request (no escapes, shallow params)
//! allocates nothing; a batch allocates only its item list; the server's decision for a single
//! request allocates nothing either.
//!
//! A counting global allocator needs `unsafe impl GlobalAlloc`; it lives only in this test
//! crate (the library stays `#![forbid(unsafe_code)]`) and delegates every call to `System`.
#![cfg(feature = "jsonrpc")]

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;

use msgwire::jsonrpc::{self, Incoming, Message, Payload};

struct Counting;

thread_local! {
    static ALLOCS: Cell<usize> = const { Cell::new(0) };
}

fn bump() {
    let _ = ALLOCS.try_with(|c| c.set(c.get() + 1));
}

// SAFETY: every method forwards to `System` with the caller's arguments unchanged, so the
// `GlobalAlloc` contract holds exactly as it does for `System`; the only addition is a
// thread-local counter whose access does not allocate (const-initialized `Cell`).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        bump();
        // SAFETY: forwarded unchanged; the caller upholds `alloc`'s contract.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from `System` via the methods above, with this `layout`.
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        bump();
        // SAFETY: forwarded unchanged; `ptr` came from `System`.
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn allocations<T>(f: impl FnOnce() -> T) -> (T, usize) {
    let before = ALLOCS.with(Cell::get);
    let out = f();
    (out, ALLOCS.with(Cell::get) - before)
}

#[test]
fn decoding_allocates_only_what_the_data_forces() {
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

    // A batch: the raw item list (grown by doubling) and the list of items, nothing per item.
    let batch = br#"[{"jsonrpc":"2.0","method":"a","id":1},{"jsonrpc":"2.0","method":"b"},{"jsonrpc":"2.0","result":1,"id":2}]"#;
    let (p, n) = allocations(|| jsonrpc::decode(batch));
    let Ok(Payload::Batch(b)) = p else { panic!() };
    assert!(n <= 4, "{n} allocations for a 3-item batch");
    let (ok, n) = allocations(|| b.iter().all(|m| m.is_ok()));
    assert!(ok);
    assert_eq!(n, 0, "walking a batch");

    // Escapes force an owned string: exactly one allocation for the method.
    let escaped = br#"{"jsonrpc":"2.0","method":"a\u0041","id":1}"#;
    let (p, n) = allocations(|| jsonrpc::decode(escaped));
    assert!(p.is_ok());
    assert!(n >= 1, "an escaped method name is unescaped into a String");
}
