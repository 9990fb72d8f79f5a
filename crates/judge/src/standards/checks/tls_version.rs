//! SC-03 `tls_version`: the protocol a full handshake negotiated: `tls1_3`,
//! `tls1_2`, or `none` when no TLS 1.2+ handshake completes or there is no TLS.

use observe::exchange::TransportKind;

use crate::standards::checks::Input;
use crate::standards::{Evidence, RuleOutcome};

pub fn check(input: &Input) -> RuleOutcome {
    let facts = input.facts;
    if facts.plain_http() {
        return input.level_of_outcome(
            "none",
            Evidence {
                measured: Some("no TLS".into()),
                notes: vec!["no TLS: base_url is plain http".into()],
                ..Evidence::default()
            },
        );
    }
    let Some(tls) = &facts.observations.tls else {
        return RuleOutcome::inconclusive("TLS facts were not gathered in this run");
    };
    let target = format!("{}:{}", tls.host, tls.port);
    let url = Some(format!("https://{target}/"));
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
                    measured: Some(handshake.protocol.clone()),
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
                    measured: Some("no TLS 1.2+ handshake".into()),
                    excerpt: Some(error.message.clone()),
                    url,
                    ..Evidence::default()
                },
            )
        }
        Err(error) => RuleOutcome::inconclusive(format!(
            "could not reach {target} for the TLS check: {}: {}",
            error.kind.code(),
            error.message
        )),
    }
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
                }),
                Err(kind) => Err(TransportError {
                    kind,
                    message: "no shared version".into(),
                }),
            },
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
}
