//! msgwire client-suite driver for lapin (Rust, tokio).
//!
//! The driver contract (conformance/README.md): argv SCENARIO HOST:PORT, the plan in
//! $MSGWIRE_PLAN; one JSON object per line on stdout saying what the library surfaced; exit 0.
//! AMQP plans: {"op": "close" | "publish" | "confirm-publish" | "declare-passive" | "consume" |
//! "consume-two" | "wait", ...} (conformance/src/live/amqp_client.rs). lapin reports a broker's
//! close as an error whose kind is ProtocolError with the reply code (hard: the connection,
//! "closed"; soft: a channel, "channel-closed"); connection.blocked/unblocked and connection
//! errors come on Connection::events_listener; a consumer cancelled by the broker ends its
//! stream; returned messages of a channel without confirms are drained by wait_for_confirms.

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use lapin::message::Delivery;
use lapin::options::{
    BasicConsumeOptions, BasicPublishOptions, ConfirmSelectOptions, QueueDeclareOptions,
};
use lapin::types::FieldTable;
use lapin::{BasicProperties, Channel, Connection, ConnectionProperties, ErrorKind, Event};
use lapin::{Confirmation, PublisherConfirm};
use serde_json::{json, Value};

const LAPIN_VERSION: &str = "4.12.3";

fn emit(v: Value) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{v}");
    let _ = out.flush();
}

fn latin1(bytes: &[u8]) -> String {
    bytes.iter().map(|&b| b as char).collect()
}

/// What the application learns from an error: a broker's close with its code, or anything else.
/// `closed` is set once a connection close was reported (it is reported once).
fn report(e: &lapin::Error, closed: &AtomicBool) {
    match e.kind() {
        ErrorKind::ProtocolError(a) if e.is_amqp_hard_error() => {
            if !closed.swap(true, Ordering::SeqCst) {
                emit(
                    json!({"event": "closed", "code": a.get_id(), "text": a.get_message().as_str()}),
                );
            }
        }
        ErrorKind::ProtocolError(a) => emit(
            json!({"event": "channel-closed", "code": a.get_id(), "text": a.get_message().as_str()}),
        ),
        _ if closed.load(Ordering::SeqCst) => {}
        _ => emit(json!({"event": "raised", "why": e.to_string()})),
    }
}

fn left(end: Instant) -> Duration {
    end.saturating_duration_since(Instant::now())
}

async fn publish(
    ch: &Channel,
    key: &str,
    body: &[u8],
    mandatory: bool,
) -> lapin::Result<PublisherConfirm> {
    ch.basic_publish(
        "".into(),
        key.into(),
        BasicPublishOptions {
            mandatory,
            ..Default::default()
        },
        body,
        BasicProperties::default(),
    )
    .await
}

async fn consume(ch: &Channel, queue: &str) -> lapin::Result<lapin::Consumer> {
    ch.basic_consume(
        queue.into(),
        "".into(),
        BasicConsumeOptions {
            no_ack: true,
            ..Default::default()
        },
        FieldTable::default(),
    )
    .await
}

/// Runs the plan on an open connection and channel; Err when the library raised.
async fn run(
    conn: &Connection,
    ch: &Channel,
    plan: &Value,
    closed: &AtomicBool,
) -> lapin::Result<()> {
    let seconds = plan["seconds"].as_f64().unwrap_or(0.0);
    let end = Instant::now() + Duration::from_secs_f64(seconds);
    let str_of = |k: &str| plan[k].as_str().unwrap_or_default().to_string();
    match plan["op"].as_str().unwrap_or_default() {
        "close" => {}
        "publish" => {
            let mandatory = plan["mandatory"].as_bool() == Some(true);
            let size = plan["body_size"].as_u64().unwrap_or(0) as usize;
            let _confirm =
                publish(ch, &str_of("routing_key"), &vec![b'x'; size], mandatory).await?;
            emit(json!({"event": "published"}));
            if mandatory {
                // Without confirms, lapin keeps returned messages for wait_for_confirms.
                while Instant::now() < end && conn.status().connected() {
                    let returned = ch.wait_for_confirms().await?;
                    for r in &returned {
                        emit(
                            json!({"event": "returned", "code": r.reply_code, "body": latin1(&r.delivery.data)}),
                        );
                    }
                    if !returned.is_empty() {
                        break;
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }
        }
        "confirm-publish" => {
            ch.confirm_select(ConfirmSelectOptions::default()).await?;
            let n = plan["count"].as_u64().unwrap_or(0);
            let mut confirms = Vec::new();
            for i in 1..=n {
                confirms.push(
                    publish(
                        ch,
                        &str_of("routing_key"),
                        format!("m{i}").as_bytes(),
                        false,
                    )
                    .await?,
                );
            }
            for (i, c) in confirms.into_iter().enumerate() {
                match tokio::time::timeout(left(end), c).await {
                    Ok(Ok(Confirmation::Ack(_))) => {
                        emit(json!({"event": "confirmed", "tag": i + 1, "ack": true}))
                    }
                    Ok(Ok(Confirmation::Nack(_))) => {
                        emit(json!({"event": "confirmed", "tag": i + 1, "ack": false}))
                    }
                    Ok(Ok(Confirmation::NotRequested)) => emit(
                        json!({"event": "raised", "why": format!("publish {} not confirmed: confirms not requested", i + 1)}),
                    ),
                    Ok(Err(e)) => return Err(e),
                    Err(_) => break,
                }
            }
        }
        "declare-passive" => {
            let options = QueueDeclareOptions {
                passive: true,
                ..Default::default()
            };
            if let Err(e) = ch
                .queue_declare(
                    str_of("queue").as_str().into(),
                    options,
                    FieldTable::default(),
                )
                .await
            {
                report(&e, closed);
            }
        }
        "consume" => {
            let mut consumer = consume(ch, &str_of("queue")).await?;
            let tag = consumer.tag().to_string();
            let want = plan["count"].as_u64().unwrap_or(1);
            let mut got = 0;
            while got < want && !closed.load(Ordering::SeqCst) {
                match tokio::time::timeout(left(end), consumer.next()).await {
                    Ok(Some(Ok(d))) => {
                        got += 1;
                        emit(json!({"event": "delivered", "body": latin1(&d.data)}));
                    }
                    Ok(Some(Err(e))) => return Err(e),
                    // The stream ends when the broker cancelled the consumer.
                    Ok(None) => {
                        if conn.status().connected() && ch.status().connected() {
                            emit(json!({"event": "cancelled", "consumer_tag": tag}));
                        }
                        break;
                    }
                    Err(_) => break,
                }
            }
        }
        "consume-two" => {
            let ch2 = conn.create_channel().await?;
            let queues: Vec<String> = plan["queues"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|q| q.as_str().map(str::to_string))
                        .collect()
                })
                .unwrap_or_default();
            let (qa, qb) = (queues[0].clone(), queues[1].clone());
            let a = consume(ch, &qa).await?.map(move |d| (qa.clone(), d));
            let b = consume(&ch2, &qb).await?.map(move |d| (qb.clone(), d));
            let mut both = futures_util::stream::select(a, b);
            let mut got = 0;
            while got < 2 {
                match tokio::time::timeout(left(end), both.next()).await {
                    Ok(Some((q, Ok(d)))) => {
                        got += 1;
                        let d: Delivery = d;
                        emit(json!({"event": "delivered", "queue": q, "body": latin1(&d.data)}));
                    }
                    Ok(Some((_, Err(e)))) => return Err(e),
                    Ok(None) | Err(_) => break,
                }
            }
            if conn.status().connected() {
                ch2.close(200, "OK".into()).await?;
            }
        }
        "wait" => {
            while Instant::now() < end
                && conn.status().connected()
                && !closed.load(Ordering::SeqCst)
            {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
        op => emit(json!({"event": "unsupported", "why": format!("unknown op {op:?}")})),
    }
    Ok(())
}

async fn main_async(addr: String, plan: Value) {
    let closed = Arc::new(AtomicBool::new(false));
    let uri = format!("amqp://guest:guest@{addr}/%2f");
    let conn = match Connection::connect(&uri, ConnectionProperties::default()).await {
        Ok(c) => c,
        Err(e) => return report(&e, &closed),
    };
    let mut events = conn.events_listener();
    let watch = closed.clone();
    tokio::spawn(async move {
        while let Some(ev) = events.next().await {
            match ev {
                Event::ConnectionBlocked(reason) => {
                    emit(json!({"event": "blocked", "reason": reason}))
                }
                Event::ConnectionUnblocked => emit(json!({"event": "unblocked"})),
                // A channel's close is reported by the operation it failed.
                Event::Error(e) if !e.is_amqp_soft_error() => report(&e, &watch),
                _ => {}
            }
        }
    });
    let ch = match conn.create_channel().await {
        Ok(ch) => ch,
        Err(e) => return report(&e, &closed),
    };
    emit(json!({"event": "connected"}));
    if let Err(e) = run(&conn, &ch, &plan, &closed).await {
        report(&e, &closed);
    }
    // Let a close the broker sent, or the error that ended the connection, reach the events.
    tokio::time::sleep(Duration::from_millis(100)).await;
    if closed.load(Ordering::SeqCst) || !conn.status().connected() {
        // lapin answers a broker's close from its own tasks: give them a moment before exit.
        tokio::time::sleep(Duration::from_millis(400)).await;
        return;
    }
    if ch.status().connected() {
        if let Err(e) = ch.close(200, "OK".into()).await {
            return report(&e, &closed);
        }
    }
    match conn.close(200, "OK".into()).await {
        Ok(()) => emit(json!({"event": "done"})),
        Err(e) => report(&e, &closed),
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (scenario, addr) = (
        args.get(1).cloned().unwrap_or_default(),
        args.get(2).cloned().unwrap_or_default(),
    );
    if scenario == "hello" {
        emit(json!({"event": "hello", "library": "lapin", "version": LAPIN_VERSION}));
        return;
    }
    let plan: Value = serde_json::from_str(&std::env::var("MSGWIRE_PLAN").unwrap_or_default())
        .unwrap_or(Value::Null);
    let seconds = plan["seconds"].as_f64().unwrap_or(0.0);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("tokio runtime");
    // Bounded: the plan's time and 8 s more (msgwire kills the driver at its own timeout anyway).
    let limit = Duration::from_secs_f64(seconds + 8.0);
    let bounded = async { tokio::time::timeout(limit, main_async(addr, plan)).await };
    if rt.block_on(bounded).is_err() {
        emit(json!({"event": "raised", "why": "the driver's own time limit passed"}));
    }
    let _ = std::io::stdout().flush();
    // lapin's IO loop may hold threads: end the process here.
    std::process::exit(0);
}
