//! OAuth2 client-credentials tokens (RFC 6749 section 4.4) for probes with
//! `auth: { oauth2 }`.
//!
//! A token is fetched from the token endpoint through the scenario's session (its
//! `resolve`, trusted roots and client certificate apply), with the client
//! authenticated by HTTP Basic (RFC 6749 section 2.3.1, which every server must
//! accept) and `grant_type` and `scope` in a form body. It is kept per (token URL,
//! client id, scope) for the scenario's run and fetched again once `expires_in`
//! has passed (less a margin), or when a probe sent with it was answered 401.
//! Every token is a secret from the moment it is read: the scenario's redactor
//! and the log's learn it before anything can print it. The client secret and
//! its Basic credential are secrets from the scenario's load.

use std::collections::HashMap;
use std::fmt;
use std::time::{Duration, Instant};

use bytes::Bytes;
use input::scenario::OAuth2Client;
use input::text::Text;
use observe::observations::{Check, ProbeOutcome, ProbeResult};
use observe::redact::Redactor;
use serde_json::Value;

use crate::client::Session;
use crate::exchange::{self, RequestSpec};

/// A token is renewed this long before its `expires_in` ends, at most a quarter
/// of its life: the request that carries it must still find it valid.
const EXPIRY_MARGIN: Duration = Duration::from_secs(5);

/// The tokens of one scenario's run.
#[derive(Clone, Default)]
pub struct Tokens {
    cached: HashMap<TokenKey, Token>,
}

impl fmt::Debug for Tokens {
    // Tokens are secrets: only how many there are.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tokens")
            .field("cached", &self.cached.len())
            .finish()
    }
}

/// Which clients share a token: the same endpoint, client and scope.
#[derive(Clone, PartialEq, Eq, Hash)]
struct TokenKey {
    token_url: String,
    client_id: String,
    scope: Option<String>,
}

impl TokenKey {
    fn of(client: &OAuth2Client) -> TokenKey {
        TokenKey {
            token_url: client.token_url.to_string(),
            client_id: client.client_id.clone(),
            scope: client.scope.clone(),
        }
    }
}

#[derive(Clone)]
struct Token {
    value: String,
    /// When to fetch another; `None` when the server gave no `expires_in`.
    renew_at: Option<Instant>,
}

impl Tokens {
    /// The token held for `client`, expired or not (availability and load send it
    /// as the functional pass left it).
    pub fn current(&self, client: &OAuth2Client) -> Option<&str> {
        self.cached
            .get(&TokenKey::of(client))
            .map(|token| token.value.as_str())
    }

    /// A token for `client` that has not expired, fetched when there is none.
    pub async fn fresh(
        &mut self,
        client: &OAuth2Client,
        session: &Session,
        redactor: &mut Redactor,
        timeout: Duration,
    ) -> Result<String, TokenFailure> {
        let key = TokenKey::of(client);
        if let Some(token) = self.cached.get(&key)
            && token.renew_at.is_none_or(|at| Instant::now() < at)
        {
            return Ok(token.value.clone());
        }
        let token = fetch(client, session, redactor, timeout).await?;
        let value = token.value.clone();
        self.cached.insert(key, token);
        Ok(value)
    }

    /// Drops `client`'s token: the service refused it.
    pub fn forget(&mut self, client: &OAuth2Client) {
        self.cached.remove(&TokenKey::of(client));
    }
}

/// Renews the expired tokens of `probes` before a phase that sends them as they
/// are (availability, load). A renewal that fails keeps the old token: the
/// service's 401 to it is then what the phase records.
pub async fn renew(
    probes: &[input::scenario::Probe],
    tokens: &mut Tokens,
    session: &Session,
    redactor: &mut Redactor,
) {
    for probe in probes {
        if let Some(client) = &probe.oauth2 {
            let _kept_old = tokens.fresh(client, session, redactor, probe.timeout).await;
        }
    }
}

/// Why no token could be had, in both languages; service text is redacted.
#[derive(Debug, Clone)]
pub struct TokenFailure(Text);

impl TokenFailure {
    /// The failed result of `probe_id`: one check that names the token step.
    pub fn into_result(self, probe_id: &str, client: &OAuth2Client) -> ProbeResult {
        let url = client.token_url.as_str();
        let check = Check {
            what: "OAuth2 token".to_string(),
            what_id: "token OAuth2".to_string(),
            expected: format!("an access_token from {url} (client credentials)"),
            expected_id: format!("access_token dari {url} (client credentials)"),
            actual: self.0.en,
            actual_id: self.0.id,
            passed: false,
        };
        ProbeResult {
            id: probe_id.to_string(),
            outcome: ProbeOutcome::Failed,
            exchange: None,
            checks: vec![check],
            earlier_attempts: Vec::new(),
        }
    }
}

/// One client-credentials request and its answer read.
async fn fetch(
    client: &OAuth2Client,
    session: &Session,
    redactor: &mut Redactor,
    timeout: Duration,
) -> Result<Token, TokenFailure> {
    // Built in a block: the serializer must not live across the await (not Send).
    let form = {
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        form.append_pair("grant_type", "client_credentials");
        if let Some(scope) = &client.scope {
            form.append_pair("scope", scope);
        }
        form.finish()
    };
    let spec = RequestSpec {
        method: http::Method::POST,
        headers: vec![
            (
                "Authorization".to_string(),
                format!("Basic {}", client.basic_credential()),
            ),
            (
                "Content-Type".to_string(),
                "application/x-www-form-urlencoded".to_string(),
            ),
            ("Accept".to_string(), "application/json".to_string()),
        ],
        body: Some(Bytes::from(form)),
        timeout,
        // A token endpoint answers where it is; a redirect of a POST is an error.
        max_redirects: 0,
        ..RequestSpec::get(client.token_url.clone())
    };
    let mut sent = exchange::perform(session, &spec, redactor).await;
    let token = read_token(&sent, redactor);
    // Traced once the token, if any, is a secret (the body shows `***`).
    sent.redact_again(redactor);
    crate::trace::exchange(
        &format!("oauth2 token {}", client.client_id),
        &sent,
        redactor,
    );
    token
}

/// The token in the token endpoint's answer, learnt as a secret.
fn read_token(
    sent: &observe::exchange::Exchange,
    redactor: &mut Redactor,
) -> Result<Token, TokenFailure> {
    if let Some(error) = &sent.error {
        let (kind_id, message) = (error.kind.indonesian(), &error.message);
        return Err(TokenFailure(Text::new(
            format!("permintaan token gagal: {kind_id} ({message})"),
            format!("the token request failed: {message}"),
        )));
    }
    let Some(response) = &sent.response else {
        return Err(TokenFailure(Text::new(
            "permintaan token tidak mendapat jawaban",
            "the token request got no answer",
        )));
    };
    let body: Option<Value> = serde_json::from_slice(&response.body).ok();
    let status = response.status;
    if !(200..300).contains(&status) {
        // The OAuth2 error code (`invalid_client`), when the server gave one.
        let code = body
            .as_ref()
            .and_then(|body| body["error"].as_str())
            .map(|code| format!(" ({})", redactor.redact(code)))
            .unwrap_or_default();
        return Err(TokenFailure(Text::new(
            format!("titik akhir token menjawab {status}{code}"),
            format!("the token endpoint answered {status}{code}"),
        )));
    }
    let Some(body) = body else {
        return Err(TokenFailure(Text::new(
            format!("jawaban titik akhir token ({status}) bukan JSON"),
            format!("the token endpoint's answer ({status}) is not JSON"),
        )));
    };
    let Some(value) = body["access_token"]
        .as_str()
        .filter(|token| !token.is_empty())
    else {
        return Err(TokenFailure(Text::new(
            "jawaban titik akhir token tidak memuat access_token",
            "the token endpoint's answer holds no access_token",
        )));
    };
    // A secret from here on, before anything can print it.
    *redactor = redactor.with_secret(value);
    observe::redact::secret_learnt(value);
    if let Some(kind) = body["token_type"].as_str()
        && !kind.eq_ignore_ascii_case("bearer")
    {
        let kind = redactor.redact(kind).into_owned();
        return Err(TokenFailure(Text::new(
            format!("token_type `{kind}` bukan Bearer"),
            format!("token_type `{kind}` is not Bearer"),
        )));
    }
    // `expires_in` is a number of seconds; some servers send it as a string.
    let lifetime = match &body["expires_in"] {
        Value::Number(seconds) => seconds.as_f64(),
        Value::String(seconds) => seconds.trim().parse().ok(),
        _ => None,
    }
    .filter(|seconds| seconds.is_finite() && *seconds >= 0.0)
    .map(|seconds| Duration::from_secs_f64(seconds.min(1e9)));
    Ok(Token {
        value: value.to_string(),
        renew_at: lifetime.map(|lifetime| Instant::now() + lifetime - margin(lifetime)),
    })
}

fn margin(lifetime: Duration) -> Duration {
    EXPIRY_MARGIN.min(lifetime / 4)
}

/// `spec` with `Authorization: Bearer token`, replacing any other.
pub fn authorize(spec: &mut RequestSpec, token: &str) {
    spec.headers
        .retain(|(name, _)| !name.eq_ignore_ascii_case("authorization"));
    spec.headers
        .push(("Authorization".to_string(), format!("Bearer {token}")));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_token_is_renewed_before_it_ends() {
        assert_eq!(margin(Duration::from_secs(3600)), EXPIRY_MARGIN);
        assert_eq!(margin(Duration::from_secs(2)), Duration::from_millis(500));
        assert_eq!(margin(Duration::ZERO), Duration::ZERO);
    }
}
