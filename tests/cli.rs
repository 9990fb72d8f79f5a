//! The binary as users and CI meet it: commands, exit codes, report files.
//! Services are the in-process sandbox on 127.0.0.1; nothing else is contacted.

use std::path::Path;
use std::process::Command;
use std::time::Duration;

use crate::support::{
    assert_exit_code, run_command, run_command_off_runtime, start_sandbox, text, ujilab_command,
};
use serde_json::Value;

fn read_report(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("report.json")).expect("report.json written");
    serde_json::from_str(&text).expect("report.json is JSON")
}

fn scenario<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["scenarios"]
        .as_array()
        .and_then(|all| all.iter().find(|s| s["service"]["id"] == id))
        .unwrap_or_else(|| panic!("no scenario {id} in {report:#}"))
}

/// Every report the tool writes validates against `ujilab schema report`.
fn assert_valid_report(report: &Value) {
    let output = run_command(ujilab_command().args(["schema", "report"]));
    let schema: Value = serde_json::from_slice(&output.stdout).expect("the schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "report.json does not match its schema: {errors:#?}"
    );
}

#[test]
fn demo_runs_offline_and_reports() {
    let out = tempfile::tempdir().expect("temp dir");
    let output = run_command(
        ujilab_command()
            .args(["demo", "--no-progress", "--lang", "en", "--out"])
            .arg(out.path()),
    );
    assert_exit_code(&output, 0);
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("contohkab-dukcapil") && stdout.contains("FAIL"),
        "{stdout}"
    );
    let report = read_report(out.path());
    assert_valid_report(&report);
    assert_eq!(report["format"], "ujilab-report/1");
    assert_eq!(report["run"]["complete"], true);
    assert_eq!(scenario(&report, "contohkab-dukcapil")["gate"], "pass");
    assert_eq!(scenario(&report, "contohkab-perizinan")["gate"], "pass");
    let pengaduan = scenario(&report, "contohkab-pengaduan");
    assert_eq!(pengaduan["gate"], "fail");
    let reasons = pengaduan["gate_reasons"].to_string();
    assert!(reasons.contains("availability"), "{reasons}");
    // The capture from POST /verifikasi fed the next probe.
    let dukcapil = scenario(&report, "contohkab-dukcapil");
    let status_probe = dukcapil["probes"]
        .as_array()
        .and_then(|p| p.iter().find(|p| p["id"] == "status-verifikasi"))
        .expect("probe");
    assert_eq!(status_probe["passed"], true, "{status_probe:#}");
    assert_eq!(dukcapil["phases"]["load"]["status"], "ran");
    assert_eq!(dukcapil["load"]["requests"], 60, "20/s for 3 s");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_exits_1_when_a_gate_fails_and_2_on_bad_input() {
    let sandbox = start_sandbox().await;
    let out = tempfile::tempdir().expect("temp dir");
    let mut command = ujilab_command();
    command
        .envs(sandbox.env())
        .args(["run", "scenarios/demo", "--no-progress", "--out"])
        .arg(out.path());
    let output = run_command_off_runtime(command).await;
    assert_exit_code(&output, 1);
    assert_eq!(read_report(out.path())["gate"], "fail");

    // A bad file beside a good one: exit 2, and the good one still ran.
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("bad.yaml"), "version: 1\nservice: { id: bad, base_url: \"http://x.go.id\" }\nprobes:\n  - id: p\n    request: { path: /x }\n    tiemout: 1s\n").expect("write");
    std::fs::copy("scenarios/demo/dukcapil.yaml", dir.path().join("good.yaml")).expect("copy");
    let mut command = ujilab_command();
    command
        .envs(sandbox.env())
        .args(["run", "--no-progress", "--no-availability"])
        .arg(dir.path())
        .arg("--out")
        .arg(out.path());
    let output = run_command_off_runtime(command).await;
    assert_exit_code(&output, 2);
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("bad.yaml:6:5") && stderr.contains("did you mean `timeout`?"),
        "{stderr}"
    );
    let report = read_report(out.path());
    assert_valid_report(&report);
    let entries = report["scenarios"].as_array().expect("scenarios");
    assert_eq!(entries[0]["status"], "load_error");
    assert_eq!(entries[0]["errors"][0]["line"], 6);
    assert_eq!(entries[1]["status"], "ran");
    assert_eq!(entries[1]["gate"], "pass");

    // --strict: nothing is probed when anything failed to load.
    let mut command = ujilab_command();
    command
        .envs(sandbox.env())
        .args(["run", "--no-progress", "--strict"])
        .arg(dir.path())
        .arg("--out")
        .arg(out.path());
    let seen_before = sandbox.requests_seen(sandbox::Service::Dukcapil);
    let output = run_command_off_runtime(command).await;
    assert_eq!(output.status.code(), Some(2));
    assert_eq!(
        sandbox.requests_seen(sandbox::Service::Dukcapil),
        seen_before
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn secrets_never_reach_the_report_or_logs() {
    let sandbox = start_sandbox().await;
    let secret = "s3cr3t-Token+/=value";
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = r#"
version: 1
service:
  id: secret-case
  base_url: https://dukcapil.contohkab.go.id:${env:UJILAB_SANDBOX_HTTPS_PORT}
secrets:
  token: UJI_TOKEN
defaults:
  resolve: { dukcapil.contohkab.go.id: 127.0.0.1 }
  tls: { ca_file: "${env:UJILAB_SANDBOX_CA}" }
  headers: { Authorization: "Bearer ${token}", X-Api-Key: "${token}" }
probes:
  - id: in-query
    request: { path: /health, query: { key: "${token}" } }
  - id: in-path-and-body
    request:
      method: POST
      path: "/api/v1/verifikasi/${token}"
      json: { nik: "${token}" }
    expect: { body: { contains: "${token}" } }
"#;
    std::fs::write(dir.path().join("secret.yaml"), scenario).expect("write");
    let out = tempfile::tempdir().expect("temp dir");
    let mut command = ujilab_command();
    command
        .envs(sandbox.env())
        .env("UJI_TOKEN", secret)
        .args(["run", "--no-progress", "-vv"])
        .arg(dir.path())
        .arg("--out")
        .arg(out.path());
    let output = run_command_off_runtime(command).await;
    let report = std::fs::read_to_string(out.path().join("report.json")).expect("report");
    let encoded = ["s3cr3t-Token%2B%2F%3Dvalue", "s3cr3t-Token+/=value"];
    for form in encoded {
        assert!(!report.contains(form), "report leaks {form}");
        assert!(!text(&output.stdout).contains(form), "stdout leaks {form}");
        assert!(!text(&output.stderr).contains(form), "logs leak {form}");
    }
    assert!(report.contains("***"), "redaction marks are visible");
    sandbox.shutdown().await;
}

#[test]
fn validate_checks_without_sending_and_schema_prints() {
    let output = run_command(ujilab_command().args(["validate", "scenarios/demo"]));
    assert_exit_code(&output, 0);
    let schema = run_command(ujilab_command().args(["schema", "scenario"]));
    let schema: Value = serde_json::from_slice(&schema.stdout).expect("scenario schema is JSON");
    let validator = jsonschema::validator_for(&schema).expect("valid schema");
    for file in ["dukcapil", "perizinan", "pengaduan"] {
        let yaml = std::fs::read_to_string(format!("scenarios/demo/{file}.yaml")).expect("read");
        let document: Value = serde_saphyr::from_str(&yaml).expect("YAML");
        let errors: Vec<String> = validator
            .iter_errors(&document)
            .map(|e| e.to_string())
            .collect();
        assert!(errors.is_empty(), "{file}: {errors:?}");
    }
    let missing = run_command(ujilab_command().args(["validate", "no/such/file.yaml"]));
    assert_eq!(missing.status.code(), Some(2));
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_writes_an_incomplete_report() {
    let sandbox = start_sandbox().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let long = std::fs::read_to_string("scenarios/demo/dukcapil.yaml")
        .expect("read")
        .replace("samples: 20", "samples: 10000");
    std::fs::write(dir.path().join("long.yaml"), long).expect("write");
    let out = tempfile::tempdir().expect("temp dir");
    let mut child = ujilab_command()
        .envs(sandbox.env())
        .args(["run", "--no-progress"])
        .arg(dir.path())
        .arg("--out")
        .arg(out.path())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let pid = child.id().to_string();
    let killed = Command::new("kill")
        .args(["-INT", &pid])
        .status()
        .expect("kill");
    assert!(killed.success());
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .expect("join")
        .expect("wait");
    assert_eq!(status.code(), Some(130));
    let report = read_report(out.path());
    assert_eq!(report["run"]["complete"], false);
    assert_eq!(report["gate"], "fail");
    let scenario = scenario(&report, "contohkab-dukcapil");
    assert_eq!(scenario["complete"], false);
    let samples = scenario["availability"]["samples"]
        .as_u64()
        .unwrap_or_default();
    assert!(
        samples > 0 && samples < 20000,
        "partial availability kept: {samples}"
    );
    sandbox.shutdown().await;
}
