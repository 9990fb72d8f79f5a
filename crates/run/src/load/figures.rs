//! What one worker thread counts while the load runs: plain counters and one HDR
//! histogram per probe of the mix, owned by that thread alone (no lock), merged into
//! a [`LoadResult`](observe::observations::LoadResult) at the end. Memory does not
//! grow with the number of requests.

use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime};

use observe::exchange::TransportKind;
use observe::latency::LatencyHistogram;
use observe::observations::{LoadFailureExample, LoadTally, ProbeLoad};
use observe::redact::Redactor;
use observe::timing::{PhaseHistograms, Timings};

/// The kind of a failed load request, as a report key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKey {
    Transport(TransportKind),
    /// Open model: waited longer than its timeout for a free slot; not sent.
    Dropped,
    /// A complete response whose status the probe's expectation rejects; the
    /// hundreds digit (`http_4xx`, `http_5xx`...).
    Status(u16),
}

/// Transport kinds, `dropped`, then `http_1xx` to `http_9xx`.
const KEYS: usize = TransportKind::ALL.len() + 1 + 9;

impl ErrorKey {
    fn slot(self) -> usize {
        match self {
            ErrorKey::Transport(kind) => TransportKind::ALL
                .iter()
                .position(|k| *k == kind)
                .unwrap_or_default(),
            ErrorKey::Dropped => TransportKind::ALL.len(),
            ErrorKey::Status(status) => {
                TransportKind::ALL.len() + usize::from((status / 100).clamp(1, 9))
            }
        }
    }

    fn from_slot(slot: usize) -> String {
        let transports = TransportKind::ALL.len();
        if slot < transports {
            TransportKind::ALL[slot].code().to_string()
        } else if slot == transports {
            "dropped".to_string()
        } else {
            format!("http_{}xx", slot - transports)
        }
    }
}

/// One probe's counts in one worker thread.
#[derive(Debug, Clone)]
pub struct Tally {
    pub requests: u64,
    pub responses: u64,
    pub failed: u64,
    pub errors: [u64; KEYS],
    pub latency: LatencyHistogram,
    pub phases: PhaseHistograms,
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            requests: 0,
            responses: 0,
            failed: 0,
            errors: [0; KEYS],
            latency: LatencyHistogram::new(),
            phases: PhaseHistograms::default(),
        }
    }
}

impl Tally {
    pub fn merge(&mut self, other: &Tally) {
        // Saturating: an absurd rate drops more arrivals than a u64 counts.
        self.requests = self.requests.saturating_add(other.requests);
        self.responses += other.responses;
        self.failed = self.failed.saturating_add(other.failed);
        for (mine, theirs) in self.errors.iter_mut().zip(other.errors) {
            *mine = mine.saturating_add(theirs);
        }
        self.latency.merge(&other.latency);
        self.phases.merge(&other.phases);
    }

    fn into_load_tally(self) -> LoadTally {
        LoadTally {
            requests: self.requests,
            responses: self.responses,
            failed: self.failed,
            dropped: self.errors[ErrorKey::Dropped.slot()],
            errors: self
                .errors
                .iter()
                .enumerate()
                .filter(|(_, count)| **count > 0)
                .map(|(slot, count)| (ErrorKey::from_slot(slot), *count))
                .collect(),
            latency: self.latency,
            phases: self.phases,
        }
    }
}

/// How one request ended.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// Position in the mix.
    pub entry: usize,
    pub warmup: bool,
    /// Where latency counts from: the due time when the arrival had to wait for a
    /// free slot, else the send.
    pub start: Instant,
    pub end: Instant,
    /// When it was sent; `None` when it was dropped.
    pub sent: Option<Instant>,
    /// Its phases, from the send; `None` when it was dropped.
    pub timings: Option<Timings>,
    /// The status of a complete response, whether the probe accepts it, or why
    /// there was none.
    pub result: Result<(u16, bool), crate::load::transport::Failure>,
}

/// The first failed request of one kind, unredacted until merged.
#[derive(Debug, Clone)]
pub struct Example {
    pub entry: usize,
    pub status: Option<u16>,
    pub message: Option<String>,
    pub end: Instant,
}

/// Everything one worker thread counted.
#[derive(Debug, Clone)]
pub struct Figures {
    pub per_probe: Vec<Tally>,
    pub warmup_requests: u64,
    /// End of the last measured request.
    pub last_end: Option<Instant>,
    /// When the last measured request was sent.
    pub last_sent: Option<Instant>,
    /// The first failed request of each error kind.
    pub examples: Vec<Option<Example>>,
}

impl Figures {
    pub fn new(probes: usize) -> Figures {
        Figures {
            per_probe: vec![Tally::default(); probes],
            warmup_requests: 0,
            last_end: None,
            last_sent: None,
            examples: vec![None; KEYS],
        }
    }

    pub fn record(&mut self, outcome: Outcome) {
        if outcome.warmup {
            self.warmup_requests += 1;
            return;
        }
        self.last_end = Some(
            self.last_end
                .map_or(outcome.end, |last| last.max(outcome.end)),
        );
        if let Some(sent) = outcome.sent {
            self.last_sent = Some(self.last_sent.map_or(sent, |last| last.max(sent)));
        }
        let tally = &mut self.per_probe[outcome.entry];
        tally.requests += 1;
        let failure = match outcome.result {
            Ok((status, accepted)) => {
                tally.responses += 1;
                tally
                    .latency
                    .record(outcome.end.saturating_duration_since(outcome.start));
                if let Some(timings) = &outcome.timings {
                    tally.phases.record(timings);
                }
                if accepted {
                    return;
                }
                (ErrorKey::Status(status), Some(status), None)
            }
            Err(failure) => (failure.key, None, Some(failure.message)),
        };
        tally.failed += 1;
        let slot = failure.0.slot();
        tally.errors[slot] += 1;
        if self.examples[slot].is_none() {
            self.examples[slot] = Some(Example {
                entry: outcome.entry,
                status: failure.1,
                message: failure.2,
                end: outcome.end,
            });
        }
    }

    /// Arrivals dropped at once, without being claimed one by one (see
    /// `Claims::claim_overdue`): `measured[i]` of mix entry `i` after the warmup,
    /// `warmup` before it. The first drop's example was recorded already.
    pub fn record_dropped(&mut self, measured: &[u64], warmup: u64, end: Instant) {
        self.warmup_requests = self.warmup_requests.saturating_add(warmup);
        let slot = ErrorKey::Dropped.slot();
        for (tally, &count) in self.per_probe.iter_mut().zip(measured) {
            if count == 0 {
                continue;
            }
            tally.requests = tally.requests.saturating_add(count);
            tally.failed = tally.failed.saturating_add(count);
            tally.errors[slot] = tally.errors[slot].saturating_add(count);
            self.last_end = Some(self.last_end.map_or(end, |last| last.max(end)));
        }
    }

    /// Adds another thread's figures.
    pub fn merge(&mut self, other: &Figures) {
        for (mine, theirs) in self.per_probe.iter_mut().zip(&other.per_probe) {
            mine.merge(theirs);
        }
        self.warmup_requests += other.warmup_requests;
        self.last_end = match (self.last_end, other.last_end) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        self.last_sent = match (self.last_sent, other.last_sent) {
            (Some(a), Some(b)) => Some(a.max(b)),
            (a, b) => a.or(b),
        };
        for (mine, theirs) in self.examples.iter_mut().zip(&other.examples) {
            // The earliest of the threads' first examples.
            match (mine.as_ref(), theirs) {
                (None, Some(_)) => mine.clone_from(theirs),
                (Some(a), Some(b)) if b.end < a.end => mine.clone_from(theirs),
                _ => {}
            }
        }
    }

    /// Requests, failures and latency of the whole mix so far (for progress).
    pub fn snapshot(&self) -> Tally {
        let mut total = Tally::default();
        for tally in &self.per_probe {
            total.merge(tally);
        }
        total
    }

    /// The figures of the whole mix and of each probe, with examples redacted.
    /// `entries` names each mix entry's probe, method and URL; `start` is the load
    /// run's start, on both clocks.
    pub fn finish(
        self,
        probes: Vec<(String, u32)>,
        entries: &[(String, String)],
        start: (Instant, SystemTime),
        redactor: &Redactor,
    ) -> Finished {
        let total = self.snapshot().into_load_tally();
        let mut error_examples = BTreeMap::new();
        let mut first_failures = BTreeMap::new();
        for (slot, example) in self.examples.into_iter().enumerate() {
            let Some(example) = example else {
                continue;
            };
            let key = ErrorKey::from_slot(slot);
            let message = example.message.map(|m| redactor.redact(&m).into_owned());
            let shown = match (&message, example.status) {
                (Some(message), _) => message.clone(),
                (None, Some(status)) => format!("status {status}"),
                (None, None) => continue,
            };
            error_examples.insert(key.clone(), shown);
            let (method, url) = entries.get(example.entry).cloned().unwrap_or_default();
            let after = example.end.saturating_duration_since(start.0);
            first_failures.insert(
                key,
                LoadFailureExample {
                    probe: probes
                        .get(example.entry)
                        .map(|(id, _)| id.clone())
                        .unwrap_or_default(),
                    method,
                    url: redactor.redact(&url).into_owned(),
                    status: example.status,
                    error: message,
                    after,
                    at: start.1 + after,
                },
            );
        }
        let per_probe = probes
            .into_iter()
            .zip(self.per_probe)
            .map(|((id, weight), tally)| ProbeLoad {
                id,
                weight,
                tally: tally.into_load_tally(),
            })
            .collect();
        Finished {
            total,
            per_probe,
            error_examples,
            first_failures,
        }
    }
}

/// A load run's figures, ready for its [`LoadResult`](observe::observations::LoadResult).
#[derive(Debug)]
pub struct Finished {
    pub total: LoadTally,
    pub per_probe: Vec<ProbeLoad>,
    pub error_examples: BTreeMap<String, String>,
    pub first_failures: BTreeMap<String, LoadFailureExample>,
}

/// From `start` to `end`, or zero when `end` is earlier or missing.
pub fn window(start: Instant, end: Option<Instant>) -> Duration {
    end.map_or(Duration::ZERO, |end| end.saturating_duration_since(start))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::transport::Failure;

    fn outcome(entry: usize, ms: u64, result: Result<(u16, bool), Failure>) -> Outcome {
        let start = Instant::now();
        Outcome {
            entry,
            warmup: false,
            start,
            end: start + Duration::from_millis(ms),
            sent: Some(start),
            timings: Some(Timings {
                ttfb: Some(Duration::from_millis(ms)),
                transfer: Some(Duration::ZERO),
                total: Duration::from_millis(ms),
                ..Timings::default()
            }),
            result,
        }
    }

    fn per_probe_min(figures: &Figures, entry: usize) -> Option<f64> {
        figures.per_probe[entry].latency.min()
    }

    fn per_probe_max(figures: &Figures, entry: usize) -> Option<f64> {
        figures.per_probe[entry].latency.max()
    }

    #[test]
    fn counts_add_up_and_merge_exactly() {
        // Taken before any outcome, so that every outcome ends at least 1 s after
        // it however slowly a busy machine runs the lines between.
        let started = (Instant::now() - Duration::from_secs(1), SystemTime::now());
        let mut first = Figures::new(2);
        let mut second = Figures::new(2);
        for ms in 1..=50 {
            first.record(outcome(0, ms, Ok((200, true))));
        }
        for ms in 51..=100 {
            second.record(outcome(1, ms, Ok((200, true))));
        }
        second.record(outcome(1, 7, Ok((503, false))));
        second.record(outcome(
            0,
            0,
            Err(Failure::new(TransportKind::Reset, "reset by peer")),
        ));
        first.record(outcome(0, 0, Err(Failure::dropped("waited too long"))));
        first.record(Outcome {
            warmup: true,
            ..outcome(0, 1, Ok((200, true)))
        });
        let (first_copy, second_copy) = (first.clone(), second.clone());
        first.merge(&second);
        assert_eq!(first.warmup_requests, 1);
        let Finished {
            total,
            per_probe,
            error_examples: examples,
            first_failures,
        } = first.finish(
            vec![("a".into(), 3), ("b".into(), 1)],
            &[
                ("GET".into(), "http://h/a?key=s3cret".into()),
                ("POST".into(), "http://h/b".into()),
            ],
            started,
            &Redactor::new(["s3cret".to_string()]),
        );
        assert_eq!(total.requests, 103);
        assert_eq!(total.responses, 101);
        assert_eq!(total.failed, 3);
        assert_eq!(total.dropped, 1);
        // Every request got a response or failed without one; rejected statuses are both.
        let without_response: u64 = total
            .errors
            .iter()
            .filter(|(key, _)| !key.starts_with("http_"))
            .map(|(_, count)| count)
            .sum();
        assert_eq!(total.requests, total.responses + without_response);
        assert_eq!(
            total.errors,
            BTreeMap::from([
                ("dropped".to_string(), 1),
                ("http_5xx".to_string(), 1),
                ("reset".to_string(), 1)
            ])
        );
        assert_eq!(total.latency.count(), 101);
        // Merged extremes are exactly the parts' extremes (HDR keeps 3 digits).
        assert_eq!(total.latency.min(), Some(0.001));
        assert_eq!(total.latency.min(), per_probe_min(&first_copy, 0));
        assert_eq!(total.latency.max(), per_probe_max(&second_copy, 1));
        assert!((total.latency.max().unwrap_or_default() - 0.1).abs() < 0.0001);
        assert_eq!(per_probe[0].tally.requests, 52);
        assert_eq!(per_probe[1].tally.latency.count(), 51);
        assert_eq!(per_probe[1].tally.latency.min(), Some(0.007));
        assert_eq!(
            per_probe[0].tally.latency.count() + per_probe[1].tally.latency.count(),
            total.latency.count()
        );
        assert_eq!(examples["reset"], "reset by peer");
        assert_eq!(examples["http_5xx"], "status 503");
        let reset = &first_failures["reset"];
        assert_eq!(
            (
                reset.probe.as_str(),
                reset.method.as_str(),
                reset.url.as_str()
            ),
            ("a", "GET", "http://h/a?key=***")
        );
        assert_eq!(
            (reset.status, reset.error.as_deref()),
            (None, Some("reset by peer"))
        );
        let status = &first_failures["http_5xx"];
        assert_eq!((status.probe.as_str(), status.status), ("b", Some(503)));
        assert!(status.after >= Duration::from_secs(1), "{:?}", status.after);
        assert!(status.at > started.1);
        assert_eq!(first_failures.len(), 3);
    }

    #[test]
    fn dropped_in_bulk_count_like_one_by_one() {
        let mut figures = Figures::new(2);
        let end = Instant::now();
        figures.record_dropped(&[5, 2], 4, end);
        figures.record_dropped(&[u64::MAX, 0], 0, end);
        assert_eq!(figures.warmup_requests, 4);
        let total = figures.snapshot();
        assert_eq!(total.requests, u64::MAX);
        assert_eq!(figures.per_probe[1].requests, 2);
        assert_eq!(figures.per_probe[1].failed, 2);
        assert_eq!(figures.per_probe[1].errors[ErrorKey::Dropped.slot()], 2);
        assert_eq!(figures.last_end, Some(end));
        assert_eq!(figures.last_sent, None);
    }

    #[test]
    fn keys_name_report_codes() {
        assert_eq!(
            ErrorKey::from_slot(ErrorKey::Status(503).slot()),
            "http_5xx"
        );
        assert_eq!(
            ErrorKey::from_slot(ErrorKey::Status(404).slot()),
            "http_4xx"
        );
        assert_eq!(ErrorKey::from_slot(ErrorKey::Dropped.slot()), "dropped");
        for kind in TransportKind::ALL {
            assert_eq!(
                ErrorKey::from_slot(ErrorKey::Transport(kind).slot()),
                kind.code()
            );
        }
    }
}
