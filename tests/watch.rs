//! `ujilab watch` through the real binary, against a service and a webhook
//! receiver on 127.0.0.1 that the tests switch between answering, failing and
//! hostile: incidents with evidence, alerts in three formats (retried, never
//! duplicated, tokens never shown), the status page and API, SIGTERM, kill -9
//! and restart, a locked database, and bad input.

use std::io::{BufRead as _, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::Value;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpListener;

use crate::support::{text, ujilab_command};

mod postgres;

const UP: u8 = 0;
const FAILING: u8 = 1;

/// What the watched service sends when failing: markup in a header and the body.
const HOSTILE_BODY: &str = "<script>alert('pwned')</script><img src=x onerror=alert(1)>";

/// A service on 127.0.0.1 whose answers the test switches.
struct Service {
    addr: SocketAddr,
    mode: Arc<AtomicU8>,
}

async fn service() -> Service {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let mode = Arc::new(AtomicU8::new(UP));
    let shared = Arc::clone(&mode);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let mode = Arc::clone(&shared);
            tokio::spawn(async move {
                let _ = read_request(&mut stream).await;
                let response = if mode.load(Ordering::SeqCst) == UP {
                    "HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok"
                        .to_string()
                } else {
                    format!(
                        "HTTP/1.1 500 Internal Server Error\r\nx-note: <b onmouseover=alert(2)>hi</b>\r\ncontent-type: text/html\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{HOSTILE_BODY}",
                        HOSTILE_BODY.len()
                    )
                };
                let _ = stream.write_all(response.as_bytes()).await;
            });
        }
    });
    Service { addr, mode }
}

/// Reads one request: its head, and a body of `content-length` bytes.
async fn read_request(stream: &mut tokio::net::TcpStream) -> Option<(String, String)> {
    let mut buffer = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            return None;
        }
        buffer.extend_from_slice(&chunk[..read]);
        if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
        if buffer.len() > 64 * 1024 {
            return None;
        }
    };
    let head = String::from_utf8_lossy(&buffer[..head_end]).to_string();
    let length: usize = head
        .lines()
        .find_map(|line| {
            let (name, value) = line.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())
                .flatten()
        })
        .unwrap_or(0);
    while buffer.len() < head_end + length {
        let read = stream.read(&mut chunk).await.ok()?;
        if read == 0 {
            break;
        }
        buffer.extend_from_slice(&chunk[..read]);
    }
    let body = String::from_utf8_lossy(&buffer[head_end..]).to_string();
    Some((head, body))
}

/// One request the webhook receiver got, and the status it answered.
#[derive(Debug, Clone)]
struct Received {
    head: String,
    body: String,
    status: u16,
}

impl Received {
    fn path(&self) -> &str {
        self.head.split_whitespace().nth(1).unwrap_or_default()
    }

    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|line| {
            let (n, v) = line.split_once(':')?;
            n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or(Value::Null)
    }

    /// An answered (2xx) alert of `event`, in any of the three formats.
    fn delivers(&self, event: &str) -> bool {
        let body = self.json();
        let text = body["text"].as_str().unwrap_or_default();
        let word = if event == "down" { "DOWN" } else { "RESOLVED" };
        self.status == 200 && (body["event"] == event || text.contains(word))
    }
}

/// A webhook receiver on 127.0.0.1: paths containing `flaky` answer 503 to
/// their first request, every other request 200.
async fn receiver() -> (SocketAddr, Arc<Mutex<Vec<Received>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    let log: Arc<Mutex<Vec<Received>>> = Arc::default();
    let shared = Arc::clone(&log);
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            let log = Arc::clone(&shared);
            tokio::spawn(async move {
                let Some((head, body)) = read_request(&mut stream).await else {
                    return;
                };
                let status = {
                    let mut log = log.lock().expect("log");
                    let path = head
                        .split_whitespace()
                        .nth(1)
                        .unwrap_or_default()
                        .to_string();
                    let earlier = log.iter().filter(|r| r.path() == path).count();
                    let status = if path.contains("flaky") && earlier == 0 {
                        503
                    } else {
                        200
                    };
                    log.push(Received { head, body, status });
                    status
                };
                let response = format!(
                    "HTTP/1.1 {status} X\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
                );
                let _ = stream.write_all(response.as_bytes()).await;
            });
        }
    });
    (addr, log)
}

fn scenario(dir: &Path, service: SocketAddr) -> std::path::PathBuf {
    let path = dir.join("watched.yaml");
    std::fs::write(
        &path,
        format!(
            r#"version: 1
service:
  id: watched
  name: "Layanan <b>Uji</b>"
  region: {{ code: "99.01", name: Kabupaten Uji, type: kabupaten }}
  base_url: http://127.0.0.1:{port}
watch: {{ every: 200ms, timeout: 2s, down_after: 2, up_after: 2 }}
probes:
  - id: health
    request: {{ path: /health }}
    expect: {{ status: 200 }}
"#,
            port = service.port()
        ),
    )
    .expect("write scenario");
    path
}

/// A running `ujilab watch` and what it printed so far.
struct Watching {
    child: Child,
    stderr: Arc<Mutex<String>>,
    status_page: Option<String>,
}

impl Watching {
    fn start(args: &[&str]) -> Watching {
        Watching::start_with_env(&[], args)
    }

    /// Starts `ujilab watch ARGS` with `env` added to its environment.
    fn start_with_env(env: &[(String, String)], args: &[&str]) -> Watching {
        let mut child = ujilab_command()
            .arg("watch")
            .args(args)
            .envs(env.iter().map(|(name, value)| (name, value)))
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawns");
        let stderr = Arc::new(Mutex::new(String::new()));
        let pipe = child.stderr.take().expect("stderr");
        let shared = Arc::clone(&stderr);
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                if let Ok(mut text) = shared.lock() {
                    text.push_str(&line);
                    text.push('\n');
                }
            }
        });
        let mut watching = Watching {
            child,
            stderr,
            status_page: None,
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        while Instant::now() < deadline {
            let printed = watching.stderr();
            // `status page: URL`, or `halaman status: URL` in Indonesian.
            if let Some(url) = printed.lines().find_map(|l| {
                (l.starts_with("status page: ") || l.starts_with("halaman status: "))
                    .then(|| l.split_once(": ").map(|(_, url)| url.to_string()))
                    .flatten()
            }) {
                watching.status_page = Some(url);
                break;
            }
            if printed.contains("Ctrl-C") && args.contains(&"--no-listen") {
                break;
            }
            if let Ok(Some(_)) = watching.child.try_wait() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        watching
    }

    fn stderr(&self) -> String {
        self.stderr.lock().map(|s| s.clone()).unwrap_or_default()
    }

    fn url(&self, path: &str) -> String {
        format!(
            "{}{path}",
            self.status_page
                .as_deref()
                .expect("the watch serves a status page")
        )
    }

    fn signal(&self, name: &str) {
        let sent = Command::new("kill")
            .args([format!("-{name}"), self.child.id().to_string()])
            .status()
            .expect("kill");
        assert!(sent.success());
    }

    fn wait(&mut self, limit: Duration) -> Option<i32> {
        let deadline = Instant::now() + limit;
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        panic!("the watch did not stop within {limit:?}: {}", self.stderr());
    }
}

impl Drop for Watching {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn client() -> reqwest::Client {
    run::client::install_crypto_provider();
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
}

async fn get_json(url: &str) -> Value {
    client()
        .get(url)
        .send()
        .await
        .expect("GET")
        .json()
        .await
        .expect("JSON")
}

async fn get(url: &str) -> reqwest::Response {
    client().get(url).send().await.expect("GET")
}

/// Polls `check` every 100 ms until it holds or `limit` passes.
async fn until<F, Fut>(limit: Duration, what: &str, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = bool>,
{
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if check().await {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("timed out waiting for {what}");
}

fn service_of(status: &Value) -> Value {
    status["regions"][0]["services"][0].clone()
}

fn samples_in(db: &Path) -> u64 {
    let connection = rusqlite::Connection::open(db).expect("opens");
    connection
        .query_row("SELECT COUNT(*) FROM samples", [], |row| row.get(0))
        .expect("counts")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_outage_opens_an_incident_with_evidence_alerts_each_webhook_once_and_resolves() {
    let service = service().await;
    let (hooks, received) = receiver().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = scenario(dir.path(), service.addr);
    let db = dir.path().join("history.db");
    let generic = format!("http://{hooks}/generic/GENERICSECRET?key=QUERYSECRET");
    let slack = format!("slack=http://{hooks}/services/T0/B0/flaky-SLACKSECRET");
    let telegram = format!("telegram=http://{hooks}/botTGSECRET:tok/sendMessage?chat_id=42");
    let mut watching = Watching::start(&[
        scenario.to_str().expect("utf-8"),
        "--db",
        &format!("sqlite:{}", db.display()),
        "--listen",
        "127.0.0.1:0",
        "--lang",
        "en",
        "--webhook",
        &generic,
        "--webhook",
        &slack,
        "--webhook",
        &telegram,
    ]);
    let api = watching.url("api/v1/status");
    until(Duration::from_secs(20), "the service up", || async {
        service_of(&get_json(&api).await)["state"] == "up"
    })
    .await;

    service.mode.store(FAILING, Ordering::SeqCst);
    until(Duration::from_secs(20), "three down alerts", || async {
        let log = received.lock().expect("log");
        ["generic", "services", "sendMessage"].iter().all(|part| {
            log.iter()
                .any(|r| r.path().contains(part) && r.delivers("down"))
        })
    })
    .await;
    until(Duration::from_secs(10), "the page to say down", || async {
        !get_json(&api).await["incidents"][0].is_null()
    })
    .await;
    let status = get_json(&api).await;
    assert_eq!(service_of(&status)["state"], "down");
    let incident = &status["incidents"][0];
    assert!(incident["resolved_at"].is_null(), "{incident}");
    let evidence = &incident["evidence"];
    assert_eq!(evidence["status"], 500, "{evidence}");
    assert_eq!(evidence["probe"], "health");
    assert_eq!(evidence["body_excerpt"], HOSTILE_BODY);

    service.mode.store(UP, Ordering::SeqCst);
    until(Duration::from_secs(20), "three resolved alerts", || async {
        let log = received.lock().expect("log");
        ["generic", "services", "sendMessage"].iter().all(|part| {
            log.iter()
                .any(|r| r.path().contains(part) && r.delivers("resolved"))
        })
    })
    .await;
    // The page's figures are refreshed every 2 s.
    until(Duration::from_secs(10), "the page to say up", || async {
        service_of(&get_json(&api).await)["state"] == "up"
    })
    .await;
    let status = get_json(&api).await;
    assert!(status["incidents"][0]["resolved_at"].is_string());

    // The page: the service's markup and the evidence are text, under the CSP.
    let page = get(&watching.url("?lang=en")).await;
    let csp = page
        .headers()
        .get("content-security-policy")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default()
        .to_string();
    assert!(csp.contains("default-src 'none'"), "{csp}");
    let html = page.text().await.expect("page");
    assert!(!html.contains("<script>alert"), "{html}");
    assert!(!html.contains("<b onmouseover"), "{html}");
    assert!(!html.contains("<b>Uji"), "{html}");
    // askama writes `<` as `&#60;`.
    assert!(html.contains("&#60;script&#62;alert"), "{html}");
    assert!(
        html.contains("Layanan &#60;b&#62;Uji&#60;/b&#62;"),
        "{html}"
    );
    let indonesian = get(&watching.url("?lang=id"))
        .await
        .text()
        .await
        .expect("page");
    assert!(indonesian.contains("Status layanan"), "{indonesian}");
    assert!(indonesian.contains("Beroperasi"), "{indonesian}");
    let detail = get(&watching.url(&format!("service/{}?lang=en", service_of(&status)["id"])))
        .await
        .text()
        .await
        .expect("service page");
    assert!(detail.contains("<svg class=\"chart\""), "{detail}");
    assert!(!detail.contains("<script>alert"));
    // The 30-day chart names the service in its title, as text.
    assert!(!detail.contains("<b>Uji"), "{detail}");
    assert!(
        detail.contains(
            "<title id=\"days-title\">Layanan &#60;b&#62;Uji&#60;/b&#62;: Latency per day (UTC)"
        ),
        "{detail}"
    );
    assert!(status["regions"][0]["services"][0]["chart_days"][29]["samples"].as_u64() > Some(0));
    let badge = get(&watching.url("badge/watched.svg")).await;
    assert_eq!(
        badge
            .headers()
            .get("content-type")
            .and_then(|v| v.to_str().ok()),
        Some("image/svg+xml")
    );
    assert!(badge.text().await.expect("badge").contains("uptime 30d"));
    let metrics = get(&watching.url("metrics"))
        .await
        .text()
        .await
        .expect("metrics");
    assert!(
        metrics.contains("ujilab_watch_up{service=\"watched\",region=\"Kabupaten Uji\"} 1"),
        "{metrics}"
    );
    assert!(metrics.ends_with("# EOF\n"));

    watching.signal("TERM");
    assert_eq!(watching.wait(Duration::from_secs(20)), Some(143));
    let printed = watching.stderr();
    let committed: u64 = printed
        .lines()
        .find_map(|line| line.strip_prefix("stopped: "))
        .and_then(|rest| rest.split_whitespace().next())
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no summary: {printed}"));
    assert!(committed >= 8, "{printed}");
    assert_eq!(samples_in(&db), committed);

    // Each alert reached each webhook once (the flaky one after a retry, with
    // the same idempotency key), and no token was ever shown or stored.
    let log = received.lock().expect("log").clone();
    for part in ["generic", "services", "sendMessage"] {
        for event in ["down", "resolved"] {
            let delivered = log
                .iter()
                .filter(|r| r.path().contains(part) && r.delivers(event))
                .count();
            assert_eq!(delivered, 1, "{part} {event}: {log:#?}");
        }
    }
    let slack_tries: Vec<&Received> = log.iter().filter(|r| r.path().contains("flaky")).collect();
    assert_eq!(slack_tries[0].status, 503);
    assert_eq!(
        slack_tries[0].header("idempotency-key"),
        slack_tries[1].header("idempotency-key")
    );
    let telegram_body = log
        .iter()
        .find(|r| r.path().contains("sendMessage"))
        .map(Received::json)
        .expect("telegram");
    assert_eq!(telegram_body["chat_id"], "42");
    assert!(
        log.iter()
            .filter(|r| r.path().contains("sendMessage"))
            .all(|r| !r.path().contains("chat_id")),
        "the chat goes in the body"
    );
    let slack_text = log
        .iter()
        .find(|r| r.path().contains("flaky"))
        .map(|r| r.json()["text"].as_str().unwrap_or_default().to_string())
        .unwrap_or_default();
    assert!(!slack_text.contains('<'), "{slack_text}");
    let mut stored = Vec::new();
    for entry in std::fs::read_dir(dir.path()).expect("dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "yaml") {
            stored.extend(std::fs::read(&path).unwrap_or_default());
        }
    }
    let stored = String::from_utf8_lossy(&stored);
    for secret in ["GENERICSECRET", "QUERYSECRET", "SLACKSECRET", "TGSECRET"] {
        assert!(!printed.contains(secret), "{secret} printed: {printed}");
        assert!(!stored.contains(secret), "{secret} stored in the history");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn kill_9_loses_no_committed_sample_and_a_restart_resumes_the_schedule() {
    let service = service().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = scenario(dir.path(), service.addr);
    let db = dir.path().join("history.db");
    let db_url = format!("sqlite:{}", db.display());
    let args = [
        scenario.to_str().expect("utf-8"),
        "--db",
        &db_url,
        "--listen",
        "127.0.0.1:0",
    ];
    let mut first = Watching::start(&args);
    let metrics = first.url("metrics");
    let committed_now = || async {
        let text = get(&metrics).await.text().await.unwrap_or_default();
        text.lines()
            .find_map(|l| l.strip_prefix("ujilab_watch_committed_samples_total "))
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or(0)
    };
    until(Duration::from_secs(20), "samples committed", || async {
        committed_now().await >= 10
    })
    .await;
    let committed = committed_now().await;
    // Halfway between two rounds, or in one: kill -9 at whatever moment it is.
    first.signal("KILL");
    assert_eq!(
        first.wait(Duration::from_secs(10)),
        None,
        "killed by a signal"
    );
    let after_kill = samples_in(&db);
    assert!(
        after_kill >= committed,
        "{committed} samples were committed before kill -9, {after_kill} are in the history"
    );
    let connection = rusqlite::Connection::open(&db).expect("opens");
    let integrity: String = connection
        .query_row("PRAGMA integrity_check", [], |row| row.get(0))
        .expect("checks");
    assert_eq!(integrity, "ok");
    let last_before: i64 = connection
        .query_row("SELECT MAX(at) FROM samples", [], |row| row.get(0))
        .expect("last");
    drop(connection);

    // A restart goes on from the history: samples keep their series, the state
    // is resumed (still up, no new incident), and nothing is sent in a burst.
    let mut second = Watching::start(&args);
    let resumed = Instant::now();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    second.signal("TERM");
    assert_eq!(second.wait(Duration::from_secs(20)), Some(143));
    let elapsed = resumed.elapsed();
    let connection = rusqlite::Connection::open(&db).expect("opens");
    let series: i64 = connection
        .query_row("SELECT COUNT(*) FROM series", [], |row| row.get(0))
        .expect("series");
    assert_eq!(series, 1, "the restart reused the series");
    let new_samples: i64 = connection
        .query_row(
            "SELECT COUNT(*) FROM samples WHERE at > ?1",
            [last_before],
            |row| row.get(0),
        )
        .expect("new");
    // At most one round per 200 ms since the restart (plus the first).
    let most = (elapsed.as_millis() / 200 + 2) as i64;
    assert!(
        new_samples >= 3 && new_samples <= most,
        "{new_samples} new samples in {elapsed:?}"
    );
    let incidents: i64 = connection
        .query_row("SELECT COUNT(*) FROM incidents", [], |row| row.get(0))
        .expect("incidents");
    assert_eq!(incidents, 0);
    let state: String = connection
        .query_row("SELECT state FROM service_state", [], |row| row.get(0))
        .expect("state");
    assert_eq!(state, "up");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_locked_history_keeps_probing_says_it_is_behind_and_catches_up() {
    let service = service().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = scenario(dir.path(), service.addr);
    let db = dir.path().join("history.db");
    let mut watching = Watching::start(&[
        scenario.to_str().expect("utf-8"),
        "--db",
        &format!("sqlite:{}", db.display()),
        "--listen",
        "127.0.0.1:0",
    ]);
    let api = watching.url("api/v1/status");
    until(Duration::from_secs(20), "a first sample", || async {
        samples_in(&db) > 0
    })
    .await;
    // Another process holds the write lock for a few seconds.
    let locker = rusqlite::Connection::open(&db).expect("opens");
    locker.execute_batch("BEGIN EXCLUSIVE").expect("locks");
    let locked_at = samples_in_while_locked(&locker);
    until(
        Duration::from_secs(20),
        "the page to say the history is behind",
        || async { !get_json(&api).await["behind"].is_null() },
    )
    .await;
    let behind = get_json(&api).await["behind"].clone();
    assert!(
        behind["waiting_writes"].as_u64().unwrap_or(0) > 0,
        "{behind}"
    );
    let page = get(&watching.url("?lang=en"))
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("History is behind"), "{page}");
    let waiting = behind["waiting_writes"].as_u64().unwrap_or(0);
    locker.execute_batch("COMMIT").expect("unlocks");
    drop(locker);
    until(
        Duration::from_secs(20),
        "the history to catch up",
        || async { get_json(&api).await["behind"].is_null() },
    )
    .await;
    assert!(
        samples_in(&db) >= locked_at + waiting,
        "the rounds taken while locked were committed afterwards"
    );
    watching.signal("TERM");
    assert_eq!(watching.wait(Duration::from_secs(20)), Some(143));
}

fn samples_in_while_locked(connection: &rusqlite::Connection) -> u64 {
    connection
        .query_row("SELECT COUNT(*) FROM samples", [], |row| row.get(0))
        .expect("counts")
}

#[test]
fn bad_arguments_and_scenarios_stop_the_watch_before_it_probes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = dir.path().join("good.yaml");
    std::fs::write(
        &good,
        "version: 1\nservice: { id: s, base_url: http://127.0.0.1:9 }\nprobes:\n  - { id: p, request: { path: / } }\n",
    )
    .expect("write");
    let run = |args: &[&str]| {
        ujilab_command()
            .arg("watch")
            .args(args)
            .args(["--no-listen", "--lang", "en"])
            .output()
            .expect("runs")
    };
    let good = good.to_str().expect("utf-8");
    let postgres = run(&[good, "--db", "postgres://u:pw-hush@127.0.0.1:notaport/h"]);
    assert_eq!(postgres.status.code(), Some(2));
    assert!(text(&postgres.stderr).contains("not a PostgreSQL URL"));
    assert!(!text(&postgres.stderr).contains("pw-hush"));
    // Nothing answers on port 9: the history cannot be opened (3), and the
    // message names it without its password.
    let away = run(&[good, "--db", "postgres://u:pw-hush@127.0.0.1:9/h"]);
    assert_eq!(away.status.code(), Some(3), "{}", text(&away.stderr));
    assert!(
        text(&away.stderr).contains("postgres://u:***@127.0.0.1:9/h"),
        "{}",
        text(&away.stderr)
    );
    assert!(!text(&away.stderr).contains("pw-hush"));

    let notes = dir.path().join("notes.db");
    std::fs::write(&notes, "my notes, not a database ".repeat(100)).expect("write");
    let not_history = run(&[good, "--db", &format!("sqlite:{}", notes.display())]);
    assert_eq!(
        not_history.status.code(),
        Some(2),
        "{}",
        text(&not_history.stderr)
    );
    assert!(
        std::fs::read_to_string(&notes)
            .expect("read")
            .starts_with("my notes")
    );

    let telegram = run(&[
        good,
        "--db",
        "sqlite:unused.db",
        "--webhook",
        "telegram=http://127.0.0.1:9/botSECRETTOKEN/sendMessage",
    ]);
    assert_eq!(telegram.status.code(), Some(2));
    assert!(text(&telegram.stderr).contains("chat_id"));
    assert!(!text(&telegram.stderr).contains("SECRETTOKEN"));

    let bad = dir.path().join("bad.yaml");
    std::fs::write(
        &bad,
        "version: 1\nservice: { id: s, base_url: http://127.0.0.1:9 }\nwatch: { down_after: 0, every: 0s }\nprobes:\n  - { id: p, request: { path: / } }\n",
    )
    .expect("write");
    let history = dir.path().join("never.db");
    let bad_scenario = run(&[
        bad.to_str().expect("utf-8"),
        "--db",
        &format!("sqlite:{}", history.display()),
    ]);
    assert_eq!(bad_scenario.status.code(), Some(2));
    let printed = text(&bad_scenario.stderr);
    assert!(printed.contains("bad.yaml:3:"), "{printed}");
    assert!(printed.contains("watch.down_after"), "{printed}");
    assert!(printed.contains("watch.every"), "{printed}");
    assert!(!history.exists(), "nothing was opened, nothing probed");
}

/// The entry of `service` in a report.json.
fn entry<'a>(report: &'a Value, service: &str) -> &'a Value {
    report["scenarios"]
        .as_array()
        .and_then(|all| all.iter().find(|s| s["service"]["id"] == service))
        .unwrap_or_else(|| panic!("{service} is in the report: {report}"))
}

fn av01(entry: &Value) -> Value {
    entry["standards"]["rules"]
        .as_array()
        .and_then(|rules| rules.iter().find(|r| r["code"] == "AV-01"))
        .cloned()
        .unwrap_or(Value::Null)
}

fn report_over(db: &Path, out: &Path, from: &str, to: &str) -> (Option<i32>, Value, String) {
    let output = ujilab_command()
        .args(["report", "--db", &format!("sqlite:{}", db.display())])
        .args(["--from", from, "--to", to, "--lang", "en", "--out"])
        .arg(out)
        .output()
        .expect("runs");
    let report = std::fs::read(out.join("report.json"))
        .ok()
        .and_then(|bytes| serde_json::from_slice(&bytes).ok())
        .unwrap_or(Value::Null);
    (output.status.code(), report, text(&output.stderr))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_over_a_period_uses_every_sample_and_a_window_without_samples_never_certifies() {
    let service = service().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("certified.yaml");
    std::fs::write(
        &path,
        format!(
            r#"version: 1
service:
  id: certified
  region: {{ code: "99.01", name: Kabupaten Uji, type: kabupaten }}
  base_url: http://127.0.0.1:{port}
standards: {{ profile: idsll-core }}
watch: {{ every: 200ms }}
probes:
  - id: health
    request: {{ path: /health }}
    expect: {{ status: 200 }}
thresholds:
  - {{ metric: availability, min: 99% }}
  - {{ metric: latency.p95, max: 2s }}
"#,
            port = service.addr.port()
        ),
    )
    .expect("write");
    let db = dir.path().join("history.db");
    let started = ::watch::schedule::now_ms();
    let mut watching = Watching::start(&[
        path.to_str().expect("utf-8"),
        "--db",
        &format!("sqlite:{}", db.display()),
        "--no-listen",
    ]);
    until(
        Duration::from_secs(30),
        "a standards check and samples",
        || async {
            let connection = rusqlite::Connection::open(&db).expect("opens");
            let checks: i64 = connection
                .query_row("SELECT COUNT(*) FROM standards_checks", [], |r| r.get(0))
                .unwrap_or(0);
            checks > 0 && samples_in(&db) >= 5
        },
    )
    .await;
    watching.signal("TERM");
    assert_eq!(watching.wait(Duration::from_secs(20)), Some(143));
    let watched = samples_in(&db);
    let now = ::watch::schedule::now_ms();

    // What the watch measured: a few samples, so AV-01 cannot pass level 3.
    let (code, few, stderr) = report_over(&db, &dir.path().join("few"), "1h", "now");
    assert!(code == Some(0) || code == Some(1), "{stderr}");
    let certified = entry(&few, "certified");
    assert_eq!(certified["availability"]["samples"], watched, "{certified}");
    assert!(
        av01(certified)["level"].as_u64().unwrap_or(9) <= 3,
        "{}",
        av01(certified)
    );

    // 1,200 more samples an hour back, all up, through the watch's own storage:
    // every one counts, and AV-01 reaches level 5.
    let mut store = ::watch::store::Store::open(&db).expect("opens");
    let scenario = store.scenarios().expect("scenarios")[0].id;
    let series = store.series_of(scenario).expect("series")[0].0;
    let samples = (0..1200)
        .map(|n| ::watch::store::SampleRow {
            series,
            at: started - 3_600_000 + n * 1000,
            up: true,
            status: Some(200),
            latency_us: Some(5_000),
            error_kind: None,
        })
        .collect();
    let state = store
        .service_state(scenario)
        .expect("state")
        .expect("a state");
    store
        .commit_round(&::watch::store::RoundWrite {
            scenario,
            at: started - 3_600_000,
            samples,
            state,
            change: None,
        })
        .expect("commits");
    ::watch::rollup::roll_all(&mut store, "default", now, 60_000).expect("rolls");
    drop(store);
    let (code, many, stderr) = report_over(&db, &dir.path().join("many"), "2h", "now");
    let certified = entry(&many, "certified");
    assert_eq!(
        certified["availability"]["samples"],
        watched + 1200,
        "{stderr}"
    );
    assert_eq!(av01(certified)["level"], 5, "{}", av01(certified));
    assert!(
        certified["thresholds"][1]["status"] == "pass",
        "{}",
        certified["thresholds"]
    );
    assert!(code == Some(0) || code == Some(1), "{stderr}");
    the_window_is_stated_in_every_format(&db, dir.path(), &many, watched + 1200);
    let window_s = certified["availability"]["window_s"]
        .as_f64()
        .unwrap_or(0.0);
    assert!((7190.0..7210.0).contains(&window_s), "{window_s}");
    // merge reads it as it reads any report.
    let merged = ujilab_command()
        .arg("merge")
        .arg(dir.path().join("many/report.json"))
        .arg("--out")
        .arg(dir.path().join("merged"))
        .arg("--quiet")
        .output()
        .expect("runs");
    assert!(
        matches!(merged.status.code(), Some(0 | 1)),
        "{}",
        text(&merged.stderr)
    );
    let merged: Value = serde_json::from_slice(
        &std::fs::read(dir.path().join("merged/report.json")).expect("merged"),
    )
    .expect("JSON");
    assert_eq!(
        entry(&merged, "certified")["availability"]["samples"],
        watched + 1200
    );
    // A merge of reports over one window keeps it.
    assert_eq!(
        merged["run"]["history_window"],
        many["run"]["history_window"]
    );

    // The same history without its samples: nothing measured certifies nothing.
    let connection = rusqlite::Connection::open(&db).expect("opens");
    connection
        .execute_batch("DELETE FROM samples; DELETE FROM rollups; DELETE FROM rolled;")
        .expect("empties");
    drop(connection);
    let (code, none, stderr) = report_over(&db, &dir.path().join("none"), "2h", "now");
    let certified = entry(&none, "certified");
    assert_eq!(certified["availability"]["samples"], 0);
    assert!(certified["availability"]["ratio"].is_null());
    assert_eq!(
        av01(certified)["outcome"],
        "inconclusive",
        "{}",
        av01(certified)
    );
    assert_ne!(certified["standards"]["verdict"], "certified");
    assert_eq!(certified["gate"], "fail");
    assert_eq!(code, Some(1), "{stderr}");
}

/// The issue's own demonstration: `ujilab watch scenarios/demo` against the
/// sandbox lists every demo service after its first round, pengaduan's stalls
/// (over its `watch.timeout` of 800 ms) and 500s open incidents with their
/// evidence while the healthy services open none, and a report over the window
/// lifts dukcapil's AV-01 above level 3 once 100 samples exist.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_watched_against_the_sandbox_shows_pengaduan_s_stalls_as_incidents() {
    let sandbox = sandbox::Sandbox::start(sandbox::SandboxConfig::ephemeral())
        .await
        .expect("sandbox starts");
    let dir = tempfile::tempdir().expect("tempdir");
    let db = dir.path().join("history.db");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("scenarios/demo");
    let mut watching = Watching::start_with_env(
        &sandbox.env(),
        &[
            demo.to_str().expect("utf-8"),
            "--db",
            &format!("sqlite:{}", db.display()),
            "--listen",
            "127.0.0.1:0",
            "--lang",
            "en",
        ],
    );
    let api = watching.url("api/v1/status");
    let demo_services = [
        "contohkab-dukcapil",
        "contohkab-perizinan",
        "contohkab-pengaduan",
        "contohkab-portal",
    ];
    until(
        Duration::from_secs(20),
        "every demo service on the page",
        || async {
            let status = get_json(&api).await;
            let shown: Vec<Value> = status["regions"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|region| region["services"].as_array().cloned().unwrap_or_default())
                .filter(|service| service["last_round"].is_string())
                .map(|service| service["identity"].clone())
                .collect();
            demo_services
                .iter()
                .all(|id| shown.contains(&Value::from(*id)))
        },
    )
    .await;

    let pengaduan_incident = |status: &Value| {
        status["incidents"]
            .as_array()
            .and_then(|all| all.iter().find(|i| i["service"] == "contohkab-pengaduan"))
            .cloned()
    };
    until(
        Duration::from_secs(120),
        "an incident of pengaduan",
        || async { pengaduan_incident(&get_json(&api).await).is_some() },
    )
    .await;
    let status = get_json(&api).await;
    let incident = pengaduan_incident(&status).expect("an incident");
    let evidence = &incident["evidence"];
    assert!(
        ["beranda", "health"].contains(&evidence["probe"].as_str().unwrap_or_default()),
        "{evidence}"
    );
    assert!(
        evidence["status"] == 500 || evidence["error_kind"] == "timeout",
        "the first failing exchange is a 500 or a stall: {evidence}"
    );
    assert!(
        status["incidents"]
            .as_array()
            .into_iter()
            .flatten()
            .all(|i| i["service"] == "contohkab-pengaduan"),
        "only pengaduan fails: {}",
        status["incidents"]
    );
    // The stalls themselves are failed samples: a 1 s answer is a timeout at 800 ms.
    let stalls: i64 = rusqlite::Connection::open(&db)
        .expect("opens")
        .query_row(
            "SELECT COUNT(*) FROM samples JOIN series ON series.id = samples.series \
             JOIN scenarios ON scenarios.id = series.scenario \
             WHERE scenarios.identity = 'contohkab-pengaduan' AND samples.error_kind = 'timeout'",
            [],
            |row| row.get(0),
        )
        .expect("counts");
    assert!(stalls > 0, "no stall was seen as a timeout");

    // Two probes every 200 ms: 100 samples of dukcapil within seconds.
    until(
        Duration::from_secs(60),
        "100 samples of dukcapil",
        || async {
            get_json(&api).await["regions"][0]["services"]
                .as_array()
                .and_then(|all| all.iter().find(|s| s["identity"] == "contohkab-dukcapil"))
                .and_then(|dukcapil| dukcapil["uptime"][0]["samples"].as_u64())
                .is_some_and(|samples| samples >= 110)
        },
    )
    .await;
    watching.signal("TERM");
    assert_eq!(watching.wait(Duration::from_secs(30)), Some(143));
    let (code, report, stderr) = report_over(&db, &dir.path().join("window"), "1h", "now");
    assert!(code == Some(0) || code == Some(1), "{stderr}");
    let dukcapil = entry(&report, "contohkab-dukcapil");
    let samples = dukcapil["availability"]["samples"].as_u64().unwrap_or(0);
    assert!(samples >= 100, "{samples} samples");
    assert!(
        av01(dukcapil)["level"].as_u64().unwrap_or(0) >= 4,
        "{}",
        av01(dukcapil)
    );
    assert_eq!(
        dukcapil["standards"]["verdict"], "certified",
        "{}",
        dukcapil["standards"]
    );
    sandbox.shutdown().await;
}

/// `1,205` as each language writes a count.
fn count(n: u64, lang: &str) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            out.push(if lang == "id" { '.' } else { ',' });
        }
        out.push(digit);
    }
    out
}

/// A period report's window and sample count in report.json, report.html,
/// junit.xml, summary.md and the terminal, in English and Indonesian: the window's
/// ends as UTC (and the local zone in the human formats).
fn the_window_is_stated_in_every_format(db: &Path, dir: &Path, report: &Value, samples: u64) {
    let window = &report["run"]["history_window"];
    assert_eq!(window["samples"], samples, "{}", report["run"]);
    let (from, to) = (
        window["from"].as_str().expect("from"),
        window["to"].as_str().expect("to"),
    );
    assert_eq!(report["run"]["started_at"], from);
    assert_eq!(report["run"]["finished_at"], to);
    // `2026-12-06T03:04:05.123Z` as the human formats write it beside the local time.
    let utc = |at: &str| format!("{} {} UTC", &at[..10], &at[11..19]);
    for lang in ["en", "id"] {
        let out = dir.join(format!("stated-{lang}"));
        let output = ujilab_command()
            .args(["report", "--db", &format!("sqlite:{}", db.display())])
            .args(["--from", from, "--to", to, "--lang", lang, "--out"])
            .arg(&out)
            .env("NO_COLOR", "1")
            .output()
            .expect("runs");
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{}",
            text(&output.stderr)
        );
        let (said, counted) = match lang {
            "id" => (
                "Jendela riwayat: ",
                format!("{} sampel", count(samples, "id")),
            ),
            _ => (
                "History window: ",
                format!("{} samples", count(samples, "en")),
            ),
        };
        let terminal = text(&output.stdout);
        let summary = std::fs::read_to_string(out.join("summary.md")).expect("summary.md");
        let html = std::fs::read_to_string(out.join("report.html")).expect("report.html");
        for (format, shown) in [
            ("terminal", &terminal),
            ("summary.md", &summary),
            ("report.html", &html),
        ] {
            let line = shown
                .lines()
                .find(|line| line.contains(said))
                .unwrap_or_else(|| panic!("{format} ({lang}) states no window: {shown}"));
            assert!(line.contains(&utc(from)), "{format}: {line}");
            assert!(line.contains(&utc(to)), "{format}: {line}");
            assert!(line.contains(" WIB "), "{format}: {line}");
            assert!(line.contains(&counted), "{format}: {line}");
        }
        let junit = std::fs::read_to_string(out.join("junit.xml")).expect("junit.xml");
        for property in [
            format!("<property name=\"history_from\" value=\"{from}\"/>"),
            format!("<property name=\"history_to\" value=\"{to}\"/>"),
            format!("<property name=\"history_samples\" value=\"{samples}\"/>"),
        ] {
            assert!(junit.contains(&property), "{property}: {junit}");
        }
    }
}

/// The status page in headless Chromium, with a hostile service's evidence on it:
/// no console error, nothing fetched, no script, no handler, not blank, and it
/// fits a phone. With `UJILAB_SCREENSHOTS=DIR` the screenshot is kept as
/// DIR/watch-status.png (how docs/watch-status.png is refreshed).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_status_page_in_a_browser_runs_nothing_a_service_sent() {
    let Some(chromium) = crate::reports::browser::chromium() else {
        return;
    };
    let service = service().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = scenario(dir.path(), service.addr);
    let mut watching = Watching::start(&[
        scenario.to_str().expect("utf-8"),
        "--db",
        &format!("sqlite:{}", dir.path().join("history.db").display()),
        "--listen",
        "127.0.0.1:0",
        "--lang",
        "id",
    ]);
    let api = watching.url("api/v1/status");
    until(Duration::from_secs(20), "the service up", || async {
        service_of(&get_json(&api).await)["state"] == "up"
    })
    .await;
    service.mode.store(FAILING, Ordering::SeqCst);
    until(Duration::from_secs(20), "an incident", || async {
        !get_json(&api).await["incidents"][0].is_null()
    })
    .await;
    service.mode.store(UP, Ordering::SeqCst);
    let page = get(&watching.url("")).await.text().await.expect("page");
    let id = service_of(&get_json(&api).await)["id"].clone();
    let detail = get(&watching.url(&format!("service/{id}")))
        .await
        .text()
        .await
        .expect("page");
    watching.signal("TERM");
    assert_eq!(watching.wait(Duration::from_secs(20)), Some(143));
    for (name, html) in [("watch-status", page), ("watch-service", detail)] {
        let path = dir.path().join(format!("{name}.html"));
        std::fs::write(&path, &html).expect("write");
        let visit = crate::reports::browser::visit(&chromium, &path);
        assert!(
            visit.console_errors.is_empty(),
            "{:#?}",
            visit.console_errors
        );
        assert!(visit.requests.is_empty(), "fetched: {:#?}", visit.requests);
        assert!(visit.dialogs.is_empty(), "{:#?}", visit.dialogs);
        let dom = &visit.dom;
        assert_eq!(dom["scripts"], 0);
        assert_eq!(dom["images"], 0);
        assert_eq!(dom["iframes"], 0);
        assert_eq!(dom["handlers"], serde_json::json!([]));
        assert_eq!(dom["pwned"], false);
        assert_eq!(dom["lang"], "id");
        let shown = dom["text"].as_str().unwrap_or_default();
        assert!(shown.contains("<script>alert('pwned')</script>"), "{shown}");
        crate::reports::browser::assert_not_blank(&visit.screenshot);
        assert!(
            visit.phone_scroll_width <= 392,
            "{name} is wider than a phone: {} px",
            visit.phone_scroll_width
        );
        if let Some(out) = std::env::var_os("UJILAB_SCREENSHOTS") {
            let out = std::path::PathBuf::from(out);
            std::fs::create_dir_all(&out).expect("dir");
            std::fs::write(out.join(format!("{name}.png")), &visit.screenshot).expect("png");
        }
    }
}
