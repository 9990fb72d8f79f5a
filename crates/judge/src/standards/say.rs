//! Every sentence the standards stage writes into evidence, in Indonesian and
//! English. One function per message, taking typed values and returning a
//! [`Text`]: the struct literal needs both languages, so a message without one
//! does not compile. Numbers go through `input::lang` (decimal comma and
//! thousands dot in Indonesian); names, URLs, header lines and codes are data and
//! are the same in both. Indonesian follows `glossary-id.md` (respons, tingkat,
//! kriteria).

use std::time::Duration;

use input::catalogue::Levels;
use input::catalogue::Text;
use input::lang::{self, Lang};

use crate::thresholds::Op;

/// A number of things: with a thousands dot in Indonesian (`1.250`), as it was
/// always written in English (`1250`).
fn n(count: usize) -> [String; 2] {
    [lang::count(count as u64, Lang::Id), count.to_string()]
}

/// A ratio as a catalogue writes it (`97.42%`), in each language.
fn pct(ratio: f64) -> [String; 2] {
    [lang::ratio(ratio, Lang::Id), lang::ratio(ratio, Lang::En)]
}

/// Data that reads the same in both languages: a protocol name, a header
/// value, an attribute. Not a sentence.
pub fn verbatim(data: impl Into<String>) -> Text {
    let data = data.into();
    Text {
        id: data.clone(),
        en: data,
    }
}

/// Something the service sent, quoted as it is (a header line, a tag): marked as
/// code in Indonesian, where its words (`X-Powered-By`) are not prose.
pub fn code(data: impl Into<String>) -> Text {
    let data = data.into();
    Text {
        id: format!("`{data}`"),
        en: data,
    }
}

/// Texts joined by `separator` in each language.
pub fn join(texts: &[Text], separator: &str) -> Text {
    Text {
        id: texts
            .iter()
            .map(|text| text.id.as_str())
            .collect::<Vec<_>>()
            .join(separator),
        en: texts
            .iter()
            .map(|text| text.en.as_str())
            .collect::<Vec<_>>()
            .join(separator),
    }
}

/// `a, b, dan c`: an Indonesian series, with the serial comma PUEBI asks for.
fn series(items: &[&str], conjunction: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.to_string(),
        [first, second] => format!("{first} {conjunction} {second}"),
        [rest @ .., last] => format!("{}, {conjunction} {last}", rest.join(", ")),
    }
}

/// `a or b` (`a atau b`).
fn either(items: &[String]) -> [String; 2] {
    let names: Vec<&str> = items.iter().map(String::as_str).collect();
    [series(&names, "atau"), items.join(" or ")]
}

// ---- Thresholds -------------------------------------------------------------

/// A threshold value in its unit: `99.5%`, `500 ms`, `30 days`, `4`.
/// What each level needs: `L2 >= 95%, L3 >= 99%, ...` (`T2 >= 95%, ...`, T for
/// tingkat); binary `pass = 5, fail = 1`; a table's outcomes are codes, in
/// backticks in Indonesian. Written by the catalogue's own [`Levels::text`].
pub fn threshold(levels: &Levels) -> Text {
    levels.text()
}

// ---- Pages ------------------------------------------------------------------

/// Why a declared page could not be read (after the retry).
#[derive(Debug, Clone, PartialEq)]
pub enum FetchFailure {
    NoResponse,
    /// A transport error: its code and message (the client's own words).
    Transport {
        code: &'static str,
        message: String,
    },
    /// A 5xx.
    ServerError(u16),
    /// A 3xx ujilab could not follow.
    NoLocation(u16),
}

pub fn fetch_failure(failure: &FetchFailure) -> Text {
    match failure {
        FetchFailure::NoResponse => Text {
            id: "tidak ada respons".into(),
            en: "no response".into(),
        },
        FetchFailure::Transport { code, message } => Text {
            id: format!(
                "{code}: {}",
                observe::exchange::transport_text_id(code, message)
            ),
            en: format!("{code}: {message}"),
        },
        FetchFailure::ServerError(status) => verbatim(format!("HTTP {status}")),
        FetchFailure::NoLocation(status) => Text {
            id: format!("HTTP {status} tanpa Location yang dapat dipakai"),
            en: format!("HTTP {status} without a usable Location"),
        },
    }
}

/// `role`: the page's key under `standards.pages` (a code, marked as such in
/// Indonesian).
pub fn page_not_judged(role: &str, url: &str, failure: &FetchFailure) -> Text {
    let reason = fetch_failure(failure);
    Text {
        id: format!(
            "halaman `{role}` ({url}) tidak dapat diambil dan tidak dinilai: {}",
            reason.id
        ),
        en: format!(
            "page {role} ({url}) could not be fetched and was not judged: {}",
            reason.en
        ),
    }
}

pub fn fetch_failed_after(url: &str, attempts: u32, failure: &FetchFailure) -> Text {
    let reason = fetch_failure(failure);
    Text {
        id: format!(
            "{url} tidak dapat diambil setelah {attempts} kali percobaan: {}",
            reason.id
        ),
        en: format!(
            "could not fetch {url} after {attempts} attempt(s): {}",
            reason.en
        ),
    }
}

/// `HTTP 404 at URL`: the measured value of a missing page.
pub fn status_at(status: u16, url: &str) -> Text {
    Text {
        id: format!("HTTP {status} di {url}"),
        en: format!("HTTP {status} at {url}"),
    }
}

pub fn page_missing(status: u16, url: &str) -> Text {
    Text {
        id: format!("HTTP {status} di {url}: halaman tidak ada"),
        en: format!("HTTP {status} at {url}: the page is missing"),
    }
}

pub fn published_as_pdf(url: &str) -> Text {
    Text {
        id: format!(
            "dipublikasikan sebagai PDF di {url}, tidak dibaca: ujilab membaca HTML, bukan PDF"
        ),
        en: format!("published as PDF at {url}, not read: ujilab reads HTML, not PDF"),
    }
}

pub fn not_html(media: &str) -> Text {
    Text {
        id: format!("halaman berupa {media}, bukan HTML: ujilab hanya membaca halaman HTML"),
        en: format!("the page is {media}, not HTML: ujilab reads HTML pages only"),
    }
}

pub fn redirected_elsewhere(url: &str, final_url: &str) -> Text {
    Text {
        id: format!("{url} dialihkan ke host lain: {final_url}"),
        en: format!("{url} redirected to another host: {final_url}"),
    }
}

pub fn script_rendered(url: &str, characters: usize) -> Text {
    let [id_chars, en_chars] = n(characters);
    Text {
        id: format!(
            "{url} tampaknya dirender oleh JavaScript ({id_chars} karakter teks tanpa skrip); ujilab tidak menjalankan JavaScript"
        ),
        en: format!(
            "{url} appears to be rendered by JavaScript ({en_chars} characters of text without scripts); ujilab runs no JavaScript"
        ),
    }
}

pub fn read_first_kib(url: &str, kib: usize) -> Text {
    let [id_kib, en_kib] = n(kib);
    Text {
        id: format!("hanya {id_kib} KiB pertama dari {url} yang dibaca"),
        en: format!("only the first {en_kib} KiB of {url} were read"),
    }
}

pub fn read_to_depth(url: &str, depth: usize, bytes: usize) -> Text {
    let [id_bytes, en_bytes] = n(bytes);
    Text {
        id: format!(
            "elemen {url} bersarang lebih dari {depth} lapis; hanya {id_bytes} bita pertama yang dibaca"
        ),
        en: format!(
            "{url} nests elements deeper than {depth}; only its first {en_bytes} bytes were read"
        ),
    }
}

pub fn linked_pdf(href: &str) -> Text {
    Text {
        id: format!("dipublikasikan sebagai PDF di {href}, tidak dibaca"),
        en: format!("published as PDF at {href}, not read"),
    }
}

pub fn no_html_page() -> Text {
    Text {
        id: "tidak ada halaman HTML untuk dibaca".into(),
        en: "no HTML page to read".into(),
    }
}

pub fn no_html_response() -> Text {
    Text {
        id: "tidak ada respons halaman HTML untuk dinilai".into(),
        en: "no HTML page response to judge".into(),
    }
}

pub fn html_pages_read(pages: usize) -> Text {
    let [id, en] = n(pages);
    Text {
        id: format!("{id} halaman HTML dibaca"),
        en: format!("{en} HTML pages read"),
    }
}

/// The worst of several pages or responses counts.
pub fn lowest_of_html_pages(pages: usize) -> Text {
    let [id, en] = n(pages);
    Text {
        id: format!("terendah dari {id} halaman HTML"),
        en: format!("lowest of {en} HTML pages"),
    }
}

pub fn page_not_fetched_in_run(role: &str) -> Text {
    Text {
        id: format!("halaman `{role}` tidak diambil dalam pengujian ini"),
        en: format!("the {role} page was not fetched in this run"),
    }
}

pub fn page_not_fetched(role: &str) -> Text {
    Text {
        id: format!("halaman `{role}` tidak diambil"),
        en: format!("the {role} page was not fetched"),
    }
}

pub fn no_response() -> Text {
    Text {
        id: "tidak ada respons".into(),
        en: "no response".into(),
    }
}

pub fn no_service_response() -> Text {
    Text {
        id: "tidak ada respons layanan yang teramati".into(),
        en: "no response of the service was observed".into(),
    }
}

pub fn no_check(name: &str) -> Text {
    Text {
        id: format!("build ujilab ini tidak memiliki pemeriksaan `{name}`"),
        en: format!("this build has no check `{name}`"),
    }
}

// ---- Availability, load and latency ------------------------------------------

/// What AV-01 counted as samples.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SampleSource {
    /// The availability phase's samples.
    Availability,
    /// The functional exchanges, when the scenario has no `availability:`.
    Functional,
}

fn sample_source(source: SampleSource) -> [&'static str; 2] {
    match source {
        SampleSource::Availability => ["sampel ketersediaan", "availability samples"],
        SampleSource::Functional => [
            "permintaan uji fungsi (tanpa `availability:`)",
            "functional exchanges (no `availability:`)",
        ],
    }
}

pub fn no_samples(source: SampleSource) -> Text {
    let [id, en] = sample_source(source);
    // Samples are taken; requests are sent.
    let taken = match source {
        SampleSource::Availability => "diambil",
        SampleSource::Functional => "dikirim",
    };
    Text {
        id: format!("tidak ada {id} yang {taken}"),
        en: format!("no {en} were taken"),
    }
}

pub fn sample_interval(source: SampleSource, samples: u64, up: u64, low: f64, high: f64) -> Text {
    let [id_source, en_source] = sample_source(source);
    let [id_low, en_low] = pct(low);
    let [id_high, en_high] = pct(high);
    Text {
        id: format!(
            "{id_source}: n = {}, {} berhasil; interval Wilson 95% {id_low} .. {id_high}",
            lang::count(samples, Lang::Id),
            lang::count(up, Lang::Id)
        ),
        en: format!(
            "{en_source}: n = {samples}, {up} up; 95% Wilson interval {en_low} .. {en_high}"
        ),
    }
}

/// Too few samples to prove a higher level.
pub fn capped(level: u8, samples: u64, needed: u64) -> Text {
    let next = level + 1;
    Text {
        id: format!(
            "dibatasi pada tingkat {level}: {} sampel belum cukup untuk membuktikan lebih; ambil sedikitnya {} sampel untuk tingkat {next}",
            lang::count(samples, Lang::Id),
            lang::count(needed, Lang::Id)
        ),
        en: format!(
            "capped at level {level}: {samples} samples cannot prove more; take at least {needed} for level {next}"
        ),
    }
}

/// `92.5% (37 of 40 up), judged on 97.42%`: `judged_on` is the upper end of the
/// interval when the samples are too few for the plain ratio.
pub fn availability(ratio: f64, up: u64, samples: u64, judged_on: Option<f64>) -> Text {
    let [id_ratio, en_ratio] = pct(ratio);
    let judged = judged_on.map(pct);
    Text {
        id: format!(
            "{id_ratio} ({} dari {} berhasil){}",
            lang::count(up, Lang::Id),
            lang::count(samples, Lang::Id),
            judged
                .as_ref()
                .map(|[id, _]| format!(", dinilai dengan {id}"))
                .unwrap_or_default()
        ),
        en: format!(
            "{en_ratio} ({up} of {samples} up){}",
            judged
                .as_ref()
                .map(|[_, en]| format!(", judged on {en}"))
                .unwrap_or_default()
        ),
    }
}

pub fn no_load_section() -> Text {
    Text {
        id: "skenario tidak memiliki `load:`".into(),
        en: "the scenario has no `load:`".into(),
    }
}

pub fn load_interrupted() -> Text {
    Text {
        id: "uji beban dihentikan".into(),
        en: "the load run was interrupted".into(),
    }
}

/// `reason` is the load engine's own message.
pub fn load_could_not_start(reason: &str) -> Text {
    Text {
        id: format!("uji beban tidak dapat dimulai: {reason}"),
        en: format!("the load run could not start: {reason}"),
    }
}

/// `flag` as the user typed it (`--no-load`).
pub fn no_load_run(flag: &str) -> Text {
    Text {
        id: format!("tanpa uji beban: {flag}"),
        en: format!("no load run: {flag}"),
    }
}

pub fn load_without_figures() -> Text {
    Text {
        id: "uji beban tidak menghasilkan angka".into(),
        en: "the load run produced no figures".into(),
    }
}

pub fn load_sent_nothing() -> Text {
    Text {
        id: "uji beban tidak mengirim permintaan setelah pemanasan (warmup)".into(),
        en: "the load run sent no request after warmup".into(),
    }
}

pub fn load_failures(rate: f64, failed: u64, requests: u64) -> Text {
    let [id_rate, en_rate] = pct(rate);
    Text {
        id: format!(
            "{id_rate} ({} dari {} permintaan uji beban gagal)",
            lang::count(failed, Lang::Id),
            lang::count(requests, Lang::Id)
        ),
        en: format!("{en_rate} ({failed} of {requests} load requests failed)"),
    }
}

/// What PF-01/PF-02 read their latency from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LatencySource {
    Load,
    /// Functional and availability exchanges; `load_declared` when a load run
    /// was asked for but gave no figures.
    Exchanges {
        load_declared: bool,
    },
    /// The samples a watch took over a window of its history (`ujilab report
    /// --db`); `load_declared` as above.
    Watched {
        load_declared: bool,
    },
}

fn latency_source(source: LatencySource) -> [&'static str; 2] {
    match source {
        LatencySource::Load => [
            "permintaan uji beban setelah pemanasan (warmup)",
            "load requests after warmup",
        ],
        LatencySource::Exchanges {
            load_declared: true,
        } => [
            "permintaan uji fungsi dan ketersediaan (tanpa angka uji beban)",
            "functional and availability exchanges (no load figures)",
        ],
        LatencySource::Exchanges {
            load_declared: false,
        } => [
            "permintaan uji fungsi dan ketersediaan",
            "functional and availability exchanges",
        ],
        LatencySource::Watched {
            load_declared: true,
        } => [
            "sampel pemantauan (watch) selama jendela laporan (tanpa uji beban)",
            "the watch's samples over the report's window (no load run)",
        ],
        LatencySource::Watched {
            load_declared: false,
        } => [
            "sampel pemantauan (watch) selama jendela laporan",
            "the watch's samples over the report's window",
        ],
    }
}

pub fn no_complete_response(source: LatencySource) -> Text {
    let [id, en] = latency_source(source);
    Text {
        id: format!("tidak ada respons lengkap di antara {id}"),
        en: format!("no complete response among the {en}"),
    }
}

pub fn latency_source_note(source: LatencySource) -> Text {
    let [id, en] = latency_source(source);
    Text {
        id: format!("sumber: {id}"),
        en: format!("source: {en}"),
    }
}

/// `p95 1.5 s over 20 responses`.
pub fn percentile_over(label: &str, seconds: f64, responses: u64) -> Text {
    let took = Duration::from_secs_f64(seconds.max(0.0));
    Text {
        id: format!(
            "{label} {} dari {} respons",
            lang::duration(took, Lang::Id),
            lang::count(responses, Lang::Id)
        ),
        en: format!(
            "{label} {} over {responses} responses",
            lang::duration(took, Lang::En)
        ),
    }
}

pub fn no_large_text_response(min_bytes: u64) -> Text {
    Text {
        id: format!(
            "tidak ada respons teks 200 di atas {} bita",
            lang::count(min_bytes, Lang::Id)
        ),
        en: format!("no 200 text response over {min_bytes} bytes was seen"),
    }
}

pub fn all_compressed(responses: usize, min_bytes: u64) -> Text {
    let [id, en] = n(responses);
    Text {
        id: format!(
            "{id} respons teks di atas {} bita, semuanya dikompresi",
            lang::count(min_bytes, Lang::Id)
        ),
        en: format!("{en} text responses over {min_bytes} bytes, all compressed"),
    }
}

pub fn sent_uncompressed(media: &str, bytes: u64) -> Text {
    Text {
        id: format!(
            "{media} berukuran {} bita dikirim tanpa Content-Encoding",
            lang::count(bytes, Lang::Id)
        ),
        en: format!("{media} of {bytes} bytes sent without Content-Encoding"),
    }
}

// ---- Functional probes ------------------------------------------------------

pub fn no_probe_run() -> Text {
    Text {
        id: "tidak ada probe yang dijalankan".into(),
        en: "no probe was run".into(),
    }
}

pub fn probes_passed(passed: usize, total: usize) -> Text {
    let [id_passed, en_passed] = n(passed);
    let [id_total, en_total] = n(total);
    let [id_ratio, en_ratio] = pct(passed as f64 / total.max(1) as f64);
    Text {
        id: format!("{id_passed} dari {id_total} probe lulus ({id_ratio})"),
        en: format!("{en_passed} of {en_total} probes passed ({en_ratio})"),
    }
}

pub fn probes_failed(ids: &[&str]) -> Text {
    let ids = ids.join(", ");
    Text {
        id: format!("gagal: {ids}"),
        en: format!("failed: {ids}"),
    }
}

// ---- Transport security -------------------------------------------------------

pub fn plain_http_base(base: &str) -> Text {
    Text {
        id: format!("base_url {base} memakai http biasa"),
        en: format!("base_url {base} is plain http"),
    }
}

pub fn readable_on_the_network() -> Text {
    Text {
        id: "tanpa TLS: semua yang dikirim warga dapat dibaca di jaringan".into(),
        en: "no TLS: everything citizens send can be read on the network".into(),
    }
}

pub fn https_base(base: &str) -> Text {
    Text {
        id: format!("base_url {base} memakai https"),
        en: format!("base_url {base} is https"),
    }
}

pub fn redirect_not_checked() -> Text {
    Text {
        id: "pengalihan http:// tidak diperiksa dalam pengujian ini".into(),
        en: "the http:// redirect was not checked in this run".into(),
    }
}

pub fn redirects_to_https(status: u16) -> Text {
    Text {
        id: format!("http_url merespons {status} ke https"),
        en: format!("http_url answers {status} to https"),
    }
}

pub fn redirects_elsewhere(status: u16, location: &str) -> Text {
    Text {
        id: format!("http_url merespons {status} ke {location}, bukan ke https"),
        en: format!("http_url answers {status} to {location}, not to https"),
    }
}

pub fn does_not_redirect(status: u16) -> Text {
    Text {
        id: format!("http_url merespons {status} tanpa mengalihkan ke https"),
        en: format!("http_url answers {status} without redirecting to https"),
    }
}

/// `error`: the transport error's code and message, when there was one.
pub fn http_url_silent(error: Option<(&str, &str)>) -> Text {
    let reason = match error {
        Some((code, message)) => Text {
            id: observe::exchange::transport_text_id(code, message),
            en: format!("{code}: {message}"),
        },
        None => Text {
            id: "tidak ada respons".into(),
            en: "no answer".into(),
        },
    };
    Text {
        id: format!("http_url tidak merespons ({})", reason.id),
        en: format!("http_url did not answer ({})", reason.en),
    }
}

pub fn no_tls() -> Text {
    Text {
        id: "tanpa TLS".into(),
        en: "no TLS".into(),
    }
}

pub fn no_tls_no_certificate() -> Text {
    Text {
        id: "tanpa TLS: base_url memakai http biasa, jadi tidak ada sertifikat".into(),
        en: "no TLS: base_url is plain http, so there is no certificate".into(),
    }
}

pub fn no_tls_plain_http() -> Text {
    Text {
        id: "tanpa TLS: base_url memakai http biasa".into(),
        en: "no TLS: base_url is plain http".into(),
    }
}

pub fn no_tls_for_hsts() -> Text {
    Text {
        id: "tanpa TLS: HSTS memerlukan https; base_url memakai http biasa".into(),
        en: "no TLS: HSTS needs https; base_url is plain http".into(),
    }
}

pub fn tls_not_gathered() -> Text {
    Text {
        id: "data TLS tidak dikumpulkan dalam pengujian ini".into(),
        en: "TLS facts were not gathered in this run".into(),
    }
}

pub fn insecure_ignored() -> Text {
    Text {
        id: "`tls.insecure` diaktifkan: probe melewati pemeriksaan sertifikat, tetapi kriteria ini tetap memeriksanya".into(),
        en: "`tls.insecure` is set: probes skipped certificate checks, this rule did not".into(),
    }
}

pub fn handshake_failed(target: &str) -> Text {
    Text {
        id: format!("handshake TLS dengan {target} gagal"),
        en: format!("TLS handshake with {target} failed"),
    }
}

/// `code` and `message`: the transport error.
pub fn tls_unreachable(target: &str, code: &str, message: &str) -> Text {
    Text {
        id: format!("{target} tidak dapat dihubungi untuk pemeriksaan TLS: {code}: {message}"),
        en: format!("could not reach {target} for the TLS check: {code}: {message}"),
    }
}

/// Why a certificate does not verify.
#[derive(Debug, Clone, PartialEq)]
pub enum CertificateFault<'a> {
    Untrusted(&'a str),
    NameMismatch,
    Expired,
    NotYetValid,
    /// The verifier's own words.
    Other(&'a str),
}

fn certificate_fault(fault: &CertificateFault) -> Text {
    match fault {
        CertificateFault::Untrusted(detail) => Text {
            id: format!("tidak diterbitkan oleh CA tepercaya ({detail})"),
            en: format!("not issued by a trusted CA ({detail})"),
        },
        CertificateFault::NameMismatch => Text {
            id: "diterbitkan untuk nama host lain".into(),
            en: "issued for another host name".into(),
        },
        CertificateFault::Expired => Text {
            id: "kedaluwarsa".into(),
            en: "expired".into(),
        },
        CertificateFault::NotYetValid => Text {
            id: "belum berlaku".into(),
            en: "not yet valid".into(),
        },
        CertificateFault::Other(detail) => verbatim(*detail),
    }
}

pub fn certificate_invalid(faults: &[CertificateFault]) -> Text {
    let faults: Vec<Text> = faults.iter().map(certificate_fault).collect();
    let faults = join(&faults, "; ");
    Text {
        id: format!("sertifikat tidak sah: {}", faults.id),
        en: format!("certificate not valid: {}", faults.en),
    }
}

pub fn expiry_unreadable(target: &str) -> Text {
    Text {
        id: format!(
            "sertifikat {target} terverifikasi, tetapi tanggal habis berlakunya tidak terbaca"
        ),
        en: format!("the certificate of {target} verified, but its expiry date could not be read"),
    }
}

/// `date`: ISO 8601 (`2026-08-30`).
pub fn certificate_expired(date: &str) -> Text {
    Text {
        id: format!("sertifikat kedaluwarsa pada {date}"),
        en: format!("certificate expired on {date}"),
    }
}

pub fn certificate_valid(days: u64, date: &str) -> Text {
    Text {
        id: format!(
            "sah, habis berlaku dalam {} hari ({date})",
            lang::count(days, Lang::Id)
        ),
        en: format!("valid, expires in {days} days ({date})"),
    }
}

pub fn no_modern_handshake() -> Text {
    Text {
        id: "tidak ada handshake TLS 1.2+".into(),
        en: "no TLS 1.2+ handshake".into(),
    }
}

/// One TLS version offered alone: its name, what the server did (`accepted`,
/// `refused`, `unknown`) and the detail the client saw.
pub struct VersionOffer<'a> {
    pub version: &'a str,
    pub result: &'a str,
    pub detail: Option<&'a str>,
}

/// `TLSv1.0 refused (alert); TLSv1.2 accepted`.
pub fn version_offers(offers: &[VersionOffer]) -> Text {
    let line = |in_lang: Lang| {
        offers
            .iter()
            .map(|offer| {
                let result = match (offer.result, in_lang) {
                    ("accepted", Lang::Id) => "diterima",
                    ("refused", Lang::Id) => "ditolak",
                    ("unknown", Lang::Id) => "tidak diketahui",
                    (code, _) => code,
                };
                match offer.detail {
                    Some(detail) => format!("{} {result} ({detail})", offer.version),
                    None => format!("{} {result}", offer.version),
                }
            })
            .collect::<Vec<_>>()
            .join("; ")
    };
    Text {
        id: line(Lang::Id),
        en: line(Lang::En),
    }
}

pub fn deprecated_version_accepted(version: &str) -> Text {
    Text {
        id: format!("server masih menerima {version}, yang sudah usang menurut RFC 8996"),
        en: format!("the server still accepts {version}, which RFC 8996 deprecates"),
    }
}

pub fn versions_untested(versions: &[&str]) -> Text {
    let versions = versions.join(", ");
    Text {
        id: format!(
            "{versions} tidak dapat diuji (tidak ada respons): versi yang lebih lama mungkin juga diterima"
        ),
        en: format!(
            "{versions} could not be tested (no answer): an older version may be accepted too"
        ),
    }
}

pub fn oldest_accepted(version: &str) -> Text {
    Text {
        id: format!("versi tertua yang diterima: {version}"),
        en: format!("oldest accepted: {version}"),
    }
}

// ---- Headers ------------------------------------------------------------------

pub fn no_https_response() -> Text {
    Text {
        id: "tidak ada respons https dari layanan yang teramati".into(),
        en: "no https response of the service was observed".into(),
    }
}

pub fn lowest_of_https_responses(responses: usize) -> Text {
    let [id, en] = n(responses);
    Text {
        id: format!("terendah dari {id} respons https"),
        en: format!("lowest of {en} https responses"),
    }
}

/// What one response's Strict-Transport-Security lines came to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HstsFinding {
    Absent,
    NoMaxAge,
    MaxAgeZero,
    /// max-age in seconds, and whether includeSubDomains came with it and
    /// whether that matters (a short max-age is short either way).
    MaxAge {
        seconds: u64,
        subdomains: Option<bool>,
    },
    Several(usize),
}

/// `1 day`, `30 days`, `600 seconds`.
fn days(seconds: u64) -> [String; 2] {
    let days = seconds / 86_400;
    match days {
        0 => [
            format!("{} detik", lang::count(seconds, Lang::Id)),
            format!("{seconds} seconds"),
        ],
        1 => ["1 hari".into(), "1 day".into()],
        days => [
            format!("{} hari", lang::count(days, Lang::Id)),
            format!("{days} days"),
        ],
    }
}

pub fn hsts(finding: HstsFinding) -> Text {
    match finding {
        HstsFinding::Absent => Text {
            id: "tidak ada header Strict-Transport-Security".into(),
            en: "no Strict-Transport-Security header".into(),
        },
        HstsFinding::NoMaxAge => Text {
            id: "Strict-Transport-Security tanpa max-age yang sah".into(),
            en: "Strict-Transport-Security without a valid max-age".into(),
        },
        HstsFinding::MaxAgeZero => Text {
            id: "max-age=0 mematikan HSTS".into(),
            en: "max-age=0 switches HSTS off".into(),
        },
        HstsFinding::MaxAge {
            seconds,
            subdomains,
        } => {
            let [id_days, en_days] = days(seconds);
            let (id_tail, en_tail) = match subdomains {
                None => ("", ""),
                Some(true) => ("; includeSubDomains", "; includeSubDomains"),
                Some(false) => (", tanpa includeSubDomains", ", without includeSubDomains"),
            };
            Text {
                id: format!("max-age={seconds} ({id_days}){id_tail}"),
                en: format!("max-age={seconds} ({en_days}){en_tail}"),
            }
        }
        HstsFinding::Several(count) => Text {
            id: format!("{count} header Strict-Transport-Security: peramban dapat mengabaikannya"),
            en: format!("{count} Strict-Transport-Security headers: browsers may ignore them"),
        },
    }
}

/// What one page's Content-Security-Policy came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CspFinding {
    Absent,
    Unrestricted,
    /// The directive read (script-src, default-src) and the keyword it allows.
    Allows(&'static str, &'static str),
    /// The directive and its sources, as sent.
    Strict(String),
}

pub fn csp(finding: &CspFinding) -> Text {
    match finding {
        CspFinding::Absent => Text {
            id: "tidak ada header Content-Security-Policy".into(),
            en: "no Content-Security-Policy header".into(),
        },
        CspFinding::Unrestricted => Text {
            id: "CSP tanpa script-src atau default-src: skrip tidak dibatasi".into(),
            en: "a CSP without script-src or default-src: scripts are not restricted".into(),
        },
        CspFinding::Allows(directive, keyword) => Text {
            id: format!("{directive} mengizinkan {keyword}"),
            en: format!("{directive} allows {keyword}"),
        },
        CspFinding::Strict(policy) => verbatim(policy.clone()),
    }
}

pub fn protections_present(present: usize, of: usize) -> Text {
    Text {
        id: format!("{present} dari {of} perlindungan terpasang"),
        en: format!("{present} of {of} present"),
    }
}

/// One of SC-06's four protections.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protection {
    NoSniff,
    Framing,
    ReferrerPolicy,
    PermissionsPolicy,
}

fn protection(protection: Protection) -> [&'static str; 2] {
    match protection {
        Protection::NoSniff => [
            "X-Content-Type-Options: nosniff",
            "X-Content-Type-Options: nosniff",
        ],
        Protection::Framing => [
            "perlindungan frame (X-Frame-Options atau CSP frame-ancestors)",
            "frame protection (X-Frame-Options or CSP frame-ancestors)",
        ],
        Protection::ReferrerPolicy => ["Referrer-Policy", "Referrer-Policy"],
        Protection::PermissionsPolicy => ["Permissions-Policy", "Permissions-Policy"],
    }
}

pub fn protections_missing(missing: &[Protection]) -> Text {
    let names = |index: usize| {
        missing
            .iter()
            .map(|item| protection(*item)[index])
            .collect::<Vec<_>>()
            .join(", ")
    };
    Text {
        id: format!("tidak ada: {}", names(0)),
        en: format!("missing: {}", names(1)),
    }
}

pub fn no_version_disclosed(responses: usize) -> Text {
    let [id, en] = n(responses);
    Text {
        id: format!("tidak ada versi di header {id} respons maupun di halaman yang dibaca"),
        en: format!("no version in the headers of {en} responses, nor in the pages read"),
    }
}

pub fn version_disclosed(places: usize) -> Text {
    if places == 1 {
        return Text {
            id: "versi perangkat lunak ditampilkan".into(),
            en: "a version is disclosed".into(),
        };
    }
    let [id, en] = n(places);
    Text {
        id: format!("versi perangkat lunak ditampilkan di {id} tempat"),
        en: format!("a version is disclosed in {en} places"),
    }
}

/// `?ver=6.1.9 on /wp-includes/style.css?ver=6.1.9`.
pub fn version_on_asset(version: &str, asset: &str) -> Text {
    Text {
        id: format!("?ver={version} pada {asset}"),
        en: format!("?ver={version} on {asset}"),
    }
}

/// A readme or feed that states the version: its URL and the words found.
pub fn file_states_version(url: &str, found: &str) -> Text {
    Text {
        id: format!("{url} menyebut \"{found}\""),
        en: format!("{url} says \"{found}\""),
    }
}

/// Another disclosure: what, the response it came from, where.
pub fn disclosure(what: &Text, source: &str, url: &str) -> Text {
    Text {
        id: format!("{} ({source}, {url})", what.id),
        en: format!("{} ({source}, {url})", what.en),
    }
}

pub fn no_cookie() -> Text {
    Text {
        id: "tidak ada cookie yang dipasang".into(),
        en: "no cookie was set".into(),
    }
}

/// A cookie attribute SC-08 asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CookieAttribute {
    Secure,
    HttpOnly,
    SameSite,
    /// SameSite=None without Secure.
    SameSiteNoneInsecure,
}

pub fn cookie_attributes(name: &str, missing: &[CookieAttribute]) -> Text {
    if missing.is_empty() {
        return Text {
            id: format!("cookie {name} memiliki Secure, HttpOnly, dan SameSite"),
            en: format!("cookie {name} has Secure, HttpOnly and SameSite"),
        };
    }
    let list = |index: usize| {
        missing
            .iter()
            .map(|attribute| match attribute {
                CookieAttribute::Secure => ["Secure", "Secure"][index],
                CookieAttribute::HttpOnly => ["HttpOnly", "HttpOnly"][index],
                CookieAttribute::SameSite => ["SameSite", "SameSite"][index],
                CookieAttribute::SameSiteNoneInsecure => [
                    "SameSite (nilai `None` tanpa Secure)",
                    "SameSite (None without Secure)",
                ][index],
            })
            .collect::<Vec<_>>()
    };
    Text {
        id: format!("cookie {name} tidak memiliki {}", series(&list(0), "dan")),
        en: format!("cookie {name} lacks {}", list(1).join(", ")),
    }
}

pub fn lowest_of_cookies(cookies: usize) -> Text {
    let [id, en] = n(cookies);
    Text {
        id: format!("terendah dari {id} header Set-Cookie"),
        en: format!("lowest of {en} Set-Cookie headers"),
    }
}

pub fn script_readable_cookies(names: &[String]) -> Text {
    let names = names.join(", ");
    Text {
        id: format!(
            "HttpOnly tidak dituntut dari {names}: menurut skenario, skrip situs membacanya"
        ),
        en: format!("no HttpOnly asked of {names}: the scenario says the site's script reads them"),
    }
}

// ---- API --------------------------------------------------------------------

pub fn no_api_probes() -> Text {
    Text {
        id: "skenario tidak memiliki probe API".into(),
        en: "the scenario has no API probes".into(),
    }
}

pub fn no_successful_api_body() -> Text {
    Text {
        id: "tidak ada probe API yang mendapat respons berhasil (2xx) dengan isi".into(),
        en: "no API probe got a successful (2xx) response with a body".into(),
    }
}

pub fn api_errors_left_to_io02(errors: usize) -> Text {
    let [id, en] = n(errors);
    Text {
        id: format!(
            "{id} respons galat API (4xx/5xx) tidak dihitung di sini: IO-02 yang menilainya"
        ),
        en: format!("{en} API error responses (4xx/5xx) not counted here: IO-02 judges them"),
    }
}

pub fn no_content_type() -> Text {
    Text {
        id: "tanpa Content-Type".into(),
        en: "no Content-Type".into(),
    }
}

pub fn json_share(json: usize, counted: usize) -> Text {
    let [id_json, en_json] = n(json);
    let [id_counted, en_counted] = n(counted);
    let [id_ratio, en_ratio] = pct(json as f64 / counted.max(1) as f64);
    Text {
        id: format!("{id_json} dari {id_counted} respons API bertipe JSON ({id_ratio})"),
        en: format!("{en_json} of {en_counted} API responses are JSON ({en_ratio})"),
    }
}

pub fn unknown_path_answered(url: &str, status: u16) -> Text {
    Text {
        id: format!("{url} merespons HTTP {status} untuk path yang tidak ada"),
        en: format!("{url} answered HTTP {status} to a path that does not exist"),
    }
}

pub fn could_not_ask(url: &str) -> Text {
    Text {
        id: format!("{url} tidak dapat dihubungi"),
        en: format!("{url} could not be asked"),
    }
}

/// An API error response whose body is not JSON, with its Content-Type.
pub fn error_not_json(status: u16, content_type: Option<&str>) -> Text {
    match content_type {
        Some(content_type) => Text {
            id: format!("respons galat HTTP {status} bertipe {content_type}, bukan JSON"),
            en: format!("HTTP {status} answered with {content_type}, not JSON"),
        },
        None => Text {
            id: format!("respons galat HTTP {status} dengan isi yang bukan JSON"),
            en: format!("HTTP {status} answered with a body that is not JSON"),
        },
    }
}

pub fn no_api_error() -> Text {
    Text {
        id: "tidak ada respons galat API yang teramati".into(),
        en: "no API error response was observed".into(),
    }
}

pub fn api_errors_all_json(errors: usize) -> Text {
    let [id, en] = n(errors);
    Text {
        id: format!("{id} respons galat API, semuanya JSON"),
        en: format!("{en} API error responses, all JSON"),
    }
}

pub fn no_openapi_declared() -> Text {
    Text {
        id: "dokumen OpenAPI tidak dideklarasikan".into(),
        en: "no OpenAPI document declared".into(),
    }
}

pub fn declare_openapi() -> Text {
    Text {
        id: "skenario memiliki probe API tetapi tidak ada `standards.pages.openapi`; nyatakan di mana API didokumentasikan".into(),
        en: "the scenario has API probes but no `standards.pages.openapi`; declare where the API is described".into(),
    }
}

pub fn openapi_not_fetched() -> Text {
    Text {
        id: "dokumen OpenAPI tidak diambil dalam pengujian ini".into(),
        en: "the OpenAPI document was not fetched in this run".into(),
    }
}

/// What the OpenAPI page turned out to be.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiDocument<'a> {
    OpenApi3(&'a str),
    /// An `openapi: 3.x` document that does not validate: its problems.
    InvalidOpenApi3 {
        version: &'a str,
        problems: Vec<String>,
    },
    /// The `openapi` key's value, as JSON.
    OtherOpenApi(String),
    Swagger2,
    NoOpenApiKey,
    /// Not JSON or YAML: the Content-Type, when there was one.
    Unreadable(Option<&'a str>),
}

pub fn api_document(document: &ApiDocument) -> Text {
    match document {
        ApiDocument::OpenApi3(version) => verbatim(format!("OpenAPI {version}")),
        ApiDocument::InvalidOpenApi3 { version, problems } => {
            let count = problems.len();
            // The validator's words are English: quoted, as data.
            let first = crate::standards::checks::openapi::shown(problems)
                .iter()
                .map(|problem| format!("`{problem}`"))
                .collect::<Vec<_>>()
                .join("; ");
            Text {
                id: format!(
                    "OpenAPI {version} yang tidak sah: {count} masalah, antara lain {first}"
                ),
                en: format!(
                    "OpenAPI {version} that does not validate: {count} problem(s), among them {first}"
                ),
            }
        }
        ApiDocument::OtherOpenApi(value) => Text {
            id: format!("openapi: {value} bukan OpenAPI 3"),
            en: format!("openapi: {value} is not OpenAPI 3"),
        },
        ApiDocument::Swagger2 => Text {
            id: "Swagger 2.0; publikasikan OpenAPI 3".into(),
            en: "Swagger 2.0; publish OpenAPI 3".into(),
        },
        ApiDocument::NoOpenApiKey => Text {
            id: "dokumen JSON/YAML tanpa kunci `openapi`".into(),
            en: "a JSON/YAML document without an `openapi` key".into(),
        },
        ApiDocument::Unreadable(content_type) => {
            let shown = content_type.map_or_else(no_content_type, verbatim);
            Text {
                id: format!("bukan dokumen JSON atau YAML ({})", shown.id),
                en: format!("not a JSON or YAML document ({})", shown.en),
            }
        }
    }
}

// ---- Transparency -------------------------------------------------------------

pub fn no_service_standard_page() -> Text {
    Text {
        id: "halaman standar pelayanan tidak dideklarasikan".into(),
        en: "no service-standard page declared".into(),
    }
}

pub fn declare_service_standard() -> Text {
    Text {
        id: "nyatakan sebagai `standards.pages.service_standard`; layanan yang memang tidak memilikinya mengecualikan TR-01 dengan alasan".into(),
        en: "declare it as `standards.pages.service_standard`; a service without one by design waives TR-01 with a reason".into(),
    }
}

pub fn service_standard_not_fetched() -> Text {
    Text {
        id: "halaman standar pelayanan tidak diambil dalam pengujian ini".into(),
        en: "the service-standard page was not fetched in this run".into(),
    }
}

/// `Persyaratan: in main > p "Persyaratan: KTP"`.
pub fn component_found(name: &str, path: &str, excerpt: &str) -> Text {
    Text {
        id: format!("{name}: di {path} \"{excerpt}\""),
        en: format!("{name}: in {path} \"{excerpt}\""),
    }
}

pub fn components_named(found: usize, of: usize) -> Text {
    let [id_found, en_found] = n(found);
    let [id_of, en_of] = n(of);
    Text {
        id: format!("{id_found} dari {id_of} komponen"),
        en: format!("{en_found} of {en_of} components"),
    }
}

/// The components not named (their Indonesian names: the regulation's words).
pub fn components_missing(names: &[&str]) -> Text {
    if names.is_empty() {
        return Text {
            id: "semua komponen disebut".into(),
            en: "all components named".into(),
        };
    }
    let names = names.join("; ");
    Text {
        id: format!("belum disebut: {names}"),
        en: format!("missing: {names}"),
    }
}

/// Which part of a page was read (`body`, `main`...), and the site-template
/// blocks not counted, each with whether it was for being on every page (at
/// most six shown; `more` when there were others).
pub fn content_read(scope: &str, skipped: &[(&str, bool)], more: bool) -> Text {
    let (mut id, mut en) = if scope == "body" {
        (
            "yang dibaca: isi (body) halaman".to_string(),
            "read the page's body".to_string(),
        )
    } else {
        (
            format!(
                "yang dibaca hanya <{scope}> halaman: header, sidebar, dan footer situs di sekitarnya tidak dihitung"
            ),
            format!(
                "read the page's <{scope}> only: the site's header, sidebars and footer around it do not count"
            ),
        )
    };
    if !skipped.is_empty() {
        let list = |every_page: &str| {
            let shown: Vec<String> = skipped
                .iter()
                .map(|(label, repeated)| {
                    if *repeated {
                        format!("{label} ({every_page})")
                    } else {
                        label.to_string()
                    }
                })
                .collect();
            format!("{}{}", shown.join(", "), if more { ", ..." } else { "" })
        };
        id.push_str(&format!(
            "; tidak dihitung (templat situs): {}",
            list("di setiap halaman")
        ));
        en.push_str(&format!(
            "; not counted (site template): {}",
            list("on every page")
        ));
    }
    Text { id, en }
}

/// `form`: its markup, `None` when a table splits its tags.
pub fn also_complaint_form(form: Option<&str>) -> Text {
    let form = form.map_or_else(form_inside_table, verbatim);
    Text {
        id: format!(
            "juga memuat formulir pengaduan dengan isian teks bebas: {}",
            form.id
        ),
        en: format!(
            "also holds a complaint form with a free-text field: {}",
            form.en
        ),
    }
}

pub fn form_inside_table() -> Text {
    Text {
        id: "formulir yang ditulis di dalam tabel".into(),
        en: "a form written inside a table".into(),
    }
}

pub fn links_to_national_channel() -> Text {
    Text {
        id: "menautkan ke layanan pengaduan nasional".into(),
        en: "links to the national complaint service".into(),
    }
}

pub fn holds_complaint_form() -> Text {
    Text {
        id: "memuat formulir pengaduan dengan isian teks bebas".into(),
        en: "holds a complaint form with a free-text field".into(),
    }
}

pub fn no_complaint_channel(domains: &[String]) -> Text {
    let [id, en] = either(domains);
    Text {
        id: format!("tidak ada tautan ke {id} dan tidak ada formulir dengan textarea"),
        en: format!("no link to {en} and no form with a textarea"),
    }
}

/// Where service hours were found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HoursFound {
    /// A time range near one of the hours words.
    Near { range: String, word: String },
    /// A table row naming a day with two times: its cells.
    TableRow(String),
}

fn hours_found(hours: &HoursFound) -> Text {
    match hours {
        HoursFound::Near { range, word } => Text {
            id: format!("{range} (dekat \"{word}\")"),
            en: format!("{range} (near \"{word}\")"),
        },
        HoursFound::TableRow(cells) => Text {
            id: format!("{cells} (baris tabel)"),
            en: format!("{cells} (table row)"),
        },
    }
}

pub fn hours_at(hours: Option<(&HoursFound, &str)>) -> Text {
    match hours {
        Some((hours, url)) => {
            let found = hours_found(hours);
            Text {
                id: format!("jam pelayanan: \"{}\" di {url}", found.id),
                en: format!("service hours: \"{}\" at {url}", found.en),
            }
        }
        None => Text {
            id: "jam pelayanan: tidak ditemukan".into(),
            en: "service hours: not found".into(),
        },
    }
}

pub fn contact_at(contact: Option<(&str, &str)>) -> Text {
    match contact {
        Some((contact, url)) => Text {
            id: format!("kontak: \"{contact}\" di {url}"),
            en: format!("contact: \"{contact}\" at {url}"),
        },
        None => Text {
            id: "kontak: tidak ditemukan".into(),
            en: "contact: not found".into(),
        },
    }
}

pub fn loose_times(url: &str, window: &str) -> Text {
    Text {
        id: format!(
            "jam tertulis di dekat kata jam pelayanan, tetapi bukan sebagai rentang, di {url}: \"{window}\""
        ),
        en: format!("times near the hours words but not as a range at {url}: \"{window}\""),
    }
}

pub fn hours_and_contact(hours: bool, contact: bool) -> Text {
    let [id_hours, en_hours] = if hours {
        ["dicantumkan", "stated"]
    } else {
        ["tidak ditemukan", "not found"]
    };
    let [id_contact, en_contact] = if contact {
        ["dicantumkan", "stated"]
    } else {
        ["tidak ditemukan", "not found"]
    };
    Text {
        id: format!("jam pelayanan {id_hours}, kontak {id_contact}"),
        en: format!("service hours {en_hours}, contact {en_contact}"),
    }
}

pub fn base_url_is_ip() -> Text {
    Text {
        id: "base_url berupa alamat IP".into(),
        en: "base_url is an IP address".into(),
    }
}

pub fn base_url_without_host() -> Text {
    Text {
        id: "base_url tidak memiliki host".into(),
        en: "base_url has no host".into(),
    }
}

pub fn base_url_is_localhost() -> Text {
    Text {
        id: "base_url adalah localhost".into(),
        en: "base_url is localhost".into(),
    }
}

pub fn village_domain(desa_suffixes: &[String], suffixes: &[String]) -> Text {
    let desa = desa_suffixes.join(", ");
    let others = suffixes.join(", ");
    Text {
        id: format!(
            "{desa} khusus untuk pemerintah desa: nyatakan `service.region.type: desa` bila layanan ini milik desa; daerah lain memakai {others}"
        ),
        en: format!(
            "{desa} is for village governments: declare `service.region.type: desa` if this service is one's; other regions use {others}"
        ),
    }
}

pub fn host_under(host: &str, suffixes: &[String], under: bool) -> Text {
    let [id, en] = either(suffixes);
    if under {
        Text {
            id: format!("{host} berada di bawah {id}"),
            en: format!("{host} is under {en}"),
        }
    } else {
        Text {
            id: format!("{host} tidak berada di bawah {id}"),
            en: format!("{host} is not under {en}"),
        }
    }
}

// ---- Accessibility --------------------------------------------------------------

pub fn html_without_lang() -> Text {
    Text {
        id: "<html> tanpa lang".into(),
        en: "<html> without lang".into(),
    }
}

pub fn no_images() -> Text {
    Text {
        id: "tidak ada gambar di halaman yang dibaca".into(),
        en: "no images on the pages read".into(),
    }
}

pub fn image_without_alt(src: &str) -> Text {
    Text {
        id: format!("<img src=\"{src}\"> tanpa alt"),
        en: format!("<img src=\"{src}\"> has no alt"),
    }
}

/// `3 of 4 images have alt (75%)`.
pub fn images_with_alt(with_alt: usize, images: usize) -> Text {
    let [id_alt, en_alt] = n(with_alt);
    let [id_images, en_images] = n(images);
    let [id_ratio, en_ratio] = pct(with_alt as f64 / images.max(1) as f64);
    Text {
        id: format!("{id_alt} dari {id_images} gambar memiliki alt ({id_ratio})"),
        en: format!("{en_alt} of {en_images} images have alt ({en_ratio})"),
    }
}

/// SC-09 when every declared page came over plain http.
pub fn no_page_over_https() -> Text {
    Text {
        id: "tidak ada halaman yang dimuat lewat https; SC-01 menilai https".into(),
        en: "no page was served over https; SC-01 judges https".into(),
    }
}

/// `14 distinct resource and form addresses read on 3 https pages`.
pub fn subresources_read(addresses: usize, pages: usize) -> Text {
    let [id_addresses, en_addresses] = n(addresses);
    let [id_pages, en_pages] = n(pages);
    Text {
        id: format!(
            "{id_addresses} alamat sumber daya dan formulir yang berbeda dibaca di {id_pages} halaman https"
        ),
        en: format!(
            "{en_addresses} distinct resource and form addresses read on {en_pages} https pages"
        ),
    }
}

/// Resources asked over http that the page's CSP upgrades to https.
pub fn insecure_upgraded(resources: usize) -> Text {
    let [id, en] = n(resources);
    Text {
        id: format!(
            "{id} alamat http dinaikkan ke https oleh `Content-Security-Policy: upgrade-insecure-requests`"
        ),
        en: format!(
            "{en} http addresses upgraded to https by `Content-Security-Policy: upgrade-insecure-requests`"
        ),
    }
}

pub fn no_mixed_content() -> Text {
    Text {
        id: "tidak ada konten campuran: semua dimuat dan dikirim lewat https".into(),
        en: "no mixed content: everything is loaded and sent over https".into(),
    }
}

/// `2 resources loaded over http and 1 form sending over http on https pages`.
pub fn mixed_content(resources: usize, forms: usize) -> Text {
    let [id_resources, en_resources] = n(resources);
    let [id_forms, en_forms] = n(forms);
    let en_resources = match resources {
        1 => "1 resource".to_string(),
        _ => format!("{en_resources} resources"),
    };
    let en_forms = match forms {
        1 => "1 form".to_string(),
        _ => format!("{en_forms} forms"),
    };
    match (resources, forms) {
        (_, 0) => Text {
            id: format!("{id_resources} sumber daya dimuat lewat http di halaman https"),
            en: format!("{en_resources} loaded over http on https pages"),
        },
        (0, _) => Text {
            id: format!("{id_forms} formulir mengirim isian lewat http dari halaman https"),
            en: format!("{en_forms} sending over http from https pages"),
        },
        _ => Text {
            id: format!(
                "{id_resources} sumber daya dimuat lewat http dan {id_forms} formulir mengirim \
                 isian lewat http di halaman https"
            ),
            en: format!(
                "{en_resources} loaded over http and {en_forms} sending over http on https pages"
            ),
        },
    }
}

pub fn no_links() -> Text {
    Text {
        id: "tidak ada tautan di halaman yang dibaca".into(),
        en: "no links on the pages read".into(),
    }
}

/// A link whose purpose cannot be told: no name, or a generic one alone.
pub fn unclear_link(page: &str, href: &str, name: &str) -> Text {
    if name.is_empty() {
        Text {
            id: format!("`{page}`: tautan ke {href} tanpa nama yang dibacakan (ikon saja)"),
            en: format!(
                "`{page}`: the link to {href} has no name a screen reader reads (an icon only)"
            ),
        }
    } else {
        Text {
            id: format!("`{page}`: tautan \"{name}\" ke {href} tidak menyebut tujuannya"),
            en: format!("`{page}`: the link \"{name}\" to {href} does not say where it leads"),
        }
    }
}

/// `38 of 42 links say where they lead (90.5%)`.
pub fn links_with_purpose(clear: usize, links: usize) -> Text {
    let [id_clear, en_clear] = n(clear);
    let [id_links, en_links] = n(links);
    let [id_ratio, en_ratio] = pct(clear as f64 / links.max(1) as f64);
    Text {
        id: format!("{id_clear} dari {id_links} tautan menyebut tujuannya ({id_ratio})"),
        en: format!("{en_clear} of {en_links} links say where they lead ({en_ratio})"),
    }
}

/// What a page lacks for AX-03.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageBasic {
    Title,
    Viewport,
    /// A viewport that locks zoom: the locking value.
    ZoomLocked(String),
}

pub fn page_basics(missing: &[PageBasic]) -> Text {
    if missing.is_empty() {
        return Text {
            id: "setiap halaman memiliki title dan viewport".into(),
            en: "every page has a title and a viewport".into(),
        };
    }
    let item = |basic: &PageBasic, in_lang: Lang| match basic {
        PageBasic::Title => "<title>".to_string(),
        PageBasic::Viewport => "<meta name=\"viewport\">".to_string(),
        PageBasic::ZoomLocked(lock) => in_lang.choose(
            format!("viewport yang mengizinkan zoom ({lock} menguncinya)"),
            format!("a viewport that allows zoom ({lock} locks it)"),
        ),
    };
    let list = |in_lang: Lang| {
        missing
            .iter()
            .map(|basic| item(basic, in_lang))
            .collect::<Vec<_>>()
    };
    let id_list = list(Lang::Id);
    let id_list: Vec<&str> = id_list.iter().map(String::as_str).collect();
    Text {
        id: format!("tidak ada {}", series(&id_list, "dan")),
        en: format!("missing {}", list(Lang::En).join(" and ")),
    }
}

pub fn no_form_controls() -> Text {
    Text {
        id: "tidak ada kontrol formulir di halaman yang dibaca".into(),
        en: "no form controls on the pages read".into(),
    }
}

/// Controls without a label: their descriptions, and whether each was hidden.
pub fn unlabelled_controls(controls: &[(&str, bool)]) -> Text {
    let list = |hidden: &str| {
        controls
            .iter()
            .map(|(description, is_hidden)| {
                if *is_hidden {
                    format!("{description} ({hidden})")
                } else {
                    description.to_string()
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    Text {
        id: format!("tanpa label: {}", list("tersembunyi")),
        en: format!("without a label: {}", list("hidden")),
    }
}

pub fn hidden_controls(hidden: usize, total: usize) -> Text {
    let [id_hidden, en_hidden] = n(hidden);
    let [id_total, en_total] = n(total);
    Text {
        id: format!(
            "{id_hidden} dari {id_total} kontrol tersembunyi saat halaman dibaca (formulir modal atau terlipat, `hidden` atau aria-hidden=true): tetap dihitung, karena warga mengisinya setelah formulir dibuka"
        ),
        en: format!(
            "{en_hidden} of the {en_total} controls were hidden when the page was read (a modal or collapsed form, `hidden` or aria-hidden=true): counted, since citizens fill them in once it opens"
        ),
    }
}

pub fn repeated_controls(repeated: usize) -> Text {
    let [id, en] = n(repeated);
    Text {
        id: format!(
            "{id} kontrol yang berulang di beberapa halaman (formulir yang sama, seperti kotak pencarian situs) dihitung sekali"
        ),
        en: format!(
            "{en} controls repeated on several pages (the same form, such as a site-wide search box) counted once"
        ),
    }
}

/// `3 of 4 form controls are labelled (75%)`.
pub fn labelled_controls(labelled: usize, total: usize) -> Text {
    let [id_labelled, en_labelled] = n(labelled);
    let [id_total, en_total] = n(total);
    let [id_ratio, en_ratio] = pct(labelled as f64 / total.max(1) as f64);
    Text {
        id: format!("{id_labelled} dari {id_total} kontrol formulir berlabel ({id_ratio})"),
        en: format!("{en_labelled} of {en_total} form controls are labelled ({en_ratio})"),
    }
}

// ---- Score ----------------------------------------------------------------------

/// One verdict reason as a sentence, with its figures.
pub fn verdict_reason(reason: &crate::standards::VerdictReason) -> Text {
    use crate::standards::VerdictReason;
    let maybe_pct =
        |ratio: Option<f64>| ratio.map_or_else(|| ["-".to_string(), "-".to_string()], pct);
    let index = |index: Option<f64>| {
        index.map_or_else(
            || ["-".to_string(), "-".to_string()],
            |index| {
                let english = format!("{index:.2}");
                [lang::number(&english, Lang::Id), english]
            },
        )
    };
    match reason {
        VerdictReason::Interrupted => Text {
            id: "pengujian terhenti sebelum semua fase selesai: tidak ada kesimpulan, indeks hanya sementara".into(),
            en: "run cut short before every phase finished: no verdict, the index is provisional".into(),
        },
        VerdictReason::PartialRun { flags } => {
            let flags = flags
                .iter()
                .map(|flag| flag.as_str())
                .collect::<Vec<_>>()
                .join(", ");
            Text {
                id: format!("pengujian parsial: tidak ada kesimpulan ({flags})"),
                en: format!("partial run: no certification verdict ({flags})"),
            }
        }
        VerdictReason::CoverageBelowMin {
            coverage,
            min_coverage,
        } => {
            let [id_coverage, en_coverage] = maybe_pct(*coverage);
            let [id_min, en_min] = pct(*min_coverage);
            Text {
                id: format!("cakupan pengukuran {id_coverage} < {id_min}"),
                en: format!("measured coverage {en_coverage} < {en_min}"),
            }
        }
        VerdictReason::CriticalInconclusive { rules } => {
            let rules = rules.join(", ");
            Text {
                id: format!("kriteria wajib tidak dapat diukur: {rules}"),
                en: format!("critical rules could not be measured: {rules}"),
            }
        }
        VerdictReason::IndexBelowMin { index: got, min_index } => {
            let [id_index, en_index] = index(*got);
            let [id_min, en_min] = index(Some(*min_index));
            Text {
                id: format!("indeks {id_index} < {id_min}"),
                en: format!("index {en_index} < {en_min}"),
            }
        }
        VerdictReason::CriticalBelowMin {
            rules,
            critical_min_level,
        } => {
            let rules = rules
                .iter()
                .map(|rule| format!("{} = {}", rule.code, rule.level))
                .collect::<Vec<_>>()
                .join(", ");
            Text {
                id: format!("kriteria wajib di bawah tingkat {critical_min_level}: {rules}"),
                en: format!("critical rules below level {critical_min_level}: {rules}"),
            }
        }
    }
}

/// `date`: the waiver's last day (WIB).
pub fn waiver_expired(code: &str, date: &str) -> Text {
    Text {
        id: format!(
            "pengecualian {code} berakhir pada {date} (WIB) dan diabaikan: kriteria dihitung sesuai hasil ukur"
        ),
        en: format!(
            "the waiver of {code} expired on {date} (WIB) and was ignored: the rule counts as measured"
        ),
    }
}

// ---- Page components, graded complaints, statements, predicate ----------------

/// No page of the rule's roles (`maklumat, service_standard, home`) is declared.
pub fn no_page_declared(roles: &[&str]) -> Text {
    let [id, en] = either(
        &roles
            .iter()
            .map(|role| (*role).to_string())
            .collect::<Vec<_>>(),
    );
    Text {
        id: format!("halaman {id} tidak dideklarasikan"),
        en: format!("no {en} page declared"),
    }
}

/// How to declare the page `role`; a service without it waives the rule.
pub fn declare_page(role: &str) -> Text {
    Text {
        id: format!(
            "nyatakan sebagai `standards.pages.{role}`; layanan yang memang tidak memilikinya mengecualikan kriteria ini dengan alasan"
        ),
        en: format!(
            "declare it as `standards.pages.{role}`; a service without one by design waives the rule with a reason"
        ),
    }
}

/// The rule read `role` because the first of `roles` was not declared.
pub fn read_fallback_page(role: &str, roles: &[&str]) -> Text {
    let first = roles.first().copied().unwrap_or_default();
    Text {
        id: format!("halaman {first} tidak dideklarasikan: yang dibaca halaman {role}"),
        en: format!("no {first} page declared: read the {role} page"),
    }
}

/// `Nilai IKM: 87,5 in main > td "nilai ikm 87,5"`.
pub fn component_found_with_value(name: &str, value: &str, path: &str, excerpt: &str) -> Text {
    Text {
        id: format!("{name}: {value} di {path} \"{excerpt}\""),
        en: format!("{name}: {value} in {path} \"{excerpt}\""),
    }
}

/// A page published only as PDF, at the catalogue's level for it.
pub fn pdf_only(level: u8) -> Text {
    Text {
        id: format!(
            "dipublikasikan hanya sebagai PDF: tingkat {level}; isinya tidak dibaca ujilab, periksa secara manual"
        ),
        en: format!(
            "published only as PDF: level {level}; ujilab did not read it, check it by hand"
        ),
    }
}

/// A component asks for a recent year; the page gives an older one.
pub fn year_not_recent(name: &str, found: i32, oldest: i32) -> Text {
    Text {
        id: format!(
            "{name}: tahun {found} tertulis, tetapi yang dihitung tahun {oldest} atau sesudahnya"
        ),
        en: format!("{name}: the year {found} is written, but only {oldest} or later counts"),
    }
}

pub fn no_personal_data_form() -> Text {
    Text {
        id: "tidak ada formulir yang meminta NIK, surel atau nomor telepon pada halaman yang dibaca: kriteria ini tidak berlaku".into(),
        en: "no form asking for NIK, e-mail or a phone number on the pages read: the rule does not apply".into(),
    }
}

/// The personal-data fields seen (`input name=nik (complaints)`), at most a few
/// shown of `total`.
pub fn personal_data_collected(shown: &[String], total: usize) -> Text {
    let list = shown.join(", ");
    let more = total.saturating_sub(shown.len());
    let [id_more, en_more] = n(more);
    Text {
        id: if more > 0 {
            format!("layanan mengumpulkan data pribadi: {list} dan {id_more} kolom lain")
        } else {
            format!("layanan mengumpulkan data pribadi: {list}")
        },
        en: if more > 0 {
            format!("the service collects personal data: {list} and {en_more} more")
        } else {
            format!("the service collects personal data: {list}")
        },
    }
}

/// TR-02's outcomes: what was credited.
pub fn complaint_contact(contact: &str) -> Text {
    Text {
        id: format!(
            "kontak pengaduan (telepon, WhatsApp atau surel) di dekat kata pengaduan: {contact}"
        ),
        en: format!(
            "a complaint contact (phone, WhatsApp or e-mail) near a complaint word: {contact}"
        ),
    }
}

/// A form with a free-text field near none of the complaint words.
pub fn form_not_for_complaints(form: &str, words: &[String]) -> Text {
    let [id, en] = either(words);
    Text {
        id: format!(
            "{form} berisi textarea, tetapi tidak di dekat kata {id}: tidak dihitung sebagai formulir pengaduan"
        ),
        en: format!(
            "{form} has a textarea but is near none of {en}: not counted as a complaint form"
        ),
    }
}

/// Nothing to credit: no national link, no complaint form, no contact.
pub fn no_complaint_channel_graded(domains: &[String]) -> Text {
    let [id, en] = either(domains);
    Text {
        id: format!("tidak ada tautan ke {id}, formulir pengaduan, maupun kontak pengaduan"),
        en: format!("no link to {en}, no complaint form and no complaint contact"),
    }
}

/// An officer's statement, as given in the scenario.
pub fn attested(by: &str, role: &str, date: &str, document: &str) -> Text {
    Text {
        id: format!("dinyatakan oleh {by} ({role}) pada {date}; dokumen: {document}"),
        en: format!("stated by {by} ({role}) on {date}; document: {document}"),
    }
}

/// Where to write a statement the scenario does not have.
pub fn no_statement(code: &str) -> Text {
    Text {
        id: format!("tidak ada pernyataan petugas di `standards.attestations.{code}`"),
        en: format!("no officer's statement in `standards.attestations.{code}`"),
    }
}

/// A statement dated more than `days` before the run.
pub fn statement_too_old(date: &str, days: u64) -> Text {
    let [id_days, en_days] = n(days as usize);
    Text {
        id: format!(
            "pernyataan bertanggal {date} lebih tua dari {id_days} hari sebelum pengujian: tidak dihitung"
        ),
        en: format!(
            "the statement dated {date} is older than {en_days} days before the run: not counted"
        ),
    }
}

/// A statement dated after the run.
pub fn statement_in_future(date: &str) -> Text {
    Text {
        id: format!("pernyataan bertanggal {date}, sesudah tanggal pengujian: tidak dihitung"),
        en: format!("the statement is dated {date}, after the run: not counted"),
    }
}

/// Not measured: an officer's statement, outside the measured index.
pub fn not_measured() -> Text {
    Text {
        id: "dinyatakan petugas, tidak diukur: tidak dihitung dalam indeks maupun kesimpulan"
            .into(),
        en: "stated by an officer, not measured: counted in neither the index nor the verdict"
            .into(),
    }
}

/// What the report shows instead of a predicate withheld.
pub fn predicate_withheld() -> Text {
    Text {
        id: "— (kriteria wajib belum terpenuhi)".into(),
        en: "— (critical criteria not met)".into(),
    }
}

/// A rule critical under a condition that holds for this run.
pub fn critical_because_personal_data() -> Text {
    Text {
        id: "kriteria wajib untuk layanan ini karena layanan mengumpulkan data pribadi".into(),
        en: "critical for this service because it collects personal data".into(),
    }
}

// ---- Scenario thresholds ---------------------------------------------------------

/// The limit as the sentence names it: `the limit 800 ms` / `batas 800 ms`.
fn limit_words(op: Op, limit: &str) -> [String; 2] {
    match op {
        Op::Max => [format!("batas {limit}"), format!("the limit {limit}")],
        Op::Min => [
            format!("batas minimum {limit}"),
            format!("the minimum {limit}"),
        ],
    }
}

/// A threshold's metric as an Indonesian reader names it (`availability` ->
/// `ketersediaan`); percentiles, the probe in brackets and YAML codes stay.
fn metric_label_id(label: &str) -> String {
    let (metric, probe) = match label.split_once(' ') {
        Some((metric, probe)) => (metric, format!(" {probe}")),
        None => (label, String::new()),
    };
    let named = match metric {
        "availability" => "ketersediaan",
        "throughput" => "throughput",
        "score" => "indeks",
        "mean" => "rata-rata",
        other => other,
    };
    format!("{named}{probe}")
}

/// `p99 1.01 s exceeds the limit 800 ms` / `p99 1,01 s melebihi batas 800 ms`.
/// `figure` and `limit` are in English notation.
pub fn threshold_held(label: &str, figure: &str, op: Op, pass: bool, limit: &str) -> Text {
    let figure_id = lang::number(figure, Lang::Id);
    let [limit_id, limit_en] = limit_words(op, limit);
    let limit_id = lang::number(&limit_id, Lang::Id);
    let (verb_id, verb_en) = match (op, pass) {
        (Op::Max, true) => (", dalam", ", within"),
        (Op::Max, false) => (" melebihi", " exceeds"),
        (Op::Min, true) => (", mencapai", ", at or above"),
        (Op::Min, false) => (", di bawah", ", below"),
    };
    Text {
        id: format!("{} {figure_id}{verb_id} {limit_id}", metric_label_id(label)),
        en: format!("{label} {figure}{verb_en} {limit_en}"),
    }
}

/// A threshold with nothing measured to hold to it: a failure.
pub fn threshold_without_data(label: &str, op: Op, limit: &str) -> Text {
    let [limit_id, limit_en] = limit_words(op, limit);
    let limit_id = lang::number(&limit_id, Lang::Id);
    Text {
        id: format!(
            "{}: tidak ada data, jadi {limit_id} tidak terpenuhi",
            metric_label_id(label)
        ),
        en: format!("{label}: no data, so {limit_en} is not met"),
    }
}

/// A threshold not held because its phase did not run (`--no-load`…); `reason`
/// is the flag or cause as the run named it.
pub fn threshold_not_held(label: &str, op: Op, limit: &str, reason: &str) -> Text {
    let [limit_id, limit_en] = limit_words(op, limit);
    let limit_id = lang::number(&limit_id, Lang::Id);
    Text {
        id: format!(
            "{} tidak diuji terhadap {limit_id}: {reason}",
            metric_label_id(label)
        ),
        en: format!("{label} not held to {limit_en}: {reason}"),
    }
}

// ---- Service maturity (spbe-layanan) ---------------------------------------------

/// An SPBE maturity stage (tingkat kematangan layanan), cumulative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Stage {
    Information = 1,
    Interaction = 2,
    Transaction = 3,
    Collaboration = 4,
}

impl Stage {
    pub const ALL: [Stage; 4] = [
        Stage::Information,
        Stage::Interaction,
        Stage::Transaction,
        Stage::Collaboration,
    ];

    /// The catalogue's outcome name, which is also the Indonesian word.
    pub fn outcome(self) -> &'static str {
        match self {
            Stage::Information => "informasi",
            Stage::Interaction => "interaksi",
            Stage::Transaction => "transaksi",
            Stage::Collaboration => "kolaborasi",
        }
    }

    fn english(self) -> &'static str {
        match self {
            Stage::Information => "information",
            Stage::Interaction => "interaction",
            Stage::Transaction => "transaction",
            Stage::Collaboration => "collaboration",
        }
    }

    fn number(self) -> u8 {
        self as u8
    }
}

/// `T3 transaksi` / `L3 transaction`: the stage a service's pages evidence.
pub fn stage_reached(stage: Option<Stage>) -> Text {
    match stage {
        Some(stage) => {
            let (n, id, en) = (stage.number(), stage.outcome(), stage.english());
            Text {
                id: format!("T{n} {id}"),
                en: format!("L{n} {en}"),
            }
        }
        None => Text::new(
            "belum ada bukti tingkat informasi",
            "no evidence of the information stage",
        ),
    }
}

/// One stage's line of evidence: met with what showed it, or not with why.
pub fn stage_line(stage: Stage, met: bool, counted: bool, detail: &Text) -> Text {
    let (n, id, en) = (stage.number(), stage.outcome(), stage.english());
    let (state_id, state_en) = match (met, counted) {
        (true, true) => ("terpenuhi", "met"),
        (true, false) => (
            "terlihat, tetapi belum dihitung karena tingkat sebelumnya belum terpenuhi",
            "seen, but not counted while an earlier stage is not met",
        ),
        (false, _) => ("belum terpenuhi", "not met"),
    };
    Text {
        id: format!("T{n} {id} {state_id}: {}", detail.id),
        en: format!("L{n} {en} {state_en}: {}", detail.en),
    }
}

/// T1: the information page answered.
pub fn information_page(label: &str, status: u16, url: &str) -> Text {
    Text {
        id: format!("`{label}` merespons HTTP {status} di {url}"),
        en: format!("`{label}` answered HTTP {status} at {url}"),
    }
}

/// What tingkat interaksi looks for, named.
pub fn interaction_name(item: &str) -> Text {
    match item {
        "search" => Text::new("pencarian", "search"),
        "download" => Text::new("unduhan dokumen", "document download"),
        "upload" => Text::new("unggah berkas", "file upload"),
        other => Text::new(other, other),
    }
}

/// T2: each item found (`what` on `label`) or not.
pub fn interaction_items(found: &[(Text, Option<(String, String)>)]) -> Text {
    let [mut id, mut en] = [Vec::new(), Vec::new()];
    for (name, seen) in found {
        match seen {
            Some((what, label)) => {
                id.push(format!("{} ada ({what}, `{label}`)", name.id));
                en.push(format!("{} present ({what}, `{label}`)", name.en));
            }
            None => {
                id.push(format!("{} tidak ditemukan", name.id));
                en.push(format!("{} not found", name.en));
            }
        }
    }
    Text {
        id: id.join("; "),
        en: en.join("; "),
    }
}

/// T2's fix: where each item is looked for.
pub fn interaction_where() -> Text {
    Text::new(
        "dicari pada setiap halaman yang dinyatakan di `standards.pages`: formulir atau input pencarian, tautan ke dokumen (PDF, DOC, XLS...) dan input `type=file`",
        "looked for on every page declared in standards.pages: a search form or input, a link to a document (PDF, DOC, XLS...) and an input of type=file",
    )
}

/// T3: why the tagged probes do not show a transaction.
pub enum TransactionGap {
    /// No probe carries the tag.
    Untagged,
    /// A tagged probe did not pass.
    Failed(String),
    /// No tagged probe submits (POST, PUT or PATCH).
    NoSubmit,
    /// No tagged GET after a submit uses one of its captures.
    NoReadBack,
}

pub fn transaction_gap(tag: &str, gap: &TransactionGap) -> Text {
    match gap {
        TransactionGap::Untagged => Text {
            id: format!(
                "tidak ada titik uji bertag `{tag}`: tandai titik uji yang mengajukan permohonan dan yang membaca statusnya dengan `tags: [{tag}]`"
            ),
            en: format!(
                "no probe is tagged `{tag}`: tag the probes that submit an application and read back its status with `tags: [{tag}]`"
            ),
        },
        TransactionGap::Failed(probe) => Text {
            id: format!("titik uji `{probe}` bertag `{tag}` tidak lulus"),
            en: format!("probe `{probe}`, tagged `{tag}`, did not pass"),
        },
        TransactionGap::NoSubmit => Text {
            id: format!(
                "tidak ada titik uji bertag `{tag}` yang mengajukan permohonan (POST, PUT atau PATCH)"
            ),
            en: format!("no probe tagged `{tag}` submits an application (POST, PUT or PATCH)"),
        },
        TransactionGap::NoReadBack => Text {
            id: format!(
                "tidak ada titik uji GET bertag `{tag}` yang, setelah pengajuan, membaca statusnya dengan nilai yang ditangkap dari pengajuan itu (`capture`)"
            ),
            en: format!(
                "no GET probe tagged `{tag}` reads back the status after the submission with a value captured from it (capture)"
            ),
        },
    }
}

/// T3 met: the submission and its read-back.
pub fn transaction_shown(submit: &str, method: &str, read_back: &str, capture: &str) -> Text {
    Text {
        id: format!(
            "titik uji `{submit}` ({method}) mengajukan permohonan dan `{read_back}` (GET) membaca statusnya dengan `${{{capture}}}`; keduanya lulus"
        ),
        en: format!(
            "probe `{submit}` ({method}) submits an application and `{read_back}` (GET) reads back its status with `${{{capture}}}`; both passed"
        ),
    }
}

/// T4: a link to a national service.
pub fn collaboration_link(href: &str, label: &str) -> Text {
    Text {
        id: format!("tautan ke {href} di `{label}`"),
        en: format!("a link to {href} on `{label}`"),
    }
}

pub fn no_collaboration_link(domains: &[String]) -> Text {
    let [id, en] = either(domains);
    Text {
        id: format!("tidak ada tautan ke {id} pada halaman yang dinyatakan"),
        en: format!("no link to {en} on the declared pages"),
    }
}

/// T4 for an indicator whose collaboration a page does not show.
pub fn collaboration_not_visible() -> Text {
    Text::new(
        "integrasi indikator ini (SSO/INApas, verifikasi data kependudukan, API yang diterbitkan melalui SPLP) tidak terlihat dari halaman: tidak diukur ujilab, perlu diperiksa penilai",
        "this indicator's integration (SSO/INApas, population data verification, an API published through SPLP) does not show on a page: not measured by ujilab, for an assessor to check",
    )
}

/// T5 is never measured.
pub fn optimum_not_measured() -> Text {
    Text::new(
        "T5 optimum (perbaikan berkelanjutan berdasarkan reviu) tidak diukur ujilab",
        "L5 optimum (continuous improvement from reviews) is not measured by ujilab",
    )
}

/// A rule of an evidence catalogue the scenario does not claim.
pub fn not_evidence_for(code: &str) -> Text {
    Text {
        id: format!(
            "layanan ini tidak dinyatakan sebagai bukti untuk {code} (`standards.evidence_for`)"
        ),
        en: format!("this service is not declared as evidence for {code} (standards.evidence_for)"),
    }
}

// ---- Checking the Indonesian --------------------------------------------------

/// English words of ujilab's own evidence (taken from the English messages
/// above) that an Indonesian reader must not meet in `id` text.
pub const ENGLISH_WORDS: &[&str] = &[
    "a",
    "all",
    "allows",
    "and",
    "answer",
    "answered",
    "answers",
    "are",
    "asked",
    "at",
    "attempt",
    "browsers",
    "can",
    "cannot",
    "capped",
    "certificate",
    "components",
    "contact",
    "could",
    "days",
    "declare",
    "declared",
    "disclosed",
    "does",
    "every",
    "exchanges",
    "expired",
    "expires",
    "failed",
    "fetch",
    "fetched",
    "for",
    "found",
    "from",
    "has",
    "have",
    "hidden",
    "holds",
    "hours",
    "images",
    "in",
    "is",
    "judged",
    "lacks",
    "level",
    "links",
    "load",
    "lowest",
    "missing",
    "more",
    "none",
    "no",
    "not",
    "of",
    "on",
    "only",
    "or",
    "over",
    "page",
    "pages",
    "passed",
    "places",
    "present",
    "probes",
    "read",
    "redirected",
    "requests",
    "response",
    "responses",
    "run",
    "samples",
    "says",
    "seen",
    "sent",
    "service",
    "source",
    "stated",
    "still",
    "taken",
    "the",
    "this",
    "to",
    "under",
    "up",
    "valid",
    "was",
    "were",
    "when",
    "which",
    "with",
    "without",
];

/// The [`ENGLISH_WORDS`] in `text`, outside what is data: `backticked` spans,
/// "quoted" spans, URLs and paths, flags (`--no-load`), attributes
/// (`user-scalable=no`) and codes written with an underscore (`plain_http`).
pub fn english_words(text: &str) -> Vec<String> {
    let mut prose = String::with_capacity(text.len());
    let mut quote: Option<char> = None;
    for c in text.chars() {
        match (quote, c) {
            (None, '`' | '"') => quote = Some(c),
            (Some(open), _) if c == open => quote = None,
            (None, _) => prose.push(c),
            (Some(_), _) => {}
        }
    }
    prose
        .split_whitespace()
        .filter(|token| {
            !token.contains("://")
                && !token.contains('=')
                && !token.trim_start_matches('(').starts_with(['/', '-'])
        })
        .flat_map(|token| token.split(|c: char| !(c.is_alphanumeric() || c == '_')))
        .filter(|word| !word.is_empty() && !word.contains('_'))
        .map(str::to_lowercase)
        .filter(|word| ENGLISH_WORDS.contains(&word.as_str()))
        .collect()
}

// ---- CMS findings (SC-10, SC-11) -----------------------------------------------

pub fn no_cms_detected() -> Text {
    Text {
        id: "tidak ada CMS yang terdeteksi di beranda (meta generator, /wp-content/, /wp-json/ \
             atau header Link REST API), sehingga ujilab tidak memeriksanya"
            .into(),
        en: "no CMS was detected on the home page (generator meta, /wp-content/, /wp-json/ or \
             the REST API's Link header), so ujilab did not ask"
            .into(),
    }
}

pub fn no_account_names() -> Text {
    Text {
        id: "tidak ada nama akun yang dibuka".into(),
        en: "no account name is disclosed".into(),
    }
}

pub fn account_names_disclosed(count: usize) -> Text {
    let [id, en] = n(count);
    Text {
        id: format!("{id} nama akun dibuka"),
        en: if count == 1 {
            "1 account name is disclosed".into()
        } else {
            format!("{en} account names are disclosed")
        },
    }
}

/// `names`: login names as the site sent them (data, the same in both languages).
pub fn user_list_names(url: &str, names: &[String]) -> Text {
    let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    let listed: Vec<&str> = quoted.iter().map(String::as_str).collect();
    Text {
        id: format!(
            "daftar pengguna REST API ({url}) menyebut nama login {}",
            series(&listed, "dan")
        ),
        en: format!(
            "the REST API's user list ({url}) names the logins {}",
            names.join(", ")
        ),
    }
}

pub fn user_list_closed(url: &str, status: u16) -> Text {
    Text {
        id: format!("daftar pengguna REST API ({url}) merespons HTTP {status} tanpa nama akun"),
        en: format!(
            "the REST API's user list ({url}) answered HTTP {status} without account names"
        ),
    }
}

pub fn author_archive_names(url: &str, target: &str, name: &str) -> Text {
    Text {
        id: format!("arsip penulis {url} dialihkan ke {target} (nama login `{name}`)"),
        en: format!("the author archive {url} redirects to {target} (login name {name})"),
    }
}

pub fn author_archive_closed(url: &str, status: u16) -> Text {
    Text {
        id: format!("arsip penulis {url} merespons HTTP {status} tanpa mengarah ke nama akun"),
        en: format!("the author archive {url} answered HTTP {status} and led to no account name"),
    }
}

pub fn xmlrpc_open(methods: usize) -> Text {
    let [id, en] = n(methods);
    Text {
        id: format!("XML-RPC terbuka: {id} metode terdaftar"),
        en: format!("XML-RPC is open: {en} methods listed"),
    }
}

pub fn xmlrpc_answers_fault(fault: &str) -> Text {
    Text {
        id: format!("XML-RPC merespons panggilan ujilab dengan fault: {fault}"),
        en: format!("XML-RPC answered ujilab's call with a fault: {fault}"),
    }
}

pub fn xmlrpc_multicall() -> Text {
    Text {
        id: "termasuk `system.multicall`: ratusan tebakan kata sandi dapat dikirim dalam satu \
             permintaan"
            .into(),
        en: "including system.multicall: hundreds of password guesses fit in one request".into(),
    }
}

pub fn xmlrpc_closed(url: &str, status: u16) -> Text {
    Text {
        id: format!("{url} merespons HTTP {status} tanpa respons XML-RPC"),
        en: format!("{url} answered HTTP {status} without an XML-RPC response"),
    }
}

pub fn cms_asked_once() -> Text {
    Text {
        id: "ujilab menanyakannya sekali, seperti pengunjung mana pun, tanpa login".into(),
        en: "ujilab asked once, as any visitor could, without logging in".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::standards::VerdictReason;
    use crate::standards::score::RuleLevel;
    use input::catalogue::Thresholds;
    use input::catalogue::kinds::{Direction, Unit};
    use observe::observations::PartialFlag;

    const URL: &str = "https://layanan.contohkab.go.id/standar-pelayanan";

    /// Every message of the table, by name, with sample values.
    fn every_message() -> Vec<(&'static str, Text)> {
        let failure = FetchFailure::Transport {
            code: "timeout",
            message: "batas waktu 10 s".into(),
        };
        let suffixes = vec!["go.id".to_string(), "desa.id".to_string()];
        let hours = HoursFound::Near {
            range: "08.00 - 15.00".into(),
            word: "jam pelayanan".into(),
        };
        let thresholds = |unit, values: [f64; 4]| {
            Levels::Thresholds(Thresholds {
                direction: Direction::AtLeast,
                unit,
                lowest: 1,
                values: values.to_vec(),
            })
        };
        vec![
            ("verbatim", verbatim("TLSv1.3")),
            (
                "threshold_held",
                threshold_held("p99", "1.01 s", Op::Max, false, "800 ms"),
            ),
            (
                "threshold_without_data",
                threshold_without_data("availability", Op::Min, "99.5%"),
            ),
            (
                "threshold_not_held",
                threshold_not_held("p95", Op::Max, "800 ms", "--no-load"),
            ),
            ("code", code("X-Powered-By: PHP/5.4.16")),
            ("join", join(&[no_tls(), no_cookie()], "; ")),
            (
                "threshold",
                threshold(&thresholds(Unit::Ratio, [0.95, 0.99, 0.995, 0.999])),
            ),
            (
                "threshold",
                threshold(&thresholds(
                    Unit::Duration,
                    [86400.0 * 7.0, 86400.0 * 14.0, 86400.0 * 30.0, 1.5],
                )),
            ),
            (
                "threshold",
                threshold(&thresholds(Unit::Count, [1.0, 2.0, 3.0, 4.0])),
            ),
            ("threshold", threshold(&Levels::Binary)),
            (
                "threshold",
                threshold(&Levels::Table(vec![
                    ("long_with_subdomains".into(), 5),
                    ("absent".into(), 1),
                ])),
            ),
            ("fetch_failure", fetch_failure(&FetchFailure::NoResponse)),
            (
                "fetch_failure",
                fetch_failure(&FetchFailure::ServerError(503)),
            ),
            (
                "fetch_failure",
                fetch_failure(&FetchFailure::NoLocation(302)),
            ),
            ("fetch_failure", fetch_failure(&failure)),
            ("page_not_judged", page_not_judged("home", URL, &failure)),
            ("fetch_failed_after", fetch_failed_after(URL, 2, &failure)),
            ("status_at", status_at(404, URL)),
            ("page_missing", page_missing(404, URL)),
            ("published_as_pdf", published_as_pdf(URL)),
            ("not_html", not_html("application/json")),
            (
                "redirected_elsewhere",
                redirected_elsewhere(URL, "https://cdn.contoh.id/sp"),
            ),
            ("script_rendered", script_rendered(URL, 1250)),
            ("read_first_kib", read_first_kib(URL, 2048)),
            ("read_to_depth", read_to_depth(URL, 256, 40960)),
            ("linked_pdf", linked_pdf("/berkas/sp.pdf")),
            ("no_html_page", no_html_page()),
            ("no_html_response", no_html_response()),
            ("html_pages_read", html_pages_read(3)),
            ("lowest_of_html_pages", lowest_of_html_pages(3)),
            (
                "page_not_fetched_in_run",
                page_not_fetched_in_run("complaints"),
            ),
            ("page_not_fetched", page_not_fetched("contact")),
            ("no_response", no_response()),
            ("no_service_response", no_service_response()),
            ("no_check", no_check("pemeriksaan_baru")),
            ("no_samples", no_samples(SampleSource::Availability)),
            ("no_samples", no_samples(SampleSource::Functional)),
            (
                "sample_interval",
                sample_interval(SampleSource::Availability, 40, 37, 0.8333, 0.9742),
            ),
            ("capped", capped(3, 40, 100)),
            ("availability", availability(0.925, 37, 40, Some(0.9742))),
            ("availability", availability(0.999, 1998, 2000, None)),
            ("no_load_section", no_load_section()),
            ("load_interrupted", load_interrupted()),
            (
                "load_could_not_start",
                load_could_not_start("tidak ada probe"),
            ),
            ("no_load_run", no_load_run("--no-load")),
            ("load_without_figures", load_without_figures()),
            ("load_sent_nothing", load_sent_nothing()),
            ("load_failures", load_failures(0.05, 5, 100)),
            (
                "no_complete_response",
                no_complete_response(LatencySource::Load),
            ),
            (
                "latency_source_note",
                latency_source_note(LatencySource::Exchanges {
                    load_declared: true,
                }),
            ),
            (
                "latency_source_note",
                latency_source_note(LatencySource::Exchanges {
                    load_declared: false,
                }),
            ),
            ("percentile_over", percentile_over("p95", 1.25, 1250)),
            ("no_large_text_response", no_large_text_response(1024)),
            ("all_compressed", all_compressed(12, 1024)),
            ("sent_uncompressed", sent_uncompressed("text/html", 20480)),
            ("no_probe_run", no_probe_run()),
            ("probes_passed", probes_passed(3, 4)),
            ("probes_failed", probes_failed(&["cek-nik", "lapor"])),
            ("plain_http_base", plain_http_base("http://contoh.go.id/")),
            ("readable_on_the_network", readable_on_the_network()),
            ("https_base", https_base("https://contoh.go.id/")),
            ("redirect_not_checked", redirect_not_checked()),
            ("redirects_to_https", redirects_to_https(301)),
            (
                "redirects_elsewhere",
                redirects_elsewhere(302, "http://contoh.go.id/beranda"),
            ),
            ("does_not_redirect", does_not_redirect(200)),
            ("http_url_silent", http_url_silent(None)),
            (
                "http_url_silent",
                http_url_silent(Some(("connect", "ditolak"))),
            ),
            ("no_tls", no_tls()),
            ("no_tls_no_certificate", no_tls_no_certificate()),
            ("no_tls_plain_http", no_tls_plain_http()),
            ("no_tls_for_hsts", no_tls_for_hsts()),
            ("tls_not_gathered", tls_not_gathered()),
            ("insecure_ignored", insecure_ignored()),
            ("handshake_failed", handshake_failed("contoh.go.id:443")),
            (
                "tls_unreachable",
                tls_unreachable("contoh.go.id:443", "timeout", "10 s"),
            ),
            (
                "certificate_invalid",
                certificate_invalid(&[
                    CertificateFault::Untrusted("UnknownIssuer"),
                    CertificateFault::NameMismatch,
                    CertificateFault::Expired,
                    CertificateFault::NotYetValid,
                    CertificateFault::Other("BadEncoding"),
                ]),
            ),
            ("expiry_unreadable", expiry_unreadable("contoh.go.id:443")),
            ("certificate_expired", certificate_expired("2026-08-30")),
            ("certificate_valid", certificate_valid(90, "2026-08-30")),
            ("no_modern_handshake", no_modern_handshake()),
            (
                "version_offers",
                version_offers(&[
                    VersionOffer {
                        version: "TLSv1.0",
                        result: "refused",
                        detail: Some("alert"),
                    },
                    VersionOffer {
                        version: "TLSv1.1",
                        result: "unknown",
                        detail: None,
                    },
                    VersionOffer {
                        version: "TLSv1.3",
                        result: "accepted",
                        detail: None,
                    },
                ]),
            ),
            (
                "deprecated_version_accepted",
                deprecated_version_accepted("TLSv1.0"),
            ),
            (
                "versions_untested",
                versions_untested(&["TLSv1.0", "TLSv1.1"]),
            ),
            ("oldest_accepted", oldest_accepted("TLSv1.2")),
            ("no_https_response", no_https_response()),
            ("lowest_of_https_responses", lowest_of_https_responses(7)),
            ("hsts", hsts(HstsFinding::Absent)),
            ("hsts", hsts(HstsFinding::NoMaxAge)),
            ("hsts", hsts(HstsFinding::MaxAgeZero)),
            (
                "hsts",
                hsts(HstsFinding::MaxAge {
                    seconds: 600,
                    subdomains: None,
                }),
            ),
            (
                "hsts",
                hsts(HstsFinding::MaxAge {
                    seconds: 86400,
                    subdomains: Some(true),
                }),
            ),
            (
                "hsts",
                hsts(HstsFinding::MaxAge {
                    seconds: 31_536_000,
                    subdomains: Some(false),
                }),
            ),
            ("hsts", hsts(HstsFinding::Several(2))),
            ("csp", csp(&CspFinding::Absent)),
            ("csp", csp(&CspFinding::Unrestricted)),
            (
                "csp",
                csp(&CspFinding::Allows("script-src", "'unsafe-inline'")),
            ),
            ("csp", csp(&CspFinding::Strict("script-src 'self'".into()))),
            ("protections_present", protections_present(2, 4)),
            (
                "protections_missing",
                protections_missing(&[
                    Protection::NoSniff,
                    Protection::Framing,
                    Protection::ReferrerPolicy,
                    Protection::PermissionsPolicy,
                ]),
            ),
            ("no_version_disclosed", no_version_disclosed(12)),
            ("version_disclosed", version_disclosed(1)),
            ("version_disclosed", version_disclosed(3)),
            (
                "version_on_asset",
                version_on_asset("6.1.9", "/wp-includes/gaya.css?ver=6.1.9"),
            ),
            (
                "file_states_version",
                file_states_version(URL, "Version 6.1.9"),
            ),
            (
                "disclosure",
                disclosure(&verbatim("Server: Apache/2.2.15"), "probe beranda", URL),
            ),
            ("no_cookie", no_cookie()),
            (
                "cookie_attributes",
                cookie_attributes(
                    "sid",
                    &[
                        CookieAttribute::Secure,
                        CookieAttribute::HttpOnly,
                        CookieAttribute::SameSite,
                        CookieAttribute::SameSiteNoneInsecure,
                    ],
                ),
            ),
            ("cookie_attributes", cookie_attributes("sid", &[])),
            ("lowest_of_cookies", lowest_of_cookies(4)),
            (
                "script_readable_cookies",
                script_readable_cookies(&["csrf_desa".into()]),
            ),
            ("no_api_probes", no_api_probes()),
            ("no_successful_api_body", no_successful_api_body()),
            ("api_errors_left_to_io02", api_errors_left_to_io02(2)),
            ("no_content_type", no_content_type()),
            ("json_share", json_share(5, 6)),
            ("unknown_path_answered", unknown_path_answered(URL, 200)),
            ("could_not_ask", could_not_ask(URL)),
            ("error_not_json", error_not_json(404, Some("text/html"))),
            ("error_not_json", error_not_json(500, None)),
            ("no_api_error", no_api_error()),
            ("api_errors_all_json", api_errors_all_json(3)),
            ("no_openapi_declared", no_openapi_declared()),
            ("declare_openapi", declare_openapi()),
            ("openapi_not_fetched", openapi_not_fetched()),
            (
                "api_document",
                api_document(&ApiDocument::OpenApi3("3.1.0")),
            ),
            (
                "api_document",
                api_document(&ApiDocument::OtherOpenApi("2".into())),
            ),
            ("api_document", api_document(&ApiDocument::Swagger2)),
            (
                "api_document",
                api_document(&ApiDocument::InvalidOpenApi3 {
                    version: "3.0.3",
                    problems: vec!["/info: \"version\" is a required property".into()],
                }),
            ),
            ("api_document", api_document(&ApiDocument::NoOpenApiKey)),
            ("api_document", api_document(&ApiDocument::Unreadable(None))),
            (
                "api_document",
                api_document(&ApiDocument::Unreadable(Some("text/html"))),
            ),
            ("no_service_standard_page", no_service_standard_page()),
            ("declare_service_standard", declare_service_standard()),
            (
                "service_standard_not_fetched",
                service_standard_not_fetched(),
            ),
            (
                "component_found",
                component_found("Persyaratan", "main > h2", "persyaratan ktp-el"),
            ),
            ("components_named", components_named(4, 6)),
            (
                "components_missing",
                components_missing(&["Biaya/tarif", "Produk pelayanan"]),
            ),
            ("components_missing", components_missing(&[])),
            (
                "content_read",
                content_read(
                    "main",
                    &[("div.kotak", true), ("aside.widget", false)],
                    true,
                ),
            ),
            (
                "content_read",
                content_read("body", &[("div.kotak", true)], false),
            ),
            (
                "also_complaint_form",
                also_complaint_form(Some("<form action=\"/lapor\">")),
            ),
            ("also_complaint_form", also_complaint_form(None)),
            ("form_inside_table", form_inside_table()),
            ("links_to_national_channel", links_to_national_channel()),
            ("holds_complaint_form", holds_complaint_form()),
            (
                "no_complaint_channel",
                no_complaint_channel(&["lapor.go.id".into()]),
            ),
            ("hours_at", hours_at(Some((&hours, URL)))),
            (
                "hours_at",
                hours_at(Some((
                    &HoursFound::TableRow("Senin | 08.00 | 15.00".into()),
                    URL,
                ))),
            ),
            ("hours_at", hours_at(None)),
            ("contact_at", contact_at(Some(("(0261) 555-0101", URL)))),
            ("contact_at", contact_at(None)),
            ("loose_times", loose_times(URL, "pukul 08.00 WIB")),
            ("hours_and_contact", hours_and_contact(true, false)),
            ("hours_and_contact", hours_and_contact(false, true)),
            ("base_url_is_ip", base_url_is_ip()),
            ("base_url_without_host", base_url_without_host()),
            ("base_url_is_localhost", base_url_is_localhost()),
            (
                "village_domain",
                village_domain(&["desa.id".into()], &["go.id".into()]),
            ),
            ("host_under", host_under("contoh.go.id", &suffixes, true)),
            ("host_under", host_under("contoh.com", &suffixes, false)),
            ("html_without_lang", html_without_lang()),
            ("no_images", no_images()),
            ("image_without_alt", image_without_alt("/logo.png")),
            ("images_with_alt", images_with_alt(3, 4)),
            ("no_page_over_https", no_page_over_https()),
            ("subresources_read", subresources_read(14, 3)),
            ("insecure_upgraded", insecure_upgraded(2)),
            ("no_mixed_content", no_mixed_content()),
            ("mixed_content", mixed_content(2, 1)),
            ("no_links", no_links()),
            (
                "unclear_link",
                unclear_link("pages.home", "/berita/1", "selengkapnya"),
            ),
            ("links_with_purpose", links_with_purpose(38, 42)),
            (
                "page_basics",
                page_basics(&[
                    PageBasic::Title,
                    PageBasic::Viewport,
                    PageBasic::ZoomLocked("user-scalable=no".into()),
                ]),
            ),
            ("page_basics", page_basics(&[])),
            ("no_form_controls", no_form_controls()),
            (
                "unlabelled_controls",
                unlabelled_controls(&[("input name=hp", true), ("select", false)]),
            ),
            ("hidden_controls", hidden_controls(3, 4)),
            ("repeated_controls", repeated_controls(2)),
            ("labelled_controls", labelled_controls(3, 4)),
            (
                "verdict_reason",
                verdict_reason(&VerdictReason::Interrupted),
            ),
            (
                "verdict_reason",
                verdict_reason(&VerdictReason::PartialRun {
                    flags: vec![PartialFlag::NoLoad],
                }),
            ),
            (
                "verdict_reason",
                verdict_reason(&VerdictReason::CoverageBelowMin {
                    coverage: Some(0.85),
                    min_coverage: 0.9,
                }),
            ),
            (
                "verdict_reason",
                verdict_reason(&VerdictReason::CriticalInconclusive {
                    rules: vec!["SC-01".into()],
                }),
            ),
            (
                "verdict_reason",
                verdict_reason(&VerdictReason::IndexBelowMin {
                    index: Some(1.83),
                    min_index: 2.6,
                }),
            ),
            (
                "verdict_reason",
                verdict_reason(&VerdictReason::CriticalBelowMin {
                    rules: vec![RuleLevel {
                        code: "SC-01".into(),
                        level: 1,
                    }],
                    critical_min_level: 3,
                }),
            ),
            ("waiver_expired", waiver_expired("TR-01", "2026-11-30")),
            (
                "no_page_declared",
                no_page_declared(&["maklumat", "service_standard", "home"]),
            ),
            ("declare_page", declare_page("maklumat")),
            (
                "read_fallback_page",
                read_fallback_page("home", &["skm", "home"]),
            ),
            (
                "component_found_with_value",
                component_found_with_value("Nilai IKM", "87,5", "main > td", "nilai ikm 87,5"),
            ),
            (
                "year_not_recent",
                year_not_recent("Hasil tahun berjalan", 2021, 2025),
            ),
            ("pdf_only", pdf_only(2)),
            ("no_personal_data_form", no_personal_data_form()),
            (
                "personal_data_collected",
                personal_data_collected(&["input name=nik (complaints)".into()], 3),
            ),
            ("complaint_contact", complaint_contact("0812-3456-7890")),
            (
                "form_not_for_complaints",
                form_not_for_complaints("<form action=\"/langganan\">", &["pengaduan".into()]),
            ),
            (
                "no_complaint_channel_graded",
                no_complaint_channel_graded(&["lapor.go.id".into()]),
            ),
            (
                "attested",
                attested("Budi", "Kepala Bidang", "2026-05-02", "SK 12/2026"),
            ),
            ("no_statement", no_statement("AT-04")),
            ("statement_too_old", statement_too_old("2024-01-01", 365)),
            ("statement_in_future", statement_in_future("2026-07-01")),
            ("not_measured", not_measured()),
            ("predicate_withheld", predicate_withheld()),
            ("stage_reached", stage_reached(Some(Stage::Transaction))),
            ("stage_reached", stage_reached(None)),
            (
                "stage_line",
                stage_line(Stage::Interaction, true, false, &interaction_where()),
            ),
            (
                "information_page",
                information_page("pages.home", 200, "https://desa.example.desa.id/"),
            ),
            ("interaction_name", interaction_name("download")),
            (
                "interaction_items",
                interaction_items(&[
                    (
                        interaction_name("search"),
                        Some(("input type=search".into(), "pages.home".into())),
                    ),
                    (interaction_name("upload"), None),
                ]),
            ),
            ("interaction_where", interaction_where()),
            (
                "transaction_gap",
                transaction_gap("transaksi", &TransactionGap::Untagged),
            ),
            (
                "transaction_gap",
                transaction_gap("transaksi", &TransactionGap::Failed("ajukan".into())),
            ),
            (
                "transaction_gap",
                transaction_gap("transaksi", &TransactionGap::NoSubmit),
            ),
            (
                "transaction_gap",
                transaction_gap("transaksi", &TransactionGap::NoReadBack),
            ),
            (
                "transaction_shown",
                transaction_shown("ajukan", "POST", "status", "nomor"),
            ),
            (
                "collaboration_link",
                collaboration_link("https://www.lapor.go.id/", "pages.complaints"),
            ),
            (
                "no_collaboration_link",
                no_collaboration_link(&["lapor.go.id".to_string()]),
            ),
            ("collaboration_not_visible", collaboration_not_visible()),
            ("optimum_not_measured", optimum_not_measured()),
            ("not_evidence_for", not_evidence_for("SPBE-43")),
            (
                "critical_because_personal_data",
                critical_because_personal_data(),
            ),
        ]
    }

    #[test]
    fn every_message_is_in_both_languages_and_the_indonesian_has_no_english() {
        let messages = every_message();
        let decimal_point = regex::Regex::new(r"\d\.\d+(%| ms\b| s\b)").expect("a valid pattern");
        let mut problems = Vec::new();
        for (name, text) in &messages {
            if text.id.trim().is_empty() || text.en.trim().is_empty() {
                problems.push(format!("{name}: a language is empty: {text:?}"));
            }
            let english = english_words(&text.id);
            if !english.is_empty() {
                problems.push(format!("{name}: {english:?} in \"{}\"", text.id));
            }
            // Indonesian percentages and durations take a decimal comma: 99,5%, 1,5 s.
            if decimal_point.is_match(&text.id) {
                problems.push(format!("{name}: a decimal point in \"{}\"", text.id));
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));

        // Every public message of this file is rendered above.
        let source = include_str!("say.rs");
        let table = source
            .split("// ---- Checking the Indonesian")
            .next()
            .unwrap_or_default();
        let rendered: Vec<&str> = messages.iter().map(|(name, _)| *name).collect();
        let untested: Vec<&str> = table
            .lines()
            .filter_map(|line| line.strip_prefix("pub fn "))
            .filter_map(|rest| rest.split('(').next())
            .filter(|name| !rendered.contains(name))
            .collect();
        assert!(untested.is_empty(), "messages not rendered: {untested:?}");
    }

    #[test]
    fn the_indonesian_uses_its_own_number_marks() {
        assert_eq!(
            availability(0.925, 37, 40, Some(0.9742)).id,
            "92,5% (37 dari 40 berhasil), dinilai dengan 97,42%"
        );
        assert_eq!(
            percentile_over("p95", 1.25, 1250).id,
            "p95 1,25 s dari 1.250 respons"
        );
        assert_eq!(
            threshold(&Levels::Thresholds(Thresholds {
                direction: Direction::AtLeast,
                unit: Unit::Ratio,
                lowest: 1,
                values: vec![0.95, 0.99, 0.995, 0.999],
            })),
            Text {
                id: "T2 >= 95%, T3 >= 99%, T4 >= 99,5%, T5 >= 99,9%".into(),
                en: "L2 >= 95%, L3 >= 99%, L4 >= 99.5%, L5 >= 99.9%".into(),
            }
        );
        assert_eq!(
            verdict_reason(&VerdictReason::IndexBelowMin {
                index: Some(1.83),
                min_index: 2.6
            })
            .id,
            "indeks 1,83 < 2,60"
        );
    }

    #[test]
    fn indonesian_series_take_dan_and_the_serial_comma() {
        let all = [
            CookieAttribute::Secure,
            CookieAttribute::HttpOnly,
            CookieAttribute::SameSite,
        ];
        assert_eq!(
            cookie_attributes("sid", &all),
            Text {
                id: "cookie sid tidak memiliki Secure, HttpOnly, dan SameSite".into(),
                en: "cookie sid lacks Secure, HttpOnly, SameSite".into(),
            }
        );
        assert_eq!(
            cookie_attributes("sid", &all[1..]).id,
            "cookie sid tidak memiliki HttpOnly dan SameSite"
        );
    }

    #[test]
    fn table_outcomes_are_marked_as_codes_in_indonesian() {
        let table = Levels::Table(vec![("tls1_3".into(), 5), ("none".into(), 1)]);
        assert_eq!(
            threshold(&table),
            Text {
                id: "tingkat menurut kode hasil: `tls1_3` = 5, `none` = 1".into(),
                en: "tls1_3 = 5, none = 1".into(),
            }
        );
        assert_eq!(english_words("none = 1"), ["none"]);
    }

    #[test]
    fn english_words_skip_data() {
        assert!(english_words("`load:` \"not found\" https://a.b/of/the plain_http").is_empty());
        assert_eq!(english_words("3 of 4, at x"), ["of", "at"]);
        assert_eq!(
            english_words("HTTP 404 di x: halaman tidak ada"),
            Vec::<String>::new()
        );
    }
}
