//! The load engine at its limits, through the real binary against a keep-alive
//! HTTP/1.1 server on 127.0.0.1: a rate the service cannot serve is "not sustained"
//! even when nothing is dropped, and each failure kind keeps its first example; slots
//! are started as needed (a high `concurrency` at a low rate opens a few connections,
//! not one per slot); a rate the client cannot reach still ends on time, and SIGINT or
//! `--max-duration` stops it with a report written.

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use crate::support::{run_command_off_runtime, text, ujilab_command};

/// What the server saw.
#[derive(Default)]
struct Seen {
    connections: AtomicU64,
    requests: AtomicU64,
}

/// A keep-alive server: each request is answered after `delay`; every fourth
/// request (from the second on) gets a 503 when `fail_some`.
async fn serve(delay: Duration, fail_some: bool) -> (SocketAddr, Arc<Seen>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let seen = Arc::new(Seen::default());
    let counts = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            counts.connections.fetch_add(1, Ordering::Relaxed);
            let counts = Arc::clone(&counts);
            tokio::spawn(async move {
                let mut buf = Vec::new();
                let mut chunk = [0u8; 4096];
                loop {
                    while let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
                        buf.drain(..end + 4);
                        let n = counts.requests.fetch_add(1, Ordering::Relaxed);
                        tokio::time::sleep(delay).await;
                        let status = if fail_some && n % 4 == 3 {
                            "503 Service Unavailable"
                        } else {
                            "200 OK"
                        };
                        let reply = format!("HTTP/1.1 {status}\r\nContent-Length: 2\r\n\r\nok");
                        if stream.write_all(reply.as_bytes()).await.is_err() {
                            return;
                        }
                    }
                    match stream.read(&mut chunk).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => buf.extend_from_slice(&chunk[..n]),
                    }
                }
            });
        }
    });
    (addr, seen)
}

fn scenario(addr: SocketAddr, load: &str) -> String {
    format!(
        r#"
version: 1
service:
  id: load-limits
  base_url: http://127.0.0.1:{port}
probes:
  - id: page
    request: {{ path: /page }}
    timeout: 10s
load:
  probes: [page]
{load}
"#,
        port = addr.port()
    )
}

fn command(dir: &Path, yaml: &str) -> Command {
    std::fs::write(dir.join("scenario.yaml"), yaml).expect("write scenario");
    let mut command = ujilab_command();
    command
        .arg("run")
        .arg(dir.join("scenario.yaml"))
        .arg("--out")
        .arg(dir.join("out"))
        .args(["--no-progress", "--lang", "en"]);
    command
}

fn load_of(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("out/report.json")).expect("report.json");
    let report: Value = serde_json::from_str(&text).expect("json");
    report["scenarios"][0]["load"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_served_short_is_not_sustained_and_failures_keep_an_example() {
    // Two slots of 100 ms each serve 20/s; 40/s is asked for 2 s. Nothing waits
    // past the 10 s timeout, so nothing is dropped.
    let (addr, _) = serve(Duration::from_millis(100), true).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let yaml = scenario(addr, "  rate: 40/s\n  concurrency: 2\n  duration: 2s\n");
    let output = run_command_off_runtime(command(dir.path(), &yaml)).await;
    let stdout = text(&output.stdout);
    let load = load_of(dir.path());
    assert_eq!(load["dropped"], 0, "{load:#}");
    assert_eq!(load["rate_sustained"], false, "{load:#}");
    let achieved = load["achieved_rate"].as_f64().expect("achieved_rate");
    assert!((15.0..30.0).contains(&achieved), "achieved {achieved}/s");
    let notes = load["notes"].to_string();
    assert!(notes.contains("target rate not sustained"), "{notes}");
    assert!(stdout.contains("target rate not sustained"), "{stdout}");

    let example = &load["first_failures"]["http_5xx"];
    assert_eq!(example["probe"], "page", "{load:#}");
    assert_eq!(example["method"], "GET");
    assert_eq!(
        example["url"],
        format!("http://127.0.0.1:{}/page", addr.port())
    );
    assert_eq!(example["status"], 503);
    let after = example["after_s"].as_f64().expect("after_s");
    assert!(after > 0.0 && after < 10.0, "{after}");
    assert!(
        example["at"]
            .as_str()
            .is_some_and(|at| at.starts_with("20")),
        "{example}"
    );
    assert_eq!(load["error_examples"]["http_5xx"], "status 503");
    assert!(
        stdout.contains(&format!(
            "first http_5xx: GET http://127.0.0.1:{}/page -> status 503,",
            addr.port()
        )),
        "{stdout}"
    );
    let summary = std::fs::read_to_string(dir.path().join("out/summary.md")).expect("summary");
    // Markdown escapes the underscore and keeps the URL from turning into a link.
    assert!(
        summary.contains("first http\\_5xx: GET http:") && summary.contains("/page -> status 503,"),
        "{summary}"
    );
    let html = std::fs::read_to_string(dir.path().join("out/report.html")).expect("html");
    let at = html
        .find("status 503,")
        .expect("the example in report.html");
    let cell = &html[html[..at].rfind('>').unwrap_or(0)..];
    let cell = &cell[..cell.find('<').unwrap_or(cell.len())];
    assert!(
        cell.contains("/page -&#62; status 503,") && cell.contains("s into the load"),
        "report.html: {cell}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slots_are_started_as_needed() {
    // 10/s to a quick service with room for 10000 requests in flight: a slot or two
    // (each with its connection) carry it, not one slot per arrival.
    let (addr, seen) = serve(Duration::ZERO, false).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let yaml = scenario(addr, "  rate: 10/s\n  concurrency: 10000\n  duration: 2s\n");
    let output = run_command_off_runtime(command(dir.path(), &yaml)).await;
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let load = load_of(dir.path());
    assert_eq!(load["requests"], 20, "{load:#}");
    assert_eq!(load["rate_sustained"], true, "{load:#}");
    let connections = seen.connections.load(Ordering::Relaxed);
    // One for the functional probe, a few for the load (one per worker thread at most
    // a couple each).
    assert!(
        connections <= 6,
        "{connections} connections for 21 requests"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rate_the_client_cannot_reach_still_ends_and_stops() {
    let (addr, _) = serve(Duration::ZERO, false).await;
    let load = "  rate: 100000/s\n  concurrency: 1000\n  duration: 3s\n";
    let yaml = scenario(addr, load).replace("timeout: 10s", "timeout: 1s");

    // On its own: over after the duration and the timeout, with most arrivals dropped.
    let dir = tempfile::tempdir().expect("tempdir");
    let started = Instant::now();
    let output = run_command_off_runtime(command(dir.path(), &yaml)).await;
    let took = started.elapsed();
    assert!(took < Duration::from_secs(20), "took {took:?}");
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let report = load_of(dir.path());
    assert_eq!(report["rate_sustained"], false, "{report:#}");
    assert_eq!(report["requests"], 300_000, "every arrival counted");
    assert!(report["dropped"].as_u64().expect("dropped") > 0);

    // Stopped by SIGINT and by --max-duration: at once, with a report.
    for how in ["SIGINT", "--max-duration"] {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut command = command(dir.path(), &yaml.replace("duration: 3s", "duration: 60s"));
        if how == "--max-duration" {
            command.args(["--max-duration", "2s"]);
        }
        let mut child = command
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn");
        let started = Instant::now();
        if how == "SIGINT" {
            tokio::time::sleep(Duration::from_secs(2)).await;
            let sent = Command::new("kill")
                .args(["-INT", &child.id().to_string()])
                .status()
                .expect("kill");
            assert!(sent.success());
        }
        let status = tokio::task::spawn_blocking(move || child.wait())
            .await
            .expect("join")
            .expect("wait");
        let took = started.elapsed();
        assert!(took < Duration::from_secs(8), "{how}: took {took:?}");
        let report = load_of(dir.path());
        assert_eq!(report["interrupted"], true, "{how}: {report:#}");
        if how == "SIGINT" {
            assert_eq!(status.code(), Some(130), "{how}");
        }
    }
}
