//! Server semantics as a pure function, and its client-side mirror.
//!
//! [`serve`] says what a conforming server must do with the bytes it received (JSON-RPC 2.0
//! §5–§6): dispatch a request, dispatch a notification and stay silent, or send a fixed error
//! reply; for a batch, dispatch the valid calls and answer the invalid items with error objects,
//! assembling one array (or nothing at all). [`Correlator`] matches responses to the ids a
//! client has outstanding, in any order, batched or not.

use std::collections::HashMap;

use bytes::BufMut;

use super::error::{Error, ErrorCode, Problem};
use super::id::{Id, IdKind};
use super::message::{
    borrow_message, Batch, ErrorObject, Message, Outcome, Payload, Request, Response,
};
use super::Decoder;

/// What a server must do with one received JSON text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Incoming<'a> {
    /// Dispatch this call. A request (with an id) is owed exactly one response; a
    /// notification none: §4.1 "The Server MUST NOT reply to a Notification".
    Call(Request<'a>),
    /// Send this error response and nothing else (parse error, invalid request, empty batch):
    /// §5 "If there was an error in detecting the id in the Request object (e.g. Parse
    /// error/Invalid Request), it MUST be Null."
    Reject(Response<'static>),
    /// A batch with at least one item.
    Batch(BatchPlan<'a>),
}

/// One item of a batch, from the server's point of view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item<'a> {
    /// A valid request or notification to dispatch.
    Call(Request<'a>),
    /// An invalid item, and the error response it is owed (§6: `[1,2,3]` gets three).
    Invalid(Response<'static>),
}

/// A batch to serve: items are validated lazily, each time they are walked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchPlan<'a> {
    batch: Batch<'a>,
}

/// What a server must do with `input`, under the strict profile and default limits.
pub fn serve(input: &[u8]) -> Incoming<'_> {
    Decoder::default().serve(input)
}

pub(crate) fn serve_with<'a>(decoder: &Decoder, input: &'a [u8]) -> Incoming<'a> {
    match decoder.decode_whole(input) {
        Ok(Payload::Single(Message::Request(r))) => Incoming::Call(r),
        Ok(Payload::Single(Message::Response(_))) => Incoming::Reject(not_a_request()),
        Ok(Payload::Batch(batch)) => Incoming::Batch(BatchPlan { batch }),
        Err(e) => Incoming::Reject(error_reply(&e)),
    }
}

/// The error response a server sends for a decoding error: `-32700` or `-32600` with the
/// spec's message and `id: null`. §5: "If there was an error in detecting the id in the Request
/// object (e.g. Parse error/Invalid Request), it MUST be Null." (The id of an invalid object,
/// when readable, is still in [`Error::Invalid`] for logging.)
pub fn error_reply(e: &Error) -> Response<'static> {
    Response::error(
        Id::NULL,
        ErrorObject::new(
            e.code().unwrap_or(ErrorCode::PARSE_ERROR),
            e.jsonrpc_message(),
        ),
    )
}

/// A response object sent to a server is an Invalid Request too.
fn not_a_request() -> Response<'static> {
    Response::error(
        Id::NULL,
        ErrorObject::new(ErrorCode::INVALID_REQUEST, "Invalid Request"),
    )
}

impl<'a> Incoming<'a> {
    /// Runs a whole exchange: calls `dispatch` for every call (notifications included, their
    /// outcome discarded) and returns the exact bytes to send back, or `None` when the spec
    /// says to send nothing.
    pub fn respond<F>(&self, mut dispatch: F) -> Option<Vec<u8>>
    where
        F: FnMut(&Request<'_>) -> Outcome<'static>,
    {
        match self {
            Incoming::Call(req) => {
                let outcome = dispatch(req);
                let id = req.id.as_ref()?;
                Some(
                    Message::Response(Response {
                        id: id.borrowed(),
                        outcome,
                    })
                    .to_vec(),
                )
            }
            Incoming::Reject(resp) => Some(Message::Response(resp.clone()).to_vec()),
            Incoming::Batch(plan) => {
                // Replies in item order (the spec allows any order; this one is predictable).
                let mut reply = ReplyBuilder::new();
                for item in plan.items() {
                    match item {
                        Item::Invalid(resp) => reply.push(&resp),
                        Item::Call(req) => {
                            let outcome = dispatch(&req);
                            if let Some(id) = &req.id {
                                reply.push(&Response {
                                    id: id.borrowed(),
                                    outcome,
                                });
                            }
                        }
                    }
                }
                reply.finish()
            }
        }
    }
}

impl<'a> BatchPlan<'a> {
    /// The batch as decoded.
    pub fn batch(&self) -> &Batch<'a> {
        &self.batch
    }

    /// Every item in order: a call to dispatch, or an invalid item with its error response.
    pub fn items(&self) -> impl Iterator<Item = Item<'_>> + '_ {
        self.batch.iter().map(|m| match m {
            Ok(Message::Request(r)) => Item::Call(r),
            Ok(Message::Response(_)) => Item::Invalid(not_a_request()),
            Err(e) => Item::Invalid(error_reply(&e)),
        })
    }

    /// The calls to dispatch, in order.
    pub fn calls(&self) -> impl Iterator<Item = Request<'_>> + '_ {
        self.items().filter_map(|i| match i {
            Item::Call(r) => Some(r),
            Item::Invalid(_) => None,
        })
    }

    /// A reply builder already holding the error responses of the invalid items; push one
    /// response per dispatched request (not per notification), then [`ReplyBuilder::finish`].
    pub fn reply(&self) -> ReplyBuilder {
        let mut reply = ReplyBuilder::new();
        for item in self.items() {
            if let Item::Invalid(resp) = item {
                reply.push(&resp);
            }
        }
        reply
    }
}

/// Assembles a batch reply: §6 "The Server should respond with an Array containing the
/// corresponding Response objects" and "If there are no Response objects contained within the
/// Response array as it is to be sent to the client, the server MUST NOT return an empty
/// Array and should return nothing at all."
#[derive(Debug, Clone, Default)]
pub struct ReplyBuilder {
    buf: Vec<u8>,
    count: usize,
}

impl ReplyBuilder {
    /// An empty reply.
    pub fn new() -> Self {
        ReplyBuilder::default()
    }

    /// Appends one response (§6: "The Response objects ... MAY be returned in any order").
    pub fn push(&mut self, response: &Response<'_>) {
        self.buf.put_u8(if self.count == 0 { b'[' } else { b',' });
        self.buf.reserve(response.encoded_len() + 1);
        response.encode(&mut self.buf);
        self.count += 1;
    }

    /// Responses pushed so far.
    pub fn len(&self) -> usize {
        self.count
    }

    /// Whether nothing was pushed.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// The array to send, or `None` when there is nothing to send.
    pub fn finish(mut self) -> Option<Vec<u8>> {
        if self.count == 0 {
            return None;
        }
        self.buf.put_u8(b']');
        Some(self.buf)
    }
}

/// How a client should take one response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolution {
    /// It answers the outstanding request with this id (as the client wrote it); the id is
    /// no longer outstanding.
    Matched(Id<'static>),
    /// An error response with `id: null`: the server could not read the request (a parse
    /// error, an invalid request or an invalid batch), so it answers no particular id.
    Unattributed,
    /// Its id is not outstanding (never sent, or already answered).
    Unknown,
}

/// The client's mirror of [`serve`]: the ids it is waiting for, matched as responses arrive.
///
/// Ids match by value for strings (`"\u0041"` answers `"A"`) and by exact text for numbers,
/// since §5 requires the server to echo the id "the same as the value" it received.
#[derive(Debug, Clone, Default)]
pub struct Correlator {
    pending: HashMap<(IdKind, String), Id<'static>>,
}

impl Correlator {
    /// Nothing outstanding.
    pub fn new() -> Self {
        Correlator::default()
    }

    /// Records a sent request's id; `false` if that id is already outstanding.
    pub fn expect(&mut self, id: &Id<'_>) -> bool {
        let (kind, key) = id.match_key();
        let key = (kind, key.into_owned());
        if self.pending.contains_key(&key) {
            return false;
        }
        self.pending.insert(key, id.clone().into_owned());
        true
    }

    /// How many requests still await a response.
    pub fn outstanding(&self) -> usize {
        self.pending.len()
    }

    /// Takes one response.
    pub fn resolve(&mut self, response: &Response<'_>) -> Resolution {
        let (kind, key) = response.id.match_key();
        match self.pending.remove(&(kind, key.into_owned())) {
            Some(id) => Resolution::Matched(id),
            None if kind == IdKind::Null && matches!(response.outcome, Outcome::Error(_)) => {
                Resolution::Unattributed
            }
            None => Resolution::Unknown,
        }
    }

    /// Takes every response in a payload (one, or a batch in any order). Batch items that
    /// are not valid responses are returned as errors, in their place.
    pub fn resolve_all<'p>(
        &mut self,
        payload: &'p Payload<'_>,
    ) -> Vec<Result<(Resolution, Response<'p>), Error>> {
        let mut out = Vec::new();
        let mut take = |m: Result<Message<'p>, Error>, offset: usize, this: &mut Self| match m {
            Ok(Message::Response(r)) => out.push(Ok((this.resolve(&r), r))),
            Ok(Message::Request(_)) => out.push(Err(Error::Invalid {
                offset,
                problem: Problem::NotAResponse,
                id: None,
            })),
            Err(e) => out.push(Err(e)),
        };
        match payload {
            Payload::Single(m) => take(Ok(borrow_message(m)), 0, self),
            Payload::Batch(b) => {
                for ((offset, _), m) in b.raw_items().zip(b.iter()) {
                    take(m, offset, self);
                }
            }
        }
        out
    }
}
