//! The JSON report (`--json FILE`): the run, with counts per class, stable enough for tools
//! (and for `msgwire report matrix`, which reads these back).

use super::Tally;
use crate::runner::{Class, Run};
use serde_json::{json, Map, Value};

/// Format string of the JSON report.
pub const FORMAT: &str = "msgwire-report/1";

/// The run as a JSON document.
pub fn render(run: &Run) -> Value {
    let t = Tally::of(&run.results);
    let mut counts = Map::new();
    for c in Class::ALL {
        counts.insert(c.name().into(), t.get(c).into());
    }
    json!({
        "format": FORMAT,
        "implementation": run.implementation,
        "corpus": run.corpus,
        "corpus_revision": run.corpus_revision,
        "millis": run.millis,
        "total": t.total,
        "failed": t.failed,
        "regressions": t.regressions,
        "counts": counts,
        "stale_baseline": run.stale_baseline,
        "results": run.results,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counts_and_results() {
        let v = render(&crate::report::tests::sample_run());
        assert_eq!(v["format"], FORMAT);
        assert_eq!(v["counts"]["wrong-value"], 1);
        assert_eq!(v["regressions"], 1);
        assert_eq!(v["results"][1]["class"], "wrong-value");
        assert_eq!(v["results"][1]["verdict"], "y");
        assert_eq!(v["results"][2]["known_failure"], true);
        assert_eq!(v["corpus_revision"]["cases"], 4);
        assert_eq!(
            v["corpus_revision"]["digest"],
            format!("sha256:{}", "ab".repeat(32))
        );
    }
}
