//! Evidence bundles (`ujilab run --bundle`, `ujilab merge --bundle`, `ujilab
//! verify`): one tar an archive can keep and check years later.
//!
//! Layout, format `ujilab-bundle/1` (plain ustar, members in this order):
//!
//! - the members the caller gives (`report.json`, `scenarios/...`,
//!   `catalogues/...`, `certificates/...pem`), regular files, mode 0644, mtime 0;
//! - `manifest.json`: `{"format", "created_at", "members": [{"name", "sha256",
//!   "bytes"}]}`, every member above with the SHA-256 (lower-case hex) of its bytes;
//! - `signature.json`, when a key was given: `{"algorithm": "ed25519",
//!   "public_key"` (32 bytes, base64), `"key_fingerprint"` (SHA-256 of those 32
//!   bytes, hex), `"manifest_sha256"`, `"signature"` (base64, of the bytes of
//!   `manifest.json` exactly as stored)`}`.
//!
//! Anyone can check a bundle with `sha256sum` and any Ed25519 tool; `verify`
//! does it and names the member that does not match.
//!
//! Keys: the secret is a PKCS#8 document (PEM `PRIVATE KEY`, as `ujilab keygen`
//! and `openssl genpkey -algorithm ed25519` write it) or a raw 32-byte seed in hex
//! (64 digits) or base64. A public key is 32 bytes in base64 or hex, or a PEM
//! `PUBLIC KEY` (SubjectPublicKeyInfo). A secret never appears in a message.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Read;

use base64::Engine;
use ring::signature::{ED25519, Ed25519KeyPair, KeyPair, UnparsedPublicKey};
use serde::{Deserialize, Serialize};

pub const FORMAT: &str = "ujilab-bundle/1";
pub const MANIFEST: &str = "manifest.json";
pub const SIGNATURE: &str = "signature.json";
/// Bigger members are refused when reading (a bundle of a large fleet run is
/// still far below this).
const MAX_MEMBER_BYTES: u64 = 1 << 30;

const B64: base64::engine::GeneralPurpose = base64::engine::general_purpose::STANDARD;
/// DER of an Ed25519 SubjectPublicKeyInfo, before the 32 key bytes.
const SPKI_PREFIX: [u8; 12] = [
    0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
];

#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("{0}")]
    Key(String),
    #[error("member `{0}`: {1}")]
    Member(String, String),
    #[error("could not write the archive: {0}")]
    Io(#[from] std::io::Error),
}

/// One file of the bundle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// A relative path with `/`: no `..`, no leading `/`.
    pub name: String,
    pub bytes: Vec<u8>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    pub created_at: String,
    pub members: Vec<ManifestEntry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ManifestEntry {
    pub name: String,
    pub sha256: String,
    pub bytes: u64,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Signature {
    pub algorithm: String,
    pub public_key: String,
    pub key_fingerprint: String,
    pub manifest_sha256: String,
    pub signature: String,
}

/// An Ed25519 signing key. Its Debug never shows the secret.
pub struct SigningKey(Ed25519KeyPair);

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SigningKey({})", self.fingerprint())
    }
}

impl SigningKey {
    /// Reads a secret key (see the module docs for the formats). The message of
    /// an error never quotes the input.
    pub fn read(text: &[u8]) -> Result<SigningKey, BundleError> {
        let bad = || {
            BundleError::Key(
                "the signing key is neither a PKCS#8 PEM `PRIVATE KEY` nor a 32-byte seed in hex or base64"
                    .into(),
            )
        };
        let text = std::str::from_utf8(text).map_err(|_| bad())?.trim();
        if let Some(der) = pem_body(text, "PRIVATE KEY") {
            return Ed25519KeyPair::from_pkcs8_maybe_unchecked(&der)
                .map(SigningKey)
                .map_err(|_| {
                    BundleError::Key("the PEM private key is not an Ed25519 PKCS#8 key".into())
                });
        }
        let seed = decode_32(text).ok_or_else(bad)?;
        Ed25519KeyPair::from_seed_unchecked(&seed)
            .map(SigningKey)
            .map_err(|_| bad())
    }

    /// A new key as PKCS#8 PEM, and the key itself.
    pub fn generate() -> Result<(String, SigningKey), BundleError> {
        let rng = ring::rand::SystemRandom::new();
        let document = Ed25519KeyPair::generate_pkcs8(&rng)
            .map_err(|_| BundleError::Key("no randomness to make a key".into()))?;
        let key = Ed25519KeyPair::from_pkcs8(document.as_ref())
            .map_err(|_| BundleError::Key("the new key does not read back".into()))?;
        Ok((pem("PRIVATE KEY", document.as_ref()), SigningKey(key)))
    }

    pub fn public_key(&self) -> [u8; 32] {
        let mut key = [0; 32];
        key.copy_from_slice(self.0.public_key().as_ref());
        key
    }

    /// The public key in base64, as `--key` takes it.
    pub fn public_base64(&self) -> String {
        B64.encode(self.public_key())
    }

    /// The public key as a PEM `PUBLIC KEY`, as OpenSSL reads it.
    pub fn public_pem(&self) -> String {
        let mut der = SPKI_PREFIX.to_vec();
        der.extend_from_slice(&self.public_key());
        pem("PUBLIC KEY", &der)
    }

    pub fn fingerprint(&self) -> String {
        fingerprint(&self.public_key())
    }
}

/// SHA-256 of the 32 public key bytes, hex: what reports print.
pub fn fingerprint(public_key: &[u8; 32]) -> String {
    sha256_hex(public_key)
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    ring::digest::digest(&ring::digest::SHA256, bytes)
        .as_ref()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Reads a public key: 32 bytes in base64 or hex, or a PEM `PUBLIC KEY`.
pub fn read_public_key(text: &str) -> Result<[u8; 32], BundleError> {
    let text = text.trim();
    if let Some(der) = pem_body(text, "PUBLIC KEY") {
        return der
            .strip_prefix(&SPKI_PREFIX[..])
            .and_then(|key| <[u8; 32]>::try_from(key).ok())
            .ok_or_else(|| BundleError::Key("the PEM public key is not an Ed25519 key".into()));
    }
    decode_32(text).ok_or_else(|| {
        BundleError::Key(
            "the public key is neither 32 bytes in base64 or hex nor a PEM `PUBLIC KEY`".into(),
        )
    })
}

fn decode_32(text: &str) -> Option<[u8; 32]> {
    let bytes = if text.len() == 64 && text.bytes().all(|b| b.is_ascii_hexdigit()) {
        (0..32)
            .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).ok())
            .collect::<Option<Vec<u8>>>()?
    } else {
        B64.decode(text).ok()?
    };
    <[u8; 32]>::try_from(bytes.as_slice()).ok()
}

fn pem_body(text: &str, label: &str) -> Option<Vec<u8>> {
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let start = text.find(&begin)? + begin.len();
    let stop = text[start..].find(&end)? + start;
    let body: String = text[start..stop].split_whitespace().collect();
    B64.decode(body).ok()
}

fn pem(label: &str, der: &[u8]) -> String {
    let body = B64.encode(der);
    let mut out = format!("-----BEGIN {label}-----\n");
    for line in body.as_bytes().chunks(64) {
        out.push_str(&String::from_utf8_lossy(line));
        out.push('\n');
    }
    out.push_str(&format!("-----END {label}-----\n"));
    out
}

/// A certificate (DER) as PEM, for the `certificates/` members.
pub fn certificate_pem(der: &[u8]) -> String {
    pem("CERTIFICATE", der)
}

/// A certificate given as base64 DER (as report.json keeps it) as PEM; `None`
/// when it is not base64.
pub fn certificate_pem_base64(der_base64: &str) -> Option<String> {
    B64.decode(der_base64).ok().map(|der| certificate_pem(&der))
}

fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('/')
        && name.len() < 100
        && name
            .split('/')
            .all(|part| !part.is_empty() && part != "." && part != "..")
        && name != MANIFEST
        && name != SIGNATURE
}

/// Writes the bundle: the members, the manifest, and the signature when a key is
/// given. Returns the tar's bytes.
pub fn write(
    members: &[Member],
    key: Option<&SigningKey>,
    created_at: &str,
) -> Result<Vec<u8>, BundleError> {
    let mut seen = BTreeSet::new();
    for member in members {
        if !valid_name(&member.name) {
            return Err(BundleError::Member(
                member.name.clone(),
                "not a usable member name".into(),
            ));
        }
        if !seen.insert(member.name.as_str()) {
            return Err(BundleError::Member(
                member.name.clone(),
                "given twice".into(),
            ));
        }
    }
    let manifest = Manifest {
        format: FORMAT.to_string(),
        created_at: created_at.to_string(),
        members: members
            .iter()
            .map(|member| ManifestEntry {
                name: member.name.clone(),
                sha256: sha256_hex(&member.bytes),
                bytes: member.bytes.len() as u64,
            })
            .collect(),
    };
    let mut manifest_bytes = serde_json::to_vec_pretty(&manifest)
        .map_err(|error| BundleError::Member(MANIFEST.into(), error.to_string()))?;
    manifest_bytes.push(b'\n');
    let mut builder = tar::Builder::new(Vec::new());
    let mut append = |name: &str, bytes: &[u8]| -> Result<(), BundleError> {
        let mut header = tar::Header::new_ustar();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_entry_type(tar::EntryType::Regular);
        builder.append_data(&mut header, name, bytes)?;
        Ok(())
    };
    for member in members {
        append(&member.name, &member.bytes)?;
    }
    append(MANIFEST, &manifest_bytes)?;
    if let Some(key) = key {
        let signature = Signature {
            algorithm: "ed25519".into(),
            public_key: key.public_base64(),
            key_fingerprint: key.fingerprint(),
            manifest_sha256: sha256_hex(&manifest_bytes),
            signature: B64.encode(key.0.sign(&manifest_bytes).as_ref()),
        };
        let mut bytes = serde_json::to_vec_pretty(&signature)
            .map_err(|error| BundleError::Member(SIGNATURE.into(), error.to_string()))?;
        bytes.push(b'\n');
        append(SIGNATURE, &bytes)?;
    }
    Ok(builder.into_inner()?)
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verification {
    /// Members listed by the manifest, whose digests all matched.
    pub members: usize,
    /// Each member that does not match, by name, with what is wrong.
    pub problems: Vec<Problem>,
    pub signature: SignatureState,
    pub created_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// The member at fault: a file, `manifest.json` or `signature.json`.
    pub member: String,
    pub what: ProblemKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemKind {
    /// Its bytes do not have the manifest's digest.
    Changed,
    /// Listed by the manifest, not in the archive.
    Missing,
    /// In the archive, not listed by the manifest.
    NotListed,
    /// The manifest is not the one that was signed, or does not read.
    ManifestChanged,
    /// The signature does not verify, or does not read.
    SignatureInvalid,
    /// Signed, with another key than `--key`.
    OtherKey(String),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SignatureState {
    /// The signature verifies with this key (fingerprint); `pinned` when it is
    /// the key given to `verify`.
    Valid {
        fingerprint: String,
        pinned: bool,
    },
    Unsigned,
    Invalid,
}

impl Verification {
    /// Every digest matched and the signature (if any) verified; with `--key`,
    /// also signed by that key.
    pub fn passed(&self, key_given: bool) -> bool {
        self.problems.is_empty()
            && match &self.signature {
                SignatureState::Valid { pinned, .. } => *pinned || !key_given,
                SignatureState::Unsigned => !key_given,
                SignatureState::Invalid => false,
            }
    }
}

/// The archive could not be read as a bundle at all.
#[derive(Debug, thiserror::Error)]
pub enum BadBundle {
    #[error("not a readable tar archive: {0}")]
    NotTar(String),
    #[error("no manifest.json: not a ujilab bundle")]
    NoManifest,
    #[error("member `{0}` appears twice")]
    Duplicate(String),
}

/// Reads the archive's regular files, by name.
pub fn read_members(bytes: &[u8]) -> Result<BTreeMap<String, Vec<u8>>, BadBundle> {
    let mut archive = tar::Archive::new(bytes);
    let mut members = BTreeMap::new();
    let entries = archive
        .entries()
        .map_err(|e| BadBundle::NotTar(e.to_string()))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| BadBundle::NotTar(e.to_string()))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let name = entry
            .path()
            .map_err(|e| BadBundle::NotTar(e.to_string()))?
            .to_string_lossy()
            .into_owned();
        if entry.size() > MAX_MEMBER_BYTES {
            return Err(BadBundle::NotTar(format!("member `{name}` is too large")));
        }
        let mut content = Vec::with_capacity(entry.size() as usize);
        entry
            .read_to_end(&mut content)
            .map_err(|e| BadBundle::NotTar(e.to_string()))?;
        if members.insert(name.clone(), content).is_some() {
            return Err(BadBundle::Duplicate(name));
        }
    }
    if members.is_empty() {
        return Err(BadBundle::NotTar("no file in it".into()));
    }
    Ok(members)
}

/// Checks every digest and the signature. `key`: the public key the bundle
/// must be signed with.
pub fn verify(bytes: &[u8], key: Option<&[u8; 32]>) -> Result<Verification, BadBundle> {
    let members = read_members(bytes)?;
    let manifest_bytes = members.get(MANIFEST).ok_or(BadBundle::NoManifest)?;
    let mut problems = Vec::new();
    let problem = |member: &str, what| Problem {
        member: member.to_string(),
        what,
    };

    let signature = match members.get(SIGNATURE) {
        None => SignatureState::Unsigned,
        Some(raw) => match serde_json::from_slice::<Signature>(raw) {
            Err(_) => {
                problems.push(problem(SIGNATURE, ProblemKind::SignatureInvalid));
                SignatureState::Invalid
            }
            Ok(signature) => check_signature(&signature, manifest_bytes, key, &mut problems),
        },
    };

    let manifest: Option<Manifest> = serde_json::from_slice(manifest_bytes)
        .ok()
        .filter(|m: &Manifest| m.format == FORMAT);
    let Some(manifest) = manifest else {
        if !problems.iter().any(|p| p.member == MANIFEST) {
            problems.push(problem(MANIFEST, ProblemKind::ManifestChanged));
        }
        return Ok(Verification {
            members: 0,
            problems,
            signature,
            created_at: None,
        });
    };
    let mut listed = BTreeSet::new();
    for entry in &manifest.members {
        listed.insert(entry.name.as_str());
        match members.get(&entry.name) {
            None => problems.push(problem(&entry.name, ProblemKind::Missing)),
            Some(content) if sha256_hex(content) != entry.sha256 => {
                problems.push(problem(&entry.name, ProblemKind::Changed))
            }
            Some(_) => {}
        }
    }
    for name in members.keys() {
        if name != MANIFEST && name != SIGNATURE && !listed.contains(name.as_str()) {
            problems.push(problem(name, ProblemKind::NotListed));
        }
    }
    Ok(Verification {
        members: manifest.members.len(),
        problems,
        signature,
        created_at: Some(manifest.created_at),
    })
}

fn check_signature(
    signature: &Signature,
    manifest: &[u8],
    key: Option<&[u8; 32]>,
    problems: &mut Vec<Problem>,
) -> SignatureState {
    let mut fail = |member: &str, what| {
        problems.push(Problem {
            member: member.to_string(),
            what,
        });
        SignatureState::Invalid
    };
    let (Ok(public), Ok(bytes)) = (
        read_public_key(&signature.public_key),
        B64.decode(&signature.signature),
    ) else {
        return fail(SIGNATURE, ProblemKind::SignatureInvalid);
    };
    if signature.algorithm != "ed25519" || signature.key_fingerprint != fingerprint(&public) {
        return fail(SIGNATURE, ProblemKind::SignatureInvalid);
    }
    if let Some(key) = key
        && key != &public
    {
        return fail(SIGNATURE, ProblemKind::OtherKey(fingerprint(&public)));
    }
    if UnparsedPublicKey::new(&ED25519, public)
        .verify(manifest, &bytes)
        .is_ok()
    {
        return SignatureState::Valid {
            fingerprint: fingerprint(&public),
            pinned: key.is_some(),
        };
    }
    // Which of the two changed: the signature records the manifest's digest.
    if sha256_hex(manifest) != signature.manifest_sha256 {
        fail(MANIFEST, ProblemKind::ManifestChanged)
    } else {
        fail(SIGNATURE, ProblemKind::SignatureInvalid)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn members() -> Vec<Member> {
        vec![
            Member {
                name: "report.json".into(),
                bytes: b"{\"format\":\"ujilab-report/1\"}".to_vec(),
            },
            Member {
                name: "scenarios/a.json".into(),
                bytes: b"{}".to_vec(),
            },
        ]
    }

    #[test]
    fn keys_read_in_every_documented_form() {
        let (pem_text, key) = SigningKey::generate().expect("key");
        let again = SigningKey::read(pem_text.as_bytes()).expect("pem");
        assert_eq!(again.public_key(), key.public_key());
        let seed = [7u8; 32];
        let hex: String = seed.iter().map(|b| format!("{b:02x}")).collect();
        let by_hex = SigningKey::read(hex.as_bytes()).expect("hex");
        let by_b64 = SigningKey::read(B64.encode(seed).as_bytes()).expect("base64");
        assert_eq!(by_hex.public_key(), by_b64.public_key());
        assert_eq!(
            read_public_key(&key.public_pem()).expect("pem"),
            key.public_key()
        );
        assert_eq!(
            read_public_key(&key.public_base64()).expect("b64"),
            key.public_key()
        );
        // A bad key's message never quotes it.
        let secret = "not-a-key-but-a-secret-value";
        let error = SigningKey::read(secret.as_bytes()).unwrap_err().to_string();
        assert!(!error.contains(secret), "{error}");
        assert!(!format!("{key:?}").contains(&pem_text[30..60]));
    }

    #[test]
    fn a_signed_bundle_verifies_and_names_what_changed() {
        let (_, key) = SigningKey::generate().expect("key");
        let bytes = write(&members(), Some(&key), "2026-12-05T00:00:00Z").expect("bundle");
        let ok = verify(&bytes, Some(&key.public_key())).expect("reads");
        assert!(ok.passed(true), "{ok:?}");
        assert_eq!(ok.members, 2);

        let (_, other) = SigningKey::generate().expect("key");
        let wrong = verify(&bytes, Some(&other.public_key())).expect("reads");
        assert!(!wrong.passed(true));
        assert!(matches!(wrong.problems[0].what, ProblemKind::OtherKey(_)));

        let unsigned = write(&members(), None, "2026-12-05T00:00:00Z").expect("bundle");
        let result = verify(&unsigned, Some(&key.public_key())).expect("reads");
        assert_eq!(result.signature, SignatureState::Unsigned);
        assert!(!result.passed(true) && result.passed(false));
    }

    #[test]
    fn names_are_checked() {
        for name in ["../x", "/etc/passwd", "a//b", "manifest.json", ""] {
            let member = Member {
                name: name.into(),
                bytes: vec![],
            };
            assert!(write(&[member], None, "t").is_err(), "{name}");
        }
        assert!(matches!(
            verify(b"not a tar at all", None),
            Err(BadBundle::NotTar(_)) | Err(BadBundle::NoManifest)
        ));
    }
}
