//! `attestation`: an officer's statement in the scenario
//! (`standards.attestations.CODE`: by, role, date, document_url or sk_number),
//! for what no machine can see from outside (catalogue-2026.2.md section 3.3).
//! `attested` when there is one dated within `max_age` before the run (and not
//! after it), else `missing`. Not measured: the score keeps these rules out of
//! the index and the verdict unless the catalogue says `count_attested: true`,
//! so without a statement the rule is not applicable there rather than level 1.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::standards::checks::Input;
use crate::standards::say;
use crate::standards::{Evidence, RuleOutcome};

/// Midnight (WIB) at the start of `date`, as a clock time.
fn start_of_day_wib(date: time::Date) -> SystemTime {
    let seconds = date
        .midnight()
        .assume_offset(time::macros::offset!(+7))
        .unix_timestamp();
    UNIX_EPOCH + Duration::from_secs(u64::try_from(seconds).unwrap_or(0))
}

pub fn check(input: &Input) -> RuleOutcome {
    let facts = input.facts;
    let counted = facts.scenario.standards.as_ref().is_some_and(|standards| {
        standards
            .catalogue
            .certification
            .as_ref()
            .is_some_and(|certification| certification.count_attested)
    });
    let statement = facts.scenario.standards.as_ref().and_then(|standards| {
        standards
            .attestations
            .iter()
            .find(|attestation| attestation.rule == input.code)
    });
    let missing = |note| {
        if counted {
            input.level_of_outcome("missing", Evidence::note(note))
        } else {
            RuleOutcome::not_applicable(note)
        }
    };
    let Some(statement) = statement else {
        return missing(say::no_statement(input.code));
    };
    let date = statement.date.to_string();
    let document = match (&statement.document_url, &statement.sk_number) {
        (Some(url), Some(number)) => format!("{number}, {url}"),
        (Some(url), None) => url.to_string(),
        (None, Some(number)) => number.clone(),
        (None, None) => String::new(),
    };
    let stated = say::attested(&statement.by, &statement.role, &date, &document);
    let made = start_of_day_wib(statement.date);
    let run = facts.observations.started_at;
    let max_age = input.params.duration("max_age");
    let stale = if made > run {
        Some(say::statement_in_future(&date))
    } else if run.duration_since(made).unwrap_or_default() > max_age + Duration::from_secs(86_400) {
        Some(say::statement_too_old(&date, max_age.as_secs() / 86_400))
    } else {
        None
    };
    let mut evidence = Evidence {
        measured: Some(stated),
        excerpt: statement.document_url.as_ref().map(|url| url.to_string()),
        ..Evidence::default()
    };
    if !counted {
        evidence.notes.push(say::not_measured());
    }
    match stale {
        Some(note) => {
            evidence.notes.insert(0, note);
            if counted {
                input.level_of_outcome("missing", evidence)
            } else {
                RuleOutcome {
                    outcome: crate::standards::Outcome::NotApplicable,
                    evidence,
                }
            }
        }
        None => input.level_of_outcome("attested", evidence),
    }
}

#[cfg(test)]
mod tests {
    use crate::standards::testing::*;

    fn with(attestations: &str, count: bool) -> crate::standards::RuleOutcome {
        let mut yaml = format!(
            "version: 1\nservice: {{ id: t, base_url: \"https://svc.example.go.id\" }}\n\
             standards:\n  profile: idsll-core@2026.2\n  attestations:\n{attestations}\n\
             probes:\n  - id: p\n    request: {{ path: / }}\n"
        );
        if attestations.trim().is_empty() {
            yaml = yaml.replace("  attestations:\n", "");
        }
        let mut scenario = scenario(&yaml);
        if count && let Some(standards) = &mut scenario.standards {
            let mut catalogue = (*standards.catalogue).clone();
            if let Some(certification) = catalogue.certification.as_mut() {
                certification.count_attested = true;
            }
            standards.catalogue = std::sync::Arc::new(catalogue);
        }
        run_rule("AT-04", &scenario, &observations())
    }

    /// The run is on 2026-06-01 (WIB 07:00).
    #[test]
    fn a_recent_statement_is_attested() {
        let outcome = with(
            "    AT-04: { by: Budi Santoso, role: Kepala Bidang Aptika, date: 2026-05-02, sk_number: PSE-2026-0012 }",
            false,
        );
        assert_eq!(level(&outcome), 5, "{outcome:#?}");
        assert_eq!(
            measured(&outcome),
            "stated by Budi Santoso (Kepala Bidang Aptika) on 2026-05-02; document: PSE-2026-0012"
        );
        assert_eq!(
            notes_en(&outcome),
            ["stated by an officer, not measured: counted in neither the index nor the verdict"]
        );
        assert!(measured_id(&outcome).starts_with("dinyatakan oleh Budi Santoso"));
    }

    #[test]
    fn missing_old_and_future_statements() {
        // Not counted: no statement is not applicable, not level 1.
        let none = with("", false);
        assert_eq!(level(&none), 0);
        assert_eq!(
            notes_en(&none),
            ["no officer's statement in `standards.attestations.AT-04`"]
        );
        // Counted: it is the catalogue's `missing` level.
        assert_eq!(level(&with("", true)), 1);
        let old = with(
            "    AT-04: { by: A, role: B, date: 2025-05-01, document_url: https://jdih.example.go.id/sk.pdf }",
            true,
        );
        assert_eq!(level(&old), 1);
        assert!(
            notes_en(&old)[0].contains("older than 365 days"),
            "{old:#?}"
        );
        let future = with(
            "    AT-04: { by: A, role: B, date: 2026-06-02, sk_number: X }",
            true,
        );
        assert_eq!(level(&future), 1);
        assert!(notes_en(&future)[0].contains("after the run"));
        // A year and a day is still within 365 days of the day it was signed.
        let edge = with(
            "    AT-04: { by: A, role: B, date: 2025-06-01, sk_number: X }",
            true,
        );
        assert_eq!(level(&edge), 5, "{edge:#?}");
    }
}
