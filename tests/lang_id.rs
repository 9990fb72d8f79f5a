//! `--lang id` end to end: the demo, a hostile service and the bad-scenario
//! corpus, rendered in Indonesian, carry none of the tool's own English words
//! (terminal, errors, report.html, summary.md, junit.xml). What the service sent
//! (excerpts, headers, URLs) and what the user wrote (YAML keys, paths, source
//! lines) is theirs and not counted: code spans, `<code>`/`<pre>`, URLs, paths
//! and identifiers are removed before counting.
//!
//! The same renderings in English must show many of the words, or the list
//! would prove nothing.

use std::collections::BTreeMap;
use std::path::Path;

use sandbox::{Behaviour, BodyFault, ConnectionFault, RedirectLoop, Service};

use crate::support::{run_command, run_command_off_runtime, start_sandbox, text, ujilab_command};

/// The tool's own English words: what its messages, labels and evidence said in
/// English. Words Indonesian IT writing borrows as they are (header, cookie,
/// server, body, timeout, redirect, probe, status, online, form, link) are left
/// out: they are the right words in Indonesian too.
const ENGLISH_WORDS: &[&str] = &[
    "the",
    "and",
    "of",
    "with",
    "without",
    "not",
    "is",
    "are",
    "was",
    "were",
    "be",
    "has",
    "have",
    "for",
    "from",
    "by",
    "this",
    "that",
    "which",
    "when",
    "than",
    "only",
    "every",
    "each",
    "none",
    "missing",
    "found",
    "expected",
    "measured",
    "sample",
    "samples",
    "response",
    "responses",
    "request",
    "requests",
    "level",
    "levels",
    "rule",
    "rules",
    "threshold",
    "limit",
    "passed",
    "failed",
    "pass",
    "fail",
    "error",
    "errors",
    "warning",
    "scenario",
    "scenarios",
    "report",
    "reports",
    "written",
    "invalid",
    "unknown",
    "cannot",
    "should",
    "must",
    "did",
    "mean",
    "page",
    "pages",
    "capped",
    "lowest",
    "components",
    "available",
    "unavailable",
    "latency",
    "availability",
    "load",
    "certified",
    "verdict",
    "gate",
    "critical",
    "evidence",
    "fix",
    "why",
    "note",
    "notes",
    "probes",
    "seconds",
    "minutes",
    "served",
    "answered",
    "refused",
    "accepted",
    "oldest",
    "newest",
    "weeks",
    "days",
    "valid",
    "skipped",
    "stopped",
    "interrupted",
    "summary",
    "service",
    "services",
];

/// English words per rendering, with counts (word -> times seen).
type Found = BTreeMap<String, usize>;

/// The visible prose of `text`: code spans, `<code>`/`<pre>`/`<style>`
/// elements, tags, quoted values (what the service sent or the user wrote, which
/// ujilab always quotes), URLs, paths and identifiers removed.
fn prose(text: &str) -> String {
    let text = text.replace("&#34;", "\"").replace("&quot;", "\"");
    let mut visible = String::with_capacity(text.len());
    let mut rest = text.as_str();
    // Elements whose content is data or code, not the tool's words.
    while let Some(start) = ["<code", "<pre", "<style", "<kbd", "<samp", "<script"]
        .iter()
        .filter_map(|tag| rest.find(tag).map(|at| (at, *tag)))
        .min()
    {
        visible.push_str(&rest[..start.0]);
        let closing = format!("</{}>", &start.1[1..]);
        rest = match rest[start.0..].find(&closing) {
            Some(end) => &rest[start.0 + end + closing.len()..],
            None => "",
        };
    }
    visible.push_str(rest);
    // Tags, then HTML entities as spaces.
    let mut untagged = String::with_capacity(visible.len());
    let mut in_tag = false;
    for c in visible.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => {
                in_tag = false;
                untagged.push(' ');
            }
            _ if !in_tag => untagged.push(c),
            _ => {}
        }
    }
    // `code` spans and "quoted values" (escaped quotes inside are the value's).
    let unquoted = untagged.replace("\\\"", "");
    let mut out = String::with_capacity(unquoted.len());
    for (at, part) in unquoted.split('`').enumerate() {
        if at % 2 == 0 {
            for (at, part) in part.split('"').enumerate() {
                if at % 2 == 0 {
                    out.push_str(part);
                    out.push(' ');
                }
            }
        }
    }
    out.split_whitespace()
        .filter(|token| !is_data(token))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A URL, path, host, file name, key path, header name or identifier: written
/// by the user or sent by the service. Hyphenated tokens are identifiers
/// (`nik-tidak-valid`, `Content-Security-Policy-Report-Only`); Indonesian's own
/// hyphenated words (`undang-undang`) are not the tool's English anyway.
fn is_data(token: &str) -> bool {
    token.contains("://")
        || token.contains('-')
        || token.contains('/')
        || token.contains('\\')
        || token.contains('=')
        || token.contains('_')
        || token.contains('$')
        || token.contains('&')
        || token.chars().any(|c| c.is_ascii_digit())
        || token
            .trim_end_matches(['.', ',', ':', ';', ')'])
            .trim_start_matches('(')
            .contains(['.', ':'])
}

fn english_words(text: &str) -> Found {
    let mut found = Found::new();
    for word in prose(text)
        .split(|c: char| !c.is_alphanumeric() && c != '\'')
        .map(|word| word.trim_matches('\'').to_lowercase())
    {
        if ENGLISH_WORDS.contains(&word.as_str()) {
            *found.entry(word).or_default() += 1;
        }
    }
    found
}

/// Every rendering of a report folder plus the terminal output, by name.
fn renderings(out: &Path, terminal: &str) -> Vec<(String, String)> {
    let mut all = vec![("terminal".to_string(), terminal.to_string())];
    for name in ["report.html", "summary.md", "junit.xml"] {
        let path = out.join(name);
        if let Ok(content) = std::fs::read_to_string(&path) {
            all.push((name.to_string(), content));
        }
    }
    all
}

fn count(renderings: &[(String, String)]) -> BTreeMap<String, Found> {
    renderings
        .iter()
        .map(|(name, content)| (name.clone(), english_words(content)))
        .collect()
}

fn total(counts: &BTreeMap<String, Found>) -> usize {
    counts.values().flat_map(|found| found.values()).sum()
}

/// Fails with every English word and where it was, when there is one.
fn assert_no_english(what: &str, counts: &BTreeMap<String, Found>) {
    let offending: BTreeMap<&String, &Found> = counts
        .iter()
        .filter(|(_, found)| !found.is_empty())
        .collect();
    assert!(
        offending.is_empty(),
        "{what} in Indonesian still says English words: {offending:#?}"
    );
}

/// Up to `limit` stretches of prose around the English words in `text`, to
/// show where they are when a test fails.
fn contexts(text: &str, limit: usize) -> Vec<String> {
    let prose = prose(text);
    let words: Vec<&str> = prose.split_whitespace().collect();
    words
        .iter()
        .enumerate()
        .filter(|(_, word)| !english_words(word).is_empty())
        .take(limit)
        .map(|(at, _)| words[at.saturating_sub(6)..(at + 6).min(words.len())].join(" "))
        .collect()
}

fn demo(lang: &str) -> (BTreeMap<String, Found>, usize) {
    let out = tempfile::tempdir().expect("temp dir");
    let output = run_command(
        ujilab_command()
            .args(["demo", "--no-progress", "--lang", lang, "--out"])
            .arg(out.path())
            .env_remove("UJILAB_LANG"),
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let terminal = format!("{}\n{}", text(&output.stdout), text(&output.stderr));
    let all = renderings(out.path(), &terminal);
    if lang == "id" {
        for (name, content) in &all {
            for context in contexts(content, 5) {
                eprintln!("{name}: ... {context} ...");
            }
        }
    }
    let counts = count(&all);
    let total = total(&counts);
    (counts, total)
}

#[test]
fn the_demo_in_indonesian_says_no_english_word() {
    let (id, id_total) = demo("id");
    let (_, en_total) = demo("en");
    eprintln!("tool's English words in the demo: id {id_total}, en {en_total}");
    assert!(en_total > 200, "the word list finds English: {en_total}");
    assert_no_english("the demo", &id);
}

#[test]
fn the_bad_scenario_corpus_in_indonesian_says_no_english_word() {
    let validate = |lang: &str| {
        let output = run_command(
            ujilab_command()
                .args(["validate", "--lang", lang, "tests/bad"])
                .env_remove("UJILAB_LANG"),
        );
        assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
        // The source lines under each problem are the user's YAML.
        let stderr = text(&output.stderr);
        let messages: String = stderr
            .lines()
            .filter(|line| !line.trim_start().starts_with("-->"))
            .filter(|line| {
                let trimmed = line.trim_start();
                !trimmed
                    .trim_start_matches(|c: char| c.is_ascii_digit())
                    .trim_start()
                    .starts_with('|')
            })
            .collect::<Vec<_>>()
            .join("\n");
        count(&[
            ("validate stderr".to_string(), messages),
            ("validate stdout".to_string(), text(&output.stdout)),
        ])
    };
    let id = validate("id");
    let en = validate("en");
    eprintln!(
        "tool's English words in the bad corpus: id {}, en {}",
        total(&id),
        total(&en)
    );
    assert!(
        total(&en) > 200,
        "the word list finds English: {}",
        total(&en)
    );
    assert_no_english("validate tests/bad", &id);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_hostile_service_in_indonesian_says_no_english_word() {
    let sandbox = start_sandbox().await;
    sandbox.set_behaviour(
        Service::Dukcapil,
        Behaviour::new().with_connection(ConnectionFault::Reset),
    );
    sandbox.set_behaviour(
        Service::Perizinan,
        Behaviour::new().with_body(BodyFault::Endless),
    );
    sandbox.set_behaviour(
        Service::Pengaduan,
        Behaviour::new().with_redirect_loop(RedirectLoop::BetweenTwoPaths),
    );
    let dir = tempfile::tempdir().expect("temp dir");
    let scenario = dir.path().join("hostile.yaml");
    std::fs::write(
        &scenario,
        r#"
version: 1
service:
  id: layanan-bermasalah
  name: Layanan yang bermasalah
  base_url: https://dukcapil.contohkab.go.id:${env:UJILAB_SANDBOX_HTTPS_PORT}
defaults:
  resolve:
    dukcapil.contohkab.go.id: 127.0.0.1
    perizinan.contohkab.go.id: 127.0.0.1
    pengaduan.contohkab.go.id: 127.0.0.1
  tls: { ca_file: "${env:UJILAB_SANDBOX_CA}" }
  timeout: 2s
  max_body: 1MiB
probes:
  - id: putus
    request: { path: /health }
    expect: { status: 200 }
  - id: tanpa-akhir
    request: { url: "https://perizinan.contohkab.go.id:${env:UJILAB_SANDBOX_HTTPS_PORT}/" }
    expect: { status: 200 }
  - id: berputar
    request: { url: "http://pengaduan.contohkab.go.id:${env:UJILAB_SANDBOX_HTTP_PORT}/" }
    expect: { status: 200 }
standards:
  profile: idsll-core
"#,
    )
    .expect("write the scenario");
    let run = |lang: &'static str| {
        let out = dir.path().join(format!("out-{lang}"));
        let mut command = ujilab_command();
        command
            .args(["run", "--no-progress", "--no-load", "--lang", lang, "--out"])
            .arg(&out)
            .arg(&scenario)
            .env_remove("UJILAB_LANG");
        for (name, value) in sandbox.env() {
            command.env(name, value);
        }
        (command, out)
    };
    let mut counts = BTreeMap::new();
    for lang in ["id", "en"] {
        let (command, out) = run(lang);
        let output = run_command_off_runtime(command).await;
        // Every probe fails: the gate fails, nothing crashed.
        assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
        let terminal = format!("{}\n{}", text(&output.stdout), text(&output.stderr));
        let all = renderings(&out, &terminal);
        if lang == "id" {
            for (name, content) in &all {
                for context in contexts(content, 5) {
                    eprintln!("{name}: ... {context} ...");
                }
            }
        }
        counts.insert(lang, count(&all));
    }
    sandbox.clear_knobs();
    sandbox.shutdown().await;
    eprintln!(
        "tool's English words for the hostile service: id {}, en {}",
        total(&counts["id"]),
        total(&counts["en"])
    );
    assert!(total(&counts["en"]) > 100, "the word list finds English");
    assert_no_english("the hostile service", &counts["id"]);
}

#[test]
fn prose_drops_code_urls_and_identifiers() {
    let html = "<p>Tidak ada <code>the header</code> di https://x.go.id/the \
                `missing` probe_id 3.84 ms &#34;Not Found&#34; nik-tidak-valid</p>\
                <style>.the{}</style> the";
    assert_eq!(prose(html), "Tidak ada di ms the");
    assert_eq!(
        prose(r#"didapat "a \"quoted\" value" lalu"#),
        "didapat lalu"
    );
    assert_eq!(english_words(html).get("the"), Some(&1));
}
