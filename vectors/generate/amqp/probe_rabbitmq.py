#!/usr/bin/env python3
"""Asks a live RabbitMQ what it does with malformed AMQP 0-9-1 input.

For each case: a fresh TCP connection to 127.0.0.1:5672, the handshake done by hand (protocol
header, connection.start-ok PLAIN guest/guest, tune-ok, connection.open, channel.open 1), then
exactly one malformed frame (or one method+header+body sequence), and the broker's answer is
recorded: connection.close / channel.close (reply code, text, class, method), a bare socket close,
or silence. Where the broker says nothing within the timeout, a basic.qos on channel 1 tells
whether it took the frame without complaint (basic.qos-ok comes back).

Writes vectors/amqp/rabbitmq-verdicts.json (one `n` case per malformed input) and prints a
Markdown table of the results (README.md "RabbitMQ's verdicts" is made from it).

Standard library only. Bounded: every read has a timeout, ~40 connections in all.

    python3 probe_rabbitmq.py [--out vectors/amqp/rabbitmq-verdicts.json] [--table FILE]
"""

import argparse
import json
import os
import re
import socket
import struct
import sys
import time

HOST, PORT = "127.0.0.1", 5672
FRAME_MAX = 131072  # what we answer in tune-ok (RabbitMQ's default offer)
TIMEOUT = 3.0  # seconds to wait for the broker's answer to the malformed input
FRAME_END = 0xCE

# -------------------------------------------------------------------------------------------
# Encoding helpers (written from the spec, AMQP 0-9-1 §4.2).


def frame(ftype, channel, payload, end=FRAME_END):
    return struct.pack(">BHI", ftype, channel, len(payload)) + payload + bytes([end])


def shortstr(s):
    b = s.encode() if isinstance(s, str) else s
    return bytes([len(b)]) + b


def longstr(s):
    b = s.encode() if isinstance(s, str) else s
    return struct.pack(">I", len(b)) + b


def table(entries):
    """entries: list of (key, tag, raw value bytes)."""
    body = b"".join(shortstr(k) + tag.encode() + raw for k, tag, raw in entries)
    return struct.pack(">I", len(body)) + body


def method(channel, class_id, method_id, args=b""):
    return frame(1, channel, struct.pack(">HH", class_id, method_id) + args)


def header(channel, class_id, body_size, flags=0, props=b"", weight=0):
    return frame(2, channel, struct.pack(">HHQH", class_id, weight, body_size, flags) + props)


def body(channel, data):
    return frame(3, channel, data)


def basic_publish(channel, exchange="", routing_key="msgwire-probe"):
    # reserved-1 short, exchange shortstr, routing-key shortstr, mandatory+immediate bits
    return method(channel, 60, 40, struct.pack(">H", 0) + shortstr(exchange) + shortstr(routing_key) + b"\x00")


def basic_qos(channel, prefetch_size=0, prefetch_count=0, global_=False):
    return method(channel, 60, 10, struct.pack(">IHB", prefetch_size, prefetch_count, int(global_)))


# -------------------------------------------------------------------------------------------
# Reading frames.


class Closed(Exception):
    pass


class Conn:
    def __init__(self):
        self.sock = socket.create_connection((HOST, PORT), timeout=5)
        self.buf = b""

    def send(self, data):
        self.sock.sendall(data)

    def _fill(self, n, deadline):
        while len(self.buf) < n:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError
            self.sock.settimeout(left)
            try:
                chunk = self.sock.recv(65536)
            except socket.timeout:
                raise TimeoutError
            except ConnectionResetError:
                raise Closed("reset")
            if not chunk:
                raise Closed("eof")
            self.buf += chunk

    def read_raw(self, timeout):
        """Whatever arrives until EOF or timeout (for protocol-header probes)."""
        deadline = time.monotonic() + timeout
        out = b""
        try:
            while True:
                self._fill(len(self.buf) + 1, deadline)
        except (TimeoutError, Closed) as e:
            out, self.buf = self.buf, b""
            return out, ("eof" if isinstance(e, Closed) else "timeout")

    def read_frame(self, timeout):
        deadline = time.monotonic() + timeout
        self._fill(7, deadline)
        ftype, ch, size = struct.unpack(">BHI", self.buf[:7])
        self._fill(7 + size + 1, deadline)
        payload = self.buf[7 : 7 + size]
        self.buf = self.buf[7 + size + 1 :]
        return ftype, ch, payload

    def expect_method(self, class_id, method_id, timeout=5):
        while True:
            ftype, ch, payload = self.read_frame(timeout)
            if ftype == 8:
                continue
            cid, mid = struct.unpack(">HH", payload[:4])
            if (cid, mid) != (class_id, method_id):
                raise RuntimeError(f"handshake: expected {class_id}.{method_id}, got {cid}.{mid} {payload!r}")
            return payload[4:]

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass


def handshake(open_channel=True):
    c = Conn()
    c.send(b"AMQP\x00\x00\x09\x01")
    start = c.expect_method(10, 10)
    props = table([("product", "S", longstr("msgwire-probe"))])
    c.send(method(0, 10, 11, props + shortstr("PLAIN") + longstr(b"\x00guest\x00guest") + shortstr("en_US")))
    tune = c.expect_method(10, 30)
    channel_max, _frame_max, _hb = struct.unpack(">HIH", tune[:8])
    c.send(method(0, 10, 31, struct.pack(">HIH", channel_max, FRAME_MAX, 0)))
    c.send(method(0, 10, 40, shortstr("/") + shortstr("") + b"\x00"))
    c.expect_method(10, 41)
    if open_channel:
        c.send(method(1, 20, 10, shortstr("")))
        c.expect_method(20, 11)
    return c, start


def server_properties(start_payload):
    """(version, erlang) from connection.start's server-properties, parsed just enough."""
    p = start_payload[2:]  # version-major, version-minor
    (tlen,) = struct.unpack(">I", p[:4])
    t, i, out = p[4 : 4 + tlen], 0, {}
    while i < len(t):
        klen = t[i]
        key = t[i + 1 : i + 1 + klen].decode()
        i += 1 + klen
        tag = chr(t[i])
        i += 1
        if tag == "S":
            (n,) = struct.unpack(">I", t[i : i + 4])
            out[key] = t[i + 4 : i + 4 + n].decode()
            i += 4 + n
        elif tag == "F":
            (n,) = struct.unpack(">I", t[i : i + 4])
            i += 4 + n
        elif tag == "t":
            i += 1
        else:
            break
    return out


# -------------------------------------------------------------------------------------------
# The broker's answer.


def parse_close(payload):
    cid, mid = struct.unpack(">HH", payload[:4])
    p = payload[4:]
    (code,) = struct.unpack(">H", p[:2])
    tlen = p[2]
    text = p[3 : 3 + tlen].decode("utf-8", "replace")
    fcid, fmid = struct.unpack(">HH", p[3 + tlen : 7 + tlen])
    what = {(10, 50): "connection.close", (20, 40): "channel.close"}[(cid, mid)]
    return {"answer": what, "code": code, "text": text, "class_id": fcid, "method_id": fmid}


def await_verdict(c, allow_ping=True):
    """Reads the broker's reaction. Returns a dict describing it."""
    deadline = time.monotonic() + TIMEOUT
    pinged = False
    while True:
        try:
            ftype, ch, payload = c.read_frame(max(0.05, deadline - time.monotonic()))
        except TimeoutError:
            if allow_ping and not pinged:
                # Silence: does the connection still work? basic.qos answers basic.qos-ok.
                pinged = True
                try:
                    c.send(basic_qos(1))
                except OSError:
                    return {"answer": "socket-closed"}
                deadline = time.monotonic() + TIMEOUT
                continue
            return {"answer": "silence"}
        except Closed as e:
            return {"answer": "socket-closed", "how": str(e)}
        if ftype == 8:
            continue
        if ftype != 1:
            continue
        cid, mid = struct.unpack(">HH", payload[:4])
        if (cid, mid) in ((10, 50), (20, 40)):
            v = parse_close(payload)
            # Be polite: answer close-ok, then see whether the socket closes.
            try:
                if cid == 10:
                    c.send(method(0, 10, 51))
                else:
                    c.send(method(ch, 20, 41))
            except OSError:
                pass
            v["channel"] = ch
            return v
        if (cid, mid) == (60, 11) and pinged:
            return {"answer": "accepted", "reply": "basic.qos-ok to a later basic.qos"}
        if (cid, mid) == (50, 11):
            return {"answer": "accepted", "reply": "queue.declare-ok"}
        if (cid, mid) == (30, 11):
            return {"answer": "accepted", "reply": f"access.request-ok, reserved-1 (ticket) {payload[4:6].hex()}"}
        # Anything else (e.g. basic.return): keep listening.
        continue


# -------------------------------------------------------------------------------------------
# The cases. Each: name, kind, spec section, what is sent after the handshake, the input the
# vector holds (defaults to what is sent), a description of the malformation.

HB = frame(8, 0, b"")
PUB_TO = "msgwire-probe"  # no such queue: a published message is dropped after routing


def props_headers(entries):
    # property flags: bit 13 (headers) only
    return 0x2000, table(entries)


def content(ch, hdr_kwargs=None, data=b"hello", exchange="", weight=0, class_id=60, body_size=None):
    hdr_kwargs = hdr_kwargs or {}
    size = len(data) if body_size is None else body_size
    return (
        basic_publish(ch, exchange=exchange, routing_key=PUB_TO)
        + header(ch, class_id, size, weight=weight, **hdr_kwargs)
        + body(ch, data)
    )


# The broker had channel 1 open when it judged these inputs; a decoder that tracks channel state
# needs to see that too, so their vectors start with the channel.open (the frame-level cases are
# the malformed frame alone).
OPEN_1 = method(1, 20, 10, shortstr(""))
# Errors a broker finds only across frames (content sequences, channel state): a frame codec
# accepts each frame, so these cases name only the AMQP form's opt-in `session` profile.
SESSION_ONLY = {
    "header-without-method", "body-without-header", "method-instead-of-header", "header-weight",
    "body-too-large", "basic-on-channel-0", "method-on-unopened-channel", "header-on-channel-0",
    "channel-open-twice",
}

# The probe follows a silent input with basic.qos; for a body overrun RabbitMQ's 505 is about
# that basic.qos ("expected content body, got non content body frame"), not about the body
# frame itself, which it takes without complaint. Such cases keep no code.
PROVOKED_CODE = {"body-too-large"}

# A header of a class without content is already wrong as a frame; RabbitMQ says 505.
KIND_OVERRIDE = {"class-mismatch": "unknown-content-class"}

WITH_CHANNEL_OPEN = {
    "unknown-field-type-headers", "unknown-field-type-headers-exchange", "property-flag-bit-1",
    "property-flag-continuation", "header-without-method", "body-without-header",
    "method-instead-of-header", "header-weight", "body-too-large", "class-mismatch",
    "method-on-unopened-channel", "channel-open-twice",
}


def cases():
    c = []

    def add(name, kind, spec, send, desc, vector_input=None, note=None, verdict=None):
        c.append(
            {
                "verdict": verdict,
                "name": name,
                "kind": kind,
                "spec": spec,
                "send": send,
                "input": (OPEN_1 + send if name in WITH_CHANNEL_OPEN else send)
                if vector_input is None
                else vector_input,
                "desc": desc,
                "note": note,
            }
        )

    # --- frame layer
    add("unknown-frame-type-4", "unknown-frame-type", "AMQP 0-9-1 §4.2.3 (frame types 1, 2, 3, 8)",
        frame(4, 1, b"\x00\x00\x00\x00"), "frame type 4 on channel 1")
    add("unknown-frame-type-9", "unknown-frame-type", "AMQP 0-9-1 §4.2.3 (frame types 1, 2, 3, 8)",
        frame(9, 0, b""), "frame type 9 on channel 0, empty payload")
    add("unknown-frame-type-0", "unknown-frame-type", "AMQP 0-9-1 §4.2.3 (frame types 1, 2, 3, 8)",
        frame(0, 0, b""), "frame type 0 on channel 0, empty payload")
    add("frame-end-heartbeat", "frame-end", "AMQP 0-9-1 §4.2.3 (frame-end octet %xCE)",
        frame(8, 0, b"", end=0x00), "heartbeat whose end octet is 0x00")
    add("frame-end-method", "frame-end", "AMQP 0-9-1 §4.2.3 (frame-end octet %xCE)",
        basic_qos(1)[:-1] + b"\xcf", "basic.qos whose end octet is 0xCF")
    add("frame-too-large-head", "frame-too-large", "AMQP 0-9-1 §4.2.3 (frame size); connection.tune frame-max",
        struct.pack(">BHI", 1, 1, FRAME_MAX + 1),
        f"method frame head on channel 1 declaring a {FRAME_MAX + 1}-octet payload (frame-max {FRAME_MAX}); "
        "only the 7-octet head is sent: the broker judges the size before reading the payload",
        note="RabbitMQ tolerates payloads up to frame-max itself (its FRAME_SIZE_FUDGE of 8 octets): "
        "see frame-over-max-within-fudge in README.md")
    add("heartbeat-channel-1", "heartbeat-channel", "AMQP 0-9-1 §4.2.7 (heartbeat frames on channel 0)",
        frame(8, 1, b""), "heartbeat on channel 1")
    add("heartbeat-payload", "heartbeat-payload", "AMQP 0-9-1 §4.2.7 (heartbeat frames have no payload)",
        frame(8, 0, b"\x00\x00"), "heartbeat on channel 0 with a 2-octet payload")

    # --- method payloads
    add("truncated-basic-qos", "truncated", "AMQP 0-9-1 §4.2.6; basic.qos fields",
        method(1, 60, 10, struct.pack(">I", 0)), "basic.qos cut after prefetch-size (prefetch-count and global missing)")
    add("truncated-shortstr", "truncated", "AMQP 0-9-1 §4.2.5.3 (short string)",
        method(1, 50, 10, struct.pack(">H", 0) + b"\x0aabc"),
        "queue.declare whose queue name declares 10 octets but the payload ends after 3")
    add("truncated-class-id", "truncated", "AMQP 0-9-1 §4.2.4 (method payload: class-id, method-id)",
        frame(1, 1, b"\x00\x3c"), "method frame whose payload is only 2 octets (no method id)")
    add("trailing-data-basic-qos", "trailing-data", "AMQP 0-9-1 §4.2.6; basic.qos fields",
        method(1, 60, 10, struct.pack(">IHB", 0, 0, 0) + b"\x00\x00"),
        "basic.qos followed by 2 extra octets inside the frame")
    add("unknown-class", "unknown-method", "AMQP 0-9-1 §4.2.4; class ids",
        method(1, 99, 10), "method frame for class 99 (no such class)")
    add("unknown-method-basic", "unknown-method", "AMQP 0-9-1 §4.2.4; basic method ids",
        method(1, 60, 255), "method frame for basic method 255 (no such method)")
    add("unknown-method-connection", "unknown-method", "AMQP 0-9-1 §4.2.4; connection method ids",
        method(0, 10, 99), "method frame for connection method 99 on channel 0")

    # --- field tables
    add("unknown-field-type-method-table", "unknown-field-type", "AMQP 0-9-1 §4.2.5.5 (field value types)",
        method(1, 50, 10, struct.pack(">H", 0) + shortstr("msgwire-probe-q") + b"\x00"
               + table([("x", "Z", b"\x00")])),
        "queue.declare whose arguments table holds a value of type 'Z'")
    flags, ptab = props_headers([("x", "Z", b"\x00")])
    add("unknown-field-type-headers", "unknown-field-type", "AMQP 0-9-1 §4.2.5.5 (field value types)",
        content(1, {"flags": flags, "props": ptab}),
        "basic.publish + content header whose headers table holds a value of type 'Z' + body")
    flags, ptab = props_headers([("x", "Z", b"\x00")])
    add("unknown-field-type-headers-exchange", "unknown-field-type", "AMQP 0-9-1 §4.2.5.5 (field value types)",
        content(1, {"flags": flags, "props": ptab}, exchange="amq.headers"),
        "as unknown-field-type-headers, published to amq.headers (a headers exchange reads the table)")

    # --- property flags
    add("property-flag-bit-1", "unknown-property-flag", "AMQP 0-9-1 §4.2.6.1 (property flags)",
        content(1, {"flags": 0x0002}),
        "content header with property flag bit 1 set (no basic property uses it) + body",
        # RabbitMQ ignores the bit; the canonical form cannot show it, so the rabbitmq profile
        # may accept or reject
        verdict={"strict": "n", "rabbitmq": "i"})
    add("property-flag-continuation", "unknown-property-flag", "AMQP 0-9-1 §4.2.6.1 (property flags)",
        content(1, {"flags": 0x0001, "props": struct.pack(">H", 0x8000)}),
        "content header with the continuation bit set and a second flag word 0x8000 (basic has 14 properties) + body")

    # --- content sequences
    add("header-without-method", "unexpected-frame", "AMQP 0-9-1 §4.2.6 (content follows a content method)",
        header(1, 60, 5) + body(1, b"hello"), "content header + body on channel 1 with no basic.publish before")
    add("body-without-header", "unexpected-frame", "AMQP 0-9-1 §4.2.6 (content follows a content method)",
        body(1, b"hello"), "content body frame on channel 1 with no header before")
    add("method-instead-of-header", "unexpected-frame", "AMQP 0-9-1 §4.2.6 (content follows a content method)",
        basic_publish(1, routing_key=PUB_TO) + basic_qos(1),
        "basic.publish followed by basic.qos where the content header must come")
    add("header-weight", "header-weight", "AMQP 0-9-1 §4.2.6.1 (weight must be zero)",
        content(1, weight=1), "basic.publish + content header with weight 1 + body")
    add("body-too-large", "body-too-large", "AMQP 0-9-1 §4.2.6.2 (body frames add up to body-size)",
        content(1, data=b"hello world", body_size=5),
        "basic.publish + header declaring body-size 5 + an 11-octet body frame")
    add("class-mismatch", "class-mismatch", "AMQP 0-9-1 §4.2.6.1 (header class-id matches the method)",
        content(1, class_id=50), "basic.publish + content header with class-id 50 (queue) + body")
    add("basic-on-channel-0", "channel-error", "AMQP 0-9-1 §4.2.3 (channel 0 is for connection methods)",
        basic_qos(0), "basic.qos on channel 0")
    add("method-on-unopened-channel", "channel-error", "AMQP 0-9-1 channel class (channel.open before use); reply code 504 channel-error",
        basic_qos(2), "basic.qos on channel 2, never opened")
    add("header-on-channel-0", "unexpected-frame", "AMQP 0-9-1 §4.2.3 (channel 0 is for connection methods)",
        header(0, 60, 5) + body(0, b"hello"), "content header + body on channel 0")
    add("channel-open-twice", "channel-error", "AMQP 0-9-1 channel class (channel.open on an open channel); reply code 504 channel-error",
        method(1, 20, 10, shortstr("")), "channel.open on channel 1, already open")
    return c


def extras():
    """Probes recorded in the README table only: inputs the broker accepts that the spec
    does not clearly allow (so no `n` vector)."""
    pad_payload = FRAME_MAX  # RabbitMQ accepts payloads up to frame-max (FRAME_SIZE_FUDGE = 8)
    fixed = 4 + 2 + len(shortstr("msgwire-probe-fudge")) + 1 + 4 + len(shortstr("x-pad")) + 1 + 4
    declare = struct.pack(">HH", 50, 10) + struct.pack(">H", 0) + shortstr("msgwire-probe-fudge") + b"\x04"
    declare += table([("x-pad", "S", longstr(b"p" * (pad_payload - fixed)))])
    assert len(declare) == pad_payload
    return [
        {
            "name": "frame-over-max-within-fudge",
            "kind": "frame-too-large",
            "send": frame(1, 1, declare),
            "desc": f"queue.declare (exclusive) frame of {pad_payload + 8} octets: payload = frame-max "
            f"{FRAME_MAX}, so the frame exceeds frame-max by 8",
        },
        {
            "name": "access-request",
            "kind": "(not in 0-9-1: amqplib-methods access.* are strict n, rabbitmq y)",
            "send": method(1, 30, 10, shortstr("/data") + b"\x1f"),
            "desc": "access.request (class 30, dropped from 0-9-1) on channel 1, every bit set",
        },
        {
            "name": "property-flag-continuation-zero",
            "kind": "(y in docs/forms/amqp.md: flag_words 2)",
            "send": content(1, {"flags": 0x0001, "props": b"\x00\x00"}),
            "desc": "basic.publish + content header with the continuation bit and an all-zero second flag word + body",
        },
    ]


PROTOCOL_HEADERS = [
    ("protocol-header-0-8", b"AMQP\x01\x01\x08\x00", "AMQP 0-8 protocol header (class 1, instance 1, 8.0)"),
    ("protocol-header-0-9", b"AMQP\x01\x01\x00\x09", "AMQP 0-9 protocol header (class 1, instance 1, 0.9)"),
    ("protocol-header-1-0-0", b"AMQP\x00\x01\x00\x00", "AMQP 1.0 protocol header (id 0, 1.0.0)"),
    ("protocol-header-0-9-2", b"AMQP\x00\x00\x09\x02", "AMQP 0-9-1 header with revision 2"),
    ("protocol-header-garbage", b"GET / HTTP/1.1\r\n\r\n", "an HTTP request instead of a protocol header"),
    ("protocol-header-short-garbage", b"XMQP\x00\x00\x09\x01", "'XMQP' instead of 'AMQP'"),
]


# -------------------------------------------------------------------------------------------


def one_line(text):
    return " ".join(text.split())


def describe(v):
    a = v["answer"]
    if a in ("connection.close", "channel.close"):
        out = f"{a} {v['code']} \"{one_line(v['text'])}\" (class {v['class_id']} method {v['method_id']})"
    elif a == "socket-closed":
        out = "closes the socket without connection.close"
    elif a == "accepted":
        out = f"accepts it ({v['reply']})"
    else:
        out = a
    if v.get("crash"):
        out += f"; its log: connection process crashed with {v['crash']}"
    return out


LOG = os.path.join(os.environ.get("RABBITMQ_DIR", "/tmp/msgwire-rabbitmq"), "log", "rabbit@localhost.log")


def log_size():
    try:
        return os.path.getsize(LOG)
    except OSError:
        return None


def log_crash(since):
    """The crash reason the broker logged after offset `since` (first `exception ...` line)."""
    if since is None:
        return None
    time.sleep(0.3)
    try:
        with open(LOG, "rb") as f:
            f.seek(since)
            lines = f.read().decode("utf-8", "replace").splitlines()
    except OSError:
        return None
    for i, line in enumerate(lines):
        m = re.search(r"exception (exit|error): (.*)$", line)
        if not m:
            continue
        # An Erlang term may span lines: gather them until the brackets balance.
        text = m.group(2).strip()
        j = i + 1
        while (text.endswith("matching") or depth(text) > 0) and j < len(lines) and j < i + 12:
            text += " " + lines[j].split("> ", 1)[-1].strip()
            j += 1
        text = " ".join(text.split())
        return text if len(text) <= 140 else text[:137] + "..."
    return None


def count_frames(data):
    """How many whole frames `data` holds (walking the frame heads)."""
    n, i = 0, 0
    while i + 7 <= len(data):
        (size,) = struct.unpack(">I", data[i + 3 : i + 7])
        if i + 8 + size > len(data):
            break
        n, i = n + 1, i + 8 + size
    return n


def depth(text):
    return sum(text.count(o) - text.count(c) for o, c in ("{}", "[]", "()"))


def run_case(case):
    since = log_size()
    c, _ = handshake()
    try:
        c.send(case["send"])
        v = await_verdict(c)
    finally:
        c.close()
    if v["answer"] == "socket-closed" or v.get("code") == 541:
        crash = log_crash(since)
        if crash:
            v["crash"] = crash
    return v


def run_header_case(data):
    c = Conn()
    try:
        c.send(data)
        raw, how = c.read_raw(TIMEOUT)
        return {"answer": "bytes", "bytes": raw.hex(), "then": how}
    finally:
        c.close()


def broker_version():
    c, start = handshake(open_channel=False)
    c.close()
    props = server_properties(start)
    return props.get("version", "unknown"), props.get("platform", "Erlang/OTP unknown")


def header_answer(raw, then):
    """One line for what the broker sent back to a protocol header."""
    if raw[:4] == b"AMQP":
        return f"sends its own protocol header {raw[:8].hex(' ')} and closes the socket ({then})"
    if raw[:1] == b"\x01" and len(raw) >= 13:
        cid, mid = struct.unpack(">HH", raw[7:11])
        if (cid, mid) == (10, 10):
            return (
                f"starts a connection: connection.start with version-major {raw[11]}, version-minor {raw[12]} "
                f"(waits for start-ok: {then})"
            )
    if not raw:
        return f"sends nothing ({then})"
    return f"sends {raw[:16].hex(' ')} ({len(raw)} octets, {then})"


def main():
    ap = argparse.ArgumentParser()
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--out", default=os.path.join(here, "../../amqp/rabbitmq-verdicts.json"))
    ap.add_argument("--table", default=None, help="also write the Markdown table here")
    ap.add_argument("--readme", default=None, help="replace the table between the verdicts markers of this file")
    args = ap.parse_args()

    version, platform = broker_version()
    peer = f"RabbitMQ {version} ({platform})"
    print(f"probing {peer} on {HOST}:{PORT}", file=sys.stderr)

    out_cases, rows = [], []
    for case in cases():
        v = run_case(case)
        text = describe(v)
        print(f"  {case['name']}: {text}", file=sys.stderr)
        rows.append((case["name"], case["kind"], v))
        vc = {
            "id": f"amqp/rabbitmq-verdicts/{case['name']}",
            "description": f"{case['desc']}. RabbitMQ {text}",
            "spec": case["spec"],
            "verdict": "n",
            "input": {"hex": case["input"].hex()},
            "error": {"kind": case["kind"]},
        }
        # A 541 is the broker's connection process crashing on the input, not a verdict about
        # it: such cases carry no code (the finding keeps the 541).
        if v.get("code") is not None and v["code"] != 541:
            vc["error"]["code"] = v["code"]
        if case.get("verdict"):
            vc["verdict"] = case["verdict"]
        if case["name"] in SESSION_ONLY:
            vc["verdict"] = {"session": "n"}
        if case["name"] in PROVOKED_CODE:
            vc["error"].pop("code", None)
            vc["findings"] = [
                {
                    "peer": peer,
                    "peer_says": text,
                    "spec_says": "more body octets than body-size is malformed content: reject (frame-error 501)",
                    "note": "the broker does not reject the body frame; it closes with 505 only when the next non-body frame arrives",
                }
            ]
        if case["name"] in KIND_OVERRIDE:
            vc["error"]["kind"] = KIND_OVERRIDE[case["name"]]
        if count_frames(case["input"]) > 1:
            vc["stream"] = True
        finding = None
        if v["answer"] not in ("connection.close", "channel.close"):
            finding = "the broker sends no reply code for this input"
        elif v["code"] == 541:
            finding = (
                "541 internal-error is the broker crashing on the input (see its log line), not a "
                "verdict about it, so the case carries no code"
            )
        if finding:
            vc["findings"] = [
                {
                    "peer": peer,
                    "peer_says": text,
                    "spec_says": f"malformed input: reject ({case['kind']})",
                    "note": finding,
                }
            ]
        if case.get("note"):
            vc["description"] += f" ({case['note']})"
        if case["name"] in WITH_CHANNEL_OPEN:
            vc["description"] = "channel.open on channel 1 (the broker had it open), then: " + vc["description"]
        out_cases.append(vc)

    for name, data, desc in PROTOCOL_HEADERS:
        v = run_header_case(data)
        raw = bytes.fromhex(v["bytes"])
        text = header_answer(raw, v["then"])
        v["summary"] = text
        print(f"  {name}: {text}", file=sys.stderr)
        rows.append((name, "bad-protocol-header", v))
        vc = {
            "id": f"amqp/rabbitmq-verdicts/{name}",
            "description": f"{desc}. RabbitMQ {text}",
            "spec": "AMQP 0-9-1 §4.2.2 (a server that rejects the protocol header sends its own and closes)",
            "verdict": "n",
            "input": {"hex": data.hex()},
            "error": {"kind": "bad-protocol-header"},
        }
        if data[:4] == b"AMQP":
            # A frame codec parses any AMQP header as a typed value; refusing the version is
            # the broker's part (the `session` profile).
            vc["verdict"] = {"session": "n"}
        else:
            # Neither `A` nor a frame type: to a codec, an unknown frame type.
            vc["error"]["kind"] = "unknown-frame-type"
        if raw[:1] == b"\x01":
            vc["findings"] = [
                {
                    "peer": peer,
                    "peer_says": text,
                    "spec_says": "a 0-9-1 peer answers another protocol version with its own header and closes",
                    "note": "RabbitMQ still speaks AMQP 0-8/0-9; a 0-9-1-only decoder rejects the header",
                }
            ]
        out_cases.append(vc)

    for case in extras():
        v = run_case(case)
        text = describe(v)
        print(f"  {case['name']} (README only): {text}", file=sys.stderr)
        rows.append((case["name"], case["kind"], v))

    doc = {
        "format": "msgwire-vectors/1",
        "protocol": "amqp",
        "group": "rabbitmq-verdicts",
        "description": (
            "Malformed input sent to a live RabbitMQ after a hand-made handshake (frame-max "
            f"{FRAME_MAX}, channel 1 open), one connection per case; error.code is the broker's reply "
            "code, the description quotes its answer"
        ),
        "provenance": {
            "peer": peer,
            "version": version,
            "generator": "vectors/generate/amqp/probe_rabbitmq.py",
        },
        "cases": out_cases,
    }
    with open(args.out, "w") as f:
        json.dump(doc, f, indent=2, ensure_ascii=False)
        f.write("\n")

    table_md = markdown_table(rows, peer)
    print(table_md)
    if args.table:
        with open(args.table, "w") as f:
            f.write(table_md)
    if args.readme:
        begin, end = "<!-- verdicts:begin -->\n", "<!-- verdicts:end -->"
        with open(args.readme) as f:
            text = f.read()
        a, b = text.index(begin) + len(begin), text.index(end)
        with open(args.readme, "w") as f:
            f.write(text[:a] + table_md + text[b:])


def markdown_table(rows, peer):
    lines = [
        f"Broker: {peer}, frame-max {FRAME_MAX}. Made by `probe_rabbitmq.py`.",
        "",
        "| case | kind | broker's answer | code | reply text / note |",
        "|---|---|---|---|---|",
    ]
    for name, kind, v in rows:
        a = v["answer"]
        if a in ("connection.close", "channel.close"):
            note = one_line(v["text"])
            if v.get("crash"):
                note += f" (crash: {v['crash']})"
            lines.append(f"| {name} | {kind} | {a} (class {v['class_id']}, method {v['method_id']}) | {v['code']} | {note.replace('|', '/')} |")
        elif a == "bytes":
            lines.append(f"| {name} | {kind} | {v['summary']} | - | - |")
        else:
            lines.append(f"| {name} | {kind} | {describe(v).replace('|', '/')} | - | - |")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
