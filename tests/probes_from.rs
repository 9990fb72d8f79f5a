//! `probes_from: { openapi }`: probes made from the sandbox API's OpenAPI
//! document pass against the API it describes, and fail, naming the schema,
//! when the sandbox serves a document that does not match its API (the
//! `wrong_openapi` knob); a document that cannot be read fails the run rather
//! than passing with no probe; reports mark the probes as generated.

use observe::observations::Observations;
use sandbox::{Behaviour, Sandbox, Service};

use crate::support::{
    assert_exit_code, load_against_sandbox, run_command_off_runtime, run_with_defaults,
    start_sandbox, text, ujilab_command,
};

fn scenario(openapi: &str) -> String {
    format!(
        r#"version: 1
service:
  id: dukcapil-openapi
  base_url: https://dukcapil.contohkab.go.id:${{env:UJILAB_SANDBOX_HTTPS_PORT}}
defaults:
  resolve: {{ dukcapil.contohkab.go.id: 127.0.0.1 }}
  tls: {{ ca_file: "${{env:UJILAB_SANDBOX_CA}}" }}
probes:
  - id: beranda
    request: {{ path: / }}
probes_from:
  openapi: {openapi}
"#
    )
}

async fn observe(sandbox: &Sandbox, yaml: &str) -> Observations {
    let scenario = load_against_sandbox(sandbox, "openapi.yaml", yaml);
    run_with_defaults(&scenario).await
}

fn outcome(observations: &Observations, id: &str) -> (bool, Vec<String>) {
    let result = observations
        .probes
        .iter()
        .find(|result| result.id == id)
        .unwrap_or_else(|| panic!("no probe {id}: {:?}", observations.probes));
    let failed = result
        .checks
        .iter()
        .filter(|check| !check.passed)
        .map(|check| format!("{}: {}", check.what, check.actual))
        .collect();
    (result.passed(), failed)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn operations_are_probed_and_a_wrong_document_is_found() {
    let sandbox = start_sandbox().await;
    let yaml = scenario("/openapi.json");
    let good = observe(&sandbox, &yaml).await;
    let generated: Vec<(&str, Option<&str>)> = good
        .generated
        .iter()
        .map(|g| (g.id.as_str(), g.operation_id.as_deref()))
        .collect();
    // GET operations only; getVerifikasi needs a ticket the document gives no
    // example of, so it is not called.
    assert_eq!(
        generated,
        vec![
            ("health", Some("health")),
            ("getPenduduk", Some("getPenduduk"))
        ]
    );
    for id in ["health", "getPenduduk"] {
        let (passed, failed) = outcome(&good, id);
        assert!(passed, "{id}: {failed:?}");
    }
    let penduduk = good
        .probes
        .iter()
        .find(|r| r.id == "getPenduduk")
        .expect("probe");
    let sent = penduduk.exchange.as_ref().expect("sent");
    assert!(
        sent.url.ends_with("/api/v1/penduduk/3299010101900001"),
        "{}",
        sent.url
    );
    assert!(
        penduduk
            .checks
            .iter()
            .any(|c| c.what.starts_with("schema") && c.passed),
        "{:?}",
        penduduk.checks
    );

    sandbox.set_behaviour(Service::Dukcapil, Behaviour::new().with_wrong_openapi());
    let wrong = observe(&sandbox, &yaml).await;
    let (passed, failed) = outcome(&wrong, "health");
    assert!(!passed);
    assert!(
        failed
            .iter()
            .any(|f| f.starts_with("schema") && f.contains("UP")),
        "{failed:?}"
    );
    let (passed, failed) = outcome(&wrong, "getPenduduk");
    assert!(!passed);
    assert!(
        failed.iter().any(|f| f.contains("nama_lengkap")),
        "{failed:?}"
    );
    sandbox.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reports_mark_generated_probes_and_a_missing_document_fails_the_run() {
    let sandbox = start_sandbox().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let run = |yaml: String, out: &str| {
        let file = dir.path().join(format!("{out}.yaml"));
        std::fs::write(&file, yaml).expect("write");
        let mut command = ujilab_command();
        command
            .arg("run")
            .arg(&file)
            .arg("--out")
            .arg(dir.path().join(out))
            .args(["--no-progress", "--lang", "en"]);
        for (name, value) in sandbox.env() {
            command.env(name, value);
        }
        command
    };
    let ran = run_command_off_runtime(run(scenario("/openapi.json"), "baik")).await;
    assert_exit_code(&ran, 0);
    let report: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.path().join("baik/report.json")).expect("report"),
    )
    .expect("json");
    let probes = report["scenarios"][0]["probes"].as_array().expect("probes");
    let health = probes.iter().find(|p| p["id"] == "health").expect("health");
    assert_eq!(health["generated"]["operation_id"], "health");
    assert_eq!(health["generated"]["from"], "openapi");
    assert_eq!(health["generated"]["path"], "/health");
    let written = probes
        .iter()
        .find(|p| p["id"] == "beranda")
        .expect("beranda");
    assert!(written.get("generated").is_none());
    let html = std::fs::read_to_string(dir.path().join("baik/report.html")).expect("html");
    assert!(
        html.contains("generated from OpenAPI: getPenduduk"),
        "report.html marks it"
    );
    assert_eq!(html.matches("generated from OpenAPI:").count(), 2);

    sandbox.set_behaviour(Service::Dukcapil, Behaviour::new().with_wrong_openapi());
    let wrong = run_command_off_runtime(run(scenario("/openapi.json"), "salah")).await;
    assert_exit_code(&wrong, 1);
    // A failed generated probe says where it came from in junit.xml too.
    let junit = std::fs::read_to_string(dir.path().join("salah/junit.xml")).expect("junit");
    assert!(
        junit.contains("generated from OpenAPI: getPenduduk (GET /api/v1/penduduk/{nik})"),
        "junit.xml marks it"
    );
    sandbox.clear_knobs();

    // No document: the run fails with the reason, never passes on no probe.
    let missing = run_command_off_runtime(run(scenario("/tidak-ada.json"), "hilang")).await;
    assert_exit_code(&missing, 1);
    let summary = text(&missing.stdout);
    assert!(summary.contains("probes_from"), "{summary}");
    assert!(summary.contains("HTTP 404"), "{summary}");
    sandbox.shutdown().await;
}

#[test]
fn a_document_file_is_read_when_the_scenario_loads() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("s.yaml");
    std::fs::write(
        &file,
        "version: 1\nservice: { id: t, base_url: \"https://x.go.id\" }\nprobes:\n  - id: p\n    request: { path: / }\nprobes_from:\n  openapi: api/openapi.yaml\n  include: [health]\n",
    )
    .expect("write");
    let mut validate = ujilab_command();
    validate.args(["validate", "--lang", "en"]).arg(&file);
    let output = validate.output().expect("runs");
    assert_eq!(output.status.code(), Some(2));
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("cannot read the OpenAPI document"),
        "{stderr}"
    );
    assert!(stderr.contains("s.yaml:7:12"), "{stderr}");
    std::fs::create_dir(dir.path().join("api")).expect("dir");
    std::fs::write(
        dir.path().join("api/openapi.yaml"),
        "openapi: 3.1.0\ninfo: { title: t, version: \"1\" }\npaths: {}\n",
    )
    .expect("write");
    let output = validate.output().expect("runs");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
}
