#!/usr/bin/env python3
"""msgwire client-suite driver for pika (Python, BlockingConnection).

The driver contract (conformance/README.md): argv SCENARIO HOST:PORT, the plan in
$MSGWIRE_PLAN; one JSON object per line on stdout saying what the library surfaced; exit 0.
AMQP plans: {"op": "close" | "publish" | "confirm-publish" | "declare-passive" | "consume" |
"consume-two" | "wait", ...}
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

    def serve(seconds, until=lambda: False):
        end = time.monotonic() + seconds
        while time.monotonic() < end and not until():
            conn.process_data_events(time_limit=0.1)

    try:
        conn = pika.BlockingConnection(params)
        conn.add_on_connection_blocked_callback(
            lambda _c, frame: emit(event="blocked", reason=str(frame.method.reason))
        )
        conn.add_on_connection_unblocked_callback(lambda _c, _frame: emit(event="unblocked"))
        ch = conn.channel()
        ch.add_on_cancel_callback(
            lambda frame: emit(event="cancelled", consumer_tag=str(frame.method.consumer_tag))
        )
        returned = []

        def on_return(_ch, method, _props, body):
            returned.append(body)
            emit(event="returned", code=method.reply_code, body=body.decode("latin-1"))

        ch.add_on_return_callback(on_return)
        emit(event="connected")
        if op == "publish":
            mandatory = bool(plan.get("mandatory"))
            ch.basic_publish(
                exchange="", routing_key=plan["routing_key"], body=b"x" * plan["body_size"], mandatory=mandatory
            )
            emit(event="published")
            if mandatory:
                serve(plan["seconds"], lambda: returned)
        elif op == "confirm-publish":
            # BlockingChannel: each publish waits for its own ack or nack (NackError).
            ch.confirm_delivery()
            for i in range(1, plan["count"] + 1):
                try:
                    ch.basic_publish(exchange="", routing_key=plan["routing_key"], body=b"m%d" % i)
                    emit(event="confirmed", tag=i, ack=True)
                except ex.NackError:
                    emit(event="confirmed", tag=i, ack=False)
        elif op == "consume-two":
            ch2 = conn.channel()
            got = []

            def consumer(queue):
                def on_message(_ch, _method, _props, body):
                    got.append(body)
                    emit(event="delivered", queue=queue, body=body.decode("latin-1"))

                return on_message

            qa, qb = plan["queues"]
            ch.basic_consume(queue=qa, on_message_callback=consumer(qa), auto_ack=True)
            ch2.basic_consume(queue=qb, on_message_callback=consumer(qb), auto_ack=True)
            serve(plan["seconds"], lambda: len(got) >= 2)
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
