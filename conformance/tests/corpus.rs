//! The corpus travels with the binary: `msgwire` run from a directory that is not the
//! repository, with no `$MSGWIRE_VECTORS`, uses the corpus embedded at build time and names it
//! (`--version`, reports); `--vectors DIR` and `$MSGWIRE_VECTORS` override it, in that order.

use msgwire_conformance::corpus::{self, pack, Revision};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_msgwire");

/// A scratch directory outside the repository, removed on drop.
struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let d = std::env::temp_dir().join(format!("msgwire-corpus-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        Scratch(d)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Runs `msgwire` in `cwd` with `$MSGWIRE_VECTORS` set to `env` (or unset).
fn run(cwd: &Path, env: Option<&Path>, args: &[&str]) -> Output {
    let mut c = Command::new(BIN);
    c.args(args)
        .current_dir(cwd)
        .env_remove(corpus::ENV_VECTORS)
        .env_remove("MSGWIRE_PROFILE")
        .env("NO_COLOR", "1")
        .stdin(Stdio::null());
    if let Some(e) = env {
        c.env(corpus::ENV_VECTORS, e);
    }
    c.output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

fn fake_corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fake-corpus")
}

#[test]
fn version_names_the_embedded_corpus() {
    let s = Scratch::new("version");
    let r = Revision::embedded();
    let o = run(&s.0, None, &["-V"]);
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        text(&o.stdout),
        format!(
            "msgwire {} (corpus: {} cases, sha256 {})\n",
            env!("CARGO_PKG_VERSION"),
            r.cases,
            r.short_digest()
        )
    );
    let o = run(&s.0, None, &["--version"]);
    let out = text(&o.stdout);
    assert!(
        out.contains(&format!("corpus: {} cases in {} files", r.cases, r.files)),
        "{out}"
    );
    assert!(
        out.contains(&format!("corpus digest: {}\n", r.digest)),
        "{out}"
    );
}

#[test]
fn the_embedded_corpus_is_used_outside_the_repository() {
    let s = Scratch::new("embedded");
    let o = run(&s.0, None, &["vectors", "list"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    assert_eq!(text(&o.stdout).lines().count(), Revision::embedded().cases);

    // A report says which corpus judged it.
    let o = run(
        &s.0,
        None,
        &[
            "check",
            "codec",
            "--protocol",
            "jsonrpc",
            "--json",
            "r.json",
        ],
    );
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        text(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&std::fs::read(s.0.join("r.json")).unwrap()).unwrap();
    assert_eq!(v["corpus"], "embedded corpus");
    assert_eq!(
        v["corpus_revision"],
        serde_json::to_value(Revision::embedded()).unwrap()
    );
    assert!(v["total"].as_u64().unwrap() > 0);
}

#[test]
fn a_named_directory_overrides_the_environment_which_overrides_the_embedded_corpus() {
    let s = Scratch::new("override");
    let fake = fake_corpus();
    let files = pack::collect(&fake).files;
    let want = Revision {
        cases: pack::count_cases(&files),
        files: files.len(),
        bytes: pack::size(&files),
        digest: pack::digest(&files),
    };
    assert_eq!(want.cases, 10);

    let o = run(&s.0, Some(&fake), &["vectors", "list"]);
    assert_eq!(text(&o.stdout).lines().count(), want.cases, "{o:?}");

    let missing = s.0.join("missing");
    let o = run(&s.0, Some(&missing), &["vectors", "list"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        text(&o.stderr).contains(&missing.display().to_string()),
        "{o:?}"
    );

    let f = fake.to_str().unwrap();
    let o = run(&s.0, Some(&missing), &["vectors", "list", "--vectors", f]);
    assert_eq!(text(&o.stdout).lines().count(), want.cases, "{o:?}");

    let o = run(
        &s.0,
        Some(&missing),
        &["check", "codec", "--vectors", f, "--json", "r.json"],
    );
    assert!(
        matches!(o.status.code(), Some(0 | 1)),
        "{}",
        text(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&std::fs::read(s.0.join("r.json")).unwrap()).unwrap();
    assert_eq!(v["corpus"], f);
    assert_eq!(v["corpus_revision"], serde_json::to_value(&want).unwrap());
}
