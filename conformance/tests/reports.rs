//! The reports of `msgwire check codec`, end to end: every rendering (terminal, JSON, JUnit,
//! HTML, Markdown) says what the exit status says, in the cases issue 18 found wrong: a stale
//! baseline entry under `--strict` (exit 1, no failing trial), baselined failures (exit 0; JUnit
//! `<skipped>`, not `<failure>`), crashes and timeouts (JUnit `<error>`).

#![cfg(unix)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_msgwire");

fn data(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(rel)
}

struct Run {
    out: Output,
    html: String,
    junit: String,
    json: serde_json::Value,
}

/// The fake corpus through the fake adapter (10 trials: 2 pass, 5 fail, a crash, a timeout,
/// one implementation-defined), every report written to `dir`.
fn check(dir: &Path, extra: &[&str]) -> Run {
    let adapter = format!("sh {}", data("fake_adapter.sh").display());
    let p = |f: &str| dir.join(f).to_str().unwrap().to_string();
    let mut args: Vec<String> = [
        "check",
        "codec",
        "--vectors",
        data("fake-corpus").to_str().unwrap(),
        "--adapter",
        &adapter,
        "--timeout",
        "1",
        "--profile",
        "strict",
        "--json",
        &p("r.json"),
        "--junit",
        &p("r.xml"),
        "--html",
        &p("r.html"),
        "--markdown",
        &p("r.md"),
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    args.extend(extra.iter().map(|s| s.to_string()));
    let out = Command::new(BIN)
        .args(&args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    let read = |f: &str| std::fs::read_to_string(dir.join(f)).unwrap();
    Run {
        html: read("r.html"),
        junit: read("r.xml"),
        json: serde_json::from_str(&read("r.json")).unwrap(),
        out,
    }
}

fn scratch(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("msgwire-reports-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn testsuites_line(junit: &str) -> &str {
    junit
        .lines()
        .find(|l| l.starts_with("<testsuites "))
        .unwrap()
}

#[test]
fn every_rendering_says_what_the_exit_status_says() {
    let dir = scratch("verdict");
    let stdout = |r: &Run| String::from_utf8_lossy(&r.out.stdout).into_owned();

    // Failures, no baseline: exit 1 everywhere; crashes and timeouts are errors.
    let r = check(&dir, &[]);
    assert_eq!(r.out.status.code(), Some(1), "{}", stdout(&r));
    assert_eq!(r.json["verdict"]["exit_code"], 1);
    assert!(r.html.contains("<header class=\"banner fail\""));
    assert!(stdout(&r).contains("FAILED (exit 1)"), "{}", stdout(&r));
    assert!(
        testsuites_line(&r.junit).contains("failures=\"5\" errors=\"2\""),
        "{}",
        r.junit
    );
    assert_eq!(r.junit.matches("<error ").count(), 2);
    // The detail is in the element body, the message attribute is short.
    assert!(r.junit.contains("</failure>"), "{}", r.junit);
    assert_eq!(r.html.matches("<article class=\"card ").count(), 7);

    // Every failure baselined: exit 0; JUnit shows them skipped with the reason, not failed.
    let base = dir.join("baseline.txt");
    let r = check(&dir, &["--write-baseline", base.to_str().unwrap()]);
    assert_eq!(r.out.status.code(), Some(1));
    let r = check(&dir, &["--baseline", base.to_str().unwrap()]);
    assert_eq!(r.out.status.code(), Some(0), "{}", stdout(&r));
    assert!(r.html.contains("<header class=\"banner pass\""));
    assert!(
        testsuites_line(&r.junit).contains("failures=\"0\" errors=\"0\""),
        "{}",
        r.junit
    );
    assert_eq!(
        r.junit
            .matches("<skipped message=\"known failure (")
            .count(),
        7,
        "{}",
        r.junit
    );
    assert_eq!(r.json["statuses"]["baselined"], 7);
    for i in r.json["suites"][0]["items"].as_array().unwrap() {
        if i["class"] == "passed" {
            assert_eq!(
                i["status"], "passed",
                "a passing trial is never baselined: {i}"
            );
        }
    }

    // A stale entry: exit 0 without --strict, 1 with it, and then every rendering fails too,
    // although no trial does.
    let mut text = std::fs::read_to_string(&base).unwrap();
    text.push_str("jsonrpc/fake/passed\n");
    std::fs::write(&base, text).unwrap();
    let r = check(&dir, &["--baseline", base.to_str().unwrap()]);
    assert_eq!(r.out.status.code(), Some(0), "{}", stdout(&r));
    assert!(r.html.contains("<header class=\"banner pass\""));
    let r = check(&dir, &["--baseline", base.to_str().unwrap(), "--strict"]);
    assert_eq!(r.out.status.code(), Some(1), "{}", stdout(&r));
    assert!(r.html.contains("<header class=\"banner fail\""));
    assert!(
        r.html.contains("stale baseline entry (--strict)"),
        "{}",
        r.html
    );
    assert!(
        testsuites_line(&r.junit).contains("failures=\"1\""),
        "{}",
        r.junit
    );
    assert!(r.junit.contains("<testsuite name=\"msgwire verdict\""));
    assert_eq!(r.json["verdict"]["exit_code"], 1);
    assert!(stdout(&r).contains("FAILED (exit 1)"), "{}", stdout(&r));

    // --markdown appends (a CI job summary collects every step's).
    let md = std::fs::read_to_string(dir.join("r.md")).unwrap();
    assert_eq!(
        md.matches("\n## ").count() + usize::from(md.starts_with("## ")),
        5,
        "{md}"
    );
    assert!(md.trim_end().ends_with("</sub>"), "{md}");
    assert!(
        md.contains("## ✗ FAILED (exit 1): msgwire check codec"),
        "{md}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}
