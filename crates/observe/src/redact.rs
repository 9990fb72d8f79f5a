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
//! - base64, standard and URL-safe alphabets, with and without padding;
//! - echoed by a service that escapes each character its own way ([`echo_pattern`]):
//!   JSON with `\uXXXX` in either hex case (Go's and .NET's `\u0026 \u003c \u003e
//!   \u002B`, PHP's `\/`), JavaScript's `\xXX`, HTML character references (`&amp;
//!   &lt; &gt; &quot; &#39; &#039; &#x27;`), percent-encoding in either hex case, `+`
//!   for a space, any mixture of these within one value, and one escaping applied
//!   over another (HTML over JSON, JSON over HTML). These forms match without regard to
//!   case, because a host name is lower-cased on its way into a URL and escapes are
//!   written in either case.
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
//! Excerpts are cut after redaction, never before ([`Redactor::excerpt`]): a secret
//! that straddles the cut is masked whole, and the cut never falls inside a mask.
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
use regex::{Regex, RegexBuilder};

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

/// Who hears of secrets learnt while running (see [`secret_learnt`]).
static LEARNT: std::sync::OnceLock<fn(&str)> = std::sync::OnceLock::new();

/// Sets, once per process, who hears of secrets learnt while running: the binary
/// adds them to the redactor of its log, which outlives every scenario's own.
pub fn on_secret_learnt(listener: fn(&str)) {
    let _ = LEARNT.set(listener);
}

/// Announces a secret learnt while running (a value captured with `secret:
/// true`) to the listener set by [`on_secret_learnt`], if any.
pub fn secret_learnt(secret: &str) {
    if let Some(listener) = LEARNT.get() {
        listener(secret);
    }
}

/// Replaces secrets with `***`. Cheap to clone (the automaton is shared).
///
/// `Debug` shows only how many secrets it holds, never the secrets.
#[derive(Clone, Default)]
pub struct Redactor {
    secrets: Vec<String>,
    matcher: Option<Arc<Matcher>>,
}

struct Matcher {
    exact: Exact,
    /// One per secret: the secret with each character in any form an echo may give
    /// it (see [`echo_pattern`]). A secret whose pattern is too large to compile is
    /// still found in its exact forms.
    echoes: Vec<Regex>,
    /// No match is longer than this many bytes (for [`Redactor::excerpt`]).
    longest: usize,
}

enum Exact {
    Automaton(AhoCorasick),
    /// Only if the automaton cannot be built (it can for any realistic number of
    /// secrets): plain substring search, longest form first.
    Naive(Vec<String>),
}

/// Compiled size allowed for one secret's echo pattern (a long secret full of
/// punctuation has many forms per character).
const ECHO_PATTERN_LIMIT: usize = 32 << 20;

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
        let mut longest = patterns.iter().map(String::len).max().unwrap_or_default();
        let mut echoes = Vec::new();
        for secret in &self.secrets {
            let (pattern, bound) = echo_pattern(secret);
            if let Ok(regex) = RegexBuilder::new(&pattern)
                .size_limit(ECHO_PATTERN_LIMIT)
                .dfa_size_limit(ECHO_PATTERN_LIMIT)
                .build()
            {
                echoes.push(regex);
                longest = longest.max(bound);
            }
        }
        let exact = match AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&patterns)
        {
            Ok(automaton) => Exact::Automaton(automaton),
            Err(_) => Exact::Naive(patterns),
        };
        self.matcher = Some(Arc::new(Matcher {
            exact,
            echoes,
            longest,
        }));
    }

    /// Where the forms of the secrets occur in `text`: sorted, disjoint byte ranges
    /// (overlapping and adjacent matches merged).
    fn spans(&self, text: &str) -> Vec<(usize, usize)> {
        let Some(matcher) = &self.matcher else {
            return Vec::new();
        };
        let mut spans: Vec<(usize, usize)> = match &matcher.exact {
            Exact::Automaton(automaton) => automaton
                .find_overlapping_iter(text)
                .map(|m| (m.start(), m.end()))
                .collect(),
            Exact::Naive(patterns) => patterns
                .iter()
                .flat_map(|p| {
                    text.match_indices(p.as_str())
                        .map(|(i, m)| (i, i + m.len()))
                })
                .collect(),
        };
        for regex in &matcher.echoes {
            // Overlapping occurrences too: search again one character after each start.
            let mut at = 0;
            while let Some(found) = regex.find_at(text, at) {
                if found.end() > found.start() {
                    spans.push((found.start(), found.end()));
                }
                at = found.start()
                    + text[found.start()..]
                        .chars()
                        .next()
                        .map_or(1, char::len_utf8);
                if at > text.len() {
                    break;
                }
            }
        }
        if spans.is_empty() {
            return spans;
        }
        spans.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(spans.len());
        for (start, end) in spans {
            match merged.last_mut() {
                Some(last) if start <= last.1 => last.1 = last.1.max(end),
                _ => merged.push((start, end)),
            }
        }
        merged
    }

    /// `text` with every form of every secret replaced by `***`.
    pub fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let spans = self.spans(text);
        if spans.is_empty() {
            return Cow::Borrowed(text);
        }
        Cow::Owned(apply(text, &spans).0)
    }

    /// At most `max_bytes` of `text`, redacted: redaction comes first, so a secret
    /// straddling the cut is masked whole, and the cut never falls inside a mask or a
    /// character. Only as much of `text` is scanned as the excerpt needs.
    pub fn excerpt(&self, text: &str, max_bytes: usize) -> String {
        let longest = self.matcher.as_ref().map_or(0, |m| m.longest);
        let mut window = max_bytes.saturating_add(longest).saturating_add(1);
        loop {
            let end = floor_char_boundary(text, window.min(text.len()));
            let scanned = &text[..end];
            let spans = self.spans(scanned);
            let (redacted, masks) = apply(scanned, &spans);
            // A match that starts before `end - longest` lies wholly inside `scanned`,
            // so the output up to that raw position is final.
            let settled_raw = if end == text.len() {
                end
            } else {
                end.saturating_sub(longest)
            };
            let settled = output_position(settled_raw, &spans);
            if settled >= max_bytes || end == text.len() || window >= text.len() {
                let mut cut = max_bytes.min(settled).min(redacted.len());
                if let Some(&(mask_start, _)) =
                    masks.iter().find(|(start, end)| *start < cut && cut < *end)
                {
                    cut = mask_start;
                }
                cut = floor_char_boundary(&redacted, cut);
                let mut out = redacted;
                out.truncate(cut);
                return out;
            }
            window = window.saturating_mul(2);
        }
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

/// `text` with each span replaced by one mask, and where each mask sits in the output.
fn apply(text: &str, spans: &[(usize, usize)]) -> (String, Vec<(usize, usize)>) {
    let mut out = String::with_capacity(text.len());
    let mut masks = Vec::with_capacity(spans.len());
    let mut cursor = 0;
    for &(start, end) in spans {
        out.push_str(&text[cursor..start]);
        masks.push((out.len(), out.len() + MASK.len()));
        out.push_str(MASK);
        cursor = end;
    }
    out.push_str(&text[cursor..]);
    (out, masks)
}

/// Where raw position `raw` lands in the redacted output; a position inside a span
/// lands at the start of its mask.
fn output_position(raw: usize, spans: &[(usize, usize)]) -> usize {
    let mut shift: isize = 0;
    for &(start, end) in spans {
        if raw <= start {
            break;
        }
        if raw < end {
            return (start as isize + shift) as usize;
        }
        shift += MASK.len() as isize - (end - start) as isize;
    }
    (raw as isize + shift) as usize
}

/// The largest char boundary of `text` at or before `index`.
fn floor_char_boundary(text: &str, index: usize) -> usize {
    let mut index = index.min(text.len());
    while !text.is_char_boundary(index) {
        index -= 1;
    }
    index
}

/// A case-insensitive pattern matching `secret` echoed with each character in any of
/// the forms a service may write it in, and an upper bound on the length of a match.
///
/// ASCII letters and digits are never escaped, so they stand for themselves (in either
/// case: hosts are lower-cased); every other character may also come percent-encoded,
/// JSON- or JavaScript-escaped, as an HTML character reference, or one of those under
/// another (see [`char_forms`]).
fn echo_pattern(secret: &str) -> (String, usize) {
    let mut pattern = String::from("(?i)");
    let mut longest = 0;
    for c in secret.chars() {
        let forms = char_forms(c);
        longest += forms.iter().map(String::len).max().unwrap_or_default();
        if forms.len() == 1 {
            pattern.push_str(&regex::escape(&forms[0]));
        } else {
            pattern.push_str("(?:");
            for (i, form) in forms.iter().enumerate() {
                if i > 0 {
                    pattern.push('|');
                }
                pattern.push_str(&regex::escape(form));
            }
            pattern.push(')');
        }
    }
    (pattern, longest)
}

/// The forms one character may take in an echo: itself; percent-encoded (UTF-8);
/// `+` for a space; JSON's short escapes and `\uXXXX` (UTF-16); JavaScript's `\xXX`;
/// HTML's named, decimal (also PHP's zero-padded `&#039;`) and hex references; and
/// each of those escaped once more by JSON or HTML. Longest first, so that the
/// leftmost match is the whole escape.
fn char_forms(c: char) -> Vec<String> {
    let mut forms = vec![c.to_string()];
    if c.is_ascii_alphanumeric() {
        return forms;
    }
    let mut utf8 = [0u8; 4];
    forms.push(
        c.encode_utf8(&mut utf8)
            .bytes()
            .map(|b| format!("%{b:02X}"))
            .collect(),
    );
    if c == ' ' {
        forms.push("+".into());
    }
    forms.extend(json_char_forms(c));
    forms.extend(html_char_forms(c));
    // One escaping over another: each form so far escaped again as a JSON string
    // (Go style, so `&` is `\u0026`) or as HTML text.
    let once: Vec<String> = forms.clone();
    for form in &once {
        for again in [json_again as fn(char) -> Option<String>, html_again] {
            if form.chars().any(|d| again(d).is_some()) {
                forms.push(
                    form.chars()
                        .map(|d| again(d).unwrap_or_else(|| d.to_string()))
                        .collect(),
                );
            }
        }
    }
    forms.retain(|form| !form.is_empty());
    forms.sort_by(|a, b| b.len().cmp(&a.len()).then_with(|| a.cmp(b)));
    forms.dedup_by(|a, b| a.eq_ignore_ascii_case(b));
    forms
}

/// How a JSON encoder that escapes HTML characters (Go's) writes `c` in a string.
fn json_again(c: char) -> Option<String> {
    match c {
        '"' => Some("\\\"".into()),
        '\\' => Some("\\\\".into()),
        '&' | '<' | '>' | '\'' => Some(format!("\\u{:04x}", c as u32)),
        _ => None,
    }
}

/// How an HTML escaper writes `c` in text or an attribute.
fn html_again(c: char) -> Option<String> {
    match c {
        '&' => Some("&amp;".into()),
        '<' => Some("&lt;".into()),
        '>' => Some("&gt;".into()),
        '"' => Some("&quot;".into()),
        '\'' => Some("&#39;".into()),
        _ => None,
    }
}

/// JSON and JavaScript escapes of `c` (the `\uXXXX` form last).
fn json_char_forms(c: char) -> Vec<String> {
    let mut forms = Vec::new();
    let short = match c {
        '"' => Some("\\\""),
        '\\' => Some("\\\\"),
        '/' => Some("\\/"),
        '\n' => Some("\\n"),
        '\r' => Some("\\r"),
        '\t' => Some("\\t"),
        '\u{8}' => Some("\\b"),
        '\u{c}' => Some("\\f"),
        '\'' => Some("\\'"),
        _ => None,
    };
    forms.extend(short.map(str::to_string));
    if (c as u32) < 0x100 {
        forms.push(format!("\\x{:02x}", c as u32));
    }
    let mut units = [0u16; 2];
    forms.push(
        c.encode_utf16(&mut units)
            .iter()
            .map(|unit| format!("\\u{unit:04x}"))
            .collect(),
    );
    forms
}

/// HTML character references for `c` (the named one first, when there is one).
fn html_char_forms(c: char) -> Vec<String> {
    let mut forms = Vec::new();
    let named = match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        '"' => Some("&quot;"),
        '\'' => Some("&apos;"),
        '\u{a0}' => Some("&nbsp;"),
        _ => None,
    };
    forms.extend(named.map(str::to_string));
    let code = c as u32;
    forms.push(format!("&#{code};"));
    forms.push(format!("&#{code:03};"));
    forms.push(format!("&#x{code:x};"));
    forms.push(format!("&#x{code:04x};"));
    forms
}

/// Every form of `secret` that is searched for exactly.
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
    fn escaped_echoes_are_masked() {
        let secret = "p&ss<w>rd+\"x'/é";
        let red = r(&[secret]);
        for echo in [
            // Go's encoding/json (HTML-safe escapes, lower-case hex).
            r#"p\u0026ss\u003cw\u003erd+\"x\u0027/é"#,
            // .NET's System.Text.Json (upper-case hex, + and non-ASCII escaped).
            r#"p\u0026ss\u003Cw\u003Erd\u002B\u0022x\u0027/\u00E9"#,
            // PHP's json_encode.
            r#"p&ss<w>rd+\"x'\/\u00e9"#,
            // HTML escaping, as templates write it.
            "p&amp;ss&lt;w&gt;rd+&quot;x&#39;/é",
            "p&amp;ss&lt;w&gt;rd+&#34;x&#039;/&#xE9;",
            // URL-encoded, either hex case, and a mixture.
            "p%26ss%3Cw%3Erd%2B%22x%27%2F%C3%A9",
            "p%26ss%3cw%3erd%2b%22x%27%2f%c3%a9",
            "p&ss%3Cw>rd%2B\"x'/%C3%A9",
            // HTML over Go's JSON, and Go's JSON over HTML.
            r#"p\u0026ss\u003cw\u003erd+\&quot;x\u0027/é"#,
            r#"p\u0026amp;ss\u0026lt;w\u0026gt;rd+\u0026quot;x\u0026#39;/é"#,
        ] {
            let text = format!("«{echo}»");
            assert_eq!(red.redact(&text), "«***»", "{echo}");
        }
    }

    #[test]
    fn a_secret_in_a_host_name_is_masked_lower_cased() {
        let red = r(&["TenantSecret42"]);
        assert_eq!(
            red.redact("https://tenantsecret42.example.go.id/api"),
            "https://***.example.go.id/api"
        );
    }

    #[test]
    fn excerpts_are_cut_after_redaction() {
        let secret = "S3CRET-straddling-the-cut";
        let red = r(&[secret]);
        for offset in 2030..2050 {
            let text = format!("{}{secret} and more text after it", ".".repeat(offset));
            let excerpt = red.excerpt(&text, 2048);
            assert!(excerpt.len() <= 2048, "{offset}");
            let rest = excerpt.trim_start_matches('.');
            assert!(
                rest.is_empty() || rest.starts_with(MASK),
                "{offset}: the excerpt ends with {rest:?}"
            );
            assert!(!rest.starts_with('*') || rest.starts_with(MASK), "{offset}");
        }
        // Secrets before the cut shrink the text: the excerpt still fills up to the
        // limit, and a secret just past the raw limit is masked, not cut.
        let text = format!("{}{secret}", format!("{secret} ").repeat(100));
        let excerpt = red.excerpt(&text, 100);
        assert!(excerpt.len() <= 100);
        assert!(!excerpt.contains('S'), "{excerpt}");
        assert!(excerpt.len() >= 96, "{excerpt}");
        // Never inside a character or a mask.
        let text = format!("é{secret}é");
        for max in 0..12 {
            let excerpt = red.excerpt(&text, max);
            assert!(
                matches!(excerpt.as_str(), "" | "é" | "é***" | "é***é"),
                "{max}: {excerpt}"
            );
        }
        assert_eq!(Redactor::default().excerpt("abcdef", 4), "abcd");
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

/// Random secrets through every encoding a service might echo them in: each echo,
/// between two characters no encoding produces, must become exactly one mask.
#[cfg(test)]
mod properties {
    use super::*;
    use proptest::prelude::*;

    const ALPHABET: &[char] = &[
        'a', 'b', 'Q', 'Z', '0', '7', ' ', '!', '"', '#', '$', '%', '&', '\'', '(', ')', '*', '+',
        ',', '-', '.', '/', ':', ';', '<', '=', '>', '?', '@', '[', '\\', ']', '^', '_', '`', '{',
        '|', '}', '~', '\t', '\n', 'é', 'ü', '漢', '😀',
    ];

    fn secrets() -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(ALPHABET), 6..32)
            .prop_map(|chars| chars.into_iter().collect())
    }

    fn percent(secret: &str, lower: bool) -> String {
        let encoded = utf8_percent_encode(secret, NON_ALPHANUMERIC).to_string();
        if lower {
            lowercase_percent_hex(&encoded)
        } else {
            encoded
        }
    }

    fn form(secret: &str) -> String {
        utf8_percent_encode(secret, FORM)
            .to_string()
            .replace("%20", "+")
    }

    fn json(secret: &str) -> String {
        let quoted = serde_json::to_string(secret).expect("a string serializes");
        quoted[1..quoted.len() - 1].to_string()
    }

    /// Go's encoding/json: HTML characters as `\u00XX`, lower-case hex.
    fn go_json(secret: &str) -> String {
        json(secret)
            .replace('&', "\\u0026")
            .replace('<', "\\u003c")
            .replace('>', "\\u003e")
    }

    /// .NET's default JavaScriptEncoder: anything but letters, digits and a few
    /// safe characters as `\uXXXX`, upper-case hex.
    fn dotnet_json(secret: &str) -> String {
        let mut out = String::new();
        for c in secret.chars() {
            if c.is_ascii_alphanumeric() || " -_.,:;!?()*/@#$%=[]{}|~^".contains(c) {
                out.push(c);
            } else {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04X}"));
                }
            }
        }
        out
    }

    /// PHP's json_encode: `\/`, non-ASCII as `\uXXXX`.
    fn php_json(secret: &str) -> String {
        json_escape(secret, true, true)
    }

    /// Python's html.escape.
    fn html(secret: &str) -> String {
        secret
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
            .replace('\'', "&#x27;")
    }

    /// Go's html/template in text.
    fn go_html(secret: &str) -> String {
        secret
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&#34;")
            .replace('\'', "&#39;")
    }

    fn echoes(secret: &str) -> Vec<(&'static str, String)> {
        vec![
            ("raw", secret.to_string()),
            ("host, lower-cased", secret.to_ascii_lowercase()),
            ("percent", percent(secret, false)),
            ("percent, lower-case hex", percent(secret, true)),
            (
                "WHATWG query",
                utf8_percent_encode(secret, URL_QUERY).to_string(),
            ),
            ("form", form(secret)),
            ("json", json(secret)),
            ("go json", go_json(secret)),
            (".net json", dotnet_json(secret)),
            ("php json", php_json(secret)),
            ("html", html(secret)),
            ("go html", go_html(secret)),
            ("html over go json", html(&go_json(secret))),
            ("go json over html", go_json(&html(secret))),
            ("json of json", json(&json(secret))),
            ("base64", STANDARD.encode(secret)),
            ("base64url", URL_SAFE_NO_PAD.encode(secret)),
        ]
    }

    proptest! {
        #[test]
        fn every_echo_becomes_one_mask(secret in secrets()) {
            let red = Redactor::new([secret.clone()]);
            for (name, echo) in echoes(&secret) {
                let text = format!("«{echo}»");
                prop_assert_eq!(red.redact(&text), "«***»", "{} of {:?}: {}", name, secret, echo);
            }
        }

        #[test]
        fn excerpts_keep_nothing_of_a_secret(
            secret in secrets(),
            before in 990usize..1030,
            which in 0usize..17,
        ) {
            let red = Redactor::new([secret.clone()]);
            let (name, echo) = echoes(&secret).swap_remove(which);
            let text = format!("{}{echo}{}", "·".repeat(before), "·".repeat(40));
            let excerpt = red.excerpt(&text, 2048);
            prop_assert!(excerpt.len() <= 2048);
            let rest = excerpt.replace(MASK, "");
            prop_assert!(
                rest.chars().all(|c| c == '·'),
                "{} of {:?} cut to {:?}", name, secret, excerpt
            );
        }
    }
}
