//! The load engine against the sandbox on 127.0.0.1: counts that add up, the open
//! model's schedule, dropped arrivals, the error taxonomy of each hostile knob,
//! thresholds at their boundaries and an interrupted run. Assertions are on counts
//! and generous time bounds, never on tight timings.

use std::time::{Duration, Instant};

use crate::support::{load_against_sandbox, run_with, run_with_defaults, start_sandbox};
use base64::Engine as _;

use input::scenario::{HttpVersion, Scenario};
use judge::thresholds::{FigureSource, ThresholdStatus};
use observe::latency::LatencyHistogram;
use observe::observations::{LoadResult, LoadTally, Observations, PhaseStatus, ProbeLoad};
use report::build::{RunContext, scenario_report};
use report::model::LoadShape;
use run::{Cancel, Events, RunSettings, run_scenario};
use sandbox::{Behaviour, BodyFault, ConnectionFault, RedirectLoop, Sandbox, Service};

/// A scenario against dukcapil over HTTPS: `probes` and `tail` are YAML blocks.
fn scenario(sandbox: &Sandbox, probes: &str, tail: &str) -> Scenario {
    scenario_with_base(
        sandbox,
        "https://dukcapil.contohkab.go.id:${env:UJILAB_SANDBOX_HTTPS_PORT}",
        probes,
        tail,
    )
}

fn scenario_with_base(sandbox: &Sandbox, base_url: &str, probes: &str, tail: &str) -> Scenario {
    let yaml = format!(
        r#"
version: 1
service:
  id: load-case
  base_url: {base_url}
defaults:
  resolve: {{ dukcapil.contohkab.go.id: 127.0.0.1 }}
  tls: {{ ca_file: "${{env:UJILAB_SANDBOX_CA}}" }}
probes:
{probes}
{tail}
"#
    );
    load_against_sandbox(sandbox, "load.yaml", &yaml)
}

const HEALTH: &str = "  - id: health\n    request: { path: /health }";
const TWO_PROBES: &str = "  - id: health\n    request: { path: /health }\n  - id: openapi\n    request: { path: /openapi.json }";

fn load_of(observations: &Observations) -> &LoadResult {
    assert_eq!(observations.phases.load, PhaseStatus::Ran);
    observations.load.as_ref().expect("load figures")
}

/// Every request either got a complete response or failed without one (a transport
/// kind or `dropped`); rejected statuses are responses that also failed.
fn assert_counts_add_up(tally: &LoadTally) {
    let without_response: u64 = tally
        .errors
        .iter()
        .filter(|(key, _)| !key.starts_with("http_"))
        .map(|(_, count)| count)
        .sum();
    assert_eq!(
        tally.requests,
        tally.responses + without_response,
        "{tally:?}"
    );
    assert_eq!(
        tally.failed,
        tally.errors.values().sum::<u64>(),
        "{tally:?}"
    );
    assert_eq!(tally.latency.count(), tally.responses, "{tally:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn closed_model_counts_add_up_and_follow_the_mix() {
    let sandbox = start_sandbox().await;
    let scenario = scenario(
        &sandbox,
        TWO_PROBES,
        "load:\n  probes: { health: 3, openapi: 1 }\n  model: closed\n  concurrency: 4\n  requests: 400",
    );
    let before = sandbox.requests_seen(Service::Dukcapil);
    let observations = run_with_defaults(&scenario).await;
    let load = load_of(&observations);
    assert!(load.complete);
    assert_eq!(load.total.requests, 400);
    assert_eq!(load.total.responses, 400);
    assert_eq!(load.total.failed, 0, "{:?}", load.error_examples);
    assert_counts_add_up(&load.total);
    let counts: Vec<(&str, u64)> = load
        .per_probe
        .iter()
        .map(|p| (p.id.as_str(), p.tally.requests))
        .collect();
    assert_eq!(counts, [("health", 300), ("openapi", 100)]);
    // The two functional probes, then exactly the load's requests.
    assert_eq!(sandbox.requests_seen(Service::Dukcapil) - before, 402);
    assert!(load.throughput(&load.total).is_some_and(|rps| rps > 0.0));

    // The report carries the figures, and the histogram decodes to the same counts.
    let report = scenario_report(&scenario, &observations, &RunContext::default());
    let block = report.load.expect("load block");
    assert_eq!(block.model, LoadShape::Closed);
    assert_eq!(block.requests, 400);
    assert_eq!(block.rate_sustained, None);
    assert_eq!(block.per_probe["openapi"].requests, 100);
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(&block.histogram)
        .expect("base64");
    let histogram: hdrhistogram::Histogram<u64> = hdrhistogram::serialization::Deserializer::new()
        .deserialize(&mut bytes.as_slice())
        .expect("HdrHistogram V2");
    assert_eq!(histogram.len(), 400);
    assert_eq!(
        histogram.max() as f64 / 1e6,
        load.total.latency.max().unwrap_or_default()
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http1_over_tls_and_over_plain_http() {
    let sandbox = start_sandbox().await;
    // HTTPS offers h2 by ALPN; `http: "1.1"` keeps the load on HTTP/1.1.
    let mut scenario = scenario(
        &sandbox,
        HEALTH,
        "load:\n  model: closed\n  concurrency: 2\n  requests: 100",
    );
    scenario.connection.http = input::scenario::HttpVersion::Http1;
    let load = load_of(&run_with_defaults(&scenario).await).clone();
    assert_eq!(load.total.responses, 100, "{:?}", load.error_examples);
    assert_eq!(load.total.failed, 0);

    // Plain http: dukcapil answers 301 to https; a 301 is a response, accepted here.
    let plain = scenario_with_base(
        &sandbox,
        &format!("http://dukcapil.contohkab.go.id:{}", sandbox.http_port()),
        "  - id: health\n    request: { path: /health }\n    expect: { status: 301 }",
        "load:\n  model: closed\n  concurrency: 2\n  requests: 100",
    );
    let load = load_of(&run_with_defaults(&plain).await).clone();
    assert_eq!(load.total.responses, 100, "{:?}", load.error_examples);
    assert_eq!(load.total.failed, 0, "{:?}", load.total.errors);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_proxy_carries_the_load() {
    let sandbox = start_sandbox().await;
    // The sandbox answers absolute-form requests by their authority, as a forward
    // proxy would: enough to see the load go through the configured proxy.
    let mut scenario = scenario_with_base(
        &sandbox,
        &format!("http://dukcapil.contohkab.go.id:{}", sandbox.http_port()),
        "  - id: health\n    request: { path: /health }\n    max_redirects: 0\n    expect: { status: 301 }",
        "load:\n  model: closed\n  concurrency: 2\n  requests: 20",
    );
    scenario.connection.resolve.clear();
    scenario.connection.proxy = Some(format!("http://127.0.0.1:{}", sandbox.http_port()));
    let before = sandbox.requests_seen(Service::Dukcapil);
    let load = load_of(&run_with_defaults(&scenario).await).clone();
    assert_eq!(load.total.responses, 20, "{:?}", load.error_examples);
    assert_eq!(load.total.failed, 0, "{:?}", load.total.errors);
    assert_eq!(sandbox.requests_seen(Service::Dukcapil) - before, 21);
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_model_sends_the_scheduled_arrivals() {
    let sandbox = start_sandbox().await;
    let scenario = scenario(
        &sandbox,
        HEALTH,
        "load:\n  model: open\n  rate: 100/s\n  duration: 1s\n  warmup: 200ms",
    );
    let before = sandbox.requests_seen(Service::Dukcapil);
    let started = Instant::now();
    let observations = run_with_defaults(&scenario).await;
    let elapsed = started.elapsed();
    let load = load_of(&observations);
    // 20 warmup arrivals (0 to 190 ms), then 100 measured ones.
    assert_eq!(load.warmup_requests, 20);
    assert_eq!(load.total.requests, 100);
    assert_eq!(load.total.dropped, 0);
    assert_eq!(load.total.failed, 0, "{:?}", load.error_examples);
    assert_counts_add_up(&load.total);
    assert_eq!(sandbox.requests_seen(Service::Dukcapil) - before, 1 + 120);
    // Paced, not sent at once: the window spans about the second scheduled.
    let window = load.window.as_secs_f64();
    assert!((0.9..2.5).contains(&window), "window {window}");
    assert!(elapsed >= Duration::from_millis(1100), "{elapsed:?}");
    assert!(load.rate_sustained());
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arrivals_that_wait_past_their_timeout_are_dropped() {
    let sandbox = start_sandbox().await;
    sandbox.set_behaviour(
        Service::Dukcapil,
        Behaviour::new().with_delay(Duration::from_millis(300)),
    );
    let scenario = scenario(
        &sandbox,
        "  - id: health\n    request: { path: /health }\n    timeout: 500ms",
        "load:\n  model: open\n  rate: 50/s\n  concurrency: 2\n  duration: 1s",
    );
    let observations = run_with_defaults(&scenario).await;
    let load = load_of(&observations);
    let total = &load.total;
    assert_eq!(total.requests, 50);
    assert!(total.dropped > 10, "{total:?}");
    assert_eq!(total.errors.get("dropped"), Some(&total.dropped));
    // Two slots, 300 ms each, about 1.5 s: far fewer than 50 could be sent.
    assert!(total.responses >= 4 && total.responses <= 20, "{total:?}");
    assert_counts_add_up(total);
    assert!(!load.rate_sustained());
    let report = scenario_report(&scenario, &observations, &RunContext::default());
    let block = report.load.expect("load block");
    assert_eq!(block.rate_sustained, Some(false));
    assert!(
        block
            .notes
            .iter()
            .any(|n| n.contains("target rate not sustained")),
        "{:?}",
        block.notes
    );
    let latency = total.latency.min().unwrap_or_default();
    assert!(
        latency >= 0.3,
        "latency counts from the due time: {latency}"
    );
    sandbox.shutdown().await;
}

/// A short closed load of `requests` against dukcapil with `behaviour`; the error
/// kinds counted.
async fn errors_under(
    sandbox: &Sandbox,
    http: HttpVersion,
    behaviour: Behaviour,
    probe_extra: &str,
    requests: u64,
) -> LoadTally {
    sandbox.set_behaviour(Service::Dukcapil, behaviour);
    let probes = format!("  - id: health\n    request: {{ path: /health }}\n{probe_extra}");
    let mut scenario = scenario(
        sandbox,
        &probes,
        &format!("load:\n  model: closed\n  concurrency: 1\n  requests: {requests}"),
    );
    scenario.connection.http = http;
    let observations = run_with_defaults(&scenario).await;
    let tally = load_of(&observations).total.clone();
    assert_eq!(tally.requests, requests);
    assert_counts_add_up(&tally);
    tally
}

fn only(tally: &LoadTally, key: &str) {
    assert_eq!(
        tally.errors.keys().collect::<Vec<_>>(),
        [key],
        "{:?}",
        tally.errors
    );
    assert_eq!(tally.errors[key], tally.requests);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_hostile_knob_has_its_error_kind() {
    let sandbox = start_sandbox().await;
    let cases: [(&str, Behaviour, &str); 5] = [
        ("http_5xx", Behaviour::new().with_error_percent(100), ""),
        (
            "reset",
            Behaviour::new().with_connection(ConnectionFault::Reset),
            "",
        ),
        (
            "protocol",
            Behaviour::new().with_connection(ConnectionFault::Garbage),
            "",
        ),
        (
            "body_too_large",
            Behaviour::new().with_body(BodyFault::huge()),
            "",
        ),
        (
            "body_too_large",
            Behaviour::new().with_body(BodyFault::Endless),
            "    max_body: 64KiB",
        ),
    ];
    // HTTPS with `auto` negotiates HTTP/2 (hyper); `1.1` takes ujilab's own HTTP/1.1.
    for http in [HttpVersion::Http1, HttpVersion::Auto] {
        for (key, behaviour, extra) in cases.clone() {
            let tally = errors_under(&sandbox, http, behaviour, extra, 4).await;
            only(&tally, key);
        }
        // A 3xx is a response (load follows no redirect); the default 2xx rejects it.
        let redirects = errors_under(
            &sandbox,
            http,
            Behaviour::new().with_redirect_loop(RedirectLoop::ToItself),
            "",
            4,
        )
        .await;
        only(&redirects, "http_3xx");
        assert_eq!(redirects.responses, 4);
        // A 5xx the probe's status expectation accepts is not an error.
        let accepted = errors_under(
            &sandbox,
            http,
            Behaviour::new().with_error_percent(100),
            "    expect: { status: [200, 503] }",
            4,
        )
        .await;
        assert!(accepted.errors.is_empty(), "{:?}", accepted.errors);
    }
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stalls_time_out_and_bad_peers_fail_to_connect() {
    let sandbox = start_sandbox().await;
    for http in [HttpVersion::Http1, HttpVersion::Auto] {
        for behaviour in [
            Behaviour::new().with_body(BodyFault::Stalled),
            Behaviour::new().with_delay(Duration::from_secs(2)),
        ] {
            let tally = errors_under(&sandbox, http, behaviour, "    timeout: 150ms", 2).await;
            only(&tally, "timeout");
        }
    }
    sandbox.clear_knobs();

    // Nothing listens: connect.
    let closed_port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .expect("a free port")
        .port();
    let refused = scenario(
        &sandbox,
        &format!(
            "  - id: health\n    request: {{ url: \"http://127.0.0.1:{closed_port}/health\" }}"
        ),
        "load:\n  model: closed\n  concurrency: 2\n  requests: 6",
    );
    let observations = run_with_defaults(&refused).await;
    only(&load_of(&observations).total, "connect");

    // A certificate nobody trusts: tls.
    let mut untrusted = scenario(
        &sandbox,
        HEALTH,
        "load:\n  model: closed\n  concurrency: 1\n  requests: 2",
    );
    untrusted.connection.ca_files.clear();
    let observations = run_with_defaults(&untrusted).await;
    let load = load_of(&observations);
    only(&load.total, "tls");
    assert!(
        load.error_examples["tls"].contains("certificate"),
        "{:?}",
        load.error_examples
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interrupted_load_still_reports_what_it_measured() {
    let sandbox = start_sandbox().await;
    let scenario = scenario(
        &sandbox,
        HEALTH,
        "load:\n  model: closed\n  concurrency: 2\n  duration: 30s",
    );
    let cancel = Cancel::default();
    let stopper = cancel.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(800)).await;
        stopper.cancel();
    });
    let started = Instant::now();
    let observations = run_scenario(
        &scenario,
        &RunSettings::default(),
        &cancel,
        &Events::default(),
    )
    .await
    .expect("run");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "stopped promptly"
    );
    assert!(!observations.complete);
    let load = load_of(&observations);
    assert!(!load.complete);
    assert!(load.total.requests > 0);
    assert_counts_add_up(&load.total);
    let report = scenario_report(&scenario, &observations, &RunContext::default());
    assert!(!report.complete);
    let block = report.load.expect("load block");
    assert!(block.interrupted);
    assert_eq!(block.requests, load.total.requests);
    sandbox.shutdown().await;
}

/// A hand-made load result: probe `a` with 95 responses at 1 ms and 5 at 2 ms (one
/// of them a 503), probe `b` with nothing; a 10 s window.
fn handmade_load() -> LoadResult {
    let mut latency = LatencyHistogram::new();
    for i in 0..100 {
        latency.record(Duration::from_millis(if i < 95 { 1 } else { 2 }));
    }
    let tally = LoadTally {
        requests: 100,
        responses: 100,
        failed: 1,
        dropped: 0,
        errors: [("http_5xx".to_string(), 1)].into(),
        latency,
        phases: Default::default(),
    };
    LoadResult {
        target_rate: Some(10.0),
        concurrency: 8,
        warmup: Duration::ZERO,
        window: Duration::from_secs(10),
        total: tally.clone(),
        per_probe: vec![
            ProbeLoad {
                id: "a".into(),
                weight: 1,
                tally,
            },
            ProbeLoad {
                id: "b".into(),
                weight: 1,
                tally: LoadTally::default(),
            },
        ],
        warmup_requests: 0,
        error_examples: Default::default(),
        first_failures: Default::default(),
        achieved_rate: Some(10.0),
        complete: true,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_thresholds_hold_at_their_boundaries() {
    let sandbox = start_sandbox().await;
    use ThresholdStatus::{Fail, Pass};
    let thresholds = [
        ("latency.p95", "max: 1ms", Pass),
        ("latency.p95", "max: 0.999ms", Fail),
        ("latency.p99", "max: 2ms", Pass),
        ("latency.max", "max: 1.999ms", Fail),
        ("latency.min", "min: 1ms", Pass),
        ("error_rate", "max: 1%", Pass),
        ("error_rate", "max: 0.99%", Fail),
        ("throughput", "min: 10/s", Pass),
        ("throughput", "min: 10.01/s", Fail),
    ];
    let mut yaml =
        String::from("load:\n  probes: [a, b]\n  rate: 10/s\n  duration: 10s\nthresholds:\n");
    for (metric, bound, _) in &thresholds {
        yaml.push_str(&format!("  - {{ metric: {metric}, {bound} }}\n"));
    }
    yaml.push_str("  - { metric: error_rate, probe: a, max: 1% }\n");
    yaml.push_str("  - { metric: latency.p95, probe: b, max: 1s }\n");
    let probes =
        "  - id: a\n    request: { path: /health }\n  - id: b\n    request: { path: /health }";
    let scenario = scenario(&sandbox, probes, &yaml);
    let settings = RunSettings {
        no_load: true,
        ..RunSettings::default()
    };
    let mut observations = run_with(&scenario, &settings).await;

    // --no-load: load figures are skipped, not failed.
    let skipped = judge::thresholds::evaluate(&scenario, &observations);
    assert!(
        skipped.iter().all(|t| t.status == ThresholdStatus::Skipped),
        "{skipped:#?}"
    );
    assert!(
        skipped
            .iter()
            .all(|t| t.reason.as_deref() == Some("--no-load"))
    );

    observations.load = Some(handmade_load());
    observations.phases.load = PhaseStatus::Ran;
    let results = judge::thresholds::evaluate(&scenario, &observations);
    for (result, (metric, bound, expected)) in results.iter().zip(&thresholds) {
        assert_eq!(&result.status, expected, "{metric} {bound}: {result:#?}");
        assert_eq!(result.source, Some(FigureSource::Load));
    }
    let per_probe_a = &results[thresholds.len()];
    assert_eq!(per_probe_a.status, ThresholdStatus::Pass);
    assert_eq!(per_probe_a.actual, Some(0.01));
    // Probe b has no complete response: no data, which fails.
    let per_probe_b = &results[thresholds.len() + 1];
    assert_eq!(
        per_probe_b.status,
        ThresholdStatus::Fail,
        "{per_probe_b:#?}"
    );
    assert_eq!(per_probe_b.reason.as_deref(), Some("no data"));
    sandbox.shutdown().await;
}
