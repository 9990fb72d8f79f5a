//! SC-02 `tls_certificate`: the chain verifies against the trust roots, the host
//! name matches and the certificate is in its validity period; the level comes
//! from the time left until it expires, counted from the run's start (the
//! standards stage reads no clock). An invalid certificate, or no TLS, is level 1.

use std::time::Duration;

use observe::exchange::TransportKind;
use observe::observations::CertificateProblem;

use crate::standards::checks::Input;
use crate::standards::say::{self, CertificateFault};
use crate::standards::{Evidence, RuleOutcome};

pub fn check(input: &Input) -> RuleOutcome {
    let facts = input.facts;
    if facts.plain_http() {
        return RuleOutcome::level(
            1,
            Evidence {
                measured: Some(say::no_tls()),
                threshold: Some(input.threshold()),
                notes: vec![say::no_tls_no_certificate()],
                ..Evidence::default()
            },
        );
    }
    let Some(tls) = &facts.observations.tls else {
        return RuleOutcome::inconclusive(say::tls_not_gathered());
    };
    let target = format!("{}:{}", tls.host, tls.port);
    let mut evidence = Evidence {
        url: Some(format!("https://{target}/")),
        threshold: Some(input.threshold()),
        ..Evidence::default()
    };
    if facts.scenario.connection.insecure {
        evidence.notes.push(say::insecure_ignored());
    }
    let handshake = match &tls.handshake {
        Ok(handshake) => handshake,
        Err(error)
            if matches!(
                error.kind,
                TransportKind::Tls | TransportKind::TlsLegacyOnly
            ) =>
        {
            evidence.measured = Some(say::handshake_failed(&target));
            evidence.excerpt = Some(error.message.clone());
            return RuleOutcome::level(input.levels.lowest(), evidence);
        }
        Err(error) => {
            return RuleOutcome::inconclusive(say::tls_unreachable(
                &target,
                error.kind.code(),
                &error.message,
            ));
        }
    };
    if !handshake.problems.is_empty() {
        let faults: Vec<CertificateFault> = handshake.problems.iter().map(fault).collect();
        evidence.measured = Some(say::certificate_invalid(&faults));
        return RuleOutcome::level(input.levels.lowest(), evidence);
    }
    let Some(not_after) = handshake.not_after else {
        return RuleOutcome::inconclusive(say::expiry_unreadable(&target));
    };
    let expiry = rfc3339_date(not_after);
    let Ok(left) = not_after.duration_since(facts.observations.started_at) else {
        evidence.measured = Some(say::certificate_expired(&expiry));
        return RuleOutcome::level(input.levels.lowest(), evidence);
    };
    let days = left.as_secs() / 86_400;
    evidence.measured = Some(say::certificate_valid(days, &expiry));
    evidence.value = Some(left.as_secs_f64());
    RuleOutcome::level(input.levels.of_value(left.as_secs_f64()), evidence)
}

fn fault(problem: &CertificateProblem) -> CertificateFault<'_> {
    match problem {
        CertificateProblem::Untrusted(detail) => CertificateFault::Untrusted(detail),
        CertificateProblem::NameMismatch => CertificateFault::NameMismatch,
        CertificateProblem::Expired => CertificateFault::Expired,
        CertificateProblem::NotYetValid => CertificateFault::NotYetValid,
        CertificateProblem::Other(detail) => CertificateFault::Other(detail),
    }
}

fn rfc3339_date(time: std::time::SystemTime) -> String {
    let since = time
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or(Duration::ZERO);
    time::OffsetDateTime::from_unix_timestamp(since.as_secs() as i64)
        .map(|t| t.date().to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use crate::standards::testing::*;
    use observe::exchange::{TransportError, TransportKind};
    use observe::observations::{CertificateProblem, Handshake, TlsFacts};

    pub fn handshake(
        protocol: &str,
        problems: Vec<CertificateProblem>,
        days: Option<i64>,
    ) -> TlsFacts {
        TlsFacts {
            host: "svc.example.go.id".into(),
            port: 443,
            handshake: Ok(Handshake {
                protocol: protocol.into(),
                cipher_suite: "TLS13_AES_128_GCM_SHA256".into(),
                alpn: Some("h2".into()),
                problems,
                not_after: days.map(|days| {
                    if days >= 0 {
                        started_at() + Duration::from_secs(days as u64 * 86_400 + 3600)
                    } else {
                        started_at() - Duration::from_secs((-days) as u64 * 86_400)
                    }
                }),
                chain_length: 2,
                chain: vec![],
            }),
            versions: vec![],
        }
    }

    fn with(tls: TlsFacts) -> crate::standards::RuleOutcome {
        let mut obs = observations();
        obs.tls = Some(tls);
        run_rule("SC-02", &scenario(""), &obs)
    }

    #[test]
    fn every_level_by_days_left() {
        for (days, expected) in [(90, 5), (60, 5), (45, 4), (20, 3), (10, 2), (3, 1), (-2, 1)] {
            let outcome = with(handshake("TLSv1.3", vec![], Some(days)));
            assert_eq!(level(&outcome), expected, "{days} days: {outcome:?}");
        }
        let outcome = with(handshake("TLSv1.3", vec![], Some(90)));
        assert_eq!(measured(&outcome), "valid, expires in 90 days (2026-08-30)");
        assert_eq!(
            measured_id(&outcome),
            "sah, habis berlaku dalam 90 hari (2026-08-30)"
        );
    }

    #[test]
    fn invalid_failed_and_missing() {
        let outcome = with(handshake(
            "TLSv1.3",
            vec![
                CertificateProblem::Untrusted("self-signed".into()),
                CertificateProblem::NameMismatch,
            ],
            Some(300),
        ));
        assert_eq!(level(&outcome), 1);
        assert!(measured(&outcome).contains("self-signed"));
        assert_eq!(
            measured_id(&outcome),
            "sertifikat tidak sah: tidak diterbitkan oleh CA tepercaya (self-signed); diterbitkan untuk nama host lain"
        );

        let failed = |kind| TlsFacts {
            host: "svc.example.go.id".into(),
            port: 443,
            handshake: Err(TransportError {
                kind,
                message: "the server offers only TLS 1.0".into(),
            }),
            versions: vec![],
        };
        assert_eq!(level(&with(failed(TransportKind::TlsLegacyOnly))), 1);
        assert_eq!(level(&with(failed(TransportKind::Timeout))), -1);
        assert_eq!(level(&with(handshake("TLSv1.3", vec![], None))), -1);
        assert_eq!(
            level(&run_rule("SC-02", &scenario(""), &observations())),
            -1
        );
    }

    #[test]
    fn plain_http_is_level_one_with_no_tls() {
        let plain = scenario(
            "version: 1\nservice: { id: t, base_url: \"http://svc.example.go.id\" }\nprobes:\n  - id: p\n    request: { path: / }\n",
        );
        let outcome = run_rule("SC-02", &plain, &observations());
        assert_eq!(level(&outcome), 1);
        assert_eq!(measured(&outcome), "no TLS");
        assert_eq!(measured_id(&outcome), "tanpa TLS");
    }
}
