//! report.html in a real browser: headless Chromium driven over the DevTools
//! protocol (a WebSocket on 127.0.0.1). Chromium is started with every flag that
//! keeps it from talking to the outside, and a fresh profile each time.
//!
//! Checked as a person would: the page loads with no console error and no network
//! request, no script runs and no dialog opens, the screenshot is not blank, the page
//! fits a phone's width (tables scroll inside their own box), and printing puts each
//! service on its own page.
//!
//! Without Chromium the tests print a note and pass, unless `UJILAB_REQUIRE_BROWSER`
//! is set (CI sets it after installing Debian's `chromium`).

use std::io::{BufRead as _, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine as _;
use serde_json::{Value, json};
use tungstenite::{Message, WebSocket};

use crate::reports::fixture;

/// One browser at a time: a 2-core machine runs the rest of the suite meanwhile.
static ONE_BROWSER: Mutex<()> = Mutex::new(());

const TIMEOUT: Duration = Duration::from_secs(60);

pub fn chromium() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("UJILAB_CHROMIUM").map(PathBuf::from),
        Some(PathBuf::from("/usr/bin/chromium")),
        Some(PathBuf::from("/usr/bin/chromium-browser")),
    ];
    let found = candidates.into_iter().flatten().find(|path| path.exists());
    if found.is_none() {
        assert!(
            std::env::var_os("UJILAB_REQUIRE_BROWSER").is_none(),
            "UJILAB_REQUIRE_BROWSER is set but no chromium was found"
        );
        eprintln!("note: chromium not found; the browser checks of report.html were skipped");
    }
    found
}

/// Everything the browser said while it showed a page.
#[derive(Debug)]
pub struct Visit {
    pub console_errors: Vec<String>,
    pub requests: Vec<String>,
    pub dialogs: Vec<String>,
    /// The result of [`PROBE_DOM`].
    pub dom: Value,
    pub screenshot: Vec<u8>,
    /// `document.documentElement.scrollWidth` at a 390 px wide phone viewport.
    pub phone_scroll_width: u64,
    /// `break-before` of each service section under `@media print`.
    pub print_breaks: Vec<String>,
    /// Pages of the printed PDF (A4).
    pub printed_pages: usize,
}

/// Facts about the loaded document that prove no markup from a service got in.
const PROBE_DOM: &str = r#"JSON.stringify({
  scripts: document.querySelectorAll('script').length,
  images: document.querySelectorAll('img').length,
  iframes: document.querySelectorAll('iframe, object, embed, form, input, meta[http-equiv=refresh]').length,
  handlers: [...document.querySelectorAll('*')].flatMap(e => [...e.attributes]
      .filter(a => a.name.startsWith('on')).map(a => e.tagName + ' ' + a.name)),
  links: [...document.querySelectorAll('[href], [src], [action], [formaction], [xlink\\:href]')]
      .map(e => e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action') || ''),
  text: document.body.innerText,
  title: document.title,
  lang: document.documentElement.lang,
  sections: document.querySelectorAll('section.scenario').length,
  charts: document.querySelectorAll('svg.chart path.curve').length,
  pwned: typeof window.__pwned !== 'undefined'
})"#;

struct Chromium {
    child: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Chromium {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

struct Session {
    socket: WebSocket<TcpStream>,
    next_id: u64,
    session: String,
    events: Vec<(String, Value)>,
}

impl Session {
    fn send(&mut self, method: &str, params: Value, session: bool) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        let mut message = json!({ "id": id, "method": method, "params": params });
        if session {
            message["sessionId"] = json!(self.session);
        }
        self.socket
            .send(Message::text(message.to_string()))
            .unwrap_or_else(|error| panic!("DevTools send {method}: {error}"));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            assert!(Instant::now() < deadline, "DevTools: no answer to {method}");
            let Some(message) = self.receive() else {
                continue;
            };
            if message["id"] == json!(id) {
                assert!(
                    message.get("error").is_none(),
                    "DevTools {method} failed: {message}"
                );
                return message["result"].clone();
            }
        }
    }

    /// One message, or `None` after the socket's read timeout; events are kept.
    fn receive(&mut self) -> Option<Value> {
        match self.socket.read() {
            Ok(Message::Text(text)) => {
                let value: Value = serde_json::from_str(text.as_str()).expect("DevTools JSON");
                if let Some(method) = value.get("method").and_then(Value::as_str) {
                    self.events
                        .push((method.to_string(), value["params"].clone()));
                }
                Some(value)
            }
            Ok(_) => None,
            Err(tungstenite::Error::Io(error))
                if matches!(
                    error.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                None
            }
            Err(error) => panic!("DevTools connection: {error}"),
        }
    }

    fn wait_for_event(&mut self, method: &str) {
        let deadline = Instant::now() + TIMEOUT;
        let seen = |events: &[(String, Value)]| events.iter().any(|(m, _)| m == method);
        while !seen(&self.events) {
            assert!(Instant::now() < deadline, "DevTools: no {method}");
            self.receive();
        }
    }

    /// Collects the events that arrive during `quiet`.
    fn settle(&mut self, quiet: Duration) {
        let until = Instant::now() + quiet;
        while Instant::now() < until {
            self.receive();
        }
    }

    fn evaluate(&mut self, expression: &str) -> Value {
        let result = self.send(
            "Runtime.evaluate",
            json!({ "expression": expression, "returnByValue": true }),
            true,
        );
        result["result"]["value"].clone()
    }
}

fn start(binary: &Path) -> (Chromium, String) {
    let profile = tempfile::tempdir().expect("profile dir");
    let mut child = Command::new(binary)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-extensions",
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("about:blank")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot start {}: {error}", binary.display()));
    let stderr = child.stderr.take().expect("stderr piped");
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            if let Some(url) = line.split_whitespace().find(|w| w.starts_with("ws://")) {
                let _ = sender.send(url.to_string());
            }
        }
    });
    let url = receiver
        .recv_timeout(TIMEOUT)
        .expect("chromium printed its DevTools address");
    (
        Chromium {
            child,
            _profile: profile,
        },
        url,
    )
}

/// Opens `page` (a file) in a fresh headless Chromium and reports what happened.
pub fn visit(binary: &Path, page: &Path) -> Visit {
    let _one = ONE_BROWSER
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let (_chromium, endpoint) = start(binary);
    let address = endpoint
        .trim_start_matches("ws://")
        .split('/')
        .next()
        .expect("host:port")
        .to_string();
    assert!(address.starts_with("127.0.0.1:"), "{endpoint}");
    let stream = TcpStream::connect(&address).expect("connect to DevTools");
    stream
        .set_read_timeout(Some(TIMEOUT))
        .expect("read timeout");
    let (socket, _) = tungstenite::client(endpoint.as_str(), stream).expect("DevTools handshake");
    // From here on, reads poll so that deadlines are kept.
    socket
        .get_ref()
        .set_read_timeout(Some(Duration::from_millis(100)))
        .expect("read timeout");
    let mut session = Session {
        socket,
        next_id: 0,
        session: String::new(),
        events: Vec::new(),
    };
    let target = session.send(
        "Target.createTarget",
        json!({ "url": "about:blank" }),
        false,
    );
    let attached = session.send(
        "Target.attachToTarget",
        json!({ "targetId": target["targetId"], "flatten": true }),
        false,
    );
    session.session = attached["sessionId"]
        .as_str()
        .expect("a session id")
        .to_string();
    for domain in ["Page", "Runtime", "Log", "Network"] {
        session.send(&format!("{domain}.enable"), json!({}), true);
    }
    session.send(
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": 1100, "height": 1500, "deviceScaleFactor": 1, "mobile": false }),
        true,
    );
    let page = page.canonicalize().expect("the page exists");
    let url = format!("file://{}", page.display());
    session.events.clear();
    session.send("Page.navigate", json!({ "url": url }), true);
    session.wait_for_event("Page.loadEventFired");
    session.settle(Duration::from_millis(500));
    let dom: Value = serde_json::from_str(
        session
            .evaluate(PROBE_DOM)
            .as_str()
            .expect("the DOM probe returns a string"),
    )
    .expect("the DOM probe returns JSON");
    let shot = session.send("Page.captureScreenshot", json!({ "format": "png" }), true);
    let screenshot = base64::engine::general_purpose::STANDARD
        .decode(shot["data"].as_str().expect("screenshot data"))
        .expect("screenshot base64");

    session.send(
        "Emulation.setDeviceMetricsOverride",
        json!({ "width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": true }),
        true,
    );
    session.settle(Duration::from_millis(200));
    let phone_scroll_width = session
        .evaluate("document.documentElement.scrollWidth")
        .as_u64()
        .expect("a width");
    session.send("Emulation.clearDeviceMetricsOverride", json!({}), true);

    session.send(
        "Emulation.setEmulatedMedia",
        json!({ "media": "print" }),
        true,
    );
    let print_breaks = session
        .evaluate(
            "[...document.querySelectorAll('section.scenario')].map(s => getComputedStyle(s).breakBefore)",
        )
        .as_array()
        .expect("a list")
        .iter()
        .map(|v| v.as_str().unwrap_or_default().to_string())
        .collect();
    session.send("Emulation.setEmulatedMedia", json!({ "media": "" }), true);
    let pdf = session.send(
        "Page.printToPDF",
        json!({ "paperWidth": 8.27, "paperHeight": 11.69, "preferCSSPageSize": true }),
        true,
    );
    let pdf = base64::engine::general_purpose::STANDARD
        .decode(pdf["data"].as_str().expect("pdf data"))
        .expect("pdf base64");
    let printed_pages = count_pdf_pages(&pdf);
    session.settle(Duration::from_millis(200));

    let mut visit = Visit {
        console_errors: Vec::new(),
        requests: Vec::new(),
        dialogs: Vec::new(),
        dom,
        screenshot,
        phone_scroll_width,
        print_breaks,
        printed_pages,
    };
    for (method, params) in &session.events {
        match method.as_str() {
            "Runtime.exceptionThrown" => visit.console_errors.push(params.to_string()),
            "Runtime.consoleAPICalled"
                if matches!(
                    params["type"].as_str(),
                    Some("error" | "assert" | "warning")
                ) =>
            {
                visit.console_errors.push(params.to_string());
            }
            "Log.entryAdded"
                if matches!(params["entry"]["level"].as_str(), Some("error" | "warning")) =>
            {
                visit.console_errors.push(params["entry"].to_string());
            }
            "Network.requestWillBeSent" => {
                let requested = params["request"]["url"].as_str().unwrap_or_default();
                if requested != url {
                    visit.requests.push(requested.to_string());
                }
            }
            "Page.javascriptDialogOpening" => visit.dialogs.push(params.to_string()),
            _ => {}
        }
    }
    visit
}

/// `/Type /Page` objects (not `/Pages`) in a PDF.
fn count_pdf_pages(pdf: &[u8]) -> usize {
    let needle = b"/Type /Page";
    pdf.windows(needle.len() + 1)
        .filter(|w| &w[..needle.len()] == needle && w[needle.len()] != b's')
        .count()
}

/// A screenshot is not blank: many pixels differ from the background, in several
/// colours.
pub fn assert_not_blank(png_bytes: &[u8]) {
    let decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    let mut reader = decoder.read_info().expect("a PNG");
    let mut pixels = vec![0; reader.output_buffer_size().expect("a size")];
    let info = reader.next_frame(&mut pixels).expect("a frame");
    let channels = info.color_type.samples();
    let pixels = &pixels[..info.buffer_size()];
    let background = &pixels[..channels];
    let mut colours = std::collections::BTreeSet::new();
    let mut different = 0usize;
    for pixel in pixels.chunks(channels) {
        if pixel != background {
            different += 1;
        }
        if colours.len() < 64 {
            colours.insert(pixel.to_vec());
        }
    }
    let total = pixels.len() / channels;
    assert!(
        different * 100 > total && colours.len() >= 8,
        "the screenshot looks blank: {different} of {total} pixels differ, {} colours",
        colours.len()
    );
}

/// The checks every report page must pass.
pub fn assert_clean(visit: &Visit) {
    assert!(
        visit.console_errors.is_empty(),
        "console errors: {:#?}",
        visit.console_errors
    );
    assert!(
        visit.requests.is_empty(),
        "network requests: {:#?}",
        visit.requests
    );
    assert!(
        visit.dialogs.is_empty(),
        "a script opened a dialog: {:#?}",
        visit.dialogs
    );
    let dom = &visit.dom;
    assert_eq!(dom["scripts"], 0, "script elements in the page");
    assert_eq!(dom["images"], 0, "img elements in the page");
    assert_eq!(dom["iframes"], 0, "embedded or active elements in the page");
    assert_eq!(
        dom["handlers"],
        json!([]),
        "event-handler attributes in the page"
    );
    assert_eq!(dom["pwned"], false);
    for link in dom["links"].as_array().expect("links") {
        let link = link.as_str().unwrap_or_default();
        assert!(link.starts_with('#'), "a link that leaves the page: {link}");
    }
    assert_not_blank(&visit.screenshot);
    assert!(
        visit.phone_scroll_width <= 392,
        "the page is wider than a phone: {} px",
        visit.phone_scroll_width
    );
    assert!(
        visit.print_breaks.iter().skip(1).all(|b| b == "page"),
        "services do not start on a new printed page: {:?}",
        visit.print_breaks
    );
}

/// With `UJILAB_SCREENSHOTS=DIR`, keeps the screenshot as DIR/NAME.png (how
/// docs/report-demo.png is refreshed; see the README).
fn keep(name: &str, visit: &Visit) {
    let Some(dir) = std::env::var_os("UJILAB_SCREENSHOTS").map(PathBuf::from) else {
        return;
    };
    std::fs::create_dir_all(&dir).expect("screenshot dir");
    std::fs::write(dir.join(format!("{name}.png")), &visit.screenshot).expect("write png");
}

fn write_page(html: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("report.html");
    std::fs::write(&path, html).expect("write report.html");
    (dir, path)
}

#[test]
fn fixture_report_in_a_browser() {
    let Some(binary) = chromium() else { return };
    let html = report::html::render(&fixture::full("en")).expect("renders");
    let (_dir, page) = write_page(&html);
    let visit = visit(&binary, &page);
    keep("fixture-full", &visit);
    assert_clean(&visit);
    let dom = &visit.dom;
    assert_eq!(dom["lang"], "en");
    assert_eq!(dom["sections"], 3, "two services and the load errors");
    // The whole run's curve and one per probe for the load run, one for pengaduan.
    assert_eq!(dom["charts"], 4);
    let text = dom["text"].as_str().expect("text");
    for expected in [
        "Summary",
        "Certified with waivers",
        "4.31",
        "Excellent",
        "Not certified",
        "Automated self-assessment by ujilab; not an official IDSLL certification and not an SPBE/Pemdi index score",
        "This result was obtained under test conditions",
        "The index is below the certification minimum",
        fixture::HOSTILE_SCRIPT,
        fixture::HOSTILE_ATTRIBUTE,
        fixture::HOSTILE_LINK,
    ] {
        assert!(text.contains(expected), "`{expected}` is not shown");
    }
    // Printing: a title page with the summary, then each service on its own pages.
    assert!(
        visit.printed_pages >= 4,
        "{} printed pages",
        visit.printed_pages
    );
}

#[test]
fn indonesian_single_report_in_a_browser() {
    let Some(binary) = chromium() else { return };
    let html = report::html::render(&fixture::single("id")).expect("renders");
    let (_dir, page) = write_page(&html);
    let visit = visit(&binary, &page);
    keep("fixture-single-id", &visit);
    assert_clean(&visit);
    let text = visit.dom["text"].as_str().expect("text");
    assert_eq!(visit.dom["lang"], "id");
    assert!(
        !text.contains("Ringkasan"),
        "no run summary for one scenario"
    );
    for expected in [
        "Memenuhi syarat dengan pengecualian",
        "Memuaskan",
        "Hasil uji otomatis (penilaian mandiri) oleh ujilab; bukan sertifikasi resmi IDSLL dan bukan nilai Indeks SPBE/Pemdi",
        "Distribusi latensi",
    ] {
        assert!(text.contains(expected), "`{expected}` is not shown");
    }
}

/// The report of `ujilab demo` (a real run against the sandbox) in the browser.
#[test]
fn demo_report_in_a_browser() {
    let Some(binary) = chromium() else { return };
    let out = tempfile::tempdir().expect("temp dir");
    let output = Command::new(env!("CARGO_BIN_EXE_ujilab"))
        .env_remove("RUST_LOG")
        .env("NO_COLOR", "1")
        .args(["demo", "--no-progress", "--lang", "en", "--out"])
        .arg(out.path())
        .output()
        .expect("ujilab demo runs");
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let page = out.path().join("report.html");
    let visit = visit(&binary, &page);
    keep("report-demo", &visit);
    assert_clean(&visit);
    assert_eq!(
        visit.dom["sections"], 4,
        "dukcapil, perizinan, pengaduan, portal"
    );
    assert!(
        visit.dom["charts"].as_u64().unwrap_or_default() >= 3,
        "a latency chart per service"
    );
    let text = visit.dom["text"].as_str().expect("text");
    for service in [
        "contohkab-dukcapil",
        "contohkab-perizinan",
        "contohkab-pengaduan",
    ] {
        assert!(text.contains(service), "{service} is not shown");
    }
}

/// The checks can fail: a page that runs a script, logs an error and fetches
/// something (from a closed port on loopback) is caught on every count.
#[test]
fn the_browser_checks_catch_a_hostile_page() {
    let Some(binary) = chromium() else { return };
    let (_dir, page) = write_page(
        "<!DOCTYPE html><html><body><p>x</p>\
         <script>window.__pwned = 1; console.error('pwned'); fetch('http://127.0.0.1:9/x').catch(() => {});</script>\
         </body></html>",
    );
    let visit = visit(&binary, &page);
    assert_eq!(visit.dom["pwned"], true);
    assert_eq!(visit.dom["scripts"], 1);
    assert!(!visit.console_errors.is_empty());
    assert!(
        visit
            .requests
            .iter()
            .any(|url| url.starts_with("http://127.0.0.1:9/")),
        "{:?}",
        visit.requests
    );
    let caught = std::panic::catch_unwind(|| assert_clean(&visit));
    assert!(caught.is_err(), "assert_clean let a hostile page through");
}
