//! First scenarios, drafted rather than written by hand.
//!
//! - `ujilab init URL`: a bounded, polite visit of a site ([`crawl`], obeying
//!   [`robots`]), its pages read ([`page`]) and matched to the pages the
//!   standards read ([`roles`], with the catalogue's own words), written as a
//!   commented scenario ([`init_scenario`]).
//!
//! - `ujilab import curl|har`: a recorded request ([`curl`], [`har`], into
//!   [`recorded`]) written as probes, credentials moved to `secrets:`
//!   ([`import_scenario`]).
//!
//! The visit goes through the run stage's client and exchange (so `resolve`, CA
//! files, timeouts and body caps behave as in a run); everything else here is
//! pure: text in, text out. Reads `input`, `observe` and `run`; nothing reads it
//! but the binary.

pub mod crawl;
pub mod curl;
pub mod har;
pub mod import_scenario;
pub mod init_scenario;
pub mod page;
pub mod recorded;
pub mod robots;
pub mod roles;
mod secrets;
mod yaml;

use input::catalogue::Catalogue;
use input::lang::Lang;
use input::text::Text;
use run::client::Session;
use url::Url;

use crate::crawl::{Crawl, CrawlLimits, Fetched};
use crate::init_scenario::InitSettings;
use crate::roles::{Choice, Role};

/// What `ujilab init` drafted.
#[derive(Debug)]
pub struct Drafted {
    /// The scenario's text.
    pub text: String,
    pub crawl: Crawl,
    /// Each role with the page chosen for it.
    pub choices: Vec<(Role, Option<Choice>)>,
}

/// Why nothing could be drafted.
#[derive(Debug, thiserror::Error)]
pub enum InitError {
    /// The home page gave no response at all.
    #[error("{url}: no response ({reason})")]
    NoAnswer { url: String, reason: String },
}

impl InitError {
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            InitError::NoAnswer { url, reason } => Text::new(
                format!(
                    "{url}: tidak ada respons ({reason}); tidak ada yang dapat dijadikan skenario"
                ),
                format!("{url}: no response ({reason}); nothing to draft a scenario from"),
            )
            .pick(lang)
            .to_string(),
        }
    }
}

/// Visits `start` within `limits` and drafts its scenario, choosing pages with
/// `catalogue`'s words. `seen` hears of each fetch.
pub async fn init(
    start: &Url,
    session: &Session,
    limits: &CrawlLimits,
    catalogue: &Catalogue,
    settings: &InitSettings,
    seen: &mut dyn FnMut(&Fetched),
) -> Result<Drafted, InitError> {
    let crawl = crawl::crawl(start, session, limits, seen).await;
    if let Some(home) = crawl.home()
        && home.exchange.response.is_none()
    {
        let reason = home
            .exchange
            .error
            .as_ref()
            .map(|error| format!("{}: {}", error.kind.code(), error.message))
            .unwrap_or_default();
        return Err(InitError::NoAnswer {
            url: start.to_string(),
            reason,
        });
    }
    let choices = roles::choose_pages(&crawl, catalogue);
    let text = init_scenario::write(&crawl, &choices, settings);
    Ok(Drafted {
        text,
        crawl,
        choices,
    })
}

/// A host as a service id (`[a-z0-9][a-z0-9._-]*`): other characters become `-`.
pub fn service_id(host: &str) -> String {
    let id: String = host
        .to_ascii_lowercase()
        .chars()
        .map(|c| match c {
            'a'..='z' | '0'..='9' | '.' | '_' | '-' => c,
            _ => '-',
        })
        .collect();
    let id = id.trim_start_matches(['.', '_', '-']).to_string();
    if id.is_empty() {
        "layanan".to_string()
    } else {
        id
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_host_becomes_a_valid_service_id() {
        assert_eq!(
            super::service_id("Dukcapil.contohkab.go.id"),
            "dukcapil.contohkab.go.id"
        );
        assert_eq!(super::service_id("[::1]"), "1-");
        assert_eq!(super::service_id("--"), "layanan");
    }
}
