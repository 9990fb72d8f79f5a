//! Listeners: binding, TLS (SNI-based certificate choice, pengaduan refused), the
//! accept loops and the state every request reads.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, Instant};

use rustls::server::{ClientHello, ResolvesServerCert, WebPkiClientVerifier};
use rustls::sign::CertifiedKey;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::JoinSet;
use tokio_rustls::TlsAcceptor;

use crate::connection::{ConnInfo, Scheme};
use crate::knobs::{Behaviour, Knobs};
use crate::pki::Pki;
use crate::services::Sites;
use crate::{SandboxError, Service, connection};

/// How long in-flight connections get to finish once shutdown starts; after that
/// they are dropped (a stalled body never finishes on its own).
pub(super) const SHUTDOWN_GRACE: Duration = Duration::from_millis(250);

/// A client that opens a TLS connection and never completes the handshake is
/// dropped after this.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(10);

/// What every request reads: the seed, the knobs, the per-host counters, the sites.
pub(super) struct Shared {
    pub seed: u64,
    pub https_port: u16,
    pub started: Instant,
    pub sites: Sites,
    knobs: RwLock<Knobs>,
    counters: [AtomicU64; Service::ALL.len()],
}

impl Shared {
    pub fn new(seed: u64, https_port: u16, knobs: Knobs) -> Self {
        Shared {
            seed,
            https_port,
            started: Instant::now(),
            sites: Sites::new(seed),
            knobs: RwLock::new(knobs),
            counters: Default::default(),
        }
    }

    /// Takes the next sequence number of `service`'s host.
    pub fn next_seq(&self, service: Service) -> u64 {
        self.counters[service.index()].fetch_add(1, Ordering::Relaxed)
    }

    pub fn requests_seen(&self, service: Service) -> u64 {
        self.counters[service.index()].load(Ordering::Relaxed)
    }

    // A panic while holding the lock cannot leave Knobs half-written (it is replaced
    // whole), so a poisoned lock is still safe to read.
    pub fn knobs(&self) -> Knobs {
        self.knobs
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    pub fn behaviour(&self, service: Service) -> Behaviour {
        self.knobs
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(service)
            .clone()
    }

    pub fn set_knobs(&self, knobs: Knobs) {
        *self.knobs.write().unwrap_or_else(PoisonError::into_inner) = knobs;
    }
}

pub(super) async fn bind(addr: SocketAddr) -> Result<TcpListener, SandboxError> {
    TcpListener::bind(addr)
        .await
        .map_err(|source| SandboxError::Bind { addr, source })
}

pub(super) fn local_addr(
    listener: &TcpListener,
    requested: SocketAddr,
) -> Result<SocketAddr, SandboxError> {
    listener.local_addr().map_err(|source| SandboxError::Bind {
        addr: requested,
        source,
    })
}

/// Chooses the certificate by SNI name. Pengaduan is a plain-HTTP legacy portal:
/// returning no certificate for its name makes rustls abort the handshake, which is
/// what a client meets when it tries `https://` on such a host.
#[derive(Debug)]
struct SniResolver {
    leaf: Arc<CertifiedKey>,
    hosted_leaf: Arc<CertifiedKey>,
}

impl ResolvesServerCert for SniResolver {
    fn resolve(&self, hello: ClientHello<'_>) -> Option<Arc<CertifiedKey>> {
        match hello.server_name() {
            Some(name) if name.eq_ignore_ascii_case(Service::Pengaduan.host()) => None,
            Some(name)
                if name.eq_ignore_ascii_case(Service::Portal.host())
                    || name.eq_ignore_ascii_case(Service::Desa.host()) =>
            {
                Some(Arc::clone(&self.hosted_leaf))
            }
            // Any other name (or none) gets the one certificate, as a real shared
            // server's default vhost would; a name it does not cover fails
            // verification on the client, which is the realistic outcome.
            _ => Some(Arc::clone(&self.leaf)),
        }
    }
}

pub(super) fn tls_acceptor(pki: &Pki) -> Result<TlsAcceptor, SandboxError> {
    // Client certificates are asked for, never required: only `/uji/mtls` needs
    // one, and every other endpoint answers clients without.
    let mut client_roots = rustls::RootCertStore::empty();
    client_roots.add(pki.client_ca.clone())?;
    let client_verifier = WebPkiClientVerifier::builder_with_provider(
        Arc::new(client_roots),
        Arc::clone(&pki.provider),
    )
    .allow_unauthenticated()
    .build()?;
    let mut config = rustls::ServerConfig::builder_with_provider(Arc::clone(&pki.provider))
        .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])?
        .with_client_cert_verifier(client_verifier)
        .with_cert_resolver(Arc::new(SniResolver {
            leaf: Arc::clone(&pki.leaf),
            hosted_leaf: Arc::clone(&pki.hosted_leaf),
        }));
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(TlsAcceptor::from(Arc::new(config)))
}

/// Resolves once the sandbox is told to stop (or its handle is gone).
pub(super) async fn stopped(stop: &mut watch::Receiver<bool>) {
    // The returned guard is not Send; dropping it here keeps callers' futures Send.
    let _ = stop.wait_for(|stopped| *stopped).await;
}

pub(super) enum Listener {
    Plain,
    Tls(TlsAcceptor),
}

/// Accepts until shutdown, then gives open connections [`SHUTDOWN_GRACE`] to
/// finish and aborts the rest.
pub(super) async fn accept_loop(
    listener: TcpListener,
    kind: Listener,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) {
    let mut connections = JoinSet::new();
    let for_connections = stop.clone();
    loop {
        tokio::select! {
            () = stopped(&mut stop) => break,
            accepted = listener.accept() => match accepted {
                Ok((tcp, peer)) => {
                    // Small answers should leave at once, not wait for Nagle.
                    let _ = tcp.set_nodelay(true);
                    let task = handle(tcp, peer, &kind, Arc::clone(&shared), for_connections.clone());
                    connections.spawn(task);
                }
                Err(error) => {
                    // Usually "too many open files": back off instead of spinning.
                    tracing::warn!(%error, "sandbox accept failed");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            },
            Some(_) = connections.join_next(), if !connections.is_empty() => {}
        }
    }
    drop(listener);
    // Connections saw the same signal and shut down gracefully within the grace
    // period; the margin covers scheduling on a busy machine.
    let drained = tokio::time::timeout(SHUTDOWN_GRACE * 2, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    if drained.is_err() {
        connections.shutdown().await;
    }
}

fn handle(
    tcp: TcpStream,
    peer: SocketAddr,
    kind: &Listener,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) -> impl Future<Output = ()> + Send + 'static {
    let acceptor = match kind {
        Listener::Plain => None,
        Listener::Tls(acceptor) => Some(acceptor.clone()),
    };
    async move {
        let Some(acceptor) = acceptor else {
            let info = ConnInfo::new(Scheme::Http, None, false);
            connection::serve(tcp, info, shared, stop).await;
            return;
        };
        let delay = shared.knobs().handshake_delay();
        let handshake = tokio::time::timeout(HANDSHAKE_TIMEOUT, async {
            // A slow TLS terminator: the client's hello waits unread.
            tokio::time::sleep(delay).await;
            acceptor.accept(tcp).await
        });
        let tls = tokio::select! {
            () = stopped(&mut stop) => return,
            done = handshake => match done {
                Ok(Ok(tls)) => tls,
                Ok(Err(error)) => {
                    tracing::debug!(%peer, %error, "sandbox TLS handshake failed");
                    return;
                }
                Err(_) => {
                    tracing::debug!(%peer, "sandbox TLS handshake timed out");
                    return;
                }
            },
        };
        let session = tls.get_ref().1;
        let sni = session.server_name().map(str::to_owned);
        // Present only when verified against the client CA (the handshake fails
        // on any other certificate).
        let client_certificate = session.peer_certificates().is_some_and(|c| !c.is_empty());
        let info = ConnInfo::new(Scheme::Https, sni, client_certificate);
        connection::serve(tls, info, shared, stop).await;
    }
}
