//! `ujilab init`: from a URL to a first scenario. Against the sandbox, the
//! drafted scenario finds the pages the hand-written demo declares, runs and
//! passes, and its standards outcomes for the pages read equal the demo's; on
//! a fixture site whose pages have other names, the same against a
//! hand-written scenario, with robots.txt obeyed and the User-Agent naming
//! ujilab.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use judge::standards::{RuleStatus, Score, evaluate};
use run::RunSettings;

use crate::fixture_site::{GOOD_HEADERS, Page, serve};
use crate::support::{
    assert_exit_code, load_against_sandbox, run_command_off_runtime, run_with, start_sandbox, text,
    ujilab_command,
};

/// Rules whose outcome rests on the pages and documents a scenario names:
/// the ones init's choices decide.
const PAGE_RULES: [&str; 13] = [
    "TR-01", "TR-02", "TR-03", "TR-05", "TR-06", "TR-07", "PD-01", "IO-03", "AX-01", "AX-02",
    "AX-03", "AX-04", "SC-05",
];

fn levels(score: &Score) -> BTreeMap<String, String> {
    score
        .rules
        .iter()
        .filter(|rule| PAGE_RULES.contains(&rule.code.as_str()))
        .map(|rule| {
            let shown = match rule.status {
                RuleStatus::Level(level) => format!("L{level}"),
                RuleStatus::Waived => "waived".into(),
                RuleStatus::NotApplicable => "n/a".into(),
                RuleStatus::Inconclusive => "inconclusive".into(),
            };
            (rule.code.clone(), shown)
        })
        .collect()
}

/// The functional pass and pages of `scenario` (no sampling, no load: the
/// page rules do not read them), scored.
async fn page_levels(scenario: &input::scenario::Scenario) -> BTreeMap<String, String> {
    let settings = RunSettings {
        no_availability: true,
        no_load: true,
        ..RunSettings::default()
    };
    let observations = run_with(scenario, &settings).await;
    let catalogue = &scenario.standards.as_ref().expect("standards").catalogue;
    levels(&evaluate(scenario, &observations, catalogue))
}

fn init_command(url: &str, out: &Path, extra: &[&str]) -> std::process::Command {
    let mut command = ujilab_command();
    command
        .args(["init", url, "--out"])
        .arg(out)
        .args(["--delay", "5ms", "--lang", "en"])
        .args(extra);
    command
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_drafts_the_sandbox_as_the_demo_declares_it() {
    let sandbox = start_sandbox().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("dukcapil.yaml");
    let url = format!("https://dukcapil.contohkab.go.id:{}/", sandbox.https_port());
    let ca = sandbox.ca_path().display().to_string();
    let resolve = [
        "--resolve",
        "dukcapil.contohkab.go.id:127.0.0.1",
        "--ca-file",
        &ca,
    ];
    let output = run_command_off_runtime(init_command(&url, &out, &resolve)).await;
    assert_exit_code(&output, 0);
    let drafted = std::fs::read_to_string(&out).expect("written");
    // An editor finds the schema the first line names, once written beside it.
    assert!(
        drafted.starts_with("# yaml-language-server: $schema=scenario.schema.json\n"),
        "{drafted}"
    );
    for (key, path) in [
        ("service_standard", "/standar-pelayanan"),
        ("complaints", "/pengaduan"),
        ("skm", "/skm"),
        ("ppid", "/ppid"),
        ("privacy", "/privasi"),
        ("openapi", "/openapi.json"),
    ] {
        assert!(
            drafted.contains(&format!("\n    {key}: \"{path}\"\n")),
            "{key} should be {path}:\n{drafted}"
        );
    }
    // No page of its own: a TODO, not a guess.
    assert!(drafted.contains("# maklumat: /...   # TODO"), "{drafted}");
    assert!(drafted.contains("\"dukcapil.contohkab.go.id\": \"127.0.0.1\""));
    let summary = text(&output.stdout);
    assert!(summary.contains("service standard"), "{summary}");
    assert!(summary.contains("/standar-pelayanan"), "{summary}");

    // Never over a file without --force.
    let again = run_command_off_runtime(init_command(&url, &out, &resolve)).await;
    assert_exit_code(&again, 2);
    assert!(text(&again.stderr).contains("--force"));

    // The draft runs, whole, and passes.
    let mut run = ujilab_command();
    run.arg("run")
        .arg(&out)
        .arg("--out")
        .arg(dir.path().join("reports"))
        .args(["--no-progress", "--lang", "en"]);
    let ran = run_command_off_runtime(run).await;
    assert_exit_code(&ran, 0);

    // The page rules score the draft as they score the hand-written demo.
    let demo = load_against_sandbox(
        &sandbox,
        "scenarios/demo/dukcapil.yaml",
        include_str!("../scenarios/demo/dukcapil.yaml"),
    );
    let draft = load_against_sandbox(&sandbox, "dukcapil.yaml", &drafted);
    let drafted_levels = page_levels(&draft).await;
    assert_eq!(drafted_levels, page_levels(&demo).await);
    assert_eq!(drafted_levels.len(), PAGE_RULES.len());
    assert_eq!(drafted_levels.get("TR-01").map(String::as_str), Some("L5"));
    sandbox.shutdown().await;
}

const HOST: &str = "layanan.contohkota.go.id";

/// A city's portal whose standard pages have names of their own, and a
/// robots.txt that keeps crawlers out of /admin/.
fn city_portal() -> HashMap<String, Page> {
    let frame = |title: &str, main: &str| {
        format!(
            r#"<!DOCTYPE html><html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><title>{title} | Kota Contoh</title></head>
<body><header><nav>
<a href="/">Beranda</a> <a href="/informasi/ketentuan-layanan">Info Layanan</a>
<a href="/hubungi-aduan">Aduan Warga</a> <a href="/janji">Janji Kami</a>
<a href="/indeks">Indeks Kepuasan</a> <a href="/keterbukaan">Keterbukaan Informasi</a>
<a href="/data-pribadi">Data Pribadi</a> <a href="/admin/">Masuk</a> <a href="/berita/1">Berita</a>
</nav></header><main>{main}</main>
<footer>Jl. Pahlawan 2, Kota Contoh. Telepon (0262) 555-0303</footer></body></html>"#
        )
    };
    let page = |title: &str, main: &str| {
        let mut page = Page::html(&frame(title, main));
        page.headers = GOOD_HEADERS.to_vec();
        page
    };
    let year = time::OffsetDateTime::now_utc().year() - 1;
    let mut pages = HashMap::new();
    pages.insert(
        "/robots.txt".to_string(),
        Page::with(200, "text/plain", "User-agent: *\nDisallow: /admin/\n"),
    );
    pages.insert(
        "/".to_string(),
        page(
            "Layanan Kota Contoh",
            "<h1>Layanan Perizinan Kota Contoh</h1><p>Jam layanan: Senin-Jumat 08.00 - 16.00 WIB.</p>",
        ),
    );
    pages.insert(
        "/informasi/ketentuan-layanan".to_string(),
        page(
            "Ketentuan Layanan",
            "<h1>Ketentuan Layanan</h1><h2>Persyaratan</h2><p>KTP dan surat permohonan.</p>\
             <h2>Prosedur</h2><p>Ajukan, verifikasi, terbit.</p><h2>Jangka waktu</h2><p>3 hari kerja.</p>\
             <h2>Biaya</h2><p>Gratis.</p><h2>Produk pelayanan</h2><p>Surat izin.</p>\
             <h2>Pengaduan</h2><p>Melalui halaman aduan warga.</p>",
        ),
    );
    pages.insert(
        "/hubungi-aduan".to_string(),
        page(
            "Aduan Warga",
            r#"<h1>Sampaikan Aduan</h1><p>Pengaduan juga dapat melalui <a href="https://www.lapor.go.id">SP4N-LAPOR!</a></p>
<form method="post" action="/hubungi-aduan"><label for="isi">Isi aduan</label><textarea id="isi" name="isi"></textarea>
<button type="submit">Kirim</button></form>"#,
        ),
    );
    pages.insert(
        "/janji".to_string(),
        page(
            "Janji Kami",
            "<h1>Maklumat Pelayanan</h1><p>Dengan ini kami menyatakan sanggup menyelenggarakan pelayanan sesuai standar pelayanan.</p>",
        ),
    );
    pages.insert(
        "/indeks".to_string(),
        page(
            "Indeks Kepuasan",
            &format!(
                "<h1>Survei Kepuasan Masyarakat</h1><p>Nilai IKM tahun {year}: 86,40 (Baik).</p>"
            ),
        ),
    );
    pages.insert(
        "/keterbukaan".to_string(),
        page(
            "Keterbukaan Informasi",
            "<h1>PPID Kota Contoh</h1><p>Daftar Informasi Publik: informasi berkala, informasi serta merta, \
             informasi tersedia setiap saat, informasi yang dikecualikan. Permohonan informasi dan \
             pengajuan keberatan melalui loket PPID.</p>",
        ),
    );
    pages.insert(
        "/data-pribadi".to_string(),
        page(
            "Data Pribadi",
            "<h1>Kebijakan Privasi</h1><p>Tujuan pemrosesan: layanan izin. Jenis data: nama dan NIK. \
             Dasar pemrosesan: kewajiban hukum. Retensi 2 tahun. Hak subjek data: akses dan hapus. \
             Pejabat pelindungan data: pdp@contohkota.go.id.</p>",
        ),
    );
    pages.insert(
        "/berita/1".to_string(),
        page(
            "Berita",
            "<h1>Peresmian Taman Kota</h1><p>Wali kota meresmikan taman.</p>",
        ),
    );
    pages.insert(
        "/admin/".to_string(),
        page("Masuk", "<h1>Masuk</h1><p>Khusus petugas.</p>"),
    );
    pages
}

const HAND_WRITTEN_CITY: &str = r#"
version: 1
service:
  id: layanan.contohkota.go.id
  base_url: https://layanan.contohkota.go.id:${env:CITY_PORT}
standards:
  profile: idsll-core
  pages:
    home: /
    service_standard: /informasi/ketentuan-layanan
    complaints: /hubungi-aduan
    maklumat: /janji
    skm: /indeks
    ppid: /keterbukaan
    privacy: /data-pribadi
defaults:
  resolve: { layanan.contohkota.go.id: 127.0.0.1 }
  tls: { ca_file: "${env:CITY_CA}" }
probes:
  - id: beranda
    request: { path: / }
    expect: { status: 200 }
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_finds_pages_by_their_words_not_their_names() {
    run::client::install_crypto_provider();
    let site = serve(city_portal(), Some(HOST)).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let ca = dir.path().join("ca.pem");
    std::fs::write(&ca, site.ca_pem.as_deref().expect("https")).expect("ca");
    let out = dir.path().join("kota.yaml");
    let url = format!("https://{HOST}:{}/", site.addr.port());
    let resolve = format!("{HOST}:127.0.0.1");
    let ca_arg = ca.display().to_string();
    let output = run_command_off_runtime(init_command(
        &url,
        &out,
        &["--resolve", &resolve, "--ca-file", &ca_arg],
    ))
    .await;
    assert_exit_code(&output, 0);
    let drafted = std::fs::read_to_string(&out).expect("written");
    for (key, path) in [
        ("service_standard", "/informasi/ketentuan-layanan"),
        ("complaints", "/hubungi-aduan"),
        ("maklumat", "/janji"),
        ("skm", "/indeks"),
        ("ppid", "/keterbukaan"),
        ("privacy", "/data-pribadi"),
    ] {
        assert!(
            drafted.contains(&format!("\n    {key}: \"{path}\"\n")),
            "{key} should be {path}:\n{drafted}"
        );
    }
    assert!(
        !drafted.contains("/berita/1"),
        "a news page is no standard page"
    );
    assert!(
        drafted.contains("# openapi: /openapi.json   # TODO"),
        "{drafted}"
    );

    let received = site.received();
    assert_eq!(
        received.first().map(|r| r.target.as_str()),
        Some("/robots.txt")
    );
    assert!(
        received.iter().all(|r| !r.target.starts_with("/admin")),
        "robots.txt disallows /admin/"
    );
    assert!(received.iter().all(|r| {
        r.header("user-agent")
            .is_some_and(|agent| agent.starts_with("ujilab/"))
    }));

    // The draft runs and passes.
    let mut run = ujilab_command();
    run.arg("run")
        .arg(&out)
        .arg("--out")
        .arg(dir.path().join("reports"))
        .args(["--no-progress", "--lang", "en"]);
    let ran = run_command_off_runtime(run).await;
    assert_exit_code(&ran, 0);

    // Its page rules score as the hand-written scenario's.
    let mut env = input::scenario::Environment::empty()
        .with("CITY_PORT", site.addr.port().to_string())
        .with("CITY_CA", ca_arg.clone());
    env = env.with("UNUSED", String::new());
    let settings = input::scenario::LoadSettings {
        env,
        require_env: true,
        ..input::scenario::LoadSettings::default()
    };
    let load = |name: &str, text: &str| {
        let source = input::scenario::Source {
            name: name.into(),
            bytes: text.as_bytes().to_vec(),
            named: true,
        };
        match input::scenario::load_all(&[source], &settings, &mut Vec::new()).pop() {
            Some(input::scenario::Loaded::Ready { scenario, .. }) => *scenario,
            other => panic!("{name} does not load: {other:?}"),
        }
    };
    let hand = load("hand.yaml", HAND_WRITTEN_CITY);
    let draft = load("kota.yaml", &drafted);
    let drafted_levels = page_levels(&draft).await;
    assert_eq!(drafted_levels, page_levels(&hand).await);
    // The site is built to score well on its pages: a finding that reads
    // nothing would score level 1 here, not 5.
    assert_eq!(drafted_levels.get("TR-01").map(String::as_str), Some("L5"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_gives_a_clear_error_when_nothing_answers() {
    // A port nothing listens on: bound, then closed.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    drop(listener);
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("x.yaml");
    let url = format!("http://127.0.0.1:{port}/");
    let output = run_command_off_runtime(init_command(&url, &out, &[])).await;
    assert_exit_code(&output, 1);
    assert!(
        text(&output.stderr).contains("no response"),
        "{}",
        text(&output.stderr)
    );
    assert!(!out.exists());
    // In Indonesian too.
    let mut in_indonesian = ujilab_command();
    in_indonesian
        .args(["init", &url, "--out"])
        .arg(&out)
        .args(["--lang", "id"]);
    let indonesian = run_command_off_runtime(in_indonesian).await;
    assert_exit_code(&indonesian, 1);
    assert!(
        text(&indonesian.stderr).contains("galat: ")
            && text(&indonesian.stderr).contains("tidak ada respons"),
        "{}",
        text(&indonesian.stderr)
    );
    let bad = run_command_off_runtime(init_command("ftp://x", &out, &[])).await;
    assert_exit_code(&bad, 2);
}

/// A site built to make a crawler misbehave: hundreds of links, a body far
/// over the cap, a title that is YAML and an interpolation, a robots.txt
/// asking for a long pause. init stays within its page limit, reads no more
/// than its cap, and writes a scenario that loads and says the text as text.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_stays_within_its_bounds_on_a_hostile_site() {
    let mut pages = HashMap::new();
    let links: String = (0..400)
        .map(|n| format!("<a href=\"/halaman/{n}\">Halaman {n}</a>"))
        .collect();
    pages.insert(
        "/".to_string(),
        Page::html(&format!(
            "<html><head><title>\"}}\n- evil: ${{env:HOME}} #</title></head><body><h1>Beranda ${{token}}</h1><a href=\"/besar\">Besar</a>{links}</body></html>"
        )),
    );
    // 8 MiB of page: four times the cap.
    pages.insert(
        "/besar".to_string(),
        Page::html(&format!(
            "<html><body>{}</body></html>",
            "<p>isi</p>".repeat(800_000)
        )),
    );
    for n in 0..400 {
        pages.insert(
            format!("/halaman/{n}"),
            Page::html(&format!(
                "<html><body><a href=\"/halaman/{}\">lagi</a></body></html>",
                n + 400
            )),
        );
    }
    let site = serve(pages, None).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("hostile.yaml");
    let url = format!("http://127.0.0.1:{}/", site.addr.port());
    let started = std::time::Instant::now();
    let output = run_command_off_runtime(init_command(
        &url,
        &out,
        &["--max-pages", "12", "--depth", "3"],
    ))
    .await;
    assert_exit_code(&output, 0);
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
    let received = site.received();
    let pages_asked = received
        .iter()
        .filter(|r| r.target == "/" || r.target.starts_with("/halaman/") || r.target == "/besar")
        .count();
    assert_eq!(
        pages_asked,
        12,
        "{:?}",
        received.iter().map(|r| &r.target).collect::<Vec<_>>()
    );
    assert!(
        text(&output.stdout).contains("stopped at the page limit"),
        "{}",
        text(&output.stdout)
    );
    let drafted = std::fs::read_to_string(&out).expect("written");
    // The title is a quoted string, its `${` escaped: no key, no variable.
    assert!(
        drafted.contains(r#"name: "\"} - evil: $${env:HOME} #""#),
        "{drafted}"
    );
    assert!(!drafted.contains("\n- evil"), "{drafted}");
    let mut validate = ujilab_command();
    validate
        .args(["validate", "--lang", "en"])
        .arg(&out)
        .env_remove("HOME");
    let checked = run_command_off_runtime(validate).await;
    assert_exit_code(&checked, 0);
}

/// Typed as http, served as https: the site is where the home page ends.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn init_follows_the_home_page_to_https() {
    let sandbox = start_sandbox().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let out = dir.path().join("http.yaml");
    let url = format!("http://dukcapil.contohkab.go.id:{}/", sandbox.http_port());
    let ca = sandbox.ca_path().display().to_string();
    let extra = [
        "--resolve",
        "dukcapil.contohkab.go.id:127.0.0.1",
        "--ca-file",
        &ca,
    ];
    let output = run_command_off_runtime(init_command(&url, &out, &extra)).await;
    assert_exit_code(&output, 0);
    let drafted = std::fs::read_to_string(&out).expect("written");
    let https = format!(
        "base_url: \"https://dukcapil.contohkab.go.id:{}\"",
        sandbox.https_port()
    );
    assert!(drafted.contains(&https), "{drafted}");
    assert!(
        drafted.contains("\n    service_standard: \"/standar-pelayanan\"\n"),
        "{drafted}"
    );
    sandbox.shutdown().await;
}
