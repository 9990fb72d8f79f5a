//! The Ombudsman compliance simulation (`profile: ombudsman-kepatuhan`, issue
//! 14.8) through the binary against the sandbox's dukcapil: the same scenario
//! as the demo's with only the profile changed. Its rules are scored 0..3, the
//! index is reported 0..100 in the Ombudsman's zones, and every report says it
//! is a simulation, not an Ombudsman assessment.

use std::path::Path;

use sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;

use crate::support::{text, ujilab_command};

const DUKCAPIL: &str = include_str!("../scenarios/demo/dukcapil.yaml");

fn read_json(path: &Path) -> Value {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    serde_json::from_str(&text).expect("JSON")
}

/// The index the report should state, worked out again from its own rules: the
/// mean level of each aspect's counted rules, weighted by the aspects, placed
/// on 0..100 and rounded to hundredths.
fn index_from_rules(standards: &Value) -> f64 {
    let weight_of = |id: &str| -> f64 {
        let catalogue = input::catalogue::ombudsman().expect("built in");
        catalogue.aspect(id).map_or(0.0, |aspect| aspect.weight)
    };
    let mut weighted = 0.0;
    let mut weights = 0.0;
    for aspect in standards["aspects"].as_array().expect("aspects") {
        let id = aspect["id"].as_str().expect("id");
        let levels: Vec<f64> = standards["rules"]
            .as_array()
            .expect("rules")
            .iter()
            .filter(|rule| rule["aspect"] == id && rule["outcome"] == "level")
            // Officers' statements weigh nothing unless the catalogue counts them.
            .filter(|rule| rule["effective_weight"].as_f64() != Some(0.0))
            .filter_map(|rule| rule["level"].as_f64())
            .collect();
        if levels.is_empty() {
            continue;
        }
        let mean = levels.iter().sum::<f64>() / levels.len() as f64;
        weighted += weight_of(id) * mean;
        weights += weight_of(id);
    }
    (weighted / weights / 3.0 * 100.0 * 100.0).round() / 100.0
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_ombudsman_profile_scores_the_demo_service_zero_to_a_hundred() {
    run::client::install_crypto_provider();
    let sandbox = Sandbox::start(SandboxConfig::ephemeral())
        .await
        .expect("sandbox starts");
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = DUKCAPIL.replace("profile: idsll-core", "profile: ombudsman-kepatuhan");
    assert_ne!(scenario, DUKCAPIL, "the demo scenario names its profile");
    std::fs::write(dir.path().join("dukcapil.yaml"), scenario).expect("write");
    let mut command = ujilab_command();
    command.envs(sandbox.env()).current_dir(dir.path()).args([
        "run",
        "dukcapil.yaml",
        "--no-progress",
        "--quiet",
        "--lang",
        "id",
        "--format",
        "json,html,junit",
        "--out",
        "out",
    ]);
    let output = tokio::task::spawn_blocking(move || command.output().expect("runs"))
        .await
        .expect("join");
    sandbox.shutdown().await;
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        text(&output.stderr)
    );

    let report = read_json(&dir.path().join("out/report.json"));
    let standards = &report["scenarios"][0]["standards"];
    assert_eq!(standards["catalogue"], "ombudsman-kepatuhan");
    assert_eq!(standards["scale"]["lowest"], 0);
    assert_eq!(standards["scale"]["highest"], 3);
    assert_eq!(standards["scale"]["index_highest"], 100.0);
    let level = |code: &str| -> Value {
        standards["rules"]
            .as_array()
            .expect("rules")
            .iter()
            .find(|rule| rule["code"] == code)
            .map(|rule| rule["level"].clone())
            .unwrap_or_else(|| panic!("no rule {code}"))
    };
    // Dukcapil's service-standard page names all six components: indicators 1-5
    // are at the top of the scale; its complaints page links SP4N-LAPOR!.
    for code in ["OM-01", "OM-02", "OM-03", "OM-04", "OM-05"] {
        assert_eq!(level(code), 3, "{code}");
    }
    // No officer stated anything: those indicators are shown, never counted.
    for code in ["OM-10", "OM-14", "OM-15"] {
        let rule = standards["rules"]
            .as_array()
            .expect("rules")
            .iter()
            .find(|rule| rule["code"] == code)
            .expect("rule");
        assert_eq!(rule["effective_weight"], 0.0, "{code}: {rule}");
    }
    let index = standards["index"].as_f64().expect("an index");
    assert!((0.0..=100.0).contains(&index), "{index}");
    assert_eq!(index, index_from_rules(standards), "{standards}");
    let zone = standards["predicate"]["id"].as_str().expect("a zone");
    let expected_zone = if index >= 81.0 {
        "Zona hijau"
    } else if index >= 51.0 {
        "Zona kuning"
    } else {
        "Zona merah"
    };
    assert!(zone.starts_with(expected_zone), "{index}: {zone}");
    assert_eq!(
        standards["verdict"] == "certified",
        index >= 81.0,
        "memenuhi syarat only in the green zone: {index}"
    );
    let disclaimer = standards["disclaimer"]["id"].as_str().expect("disclaimer");
    assert!(
        disclaimer.contains("bukan sertifikasi resmi IDSLL")
            && disclaimer.contains("bukan penilaian/opini Ombudsman"),
        "{disclaimer}"
    );

    let html = std::fs::read_to_string(dir.path().join("out/report.html")).expect("html");
    assert!(
        html.contains("Indeks (0–100)"),
        "the index heading names its range"
    );
    assert!(html.contains(">0–3</th>"), "the aspect bars run over 0..3");
    assert!(html.contains("bukan penilaian/opini Ombudsman"));
    let junit = std::fs::read_to_string(dir.path().join("out/junit.xml")).expect("junit");
    assert!(junit.contains("bukan penilaian/opini Ombudsman"));
}

#[test]
fn standards_list_names_the_scale_and_the_disclaimer() {
    let output = ujilab_command()
        .args([
            "standards",
            "list",
            "--profile",
            "ombudsman-kepatuhan",
            "--lang",
            "id",
        ])
        .output()
        .expect("runs");
    let listed = text(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    assert!(
        listed.contains("Skala: tingkat 0–3 per kriteria; indeks 0–100."),
        "{listed}"
    );
    assert!(
        listed.contains("bukan penilaian/opini Ombudsman"),
        "{listed}"
    );
    assert!(listed.contains("OM-12"), "{listed}");
    let unknown = ujilab_command()
        .args(["standards", "list", "--profile", "ombudsman-kepatuhn"])
        .output()
        .expect("runs");
    assert_eq!(unknown.status.code(), Some(2));
    assert!(text(&unknown.stderr).contains("ombudsman-kepatuhan"));
}
