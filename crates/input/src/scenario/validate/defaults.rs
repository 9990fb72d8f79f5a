//! `defaults`: what every probe starts from, and the connection settings (HTTP
//! version, cookies, proxy, name resolution, TLS trust).

use std::net::IpAddr;
use std::time::Duration;

use super::auth::Authorization;
use super::scalars::interpolates;
use super::{Checker, child};
use crate::diagnostic::Problem;
use crate::file::{FileError, INPUT_FILE_LIMIT, read_bounded};
use crate::scenario::interpolate::{CaptureUse, Template};
use crate::scenario::limits::MAX_TIMEOUT;
use crate::scenario::model::{Connection, HttpVersion, OAuth2Client, RequestDefaults};
use crate::scenario::raw::{Node, Position, RawDefaults, RawTls, Spanned};
use crate::text::{Text, text};

const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_MAX_REDIRECTS: u32 = 5;
const DEFAULT_MAX_BODY: u64 = 10 << 20;

/// Defaults that every probe starts from.
pub(super) struct ProbeDefaults {
    pub(super) timeout: Duration,
    pub(super) max_redirects: u32,
    pub(super) max_body: u64,
    pub(super) headers: Vec<(String, Option<Template>)>,
    /// `defaults.auth.oauth2`, for probes without an `auth` of their own.
    pub(super) oauth2: Option<OAuth2Client>,
}

impl ProbeDefaults {
    /// The defaults as page fetches use them: headers with a literal value only.
    pub(super) fn request_defaults(&self) -> RequestDefaults {
        RequestDefaults {
            timeout: self.timeout,
            max_redirects: self.max_redirects,
            max_body: self.max_body,
            headers: self
                .headers
                .iter()
                .filter_map(|(name, value)| Some((name.clone(), value.as_ref()?.as_literal()?)))
                .collect(),
        }
    }
}

impl Checker<'_> {
    /// `defaults:` read into the connection settings and the probe defaults.
    pub(super) fn defaults(
        &mut self,
        raw: Option<&Spanned<RawDefaults>>,
    ) -> (Connection, ProbeDefaults) {
        let raw = raw.map(|raw| &raw.value);
        let defaults = self.probe_defaults(raw);
        let connection = self.connection(raw);
        (connection, defaults)
    }

    fn probe_defaults(&mut self, raw: Option<&RawDefaults>) -> ProbeDefaults {
        let mut defaults = ProbeDefaults {
            timeout: DEFAULT_TIMEOUT,
            max_redirects: DEFAULT_MAX_REDIRECTS,
            max_body: DEFAULT_MAX_BODY,
            headers: Vec::new(),
            oauth2: None,
        };
        let Some(raw) = raw else {
            return defaults;
        };
        if let Some(timeout) = &raw.timeout {
            defaults.timeout = self
                .duration_within(timeout, "defaults.timeout", MAX_TIMEOUT)
                .unwrap_or(DEFAULT_TIMEOUT);
        }
        if let Some(max) = &raw.max_redirects {
            defaults.max_redirects = max.value;
        }
        if let Some(max_body) = &raw.max_body {
            defaults.max_body = self
                .size(max_body, "defaults.max_body")
                .unwrap_or(DEFAULT_MAX_BODY);
        }
        if let Some(headers) = &raw.headers {
            defaults.headers = self.headers(headers, "defaults.headers", CaptureUse::Forbidden);
        }
        match raw
            .auth
            .as_ref()
            .and_then(|auth| self.auth(auth, "defaults.auth"))
        {
            Some(Authorization::Header(value)) => {
                super::auth::with_authorization(&mut defaults.headers, Some(value));
            }
            Some(Authorization::OAuth2(client)) => {
                super::auth::without_authorization(&mut defaults.headers);
                defaults.oauth2 = Some(client);
            }
            None => {}
        }
        defaults
    }

    fn connection(&mut self, raw: Option<&RawDefaults>) -> Connection {
        let mut connection = Connection {
            resolve: Vec::new(),
            ca_files: Vec::new(),
            insecure: false,
            client_identity: None,
            http: HttpVersion::Auto,
            proxy: None,
            cookies: true,
        };
        let Some(raw) = raw else {
            return connection;
        };
        if let Some(http) = &raw.http {
            connection.http = self.http_version(http);
        }
        if let Some(cookies) = &raw.cookies {
            connection.cookies = cookies.value;
        }
        if let Some(proxy) = &raw.proxy {
            connection.proxy = self.proxy(proxy);
        }
        if let Some(resolve) = &raw.resolve {
            connection.resolve = self.resolve_map(resolve);
        }
        if let Some(tls) = &raw.tls {
            self.tls(&tls.value, &mut connection);
        }
        connection
    }

    fn http_version(&mut self, http: &Spanned<Node>) -> HttpVersion {
        match http.value.scalar_text().as_deref() {
            Some("auto") => HttpVersion::Auto,
            Some("1.1") => HttpVersion::Http1,
            Some("2") => HttpVersion::Http2,
            _ => {
                self.error_with_help(
                    Position::of(http),
                    "defaults.http",
                    Text::new(
                        "`http` bernilai `auto`, `1.1`, atau `2`",
                        "`http` is auto, 1.1 or 2",
                    ),
                    Some(Text::new(
                        "tulis `http: \"1.1\"` atau `http: 2`",
                        "write `http: \"1.1\"` or `http: 2`",
                    )),
                );
                HttpVersion::Auto
            }
        }
    }

    /// A proxy URL; `null` or an empty value means none.
    fn proxy(&mut self, proxy: &Spanned<Node>) -> Option<String> {
        match &proxy.value {
            Node::Null => None,
            Node::Str(text) => {
                let text = self
                    .template_at(
                        text,
                        Position::of(proxy),
                        "defaults.proxy",
                        CaptureUse::Forbidden,
                    )
                    .as_literal()
                    .unwrap_or_default();
                (!text.is_empty()).then_some(text)
            }
            other => {
                self.error(
                    Position::of(proxy),
                    "defaults.proxy",
                    text!(
                        "`proxy` berupa URL atau null, ditemukan {found}",
                        "`proxy` is a URL or null, found {found}",
                        found = other.kind(),
                    ),
                );
                None
            }
        }
    }

    /// `tls:`: a CA file (relative to the scenario) to trust, `insecure`, and the
    /// client certificate.
    fn tls(&mut self, tls: &RawTls, connection: &mut Connection) {
        if let Some(ca_file) = &tls.ca_file {
            let path = self.text(ca_file, "defaults.tls.ca_file");
            let resolved = self.dir.join(&path);
            match read_bounded(&resolved, INPUT_FILE_LIMIT) {
                Ok(_) => {}
                Err(FileError::Io(error)) if error.kind() == std::io::ErrorKind::NotFound => {
                    // Like an unset environment variable: `validate` warns (the file
                    // may exist where the scenario runs), `run` refuses.
                    let problem = Problem::error(Position::of(ca_file), "defaults.tls.ca_file", {
                        let file = resolved.display();
                        text!(
                            "berkas CA `{file}` tidak ada",
                            "CA file `{file}` does not exist"
                        )
                    });
                    self.problems.push(if self.settings.require_env {
                        problem
                    } else {
                        problem.warning()
                    });
                }
                // A FIFO, a device or a huge file is wrong wherever it runs.
                Err(error) => {
                    let file = resolved.display();
                    self.error(
                        Position::of(ca_file),
                        "defaults.tls.ca_file",
                        text!(
                            "berkas CA `{file}` tidak dapat dibaca: {reason}",
                            "cannot read CA file `{file}`: {reason}",
                            reason = error.reason(),
                        ),
                    );
                }
            }
            connection.ca_files.push(resolved);
        }
        if let Some(insecure) = &tls.insecure {
            connection.insecure = insecure.value;
        }
        connection.client_identity = self.client_identity(tls);
    }

    fn resolve_map(&mut self, resolve: &Spanned<Node>) -> Vec<(String, IpAddr)> {
        let Node::Map(entries) = &resolve.value else {
            self.error(
                Position::of(resolve),
                "defaults.resolve",
                Text::new(
                    "`resolve` memetakan nama host ke alamat IP",
                    "`resolve` maps host names to IP addresses",
                ),
            );
            return Vec::new();
        };
        let mut pairs = Vec::new();
        for (key, value) in entries {
            let host = key
                .value
                .scalar_text()
                .unwrap_or_default()
                .to_ascii_lowercase();
            let path = child("defaults.resolve", &host);
            let (text, written) = match &value.value {
                Node::Str(text) => (
                    self.template_at(text, Position::of(value), &path, CaptureUse::Forbidden)
                        .as_literal()
                        .unwrap_or_default(),
                    text.clone(),
                ),
                other => {
                    let text = other.scalar_text().unwrap_or_default();
                    (text.clone(), text)
                }
            };
            match text.parse::<IpAddr>() {
                Ok(ip) => pairs.push((host, ip)),
                Err(_) => {
                    let quoted = if interpolates(&written) {
                        written
                    } else {
                        text
                    };
                    self.error_with_help(
                        Position::of(value),
                        &path,
                        text!(
                            "`{quoted}` bukan alamat IP",
                            "`{quoted}` is not an IP address"
                        ),
                        Some(Text::new(
                            "tulis alamat IPv4 atau IPv6, misalnya 10.20.0.15",
                            "write an IPv4 or IPv6 address, e.g. 10.20.0.15",
                        )),
                    );
                }
            }
        }
        pairs
    }
}
