//! A HAR file (HTTP Archive 1.2, as browsers' developer tools save it) read
//! into [`RecordedRequest`]s: the documents and API calls of the visit, not its
//! images, scripts, styles and fonts, and by default only those of the first
//! page's host. Headers a browser adds on its own (HTTP/2 pseudo-headers,
//! `sec-*`, its user agent, compression, connection) are left to ujilab.

use serde::Deserialize;
use url::Url;

use crate::recorded::{RecordedRequest, RecordedResponse};

/// Why a HAR file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum HarError {
    #[error("not a HAR file: {0}")]
    NotHar(String),
    #[error("the HAR file has no request to import")]
    Empty,
}

impl HarError {
    pub fn describe(&self, lang: input::lang::Lang) -> String {
        let id = match self {
            HarError::NotHar(reason) => format!("bukan berkas HAR: {reason}"),
            HarError::Empty => "berkas HAR tidak memuat permintaan yang dapat diimpor".to_string(),
        };
        lang.choose(id, self.to_string())
    }
}

/// Headers the browser adds by itself, which ujilab sends its own way.
const BROWSER_HEADERS: [&str; 14] = [
    "host",
    "connection",
    "content-length",
    "accept-encoding",
    "accept-language",
    "user-agent",
    "upgrade-insecure-requests",
    "cache-control",
    "pragma",
    "priority",
    "te",
    "dnt",
    "referer",
    "origin",
];

/// Resource types (Chrome's `_resourceType`) that are part of what a service
/// does rather than how its pages look.
const KEPT_RESOURCE_TYPES: [&str; 3] = ["document", "xhr", "fetch"];

/// Response types kept when the HAR does not say the resource type.
const KEPT_MEDIA_TYPES: [&str; 4] = ["text/html", "application/xhtml+xml", "json", "xml"];

#[derive(Deserialize)]
struct Har {
    log: Log,
}

#[derive(Deserialize)]
struct Log {
    entries: Vec<Entry>,
}

#[derive(Deserialize)]
struct Entry {
    request: Request,
    response: Option<Response>,
    #[serde(rename = "_resourceType")]
    resource_type: Option<String>,
}

#[derive(Deserialize)]
struct Request {
    method: String,
    url: String,
    #[serde(default)]
    headers: Vec<Header>,
    #[serde(rename = "postData")]
    post_data: Option<PostData>,
}

#[derive(Deserialize)]
struct Header {
    name: String,
    value: String,
}

#[derive(Deserialize)]
struct PostData {
    #[serde(rename = "mimeType", default)]
    mime_type: String,
    text: Option<String>,
    #[serde(default)]
    params: Vec<Header>,
}

#[derive(Deserialize)]
struct Response {
    status: u16,
    content: Option<Content>,
}

#[derive(Deserialize)]
struct Content {
    #[serde(rename = "mimeType", default)]
    mime_type: String,
}

/// The requests of `text` worth a probe, in the order made.
pub fn parse(text: &str, all_hosts: bool) -> Result<Vec<RecordedRequest>, HarError> {
    let har: Har =
        serde_json::from_str(text).map_err(|error| HarError::NotHar(error.to_string()))?;
    let mut first_host: Option<String> = None;
    let mut requests = Vec::new();
    for entry in har.log.entries {
        let Ok(url) = Url::parse(&entry.request.url) else {
            continue;
        };
        if !matches!(url.scheme(), "http" | "https") {
            continue;
        }
        let media_type = entry
            .response
            .as_ref()
            .and_then(|response| response.content.as_ref())
            .map(|content| media_type(&content.mime_type))
            .unwrap_or_default();
        let kept = match &entry.resource_type {
            Some(kind) => KEPT_RESOURCE_TYPES.contains(&kind.as_str()),
            None => {
                entry.request.post_data.is_some()
                    || KEPT_MEDIA_TYPES
                        .iter()
                        .any(|kept| media_type.contains(kept))
            }
        };
        if !kept {
            continue;
        }
        let host = url.host_str().unwrap_or_default().to_string();
        let first = first_host.get_or_insert_with(|| host.clone());
        if !all_hosts && *first != host {
            continue;
        }
        let headers: Vec<(String, String)> = entry
            .request
            .headers
            .iter()
            .filter(|header| {
                let name = header.name.to_ascii_lowercase();
                !name.starts_with(':')
                    && !name.starts_with("sec-")
                    && !BROWSER_HEADERS.contains(&name.as_str())
            })
            .map(|header| (header.name.clone(), header.value.clone()))
            .collect();
        let body = entry.request.post_data.map(|post| {
            let text = match post.text {
                Some(text) => text,
                None => url::form_urlencoded::Serializer::new(String::new())
                    .extend_pairs(post.params.iter().map(|p| (&p.name, &p.value)))
                    .finish(),
            };
            let content_type = headers
                .iter()
                .find(|(name, _)| name.eq_ignore_ascii_case("content-type"))
                .map(|(_, value)| value.as_str())
                .or(Some(post.mime_type.as_str()));
            RecordedRequest::body_from(content_type, text)
        });
        let mut url = url;
        url.set_fragment(None);
        requests.push(RecordedRequest {
            method: entry.request.method.to_ascii_uppercase(),
            url,
            headers,
            body,
            response: entry
                .response
                .filter(|response| response.status > 0)
                .map(|response| RecordedResponse {
                    status: response.status,
                    media_type,
                }),
        });
    }
    if requests.is_empty() {
        return Err(HarError::Empty);
    }
    Ok(requests)
}

fn media_type(mime_type: &str) -> String {
    mime_type
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recorded::RecordedBody;

    const VISIT: &str = r#"{"log": {"version": "1.2", "creator": {"name": "WebInspector", "version": "537.36"},
      "entries": [
        {"_resourceType": "document", "request": {"method": "GET", "url": "https://perizinan.contohkab.go.id/",
          "headers": [{"name": ":authority", "value": "perizinan.contohkab.go.id"}, {"name": "accept", "value": "text/html"},
                      {"name": "sec-fetch-mode", "value": "navigate"}, {"name": "user-agent", "value": "Mozilla/5.0"}]},
         "response": {"status": 200, "content": {"mimeType": "text/html; charset=utf-8", "size": 10}}},
        {"_resourceType": "image", "request": {"method": "GET", "url": "https://perizinan.contohkab.go.id/logo.png", "headers": []},
         "response": {"status": 200, "content": {"mimeType": "image/png"}}},
        {"_resourceType": "script", "request": {"method": "GET", "url": "https://www.googletagmanager.com/gtag/js", "headers": []},
         "response": {"status": 200, "content": {"mimeType": "text/javascript"}}},
        {"_resourceType": "fetch", "request": {"method": "POST", "url": "https://perizinan.contohkab.go.id/api/cari#x",
          "headers": [{"name": "content-type", "value": "application/json"}],
          "postData": {"mimeType": "application/json", "text": "{\"q\":\"IMB\"}"}},
         "response": {"status": 200, "content": {"mimeType": "application/json"}}},
        {"_resourceType": "xhr", "request": {"method": "GET", "url": "https://cdn.other.com/api", "headers": []},
         "response": {"status": 200, "content": {"mimeType": "application/json"}}}
      ]}}"#;

    #[test]
    fn keeps_documents_and_api_calls_of_the_first_host() {
        let requests = parse(VISIT, false).expect("reads");
        assert_eq!(requests.len(), 2);
        assert_eq!(
            requests[0].headers,
            vec![("accept".to_string(), "text/html".to_string())]
        );
        assert_eq!(
            requests[0].response,
            Some(RecordedResponse {
                status: 200,
                media_type: "text/html".into()
            })
        );
        assert_eq!(
            requests[1].url.as_str(),
            "https://perizinan.contohkab.go.id/api/cari"
        );
        assert_eq!(
            requests[1].body,
            Some(RecordedBody::Json(serde_json::json!({"q": "IMB"})))
        );
        assert_eq!(parse(VISIT, true).expect("reads").len(), 3);
    }

    #[test]
    fn refuses_what_is_not_a_har() {
        assert!(matches!(
            parse("{\"log\": 1}", false),
            Err(HarError::NotHar(_))
        ));
        assert!(matches!(
            parse("{\"log\": {\"entries\": []}}", false),
            Err(HarError::Empty)
        ));
    }
}
