#!/usr/bin/env python3
"""msgwire client-suite driver for msgpack-rpc-python's Client (0.4.1, on tornado 4).

The driver contract (conformance/README.md): argv SCENARIO HOST:PORT, the plan in
$MSGWIRE_PLAN ({"calls": [{"method", "params"}...], "notify": bool}, see
conformance/src/live/msgpack_rpc_client.rs); one JSON object per line on stdout; exit 0.
Calls go out together (call_async), then each future is awaited.
"""
import json
import os
import sys


def emit(**event):
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def plain(v):
    """msgpack values as JSON (bytes that are not UTF-8 as {"bin": hex})."""
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        # No JSON number: the contract has no form for it (msgwire does not judge it).
        return {"float": repr(v)}
    if isinstance(v, tuple) and hasattr(v, "code") and hasattr(v, "data"):
        # msgpack's ExtType(code, data).
        return {"ext": v.code, "data": bytes(v.data).hex()}
    if isinstance(v, bytes):
        try:
            return v.decode("utf-8")
        except UnicodeDecodeError:
            return {"bin": v.hex()}
    if isinstance(v, (list, tuple)):
        return [plain(x) for x in v]
    if isinstance(v, dict):
        return {str(plain(k)): plain(x) for k, x in v.items()}
    return v


def main():
    scenario, addr = sys.argv[1], sys.argv[2]
    if scenario == "hello":
        import importlib.metadata as m

        emit(event="hello", library="msgpack-rpc-python",
             version="%s (msgpack-python %s, tornado %s)" % (m.version("msgpack-rpc-python"), m.version("msgpack-python"), m.version("tornado")))
        return
    import msgpackrpc
    from msgpackrpc import error as rpc_error

    plan = json.loads(os.environ["MSGWIRE_PLAN"])
    host, port = addr.rsplit(":", 1)
    client = msgpackrpc.Client(msgpackrpc.Address(host, int(port)), timeout=3, unpack_encoding="utf-8")
    try:
        if plan.get("notify"):
            c = plan["calls"][0]
            client.notify(c["method"], *c["params"])
            emit(event="sent")
            return
        futures = [client.call_async(c["method"], *c["params"]) for c in plan["calls"]]
        for i, f in enumerate(futures):
            f.join()
            err = f.error
            if isinstance(err, rpc_error.TimeoutError) or err == "Request timed out":
                emit(event="raised", call=i, why="timeout: %s" % err)
            elif err is not None:
                emit(event="error", call=i, error=plain(err))
            else:
                emit(event="result", call=i, value=plain(f.result))
    except Exception as e:  # noqa: BLE001 - whatever the library raised is an event
        emit(event="raised", why="%s: %r" % (type(e).__name__, e))
    finally:
        try:
            client.close()
        except Exception:  # noqa: BLE001
            pass


main()
