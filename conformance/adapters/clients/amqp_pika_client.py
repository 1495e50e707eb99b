#!/usr/bin/env python3
"""msgwire client-suite driver for pika (Python, BlockingConnection).

The driver contract (conformance/README.md): argv SCENARIO HOST:PORT, the plan in
$MSGWIRE_PLAN; one JSON object per line on stdout saying what the library surfaced; exit 0.
AMQP plans: {"op": "close" | "publish" | "declare-passive" | "consume" | "wait", ...}
(conformance/src/live/amqp_client.rs).
"""
import json
import os
import sys
import time


def emit(**event):
    sys.stdout.write(json.dumps(event) + "\n")
    sys.stdout.flush()


def main():
    scenario, addr = sys.argv[1], sys.argv[2]
    if scenario == "hello":
        import importlib.metadata as m

        emit(event="hello", library="pika", version=m.version("pika"))
        return
    import pika
    from pika import exceptions as ex

    plan = json.loads(os.environ["MSGWIRE_PLAN"])
    host, port = addr.rsplit(":", 1)
    params = pika.ConnectionParameters(
        host=host,
        port=int(port),
        credentials=pika.PlainCredentials("guest", "guest"),
        connection_attempts=1,
        socket_timeout=5,
        blocked_connection_timeout=10,
    )
    op = plan["op"]
    conn = None
    try:
        conn = pika.BlockingConnection(params)
        ch = conn.channel()
        emit(event="connected")
        if op == "publish":
            ch.basic_publish(exchange="", routing_key=plan["routing_key"], body=b"x" * plan["body_size"])
            emit(event="published")
        elif op == "declare-passive":
            ch.queue_declare(queue=plan["queue"], passive=True)
        elif op == "consume":
            got = []

            def on_message(_ch, _method, _props, body):
                got.append(body)
                emit(event="delivered", body=body.decode("latin-1"))

            ch.basic_consume(queue=plan["queue"], on_message_callback=on_message, auto_ack=True)
            end = time.monotonic() + plan["seconds"]
            while len(got) < plan["count"] and time.monotonic() < end:
                conn.process_data_events(time_limit=0.1)
        elif op == "wait":
            end = time.monotonic() + plan["seconds"]
            while time.monotonic() < end:
                conn.process_data_events(time_limit=0.1)
        conn.close()
        emit(event="done")
    except ex.ConnectionClosedByBroker as e:
        emit(event="closed", code=e.reply_code, text=str(e.reply_text))
    except ex.ChannelClosedByBroker as e:
        emit(event="channel-closed", code=e.reply_code, text=str(e.reply_text))
        try:
            conn.close()
            emit(event="done")
        except Exception as e2:  # noqa: BLE001 - reported, not hidden
            emit(event="raised", why="%s: %s" % (type(e2).__name__, e2))
    except Exception as e:  # noqa: BLE001 - whatever the library raised is an event
        emit(event="raised", why="%s: %r" % (type(e).__name__, e))


main()
