//! Input generation: structure-aware generation from the canonical form, protocol-level
//! mutation of golden vectors, and byte-level mutation, all driven by one seeded [`Rng`].

use serde_json::Value;

/// A small seeded PRNG (SplitMix64): the same seed gives the same run on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator seeded with `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x6d73_6777_6972_6521)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next_u64() % n as u64) as usize
        }
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// One of `items`, by value.
    pub fn one_of<T: Copy>(&mut self, items: &[T]) -> T {
        *self.pick(items)
    }

    /// True with probability 1/n.
    pub fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
}

/// A golden vector to start from: its bytes and, for accepted inputs, its canonical documents.
#[derive(Debug, Clone)]
pub struct Seed {
    /// The input bytes.
    pub input: Vec<u8>,
    /// The documents it decodes to (a `y` case's `expect`).
    pub docs: Option<Vec<Value>>,
}

/// Inputs larger than this are cut (the point is many small inputs).
pub const MAX_INPUT: usize = 64 * 1024;

/// Which generator made an input (for the report).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// Canonical documents edited and encoded by our encoder.
    Generated,
    /// A golden vector mutated at the protocol's level.
    Protocol,
    /// A golden vector mutated byte by byte.
    Bytes,
}

/// One new input for `protocol` from `seeds`.
pub fn next_input(rng: &mut Rng, protocol: &str, seeds: &[Seed]) -> (Vec<u8>, Source) {
    next_input_for(rng, protocol, "", seeds)
}

/// One new input for `protocol` under `profile` from `seeds`: the profile says how Thrift's
/// messages are carried (`framed`, `header`; the others unframed; `""`: as the input looks).
pub fn next_input_for(
    rng: &mut Rng,
    protocol: &str,
    profile: &str,
    seeds: &[Seed],
) -> (Vec<u8>, Source) {
    let seed = rng.pick(seeds);
    let roll = rng.below(10);
    let mut out = None;
    if roll < 4 && protocol == "thrift" {
        out = thrift_generated(rng, profile, seeds);
    } else if roll < 4 {
        // Generation starts from documents: a seed that has them.
        let with_docs: Vec<&Seed> = seeds.iter().filter(|s| s.docs.is_some()).collect();
        let from = if with_docs.is_empty() {
            seed
        } else {
            *rng.pick(&with_docs)
        };
        if let Some(docs) = &from.docs {
            for _ in 0..4 {
                let mut d = docs.clone();
                for _ in 0..=rng.below(3) {
                    mutate_doc(rng, &mut d);
                }
                if let Some(Ok(bytes)) = crate::forms::encode(protocol, &d) {
                    out = Some((bytes, Source::Generated));
                    break;
                }
            }
        }
    }
    let (mut input, source) = match out {
        Some(x) => x,
        None if roll < 7 => {
            let mut b = seed.input.clone();
            if rng.one_in(8) {
                // Splice: two messages back to back (streams, trailing data).
                b.extend_from_slice(&rng.pick(seeds).input);
            }
            for _ in 0..=rng.below(2) {
                b = protocol_mutation_for(rng, protocol, profile, b);
            }
            (b, Source::Protocol)
        }
        None => {
            let mut b = seed.input.clone();
            for _ in 0..=rng.below(4) {
                byte_mutation(rng, &mut b);
            }
            (b, Source::Bytes)
        }
    };
    input.truncate(MAX_INPUT);
    (input, source)
}

// ---------------------------------------------------------------------------------------------
// Canonical documents

const BOUNDARY_INTS: [i128; 26] = [
    0,
    1,
    -1,
    127,
    128,
    255,
    256,
    -128,
    -129,
    32767,
    32768,
    65535,
    65536,
    -32768,
    -32769,
    2147483647,
    2147483648,
    -2147483648,
    -2147483649,
    4294967295,
    4294967296,
    9007199254740993,
    i64::MAX as i128,
    i64::MIN as i128,
    u64::MAX as i128,
    -0x1f,
];

const STRINGS: [&str; 16] = [
    "",
    "a",
    "é",
    "\u{1F600}",
    "\u{0}",
    "<&>",
    "\"\\",
    "\u{7f}",
    "\u{2028}",
    "\u{FEFF}",
    " ",
    "0",
    "true",
    "1.5",
    "AMQP",
    "\t\r\n",
];

fn number(rng: &mut Rng) -> Value {
    if rng.one_in(5) {
        let f = *rng.pick(&[0.5, -0.0, 1e308, -1e-308, 3.4028235e38, 1.4e-45, 1.0, 0.1]);
        return serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number);
    }
    let i = *rng.pick(&BOUNDARY_INTS);
    if let Ok(v) = i64::try_from(i) {
        Value::from(v)
    } else {
        Value::from(i as u64)
    }
}

fn string(rng: &mut Rng) -> Value {
    match rng.below(8) {
        0 => Value::from("x".repeat(*rng.pick(&[255, 256, 65536]))),
        _ => Value::from(*rng.pick(&STRINGS)),
    }
}

/// Counts the nodes of a document tree.
fn count_nodes(v: &Value) -> usize {
    1 + match v {
        Value::Array(a) => a.iter().map(count_nodes).sum(),
        Value::Object(o) => o.values().map(count_nodes).sum(),
        _ => 0,
    }
}

fn edit_node(rng: &mut Rng, v: &mut Value) {
    match v {
        Value::Number(_) => *v = number(rng),
        Value::String(s) => {
            if rng.one_in(3) && !s.is_empty() {
                // Keep the string's shape (hex, dates, names) but change one character.
                let mut chars: Vec<char> = s.chars().collect();
                let i = rng.below(chars.len());
                chars[i] = *rng.pick(&['0', 'f', 'g', 'Z', '-', ' ', '\u{e9}', '\u{0}']);
                *s = chars.into_iter().collect();
            } else {
                *v = string(rng);
            }
        }
        Value::Bool(b) => *b = !*b,
        Value::Null => *v = number(rng),
        Value::Array(a) => match rng.below(3) {
            0 if !a.is_empty() => {
                let i = rng.below(a.len());
                a.remove(i);
            }
            1 if !a.is_empty() => {
                let i = rng.below(a.len());
                let x = a[i].clone();
                a.insert(i, x);
            }
            _ => a.push(match rng.below(3) {
                0 => number(rng),
                1 => string(rng),
                _ => Value::Null,
            }),
        },
        Value::Object(o) => {
            if !o.is_empty() && rng.one_in(2) {
                let k = o
                    .keys()
                    .nth(rng.below(o.len()))
                    .cloned()
                    .unwrap_or_default();
                o.remove(&k);
            } else if let Some(k) = o.keys().nth(rng.below(o.len().max(1))).cloned() {
                let x = o[&k].clone();
                if let Some(slot) = o.get_mut(&k) {
                    *slot = x;
                    edit_node(rng, slot);
                }
            }
        }
    }
}

/// One edit of canonical documents: a boundary number, an unusual string, a flipped flag, an
/// element added, removed or repeated. Our encoder then makes the bytes (or refuses).
pub fn mutate_doc(rng: &mut Rng, docs: &mut Vec<Value>) {
    if docs.is_empty() {
        return;
    }
    if rng.one_in(10) {
        let i = rng.below(docs.len());
        let d = docs[i].clone();
        docs.push(d);
        return;
    }
    let i = rng.below(docs.len());
    let total = count_nodes(&docs[i]);
    let mut n = rng.below(total);
    // Index into the tree without holding a borrow across the edit.
    let doc = &mut docs[i];
    let mut path = Vec::new();
    locate(doc, &mut n, &mut path);
    let mut node = doc;
    for step in &path {
        node = match (node, step) {
            (Value::Array(a), Step::Index(i)) => &mut a[*i],
            (Value::Object(o), Step::Key(k)) => match o.get_mut(k) {
                Some(x) => x,
                None => return,
            },
            _ => return,
        };
    }
    edit_node(rng, node);
}

enum Step {
    Index(usize),
    Key(String),
}

/// The path to the `n`th node in pre-order.
fn locate(v: &Value, n: &mut usize, path: &mut Vec<Step>) -> bool {
    if *n == 0 {
        return true;
    }
    *n -= 1;
    match v {
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                path.push(Step::Index(i));
                if locate(x, n, path) {
                    return true;
                }
                path.pop();
            }
        }
        Value::Object(o) => {
            for (k, x) in o {
                path.push(Step::Key(k.clone()));
                if locate(x, n, path) {
                    return true;
                }
                path.pop();
            }
        }
        _ => {}
    }
    false
}

// ---------------------------------------------------------------------------------------------
// Bytes

const INTERESTING: [u8; 10] = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x20, 0x0a, 0xce, 0xc1];

/// One byte-level mutation: flip a bit, set an interesting byte, insert, delete, duplicate,
/// truncate, append.
pub fn byte_mutation(rng: &mut Rng, b: &mut Vec<u8>) {
    let len = b.len();
    match rng.below(8) {
        0 if len > 0 => {
            let i = rng.below(len);
            b[i] ^= 1 << rng.below(8);
        }
        1 if len > 0 => {
            let i = rng.below(len);
            b[i] = *rng.pick(&INTERESTING);
        }
        2 => {
            let i = rng.below(len + 1);
            let x = if rng.one_in(2) {
                *rng.pick(&INTERESTING)
            } else {
                rng.next_u64() as u8
            };
            b.insert(i, x);
        }
        3 if len > 0 => {
            let i = rng.below(len);
            let n = 1 + rng.below((len - i).min(8));
            b.drain(i..i + n);
        }
        4 if len > 0 => {
            let i = rng.below(len);
            let n = 1 + rng.below((len - i).min(16));
            let chunk: Vec<u8> = b[i..i + n].to_vec();
            let at = rng.below(len + 1);
            b.splice(at..at, chunk);
        }
        5 if len > 0 => b.truncate(rng.below(len)),
        6 => b.push(*rng.pick(&INTERESTING)),
        _ if len > 0 => {
            let i = rng.below(len);
            b[i] = b[i].wrapping_add(if rng.one_in(2) { 1 } else { 0xff });
        }
        _ => b.push(rng.next_u64() as u8),
    }
}

/// Thrift documents made from scratch ([`super::thrift::generate`]: every message and value
/// type) or a seed's documents edited (the protocol, message type, seqid, values at their
/// type's boundaries, and the generic edits), written as `profile` carries them.
fn thrift_generated(rng: &mut Rng, profile: &str, seeds: &[Seed]) -> Option<(Vec<u8>, Source)> {
    use super::thrift::{edit_docs, encode, generate, Layout};
    let layout = Layout::of_profile(profile);
    let with_docs: Vec<&Seed> = seeds.iter().filter(|s| s.docs.is_some()).collect();
    for _ in 0..4 {
        let mut docs = match with_docs.is_empty() || rng.one_in(2) {
            true => (0..1 + usize::from(rng.one_in(6)))
                .map(|_| generate(rng, layout))
                .collect(),
            false => rng.pick(&with_docs).docs.clone().unwrap_or_default(),
        };
        for _ in 0..=rng.below(3) {
            if rng.one_in(3) {
                mutate_doc(rng, &mut docs);
            } else {
                edit_docs(rng, &mut docs, layout);
            }
        }
        // A server fuzzer pins the target's wire protocol (`framed/compact`).
        if let Some((_, wire)) = profile.split_once('/') {
            for d in &mut docs {
                d["protocol"] = Value::from(wire);
            }
        }
        if let Some(bytes) = encode(&docs, layout) {
            return Some((bytes, Source::Generated));
        }
    }
    None
}

/// JSON-RPC's text mutations (escapes, numbers' spellings, members added, wrapping) of a
/// JSON text, for TJSONProtocol inputs that no longer parse.
pub(crate) fn json_text(rng: &mut Rng, b: &mut Vec<u8>) -> bool {
    json(rng, b)
}

/// One mutation at the level of `protocol`; falls back to a byte mutation.
pub fn protocol_mutation(rng: &mut Rng, protocol: &str, b: Vec<u8>) -> Vec<u8> {
    protocol_mutation_for(rng, protocol, "", b)
}

/// [`protocol_mutation`] under `profile` (Thrift: how messages are carried; `""`: as the
/// input looks).
pub fn protocol_mutation_for(
    rng: &mut Rng,
    protocol: &str,
    profile: &str,
    mut b: Vec<u8>,
) -> Vec<u8> {
    let done = match protocol {
        "thrift" => {
            use super::thrift::{mutate, Layout};
            let layout = match profile {
                "" => Layout::guess(&b),
                p => Layout::of_profile(p),
            };
            mutate(rng, layout, &mut b)
        }
        "amqp" => amqp(rng, &mut b),
        "jsonrpc" => json(rng, &mut b),
        "xmlrpc" => xml(rng, &mut b),
        "msgpack-rpc" => msgpack(rng, &mut b),
        _ => false,
    };
    if !done {
        byte_mutation(rng, &mut b);
    }
    b
}

// AMQP ----------------------------------------------------------------------------------------

/// An AMQP frame's place in the input: start, payload size as declared.
#[derive(Debug, Clone, Copy)]
pub struct AmqpFrame {
    /// Offset of the type octet.
    pub start: usize,
    /// Declared payload size.
    pub size: usize,
}

impl AmqpFrame {
    /// Offset just past the frame-end octet.
    pub fn end(&self) -> usize {
        self.start + 8 + self.size
    }
}

/// The well-formed-looking frames at the start of `b` (after a protocol header, if any).
pub fn amqp_frames(b: &[u8]) -> Vec<AmqpFrame> {
    let mut at = if b.starts_with(b"AMQP") { 8 } else { 0 };
    let mut out = Vec::new();
    while at + 8 <= b.len() {
        let size = u32::from_be_bytes([b[at + 3], b[at + 4], b[at + 5], b[at + 6]]) as usize;
        let f = AmqpFrame { start: at, size };
        if f.end() > b.len() {
            break;
        }
        out.push(f);
        at = f.end();
    }
    out
}

const METHODS: [(u16, u16); 24] = [
    (10, 10),
    (10, 11),
    (10, 20),
    (10, 21),
    (10, 30),
    (10, 31),
    (10, 40),
    (10, 41),
    (10, 50),
    (10, 51),
    (20, 10),
    (20, 11),
    (20, 40),
    (40, 10),
    (50, 10),
    (50, 20),
    (60, 10),
    (60, 40),
    (60, 60),
    (60, 80),
    (60, 120),
    (85, 10),
    (90, 10),
    (0xffff, 0xffff),
];

const TABLE_TAGS: &[u8] = b"tbBUsuIiLlfdDSATFVxvZ";

fn set_size(b: &mut [u8], f: &AmqpFrame, size: usize) {
    b[f.start + 3..f.start + 7].copy_from_slice(&(size as u32).to_be_bytes());
}

fn amqp(rng: &mut Rng, b: &mut Vec<u8>) -> bool {
    let frames = amqp_frames(b);
    if frames.is_empty() {
        if b.starts_with(b"AMQP") && b.len() >= 8 {
            let i = 4 + rng.below(4);
            b[i] = *rng.pick(&[0, 1, 9, 8, 0xff]);
            return true;
        }
        return false;
    }
    let f = *rng.pick(&frames);
    let payload = f.start + 7;
    match rng.below(11) {
        0 => b[f.start] = *rng.pick(&[1, 2, 3, 4, 8, 0, 9, 0xff]),
        1 => {
            let ch: u16 = *rng.pick(&[0, 1, 2, 0xffff]);
            b[f.start + 1..f.start + 3].copy_from_slice(&ch.to_be_bytes());
        }
        2 => {
            let s = *rng.pick(&[
                f.size.wrapping_sub(1),
                f.size + 1,
                0,
                0xffff_ffff,
                f.size + 8,
                131072,
            ]);
            set_size(b, &f, s & 0xffff_ffff);
        }
        3 => b[f.end() - 1] = *rng.pick(&[0x00, 0xcf, 0xcd, 0xff]),
        4 if f.size >= 4 && b[f.start] == 1 => {
            let (c, m) = *rng.pick(&METHODS);
            b[payload..payload + 2].copy_from_slice(&c.to_be_bytes());
            b[payload + 2..payload + 4].copy_from_slice(&m.to_be_bytes());
        }
        5 if f.size > 0 => {
            let i = payload + rng.below(f.size);
            b[i] = if rng.one_in(2) {
                *rng.pick(TABLE_TAGS)
            } else {
                *rng.pick(&INTERESTING)
            };
        }
        6 if f.size > 0 => {
            // A shorter payload with a consistent size: the frame is fine, its content short.
            let cut = rng.below(f.size);
            b.drain(payload + cut..payload + f.size);
            set_size(b, &f, cut);
        }
        7 => {
            let x = *rng.pick(&[0u8, 1, 0xce, b'F', 0xff]);
            b.insert(payload + f.size, x);
            set_size(b, &f, f.size + 1);
        }
        8 => {
            let frame: Vec<u8> = b[f.start..f.end()].to_vec();
            if rng.one_in(2) {
                b.splice(f.end()..f.end(), frame);
            } else {
                b.drain(f.start..f.end());
            }
        }
        9 => {
            let ch: u16 = *rng.pick(&[0, 1]);
            let mut hb = vec![8u8];
            hb.extend_from_slice(&ch.to_be_bytes());
            hb.extend_from_slice(&[0, 0, 0, 0, 0xce]);
            b.splice(f.start..f.start, hb);
        }
        _ if f.size > 0 => {
            // A length inside the payload (short string, table size, body size) off by a little.
            let i = payload + rng.below(f.size);
            b[i] = b[i].wrapping_add(*rng.pick(&[1u8, 0xff, 0x80]));
        }
        _ => return false,
    }
    true
}

// JSON ----------------------------------------------------------------------------------------

fn json(rng: &mut Rng, b: &mut Vec<u8>) -> bool {
    let Ok(text) = std::str::from_utf8(b) else {
        return false;
    };
    let text = text.to_string();
    if rng.one_in(2) {
        if let Ok(mut v) = serde_json::from_str::<Value>(&text) {
            json_tree(rng, &mut v);
            *b = serde_json::to_vec(&v).unwrap_or_default();
            return true;
        }
    }
    let positions: Vec<usize> = text.char_indices().map(|(i, _)| i).collect();
    let at = positions
        .get(rng.below(positions.len() + 1))
        .copied()
        .unwrap_or(text.len());
    let mut t = text.clone();
    match rng.below(7) {
        0 => t.insert_str(
            at,
            rng.one_of(&[" ", "\t", "\n", "\r", "\u{a0}", "\u{c}", "\u{0}"]),
        ),
        1 => {
            // An escape inside a string: after a quote.
            let quotes: Vec<usize> = text.match_indices('"').map(|(i, _)| i + 1).collect();
            if quotes.is_empty() {
                return false;
            }
            let q = *rng.pick(&quotes);
            t.insert_str(
                q,
                rng.one_of(&[
                    "\\u0000",
                    "\\ud800",
                    "\\udfff",
                    "\\/",
                    "\\x41",
                    "\\u00e9",
                    "\\uD83D\\uDE00",
                    "\\",
                    "\\u12",
                    "\u{1}",
                ]),
            );
        }
        2 => t.insert_str(0, rng.one_of(&["\u{FEFF}", " ", "[", "{}", "\n"])),
        3 => t.push_str(rng.one_of(&[",", "x", " ", "\n", "}", "]", "{}", "\u{0}"])),
        4 => {
            // A number's spelling.
            let digits: Vec<usize> = text
                .char_indices()
                .filter(|(_, c)| c.is_ascii_digit())
                .map(|(i, _)| i)
                .collect();
            if digits.is_empty() {
                return false;
            }
            let d = *rng.pick(&digits);
            t.insert_str(d, rng.one_of(&["0", "-", "+", "1e", "1.0", ".", "-0"]));
        }
        5 => {
            // A duplicate member, or a member added.
            let braces: Vec<usize> = text.match_indices('{').map(|(i, _)| i + 1).collect();
            if braces.is_empty() {
                return false;
            }
            let at = *rng.pick(&braces);
            t.insert_str(
                at,
                rng.one_of(&[
                    "\"id\":1,",
                    "\"jsonrpc\":\"2.0\",",
                    "\"jsonrpc\":\"1.0\",",
                    "\"method\":\"m\",",
                    "\"x\":null,",
                    "\"result\":0,",
                    "\"error\":{\"code\":1,\"message\":\"\"},",
                    "\"params\":[],",
                ]),
            );
        }
        _ => {
            t = match rng.below(3) {
                0 => format!("[{text}]"),
                1 => format!("[{text},{text}]"),
                _ => format!("{text}{text}"),
            }
        }
    }
    *b = t.into_bytes();
    true
}

fn json_tree(rng: &mut Rng, v: &mut Value) {
    let total = count_nodes(v);
    let mut n = rng.below(total);
    let mut path = Vec::new();
    locate(v, &mut n, &mut path);
    let mut node = v;
    for step in &path {
        node = match (node, step) {
            (Value::Array(a), Step::Index(i)) => &mut a[*i],
            (Value::Object(o), Step::Key(k)) => match o.get_mut(k) {
                Some(x) => x,
                None => return,
            },
            _ => return,
        };
    }
    if let Value::Object(o) = node {
        if rng.one_in(2) {
            let key = *rng.pick(&[
                "jsonrpc", "id", "method", "params", "result", "error", "code", "message", "data",
            ]);
            if o.contains_key(key) && rng.one_in(2) {
                o.remove(key);
            } else {
                let x = replacement(rng);
                o.insert(key.to_string(), x);
            }
            return;
        }
    }
    *node = if rng.one_in(3) {
        let mut n = node.clone();
        edit_node(rng, &mut n);
        n
    } else {
        replacement(rng)
    };
}

fn replacement(rng: &mut Rng) -> Value {
    match rng.below(9) {
        0 => Value::Null,
        1 => Value::Bool(rng.one_in(2)),
        2 => number(rng),
        3 => string(rng),
        4 => Value::Array(vec![]),
        5 => Value::Object(Default::default()),
        6 => Value::from("2.0"),
        7 => serde_json::json!({"code": number(rng), "message": string(rng)}),
        _ => serde_json::json!([number(rng), string(rng)]),
    }
}

// XML -----------------------------------------------------------------------------------------

const XML_NAMES: [&str; 18] = [
    "int",
    "i4",
    "i8",
    "string",
    "boolean",
    "double",
    "dateTime.iso8601",
    "base64",
    "nil",
    "struct",
    "array",
    "value",
    "member",
    "name",
    "data",
    "param",
    "params",
    "fault",
];

fn xml(rng: &mut Rng, b: &mut Vec<u8>) -> bool {
    let Ok(text) = std::str::from_utf8(b) else {
        return false;
    };
    let mut t = text.to_string();
    let closes: Vec<usize> = text.match_indices('>').map(|(i, _)| i + 1).collect();
    if closes.is_empty() {
        return false;
    }
    let at = *rng.pick(&closes);
    match rng.below(9) {
        0 => t.insert_str(
            at,
            rng.one_of(&[
                "&amp;",
                "&lt;",
                "&#65;",
                "&#x10FFFF;",
                "&#0;",
                "&#xD800;",
                "&bogus;",
                "&",
                "&#x41",
                "]]>",
                "<",
                "\u{0}",
                "\u{1}",
            ]),
        ),
        1 => t.insert_str(at, rng.one_of(&[" ", "\n", "\t", "\r\n", "\u{a0}", "x"])),
        2 => t.insert_str(
            at,
            rng.one_of(&[
                "<!---->",
                "<!-- a -->",
                "<?pi x?>",
                "<![CDATA[a]]>",
                "<![CDATA[<&>]]>",
            ]),
        ),
        3 => {
            let prefix = *rng.pick(&[
                "<?xml version=\"1.0\"?>",
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n",
                "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?>",
                "<?xml version=\"1.1\"?>",
                "\u{FEFF}",
                "<!DOCTYPE x [<!ENTITY e \"v\">]>",
                " ",
            ]);
            if let Some(rest) = t.strip_prefix("<?xml") {
                // Replace an existing declaration rather than repeat it.
                let end = rest.find("?>").map(|i| i + 7).unwrap_or(0);
                t.replace_range(..end, prefix);
            } else {
                t.insert_str(0, prefix);
            }
        }
        4 | 5 => {
            // Rename an element (both tags): a value type swapped, a structure element misnamed.
            let name = *rng.pick(&XML_NAMES);
            let (open, close) = (format!("<{name}>"), format!("</{name}>"));
            let Some(s) = t.find(&open) else { return false };
            let Some(e) = t[s..].find(&close).map(|e| e + s) else {
                return false;
            };
            let new = *rng.pick(&XML_NAMES);
            t.replace_range(e..e + close.len(), &format!("</{new}>"));
            t.replace_range(s..s + open.len(), &format!("<{new}>"));
        }
        6 | 7 => {
            // Duplicate or remove an element (the first of a name, up to its first close).
            let name = *rng.pick(&XML_NAMES);
            let (open, close) = (format!("<{name}>"), format!("</{name}>"));
            let Some(s) = t.find(&open) else { return false };
            let Some(e) = t[s..].find(&close).map(|e| e + s + close.len()) else {
                return false;
            };
            if rng.one_in(2) {
                let el = t[s..e].to_string();
                t.insert_str(e, &el);
            } else {
                t.replace_range(s..e, "");
            }
        }
        _ => {
            // Text content changed: a number's spelling, a boolean's value.
            let at = rng.pick(&closes).to_owned();
            t.insert_str(
                at,
                rng.one_of(&["+", "-", "0", "2", " 1 ", "1.", "e5", "9999999999"]),
            );
        }
    }
    *b = t.into_bytes();
    true
}

// MessagePack ---------------------------------------------------------------------------------

/// Where a MessagePack value's header is: offset, header length, the marker's family.
#[derive(Debug, Clone, Copy)]
pub struct MpHead {
    /// Offset of the marker byte.
    pub at: usize,
    /// Marker byte.
    pub marker: u8,
}

fn be(b: &[u8], at: usize, n: usize) -> Option<usize> {
    let s = b.get(at..at + n)?;
    Some(s.iter().fold(0usize, |a, x| (a << 8) | *x as usize))
}

/// Walks one value at `at`, recording headers; the offset after it.
fn mp_walk(b: &[u8], at: usize, out: &mut Vec<MpHead>, depth: usize) -> Option<usize> {
    let m = *b.get(at)?;
    if depth > 64 || out.len() > 4096 {
        return None;
    }
    out.push(MpHead { at, marker: m });
    let items = |n: usize, start: usize, out: &mut Vec<MpHead>| {
        let mut p = start;
        for _ in 0..n {
            p = mp_walk(b, p, out, depth + 1)?;
        }
        Some(p)
    };
    match m {
        0x00..=0x7f | 0xe0..=0xff | 0xc0 | 0xc2 | 0xc3 => Some(at + 1),
        0x80..=0x8f => items(2 * (m as usize & 0x0f), at + 1, out),
        0x90..=0x9f => items(m as usize & 0x0f, at + 1, out),
        0xa0..=0xbf => Some(at + 1 + (m as usize & 0x1f)),
        0xc4 | 0xd9 => Some(at + 2 + be(b, at + 1, 1)?),
        0xc5 | 0xda => Some(at + 3 + be(b, at + 1, 2)?),
        0xc6 | 0xdb => Some(at + 5 + be(b, at + 1, 4)?),
        0xc7 => Some(at + 3 + be(b, at + 1, 1)?),
        0xc8 => Some(at + 4 + be(b, at + 1, 2)?),
        0xc9 => Some(at + 6 + be(b, at + 1, 4)?),
        0xca => Some(at + 5),
        0xcb => Some(at + 9),
        0xcc | 0xd0 => Some(at + 2),
        0xcd | 0xd1 => Some(at + 3),
        0xce | 0xd2 => Some(at + 5),
        0xcf | 0xd3 => Some(at + 9),
        0xd4 => Some(at + 3),
        0xd5 => Some(at + 4),
        0xd6 => Some(at + 6),
        0xd7 => Some(at + 10),
        0xd8 => Some(at + 18),
        0xdc => items(be(b, at + 1, 2)?, at + 3, out),
        0xdd => items(be(b, at + 1, 4)?, at + 5, out),
        0xde => items(2 * be(b, at + 1, 2)?, at + 3, out),
        0xdf => items(2 * be(b, at + 1, 4)?, at + 5, out),
        0xc1 => None,
    }
}

/// The value headers in `b` (a stream of values), as far as they parse.
pub fn mp_heads(b: &[u8]) -> Vec<MpHead> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < b.len() {
        match mp_walk(b, at, &mut out, 0) {
            Some(next) if next > at => at = next,
            _ => break,
        }
    }
    out
}

fn msgpack(rng: &mut Rng, b: &mut Vec<u8>) -> bool {
    let heads = mp_heads(b);
    if heads.is_empty() {
        return false;
    }
    let h = *rng.pick(&heads);
    let (at, m) = (h.at, h.marker);
    let replace = |b: &mut Vec<u8>, n: usize, with: Vec<u8>| {
        let end = (at + n).min(b.len());
        b.splice(at..end, with);
    };
    match rng.below(6) {
        // A wider header for the same value (non-minimal but valid encodings).
        0 | 1 => match m {
            0x00..=0x7f => {
                let w = rng.below(4);
                let mut v = vec![[0xcc, 0xcd, 0xce, 0xcf][w]];
                v.extend_from_slice(&(m as u64).to_be_bytes()[8 - (1 << w)..]);
                replace(b, 1, v);
            }
            0xe0..=0xff => {
                let w = rng.below(4);
                let mut v = vec![[0xd0, 0xd1, 0xd2, 0xd3][w]];
                v.extend_from_slice(&(m as i8 as i64).to_be_bytes()[8 - (1 << w)..]);
                replace(b, 1, v);
            }
            0xa0..=0xbf => {
                let n = m as usize & 0x1f;
                let v = match rng.below(3) {
                    0 => vec![0xd9, n as u8],
                    1 => vec![0xda, 0, n as u8],
                    _ => vec![0xdb, 0, 0, 0, n as u8],
                };
                replace(b, 1, v);
            }
            0x90..=0x9f => {
                let n = m & 0x0f;
                replace(
                    b,
                    1,
                    if rng.one_in(2) {
                        vec![0xdc, 0, n]
                    } else {
                        vec![0xdd, 0, 0, 0, n]
                    },
                );
            }
            0x80..=0x8f => {
                let n = m & 0x0f;
                replace(
                    b,
                    1,
                    if rng.one_in(2) {
                        vec![0xde, 0, n]
                    } else {
                        vec![0xdf, 0, 0, 0, n]
                    },
                );
            }
            0xca if b.len() >= at + 5 => {
                let f = f32::from_be_bytes([b[at + 1], b[at + 2], b[at + 3], b[at + 4]]);
                let mut v = vec![0xcb];
                v.extend_from_slice(&(f as f64).to_be_bytes());
                replace(b, 5, v);
            }
            0xcb if b.len() >= at + 9 => {
                let mut x = [0u8; 8];
                x.copy_from_slice(&b[at + 1..at + 9]);
                let mut v = vec![0xca];
                v.extend_from_slice(&(f64::from_be_bytes(x) as f32).to_be_bytes());
                replace(b, 9, v);
            }
            _ => return false,
        },
        // A length off by one (fix types in the marker, others in the first length byte).
        2 => match m {
            0x80..=0xbf => {
                b[at] = if rng.one_in(2) {
                    m.wrapping_add(1)
                } else {
                    m.wrapping_sub(1)
                };
            }
            0xc4..=0xc9 | 0xd9..=0xdf if at + 1 < b.len() => {
                // The length's last octet, or the input's last where the input ends inside
                // the length (`da 00` at the end: a 16-bit length cut short).
                let last = match m {
                    0xc4 | 0xc7 | 0xd9 => at + 1,
                    0xc5 | 0xc8 | 0xda | 0xdc | 0xde => at + 2,
                    _ => at + 4,
                }
                .min(b.len() - 1);
                b[last] = b[last].wrapping_add(if rng.one_in(2) { 1 } else { 0xff });
            }
            _ => return false,
        },
        // An ext value in place (timestamps of each width, application types, reserved -128).
        3 => {
            let ext = rng
                .pick(&[
                    &[0xd4u8, 0x01, 0x00][..],
                    &[0xd6, 0xff, 0, 0, 0, 1],
                    &[0xd7, 0xff, 0, 0, 0, 4, 0, 0, 0, 1],
                    &[0xc7, 12, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
                    &[0xd6, 0xff, 0xff, 0xff, 0xff, 0xff],
                    &[0xd4, 0x80, 0x00],
                    &[0xc7, 0x00, 0x05],
                    &[0xd5, 0xff, 0, 0],
                ])
                .to_vec();
            b.splice(at..at, ext);
        }
        // Another scalar in place, or the never-used 0xc1.
        4 => {
            let x = *rng.pick(&[0xc0u8, 0xc2, 0xc3, 0xc1, 0x00, 0xff, 0xa0, 0x90, 0x80]);
            b.insert(at, x);
            if h.at + 1 < b.len() && rng.one_in(2) {
                b.remove(at + 1);
            }
        }
        // The RPC message type (the first element of the outer array).
        _ => {
            let first = heads
                .iter()
                .find(|x| matches!(x.marker, 0x90..=0x9f | 0xdc | 0xdd));
            let Some(arr) = first else { return false };
            let el = arr.at
                + if arr.marker >= 0xdc {
                    1 + 2 * (arr.marker as usize - 0xdb)
                } else {
                    1
                };
            if el >= b.len() {
                return false;
            }
            b[el] = *rng.pick(&[0u8, 1, 2, 3, 0xff, 0xc0, 0xa1]);
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messagepack_mutations_of_inputs_cut_inside_a_length_are_no_panic() {
        // `msgwire fuzz codec --protocol msgpack-rpc --seed 1` stopped near input 1 707 000
        // ("index out of bounds: the len is 5 but the index is 5"): the off-by-one length
        // mutation wrote the second octet of a 16-bit length the input had cut short.
        let whole: &[u8] = b"\x94\x00\x01\xda\x00\x03abc\xdc\x00\x01\xc5\x00\x01z";
        for n in 1..=whole.len() {
            for seed in 0..400 {
                let mut rng = Rng::new(seed);
                let mut b = whole[..n].to_vec();
                msgpack(&mut rng, &mut b);
            }
        }
        // The case itself: `da 00` at the end, the length mutated (seeds cover every branch).
        for seed in 0..2000 {
            let mut rng = Rng::new(seed);
            let mut b = vec![0x92, 0x01, 0xda, 0x00];
            msgpack(&mut rng, &mut b);
        }
    }

    #[test]
    fn protocol_mutations_of_every_cut_corpus_input_are_no_panic() {
        // Every protocol's mutators on prefixes of every seed of the corpus (the fuzzer meets
        // cut inputs through splices and byte edits): a panic here stops a whole fuzz run.
        let mut rng = Rng::new(7);
        let mut tried = 0usize;
        for (protocol, profile, seed) in crate::fuzz::every_seed() {
            // Every cut of the first 256 octets, each mutated twice.
            for n in 0..=seed.input.len().min(256) {
                for _ in 0..2 {
                    let cut = seed.input[..n].to_vec();
                    let _ = protocol_mutation_for(&mut rng, &protocol, &profile, cut);
                    tried += 1;
                }
            }
        }
        assert!(tried > 1000, "{tried}");
    }
}
