//! Latency recorded in an HDR histogram (microseconds, 3 significant digits), so
//! memory does not grow with the number of requests and runs merge without loss.

use std::time::Duration;

use base64::Engine as _;
use hdrhistogram::Histogram;
use hdrhistogram::serialization::{Serializer as _, V2DeflateSerializer};

/// Highest latency recorded exactly: one hour. Longer values are clamped.
const HIGHEST_MICROS: u64 = 3_600_000_000;

#[derive(Debug, Clone)]
pub struct LatencyHistogram {
    histogram: Histogram<u64>,
}

/// The named figures of a latency distribution, in milliseconds.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LatencySummary {
    pub min: f64,
    pub mean: f64,
    pub p50: f64,
    pub p90: f64,
    pub p95: f64,
    pub p99: f64,
    pub p99_9: f64,
    pub max: f64,
}

impl Default for LatencyHistogram {
    fn default() -> Self {
        Self::new()
    }
}

impl LatencyHistogram {
    pub fn new() -> Self {
        let histogram = Histogram::new_with_bounds(1, HIGHEST_MICROS, 3)
            .unwrap_or_else(|_| unreachable!("bounds are constants within hdrhistogram's limits"));
        Self { histogram }
    }

    pub fn record(&mut self, latency: Duration) {
        let micros = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.histogram
            .saturating_record(micros.clamp(1, HIGHEST_MICROS));
    }

    pub fn merge(&mut self, other: &LatencyHistogram) {
        // Same bounds on both sides, so adding cannot fail.
        let _ = self.histogram.add(&other.histogram);
    }

    pub fn count(&self) -> u64 {
        self.histogram.len()
    }

    /// `pNN` is `value_at_quantile(NN / 100)`, in seconds; `None` without data.
    pub fn percentile(&self, percent: f64) -> Option<f64> {
        (self.count() > 0).then(|| self.histogram.value_at_quantile(percent / 100.0) as f64 / 1e6)
    }

    pub fn mean(&self) -> Option<f64> {
        (self.count() > 0).then(|| self.histogram.mean() / 1e6)
    }

    pub fn min(&self) -> Option<f64> {
        (self.count() > 0).then(|| self.histogram.min() as f64 / 1e6)
    }

    pub fn max(&self) -> Option<f64> {
        (self.count() > 0).then(|| self.histogram.max() as f64 / 1e6)
    }

    pub fn summary(&self) -> Option<LatencySummary> {
        if self.count() == 0 {
            return None;
        }
        let ms = |micros: u64| micros as f64 / 1000.0;
        let at = |q: f64| ms(self.histogram.value_at_quantile(q));
        Some(LatencySummary {
            min: ms(self.histogram.min()),
            mean: self.histogram.mean() / 1000.0,
            p50: at(0.50),
            p90: at(0.90),
            p95: at(0.95),
            p99: at(0.99),
            p99_9: at(0.999),
            max: ms(self.histogram.max()),
        })
    }

    /// HdrHistogram V2 + DEFLATE, base64: readable by every HdrHistogram library.
    pub fn encode(&self) -> String {
        let mut bytes = Vec::new();
        match V2DeflateSerializer::new().serialize(&self.histogram, &mut bytes) {
            Ok(_) => base64::engine::general_purpose::STANDARD.encode(bytes),
            Err(_) => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_and_merge() {
        let mut first = LatencyHistogram::new();
        let mut second = LatencyHistogram::new();
        for ms in 1..=50 {
            first.record(Duration::from_millis(ms));
        }
        for ms in 51..=100 {
            second.record(Duration::from_millis(ms));
        }
        first.merge(&second);
        assert_eq!(first.count(), 100);
        let p95 = first.percentile(95.0).unwrap_or_default();
        assert!((p95 - 0.095).abs() < 0.0001, "{p95}");
        assert_eq!(first.min(), Some(0.001));
        assert!(first.encode().starts_with("HISTF"));
        assert_eq!(LatencyHistogram::new().percentile(50.0), None);
    }
}
