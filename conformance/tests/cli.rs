//! The `msgwire` binary, run as a user would: exit codes, decode/encode round trips over the
//! corpus, and `check codec` (our codecs, and the adapter runner with a fake adapter whose
//! every answer is known, so each result class is asserted exactly).

use msgwire_conformance::forms;
use msgwire_conformance::vectors::Verdict;
use serde_json::Value;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_msgwire");

/// Cases per protocol that `decode_and_encode_agree_with_the_library` runs through the binary.
const CLI_SAMPLE: usize = 40;

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("msgwire-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(BIN)
        .args(args)
        .env_remove("MSGWIRE_PROFILE")
        .env("NO_COLOR", "1")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(run(&[], b"").status.code(), Some(2));
    assert_eq!(run(&["decode", "smtp"], b"").status.code(), Some(2));
    assert_eq!(
        run(&["decode", "amqp", "/nonexistent/file"], b"")
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(&["check", "codec", "--vectors", "/nonexistent"], b"")
            .status
            .code(),
        Some(2)
    );
    assert_eq!(
        run(&["vectors", "show", "no/such/case"], b"").status.code(),
        Some(2)
    );
    let o = run(&["check", "codec", "--timeout", "-1"], b"");
    assert_eq!(o.status.code(), Some(2), "{}", text(&o.stderr));
}

#[test]
fn bad_hex_is_invalid_input() {
    for p in forms::protocols() {
        let o = run(&["decode", p, "--hex"], b"0g");
        assert_eq!(o.status.code(), Some(1), "{p}: {o:?}");
        assert_eq!(
            text(&o.stderr).lines().count(),
            1,
            "one line: {}",
            text(&o.stderr)
        );
        assert!(
            text(&o.stderr).contains("--hex input: invalid hex"),
            "{}",
            text(&o.stderr)
        );
    }
}

/// For every protocol whose form is implemented, over every case of the corpus: the CLI says
/// what the library says (same documents, from a file and from `--hex` stdin; exit 1 with one
/// line naming the offset, kind and code; encoding the output gives the library's bytes, and
/// for a case that round-trips, the input). Whether the codec is *right* is the corpus test's job.
#[test]
fn decode_and_encode_agree_with_the_library() {
    // An invalid corpus is the `corpus` trial's failure (tests/vectors.rs), not this test's.
    let Ok(corpus) = msgwire_conformance::corpus::open(None) else {
        return;
    };
    let dir = scratch("roundtrip");
    let mut checked = BTreeMap::<String, usize>::new();
    // Three processes per case: a bounded, spread sample per protocol keeps this test quick
    // (every case is decoded in-process by the corpus test anyway).
    let mut seen = BTreeMap::<String, usize>::new();
    for (_, case) in corpus.cases() {
        let Some(profiles) = forms::profiles(&case.protocol) else {
            continue;
        };
        let n = seen.entry(case.protocol.clone()).or_default();
        *n += 1;
        if *n % 4 != 1 || *n > 4 * CLI_SAMPLE {
            continue;
        }
        let profile = profiles[0];
        let lib = forms::decode(&case.protocol, &case.input, profile).unwrap();
        if lib
            .error
            .as_ref()
            .is_some_and(|e| e.kind == "unimplemented")
        {
            continue; // this protocol's form is still the stub
        }
        let file = dir.join("input.bin");
        std::fs::write(&file, &case.input).unwrap();
        let o = run(
            &[
                "decode",
                &case.protocol,
                file.to_str().unwrap(),
                "--profile",
                profile,
            ],
            b"",
        );
        let hexed = run(
            &["decode", &case.protocol, "--hex", "--profile", profile],
            hex::encode(&case.input).as_bytes(),
        );
        assert_eq!(
            (o.status.code(), &o.stdout),
            (hexed.status.code(), &hexed.stdout),
            "{}: --hex",
            case.id
        );
        let docs: Vec<Value> = text(&o.stdout)
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(docs, lib.docs, "{}", case.id);
        match &lib.error {
            None => {
                assert_eq!(o.status.code(), Some(0), "{}: {}", case.id, text(&o.stderr));
                let e = run(&["encode", &case.protocol, "--profile", profile], &o.stdout);
                match forms::encode(&case.protocol, &lib.docs).unwrap() {
                    Ok(bytes) => {
                        assert_eq!(
                            (e.status.code(), &e.stdout),
                            (Some(0), &bytes),
                            "{}",
                            case.id
                        );
                        let verdict = case.verdict.for_profile(profile);
                        if verdict == Some(Verdict::Accept)
                            && case.exact_roundtrip(Verdict::Accept)
                            && bytes == case.input
                        {
                            *checked
                                .entry(format!("{} round trips", case.protocol))
                                .or_default() += 1;
                        }
                    }
                    Err(_) => assert_ne!(e.status.code(), Some(0), "{}", case.id),
                }
            }
            Some(want) => {
                assert_eq!(o.status.code(), Some(1), "{}", case.id);
                let err = text(&o.stderr);
                assert_eq!(err.lines().count(), 1, "{}: {err}", case.id);
                assert!(
                    err.contains(&format!(": {}", want.kind)),
                    "{}: {err}",
                    case.id
                );
                if let Some(c) = want.code {
                    assert!(err.contains(&format!("(code {c})")), "{}: {err}", case.id);
                }
                if let Some(at) = want.offset {
                    assert!(
                        err.starts_with(&format!("msgwire: {}: byte {at}: ", case.protocol)),
                        "{}: {err}",
                        case.id
                    );
                }
            }
        }
        *checked.entry(case.protocol.clone()).or_default() += 1;
    }
    eprintln!("decoded through the CLI: {checked:?}");
}

#[test]
fn unimplemented_forms_exit_3_and_say_so() {
    for p in forms::protocols() {
        let o = run(&["encode", p], b"");
        if o.status.code() == Some(3) {
            assert!(text(&o.stderr).contains("not written yet") || !o.stderr.is_empty());
        } else {
            // An implemented form encodes no documents to no bytes.
            assert_eq!(
                (o.status.code(), o.stdout.len()),
                (Some(0), 0),
                "{p}: {}",
                text(&o.stderr)
            );
        }
    }
}

#[test]
fn vectors_list_and_show() {
    let corpus = data("fake-corpus");
    let o = run(
        &["vectors", "list", "--vectors", corpus.to_str().unwrap()],
        b"",
    );
    assert_eq!(o.status.code(), Some(0));
    let out = text(&o.stdout);
    assert_eq!(out.lines().count(), 10, "{out}");
    assert!(
        out.starts_with("jsonrpc/fake/passed\t\"y\"\trunner\n"),
        "{out}"
    );
    let o = run(
        &[
            "vectors",
            "list",
            "--protocol",
            "amqp",
            "--vectors",
            corpus.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!((o.status.code(), o.stdout.len()), (Some(0), 0));
    let o = run(
        &[
            "vectors",
            "show",
            "jsonrpc/fake/rejected",
            "--vectors",
            corpus.to_str().unwrap(),
        ],
        b"",
    );
    let out = text(&o.stdout);
    assert!(out.starts_with("# jsonrpc/fake.json#/cases/4\n"), "{out}");
    assert!(out.contains("\"kind\": \"parse-error\""), "{out}");
    assert!(out.contains("# input (3 bytes): 626164"), "{out}");
}

fn classes(report: &Path) -> BTreeMap<String, String> {
    let v: Value = serde_json::from_slice(&std::fs::read(report).unwrap()).unwrap();
    v["suites"][0]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["class"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[cfg(unix)]
fn check_fake(dir: &Path, extra: &[&str]) -> Output {
    let adapter = format!("sh {}", data("fake_adapter.sh").display());
    let corpus = data("fake-corpus");
    let json = dir.join("report.json");
    let mut args = vec![
        "check",
        "codec",
        "--vectors",
        corpus.to_str().unwrap(),
        "--adapter",
        &adapter,
        "--timeout",
        "1",
        "--profile",
        "strict",
        "--json",
        json.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    run(&args, b"")
}

#[cfg(unix)]
#[test]
fn check_with_an_adapter_classifies_every_outcome() {
    let dir = scratch("adapter");
    let (junit, html) = (dir.join("r.xml"), dir.join("r.html"));
    for mode in [&[][..], &["--persistent"][..]] {
        let mut extra = mode.to_vec();
        extra.extend([
            "--junit",
            junit.to_str().unwrap(),
            "--html",
            html.to_str().unwrap(),
        ]);
        let o = check_fake(&dir, &extra);
        assert_eq!(
            o.status.code(),
            Some(1),
            "mode {mode:?}: {}{}",
            text(&o.stdout),
            text(&o.stderr)
        );
        let got = classes(&dir.join("report.json"));
        let want: BTreeMap<String, String> = [
            ("passed", "passed"),
            ("wrong-value", "wrong-value"),
            ("should-have-accepted", "should-have-accepted"),
            ("should-have-rejected", "should-have-rejected"),
            ("rejected", "passed"),
            ("wrong-error", "wrong-error"),
            ("crash", "crash"),
            ("timeout", "timeout"),
            ("implementation-defined", "implementation-defined"),
            ("roundtrip-mismatch", "roundtrip-mismatch"),
        ]
        .iter()
        .map(|(id, c)| (format!("jsonrpc/fake/{id}"), c.to_string()))
        .collect();
        assert_eq!(got, want, "mode {mode:?}");
        let summary = text(&o.stdout);
        assert!(
            summary.contains("FAILED (exit 1): 10 trials: 5 failed, 2 error, 2 passed, 1 info"),
            "{summary}"
        );
        assert!(!summary.contains('\x1b'), "no colours off a terminal");
        let xml = std::fs::read_to_string(&junit).unwrap();
        assert_eq!(xml.matches("<testcase ").count(), 10);
        assert_eq!(xml.matches("<failure ").count(), 5, "{xml}");
        assert_eq!(xml.matches("<error ").count(), 2, "{xml}");
        let page = std::fs::read_to_string(&html).unwrap();
        assert!(page.contains("<header class=\"banner fail\""), "{page}");
        assert_eq!(page.matches("<article class=\"card ").count(), 7);
    }
}

#[cfg(unix)]
#[test]
fn baseline_excuses_known_failures_only() {
    let dir = scratch("baseline");
    let base = dir.join("baseline.txt");
    let o = check_fake(&dir, &["--write-baseline", base.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let written = std::fs::read_to_string(&base).unwrap();
    assert_eq!(
        written.lines().filter(|l| !l.starts_with('#')).count(),
        7,
        "{written}"
    );
    // Every failure known: the run passes.
    let o = check_fake(&dir, &["--baseline", base.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    // One failure not in the baseline: it fails again, naming only that case.
    let fewer: String = written
        .lines()
        .filter(|l| !l.contains("wrong-value@"))
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(&base, fewer).unwrap();
    let o = check_fake(&dir, &["--baseline", base.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    // A stale entry fails only with --strict.
    std::fs::write(&base, format!("{written}jsonrpc/fake/passed\n")).unwrap();
    let o = check_fake(&dir, &["--baseline", base.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    assert!(text(&o.stdout).contains("stale: baseline entry jsonrpc/fake/passed"));
    let o = check_fake(&dir, &["--baseline", base.to_str().unwrap(), "--strict"]);
    assert_eq!(o.status.code(), Some(1));
    // --only / --skip select by id glob.
    let o = check_fake(&dir, &["--only", "*/passed", "--only", "*/rejected"]);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
    assert_eq!(classes(&dir.join("report.json")).len(), 2);
    // Only failures are marked known in the report.
    std::fs::write(&base, &written).unwrap();
    let _ = check_fake(&dir, &["--baseline", base.to_str().unwrap()]);
    let v: Value =
        serde_json::from_slice(&std::fs::read(dir.join("report.json")).unwrap()).unwrap();
    for r in v["suites"][0]["items"].as_array().unwrap() {
        let failed = !["passed", "implementation-defined", "skipped"]
            .contains(&r["class"].as_str().unwrap());
        assert_eq!(r["status"] == "baselined", failed, "{r}");
    }
}

/// `check codec` is never green having checked nothing: a selection that matches nothing, an
/// unknown profile, an adapter that cannot start, a run whose every trial was skipped: exit 2
/// with one line naming why, in seconds.
#[cfg(unix)]
#[test]
fn check_codec_never_green_on_nothing() {
    let dir = scratch("nothing");
    let corpus = data("fake-corpus");
    let corpus = corpus.to_str().unwrap();
    let usage = |args: &[&str], want: &str| {
        let t0 = std::time::Instant::now();
        let o = run(args, b"");
        let err = text(&o.stderr);
        assert_eq!(
            o.status.code(),
            Some(2),
            "{args:?}: {}{err}",
            text(&o.stdout)
        );
        assert!(err.contains(want), "{args:?}: {err}");
        assert!(
            t0.elapsed() < std::time::Duration::from_secs(10),
            "{args:?}: slow"
        );
        assert!(!text(&o.stdout).contains("ok:"), "{args:?}");
    };
    // The pattern conformance/README.md once showed (the group is amqp/amqplib-tables).
    usage(
        &["check", "codec", "--only", "amqp/field-table/*", "--strict"],
        "--only 'amqp/field-table/*' matches no case id (groups: amqp/amqplib-content, ",
    );
    usage(
        &[
            "check",
            "codec",
            "--vectors",
            corpus,
            "--only",
            "*/passed",
            "--only",
            "*/typo",
        ],
        "--only '*/typo' matches no case id",
    );
    usage(
        &["check", "codec", "--vectors", corpus, "--protocol", "amqp"],
        "--protocol amqp: the corpus",
    );
    usage(
        &[
            "check",
            "codec",
            "--vectors",
            corpus,
            "--skip",
            "jsonrpc/fake/*",
        ],
        "nothing to check: --skip leaves no case",
    );
    let empty = dir.join("empty");
    std::fs::create_dir_all(&empty).unwrap();
    usage(
        &["check", "codec", "--vectors", empty.to_str().unwrap()],
        "has no cases",
    );
    // Unknown profiles, with every protocol's known profiles listed.
    usage(
        &["check", "codec", "--profile", "bogus"],
        "--profile bogus: not a profile of amqp, jsonrpc, xmlrpc, msgpack-rpc, thrift (known: amqp: strict, rabbitmq, session; jsonrpc: strict, lenient;",
    );
    usage(
        &[
            "check",
            "codec",
            "--protocol",
            "amqp",
            "--profile",
            "lenient",
        ],
        "--profile lenient: not a profile of amqp (known: amqp: strict, rabbitmq, session)",
    );
    // Adapters that cannot start: a missing program, one that is not executable, one that
    // exits at once (its stderr is quoted), in both modes.
    let adapter = |cmd: &str, extra: &[&str], want: &str| {
        let mut args = vec!["check", "codec", "--vectors", corpus, "--adapter", cmd];
        args.extend_from_slice(extra);
        usage(&args, want);
    };
    adapter(
        "/nonexistent/adapter.py",
        &[],
        "--adapter: cannot start \"/nonexistent/adapter.py\": No such file",
    );
    let noexec = dir.join("noexec.sh");
    std::fs::write(&noexec, "#!/bin/sh\nexit 0\n").unwrap();
    adapter(noexec.to_str().unwrap(), &[], "Permission denied");
    for mode in [&[][..], &["--persistent"][..]] {
        adapter(
            "sh -c 'echo \"ModuleNotFoundError: no module named peer\" >&2; exit 2' adapter",
            mode,
            "failed each of its first 3 requests without answering one (the first: ",
        );
        adapter(
            "sh -c 'echo \"ModuleNotFoundError: no module named peer\" >&2; exit 2' adapter",
            mode,
            "exit status 2: ModuleNotFoundError: no module named peer",
        );
    }
    // Every trial skipped: nothing was checked.
    adapter(
        "sh -c 'echo \"not this one\" >&2; exit 3' adapter",
        &[],
        "nothing checked: all 20 trials were skipped (the first: not this one)",
    );
}

/// Off a terminal, `check codec` writes progress lines on stderr: protocol, done/total,
/// failures so far.
#[cfg(unix)]
#[test]
fn progress_lines_off_a_terminal() {
    let dir = scratch("progress");
    let o = check_fake(&dir, &[]);
    let err = text(&o.stderr);
    assert!(
        err.lines()
            .any(|l| l == "msgwire: check codec: jsonrpc: 10/10 trials, 7 failures"),
        "{err}"
    );
}

/// The examples in README.md and conformance/README.md name adapters that exist and `--only`
/// patterns that match cases of the corpus.
#[test]
fn readme_examples_name_real_things() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let Ok(corpus) = msgwire_conformance::corpus::open(None) else {
        return;
    };
    let mut adapters = 0;
    let mut patterns = 0;
    for readme in ["README.md", "conformance/README.md"] {
        let t = std::fs::read_to_string(root.join(readme)).unwrap();
        for (i, _) in t.match_indices("--adapter '") {
            let cmd = &t[i + 11..];
            let cmd = &cmd[..cmd.find('\'').unwrap()];
            for word in cmd.split_whitespace().filter(|w| w.contains("adapters/")) {
                assert!(root.join(word).is_file(), "{readme}: {word} does not exist");
                adapters += 1;
            }
        }
        for (i, _) in t.match_indices("--only '") {
            let pat = &t[i + 8..];
            let pat = &pat[..pat.find('\'').unwrap()];
            patterns += 1;
            // A live suite's case ids start with its target (`xmlrpc-server/...`): ask it.
            let target = pat.split('/').next().unwrap_or("");
            if [
                "amqp-broker",
                "jsonrpc-server",
                "xmlrpc-server",
                "msgpack-rpc-server",
            ]
            .contains(&target)
            {
                let o = run(&["check", target, "--list", "--only", pat], b"");
                assert_eq!(o.status.code(), Some(0), "{readme}: --only '{pat}': {o:?}");
                continue;
            }
            let g = msgwire_conformance::glob::Glob::new(pat);
            assert!(
                corpus.cases().any(|(_, c)| g.matches(&c.id)),
                "{readme}: --only '{pat}' matches no case"
            );
        }
    }
    assert!(adapters >= 1 && patterns >= 1, "{adapters} {patterns}");
}

/// Our codecs over the repository's corpus: the exit status agrees with the report (no
/// regressions ⇔ 0), every trial is accounted for, and reports combine into the matrix.
#[test]
fn check_our_codecs_on_the_corpus() {
    let dir = scratch("ours");
    let json = dir.join("ours.json");
    let o = run(&["check", "codec", "--json", json.to_str().unwrap()], b"");
    if let Err(e) = msgwire_conformance::corpus::open(None) {
        // An invalid corpus: usage error, naming the first problem's file and pointer.
        assert_eq!(o.status.code(), Some(2), "{}", text(&o.stdout));
        let first = &e.0[0];
        assert!(text(&o.stderr).contains(&format!("{}#{}", first.file.display(), first.pointer)));
        return;
    }
    let v: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let regressions = v["failing"].as_u64().unwrap();
    assert_eq!(
        o.status.code(),
        Some(if regressions == 0 { 0 } else { 1 }),
        "{}",
        text(&o.stdout)
    );
    let counts: u64 = v["counts"]
        .as_object()
        .unwrap()
        .values()
        .map(|c| c.as_u64().unwrap())
        .sum();
    assert_eq!(counts, v["total"].as_u64().unwrap());
    assert_eq!(
        v["suites"][0]["items"].as_array().unwrap().len() as u64,
        counts
    );

    let md = dir.join("matrix.md");
    let o = run(
        &[
            "report",
            "matrix",
            json.to_str().unwrap(),
            "--markdown",
            md.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let md = std::fs::read_to_string(md).unwrap();
    assert!(md.starts_with("## Summary\n\n| implementation |"), "{md}");
    assert!(md.contains("| msgwire 0.1.0 |"), "{md}");
}

/// `msgwire` as its own adapter (one-shot contract: `decode`/`encode` subprocesses) gives the
/// same result classes as the in-process run, on a spread sample of the corpus.
#[test]
fn msgwire_through_the_adapter_contract_agrees_with_in_process() {
    let Ok(corpus) = msgwire_conformance::corpus::open(None) else {
        return;
    };
    // Protocols built into this binary only (else `msgwire decode` is a usage error).
    let ids: Vec<String> = corpus
        .cases()
        .filter(|(_, c)| forms::profiles(&c.protocol).is_some())
        .map(|(_, c)| c.id.clone())
        .enumerate()
        .filter(|(i, _)| i % 25 == 0)
        .map(|(_, id)| id)
        .collect();
    if ids.is_empty() {
        return;
    }
    let dir = scratch("self-adapter");
    let (ours, theirs) = (dir.join("ours.json"), dir.join("adapter.json"));
    let mut common: Vec<String> = Vec::new();
    for id in &ids {
        common.extend(["--only".to_string(), id.clone()]);
    }
    let mut a: Vec<String> = vec!["check".into(), "codec".into(), "--json".into()];
    a.push(ours.to_str().unwrap().into());
    a.extend(common.iter().cloned());
    let o = run(&a.iter().map(String::as_str).collect::<Vec<_>>(), b"");
    assert!(
        o.status.code().is_some_and(|c| c < 2),
        "{}",
        text(&o.stderr)
    );
    let mut b: Vec<String> = vec!["check".into(), "codec".into(), "--json".into()];
    b.push(theirs.to_str().unwrap().into());
    b.extend(["--adapter".into(), BIN.into()]);
    b.extend(common);
    let o = run(&b.iter().map(String::as_str).collect::<Vec<_>>(), b"");
    assert!(
        o.status.code().is_some_and(|c| c < 2),
        "{}",
        text(&o.stderr)
    );
    let (want, got) = (keyed_classes(&ours), keyed_classes(&theirs));
    assert!(
        want.len() >= ids.len(),
        "every sampled case ran: {}",
        want.len()
    );
    assert_eq!(
        want.keys().collect::<Vec<_>>(),
        got.keys().collect::<Vec<_>>()
    );
    for (k, w) in &want {
        let g = &got[k];
        // Adapters are not held to our error kinds, only to the protocol's code.
        let excused = w == "wrong-error" && g == "passed";
        assert!(
            w == g || excused,
            "{k}: in-process {w}, through the adapter {g}"
        );
    }
}

fn keyed_classes(report: &Path) -> BTreeMap<String, String> {
    let v: Value = serde_json::from_slice(&std::fs::read(report).unwrap()).unwrap();
    v["suites"][0]["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let key = r["key"].as_str().unwrap().to_string();
            (key, r["class"].as_str().unwrap().to_string())
        })
        .collect()
}

/// Up to `n` canonical documents of `protocol` from the corpus, from several cases: documents
/// our codec decodes without error and encodes back to the same documents on their own.
fn sample_docs(
    corpus: &msgwire_conformance::vectors::Corpus,
    protocol: &str,
    n: usize,
) -> Vec<Value> {
    let profile = forms::profiles(protocol).unwrap()[0];
    let mut out = Vec::new();
    for (_, case) in corpus.cases().filter(|(_, c)| c.protocol == protocol) {
        let d = forms::decode(protocol, &case.input, profile).unwrap();
        if d.error.is_some() || d.docs.is_empty() {
            continue;
        }
        for doc in d.docs {
            // A protocol header belongs at the start of a connection only.
            if doc["type"] == "protocol-header" {
                continue;
            }
            let Ok(bytes) = forms::encode(protocol, std::slice::from_ref(&doc)).unwrap() else {
                continue;
            };
            let again = forms::decode(protocol, &bytes, profile).unwrap();
            if again.error.is_none() && again.docs == [doc.clone()] {
                out.push(doc);
                break; // one per case: spread over the corpus
            }
        }
        if out.len() == n {
            break;
        }
    }
    out
}

fn jsonl(docs: &[Value]) -> Vec<u8> {
    docs.iter()
        .map(|d| format!("{d}\n"))
        .collect::<String>()
        .into_bytes()
}

/// `msgwire encode P | msgwire decode P` gives back a multi-message input, for every protocol
/// and every framing that holds several messages; `single` holds exactly one.
#[test]
fn encode_then_decode_round_trips_several_messages() {
    let Ok(corpus) = msgwire_conformance::corpus::open(None) else {
        return;
    };
    let mut checked = Vec::new();
    for p in forms::protocols() {
        let docs = sample_docs(&corpus, p, 6);
        assert!(docs.len() >= 3, "{p}: only {} sample documents", docs.len());
        for framing in msgwire_conformance::cli::framings(p) {
            // THeader carries Binary and Compact only: a TJSON document is refused there.
            if *framing == "header" {
                let json = serde_json::json!({"protocol": "json", "name": "ping", "type": "call", "seqid": 1, "body": []});
                let o = run(&["encode", p, "--framing", framing], &jsonl(&[json]));
                assert_eq!(o.status.code(), Some(1));
                assert!(
                    text(&o.stderr).contains("TJSONProtocol is not carried in THeader frames"),
                    "{}",
                    text(&o.stderr)
                );
            }
            let docs: Vec<Value> = docs
                .iter()
                .filter(|d| *framing != "header" || d["protocol"] != "json")
                .cloned()
                .collect();
            assert!(
                docs.len() >= 3,
                "{p} {framing}: only {} documents",
                docs.len()
            );
            let bytes = run(&["encode", p, "--framing", framing], &jsonl(&docs));
            if *framing == "single" {
                assert_eq!(
                    bytes.status.code(),
                    Some(1),
                    "{p} single: several documents"
                );
                assert!(
                    text(&bytes.stderr)
                        .contains("line 2: a second document, but --framing single holds one"),
                    "{}",
                    text(&bytes.stderr)
                );
                let one = run(&["encode", p, "--framing", framing], &jsonl(&docs[..1]));
                let back = run(&["decode", p, "--framing", framing, "-"], &one.stdout);
                assert_eq!(text(&back.stdout), text(&jsonl(&docs[..1])), "{p} single");
                continue;
            }
            assert_eq!(
                bytes.status.code(),
                Some(0),
                "{p} {framing}: {}",
                text(&bytes.stderr)
            );
            let mut back = run(&["decode", p, "--framing", framing, "-"], &bytes.stdout);
            if *framing == "header" {
                // The THeader fields come back as a `header` member of each document.
                let plain: Vec<Value> = text(&back.stdout)
                    .lines()
                    .map(|l| {
                        let mut d: Value = serde_json::from_str(l).unwrap();
                        assert_eq!(d["header"]["info"], serde_json::json!([]), "{l}");
                        d.as_object_mut().unwrap().remove("header");
                        d
                    })
                    .collect();
                back.stdout = jsonl(&plain);
            }
            assert_eq!(
                (back.status.code(), text(&back.stdout)),
                (Some(0), text(&jsonl(&docs))),
                "{p} {framing}: {}",
                text(&back.stderr)
            );
            checked.push(format!("{p} {framing}: {}", docs.len()));
        }
    }
    assert_eq!(checked.len(), 8, "{checked:?}");
    // An unknown framing is a usage error naming the protocol's framings.
    let o = run(&["decode", "xmlrpc", "--framing", "ndjson"], b"");
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(
        text(&o.stderr),
        "msgwire: xmlrpc: no framing \"ndjson\" (known: single, concat)\n"
    );
}

/// Empty input holds no message, the same for every protocol: exit 0, no output, both ways.
#[test]
fn empty_input_is_no_message_for_every_protocol() {
    for p in forms::protocols() {
        for (args, input) in [
            (&["decode", p][..], &b""[..]),
            (&["decode", p, "--hex"][..], &b"\n"[..]),
            (&["encode", p][..], &b""[..]),
            (&["encode", p][..], &b"\n\n"[..]),
        ] {
            let o = run(args, input);
            assert_eq!(
                (o.status.code(), o.stdout.len(), text(&o.stderr)),
                (Some(0), 0, String::new()),
                "{args:?}"
            );
        }
    }
    // JSON-RPC and XML-RPC are text: whitespace alone is no message either.
    for p in ["jsonrpc", "xmlrpc"] {
        let o = run(&["decode", p], b" \r\n\t\n");
        assert_eq!((o.status.code(), o.stdout.len()), (Some(0), 0), "{p}");
        // A form feed is not whitespace to JSON or XML: it is input, and invalid.
        let o = run(&["decode", p], b" \x0c ");
        assert_eq!(o.status.code(), Some(1), "{p}");
    }
}

/// Every decode error is one line: `msgwire: <protocol>: byte <offset>: <kind> (code N):
/// <message>`, the offset absolute, no position repeated in the message, "an int".
#[test]
fn decode_errors_have_one_format() {
    let cases: [(&str, &[&str], &[u8], &str); 6] = [
        (
            "jsonrpc",
            &[],
            b"{\"jsonrpc\":\"2.0\",\"method\":\"a\"} x",
            "msgwire: jsonrpc: byte 31: parse-error (code -32700): trailing characters\n",
        ),
        (
            "jsonrpc",
            &["--framing", "ndjson"],
            b"{\"jsonrpc\":\"2.0\",\"method\":\"a\"}\n{\"jsonrpc\":\"2.0\",\"method\":\"a\",}\n",
            "msgwire: jsonrpc: byte 61: parse-error (code -32700): trailing comma\n",
        ),
        (
            "xmlrpc",
            &[],
            b"<?xml version=\"1.0\"?><methodResponse><params><param><value><int>x</int></value></param></params></methodResponse>",
            "msgwire: xmlrpc: byte 59: invalid-int (code -32600): invalid <int> integer\n",
        ),
        (
            "xmlrpc",
            &["--framing", "concat"],
            b"<methodResponse><params><param><value>a</value></param></params></methodResponse>\n<!DOCTYPE x><methodResponse/>",
            "msgwire: xmlrpc: byte 82: doctype (code -32700): DOCTYPE not allowed\n",
        ),
        (
            "msgpack-rpc",
            // A notification [2, "m", []], then the integer 5: not a message.
            &["--hex"],
            b"93 02 a1 6d 90 05",
            "msgwire: msgpack-rpc: byte 5: ",
        ),
        (
            "amqp",
            &["--hex"],
            b"08 0000 00000000 ce 08 0001 00000000 ce",
            "msgwire: amqp: byte 9: heartbeat-channel (code 505): ",
        ),
    ];
    for (p, extra, input, want) in cases {
        let mut args = vec!["decode", p];
        args.extend_from_slice(extra);
        let o = run(&args, input);
        let err = text(&o.stderr);
        assert_eq!(o.status.code(), Some(1), "{p}: {err}");
        assert!(err.starts_with(want), "{p}: {err}");
        assert_eq!(err.lines().count(), 1, "{p}: {err}");
        for repeated in [
            " at byte ",
            " at offset ",
            " at line ",
            " a int",
            "parse error:",
        ] {
            assert!(!err.contains(repeated), "{p}: {err}");
        }
    }
    let o = run(&["decode", "msgpack-rpc", "--hex"], b"93 02 a1 6d 90 05");
    assert!(text(&o.stderr).contains("is an int"), "{}", text(&o.stderr));
}

/// Encode errors name the input line and the JSON pointer of the offending member; AMQP's
/// reserved fields may be left out (they default to the spec's value).
#[test]
fn encode_errors_name_the_line_and_the_pointer() {
    let cases: [(&str, &str, &str); 5] = [
        (
            "jsonrpc",
            "{\"type\":\"notification\",\"method\":\"a\"}\n\n{\"type\":\"request\",\"method\":5,\"id\":\"1\"}\n",
            "msgwire: jsonrpc: line 3: /method: bad-document: must be a string\n",
        ),
        (
            "amqp",
            "{\"type\":\"method\",\"channel\":1,\"method\":\"queue.declare\",\"fields\":{\"queue\":\"q\",\"passive\":false,\"durable\":false,\"exclusive\":false,\"auto_delete\":false,\"no_wait\":false,\"arguments\":[[\"x\",\"B\",256]]}}\n",
            "msgwire: amqp: line 1: /fields/arguments/0/2: bad-document: B: expected an integer 0..=255, got 256\n",
        ),
        (
            "xmlrpc",
            "{\"kind\":\"call\",\"method\":\"m\",\"params\":[{\"array\":[\"a\",{\"int\":\"x\"}]}]}\n",
            "msgwire: xmlrpc: line 1: /params/0/array/1/int: form: not an integer in range\n",
        ),
        (
            "msgpack-rpc",
            "{\"kind\":\"request\",\"msgid\":1,\"method\":\"m\",\"params\":[{\"map\":[[{\"number\":1},{\"bool\":3}]]}]}\n",
            "msgwire: msgpack-rpc: line 1: /params/0/map/0/1/bool: invalid-form: bool must be true/false\n",
        ),
        (
            "amqp",
            "{\"type\":\"heartbeat\",\"channel\":0}\n{\"type\":\"heartbeat\",\"channel\":0,}\n",
            "msgwire: amqp: line 2: not JSON: trailing comma (column 33)\n",
        ),
    ];
    for (p, input, want) in cases {
        let framing = msgwire_conformance::cli::framings(p).last().unwrap();
        let o = run(&["encode", p, "--framing", framing], input.as_bytes());
        assert_eq!(
            (o.status.code(), text(&o.stderr)),
            (Some(1), want.to_string()),
            "{p}"
        );
    }
    // basic.publish without reserved_1: the bytes of the document with it.
    let with = run(
        &["encode", "amqp", "--hex"],
        br#"{"type":"method","channel":1,"method":"basic.publish","fields":{"reserved_1":0,"exchange":"","routing_key":"q","mandatory":false,"immediate":false}}"#,
    );
    let without = run(
        &["encode", "amqp", "--hex"],
        br#"{"type":"method","channel":1,"method":"basic.publish","fields":{"exchange":"","routing_key":"q","mandatory":false,"immediate":false}}"#,
    );
    assert_eq!(
        (without.status.code(), &without.stdout),
        (Some(0), &with.stdout)
    );
}

/// `-` is stdin for every FILE argument of decode, encode, check codec and report matrix.
#[test]
fn dash_is_stdin() {
    let o = run(&["decode", "amqp", "-", "--hex"], b"08 0000 00000000 ce");
    assert_eq!(
        (o.status.code(), text(&o.stdout)),
        (
            Some(0),
            "{\"channel\":0,\"type\":\"heartbeat\"}\n".to_string()
        ),
        "{}",
        text(&o.stderr)
    );
    let o = run(
        &["encode", "amqp", "-", "--hex"],
        b"{\"type\":\"heartbeat\",\"channel\":0}\n",
    );
    assert_eq!(text(&o.stdout), "08000000000000ce\n");
    #[cfg(unix)]
    {
        let dir = scratch("dash");
        let base = dir.join("b.txt");
        let o = check_fake(&dir, &["--write-baseline", base.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(1));
        let written = std::fs::read(&base).unwrap();
        let adapter = format!("sh {}", data("fake_adapter.sh").display());
        let corpus = data("fake-corpus");
        let o = run(
            &[
                "check",
                "codec",
                "--vectors",
                corpus.to_str().unwrap(),
                "--adapter",
                &adapter,
                "--timeout",
                "1",
                "--profile",
                "strict",
                "--baseline",
                "-",
            ],
            &written,
        );
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
        let json = std::fs::read(dir.join("report.json")).unwrap();
        let o = run(&["report", "matrix", "-"], &json);
        assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
        assert!(text(&o.stdout).starts_with("## Summary\n\n| implementation |"));
    }
}

/// `vectors count`: counts from the corpus, checked and rewritten where a file marks them.
#[test]
fn vectors_count_checks_and_writes_marked_counts() {
    let dir = scratch("count");
    let corpus = data("fake-corpus");
    let corpus = corpus.to_str().unwrap();
    let o = run(&["vectors", "count", "--vectors", corpus], b"");
    assert_eq!(o.status.code(), Some(0));
    assert!(
        text(&o.stdout)
            .contains("jsonrpc\t10 cases, 20 trials\njsonrpc/fake\t10 cases, 20 trials\n"),
        "{}",
        text(&o.stdout)
    );
    let doc = dir.join("doc.md");
    std::fs::write(
        &doc,
        "We have <!-- count jsonrpc cases+trials -->388 cases, 777 trials<!-- /count -->, \
         <!-- count jsonrpc/fake n -->10<!-- /count --> fakes.\n",
    )
    .unwrap();
    let d = doc.to_str().unwrap();
    let o = run(
        &["vectors", "count", "--vectors", corpus, "--check", d],
        b"",
    );
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(
        text(&o.stdout),
        format!("{d}:1: count jsonrpc cases+trials: \"388 cases, 777 trials\", the corpus gives \"10 cases, 20 trials\"\n")
    );
    assert!(text(&o.stderr).contains("1 of 2 counts are stale"));
    let o = run(
        &["vectors", "count", "--vectors", corpus, "--write", d],
        b"",
    );
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(
        std::fs::read_to_string(&doc).unwrap(),
        "We have <!-- count jsonrpc cases+trials -->10 cases, 20 trials<!-- /count -->, \
         <!-- count jsonrpc/fake n -->10<!-- /count --> fakes.\n"
    );
    let o = run(
        &["vectors", "count", "--vectors", corpus, "--check", d],
        b"",
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stdout));
}

/// A persistent adapter that dies mid-run: each trial it died on is a crash whose detail
/// quotes its stderr; the run goes on with a fresh process (it had answered, so it started).
#[cfg(unix)]
#[test]
fn an_adapter_dying_mid_run_is_a_crash_with_its_stderr() {
    let dir = scratch("dying");
    let json = dir.join("r.json");
    let corpus = data("fake-corpus");
    // Answers one request (a rejection), then dies on the next with a message.
    let adapter = r#"sh -c 'read -r l; echo "{\"docs\": [], \"error\": {\"kind\": \"x\"}}"; read -r l; echo "panic: out of cheese" >&2; exit 70' adapter"#;
    let o = run(
        &[
            "check",
            "codec",
            "--vectors",
            corpus.to_str().unwrap(),
            "--adapter",
            adapter,
            "--persistent",
            "--profile",
            "strict",
            "--timeout",
            "2",
            "--json",
            json.to_str().unwrap(),
        ],
        b"",
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    let v: Value = serde_json::from_slice(&std::fs::read(&json).unwrap()).unwrap();
    let crashes: Vec<&str> = v["suites"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["items"].as_array().unwrap())
        .filter(|r| r["class"] == "crash")
        .map(|r| r["detail"].as_str().unwrap())
        .collect();
    assert!(!crashes.is_empty());
    for d in crashes {
        assert_eq!(
            d,
            "the adapter exited, exit status 70: panic: out of cheese"
        );
    }
}

/// `--framing concat` ends a document at its root's end tag, not at one inside a comment,
/// CDATA section or processing instruction (the split is one forward pass per document).
#[test]
fn concat_framing_steps_over_end_tags_in_comments_and_cdata() {
    let mut input = b"<?xml version=\"1.0\"?><?pi </methodCall>?><methodCall><!-- ".to_vec();
    for _ in 0..2000 {
        input.extend_from_slice(b"</methodCall> ");
    }
    input.extend_from_slice(b"--><methodName>m</methodName><params><param><value><string>");
    input.extend_from_slice(b"<![CDATA[</methodResponse>]]></string></value></param></params>");
    input
        .extend_from_slice(b"</methodCall>\n<methodCall><methodName>n</methodName></methodCall>\n");
    let o = run(&["decode", "xmlrpc", "--framing", "concat"], &input);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let out = text(&o.stdout);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.len(), 2, "{out}");
    assert!(lines[0].contains("\"method\":\"m\""), "{out}");
    assert!(lines[0].contains("</methodResponse>"), "{out}");
    assert!(lines[1].contains("\"method\":\"n\""), "{out}");
}

/// Thrift's `--protocol` and `--framing`: decode reads each message's protocol from its first
/// byte unless pinned, encode writes each document's protocol unless `--protocol` transcodes,
/// framed adds and checks the 4-byte length; errors and usage are the other protocols'.
#[test]
fn thrift_protocol_and_framing_options() {
    // A compact ping, then a strict binary one (Python thrift 0.22's bytes).
    let compact = "8221010470696e6700";
    let binary = "800100010000000470696e670000000100";
    let o = run(
        &["decode", "thrift", "--hex"],
        format!("{compact}{binary}").as_bytes(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let lines: Vec<Value> = text(&o.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["protocol"], "compact");
    assert_eq!(lines[1]["protocol"], "binary");
    assert_eq!(lines[0]["name"], "ping");
    // Encode gives back the same bytes; --protocol compact transcodes both.
    let o = run(&["encode", "thrift", "--hex"], &o.stdout);
    assert_eq!(text(&o.stdout), format!("{compact}{binary}\n"));
    let docs = jsonl(&lines);
    let o = run(
        &["encode", "thrift", "--hex", "--protocol", "compact"],
        &docs,
    );
    assert_eq!(text(&o.stdout), format!("{compact}{compact}\n"));
    // Framed: each message after its length; decoding it unframed is an error.
    let o = run(&["encode", "thrift", "--framing", "framed", "--hex"], &docs);
    assert_eq!(
        text(&o.stdout),
        format!("00000009{compact}00000011{binary}\n")
    );
    let framed = o.stdout.clone();
    let o = run(
        &["decode", "thrift", "--framing", "framed", "--hex"],
        &framed,
    );
    assert_eq!((o.status.code(), o.stdout), (Some(0), docs.clone()));
    let o = run(&["decode", "thrift", "--hex"], &framed);
    assert_eq!(o.status.code(), Some(1));
    // THeader: each message in a THeader frame naming its protocol (Python thrift 0.22's
    // bytes for a compact ping with info header k=v); the document gains `header`.
    let header = "0000001d0fff000000000001000202000101016b01768221010470696e67150e00";
    let o = run(
        &["decode", "thrift", "--framing", "header", "--hex"],
        header.as_bytes(),
    );
    assert_eq!(o.status.code(), Some(0), "{}", text(&o.stderr));
    let doc: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(doc["protocol"], "compact");
    assert_eq!(doc["header"]["info"], serde_json::json!([["6b", "76"]]));
    let o = run(
        &["encode", "thrift", "--framing", "header", "--hex"],
        &o.stdout,
    );
    assert_eq!(text(&o.stdout), format!("{header}\n"));
    let o = run(
        &["decode", "thrift", "--framing", "header", "--hex"],
        b"0000000e0fff0000000000010001000101000000",
    );
    assert_eq!(
        text(&o.stderr),
        "msgwire: thrift: byte 16: unsupported-transform (code 5): THeader transform 1\n"
    );
    // Pinned to binary, compact bytes are a bad version, reported in the one error format.
    let o = run(
        &["decode", "thrift", "--hex", "--protocol", "binary"],
        compact.as_bytes(),
    );
    assert_eq!(
        (o.status.code(), text(&o.stderr)),
        (
            Some(1),
            "msgwire: thrift: byte 0: bad-version (code 4): bad version 0x82210104\n".into()
        )
    );
    let o = run(
        &["decode", "thrift", "--framing", "framed", "--hex"],
        b"7fffffff",
    );
    assert_eq!(
        text(&o.stderr),
        "msgwire: thrift: byte 0: frame-size (code 3): frame length 2147483647, limit 16384000\n"
    );
    // An opt-in profile named explicitly runs only the cases that name it (framed inputs).
    for (protocol, profile) in [("thrift", "framed"), ("amqp", "session")] {
        let o = run(
            &[
                "check",
                "codec",
                "--protocol",
                protocol,
                "--profile",
                profile,
            ],
            b"",
        );
        assert_eq!(
            o.status.code(),
            Some(0),
            "{protocol} {profile}: {}",
            text(&o.stdout)
        );
    }
    // Usage: an unknown wire protocol; --protocol for another protocol.
    let o = run(&["decode", "thrift", "--protocol", "json5"], b"");
    assert_eq!(
        (o.status.code(), text(&o.stderr)),
        (
            Some(2),
            "msgwire: thrift: no protocol \"json5\" (known: binary, compact, json)\n".into()
        )
    );
    let o = run(&["encode", "jsonrpc", "--protocol", "binary"], b"");
    assert_eq!(
        (o.status.code(), text(&o.stderr)),
        (
            Some(2),
            "msgwire: jsonrpc: --protocol binary applies to thrift only\n".into()
        )
    );
}
