"""msgpack-rpc-python's Server (which we did not write) for `msgwire check msgpack-rpc-server`:
one method, `echo`, which returns its single argument; the library decides every reply.

    python msgpack_rpc_python_server.py PORT    # serves tcp://127.0.0.1:PORT, prints "ready"

Needs msgpack-rpc-python 0.4.1 (msgpack-python 0.5.6, tornado 4.5.3: .ci/peers/msgpack-rpc.sh
installs them). Loopback only; exits after MSGWIRE_LIVE_LIFETIME seconds (default 600).
"""
import os
import sys
import threading

import msgpackrpc


class Handler(object):
    def echo(self, x):
        return x


lifetime = float(os.environ.get("MSGWIRE_LIVE_LIFETIME", "600"))
threading.Timer(lifetime, lambda: os._exit(0)).start()
server = msgpackrpc.Server(Handler())
server.listen(msgpackrpc.Address("127.0.0.1", int(sys.argv[1])))
print("ready", flush=True)
server.start()
