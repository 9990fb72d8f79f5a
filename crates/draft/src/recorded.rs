//! A request as a tool recorded it (a curl command line, a browser's HAR), the
//! common ground of the importers.

use url::Url;

/// One recorded request, and what came back when the recording has it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedRequest {
    pub method: String,
    pub url: Url,
    /// In order, as recorded (names as written).
    pub headers: Vec<(String, String)>,
    pub body: Option<RecordedBody>,
    /// The response's status and media type, when recorded.
    pub response: Option<RecordedResponse>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RecordedBody {
    /// A JSON document (sent with a JSON content type).
    Json(serde_json::Value),
    /// `application/x-www-form-urlencoded` fields.
    Form(Vec<(String, String)>),
    /// Anything else, as text; its content type stays among the headers.
    Text(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct RecordedResponse {
    pub status: u16,
    /// `text/html`, without parameters; empty when unknown.
    pub media_type: String,
}

impl RecordedRequest {
    /// The value of the first header named `name` (any case).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body read by its content type: JSON, form fields or text.
    pub fn body_from(content_type: Option<&str>, text: String) -> RecordedBody {
        let media = content_type.unwrap_or_default().to_ascii_lowercase();
        if media.contains("json")
            && let Ok(value) = serde_json::from_str(&text)
        {
            return RecordedBody::Json(value);
        }
        if media.starts_with("application/x-www-form-urlencoded") {
            return RecordedBody::Form(
                url::form_urlencoded::parse(text.as_bytes())
                    .map(|(name, value)| (name.into_owned(), value.into_owned()))
                    .collect(),
            );
        }
        RecordedBody::Text(text)
    }
}
