//! Building the HTTP clients that probes, availability rounds and page fetches use.
//!
//! The rules (semantics.md, "Requests"): the client never follows redirects
//! (`exchange::perform` does), never decompresses (`decode` does, so `Content-Encoding`
//! stays visible), uses no proxy unless one is configured, and never proxies the hosts
//! pinned with `resolve`. TLS is rustls with the ring provider (never aws-lc-rs), built
//! here and handed to reqwest preconfigured: Mozilla's roots from `webpki-roots` plus the
//! CA files given, the OS store only when asked, ALPN chosen by the HTTP version policy,
//! and the scenario's client certificate for servers that ask for one (mTLS).

use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, WebPkiSupportedAlgorithms};
use rustls::{DigitallySignedStruct, RootCertStore, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};

use crate::timing::{TimedConnect, TimedResolver, TimedSessionStore};

/// Which HTTP versions a client may use (`defaults.http`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum HttpVersionPolicy {
    /// `auto`: HTTP/2 when the server offers it by ALPN, else HTTP/1.1; plain http is 1.1.
    #[default]
    Auto,
    /// `1.1`: HTTP/1.1 only (ALPN offers only `http/1.1`).
    Http1,
    /// `2`: HTTP/2 only (ALPN offers only `h2`; plain http uses prior knowledge, h2c).
    Http2,
}

/// Whether connections are kept for later requests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub enum PoolPolicy {
    /// Keep-alive pool shared by every request of the client (functional probes, load).
    #[default]
    Shared,
    /// No idle connection is kept: every request opens a new connection (each
    /// availability round measures a cold connection).
    Fresh,
}

/// Everything a client needs to know; one client per distinct value.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ClientSettings {
    /// Host -> IP, like curl's `--resolve`; the port comes from the URL. These hosts are
    /// never sent through a proxy.
    pub resolve: Vec<(String, IpAddr)>,
    /// PEM text of extra trusted CA certificates, one entry per CA file (each may hold
    /// several certificates).
    pub extra_roots_pem: Vec<Vec<u8>>,
    /// Skip certificate verification (handshake signatures are still checked).
    pub insecure: bool,
    /// The certificate presented when a server asks for one (`tls.client_cert`).
    pub client_identity: Option<input::scenario::ClientIdentity>,
    /// Also trust the operating system's store (`--trust system`).
    pub trust_system: bool,
    pub http: HttpVersionPolicy,
    /// `None`: no proxy at all (environment variables ignored). `Some("env")`: the
    /// `HTTPS_PROXY` / `HTTP_PROXY` / `ALL_PROXY` / `NO_PROXY` variables (either case).
    /// Any other value: a proxy URL used for every scheme.
    pub proxy: Option<String>,
    pub pool: PoolPolicy,
}

impl Default for ClientSettings {
    fn default() -> Self {
        ClientSettings {
            resolve: Vec::new(),
            extra_roots_pem: Vec::new(),
            insecure: false,
            client_identity: None,
            trust_system: false,
            http: HttpVersionPolicy::Auto,
            proxy: None,
            pool: PoolPolicy::Shared,
        }
    }
}

impl fmt::Debug for ClientSettings {
    // The proxy URL may carry credentials: say only whether one is set.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientSettings")
            .field("resolve", &self.resolve)
            .field("extra_roots_pem", &self.extra_roots_pem.len())
            .field("insecure", &self.insecure)
            .field("client_identity", &self.client_identity)
            .field("trust_system", &self.trust_system)
            .field("http", &self.http)
            .field("proxy", &self.proxy.as_ref().map(|_| "<set>"))
            .field("pool", &self.pool)
            .finish()
    }
}

/// What a scenario's requests go through: an HTTP client, shared with every other
/// scenario of equal [`ClientSettings`], and the scenario's own cookie jar (none
/// with `cookies: false`). The jar lives here, not in the client, so that sharing a
/// connection pool never shares cookies.
#[derive(Clone)]
pub struct Session {
    pub client: reqwest::Client,
    pub cookies: Option<Arc<reqwest::cookie::Jar>>,
}

impl Session {
    pub fn new(client: reqwest::Client, cookies: bool) -> Session {
        Session {
            client,
            cookies: cookies.then(Arc::default),
        }
    }
}

/// Clients shared by the scenarios of a run whose settings are equal, so that they
/// share one connection pool: 10,000 scenarios against one host then open a
/// handful of connections rather than 10,000 (each with its DNS lookup, TCP and
/// TLS handshake), and the trust store is parsed once per distinct settings rather
/// than once per scenario. A shared scenario's first probe may reuse a warm
/// connection, so its latency then excludes the handshake. (A `Fresh` client keeps
/// no connection, so sharing it shares nothing but its setup.)
#[derive(Default)]
pub struct ClientCache {
    clients: std::sync::Mutex<std::collections::HashMap<ClientSettings, reqwest::Client>>,
}

impl ClientCache {
    /// The shared client for these settings, built on first use.
    pub fn client(&self, settings: &ClientSettings) -> Result<reqwest::Client, ClientError> {
        let Ok(mut clients) = self.clients.lock() else {
            return build_client(settings);
        };
        if let Some(client) = clients.get(settings) {
            return Ok(client.clone());
        }
        let client = build_client(settings)?;
        clients.insert(settings.clone(), client.clone());
        Ok(client)
    }
}

impl fmt::Debug for ClientCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shared = self.clients.lock().map(|c| c.len()).unwrap_or_default();
        f.debug_struct("ClientCache")
            .field("shared", &shared)
            .finish()
    }
}

/// Why a client could not be built. Messages never include a proxy URL (it may hold a
/// password).
#[derive(Debug, thiserror::Error)]
pub enum ClientError {
    /// A CA file (1-based position in `extra_roots_pem`) is unusable.
    #[error("CA file {index}: {problem}")]
    CaFile { index: usize, problem: String },
    #[error("the system trust store could not be read: {0}")]
    SystemRoots(String),
    #[error("invalid proxy: {0}")]
    Proxy(String),
    #[error("TLS setup failed: {0}")]
    Tls(String),
    /// The scenario's checks passed, yet rustls refused the pair; never quotes the key.
    #[error("client certificate {file}: {problem}")]
    ClientCertificate { file: String, problem: String },
    #[error("the HTTP client could not be built: {0}")]
    Build(String),
}

/// Installs ring as the process-wide rustls provider. Idempotent; a provider already
/// installed (by this or anything else) is left alone.
pub fn install_crypto_provider() {
    if CryptoProvider::get_default().is_none() {
        let _already_installed = rustls::crypto::ring::default_provider().install_default();
    }
}

/// A reqwest client following the settings (see the module docs for the fixed rules).
pub fn build_client(settings: &ClientSettings) -> Result<reqwest::Client, ClientError> {
    let mut tls = rustls_config(settings)?;
    // The phases of each request are marked by these hooks (crate::timing).
    tls.resumption = rustls::client::Resumption::store(Arc::new(TimedSessionStore::new()));
    let mut builder = reqwest::Client::builder()
        .tls_backend_preconfigured(tls)
        .dns_resolver(Arc::new(TimedResolver))
        .connector_layer(TimedConnect)
        .redirect(reqwest::redirect::Policy::none())
        // No-ops with reqwest's decompression features off; they keep it off if another
        // crate ever turns those features on.
        .no_gzip()
        .no_brotli()
        .no_zstd()
        .no_deflate()
        .referer(false)
        // Cookies are the scenario's (`Session`), never the shared client's.
        .cookie_store(false);
    for (host, ip) in &settings.resolve {
        // Port 0: the URL's port is used.
        builder = builder.resolve(host, SocketAddr::new(*ip, 0));
    }
    builder = match settings.http {
        HttpVersionPolicy::Auto => builder,
        HttpVersionPolicy::Http1 => builder.http1_only(),
        HttpVersionPolicy::Http2 => builder.http2_prior_knowledge(),
    };
    if settings.pool == PoolPolicy::Fresh {
        builder = builder.pool_max_idle_per_host(0);
    }
    builder = configure_proxy(builder, settings)?;
    builder
        .build()
        .map_err(|e| ClientError::Build(error_chain(&e.without_url())))
}

/// The rustls configuration `build_client` uses (ring provider, roots, ALPN).
pub fn rustls_config(settings: &ClientSettings) -> Result<rustls::ClientConfig, ClientError> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ClientConfig::builder_with_provider(provider.clone())
        .with_safe_default_protocol_versions()
        .map_err(|e| ClientError::Tls(e.to_string()))?;
    // Parsed even when insecure, so that a bad CA file is reported either way.
    let roots = root_store(&settings.extra_roots_pem, settings.trust_system)?;
    let builder = if settings.insecure {
        builder
            .dangerous()
            .with_custom_certificate_verifier(Arc::new(AcceptAnyCertificate::new(&provider)))
    } else {
        builder.with_root_certificates(roots)
    };
    let mut config = match &settings.client_identity {
        None => builder.with_no_client_auth(),
        Some(identity) => {
            let (chain, key) = client_certificate(identity)?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| client_certificate_error(identity, &e))?
        }
    };
    config.alpn_protocols = match settings.http {
        HttpVersionPolicy::Auto => vec![b"h2".to_vec(), b"http/1.1".to_vec()],
        HttpVersionPolicy::Http1 => vec![b"http/1.1".to_vec()],
        HttpVersionPolicy::Http2 => vec![b"h2".to_vec()],
    };
    Ok(config)
}

/// The chain and key of `identity`, as rustls takes them.
fn client_certificate(
    identity: &input::scenario::ClientIdentity,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), ClientError> {
    let chain = CertificateDer::pem_slice_iter(&identity.cert_chain_pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| client_certificate_error(identity, &e))?;
    let key = PrivateKeyDer::from_pem_slice(identity.key_pem.as_bytes())
        .map_err(|e| client_certificate_error(identity, &e))?;
    Ok((chain, key))
}

fn client_certificate_error(
    identity: &input::scenario::ClientIdentity,
    error: &dyn std::error::Error,
) -> ClientError {
    ClientError::ClientCertificate {
        file: identity.cert_file.display().to_string(),
        problem: error.to_string(),
    }
}

/// Mozilla's roots (webpki-roots), plus every certificate of every CA file, plus the OS
/// store when `trust_system`.
pub fn root_store(
    extra_roots_pem: &[Vec<u8>],
    trust_system: bool,
) -> Result<RootCertStore, ClientError> {
    let mut roots = RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    for (i, pem) in extra_roots_pem.iter().enumerate() {
        let index = i + 1;
        let mut count = 0;
        for item in CertificateDer::pem_slice_iter(pem) {
            let cert = item.map_err(|e| ClientError::CaFile {
                index,
                problem: format!("invalid PEM: {e}"),
            })?;
            count += 1;
            roots.add(cert).map_err(|e| ClientError::CaFile {
                index,
                problem: format!("certificate {count} is not a usable CA certificate: {e}"),
            })?;
        }
        if count == 0 {
            return Err(ClientError::CaFile {
                index,
                problem: "no certificate found (expected PEM text with \
                          -----BEGIN CERTIFICATE-----)"
                    .to_string(),
            });
        }
    }
    if trust_system {
        let found = rustls_native_certs::load_native_certs();
        if found.certs.is_empty() {
            let why = if found.errors.is_empty() {
                "no certificates found".to_string()
            } else {
                found
                    .errors
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            };
            return Err(ClientError::SystemRoots(why));
        }
        roots.add_parsable_certificates(found.certs);
    }
    Ok(roots)
}

fn configure_proxy(
    builder: reqwest::ClientBuilder,
    settings: &ClientSettings,
) -> Result<reqwest::ClientBuilder, ClientError> {
    // Also turns off reqwest's automatic use of proxy environment variables.
    let mut builder = builder.no_proxy();
    let Some(proxy) = settings.proxy.as_deref() else {
        return Ok(builder);
    };
    let pinned: Vec<&str> = settings.resolve.iter().map(|(h, _)| h.as_str()).collect();
    let proxy_error = |e: reqwest::Error| ClientError::Proxy(error_chain(&e.without_url()));
    if proxy.eq_ignore_ascii_case("env") {
        let mut exclusions = pinned.join(",");
        if let Some(from_env) = env_var(&["NO_PROXY", "no_proxy"]) {
            exclusions = format!("{from_env},{exclusions}");
        }
        let all = env_var(&["ALL_PROXY", "all_proxy"]);
        if let Some(url) = env_var(&["HTTP_PROXY", "http_proxy"]).or_else(|| all.clone()) {
            let p = reqwest::Proxy::http(url.as_str()).map_err(proxy_error)?;
            builder = builder.proxy(p.no_proxy(reqwest::NoProxy::from_string(&exclusions)));
        }
        if let Some(url) = env_var(&["HTTPS_PROXY", "https_proxy"]).or(all) {
            let p = reqwest::Proxy::https(url.as_str()).map_err(proxy_error)?;
            builder = builder.proxy(p.no_proxy(reqwest::NoProxy::from_string(&exclusions)));
        }
    } else {
        let p = reqwest::Proxy::all(proxy).map_err(proxy_error)?;
        let p = if pinned.is_empty() {
            p
        } else {
            p.no_proxy(reqwest::NoProxy::from_string(&pinned.join(",")))
        };
        builder = builder.proxy(p);
    }
    Ok(builder)
}

fn env_var(names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.trim().is_empty()))
}

/// `error: cause: cause`, each level once.
fn error_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut current = Some(err);
    while let Some(e) = current {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        current = e.source();
    }
    parts.join(": ")
}

/// `insecure`: any certificate is accepted, but handshake signatures are still verified
/// with the provider's algorithms (the peer must hold the key of the certificate it
/// presents).
#[derive(Debug)]
pub(crate) struct AcceptAnyCertificate {
    algorithms: WebPkiSupportedAlgorithms,
}

impl AcceptAnyCertificate {
    pub(crate) fn new(provider: &rustls::crypto::CryptoProvider) -> Self {
        Self {
            algorithms: provider.signature_verification_algorithms,
        }
    }
}

impl ServerCertVerifier for AcceptAnyCertificate {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(message, cert, dss, &self.algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(message, cert, dss, &self.algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.algorithms.supported_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_with_equal_settings_are_shared() {
        let cache = ClientCache::default();
        let shared = |cache: &ClientCache| cache.clients.lock().map(|c| c.len()).unwrap_or(99);
        for _ in 0..3 {
            cache.client(&ClientSettings::default()).expect("builds");
        }
        assert_eq!(shared(&cache), 1, "one client for equal settings");
        let other = ClientSettings {
            http: HttpVersionPolicy::Http1,
            ..ClientSettings::default()
        };
        cache.client(&other).expect("builds");
        cache.client(&other).expect("builds");
        assert_eq!(shared(&cache), 2, "another for different settings");
    }

    fn ca_pem() -> String {
        let mut params = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let key = rcgen::KeyPair::generate().expect("key");
        params.self_signed(&key).expect("self-signed").pem()
    }

    #[test]
    fn default_client_builds() {
        install_crypto_provider();
        install_crypto_provider();
        build_client(&ClientSettings::default()).expect("default client");
    }

    #[test]
    fn every_policy_builds() {
        for http in [
            HttpVersionPolicy::Auto,
            HttpVersionPolicy::Http1,
            HttpVersionPolicy::Http2,
        ] {
            for pool in [PoolPolicy::Shared, PoolPolicy::Fresh] {
                let settings = ClientSettings {
                    http,
                    pool,
                    insecure: true,
                    resolve: vec![("kab.example".into(), IpAddr::from([127, 0, 0, 1]))],
                    proxy: Some("http://127.0.0.1:3128".into()),
                    ..ClientSettings::default()
                };
                build_client(&settings).expect("client");
            }
        }
    }

    #[test]
    fn alpn_follows_policy() {
        let alpn = |http| {
            rustls_config(&ClientSettings {
                http,
                ..ClientSettings::default()
            })
            .expect("config")
            .alpn_protocols
        };
        assert_eq!(
            alpn(HttpVersionPolicy::Auto),
            vec![b"h2".to_vec(), b"http/1.1".to_vec()]
        );
        assert_eq!(alpn(HttpVersionPolicy::Http1), vec![b"http/1.1".to_vec()]);
        assert_eq!(alpn(HttpVersionPolicy::Http2), vec![b"h2".to_vec()]);
    }

    #[test]
    fn extra_roots_are_added() {
        let base = root_store(&[], false).expect("mozilla").len();
        let two = format!("{}\n{}", ca_pem(), ca_pem());
        let store = root_store(&[two.into_bytes()], false).expect("two CAs");
        assert_eq!(store.len(), base + 2);
    }

    #[test]
    fn bad_pem_is_named() {
        let err = root_store(
            &[ca_pem().into_bytes(), b"not a certificate".to_vec()],
            false,
        )
        .expect_err("no cert");
        assert!(
            matches!(&err, ClientError::CaFile { index: 2, problem } if problem.contains("no certificate")),
            "{err}"
        );
        let broken = "-----BEGIN CERTIFICATE-----\nAAAA\n".to_string();
        let err = root_store(&[broken.into_bytes()], false).expect_err("truncated");
        assert!(
            err.to_string().starts_with("CA file 1: invalid PEM"),
            "{err}"
        );
        let garbage = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
        let err = root_store(&[garbage.as_bytes().to_vec()], false).expect_err("not DER");
        assert!(err.to_string().contains("CA file 1"), "{err}");
        let settings = ClientSettings {
            extra_roots_pem: vec![b"nope".to_vec()],
            insecure: true,
            ..ClientSettings::default()
        };
        assert!(build_client(&settings).is_err());
    }

    #[test]
    fn bad_proxy_is_an_error_without_the_url() {
        let settings = ClientSettings {
            proxy: Some("::not a url:: with-password".into()),
            ..ClientSettings::default()
        };
        let err = build_client(&settings).expect_err("bad proxy");
        assert!(matches!(err, ClientError::Proxy(_)), "{err}");
        assert!(!err.to_string().contains("with-password"), "{err}");
    }

    #[test]
    fn debug_hides_proxy() {
        let settings = ClientSettings {
            proxy: Some("http://user:pw@proxy:3128".into()),
            ..ClientSettings::default()
        };
        assert!(!format!("{settings:?}").contains("pw@"));
    }
}
