#!/usr/bin/env python3
"""Records a scripted pika <-> RabbitMQ session and turns it into golden vectors.

A recording TCP proxy on 127.0.0.1 (ephemeral port) sits between pika's BlockingConnection and
the broker on 127.0.0.1:5672 and keeps both byte streams. The session covers the handshake, channel
open, exchange/queue declare, bind/unbind, publish with every basic property and a headers table of
every type pika writes, basic.get/ack/nack/reject, recover, consume/deliver/cancel, publisher
confirms with a basic.return, tx select/commit/rollback, heartbeats, a body split over three body
frames (frame-max 4096), purge/delete and the closes. A second, raw-socket connection (not
recorded) publishes a message whose headers hold the field types pika cannot write (b B s u i f d D
...), so that pika has to decode them when it gets the message.

The expected documents come from pika's own decoder (pika.frame.decode_frame over the captured
bytes; field-table tags are recorded by wrapping pika.data.decode_value). Where pika's view differs
from the spec (and RabbitMQ), the expectation follows the spec and the case gets a finding.

Writes vectors/amqp/data/pika-rabbitmq-{c2s,s2c}.bin and vectors/amqp/pika-capture.json.
Determinism: fixed names and values; client properties pinned; the broker's cluster name must be
"msgwire" (run.sh sets it); heartbeat frames are kept only inside the heartbeat phase, 2 per
direction (their count elsewhere depends on timing).

    python3 capture_pika.py [--out-dir vectors/amqp]
"""

import argparse
import datetime
import decimal
import inspect
import json
import os
import select
import signal
import socket
import struct
import sys
import threading

import pika
import pika.data
import pika.frame
import pika.spec

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import probe_rabbitmq as raw  # noqa: E402  (frame helpers and the hand-made handshake)

BROKER = ("127.0.0.1", 5672)
TIME_LIMIT = 60  # seconds for the whole session
HEARTBEAT = 2  # seconds (negotiated: the smaller of pika's and the broker's)
HEARTBEATS_KEPT = 2  # per direction, inside the heartbeat phase
FRAME_MAX = 4096
BIG_BODY = bytes((i * 7 + 3) % 251 for i in range(10 * 1024))  # ~10 KiB: three body frames
Q, X, X2 = "msgwire.capture.q", "msgwire.capture.x", "msgwire.capture.x2"
CTAG = "msgwire-ctag"
SPEC = json.load(open(os.path.join(HERE, "spec091.json")))
GENERATOR = "vectors/generate/amqp/capture_pika.py"

# -------------------------------------------------------------------------------------------
# The recording proxy.


class Proxy:
    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.port = self.listener.getsockname()[1]
        self.c2s = bytearray()
        self.s2c = bytearray()
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        client, _ = self.listener.accept()
        server = socket.create_connection(BROKER)
        socks = {client: (server, self.c2s), server: (client, self.s2c)}
        open_ = {client, server}
        while open_:
            ready, _, _ = select.select(list(open_), [], [], 1.0)
            for s in ready:
                try:
                    data = s.recv(65536)
                except OSError:
                    data = b""
                peer, log = socks[s]
                if not data:
                    open_.discard(s)
                    try:
                        peer.shutdown(socket.SHUT_WR)
                    except OSError:
                        pass
                    continue
                with self.lock:
                    log.extend(data)
                peer.sendall(data)
        client.close()
        server.close()

    def marks(self):
        with self.lock:
            return len(self.c2s), len(self.s2c)


# -------------------------------------------------------------------------------------------
# The session.

EVERY_HEADER = {
    # every type pika's encoder writes (pika.data.encode_value); it has no float encoding
    "str": "grüße, ключ, 键, 🐇",
    "bytes": b"\x00\xff\x80A",
    "true": True,
    "false": False,
    "small": 7,
    "large": 2**40 + 1,
    "negative": -123456789,
    "i64-min": -(2**63),
    "decimal": decimal.Decimal("123.45"),
    "decimal-negative": decimal.Decimal("-1.5"),
    "datetime": datetime.datetime(2024, 2, 29, 12, 34, 56, tzinfo=datetime.timezone.utc),
    "none": None,
    "array": [1, "two", True, None, [3], {"k": "v"}],
    "nested": {"level1": {"level2": {"n": -1}}, "empty": {}},
}


def all_properties():
    return pika.BasicProperties(
        content_type="application/json",
        content_encoding="identity",
        headers=EVERY_HEADER,
        delivery_mode=2,
        priority=5,
        correlation_id="corr-ünï-1",
        reply_to="msgwire.replies",
        expiration="600000",
        message_id="msg-0001",
        timestamp=1700000000,
        type="msgwire.test",
        user_id="guest",  # RabbitMQ checks it against the connection's user
        app_id="msgwire-capture",
        cluster_id="msgwire-cluster",
    )


def foreign_types_table():
    """Field values pika cannot write, as (key, tag, raw bytes, spec value) — hand-encoded from
    the spec, published on a separate connection."""
    return [
        ("b-neg", "b", struct.pack(">b", -5)),
        ("B-max", "B", struct.pack(">B", 250)),
        ("s-neg", "s", struct.pack(">h", -300)),
        ("u-max", "u", struct.pack(">H", 65535)),
        ("I-neg", "I", struct.pack(">i", -70000)),
        ("i-max", "i", struct.pack(">I", 4294967295)),
        ("f", "f", struct.pack(">f", 1.5)),
        ("f-neg", "f", struct.pack(">f", -2.75)),
        ("d", "d", struct.pack(">d", 0.1)),
        ("d-big", "d", struct.pack(">d", 12345.678)),
        ("D-neg", "D", struct.pack(">Bi", 3, -1)),
        ("S-bin", "S", raw.longstr(b"\xc3\x28 not utf-8")),
        ("T", "T", struct.pack(">Q", 1700000000)),
        ("A", "A", struct.pack(">I", 7) + b"f" + struct.pack(">f", 0.5) + b"b" + struct.pack(">b", -1)),
    ]


def side_publish(body):
    """Publishes one message with the foreign-types headers to Q, on its own connection, and
    waits for the broker's confirm."""
    c, _ = raw.handshake()
    try:
        c.send(raw.method(1, 85, 10, b"\x00"))  # confirm.select
        c.expect_method(85, 11)
        flags, ptab = raw.props_headers(foreign_types_table())
        c.send(
            raw.basic_publish(1, exchange="", routing_key=Q)
            + raw.header(1, 60, len(body), flags=flags, props=ptab)
            + raw.body(1, body)
        )
        c.expect_method(60, 80)  # basic.ack
        c.send(raw.method(0, 10, 50, struct.pack(">H", 200) + raw.shortstr("bye") + struct.pack(">HH", 0, 0)))
        c.expect_method(10, 51)
    finally:
        c.close()


def session(port, marks):
    params = pika.ConnectionParameters(
        host="127.0.0.1",
        port=port,
        credentials=pika.PlainCredentials("guest", "guest"),
        heartbeat=HEARTBEAT,
        frame_max=FRAME_MAX,
        connection_attempts=1,
        socket_timeout=5,
        blocked_connection_timeout=10,
        # pika's defaults hold the Python version: pin them so the capture is the same anywhere
        client_properties={"platform": "Python", "connection_name": "msgwire-capture"},
    )
    conn = pika.BlockingConnection(params)
    ch = conn.channel()
    ch.exchange_declare(X, "direct", arguments={"x-msgwire": "ünï"})
    ch.exchange_declare(X2, "fanout", auto_delete=True)
    ch.exchange_bind(destination=X2, source=X, routing_key="to-x2")
    ch.queue_declare(Q, arguments={"x-max-priority": 10, "x-message-ttl": 600000})
    ch.queue_bind(Q, X, routing_key="rk")
    ch.basic_qos(prefetch_count=10)

    # publish with every property; get, ack
    ch.basic_publish(X, "rk", b"hello, every property", properties=all_properties())
    m, props, body = ch.basic_get(Q)
    ch.basic_ack(m.delivery_tag)

    # nack (requeue), reject (no requeue), reject (requeue), nack (no requeue), get-empty
    for i in range(3):
        ch.basic_publish("", Q, f"msg-{i}".encode())
    m, _, _ = ch.basic_get(Q)
    ch.basic_nack(m.delivery_tag, requeue=True)
    m, _, _ = ch.basic_get(Q)  # redelivered
    ch.basic_reject(m.delivery_tag, requeue=False)
    m, _, _ = ch.basic_get(Q)
    ch.basic_reject(m.delivery_tag, requeue=True)
    m, _, _ = ch.basic_get(Q)
    ch.basic_nack(m.delivery_tag, requeue=False)
    m, _, _ = ch.basic_get(Q)
    ch.basic_ack(m.delivery_tag)
    empty = ch.basic_get(Q)
    assert empty[0] is None, "queue should be empty"

    # a message with field types pika cannot write, published on another connection
    side_publish(b"foreign field types")
    m, props, body = ch.basic_get(Q, auto_ack=True)
    assert body == b"foreign field types", body

    # a body split over three body frames
    ch.basic_publish("", Q, BIG_BODY, properties=pika.BasicProperties(content_type="application/octet-stream"))
    m, _, body = ch.basic_get(Q)
    assert body == BIG_BODY
    ch.basic_recover(requeue=True)  # the unacked message goes back
    m, _, body = ch.basic_get(Q)
    ch.basic_ack(m.delivery_tag)

    # consume, deliver, cancel
    got = []
    ch.basic_consume(Q, lambda c, m, p, b: got.append(m.delivery_tag), consumer_tag=CTAG)
    ch.basic_publish("", Q, b"to the consumer")
    for _ in range(50):
        if got:
            break
        conn.process_data_events(time_limit=0.1)
    assert got, "no delivery"
    ch.basic_ack(got[0])
    ch.basic_cancel(CTAG)

    # publisher confirms, and a mandatory message that comes back (basic.return, then the ack)
    ch.confirm_delivery()
    for i in range(3):
        ch.basic_publish(X, "rk", f"confirmed-{i}".encode())
    try:
        ch.basic_publish(X, "no-such-key", b"unroutable", mandatory=True)
    except pika.exceptions.UnroutableError:
        pass
    ch.queue_purge(Q)

    # transactions on a second channel (confirm and tx exclude each other)
    tx = conn.channel()
    tx.tx_select()
    tx.basic_publish("", Q, b"committed")
    tx.tx_commit()
    tx.basic_publish("", Q, b"rolled back")
    tx.tx_rollback()
    tx.close()

    # heartbeats: nothing else happens for 2.5 intervals
    marks.append(("heartbeat-start",) + proxy_marks())
    conn.sleep(HEARTBEAT * 2.5)
    marks.append(("heartbeat-end",) + proxy_marks())

    ch.queue_unbind(Q, X, routing_key="rk")
    ch.exchange_unbind(destination=X2, source=X, routing_key="to-x2")
    ch.queue_purge(Q)
    ch.queue_delete(Q)
    ch.exchange_delete(X2)
    ch.exchange_delete(X)
    ch.close()
    conn.close()


PROXY = None


def proxy_marks():
    return PROXY.marks()


def cleanup():
    """Removes leftovers of an interrupted run (direct connection, not recorded)."""
    c, _ = raw.handshake()
    try:
        for name in (Q,):
            c.send(raw.method(1, 50, 40, struct.pack(">H", 0) + raw.shortstr(name) + b"\x00"))
            c.expect_method(50, 41)
        for name in (X2, X):
            c.send(raw.method(1, 40, 20, struct.pack(">H", 0) + raw.shortstr(name) + b"\x00"))
            c.expect_method(40, 21)
    finally:
        c.close()


# -------------------------------------------------------------------------------------------
# Splitting and normalising the streams.


def split_frames(data, start=0):
    """[(offset, bytes)] of whole frames (the protocol header counts as one)."""
    out, i = [], start
    if data[:4] == b"AMQP":
        out.append((0, bytes(data[:8])))
        i = 8
    while i < len(data):
        (size,) = struct.unpack(">I", data[i + 3 : i + 7])
        end = i + 8 + size
        if end > len(data):
            raise ValueError(f"truncated frame at {i}")
        out.append((i, bytes(data[i:end])))
        i = end
    return out


def normalise(data, hb_start, hb_end):
    """Drops heartbeat frames outside [hb_start, hb_end) and keeps the first HEARTBEATS_KEPT
    inside; checks that nothing but heartbeats crossed during the phase."""
    out, kept, seen = bytearray(), 0, 0
    for off, fr in split_frames(data):
        inside = hb_start <= off < hb_end
        if fr[0] == 8:
            if inside:
                seen += 1
                if kept < HEARTBEATS_KEPT:
                    out += fr
                    kept += 1
            continue
        if inside:
            raise RuntimeError(f"non-heartbeat frame during the heartbeat phase: {fr[:12].hex()}")
        out += fr
    if kept < HEARTBEATS_KEPT:
        raise RuntimeError(f"only {seen} heartbeat frames in the heartbeat phase")
    return bytes(out), seen


# -------------------------------------------------------------------------------------------
# pika's view → canonical JSON (docs/forms/amqp.md).


class Tagged:
    """A field value as pika decoded it, with the wire tag and, where pika is lossy, the
    spec's value from the same octets."""

    def __init__(self, tag, value, spec_value=None):
        self.tag, self.value, self.spec_value = tag, value, spec_value


ORIG_DECODE_VALUE = pika.data.decode_value


def tagged_decode_value(encoded, offset):
    tag = encoded[offset : offset + 1].decode("latin1")
    value, end = ORIG_DECODE_VALUE(encoded, offset)
    spec_value = None
    if tag == "f":
        spec_value = struct.unpack_from(">f", encoded, offset + 1)[0]
    elif tag == "d":
        spec_value = struct.unpack_from(">d", encoded, offset + 1)[0]
    return Tagged(tag, value, spec_value), end


def install_tag_recorder():
    # pika.data.decode_table and decode_value look each other up as module globals, and
    # pika.spec calls data.decode_table: wrapping decode_value records every tag, nested too.
    pika.data.decode_value = tagged_decode_value


def f32(x):
    return struct.unpack(">f", struct.pack(">f", x))[0]


def canon_float(x):
    if x != x:
        return "NaN"
    if x in (float("inf"), float("-inf")):
        return "Infinity" if x > 0 else "-Infinity"
    return x


class Findings:
    def __init__(self):
        self.items = []

    def add(self, path, pika_says, spec_says, note):
        self.items.append({"path": path, "pika": pika_says, "spec": spec_says, "note": note})


def canon_str(v, path, findings):
    # pika gives str where the octets are UTF-8 and bytes where they are not
    if isinstance(v, bytes):
        try:
            return v.decode("utf-8")
        except UnicodeDecodeError:
            return {"hex": v.hex()}
    return v


def canon_value(t, path, findings):
    tag, v = t.tag, t.value
    if tag in "fd":
        spec = f32(t.spec_value) if tag == "f" else t.spec_value
        if v != spec or type(v) is not float:
            findings.add(path, v, canon_float(spec), f"pika.data.decode_value truncates '{tag}' to an integer (long(...))")
        return canon_float(spec)
    if tag == "t":
        return bool(v)
    if tag in "bBsuUIilL":
        return int(v)
    if tag == "D":
        sign, digits, exp = v.as_tuple()
        raw_int = int("".join(map(str, digits)) or "0") * (-1 if sign else 1)
        return {"scale": -exp if exp < 0 else 0, "value": raw_int & 0xFFFFFFFF}
    if tag == "S":
        return canon_str(v, path, findings)
    if tag == "x":
        return {"hex": v.hex()}
    if tag == "T":
        return int(v.timestamp())
    if tag == "V":
        return None
    if tag == "A":
        return [[x.tag, canon_value(x, f"{path}[{i}]", findings)] for i, x in enumerate(v)]
    if tag == "F":
        return canon_table(v, path, findings)
    raise ValueError(f"tag {tag!r}")


def canon_table(d, path, findings):
    out = []
    for k, t in d.items():
        key = canon_str(k, path, findings)
        out.append([key, t.tag, canon_value(t, f"{path}.{k}", findings)])
    return out


METHODS = {}
for cls in SPEC["classes"]:
    for m in cls["methods"]:
        METHODS[(cls["id"], m["id"])] = (cls["name"], m)
PROPS = SPEC["properties"]["60"]


def canon_field(kind, v, path, findings):
    if kind == "bit":
        return bool(v)
    if kind in ("octet", "short", "long", "longlong", "timestamp"):
        return int(v)
    if kind in ("shortstr", "longstr"):
        return canon_str(v, path, findings)
    if kind == "table":
        return canon_table(v or {}, path, findings)
    raise ValueError(kind)


def pika_arg_names(obj):
    return [p for p in inspect.signature(type(obj).__init__).parameters if p != "self"]


def to_canonical(frame_bytes, findings):
    """pika's decoding of one frame → (canonical document, short name)."""
    used, fr = pika.frame.decode_frame(frame_bytes)
    if used != len(frame_bytes):
        raise RuntimeError(f"pika used {used} of {len(frame_bytes)} octets")
    if isinstance(fr, pika.frame.ProtocolHeader):
        return {"type": "protocol-header", "protocol_id": frame_bytes[4], "major": fr.major,
                "minor": fr.minor, "revision": fr.revision}, "protocol-header"
    if isinstance(fr, pika.frame.Method):
        m = fr.method
        cid, mid = m.INDEX >> 16, m.INDEX & 0xFFFF
        cname, spec_m = METHODS[(cid, mid)]
        names = pika_arg_names(m)
        if len(names) != len(spec_m["fields"]):
            raise RuntimeError(f"{m.NAME}: pika has {names}, spec {spec_m['fields']}")
        name = f"{cname}.{spec_m['name']}"
        fields = {}
        for pname, (sname, kind) in zip(names, spec_m["fields"]):
            key = sname.replace("-", "_")
            fields[key] = canon_field(kind, getattr(m, pname), f"fields.{key}", findings)
        return {"type": "method", "channel": fr.channel_number, "class_id": cid, "method_id": mid,
                "method": name, "fields": fields}, name
    if isinstance(fr, pika.frame.Header):
        class_id, weight, _ = struct.unpack_from(">HHQ", frame_bytes, 7)  # as pika.frame does
        p = fr.properties
        names = pika_arg_names(p)
        if len(names) != len(PROPS):
            raise RuntimeError("pika's BasicProperties do not match the spec's 14")
        props = {}
        for pname, (sname, kind) in zip(names, PROPS):
            v = getattr(p, pname)
            if v is None:
                continue
            key = sname.replace("-", "_")
            props[key] = canon_field(kind, v, f"properties.{key}", findings)
        return {"type": "header", "channel": fr.channel_number, "class_id": class_id, "weight": weight,
                "body_size": fr.body_size, "properties": props}, "header"
    if isinstance(fr, pika.frame.Body):
        return {"type": "body", "channel": fr.channel_number, "size": len(fr.fragment),
                "payload": canon_str(bytes(fr.fragment), "payload", findings)}, "body"
    if isinstance(fr, pika.frame.Heartbeat):
        return {"type": "heartbeat", "channel": fr.channel_number}, "heartbeat"
    raise RuntimeError(f"unexpected pika frame {fr!r}")


# -------------------------------------------------------------------------------------------


def main():
    global PROXY
    ap = argparse.ArgumentParser()
    ap.add_argument("--out-dir", default=os.path.join(HERE, "..", "..", "amqp"))
    args = ap.parse_args()
    signal.alarm(TIME_LIMIT)

    version, platform = raw.broker_version()
    conn, start = raw.handshake(open_channel=False)
    conn.close()
    start_props = raw.server_properties(start)
    # connection.start ends with the mechanisms and locales longstrs
    plain_only = start.endswith(raw.longstr("PLAIN") + raw.longstr("en_US"))
    if start_props.get("cluster_name") != "msgwire" or not plain_only:
        print(
            f"warning: the broker's cluster_name is {start_props.get('cluster_name')!r} and it offers "
            f"{'only' if plain_only else 'more than'} PLAIN: the capture will not match the committed one "
            "(run.sh pins them to 'msgwire' and PLAIN alone)",
            file=sys.stderr,
        )
    peer = f"pika {pika.__version__} <-> RabbitMQ {version} ({platform})"

    cleanup()
    PROXY = Proxy()
    marks = []
    session(PROXY.port, marks)
    PROXY.thread.join(timeout=10)
    c2s_raw, s2c_raw = bytes(PROXY.c2s), bytes(PROXY.s2c)
    (_, hb_c0, hb_s0), (_, hb_c1, hb_s1) = marks
    c2s, c2s_hb = normalise(c2s_raw, hb_c0, hb_c1)
    s2c, s2c_hb = normalise(s2c_raw, hb_s0, hb_s1)
    print(f"captured c2s {len(c2s_raw)} octets ({c2s_hb} heartbeats in phase), "
          f"s2c {len(s2c_raw)} octets ({s2c_hb} heartbeats in phase)", file=sys.stderr)

    install_tag_recorder()
    data_dir = os.path.join(args.out_dir, "data")
    os.makedirs(data_dir, exist_ok=True)
    cases, totals = [], {}
    for direction, data in (("c2s", c2s), ("s2c", s2c)):
        fname = f"pika-rabbitmq-{direction}.bin"
        with open(os.path.join(data_dir, fname), "wb") as f:
            f.write(data)
        docs, frame_cases = [], []
        for n, (_, fr) in enumerate(split_frames(data)):
            findings = Findings()
            doc, name = to_canonical(fr, findings)
            docs.append(doc)
            c = {
                "id": f"amqp/pika-capture/{direction}-{n:03d}-{name}",
                "description": f"frame {n} of the {'client-to-server' if direction == 'c2s' else 'server-to-client'} stream",
                "spec": "AMQP 0-9-1 §4.2" + (f"; {name}" if "." in name else ""),
                "verdict": "y",
                "input": {"hex": fr.hex()},
                "expect": [doc],
            }
            if findings.items:
                c["findings"] = [
                    {
                        "peer": f"pika {pika.__version__}",
                        "peer_says": {i["path"]: i["pika"] for i in findings.items},
                        "spec_says": {i["path"]: i["spec"] for i in findings.items},
                        "note": "; ".join(sorted({i["note"] for i in findings.items})),
                    }
                ]
            frame_cases.append(c)
        totals[direction] = len(docs)
        cases.append(
            {
                "id": f"amqp/pika-capture/{direction}-stream",
                "description": (
                    f"the whole {'client-to-server' if direction == 'c2s' else 'server-to-client'} stream "
                    f"({len(docs)} frames, {len(data)} octets)"
                ),
                "spec": "AMQP 0-9-1 §4.2",
                "verdict": "y",
                "stream": True,
                "input": {"file": f"data/{fname}"},
                "expect": docs,
            }
        )
        cases.extend(frame_cases)

    doc = {
        "format": "msgwire-vectors/1",
        "protocol": "amqp",
        "group": "pika-capture",
        "description": (
            "A scripted pika BlockingConnection session with RabbitMQ, recorded by a TCP proxy "
            f"(frame-max {FRAME_MAX}, heartbeat {HEARTBEAT} s): the two raw streams, and one case per frame. "
            "Expected documents are pika's decoding (pika.frame.decode_frame), corrected to the spec where "
            "pika is wrong (see findings). Heartbeat frames are kept only inside the heartbeat phase, "
            f"{HEARTBEATS_KEPT} per direction, so that re-runs give the same bytes."
        ),
        "provenance": {"peer": peer, "version": pika.__version__, "generator": GENERATOR},
        "cases": cases,
    }
    with open(os.path.join(args.out_dir, "pika-capture.json"), "w") as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write("\n")
    nf = sum(1 for c in cases if "findings" in c)
    print(f"pika-capture.json: {len(cases)} cases (c2s {totals['c2s']} frames, s2c {totals['s2c']} frames), "
          f"{nf} with findings", file=sys.stderr)


if __name__ == "__main__":
    main()
