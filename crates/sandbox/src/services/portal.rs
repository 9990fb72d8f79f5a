//! `www.contohkab.go.id`: the regency's own portal, a WordPress site as a
//! Diskominfo sets one up (a bundled-style theme, Indonesian, the usual pages).
//! Not WordPress: a hand-written imitation of what such a site sends, so ujilab
//! can be taught to judge the page and not the template, and to notice what every
//! WordPress security review notices first.
//!
//! What it shows, by design:
//! - a theme: header (with a site-wide search box), navigation, sidebar and footer
//!   widgets repeated identically on every page; the footer's "Berita Terbaru"
//!   names a post "Pameran Produk UMKM ...", so a check that reads the whole page
//!   finds "produk" on a Standar Pelayanan page that lacks "Produk Pelayanan";
//! - the version wherever WordPress puts it (generator meta, `?ver=6.1.9` on asset
//!   URLs, `/readme.html`, the feed's `<generator>`), though `Server` is bare;
//! - `/wp-json/wp/v2/users` listing the accounts' login names (slugs), `/?author=1`
//!   redirecting to `/author/<login>/`, `/xmlrpc.php` answering POST;
//! - a login page whose successful POST sets five cookies, none with SameSite;
//! - maklumat, SKM result, PPID and privacy pages, a complaint form inside a
//!   Bootstrap modal (`aria-hidden="true"`, fields without labels), office hours
//!   in a table (`Senin | 08:00:00 | 16:00:00`);
//! - social-media links in the footer drawn as icon fonts only (no name for a
//!   screen reader);
//! - https with a redirect from http, HSTS, most security headers but no CSP, gzip.

use std::collections::HashMap;

use axum::Router;
use axum::extract::Query;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use http::{HeaderMap, HeaderValue, StatusCode, Uri, header};
use serde_json::json;

use crate::connection::Scheme;
use crate::services::{Exchange, insert, session_id, svg};

/// The WordPress release the site runs (and tells everyone).
pub(super) const WORDPRESS_VERSION: &str = "6.1.9";

/// The accounts the REST API lists: (id, login name, display name).
pub(super) const ACCOUNTS: [(u32, &str, &str); 2] = [
    (1, "admin-contohkab", "Admin Diskominfo"),
    (2, "redaksi-humas", "Redaksi Humas"),
];

/// The password of `admin-contohkab` in the sandbox (a training site). The
/// sandbox hands it out as `UJILAB_SANDBOX_PORTAL_PASSWORD`, which the demo
/// scenario reads as a secret, as a real scenario would.
pub(super) const SANDBOX_PASSWORD: &str = "latihan-sandbox-2026";

/// WordPress names its auth cookies after a hash of the site URL.
fn cookie_hash() -> String {
    format!("{}{}", session_id(1, 0x5750), session_id(2, 0x5750))
}

/// Pages of the site: (path, title, body class, content). Every one is wrapped in
/// the theme; paths end in `/` as WordPress permalinks do.
const PAGES: [(&str, &str, &str, &str); 7] = [
    (
        "/standar-pelayanan/",
        "Standar Pelayanan",
        "page-id-12",
        STANDARD,
    ),
    (
        "/maklumat-pelayanan/",
        "Maklumat Pelayanan",
        "page-id-14",
        MAKLUMAT,
    ),
    (
        "/hasil-skm/",
        "Hasil Survei Kepuasan Masyarakat",
        "page-id-16",
        "",
    ),
    ("/ppid/", "PPID Kabupaten Contoh", "page-id-18", PPID),
    (
        "/kebijakan-privasi/",
        "Kebijakan Privasi",
        "page-id-3",
        PRIVACY,
    ),
    ("/pengaduan/", "Pengaduan", "page-id-20", COMPLAINTS),
    ("/kontak/", "Kontak", "page-id-22", CONTACT),
];

/// News posts: (path, title, date, text).
const POSTS: [(&str, &str, &str, &str); 3] = [
    (
        "/2026/11/pameran-produk-umkm-kabupaten-contoh-2026/",
        "Pameran Produk UMKM Kabupaten Contoh 2026 Dibuka Bupati",
        "28 November 2026",
        "Sebanyak 120 pelaku usaha mikro memamerkan kerajinan, makanan olahan dan batik \
         khas Contoh di alun-alun selama tiga hari.",
    ),
    (
        "/2026/11/jadwal-perekaman-ktp-el-keliling/",
        "Jadwal Perekaman KTP-el Keliling di Lima Kecamatan",
        "21 November 2026",
        "Disdukcapil membuka perekaman KTP-el keliling bagi warga yang belum merekam, \
         mulai dari Kecamatan Contoh Kota.",
    ),
    (
        "/2026/11/rapat-koordinasi-spbe/",
        "Rapat Koordinasi SPBE Perangkat Daerah",
        "14 November 2026",
        "Diskominfo mengumpulkan operator situs perangkat daerah untuk membahas keamanan \
         dan pembaruan situs web.",
    ),
];

pub(super) fn router() -> Router {
    let mut router = Router::new()
        .route("/", get(home))
        .route("/index.php", get(home))
        .route("/wp-login.php", get(login_form).post(login))
        .route("/wp-admin/", get(dashboard))
        .route("/readme.html", get(readme))
        .route("/feed/", get(feed))
        .route("/wp-json/", get(rest_index))
        .route("/wp-json/wp/v2/users", get(rest_users))
        .route("/wp-json/wp/v2/posts", get(rest_posts))
        .route("/wp-json/{*rest}", get(rest_no_route))
        .route("/xmlrpc.php", get(xmlrpc_get).post(xmlrpc))
        .route("/author/{login}/", get(author_archive))
        .route(
            "/wp-content/themes/kabupaten/style.css",
            get(|| async { asset("text/css; charset=utf-8", STYLE) }),
        )
        .route(
            "/wp-includes/js/jquery/jquery.min.js",
            get(|| async { asset("application/javascript; charset=utf-8", SCRIPT) }),
        )
        .route(
            "/wp-content/themes/kabupaten/js/navigation.js",
            get(|| async { asset("application/javascript; charset=utf-8", SCRIPT) }),
        )
        .route(
            "/wp-content/uploads/2023/01/logo-contohkab.svg",
            get(|| async { svg() }),
        );
    for (path, ..) in PAGES {
        router = router.route(path, get(move || async move { static_page(path) }));
    }
    for (path, ..) in POSTS {
        router = router.route(path, get(move || async move { news_post(path) }));
    }
    router
        .route("/pengaduan/", post(complaint_received))
        .fallback(not_found)
}

pub(super) fn decorate(exchange: &Exchange, response: &mut Response) {
    // nginx with `server_tokens off;` and PHP's expose_php off: the headers are
    // clean, which is exactly why a header-only SC-07 scored this site level 5.
    insert(response, header::SERVER, "nginx");
    insert(response, header::X_CONTENT_TYPE_OPTIONS, "nosniff");
    insert(response, header::X_FRAME_OPTIONS, "SAMEORIGIN");
    insert(
        response,
        header::REFERRER_POLICY,
        "strict-origin-when-cross-origin",
    );
    if exchange.scheme == Scheme::Https {
        insert(
            response,
            header::STRICT_TRANSPORT_SECURITY,
            "max-age=31536000",
        );
    }
    if super::is_html(response) && !response.headers().contains_key(header::LINK) {
        // What WordPress adds to every page: where its REST API lives.
        insert(
            response,
            header::LINK,
            "</wp-json/>; rel=\"https://api.w.org/\"",
        );
    }
}

/// nginx's `return 301 https://$host$request_uri;`.
pub(super) fn redirect_to_https(https_port: u16, uri: &Uri) -> Response {
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let host = crate::Service::Portal.host();
    let location = if https_port == 443 {
        format!("https://{host}{path}")
    } else {
        format!("https://{host}:{https_port}{path}")
    };
    match HeaderValue::from_str(&location) {
        Ok(value) => (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, value)],
            [(header::CONTENT_TYPE, HeaderValue::from_static(NGINX_HTML))],
            "<html>\r\n<head><title>301 Moved Permanently</title></head>\r\n<body>\r\n\
             <center><h1>301 Moved Permanently</h1></center>\r\n<hr><center>nginx</center>\r\n\
             </body>\r\n</html>\r\n",
        )
            .into_response(),
        Err(_) => StatusCode::BAD_REQUEST.into_response(),
    }
}

const NGINX_HTML: &str = "text/html";
const WP_HTML: &str = "text/html; charset=UTF-8";
const WP_JSON: &str = "application/json; charset=UTF-8";

fn wp_page(status: StatusCode, body: String) -> Response {
    (status, [(header::CONTENT_TYPE, WP_HTML)], body).into_response()
}

fn asset(content_type: &'static str, body: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=2592000"),
        ],
        body,
    )
        .into_response()
}

fn rest(status: StatusCode, value: &serde_json::Value) -> Response {
    (
        status,
        [
            (header::CONTENT_TYPE, WP_JSON),
            (header::LINK, "</wp-json/>; rel=\"https://api.w.org/\""),
        ],
        [(header::HeaderName::from_static("x-robots-tag"), "noindex")],
        value.to_string(),
    )
        .into_response()
}

async fn home(Query(query): Query<HashMap<String, String>>) -> Response {
    if let Some(author) = query.get("author") {
        // WordPress's canonical redirect: the author's number becomes the
        // author's login name, which is how account names leak without the API.
        return match ACCOUNTS
            .iter()
            .find(|(id, ..)| author.trim() == id.to_string())
        {
            Some((_, login, _)) => (
                StatusCode::MOVED_PERMANENTLY,
                [(header::LOCATION, format!("/author/{login}/"))],
                [(header::CONTENT_TYPE, WP_HTML)],
                String::new(),
            )
                .into_response(),
            None => not_found_page(),
        };
    }
    if let Some(search) = query.get("s") {
        return search_results(search);
    }
    let mut posts = String::new();
    for (path, title, date, text) in POSTS {
        posts.push_str(&format!(
            "<article class=\"post type-post\">\n<h2 class=\"entry-title\"><a href=\"{path}\">{title}</a></h2>\n\
             <p class=\"posted-on\">{date}</p>\n<p>{text}</p>\n</article>\n"
        ));
    }
    let content = format!(
        "<section class=\"sambutan\">\n<h1>Selamat Datang di Portal Resmi Pemerintah Kabupaten Contoh</h1>\n\
         <p>Informasi pemerintahan, pelayanan publik dan berita daerah Kabupaten Contoh.</p>\n\
         <ul class=\"layanan-cepat\">\n<li><a href=\"/standar-pelayanan/\">Standar Pelayanan</a></li>\n\
         <li><a href=\"/pengaduan/\">Sampaikan Pengaduan</a></li>\n<li><a href=\"/ppid/\">Informasi Publik (PPID)</a></li>\n</ul>\n\
         </section>\n<section class=\"berita\">\n<h2>Berita</h2>\n{posts}</section>\n"
    );
    wp_page(
        StatusCode::OK,
        theme("Pemerintah Kabupaten Contoh", "home blog", &content, ""),
    )
}

fn static_page(path: &str) -> Response {
    let Some((_, title, class, content)) = PAGES.iter().find(|(p, ..)| *p == path) else {
        return not_found_page();
    };
    let content = if path == "/hasil-skm/" {
        skm_content()
    } else {
        (*content).to_string()
    };
    let modal = if path == "/pengaduan/" {
        COMPLAINT_MODAL
    } else {
        ""
    };
    wp_page(
        StatusCode::OK,
        theme(
            title,
            &format!("page-template-default page {class}"),
            &article(title, &content),
            modal,
        ),
    )
}

/// The survey result of last year: what a site that keeps it up to date shows.
fn skm_content() -> String {
    let year = time::OffsetDateTime::now_utc().year() - 1;
    format!(
        "<p>Survei Kepuasan Masyarakat (SKM) terhadap penyelenggaraan pelayanan publik di Mal \
         Pelayanan Publik Kabupaten Contoh dilaksanakan sesuai PermenPANRB Nomor 14 Tahun 2017.</p>\n\
         <table class=\"ikm\">\n<caption>Hasil SKM Tahun {year}</caption>\n\
         <tr><th>Periode</th><th>Responden</th><th>Nilai IKM</th><th>Mutu Pelayanan</th></tr>\n\
         <tr><td>Semester I {year}</td><td>412</td><td>83,27</td><td>B (Baik)</td></tr>\n\
         <tr><td>Semester II {year}</td><td>398</td><td>84,12</td><td>B (Baik)</td></tr>\n\
         </table>\n<p>Nilai IKM tahun {year}: 83,69 (mutu B, kinerja Baik). Tindak lanjut: \
         penambahan loket antrean daring dan papan informasi persyaratan.</p>\n"
    )
}

fn news_post(path: &str) -> Response {
    let Some((_, title, date, text)) = POSTS.iter().find(|(p, ..)| *p == path) else {
        return not_found_page();
    };
    let content = format!(
        "<article class=\"post type-post\">\n<h1 class=\"entry-title\">{title}</h1>\n\
         <p class=\"posted-on\">{date} oleh <a href=\"/author/redaksi-humas/\">Redaksi Humas</a></p>\n\
         <div class=\"entry-content\">\n<p>{text}</p>\n</div>\n</article>\n"
    );
    wp_page(
        StatusCode::OK,
        theme(
            title,
            "post-template-default single single-post",
            &content,
            "",
        ),
    )
}

fn article(title: &str, content: &str) -> String {
    format!(
        "<article class=\"page type-page status-publish\">\n<header class=\"entry-header\"><h1 class=\"entry-title\">{title}</h1></header>\n\
         <div class=\"entry-content\">\n{content}</div>\n</article>\n"
    )
}

fn search_results(search: &str) -> Response {
    let shown = escape_html(&search.chars().take(100).collect::<String>());
    let content = format!(
        "<header class=\"page-header\"><h1 class=\"page-title\">Hasil pencarian untuk: {shown}</h1></header>\n\
         <p>Maaf, tidak ada yang cocok dengan kata kunci Anda. Silakan coba lagi dengan kata kunci lain.</p>\n"
    );
    wp_page(
        StatusCode::OK,
        theme("Hasil pencarian", "search search-no-results", &content, ""),
    )
}

async fn author_archive(axum::extract::Path(login): axum::extract::Path<String>) -> Response {
    let Some((_, login, name)) = ACCOUNTS.iter().find(|(_, l, _)| *l == login) else {
        return not_found_page();
    };
    let mut posts = String::new();
    for (path, title, date, _) in POSTS {
        posts.push_str(&format!(
            "<article class=\"post\"><h2><a href=\"{path}\">{title}</a></h2><p>{date}</p></article>\n"
        ));
    }
    let content = format!(
        "<header class=\"page-header\"><h1 class=\"page-title\">Penulis: <span class=\"vcard\">{name}</span></h1></header>\n{posts}"
    );
    wp_page(
        StatusCode::OK,
        theme(
            &format!("{name}, Penulis"),
            &format!("archive author author-{login}"),
            &content,
            "",
        ),
    )
}

fn not_found_page() -> Response {
    wp_page(
        StatusCode::NOT_FOUND,
        theme(
            "Halaman tidak ditemukan",
            "error404",
            "<section class=\"error-404 not-found\">\n<h1 class=\"page-title\">Ups! Halaman itu tidak dapat ditemukan.</h1>\n\
             <p>Sepertinya tidak ada yang ditemukan di lokasi ini. Mungkin coba pencarian?</p>\n</section>\n",
            "",
        ),
    )
}

/// WordPress's 404, after its permalink fix-up: a known page asked without its
/// trailing slash is redirected to it.
async fn not_found(uri: Uri) -> Response {
    let path = uri.path();
    let with_slash = format!("{path}/");
    let known = PAGES.iter().any(|(p, ..)| *p == with_slash)
        || POSTS.iter().any(|(p, ..)| *p == with_slash)
        || with_slash == "/feed/"
        || with_slash == "/wp-admin/";
    if known && !path.ends_with('/') {
        return (
            StatusCode::MOVED_PERMANENTLY,
            [(header::LOCATION, with_slash)],
            [(header::CONTENT_TYPE, WP_HTML)],
            String::new(),
        )
            .into_response();
    }
    not_found_page()
}

async fn readme() -> Response {
    (
        [(header::CONTENT_TYPE, "text/html")],
        format!(
            "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n\t<meta name=\"viewport\" content=\"width=device-width\" />\n\
             \t<meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\" />\n\t<title>WordPress &#8250; ReadMe</title>\n\
             </head>\n<body>\n<h1 id=\"logo\">\n\t<a href=\"https://wordpress.org/\"><img alt=\"WordPress\" src=\"wp-admin/images/wordpress-logo.png\" /></a>\n\
             \t<br /> Version {WORDPRESS_VERSION}\n</h1>\n<p style=\"text-align: center\">Semantic Personal Publishing Platform</p>\n\
             <h2>First Things First</h2>\n<p>Welcome. WordPress is a very special project to me.</p>\n</body>\n</html>\n"
        ),
    )
        .into_response()
}

async fn feed() -> Response {
    let mut items = String::new();
    for (path, title, _, text) in POSTS {
        items.push_str(&format!(
            "\t<item>\n\t\t<title>{title}</title>\n\t\t<link>https://{host}{path}</link>\n\
             \t\t<dc:creator><![CDATA[Redaksi Humas]]></dc:creator>\n\t\t<description><![CDATA[{text}]]></description>\n\t</item>\n",
            host = crate::Service::Portal.host()
        ));
    }
    (
        [(header::CONTENT_TYPE, "application/rss+xml; charset=UTF-8")],
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?><rss version=\"2.0\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n\
             <channel>\n\t<title>Pemerintah Kabupaten Contoh</title>\n\t<link>https://{host}</link>\n\
             \t<description>Portal Resmi Pemerintah Kabupaten Contoh</description>\n\t<language>id</language>\n\
             \t<generator>https://wordpress.org/?v={WORDPRESS_VERSION}</generator>\n{items}</channel>\n</rss>\n",
            host = crate::Service::Portal.host()
        ),
    )
        .into_response()
}

async fn rest_index() -> Response {
    rest(
        StatusCode::OK,
        &json!({
            "name": "Pemerintah Kabupaten Contoh",
            "description": "Portal Resmi Pemerintah Kabupaten Contoh",
            "url": format!("https://{}", crate::Service::Portal.host()),
            "home": format!("https://{}", crate::Service::Portal.host()),
            "gmt_offset": 7,
            "timezone_string": "Asia/Jakarta",
            "namespaces": ["oembed/1.0", "wp/v2", "wp-site-health/v1"],
            "authentication": [],
            "routes": {
                "/": { "namespace": "", "methods": ["GET"] },
                "/wp/v2/posts": { "namespace": "wp/v2", "methods": ["GET", "POST"] },
                "/wp/v2/pages": { "namespace": "wp/v2", "methods": ["GET", "POST"] },
                "/wp/v2/users": { "namespace": "wp/v2", "methods": ["GET", "POST"] },
            },
        }),
    )
}

/// The REST API's user list, open to anyone by default: every author's login
/// name is its `slug`.
async fn rest_users() -> Response {
    let host = crate::Service::Portal.host();
    let users: Vec<serde_json::Value> = ACCOUNTS
        .iter()
        .map(|(id, login, name)| {
            json!({
                "id": id,
                "name": name,
                "url": "",
                "description": "",
                "link": format!("https://{host}/author/{login}/"),
                "slug": login,
                "avatar_urls": { "24": "https://secure.gravatar.com/avatar/?s=24&d=mm&r=g" },
                "meta": [],
            })
        })
        .collect();
    let mut response = rest(StatusCode::OK, &serde_json::Value::Array(users));
    let headers = response.headers_mut();
    headers.insert(
        header::HeaderName::from_static("x-wp-total"),
        HeaderValue::from(ACCOUNTS.len()),
    );
    headers.insert(
        header::HeaderName::from_static("x-wp-totalpages"),
        HeaderValue::from_static("1"),
    );
    response
}

/// The news posts, as the REST API lists them (what a news app or a portal
/// aggregator reads).
async fn rest_posts() -> Response {
    let host = crate::Service::Portal.host();
    let posts: Vec<serde_json::Value> = POSTS
        .iter()
        .enumerate()
        .map(|(index, (path, title, date, text))| {
            json!({
                "id": 100 + index,
                "date": date,
                "link": format!("https://{host}{path}"),
                "title": { "rendered": title },
                "excerpt": { "rendered": format!("<p>{text}</p>") },
                "author": 2,
            })
        })
        .collect();
    let mut response = rest(StatusCode::OK, &serde_json::Value::Array(posts));
    response.headers_mut().insert(
        header::HeaderName::from_static("x-wp-total"),
        HeaderValue::from(POSTS.len()),
    );
    response
}

async fn rest_no_route() -> Response {
    rest(
        StatusCode::NOT_FOUND,
        &json!({
            "code": "rest_no_route",
            "message": "Tidak ada rute yang cocok dengan URL dan metode permintaan.",
            "data": { "status": 404 },
        }),
    )
}

/// IXR's answer to anything but POST (WordPress 5.x and later send 405).
async fn xmlrpc_get() -> Response {
    (
        StatusCode::METHOD_NOT_ALLOWED,
        [
            (header::CONTENT_TYPE, "text/plain;charset=UTF-8"),
            (header::ALLOW, "POST"),
        ],
        "XML-RPC server accepts POST requests only.",
    )
        .into_response()
}

/// The methods `system.listMethods` names (WordPress lists about 80; these are
/// the ones attackers use: credential guessing in bulk and pingbacks).
const XMLRPC_METHODS: [&str; 8] = [
    "system.multicall",
    "system.listMethods",
    "system.getCapabilities",
    "wp.getUsersBlogs",
    "wp.getPosts",
    "wp.getUsers",
    "pingback.ping",
    "pingback.extensions.getPingbacks",
];

async fn xmlrpc(body: String) -> Response {
    let method = body
        .split_once("<methodName>")
        .and_then(|(_, rest)| rest.split_once("</methodName>"))
        .map(|(name, _)| name.trim().to_string());
    let answer = match method.as_deref() {
        Some("system.listMethods") => {
            let values: String = XMLRPC_METHODS
                .iter()
                .map(|name| format!("  <value><string>{name}</string></value>\n"))
                .collect();
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<methodResponse>\n  <params>\n    <param>\n      <value>\n      <array><data>\n{values}</data></array>\n      </value>\n    </param>\n  </params>\n</methodResponse>\n"
            )
        }
        Some("wp.getUsersBlogs") => fault(403, "Incorrect username or password."),
        Some(other) => fault(
            -32601,
            &format!(
                "server error. requested method {} does not exist.",
                escape_html(&other.chars().take(80).collect::<String>())
            ),
        ),
        None => fault(-32700, "parse error. not well formed"),
    };
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/xml; charset=UTF-8")],
        answer,
    )
        .into_response()
}

fn fault(code: i32, message: &str) -> String {
    format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<methodResponse>\n  <fault>\n    <value>\n      <struct>\n\
         <member><name>faultCode</name><value><int>{code}</int></value></member>\n\
         <member><name>faultString</name><value><string>{message}</string></value></member>\n\
         </struct>\n    </value>\n  </fault>\n</methodResponse>\n"
    )
}

async fn login_form() -> Response {
    let mut response = wp_page(StatusCode::OK, login_page(""));
    // The only cookie a visitor gets, before logging in: no HttpOnly (a script
    // checks it) and no SameSite, as WordPress sets it.
    append_cookie(
        &mut response,
        "wordpress_test_cookie=WP%20Cookie%20check; path=/; secure".to_string(),
    );
    response
}

fn login_page(message: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"id-ID\">\n<head>\n<meta http-equiv=\"Content-Type\" content=\"text/html; charset=UTF-8\">\n\
         <title>Masuk &lsaquo; Pemerintah Kabupaten Contoh &#8212; WordPress</title>\n\
         <meta name=\"robots\" content=\"max-image-preview:large, noindex, noarchive\">\n\
         <link rel=\"stylesheet\" id=\"login-css\" href=\"/wp-admin/css/login.min.css?ver={WORDPRESS_VERSION}\" media=\"all\">\n\
         <meta name=\"viewport\" content=\"width=device-width\">\n</head>\n\
         <body class=\"login no-js login-action-login wp-core-ui locale-id-id\">\n<div id=\"login\">\n\
         <h1><a href=\"https://wordpress.org/\">Dipersembahkan oleh WordPress</a></h1>\n{message}\
         <form name=\"loginform\" id=\"loginform\" action=\"/wp-login.php\" method=\"post\">\n\
         <p><label for=\"user_login\">Nama Pengguna atau Alamat Email</label>\n\
         <input type=\"text\" name=\"log\" id=\"user_login\" class=\"input\" value=\"\" size=\"20\" autocapitalize=\"off\" autocomplete=\"username\" required=\"required\"></p>\n\
         <div class=\"user-pass-wrap\"><label for=\"user_pass\">Kata Sandi</label>\n\
         <input type=\"password\" name=\"pwd\" id=\"user_pass\" class=\"input password-input\" value=\"\" size=\"20\" autocomplete=\"current-password\" required=\"required\"></div>\n\
         <p class=\"forgetmenot\"><input name=\"rememberme\" type=\"checkbox\" id=\"rememberme\" value=\"forever\"> <label for=\"rememberme\">Ingat Saya</label></p>\n\
         <p class=\"submit\"><input type=\"submit\" name=\"wp-submit\" id=\"wp-submit\" class=\"button button-primary button-large\" value=\"Masuk\">\n\
         <input type=\"hidden\" name=\"redirect_to\" value=\"/wp-admin/\">\n<input type=\"hidden\" name=\"testcookie\" value=\"1\"></p>\n\
         </form>\n<p id=\"nav\"><a href=\"/wp-login.php?action=lostpassword\">Lupa kata sandi Anda?</a></p>\n\
         <p id=\"backtoblog\"><a href=\"/\">&larr; Ke Pemerintah Kabupaten Contoh</a></p>\n</div>\n</body>\n</html>\n"
    )
}

/// A login. Success sets the auth cookies and redirects to the dashboard, or,
/// for WordPress's interim login (`interim-login=1`, the session-expired
/// dialogue), answers 200 with the same cookies. A wrong password for a known
/// login says so, as WordPress does, naming the account.
async fn login(body: String) -> Response {
    let form = parse_form(&body);
    let user = form.get("log").map(|v| v.trim()).unwrap_or_default();
    let password = form.get("pwd").map(String::as_str).unwrap_or_default();
    let account = ACCOUNTS.iter().find(|(_, login, _)| *login == user);
    match account {
        Some((id, login, _)) if *id == 1 && password == SANDBOX_PASSWORD => {
            let interim = form.get("interim-login").is_some_and(|v| v == "1");
            let mut response = if interim {
                wp_page(
                    StatusCode::OK,
                    login_page("<p class=\"message\">Anda telah berhasil masuk.</p>\n"),
                )
            } else {
                (
                    StatusCode::FOUND,
                    [(header::LOCATION, "/wp-admin/")],
                    [(header::CONTENT_TYPE, WP_HTML)],
                    String::new(),
                )
                    .into_response()
            };
            for cookie in auth_cookies(login, *id) {
                append_cookie(&mut response, cookie);
            }
            response
        }
        Some((_, login, _)) => wp_page(
            StatusCode::OK,
            login_page(&format!(
                "<div id=\"login_error\"><strong>Galat</strong>: Kata sandi yang Anda masukkan untuk nama pengguna <strong>{login}</strong> salah.</div>\n"
            )),
        ),
        None => wp_page(
            StatusCode::OK,
            login_page(
                "<div id=\"login_error\"><strong>Galat</strong>: Nama pengguna tidak terdaftar di situs ini.</div>\n",
            ),
        ),
    }
}

/// The five cookies of a successful WordPress login, in WordPress's order.
fn auth_cookies(login: &str, id: u32) -> Vec<String> {
    let hash = cookie_hash();
    let token = format!(
        "{}%7C{}",
        session_id(u64::from(id), 0x70c3),
        session_id(7, 0x70c3)
    );
    let value = format!("{login}%7C1796428800%7C{token}");
    vec![
        format!("wordpress_sec_{hash}={value}; path=/wp-content/plugins; secure; HttpOnly"),
        format!("wordpress_sec_{hash}={value}; path=/wp-admin; secure; HttpOnly"),
        format!("wordpress_logged_in_{hash}={value}; path=/; secure; HttpOnly"),
        format!(
            "wp-settings-{id}=libraryContent%3Dbrowse; expires=Sun, 05-Dec-2027 00:00:00 GMT; path=/; secure"
        ),
        format!(
            "wp-settings-time-{id}=1764892800; expires=Sun, 05-Dec-2027 00:00:00 GMT; path=/; secure"
        ),
    ]
}

async fn dashboard(headers: HeaderMap) -> Response {
    let logged_in = headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.contains("wordpress_logged_in_"));
    if !logged_in {
        return (
            StatusCode::FOUND,
            [(
                header::LOCATION,
                "/wp-login.php?redirect_to=%2Fwp-admin%2F&reauth=1",
            )],
            [(header::CONTENT_TYPE, WP_HTML)],
            String::new(),
        )
            .into_response();
    }
    wp_page(
        StatusCode::OK,
        "<!DOCTYPE html>\n<html lang=\"id-ID\">\n<head><meta charset=\"UTF-8\"><title>Dasbor &lsaquo; Pemerintah Kabupaten Contoh &#8212; WordPress</title></head>\n\
         <body class=\"wp-admin\"><h1>Dasbor</h1><p>Selamat datang di WordPress!</p></body>\n</html>\n"
            .to_string(),
    )
}

async fn complaint_received() -> Response {
    wp_page(
        StatusCode::OK,
        theme(
            "Pengaduan terkirim",
            "page",
            &article(
                "Pengaduan terkirim",
                "<p>Terima kasih. Pengaduan Anda sudah kami terima dan akan ditindaklanjuti paling lambat 5 hari kerja.</p>\n",
            ),
            "",
        ),
    )
}

fn append_cookie(response: &mut Response, cookie: String) {
    match HeaderValue::from_str(&cookie) {
        Ok(value) => {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
        Err(error) => tracing::warn!(%error, "sandbox built an invalid cookie"),
    }
}

/// `application/x-www-form-urlencoded`, as a map (the last of a repeated name).
fn parse_form(body: &str) -> HashMap<String, String> {
    body.split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            (percent_decode(name), percent_decode(value))
        })
        .collect()
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let hex = |byte: u8| char::from(byte).to_digit(16);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                bytes.get(i + 1).and_then(|b| hex(*b)),
                bytes.get(i + 2).and_then(|b| hex(*b)),
            ) {
                (Some(high), Some(low)) => {
                    out.push(u8::try_from(high * 16 + low).unwrap_or(b'?'));
                    i += 2;
                }
                _ => out.push(b'%'),
            },
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

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

/// The theme around every page: head with the generator and versioned assets,
/// header with the search box and menu, the page's own `<main>`, the sidebar and
/// footer widgets, and `after_footer` (a modal) before `</body>`.
fn theme(title: &str, body_class: &str, main: &str, after_footer: &str) -> String {
    let v = WORDPRESS_VERSION;
    format!(
        "<!DOCTYPE html>\n<html lang=\"id-ID\">\n<head>\n<meta charset=\"UTF-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} &#8211; Pemerintah Kabupaten Contoh</title>\n\
         <link rel=\"alternate\" type=\"application/rss+xml\" title=\"Pemerintah Kabupaten Contoh &raquo; Feed\" href=\"/feed/\">\n\
         <link rel=\"stylesheet\" id=\"wp-block-library-css\" href=\"/wp-includes/css/dist/block-library/style.min.css?ver={v}\" media=\"all\">\n\
         <link rel=\"stylesheet\" id=\"kabupaten-style-css\" href=\"/wp-content/themes/kabupaten/style.css?ver={v}\" media=\"all\">\n\
         <script src=\"/wp-includes/js/jquery/jquery.min.js?ver=3.6.1\" id=\"jquery-core-js\"></script>\n\
         <link rel=\"https://api.w.org/\" href=\"/wp-json/\">\n\
         <link rel=\"EditURI\" type=\"application/rsd+xml\" title=\"RSD\" href=\"/xmlrpc.php?rsd\">\n\
         <meta name=\"generator\" content=\"WordPress {v}\">\n</head>\n\
         <body class=\"{body_class}\">\n<div id=\"page\" class=\"site\">\n\
         <a class=\"skip-link screen-reader-text\" href=\"#primary\">Langsung ke konten</a>\n\
         <header id=\"masthead\" class=\"site-header\">\n\
         <div class=\"site-branding\"><a href=\"/\" rel=\"home\"><img src=\"/wp-content/uploads/2023/01/logo-contohkab.svg\" alt=\"Lambang Kabupaten Contoh\" width=\"48\" height=\"48\"></a>\n\
         <p class=\"site-title\"><a href=\"/\" rel=\"home\">Pemerintah Kabupaten Contoh</a></p>\n\
         <p class=\"site-description\">Portal Resmi Pemerintah Kabupaten Contoh</p></div>\n\
         <form role=\"search\" method=\"get\" class=\"search-form\" action=\"/\">\n\
         <label for=\"search-form-header\" class=\"screen-reader-text\">Cari:</label>\n\
         <input type=\"search\" id=\"search-form-header\" class=\"search-field\" placeholder=\"Cari &hellip;\" value=\"\" name=\"s\">\n\
         <button type=\"submit\" class=\"search-submit\">Cari</button>\n</form>\n\
         <nav id=\"site-navigation\" class=\"main-navigation\" aria-label=\"Menu Utama\">\n<ul id=\"primary-menu\" class=\"menu\">\n\
         <li><a href=\"/\">Beranda</a></li>\n<li><a href=\"/standar-pelayanan/\">Standar Pelayanan</a></li>\n\
         <li><a href=\"/maklumat-pelayanan/\">Maklumat</a></li>\n<li><a href=\"/hasil-skm/\">SKM</a></li>\n\
         <li><a href=\"/ppid/\">PPID</a></li>\n<li><a href=\"/pengaduan/\">Pengaduan</a></li>\n\
         <li><a href=\"/kebijakan-privasi/\">Privasi</a></li>\n\
         <li><a href=\"/kontak/\">Kontak</a></li>\n</ul>\n</nav>\n</header>\n\
         <div id=\"content\" class=\"site-content\">\n<main id=\"primary\" class=\"site-main\">\n{main}</main>\n\
         <aside id=\"secondary\" class=\"widget-area\">\n\
         <section id=\"text-2\" class=\"widget widget_text\"><h2 class=\"widget-title\">Layanan Daring</h2>\n\
         <div class=\"textwidget\"><ul>\n<li><a href=\"https://dukcapil.contohkab.go.id/\">Administrasi Kependudukan</a></li>\n\
         <li><a href=\"https://perizinan.contohkab.go.id/\">Perizinan Berusaha</a></li>\n\
         <li><a href=\"https://www.lapor.go.id\">SP4N-LAPOR!</a></li>\n</ul></div></section>\n\
         <section id=\"meta-2\" class=\"widget widget_meta\"><h2 class=\"widget-title\">Meta</h2>\n<ul>\n\
         <li><a href=\"/wp-login.php\">Masuk</a></li>\n<li><a href=\"/feed/\">Feed entri</a></li>\n\
         <li><a href=\"https://wordpress.org/\">WordPress.org</a></li>\n</ul></section>\n</aside>\n</div>\n\
         <footer id=\"colophon\" class=\"site-footer\">\n\
         <section id=\"recent-posts-2\" class=\"widget widget_recent_entries\"><h2 class=\"widget-title\">Berita Terbaru</h2>\n<ul>\n\
         <li><a href=\"{p0}\">{t0}</a></li>\n<li><a href=\"{p1}\">{t1}</a></li>\n<li><a href=\"{p2}\">{t2}</a></li>\n</ul></section>\n\
         <section id=\"text-3\" class=\"widget widget_text\"><h2 class=\"widget-title\">Alamat</h2>\n\
         <div class=\"textwidget\"><p>Jl. Pahlawan No. 1, Contoh Kota 99011. Telepon (0261) 555-0100. \
         Surel <a href=\"mailto:diskominfo@contohkab.go.id\">diskominfo@contohkab.go.id</a></p></div></section>\n\
         <div class=\"social-links\"><a href=\"https://www.facebook.com/pemkabcontoh\"><i class=\"fab fa-facebook-f\"></i></a> \
         <a href=\"https://www.instagram.com/pemkabcontoh\"><i class=\"fab fa-instagram\"></i></a> \
         <a href=\"https://www.youtube.com/@pemkabcontoh\"><i class=\"fab fa-youtube\"></i></a></div>\n\
         <div class=\"site-info\">&copy; 2026 Pemerintah Kabupaten Contoh. Situs latihan (sandbox ujilab), data fiktif. \
         Dibuat dengan <a href=\"https://wordpress.org/\">WordPress</a>.</div>\n</footer>\n</div>\n\
         {after_footer}<script src=\"/wp-content/themes/kabupaten/js/navigation.js?ver={v}\" id=\"kabupaten-navigation-js\"></script>\n\
         </body>\n</html>\n",
        p0 = POSTS[0].0,
        t0 = POSTS[0].1,
        p1 = POSTS[1].0,
        t1 = POSTS[1].1,
        p2 = POSTS[2].0,
        t2 = POSTS[2].1,
    )
}

/// Five of the six service-delivery components: "Produk Pelayanan" is missing
/// (the theme's footer names a "Produk UMKM" post on this page all the same).
const STANDARD: &str = "<p>Standar Pelayanan Informasi Publik pada Pejabat Pengelola Informasi dan \
Dokumentasi (PPID) Kabupaten Contoh, ditetapkan dengan Keputusan Bupati Contoh.</p>\n\
<h2>1. Persyaratan</h2>\n<ul>\n<li>Mengisi formulir permohonan informasi publik.</li>\n\
<li>Fotokopi KTP pemohon, atau akta pendirian bagi badan hukum.</li>\n</ul>\n\
<h2>2. Sistem, Mekanisme, dan Prosedur</h2>\n<ol>\n<li>Pemohon mengisi formulir di meja layanan PPID atau melalui surel.</li>\n\
<li>Petugas mencatat permohonan dan memberikan nomor pendaftaran.</li>\n\
<li>PPID memeriksa dan menyiapkan informasi yang diminta.</li>\n<li>Pemohon menerima pemberitahuan tertulis.</li>\n</ol>\n\
<h2>3. Jangka Waktu Penyelesaian</h2>\n<p>Paling lambat 10 hari kerja sejak permohonan diterima, dan dapat diperpanjang \
paling lama 7 hari kerja dengan pemberitahuan tertulis.</p>\n\
<h2>4. Biaya/Tarif</h2>\n<p>Tidak dipungut biaya (gratis). Biaya penggandaan, bila ada, ditanggung pemohon sesuai \
harga setempat.</p>\n\
<h2>5. Penanganan Pengaduan, Saran, dan Masukan</h2>\n<p>Melalui formulir di halaman <a href=\"/pengaduan/\">Pengaduan</a>, \
SP4N-LAPOR!, kotak saran di Mal Pelayanan Publik, atau telepon (0261) 555-0100.</p>\n";

const MAKLUMAT: &str = "<p><strong>MAKLUMAT PELAYANAN</strong></p>\n<p>Dengan ini, kami menyatakan sanggup \
menyelenggarakan pelayanan sesuai standar pelayanan yang telah ditetapkan dan apabila tidak menepati janji ini, \
kami siap menerima sanksi sesuai peraturan perundang-undangan yang berlaku.</p>\n\
<p>Contoh Kota, 2 Januari 2026<br>Kepala Dinas Komunikasi dan Informatika Kabupaten Contoh</p>\n";

const PPID: &str = "<p>Pejabat Pengelola Informasi dan Dokumentasi (PPID) Kabupaten Contoh melayani permohonan \
informasi publik sesuai Undang-Undang Nomor 14 Tahun 2008 tentang Keterbukaan Informasi Publik.</p>\n\
<h2>Daftar Informasi Publik</h2>\n<ul>\n<li>Informasi yang wajib disediakan dan diumumkan secara berkala</li>\n\
<li>Informasi yang wajib diumumkan secara serta merta</li>\n<li>Informasi yang wajib tersedia setiap saat</li>\n\
<li>Informasi yang dikecualikan</li>\n</ul>\n\
<h2>Permohonan Informasi</h2>\n<p>Permohonan informasi diajukan di meja layanan PPID, Jl. Pahlawan No. 1, atau melalui surel \
ppid@contohkab.go.id.</p>\n<h2>Pengajuan Keberatan</h2>\n<p>Pemohon yang tidak puas dapat mengajukan keberatan kepada \
atasan PPID paling lambat 30 hari kerja setelah tanggapan diterima.</p>\n";

const PRIVACY: &str = "<p>Kebijakan privasi ini menjelaskan bagaimana Pemerintah Kabupaten Contoh memproses data \
pribadi yang Anda kirim melalui situs ini.</p>\n\
<h2>Tujuan pemrosesan</h2>\n<p>Data digunakan untuk menindaklanjuti pengaduan dan permohonan informasi Anda, dan tidak untuk keperluan lain.</p>\n\
<h2>Jenis data yang dikumpulkan</h2>\n<p>Nama, nomor telepon, alamat surel, dan isi pengaduan.</p>\n\
<h2>Dasar pemrosesan</h2>\n<p>Pelaksanaan tugas pelayanan publik (UU 27/2022 tentang Pelindungan Data Pribadi).</p>\n\
<h2>Masa retensi</h2>\n<p>Data disimpan paling lama 2 tahun sejak pengaduan selesai, lalu dimusnahkan.</p>\n\
<h2>Hak Anda</h2>\n<p>Anda berhak mengakses, memperbaiki, dan meminta penghapusan data Anda.</p>\n\
<h2>Kontak</h2>\n<p>Pejabat Pelindungan Data Pribadi Diskominfo: pdp@contohkab.go.id.</p>\n";

const COMPLAINTS: &str = "<p>Sampaikan keluhan, saran, atau pengaduan tentang pelayanan publik di Kabupaten \
Contoh. Pengaduan dapat juga disampaikan melalui <a href=\"https://www.lapor.go.id\">SP4N-LAPOR!</a>.</p>\n\
<p><button type=\"button\" class=\"btn btn-primary\" data-bs-toggle=\"modal\" data-bs-target=\"#modalPengaduan\">\
Tulis Pengaduan</button></p>\n";

/// Bootstrap's modal: hidden (`aria-hidden="true"`) until the button opens it,
/// with placeholder text in place of labels.
const COMPLAINT_MODAL: &str = "<div class=\"modal fade\" id=\"modalPengaduan\" tabindex=\"-1\" \
aria-labelledby=\"modalPengaduanJudul\" aria-hidden=\"true\">\n<div class=\"modal-dialog\"><div class=\"modal-content\">\n\
<div class=\"modal-header\"><h5 class=\"modal-title\" id=\"modalPengaduanJudul\">Formulir Pengaduan</h5>\
<button type=\"button\" class=\"btn-close\" data-bs-dismiss=\"modal\" aria-label=\"Tutup\"></button></div>\n\
<form method=\"post\" action=\"/pengaduan/\" class=\"modal-body\">\n\
<input type=\"text\" name=\"nama\" class=\"form-control\" placeholder=\"Nama lengkap\">\n\
<input type=\"tel\" name=\"telepon\" class=\"form-control\" placeholder=\"Nomor HP\">\n\
<textarea name=\"isi\" class=\"form-control\" rows=\"5\" placeholder=\"Isi pengaduan\"></textarea>\n\
<button type=\"submit\" class=\"btn btn-primary\">Kirim</button>\n</form>\n</div></div>\n</div>\n";

const CONTACT: &str = "<p>Dinas Komunikasi dan Informatika Kabupaten Contoh<br>Jl. Pahlawan No. 1, Contoh Kota 99011<br>\
Telepon (0261) 555-0100 &middot; Surel <a href=\"mailto:diskominfo@contohkab.go.id\">diskominfo@contohkab.go.id</a></p>\n\
<table class=\"jam-layanan\">\n<caption>Jam Pelayanan</caption>\n<tr><th>Hari</th><th>Buka</th><th>Tutup</th></tr>\n\
<tr><td>Senin</td><td>08:00:00</td><td>16:00:00</td></tr>\n<tr><td>Selasa</td><td>08:00:00</td><td>16:00:00</td></tr>\n\
<tr><td>Rabu</td><td>08:00:00</td><td>16:00:00</td></tr>\n<tr><td>Kamis</td><td>08:00:00</td><td>16:00:00</td></tr>\n\
<tr><td>Jumat</td><td>08:00:00</td><td>11:30:00</td></tr>\n</table>\n";

const STYLE: &str = "/* Theme Name: Kabupaten (sandbox ujilab) */\nbody{font-family:sans-serif;margin:0}\
.screen-reader-text{position:absolute;clip:rect(1px,1px,1px,1px)}.modal{display:none}\n";

const SCRIPT: &str = "/* sandbox ujilab: no behaviour */\n";

#[cfg(test)]
mod tests {
    use super::*;
    use axum::body::Body;
    use tower::ServiceExt;

    async fn ask(method: &str, uri: &str, body: &str) -> (StatusCode, HeaderMap, String) {
        let request = http::Request::builder()
            .method(method)
            .uri(uri)
            .body(Body::from(body.to_string()))
            .expect("a request");
        let response = match router().oneshot(request).await {
            Ok(response) => response,
            Err(never) => match never {},
        };
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, 1 << 20).await.expect("a body");
        (
            parts.status,
            parts.headers,
            String::from_utf8_lossy(&bytes).into_owned(),
        )
    }

    #[tokio::test]
    async fn the_site_answers_as_wordpress_does() {
        let (status, headers, _) = ask("GET", "/?author=1", "").await;
        assert_eq!(status, StatusCode::MOVED_PERMANENTLY);
        assert_eq!(headers[header::LOCATION], "/author/admin-contohkab/");
        let (status, headers, _) = ask("GET", "/standar-pelayanan", "").await;
        assert_eq!(status, StatusCode::MOVED_PERMANENTLY);
        assert_eq!(headers[header::LOCATION], "/standar-pelayanan/");
        let (status, _, users) = ask("GET", "/wp-json/wp/v2/users", "").await;
        assert_eq!(status, StatusCode::OK);
        assert!(users.contains("\"slug\":\"admin-contohkab\""), "{users}");
        let (status, _, missing) = ask("GET", "/wp-json/ujilab-tidak-ada-404", "").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert!(missing.contains("rest_no_route"));
        let (status, headers, text) = ask("GET", "/xmlrpc.php", "").await;
        assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
        assert_eq!(headers[header::ALLOW], "POST");
        assert_eq!(text, "XML-RPC server accepts POST requests only.");
        let call = "<?xml version=\"1.0\"?><methodCall><methodName>system.listMethods</methodName><params></params></methodCall>";
        let (status, _, methods) = ask("POST", "/xmlrpc.php", call).await;
        assert_eq!(status, StatusCode::OK);
        assert!(
            methods.contains("<string>wp.getUsersBlogs</string>"),
            "{methods}"
        );
        let (status, _, page) = ask("GET", "/pengaduan/", "").await;
        assert_eq!(status, StatusCode::OK);
        assert!(page.contains("aria-hidden=\"true\"") && page.contains("<textarea"));
        let (status, ..) = ask("POST", "/pengaduan/", "nama=a&isi=b").await;
        assert_eq!(status, StatusCode::OK);
        let (status, ..) = ask("GET", "/tidak-ada/", "").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }

    #[tokio::test]
    async fn a_login_answers_with_every_cookie() {
        let form = format!("log=admin-contohkab&pwd={SANDBOX_PASSWORD}&interim-login=1");
        let (status, headers, _) = ask("POST", "/wp-login.php", &form).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers.get_all(header::SET_COOKIE).iter().count(), 5);
        let form = format!("log=admin-contohkab&pwd={SANDBOX_PASSWORD}");
        let (status, headers, _) = ask("POST", "/wp-login.php", &form).await;
        assert_eq!(status, StatusCode::FOUND);
        assert_eq!(headers[header::LOCATION], "/wp-admin/");
        let (status, headers, page) =
            ask("POST", "/wp-login.php", "log=admin-contohkab&pwd=salah").await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(headers.get_all(header::SET_COOKIE).iter().count(), 0);
        assert!(page.contains("untuk nama pengguna <strong>admin-contohkab</strong> salah"));
    }

    #[test]
    fn forms_decode_like_a_browser_sends_them() {
        let form = parse_form("log=admin-contohkab&pwd=a%26b+c&interim-login=1&bad=%zz&end=%4");
        assert_eq!(form["log"], "admin-contohkab");
        assert_eq!(form["pwd"], "a&b c");
        assert_eq!(form["interim-login"], "1");
        assert_eq!(form["bad"], "%zz");
        assert_eq!(form["end"], "%4");
    }

    #[test]
    fn a_login_sets_five_cookies_and_only_one_says_logged_in() {
        let cookies = auth_cookies("admin-contohkab", 1);
        assert_eq!(cookies.len(), 5);
        assert_eq!(
            cookies
                .iter()
                .filter(|c| c.starts_with("wordpress_logged_in_"))
                .count(),
            1
        );
        assert!(cookies.iter().all(|c| !c.contains("SameSite")));
    }

    #[test]
    fn the_standard_page_lacks_the_product_and_the_footer_names_one() {
        let page = theme(
            "Standar Pelayanan",
            "page",
            &article("Standar Pelayanan", STANDARD),
            "",
        );
        let main = page
            .split_once("<main")
            .and_then(|(_, rest)| rest.split_once("</main>"))
            .map(|(main, _)| main.to_lowercase())
            .unwrap_or_default();
        assert!(
            !main.contains("produk") && !main.contains("hasil"),
            "{main}"
        );
        assert!(page.contains("Pameran Produk UMKM"));
        assert!(page.contains(&format!("content=\"WordPress {WORDPRESS_VERSION}\"")));
    }
}
