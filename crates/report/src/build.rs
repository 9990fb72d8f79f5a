//! Assembling the [`Report`] from what each stage produced. Every figure a human
//! format shows is computed here, once, so the formats only render.

use std::time::SystemTime;

use input::lang::Lang;
use input::quantity::format_ratio;
use input::scenario::{LoadFailure, Scenario, status_accepted};
use observe::latency::LatencyHistogram;
use observe::observations::{LoadResult, Observations, PhaseStatus, ProbeOutcome, ProbeResult};
use observe::redact::Redactor;

use crate::model::*;

/// Body excerpts in reports stop here (semantics.md: at most 2 KiB).
const EXCERPT_BYTES: usize = 2048;

/// Command-line context every scenario report records.
#[derive(Debug, Clone, Default)]
pub struct RunContext {
    pub overrides: Overrides,
    /// What the command line adds to judging (`--require-verdict`).
    pub judge: judge::JudgeSettings,
}

pub fn scenario_report(
    scenario: &Scenario,
    observations: &Observations,
    context: &RunContext,
) -> ScenarioReport {
    let redactor = &observations.redactor;
    let probes: Vec<ProbeReport> = observations
        .probes
        .iter()
        .map(|result| {
            let mut report = probe_report(scenario, result, redactor);
            report.generated = observations
                .generated
                .iter()
                .find(|generated| generated.id == result.id)
                .map(|generated| GeneratedReport {
                    from: "openapi".into(),
                    operation_id: generated.operation_id.clone(),
                    path: generated.path.clone(),
                    document: redactor.redact(&generated.document).into_owned(),
                });
            report
        })
        .collect();
    let judgement = judge::judge(scenario, observations, context.judge);
    let probe_latency = judge::thresholds::probe_latency(scenario, observations);
    let probe_latency_histogram = (probe_latency.count() > 0).then(|| probe_latency.encode());
    let service = &scenario.service;
    let mut effective =
        serde_json::from_str(scenario.effective.get()).unwrap_or(serde_json::Value::Null);
    redact_json(&mut effective, redactor);
    let effective = Effective::new(&effective);
    ScenarioReport {
        file: scenario.file.clone(),
        sha256: scenario.sha256.clone(),
        status: EntryStatus::Ran,
        service: ServiceReport {
            id: service.id.clone(),
            name: service.name.clone(),
            owner: service.owner.clone(),
            sector: service.sector.clone(),
            region: service.region.as_ref().map(|region| RegionReport {
                code: region.code.clone(),
                name: region.name.clone(),
                kind: region.kind.map(|kind| {
                    serde_json::to_value(kind)
                        .ok()
                        .and_then(|v| v.as_str().map(str::to_string))
                        .unwrap_or_default()
                }),
            }),
            base_url: redactor.redact(service.base_url.as_str()).into_owned(),
        },
        scenario: scenario.label.clone(),
        gate: judgement.gate.gate(),
        gate_reasons: judgement.gate.reasons,
        complete: observations.complete,
        started_at: rfc3339(observations.started_at),
        finished_at: rfc3339(observations.finished_at),
        phases: PhasesReport {
            functional: if observations.phases.partial_probes {
                PhaseReport {
                    status: PhaseState::Skipped,
                    reason: Some("--only: some probes were not sent".into()),
                }
            } else {
                phase(&PhaseStatus::Ran)
            },
            availability: phase(&observations.phases.availability),
            load: phase(&observations.phases.load),
            standards: phase(&observations.phases.standards),
        },
        probes,
        availability: availability_report(scenario, observations),
        probe_latency_ms: probe_latency.summary().map(LatencyReport::from),
        probe_figures: Some(probe_figures_report(
            scenario,
            observations,
            (&probe_latency, probe_latency_histogram.as_deref()),
        )),
        probe_latency_histogram,
        load: observations.load.as_ref().map(load_report),
        thresholds: judgement.thresholds,
        standards: judgement
            .score
            .as_ref()
            .zip(scenario.standards.as_ref())
            .map(|(score, standards)| {
                crate::standards::report(
                    score,
                    judgement.verdict_gate,
                    &standards.catalogue,
                    &context.overrides,
                )
            }),
        effective,
        overrides: context.overrides.clone(),
        vantages: Vec::new(),
        tls: observations.tls.as_ref().map(tls_report),
    }
}

/// The TLS facts as report.json keeps them.
fn tls_report(facts: &observe::observations::TlsFacts) -> TlsReport {
    use base64::Engine;
    let (handshake, error) = match &facts.handshake {
        Ok(handshake) => (Some(handshake), None),
        Err(error) => (
            None,
            Some(TransportErrorReport {
                kind: error.kind,
                message: error.message.clone(),
            }),
        ),
    };
    TlsReport {
        host: facts.host.clone(),
        port: facts.port,
        protocol: handshake.map(|h| h.protocol.clone()),
        cipher_suite: handshake.map(|h| h.cipher_suite.clone()),
        error,
        chain: handshake
            .map(|h| {
                h.chain
                    .iter()
                    .map(|certificate| CertificateReport {
                        subject: certificate.subject.clone(),
                        issuer: certificate.issuer.clone(),
                        sans: certificate.sans.clone(),
                        not_before: certificate.not_before.map(rfc3339),
                        not_after: certificate.not_after.map(rfc3339),
                        sha256: certificate.sha256.clone(),
                        der_base64: base64::engine::general_purpose::STANDARD
                            .encode(&certificate.der),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        versions: facts
            .versions
            .iter()
            .map(|probe| TlsVersionReport {
                version: probe.version.name().to_string(),
                result: probe.result.code().to_string(),
                detail: probe.detail.clone(),
                took_ms: round3(probe.took.as_secs_f64() * 1000.0),
            })
            .collect(),
        oldest_accepted: facts.oldest_accepted().map(|v| v.name().to_string()),
    }
}

/// The probe-sourced figures of every probe, as report.json keeps them so that
/// `ujilab merge` can recompute `source: probes` thresholds exactly. `whole` is
/// `judge::thresholds::probe_latency` with its encoding: a probe holding every response (a
/// one-probe scenario) reuses it rather than encode the same histogram again.
fn probe_figures_report(
    scenario: &Scenario,
    observations: &Observations,
    whole: (&LatencyHistogram, Option<&str>),
) -> ProbeFiguresReport {
    let mut report = ProbeFiguresReport {
        phases: phase_figures(
            &judge::thresholds::probe_figures(scenario, observations, None).phases,
        ),
        ..ProbeFiguresReport::default()
    };
    for probe in &scenario.probes {
        let figures = judge::thresholds::probe_figures(scenario, observations, Some(&probe.id));
        report.requests += figures.requests;
        report.failed += figures.failed;
        let histogram = match whole {
            _ if figures.latency.count() == 0 => None,
            (all, Some(encoded)) if figures.latency.count() == all.count() => {
                Some(encoded.to_string())
            }
            _ => Some(figures.latency.encode()),
        };
        report.per_probe.insert(
            probe.id.clone(),
            ProbeFigureReport {
                requests: figures.requests,
                failed: figures.failed,
                histogram,
            },
        );
    }
    report
}

/// A file that did not load, its problems worded in the run's language (`lang`:
/// the human formats read them as written).
pub fn load_error_report(failure: &LoadFailure, lang: Lang) -> LoadErrorReport {
    LoadErrorReport {
        file: failure.file.clone(),
        status: EntryStatus::LoadError,
        errors: failure
            .problems
            .iter()
            .filter(|problem| problem.is_error())
            .map(|problem| LoadProblem {
                line: problem.line,
                column: problem.column,
                path: problem.path.clone(),
                message: problem.message(lang).to_string(),
                help: problem.help(lang).map(str::to_string),
            })
            .collect(),
    }
}

fn phase(status: &PhaseStatus) -> PhaseReport {
    let (status, reason) = match status {
        PhaseStatus::NotRequested => (PhaseState::NotRequested, None),
        PhaseStatus::Ran => (PhaseState::Ran, None),
        PhaseStatus::Skipped(reason) => (PhaseState::Skipped, Some(reason.to_string())),
    };
    PhaseReport { status, reason }
}

fn probe_report(scenario: &Scenario, result: &ProbeResult, redactor: &Redactor) -> ProbeReport {
    let skipped_reason = match &result.outcome {
        ProbeOutcome::Skipped(reason) => Some(reason.clone()),
        ProbeOutcome::Passed | ProbeOutcome::Failed => None,
    };
    let exchange = result.exchange.as_ref();
    let response = exchange.and_then(|exchange| exchange.response.as_ref());
    // A failed exchange keeps the status and headers that did arrive.
    let received = exchange.and_then(|exchange| exchange.received.as_ref());
    let pairs = |headers: &[(String, String)]| -> Vec<[String; 2]> {
        headers
            .iter()
            .map(|(name, value)| [name.clone(), value.clone()])
            .collect()
    };
    ProbeReport {
        id: result.id.clone(),
        generated: None,
        // Every result is of one of the scenario's own probes.
        kind: scenario.probe_kind(&result.id).unwrap_or(ProbeKind::Api),
        passed: result.passed(),
        outcome: ProbeStatus::from(&result.outcome),
        skipped_reason,
        method: exchange.map(|e| e.method.clone()),
        url: exchange.map(|e| e.url.clone()),
        final_url: exchange.map(|e| e.final_url.clone()),
        status: response.map(|r| r.status).or(received.map(|r| r.status)),
        latency_ms: exchange.map(|e| round3(e.latency.as_secs_f64() * 1000.0)),
        http_version: response
            .map(|r| r.version.clone())
            .or(received.map(|r| r.version.clone())),
        remote_addr: response.and_then(|r| r.remote_addr.clone()),
        wire_bytes: response.map(|r| r.wire_bytes),
        body_bytes: response.map(|r| r.body_bytes),
        redirects: exchange
            .map(|e| {
                e.redirects
                    .iter()
                    .map(|hop| RedirectReport {
                        status: hop.status,
                        location: Some(hop.location.clone()).filter(|l| !l.is_empty()),
                        timings: Some(TimingsReport::from(&hop.timings)),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        timings: exchange.map(|e| TimingsReport::from(&e.timings)),
        error: exchange
            .and_then(|e| e.error.as_ref())
            .map(|error| TransportErrorReport {
                kind: error.kind,
                message: error.message.clone(),
            }),
        request_headers: exchange
            .map(|e| pairs(&e.request_headers))
            .unwrap_or_default(),
        response_headers: response
            .map(|r| pairs(&r.headers))
            .or(received.map(|r| pairs(&r.headers)))
            .unwrap_or_default(),
        body_excerpt: response
            .filter(|r| !r.text.is_empty())
            .map(|r| redactor.excerpt(&r.text, EXCERPT_BYTES)),
        expectations: result
            .checks
            .iter()
            .map(|check| ExpectationReport {
                what: check.what.clone(),
                expected: check.expected.clone(),
                actual: check.actual.clone(),
                passed: check.passed,
                what_id: check.what_id.clone(),
                expected_id: check.expected_id.clone(),
                actual_id: check.actual_id.clone(),
            })
            .collect(),
        sent_at: exchange.map(|e| rfc3339(e.started_at)),
        retried: !result.earlier_attempts.is_empty(),
        earlier_attempts: result
            .earlier_attempts
            .iter()
            .map(|attempt| AttemptReport {
                sent_at: rfc3339(attempt.started_at),
                status: attempt
                    .status()
                    .or(attempt.received.as_ref().map(|head| head.status)),
                latency_ms: round3(attempt.latency.as_secs_f64() * 1000.0),
                error: attempt.error.as_ref().map(|error| TransportErrorReport {
                    kind: error.kind,
                    message: error.message.clone(),
                }),
                timings: TimingsReport::from(&attempt.timings),
            })
            .collect(),
        vantage: None,
    }
}

fn availability_report(
    scenario: &Scenario,
    observations: &Observations,
) -> Option<AvailabilityReport> {
    let ratio = |up: u64, samples: u64| (samples > 0).then(|| up as f64 / samples as f64);
    if let Some(availability) = &observations.availability {
        return Some(AvailabilityReport {
            rounds: availability.rounds,
            samples: availability.samples,
            up: availability.up,
            ratio: ratio(availability.up, availability.samples),
            reason: (availability.samples == 0).then(|| "no samples were taken".to_string()),
            source: FigureSource::Availability,
            window_s: round3(availability.window.as_secs_f64()),
            per_probe: availability
                .per_probe
                .iter()
                .map(|p| {
                    (
                        p.id.clone(),
                        ProbeAvailabilityReport {
                            samples: p.samples,
                            up: p.up,
                            ratio: ratio(p.up, p.samples),
                        },
                    )
                })
                .collect(),
            record: availability
                .exchanges
                .iter()
                .map(|sample| SampleReport {
                    probe: sample.probe.clone(),
                    at: sample.at.map(rfc3339),
                    up: sample.up,
                    status: sample.status,
                    latency_ms: sample
                        .latency
                        .map(|latency| round3(latency.as_secs_f64() * 1000.0)),
                    error_kind: sample.error_kind,
                    error: sample.error.clone(),
                })
                .collect(),
        });
    }
    // Without sampling, the functional exchanges are the evidence (source: probes).
    let mut per_probe = ProbeMap::new();
    for result in &observations.probes {
        let Some(exchange) = &result.exchange else {
            continue;
        };
        let up = match (&exchange.response, scenario.probe(&result.id)) {
            (Some(response), Some(probe)) => u64::from(status_accepted(probe, response.status)),
            _ => 0,
        };
        per_probe.insert(
            result.id.clone(),
            ProbeAvailabilityReport {
                samples: 1,
                up,
                ratio: Some(up as f64),
            },
        );
    }
    let samples = per_probe.len() as u64;
    let up = per_probe.values().map(|p| p.up).sum();
    Some(AvailabilityReport {
        rounds: u64::from(samples > 0),
        samples,
        up,
        ratio: ratio(up, samples),
        reason: (samples == 0).then(|| "no probe was sent".to_string()),
        source: FigureSource::Probes,
        window_s: 0.0,
        per_probe,
        record: Vec::new(),
    })
}

/// The `load` block: figures after warmup, for the mix and per probe.
fn load_report(load: &LoadResult) -> LoadReport {
    let total = &load.total;
    let mut notes = Vec::new();
    let rate_sustained = load.target_rate.map(|_| load.rate_sustained());
    if let Some(share) = load.dropped_too_many() {
        notes.push(format!(
            "target rate not sustained: {} of {} arrivals ({}) waited longer than their timeout for one of the {} request slots and were dropped",
            total.dropped,
            total.requests,
            format_ratio(share),
            load.concurrency
        ));
    }
    if let (Some(achieved), Some(target)) = (load.rate_fell_short(), load.target_rate) {
        notes.push(format!(
            "target rate not sustained: {achieved:.1}/s sent of the {target}/s asked ({})",
            format_ratio(achieved / target)
        ));
    }
    if !load.complete {
        notes.push("load run interrupted: figures cover the part that ran".to_string());
    }
    let reason = if total.requests == 0 {
        Some("no request was scheduled after the warmup".to_string())
    } else if load.window.is_zero() {
        Some("no request ended after the warmup".to_string())
    } else {
        None
    };
    LoadReport {
        model: match load.target_rate {
            Some(_) => LoadShape::Open,
            None => LoadShape::Closed,
        },
        requests: total.requests,
        errors: total.errors.clone(),
        dropped: total.dropped,
        error_rate: total.error_rate().unwrap_or(0.0),
        throughput_rps: load.throughput(total).map_or(0.0, round3),
        latency_ms: total.latency.summary().map(LatencyReport::from),
        histogram: total.latency.encode(),
        phases: phase_figures(&total.phases),
        per_probe: load
            .per_probe
            .iter()
            .map(|probe| {
                let tally = &probe.tally;
                (
                    probe.id.clone(),
                    ProbeLoadReport {
                        requests: tally.requests,
                        latency_ms: tally.latency.summary().map(LatencyReport::from),
                        histogram: tally.latency.encode(),
                        phases: phase_figures(&tally.phases),
                        weight: probe.weight,
                        responses: tally.responses,
                        failed: tally.failed,
                        dropped: tally.dropped,
                        errors: tally.errors.clone(),
                        error_rate: tally.error_rate(),
                        throughput_rps: load.throughput(tally).map(round3),
                    },
                )
            })
            .collect(),
        concurrency: load.concurrency,
        rate: load.target_rate,
        warmup_s: round3(load.warmup.as_secs_f64()),
        warmup_requests: load.warmup_requests,
        window_s: round3(load.window.as_secs_f64()),
        responses: total.responses,
        failed: total.failed,
        rate_sustained,
        interrupted: !load.complete,
        error_examples: load.error_examples.clone(),
        first_failures: load
            .first_failures
            .iter()
            .map(|(kind, example)| {
                (
                    kind.clone(),
                    LoadFailureReport {
                        probe: example.probe.clone(),
                        method: example.method.clone(),
                        url: example.url.clone(),
                        status: example.status,
                        error: example.error.clone(),
                        after_s: round3(example.after.as_secs_f64()),
                        at: rfc3339(example.at),
                    },
                )
            })
            .collect(),
        achieved_rate: load.achieved_rate.map(round3),
        notes,
        reason,
    }
}

fn redact_json(value: &mut serde_json::Value, redactor: &Redactor) {
    match value {
        serde_json::Value::String(text) => *text = redactor.redact(text).into_owned(),
        serde_json::Value::Array(items) => items
            .iter_mut()
            .for_each(|item| redact_json(item, redactor)),
        serde_json::Value::Object(map) => {
            // Keys too: a `resolve:` host may hold a secret (lower-cased).
            *map = std::mem::take(map)
                .into_iter()
                .map(|(key, mut item)| {
                    redact_json(&mut item, redactor);
                    (redactor.redact(&key).into_owned(), item)
                })
                .collect();
        }
        _ => {}
    }
}

fn round3(value: f64) -> f64 {
    (value * 1000.0).round() / 1000.0
}

pub fn rfc3339(time: SystemTime) -> String {
    time::OffsetDateTime::from(time)
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}
