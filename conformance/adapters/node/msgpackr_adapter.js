#!/usr/bin/env node
// msgwire adapter for msgpackr (Unpackr.unpackMultiple / Packr.pack; made with msgpackr 2.1.4),
// mapped to and from the canonical MessagePack(-RPC) form (docs/forms/msgpack-rpc.md).
//
// Profiles: `value` (bare values) and `strict` (each value read as a MessagePack-RPC message; the
// library has no RPC layer: mpcommon.message checks the shape). Other profiles: skipped.
// Options: plain MessagePack (useRecords: false, moreTypes: false), maps as Map (any key type,
// wire order), 64-bit ints as BigInt. msgpackr throws on an ext type it has no reader for, so
// the adapter registers a class for every type but -1 (ext -1 is msgpackr's own timestamp).
// What the API cannot express: a float 32 is a JS number (reported as msgpackr re-encodes it:
// an integral value is `number`, others float64); a timestamp is a Date (milliseconds: finer
// nanoseconds are lost); a duplicate map key collapses in the Map (the last one wins); Packr
// writes an integral JS number as an int and one float width for all floats (float64).
// Usage: msgpackr_adapter.js decode|encode msgpack-rpc, or serve.
'use strict';

const path = require('path');
const { Rejected, Unsupported, main } = require(path.join(__dirname, 'contract.js'));
const mc = require(path.join(__dirname, 'mpcommon.js'));
const mp = require('msgpackr');

class Ext {
  constructor(type, data) {
    this.type = type;
    this.data = data;
  }
}
// msgpackr ties an ext type to a class: one subclass per type, packed as its bytes.
const EXT_CLASS = new Map();
// addExtension refuses type 0 ("Extension has no type"): ext 0 is left to msgpackr.
for (let t = -128; t < 128; t++) {
  if (t === -1 || t === 0) continue;
  const Class = class extends Ext {};
  EXT_CLASS.set(t, Class);
  mp.addExtension({ Class, type: t, pack: (x) => x.data, unpack: (b) => new Class(t, Buffer.from(b)) });
}
const unpackr = new mp.Unpackr({ useRecords: false, moreTypes: false, mapsAsObjects: false, int64AsType: 'bigint' });
const packr = new mp.Packr({ useRecords: false, moreTypes: false, useBigIntExtension: false });

const other = (v) => (v instanceof Ext ? mc.tag('ext', [v.type, v.data.toString('hex')]) : undefined);
const canon = (v) => mc.canon(v, other);

function decode(protocol, profile, data) {
  if (protocol !== 'msgpack-rpc') throw new Unsupported('msgpackr speaks MessagePack only');
  if (![...mc.VALUE_PROFILES, ...mc.MESSAGE_PROFILES].includes(profile)) throw new Unsupported(`profile ${profile}`);
  if (data.length === 0) return [];
  let values;
  try {
    values = unpackr.unpackMultiple(data);
  } catch (e) {
    const docs = [];
    for (const v of e.values || []) {
      try {
        docs.push(mc.VALUE_PROFILES.includes(profile) ? canon(v) : mc.message(v, canon));
      } catch (_) {
        break;
      }
    }
    throw new Rejected(`${e.name}: ${e.message}`, { kind: e.name, docs });
  }
  const docs = [];
  for (const v of values) {
    try {
      docs.push(mc.VALUE_PROFILES.includes(profile) ? canon(v) : mc.message(v, canon));
    } catch (e) {
      throw new Rejected(e.message, { kind: 'not-a-message', docs });
    }
  }
  return docs;
}

const MAKE = {
  ext: (v) => {
    if (!EXT_CLASS.has(v[0])) throw new Error(`ext type ${v[0]} has no class in msgpackr`);
    return new (EXT_CLASS.get(v[0]))(v[0], mc.fromHex(v[1]));
  },
  timestamp: (v) => new Date(v[0] * 1000 + Math.floor(v[1] / 1e6)),
};

function encode(protocol, profile, docs) {
  if (protocol !== 'msgpack-rpc') throw new Unsupported('msgpackr speaks MessagePack only');
  try {
    return Buffer.concat(docs.map((d) => Buffer.from(packr.pack(mc.messageValue(d, MAKE)))));
  } catch (e) {
    throw new Rejected(`${e.name}: ${e.message}`);
  }
}

main(decode, encode);
