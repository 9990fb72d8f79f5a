//! Redaction of secrets in every string ujilab writes.
//!
//! A [`Redactor`] knows the scenario's secrets (and secrets captured at run time) and
//! replaces every occurrence of each one, in each of the forms it commonly takes on the
//! wire, with `***`:
//!
//! - the raw value;
//! - percent-encoded, with the encode sets of RFC 3986 components, `encodeURIComponent`,
//!   the WHATWG URL serializer (path, query, userinfo, fragment) and "everything but
//!   alphanumerics", each with upper- and lower-case hex digits;
//! - form-encoded (`application/x-www-form-urlencoded`, space as `+`);
//! - JSON-escaped, also with `\/` (PHP's default) and with non-ASCII as `\uXXXX`;
//! - base64, standard and URL-safe alphabets, with and without padding.
//!
//! Base64 of a secret *embedded* in a longer value (a Basic `Authorization` header carries
//! `base64("user:secret")`, a JWT carries `base64url({"sub":"secret"})`) is not the base64 of
//! the secret: the characters on either side depend on the neighbouring bytes. What does not
//! depend on them is the run of characters that encode only the secret's bits, which is one
//! of three strings depending on the secret's offset modulo 3 in the encoded value. Those
//! three "cores" are redacted too (when at least [`MIN_BASE64_CORE`] characters long, so that
//! short cores cannot strike ordinary text), so an embedded secret is replaced except for
//! one or two characters at each end that also carry neighbouring bits. A secret split
//! across encodings (half in a header, half in a body) or transformed any other way
//! (hashed, hex, encrypted, reversed) is not found.
//!
//! Matches may overlap (two secrets sharing characters); the union of all matches is
//! replaced, so overlapping secrets are redacted completely. Adjacent and overlapping
//! matches collapse into a single `***`.
//!
//! The header rule is separate ([`Redactor::redact_header`]): `Authorization`,
//! `Proxy-Authorization`, `Cookie` and `Set-Cookie` values are masked whatever they hold,
//! keeping cookie names and `Set-Cookie` attributes.

use std::borrow::Cow;
use std::fmt;
use std::sync::Arc;

use aho_corasick::{AhoCorasick, MatchKind};
use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use percent_encoding::{AsciiSet, CONTROLS, NON_ALPHANUMERIC, utf8_percent_encode};

/// What every redacted value becomes.
pub const MASK: &str = "***";

/// Base64 "cores" of an embedded secret shorter than this are not searched for: a few
/// base64 characters can occur by chance in any text.
pub const MIN_BASE64_CORE: usize = 6;

/// RFC 3986 component encoding: everything but unreserved characters.
const RFC3986_COMPONENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
/// JavaScript's `encodeURIComponent`.
const JS_URI_COMPONENT: &AsciiSet = &RFC3986_COMPONENT
    .remove(b'!')
    .remove(b'*')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')');
/// `application/x-www-form-urlencoded` byte serializer (space handled separately as `+`).
const FORM: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'*')
    .remove(b'-')
    .remove(b'.')
    .remove(b'_');
/// The WHATWG URL serializer's sets (what `reqwest::Url` produces).
const URL_FRAGMENT: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b'<').add(b'>').add(b'`');
const URL_QUERY: &AsciiSet = &CONTROLS.add(b' ').add(b'"').add(b'#').add(b'<').add(b'>');
const URL_SPECIAL_QUERY: &AsciiSet = &URL_QUERY.add(b'\'');
const URL_PATH: &AsciiSet = &URL_QUERY.add(b'?').add(b'`').add(b'{').add(b'}');
const URL_USERINFO: &AsciiSet = &URL_PATH
    .add(b'/')
    .add(b':')
    .add(b';')
    .add(b'=')
    .add(b'@')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'|');

const PERCENT_SETS: [&AsciiSet; 8] = [
    NON_ALPHANUMERIC,
    RFC3986_COMPONENT,
    JS_URI_COMPONENT,
    FORM,
    URL_FRAGMENT,
    URL_QUERY,
    URL_SPECIAL_QUERY,
    URL_PATH,
];

/// Replaces secrets with `***`. Cheap to clone (the automaton is shared).
///
/// `Debug` shows only how many secrets it holds, never the secrets.
#[derive(Clone, Default)]
pub struct Redactor {
    secrets: Vec<String>,
    matcher: Option<Arc<Matcher>>,
}

enum Matcher {
    Automaton(AhoCorasick),
    /// Only if the automaton cannot be built (it can for any realistic number of
    /// secrets): plain substring search, longest form first.
    Naive(Vec<String>),
}

impl fmt::Debug for Redactor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Redactor")
            .field("secrets", &self.secrets.len())
            .finish()
    }
}

impl Redactor {
    /// A redactor for these secrets. Empty strings are ignored.
    pub fn new(secrets: impl IntoIterator<Item = String>) -> Self {
        let mut redactor = Redactor::default();
        for secret in secrets {
            redactor.push(secret);
        }
        redactor.rebuild();
        redactor
    }

    /// Adds one secret (for example a token captured with `secret: true`).
    pub fn add(&mut self, secret: impl Into<String>) {
        if self.push(secret.into()) {
            self.rebuild();
        }
    }

    /// A copy of this redactor that also redacts `secret`.
    pub fn with_secret(&self, secret: impl Into<String>) -> Redactor {
        let mut copy = self.clone();
        copy.add(secret);
        copy
    }

    /// How many distinct secrets this redactor knows.
    pub fn len(&self) -> usize {
        self.secrets.len()
    }

    /// True when there is nothing to redact (header masking still applies).
    pub fn is_empty(&self) -> bool {
        self.secrets.is_empty()
    }

    fn push(&mut self, secret: String) -> bool {
        if secret.is_empty() || self.secrets.contains(&secret) {
            return false;
        }
        self.secrets.push(secret);
        true
    }

    fn rebuild(&mut self) {
        let mut patterns: Vec<String> = self.secrets.iter().flat_map(|s| forms(s)).collect();
        patterns.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
        patterns.dedup();
        if patterns.is_empty() {
            self.matcher = None;
            return;
        }
        let matcher = match AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
        {
            Ok(automaton) => Matcher::Automaton(automaton),
            Err(_) => Matcher::Naive(patterns),
        };
        self.matcher = Some(Arc::new(matcher));
    }

    /// `text` with every form of every secret replaced by `***`.
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let Some(matcher) = &self.matcher else {
            return Cow::Borrowed(text);
        };
        let mut spans: Vec<(usize, usize)> = match matcher.as_ref() {
            Matcher::Automaton(automaton) => automaton
                .find_overlapping_iter(text)
                .map(|m| (m.start(), m.end()))
                .collect(),
            Matcher::Naive(patterns) => patterns
                .iter()
                .flat_map(|p| {
                    text.match_indices(p.as_str())
                        .map(|(i, m)| (i, i + m.len()))
                })
                .collect(),
        };
        if spans.is_empty() {
            return Cow::Borrowed(text);
        }
        spans.sort_unstable();
        let mut out = String::with_capacity(text.len());
        let mut cursor = 0;
        let mut current: Option<(usize, usize)> = None;
        for (start, end) in spans {
            match current {
                Some((_, cur_end)) if start <= cur_end => {
                    if let Some(c) = current.as_mut() {
                        c.1 = c.1.max(end);
                    }
                }
                _ => {
                    if let Some((s, e)) = current {
                        out.push_str(&text[cursor..s]);
                        out.push_str(MASK);
                        cursor = e;
                    }
                    current = Some((start, end));
                }
            }
        }
        if let Some((s, e)) = current {
            out.push_str(&text[cursor..s]);
            out.push_str(MASK);
            cursor = e;
        }
        out.push_str(&text[cursor..]);
        Cow::Owned(out)
    }

    /// A header value as it may appear in a report.
    ///
    /// `Authorization` and `Proxy-Authorization` become `***`; `Cookie` keeps each cookie's
    /// name (`a=***; b=***`); `Set-Cookie` keeps the name and the attributes
    /// (`sid=***; Path=/; HttpOnly`); any other header is passed through [`Self::redact`].
    /// Names and attributes are redacted too, in case a secret sits there.
    pub fn redact_header(&self, name: &str, value: &str) -> String {
        if name.eq_ignore_ascii_case("authorization")
            || name.eq_ignore_ascii_case("proxy-authorization")
        {
            MASK.to_string()
        } else if name.eq_ignore_ascii_case("cookie") {
            let pairs: Vec<String> = value
                .split(';')
                .map(str::trim)
                .filter(|pair| !pair.is_empty())
                .map(|pair| match pair.split_once('=') {
                    Some((cookie, _)) => format!("{}={MASK}", self.redact(cookie.trim())),
                    None => MASK.to_string(),
                })
                .collect();
            if pairs.is_empty() {
                MASK.to_string()
            } else {
                pairs.join("; ")
            }
        } else if name.eq_ignore_ascii_case("set-cookie") {
            let (pair, attributes) = match value.split_once(';') {
                Some((pair, attributes)) => (pair, Some(attributes)),
                None => (value, None),
            };
            let mut out = match pair.split_once('=') {
                Some((cookie, _)) => format!("{}={MASK}", self.redact(cookie.trim())),
                None => MASK.to_string(),
            };
            if let Some(attributes) = attributes {
                out.push(';');
                out.push_str(&self.redact(attributes));
            }
            out
        } else {
            self.redact(value).into_owned()
        }
    }
}

/// Every form of `secret` that is searched for.
fn forms(secret: &str) -> Vec<String> {
    let mut out = vec![secret.to_string()];

    for set in PERCENT_SETS.iter().copied().chain([URL_USERINFO]) {
        let encoded = utf8_percent_encode(secret, set).to_string();
        out.push(lowercase_percent_hex(&encoded));
        if secret.contains(' ') {
            // Form encoding: the same sets, with space as '+'.
            out.push(encoded.replace("%20", "+"));
            out.push(lowercase_percent_hex(&encoded).replace("%20", "+"));
        }
        out.push(encoded);
    }

    for slash in [false, true] {
        for ascii_only in [false, true] {
            out.push(json_escape(secret, slash, ascii_only));
        }
    }

    let bytes = secret.as_bytes();
    for engine in [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD] {
        out.push(engine.encode(bytes));
    }
    for offset in 0..3 {
        for engine in [&STANDARD_NO_PAD, &URL_SAFE_NO_PAD] {
            if let Some(core) = base64_core(engine, bytes, offset) {
                out.push(core);
            }
        }
    }

    out.retain(|form| !form.is_empty());
    out.sort();
    out.dedup();
    out
}

/// `%2f` instead of `%2F`: some encoders write lower-case hex.
fn lowercase_percent_hex(encoded: &str) -> String {
    let mut out = String::with_capacity(encoded.len());
    let mut chars = encoded.chars();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == '%' {
            for _ in 0..2 {
                if let Some(h) = chars.next() {
                    out.push(h.to_ascii_lowercase());
                }
            }
        }
    }
    out
}

/// The inside of a JSON string literal holding `s` (without the quotes).
fn json_escape(s: &str, escape_slash: bool, ascii_only: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '/' if escape_slash => out.push_str("\\/"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c if ascii_only && !c.is_ascii() => {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// The base64 characters that encode only `secret`'s bits when it sits at byte `offset`
/// (mod 3) inside a longer encoded value, or `None` if that run is too short to search for.
fn base64_core(
    engine: &base64::engine::GeneralPurpose,
    secret: &[u8],
    offset: usize,
) -> Option<String> {
    let mut padded = vec![0u8; offset];
    padded.extend_from_slice(secret);
    let encoded = engine.encode(&padded);
    let first_bit = 8 * offset;
    let end_bit = 8 * (offset + secret.len());
    // Character i covers bits [6i, 6i + 6).
    let first = first_bit.div_ceil(6);
    let last = end_bit / 6; // exclusive
    if last <= first || last - first < MIN_BASE64_CORE {
        return None;
    }
    encoded.get(first..last).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn r(secrets: &[&str]) -> Redactor {
        Redactor::new(secrets.iter().map(|s| s.to_string()))
    }

    #[test]
    fn raw_value() {
        let red = r(&["hunter2-token"]);
        assert_eq!(red.redact("token=hunter2-token!"), "token=***!");
        assert_eq!(red.redact("nothing here"), "nothing here");
        assert!(matches!(red.redact("nothing here"), Cow::Borrowed(_)));
    }

    #[test]
    fn empty_redactor_borrows() {
        let red = Redactor::default();
        assert!(red.is_empty());
        assert!(matches!(red.redact("abc"), Cow::Borrowed("abc")));
    }

    #[test]
    fn percent_encoded_forms() {
        let red = r(&["p@ss w/rd+ä"]);
        for text in [
            "p%40ss%20w%2Frd%2B%C3%A4",            // everything but alphanumerics
            "p%40ss%20w%2frd%2b%c3%a4",            // lower-case hex
            "p@ss%20w/rd+%C3%A4",                  // WHATWG query serializer
            "p%40ss%20w%2Frd%2B%C3%A4&x=1",        // RFC 3986 component, in a query
            "https://h/?q=p@ss%20w/rd+%C3%A4&z=2", // as reqwest::Url writes it
        ] {
            let out = red.redact(text);
            assert!(!out.contains("ss"), "{text} -> {out}");
            assert!(out.contains(MASK), "{text} -> {out}");
        }
    }

    #[test]
    fn form_encoded_form() {
        let red = r(&["open sesame!"]);
        assert_eq!(red.redact("a=1&pw=open+sesame%21&b=2"), "a=1&pw=***&b=2");
        assert_eq!(red.redact("pw=open%20sesame%21"), "pw=***");
    }

    #[test]
    fn json_escaped_forms() {
        let red = r(&["a\"b\\c/d\u{e9}\n"]);
        assert_eq!(red.redact(r#"{"t":"a\"b\\c/d\u00e9\n"}"#), r#"{"t":"***"}"#);
        assert_eq!(
            red.redact(r#"{"t":"a\"b\\c\/d\u00e9\n"}"#),
            r#"{"t":"***"}"#
        );
        assert_eq!(
            red.redact("{\"t\":\"a\\\"b\\\\c/d\u{e9}\\n\"}"),
            r#"{"t":"***"}"#
        );
    }

    #[test]
    fn base64_forms() {
        let secret = "s3cr3t-value?>";
        let red = r(&[secret]);
        for encoded in [
            STANDARD.encode(secret),
            STANDARD_NO_PAD.encode(secret),
            URL_SAFE.encode(secret),
            URL_SAFE_NO_PAD.encode(secret),
        ] {
            let text = format!("x {encoded} y");
            assert_eq!(red.redact(&text), "x *** y", "{encoded}");
        }
    }

    #[test]
    fn base64_embedded_at_every_offset() {
        let secret = "s3cr3t-value";
        let red = r(&[secret]);
        for prefix in ["", "u", "us", "user:", "user:x", "user:xy"] {
            let plain = format!("{prefix}{secret}-tail");
            let encoded = STANDARD.encode(&plain);
            let out = red.redact(&encoded);
            assert!(out.contains(MASK), "{plain}: {encoded} -> {out}");
            // At most two characters at each end of the secret's run may survive.
            let surviving = out.replace(MASK, "");
            assert!(
                surviving.len() + 12 <= encoded.len(),
                "{plain}: {encoded} -> {out}"
            );
        }
        // A JWT-style payload (base64url, no padding).
        let payload = URL_SAFE_NO_PAD.encode(format!(r#"{{"sub":"{secret}","n":1}}"#));
        assert!(red.redact(&payload).contains(MASK));
    }

    #[test]
    fn basic_auth_value_is_covered() {
        let red = r(&["correct-horse-battery"]);
        let header = format!("Basic {}", STANDARD.encode("admin:correct-horse-battery"));
        let out = red.redact(&header);
        assert!(out.contains(MASK), "{out}");
        assert_eq!(red.redact_header("Authorization", &header), MASK);
    }

    #[test]
    fn short_cores_are_not_searched() {
        assert!(base64_core(&STANDARD_NO_PAD, b"abcd", 1).is_none());
        assert!(base64_core(&STANDARD_NO_PAD, b"abcdefghij", 1).is_some());
    }

    #[test]
    fn overlapping_secrets_redact_fully() {
        let red = r(&["abcXYZ12", "XYZ12345"]);
        assert_eq!(red.redact("--abcXYZ12345--"), "--***--");
        let red = r(&["token-1234", "token-1234-extended"]);
        assert_eq!(red.redact("a token-1234-extended b"), "a *** b");
        assert_eq!(red.redact("a token-1234 b"), "a *** b");
    }

    #[test]
    fn adjacent_occurrences_collapse() {
        let red = r(&["secret"]);
        assert_eq!(red.redact("secretsecret and secret"), "*** and ***");
    }

    #[test]
    fn add_and_with_secret() {
        let mut red = r(&["first-secret"]);
        let copy = red.with_secret("captured-token");
        assert_eq!(red.redact("captured-token"), "captured-token");
        assert_eq!(copy.redact("captured-token first-secret"), "*** ***");
        red.add("captured-token");
        red.add("captured-token");
        red.add("");
        assert_eq!(red.len(), 2);
        assert_eq!(red.redact("captured-token"), "***");
    }

    #[test]
    fn unicode_text_around_matches() {
        let red = r(&["rahasia"]);
        assert_eq!(red.redact("kata sandi: «rahasia» ✓"), "kata sandi: «***» ✓");
    }

    #[test]
    fn debug_does_not_show_secrets() {
        let red = r(&["do-not-print"]);
        assert!(!format!("{red:?}").contains("do-not-print"));
    }

    #[test]
    fn header_masking() {
        let red = r(&["tok3n-abc"]);
        assert_eq!(red.redact_header("Authorization", "Bearer anything"), MASK);
        assert_eq!(red.redact_header("proxy-authorization", "Basic eA=="), MASK);
        assert_eq!(
            red.redact_header("Cookie", "sid=abc123; lang=id"),
            "sid=***; lang=***"
        );
        assert_eq!(red.redact_header("cookie", "opaque"), MASK);
        assert_eq!(
            red.redact_header("Set-Cookie", "sid=abc123; Path=/; HttpOnly; Secure"),
            "sid=***; Path=/; HttpOnly; Secure"
        );
        assert_eq!(red.redact_header("set-cookie", "justavalue"), MASK);
        assert_eq!(
            red.redact_header("Location", "https://h/cb?code=tok3n-abc"),
            "https://h/cb?code=***"
        );
        assert_eq!(red.redact_header("X-Plain", "hello"), "hello");
    }
}
