//! Alerts on state changes, to webhooks: a generic JSON body, or the message
//! formats of Telegram's Bot API and Slack's incoming webhooks.
//!
//! Alerts are written to an outbox in the same transaction as the incident they
//! announce (so a crash cannot lose or double one), then sent by [`send_due`]:
//! retried with exponential backoff until the webhook answers 2xx. Each request
//! carries an `Idempotency-Key`, so a receiver can drop the one repeat a crash
//! between sending and recording could cause. A webhook URL is a secret (Slack's
//! and Telegram's carry their token in it): it is never stored, logged or shown;
//! the history keys alerts by a digest of it, and people see [`Webhook::shown`].

use std::sync::Mutex;
use std::time::Duration;

use input::lang::Lang;
use serde_json::json;
use sha2::{Digest as _, Sha256};

use crate::store::{INCIDENT_ID, Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// ujilab's own JSON body.
    Json,
    /// Telegram Bot API `sendMessage` (the chat from the URL's `chat_id`).
    Telegram,
    /// Slack incoming webhook (`{"text": ...}`).
    Slack,
}

/// One webhook from `--webhook [FORMAT=]URL`.
#[derive(Clone, PartialEq, Eq)]
pub struct Webhook {
    pub format: Format,
    url: url::Url,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Webhook({:?}, {})", self.format, self.shown())
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum WebhookError {
    #[error("`{0}` is not a webhook URL: write [json=|telegram=|slack=]http(s)://...")]
    NotUrl(String),
    #[error("a telegram webhook needs ?chat_id=CHAT in its URL ({0})")]
    NoChat(String),
}

impl Webhook {
    pub fn parse(argument: &str) -> Result<Self, WebhookError> {
        let (format, rest) = match argument.split_once('=') {
            Some(("json", rest)) => (Format::Json, rest),
            Some(("telegram", rest)) => (Format::Telegram, rest),
            Some(("slack", rest)) => (Format::Slack, rest),
            _ => (Format::Json, argument),
        };
        let url = url::Url::parse(rest)
            .ok()
            .filter(|url| matches!(url.scheme(), "http" | "https") && url.host().is_some());
        let Some(url) = url else {
            return Err(WebhookError::NotUrl(shown_of_text(rest)));
        };
        let webhook = Self { format, url };
        if format == Format::Telegram && webhook.chat_id().is_none() {
            return Err(WebhookError::NoChat(webhook.shown()));
        }
        Ok(webhook)
    }

    /// What people see: scheme, host and port; the path and query (where the
    /// tokens are) as `***`.
    pub fn shown(&self) -> String {
        let port = self.url.port().map(|p| format!(":{p}")).unwrap_or_default();
        format!(
            "{}://{}{port}/***",
            self.url.scheme(),
            self.url.host_str().unwrap_or_default()
        )
    }

    /// The alerts' key for this webhook: a digest of the whole URL.
    pub fn target(&self) -> String {
        let digest = Sha256::digest(self.url.as_str().as_bytes());
        digest[..8].iter().map(|b| format!("{b:02x}")).collect()
    }

    /// Every secret part of the URL, for log redaction.
    pub fn secrets(&self) -> Vec<String> {
        let mut secrets = vec![self.url.as_str().to_string()];
        secrets.extend(
            self.url
                .path_segments()
                .into_iter()
                .flatten()
                .filter(|segment| segment.len() >= 4)
                .map(str::to_string),
        );
        secrets.extend(
            self.url
                .query_pairs()
                .filter(|(_, value)| value.len() >= 4)
                .map(|(_, value)| value.into_owned()),
        );
        secrets
    }

    fn chat_id(&self) -> Option<String> {
        self.url
            .query_pairs()
            .find(|(name, _)| name == "chat_id")
            .map(|(_, value)| value.into_owned())
    }

    /// The URL requests go to (Telegram's chat moves into the body).
    fn endpoint(&self) -> url::Url {
        let mut url = self.url.clone();
        if self.format == Format::Telegram {
            let kept: Vec<(String, String)> = url
                .query_pairs()
                .filter(|(name, _)| name != "chat_id")
                .map(|(n, v)| (n.into_owned(), v.into_owned()))
                .collect();
            url.set_query(None);
            if !kept.is_empty() {
                url.query_pairs_mut().extend_pairs(kept);
            }
        }
        url
    }

    /// The body announcing `event`; the incident's id is filled in by the store.
    pub fn body(&self, event: &Event<'_>, lang: Lang) -> String {
        let text = event.sentence(lang);
        let value = match self.format {
            Format::Json => json!({
                "source": "ujilab",
                "event": event.kind.code(),
                "incident": INCIDENT_ID,
                "service": event.service,
                "name": event.name,
                "region": event.region,
                "started_at": event.started_at,
                "at": event.at,
                "evidence": event.evidence,
                "status_page": event.status_page,
                "text": text,
            }),
            // Plain text (no parse_mode): nothing a service sent becomes markup.
            Format::Telegram => json!({
                "chat_id": self.chat_id().unwrap_or_default(),
                "text": text,
                "disable_web_page_preview": true,
            }),
            Format::Slack => json!({ "text": slack_escaped(&text) }),
        };
        value.to_string()
    }
}

fn shown_of_text(text: &str) -> String {
    match text.find("://") {
        Some(at) => format!("{}://***", &text[..at]),
        None => "***".to_string(),
    }
}

/// Slack reads `&`, `<` and `>` as markup.
fn slack_escaped(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    Down,
    Resolved,
}

impl EventKind {
    pub fn code(self) -> &'static str {
        match self {
            Self::Down => "down",
            Self::Resolved => "resolved",
        }
    }
}

/// A state change to announce.
#[derive(Debug, Clone)]
pub struct Event<'a> {
    pub kind: EventKind,
    pub service: &'a str,
    pub name: Option<&'a str>,
    pub region: Option<&'a str>,
    /// When the incident started (RFC 3339).
    pub started_at: &'a str,
    /// When the change was seen (RFC 3339).
    pub at: &'a str,
    /// The first failing exchange, in short (redacted).
    pub evidence: Option<&'a str>,
    pub status_page: Option<&'a str>,
}

impl Event<'_> {
    fn sentence(&self, lang: Lang) -> String {
        let who = match (self.name, self.region) {
            (Some(name), Some(region)) => format!("{name} ({}, {region})", self.service),
            (Some(name), None) => format!("{name} ({})", self.service),
            _ => self.service.to_string(),
        };
        let why = self
            .evidence
            .map(|evidence| format!(" — {evidence}"))
            .unwrap_or_default();
        let page = self
            .status_page
            .map(|page| format!("\n{page}"))
            .unwrap_or_default();
        match self.kind {
            EventKind::Down => lang.choose(
                format!(
                    "🔴 GANGGUAN: {who} tidak dapat diakses sejak {}{why}{page}",
                    self.started_at
                ),
                format!(
                    "🔴 DOWN: {who} has been unreachable since {}{why}{page}",
                    self.started_at
                ),
            ),
            EventKind::Resolved => lang.choose(
                format!(
                    "✅ PULIH: {who} dapat diakses lagi sejak {} (gangguan mulai {}){page}",
                    self.at, self.started_at
                ),
                format!(
                    "✅ RESOLVED: {who} is reachable again since {} (down since {}){page}",
                    self.at, self.started_at
                ),
            ),
        }
    }
}

/// The delay before the next try after `attempts` failed ones: 1 s, 2 s, 4 s...
/// up to 10 minutes.
pub fn backoff(attempts: u32) -> Duration {
    Duration::from_secs(1u64 << attempts.min(10)).min(Duration::from_secs(600))
}

/// The HTTP client for webhooks: no proxy, no redirects, a 10 s timeout.
pub fn client() -> reqwest::Client {
    run::client::install_crypto_provider();
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap_or_else(|_| reqwest::Client::new())
}

/// Sends every alert of `vantage`'s incidents due at `now` (ms) to its
/// webhook; how many were sent.
pub async fn send_due(
    store: &Mutex<Store>,
    vantage: &str,
    webhooks: &[Webhook],
    client: &reqwest::Client,
    now: i64,
) -> Result<usize, StoreError> {
    // The connection is held only between requests, never across one.
    let locked = |work: &dyn Fn(&Store) -> Result<(), StoreError>| match store.lock() {
        Ok(store) => work(&store),
        Err(poisoned) => work(&poisoned.into_inner()),
    };
    let due = match store.lock() {
        Ok(store) => store.alerts_due(vantage, now)?,
        Err(poisoned) => poisoned.into_inner().alerts_due(vantage, now)?,
    };
    let mut sent = 0;
    for alert in due {
        let Some(webhook) = webhooks.iter().find(|w| w.target() == alert.target) else {
            // A webhook no longer configured: it stays in the outbox, unsent.
            continue;
        };
        let result = client
            .post(webhook.endpoint())
            .header("content-type", "application/json")
            .header(
                "idempotency-key",
                format!("ujilab-{}-{}-{}", alert.incident, alert.event, alert.target),
            )
            .body(alert.body.clone())
            .send()
            .await;
        match result {
            Ok(response) if response.status().is_success() => {
                locked(&|store| store.alert_sent(alert.id, now))?;
                sent += 1;
            }
            Ok(response) => {
                let next = now + backoff(alert.attempts).as_millis() as i64;
                let why = format!("HTTP {}", response.status().as_u16());
                locked(&|store| store.alert_failed(alert.id, next, &why))?;
            }
            Err(error) => {
                let next = now + backoff(alert.attempts).as_millis() as i64;
                // Without the URL: it holds the token.
                let why = error.without_url().to_string();
                locked(&|store| store.alert_failed(alert.id, next, &why))?;
            }
        }
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_webhook_url_is_shown_without_its_token() {
        let slack = Webhook::parse("slack=https://hooks.slack.com/services/T000/B000/XXXXSECRET")
            .expect("parses");
        assert_eq!(slack.shown(), "https://hooks.slack.com/***");
        assert!(!format!("{slack:?}").contains("XXXXSECRET"));
        assert!(slack.secrets().iter().any(|s| s == "XXXXSECRET"));
        let telegram =
            Webhook::parse("telegram=http://127.0.0.1:9/bot123:ABCDEF/sendMessage?chat_id=-1001")
                .expect("parses");
        assert_eq!(telegram.shown(), "http://127.0.0.1:9/***");
        assert_eq!(
            telegram.endpoint().as_str(),
            "http://127.0.0.1:9/bot123:ABCDEF/sendMessage"
        );
        assert_eq!(
            Webhook::parse("telegram=http://127.0.0.1:9/botX/sendMessage"),
            Err(WebhookError::NoChat("http://127.0.0.1:9/***".into()))
        );
        let bad = Webhook::parse("ftp://user:s3cret@host/x").expect_err("refused");
        assert!(!bad.to_string().contains("s3cret"), "{bad}");
        assert_ne!(slack.target(), telegram.target());
    }

    #[test]
    fn bodies_in_each_format_carry_no_markup_from_the_service() {
        let event = Event {
            kind: EventKind::Down,
            service: "svc",
            name: Some("<b>Layanan</b>"),
            region: Some("Kab. Contoh"),
            started_at: "2026-01-01T00:00:00Z",
            at: "2026-01-01T00:01:30Z",
            evidence: Some("HTTP 500 <script>alert(1)</script>"),
            status_page: None,
        };
        let slack = Webhook::parse("slack=http://127.0.0.1:1/hook").expect("parses");
        let body: serde_json::Value =
            serde_json::from_str(&slack.body(&event, Lang::En)).expect("JSON");
        let text = body["text"].as_str().unwrap_or_default();
        assert!(text.starts_with("🔴 DOWN:"), "{text}");
        assert!(!text.contains('<'), "{text}");
        let generic = Webhook::parse("http://127.0.0.1:1/hook").expect("parses");
        let body: serde_json::Value =
            serde_json::from_str(&generic.body(&event, Lang::Id)).expect("JSON");
        assert_eq!(body["event"], "down");
        assert!(
            body["text"]
                .as_str()
                .unwrap_or_default()
                .contains("GANGGUAN")
        );
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        assert_eq!(backoff(0), Duration::from_secs(1));
        assert_eq!(backoff(3), Duration::from_secs(8));
        assert_eq!(backoff(40), Duration::from_secs(600));
    }
}
