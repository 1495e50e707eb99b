#!/usr/bin/env node
// msgwire adapter for amqplib's frame codec (lib/frame.js parseFrame + decodeFrame, which use
// lib/defs.js and lib/codec.js), mapped to the canonical AMQP form (docs/forms/amqp.md).
// Decode only: amqplib's encoders take its own typed-value conventions, not wire tags.
//
// What amqplib's objects do not keep, the adapter reports as amqplib assumes or would re-encode:
// - a content header's weight is skipped by amqplib: 0; a heartbeat is one shared object: channel 0;
// - table numbers lose their wire type: tagged as amqplib's encoder would write them (integers
//   b, s, I or l by size; other numbers d); tables are objects (order and duplicates lost);
// - amqplib does not parse protocol headers (a client only sends one): unsupported.
// Method and field names come from vectors/generate/amqp/spec091.json; amqplib's field lists
// (defs.info(id).args) are in spec order, so fields are matched by position.
// Usage: amqplib_adapter.js decode amqp, or serve.
'use strict';

const fs = require('fs');
const path = require('path');
const { Rejected, Unsupported, main } = require(path.join(__dirname, 'contract.js'));

const AMQPLIB_DIR = path.dirname(require.resolve('amqplib'));
const frame = require(path.join(AMQPLIB_DIR, 'lib', 'frame.js'));
const defs = require(path.join(AMQPLIB_DIR, 'lib', 'defs.js'));

const SPEC_PATH = process.env.MSGWIRE_AMQP_SPEC || path.join(__dirname, '..', '..', '..', 'vectors', 'generate', 'amqp', 'spec091.json');
let methods = null;
function spec() {
  if (!methods) {
    methods = new Map();
    for (const c of JSON.parse(fs.readFileSync(SPEC_PATH, 'utf8')).classes)
      for (const m of c.methods)
        methods.set((c.id << 16) | m.id, { name: `${c.name}.${m.name}`, fields: m.fields.map(([n, d]) => [n.replace(/-/g, '_'), d]) });
  }
  return methods;
}

function str(v) {
  if (typeof v === 'string') return v;
  try {
    // ignoreBOM: a leading U+FEFF is data (TextDecoder drops it by default).
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(v);
  } catch (_) {
    return { hex: Buffer.from(v).toString('hex') };
  }
}

function float(x) {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return x;
}

function tagged(v) {
  if (v === null || v === undefined) return ['V', null];
  if (typeof v === 'string') return ['S', v];
  if (typeof v === 'boolean') return ['t', v];
  if (typeof v === 'number') {
    if (!Number.isInteger(v)) return ['d', float(v)];
    if (v >= -128 && v < 128) return ['b', v];
    if (v >= -0x8000 && v < 0x8000) return ['s', v];
    if (v >= -0x80000000 && v < 0x80000000) return ['I', v];
    return ['l', v];
  }
  if (Buffer.isBuffer(v)) return ['x', { hex: v.toString('hex') }];
  if (Array.isArray(v)) return ['A', v.map(tagged)];
  if (v['!'] === 'decimal') return ['D', { scale: v.value.places, value: v.value.digits }];
  if (v['!'] === 'timestamp') return ['T', v.value];
  if (typeof v === 'object') return ['F', table(v)];
  throw new Error(`unexpected table value ${v}`);
}

function table(o) {
  return Object.entries(o || {}).map(([k, v]) => [k, ...tagged(v)]);
}

function field(v, domain) {
  if (domain === 'table') return table(v);
  if (domain === 'shortstr' || domain === 'longstr') return str(v);
  if (domain === 'bit') return !!v;
  return v;
}

const snake = (s) => s.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function canon(f, d) {
  switch (f.type) {
    case 1: {
      const m = spec().get(d.id);
      if (!m) throw new Error(`no spec method for id ${d.id}`);
      const args = defs.info(d.id).args;
      if (args.length !== m.fields.length) throw new Error(`amqplib's ${m.name} has ${args.length} fields, the spec ${m.fields.length}`);
      const fields = {};
      m.fields.forEach(([name, dom], i) => { fields[name] = field(d.fields[args[i].name], dom); });
      return { type: 'method', channel: d.channel, class_id: d.id >>> 16, method_id: d.id & 0xffff, method: m.name, fields };
    }
    case 2: {
      const properties = {};
      // delivery-mode and priority (octets) and timestamp are numbers; the rest shortstrs.
      const numeric = new Set(['deliveryMode', 'priority', 'timestamp']);
      for (const [k, v] of Object.entries(d.fields)) {
        if (v === undefined) continue;
        properties[snake(k)] = k === 'headers' ? table(v) : numeric.has(k) ? v : str(v);
      }
      return { type: 'header', channel: d.channel, class_id: d.id, weight: 0, body_size: d.size, properties };
    }
    case 3:
      return { type: 'body', channel: d.channel, size: d.content.length, payload: str(d.content) };
    case 8:
      return { type: 'heartbeat', channel: d.channel };
    default:
      throw new Error(`unexpected frame type ${f.type}`);
  }
}

function decode(protocol, profile, data) {
  if (protocol !== 'amqp') throw new Unsupported('amqplib speaks AMQP only');
  if (profile !== 'strict') throw new Unsupported('amqplib is run under the strict profile only');
  const docs = [];
  let rest = data;
  let at = 0;
  while (rest.length > 0) {
    if (rest.subarray(0, 4).toString('latin1') === 'AMQP') throw new Unsupported('amqplib does not parse protocol headers');
    let f, doc;
    try {
      f = frame.parseFrame(rest);
      if (!f) throw new Rejected('incomplete frame', { kind: 'incomplete', offset: at, docs });
      doc = canon(f, frame.decodeFrame(f));
    } catch (e) {
      if (e instanceof Rejected) throw e;
      throw new Rejected(`${e.name}: ${e.message}`, { kind: e.name, offset: at, docs });
    }
    docs.push(doc);
    at += rest.length - f.rest.length;
    rest = f.rest;
  }
  return docs;
}

function encode() {
  throw new Unsupported('the amqplib adapter decodes only');
}

main(decode, encode);
