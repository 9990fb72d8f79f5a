//! The sandbox through real sockets: TLS with its own CA, the three services'
//! traits, exact fault counts, every hostile knob, and a prompt shutdown.
//! Only 127.0.0.1 is ever contacted.

use std::io::Read;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

use sandbox::{
    Behaviour, BodyFault, ConnectionFault, HUGE_BODY_BYTES, Knobs, RedirectLoop, Sandbox,
    SandboxConfig, Service,
};

const NIK: &str = "3299010101900001";

async fn start() -> Sandbox {
    start_with(Knobs::default()).await
}

async fn start_with(knobs: Knobs) -> Sandbox {
    let mut config = SandboxConfig::ephemeral();
    config.knobs = knobs;
    Sandbox::start(config).await.expect("sandbox starts")
}

fn tls_config(sandbox: &Sandbox) -> rustls::ClientConfig {
    let mut roots = rustls::RootCertStore::empty();
    for cert in CertificateDer::pem_slice_iter(sandbox.ca_pem().as_bytes()) {
        roots
            .add(cert.expect("CA PEM parses"))
            .expect("CA is usable");
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("ring supports the default versions")
        .with_root_certificates(roots)
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    config
}

/// A client that trusts the sandbox CA, resolves the three hosts to 127.0.0.1,
/// follows no redirects and does not decompress (so Content-Encoding stays visible).
fn client(sandbox: &Sandbox) -> reqwest::Client {
    let loopback = SocketAddr::from(([127, 0, 0, 1], 0));
    let mut builder = reqwest::Client::builder()
        .tls_backend_preconfigured(tls_config(sandbox))
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(20));
    for service in Service::ALL {
        builder = builder.resolve(service.host(), loopback);
    }
    builder.build().expect("client builds")
}

fn https(sandbox: &Sandbox, service: Service, path: &str) -> String {
    format!("https://{}:{}{path}", service.host(), sandbox.https_port())
}

fn http(sandbox: &Sandbox, service: Service, path: &str) -> String {
    format!("http://{}:{}{path}", service.host(), sandbox.http_port())
}

fn header<'a>(response: &'a reqwest::Response, name: &str) -> &'a str {
    response
        .headers()
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("header {name} missing"))
}

fn gunzip(bytes: &[u8]) -> String {
    let mut text = String::new();
    flate2::read::GzDecoder::new(bytes)
        .read_to_string(&mut text)
        .expect("valid gzip");
    text
}

/// The text outside tags (near enough for pages without scripts or comments).
fn visible_text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

/// One HTTP/1.1 request on a raw socket; returns what came back before EOF or the
/// read error.
async fn raw_request(addr: SocketAddr, host: &str, path: &str) -> std::io::Result<Vec<u8>> {
    let mut tcp = TcpStream::connect(addr).await?;
    let request = format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n");
    tcp.write_all(request.as_bytes()).await?;
    let mut out = Vec::new();
    tcp.read_to_end(&mut out).await?;
    Ok(out)
}

#[tokio::test]
async fn dukcapil_over_https_is_well_run() {
    let sandbox = start().await;
    let client = client(&sandbox);

    let response = client
        .get(https(&sandbox, Service::Dukcapil, "/standar-pelayanan"))
        .header("accept-encoding", "gzip, br, zstd")
        .send()
        .await
        .expect("https works with the sandbox CA");
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.version(),
        reqwest::Version::HTTP_2,
        "ALPN offers h2"
    );
    assert_eq!(
        header(&response, "strict-transport-security"),
        "max-age=31536000; includeSubDomains"
    );
    let csp = header(&response, "content-security-policy");
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"));
    assert_eq!(header(&response, "x-content-type-options"), "nosniff");
    assert_eq!(header(&response, "x-frame-options"), "DENY");
    assert!(response.headers().contains_key("referrer-policy"));
    assert!(response.headers().contains_key("permissions-policy"));
    let server = header(&response, "server");
    assert!(!server.chars().any(|c| c.is_ascii_digit()), "{server}");
    assert_eq!(header(&response, "content-encoding"), "gzip");
    let cookie = header(&response, "set-cookie");
    for attribute in ["Secure", "HttpOnly", "SameSite=Lax"] {
        assert!(cookie.contains(attribute), "{cookie}");
    }
    let page = gunzip(&response.bytes().await.expect("body"));
    assert!(page.contains(r#"<html lang="id">"#));
    assert!(page.contains(r#"<meta name="viewport""#));
    for component in [
        "Persyaratan",
        "prosedur",
        "Jangka waktu",
        "Biaya/tarif",
        "Gratis",
        "Produk",
        "pengaduan",
        "Jam pelayanan: Senin-Jumat 08.00 - 15.00 WIB",
        "(0261) 555-0101",
    ] {
        assert!(
            page.contains(component),
            "standar-pelayanan lacks {component}"
        );
    }

    // Without Accept-Encoding the same page comes plain.
    let plain = client
        .get(https(&sandbox, Service::Dukcapil, "/pengaduan"))
        .send()
        .await
        .expect("page");
    assert!(plain.headers().get("content-encoding").is_none());
    let text = plain.text().await.expect("text");
    assert!(text.contains("https://www.lapor.go.id"));
    assert!(text.contains(r#"<label for="isi">"#) && text.contains("<textarea id=\"isi\""));

    let found: serde_json::Value = client
        .get(https(
            &sandbox,
            Service::Dukcapil,
            &format!("/api/v1/penduduk/{NIK}"),
        ))
        .send()
        .await
        .expect("api")
        .json()
        .await
        .expect("json");
    assert_eq!(found["data"]["nik"], NIK);
    assert_eq!(found["data"]["nama"], "Budi Santoso");

    for (nik, status) in [("3299019999999999", 404), ("12345", 400)] {
        let response = client
            .get(https(
                &sandbox,
                Service::Dukcapil,
                &format!("/api/v1/penduduk/{nik}"),
            ))
            .send()
            .await
            .expect("api");
        assert_eq!(response.status(), status);
        assert_eq!(header(&response, "content-type"), "application/json");
        let body: serde_json::Value = response.json().await.expect("JSON error body");
        assert_eq!(body["status"], "error");
    }

    let verified: serde_json::Value = client
        .post(https(&sandbox, Service::Dukcapil, "/api/v1/verifikasi"))
        .json(&serde_json::json!({ "nik": NIK, "nama": "budi  santoso" }))
        .send()
        .await
        .expect("verify")
        .json()
        .await
        .expect("json");
    assert_eq!(verified["status"], "ok");
    assert_eq!(verified["data"]["cocok"], true);
    let ticket = verified["data"]["ticket"]
        .as_str()
        .expect("ticket")
        .to_owned();
    let looked_up: serde_json::Value = client
        .get(https(
            &sandbox,
            Service::Dukcapil,
            &format!("/api/v1/verifikasi/{ticket}"),
        ))
        .send()
        .await
        .expect("ticket lookup")
        .json()
        .await
        .expect("json");
    assert_eq!(looked_up["data"]["hasil"]["ticket"], ticket.as_str());

    let bad = client
        .post(https(&sandbox, Service::Dukcapil, "/api/v1/verifikasi"))
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .expect("verify");
    assert_eq!(bad.status(), 400);
    assert_eq!(header(&bad, "content-type"), "application/json");

    let openapi: serde_json::Value = client
        .get(https(&sandbox, Service::Dukcapil, "/openapi.json"))
        .send()
        .await
        .expect("openapi")
        .json()
        .await
        .expect("json");
    assert!(
        openapi["openapi"]
            .as_str()
            .is_some_and(|v| v.starts_with("3."))
    );

    sandbox.shutdown().await;
}

#[tokio::test]
async fn dukcapil_http_redirects_to_the_https_port() {
    let sandbox = start().await;
    let response = client(&sandbox)
        .get(http(&sandbox, Service::Dukcapil, "/standar-pelayanan?x=1"))
        .send()
        .await
        .expect("http answers");
    assert_eq!(response.status(), 301);
    assert_eq!(
        header(&response, "location"),
        format!(
            "https://dukcapil.contohkab.go.id:{}/standar-pelayanan?x=1",
            sandbox.https_port()
        )
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn perizinan_is_middling() {
    let sandbox = start().await;
    let client = client(&sandbox);

    let over_http = client
        .get(http(&sandbox, Service::Perizinan, "/"))
        .send()
        .await
        .expect("http");
    assert_eq!(over_http.status(), 200, "no redirect to https");

    let started = Instant::now();
    let page = client
        .get(https(&sandbox, Service::Perizinan, "/"))
        .header("accept-encoding", "gzip")
        .send()
        .await
        .expect("https");
    assert!(
        started.elapsed() >= Duration::from_millis(30),
        "30-200 ms latency"
    );
    assert_eq!(header(&page, "strict-transport-security"), "max-age=86400");
    assert!(page.headers().get("content-security-policy").is_none());
    let cookie = header(&page, "set-cookie");
    assert!(cookie.contains("Secure") && cookie.contains("HttpOnly"));
    assert!(
        !cookie.to_ascii_lowercase().contains("samesite"),
        "{cookie}"
    );
    let html = page.text().await.expect("page");
    assert!(html.contains(r#"<html lang="id">"#));
    assert!(
        html.contains("<img src=\"/static/logo.svg\">"),
        "an image without alt"
    );

    let standard = visible_text(
        &client
            .get(https(&sandbox, Service::Perizinan, "/standar-pelayanan"))
            .send()
            .await
            .expect("page")
            .text()
            .await
            .expect("text"),
    )
    .to_lowercase();
    for present in ["persyaratan", "prosedur", "biaya", "produk"] {
        assert!(standard.contains(present), "{present}");
    }
    for absent in ["jangka waktu", "waktu pelayanan", "pengaduan", "keluhan"] {
        assert!(!standard.contains(absent), "{absent} should be missing");
    }

    let search: serde_json::Value = client
        .get(https(&sandbox, Service::Perizinan, "/api/izin?q=izin"))
        .send()
        .await
        .expect("search")
        .json()
        .await
        .expect("json");
    let items = search["data"]["items"].as_array().expect("items");
    assert!(items.len() >= 3, "{search}");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn pengaduan_refuses_https_and_shows_its_age() {
    let sandbox = start().await;
    let client = client(&sandbox);

    let refused = client
        .get(https(&sandbox, Service::Pengaduan, "/"))
        .send()
        .await;
    assert!(refused.is_err(), "https to pengaduan must fail");

    // The failure is the TLS handshake itself, not anything later.
    let connector = tokio_rustls::TlsConnector::from(Arc::new(tls_config(&sandbox)));
    let tcp = TcpStream::connect(sandbox.https_addr()).await.expect("tcp");
    let name = ServerName::try_from(Service::Pengaduan.host()).expect("name");
    assert!(connector.connect(name, tcp).await.is_err());

    let tcp = TcpStream::connect(sandbox.https_addr()).await.expect("tcp");
    let name = ServerName::try_from(Service::Perizinan.host()).expect("name");
    assert!(
        connector.connect(name, tcp).await.is_ok(),
        "other names still work"
    );

    let status =
        past_seeded_500s(&client, &http(&sandbox, Service::Pengaduan, "/api/status")).await;
    assert_eq!(header(&status, "server"), "Apache/2.2.15 (CentOS)");
    assert_eq!(header(&status, "x-powered-by"), "PHP/5.4.16");
    assert!(header(&status, "content-type").starts_with("text/html"));
    let body: serde_json::Value = status.json().await.expect("JSON despite the label");
    assert_eq!(body["status"], "ok");

    let missing = past_seeded_500s(
        &client,
        &http(&sandbox, Service::Pengaduan, "/standar-pelayanan"),
    )
    .await;
    assert_eq!(missing.status(), 404);
    sandbox.shutdown().await;
}

/// Pengaduan's seeded 500s can hit any request, but never three in a row (each of
/// the eight falls in its own stretch of 12 or 13 requests).
async fn past_seeded_500s(client: &reqwest::Client, url: &str) -> reqwest::Response {
    for _ in 0..2 {
        let response = client.get(url).send().await.expect("http answers");
        if response.status() != 500 {
            return response;
        }
    }
    client.get(url).send().await.expect("http answers")
}

#[tokio::test]
async fn pengaduan_fails_exactly_8_of_100_and_stalls_5() {
    let sandbox = start().await;
    let client = client(&sandbox);
    let url = http(&sandbox, Service::Pengaduan, "/health");
    // Concurrent, so the five 1 s stalls overlap; the sequence numbers are still
    // 0..100 whatever order the requests arrive in.
    let requests = (0..100).map(|_| {
        let client = client.clone();
        let url = url.clone();
        async move {
            let started = Instant::now();
            let status = client.get(&url).send().await.expect("answer").status();
            (status, started.elapsed())
        }
    });
    let results = futures_util::future::join_all(requests).await;
    let errors = results.iter().filter(|(s, _)| s.is_server_error()).count();
    let slow = results
        .iter()
        .filter(|(_, t)| *t >= Duration::from_secs(1))
        .count();
    assert_eq!(errors, 8);
    assert!(slow >= 5, "{slow} answers took 1 s or more");
    assert_eq!(sandbox.requests_seen(Service::Pengaduan), 100);
    assert_eq!(sandbox.requests_seen(Service::Dukcapil), 0);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn unknown_host_is_404_naming_the_known_hosts() {
    let sandbox = start().await;
    let reply = raw_request(sandbox.http_addr(), "example.org", "/")
        .await
        .expect("answer");
    let text = String::from_utf8_lossy(&reply);
    assert!(text.starts_with("HTTP/1.1 404"));
    for service in Service::ALL {
        assert!(text.contains(service.host()));
    }
    sandbox.shutdown().await;
}

#[tokio::test]
async fn env_and_ca_file() {
    let sandbox = start().await;
    let env = sandbox.env();
    let names: Vec<&str> = env.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        [
            "UJILAB_SANDBOX_HTTP_PORT",
            "UJILAB_SANDBOX_HTTPS_PORT",
            "UJILAB_SANDBOX_CA",
            "UJILAB_SANDBOX_PORTAL_PASSWORD"
        ]
    );
    assert_eq!(env[0].1, sandbox.http_port().to_string());
    assert_eq!(env[1].1, sandbox.https_port().to_string());
    let on_disk = std::fs::read_to_string(sandbox.ca_path()).expect("CA file");
    assert_eq!(on_disk, sandbox.ca_pem());
    let ca_path = sandbox.ca_path().to_owned();
    sandbox.shutdown().await;
    assert!(!ca_path.exists(), "the temporary CA goes with the sandbox");
}

#[tokio::test]
async fn knob_delay_error_rate_and_headers() {
    let sandbox = start().await;
    let client = client(&sandbox);
    let url = https(&sandbox, Service::Dukcapil, "/health");

    sandbox.set_behaviour(
        Service::Dukcapil,
        Behaviour::new().with_delay(Duration::from_millis(300)),
    );
    let started = Instant::now();
    client.get(&url).send().await.expect("answer");
    assert!(started.elapsed() >= Duration::from_millis(300));

    sandbox.set_behaviour(Service::Dukcapil, Behaviour::new().with_error_percent(25));
    // Start at a block boundary so that the next 100 requests are exactly one block.
    let mut seen = sandbox.requests_seen(Service::Dukcapil);
    while seen % 100 != 0 {
        client.get(&url).send().await.expect("answer");
        seen += 1;
    }
    let mut errors = 0;
    for _ in 0..100 {
        let status = client.get(&url).send().await.expect("answer").status();
        if status == 503 {
            errors += 1;
        }
    }
    assert_eq!(errors, 25);

    sandbox.set_behaviour(
        Service::Dukcapil,
        Behaviour::new()
            .without_header("Content-Security-Policy")
            .with_header("X-Tambahan", "ya")
            .with_header("Strict-Transport-Security", "max-age=0"),
    );
    let response = client.get(&url).send().await.expect("answer");
    assert!(response.headers().get("content-security-policy").is_none());
    assert_eq!(header(&response, "x-tambahan"), "ya");
    let hsts: Vec<_> = response
        .headers()
        .get_all("strict-transport-security")
        .iter()
        .collect();
    assert_eq!(hsts.len(), 2, "an added header repeats an existing one");

    sandbox.clear_knobs();
    let response = client.get(&url).send().await.expect("answer");
    assert!(response.headers().contains_key("content-security-policy"));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn knob_bodies() {
    let sandbox = start().await;
    let client = client(&sandbox);
    let url = https(&sandbox, Service::Perizinan, "/health");

    sandbox.set_behaviour(
        Service::Perizinan,
        Behaviour::new().with_body(BodyFault::Stalled),
    );
    let response = client.get(&url).send().await.expect("headers arrive");
    assert_eq!(response.status(), 200);
    let stalled = tokio::time::timeout(Duration::from_millis(500), response.bytes()).await;
    assert!(stalled.is_err(), "the body never completes");

    sandbox.set_behaviour(
        Service::Perizinan,
        Behaviour::new().with_body(BodyFault::huge()),
    );
    let mut response = client.get(&url).send().await.expect("headers arrive");
    assert_eq!(
        header(&response, "content-length"),
        HUGE_BODY_BYTES.to_string()
    );
    let mut total = 0u64;
    while let Some(chunk) = response.chunk().await.expect("chunk") {
        total += chunk.len() as u64;
    }
    assert_eq!(total, HUGE_BODY_BYTES);

    sandbox.set_behaviour(
        Service::Perizinan,
        Behaviour::new().with_body(BodyFault::Endless),
    );
    let mut response = client.get(&url).send().await.expect("headers arrive");
    assert!(response.headers().get("content-length").is_none());
    let mut total = 0usize;
    while total < 8 * 1024 * 1024 {
        let chunk = response.chunk().await.expect("chunk").expect("never ends");
        total += chunk.len();
    }
    drop(response);

    sandbox.set_behaviour(
        Service::Perizinan,
        Behaviour::new().with_body(BodyFault::InvalidUtf8),
    );
    let response = client.get(&url).send().await.expect("answer");
    assert_eq!(
        header(&response, "content-type"),
        "text/plain; charset=utf-8"
    );
    let bytes = response.bytes().await.expect("body");
    assert!(std::str::from_utf8(&bytes).is_err());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn knob_redirect_loops() {
    let sandbox = start().await;
    let client = client(&sandbox);

    sandbox.set_behaviour(
        Service::Perizinan,
        Behaviour::new().with_redirect_loop(RedirectLoop::ToItself),
    );
    let response = client
        .get(https(&sandbox, Service::Perizinan, "/cari?q=1"))
        .send()
        .await
        .expect("answer");
    assert_eq!(response.status(), 302);
    assert_eq!(header(&response, "location"), "/cari?q=1");

    sandbox.set_behaviour(
        Service::Perizinan,
        Behaviour::new().with_redirect_loop(RedirectLoop::BetweenTwoPaths),
    );
    let mut path = "/".to_owned();
    let mut hops = Vec::new();
    for _ in 0..4 {
        let response = client
            .get(https(&sandbox, Service::Perizinan, &path))
            .send()
            .await
            .expect("answer");
        assert_eq!(response.status(), 302);
        path = header(&response, "location").to_owned();
        hops.push(path.clone());
    }
    assert_eq!(hops, ["/loop/a", "/loop/b", "/loop/a", "/loop/b"]);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn knob_connection_reset_and_garbage() {
    let knobs = Knobs::new()
        .with(
            Service::Perizinan,
            Behaviour::new().with_connection(ConnectionFault::Reset),
        )
        .with(
            Service::Pengaduan,
            Behaviour::new().with_connection(ConnectionFault::Garbage),
        );
    let sandbox = start_with(knobs).await;

    let reset = raw_request(sandbox.http_addr(), Service::Perizinan.host(), "/").await;
    match reset {
        Err(error) => assert_eq!(error.kind(), std::io::ErrorKind::ConnectionReset),
        Ok(bytes) => panic!("expected a reset, got {} bytes", bytes.len()),
    }
    let over_tls = client(&sandbox)
        .get(https(&sandbox, Service::Perizinan, "/"))
        .send()
        .await;
    assert!(over_tls.is_err(), "reset over TLS too");

    let garbage = raw_request(sandbox.http_addr(), Service::Pengaduan.host(), "/")
        .await
        .expect("bytes arrive");
    assert!(garbage.starts_with(b"SSH-2.0"), "{garbage:?}");
    let via_client = client(&sandbox)
        .get(http(&sandbox, Service::Pengaduan, "/"))
        .send()
        .await;
    assert!(via_client.is_err(), "an HTTP client cannot parse garbage");
    sandbox.shutdown().await;
}

#[tokio::test]
async fn knob_hostile_markup() {
    let sandbox = start().await;
    let client = client(&sandbox);
    sandbox.set_behaviour(Service::Dukcapil, Behaviour::new().with_hostile_markup());

    let json = client
        .get(https(&sandbox, Service::Dukcapil, "/health"))
        .send()
        .await
        .expect("answer");
    assert_eq!(header(&json, "x-note"), "<script>alert(1)</script>");
    assert_eq!(header(&json, "content-location"), "javascript:alert(1)");
    let body: serde_json::Value = json.json().await.expect("still JSON");
    assert_eq!(body["status"], "UP");
    assert_eq!(body["keterangan"], "\"><img src=x onerror=alert(1)>");

    let page = client
        .get(https(&sandbox, Service::Dukcapil, "/"))
        .send()
        .await
        .expect("answer")
        .text()
        .await
        .expect("text");
    for payload in [
        "<script>alert(1)</script>",
        "\"><img src=x onerror=alert(1)>",
        "href=\"javascript:alert(1)\"",
    ] {
        assert!(page.contains(payload), "{payload}");
    }
    assert!(page.trim_end().ends_with("</html>"));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn knob_periodic_stall() {
    let before_start = Instant::now();
    let knobs = Knobs::new().with(
        Service::Perizinan,
        Behaviour::new().with_periodic_stall(Duration::from_secs(1), Duration::from_millis(500)),
    );
    let sandbox = start_with(knobs).await;
    let started = Instant::now();
    let client = client(&sandbox);
    let url = http(&sandbox, Service::Perizinan, "/health");
    // Warm the connection so that the measured requests only wait for the stall.
    client.get(&url).send().await.expect("answer");

    // The sandbox clock started between `before_start` and `started`; 650 ms after
    // `before_start` is inside the hold window [500 ms, 1 s) of the first period.
    tokio::time::sleep_until((before_start + Duration::from_millis(650)).into()).await;
    let held_from = Instant::now();
    client.get(&url).send().await.expect("answer");
    let released = Instant::now();
    assert!(
        released >= started + Duration::from_millis(900),
        "held until the period ends"
    );
    assert!(released - held_from >= Duration::from_millis(200));
    sandbox.shutdown().await;
}

#[tokio::test]
async fn shutdown_is_prompt_with_stalled_and_idle_clients() {
    let knobs = Knobs::new()
        .with(
            Service::Dukcapil,
            Behaviour::new().with_body(BodyFault::Stalled),
        )
        .with(
            Service::Perizinan,
            Behaviour::new().with_body(BodyFault::Endless),
        );
    let sandbox = start_with(knobs).await;
    let client = client(&sandbox);

    let stalled = client
        .get(https(&sandbox, Service::Dukcapil, "/"))
        .send()
        .await
        .expect("headers arrive");
    let endless = client
        .get(http(&sandbox, Service::Perizinan, "/"))
        .send()
        .await
        .expect("headers arrive");
    // A client that connects and never speaks.
    let idle = TcpStream::connect(sandbox.http_addr()).await.expect("tcp");
    let half_tls = TcpStream::connect(sandbox.https_addr()).await.expect("tcp");

    let started = Instant::now();
    tokio::time::timeout(Duration::from_secs(1), sandbox.shutdown())
        .await
        .expect("shutdown returns within a second");
    assert!(started.elapsed() < Duration::from_secs(1));

    assert!(stalled.bytes().await.is_err(), "the stalled body is cut");
    drop((endless, idle, half_tls));
}
