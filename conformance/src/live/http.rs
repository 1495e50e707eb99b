//! A minimal HTTP/1.1 client for the live JSON-RPC and XML-RPC suites: one POST per connection
//! (`Connection: close`), std networking only.
//!
//! Bounded in time and memory whatever the server does: one deadline covers connect, write and
//! read; the head may take 64 KiB, the body `max_body` bytes (checked against a declared
//! `Content-Length` or chunk size before any of it is buffered). Bodies come framed by
//! `Content-Length`, by chunked transfer coding, or by the close of the connection (RFC 9112
//! §6.3); 1xx interim responses are skipped.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};

use super::{left, Trace};

/// Largest response head accepted. Real servers send well under 1 KiB of headers.
const MAX_HEAD: usize = 64 << 10;

/// Where to POST: parsed from `http://host[:port][/path]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    /// `host:port` to connect to.
    pub addr: String,
    /// The `Host` header value.
    pub host: String,
    /// The request target (`/` when the URL has no path).
    pub path: String,
}

impl Endpoint {
    /// Parses `http://host[:port][/path]` (port 80 by default). `https` is not supported.
    pub fn parse(url: &str) -> Result<Endpoint, String> {
        let rest = url
            .strip_prefix("http://")
            .ok_or_else(|| format!("not an http:// URL: {url}"))?;
        let (hostport, path) = match rest.find('/') {
            Some(i) => (&rest[..i], rest[i..].to_string()),
            None => (rest, "/".to_string()),
        };
        if hostport.is_empty() {
            return Err(format!("no host in {url}"));
        }
        let addr = if hostport
            .rsplit_once(':')
            .is_some_and(|(_, p)| !p.contains(']'))
        {
            hostport.to_string()
        } else {
            format!("{hostport}:80")
        };
        Ok(Endpoint {
            addr,
            host: hostport.to_string(),
            path,
        })
    }
}

/// A complete HTTP response.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reply {
    /// Status code.
    pub status: u16,
    /// Header fields in order, names lower-cased.
    pub headers: Vec<(String, String)>,
    /// The body (de-chunked).
    pub body: Vec<u8>,
}

impl Reply {
    /// The first value of header `name` (lower case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }
}

/// Why no complete response came.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Failure {
    /// Could not connect (refused, unresolvable, timed out).
    Connect(String),
    /// Nothing, or not a whole response, within the deadline (what came is in the trace).
    Timeout(usize),
    /// The connection closed (or reset) before a whole response.
    Closed(usize),
    /// Bytes that are no HTTP/1.x response, or a response over the limits.
    Bad(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Connect(e) => write!(f, "could not connect: {e}"),
            Failure::Timeout(0) => write!(f, "nothing came within the timeout"),
            Failure::Timeout(n) => write!(
                f,
                "no complete response within the timeout ({n} bytes came)"
            ),
            Failure::Closed(0) => write!(f, "the connection closed without a response"),
            Failure::Closed(n) => write!(f, "the connection closed mid-response (after {n} bytes)"),
            Failure::Bad(e) => write!(f, "not a valid HTTP response: {e}"),
        }
    }
}

fn preview(bytes: &[u8]) -> String {
    const MAX: usize = 160;
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(MAX)]);
    let mut s: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    if bytes.len() > MAX {
        s.push_str(&format!("… ({} bytes)", bytes.len()));
    }
    s
}

/// POSTs `body` and reads the response, all within `timeout`.
pub fn post(
    ep: &Endpoint,
    content_type: &str,
    body: &[u8],
    timeout: Duration,
    max_body: usize,
    trace: &mut Trace,
) -> Result<Reply, Failure> {
    let deadline = Instant::now() + timeout;
    let addr = ep
        .addr
        .to_socket_addrs()
        .map_err(|e| Failure::Connect(format!("resolve {}: {e}", ep.addr)))?
        .next()
        .ok_or_else(|| Failure::Connect(format!("no address for {}", ep.addr)))?;
    let mut stream = TcpStream::connect_timeout(&addr, timeout)
        .map_err(|e| Failure::Connect(format!("{addr}: {e}")))?;
    stream.set_nodelay(true).ok();
    let mut request = format!(
        "POST {} HTTP/1.1\r\nHost: {}\r\nUser-Agent: msgwire-check\r\nContent-Type: {content_type}\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n",
        ep.path,
        ep.host,
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(body);
    trace.log(">", &request, format!("POST {} {}", ep.path, preview(body)));
    // A server that does not read may stall the write: bounded by the same deadline.
    stream.set_write_timeout(Some(left(deadline))).ok();
    if let Err(e) = stream.write_all(&request) {
        // It may have answered (e.g. 413) before reading everything: try to read that.
        trace.log("!", &[], format!("write: {e}"));
    }
    let result = read_reply(&mut stream, deadline, max_body, trace);
    let _ = stream.shutdown(std::net::Shutdown::Both);
    result
}

/// Reads one response (skipping 1xx) from `stream` by `deadline`.
pub fn read_reply(
    stream: &mut TcpStream,
    deadline: Instant,
    max_body: usize,
    trace: &mut Trace,
) -> Result<Reply, Failure> {
    let mut buf: Vec<u8> = Vec::new();
    let mut eof = false;
    loop {
        match parse(&buf, eof, max_body) {
            Ok(Some((reply, used))) => {
                if (100..200).contains(&reply.status) {
                    trace.log(
                        "<",
                        &buf[..used],
                        format!("HTTP {} (interim)", reply.status),
                    );
                    buf.drain(..used);
                    continue;
                }
                trace.log(
                    "<",
                    &buf[..used],
                    format!("HTTP {} {}", reply.status, preview(&reply.body)),
                );
                return Ok(reply);
            }
            Ok(None) if eof => {
                trace.log("!", &buf, "connection closed mid-response");
                return Err(Failure::Closed(buf.len()));
            }
            Ok(None) => {}
            Err(e) => {
                trace.log("!", &buf, format!("bad response: {e}"));
                return Err(Failure::Bad(e));
            }
        }
        if Instant::now() >= deadline {
            trace.log("!", &buf, "timeout");
            return Err(Failure::Timeout(buf.len()));
        }
        stream.set_read_timeout(Some(left(deadline))).ok();
        let mut chunk = [0u8; 16 << 10];
        match stream.read(&mut chunk) {
            Ok(0) => eof = true,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock
                        | std::io::ErrorKind::TimedOut
                        | std::io::ErrorKind::Interrupted
                ) => {}
            Err(e) => {
                trace.log("!", &buf, format!("socket error: {e}"));
                return Err(Failure::Closed(buf.len()));
            }
        }
    }
}

/// A whole response at the start of `buf` and the bytes it used; `None` if more is needed.
/// `eof`: the peer closed, so a body framed by the close is complete.
fn parse(buf: &[u8], eof: bool, max_body: usize) -> Result<Option<(Reply, usize)>, String> {
    let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
        if buf.len() > MAX_HEAD {
            return Err(format!("no end of the head in {MAX_HEAD} bytes"));
        }
        if buf.len() >= 5 && !buf.starts_with(b"HTTP/") {
            return Err(format!(
                "starts with {:?}",
                preview(&buf[..buf.len().min(16)])
            ));
        }
        return Ok(None);
    };
    if end > MAX_HEAD {
        return Err(format!("head over {MAX_HEAD} bytes"));
    }
    let head = std::str::from_utf8(&buf[..end]).map_err(|_| "head is not UTF-8".to_string())?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or("");
    if !version.starts_with("HTTP/1.") {
        return Err(format!("status line {status_line:?}"));
    }
    let status: u16 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .filter(|s| (100..1000).contains(s))
        .ok_or_else(|| format!("status line {status_line:?}"))?;
    let mut headers = Vec::new();
    for line in lines {
        let (name, value) = line
            .split_once(':')
            .ok_or_else(|| format!("header line {line:?}"))?;
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
    }
    let start = end + 4;
    let rest = &buf[start..];
    let find = |n: &str| headers.iter().find(|(h, _)| h == n).map(|(_, v)| v.clone());
    let mut reply = Reply {
        status,
        headers: Vec::new(),
        body: Vec::new(),
    };
    // RFC 9112 §6.3: 1xx, 204 and 304 have no body; then chunked; then Content-Length; else
    // the body runs to the close.
    if (100..200).contains(&status) || status == 204 || status == 304 {
        reply.headers = headers;
        return Ok(Some((reply, start)));
    }
    if find("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked")) {
        return match dechunk(rest, max_body)? {
            Some((body, used)) => {
                reply.body = body;
                reply.headers = headers;
                Ok(Some((reply, start + used)))
            }
            None => Ok(None),
        };
    }
    if let Some(v) = find("content-length") {
        let len: usize = v.parse().map_err(|_| format!("Content-Length {v:?}"))?;
        if len > max_body {
            return Err(format!(
                "Content-Length {len} is over the limit of {max_body}"
            ));
        }
        if rest.len() < len {
            return Ok(None);
        }
        reply.body = rest[..len].to_vec();
        reply.headers = headers;
        return Ok(Some((reply, start + len)));
    }
    if rest.len() > max_body {
        return Err(format!("body over the limit of {max_body}"));
    }
    if !eof {
        return Ok(None);
    }
    reply.body = rest.to_vec();
    reply.headers = headers;
    Ok(Some((reply, buf.len())))
}

/// Decodes a chunked body: the body and the bytes used, or `None` if incomplete.
fn dechunk(buf: &[u8], max_body: usize) -> Result<Option<(Vec<u8>, usize)>, String> {
    let mut body = Vec::new();
    let mut at = 0;
    loop {
        let Some(eol) = buf[at..].windows(2).position(|w| w == b"\r\n") else {
            if buf.len() - at > 1024 {
                return Err("chunk-size line over 1 KiB".into());
            }
            return Ok(None);
        };
        let line = std::str::from_utf8(&buf[at..at + eol]).map_err(|_| "chunk size")?;
        let hex = line.split(';').next().unwrap_or("").trim();
        let size = usize::from_str_radix(hex, 16).map_err(|_| format!("chunk size {line:?}"))?;
        if size > max_body.saturating_sub(body.len()) {
            return Err(format!("chunked body over the limit of {max_body}"));
        }
        at += eol + 2;
        if size == 0 {
            // Trailer fields, then an empty line.
            loop {
                let Some(eol) = buf[at..].windows(2).position(|w| w == b"\r\n") else {
                    return Ok(None);
                };
                at += eol + 2;
                if eol == 0 {
                    return Ok(Some((body, at)));
                }
            }
        }
        if buf.len() < at + size + 2 {
            return Ok(None);
        }
        body.extend_from_slice(&buf[at..at + size]);
        if &buf[at + size..at + size + 2] != b"\r\n" {
            return Err("chunk not followed by CRLF".into());
        }
        at += size + 2;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_parse() {
        let e = Endpoint::parse("http://127.0.0.1:8080/RPC2").unwrap();
        assert_eq!(
            (e.addr.as_str(), e.path.as_str()),
            ("127.0.0.1:8080", "/RPC2")
        );
        let e = Endpoint::parse("http://example.com").unwrap();
        assert_eq!(
            (e.addr.as_str(), e.host.as_str(), e.path.as_str()),
            ("example.com:80", "example.com", "/")
        );
        assert!(Endpoint::parse("https://x").is_err());
    }

    #[test]
    fn bodies_by_length_chunks_and_close() {
        let r = b"HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nabcX";
        let (reply, used) = parse(r, false, 100).unwrap().unwrap();
        assert_eq!((reply.body.as_slice(), used), (&b"abc"[..], r.len() - 1));
        let r = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n";
        let (reply, used) = parse(r, false, 100).unwrap().unwrap();
        assert_eq!((reply.body.as_slice(), used), (&b"abcde"[..], r.len()));
        let r = b"HTTP/1.0 200 OK\r\n\r\nuntil close";
        assert_eq!(parse(r, false, 100).unwrap(), None);
        assert_eq!(parse(r, true, 100).unwrap().unwrap().0.body, b"until close");
        let r = b"HTTP/1.1 204 No Content\r\n\r\n";
        assert!(parse(r, false, 100).unwrap().unwrap().0.body.is_empty());
        // Incomplete and over-limit.
        assert_eq!(
            parse(
                b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\nab",
                false,
                100
            )
            .unwrap(),
            None
        );
        assert!(parse(
            b"HTTP/1.1 200 OK\r\nContent-Length: 101\r\n\r\n",
            false,
            100
        )
        .is_err());
        assert!(parse(
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffff\r\n",
            false,
            100
        )
        .is_err());
        assert!(parse(b"garbage!", false, 100).is_err());
    }
}
