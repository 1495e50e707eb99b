#!/usr/bin/env python3
"""msgwire client-suite driver for pynvim (Neovim's Python client) over TCP.

The driver contract (conformance/README.md): argv SCENARIO HOST:PORT, the plan in
$MSGWIRE_PLAN ({"calls": [{"method", "params"}...], "notify": bool}, see
conformance/src/live/msgpack_rpc_client.rs); one JSON object per line on stdout; exit 0.
pynvim attaches with nvim_get_api_info (msgwire answers it like Neovim) and raises a response's
error as NvimError(error[1]): the driver reports the error it surfaced, its message. One call is
a blocking nvim.request; several are made the way pynvim runs concurrent work (as its remote
plugin host does): nvim.run_loop, with each call on a greenlet of its own started from the
setup callback, so that all are outstanding together; server notifications are reported, and a
server request is answered with its arguments.
"""
import json
import os
import sys


def emit(**event):
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def plain(v):
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


def call(nvim, i, c):
    try:
        result = nvim.request(c["method"], *c["params"])
        emit(event="result", call=i, value=plain(result))
    except pynvim_error() as e:
        emit(event="error", call=i, error=plain(e.args[0] if e.args else str(e)))
    except Exception as e:  # noqa: BLE001 - whatever the library raised is an event
        emit(event="raised", call=i, why="%s: %s" % (type(e).__name__, e))


def pynvim_error():
    import pynvim

    return pynvim.NvimError


def concurrent(nvim, calls):
    import greenlet

    left = [len(calls)]

    def one(i, c):
        call(nvim, i, c)
        left[0] -= 1
        if left[0] == 0:
            nvim.stop_loop()

    def setup():
        # Each greenlet sends its request and yields back here: all are outstanding together.
        for i, c in enumerate(calls):
            greenlet.greenlet(lambda i=i, c=c: one(i, c)).switch()

    def on_notification(name, args):
        emit(event="notification", method=plain(name), params=plain(args))

    def on_request(_name, args):
        return args

    try:
        nvim.run_loop(on_request, on_notification, setup)
    except Exception as e:  # noqa: BLE001
        emit(event="raised", why="%s: %s" % (type(e).__name__, e))


def main():
    scenario, addr = sys.argv[1], sys.argv[2]
    if scenario == "hello":
        import importlib.metadata as m

        emit(event="hello", library="pynvim", version="%s (msgpack %s, greenlet %s)" % (m.version("pynvim"), m.version("msgpack"), m.version("greenlet")))
        return
    plan = json.loads(os.environ["MSGWIRE_PLAN"])
    import pynvim

    host, port = addr.rsplit(":", 1)
    try:
        nvim = pynvim.attach("tcp", address=host, port=int(port))
    except Exception as e:  # noqa: BLE001
        emit(event="raised", why="attach: %s: %s" % (type(e).__name__, e))
        return
    if not plan.get("notify") and len(plan["calls"]) > 1:
        try:
            concurrent(nvim, plan["calls"])
        finally:
            try:
                nvim.close()
            except Exception:  # noqa: BLE001
                pass
        return
    c = plan["calls"][0]
    try:
        if plan.get("notify"):
            nvim.request(c["method"], *c["params"], async_=True)
            emit(event="sent")
        else:
            result = nvim.request(c["method"], *c["params"])
            emit(event="result", call=0, value=plain(result))
    except pynvim.NvimError as e:
        emit(event="error", call=0, error=plain(e.args[0] if e.args else str(e)))
    except Exception as e:  # noqa: BLE001 - whatever the library raised is an event
        emit(event="raised", call=0, why="%s: %s" % (type(e).__name__, e))
    finally:
        try:
            nvim.close()
        except Exception:  # noqa: BLE001
            pass


main()
