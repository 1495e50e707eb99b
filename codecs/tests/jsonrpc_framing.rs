//! Framing: newline-delimited and `Content-Length` streams, incremental outcomes and limits.
#![cfg(feature = "jsonrpc")]

use msgwire::jsonrpc::framing::{
    decode_content_length, decode_line, encode_content_length, encode_line, LineDecoder,
};
use msgwire::jsonrpc::{Error, Limits};
use msgwire::Decoded;

fn lines(mut buf: &[u8]) -> (Vec<&[u8]>, usize) {
    let mut out = Vec::new();
    let mut consumed = 0;
    while let Decoded::Complete { value, used } = decode_line(buf, &Limits::default()).unwrap() {
        out.push(value);
        buf = &buf[used..];
        consumed += used;
    }
    (out, consumed)
}

#[test]
fn ndjson_splits_lines_and_skips_blank_ones() {
    let stream = b"{\"a\":1}\n\r\n  \n{\"b\":2}\r\n{\"c\"";
    let (frames, consumed) = lines(stream);
    assert_eq!(frames, [&b"{\"a\":1}"[..], b"{\"b\":2}"]);
    assert_eq!(&stream[consumed..], b"{\"c\"");
    assert_eq!(
        decode_line(b"{\"c\"", &Limits::default()),
        Ok(Decoded::NeedMore { at_least: 1 })
    );
    assert_eq!(
        decode_line(b"", &Limits::default()),
        Ok(Decoded::NeedMore { at_least: 1 })
    );
}

#[test]
fn line_decoder_answers_like_decode_line_and_does_not_look_back() {
    let limits = Limits::default();
    let mut lines = LineDecoder::default();
    // Blank lines, then a line arriving in pieces: the same answers as `decode_line`.
    let mut buf = b"\n \r\n".to_vec();
    for piece in [&b"{\"a\""[..], b":1", b"}\r", b"\n{"] {
        assert_eq!(
            lines.decode(&buf, &limits),
            decode_line(&buf, &limits),
            "{buf:?}"
        );
        buf.extend_from_slice(piece);
    }
    assert_eq!(
        lines.decode(&buf, &limits),
        Ok(Decoded::Complete {
            value: &b"{\"a\":1}"[..],
            used: 13
        })
    );
    // After `Complete` the search starts over on what the caller kept.
    buf.drain(..13);
    assert_eq!(
        lines.decode(&buf, &limits),
        Ok(Decoded::NeedMore { at_least: 1 })
    );
    // Bytes already searched are not searched again: a newline planted behind the search
    // position (which the contract forbids) goes unseen, where `decode_line` finds it. This is
    // what keeps a line fed in small reads linear.
    buf.extend_from_slice(b"xy");
    assert_eq!(
        lines.decode(&buf, &limits),
        Ok(Decoded::NeedMore { at_least: 1 })
    );
    buf[1] = b'\n';
    buf.push(b'z');
    assert_eq!(
        lines.decode(&buf, &limits),
        Ok(Decoded::NeedMore { at_least: 1 })
    );
    assert!(matches!(
        decode_line(&buf, &limits),
        Ok(Decoded::Complete { .. })
    ));
    // A buffer shorter than what was searched (the contract broken the other way) starts over.
    assert_eq!(
        lines.decode(b"{}\n", &limits),
        Ok(Decoded::Complete {
            value: &b"{}"[..],
            used: 3
        })
    );
}

#[test]
fn ndjson_line_limit_fails_before_buffering_more() {
    let limits = Limits {
        max_message: 8,
        ..Limits::default()
    };
    assert_eq!(
        decode_line(b"123456789", &limits),
        Err(Error::TooLarge { len: 9, limit: 8 })
    );
    assert_eq!(
        decode_line(b"12345678", &limits),
        Ok(Decoded::NeedMore { at_least: 1 })
    );
    assert_eq!(
        decode_line(b"123456789\n", &limits).unwrap_err().kind(),
        "too-large"
    );
}

#[test]
fn ndjson_encoder_keeps_one_message_per_line() {
    let mut out = Vec::new();
    encode_line(b"{\"a\":\n[1,\r\n2]}", &mut out);
    assert_eq!(out, b"{\"a\": [1,  2]}\n");
    let (frames, _) = lines(&out);
    let v: serde_json::Value = serde_json::from_slice(frames[0]).unwrap();
    assert_eq!(v, serde_json::json!({"a": [1, 2]}));
}

#[test]
fn content_length_frames() {
    let mut stream = Vec::new();
    encode_content_length(b"{\"x\":1}", &mut stream);
    stream.extend_from_slice(
        b"content-length: 2\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n[]",
    );
    assert!(stream.starts_with(b"Content-Length: 7\r\n\r\n{\"x\":1}"));
    let l = Limits::default();
    let Decoded::Complete { value, used } = decode_content_length(&stream, &l).unwrap() else {
        panic!()
    };
    assert_eq!((value, used), (&b"{\"x\":1}"[..], 28));
    let Decoded::Complete { value, used } = decode_content_length(&stream[used..], &l).unwrap()
    else {
        panic!()
    };
    assert_eq!(value, b"[]");
    assert_eq!(used, stream.len() - 28);
}

#[test]
fn content_length_need_more_counts_body_bytes() {
    let l = Limits::default();
    assert_eq!(
        decode_content_length(b"Content-Length: 10\r\n\r\n{}", &l),
        Ok(Decoded::NeedMore { at_least: 8 })
    );
    assert_eq!(
        decode_content_length(b"Content-Length: 10\r\n", &l),
        Ok(Decoded::NeedMore { at_least: 1 })
    );
    assert_eq!(
        decode_content_length(b"Cont", &l),
        Ok(Decoded::NeedMore { at_least: 1 })
    );
}

#[test]
fn content_length_header_errors() {
    let l = Limits::default();
    let kind = |b: &[u8]| decode_content_length(b, &l).unwrap_err();
    assert!(matches!(
        kind(b"Content-Type: x\r\n\r\n{}"),
        Error::Header {
            detail: "missing Content-Length",
            ..
        }
    ));
    assert!(matches!(
        kind(b"Content-Length: -1\r\n\r\n"),
        Error::Header { offset: 15, .. }
    ));
    assert!(matches!(
        kind(b"Content-Length: 1x\r\n\r\n"),
        Error::Header { .. }
    ));
    assert!(matches!(
        kind(b"Content-Length: \r\n\r\n"),
        Error::Header { .. }
    ));
    assert!(matches!(
        kind(b"Content-Length: 99999999999999999999\r\n\r\n"),
        Error::Header { .. }
    ));
    assert!(matches!(
        kind(b"Content-Length: 1\r\nContent-Length: 2\r\n\r\n"),
        Error::Header {
            detail: "conflicting Content-Length headers",
            ..
        }
    ));
    assert!(matches!(
        kind(b"garbage\r\n"),
        Error::Header {
            detail: "header field without ':'",
            ..
        }
    ));
    assert!(matches!(
        kind(b"Content-Length: 1\nX: y\r\n"),
        Error::Header { .. }
    ));
    assert_eq!(kind(b"garbage\r\n").kind(), "frame-header");
    assert_eq!(kind(b"garbage\r\n").code(), None);
    // A declared body above the limit fails at the header, before any body byte arrives.
    let small = Limits {
        max_message: 100,
        ..Limits::default()
    };
    assert_eq!(
        decode_content_length(b"Content-Length: 101\r\n\r\n", &small),
        Err(Error::TooLarge {
            len: 101,
            limit: 100
        })
    );
    // An endless header section fails at the header limit.
    let endless = vec![b'a'; 5000];
    assert!(matches!(
        decode_content_length(&endless, &l),
        Err(Error::Header { .. })
    ));
}

#[cfg(feature = "tokio")]
#[test]
fn tokio_codecs_frame_and_encode() {
    use bytes::BytesMut;
    use msgwire::jsonrpc::framing::{ContentLengthCodec, NdjsonCodec};
    use tokio_util::codec::{Decoder, Encoder};

    let mut buf = BytesMut::new();
    let mut lc = NdjsonCodec::default();
    lc.encode(&b"{\"a\":1}"[..], &mut buf).unwrap();
    buf.extend_from_slice(b"{\"b\"");
    assert_eq!(lc.decode(&mut buf).unwrap().unwrap(), &b"{\"a\":1}"[..]);
    assert_eq!(lc.decode(&mut buf).unwrap(), None);
    assert_eq!(&buf[..], b"{\"b\"");

    let mut buf = BytesMut::new();
    let mut cl = ContentLengthCodec::default();
    cl.encode(&b"[1]"[..], &mut buf).unwrap();
    let half = buf.split_to(buf.len() - 1);
    let mut partial = half.clone();
    assert_eq!(cl.decode(&mut partial).unwrap(), None);
    partial.extend_from_slice(&buf);
    assert_eq!(cl.decode(&mut partial).unwrap().unwrap(), &b"[1]"[..]);
    assert!(partial.is_empty());
    let mut bad = BytesMut::from(&b"nope\r\n"[..]);
    assert!(cl.decode(&mut bad).is_err());
}
