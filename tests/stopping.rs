//! Ctrl-C and SIGTERM during a functional probe, through the real binary: the probe
//! in flight is cancelled at once (not waited out to its 30 s timeout), and the
//! reports are written, even when the signal comes twice. The service is a listener
//! on 127.0.0.1 that accepts and never answers.

use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::net::TcpListener;

use crate::support::ujilab_command;

/// Accepts connections and holds them open without a word.
async fn silent() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((stream, _)) = listener.accept().await {
            held.push(stream);
        }
    });
    addr
}

fn signal(pid: u32, name: &str) {
    let sent = Command::new("kill")
        .args([format!("-{name}"), pid.to_string()])
        .status()
        .expect("kill");
    assert!(sent.success());
}

/// Runs a scenario whose second probe hangs, sends `signals` (name, delay after the
/// previous one), and returns the exit code, how long the run took after the first
/// signal, and report.json.
async fn stopped_by(signals: &[(&str, Duration)]) -> (Option<i32>, Duration, Value) {
    let addr = silent().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let yaml = format!(
        r#"
version: 1
service:
  id: stopped
  base_url: http://127.0.0.1:{port}
probes:
  - id: hangs
    request: {{ path: /never }}
    timeout: 30s
  - id: after
    request: {{ path: /after }}
"#,
        port = addr.port()
    );
    std::fs::write(dir.path().join("scenario.yaml"), yaml).expect("write");
    let mut child = ujilab_command()
        .arg("run")
        .arg(dir.path().join("scenario.yaml"))
        .arg("--out")
        .arg(dir.path().join("out"))
        .args(["--no-progress", "--lang", "en"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn");
    let pid = child.id();
    let mut first = None;
    for (name, delay) in signals {
        tokio::time::sleep(*delay).await;
        first.get_or_insert_with(Instant::now);
        signal(pid, name);
    }
    let status = tokio::task::spawn_blocking(move || child.wait())
        .await
        .expect("join")
        .expect("wait");
    let took = first.map(|at| at.elapsed()).unwrap_or_default();
    let text = std::fs::read_to_string(dir.path().join("out/report.json")).expect("report.json");
    (
        status.code(),
        took,
        serde_json::from_str(&text).expect("json"),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_cancels_the_probe_in_flight_and_writes_the_report() {
    let (code, took, report) = stopped_by(&[("INT", Duration::from_secs(1))]).await;
    assert_eq!(code, Some(130));
    assert!(took < Duration::from_secs(5), "took {took:?} after Ctrl-C");
    assert_eq!(report["run"]["complete"], false);
    // The probe in flight measured nothing: it is not reported as the service's failure.
    let probes = report["scenarios"][0]["probes"].as_array().expect("probes");
    assert!(probes.is_empty(), "{probes:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_does_the_same() {
    let (code, took, report) = stopped_by(&[("TERM", Duration::from_secs(1))]).await;
    assert_eq!(code, Some(143));
    assert!(took < Duration::from_secs(5), "took {took:?} after SIGTERM");
    assert_eq!(report["run"]["complete"], false);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_ctrl_c_still_writes_the_report() {
    let (code, took, report) = stopped_by(&[
        ("INT", Duration::from_secs(1)),
        ("INT", Duration::from_millis(20)),
    ])
    .await;
    assert_eq!(code, Some(130));
    assert!(took < Duration::from_secs(5), "took {took:?}");
    assert_eq!(report["run"]["complete"], false);
}
