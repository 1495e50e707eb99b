// A JSON-RPC 2.0 server for `msgwire check jsonrpc-server`, built on the json-rpc-2.0 npm package
// (which we did not write): its JSONRPCServer behind Node's http module, the way the package's
// README serves it (POST body → server.receiveJSON → 200 with the JSON reply, or 204 when the
// package returns no reply).
//
//   NODE_PATH=/tmp/.../node_modules node json_rpc_2_server.js HTTP_PORT
//
// One method, `echo`, returning its params. Loopback only; exits after MSGWIRE_LIVE_LIFETIME
// seconds (default 600).
'use strict';
const http = require('http');
const { JSONRPCServer } = require('json-rpc-2.0');

const port = Number(process.argv[2]);
const server = new JSONRPCServer();
server.addMethod('echo', (params) => params);

http
  .createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      server.receiveJSON(Buffer.concat(chunks).toString('utf8')).then(
        (reply) => {
          if (reply) {
            let body;
            try {
              body = JSON.stringify(reply);
            } catch (e) {
              // A reply too deep for JSON.stringify (the wrapper's part, not the package's).
              console.error(`JSON.stringify failed: ${e}`);
              res.writeHead(500);
              res.end();
              return;
            }
            res.writeHead(200, { 'Content-Type': 'application/json' });
            res.end(body);
          } else {
            res.writeHead(204);
            res.end();
          }
        },
        (e) => {
          // The package's promise rejected: nothing it could answer. Say so, as a plain 500.
          console.error(`receiveJSON rejected: ${e}`);
          res.writeHead(500);
          res.end();
        },
      );
    });
  })
  .listen(port, '127.0.0.1', () => console.log(`json-rpc-2.0 listening on http://127.0.0.1:${port}/`));
const lifetime = Number(process.env.MSGWIRE_LIVE_LIFETIME || 600);
setTimeout(() => process.exit(0), lifetime * 1000).unref();
