// msgpack-test-suite → vectors/msgpack-rpc/suite-*.json: every listed encoding of every value,
// read under the value profiles. An encoding re-encodes exactly ("roundtrip" default true) when
// it is the first the suite lists in its wire family (the suite lists the smallest first);
// the corpus test checks that our encoder's output is one of the listed encodings.
'use strict';
const path = require('path');
const fs = require('fs');
const { formInt, jsForm, writeFile } = require('./common');

const PEER = 'msgpack-test-suite';
const pkgDir = path.dirname(require.resolve('msgpack-test-suite/package.json'));
const VERSION = require(path.join(pkgDir, 'package.json')).version;
const suite = JSON.parse(fs.readFileSync(path.join(pkgDir, 'dist', 'msgpack-test-suite.json'), 'utf8'));

const SPEC = {
  nil: 'msgpack spec: nil format',
  bool: 'msgpack spec: bool format family',
  binary: 'msgpack spec: bin format family',
  number: 'msgpack spec: int and float format families',
  bignum: 'msgpack spec: int format family (64-bit)',
  string: 'msgpack spec: str format family',
  array: 'msgpack spec: array format family',
  map: 'msgpack spec: map format family',
  timestamp: 'msgpack spec: Timestamp extension type',
  ext: 'msgpack spec: ext format family',
};

function family(marker) {
  if (marker <= 0x7f || marker >= 0xe0 || (marker >= 0xcc && marker <= 0xd3)) return 'int';
  if (marker === 0xca) return 'f32';
  if (marker === 0xcb) return 'f64';
  return 'other';
}

function expectOf(entry, marker) {
  if ('number' in entry || 'bignum' in entry) {
    if (marker === 0xca) return { float32: entry.number };
    if (marker === 0xcb) return { float64: entry.number };
    return formInt(entry.bignum !== undefined ? BigInt(entry.bignum) : BigInt(entry.number));
  }
  if ('nil' in entry) return { nil: null };
  if ('bool' in entry) return { bool: entry.bool };
  if ('binary' in entry) return { binary: entry.binary.replace(/-/g, '') };
  if ('string' in entry) return { string: entry.string };
  if ('array' in entry) return jsForm(entry.array);
  if ('map' in entry) return jsForm(entry.map);
  if ('timestamp' in entry) return { timestamp: entry.timestamp };
  if ('ext' in entry) return { ext: [entry.ext[0], entry.ext[1].replace(/-/g, '')] };
  throw new Error('unknown entry ' + JSON.stringify(entry));
}

for (const fileName of Object.keys(suite).sort()) {
  const group = 'suite-' + fileName.replace(/^\d+\./, '').replace(/\.yaml$/, '');
  const cases = [];
  suite[fileName].forEach((entry, i) => {
    const tag = Object.keys(entry).find((k) => k !== 'msgpack' && k !== 'bignum') || 'bignum';
    const all = entry.msgpack.map((enc) => Buffer.from(enc.replace(/-/g, ''), 'hex'));
    const negative = String(entry.bignum !== undefined ? entry.bignum : entry.number).startsWith('-');
    // Our canonical form (docs/forms/msgpack-rpc.md): the shortest encoding in the wire
    // family; among equally short integers, the unsigned formats for a value >= 0.
    const rank = (b) => {
      const unsigned = b[0] <= 0x7f || (b[0] >= 0xcc && b[0] <= 0xcf);
      return b.length * 2 + (family(b[0]) === 'int' && unsigned === negative ? 1 : 0);
    };
    const canonical = new Map();
    for (const b of all) {
      const f = family(b[0]);
      if (!canonical.has(f) || rank(b) < rank(canonical.get(f))) canonical.set(f, b);
    }
    entry.msgpack.forEach((enc, j) => {
      const bytes = all[j];
      const fam = family(bytes[0]);
      const c = {
        id: `msgpack-rpc/${group}/v${String(i).padStart(2, '0')}-e${j}-${bytes.slice(0, 1).toString('hex')}`,
        description: `${JSON.stringify(entry[tag])} as ${enc}`,
        spec: SPEC[tag],
        verdict: { value: 'y', 'value-lenient': 'y' },
        input: { hex: bytes.toString('hex') },
        expect: [expectOf(entry, bytes[0])],
      };
      if (canonical.get(fam) !== bytes) c.roundtrip = false;
      cases.push(c);
    });
  });
  writeFile(`${group}.json`, {
    format: 'msgwire-vectors/1',
    protocol: 'msgpack-rpc',
    group,
    description: `msgpack-test-suite ${fileName}: every listed encoding of each value, as a bare value`,
    provenance: { peer: PEER, version: VERSION, generator: 'vectors/generate/msgpack-rpc/suite.js' },
    cases,
  });
}
