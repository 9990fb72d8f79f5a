//! Fleet scale, as users and CI meet it: the real binary run as shards and from
//! several vantages against the in-process sandbox on 127.0.0.1, then `merge`,
//! `diff` and `portfolio` on what they wrote. Assertions are on structure and
//! counts (the sandbox's latencies are fixed by a delay knob, not exact).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use serde_json::Value;

use observe::latency::LatencyHistogram;
use sandbox::{Behaviour, Sandbox, SandboxConfig, Service};

fn ujilab() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ujilab"));
    command.env_remove("RUST_LOG").env("NO_COLOR", "1");
    command.env_remove("GITHUB_STEP_SUMMARY");
    command
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

async fn output(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || command.output())
        .await
        .expect("join")
        .unwrap_or_else(|error| panic!("cannot run ujilab: {error}"))
}

fn read_json(path: &Path) -> Value {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    serde_json::from_str(&text).expect("JSON")
}

async fn start_sandbox() -> Sandbox {
    run::client::install_crypto_provider();
    let sandbox = Sandbox::start(SandboxConfig::ephemeral())
        .await
        .expect("sandbox starts");
    // A fixed delay: every latency lands in a narrow, known range.
    sandbox.set_behaviour(
        Service::Dukcapil,
        Behaviour::new().with_delay(Duration::from_millis(15)),
    );
    sandbox
}

/// One generated scenario against dukcapil over HTTPS.
struct Spec {
    id: String,
    region: (&'static str, &'static str, &'static str),
    /// Adds a probe whose expectation always fails.
    failing_probe: bool,
    /// Adds a latency threshold that cannot hold (p95 <= 1 ms under a 15 ms delay).
    failing_threshold: bool,
    load: bool,
    availability: bool,
}

impl Spec {
    fn new(id: impl Into<String>) -> Self {
        Spec {
            id: id.into(),
            region: ("99.01", "Kabupaten Contoh", "kabupaten"),
            failing_probe: false,
            failing_threshold: false,
            load: false,
            availability: true,
        }
    }

    fn yaml(&self) -> String {
        let (code, name, kind) = self.region;
        let mut yaml = format!(
            r#"version: 1
service:
  id: {id}
  region: {{ code: "{code}", name: {name}, type: {kind} }}
  base_url: https://dukcapil.contohkab.go.id:${{env:UJILAB_SANDBOX_HTTPS_PORT}}
defaults:
  timeout: 5s
  resolve: {{ dukcapil.contohkab.go.id: 127.0.0.1 }}
  tls: {{ ca_file: "${{env:UJILAB_SANDBOX_CA}}" }}
probes:
  - id: health
    request: {{ path: /health }}
    expect: {{ status: 200, json: {{ $.status: UP }} }}
  - id: penduduk
    request: {{ path: /api/v1/penduduk/3299010101900001 }}
    expect: {{ status: 200 }}
"#,
            id = self.id
        );
        if self.failing_probe {
            yaml.push_str(
                "  - id: salah\n    request: { path: /health }\n    expect: { status: 201 }\n",
            );
        }
        if self.availability {
            yaml.push_str("availability:\n  probes: [health]\n  every: 50ms\n  samples: 3\n");
        }
        if self.load {
            yaml.push_str(
                "load:\n  probes: { health: 1, penduduk: 1 }\n  model: open\n  rate: 20/s\n  duration: 1s\n",
            );
        }
        yaml.push_str("thresholds:\n  - metric: availability\n    min: 99%\n  - metric: latency.p95\n    max: 5s\n  - metric: error_rate\n    max: 1%\n  - metric: latency.p99\n    probe: penduduk\n    source: probes\n    max: 5s\n");
        if self.failing_threshold {
            yaml.push_str("  - metric: latency.p95\n    max: 1ms\n");
        }
        yaml
    }
}

fn write_set(dir: &Path, specs: &[Spec]) {
    for spec in specs {
        std::fs::write(dir.join(format!("{}.yaml", spec.id)), spec.yaml()).expect("write");
    }
}

/// The arguments of one shard's run, as deploy/ documents them.
fn shard_args(scenarios: &Path, shard: &str, vantage: &str, out: &Path) -> Vec<String> {
    let mut args: Vec<String> = ["run", "--no-progress", "--quiet", "--format", "json"]
        .map(String::from)
        .to_vec();
    args.push(scenarios.display().to_string());
    args.extend([
        "--shard".into(),
        shard.into(),
        "--vantage".into(),
        vantage.into(),
    ]);
    args.extend(["--out".into(), out.display().to_string()]);
    args
}

/// Runs N shards side by side; the report files, in shard order.
async fn run_shards(
    sandbox: &Sandbox,
    scenarios: &Path,
    count: u32,
    vantage: &str,
    out: &Path,
) -> Vec<PathBuf> {
    let mut children = Vec::new();
    for k in 1..=count {
        let dir = out.join(format!("shard-{k}"));
        let mut command = ujilab();
        command.envs(sandbox.env()).args(shard_args(
            scenarios,
            &format!("{k}/{count}"),
            vantage,
            &dir,
        ));
        children.push(tokio::task::spawn_blocking(move || command.output()));
    }
    let mut reports = Vec::new();
    for (k, child) in children.into_iter().enumerate() {
        let output = child.await.expect("join").expect("run");
        assert!(
            matches!(output.status.code(), Some(0..=2)),
            "shard {} exit {:?}: {}",
            k + 1,
            output.status.code(),
            text(&output.stderr)
        );
        reports.push(out.join(format!("shard-{}", k + 1)).join("report.json"));
    }
    reports
}

fn merge_command(reports: &[PathBuf], out: &Path) -> Command {
    let mut command = ujilab();
    command.arg("merge").args(reports).arg("--out").arg(out);
    command
}

fn scenarios_by_id(report: &Value) -> std::collections::BTreeMap<String, Value> {
    report["scenarios"]
        .as_array()
        .expect("scenarios")
        .iter()
        .map(|s| {
            (
                s["service"]["id"].as_str().unwrap_or("?").to_string(),
                s.clone(),
            )
        })
        .collect()
}

fn histogram_count(encoded: &Value) -> u64 {
    match encoded.as_str() {
        Some(text) => LatencyHistogram::decode(text).expect("decodes").count(),
        None => 0,
    }
}

/// What must be equal between the whole run and the merged shards: gates, every
/// threshold's status, probe outcomes, counts, histogram counts, scores.
fn fingerprint(scenario: &Value) -> Value {
    let thresholds: Vec<Value> = scenario["thresholds"]
        .as_array()
        .expect("thresholds")
        .iter()
        .map(|t| serde_json::json!([t["metric"], t["probe"], t["status"], t["source"]]))
        .collect();
    let probes: Vec<Value> = scenario["probes"]
        .as_array()
        .expect("probes")
        .iter()
        .map(|p| serde_json::json!([p["id"], p["passed"], p["status"]]))
        .collect();
    let load = &scenario["load"];
    // Per probe: id, requests, failed and the histogram's count.
    let counts = |per_probe: &Value| -> Vec<Value> {
        per_probe
            .as_object()
            .map(|all| {
                all.iter()
                    .map(|(id, p)| {
                        serde_json::json!([
                            id,
                            p["requests"],
                            p["failed"],
                            histogram_count(&p["histogram"])
                        ])
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let per_probe_load = counts(&load["per_probe"]);
    let figures = counts(&scenario["probe_figures"]["per_probe"]);
    let standards = &scenario["standards"];
    let rules: Vec<Value> = standards["rules"]
        .as_array()
        .map(|all| {
            all.iter()
                .map(|r| serde_json::json!([r["code"], r["outcome"], r["level"]]))
                .collect()
        })
        .unwrap_or_default();
    serde_json::json!({
        "file_sha": scenario["sha256"],
        "gate": scenario["gate"],
        "complete": scenario["complete"],
        "thresholds": thresholds,
        "probes": probes,
        "availability": [scenario["availability"]["samples"], scenario["availability"]["up"]],
        "probe_histogram": histogram_count(&scenario["probe_latency_histogram"]),
        "load": [load["requests"], load["responses"], load["failed"], histogram_count(&load["histogram"])],
        "load_per_probe": per_probe_load,
        "probe_figures": figures,
        "standards": [standards["index"], standards["verdict"], standards["coverage"]],
        "rules": rules,
    })
}

fn assert_valid_report(report: &Value) {
    let output = ujilab()
        .args(["schema", "report"])
        .output()
        .expect("schema");
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

/// The proof: the same set run whole, and as 4 shards side by side then merged,
/// gives the same gates, scores and histogram counts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn four_shards_merged_equal_the_whole_run() {
    let sandbox = start_sandbox().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let scenarios = dir.path().join("scenarios");
    std::fs::create_dir(&scenarios).expect("mkdir");
    let mut specs: Vec<Spec> = (0..8).map(|i| Spec::new(format!("fleet-{i:02}"))).collect();
    specs[1].failing_probe = true;
    specs[2].failing_threshold = true;
    specs[3].load = true;
    specs[6].load = true;
    specs[5].availability = false;
    write_set(&scenarios, &specs);
    // Plus a file that does not load: it belongs to exactly one shard too.
    std::fs::write(
        scenarios.join("rusak.yaml"),
        "version: 1\nservice: { id: rusak }\n",
    )
    .expect("write");

    let whole_out = dir.path().join("whole");
    let mut whole = ujilab();
    whole
        .envs(sandbox.env())
        .args(shard_args(&scenarios, "1/1", "default", &whole_out));
    let whole_run = output(whole).await;
    assert_eq!(
        whole_run.status.code(),
        Some(2),
        "{}",
        text(&whole_run.stderr)
    );

    let shards = run_shards(
        &sandbox,
        &scenarios,
        4,
        "default",
        &dir.path().join("shards"),
    )
    .await;
    let merged_out = dir.path().join("merged");
    let mut merge = merge_command(&shards, &merged_out);
    merge.args(["--format", "json,html,junit,md,prom"]);
    let merged = output(merge).await;
    assert_eq!(merged.status.code(), Some(1), "{}", text(&merged.stderr));
    sandbox.shutdown().await;

    let whole = read_json(&whole_out.join("report.json"));
    let merged = read_json(&merged_out.join("report.json"));
    assert_valid_report(&merged);
    for name in ["report.html", "junit.xml", "summary.md"] {
        assert!(merged_out.join(name).is_file(), "{name} written");
    }
    check_metrics(&std::fs::read_to_string(merged_out.join("metrics.prom")).expect("prom"));

    // Shards are disjoint, cover the set, and agree on the plan.
    let mut seen = std::collections::BTreeSet::new();
    for (k, path) in shards.iter().enumerate() {
        let shard = read_json(path);
        assert_eq!(shard["run"]["shard"], format!("{}/4", k + 1));
        assert_eq!(shard["run"]["vantage"], "default");
        assert_eq!(
            shard["plan"], whole["plan"],
            "every shard has the whole plan"
        );
        for entry in shard["scenarios"].as_array().expect("scenarios") {
            let key = entry["file"].as_str().expect("file").to_string();
            assert!(seen.insert(key.clone()), "{key} in two shards");
        }
    }
    assert_eq!(seen.len(), 9);
    assert_eq!(whole["plan"]["entries"], 9);
    assert_eq!(merged["plan"], whole["plan"]);
    assert_eq!(merged["run"]["complete"], true);
    assert_eq!(merged["gate"], whole["gate"]);
    assert_eq!(merged["merge"]["sources"].as_array().map(Vec::len), Some(4));

    // Same entries in the same order, and the same figures for each.
    let files = |report: &Value| -> Vec<Value> {
        report["scenarios"]
            .as_array()
            .expect("scenarios")
            .iter()
            .map(|s| s["file"].clone())
            .collect()
    };
    assert_eq!(files(&merged), files(&whole));
    let (whole, merged) = (scenarios_by_id(&whole), scenarios_by_id(&merged));
    assert_eq!(whole.len(), 9);
    for (id, scenario) in &whole {
        if scenario["status"] == "load_error" {
            continue;
        }
        assert_eq!(
            fingerprint(scenario),
            fingerprint(&merged[id]),
            "{id}: whole run vs merged shards"
        );
    }
    // The figures that decide the gates are what the specs say.
    assert_eq!(merged["fleet-00"]["gate"], "pass");
    assert_eq!(merged["fleet-01"]["gate"], "fail");
    assert_eq!(merged["fleet-02"]["gate"], "fail");
    assert_eq!(merged["fleet-03"]["load"]["requests"], 20);
    assert_eq!(fingerprint(&merged["fleet-03"])["load"][3], 20);
    assert_eq!(merged["fleet-00"]["availability"]["samples"], 3);
}

/// A small set for the refusal cases: two scenarios, no load.
async fn quick_set(dir: &Path, name: &str, ids: &[&str]) -> PathBuf {
    let scenarios = dir.join(name);
    std::fs::create_dir_all(&scenarios).expect("mkdir");
    let specs: Vec<Spec> = ids
        .iter()
        .map(|id| Spec {
            availability: false,
            ..Spec::new(*id)
        })
        .collect();
    write_set(&scenarios, &specs);
    scenarios
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merge_refuses_what_does_not_fit_and_writes_nothing() {
    let sandbox = start_sandbox().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let set_a = quick_set(dir.path(), "a", &["satu", "dua", "tiga"]).await;
    let set_b = quick_set(dir.path(), "b", &["satu", "dua"]).await;
    let a = run_shards(&sandbox, &set_a, 2, "default", &dir.path().join("ra")).await;
    let b = run_shards(&sandbox, &set_b, 2, "default", &dir.path().join("rb")).await;
    sandbox.shutdown().await;

    // An output folder with an earlier report: bad input must leave it alone.
    let out = dir.path().join("out");
    std::fs::create_dir(&out).expect("mkdir");
    std::fs::write(out.join("report.json"), "earlier").expect("write");
    let untouched = |out: &Path| {
        assert_eq!(
            std::fs::read_to_string(out.join("report.json")).expect("read"),
            "earlier"
        );
        let names: Vec<String> = std::fs::read_dir(out)
            .expect("read_dir")
            .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["report.json"], "nothing else written");
    };
    let refused = |output: &Output, needles: &[&str]| {
        assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
        let stderr = text(&output.stderr);
        for needle in needles {
            assert!(stderr.contains(needle), "{needle:?} not in {stderr}");
        }
    };

    let different_plans = output(merge_command(&[a[0].clone(), b[1].clone()], &out)).await;
    refused(
        &different_plans,
        &["another plan", &b[1].display().to_string()],
    );
    let missing = output(merge_command(&[a[0].clone()], &out)).await;
    refused(&missing, &["missing shard(s) 2/2", "--allow-partial"]);
    let duplicated = output(merge_command(
        &[a[0].clone(), a[1].clone(), a[0].clone()],
        &out,
    ))
    .await;
    refused(&duplicated, &["shard 1/2 is given twice"]);

    let broken = dir.path().join("broken");
    std::fs::create_dir(&broken).expect("mkdir");
    let original = std::fs::read_to_string(&a[1]).expect("read");
    let truncated = broken.join("truncated.json");
    std::fs::write(&truncated, &original[..original.len() / 2]).expect("write");
    let output_truncated = output(merge_command(&[a[0].clone(), truncated.clone()], &out)).await;
    refused(
        &output_truncated,
        &[&truncated.display().to_string(), "truncated"],
    );
    let version = broken.join("version.json");
    std::fs::write(
        &version,
        original.replacen("ujilab-report/1", "ujilab-report/2", 1),
    )
    .expect("write");
    let output_version = output(merge_command(&[a[0].clone(), version.clone()], &out)).await;
    refused(
        &output_version,
        &[&version.display().to_string(), "ujilab-report/2"],
    );
    // A histogram that does not decode: base64 of something that is not one.
    let mut report: Value = serde_json::from_str(&original).expect("JSON");
    let target = report["scenarios"]
        .as_array_mut()
        .and_then(|all| {
            all.iter_mut()
                .find(|s| s["probe_latency_histogram"].is_string())
        })
        .expect("a scenario with a histogram");
    target["probe_latency_histogram"] = Value::from("SElTVEZBQUFBQUFBQUFBQQ==");
    let bad_histogram = broken.join("histogram.json");
    std::fs::write(&bad_histogram, report.to_string()).expect("write");
    let output_histogram =
        output(merge_command(&[a[0].clone(), bad_histogram.clone()], &out)).await;
    refused(
        &output_histogram,
        &[
            &bad_histogram.display().to_string(),
            "histogram does not decode",
        ],
    );
    untouched(&out);

    // --allow-partial: merged, and marked incomplete.
    let mut partial = merge_command(&[a[1].clone()], &out);
    partial.args(["--allow-partial", "--format", "json"]);
    let partial = output(partial).await;
    assert_eq!(partial.status.code(), Some(1), "{}", text(&partial.stderr));
    assert!(text(&partial.stderr).contains("INCOMPLETE: missing shard(s) 1/2"));
    let merged = read_json(&out.join("report.json"));
    assert_eq!(merged["run"]["complete"], false);
    assert_eq!(merged["gate"], "fail");
    assert_eq!(
        merged["merge"]["missing_shards"],
        serde_json::json!(["1/2"])
    );
    let in_shard_2 = read_json(&a[1])["scenarios"].as_array().map(Vec::len);
    assert_eq!(merged["scenarios"].as_array().map(Vec::len), in_shard_2);
    assert_eq!(
        merged["merge"]["missing_entries"].as_u64(),
        Some(3 - in_shard_2.unwrap_or_default() as u64)
    );
}

/// Two vantages of the same set: one result per service, the outage seen from one
/// vantage visible in the breakdown and in the combined figures.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn vantages_merge_into_one_result_per_service() {
    let sandbox = start_sandbox().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let scenarios = quick_set(dir.path(), "set", &[]).await;
    let mut specs = vec![Spec::new("satu"), Spec::new("dua")];
    specs[1].load = true;
    write_set(&scenarios, &specs);

    let jakarta = run_shards(&sandbox, &scenarios, 2, "jakarta", &dir.path().join("jkt")).await;
    // Seen from Medan, dukcapil is down (every answer a 503).
    sandbox.set_behaviour(Service::Dukcapil, Behaviour::new().with_error_percent(100));
    let mut medan_run = ujilab();
    let medan_out = dir.path().join("mdn");
    medan_run
        .envs(sandbox.env())
        .args(shard_args(&scenarios, "1/1", "medan", &medan_out));
    let medan_output = output(medan_run).await;
    assert_eq!(
        medan_output.status.code(),
        Some(1),
        "{}",
        text(&medan_output.stderr)
    );
    sandbox.shutdown().await;

    let mut reports = jakarta.clone();
    reports.push(medan_out.join("report.json"));
    let out = dir.path().join("merged");
    let mut command = merge_command(&reports, &out);
    command.args(["--format", "json,md,prom,junit", "--lang", "en"]);
    let merged_output = output(command).await;
    assert_eq!(
        merged_output.status.code(),
        Some(1),
        "{}",
        text(&merged_output.stderr)
    );
    let merged = read_json(&out.join("report.json"));
    assert_valid_report(&merged);
    assert_eq!(
        merged["merge"]["vantages"],
        serde_json::json!(["jakarta", "medan"])
    );
    assert_eq!(merged["run"]["complete"], true);
    let by_id = scenarios_by_id(&merged);
    assert_eq!(by_id.len(), 2, "one result per service");
    let satu = &by_id["satu"];
    let vantages = satu["vantages"].as_array().expect("breakdown");
    assert_eq!(vantages.len(), 2);
    assert_eq!(vantages[0]["vantage"], "jakarta");
    assert_eq!(vantages[0]["availability"], 1.0);
    assert_eq!(vantages[0]["gate"], "pass");
    assert!(vantages[0]["p95_ms"].as_f64().is_some_and(|p| p >= 15.0));
    assert_eq!(vantages[1]["vantage"], "medan");
    assert_eq!(vantages[1]["availability"], 0.0);
    assert_eq!(vantages[1]["gate"], "fail");
    // Combined: 3 samples up of 6.
    assert_eq!(satu["availability"]["samples"], 6);
    assert_eq!(satu["availability"]["up"], 3);
    assert_eq!(satu["gate"], "fail");
    let health = &satu["probes"][0];
    assert_eq!(health["passed"], false);
    assert_eq!(health["vantage"], "medan", "the failing vantage's evidence");
    let reasons = satu["gate_reasons"].to_string();
    assert!(
        reasons.contains("vantage medan") && reasons.contains("availability 50%"),
        "{reasons}"
    );
    // Load figures add up, and the merged histogram holds both vantages' responses.
    let dua = &by_id["dua"];
    assert_eq!(dua["load"]["requests"], 40);
    assert_eq!(dua["load"]["responses"], 40, "503s are complete responses");
    assert_eq!(dua["load"]["failed"], 20);
    assert_eq!(dua["load"]["error_rate"], 0.5);
    assert_eq!(histogram_count(&dua["load"]["histogram"]), 40);
    let error_rate = dua["thresholds"]
        .as_array()
        .and_then(|all| all.iter().find(|t| t["metric"] == "error_rate"))
        .expect("error_rate threshold");
    assert_eq!(error_rate["actual"], 0.5);
    assert_eq!(error_rate["source"], "load");
    assert_eq!(error_rate["status"], "fail");

    // metrics.prom: OpenMetrics, with the per-vantage view beside the combined one.
    let metrics = std::fs::read_to_string(out.join("metrics.prom")).expect("metrics.prom");
    check_metrics(&metrics);
    assert!(
        metrics.contains(
            "ujilab_availability_ratio{service=\"satu\",region=\"99.01\",vantage=\"all\"} 0.5\n"
        ),
        "{metrics}"
    );
    assert!(metrics.contains(
        "ujilab_availability_ratio{service=\"satu\",region=\"99.01\",vantage=\"medan\"} 0\n"
    ));
    assert!(metrics.contains(
        "ujilab_latency_seconds_count{service=\"dua\",region=\"99.01\",vantage=\"all\",source=\"load\"} 40\n"
    ));

    // summary.md: under each service, a table row per vantage; Medan's outage shows.
    let summary = std::fs::read_to_string(out.join("summary.md")).expect("summary.md");
    let satu_block = markdown_block(&summary, "satu");
    let rows: Vec<&str> = satu_block
        .lines()
        .filter(|line| line.starts_with("| "))
        .collect();
    assert_eq!(
        rows.first().copied(),
        Some("| Vantage | Gate | Availability | p95 | Failed probes |"),
        "{summary}"
    );
    assert_eq!(rows.len(), 3, "a header and one row per vantage: {summary}");
    assert!(
        rows[1].starts_with("| jakarta | ✅ PASS | 100.0% (3/3) | ")
            && rows[1].ends_with(" ms (probes) | - |"),
        "{summary}"
    );
    assert!(
        rows[2].starts_with("| medan | ❌ FAIL | 0.0% (0/3) | ")
            && rows[2].ends_with(" ms (probes) | health, penduduk |"),
        "{summary}"
    );
    let dua_block = markdown_block(&summary, "dua");
    assert!(
        dua_block.contains("\n| jakarta | ✅ PASS | 100.0% (3/3) | ")
            && dua_block.contains("\n| medan | ❌ FAIL | 0.0% (0/3) | "),
        "{summary}"
    );
    assert!(
        dua_block.contains(" ms (load) | health, penduduk |"),
        "{summary}"
    );

    // junit.xml: valid, with one case per vantage; the vantage that saw the outage fails.
    let junit = std::fs::read_to_string(out.join("junit.xml")).expect("junit.xml");
    assert_valid_junit(&junit);
    let cases = junit_cases(&junit);
    for service in ["satu", "dua"] {
        assert_eq!(
            cases.get(&(service.to_string(), "vantage jakarta".to_string())),
            Some(&None),
            "{service}: jakarta passes\n{junit}"
        );
        let medan = cases
            .get(&(service.to_string(), "vantage medan".to_string()))
            .unwrap_or_else(|| panic!("{service}: no case for vantage medan\n{junit}"))
            .as_deref()
            .unwrap_or_else(|| panic!("{service}: vantage medan does not fail\n{junit}"));
        assert!(
            medan.starts_with("failed from vantage medan: availability 0.0% (0/3), p95 ")
                && medan.ends_with(", failed probes: health, penduduk"),
            "{medan}"
        );
    }

    // The terminal summary: a row per vantage beneath the service's combined row.
    let stdout = text(&merged_output.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let at = lines
        .iter()
        .position(|line| line.starts_with("satu "))
        .unwrap_or_else(|| panic!("no row for satu:\n{stdout}"));
    let jakarta_row = lines.get(at + 1).copied().unwrap_or_default();
    let medan_row = lines.get(at + 2).copied().unwrap_or_default();
    assert!(
        jakarta_row.starts_with("  @ jakarta ")
            && jakarta_row.contains(" PASS ")
            && jakarta_row.contains(" 100.0% ")
            && jakarta_row.ends_with(" -"),
        "{stdout}"
    );
    assert!(
        medan_row.starts_with("  @ medan ")
            && medan_row.contains(" FAIL ")
            && medan_row.contains(" 0.0% ")
            && medan_row.ends_with(" probe health, penduduk"),
        "{stdout}"
    );
}

/// The block of summary.md under the bold heading of one service, up to the next.
fn markdown_block<'a>(summary: &'a str, service: &str) -> &'a str {
    let heading = format!("\n**{service}**\n");
    let start = summary
        .find(&heading)
        .unwrap_or_else(|| panic!("no block for {service}:\n{summary}"))
        + heading.len();
    let rest = &summary[start..];
    &rest[..rest.find("\n**").unwrap_or(rest.len())]
}

/// junit.xml matches schemas/junit.xsd (xmllint; without it the check is skipped
/// with a note, unless UJILAB_REQUIRE_TOOLS says it must run).
fn assert_valid_junit(xml: &str) {
    let schema = Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/junit.xsd");
    let dir = tempfile::tempdir().expect("temp dir");
    let file = dir.path().join("junit.xml");
    std::fs::write(&file, xml).expect("write junit.xml");
    let result = Command::new("xmllint")
        .arg("--noout")
        .arg("--schema")
        .arg(&schema)
        .arg(&file)
        .output();
    let result = match result {
        Ok(result) => result,
        Err(_) if std::env::var_os("UJILAB_REQUIRE_TOOLS").is_none() => {
            eprintln!("note: xmllint not installed; junit.xml not checked against the XSD");
            return;
        }
        Err(error) => panic!("xmllint is required (UJILAB_REQUIRE_TOOLS): {error}"),
    };
    assert!(
        result.status.success(),
        "junit.xml does not match schemas/junit.xsd: {}\n{xml}",
        text(&result.stderr)
    );
}

/// (suite, case) -> the failure message, `None` for a case without `<failure>`.
fn junit_cases(xml: &str) -> std::collections::BTreeMap<(String, String), Option<String>> {
    use quick_xml::events::Event;
    let attribute = |element: &quick_xml::events::BytesStart, name: &str| {
        element
            .try_get_attribute(name)
            .expect("a well-formed attribute")
            .map(|a| {
                a.normalized_value(quick_xml::XmlVersion::Explicit1_0)
                    .expect("an escaped value")
                    .into_owned()
            })
    };
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut cases = std::collections::BTreeMap::new();
    let mut suite = String::new();
    let mut case: Option<(String, String)> = None;
    loop {
        match reader.read_event().expect("well-formed XML") {
            Event::Eof => break,
            Event::Start(element) | Event::Empty(element) => match element.name().as_ref() {
                "testsuite" => suite = attribute(&element, "name").unwrap_or_default(),
                "testcase" => {
                    let key = (
                        suite.clone(),
                        attribute(&element, "name").unwrap_or_default(),
                    );
                    cases.insert(key.clone(), None);
                    case = Some(key);
                }
                "failure" => {
                    if let Some(key) = &case {
                        cases.insert(key.clone(), attribute(&element, "message"));
                    }
                }
                _ => {}
            },
            _ => {}
        }
    }
    cases
}

/// The OpenMetrics text passes ujilab's grammar check and, when it is installed
/// (always in CI: `.ci/run` installs Debian's prometheus), `promtool check metrics`.
fn check_metrics(metrics: &str) {
    if let Err(problem) = report::prom::check_grammar(metrics) {
        panic!("metrics.prom: {problem}\n{metrics}");
    }
    let promtool = Command::new("promtool")
        .args(["check", "metrics"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn();
    let mut child = match promtool {
        Ok(child) => child,
        Err(_) if std::env::var_os("UJILAB_REQUIRE_TOOLS").is_none() => {
            eprintln!("note: promtool not installed; `promtool check metrics` skipped");
            return;
        }
        Err(error) => panic!("promtool is required (UJILAB_REQUIRE_TOOLS): {error}"),
    };
    {
        use std::io::Write as _;
        let mut stdin = child.stdin.take().expect("stdin");
        stdin
            .write_all(metrics.as_bytes())
            .expect("write to promtool");
    }
    let result = child.wait_with_output().expect("promtool runs");
    assert!(
        result.status.success(),
        "promtool check metrics: {}{}",
        text(&result.stdout),
        text(&result.stderr)
    );
}

/// `diff`: the same scenario before and after a deployment that made it slower.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diff_exits_1_when_the_new_run_is_slower() {
    let sandbox = start_sandbox().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let scenarios = dir.path().join("set");
    std::fs::create_dir(&scenarios).expect("mkdir");
    let mut spec = Spec::new("lambat");
    spec.load = true;
    write_set(&scenarios, &[spec]);
    let mut runs = Vec::new();
    for (name, delay) in [("base", 15), ("new", 60)] {
        sandbox.set_behaviour(
            Service::Dukcapil,
            Behaviour::new().with_delay(Duration::from_millis(delay)),
        );
        let out = dir.path().join(name);
        let mut command = ujilab();
        command
            .envs(sandbox.env())
            .args(shard_args(&scenarios, "1/1", "default", &out));
        let run = output(command).await;
        assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
        runs.push(out.join("report.json"));
    }
    sandbox.shutdown().await;

    let pr = dir.path().join("pr.md");
    let mut command = ujilab();
    command
        .arg("diff")
        .args(&runs)
        .args([
            "--max-regression",
            "10%",
            "--min-delta",
            "2ms",
            "--format",
            "md",
            "--out",
        ])
        .arg(&pr);
    let slower = output(command).await;
    assert_eq!(slower.status.code(), Some(1), "{}", text(&slower.stderr));
    let markdown = std::fs::read_to_string(&pr).expect("written");
    assert_eq!(markdown, text(&slower.stdout));
    assert!(markdown.contains("regression(s).**"), "{markdown}");
    let regression_rows: Vec<&str> = markdown
        .lines()
        .filter(|line| line.ends_with("❌ regression |"))
        .collect();
    assert!(
        regression_rows
            .iter()
            .any(|line| line.starts_with("| lambat | (all) | p95 (load) |")),
        "{markdown}"
    );

    // Against itself: nothing regressed. Past generous limits: neither.
    let mut same = ujilab();
    same.arg("diff").arg(&runs[1]).arg(&runs[1]);
    let same = output(same).await;
    assert_eq!(same.status.code(), Some(0), "{}", text(&same.stdout));
    assert!(text(&same.stdout).contains("no regression"));
    let mut lenient = ujilab();
    lenient.arg("diff").args(&runs).args(["--min-delta", "1s"]);
    let lenient = output(lenient).await;
    assert_eq!(lenient.status.code(), Some(0), "{}", text(&lenient.stdout));

    // Bad input names the file.
    let mut missing = ujilab();
    missing
        .arg("diff")
        .arg(&runs[0])
        .arg(dir.path().join("nope.json"));
    let missing = output(missing).await;
    assert_eq!(missing.status.code(), Some(2));
    assert!(text(&missing.stderr).contains("nope.json"));
}

/// `diff` as a gate to trust: what the base had and the new run lacks is a
/// regression (unless `--allow-missing`); a handful of failed requests is noise
/// (`--min-failures`); a percentile over one response is one row; rows that
/// changed less than the minimum deltas are hidden unless `--all`. The counts are
/// set by hand on copies of a real report, so every figure is known exactly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diff_is_a_gate_you_can_trust() {
    let sandbox = start_sandbox().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let scenarios = quick_set(dir.path(), "set", &["satu"]).await;
    let mut dua = Spec::new("dua");
    dua.availability = false;
    dua.load = true;
    write_set(&scenarios, &[dua]);
    let base_out = dir.path().join("base");
    let mut command = ujilab();
    command
        .envs(sandbox.env())
        .args(shard_args(&scenarios, "1/1", "default", &base_out));
    let run = output(command).await;
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    sandbox.shutdown().await;
    let base = read_json(&base_out.join("report.json"));
    let write = |name: &str, report: &Value| {
        let path = dir.path().join(name);
        std::fs::write(&path, report.to_string()).expect("write");
        path
    };
    let diff = |base: &Path, new: &Path, extra: &[&str]| {
        let mut command = ujilab();
        command.arg("diff").arg(base).arg(new).args(extra);
        command
    };
    let at = |report: &Value, id: &str| -> usize {
        report["scenarios"]
            .as_array()
            .and_then(|all| all.iter().position(|s| s["service"]["id"] == id))
            .unwrap_or_else(|| panic!("no {id}"))
    };

    // A service and a probe of the base, missing from the new run.
    let mut fewer = base.clone();
    let satu = at(&fewer, "satu");
    fewer["scenarios"][satu]["probes"]
        .as_array_mut()
        .expect("probes")
        .retain(|p| p["id"] != "penduduk");
    let dua = at(&fewer, "dua");
    fewer["scenarios"]
        .as_array_mut()
        .expect("scenarios")
        .remove(dua);
    let base_path = write("base.json", &base);
    let fewer_path = write("fewer.json", &fewer);
    let missing = output(diff(&base_path, &fewer_path, &[])).await;
    assert_eq!(missing.status.code(), Some(1), "{}", text(&missing.stdout));
    let stdout = text(&missing.stdout);
    assert!(stdout.contains("2 regression(s):"), "{stdout}");
    let rows: Vec<&str> = stdout
        .lines()
        .filter(|line| line.contains("missing from new"))
        .collect();
    assert_eq!(rows.len(), 2, "{stdout}");
    assert!(
        rows[0].starts_with("dua ") && rows[0].contains(" service "),
        "{stdout}"
    );
    assert!(
        rows[1].starts_with("satu ")
            && rows[1].contains(" penduduk ")
            && rows[1].contains(" probe "),
        "{stdout}"
    );
    let allowed = output(diff(&base_path, &fewer_path, &["--allow-missing"])).await;
    assert_eq!(allowed.status.code(), Some(0), "{}", text(&allowed.stdout));
    assert!(text(&allowed.stdout).contains("missing from new"));

    // Load errors: 0 of 200 in the base; 1, then 3, of 200 in the new run.
    let with_failures = |failed: u64| {
        let mut report = base.clone();
        let dua = at(&report, "dua");
        let load = &mut report["scenarios"][dua]["load"];
        load["requests"] = Value::from(200);
        load["failed"] = Value::from(failed);
        load["error_rate"] = Value::from(failed as f64 / 200.0);
        load["errors"] = if failed == 0 {
            serde_json::json!({})
        } else {
            serde_json::json!({ "http_5xx": failed })
        };
        for (_, probe) in load["per_probe"].as_object_mut().expect("per probe") {
            probe["requests"] = Value::from(100);
            probe["failed"] = Value::from(0);
            probe["error_rate"] = Value::from(0.0);
        }
        load["per_probe"]["health"]["failed"] = Value::from(failed);
        load["per_probe"]["health"]["error_rate"] = Value::from(failed as f64 / 100.0);
        report
    };
    let quiet_base = write("quiet.json", &with_failures(0));
    let one = write("one-5xx.json", &with_failures(1));
    let three = write("three-5xx.json", &with_failures(3));
    let noise = output(diff(&quiet_base, &one, &[])).await;
    assert_eq!(
        noise.status.code(),
        Some(0),
        "one 5xx in 200 requests is not a regression: {}",
        text(&noise.stdout)
    );
    let stdout = text(&noise.stdout);
    assert!(stdout.contains("no regression"), "{stdout}");
    assert!(
        stdout.contains("error_rate (load)") && stdout.contains("+0.50 pt"),
        "shown as a change: {stdout}"
    );
    let real = output(diff(&quiet_base, &three, &[])).await;
    assert_eq!(real.status.code(), Some(1), "{}", text(&real.stdout));
    let stdout = text(&real.stdout);
    assert!(
        stdout
            .lines()
            .any(|line| line.starts_with("dua ") && line.contains("error_rate (load)")),
        "{stdout}"
    );
    let strict = output(diff(&quiet_base, &one, &["--min-failures", "1"])).await;
    assert_eq!(strict.status.code(), Some(1), "{}", text(&strict.stdout));

    // Against itself: nothing shown but the note of what is hidden; --all shows
    // every figure, and a probe's one functional response is one row.
    let same = output(diff(&base_path, &base_path, &[])).await;
    assert_eq!(same.status.code(), Some(0));
    let stdout = text(&same.stdout);
    assert!(!stdout.contains("other changes"), "{stdout}");
    assert!(
        stdout.contains("are hidden; --all shows every figure"),
        "{stdout}"
    );
    let all = output(diff(&base_path, &base_path, &["--all"])).await;
    let stdout = text(&all.stdout);
    let penduduk: Vec<&str> = stdout
        .lines()
        .filter(|line| line.starts_with("satu ") && line.contains(" penduduk "))
        .collect();
    assert!(
        penduduk
            .iter()
            .any(|line| line.contains(" latency (probes) ")),
        "{stdout}"
    );
    assert!(
        !penduduk.iter().any(|line| line.contains(" p95 ")),
        "one response, one row: {stdout}"
    );
    assert!(
        stdout
            .lines()
            .any(|line| line.starts_with("dua ") && line.contains(" p95 (load) ")),
        "{stdout}"
    );
}

/// A scenario as if run against the public service: the sandbox's `resolve` and CA
/// file taken out of the scenario as run (its test conditions).
fn on_the_public_service(scenario: &mut Value) {
    if let Some(defaults) = scenario["effective"]["defaults"].as_object_mut() {
        defaults.remove("resolve");
        defaults.remove("tls");
    }
    if let Some(conditions) = scenario["standards"]["conditions"].as_array_mut() {
        conditions.clear();
    }
}

/// `portfolio`: regions from `service.region`, their mean index and predicate, and
/// the national targets. The indices are set by hand on copies of a real report, so
/// every share and mean is known exactly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portfolio_rolls_regions_up_against_the_targets() {
    let sandbox = start_sandbox().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let scenarios = quick_set(dir.path(), "set", &["dasar"]).await;
    let base_out = dir.path().join("base");
    let mut command = ujilab();
    command
        .envs(sandbox.env())
        .args(shard_args(&scenarios, "1/1", "default", &base_out));
    let base_run = output(command).await;
    assert_eq!(
        base_run.status.code(),
        Some(0),
        "{}",
        text(&base_run.stderr)
    );
    sandbox.shutdown().await;

    let mut report = read_json(&base_out.join("report.json"));
    let mut template = report["scenarios"][0].clone();
    on_the_public_service(&mut template);
    let service = |id: &str, region: Option<(&str, &str, &str)>, index: Option<f64>| {
        let mut scenario = template.clone();
        scenario["service"]["id"] = Value::from(id);
        scenario["service"]["region"] = match region {
            Some((code, name, kind)) => {
                serde_json::json!({"code": code, "name": name, "type": kind})
            }
            None => Value::Null,
        };
        scenario["standards"] = match index {
            Some(index) => serde_json::json!({
                "catalogue": "idsll-core", "version": "2026.1", "index": index,
                "predicate": null, "coverage": 1.0, "verdict": "certified",
                "verdict_reasons": [], "conditions": [], "waived_critical": [],
                "aspects": [], "rules": []
            }),
            None => Value::Null,
        };
        scenario
    };
    let hostile = "<script>alert(1)</script>";
    report["scenarios"] = serde_json::json!([
        service(
            "kab-a-1",
            Some(("32.01", "Kabupaten A", "kabupaten")),
            Some(3.00)
        ),
        service(
            "kab-a-2",
            Some(("32.01", "Kabupaten A", "kabupaten")),
            Some(2.30)
        ),
        service("kab-b-1", Some(("32.02", hostile, "kabupaten")), Some(2.50)),
        service(
            "kab-c-1",
            Some(("32.03", "Kabupaten C", "kabupaten")),
            Some(4.00)
        ),
        service("kab-d-1", Some(("32.04", "Kabupaten D", "kabupaten")), None),
        service("kota-a", Some(("32.71", "Kota A", "kota")), Some(3.80)),
        service("kota-b", Some(("32.72", "Kota B", "kota")), Some(2.59)),
        service("pusat", None, Some(4.5)),
    ]);
    let input = dir.path().join("fleet.json");
    std::fs::write(&input, report.to_string()).expect("write");

    let out = dir.path().join("portfolio");
    let mut command = ujilab();
    command
        .args(["portfolio", "--lang", "en", "--out"])
        .arg(&out)
        .arg(&input);
    let run = output(command).await;
    assert_eq!(
        run.status.code(),
        Some(1),
        "targets not met: {}",
        text(&run.stderr)
    );
    let portfolio = read_json(&out.join("portfolio.json"));
    assert_eq!(portfolio["format"], "ujilab-portfolio/1");
    let regions = portfolio["regions"].as_array().expect("regions");
    assert_eq!(regions.len(), 6);
    assert_eq!(regions[0]["code"], "32.01");
    assert_eq!(regions[0]["index"], 2.65, "mean of 3.00 and 2.30");
    assert_eq!(regions[0]["predicate"]["id"], "Baik");
    assert_eq!(regions[0]["good"], true);
    assert_eq!(regions[1]["predicate"]["id"], "Cukup");
    assert_eq!(regions[3]["index"], Value::Null, "no scored service");
    assert_eq!(regions[5]["index"], 2.59);
    assert_eq!(regions[5]["good"], false, "2.59 is below Baik (2.6)");
    let summary = &portfolio["summary"];
    assert_eq!(
        summary["mean_index"], 3.11,
        "(2.65+2.50+4.00+3.80+2.59)/5 = 3.108"
    );
    assert_eq!(summary["kabupaten"]["scored"], 3);
    assert_eq!(summary["kabupaten"]["good"], 2);
    assert_eq!(summary["kabupaten"]["met"], false);
    assert_eq!(summary["kota"]["good"], 1);
    assert_eq!(summary["kota"]["share"], 0.5);
    assert_eq!(summary["met"], false);
    assert_eq!(portfolio["unassigned"][0]["id"], "pusat");

    let html = std::fs::read_to_string(out.join("portfolio.html")).expect("html");
    assert!(
        !html.contains(hostile) && html.contains("&#60;script&#62;alert(1)"),
        "escaped"
    );
    assert!(
        !html.contains("src=") && !html.contains("href="),
        "self-contained"
    );
    let markdown = std::fs::read_to_string(out.join("portfolio.md")).expect("md");
    assert!(
        markdown.contains("| 32.01 Kabupaten A | kabupaten | 2.65 | Good |"),
        "{markdown}"
    );
    assert!(!markdown.contains("<script"), "{markdown}");

    // Configurable targets: now every one is met.
    let mut command = ujilab();
    command
        .args([
            "portfolio",
            "--quiet",
            "--format",
            "json",
            "--target-index",
            "3.1",
        ])
        .args(["--target-kabupaten", "60%", "--target-kota", "50%", "--out"])
        .arg(&out)
        .arg(&input);
    let run = output(command).await;
    assert_eq!(run.status.code(), Some(0), "{}", text(&run.stderr));
    assert_eq!(
        read_json(&out.join("portfolio.json"))["summary"]["met"],
        true
    );

    let mut command = ujilab();
    command
        .args(["portfolio", "--good", "Hebat", "--out"])
        .arg(&out)
        .arg(&input);
    let run = output(command).await;
    assert_eq!(run.status.code(), Some(2));
    assert!(
        text(&run.stderr).contains("Sangat Baik"),
        "{}",
        text(&run.stderr)
    );
}

/// `portfolio` counts only what it may: an incomplete report, a partial run and a
/// run under test conditions are refused (exit 2, the file named, nothing
/// written) unless allowed; allowed, they are marked in every output and count
/// toward no target. A run cut short that scored better than a complete one
/// cannot meet the mean-index target for it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn portfolio_counts_only_what_it_may() {
    let sandbox = start_sandbox().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let scenarios = quick_set(dir.path(), "set", &["dasar"]).await;
    let base_out = dir.path().join("base");
    let mut command = ujilab();
    command
        .envs(sandbox.env())
        .args(shard_args(&scenarios, "1/1", "default", &base_out));
    let base_run = output(command).await;
    assert_eq!(
        base_run.status.code(),
        Some(0),
        "{}",
        text(&base_run.stderr)
    );
    sandbox.shutdown().await;

    // The real report: run against the sandbox, through `resolve` and its CA.
    let real = read_json(&base_out.join("report.json"));
    let scored = |id: &str, code: &str, index: f64| {
        let mut scenario = real["scenarios"][0].clone();
        scenario["service"]["id"] = Value::from(id);
        scenario["service"]["region"] = serde_json::json!({"code": code, "name": format!("Kabupaten {code}"), "type": "kabupaten"});
        scenario["standards"] = serde_json::json!({
            "catalogue": "idsll-core", "version": "2026.1", "index": index,
            "predicate": null, "coverage": 1.0, "verdict": "certified",
            "verdict_reasons": [], "conditions": [], "waived_critical": [],
            "aspects": [], "rules": []
        });
        scenario
    };
    let file = |name: &str, scenarios: Vec<Value>, complete: bool| {
        let mut report = real.clone();
        report["run"]["complete"] = Value::from(complete);
        report["scenarios"] = Value::Array(scenarios);
        let path = dir.path().join(name);
        std::fs::write(&path, report.to_string()).expect("write");
        path
    };
    let mut clean = scored("kab-a", "32.01", 3.20);
    on_the_public_service(&mut clean);
    let clean = file("clean.json", vec![clean], true);
    // Cut short before the load built up: it scored better than it would have.
    let mut cut = scored("kab-b", "32.02", 3.81);
    on_the_public_service(&mut cut);
    cut["complete"] = Value::from(false);
    let cut = file("cut.json", vec![cut], false);
    let mut partial = scored("kab-c", "32.03", 3.90);
    on_the_public_service(&mut partial);
    partial["overrides"]["no_load"] = Value::from(true);
    partial["phases"]["load"] = serde_json::json!({"status": "skipped", "reason": "--no-load"});
    partial["standards"]["verdict"] = Value::from("not_evaluated");
    partial["standards"]["verdict_reasons"] =
        serde_json::json!([{"code": "partial_run", "flags": ["--no-load"]}]);
    let partial = file("partial.json", vec![partial], true);
    // As run against the sandbox: resolve and a CA file in the scenario.
    let conditions = file(
        "conditions.json",
        vec![scored("kab-d", "32.04", 4.50)],
        true,
    );

    let out = dir.path().join("portfolio");
    let portfolio = |inputs: &[&PathBuf], extra: &[&str]| {
        let mut command = ujilab();
        command
            .args(["portfolio", "--lang", "en", "--out"])
            .arg(&out)
            .args(inputs)
            .args(extra);
        command
    };
    let refused = |result: &Output, needles: &[&str]| {
        assert_eq!(result.status.code(), Some(2), "{}", text(&result.stderr));
        let stderr = text(&result.stderr);
        for needle in needles {
            assert!(stderr.contains(needle), "{needle:?} not in {stderr}");
        }
        assert!(!out.exists(), "nothing written");
    };
    let result = output(portfolio(&[&clean, &cut], &[])).await;
    refused(
        &result,
        &[
            &cut.display().to_string(),
            "kab-b",
            "incomplete",
            "--allow-incomplete",
        ],
    );
    assert!(!text(&result.stderr).contains("clean.json"));
    let result = output(portfolio(&[&clean, &partial], &[])).await;
    refused(
        &result,
        &[&partial.display().to_string(), "partial run (--no-load)"],
    );
    let result = output(portfolio(&[&clean, &conditions], &[])).await;
    refused(
        &result,
        &[
            &conditions.display().to_string(),
            "test conditions (resolve, ca_file)",
            "--allow-test-conditions",
        ],
    );
    // One allowance does not let the other in.
    let result = output(portfolio(
        &[&clean, &cut, &conditions],
        &["--allow-incomplete"],
    ))
    .await;
    refused(&result, &["conditions.json"]);
    assert!(!text(&result.stderr).contains("cut.json"));

    // Allowed: listed, marked, counted toward no target. Counted, the cut-short
    // 3.81 would lift the mean of 3.20 to 3.51 and meet 3.50; it must not.
    let result = output(portfolio(
        &[&clean, &cut, &partial, &conditions],
        &["--allow-incomplete", "--allow-test-conditions"],
    ))
    .await;
    assert_eq!(result.status.code(), Some(1), "{}", text(&result.stderr));
    let json = read_json(&out.join("portfolio.json"));
    let summary = &json["summary"];
    assert_eq!(summary["mean_index"], 3.2, "{summary}");
    assert_eq!(summary["scored_regions"], 1);
    assert_eq!(summary["not_counted"], 3);
    assert_eq!(summary["met"], false);
    assert_eq!(summary["kabupaten"]["scored"], 1);
    let services: Vec<&Value> = json["regions"]
        .as_array()
        .expect("regions")
        .iter()
        .flat_map(|region| region["services"].as_array().expect("services"))
        .collect();
    let caveats = |id: &str| -> Value {
        services
            .iter()
            .find(|s| s["id"] == id)
            .map(|s| s["caveats"].clone())
            .unwrap_or_else(|| panic!("{id} listed"))
    };
    assert_eq!(caveats("kab-a"), serde_json::json!([]));
    assert_eq!(caveats("kab-b"), serde_json::json!(["incomplete"]));
    assert_eq!(caveats("kab-c"), serde_json::json!(["partial_run"]));
    assert_eq!(caveats("kab-d"), serde_json::json!(["test_conditions"]));
    let regions = json["regions"].as_array().expect("regions");
    assert_eq!(
        regions[1]["index"],
        Value::Null,
        "32.02 has no counted service"
    );
    assert_eq!(regions[1]["not_counted"], 1);
    let markdown = std::fs::read_to_string(out.join("portfolio.md")).expect("md");
    assert!(
        markdown.contains("kab-b (3.81, ⚠ not counted: incomplete, the run was cut short)"),
        "{markdown}"
    );
    assert!(
        markdown.contains("kab-d (4.50, ⚠ not counted: test conditions (resolve, ca\\_file))"),
        "{markdown}"
    );
    assert!(markdown.contains("3 service(s) listed but counted toward no target"));
    let html = std::fs::read_to_string(out.join("portfolio.html")).expect("html");
    assert!(
        html.contains("⚠ not counted: partial run (--no-load)"),
        "{html}"
    );
    assert!(html.contains("3 service(s) listed but counted toward no target"));

    // In Indonesian too.
    let mut command = ujilab();
    command
        .args(["portfolio", "--lang", "id", "--format", "md", "--out"])
        .arg(&out)
        .args([&clean, &cut, &partial, &conditions])
        .args(["--allow-incomplete", "--allow-test-conditions"]);
    let result = output(command).await;
    assert_eq!(result.status.code(), Some(1), "{}", text(&result.stderr));
    let markdown = std::fs::read_to_string(out.join("portfolio.md")).expect("md");
    assert!(
        markdown.contains(
            "kab-b (3.81, ⚠ tidak dihitung: tidak lengkap, uji dihentikan sebelum selesai)"
        ),
        "{markdown}"
    );
}

/// Every `ujilab run` and `ujilab merge` line of deploy/ (the Kubernetes Jobs, their
/// README, the CI-matrix example), run as written with `sh -c`: N shard processes
/// side by side, then the merge.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn deploy_docs_command_lines_run_and_merge() {
    let mut run_lines = std::collections::BTreeSet::new();
    let mut merge_lines = std::collections::BTreeSet::new();
    let mut stack = vec![PathBuf::from("deploy")];
    while let Some(path) = stack.pop() {
        if path.is_dir() {
            for entry in std::fs::read_dir(&path).expect("read deploy/") {
                stack.push(entry.expect("entry").path());
            }
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        for line in text.lines().map(str::trim) {
            if line.starts_with("ujilab run ") {
                run_lines.insert(line.to_string());
            } else if line.starts_with("ujilab merge ") {
                merge_lines.insert(line.to_string());
            }
        }
    }
    assert!(
        !run_lines.is_empty() && !merge_lines.is_empty(),
        "deploy/ has the commands"
    );
    assert_eq!(
        run_lines.len(),
        1,
        "one shard command everywhere: {run_lines:#?}"
    );

    let sandbox = start_sandbox().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let scenarios = quick_set(
        dir.path(),
        "scenarios",
        &["a-1", "b-2", "c-3", "d-4", "e-5"],
    )
    .await;
    let reports = dir.path().join("reports");
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_ujilab"))
        .parent()
        .expect("bin dir")
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let sandbox_env = sandbox.env();
    let sh = |line: &str, shard: u32| {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(line)
            .env_remove("RUST_LOG")
            .env_remove("GITHUB_STEP_SUMMARY")
            .env("PATH", &path)
            .env("SCENARIOS", &scenarios)
            .env("REPORTS", &reports)
            .env("SHARD", shard.to_string())
            .env("SHARDS", "3")
            .env("VANTAGE", "docs")
            .envs(sandbox_env.clone());
        command
    };
    let shards: Vec<_> = (1..=3)
        .map(|k| {
            let line = run_lines.first().cloned().unwrap_or_default();
            let mut command = sh(&line, k);
            tokio::task::spawn_blocking(move || command.output())
        })
        .collect();
    for shard in shards {
        let result = shard.await.expect("join").expect("sh runs");
        assert_eq!(result.status.code(), Some(0), "{}", text(&result.stderr));
    }
    sandbox.shutdown().await;
    for line in &merge_lines {
        let merged = output(sh(line, 0)).await;
        assert_eq!(
            merged.status.code(),
            Some(0),
            "{line}: {}",
            text(&merged.stderr)
        );
        let report = read_json(&reports.join("merged").join("report.json"));
        assert_eq!(report["run"]["complete"], true);
        assert_eq!(report["gate"], "pass");
        assert_eq!(report["plan"]["entries"], 5);
        assert_eq!(report["scenarios"].as_array().map(Vec::len), Some(5));
        assert_eq!(report["merge"]["sources"].as_array().map(Vec::len), Some(3));
        for name in ["report.html", "junit.xml", "summary.md", "metrics.prom"] {
            assert!(reports.join("merged").join(name).is_file(), "{name}");
        }
    }
}
