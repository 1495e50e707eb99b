//! The JSON report (`--json FILE`): the [`Report`] model as written, plus counts (per class and
//! per status), stable enough for tools and for `msgwire report matrix`, which reads these back.

use super::{Report, Status};
use serde::Deserialize;
use serde_json::{Map, Value};

pub use super::model::FORMAT;

/// The report as a JSON document.
pub fn render(report: &Report) -> Value {
    let c = report.counts();
    let mut v = serde_json::to_value(report).unwrap_or(Value::Null);
    let mut statuses = Map::new();
    for s in Status::ALL {
        statuses.insert(s.name().into(), c.get(s).into());
    }
    let counts: Map<String, Value> = c
        .class
        .iter()
        .map(|(k, n)| (k.clone(), (*n).into()))
        .collect();
    if let Some(o) = v.as_object_mut() {
        o.insert("headline".into(), report.headline().into());
        // Where tools look first: what was checked against which corpus.
        o.insert(
            "corpus".into(),
            report.meta.corpus.clone().map_or(Value::Null, Value::from),
        );
        o.insert(
            "corpus_revision".into(),
            serde_json::to_value(&report.meta.corpus_revision).unwrap_or(Value::Null),
        );
        o.insert("total".into(), c.total.into());
        o.insert("failing".into(), c.failing().into());
        o.insert("counts".into(), counts.into());
        o.insert("statuses".into(), statuses.into());
    }
    v
}

/// Reads a JSON report back: this format, or the older `msgwire-report/1` codec runs.
pub fn parse(bytes: &[u8]) -> Result<Report, String> {
    // Reports carry implementations' documents, which may nest deeper than serde_json's
    // default limit (the report model keeps at most MAX_DEPTH levels of them; see model.rs).
    let mut de = serde_json::Deserializer::from_slice(bytes);
    de.disable_recursion_limit();
    let v = Value::deserialize(&mut de).map_err(|e| e.to_string())?;
    match v.get("format").and_then(Value::as_str) {
        Some(FORMAT) => serde_json::from_value(v).map_err(|e| e.to_string()),
        Some("msgwire-report/1") => {
            let run: crate::runner::Run = serde_json::from_value(v).map_err(|e| e.to_string())?;
            Ok(Report::from_codec(
                &run,
                false,
                None,
                super::Meta::default(),
            ))
        }
        other => Err(format!("not a msgwire report (format {other:?})")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts_and_reads_back() {
        let r = crate::report::tests::sample_report();
        let v = render(&r);
        assert_eq!(v["format"], FORMAT);
        assert_eq!(v["counts"]["wrong-value"], 1);
        assert_eq!(v["statuses"]["baselined"], 1);
        assert_eq!(v["failing"], 1);
        assert_eq!(v["verdict"]["exit_code"], 1);
        assert_eq!(v["suites"][0]["items"][1]["class"], "wrong-value");
        assert_eq!(v["suites"][0]["items"][2]["status"], "baselined");
        assert_eq!(v["corpus_revision"]["cases"], 4);
        assert_eq!(
            v["meta"]["corpus_revision"]["digest"],
            format!("sha256:{}", "ab".repeat(32))
        );
        let back = parse(v.to_string().as_bytes()).unwrap();
        assert_eq!(back, r);
        assert!(parse(b"{\"format\":\"x\"}").is_err());
    }
}
