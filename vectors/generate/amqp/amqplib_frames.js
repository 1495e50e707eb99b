#!/usr/bin/env node
// Golden AMQP 0-9-1 frames made by amqplib's own codec (lib/defs.js encodeMethod/encodeProperties,
// lib/codec.js encodeTable, lib/frame.js), with the expected canonical JSON (docs/forms/amqp.md)
// built from the SOURCE values handed to the encoder, not by decoding: that keeps the
// expectation independent of any decoder. amqplib's own decoder is then run over every frame and
// each disagreement with the source values is recorded as a finding.
//
// Method and field names come from spec091.json (the spec's names), checked here against
// amqplib's defs (class/method ids, field count and field types).
//
//   node amqplib_frames.js [OUT_DIR]     (default: ../../amqp, i.e. vectors/amqp)
//
// Needs amqplib (pinned in package.json) resolvable: run from a directory whose node_modules has
// it, or set NODE_PATH (run.sh does).
'use strict';

const fs = require('fs');
const path = require('path');

// amqplib's package "exports" hide lib/: load its files by path from the package directory.
const AMQPLIB_DIR = path.dirname(require.resolve('amqplib'));
const defs = require(path.join(AMQPLIB_DIR, 'lib', 'defs.js'));
const frame = require(path.join(AMQPLIB_DIR, 'lib', 'frame.js'));
const AMQPLIB_VERSION = JSON.parse(fs.readFileSync(path.join(AMQPLIB_DIR, 'package.json'), 'utf8')).version;
const PEER = `amqplib ${AMQPLIB_VERSION}`;
const GENERATOR = 'vectors/generate/amqp/amqplib_frames.js';

const SPEC = JSON.parse(fs.readFileSync(path.join(__dirname, 'spec091.json'), 'utf8'));
const OUT_DIR = process.argv[2] || path.join(__dirname, '..', '..', 'amqp');

// ------------------------------------------------------------------------------------------
// Canonical JSON values, built from source values.

const U64_MAX_DOUBLE = 2 ** 64 - 2048; // largest double below 2^64: amqplib takes longlongs as numbers

function isUtf8(buf) {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(buf);
    return true;
  } catch (_) {
    return false;
  }
}

// A shortstr/longstr source (string or Buffer) → its canonical form.
function canonString(v) {
  if (typeof v === 'string') return v;
  if (isUtf8(v)) return v.toString('utf8');
  return { hex: v.toString('hex') };
}

function canonFloat(x) {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return x;
}

// amqplib's {'!': type} names → wire tags (lib/codec.js encodeFieldValue).
const TYPE_TAGS = {
  int8: 'b', byte: 'b', uint8: 'B', unsignedbyte: 'B', int16: 's', short: 's', uint16: 'u',
  unsignedshort: 'u', int32: 'I', int: 'I', uint32: 'i', unsignedint: 'i', int64: 'l', long: 'l',
  float: 'f', double: 'd', float64: 'd', decimal: 'D', timestamp: 'T',
};

// A field-table value source → [tag, canonical value]. Numbers are always typed explicitly
// ({'!': type, value}) so the tag comes from the source, not from amqplib's guess.
function canonFieldValue(v) {
  if (v === null) return ['V', null];
  if (typeof v === 'boolean') return ['t', v];
  if (typeof v === 'string') return ['S', v];
  if (Buffer.isBuffer(v)) return ['x', { hex: v.toString('hex') }];
  if (Array.isArray(v)) return ['A', v.map((x) => canonFieldValue(x))];
  if (typeof v === 'object' && Object.hasOwn(v, '!')) {
    const tag = TYPE_TAGS[v['!']];
    if (!tag) throw new Error(`no tag for ${v['!']}`);
    const x = v.value;
    switch (tag) {
      case 'f':
        return [tag, canonFloat(Math.fround(x))];
      case 'd':
        return [tag, canonFloat(x)];
      case 'D':
        return [tag, { scale: x.places, value: x.digits }];
      default:
        return [tag, typeof x === 'bigint' ? x : x];
    }
  }
  if (typeof v === 'object') return ['F', canonTable(v)];
  throw new Error(`untyped field value ${String(v)}`);
}

function canonTable(obj) {
  // for-in order is the order encodeTable writes (codec.js); keys here are never integer-like.
  const out = [];
  for (const k in obj) {
    if (obj[k] === undefined) continue;
    const [tag, val] = canonFieldValue(obj[k]);
    out.push([k, tag, val]);
  }
  return out;
}

function canonDomain(type, v) {
  switch (type) {
    case 'bit':
      return !!v;
    case 'shortstr':
    case 'longstr':
      return canonString(v);
    case 'table':
      return canonTable(v);
    default:
      return v; // integers
  }
}

const fieldKey = (specName) => specName.replace(/-/g, '_');

// ------------------------------------------------------------------------------------------
// Spec ↔ amqplib.

const AMQPLIB_TYPES = { octet: 'octet', short: 'short', long: 'long', longlong: 'longlong', bit: 'bit',
  shortstr: 'shortstr', longstr: 'longstr', table: 'table', timestamp: 'timestamp' };

function amqplibMethodInfo(classId, methodId) {
  for (const k of Object.keys(defs)) {
    if (!k.startsWith('methodInfo')) continue;
    const info = defs[k];
    if (info.classId === classId && info.methodId === methodId) return info;
  }
  return null;
}

// Every spec method with amqplib's info; throws when amqplib's defs disagree with spec091.json.
function methodsChecked() {
  const out = [];
  const seen = new Set();
  for (const cls of SPEC.classes) {
    for (const m of cls.methods) {
      const info = amqplibMethodInfo(cls.id, m.id);
      if (!info) throw new Error(`amqplib has no ${cls.name}.${m.name} (${cls.id}/${m.id})`);
      if (info.args.length !== m.fields.length)
        throw new Error(`${cls.name}.${m.name}: amqplib has ${info.args.length} fields, spec ${m.fields.length}`);
      info.args.forEach((a, i) => {
        if (AMQPLIB_TYPES[a.type] !== m.fields[i][1])
          throw new Error(`${cls.name}.${m.name} field ${i}: amqplib ${a.type}, spec ${m.fields[i][1]}`);
      });
      seen.add(info.id);
      out.push({ cls, m, info });
    }
  }
  // amqplib must define nothing the spec table lacks.
  for (const k of Object.keys(defs)) {
    if (k.startsWith('methodInfo') && !seen.has(defs[k].id))
      throw new Error(`amqplib defines ${defs[k].name}, missing from spec091.json`);
  }
  const props = defs.propertiesInfoBasicProperties.args;
  const specProps = SPEC.properties['60'];
  if (props.length !== specProps.length || props.some((a, i) => AMQPLIB_TYPES[a.type] !== specProps[i][1]))
    throw new Error('basic properties: amqplib and spec091.json disagree');
  return out;
}

// ------------------------------------------------------------------------------------------
// Source values per variant.

// A shortstr of exactly 255 octets (the maximum), mixing 1-, 2-, 3- and 4-octet characters.
function longestShortstr() {
  let s = 'ünï-键-🐇-';
  while (Buffer.byteLength(s) < 250) s += 'x';
  while (Buffer.byteLength(s) < 255) s += 'y';
  if (Buffer.byteLength(s) !== 255) throw new Error('shortstr length');
  return s;
}

function sampleTable() {
  return {
    'x-message-ttl': { '!': 'int32', value: 60000 },
    'x-dead-letter-exchange': 'dlx-ünï',
    'x-single-active-consumer': true,
    'x-max-priority': { '!': 'int8', value: 10 },
  };
}

function sourceValue(variant, type, name, index) {
  if (variant === 'max') {
    switch (type) {
      case 'bit': return true;
      case 'octet': return 255;
      case 'short': return 65535;
      case 'long': return 4294967295;
      case 'longlong': return U64_MAX_DOUBLE;
      case 'timestamp': return U64_MAX_DOUBLE;
      case 'shortstr': return `${name}-ünï-键-🐇`;
      case 'longstr': return Buffer.from(`${name}: longstr ünï 键 🐇`, 'utf8');
      case 'table': return sampleTable();
    }
  } else {
    // 'mixed': alternating bits (first clear), small non-zero integers, an empty first
    // shortstr, non-UTF-8 longstrs, empty tables.
    switch (type) {
      case 'bit': return index % 2 === 1;
      case 'octet': return 1;
      case 'short': return 258;
      case 'long': return 65537;
      case 'longlong': return Number.MAX_SAFE_INTEGER;
      case 'timestamp': return 1700000000;
      case 'shortstr': return index === 0 ? '' : name;
      case 'longstr': return Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x41]);
      case 'table': return {};
    }
  }
  throw new Error(`no source for ${type}`);
}

// ------------------------------------------------------------------------------------------
// amqplib's decoder, for the findings.

function decodeWithAmqplib(buf) {
  const f = frame.parseFrame(buf, 0);
  if (!f || f.rest.length !== 0) throw new Error('amqplib parseFrame did not take exactly one frame');
  return { raw: f, decoded: frame.decodeFrame(f) };
}

// Value-only view of a canonical value (amqplib's decoder drops the tags).
function plain(tag, v) {
  switch (tag) {
    case 'A': return v.map(([t, x]) => plain(t, x));
    case 'F': return plainTable(v);
    case 'D': return { places: v.scale, digits: v.value };
    case 'x': return { hex: v.hex };
    case 'f': return typeof v === 'number' ? Math.fround(v) : v;
    default: return v;
  }
}
function plainTable(t) {
  const o = {};
  for (const [k, tag, v] of t) o[k] = plain(tag, v);
  return o;
}
// amqplib decoded value → comparable plain value.
function fromAmqplib(v) {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'number') return canonFloat(v);
  if (Buffer.isBuffer(v)) return { hex: v.toString('hex') };
  if (Array.isArray(v)) return v.map(fromAmqplib);
  if (Object.hasOwn(v, '!')) {
    if (v['!'] === 'decimal') return { places: v.value.places, digits: v.value.digits };
    if (v['!'] === 'timestamp') return v.value;
  }
  const o = {};
  for (const k in v) o[k] = fromAmqplib(v[k]);
  return o;
}

function same(a, b) {
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    try {
      return typeof a !== 'object' && typeof b !== 'object' && BigInt(a) === BigInt(b);
    } catch (_) {
      return false;
    }
  }
  if (typeof a === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b));
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a), kb = Object.keys(b);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && same(a[k], b[k]));
}

// Returns [{field, expected, amqplib}] for each leaf where amqplib's decoding differs.
function diffFields(pairs) {
  const out = [];
  const walk = (name, expected, got) => {
    if (same(expected, got)) return;
    const objs = expected && got && typeof expected === 'object' && typeof got === 'object';
    if (objs && Array.isArray(expected) === Array.isArray(got) && !Object.hasOwn(expected, 'hex')) {
      const keys = new Set([...Object.keys(expected), ...Object.keys(got)]);
      for (const k of keys) walk(`${name}.${k}`, expected[k], got[k]);
      return;
    }
    out.push({ field: name, expected, amqplib: got });
  };
  for (const [name, expected, got] of pairs) walk(name, expected, got);
  return out;
}

// Why amqplib reads a value differently, from its source (lib/frame.js, lib/codec.js).
function explain(diffs) {
  const notes = [];
  if (diffs.some((d) => d.field === 'body_size'))
    notes.push("amqplib's frame.js reads body-size with readBigInt64BE (signed) then Number(): sizes of 2^63 and more come out negative");
  if (diffs.some((d) => d.field.startsWith('headers')))
    notes.push("amqplib's codec.js decodeFields turns 'l' and 'T' values into JS Numbers (Number(readBigInt64BE / readBigUInt64BE)): beyond 2^53 they are rounded");
  return notes.length ? notes.join('; ') : null;
}

function finding(diffs, specSays, note) {
  note = note || explain(diffs);
  return {
    peer: PEER,
    peer_says: Object.fromEntries(diffs.map((d) => [d.field, d.amqplib])),
    spec_says: specSays || Object.fromEntries(diffs.map((d) => [d.field, d.expected])),
    note: note || "amqplib's decoder (lib/defs.js, lib/codec.js) reads these values differently from what its encoder was given",
  };
}

// ------------------------------------------------------------------------------------------
// Cases.

const SPEC_METHOD = 'AMQP 0-9-1 §4.2.4 (method payloads), §4.2.5 (data fields)';

function methodCase(entry, variant) {
  const { cls, m, info } = entry;
  const channel = cls.id === 10 ? 0 : variant === 'max' ? 65535 : 1;
  const src = {};
  const fields = {};
  let bitIndex = 0, strIndex = 0;
  info.args.forEach((a, i) => {
    const [specName, type] = m.fields[i];
    const idx = type === 'bit' ? bitIndex++ : type === 'shortstr' ? strIndex++ : i;
    let v = sourceValue(variant, type, specName, idx);
    if (variant === 'max' && cls.name === 'queue' && m.name === 'declare' && specName === 'queue') v = longestShortstr();
    src[a.name] = v;
    fields[fieldKey(specName)] = canonDomain(type, v);
  });
  const bytes = defs.encodeMethod(info.id, channel, src);
  const name = `${cls.name}.${m.name}`;
  const expect = {
    type: 'method', channel, class_id: cls.id, method_id: m.id, method: name, fields,
  };
  const c = {
    id: `amqp/amqplib-methods/${name}-${variant}`,
    description:
      variant === 'max'
        ? `${name}: every bit set, integers at their maximum, non-ASCII UTF-8 strings`
        : `${name}: alternating bits (first clear), small integers, empty first shortstr, non-UTF-8 longstrs, empty tables`,
    spec: `${SPEC_METHOD}; ${name}` + (m.origin === 'rabbitmq' ? ' (RabbitMQ extension)' : m.origin === 'legacy' ? ' (0-8/0-9 access class, kept by RabbitMQ)' : ''),
    verdict: 'y',
    input: { hex: bytes.toString('hex') },
    expect: [expect],
  };
  if (m.origin === 'legacy') {
    // Class 30 is not in 0-9-1 (its tickets became reserved-1 fields); RabbitMQ still answers
    // access.request with access.request-ok (probe_rabbitmq.py, README.md).
    c.verdict = { strict: 'n', rabbitmq: 'y' };
    c.error = { kind: 'unknown-method' };
    c.description += '; class 30 is not in 0-9-1 but RabbitMQ still defines it';
  }
  // amqplib's view.
  const { decoded } = decodeWithAmqplib(bytes);
  const srcOf = src;
  const pairs = info.args.map((a, i) => {
    const [specName, type] = m.fields[i];
    const exp = fields[fieldKey(specName)];
    if (type === 'longstr') {
      // amqplib hands longstrs over as Buffers: compare the octets.
      const src = Buffer.isBuffer(srcOf[a.name]) ? srcOf[a.name] : Buffer.from(srcOf[a.name], 'utf8');
      return [fieldKey(specName), { hex: src.toString('hex') }, fromAmqplib(decoded.fields[a.name])];
    }
    return [fieldKey(specName), type === 'table' ? plainTable(exp) : exp, fromAmqplib(decoded.fields[a.name])];
  });
  const diffs = diffFields(pairs);
  if (decoded.id !== info.id || decoded.channel !== channel) diffs.push({ field: 'frame', expected: [info.id, channel], amqplib: [decoded.id, decoded.channel] });
  if (diffs.length) c.findings = [finding(diffs)];
  return c;
}

const PROP_KEYS = SPEC.properties['60'].map(([n]) => n);
const PROP_TYPES = Object.fromEntries(SPEC.properties['60']);
const AMQPLIB_PROP = Object.fromEntries(defs.propertiesInfoBasicProperties.args.map((a, i) => [PROP_KEYS[i], a.name]));

function allProperties() {
  return {
    'content-type': 'application/json; charset=utf-8',
    'content-encoding': 'gzip',
    headers: { 'x-ünï': 'ключ', count: { '!': 'int32', value: -7 }, nested: { ok: true } },
    'delivery-mode': 2,
    priority: 9,
    'correlation-id': 'corr-键-🐇',
    'reply-to': 'amq.rabbitmq.reply-to',
    expiration: '60000',
    'message-id': 'msg-0001',
    timestamp: 1700000000,
    type: 'order.created',
    'user-id': 'guest',
    'app-id': 'msgwire-amqplib',
    'cluster-id': 'cluster-ünï',
  };
}

function headerCase(name, desc, channel, bodySize, props, extraFindings) {
  const src = {};
  const canon = {};
  for (const k of PROP_KEYS) {
    if (props[k] === undefined) continue;
    src[AMQPLIB_PROP[k]] = props[k];
    canon[fieldKey(k)] = canonDomain(PROP_TYPES[k], props[k]);
  }
  const bytes = defs.encodeProperties(60, channel, bodySize, src);
  const c = {
    id: `amqp/amqplib-content/${name}`,
    description: desc,
    spec: 'AMQP 0-9-1 §4.2.6.1 (content header), basic properties',
    verdict: 'y',
    input: { hex: bytes.toString('hex') },
    expect: [{ type: 'header', channel, class_id: 60, weight: 0, body_size: bodySize, properties: canon }],
  };
  const { decoded } = decodeWithAmqplib(bytes);
  const pairs = [['body_size', bodySize, decoded.size]];
  for (const k of PROP_KEYS) {
    const exp = canon[fieldKey(k)];
    const got = decoded.fields[AMQPLIB_PROP[k]];
    pairs.push([fieldKey(k), exp === undefined ? undefined : PROP_TYPES[k] === 'table' ? plainTable(exp) : exp, got === undefined ? undefined : fromAmqplib(got)]);
  }
  const diffs = diffFields(pairs);
  const findings = [];
  if (diffs.length) findings.push(finding(diffs));
  if (extraFindings) findings.push(...extraFindings);
  if (findings.length) c.findings = findings;
  return c;
}

function bodyCase(name, desc, channel, payload) {
  const bytes = frame.makeBodyFrame(channel, payload);
  const c = {
    id: `amqp/amqplib-content/${name}`,
    description: desc,
    spec: 'AMQP 0-9-1 §4.2.6.2 (content body)',
    verdict: 'y',
    input: { hex: bytes.toString('hex') },
    expect: [{ type: 'body', channel, size: payload.length, payload: canonString(payload) }],
  };
  const { decoded } = decodeWithAmqplib(bytes);
  const diffs = diffFields([['payload', { hex: payload.toString('hex') }, { hex: decoded.content.toString('hex') }]]);
  if (diffs.length) c.findings = [finding(diffs)];
  return c;
}

// Field-table cases: a content header whose only property is a one-entry headers table.
function tableCase(name, desc, value, key) {
  const k = key || 'v';
  const c = headerCase(name, desc, 1, 0, { headers: { [k]: value } });
  c.id = `amqp/amqplib-tables/${name}`;
  c.spec = 'AMQP 0-9-1 §4.2.5.5 (field tables); RabbitMQ errata (field types)';
  return c;
}

function tableCases() {
  const T = (t, value) => ({ '!': t, value });
  const cases = [
    ['bool-true', "'t' true", true],
    ['bool-false', "'t' false", false],
    ['i8-min', "'b' (signed 8) -128", T('int8', -128)],
    ['i8-max', "'b' (signed 8) 127", T('int8', 127)],
    ['u8-max', "'B' (unsigned 8) 255", T('uint8', 255)],
    ['u8-zero', "'B' (unsigned 8) 0", T('uint8', 0)],
    ['i16-min', "'s' (signed 16) -32768", T('int16', -32768)],
    ['i16-max', "'s' (signed 16) 32767", T('int16', 32767)],
    ['u16-max', "'u' (unsigned 16) 65535", T('uint16', 65535)],
    ['i32-min', "'I' (signed 32) -2147483648", T('int32', -2147483648)],
    ['i32-max', "'I' (signed 32) 2147483647", T('int32', 2147483647)],
    ['u32-max', "'i' (unsigned 32) 4294967295", T('uint32', 4294967295)],
    ['i64-min', "'l' (signed 64) -2^63", T('int64', -(2n ** 63n))],
    ['i64-max', "'l' (signed 64) 2^63-1", T('int64', 2n ** 63n - 1n)],
    ['i64-minus-one', "'l' (signed 64) -1", T('int64', -1)],
    ['f32-one-half', "'f' 1.5", T('float', 1.5)],
    ['f32-tenth', "'f' 0.1 (not exact in binary32: compared after rounding to f32)", T('float', 0.1)],
    ['f32-max', "'f' largest finite binary32", T('float', 3.4028234663852886e38)],
    ['f32-min-subnormal', "'f' smallest binary32 subnormal", T('float', 1.401298464324817e-45)],
    ['f32-neg-infinity', "'f' -Infinity", T('float', -Infinity)],
    ['f32-nan', "'f' NaN (amqplib writes the quiet NaN 7fc00000)", T('float', NaN)],
    ['f64-tenth', "'d' 0.1", T('double', 0.1)],
    ['f64-max', "'d' largest finite binary64", T('double', Number.MAX_VALUE)],
    ['f64-min-subnormal', "'d' smallest binary64 subnormal", T('double', 5e-324)],
    ['f64-negative-zero', "'d' -0.0", T('double', -0)],
    ['f64-infinity', "'d' +Infinity", T('double', Infinity)],
    ['f64-nan', "'d' NaN", T('double', NaN)],
    ['decimal', "'D' scale 2, value 12345 (123.45)", T('decimal', { places: 2, digits: 12345 })],
    ['decimal-high-bit', "'D' scale 0, value 0xFFFFFFFF (RabbitMQ reads it as signed: -1)", T('decimal', { places: 0, digits: 0xffffffff })],
    ['decimal-max-scale', "'D' scale 255, value 1", T('decimal', { places: 255, digits: 1 })],
    ['longstr', "'S' non-ASCII UTF-8", 'grüße, ключ, 键, 🐇'],
    ['longstr-empty', "'S' empty", ''],
    ['longstr-300', "'S' of 300 octets (longer than a shortstr can be)", 'L'.repeat(300)],
    ['bytes', "'x' byte array with NUL, 0xFF, 0x80", Buffer.from([0x00, 0xff, 0x80, 0x41])],
    ['bytes-empty', "'x' empty byte array", Buffer.alloc(0)],
    ['array', "'A' of mixed values", [T('int8', 1), 'two', true, null, T('double', 4.5), [T('int32', 6)], { k: 'v' }]],
    ['array-empty', "'A' empty", []],
    ['timestamp', "'T' 1700000000", T('timestamp', 1700000000)],
    ['timestamp-max', "'T' 2^64-1", T('timestamp', 2n ** 64n - 1n)],
    ['table-nested', "'F' three levels deep", { a: { b: { c: T('int16', -2) } }, d: 'e' }],
    ['table-empty', "'F' empty", {}],
    ['void', "'V' (void)", null],
  ];
  const out = cases.map(([n, d, v]) => tableCase(n, `headers table with one value: ${d}`, v));
  out.push(tableCase('key-non-ascii', 'headers table whose key is non-ASCII UTF-8', 'v', 'ключ-键-🐇'));
  out.push(tableCase('key-max-length', 'headers table whose key is 255 octets', 'v', 'k'.repeat(255)));
  // Every type amqplib can write, in one table, nested in an array and a table.
  const every = Object.fromEntries(cases.filter(([n]) => !n.endsWith('-empty')).map(([n, , v]) => [n, v]));
  out.push(tableCase('every-type', 'headers table holding every type amqplib writes', { ...every, nested: { ...every }, list: Object.values(every) }, 'all'));
  return out;
}

// ------------------------------------------------------------------------------------------
// Output.

// JSON with bigints as plain integers, -0 as -0.0.
function toJson(doc) {
  const s = JSON.stringify(
    doc,
    (_, v) => {
      if (typeof v === 'bigint') return `@@int:${v.toString()}@@`;
      if (typeof v === 'number' && Object.is(v, -0)) return '@@int:-0.0@@';
      // Integers beyond 2^53 (exact doubles such as 2^64-2048): all their digits, not 1.8e19.
      if (typeof v === 'number' && Number.isInteger(v) && !Number.isSafeInteger(v))
        return `@@int:${BigInt(v).toString()}@@`;
      return v;
    },
    2,
  );
  return `${s.replace(/"@@int:(-?[0-9.]+)@@"/g, '$1')}\n`;
}

function writeGroup(file, group, description, cases) {
  const doc = {
    format: 'msgwire-vectors/1',
    protocol: 'amqp',
    group,
    description,
    provenance: { peer: 'amqplib', version: AMQPLIB_VERSION, generator: GENERATOR },
    cases,
  };
  fs.writeFileSync(path.join(OUT_DIR, file), toJson(doc));
  const nf = cases.filter((c) => c.findings).length;
  console.error(`${file}: ${cases.length} cases, ${nf} with findings`);
}

function main() {
  const methods = methodsChecked();
  const methodCases = [];
  for (const e of methods) {
    methodCases.push(methodCase(e, 'max'));
    methodCases.push(methodCase(e, 'mixed'));
  }
  writeGroup(
    'amqplib-methods.json',
    'amqplib-methods',
    'One method frame per method amqplib defines (0-9-1 and RabbitMQ extensions), in two variants: ' +
      'maximal values and mixed values. Encoded by amqplib defs.encodeMethod; expect built from the source values.',
    methodCases,
  );

  const content = [];
  content.push({
    id: 'amqp/amqplib-content/protocol-header',
    description: "amqplib's protocol header (lib/frame.js PROTOCOL_HEADER)",
    spec: 'AMQP 0-9-1 §4.2.2 (protocol header)',
    verdict: 'y',
    input: { hex: Buffer.from(frame.PROTOCOL_HEADER, 'latin1').toString('hex') },
    expect: [{ type: 'protocol-header', protocol_id: 0, major: 0, minor: 9, revision: 1 }],
  });
  content.push({
    id: 'amqp/amqplib-content/heartbeat',
    description: "amqplib's heartbeat frame (lib/frame.js HEARTBEAT_BUF)",
    spec: 'AMQP 0-9-1 §4.2.7 (heartbeat frames)',
    verdict: 'y',
    input: { hex: frame.HEARTBEAT_BUF.toString('hex') },
    expect: [{ type: 'heartbeat', channel: 0 }],
  });
  content.push(headerCase('header-all-properties', 'content header with all 14 basic properties set', 1, 1234, allProperties()));
  content.push(headerCase('header-no-properties', 'content header with no property (flags 0), empty body', 1, 0, {}));
  const all = allProperties();
  for (const k of PROP_KEYS) {
    content.push(headerCase(`header-only-${k}`, `content header with only ${k} set (flag bit ${15 - PROP_KEYS.indexOf(k)})`, 2, 5, { [k]: all[k] }));
  }
  content.push(headerCase(
    'header-body-size-max', 'content header with body-size 2^64-2048 (the largest double below 2^64), channel 65535',
    65535, U64_MAX_DOUBLE, { 'delivery-mode': 1 },
  ));
  content.push(bodyCase('body-text', 'body frame with UTF-8 text', 1, Buffer.from('hello, ünï 🐇', 'utf8')));
  content.push(bodyCase('body-binary', 'body frame with bytes that are not UTF-8', 1, Buffer.from([0x00, 0xff, 0xfe, 0x80, 0xce])));
  content.push(bodyCase('body-empty', 'body frame with an empty payload', 1, Buffer.alloc(0)));
  content.push(bodyCase('body-4088', 'body frame filling a 4096-octet frame (frame-max minimum)', 3, Buffer.alloc(4088, 0x61)));
  writeGroup(
    'amqplib-content.json',
    'amqplib-content',
    'Protocol header, heartbeat, content header and body frames from amqplib (defs.encodeProperties, frame.makeBodyFrame); expect built from the source values.',
    content,
  );

  writeGroup(
    'amqplib-tables.json',
    'amqplib-tables',
    "Field tables from amqplib's encodeTable (lib/codec.js), one content header per value, typed with amqplib's {'!': type, value} notation. " +
      "amqplib writes t b B s u I i l f d D S x A T F V; it cannot write the spec's 'U' (i16) and 'L' (i64) tags.",
    tableCases(),
  );
}

main();
