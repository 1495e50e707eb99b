// Interop peer for codecs/tests/jsonrpc_interop.rs: a jayson server over stdin/stdout with
// newline-delimited JSON (no network). Bounded: exits at EOF or after 1000 lines.
import { createRequire } from 'node:module';
import path from 'node:path';
import readline from 'node:readline';

const require = createRequire(path.join(process.env.NODE_MODULES_DIR, 'x.js'));
const jayson = require('jayson');

const server = new jayson.Server({
  subtract: (args, cb) => cb(null, Array.isArray(args) ? args[0] - args[1] : args.minuend - args.subtrahend),
  sum: (args, cb) => cb(null, args.reduce((a, b) => a + b, 0)),
  echo: (args, cb) => cb(null, args),
  notify: (args, cb) => cb(null, null),
});

const rl = readline.createInterface({ input: process.stdin });
let seen = 0;
for await (const line of rl) {
  if (++seen > 1000) break;
  if (!line.trim()) continue;
  server.call(line, (err, res) => {
    const reply = err || res;
    if (reply !== undefined && reply !== null) process.stdout.write(JSON.stringify(reply) + '\n');
  });
}
