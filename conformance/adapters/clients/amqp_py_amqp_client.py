#!/usr/bin/env python3
"""msgwire client-suite driver for py-amqp (the `amqp` package, Celery/kombu's client).

The driver contract (conformance/README.md): argv SCENARIO HOST:PORT, the plan in
$MSGWIRE_PLAN; one JSON object per line on stdout saying what the library surfaced; exit 0.
AMQP plans: {"op": "close" | "publish" | "declare-passive" | "consume" | "wait", ...}
(conformance/src/live/amqp_client.rs). py-amqp raises a connection close as an
amqp.exceptions.ConnectionError subclass carrying the reply code ("closed"), a channel close
as a ChannelError subclass ("channel-closed").
"""
import json
import os
import socket
import sys
import time


def emit(**event):
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def main():
    scenario, addr = sys.argv[1], sys.argv[2]
    if scenario == "hello":
        import importlib.metadata as m

        emit(event="hello", library="py-amqp", version=m.version("amqp"))
        return
    import amqp
    from amqp import exceptions as ex

    plan = json.loads(os.environ["MSGWIRE_PLAN"])
    op = plan["op"]
    # Heartbeats as kombu uses them: the client asks for them, the application ticks.
    conn = amqp.Connection(host=addr, userid="guest", password="guest", connect_timeout=5, heartbeat=60)

    def drain(seconds, until=lambda: False):
        end = time.monotonic() + seconds
        while time.monotonic() < end and not until():
            try:
                conn.drain_events(timeout=0.1)
            except socket.timeout:
                pass
            conn.heartbeat_tick()

    try:
        conn.connect()
        ch = conn.channel()
        emit(event="connected")
        if op == "publish":
            ch.basic_publish(amqp.Message(b"x" * plan["body_size"]), exchange="", routing_key=plan["routing_key"])
            emit(event="published")
        elif op == "declare-passive":
            try:
                ch.queue_declare(queue=plan["queue"], passive=True)
            except ex.ChannelError as e:
                emit(event="channel-closed", code=e.reply_code, text=str(e.reply_text))
        elif op == "consume":
            got = []

            def on_message(msg):
                got.append(msg.body)
                body = msg.body if isinstance(msg.body, bytes) else msg.body.encode("latin-1")
                emit(event="delivered", body=body.decode("latin-1"))

            ch.basic_consume(queue=plan["queue"], callback=on_message, no_ack=True)
            drain(plan["seconds"], lambda: len(got) >= plan["count"])
        elif op == "wait":
            drain(plan["seconds"])
        conn.close()
        emit(event="done")
    except ex.ConnectionError as e:
        emit(event="closed", code=e.reply_code, text=str(e.reply_text))
    except ex.ChannelError as e:
        emit(event="channel-closed", code=e.reply_code, text=str(e.reply_text))
    except Exception as e:  # noqa: BLE001 - whatever the library raised is an event
        emit(event="raised", why="%s: %r" % (type(e).__name__, e))


main()
