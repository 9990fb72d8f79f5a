//! The sandbox's own small PKI: a private CA created at every start, one server
//! certificate for the two HTTPS services and one for the sites Diskominfo hosts
//! (the regency portal and the village site), as each would get its own. A fresh CA per start means no private key
//! ever sits on disk; scenarios trust it through `tls.ca_file`.
//!
//! A second CA signs client certificates (mTLS): the HTTPS listener accepts a
//! client certificate it signed, and `/uji/mtls` answers only on a connection
//! that presented one. One client certificate is issued at start, for the tests
//! and for trying `tls.client_cert` by hand.

use std::sync::Arc;

use rcgen::{
    BasicConstraints, CertificateParams, DistinguishedName, DnType, ExtendedKeyUsagePurpose, IsCa,
    Issuer, KeyPair, KeyUsagePurpose,
};
use rustls::crypto::CryptoProvider;
use rustls::sign::CertifiedKey;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use time::{Duration, OffsetDateTime};

use crate::{SandboxError, Service};

/// Subject common name of the sandbox CA.
pub(super) const CA_NAME: &str = "Kabupaten Contoh Sandbox CA";
/// Subject common name of the CA that signs client certificates.
const CLIENT_CA_NAME: &str = "Kabupaten Contoh Sandbox Client CA";
/// Subject common name of the client certificate issued at start.
const CLIENT_NAME: &str = "klien-uji.contohkab.go.id";

/// How long the server certificate is valid: about what a public CA issues today,
/// and above SC-02's 60-day mark, so dukcapil reaches level 5 there.
const LEAF_VALIDITY: Duration = Duration::days(90);

pub(super) struct Pki {
    pub ca_pem: String,
    /// The server certificate for dukcapil and perizinan, with its key.
    pub leaf: Arc<CertifiedKey>,
    /// The server certificate for the portal and the desa site.
    pub hosted_leaf: Arc<CertifiedKey>,
    /// The CA whose client certificates the HTTPS listener accepts.
    pub client_ca: CertificateDer<'static>,
    /// A client certificate signed by `client_ca`, with its key.
    pub client: ClientIdentity,
    pub provider: Arc<CryptoProvider>,
}

/// A client certificate and its private key, both PEM (what `tls.client_cert` and
/// `tls.client_key` take).
#[derive(Clone)]
pub struct ClientIdentity {
    pub cert_pem: String,
    pub key_pem: String,
}

impl std::fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientIdentity").finish_non_exhaustive()
    }
}

impl Pki {
    pub fn issue() -> Result<Pki, SandboxError> {
        // The whole crate uses ring; naming the provider here keeps the sandbox
        // independent of whatever process-wide default is (or is not) installed.
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let now = OffsetDateTime::now_utc();

        let ca_key = KeyPair::generate()?;
        let mut ca = CertificateParams::default();
        ca.distinguished_name = name(CA_NAME);
        ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        ca.key_usages = vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign,
            KeyUsagePurpose::DigitalSignature,
        ];
        // A day of slack on both ends absorbs clock differences between machines.
        ca.not_before = now - Duration::days(1);
        ca.not_after = now + LEAF_VALIDITY + Duration::days(1);
        let ca_cert = ca.self_signed(&ca_key)?;
        let issuer = Issuer::new(ca, ca_key);

        let leaf = issue_leaf(
            &[Service::Dukcapil.host(), Service::Perizinan.host()],
            &issuer,
            &provider,
            now,
        )?;
        let hosted_leaf = issue_leaf(
            &[Service::Portal.host(), Service::Desa.host()],
            &issuer,
            &provider,
            now,
        )?;

        let client_ca_key = KeyPair::generate()?;
        let mut client_ca = CertificateParams::default();
        client_ca.distinguished_name = name(CLIENT_CA_NAME);
        client_ca.is_ca = IsCa::Ca(BasicConstraints::Constrained(0));
        client_ca.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        client_ca.not_before = now - Duration::days(1);
        client_ca.not_after = now + LEAF_VALIDITY + Duration::days(1);
        let client_ca_cert = client_ca.self_signed(&client_ca_key)?;
        let client_issuer = Issuer::new(client_ca, client_ca_key);
        let client = issue_client(&client_issuer, now)?;

        Ok(Pki {
            ca_pem: ca_cert.pem(),
            leaf: Arc::new(leaf),
            hosted_leaf: Arc::new(hosted_leaf),
            client_ca: client_ca_cert.der().clone(),
            client,
            provider,
        })
    }
}

/// A server certificate for `hosts` (the first is its subject), signed by the CA.
fn issue_leaf(
    hosts: &[&str],
    issuer: &Issuer<'_, KeyPair>,
    provider: &CryptoProvider,
    now: OffsetDateTime,
) -> Result<CertifiedKey, SandboxError> {
    let leaf_key = KeyPair::generate()?;
    let mut leaf = CertificateParams::new(
        hosts
            .iter()
            .map(|host| (*host).to_owned())
            .collect::<Vec<_>>(),
    )?;
    leaf.distinguished_name = name(hosts.first().copied().unwrap_or_default());
    leaf.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    leaf.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    leaf.use_authority_key_identifier_extension = true;
    leaf.not_before = now - Duration::hours(1);
    leaf.not_after = now + LEAF_VALIDITY;
    let leaf_cert = leaf.signed_by(&leaf_key, issuer)?;
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf_key.serialize_der()));
    Ok(CertifiedKey::from_der(
        vec![leaf_cert.der().clone()],
        key,
        provider,
    )?)
}

/// A client certificate (clientAuth) signed by the client CA.
fn issue_client(
    issuer: &Issuer<'_, KeyPair>,
    now: OffsetDateTime,
) -> Result<ClientIdentity, SandboxError> {
    let key = KeyPair::generate()?;
    let mut params = CertificateParams::new(Vec::<String>::new())?;
    params.distinguished_name = name(CLIENT_NAME);
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
    params.use_authority_key_identifier_extension = true;
    params.not_before = now - Duration::hours(1);
    params.not_after = now + LEAF_VALIDITY;
    let cert = params.signed_by(&key, issuer)?;
    Ok(ClientIdentity {
        cert_pem: cert.pem(),
        key_pem: key.serialize_pem(),
    })
}

fn name(common_name: &str) -> DistinguishedName {
    let mut dn = DistinguishedName::new();
    dn.push(DnType::CountryName, "ID");
    dn.push(
        DnType::OrganizationName,
        "Pemerintah Kabupaten Contoh (sandbox ujilab)",
    );
    dn.push(DnType::CommonName, common_name);
    dn
}
