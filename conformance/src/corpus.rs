//! The golden-vector corpus that travels with the binary, and how a corpus is chosen.
//!
//! `build.rs` packs the repository's `vectors/` (its five protocol directories) into the crate
//! as one deflated archive ([`pack`] says what is in it), so an installed `msgwire` needs no
//! checkout and reads no path of the machine it was built on. Every command that needs a corpus
//! uses [`open`]: the directory it is given (`--vectors DIR`), else `$MSGWIRE_VECTORS`, else the
//! embedded corpus; the tests find it the same way.
//!
//! A corpus is named by its [`Revision`] (case count and digest), which is the same whether the
//! corpus is embedded or read from a directory: `msgwire --version` prints the embedded one, and
//! every report says which one judged it.

pub mod pack;

use crate::vectors::{Corpus, LoadErrors};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

mod generated {
    include!(concat!(env!("OUT_DIR"), "/corpus.rs"));
}

/// `msgwire -V`: the crate version and the embedded corpus's revision (cases, short digest).
pub const VERSION: &str = generated::VERSION;
/// `msgwire --version`: the crate version, the embedded corpus's size and its full digest.
pub const LONG_VERSION: &str = generated::LONG_VERSION;
/// Size in bytes of the deflated corpus archive in this binary.
pub const PACKED_BYTES: usize = generated::PACKED_BYTES;

/// The environment variable that names a corpus directory when `--vectors` is not given.
pub const ENV_VECTORS: &str = "MSGWIRE_VECTORS";

static ARCHIVE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/corpus.bin"));

/// Which corpus: how many cases, and its digest ([`pack::digest`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub struct Revision {
    /// Number of cases.
    pub cases: usize,
    /// Number of files.
    pub files: usize,
    /// Total size of the files in bytes.
    pub bytes: u64,
    /// `sha256:<64 hex digits>`.
    pub digest: String,
}

impl Revision {
    /// The revision of the corpus embedded in this build (computed by `build.rs`).
    pub fn embedded() -> Revision {
        Revision {
            cases: generated::CASES,
            files: generated::FILES,
            bytes: generated::BYTES,
            digest: generated::DIGEST.to_string(),
        }
    }

    /// The first 12 hex digits of the digest.
    pub fn short_digest(&self) -> &str {
        let hex = self.digest.strip_prefix("sha256:").unwrap_or(&self.digest);
        hex.get(..12).unwrap_or(hex)
    }
}

impl fmt::Display for Revision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} cases, sha256 {}", self.cases, self.short_digest())
    }
}

/// Where a corpus was read from. Displayed as `embedded corpus` or the directory.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Origin {
    /// The corpus embedded in this build.
    #[default]
    Embedded,
    /// A directory (`--vectors DIR`, `$MSGWIRE_VECTORS`).
    Dir(PathBuf),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Embedded => f.write_str("embedded corpus"),
            Origin::Dir(d) => write!(f, "{}", d.display()),
        }
    }
}

/// The files of the embedded corpus (unpacked once).
pub fn embedded_files() -> &'static pack::Files {
    static FILES: OnceLock<pack::Files> = OnceLock::new();
    FILES.get_or_init(|| pack::unpack(ARCHIVE).expect("build.rs packed the corpus with pack::pack"))
}

/// `$MSGWIRE_VECTORS`, when set and not empty.
pub fn env_dir() -> Option<PathBuf> {
    std::env::var_os(ENV_VECTORS)
        .filter(|p| !p.is_empty())
        .map(PathBuf::from)
}

/// The corpus a command uses: `dir` if given, else `$MSGWIRE_VECTORS`, else the embedded one.
pub fn open(dir: Option<&Path>) -> Result<Corpus, LoadErrors> {
    match dir.map(Path::to_path_buf).or_else(env_dir) {
        Some(d) => Corpus::load(&d),
        None => Corpus::embedded(),
    }
}

/// Where [`open`] would read from, for messages.
pub fn origin(dir: Option<&Path>) -> Origin {
    match dir.map(Path::to_path_buf).or_else(env_dir) {
        Some(d) => Origin::Dir(d),
        None => Origin::Embedded,
    }
}

/// Test support for the forms' own corpus tests: the vector files of `protocol` in the
/// embedded corpus (path, bytes), in path order.
#[cfg(test)]
pub(crate) fn embedded_vector_files(protocol: &str) -> Vec<(&'static str, &'static [u8])> {
    embedded_files()
        .iter()
        .filter(|(k, _)| pack::is_vector_file(k) && k.split('/').next() == Some(protocol))
        .map(|(k, v)| (k.as_str(), v.as_slice()))
        .collect()
}

/// Test support: an input file of the embedded corpus, named relative to `protocol`'s directory.
#[cfg(test)]
pub(crate) fn embedded_input(protocol: &str, rel: &str) -> &'static [u8] {
    embedded_files()
        .get(&format!("{protocol}/{rel}"))
        .unwrap_or_else(|| panic!("no {protocol}/{rel} in the embedded corpus"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_revision_is_what_build_rs_computed() {
        let files = embedded_files();
        let r = Revision::embedded();
        assert!(r.cases > 0 && r.files > 0, "{r:?}");
        assert_eq!(pack::digest(files), r.digest);
        assert_eq!(pack::count_cases(files), r.cases);
        assert_eq!((files.len(), pack::size(files)), (r.files, r.bytes));
        // The loader agrees: every case counted is a case loaded.
        let c = Corpus::embedded().expect("the embedded corpus loads");
        assert_eq!(c.cases().count(), r.cases);
        assert_eq!(
            (c.origin.clone(), c.revision.clone()),
            (Origin::Embedded, r)
        );
        assert!(VERSION.contains(&format!("{} cases", c.revision.cases)));
        assert!(LONG_VERSION.contains(&c.revision.digest));
    }

    /// In a checkout, the embedded corpus is the repository's `vectors/` exactly: read from disk
    /// it has the same revision (so a stale build would fail here).
    #[test]
    fn the_repository_corpus_has_the_embedded_revision() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("vectors");
        if !dir.join("jsonrpc").is_dir() {
            return; // a checkout without symbolic links: nothing to compare with here
        }
        let c = Corpus::load(&dir).expect("the repository's corpus loads");
        assert_eq!(c.revision, Revision::embedded());
        assert_eq!(c.origin, Origin::Dir(dir));
    }

    #[test]
    fn archives_round_trip_and_digests_see_every_byte() {
        let mut files = pack::Files::new();
        files.insert("jsonrpc/a.json".into(), br#"{"cases": [1, 2]}"#.to_vec());
        files.insert("jsonrpc/data/x.bin".into(), vec![0, 1, 2]);
        files.insert("amqp/b.json".into(), br#"{"cases": [3]}"#.to_vec());
        assert_eq!(pack::unpack(&pack::pack(&files)).unwrap(), files);
        assert_eq!(pack::count_cases(&files), 3);
        let d = pack::digest(&files);
        assert!(d.starts_with("sha256:") && d.len() == 7 + 64, "{d}");
        let mut other = files.clone();
        other.get_mut("jsonrpc/data/x.bin").unwrap()[2] = 3;
        assert_ne!(pack::digest(&other), d);
        // A byte moved from one file's end to the next file's name is a different corpus.
        let mut a = pack::Files::new();
        a.insert("amqp/ab".into(), b"x".to_vec());
        let mut b = pack::Files::new();
        b.insert("amqp/a".into(), b"bx".to_vec());
        assert_ne!(pack::digest(&a), pack::digest(&b));
        assert!(pack::unpack(b"not deflate").is_err());
        let mut cut = pack::pack(&files);
        cut.truncate(cut.len() / 2);
        assert!(pack::unpack(&cut).is_err());
    }

    #[test]
    fn open_prefers_the_named_directory() {
        assert_eq!(
            origin(Some(Path::new("/nonexistent/corpus"))),
            Origin::Dir("/nonexistent/corpus".into())
        );
        let e = open(Some(Path::new("/nonexistent/corpus"))).unwrap_err();
        assert_eq!(e.0[0].message, "not a directory");
    }
}
