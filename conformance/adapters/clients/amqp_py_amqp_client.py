#!/usr/bin/env python3
"""msgwire client-suite driver for py-amqp (the `amqp` package, Celery/kombu's client).

The driver contract (conformance/README.md): argv SCENARIO HOST:PORT, the plan in
$MSGWIRE_PLAN; one JSON object per line on stdout saying what the library surfaced; exit 0.
AMQP plans: {"op": "close" | "publish" | "confirm-publish" | "declare-passive" | "consume" |
"consume-two" | "wait", ...}
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
    # Publisher confirms as kombu asks for them (confirm_publish: every publish waits for its
    # ack or nack).
    conn = amqp.Connection(
        host=addr,
        userid="guest",
        password="guest",
        connect_timeout=5,
        heartbeat=60,
        confirm_publish=op == "confirm-publish",
        on_blocked=lambda reason: emit(event="blocked", reason=str(reason)),
        on_unblocked=lambda: emit(event="unblocked"),
    )

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
        returned = []

        def on_return(exc, _exchange, _routing_key, message):
            returned.append(message)
            body = message.body if isinstance(message.body, bytes) else message.body.encode("latin-1")
            emit(event="returned", code=exc.reply_code, body=body.decode("latin-1"))

        ch.events["basic_return"].add(on_return)
        emit(event="connected")

        def on_cancel(tag):
            emit(event="cancelled", consumer_tag=str(tag))

        if op == "publish":
            mandatory = bool(plan.get("mandatory"))
            ch.basic_publish(
                amqp.Message(b"x" * plan["body_size"]),
                exchange="",
                routing_key=plan["routing_key"],
                mandatory=mandatory,
            )
            emit(event="published")
            if mandatory:
                drain(plan["seconds"], lambda: returned)
        elif op == "confirm-publish":
            for i in range(1, plan["count"] + 1):
                try:
                    ch.basic_publish(
                        amqp.Message(b"m%d" % i),
                        exchange="",
                        routing_key=plan["routing_key"],
                        confirm_timeout=plan["seconds"],
                    )
                    emit(event="confirmed", tag=i, ack=True)
                except ex.MessageNacked:
                    emit(event="confirmed", tag=i, ack=False)
        elif op == "consume-two":
            ch2 = conn.channel()
            got = []

            def consumer(queue):
                def on_message(msg):
                    got.append(msg.body)
                    body = msg.body if isinstance(msg.body, bytes) else msg.body.encode("latin-1")
                    emit(event="delivered", queue=queue, body=body.decode("latin-1"))

                return on_message

            qa, qb = plan["queues"]
            ch.basic_consume(queue=qa, callback=consumer(qa), no_ack=True)
            ch2.basic_consume(queue=qb, callback=consumer(qb), no_ack=True)
            drain(plan["seconds"], lambda: len(got) >= 2)
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

            ch.basic_consume(queue=plan["queue"], callback=on_message, no_ack=True, on_cancel=on_cancel)
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
