//! A hostile service (the sandbox's hostile-markup knob: `<script>`, an attribute
//! breakout with `onerror`, and `javascript:` links, in headers and bodies) run
//! through the real binary: every report shows what it sent as text, and in the
//! browser no script runs.

use std::path::Path;
use std::process::Command;

use sandbox::{Behaviour, Sandbox, SandboxConfig, Service};

use crate::reports::{browser, fixture, junit};

const SCENARIO: &str = r#"
version: 1
service:
  id: hostile-dukcapil
  name: "Layanan yang bermusuhan"
  base_url: https://dukcapil.contohkab.go.id:${env:UJILAB_SANDBOX_HTTPS_PORT}
defaults:
  resolve: { dukcapil.contohkab.go.id: 127.0.0.1 }
  tls: { ca_file: "${env:UJILAB_SANDBOX_CA}" }
probes:
  - id: beranda
    request: { path: / }
    expect:
      status: 200
      body: { contains: "<textarea" }
      headers:
        x-note: aman
  - id: health
    request: { path: /health, headers: { Accept: application/json } }
    expect:
      json:
        $.catatan: aman
        $.tautan: aman
thresholds:
  - metric: latency.p95
    max: 5s
"#;

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|error| panic!("{name}: {error}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_service_is_shown_as_text_everywhere() {
    run::client::install_crypto_provider();
    let sandbox = Sandbox::start(SandboxConfig::ephemeral())
        .await
        .expect("sandbox starts");
    sandbox.set_behaviour(Service::Dukcapil, Behaviour::new().with_hostile_markup());
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = dir.path().join("hostile.yaml");
    std::fs::write(&scenario, SCENARIO).expect("write scenario");
    let out = dir.path().join("out");
    let step_summary = dir.path().join("step-summary.md");
    let mut command = Command::new(env!("CARGO_BIN_EXE_ujilab"));
    command
        .env_remove("RUST_LOG")
        .env("NO_COLOR", "1")
        .env("GITHUB_STEP_SUMMARY", &step_summary)
        .envs(sandbox.env())
        .args(["run", "--no-progress", "--lang", "en", "--out"])
        .arg(&out)
        .arg(&scenario);
    let output = tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("join")
        .expect("ujilab runs");
    sandbox.shutdown().await;
    assert_eq!(
        output.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    // The hostile strings did reach the report: the test is not vacuous.
    let json = read(&out, "report.json");
    for payload in [
        fixture::HOSTILE_SCRIPT,
        fixture::HOSTILE_LINK,
        "onerror=alert(1)",
    ] {
        let encoded = serde_json::to_string(payload).expect("json");
        assert!(
            json.contains(encoded.trim_matches('"')),
            "{payload} is not in report.json"
        );
    }

    // report.html: escaped in the source, shown as text, no script runs.
    let html = read(&out, "report.html");
    assert!(!html.contains("<script"), "a script element in report.html");
    assert!(!html.contains("<img"), "an img element in report.html");
    assert!(
        !html.to_lowercase().contains("href=\"javascript"),
        "a javascript: link"
    );
    // askama writes numeric references.
    assert!(
        html.contains("&#60;script&#62;alert(1)&#60;/script&#62;"),
        "not shown as text"
    );
    assert!(
        !html.contains("href=\"https://dukcapil"),
        "a service URL as a link"
    );
    if let Some(binary) = browser::chromium() {
        let visit = browser::visit(&binary, &out.join("report.html"));
        browser::assert_clean(&visit);
        let text = visit.dom["text"].as_str().expect("text");
        for payload in [
            fixture::HOSTILE_SCRIPT,
            fixture::HOSTILE_ATTRIBUTE,
            fixture::HOSTILE_LINK,
        ] {
            assert!(text.contains(payload), "`{payload}` is not shown as text");
        }
    }

    // summary.md: inert text, also appended to the CI step summary.
    let markdown = read(&out, "summary.md");
    assert!(!markdown.contains("<script"), "{markdown}");
    assert!(!markdown.contains("<img"), "{markdown}");
    assert!(
        markdown.contains("&lt;script>alert(1)&lt;/script>"),
        "{markdown}"
    );
    assert_eq!(
        read(&out, "summary.md"),
        read(dir.path(), "step-summary.md")
    );

    // junit.xml: valid, escaped, the expectations listed with expected and actual.
    let xml = read(&out, "junit.xml");
    junit::assert_valid(&xml);
    assert!(!xml.contains("<script"), "{xml}");
    assert!(
        xml.contains("$.catatan: expected &quot;aman&quot;, actual &quot;&lt;script&gt;"),
        "{xml}"
    );
}
