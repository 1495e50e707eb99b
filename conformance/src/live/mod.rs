//! Live conformance: check a running implementation against the spec, case by case, the way
//! h2spec checks HTTP/2 servers.
//!
//! A [`Case`] has a stable id tied to a spec section, the requirement it checks (quoted), a
//! level, and the outcomes it accepts. Running it gives a [`Verdict`]: passed, failed,
//! non-strict (allowed, but not what the spec prefers), informational, or unimplemented (the
//! target does not offer what the case needs). Every case is bounded by the target's timeout:
//! a silent, slow, closing or garbage-sending target gets a verdict, never a hang.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};

use serde::Serialize;

#[cfg(feature = "amqp")]
pub mod amqp;
#[cfg(feature = "amqp")]
pub mod amqp_client;
pub mod client;
#[cfg(any(feature = "jsonrpc", feature = "xmlrpc"))]
pub mod http;
#[cfg(feature = "jsonrpc")]
pub mod jsonrpc;
#[cfg(feature = "jsonrpc")]
pub mod jsonrpc_client;
#[cfg(feature = "msgpack-rpc")]
pub mod msgpack_rpc;
#[cfg(feature = "msgpack-rpc")]
pub mod msgpack_rpc_client;
#[cfg(feature = "thrift")]
pub mod thrift;
#[cfg(feature = "xmlrpc")]
pub mod xmlrpc;
#[cfg(feature = "xmlrpc")]
pub mod xmlrpc_client;

/// How binding the requirement is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Level {
    /// The spec says MUST (or MUST NOT, SHALL, REQUIRED): a violation fails the run, with or
    /// without `--strict`. A check may not grade a MUST case non-strict: [`run`] turns a
    /// [`Outcome::NonStrict`] on a MUST case into a failure. The only way a MUST violation does
    /// not fail the run is a named [`Outcome::Deviation`] that the user accepted with
    /// `--accept`.
    Must,
    /// The spec says SHOULD (or RECOMMENDED): run only with `--strict`.
    Should,
    /// The spec says MAY (OPTIONAL): run only with `--strict`; what the target does is reported.
    May,
}

/// The verdict of one case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The target did what the requirement asks.
    Passed,
    /// It did not.
    Failed,
    /// It did something the case accepts but the spec does not prefer (e.g. another reply code
    /// that deployed brokers use).
    NonStrict,
    /// Nothing to judge: the case reports what the target does.
    Informational,
    /// The target does not offer what the case needs (a method, an extension).
    Unimplemented,
}

/// What a case's check concluded, with what was observed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// As required.
    Pass(String),
    /// Allowed, but not the spec's preference. Only meaningful on a SHOULD or MAY case: on a
    /// MUST case [`run`] grades it [`Verdict::Failed`] (a MUST is met or violated; "our
    /// lenient decoder could read it" is a violation).
    NonStrict(String),
    /// A MUST violation that is a known, documented deviation of deployed peers, named by a
    /// stable id from [`DEVIATIONS`] (`rabbitmq/frame-size-fudge`). It fails the run unless the
    /// user accepted it by name with `--accept` (see [`Selection::accept`]); accepted, it is
    /// graded [`Verdict::NonStrict`] and the report names the deviation.
    Deviation(&'static str, String),
    /// Not as required.
    Fail(String),
    /// Reported, not judged.
    Info(String),
    /// The target lacks the feature.
    Unimplemented(String),
}

/// One direction of the wire, for `--trace`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TraceLine {
    /// Milliseconds since the case started.
    pub at_ms: u64,
    /// `>` sent, `<` received, `!` an event (timeout, close).
    pub dir: &'static str,
    /// The bytes (hex, the first 256 at most).
    pub hex: String,
    /// What they decode to.
    pub decoded: String,
}

/// The wire log of one case.
#[derive(Debug)]
pub struct Trace {
    started: Instant,
    /// Lines in order.
    pub lines: Vec<TraceLine>,
}

impl Default for Trace {
    fn default() -> Self {
        Trace {
            started: Instant::now(),
            lines: Vec::new(),
        }
    }
}

impl Trace {
    /// Records bytes sent (`>`), received (`<`) or an event (`!`).
    pub fn log(&mut self, dir: &'static str, bytes: &[u8], decoded: impl Into<String>) {
        const MAX: usize = 256;
        let mut hex = hex::encode(&bytes[..bytes.len().min(MAX)]);
        if bytes.len() > MAX {
            hex.push_str(&format!("… ({} bytes)", bytes.len()));
        }
        self.lines.push(TraceLine {
            at_ms: self.started.elapsed().as_millis() as u64,
            dir,
            hex,
            decoded: decoded.into(),
        });
    }
}

/// A live case against a target of type `T`.
pub struct Case<T> {
    /// Stable id (`amqp-broker/frame/over-frame-max`).
    pub id: &'static str,
    /// The spec section.
    pub section: &'static str,
    /// The requirement, quoted from the spec (or from the broker's documented behaviour).
    pub requirement: &'static str,
    /// MUST or SHOULD.
    pub level: Level,
    /// The outcomes it accepts, in words.
    pub accepts: &'static str,
    /// The check.
    pub run: fn(&T, &mut Trace) -> Outcome,
}

/// One case's result.
#[derive(Debug, Clone, Serialize)]
pub struct CaseResult {
    /// Case id.
    pub id: &'static str,
    /// Spec section.
    pub section: &'static str,
    /// The requirement.
    pub requirement: &'static str,
    /// Its level.
    pub level: Level,
    /// What it accepts.
    pub accepts: &'static str,
    /// The verdict.
    pub verdict: Verdict,
    /// What was observed.
    pub observed: String,
    /// How long it took.
    pub millis: u64,
    /// The wire log.
    pub trace: Vec<TraceLine>,
    /// A failed case listed in the baseline (a known failure: it does not fail the run). Only
    /// ever true on a [`Verdict::Failed`] result.
    pub baselined: bool,
}

/// A documented deviation from a MUST that deployed peers share: a user may accept it by name
/// (`--accept rabbitmq/frame-size-fudge`, or a whole set: `--accept rabbitmq`), and only then
/// is it graded non-strict instead of failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Deviation {
    /// Stable id, `<set>/<name>`: the set is the peer family that deviates (`rabbitmq`).
    pub id: &'static str,
    /// What the deviation is, in one line.
    pub what: &'static str,
    /// Where it is recorded: a heading of docs/findings.md.
    pub finding: &'static str,
}

/// Every deviation a live case may report with [`Outcome::Deviation`]. A case that names an id
/// missing from this table fails (tested), so the table is the complete list users can accept.
pub const DEVIATIONS: &[Deviation] = &[
    Deviation {
        id: "python-jsonrpc/batch-one-error",
        what: "a batch holding an invalid item gets one -32600 error object, id null, for the whole batch, and its valid calls are not run (Python json-rpc, jsonrpcserver); JSON-RPC 2.0 §5 owes every call a Response, and §7 answers [1,2,3] with three error objects",
        finding: "Live JSON-RPC 2.0 servers (`msgwire check jsonrpc-server`)",
    },
    Deviation {
        id: "rabbitmq/content-channel-zero-505",
        what: "a content frame on channel 0 gets connection.close 505 unexpected-frame; §4.2.6.1 says 504 channel-error",
        finding: "RabbitMQ 3.10.8 (Erlang/OTP 25.2.3), AMQP 0-9-1",
    },
    Deviation {
        id: "rabbitmq/fatal-frame-error-close",
        what: "a bad frame-end octet or an unknown frame type gets connection.close 501; §4.2.3 says close the connection without sending any further data",
        finding: "RabbitMQ 3.10.8 (Erlang/OTP 25.2.3), AMQP 0-9-1",
    },
    Deviation {
        id: "rabbitmq/field-table-types",
        what: "a field-table value of the 0-9-1 grammar's type 'U' (short-int) closes the connection with 541 internal-error: RabbitMQ's field types follow its errata, where a short-int is 's'",
        finding: "RabbitMQ 3.10.8 (Erlang/OTP 25.2.3), AMQP 0-9-1",
    },
    Deviation {
        id: "rabbitmq/frame-size-fudge",
        what: "frames up to 8 octets over the negotiated frame-max are accepted (FRAME_SIZE_FUDGE); 501 only from frame-max + 9",
        finding: "RabbitMQ 3.10.8 (Erlang/OTP 25.2.3), AMQP 0-9-1",
    },
    Deviation {
        id: "rabbitmq/heartbeat-channel-505",
        what: "a heartbeat on a non-zero channel gets connection.close 505 unexpected-frame; §4.2.7 says 501, §4.2.3 says 503",
        finding: "RabbitMQ 3.10.8 (Erlang/OTP 25.2.3), AMQP 0-9-1",
    },
    Deviation {
        id: "rabbitmq/unknown-vhost-530",
        what: "connection.open to an unknown virtual host gets connection.close 530 not-allowed; the spec's code for it is 402 invalid-path",
        finding: "RabbitMQ 3.10.8 (Erlang/OTP 25.2.3), AMQP 0-9-1",
    },
];

/// Whether `--accept` patterns accept deviation `id`: a pattern is a glob over ids, or a bare
/// set name (no `/`), which accepts every deviation of that set.
pub fn accepts_deviation(accept: &[String], id: &str) -> bool {
    accept.iter().any(|a| {
        if a.contains('/') || a.contains('*') {
            glob_match(a, id)
        } else {
            id.split_once('/').is_some_and(|(set, _)| set == a)
        }
    })
}

/// Which cases to run.
#[derive(Debug, Clone, Default)]
pub struct Selection {
    /// Only ids matching one of these globs (`*` any run of characters); empty = all.
    pub only: Vec<String>,
    /// Skip ids matching one of these.
    pub skip: Vec<String>,
    /// Include SHOULD- and MAY-level cases.
    pub strict: bool,
    /// Deviations the user accepts by name (`--accept`): ids or set names, see
    /// [`accepts_deviation`].
    pub accept: Vec<String>,
}

/// `*` matches any run of characters; everything else matches itself.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.as_bytes(), text.as_bytes());
    // Iterative matcher with one backtrack point: linear in practice, no recursion.
    let (mut pi, mut ti, mut star, mut mark) = (0, 0, None, 0);
    while ti < t.len() {
        if pi < p.len() && p[pi] == b'*' {
            star = Some(pi);
            pi += 1;
            mark = ti;
        } else if pi < p.len() && p[pi] == t[ti] {
            pi += 1;
            ti += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

impl Selection {
    pub(crate) fn selects<T>(&self, case: &Case<T>) -> bool {
        (self.strict || case.level == Level::Must)
            && (self.only.is_empty() || self.only.iter().any(|g| glob_match(g, case.id)))
            && !self.skip.iter().any(|g| glob_match(g, case.id))
    }
}

/// Runs the selected cases one after another. A panicking case fails; nothing escapes.
pub fn run<T>(cases: &[Case<T>], target: &T, sel: &Selection) -> Vec<CaseResult> {
    let mut out = Vec::new();
    for case in cases.iter().filter(|c| sel.selects(c)) {
        let started = Instant::now();
        let mut trace = Trace::default();
        let outcome = catch_unwind(AssertUnwindSafe(|| (case.run)(target, &mut trace)))
            .unwrap_or_else(|p| {
                let msg = p
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                Outcome::Fail(format!("the check panicked: {msg}"))
            });
        let (verdict, observed) = grade(case.level, outcome, &sel.accept);
        out.push(CaseResult {
            id: case.id,
            section: case.section,
            requirement: case.requirement,
            level: case.level,
            accepts: case.accepts,
            verdict,
            observed,
            millis: started.elapsed().as_millis() as u64,
            trace: trace.lines,
            baselined: false,
        });
    }
    out
}

/// The verdict of a case at `level` that concluded `outcome`: a MUST is met or violated (a
/// non-strict outcome on a MUST case fails), and a deviation fails unless accepted by name.
pub fn grade(level: Level, outcome: Outcome, accept: &[String]) -> (Verdict, String) {
    match outcome {
        Outcome::Pass(s) => (Verdict::Passed, s),
        Outcome::NonStrict(s) if level == Level::Must => (
            Verdict::Failed,
            format!("MUST violated (a non-strict outcome does not meet a MUST): {s}"),
        ),
        Outcome::NonStrict(s) => (Verdict::NonStrict, s),
        Outcome::Deviation(id, s) => match DEVIATIONS.iter().find(|d| d.id == id) {
            None => (
                Verdict::Failed,
                format!("{s} (the check names deviation `{id}`, which is not in DEVIATIONS)"),
            ),
            Some(d) if accepts_deviation(accept, id) => (
                Verdict::NonStrict,
                format!("{s} [deviation {id} accepted by --accept: {}]", d.what),
            ),
            Some(d) => (
                Verdict::Failed,
                format!(
                    "{s} [known deviation {id}: {}; see docs/findings.md \"{}\"; \
                     accept it with --accept {id}]",
                    d.what, d.finding
                ),
            ),
        },
        Outcome::Fail(s) => (Verdict::Failed, s),
        Outcome::Info(s) => (Verdict::Informational, s),
        Outcome::Unimplemented(s) => (Verdict::Unimplemented, s),
    }
}

/// Whether the run failed: a case failed that the baseline does not list.
pub fn failed(results: &[CaseResult]) -> bool {
    results
        .iter()
        .any(|r| r.verdict == Verdict::Failed && !r.baselined)
}

/// Reads a baseline file: one case id a line, `#` starts a comment.
pub fn read_baseline(path: &std::path::Path) -> Result<Vec<String>, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(parse_baseline(&text))
}

/// A baseline's entries: one case id a line, `#` starts a comment, blank lines ignored.
pub fn parse_baseline(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or("").trim().to_string())
        .filter(|l| !l.is_empty())
        .collect()
}

/// Marks the failed results the baseline lists as [`CaseResult::baselined`] and returns the
/// stale entries, each with why: an entry that names no case of the suite (`ids`), or a case
/// that ran and did not fail. An entry for a case this run did not select is not stale. An
/// entry written `?id` is one whose outcome depends on the machine (a server that answers
/// within the timeout on a quiet machine and not under load): its failure is excused, and its
/// passing is not stale.
pub fn apply_baseline(results: &mut [CaseResult], entries: &[String], ids: &[&str]) -> Vec<String> {
    let id_of = |e: &String| e.strip_prefix('?').unwrap_or(e).trim().to_string();
    for r in results.iter_mut() {
        r.baselined = r.verdict == Verdict::Failed && entries.iter().any(|e| id_of(e) == r.id);
    }
    let mut stale = Vec::new();
    for entry in entries {
        let e = id_of(entry);
        let may_pass = entry.starts_with('?');
        if !ids.contains(&e.as_str()) {
            stale.push(format!("baseline entry {e} names no case of this suite"));
        } else if let Some(r) = results.iter().find(|r| r.id == e) {
            if r.verdict != Verdict::Failed && !may_pass {
                let v = serde_json::to_value(r.verdict)
                    .ok()
                    .and_then(|v| v.as_str().map(str::to_owned))
                    .unwrap_or_default();
                stale.push(format!("baseline entry {e} no longer fails (now {v})"));
            }
        }
    }
    stale
}

/// A terminal report: one line per case, the requirement and wire log of failures (of every
/// case with `trace`), and a summary line `N passed, N failed, …` (rendered by
/// [`crate::report::terminal`] from the one report model).
pub fn terminal_report(results: &[CaseResult], trace: bool) -> String {
    let verdict = crate::report::Verdict {
        exit_code: i32::from(failed(results)),
        reasons: Vec::new(),
    };
    let report =
        crate::report::Report::from_live("", results, &[], verdict, crate::report::Meta::default());
    crate::report::terminal::render(&report, terminal_options(trace))
}

fn terminal_options(trace: bool) -> crate::report::terminal::Options {
    crate::report::terminal::Options {
        style: crate::report::terminal::Style { color: false },
        every_item: true,
        trace,
    }
}

/// What `msgwire check <live target>` was asked.
#[derive(Debug, Clone, Default)]
pub struct LiveOptions {
    /// List the cases and exit.
    pub list: bool,
    /// Which cases.
    pub selection: Selection,
    /// Bound on each wait.
    pub timeout: Duration,
    /// Print every trace.
    pub trace: bool,
    /// JSON report path.
    pub json: Option<std::path::PathBuf>,
    /// JUnit report path.
    pub junit: Option<std::path::PathBuf>,
    /// HTML report path.
    pub html: Option<std::path::PathBuf>,
    /// Markdown summary path (a CI job summary; appended to).
    pub markdown: Option<std::path::PathBuf>,
    /// Known failures.
    pub baseline: Option<std::path::PathBuf>,
}

/// The body of every `msgwire check <live target>` whose target offers no connect probe: see
/// [`check_probed`].
pub fn check<T>(
    cases: &[Case<T>],
    target: impl FnOnce() -> Result<(T, String), String>,
    o: &LiveOptions,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> i32 {
    check_probed(cases, target, |_: &T| Ok(()), o, out, err)
}

/// The body of every `msgwire check <live target>`: `--list`, or make the target, probe it,
/// run the selected cases, print and write the reports.
///
/// `probe` is the target's cheap "can I reach it at all" test (a TCP connect, a process
/// spawn): when it fails, the run is one connection error and exit status 2, before any case
/// runs, instead of every case failing its set-up. A protocol without one passes
/// `|_| Ok(())` (that is what [`check`] does).
///
/// Exit status: 0 when no case failed outside the baseline (and, under `--strict`, no baseline
/// entry is stale), 1 when one did, 2 when the run could check nothing: no case selected, the
/// target could not be made or reached, a report or baseline could not be read or written.
pub fn check_probed<T>(
    cases: &[Case<T>],
    target: impl FnOnce() -> Result<(T, String), String>,
    probe: impl FnOnce(&T) -> Result<(), String>,
    o: &LiveOptions,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> i32 {
    let selected: Vec<&Case<T>> = cases.iter().filter(|c| o.selection.selects(c)).collect();
    if selected.is_empty() {
        let _ = writeln!(err, "msgwire: {}", nothing_selected(cases, &o.selection));
        return 2;
    }
    if o.list {
        for c in &selected {
            let _ = writeln!(out, "{}\t{:?}\t{}", c.id, c.level, c.section);
        }
        if !DEVIATIONS.is_empty() {
            let _ = writeln!(
                out,
                "\nnamed deviations (graded non-strict only with --accept ID or --accept SET):"
            );
            for d in DEVIATIONS {
                let _ = writeln!(
                    out,
                    "{}\t{}\t(docs/findings.md: {})",
                    d.id, d.what, d.finding
                );
            }
        }
        return 0;
    }
    let baseline = match &o.baseline {
        Some(p) => match read_baseline(p) {
            Ok(b) => b,
            Err(e) => {
                let _ = writeln!(err, "msgwire: baseline {e}");
                return 2;
            }
        },
        None => Vec::new(),
    };
    let (target, name) = match target() {
        Ok(t) => t,
        Err(e) => {
            let _ = writeln!(err, "msgwire: {e}");
            return 2;
        }
    };
    if let Err(e) = probe(&target) {
        let _ = writeln!(err, "msgwire: cannot reach {name}: {e} (no case was run)");
        return 2;
    }
    let mut results = run(cases, &target, &o.selection);
    let ids: Vec<&str> = cases.iter().map(|c| c.id).collect();
    let stale = apply_baseline(&mut results, &baseline, &ids);
    finish(&name, &results, &stale, o, out, err)
}

/// Why a selection selects no case, in one line naming the patterns.
fn nothing_selected<T>(cases: &[Case<T>], sel: &Selection) -> String {
    let mut why = format!("no case selected among {} cases", cases.len());
    if !sel.only.is_empty() {
        why.push_str(&format!(": --only {}", sel.only.join(", --only ")));
    }
    if !sel.skip.is_empty() {
        why.push_str(&format!(
            "{} --skip {}",
            if sel.only.is_empty() { ":" } else { "," },
            sel.skip.join(", --skip ")
        ));
    }
    let unstrict = Selection {
        strict: true,
        ..sel.clone()
    };
    if !sel.strict && cases.iter().any(|c| unstrict.selects(c)) {
        why.push_str(" (it matches only SHOULD/MAY cases: add --strict)");
    } else if !sel.only.is_empty() {
        why.push_str(" matches no case id (see --list)");
    }
    why
}

/// What a `check` for a protocol this build leaves out answers (exit status 2).
#[allow(dead_code)] // only builds without one of the protocol features call it
fn not_built(protocol: &str, feature: &str, err: &mut dyn std::io::Write) -> i32 {
    let _ = writeln!(
        err,
        "msgwire: this build has no {protocol} support (feature `{feature}`)"
    );
    2
}

/// `msgwire check amqp-broker amqp://user:pass@host:port/vhost`.
pub fn check_amqp_broker(
    url: Option<&str>,
    o: &LiveOptions,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> i32 {
    #[cfg(feature = "amqp")]
    {
        let target = || {
            let url =
                url.ok_or("check amqp-broker needs a URL (amqp://user:pass@host:port/vhost)")?;
            let t = amqp::Target::from_url(url, o.timeout)?;
            let name = format!("amqp-broker {}", t.addr);
            Ok((t, name))
        };
        check_probed(&amqp::cases(), target, amqp::Target::probe, o, out, err)
    }
    #[cfg(not(feature = "amqp"))]
    {
        let _ = (url, o, out);
        not_built("AMQP", "amqp", err)
    }
}

/// `msgwire check jsonrpc-server URL | --command CMD`. `framing` is `ndjson` (default) or
/// `content-length` for streams; `echo` names a method that returns its positional params as
/// an array.
pub fn check_jsonrpc_server(
    url: Option<&str>,
    command: Option<&str>,
    framing: Option<&str>,
    echo: Option<&str>,
    o: &LiveOptions,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> i32 {
    #[cfg(feature = "jsonrpc")]
    {
        let target = || {
            let t = jsonrpc::Target::new(url, command, framing, echo, o.timeout)?;
            let name = format!("jsonrpc-server {}", t.describe());
            Ok((t, name))
        };
        check(&jsonrpc::cases(), target, o, out, err)
    }
    #[cfg(not(feature = "jsonrpc"))]
    {
        let _ = (url, command, framing, echo, o, out);
        not_built("JSON-RPC", "jsonrpc", err)
    }
}

/// `msgwire check xmlrpc-server http://host:port/path`. `echo` names a method that returns its
/// params (as an array, or the one param itself).
pub fn check_xmlrpc_server(
    url: Option<&str>,
    echo: Option<&str>,
    o: &LiveOptions,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> i32 {
    #[cfg(feature = "xmlrpc")]
    {
        let target = || {
            let url = url.ok_or("check xmlrpc-server needs a URL (http://host:port/path)")?;
            let t = xmlrpc::Target::new(url, echo, o.timeout)?;
            let name = format!("xmlrpc-server {}", t.describe());
            Ok((t, name))
        };
        check_probed(&xmlrpc::cases(), target, xmlrpc::Target::probe, o, out, err)
    }
    #[cfg(not(feature = "xmlrpc"))]
    {
        let _ = (url, echo, o, out);
        not_built("XML-RPC", "xmlrpc", err)
    }
}

/// `msgwire check msgpack-rpc-server tcp://host:port | --command CMD`. `echo` names a method
/// that returns its single argument.
pub fn check_msgpack_rpc_server(
    url: Option<&str>,
    command: Option<&str>,
    echo: Option<&str>,
    o: &LiveOptions,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> i32 {
    #[cfg(feature = "msgpack-rpc")]
    {
        let target = || {
            let t = msgpack_rpc::Target::new(url, command, echo, o.timeout)?;
            let name = match (url, command) {
                (Some(u), _) => format!("msgpack-rpc-server {u}"),
                (None, c) => format!("msgpack-rpc-server `{}`", c.unwrap_or_default()),
            };
            Ok((t, name))
        };
        check_probed(
            &msgpack_rpc::cases(),
            target,
            msgpack_rpc::Target::probe,
            o,
            out,
            err,
        )
    }
    #[cfg(not(feature = "msgpack-rpc"))]
    {
        let _ = (url, command, echo, o, out);
        not_built("MessagePack-RPC", "msgpack-rpc", err)
    }
}

/// `msgwire check thrift-server HOST:PORT --protocol binary|compact --transport
/// framed|buffered|header`: the test service of conformance/live/thrift/conformance.thrift.
pub fn check_thrift_server(
    addr: Option<&str>,
    protocol: Option<&str>,
    transport: Option<&str>,
    o: &LiveOptions,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> i32 {
    #[cfg(feature = "thrift")]
    {
        let target = || {
            let t = thrift::Target::new(addr, protocol, transport, o.timeout)?;
            let name = format!("thrift-server {} ({})", t.addr, t.describe());
            Ok((t, name))
        };
        check_probed(&thrift::cases(), target, thrift::Target::probe, o, out, err)
    }
    #[cfg(not(feature = "thrift"))]
    {
        let _ = (addr, protocol, transport, o, out);
        not_built("Thrift", "thrift", err)
    }
}

/// `msgwire check jsonrpc-client --driver CMD`: msgwire plays the server, the driver runs the
/// client library (see [`client`]). A driver that cannot start (no `hello`) is one error and
/// exit status 2 before any case.
pub fn check_jsonrpc_client(
    driver: Option<&str>,
    o: &LiveOptions,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> i32 {
    #[cfg(feature = "jsonrpc")]
    {
        let target = || driver_target(driver, "jsonrpc-client", o);
        check(&jsonrpc_client::cases(), target, o, out, err)
    }
    #[cfg(not(feature = "jsonrpc"))]
    {
        let _ = (driver, o, out);
        not_built("JSON-RPC", "jsonrpc", err)
    }
}

/// `msgwire check amqp-client --driver CMD`: msgwire plays the broker, the driver runs the
/// client library (see [`client`]). A driver that cannot start (no `hello`) is one error and
/// exit status 2 before any case.
pub fn check_amqp_client(
    driver: Option<&str>,
    o: &LiveOptions,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> i32 {
    #[cfg(feature = "amqp")]
    {
        let target = || driver_target(driver, "amqp-client", o);
        check(&amqp_client::cases(), target, o, out, err)
    }
    #[cfg(not(feature = "amqp"))]
    {
        let _ = (driver, o, out);
        not_built("AMQP", "amqp", err)
    }
}

/// `msgwire check xmlrpc-client --driver CMD`: msgwire plays the server, the driver runs the
/// client library (see [`client`]). A driver that cannot start (no `hello`) is one error and
/// exit status 2 before any case.
pub fn check_xmlrpc_client(
    driver: Option<&str>,
    o: &LiveOptions,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> i32 {
    #[cfg(feature = "xmlrpc")]
    {
        let target = || driver_target(driver, "xmlrpc-client", o);
        check(&xmlrpc_client::cases(), target, o, out, err)
    }
    #[cfg(not(feature = "xmlrpc"))]
    {
        let _ = (driver, o, out);
        not_built("XML-RPC", "xmlrpc", err)
    }
}

/// `msgwire check msgpack-rpc-client --driver CMD`: msgwire plays the server over TCP, the
/// driver runs the client library (see [`client`]). A driver that cannot start (no `hello`) is
/// one error and exit status 2 before any case.
pub fn check_msgpack_rpc_client(
    driver: Option<&str>,
    o: &LiveOptions,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> i32 {
    #[cfg(feature = "msgpack-rpc")]
    {
        let target = || driver_target(driver, "msgpack-rpc-client", o);
        check(&msgpack_rpc_client::cases(), target, o, out, err)
    }
    #[cfg(not(feature = "msgpack-rpc"))]
    {
        let _ = (driver, o, out);
        not_built("MessagePack-RPC", "msgpack-rpc", err)
    }
}

/// The target of `check <suite> --driver CMD`: the driver command is required (one error, exit
/// status 2, without it), then started as [`check_client_target`] does.
#[cfg(any(
    feature = "amqp",
    feature = "jsonrpc",
    feature = "xmlrpc",
    feature = "msgpack-rpc"
))]
fn driver_target(
    driver: Option<&str>,
    suite: &str,
    o: &LiveOptions,
) -> Result<(client::Target, String), String> {
    let cmd = driver.ok_or_else(|| {
        format!(
            "check {suite} needs --driver CMD (see the driver contract in conformance/README.md)"
        )
    })?;
    check_client_target(client::Driver::Command(cmd.to_string()), suite, o)
}

/// A client target and its name in reports: `SUITE LIBRARY VERSION (driver `CMD`)`; `Err`
/// when the driver does not answer `hello` (no case runs).
pub fn check_client_target(
    driver: client::Driver,
    suite: &str,
    o: &LiveOptions,
) -> Result<(client::Target, String), String> {
    let t = client::Target {
        driver,
        timeout: o.timeout,
    };
    // The start-up check: a driver that cannot say hello checks nothing (exit 2).
    let (lib, version) = t.driver.hello(o.timeout.max(Duration::from_secs(10)))?;
    let name = format!("{suite} {lib} {version} (driver {:?})", t.driver);
    Ok((t, name))
}

/// Prints and writes the reports (one report model, every rendering); the exit status: 1 when
/// a case failed that the baseline does not list, or (under `--strict`) a baseline entry is
/// stale (`stale`, from [`apply_baseline`]); 2 when a report could not be written.
pub fn finish(
    target: &str,
    results: &[CaseResult],
    stale: &[String],
    o: &LiveOptions,
    out: &mut dyn std::io::Write,
    err: &mut dyn std::io::Write,
) -> i32 {
    let failing = results
        .iter()
        .filter(|r| r.verdict == Verdict::Failed && !r.baselined)
        .count();
    let mut reasons = Vec::new();
    if failing > 0 {
        reasons.push(format!(
            "{failing} failing case{} not in the baseline",
            if failing == 1 { "" } else { "s" }
        ));
    }
    if o.selection.strict && !stale.is_empty() {
        reasons.push(format!(
            "{} stale baseline entr{} (--strict)",
            stale.len(),
            if stale.len() == 1 { "y" } else { "ies" }
        ));
    }
    let code = i32::from(!reasons.is_empty());
    debug_assert_eq!(
        code == 1,
        failed(results) || (o.selection.strict && !stale.is_empty())
    );
    let mut meta = crate::report::model::meta_now();
    meta.baseline = o.baseline.as_ref().map(|p| p.display().to_string());
    meta.strict = o.selection.strict;
    let report = crate::report::Report::from_live(
        target,
        results,
        stale,
        crate::report::Verdict {
            exit_code: code,
            reasons,
        },
        meta,
    );
    let _ = write!(
        out,
        "{}",
        crate::report::terminal::render(&report, terminal_options(o.trace))
    );
    let outputs = crate::report::Outputs {
        json: o.json.as_deref(),
        junit: o.junit.as_deref(),
        html: o.html.as_deref(),
        markdown: o.markdown.as_deref(),
    };
    if let Err(e) = crate::report::write_files(&report, &outputs) {
        let _ = writeln!(err, "msgwire: {e}");
        return 2;
    }
    code
}

/// What one fuzz input did to a live target (`msgwire fuzz <protocol>-server`): each
/// protocol's `fuzz_exchange` sends the input, judges what came back against what the spec
/// owes for it, and checks that the target still answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FuzzVerdict {
    /// What the spec owes came (exactly once; nothing where nothing is owed), and the target
    /// still answers.
    Ok,
    /// Our limits or profiles decide the answer for this input (nesting beyond our limit, a
    /// text only a lenient reader takes, an input the target may read either way): not judged.
    Skipped,
    /// An invariant broke: `(class, detail)`. Classes: `no-reply` (nothing, a close or a
    /// timeout where a reply is owed), `wrong-reply` (not the reply owed: another code, id or
    /// result, two replies, not the protocol), `reply-to-notification` (anything where nothing
    /// is owed), `server-down` (the next request gets no answer); per protocol more
    /// (`accepted-invalid`, `no-close`, `code-not-in-spec`, `malformed-reply`).
    Broken(&'static str, String),
    /// An invariant broke in a way a key tells apart (`other-code` with the reply codes,
    /// `501->505`; `wrong-reply` with what is wrong, `code:-32600->-32700`, `http-5xx`, `echo`,
    /// `msgid`, `seqid`): the signature is `target:class:key`, so a baseline can list one kind
    /// without hiding another.
    Keyed(&'static str, String, String),
}

impl FuzzVerdict {
    /// The failure's class, signature key (may be empty) and detail; `None` when nothing broke.
    pub fn broken(&self) -> Option<(&'static str, &str, &str)> {
        match self {
            FuzzVerdict::Broken(c, d) => Some((c, "", d)),
            FuzzVerdict::Keyed(c, k, d) => Some((c, k, d)),
            _ => None,
        }
    }
}

/// Deadline helper: the time left until `deadline`, at least 1 ms (socket timeouts reject 0).
pub fn left(deadline: Instant) -> Duration {
    deadline
        .saturating_duration_since(Instant::now())
        .max(Duration::from_millis(1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn html_report_lists_every_case_escaped() {
        let r = CaseResult {
            id: "x/<case>",
            section: "s",
            requirement: "must & shall",
            level: Level::Must,
            accepts: "a",
            verdict: Verdict::NonStrict,
            observed: "got <505>".into(),
            millis: 3,
            baselined: false,
            trace: vec![TraceLine {
                at_ms: 1,
                dir: ">",
                hex: "ce".into(),
                decoded: "frame".into(),
            }],
        };
        let mut failing = r.clone();
        failing.verdict = Verdict::Failed;
        let report = crate::report::Report::from_live(
            "target",
            &[r.clone(), r, failing],
            &[],
            crate::report::Verdict {
                exit_code: 1,
                reasons: vec!["1 failing case not in the baseline".into()],
            },
            crate::report::Meta::default(),
        );
        let page = crate::report::html::render(&report);
        assert_eq!(page.matches("<li class=\"row st-non-strict\"").count(), 2);
        assert!(page.contains("x/&lt;case&gt;") && page.contains("must &amp; shall"));
        assert!(page.contains("<header class=\"banner fail\""));
        // The failure's wire log, one frame per block.
        assert!(page.contains("<div class=\"frame\">"), "{page}");
        assert!(!page.contains("<case>"));
    }

    #[test]
    fn a_must_is_met_or_violated() {
        let must = |o| grade(Level::Must, o, &[]).0;
        assert_eq!(must(Outcome::Pass("ok".into())), Verdict::Passed);
        assert_eq!(must(Outcome::NonStrict("read it".into())), Verdict::Failed);
        assert_eq!(
            grade(Level::Should, Outcome::NonStrict("x".into()), &[]).0,
            Verdict::NonStrict
        );
        assert_eq!(
            grade(Level::May, Outcome::NonStrict("x".into()), &[]).0,
            Verdict::NonStrict
        );
        // A deviation that is not in the table fails even when "accepted".
        let (v, why) = grade(
            Level::Must,
            Outcome::Deviation("nobody/made-up", "x".into()),
            &["nobody".into()],
        );
        assert_eq!(v, Verdict::Failed);
        assert!(why.contains("not in DEVIATIONS"));
    }

    #[test]
    fn deviations_are_accepted_by_id_glob_or_set() {
        let acc = |a: &[&str], id| {
            accepts_deviation(&a.iter().map(|s| s.to_string()).collect::<Vec<_>>(), id)
        };
        assert!(acc(&["rabbitmq"], "rabbitmq/frame-size-fudge"));
        assert!(acc(
            &["rabbitmq/frame-size-fudge"],
            "rabbitmq/frame-size-fudge"
        ));
        assert!(acc(&["rabbitmq/*"], "rabbitmq/frame-size-fudge"));
        assert!(!acc(&["rabbit"], "rabbitmq/frame-size-fudge"));
        assert!(!acc(&["rabbitmq/other"], "rabbitmq/frame-size-fudge"));
        assert!(!acc(&[], "rabbitmq/frame-size-fudge"));
        for d in DEVIATIONS {
            assert!(d.id.contains('/'), "{}: ids are <set>/<name>", d.id);
            assert!(!d.finding.is_empty() && !d.what.is_empty());
        }
    }

    #[test]
    fn globs_match_ids() {
        assert!(glob_match(
            "amqp-broker/frame/*",
            "amqp-broker/frame/bad-end"
        ));
        assert!(glob_match("*bad*", "amqp-broker/frame/bad-end"));
        assert!(!glob_match(
            "amqp-broker/queue/*",
            "amqp-broker/frame/bad-end"
        ));
        assert!(glob_match("*", ""));
        assert!(!glob_match("a*b", "a"));
    }

    #[test]
    fn panics_and_levels_become_verdicts() {
        let cases: [Case<()>; 3] = [
            Case {
                id: "x/pass",
                section: "s",
                requirement: "r",
                level: Level::Must,
                accepts: "a",
                run: |_, _| Outcome::Pass("ok".into()),
            },
            Case {
                id: "x/panic",
                section: "s",
                requirement: "r",
                level: Level::Must,
                accepts: "a",
                run: |_, _| panic!("boom"),
            },
            Case {
                id: "x/should",
                section: "s",
                requirement: "r",
                level: Level::Should,
                accepts: "a",
                run: |_, _| Outcome::Fail("no".into()),
            },
        ];
        let r = run(&cases, &(), &Selection::default());
        assert_eq!(r.len(), 2, "SHOULD cases only with strict");
        assert_eq!(r[1].verdict, Verdict::Failed);
        assert!(r[1].observed.contains("boom"));
        assert!(failed(&r));
        let strict = Selection {
            strict: true,
            only: vec!["x/should".into()],
            ..Default::default()
        };
        assert_eq!(run(&cases, &(), &strict)[0].verdict, Verdict::Failed);
        assert!(terminal_report(&r, false)
            .contains("\n1 passed, 1 failed, 0 non-strict, 0 informational, 0 unimplemented\n"));
    }

    fn case(id: &'static str, level: Level, run: fn(&(), &mut Trace) -> Outcome) -> Case<()> {
        Case {
            id,
            section: "s",
            requirement: "r",
            level,
            accepts: "a",
            run,
        }
    }

    fn suite() -> Vec<Case<()>> {
        vec![
            case("x/pass", Level::Must, |_, _| Outcome::Pass("ok".into())),
            case("x/fail", Level::Must, |_, _| Outcome::Fail("no".into())),
            case("x/should", Level::Should, |_, _| Outcome::Pass("ok".into())),
        ]
    }

    fn opts(f: impl FnOnce(&mut LiveOptions)) -> LiveOptions {
        let mut o = LiveOptions {
            timeout: Duration::from_secs(1),
            ..Default::default()
        };
        f(&mut o);
        o
    }

    /// Runs `check_probed` on [`suite`]; (exit status, stdout, stderr).
    fn checked(o: &LiveOptions, probe: Result<(), String>) -> (i32, String, String) {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = check_probed(
            &suite(),
            || Ok(((), "fake".into())),
            |_| probe,
            o,
            &mut out,
            &mut err,
        );
        (
            code,
            String::from_utf8(out).unwrap(),
            String::from_utf8(err).unwrap(),
        )
    }

    #[test]
    fn a_run_that_selects_nothing_exits_2_naming_the_patterns() {
        let (code, out, err) = checked(&opts(|o| o.selection.only = vec!["nope/*".into()]), Ok(()));
        assert_eq!(code, 2);
        assert!(out.is_empty(), "{out}");
        assert!(
            err.contains("--only nope/*") && err.contains("no case id"),
            "{err}"
        );
        assert_eq!(err.lines().count(), 1, "{err}");
        // A pattern that matches only SHOULD cases says --strict is missing.
        let (code, _, err) = checked(
            &opts(|o| o.selection.only = vec!["x/should".into()]),
            Ok(()),
        );
        assert_eq!(code, 2);
        assert!(err.contains("add --strict"), "{err}");
        let (code, _, err) = checked(&opts(|o| o.selection.skip = vec!["x/*".into()]), Ok(()));
        assert_eq!(code, 2);
        assert!(err.contains("--skip x/*"), "{err}");
        // --list with nothing selected is the same usage error.
        let (code, _, _) = checked(
            &opts(|o| {
                o.list = true;
                o.selection.only = vec!["nope".into()];
            }),
            Ok(()),
        );
        assert_eq!(code, 2);
    }

    #[test]
    fn an_unreachable_target_is_one_error_and_exit_2_before_any_case() {
        let (code, out, err) = checked(&opts(|_| {}), Err("connect 127.0.0.1:1: refused".into()));
        assert_eq!(code, 2);
        assert!(out.is_empty(), "no case ran: {out}");
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(
            err.contains("cannot reach fake") && err.contains("refused"),
            "{err}"
        );
        // A reachable target runs its cases (x/fail fails: exit 1).
        let (code, out, _) = checked(&opts(|_| {}), Ok(()));
        assert_eq!(code, 1);
        assert!(
            out.contains("x/fail") && out.contains("1 passed, 1 failed"),
            "{out}"
        );
    }

    #[test]
    fn baselined_failures_are_marked_and_stale_entries_reported() {
        let dir =
            std::env::temp_dir().join(format!("msgwire-live-baseline-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("b.baseline");
        std::fs::write(&path, "x/fail  # known\n").unwrap();
        let (code, out, _) = checked(&opts(|o| o.baseline = Some(path.clone())), Ok(()));
        assert_eq!(code, 0, "{out}");
        assert!(out.contains("✗ x/fail (baselined)"), "{out}");
        assert!(out.contains("1 failed (1 baselined)"), "{out}");
        assert!(!out.contains("stale"), "{out}");

        // Listed but passing, and listed but no such case: stale; only --strict fails on them.
        std::fs::write(&path, "x/fail\nx/pass\nx/gone # renamed\n").unwrap();
        let (code, out, _) = checked(&opts(|o| o.baseline = Some(path.clone())), Ok(()));
        assert_eq!(code, 0, "{out}");
        assert!(
            out.contains("stale: baseline entry x/pass no longer fails (now passed)"),
            "{out}"
        );
        assert!(
            out.contains("stale: baseline entry x/gone names no case"),
            "{out}"
        );
        // The baseline file written, then a --strict run against it.
        let strict_with = |baseline: &str| {
            std::fs::write(&path, baseline).unwrap();
            let (code, out, _) = checked(
                &opts(|o| {
                    o.baseline = Some(path.clone());
                    o.selection.strict = true;
                }),
                Ok(()),
            );
            (code, out)
        };
        let (code, out) = strict_with("x/fail\nx/pass\nx/gone # renamed\n");
        assert_eq!(code, 1, "{out}");
        assert!(out.contains("fails the run under --strict"), "{out}");

        // `?id`: a case that may pass or fail by the machine's load: excused, never stale.
        let (code, out) = strict_with("?x/fail # slow\n? x/pass\n?x/gone\n");
        assert_eq!(code, 1, "{out}");
        assert!(out.contains("✗ x/fail (baselined)"), "{out}");
        assert!(!out.contains("x/pass no longer fails"), "{out}");
        assert!(
            out.contains("stale: baseline entry x/gone names no case"),
            "{out}"
        );
        let (code, out) = strict_with("?x/fail\n?x/pass\n");
        assert_eq!(code, 0, "{out}");
        assert!(!out.contains("stale"), "{out}");

        // An entry for a case this run did not select is not stale.
        std::fs::write(&path, "x/fail\nx/pass\n").unwrap();
        let (code, out, _) = checked(
            &opts(|o| {
                o.baseline = Some(path.clone());
                o.selection.strict = true;
                o.selection.skip = vec!["x/pass".into()];
            }),
            Ok(()),
        );
        assert_eq!((code, out.contains("x/pass")), (0, false), "{out}");

        // A baseline that cannot be read: exit 2 before anything runs.
        let (code, out, err) = checked(&opts(|o| o.baseline = Some(dir.join("missing"))), Ok(()));
        assert_eq!((code, out.as_str()), (2, ""));
        assert!(err.contains("missing"), "{err}");
        // The JSON report carries the mark.
        let mut r = run(&suite(), &(), &Selection::default());
        apply_baseline(
            &mut r,
            &["x/fail".into(), "x/pass".into()],
            &["x/pass", "x/fail"],
        );
        assert_eq!(
            r.iter().map(|r| (r.id, r.baselined)).collect::<Vec<_>>(),
            [("x/pass", false), ("x/fail", true)],
            "only a failed case is baselined"
        );
        let report = crate::report::Report::from_live(
            "t",
            &r,
            &[],
            crate::report::Verdict::default(),
            crate::report::Meta::default(),
        );
        let json = crate::report::json::render(&report);
        assert_eq!(json["suites"][0]["items"][1]["status"], "baselined");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn list_prints_the_selected_cases_and_every_named_deviation() {
        let (code, out, _) = checked(&opts(|o| o.list = true), Ok(()));
        assert_eq!(code, 0);
        assert!(
            out.contains("x/pass\tMust") && !out.contains("x/should"),
            "{out}"
        );
        for d in DEVIATIONS {
            assert!(out.contains(d.id) && out.contains(d.what), "{out}");
        }
    }
}
