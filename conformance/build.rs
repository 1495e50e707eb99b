//! Packs the golden-vector corpus into the crate, so that an installed `msgwire` carries it and
//! never reads a path of the machine it was built on.
//!
//! The corpus is read from `vectors/` in this crate's directory: in a checkout that is a
//! symbolic link to the repository's `vectors/`, in a packaged crate (`cargo package`, crates.io)
//! a copy of its protocol directories. A checkout made without symbolic links (a text file in its
//! place) falls back to `../vectors`. The files, their digest and their case count are computed
//! by `src/corpus/pack.rs`, the same code the library uses on a corpus read from disk.

#[allow(dead_code)]
#[path = "src/corpus/pack.rs"]
mod pack;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var_os("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("set by cargo"));
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/corpus/pack.rs");
    println!("cargo:rerun-if-changed=vectors");

    let has_corpus = |d: &Path| pack::PROTOCOL_DIRS.iter().any(|p| d.join(p).is_dir());
    let Some(root) = [manifest.join("vectors"), manifest.join("../vectors")]
        .into_iter()
        .find(|d| has_corpus(d))
    else {
        panic!(
            "no vector corpus: neither {0}/vectors nor {0}/../vectors holds a protocol directory ({1})",
            manifest.display(),
            pack::PROTOCOL_DIRS.join(", ")
        );
    };
    let root = root.canonicalize().unwrap_or(root);
    let c = pack::collect(&root);
    for d in &c.dirs {
        println!("cargo:rerun-if-changed={}", d.display());
    }
    if !c.errors.is_empty() {
        let mut msg = format!("cannot read the vector corpus in {}:\n", root.display());
        for (k, e) in &c.errors {
            let _ = writeln!(msg, "  {k}: {e}");
        }
        panic!("{msg}");
    }
    let archive = pack::pack(&c.files);
    std::fs::write(out.join("corpus.bin"), &archive).expect("write corpus.bin");

    let digest = pack::digest(&c.files);
    let cases = pack::count_cases(&c.files);
    let (files, bytes) = (c.files.len(), pack::size(&c.files));
    let short = &digest["sha256:".len()..][..12];
    let version = env!("CARGO_PKG_VERSION");
    let mut rs = String::new();
    let _ = writeln!(rs, "/// Cases in the embedded corpus.");
    let _ = writeln!(rs, "pub const CASES: usize = {cases};");
    let _ = writeln!(rs, "/// Files in the embedded corpus.");
    let _ = writeln!(rs, "pub const FILES: usize = {files};");
    let _ = writeln!(rs, "/// Size of the embedded corpus's files, in bytes.");
    let _ = writeln!(rs, "pub const BYTES: u64 = {bytes};");
    let _ = writeln!(
        rs,
        "/// Size of the deflated archive in the binary, in bytes."
    );
    let _ = writeln!(rs, "pub const PACKED_BYTES: usize = {};", archive.len());
    let _ = writeln!(rs, "/// Digest of the embedded corpus.");
    let _ = writeln!(rs, "pub const DIGEST: &str = {digest:?};");
    let _ = writeln!(rs, "/// `msgwire -V`: the version and the corpus revision.");
    let _ = writeln!(
        rs,
        "pub const VERSION: &str = {:?};",
        format!("{version} (corpus: {cases} cases, sha256 {short})")
    );
    let _ = writeln!(
        rs,
        "/// `msgwire --version`: the version and the corpus in full."
    );
    let _ = writeln!(
        rs,
        "pub const LONG_VERSION: &str = {:?};",
        format!(
            "{version}\ncorpus: {cases} cases in {files} files ({bytes} bytes, {} bytes deflated in this binary)\ncorpus digest: {digest}",
            archive.len()
        )
    );
    std::fs::write(out.join("corpus.rs"), rs).expect("write corpus.rs");
}
