// The msgwire adapter contract (conformance/README.md) for Node adapters.
//
// An adapter defines decode(protocol, profile, bytes) -> documents (throw Rejected when the peer
// rejects the input, Unsupported for a protocol/profile it does not handle) and
// encode(protocol, profile, docs) -> Buffer, then calls main(decode, encode), which handles
// `decode|encode <protocol>` (one-shot) and `serve` (persistent). Written for msgwire.
'use strict';

const EXIT_REJECTED = 1;
const EXIT_CRASH = 2;
const EXIT_UNSUPPORTED = 3;

class Rejected extends Error {
  constructor(message, { kind, code, offset, docs } = {}) {
    super(message);
    this.kind = kind;
    this.code = code;
    this.offset = offset;
    this.docs = docs || [];
  }
  error() {
    const e = { message: this.message };
    if (this.kind !== undefined) e.kind = this.kind;
    if (this.code !== undefined) e.code = this.code;
    if (this.offset !== undefined) e.offset = this.offset;
    return e;
  }
}

class Unsupported extends Error {}

// Node exits 1 on an uncaught exception, which the contract reads as "rejected": an adapter
// failure (a missing peer, a bug) must be a crash instead.
for (const ev of ['uncaughtException', 'unhandledRejection']) process.on(ev, (e) => {
  process.stderr.write(`${(e && e.stack) || e}\n`);
  process.exit(EXIT_CRASH);
});

// JSON with bigints written as integers.
function dumps(v) {
  return JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? `@@big:${x}@@` : x))
    .replace(/"@@big:(-?\d+)@@"/g, '$1');
}

// decode/encode may return a value or a Promise (for peers whose parsers are asynchronous).
async function answer(req, decode, encode) {
  try {
    if (req.op === 'decode') return { docs: await decode(req.protocol, req.profile || 'strict', Buffer.from(req.input, 'hex')) };
    if (req.op === 'encode') return { output: Buffer.from(await encode(req.protocol, req.profile || 'strict', req.docs)).toString('hex') };
    return { crash: `unknown op ${req.op}` };
  } catch (e) {
    if (e instanceof Unsupported) return { unsupported: e.message };
    if (e instanceof Rejected) return { docs: e.docs, error: e.error() };
    return { crash: String((e && e.stack) || e) };
  }
}

function readStdin() {
  const chunks = [];
  const fs = require('fs');
  const buf = Buffer.alloc(1 << 16);
  for (;;) {
    let n;
    try {
      n = fs.readSync(0, buf, 0, buf.length, null);
    } catch (e) {
      if (e.code === 'EAGAIN') continue;
      if (e.code === 'EOF') break;
      throw e;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks);
}

async function main(decode, encode) {
  const args = process.argv.slice(2);
  if (args[0] === 'serve') {
    // One answer per request line, in order.
    const rl = require('readline').createInterface({ input: process.stdin, terminal: false });
    for await (const line of rl) {
      if (!line.trim()) continue;
      let a;
      try {
        a = await answer(JSON.parse(line), decode, encode);
      } catch (e) {
        a = { crash: String(e) };
      }
      process.stdout.write(dumps(a) + '\n');
    }
    return;
  }
  if (args.length !== 2 || !['decode', 'encode'].includes(args[0])) {
    process.stderr.write('usage: adapter decode|encode <protocol> | serve\n');
    process.exit(EXIT_CRASH);
  }
  const [op, protocol] = args;
  const profile = process.env.MSGWIRE_PROFILE || 'strict';
  const input = readStdin();
  try {
    if (op === 'decode') {
      const docs = await decode(protocol, profile, input);
      process.stdout.write(docs.map((d) => dumps(d) + '\n').join(''));
    } else {
      const docs = input.toString('utf8').split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l));
      process.stdout.write(Buffer.from(await encode(protocol, profile, docs)));
    }
  } catch (e) {
    if (e instanceof Unsupported) {
      process.stderr.write(`unsupported: ${e.message}\n`);
      process.exitCode = EXIT_UNSUPPORTED;
      return;
    }
    if (e instanceof Rejected) {
      process.stdout.write(e.docs.map((d) => dumps(d) + '\n').join('') + dumps({ error: e.error() }) + '\n');
      process.stderr.write(`rejected: ${e.message}\n`);
      process.exitCode = EXIT_REJECTED;
      return;
    }
    throw e;
  }
}

module.exports = { Rejected, Unsupported, main, dumps };
