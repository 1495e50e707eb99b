//! Adversarial inputs with growth checks (issue 7): deep nesting, declared lengths up to 2^32,
//! long runs of escapes and entities. Each must be rejected (or accepted) while the memory it
//! makes us allocate stays within a small constant times its own size — counted with dhat,
//! never timed. One test: dhat allows one profiler per process.
#![cfg(all(
    feature = "amqp",
    feature = "jsonrpc",
    feature = "xmlrpc",
    feature = "msgpack-rpc"
))]

#[global_allocator]
static ALLOC: dhat::Alloc = dhat::Alloc;

/// Bytes allocated (in total) while `f` runs.
fn allocated<T>(f: impl FnOnce() -> T) -> (T, u64) {
    let before = dhat::HeapStats::get().total_bytes;
    let out = f();
    (out, dhat::HeapStats::get().total_bytes - before)
}

/// The bound: a small constant times the input (plus a fixed allowance for error messages).
fn bounded(what: &str, input_len: usize, bytes: u64) {
    let limit = 4 * input_len as u64 + 4096;
    assert!(
        bytes <= limit,
        "{what}: {bytes} bytes allocated for a {input_len}-byte input (limit {limit})"
    );
}

#[test]
fn adversarial_inputs_cost_at_most_a_small_multiple_of_their_size() {
    let _profiler = dhat::Profiler::builder().testing().build();

    // AMQP: a frame head declaring 4 GiB, and a table nested 100 000 deep (7 bytes a level).
    let head = [3u8, 0, 1, 0xff, 0xff, 0xff, 0xff];
    let (r, bytes) = allocated(|| msgwire::amqp::Decoder::default().decode(&head).map(|_| ()));
    assert_eq!(r.unwrap_err().kind(), "frame-too-large");
    assert_eq!(bytes, 0, "AMQP 4 GiB declaration");

    let levels = 100_000usize;
    let mut table = ((7 * levels) as u32).to_be_bytes().to_vec();
    for inner in (0..levels).rev() {
        table.extend_from_slice(&[1, b'a', b'F']);
        table.extend_from_slice(&((7 * inner) as u32).to_be_bytes());
    }
    let mut frame = vec![1, 0, 1];
    let mut payload = vec![0, 10, 0, 10, 0, 9]; // connection.start 0-9
    payload.extend_from_slice(&table);
    payload.extend_from_slice(&[0, 0, 0, 0, 0, 0, 0, 0]);
    frame.extend_from_slice(&(payload.len() as u32).to_be_bytes());
    frame.extend_from_slice(&payload);
    frame.push(0xce);
    let decoder = msgwire::amqp::Decoder::new(msgwire::amqp::Limits {
        frame_max: 0,
        ..Default::default()
    });
    let (r, bytes) = allocated(|| decoder.decode(&frame).map(|_| ()));
    assert_eq!(r.unwrap_err().kind(), "table-too-deep");
    assert_eq!(bytes, 0, "AMQP 100 000-deep table");

    // MessagePack: array32 and str32 declaring 2^32 - 1 in five bytes.
    for (what, input) in [
        ("array32", [0xddu8, 0xff, 0xff, 0xff, 0xff]),
        ("str32", [0xdb, 0xff, 0xff, 0xff, 0xff]),
    ] {
        let (r, bytes) =
            allocated(|| msgwire::msgpack_rpc::ValueRef::decode(&input).map(|d| d.is_need_more()));
        // Refused (size limit) or waited for: never buffered, never preallocated.
        assert!(r.is_err() || r == Ok(true), "{what}");
        assert_eq!(bytes, 0, "MessagePack {what} declaring 2^32 - 1");
    }

    // JSON-RPC: a 100 000-deep array in params (rejected -32700), and 50 000 escapes in a
    // method name (accepted; unescaping needs one string of at most the input's size).
    let deep = format!(
        r#"{{"jsonrpc":"2.0","method":"m","params":{}{},"id":1}}"#,
        "[".repeat(100_000),
        "]".repeat(100_000)
    );
    let (r, bytes) = allocated(|| msgwire::jsonrpc::decode(deep.as_bytes()).map(|_| ()));
    assert_eq!(
        r.unwrap_err().code(),
        Some(msgwire::jsonrpc::ErrorCode::PARSE_ERROR)
    );
    bounded("JSON-RPC 100 000-deep params", deep.len(), bytes);

    let escapes = format!(
        r#"{{"jsonrpc":"2.0","method":"{}","id":1}}"#,
        "\\u0041".repeat(50_000)
    );
    let (r, bytes) = allocated(|| msgwire::jsonrpc::decode(escapes.as_bytes()).map(|_| ()));
    assert!(r.is_ok());
    bounded("JSON-RPC 50 000 escapes", escapes.len(), bytes);

    // XML-RPC: 100 000 nested arrays (rejected), 100 000 entity references in one string
    // (accepted), and a billion-laughs document (rejected at the DOCTYPE).
    let nested = format!(
        "<?xml version=\"1.0\"?><methodCall><methodName>m</methodName><params><param>{}{}</param></params></methodCall>",
        "<value><array><data>".repeat(100_000),
        "</data></array></value>".repeat(100_000)
    );
    let (r, bytes) = allocated(|| msgwire::xmlrpc::decode(nested.as_bytes()).map(|_| ()));
    assert!(r.is_err(), "100 000-deep XML-RPC");
    bounded("XML-RPC 100 000-deep arrays", nested.len(), bytes);

    let entities = format!(
        "<?xml version=\"1.0\"?><methodCall><methodName>m</methodName><params><param><value><string>{}</string></value></param></params></methodCall>",
        "&amp;".repeat(100_000)
    );
    let (r, bytes) = allocated(|| msgwire::xmlrpc::decode(entities.as_bytes()).map(|_| ()));
    assert!(r.is_ok());
    bounded("XML-RPC 100 000 entities", entities.len(), bytes);

    let laughs = concat!(
        "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">",
        "<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">]>",
        "<methodCall><methodName>&lol2;</methodName></methodCall>"
    );
    let (r, bytes) = allocated(|| msgwire::xmlrpc::decode(laughs.as_bytes()).map(|_| ()));
    assert_eq!(r.unwrap_err().kind(), "doctype");
    bounded("XML-RPC billion laughs", laughs.len(), bytes);
}
