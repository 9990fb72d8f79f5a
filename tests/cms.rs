//! The regency portal of the sandbox (`www.contohkab.go.id`, built like a
//! WordPress site) run through the pipeline: every rule's outcome must match the
//! portal column of `tests/expected/sandbox-outcomes.md`, and each point of
//! issue 19 is checked on what the run saw: the page judged and not the
//! template (TR-01), versions wherever they are disclosed (SC-07), the login's
//! cookies (SC-08 and the repeated Set-Cookie header), the CMS findings (SC-10,
//! SC-11) and fair denominators (AX-04). Also the village site on desa.id (TR-04).

use std::collections::BTreeMap;

use crate::support::{load_against_sandbox, run_with_defaults, start_sandbox};

use judge::standards::{RuleStatus, Score, evaluate};
use observe::observations::{Observations, PageRole};

const TABLE: &str = include_str!("expected/sandbox-outcomes.md");
const PORTAL: &str = include_str!("../scenarios/demo/portal.yaml");

/// The trimmed cells of one Markdown table row.
fn cells(line: &str) -> Vec<&str> {
    line.trim()
        .trim_matches('|')
        .split('|')
        .map(str::trim)
        .collect()
}

/// `rule -> portal cell` from the rule table (the portal is the fourth service
/// column), and the portal's `(index, predicate)` from the summary table.
fn expected() -> (BTreeMap<String, String>, Option<(String, String)>) {
    let mut rules = BTreeMap::new();
    let mut summary = None;
    for line in TABLE
        .lines()
        .filter(|line| line.trim_start().starts_with('|'))
    {
        let row = cells(line);
        match row.as_slice() {
            ["portal", index, predicate, ..] => {
                summary = Some((index.to_string(), predicate.to_string()));
            }
            [code, _, _, _, portal, _why, ..]
                if code.len() == 5 && code.as_bytes()[2] == b'-' && *code != "rule" =>
            {
                rules.insert(code.to_string(), portal.to_string());
            }
            _ => {}
        }
    }
    (rules, summary)
}

fn shown(status: RuleStatus) -> String {
    match status {
        RuleStatus::Level(level) => level.to_string(),
        RuleStatus::Waived => "waived".into(),
        RuleStatus::NotApplicable => "n/a".into(),
        RuleStatus::Inconclusive => "inconclusive".into(),
    }
}

async fn run_portal() -> (Observations, Score) {
    let sandbox = start_sandbox().await;
    let scenario = load_against_sandbox(&sandbox, "scenarios/demo/portal.yaml", PORTAL);
    let observations = run_with_defaults(&scenario).await;
    sandbox.shutdown().await;
    let Some(standards) = &scenario.standards else {
        panic!("the portal scenario has no standards section")
    };
    let score = evaluate(&scenario, &observations, &standards.catalogue);
    (observations, score)
}

fn rule<'s>(score: &'s Score, code: &str) -> &'s judge::standards::RuleResult {
    score
        .rules
        .iter()
        .find(|rule| rule.code == code)
        .unwrap_or_else(|| panic!("no rule {code}"))
}

/// Every note of a rule, in English, one per line.
fn notes(score: &Score, code: &str) -> String {
    let evidence = &rule(score, code).measured.evidence;
    let mut text = evidence
        .measured
        .as_ref()
        .map(|m| m.en.clone())
        .unwrap_or_default();
    for note in &evidence.notes {
        text.push('\n');
        text.push_str(&note.en);
    }
    if let Some(excerpt) = &evidence.excerpt {
        text.push('\n');
        text.push_str(excerpt);
    }
    text
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_portal_scores_as_the_table_says() {
    let (observations, score) = run_portal().await;
    let (table, summary) = expected();
    let mut report = String::new();
    let mut mismatches = Vec::new();
    for rule in &score.rules {
        let got = shown(rule.status);
        let evidence = &rule.measured.evidence;
        report.push_str(&format!(
            "  {} {:>12}  {}  {}\n",
            rule.code,
            got,
            evidence
                .measured
                .as_ref()
                .map(|m| m.en.as_str())
                .unwrap_or_default(),
            evidence
                .notes
                .iter()
                .map(|note| note.en.as_str())
                .collect::<Vec<_>>()
                .join(" | ")
        ));
        match table.get(&rule.code) {
            Some(cell) if *cell == got => {}
            Some(cell) => mismatches.push(format!(
                "portal {}: table says {cell}, measured {got}",
                rule.code
            )),
            None => mismatches.push(format!("{} has no portal cell", rule.code)),
        }
    }
    let got = (
        score
            .index
            .map(|index| format!("{index:.2}"))
            .unwrap_or_default(),
        score
            .predicate
            .as_ref()
            .map(|p| p.id.clone())
            .unwrap_or_else(|| "—".to_string()),
    );
    if summary.as_ref() != Some(&got) {
        mismatches.push(format!("portal: table says {summary:?}, measured {got:?}"));
    }
    assert!(
        mismatches.is_empty(),
        "{}\nindex {:?} verdict {:?} reasons {:?}\n{report}",
        mismatches.join("\n"),
        score.index,
        score.verdict,
        score.reasons
    );
    assert_eq!(table.len(), score.rules.len(), "one portal cell per rule");

    // TR-01 reads the page, not the theme: the footer's "Pameran Produk UMKM"
    // does not stand in for the missing Produk Pelayanan.
    let tr01 = notes(&score, "TR-01");
    assert!(
        tr01.contains("Produk pelayanan"),
        "TR-01 names the missing component:\n{tr01}"
    );

    // SC-07: the headers are clean, the version is everywhere else.
    let sc07 = notes(&score, "SC-07");
    for place in ["WordPress 6.1.9", "ver=6.1.9", "/readme.html", "/feed/"] {
        assert!(sc07.contains(place), "{place} in SC-07's evidence:\n{sc07}");
    }

    // SC-10, SC-11: ujilab's own requests, once each.
    let own = |role: PageRole| {
        observations
            .pages
            .iter()
            .filter(|page| page.role == role)
            .collect::<Vec<_>>()
    };
    for role in [PageRole::CmsUsers, PageRole::CmsAuthor, PageRole::CmsXmlrpc] {
        assert_eq!(own(role).len(), 1, "{role:?} asked once");
    }
    let author = &own(PageRole::CmsAuthor)[0].exchange;
    assert_eq!(author.redirects.len(), 1, "one hop followed");
    assert!(
        author.final_url.ends_with("/author/admin-contohkab/"),
        "{}",
        author.final_url
    );
    let sc10 = notes(&score, "SC-10");
    assert!(
        sc10.contains("admin-contohkab") && sc10.contains("redaksi-humas"),
        "{sc10}"
    );
    let sc11 = notes(&score, "SC-11");
    assert!(sc11.contains("system.multicall"), "{sc11}");
    // Their Indonesian evidence is Indonesian (login names and URLs are data).
    for code in ["SC-10", "SC-11"] {
        let evidence = &rule(&score, code).measured.evidence;
        for text in evidence.measured.iter().chain(&evidence.notes) {
            let english = judge::standards::say::english_words(&text.id);
            assert!(english.is_empty(), "{code}: {english:?} in {}", text.id);
        }
    }

    // AX-04: the site-wide search box counts once, the modal's fields count.
    let ax04 = notes(&score, "AX-04");
    assert!(ax04.contains("counted once"), "{ax04}");
    assert!(ax04.contains("(hidden)"), "{ax04}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_login_probe_passes_on_one_of_five_cookies() {
    let sandbox = start_sandbox().await;
    let scenario = load_against_sandbox(&sandbox, "scenarios/demo/portal.yaml", PORTAL);
    let observations = run_with_defaults(&scenario).await;
    sandbox.shutdown().await;
    let login = observations
        .probes
        .iter()
        .find(|probe| probe.id == "masuk")
        .expect("the login probe ran");
    assert!(login.passed(), "{:#?}", login.checks);
    let check = login
        .checks
        .iter()
        .find(|check| check.what == "header set-cookie")
        .expect("a set-cookie check");
    assert!(check.passed);
    // Every line listed, redacted: names and attributes, never a value.
    for cookie in [
        "1) \"wordpress_sec_",
        "3) \"wordpress_logged_in_",
        "5) \"wp-settings-time-1=***; expires=",
    ] {
        assert!(
            check.actual.contains(cookie),
            "{cookie} in {}",
            check.actual
        );
    }
    assert!(
        !check.actual.contains("admin-contohkab"),
        "{}",
        check.actual
    );
}

const DESA: &str = r#"version: 1
service:
  id: desa-sukamaju
  name: Website Desa Sukamaju
  region: { code: "99.01.01.2001", name: Desa Sukamaju, type: desa }
  base_url: https://sukamaju.desa.id:${env:UJILAB_SANDBOX_HTTPS_PORT}
standards:
  profile: idsll-core
  pages: { home: /, service_standard: /layanan-surat }
defaults:
  timeout: 5s
  resolve: { sukamaju.desa.id: 127.0.0.1 }
  tls: { ca_file: "${env:UJILAB_SANDBOX_CA}" }
probes:
  - id: beranda
    request: { path: / }
    expect: { status: 200, body: { contains: Desa Sukamaju } }
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_village_on_desa_id_is_on_its_own_domain() {
    let sandbox = start_sandbox().await;
    let scenario = load_against_sandbox(&sandbox, "desa.yaml", DESA);
    let observations = run_with_defaults(&scenario).await;
    let as_kabupaten = DESA.replace(
        "code: \"99.01.01.2001\", name: Desa Sukamaju, type: desa",
        "code: \"99.01\", name: Kabupaten Contoh, type: kabupaten",
    );
    let kabupaten = load_against_sandbox(&sandbox, "desa-salah.yaml", &as_kabupaten);
    let kabupaten_observations = run_with_defaults(&kabupaten).await;
    sandbox.shutdown().await;
    let score = |scenario: &input::scenario::Scenario, observations: &Observations| {
        let standards = scenario.standards.as_ref().expect("standards");
        evaluate(scenario, observations, &standards.catalogue)
    };
    let desa = score(&scenario, &observations);
    assert_eq!(rule(&desa, "TR-04").status, RuleStatus::Level(5));
    assert_eq!(rule(&desa, "TR-01").status, RuleStatus::Level(5));
    // Not WordPress: ujilab asks nothing of a CMS, and the CMS rules do not apply.
    assert!(
        observations
            .pages
            .iter()
            .all(|page| !matches!(page.role, PageRole::CmsUsers | PageRole::CmsXmlrpc))
    );
    for code in ["SC-10", "SC-11"] {
        assert_eq!(
            rule(&desa, code).status,
            RuleStatus::NotApplicable,
            "{code}"
        );
    }
    let wrong = score(&kabupaten, &kabupaten_observations);
    assert_eq!(rule(&wrong, "TR-04").status, RuleStatus::Level(1));
    assert!(
        notes(&wrong, "TR-04").contains("desa.id"),
        "{}",
        notes(&wrong, "TR-04")
    );
}
