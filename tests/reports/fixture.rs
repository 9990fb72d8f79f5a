//! Hand-built reports with every block the model has (load, standards with both
//! rule bases, conditions, waivers, failed and skipped probes, a transport error,
//! a load error), written as report.json so that they go through the same serde
//! contract as a real run. Times are fixed; histograms are deterministic.

use std::time::Duration;

use serde_json::{Value, json};

use observe::latency::LatencyHistogram;
use report::Report;
use report::model::LatencyReport;

pub const HOSTILE_SCRIPT: &str = "<script>alert(1)</script>";
pub const HOSTILE_ATTRIBUTE: &str = "\"><img src=x onerror=alert(1)>";
pub const HOSTILE_LINK: &str = "javascript:alert(1)";

/// A latency distribution with a body near `base_ms` and a tail every `tail_every`.
fn histogram(
    count: u64,
    base_ms: f64,
    spread_ms: f64,
    tail_every: u64,
    tail_ms: f64,
) -> LatencyHistogram {
    let mut histogram = LatencyHistogram::new();
    for i in 0..count {
        // A fixed pseudo-random walk: the same figures on every run.
        let jitter = ((i * 7919 + 13) % 1000) as f64 / 1000.0;
        let mut ms = base_ms + spread_ms * jitter * jitter;
        if tail_every > 0 && i % tail_every == tail_every - 1 {
            ms = tail_ms + jitter * tail_ms / 2.0;
        }
        histogram.record(Duration::from_micros((ms * 1000.0) as u64));
    }
    histogram
}

fn latency(histogram: &LatencyHistogram) -> Value {
    let summary = histogram.summary().map(LatencyReport::from);
    serde_json::to_value(summary).expect("latency serializes")
}

fn phases(load: &str, standards: &str) -> Value {
    let phase = |status: &str| match status {
        "ran" => json!({ "status": "ran", "reason": null }),
        other => json!({ "status": "skipped", "reason": other }),
    };
    json!({
        "functional": phase("ran"),
        "availability": phase("ran"),
        "load": phase(load),
        "standards": phase(standards),
    })
}

fn overrides() -> Value {
    json!({ "set": [], "only": null, "no_load": false, "no_availability": false,
            "resolve": [], "ca_file": [], "insecure": false, "proxy": null })
}

fn aspects(scores: [f64; 7]) -> Value {
    let names = [
        ("keamanan", 30, "Keamanan", "Security"),
        (
            "transparansi",
            15,
            "Transparansi",
            "Service-standard transparency",
        ),
        ("ketersediaan", 15, "Ketersediaan", "Availability"),
        ("kinerja", 10, "Kinerja", "Performance"),
        ("fungsi", 10, "Fungsi", "Functional correctness"),
        (
            "interoperabilitas",
            10,
            "Interoperabilitas",
            "Interoperability",
        ),
        ("aksesibilitas", 10, "Aksesibilitas", "Accessibility"),
    ];
    Value::Array(
        names
            .iter()
            .zip(scores)
            .map(|((id, weight, title_id, title_en), score)| {
                json!({ "id": id, "score": score, "weight": weight,
                        "title": { "id": title_id, "en": title_en } })
            })
            .collect(),
    )
}

#[allow(clippy::too_many_arguments)]
fn rule(
    code: &str,
    aspect: &str,
    basis: &str,
    outcome: &str,
    level: Option<u8>,
    critical: bool,
    title: (&str, &str),
    evidence: Value,
) -> Value {
    json!({
        "code": code, "aspect": aspect, "basis": basis, "outcome": outcome, "level": level,
        "critical": critical, "weight": 1.0, "evidence": evidence,
        "title": { "id": title.0, "en": title.1 },
        "fix": { "id": format!("Perbaiki {code} sesuai katalog."),
                 "en": format!("Fix {code} as the catalogue describes.") },
    })
}

fn certification() -> Value {
    json!({ "min_index": 2.6, "critical_min_level": 3, "min_coverage": 0.9 })
}

fn dukcapil() -> Value {
    let all = histogram(1500, 4.0, 18.0, 200, 120.0);
    let penduduk = histogram(1125, 5.0, 20.0, 150, 130.0);
    let health = histogram(375, 2.0, 6.0, 0, 0.0);
    let probe_latency = histogram(49, 2.0, 12.0, 0, 0.0);
    json!({
        "file": "scenarios/demo/dukcapil.yaml",
        "sha256": "4879a923358cfb62bfdb066984d31dd45e34e165b3d7be437230e5fed5c44f71",
        "status": "ran",
        "service": {
            "id": "contohkab-dukcapil", "name": "Layanan Administrasi Kependudukan",
            "owner": "Disdukcapil Kabupaten Contoh", "sector": "kependudukan",
            "region": { "code": "99.01", "name": "Kabupaten Contoh", "type": "kabupaten" },
            "base_url": "https://dukcapil.contohkab.go.id:8743/"
        },
        "scenario": "default",
        "gate": "pass",
        "gate_reasons": [],
        "complete": true,
        "started_at": "2026-11-28T08:00:00.125Z",
        "finished_at": "2026-11-28T08:01:12.5Z",
        "phases": phases("ran", "ran"),
        "probes": [
            {
                "id": "health", "kind": "api", "passed": true, "outcome": "passed",
                "skipped_reason": null, "method": "GET",
                "url": "https://dukcapil.contohkab.go.id:8743/health",
                "final_url": "https://dukcapil.contohkab.go.id:8743/health",
                "status": 200, "latency_ms": 3.214, "http_version": "HTTP/2.0",
                "remote_addr": "127.0.0.1:8743", "wire_bytes": 15, "body_bytes": 15,
                "redirects": [], "error": null,
                "request_headers": [["accept", "application/json"], ["authorization", "Bearer ***"]],
                "response_headers": [["content-type", "application/json"], ["strict-transport-security", "max-age=31536000; includeSubDomains"]],
                "body_excerpt": "{\"status\":\"UP\"}",
                "expectations": [
                    { "what": "status", "expected": "200", "actual": "200", "passed": true },
                    { "what": "json $.status", "expected": "\"UP\"", "actual": "\"UP\"", "passed": true }
                ]
            },
            {
                "id": "http-ke-https", "kind": "page", "passed": true, "outcome": "passed",
                "skipped_reason": null, "method": "GET",
                "url": "http://dukcapil.contohkab.go.id:8780/",
                "final_url": "http://dukcapil.contohkab.go.id:8780/",
                "status": 301, "latency_ms": 1.75, "http_version": "HTTP/1.1",
                "remote_addr": "127.0.0.1:8780", "wire_bytes": 0, "body_bytes": 0,
                "redirects": [], "error": null,
                "request_headers": [["accept", "*/*"]],
                "response_headers": [["location", "https://dukcapil.contohkab.go.id:8743/"]],
                "body_excerpt": null,
                "expectations": [
                    { "what": "status", "expected": "301", "actual": "301", "passed": true }
                ]
            }
        ],
        "availability": {
            "rounds": 30, "samples": 60, "up": 60, "ratio": 1.0, "reason": null,
            "source": "availability", "window_s": 58.2,
            "per_probe": {
                "health": { "samples": 30, "up": 30, "ratio": 1.0 },
                "penduduk": { "samples": 30, "up": 30, "ratio": 1.0 }
            }
        },
        "probe_latency_ms": latency(&probe_latency),
        "probe_latency_histogram": probe_latency.encode(),
        "load": {
            "model": "open", "requests": 1500, "errors": { "http_5xx": 2, "timeout": 1 },
            "dropped": 0, "error_rate": 0.002, "throughput_rps": 49.9,
            "latency_ms": latency(&all), "histogram": all.encode(),
            "per_probe": {
                "health": { "requests": 375, "latency_ms": latency(&health), "histogram": health.encode() },
                "penduduk": { "requests": 1125, "latency_ms": latency(&penduduk), "histogram": penduduk.encode() }
            },
            "concurrency": 64, "rate": 50.0, "warmup_s": 5.0, "warmup_requests": 250,
            "window_s": 30.06, "responses": 1499, "failed": 3, "rate_sustained": true,
            "interrupted": false,
            "error_examples": { "timeout": "no response within 10 s" },
            "notes": [], "reason": null
        },
        "thresholds": [
            { "metric": "availability", "probe": null, "rule": null, "op": "min", "limit": 0.99,
              "actual": 1.0, "unit": "ratio", "source": "availability",
              "display": "availability 100% >= 99%", "status": "pass", "reason": null },
            { "metric": "latency.p95", "probe": null, "rule": null, "op": "max", "limit": 0.03,
              "actual": 0.0212, "unit": "s", "source": "load",
              "display": "p95 21.2 ms <= 30 ms", "status": "pass", "reason": null },
            { "metric": "latency.p99", "probe": "penduduk", "rule": null, "op": "max", "limit": 0.5,
              "actual": 0.139, "unit": "s", "source": "load",
              "display": "p99 [penduduk] 139 ms <= 500 ms", "status": "pass", "reason": null },
            { "metric": "score", "probe": null, "rule": null, "op": "min", "limit": 3.5,
              "actual": 4.31, "unit": "index", "source": null,
              "display": "score 4.31 >= 3.50", "status": "pass", "reason": null }
        ],
        "standards": {
            "catalogue": "idsll-core", "version": "2026.1",
            "index": 4.31, "predicate": { "id": "Memuaskan", "en": "Excellent" },
            "coverage": 1.0, "verdict": "certified", "verdict_reasons": [],
            "conditions": ["resolve", "ca_file"],
            "waived_critical": ["TR-01"],
            "certified_with_waivers": true,
            "title": { "id": "Standar Inti Layanan Digital IDSLL", "en": "IDSLL core digital service standard" },
            "sha256": "0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0",
            "disclaimer": { "id": "Hasil uji otomatis (penilaian mandiri) oleh ujilab; bukan sertifikasi resmi IDSLL dan bukan nilai Indeks SPBE/Pemdi",
                            "en": "Automated self-assessment by ujilab; not an official IDSLL certification and not an SPBE/Pemdi index score" },
            "conditions_note": { "id": "Hasil ini diperoleh dalam kondisi uji dan bukan bukti tentang layanan publik.",
                                 "en": "This result was obtained under test conditions and is not evidence about the public service." },
            "warnings": ["waiver for SC-05 expired on 2026-10-31 and was ignored"],
            "aspects": aspects([4.6, 5.0, 3.0, 5.0, 5.0, 5.0, 4.0]),
            "rules": [
                rule("TR-01", "transparansi", "regulation", "waived", None, true,
                     ("Standar pelayanan dipublikasikan", "Service standard published"),
                     json!({ "note": "waived: published in the regency's printed service charter until 2026-12-31" })),
                rule("TR-04", "transparansi", "regulation", "level", Some(5), false,
                     ("Domain go.id", "go.id domain"),
                     json!({ "measured": "dukcapil.contohkab.go.id", "threshold": "under .go.id" })),
                rule("AV-01", "ketersediaan", "practice", "level", Some(3), true,
                     ("Ketersediaan layanan", "Service availability"),
                     // Bilingual, as the judge writes evidence since issue 13.1.
                     json!({ "measured": { "id": "100% (60 dari 60 berhasil), dinilai dengan 100%",
                                           "en": "100% (60 of 60 up), judged on 100%" },
                             "value": 1.0,
                             "threshold": { "id": "T2 >= 95%, T3 >= 99%, T4 >= 99,5%, T5 >= 99,9%",
                                            "en": "L2 >= 95%, L3 >= 99%, L4 >= 99.5%, L5 >= 99.9%" },
                             "notes": [{ "id": "interval Wilson 95% 94,0% .. 100%",
                                         "en": "95% Wilson interval 94.0% .. 100%" },
                                       { "id": "dibatasi pada tingkat 3: 60 sampel belum cukup untuk membuktikan lebih",
                                         "en": "capped at level 3: 60 samples cannot prove more" }] })),
                rule("SC-04", "keamanan", "practice", "level", Some(5), false,
                     ("HSTS aktif", "HSTS enabled"),
                     json!({ "measured": "max-age=31536000; includeSubDomains",
                             "url": "https://dukcapil.contohkab.go.id:8743/health" })),
                rule("SC-05", "keamanan", "practice", "level", Some(3), false,
                     ("Content-Security-Policy", "Content-Security-Policy"),
                     json!({ "measured": "script-src 'self' 'unsafe-inline'", "threshold": "no 'unsafe-inline' for L5",
                             "url": "https://dukcapil.contohkab.go.id:8743/" })),
                rule("AX-02", "aksesibilitas", "practice", "not_applicable", None, false,
                     ("Teks alternatif gambar", "Image alt text"),
                     json!({ "note": "no <img> on the declared pages" }))
            ],
            "certification": certification()
        },
        "effective": { "version": 1, "service": { "id": "contohkab-dukcapil" } },
        "overrides": overrides()
    })
}

fn pengaduan() -> Value {
    let probe_latency = histogram(40, 1.0, 8.0, 20, 1000.0);
    json!({
        "file": "scenarios/demo/pengaduan.yaml",
        "sha256": "db33b1f4103ce3e1b8e6409538965178c3dcb817d5669f2316496bb99fd13cf2",
        "status": "ran",
        "service": {
            "id": "contohkab-pengaduan", "name": "Kanal Pengaduan Masyarakat",
            "owner": "Diskominfo Kabupaten Contoh", "sector": "pengaduan",
            "region": { "code": "99.01", "name": "Kabupaten Contoh", "type": "kabupaten" },
            "base_url": "http://pengaduan.contohkab.go.id:8780/"
        },
        "scenario": "default",
        "gate": "fail",
        "gate_reasons": ["probe form-lapor failed", "probe status-api failed", "probe lacak-tiket skipped",
                         "threshold availability 92.5% >= 99%", "standards verdict not_certified"],
        "complete": true,
        "started_at": "2026-11-28T08:00:00.2Z",
        "finished_at": "2026-11-28T08:00:41.75Z",
        "phases": phases("--no-load", "ran"),
        "probes": [
            {
                "id": "form-lapor", "kind": "page", "passed": false, "outcome": "failed",
                "skipped_reason": null, "method": "GET",
                "url": "http://pengaduan.contohkab.go.id:8780/lapor?next=javascript:alert(1)",
                "final_url": "http://pengaduan.contohkab.go.id:8780/lapor?next=javascript:alert(1)",
                "status": 500, "latency_ms": 1.003, "http_version": "HTTP/1.1",
                "remote_addr": "127.0.0.1:8780", "wire_bytes": 365, "body_bytes": 365,
                "redirects": [], "error": null,
                "request_headers": [["accept", "*/*"], ["user-agent", "ujilab/0.1.0"]],
                "response_headers": [
                    ["content-type", "text/html; charset=iso-8859-1"],
                    ["server", "Apache/2.2.15 (CentOS)"],
                    ["x-note", HOSTILE_SCRIPT],
                    ["x-detail", HOSTILE_ATTRIBUTE],
                    ["link", format!("<{HOSTILE_LINK}>; rel=\"help\"")],
                    ["x-control", "bell\u{7} escape\u{1b}[31m nul\u{0} end"]
                ],
                "body_excerpt": format!("<html><body><h1>Internal Server Error</h1><p class=\"catatan\">Catatan: {HOSTILE_SCRIPT} {HOSTILE_ATTRIBUTE} <a href=\"{HOSTILE_LINK}\">{HOSTILE_LINK}</a></p> | `code` @admin www.example.com</body></html>"),
                "expectations": [
                    { "what": "status", "expected": "200", "actual": "500", "passed": false },
                    { "what": "body", "expected": "contains \"<textarea\"",
                      "actual": format!("\"<html><body><h1>Internal Server Error</h1>{HOSTILE_SCRIPT}…\""), "passed": false },
                    { "what": "header content-type", "expected": "contains \"text/html\"",
                      "actual": "\"text/html; charset=iso-8859-1\"", "passed": true }
                ]
            },
            {
                "id": "status-api", "kind": "api", "passed": false, "outcome": "failed",
                "skipped_reason": null, "method": "GET",
                "url": "https://pengaduan.contohkab.go.id:8743/api/status",
                "final_url": null, "status": null, "latency_ms": 2.5, "http_version": null,
                "remote_addr": null, "wire_bytes": null, "body_bytes": null,
                "redirects": [], "error": { "kind": "tls", "message": "invalid peer certificate: UnknownIssuer <b>x</b> \u{1b}[2J" },
                "request_headers": [["accept", "application/json"]],
                "response_headers": [], "body_excerpt": null,
                "expectations": []
            },
            {
                "id": "lacak-tiket", "kind": "api", "passed": false, "outcome": "skipped",
                "skipped_reason": "capture `ticket` from probe buat-tiket is missing",
                "method": null, "url": null, "final_url": null, "status": null, "latency_ms": null,
                "http_version": null, "remote_addr": null, "wire_bytes": null, "body_bytes": null,
                "redirects": [], "error": null, "request_headers": [], "response_headers": [],
                "body_excerpt": null, "expectations": []
            },
            {
                "id": "beranda", "kind": "page", "passed": true, "outcome": "passed",
                "skipped_reason": null, "method": "GET",
                "url": "http://pengaduan.contohkab.go.id:8780/",
                "final_url": "http://pengaduan.contohkab.go.id:8780/beranda",
                "status": 200, "latency_ms": 4.5, "http_version": "HTTP/1.1",
                "remote_addr": "127.0.0.1:8780", "wire_bytes": 1200, "body_bytes": 1200,
                "redirects": [{ "status": 302, "location": "/beranda" }], "error": null,
                "request_headers": [["accept", "*/*"]],
                "response_headers": [["content-type", "text/html"]],
                "body_excerpt": "<html lang=\"id\"><title>Pengaduan</title></html>",
                "expectations": [{ "what": "status", "expected": "200", "actual": "200", "passed": true }]
            }
        ],
        "availability": {
            "rounds": 20, "samples": 40, "up": 37, "ratio": 0.925, "reason": null,
            "source": "availability", "window_s": 3.803,
            "per_probe": {
                "beranda": { "samples": 20, "up": 18, "ratio": 0.9 },
                "health": { "samples": 20, "up": 19, "ratio": 0.95 }
            }
        },
        "probe_latency_ms": latency(&probe_latency),
        "probe_latency_histogram": probe_latency.encode(),
        "load": null,
        "thresholds": [
            { "metric": "availability", "probe": null, "rule": null, "op": "min", "limit": 0.99,
              "actual": 0.925, "unit": "ratio", "source": "availability",
              "display": "availability 92.5% >= 99%", "status": "fail", "reason": null },
            { "metric": "latency.p95", "probe": null, "rule": null, "op": "max", "limit": 0.8,
              "actual": null, "unit": "s", "source": null,
              "display": "p95 <= 800 ms (skipped: --no-load)", "status": "skipped", "reason": "--no-load" },
            { "metric": "latency.max", "probe": null, "rule": null, "op": "max", "limit": 1.5,
              "actual": 1.0045, "unit": "s", "source": "probes",
              "display": "max 1 s <= 1.5 s", "status": "pass", "reason": null }
        ],
        "standards": {
            "catalogue": "idsll-core", "version": "2026.1",
            "index": 2.18, "predicate": { "id": "Cukup", "en": "Fair" },
            "coverage": 0.93, "verdict": "not_certified",
            "verdict_reasons": [
                { "code": "index_below_min", "index": 2.18, "min_index": 2.6 },
                { "code": "critical_below_min",
                  "rules": [{ "code": "SC-01", "level": 1 }, { "code": "TR-01", "level": 2 }],
                  "critical_min_level": 3 }
            ],
            "conditions": [], "waived_critical": [],
            "aspects": aspects([1.4, 2.0, 3.0, 5.0, 2.5, 1.0, 3.0]),
            "rules": [
                rule("TR-01", "transparansi", "regulation", "level", Some(2), true,
                     ("Standar pelayanan dipublikasikan", "Service standard published"),
                     json!({ "measured": "2 of 6 components: persyaratan, biaya", "threshold": "6 for L5",
                             "url": "http://pengaduan.contohkab.go.id:8780/standar-pelayanan",
                             "excerpt": format!("<p>{HOSTILE_SCRIPT}</p>") })),
                rule("TR-02", "transparansi", "regulation", "level", Some(1), false,
                     ("Kanal pengaduan", "Complaint channel"),
                     json!({ "measured": "no link to lapor.go.id and no complaint form", "url": HOSTILE_LINK })),
                rule("IO-03", "interoperabilitas", "regulation", "inconclusive", None, false,
                     ("Dokumen OpenAPI", "OpenAPI document"),
                     json!({ "note": "GET /openapi.json timed out twice" })),
                rule("SC-01", "keamanan", "practice", "level", Some(1), true,
                     ("HTTPS", "HTTPS"),
                     json!({ "measured": "base_url is http", "threshold": "https for L3" })),
                rule("SC-07", "keamanan", "practice", "level", Some(1), false,
                     ("Versi server tidak dibuka", "No server version disclosed"),
                     json!({ "measured": "Server: Apache/2.2.15 (CentOS)", "note": "X-Powered-By: PHP/5.4.16" })),
                rule("PF-01", "kinerja", "practice", "level", Some(5), false,
                     ("Latensi p95", "p95 latency"),
                     json!({ "measured": "p95 6.8 ms", "threshold": "<= 500 ms for L5" }))
            ],
            "certification": certification()
        },
        "effective": { "version": 1, "service": { "id": "contohkab-pengaduan" } },
        "overrides": {
            "set": ["nik"], "only": null, "no_load": true, "no_availability": false,
            "resolve": [], "ca_file": [], "insecure": false, "proxy": null
        }
    })
}

fn load_error() -> Value {
    json!({
        "file": "scenarios/rusak.yaml",
        "status": "load_error",
        "errors": [
            { "line": 14, "column": 5, "path": "probes[0]", "message": "unknown key `tiemout`",
              "help": "did you mean `timeout`?" },
            { "line": 20, "column": 9, "path": "thresholds[1].max", "message": "a ratio needs a `%`: write 99%",
              "help": null }
        ]
    })
}

fn report(lang: &str, scenarios: Vec<Value>, gate: &str) -> Report {
    let value = json!({
        "format": "ujilab-report/1",
        "tool": { "name": "ujilab", "version": "0.1.0" },
        "run": {
            "id": "19a2b3c4d5e6f-1a2b", "started_at": "2026-11-28T08:00:00Z",
            "finished_at": "2026-11-28T08:01:13.25Z", "complete": true, "lang": lang,
            "shard": null, "args": ["ujilab", "run", "scenarios/", "--set", "nik=***"]
        },
        "gate": gate,
        "scenarios": scenarios,
    });
    serde_json::from_value(value).unwrap_or_else(|error| panic!("the fixture is a report: {error}"))
}

/// Two scenarios that ran (one certified with load, one failing with hostile
/// content) and one that could not be loaded.
pub fn full(lang: &str) -> Report {
    report(lang, vec![dukcapil(), pengaduan(), load_error()], "fail")
}

/// One certified scenario: no run summary at the top.
pub fn single(lang: &str) -> Report {
    report(lang, vec![dukcapil()], "pass")
}

/// A run stopped by Ctrl-C on a partial (`--no-availability`) pass: verdict
/// `not_evaluated` for both reasons, a provisional index without a predicate, a
/// load run cut short that could not hold its rate, and `complete: false`.
pub fn interrupted(lang: &str) -> Report {
    let mut scenario = dukcapil();
    scenario["complete"] = json!(false);
    scenario["gate"] = json!("fail");
    scenario["gate_reasons"] = json!(["run interrupted"]);
    scenario["load"]["interrupted"] = json!(true);
    scenario["load"]["rate_sustained"] = json!(false);
    scenario["load"]["dropped"] = json!(40);
    scenario["load"]["notes"] = json!([
        "target rate not sustained: 40 of 1500 arrivals dropped",
        "3 responses arrived after the run was stopped and are not counted"
    ]);
    scenario["availability"] = Value::Null;
    scenario["phases"]["availability"] =
        json!({ "status": "skipped", "reason": "--no-availability" });
    scenario["standards"]["verdict"] = json!("not_evaluated");
    scenario["standards"]["verdict_reasons"] = json!([
        { "code": "interrupted" },
        { "code": "partial_run", "flags": ["--no-availability"] }
    ]);
    scenario["standards"]["provisional"] = json!(true);
    scenario["standards"]["predicate"] = Value::Null;
    scenario["standards"]["conditions"] = json!([]);
    scenario["overrides"]["no_availability"] = json!(true);
    let mut report = report(lang, vec![scenario], "fail");
    report.run.complete = false;
    report
}

/// `ujilab merge` of two vantages (jakarta, makassar), one shard missing.
pub fn merged(lang: &str) -> Report {
    let mut scenario = dukcapil();
    scenario["vantages"] = json!([
        { "vantage": "jakarta", "run_id": "run-a", "gate": "pass", "availability": 1.0,
          "samples": 30, "up": 30, "p95_ms": 18.2, "p95_source": "load", "failed_probes": [],
          "index": 4.31, "verdict": "certified" },
        { "vantage": "makassar", "run_id": "run-b", "gate": "fail", "availability": 0.9,
          "samples": 30, "up": 27, "p95_ms": 240.5, "p95_source": "load",
          "failed_probes": ["health"], "index": 3.9, "verdict": "not_certified" }
    ]);
    scenario["probes"][0]["vantage"] = json!("makassar");
    let mut value = serde_json::to_value(report(lang, vec![scenario], "fail")).expect("json");
    value["run"]["vantage"] = json!("jakarta");
    value["merge"] = json!({
        "sources": [
            { "file": "a/report.json", "run_id": "run-a", "shard": "1/2", "vantage": "jakarta",
              "started_at": "2026-11-28T08:00:00Z", "finished_at": "2026-11-28T08:01:00Z",
              "complete": true, "entries": 1 },
            { "file": "b/report.json", "run_id": "run-b", "shard": "1/2", "vantage": "makassar",
              "started_at": "2026-11-28T08:00:00Z", "finished_at": "2026-11-28T08:01:00Z",
              "complete": true, "entries": 1 }
        ],
        "vantages": ["jakarta", "makassar"],
        "missing_shards": ["2/2@makassar"],
        "missing_entries": 1
    });
    serde_json::from_value(value).unwrap_or_else(|error| panic!("the fixture is a report: {error}"))
}
