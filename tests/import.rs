//! `ujilab import har|curl`: a recorded browser visit (a HAR file written as
//! Chrome's developer tools save one) becomes probes that, run against the
//! same site, send what the browser sent (method, path and query, the
//! service's headers, the body) and get what it got, while the credentials it
//! carried (a session cookie, a bearer token, a password) are in `secrets:`
//! and nowhere in the file.

use std::collections::HashMap;

use crate::fixture_site::{Page, Received, serve};
use crate::support::{assert_exit_code, run_command_off_runtime, text, ujilab_command};

const HAR: &str = include_str!("import/browser-visit.har");
const RECORDED_ADDR: &str = "127.0.0.1:18080";
const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiJwZXR1Z2FzLTAxIiwiaWF0IjoxNzY0OTgwMDAwfQ.c2FuZGJveC10YW5kYS10YW5nYW4";
const COOKIE: &str = "_ga=GA1.1.1234567890.1764980000; sesi_perizinan=7f3c9a1e5b2d4c8f";
/// As the officer typed it; the HAR holds it form-encoded.
const PASSWORD: &str = "Rahasia!Dinas";

fn licensing_site() -> HashMap<String, Page> {
    let mut pages = HashMap::new();
    pages.insert(
        "/".to_string(),
        Page::html("<!DOCTYPE html><html lang=\"id\"><head><title>Perizinan</title></head><body><h1>Perizinan Kota Contoh</h1></body></html>"),
    );
    let mut login = Page::with(302, "text/html", "");
    login.headers = vec![("location", "/dasbor")];
    pages.insert("/masuk".to_string(), login);
    pages.insert(
        "/dasbor".to_string(),
        Page::html("<html><body><h1>Dasbor petugas</h1></body></html>"),
    );
    pages.insert(
        "/api/izin".to_string(),
        Page::with(
            200,
            "application/json",
            r#"{"data":[{"nomor":"IZN-1","status":"aktif"}]}"#,
        ),
    );
    pages.insert(
        "/api/pengajuan".to_string(),
        Page::with(201, "application/json", r#"{"nomor":"PGJ-2026-0001"}"#),
    );
    pages
}

/// The environment variable each secret of the drafted file names, from the
/// summary's `  NAME  (where)` lines.
fn secret_variables(summary: &str) -> Vec<(String, String)> {
    summary
        .lines()
        .filter_map(|line| {
            let line = line.strip_prefix("  ")?;
            let (name, place) = line.split_once("  (")?;
            Some((name.to_string(), place.trim_end_matches(')').to_string()))
        })
        .collect()
}

fn form_pairs(body: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(body).into_owned().collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_recorded_browser_visit_round_trips() {
    let site = serve(licensing_site(), None).await;
    let addr = site.addr.to_string();
    let dir = tempfile::tempdir().expect("tempdir");
    let har = dir.path().join("visit.har");
    std::fs::write(&har, HAR.replace(RECORDED_ADDR, &addr)).expect("har");
    let out = dir.path().join("visit.yaml");

    let mut import = ujilab_command();
    import
        .args(["import", "har"])
        .arg(&har)
        .arg("--out")
        .arg(&out)
        .args(["--lang", "en"]);
    let imported = run_command_off_runtime(import).await;
    assert_exit_code(&imported, 0);
    let scenario = std::fs::read_to_string(&out).expect("written");
    let summary = text(&imported.stdout);
    for secret in [JWT, "7f3c9a1e5b2d4c8f", "Rahasia", "GA1.1.1234567890"] {
        assert!(
            !scenario.contains(secret),
            "{secret} in the file:\n{scenario}"
        );
        assert!(!summary.contains(secret), "{secret} printed:\n{summary}");
    }
    // Documents and API calls of the site; not its style, image or tracker.
    assert_eq!(scenario.matches("\n  - id: ").count(), 5, "{scenario}");
    assert!(!scenario.contains("gaya.css") && !scenario.contains("googletagmanager"));
    assert!(
        scenario.contains("Authorization\": \"Bearer ${authorization}\""),
        "{scenario}"
    );
    assert!(
        scenario.contains("\"password\": \"${password}\""),
        "{scenario}"
    );
    assert!(
        scenario.contains("\"nip\": \"198001012006041001\""),
        "{scenario}"
    );

    let variables = secret_variables(&summary);
    assert_eq!(variables.len(), 3, "{summary}");
    let value_of = |place: &str| {
        if place.contains("Authorization") {
            JWT
        } else if place.contains("Cookie") {
            COOKIE
        } else if place.contains("password") {
            PASSWORD
        } else {
            panic!("unexpected secret at {place}")
        }
    };

    // Run it against the same site, the secrets in the environment.
    let mut run = ujilab_command();
    run.arg("run")
        .arg(&out)
        .arg("--out")
        .arg(dir.path().join("reports"))
        .args(["--no-progress", "--lang", "en"]);
    for (variable, place) in &variables {
        run.env(variable, value_of(place));
    }
    let ran = run_command_off_runtime(run).await;
    assert_exit_code(&ran, 0);
    let report = std::fs::read_to_string(dir.path().join("reports/report.json")).expect("report");
    for secret in [JWT, "7f3c9a1e5b2d4c8f"] {
        assert!(!report.contains(secret), "{secret} in report.json");
    }

    // What the site received is what the browser sent.
    let received = site.received();
    let find = |method: &str, target: &str| -> Received {
        received
            .iter()
            .find(|r| r.method == method && r.target == target)
            .cloned()
            .unwrap_or_else(|| panic!("{method} {target} not received: {received:?}"))
    };
    let home = find("GET", "/");
    assert_eq!(home.header("cookie"), Some(COOKIE));
    let login = find("POST", "/masuk");
    assert_eq!(
        form_pairs(&login.body),
        vec![
            ("nip".to_string(), "198001012006041001".to_string()),
            ("password".to_string(), "Rahasia!Dinas".to_string())
        ]
    );
    assert_eq!(
        login.header("content-type"),
        Some("application/x-www-form-urlencoded")
    );
    let list = find("GET", "/api/izin?status=aktif&halaman=1");
    assert_eq!(
        list.header("authorization"),
        Some(format!("Bearer {JWT}").as_str())
    );
    assert_eq!(list.header("x-requested-with"), Some("XMLHttpRequest"));
    assert_eq!(
        list.header("accept"),
        Some("application/json, text/plain, */*")
    );
    let submit = find("POST", "/api/pengajuan");
    let body: serde_json::Value = serde_json::from_slice(&submit.body).expect("json body");
    assert_eq!(
        body,
        serde_json::json!({"jenis": "IMB", "luas_m2": 120, "pemohon": {"nama": "Siti Aminah", "nik": "3275014101900002"}})
    );
    assert_eq!(
        submit.header("authorization"),
        Some(format!("Bearer {JWT}").as_str())
    );
    // ujilab's own User-Agent, not the browser's.
    assert!(
        home.header("user-agent")
            .is_some_and(|agent| agent.starts_with("ujilab/"))
    );

    // Without the secrets the file still loads (they are named, not missing
    // from the file), and validate names the variables to set.
    let mut again = ujilab_command();
    again
        .args(["import", "har"])
        .arg(&har)
        .arg("--out")
        .arg(&out);
    assert_exit_code(&run_command_off_runtime(again).await, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_curl_command_round_trips() {
    let site = serve(licensing_site(), None).await;
    let url = format!("http://{}/api/pengajuan", site.addr);
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("curl.yaml");
    let mut import = ujilab_command();
    import
        .args(["import", "curl", "--out"])
        .arg(&out)
        .args(["--lang", "id", "--", "curl", &url, "-H"])
        .arg(format!("Authorization: Bearer {JWT}"))
        .args([
            "-H",
            "Content-Type: application/json",
            "-H",
            "X-Api-Key: kunci-rahasia-123",
            "--data-raw",
            r#"{"jenis":"IMB","catatan":"biaya ${bukan_variabel}"}"#,
            "--compressed",
        ]);
    let imported = run_command_off_runtime(import).await;
    assert_exit_code(&imported, 0);
    let scenario = std::fs::read_to_string(&out).expect("written");
    assert!(
        !scenario.contains(JWT) && !scenario.contains("kunci-rahasia-123"),
        "{scenario}"
    );
    let summary = text(&imported.stdout);
    assert!(summary.contains("rahasia dipindahkan"), "{summary}");
    let variables = secret_variables(&summary);
    assert_eq!(variables.len(), 2, "{summary}");

    let mut run = ujilab_command();
    run.arg("run")
        .arg(&out)
        .arg("--out")
        .arg(dir.path().join("reports"))
        .args(["--no-progress"]);
    for (variable, place) in &variables {
        run.env(
            variable,
            if place.contains("Authorization") {
                JWT
            } else {
                "kunci-rahasia-123"
            },
        );
    }
    assert_exit_code(&run_command_off_runtime(run).await, 0);
    let received = site.received();
    let sent = received.last().expect("received");
    assert_eq!(sent.method, "POST");
    assert_eq!(
        sent.header("authorization"),
        Some(format!("Bearer {JWT}").as_str())
    );
    assert_eq!(sent.header("x-api-key"), Some("kunci-rahasia-123"));
    let body: serde_json::Value = serde_json::from_slice(&sent.body).expect("json");
    // A `${` the service's data holds is sent as written, not interpolated.
    assert_eq!(
        body,
        serde_json::json!({"jenis": "IMB", "catatan": "biaya ${bukan_variabel}"})
    );
}

#[test]
fn what_cannot_be_imported_is_bad_input() {
    let dir = tempfile::tempdir().expect("tempdir");
    let not_har = dir.path().join("x.har");
    std::fs::write(&not_har, "{\"log\": 3}").expect("write");
    let mut har = ujilab_command();
    har.args(["import", "har"])
        .arg(&not_har)
        .args(["--lang", "en"]);
    let output = har.output().expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("not a HAR file"),
        "{}",
        text(&output.stderr)
    );
    let mut curl = ujilab_command();
    curl.args([
        "import",
        "curl",
        "--lang",
        "en",
        "--",
        "curl",
        "--cert",
        "c.pem",
        "https://x.go.id/",
    ]);
    let output = curl.output().expect("runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("--cert"));
}
