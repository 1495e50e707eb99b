"""A JSON-RPC 2.0 server for `msgwire check jsonrpc-server`, built on a Python library we did
not write: `json-rpc` (JSONRPCResponseManager) or `jsonrpcserver` (dispatch).

    python3 jsonrpc_python_server.py json-rpc|jsonrpcserver http PORT   # HTTP POST on 127.0.0.1
    python3 jsonrpc_python_server.py json-rpc|jsonrpcserver stdio       # NDJSON on stdin/stdout

The wrapper only moves bytes: the library decides every reply. HTTP: the body goes to the
library; an empty answer (notifications) is sent as 204 No Content, anything else as 200
application/json. One method is offered, `echo`, returning its positional params as an array.
Bounded: the HTTP server exits after LIFETIME seconds (env MSGWIRE_LIVE_LIFETIME, default 600)
or 5000 requests; loopback only.
"""
import os
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

LIB = sys.argv[1]

if LIB == "json-rpc":
    from jsonrpc import JSONRPCResponseManager, dispatcher

    dispatcher["echo"] = lambda *args: list(args)

    def handle(text):
        response = JSONRPCResponseManager.handle(text, dispatcher)
        return "" if response is None else response.json

elif LIB == "jsonrpcserver":
    from jsonrpcserver import Success, dispatch, method

    @method(name="echo")
    def echo(*args):
        return Success(list(args))

    def handle(text):
        return dispatch(text)

else:
    sys.exit(f"unknown library {LIB!r} (json-rpc, jsonrpcserver)")

MAX_BODY = 64 << 20


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        if n > MAX_BODY:
            self.send_error(413)
            return
        body = self.rfile.read(n).decode("utf-8", "surrogateescape")
        try:
            answer = handle(body)
        except BaseException as e:  # the library raised: say so, as a web framework would
            data = f"{type(e).__name__}: {e}".encode()[:500]
            self.send_response(500)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
            return
        if not answer:
            self.send_response(204)
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        data = answer.encode("utf-8", "surrogateescape")
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def serve_http(port):
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    lifetime = float(os.environ.get("MSGWIRE_LIVE_LIFETIME", "600"))
    threading.Timer(lifetime, server.shutdown).start()
    print(f"{LIB} listening on http://127.0.0.1:{server.server_address[1]}/", flush=True)
    server.serve_forever()


def serve_stdio():
    # A reply may be several lines only if the library pretty-prints: it does not.
    for n, line in enumerate(sys.stdin):
        if n >= 5000:
            break
        if not line.strip():
            continue
        answer = handle(line)
        if answer:
            sys.stdout.write(answer.replace("\n", " ") + "\n")
            sys.stdout.flush()


if sys.argv[2] == "http":
    serve_http(int(sys.argv[3]))
elif sys.argv[2] == "stdio":
    serve_stdio()
else:
    sys.exit("usage: jsonrpc_python_server.py LIB http PORT | LIB stdio")
