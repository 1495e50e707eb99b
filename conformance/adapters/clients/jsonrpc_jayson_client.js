// msgwire client-suite driver for jayson's HTTP client (Node).
//
// The driver contract (conformance/README.md): argv SCENARIO HOST:PORT, the plan in
// $MSGWIRE_PLAN; one JSON object per line on stdout saying what the library surfaced; exit 0.
// jayson's callback gets the whole response object (or, for a batch, the array of them) and
// leaves matching by id to the application, so results and errors are reported under the
// response's id ("id"), never under a call index.
'use strict';
const [scenario, addr] = process.argv.slice(2);
const emit = (e) => process.stdout.write(JSON.stringify(e) + '\n');

if (scenario === 'hello') {
  emit({ event: 'hello', library: 'jayson', version: require('jayson/package.json').version + ' (node ' + process.version + ')' });
  process.exit(0);
}

const jayson = require('jayson');
const plan = JSON.parse(process.env.MSGWIRE_PLAN);
const i = addr.lastIndexOf(':');
const client = jayson.client.http({ host: addr.slice(0, i), port: Number(addr.slice(i + 1)) });

function report(r) {
  if (r === null || typeof r !== 'object') {
    emit({ event: 'raised', why: 'not a response object: ' + JSON.stringify(r) });
  } else if ('error' in r) {
    const e = r.error || {};
    emit({ event: 'error', id: r.id === undefined ? null : r.id, code: e.code, message: e.message, data: e.data });
  } else {
    emit({ event: 'result', id: r.id === undefined ? null : r.id, value: r.result });
  }
}

function done(err, response) {
  if (err) {
    emit({ event: 'raised', why: String(err && err.stack ? err.message : err) });
    return;
  }
  plan.calls.forEach((c, n) => { if (c.notify) emit({ event: 'sent', call: n }); });
  if (plan.calls.every((c) => c.notify)) return;
  if (Array.isArray(response)) response.forEach(report);
  else if (response === undefined) emit({ event: 'raised', why: 'no response' });
  else report(response);
}

const build = (c) => client.request(c.method, c.params, c.notify ? null : undefined);
if (plan.batch) {
  client.request(plan.calls.map(build), done);
} else {
  const c = plan.calls[0];
  client.request(c.method, c.params, c.notify ? null : undefined, done);
}
