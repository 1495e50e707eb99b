#!/usr/bin/env node
// Golden vectors for Thrift's uuid type (type id 16) from the npm `thrift` package (pinned in
// package.json / package-lock.json here, installed into a scratch directory by run.sh).
//
//   THRIFT_NPM_DIR="$SCRATCH" node vectors/generate/thrift/uuid_node.js OUT_DIR
//
// conformance.thrift cannot hold a uuid field (Debian's thrift-compiler 0.17 predates the type),
// so the messages are written with the library's protocol API directly (writeMessageBegin,
// writeFieldBegin(name, Type.UUID, id), writeUuid, writeListBegin(Type.UUID, n), ...) by its
// TBinaryProtocol, TCompactProtocol and TJSONProtocol, and read back with the same library's
// readers (readMessageBegin, readFieldBegin, readUuid, ...): that reading is the expected
// canonical document (docs/forms/thrift.md), so no expectation comes from msgwire. Must-reject
// inputs are peer-written messages cut short, kept only where the library refuses them.
//
// Writes OUT_DIR/uuid-node.json (format msgwire-vectors/1).
'use strict'
const fs = require('fs')
const path = require('path')

const npmDir = process.env.THRIFT_NPM_DIR || __dirname
const modules = path.join(npmDir, 'node_modules')
const thrift = require(path.join(modules, 'thrift'))
const version = require(path.join(modules, 'thrift', 'package.json')).version
const uuidVersion = require(path.join(modules, 'uuid', 'package.json')).version
const { Type, MessageType } = thrift.Thrift
const OUT = process.argv[2]
const GROUP = 'uuid-node'

const PROTOCOLS = {
  binary: (t) => new thrift.TBinaryProtocol(t, true, true),
  compact: (t) => new thrift.TCompactProtocol(t),
  json: (t) => new thrift.TJSONProtocol(t)
}
const NAMES = {
  [Type.I32]: 'i32',
  [Type.STRING]: 'binary',
  [Type.STRUCT]: 'struct',
  [Type.MAP]: 'map',
  [Type.SET]: 'set',
  [Type.LIST]: 'list',
  [Type.UUID]: 'uuid'
}
const KINDS = { [MessageType.CALL]: 'call', [MessageType.REPLY]: 'reply', [MessageType.EXCEPTION]: 'exception', [MessageType.ONEWAY]: 'oneway' }

// The library's writer (npm `uuid`'s parse) takes RFC 9562 uuids only (version 1-8 and the
// variant bits, or nil / max): the values below are such.
const A = '00112233-4455-6677-8899-aabbccddeeff'
const B = '6ba7b810-9dad-11d1-80b4-00c04fd430c8'
const NIL = '00000000-0000-0000-0000-000000000000'
const MAX = 'ffffffff-ffff-ffff-ffff-ffffffffffff'
const hex = (n, w) => n.toString(16).padStart(w, '0')
const v4 = (i) => `${hex(i, 8)}-0000-4000-8000-${hex(i * 0x1111, 12)}`

const U = Type.UUID
const u = (x) => [U, x]
const lst = (t, items, kind = Type.LIST) => [kind, [t, items]]

// [id, name, message type, seqid, body fields [[field id, [type, payload]]]]
const MESSAGES = [
  ['store-call', 'store', MessageType.CALL, 1, [
    [1, u(A)],
    [2, lst(U, [NIL, MAX, B])],
    [3, lst(U, [v4(7)], Type.SET)],
    [4, [Type.MAP, [U, Type.STRING, [[A, 'a']]]]],
    [5, [Type.MAP, [Type.STRING, U, [['b', B]]]]],
    [6, [Type.MAP, [U, U, [[NIL, MAX], [v4(1), A]]]]],
    [7, [Type.STRUCT, [[1, u(MAX)], [2, [Type.I32, 7]]]]],
    [8, lst(U, [])],
    // A field-id jump past 15: compact writes the long field header.
    [40, u(B)],
    // A negative id (not -1: the library's JSON reader takes a field with id -1 for the end
    // of the struct, its "no field" marker, and drops it and the fields after it).
    [-2, u(v4(2))]
  ]],
  ['store-reply', 'store', MessageType.REPLY, 1, [[0, u(A)]]],
  ['many-call', 'many', MessageType.CALL, 2, [
    // 16 elements: compact's long list header.
    [1, lst(U, Array.from({ length: 16 }, (_, i) => v4(i)))],
    [2, lst(Type.LIST, [[U, [A, B]], [U, []]])],
    [3, [Type.MAP, [Type.I32, Type.SET, [[1, [U, [NIL]]], [2, [U, [MAX, v4(3)]]]]]]]
  ]],
  ['many-reply', 'many', MessageType.REPLY, 2, [
    [0, [Type.STRUCT, [[1, lst(U, [B, A])], [2, u(NIL)]]]]
  ]],
  ['notify-oneway', 'notify', MessageType.ONEWAY, 3, [[1, u(MAX)]]]
]

function writeValue (p, t, x) {
  if (t === U) p.writeUuid(x)
  else if (t === Type.STRING) p.writeString(x)
  else if (t === Type.I32) p.writeI32(x)
  else if (t === Type.STRUCT) writeFields(p, x)
  else if (t === Type.LIST || t === Type.SET) {
    const [et, items] = x
    if (t === Type.LIST) p.writeListBegin(et, items.length)
    else p.writeSetBegin(et, items.length)
    for (const item of items) writeValue(p, et, item)
    if (t === Type.LIST) p.writeListEnd()
    else p.writeSetEnd()
  } else if (t === Type.MAP) {
    const [kt, vt, entries] = x
    p.writeMapBegin(kt, vt, entries.length)
    for (const [k, val] of entries) {
      writeValue(p, kt, k)
      writeValue(p, vt, val)
    }
    p.writeMapEnd()
  } else throw new Error(`type ${t}`)
}

function writeFields (p, fields) {
  p.writeStructBegin('s')
  for (const [fid, [t, x]] of fields) {
    p.writeFieldBegin('f', t, fid)
    writeValue(p, t, x)
    p.writeFieldEnd()
  }
  p.writeFieldStop()
  p.writeStructEnd()
}

function writeMessage (pname, name, kind, seqid, fields) {
  let out = null
  const trans = new thrift.TBufferedTransport(undefined, (msg) => { out = Buffer.from(msg) })
  const p = PROTOCOLS[pname](trans)
  p.writeMessageBegin(name, kind, seqid)
  writeFields(p, fields)
  p.writeMessageEnd()
  if (p.flush) p.flush()
  else trans.flush()
  return out
}

const val = (type, value, extra = {}) => Object.assign({ type, value }, extra)

function uuidHex (s) {
  // The readers return the uuid's text (8-4-4-4-12); the form wants its 16 bytes in hex.
  if (typeof s !== 'string' || !/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/.test(s)) {
    throw new Error(`readUuid gave ${JSON.stringify(s)}`)
  }
  return s.replace(/-/g, '').toLowerCase()
}

function readValue (p, t, json) {
  if (t === U) return val('uuid', uuidHex(p.readUuid()))
  if (t === Type.I32) return val('i32', p.readI32())
  if (t === Type.STRING) {
    // Schema-less: in JSON a string's own text; elsewhere the bytes.
    return val('binary', json ? Buffer.from(p.readString(), 'utf8').toString('hex') : p.readBinary().toString('hex'))
  }
  if (t === Type.STRUCT) return val('struct', readFields(p, json))
  if (t === Type.LIST || t === Type.SET) {
    const h = t === Type.LIST ? p.readListBegin() : p.readSetBegin()
    const items = []
    for (let i = 0; i < h.size; i++) items.push(readValue(p, h.etype, json))
    if (t === Type.LIST) p.readListEnd()
    else p.readSetEnd()
    return val(NAMES[t], items, { elem: NAMES[h.etype] })
  }
  if (t === Type.MAP) {
    const h = p.readMapBegin()
    const entries = []
    for (let i = 0; i < h.size; i++) entries.push([readValue(p, h.ktype, json), readValue(p, h.vtype, json)])
    p.readMapEnd()
    return val('map', entries, { key: NAMES[h.ktype] || 'bool', val: NAMES[h.vtype] || 'bool' })
  }
  throw new Error(`type ${t}`)
}

function readFields (p, json) {
  p.readStructBegin()
  const fields = []
  for (;;) {
    const f = p.readFieldBegin()
    if (f.ftype === Type.STOP) break
    fields.push([f.fid, readValue(p, f.ftype, json)])
    p.readFieldEnd()
  }
  p.readStructEnd()
  return fields
}

function readMessage (pname, data) {
  const trans = new thrift.TBufferedTransport()
  trans.inBuf = Buffer.from(data)
  trans.writeCursor = data.length
  const p = PROTOCOLS[pname](trans)
  const m = p.readMessageBegin()
  const body = readFields(p, pname === 'json')
  p.readMessageEnd()
  if (pname !== 'json' && trans.readCursor !== data.length) throw new Error('trailing bytes')
  return { protocol: pname, name: m.fname, type: KINDS[m.mtype], seqid: m.rseqid, body }
}

function peerSays (pname, data) {
  try {
    readMessage(pname, data)
  } catch (e) {
    return [false, e.message ? `${e.name}: ${e.message}` : `${e.name} (the input ends inside the message)`]
  }
  return [true, 'read the message']
}

const BIN = 'Thrift binary protocol spec (doc/specs/thrift-binary-protocol.md): uuid (type id 16) is 16 bytes, big-endian'
const CMP = 'Thrift compact protocol spec (doc/specs/thrift-compact-protocol.md): uuid (compact type 13) is 16 bytes, big-endian'
const JSN = 'Thrift TJSONProtocol (lib/cpp/src/thrift/protocol/TJSONProtocol.h; type name "uid"): a uuid is ' +
  'the JSON string xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx (32 hex digits, 8-4-4-4-12)'
const SPEC = { binary: BIN, compact: CMP, json: JSN }

function mustReject () {
  const out = []
  const aBytes = Buffer.from(A.replace(/-/g, ''), 'hex')
  const bBytes = Buffer.from(B.replace(/-/g, ''), 'hex')
  for (const pname of ['binary', 'compact', 'json']) {
    const data = writeMessage(pname, 'x', MessageType.CALL, 0, [[1, u(A)]])
    const at = data.indexOf(pname === 'json' ? Buffer.from(A) : aBytes) + 8
    out.push([`${pname}-uuid-cut-short`, pname, data.subarray(0, at),
      pname === 'json' ? 'a uuid string whose input ends after 8 characters' : 'a uuid field whose input ends after 8 of its 16 bytes'])
  }
  for (const pname of ['binary', 'compact']) {
    const data = writeMessage(pname, 'x', MessageType.CALL, 0, [[1, lst(U, [A, B])]])
    out.push([`${pname}-uuid-list-cut-short`, pname, data.subarray(0, data.indexOf(bBytes) + 4),
      'a list of two uuids whose input ends 4 bytes into the second'])
  }
  return out
}

function main () {
  const peer = `thrift (npm) ${version}`
  const cases = []
  for (const pname of Object.keys(PROTOCOLS)) {
    for (const [cid, name, kind, seqid, fields] of MESSAGES) {
      const data = writeMessage(pname, name, kind, seqid, fields)
      const doc = readMessage(pname, data)
      cases.push({
        id: `thrift/${GROUP}/${cid}-${pname}`,
        description: `${doc.type} '${name}' carrying uuids, written by the library's ${pname} protocol (writeUuid)`,
        spec: SPEC[pname],
        verdict: 'y',
        input: { hex: data.toString('hex') },
        expect: [doc]
      })
    }
  }
  for (const [name, pname, data, desc] of mustReject()) {
    const [accepted, says] = peerSays(pname, data)
    if (accepted) throw new Error(`${name}: the library accepts it`)
    cases.push({
      id: `thrift/${GROUP}/${name}`,
      description: desc,
      spec: SPEC[pname],
      verdict: { strict: 'n', lenient: 'n' },
      input: { hex: Buffer.from(data).toString('hex') },
      error: { kind: 'truncated', code: 1 },
      provenance: {
        peer: 'hand-written',
        reason: 'no peer writes invalid messages; the input is a peer-written message cut short, and x-peer is the npm library\'s reading of it'
      },
      'x-peer': { peer, accepted: false, says }
    })
  }
  const doc = {
    format: 'msgwire-vectors/1',
    protocol: 'thrift',
    group: GROUP,
    description: 'uuid (type id 16) in calls, replies and a oneway, as a field, in lists, sets and maps (keys and values), ' +
      'nested, in the binary, compact and JSON protocols, written by the npm library\'s protocol API (no IDL: ' +
      'thrift-compiler 0.17 predates uuid); expected documents read back with the same library\'s readers; ' +
      'must-reject inputs (a uuid cut short) the library refuses, with its verdict in x-peer',
    provenance: {
      peer: 'thrift (npm)',
      version: `${version} (uuid ${uuidVersion})`,
      generator: 'vectors/generate/thrift/uuid_node.js'
    },
    cases
  }
  fs.writeFileSync(path.join(OUT, 'uuid-node.json'), JSON.stringify(doc, null, 1) + '\n')
}

main()
