//! Probes for real services (issue 15), through the real binary against the
//! sandbox on 127.0.0.1: phase timings (a slow TLS terminator shows in the `tls`
//! phase, per redirect hop, under load, in thresholds and `diff`), the request
//! trace of `-v`/`-vv` (redacted) and the progress lines a CI log gets.

use std::path::Path;
use std::time::Duration;

use observe::latency::LatencyHistogram;
use sandbox::{Knobs, Sandbox};
use serde_json::Value;

use crate::support::{
    assert_exit_code, run_command_off_runtime, start_sandbox, text, ujilab_command,
};

/// The sandbox's TLS terminator waits this long before it reads a client's hello.
const SLOW_HANDSHAKE: Duration = Duration::from_millis(300);

/// A token sent in a header: no trace line may show it.
const TOKEN: &str = "Tkn-7Qv9-rahasia";

const HEAD: &str = r#"version: 1
service:
  id: fase
  base_url: "https://dukcapil.contohkab.go.id:${env:UJILAB_SANDBOX_HTTPS_PORT}"
secrets:
  token: UJI_PROBES_TOKEN
defaults:
  resolve: { dukcapil.contohkab.go.id: 127.0.0.1 }
  tls: { ca_file: "${env:UJILAB_SANDBOX_CA}" }
  headers: { X-Api-Key: "${token}" }
"#;

/// The http URL redirects to https: its first hop opens a plain connection, its
/// second the (slow) TLS one, which `health` then reuses.
const PROBES: &str = r#"probes:
  - id: http-ke-https
    request: { url: "http://dukcapil.contohkab.go.id:${env:UJILAB_SANDBOX_HTTP_PORT}/health" }
  - id: health
    request: { path: /health }
"#;

async fn run(sandbox: &Sandbox, yaml: &str, dir: &Path, extra: &[&str]) -> std::process::Output {
    std::fs::write(dir.join("scenario.yaml"), yaml).expect("write scenario");
    let mut command = ujilab_command();
    command
        .arg("run")
        .arg(dir.join("scenario.yaml"))
        .arg("--out")
        .arg(dir.join("out"))
        .args(["--lang", "en", "--format", "json,html"])
        .args(extra)
        .envs(sandbox.env())
        .env("UJI_PROBES_TOKEN", TOKEN)
        .env_remove("GITHUB_ACTIONS");
    run_command_off_runtime(command).await
}

fn report(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("out/report.json")).expect("report.json");
    serde_json::from_str(&text).expect("json")
}

fn probe<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["scenarios"][0]["probes"]
        .as_array()
        .expect("probes")
        .iter()
        .find(|probe| probe["id"] == id)
        .unwrap_or_else(|| panic!("probe {id} in {report:#}"))
}

fn threshold<'a>(report: &'a Value, metric: &str, probe: Option<&str>) -> &'a Value {
    report["scenarios"][0]["thresholds"]
        .as_array()
        .expect("thresholds")
        .iter()
        .find(|t| t["metric"] == metric && t["probe"].as_str() == probe)
        .unwrap_or_else(|| panic!("threshold {metric} in {report:#}"))
}

fn ms(value: &Value) -> f64 {
    value
        .as_f64()
        .unwrap_or_else(|| panic!("a number of milliseconds, got {value}"))
}

fn slow_tls(sandbox: &Sandbox) {
    sandbox.set_knobs(Knobs::new().with_handshake_delay(SLOW_HANDSHAKE));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_handshake_shows_in_the_tls_phase_of_its_hop_and_in_thresholds() {
    let sandbox = start_sandbox().await;
    slow_tls(&sandbox);
    let dir = tempfile::tempdir().expect("tempdir");
    let yaml = format!(
        "{HEAD}{PROBES}thresholds:
  - {{ metric: latency.tls.max, max: 100ms }}
  - {{ metric: latency.ttfb.max, max: 10s }}
  - {{ metric: latency.tls.max, probe: health, max: 10s }}
  - {{ metric: latency.dns.p95, max: 1s }}
"
    );
    let output = run(&sandbox, &yaml, dir.path(), &[]).await;
    // The slow handshake fails `latency.tls.max`; so do the thresholds on phases
    // nothing measured.
    assert_exit_code(&output, 1);
    let report = report(dir.path());
    let slow = SLOW_HANDSHAKE.as_secs_f64() * 1000.0;

    let redirected = probe(&report, "http-ke-https");
    let hop = &redirected["redirects"][0]["timings"];
    assert!(ms(&hop["connect_ms"]) < slow, "{hop}");
    assert!(
        hop.get("tls_ms").is_none(),
        "plain http has no handshake: {hop}"
    );
    assert!(
        hop.get("dns_ms").is_none(),
        "a pinned host is not looked up: {hop}"
    );
    let last = &redirected["timings"];
    assert!(ms(&last["tls_ms"]) >= slow, "{last}");
    assert!(ms(&last["ttfb_ms"]) >= ms(&last["tls_ms"]), "{last}");
    let parts = ms(&last["connect_ms"]) + ms(&last["tls_ms"]) + ms(&last["wait_ms"]);
    assert!((parts - ms(&last["ttfb_ms"])).abs() < 0.01, "{last}");
    assert!(ms(&last["total_ms"]) >= ms(&last["ttfb_ms"]), "{last}");

    let reused = &probe(&report, "health")["timings"];
    assert!(reused.get("connect_ms").is_none(), "{reused}");
    assert!(reused.get("tls_ms").is_none(), "{reused}");
    assert!(ms(&reused["ttfb_ms"]) < slow, "{reused}");

    let tls = threshold(&report, "latency.tls.max", None);
    assert_eq!(tls["status"], "fail", "{tls}");
    assert!(tls["actual"].as_f64().expect("actual") >= SLOW_HANDSHAKE.as_secs_f64());
    assert_eq!(
        threshold(&report, "latency.ttfb.max", None)["status"],
        "pass"
    );
    for (metric, probe) in [
        ("latency.tls.max", Some("health")),
        ("latency.dns.p95", None),
    ] {
        let no_data = threshold(&report, metric, probe);
        assert_eq!(no_data["status"], "fail", "{no_data}");
        assert_eq!(no_data["reason"], "no data", "{no_data}");
    }
    let phases = &report["scenarios"][0]["probe_figures"]["phases"];
    assert!(ms(&phases["tls"]["latency_ms"]["min"]) >= slow, "{phases}");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn load_keeps_a_histogram_per_phase_and_diff_compares_them() {
    let sandbox = start_sandbox().await;
    let load = "load:
  probes: [health]
  model: closed
  concurrency: 1
  requests: 20
";
    let yaml = format!("{HEAD}{PROBES}{load}");
    let fast = tempfile::tempdir().expect("tempdir");
    assert_exit_code(&run(&sandbox, &yaml, fast.path(), &[]).await, 0);
    slow_tls(&sandbox);
    let slow = tempfile::tempdir().expect("tempdir");
    assert_exit_code(&run(&sandbox, &yaml, slow.path(), &[]).await, 0);

    let load = &report(slow.path())["scenarios"][0]["load"];
    let count = |phase: &str| {
        let encoded = load["phases"][phase]["histogram"]
            .as_str()
            .unwrap_or_else(|| panic!("phase {phase} in {load:#}"));
        LatencyHistogram::decode(encoded)
            .expect("histogram")
            .count()
    };
    // One user, one connection: its connect and handshake once, every request's
    // time to first byte.
    assert_eq!(count("connect"), 1);
    assert_eq!(count("tls"), 1);
    assert_eq!(count("ttfb"), 20);
    assert_eq!(count("transfer"), 20);
    let tls_ms = ms(&load["phases"]["tls"]["latency_ms"]["max"]);
    assert!(tls_ms >= SLOW_HANDSHAKE.as_secs_f64() * 1000.0, "{tls_ms}");
    assert!(
        load["per_probe"]["health"]["phases"]["ttfb"].is_object(),
        "{load:#}"
    );

    let mut command = ujilab_command();
    command
        .args(["diff", "--lang", "en", "--all"])
        .arg(fast.path().join("out/report.json"))
        .arg(slow.path().join("out/report.json"));
    let diff = run_command_off_runtime(command).await;
    let shown = text(&diff.stdout);
    assert!(shown.contains("tls p95"), "{shown}");
    assert!(shown.contains("ttfb p95"), "{shown}");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verbose_traces_each_exchange_redacted_and_a_log_gets_phase_lines() {
    let sandbox = start_sandbox().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let yaml = format!("{HEAD}{PROBES}");

    let quiet = run(&sandbox, &yaml, dir.path(), &[]).await;
    assert_exit_code(&quiet, 0);
    let log = text(&quiet.stderr);
    assert!(!log.contains("GET https://"), "no trace without -v: {log}");
    assert!(log.contains("fase: probes started (2)"), "{log}");
    assert!(log.contains("fase: probes done in"), "{log}");
    assert!(log.contains("fase: finished in"), "{log}");
    assert!(!log.contains("::group::"), "{log}");

    let verbose = run(&sandbox, &yaml, dir.path(), &["-v"]).await;
    assert_exit_code(&verbose, 0);
    let trace = text(&verbose.stderr);
    let port = sandbox.https_port();
    assert!(
        trace.contains(&format!(
            "probe health: GET https://dukcapil.contohkab.go.id:{port}/health -> 200"
        )),
        "{trace}"
    );
    assert!(trace.contains("-> 301 (redirect to https://"), "{trace}");
    assert!(trace.contains("ttfb "), "{trace}");
    assert!(
        !trace.contains("content-type: application/json"),
        "headers only at -vv"
    );

    let very = run(&sandbox, &yaml, dir.path(), &["-vv"]).await;
    assert_exit_code(&very, 0);
    let trace = text(&very.stderr);
    assert!(trace.contains("content-type: application/json"), "{trace}");
    assert!(trace.to_lowercase().contains("x-api-key: ***"), "{trace}");
    assert!(trace.contains(r#"body {"status":"UP""#), "{trace}");
    for output in [&quiet, &verbose, &very] {
        for stream in [&output.stdout, &output.stderr] {
            assert!(!text(stream).contains(TOKEN), "the token leaked");
        }
    }

    let mut command = ujilab_command();
    std::fs::write(dir.path().join("scenario.yaml"), &yaml).expect("write");
    command
        .arg("run")
        .arg(dir.path().join("scenario.yaml"))
        .arg("--out")
        .arg(dir.path().join("gha"))
        .args(["--lang", "id"])
        .envs(sandbox.env())
        .env("UJI_PROBES_TOKEN", TOKEN)
        .env("GITHUB_ACTIONS", "true");
    let grouped = run_command_off_runtime(command).await;
    assert_exit_code(&grouped, 0);
    let log = text(&grouped.stderr);
    let open = log.find("::group::ujilab fase").expect("a group");
    let close = log.find("::endgroup::").expect("its end");
    let started = log
        .find("fase: uji fungsi dimulai (2 probe)")
        .expect("in Indonesian");
    assert!(open < started && started < close, "{log}");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_retried_probe_keeps_every_try_and_one_that_fails_every_try_fails() {
    let sandbox = start_sandbox().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let yaml = format!(
        r#"{HEAD}probes:
  - id: flaky
    request: {{ path: /uji/flaky/a }}
    retry: {{ attempts: 3, delay: 100ms, on: [5xx] }}
  - id: flaky-without-retry
    request: {{ path: /uji/flaky/b }}
  - id: down
    request: {{ path: /uji/down }}
    retry: {{ attempts: "${{env:UJI_RETRIES}}", delay: 50ms }}
  - id: not-found
    request: {{ path: /uji/none }}
    expect: {{ status: 200 }}
    retry: {{ attempts: 3, delay: 50ms }}
thresholds:
  - {{ metric: error_rate, source: probes, max: 0% }}
"#
    );
    std::fs::write(dir.path().join("scenario.yaml"), &yaml).expect("write");
    let mut command = ujilab_command();
    command
        .arg("run")
        .arg(dir.path().join("scenario.yaml"))
        .arg("--out")
        .arg(dir.path().join("out"))
        .args(["--lang", "en", "--format", "json,html", "--no-progress"])
        .envs(sandbox.env())
        .env("UJI_PROBES_TOKEN", TOKEN)
        .env("UJI_RETRIES", "3");
    let output = run_command_off_runtime(command).await;
    assert_exit_code(&output, 1);
    let report = report(dir.path());

    let flaky = probe(&report, "flaky");
    assert_eq!(flaky["passed"], true, "{flaky:#}");
    assert_eq!(flaky["retried"], true);
    assert_eq!(flaky["status"], 200);
    let earlier = flaky["earlier_attempts"].as_array().expect("the first try");
    assert_eq!(earlier.len(), 1);
    assert_eq!(earlier[0]["status"], 503);
    assert!(earlier[0]["timings"]["ttfb_ms"].is_number(), "{flaky:#}");

    let once = probe(&report, "flaky-without-retry");
    assert_eq!(
        (once["passed"].clone(), once["status"].clone()),
        (false.into(), 503.into())
    );
    assert!(once.get("retried").is_none() && once.get("earlier_attempts").is_none());

    // Every try failed: the probe fails, with each try kept.
    let down = probe(&report, "down");
    assert_eq!(down["passed"], false);
    assert_eq!(down["status"], 503);
    assert_eq!(down["earlier_attempts"].as_array().map(Vec::len), Some(2));

    // A 404 is an answer, not a failure `on:` names: sent once.
    let missing = probe(&report, "not-found");
    assert_eq!(missing["passed"], false);
    assert!(missing.get("earlier_attempts").is_none(), "{missing:#}");

    // The first tries count in the probes' error rate: 6 of 7 requests failed.
    let errors = threshold(&report, "error_rate", None);
    assert_eq!(errors["status"], "fail", "{errors}");
    let rate = errors["actual"].as_f64().expect("actual");
    assert!((rate - 6.0 / 7.0).abs() < 1e-9, "{rate}");

    let html = std::fs::read_to_string(dir.path().join("out/report.html")).expect("html");
    assert!(
        html.contains("after 2 tries"),
        "the retried probe is marked"
    );
    assert!(
        html.contains("Request phases") && html.contains("<rect x="),
        "a waterfall"
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_retry_is_bad_input_at_its_position() {
    let sandbox = start_sandbox().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let yaml = format!(
        r#"{HEAD}probes:
  - id: health
    request: {{ path: /health }}
    retry: {{ attempts: "${{env:UJI_RETRIES}}", on: [conect] }}
"#
    );
    std::fs::write(dir.path().join("scenario.yaml"), &yaml).expect("write");
    let line = yaml
        .lines()
        .position(|l| l.contains("retry:"))
        .expect("line")
        + 1;
    let mut command = ujilab_command();
    command
        .arg("run")
        .arg(dir.path().join("scenario.yaml"))
        .arg("--out")
        .arg(dir.path().join("out"))
        .args(["--lang", "en", "--no-progress"])
        .envs(sandbox.env())
        .env("UJI_PROBES_TOKEN", TOKEN)
        .env("UJI_RETRIES", "lots");
    let output = run_command_off_runtime(command).await;
    assert_exit_code(&output, 2);
    let said = text(&output.stderr);
    assert!(said.contains(&format!("scenario.yaml:{line}:")), "{said}");
    assert!(
        said.contains("`${env:UJI_RETRIES}` does not give a whole number once interpolated"),
        "{said}"
    );
    assert!(
        !said.contains("lots"),
        "the interpolated value is not quoted: {said}"
    );
    assert!(
        said.contains("`conect` is not a failure a probe can be retried on"),
        "{said}"
    );
    assert!(said.contains("connect"), "{said}");
    assert_eq!(
        sandbox.requests_seen(sandbox::Service::Dukcapil),
        0,
        "nothing was sent"
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn basic_and_bearer_auth_reach_guarded_data_wrong_ones_fail_and_nothing_leaks() {
    use base64::Engine as _;
    let sandbox = start_sandbox().await;
    let yaml = r#"version: 1
service:
  id: auth
  base_url: "https://dukcapil.contohkab.go.id:${env:UJILAB_SANDBOX_HTTPS_PORT}"
secrets:
  api_password: UJI_BASIC_PASSWORD
  api_token: UJI_BEARER_TOKEN
defaults:
  resolve: { dukcapil.contohkab.go.id: 127.0.0.1 }
  tls: { ca_file: "${env:UJILAB_SANDBOX_CA}" }
  auth:
    basic: { username: pemda-contoh, password: "${api_password}" }
probes:
  - id: basic
    request: { path: /uji/basic }
    expect: { status: 200 }
  - id: bearer
    request: { path: /uji/bearer }
    auth: { bearer: "${api_token}" }
    expect: { status: 200 }
  - id: basic-where-bearer-is-wanted
    request: { path: /uji/bearer }
    expect: { status: 200 }
"#;
    let (password, token) = ("sandi-Basic-9931", "tkn-Bearer-5521-contoh");
    let credential =
        base64::engine::general_purpose::STANDARD.encode(format!("pemda-contoh:{password}"));
    for (wrong, expected) in [(false, [true, true, false]), (true, [false, false, false])] {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("scenario.yaml"), yaml).expect("write");
        let (password, token) = if wrong {
            ("sandi-salah-0000", "tkn-salah-0000")
        } else {
            (password, token)
        };
        let mut command = ujilab_command();
        command
            .arg("run")
            .arg(dir.path().join("scenario.yaml"))
            .arg("--out")
            .arg(dir.path().join("out"))
            .args(["--lang", "en", "-vv"])
            .envs(sandbox.env())
            .env("UJI_BASIC_PASSWORD", password)
            .env("UJI_BEARER_TOKEN", token);
        let output = run_command_off_runtime(command).await;
        assert_exit_code(&output, 1);
        let report = report(dir.path());
        for (id, passes) in ["basic", "bearer", "basic-where-bearer-is-wanted"]
            .into_iter()
            .zip(expected)
        {
            let probe = probe(&report, id);
            assert_eq!(
                probe["passed"], passes,
                "{id} (wrong secrets: {wrong}): {probe:#}"
            );
            if !passes {
                assert_eq!(probe["status"], 401, "{probe:#}");
            }
            let sent = probe["request_headers"].to_string();
            assert!(sent.contains(r#"["Authorization","***"]"#), "{sent}");
        }
        let mut written = vec![text(&output.stdout), text(&output.stderr)];
        for file in ["report.json", "report.html", "junit.xml", "summary.md"] {
            written.push(std::fs::read_to_string(dir.path().join("out").join(file)).expect(file));
        }
        for text in &written {
            for secret in [password, token, credential.as_str()] {
                assert!(!text.contains(secret), "a credential leaked");
            }
        }
    }
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cookie_a_header_pattern_and_a_body_pattern_are_captured_and_used() {
    let sandbox = start_sandbox().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let yaml = format!(
        r#"{HEAD}probes:
  - id: login
    request: {{ path: /uji/login }}
    capture:
      sesi: {{ cookie: sesi_uji }}
      kunci: {{ header: x-request-token, pattern: "token=([^;]+)" }}
      tiket: {{ body: "Nomor tiket: (TKT-\\d+)" }}
  - id: check
    request: {{ path: "/uji/check/${{sesi}}/${{kunci}}/${{tiket}}" }}
    expect: {{ status: 200 }}
  - id: login-again
    request: {{ path: /uji/login }}
    capture:
      nothing: {{ cookie: tidak_ada }}
  - id: uses-nothing
    request: {{ path: "/uji/check/${{nothing}}/x/y" }}
"#
    );
    let output = run(&sandbox, &yaml, dir.path(), &[]).await;
    assert_exit_code(&output, 1);
    let report = report(dir.path());
    assert_eq!(probe(&report, "login")["passed"], true);
    // The check answers 200 only to the exact session, token and ticket.
    let check = probe(&report, "check");
    assert_eq!(check["passed"], true, "{check:#}");
    assert_eq!(check["status"], 200);
    let again = probe(&report, "login-again");
    assert_eq!(again["passed"], false, "a capture that finds nothing fails");
    assert_eq!(probe(&report, "uses-nothing")["outcome"], "skipped");
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn numbers_and_statuses_come_from_the_environment_checked_where_written() {
    let sandbox = start_sandbox().await;
    let yaml = format!(
        r#"{HEAD}probes:
  - id: health
    request: {{ path: /health }}
    expect: {{ status: "${{env:UJI_STATUS:-200}}" }}
availability:
  probes: [health]
  every: 50ms
  samples: "${{env:UJI_SAMPLES}}"
load:
  probes: [health]
  model: closed
  concurrency: "${{env:UJI_USERS:-2}}"
  requests: "${{env:UJI_REQUESTS}}"
"#
    );
    let run_with = |samples: &str, status: Option<&str>| {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("scenario.yaml"), &yaml).expect("write");
        let mut command = ujilab_command();
        command
            .arg("run")
            .arg(dir.path().join("scenario.yaml"))
            .arg("--out")
            .arg(dir.path().join("out"))
            .args(["--lang", "en", "--format", "json", "--no-progress"])
            .envs(sandbox.env())
            .env("UJI_PROBES_TOKEN", TOKEN)
            .env("UJI_SAMPLES", samples)
            .env("UJI_REQUESTS", "7");
        if let Some(status) = status {
            command.env("UJI_STATUS", status);
        }
        (dir, command)
    };

    let (dir, command) = run_with("3", None);
    let output = run_command_off_runtime(command).await;
    assert_exit_code(&output, 0);
    let first = report(dir.path());
    let scenario = &first["scenarios"][0];
    assert_eq!(scenario["availability"]["samples"], 3, "{scenario:#}");
    assert_eq!(scenario["load"]["requests"], 7);
    assert_eq!(scenario["load"]["concurrency"], 2);

    // The status the environment asks for is the one checked.
    let (dir, command) = run_with("3", Some("404"));
    assert_exit_code(&run_command_off_runtime(command).await, 1);
    assert_eq!(probe(&report(dir.path()), "health")["passed"], false);

    let (_dir, command) = run_with("banyak", None);
    let output = run_command_off_runtime(command).await;
    assert_exit_code(&output, 2);
    let said = text(&output.stderr);
    let line = yaml
        .lines()
        .position(|l| l.contains("samples:"))
        .expect("line")
        + 1;
    assert!(said.contains(&format!("scenario.yaml:{line}:")), "{said}");
    assert!(
        said.contains("`${env:UJI_SAMPLES}` does not give a whole number once interpolated"),
        "{said}"
    );
    assert!(!said.contains("banyak"), "{said}");
    sandbox.shutdown().await;
}
