//! What in a recorded request is a secret: credentials by the name they travel
//! under (Authorization, cookies, API keys, tokens, passwords) or by their look
//! (a JWT, a bearer token). The importers move each to `secrets:` and write
//! `${name}` where it was; its value never reaches the file.

/// Header names that carry credentials.
const SECRET_HEADERS: [&str; 6] = [
    "authorization",
    "proxy-authorization",
    "cookie",
    "x-api-key",
    "api-key",
    "apikey",
];

/// Parts of a header, query or field name that say it holds a credential.
const SECRET_NAME_PARTS: [&str; 10] = [
    "token",
    "secret",
    "password",
    "passwd",
    "apikey",
    "api_key",
    "api-key",
    "session",
    "signature",
    "credential",
];

/// Whole query or field names that hold credentials.
const SECRET_FIELDS: [&str; 6] = ["key", "sig", "pin", "otp", "pass", "sid"];

/// Whether a header is a credential by its name or its value.
pub fn is_secret_header(name: &str, value: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_HEADERS.contains(&name.as_str())
        || SECRET_NAME_PARTS.iter().any(|part| name.contains(part))
        || looks_like_token(value)
}

/// Whether a query parameter or a body field is a credential.
pub fn is_secret_field(name: &str, value: &str) -> bool {
    let name = name.to_ascii_lowercase();
    SECRET_FIELDS.contains(&name.as_str())
        || SECRET_NAME_PARTS.iter().any(|part| name.contains(part))
        || looks_like_token(value)
}

/// A JWT (`eyJ...` in three dot-separated parts) or a bearer token.
pub fn looks_like_token(value: &str) -> bool {
    let value = value.trim();
    let jwt = value.starts_with("eyJ")
        && value.split('.').count() == 3
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '='));
    jwt || value.to_ascii_lowercase().starts_with("bearer ")
}

/// An authorization scheme kept in the file in front of the secret
/// (`Bearer ${authorization}`), so that the variable holds the token alone.
pub fn split_scheme(value: &str) -> (&str, &str) {
    for scheme in ["Bearer ", "Basic ", "Token ", "bearer ", "basic ", "token "] {
        if let Some(rest) = value.strip_prefix(scheme) {
            return (scheme, rest);
        }
    }
    ("", value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_by_name_and_by_look() {
        assert!(is_secret_header("Authorization", "Basic YQ=="));
        assert!(is_secret_header("Cookie", "PHPSESSID=1"));
        assert!(is_secret_header("X-Auth-Token", "abc"));
        assert!(is_secret_header(
            "X-Custom",
            "eyJhbGciOiJIUzI1NiJ9.e30.c2ln"
        ));
        assert!(!is_secret_header("Accept", "application/json"));
        assert!(is_secret_field("access_token", "x"));
        assert!(is_secret_field("password", "x"));
        assert!(is_secret_field("key", "x"));
        assert!(!is_secret_field("nik", "3299010101900001"));
        assert!(!is_secret_field("keyword", "ktp"));
        assert_eq!(split_scheme("Bearer abc"), ("Bearer ", "abc"));
        assert_eq!(split_scheme("abc"), ("", "abc"));
    }
}
