//! Allocation counts per operation (blocks and bytes) for each implementation on the fixed
//! inputs; one JSON object per line on stdout, merged into RESULTS.md by `benches/run.sh`.

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

fn main() {
    let _profiler = dhat::Profiler::builder().testing().build();
    let mut report = |group: &str, implementation: &str, (blocks, bytes): (u64, u64)| {
        println!(
            "{}",
            serde_json::json!({
                "group": group, "implementation": implementation,
                "allocations": blocks, "bytes": bytes,
            })
        );
    };
    msgwire_benches::amqp::count_allocations(&mut report);
    msgwire_benches::msgpack_rpc::count_allocations(&mut report);
    msgwire_benches::jsonrpc::count_allocations(&mut report);
    msgwire_benches::xmlrpc::count_allocations(&mut report);
    msgwire_benches::thrift::count_allocations(&mut report);
}
