//! An OAuth2 authorization server and a resource behind it, under `/uji/` on
//! every host, for testing `auth: { oauth2 }`:
//!
//! - `POST /uji/token`: the client-credentials grant (RFC 6749 section 4.4) for
//!   [`CLIENT_ID`] and [`CLIENT_SECRET`], by HTTP Basic or in the form body. Tokens
//!   live [`TOKEN_LIFETIME`], short so that a run sees one expire; a wrong secret
//!   gets 401 `invalid_client`.
//! - `POST /uji/token/once`: the same, but only the first token; later requests get
//!   503, so a token that expires cannot be renewed.
//! - `POST /uji/token/not-json`, `/uji/token/no-token`: broken token endpoints.
//! - `GET /uji/oauth2`: data for a live token, 401 `invalid_token` otherwise.
//! - `POST /uji/oauth2/revoke`: every token issued so far stops working at once
//!   (a key rotation), so the next request with one gets 401.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use axum::response::Response;
use base64::Engine as _;
use http::StatusCode;
use serde_json::json;

/// The client the token endpoint knows.
pub const CLIENT_ID: &str = "uji-klien";
pub const CLIENT_SECRET: &str = "rahasia-Klien-7731";
/// How long a token works.
pub const TOKEN_LIFETIME: Duration = Duration::from_secs(2);

/// Issued tokens, and when each stops working.
#[derive(Debug, Default)]
pub(super) struct Authority {
    issued: Mutex<Issued>,
}

#[derive(Debug, Default)]
struct Issued {
    /// Token -> when it expires; revoked tokens are removed.
    live: HashMap<String, Instant>,
    /// Every token ever issued, in order (tests look for them in reports).
    all: Vec<String>,
}

impl Authority {
    /// `POST /uji/token[/variant]` with its `Authorization` header and form body.
    pub(super) fn token(
        &self,
        variant: &str,
        authorization: Option<&str>,
        form: &[u8],
    ) -> Response {
        let fields: HashMap<String, String> = url_decoded(form);
        if fields.get("grant_type").map(String::as_str) != Some("client_credentials") {
            return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type");
        }
        if !client_authenticated(authorization, &fields) {
            let mut response = oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
            response.headers_mut().insert(
                http::header::WWW_AUTHENTICATE,
                http::HeaderValue::from_static("Basic realm=\"uji-token\""),
            );
            return response;
        }
        match variant {
            "" => {}
            "once" if self.lock().all.is_empty() => {}
            "once" => {
                return oauth_error(StatusCode::SERVICE_UNAVAILABLE, "temporarily_unavailable");
            }
            "not-json" => return super::html(StatusCode::OK, "<p>Token</p>".to_string()),
            "no-token" => {
                return super::json(StatusCode::OK, &json!({ "token_type": "Bearer" }));
            }
            _ => return oauth_error(StatusCode::NOT_FOUND, "invalid_request"),
        }
        let token = {
            let mut issued = self.lock();
            let token = format!("tkn-oauth2-{}-{:08x}", issued.all.len() + 1, nonce());
            issued
                .live
                .insert(token.clone(), Instant::now() + TOKEN_LIFETIME);
            issued.all.push(token.clone());
            token
        };
        let mut body = json!({
            "access_token": token,
            "token_type": "Bearer",
            "expires_in": TOKEN_LIFETIME.as_secs(),
        });
        if let Some(scope) = fields.get("scope") {
            body["scope"] = json!(scope);
        }
        let mut response = super::json(StatusCode::OK, &body);
        response.headers_mut().insert(
            http::header::CACHE_CONTROL,
            http::HeaderValue::from_static("no-store"),
        );
        response
    }

    /// `GET /uji/oauth2`: the data for a live bearer token.
    pub(super) fn resource(&self, authorization: Option<&str>) -> Response {
        let token = authorization.and_then(|value| value.strip_prefix("Bearer "));
        let live = token.is_some_and(|token| {
            self.lock()
                .live
                .get(token)
                .is_some_and(|expires| Instant::now() < *expires)
        });
        if live {
            return super::json(
                StatusCode::OK,
                &json!({ "status": "OK", "data": { "izin": "berlaku" } }),
            );
        }
        let mut response = oauth_error(StatusCode::UNAUTHORIZED, "invalid_token");
        response.headers_mut().insert(
            http::header::WWW_AUTHENTICATE,
            http::HeaderValue::from_static("Bearer error=\"invalid_token\""),
        );
        response
    }

    /// `POST /uji/oauth2/revoke`: every token stops working.
    pub(super) fn revoke(&self) -> Response {
        self.lock().live.clear();
        super::json(StatusCode::OK, &json!({ "status": "OK" }))
    }

    /// Every token issued so far, oldest first.
    pub(super) fn tokens_issued(&self) -> Vec<String> {
        self.lock().all.clone()
    }

    // A panic while holding the lock leaves whole entries only: safe to read.
    fn lock(&self) -> std::sync::MutexGuard<'_, Issued> {
        self.issued.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// Whether the request names the known client with its secret, by HTTP Basic
/// (form-encoded id and secret, RFC 6749 section 2.3.1) or in the body.
fn client_authenticated(authorization: Option<&str>, fields: &HashMap<String, String>) -> bool {
    let from_basic = authorization
        .and_then(|value| value.strip_prefix("Basic "))
        .and_then(|encoded| {
            base64::engine::general_purpose::STANDARD
                .decode(encoded)
                .ok()
        })
        .and_then(|decoded| String::from_utf8(decoded).ok())
        .and_then(|pair| {
            let (id, secret) = pair.split_once(':')?;
            let decode = |text: &str| url_decoded(format!("v={text}").as_bytes()).remove("v");
            Some((decode(id)?, decode(secret)?))
        });
    let (id, secret) = match from_basic {
        Some(pair) => pair,
        None => (
            fields.get("client_id").cloned().unwrap_or_default(),
            fields.get("client_secret").cloned().unwrap_or_default(),
        ),
    };
    id == CLIENT_ID && secret == CLIENT_SECRET
}

/// A form body's fields (`application/x-www-form-urlencoded`).
fn url_decoded(form: &[u8]) -> HashMap<String, String> {
    url::form_urlencoded::parse(form).into_owned().collect()
}

/// A number that differs between tokens and sandbox starts, so that no two runs
/// see the same token.
fn nonce() -> u32 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    now.subsec_nanos() ^ (now.as_secs() as u32).rotate_left(16)
}

fn oauth_error(status: StatusCode, code: &'static str) -> Response {
    super::json(status, &json!({ "error": code }))
}
