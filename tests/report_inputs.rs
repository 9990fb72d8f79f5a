//! What `merge`, `diff`, `portfolio`, `standards check` and `--ca-file` read,
//! through the real binary: special and huge files are bad input (exit 2) at
//! once, never a hang or a memory spike; merge refuses a report whose figures
//! disagree, naming the file and what disagrees; one run per output folder.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;

use sandbox::{Sandbox, SandboxConfig};

use crate::support::{text, ujilab_command};

/// Refusing a file must not take a debug build on a busy machine longer than
/// this; reading 256 MiB of /dev/zero would.
const FAST: Duration = Duration::from_secs(10);

/// A hang fails the test instead of stalling the suite.
const DEADLINE: Duration = Duration::from_secs(60);

const SCENARIO: &str = "version: 1\nservice: { id: kab-a, base_url: \"http://127.0.0.1:9\" }\nprobes:\n  - id: health\n    request: { path: /health }\n";

/// Runs `command` to completion, killing it (and failing) past the deadline;
/// the output and how long it took.
fn run_within(command: &mut Command) -> (Output, Duration) {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ujilab");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return (child.wait_with_output().expect("output"), started.elapsed());
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let output = child.wait_with_output().expect("output");
            panic!(
                "ujilab still running after {DEADLINE:?}: {command:?}\n{}",
                text(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `command` exits 2 fast, with every needle on stderr.
fn refused_fast(command: &mut Command, needles: &[&str]) {
    let (output, took) = run_within(command);
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{command:?}: {stderr}");
    for needle in needles {
        assert!(stderr.contains(needle), "{needle:?} not in {stderr}");
    }
    assert!(took < FAST, "{command:?} took {took:?}");
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

#[cfg(unix)]
#[test]
fn report_readers_refuse_special_and_huge_files_at_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let fifo = root.join("report.fifo");
    mkfifo(&fifo);
    // 300 MiB that take no disk: refused from its size, never read.
    let huge = root.join("huge.json");
    std::fs::File::create(&huge)
        .and_then(|file| file.set_len(300 << 20))
        .expect("sparse file");
    let zero = PathBuf::from("/dev/zero");
    let out = root.join("out");
    let cases: [(&Path, &str); 3] = [
        (&fifo, "it is a FIFO (named pipe), not a regular file"),
        (&zero, "it is a character device, not a regular file"),
        (&huge, "it is larger than 256 MiB"),
    ];
    for (path, message) in cases {
        let shown = path.display().to_string();
        let needles = [shown.as_str(), message];
        refused_fast(
            ujilab_command()
                .arg("merge")
                .arg(path)
                .arg("--out")
                .arg(&out),
            &needles,
        );
        refused_fast(ujilab_command().arg("diff").arg(path).arg(path), &needles);
        refused_fast(
            ujilab_command()
                .arg("portfolio")
                .arg(path)
                .arg("--out")
                .arg(&out),
            &needles,
        );
        assert!(!out.exists(), "nothing written for {shown}");
    }

    // The catalogue given to `standards check`, and a CA file from the command
    // line (never validated as a scenario's `tls.ca_file` is).
    for (path, message) in [
        (&fifo, "it is a FIFO (named pipe), not a regular file"),
        (&zero, "it is a character device, not a regular file"),
    ] {
        let shown = path.display().to_string();
        refused_fast(
            ujilab_command().args(["standards", "check"]).arg(path),
            &[shown.as_str(), message],
        );
    }
    std::fs::write(root.join("a.yaml"), SCENARIO).expect("write");
    for (path, message) in [
        (&fifo, "it is a FIFO (named pipe), not a regular file"),
        (&zero, "it is a character device, not a regular file"),
    ] {
        refused_fast(
            ujilab_command()
                .current_dir(root)
                .args(["run", "a.yaml", "--no-progress", "--out", "run-out"])
                .arg("--ca-file")
                .arg(path),
            &["cannot read CA file", message],
        );
    }
}

/// A scenario with load and availability against the sandbox's dukcapil.
const LOADED: &str = r#"version: 1
service:
  id: kab-beban
  base_url: https://dukcapil.contohkab.go.id:${env:UJILAB_SANDBOX_HTTPS_PORT}
defaults:
  timeout: 5s
  resolve: { dukcapil.contohkab.go.id: 127.0.0.1 }
  tls: { ca_file: "${env:UJILAB_SANDBOX_CA}" }
probes:
  - id: health
    request: { path: /health }
    expect: { status: 200 }
  - id: penduduk
    request: { path: /api/v1/penduduk/3299010101900001 }
    expect: { status: 200 }
availability:
  probes: [health]
  every: 50ms
  samples: 3
load:
  probes: { health: 1, penduduk: 1 }
  model: open
  rate: 20/s
  duration: 1s
"#;

fn read_json(path: &Path) -> Value {
    let text =
        std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()));
    serde_json::from_str(&text).expect("JSON")
}

/// Runs the loaded scenario once as shard 1/1; its report.json.
async fn loaded_report(dir: &Path) -> PathBuf {
    run::client::install_crypto_provider();
    let sandbox = Sandbox::start(SandboxConfig::ephemeral())
        .await
        .expect("sandbox starts");
    std::fs::write(dir.join("beban.yaml"), LOADED).expect("write");
    let mut command = ujilab_command();
    command.envs(sandbox.env()).current_dir(dir).args([
        "run",
        "beban.yaml",
        "--no-progress",
        "--quiet",
        "--format",
        "json",
        "--shard",
        "1/1",
        "--out",
        "run",
    ]);
    let output = tokio::task::spawn_blocking(move || run_within(&mut command).0)
        .await
        .expect("join");
    sandbox.shutdown().await;
    assert!(
        matches!(output.status.code(), Some(0 | 1)),
        "{}",
        text(&output.stderr)
    );
    dir.join("run/report.json")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn merge_refuses_a_report_whose_figures_disagree() {
    let dir = tempfile::tempdir().expect("temp dir");
    let original = loaded_report(dir.path()).await;
    let report = read_json(&original);
    let scenario = &report["scenarios"][0];
    assert_eq!(scenario["phases"]["load"]["status"], "ran", "{scenario:#}");
    let requests = scenario["load"]["requests"].as_u64().expect("requests");
    assert!(requests > 0);

    // As written, it merges.
    let out = dir.path().join("merged");
    let (merged, _) = run_within(
        ujilab_command()
            .arg("merge")
            .arg(&original)
            .args(["--format", "json", "--out"])
            .arg(&out),
    );
    assert!(
        matches!(merged.status.code(), Some(0 | 1)),
        "{}",
        text(&merged.stderr)
    );
    assert!(out.join("report.json").is_file());

    type Edit = Box<dyn Fn(&mut Value)>;
    let per_probe_histogram = scenario["load"]["per_probe"]["health"]["histogram"].clone();
    let cases: Vec<(&str, Edit, String)> = vec![
        (
            "failed",
            Box::new(move |s: &mut Value| {
                s["load"]["failed"] = Value::from(requests * 1000);
            }),
            format!(
                "load.failed ({}) is greater than load.requests ({requests})",
                requests * 1000
            ),
        ),
        (
            "histogram",
            Box::new(move |s: &mut Value| {
                s["load"]["histogram"] = per_probe_histogram.clone();
            }),
            "the count of load.histogram".to_string(),
        ),
        (
            "no-load",
            Box::new(|s: &mut Value| s["load"] = Value::Null),
            "phases.load is `ran` but the load section is missing".to_string(),
        ),
        (
            "availability",
            Box::new(|s: &mut Value| {
                s["availability"]["up"] = Value::from(1000);
            }),
            "availability.up (1000) is greater than availability.samples".to_string(),
        ),
    ];
    for (name, edit, message) in cases {
        let mut edited = report.clone();
        edit(&mut edited["scenarios"][0]);
        let file = dir.path().join(format!("{name}.json"));
        std::fs::write(&file, edited.to_string()).expect("write");
        let out = dir.path().join(format!("out-{name}"));
        refused_fast(
            ujilab_command()
                .arg("merge")
                .arg(&file)
                .arg("--out")
                .arg(&out),
            &[
                &format!(
                    "{}: scenario kab-beban: inconsistent figures",
                    file.display()
                ),
                &message,
            ],
        );
        assert!(!out.exists(), "{name}: nothing written");
    }
}

/// A second run into a folder another run holds fails with exit 3, naming the
/// holder's run id and pid; the reports already there stay. A lock left by a
/// process that ended is no lock (the system drops it with the process).
#[cfg(unix)]
#[test]
fn one_run_per_output_folder() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    std::fs::write(root.join("a.yaml"), SCENARIO).expect("write");
    let out = root.join("out");
    std::fs::create_dir(&out).expect("mkdir");
    std::fs::write(out.join("report.json"), "earlier").expect("write");
    // Another process holds the lock: flock(1) from util-linux, as another
    // ujilab would (`-o`: flock holds it, not the `sleep` it starts).
    let lock = out.join(".ujilab.lock");
    std::fs::write(&lock, "run 18c0ffee-2a\npid 4242\n").expect("write");
    let mut holder = Command::new("flock")
        .arg("-o")
        .arg(&lock)
        .args(["sleep", "30"])
        .stdin(Stdio::null())
        .spawn()
        .expect("flock(1) is installed");
    // Until flock has the lock, a run would just take it.
    let started = Instant::now();
    while std::fs::File::open(&lock).expect("open").try_lock().is_ok() {
        assert!(started.elapsed() < FAST, "flock never took the lock");
        std::thread::sleep(Duration::from_millis(20));
    }
    let (output, _) = run_within(ujilab_command().current_dir(root).args([
        "run",
        "a.yaml",
        "--no-progress",
        "--out",
        "out",
    ]));
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "{stderr}");
    assert!(
        stderr.contains("another ujilab run (run 18c0ffee-2a, pid 4242)"),
        "{stderr}"
    );
    assert_eq!(
        std::fs::read_to_string(out.join("report.json")).expect("read"),
        "earlier"
    );
    let _ = holder.kill();
    let _ = holder.wait();

    // The holder ended: the lock file it left is no lock.
    let (output, _) = run_within(ujilab_command().current_dir(root).args([
        "run",
        "a.yaml",
        "--no-progress",
        "--out",
        "out",
    ]));
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let report = read_json(&out.join("report.json"));
    let run_id = report["run"]["id"].as_str().expect("run id").to_string();
    assert!(!lock.exists(), "the lock file is removed after the write");
    // Every file of the set carries the run id.
    for name in ["report.html", "junit.xml", "summary.md"] {
        let written = std::fs::read_to_string(out.join(name)).expect(name);
        assert!(written.contains(&run_id), "{name} lacks {run_id}");
    }
}
