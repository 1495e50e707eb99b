//! `msgwire fuzz codec`: a correct implementation (msgwire itself, as a persistent adapter
//! through `msgwire serve`) runs clean; deliberately broken ones (a wrapper script that
//! accepts a trailing byte or drops the JSON-RPC `id`, and in-process fakes) are found,
//! minimized to a few bytes, written as vectors that the corpus loader reads and that
//! reproduce; the same seed gives the same run; baselines and exit codes.

mod common;

use common::{fuzz_server, run, text};
use msgwire_conformance::forms::{self, Decoding};
use msgwire_conformance::fuzz::{self, Budget, Plan};
use msgwire_conformance::runner::codec::Ours;
use msgwire_conformance::runner::{Attempt, EncodeAttempt, Implementation};
use msgwire_conformance::vectors::Corpus;
use serde_json::Value;
use std::path::{Path, PathBuf};

const BIN: &str = env!("CARGO_BIN_EXE_msgwire");

fn scratch(name: &str) -> PathBuf {
    common::scratch("msgwire-fuzz", name)
}

/// The broken wrapper script, as an adapter command (one-shot).
fn broken(bug: &str) -> String {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/fuzz_broken_adapter.sh");
    format!("sh {} {BIN} {bug}", script.display())
}

/// A corpus that does not change as vectors/ grows (JSON-RPC's spec examples), so a seed's
/// run is the same from one commit to the next.
fn fixed_corpus() -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/fuzz-corpus")
        .display()
        .to_string()
}

fn report(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn items(rep: &Value) -> Vec<Value> {
    rep["suites"][0]["items"].as_array().unwrap().clone()
}

#[test]
fn msgwire_itself_as_a_persistent_adapter_runs_clean() {
    let dir = scratch("clean");
    let json = dir.join("r.json");
    let out = run(&[
        "fuzz",
        "codec",
        "--adapter",
        BIN,
        "--runs",
        "2500",
        "--seed",
        "7",
        "--out",
        dir.join("found").to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let rep = report(&json);
    assert_eq!(rep["verdict"]["exit_code"], 0);
    let items = items(&rep);
    // One summary item per protocol, each having compared its share of the inputs.
    assert_eq!(items.len(), 5, "{items:?}");
    for i in &items {
        assert_eq!(i["status"], "passed", "{i}");
        assert!(
            i["detail"].as_str().unwrap().contains("500 compared"),
            "{i}"
        );
    }
    assert!(!dir.join("found").exists(), "no disagreement, no vector");
}

#[test]
fn a_trailing_byte_bug_is_found_minimized_written_and_reproduced() {
    let dir = scratch("trailing");
    let found = dir.join("found");
    let json = dir.join("r.json");
    let adapter = broken("trailing");
    let out = run(&[
        "fuzz",
        "codec",
        "--adapter",
        &adapter,
        "--one-shot",
        "--protocol",
        "jsonrpc",
        "--runs",
        "40",
        "--seed",
        "4",
        "--corpus",
        &fixed_corpus(),
        "--minimize-tries",
        "150",
        "--out",
        found.to_str().unwrap(),
        "--json",
        json.to_str().unwrap(),
        "--junit",
        dir.join("r.xml").to_str().unwrap(),
    ]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let rep = report(&json);
    let failed: Vec<Value> = items(&rep)
        .into_iter()
        .filter(|i| i["status"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1, "{failed:?}");
    let f = &failed[0];
    assert_eq!(f["class"], "should-have-rejected");
    assert_eq!(f["key"], "jsonrpc@strict:should-have-rejected:parse-error");
    // Minimized: the shortest JSON-RPC message there is, and one byte after it.
    let input = hex::decode(f["input_hex"].as_str().unwrap()).unwrap();
    assert!(input.len() <= 32, "{}", text(&input));
    assert!(text(&input).starts_with('{'), "{}", text(&input));
    assert!(std::fs::read_to_string(dir.join("r.xml"))
        .unwrap()
        .contains("<failure"));

    // The vector loads with the corpus loader and says what msgwire says.
    let corpus = Corpus::load(&found).unwrap_or_else(|e| panic!("{e}"));
    let cases: Vec<_> = corpus.cases().collect();
    assert_eq!(cases.len(), 1);
    let case = cases[0].1;
    assert_eq!(case.input, input);
    assert_eq!(case.error.as_ref().unwrap().code, Some(-32700));
    let reproduce = case.raw["x-reproduce"].as_str().unwrap();
    assert!(reproduce.contains("--only jsonrpc/fuzz-"), "{reproduce}");

    // It reproduces: the broken adapter fails it, our codecs pass it.
    let again = run(&[
        "check",
        "codec",
        "--adapter",
        &adapter,
        "--vectors",
        found.to_str().unwrap(),
    ]);
    assert_eq!(again.status.code(), Some(1), "{}", text(&again.stdout));
    assert!(
        text(&again.stdout).contains("should-have-rejected"),
        "{}",
        text(&again.stdout)
    );
    let ours = run(&["check", "codec", "--vectors", found.to_str().unwrap()]);
    assert_eq!(
        ours.status.code(),
        Some(0),
        "{}{}",
        text(&ours.stdout),
        text(&ours.stderr)
    );

    // With its signature in a baseline, the same run passes and marks it baselined.
    let base = dir.join("known.txt");
    std::fs::write(
        &base,
        "# known\njsonrpc@strict:should-have-rejected:parse-error\n",
    )
    .unwrap();
    let json2 = dir.join("r2.json");
    let known = run(&[
        "fuzz",
        "codec",
        "--adapter",
        &adapter,
        "--one-shot",
        "--protocol",
        "jsonrpc",
        "--runs",
        "40",
        "--seed",
        "4",
        "--corpus",
        &fixed_corpus(),
        "--minimize-tries",
        "150",
        "--baseline",
        base.to_str().unwrap(),
        "--json",
        json2.to_str().unwrap(),
    ]);
    assert_eq!(known.status.code(), Some(0), "{}", text(&known.stdout));
    let rep2 = report(&json2);
    assert!(items(&rep2).iter().any(|i| i["status"] == "baselined"));
    // The same seed found the same input.
    let f2 = items(&rep2)
        .into_iter()
        .find(|i| i["status"] == "baselined")
        .unwrap();
    assert_eq!(f2["input_hex"], f["input_hex"]);
}

/// An in-process implementation: our codecs with a bug.
struct Buggy {
    bug: &'static str,
}

impl Implementation for Buggy {
    fn name(&self) -> String {
        format!("buggy {}", self.bug)
    }
    fn profiles(&self, protocol: &str) -> Option<Vec<String>> {
        forms::profiles(protocol).map(|p| p.iter().map(|s| s.to_string()).collect())
    }
    fn decode(&mut self, protocol: &str, profile: &str, input: &[u8]) -> Attempt {
        let mut d = forms::decode(protocol, input, profile).unwrap();
        match self.bug {
            "drop-id" => {
                for doc in &mut d.docs {
                    if let Some(o) = doc.as_object_mut() {
                        o.remove("id");
                    }
                }
            }
            // A MessagePack decoder that takes the never-used marker 0xc1 as nil.
            "c1-is-nil" if d.error.is_some() && input.contains(&0xc1) => {
                let fixed: Vec<u8> = input
                    .iter()
                    .map(|&b| if b == 0xc1 { 0xc0 } else { b })
                    .collect();
                d = forms::decode(protocol, &fixed, profile).unwrap();
            }
            "hang" if input.len() % 7 == 3 => return Attempt::Timeout(std::time::Duration::ZERO),
            _ => {}
        }
        Attempt::Decoded(Decoding {
            docs: d.docs,
            error: d.error,
        })
    }
    fn encode(&mut self, _: &str, _: &str, _: &[Value]) -> EncodeAttempt {
        EncodeAttempt::Unsupported("decode only".into())
    }
    fn checks_error_kind(&self) -> bool {
        false
    }
    fn must_encode(&self) -> bool {
        false
    }
}

fn fuzz_in_process(
    bug: &'static str,
    protocol: &str,
    profile: Option<&str>,
    seed: u64,
    runs: u64,
) -> fuzz::Outcome {
    let corpus = Corpus::embedded().unwrap();
    let plan = Plan {
        targets: fuzz::targets(&[protocol.to_string()], profile).unwrap(),
        budget: Budget {
            time: None,
            runs: Some(runs),
        },
        seed,
        minimize_tries: fuzz::minimize::MAX_TRIES,
        baseline: Default::default(),
    };
    let mut imp = Buggy { bug };
    let mut ours = Ours::default();
    fuzz::run(
        &corpus,
        &plan,
        &mut imp,
        &mut ours,
        &mut |_| {},
        &mut |_| {},
    )
}

#[test]
fn the_same_seed_gives_the_same_run() {
    let a = fuzz_in_process("drop-id", "jsonrpc", None, 42, 400);
    let b = fuzz_in_process("drop-id", "jsonrpc", None, 42, 400);
    assert_eq!(a.runs, 400);
    assert!(!a.findings.is_empty());
    let key = |o: &fuzz::Outcome| -> Vec<(String, Vec<u8>, u64)> {
        o.findings
            .iter()
            .map(|f| (f.disagreement.signature.clone(), f.input.clone(), f.at_run))
            .collect()
    };
    assert_eq!(key(&a), key(&b));
    assert_eq!(a.tallies[0].2.both_accepted, b.tallies[0].2.both_accepted);
    // Every finding is about the id, and minimized to a short message.
    for f in &a.findings {
        assert_eq!(f.disagreement.class, "wrong-value");
        assert!(
            f.disagreement.signature.ends_with(":id"),
            "{}",
            f.disagreement.signature
        );
        assert!(f.input.len() <= 40, "{}", text(&f.input));
    }
}

#[test]
fn a_messagepack_marker_bug_is_minimized_to_a_few_bytes() {
    let o = fuzz_in_process("c1-is-nil", "msgpack-rpc", Some("value"), 3, 3000);
    let f = o
        .findings
        .iter()
        .find(|f| f.disagreement.class == "should-have-rejected")
        .unwrap_or_else(|| panic!("not found in {} runs: {:?}", o.runs, o.tallies));
    assert!(f.input.contains(&0xc1));
    assert!(f.input.len() <= 2, "{}", hex::encode(&f.input));
    let doc = fuzz::vector_file(f, "buggy", "msgwire check codec ...", 3).unwrap();
    assert_eq!(
        doc["cases"][0]["verdict"],
        serde_json::json!({"value": "n"})
    );
}

#[test]
fn a_correct_implementation_has_no_finding_in_process() {
    let o = fuzz_in_process("none", "amqp", None, 9, 1500);
    assert!(
        o.findings.is_empty(),
        "{:?}",
        o.findings.first().map(|f| &f.disagreement)
    );
    assert!(o.tallies[0].2.compared == 1500);
    assert!(o.tallies[0].2.both_accepted > 0 && o.tallies[0].2.both_rejected > 0);
}

#[test]
fn nothing_compared_or_no_budget_or_no_adapter_exit_2() {
    let unsupported = run(&[
        "fuzz",
        "codec",
        "--adapter",
        "sh -c 'exit 3' x",
        "--one-shot",
        "--runs",
        "10",
    ]);
    assert_eq!(
        unsupported.status.code(),
        Some(2),
        "{}",
        text(&unsupported.stdout)
    );
    assert!(
        text(&unsupported.stderr).contains("nothing compared"),
        "{}",
        text(&unsupported.stderr)
    );
    let missing = run(&[
        "fuzz",
        "codec",
        "--adapter",
        "/nonexistent/adapter",
        "--runs",
        "10",
    ]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(
        text(&missing.stderr).contains("cannot"),
        "{}",
        text(&missing.stderr)
    );
    let no_budget = run(&["fuzz", "codec", "--adapter", BIN]);
    assert_eq!(no_budget.status.code(), Some(2));
    assert!(
        text(&no_budget.stderr).contains("--time"),
        "{}",
        text(&no_budget.stderr)
    );
    let bad_profile = run(&[
        "fuzz",
        "codec",
        "--adapter",
        BIN,
        "--runs",
        "5",
        "--profile",
        "nope",
    ]);
    assert_eq!(bad_profile.status.code(), Some(2));
}

#[test]
fn serve_speaks_the_persistent_contract() {
    let req = concat!(
        r#"{"op":"decode","protocol":"jsonrpc","profile":"strict","input":"7b7d"}"#,
        "\n",
        r#"{"op":"decode","protocol":"msgpack-rpc","profile":"strict","input":"940001a16d90"}"#,
        "\n",
        r#"{"op":"encode","protocol":"jsonrpc","profile":"strict","docs":[{"type":"notification","method":"m"}]}"#,
        "\n",
        r#"{"op":"decode","protocol":"smtp","input":""}"#,
        "\n",
    );
    let mut out = Vec::new();
    let code = msgwire_conformance::cli::serve(&mut req.as_bytes(), &mut out);
    assert_eq!(code, 0);
    let lines: Vec<Value> = text(&out)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["error"]["code"], -32600, "{}", lines[0]);
    assert!(
        lines[1]["docs"].is_array() && lines[1].get("error").is_none(),
        "{}",
        lines[1]
    );
    let bytes = hex::decode(lines[2]["output"].as_str().unwrap()).unwrap();
    assert_eq!(text(&bytes), r#"{"jsonrpc":"2.0","method":"m"}"#);
    assert!(lines[3]["unsupported"].is_string());
}

/// docs/ci.md's workflows use only flags that `check codec` and `fuzz codec` have.
#[test]
fn the_ci_recipes_use_real_flags() {
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/ci.md"))
        .unwrap();
    let mut checked = 0;
    for sub in ["check", "fuzz"] {
        let help = text(&run(&[sub, "codec", "--help"]).stdout);
        let start = format!("msgwire {sub} codec ");
        for (at, _) in doc.match_indices(&start) {
            let rest = &doc[at + start.len()..];
            let end = ["\n      - ", "\n    - ", "```", "\n\n", "|| status"]
                .iter()
                .filter_map(|e| rest.find(e))
                .min()
                .unwrap_or(rest.len());
            for word in rest[..end].split_whitespace() {
                let word = word.trim_matches(|c: char| c == '\'' || c == '"');
                if let Some(flag) = word.strip_prefix("--").filter(|f| !f.is_empty()) {
                    let flag = flag.split('=').next().unwrap();
                    assert!(
                        help.contains(&format!("--{flag}")),
                        "docs/ci.md: msgwire {sub} codec has no --{flag}"
                    );
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 20, "{checked}");
}

/// A JSON-RPC server over HTTP on a loopback port, in this process: `jsonrpc::serve` with an
/// `echo` method, and, when `bug`, a reply to every notification too.
fn http_server(bug: bool) -> String {
    use msgwire::jsonrpc::{self, ErrorCode, ErrorObject, Outcome, Raw};
    use std::io::{Read, Write};
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/", l.local_addr().unwrap());
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            s.set_read_timeout(Some(std::time::Duration::from_secs(5)))
                .ok();
            let mut buf = Vec::new();
            let mut chunk = [0u8; 65536];
            let body = loop {
                if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                    let head = String::from_utf8_lossy(&buf[..end]).to_ascii_lowercase();
                    let len: usize = head
                        .lines()
                        .find_map(|l| l.strip_prefix("content-length:"))
                        .and_then(|v| v.trim().parse().ok())
                        .unwrap_or(0);
                    if buf.len() >= end + 4 + len {
                        break Some(buf[end + 4..end + 4 + len].to_vec());
                    }
                }
                match s.read(&mut chunk) {
                    Ok(0) | Err(_) => break None,
                    Ok(n) => buf.extend_from_slice(&chunk[..n]),
                }
            };
            let Some(body) = body else { continue };
            let reply = jsonrpc::serve(&body)
                .respond(|r| {
                    if r.method == "echo" {
                        let text = r.params.as_ref().map_or("[]", |p| p.get()).to_string();
                        Outcome::Result(Raw::from(
                            serde_json::value::RawValue::from_string(text).unwrap(),
                        ))
                    } else {
                        Outcome::Error(ErrorObject::new(
                            ErrorCode::METHOD_NOT_FOUND,
                            "Method not found",
                        ))
                    }
                })
                .or_else(|| bug.then(|| br#"{"jsonrpc":"2.0","result":null,"id":null}"#.to_vec()));
            let _ = match reply {
                None => s.write_all(b"HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"),
                Some(r) => s
                    .write_all(
                        format!(
                            "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
                            r.len()
                        )
                        .as_bytes(),
                    )
                    .and_then(|_| s.write_all(&r)),
            };
        }
    });
    url
}

#[test]
fn fuzz_jsonrpc_server_clean_buggy_minimized_replayed() {
    // A conforming server: every input gets what is owed; nothing is found.
    let good = http_server(false);
    let dir = scratch("server");
    let json = dir.join("good.json");
    let o = fuzz_server(
        "jsonrpc-server",
        &good,
        &[
            "--echo-method",
            "echo",
            "--runs",
            "300",
            "--json",
            json.to_str().unwrap(),
            "--out",
            dir.join("good").to_str().unwrap(),
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    let rep = report(&json);
    assert_eq!(rep["title"], "fuzz jsonrpc-server");
    let detail = items(&rep)[0]["detail"].as_str().unwrap().to_string();
    assert!(detail.contains("300 inputs"), "{detail}");
    assert!(!dir.join("good").exists());

    // A server that answers notifications: found, minimized to a short notification,
    // written as a wire script that replays (fails against it, passes against the good one).
    let bad = http_server(true);
    let found = dir.join("found");
    let o = fuzz_server(
        "jsonrpc-server",
        &bad,
        &[
            "--echo-method",
            "echo",
            "--runs",
            "300",
            "--out",
            found.to_str().unwrap(),
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}{}",
        text(&o.stdout),
        text(&o.stderr)
    );
    assert!(text(&o.stdout).contains("jsonrpc-server:reply-to-notification"));
    let scripts: Vec<PathBuf> = std::fs::read_dir(found.join("jsonrpc-server"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(scripts.len(), 1, "{scripts:?}");
    let script: Value = serde_json::from_slice(&std::fs::read(&scripts[0]).unwrap()).unwrap();
    assert_eq!(script["class"], "reply-to-notification");
    let sent = script["send"][0]["text"].as_str().unwrap();
    assert!(sent.len() <= 40 && !sent.contains("\"id\""), "{sent}");
    assert!(script["reproduce"].as_str().unwrap().contains("--replay"));
    let replay = |url: &str| {
        fuzz_server(
            "jsonrpc-server",
            url,
            &[
                "--echo-method",
                "echo",
                "--replay",
                scripts[0].to_str().unwrap(),
            ],
        )
    };
    let again = replay(&bad);
    assert_eq!(again.status.code(), Some(1), "{}", text(&again.stdout));
    assert!(text(&again.stdout).contains("FAILED reply-to-notification"));
    assert_eq!(replay(&good).status.code(), Some(0));

    // Nobody there: exit 2 at once.
    let gone = fuzz_server("jsonrpc-server", "http://127.0.0.1:9/", &["--runs", "5"]);
    assert_eq!(gone.status.code(), Some(2), "{}", text(&gone.stderr));
}
