//! The figures of a series over any window: sample and up counts, and the
//! latency of complete responses as one HdrHistogram. A window is covered by the
//! largest rollups that fit inside it and raw samples at its edges, so counts are
//! exact and percentiles are exact merges, whatever its length.

use observe::latency::LatencyHistogram;

use std::collections::HashMap;

use crate::store::{RollupRow, SPANS, SampleRow, Store, StoreError};

#[derive(Debug, Clone, Default, PartialEq)]
pub struct Figures {
    pub samples: u64,
    pub up: u64,
    pub latency: LatencyHistogram,
}

impl Figures {
    pub fn add_sample(&mut self, sample: &SampleRow) {
        self.samples += 1;
        self.up += u64::from(sample.up);
        if let Some(micros) = sample.latency_us {
            self.latency
                .record(std::time::Duration::from_micros(micros.max(0) as u64));
        }
    }

    /// Adds a rollup; a histogram that does not decode counts its samples but
    /// not its latency (and says so in the log).
    pub fn add_rollup(&mut self, rollup: &RollupRow) {
        self.samples += rollup.samples;
        self.up += rollup.up;
        match crate::rollup::decode_latency(&rollup.latency) {
            Ok(histogram) => self.latency.merge(&histogram),
            Err(error) => tracing::warn!(
                "rollup of series {} at {} has an unreadable histogram: {error}",
                rollup.series,
                rollup.start
            ),
        }
    }

    pub fn merge(&mut self, other: &Figures) {
        self.samples += other.samples;
        self.up += other.up;
        self.latency.merge(&other.latency);
    }

    /// The up ratio; `None` without samples (no sample never certifies).
    pub fn ratio(&self) -> Option<f64> {
        (self.samples > 0).then(|| self.up as f64 / self.samples as f64)
    }
}

/// How far each series is rolled up, read once per query: for each span, up to
/// which time (ms) its vantage has rolled it, 0 when not at all.
#[derive(Debug, Clone, Default)]
pub struct Marks(HashMap<i64, [i64; 3]>);

impl Marks {
    /// No marks: every window is read from raw samples.
    pub fn none() -> Self {
        Self::default()
    }

    /// The marks of one series, finest span first.
    pub fn of(&self, series: i64) -> [i64; 3] {
        self.0.get(&series).copied().unwrap_or([0; 3])
    }
}

pub fn marks(store: &Store) -> Result<Marks, StoreError> {
    let mut marks = Marks::default();
    for (series, span, until) in store.marks()? {
        if let Some(index) = SPANS.iter().position(|known| *known == span) {
            marks.0.entry(series).or_insert([0; 3])[index] = until;
        }
    }
    Ok(marks)
}

/// The figures of `series` from `from` to `to` (ms, `to` excluded).
pub fn window(
    store: &Store,
    series: i64,
    from: i64,
    to: i64,
    marks: &Marks,
) -> Result<Figures, StoreError> {
    let mut figures = Figures::default();
    cover(
        store,
        series,
        from,
        to,
        &marks.of(series),
        SPANS.len(),
        &mut figures,
    )?;
    Ok(figures)
}

/// Adds `[from, to)` to `figures`, with spans finer than `SPANS[below]` only.
fn cover(
    store: &Store,
    series: i64,
    from: i64,
    to: i64,
    marks: &[i64; 3],
    below: usize,
    figures: &mut Figures,
) -> Result<(), StoreError> {
    if from >= to {
        return Ok(());
    }
    for index in (0..below).rev() {
        let span = SPANS[index] * 1000;
        let start =
            from.div_euclid(span) * span + if from.rem_euclid(span) == 0 { 0 } else { span };
        let end = to.min(marks[index]).div_euclid(span) * span;
        if start < end {
            for rollup in store.rollups_between(series, SPANS[index], start, end)? {
                figures.add_rollup(&rollup);
            }
            cover(store, series, from, start, marks, index, figures)?;
            cover(store, series, end, to, marks, index, figures)?;
            return Ok(());
        }
    }
    for sample in store.samples_between(series, from, to)? {
        figures.add_sample(&sample);
    }
    Ok(())
}
