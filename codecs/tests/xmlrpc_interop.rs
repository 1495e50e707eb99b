//! Interop with Python's stdlib `SimpleXMLRPCServer` on loopback: documents built by this codec,
//! sent over a minimal HTTP/1.1 client, replies and faults decoded by this codec.
//!
//! The server offers the eight UserLand validator1 methods plus a few of its own. Needs
//! `python3`; run by `.ci/peers/xmlrpc.sh` (`cargo test -p msgwire --test xmlrpc_interop --
//! --ignored`). Bounded: the server exits after 200 requests or 120 s, each request has a 10 s
//! socket timeout, and the test kills the server when it ends.
#![cfg(feature = "xmlrpc")]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use msgwire::xmlrpc::{
    decode_with, Base64, DateTime, FaultCode, Layout, Limits, Member, Message, MethodCall, Profile,
    Value,
};

const SERVER: &str = r#"
import sys, time
from xmlrpc.server import SimpleXMLRPCServer
from xmlrpc.client import Fault

srv = SimpleXMLRPCServer(("127.0.0.1", 0), logRequests=False, allow_none=True, use_builtin_types=True)
srv.timeout = 1.0

def arrayOfStructsTest(structs):
    return sum(s["curly"] for s in structs)

def countTheEntities(s):
    return {"ctLeftAngleBrackets": s.count("<"), "ctRightAngleBrackets": s.count(">"),
            "ctAmpersands": s.count("&"), "ctApostrophes": s.count("'"), "ctQuotes": s.count('"')}

def easyStructTest(s):
    return s["moe"] + s["larry"] + s["curly"]

def echoStructTest(s):
    return s

def manyTypesTest(number, boolean, string, double, dt, b64):
    return [number, boolean, string, double, dt, b64]

def moderateSizeArrayCheck(a):
    return a[0] + a[-1]

def nestedStructTest(cal):
    d = cal["2000"]["04"]["01"]
    return d["moe"] + d["larry"] + d["curly"]

def simpleStructReturnTest(n):
    return {"times10": n * 10, "times100": n * 100, "times1000": n * 1000}

for f in (arrayOfStructsTest, countTheEntities, easyStructTest, echoStructTest, manyTypesTest,
          moderateSizeArrayCheck, nestedStructTest, simpleStructReturnTest):
    srv.register_function(f, "validator1." + f.__name__)

def fail(code, message):
    raise Fault(code, message)

srv.register_function(lambda *a: list(a), "echo")
srv.register_function(fail, "fail")
srv.register_function(lambda a, b: a / b, "divide")

print(srv.server_address[1], flush=True)
deadline = time.monotonic() + 120
for _ in range(200):
    if time.monotonic() > deadline:
        break
    srv.handle_request()
"#;

struct Server {
    child: Child,
    port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server() -> Server {
    let mut child = Command::new("python3")
        .args(["-c", SERVER])
        .stdout(Stdio::piped())
        .stdin(Stdio::null())
        .spawn()
        .expect("python3 (run .ci/peers/xmlrpc.sh)");
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let port = line.trim().parse().expect("server port");
    Server { child, port }
}

/// One POST with a minimal HTTP/1.1 client; returns the response body.
fn post(port: u16, body: &[u8]) -> Vec<u8> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.set_write_timeout(Some(Duration::from_secs(10))).unwrap();
    let head = format!(
        "POST /RPC2 HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nUser-Agent: msgwire-test\r\n\
         Content-Type: text/xml\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut raw = Vec::new();
    s.take(64 << 20).read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let head = String::from_utf8_lossy(&raw[..split]).to_ascii_lowercase();
    assert!(
        head.starts_with("http/1.") && head[9..].starts_with("200"),
        "{head}"
    );
    assert!(head.contains("content-type: text/xml"), "{head}");
    let len: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .expect("content-length")
        .trim()
        .parse()
        .unwrap();
    let body = raw[split + 4..].to_vec();
    assert_eq!(body.len(), len);
    body
}

fn call_layout(
    port: u16,
    layout: Layout,
    method: &str,
    params: Vec<Value<'static>>,
) -> Message<'static> {
    let doc = Message::Call(MethodCall::new(method.to_owned(), params)).to_vec_layout(layout);
    let body = post(port, &doc);
    decode_with(&body, Profile::Strict, &Limits::default())
        .unwrap_or_else(|e| panic!("{method}: {e}\n{}", String::from_utf8_lossy(&body)))
        .into_owned()
}

fn call(port: u16, method: &str, params: Vec<Value<'static>>) -> Value<'static> {
    match call_layout(port, Layout::Compact, method, params) {
        Message::Response(mut r) => {
            assert_eq!(r.params.len(), 1);
            r.params.remove(0)
        }
        other => panic!("{method}: {other:?}"),
    }
}

fn int(n: i32) -> Value<'static> {
    Value::I4(n)
}

fn stooges(moe: i32, larry: i32, curly: i32) -> Value<'static> {
    Value::Struct(vec![
        Member::new("moe", int(moe)),
        Member::new("larry", int(larry)),
        Member::new("curly", int(curly)),
    ])
}

#[test]
#[ignore = "needs python3: run by .ci/peers/xmlrpc.sh"]
fn python_simplexmlrpcserver() {
    let server = start_server();
    let port = server.port;

    // validator1.arrayOfStructsTest: the sum of the curly members.
    let structs = Value::Array(vec![stooges(1, 2, 3), stooges(4, 5, 6), stooges(7, 8, -9)]);
    assert_eq!(
        call(port, "validator1.arrayOfStructsTest", vec![structs]),
        Value::Int(0)
    );

    // validator1.countTheEntities: the escapes must reach Python as characters.
    let r = call(
        port,
        "validator1.countTheEntities",
        vec![Value::string("<<>&&&'\"\"\"\"x")],
    );
    for (name, n) in [
        ("ctLeftAngleBrackets", 2),
        ("ctRightAngleBrackets", 1),
        ("ctAmpersands", 3),
        ("ctApostrophes", 1),
        ("ctQuotes", 4),
    ] {
        assert_eq!(r.member(name), Some(&Value::Int(n)), "{name}");
    }

    // validator1.easyStructTest, with an untyped member name order Python does not care about.
    assert_eq!(
        call(port, "validator1.easyStructTest", vec![stooges(2, 3, 5)]),
        Value::Int(10)
    );

    // validator1.echoStructTest: Python writes <int> and <string> where we sent <i4> and untyped.
    let s = Value::Struct(vec![
        Member::new("a", int(1)),
        Member::new("b", Value::Untyped("x y".into())),
    ]);
    let echoed = call(port, "validator1.echoStructTest", vec![s]);
    assert_eq!(
        echoed,
        Value::Struct(vec![
            Member::new("a", Value::Int(1)),
            Member::new("b", Value::string("x y")),
        ])
    );

    // validator1.manyTypesTest: every spec type, back as Python re-marshals it.
    let dt = Value::DateTime(DateTime::from_parts(1998, 7, 17, 14, 8, 55));
    let bytes: Vec<u8> = (0..=255u8).collect();
    let many = call(
        port,
        "validator1.manyTypesTest",
        vec![
            int(-7),
            Value::Boolean(true),
            Value::string("str"),
            Value::Double(-12.53),
            dt.clone(),
            Value::Base64(Base64::from_bytes(&bytes)),
        ],
    );
    let Value::Array(items) = many else {
        panic!("{many:?}")
    };
    assert_eq!(
        items[..5],
        [
            Value::Int(-7),
            Value::Boolean(true),
            Value::string("str"),
            Value::Double(-12.53),
            dt
        ]
    );
    let Value::Base64(b) = &items[5] else {
        panic!()
    };
    assert!(b.text().contains('\n'), "Python wraps base64 lines");
    assert_eq!(b.to_bytes().unwrap(), bytes);

    // validator1.moderateSizeArrayCheck: first + last of 150 strings.
    let arr = Value::Array((0..150).map(|i| Value::string(format!("s{i}"))).collect());
    assert_eq!(
        call(port, "validator1.moderateSizeArrayCheck", vec![arr]),
        Value::string("s0s149")
    );

    // validator1.nestedStructTest: a calendar of structs, keyed by year, month, day.
    let day = |moe, larry, curly| Member::new("01", stooges(moe, larry, curly));
    let cal = Value::Struct(vec![Member::new(
        "2000",
        Value::Struct(vec![
            Member::new("03", Value::Struct(vec![day(9, 9, 9)])),
            Member::new("04", Value::Struct(vec![day(1, 2, 3)])),
        ]),
    )]);
    assert_eq!(
        call(port, "validator1.nestedStructTest", vec![cal]),
        Value::Int(6)
    );

    // validator1.simpleStructReturnTest.
    let r = call(port, "validator1.simpleStructReturnTest", vec![int(3)]);
    assert_eq!(r.member("times10"), Some(&Value::Int(30)));
    assert_eq!(r.member("times1000"), Some(&Value::Int(3000)));

    // Pretty (Python-layout) requests work too, and nil round-trips with allow_none.
    let m = call_layout(
        port,
        Layout::Pretty,
        "echo",
        vec![Value::Nil, Value::Array(vec![])],
    );
    let Message::Response(r) = m else { panic!() };
    assert_eq!(
        r.params,
        [Value::Array(vec![Value::Nil, Value::Array(vec![])])]
    );

    // A 100 KiB string with markup characters survives both ways.
    let big: String = (0..100 * 1024)
        .map(|i| ["a", "<", "&", ">", "\n", "é"][i % 6])
        .collect();
    let r = call(port, "echo", vec![Value::string(big.clone())]);
    assert_eq!(r, Value::Array(vec![Value::string(big)]));

    // Finding: Python writes CR raw, so a CR we send as &#13; comes back as LF.
    let r = call(port, "echo", vec![Value::string("a\rb")]);
    assert_eq!(r, Value::Array(vec![Value::string("a\nb")]));

    // Faults: raised by the method, by Python (unknown method, ZeroDivisionError, an i8 Python
    // cannot marshal back), and for a document Python cannot parse.
    let fault = |m: Message<'static>| match m {
        Message::Fault(f) => (f.code(), f.string().to_owned()),
        other => panic!("expected a fault, got {other:?}"),
    };
    let (code, text) = fault(call_layout(
        port,
        Layout::Compact,
        "fail",
        vec![int(42), Value::string("custom <fault>")],
    ));
    assert_eq!((code, text.as_str()), (FaultCode(42), "custom <fault>"));
    let (code, text) = fault(call_layout(port, Layout::Compact, "no.such.method", vec![]));
    assert_eq!(code, 1);
    assert!(text.contains("not supported"), "{text}");
    let (code, text) = fault(call_layout(
        port,
        Layout::Compact,
        "divide",
        vec![int(1), int(0)],
    ));
    assert_eq!(code, 1);
    assert!(text.contains("ZeroDivisionError"), "{text}");
    let (_, text) = fault(call_layout(
        port,
        Layout::Compact,
        "echo",
        vec![Value::I8(1 << 40)],
    ));
    assert!(text.contains("OverflowError"), "{text}");
    let body = post(port, b"<methodCall><methodName>echo</methodName><params>");
    let Message::Fault(f) = decode_with(&body, Profile::Strict, &Limits::default()).unwrap() else {
        panic!("{}", String::from_utf8_lossy(&body))
    };
    assert!(f.string().contains("ExpatError"), "{}", f.string());
}

/// Documents Python's `xmlrpc.client.dumps` writes in other encodings (what
/// `SimpleXMLRPCServer(encoding=...)` and `ServerProxy(encoding=...)` send): read through
/// `to_utf8`, they decode to the values Python wrote.
#[test]
#[ignore = "needs python3: run by .ci/peers/xmlrpc.sh"]
fn python_documents_in_other_encodings() {
    use msgwire::xmlrpc::to_utf8;
    const SCRIPT: &str = r#"
import xmlrpc.client as x
for enc in ("iso-8859-1", "utf-16", "utf-16-le", "utf-16-be", "utf-8"):
    body = x.dumps(("caf\u00e9 \u00fc \u20ac", [1, "\u00ff"]), methodname="m", encoding=enc)
    print(enc, body.encode(enc, "xmlcharrefreplace").hex())
"#;
    let out = Command::new("python3")
        .args(["-c", SCRIPT])
        .output()
        .expect("python3");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    let mut seen = 0;
    for line in text.lines() {
        let (enc, hex) = line.split_once(' ').unwrap();
        let bytes: Vec<u8> = (0..hex.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
            .collect();
        let utf8 = to_utf8(&bytes, &Limits::default()).unwrap_or_else(|e| panic!("{enc}: {e}"));
        let msg = decode_with(&utf8, Profile::Strict, &Limits::default())
            .unwrap_or_else(|e| panic!("{enc}: {e}"));
        let Message::Call(call) = msg else {
            panic!("{enc}: not a call")
        };
        assert_eq!(call.method, "m", "{enc}");
        assert_eq!(
            call.params,
            vec![
                Value::string("caf\u{e9} \u{fc} \u{20ac}"),
                Value::Array(vec![Value::Int(1), Value::string("\u{ff}")]),
            ],
            "{enc}"
        );
        seen += 1;
    }
    assert_eq!(seen, 5);
}
