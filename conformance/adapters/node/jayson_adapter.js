#!/usr/bin/env node
// msgwire adapter for jayson's server-side request handling, as Server.prototype.call runs it
// before routing (Utils.JSON.parse, Utils.Request.isBatch / isValidRequest for JSON-RPC 2.0),
// mapped to the canonical JSON-RPC form (docs/forms/jsonrpc.md). Decode only.
//
// A parse failure is rejected with -32700 and an invalid request (or an empty batch) with
// -32600, the codes jayson answers. jayson answers a batch item by item; a batch holding an
// invalid item is reported here as rejected (-32600), as our form reports it. Requests only: a
// response is unsupported (skipped). JSON.parse loses integers beyond 2^53, -0 and member
// spelling; params and ids are re-serialized with JSON.stringify (compact).
// Usage: jayson_adapter.js decode jsonrpc, or serve.
'use strict';

const path = require('path');
const { Rejected, Unsupported, main } = require(path.join(__dirname, 'contract.js'));
const jayson = require('jayson');

const U = jayson.Utils;

const isResponse = (d) => d && typeof d === 'object' && !Array.isArray(d) && !('method' in d) && ('result' in d || 'error' in d);

function doc(r) {
  const notification = U.Request.isNotification(r);
  const d = { type: notification ? 'notification' : 'request', method: r.method };
  if ('params' in r) d.params = JSON.stringify(r.params);
  if (!notification) d.id = JSON.stringify(r.id);
  return d;
}

function decode(protocol, profile, data) {
  if (protocol !== 'jsonrpc') throw new Unsupported('jayson speaks JSON-RPC only');
  if (profile !== 'strict') throw new Unsupported('jayson is run under the strict profile only');
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(data);
  } catch (e) {
    // An HTTP body jayson would read as a string: invalid UTF-8 becomes U+FFFD, not an error.
    text = data.toString('utf8');
  }
  let value, error;
  U.JSON.parse(text, {}, (e, v) => { error = e; value = v; });
  if (error) throw new Rejected(`${error.name}: ${error.message}`, { kind: 'parse-error', code: -32700 });
  if (isResponse(value) || (Array.isArray(value) && value.length && value.every(isResponse)))
    throw new Unsupported('jayson parses requests only');
  if (U.Request.isBatch(value)) {
    if (!value.length) throw new Rejected('empty batch', { kind: 'invalid-request', code: -32600 });
    if (!value.every((r) => U.Request.isValidRequest(r, 2)))
      throw new Rejected('a batch item is not a valid request', { kind: 'invalid-request', code: -32600 });
    return [{ type: 'batch', items: value.map(doc) }];
  }
  if (!U.Request.isValidRequest(value, 2)) throw new Rejected('invalid request', { kind: 'invalid-request', code: -32600 });
  return [doc(value)];
}

function encode() {
  throw new Unsupported('the jayson adapter decodes only');
}

main(decode, encode);
