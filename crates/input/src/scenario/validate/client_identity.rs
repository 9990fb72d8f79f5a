//! `defaults.tls.client_cert` and `client_key`: the certificate a client presents
//! when a server asks for one (mTLS). The chain is a PEM file beside the scenario;
//! the key is a `${secret}`, so that it never sits in the file and is redacted like
//! any secret. Both are read and checked to belong together here, at load time, so
//! a wrong pair is bad input with its position rather than a failed handshake.

use std::path::PathBuf;
use std::sync::Arc;

use rustls::sign::CertifiedKey;
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};

use super::Checker;
use crate::diagnostic::Problem;
use crate::file::{FileError, INPUT_FILE_LIMIT, read_bounded};
use crate::scenario::model::ClientIdentity;
use crate::scenario::raw::{Position, RawTls, Spanned};
use crate::text::{Text, text};

const CERT_PATH: &str = "defaults.tls.client_cert";
const KEY_PATH: &str = "defaults.tls.client_key";

impl Checker<'_> {
    /// The client identity `tls:` names; `None` when it names none or is wrong
    /// (reported).
    pub(super) fn client_identity(&mut self, tls: &RawTls) -> Option<ClientIdentity> {
        let (cert, key) = match (&tls.client_cert, &tls.client_key) {
            (None, None) => return None,
            (Some(cert), Some(key)) => (cert, key),
            (Some(cert), None) => {
                self.error(
                    Position::of(cert),
                    CERT_PATH,
                    Text::new(
                        "`client_cert` memerlukan `client_key` (kunci privatnya, dari secret)",
                        "`client_cert` needs `client_key` (its private key, from a secret)",
                    ),
                );
                return None;
            }
            (None, Some(key)) => {
                self.error(
                    Position::of(key),
                    KEY_PATH,
                    Text::new(
                        "`client_key` memerlukan `client_cert` (berkas PEM sertifikatnya)",
                        "`client_key` needs `client_cert` (the PEM file of its certificate)",
                    ),
                );
                return None;
            }
        };
        let chain = self.client_cert_chain(cert);
        let key_pem = self.client_key_pem(key);
        let (cert_file, chain) = chain?;
        let key_pem = key_pem?;
        self.check_key_matches(key, &chain, &key_pem)?;
        Some(ClientIdentity {
            cert_file,
            cert_chain_pem: chain.pem,
            key_pem,
        })
    }

    /// The certificates of the `client_cert` file, leaf first.
    fn client_cert_chain(&mut self, cert: &Spanned<String>) -> Option<(PathBuf, CertChain)> {
        let written = self.text(cert, CERT_PATH);
        let resolved = self.dir.join(written);
        let file = resolved.display().to_string();
        let pem = match read_bounded(&resolved, INPUT_FILE_LIMIT) {
            Ok(pem) => pem,
            Err(FileError::Io(error)) if error.kind() == std::io::ErrorKind::NotFound => {
                // As for `ca_file`: the file may exist where the scenario runs.
                let problem = Problem::error(
                    Position::of(cert),
                    CERT_PATH,
                    text!(
                        "berkas sertifikat klien `{file}` tidak ada",
                        "client certificate file `{file}` does not exist"
                    ),
                );
                self.problems.push(if self.settings.require_env {
                    problem
                } else {
                    problem.warning()
                });
                return None;
            }
            Err(error) => {
                self.error(
                    Position::of(cert),
                    CERT_PATH,
                    text!(
                        "berkas sertifikat klien `{file}` tidak dapat dibaca: {reason}",
                        "cannot read client certificate file `{file}`: {reason}",
                        reason = error.reason(),
                    ),
                );
                return None;
            }
        };
        let certificates: Result<Vec<_>, _> = CertificateDer::pem_slice_iter(&pem)
            .map(|item| item.map(CertificateDer::into_owned))
            .collect();
        match certificates {
            Ok(certificates) if !certificates.is_empty() => {
                Some((resolved, CertChain { certificates, pem }))
            }
            Ok(_) => {
                self.error(
                    Position::of(cert),
                    CERT_PATH,
                    text!(
                        "berkas `{file}` tidak memuat sertifikat (diharapkan teks PEM dengan -----BEGIN CERTIFICATE-----)",
                        "`{file}` holds no certificate (expected PEM text with -----BEGIN CERTIFICATE-----)"
                    ),
                );
                None
            }
            Err(error) => {
                self.error(
                    Position::of(cert),
                    CERT_PATH,
                    text!(
                        "berkas `{file}` bukan PEM yang sah: {error}",
                        "`{file}` is not valid PEM: {error}",
                        error = untranslated(&error),
                    ),
                );
                None
            }
        }
    }

    /// The key's PEM text, which must come from a secret.
    fn client_key_pem(&mut self, key: &Spanned<String>) -> Option<String> {
        let pem = self.resolved_text(key, KEY_PATH)?;
        if pem.is_empty() {
            // An unset secret, already reported (a warning in `validate`).
            return None;
        }
        if !self.secrets.contains(&pem) {
            // Never quoted: a key written into the file is not a secret, so no
            // mask would hide it.
            self.error_with_help(
                Position::of(key),
                KEY_PATH,
                Text::new(
                    "`client_key` harus berasal dari secret, bukan ditulis di berkas",
                    "`client_key` must come from a secret, not be written in the file",
                ),
                Some(Text::new(
                    "tulis `client_key: \"${kunci}\"` dengan `secrets: { kunci: NAMA_VARIABEL }`, dan simpan PEM kuncinya di variabel lingkungan itu",
                    "write `client_key: \"${key}\"` with `secrets: { key: VARIABLE_NAME }`, and put the key's PEM in that environment variable",
                )),
            );
            return None;
        }
        if PrivateKeyDer::from_pem_slice(pem.as_bytes()).is_err() {
            self.error(
                Position::of(key),
                KEY_PATH,
                Text::new(
                    "`client_key` bukan kunci privat PEM (PKCS#8, PKCS#1, atau SEC1)",
                    "`client_key` is not a PEM private key (PKCS#8, PKCS#1 or SEC1)",
                ),
            );
            return None;
        }
        Some(pem)
    }

    /// Whether the key is the private half of the chain's first certificate.
    fn check_key_matches(
        &mut self,
        key: &Spanned<String>,
        chain: &CertChain,
        key_pem: &str,
    ) -> Option<()> {
        let private = PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).ok()?;
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        match CertifiedKey::from_der(chain.certificates.clone(), private, &provider) {
            Ok(_) => Some(()),
            Err(rustls::Error::InconsistentKeys(_)) => {
                self.error(
                    Position::of(key),
                    KEY_PATH,
                    Text::new(
                        "`client_key` bukan kunci sertifikat pertama di `client_cert`",
                        "`client_key` is not the key of the first certificate in `client_cert`",
                    ),
                );
                None
            }
            Err(error) => {
                self.error(
                    Position::of(key),
                    KEY_PATH,
                    text!(
                        "`client_key` tidak dapat dipakai: {error}",
                        "`client_key` cannot be used: {error}",
                        error = untranslated(&error),
                    ),
                );
                None
            }
        }
    }
}

/// A client certificate file: its certificates and its text.
struct CertChain {
    certificates: Vec<CertificateDer<'static>>,
    pem: Vec<u8>,
}

/// A library's message, the same in both languages.
fn untranslated(error: &dyn std::fmt::Display) -> Text {
    let message = error.to_string();
    Text::new(message.clone(), message)
}
