//! `perizinan.contohkab.go.id`: the licensing portal, the middling service.
//!
//! What it does right: https with a valid certificate, `lang`, titles and viewport,
//! a JSON search API, a complaint form, a contact.
//! What it misses, by design: http answers 200 instead of redirecting, HSTS of one
//! day, no CSP, only `X-Content-Type-Options` of the other security headers, the
//! nginx version in `Server`, cookies without SameSite (and without Secure when
//! set over http), four of the six service-standard components (no jangka waktu,
//! no pengaduan), no service hours, some images without alt and one unlabelled
//! field, no gzip, an HTML error from its API, no OpenAPI document, a web font
//! stylesheet still linked over http on its https pages (mixed content, as a theme
//! written before the move to https leaves it), and 30-200 ms per answer.

use std::collections::HashMap;
use std::time::Duration;

use axum::Router;
use axum::extract::Query;
use axum::response::Response;
use axum::routing::get;
use http::{StatusCode, header};
use serde_json::json;

use crate::Service;
use crate::connection::Scheme;
use crate::faults::{FaultPlan, Purpose};
use crate::services::{
    Exchange, OwnFaults, html, insert, json, session_id, set_session_cookie, svg,
};

const MIN_LATENCY: Duration = Duration::from_millis(30);
const MAX_LATENCY: Duration = Duration::from_millis(200);

/// Issued licences the search API looks through.
const LICENCES: [(&str, &str, &str, &str, &str); 6] = [
    (
        "IZN-9901-2026-0001",
        "Nomor Induk Berusaha (NIB)",
        "CV Maju Bersama",
        "TERBIT",
        "2026-01-12",
    ),
    (
        "IZN-9901-2026-0002",
        "Persetujuan Bangunan Gedung (PBG)",
        "Budi Santoso",
        "DIPROSES",
        "2026-02-03",
    ),
    (
        "IZN-9901-2026-0003",
        "Izin Usaha Mikro Kecil",
        "Warung Sari Rasa",
        "TERBIT",
        "2026-02-20",
    ),
    (
        "IZN-9901-2026-0004",
        "Sertifikat Laik Fungsi",
        "PT Contoh Sejahtera",
        "TERBIT",
        "2026-03-08",
    ),
    (
        "IZN-9901-2026-0005",
        "Izin Usaha Perdagangan",
        "Toko Makmur Jaya",
        "DITOLAK",
        "2026-03-15",
    ),
    (
        "IZN-9901-2026-0006",
        "Izin Praktik Bidan",
        "Siti Aminah",
        "TERBIT",
        "2026-04-01",
    ),
];

pub(super) fn own_faults(seed: u64, seq: u64) -> OwnFaults {
    OwnFaults {
        delay: FaultPlan::new(seed, Service::Perizinan, Purpose::Latency).latency(
            seq,
            MIN_LATENCY,
            MAX_LATENCY,
        ),
        server_error: false,
    }
}

pub(super) fn router() -> Router {
    Router::new()
        .route("/", get(home))
        .route("/standar-pelayanan", get(service_standard))
        .route("/pengaduan", get(complaints).post(complaint_received))
        .route("/kebijakan-privasi", get(privacy))
        .route("/api/izin", get(search))
        .route("/health", get(health))
        .route("/static/logo.svg", get(|| async { svg() }))
        .fallback(not_found)
}

pub(super) fn decorate(exchange: &Exchange, response: &mut Response) {
    // Ubuntu's stock nginx, `server_tokens` left on: the version goes out with
    // every answer (SC-07).
    insert(response, header::SERVER, "nginx/1.18.0 (Ubuntu)");
    insert(response, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    if exchange.scheme == Scheme::Https {
        // One day: enabled, but far below the 180 days that protect returning users.
        insert(response, header::STRICT_TRANSPORT_SECURITY, "max-age=86400");
    }
    // HttpOnly, but no SameSite: the portal's framework predates it. It marks the
    // cookie Secure only when the request came over https, so the plain-http site
    // (which is not redirected) hands out a session cookie anyone can sniff.
    let id = session_id(exchange.seq, 0x1217);
    let secure = if exchange.scheme == Scheme::Https {
        "; Secure"
    } else {
        ""
    };
    set_session_cookie(
        response,
        format!("PERIZINAN_SESSID={id}; Path=/{secure}; HttpOnly"),
    );
}

async fn health() -> Response {
    json(
        StatusCode::OK,
        &json!({ "status": "UP", "service": "perizinan" }),
    )
}

async fn search(Query(params): Query<HashMap<String, String>>) -> Response {
    let query = params.get("q").map(|q| q.trim()).unwrap_or_default();
    if query.is_empty() {
        // The framework's default error page: an API client gets HTML, not JSON.
        return html(
            StatusCode::BAD_REQUEST,
            page(
                "Permintaan tidak valid",
                "<h1>400 Bad Request</h1>\n<p>Parameter q wajib diisi.</p>",
            ),
        );
    }
    let needle = query.to_lowercase();
    let items: Vec<_> = LICENCES
        .iter()
        .filter(|(nomor, jenis, pemohon, _, _)| {
            [nomor, jenis, pemohon]
                .iter()
                .any(|field| field.to_lowercase().contains(&needle))
        })
        .map(|(nomor, jenis, pemohon, status, tanggal)| {
            json!({
                "nomor": nomor,
                "jenis": jenis,
                "pemohon": pemohon,
                "status": status,
                "tanggal": tanggal,
            })
        })
        .collect();
    json(
        StatusCode::OK,
        &json!({
            "status": "ok",
            "data": { "query": query, "total": items.len(), "items": items }
        }),
    )
}

async fn not_found() -> Response {
    html(
        StatusCode::NOT_FOUND,
        page(
            "Tidak ditemukan",
            "<h1>404 Not Found</h1>\n<p>Halaman tidak ditemukan.</p>",
        ),
    )
}

/// The page frame. The navigation says "Hubungi Kami", not "Pengaduan": the
/// service-standard page must not mention complaints anywhere in its text.
fn page(title: &str, main: &str) -> String {
    format!(
        r#"<!DOCTYPE html>
<html lang="id">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - Perizinan Kabupaten Contoh</title>
<link rel="stylesheet" href="http://fonts.googleapis.com/css?family=Open+Sans:400,700">
</head>
<body>
<div class="atas">
<img src="/static/logo.svg" alt="Logo Kabupaten Contoh">
<img src="/static/logo.svg" class="spanduk">
<b>DPMPTSP Kabupaten Contoh</b>
<a href="/">Beranda</a> | <a href="/standar-pelayanan">Standar Pelayanan</a> | <a href="/pengaduan">Hubungi Kami</a> | <a href="/kebijakan-privasi">Kebijakan Privasi</a>
</div>
<div class="isi">
{main}
</div>
<div class="bawah">Telepon (0261) 555-0202 &middot; perizinan@contohkab.go.id</div>
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
            r#"<h1>Portal Perizinan Online</h1>
<p>Ajukan dan lacak izin usaha serta izin bangunan Anda secara daring.</p>
<form action="/api/izin" method="get">
<label for="q">Cari izin (nomor, jenis atau pemohon)</label>
<input id="q" name="q" type="search">
<button type="submit">Cari</button>
</form>
<p><img src="/static/logo.svg" alt="Ikon NIB"> NIB &nbsp;
<img src="/static/logo.svg"> PBG</p>
<p>Kantor DPMPTSP, Jl. Pahlawan No. 5, Contoh Kota.</p>"#,
        ),
    )
}

async fn service_standard() -> Response {
    html(
        StatusCode::OK,
        page(
            "Standar Pelayanan",
            r#"<h1>Standar Pelayanan Perizinan</h1>
<h2>Persyaratan</h2>
<p>KTP pemohon, NPWP, akta pendirian (badan usaha), dokumen teknis sesuai jenis izin.</p>
<h2>Prosedur</h2>
<p>Alur: daftar akun, isi formulir, unggah dokumen, verifikasi oleh petugas, izin terbit.</p>
<h2>Biaya</h2>
<p>Gratis, kecuali retribusi PBG sesuai Peraturan Daerah.</p>
<h2>Produk</h2>
<p>Surat izin elektronik bertanda tangan elektronik.</p>"#,
        ),
    )
}

/// A short privacy policy, as a middling portal has one: what is collected and
/// what for, but no legal basis, retention, rights or data protection officer.
async fn privacy() -> Response {
    html(
        StatusCode::OK,
        page(
            "Kebijakan Privasi",
            r#"<h1>Kebijakan Privasi</h1>
<p>Data yang dikumpulkan: nama, surel dan isi pertanyaan Anda.</p>
<p>Data tersebut digunakan untuk menjawab pertanyaan dan pengaduan perizinan.</p>"#,
        ),
    )
}

async fn complaints() -> Response {
    html(
        StatusCode::OK,
        page(
            "Pengaduan",
            r#"<h1>Pengaduan dan pertanyaan</h1>
<form action="/pengaduan" method="post">
<p><label for="nama">Nama</label> <input id="nama" name="nama"></p>
<p><label for="surel">Surel</label> <input id="surel" name="surel" type="email"></p>
<p>Nomor izin <input name="nomor_izin"></p>
<p><label for="pesan">Pesan</label> <textarea id="pesan" name="pesan"></textarea></p>
<p><input type="submit" value="Kirim"></p>
</form>"#,
        ),
    )
}

async fn complaint_received() -> Response {
    html(
        StatusCode::OK,
        page(
            "Terkirim",
            "<h1>Terima kasih</h1>\n<p>Pesan Anda sudah kami terima.</p>",
        ),
    )
}
