#!/usr/bin/env node
// msgwire adapter for the npm `xmlrpc` package's Deserializer (deserializeMethodCall /
// deserializeMethodResponse over a stream, sax underneath) and Serializer, mapped to and from
// the canonical XML-RPC form (docs/forms/xmlrpc.md).
//
// What the package's values do not keep, the adapter reports as its Serializer would write it:
// a JS number is `int` when an integer in the 32-bit range, else `double`; i8 values arrive as
// JS strings (`string`); a dateTime is a Date, written back as the formatter writes it (UTC);
// base64 is a Buffer, written back unwrapped. The package writes no layout we name (it is
// compact): `layout` is never reported. A document is a call when it contains `<methodCall`.
// Usage: xmlrpc_adapter.js decode|encode xmlrpc, or serve.
'use strict';

process.env.TZ = 'UTC';
const path = require('path');
const { PassThrough } = require('stream');
const { Rejected, Unsupported, main } = require(path.join(__dirname, 'contract.js'));

const XMLRPC_DIR = path.dirname(require.resolve('xmlrpc/package.json'));
const Deserializer = require(path.join(XMLRPC_DIR, 'lib', 'deserializer.js'));
const Serializer = require(path.join(XMLRPC_DIR, 'lib', 'serializer.js'));
const dateFormatter = require(path.join(XMLRPC_DIR, 'lib', 'date_formatter.js'));

function canon(v) {
  if (v === null || v === undefined) return { nil: null };
  if (typeof v === 'boolean') return { boolean: v };
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= -(2 ** 31) && v < 2 ** 31) return { int: v };
    if (Number.isNaN(v)) return { double: 'nan' };
    if (!Number.isFinite(v)) return { double: v > 0 ? 'inf' : '-inf' };
    return { double: v };
  }
  if (typeof v === 'string') return { string: v };
  if (v instanceof Date) return { 'dateTime.iso8601': dateFormatter.encodeIso8601(v) };
  if (Buffer.isBuffer(v)) return { base64: v.toString('base64') };
  if (Array.isArray(v)) return { array: v.map(canon) };
  if (typeof v === 'object') return { struct: Object.entries(v).map(([k, x]) => [k, canon(x)]) };
  throw new Error(`unexpected value ${v}`);
}

function decode(protocol, profile, data) {
  if (protocol !== 'xmlrpc') throw new Unsupported('the xmlrpc package speaks XML-RPC only');
  if (profile !== 'strict') throw new Unsupported('the xmlrpc package is run under the strict profile only');
  const call = data.includes('<methodCall');
  return new Promise((resolve, reject) => {
    const stream = new PassThrough();
    const d = new Deserializer('utf8');
    let done = false;
    const finish = (f) => {
      if (!done) {
        done = true;
        f();
      }
    };
    const cb = (err, a, b) =>
      finish(() => {
        if (err && err.faultCode !== undefined) {
          resolve([{ kind: 'fault', fault: { struct: [['faultCode', canon(err.faultCode)], ['faultString', canon(err.faultString)]] } }]);
        } else if (err) {
          reject(new Rejected(`${err.name}: ${err.message}`, { kind: err.name }));
        } else if (call) {
          resolve([{ kind: 'call', method: a, params: b.map(canon) }]);
        } else {
          resolve([{ kind: 'response', params: [canon(a)] }]);
        }
      });
    try {
      if (call) d.deserializeMethodCall(stream, cb);
      else d.deserializeMethodResponse(stream, cb);
      stream.end(data);
    } catch (e) {
      finish(() => reject(new Rejected(`${e.name}: ${e.message}`, { kind: e.name })));
    }
  });
}

function value(doc) {
  if (typeof doc === 'string') return doc;
  const [[t, v]] = Object.entries(doc);
  switch (t) {
    case 'int': case 'i4': case 'ex:i1': case 'ex:i2': case 'double': case 'ex:float':
      return typeof v === 'string' ? Number(v.replace('inf', 'Infinity')) : v;
    case 'i8': case 'ex:i8': return Number(v);
    case 'boolean': return v;
    case 'string': return v;
    case 'dateTime.iso8601': return dateFormatter.decodeIso8601(v);
    case 'base64': return Buffer.from(v, 'base64');
    case 'array': return v.map(value);
    case 'struct': return Object.fromEntries(v.map(([k, x]) => [k, value(x)]));
    case 'nil': case 'ex:nil': return null;
    default: throw new Error(`unknown type ${t}`);
  }
}

function encode(protocol, profile, docs) {
  if (protocol !== 'xmlrpc') throw new Unsupported('the xmlrpc package speaks XML-RPC only');
  try {
    return Buffer.from(docs.map((d) => {
      if (d.kind === 'call') return Serializer.serializeMethodCall(d.method, d.params.map(value), 'utf8');
      if (d.kind === 'response') {
        if (d.params.length !== 1) throw new Error('the package writes exactly one response param');
        return Serializer.serializeMethodResponse(value(d.params[0]));
      }
      if (d.kind === 'fault') return Serializer.serializeFault(value(d.fault));
      throw new Error(`unknown kind ${d.kind}`);
    }).join(''), 'utf8');
  } catch (e) {
    throw new Rejected(`${e.name}: ${e.message}`);
  }
}

main(decode, encode);
