//! `dukcapil.contohkab.go.id`: population administration, the well-run service.
//!
//! Built to score well on every idsll-core rule a machine can see: https with a
//! redirect from http, long HSTS with includeSubDomains, a CSP without
//! 'unsafe-inline', the other security headers, no version in `Server`, gzip, JSON
//! errors, an OpenAPI 3 document, all six service-standard components, service
//! hours and contacts, a complaint form and a link to lapor.go.id, accessible
//! markup, strict cookies, and answers in a few milliseconds.

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::extract::rejection::PathRejection;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use bytes::Bytes;
use http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::connection::Scheme;
use crate::services::{Exchange, html, insert, json, session_id, set_session_cookie, svg};

/// The resident the demo scenario looks up.
const KNOWN: [Resident; 2] = [
    Resident {
        nik: "3299010101900001",
        nama: "Budi Santoso",
        tempat_lahir: "Contoh",
        tanggal_lahir: "1990-01-01",
        jenis_kelamin: "LAKI-LAKI",
        alamat: "Jl. Merdeka No. 10, RT 001/RW 002",
        kelurahan: "Sukamaju",
        kecamatan: "Contoh Kota",
        status_perkawinan: "BELUM KAWIN",
        pekerjaan: "PEGAWAI SWASTA",
    },
    Resident {
        nik: "3299014504850002",
        nama: "Siti Aminah",
        tempat_lahir: "Contoh",
        tanggal_lahir: "1985-04-05",
        jenis_kelamin: "PEREMPUAN",
        alamat: "Jl. Melati No. 7, RT 003/RW 001",
        kelurahan: "Sukamaju",
        kecamatan: "Contoh Kota",
        status_perkawinan: "KAWIN",
        pekerjaan: "GURU",
    },
];

/// Verification tickets kept for lookup; past this the oldest are forgotten all at
/// once, so a long load run cannot grow the sandbox without bound.
const MAX_TICKETS: usize = 10_000;

struct Resident {
    nik: &'static str,
    nama: &'static str,
    tempat_lahir: &'static str,
    tanggal_lahir: &'static str,
    jenis_kelamin: &'static str,
    alamat: &'static str,
    kelurahan: &'static str,
    kecamatan: &'static str,
    status_perkawinan: &'static str,
    pekerjaan: &'static str,
}

impl Resident {
    fn to_json(&self) -> Value {
        json!({
            "nik": self.nik,
            "nama": self.nama,
            "tempat_lahir": self.tempat_lahir,
            "tanggal_lahir": self.tanggal_lahir,
            "jenis_kelamin": self.jenis_kelamin,
            "alamat": {
                "jalan": self.alamat,
                "kelurahan": self.kelurahan,
                "kecamatan": self.kecamatan,
                "kabupaten": "Kabupaten Contoh",
                "kode_wilayah": "99.01",
            },
            "status_perkawinan": self.status_perkawinan,
            "pekerjaan": self.pekerjaan,
            "kewarganegaraan": "WNI",
        })
    }
}

#[derive(Default)]
struct Registry {
    next_ticket: AtomicU64,
    tickets: Mutex<HashMap<String, Value>>,
}

pub(super) fn router() -> Router {
    Router::new()
        .route("/", get(home))
        .route("/standar-pelayanan", get(service_standard))
        .route("/pengaduan", get(complaints).post(complaint_received))
        .route("/privasi", get(privacy))
        .route("/skm", get(satisfaction_survey))
        .route("/ppid", get(ppid))
        .route("/health", get(health))
        .route("/openapi.json", get(openapi))
        .route("/api/v1/penduduk/{nik}", get(resident))
        .route("/api/v1/verifikasi", axum::routing::post(verify))
        .route("/api/v1/verifikasi/{ticket}", get(verification))
        .route("/static/logo.svg", get(|| async { svg() }))
        .route("/static/gaya.css", get(stylesheet))
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(Arc::new(Registry::default()))
}

/// Headers on every dukcapil answer.
pub(super) fn decorate(exchange: &Exchange, response: &mut Response) {
    // A product name without a version: nothing for SC-07 to flag.
    insert(response, header::SERVER, "contohkab-web");
    if exchange.scheme == Scheme::Https {
        insert(
            response,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000; includeSubDomains",
        );
    }
    insert(
        response,
        header::CONTENT_SECURITY_POLICY,
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
         form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'",
    );
    insert(response, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    insert(response, header::X_FRAME_OPTIONS, "DENY");
    insert(
        response,
        header::REFERRER_POLICY,
        "strict-origin-when-cross-origin",
    );
    insert(
        response,
        http::HeaderName::from_static("permissions-policy"),
        "camera=(), microphone=(), geolocation=(), payment=()",
    );
    if let Ok(id) = HeaderValue::from_str(&format!("dukcapil-{:08}", exchange.seq)) {
        response
            .headers_mut()
            .insert(http::HeaderName::from_static("x-request-id"), id);
    }
    if !response.headers().contains_key(header::CACHE_CONTROL) {
        let policy = if crate::services::is_html(response) {
            "no-cache"
        } else {
            // Population data must not linger in shared caches.
            "no-store"
        };
        insert(response, header::CACHE_CONTROL, policy);
    }
    if exchange.scheme == Scheme::Https {
        let id = session_id(exchange.seq, 0xD0C);
        set_session_cookie(
            response,
            format!("sesi_dukcapil={id}; Path=/; Secure; HttpOnly; SameSite=Lax"),
        );
    }
}

/// The well-run answer to plain http: a permanent redirect to the same path on
/// https, carrying the sandbox's HTTPS port.
pub(super) fn redirect_to_https(https_port: u16, uri: &Uri) -> Response {
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let host = crate::Service::Dukcapil.host();
    let location = if https_port == 443 {
        format!("https://{host}{path}")
    } else {
        format!("https://{host}:{https_port}{path}")
    };
    match HeaderValue::from_str(&location) {
        Ok(value) => (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, value)],
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("text/plain; charset=utf-8"),
            )],
            "Moved Permanently: this service is served over HTTPS.\n",
        )
            .into_response(),
        // The path came from a parsed request URI, so this does not happen; an
        // error answer beats a panic all the same.
        Err(_) => error(
            StatusCode::BAD_REQUEST,
            "PERMINTAAN_TIDAK_VALID",
            "Alamat tidak valid",
        ),
    }
}

fn error(status: StatusCode, code: &str, message: &str) -> Response {
    json(
        status,
        &json!({ "status": "error", "error": { "code": code, "message": message } }),
    )
}

async fn health() -> Response {
    json(
        StatusCode::OK,
        &json!({
            "status": "UP",
            "service": "dukcapil",
            "region": { "code": "99.01", "name": "Kabupaten Contoh" },
            "checks": { "database": "UP", "cache": "UP" },
        }),
    )
}

fn valid_nik(nik: &str) -> bool {
    nik.len() == 16 && nik.bytes().all(|b| b.is_ascii_digit())
}

async fn resident(nik: Result<Path<String>, PathRejection>) -> Response {
    let Ok(Path(nik)) = nik else {
        return error(
            StatusCode::BAD_REQUEST,
            "NIK_TIDAK_VALID",
            "NIK harus 16 digit angka",
        );
    };
    if !valid_nik(&nik) {
        return error(
            StatusCode::BAD_REQUEST,
            "NIK_TIDAK_VALID",
            "NIK harus 16 digit angka",
        );
    }
    match KNOWN.iter().find(|r| r.nik == nik) {
        Some(found) => json(
            StatusCode::OK,
            &json!({ "status": "ok", "data": found.to_json() }),
        ),
        None => error(
            StatusCode::NOT_FOUND,
            "NIK_TIDAK_DITEMUKAN",
            "NIK tidak terdaftar di database kependudukan Kabupaten Contoh",
        ),
    }
}

#[derive(Deserialize)]
struct VerifyRequest {
    nik: String,
    nama: String,
}

async fn verify(
    State(registry): State<Arc<Registry>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let is_json = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|v| v.trim().to_ascii_lowercase())
        .is_some_and(|v| v == "application/json" || v.ends_with("+json"));
    if !is_json {
        return error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "JENIS_KONTEN_TIDAK_DIDUKUNG",
            "Kirim body JSON dengan Content-Type: application/json",
        );
    }
    let request: VerifyRequest = match serde_json::from_slice(&body) {
        Ok(request) => request,
        Err(e) if e.is_data() => {
            return error(
                StatusCode::UNPROCESSABLE_ENTITY,
                "DATA_TIDAK_LENGKAP",
                "Body harus berisi \"nik\" dan \"nama\" (teks)",
            );
        }
        Err(_) => {
            return error(
                StatusCode::BAD_REQUEST,
                "JSON_TIDAK_VALID",
                "Body bukan JSON yang valid",
            );
        }
    };
    if !valid_nik(&request.nik) {
        return error(
            StatusCode::BAD_REQUEST,
            "NIK_TIDAK_VALID",
            "NIK harus 16 digit angka",
        );
    }
    let Some(found) = KNOWN.iter().find(|r| r.nik == request.nik) else {
        return error(
            StatusCode::NOT_FOUND,
            "NIK_TIDAK_DITEMUKAN",
            "NIK tidak terdaftar di database kependudukan Kabupaten Contoh",
        );
    };
    let folded = |s: &str| {
        s.split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let matches = folded(&request.nama) == folded(found.nama);
    let number = registry.next_ticket.fetch_add(1, Ordering::Relaxed) + 1;
    let ticket = format!("VRF-9901-{number:06}");
    let data = json!({
        "ticket": ticket,
        "nik": found.nik,
        "cocok": matches,
        "keterangan": if matches { "Data sesuai" } else { "Nama tidak sesuai dengan NIK" },
    });
    {
        let mut tickets = registry
            .tickets
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if tickets.len() >= MAX_TICKETS {
            tickets.clear();
        }
        tickets.insert(ticket, data.clone());
    }
    json(StatusCode::OK, &json!({ "status": "ok", "data": data }))
}

async fn verification(
    State(registry): State<Arc<Registry>>,
    ticket: Result<Path<String>, PathRejection>,
) -> Response {
    let found = ticket.ok().and_then(|Path(ticket)| {
        registry
            .tickets
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&ticket)
            .cloned()
    });
    match found {
        Some(data) => json(
            StatusCode::OK,
            &json!({ "status": "ok", "data": { "proses": "SELESAI", "hasil": data } }),
        ),
        None => error(
            StatusCode::NOT_FOUND,
            "TIKET_TIDAK_DITEMUKAN",
            "Tiket verifikasi tidak ditemukan",
        ),
    }
}

async fn not_found(uri: Uri) -> Response {
    if uri.path().starts_with("/api/") {
        return error(
            StatusCode::NOT_FOUND,
            "TIDAK_DITEMUKAN",
            "Endpoint tidak ditemukan; lihat /openapi.json",
        );
    }
    html(
        StatusCode::NOT_FOUND,
        page(
            "Halaman tidak ditemukan",
            r#"<h1>Halaman tidak ditemukan</h1>
<p>Halaman yang Anda cari tidak tersedia. Kembali ke <a href="/">beranda</a>.</p>"#,
        ),
    )
}

async fn method_not_allowed() -> Response {
    error(
        StatusCode::METHOD_NOT_ALLOWED,
        "METODE_TIDAK_DIIZINKAN",
        "Metode HTTP ini tidak didukung untuk alamat tersebut",
    )
}

async fn openapi() -> Response {
    json(StatusCode::OK, &openapi_document())
}

/// The document behind [`crate::Behaviour::wrong_openapi`]: a valid OpenAPI
/// document that does not describe this API (a generated probe finds where).
pub(crate) fn wrong_openapi() -> Response {
    let mut document = openapi_document();
    document["components"]["schemas"]["Health"]["properties"]["status"]["enum"] =
        json!(["OK", "DOWN"]);
    document["components"]["schemas"]["Penduduk"]["required"] = json!(["nik", "nama_lengkap"]);
    document["components"]["schemas"]["Penduduk"]["properties"]["nama_lengkap"] =
        json!({ "type": "string" });
    json(StatusCode::OK, &document)
}

fn openapi_document() -> Value {
    let error_response = |description: &str| {
        json!({
            "description": description,
            "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Error" } } }
        })
    };
    json!({
        "openapi": "3.0.3",
        "info": {
            "title": "API Layanan Kependudukan Kabupaten Contoh",
            "version": "1.4.0",
            "description": "Data penduduk dan verifikasi NIK (sandbox ujilab, data fiktif).",
            "contact": { "name": "Disdukcapil Kabupaten Contoh", "email": "dukcapil@contohkab.go.id" }
        },
        "servers": [ { "url": "https://dukcapil.contohkab.go.id" } ],
        "paths": {
            "/health": {
                "get": {
                    "summary": "Status layanan",
                    "operationId": "health",
                    "responses": { "200": {
                        "description": "Layanan berjalan",
                        "content": { "application/json": { "schema": { "$ref": "#/components/schemas/Health" } } }
                    } }
                }
            },
            "/api/v1/penduduk/{nik}": {
                "get": {
                    "summary": "Data penduduk menurut NIK",
                    "operationId": "getPenduduk",
                    "parameters": [ {
                        "name": "nik", "in": "path", "required": true,
                        "schema": { "type": "string", "pattern": "^[0-9]{16}$" },
                        "example": "3299010101900001"
                    } ],
                    "responses": {
                        "200": {
                            "description": "Penduduk ditemukan",
                            "content": { "application/json": { "schema": {
                                "type": "object",
                                "required": ["status", "data"],
                                "properties": {
                                    "status": { "type": "string" },
                                    "data": { "$ref": "#/components/schemas/Penduduk" }
                                }
                            } } }
                        },
                        "400": error_response("NIK tidak valid"),
                        "404": error_response("NIK tidak ditemukan")
                    }
                }
            },
            "/api/v1/verifikasi": {
                "post": {
                    "summary": "Verifikasi kecocokan NIK dan nama",
                    "operationId": "verifikasi",
                    "requestBody": {
                        "required": true,
                        "content": { "application/json": { "schema": {
                            "type": "object",
                            "required": ["nik", "nama"],
                            "properties": {
                                "nik": { "type": "string", "pattern": "^[0-9]{16}$" },
                                "nama": { "type": "string" }
                            }
                        } } }
                    },
                    "responses": {
                        "200": {
                            "description": "Hasil verifikasi dengan nomor tiket",
                            "content": { "application/json": { "schema": {
                                "type": "object",
                                "required": ["status", "data"],
                                "properties": {
                                    "status": { "type": "string" },
                                    "data": { "$ref": "#/components/schemas/Verifikasi" }
                                }
                            } } }
                        },
                        "400": error_response("Body atau NIK tidak valid"),
                        "404": error_response("NIK tidak ditemukan"),
                        "415": error_response("Body bukan JSON"),
                        "422": error_response("Data tidak lengkap")
                    }
                }
            },
            "/api/v1/verifikasi/{ticket}": {
                "get": {
                    "summary": "Hasil verifikasi menurut tiket",
                    "operationId": "getVerifikasi",
                    "parameters": [ {
                        "name": "ticket", "in": "path", "required": true,
                        "schema": { "type": "string" }
                    } ],
                    "responses": {
                        "200": { "description": "Tiket ditemukan" },
                        "404": error_response("Tiket tidak ditemukan")
                    }
                }
            }
        },
        "components": { "schemas": {
            "Health": {
                "type": "object",
                "required": ["status"],
                "properties": { "status": { "type": "string", "enum": ["UP", "DOWN"] } }
            },
            "Penduduk": {
                "type": "object",
                "required": ["nik", "nama"],
                "properties": {
                    "nik": { "type": "string" },
                    "nama": { "type": "string" },
                    "tempat_lahir": { "type": "string" },
                    "tanggal_lahir": { "type": "string", "format": "date" },
                    "jenis_kelamin": { "type": "string" },
                    "alamat": { "type": "object" },
                    "status_perkawinan": { "type": "string" },
                    "pekerjaan": { "type": "string" },
                    "kewarganegaraan": { "type": "string" }
                }
            },
            "Verifikasi": {
                "type": "object",
                "required": ["ticket", "nik", "cocok"],
                "properties": {
                    "ticket": { "type": "string" },
                    "nik": { "type": "string" },
                    "cocok": { "type": "boolean" },
                    "keterangan": { "type": "string" }
                }
            },
            "Error": {
                "type": "object",
                "required": ["status", "error"],
                "properties": {
                    "status": { "type": "string", "enum": ["error"] },
                    "error": {
                        "type": "object",
                        "required": ["code", "message"],
                        "properties": { "code": { "type": "string" }, "message": { "type": "string" } }
                    }
                }
            }
        } }
    })
}

/// The page frame: language, title, viewport, a logo with alt text, navigation.
/// No inline script or style, so the CSP needs no 'unsafe-inline'.
fn page(title: &str, main: &str) -> String {
    format!(
        r#"<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} | Disdukcapil Kabupaten Contoh</title>
<link rel="stylesheet" href="/static/gaya.css">
</head>
<body>
<header>
<a href="/"><img src="/static/logo.svg" alt="Lambang Kabupaten Contoh" width="48" height="48"></a>
<p>Dinas Kependudukan dan Pencatatan Sipil<br>Kabupaten Contoh</p>
<nav aria-label="Menu utama">
<a href="/">Beranda</a>
<a href="/standar-pelayanan">Standar Pelayanan</a>
<a href="/pengaduan">Pengaduan</a>
<a href="/skm">Survei Kepuasan</a>
<a href="/ppid">PPID</a>
<a href="/privasi">Privasi</a>
<a href="/openapi.json">API</a>
</nav>
</header>
<main>
{main}
</main>
<footer>
<p>Jl. Merdeka No. 1, Contoh Kota, Kabupaten Contoh 99011 &middot; Telepon (0261) 555-0101 &middot;
<a href="mailto:dukcapil@contohkab.go.id">dukcapil@contohkab.go.id</a></p>
<p>Situs latihan (sandbox ujilab). Semua data fiktif.</p>
</footer>
</body>
</html>
"#
    )
}

async fn home() -> Response {
    html(
        StatusCode::OK,
        page(
            "Beranda",
            r#"<h1>Layanan Administrasi Kependudukan</h1>
<p>Selamat datang di layanan daring Disdukcapil Kabupaten Contoh. Kami melayani pencatatan
penduduk dan peristiwa penting secara cepat, gratis dan dapat dipertanggungjawabkan.</p>
<h2>Layanan</h2>
<ul>
<li>KTP elektronik: rekam, cetak ulang, perubahan data</li>
<li>Kartu Keluarga: pembuatan baru, penambahan dan pengurangan anggota</li>
<li>Akta kelahiran dan akta kematian</li>
<li>Surat keterangan pindah dan pindah datang</li>
<li>Verifikasi NIK untuk instansi (API, lihat <a href="/openapi.json">dokumentasi OpenAPI</a>)</li>
</ul>
<h2>Jam pelayanan</h2>
<p>Jam pelayanan: Senin-Jumat 08.00 - 15.00 WIB (istirahat 12.00 - 13.00 WIB).
Layanan daring tersedia 24 jam.</p>
<h2>Kontak</h2>
<address>Mal Pelayanan Publik Kabupaten Contoh, Jl. Merdeka No. 1, Contoh Kota 99011<br>
Telepon (0261) 555-0101 &middot; WhatsApp 0812-0000-0101<br>
Surel <a href="mailto:dukcapil@contohkab.go.id">dukcapil@contohkab.go.id</a></address>
<p>Lihat <a href="/standar-pelayanan">standar pelayanan</a> atau sampaikan
<a href="/pengaduan">pengaduan</a>.</p>"#,
        ),
    )
}

async fn service_standard() -> Response {
    html(
        StatusCode::OK,
        page(
            "Standar Pelayanan",
            r#"<h1>Standar Pelayanan Penerbitan Dokumen Kependudukan</h1>
<p>Sesuai UU 25/2009 tentang Pelayanan Publik dan PermenPANRB 15/2014.</p>
<table>
<caption>Komponen standar pelayanan</caption>
<thead><tr><th scope="col">Komponen</th><th scope="col">Uraian</th></tr></thead>
<tbody>
<tr><th scope="row">Persyaratan</th>
<td>Fotokopi Kartu Keluarga; surat pengantar RT/RW untuk perubahan data; dokumen pendukung
sesuai jenis layanan (akta, surat nikah, surat keterangan pindah).</td></tr>
<tr><th scope="row">Sistem, mekanisme dan prosedur</th>
<td>Alur: (1) ajukan permohonan di loket atau secara daring; (2) verifikasi berkas oleh
petugas; (3) perekaman atau pencetakan dokumen; (4) dokumen diserahkan atau dikirim
dalam bentuk PDF bertanda tangan elektronik.</td></tr>
<tr><th scope="row">Jangka waktu penyelesaian</th>
<td>KTP-el 1 hari kerja; Kartu Keluarga dan akta 1 hari kerja; surat pindah 1 jam
setelah berkas lengkap.</td></tr>
<tr><th scope="row">Biaya/tarif</th>
<td>Gratis. Seluruh layanan administrasi kependudukan tidak dipungut biaya
(UU 24/2013).</td></tr>
<tr><th scope="row">Produk pelayanan</th>
<td>KTP-el, Kartu Keluarga, Kartu Identitas Anak, akta pencatatan sipil, surat
keterangan pindah, hasil verifikasi NIK.</td></tr>
<tr><th scope="row">Penanganan pengaduan, saran dan masukan</th>
<td>Melalui <a href="/pengaduan">formulir pengaduan</a>, SP4N-LAPOR!
(<a href="https://www.lapor.go.id">www.lapor.go.id</a>), telepon (0261) 555-0101,
atau kotak saran di Mal Pelayanan Publik. Pengaduan dijawab paling lambat 5 hari kerja.</td></tr>
</tbody>
</table>
<h2>Waktu pelayanan</h2>
<p>Jam pelayanan: Senin-Jumat 08.00 - 15.00 WIB, Sabtu 08.00 - 12.00 WIB (perekaman KTP-el).</p>
<h2>Maklumat pelayanan</h2>
<p>Kami sanggup menyelenggarakan pelayanan sesuai standar pelayanan yang telah ditetapkan
dan apabila tidak menepati janji ini, kami siap menerima sanksi sesuai peraturan
perundang-undangan yang berlaku.</p>"#,
        ),
    )
}

async fn complaints() -> Response {
    html(
        StatusCode::OK,
        page(
            "Pengaduan",
            r#"<h1>Pengaduan, saran dan masukan</h1>
<p>Sampaikan pengaduan Anda melalui SP4N-LAPOR! di
<a href="https://www.lapor.go.id">www.lapor.go.id</a> atau melalui formulir berikut.
Setiap pengaduan mendapat nomor tiket dan dijawab paling lambat 5 hari kerja.</p>
<form action="/pengaduan" method="post">
<input type="hidden" name="token" value="sandbox">
<p><label for="nama">Nama lengkap</label>
<input id="nama" name="nama" type="text" autocomplete="name" required></p>
<p><label for="surel">Surel</label>
<input id="surel" name="surel" type="email" autocomplete="email" required></p>
<p><label for="kategori">Kategori</label>
<select id="kategori" name="kategori">
<option>KTP-el</option><option>Kartu Keluarga</option><option>Akta</option><option>Lainnya</option>
</select></p>
<p><label for="isi">Isi pengaduan</label>
<textarea id="isi" name="isi" rows="6" required></textarea></p>
<p><button type="submit">Kirim pengaduan</button></p>
</form>
<p>Data Anda diproses sesuai <a href="/privasi">Pemberitahuan Privasi</a>.</p>"#,
        ),
    )
}

/// The privacy notice of a service that collects personal data (its complaint
/// form asks for an e-mail address): every component PD-01 looks for.
async fn privacy() -> Response {
    html(
        StatusCode::OK,
        page(
            "Pemberitahuan Privasi",
            r#"<h1>Pemberitahuan Privasi</h1>
<p>Disdukcapil Kabupaten Contoh memproses data pribadi sesuai UU 27/2022 tentang
Pelindungan Data Pribadi.</p>
<h2>Tujuan pemrosesan</h2>
<p>Data digunakan untuk menanggapi pengaduan dan permohonan dokumen kependudukan.</p>
<h2>Jenis data yang dikumpulkan</h2>
<p>Nama, NIK, alamat surel dan isi pengaduan.</p>
<h2>Dasar pemrosesan</h2>
<p>Pemenuhan kewajiban hukum penyelenggara pelayanan publik (UU 23/2006 jo. UU 24/2013).</p>
<h2>Masa penyimpanan</h2>
<p>Data pengaduan disimpan selama 2 tahun sejak pengaduan selesai, lalu dimusnahkan.</p>
<h2>Hak subjek data</h2>
<p>Anda berhak mengakses, memperbaiki dan meminta penghapusan data Anda.</p>
<h2>Kontak</h2>
<p>Pejabat pelindungan data pribadi: <a href="mailto:pdp@contohkab.go.id">pdp@contohkab.go.id</a>.</p>"#,
        ),
    )
}

/// Last year's satisfaction survey (SKM) result, the year taken from the clock
/// so the page stays current.
async fn satisfaction_survey() -> Response {
    let year = time::OffsetDateTime::now_utc().year() - 1;
    html(
        StatusCode::OK,
        page(
            "Survei Kepuasan Masyarakat",
            &format!(
                r#"<h1>Hasil Survei Kepuasan Masyarakat Tahun {year}</h1>
<p>Survei dilakukan terhadap 1.204 responden pada semester I dan II {year}.</p>
<table>
<tr><th>Periode</th><th>Nilai IKM</th><th>Mutu</th></tr>
<tr><td>Tahun {year}</td><td>88,21</td><td>B (Baik)</td></tr>
</table>
<p>Tindak lanjut: penambahan loket perekaman KTP-el pada hari Sabtu.</p>"#
            ),
        ),
    )
}

/// The information officer's page: the public information list with its four
/// categories, how to request information and how to object.
async fn ppid() -> Response {
    html(
        StatusCode::OK,
        page(
            "PPID",
            r#"<h1>PPID Pelaksana Disdukcapil</h1>
<p>Pejabat Pengelola Informasi dan Dokumentasi melayani permohonan informasi publik.</p>
<h2>Daftar Informasi Publik</h2>
<ul>
<li>Informasi berkala: laporan kinerja, anggaran, data agregat kependudukan</li>
<li>Informasi serta merta: gangguan layanan dan keadaan darurat</li>
<li>Informasi tersedia setiap saat: standar pelayanan, SOP, daftar layanan</li>
<li>Informasi yang dikecualikan: data pribadi penduduk</li>
</ul>
<h2>Permohonan informasi</h2>
<p>Ajukan permohonan informasi melalui formulir permohonan di loket atau surel
<a href="mailto:ppid@contohkab.go.id">ppid@contohkab.go.id</a>.</p>
<h2>Pengajuan keberatan</h2>
<p>Keberatan atas jawaban dapat diajukan dalam 30 hari kerja kepada atasan PPID.</p>"#,
        ),
    )
}

async fn complaint_received() -> Response {
    html(
        StatusCode::OK,
        page(
            "Pengaduan diterima",
            r#"<h1>Terima kasih</h1>
<p>Pengaduan Anda telah kami terima dengan nomor tiket ADU-9901-000001.
Kami akan menjawab paling lambat 5 hari kerja.</p>"#,
        ),
    )
}

async fn stylesheet() -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, "text/css; charset=utf-8"),
            (header::CACHE_CONTROL, "public, max-age=86400"),
        ],
        "body{font-family:system-ui,sans-serif;margin:0;color:#1b1b1b;line-height:1.5}\
         header{background:#1d4e89;color:#fff;padding:1rem;display:flex;gap:1rem;align-items:center}\
         header a{color:#fff}main{max-width:60rem;margin:auto;padding:1rem}\
         table{border-collapse:collapse}th,td{border:1px solid #ccc;padding:.5rem;text-align:left}\
         footer{border-top:1px solid #ccc;padding:1rem;font-size:.9rem}\n",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nik_must_be_sixteen_digits() {
        assert!(valid_nik("3299010101900001"));
        assert!(!valid_nik("329901010190000"));
        assert!(!valid_nik("32990101019000011"));
        assert!(!valid_nik("32990101019000x1"));
        assert!(!valid_nik("３２９９０１０１０１９０００01"));
    }

    #[test]
    fn openapi_document_is_openapi_3() {
        let doc = openapi_document();
        assert_eq!(doc["openapi"], "3.0.3");
        assert!(doc["paths"]["/api/v1/penduduk/{nik}"]["get"].is_object());
    }
}
