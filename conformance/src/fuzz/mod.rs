//! `msgwire fuzz codec`: differential fuzzing of another implementation against ours.
//!
//! Design: inputs come from the golden vectors of each protocol, changed three ways
//! ([`mutate`]): canonical documents edited (boundary numbers, unusual strings, elements added
//! or dropped) and encoded by our encoder, protocol-level mutation of the vector bytes (AMQP
//! frame fields, sizes and table tags; JSON tree edits and escapes; XML elements, entities and
//! whitespace; MessagePack header widths, lengths and ext types), and byte-level mutation.
//! Each input goes to the adapter (any [`Implementation`]) and to our codecs; our verdict is the
//! reference. A disagreement (accepted vs rejected, different documents, a different protocol
//! error code, a crash, no answer in time) is named by a stable [`Disagreement::signature`],
//! minimized ([`minimize`]: structure first, then bytes) and written as a ready vector file in
//! the corpus format. Everything is driven by one seeded PRNG: the same seed, adapter and
//! corpus give the same run; the time budget only decides where the run stops.

pub mod minimize;
pub mod mutate;
pub mod thrift;

use crate::compare::{compare_docs, shorten};
use crate::forms::{Decoding, FormError};
use crate::report::{self, Item, Status, Suite};
use crate::runner::{Attempt, Implementation};
use crate::vectors::Corpus;
use mutate::{Rng, Seed, Source};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// When a fuzz run stops.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Stop after this long (checked between inputs).
    pub time: Option<Duration>,
    /// Stop after this many inputs.
    pub runs: Option<u64>,
}

/// Golden vectors longer than this are not used as seeds (many small inputs find more).
pub const MAX_SEED: usize = 4096;

/// Seeds asked before a protocol is taken as unsupported by the implementation.
const PROBES: usize = 16;

/// What a fuzz run is asked to do (besides the implementation it runs).
#[derive(Debug, Clone)]
pub struct Plan {
    /// Protocol → the profile to run it under, in run order.
    pub targets: Vec<(String, String)>,
    /// When to stop.
    pub budget: Budget,
    /// The PRNG seed.
    pub seed: u64,
    /// Candidates tried while minimizing one disagreement.
    pub minimize_tries: usize,
    /// Known disagreement signatures (they do not fail the run).
    pub baseline: BTreeSet<String>,
}

/// How two implementations disagreed on one input.
#[derive(Debug, Clone, PartialEq)]
pub struct Disagreement {
    /// The result class (`should-have-accepted`, `wrong-value`, `crash`, ...).
    pub class: &'static str,
    /// A stable name for this kind of disagreement: protocol, profile, class and what
    /// distinguishes it (our error kind, the peer's code, the pointer of the first difference
    /// with indices as `*`), so a baseline can list it and a second finding of it is not new.
    pub signature: String,
    /// What each side did.
    pub detail: String,
    /// Our documents (when we accepted).
    pub ours: Option<Vec<Value>>,
    /// Our error (when we rejected).
    pub our_error: Option<FormError>,
    /// The peer's documents.
    pub theirs: Option<Vec<Value>>,
}

/// One disagreement found, minimized.
#[derive(Debug, Clone)]
pub struct Finding {
    /// The protocol.
    pub protocol: String,
    /// The profile.
    pub profile: String,
    /// The disagreement on the minimized input.
    pub disagreement: Disagreement,
    /// The minimized input.
    pub input: Vec<u8>,
    /// The input as first found.
    pub original: Vec<u8>,
    /// Which generator made it.
    pub source: Source,
    /// The input's number in the run (0-based).
    pub at_run: u64,
    /// Listed in the baseline.
    pub known: bool,
    /// The vector file written, if any.
    pub vector: Option<PathBuf>,
}

/// Per protocol: what the run did.
#[derive(Debug, Clone, Default)]
pub struct Tally {
    /// Inputs compared (both sides answered).
    pub compared: u64,
    /// Inputs both accepted (with equal documents).
    pub both_accepted: u64,
    /// Inputs both rejected.
    pub both_rejected: u64,
    /// Inputs the implementation declined (unsupported).
    pub unsupported: u64,
    /// Inputs per generator: generated, protocol-level, byte-level.
    pub by_source: [u64; 3],
    /// Disagreements seen (all inputs, before deduplication by signature).
    pub disagreements: u64,
    /// Why the protocol was not fuzzed, when it was not.
    pub skipped: Option<String>,
}

/// The outcome of a run.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// Inputs run (over all protocols).
    pub runs: u64,
    /// Per protocol (in plan order).
    pub tallies: Vec<(String, String, Tally)>,
    /// One finding per distinct signature, in order found.
    pub findings: Vec<Finding>,
    /// Wall time.
    pub millis: u64,
    /// Set when the implementation could not be run at all.
    pub startup_failure: Option<String>,
    /// Live servers: times the server was restarted (`--restart`) after it went down.
    pub restarts: u64,
    /// Live servers: why the run ended before its budget (the server went down and no
    /// `--restart` was given, or the restart did not bring it back).
    pub stopped: Option<String>,
    /// `stopped` because a `--restart` failed.
    pub restart_failed: bool,
}

fn tag(e: &FormError) -> String {
    match e.code {
        Some(c) => format!("{} ({c})", e.kind),
        None => e.kind.clone(),
    }
}

/// What names a `wrong-value` in its signature: the last member name of the pointer of the
/// first difference (`/0/items/3/params` → `params`, `/0/result/array/2/float32` →
/// `float32`), so one root cause found at many depths is one signature. The members of a
/// JSON-RPC slot compared as a value (`/0/params/json/a`) name the slot.
fn pointer_shape(p: &str) -> String {
    let segs: Vec<&str> = p.split('/').filter(|s| !s.is_empty()).collect();
    if let Some(i) = segs.iter().position(|s| *s == "json") {
        if i > 0 {
            return segs[i - 1].to_string();
        }
    }
    segs.iter()
        .rev()
        .find(|s| !s.bytes().all(|b| b.is_ascii_digit()))
        .map_or_else(String::new, |s| s.to_string())
}

/// JSON-RPC's JSON slots (`params`, `result`, `id`, `error.data`) hold the JSON text as
/// spelled on the wire; a peer's API keeps the value, not the spelling (whitespace, `1.0`
/// for `1`, member order, escapes). The fuzzer compares them as values (numbers by value),
/// so only a different value is a disagreement; `check codec` still compares spelling.
fn slots_as_values(protocol: &str, docs: &[Value]) -> Vec<Value> {
    fn walk(v: &mut Value) {
        match v {
            Value::Object(o) => {
                for (k, x) in o.iter_mut() {
                    match x {
                        Value::String(t)
                            if matches!(k.as_str(), "params" | "result" | "id" | "data") =>
                        {
                            if let Ok(parsed) = serde_json::from_str::<Value>(t) {
                                *x = serde_json::json!({ "json": parsed });
                            }
                        }
                        _ => walk(x),
                    }
                }
            }
            Value::Array(a) => a.iter_mut().for_each(walk),
            _ => {}
        }
    }
    let mut docs = docs.to_vec();
    if protocol == "jsonrpc" {
        docs.iter_mut().for_each(walk);
    }
    docs
}

/// Compares the peer's answer with ours: `None` when they agree.
pub fn judge(
    protocol: &str,
    profile: &str,
    ours: &Attempt,
    theirs: &Attempt,
) -> Option<Disagreement> {
    let sig = |class: &str, what: &str| {
        if what.is_empty() {
            format!("{protocol}@{profile}:{class}")
        } else {
            format!("{protocol}@{profile}:{class}:{what}")
        }
    };
    let mk = |class: &'static str,
              what: &str,
              detail: String,
              d: Option<&Decoding>,
              t: Option<&Decoding>| {
        Some(Disagreement {
            class,
            signature: sig(class, what),
            detail,
            ours: d.filter(|d| d.error.is_none()).map(|d| d.docs.clone()),
            our_error: d.and_then(|d| d.error.clone()),
            theirs: t.map(|t| t.docs.clone()),
        })
    };
    let ours = match ours {
        Attempt::Decoded(d) => d,
        Attempt::Crash(m) => {
            return mk(
                "msgwire-crash",
                "",
                format!("msgwire crashed: {m}"),
                None,
                None,
            )
        }
        Attempt::Timeout(t) => {
            return mk(
                "msgwire-timeout",
                "",
                format!("msgwire gave no answer in {t:?}"),
                None,
                None,
            )
        }
        Attempt::Unsupported(_) => return None,
    };
    let theirs = match theirs {
        Attempt::Decoded(d) => d,
        Attempt::Unsupported(_) => return None,
        Attempt::Crash(m) => {
            return mk(
                "crash",
                "",
                format!("the implementation crashed: {}", shorten(m, 300)),
                Some(ours),
                None,
            )
        }
        Attempt::Timeout(t) => {
            return mk(
                "timeout",
                "",
                format!("no answer in {t:?}"),
                Some(ours),
                None,
            )
        }
    };
    match (&ours.error, &theirs.error) {
        (None, Some(e)) => mk(
            "should-have-accepted",
            &e.code.map(|c| c.to_string()).unwrap_or_default(),
            format!(
                "msgwire accepts ({}); the implementation rejects: {}",
                shorten(&Value::Array(ours.docs.clone()).to_string(), 160),
                shorten(&format!("{}: {}", tag(e), e.message), 200)
            ),
            Some(ours),
            Some(theirs),
        ),
        (Some(e), None) => mk(
            "should-have-rejected",
            &e.kind,
            format!(
                "msgwire rejects: {}: {}; the implementation accepts: {}",
                tag(e),
                e.message,
                shorten(&Value::Array(theirs.docs.clone()).to_string(), 160)
            ),
            Some(ours),
            Some(theirs),
        ),
        (Some(a), Some(b)) => match (a.code, b.code) {
            (Some(x), Some(y)) if x != y => mk(
                "wrong-error",
                &format!("{x}:{y}"),
                format!(
                    "both reject; msgwire with {}: {}; the implementation with {}: {}",
                    tag(a),
                    a.message,
                    tag(b),
                    b.message
                ),
                Some(ours),
                Some(theirs),
            ),
            _ => None,
        },
        (None, None) => match compare_docs(
            protocol,
            &slots_as_values(protocol, &ours.docs),
            &slots_as_values(protocol, &theirs.docs),
        ) {
            Ok(()) => None,
            Err(m) => mk(
                "wrong-value",
                &pointer_shape(&m.pointer),
                format!("both accept, the documents differ: {m}"),
                Some(ours),
                Some(theirs),
            ),
        },
    }
}

/// The seeds of `protocol`: golden vector inputs (up to [`MAX_SEED`] bytes) whose verdict
/// names `profile`, with the documents our codec decodes them to when it accepts them.
pub fn seeds(corpus: &Corpus, protocol: &str, profile: &str) -> Vec<Seed> {
    let mut out: Vec<Seed> = corpus
        .cases()
        .filter(|(_, c)| c.protocol == protocol && c.input.len() <= MAX_SEED)
        .filter(|(_, c)| c.verdict.for_profile(profile).is_some())
        .map(|(_, c)| {
            let docs = crate::forms::decode(protocol, &c.input, profile)
                .filter(|d| d.error.is_none())
                .map(|d| d.docs);
            Seed {
                input: c.input.clone(),
                docs,
            }
        })
        .collect();
    // The corpus's own order is stable; drop exact duplicates so no input weighs double.
    let mut seen = BTreeSet::new();
    out.retain(|s| seen.insert(s.input.clone()));
    out
}

/// Runs the plan: `imp` against our codecs, `ours`. `found` is told of each new finding (to
/// write its vector and print a line); `progress` after every input.
pub fn run(
    corpus: &Corpus,
    plan: &Plan,
    imp: &mut dyn Implementation,
    ours: &mut dyn Implementation,
    found: &mut dyn FnMut(&mut Finding),
    progress: &mut dyn FnMut(&Outcome),
) -> Outcome {
    let started = Instant::now();
    let mut rng = Rng::new(plan.seed);
    let mut out = Outcome::default();
    let mut active: Vec<(usize, Vec<Seed>)> = Vec::new();
    for (i, (protocol, profile)) in plan.targets.iter().enumerate() {
        let mut tally = Tally::default();
        let s = seeds(corpus, protocol, profile);
        if s.is_empty() {
            tally.skipped = Some(format!(
                "the corpus has no {protocol} case for profile {profile}"
            ));
        } else {
            // Does the implementation do this protocol at all? Ask with up to PROBES seeds
            // spread over the corpus: one kind of message may be unsupported (a codec that
            // has no reader for AMQP's protocol header) where the rest are.
            let step = s.len().div_ceil(PROBES).max(1);
            let mut why = None;
            for seed in s.iter().step_by(step) {
                match imp.decode(protocol, profile, &seed.input) {
                    Attempt::Unsupported(w) => why = Some(w),
                    _ => {
                        why = None;
                        break;
                    }
                }
                if imp.startup_failure().is_some() {
                    break;
                }
            }
            match why {
                Some(why) => {
                    tally.skipped = Some(format!(
                        "not supported by the implementation: {}",
                        shorten(&why, 200)
                    ))
                }
                None => active.push((i, s)),
            }
        }
        out.tallies.push((protocol.clone(), profile.clone(), tally));
        if let Some(why) = imp.startup_failure() {
            out.startup_failure = Some(why);
            out.millis = started.elapsed().as_millis() as u64;
            return out;
        }
    }
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let mut turn = 0usize;
    while !active.is_empty() {
        if plan.budget.runs.is_some_and(|n| out.runs >= n)
            || plan.budget.time.is_some_and(|t| started.elapsed() >= t)
        {
            break;
        }
        let slot = turn % active.len();
        turn += 1;
        let (ti, seeds) = &active[slot];
        let ti = *ti;
        let (protocol, profile) = (plan.targets[ti].0.clone(), plan.targets[ti].1.clone());
        let (input, source) = mutate::next_input_for(&mut rng, &protocol, &profile, seeds);
        let at_run = out.runs;
        out.runs += 1;
        let tally = &mut out.tallies[ti].2;
        tally.by_source[source as usize] += 1;
        let o = ours.decode(&protocol, &profile, &input);
        let t = imp.decode(&protocol, &profile, &input);
        if matches!(t, Attempt::Unsupported(_)) || matches!(o, Attempt::Unsupported(_)) {
            tally.unsupported += 1;
        } else {
            tally.compared += 1;
        }
        match judge(&protocol, &profile, &o, &t) {
            None => {
                if let (Attempt::Decoded(a), Attempt::Decoded(_)) = (&o, &t) {
                    if a.error.is_none() {
                        tally.both_accepted += 1;
                    } else {
                        tally.both_rejected += 1;
                    }
                }
            }
            Some(d) => {
                tally.disagreements += 1;
                if seen.insert(d.signature.clone()) {
                    let signature = d.signature.clone();
                    let mut keeps = |c: &[u8]| {
                        let o = ours.decode(&protocol, &profile, c);
                        let t = imp.decode(&protocol, &profile, c);
                        judge(&protocol, &profile, &o, &t).is_some_and(|x| x.signature == signature)
                    };
                    // A hang costs a timeout per try: minimize it with few tries.
                    let tries = if d.class == "timeout" {
                        8
                    } else {
                        plan.minimize_tries
                    };
                    let small =
                        minimize::minimize_for(&protocol, &profile, &input, tries, &mut keeps);
                    let o = ours.decode(&protocol, &profile, &small);
                    let t = imp.decode(&protocol, &profile, &small);
                    let (small, d) = match judge(&protocol, &profile, &o, &t) {
                        Some(x) if x.signature == d.signature => (small, x),
                        // Flaky: keep what was found.
                        _ => (input.clone(), d),
                    };
                    let mut f = Finding {
                        protocol: protocol.clone(),
                        profile: profile.clone(),
                        known: plan.baseline.contains(&d.signature),
                        disagreement: d,
                        input: small,
                        original: input.clone(),
                        source,
                        at_run,
                        vector: None,
                    };
                    found(&mut f);
                    out.findings.push(f);
                }
            }
        }
        if let Some(why) = imp.startup_failure() {
            out.startup_failure = Some(why);
            break;
        }
        progress(&out);
    }
    out.millis = started.elapsed().as_millis() as u64;
    out
}

/// A short stable hash of a signature (file names and case ids).
pub fn short_hash(s: &str) -> String {
    use sha2::Digest;
    hex::encode(&sha2::Sha256::digest(s.as_bytes())[..4])
}

/// The case id a finding's vector gets.
pub fn case_id(f: &Finding) -> String {
    let class = f.disagreement.class;
    format!(
        "{}/fuzz-{}/{class}",
        f.protocol,
        short_hash(&f.disagreement.signature)
    )
}

/// The vector file (format `msgwire-vectors/1`) for a finding: one case whose verdict is our
/// codec's under the finding's profile. `None` when our own codec crashed (there is no
/// reference verdict to write).
pub fn vector_file(f: &Finding, peer: &str, reproduce: &str, seed: u64) -> Option<Value> {
    let d = &f.disagreement;
    let id = case_id(f);
    let group = id.split('/').nth(1).unwrap_or("fuzz").to_string();
    let mut case = serde_json::Map::new();
    case.insert("id".into(), json!(id));
    case.insert(
        "description".into(),
        json!(format!("msgwire fuzz: {} against {peer}", d.class)),
    );
    case.insert(
        "spec".into(),
        json!(format!(
            "differential against msgwire (the reference); {}",
            d.signature
        )),
    );
    match (&d.ours, &d.our_error) {
        (_, Some(e)) => {
            case.insert("verdict".into(), json!({ f.profile.as_str(): "n" }));
            case.insert("input".into(), json!({"hex": hex::encode(&f.input)}));
            let mut err = json!({"kind": e.kind});
            if let Some(c) = e.code {
                err["code"] = json!(c);
            }
            case.insert("error".into(), err);
        }
        (Some(docs), None) => {
            case.insert("verdict".into(), json!({ f.profile.as_str(): "y" }));
            case.insert("input".into(), json!({"hex": hex::encode(&f.input)}));
            case.insert("expect".into(), Value::Array(docs.clone()));
            let exact = crate::forms::encode(&f.protocol, docs)
                .and_then(Result::ok)
                .is_some_and(|b| b == f.input);
            if !exact {
                case.insert("roundtrip".into(), json!(false));
            }
        }
        (None, None) => return None,
    }
    let peer_says = match (&d.theirs, d.class) {
        (_, "crash" | "timeout") => json!(d.class),
        (Some(docs), "should-have-rejected" | "wrong-value") => Value::Array(docs.clone()),
        _ => json!(d.detail),
    };
    case.insert(
        "findings".into(),
        json!([{"peer": peer, "peer_says": peer_says, "spec_says": "as msgwire decodes it", "note": d.detail}]),
    );
    case.insert("x-signature".into(), json!(d.signature));
    case.insert("x-reproduce".into(), json!(reproduce));
    case.insert(
        "x-fuzz".into(),
        json!({"seed": seed, "run": f.at_run, "original_hex": hex::encode(&f.original)}),
    );
    Some(json!({
        "format": crate::vectors::FORMAT,
        "protocol": f.protocol,
        "group": group,
        "description": "a disagreement found by msgwire fuzz codec, minimized",
        "provenance": {
            "peer": "msgwire fuzz",
            "version": env!("CARGO_PKG_VERSION"),
            "generator": format!("msgwire fuzz codec --seed {seed}"),
        },
        "cases": [Value::Object(case)],
    }))
}

/// Writes a finding's vector under `out/<protocol>/`; its path.
pub fn write_vector(out: &Path, f: &Finding, doc: &Value) -> std::io::Result<PathBuf> {
    let dir = out.join(&f.protocol);
    std::fs::create_dir_all(&dir)?;
    let name = format!("fuzz-{}.json", short_hash(&f.disagreement.signature));
    let path = dir.join(name);
    let text = serde_json::to_string_pretty(doc).unwrap_or_default() + "\n";
    std::fs::write(&path, text)?;
    Ok(path)
}

/// Parses a baseline of signatures: one per line, `#` starts a comment.
pub fn parse_baseline(text: &str) -> BTreeSet<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim())
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect()
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The report of a run (the one model every rendering reads). Exit status: 1 when a
/// disagreement not in the baseline was found, 2 when nothing was compared or the
/// implementation could not start, else 0.
pub fn report(o: &Outcome, name: &str, meta: report::Meta) -> report::Report {
    let mut items = Vec::new();
    for (protocol, profile, t) in &o.tallies {
        let (status, detail) = match &t.skipped {
            Some(why) => (Status::Skipped, why.clone()),
            None => (
                if t.compared > 0 { Status::Passed } else { Status::Skipped },
                format!(
                    "{} input{} ({} generated from the canonical form, {} protocol-level mutations, {} byte-level), {} compared: {} both accepted alike, {} both rejected, {} disagreeing; {} unsupported",
                    t.by_source.iter().sum::<u64>(),
                    plural(t.by_source.iter().sum()),
                    t.by_source[0],
                    t.by_source[1],
                    t.by_source[2],
                    t.compared,
                    t.both_accepted,
                    t.both_rejected,
                    t.disagreements,
                    t.unsupported
                ),
            ),
        };
        items.push(Item {
            id: format!("{protocol}/fuzz/inputs"),
            key: format!("{protocol}/fuzz/inputs@{profile}"),
            protocol: protocol.clone(),
            group: "fuzz".into(),
            section: "differential fuzzing".into(),
            status,
            class: if status == Status::Passed {
                "passed".into()
            } else {
                "skipped".into()
            },
            level: None,
            requirement: None,
            accepts: Some("the same outcome as msgwire on every input".into()),
            detail,
            diff_path: None,
            expected: None,
            actual: None,
            input_hex: None,
            trace: Vec::new(),
            file: None,
            micros: 0,
        });
    }
    for f in &o.findings {
        let d = &f.disagreement;
        let status = match d.class {
            _ if f.known => Status::Baselined,
            "crash" | "timeout" | "msgwire-crash" | "msgwire-timeout" => Status::Error,
            _ => Status::Failed,
        };
        let mut detail = format!(
            "{}; minimized from {} to {} bytes (input {} of the run)",
            d.detail,
            f.original.len(),
            f.input.len(),
            f.at_run
        );
        if let Some(p) = &f.vector {
            detail.push_str(&format!("; vector {}", p.display()));
        }
        items.push(Item {
            id: case_id(f),
            key: d.signature.clone(),
            protocol: f.protocol.clone(),
            group: "fuzz".into(),
            section: "differential fuzzing".into(),
            status,
            class: d.class.into(),
            level: None,
            requirement: None,
            accepts: Some(match (&d.ours, &d.our_error) {
                (_, Some(e)) => format!("must reject (msgwire: {})", tag(e)),
                (Some(_), None) => "must accept, with msgwire's documents".into(),
                _ if d.signature.contains("-server:") => {
                    "the reply the spec owes, exactly once (none for a notification), the server still answering".into()
                }
                _ if d.signature.contains("-client:") => {
                    "a valid response delivered with its value to the call whose id it carries, an invalid one refused or reported, no crash or hang".into()
                }
                _ => "msgwire's own outcome (it failed)".into(),
            }),
            detail,
            diff_path: report::model::diff_path(&d.detail),
            expected: d
                .ours
                .clone()
                .map(|x| report::model::bounded(Value::Array(x))),
            actual: d
                .theirs
                .clone()
                .map(|x| report::model::bounded(Value::Array(x))),
            input_hex: Some(hex::encode(&f.input)),
            trace: Vec::new(),
            file: f.vector.as_ref().map(|p| p.display().to_string()),
            micros: 0,
        });
    }
    if let Some(item) = items.first_mut() {
        if o.restarts > 0 {
            item.detail.push_str(&format!(
                "; the server was restarted {} time{} after going down",
                o.restarts,
                plural(o.restarts)
            ));
        }
        if let Some(why) = &o.stopped {
            item.detail
                .push_str(&format!("; the run stopped before its budget: {why}"));
        }
    }
    let new = o.findings.iter().filter(|f| !f.known).count() as u64;
    let compared: u64 = o.tallies.iter().map(|t| t.2.compared).sum();
    let mut reasons = Vec::new();
    let mut code = 0;
    if let Some(why) = &o.startup_failure {
        reasons.push(format!("the implementation cannot be run: {why}"));
        code = 2;
    } else if compared == 0 {
        reasons.push("nothing compared: the implementation supports none of the selected protocols, or the budget allowed no input".into());
        code = 2;
    } else if new > 0 {
        reasons.push(format!(
            "{new} disagreement{} not in the baseline",
            plural(new)
        ));
        code = 1;
    }
    // A server that `--restart` did not bring back checked less than the budget asked for:
    // not a clean run, whatever was baselined.
    if let Some(why) = o.stopped.as_ref().filter(|_| o.restart_failed) {
        reasons.push(format!("the run stopped early: {why}"));
        if code == 0 {
            code = 2;
        }
    }
    report::Report {
        format: report::model::FORMAT.into(),
        title: "fuzz codec".into(),
        verdict: report::Verdict {
            exit_code: code,
            reasons,
        },
        meta,
        stale_baseline: Vec::new(),
        suites: vec![Suite {
            name: name.to_string(),
            millis: o.millis,
            items,
        }],
    }
}

/// Protocol → profiles a `--profile` selects (each protocol's default when `None`).
pub fn targets(
    protocols: &[String],
    profile: Option<&str>,
) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    let mut rejected = BTreeMap::new();
    for p in protocols {
        let Some(all) = crate::forms::profiles(p) else {
            return Err(format!("unknown protocol {p:?}"));
        };
        match profile {
            None => out.push((p.clone(), all[0].to_string())),
            Some(x) if all.contains(&x) => out.push((p.clone(), x.to_string())),
            Some(_) => {
                rejected.insert(p.clone(), all.join(", "));
            }
        }
    }
    if out.is_empty() {
        let list: Vec<String> = rejected.iter().map(|(p, a)| format!("{p}: {a}")).collect();
        return Err(format!(
            "--profile {} is no profile of the selected protocols ({})",
            profile.unwrap_or(""),
            list.join("; ")
        ));
    }
    Ok(out)
}

/// What one input did to a live server (see `crate::live::FuzzVerdict`).
pub type ServerVerdict = crate::live::FuzzVerdict;

/// `msgwire fuzz <protocol>-server`: inputs made as for `fuzz codec` (generated from the
/// corpus's messages of `protocol`, mutated at the protocol's level and byte by byte), each
/// sent to the server through `exchange`, which judges the server's answer against what the
/// spec owes. A broken invariant is minimized (structure, then bytes) while the same failure
/// (class and key) shows, except `server-down`, after which the run stops (the target is
/// gone). `target` prefixes every signature (`jsonrpc-server`, `amqp-server`, ...).
#[allow(clippy::too_many_arguments)]
pub fn run_server(
    corpus: &Corpus,
    plan: &Plan,
    protocol: &str,
    target: &str,
    exchange: &mut dyn FnMut(&[u8]) -> ServerVerdict,
    restart: Option<&mut Restart<'_>>,
    found: &mut dyn FnMut(&mut Finding),
    progress: &mut dyn FnMut(&Outcome),
) -> Outcome {
    let profile = crate::forms::profiles(protocol)
        .and_then(|p| p.first().copied())
        .unwrap_or("strict")
        .to_string();
    if protocol == "thrift" {
        // The plan's profile names the target's transport and protocol (`framed/compact`).
        let spec = plan
            .targets
            .first()
            .map_or_else(|| "unframed/binary".to_string(), |t| t.1.clone());
        let docs: Vec<Vec<Value>> = seeds(corpus, protocol, "strict")
            .into_iter()
            .filter_map(|s| s.docs)
            .collect();
        let seeds = thrift::server_seeds(&docs, &spec);
        return run_live(
            seeds, plan, protocol, &spec, target, exchange, restart, found, progress,
        );
    }
    let seeds = seeds(corpus, protocol, &profile);
    run_live(
        seeds, plan, protocol, "", target, exchange, restart, found, progress,
    )
}

/// `msgwire fuzz <protocol>-client`: as [`run_server`], with the seeds of
/// [`client_seeds`] (what a server sends, its ids made placeholders that the scripted server
/// swaps for the ids the client's requests carry), each input played to a client driver by
/// `exchange`.
pub fn run_client(
    corpus: &Corpus,
    plan: &Plan,
    protocol: &str,
    target: &str,
    exchange: &mut dyn FnMut(&[u8]) -> ServerVerdict,
    found: &mut dyn FnMut(&mut Finding),
    progress: &mut dyn FnMut(&Outcome),
) -> Outcome {
    let seeds = client_seeds(corpus, protocol);
    run_live(
        seeds, plan, protocol, "", target, exchange, None, found, progress,
    )
}

/// The placeholder of call `i`'s id in a JSON-RPC client input: the JSON string
/// `"msgwire-id-I"`, swapped for the id the client's request for call `i` carried.
pub fn jsonrpc_id_placeholder(i: usize) -> String {
    format!("\"msgwire-id-{i}\"")
}

/// The placeholder of call `i`'s msgid in a MessagePack-RPC client input: the uint32
/// `0x6d770000 + i` (bytes `ce 6d 77 00 0i`), swapped for the msgid of the client's request.
pub const MSGPACK_MSGID_PLACEHOLDER: u32 = 0x6d77_0000;

/// Seeds for fuzzing a client: the corpus's messages a server sends (JSON-RPC responses and
/// batches of them, XML-RPC methodResponses, MessagePack-RPC responses and notifications;
/// invalid cases as they are, since they are what a server must not send), the ids of
/// generated responses replaced by placeholders (call 0, 1, ... in order:
/// [`jsonrpc_id_placeholder`], [`MSGPACK_MSGID_PLACEHOLDER`]) so that a response can match
/// the client's own request.
pub fn client_seeds(corpus: &Corpus, protocol: &str) -> Vec<Seed> {
    let profile = crate::forms::profiles(protocol)
        .and_then(|p| p.first().copied())
        .unwrap_or("strict");
    let mut out = Vec::new();
    for s in seeds(corpus, protocol, profile) {
        let Some(docs) = &s.docs else {
            // An invalid case: kept when it looks like a server's message.
            let keep = match protocol {
                "jsonrpc" => {
                    s.input.windows(8).any(|w| w == b"\"result\"")
                        || s.input.windows(7).any(|w| w == b"\"error\"")
                }
                "xmlrpc" => s.input.windows(14).any(|w| w == b"methodResponse"),
                "msgpack-rpc" => s.input.len() > 1 && matches!(s.input[1], 1 | 2),
                _ => true,
            };
            if keep {
                out.push(s);
            }
            continue;
        };
        let mut docs = docs.clone();
        let mut next = 0usize;
        // A request's params make a response's result: the corpus has far more requests
        // (every value type, boundary numbers, escapes) than responses.
        let answered: Vec<Value> = docs
            .iter()
            .filter_map(|d| match (protocol, d.get("type").and_then(Value::as_str)) {
                ("jsonrpc", Some("request")) => d.get("params").map(|p| {
                    json!({"type": "response", "result": p, "id": d.get("id").cloned().unwrap_or(json!("1"))})
                }),
                _ => match (protocol, d.get("kind").and_then(Value::as_str)) {
                    ("msgpack-rpc", Some("request")) => Some(json!({
                        "kind": "response",
                        "msgid": d.get("msgid").cloned().unwrap_or(json!(0)),
                        "error": {"nil": null},
                        "result": {"array": d.get("params").cloned().unwrap_or(json!([]))},
                    })),
                    _ => None,
                },
            })
            .collect();
        if answered.len() == docs.len() {
            docs = answered;
        }
        let server_side = match protocol {
            "jsonrpc" => docs.iter_mut().all(|d| {
                let mut items: Vec<&mut Value> = match d.get("type").and_then(Value::as_str) {
                    Some("batch") => match d.get_mut("items").and_then(Value::as_array_mut) {
                        Some(a) => a.iter_mut().collect(),
                        None => return false,
                    },
                    _ => vec![d],
                };
                let responses = items.iter().all(|i| {
                    matches!(
                        i.get("type").and_then(Value::as_str),
                        Some("response" | "error")
                    )
                });
                if responses {
                    for i in items.iter_mut() {
                        if i.get("id").and_then(Value::as_str) != Some("null") && next < 8 {
                            i["id"] = Value::String(jsonrpc_id_placeholder(next));
                            next += 1;
                        }
                    }
                }
                responses
            }),
            "xmlrpc" => docs
                .iter()
                .all(|d| d.get("kind").and_then(Value::as_str) != Some("call")),
            "msgpack-rpc" => docs
                .iter_mut()
                .all(|d| match d.get("kind").and_then(Value::as_str) {
                    Some("response") => {
                        if next < 8 {
                            d["msgid"] = Value::from(MSGPACK_MSGID_PLACEHOLDER + next as u32);
                            next += 1;
                        }
                        true
                    }
                    Some("notification") => true,
                    _ => false,
                }),
            _ => true,
        };
        if !server_side {
            continue;
        }
        if let Some(Ok(input)) = crate::forms::encode(protocol, &docs) {
            out.push(Seed {
                input,
                docs: Some(docs),
            });
        }
    }
    let mut seen = BTreeSet::new();
    out.retain(|s| seen.insert(s.input.clone()));
    out
}

/// Brings a server that went down back (`msgwire fuzz <protocol>-server --restart CMD`): runs
/// the command and waits until the target answers again; `Err` says why it did not.
pub type Restart<'a> = dyn FnMut() -> Result<(), String> + 'a;

/// Exchanges tried while minimizing an input that takes the server down: each that does costs
/// a restart.
const MINIMIZE_DOWN_TRIES: usize = 60;

/// The loop of [`run_server`] and [`run_client`] over `seeds`; `shape` is the profile inputs
/// are made and minimized under (Thrift: the target's `transport/protocol`; else `""`).
///
/// Without `restart` the run ends at the first `server-down`. With it, the server is restarted
/// whenever an exchange (an input, a minimization candidate, the check of the minimized
/// input) leaves it down, and the run goes on; an input that takes it down is minimized too,
/// in at most [`MINIMIZE_DOWN_TRIES`] exchanges. A restart that fails ends the run.
#[allow(clippy::too_many_arguments)]
fn run_live(
    seeds: Vec<Seed>,
    plan: &Plan,
    protocol: &str,
    shape: &str,
    target: &str,
    exchange: &mut dyn FnMut(&[u8]) -> ServerVerdict,
    mut restart: Option<&mut Restart<'_>>,
    found: &mut dyn FnMut(&mut Finding),
    progress: &mut dyn FnMut(&Outcome),
) -> Outcome {
    let started = Instant::now();
    let mut rng = Rng::new(plan.seed);
    let mut out = Outcome::default();
    let profile = crate::forms::profiles(protocol)
        .and_then(|p| p.first().copied())
        .unwrap_or("strict")
        .to_string();
    let mut tally = Tally::default();
    if seeds.is_empty() {
        tally.skipped = Some(format!("the corpus has no {protocol} case"));
    }
    out.tallies.push((protocol.into(), profile.clone(), tally));
    let mut seen: BTreeSet<String> = BTreeSet::new();
    while !seeds.is_empty() {
        if plan.budget.runs.is_some_and(|n| out.runs >= n)
            || plan.budget.time.is_some_and(|t| started.elapsed() >= t)
        {
            break;
        }
        let (input, source) = mutate::next_input_for(&mut rng, protocol, shape, &seeds);
        let at_run = out.runs;
        out.runs += 1;
        let tally = &mut out.tallies[0].2;
        tally.by_source[source as usize] += 1;
        let verdict = exchange(&input);
        let Some((class, key, detail)) = verdict.broken() else {
            if verdict == ServerVerdict::Ok {
                tally.compared += 1;
                tally.both_accepted += 1;
            } else {
                tally.unsupported += 1;
            }
            progress(&out);
            continue;
        };
        let (key, detail) = (key.to_string(), detail.to_string());
        tally.compared += 1;
        tally.disagreements += 1;
        let signature = if key.is_empty() {
            format!("{target}:{class}")
        } else {
            format!("{target}:{class}:{key}")
        };
        let down = class == "server-down";
        let is_down = |v: &ServerVerdict| v.broken().is_some_and(|(c, _, _)| c == "server-down");
        // After an exchange that left the server down: restart it, or say why the run ends.
        let mut revive = |v: &ServerVerdict, out: &mut Outcome| -> bool {
            if !is_down(v) {
                return true;
            }
            let Some(r) = restart.as_mut() else {
                out.stopped = Some(format!(
                    "the server went down at input {at_run} (no --restart)"
                ));
                return false;
            };
            match r() {
                Ok(()) => {
                    out.restarts += 1;
                    true
                }
                Err(e) => {
                    out.stopped = Some(format!("--restart after input {at_run}: {e}"));
                    out.restart_failed = true;
                    false
                }
            }
        };
        let mut alive = revive(&verdict, &mut out);
        if seen.insert(signature.clone()) {
            let same =
                |v: &ServerVerdict| v.broken().is_some_and(|(c, k, _)| c == class && k == key);
            let tries = match (down, alive) {
                (false, true) => plan.minimize_tries,
                (true, true) => plan.minimize_tries.min(MINIMIZE_DOWN_TRIES),
                (_, false) => 0,
            };
            let mut keeps = |c: &[u8]| {
                if !alive {
                    return false;
                }
                let v = exchange(c);
                alive = revive(&v, &mut out);
                same(&v)
            };
            let small = minimize::minimize_for(protocol, shape, &input, tries, &mut keeps);
            let again = if alive { Some(exchange(&small)) } else { None };
            if let Some(v) = &again {
                alive = revive(v, &mut out);
            }
            let (small, detail) = match again.as_ref().and_then(|v| v.broken()) {
                Some((c, k, d)) if c == class && k == key => (small, d.to_string()),
                _ => (input.clone(), detail),
            };
            let mut f = Finding {
                protocol: protocol.into(),
                profile: profile.clone(),
                known: plan.baseline.contains(&signature),
                disagreement: Disagreement {
                    class,
                    signature,
                    detail,
                    ours: None,
                    our_error: None,
                    theirs: None,
                },
                input: small,
                original: input,
                source,
                at_run,
                vector: None,
            };
            found(&mut f);
            out.findings.push(f);
        }
        progress(&out);
        if !alive {
            break;
        }
    }
    out.millis = started.elapsed().as_millis() as u64;
    out
}

/// The replayable wire script of a server finding: what to send, what broke, and the command
/// that sends it again (`msgwire fuzz <protocol>-server URL --replay FILE`).
pub fn wire_script(f: &Finding, target_url: &str, reproduce: &str, seed: u64) -> Value {
    let send = match std::str::from_utf8(&f.input) {
        Ok(t) => json!({"text": t}),
        Err(_) => json!({"hex": hex::encode(&f.input)}),
    };
    json!({
        "format": "msgwire-wire-script/1",
        "target": target_url,
        "signature": f.disagreement.signature,
        "class": f.disagreement.class,
        "detail": f.disagreement.detail,
        "send": [send],
        "x-fuzz": {"seed": seed, "run": f.at_run, "original_hex": hex::encode(&f.original)},
        "reproduce": reproduce,
    })
}

/// The inputs of a wire script written by [`wire_script`].
pub fn read_wire_script(doc: &Value) -> Result<Vec<Vec<u8>>, String> {
    if doc.get("format").and_then(Value::as_str) != Some("msgwire-wire-script/1") {
        return Err("not a msgwire-wire-script/1 file".into());
    }
    let send = doc
        .get("send")
        .and_then(Value::as_array)
        .ok_or("no \"send\" array")?;
    send.iter()
        .map(|s| {
            match (
                s.get("text").and_then(Value::as_str),
                s.get("hex").and_then(Value::as_str),
            ) {
                (Some(t), _) => Ok(t.as_bytes().to_vec()),
                (None, Some(h)) => hex::decode(h).map_err(|e| format!("send: {e}")),
                _ => Err("a send item without \"text\" or \"hex\"".into()),
            }
        })
        .collect()
}

/// Every seed of the built-in corpus with its protocol and profile, over every protocol's
/// fuzz target (the mutator and minimizer tests run over all of them); empty when the corpus
/// cannot be opened.
#[cfg(test)]
pub(crate) fn every_seed() -> Vec<(String, String, Seed)> {
    let Ok(corpus) = crate::corpus::open(None) else {
        return Vec::new();
    };
    let all = ["amqp", "jsonrpc", "xmlrpc", "msgpack-rpc", "thrift"].map(String::from);
    targets(&all, None)
        .unwrap()
        .into_iter()
        .flat_map(|(protocol, profile)| {
            seeds(&corpus, &protocol, &profile)
                .into_iter()
                .map(move |s| (protocol.clone(), profile.clone(), s))
        })
        .collect()
}
