"""Python's stdlib SimpleXMLRPCServer for `msgwire check xmlrpc-server`: the eight UserLand
validator1 methods, `echo` (returns its params as an array), introspection
(system.listMethods, system.methodHelp, system.methodSignature) and system.multicall.
The same validator1 functions as codecs/tests/xmlrpc_interop.rs.

    python3 xmlrpc_python_server.py PORT      # serves http://127.0.0.1:PORT/RPC2

Loopback only; exits after MSGWIRE_LIVE_LIFETIME seconds (default 600).
"""
import os
import sys
import threading
from xmlrpc.server import SimpleXMLRPCServer


def arrayOfStructsTest(structs):
    return sum(s["curly"] for s in structs)


def countTheEntities(s):
    return {"ctLeftAngleBrackets": s.count("<"), "ctRightAngleBrackets": s.count(">"),
            "ctAmpersands": s.count("&"), "ctApostrophes": s.count("'"), "ctQuotes": s.count('"')}


def easyStructTest(s):
    return s["moe"] + s["larry"] + s["curly"]


def echoStructTest(s):
    return s


def manyTypesTest(number, boolean, string, double, dt, b64):
    return [number, boolean, string, double, dt, b64]


def moderateSizeArrayCheck(a):
    return a[0] + a[-1]


def nestedStructTest(cal):
    d = cal["2000"]["04"]["01"]
    return d["moe"] + d["larry"] + d["curly"]


def simpleStructReturnTest(n):
    return {"times10": n * 10, "times100": n * 100, "times1000": n * 1000}


server = SimpleXMLRPCServer(("127.0.0.1", int(sys.argv[1])), logRequests=False, allow_none=True,
                            use_builtin_types=True)
for f in (arrayOfStructsTest, countTheEntities, easyStructTest, echoStructTest, manyTypesTest,
          moderateSizeArrayCheck, nestedStructTest, simpleStructReturnTest):
    server.register_function(f, "validator1." + f.__name__)
server.register_function(lambda *a: list(a), "echo")
server.register_introspection_functions()
server.register_multicall_functions()
threading.Timer(float(os.environ.get("MSGWIRE_LIVE_LIFETIME", "600")), server.shutdown).start()
print(f"SimpleXMLRPCServer listening on http://127.0.0.1:{server.server_address[1]}/RPC2", flush=True)
server.serve_forever()
