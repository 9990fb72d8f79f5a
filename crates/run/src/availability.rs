//! Availability sampling: rounds of the listed probes at a fixed interval.
//!
//! Each round uses fresh connections (a pooled keep-alive connection would hide a
//! service that stopped accepting new ones). Rounds never overlap: round k is due at
//! k x `every` after the first and starts late if the previous one ran long.

use std::time::{Duration, Instant};

use futures_util::future::join_all;

use input::scenario::{Availability, Probe, Scenario, status_accepted};
use observe::exchange::Exchange;
use observe::observations::{AvailabilityResult, ProbeAvailability, Sample};
use observe::redact::Redactor;

use crate::client::Session;
use crate::exchange::perform;
use crate::request::{Captured, build};
use crate::{Cancel, Event, Events};

pub async fn sample(
    scenario: &Scenario,
    plan: &Availability,
    session: &Session,
    captured: &Captured,
    redactor: &Redactor,
    cancel: &Cancel,
    events: &Events,
) -> (AvailabilityResult, bool) {
    let first = Instant::now();
    let mut exchanges = Vec::new();
    let mut rounds = 0;
    let mut interrupted = false;
    for round in 0..plan.rounds {
        let due = first + plan.every.mul_f64(round as f64);
        tokio::select! {
            () = tokio::time::sleep_until(due.into()) => {}
            () = cancel.cancelled() => { interrupted = true; break; }
        }
        let requests = plan.probes.iter().map(|&index| async move {
            sample_probe(
                scenario,
                &scenario.probes[index],
                session,
                captured,
                redactor,
            )
            .await
            .0
        });
        let samples = tokio::select! {
            samples = join_all(requests) => samples,
            () = cancel.cancelled() => { interrupted = true; break; }
        };
        exchanges.extend(samples);
        rounds += 1;
        events.send(Event::AvailabilityRound {
            scenario: scenario.identity(),
            done: rounds,
            total: plan.rounds,
        });
    }
    let per_probe = plan
        .probes
        .iter()
        .map(|&index| {
            let id = &scenario.probes[index].id;
            let of_probe = exchanges.iter().filter(|sample| &sample.probe == id);
            ProbeAvailability {
                id: id.clone(),
                samples: of_probe.clone().count() as u64,
                up: of_probe.filter(|sample| sample.up).count() as u64,
            }
        })
        .collect();
    let result = AvailabilityResult {
        rounds,
        samples: exchanges.len() as u64,
        up: exchanges.iter().filter(|sample| sample.up).count() as u64,
        window: if rounds == 0 {
            Duration::ZERO
        } else {
            first.elapsed()
        },
        per_probe,
        exchanges,
    };
    (result, interrupted)
}

/// One availability sample of `probe`, and the exchange it was taken from (none
/// when the request could not be built: a capture it needs has no value).
pub(crate) async fn sample_probe(
    scenario: &Scenario,
    probe: &Probe,
    session: &Session,
    captured: &Captured,
    redactor: &Redactor,
) -> (Sample, Option<Exchange>) {
    match build(scenario, probe, captured) {
        Ok(spec) => {
            let exchange = perform(session, &spec, redactor).await;
            crate::trace::exchange(&format!("availability {}", probe.id), &exchange, redactor);
            let up = exchange
                .response
                .as_ref()
                .is_some_and(|response| status_accepted(probe, response.status));
            let sample = Sample {
                probe: probe.id.clone(),
                up,
                latency: exchange.response.as_ref().map(|_| exchange.latency),
                at: Some(exchange.started_at),
                status: exchange.status(),
                error_kind: exchange.error.as_ref().map(|error| error.kind),
                error: exchange.error.as_ref().map(|error| error.message.clone()),
                timings: Some(exchange.timings),
            };
            (sample, Some(exchange))
        }
        Err(missing) => (
            Sample {
                probe: probe.id.clone(),
                up: false,
                latency: None,
                error: Some(format!("capture `{missing}` has no value")),
                at: None,
                status: None,
                error_kind: None,
                timings: None,
            },
            None,
        ),
    }
}
