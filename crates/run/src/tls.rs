//! TLS facts from a separate handshake with a recording verifier: every WebPKI
//! failure is recorded (untrusted, name mismatch, expired, not yet valid) and the
//! handshake is allowed to finish, so the protocol version and the leaf's expiry
//! are known even for a certificate the probes would reject.

use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, SignatureScheme};

use observe::exchange::{TransportError, TransportKind};
use observe::observations::{
    CertificateProblem, ChainCertificate, Handshake, TlsFacts, TlsVersion, VersionProbe,
    VersionResult,
};

use crate::client::AcceptAnyCertificate;
use crate::exchange::tls_error;

mod legacy;

/// Where to connect and whom to trust.
pub struct TlsTarget<'a> {
    pub url: &'a url::Url,
    /// From `defaults.resolve`: connect here instead of looking the host up.
    pub resolved: Option<IpAddr>,
    pub roots: rustls::RootCertStore,
    pub timeout: Duration,
}

/// The recorded facts; never an `Err`: a failed handshake is a fact too.
pub async fn inspect(target: TlsTarget<'_>) -> TlsFacts {
    let host = target.url.host_str().unwrap_or_default().to_string();
    let port = target.url.port_or_known_default().unwrap_or(443);
    let handshake = tokio::time::timeout(target.timeout, handshake(&target, &host, port))
        .await
        .unwrap_or_else(|_| {
            Err(TransportError {
                kind: TransportKind::Timeout,
                message: format!(
                    "no TLS handshake with {host}:{port} within {}s",
                    target.timeout.as_secs_f64()
                ),
            })
        });
    let versions = futures_util::future::join_all(
        TlsVersion::ALL.map(|version| offer(&target, &host, port, version)),
    )
    .await;
    TlsFacts {
        host,
        port,
        handshake,
        versions,
    }
}

async fn connect(
    target: &TlsTarget<'_>,
    host: &str,
    port: u16,
) -> Result<tokio::net::TcpStream, TransportError> {
    let at = format!("{host}:{port}");
    let transport = |kind, message: String| TransportError { kind, message };
    let address: SocketAddr = match target.resolved {
        Some(ip) => SocketAddr::new(ip, port),
        None => tokio::net::lookup_host((host, port))
            .await
            .ok()
            .and_then(|mut found| found.next())
            .ok_or_else(|| {
                transport(TransportKind::Dns, format!("could not resolve host {host}"))
            })?,
    };
    tokio::net::TcpStream::connect(address)
        .await
        .map_err(|error| {
            transport(
                TransportKind::Connect,
                format!("could not connect to {at}: {error}"),
            )
        })
}

/// Offers one version alone, within the target's timeout. TLS 1.2 and 1.3 by a
/// full rustls handshake (certificate problems do not matter here); TLS 1.0 and
/// 1.1, which rustls does not speak, by a hand-made ClientHello whose answer is
/// read up to the ServerHello's version or an alert.
async fn offer(target: &TlsTarget<'_>, host: &str, port: u16, version: TlsVersion) -> VersionProbe {
    let started = std::time::Instant::now();
    let attempt = async {
        let tcp = connect(target, host, port)
            .await
            .map_err(|e| (VersionResult::Unknown, e.message))?;
        match version {
            TlsVersion::Tls1_0 | TlsVersion::Tls1_1 => legacy::offer(tcp, host, version).await,
            TlsVersion::Tls1_2 | TlsVersion::Tls1_3 => modern_offer(tcp, host, version).await,
        }
    };
    let (result, detail) = match tokio::time::timeout(target.timeout, attempt).await {
        Ok(Ok(())) => (VersionResult::Accepted, None),
        Ok(Err((result, detail))) => (result, Some(detail)),
        Err(_) => (
            VersionResult::Unknown,
            Some(format!(
                "no answer within {}s",
                target.timeout.as_secs_f64()
            )),
        ),
    };
    VersionProbe {
        version,
        result,
        detail,
        took: started.elapsed(),
    }
}

async fn modern_offer(
    tcp: tokio::net::TcpStream,
    host: &str,
    version: TlsVersion,
) -> Result<(), (VersionResult, String)> {
    let unknown = |message: String| (VersionResult::Unknown, message);
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    // Whether the version is accepted, not whether the certificate is good
    // (SC-02 says that): any certificate is taken, its signature still checked.
    let verifier = Arc::new(AcceptAnyCertificate::new(&provider));
    let only: &[&'static rustls::SupportedProtocolVersion] = match version {
        TlsVersion::Tls1_3 => &[&rustls::version::TLS13],
        _ => &[&rustls::version::TLS12],
    };
    let config = rustls::ClientConfig::builder_with_provider(provider)
        .with_protocol_versions(only)
        .map_err(|error| unknown(error.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    let name = server_name(host).map_err(|e| unknown(e.message))?;
    match tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
    {
        Ok(_) => Ok(()),
        Err(error) => Err((VersionResult::Refused, error.to_string())),
    }
}

fn server_name(host: &str) -> Result<ServerName<'static>, TransportError> {
    ServerName::try_from(host.to_string()).map_err(|_| TransportError {
        kind: TransportKind::Tls,
        message: format!("`{host}` is not a valid TLS server name"),
    })
}

async fn handshake(
    target: &TlsTarget<'_>,
    host: &str,
    port: u16,
) -> Result<Handshake, TransportError> {
    let at = format!("{host}:{port}");
    let transport = |kind, message: String| TransportError { kind, message };
    let tcp = connect(target, host, port).await?;

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let inner = WebPkiServerVerifier::builder_with_provider(
        Arc::new(target.roots.clone()),
        provider.clone(),
    )
    .build()
    .map_err(|error| {
        transport(
            TransportKind::Tls,
            format!("no usable trust roots: {error}"),
        )
    })?;
    let verifier = Arc::new(RecordingVerifier {
        inner,
        recorded: Mutex::default(),
    });
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| transport(TransportKind::Tls, error.to_string()))?
        .dangerous()
        .with_custom_certificate_verifier(verifier.clone())
        .with_no_client_auth();
    config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    let name = ServerName::try_from(host.to_string()).map_err(|_| {
        transport(
            TransportKind::Tls,
            format!("`{host}` is not a valid TLS server name"),
        )
    })?;
    let stream = tokio_rustls::TlsConnector::from(Arc::new(config))
        .connect(name, tcp)
        .await
        .map_err(|error| match rustls_error(&error) {
            Some(tls) => tls_error(tls, target.url, &at),
            None => transport(
                TransportKind::Tls,
                format!("TLS handshake with {at} failed: {error}"),
            ),
        })?;
    let (_, connection) = stream.get_ref();
    let recorded = verifier
        .recorded
        .lock()
        .map(|r| r.clone())
        .unwrap_or_default();
    Ok(Handshake {
        protocol: connection
            .protocol_version()
            .map(protocol_name)
            .unwrap_or_else(|| "unknown".to_string()),
        cipher_suite: connection
            .negotiated_cipher_suite()
            .map(|suite| format!("{:?}", suite.suite()))
            .unwrap_or_default(),
        alpn: connection
            .alpn_protocol()
            .map(|alpn| String::from_utf8_lossy(alpn).into_owned()),
        problems: recorded.problems,
        not_after: recorded.not_after,
        chain_length: recorded.chain_length,
        chain: recorded.chain,
    })
}

fn rustls_error(error: &std::io::Error) -> Option<&rustls::Error> {
    error.get_ref()?.downcast_ref::<rustls::Error>()
}

fn protocol_name(version: rustls::ProtocolVersion) -> String {
    match version {
        rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3".into(),
        rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2".into(),
        other => format!("{other:?}"),
    }
}

#[derive(Debug, Clone, Default)]
struct Recorded {
    problems: Vec<CertificateProblem>,
    not_after: Option<SystemTime>,
    chain_length: usize,
    chain: Vec<ChainCertificate>,
}

#[derive(Debug)]
struct RecordingVerifier {
    inner: Arc<WebPkiServerVerifier>,
    recorded: Mutex<Recorded>,
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verdict = self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        let leaf = Leaf::parse(end_entity);
        let mut problems = Vec::new();
        if let Err(error) = verdict {
            problems.push(problem_of(&error));
        }
        // WebPKI stops at the first failure; an untrusted chain says nothing of the
        // name or dates, so those are checked on the leaf as well.
        if let Some(leaf) = &leaf {
            let now = SystemTime::UNIX_EPOCH + Duration::from_secs(now.as_secs());
            let mut add = |problem: CertificateProblem| {
                if !problems.contains(&problem) {
                    problems.push(problem);
                }
            };
            if leaf.not_after.is_some_and(|not_after| now > not_after) {
                add(CertificateProblem::Expired);
            }
            if leaf.not_before.is_some_and(|not_before| now < not_before) {
                add(CertificateProblem::NotYetValid);
            }
            if let ServerName::DnsName(name) = server_name
                && !leaf.names.is_empty()
                && !leaf
                    .names
                    .iter()
                    .any(|pattern| name_matches(pattern, name.as_ref()))
            {
                add(CertificateProblem::NameMismatch);
            }
        }
        if let Ok(mut recorded) = self.recorded.lock() {
            *recorded = Recorded {
                problems,
                not_after: leaf.and_then(|leaf| leaf.not_after),
                chain_length: 1 + intermediates.len(),
                chain: std::iter::once(end_entity)
                    .chain(intermediates)
                    .map(chain_certificate)
                    .collect(),
            };
        }
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

fn problem_of(error: &rustls::Error) -> CertificateProblem {
    match error {
        rustls::Error::InvalidCertificate(certificate) => match certificate {
            CertificateError::UnknownIssuer | CertificateError::BadSignature => {
                CertificateProblem::Untrusted(format!("{certificate:?}"))
            }
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                CertificateProblem::NameMismatch
            }
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => {
                CertificateProblem::Expired
            }
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                CertificateProblem::NotYetValid
            }
            other => CertificateProblem::Other(other.to_string()),
        },
        other => CertificateProblem::Other(other.to_string()),
    }
}

/// A certificate as the report shows it; one that does not parse keeps its
/// fingerprint and bytes, with the parse error as its subject.
fn chain_certificate(der: &CertificateDer<'_>) -> ChainCertificate {
    use sha2::Digest;
    let sha256 = sha2::Sha256::digest(der.as_ref())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    let time = certificate_time;
    match x509_parser::parse_x509_certificate(der.as_ref()) {
        Ok((_, certificate)) => {
            let validity = certificate.validity();
            let sans = subject_alt_names(&certificate, true);
            ChainCertificate {
                subject: certificate.subject().to_string(),
                issuer: certificate.issuer().to_string(),
                sans,
                not_before: time(validity.not_before.timestamp()),
                not_after: time(validity.not_after.timestamp()),
                sha256,
                der: der.as_ref().to_vec(),
            }
        }
        Err(error) => ChainCertificate {
            subject: format!("(unreadable certificate: {error})"),
            issuer: String::new(),
            sans: Vec::new(),
            not_before: None,
            not_after: None,
            sha256,
            der: der.as_ref().to_vec(),
        },
    }
}

fn ip_text(bytes: &[u8]) -> Option<String> {
    match bytes.len() {
        4 => <[u8; 4]>::try_from(bytes)
            .ok()
            .map(|b| IpAddr::from(b).to_string()),
        16 => <[u8; 16]>::try_from(bytes)
            .ok()
            .map(|b| IpAddr::from(b).to_string()),
        _ => None,
    }
}

/// What the checks need from the leaf certificate.
struct Leaf {
    not_before: Option<SystemTime>,
    not_after: Option<SystemTime>,
    /// DNS names from the subjectAltName extension.
    names: Vec<String>,
}

impl Leaf {
    fn parse(der: &CertificateDer<'_>) -> Option<Leaf> {
        let (_, certificate) = x509_parser::parse_x509_certificate(der.as_ref()).ok()?;
        let validity = certificate.validity();
        let time = certificate_time;
        let names = subject_alt_names(&certificate, false)
            .into_iter()
            .map(|name| name.to_ascii_lowercase())
            .collect();
        Some(Leaf {
            not_before: time(validity.not_before.timestamp()),
            not_after: time(validity.not_after.timestamp()),
            names,
        })
    }
}

/// A certificate time as a `SystemTime`; `None` before 1970.
fn certificate_time(timestamp: i64) -> Option<SystemTime> {
    u64::try_from(timestamp)
        .ok()
        .map(|seconds| SystemTime::UNIX_EPOCH + Duration::from_secs(seconds))
}

/// The DNS names (and, with `with_ips`, the IP addresses) in a certificate's
/// subject alternative names, as written.
fn subject_alt_names(
    certificate: &x509_parser::certificate::X509Certificate<'_>,
    with_ips: bool,
) -> Vec<String> {
    use x509_parser::extensions::GeneralName;
    let Ok(Some(san)) = certificate.subject_alternative_name() else {
        return Vec::new();
    };
    san.value
        .general_names
        .iter()
        .filter_map(|name| match name {
            GeneralName::DNSName(dns) => Some(dns.to_string()),
            GeneralName::IPAddress(bytes) if with_ips => ip_text(bytes),
            _ => None,
        })
        .collect()
}

/// A SAN pattern against a host name; `*.` matches exactly one leftmost label.
fn name_matches(pattern: &str, host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    match pattern.strip_prefix("*.") {
        Some(suffix) => host
            .split_once('.')
            .is_some_and(|(label, rest)| !label.is_empty() && rest == suffix),
        None => pattern == host,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_one_label() {
        assert!(name_matches(
            "*.contohkab.go.id",
            "dukcapil.contohkab.go.id"
        ));
        assert!(!name_matches("*.contohkab.go.id", "a.b.contohkab.go.id"));
        assert!(!name_matches("*.contohkab.go.id", "contohkab.go.id"));
        assert!(name_matches(
            "dukcapil.contohkab.go.id",
            "DUKCAPIL.contohkab.go.id"
        ));
    }

    /// A loopback server that speaks TLS 1.2 only: 1.2 accepted, 1.3 refused,
    /// 1.0 and 1.1 refused with rustls's alert; the chain is the one certificate.
    #[tokio::test]
    async fn versions_and_chain_of_a_tls12_only_server() {
        let key = rcgen::KeyPair::generate().expect("key");
        let params = rcgen::CertificateParams::new(vec!["localhost".to_string()]).expect("params");
        let certificate = params.self_signed(&key).expect("certificate");
        let der = certificate.der().clone();
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let config = rustls::ServerConfig::builder_with_provider(provider)
            .with_protocol_versions(&[&rustls::version::TLS12])
            .expect("versions")
            .with_no_client_auth()
            .with_single_cert(
                vec![der.clone()],
                rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into()),
            )
            .expect("config");
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        tokio::spawn(async move {
            while let Ok((tcp, _)) = listener.accept().await {
                let acceptor = acceptor.clone();
                tokio::spawn(async move {
                    let _ = acceptor.accept(tcp).await;
                });
            }
        });
        let url = url::Url::parse(&format!("https://localhost:{port}/")).expect("url");
        let mut roots = rustls::RootCertStore::empty();
        roots.add(der.clone()).expect("root");
        let facts = inspect(TlsTarget {
            url: &url,
            resolved: Some(IpAddr::from([127, 0, 0, 1])),
            roots,
            timeout: Duration::from_secs(5),
        })
        .await;
        let results: Vec<(&str, VersionResult)> = facts
            .versions
            .iter()
            .map(|probe| (probe.version.name(), probe.result))
            .collect();
        assert_eq!(
            results,
            [
                ("TLSv1.0", VersionResult::Refused),
                ("TLSv1.1", VersionResult::Refused),
                ("TLSv1.2", VersionResult::Accepted),
                ("TLSv1.3", VersionResult::Refused),
            ],
            "{:?}",
            facts.versions
        );
        assert_eq!(facts.oldest_accepted(), Some(TlsVersion::Tls1_2));
        let legacy_detail = facts.versions[0].detail.as_deref().unwrap_or_default();
        assert!(legacy_detail.contains("alert"), "{legacy_detail}");
        let handshake = facts.handshake.expect("handshake");
        assert_eq!(handshake.protocol, "TLSv1.2");
        assert_eq!(handshake.chain.len(), 1);
        let leaf = &handshake.chain[0];
        assert_eq!(leaf.sans, ["localhost"]);
        assert_eq!(leaf.der, der.as_ref());
        use sha2::Digest;
        let expected: String = sha2::Sha256::digest(der.as_ref())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(leaf.sha256, expected);
        assert!(leaf.subject.contains("rcgen"), "{}", leaf.subject);
        assert!(leaf.not_before.is_some() && leaf.not_after.is_some());
    }

    /// A loopback server that answers any hello with a TLS 1.0 ServerHello: the
    /// hand-made offer of TLS 1.0 reads it as accepted, and of 1.1 as refused
    /// (it answered another version).
    #[tokio::test]
    async fn a_legacy_server_hello_is_read() {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let port = listener.local_addr().expect("addr").port();
        tokio::spawn(async move {
            while let Ok((mut tcp, _)) = listener.accept().await {
                tokio::spawn(async move {
                    let mut hello = [0u8; 512];
                    let _ = tcp.read(&mut hello).await;
                    let _ = tcp
                        .write_all(&[0x16, 3, 1, 0, 42, 2, 0, 0, 38, 3, 1, 0, 0])
                        .await;
                });
            }
        });
        let url = url::Url::parse(&format!("https://old.example.go.id:{port}/")).expect("url");
        let target = TlsTarget {
            url: &url,
            resolved: Some(IpAddr::from([127, 0, 0, 1])),
            roots: rustls::RootCertStore::empty(),
            timeout: Duration::from_secs(5),
        };
        let host = "old.example.go.id";
        let accepted = offer(&target, host, port, TlsVersion::Tls1_0).await;
        assert_eq!(accepted.result, VersionResult::Accepted, "{accepted:?}");
        let other = offer(&target, host, port, TlsVersion::Tls1_1).await;
        assert_eq!(other.result, VersionResult::Refused);
        assert_eq!(other.detail.as_deref(), Some("answered with TLSv1.0"));
        // Nothing listening: unknown, not refused.
        drop(target);
        let closed = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let dead = closed.local_addr().expect("addr").port();
        drop(closed);
        let target = TlsTarget {
            url: &url,
            resolved: Some(IpAddr::from([127, 0, 0, 1])),
            roots: rustls::RootCertStore::empty(),
            timeout: Duration::from_secs(2),
        };
        let unknown = offer(&target, host, dead, TlsVersion::Tls1_0).await;
        assert_eq!(unknown.result, VersionResult::Unknown, "{unknown:?}");
    }
}
