//! SC-03 `tls_version`: the OLDEST version the server accepts when TLS 1.0, 1.1,
//! 1.2 and 1.3 are each offered alone: `tls1_3`, `tls1_2`, or `none` when it
//! still accepts TLS 1.0 or 1.1 (RFC 8996), when no TLS 1.2+ handshake completes,
//! or when there is no TLS. Without version offers (facts gathered before they
//! existed), the protocol a full handshake negotiated.

use observe::exchange::TransportKind;
use observe::observations::{TlsFacts, TlsVersion, VersionResult};

use crate::standards::checks::Input;
use crate::standards::say::{self, VersionOffer};
use crate::standards::{Evidence, RuleOutcome};

pub fn check(input: &Input) -> RuleOutcome {
    let facts = input.facts;
    if facts.plain_http() {
        return input.level_of_outcome(
            "none",
            Evidence {
                measured: Some(say::no_tls()),
                notes: vec![say::no_tls_plain_http()],
                ..Evidence::default()
            },
        );
    }
    let Some(tls) = &facts.observations.tls else {
        return RuleOutcome::inconclusive(say::tls_not_gathered());
    };
    let target = format!("{}:{}", tls.host, tls.port);
    let url = Some(format!("https://{target}/"));
    if let Some(outcome) = by_oldest_accepted(input, tls, url.clone()) {
        return outcome;
    }
    match &tls.handshake {
        Ok(handshake) => {
            let outcome = match handshake.protocol.as_str() {
                "TLSv1.3" => "tls1_3",
                "TLSv1.2" => "tls1_2",
                _ => "none",
            };
            input.level_of_outcome(
                outcome,
                Evidence {
                    measured: Some(say::verbatim(handshake.protocol.clone())),
                    excerpt: Some(format!("cipher suite {}", handshake.cipher_suite)),
                    url,
                    ..Evidence::default()
                },
            )
        }
        Err(error)
            if matches!(
                error.kind,
                TransportKind::Tls | TransportKind::TlsLegacyOnly
            ) =>
        {
            input.level_of_outcome(
                "none",
                Evidence {
                    measured: Some(say::no_modern_handshake()),
                    excerpt: Some(error.message.clone()),
                    url,
                    ..Evidence::default()
                },
            )
        }
        Err(error) => RuleOutcome::inconclusive(say::tls_unreachable(
            &target,
            error.kind.code(),
            &error.message,
        )),
    }
}

/// The level of the oldest version accepted; `None` when no offer was accepted
/// (or none was made), which the full handshake then decides.
fn by_oldest_accepted(input: &Input, tls: &TlsFacts, url: Option<String>) -> Option<RuleOutcome> {
    let oldest = tls.oldest_accepted()?;
    let outcome = match oldest {
        TlsVersion::Tls1_3 => "tls1_3",
        TlsVersion::Tls1_2 => "tls1_2",
        TlsVersion::Tls1_0 | TlsVersion::Tls1_1 => "none",
    };
    let offers: Vec<VersionOffer> = tls
        .versions
        .iter()
        .map(|probe| VersionOffer {
            version: probe.version.name(),
            result: probe.result.code(),
            detail: probe.detail.as_deref(),
        })
        .collect();
    let mut notes = Vec::new();
    if oldest < TlsVersion::Tls1_2 {
        notes.push(say::deprecated_version_accepted(oldest.name()));
    }
    let untested: Vec<&str> = tls
        .versions
        .iter()
        .filter(|probe| probe.version < oldest && probe.result == VersionResult::Unknown)
        .map(|probe| probe.version.name())
        .collect();
    if !untested.is_empty() {
        notes.push(say::versions_untested(&untested));
    }
    // Each version offered, first: what the assessor checks the level against.
    notes.insert(0, say::version_offers(&offers));
    Some(input.level_of_outcome(
        outcome,
        Evidence {
            measured: Some(say::oldest_accepted(oldest.name())),
            url,
            notes,
            ..Evidence::default()
        },
    ))
}

#[cfg(test)]
mod tests {
    use crate::standards::testing::*;
    use observe::exchange::{TransportError, TransportKind};
    use observe::observations::{Handshake, TlsFacts};

    fn with(handshake: Result<&str, TransportKind>) -> i8 {
        let mut obs = observations();
        obs.tls = Some(TlsFacts {
            host: "svc.example.go.id".into(),
            port: 443,
            handshake: match handshake {
                Ok(protocol) => Ok(Handshake {
                    protocol: protocol.into(),
                    cipher_suite: "X".into(),
                    alpn: None,
                    problems: vec![],
                    not_after: None,
                    chain_length: 1,
                    chain: vec![],
                }),
                Err(kind) => Err(TransportError {
                    kind,
                    message: "no shared version".into(),
                }),
            },
            versions: vec![],
        });
        level(&run_rule("SC-03", &scenario(""), &obs))
    }

    #[test]
    fn every_level() {
        assert_eq!(with(Ok("TLSv1.3")), 5);
        assert_eq!(with(Ok("TLSv1.2")), 4);
        assert_eq!(with(Err(TransportKind::TlsLegacyOnly)), 1);
        assert_eq!(with(Err(TransportKind::Connect)), -1);
        assert_eq!(
            level(&run_rule("SC-03", &scenario(""), &observations())),
            -1
        );
        let plain = scenario(
            "version: 1\nservice: { id: t, base_url: \"http://svc.example.go.id\" }\nprobes:\n  - id: p\n    request: { path: / }\n",
        );
        assert_eq!(level(&run_rule("SC-03", &plain, &observations())), 1);
    }

    /// The oldest accepted version decides, whatever the full handshake negotiated.
    #[test]
    fn the_oldest_accepted_version_scores() {
        use observe::observations::{TlsVersion, VersionProbe, VersionResult};
        let offers = |results: [VersionResult; 4]| {
            let mut obs = observations();
            obs.tls = Some(TlsFacts {
                host: "svc.example.go.id".into(),
                port: 443,
                handshake: Ok(Handshake {
                    protocol: "TLSv1.3".into(),
                    cipher_suite: "X".into(),
                    alpn: None,
                    problems: vec![],
                    not_after: None,
                    chain_length: 1,
                    chain: vec![],
                }),
                versions: TlsVersion::ALL
                    .into_iter()
                    .zip(results)
                    .map(|(version, result)| VersionProbe {
                        version,
                        result,
                        detail: (result != VersionResult::Accepted).then(|| "alert".into()),
                        took: std::time::Duration::from_millis(3),
                    })
                    .collect(),
            });
            run_rule("SC-03", &scenario(""), &obs)
        };
        use VersionResult::{Accepted as A, Refused as R, Unknown as U};
        assert_eq!(level(&offers([R, R, R, A])), 5);
        let both = offers([R, R, A, A]);
        assert_eq!(level(&both), 4, "{both:?}");
        assert_eq!(measured(&both), "oldest accepted: TLSv1.2");
        let legacy = offers([A, R, A, A]);
        assert_eq!(level(&legacy), 1);
        assert!(
            legacy.evidence.notes[1].en.contains("TLSv1.0"),
            "{:?}",
            legacy.evidence
        );
        assert_eq!(
            legacy.evidence.notes[0].id,
            "TLSv1.0 diterima; TLSv1.1 ditolak (alert); TLSv1.2 diterima; TLSv1.3 diterima"
        );
        assert_eq!(
            legacy.evidence.notes[0].en,
            "TLSv1.0 accepted; TLSv1.1 refused (alert); TLSv1.2 accepted; TLSv1.3 accepted"
        );
        let untested = offers([U, R, R, A]);
        assert_eq!(level(&untested), 5);
        assert!(
            untested.evidence.notes[1]
                .en
                .contains("TLSv1.0 could not be tested")
        );
        // Nothing accepted among the offers: the full handshake decides.
        assert_eq!(level(&offers([R, R, R, R])), 5);
    }
}
