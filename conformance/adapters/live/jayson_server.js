// A JSON-RPC 2.0 server for `msgwire check jsonrpc-server`, built on jayson (which we did not
// write): the same jayson.Server behind its own TCP (newline-delimited) and HTTP transports.
//
//   NODE_PATH=/tmp/.../node_modules node jayson_server.js TCP_PORT HTTP_PORT
//
// One method, `echo`, returning its positional params as an array. Loopback only; exits after
// MSGWIRE_LIVE_LIFETIME seconds (default 600).
'use strict';
const jayson = require('jayson');

const [tcpPort, httpPort] = process.argv.slice(2).map(Number);
const server = new jayson.Server({
  echo(args, callback) {
    callback(null, args);
  },
});
server.tcp().listen(tcpPort, '127.0.0.1', () => {
  console.log(`jayson listening on tcp://127.0.0.1:${tcpPort}`);
});
server.http().listen(httpPort, '127.0.0.1', () => {
  console.log(`jayson listening on http://127.0.0.1:${httpPort}/`);
});
const lifetime = Number(process.env.MSGWIRE_LIVE_LIFETIME || 600);
setTimeout(() => process.exit(0), lifetime * 1000).unref();
