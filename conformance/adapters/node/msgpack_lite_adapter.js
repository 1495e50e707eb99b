#!/usr/bin/env node
// msgwire adapter for msgpack-lite (Decoder / encode with a codec of its own; made with
// msgpack-lite 0.2.2), mapped to and from the canonical MessagePack(-RPC) form
// (docs/forms/msgpack-rpc.md).
//
// Profiles: `value` (bare values) and `strict` (each value read as a MessagePack-RPC message; the
// library has no RPC layer: mpcommon.message checks the shape). Other profiles: skipped.
// Codec options: {int64: true, usemap: true, preset: false} (64-bit ints as int64-buffer objects,
// maps as Map in wire order, no JS-type ext presets, so every ext is an ExtBuffer).
// What the API cannot express: an ExtBuffer's type is the raw byte 0..255 (the adapter reports
// it as the signed type the spec defines, and writes it back the same way); msgpack-lite knows no
// timestamp type (ext -1 stays an ext); a float 32 is a JS number (an integral value is reported
// as `number`, others as float64, as msgpack-lite re-encodes it); the Decoder stream keeps an
// incomplete value waiting for more input: what is left after the last value is reported as
// the adapter's rejection `truncated`.
// Usage: msgpack_lite_adapter.js decode|encode msgpack-rpc, or serve.
'use strict';

const path = require('path');
const { Rejected, Unsupported, main } = require(path.join(__dirname, 'contract.js'));
const mc = require(path.join(__dirname, 'mpcommon.js'));
const lite = require('msgpack-lite');
const { ExtBuffer } = require('msgpack-lite/lib/ext-buffer');
// msgpack-lite's own copy of int64-buffer (the one whose classes its decoder returns).
const { Int64BE, Uint64BE } = require(require.resolve('int64-buffer', { paths: [path.dirname(require.resolve('msgpack-lite'))] }));

const codec = lite.createCodec({ int64: true, usemap: true, preset: false });

function other(v) {
  if (v instanceof ExtBuffer) return mc.tag('ext', [v.type > 127 ? v.type - 256 : v.type, Buffer.from(v.buffer).toString('hex')]);
  if (Int64BE.isInt64BE(v) || Uint64BE.isUint64BE(v)) return mc.canon(BigInt(v.toString()), () => undefined);
  return undefined;
}
const canon = (v) => mc.canon(v, other);

// With int64: true a uint 64 / int 64 header gives an int64-buffer object even for a small value;
// the message type and msgid are compared as numbers, so those two become BigInt first.
const big = (x) => (Int64BE.isInt64BE(x) || Uint64BE.isUint64BE(x) ? BigInt(x.toString()) : x);
const rpcShape = (v) => (Array.isArray(v) ? v.map((x, i) => (i < 2 ? big(x) : x)) : v);

function decode(protocol, profile, data) {
  if (protocol !== 'msgpack-rpc') throw new Unsupported('msgpack-lite speaks MessagePack only');
  if (![...mc.VALUE_PROFILES, ...mc.MESSAGE_PROFILES].includes(profile)) throw new Unsupported(`profile ${profile}`);
  const values = [];
  const dec = new lite.Decoder({ codec });
  dec.on('data', (v) => values.push(v));
  let err;
  try {
    dec.decode(data);
  } catch (e) {
    err = e;
  }
  const docs = [];
  for (const v of values) {
    try {
      docs.push(mc.VALUE_PROFILES.includes(profile) ? canon(v) : mc.message(rpcShape(v), canon));
    } catch (e) {
      throw new Rejected(e.message, { kind: 'not-a-message', docs });
    }
  }
  if (err) throw new Rejected(`${err.name}: ${err.message}`, { kind: err.name || 'error', docs });
  const rest = dec.buffer ? dec.buffer.length - dec.offset : 0;
  if (rest > 0) throw new Rejected(`${rest} bytes left in the Decoder (an incomplete value)`, { kind: 'truncated', docs });
  return docs;
}

const MAKE = {
  ext: (v) => new ExtBuffer(mc.fromHex(v[1]), v[0] < 0 ? v[0] + 256 : v[0]),
  timestamp: () => {
    throw new Error('msgpack-lite has no timestamp type');
  },
  number: (v) => (Number.isSafeInteger(v) ? v : BigInt(v)),
  bignum: (v) => (v.startsWith('-') ? new Int64BE(v, 10) : new Uint64BE(v, 10)),
};

function encode(protocol, profile, docs) {
  if (protocol !== 'msgpack-rpc') throw new Unsupported('msgpack-lite speaks MessagePack only');
  try {
    return Buffer.concat(docs.map((d) => lite.encode(mc.messageValue(d, MAKE), { codec })));
  } catch (e) {
    throw new Rejected(`${e.name}: ${e.message}`);
  }
}

main(decode, encode);
