//! Loading and validating the vector corpus (`vectors/README.md`, format `msgwire-vectors/1`).
//!
//! Design: a file is parsed to a `serde_json::Value` and walked by hand, so that every schema
//! problem is reported with the file and the JSON pointer of the offending member, and all
//! problems of a corpus are reported at once (not only the first). Inputs are resolved to bytes
//! at load time (hex, text, or a file under the protocol directory), so runners never touch the
//! file system. Profile names are checked syntactically here; whether a profile exists is a
//! question for the codec under test (see [`Corpus::check_profiles`]).

use crate::corpus::{self, pack, Origin, Revision};
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::path::{Component, Path, PathBuf};

/// The format string every vector file starts with.
pub const FORMAT: &str = "msgwire-vectors/1";

/// Every protocol the corpus may hold, by directory name (independent of enabled features).
pub const PROTOCOLS: &[&str] = &["amqp", "jsonrpc", "xmlrpc", "msgpack-rpc", "thrift"];

/// Largest input file a case may reference. Captures are small; this bounds memory when a
/// corpus is loaded from an untrusted checkout.
pub const MAX_INPUT_FILE: u64 = pack::MAX_FILE;

/// A schema problem: which file, where in it (JSON pointer), and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadError {
    /// The vector file (as found under the corpus root).
    pub file: PathBuf,
    /// JSON pointer of the offending value (`""` for the whole file).
    pub pointer: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ptr = if self.pointer.is_empty() {
            "/"
        } else {
            &self.pointer
        };
        write!(f, "{}#{}: {}", self.file.display(), ptr, self.message)
    }
}

/// All schema problems of a corpus.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub struct LoadErrors(pub Vec<LoadError>);

impl fmt::Display for LoadErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} problem(s) in the vector corpus:", self.0.len())?;
        for e in &self.0 {
            writeln!(f, "  {e}")?;
        }
        Ok(())
    }
}

/// What a conforming decoder must do with a case's input.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
pub enum Verdict {
    /// Must accept (`"y"`).
    #[serde(rename = "y")]
    Accept,
    /// Must reject (`"n"`).
    #[serde(rename = "n")]
    Reject,
    /// Implementation-defined (`"i"`): either outcome passes; the outcome is reported.
    #[serde(rename = "i")]
    ImplementationDefined,
}

impl Verdict {
    fn parse(s: &str) -> Option<Verdict> {
        match s {
            "y" => Some(Verdict::Accept),
            "n" => Some(Verdict::Reject),
            "i" => Some(Verdict::ImplementationDefined),
            _ => None,
        }
    }

    /// `y`, `n` or `i`.
    pub fn letter(self) -> &'static str {
        match self {
            Verdict::Accept => "y",
            Verdict::Reject => "n",
            Verdict::ImplementationDefined => "i",
        }
    }
}

/// A case's verdict: one for every profile, or one per named profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdicts {
    /// The same verdict under every profile.
    All(Verdict),
    /// Per profile; profiles not named take `default`, or the case does not apply to them.
    PerProfile {
        /// Named profiles.
        profiles: BTreeMap<String, Verdict>,
        /// The verdict of profiles not named, if any.
        default: Option<Verdict>,
    },
}

impl Verdicts {
    /// The verdict under `profile`, or `None` when the case does not apply to it.
    pub fn for_profile(&self, profile: &str) -> Option<Verdict> {
        match self {
            Verdicts::All(v) => Some(*v),
            Verdicts::PerProfile { profiles, default } => {
                profiles.get(profile).copied().or(*default)
            }
        }
    }

    /// A profile the case applies to, with its verdict there: `"default"` for a verdict of every
    /// profile, else the first named profile (or `"default"` when only a default is given).
    pub fn first(&self) -> Option<(String, Verdict)> {
        match self {
            Verdicts::All(v) => Some(("default".into(), *v)),
            Verdicts::PerProfile { profiles, default } => profiles
                .iter()
                .next()
                .map(|(p, v)| (p.clone(), *v))
                .or(default.map(|d| ("default".into(), d))),
        }
    }

    /// Whether the verdict names `profile` explicitly.
    pub fn names(&self, profile: &str) -> bool {
        matches!(self, Verdicts::PerProfile { profiles, .. } if profiles.contains_key(profile))
    }

    /// Every verdict the case can have, under any profile.
    pub fn any(&self, v: Verdict) -> bool {
        match self {
            Verdicts::All(x) => *x == v,
            Verdicts::PerProfile { profiles, default } => {
                profiles.values().any(|x| *x == v) || *default == Some(v)
            }
        }
    }

    /// The verdict as it is written in a vector file.
    pub fn to_json(&self) -> Value {
        match self {
            Verdicts::All(v) => Value::from(v.letter()),
            Verdicts::PerProfile { profiles, default } => {
                let mut m = Map::new();
                for (k, v) in profiles {
                    m.insert(k.clone(), Value::from(v.letter()));
                }
                if let Some(d) = default {
                    m.insert("default".into(), Value::from(d.letter()));
                }
                Value::Object(m)
            }
        }
    }
}

/// Where a case's input bytes came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputSource {
    /// Inline hex.
    Hex,
    /// Inline UTF-8 text.
    Text,
    /// A file, relative to the protocol directory.
    File(PathBuf),
}

/// The error a must-reject case expects.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct ExpectedError {
    /// Kebab-case error kind.
    pub kind: String,
    /// The protocol's code, where it defines one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code: Option<i64>,
}

/// One vector case, validated and with its input resolved to bytes.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// Stable id, unique in the corpus.
    pub id: String,
    /// Protocol (the file's).
    pub protocol: String,
    /// Group (the file's).
    pub group: String,
    /// One line, if given.
    pub description: Option<String>,
    /// The spec section the case tests.
    pub spec: String,
    /// What a conforming decoder must do.
    pub verdict: Verdicts,
    /// The input bytes.
    pub input: Vec<u8>,
    /// Where the input came from.
    pub input_source: InputSource,
    /// Expected canonical documents (for accepted inputs; for rejected streams, those before the error).
    pub expect: Option<Vec<Value>>,
    /// Expected error (for rejected inputs).
    pub error: Option<ExpectedError>,
    /// Provenance: the case's own, or else the file's.
    pub provenance: Value,
    /// Recorded disagreements with peers.
    pub findings: Vec<Value>,
    /// `roundtrip` as written (`None` = not given).
    pub roundtrip: Option<bool>,
    /// The input is a sequence of frames/messages.
    pub stream: bool,
    /// The vector file, relative to the corpus root.
    pub file: PathBuf,
    /// JSON pointer of the case in its file (`/cases/3`).
    pub pointer: String,
    /// The case as written in the file.
    pub raw: Value,
}

impl Case {
    /// Whether an accepted decode must re-encode to the exact input bytes (`roundtrip`, default
    /// `true` for `y` cases, `false` otherwise).
    pub fn exact_roundtrip(&self, verdict: Verdict) -> bool {
        self.roundtrip.unwrap_or(verdict == Verdict::Accept)
    }
}

/// One vector file.
#[derive(Debug, Clone, PartialEq)]
pub struct VectorFile {
    /// Path relative to the corpus root.
    pub path: PathBuf,
    /// Protocol name.
    pub protocol: String,
    /// Group name (one column of the peer matrix).
    pub group: String,
    /// What the group covers.
    pub description: Option<String>,
    /// File-level provenance, if any.
    pub provenance: Option<Value>,
    /// The cases, in file order.
    pub cases: Vec<Case>,
}

/// A loaded, validated corpus.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Corpus {
    /// Where it was read from (a directory, or the corpus embedded in this build).
    pub origin: Origin,
    /// Which corpus it is: case count and digest.
    pub revision: Revision,
    /// Files, sorted by protocol then path.
    pub files: Vec<VectorFile>,
}

impl Corpus {
    /// Loads every `<root>/<protocol>/*.json` (protocol directories that do not exist are
    /// empty). Other directories (`generate/`, `data/`, `example/`) are not part of the corpus
    /// (files under `<protocol>/data/` are, as inputs).
    pub fn load(root: &Path) -> Result<Corpus, LoadErrors> {
        if !root.is_dir() {
            return Err(LoadErrors(vec![LoadError {
                file: root.to_path_buf(),
                pointer: String::new(),
                message: "not a directory".into(),
            }]));
        }
        let collected = pack::collect(root);
        let errors = collected
            .errors
            .into_iter()
            .map(|(file, message)| LoadError {
                file: file.into(),
                pointer: String::new(),
                message,
            })
            .collect();
        Corpus::parse(Origin::Dir(root.to_path_buf()), &collected.files, errors)
    }

    /// The corpus embedded in this build ([`crate::corpus`]).
    pub fn embedded() -> Result<Corpus, LoadErrors> {
        Corpus::parse(Origin::Embedded, corpus::embedded_files(), Vec::new())
    }

    /// Validates a corpus given as files (relative `/`-separated path → bytes, as
    /// [`pack::collect`] reads them).
    pub fn from_files(origin: Origin, files: &pack::Files) -> Result<Corpus, LoadErrors> {
        Corpus::parse(origin, files, Vec::new())
    }

    fn parse(
        origin: Origin,
        all: &pack::Files,
        mut errors: Vec<LoadError>,
    ) -> Result<Corpus, LoadErrors> {
        let mut files = Vec::new();
        for protocol in PROTOCOLS {
            let prefix = format!("{protocol}/");
            for (key, bytes) in all.range(prefix.clone()..) {
                if !key.starts_with(&prefix) {
                    break;
                }
                if !pack::is_vector_file(key) {
                    continue;
                }
                let rel = PathBuf::from(key);
                if let Some(f) = parse_file(bytes, &rel, protocol, all, &mut errors) {
                    files.push(f);
                }
            }
        }
        // Ids are unique across the whole corpus.
        let mut seen: HashMap<&str, (&Path, &str)> = HashMap::new();
        for f in &files {
            for c in &f.cases {
                if let Some((file, ptr)) = seen.insert(&c.id, (&f.path, &c.pointer)) {
                    errors.push(LoadError {
                        file: f.path.clone(),
                        pointer: format!("{}/id", c.pointer),
                        message: format!(
                            "duplicate id {:?} (first at {}#{ptr}/id)",
                            c.id,
                            file.display()
                        ),
                    });
                }
            }
        }
        if !errors.is_empty() {
            return Err(LoadErrors(errors));
        }
        let cases = files.iter().map(|f| f.cases.len()).sum();
        let revision = match origin {
            // Computed by build.rs from the same files (a unit test holds them equal).
            Origin::Embedded => Revision::embedded(),
            Origin::Dir(_) => Revision {
                cases,
                files: all.len(),
                bytes: pack::size(all),
                digest: pack::digest(all),
            },
        };
        Ok(Corpus {
            origin,
            revision,
            files,
        })
    }

    /// Every case, in corpus order.
    pub fn cases(&self) -> impl Iterator<Item = (&VectorFile, &Case)> {
        self.files
            .iter()
            .flat_map(|f| f.cases.iter().map(move |c| (f, c)))
    }

    /// The case with this id.
    pub fn case(&self, id: &str) -> Option<&Case> {
        self.cases().map(|(_, c)| c).find(|c| c.id == id)
    }

    /// Checks that every profile a verdict names is one `profiles(protocol)` knows. Protocols
    /// for which `profiles` answers `None` (not built in) are not checked.
    pub fn check_profiles(
        &self,
        profiles: impl Fn(&str) -> Option<&'static [&'static str]>,
    ) -> Result<(), LoadErrors> {
        let mut errors = Vec::new();
        for (f, c) in self.cases() {
            let (
                Verdicts::PerProfile {
                    profiles: named, ..
                },
                Some(known),
            ) = (&c.verdict, profiles(&c.protocol))
            else {
                continue;
            };
            for p in named.keys() {
                if !known.contains(&p.as_str()) {
                    errors.push(LoadError {
                        file: f.path.clone(),
                        pointer: format!("{}/verdict/{}", c.pointer, escape_pointer(p)),
                        message: format!(
                            "profile {p:?} is not a profile of {} (known: {})",
                            c.protocol,
                            known.join(", ")
                        ),
                    });
                }
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(LoadErrors(errors))
        }
    }
}

/// Escapes one JSON pointer token (RFC 6901 §3).
pub fn escape_pointer(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Decodes inline hex; whitespace is allowed anywhere between digits.
pub fn parse_hex(s: &str) -> Result<Vec<u8>, String> {
    let digits: Vec<u8> = s.bytes().filter(|b| !b.is_ascii_whitespace()).collect();
    if !digits.len().is_multiple_of(2) {
        return Err(format!("odd number of hex digits ({})", digits.len()));
    }
    hex::decode(&digits).map_err(|e| format!("invalid hex: {e}"))
}

struct Ctx<'e> {
    file: PathBuf,
    errors: &'e mut Vec<LoadError>,
}

impl Ctx<'_> {
    fn err(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.errors.push(LoadError {
            file: self.file.clone(),
            pointer: pointer.into(),
            message: message.into(),
        });
    }

    /// Reports members not in `allowed` (extension members starting `x-` are allowed).
    fn unknown_members(&mut self, obj: &Map<String, Value>, ptr: &str, allowed: &[&str]) {
        for k in obj.keys() {
            if !allowed.contains(&k.as_str()) && !k.starts_with("x-") {
                self.err(
                    format!("{ptr}/{}", escape_pointer(k)),
                    format!(
                        "unknown member {k:?} (expected one of: {})",
                        allowed.join(", ")
                    ),
                );
            }
        }
    }

    fn string<'v>(
        &mut self,
        obj: &'v Map<String, Value>,
        ptr: &str,
        key: &str,
        required: bool,
    ) -> Option<&'v str> {
        match obj.get(key) {
            None if required => {
                self.err(ptr.to_string(), format!("missing required member {key:?}"));
                None
            }
            None => None,
            Some(Value::String(s)) if required && s.trim().is_empty() => {
                self.err(format!("{ptr}/{key}"), "must not be empty");
                None
            }
            Some(Value::String(s)) => Some(s),
            Some(other) => {
                self.err(
                    format!("{ptr}/{key}"),
                    format!("expected a string, found {}", type_name(other)),
                );
                None
            }
        }
    }

    fn boolean(&mut self, obj: &Map<String, Value>, ptr: &str, key: &str) -> Option<bool> {
        match obj.get(key) {
            None => None,
            Some(Value::Bool(b)) => Some(*b),
            Some(other) => {
                self.err(
                    format!("{ptr}/{key}"),
                    format!("expected true or false, found {}", type_name(other)),
                );
                None
            }
        }
    }
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn is_name(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-".contains(&b))
}

fn parse_file(
    bytes: &[u8],
    rel: &Path,
    dir_protocol: &str,
    all: &pack::Files,
    errors: &mut Vec<LoadError>,
) -> Option<VectorFile> {
    let mut cx = Ctx {
        file: rel.to_path_buf(),
        errors,
    };
    let doc: Value = match serde_json::from_slice(bytes) {
        Ok(v) => v,
        Err(e) => {
            cx.err("", format!("not JSON: {e}"));
            return None;
        }
    };
    let Value::Object(top) = &doc else {
        cx.err("", format!("expected an object, found {}", type_name(&doc)));
        return None;
    };
    let before = cx.errors.len();
    cx.unknown_members(
        top,
        "",
        &[
            "format",
            "protocol",
            "group",
            "description",
            "provenance",
            "cases",
        ],
    );
    match cx.string(top, "", "format", true) {
        Some(FORMAT) | None => {}
        Some(other) => cx.err(
            "/format",
            format!("unsupported format {other:?} (expected {FORMAT:?})"),
        ),
    }
    let protocol = cx
        .string(top, "", "protocol", true)
        .unwrap_or(dir_protocol)
        .to_string();
    if protocol != dir_protocol {
        cx.err(
            "/protocol",
            format!("protocol {protocol:?} does not match the directory {dir_protocol:?}"),
        );
    }
    let group = cx.string(top, "", "group", true).unwrap_or("").to_string();
    if !group.is_empty() && !is_name(&group) {
        cx.err("/group", "a group name is lower-case [a-z0-9._-]");
    }
    let description = cx.string(top, "", "description", false).map(str::to_string);
    let provenance = top.get("provenance").cloned();
    if let Some(p) = &provenance {
        check_provenance(&mut cx, p, "/provenance");
    }
    let mut cases = Vec::new();
    match top.get("cases") {
        None => cx.err("", "missing required member \"cases\""),
        Some(Value::Array(a)) if a.is_empty() => cx.err("/cases", "a file holds at least one case"),
        Some(Value::Array(a)) => {
            for (i, raw) in a.iter().enumerate() {
                let ptr = format!("/cases/{i}");
                if let Some(c) = parse_case(
                    &mut cx,
                    raw,
                    &ptr,
                    &protocol,
                    &group,
                    provenance.as_ref(),
                    all,
                ) {
                    cases.push(c);
                }
            }
        }
        Some(other) => cx.err(
            "/cases",
            format!("expected an array, found {}", type_name(other)),
        ),
    }
    if cx.errors.len() != before {
        return None;
    }
    Some(VectorFile {
        path: rel.to_path_buf(),
        protocol,
        group,
        description,
        provenance,
        cases,
    })
}

fn check_provenance(cx: &mut Ctx<'_>, p: &Value, ptr: &str) {
    let Value::Object(o) = p else {
        cx.err(ptr, format!("expected an object, found {}", type_name(p)));
        return;
    };
    let Some(peer) = cx.string(o, ptr, "peer", true) else {
        return;
    };
    if peer == "hand-written" {
        cx.string(o, ptr, "reason", true);
    } else {
        // A peer-made vector names the peer's version and the script that made it.
        cx.string(o, ptr, "version", true);
        cx.string(o, ptr, "generator", true);
    }
    for k in ["version", "generator", "reason", "note"] {
        if o.contains_key(k) {
            cx.string(o, ptr, k, false);
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn parse_case(
    cx: &mut Ctx<'_>,
    raw: &Value,
    ptr: &str,
    protocol: &str,
    group: &str,
    file_provenance: Option<&Value>,
    all: &pack::Files,
) -> Option<Case> {
    let Value::Object(o) = raw else {
        cx.err(ptr, format!("expected an object, found {}", type_name(raw)));
        return None;
    };
    let before = cx.errors.len();
    cx.unknown_members(
        o,
        ptr,
        &[
            "id",
            "description",
            "spec",
            "verdict",
            "input",
            "expect",
            "error",
            "provenance",
            "findings",
            "roundtrip",
            "stream",
        ],
    );
    let id = cx.string(o, ptr, "id", true).unwrap_or("").to_string();
    if !id.is_empty() {
        let segments: Vec<&str> = id.split('/').collect();
        if !id.starts_with(&format!("{protocol}/")) {
            cx.err(
                format!("{ptr}/id"),
                format!("an id starts with the protocol: \"{protocol}/...\""),
            );
        } else if segments.len() < 3 || !segments.iter().all(|s| is_name(s)) {
            cx.err(
                format!("{ptr}/id"),
                format!(
                    "{id:?}: an id is <protocol>/<group>/<name>, segments lower-case [a-z0-9._-]"
                ),
            );
        }
    }
    let description = cx.string(o, ptr, "description", false).map(str::to_string);
    let spec = cx.string(o, ptr, "spec", true).unwrap_or("").to_string();
    let verdict = parse_verdict(cx, o.get("verdict"), ptr);

    let (input, input_source) = parse_input(cx, o.get("input"), ptr, protocol, all);

    let expect = match o.get("expect") {
        None => None,
        Some(Value::Array(a)) => Some(a.clone()),
        Some(other) => {
            cx.err(
                format!("{ptr}/expect"),
                format!("expected an array of documents, found {}", type_name(other)),
            );
            None
        }
    };
    let error = match o.get("error") {
        None => None,
        Some(Value::Object(e)) => {
            let eptr = format!("{ptr}/error");
            cx.unknown_members(e, &eptr, &["kind", "code", "note"]);
            let kind = cx.string(e, &eptr, "kind", true).unwrap_or("").to_string();
            if !kind.is_empty()
                && !kind
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
            {
                cx.err(
                    format!("{eptr}/kind"),
                    "an error kind is kebab-case [a-z0-9-]",
                );
            }
            let code = match e.get("code") {
                None | Some(Value::Null) => None,
                Some(Value::Number(n)) if n.as_i64().is_some() => n.as_i64(),
                Some(other) => {
                    cx.err(
                        format!("{eptr}/code"),
                        format!("expected an integer, found {other}"),
                    );
                    None
                }
            };
            Some(ExpectedError { kind, code })
        }
        Some(other) => {
            cx.err(
                format!("{ptr}/error"),
                format!("expected an object, found {}", type_name(other)),
            );
            None
        }
    };
    let roundtrip = cx.boolean(o, ptr, "roundtrip");
    let stream = cx.boolean(o, ptr, "stream").unwrap_or(false);
    let findings = match o.get("findings") {
        None => Vec::new(),
        Some(Value::Array(a)) => {
            for (i, f) in a.iter().enumerate() {
                if !f.is_object() {
                    cx.err(format!("{ptr}/findings/{i}"), "a finding is an object");
                }
            }
            a.clone()
        }
        Some(other) => {
            cx.err(
                format!("{ptr}/findings"),
                format!("expected an array, found {}", type_name(other)),
            );
            Vec::new()
        }
    };
    let provenance = match (o.get("provenance"), file_provenance) {
        (Some(p), _) => {
            check_provenance(cx, p, &format!("{ptr}/provenance"));
            p.clone()
        }
        (None, Some(p)) => p.clone(),
        (None, None) => {
            cx.err(ptr, "no provenance: give one in the case or in the file");
            Value::Null
        }
    };

    // What each verdict needs.
    if let Some(v) = &verdict {
        if v.any(Verdict::Accept) && expect.is_none() {
            cx.err(ptr, "a case that must be accepted (\"y\") needs \"expect\"");
        }
        if v.any(Verdict::Reject) && error.is_none() {
            cx.err(ptr, "a case that must be rejected (\"n\") needs \"error\"");
        }
        if !v.any(Verdict::Reject) && error.is_some() {
            cx.err(
                format!("{ptr}/error"),
                "\"error\" is for cases rejected under some profile",
            );
        }
        if roundtrip == Some(true)
            && !v.any(Verdict::Accept)
            && !v.any(Verdict::ImplementationDefined)
        {
            cx.err(
                format!("{ptr}/roundtrip"),
                "a rejected input cannot round-trip",
            );
        }
    }
    if cx.errors.len() != before {
        return None;
    }
    Some(Case {
        id,
        protocol: protocol.to_string(),
        group: group.to_string(),
        description,
        spec,
        verdict: verdict?,
        input: input?,
        input_source: input_source?,
        expect,
        error,
        provenance,
        findings,
        roundtrip,
        stream,
        file: cx.file.clone(),
        pointer: ptr.to_string(),
        raw: raw.clone(),
    })
}

fn parse_verdict(cx: &mut Ctx<'_>, v: Option<&Value>, ptr: &str) -> Option<Verdicts> {
    let vptr = format!("{ptr}/verdict");
    match v {
        None => {
            cx.err(ptr, "missing required member \"verdict\"");
            None
        }
        Some(Value::String(s)) => match Verdict::parse(s) {
            Some(v) => Some(Verdicts::All(v)),
            None => {
                cx.err(
                    vptr,
                    format!("a verdict is \"y\", \"n\" or \"i\", not {s:?}"),
                );
                None
            }
        },
        Some(Value::Object(m)) if !m.is_empty() => {
            let mut profiles = BTreeMap::new();
            let mut default = None;
            let mut ok = true;
            for (k, val) in m {
                let p = format!("{vptr}/{}", escape_pointer(k));
                let parsed = val.as_str().and_then(Verdict::parse);
                let Some(parsed) = parsed else {
                    cx.err(p, format!("a verdict is \"y\", \"n\" or \"i\", not {val}"));
                    ok = false;
                    continue;
                };
                if k == "default" {
                    default = Some(parsed);
                } else if is_name(k) {
                    profiles.insert(k.clone(), parsed);
                } else {
                    cx.err(p, "a profile name is lower-case [a-z0-9._-]");
                    ok = false;
                }
            }
            ok.then_some(Verdicts::PerProfile { profiles, default })
        }
        Some(other) => {
            cx.err(
                vptr,
                format!(
                    "expected \"y\", \"n\", \"i\" or an object per profile, found {}",
                    type_name(other)
                ),
            );
            None
        }
    }
}

fn parse_input(
    cx: &mut Ctx<'_>,
    v: Option<&Value>,
    ptr: &str,
    protocol: &str,
    all: &pack::Files,
) -> (Option<Vec<u8>>, Option<InputSource>) {
    let iptr = format!("{ptr}/input");
    let Some(v) = v else {
        cx.err(ptr, "missing required member \"input\"");
        return (None, None);
    };
    let Value::Object(o) = v else {
        cx.err(
            iptr,
            format!(
                "expected {{\"hex\"|\"text\"|\"file\": ...}}, found {}",
                type_name(v)
            ),
        );
        return (None, None);
    };
    if o.len() != 1 {
        cx.err(
            iptr,
            "an input has exactly one of \"hex\", \"text\", \"file\"",
        );
        return (None, None);
    }
    let (k, val) = o.iter().next().expect("one member");
    let mptr = format!("{iptr}/{}", escape_pointer(k));
    let Value::String(s) = val else {
        cx.err(mptr, format!("expected a string, found {}", type_name(val)));
        return (None, None);
    };
    match k.as_str() {
        "hex" => match parse_hex(s) {
            Ok(b) => (Some(b), Some(InputSource::Hex)),
            Err(e) => {
                cx.err(mptr, e);
                (None, None)
            }
        },
        "text" => (Some(s.as_bytes().to_vec()), Some(InputSource::Text)),
        "file" => {
            let rel = Path::new(s);
            // Relative, and never outside the protocol directory.
            if s.is_empty() || !rel.components().all(|c| matches!(c, Component::Normal(_))) {
                cx.err(
                    mptr,
                    "a file is a relative path inside the protocol directory (no \"..\")",
                );
                return (None, None);
            }
            let mut key = protocol.to_string();
            for c in rel.components() {
                key.push('/');
                key.push_str(&c.as_os_str().to_string_lossy());
            }
            match all.get(&key) {
                Some(b) => (Some(b.clone()), Some(InputSource::File(rel.to_path_buf()))),
                None => {
                    cx.err(
                        mptr,
                        format!("cannot read {key}: no such file in the corpus"),
                    );
                    (None, None)
                }
            }
        }
        other => {
            cx.err(
                mptr,
                format!("unknown input kind {other:?} (expected \"hex\", \"text\" or \"file\")"),
            );
            (None, None)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scratch corpus directory, removed on drop.
    struct Scratch(PathBuf);
    impl Scratch {
        fn new(name: &str) -> Scratch {
            let p =
                std::env::temp_dir().join(format!("msgwire-vectors-{}-{name}", std::process::id()));
            let _ = std::fs::remove_dir_all(&p);
            std::fs::create_dir_all(p.join("jsonrpc/data")).unwrap();
            Scratch(p)
        }
        fn write(&self, rel: &str, text: &str) {
            std::fs::write(self.0.join(rel), text).unwrap();
        }
    }
    impl Drop for Scratch {
        fn drop(&mut self) {
            let _ = std::fs::remove_dir_all(&self.0);
        }
    }

    fn file(cases: &str) -> String {
        format!(
            r#"{{"format": "msgwire-vectors/1", "protocol": "jsonrpc", "group": "g",
                "provenance": {{"peer": "hand-written", "reason": "tests"}}, "cases": [{cases}]}}"#
        )
    }

    const GOOD: &str = r#"{"id": "jsonrpc/g/a", "spec": "§4", "verdict": "y",
        "input": {"text": "{}"}, "expect": [{"kind": "request"}]}"#;

    fn errors_of(s: &Scratch) -> Vec<String> {
        match Corpus::load(&s.0) {
            Ok(_) => Vec::new(),
            Err(e) => {
                e.0.iter()
                    .map(|e| format!("{}#{} {}", e.file.display(), e.pointer, e.message))
                    .collect()
            }
        }
    }

    #[test]
    fn loads_a_good_file() {
        let s = Scratch::new("good");
        s.write("jsonrpc/data/x.bin", "\u{1}\u{2}");
        s.write(
            "jsonrpc/g.json",
            &file(&format!(
                r#"{GOOD}, {{"id": "jsonrpc/g/b", "spec": "s", "verdict": {{"strict": "n", "default": "y"}},
                   "input": {{"hex": "7b 7d"}}, "expect": [{{}}], "error": {{"kind": "parse-error", "code": -32700}}}},
                   {{"id": "jsonrpc/g/c", "spec": "s", "verdict": "i", "input": {{"file": "data/x.bin"}}}}"#
            )),
        );
        let c = Corpus::load(&s.0).unwrap();
        let cases: Vec<&Case> = c.cases().map(|(_, c)| c).collect();
        assert_eq!(cases.len(), 3);
        assert_eq!(cases[0].input, b"{}");
        assert_eq!(cases[1].input, b"{}");
        assert_eq!(
            cases[1].verdict.for_profile("strict"),
            Some(Verdict::Reject)
        );
        assert_eq!(
            cases[1].verdict.for_profile("lenient"),
            Some(Verdict::Accept)
        );
        assert_eq!(cases[1].error.as_ref().unwrap().code, Some(-32700));
        assert_eq!(cases[2].input, [1, 2]);
        assert_eq!(
            cases[2].input_source,
            InputSource::File("data/x.bin".into())
        );
        assert!(cases[0].exact_roundtrip(Verdict::Accept));
        assert!(!cases[2].exact_roundtrip(Verdict::ImplementationDefined));
        assert_eq!(cases[0].pointer, "/cases/0");
        assert!(c.case("jsonrpc/g/b").is_some());
    }

    #[test]
    fn per_profile_without_default_does_not_apply_elsewhere() {
        let v = Verdicts::PerProfile {
            profiles: BTreeMap::from([("lenient".to_string(), Verdict::Accept)]),
            default: None,
        };
        assert_eq!(v.for_profile("strict"), None);
        assert_eq!(v.for_profile("lenient"), Some(Verdict::Accept));
    }

    #[test]
    fn reports_every_problem_with_a_pointer() {
        let s = Scratch::new("bad");
        s.write(
            "jsonrpc/bad.json",
            &file(
                r#"{"id": "jsonrpc/g/1", "spec": "s", "verdict": "y", "input": {"hex": "abc"}, "expect": []},
                   {"id": "JSONRPC/g/x", "spec": "s", "verdict": "q", "input": {"text": "", "hex": ""}},
                   {"id": "jsonrpc/g/y", "spec": "", "verdict": "n", "input": {"text": "x"}, "expected": 1},
                   {"id": "jsonrpc/g/z", "spec": "s", "verdict": "y", "input": {"file": "../x"}},
                   {"id": "jsonrpc/g/w", "spec": "s", "verdict": {"strict": "maybe"}, "input": {"file": "data/none"}}"#,
            ),
        );
        let errs = errors_of(&s);
        let want = [
            "jsonrpc/bad.json#/cases/0/input/hex odd number of hex digits (3)",
            "jsonrpc/bad.json#/cases/1/id an id starts with the protocol",
            "jsonrpc/bad.json#/cases/1/verdict a verdict is",
            "jsonrpc/bad.json#/cases/1/input an input has exactly one",
            "jsonrpc/bad.json#/cases/2/expected unknown member",
            "jsonrpc/bad.json#/cases/2/spec must not be empty",
            "jsonrpc/bad.json#/cases/2 a case that must be rejected (\"n\") needs \"error\"",
            "jsonrpc/bad.json#/cases/3/input/file a file is a relative path",
            "jsonrpc/bad.json#/cases/3 a case that must be accepted",
            "jsonrpc/bad.json#/cases/4/verdict/strict a verdict is",
            "jsonrpc/bad.json#/cases/4/input/file cannot read",
        ];
        for w in want {
            assert!(
                errs.iter().any(|e| e.starts_with(w)),
                "missing {w:?} in {errs:#?}"
            );
        }
        assert_eq!(errs.len(), want.len(), "{errs:#?}");
    }

    #[test]
    fn rejects_bad_file_level_members() {
        let s = Scratch::new("top");
        s.write(
            "jsonrpc/a.json",
            r#"{"format": "msgwire-vectors/2", "protocol": "amqp", "group": "G", "cases": []}"#,
        );
        s.write("jsonrpc/b.json", "[1,");
        s.write(
            "jsonrpc/c.json",
            &file(GOOD).replace(r#""reason": "tests""#, r#""why": "x""#),
        );
        let errs = errors_of(&s);
        for w in [
            "jsonrpc/a.json#/format unsupported format",
            "jsonrpc/a.json#/protocol protocol \"amqp\" does not match",
            "jsonrpc/a.json#/group a group name",
            "jsonrpc/a.json#/cases a file holds at least one case",
            "jsonrpc/b.json# not JSON",
            "jsonrpc/c.json#/provenance missing required member \"reason\"",
        ] {
            assert!(
                errs.iter().any(|e| e.starts_with(w)),
                "missing {w:?} in {errs:#?}"
            );
        }
    }

    #[test]
    fn ids_are_unique_across_files() {
        let s = Scratch::new("dup");
        s.write("jsonrpc/a.json", &file(GOOD));
        s.write("jsonrpc/b.json", &file(GOOD));
        let errs = errors_of(&s);
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(
            errs[0].starts_with("jsonrpc/b.json#/cases/0/id duplicate id"),
            "{errs:?}"
        );
        assert!(errs[0].contains("jsonrpc/a.json#/cases/0/id"), "{errs:?}");
    }

    #[test]
    fn case_needs_provenance_somewhere() {
        let s = Scratch::new("prov");
        s.write(
            "jsonrpc/a.json",
            &format!(r#"{{"format": "msgwire-vectors/1", "protocol": "jsonrpc", "group": "g", "cases": [{GOOD}]}}"#),
        );
        let errs = errors_of(&s);
        assert_eq!(
            errs,
            ["jsonrpc/a.json#/cases/0 no provenance: give one in the case or in the file"]
        );
    }

    #[test]
    fn unknown_profiles_are_reported() {
        let s = Scratch::new("prof");
        s.write(
            "jsonrpc/a.json",
            &file(r#"{"id": "jsonrpc/g/a", "spec": "s", "verdict": {"lenient": "i"}, "input": {"text": "x"}}"#),
        );
        let c = Corpus::load(&s.0).unwrap();
        let known = |_: &str| -> Option<&'static [&'static str]> { Some(&["strict"]) };
        let e = c.check_profiles(known).unwrap_err();
        assert_eq!(e.0[0].pointer, "/cases/0/verdict/lenient");
        assert!(c.check_profiles(|_| None).is_ok());
    }

    #[test]
    fn hex_allows_whitespace() {
        assert_eq!(parse_hex("01 02\n0a").unwrap(), [1, 2, 10]);
        assert!(parse_hex("0g").is_err());
    }
}
