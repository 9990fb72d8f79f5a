//! The sandbox: "Kabupaten Contoh" (region 99.01, fictional), a small regency whose
//! digital services run on loopback so that ujilab can be demonstrated, taught and
//! tested without a network.
//!
//! It is a real server, not a mock: one HTTP and one HTTPS listener on 127.0.0.1
//! carry five sites told apart by the Host header (and the TLS SNI name):
//!
//! | host | imitates | built to score |
//! |---|---|---|
//! | `dukcapil.contohkab.go.id` | population-records JSON API with pages | well |
//! | `perizinan.contohkab.go.id` | licensing portal with a search API | middling |
//! | `pengaduan.contohkab.go.id` | legacy complaints portal, plain HTTP | poorly |
//! | `www.contohkab.go.id` | the regency's WordPress-like portal | its template and CMS findings |
//! | `sukamaju.desa.id` | a village government's site (Desa Sukamaju) | as a desa on desa.id |
//!
//! Faults are chosen from `(seed, host, per-host request number)`, so their counts
//! are exact and repeatable; their timings are not. [`Knobs`] make a service hostile
//! on top of its normal behaviour, and can be changed while the sandbox runs.
//!
//! This module owns nothing else in the crate and depends on nothing else in it.

mod connection;
mod faults;
mod knobs;
mod pki;
mod respond;
mod server;
mod services;

use std::fmt;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use knobs::{
    Behaviour, BodyFault, ConnectionFault, HUGE_BODY_BYTES, Knobs, PeriodicStall, RedirectLoop,
};
pub use pki::ClientIdentity;
pub use services::{OAUTH2_CLIENT_ID, OAUTH2_CLIENT_SECRET, OAUTH2_TOKEN_LIFETIME};

/// Environment variable carrying the sandbox's HTTP port (read by the demo scenarios).
pub const ENV_HTTP_PORT: &str = "UJILAB_SANDBOX_HTTP_PORT";
/// Environment variable carrying the sandbox's HTTPS port.
pub const ENV_HTTPS_PORT: &str = "UJILAB_SANDBOX_HTTPS_PORT";
/// Environment variable carrying the path of the sandbox CA certificate (PEM).
pub const ENV_CA: &str = "UJILAB_SANDBOX_CA";
/// Environment variable carrying the password of the portal's training account,
/// which the demo's login probe reads as a secret (so it is `***` in reports).
pub const ENV_PORTAL_PASSWORD: &str = "UJILAB_SANDBOX_PORTAL_PASSWORD";

/// Default HTTP address of `ujilab sandbox`.
pub const DEFAULT_HTTP_ADDR: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 8780);
/// Default HTTPS address of `ujilab sandbox`.
pub const DEFAULT_HTTPS_ADDR: SocketAddr =
    SocketAddr::new(std::net::IpAddr::V4(Ipv4Addr::LOCALHOST), 8743);

/// Where `ujilab sandbox` writes the CA certificate unless told otherwise; the demo
/// scenarios fall back to the same path (as `/tmp/ujilab-sandbox-ca.pem`).
pub fn default_ca_out() -> PathBuf {
    std::env::temp_dir().join("ujilab-sandbox-ca.pem")
}

/// One of the sites of Kabupaten Contoh.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Service {
    /// `dukcapil.contohkab.go.id`: population administration, the well-run one.
    Dukcapil,
    /// `perizinan.contohkab.go.id`: licensing portal, the middling one.
    Perizinan,
    /// `pengaduan.contohkab.go.id`: legacy complaints portal, the poor one.
    Pengaduan,
    /// `www.contohkab.go.id`: the regency's portal, built like a WordPress site.
    Portal,
    /// `sukamaju.desa.id`: the site of Desa Sukamaju, a village of the regency.
    Desa,
}

impl Service {
    /// Every service, in a fixed order.
    pub const ALL: [Service; 5] = [
        Service::Dukcapil,
        Service::Perizinan,
        Service::Pengaduan,
        Service::Portal,
        Service::Desa,
    ];

    /// The host name the service answers to.
    pub fn host(self) -> &'static str {
        match self {
            Service::Dukcapil => "dukcapil.contohkab.go.id",
            Service::Perizinan => "perizinan.contohkab.go.id",
            Service::Pengaduan => "pengaduan.contohkab.go.id",
            Service::Portal => "www.contohkab.go.id",
            Service::Desa => "sukamaju.desa.id",
        }
    }

    /// The service answering to `host` (a bare host name, case-insensitive).
    pub fn from_host(host: &str) -> Option<Service> {
        let host = host.strip_suffix('.').unwrap_or(host);
        Service::ALL
            .into_iter()
            .find(|s| s.host().eq_ignore_ascii_case(host))
    }

    fn index(self) -> usize {
        match self {
            Service::Dukcapil => 0,
            Service::Perizinan => 1,
            Service::Pengaduan => 2,
            Service::Portal => 3,
            Service::Desa => 4,
        }
    }
}

impl fmt::Display for Service {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.host())
    }
}

/// How to start a sandbox.
#[derive(Debug, Clone)]
pub struct SandboxConfig {
    /// Address of the plain HTTP listener (port 0 picks a free one).
    pub http: SocketAddr,
    /// Address of the HTTPS listener (port 0 picks a free one).
    pub https: SocketAddr,
    /// Chooses which requests fail or stall; the same seed gives the same faults.
    pub seed: u64,
    /// Where to write the CA certificate; `None` writes it into a temporary folder
    /// owned by the [`Sandbox`] and removed with it.
    pub ca_out: Option<PathBuf>,
    /// Hostile behaviour applied on top of the services' normal behaviour.
    pub knobs: Knobs,
}

impl SandboxConfig {
    /// Free ports on 127.0.0.1, seed 1, CA in a fresh temporary folder, no knobs:
    /// what tests and `ujilab demo` use.
    pub fn ephemeral() -> Self {
        let loopback = std::net::IpAddr::V4(Ipv4Addr::LOCALHOST);
        SandboxConfig {
            http: SocketAddr::new(loopback, 0),
            https: SocketAddr::new(loopback, 0),
            seed: 1,
            ca_out: None,
            knobs: Knobs::default(),
        }
    }
}

impl Default for SandboxConfig {
    /// The fixed addresses of `ujilab sandbox` (8780 / 8743) and its default CA path.
    fn default() -> Self {
        SandboxConfig {
            http: DEFAULT_HTTP_ADDR,
            https: DEFAULT_HTTPS_ADDR,
            seed: 1,
            ca_out: Some(default_ca_out()),
            knobs: Knobs::default(),
        }
    }
}

/// Why the sandbox could not start (once started, a failing request is served
/// behaviour, never an error).
#[derive(Debug, thiserror::Error)]
pub enum SandboxError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot create the sandbox certificates: {0}")]
    Certificate(#[from] rcgen::Error),
    #[error("cannot configure TLS: {0}")]
    Tls(#[from] rustls::Error),
    #[error("cannot configure client certificate checks: {0}")]
    ClientVerifier(#[from] rustls::server::VerifierBuilderError),
    #[error("cannot create a temporary folder for the CA certificate: {0}")]
    TempDir(#[source] std::io::Error),
    #[error("cannot write the CA certificate to {path}: {source}")]
    WriteCa {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot wait for Ctrl-C: {0}")]
    Signal(#[source] std::io::Error),
}

/// A running sandbox. Dropping it stops the listeners in the background;
/// [`Sandbox::shutdown`] stops them and waits.
pub struct Sandbox {
    http_addr: SocketAddr,
    https_addr: SocketAddr,
    ca_path: PathBuf,
    ca_pem: String,
    client_identity: ClientIdentity,
    shared: Arc<server::Shared>,
    stop: watch::Sender<bool>,
    listeners: Vec<JoinHandle<()>>,
    // Held only so that the temporary CA folder lives as long as the sandbox.
    _ca_dir: Option<tempfile::TempDir>,
}

impl Sandbox {
    /// Creates the CA and certificates, binds both listeners and starts serving.
    pub async fn start(config: SandboxConfig) -> Result<Sandbox, SandboxError> {
        let pki = pki::Pki::issue()?;

        let (ca_path, ca_dir) = match config.ca_out {
            Some(path) => (path, None),
            None => {
                let dir = tempfile::Builder::new()
                    .prefix("ujilab-sandbox-")
                    .tempdir()
                    .map_err(SandboxError::TempDir)?;
                (dir.path().join("ca.pem"), Some(dir))
            }
        };
        write_ca(&ca_path, &pki.ca_pem).await?;

        let http = server::bind(config.http).await?;
        let https = server::bind(config.https).await?;
        let http_addr = server::local_addr(&http, config.http)?;
        let https_addr = server::local_addr(&https, config.https)?;

        let shared = Arc::new(server::Shared::new(
            config.seed,
            https_addr.port(),
            config.knobs,
        ));
        let acceptor = server::tls_acceptor(&pki)?;
        let (stop, _) = watch::channel(false);
        let listeners = vec![
            tokio::spawn(server::accept_loop(
                http,
                server::Listener::Plain,
                Arc::clone(&shared),
                stop.subscribe(),
            )),
            tokio::spawn(server::accept_loop(
                https,
                server::Listener::Tls(acceptor),
                Arc::clone(&shared),
                stop.subscribe(),
            )),
        ];
        tracing::info!(%http_addr, %https_addr, seed = config.seed, "sandbox started");

        Ok(Sandbox {
            http_addr,
            https_addr,
            ca_path,
            ca_pem: pki.ca_pem,
            client_identity: pki.client,
            shared,
            stop,
            listeners,
            _ca_dir: ca_dir,
        })
    }

    /// The bound HTTP port.
    pub fn http_port(&self) -> u16 {
        self.http_addr.port()
    }

    /// The bound HTTPS port.
    pub fn https_port(&self) -> u16 {
        self.https_addr.port()
    }

    /// The bound HTTP address.
    pub fn http_addr(&self) -> SocketAddr {
        self.http_addr
    }

    /// The bound HTTPS address.
    pub fn https_addr(&self) -> SocketAddr {
        self.https_addr
    }

    /// The file holding the CA certificate (PEM).
    pub fn ca_path(&self) -> &Path {
        &self.ca_path
    }

    /// The CA certificate (PEM).
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    /// A client certificate signed by the sandbox's client CA, with its key: the
    /// HTTPS listener accepts it, and `/uji/mtls` answers only with it.
    pub fn client_identity(&self) -> &ClientIdentity {
        &self.client_identity
    }

    /// `UJILAB_SANDBOX_HTTP_PORT`, `UJILAB_SANDBOX_HTTPS_PORT`, `UJILAB_SANDBOX_CA`
    /// and `UJILAB_SANDBOX_PORTAL_PASSWORD` with their values, in that order.
    pub fn env(&self) -> Vec<(String, String)> {
        vec![
            (ENV_HTTP_PORT.to_owned(), self.http_port().to_string()),
            (ENV_HTTPS_PORT.to_owned(), self.https_port().to_string()),
            (ENV_CA.to_owned(), self.ca_path.display().to_string()),
            (
                ENV_PORTAL_PASSWORD.to_owned(),
                services::PORTAL_PASSWORD.to_owned(),
            ),
        ]
    }

    /// Every OAuth2 token `/uji/token` has issued so far, oldest first.
    pub fn oauth2_tokens_issued(&self) -> Vec<String> {
        self.shared.sites.oauth2_tokens_issued()
    }

    /// How many requests `service` has received so far (its next sequence number).
    pub fn requests_seen(&self, service: Service) -> u64 {
        self.shared.requests_seen(service)
    }

    /// A copy of the knobs in force.
    pub fn knobs(&self) -> Knobs {
        self.shared.knobs()
    }

    /// Replaces every knob; requests that arrive afterwards see the new values.
    pub fn set_knobs(&self, knobs: Knobs) {
        self.shared.set_knobs(knobs);
    }

    /// Replaces one service's knobs.
    pub fn set_behaviour(&self, service: Service, behaviour: Behaviour) {
        let mut knobs = self.shared.knobs();
        knobs.set(service, behaviour);
        self.shared.set_knobs(knobs);
    }

    /// Turns every knob off: the services behave normally again.
    pub fn clear_knobs(&self) {
        self.shared.set_knobs(Knobs::default());
    }

    /// Stops accepting, lets in-flight answers finish for a short grace period, then
    /// drops whatever is still open (a stalled or endless body would never finish).
    pub async fn shutdown(mut self) {
        self.stop.send_replace(true);
        for listener in std::mem::take(&mut self.listeners) {
            if let Err(error) = listener.await {
                tracing::warn!(%error, "sandbox listener task ended abnormally");
            }
        }
        tracing::info!("sandbox stopped");
    }
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        // Without this, a sandbox dropped in a test would keep serving until the
        // runtime ends.
        self.stop.send_replace(true);
    }
}

impl fmt::Debug for Sandbox {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sandbox")
            .field("http", &self.http_addr)
            .field("https", &self.https_addr)
            .field("ca_path", &self.ca_path)
            .finish_non_exhaustive()
    }
}

async fn write_ca(path: &Path, pem: &str) -> Result<(), SandboxError> {
    let write_error = |source| SandboxError::WriteCa {
        path: path.to_owned(),
        source,
    };
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        tokio::fs::create_dir_all(parent)
            .await
            .map_err(write_error)?;
    }
    tokio::fs::write(path, pem).await.map_err(write_error)
}

/// Runs `ujilab sandbox`: starts the sandbox, prints the three environment
/// variables as shell `export` lines on stdout (so `eval "$(ujilab sandbox)"`-style
/// use and copy-paste both work), then the caller's `banner` (in the reader's
/// language, which this crate does not know) on stderr, and serves until Ctrl-C.
pub async fn serve_until_ctrl_c(
    config: SandboxConfig,
    banner: impl FnOnce(&Sandbox) -> String,
) -> Result<(), SandboxError> {
    let sandbox = Sandbox::start(config).await?;
    for line in export_lines(&sandbox.env()) {
        println!("{line}");
    }
    eprintln!("{}", banner(&sandbox));
    let waited = tokio::signal::ctrl_c().await;
    sandbox.shutdown().await;
    waited.map_err(SandboxError::Signal)
}

/// `export NAME=value` lines, quoting values that a POSIX shell would split.
fn export_lines(env: &[(String, String)]) -> Vec<String> {
    env.iter()
        .map(|(name, value)| format!("export {name}={}", shell_quote(value)))
        .collect()
}

fn shell_quote(value: &str) -> String {
    let plain = !value.is_empty()
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-:+,@%".contains(c));
    if plain {
        value.to_owned()
    } else {
        format!("'{}'", value.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_round_trip() {
        for service in Service::ALL {
            assert_eq!(Service::from_host(service.host()), Some(service));
            assert_eq!(
                Service::from_host(&service.host().to_uppercase()),
                Some(service)
            );
        }
        assert_eq!(
            Service::from_host("dukcapil.contohkab.go.id."),
            Some(Service::Dukcapil)
        );
        assert_eq!(Service::from_host("contohkab.go.id"), None);
    }

    #[test]
    fn export_lines_quote_only_when_needed() {
        let env = vec![
            ("A".to_owned(), "8780".to_owned()),
            ("B".to_owned(), "/tmp/ujilab-sandbox-ca.pem".to_owned()),
            ("C".to_owned(), "/tmp/my dir/it's.pem".to_owned()),
        ];
        assert_eq!(
            export_lines(&env),
            vec![
                "export A=8780",
                "export B=/tmp/ujilab-sandbox-ca.pem",
                r"export C='/tmp/my dir/it'\''s.pem'",
            ]
        );
    }
}
