//! Endpoints for testing ujilab's probes against what real services do, served
//! under `/uji/` on every host: a flaky endpoint that fails once and then
//! answers, one that is always down, data behind HTTP Basic and a bearer token,
//! and a login that hands out a cookie, a header token and a ticket number that
//! `/uji/check/SESSION/TOKEN/TICKET` verifies, and `/uji/mtls`, which answers
//! only on a connection that presented a client certificate signed by the
//! sandbox's client CA. No page links to them; the standards rules never read
//! them.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use axum::response::Response;
use base64::Engine as _;
use http::StatusCode;
use serde_json::json;

/// Where these endpoints live on every host.
pub(super) const PREFIX: &str = "/uji/";
/// `/uji/basic` answers `Authorization: Basic` with this user and password.
pub const BASIC_USER: &str = "pemda-contoh";
pub const BASIC_PASSWORD: &str = "sandi-Basic-9931";
/// What `/uji/login` hands out: the `sesi_uji` cookie, the token inside its
/// `X-Request-Token` header, and the ticket number in its body.
pub const LOGIN_SESSION: &str = "S3si-77aa";
pub const LOGIN_TOKEN: &str = "Tk-31337";
pub const LOGIN_TICKET: &str = "TKT-4242";
/// `/uji/bearer` answers `Authorization: Bearer` with this token.
pub const BEARER_TOKEN: &str = "tkn-Bearer-5521-contoh";

/// What the endpoints remember between requests.
#[derive(Debug, Default)]
pub(super) struct Probing {
    /// `/uji/flaky/KEY`: requests seen per key.
    flaky: Mutex<HashMap<String, u32>>,
}

impl Probing {
    /// The answer to a request for `path` (which starts with [`PREFIX`]) with
    /// `authorization` (the header, when sent), on a connection that presented a
    /// verified client certificate or not.
    pub(super) fn respond(
        &self,
        path: &str,
        authorization: Option<&str>,
        client_certificate: bool,
    ) -> Response {
        let rest = path.strip_prefix(PREFIX).unwrap_or_default();
        match rest.split_once('/') {
            None if rest == "mtls" => mutual_tls(client_certificate),
            Some(("flaky", key)) if !key.is_empty() => self.flaky(key),
            None if rest == "down" => down(),
            None if rest == "login" => login(),
            Some(("check", given)) => {
                let expected = format!("{LOGIN_SESSION}/{LOGIN_TOKEN}/{LOGIN_TICKET}");
                guarded(given == expected, "Bearer")
            }
            None if rest == "basic" => {
                let credential = base64::engine::general_purpose::STANDARD
                    .encode(format!("{BASIC_USER}:{BASIC_PASSWORD}"));
                guarded(
                    authorization == Some(&format!("Basic {credential}")),
                    "Basic",
                )
            }
            None if rest == "bearer" => guarded(
                authorization == Some(&format!("Bearer {BEARER_TOKEN}")),
                "Bearer",
            ),
            _ => super::json(
                StatusCode::NOT_FOUND,
                &json!({ "status": "error", "error": { "code": "TIDAK_DITEMUKAN" } }),
            ),
        }
    }

    /// The first request for `key` gets a 503, as from a deployment still
    /// starting; every later one a 200 that says which try it was.
    fn flaky(&self, key: &str) -> Response {
        let tries = {
            let mut seen = self.flaky.lock().unwrap_or_else(PoisonError::into_inner);
            let count = seen.entry(key.to_string()).or_default();
            *count += 1;
            *count
        };
        if tries == 1 {
            return down();
        }
        super::json(StatusCode::OK, &json!({ "status": "UP", "try": tries }))
    }
}

/// The data when `allowed`, else a 401 asking for `scheme`.
fn guarded(allowed: bool, scheme: &'static str) -> Response {
    if allowed {
        return super::json(
            StatusCode::OK,
            &json!({ "status": "OK", "data": { "rahasia": false } }),
        );
    }
    let mut response = super::json(
        StatusCode::UNAUTHORIZED,
        &json!({ "status": "error", "error": { "code": "TIDAK_BERWENANG" } }),
    );
    response.headers_mut().insert(
        http::header::WWW_AUTHENTICATE,
        http::HeaderValue::from_static(if scheme == "Basic" {
            "Basic realm=\"contohkab\""
        } else {
            "Bearer"
        }),
    );
    response
}

/// The data on a connection with a verified client certificate; a 403 otherwise.
fn mutual_tls(client_certificate: bool) -> Response {
    if client_certificate {
        return super::json(
            StatusCode::OK,
            &json!({ "status": "OK", "data": { "klien": "terverifikasi" } }),
        );
    }
    super::json(
        StatusCode::FORBIDDEN,
        &json!({ "status": "error", "error": { "code": "SERTIFIKAT_KLIEN_DIPERLUKAN" } }),
    )
}

/// A login answer: two cookies (the session one second), a header with the
/// token amid other parameters, and the ticket number in text.
fn login() -> Response {
    let mut response = super::html(
        StatusCode::OK,
        format!(
            "<!DOCTYPE html><html lang=\"id\"><title>Masuk</title><p>Permohonan diterima. Nomor tiket: {LOGIN_TICKET}.</p></html>"
        ),
    );
    let headers = response.headers_mut();
    for cookie in [
        "bahasa=id; Path=/".to_string(),
        format!("sesi_uji={LOGIN_SESSION}; Path=/; Secure; HttpOnly; SameSite=Lax"),
    ] {
        if let Ok(value) = http::HeaderValue::from_str(&cookie) {
            headers.append(http::header::SET_COOKIE, value);
        }
    }
    if let Ok(value) = http::HeaderValue::from_str(&format!("token={LOGIN_TOKEN}; exp=60")) {
        headers.insert("x-request-token", value);
    }
    response
}

fn down() -> Response {
    super::json(
        StatusCode::SERVICE_UNAVAILABLE,
        &json!({ "status": "DOWN", "error": { "code": "SEDANG_DIMULAI" } }),
    )
}
