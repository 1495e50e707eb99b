//! The encoder: a [`Message`] or [`Value`] → bytes, compact or pretty, exact length known first.
//!
//! One writer walks the document for both the byte count ([`Message::encoded_len`]) and the
//! output, so `to_vec` allocates once. Text is escaped as XML requires (`&`, `<`, and `>` for
//! `]]>`); CR is written `&#13;` so it survives XML line-end normalization, and the C0 controls
//! XML 1.0 cannot carry are written as character references (accepted by the lenient decoder
//! and XML 1.1 parsers, rejected by strict XML 1.0 ones — the spec leaves them unrepresentable).
//!
//! `Pretty` is byte for byte the layout Python's `xmlrpc.client.dumps` writes (one element per
//! line, `<?xml version='1.0'?>`), the most common encoder in the wild; `Compact` has no
//! whitespace between elements.

use std::fmt::Write as _;

use bytes::BufMut;

use super::value::{Message, Value};

/// How the encoder lays out elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Layout {
    /// `<?xml version="1.0"?>` and no whitespace between elements.
    #[default]
    Compact,
    /// Python `xmlrpc.client`'s layout: a newline after most elements.
    Pretty,
}

trait Sink {
    fn put(&mut self, b: &[u8]);
}

struct Counter(usize);

impl Sink for Counter {
    fn put(&mut self, b: &[u8]) {
        self.0 += b.len();
    }
}

struct Out<'b, B: BufMut>(&'b mut B);

impl<B: BufMut> Sink for Out<'_, B> {
    fn put(&mut self, b: &[u8]) {
        self.0.put_slice(b);
    }
}

/// Formats numbers straight into the sink, remembering whether a `.` was written.
struct Num<'s, S: Sink> {
    sink: &'s mut S,
    dot: bool,
}

impl<S: Sink> std::fmt::Write for Num<'_, S> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.dot |= s.contains(['.', 'N', 'n', 'i']);
        self.sink.put(s.as_bytes());
        Ok(())
    }
}

fn escape<S: Sink>(text: &str, out: &mut S) {
    let b = text.as_bytes();
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        let rep: &[u8] = match c {
            b'&' => b"&amp;",
            b'<' => b"&lt;",
            b'>' => b"&gt;",
            b'\t' | b'\n' => continue,
            0..=0x1f => b"",
            0xef if b.get(i + 1) == Some(&0xbf) && matches!(b.get(i + 2), Some(0xbe | 0xbf)) => b"",
            _ => continue,
        };
        out.put(&b[start..i]);
        if rep.is_empty() {
            // A control character, or the first byte of U+FFFE / U+FFFF.
            let ch = if c == 0xef {
                0xfffe + u32::from(b[i + 2] - 0xbe)
            } else {
                u32::from(c)
            };
            let mut num = Num {
                sink: out,
                dot: false,
            };
            let _ = write!(num, "&#{ch};");
            start = if c == 0xef { i + 3 } else { i + 1 };
        } else {
            out.put(rep);
            start = i + 1;
        }
    }
    if start < b.len() {
        out.put(&b[start..]);
    }
}

fn double<S: Sink>(f: f64, out: &mut S) {
    if f.is_nan() {
        // Python's repr(); only lenient decoders read it back.
        out.put(b"nan");
    } else if f.is_infinite() {
        out.put(if f > 0.0 { b"inf" } else { b"-inf" });
    } else {
        // Rust's Display never uses an exponent and prints the shortest round-trip digits:
        // exactly the spec's "decimal point notation".
        let mut num = Num {
            sink: out,
            dot: false,
        };
        let _ = write!(num, "{f}");
        if !num.dot {
            out.put(b".0");
        }
    }
}

fn float<S: Sink>(f: f32, out: &mut S) {
    if f.is_finite() {
        let mut num = Num {
            sink: out,
            dot: false,
        };
        let _ = write!(num, "{f}");
        if !num.dot {
            out.put(b".0");
        }
    } else {
        double(f64::from(f), out);
    }
}

fn int<S: Sink>(n: impl std::fmt::Display, out: &mut S) {
    let mut num = Num {
        sink: out,
        dot: false,
    };
    let _ = write!(num, "{n}");
}

fn value<S: Sink>(v: &Value<'_>, layout: Layout, out: &mut S) {
    let nl: &[u8] = if layout == Layout::Pretty { b"\n" } else { b"" };
    let leaf = |out: &mut S, tag: &str, body: &dyn Fn(&mut S)| {
        out.put(b"<value><");
        out.put(tag.as_bytes());
        out.put(b">");
        body(out);
        out.put(b"</");
        out.put(tag.as_bytes());
        out.put(b"></value>");
        out.put(nl);
    };
    match v {
        Value::Int(n) => leaf(out, "int", &|o| int(n, o)),
        Value::I4(n) => leaf(out, "i4", &|o| int(n, o)),
        Value::I8(n) => leaf(out, "i8", &|o| int(n, o)),
        Value::ExI1(n) => leaf(out, "ex:i1", &|o| int(n, o)),
        Value::ExI2(n) => leaf(out, "ex:i2", &|o| int(n, o)),
        Value::ExI8(n) => leaf(out, "ex:i8", &|o| int(n, o)),
        Value::Boolean(b) => leaf(out, "boolean", &|o| o.put(if *b { b"1" } else { b"0" })),
        Value::String(s) => leaf(out, "string", &|o| escape(s, o)),
        Value::Double(f) => leaf(out, "double", &|o| double(*f, o)),
        Value::ExFloat(f) => leaf(out, "ex:float", &|o| float(*f, o)),
        Value::DateTime(d) => leaf(out, "dateTime.iso8601", &|o| escape(d.text(), o)),
        Value::Base64(b) => leaf(out, "base64", &|o| escape(b.text(), o)),
        Value::Untyped(s) => {
            out.put(b"<value>");
            escape(s, out);
            out.put(b"</value>");
            out.put(nl);
        }
        // Python writes "<value><nil/></value>" with no newline after it.
        Value::Nil => out.put(b"<value><nil/></value>"),
        Value::ExNil => out.put(b"<value><ex:nil/></value>"),
        Value::Array(items) => {
            out.put(b"<value><array><data>");
            out.put(nl);
            for item in items {
                value(item, layout, out);
            }
            out.put(b"</data></array></value>");
            out.put(nl);
        }
        Value::Struct(members) => {
            out.put(b"<value><struct>");
            out.put(nl);
            for m in members {
                out.put(b"<member>");
                out.put(nl);
                out.put(b"<name>");
                escape(&m.name, out);
                out.put(b"</name>");
                out.put(nl);
                value(&m.value, layout, out);
                out.put(b"</member>");
                out.put(nl);
            }
            out.put(b"</struct></value>");
            out.put(nl);
        }
    }
}

fn params<S: Sink>(params: &[Value<'_>], layout: Layout, out: &mut S) {
    let nl: &[u8] = if layout == Layout::Pretty { b"\n" } else { b"" };
    out.put(b"<params>");
    out.put(nl);
    for p in params {
        out.put(b"<param>");
        out.put(nl);
        value(p, layout, out);
        out.put(b"</param>");
        out.put(nl);
    }
    out.put(b"</params>");
    out.put(nl);
}

fn message<S: Sink>(m: &Message<'_>, layout: Layout, out: &mut S) {
    let nl: &[u8] = match layout {
        Layout::Pretty => {
            out.put(b"<?xml version='1.0'?>\n");
            b"\n"
        }
        Layout::Compact => {
            out.put(b"<?xml version=\"1.0\"?>");
            b""
        }
    };
    match m {
        Message::Call(c) => {
            out.put(b"<methodCall>");
            out.put(nl);
            out.put(b"<methodName>");
            escape(&c.method, out);
            out.put(b"</methodName>");
            out.put(nl);
            params(&c.params, layout, out);
            out.put(b"</methodCall>");
        }
        Message::Response(r) => {
            out.put(b"<methodResponse>");
            out.put(nl);
            params(&r.params, layout, out);
            out.put(b"</methodResponse>");
        }
        Message::Fault(f) => {
            out.put(b"<methodResponse>");
            out.put(nl);
            out.put(b"<fault>");
            out.put(nl);
            value(f.value(), layout, out);
            out.put(b"</fault>");
            out.put(nl);
            out.put(b"</methodResponse>");
        }
    }
    out.put(nl);
}

impl Message<'_> {
    /// Writes the document, compact.
    pub fn encode(&self, buf: &mut impl BufMut) {
        self.encode_layout(Layout::Compact, buf);
    }

    /// Writes the document in `layout`.
    pub fn encode_layout(&self, layout: Layout, buf: &mut impl BufMut) {
        message(self, layout, &mut Out(buf));
    }

    /// The exact length of [`encode`](Self::encode)'s output.
    pub fn encoded_len(&self) -> usize {
        self.encoded_len_layout(Layout::Compact)
    }

    /// The exact length of the output in `layout`.
    pub fn encoded_len_layout(&self, layout: Layout) -> usize {
        let mut c = Counter(0);
        message(self, layout, &mut c);
        c.0
    }

    /// The compact document, in one allocation.
    pub fn to_vec(&self) -> Vec<u8> {
        self.to_vec_layout(Layout::Compact)
    }

    /// The pretty (Python-layout) document, in one allocation.
    pub fn to_vec_pretty(&self) -> Vec<u8> {
        self.to_vec_layout(Layout::Pretty)
    }

    /// The document in `layout`, in one allocation.
    pub fn to_vec_layout(&self, layout: Layout) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len_layout(layout));
        self.encode_layout(layout, &mut out);
        out
    }
}

impl Value<'_> {
    /// Writes `<value>...</value>`, compact.
    pub fn encode(&self, buf: &mut impl BufMut) {
        value(self, Layout::Compact, &mut Out(buf));
    }

    /// The encoding, in a buffer of exactly [`encoded_len`](Self::encoded_len) bytes.
    pub fn to_vec(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.encoded_len());
        self.encode(&mut out);
        out
    }

    /// The exact length of [`encode`](Self::encode)'s output.
    pub fn encoded_len(&self) -> usize {
        let mut c = Counter(0);
        value(self, Layout::Compact, &mut c);
        c.0
    }
}
