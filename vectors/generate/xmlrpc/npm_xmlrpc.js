#!/usr/bin/env node
// Writes vectors/xmlrpc/npm-xmlrpc.json: documents made by the `xmlrpc` npm package's serializer.
//
// Every input is the exact output of xmlrpc/lib/serializer (serializeMethodCall,
// serializeMethodResponse, serializeFault). The expected canonical form is computed here from
// the JavaScript values, never from msgwire's decoder. TZ is pinned to UTC because the package
// writes dateTime in local time. Deterministic.
//
// Run (from the repository root):
//   npm install --prefix "$SCRATCH" ./vectors/generate/xmlrpc   # or copy package.json there
//   XMLRPC_NPM_DIR="$SCRATCH" node vectors/generate/xmlrpc/npm_xmlrpc.js
'use strict'
process.env.TZ = 'UTC'
const fs = require('fs')
const path = require('path')

const npmDir = process.env.XMLRPC_NPM_DIR || path.join(__dirname)
const modules = path.join(npmDir, 'node_modules')
const serializer = require(path.join(modules, 'xmlrpc', 'lib', 'serializer'))
const version = require(path.join(modules, 'xmlrpc', 'package.json')).version
const xmlbuilder = require(path.join(modules, 'xmlbuilder', 'package.json')).version

const ROOT = path.resolve(__dirname, '..', '..', '..')
const OUT = path.join(ROOT, 'vectors', 'xmlrpc', 'npm-xmlrpc.json')
const PEER = 'xmlrpc (npm)'
const PEER_V = PEER + ' ' + version
const SPEC = 'XML-RPC spec (xmlrpc.com/spec.md)'

function pad(n, w) { return String(n).padStart(w, '0') }

// The canonical form (docs/forms/xmlrpc.md) of a JS value as this serializer writes it.
function form(v) {
  if (v === null) return { nil: null }
  if (typeof v === 'boolean') return { boolean: v }
  if (typeof v === 'string') return { string: v }
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return { double: 'nan' }
    if (v === Infinity) return { double: 'inf' }
    if (v === -Infinity) return { double: '-inf' }
    return v % 1 === 0 ? { int: v } : { double: v }
  }
  if (v instanceof Date) {
    return { 'dateTime.iso8601': '' + v.getUTCFullYear() + pad(v.getUTCMonth() + 1, 2) +
      pad(v.getUTCDate(), 2) + 'T' + pad(v.getUTCHours(), 2) + ':' + pad(v.getUTCMinutes(), 2) +
      ':' + pad(v.getUTCSeconds(), 2) }
  }
  if (Buffer.isBuffer(v)) return { base64: v.toString('base64') }
  if (Array.isArray(v)) return { array: v.map(form) }
  return { struct: Object.keys(v).map((k) => [k, form(v[k])]) }
}

const cases = []
function add(name, description, input, expect, extra) {
  if (extra && extra.why) description += ' (not re-encoded byte for byte: ' + extra.why + ')'
  const c = Object.assign({ id: 'xmlrpc/npm-xmlrpc/' + name, description, spec: SPEC, verdict: 'y',
    input: { text: input } }, extra || {})
  if (expect) c.expect = [expect]
  // Keep a stable key order.
  const order = ['id', 'description', 'spec', 'verdict', 'input', 'expect', 'error', 'roundtrip', 'findings']
  cases.push(Object.fromEntries(order.filter((k) => k in c).map((k) => [k, c[k]])))
}
function call(name, description, method, params, extra) {
  add(name, description, serializer.serializeMethodCall(method, params),
    { kind: 'call', method, params: params.map(form) }, extra)
}
function response(name, description, value, extra) {
  add(name, description, serializer.serializeMethodResponse(value),
    { kind: 'response', params: [form(value)] }, extra)
}

const DT = new Date(Date.UTC(1998, 6, 17, 14, 8, 55))
function nc(why) { return { roundtrip: false, why } }

call('all-types', 'one param of every type the package writes', 'validator1.manyTypesTest',
  [7, true, 'hello', 3.25, DT, Buffer.from("you can't read this!"), null])
call('int-and-double', 'JS numbers: integral ones become <int>, others <double>', 'm',
  [0, -2147483648, 2147483647, 0.1, -2.5, 123456.789])
call('string-cdata', 'strings with < or & are written as CDATA sections', 'm',
  ['a<b>&c', '<tag attr="v">&amp;</tag>'], nc('CDATA is re-encoded as escaped text'))
call('string-cdata-end', 'a string containing ]]> is split across two CDATA sections', 'm',
  ['x]]>y<z'], nc('CDATA is re-encoded as escaped text'))
call('string-empty', 'an empty string is written <string/>', 'm', [''], nc('<string/> re-encodes as <string></string>'))
call('string-cr', 'CR is written as the character reference &#xD;', 'm', ['a\r\nb'],
  nc('msgwire writes CR as &#13;'))
call('string-unicode', 'non-ASCII text, written as UTF-8', 'm', ['caf\u00e9 \u2603 \u{1F600}'])
call('nested', 'arrays and structs, nested and empty', 'm',
  [[1, [2, ['x', []]], {}], { b: 1, a: { z: 'x', y: {} }, c: [] }],
  nc('empty <data/> and <struct/> re-encode as start/end pairs'))
call('no-params', 'a call with no params is written <params/>', 'system.listMethods', [],
  nc('<params/> re-encodes as <params></params>'))
call('base64-empty', 'an empty Buffer', 'm', [Buffer.alloc(0)], nc('<base64/> re-encodes as <base64></base64>'))
call('validator1-nested-struct-test', 'UserLand validator1 nestedStructTest-shaped request',
  'validator1.nestedStructTest',
  [{ 2000: { '01': { '01': { moe: 1, larry: 2, curly: 3 } }, '04': { '01': { moe: 1, larry: 1, curly: -3 } } } }])
response('response-struct', 'a struct response', { moe: 1, larry: 2, curly: 3 })
response('response-nil', 'a null response is written <nil/>', null)
add('fault', 'a fault from serializeFault',
  serializer.serializeFault({ faultCode: 4, faultString: 'Too many parameters.' }),
  { kind: 'fault', fault: form({ faultCode: 4, faultString: 'Too many parameters.' }) })

const big = 2 ** 40
add('int-beyond-32-bits', 'an integral JS number beyond 32 bits is still written <int>',
  serializer.serializeMethodCall('m', [big]),
  { kind: 'call', method: 'm', params: [{ i8: big }] },
  { verdict: { strict: 'n', apache: 'n', lenient: 'y' }, error: { kind: 'int-out-of-range', code: -32600 },
    roundtrip: false,
    spec: SPEC + ' §Scalar values: int/i4 -- four-byte signed integer',
    findings: [{ peer: PEER_V, peer_says: '<int>1099511627776</int>', spec_says: 'int is a four-byte signed integer',
      note: 'lenient decodes it as i8, as Python would read any size' }] })
add('int-exponent', 'a huge integral JS number is written <int>1e+21</int>',
  serializer.serializeMethodCall('m', [1e21]), null,
  { verdict: 'n', error: { kind: 'invalid-int', code: -32600 },
    spec: SPEC + ' §Scalar values: int/i4',
    findings: [{ peer: PEER_V, peer_says: '<int>1e+21</int>', spec_says: 'digits with an optional sign',
      note: "not even Python's int() reads it" }] })
add('double-exponent', 'small doubles are written with an exponent',
  serializer.serializeMethodCall('m', [1.5e-7]),
  { kind: 'call', method: 'm', params: [{ double: 1.5e-7 }] },
  { verdict: { strict: 'n', apache: 'n', lenient: 'y' }, error: { kind: 'invalid-double', code: -32600 },
    roundtrip: false, spec: SPEC + " §Scalar values: double -- 'only decimal point notation is allowed'",
    findings: [{ peer: PEER_V, peer_says: '<double>1.5e-7</double>', spec_says: 'no exponent' }] })
add('double-nan', 'NaN is written <double>NaN</double>',
  serializer.serializeMethodCall('m', [NaN]),
  { kind: 'call', method: 'm', params: [{ double: 'nan' }] },
  { verdict: { strict: 'n', apache: 'n', lenient: 'y' }, error: { kind: 'invalid-double', code: -32600 },
    roundtrip: false, spec: SPEC + ' §Scalar values: no representation for NaN',
    findings: [{ peer: PEER_V, peer_says: '<double>NaN</double>', spec_says: 'no representation for NaN' }] })

const group = {
  format: 'msgwire-vectors/1',
  protocol: 'xmlrpc',
  group: 'npm-xmlrpc',
  description: 'documents written by the xmlrpc npm package (serializer.js on xmlbuilder ' + xmlbuilder + ')',
  provenance: { peer: PEER, version, generator: 'vectors/generate/xmlrpc/npm_xmlrpc.js' },
  cases,
}
fs.writeFileSync(OUT, JSON.stringify(group, null, 1) + '\n')
console.log('wrote ' + cases.length + ' cases')
