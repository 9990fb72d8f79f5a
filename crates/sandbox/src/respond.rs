//! The way from a request to an answer: choose the service by host, number the
//! request, apply the knobs and the service's own faults around its answer.

use std::time::Duration;

use axum::body::Body;
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use futures_util::stream;
use http::header::{self, HeaderName};
use http::{HeaderMap, HeaderValue, Request, StatusCode};
use hyper::body::Incoming;

use crate::Service;
use crate::connection::ConnInfo;
use crate::faults::{FaultPlan, Purpose, Quota};
use crate::knobs::{Behaviour, BodyFault, ConnectionFault, RedirectLoop};
use crate::server::Shared;
use crate::services::Exchange;

/// Bodies the sandbox buffers (its own pages and API answers) are far below this.
const BUFFER_LIMIT: usize = 8 * 1024 * 1024;

/// gzip only pays off above this; also the size PF-03 looks at.
const COMPRESS_ABOVE: usize = 1024;

/// A reset request's connection is dropped at once; this only bounds how long the
/// abandoned handler could linger if it somehow were not.
const RESET_BOUND: Duration = Duration::from_secs(30);

const HUGE_CHUNK: usize = 64 * 1024;
static FILLER: [u8; HUGE_CHUNK] = filler();

/// Text, not zeros: a client that prints an excerpt shows readable lines.
const fn filler() -> [u8; HUGE_CHUNK] {
    let line = b"Kabupaten Contoh sandbox: body yang sangat besar / a very large body.\n";
    let mut out = [b'.'; HUGE_CHUNK];
    let mut i = 0;
    while i < HUGE_CHUNK {
        out[i] = line[i % line.len()];
        i += 1;
    }
    out
}

const INVALID_UTF8: &[u8] = b"Status permohonan: \xff\xfe diterima \xc3\x28 \xed\xa0\x80 \
    (bukan UTF-8 / not UTF-8) \xe2\x82 selesai\n";

const HOSTILE_SCRIPT: &str = "<script>alert(1)</script>";
const HOSTILE_ATTRIBUTE: &str = "\"><img src=x onerror=alert(1)>";
const HOSTILE_LINK: &str = "javascript:alert(1)";

pub(super) async fn answer(
    shared: &Shared,
    conn: &ConnInfo,
    request: Request<Incoming>,
) -> Response {
    let host = request_host(&request, conn);
    let Some(service) = host.as_deref().and_then(Service::from_host) else {
        return unknown_host(host.as_deref());
    };
    let seq = shared.next_seq(service);
    let behaviour = shared.behaviour(service);
    let exchange = Exchange {
        service,
        seq,
        scheme: conn.scheme,
        https_port: shared.https_port,
        client_certificate: conn.client_certificate,
    };

    if let Some(stall) = behaviour.periodic_stall {
        wait(stall.wait_at(shared.started.elapsed())).await;
    }
    wait(behaviour.delay).await;
    let own = shared.sites.own_faults(service, seq);
    wait(own.delay).await;

    match behaviour.connection {
        ConnectionFault::None => {}
        ConnectionFault::Reset => {
            conn.control.request_reset();
            tokio::time::sleep(RESET_BOUND).await;
            return StatusCode::INTERNAL_SERVER_ERROR.into_response();
        }
        ConnectionFault::Garbage => {
            conn.control.request_garbage();
            return Response::new(Body::from("garbage follows"));
        }
    }

    let accepts_gzip = accepts_gzip(request.headers());
    let injected = FaultPlan::new(shared.seed, service, Purpose::InjectedError).hits(
        seq,
        Quota::new(u64::from(behaviour.error_percent.min(100)), 100),
    );
    let mut response = if injected {
        injected_error()
    } else if let Some(shape) = behaviour.redirect_loop {
        loop_redirect(shape, &request)
    } else if behaviour.wrong_openapi
        && service == Service::Dukcapil
        && request.uri().path() == "/openapi.json"
    {
        crate::services::dukcapil::wrong_openapi()
    } else {
        shared.sites.respond(&exchange, &own, request).await
    };
    shared.sites.decorate(&exchange, &mut response);

    if behaviour.hostile_markup {
        response = hostile(response).await;
    }
    if accepts_gzip && shared.sites.compresses(service) {
        response = gzip(response).await;
    }
    response = apply_body_fault(response, behaviour.body).await;
    edit_headers(response.headers_mut(), &behaviour);
    response
}

async fn wait(duration: Duration) {
    if !duration.is_zero() {
        tokio::time::sleep(duration).await;
    }
}

/// The host the request is for: the URI authority (HTTP/2, absolute form), else
/// the Host header, else the TLS SNI name; without port, lower case.
fn request_host<B>(request: &Request<B>, conn: &ConnInfo) -> Option<String> {
    if let Some(host) = request.uri().host() {
        return Some(host.to_ascii_lowercase());
    }
    if let Some(value) = request.headers().get(header::HOST) {
        let authority = value.to_str().ok()?.parse::<http::uri::Authority>().ok()?;
        return Some(authority.host().to_ascii_lowercase());
    }
    conn.sni.as_ref().map(|sni| sni.to_ascii_lowercase())
}

fn unknown_host(host: Option<&str>) -> Response {
    // Cut what is echoed: the host came from the client.
    let shown: String = host.unwrap_or("(none)").chars().take(100).collect();
    let body = format!(
        "404 Not Found: host \"{shown}\" is not served here.\n\
         This is the ujilab sandbox of Kabupaten Contoh (99.01). Known hosts:\n\
         - {} (http redirects to https)\n\
         - {} (http and https)\n\
         - {} (plain http only)\n\
         - {} (http redirects to https)\n\
         - {} (http and https)\n\
         Reach them with the Host header or ujilab's `resolve:` to 127.0.0.1.\n",
        Service::Dukcapil.host(),
        Service::Perizinan.host(),
        Service::Pengaduan.host(),
        Service::Portal.host(),
        Service::Desa.host(),
    );
    (
        StatusCode::NOT_FOUND,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        ],
        body,
    )
        .into_response()
}

fn accepts_gzip(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT_ENCODING)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|item| {
            let mut parts = item.split(';');
            let coding = parts.next().unwrap_or_default().trim();
            let refused = parts.any(|p| {
                p.trim()
                    .strip_prefix("q=")
                    .and_then(|q| q.trim().parse::<f32>().ok())
                    .is_some_and(|q| q <= 0.0)
            });
            !refused
                && (coding.eq_ignore_ascii_case("gzip")
                    || coding.eq_ignore_ascii_case("x-gzip")
                    || coding == "*")
        })
}

fn injected_error() -> Response {
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [
            (header::CONTENT_TYPE, "text/plain; charset=utf-8"),
            (header::RETRY_AFTER, "1"),
        ],
        "503 Service Unavailable (ujilab sandbox: injected fault)\n",
    )
        .into_response()
}

fn loop_redirect<B>(shape: RedirectLoop, request: &Request<B>) -> Response {
    let target = match shape {
        RedirectLoop::ToItself => request
            .uri()
            .path_and_query()
            .map_or_else(|| "/".to_owned(), |p| p.as_str().to_owned()),
        RedirectLoop::BetweenTwoPaths if request.uri().path() == "/loop/a" => "/loop/b".to_owned(),
        RedirectLoop::BetweenTwoPaths => "/loop/a".to_owned(),
    };
    let location = HeaderValue::from_str(&target).unwrap_or_else(|_| HeaderValue::from_static("/"));
    (
        StatusCode::FOUND,
        [(header::LOCATION, location)],
        "302 Found (ujilab sandbox: redirect loop)\n",
    )
        .into_response()
}

async fn buffer(body: Body) -> Option<Bytes> {
    match axum::body::to_bytes(body, BUFFER_LIMIT).await {
        Ok(bytes) => Some(bytes),
        Err(error) => {
            tracing::warn!(%error, "sandbox could not buffer a body");
            None
        }
    }
}

fn buffer_failed() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        "500 Internal Server Error (ujilab sandbox: body could not be buffered)\n",
    )
        .into_response()
}

fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_ascii_lowercase()
}

/// Puts the three classic XSS payloads into headers and body, keeping the status and
/// the body's type (JSON stays valid JSON, so JSON-reading code reaches it too).
async fn hostile(response: Response) -> Response {
    let (mut parts, body) = response.into_parts();
    let Some(bytes) = buffer(body).await else {
        return buffer_failed();
    };
    let kind = content_type(&parts.headers);
    let fragment = format!(
        "<p class=\"catatan\">Catatan: {HOSTILE_SCRIPT} {HOSTILE_ATTRIBUTE} \
         <a href=\"{HOSTILE_LINK}\">{HOSTILE_LINK}</a></p>"
    );
    let new_body: Vec<u8> = if kind.contains("json") {
        match serde_json::from_slice::<serde_json::Value>(&bytes) {
            Ok(serde_json::Value::Object(mut object)) => {
                object.insert("catatan".into(), HOSTILE_SCRIPT.into());
                object.insert("keterangan".into(), HOSTILE_ATTRIBUTE.into());
                object.insert("tautan".into(), HOSTILE_LINK.into());
                serde_json::Value::Object(object).to_string().into_bytes()
            }
            _ => [bytes.as_ref(), fragment.as_bytes()].concat(),
        }
    } else if kind.contains("html") {
        let text = String::from_utf8_lossy(&bytes);
        match text.rfind("</body>") {
            Some(at) => format!("{}{fragment}\n{}", &text[..at], &text[at..]).into_bytes(),
            None => format!("{text}{fragment}\n").into_bytes(),
        }
    } else {
        [bytes.as_ref(), fragment.as_bytes(), b"\n"].concat()
    };
    parts.headers.remove(header::CONTENT_LENGTH);
    for (name, value) in [
        ("x-note", HOSTILE_SCRIPT.to_owned()),
        ("x-detail", HOSTILE_ATTRIBUTE.to_owned()),
        ("content-location", HOSTILE_LINK.to_owned()),
        ("link", format!("<{HOSTILE_LINK}>; rel=\"help\"")),
        ("refresh", format!("0; url={HOSTILE_LINK}")),
    ] {
        if let Ok(value) = HeaderValue::from_str(&value) {
            parts.headers.append(HeaderName::from_static(name), value);
        }
    }
    Response::from_parts(parts, Body::from(new_body))
}

fn compressible(kind: &str) -> bool {
    kind.starts_with("text/")
        || kind.contains("json")
        || kind.contains("xml")
        || kind.contains("javascript")
}

async fn gzip(response: Response) -> Response {
    let headers = response.headers();
    if headers.contains_key(header::CONTENT_ENCODING)
        || !compressible(&content_type(headers))
        || matches!(
            response.status(),
            StatusCode::NO_CONTENT | StatusCode::NOT_MODIFIED
        )
    {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Some(bytes) = buffer(body).await else {
        return buffer_failed();
    };
    parts
        .headers
        .append(header::VARY, HeaderValue::from_static("Accept-Encoding"));
    if bytes.len() <= COMPRESS_ABOVE {
        return Response::from_parts(parts, Body::from(bytes));
    }
    match compress(&bytes) {
        Ok(compressed) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            parts
                .headers
                .insert(header::CONTENT_ENCODING, HeaderValue::from_static("gzip"));
            Response::from_parts(parts, Body::from(compressed))
        }
        Err(error) => {
            tracing::warn!(%error, "sandbox could not gzip a body; sending it plain");
            Response::from_parts(parts, Body::from(bytes))
        }
    }
}

fn compress(bytes: &[u8]) -> std::io::Result<Vec<u8>> {
    use std::io::Write;
    let mut encoder = flate2::write::GzEncoder::new(
        Vec::with_capacity(bytes.len() / 3),
        flate2::Compression::default(),
    );
    encoder.write_all(bytes)?;
    encoder.finish()
}

async fn apply_body_fault(response: Response, fault: BodyFault) -> Response {
    let (mut parts, body) = response.into_parts();
    let headers = &mut parts.headers;
    let body = match fault {
        BodyFault::Normal => body,
        BodyFault::Stalled => {
            let Some(bytes) = buffer(body).await else {
                return buffer_failed();
            };
            // An empty body cannot stall halfway: promise filler instead.
            let full = if bytes.is_empty() {
                Bytes::from_static(&FILLER[..1024])
            } else {
                bytes
            };
            let sent = full.slice(..full.len().div_ceil(2));
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(full.len()));
            let first = stream::once(async move { Ok::<_, std::io::Error>(sent) });
            Body::from_stream(futures_util::StreamExt::chain(first, stream::pending()))
        }
        BodyFault::Huge { bytes } => {
            headers.remove(header::CONTENT_ENCODING);
            headers.insert(header::CONTENT_TYPE, text_plain());
            headers.insert(header::CONTENT_LENGTH, HeaderValue::from(bytes));
            let chunks = stream::unfold(bytes, |left| async move {
                if left == 0 {
                    return None;
                }
                let take = usize::try_from(left).map_or(HUGE_CHUNK, |l| l.min(HUGE_CHUNK));
                let chunk = Bytes::from_static(&FILLER[..take]);
                Some((Ok::<_, std::io::Error>(chunk), left - take as u64))
            });
            Body::from_stream(chunks)
        }
        BodyFault::Endless => {
            headers.remove(header::CONTENT_ENCODING);
            headers.remove(header::CONTENT_LENGTH);
            headers.insert(header::CONTENT_TYPE, text_plain());
            let chunks =
                stream::repeat_with(|| Ok::<_, std::io::Error>(Bytes::from_static(&FILLER)));
            Body::from_stream(chunks)
        }
        BodyFault::InvalidUtf8 => {
            headers.remove(header::CONTENT_ENCODING);
            headers.remove(header::CONTENT_LENGTH);
            headers.insert(header::CONTENT_TYPE, text_plain());
            Body::from(INVALID_UTF8)
        }
    };
    Response::from_parts(parts, body)
}

fn text_plain() -> HeaderValue {
    HeaderValue::from_static("text/plain; charset=utf-8")
}

fn edit_headers(headers: &mut HeaderMap, behaviour: &Behaviour) {
    for name in &behaviour.remove_headers {
        match HeaderName::from_bytes(name.as_bytes()) {
            Ok(name) => {
                headers.remove(name);
            }
            Err(_) => tracing::warn!(name, "sandbox knob: invalid header name to remove"),
        }
    }
    for (name, value) in &behaviour.add_headers {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            (Ok(name), Ok(value)) => {
                headers.append(name, value);
            }
            _ => tracing::warn!(name, value, "sandbox knob: invalid header to add"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(accept_encoding: &str) -> HeaderMap {
        let mut map = HeaderMap::new();
        map.insert(
            header::ACCEPT_ENCODING,
            HeaderValue::from_str(accept_encoding).unwrap_or_else(|_| HeaderValue::from_static("")),
        );
        map
    }

    #[test]
    fn gzip_is_accepted_unless_refused() {
        assert!(accepts_gzip(&headers("gzip, br, zstd")));
        assert!(accepts_gzip(&headers("br;q=1.0, GZIP;q=0.5")));
        assert!(accepts_gzip(&headers("*")));
        assert!(!accepts_gzip(&headers("gzip;q=0, br")));
        assert!(!accepts_gzip(&headers("br, zstd")));
        assert!(!accepts_gzip(&HeaderMap::new()));
    }
}
