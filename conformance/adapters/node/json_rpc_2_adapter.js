#!/usr/bin/env node
// msgwire adapter for json-rpc-2.0 (the npm package; made with json-rpc-2.0 1.8.1), mapped to
// the canonical JSON-RPC form (docs/forms/jsonrpc.md). Profile: strict only.
//
// Decoding follows JSONRPCServer.receiveJSON: JSON.parse (failure: -32700), then a batch (an
// array; empty: -32600) or one request, each checked with the package's isJSONRPCRequest
// (failure: -32600). A notification is a request without `id`. An input that the package's
// client would take (isJSONRPCResponse / isJSONRPCResponses) is read as responses. An input on
// which the package's own check throws (isJSONRPCRequest(null) reads null.jsonrpc) is rejected
// with the exception's name as kind and no code: the server answers nothing for it.
// A `method` that is not a string passes isJSONRPCRequest but has no place in the form: the
// adapter rejects it (-32600); the package's server takes it as a notification (docs/live).
// What the API cannot express: `params`, `result`, `data`, `id` are JS values, re-serialized
// with JSON.stringify (number spelling, big integers beyond 2^53, spaces and escapes are lost;
// a duplicate member keeps its last value). Encoding builds the package's createJSONRPCRequest /
// createJSONRPCNotification / createJSONRPCSuccessResponse / createJSONRPCErrorResponse objects
// and writes them with JSON.stringify.
// Usage: json_rpc_2_adapter.js decode|encode jsonrpc, or serve.
'use strict';

const path = require('path');
const { Rejected, Unsupported, main } = require(path.join(__dirname, 'contract.js'));
const j = require('json-rpc-2.0');

const text = (v) => JSON.stringify(v);
// A lone surrogate cannot cross the contract (JSON readers such as serde_json refuse it): the
// form's U+FFFD, as the form says for an escaped unpaired surrogate.
const wellFormed = (s) => (typeof s === 'string' ? s.toWellFormed() : s);

function requestDoc(r) {
  const d = { type: r.id === undefined ? 'notification' : 'request', method: wellFormed(r.method) };
  if (r.params !== undefined) d.params = text(r.params);
  if (r.id !== undefined) d.id = text(r.id);
  if (typeof r.method !== 'string') throw new Rejected('method is not a string', { kind: 'invalid-request', code: -32600 });
  return d;
}

function responseDoc(r) {
  if (r.error !== undefined) {
    const d = { type: 'error', code: r.error.code, message: wellFormed(r.error.message), id: text(r.id) };
    if (r.error.data !== undefined) d.data = text(r.error.data);
    return d;
  }
  return { type: 'response', result: text(r.result), id: text(r.id) };
}

function decode(protocol, profile, data) {
  if (protocol !== 'jsonrpc') throw new Unsupported('json-rpc-2.0 speaks JSON-RPC only');
  if (profile !== 'strict') throw new Unsupported('json-rpc-2.0 is run under the strict profile only');
  let v;
  try {
    v = JSON.parse(data.toString('utf8'));
  } catch (e) {
    throw new Rejected(wellFormed(`${e.name}: ${e.message}`), { kind: 'parse-error', code: -32700 });
  }
  try {
    if (j.isJSONRPCResponses(v) && v.length > 0) return [{ type: 'batch', items: v.map(responseDoc) }];
    if (!Array.isArray(v) && j.isJSONRPCResponse(v)) return [responseDoc(v)];
    if (Array.isArray(v)) {
      if (v.length === 0) throw new Rejected('empty batch', { kind: 'invalid-request', code: -32600 });
      const items = v.map((x) => {
        if (!j.isJSONRPCRequest(x)) throw new Rejected('not a JSON-RPC request (isJSONRPCRequest)', { kind: 'invalid-request', code: -32600 });
        return requestDoc(x);
      });
      return [{ type: 'batch', items }];
    }
    if (!j.isJSONRPCRequest(v)) throw new Rejected('not a JSON-RPC request (isJSONRPCRequest)', { kind: 'invalid-request', code: -32600 });
    return [requestDoc(v)];
  } catch (e) {
    if (e instanceof Rejected) throw e;
    throw new Rejected(wellFormed(`${e.name}: ${e.message}`), { kind: e.name });
  }
}

const parse = (s) => (s === undefined ? undefined : JSON.parse(s));

function object(d) {
  switch (d.type) {
    case 'request': return j.createJSONRPCRequest(parse(d.id), d.method, parse(d.params));
    case 'notification': return j.createJSONRPCNotification(d.method, parse(d.params));
    case 'response': return j.createJSONRPCSuccessResponse(parse(d.id), parse(d.result));
    case 'error': return j.createJSONRPCErrorResponse(parse(d.id), d.code, d.message, parse(d.data));
    case 'batch': return d.items.map(object);
    default: throw new Error(`unknown type ${d.type}`);
  }
}

function encode(protocol, profile, docs) {
  if (protocol !== 'jsonrpc') throw new Unsupported('json-rpc-2.0 speaks JSON-RPC only');
  try {
    return Buffer.from(docs.map((d) => JSON.stringify(object(d))).join('\n'), 'utf8');
  } catch (e) {
    throw new Rejected(`${e.name}: ${e.message}`);
  }
}

main(decode, encode);
