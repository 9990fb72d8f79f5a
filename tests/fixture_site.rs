//! A small site of the tests' own on 127.0.0.1: fixed pages by path, over
//! HTTPS with a CA of its own (for a host name the scenario pins with
//! `resolve`) or plain HTTP, recording every request it receives, so that a
//! test can say what was asked (robots.txt obeyed, the User-Agent, the headers
//! and body an imported probe sent).

use std::collections::HashMap;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use tokio::net::TcpListener;

/// One page: status, content type, body, and extra headers.
#[derive(Debug, Clone)]
pub struct Page {
    pub status: u16,
    pub content_type: &'static str,
    pub body: String,
    pub headers: Vec<(&'static str, &'static str)>,
}

impl Page {
    pub fn html(body: &str) -> Page {
        Page {
            status: 200,
            content_type: "text/html; charset=utf-8",
            body: body.to_string(),
            headers: Vec::new(),
        }
    }

    pub fn with(status: u16, content_type: &'static str, body: &str) -> Page {
        Page {
            status,
            content_type,
            body: body.to_string(),
            headers: Vec::new(),
        }
    }
}

/// A request as the site received it.
#[derive(Debug, Clone)]
pub struct Received {
    pub method: String,
    /// Path and query.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

pub struct Site {
    pub addr: SocketAddr,
    /// PEM of the CA that signed the site's certificate (HTTPS only).
    pub ca_pem: Option<String>,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Site {
    pub fn received(&self) -> Vec<Received> {
        self.received.lock().expect("lock").clone()
    }
}

/// Security headers of a well-run site, so that its score hangs on its pages.
pub const GOOD_HEADERS: [(&str, &str); 6] = [
    (
        "strict-transport-security",
        "max-age=31536000; includeSubDomains",
    ),
    (
        "content-security-policy",
        "default-src 'self'; script-src 'self'",
    ),
    ("x-content-type-options", "nosniff"),
    ("x-frame-options", "DENY"),
    ("referrer-policy", "strict-origin-when-cross-origin"),
    (
        "permissions-policy",
        "camera=(), microphone=(), geolocation=()",
    ),
];

/// Serves `pages` (by path and query; others are a 404) on 127.0.0.1:0; over
/// HTTPS for `tls_host` when given.
pub async fn serve(pages: HashMap<String, Page>, tls_host: Option<&str>) -> Site {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let received: Arc<Mutex<Vec<Received>>> = Arc::default();
    let (acceptor, ca_pem) = match tls_host {
        Some(host) => {
            let (acceptor, pem) = tls(host);
            (Some(acceptor), Some(pem))
        }
        None => (None, None),
    };
    let pages = Arc::new(pages);
    let log = received.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let (pages, log, acceptor) = (pages.clone(), log.clone(), acceptor.clone());
            tokio::spawn(async move {
                let service = hyper::service::service_fn(move |request| {
                    answer(request, pages.clone(), log.clone())
                });
                let builder = hyper::server::conn::http1::Builder::new();
                match acceptor {
                    Some(acceptor) => {
                        if let Ok(tls) = acceptor.accept(stream).await {
                            let _ = builder
                                .serve_connection(hyper_util::rt::TokioIo::new(tls), service)
                                .await;
                        }
                    }
                    None => {
                        let _ = builder
                            .serve_connection(hyper_util::rt::TokioIo::new(stream), service)
                            .await;
                    }
                }
            });
        }
    });
    Site {
        addr,
        ca_pem,
        received,
    }
}

async fn answer(
    request: hyper::Request<hyper::body::Incoming>,
    pages: Arc<HashMap<String, Page>>,
    log: Arc<Mutex<Vec<Received>>>,
) -> Result<hyper::Response<Full<Bytes>>, Infallible> {
    let method = request.method().to_string();
    let target = request
        .uri()
        .path_and_query()
        .map(|target| target.as_str().to_string())
        .unwrap_or_default();
    let headers = request
        .headers()
        .iter()
        .map(|(name, value)| {
            (
                name.to_string(),
                String::from_utf8_lossy(value.as_bytes()).into_owned(),
            )
        })
        .collect();
    let body = request
        .into_body()
        .collect()
        .await
        .map(|body| body.to_bytes().to_vec())
        .unwrap_or_default();
    log.lock().expect("lock").push(Received {
        method,
        target: target.clone(),
        headers,
        body,
    });
    let page = pages
        .get(&target)
        .or_else(|| pages.get(target.split('?').next().unwrap_or_default()))
        .cloned()
        .unwrap_or_else(|| Page::with(404, "text/html; charset=utf-8", "<h1>Tidak ada</h1>"));
    let mut response = hyper::Response::builder()
        .status(page.status)
        .header("content-type", page.content_type);
    for (name, value) in &page.headers {
        response = response.header(*name, *value);
    }
    Ok(response
        .body(Full::new(Bytes::from(page.body)))
        .expect("response"))
}

/// A CA and a certificate for `host`; the acceptor and the CA's PEM.
fn tls(host: &str) -> (tokio_rustls::TlsAcceptor, String) {
    let ca_key = rcgen::KeyPair::generate().expect("key");
    let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(rcgen::DnType::CommonName, "ujilab test CA");
    let ca_cert = ca_params.self_signed(&ca_key).expect("ca");
    let issuer = rcgen::Issuer::new(ca_params, ca_key);
    let leaf_key = rcgen::KeyPair::generate().expect("key");
    let leaf_params = rcgen::CertificateParams::new(vec![host.to_string()]).expect("leaf");
    let leaf = leaf_params.signed_by(&leaf_key, &issuer).expect("leaf");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut config = rustls::ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .expect("versions")
        .with_no_client_auth()
        .with_single_cert(
            vec![leaf.der().clone(), ca_cert.der().clone()],
            rustls_pki_types::PrivateKeyDer::Pkcs8(leaf_key.serialize_der().into()),
        )
        .expect("server config");
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    (
        tokio_rustls::TlsAcceptor::from(Arc::new(config)),
        ca_cert.pem(),
    )
}
