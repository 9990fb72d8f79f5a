//! Rolling samples up into per-minute, per-hour and per-day buckets.
//!
//! A minute is rolled once every round started in it has been committed (its end
//! plus a grace longer than any watched timeout); an hour once its minutes are,
//! a day once its hours are. A sample committed late (after the database was
//! away) moves the marks back, and the buckets it touches are rolled again:
//! rolling is idempotent (`INSERT OR REPLACE`).

use std::collections::BTreeMap;
use std::fmt::Write as _;

use observe::latency::LatencyHistogram;

use crate::figures::Figures;
use crate::store::{RollupRow, SPANS, Store, StoreError};

/// At most this much history is rolled in one pass (bounded memory after a long
/// time away); the next pass goes on.
const MAX_PASS_MS: i64 = 6 * 3_600_000;

/// Rolls up a vantage's series: what is final at `now` (ms), given the grace
/// after a minute's end; true when nothing final is left to roll (a pass rolls
/// at most six hours). Each watch rolls its own vantage only, so several
/// watches writing one history never roll the same rows.
pub fn roll(store: &mut Store, vantage: &str, now: i64, grace_ms: i64) -> Result<bool, StoreError> {
    // Minutes from raw samples.
    let minute = SPANS[0] * 1000;
    let from = match store.rolled_until(vantage, SPANS[0])? {
        Some(mark) => mark,
        None => match store.first_sample_at(vantage)? {
            Some(first) => first.div_euclid(minute) * minute,
            None => return Ok(true),
        },
    };
    let final_until = (now - grace_ms).div_euclid(minute) * minute;
    let until = final_until.min(from + MAX_PASS_MS);
    let mut caught_up = until >= final_until;
    if until > from {
        let mut buckets: BTreeMap<(i64, i64), Figures> = BTreeMap::new();
        for sample in store.all_samples_between(vantage, from, until)? {
            let start = sample.at.div_euclid(minute) * minute;
            buckets
                .entry((sample.series, start))
                .or_default()
                .add_sample(&sample);
        }
        let rows = rows_of(SPANS[0], buckets);
        store.commit_rollups(vantage, SPANS[0], &rows, until)?;
    }
    // Hours from minutes, days from hours.
    for level in 1..SPANS.len() {
        let (finer, span) = (SPANS[level - 1], SPANS[level]);
        let span_ms = span * 1000;
        let finer_mark = store.rolled_until(vantage, finer)?.unwrap_or(0);
        let from = match store.rolled_until(vantage, span)? {
            Some(mark) => mark,
            None => {
                let Some(first) = store.first_sample_at(vantage)? else {
                    continue;
                };
                first.div_euclid(span_ms) * span_ms
            }
        };
        // Bounded like the minutes: a long backlog is rolled over several passes.
        let final_until = finer_mark.div_euclid(span_ms) * span_ms;
        let until =
            final_until.min((from + MAX_PASS_MS.max(span_ms)).div_euclid(span_ms) * span_ms);
        caught_up &= until >= final_until;
        if until <= from {
            continue;
        }
        let mut buckets: BTreeMap<(i64, i64), Figures> = BTreeMap::new();
        for rollup in store.all_rollups_between(vantage, finer, from, until)? {
            let start = rollup.start.div_euclid(span_ms) * span_ms;
            buckets
                .entry((rollup.series, start))
                .or_default()
                .add_rollup(&rollup);
        }
        let rows = rows_of(span, buckets);
        store.commit_rollups(vantage, span, &rows, until)?;
    }
    Ok(caught_up)
}

/// Rolls until caught up (after a long time away, or for a seeded history).
pub fn roll_all(
    store: &mut Store,
    vantage: &str,
    now: i64,
    grace_ms: i64,
) -> Result<(), StoreError> {
    while !roll(store, vantage, now, grace_ms)? {}
    Ok(())
}

/// A sample at `at` (ms) was committed after its buckets may have been rolled:
/// the marks go back so that they are rolled again.
pub fn reopen(store: &mut Store, vantage: &str, at: i64) -> Result<(), StoreError> {
    for span in SPANS {
        let span_ms = span * 1000;
        if let Some(mark) = store.rolled_until(vantage, span)?
            && mark > at
        {
            store.commit_rollups(vantage, span, &[], at.div_euclid(span_ms) * span_ms)?;
        }
    }
    Ok(())
}

fn rows_of(span: i64, buckets: BTreeMap<(i64, i64), Figures>) -> Vec<RollupRow> {
    buckets
        .into_iter()
        .map(|((series, start), figures)| RollupRow {
            series,
            span,
            start,
            samples: figures.samples,
            up: figures.up,
            latency: encode_latency(&figures.latency),
        })
        .collect()
}

/// Starts a rollup's latency written as a list.
const LISTED: &str = "u:";

/// A rollup's latency: the shorter of HdrHistogram V2 + DEFLATE (base64) and the
/// list of its buckets, `u:` then each bucket's value in µs with its count when
/// more than one (`u:8127,9015*2`). A minute of one sample every few minutes
/// takes 6 bytes instead of 84. Both read back into the same histogram.
pub fn encode_latency(histogram: &LatencyHistogram) -> String {
    let full = histogram.encode();
    let mut listed = String::from(LISTED);
    for (index, (micros, count)) in histogram.recorded().into_iter().enumerate() {
        if listed.len() >= full.len() {
            return full;
        }
        if index > 0 {
            listed.push(',');
        }
        let _ = write!(listed, "{micros}");
        if count > 1 {
            let _ = write!(listed, "*{count}");
        }
    }
    if listed.len() < full.len() {
        listed
    } else {
        full
    }
}

/// Reads what [`encode_latency`] wrote (or a histogram as `encode` writes it).
pub fn decode_latency(text: &str) -> Result<LatencyHistogram, String> {
    let Some(list) = text.strip_prefix(LISTED) else {
        return LatencyHistogram::decode(text).map_err(|error| error.to_string());
    };
    let mut histogram = LatencyHistogram::new();
    for item in list.split(',').filter(|item| !item.is_empty()) {
        let (micros, count) = item.split_once('*').unwrap_or((item, "1"));
        let number = |text: &str| {
            text.parse::<u64>()
                .map_err(|_| format!("`{item}` is not MICROS or MICROS*COUNT"))
        };
        histogram.record_micros(number(micros)?, number(count)?);
    }
    Ok(histogram)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::{Marks, marks, window};
    use crate::store::testing::{on_each_backend, scenario};
    use crate::store::{RoundWrite, SampleRow, ServiceStateRow};

    const HOUR: i64 = 3_600_000;
    const SAMPLES: i64 = 2 * 24 * 120 + 50;
    const END: i64 = 1_000 + SAMPLES * 30_000;

    /// A series of `vantage` with two days and a bit of samples every 30 s; one
    /// in seven is down, and latency grows with the sample's number (so
    /// percentiles are known). (scenario, series)
    fn fill(store: &mut Store, vantage: &str) -> (i64, i64) {
        let scenario = scenario(store, "svc");
        let series = store.series(scenario, "health", vantage).expect("series");
        let mut samples = Vec::new();
        for n in 0..SAMPLES {
            samples.push(SampleRow {
                series,
                at: 1_000 + n * 30_000,
                up: n % 7 != 0,
                status: Some(if n % 7 == 0 { 500 } else { 200 }),
                latency_us: Some(1_000 + n),
                error_kind: None,
            });
        }
        for chunk in samples.chunks(500) {
            store
                .commit_round(&RoundWrite {
                    scenario,
                    at: chunk[0].at,
                    samples: chunk.to_vec(),
                    state: ServiceStateRow {
                        state: "up".into(),
                        ..ServiceStateRow::default()
                    },
                    change: None,
                })
                .expect("commits");
        }
        (scenario, series)
    }

    #[test]
    fn any_window_over_rollups_equals_the_same_window_over_raw_samples() {
        on_each_backend(|open| {
            let mut store = open().expect("opens");
            let (_, series) = fill(&mut store, "default");
            roll_all(&mut store, "default", END + HOUR, 60_000).expect("rolls");
            assert!(
                roll(&mut store, "default", END + HOUR, 60_000).expect("rolls again, nothing new")
            );
            let rolled = marks(&store).expect("marks");
            assert!(
                rolled.of(series)[2] >= 86_400_000,
                "a day was rolled: {rolled:?}"
            );
            for (from, to) in [
                (0, END),
                (7 * 60_000 + 13, 30 * HOUR + 17),
                (HOUR, 25 * HOUR),
                (5, 6),
            ] {
                let merged = window(&store, series, from, to, &rolled).expect("window");
                let raw = window(&store, series, from, to, &Marks::none()).expect("raw window");
                assert_eq!(merged.samples, raw.samples, "{from}..{to}");
                assert_eq!(merged.up, raw.up, "{from}..{to}");
                assert_eq!(
                    merged.latency.percentile(99.0),
                    raw.latency.percentile(99.0),
                    "{from}..{to}"
                );
                assert_eq!(merged.latency.count(), raw.latency.count());
            }
            let whole = window(&store, series, 0, END, &rolled).expect("whole");
            assert_eq!(whole.samples, SAMPLES as u64);
        });
    }

    #[test]
    fn a_late_sample_reopens_the_buckets_it_falls_in() {
        on_each_backend(|open| {
            let mut store = open().expect("opens");
            let (scenario, series) = fill(&mut store, "default");
            roll_all(&mut store, "default", END + HOUR, 60_000).expect("rolls");
            let late = SampleRow {
                series,
                at: 5 * HOUR + 12_345,
                up: false,
                status: None,
                latency_us: None,
                error_kind: Some("timeout".into()),
            };
            store
                .commit_round(&RoundWrite {
                    scenario,
                    at: late.at,
                    samples: vec![late],
                    state: ServiceStateRow::default(),
                    change: None,
                })
                .expect("commits");
            reopen(&mut store, "default", 5 * HOUR + 12_345).expect("reopens");
            roll(&mut store, "default", END + HOUR, 60_000).expect("rolls");
            let rolled = marks(&store).expect("marks");
            let merged = window(&store, series, 0, END, &rolled).expect("window");
            assert_eq!(merged.samples, SAMPLES as u64 + 1);
        });
    }

    /// A rollup's latency reads back as the same histogram whichever form was
    /// shorter: listed for a few latencies, HdrHistogram for many.
    #[test]
    fn rollup_latency_is_written_short_and_reads_back_the_same() {
        let mut few = LatencyHistogram::new();
        for micros in [8_123, 9_001, 9_001, 1_500_000] {
            few.record(std::time::Duration::from_micros(micros));
        }
        let mut many = LatencyHistogram::new();
        for n in 0..5_000u64 {
            many.record(std::time::Duration::from_micros(1_000 + n * 37));
        }
        let empty = LatencyHistogram::new();
        for (histogram, listed) in [(&few, true), (&many, false), (&empty, true)] {
            let written = encode_latency(histogram);
            assert_eq!(written.starts_with(LISTED), listed, "{written}");
            assert!(written.len() <= histogram.encode().len());
            let read = decode_latency(&written).expect("reads");
            assert_eq!(read.count(), histogram.count());
            assert_eq!(read.recorded(), histogram.recorded(), "{written}");
            for p in [50.0, 95.0, 99.0, 100.0] {
                assert_eq!(read.percentile(p), histogram.percentile(p));
            }
        }
        assert!(encode_latency(&few).len() < 40, "{}", encode_latency(&few));
        assert!(decode_latency("u:12,x").is_err());
        assert_eq!(
            decode_latency(&many.encode())
                .expect("a histogram as encode writes it")
                .count(),
            5_000
        );
    }

    /// Two watches (two connections) with their own vantages in one history:
    /// each rolls its own series only, so every sample is in the rollups once,
    /// and a window counts both vantages' samples.
    #[test]
    fn two_vantages_roll_up_their_own_series_once() {
        on_each_backend(|open| {
            let (mut jakarta, mut medan) = (open().expect("opens"), open().expect("opens"));
            let (_, west) = fill(&mut jakarta, "jakarta");
            let (_, east) = fill(&mut medan, "medan");
            roll_all(&mut jakarta, "jakarta", END + HOUR, 60_000).expect("rolls");
            assert!(
                medan
                    .all_rollups_between("medan", 60, 0, END)
                    .expect("rollups")
                    .is_empty(),
                "jakarta rolled no row of medan's"
            );
            let rolled = marks(&medan).expect("marks");
            assert_eq!(rolled.of(east), [0; 3], "medan's series are not rolled yet");
            let count = |store: &Store, rolled: &Marks| {
                [west, east]
                    .iter()
                    .map(|&series| {
                        window(store, series, 0, END, rolled)
                            .expect("window")
                            .samples
                    })
                    .sum::<u64>()
            };
            assert_eq!(count(&medan, &rolled), 2 * SAMPLES as u64);
            roll_all(&mut medan, "medan", END + HOUR, 60_000).expect("rolls");
            // Rolling again, from either side, changes nothing.
            roll_all(&mut jakarta, "jakarta", END + 2 * HOUR, 60_000).expect("rolls");
            let rolled = marks(&jakarta).expect("marks");
            assert!(rolled.of(east)[2] >= 86_400_000 && rolled.of(west)[2] >= 86_400_000);
            assert_eq!(count(&jakarta, &rolled), 2 * SAMPLES as u64);
            for (store, vantage) in [(&jakarta, "jakarta"), (&medan, "medan")] {
                let minutes: u64 = store
                    .all_rollups_between(vantage, 60, 0, END + HOUR)
                    .expect("rollups")
                    .iter()
                    .map(|row| row.samples)
                    .sum();
                assert_eq!(
                    minutes, SAMPLES as u64,
                    "{vantage}'s minutes hold each sample once"
                );
            }
        });
    }
}
