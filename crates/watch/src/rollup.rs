//! Rolling samples up into per-minute, per-hour and per-day buckets.
//!
//! A minute is rolled once every round started in it has been committed (its end
//! plus a grace longer than any watched timeout); an hour once its minutes are,
//! a day once its hours are. A sample committed late (after the database was
//! away) moves the marks back, and the buckets it touches are rolled again:
//! rolling is idempotent (`INSERT OR REPLACE`).

use std::collections::BTreeMap;

use crate::figures::Figures;
use crate::store::{RollupRow, SPANS, Store, StoreError};

/// At most this much history is rolled in one pass (bounded memory after a long
/// time away); the next pass goes on.
const MAX_PASS_MS: i64 = 6 * 3_600_000;

/// Rolls up what is final at `now` (ms), given the grace after a minute's end;
/// true when nothing final is left to roll (a pass rolls at most six hours).
pub fn roll(store: &mut Store, now: i64, grace_ms: i64) -> Result<bool, StoreError> {
    // Minutes from raw samples.
    let minute = SPANS[0] * 1000;
    let from = match store.rolled_until(SPANS[0])? {
        Some(mark) => mark,
        None => match store.first_sample_at()? {
            Some(first) => first.div_euclid(minute) * minute,
            None => return Ok(true),
        },
    };
    let final_until = (now - grace_ms).div_euclid(minute) * minute;
    let until = final_until.min(from + MAX_PASS_MS);
    let mut caught_up = until >= final_until;
    if until > from {
        let mut buckets: BTreeMap<(i64, i64), Figures> = BTreeMap::new();
        for sample in store.all_samples_between(from, until)? {
            let start = sample.at.div_euclid(minute) * minute;
            buckets
                .entry((sample.series, start))
                .or_default()
                .add_sample(&sample);
        }
        let rows = rows_of(SPANS[0], buckets);
        store.commit_rollups(SPANS[0], &rows, until)?;
    }
    // Hours from minutes, days from hours.
    for level in 1..SPANS.len() {
        let (finer, span) = (SPANS[level - 1], SPANS[level]);
        let span_ms = span * 1000;
        let finer_mark = store.rolled_until(finer)?.unwrap_or(0);
        let from = match store.rolled_until(span)? {
            Some(mark) => mark,
            None => {
                let Some(first) = store.first_sample_at()? else {
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
        for rollup in store.all_rollups_between(finer, from, until)? {
            let start = rollup.start.div_euclid(span_ms) * span_ms;
            buckets
                .entry((rollup.series, start))
                .or_default()
                .add_rollup(&rollup);
        }
        let rows = rows_of(span, buckets);
        store.commit_rollups(span, &rows, until)?;
    }
    Ok(caught_up)
}

/// Rolls until caught up (after a long time away, or for a seeded history).
pub fn roll_all(store: &mut Store, now: i64, grace_ms: i64) -> Result<(), StoreError> {
    while !roll(store, now, grace_ms)? {}
    Ok(())
}

/// A sample at `at` (ms) was committed after its buckets may have been rolled:
/// the marks go back so that they are rolled again.
pub fn reopen(store: &mut Store, at: i64) -> Result<(), StoreError> {
    for span in SPANS {
        let span_ms = span * 1000;
        if let Some(mark) = store.rolled_until(span)?
            && mark > at
        {
            store.commit_rollups(span, &[], at.div_euclid(span_ms) * span_ms)?;
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
            latency: figures.latency.encode(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figures::{marks, window};
    use crate::store::{RoundWrite, SampleRow, ScenarioRow, ServiceStateRow};

    const HOUR: i64 = 3_600_000;

    fn store_with_series(dir: &tempfile::TempDir) -> (Store, i64, i64) {
        let mut store = Store::open(&dir.path().join("h.db")).expect("opens");
        let scenario = store
            .register_scenario(
                &ScenarioRow {
                    id: 0,
                    identity: "svc".into(),
                    service_id: "svc".into(),
                    name: None,
                    region_code: None,
                    region_name: None,
                    base_url: "http://127.0.0.1/".into(),
                    file: "svc.yaml".into(),
                    source: Vec::new(),
                    every_ms: 30_000,
                },
                0,
            )
            .expect("registers");
        let series = store.series(scenario, "health", "default").expect("series");
        // Two days and a bit of samples every 30 s; one in seven is down, and
        // latency grows with the sample's number (so percentiles are known).
        let mut samples = Vec::new();
        for n in 0..(2 * 24 * 120 + 50) {
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
        (store, scenario, series)
    }

    #[test]
    fn any_window_over_rollups_equals_the_same_window_over_raw_samples() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (mut store, _, series) = store_with_series(&dir);
        let end = 1_000 + (2 * 24 * 120 + 50) * 30_000;
        roll_all(&mut store, end + HOUR, 60_000).expect("rolls");
        assert!(roll(&mut store, end + HOUR, 60_000).expect("rolls again, nothing new"));
        let rolled = marks(&store).expect("marks");
        assert!(rolled[2] >= 86_400_000, "a day was rolled: {rolled:?}");
        for (from, to) in [
            (0, end),
            (7 * 60_000 + 13, 30 * HOUR + 17),
            (HOUR, 25 * HOUR),
            (5, 6),
        ] {
            let merged = window(&store, series, from, to, &rolled).expect("window");
            let raw = window(&store, series, from, to, &[0, 0, 0]).expect("raw window");
            assert_eq!(merged.samples, raw.samples, "{from}..{to}");
            assert_eq!(merged.up, raw.up, "{from}..{to}");
            assert_eq!(
                merged.latency.percentile(99.0),
                raw.latency.percentile(99.0),
                "{from}..{to}"
            );
            assert_eq!(merged.latency.count(), raw.latency.count());
        }
        let whole = window(&store, series, 0, end, &rolled).expect("whole");
        assert_eq!(whole.samples, 2 * 24 * 120 + 50);
    }

    #[test]
    fn a_late_sample_reopens_the_buckets_it_falls_in() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (mut store, scenario, series) = store_with_series(&dir);
        let end = 1_000 + (2 * 24 * 120 + 50) * 30_000;
        roll_all(&mut store, end + HOUR, 60_000).expect("rolls");
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
        reopen(&mut store, 5 * HOUR + 12_345).expect("reopens");
        roll(&mut store, end + HOUR, 60_000).expect("rolls");
        let rolled = marks(&store).expect("marks");
        let merged = window(&store, series, 0, end, &rolled).expect("window");
        assert_eq!(merged.samples, 2 * 24 * 120 + 51);
    }
}
