//! What one worker thread counts while the load runs: plain counters and one HDR
//! histogram per probe of the mix, owned by that thread alone (no lock), merged into
//! a [`LoadResult`](observe::observations::LoadResult) at the end. Memory does not
//! grow with the number of requests.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use observe::exchange::TransportKind;
use observe::latency::LatencyHistogram;
use observe::observations::{LoadTally, ProbeLoad};
use observe::redact::Redactor;

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
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            requests: 0,
            responses: 0,
            failed: 0,
            errors: [0; KEYS],
            latency: LatencyHistogram::new(),
        }
    }
}

impl Tally {
    pub fn merge(&mut self, other: &Tally) {
        self.requests += other.requests;
        self.responses += other.responses;
        self.failed += other.failed;
        for (mine, theirs) in self.errors.iter_mut().zip(other.errors) {
            *mine += theirs;
        }
        self.latency.merge(&other.latency);
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
    /// The status of a complete response, whether the probe accepts it, or why
    /// there was none.
    pub result: Result<(u16, bool), crate::load::transport::Failure>,
}

/// Everything one worker thread counted.
#[derive(Debug, Clone)]
pub struct Figures {
    pub per_probe: Vec<Tally>,
    pub warmup_requests: u64,
    /// End of the last measured request.
    pub last_end: Option<Instant>,
    /// The first message of each error kind (unredacted until merged).
    pub examples: Vec<Option<String>>,
}

impl Figures {
    pub fn new(probes: usize) -> Figures {
        Figures {
            per_probe: vec![Tally::default(); probes],
            warmup_requests: 0,
            last_end: None,
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
        let tally = &mut self.per_probe[outcome.entry];
        tally.requests += 1;
        let failure = match outcome.result {
            Ok((status, accepted)) => {
                tally.responses += 1;
                tally
                    .latency
                    .record(outcome.end.saturating_duration_since(outcome.start));
                if accepted {
                    return;
                }
                (ErrorKey::Status(status), None)
            }
            Err(failure) => (failure.key, Some(failure.message)),
        };
        tally.failed += 1;
        let slot = failure.0.slot();
        tally.errors[slot] += 1;
        if let (None, Some(message)) = (&self.examples[slot], failure.1) {
            self.examples[slot] = Some(message);
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
        for (mine, theirs) in self.examples.iter_mut().zip(&other.examples) {
            if mine.is_none() {
                mine.clone_from(theirs);
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
    pub fn finish(
        self,
        probes: Vec<(String, u32)>,
        redactor: &Redactor,
    ) -> (LoadTally, Vec<ProbeLoad>, BTreeMap<String, String>) {
        let total = self.snapshot().into_load_tally();
        let per_probe = probes
            .into_iter()
            .zip(self.per_probe)
            .map(|((id, weight), tally)| ProbeLoad {
                id,
                weight,
                tally: tally.into_load_tally(),
            })
            .collect();
        let examples = self
            .examples
            .into_iter()
            .enumerate()
            .filter_map(|(slot, message)| {
                message.map(|m| (ErrorKey::from_slot(slot), redactor.redact(&m).into_owned()))
            })
            .collect();
        (total, per_probe, examples)
    }
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
        let (total, per_probe, examples) = first.finish(
            vec![("a".into(), 3), ("b".into(), 1)],
            &Redactor::new(Vec::<String>::new()),
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
