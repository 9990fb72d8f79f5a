//! Secrets a service echoes back, through the real binary: a token captured from a
//! response header, reflected JSON-escaped (Go and .NET style), HTML-escaped and
//! URL-encoded, straddling the body excerpt's cut, and a secret used in a host name
//! (which the URL lower-cases) must appear in no file ujilab writes nor on its output.
//! Also what a failed exchange keeps (the status and headers that did arrive), and a
//! JSON body that repeats a key. The service is a raw HTTP server on 127.0.0.1.

use std::net::SocketAddr;
use std::path::Path;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

use crate::support::{assert_exit_code, run_command_off_runtime, text, ujilab_command};

/// Captured from `X-Session-Token` with `secret: true`; its first three characters
/// are in no other text, so finding them anywhere is a leak.
const TOKEN: &str = "Zq9-Cap&T0k<n>+/x\"'";
/// A `secrets:` value used in the host name of base_url.
const TENANT: &str = "TenantXylo88";
/// Where the body excerpt is cut (semantics.md: at most 2 KiB).
const EXCERPT: usize = 2048;

/// Reads one request head; the path and the headers (names lower-case).
async fn read_head(stream: &mut TcpStream) -> Option<(String, Vec<(String, String)>)> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let head = String::from_utf8_lossy(&buf).into_owned();
    let mut lines = head.lines();
    let path = lines.next()?.split(' ').nth(1)?.to_string();
    let headers = lines
        .filter_map(|line| {
            let (name, value) = line.split_once(':')?;
            Some((name.trim().to_ascii_lowercase(), value.trim().to_string()))
        })
        .collect();
    Some((path, headers))
}

fn respond(status: &str, headers: &[(&str, String)], body: &[u8], length: usize) -> Vec<u8> {
    let mut out = format!("HTTP/1.1 {status}\r\n").into_bytes();
    for (name, value) in headers {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    out.extend_from_slice(
        format!("Content-Length: {length}\r\nConnection: close\r\n\r\n").as_bytes(),
    );
    out.extend_from_slice(body);
    out
}

/// Go's encoding/json inside a string literal.
fn go_json(value: &str) -> String {
    let quoted = serde_json::to_string(value).expect("string");
    quoted[1..quoted.len() - 1]
        .replace('&', "\\u0026")
        .replace('<', "\\u003c")
        .replace('>', "\\u003e")
}

/// .NET's System.Text.Json default encoder.
fn dotnet_json(value: &str) -> String {
    value
        .chars()
        .map(|c| match c {
            '&' | '<' | '>' | '+' | '"' | '\'' | '\\' => format!("\\u{:04X}", c as u32),
            c => c.to_string(),
        })
        .collect()
}

/// Every byte but ASCII letters and digits as `%XX`.
fn url_encoded(value: &str) -> String {
    value
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn html(value: &str) -> String {
    value
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}

/// The service: `/login` hands out the token in a header; `/echo` reflects the
/// `X-Auth` header it got in every escaping, the Host it was asked for, and the raw
/// token straddling the excerpt's cut; `/big` announces more body than `max_body`
/// allows; `/dup` repeats a JSON key.
async fn serve() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let addr = listener.local_addr().expect("addr");
    tokio::spawn(async move {
        while let Ok((mut stream, _)) = listener.accept().await {
            tokio::spawn(async move {
                let Some((path, headers)) = read_head(&mut stream).await else {
                    return;
                };
                let header = |name: &str| {
                    headers
                        .iter()
                        .find(|(n, _)| n == name)
                        .map(|(_, v)| v.clone())
                        .unwrap_or_default()
                };
                let reply = match path.as_str() {
                    "/login" => {
                        let body = b"{\"ok\": true}";
                        respond(
                            "200 OK",
                            &[("X-Session-Token", TOKEN.to_string())],
                            body,
                            body.len(),
                        )
                    }
                    "/echo" => {
                        let auth = header("x-auth");
                        let mut body = format!(
                            "{{\"go\": \"{}\", \"net\": \"{}\", \"html\": \"{}\", \"url\": \"{}\", \"host\": \"{}\"}}\n",
                            go_json(&auth),
                            dotnet_json(&auth),
                            html(&auth),
                            url_encoded(&auth),
                            header("host"),
                        );
                        // The raw token starts five bytes before the cut.
                        body.push_str(&".".repeat(EXCERPT - 5 - body.len()));
                        body.push_str(&auth);
                        body.push_str("...");
                        respond(
                            "200 OK",
                            &[("Content-Type", "text/plain".into())],
                            body.as_bytes(),
                            body.len(),
                        )
                    }
                    "/big" => respond(
                        "200 OK",
                        &[("X-Marker", "kept".into())],
                        b"partial",
                        1 << 20,
                    ),
                    "/dup" => {
                        let body = br#"{"status": "UP", "version": 3, "status": "DOWN"}"#;
                        respond(
                            "200 OK",
                            &[("Content-Type", "application/json".into())],
                            body,
                            body.len(),
                        )
                    }
                    _ => respond("404 Not Found", &[], b"", 0),
                };
                let _ = stream.write_all(&reply).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    addr
}

/// Every file in `dir` and the process output, as one text.
fn everything_written(dir: &Path, output: &std::process::Output) -> String {
    let mut all = text(&output.stdout) + &text(&output.stderr);
    for entry in std::fs::read_dir(dir).expect("out dir") {
        let path = entry.expect("entry").path();
        all.push_str(&std::fs::read_to_string(&path).unwrap_or_default());
    }
    all
}

async fn run_scenario(yaml: &str, dir: &Path) -> std::process::Output {
    std::fs::write(dir.join("scenario.yaml"), yaml).expect("write scenario");
    let mut command = ujilab_command();
    command
        .arg("run")
        .arg(dir.join("scenario.yaml"))
        .arg("--out")
        .arg(dir.join("out"))
        .args(["--no-progress", "--lang", "en"])
        .env("UJI_TENANT", TENANT);
    run_command_off_runtime(command).await
}

fn report_json(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("out/report.json")).expect("report.json");
    serde_json::from_str(&text).expect("json")
}

fn probe<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["scenarios"][0]["probes"]
        .as_array()
        .expect("probes")
        .iter()
        .find(|probe| probe["id"] == id)
        .unwrap_or_else(|| panic!("probe {id} in {report:#}"))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn echoed_secrets_are_masked_in_every_output() {
    let addr = serve().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let yaml = format!(
        r#"
version: 1
service:
  id: echo-secrets
  base_url: http://${{tenant}}.uji.test:{port}
secrets:
  tenant: UJI_TENANT
defaults:
  resolve: {{ tenantxylo88.uji.test: 127.0.0.1 }}
probes:
  - id: login
    request: {{ path: /login }}
    capture:
      tok: {{ header: x-session-token, secret: true }}
  - id: echo
    request:
      path: /echo
      headers: {{ X-Auth: "${{tok}}" }}
"#,
        port = addr.port()
    );
    let output = run_scenario(&yaml, dir.path()).await;
    assert_exit_code(&output, 0);
    let report = report_json(dir.path());

    let login = probe(&report, "login");
    let token_header = login["response_headers"]
        .as_array()
        .expect("headers")
        .iter()
        .find(|pair| pair[0] == "x-session-token")
        .unwrap_or_else(|| panic!("x-session-token in {login:#}"));
    assert_eq!(token_header[1], "***", "the capturing probe's own header");

    let excerpt = probe(&report, "echo")["body_excerpt"]
        .as_str()
        .expect("an excerpt")
        .to_string();
    assert!(excerpt.len() <= EXCERPT, "{} bytes", excerpt.len());
    assert!(
        excerpt.trim_end_matches('.').ends_with("***"),
        "the token straddling the cut is masked whole: {:?}",
        &excerpt[excerpt.len().saturating_sub(40)..]
    );
    for escaped in [
        "\"go\": \"***\"",
        "\"net\": \"***\"",
        "\"html\": \"***\"",
        "\"url\": \"***\"",
    ] {
        assert!(excerpt.contains(escaped), "{escaped} in {excerpt:.300}");
    }
    assert!(
        excerpt.contains("\"host\": \"***.uji.test:"),
        "{excerpt:.300}"
    );

    let all = everything_written(&dir.path().join("out"), &output);
    let lower = all.to_lowercase();
    assert!(!all.contains("Zq9"), "the token (in any escaping) leaked");
    assert!(!lower.contains("xylo"), "the tenant (lower-cased) leaked");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failed_exchanges_keep_what_arrived_and_repeated_keys_are_noticed() {
    let addr = serve().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let yaml = format!(
        r#"
version: 1
service:
  id: partial-answers
  base_url: http://127.0.0.1:{port}
secrets:
  tenant: UJI_TENANT
probes:
  - id: big
    request: {{ path: /big }}
    max_body: 1KiB
  - id: dup
    request: {{ path: /dup }}
    expect:
      json:
        $.status: UP
        $.version: 3
"#,
        port = addr.port()
    );
    let output = run_scenario(&yaml, dir.path()).await;
    assert_exit_code(&output, 1);
    let report = report_json(dir.path());

    let big = probe(&report, "big");
    assert_eq!(big["error"]["kind"], "body_too_large", "{big:#}");
    assert_eq!(big["status"], 200, "the status that arrived: {big:#}");
    assert!(
        big["response_headers"]
            .as_array()
            .expect("headers")
            .iter()
            .any(|pair| pair[0] == "x-marker" && pair[1] == "kept"),
        "{big:#}"
    );

    let dup = probe(&report, "dup");
    assert_eq!(dup["passed"], false);
    let expectations = dup["expectations"].as_array().expect("expectations");
    let status = expectations
        .iter()
        .find(|check| check["what"] == "json $.status")
        .expect("json $.status");
    assert_eq!(status["passed"], false, "{status:#}");
    let actual = status["actual"].as_str().expect("actual");
    assert!(
        actual.contains("repeats the key `status`") && actual.contains("\"DOWN\""),
        "{actual}"
    );
    let version = expectations
        .iter()
        .find(|check| check["what"] == "json $.version")
        .expect("json $.version");
    assert_eq!(
        version["passed"], true,
        "a key read the same either way: {version:#}"
    );
}
