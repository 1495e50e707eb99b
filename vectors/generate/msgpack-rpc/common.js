// Shared helpers of the Node generators: canonical form (docs/forms/msgpack-rpc.md) and
// deterministic vector-file writing.
'use strict';
const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..', '..', '..');
const OUT = process.env.MSGWIRE_VECTORS_OUT || path.join(ROOT, 'vectors', 'msgpack-rpc');
const SAFE = (1n << 53n) - 1n;

function hex(bytes) {
  return Buffer.from(bytes).toString('hex');
}

function formInt(big) {
  big = BigInt(big);
  const abs = big < 0n ? -big : big;
  return abs <= SAFE ? { number: Number(big) } : { bignum: big.toString() };
}

// A plain JS value (as a test-suite entry or a peer's input holds it) → canonical form.
// Safe integers (Number.isSafeInteger) are ints, other numbers float64; objects are str-keyed maps.
function jsForm(v) {
  if (v === null || v === undefined) return { nil: null };
  if (typeof v === 'boolean') return { bool: v };
  if (typeof v === 'bigint') return formInt(v);
  if (typeof v === 'number') return Number.isSafeInteger(v) && !Object.is(v, -0) ? formInt(v) : { float64: floatJson(v) };
  if (typeof v === 'string') return { string: v };
  if (v instanceof Uint8Array) return { binary: hex(v) };
  if (v instanceof Date) {
    const ms = v.getTime();
    const sec = Math.floor(ms / 1000);
    return { timestamp: [sec, (ms - sec * 1000) * 1e6] };
  }
  if (Array.isArray(v)) return { array: v.map(jsForm) };
  if (v instanceof Map) return { map: [...v.entries()].map(([k, x]) => [jsForm(k), jsForm(x)]) };
  if (typeof v === 'object') return { map: Object.entries(v).map(([k, x]) => [{ string: k }, jsForm(x)]) };
  throw new Error('no form for ' + typeof v);
}

function floatJson(f) {
  if (Number.isNaN(f)) return 'NaN';
  if (f === Infinity) return 'Infinity';
  if (f === -Infinity) return '-Infinity';
  return f;
}

// Writes one vector file, pretty and stable (same input, same bytes).
function writeFile(name, file) {
  fs.mkdirSync(OUT, { recursive: true });
  fs.writeFileSync(path.join(OUT, name), JSON.stringify(file, null, 2) + '\n');
}

module.exports = { hex, formInt, jsForm, floatJson, writeFile, OUT, ROOT };
