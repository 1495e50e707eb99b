//! The corpus as a set of files: which files make it, its digest, and the archive the binary
//! embeds.
//!
//! This file is compiled twice: by `build.rs` (which packs `vectors/` into the binary and
//! computes the revision `msgwire --version` prints) and by the library (which unpacks the
//! archive and digests corpora loaded from a directory). Both use the same functions, so a
//! corpus has the same digest whether it is embedded or read from disk.
//!
//! - **Files**: every regular file under `<root>/<protocol>/` for the five protocol directories,
//!   recursively, except names starting with `.`; keyed by their `/`-separated path relative to
//!   the root (`jsonrpc/spec-examples.json`, `xmlrpc/data/deep-nesting-100000.xml`).
//! - **Digest**: SHA-256 over the files in key order, each as its key, a NUL octet, its length
//!   as a little-endian u64, and its bytes; written `sha256:<64 hex digits>`.
//! - **Archive**: the same sequence, each file as key length (u32 LE), key, length (u64 LE),
//!   bytes, after a magic `msgwire-corpus/1\n`; deflated (raw DEFLATE, miniz_oxide).

use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The protocol directories a corpus is made of (the same as `vectors::PROTOCOLS`).
pub const PROTOCOL_DIRS: &[&str] = &["amqp", "jsonrpc", "xmlrpc", "msgpack-rpc", "thrift"];

/// Largest file a corpus may hold. Captures are small; this bounds memory when a corpus is
/// loaded from an untrusted checkout.
pub const MAX_FILE: u64 = 64 * 1024 * 1024;

/// Largest unpacked archive: bounds what inflating the embedded archive may allocate.
pub const MAX_UNPACKED: usize = 512 * 1024 * 1024;

/// Deepest directory nesting under a protocol directory that is walked.
const MAX_DEPTH: usize = 16;

const MAGIC: &[u8] = b"msgwire-corpus/1\n";

/// A corpus's files: relative `/`-separated path → bytes.
pub type Files = BTreeMap<String, Vec<u8>>;

/// What [`collect`] found.
#[derive(Debug, Default)]
pub struct Collected {
    /// The files.
    pub files: Files,
    /// Every directory walked (for build.rs's `rerun-if-changed`).
    pub dirs: Vec<PathBuf>,
    /// Files or directories that could not be read: relative path, what went wrong.
    pub errors: Vec<(String, String)>,
}

/// Reads every file of the corpus under `root` (protocol directories that do not exist are
/// empty).
pub fn collect(root: &Path) -> Collected {
    let mut c = Collected::default();
    for p in PROTOCOL_DIRS {
        let dir = root.join(p);
        if dir.is_dir() {
            walk(&dir, p, 0, &mut c);
        }
    }
    c
}

fn walk(dir: &Path, rel: &str, depth: usize, c: &mut Collected) {
    c.dirs.push(dir.to_path_buf());
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) => {
            c.errors
                .push((rel.to_string(), format!("cannot read: {e}")));
            return;
        }
    };
    let mut names: Vec<_> = entries
        .filter_map(|e| e.ok())
        .map(|e| e.file_name())
        .collect();
    names.sort();
    for name in names {
        let Some(name) = name.to_str() else {
            c.errors.push((
                format!("{rel}/{}", name.to_string_lossy()),
                "the file name is not UTF-8".into(),
            ));
            continue;
        };
        if name.starts_with('.') {
            continue;
        }
        let key = format!("{rel}/{name}");
        let path = dir.join(name);
        match std::fs::metadata(&path) {
            Err(e) => c.errors.push((key, format!("cannot read: {e}"))),
            Ok(m) if m.is_dir() => {
                if depth + 1 >= MAX_DEPTH {
                    c.errors
                        .push((key, format!("nested deeper than {MAX_DEPTH} directories")));
                } else {
                    walk(&path, &key, depth + 1, c);
                }
            }
            Ok(m) if m.len() > MAX_FILE => {
                c.errors
                    .push((key, format!("larger than {MAX_FILE} bytes ({})", m.len())));
            }
            Ok(m) if m.is_file() => match std::fs::read(&path) {
                Ok(b) => {
                    c.files.insert(key, b);
                }
                Err(e) => c.errors.push((key, format!("cannot read: {e}"))),
            },
            Ok(_) => {}
        }
    }
}

/// The corpus digest, `sha256:<hex>`.
pub fn digest(files: &Files) -> String {
    let mut h = Sha256::new();
    for (k, v) in files {
        h.update(k.as_bytes());
        h.update([0]);
        h.update((v.len() as u64).to_le_bytes());
        h.update(v);
    }
    let mut s = String::from("sha256:");
    for b in h.finalize() {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

/// Total size of the files in bytes.
pub fn size(files: &Files) -> u64 {
    files.values().map(|v| v.len() as u64).sum()
}

/// Number of cases: the lengths of the `cases` arrays of the vector files
/// (`<protocol>/<name>.json`, directly under a protocol directory). Files that are not JSON
/// count nothing here; the loader reports them.
pub fn count_cases(files: &Files) -> usize {
    files
        .iter()
        .filter(|(k, _)| is_vector_file(k))
        .filter_map(|(_, v)| serde_json::from_slice::<serde_json::Value>(v).ok())
        .map(|doc| doc["cases"].as_array().map_or(0, Vec::len))
        .sum()
}

/// Whether a key names a vector file: `<protocol>/<name>.json`.
pub fn is_vector_file(key: &str) -> bool {
    match key.split_once('/') {
        Some((p, name)) => {
            PROTOCOL_DIRS.contains(&p) && !name.contains('/') && name.ends_with(".json")
        }
        None => false,
    }
}

/// The deflated archive of `files`.
pub fn pack(files: &Files) -> Vec<u8> {
    let mut raw = MAGIC.to_vec();
    for (k, v) in files {
        raw.extend_from_slice(&(k.len() as u32).to_le_bytes());
        raw.extend_from_slice(k.as_bytes());
        raw.extend_from_slice(&(v.len() as u64).to_le_bytes());
        raw.extend_from_slice(v);
    }
    miniz_oxide::deflate::compress_to_vec(&raw, 9)
}

/// The files of an archive made by [`pack`].
pub fn unpack(archive: &[u8]) -> Result<Files, String> {
    let raw = miniz_oxide::inflate::decompress_to_vec_with_limit(archive, MAX_UNPACKED)
        .map_err(|e| format!("cannot inflate the corpus archive: {e:?}"))?;
    let mut rest = raw
        .strip_prefix(MAGIC)
        .ok_or("not a msgwire corpus archive")?;
    let mut files = Files::new();
    fn take<'a>(rest: &mut &'a [u8], n: usize) -> Result<&'a [u8], String> {
        if rest.len() < n {
            return Err("truncated corpus archive".into());
        }
        let (a, b) = rest.split_at(n);
        *rest = b;
        Ok(a)
    }
    while !rest.is_empty() {
        let klen = u32::from_le_bytes(take(&mut rest, 4)?.try_into().expect("4 octets"));
        let key = std::str::from_utf8(take(&mut rest, klen as usize)?)
            .map_err(|_| "a key in the corpus archive is not UTF-8")?
            .to_string();
        let vlen = u64::from_le_bytes(take(&mut rest, 8)?.try_into().expect("8 octets"));
        let len = usize::try_from(vlen).map_err(|_| "a file in the corpus archive is too big")?;
        let v = take(&mut rest, len)?.to_vec();
        files.insert(key, v);
    }
    Ok(files)
}
