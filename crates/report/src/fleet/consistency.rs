//! Whether a report's figures agree with each other, as a report ujilab wrote
//! always does: `merge` adds counts up and re-judges thresholds on them, so a
//! report edited by hand (or by a broken writer) would otherwise pass its
//! arithmetic on to the merged result (an error rate of 19.98 from `failed`
//! greater than `requests`).
//!
//! What is checked, per scenario that ran:
//!
//! - phases against sections: the load phase ran if and only if there is a load
//!   section; an availability phase that ran has sampled figures (and sampled
//!   figures need a phase that ran); a standards phase that ran has a score;
//! - load: `failed` and `responses` at most `requests`, `failed` the sum of
//!   `errors`, `dropped` the count of `errors.dropped`, the requests without a
//!   response (`errors` other than `http_*`) plus `responses` equal to `requests`,
//!   every histogram's count equal to its `responses`, and `per_probe` adding up to
//!   the totals;
//! - probe figures: `failed` at most `requests`, `per_probe` adding up to the
//!   totals, no histogram holding more responses than its requests, and
//!   `probe_latency_histogram` holding every probe's responses;
//! - availability: `up` at most `samples`, per probe too, and sampled probes adding
//!   up to the totals.
//!
//! Every histogram must decode ([`Problem::Histogram`]).

use std::collections::BTreeMap;

use observe::latency::{DecodeError, LatencyHistogram};

use crate::model::{FigureSource, PhaseState, ScenarioReport};

/// What is wrong with one scenario of a report.
#[derive(Debug)]
pub enum Problem {
    /// A histogram (named by its key path) that does not decode.
    Histogram { what: String, source: DecodeError },
    /// Figures that disagree, in words (key paths and their values).
    Inconsistent(String),
}

/// Checks one scenario's figures against each other; the first problem found.
pub fn check_scenario(scenario: &ScenarioReport) -> Result<(), Problem> {
    check_phases(scenario)?;
    if let Some(load) = &scenario.load {
        check_load(load)?;
    }
    check_probe_figures(scenario)?;
    if let Some(availability) = &scenario.availability {
        check_availability(availability)?;
    }
    Ok(())
}

fn inconsistent(what: String) -> Result<(), Problem> {
    Err(Problem::Inconsistent(what))
}

fn decode(what: impl Into<String>, text: &str) -> Result<LatencyHistogram, Problem> {
    LatencyHistogram::decode(text).map_err(|source| Problem::Histogram {
        what: what.into(),
        source,
    })
}

fn status_word(state: PhaseState) -> &'static str {
    match state {
        PhaseState::Ran => "ran",
        PhaseState::Skipped => "skipped",
        PhaseState::NotRequested => "not_requested",
    }
}

fn check_phases(scenario: &ScenarioReport) -> Result<(), Problem> {
    let phases = &scenario.phases;
    let load_ran = phases.load.status == PhaseState::Ran;
    if load_ran != scenario.load.is_some() {
        return inconsistent(format!(
            "phases.load is `{}` but the load section is {}",
            status_word(phases.load.status),
            if scenario.load.is_some() {
                "present"
            } else {
                "missing"
            }
        ));
    }
    let sampled = scenario
        .availability
        .as_ref()
        .is_some_and(|a| a.source == FigureSource::Availability);
    if (phases.availability.status == PhaseState::Ran) != sampled {
        return inconsistent(format!(
            "phases.availability is `{}` but {}",
            status_word(phases.availability.status),
            if sampled {
                "the availability section holds sampled figures"
            } else {
                "the availability section holds no sampled figures"
            }
        ));
    }
    if phases.standards.status == PhaseState::Ran && scenario.standards.is_none() {
        return inconsistent(
            "phases.standards is `ran` but the standards section is missing".into(),
        );
    }
    Ok(())
}

/// `key (value)` pairs that must be ordered `a <= b`.
fn at_most(a: (&str, u64), b: (&str, u64)) -> Result<(), Problem> {
    if a.1 > b.1 {
        return inconsistent(format!(
            "{} ({}) is greater than {} ({})",
            a.0, a.1, b.0, b.1
        ));
    }
    Ok(())
}

fn equal(a: (&str, u64), b: (&str, u64)) -> Result<(), Problem> {
    if a.1 != b.1 {
        return inconsistent(format!(
            "{} ({}) does not equal {} ({})",
            a.0, a.1, b.0, b.1
        ));
    }
    Ok(())
}

/// The sum of counts, saturating as the runner's counters do.
fn sum<'a>(counts: impl Iterator<Item = &'a u64>) -> u64 {
    counts.fold(0u64, |total, count| total.saturating_add(*count))
}

/// The checks shared by the load total and each probe of the mix.
fn check_load_counts(
    at: &str,
    counts: (u64, u64, u64, u64),
    errors: &BTreeMap<String, u64>,
    histogram: &str,
) -> Result<(), Problem> {
    let (requests, responses, failed, dropped) = counts;
    let key = |name: &str| format!("{at}.{name}");
    at_most((&key("failed"), failed), (&key("requests"), requests))?;
    at_most((&key("responses"), responses), (&key("requests"), requests))?;
    equal(
        (&key("failed"), failed),
        (&format!("the sum of {at}.errors"), sum(errors.values())),
    )?;
    equal(
        (&key("dropped"), dropped),
        (
            &key("errors.dropped"),
            errors.get("dropped").copied().unwrap_or(0),
        ),
    )?;
    // A request ends with a response (accepted or an `http_*` failure) or with
    // a failure that has none.
    let without_response = sum(errors
        .iter()
        .filter(|(kind, _)| !kind.starts_with("http_"))
        .map(|(_, count)| count));
    equal(
        (
            &format!("{at}.responses + failures without a response"),
            responses.saturating_add(without_response),
        ),
        (&key("requests"), requests),
    )?;
    let count = decode(key("histogram"), histogram)?.count();
    equal(
        (&format!("the count of {at}.histogram"), count),
        (&key("responses"), responses),
    )
}

fn check_load(load: &crate::model::LoadReport) -> Result<(), Problem> {
    check_load_counts(
        "load",
        (load.requests, load.responses, load.failed, load.dropped),
        &load.errors,
        &load.histogram,
    )?;
    if load.per_probe.is_empty() {
        return Ok(());
    }
    for (id, probe) in &load.per_probe {
        check_load_counts(
            &format!("load.per_probe.{id}"),
            (probe.requests, probe.responses, probe.failed, probe.dropped),
            &probe.errors,
            &probe.histogram,
        )?;
    }
    let probes = load.per_probe.values();
    equal(
        (
            "the sum of load.per_probe requests",
            sum(probes.clone().map(|p| &p.requests)),
        ),
        ("load.requests", load.requests),
    )?;
    equal(
        (
            "the sum of load.per_probe responses",
            sum(probes.clone().map(|p| &p.responses)),
        ),
        ("load.responses", load.responses),
    )?;
    equal(
        (
            "the sum of load.per_probe failed",
            sum(probes.map(|p| &p.failed)),
        ),
        ("load.failed", load.failed),
    )
}

fn check_probe_figures(scenario: &ScenarioReport) -> Result<(), Problem> {
    let whole = match &scenario.probe_latency_histogram {
        Some(text) => decode("probe_latency_histogram", text)?.count(),
        None => 0,
    };
    let Some(figures) = &scenario.probe_figures else {
        return Ok(());
    };
    at_most(
        ("probe_figures.failed", figures.failed),
        ("probe_figures.requests", figures.requests),
    )?;
    if figures.per_probe.is_empty() {
        return Ok(());
    }
    let mut responses = 0u64;
    for (id, probe) in &figures.per_probe {
        at_most(
            (
                &format!("probe_figures.per_probe.{id}.failed"),
                probe.failed,
            ),
            (
                &format!("probe_figures.per_probe.{id}.requests"),
                probe.requests,
            ),
        )?;
        if let Some(text) = &probe.histogram {
            let what = format!("probe_figures.per_probe.{id}.histogram");
            let count = decode(what.clone(), text)?.count();
            at_most(
                (&format!("the count of {what}"), count),
                (
                    &format!("probe_figures.per_probe.{id}.requests"),
                    probe.requests,
                ),
            )?;
            responses = responses.saturating_add(count);
        }
    }
    let probes = figures.per_probe.values();
    equal(
        (
            "the sum of probe_figures.per_probe requests",
            sum(probes.clone().map(|p| &p.requests)),
        ),
        ("probe_figures.requests", figures.requests),
    )?;
    equal(
        (
            "the sum of probe_figures.per_probe failed",
            sum(probes.map(|p| &p.failed)),
        ),
        ("probe_figures.failed", figures.failed),
    )?;
    equal(
        ("the count of probe_latency_histogram", whole),
        ("the responses in probe_figures.per_probe", responses),
    )
}

fn check_availability(availability: &crate::model::AvailabilityReport) -> Result<(), Problem> {
    at_most(
        ("availability.up", availability.up),
        ("availability.samples", availability.samples),
    )?;
    for (id, probe) in &availability.per_probe {
        at_most(
            (&format!("availability.per_probe.{id}.up"), probe.up),
            (
                &format!("availability.per_probe.{id}.samples"),
                probe.samples,
            ),
        )?;
    }
    if availability.source != FigureSource::Availability || availability.per_probe.is_empty() {
        return Ok(());
    }
    let probes = availability.per_probe.values();
    equal(
        (
            "the sum of availability.per_probe samples",
            sum(probes.clone().map(|p| &p.samples)),
        ),
        ("availability.samples", availability.samples),
    )?;
    equal(
        (
            "the sum of availability.per_probe up",
            sum(probes.map(|p| &p.up)),
        ),
        ("availability.up", availability.up),
    )
}

#[cfg(test)]
mod tests;
