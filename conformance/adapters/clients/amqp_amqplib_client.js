// msgwire client-suite driver for amqplib (Node, the promise API).
//
// The driver contract (conformance/README.md): argv SCENARIO HOST:PORT, the plan in
// $MSGWIRE_PLAN; one JSON object per line on stdout saying what the library surfaced; exit 0.
// AMQP plans: {"op": "close" | "publish" | "confirm-publish" | "declare-passive" | "consume" |
// "consume-two" | "wait", ...}
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
  conn.on('blocked', (reason) => emit({ event: 'blocked', reason: String(reason) }));
  conn.on('unblocked', () => emit({ event: 'unblocked' }));
  let ch;
  try {
    // Publisher confirms need a ConfirmChannel (confirm.select when it opens).
    ch = plan.op === 'confirm-publish' ? await conn.createConfirmChannel() : await conn.createChannel();
  } catch (e) {
    if (!connClosedByBroker) emit({ event: 'raised', why: String(e && e.message ? e.message : e) });
    return finish();
  }
  let channelError = null;
  ch.on('error', (e) => { channelError = e; });
  let returned = 0;
  ch.on('return', (msg) => {
    returned += 1;
    emit({ event: 'returned', code: msg.fields.replyCode, body: msg.content.toString('latin1') });
  });
  emit({ event: 'connected' });
  const channels = [ch];
  try {
    if (plan.op === 'publish') {
      ch.sendToQueue(plan.routing_key, Buffer.alloc(plan.body_size, 'x'), { mandatory: !!plan.mandatory });
      emit({ event: 'published' });
      if (plan.mandatory) {
        const end = Date.now() + plan.seconds * 1000;
        while (returned === 0 && Date.now() < end && !connClosedByBroker) await sleep(50);
      }
    } else if (plan.op === 'confirm-publish') {
      let confirmed = 0;
      for (let i = 1; i <= plan.count; i++) {
        ch.sendToQueue(plan.routing_key, Buffer.from('m' + i), {}, (err) => {
          confirmed += 1;
          emit({ event: 'confirmed', tag: i, ack: !err });
        });
      }
      const end = Date.now() + plan.seconds * 1000;
      while (confirmed < plan.count && Date.now() < end && !connClosedByBroker) await sleep(50);
    } else if (plan.op === 'consume-two') {
      const ch2 = await conn.createChannel();
      channels.push(ch2);
      let got = 0;
      const [qa, qb] = plan.queues;
      for (const [c, q] of [[ch, qa], [ch2, qb]]) {
        await c.consume(q, (msg) => {
          if (msg === null) return emit({ event: 'cancelled' });
          got += 1;
          emit({ event: 'delivered', queue: q, body: msg.content.toString('latin1') });
        }, { noAck: true });
      }
      const end = Date.now() + plan.seconds * 1000;
      while (got < 2 && Date.now() < end && !connClosedByBroker) await sleep(50);
    } else if (plan.op === 'declare-passive') {
      try {
        await ch.checkQueue(plan.queue);
      } catch (e) {
        closeEvent('channel-closed', e);
      }
    } else if (plan.op === 'consume') {
      let got = 0;
      await ch.consume(plan.queue, (msg) => {
        // amqplib hands the consumer null when the broker cancelled it.
        if (msg === null) return emit({ event: 'cancelled' });
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
    if (!channelError && plan.op !== 'declare-passive') {
      for (const c of channels.reverse()) await c.close();
    }
    await conn.close();
    emit({ event: 'done' });
  } catch (e) {
    if (!connClosedByBroker) emit({ event: 'raised', why: String(e && e.message ? e.message : e) });
  }
  finish();
}

main();
