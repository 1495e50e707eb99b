// msgwire client-suite driver for the `xmlrpc` npm package's client (createClient).
//
// The driver contract (conformance/README.md): argv SCENARIO HOST:PORT, the plan in
// $MSGWIRE_PLAN ({"method": M, "params": [tagged values]}, see
// conformance/src/live/xmlrpc_client.rs); one JSON object per line on stdout; exit 0.
// JavaScript numbers do not keep int and double apart: results report {"number": N}.
'use strict';
const [scenario, addr] = process.argv.slice(2);
const emit = (e) => process.stdout.write(JSON.stringify(e) + '\n');

if (scenario === 'hello') {
  const fs = require('fs');
  const path = require('path');
  let dir = path.dirname(require.resolve('xmlrpc'));
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  const version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  emit({ event: 'hello', library: 'xmlrpc (npm)', version: version + ' (node ' + process.version + ')' });
  process.exit(0);
}

const xmlrpc = require('xmlrpc');
const plan = JSON.parse(process.env.MSGWIRE_PLAN);
const i = addr.lastIndexOf(':');
const client = xmlrpc.createClient({ host: addr.slice(0, i), port: Number(addr.slice(i + 1)), path: '/RPC2' });

function native(v) {
  const [tag, x] = Object.entries(v)[0];
  switch (tag) {
    case 'int': case 'i8': case 'double': case 'string': case 'boolean': return x;
    case 'dateTime': {
      const m = /^(\d{4})(\d{2})(\d{2})T(\d{2}):(\d{2}):(\d{2})$/.exec(x);
      return new Date(Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]));
    }
    case 'base64': return Buffer.from(x, 'base64');
    case 'array': return x.map(native);
    case 'struct': return Object.fromEntries(Object.entries(x).map(([k, y]) => [k, native(y)]));
    case 'nil': return null;
    default: throw new Error('unknown tag ' + tag);
  }
}

const pad = (n) => String(n).padStart(2, '0');
function tagged(v) {
  if (typeof v === 'boolean') return { boolean: v };
  if (typeof v === 'number') return { number: v };
  if (typeof v === 'string') return { string: v };
  if (v instanceof Date) {
    return { dateTime: `${v.getUTCFullYear()}${pad(v.getUTCMonth() + 1)}${pad(v.getUTCDate())}T${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}:${pad(v.getUTCSeconds())}` };
  }
  if (Buffer.isBuffer(v)) return { base64: v.toString('hex') };
  if (Array.isArray(v)) return { array: v.map(tagged) };
  if (v === null || v === undefined) return { nil: null };
  if (typeof v === 'object') return { struct: Object.fromEntries(Object.entries(v).map(([k, y]) => [k, tagged(y)])) };
  return { unknown: String(v) };
}

let params;
try {
  params = plan.params.map(native);
} catch (e) {
  emit({ event: 'raised', why: String(e.message) });
  process.exit(0);
}
try {
  client.methodCall(plan.method, params, (err, value) => {
    if (err && typeof err.faultCode !== 'undefined') emit({ event: 'fault', code: err.faultCode, string: err.faultString });
    else if (err) emit({ event: 'raised', why: String(err.message || err) });
    else emit({ event: 'result', value: tagged(value) });
    process.stdout.write('', () => process.exit(0));
  });
} catch (e) {
  emit({ event: 'raised', why: String(e.message || e) });
}
