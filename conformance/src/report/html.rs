//! One self-contained HTML page (`--html FILE`), made to be opened from a CI artifact.
//!
//! From the top: a status banner that is the exit status; counts per status and class; the
//! failures first, each with an anchor, why it failed (expected and actual side by side, the
//! differing JSON path highlighted, the full documents and the input as a hexdump in folds, the
//! wire log one frame per block) and where (links to the vector file and the spec section);
//! then every item grouped by implementation → protocol → group, folded unless something inside
//! failed; the peer matrix when the page covers several implementations; run metadata and a
//! legend. Filters by status (skipped hidden by default) and a text search are one small inline
//! script; without it, everything shows. No external resources. Marks (✓ ✗ ~ – ! i) carry every
//! status without colour; colours meet WCAG AA; nothing widens the page (long text wraps,
//! hexdumps and tables scroll inside their box). Text from implementations is escaped, and
//! bidi/invisible controls are shown as `[U+202E]`.

use super::{escape_xml as e, group_by, matrix, Counts, Item, Report, Status};
use serde_json::Value;
use std::fmt::Write;

const STYLE: &str = r#"
*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0;color:#1a1a1a;background:#fff;overflow-wrap:anywhere}
main{padding:0 16px 32px;max-width:1200px;margin:0 auto}
h1{font-size:1.3em;margin:0}h2{font-size:1.15em;margin:1.4em 0 .5em;border-bottom:1px solid #ccc}
h3{font-size:1em;margin:.2em 0}h4{font-size:.9em;margin:.3em 0}
a{color:#0645ad}a:visited{color:#4b2a85}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
pre{margin:.3em 0;white-space:pre-wrap;overflow-wrap:anywhere;word-break:break-word;background:#f6f6f6;border:1px solid #ddd;padding:6px;max-width:100%}
pre.hex{white-space:pre;overflow-x:auto;word-break:normal;overflow-wrap:normal}
.banner{padding:14px 16px;color:#fff;font-size:1.1em}
.banner.fail{background:#b00020}.banner.pass{background:#1b5e20}.banner.info{background:#1f4e8c}
.banner .sub{font-size:.85em}.banner .small,.banner a{color:#fff}
ol.index li{color:#1a1a1a}ol.index li .mark{color:#a0001c}
.banner .mark{font-size:1.3em;margin-right:.3em}
.counts{display:flex;flex-wrap:wrap;gap:6px;list-style:none;padding:0;margin:.4em 0}
.counts li{border:1px solid #999;border-radius:4px;padding:2px 8px;background:#fff}
.st-failed,.st-error{color:#a0001c}.st-passed{color:#1b5e20}
.st-baselined,.st-non-strict{color:#6b4600}.st-info{color:#1f4e8c}.st-skipped{color:#4d4d4d}
.card{border:1px solid #bbb;border-left:6px solid #a0001c;border-radius:4px;padding:8px 12px;margin:10px 0;color:#1a1a1a}
.card.st-baselined{border-left-color:#8a5a00}.card.st-error{border-left-color:#5c0011}
.card .head{color:#a0001c;font-weight:600}.card.st-baselined .head{color:#6b4600}
.cls{font-weight:normal;border:1px solid currentColor;border-radius:3px;padding:0 4px;font-size:.85em}
.meta,.small{font-size:.85em;color:#4d4d4d}
blockquote{margin:.3em 0;padding:.2em .8em;border-left:3px solid #999;color:#333}
.sbs{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:8px}
.sbs>div{min-width:0}
mark{background:#ffe066;color:#000;outline:1px solid #b38f00}
details{margin:.3em 0}summary{cursor:pointer}
details.group{border-left:2px solid #ddd;padding-left:8px}
ul.rows{list-style:none;padding:0;margin:.2em 0}
ul.rows li{padding:2px 0;border-bottom:1px solid #eee;color:#1a1a1a}
ul.rows .mark,.card .mark{display:inline-block;min-width:1.2em;font-weight:bold}
.frame{border:1px solid #ddd;border-radius:3px;margin:4px 0;padding:4px 6px;background:#fafafa}
.frame .bytes{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;color:#333;overflow-wrap:anywhere;word-break:normal}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:.4em 0}
td,th{border:1px solid #bbb;padding:3px 8px;text-align:left;vertical-align:top;white-space:nowrap}
th{background:#f0f0f0}
.controls{display:flex;flex-wrap:wrap;gap:8px 14px;align-items:center;padding:8px;background:#f4f4f4;border:1px solid #ddd;border-radius:4px}
.controls label{white-space:nowrap}
.controls input[type=search]{min-width:0;width:16em;max-width:100%;font:inherit;padding:2px 6px}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px}dl.kv dt{font-weight:600}dl.kv dd{margin:0;min-width:0}
"#;

const SCRIPT: &str = r#"
(function(){
  var body=document.body, q=document.getElementById('q'), shown=document.getElementById('shown');
  function apply(){
    var boxes=document.querySelectorAll('input[data-filter]');
    for(var i=0;i<boxes.length;i++){body.classList.toggle('hide-'+boxes[i].getAttribute('data-filter'),!boxes[i].checked);}
    var t=(q.value||'').toLowerCase().trim(), n=0;
    var items=document.querySelectorAll('[data-search]');
    for(var j=0;j<items.length;j++){
      var el=items[j], hit=!t||el.getAttribute('data-search').indexOf(t)>=0;
      el.hidden=!hit;
      if(hit&&el.offsetParent!==null){n++;}
    }
    if(t){var ds=document.querySelectorAll('#results details');for(var k=0;k<ds.length;k++){ds[k].open=true;}}
    var groups=document.querySelectorAll('#results details.group');
    for(var g=groups.length-1;g>=0;g--){
      var rows=groups[g].querySelectorAll('[data-search]'),any=false;
      for(var r=0;r<rows.length;r++){if(!rows[r].hidden&&getComputedStyle(rows[r]).display!=='none'){any=true;break;}}
      groups[g].hidden=!any;
    }
    shown.textContent=n+' shown';
  }
  var sk=document.querySelector('input[data-filter=skipped]'); if(sk){sk.checked=false;}
  var form=document.getElementById('controls');
  form.addEventListener('change',apply);
  form.addEventListener('submit',function(ev){ev.preventDefault();});
  q.addEventListener('input',apply);
  apply();
})();
"#;

/// Where a spec section of a protocol is published (links from requirements).
pub fn spec_link(protocol: &str, section: &str) -> Option<String> {
    let p = protocol.to_ascii_lowercase();
    if p.starts_with("amqp") {
        return Some("https://www.rabbitmq.com/resources/specs/amqp0-9-1.pdf".into());
    }
    if p.starts_with("jsonrpc") {
        let s = section.trim_start_matches("JSON-RPC 2.0").trim();
        let num = s
            .trim_start_matches('§')
            .split([' ', ',', ';'])
            .next()
            .unwrap_or("");
        let anchor = match num {
            "4" => "#request_object",
            "4.1" => "#notification",
            "4.2" => "#parameter_structures",
            "5" => "#response_object",
            "5.1" => "#error_object",
            "6" => "#batch",
            "7" => "#examples",
            "8" => "#extensions",
            _ => "",
        };
        return Some(format!("https://www.jsonrpc.org/specification{anchor}"));
    }
    if p.starts_with("xmlrpc") {
        return Some("http://xmlrpc.com/spec.md".into());
    }
    if p.starts_with("msgpack") {
        let s = section.to_ascii_lowercase();
        return Some(
            if s.contains("rpc") || p.contains("server") {
                "https://github.com/msgpack-rpc/msgpack-rpc/blob/master/spec.md"
            } else {
                "https://github.com/msgpack/msgpack/blob/master/spec.md"
            }
            .into(),
        );
    }
    None
}

fn mark(s: Status) -> String {
    format!(
        "<span class=\"mark st-{}\" aria-hidden=\"true\">{}</span>",
        s.name(),
        s.mark()
    )
}

fn search_text(i: &Item) -> String {
    e(&format!(
        "{} {} {} {} {}",
        i.key, i.section, i.class, i.protocol, i.group
    )
    .to_lowercase())
}

/// Pretty JSON as HTML, with the value at `target` (a JSON pointer) wrapped in `<mark>`.
pub fn json_html(v: &Value, target: Option<&str>) -> String {
    let mut out = String::new();
    write_json(v, "", target, 0, &mut out);
    out
}

fn write_json(v: &Value, ptr: &str, target: Option<&str>, indent: usize, out: &mut String) {
    let hit = target == Some(ptr);
    if hit {
        out.push_str("<mark class=\"diff\">");
    }
    let pad = |n: usize| "  ".repeat(n);
    match v {
        Value::Array(a) if !a.is_empty() => {
            out.push_str("[\n");
            for (i, x) in a.iter().enumerate() {
                out.push_str(&pad(indent + 1));
                write_json(x, &format!("{ptr}/{i}"), target, indent + 1, out);
                out.push_str(if i + 1 < a.len() { ",\n" } else { "\n" });
            }
            out.push_str(&pad(indent));
            out.push(']');
        }
        Value::Object(o) if !o.is_empty() => {
            out.push_str("{\n");
            for (i, (k, x)) in o.iter().enumerate() {
                out.push_str(&pad(indent + 1));
                out.push_str(&super::escape_text(&Value::String(k.clone()).to_string()));
                out.push_str(": ");
                let p = format!("{ptr}/{}", crate::vectors::escape_pointer(k));
                write_json(x, &p, target, indent + 1, out);
                out.push_str(if i + 1 < o.len() { ",\n" } else { "\n" });
            }
            out.push_str(&pad(indent));
            out.push('}');
        }
        other => out.push_str(&super::escape_text(&other.to_string())),
    }
    if hit {
        out.push_str("</mark>");
    }
}

/// The longest prefix of `path` that exists in `v` (what to highlight on a side that lacks
/// the value itself).
fn existing_prefix(v: &Value, path: &str) -> String {
    let mut p = path.to_string();
    while !p.is_empty() && v.pointer(&p).is_none() {
        p.truncate(p.rfind('/').unwrap_or(0));
    }
    p
}

/// `offset  hex  ascii` lines for the input.
fn hexdump(hex: &str) -> String {
    e(&super::junit::hexdump_text(hex))
}

fn frames(i: &Item) -> String {
    let mut s = String::new();
    for f in &i.trace {
        let dir = match f.dir.as_str() {
            ">" => "sent",
            "<" => "received",
            _ => "event",
        };
        let bytes: String = f
            .hex
            .split('…')
            .next()
            .unwrap_or("")
            .as_bytes()
            .chunks(2)
            .map(|c| String::from_utf8_lossy(c).into_owned())
            .collect::<Vec<_>>()
            .join(" ");
        let note = f
            .hex
            .split_once('…')
            .map(|(_, n)| format!(" …{}", n))
            .unwrap_or_default();
        let _ = write!(
            s,
            "<div class=\"frame\"><div><span class=\"small\">+{} ms</span> <b>{} {dir}</b> {}</div>{}</div>",
            f.at_ms,
            e(&f.dir),
            e(&f.decoded),
            if bytes.is_empty() {
                String::new()
            } else {
                format!("<div class=\"bytes\">{}{}</div>", e(&bytes), e(&note))
            }
        );
    }
    s
}

fn card(report: &Report, suite: &str, i: &Item, n: usize) -> String {
    let mut h = String::new();
    let id = format!("f{n}");
    let key = match report.vector_link(i) {
        Some(l) => format!("<a href=\"{}\"><code>{}</code></a>", e(&l), e(&i.key)),
        None => format!("<code>{}</code>", e(&i.key)),
    };
    let section = match spec_link(&i.protocol, &i.section) {
        Some(l) if !i.section.is_empty() => {
            format!("<a href=\"{}\">{}</a>", e(&l), e(&i.section))
        }
        _ => e(&i.section),
    };
    let _ = write!(
        h,
        "<article class=\"card st-{st}\" id=\"{id}\" data-status=\"{st}\" data-search=\"{search}\">\
         <h3 class=\"head\"><a class=\"self\" href=\"#{id}\">{mark} {st}</a> {key} <span class=\"cls\">{cls}</span></h3>\
         <p class=\"meta\">{suite} · {proto} / {group} · spec {section}{level}</p>",
        st = i.status.name(),
        search = search_text(i),
        mark = mark(i.status),
        cls = e(&i.class),
        suite = e(suite),
        proto = e(&i.protocol),
        group = e(&i.group),
        level = i
            .level
            .as_ref()
            .map(|l| format!(" · {}", e(l)))
            .unwrap_or_default(),
    );
    if let Some(r) = &i.requirement {
        let _ = write!(h, "<blockquote>{}</blockquote>", e(r));
    }
    if let Some(a) = &i.accepts {
        let _ = write!(h, "<p class=\"small\">accepts: {}</p>", e(a));
    }
    let _ = write!(h, "<pre class=\"detail\">{}</pre>", e(&i.detail));
    if let (Some(x), Some(a)) = (&i.expected, &i.actual) {
        let path = i.diff_path.clone().unwrap_or_default();
        let at = |v: &Value| match v.pointer(&path) {
            Some(v) => json_html(v, None),
            None => "<i>nothing</i>".into(),
        };
        let _ = write!(
            h,
            "<div class=\"sbs\"><div><h4>expected at <code>{p}</code></h4><pre>{}</pre></div>\
             <div><h4>actual at <code>{p}</code></h4><pre>{}</pre></div></div>",
            at(x),
            at(a),
            p = e(if path.is_empty() { "/" } else { &path })
        );
        let _ = write!(
            h,
            "<details><summary>full documents (difference highlighted)</summary><div class=\"sbs\">\
             <div><h4>expected</h4><pre>{}</pre></div><div><h4>actual</h4><pre>{}</pre></div></div></details>",
            json_html(x, Some(&existing_prefix(x, &path))),
            json_html(a, Some(&existing_prefix(a, &path)))
        );
    } else if let Some(x) = &i.expected {
        let _ = write!(
            h,
            "<details><summary>expected documents</summary><pre>{}</pre></details>",
            json_html(x, None)
        );
    } else if let Some(a) = &i.actual {
        let _ = write!(
            h,
            "<details><summary>what it decoded</summary><pre>{}</pre></details>",
            json_html(a, None)
        );
    }
    if let Some(hex) = &i.input_hex {
        let _ = write!(
            h,
            "<details><summary>input ({} bytes)</summary><pre class=\"hex\">{}</pre></details>",
            hex.len() / 2,
            hexdump(hex)
        );
    }
    if !i.trace.is_empty() {
        let _ = write!(
            h,
            "<details open><summary>wire log ({} frames)</summary>{}</details>",
            i.trace.len(),
            frames(i)
        );
    }
    h.push_str("</article>\n");
    h
}

fn counts_list(c: &Counts) -> String {
    let mut h = String::from("<ul class=\"counts\">");
    for s in Status::ALL {
        if c.get(s) > 0 {
            let _ = write!(
                h,
                "<li class=\"st-{n}\">{} {} {n}</li>",
                mark(s),
                c.get(s),
                n = s.name()
            );
        }
    }
    h.push_str("</ul>");
    h
}

fn group_summary(c: &Counts) -> String {
    let s = if c.failing() > 0 {
        Status::Failed
    } else if c.get(Status::Baselined) > 0 {
        Status::Baselined
    } else if c.ran() == 0 {
        Status::Skipped
    } else {
        Status::Passed
    };
    format!("{} {}/{} ok", mark(s), c.ok(), c.ran())
}

/// The page.
pub fn render(report: &Report) -> String {
    let mut h = String::new();
    let c = report.counts();
    let failed = report.verdict.failed();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\
         <title>{} msgwire {}</title><style>{STYLE}{}</style></head><body>\n",
        if failed {
            "✗ FAILED —"
        } else {
            "✓ PASSED —"
        },
        e(&report.title),
        Status::ALL
            .iter()
            .map(|s| format!(".hide-{n} [data-status={n}]{{display:none}}", n = s.name()))
            .collect::<String>()
    );
    let (cls, word, m) = if failed {
        ("fail", "FAILED", "✗")
    } else if report.suites.len() > 1 {
        // A matrix of several runs: the command passes; the runs' own verdicts follow.
        ("info", "PEER MATRIX", "i")
    } else {
        ("pass", "PASSED", "✓")
    };
    let why = if report.verdict.reasons.is_empty() {
        String::new()
    } else {
        format!(" — {}", e(&report.verdict.reasons.join("; ")))
    };
    let _ = write!(
        h,
        "<header class=\"banner {cls}\" id=\"verdict\" role=\"status\"><h1><span class=\"mark\">{m}</span>{word} \
         <span class=\"small\">(exit {})</span>{why}</h1><div class=\"sub\">msgwire {} · {} · {} {}: {}</div></header>\n<main>\n",
        report.verdict.exit_code,
        e(&report.title),
        e(&report.suites.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ")),
        c.total,
        report.noun(),
        e(&c.line()),
    );
    // Counts per status and per class.
    h.push_str("<section id=\"counts\"><h2>Counts</h2>");
    h.push_str(&counts_list(&c));
    let classes: Vec<String> = c
        .class
        .iter()
        .map(|(k, n)| format!("{n} {}", e(k)))
        .collect();
    let _ = write!(h, "<p class=\"small\">by class: {}</p>", classes.join(", "));
    if !report.stale_baseline.is_empty() {
        let _ = write!(
            h,
            "<p class=\"st-baselined\">stale baseline entries (they no longer fail{}): {}</p>",
            if report.meta.strict {
                "; with --strict this fails the run"
            } else {
                ""
            },
            e(&report.stale_baseline.join(", "))
        );
    }
    h.push_str("</section>\n");
    // Failures first.
    let failures: Vec<(&str, &Item)> = report
        .suites
        .iter()
        .flat_map(|s| s.items.iter().map(move |i| (s.name.as_str(), i)))
        .filter(|(_, i)| i.status.is_failure())
        .collect();
    let mut anchors = std::collections::HashMap::new();
    let _ = write!(
        h,
        "<section id=\"failures\"><h2>Failures ({} failing, {} baselined)</h2>",
        c.failing(),
        c.get(Status::Baselined)
    );
    if failures.is_empty() {
        h.push_str("<p>None.</p>");
    } else {
        h.push_str("<ol class=\"index\">");
        for (n, (_, i)) in failures.iter().enumerate() {
            anchors.insert(*i as *const Item as usize, n + 1);
            let _ = write!(
                h,
                "<li class=\"st-{st}\" data-status=\"{st}\" data-search=\"{s}\"><a href=\"#f{}\">{} <code>{}</code></a> {}: {}</li>",
                n + 1,
                mark(i.status),
                e(&i.key),
                e(&i.class),
                e(&super::first_line(&i.detail, 160)),
                st = i.status.name(),
                s = search_text(i)
            );
        }
        h.push_str("</ol>");
        for (n, (suite, i)) in failures.iter().enumerate() {
            h.push_str(&card(report, suite, i, n + 1));
        }
    }
    h.push_str("</section>\n");
    if report.suites.len() > 1 {
        h.push_str("<section id=\"matrix\"><h2>Matrix</h2>");
        h.push_str(&matrix::html(&report.suites));
        h.push_str("</section>\n");
    }
    // Everything, grouped.
    h.push_str(
        "<section id=\"results\"><h2>All results</h2>\n<form class=\"controls\" id=\"controls\">",
    );
    for s in Status::ALL {
        let _ = write!(
            h,
            "<label><input type=\"checkbox\" data-filter=\"{n}\" checked> {} {n} ({})</label>",
            mark(s),
            c.get(s),
            n = s.name()
        );
    }
    h.push_str(
        "<label>search <input type=\"search\" id=\"q\" placeholder=\"id, spec section, class\" aria-label=\"search by id or spec section\"></label>\
         <span id=\"shown\" class=\"small\" aria-live=\"polite\"></span></form>\n",
    );
    for suite in &report.suites {
        let _ = write!(h, "<h3>{}</h3>", e(&suite.name));
        for (protocol, items) in group_by(&suite.items, |r| r.protocol.clone()) {
            let pc = Counts::of(items.iter().copied());
            let _ = write!(
                h,
                "<details class=\"proto\"{}><summary><b>{}</b> {}</summary>",
                if pc.failing() > 0 { " open" } else { "" },
                e(&protocol),
                group_summary(&pc)
            );
            for (group, rows) in group_by(items.iter().copied(), |r| r.group.clone()) {
                let gc = Counts::of(rows.iter().copied());
                let _ = write!(
                    h,
                    "<details class=\"group\"{}><summary>{} {}</summary><ul class=\"rows\">",
                    if gc.failing() > 0 { " open" } else { "" },
                    e(if group.is_empty() { "(cases)" } else { &group }),
                    group_summary(&gc)
                );
                for i in rows {
                    let more = anchors
                        .get(&(i as *const Item as usize))
                        .map(|n| format!(" <a href=\"#f{n}\">why</a>"))
                        .unwrap_or_default();
                    let detail = if i.detail.is_empty() {
                        String::new()
                    } else {
                        format!(" — {}", e(&super::first_line(&i.detail, 200)))
                    };
                    let _ = write!(
                        h,
                        "<li class=\"row st-{st}\" data-status=\"{st}\" data-search=\"{s}\">{} <code>{}</code> <span class=\"small\">{} · {}{}</span>{detail}{more}</li>",
                        mark(i.status),
                        e(&i.key),
                        e(&i.class),
                        e(&i.section),
                        i.level.as_ref().map(|l| format!(" · {}", e(l))).unwrap_or_default(),
                        st = i.status.name(),
                        s = search_text(i)
                    );
                }
                h.push_str("</ul></details>");
            }
            h.push_str("</details>\n");
        }
    }
    h.push_str("</section>\n");
    // Metadata and legend.
    let m = &report.meta;
    h.push_str("<section id=\"meta\"><h2>Run</h2><dl class=\"kv\">");
    let mut kv = |k: &str, v: &str| {
        if !v.is_empty() {
            let _ = write!(h, "<dt>{k}</dt><dd><code>{}</code></dd>", e(v));
        }
    };
    kv("command", &m.command);
    kv("version", &m.version);
    kv("corpus", m.corpus.as_deref().unwrap_or(""));
    kv(
        "corpus revision",
        &m.corpus_revision
            .as_ref()
            .map(|r| format!("{r} ({})", r.digest))
            .unwrap_or_default(),
    );
    kv("time", &m.time);
    kv("baseline", m.baseline.as_deref().unwrap_or(""));
    kv("strict", if m.strict { "yes" } else { "no" });
    kv("exit status", &report.verdict.exit_code.to_string());
    h.push_str("</dl><h2>Legend</h2><dl class=\"kv\">");
    for s in Status::ALL {
        let _ = write!(
            h,
            "<dt class=\"st-{n}\">{} {n}</dt><dd>{}</dd>",
            mark(s),
            e(s.meaning()),
            n = s.name()
        );
    }
    h.push_str("</dl></section>\n</main>\n<script>");
    h.push_str(SCRIPT);
    h.push_str("</script>\n</body></html>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::{Report, Status};
    use serde_json::json;

    #[test]
    fn banner_failures_first_and_escaped() {
        let mut r = crate::report::tests::sample_report();
        {
            let i = &mut r.suites[0].items[1];
            i.expected = Some(json!([{"params": [{"float32": 0.5}]}]));
            i.actual = Some(json!([{"params": [{"float64": 0.5}]}]));
            i.diff_path = Some("/0/params/0/float32".into());
            i.input_hex = Some(hex::encode("<script>\u{202e}"));
            i.detail = "evil <b>markup</b> \u{202e}gnp.exe".into();
        }
        let h = render(&r);
        assert!(h.starts_with("<!DOCTYPE html>"));
        assert!(h.contains("<meta name=\"viewport\""));
        assert!(h.contains("<header class=\"banner fail\""), "{h}");
        assert!(
            h.contains("FAILED <span class=\"small\">(exit 1)</span>"),
            "{h}"
        );
        // Failures come before every passing row.
        let first_card = h
            .find("<article class=\"card st-failed\" id=\"f1\"")
            .unwrap();
        let first_row = h.find("<li class=\"row st-passed\"").unwrap();
        assert!(first_card < first_row);
        assert!(h.contains("href=\"#f1\""));
        assert!(h.contains("href=\"../vectors/x.json\""));
        // Markup and bidi characters never reach the page as such.
        assert!(!h.contains("<b>markup") && !h.contains('\u{202e}'), "{h}");
        assert!(h.contains("[U+202E]gnp.exe"));
        // Side by side, the difference highlighted; the hexdump has offsets and ASCII.
        assert!(h.contains("<mark class=\"diff\">0.5</mark>"), "{h}");
        assert!(h.contains("00000000  3c 73 63 72"), "{h}");
        assert!(h.contains("|&lt;script&gt;...|"), "{h}");
        // No external resources.
        assert!(!h.contains("src=") && !h.contains("http://x"));
        assert!(
            !h.contains(" onsubmit=") && !h.contains(" onerror="),
            "no inline handlers"
        );
        assert!(h.contains("data-filter=\"skipped\" checked"));
    }

    #[test]
    fn passing_banner_and_json_highlight() {
        let mut run = crate::report::tests::sample_run();
        run.results
            .retain(|r| r.class == crate::runner::Class::Passed);
        let r = Report::from_codec(&run, false, None, Default::default());
        let h = render(&r);
        assert!(h.contains("<header class=\"banner pass\""));
        assert!(h.contains("<p>None.</p>"));
        assert_eq!(
            json_html(&json!({"a": [1, {"b<": 2}]}), Some("/a/1/b<")),
            "{\n  \"a\": [\n    1,\n    {\n      \"b&lt;\": <mark class=\"diff\">2</mark>\n    }\n  ]\n}"
        );
        assert_eq!(existing_prefix(&json!({"a": {"x": 1}}), "/a/y"), "/a");
        assert_eq!(Status::Skipped.mark(), "–");
        assert_eq!(
            spec_link("jsonrpc", "§6").as_deref(),
            Some("https://www.jsonrpc.org/specification#batch")
        );
    }
}
