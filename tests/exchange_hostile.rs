//! `run::exchange::perform` against tiny hostile servers on 127.0.0.1 that write raw
//! bytes: every way a regional service can misbehave must end as data (an `Exchange`
//! with a transport kind and a sentence), quickly, with secrets redacted.

use std::future::Future;
use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use bytes::Bytes;
use http::Method;
use reqwest::Url;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use observe::exchange::{Exchange, TransportKind};
use observe::redact::Redactor;
use run::client::{ClientSettings, HttpVersionPolicy, Session, build_client};
use run::exchange::{RequestSpec, perform};

const SECRET: &str = "s3cr3t-t0ken-42";

/// A request as the server saw it.
struct Seen {
    method: String,
    path: String,
    head: String,
    body: Vec<u8>,
}

impl Seen {
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().skip(1).find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.trim()
                .eq_ignore_ascii_case(name)
                .then(|| v.trim().to_string())
        })
    }
}

/// Reads one request (head, and a body by Content-Length). `None` if the client went away.
async fn read_request(stream: &mut TcpStream) -> Option<Seen> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let mut seen = Seen {
        method: head.split(' ').next().unwrap_or("").to_string(),
        path: head.split(' ').nth(1).unwrap_or("").to_string(),
        head,
        body: buf[head_end..].to_vec(),
    };
    let length: usize = seen
        .header("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while seen.body.len() < length {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            break;
        }
        seen.body.extend_from_slice(&chunk[..n]);
    }
    Some(seen)
}

/// Starts a server that hands every accepted connection to `handler`.
async fn serve<F, Fut>(handler: F) -> SocketAddr
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let handler = Arc::new(handler);
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(handler(stream));
        }
    });
    addr
}

/// A server that answers each request with `respond(request)` and closes.
async fn serve_fn<F>(respond: F) -> SocketAddr
where
    F: Fn(&Seen) -> Vec<u8> + Send + Sync + 'static,
{
    let respond = Arc::new(respond);
    serve(move |mut stream| {
        let respond = Arc::clone(&respond);
        async move {
            if let Some(seen) = read_request(&mut stream).await {
                let _ = stream.write_all(&respond(&seen)).await;
                let _ = stream.shutdown().await;
            }
        }
    })
    .await
}

fn response(status: &str, headers: &[(&str, &str)], body: &[u8]) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\n").into_bytes();
    for (name, value) in headers {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "Content-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        )
        .as_bytes(),
    );
    out.extend_from_slice(body);
    out
}

fn redirect(status: &str, location: &str) -> Vec<u8> {
    response(status, &[("Location", location)], b"moved")
}

/// A session with its own cookie jar over a client of default settings.
fn session() -> Session {
    Session::new(
        build_client(&ClientSettings::default()).expect("client"),
        true,
    )
}

fn spec(url: &str) -> RequestSpec {
    let mut spec = RequestSpec::get(Url::parse(url).expect("url"));
    spec.timeout = Duration::from_secs(2);
    spec
}

async fn run(spec: &RequestSpec) -> Exchange {
    perform(&session(), spec, &Redactor::new([SECRET.to_string()])).await
}

fn kind(exchange: &Exchange) -> Option<TransportKind> {
    exchange.error.as_ref().map(|e| e.kind)
}

fn message(exchange: &Exchange) -> &str {
    exchange.error.as_ref().map_or("", |e| e.message.as_str())
}

fn gzip(data: &[u8]) -> Vec<u8> {
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(data).expect("gzip");
    e.finish().expect("gzip")
}

#[tokio::test]
async fn gzip_body_is_decoded_and_content_encoding_stays_visible() {
    let text = "Layanan Dukcapil: persyaratan, prosedur, biaya gratis. ".repeat(50);
    let compressed = gzip(text.as_bytes());
    let wire = compressed.len() as u64;
    let addr = serve_fn(move |seen| {
        assert_eq!(
            seen.header("accept-encoding").as_deref(),
            Some("gzip, br, zstd")
        );
        response(
            "200 OK",
            &[
                ("Content-Type", "text/plain; charset=utf-8"),
                ("Content-Encoding", "gzip"),
                ("X-Twice", "one"),
                ("X-Twice", "two"),
            ],
            &compressed,
        )
    })
    .await;
    let ex = run(&spec(&format!("http://{addr}/info"))).await;
    let r = ex
        .response
        .as_ref()
        .unwrap_or_else(|| panic!("{:?}", ex.error));
    assert_eq!(r.status, 200);
    assert_eq!(r.version, "HTTP/1.1");
    assert_eq!(r.text, text);
    assert_eq!(&r.body[..], text.as_bytes());
    assert_eq!(r.content_encoding.as_deref(), Some("gzip"));
    assert_eq!(r.header("content-encoding"), Some("gzip"));
    assert_eq!(r.wire_bytes, wire);
    assert_eq!(r.body_bytes, text.len() as u64);
    assert_eq!(r.remote_addr.as_deref(), Some(addr.to_string().as_str()));
    let twice: Vec<&str> = r.header_lines("x-twice").collect();
    assert_eq!(twice, ["one", "two"]);
    assert!(
        ex.request_headers
            .iter()
            .any(|(n, v)| n == "accept-encoding" && v == "gzip, br, zstd")
    );
    assert!(ex.redirects.is_empty());
    assert_eq!(ex.url, ex.final_url);
}

#[tokio::test]
async fn redirect_chain_is_followed_and_recorded() {
    let port = Arc::new(AtomicUsize::new(0));
    let port_in = Arc::clone(&port);
    let addr = serve_fn(move |seen| match seen.path.as_str() {
        "/a" => redirect("301 Moved Permanently", "/b"),
        "/b" => redirect(
            "302 Found",
            &format!("http://127.0.0.1:{}/c?x=1", port_in.load(Ordering::SeqCst)),
        ),
        "/c?x=1" => redirect("307 Temporary Redirect", "d"),
        "/d" => response("200 OK", &[], b"sampai"),
        _ => response("404 Not Found", &[], b""),
    })
    .await;
    port.store(usize::from(addr.port()), Ordering::SeqCst);
    let ex = run(&spec(&format!("http://{addr}/a"))).await;
    assert_eq!(ex.status(), Some(200), "{:?}", ex.error);
    let hops: Vec<(u16, &str)> = ex
        .redirects
        .iter()
        .map(|h| (h.status, h.location.as_str()))
        .collect();
    let absolute = format!("http://127.0.0.1:{}/c?x=1", addr.port());
    assert_eq!(hops, [(301, "/b"), (302, absolute.as_str()), (307, "d")]);
    assert_eq!(ex.redirects[0].url, format!("http://{addr}/a"));
    assert_eq!(ex.redirects[2].url, absolute);
    assert!(
        ex.redirects[0]
            .headers
            .iter()
            .any(|(n, v)| n == "location" && v == "/b")
    );
    assert_eq!(ex.final_url, format!("http://{addr}/d"));
    assert_eq!(
        ex.response.as_ref().map(|r| r.text.as_str()),
        Some("sampai")
    );
}

fn echo(seen: &Seen) -> Vec<u8> {
    let body = format!(
        "{} len={} ct={}",
        seen.method,
        seen.body.len(),
        seen.header("content-type").is_some()
    );
    response("200 OK", &[], body.as_bytes())
}

#[tokio::test]
async fn see_other_turns_post_into_get_and_307_keeps_it() {
    let addr = serve_fn(|seen| match seen.path.as_str() {
        "/submit" => redirect("303 See Other", "/echo"),
        "/moved" => redirect("302 Found", "/echo"),
        "/keep" => redirect("307 Temporary Redirect", "/echo"),
        "/keep-permanent" => redirect("308 Permanent Redirect", "/echo"),
        _ => echo(seen),
    })
    .await;
    let post = |path: &str| {
        let mut s = spec(&format!("http://{addr}{path}"));
        s.method = Method::POST;
        s.body = Some(Bytes::from_static(b"nik=3211"));
        s.headers = vec![(
            "Content-Type".into(),
            "application/x-www-form-urlencoded".into(),
        )];
        s
    };
    for (path, expected) in [
        ("/submit", "GET len=0 ct=false"),
        ("/moved", "GET len=0 ct=false"),
        ("/keep", "POST len=8 ct=true"),
        ("/keep-permanent", "POST len=8 ct=true"),
    ] {
        let ex = run(&post(path)).await;
        let text = ex.response.as_ref().map(|r| r.text.clone());
        assert_eq!(text.as_deref(), Some(expected), "{path}: {:?}", ex.error);
        assert_eq!(ex.method, "POST");
        assert_eq!(ex.redirects.len(), 1);
    }
}

#[tokio::test]
async fn one_hop_too_many_is_too_many_redirects() {
    let addr = serve_fn(|seen| {
        let n: u32 = seen.path.trim_start_matches('/').parse().unwrap_or(0);
        redirect("302 Found", &format!("/{}", n + 1))
    })
    .await;
    let mut s = spec(&format!("http://{addr}/0"));
    s.max_redirects = 3;
    let ex = run(&s).await;
    assert_eq!(kind(&ex), Some(TransportKind::TooManyRedirects));
    assert!(ex.response.is_none());
    // Three hops followed, the fourth recorded but not followed.
    assert_eq!(ex.redirects.len(), 4);
    assert_eq!(ex.redirects[3].location, "/4");
    assert_eq!(ex.final_url, format!("http://{addr}/3"));
    assert!(
        message(&ex).contains("more than 3 redirects"),
        "{}",
        message(&ex)
    );

    // max_redirects 0: the redirect itself is the final response.
    s.max_redirects = 0;
    let ex = run(&s).await;
    assert_eq!(ex.status(), Some(302), "{:?}", ex.error);
    assert!(ex.redirects.is_empty());
}

#[tokio::test]
async fn credentials_are_dropped_when_the_origin_changes() {
    let report = |seen: &Seen| {
        let body = format!(
            "auth={} cookie={} other={}",
            seen.header("authorization").is_some(),
            seen.header("cookie").is_some(),
            seen.header("x-other").is_some()
        );
        response("200 OK", &[], body.as_bytes())
    };
    let other = serve_fn(report).await;
    let origin = serve_fn(move |seen| match seen.path.as_str() {
        "/away" => redirect("302 Found", &format!("http://{other}/landing")),
        "/stay" => redirect("302 Found", "/here"),
        _ => report(seen),
    })
    .await;
    assert_ne!(origin.port(), other.port());
    let with_credentials = |path: &str| {
        let mut s = spec(&format!("http://{origin}{path}"));
        s.headers = vec![
            ("Authorization".into(), format!("Bearer {SECRET}")),
            ("Cookie".into(), "sid=abc".into()),
            ("X-Other".into(), "keep".into()),
        ];
        s
    };
    let ex = run(&with_credentials("/away")).await;
    let text = ex.response.as_ref().map(|r| r.text.as_str());
    assert_eq!(
        text,
        Some("auth=false cookie=false other=true"),
        "{:?}",
        ex.error
    );
    let ex = run(&with_credentials("/stay")).await;
    let text = ex.response.as_ref().map(|r| r.text.as_str());
    assert_eq!(
        text,
        Some("auth=true cookie=true other=true"),
        "{:?}",
        ex.error
    );
    // Recorded as sent, masked.
    assert!(
        ex.request_headers
            .iter()
            .any(|(n, v)| n == "Authorization" && v == "***")
    );
    assert!(
        ex.request_headers
            .iter()
            .any(|(n, v)| n == "Cookie" && v == "sid=***")
    );
}

#[tokio::test]
async fn refused_port_is_connect() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    drop(listener);
    let ex = run(&spec(&format!("http://{addr}/"))).await;
    assert_eq!(kind(&ex), Some(TransportKind::Connect), "{}", message(&ex));
    assert_eq!(message(&ex), format!("connection refused by {addr}"));
    assert!(ex.response.is_none());
}

#[tokio::test]
async fn reset_or_close_in_the_middle_of_the_headers_is_reset() {
    for abort in [true, false] {
        let addr = serve(move |mut stream| async move {
            if read_request(&mut stream).await.is_some() {
                let _ = stream
                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/pl")
                    .await;
                let _ = stream.flush().await;
                tokio::time::sleep(Duration::from_millis(50)).await;
                if abort {
                    // RST instead of FIN. (Deprecated because a non-zero linger blocks
                    // on drop; zero does not.)
                    #[allow(deprecated)]
                    let _ = stream.set_linger(Some(Duration::ZERO));
                }
                drop(stream);
            }
        })
        .await;
        let ex = run(&spec(&format!("http://{addr}/"))).await;
        assert_eq!(
            kind(&ex),
            Some(TransportKind::Reset),
            "abort={abort}: {}",
            message(&ex)
        );
        assert!(message(&ex).contains("before a complete response header"));
    }
}

#[tokio::test]
async fn close_in_the_middle_of_the_body_is_reset() {
    let addr = serve(|mut stream| async move {
        if read_request(&mut stream).await.is_some() {
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\nonly ten b")
                .await;
            let _ = stream.shutdown().await;
        }
    })
    .await;
    let ex = run(&spec(&format!("http://{addr}/"))).await;
    assert_eq!(kind(&ex), Some(TransportKind::Reset), "{}", message(&ex));
    assert!(
        message(&ex).contains("middle of the body"),
        "{}",
        message(&ex)
    );
}

#[tokio::test]
async fn stalled_body_is_timeout_within_the_limit() {
    let addr = serve(|mut stream| async move {
        if read_request(&mut stream).await.is_some() {
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 1000\r\n\r\n0123456789")
                .await;
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
    })
    .await;
    let mut s = spec(&format!("http://{addr}/"));
    s.timeout = Duration::from_millis(500);
    let start = Instant::now();
    let ex = run(&s).await;
    let elapsed = start.elapsed();
    assert_eq!(kind(&ex), Some(TransportKind::Timeout), "{}", message(&ex));
    assert!(elapsed >= Duration::from_millis(500), "{elapsed:?}");
    // Generous slack: a shared 2-core CI machine runs these in parallel.
    assert!(elapsed < Duration::from_millis(2000), "{elapsed:?}");
    assert!(ex.latency >= Duration::from_millis(500));
    assert!(
        message(&ex).starts_with("no complete response within 500ms"),
        "{}",
        message(&ex)
    );
    assert!(message(&ex).contains("10 bytes"), "{}", message(&ex));
}

#[tokio::test]
async fn silent_server_is_timeout() {
    let addr = serve(|mut stream| async move {
        let _ = read_request(&mut stream).await;
        tokio::time::sleep(Duration::from_secs(30)).await;
    })
    .await;
    let mut s = spec(&format!("http://{addr}/"));
    s.timeout = Duration::from_millis(300);
    let ex = run(&s).await;
    assert_eq!(kind(&ex), Some(TransportKind::Timeout), "{}", message(&ex));
    assert!(
        message(&ex).contains("no response headers"),
        "{}",
        message(&ex)
    );
}

#[tokio::test]
async fn endless_body_is_body_too_large_quickly() {
    let written = Arc::new(AtomicU64::new(0));
    let counter = Arc::clone(&written);
    let addr = serve(move |mut stream| {
        let counter = Arc::clone(&counter);
        async move {
            if read_request(&mut stream).await.is_some() {
                let _ = stream
                    .write_all(
                        b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n",
                    )
                    .await;
                let chunk = vec![b'x'; 64 * 1024];
                while stream.write_all(&chunk).await.is_ok() {
                    counter.fetch_add(chunk.len() as u64, Ordering::SeqCst);
                }
            }
        }
    })
    .await;
    let mut s = spec(&format!("http://{addr}/"));
    s.max_body = 256 * 1024;
    let start = Instant::now();
    let ex = run(&s).await;
    assert_eq!(
        kind(&ex),
        Some(TransportKind::BodyTooLarge),
        "{}",
        message(&ex)
    );
    assert!(
        start.elapsed() < Duration::from_secs(2),
        "{:?}",
        start.elapsed()
    );
    assert!(message(&ex).contains("256 KiB"), "{}", message(&ex));
    // The client stopped reading at once: the server could write little more than the
    // cap plus the socket buffers.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let sent = written.load(Ordering::SeqCst);
    assert!(sent < 64 * 1024 * 1024, "server wrote {sent} bytes");
}

#[tokio::test]
async fn announced_length_over_the_cap_is_refused_before_reading() {
    let addr = serve(|mut stream| async move {
        if read_request(&mut stream).await.is_some() {
            let _ = stream
                .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999\r\n\r\nabc")
                .await;
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
    })
    .await;
    let mut s = spec(&format!("http://{addr}/"));
    s.max_body = 1024;
    let ex = run(&s).await;
    assert_eq!(
        kind(&ex),
        Some(TransportKind::BodyTooLarge),
        "{}",
        message(&ex)
    );
    assert!(message(&ex).contains("Content-Length"), "{}", message(&ex));
}

#[tokio::test]
async fn gzip_bomb_is_body_too_large() {
    let bomb = gzip(&vec![0u8; 16 * 1024 * 1024]);
    let bomb_len = bomb.len();
    let addr = serve_fn(move |_| response("200 OK", &[("Content-Encoding", "gzip")], &bomb)).await;
    assert!(bomb_len < 64 * 1024);
    let mut s = spec(&format!("http://{addr}/"));
    s.max_body = 1024 * 1024;
    let ex = run(&s).await;
    assert_eq!(
        kind(&ex),
        Some(TransportKind::BodyTooLarge),
        "{}",
        message(&ex)
    );
    assert!(message(&ex).contains("decoded body"), "{}", message(&ex));
}

#[tokio::test]
async fn corrupt_encoding_is_protocol() {
    let addr = serve_fn(|_| {
        response(
            "200 OK",
            &[("Content-Encoding", "gzip")],
            b"<html>not gzip</html>",
        )
    })
    .await;
    let ex = run(&spec(&format!("http://{addr}/"))).await;
    assert_eq!(kind(&ex), Some(TransportKind::Protocol), "{}", message(&ex));
    assert!(message(&ex).contains("gzip"), "{}", message(&ex));
}

#[tokio::test]
async fn garbage_bytes_are_protocol() {
    let addr = serve(|mut stream| async move {
        if read_request(&mut stream).await.is_some() {
            let _ = stream
                .write_all(b"SSH-2.0-OpenSSH_9.6\r\n\x00\x01\x02 not http at all\r\n\r\n")
                .await;
            let _ = stream.shutdown().await;
        }
    })
    .await;
    let ex = run(&spec(&format!("http://{addr}/"))).await;
    assert_eq!(kind(&ex), Some(TransportKind::Protocol), "{}", message(&ex));
    assert!(message(&ex).contains("valid HTTP"), "{}", message(&ex));
}

#[tokio::test]
async fn invalid_utf8_becomes_replacement_characters() {
    let addr = serve_fn(|seen| match seen.path.as_str() {
        "/latin1" => response(
            "200 OK",
            &[("Content-Type", "text/html; charset=ISO-8859-1")],
            b"Kantor Camat \xe9",
        ),
        _ => response(
            "200 OK",
            &[("Content-Type", "text/plain")],
            b"Kantor Camat \xe9\xff!",
        ),
    })
    .await;
    let ex = run(&spec(&format!("http://{addr}/utf8"))).await;
    let r = ex
        .response
        .as_ref()
        .unwrap_or_else(|| panic!("{:?}", ex.error));
    assert_eq!(r.text, "Kantor Camat \u{fffd}\u{fffd}!");
    assert_eq!(&r.body[..], b"Kantor Camat \xe9\xff!");
    let ex = run(&spec(&format!("http://{addr}/latin1"))).await;
    assert_eq!(
        ex.response.as_ref().map(|r| r.text.as_str()),
        Some("Kantor Camat é")
    );
}

#[tokio::test]
async fn secrets_in_urls_headers_and_errors_are_redacted() {
    let addr = serve_fn(|seen| match seen.path.as_str() {
        p if p.starts_with("/cari") => redirect("302 Found", &format!("/hasil?token={SECRET}")),
        _ => response(
            "200 OK",
            &[
                ("Set-Cookie", &format!("sid={SECRET}; Path=/; HttpOnly")),
                ("X-Echo", &format!("token {SECRET}")),
            ],
            format!("body keeps {SECRET}").as_bytes(),
        ),
    })
    .await;
    let mut s = spec(&format!("http://{addr}/cari?q=jalan&token={SECRET}"));
    s.headers = vec![("X-Api-Key".into(), SECRET.into())];
    let ex = run(&s).await;
    assert_eq!(ex.status(), Some(200), "{:?}", ex.error);
    assert_eq!(ex.url, format!("http://{addr}/cari?q=jalan&token=***"));
    assert_eq!(ex.final_url, format!("http://{addr}/hasil?token=***"));
    assert_eq!(ex.redirects[0].location, "/hasil?token=***");
    let r = ex.response.as_ref().expect("response");
    assert!(
        r.headers
            .contains(&("set-cookie".into(), "sid=***; Path=/; HttpOnly".into()))
    );
    assert!(r.headers.contains(&("x-echo".into(), "token ***".into())));
    // Raw data stays available to matchers and captures, and is never serialized.
    assert_eq!(r.text, format!("body keeps {SECRET}"));
    assert_eq!(r.header("x-echo"), Some(format!("token {SECRET}").as_str()));
    let json = serde_json::to_string(&ex).expect("json");
    assert!(!json.contains(SECRET), "{json}");
    assert!(json.contains("***"));

    // A secret in the host name shows up in the error sentence: redacted too.
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let refused = listener.local_addr().expect("addr");
    drop(listener);
    let host = format!("{SECRET}.test");
    let settings = ClientSettings {
        resolve: vec![(host.clone(), refused.ip())],
        ..ClientSettings::default()
    };
    let pinned = build_client(&settings).expect("client");
    let s = spec(&format!("http://{host}:{}/?token={SECRET}", refused.port()));
    let ex = perform(
        &Session::new(pinned, true),
        &s,
        &Redactor::new([SECRET.to_string()]),
    )
    .await;
    assert_eq!(kind(&ex), Some(TransportKind::Connect), "{}", message(&ex));
    assert_eq!(
        message(&ex),
        format!("connection refused by ***.test:{}", refused.port())
    );
    let json = serde_json::to_string(&ex).expect("json");
    assert!(!json.contains(SECRET), "{json}");
}

/// Fails every lookup the way the system resolver does for an unknown name.
struct NoSuchHost;

impl reqwest::dns::Resolve for NoSuchHost {
    fn resolve(&self, _name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        Box::pin(async {
            Err::<reqwest::dns::Addrs, _>(Box::new(std::io::Error::other(
                "failed to lookup address information: Name or service not known",
            ))
                as Box<dyn std::error::Error + Send + Sync>)
        })
    }
}

#[tokio::test]
async fn failed_lookup_is_dns() {
    run::client::install_crypto_provider();
    let client = reqwest::Client::builder()
        .no_proxy()
        .dns_resolver(Arc::new(NoSuchHost))
        .build()
        .expect("client");
    let s = spec(&format!("http://{SECRET}.kab.example/"));
    let ex = perform(
        &Session::new(client, true),
        &s,
        &Redactor::new([SECRET.to_string()]),
    )
    .await;
    assert_eq!(kind(&ex), Some(TransportKind::Dns), "{}", message(&ex));
    assert!(
        message(&ex).starts_with("could not resolve host ***.kab.example"),
        "{}",
        message(&ex)
    );
    assert!(
        message(&ex).contains("Name or service not known"),
        "{}",
        message(&ex)
    );
}

#[tokio::test]
async fn tls_to_a_plain_tcp_server_is_tls() {
    let addr = serve(|mut stream| async move {
        let mut buf = [0u8; 1024];
        let _ = stream.read(&mut buf).await;
        let _ = stream
            .write_all(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
            .await;
        let _ = stream.shutdown().await;
    })
    .await;
    let ex = run(&spec(&format!("https://{addr}/"))).await;
    assert_eq!(kind(&ex), Some(TransportKind::Tls), "{}", message(&ex));
    assert!(message(&ex).contains("TLS"), "{}", message(&ex));
}

#[tokio::test]
async fn protocol_version_alert_is_tls_legacy_only() {
    let addr = serve(|mut stream| async move {
        let mut buf = [0u8; 1024];
        let _ = stream.read(&mut buf).await;
        // A TLS 1.0 record: fatal alert protocol_version, as a server that knows only
        // older versions answers a TLS 1.2/1.3 ClientHello.
        let _ = stream
            .write_all(&[0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46])
            .await;
        let _ = stream.shutdown().await;
    })
    .await;
    let ex = run(&spec(&format!("https://{addr}/"))).await;
    assert_eq!(
        kind(&ex),
        Some(TransportKind::TlsLegacyOnly),
        "{}",
        message(&ex)
    );
    assert!(
        message(&ex).contains("older than TLS 1.2"),
        "{}",
        message(&ex)
    );
}

/// A CA and a leaf for 127.0.0.1, and a TLS server answering HTTP/1.1 with them.
async fn tls_server() -> (SocketAddr, String) {
    let ca_key = rcgen::KeyPair::generate().expect("key");
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    let ca_cert = ca_params.self_signed(&ca_key).expect("ca");
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let leaf_key = rcgen::KeyPair::generate().expect("key");
    let leaf_params = rcgen::CertificateParams::new(vec!["127.0.0.1".to_string()]).expect("leaf");
    let leaf = leaf_params.signed_by(&leaf_key, &issuer).expect("leaf");

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone()],
            rustls_pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into()),
        )
        .expect("server config");
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                let Ok(mut tls) = acceptor.accept(stream).await else {
                    return;
                };
                let mut buf = [0u8; 4096];
                let _ = tls.read(&mut buf).await;
                let _ = tls.write_all(&response("200 OK", &[], b"aman")).await;
                let _ = tls.shutdown().await;
            });
        }
    });
    (addr, ca_cert.pem())
}

#[tokio::test]
async fn untrusted_certificate_is_tls_and_ca_file_or_insecure_fixes_it() {
    let (addr, ca_pem) = tls_server().await;
    let url = format!("https://{addr}/");
    let ex = run(&spec(&url)).await;
    assert_eq!(kind(&ex), Some(TransportKind::Tls), "{}", message(&ex));
    assert_eq!(message(&ex), "certificate not trusted: UnknownIssuer");

    for settings in [
        ClientSettings {
            extra_roots_pem: vec![ca_pem.into_bytes()],
            ..ClientSettings::default()
        },
        ClientSettings {
            insecure: true,
            ..ClientSettings::default()
        },
    ] {
        let client = build_client(&settings).expect("client");
        let ex = perform(
            &Session::new(client, true),
            &spec(&url),
            &Redactor::default(),
        )
        .await;
        assert_eq!(ex.status(), Some(200), "{settings:?}: {:?}", ex.error);
        let r = ex.response.as_ref().expect("response");
        assert_eq!(r.text, "aman");
        assert_eq!(r.version, "HTTP/1.1");
    }
}

#[tokio::test]
async fn http2_prior_knowledge_is_recorded_as_http2() {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let service = hyper::service::service_fn(|_request| async {
                    Ok::<_, std::convert::Infallible>(hyper::Response::new(String::from("dua")))
                });
                let _ =
                    hyper::server::conn::http2::Builder::new(hyper_util::rt::TokioExecutor::new())
                        .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                        .await;
            });
        }
    });
    let client = build_client(&ClientSettings {
        http: HttpVersionPolicy::Http2,
        ..ClientSettings::default()
    })
    .expect("client");
    let ex = perform(
        &Session::new(client, true),
        &spec(&format!("http://{addr}/")),
        &Redactor::default(),
    )
    .await;
    let r = ex
        .response
        .as_ref()
        .unwrap_or_else(|| panic!("{:?}", ex.error));
    assert_eq!(r.version, "HTTP/2");
    assert_eq!(r.text, "dua");
}

#[test]
fn perform_is_send() {
    fn assert_send<T: Send>(_: &T) {}
    let session = session();
    let spec = spec("http://127.0.0.1:9/");
    let redactor = Redactor::default();
    let future = perform(&session, &spec, &redactor);
    assert_send(&future);
}

/// A scenario's cookies follow it from probe to probe, and through redirects, but
/// never reach another scenario that shares its client and connections.
#[tokio::test]
async fn cookies_belong_to_the_session_not_the_shared_client() {
    let addr = serve_fn(|seen| match seen.path.as_str() {
        "/masuk" => response(
            "303 See Other",
            &[
                ("Set-Cookie", "sesi=rahasia; Path=/"),
                ("Location", "/profil"),
            ],
            b"",
        ),
        _ => {
            let cookie = seen.header("cookie").unwrap_or_else(|| "-".to_string());
            response("200 OK", &[], cookie.as_bytes())
        }
    })
    .await;
    let client = build_client(&ClientSettings::default()).expect("client");
    let text = |ex: &Exchange| {
        ex.response
            .as_ref()
            .map(|r| r.text.clone())
            .unwrap_or_else(|| format!("{:?}", ex.error))
    };
    let redactor = Redactor::default();

    let first = Session::new(client.clone(), true);
    let login = perform(&first, &spec(&format!("http://{addr}/masuk")), &redactor).await;
    assert_eq!(
        text(&login),
        "sesi=rahasia",
        "the redirect's target gets the cookie just set"
    );
    let next = perform(&first, &spec(&format!("http://{addr}/profil")), &redactor).await;
    assert_eq!(
        text(&next),
        "sesi=rahasia",
        "the next probe of the scenario sends it"
    );

    let second = Session::new(client.clone(), true);
    let other = perform(&second, &spec(&format!("http://{addr}/profil")), &redactor).await;
    assert_eq!(
        text(&other),
        "-",
        "another scenario on the same client has its own jar"
    );

    let without = Session::new(client, false);
    perform(&without, &spec(&format!("http://{addr}/masuk")), &redactor).await;
    let after = perform(&without, &spec(&format!("http://{addr}/profil")), &redactor).await;
    assert_eq!(text(&after), "-", "cookies: false keeps no cookie");
}
