//! Client certificates (mTLS) and OAuth2 client credentials through the real
//! binary against the sandbox on 127.0.0.1 (issue 15, point 3).
//!
//! mTLS: `/uji/mtls` answers a connection that presented a certificate of the
//! sandbox's client CA, refuses one without, and the handshake fails with a
//! certificate of another CA; a wrong key or certificate is bad input with its
//! position, and the key never reaches any output.
//!
//! OAuth2: `/uji/token` issues 2 s tokens for `/uji/oauth2`. A token is cached,
//! renewed once expired (also before availability) and after a 401; a wrong
//! secret, a token that cannot be renewed and broken token endpoints fail the
//! probe at the token step; neither the secret nor a token shows anywhere.

use std::path::Path;
use std::process::Output;

use sandbox::Sandbox;
use serde_json::Value;

use crate::support::{
    assert_exit_code, run_command_off_runtime, start_sandbox, text, ujilab_command,
};

/// The environment variable the scenarios' `client_key` secret is read from.
const KEY_VARIABLE: &str = "UJI_MTLS_CLIENT_KEY";

/// A scenario against dukcapil over HTTPS with `tls` as given.
fn scenario(tls: &str) -> String {
    format!(
        r#"version: 1
service:
  id: mtls
  base_url: "https://dukcapil.contohkab.go.id:${{env:UJILAB_SANDBOX_HTTPS_PORT}}"
secrets:
  client_key: {KEY_VARIABLE}
defaults:
  resolve: {{ dukcapil.contohkab.go.id: 127.0.0.1 }}
  tls: {{ ca_file: "${{env:UJILAB_SANDBOX_CA}}"{tls} }}
probes:
  - id: mtls
    request: {{ path: /uji/mtls }}
    expect: {{ status: 200, json: {{ $.data.klien: terverifikasi }} }}
  - id: health
    request: {{ path: /health }}
    expect: {{ status: 200 }}
"#
    )
}

/// The client certificate settings naming `client.pem` beside the scenario.
const WITH_CLIENT_CERT: &str = r#", client_cert: client.pem, client_key: "${client_key}""#;

async fn ujilab(sandbox: &Sandbox, dir: &Path, command: &str, yaml: &str, key_pem: &str) -> Output {
    std::fs::write(dir.join("scenario.yaml"), yaml).expect("write scenario");
    let mut ujilab = ujilab_command();
    ujilab
        .arg(command)
        .arg(dir.join("scenario.yaml"))
        .args(["--lang", "en"])
        .envs(sandbox.env())
        .env(KEY_VARIABLE, key_pem)
        .env_remove("GITHUB_ACTIONS");
    if command == "run" {
        ujilab.arg("--out").arg(dir.join("out")).arg("-vv");
    }
    run_command_off_runtime(ujilab).await
}

fn probe(dir: &Path, id: &str) -> Value {
    let text = std::fs::read_to_string(dir.join("out/report.json")).expect("report.json");
    let report: Value = serde_json::from_str(&text).expect("json");
    report["scenarios"][0]["probes"]
        .as_array()
        .expect("probes")
        .iter()
        .find(|probe| probe["id"] == id)
        .cloned()
        .unwrap_or_else(|| panic!("probe {id} in {report:#}"))
}

/// Everything a run wrote: stdout, stderr and every file of its output folder.
fn everything_written(dir: &Path, output: &Output) -> String {
    let mut written = text(&output.stdout) + &text(&output.stderr);
    for entry in std::fs::read_dir(dir.join("out")).expect("out") {
        let path = entry.expect("entry").path();
        written += &std::fs::read_to_string(&path).unwrap_or_default();
    }
    written
}

/// The base64 body of a PEM key: what would show if any part of it leaked.
fn key_body(key_pem: &str) -> String {
    key_pem
        .lines()
        .filter(|line| !line.starts_with("-----"))
        .collect()
}

/// A CA of our own and a client certificate it signed: a pair the sandbox must
/// refuse although the key matches the certificate.
fn foreign_client_identity() -> (String, String) {
    let ca_key = rcgen::KeyPair::generate().expect("key");
    let mut ca = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    ca.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
    ca.distinguished_name
        .push(rcgen::DnType::CommonName, "Another CA");
    ca.self_signed(&ca_key).expect("CA");
    let issuer = rcgen::Issuer::new(ca, ca_key);
    let key = rcgen::KeyPair::generate().expect("key");
    let mut leaf = rcgen::CertificateParams::new(Vec::<String>::new()).expect("params");
    leaf.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ClientAuth];
    let cert = leaf.signed_by(&key, &issuer).expect("leaf");
    (cert.pem(), key.serialize_pem())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_certificate_of_the_sandbox_ca_passes_and_none_or_another_ca_fails() {
    let sandbox = start_sandbox().await;
    let identity = sandbox.client_identity().clone();

    // With the sandbox's client certificate: both probes pass, the key nowhere.
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("client.pem"), &identity.cert_pem).expect("cert");
    let yaml = scenario(WITH_CLIENT_CERT);
    let output = ujilab(&sandbox, dir.path(), "run", &yaml, &identity.key_pem).await;
    assert_exit_code(&output, 0);
    assert_eq!(probe(dir.path(), "mtls")["status"], 200);
    assert_eq!(probe(dir.path(), "health")["passed"], true);
    let written = everything_written(dir.path(), &output);
    assert!(
        !written.contains(&key_body(&identity.key_pem)),
        "the client key leaked"
    );

    // Without one: the endpoint refuses, other endpoints still answer.
    let dir = tempfile::tempdir().expect("tempdir");
    let output = ujilab(
        &sandbox,
        dir.path(),
        "run",
        &scenario(""),
        &identity.key_pem,
    )
    .await;
    assert_exit_code(&output, 1);
    let refused = probe(dir.path(), "mtls");
    assert_eq!(refused["passed"], false, "{refused:#}");
    assert_eq!(refused["status"], 403, "{refused:#}");
    assert_eq!(probe(dir.path(), "health")["passed"], true);

    // A certificate of another CA: the sandbox ends the handshake with an alert,
    // so every probe fails without an answer. Over HTTP/1.1 the alert reaches
    // the report; over HTTP/2 the client's connection task takes it, and the
    // request only learns that the connection closed.
    let (foreign_cert, foreign_key) = foreign_client_identity();
    for (http, expected_kinds) in [
        ("1.1", &["tls"][..]),
        ("auto", &["tls", "protocol", "read", "reset"]),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("client.pem"), &foreign_cert).expect("cert");
        let yaml = scenario(WITH_CLIENT_CERT)
            .replace("  resolve:", &format!("  http: \"{http}\"\n  resolve:"));
        let output = ujilab(&sandbox, dir.path(), "run", &yaml, &foreign_key).await;
        assert_exit_code(&output, 1);
        for id in ["mtls", "health"] {
            let failed = probe(dir.path(), id);
            assert_eq!(failed["passed"], false, "{failed:#}");
            assert!(failed["status"].is_null(), "no answer: {failed:#}");
            let kind = failed["error"]["kind"].as_str().unwrap_or_default();
            assert!(expected_kinds.contains(&kind), "http {http}: {failed:#}");
            if http == "1.1" {
                let message = failed["error"]["message"].as_str().unwrap_or_default();
                assert!(
                    message.contains("UnknownCA") || message.contains("BadCertificate"),
                    "{failed:#}"
                );
            }
        }
        let written = everything_written(dir.path(), &output);
        assert!(!written.contains(&key_body(&foreign_key)), "the key leaked");
    }
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_client_certificate_or_key_is_bad_input_with_its_position() {
    let sandbox = start_sandbox().await;
    let identity = sandbox.client_identity().clone();
    let (foreign_cert, foreign_key) = foreign_client_identity();
    let literal_key = format!(
        ", client_cert: client.pem, client_key: \"{}\"",
        identity.key_pem.replace('\n', "\\n")
    );
    // (tls settings, certificate file, key in the secret, where the value at
    // fault starts, message)
    let cases: [(&str, &str, &str, &str, &str); 6] = [
        (
            WITH_CLIENT_CERT,
            &identity.cert_pem,
            &foreign_key,
            "\"${client_key}",
            "is not the key of",
        ),
        (
            WITH_CLIENT_CERT,
            &foreign_cert,
            &identity.key_pem,
            "\"${client_key}",
            "is not the key of",
        ),
        (
            WITH_CLIENT_CERT,
            "not a certificate",
            &identity.key_pem,
            "client.pem",
            "holds no certificate",
        ),
        (
            WITH_CLIENT_CERT,
            &identity.cert_pem,
            "kunci-bukan-PEM",
            "\"${client_key}",
            "not a PEM private key",
        ),
        (
            &literal_key,
            &identity.cert_pem,
            &foreign_key,
            "\"-----BEGIN",
            "must come from a secret",
        ),
        (
            ", client_cert: client.pem",
            &identity.cert_pem,
            &identity.key_pem,
            "client.pem",
            "needs `client_key`",
        ),
    ];
    for (tls, cert, key, fault, message) in cases {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("client.pem"), cert).expect("cert");
        let yaml = scenario(tls);
        let at = yaml.find(fault).expect("the value at fault");
        let line = yaml[..at].matches('\n').count() + 1;
        let column = at - yaml[..at].rfind('\n').unwrap_or(0);
        let position = format!("scenario.yaml:{line}:{column}");
        for command in ["validate", "run"] {
            let output = ujilab(&sandbox, dir.path(), command, &yaml, key).await;
            assert_exit_code(&output, 2);
            let said = text(&output.stderr) + &text(&output.stdout);
            assert!(said.contains(message), "{command}: {said}");
            assert!(
                said.contains(&position),
                "{command} names {position}: {said}"
            );
            for secret in [key, identity.key_pem.as_str()] {
                assert!(!said.contains(&key_body(secret)), "a key leaked: {said}");
            }
        }
    }
    assert_eq!(
        sandbox.requests_seen(sandbox::Service::Dukcapil),
        0,
        "nothing was sent"
    );
    sandbox.shutdown().await;
}

/// The environment variable the OAuth2 scenarios' `client_secret` is read from.
const SECRET_VARIABLE: &str = "UJI_OAUTH2_SECRET";

/// A scenario whose probes all authenticate with the client-credentials token
/// of `/uji/token{variant}` (`token_url` overrides the whole URL).
fn oauth2_scenario(token_url: &str, extra_defaults: &str, probes: &str) -> String {
    format!(
        r#"version: 1
service:
  id: oauth2
  base_url: "https://dukcapil.contohkab.go.id:${{env:UJILAB_SANDBOX_HTTPS_PORT}}"
secrets:
  client_secret: {SECRET_VARIABLE}
defaults:
  resolve: {{ dukcapil.contohkab.go.id: 127.0.0.1 }}
  tls: {{ ca_file: "${{env:UJILAB_SANDBOX_CA}}" }}{extra_defaults}
  auth:
    oauth2:
      token_url: "https://dukcapil.contohkab.go.id:${{env:UJILAB_SANDBOX_HTTPS_PORT}}{token_url}"
      client_id: {client_id}
      client_secret: "${{client_secret}}"
      scope: "data:baca"
probes:
{probes}"#,
        client_id = sandbox::OAUTH2_CLIENT_ID,
    )
}

/// The guarded data, expected with its content.
const DATA_PROBE: &str = "    request: { path: /uji/oauth2 }
    expect: { status: 200, json: { $.data.izin: berlaku } }
";

/// Runs `yaml` with `secret` as the client secret, traced with -vv.
async fn run_oauth2(sandbox: &Sandbox, dir: &Path, yaml: &str, secret: &str) -> Output {
    std::fs::write(dir.join("scenario.yaml"), yaml).expect("write scenario");
    let mut ujilab = ujilab_command();
    ujilab
        .arg("run")
        .arg(dir.join("scenario.yaml"))
        .arg("--out")
        .arg(dir.join("out"))
        .args(["--lang", "en", "-vv"])
        .envs(sandbox.env())
        .env(SECRET_VARIABLE, secret)
        .env_remove("GITHUB_ACTIONS");
    run_command_off_runtime(ujilab).await
}

/// Asserts that neither the client secret, its Basic credential nor any token
/// the sandbox issued shows anywhere the run wrote.
fn assert_no_oauth2_secret(sandbox: &Sandbox, dir: &Path, output: &Output, secret: &str) {
    use base64::Engine as _;
    let written = everything_written(dir, output);
    let credential = base64::engine::general_purpose::STANDARD
        .encode(format!("{}:{secret}", sandbox::OAUTH2_CLIENT_ID));
    assert!(!written.contains(secret), "the client secret leaked");
    assert!(
        !written.contains(&credential),
        "the Basic credential leaked"
    );
    for token in sandbox.oauth2_tokens_issued() {
        assert!(!written.contains(&token), "a token leaked: {token}");
    }
}

/// The check that failed a probe, as `what: actual`.
fn failed_check(dir: &Path, id: &str) -> String {
    let failed = probe(dir, id);
    assert_eq!(failed["passed"], false, "{failed:#}");
    failed["expectations"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|check| check["passed"] == false)
        .map(|check| format!("{}: {}", check["what"], check["actual"]))
        .collect::<Vec<_>>()
        .join("; ")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_oauth2_token_is_fetched_cached_renewed_on_expiry_and_on_401_and_never_shown() {
    let sandbox = start_sandbox().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let wait = sandbox::OAUTH2_TOKEN_LIFETIME.as_millis() + 100;
    let probes = format!(
        "  - id: data
{DATA_PROBE}  - id: data-again
{DATA_PROBE}  - id: wait-for-expiry
    request: {{ path: /uji/wait/{wait} }}
    timeout: 10s
  - id: data-after-expiry
{DATA_PROBE}  - id: revoke
    request: {{ method: POST, path: /uji/oauth2/revoke }}
  - id: data-after-revoke
{DATA_PROBE}  - id: wait-again
    request: {{ path: /uji/wait/{wait} }}
    timeout: 10s
"
    );
    // Availability starts after the last token expired: it must renew it.
    let yaml = oauth2_scenario("/uji/token", "", &probes)
        + "availability: { probes: [data], every: 200ms, samples: 3 }\n";
    let output = run_oauth2(&sandbox, dir.path(), &yaml, sandbox::OAUTH2_CLIENT_SECRET).await;
    assert_exit_code(&output, 0);
    for id in [
        "data",
        "data-again",
        "data-after-expiry",
        "data-after-revoke",
    ] {
        assert_eq!(probe(dir.path(), id)["status"], 200, "{id}");
    }
    // One token for the first three requests, one after it expired, one after
    // the service refused the revoked one, one for availability.
    assert_eq!(sandbox.oauth2_tokens_issued().len(), 4);
    let report: Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("out/report.json")).expect("report.json"),
    )
    .expect("json");
    let availability = &report["scenarios"][0]["availability"];
    assert_eq!(availability["samples"], 3, "{availability:#}");
    assert_eq!(availability["up"], 3, "{availability:#}");
    let refused = probe(dir.path(), "data-after-revoke");
    assert!(
        refused.to_string().contains("401"),
        "the refused attempt is kept as evidence: {refused:#}"
    );
    let sent = probe(dir.path(), "data")["request_headers"].to_string();
    assert!(sent.contains(r#"["Authorization","***"]"#), "{sent}");
    assert!(
        text(&output.stderr).contains("oauth2 token"),
        "-v traces the token request: {}",
        text(&output.stderr)
    );
    assert_no_oauth2_secret(&sandbox, dir.path(), &output, sandbox::OAUTH2_CLIENT_SECRET);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_wrong_secret_an_unrenewable_token_and_broken_token_endpoints_fail_the_probe() {
    let sandbox = start_sandbox().await;

    let dir = tempfile::tempdir().expect("tempdir");
    let wrong = "rahasia-Salah-0000";
    let yaml = oauth2_scenario("/uji/token", "", &format!("  - id: data\n{DATA_PROBE}"));
    let output = run_oauth2(&sandbox, dir.path(), &yaml, wrong).await;
    assert_exit_code(&output, 1);
    let why = failed_check(dir.path(), "data");
    assert!(
        why.contains("OAuth2 token") && why.contains("answered 401 (invalid_client)"),
        "{why}"
    );
    assert_no_oauth2_secret(&sandbox, dir.path(), &output, wrong);
    assert!(sandbox.oauth2_tokens_issued().is_empty());

    // `/uji/token/once` issues one token: once it expires, none can be had.
    let dir = tempfile::tempdir().expect("tempdir");
    let wait = sandbox::OAUTH2_TOKEN_LIFETIME.as_millis() + 100;
    let probes = format!(
        "  - id: data
{DATA_PROBE}  - id: wait-for-expiry
    request: {{ path: /uji/wait/{wait} }}
    timeout: 10s
  - id: data-after-expiry
{DATA_PROBE}"
    );
    let yaml = oauth2_scenario("/uji/token/once", "", &probes);
    let secret = sandbox::OAUTH2_CLIENT_SECRET;
    let output = run_oauth2(&sandbox, dir.path(), &yaml, secret).await;
    assert_exit_code(&output, 1);
    assert_eq!(probe(dir.path(), "data")["passed"], true);
    let why = failed_check(dir.path(), "data-after-expiry");
    assert!(why.contains("answered 503"), "{why}");
    assert_no_oauth2_secret(&sandbox, dir.path(), &output, secret);

    for (token_url, reason) in [
        ("/uji/token/not-json", "is not JSON"),
        ("/uji/token/no-token", "holds no access_token"),
        ("/uji/wait/3000", "no complete response within 1s"),
    ] {
        let dir = tempfile::tempdir().expect("tempdir");
        let yaml = oauth2_scenario(
            token_url,
            "\n  timeout: 1s",
            &format!("  - id: data\n{DATA_PROBE}"),
        );
        let output = run_oauth2(&sandbox, dir.path(), &yaml, secret).await;
        assert_exit_code(&output, 1);
        let why = failed_check(dir.path(), "data");
        assert!(
            why.contains("OAuth2 token") && why.contains(reason),
            "{token_url}: {why}"
        );
        assert_no_oauth2_secret(&sandbox, dir.path(), &output, secret);
    }
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_client_secret_written_in_the_file_is_bad_input_with_its_position() {
    let sandbox = start_sandbox().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let yaml = oauth2_scenario("/uji/token", "", &format!("  - id: data\n{DATA_PROBE}"))
        .replace("\"${client_secret}\"", "rahasia-Tertulis-1234");
    let at = yaml.find("rahasia-Tertulis").expect("the literal");
    let line = yaml[..at].matches('\n').count() + 1;
    let column = at - yaml[..at].rfind('\n').unwrap_or(0);
    let output = run_oauth2(&sandbox, dir.path(), &yaml, "rahasia-Lain-5678").await;
    assert_exit_code(&output, 2);
    let said = text(&output.stderr) + &text(&output.stdout);
    assert!(said.contains("must come from a secret"), "{said}");
    assert!(
        said.contains(&format!("scenario.yaml:{line}:{column}")),
        "{said}"
    );
    // The source line is quoted as written (it is the user's file); the message
    // and the help never repeat the value.
    let quoted_lines = said.matches("rahasia-Tertulis-1234").count();
    assert_eq!(quoted_lines, 1, "only the source line quotes it: {said}");
    assert!(
        sandbox.oauth2_tokens_issued().is_empty(),
        "nothing was sent"
    );
    sandbox.shutdown().await;
}

/// `ujilab watch` probes with a token too: the first round fetches one, and a
/// round after it has expired fetches another instead of sending a stale one
/// (which the sandbox refuses with 401, a false outage).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_watched_oauth2_probe_carries_a_valid_token_every_round() {
    let sandbox = start_sandbox().await;
    let yaml = oauth2_scenario("/uji/token", "", &format!("  - id: data\n{DATA_PROBE}"));
    let source = input::scenario::Source {
        name: "watched.yaml".into(),
        bytes: yaml.into_bytes(),
        named: true,
    };
    let mut settings = crate::support::sandbox_load_settings(&sandbox);
    settings.env = settings
        .env
        .with(SECRET_VARIABLE, sandbox::OAUTH2_CLIENT_SECRET);
    let scenario = match input::scenario::load_all(&[source], &settings, &mut Vec::new()).pop() {
        Some(input::scenario::Loaded::Ready { scenario, .. }) => *scenario,
        Some(input::scenario::Loaded::Failed(failure)) => {
            panic!("{}", failure.render(input::lang::Lang::En))
        }
        None => panic!("nothing loaded"),
    };
    let mut watched =
        run::continuous::WatchedScenario::prepare(scenario, &run::RunSettings::default())
            .await
            .expect("prepared");
    let up = |samples: &[run::continuous::WatchSample]| samples.iter().all(|s| s.sample.up);
    assert!(up(&watched.round().await), "the first round has a token");
    tokio::time::sleep(sandbox::OAUTH2_TOKEN_LIFETIME + std::time::Duration::from_millis(200))
        .await;
    assert!(up(&watched.round().await), "a round after expiry renews it");
    assert_eq!(sandbox.oauth2_tokens_issued().len(), 2);
    sandbox.shutdown().await;
}
