#!/usr/bin/env python3
"""msgwire client-suite driver for jsonrpcclient (Python) over requests.

The driver contract (conformance/README.md): argv SCENARIO HOST:PORT, the plan in
$MSGWIRE_PLAN, the server at $MSGWIRE_URL; one JSON object per line on stdout saying what the
library surfaced; exit 0. jsonrpcclient builds the requests and parses the responses; it
hands the application each response with its id and leaves matching to it, so results and
errors are reported under the response's id ("id"), never under a call index.
"""
import json
import os
import sys


def finite(v):
    if isinstance(v, float) and v != v or v in (float("inf"), float("-inf")):
        return None
    if isinstance(v, dict):
        return {k: finite(x) for k, x in v.items()}
    if isinstance(v, list):
        return [finite(x) for x in v]
    return v


def emit(**event):
    # Printing a deeply nested result needs Python's recursion limit raised for the
    # driver's own json.dumps only (the library parsed it under the default limit).
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(max(old, 20000))
    try:
        try:
            line = json.dumps(event, allow_nan=False)
        except ValueError:
            # A number past a double's range reaches the library as an infinity; JSON has no
            # form for it, so it is printed as null, as JSON.stringify prints it.
            line = json.dumps(finite(event), allow_nan=False)
    finally:
        sys.setrecursionlimit(old)
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def main():
    scenario = sys.argv[1]
    if scenario == "hello":
        import importlib.metadata as m

        emit(
            event="hello",
            library="jsonrpcclient",
            version="%s (requests %s)" % (m.version("jsonrpcclient"), m.version("requests")),
        )
        return
    import requests
    from jsonrpcclient import Error, Ok, notification, parse, request

    plan = json.loads(os.environ["MSGWIRE_PLAN"])
    url = os.environ["MSGWIRE_URL"]
    calls = plan["calls"]

    def build(c):
        params = c.get("params")
        if isinstance(params, list):
            params = tuple(params)
        if c.get("notify"):
            return notification(c["method"], params)
        return request(c["method"], params)

    objs = [build(c) for c in calls]
    body = objs if plan.get("batch") else objs[0]
    try:
        resp = requests.post(url, json=body, timeout=60)
        resp.raise_for_status()
    except Exception as e:  # the library's transport raised: the application sees it
        emit(event="raised", why="%s: %s" % (type(e).__name__, e))
        return
    for i, c in enumerate(calls):
        if c.get("notify"):
            emit(event="sent", call=i)
    if all(c.get("notify") for c in calls):
        return  # nothing to read for notifications only
    try:
        parsed = parse(resp.json())
        # A batch parses to an iterator (map) of responses.
        parsed = [parsed] if isinstance(parsed, (Ok, Error)) else list(parsed)
    except BaseException as e:  # RecursionError, ValueError, KeyError...
        emit(event="raised", why="%s: %s" % (type(e).__name__, e))
        return
    for r in parsed:
        if isinstance(r, Ok):
            emit(event="result", id=r.id, value=r.result)
        else:
            emit(event="error", id=r.id, code=r.code, message=r.message, data=r.data)


main()
