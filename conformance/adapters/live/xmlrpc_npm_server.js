// The `xmlrpc` npm package's server (which we did not write) for `msgwire check xmlrpc-server`:
// the eight validator1 methods and `echo` (returns its params as an array). The package has no
// introspection or multicall; an unknown method raises its 'NotFound' event, which we log only
// (the package decides what, if anything, goes back).
//
//   NODE_PATH=/tmp/.../node_modules node xmlrpc_npm_server.js PORT   # http://127.0.0.1:PORT/
//
// Loopback only; exits after MSGWIRE_LIVE_LIFETIME seconds (default 600).
'use strict';
const xmlrpc = require('xmlrpc');

const port = Number(process.argv[2]);
const server = xmlrpc.createServer({ host: '127.0.0.1', port }, () => {
  console.log(`xmlrpc (npm) listening on http://127.0.0.1:${port}/`);
});
const sum3 = (s) => s.moe + s.larry + s.curly;
const methods = {
  echo: (params) => params,
  'validator1.arrayOfStructsTest': ([a]) => a.reduce((t, s) => t + s.curly, 0),
  'validator1.countTheEntities': ([s]) => {
    const n = (c) => s.split(c).length - 1;
    return {
      ctLeftAngleBrackets: n('<'), ctRightAngleBrackets: n('>'), ctAmpersands: n('&'),
      ctApostrophes: n("'"), ctQuotes: n('"'),
    };
  },
  'validator1.easyStructTest': ([s]) => sum3(s),
  'validator1.echoStructTest': ([s]) => s,
  'validator1.manyTypesTest': (params) => params,
  'validator1.moderateSizeArrayCheck': ([a]) => a[0] + a[a.length - 1],
  'validator1.nestedStructTest': ([c]) => sum3(c['2000']['04']['01']),
  'validator1.simpleStructReturnTest': ([n]) => ({ times10: n * 10, times100: n * 100, times1000: n * 1000 }),
};
for (const [name, f] of Object.entries(methods)) {
  server.on(name, (err, params, callback) => {
    if (err) return callback(err);
    try {
      callback(null, f(params));
    } catch (e) {
      callback({ faultCode: 1, faultString: String(e) });
    }
  });
}
server.on('NotFound', (method) => {
  console.error(`NotFound: ${method}`);
});
const lifetime = Number(process.env.MSGWIRE_LIVE_LIFETIME || 600);
setTimeout(() => process.exit(0), lifetime * 1000).unref();
