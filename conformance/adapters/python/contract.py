"""The msgwire adapter contract (conformance/README.md) for Python adapters.

An adapter module defines ``decode(protocol, profile, data) -> list`` (canonical documents;
raise ``Rejected`` when the peer rejects the input, ``Unsupported`` for a protocol it does not
handle) and ``encode(protocol, profile, docs) -> bytes``, then calls ``main(decode, encode)``.
``main`` handles ``decode|encode <protocol>`` (one-shot) and ``serve`` (persistent).
Written for msgwire; no code copied from the peers.
"""
import json
import os
import sys
import traceback

EXIT_OK, EXIT_REJECTED, EXIT_CRASH, EXIT_UNSUPPORTED = 0, 1, 2, 3


def _crash(kind, value, tb):
    # Python exits 1 on an uncaught exception, which the contract reads as "rejected": an
    # adapter failure (a missing peer, a bug) must be a crash instead.
    traceback.print_exception(kind, value, tb)
    sys.stderr.flush()
    os._exit(EXIT_CRASH)


sys.excepthook = _crash


class Rejected(Exception):
    """The peer rejected the input (or refused to encode)."""

    def __init__(self, message, kind=None, code=None, offset=None, docs=()):
        super().__init__(message)
        self.kind, self.code, self.offset, self.docs = kind, code, offset, list(docs)

    def error(self):
        e = {"message": str(self)}
        if self.kind is not None:
            e["kind"] = self.kind
        if self.code is not None:
            e["code"] = self.code
        if self.offset is not None:
            e["offset"] = self.offset
        return e


class Unsupported(Exception):
    """This protocol or direction is not supported by the peer."""


def dumps(doc):
    s = json.dumps(doc, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate (json.loads reads "\udf00" as one) has no UTF-8: written escaped, as
        # JSON allows (RFC 8259 §8.2); the runner reads the escape as U+FFFD.
        s = json.dumps(doc, ensure_ascii=True, allow_nan=False, separators=(",", ":"))
    return s


def _answer(req, decode, encode):
    op, protocol = req.get("op"), req.get("protocol")
    profile = req.get("profile") or "strict"
    try:
        if op == "decode":
            return {"docs": decode(protocol, profile, bytes.fromhex(req["input"]))}
        if op == "encode":
            return {"output": encode(protocol, profile, req["docs"]).hex()}
        return {"crash": "unknown op %r" % op}
    except Unsupported as e:
        return {"unsupported": str(e)}
    except Rejected as e:
        return {"docs": e.docs, "error": e.error()}


def main(decode, encode):
    args = sys.argv[1:]
    if args[:1] == ["serve"]:
        for line in sys.stdin:
            if not line.strip():
                continue
            try:
                out = (dumps(_answer(json.loads(line), decode, encode)) + "\n").encode("utf-8")
            except Exception:  # an adapter bug (or a lone surrogate): the runner reports a crash
                out = (dumps({"crash": traceback.format_exc(limit=3)}) + "\n").encode("utf-8", "replace")
            sys.stdout.buffer.write(out)
            sys.stdout.flush()
        return
    if len(args) != 2 or args[0] not in ("decode", "encode"):
        sys.stderr.write("usage: %s decode|encode <protocol> | serve\n" % sys.argv[0])
        sys.exit(EXIT_CRASH)
    op, protocol = args
    profile = os.environ.get("MSGWIRE_PROFILE") or "strict"
    data = sys.stdin.buffer.read()
    try:
        if op == "decode":
            for doc in decode(protocol, profile, data):
                sys.stdout.write(dumps(doc) + "\n")
        else:
            docs = [json.loads(l) for l in data.decode("utf-8").splitlines() if l.strip()]
            sys.stdout.buffer.write(encode(protocol, profile, docs))
    except Unsupported as e:
        sys.stderr.write("unsupported: %s\n" % e)
        sys.exit(EXIT_UNSUPPORTED)
    except Rejected as e:
        for doc in e.docs:
            sys.stdout.write(dumps(doc) + "\n")
        sys.stdout.write(dumps({"error": e.error()}) + "\n")
        sys.stderr.write("rejected: %s\n" % e)
        sys.stdout.flush()
        sys.exit(EXIT_REJECTED)
    sys.stdout.flush()
