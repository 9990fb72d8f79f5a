//! `service_maturity`: the SPBE maturity stage (tingkat kematangan layanan) a
//! service's website and probes evidence, for the evidence-only profile
//! `spbe-layanan` (catalogue-2026.2.md 3.5). The stages are cumulative:
//!
//! 1. `informasi`: the information page (the first declared of `page`) answers 2xx;
//! 2. `interaksi`: the declared pages offer every item of `interaction`
//!    (a search box, a document to download, a file input);
//! 3. `transaksi`: the probes tagged `transaction_tag` all passed, and one of them
//!    submits (POST, PUT, PATCH) while a later GET reads back with a value
//!    captured from that submission: the service took an application and
//!    answered about that same application;
//! 4. `kolaborasi`: a declared page links a national service of
//!    `collaboration_domains` (lapor.go.id for complaints).
//!
//! Every stage is judged and shown, so a team sees what stands between it and
//! the next one; the level is the last stage of an unbroken run from the first.
//! Tingkat 5 (optimum) is never measured.

use input::scenario::Probe;
use observe::observations::PageRole;

use crate::standards::checks::{Facts, Input, PageState, page_label, role_of};
use crate::standards::html::HtmlPage;
use crate::standards::say::{self, Stage, TransactionGap};
use crate::standards::{Evidence, RuleOutcome};

/// Methods that submit an application.
const SUBMIT_METHODS: [&str; 3] = ["POST", "PUT", "PATCH"];

/// What one stage showed: met or not, and the line of evidence.
struct Finding {
    stage: Stage,
    met: bool,
    detail: input::catalogue::Text,
}

pub fn check(input: &Input) -> RuleOutcome {
    let facts = input.facts;
    let roles: Vec<&str> = input
        .params
        .strings("page")
        .iter()
        .map(String::as_str)
        .collect();
    let Some(role) = roles
        .iter()
        .filter_map(|key| role_of(key))
        .find(|role| facts.declared(*role))
    else {
        return outcome(
            input,
            None,
            vec![
                say::no_page_declared(&roles),
                say::declare_page(roles.first().copied().unwrap_or("home")),
            ],
            None,
        );
    };
    let Some(page) = facts.page(role) else {
        return RuleOutcome::inconclusive(say::page_not_fetched_in_run(role.key()));
    };
    let information = match &page.state {
        PageState::Html(_) | PageState::Other(_) => {
            let status = page
                .fetch
                .exchange
                .response
                .as_ref()
                .map_or(0, |response| response.status);
            Finding {
                stage: Stage::Information,
                met: true,
                detail: say::information_page(&page_label(role), status, &page.url),
            }
        }
        PageState::Missing(status) => Finding {
            stage: Stage::Information,
            met: false,
            detail: say::page_missing(*status, &page.url),
        },
        PageState::Failed(reason) => {
            return RuleOutcome::inconclusive(say::page_not_judged(role.key(), &page.url, reason));
        }
    };
    let pages: Vec<(PageRole, &HtmlPage)> = facts
        .html_pages()
        .filter_map(|page| match &page.state {
            PageState::Html(html) => Some((page.role, html)),
            _ => None,
        })
        .collect();
    let mut findings = vec![
        information,
        interaction(input, &pages),
        transaction(input, facts),
    ];
    findings.extend(collaboration(input, &pages));
    let reached = findings
        .iter()
        .take_while(|finding| finding.met)
        .last()
        .map(|finding| finding.stage);
    let mut notes: Vec<_> = findings
        .iter()
        .map(|finding| {
            let counted = reached.is_some_and(|stage| finding.stage <= stage);
            say::stage_line(finding.stage, finding.met, counted, &finding.detail)
        })
        .collect();
    if findings.len() < Stage::ALL.len() {
        notes.push(say::stage_line(
            Stage::Collaboration,
            false,
            false,
            &say::collaboration_not_visible(),
        ));
    }
    notes.push(say::optimum_not_measured());
    outcome(input, reached, notes, Some(page.url.clone()))
}

fn outcome(
    input: &Input,
    reached: Option<Stage>,
    notes: Vec<input::catalogue::Text>,
    url: Option<String>,
) -> RuleOutcome {
    input.level_of_outcome(
        reached.map_or("none", Stage::outcome),
        Evidence {
            measured: Some(say::stage_reached(reached)),
            url,
            notes,
            ..Evidence::default()
        },
    )
}

/// Tingkat interaksi: every item of `interaction` on some declared page.
fn interaction(input: &Input, pages: &[(PageRole, &HtmlPage)]) -> Finding {
    let found: Vec<_> = input
        .params
        .strings("interaction")
        .iter()
        .map(|item| {
            let seen = pages.iter().find_map(|(role, html)| {
                let what = match item.as_str() {
                    "search" => html.search_box(),
                    "download" => html.download_links().into_iter().next(),
                    "upload" => html.file_inputs().into_iter().next(),
                    _ => None,
                };
                what.map(|what| (what, page_label(*role)))
            });
            (say::interaction_name(item), seen)
        })
        .collect();
    let met = found.iter().all(|(_, seen)| seen.is_some());
    let mut detail = say::interaction_items(&found);
    if !met {
        let place = say::interaction_where();
        detail = input::catalogue::Text {
            id: format!("{}; {}", detail.id, place.id),
            en: format!("{}; {}", detail.en, place.en),
        };
    }
    Finding {
        stage: Stage::Interaction,
        met,
        detail,
    }
}

/// Tingkat transaksi: the tagged probes passed, and a submission is read back
/// by a later GET through a value captured from it.
fn transaction(input: &Input, facts: &Facts) -> Finding {
    let tags = input.params.strings("transaction_tag");
    let tag = tags.first().map_or("transaksi", String::as_str);
    let tagged: Vec<&Probe> = facts
        .scenario
        .probes
        .iter()
        .filter(|probe| probe.tags.iter().any(|t| tags.contains(t)))
        .collect();
    let gap = |gap: TransactionGap| Finding {
        stage: Stage::Transaction,
        met: false,
        detail: say::transaction_gap(tag, &gap),
    };
    if tagged.is_empty() {
        return gap(TransactionGap::Untagged);
    }
    let passed = |probe: &Probe| {
        facts
            .observations
            .probes
            .iter()
            .any(|result| result.id == probe.id && result.passed())
    };
    if let Some(failed) = tagged.iter().find(|probe| !passed(probe)) {
        return gap(TransactionGap::Failed(failed.id.clone()));
    }
    let submits: Vec<(usize, &&Probe)> = tagged
        .iter()
        .enumerate()
        .filter(|(_, probe)| SUBMIT_METHODS.contains(&probe.method.as_str()))
        .collect();
    if submits.is_empty() {
        return gap(TransactionGap::NoSubmit);
    }
    let shown = submits.iter().find_map(|(at, submit)| {
        tagged[at + 1..]
            .iter()
            .filter(|probe| probe.method.as_str() == "GET")
            .find_map(|read_back| {
                let needed = read_back.needed_captures();
                submit
                    .captures
                    .iter()
                    .find(|capture| needed.contains(&capture.name))
                    .map(|capture| {
                        say::transaction_shown(
                            &submit.id,
                            submit.method.as_str(),
                            &read_back.id,
                            &capture.name,
                        )
                    })
            })
    });
    match shown {
        Some(detail) => Finding {
            stage: Stage::Transaction,
            met: true,
            detail,
        },
        None => gap(TransactionGap::NoReadBack),
    }
}

/// Tingkat kolaborasi: a link to a national service; `None` when the catalogue
/// names none for this indicator (its integration does not show on a page).
fn collaboration(input: &Input, pages: &[(PageRole, &HtmlPage)]) -> Option<Finding> {
    let domains = input.params.strings("collaboration_domains");
    if domains.is_empty() {
        return None;
    }
    let link = pages.iter().find_map(|(role, html)| {
        html.links()
            .into_iter()
            .find(|link| {
                super::host_of(&absolute(&link.href)).is_some_and(|host| {
                    domains.iter().any(|domain| {
                        let domain = domain.to_ascii_lowercase();
                        host == domain || host.ends_with(&format!(".{domain}"))
                    })
                })
            })
            .map(|link| say::collaboration_link(&link.href, &page_label(*role)))
    });
    Some(Finding {
        stage: Stage::Collaboration,
        met: link.is_some(),
        detail: link.unwrap_or_else(|| say::no_collaboration_link(domains)),
    })
}

/// A scheme-relative link (`//lapor.go.id/`) read as https.
fn absolute(href: &str) -> String {
    if href.starts_with("//") {
        format!("https:{href}")
    } else {
        href.to_string()
    }
}

#[cfg(test)]
mod tests {
    use observe::observations::PageRole;

    use crate::standards::testing::*;

    const INTERACTIVE: &str = "<main><form role=search action=/cari><input name=q></form>\
        <a href=/formulir/permohonan.pdf>Formulir</a>\
        <form method=post action=/aduan><input type=file name=lampiran><textarea name=isi></textarea></form>\
        </main>";

    const SCENARIO: &str = "version: 1\nservice: { id: t, base_url: \"https://svc.example.go.id\" }\n\
        standards:\n  profile: spbe-layanan\n  evidence_for: [SPBE-42]\n  pages: { complaints: /pengaduan }\n";

    const BERANDA: &str = "probes:\n- id: beranda\n  request: { path: / }\n";

    const TRANSACTION: &str = "probes:\n\
        - id: ajukan\n  tags: [transaksi]\n  request: { method: POST, path: /aduan, json: { isi: x } }\n  capture: { nomor: $.nomor }\n\
        - id: status\n  tags: [transaksi]\n  request: { path: \"/aduan/${nomor}\" }\n";

    /// SPBE-42's level and its notes in English, on these pages, with these
    /// probes passed (the others failed).
    fn judged(probes: &str, complaints: (u16, &str), passed: &[&str]) -> (i8, Vec<String>) {
        let scenario = scenario(&format!("{SCENARIO}{probes}"));
        let mut obs = observations();
        obs.pages.push(page(
            PageRole::Complaints,
            complaints.0,
            "text/html",
            complaints.1,
        ));
        for probe in &scenario.probes {
            let mut result = probe_result(
                &probe.id,
                exchange(&format!("{BASE}/x"), response(200, &[], "{}")),
            );
            if !passed.contains(&probe.id.as_str()) {
                result.outcome = observe::observations::ProbeOutcome::Failed;
            }
            obs.probes.push(result);
        }
        let outcome = run_rule("SPBE-42", &scenario, &obs);
        let notes = notes_en(&outcome).into_iter().map(String::from).collect();
        (level(&outcome), notes)
    }

    #[test]
    fn stages_are_cumulative_and_each_is_shown() {
        // Information only: the page answers, nothing to interact with.
        let (level, notes) = judged(BERANDA, (200, "<main><p>Pengaduan</p></main>"), &[]);
        assert_eq!(level, 1, "{notes:?}");
        assert!(notes[0].starts_with("L1 information met"), "{notes:?}");
        assert!(notes[1].starts_with("L2 interaction not met"), "{notes:?}");
        assert!(
            notes[2].contains("no probe is tagged `transaksi`"),
            "{notes:?}"
        );
        // A lapor.go.id link alone does not skip stages 2 and 3.
        let linked = "<main><a href=https://www.lapor.go.id/>LAPOR!</a></main>";
        let (level, notes) = judged(BERANDA, (200, linked), &[]);
        assert_eq!(level, 1, "{notes:?}");
        assert!(
            notes[3].starts_with("L4 collaboration seen, but not counted"),
            "{notes:?}"
        );
        // A missing page: no stage at all.
        let (level, notes) = judged(BERANDA, (404, "x"), &[]);
        assert_eq!(level, 0, "{notes:?}");
    }

    #[test]
    fn interaction_needs_search_download_and_upload() {
        let (level, notes) = judged(BERANDA, (200, INTERACTIVE), &[]);
        assert_eq!(level, 2, "{notes:?}");
        assert!(
            notes[1].contains("search present (form role=search"),
            "{notes:?}"
        );
        assert!(notes[1].contains("/formulir/permohonan.pdf"), "{notes:?}");
        assert!(
            notes[1].contains("input name=lampiran type=file"),
            "{notes:?}"
        );
        let without_upload = INTERACTIVE.replace("type=file", "type=text");
        let (level, notes) = judged(BERANDA, (200, &without_upload), &[]);
        assert_eq!(level, 1, "{notes:?}");
        assert!(notes[1].contains("file upload not found"), "{notes:?}");
    }

    #[test]
    fn a_transaction_is_a_submission_read_back_through_its_capture() {
        let both = ["ajukan", "status"];
        let (level, notes) = judged(TRANSACTION, (200, INTERACTIVE), &both);
        assert_eq!(level, 3, "{notes:?}");
        assert!(notes[2].contains("with `${nomor}`"), "{notes:?}");
        // The read-back failed: no transaction.
        let (level, notes) = judged(TRANSACTION, (200, INTERACTIVE), &["ajukan"]);
        assert_eq!(level, 2, "{notes:?}");
        assert!(
            notes[2].contains("`status`, tagged `transaksi`, did not pass"),
            "{notes:?}"
        );
        // A GET that does not use the submission's capture reads nothing back.
        let unrelated = TRANSACTION.replace("/aduan/${nomor}", "/aduan/terbaru");
        let (level, notes) = judged(&unrelated, (200, INTERACTIVE), &both);
        assert_eq!(level, 2, "{notes:?}");
        assert!(notes[2].contains("reads back the status"), "{notes:?}");
        // A transaction and a link to lapor.go.id: tingkat 4, and never 5.
        let linked = format!("{INTERACTIVE}<a href=//lapor.go.id/>LAPOR!</a>");
        let (level, notes) = judged(TRANSACTION, (200, &linked), &both);
        assert_eq!(level, 4, "{notes:?}");
        assert!(
            notes
                .last()
                .is_some_and(|note| note.starts_with("L5 optimum"))
        );
    }

    #[test]
    fn indicators_the_service_is_not_evidence_for_do_not_apply() {
        let scenario = scenario(&format!("{SCENARIO}{BERANDA}"));
        let mut obs = observations();
        obs.pages
            .push(page(PageRole::Complaints, 200, "text/html", INTERACTIVE));
        let catalogue = scenario
            .standards
            .as_ref()
            .map(|standards| standards.catalogue.clone())
            .expect("standards");
        let score = crate::standards::evaluate(&scenario, &obs, &catalogue);
        assert_eq!(score.verdict, crate::standards::Verdict::EvidenceOnly);
        assert_eq!(score.index, None);
        assert_eq!(score.predicate, None);
        let statuses: Vec<_> = score.rules.iter().map(|rule| rule.status).collect();
        assert_eq!(
            statuses[0],
            crate::standards::score::RuleStatus::Level(2),
            "{statuses:?}"
        );
        assert!(
            statuses[1..]
                .iter()
                .all(|status| *status == crate::standards::score::RuleStatus::NotApplicable),
            "{statuses:?}"
        );
    }
}
