//! The request trace that `-v` and `-vv` print (target `ujilab::trace`, which the
//! binary's log filter turns on): each exchange as it ends, one line per request
//! (every redirect hop, then the final response or the failure) with its status,
//! size and phases; at `-vv` also the headers and an excerpt of the body.
//!
//! Everything here is already redacted: an exchange's URLs, headers and error are
//! redacted when it is built (and again after a capture learns a secret), and the
//! body excerpt passes the scenario's redactor. The binary's log writer redacts
//! once more with every secret known. Load requests are not traced: thousands a
//! second would bury everything else.

use observe::exchange::Exchange;
use observe::redact::Redactor;

/// How much of a body `-vv` shows.
const BODY_EXCERPT: usize = 512;

/// Traces `exchange`, sent for `what` (`probe health`, `availability health`,
/// `page home`). Call it once the exchange is final (after its captures).
pub(crate) fn exchange(what: &str, exchange: &Exchange, redactor: &Redactor) {
    if !tracing::enabled!(target: "ujilab::trace", tracing::Level::INFO) {
        return;
    }
    let headers = tracing::enabled!(target: "ujilab::trace", tracing::Level::DEBUG);
    let mut url = exchange.url.as_str();
    for (at, hop) in exchange.redirects.iter().enumerate() {
        let method = if at == 0 {
            exchange.method.as_str()
        } else {
            "GET"
        };
        tracing::info!(
            target: "ujilab::trace",
            "{what}: {method} {url} -> {} (redirect to {}) [{}]",
            hop.status,
            hop.location,
            hop.timings.describe()
        );
        if headers {
            tracing::debug!(target: "ujilab::trace", "{what}: < {}", lines(&hop.headers));
        }
        url = &hop.url;
    }
    let method = exchange.method.as_str();
    let url = exchange.final_url.as_str();
    if headers {
        tracing::debug!(
            target: "ujilab::trace",
            "{what}: > {}",
            lines(&exchange.request_headers)
        );
    }
    match (&exchange.response, &exchange.error) {
        (Some(response), _) => {
            tracing::info!(
                target: "ujilab::trace",
                "{what}: {method} {url} -> {} {} {} bytes [{}]",
                response.status,
                response.version,
                response.wire_bytes,
                exchange.timings.describe()
            );
            if headers {
                tracing::debug!(target: "ujilab::trace", "{what}: < {}", lines(&response.headers));
                if !response.text.is_empty() {
                    tracing::debug!(
                        target: "ujilab::trace",
                        "{what}: body {}",
                        redactor.excerpt(&response.text, BODY_EXCERPT)
                    );
                }
            }
        }
        (None, Some(error)) => {
            let status = exchange
                .received
                .as_ref()
                .map(|head| format!("{} ", head.status))
                .unwrap_or_default();
            tracing::info!(
                target: "ujilab::trace",
                "{what}: {method} {url} -> {status}{error} [{}]",
                exchange.timings.describe()
            );
        }
        (None, None) => {}
    }
}

/// Header lines joined for one trace line (`name: value; name: value`).
fn lines(headers: &[(String, String)]) -> String {
    headers
        .iter()
        .map(|(name, value)| format!("{name}: {value}"))
        .collect::<Vec<_>>()
        .join("; ")
}
