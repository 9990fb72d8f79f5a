//! `sukamaju.desa.id`: the site of Desa Sukamaju (region 99.01.01.2001,
//! fictional), a village of Kabupaten Contoh, on the domain reserved for village
//! governments. A small PHP village portal of the kind thousands of desa run:
//! profile, the village office's letter services with their standard, contacts
//! and hours. Served on http and https alike (no redirect, no HSTS), with the
//! framework's session cookie on every page.
//!
//! Its online letter service (`/surat-online`) is what SPBE calls a transaction:
//! a search for letters, the application form to download, a form with a file
//! upload, and a JSON API that takes an application (`POST /api/surat`, 201 with
//! its `nomor`) and answers its status (`GET /api/surat/NOMOR`); a number it did
//! not issue is a 404.

use std::sync::atomic::{AtomicU64, Ordering};

use axum::Router;
use axum::extract::Path;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http::{StatusCode, header};
use serde_json::json;

use crate::services::{Exchange, html, insert, json, session_id, set_session_cookie, svg};

pub(super) fn router() -> Router {
    Router::new()
        .route("/", get(home))
        .route("/layanan-surat", get(letters))
        .route("/surat-online", get(online))
        .route("/formulir/permohonan-surat.pdf", get(application_form))
        .route("/api/surat", post(apply))
        .route("/api/surat/{nomor}", get(application_status))
        .route("/assets/logo.svg", get(|| async { svg() }))
        .fallback(not_found)
}

/// Applications taken since the sandbox started (every sandbox of a process
/// shares the count: numbers only need to be distinct).
static APPLICATIONS: AtomicU64 = AtomicU64::new(0);

/// `SKD-000001-3fa2`: a running number and a check, so that the status API
/// can tell a number it issued from a made-up one without keeping state.
fn application_number(n: u64) -> String {
    format!("SKD-{n:06}-{}", &session_id(n, 0x5D0C)[..4])
}

fn issued(nomor: &str) -> bool {
    nomor
        .strip_prefix("SKD-")
        .and_then(|rest| rest.split_once('-'))
        .and_then(|(n, _)| n.parse::<u64>().ok())
        .is_some_and(|n| application_number(n) == nomor)
}

async fn apply() -> Response {
    let n = APPLICATIONS.fetch_add(1, Ordering::Relaxed) + 1;
    json(
        StatusCode::CREATED,
        &json!({ "nomor": application_number(n), "status": "diterima" }),
    )
}

async fn application_status(Path(nomor): Path<String>) -> Response {
    if issued(&nomor) {
        json(
            StatusCode::OK,
            &json!({ "nomor": nomor, "status": "diproses", "tahap": "verifikasi berkas" }),
        )
    } else {
        json(
            StatusCode::NOT_FOUND,
            &json!({ "error": "permohonan tidak ditemukan" }),
        )
    }
}

/// A one-page PDF: the application form a citizen prints and fills in.
async fn application_form() -> Response {
    const PDF: &[u8] = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n\
2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n\
3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n\
trailer<</Root 1 0 R>>\n%%EOF\n";
    ([(header::CONTENT_TYPE, "application/pdf")], PDF).into_response()
}

pub(super) fn decorate(exchange: &Exchange, response: &mut Response) {
    insert(response, header::SERVER, "Apache");
    insert(response, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    let id = session_id(exchange.seq, 0xDE5A);
    set_session_cookie(
        response,
        format!("sid_desa={id}; path=/; HttpOnly; SameSite=Lax"),
    );
}

fn page(title: &str, main: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"id\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} | Desa Sukamaju</title>\n</head>\n<body>\n<header>\n\
         <img src=\"/assets/logo.svg\" alt=\"Lambang Kabupaten Contoh\" width=\"48\" height=\"48\">\n\
         <p>Pemerintah Desa Sukamaju<br>Kecamatan Contoh Kota, Kabupaten Contoh</p>\n\
         <nav aria-label=\"Menu utama\"><a href=\"/\">Beranda</a> <a href=\"/layanan-surat\">Layanan Surat</a></nav>\n\
         </header>\n<main>\n{main}</main>\n<footer>\n<p>Kantor Desa Sukamaju, Jl. Raya Sukamaju No. 5, Contoh Kota 99011. \
         Situs latihan (sandbox ujilab), data fiktif.</p>\n</footer>\n</body>\n</html>\n"
    )
}

async fn home() -> Response {
    html(
        StatusCode::OK,
        page(
            "Beranda",
            "<h1>Selamat Datang di Website Resmi Desa Sukamaju</h1>\n\
             <p>Desa Sukamaju (kode wilayah 99.01.01.2001) memiliki 4 dusun, 12 RT dan 3.214 jiwa penduduk.</p>\n\
             <h2>Jam Pelayanan Kantor Desa</h2>\n<p>Jam pelayanan: Senin-Jumat 08.00 - 14.00 WIB.</p>\n\
             <h2>Kontak</h2>\n<p>Telepon/WhatsApp 0812-0000-2001 &middot; Surel \
             <a href=\"mailto:pemdes@sukamaju.desa.id\">pemdes@sukamaju.desa.id</a></p>\n\
             <p>Lihat <a href=\"/layanan-surat\">layanan surat keterangan</a>.</p>\n",
        ),
    )
}

async fn letters() -> Response {
    html(
        StatusCode::OK,
        page(
            "Layanan Surat",
            "<h1>Standar Pelayanan Surat Keterangan</h1>\n\
             <h2>Persyaratan</h2>\n<p>Surat pengantar RT/RW, KTP-el dan Kartu Keluarga asli.</p>\n\
             <h2>Prosedur</h2>\n<p>Warga membawa berkas ke kantor desa, petugas memeriksa berkas, \
             Kepala Desa menandatangani surat.</p>\n\
             <h2>Jangka Waktu Penyelesaian</h2>\n<p>Satu hari kerja.</p>\n\
             <h2>Biaya</h2>\n<p>Gratis, tidak dipungut biaya.</p>\n\
             <h2>Produk Pelayanan</h2>\n<p>Surat keterangan domisili, usaha, tidak mampu, atau kelahiran.</p>\n\
             <h2>Pengaduan</h2>\n<p>Sampaikan keluhan kepada Sekretaris Desa atau melalui \
             <a href=\"https://www.lapor.go.id\">SP4N-LAPOR!</a>.</p>\n",
        ),
    )
}

async fn online() -> Response {
    html(
        StatusCode::OK,
        page(
            "Surat Online",
            "<h1>Layanan Surat Keterangan Online</h1>\n\
             <form role=\"search\" action=\"/surat-online\" method=\"get\">\n\
             <label for=\"cari\">Lacak permohonan</label> <input id=\"cari\" name=\"q\" placeholder=\"SKD-000001-...\">\n\
             <button type=\"submit\">Cari</button>\n</form>\n\
             <p>Unduh <a href=\"/formulir/permohonan-surat.pdf\">formulir permohonan surat (PDF)</a>.</p>\n\
             <h2>Ajukan permohonan</h2>\n\
             <form action=\"/api/surat\" method=\"post\" enctype=\"multipart/form-data\">\n\
             <label for=\"jenis\">Jenis surat</label> <select id=\"jenis\" name=\"jenis\">\
             <option>Domisili</option><option>Usaha</option></select>\n\
             <label for=\"berkas\">Pindaian surat pengantar RT/RW</label> \
             <input id=\"berkas\" name=\"berkas\" type=\"file\">\n\
             <button type=\"submit\">Kirim</button>\n</form>\n",
        ),
    )
}

async fn not_found() -> Response {
    html(
        StatusCode::NOT_FOUND,
        page(
            "Halaman tidak ditemukan",
            "<h1>404</h1>\n<p>Halaman tidak ditemukan.</p>\n",
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_issued_numbers_have_a_status() {
        let nomor = application_number(7);
        assert!(issued(&nomor), "{nomor}");
        assert!(!issued("SKD-000007-0000"));
        assert!(!issued("SKD-000007"));
        assert!(!issued("bukan-nomor"));
    }
}
