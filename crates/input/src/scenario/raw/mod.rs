//! The raw layer: a serde mirror of the YAML a user writes, with source positions.
//!
//! Fixed structure is typed here (`deny_unknown_fields`, so a misspelled key is a
//! parse error with a position); values whose shape varies by design (matchers,
//! JSON bodies, header maps, captures) are kept as `Node` trees, each node with
//! its position, and given meaning in `validate`. The YAML library sits behind
//! [`parse`] alone.
//!
//! `node` holds the free-shape `Node`, `scenario` the typed mirror of a scenario
//! file, `error` how the library's errors are described to the user.

mod error;
mod node;
mod scenario;

use serde::de::DeserializeOwned;

pub use error::ParseError;
pub(crate) use node::Node;
pub(crate) use scenario::{RawAuth, RawOAuth2};
pub(crate) use scenario::{
    RawAvailability, RawDefaults, RawExpect, RawLoad, RawPages, RawProbe, RawProbesFrom,
    RawRequest, RawRetry, RawScenario, RawService, RawStandards, RawThreshold, RawTls, RawWaiver,
    RawWatch, TopLevelKeys,
};
pub(crate) use serde_saphyr::Spanned;

/// A position in a source file, 1-based; 0 when unknown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Position {
    pub(crate) line: u64,
    pub(crate) column: u64,
    /// Byte range of the node in the source, when the parser knows it.
    pub(crate) bytes: Option<(usize, usize)>,
}

impl Position {
    pub(crate) fn of<T>(spanned: &Spanned<T>) -> Self {
        Self::from_location(&spanned.referenced)
    }

    pub(super) fn from_location(location: &serde_saphyr::Location) -> Self {
        let span = location.span();
        let bytes = match (span.byte_offset(), span.byte_len()) {
            (Some(offset), Some(len)) => Some((offset as usize, (offset + len) as usize)),
            _ => None,
        };
        Self {
            line: location.line(),
            column: location.column(),
            bytes,
        }
    }
}

/// Parses YAML text into `T`, the one place the YAML library is called.
///
/// YAML 1.2's core schema: only `true` and `false` (in any case) are booleans, so
/// `y`, `n`, `yes`, `no`, `on` and `off` stay text. Duplicate keys are errors,
/// written alike or read alike (`True` and `true`); alias expansion is budgeted
/// by the library, so a "billion laughs" file fails fast instead of exhausting
/// memory.
#[allow(clippy::result_large_err)] // called once or twice per file
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, ParseError> {
    // Most files are valid: parse without path tracking first (it costs about a
    // third of the parse), and again with it only to describe an error.
    if let Ok(value) = serde_saphyr::from_str_with_options(text, options()) {
        return Ok(value);
    }
    let mut path = None;
    let result =
        serde_saphyr::with_deserializer_from_str_with_options(text, options(), |deserializer| {
            serde_path_to_error::deserialize(deserializer).map_err(|error| {
                // `Spanned` wraps each value in a struct whose field is `value`; a map
                // key serde cannot name (inside a `Node` map) shows as `?`.
                let at = error
                    .path()
                    .to_string()
                    .replace(".value", "")
                    .replace(".?", "");
                if at != "." && at != "?" && !at.is_empty() {
                    path = Some(at);
                }
                error.into_inner()
            })
        });
    result.map_err(|error| error::describe(&error, path, text))
}

/// How every file is read (see [`parse`]). The budget is the library's, made
/// tighter where a scenario or catalogue never comes near it (the built-in
/// catalogue has a few thousand values): a file whose aliases multiply each
/// other stops after 100,000 values, not 250,000, and 8 MiB of text (the file
/// itself is at most 4 MiB, see [`crate::file::INPUT_FILE_LIMIT`]).
fn options() -> serde_saphyr::Options {
    serde_saphyr::options! {
        strict_booleans: true,
        budget: serde_saphyr::budget! {
            max_nodes: 100_000,
            max_total_scalar_bytes: 8 << 20,
        },
    }
}

/// The candidate within edit distance 2 of `word`, for "did you mean".
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<String> {
    candidates
        .into_iter()
        .map(|candidate| (strsim::levenshtein(word, candidate), candidate))
        .filter(|(distance, _)| *distance <= 2)
        .min_by_key(|(distance, _)| *distance)
        .map(|(_, candidate)| candidate.to_string())
}

#[cfg(test)]
mod tests {
    use serde::Deserialize;

    use super::*;

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Small {
        timeout: Spanned<String>,
        extra: Option<Spanned<Node>>,
    }

    #[test]
    fn unknown_key_has_position_and_suggestion() {
        let error = parse::<Small>("timeout: 1s\ntiemout: 2s\n").unwrap_err();
        assert_eq!(error.position.line, 2);
        assert_eq!(error.suggestion.as_deref(), Some("timeout"));
    }

    #[test]
    fn duplicate_key_is_an_error() {
        let error = parse::<Small>("timeout: 1s\ntimeout: 2s\n").unwrap_err();
        assert!(error.message.en.contains("duplicate key"), "{error:?}");
        assert!(error.message.id.contains("ditulis dua kali"), "{error:?}");
        assert_eq!(error.position.line, 2);
    }

    #[test]
    fn nodes_keep_positions() {
        let small: Small = parse("timeout: 1s\nextra:\n  a: [1, \"x\"]\n").unwrap();
        let extra = small.extra.unwrap();
        let Node::Map(entries) = &extra.value else {
            panic!("not a map")
        };
        let Node::Seq(items) = &entries[0].1.value else {
            panic!("not a list")
        };
        assert_eq!(items[0].value, Node::Int(1));
        assert_eq!(items[1].value, Node::Str("x".into()));
        assert_eq!(Position::of(&items[1]).line, 3);
        assert_eq!(Position::of(&small.timeout).column, 10);
    }

    #[test]
    fn type_error_has_a_path() {
        let error = parse::<Small>("timeout: [1]\n").unwrap_err();
        assert_eq!(error.position.line, 1);
        assert_eq!(error.path.as_deref(), Some("timeout"));
    }

    #[derive(Debug, Deserialize)]
    struct Counted {
        #[allow(dead_code)]
        count: Spanned<u32>,
    }

    #[test]
    fn type_error_says_what_was_found() {
        let error = parse::<Counted>("count: lima # a comment\n").unwrap_err();
        assert_eq!(
            error.message.en,
            "expected a whole number (0 or more), found `lima`"
        );
        assert_eq!(
            error.message.id,
            "seharusnya bilangan bulat (0 atau lebih), ditemukan `lima`"
        );
        let error = parse::<Small>("timeout:\n  - 1s\n").unwrap_err();
        assert!(error.message.en.contains("found a list"), "{error:?}");
        assert!(error.message.id.contains("ditemukan daftar"), "{error:?}");
    }

    #[test]
    fn an_unclosed_bracket_is_shown_where_it_opens() {
        let text = "a: |\n  { not yaml\nb: \"{ quoted\"\nc: [1, {x: 2}]\nd: {e: 1\nf: 2\n";
        let error = parse::<Spanned<Node>>(text).unwrap_err();
        assert_eq!(
            (error.position.line, error.position.column),
            (5, 4),
            "{error:?}"
        );
        let help = error.help.expect("a hint");
        assert!(help.en.contains("not closed"), "{help:?}");
        assert!(help.id.contains("tidak ditutup"), "{help:?}");
    }

    /// The keys of a parsed map, as JSON text of each key node.
    fn keys(text: &str) -> Vec<Node> {
        let small: Small = parse(text).unwrap_or_else(|error| panic!("{error:?}"));
        let Some(Node::Map(entries)) = small.extra.map(|extra| extra.value) else {
            panic!("not a map")
        };
        entries.into_iter().map(|(key, _)| key.value).collect()
    }

    #[test]
    fn only_true_and_false_are_booleans() {
        let keys = keys(
            "timeout: 1s\nextra: { y: 1, n: 3, yes: 1, no: 6, On: 2, OFF: 0, True: 1, false: 0 }\n",
        );
        let strings: Vec<Node> = ["y", "n", "yes", "no", "On", "OFF"]
            .into_iter()
            .map(|key| Node::Str(key.into()))
            .collect();
        assert_eq!(keys[..6], strings[..]);
        assert_eq!(keys[6..], [Node::Bool(true), Node::Bool(false)]);
        let small: Small = parse("timeout: 1s\nextra: [no, off, TRUE]\n").unwrap();
        let Some(Node::Seq(items)) = small.extra.map(|extra| extra.value) else {
            panic!("not a list")
        };
        let values: Vec<Node> = items.into_iter().map(|item| item.value).collect();
        assert_eq!(
            values,
            [
                Node::Str("no".into()),
                Node::Str("off".into()),
                Node::Bool(true)
            ]
        );
    }

    #[derive(Debug, Deserialize)]
    struct Flag {
        #[allow(dead_code)]
        flag: Spanned<bool>,
    }

    #[test]
    fn a_yes_where_a_boolean_is_expected_is_an_error() {
        let error = parse::<Flag>("flag: yes\n").unwrap_err();
        assert_eq!(error.message.en, "expected true or false, found `yes`");
        assert_eq!(
            error.message.id,
            "seharusnya true atau false, ditemukan `yes`"
        );
        assert_eq!((error.position.line, error.position.column), (1, 7));
        assert!(parse::<Flag>("flag: True\n").is_ok());
    }

    #[test]
    fn keys_that_read_alike_are_duplicates_at_the_second_key() {
        for (text, read) in [
            ("extra:\n  True: 1\n  true: 2\n", "key `true`"),
            ("extra:\n  1: a\n  \"1\": b\n", "key `1`"),
            ("extra:\n  1.0: a\n  1: b\n", "key `1`"),
            ("extra:\n  ~: a\n  \"\": b\n", "the empty key"),
        ] {
            let error = parse::<Small>(&format!("timeout: 1s\n{text}")).unwrap_err();
            assert!(
                error.message.en.contains(read)
                    && error
                        .message
                        .en
                        .contains("the key on line 3 reads the same")
                    && error.message.id.contains("kunci pada baris 3 terbaca sama"),
                "{text:?}: {error:?}"
            );
            assert_eq!(
                (error.position.line, error.position.column),
                (4, 3),
                "{text:?}: {error:?}"
            );
            let help = error.help.expect("a hint");
            assert!(help.en.contains("keep one") && help.id.contains("pertahankan salah satunya"));
        }
        // Keys that differ once read are fine, in flow maps as well.
        assert_eq!(keys("timeout: 1s\nextra: { n: 3, no: 6 }\n").len(), 2);
    }

    #[test]
    fn an_interpolation_in_a_flow_map_is_shown_with_quotes() {
        let error =
            parse::<Spanned<Node>>("defaults:\n  tls: { ca_file: ${env:CA}, insecure: false }\n")
                .unwrap_err();
        assert_eq!(
            (error.position.line, error.position.column),
            (2, 19),
            "{error:?}"
        );
        assert!(
            error
                .help
                .is_some_and(|help| help.en.contains("must be quoted: write \"${env:CA}\"")),
        );
        let error = parse::<Spanned<Node>>("probes: [${first}]\n").unwrap_err();
        assert_eq!((error.position.line, error.position.column), (1, 10));
    }
}
