//! `sukamaju.desa.id`: the site of Desa Sukamaju (region 99.01.01.2001,
//! fictional), a village of Kabupaten Contoh, on the domain reserved for village
//! governments. A small PHP village portal of the kind thousands of desa run:
//! profile, the village office's letter services with their standard, contacts
//! and hours. Served on http and https alike (no redirect, no HSTS), with the
//! framework's session cookie on every page.

use axum::Router;
use axum::response::Response;
use axum::routing::get;
use http::{StatusCode, header};

use crate::services::{Exchange, html, insert, session_id, set_session_cookie, svg};

pub(super) fn router() -> Router {
    Router::new()
        .route("/", get(home))
        .route("/layanan-surat", get(letters))
        .route("/assets/logo.svg", get(|| async { svg() }))
        .fallback(not_found)
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

async fn not_found() -> Response {
    html(
        StatusCode::NOT_FOUND,
        page(
            "Halaman tidak ditemukan",
            "<h1>404</h1>\n<p>Halaman tidak ditemukan.</p>\n",
        ),
    )
}
