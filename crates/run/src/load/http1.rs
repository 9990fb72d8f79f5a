//! HTTP/1.1 for the load loop, without a general-purpose client's machinery: the
//! request is encoded once ([`encode_request`]) and written as is; the response
//! head is parsed in place by `httparse` from a buffer the connection reuses, and
//! the body is framed (RFC 9112, section 6.3: no body, `Content-Length`, chunked,
//! or until close), counted and dropped. A request allocates nothing.
//!
//! Probes, availability and pages use reqwest (`exchange::perform`); this path only
//! answers what load needs: the status of a complete response, or why there was
//! none, in the same error vocabulary.

use http::{HeaderMap, Method, Uri};
use httparse::Status;
use tokio::io::{AsyncRead, AsyncReadExt as _, AsyncWrite, AsyncWriteExt as _};

use observe::exchange::TransportKind;

use crate::load::transport::{BodyCounter, Failure, RESET_KINDS};

/// Read buffer of a connection (grown up to [`MAX_HEAD`] for a large response head).
const BUFFER: usize = 8 * 1024;
const MAX_HEAD: usize = 64 * 1024;
const MAX_HEADERS: usize = 128;
/// Trailer section of a chunked body.
const MAX_TRAILERS: usize = 16 * 1024;

/// The request line, headers and body, ready to write.
pub fn encode_request(method: &Method, uri: &Uri, headers: &HeaderMap, body: &[u8]) -> Vec<u8> {
    let mut wire = Vec::with_capacity(256 + body.len());
    wire.extend_from_slice(method.as_str().as_bytes());
    wire.push(b' ');
    let target = uri.path_and_query().map_or("/", |p| p.as_str());
    wire.extend_from_slice(target.as_bytes());
    wire.extend_from_slice(b" HTTP/1.1\r\n");
    for (name, value) in headers {
        wire.extend_from_slice(name.as_str().as_bytes());
        wire.extend_from_slice(b": ");
        wire.extend_from_slice(value.as_bytes());
        wire.extend_from_slice(b"\r\n");
    }
    let sends_length =
        !body.is_empty() || matches!(*method, Method::POST | Method::PUT | Method::PATCH);
    if sends_length
        && !headers.contains_key(http::header::CONTENT_LENGTH)
        && !headers.contains_key(http::header::TRANSFER_ENCODING)
    {
        wire.extend_from_slice(format!("content-length: {}\r\n", body.len()).as_bytes());
    }
    wire.extend_from_slice(b"\r\n");
    wire.extend_from_slice(body);
    wire
}

/// How the body of a response is delimited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Framing {
    Empty,
    Length(u64),
    Chunked,
    UntilClose,
}

/// What the load needs of a response head.
#[derive(Debug)]
struct Head {
    status: u16,
    framing: Framing,
    keep_alive: bool,
    content_length: Option<u64>,
    content_encoding: Option<String>,
}

/// One HTTP/1.1 connection.
pub struct Http1<S> {
    io: S,
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// Whether another request may follow on this connection.
    reusable: bool,
    /// When the last response head was parsed (the time to first byte ends here).
    head_at: Option<std::time::Instant>,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Http1<S> {
    pub fn new(io: S) -> Http1<S> {
        Http1 {
            io,
            buf: vec![0; BUFFER],
            start: 0,
            end: 0,
            reusable: true,
            head_at: None,
        }
    }

    /// When the last exchange's response head arrived.
    pub fn head_at(&self) -> Option<std::time::Instant> {
        self.head_at
    }

    pub fn is_reusable(&self) -> bool {
        self.reusable
    }

    /// Writes `wire` and reads the whole response; the status of a complete
    /// response. `head_request`: the response has no body whatever it says.
    pub async fn exchange(
        &mut self,
        wire: &[u8],
        head_request: bool,
        max_body: u64,
    ) -> Result<u16, Failure> {
        self.reusable = false;
        self.head_at = None;
        let written = async {
            self.io.write_all(wire).await?;
            self.io.flush().await
        };
        if let Err(error) = written.await {
            // A closed keep-alive connection often fails here: nothing was answered.
            return Err(io_failure(&error, "while sending the request").retryable());
        }
        let head = loop {
            if let Some(head) = self.parse_head()? {
                // 1xx answers (100 Continue, 103 Early Hints) come before the real one.
                if (100..200).contains(&head.status) && head.status != 101 {
                    continue;
                }
                self.head_at = Some(std::time::Instant::now());
                break head;
            }
            let received = self.end - self.start;
            match self.fill().await {
                Ok(0) if received == 0 => {
                    return Err(Failure::new(
                        TransportKind::Reset,
                        crate::load::transport::CANCELED,
                    )
                    .retryable());
                }
                Ok(0) => {
                    return Err(Failure::new(
                        TransportKind::Reset,
                        "connection closed before a complete response header",
                    ));
                }
                Ok(_) => {}
                Err(error) if received == 0 => {
                    return Err(io_failure(&error, "before the response").retryable());
                }
                Err(error) => return Err(io_failure(&error, "before a complete response header")),
            }
        };
        let framing = if head_request || matches!(head.status, 204 | 304) {
            Framing::Empty
        } else {
            head.framing
        };
        let mut counter = BodyCounter::new(
            max_body,
            head.content_encoding.as_deref(),
            head.content_length,
            framing != Framing::Empty,
        )?;
        match framing {
            Framing::Empty => {}
            Framing::Length(length) => self.read_exact_body(length, &mut counter).await?,
            Framing::Chunked => self.read_chunked(&mut counter).await?,
            Framing::UntilClose => loop {
                if self.start == self.end && self.fill_body(&counter, true).await? == 0 {
                    break;
                }
                counter.push(&self.buf[self.start..self.end])?;
                self.start = self.end;
            },
        }
        counter.finish()?;
        // Bytes beyond the response would be a second, unasked-for answer.
        self.reusable = head.keep_alive && framing != Framing::UntilClose && self.start == self.end;
        Ok(head.status)
    }

    /// Parses a head from the buffered bytes, consuming it; `None` when incomplete.
    fn parse_head(&mut self) -> Result<Option<Head>, Failure> {
        let mut headers = [httparse::EMPTY_HEADER; MAX_HEADERS];
        let mut response = httparse::Response::new(&mut headers);
        let parsed = match response.parse(&self.buf[self.start..self.end]) {
            Ok(Status::Complete(length)) => length,
            Ok(Status::Partial) if self.end - self.start >= MAX_HEAD => {
                return Err(Failure::new(
                    TransportKind::Protocol,
                    format!("the response header is larger than {} KiB", MAX_HEAD / 1024),
                ));
            }
            Ok(Status::Partial) => return Ok(None),
            Err(error) => {
                return Err(Failure::new(
                    TransportKind::Protocol,
                    format!("the server did not answer with valid HTTP ({error})"),
                ));
            }
        };
        let status = response.code.unwrap_or_default();
        let mut keep_alive = response.version == Some(1);
        let mut content_length: Option<u64> = None;
        let mut chunked = None;
        let mut content_encoding: Option<String> = None;
        for header in response.headers.iter() {
            let value = header.value;
            if header.name.eq_ignore_ascii_case("content-length") {
                let length = std::str::from_utf8(value)
                    .ok()
                    .and_then(|v| v.trim().parse::<u64>().ok())
                    .ok_or_else(|| invalid_framing("Content-Length is not a number"))?;
                if content_length.is_some_and(|seen| seen != length) {
                    return Err(invalid_framing("two different Content-Length values"));
                }
                content_length = Some(length);
            } else if header.name.eq_ignore_ascii_case("transfer-encoding") {
                let last = value
                    .rsplit(|&b| b == b',')
                    .next()
                    .map(<[u8]>::trim_ascii)
                    .unwrap_or_default();
                chunked = Some(last.eq_ignore_ascii_case(b"chunked"));
            } else if header.name.eq_ignore_ascii_case("connection") {
                for token in value.split(|&b| b == b',').map(<[u8]>::trim_ascii) {
                    if token.eq_ignore_ascii_case(b"close") {
                        keep_alive = false;
                    } else if token.eq_ignore_ascii_case(b"keep-alive") {
                        keep_alive = true;
                    }
                }
            } else if header.name.eq_ignore_ascii_case("content-encoding") {
                let text = String::from_utf8_lossy(value);
                content_encoding = Some(match content_encoding {
                    Some(earlier) => format!("{earlier}, {text}"),
                    None => text.into_owned(),
                });
            }
        }
        // Transfer-Encoding wins over Content-Length (RFC 9112, 6.3).
        let framing = match (chunked, content_length) {
            (Some(true), _) => Framing::Chunked,
            (Some(false), _) => Framing::UntilClose,
            (None, Some(0)) => Framing::Empty,
            (None, Some(length)) => Framing::Length(length),
            (None, None) => Framing::UntilClose,
        };
        self.start += parsed;
        Ok(Some(Head {
            status,
            framing,
            keep_alive,
            content_length: content_length.filter(|_| chunked.is_none()),
            content_encoding,
        }))
    }

    async fn read_exact_body(
        &mut self,
        length: u64,
        counter: &mut BodyCounter,
    ) -> Result<(), Failure> {
        let mut left = length;
        while left > 0 {
            if self.start == self.end {
                self.fill_body(counter, false).await?;
            }
            let take = (self.end - self.start).min(usize::try_from(left).unwrap_or(usize::MAX));
            counter.push(&self.buf[self.start..self.start + take])?;
            self.start += take;
            left -= take as u64;
        }
        Ok(())
    }

    async fn read_chunked(&mut self, counter: &mut BodyCounter) -> Result<(), Failure> {
        loop {
            let size = loop {
                match httparse::parse_chunk_size(&self.buf[self.start..self.end]) {
                    Ok(Status::Complete((used, size))) => {
                        self.start += used;
                        break size;
                    }
                    Ok(Status::Partial) => {
                        self.fill_body(counter, false).await?;
                    }
                    Err(_) => return Err(invalid_framing("a chunk size is not valid")),
                }
            };
            if size == 0 {
                return self.skip_trailers(counter).await;
            }
            self.read_exact_body(size, counter).await?;
            while self.end - self.start < 2 {
                self.fill_body(counter, false).await?;
            }
            if &self.buf[self.start..self.start + 2] != b"\r\n" {
                return Err(invalid_framing("a chunk does not end with CRLF"));
            }
            self.start += 2;
        }
    }

    /// The trailer section after the last chunk: lines up to an empty one.
    async fn skip_trailers(&mut self, counter: &BodyCounter) -> Result<(), Failure> {
        let mut skipped = 0;
        loop {
            let available = &self.buf[self.start..self.end];
            match available.windows(2).position(|w| w == b"\r\n") {
                Some(0) => {
                    self.start += 2;
                    return Ok(());
                }
                Some(line) => {
                    self.start += line + 2;
                    skipped += line + 2;
                }
                None => {
                    self.fill_body(counter, false).await?;
                }
            }
            if skipped > MAX_TRAILERS {
                return Err(invalid_framing("the chunked trailer section is too large"));
            }
        }
    }

    /// Reads more bytes into the buffer; `Ok(0)` at end of stream, which only
    /// `until_close` bodies accept.
    async fn fill_body(
        &mut self,
        counter: &BodyCounter,
        until_close: bool,
    ) -> Result<usize, Failure> {
        match self.fill().await {
            Ok(0) if until_close => Ok(0),
            Ok(0) => Err(Failure::new(
                TransportKind::Reset,
                format!(
                    "connection closed in the middle of the body, after {} bytes",
                    counter.wire_bytes()
                ),
            )),
            Ok(read) => Ok(read),
            Err(error) => Err(io_failure(
                &error,
                &format!(
                    "in the middle of the body, after {} bytes",
                    counter.wire_bytes()
                ),
            )),
        }
    }

    /// Reads what the socket has into the free end of the buffer, making room first.
    async fn fill(&mut self) -> std::io::Result<usize> {
        if self.start == self.end {
            self.start = 0;
            self.end = 0;
        } else if self.end == self.buf.len() {
            if self.start > 0 {
                self.buf.copy_within(self.start..self.end, 0);
                self.end -= self.start;
                self.start = 0;
            } else if self.buf.len() < MAX_HEAD {
                self.buf.resize(MAX_HEAD, 0);
            }
        }
        let read = self.io.read(&mut self.buf[self.end..]).await?;
        self.end += read;
        Ok(read)
    }
}

fn invalid_framing(why: &str) -> Failure {
    Failure::new(
        TransportKind::Protocol,
        format!("invalid body framing: {why}"),
    )
}

fn io_failure(error: &std::io::Error, when: &str) -> Failure {
    if RESET_KINDS.contains(&error.kind()) {
        Failure::new(
            TransportKind::Reset,
            format!("connection closed {when} ({error})"),
        )
    } else if error.kind() == std::io::ErrorKind::TimedOut {
        Failure::new(
            TransportKind::Timeout,
            format!("timed out {when} ({error})"),
        )
    } else if error.kind() == std::io::ErrorKind::InvalidData {
        // rustls reports a broken TLS record this way.
        Failure::new(
            TransportKind::Protocol,
            format!("invalid data {when} ({error})"),
        )
    } else {
        Failure::new(
            TransportKind::Read,
            format!("error reading {when} ({error})"),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::duplex;

    /// Answers the client's requests with `answers`, one per request, on an
    /// in-memory pipe; returns the client side's results.
    async fn exchange_all(
        answers: Vec<&'static [u8]>,
        head_request: bool,
        max_body: u64,
    ) -> Vec<(Result<u16, Failure>, bool)> {
        let (client, mut server) = duplex(64 * 1024);
        let count = answers.len();
        let serve = tokio::spawn(async move {
            let mut scratch = [0u8; 4096];
            for answer in answers {
                let _ = server.read(&mut scratch).await;
                if server.write_all(answer).await.is_err() {
                    break;
                }
            }
            // Dropping the server end closes the stream.
        });
        let mut http = Http1::new(client);
        let mut results = Vec::new();
        for _ in 0..count {
            let result = http
                .exchange(b"GET / HTTP/1.1\r\n\r\n", head_request, max_body)
                .await;
            results.push((result, http.is_reusable()));
        }
        let _ = serve.await;
        results
    }

    fn status(results: &[(Result<u16, Failure>, bool)]) -> Vec<Result<(u16, bool), TransportKind>> {
        results
            .iter()
            .map(|(result, reusable)| match result {
                Ok(status) => Ok((*status, *reusable)),
                Err(failure) => Err(match failure.key {
                    crate::load::figures::ErrorKey::Transport(kind) => kind,
                    _ => TransportKind::Protocol,
                }),
            })
            .collect()
    }

    #[tokio::test]
    async fn framings_are_read_and_connections_kept() {
        let results = exchange_all(
            vec![
                b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
                b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n",
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n6;x=y\r\n world\r\n0\r\nX-Trailer: 1\r\n\r\n",
                b"HTTP/1.1 204 No Content\r\n\r\n",
                b"HTTP/1.1 503 Busy\r\nContent-Length: 2\r\nConnection: close\r\n\r\nno",
            ],
            false,
            1024,
        )
        .await;
        assert_eq!(
            status(&results),
            [
                Ok((200, true)),
                Ok((404, true)),
                Ok((200, true)),
                Ok((204, true)),
                Ok((503, false)),
            ]
        );
    }

    #[tokio::test]
    async fn a_body_until_close_ends_the_connection() {
        let results = exchange_all(vec![b"HTTP/1.0 200 OK\r\n\r\nall of it"], false, 1024).await;
        assert_eq!(status(&results), [Ok((200, false))]);
    }

    #[tokio::test]
    async fn head_answers_have_no_body() {
        let results = exchange_all(
            vec![
                b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n",
                b"HTTP/1.1 200 OK\r\nContent-Length: 500\r\n\r\n",
            ],
            true,
            10,
        )
        .await;
        assert_eq!(status(&results), [Ok((200, true)), Ok((200, true))]);
    }

    #[tokio::test]
    async fn broken_answers_are_named() {
        let cases: [(&'static [u8], TransportKind); 6] = [
            (b"SSH-2.0-OpenSSH_5.3\r\n\r\n", TransportKind::Protocol),
            (
                b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nshort",
                TransportKind::Reset,
            ),
            (
                b"HTTP/1.1 200 OK\r\nContent-Length: x\r\n\r\n",
                TransportKind::Protocol,
            ),
            (
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
                TransportKind::Protocol,
            ),
            (
                b"HTTP/1.1 200 OK\r\nContent-Length: 2048\r\n\r\n",
                TransportKind::BodyTooLarge,
            ),
            (
                b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n800\r\n",
                TransportKind::Reset,
            ),
        ];
        for (answer, expected) in cases {
            let results = exchange_all(vec![answer], false, 1024).await;
            assert_eq!(
                status(&results),
                [Err(expected)],
                "{}",
                String::from_utf8_lossy(answer)
            );
        }
        // Closed before any byte of an answer: retried by the caller on a reused connection.
        let results = exchange_all(vec![b""], false, 1024).await;
        assert!(matches!(&results[0].0, Err(failure) if failure.is_retryable()));
    }

    #[test]
    fn requests_are_encoded_once() {
        let mut headers = HeaderMap::new();
        headers.insert(http::header::HOST, "kab.example".parse().expect("value"));
        let get = encode_request(&Method::GET, &"/a?b=1".parse().expect("uri"), &headers, b"");
        assert_eq!(get, b"GET /a?b=1 HTTP/1.1\r\nhost: kab.example\r\n\r\n");
        let post = encode_request(&Method::POST, &"/f".parse().expect("uri"), &headers, b"x=1");
        assert!(post.ends_with(b"content-length: 3\r\n\r\nx=1"));
    }
}
