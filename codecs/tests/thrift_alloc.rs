//! Measures the zero-copy and limits-before-work claims of the Thrift codec: decoding and
//! walking a message allocates nothing (below 24 levels of nesting), through the views or a
//! visitor, `to_vec` allocates once,
//! and a header declaring 2^31 elements is refused without allocating.
//!
//! Counted with dhat's global allocator (one test in this binary: dhat allows one profiler
//! per process).
#![cfg(feature = "thrift")]

use msgwire::thrift::{
    Decoder, Framing, HeaderFrame, Limits, List, Map, OwnedHeaderFrame, OwnedMessage, Profile,
    Protocol, Struct, TType, Value, ValueRef, Visit,
};

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

fn allocations<T>(f: impl FnOnce() -> T) -> (T, u64) {
    let before = dhat::HeapStats::get();
    let out = f();
    let after = dhat::HeapStats::get();
    (out, after.total_blocks - before.total_blocks)
}

fn walk(v: ValueRef<'_>) -> usize {
    match v {
        ValueRef::Struct(s) => 1 + s.iter().map(|(_, v)| walk(v)).sum::<usize>(),
        ValueRef::List(l) | ValueRef::Set(l) => 1 + l.iter().map(walk).sum::<usize>(),
        ValueRef::Map(m) => 1 + m.iter().map(|(k, v)| walk(k) + walk(v)).sum::<usize>(),
        ValueRef::Binary(b) => b.len(),
        _ => 1,
    }
}

/// Values and string bytes, as [`walk`] counts them, by a visitor.
struct Count(usize);

impl<'a> Visit<'a> for Count {
    type Error = msgwire::thrift::Error;
    fn binary(&mut self, b: &'a [u8]) -> Result<(), Self::Error> {
        self.0 += b.len();
        Ok(())
    }
    fn bool(&mut self, _: bool) -> Result<(), Self::Error> {
        self.0 += 1;
        Ok(())
    }
    fn i64(&mut self, _: i64) -> Result<(), Self::Error> {
        self.0 += 1;
        Ok(())
    }
    fn double(&mut self, _: f64) -> Result<(), Self::Error> {
        self.0 += 1;
        Ok(())
    }
    fn struct_begin(&mut self) -> Result<(), Self::Error> {
        self.0 += 1;
        Ok(())
    }
    fn list_begin(&mut self, _: TType, _: usize) -> Result<(), Self::Error> {
        self.0 += 1;
        Ok(())
    }
    fn map_begin(&mut self, _: TType, _: TType, _: usize) -> Result<(), Self::Error> {
        self.0 += 1;
        Ok(())
    }
}

#[test]
fn decoding_allocates_nothing() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let inner = Struct::new().with(1, "name").with(2, 3.5).with(3, true);
    let list = List::new(TType::Struct, vec![inner.clone().into(); 50]).unwrap();
    let map = Map::new(
        TType::Binary,
        TType::I64,
        vec![("k".into(), 1i64.into()); 20],
    )
    .unwrap();
    let body = Struct::new()
        .with(1, Value::List(list))
        .with(2, map)
        .with(3, inner)
        .with(4, vec![0u8; 1000]);
    let msg = OwnedMessage::call("method", 1, body);
    for p in [Protocol::Binary, Protocol::Compact] {
        for framing in [Framing::Unframed, Framing::Framed, Framing::Header] {
            let wire = match framing {
                Framing::Unframed => msg.to_vec(p),
                Framing::Framed => msg.to_framed_vec(p),
                Framing::Header => OwnedHeaderFrame::new(msg.clone(), p)
                    .with_info("trace", "abc")
                    .to_vec(),
            };
            let d = Decoder::new(p, framing);
            let (n, blocks) = allocations(|| {
                let m = d.decode_whole(&wire).unwrap();
                walk(ValueRef::Struct(m.body)) + m.name.len()
            });
            assert!(n > 1000);
            assert_eq!(blocks, 0, "{p:?} {framing:?}");
            // The same walk by a visitor: the same count, nothing allocated.
            let (visited, blocks) = allocations(|| {
                let m = d.decode_whole(&wire).unwrap();
                let mut c = Count(m.name.len());
                m.visit(&mut c).map(|()| c.0)
            });
            assert_eq!(visited, Ok(n));
            assert_eq!(blocks, 0, "visitor: {p:?} {framing:?}");
            // Re-encoding into the other protocol: one allocation, the output.
            let m = d.decode_whole(&wire).unwrap();
            let (_, blocks) = allocations(|| m.to_vec(Protocol::Compact));
            assert_eq!(blocks, 1);
        }
    }
    // A THeader frame's info headers are walked in place too.
    let wire = OwnedHeaderFrame::new(msg.clone(), Protocol::Compact)
        .with_info("a", "b")
        .with_info("trace", "abc")
        .to_vec();
    let (n, blocks) = allocations(|| {
        let d = HeaderFrame::decode_with(&wire, &Limits::default(), Profile::Strict);
        let (f, _) = d.unwrap().complete().unwrap();
        f.info.iter().map(|(k, v)| k.len() + v.len()).sum::<usize>()
            + walk(ValueRef::Struct(f.message.body))
    });
    assert!(n > 1000);
    assert_eq!(blocks, 0);
    // 2^31 - 1 declared i64 elements: refused at once, nothing allocated.
    let bomb =
        hex::decode("80010001 00000000 00000000 0f 0001 0a 7fffffff".replace(' ', "")).unwrap();
    let (r, blocks) = allocations(|| Decoder::default().decode(&bomb).map(|_| ()));
    assert_eq!(r.unwrap_err().kind(), "size-limit");
    assert_eq!(blocks, 0);
}
