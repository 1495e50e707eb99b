#!/usr/bin/env node
// msgwire adapter for @msgpack/msgpack (Decoder.decodeMulti / encode), mapped to and from the
// canonical MessagePack(-RPC) form (docs/forms/msgpack-rpc.md).
//
// Profiles: `value` decodes bare values; `strict` reads each top-level value as a
// MessagePack-RPC message (the library has no RPC layer: the adapter checks the message shape).
// What the library's values do not keep, the adapter reports as the library would re-encode it:
// a JS number that is an integer is `number` (a float64 1.0 decodes to 1), other numbers are
// `float64`; maps are objects (string keys, JS key order); timestamps are read with the
// library's decodeTimestampToTimeSpec (a Date would lose nanoseconds).
// Usage: msgpack_adapter.js decode|encode msgpack-rpc, or serve.
'use strict';

const path = require('path');
const { Rejected, Unsupported, main } = require(path.join(__dirname, 'contract.js'));
const mp = require('@msgpack/msgpack');

const SAFE_INT = 2n ** 53n - 1n;
const VALUE_PROFILES = ['value'];
const MESSAGE_PROFILES = ['strict'];

const ext = new mp.ExtensionCodec();
ext.register({
  type: mp.EXT_TIMESTAMP,
  encode: () => null,
  decode: (data) => ({ __timestamp: mp.decodeTimestampToTimeSpec(data) }),
});

function tag(t, v) {
  return { [t]: v };
}

function canon(v) {
  if (v === null || v === undefined) return tag('nil', null);
  if (typeof v === 'boolean') return tag('bool', v);
  if (typeof v === 'bigint') {
    const a = v < 0n ? -v : v;
    return a <= SAFE_INT ? tag('number', Number(v)) : tag('bignum', v.toString());
  }
  if (typeof v === 'number') {
    if (Number.isInteger(v) && Math.abs(v) <= Number.MAX_SAFE_INTEGER) return tag('number', v);
    if (Number.isNaN(v)) return tag('float64', 'NaN');
    if (!Number.isFinite(v)) return tag('float64', v > 0 ? 'Infinity' : '-Infinity');
    return tag('float64', v);
  }
  if (typeof v === 'string') return tag('string', v);
  if (v instanceof Uint8Array) return tag('binary', Buffer.from(v).toString('hex'));
  if (Array.isArray(v)) return tag('array', v.map(canon));
  if (v instanceof mp.ExtData) return tag('ext', [v.type, Buffer.from(v.data).toString('hex')]);
  if (v.__timestamp) return tag('timestamp', [Number(v.__timestamp.sec), v.__timestamp.nsec]);
  if (typeof v === 'object') return tag('map', Object.entries(v).map(([k, x]) => [tag('string', k), canon(x)]));
  throw new Error(`unexpected value ${v}`);
}

function methodDoc(m) {
  if (typeof m === 'string') return m;
  if (m instanceof Uint8Array) return { binary: Buffer.from(m).toString('hex') };
  throw new Error('method is not a string');
}

const isUint32 = (x) => (typeof x === 'number' || typeof x === 'bigint') && x >= 0 && x < 2 ** 32 && Number.isInteger(Number(x));

function message(v) {
  if (!Array.isArray(v) || v.length === 0) throw new Error('a message is an array');
  // Only an integer is a message type (Number(null), Number(false), Number('') are 0 too).
  const t = typeof v[0] === 'number' || typeof v[0] === 'bigint' ? Number(v[0]) : NaN;
  if (t === 0 && v.length === 4 && isUint32(v[1]) && Array.isArray(v[3]))
    return { kind: 'request', msgid: Number(v[1]), method: methodDoc(v[2]), params: v[3].map(canon) };
  if (t === 1 && v.length === 4 && isUint32(v[1]))
    return { kind: 'response', msgid: Number(v[1]), error: canon(v[2]), result: canon(v[3]) };
  if (t === 2 && v.length === 3 && Array.isArray(v[2]))
    return { kind: 'notification', method: methodDoc(v[1]), params: v[2].map(canon) };
  throw new Error('not a request, response or notification');
}

function decode(protocol, profile, data) {
  if (protocol !== 'msgpack-rpc') throw new Unsupported('@msgpack/msgpack speaks MessagePack only');
  if (![...VALUE_PROFILES, ...MESSAGE_PROFILES].includes(profile)) throw new Unsupported(`profile ${profile}`);
  const docs = [];
  const dec = new mp.Decoder({ useBigInt64: true, extensionCodec: ext });
  try {
    for (const v of dec.decodeMulti(data)) {
      try {
        docs.push(VALUE_PROFILES.includes(profile) ? canon(v) : message(v));
      } catch (e) {
        throw new Rejected(e.message, { kind: 'not-a-message', docs });
      }
    }
  } catch (e) {
    if (e instanceof Rejected) throw e;
    throw new Rejected(`${e.name}: ${e.message}`, { kind: e.name, docs });
  }
  return docs;
}

// ---- encode

const fromHex = (s) => Buffer.from(s.replace(/[\s-]/g, ''), 'hex');
const floatOf = (x) => (typeof x === 'string' ? Number(x.replace('Infinity', 'Infinity')) : x);

function value(doc) {
  const [[t, v]] = Object.entries(doc);
  switch (t) {
    case 'nil': return null;
    case 'bool': return v;
    case 'number': return Number.isSafeInteger(v) ? v : BigInt(v);
    case 'bignum': return BigInt(v);
    case 'float32':
    case 'float64': return floatOf(v);
    case 'string': return typeof v === 'string' ? v : fromHex(v.hex).toString('utf8');
    case 'binary': return new Uint8Array(fromHex(v));
    case 'array': return v.map(value);
    case 'map': {
      const o = {};
      for (const [k, x] of v) {
        const key = value(k);
        if (typeof key !== 'string' || key in o) throw new Error('@msgpack/msgpack encodes maps from objects: unique string keys only');
        o[key] = value(x);
      }
      return o;
    }
    case 'ext': return new mp.ExtData(v[0], new Uint8Array(fromHex(v[1])));
    case 'timestamp': return new mp.ExtData(mp.EXT_TIMESTAMP, mp.encodeTimeSpecToTimestamp({ sec: v[0], nsec: v[1] }));
    default: throw new Error(`unknown tag ${t}`);
  }
}

function method(m) {
  if (m && typeof m === 'object' && 'binary' in m) return new Uint8Array(fromHex(m.binary));
  if (m && typeof m === 'object' && 'hex' in m) return fromHex(m.hex).toString('utf8');
  return m;
}

function encode(protocol, profile, docs) {
  if (protocol !== 'msgpack-rpc') throw new Unsupported('@msgpack/msgpack speaks MessagePack only');
  const parts = [];
  try {
    for (const d of docs) {
      let v;
      if (d.kind === 'request') v = [0, d.msgid, method(d.method), d.params.map(value)];
      else if (d.kind === 'response') v = [1, d.msgid, value(d.error), value(d.result)];
      else if (d.kind === 'notification') v = [2, method(d.method), d.params.map(value)];
      else v = value(d);
      parts.push(Buffer.from(mp.encode(v, { useBigInt64: true })));
    }
  } catch (e) {
    throw new Rejected(`${e.name}: ${e.message}`);
  }
  return Buffer.concat(parts);
}

main(decode, encode);
