//! No unearned pass: runs that test nothing, arguments that name nothing, flags
//! that skip a phase and runs cut short, through the real binary. Services are the
//! in-process sandbox on 127.0.0.1.

use std::path::Path;
use std::process::Output;

use serde_json::Value;

use crate::support::{
    assert_exit_code, run_command, run_command_off_runtime, start_sandbox, text, ujilab_command,
};

fn read_report(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("report.json")).expect("report.json written");
    serde_json::from_str(&text).expect("report.json is JSON")
}

/// The demo's licensing portal without its `load:` section.
fn perizinan_without_load() -> String {
    let text = std::fs::read_to_string("scenarios/demo/perizinan.yaml").expect("demo scenario");
    let mut kept = Vec::new();
    let mut in_load = false;
    for line in text.lines() {
        if !line.starts_with(' ') && !line.is_empty() {
            in_load = line.starts_with("load:");
        }
        if !in_load {
            kept.push(line);
        }
    }
    kept.join("\n")
}

fn run_in(dir: &Path, args: &[&str], out: &Path) -> Output {
    run_command(
        ujilab_command()
            .args(["run", "--no-progress", "--lang", "en"])
            .args(args)
            .arg(dir)
            .arg("--out")
            .arg(out),
    )
}

#[test]
fn a_run_that_tests_nothing_is_bad_input() {
    let out = tempfile::tempdir().expect("temp dir");

    // An empty folder.
    let empty = tempfile::tempdir().expect("temp dir");
    let output = run_in(empty.path(), &[], out.path());
    assert_exit_code(&output, 2);
    let stderr = text(&output.stderr);
    assert!(stderr.contains("no scenario to test in"), "{stderr}");
    assert!(
        !out.path().join("report.json").exists(),
        "no report of nothing"
    );

    // Every file skipped as not a scenario: each is named.
    let others = tempfile::tempdir().expect("temp dir");
    std::fs::write(
        others.path().join("ci.yaml"),
        "jobs: { build: { runs-on: x } }\n",
    )
    .expect("write");
    std::fs::write(others.path().join("mkdocs.yml"), "site_name: docs\n").expect("write");
    let output = run_in(others.path(), &[], out.path());
    assert_exit_code(&output, 2);
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("2 YAML file(s) skipped as not scenarios")
            && stderr.contains("ci.yaml")
            && stderr.contains("mkdocs.yml"),
        "{stderr}"
    );

    // `validate` agrees with `run`.
    let output = run_command(ujilab_command().arg("validate").arg(empty.path()));
    assert_exit_code(&output, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skipped_files_are_listed_in_every_report() {
    let sandbox = start_sandbox().await;
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("perizinan.yaml"), perizinan_without_load()).expect("write");
    std::fs::write(dir.path().join("mkdocs.yml"), "site_name: Dokumentasi\n").expect("write");
    let out = tempfile::tempdir().expect("temp dir");
    let mut command = ujilab_command();
    command
        .envs(sandbox.env())
        .args(["run", "--no-progress", "--lang", "en", "--no-availability"])
        .arg(dir.path())
        .arg("--out")
        .arg(out.path());
    let output = run_command_off_runtime(command).await;
    sandbox.shutdown().await;
    let skipped = dir.path().join("mkdocs.yml").display().to_string();
    let report = read_report(out.path());
    assert_eq!(report["run"]["skipped"], serde_json::json!([skipped]));
    for file in ["summary.md", "report.html", "junit.xml"] {
        let written = std::fs::read_to_string(out.path().join(file)).expect(file);
        assert!(written.contains("mkdocs.yml"), "{file} does not list it");
    }
    assert!(text(&output.stdout).contains("mkdocs.yml"), "terminal");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn arguments_that_name_nothing_are_bad_input() {
    let sandbox = start_sandbox().await;
    let out = tempfile::tempdir().expect("temp dir");
    let demo = Path::new("scenarios/demo");
    let seen_before = sandbox.requests_seen(sandbox::Service::Dukcapil);

    let mut command = ujilab_command();
    command.envs(sandbox.env());
    command
        .args(["run", "--no-progress", "--only", "helth", "--out"])
        .arg(out.path())
        .arg(demo);
    let output = run_command_off_runtime(command).await;
    assert_exit_code(&output, 2);
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("--only helth") && stderr.contains("did you mean `health`?"),
        "{stderr}"
    );

    let mut command = ujilab_command();
    command.envs(sandbox.env());
    command
        .args(["run", "--no-progress", "--set", "nikk=1", "--out"])
        .arg(out.path())
        .arg(demo);
    let output = run_command_off_runtime(command).await;
    assert_exit_code(&output, 2);
    let stderr = text(&output.stderr);
    assert!(
        stderr.contains("--set nikk") && stderr.contains("did you mean `nik`?"),
        "{stderr}"
    );
    assert_eq!(
        sandbox.requests_seen(sandbox::Service::Dukcapil),
        seen_before,
        "an argument error probes nothing"
    );
    sandbox.shutdown().await;
}

#[test]
fn a_shard_that_owns_nothing_says_so_and_passes() {
    let dir = tempfile::tempdir().expect("temp dir");
    // One scenario: one shard of two owns it, the other owns nothing. The owner
    // fails (nothing listens on port 1); the other runs nothing, and says so.
    std::fs::write(
        dir.path().join("one.yaml"),
        "version: 1\nservice: { id: one, base_url: \"http://127.0.0.1:1\" }\nprobes:\n  - id: p\n    request: { path: / }\n    expect: { status: 200 }\n",
    )
    .expect("write");
    let mut codes = Vec::new();
    for shard in ["1/2", "2/2"] {
        let out = tempfile::tempdir().expect("temp dir");
        let output = run_in(dir.path(), &["--shard", shard], out.path());
        let stderr = text(&output.stderr);
        let owns_none = stderr.contains("owns none of the 1 scenario(s)");
        codes.push((owns_none, output.status.code()));
        if owns_none {
            let report = read_report(out.path());
            assert_eq!(report["scenarios"], serde_json::json!([]));
            assert_eq!(
                report["plan"]["entries"], 1,
                "the merge still accounts for it"
            );
        }
    }
    codes.sort();
    assert_eq!(codes, [(false, Some(1)), (true, Some(0))]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flag_marks_only_what_it_skips() {
    let sandbox = start_sandbox().await;
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("perizinan.yaml"), perizinan_without_load()).expect("write");
    let run = |flags: &[&str]| {
        let out = tempfile::tempdir().expect("temp dir");
        let mut command = ujilab_command();
        command
            .envs(sandbox.env())
            .args(["run", "--no-progress", "--lang", "en"])
            .args(flags)
            .arg(dir.path())
            .arg("--out")
            .arg(out.path());
        (command, out)
    };

    let (command, plain_out) = run(&[]);
    let plain = run_command_off_runtime(command).await;
    let (command, flagged_out) = run(&["--no-load"]);
    let flagged = run_command_off_runtime(command).await;
    let (command, skipped_out) = run(&["--no-availability"]);
    let skipped = run_command_off_runtime(command).await;
    sandbox.shutdown().await;

    // --no-load on a scenario without `load:` changes nothing.
    let (plain_report, flagged_report) = (
        read_report(plain_out.path()),
        read_report(flagged_out.path()),
    );
    let standards = |report: &Value| report["scenarios"][0]["standards"].clone();
    assert_ne!(standards(&plain_report)["verdict"], "not_evaluated");
    assert_eq!(
        standards(&flagged_report)["verdict"],
        standards(&plain_report)["verdict"]
    );
    assert_eq!(
        standards(&flagged_report)["verdict_reasons"],
        standards(&plain_report)["verdict_reasons"]
    );
    assert_eq!(flagged.status.code(), plain.status.code());

    // --no-availability did skip sampling: not evaluated, naming that flag only.
    let skipped_report = read_report(skipped_out.path());
    assert_eq!(standards(&skipped_report)["verdict"], "not_evaluated");
    assert_eq!(
        standards(&skipped_report)["verdict_reasons"],
        serde_json::json!([{ "code": "partial_run", "flags": ["--no-availability"] }])
    );
    let stdout = text(&skipped.stdout);
    assert!(
        stdout.contains("Not evaluated"),
        "the terminal shows it: {stdout}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn require_verdict_fails_any_verdict_but_certified() {
    let sandbox = start_sandbox().await;
    let out = tempfile::tempdir().expect("temp dir");
    let mut command = ujilab_command();
    command
        .envs(sandbox.env())
        .args([
            "run",
            "--no-progress",
            "--no-load",
            "--no-availability",
            "--require-verdict",
        ])
        .arg("scenarios/demo/dukcapil.yaml")
        .arg("--out")
        .arg(out.path());
    let output = run_command_off_runtime(command).await;
    sandbox.shutdown().await;
    assert_exit_code(&output, 1);
    let report = read_report(out.path());
    let scenario = &report["scenarios"][0];
    assert_eq!(scenario["standards"]["verdict"], "not_evaluated");
    assert_eq!(scenario["standards"]["verdict_gate"], "certified");
    assert_eq!(
        scenario["gate_reasons"],
        serde_json::json!(["standards verdict not_evaluated"])
    );
    let junit = std::fs::read_to_string(out.path().join("junit.xml")).expect("junit.xml");
    assert!(
        junit.contains("<failure"),
        "the certification case fails: {junit}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_cut_short_has_no_verdict_and_fails() {
    let sandbox = start_sandbox().await;
    let out = tempfile::tempdir().expect("temp dir");
    let dir = tempfile::tempdir().expect("temp dir");
    // A load long enough to be cut by --max-duration.
    let scenario = std::fs::read_to_string("scenarios/demo/perizinan.yaml")
        .expect("demo scenario")
        .replace("duration: 3s", "duration: 60s");
    std::fs::write(dir.path().join("perizinan.yaml"), scenario).expect("write");
    let mut command = ujilab_command();
    command
        .envs(sandbox.env())
        .args([
            "run",
            "--no-progress",
            "--lang",
            "en",
            "--max-duration",
            "4s",
        ])
        .arg(dir.path())
        .arg("--out")
        .arg(out.path());
    let output = run_command_off_runtime(command).await;
    sandbox.shutdown().await;
    assert_exit_code(&output, 1);
    let report = read_report(out.path());
    assert_eq!(report["run"]["complete"], false);
    let scenario = &report["scenarios"][0];
    let standards = &scenario["standards"];
    assert_eq!(standards["verdict"], "not_evaluated");
    assert_eq!(
        standards["verdict_reasons"],
        serde_json::json!([{ "code": "interrupted" }])
    );
    assert_eq!(standards["provisional"], true);
    assert_eq!(
        standards["predicate"],
        Value::Null,
        "a provisional index has no band"
    );
    assert!(
        standards["index"].is_number(),
        "what was measured is still shown"
    );
    assert_eq!(scenario["gate"], "fail");
    let stdout = text(&output.stdout);
    assert!(
        stdout.contains("(provisional)") && stdout.contains("Not evaluated"),
        "{stdout}"
    );
}
