//! The sites of Kabupaten Contoh. Each module holds one service's router,
//! pages and house style (headers every answer carries, its own faults); this one
//! dispatches to them and applies what differs by scheme.

mod desa;
// pub(crate): the wrong OpenAPI document is served from respond.rs, as a knob.
pub(crate) mod dukcapil;
mod oauth2;
mod pengaduan;
mod perizinan;
mod portal;
mod probing;

use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::response::{IntoResponse, Response};
use http::{HeaderValue, StatusCode, header};
use hyper::body::Incoming;
use tower::ServiceExt;

use crate::Service;
use crate::connection::Scheme;

/// The client `/uji/token` knows, and how long its tokens live.
pub use oauth2::{
    CLIENT_ID as OAUTH2_CLIENT_ID, CLIENT_SECRET as OAUTH2_CLIENT_SECRET,
    TOKEN_LIFETIME as OAUTH2_TOKEN_LIFETIME,
};

/// The password of the portal's training account (`admin-contohkab`).
pub(crate) const PORTAL_PASSWORD: &str = portal::SANDBOX_PASSWORD;

/// What a service needs to know about the request being answered.
pub(super) struct Exchange {
    pub service: Service,
    /// The request's number on its host, from 0.
    pub seq: u64,
    pub scheme: Scheme,
    /// For redirects to https, which must carry the sandbox's real port.
    pub https_port: u16,
    /// Whether the connection presented a client certificate the sandbox verified.
    pub client_certificate: bool,
}

/// A service's own faults for one request, chosen by seed and sequence number.
#[derive(Debug, Default, PartialEq, Eq)]
pub(super) struct OwnFaults {
    pub delay: Duration,
    pub server_error: bool,
}

/// The routers, one per site.
pub(super) struct Sites {
    dukcapil: Router,
    perizinan: Router,
    pengaduan: Router,
    portal: Router,
    desa: Router,
    /// `/uji/` on every host: endpoints for testing probes.
    probing: probing::Probing,
    /// `/uji/token` and `/uji/oauth2` on every host: OAuth2 client credentials.
    oauth2: oauth2::Authority,
    seed: u64,
}

impl Sites {
    pub fn new(seed: u64) -> Self {
        Sites {
            dukcapil: dukcapil::router(),
            perizinan: perizinan::router(),
            pengaduan: pengaduan::router(),
            portal: portal::router(),
            desa: desa::router(),
            probing: probing::Probing::default(),
            oauth2: oauth2::Authority::default(),
            seed,
        }
    }

    pub fn own_faults(&self, service: Service, seq: u64) -> OwnFaults {
        match service {
            Service::Dukcapil | Service::Portal | Service::Desa => OwnFaults::default(),
            Service::Perizinan => perizinan::own_faults(self.seed, seq),
            Service::Pengaduan => pengaduan::own_faults(self.seed, seq),
        }
    }

    /// The service's answer to `request`, before knobs and house headers.
    pub async fn respond(
        &self,
        exchange: &Exchange,
        own: &OwnFaults,
        request: http::Request<Incoming>,
    ) -> Response {
        if request.uri().path().starts_with(probing::PREFIX) {
            let authorization = request
                .headers()
                .get(header::AUTHORIZATION)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned);
            let authorization = authorization.as_deref();
            let path = request.uri().path().to_owned();
            if let Some(answer) = self.oauth2_answer(request, &path, authorization).await {
                return answer;
            }
            return self
                .probing
                .respond(&path, authorization, exchange.client_certificate);
        }
        if own.server_error {
            return match exchange.service {
                Service::Pengaduan => pengaduan::server_error(),
                _ => StatusCode::INTERNAL_SERVER_ERROR.into_response(),
            };
        }
        let router = match (exchange.service, exchange.scheme) {
            (Service::Dukcapil, Scheme::Http) => {
                return dukcapil::redirect_to_https(exchange.https_port, request.uri());
            }
            (Service::Portal, Scheme::Http) => {
                return portal::redirect_to_https(exchange.https_port, request.uri());
            }
            (Service::Pengaduan, Scheme::Https) => {
                // Only reachable with a certificate-bearing SNI name and
                // pengaduan's Host header: this server does not serve it on https.
                return misdirected();
            }
            (Service::Dukcapil, _) => &self.dukcapil,
            (Service::Perizinan, _) => &self.perizinan,
            (Service::Pengaduan, _) => &self.pengaduan,
            (Service::Portal, _) => &self.portal,
            (Service::Desa, _) => &self.desa,
        };
        match router.clone().oneshot(request.map(Body::new)).await {
            Ok(response) => response,
            Err(never) => match never {},
        }
    }

    /// The answer of the OAuth2 endpoints and of `/uji/wait/MS` (an answer after
    /// MS milliseconds, at most 10 s, so that a token can expire between two
    /// probes); `None` for other paths.
    async fn oauth2_answer(
        &self,
        request: http::Request<Incoming>,
        path: &str,
        authorization: Option<&str>,
    ) -> Option<Response> {
        if let Some(variant) = path.strip_prefix("/uji/token") {
            if request.method() != http::Method::POST {
                return Some(StatusCode::METHOD_NOT_ALLOWED.into_response());
            }
            let Ok(form) = axum::body::to_bytes(Body::new(request.into_body()), 16 << 10).await
            else {
                return Some(StatusCode::PAYLOAD_TOO_LARGE.into_response());
            };
            let variant = variant.strip_prefix('/').unwrap_or(variant);
            return Some(self.oauth2.token(variant, authorization, &form));
        }
        match path {
            "/uji/oauth2" => Some(self.oauth2.resource(authorization)),
            "/uji/oauth2/revoke" => Some(self.oauth2.revoke()),
            _ => {
                let millis: u64 = path.strip_prefix("/uji/wait/")?.parse().ok()?;
                tokio::time::sleep(Duration::from_millis(millis.min(10_000))).await;
                Some(json(
                    StatusCode::OK,
                    &serde_json::json!({ "waited_ms": millis }),
                ))
            }
        }
    }

    /// Every OAuth2 token issued so far, oldest first.
    pub fn oauth2_tokens_issued(&self) -> Vec<String> {
        self.oauth2.tokens_issued()
    }

    /// Headers the service puts on every answer (server name, security headers).
    pub fn decorate(&self, exchange: &Exchange, response: &mut Response) {
        match exchange.service {
            Service::Dukcapil => dukcapil::decorate(exchange, response),
            Service::Perizinan => perizinan::decorate(exchange, response),
            Service::Pengaduan => pengaduan::decorate(exchange, response),
            Service::Portal => portal::decorate(exchange, response),
            Service::Desa => desa::decorate(exchange, response),
        }
    }

    /// Whether the service gzips large text answers when the client accepts it.
    pub fn compresses(&self, service: Service) -> bool {
        matches!(service, Service::Dukcapil | Service::Portal)
    }
}

fn misdirected() -> Response {
    (
        StatusCode::MISDIRECTED_REQUEST,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        "421 Misdirected Request: pengaduan.contohkab.go.id is served over plain HTTP only\n",
    )
        .into_response()
}

/// `Content-Type` values the services use.
const HTML: HeaderValue = HeaderValue::from_static("text/html; charset=utf-8");
const JSON: HeaderValue = HeaderValue::from_static("application/json");
const SVG: HeaderValue = HeaderValue::from_static("image/svg+xml");

/// A small emblem served as each site's logo, so pages reference no missing files.
const LOGO_SVG: &str = r##"<svg xmlns="http://www.w3.org/2000/svg" width="48" height="48" viewBox="0 0 48 48"><circle cx="24" cy="24" r="22" fill="#1d4e89"/><path d="M24 8l5 12h-10zM14 24h20v14H14z" fill="#f2c14e"/></svg>"##;

fn html(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, HTML)], body).into_response()
}

fn json(status: StatusCode, value: &serde_json::Value) -> Response {
    (status, [(header::CONTENT_TYPE, JSON)], value.to_string()).into_response()
}

fn svg() -> Response {
    (
        [
            (header::CONTENT_TYPE, SVG),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=86400"),
            ),
        ],
        LOGO_SVG,
    )
        .into_response()
}

fn insert(response: &mut Response, name: header::HeaderName, value: &'static str) {
    response
        .headers_mut()
        .insert(name, HeaderValue::from_static(value));
}

fn is_html(response: &Response) -> bool {
    response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"))
}

/// Adds a session cookie to HTML answers, as the sites' frameworks do on every page.
fn set_session_cookie(response: &mut Response, cookie: String) {
    if !is_html(response) {
        return;
    }
    match HeaderValue::from_str(&cookie) {
        Ok(value) => {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
        Err(error) => tracing::warn!(%error, "sandbox built an invalid cookie"),
    }
}

/// A session id for a `Set-Cookie`, different per request, repeatable per request.
fn session_id(seq: u64, salt: u64) -> String {
    let mut z = seq ^ salt;
    z = (z ^ (z >> 33)).wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    z = (z ^ (z >> 33)).wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    format!("{:016x}", z ^ (z >> 33))
}
