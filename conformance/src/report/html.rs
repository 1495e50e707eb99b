//! One self-contained HTML page (`--html FILE`): the matrix (implementations × vector groups)
//! and every result, no scripts, no external resources.

use super::{escape_xml as e, matrix, summary_line, Tally};
use crate::runner::{Class, Run};
use std::fmt::Write;

const STYLE: &str = "body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}\
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}\
th{background:#f4f4f4}.ok{background:#e6f4e6}.bad{background:#fbe3e3}.skip{background:#f6f3e0;color:#777}\
.i{background:#e8eef8}code{font-size:13px}.detail{font-family:monospace;font-size:12px;white-space:pre-wrap}";

fn class_css(c: Class) -> &'static str {
    match c {
        Class::Passed => "ok",
        Class::ImplementationDefined => "i",
        Class::Skipped => "skip",
        _ => "bad",
    }
}

/// The page for one or more runs.
pub fn render(runs: &[Run]) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>msgwire conformance</title>\
         <style>{STYLE}</style></head><body>\n<h1>msgwire conformance</h1>\n"
    );
    let cols = matrix::columns(runs);
    h.push_str("<h2>Matrix</h2>\n<table><tr><th>implementation</th>");
    for c in &cols {
        let _ = write!(h, "<th>{}</th>", e(c));
    }
    h.push_str("</tr>\n");
    for run in runs {
        let _ = write!(h, "<tr><th>{}</th>", e(&run.implementation));
        for c in &cols {
            let (text, t) = matrix::cell(run, c);
            let css = if t.failed > 0 {
                "bad"
            } else if t.total == t.get(Class::Skipped) {
                "skip"
            } else {
                "ok"
            };
            let _ = write!(h, "<td class=\"{css}\">{}</td>", e(&text));
        }
        h.push_str("</tr>\n");
    }
    h.push_str("</table>\n");
    for run in runs {
        let t = Tally::of(&run.results);
        let _ = write!(
            h,
            "<h2>{}</h2>\n<p>{} — corpus <code>{}</code>, {} ms, {} failing ({} not in the baseline)</p>\n",
            e(&run.implementation),
            e(&summary_line(run)),
            e(&run.corpus),
            run.millis,
            t.failed,
            t.regressions
        );
        h.push_str("<table><tr><th>case</th><th>profile</th><th>verdict</th><th>result</th><th>spec</th><th>detail</th></tr>\n");
        for r in &run.results {
            let known = if r.known_failure { " (baseline)" } else { "" };
            let _ = writeln!(
                h,
                "<tr><td><code>{}</code></td><td>{}</td><td>{}</td><td class=\"{}\">{}{}</td><td>{}</td><td class=\"detail\">{}</td></tr>",
                e(&r.id),
                e(&r.profile),
                r.verdict.letter(),
                class_css(r.class),
                r.class.name(),
                known,
                e(&r.spec),
                e(&r.detail)
            );
        }
        h.push_str("</table>\n");
    }
    h.push_str("</body></html>\n");
    h
}

#[cfg(test)]
mod tests {
    #[test]
    fn self_contained_and_escaped() {
        let h = super::render(&[crate::report::tests::sample_run()]);
        assert!(h.starts_with("<!DOCTYPE html>"));
        assert!(!h.contains("<script") && !h.contains("src=") && !h.contains("href="));
        assert!(h.contains("<td class=\"bad\">1/2 ✗</td>"), "{h}");
        assert!(h.contains("expected &lt;1&gt;"), "{h}");
        assert!(h.contains("<td class=\"bad\">crash (baseline)</td>"), "{h}");
    }
}
