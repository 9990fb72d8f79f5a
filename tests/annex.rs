//! report.html as a printed annex and on a phone, in headless Chromium run from
//! its command line (no DevTools): printed to PDF and read back page by page with
//! poppler's `pdftotext`, and laid out in a 390 px frame whose widths a small
//! script in the frame's parent reports through `--dump-dom`.
//!
//! Without Chromium or poppler-utils the tests print a note and pass, unless
//! `UJILAB_REQUIRE_BROWSER` (or `UJILAB_REQUIRE_TOOLS`) is set, as CI does after
//! installing them.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Mutex, OnceLock};

use serde_json::Value;

use crate::reports::{browser, fixture};

/// One browser at a time: a 2-core machine runs the rest of the suite meanwhile.
static ONE_BROWSER: Mutex<()> = Mutex::new(());

fn required() -> bool {
    std::env::var_os("UJILAB_REQUIRE_BROWSER").is_some()
        || std::env::var_os("UJILAB_REQUIRE_TOOLS").is_some()
}

/// Chromium and poppler's pdftotext/pdfinfo, or `None` (with a note) when one is
/// missing and not required.
fn tools() -> Option<PathBuf> {
    let chromium = browser::chromium()?;
    let poppler = ["pdftotext", "pdfinfo"].iter().all(|tool| {
        Command::new(tool)
            .arg("-v")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok()
    });
    if !poppler {
        assert!(
            !required(),
            "UJILAB_REQUIRE_BROWSER/TOOLS is set but pdftotext or pdfinfo (poppler-utils) is missing"
        );
        eprintln!("note: poppler-utils not found; the printed-annex checks were skipped");
        return None;
    }
    Some(chromium)
}

/// Headless Chromium with the flags that keep it from talking to the outside and
/// a fresh profile; `args` say what to do with `page`.
fn chromium(binary: &Path, args: &[String], page: &Path) -> std::process::Output {
    let _one = ONE_BROWSER
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    let profile = tempfile::tempdir().expect("profile dir");
    let url = format!(
        "file://{}",
        page.canonicalize().expect("the page exists").display()
    );
    let output = Command::new(binary)
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
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(url)
        .stdin(Stdio::null())
        .output()
        .expect("chromium runs");
    assert!(
        output.status.success(),
        "chromium failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// `page` printed to PDF as Chromium prints it (A4 from the page's @page rule),
/// then the text of each page.
fn printed_pages(binary: &Path, page: &Path) -> Vec<String> {
    let pdf = page.with_extension("pdf");
    chromium(
        binary,
        &[
            "--no-pdf-header-footer".to_string(),
            format!("--print-to-pdf={}", pdf.display()),
        ],
        page,
    );
    let info = Command::new("pdfinfo").arg(&pdf).output().expect("pdfinfo");
    let info = String::from_utf8_lossy(&info.stdout);
    let pages: usize = info
        .lines()
        .find_map(|line| line.strip_prefix("Pages:"))
        .and_then(|count| count.trim().parse().ok())
        .unwrap_or_else(|| panic!("pdfinfo gives no page count: {info}"));
    (1..=pages)
        .map(|n| {
            let text = Command::new("pdftotext")
                .args(["-layout", "-f", &n.to_string(), "-l", &n.to_string()])
                .arg(&pdf)
                .arg("-")
                .output()
                .expect("pdftotext");
            String::from_utf8(text.stdout).expect("UTF-8 text")
        })
        .collect()
}

/// `ujilab demo --lang id`, run once for the tests of this file; its folder lives
/// as long as the test process.
fn demo() -> &'static Path {
    static DEMO: OnceLock<tempfile::TempDir> = OnceLock::new();
    DEMO.get_or_init(|| {
        let out = tempfile::tempdir().expect("temp dir");
        let output = Command::new(env!("CARGO_BIN_EXE_ujilab"))
            .env_remove("RUST_LOG")
            .env("NO_COLOR", "1")
            .args(["demo", "--no-progress", "--quiet", "--lang", "id", "--out"])
            .arg(out.path())
            .output()
            .expect("ujilab demo runs");
        assert!(
            matches!(output.status.code(), Some(0 | 1)),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        out
    })
    .path()
}

/// The margins of every page: the run id at the top, "Halaman N dari M" with the
/// right N and M and report.json's SHA-256 at the foot.
fn assert_margins(pages: &[String], page_word: &str, of: &str, run_id: &str, digest: &str) {
    let total = pages.len();
    assert!(total >= 2, "{total} printed pages");
    for (at, text) in pages.iter().enumerate() {
        let n = at + 1;
        // The margins are the page's first and last lines of text.
        let mut lines = text.lines().filter(|line| !line.trim().is_empty());
        let top = lines.next().unwrap_or_default();
        let bottom = lines.next_back().unwrap_or_default();
        let numbered = format!("{page_word} {n} {of} {total}");
        assert!(
            bottom.contains(&numbered),
            "page {n} lacks `{numbered}` at its foot:\n{text}"
        );
        assert!(
            bottom.contains(&format!("SHA-256 report.json: {digest}")),
            "page {n} lacks the digest of report.json at its foot:\n{text}"
        );
        assert!(
            top.contains(run_id),
            "page {n} lacks the run id at its top:\n{text}"
        );
    }
}

/// The sign-off block of `service` (`name`, `id`): whole on one page, under that
/// service's name in the margin, with every field to fill in.
fn assert_sign_off(pages: &[String], heading: &str, name: &str, id: &str, fields: &[&str]) {
    let title = format!("{heading}: {name}");
    let found: Vec<&String> = pages.iter().filter(|text| text.contains(&title)).collect();
    assert_eq!(found.len(), 1, "`{title}` on {} pages", found.len());
    let page = found[0];
    assert!(
        page.contains(&format!("{name} ({id})")),
        "the sign-off page of {id} is not under its name:\n{page}"
    );
    for field in fields {
        assert!(
            page.contains(field),
            "the sign-off of {id} lacks `{field}`:\n{page}"
        );
    }
}

#[test]
fn the_demo_prints_as_an_annex_with_its_identity_on_every_page() {
    let Some(binary) = tools() else { return };
    let out = demo();
    let json = std::fs::read(out.join("report.json")).expect("report.json");
    let digest = bundle::sha256_hex(&json);
    let report: Value = serde_json::from_slice(&json).expect("JSON");
    let run_id = report["run"]["id"].as_str().expect("run id");
    // A copy to print, so that the PDF does not land in the shared folder.
    let print = tempfile::tempdir().expect("temp dir");
    let page = print.path().join("report.html");
    std::fs::copy(out.join("report.html"), &page).expect("copies report.html");
    let pages = printed_pages(&binary, &page);

    assert_margins(&pages, "Halaman", "dari", run_id, &digest);
    let services = report["scenarios"].as_array().expect("scenarios");
    assert!(services.len() >= 2, "the demo has several services");
    for scenario in services {
        let name = scenario["service"]["name"].as_str().expect("a name");
        let id = scenario["service"]["id"].as_str().expect("an id");
        assert_sign_off(
            &pages,
            "Lembar pengesahan",
            name,
            id,
            &[
                "Penguji",
                "Pemeriksa",
                "Nama",
                "NIP",
                "Unit kerja",
                "Tempat dan tanggal",
                "Tanda tangan",
                &digest,
            ],
        );
        // The run's times in the service's zone (the demo's region 99: WIB),
        // UTC beside them.
        let start = pages
            .iter()
            .find(|text| text.contains(&format!("{name} ({id})")))
            .expect("the service's first page");
        assert!(
            start.contains(" WIB (") && start.contains(" UTC)"),
            "no local time with UTC beside it:\n{start}"
        );
    }
    // Every page names its service in the top margin; the pages before the first
    // service name them all.
    let front = format!("Laporan ujilab: {} layanan", services.len());
    let margins: Vec<String> = services
        .iter()
        .map(|s| {
            format!(
                "{} ({})",
                s["service"]["name"].as_str().unwrap_or_default(),
                s["service"]["id"].as_str().unwrap_or_default()
            )
        })
        .chain([front.clone()])
        .collect();
    for (at, text) in pages.iter().enumerate() {
        let top = text
            .lines()
            .find(|line| !line.trim().is_empty())
            .unwrap_or_default();
        assert!(
            margins.iter().any(|margin| top.contains(margin.as_str())),
            "page {} names no service at its top: {top}",
            at + 1
        );
    }
    assert!(pages[0].contains(&front), "{}", pages[0]);
    let all = pages.join("\n");
    // The evidence of passing probes is printed: a response header of dukcapil's
    // passing probes, which sits in a closed <details> on screen.
    assert!(
        all.contains("Bukti probe yang lulus") && all.contains("x-request-id: dukcapil-"),
        "the passing probes' evidence is not printed"
    );
    // A failed load request's time, in WIB beside UTC, to match the service's log.
    let flowing = all.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flowing.contains("setelah uji beban dimulai (") && flowing.contains(" WIB (20"),
        "no local time on the first failed load request"
    );
    // Headings kept with what follows: each rule table's heading is on the page
    // where the table starts.
    for text in pages.iter().filter(|text| text.contains("Kriteria: ")) {
        assert!(
            text.contains("Bukti dan perbaikan"),
            "a rule-table heading is left at the foot of a page:\n{text}"
        );
    }
}

/// The same in English, from the fixture (two services and a scenario that did
/// not load), with a digest given as `write` gives it.
#[test]
fn an_english_report_prints_as_an_annex_too() {
    let Some(binary) = tools() else { return };
    let report = fixture::full("en");
    let digest = "0f".repeat(32);
    let html = report::html::render_annex(&report, Some(&digest)).expect("renders");
    let dir = tempfile::tempdir().expect("temp dir");
    let page = dir.path().join("report.html");
    std::fs::write(&page, html).expect("writes");
    let pages = printed_pages(&binary, &page);
    assert_margins(&pages, "Page", "of", &report.run.id, &digest);
    for entry in &report.scenarios {
        let report::model::ScenarioEntry::Ran(scenario) = entry else {
            continue;
        };
        let id = &scenario.service.id;
        let name = scenario.service.name.as_deref().unwrap_or(id);
        assert_sign_off(
            &pages,
            "Sign-off",
            name,
            id,
            &[
                "Tester",
                "Reviewer",
                "Name",
                "NIP",
                "Work unit",
                "Place and date",
                "Signature",
            ],
        );
    }
}

/// What a page looks like in a 390 px wide frame: the document's width and every
/// element that sticks out of it or scrolls sideways inside its own box (visually
/// hidden elements, 1 px boxes of their own, aside).
const PHONE_PROBE: &str = r#"<!DOCTYPE html><html><head><meta charset="utf-8"></head>
<body style="margin:0"><iframe id="page" src="report.html" style="width:390px;height:844px;border:0"></iframe>
<pre id="result">pending</pre>
<script>
document.getElementById('page').addEventListener('load', () => {
  const frame = document.getElementById('page');
  const doc = frame.contentDocument, win = frame.contentWindow;
  const viewport = doc.documentElement.clientWidth;
  const hidden = e => {
    for (let a = e; a && a !== doc.body; a = a.parentElement) {
      if (win.getComputedStyle(a).overflow !== 'visible' && a.getBoundingClientRect().width <= 1) return true;
    }
    return false;
  };
  const wide = [];
  for (const e of doc.querySelectorAll('body *')) {
    const style = win.getComputedStyle(e);
    if (style.display === 'none' || hidden(e)) continue;
    const box = e.getBoundingClientRect();
    const scrolls = style.overflowX !== 'visible' && e.scrollWidth > e.clientWidth + 1;
    if (scrolls || box.right > viewport + 1 || box.left < -1) {
      wide.push(`${e.tagName.toLowerCase()}.${e.className} right ${Math.round(box.right)} scroll ${e.scrollWidth}/${e.clientWidth}: ${(e.textContent || '').trim().slice(0, 60)}`);
    }
  }
  document.getElementById('result').textContent = JSON.stringify({
    viewport, width: doc.documentElement.scrollWidth, wide, text: doc.body.innerText.length });
});
</script></body></html>"#;

/// The page `html` in a 390 px frame: (viewport, document width, what is too wide,
/// length of the text shown).
fn at_phone_width(binary: &Path, html: &str) -> Value {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("report.html"), html).expect("writes the page");
    let probe = dir.path().join("phone.html");
    std::fs::write(&probe, PHONE_PROBE).expect("writes the probe");
    let output = chromium(
        binary,
        &[
            "--hide-scrollbars".to_string(),
            // The probe reads the frame's document: both are files of one folder.
            "--allow-file-access-from-files".to_string(),
            "--virtual-time-budget=10000".to_string(),
            "--dump-dom".to_string(),
        ],
        &probe,
    );
    let dom = String::from_utf8_lossy(&output.stdout);
    let start = dom.find("<pre id=\"result\">").expect("the probe's result") + 17;
    let end = start + dom[start..].find("</pre>").expect("end of the result");
    let result = dom[start..end]
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&");
    serde_json::from_str(&result).unwrap_or_else(|_| panic!("the probe did not finish: {result}"))
}

fn assert_fits_a_phone(layout: &Value) {
    assert_eq!(layout["viewport"], 390, "{layout}");
    assert!(
        layout["text"].as_u64().unwrap_or_default() > 1000,
        "the page did not render: {layout}"
    );
    assert!(
        layout["width"].as_u64().unwrap_or(u64::MAX) <= 390,
        "the page is wider than a phone: {layout:#}"
    );
    assert_eq!(
        layout["wide"],
        serde_json::json!([]),
        "clipped or scrolling sideways at 390 px: {layout:#}"
    );
}

#[test]
fn the_demo_fits_a_phone_without_scrolling_sideways() {
    let Some(binary) = browser::chromium() else {
        return;
    };
    let html = std::fs::read_to_string(demo().join("report.html")).expect("report.html");
    assert_fits_a_phone(&at_phone_width(&binary, &html));
    let full = report::html::render(&fixture::full("en")).expect("renders");
    assert_fits_a_phone(&at_phone_width(&binary, &full));
}

/// The phone check can fail: a table that only fits by scrolling inside its box
/// (as report.html's tables did), and a line too long to wrap, are both caught.
#[test]
fn the_phone_check_catches_a_table_that_scrolls() {
    let Some(binary) = browser::chromium() else {
        return;
    };
    let cells: String = (0..12)
        .map(|n| format!("<td>column-{n}-value</td>"))
        .collect();
    let page = format!(
        "<!DOCTYPE html><html><head><meta name=\"viewport\" content=\"width=device-width\"></head><body>\
         <p>{}</p><div style=\"overflow-x:auto\"><table><tr>{cells}</tr></table></div>\
         <p style=\"white-space:nowrap\">{}</p></body></html>",
        "words ".repeat(200),
        "x".repeat(120)
    );
    let layout = at_phone_width(&binary, &page);
    let wide = layout["wide"].as_array().expect("a list");
    assert!(
        wide.iter()
            .any(|w| w.as_str().is_some_and(|w| w.starts_with("div."))),
        "{layout:#}"
    );
    assert!(
        layout["width"].as_u64().unwrap_or_default() > 390,
        "{layout:#}"
    );
    let caught = std::panic::catch_unwind(|| assert_fits_a_phone(&layout));
    assert!(
        caught.is_err(),
        "assert_fits_a_phone let a wide page through"
    );
}
