//! `profile: spbe-layanan` (issue 14.8) through the binary against the
//! sandbox's village site: supporting evidence per SPBE indicator, never a
//! score. Its online letter service shows tingkat transaksi when the probes
//! tagged `transaksi` submit an application and read it back; the reports say
//! "evidence, no verdict", the exit code is the probes' and thresholds' alone,
//! and every way to ask a verdict of it is refused.

use std::path::Path;
use std::process::Output;

use sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;

use crate::support::{assert_exit_code, text, ujilab_command};

const DESA: &str = r#"version: 1
service:
  id: desa-sukamaju-surat
  name: Surat Keterangan Online Desa Sukamaju
  region: { code: "99.01.01.2001", name: Desa Sukamaju, type: desa }
  base_url: https://sukamaju.desa.id:${env:UJILAB_SANDBOX_HTTPS_PORT}
standards:
  profile: spbe-layanan
  evidence_for: [SPBE-45]
  pages: { service_standard: /layanan-surat, other: [/surat-online] }
defaults:
  timeout: 5s
  resolve: { sukamaju.desa.id: 127.0.0.1 }
  tls: { ca_file: "${env:UJILAB_SANDBOX_CA}" }
probes:
  - id: ajukan
    tags: [transaksi]
    request: { method: POST, path: /api/surat, json: { jenis: Domisili } }
    expect: { status: 201 }
    capture: { nomor: $.nomor }
  - id: status
    tags: [transaksi]
    request: { path: "/api/surat/${nomor}" }
    expect: { status: 200, json: { $.status: diproses } }
"#;

fn read_json(path: &Path) -> Value {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    serde_json::from_str(&text).expect("JSON")
}

/// Runs `scenario` against a fresh sandbox with `extra` arguments; the output
/// folder is `DIR/out`.
async fn run(scenario: &str, extra: &[&str]) -> (Output, tempfile::TempDir) {
    run::client::install_crypto_provider();
    let sandbox = Sandbox::start(SandboxConfig::ephemeral())
        .await
        .expect("sandbox starts");
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("desa.yaml"), scenario).expect("write");
    let mut command = ujilab_command();
    command.envs(sandbox.env()).current_dir(dir.path()).args([
        "run",
        "desa.yaml",
        "--no-progress",
        "--format",
        "json,html,junit,md",
        "--out",
        "out",
    ]);
    command.args(extra);
    let output = tokio::task::spawn_blocking(move || command.output().expect("runs"))
        .await
        .expect("join");
    sandbox.shutdown().await;
    (output, dir)
}

fn rule<'r>(standards: &'r Value, code: &str) -> &'r Value {
    standards["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .find(|rule| rule["code"] == code)
        .unwrap_or_else(|| panic!("no rule {code}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_village_letter_service_evidences_tingkat_transaksi_without_a_verdict() {
    let (output, dir) = run(DESA, &["--lang", "id"]).await;
    // Evidence never fails a gate: the probes passed, so the run passes.
    assert_exit_code(&output, 0);
    let report = read_json(&dir.path().join("out/report.json"));
    let standards = &report["scenarios"][0]["standards"];
    assert_eq!(standards["catalogue"], "spbe-layanan");
    assert_eq!(standards["verdict"], "evidence_only", "{standards}");
    assert!(standards["index"].is_null(), "{standards}");
    assert!(standards["predicate"].is_null(), "{standards}");
    assert!(standards["certification"].is_null(), "{standards}");
    let sector = rule(standards, "SPBE-45");
    assert_eq!(sector["level"], 3, "{sector}");
    let notes = sector["evidence"]["notes"].to_string();
    assert!(notes.contains("T3 transaksi terpenuhi"), "{notes}");
    assert!(notes.contains("`ajukan` (POST)"), "{notes}");
    assert!(notes.contains("input#berkas type=file"), "{notes}");
    assert!(notes.contains("/formulir/permohonan-surat.pdf"), "{notes}");
    // Collaboration does not show on a page for a sector service: said, not scored.
    assert!(notes.contains("tidak diukur ujilab"), "{notes}");
    for code in ["SPBE-42", "SPBE-43", "SPBE-44", "SPBE-46", "SPBE-47"] {
        assert_eq!(rule(standards, code)["outcome"], "not_applicable", "{code}");
    }

    // Levels are shown one by one, never averaged into a score.
    assert!(standards["aspects"][0]["score"].is_null(), "{standards}");

    let stage = "bukti pendukung: SPBE-45 Layanan publik sektor 1: T3 transaksi";
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("Bukti pendukung, tanpa kesimpulan"),
        "{stdout}"
    );
    assert!(stdout.contains(stage), "{stdout}");
    let html = std::fs::read_to_string(dir.path().join("out/report.html")).expect("html");
    assert!(html.contains("Bukti pendukung, tanpa kesimpulan"));
    assert!(!html.contains("Memenuhi syarat"), "no verdict words");
    assert!(
        !html.contains("Indeks (0–5)") && !html.contains("Skor aspek"),
        "no score"
    );
    let summary = std::fs::read_to_string(dir.path().join("out/summary.md")).expect("md");
    assert!(
        summary.contains("Bukti pendukung, tanpa kesimpulan"),
        "{summary}"
    );
    assert!(summary.contains(stage), "{summary}");
    let junit = std::fs::read_to_string(dir.path().join("out/junit.xml")).expect("junit");
    assert!(junit.contains("SPBE-45"), "{junit}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_the_read_back_the_service_stays_at_interaksi() {
    let submit_only = DESA
        .split("  - id: status")
        .next()
        .expect("the scenario")
        .to_string();
    let (output, dir) = run(&submit_only, &["--lang", "en"]).await;
    assert_exit_code(&output, 0);
    let report = read_json(&dir.path().join("out/report.json"));
    let sector = rule(&report["scenarios"][0]["standards"], "SPBE-45");
    assert_eq!(sector["level"], 2, "{sector}");
    assert!(
        sector["evidence"]["notes"]
            .to_string()
            .contains("reads back the status"),
        "{sector}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn require_verdict_fails_an_evidence_profile() {
    let (output, dir) = run(DESA, &["--require-verdict"]).await;
    assert_exit_code(&output, 1);
    let report = read_json(&dir.path().join("out/report.json"));
    let reasons = &report["scenarios"][0]["gate_reasons"];
    assert_eq!(
        reasons,
        &serde_json::json!(["standards verdict evidence_only"])
    );
}

/// Asking an evidence profile for a verdict, or a scoring one to leave rules
/// out, is a load error (exit 2) at the key's position.
#[test]
fn a_verdict_gate_or_missing_indicators_are_load_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Validated without a sandbox: no CA file to read.
    let desa = DESA.replace("  tls: { ca_file: \"${env:UJILAB_SANDBOX_CA}\" }\n", "");
    assert_ne!(desa, DESA);
    let cases = [
        (
            desa.replace(
                "  evidence_for: [SPBE-45]\n",
                "  evidence_for: [SPBE-45]\n  gate: verdict\n",
            ),
            "line 10",
            "there is no verdict for gate verdict",
        ),
        (
            desa.replace("  evidence_for: [SPBE-45]\n", ""),
            "line 8",
            "needs evidence_for",
        ),
        (
            desa.replace("[SPBE-45]", "[SPBE-54]"),
            "line 9",
            "no rule `SPBE-54` in the catalogue",
        ),
        (
            desa.replace("profile: spbe-layanan", "profile: idsll-core"),
            "line 9",
            "evidence_for is only for a catalogue of supporting evidence",
        ),
        (
            desa.replace(
                "tags: [transaksi]\n    request: { method",
                "tags: [transaksi, transaksi]\n    request: { method",
            ),
            "line 16",
            "tag `transaksi` is listed twice",
        ),
    ];
    for (index, (scenario, line, message)) in cases.iter().enumerate() {
        let file = dir.path().join(format!("case-{index}.yaml"));
        std::fs::write(&file, scenario).expect("write");
        let output = ujilab_command()
            .args(["validate", "--lang", "en"])
            .arg(&file)
            .env("UJILAB_SANDBOX_HTTPS_PORT", "1")
            .output()
            .expect("runs");
        let stderr = text(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "case {index}: {stderr}");
        assert!(stderr.contains(message), "case {index}: {stderr}");
        assert!(
            stderr.contains(&format!("case-{index}.yaml:{}", &line["line ".len()..])),
            "case {index} at {line}: {stderr}"
        );
    }
}

#[test]
fn standards_list_says_evidence_not_a_score() {
    for (lang, words) in [
        ("id", "tanpa indeks, predikat, atau kesimpulan"),
        ("en", "with no index, predicate or verdict"),
    ] {
        let output = ujilab_command()
            .args([
                "standards",
                "list",
                "--profile",
                "spbe-layanan",
                "--lang",
                lang,
            ])
            .output()
            .expect("runs");
        let listed = text(&output.stdout);
        assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
        assert!(listed.contains(words), "{listed}");
        assert!(listed.contains("SPBE-47"), "{listed}");
        assert!(
            !listed.contains("Predikat") && !listed.contains("Predicate"),
            "{listed}"
        );
    }
}
