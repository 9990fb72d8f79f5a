//! `pengaduan.contohkab.go.id`: a legacy complaints portal, the poor service.
//!
//! Plain HTTP only (the HTTPS listener refuses its name), an old Apache and PHP that
//! announce their versions, no security headers, a bare session cookie, HTML without
//! `lang`, images without alt (a "Lapor" button image among them, so the link
//! has no name), inputs without labels, JSON labelled as HTML, no
//! service-standard page, and under load: exactly 8 of every 100 requests answer
//! 500 and 1 of every 20 stalls for a second.

use std::time::Duration;

use axum::Router;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use http::{HeaderValue, StatusCode, Uri, header};

use crate::Service;
use crate::faults::{FaultPlan, Purpose, Quota};
use crate::services::{Exchange, OwnFaults, insert, session_id, set_session_cookie, svg};

/// 8% of requests fail: enough to drop availability well below 99%.
const SERVER_ERRORS: Quota = Quota::new(8, 100);
/// 5% of requests stall: enough to show in p99 under load.
const STALLS: Quota = Quota::new(1, 20);
const STALL: Duration = Duration::from_secs(1);

/// The one content type the old PHP code ever sends.
const PHP_HTML: &str = "text/html; charset=UTF-8";

pub(super) fn own_faults(seed: u64, seq: u64) -> OwnFaults {
    let stalls = FaultPlan::new(seed, Service::Pengaduan, Purpose::Stall).hits(seq, STALLS);
    OwnFaults {
        delay: if stalls { STALL } else { Duration::ZERO },
        server_error: FaultPlan::new(seed, Service::Pengaduan, Purpose::ServerError)
            .hits(seq, SERVER_ERRORS),
    }
}

pub(super) fn router() -> Router {
    Router::new()
        .route("/", get(home))
        .route("/index.php", get(home))
        .route("/lapor", get(report_form).post(report_received))
        .route("/health", get(health))
        .route("/api/status", get(status))
        .route("/images/logo.svg", get(|| async { svg() }))
        .fallback(not_found)
}

pub(super) fn decorate(exchange: &Exchange, response: &mut Response) {
    insert(response, header::SERVER, "Apache/2.2.15 (CentOS)");
    insert(
        response,
        http::HeaderName::from_static("x-powered-by"),
        "PHP/5.4.16",
    );
    let id = session_id(exchange.seq, 0x9D);
    set_session_cookie(response, format!("PHPSESSID={id}; path=/"));
}

/// Apache's stock error page, as the portal's PHP fatal errors produce.
pub(super) fn server_error() -> Response {
    (
        StatusCode::INTERNAL_SERVER_ERROR,
        [(header::CONTENT_TYPE, "text/html; charset=iso-8859-1")],
        "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n\
         <title>500 Internal Server Error</title>\n</head><body>\n<h1>Internal Server Error</h1>\n\
         <p>The server encountered an internal error or misconfiguration and was unable to \
         complete your request.</p>\n<hr>\n<address>Apache/2.2.15 (CentOS) Server at \
         pengaduan.contohkab.go.id Port 80</address>\n</body></html>\n",
    )
        .into_response()
}

fn php(body: String) -> Response {
    (
        [(header::CONTENT_TYPE, HeaderValue::from_static(PHP_HTML))],
        body,
    )
        .into_response()
}

async fn health() -> Response {
    ([(header::CONTENT_TYPE, "text/plain; charset=UTF-8")], "OK").into_response()
}

async fn status() -> Response {
    // JSON, labelled as HTML: PHP's default header, never overridden.
    php(r#"{"status":"ok","antrian":12,"server":"web01","db":"mysql-5.1"}"#.to_owned())
}

async fn home() -> Response {
    php(r##"<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<title>Portal Pengaduan Masyarakat - Kabupaten Contoh</title>
<script type="text/javascript" src="/js/jquery-1.4.2.min.js"></script>
</head>
<body bgcolor="#FFFFFF">
<table width="800" border="0" cellpadding="0" cellspacing="0" align="center">
<tr><td><img src="/images/logo.svg" width="48" height="48"> <img src="/images/logo.svg" width="700" height="48"></td></tr>
<tr><td><font face="Verdana" size="2">
<a href="index.php">Home</a> | <a href="lapor">Lapor</a>
</font></td></tr>
<tr><td>
<font face="Verdana" size="3"><b>Selamat Datang di Portal Pengaduan Masyarakat</b></font>
<p><font face="Verdana" size="2">Sampaikan keluhan Anda tentang pelayanan publik di Kabupaten Contoh.
Klik menu Lapor untuk mengisi formulir.</font></p>
<p><a href="lapor"><img src="/images/logo.svg" width="120" height="30" border="0"></a></p>
<p><img src="/images/logo.svg" width="16" height="16"> <font face="Verdana" size="1">Telp. (0261) 555-0303</font></p>
</td></tr>
<tr><td><font face="Verdana" size="1">Copyright &copy; 2012 Pemkab Contoh. Best viewed with IE 8, 1024x768.</font></td></tr>
</table>
</body>
</html>
"##
    .to_owned())
}

async fn report_form() -> Response {
    php(r##"<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html>
<head>
<meta http-equiv="Content-Type" content="text/html; charset=UTF-8">
<title>Lapor - Portal Pengaduan Masyarakat</title>
</head>
<body bgcolor="#FFFFFF">
<table width="800" border="0" align="center">
<tr><td colspan="2"><img src="/images/logo.svg" width="700" height="48"></td></tr>
<form method="post" action="lapor">
<tr><td>Nama</td><td><input type="text" name="nama" size="40"></td></tr>
<tr><td>No. HP</td><td><input type="text" name="hp" size="20"></td></tr>
<tr><td>Kategori</td><td><select name="kategori"><option>Jalan</option><option>Air</option><option>Lainnya</option></select></td></tr>
<tr><td>Isi Laporan</td><td><textarea name="isi" cols="50" rows="8"></textarea></td></tr>
<tr><td></td><td><input type="submit" value="Kirim"> <input type="reset" value="Ulangi"></td></tr>
</form>
</table>
</body>
</html>
"##
    .to_owned())
}

async fn report_received() -> Response {
    php("<html><head><title>Terima kasih</title></head><body>\
         <p>Laporan anda sudah kami terima.</p><a href=\"index.php\">Kembali</a></body></html>"
        .to_owned())
}

async fn not_found(uri: Uri) -> Response {
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/html; charset=iso-8859-1")],
        format!(
            "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n\
             <title>404 Not Found</title>\n</head><body>\n<h1>Not Found</h1>\n\
             <p>The requested URL {} was not found on this server.</p>\n<hr>\n\
             <address>Apache/2.2.15 (CentOS) Server at pengaduan.contohkab.go.id Port 80</address>\n\
             </body></html>\n",
            escape_html(uri.path())
        ),
    )
        .into_response()
}

/// The path is echoed back like Apache does, but escaped: the sandbox must not
/// itself be an XSS vector (hostile content comes only from the knob).
fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn own_faults_have_exact_counts() {
        for seed in [0, 1, 2, 99, u64::MAX] {
            let faults: Vec<OwnFaults> = (0..1000).map(|seq| own_faults(seed, seq)).collect();
            assert_eq!(faults.iter().filter(|f| f.server_error).count(), 80);
            assert_eq!(faults.iter().filter(|f| f.delay == STALL).count(), 50);
        }
    }

    #[test]
    fn echoed_paths_are_escaped() {
        assert_eq!(
            escape_html("/<script>\"x'&"),
            "/&lt;script&gt;&quot;x&#39;&amp;"
        );
    }
}
