//! `--format` and the report folder: all four files by default, each written
//! atomically; only the four report names are cleared before writing; the Markdown
//! summary is appended to `$GITHUB_STEP_SUMMARY` whatever `--format` says.

use std::path::Path;
use std::process::{Command, Output};

use sandbox::{Sandbox, SandboxConfig};

const SCENARIO: &str = r#"
version: 1
service:
  id: format-check
  base_url: https://dukcapil.contohkab.go.id:${env:UJILAB_SANDBOX_HTTPS_PORT}
defaults:
  resolve: { dukcapil.contohkab.go.id: 127.0.0.1 }
  tls: { ca_file: "${env:UJILAB_SANDBOX_CA}" }
probes:
  - id: health
    request: { path: /health }
    expect: { status: 200 }
"#;

fn files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("out dir")
        .map(|entry| {
            entry
                .expect("entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    names.sort();
    names
}

async fn ujilab(sandbox: &Sandbox, args: Vec<String>, summary: &Path) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ujilab"));
    command
        .env_remove("RUST_LOG")
        .env("NO_COLOR", "1")
        .env("GITHUB_STEP_SUMMARY", summary)
        .envs(sandbox.env())
        .args(args);
    tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("join")
        .expect("ujilab runs")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_four_by_default_a_chosen_few_on_request() {
    run::client::install_crypto_provider();
    let sandbox = Sandbox::start(SandboxConfig::ephemeral())
        .await
        .expect("sandbox starts");
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = dir.path().join("check.yaml");
    std::fs::write(&scenario, SCENARIO).expect("write scenario");
    let out = dir.path().join("out");
    let summary = dir.path().join("step-summary.md");
    std::fs::write(&summary, "earlier step\n").expect("write summary");
    let args = |extra: &[&str]| -> Vec<String> {
        let mut args: Vec<String> = ["run", "--no-progress", "--lang", "id", "--out"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        args.push(out.display().to_string());
        args.extend(extra.iter().map(|s| s.to_string()));
        args.push(scenario.display().to_string());
        args
    };

    let output = ujilab(&sandbox, args(&[]), &summary).await;
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(
        files(&out),
        ["junit.xml", "report.html", "report.json", "summary.md"]
    );
    let html = std::fs::read_to_string(out.join("report.html")).expect("html");
    assert!(html.starts_with("<!DOCTYPE html>") && html.contains("<html lang=\"id\">"));
    let markdown = std::fs::read_to_string(out.join("summary.md")).expect("md");
    assert!(
        markdown.contains("| `format-check` | ✅ LULUS |"),
        "{markdown}"
    );
    let appended = std::fs::read_to_string(&summary).expect("summary");
    assert_eq!(appended, format!("earlier step\n{markdown}"));
    crate::reports::junit::assert_valid(
        &std::fs::read_to_string(out.join("junit.xml")).expect("xml"),
    );

    // Only JSON asked for: the other report names are cleared, other files kept,
    // and the step summary still gets the Markdown.
    std::fs::write(out.join("notes.txt"), "keep me").expect("write");
    let output = ujilab(&sandbox, args(&["--format", "json"]), &summary).await;
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(files(&out), ["notes.txt", "report.json"]);
    let appended = std::fs::read_to_string(&summary).expect("summary");
    assert_eq!(appended.matches("format-check").count(), 2, "{appended}");

    let output = ujilab(&sandbox, args(&["--format", "md,junit"]), &summary).await;
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(files(&out), ["junit.xml", "notes.txt", "summary.md"]);

    // An unknown format is bad input, before anything is sent.
    let output = ujilab(&sandbox, args(&["--format", "json,pdf"]), &summary).await;
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("--format pdf") && stderr.contains("json, html, junit"),
        "{stderr}"
    );
    sandbox.shutdown().await;
}
