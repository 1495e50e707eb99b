// @msgpack/msgpack → vectors/msgpack-rpc/messages-msgpack-js.json: MessagePack-RPC messages
// encoded by the JavaScript reference implementation, with the canonical form computed from
// the JS values it was asked to encode (docs/forms/msgpack-rpc.md).
'use strict';
const path = require('path');
const { encode, ExtData } = require('@msgpack/msgpack');
const { hex, jsForm, writeFile } = require('./common');

const pkgDir = path.dirname(require.resolve('@msgpack/msgpack/package.json'));
const VERSION = require(path.join(pkgDir, 'package.json')).version;
const MESSAGES = ['strict', 'lenient', 'neovim'];
const SPEC = ['msgpack-rpc spec: Request Message', 'msgpack-rpc spec: Response Message', 'msgpack-rpc spec: Notification Message'];

function form(v) {
  if (v instanceof ExtData) return { ext: [v.type, hex(v.data)] };
  if (Array.isArray(v)) return { array: v.map(form) };
  if (v instanceof Map) return { map: [...v.entries()].map(([k, x]) => [form(k), form(x)]) };
  if (v && typeof v === 'object' && !(v instanceof Uint8Array) && !(v instanceof Date)) {
    return { map: Object.entries(v).map(([k, x]) => [{ string: k }, form(x)]) };
  }
  return jsForm(v);
}

function messageForm(m, f = form) {
  if (m[0] === 0) return { kind: 'request', msgid: m[1], method: m[2], params: m[3].map(f) };
  if (m[0] === 1) return { kind: 'response', msgid: m[1], error: f(m[2]), result: f(m[3]) };
  return { kind: 'notification', method: m[1], params: m[2].map(f) };
}

const cases = [];
function accept(name, msg, description, options, extra = {}, f = form) {
  cases.push({
    id: `msgpack-rpc/messages-msgpack-js/${name}`,
    description,
    spec: SPEC[msg[0]],
    verdict: Object.fromEntries(MESSAGES.map((p) => [p, 'y'])),
    input: { hex: hex(encode(msg, options)) },
    expect: [messageForm(msg, f)],
    ...extra,
  });
}

accept('request-simple', [0, 1, 'sum', [1, 2.5, -3, 'ü', new Uint8Array([1, 2]), null, true, { a: 1 }]], 'a request with mixed params');
accept('request-msgid-max', [0, 4294967295, 'nvim_eval', ['[1, -2, 3.5]']], 'msgid 2^32-1');
accept('request-map-keys', [0, 5, 'keys', [new Map([[1, 'one'], [-1, 'minus'], ['s', [null]], [true, 0.25]])]],
  'a JS Map with int, bool and str keys: @msgpack/msgpack writes it as an empty map',
  undefined,
  {
    findings: [{
      peer: `@msgpack/msgpack ${VERSION}`,
      peer_says: 'encode(new Map([[1, "one"], ...])) writes 0x80, an empty map (a Map has no own enumerable properties)',
      spec_says: 'nothing: the spec does not say how a language maps its types; the bytes are a valid empty map',
      note: 'expect follows the bytes; keep in mind when using @msgpack/msgpack as a client with non-str keys',
    }],
  },
  (v) => (v instanceof Map ? { map: [] } : form(v)));
accept('request-ints', [0, 6, 'ints', [0, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296, Number.MAX_SAFE_INTEGER, -1, -32, -33, -128, -129, -32768, -32769, -2147483648, -2147483649, Number.MIN_SAFE_INTEGER]], 'integer width boundaries within ±(2^53-1)');
accept('request-floats', [0, 7, 'floats', [0.5, -0.5, 1e-300, 1.7976931348623157e308, Infinity, -Infinity]], 'floats are written as float 64');
accept('request-float32', [0, 8, 'floats32', [0.5, -1.25, 3.25]], 'forceFloat32 writes float 32', { forceFloat32: true },
  {}, (v) => (typeof v === 'number' && !Number.isInteger(v) ? { float32: v } : form(v)));
accept('request-ext-date', [0, 9, 'when', [new ExtData(3, new Uint8Array([1, 2, 3])), new Date(1514862245678), new Date(0), new Date(-1)]],
  'an ext and Dates (the timestamp extension, millisecond precision)');
accept('response-result', [1, 10, null, { lines: ['ä', 'ö', 'ü'], n: 3 }], 'a successful response');
accept('response-error', [1, 11, [0, 'Vim:E121: Undefined variable: x'], null], 'an error response');
accept('notification', [2, 'nvim_buf_lines_event', [{ buf: 1 }, 2, -1, ['x']]], 'a notification');
// BigInt with useBigInt64: always the 64-bit formats, even for small values (the spec allows it).
accept('request-bigint', [0, 12, 'big', [5n, -5n, 18446744073709551615n, -9223372036854775808n]],
  'BigInt params: @msgpack/msgpack writes int 64 / uint 64 for every BigInt, so small ones do not re-encode identically',
  { useBigInt64: true }, { roundtrip: false });

writeFile('messages-msgpack-js.json', {
  format: 'msgwire-vectors/1',
  protocol: 'msgpack-rpc',
  group: 'messages-msgpack-js',
  description: 'MessagePack-RPC messages encoded by @msgpack/msgpack',
  provenance: { peer: '@msgpack/msgpack', version: VERSION, generator: 'vectors/generate/msgpack-rpc/msgpack_js.js' },
  cases,
});
