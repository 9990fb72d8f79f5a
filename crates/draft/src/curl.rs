//! A curl command line, as the shell split it, read into a [`RecordedRequest`]:
//! the options that shape the request (method, headers, data, user, cookie,
//! user agent, referer, `-G`), the ones that change nothing ujilab sends
//! (`-s`, `-L`, `--compressed`, ...) skipped, and any other refused by name, so
//! that an import never silently drops part of a request.

use base64::Engine as _;
use url::Url;

use crate::recorded::{RecordedBody, RecordedRequest};

/// Why a command line could not be read.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum CurlError {
    #[error("no URL in the curl command")]
    NoUrl,
    #[error("`{0}` is not an http(s) URL")]
    BadUrl(String),
    #[error("`{0}` needs a value")]
    MissingValue(String),
    #[error("curl option `{0}` is not supported by the import")]
    Unsupported(String),
    #[error("`{0}` is not a header (`Name: value`)")]
    BadHeader(String),
    #[error("`{0}` reads a file; put its content in the command instead")]
    FileData(String),
}

impl CurlError {
    pub fn describe(&self, lang: input::lang::Lang) -> String {
        let id = match self {
            CurlError::NoUrl => "tidak ada URL dalam perintah curl".to_string(),
            CurlError::BadUrl(url) => format!("`{url}` bukan URL http(s)"),
            CurlError::MissingValue(option) => format!("`{option}` memerlukan nilai"),
            CurlError::Unsupported(option) => {
                format!("opsi curl `{option}` tidak didukung oleh impor")
            }
            CurlError::BadHeader(header) => format!("`{header}` bukan header (`Nama: nilai`)"),
            CurlError::FileData(data) => {
                format!("`{data}` membaca berkas; tuliskan isinya langsung dalam perintah")
            }
        };
        lang.choose(id, self.to_string())
    }
}

/// Options that change nothing ujilab would send; their values, if any, are skipped.
const IGNORED_FLAGS: [&str; 16] = [
    "-s",
    "--silent",
    "-S",
    "--show-error",
    "-L",
    "--location",
    "--compressed",
    "-v",
    "--verbose",
    "-i",
    "--include",
    "-f",
    "--fail",
    "--http1.1",
    "--http2",
    "-g",
];
const IGNORED_WITH_VALUE: [&str; 8] = [
    "-o",
    "--output",
    "-m",
    "--max-time",
    "--connect-timeout",
    "-w",
    "--write-out",
    "--retry",
];

/// Reads `args` (the leading `curl` optional).
pub fn parse(args: &[String]) -> Result<RecordedRequest, CurlError> {
    let mut args = args.iter().map(String::as_str).peekable();
    if args.peek() == Some(&"curl") {
        args.next();
    }
    let mut method: Option<String> = None;
    let mut url: Option<String> = None;
    let mut headers: Vec<(String, String)> = Vec::new();
    let mut data: Vec<String> = Vec::new();
    let mut get = false;
    let mut head = false;
    while let Some(arg) = args.next() {
        let mut value = |option: &str| {
            args.next()
                .map(str::to_string)
                .ok_or_else(|| CurlError::MissingValue(option.to_string()))
        };
        match arg {
            "-X" | "--request" => method = Some(value(arg)?.to_ascii_uppercase()),
            "-H" | "--header" => {
                let header = value(arg)?;
                let (name, content) = header
                    .split_once(':')
                    .ok_or_else(|| CurlError::BadHeader(header.clone()))?;
                headers.push((name.trim().to_string(), content.trim().to_string()));
            }
            "-d" | "--data" | "--data-raw" | "--data-binary" | "--data-ascii" => {
                let text = value(arg)?;
                if arg != "--data-raw" && text.starts_with('@') {
                    return Err(CurlError::FileData(text));
                }
                data.push(text);
            }
            "--data-urlencode" => {
                let text = value(arg)?;
                data.push(match text.split_once('=') {
                    Some((name, content)) => format!("{name}={}", form_encode(content)),
                    None => form_encode(&text),
                });
            }
            "--json" => {
                data.push(value(arg)?);
                add_default(&mut headers, "Content-Type", "application/json");
                add_default(&mut headers, "Accept", "application/json");
            }
            "-u" | "--user" => {
                let credentials = value(arg)?;
                let encoded = base64::engine::general_purpose::STANDARD.encode(credentials);
                headers.push(("Authorization".to_string(), format!("Basic {encoded}")));
            }
            "-b" | "--cookie" => {
                let cookie = value(arg)?;
                if !cookie.contains('=') {
                    return Err(CurlError::FileData(cookie));
                }
                headers.push(("Cookie".to_string(), cookie));
            }
            "-A" | "--user-agent" => headers.push(("User-Agent".to_string(), value(arg)?)),
            "-e" | "--referer" => headers.push(("Referer".to_string(), value(arg)?)),
            "--url" => url = Some(value(arg)?),
            "-G" | "--get" => get = true,
            "-I" | "--head" => head = true,
            _ if IGNORED_FLAGS.contains(&arg) => {}
            _ if IGNORED_WITH_VALUE.contains(&arg) => {
                value(arg)?;
            }
            _ if arg.starts_with('-') && arg.len() > 1 => {
                return Err(CurlError::Unsupported(arg.to_string()));
            }
            _ => url = Some(arg.to_string()),
        }
    }
    let url = url.ok_or(CurlError::NoUrl)?;
    let mut parsed = Url::parse(&url)
        .ok()
        .filter(|parsed| matches!(parsed.scheme(), "http" | "https"))
        .ok_or_else(|| CurlError::BadUrl(url.clone()))?;
    parsed.set_fragment(None);
    let joined = data.join("&");
    let mut body = None;
    if get && !data.is_empty() {
        let query = match parsed.query() {
            Some(query) => format!("{query}&{joined}"),
            None => joined,
        };
        parsed.set_query(Some(&query));
    } else if !data.is_empty() {
        // curl sends -d data as a form unless told otherwise.
        add_default(
            &mut headers,
            "Content-Type",
            "application/x-www-form-urlencoded",
        );
        let content_type = headers
            .iter()
            .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
            .map(|(_, value)| value.as_str());
        body = Some(RecordedRequest::body_from(content_type, joined));
    }
    let method = method.unwrap_or_else(|| {
        if head {
            "HEAD".to_string()
        } else if body.is_some() {
            "POST".to_string()
        } else {
            "GET".to_string()
        }
    });
    // The form fields are written as `form:`, which sets its own content type.
    if matches!(body, Some(RecordedBody::Form(_))) {
        headers.retain(|(name, _)| !name.eq_ignore_ascii_case("content-type"));
    }
    Ok(RecordedRequest {
        method,
        url: parsed,
        headers,
        body,
        response: None,
    })
}

fn add_default(headers: &mut Vec<(String, String)>, name: &str, value: &str) {
    if !headers
        .iter()
        .any(|(header, _)| header.eq_ignore_ascii_case(name))
    {
        headers.push((name.to_string(), value.to_string()));
    }
}

fn form_encode(text: &str) -> String {
    url::form_urlencoded::byte_serialize(text.as_bytes()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &[&str]) -> Vec<String> {
        line.iter().map(|arg| arg.to_string()).collect()
    }

    #[test]
    fn reads_what_browsers_copy_as_curl() {
        let request = parse(&args(&[
            "curl",
            "https://dukcapil.contohkab.go.id/api/v1/verifikasi",
            "-H",
            "accept: application/json",
            "-H",
            "authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig",
            "--data-raw",
            r#"{"nik":"3299010101900001"}"#,
            "-H",
            "content-type: application/json",
            "--compressed",
        ]))
        .expect("parses");
        assert_eq!(request.method, "POST");
        assert_eq!(request.url.path(), "/api/v1/verifikasi");
        assert_eq!(
            request.body,
            Some(RecordedBody::Json(
                serde_json::json!({"nik": "3299010101900001"})
            ))
        );
        assert_eq!(
            request.header("Authorization"),
            Some("Bearer eyJhbGciOiJIUzI1NiJ9.e30.sig")
        );
    }

    #[test]
    fn data_is_a_form_by_default_and_a_query_with_get() {
        let form = parse(&args(&[
            "-d",
            "nama=Budi Santoso",
            "-d",
            "a=1",
            "http://x.go.id/f",
        ]))
        .expect("parses");
        assert_eq!(form.method, "POST");
        assert_eq!(
            form.body,
            Some(RecordedBody::Form(vec![
                ("nama".into(), "Budi Santoso".into()),
                ("a".into(), "1".into())
            ]))
        );
        let get = parse(&args(&["-G", "-d", "q=ktp", "http://x.go.id/cari?x=1"])).expect("parses");
        assert_eq!(get.method, "GET");
        assert_eq!(get.url.query(), Some("x=1&q=ktp"));
        let user = parse(&args(&["-u", "admin:rahasia", "http://x.go.id/"])).expect("parses");
        assert_eq!(
            user.header("authorization"),
            Some("Basic YWRtaW46cmFoYXNpYQ==")
        );
    }

    #[test]
    fn refuses_what_it_cannot_carry_over() {
        assert_eq!(parse(&args(&["-X", "GET"])), Err(CurlError::NoUrl));
        assert_eq!(
            parse(&args(&["--cert", "c.pem", "https://x.go.id/"])),
            Err(CurlError::Unsupported("--cert".into()))
        );
        assert_eq!(
            parse(&args(&["-d", "@body.json", "https://x.go.id/"])),
            Err(CurlError::FileData("@body.json".into()))
        );
        assert_eq!(
            parse(&args(&["ftp://x/"])),
            Err(CurlError::BadUrl("ftp://x/".into()))
        );
        assert_eq!(
            parse(&args(&["-H", "nocolon", "https://x.go.id/"])),
            Err(CurlError::BadHeader("nocolon".into()))
        );
    }
}
