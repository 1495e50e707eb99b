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

/// The bytes [`escape`] has to look at: `&`, `<`, `>`, the C0 controls but tab and LF, and 0xEF
/// (the first byte of U+FFFE and U+FFFF).
static SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let mut c = 0;
    while c < 0x20 {
        t[c] = c != b'\t' as usize && c != b'\n' as usize;
        c += 1;
    }
    t[b'&' as usize] = true;
    t[b'<' as usize] = true;
    t[b'>' as usize] = true;
    t[0xef] = true;
    t
};

fn escape<S: Sink>(text: &str, out: &mut S) {
    let b = text.as_bytes();
    // Most text needs nothing: one table look-up per byte, then one copy.
    let Some(first) = b.iter().position(|&c| SPECIAL[usize::from(c)]) else {
        out.put(b);
        return;
    };
    let mut start = 0;
    for (i, &c) in b.iter().enumerate().skip(first) {
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
            out.put(b"&#");
            int(ch, out);
            out.put(b";");
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

/// Writes a finite double's shortest round-trip digits (zmij's) in decimal point notation, laid
/// out as Rust's `Display` lays them (never an exponent), then `.0` when that has no point: the
/// spec's "decimal point notation" ("1.0", "0.000001", 1e16 as "10000000000000000.0"). The digits
/// are `Display`'s except for a tie between two equally short strings, which goes to the even
/// digit as Python's `repr` and JavaScript's `String` break it (`Display` rounds it up).
fn decimal<S: Sink>(shortest: &str, out: &mut S) {
    static ZEROS: [u8; 64] = [b'0'; 64];
    let zeros = |n: usize, out: &mut S| {
        let mut n = n;
        while n > 0 {
            let k = n.min(ZEROS.len());
            out.put(&ZEROS[..k]);
            n -= k;
        }
    };
    let (neg, s) = match shortest.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, shortest),
    };
    let (mantissa, exp) = match s.split_once(['e', 'E']) {
        Some((m, e)) => (m, e.parse::<i32>().unwrap_or(0)),
        None => (s, 0),
    };
    let (int_part, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    // The digits, without the point, in a stack buffer: zmij prints at most 17 significant
    // digits and switches to an exponent before padding with more than a few zeros (≤ 24 bytes).
    let mut buf = [0u8; 48];
    let (ib, fb) = (int_part.as_bytes(), frac.as_bytes());
    let len = (ib.len() + fb.len()).min(buf.len());
    for (dst, src) in buf.iter_mut().zip(ib.iter().chain(fb)) {
        *dst = *src;
    }
    let mut digits = &buf[..len];
    // Where the point goes, counted from the first digit.
    let mut point = i32::try_from(ib.len()).unwrap_or(0).saturating_add(exp);
    while let [b'0', rest @ ..] = digits {
        digits = rest;
        point -= 1;
    }
    while let [rest @ .., b'0'] = digits {
        digits = rest;
    }
    if neg {
        out.put(b"-");
    }
    let n = i32::try_from(digits.len()).unwrap_or(0);
    if digits.is_empty() {
        out.put(b"0.0");
    } else if point <= 0 {
        out.put(b"0.");
        zeros(point.unsigned_abs() as usize, out);
        out.put(digits);
    } else if point >= n {
        out.put(digits);
        zeros((point - n) as usize, out);
        out.put(b".0");
    } else {
        let (a, b) = digits.split_at(point as usize);
        out.put(a);
        out.put(b".");
        out.put(b);
    }
}

fn double<S: Sink>(f: f64, out: &mut S) {
    if f.is_nan() {
        // Python's repr(); only lenient decoders read it back.
        out.put(b"nan");
    } else if f.is_infinite() {
        out.put(if f > 0.0 { b"inf" } else { b"-inf" });
    } else {
        decimal(zmij::Buffer::new().format_finite(f), out);
    }
}

fn float<S: Sink>(f: f32, out: &mut S) {
    if f.is_finite() {
        // `Display`'s digits, not zmij's: for f32 the two break ties between equally short
        // digit strings differently (2567984.25 is "2567984.3" to Display, ".2" to zmij), and
        // the output has always been Display's. Apache's ex:float is rare; this path is not hot.
        let mut text = StackText::default();
        let _ = write!(text, "{f}");
        out.put(text.as_bytes());
        if !text.as_bytes().contains(&b'.') {
            out.put(b".0");
        }
    } else {
        double(f64::from(f), out);
    }
}

/// A `fmt::Write` into a stack buffer, for `Display` output of bounded length (an f32's is at
/// most 48 bytes); longer output is refused, never truncated silently.
struct StackText {
    buf: [u8; 64],
    len: usize,
}

impl Default for StackText {
    fn default() -> Self {
        StackText {
            buf: [0; 64],
            len: 0,
        }
    }
}

impl StackText {
    fn as_bytes(&self) -> &[u8] {
        &self.buf[..self.len]
    }
}

impl std::fmt::Write for StackText {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        let end = self.len + s.len();
        let dst = self.buf.get_mut(self.len..end).ok_or(std::fmt::Error)?;
        dst.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

fn int<S: Sink>(n: impl itoa::Integer, out: &mut S) {
    out.put(itoa::Buffer::new().format(n).as_bytes());
}

/// `<value><TAG>`, the body, `</TAG></value>`, then the layout's newline.
fn leaf<S: Sink>(out: &mut S, open: &[u8], close: &[u8], nl: &[u8], body: impl FnOnce(&mut S)) {
    out.put(open);
    body(out);
    out.put(close);
    out.put(nl);
}

fn value<S: Sink>(v: &Value<'_>, layout: Layout, out: &mut S) {
    let nl: &[u8] = if layout == Layout::Pretty { b"\n" } else { b"" };
    match v {
        Value::Int(n) => leaf(out, b"<value><int>", b"</int></value>", nl, |o| int(*n, o)),
        Value::I4(n) => leaf(out, b"<value><i4>", b"</i4></value>", nl, |o| int(*n, o)),
        Value::I8(n) => leaf(out, b"<value><i8>", b"</i8></value>", nl, |o| int(*n, o)),
        Value::ExI1(n) => leaf(out, b"<value><ex:i1>", b"</ex:i1></value>", nl, |o| {
            int(*n, o)
        }),
        Value::ExI2(n) => leaf(out, b"<value><ex:i2>", b"</ex:i2></value>", nl, |o| {
            int(*n, o)
        }),
        Value::ExI8(n) => leaf(out, b"<value><ex:i8>", b"</ex:i8></value>", nl, |o| {
            int(*n, o)
        }),
        Value::Boolean(b) => leaf(out, b"<value><boolean>", b"</boolean></value>", nl, |o| {
            o.put(if *b { b"1" } else { b"0" })
        }),
        Value::String(s) => leaf(out, b"<value><string>", b"</string></value>", nl, |o| {
            escape(s, o)
        }),
        Value::Double(f) => leaf(out, b"<value><double>", b"</double></value>", nl, |o| {
            double(*f, o)
        }),
        Value::ExFloat(f) => leaf(out, b"<value><ex:float>", b"</ex:float></value>", nl, |o| {
            float(*f, o)
        }),
        Value::DateTime(d) => leaf(
            out,
            b"<value><dateTime.iso8601>",
            b"</dateTime.iso8601></value>",
            nl,
            |o| escape(d.text(), o),
        ),
        Value::Base64(b) => leaf(out, b"<value><base64>", b"</base64></value>", nl, |o| {
            escape(b.text(), o)
        }),
        Value::Untyped(s) => leaf(out, b"<value>", b"</value>", nl, |o| escape(s, o)),
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
