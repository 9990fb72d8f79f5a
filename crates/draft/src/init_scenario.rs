//! The scenario `ujilab init` writes from what its visit saw: the service, the
//! standard pages it found (each with why, or a TODO), a probe for the home page
//! and for each page found, the OpenAPI document, a short availability section
//! and a commented-out small load. Comments are in the chosen language; every
//! value from the site is quoted ([`crate::yaml`]).

use std::fmt::Write as _;
use std::net::IpAddr;
use std::path::PathBuf;

use input::lang::Lang;
use url::Url;

use crate::crawl::{ApiDocument, Crawl, Fetched};
use crate::roles::{Choice, Role};
use crate::yaml::{comment, quoted};

/// What the command line adds to the scenario.
#[derive(Debug, Clone)]
pub struct InitSettings {
    /// `--resolve HOST:IP`: written to `defaults.resolve`.
    pub resolve: Vec<(String, IpAddr)>,
    /// `--ca-file`: written to `defaults.tls.ca_file`, absolute.
    pub ca_files: Vec<PathBuf>,
    pub lang: Lang,
}

/// The probe id of the home page.
pub const HOME_PROBE: &str = "beranda";

/// Longest body phrase a probe checks for.
const MAX_PHRASE_CHARS: usize = 80;

/// The scenario's text. `crawl` must have a home page that answered.
pub fn write(crawl: &Crawl, choices: &[(Role, Option<Choice>)], settings: &InitSettings) -> String {
    let lang = settings.lang;
    let say = |id: &str, en: &str| lang.choose(id.to_string(), en.to_string());
    let start = &crawl.start;
    let host = start.host_str().unwrap_or("layanan").to_ascii_lowercase();
    let mut out = String::new();
    // An editor with the YAML language server shows every key's description and
    // example from the schema beside the file (written by the line below it).
    let _ = writeln!(out, "# yaml-language-server: $schema=scenario.schema.json");
    let _ = writeln!(
        out,
        "{}",
        say(
            "# Skema untuk editor: ujilab schema scenario > scenario.schema.json",
            "# The schema for editors: ujilab schema scenario > scenario.schema.json"
        )
    );
    let _ = writeln!(
        out,
        "{}",
        say(
            "# Draf skenario dari `ujilab init`. Periksa setiap TODO, lalu jalankan:",
            "# A draft scenario written by `ujilab init`. Check every TODO, then run:"
        )
    );
    let _ = writeln!(out, "#   ujilab validate FILE && ujilab run FILE");
    let _ = writeln!(
        out,
        "{}",
        say(
            "# Kunci dan contohnya: ujilab docs scenario.",
            "# Every key, with examples: ujilab docs scenario."
        )
    );
    let _ = writeln!(out, "version: 1");
    let _ = writeln!(out, "service:");
    let _ = writeln!(out, "  id: {}", quoted(&crate::service_id(&host)));
    let name = crawl
        .home()
        .and_then(|home| home.page.as_ref())
        .map(|page| page.title.clone())
        .filter(|title| !title.is_empty())
        .unwrap_or_else(|| host.clone());
    let _ = writeln!(out, "  name: {}", quoted(&comment(&name, 120)));
    for line in region_lines(lang) {
        let _ = writeln!(out, "  {line}");
    }
    let _ = writeln!(
        out,
        "  base_url: {}",
        quoted(origin(start).trim_end_matches('/'))
    );

    write_standards(&mut out, crawl, choices, lang);
    write_defaults(&mut out, settings, lang);
    write_probes(&mut out, crawl, choices, lang);
    if let Some(document) = crawl.api_document.as_ref().filter(|d| !d.swagger) {
        let _ = writeln!(out);
        let _ = writeln!(
            out,
            "{}",
            say(
                "# Satu probe per operasi GET dokumen OpenAPI yang dapat dipanggil; responsnya\n# diperiksa terhadap skema yang dinyatakan dokumen (ujilab docs scenario).",
                "# A probe per GET operation of the OpenAPI document that can be called; each\n# response is checked against the schema the document declares (ujilab docs scenario)."
            )
        );
        let _ = writeln!(out, "probes_from:");
        let _ = writeln!(out, "  openapi: {}", quoted(&path_of(&document.url)));
    }

    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{}",
        say(
            "# Ketersediaan: 10 sampel tiap 2 detik (20 detik). Untuk ukuran yang berarti,\n# perpanjang (misalnya every: 1m, for: 24h).",
            "# Availability: 10 samples 2 s apart (20 s). For a meaningful figure, sample\n# longer (every: 1m, for: 24h, say)."
        )
    );
    let _ = writeln!(out, "availability:");
    let _ = writeln!(out, "  probes: [{HOME_PROBE}]");
    let _ = writeln!(out, "  every: 2s");
    let _ = writeln!(out, "  samples: 10");
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{}",
        say(
            "# Uji beban kecil: hapus tanda # setelah pengelola layanan menyetujuinya.",
            "# A small load run: remove the # once the service's operators agree."
        )
    );
    let _ = writeln!(out, "# load:");
    let _ = writeln!(out, "#   probes: {{ {HOME_PROBE}: 1 }}");
    let _ = writeln!(out, "#   model: open");
    let _ = writeln!(out, "#   rate: 5/s");
    let _ = writeln!(out, "#   duration: 10s");
    out
}

fn origin(url: &Url) -> String {
    url.origin().ascii_serialization()
}

/// The region, commented out: what to fill in and how a code is written.
fn region_lines(lang: Lang) -> Vec<String> {
    let say = |id: &str, en: &str| lang.choose(id.to_string(), en.to_string());
    vec![
        say(
            "# TODO wilayah (untuk rekap per daerah, ujilab portfolio): hapus tanda # dan isi.",
            "# TODO region (for roll-ups by region, ujilab portfolio): remove the # and fill in.",
        ),
        "# region:".to_string(),
        say(
            "#   code: \"32.11\"        # kode wilayah Kemendagri, dalam tanda kutip: 32 provinsi,",
            "#   code: \"32.11\"        # Kemendagri region code, quoted: 32 provinsi,",
        ),
        say(
            "#                        # 32.11 kabupaten/kota, 32.11.01.2001 desa/kelurahan",
            "#                        # 32.11 kabupaten/kota, 32.11.01.2001 desa/kelurahan",
        ),
        "#   name: Kabupaten Sumedang".to_string(),
        "#   type: kabupaten        # provinsi | kabupaten | kota | desa | kelurahan".to_string(),
    ]
}

fn write_standards(
    out: &mut String,
    crawl: &Crawl,
    choices: &[(Role, Option<Choice>)],
    lang: Lang,
) {
    let say = |id: &str, en: &str| lang.choose(id.to_string(), en.to_string());
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{}",
        say(
            "# Penilaian standar idsll-core: halaman yang dibaca kriteria transparansi.",
            "# Scored against idsll-core: the pages the transparency rules read."
        )
    );
    let _ = writeln!(out, "standards:");
    let _ = writeln!(out, "  profile: idsll-core");
    let _ = writeln!(out, "  pages:");
    let _ = writeln!(out, "    home: {}", quoted(&path_of(&crawl.start)));
    for (role, choice) in choices {
        match choice {
            Some(choice) => {
                let _ = writeln!(out, "    {}: {}", role.key, quoted(&path_of(&choice.url)));
                let _ = writeln!(
                    out,
                    "      {} {}",
                    say("# dipilih:", "# chosen:"),
                    comment(&choice.reason(lang), 160)
                );
            }
            None => {
                let _ = writeln!(
                    out,
                    "    # {}: /...   # TODO {}",
                    role.key,
                    lang.choose(
                        format!("halaman {} tidak ditemukan; isi bila ada", role.name(lang)),
                        format!("no {} page found; fill in if there is one", role.name(lang)),
                    )
                );
            }
        }
    }
    let _ = writeln!(
        out,
        "    # contact: /...   # TODO {}",
        say(
            "halaman kontak dengan jam layanan, bila terpisah (TR-03 juga membaca beranda dan standar pelayanan)",
            "a contact page with service hours, if separate (TR-03 also reads the home page and the service standard)"
        )
    );
    match &crawl.api_document {
        Some(document) if !document.swagger => {
            let _ = writeln!(out, "    openapi: {}", quoted(&path_of(&document.url)));
            let _ = writeln!(out, "      # {}", api_reason(document, lang));
        }
        Some(document) => {
            let _ = writeln!(out, "    openapi: {}", quoted(&path_of(&document.url)));
            let _ = writeln!(
                out,
                "      # {}",
                lang.choose(
                    format!("Swagger {}: IO-03 meminta OpenAPI 3", document.version),
                    format!("Swagger {}: IO-03 asks for OpenAPI 3", document.version),
                )
            );
        }
        None => {
            let _ = writeln!(
                out,
                "    # openapi: /openapi.json   # TODO {}",
                say(
                    "tidak ada dokumen OpenAPI yang ditautkan atau di alamat umum",
                    "no OpenAPI document linked or at a usual path"
                )
            );
        }
    }
    if crawl.start.scheme() == "https" {
        let _ = writeln!(
            out,
            "  {}",
            say(
                "# http_url: http://HOST/   # di mana SC-01 mencari pengalihan ke https (bawaan: port 80)",
                "# http_url: http://HOST/   # where SC-01 looks for the redirect to https (default: port 80)"
            )
        );
    }
}

fn api_reason(document: &ApiDocument, lang: Lang) -> String {
    let version = &document.version;
    if document.linked {
        lang.choose(
            format!("OpenAPI {version}, ditautkan dari situs"),
            format!("OpenAPI {version}, linked from the site"),
        )
    } else {
        lang.choose(
            format!("OpenAPI {version}, di alamat yang umum"),
            format!("OpenAPI {version}, served at a usual path"),
        )
    }
}

fn write_defaults(out: &mut String, settings: &InitSettings, lang: Lang) {
    let say = |id: &str, en: &str| lang.choose(id.to_string(), en.to_string());
    let _ = writeln!(out);
    let _ = writeln!(out, "defaults:");
    let _ = writeln!(out, "  timeout: 10s");
    if !settings.resolve.is_empty() {
        let _ = writeln!(
            out,
            "  {}",
            say(
                "# Dari --resolve: kondisi uji, laporan menyebutnya. Hapus untuk layanan publik.",
                "# From --resolve: a test condition, which the reports state. Remove for the public service."
            )
        );
        let _ = writeln!(out, "  resolve:");
        for (host, ip) in &settings.resolve {
            let _ = writeln!(out, "    {}: {}", quoted(host), quoted(&ip.to_string()));
        }
    }
    if let Some(ca_file) = settings.ca_files.first() {
        let _ = writeln!(
            out,
            "  {}",
            say(
                "# Dari --ca-file: CA tambahan yang dipercaya (kondisi uji).",
                "# From --ca-file: an extra trusted CA (a test condition)."
            )
        );
        let _ = writeln!(out, "  tls:");
        let _ = writeln!(
            out,
            "    ca_file: {}",
            quoted(&ca_file.display().to_string())
        );
    }
}

fn write_probes(out: &mut String, crawl: &Crawl, choices: &[(Role, Option<Choice>)], lang: Lang) {
    let say = |id: &str, en: &str| lang.choose(id.to_string(), en.to_string());
    let _ = writeln!(out);
    let _ = writeln!(
        out,
        "{}",
        say(
            "# Satu probe per halaman: status, tipe konten, dan teks yang terlihat saat init.",
            "# One probe per page: status, content type, and a text seen when init visited."
        )
    );
    let _ = writeln!(out, "probes:");
    if let Some(home) = crawl.home() {
        write_page_probe(out, HOME_PROBE, home, lang);
    }
    for (role, choice) in choices {
        let Some(choice) = choice else { continue };
        if let Some(fetched) = crawl.pages.iter().find(|f| f.url == choice.url) {
            write_page_probe(out, role.probe_id, fetched, lang);
        }
    }
    if let Some(document) = crawl.api_document.as_ref().filter(|d| !d.swagger) {
        let _ = writeln!(out);
        let _ = writeln!(out, "  - id: openapi");
        let _ = writeln!(
            out,
            "    request: {{ path: {} }}",
            quoted(&path_of(&document.url))
        );
        let _ = writeln!(out, "    expect:");
        let _ = writeln!(out, "      status: 200");
        let _ = writeln!(out, "      json:");
        let _ = writeln!(out, "        $.openapi: {{ matches: \"^3\\\\.\" }}");
        let _ = writeln!(out, "        $.paths: {{ exists: true }}");
    }
}

fn write_page_probe(out: &mut String, id: &str, fetched: &Fetched, lang: Lang) {
    let _ = writeln!(out);
    let _ = writeln!(out, "  - id: {id}");
    let _ = writeln!(out, "    kind: page");
    let _ = writeln!(
        out,
        "    request: {{ path: {} }}",
        quoted(&path_of(&fetched.url))
    );
    let _ = writeln!(out, "    expect:");
    match fetched.status() {
        Some(status) if (200..300).contains(&status) => {
            let _ = writeln!(out, "      status: {status}");
        }
        seen => {
            let seen = seen.map_or_else(
                || lang.pick("tidak ada respons", "no response").to_string(),
                |s| s.to_string(),
            );
            let _ = writeln!(
                out,
                "      status: 200   # {}",
                lang.choose(
                    format!("TODO saat init: {seen}"),
                    format!("TODO when init visited: {seen}"),
                )
            );
        }
    }
    if let Some(media_type) = fetched
        .content_type()
        .and_then(|value| value.split(';').next())
        .map(str::trim)
        .filter(|value| !value.is_empty())
    {
        let _ = writeln!(out, "      headers:");
        let _ = writeln!(
            out,
            "        content-type: {{ contains: {} }}",
            quoted(&media_type.to_ascii_lowercase())
        );
    }
    if let Some(phrase) = body_phrase(fetched) {
        let _ = writeln!(out, "      body: {{ contains: {} }}", quoted(&phrase));
    }
}

/// A text the page showed that stands as written in its HTML: the first
/// heading, else the title, else their first words. None when neither does
/// (an entity or markup inside it).
fn body_phrase(fetched: &Fetched) -> Option<String> {
    let page = fetched.page.as_ref()?;
    let body = fetched.body();
    let mut candidates = Vec::new();
    for text in [&page.heading, &page.title] {
        let short = comment(text, MAX_PHRASE_CHARS);
        candidates.push(short.trim_end_matches('…').to_string());
        let words: Vec<&str> = text.split_whitespace().collect();
        for count in (2..words.len().min(4)).rev() {
            candidates.push(words[..count].join(" "));
        }
    }
    candidates
        .into_iter()
        .find(|phrase| phrase.chars().count() >= 4 && body.contains(phrase.as_str()))
}

/// Path and query of a same-site URL, as a probe's `path`.
fn path_of(url: &Url) -> String {
    match url.query() {
        Some(query) => format!("{}?{query}", url.path()),
        None => url.path().to_string(),
    }
}
