//! Minimization of a disagreeing input: first on the protocol's structure (JSON members and
//! elements, AMQP frames, MessagePack values), then on bytes (delta debugging, Zeller's
//! ddmin), keeping every step that still shows the same disagreement.

use super::mutate::{amqp_frames, mp_heads};
use serde_json::Value;

/// Stops a minimization: at most this many candidates are tried.
pub const MAX_TRIES: usize = 2000;

/// Minimizes `input` while `keeps` holds (it tells whether a candidate still disagrees in the
/// same way). `budget` bounds the number of candidates tried.
pub fn minimize(
    protocol: &str,
    input: &[u8],
    budget: usize,
    keeps: &mut dyn FnMut(&[u8]) -> bool,
) -> Vec<u8> {
    let mut tries = 0usize;
    let mut test = |c: &[u8], tries: &mut usize| {
        if *tries >= budget {
            return false;
        }
        *tries += 1;
        keeps(c)
    };
    let mut best = input.to_vec();
    // Structure first, then bytes; again while the bytes pass made the structure parse.
    loop {
        let before = best.len();
        structure(protocol, &mut best, &mut |c| test(c, &mut tries));
        ddmin(&mut best, &mut |c| test(c, &mut tries));
        if best.len() == before || tries >= budget {
            break;
        }
    }
    // Last, simpler bytes: each byte toward '0' / 0x00 where that keeps the disagreement.
    for i in 0..best.len() {
        for simpler in [b'0', 0u8, b' '] {
            if best[i] == simpler || tries >= budget {
                continue;
            }
            let mut cand = best.clone();
            cand[i] = simpler;
            if test(&cand, &mut tries) {
                best = cand;
                break;
            }
        }
    }
    best
}

/// Whole pieces of the message at a time, while one still keeps.
fn structure(protocol: &str, best: &mut Vec<u8>, test: &mut dyn FnMut(&[u8]) -> bool) {
    loop {
        let mut improved = false;
        for cand in structural_candidates(protocol, best) {
            if cand.len() < best.len() && test(&cand) {
                *best = cand;
                improved = true;
                break;
            }
        }
        if !improved {
            return;
        }
    }
}

/// Delta debugging over bytes: remove chunks, from halves down to single bytes.
fn ddmin(best: &mut Vec<u8>, test: &mut dyn FnMut(&[u8]) -> bool) {
    let mut n = 2usize;
    while best.len() >= 2 {
        let chunk = best.len().div_ceil(n);
        let mut reduced = false;
        let mut start = 0;
        while start < best.len() {
            let end = (start + chunk).min(best.len());
            let mut cand = best[..start].to_vec();
            cand.extend_from_slice(&best[end..]);
            if test(&cand) {
                *best = cand;
                reduced = true;
                n = n.saturating_sub(1).max(2);
                break;
            }
            start = end;
        }
        if !reduced {
            if chunk <= 1 {
                break;
            }
            n = (n * 2).min(best.len());
        }
    }
    if best.len() == 1 && test(&[]) {
        best.clear();
    }
}

/// Candidates smaller than `input` by one structural piece, largest pieces first.
fn structural_candidates(protocol: &str, input: &[u8]) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    match protocol {
        "jsonrpc" => {
            // The first JSON text of the input (what follows it is kept as it is: trailing
            // data may be the point).
            let mut it = serde_json::Deserializer::from_slice(input).into_iter::<Value>();
            if let Some(Ok(v)) = it.next() {
                let rest = &input[it.byte_offset()..];
                let with_rest = |c: &Value| {
                    let mut b = serde_json::to_vec(c).unwrap_or_default();
                    b.extend_from_slice(rest);
                    b
                };
                let mut paths = Vec::new();
                collect_paths(&v, &mut Vec::new(), &mut paths);
                for p in paths {
                    let mut c = v.clone();
                    if remove_at(&mut c, &p) {
                        out.push(with_rest(&c));
                    }
                    let mut c = v.clone();
                    if simplify_at(&mut c, &p) {
                        out.push(with_rest(&c));
                    }
                }
                // The same text without insignificant whitespace.
                out.push(with_rest(&v));
            }
        }
        "amqp" => {
            let frames = amqp_frames(input);
            for f in frames.iter().rev() {
                let mut c = input[..f.start].to_vec();
                c.extend_from_slice(&input[f.end()..]);
                out.push(c);
            }
            if let Some(last) = frames.last() {
                if last.end() < input.len() && !frames.is_empty() {
                    out.push(input[..last.end()].to_vec());
                }
            }
        }
        "msgpack-rpc" => {
            // Drop one value (a whole subtree) at a time: only leaves are safe to cut blindly,
            // so cut each value whose header is followed by the next header (a scalar).
            let heads = mp_heads(input);
            for w in heads.windows(2).rev() {
                let (a, b) = (w[0], w[1]);
                if b.at > a.at && !matches!(a.marker, 0x80..=0x9f | 0xdc..=0xdf) {
                    let mut c = input[..a.at].to_vec();
                    c.extend_from_slice(&input[b.at..]);
                    out.push(c);
                }
            }
        }
        "xmlrpc" => {
            // Whole elements: from an opening tag to its first matching close.
            if let Ok(t) = std::str::from_utf8(input) {
                let mut at = 0;
                while let Some(s) = t[at..].find('<').map(|i| i + at) {
                    at = s + 1;
                    let rest = &t[s + 1..];
                    let Some(name_end) = rest.find(['>', ' ', '/']) else {
                        break;
                    };
                    let name = &rest[..name_end];
                    if name.is_empty() || name.starts_with(['/', '?', '!']) {
                        continue;
                    }
                    let close = format!("</{name}>");
                    if let Some(e) = t[s..].find(&close) {
                        let mut c = t[..s].to_string();
                        c.push_str(&t[s + e + close.len()..]);
                        out.push(c.into_bytes());
                    }
                }
                out.sort_by_key(|c| c.len());
            }
        }
        _ => {}
    }
    out
}

#[derive(Clone)]
enum Seg {
    Key(String),
    Index(usize),
}

fn collect_paths(v: &Value, at: &mut Vec<Seg>, out: &mut Vec<Vec<Seg>>) {
    match v {
        Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                at.push(Seg::Index(i));
                out.push(at.clone());
                collect_paths(x, at, out);
                at.pop();
            }
        }
        Value::Object(o) => {
            for (k, x) in o {
                at.push(Seg::Key(k.clone()));
                out.push(at.clone());
                collect_paths(x, at, out);
                at.pop();
            }
        }
        _ => {}
    }
}

fn parent_mut<'v>(v: &'v mut Value, path: &[Seg]) -> Option<&'v mut Value> {
    let mut node = v;
    for s in path {
        node = match (node, s) {
            (Value::Array(a), Seg::Index(i)) => a.get_mut(*i)?,
            (Value::Object(o), Seg::Key(k)) => o.get_mut(k)?,
            _ => return None,
        };
    }
    Some(node)
}

fn remove_at(v: &mut Value, path: &[Seg]) -> bool {
    let Some((last, parent)) = path.split_last() else {
        return false;
    };
    match (parent_mut(v, parent), last) {
        (Some(Value::Array(a)), Seg::Index(i)) if *i < a.len() => {
            a.remove(*i);
            true
        }
        (Some(Value::Object(o)), Seg::Key(k)) => o.remove(k).is_some(),
        _ => false,
    }
}

fn simplify_at(v: &mut Value, path: &[Seg]) -> bool {
    let Some(node) = parent_mut(v, path) else {
        return false;
    };
    let simpler = match node {
        Value::String(s) if !s.is_empty() => Value::from(""),
        Value::Number(n) if n.as_i64() != Some(0) => Value::from(0),
        Value::Array(a) if !a.is_empty() => Value::Array(vec![]),
        Value::Object(o) if !o.is_empty() => Value::Object(Default::default()),
        _ => return false,
    };
    *node = simpler;
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ddmin_finds_the_one_byte_that_matters() {
        let input = b"{\"jsonrpc\":\"2.0\",\"method\":\"m\",\"params\":[1,2,3]}Z";
        let mut keeps = |c: &[u8]| c.contains(&b'Z');
        let m = minimize("jsonrpc", input, MAX_TRIES, &mut keeps);
        assert_eq!(m, b"Z");
    }

    #[test]
    fn structure_first_keeps_the_json_valid() {
        let input = br#"{"jsonrpc":"2.0","method":"m","params":[1,2,{"a":[true]}],"id":7}"#;
        // Keeps: valid JSON with an "id" member.
        let mut keeps = |c: &[u8]| {
            serde_json::from_slice::<Value>(c)
                .ok()
                .is_some_and(|v| v.get("id").is_some())
        };
        let m = minimize("jsonrpc", input, MAX_TRIES, &mut keeps);
        assert!(m.len() <= 8, "{}", String::from_utf8_lossy(&m));
        assert!(keeps(&m));
    }

    #[test]
    fn the_budget_bounds_the_tries() {
        let mut n = 0;
        let mut keeps = |_: &[u8]| {
            n += 1;
            false
        };
        minimize("amqp", &[1; 300], 50, &mut keeps);
        assert!(n <= 50);
    }
}
