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
use observe::observations::{CertificateProblem, Handshake, TlsFacts};

use crate::exchange::tls_error;

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
    TlsFacts {
        host,
        port,
        handshake,
    }
}

async fn handshake(
    target: &TlsTarget<'_>,
    host: &str,
    port: u16,
) -> Result<Handshake, TransportError> {
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
    let tcp = tokio::net::TcpStream::connect(address)
        .await
        .map_err(|error| {
            transport(
                TransportKind::Connect,
                format!("could not connect to {at}: {error}"),
            )
        })?;

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
        let time = |timestamp: i64| {
            u64::try_from(timestamp)
                .ok()
                .map(|seconds| SystemTime::UNIX_EPOCH + Duration::from_secs(seconds))
        };
        let names = certificate
            .subject_alternative_name()
            .ok()
            .flatten()
            .map(|san| {
                san.value
                    .general_names
                    .iter()
                    .filter_map(|name| match name {
                        x509_parser::extensions::GeneralName::DNSName(dns) => {
                            Some(dns.to_ascii_lowercase())
                        }
                        _ => None,
                    })
                    .collect()
            })
            .unwrap_or_default();
        Some(Leaf {
            not_before: time(validity.not_before.timestamp()),
            not_after: time(validity.not_after.timestamp()),
            names,
        })
    }
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
}
