//! Counts in the docs, generated from the corpus and the live suites (never typed by hand).
//!
//! A document marks each count it shows with an HTML comment (invisible when rendered) and a
//! closing one:
//!
//! ```text
//! `vectors/jsonrpc/` (<!-- count jsonrpc cases+trials -->388 cases, 777 trials<!-- /count -->)
//! ```
//!
//! `msgwire vectors count --check FILE...` fails when a marked text differs from what the corpus
//! gives (CI runs it), and `--write FILE...` rewrites the marked texts. The key names what is
//! counted:
//! - `<protocol>`: the cases of a protocol (`jsonrpc`), and its trials (case × profile, as
//!   `check codec` and `cargo test --test vectors` run them with our codecs);
//! - `<protocol>/<group>`: the cases of one vector file (`jsonrpc/json-test-suite`);
//! - `live/<target>`: the cases of a live suite (`live/amqp-broker`, `live/jsonrpc-server`,
//!   `live/xmlrpc-server`, `live/msgpack-rpc-server`, `live/jsonrpc-client`, `live/amqp-client`,
//!   `live/xmlrpc-client`, `live/msgpack-rpc-client`, `live/thrift-server`);
//!
//! and the format after it how it is written: `cases` (default: `N cases`), `trials`
//! (`M trials`), `cases+trials` (`N cases, M trials`), `n` (the bare case count).

use crate::runner::codec::Ours;
use crate::runner::{plan, Selection};
use crate::vectors::Corpus;
use std::collections::BTreeMap;

/// Cases and trials of one key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Count {
    /// Cases.
    pub cases: usize,
    /// Trials (case × profile), where the key has them.
    pub trials: Option<usize>,
}

/// Every key's count: each protocol, each group, each live suite built in.
pub fn counts(corpus: &Corpus) -> BTreeMap<String, Count> {
    let mut m: BTreeMap<String, Count> = BTreeMap::new();
    for (_, c) in corpus.cases() {
        for key in [c.protocol.clone(), format!("{}/{}", c.protocol, c.group)] {
            let e = m.entry(key).or_default();
            e.cases += 1;
            e.trials.get_or_insert(0);
        }
    }
    for t in plan(corpus, &Selection::default(), &Ours::default()) {
        for key in [
            t.case.protocol.clone(),
            format!("{}/{}", t.case.protocol, t.case.group),
        ] {
            if let Some(n) = m.get_mut(&key).and_then(|e| e.trials.as_mut()) {
                *n += 1;
            }
        }
    }
    for (key, cases) in live_suites() {
        m.insert(
            key.to_string(),
            Count {
                cases,
                trials: None,
            },
        );
    }
    m
}

// One push per protocol built in: which ones depends on the features.
#[allow(clippy::vec_init_then_push)]
fn live_suites() -> Vec<(&'static str, usize)> {
    #[allow(unused_mut)]
    let mut v = Vec::new();
    #[cfg(feature = "amqp")]
    v.push(("live/amqp-broker", crate::live::amqp::cases().len()));
    #[cfg(feature = "amqp")]
    v.push(("live/amqp-client", crate::live::amqp_client::cases().len()));
    #[cfg(feature = "jsonrpc")]
    v.push(("live/jsonrpc-server", crate::live::jsonrpc::cases().len()));
    #[cfg(feature = "jsonrpc")]
    v.push((
        "live/jsonrpc-client",
        crate::live::jsonrpc_client::cases().len(),
    ));
    #[cfg(feature = "xmlrpc")]
    v.push(("live/xmlrpc-server", crate::live::xmlrpc::cases().len()));
    #[cfg(feature = "xmlrpc")]
    v.push((
        "live/xmlrpc-client",
        crate::live::xmlrpc_client::cases().len(),
    ));
    #[cfg(feature = "msgpack-rpc")]
    v.push((
        "live/msgpack-rpc-server",
        crate::live::msgpack_rpc::cases().len(),
    ));
    #[cfg(feature = "msgpack-rpc")]
    v.push((
        "live/msgpack-rpc-client",
        crate::live::msgpack_rpc_client::cases().len(),
    ));
    #[cfg(feature = "thrift")]
    v.push(("live/thrift-server", crate::live::thrift::cases().len()));
    v
}

/// The text a marker with `key` and `format` stands for.
pub fn render(counts: &BTreeMap<String, Count>, key: &str, format: &str) -> Result<String, String> {
    let c = counts
        .get(key)
        .ok_or_else(|| format!("no count named {key:?}"))?;
    let plural = |n: usize, what: &str| {
        if n == 1 {
            format!("1 {what}")
        } else {
            format!("{n} {what}s")
        }
    };
    let trials = || {
        c.trials
            .ok_or_else(|| format!("{key} has no trials (a live suite)"))
    };
    Ok(match format {
        "" | "cases" => plural(c.cases, "case"),
        "trials" => plural(trials()?, "trial"),
        "cases+trials" => format!(
            "{}, {}",
            plural(c.cases, "case"),
            plural(trials()?, "trial")
        ),
        "n" => c.cases.to_string(),
        other => {
            return Err(format!(
                "unknown format {other:?} (cases, trials, cases+trials, n)"
            ))
        }
    })
}

const OPEN: &str = "<!-- count ";
const CLOSE: &str = "<!-- /count -->";

/// One marker found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Marker {
    /// 1-based line of the marker.
    pub line: usize,
    /// Its key and format, as written.
    pub spec: String,
    /// The text it holds now.
    pub text: String,
    /// The text the counts give (or why there is none).
    pub want: Result<String, String>,
}

/// Every marker of `text`, and `text` with each marker's text replaced by the generated one.
pub fn update(text: &str, counts: &BTreeMap<String, Count>) -> (Vec<Marker>, String) {
    let mut out = String::with_capacity(text.len());
    let mut markers = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(OPEN) {
        let line = text[..text.len() - rest.len() + i].matches('\n').count() + 1;
        let after = &rest[i + OPEN.len()..];
        let (Some(spec_end), Some(close)) = (after.find("-->"), after.find(CLOSE)) else {
            markers.push(Marker {
                line,
                spec: String::new(),
                text: String::new(),
                want: Err("a count marker without its closing <!-- /count -->".into()),
            });
            break;
        };
        let spec = after[..spec_end].trim();
        let held = &after[spec_end + 3..close.max(spec_end + 3)];
        let mut words = spec.split_whitespace();
        let key = words.next().unwrap_or("");
        let format = words.next().unwrap_or("");
        let want = render(counts, key, format);
        out.push_str(&rest[..i + OPEN.len() + spec_end + 3]);
        out.push_str(want.as_deref().unwrap_or(held));
        out.push_str(CLOSE);
        markers.push(Marker {
            line,
            spec: spec.to_string(),
            text: held.to_string(),
            want,
        });
        rest = &after[close + CLOSE.len()..];
    }
    out.push_str(rest);
    (markers, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_are_checked_and_rewritten() {
        let mut counts = BTreeMap::new();
        counts.insert(
            "jsonrpc".to_string(),
            Count {
                cases: 388,
                trials: Some(777),
            },
        );
        counts.insert(
            "live/amqp-broker".to_string(),
            Count {
                cases: 1,
                trials: None,
            },
        );
        let text = "a (<!-- count jsonrpc cases+trials -->1 case<!-- /count -->)\n\
                    b <!-- count jsonrpc n -->388<!-- /count --> c\n\
                    <!-- count live/amqp-broker -->2 cases<!-- /count --> \
                    <!-- count nope -->x<!-- /count -->";
        let (m, new) = update(text, &counts);
        assert_eq!(
            new,
            "a (<!-- count jsonrpc cases+trials -->388 cases, 777 trials<!-- /count -->)\n\
             b <!-- count jsonrpc n -->388<!-- /count --> c\n\
             <!-- count live/amqp-broker -->1 case<!-- /count --> \
             <!-- count nope -->x<!-- /count -->"
        );
        let stale: Vec<(usize, &str)> = m
            .iter()
            .filter(|m| m.want.as_deref() != Ok(m.text.as_str()))
            .map(|m| (m.line, m.spec.as_str()))
            .collect();
        assert_eq!(
            stale,
            [
                (1, "jsonrpc cases+trials"),
                (3, "live/amqp-broker"),
                (3, "nope")
            ]
        );
        assert_eq!(
            render(&counts, "live/amqp-broker", "trials").unwrap_err(),
            "live/amqp-broker has no trials (a live suite)"
        );
    }
}
