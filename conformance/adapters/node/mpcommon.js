// Shared pieces of the Node MessagePack adapters (msgpackr, msgpack-lite): the tagged values of
// the canonical MessagePack(-RPC) form (docs/forms/msgpack-rpc.md) and the MessagePack-RPC message
// shape (github.com/msgpack-rpc/msgpack-rpc/blob/master/spec.md), which these peers do not check
// (they have no RPC layer). Written for msgwire; no code copied from the peers.
'use strict';

const SAFE_INT = 2n ** 53n - 1n;
const VALUE_PROFILES = ['value'];
const MESSAGE_PROFILES = ['strict'];

const tag = (t, v) => ({ [t]: v });

function floatDoc(t, v) {
  if (Number.isNaN(v)) return tag(t, 'NaN');
  if (!Number.isFinite(v)) return tag(t, v > 0 ? 'Infinity' : '-Infinity');
  return tag(t, v);
}

// `other(v)` maps the peer's own types (ext objects, ...) or returns undefined.
function canon(v, other) {
  const c = (x) => canon(x, other);
  const o = other(v);
  if (o !== undefined) return o;
  if (v === null || v === undefined) return tag('nil', null);
  if (typeof v === 'boolean') return tag('bool', v);
  if (typeof v === 'bigint') {
    const a = v < 0n ? -v : v;
    return a <= SAFE_INT ? tag('number', Number(v)) : tag('bignum', v.toString());
  }
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER) return tag('number', v);
    if (Number.isInteger(v)) return tag('bignum', BigInt(v).toString());
    return floatDoc('float64', v);
  }
  if (typeof v === 'string') return tag('string', v);
  if (v instanceof Uint8Array) return tag('binary', Buffer.from(v).toString('hex'));
  if (Array.isArray(v)) return tag('array', v.map(c));
  if (v instanceof Date) {
    const ms = v.getTime();
    const s = Math.floor(ms / 1000);
    return tag('timestamp', [s, (ms - s * 1000) * 1e6]);
  }
  if (v instanceof Map) return tag('map', [...v.entries()].map(([k, x]) => [c(k), c(x)]));
  if (typeof v === 'object') return tag('map', Object.entries(v).map(([k, x]) => [tag('string', k), c(x)]));
  throw new Error(`unexpected value ${v}`);
}

function methodDoc(m) {
  if (typeof m === 'string') return m;
  if (m instanceof Uint8Array) return { binary: Buffer.from(m).toString('hex') };
  throw new Error('method is not a string');
}

const isUint32 = (x) => (typeof x === 'number' || typeof x === 'bigint') && Number.isInteger(Number(x)) && x >= 0 && x < 2 ** 32;
const isInt = (x, n) => (typeof x === 'number' || typeof x === 'bigint') && Number(x) === n;

function message(v, c) {
  if (!Array.isArray(v) || v.length === 0) throw new Error('a message is an array');
  if (isInt(v[0], 0) && v.length === 4 && isUint32(v[1]) && Array.isArray(v[3]))
    return { kind: 'request', msgid: Number(v[1]), method: methodDoc(v[2]), params: v[3].map(c) };
  if (isInt(v[0], 1) && v.length === 4 && isUint32(v[1]))
    return { kind: 'response', msgid: Number(v[1]), error: c(v[2]), result: c(v[3]) };
  if (isInt(v[0], 2) && v.length === 3 && Array.isArray(v[2]))
    return { kind: 'notification', method: methodDoc(v[1]), params: v[2].map(c) };
  throw new Error('not a request, response or notification');
}

const fromHex = (s) => Buffer.from(s.replace(/[\s-]/g, ''), 'hex');
const floatOf = (x) => (typeof x === 'string' ? Number(x) : x);

// A tagged document as the peer's value; `make` maps the tags the peer spells its own way.
function value(doc, make) {
  const [[t, v]] = Object.entries(doc);
  if (make[t]) return make[t](v);
  const val = (x) => value(x, make);
  switch (t) {
    case 'nil': return null;
    case 'bool': return v;
    case 'number': return Number.isSafeInteger(v) ? v : BigInt(v);
    case 'bignum': return BigInt(v);
    case 'float32':
    case 'float64': return floatOf(v);
    case 'string': return typeof v === 'string' ? v : fromHex(v.hex).toString('utf8');
    case 'binary': return fromHex(v);
    case 'array': return v.map(val);
    case 'map': {
      const m = new Map();
      for (const [k, x] of v) {
        const key = val(k);
        if (m.has(key)) throw new Error('maps are written from a Map: a duplicate key cannot be written');
        m.set(key, val(x));
      }
      return m;
    }
    default: throw new Error(`unknown tag ${t}`);
  }
}

function methodValue(m) {
  if (m && typeof m === 'object' && 'binary' in m) return fromHex(m.binary);
  if (m && typeof m === 'object' && 'hex' in m) return fromHex(m.hex).toString('utf8');
  return m;
}

function messageValue(d, make) {
  const val = (x) => value(x, make);
  if (d.kind === 'request') return [0, d.msgid, methodValue(d.method), d.params.map(val)];
  if (d.kind === 'response') return [1, d.msgid, val(d.error), val(d.result)];
  if (d.kind === 'notification') return [2, methodValue(d.method), d.params.map(val)];
  return val(d);
}

module.exports = { VALUE_PROFILES, MESSAGE_PROFILES, tag, canon, message, value, messageValue, fromHex };
