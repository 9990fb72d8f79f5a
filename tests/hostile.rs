//! A hostile or broken service yields a failed probe that says which failure it
//! was: never a crash, a hang or unbounded memory. Each case sets one sandbox knob
//! and runs a real scenario through the run stage.

use std::time::{Duration, Instant};

use crate::support::{load_against_sandbox, run_with_defaults, start_sandbox};

use observe::observations::{ProbeOutcome, ProbeResult};
use sandbox::{Behaviour, BodyFault, ConnectionFault, RedirectLoop, Sandbox, Service};

/// One probe of `request` against dukcapil over HTTPS, with `extra` probe keys.
async fn probe(sandbox: &Sandbox, request: &str, extra: &str) -> ProbeResult {
    let yaml = format!(
        r#"
version: 1
service:
  id: hostile-case
  base_url: https://dukcapil.contohkab.go.id:${{env:UJILAB_SANDBOX_HTTPS_PORT}}
defaults:
  resolve: {{ dukcapil.contohkab.go.id: 127.0.0.1 }}
  tls: {{ ca_file: "${{env:UJILAB_SANDBOX_CA}}" }}
probes:
  - id: case
    request: {request}
    timeout: 2s
{extra}
"#
    );
    let scenario = load_against_sandbox(sandbox, "hostile.yaml", &yaml);
    let observations = run_with_defaults(&scenario).await;
    observations
        .probes
        .into_iter()
        .next()
        .expect("one probe result")
}

fn error_kind(result: &ProbeResult) -> String {
    let exchange = result.exchange.as_ref().expect("the probe was sent");
    exchange
        .error
        .as_ref()
        .map(|error| error.kind.code().to_string())
        .unwrap_or_else(|| {
            format!(
                "no error (status {:?})",
                exchange.response.as_ref().map(|r| r.status)
            )
        })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthy_service_passes() {
    let sandbox = start_sandbox().await;
    let result = probe(
        &sandbox,
        "{ path: /health }",
        "    expect: { json: { $.status: UP } }",
    )
    .await;
    assert_eq!(result.outcome, ProbeOutcome::Passed, "{result:#?}");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_hostile_knob_is_a_named_failure() {
    let sandbox = start_sandbox().await;
    let cases: [(&str, Behaviour, &str); 6] = [
        (
            "reset",
            Behaviour::new().with_connection(ConnectionFault::Reset),
            "reset",
        ),
        (
            "garbage",
            Behaviour::new().with_connection(ConnectionFault::Garbage),
            "protocol",
        ),
        (
            "stalled body",
            Behaviour::new().with_body(BodyFault::Stalled),
            "timeout",
        ),
        (
            "endless body",
            Behaviour::new().with_body(BodyFault::Endless),
            "body_too_large",
        ),
        (
            "huge body",
            Behaviour::new().with_body(BodyFault::huge()),
            "body_too_large",
        ),
        (
            "redirect loop",
            Behaviour::new().with_redirect_loop(RedirectLoop::BetweenTwoPaths),
            "too_many_redirects",
        ),
    ];
    for (name, behaviour, expected) in cases {
        sandbox.set_behaviour(Service::Dukcapil, behaviour);
        let started = Instant::now();
        let result = probe(&sandbox, "{ path: /health }", "    max_body: 1MiB").await;
        assert_eq!(result.outcome, ProbeOutcome::Failed, "{name}");
        assert_eq!(error_kind(&result), expected, "{name}: {result:#?}");
        assert!(
            started.elapsed() < Duration::from_secs(5),
            "{name} took {:?}",
            started.elapsed()
        );
        let check = &result.checks[0];
        assert!(
            !check.passed && check.actual.starts_with(expected),
            "{name}: {check:?}"
        );
    }
    sandbox.clear_knobs();
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_answer_fails_latency_and_timeout() {
    let sandbox = start_sandbox().await;
    sandbox.set_behaviour(
        Service::Dukcapil,
        Behaviour::new().with_delay(Duration::from_millis(300)),
    );
    let slow = probe(
        &sandbox,
        "{ path: /health }",
        "    expect: { latency: 100ms }",
    )
    .await;
    assert_eq!(slow.outcome, ProbeOutcome::Failed);
    let latency = slow
        .checks
        .iter()
        .find(|c| c.what == "latency")
        .expect("a latency check");
    assert!(!latency.passed, "{latency:?}");

    sandbox.set_behaviour(
        Service::Dukcapil,
        Behaviour::new().with_delay(Duration::from_secs(5)),
    );
    let started = Instant::now();
    let timed_out = probe(&sandbox, "{ path: /health }", "").await;
    assert_eq!(error_kind(&timed_out), "timeout");
    assert!(started.elapsed() < Duration::from_secs(4));
    sandbox.clear_knobs();
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_utf8_and_markup_are_data() {
    let sandbox = start_sandbox().await;
    sandbox.set_behaviour(
        Service::Dukcapil,
        Behaviour::new().with_body(BodyFault::InvalidUtf8),
    );
    let result = probe(
        &sandbox,
        "{ path: /health }",
        "    expect: { body: { contains: \"\u{FFFD}\" } }",
    )
    .await;
    assert_eq!(result.outcome, ProbeOutcome::Passed, "{result:#?}");

    sandbox.set_behaviour(Service::Dukcapil, Behaviour::new().with_hostile_markup());
    let result = probe(&sandbox, "{ path: /health }", "").await;
    let response = result
        .exchange
        .as_ref()
        .and_then(|e| e.response.as_ref())
        .expect("a response");
    let markup_in_headers = response
        .headers
        .iter()
        .any(|(_, value)| value.contains("<script>") || value.contains("onerror"));
    assert!(
        markup_in_headers,
        "the knob sends markup in headers: {:?}",
        response.headers
    );
    sandbox.clear_knobs();
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn refused_connection_and_untrusted_certificate() {
    let sandbox = start_sandbox().await;
    // A port nobody listens on: bind one, note it, close it.
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port");
    let refused = probe(
        &sandbox,
        &format!("{{ url: \"http://127.0.0.1:{closed_port}/\" }}"),
        "",
    )
    .await;
    assert_eq!(error_kind(&refused), "connect");

    // The same HTTPS service, but without trusting the sandbox CA.
    let yaml = "version: 1\nservice: { id: no-ca, base_url: \"https://dukcapil.contohkab.go.id:${env:UJILAB_SANDBOX_HTTPS_PORT}\" }\ndefaults: { resolve: { dukcapil.contohkab.go.id: 127.0.0.1 } }\nprobes: [ { id: case, request: { path: /health } } ]\n";
    let scenario = load_against_sandbox(&sandbox, "no-ca.yaml", yaml);
    let observations = run_with_defaults(&scenario).await;
    assert_eq!(error_kind(&observations.probes[0]), "tls");
    sandbox.shutdown().await;
}
