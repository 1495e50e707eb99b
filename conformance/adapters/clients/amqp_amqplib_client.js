// msgwire client-suite driver for amqplib (Node, the promise API).
//
// The driver contract (conformance/README.md): argv SCENARIO HOST:PORT, the plan in
// $MSGWIRE_PLAN; one JSON object per line on stdout saying what the library surfaced; exit 0.
// AMQP plans: {"op": "close" | "publish" | "declare-passive" | "consume" | "wait", ...}
// (conformance/src/live/amqp_client.rs).
'use strict';
const [scenario, addr] = process.argv.slice(2);
const emit = (e) => process.stdout.write(JSON.stringify(e) + '\n');

if (scenario === 'hello') {
  // amqplib's exports map hides package.json: find it beside the resolved entry point.
  const fs = require('fs');
  const path = require('path');
  let dir = path.dirname(require.resolve('amqplib'));
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  const version = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).version;
  emit({ event: 'hello', library: 'amqplib', version: version + ' (node ' + process.version + ')' });
  process.exit(0);
}

const amqp = require('amqplib');
const plan = JSON.parse(process.env.MSGWIRE_PLAN);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
let finished = false;
function finish() {
  if (finished) return;
  finished = true;
  // Let stdout drain, then end whatever sockets or timers the library still holds.
  process.stdout.write('', () => process.exit(0));
}

// What the library reports for a close: amqplib puts the reply code in err.code.
function closeEvent(kind, err) {
  const code = typeof err.code === 'number' ? err.code : undefined;
  if (code !== undefined) emit({ event: kind, code, text: String(err.message) });
  else emit({ event: 'raised', why: String(err && err.message ? err.message : err) });
}

async function main() {
  let conn;
  try {
    conn = await amqp.connect(`amqp://guest:guest@${addr}/`, { timeout: 5000 });
  } catch (e) {
    emit({ event: 'raised', why: String(e && e.message ? e.message : e) });
    return finish();
  }
  let connClosedByBroker = false;
  conn.on('error', (e) => {
    connClosedByBroker = true;
    closeEvent('closed', e);
  });
  // A close the broker initiates with a "graceful" code (320 connection-forced) comes as the
  // 'close' event's argument only; other codes also come as 'error'.
  conn.on('close', (e) => {
    if (e && !connClosedByBroker) {
      connClosedByBroker = true;
      closeEvent('closed', e);
    }
    if (connClosedByBroker) finish(); else setTimeout(finish, 200);
  });
  let ch;
  try {
    ch = await conn.createChannel();
  } catch (e) {
    if (!connClosedByBroker) emit({ event: 'raised', why: String(e && e.message ? e.message : e) });
    return finish();
  }
  let channelError = null;
  ch.on('error', (e) => { channelError = e; });
  emit({ event: 'connected' });
  try {
    if (plan.op === 'publish') {
      ch.sendToQueue(plan.routing_key, Buffer.alloc(plan.body_size, 'x'));
      emit({ event: 'published' });
    } else if (plan.op === 'declare-passive') {
      try {
        await ch.checkQueue(plan.queue);
      } catch (e) {
        closeEvent('channel-closed', e);
      }
    } else if (plan.op === 'consume') {
      let got = 0;
      await ch.consume(plan.queue, (msg) => {
        if (msg === null) return;
        got += 1;
        emit({ event: 'delivered', body: msg.content.toString('latin1') });
      }, { noAck: true });
      const end = Date.now() + plan.seconds * 1000;
      while (got < plan.count && Date.now() < end && !connClosedByBroker) await sleep(50);
    } else if (plan.op === 'wait') {
      const end = Date.now() + plan.seconds * 1000;
      while (Date.now() < end && !connClosedByBroker) await sleep(50);
    }
    if (connClosedByBroker) return finish();
    if (channelError && plan.op !== 'declare-passive') closeEvent('channel-closed', channelError);
    // The idiomatic shutdown: close the channel (which flushes what it buffered), then the
    // connection.
    if (!channelError && plan.op !== 'declare-passive') await ch.close();
    await conn.close();
    emit({ event: 'done' });
  } catch (e) {
    if (!connClosedByBroker) emit({ event: 'raised', why: String(e && e.message ? e.message : e) });
  }
  finish();
}

main();
