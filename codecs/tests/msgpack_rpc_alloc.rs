//! Measures the zero-copy and limits-before-work claims of the MessagePack-RPC codec:
//! decoding and walking a message allocates nothing, `to_vec` allocates once, and a header
//! declaring 2^32 elements costs no allocation at all.
//!
//! Counted with dhat's global allocator (one test in this binary: dhat allows one profiler
//! per process), so no `unsafe` is needed.
#![cfg(feature = "msgpack-rpc")]

use msgwire::msgpack_rpc::{
    from_value, scan, Call, Limits, Message, OwnedMessage, Profile, Splitter, Value, ValueRef,
};
use msgwire::Decoded;

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

/// (result, blocks allocated, bytes allocated) while running `f`.
fn allocations<T>(f: impl FnOnce() -> T) -> (T, u64, u64) {
    let before = dhat::HeapStats::get();
    let out = f();
    let after = dhat::HeapStats::get();
    (
        out,
        after.total_blocks - before.total_blocks,
        after.total_bytes - before.total_bytes,
    )
}

fn walk(v: ValueRef<'_>) -> usize {
    match v {
        ValueRef::Array(a) => 1 + a.iter().map(walk).sum::<usize>(),
        ValueRef::Map(m) => 1 + m.iter().map(|(k, v)| walk(k) + walk(v)).sum::<usize>(),
        ValueRef::Str(s) => s.len(),
        ValueRef::Bin(b) => b.len(),
        _ => 1,
    }
}

#[test]
fn decoding_allocates_only_what_the_data_forces() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let params = vec![
        Value::from("héllo"),
        Value::from(-5),
        Value::Array((0..100).map(Value::from).collect()),
        Value::Map(vec![(Value::from("k"), Value::Bin(vec![7; 70_000]))]),
    ];
    let wire = OwnedMessage::request(u32::MAX, "nvim_call", params).to_vec();

    // Decode and walk every element: nothing allocated.
    let (n, blocks, _) = allocations(|| {
        let Ok(Decoded::Complete { value, used }) = Message::decode(&wire) else {
            panic!("a whole message")
        };
        assert_eq!(used, wire.len());
        let Message::Request { params, .. } = value else {
            panic!("a request")
        };
        walk(params.into())
    });
    assert_eq!(n, 1 + 6 + 1 + 101 + 1 + 1 + 70_000);
    assert_eq!(blocks, 0, "decode + full walk");

    // Typed params: only the Vec the target type asks for.
    let (typed, blocks, _) = allocations(|| {
        let Message::Request { params, .. } = Message::from_slice(&wire).unwrap() else {
            panic!()
        };
        let (s, i, v, _): (&str, i64, Vec<u8>, serde::de::IgnoredAny) =
            from_value(params.into()).unwrap();
        (s.len(), i, v.len())
    });
    assert_eq!(typed, (6, -5, 100));
    assert_eq!(blocks, 1, "the Vec<u8> only (one allocation, no regrowth)");

    // Typed params in one pass (Call::decode): nothing allocated when the type borrows, only
    // the Vec when it asks for one.
    let (typed, blocks, _) = allocations(|| {
        let Decoded::Complete { value, .. } =
            Call::<(&str, i64, serde::de::IgnoredAny, serde::de::IgnoredAny)>::decode(&wire)
                .unwrap()
        else {
            panic!()
        };
        (value.params.0.len(), value.params.1)
    });
    assert_eq!(typed, (6, -5));
    assert_eq!(blocks, 0, "Call::decode into borrowing params");
    let (typed, blocks, _) = allocations(|| {
        let Decoded::Complete { value, .. } =
            Call::<(&str, i64, Vec<u8>, serde::de::IgnoredAny)>::decode(&wire).unwrap()
        else {
            panic!()
        };
        value.params.2.len()
    });
    assert_eq!(typed, 100);
    assert_eq!(blocks, 1, "Call::decode: the Vec<u8> only");

    // Encoding allocates exactly once: encoded_len is exact.
    let (bytes, blocks, _) = allocations(|| Message::from_slice(&wire).unwrap().to_vec());
    assert_eq!(bytes, wire);
    assert_eq!(blocks, 1);

    // 5 bytes declaring 2^32 - 1 elements: refused or waited for, never allocated for.
    let huge = [0xdd, 0xff, 0xff, 0xff, 0xff];
    let unlimited = Limits {
        max_message_size: usize::MAX,
        max_elements: u32::MAX,
        ..Limits::default()
    };
    let (r, blocks, _) = allocations(|| scan(&huge, &unlimited, Profile::Strict));
    assert_eq!(
        r.unwrap(),
        Decoded::NeedMore {
            at_least: u32::MAX as usize
        }
    );
    assert_eq!(blocks, 0);
    let (r, blocks, _) = allocations(|| Message::decode(&huge).map(|d| d.is_need_more()));
    assert_eq!(r.unwrap_err().kind(), "element-limit");
    assert_eq!(blocks, 0);

    // A splitter holds what was pushed, not what a header declares.
    let (_, _, bytes) = allocations(|| {
        let mut s = Splitter::new(unlimited, Profile::Strict);
        s.push(&huge);
        assert_eq!(s.next_frame().unwrap(), None);
        assert!(s.at_least() >= u32::MAX as usize);
    });
    assert!(bytes < 1024, "{bytes} bytes for a 5-byte header");
}
