//! The load schedule as data: which arrival comes next, when it is due, whether it
//! belongs to the warmup, which probe it sends, and when the run is over
//! (semantics.md, "Phases, availability and load").
//!
//! Every request slot of every worker thread claims arrivals from one [`Claims`]
//! (an atomic counter, no lock), in order. In the open model arrival `n` is due at
//! `n / rate` after the start whoever claims it; a slot that claims it late sends it
//! late, and its latency still counts from the due time. Claiming in order makes the
//! slots a FIFO queue in front of an in-flight cap of one request per slot.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use input::scenario::{Load, LoadEnd, LoadModel};

/// Floating-point slack when counting the arrivals that fit in a window, so that
/// `200/s` for `60s` is exactly 12000 arrivals, not 12001.
const EPSILON: f64 = 1e-9;
/// A due time no run reaches (a century), for arithmetic that would overflow.
/// The most arrivals a run schedules (only an absurd rate reaches it).
const MAX_ARRIVALS: u64 = u64::MAX / 2;
const FAR: Duration = Duration::from_secs(100 * 365 * 24 * 3600);

/// The pacing, warmup and end of a load run.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Schedule {
    pub model: LoadModel,
    pub warmup: Duration,
    pub end: LoadEnd,
}

impl Schedule {
    pub fn new(load: &Load) -> Schedule {
        Schedule {
            model: load.model,
            warmup: load.warmup,
            end: load.end,
        }
    }

    /// Open model: arrivals due before `window` has passed (`n / rate < window`).
    fn arrivals_within(rate: f64, window: Duration) -> u64 {
        let exact = window.as_secs_f64() * rate;
        (exact - EPSILON).ceil().max(0.0) as u64
    }

    /// Open model: how many arrivals the warmup holds.
    pub fn warmup_arrivals(&self) -> u64 {
        match self.model {
            LoadModel::Open { rate } => Self::arrivals_within(rate, self.warmup),
            LoadModel::Closed => 0,
        }
    }

    /// Open model: every arrival, warmup included; `None` in the closed model.
    pub fn total_arrivals(&self) -> Option<u64> {
        let LoadModel::Open { rate } = self.model else {
            return None;
        };
        Some(match self.end {
            LoadEnd::Duration(duration) => Self::arrivals_within(rate, self.warmup + duration),
            LoadEnd::Requests(requests) => self.warmup_arrivals().saturating_add(requests),
        })
    }

    /// Open model: when arrival `index` is due, after the start.
    pub fn due(&self, index: u64) -> Duration {
        match self.model {
            LoadModel::Open { rate } => {
                Duration::try_from_secs_f64(index as f64 / rate).unwrap_or(FAR)
            }
            LoadModel::Closed => Duration::ZERO,
        }
    }

    /// Warmup plus duration, when the run ends by time.
    pub fn total_time(&self) -> Option<Duration> {
        match self.end {
            LoadEnd::Duration(duration) => Some(self.warmup + duration),
            LoadEnd::Requests(_) => None,
        }
    }

    /// Arrivals counted after the warmup, when the run ends by count (or, in the open
    /// model, by time: its arrivals are known in advance).
    pub fn measured_arrivals(&self) -> Option<u64> {
        match (self.end, self.total_arrivals()) {
            (LoadEnd::Requests(requests), _) => Some(requests),
            (LoadEnd::Duration(_), Some(total)) => Some(total - self.warmup_arrivals()),
            (LoadEnd::Duration(_), None) => None,
        }
    }
}

/// One arrival a slot has claimed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Arrival {
    /// Position in the run, warmup included; picks the probe from the mix.
    pub index: u64,
    /// When it is due: latency counts from here (open model), or from the send
    /// (closed model, where it is due when claimed).
    pub due: Instant,
    pub warmup: bool,
}

/// What a free slot gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Claim {
    Arrival(Arrival),
    /// The schedule is exhausted (or its time is up): the slot stops.
    Done,
}

/// The schedule started at an instant, shared by every slot of every thread.
#[derive(Debug)]
pub struct Claims {
    schedule: Schedule,
    start: Instant,
    total: Option<u64>,
    warmup_arrivals: u64,
    next: AtomicU64,
    /// Closed model: requests claimed after the warmup (for `requests: N`).
    measured: AtomicU64,
}

impl Claims {
    pub fn new(schedule: Schedule, start: Instant) -> Claims {
        Claims {
            schedule,
            start,
            // Capped well below u64::MAX, so that claiming past the end (each slot
            // once more) never wraps the counter around.
            total: schedule
                .total_arrivals()
                .map(|total| total.min(MAX_ARRIVALS)),
            warmup_arrivals: schedule.warmup_arrivals(),
            next: AtomicU64::new(0),
            measured: AtomicU64::new(0),
        }
    }

    pub fn schedule(&self) -> &Schedule {
        &self.schedule
    }

    /// When the warmup ends (the start of the measured window).
    pub fn warmup_end(&self) -> Instant {
        self.start + self.schedule.warmup
    }

    /// The next arrival for a slot that is free at `now`.
    pub fn claim(&self, now: Instant) -> Claim {
        match self.schedule.model {
            LoadModel::Open { .. } => {
                let index = self.next.fetch_add(1, Ordering::Relaxed);
                if self.total.is_some_and(|total| index >= total) {
                    return Claim::Done;
                }
                Claim::Arrival(Arrival {
                    index,
                    due: self.due(index),
                    warmup: index < self.warmup_arrivals,
                })
            }
            LoadModel::Closed => {
                let since_start = now.saturating_duration_since(self.start);
                if self
                    .schedule
                    .total_time()
                    .is_some_and(|total| since_start >= total)
                {
                    return Claim::Done;
                }
                let warmup = since_start < self.schedule.warmup;
                if let (false, LoadEnd::Requests(requests)) = (warmup, self.schedule.end)
                    && self.measured.fetch_add(1, Ordering::Relaxed) >= requests
                {
                    return Claim::Done;
                }
                Claim::Arrival(Arrival {
                    index: self.next.fetch_add(1, Ordering::Relaxed),
                    due: now,
                    warmup,
                })
            }
        }
    }

    fn due(&self, index: u64) -> Instant {
        let after = self.schedule.due(index);
        self.start
            .checked_add(after)
            .unwrap_or_else(|| self.start + FAR)
    }

    /// Open model: claims at once every arrival not yet claimed that was due more
    /// than `timeout` before `now`; each would be dropped on its claim, so a client
    /// that cannot keep up skips them in one step instead of one by one (at an
    /// absurd rate, there could be more than it would ever get through). The range
    /// of arrival indexes claimed, if any.
    pub fn claim_overdue(&self, now: Instant, timeout: Duration) -> Option<std::ops::Range<u64>> {
        let LoadModel::Open { rate } = self.schedule.model else {
            return None;
        };
        let cutoff = now
            .checked_duration_since(self.start)?
            .checked_sub(timeout)?;
        let mut overdue = Schedule::arrivals_within(rate, cutoff);
        if let Some(total) = self.total {
            overdue = overdue.min(total);
        }
        let before = self.next.fetch_max(overdue, Ordering::Relaxed);
        (before < overdue).then_some(before..overdue)
    }

    /// How many arrivals of `range` belong to the warmup.
    pub fn warmup_in(&self, range: &std::ops::Range<u64>) -> u64 {
        self.warmup_arrivals
            .clamp(range.start, range.end)
            .saturating_sub(range.start)
    }

    /// Arrivals handed out so far (warmup included).
    #[cfg(test)]
    pub fn claimed(&self) -> u64 {
        let next = self.next.load(Ordering::Relaxed);
        self.total.map_or(next, |total| next.min(total))
    }
}

/// A weighted probe mix as a deterministic smooth weighted round-robin (nginx's):
/// `{a: 5, b: 1, c: 1}` sends `a a b a c a a`, spreading each probe evenly instead
/// of in bursts. The cycle is computed once; arrival `n` sends `cycle[n % len]`, so
/// the mix is exact whichever slot or thread claims which arrival.
#[derive(Debug, Clone)]
pub struct Mix {
    cycle: Vec<u32>,
}

/// Longest cycle kept; larger weight sums are scaled down to fit (within 1 per
/// mille of each share).
const MAX_CYCLE: u64 = 1 << 16;

impl Mix {
    /// `weights[i]` is the weight of mix entry `i`; zero weights are treated as 1.
    pub fn new(weights: &[u32]) -> Mix {
        let mut weights: Vec<u64> = weights.iter().map(|&w| u64::from(w.max(1))).collect();
        if weights.is_empty() {
            return Mix { cycle: vec![0] };
        }
        let divisor = weights.iter().copied().fold(0, gcd);
        weights.iter_mut().for_each(|w| *w /= divisor.max(1));
        let sum: u64 = weights.iter().sum();
        if sum > MAX_CYCLE {
            for weight in &mut weights {
                *weight = ((*weight as f64 * MAX_CYCLE as f64 / sum as f64).round() as u64).max(1);
            }
        }
        let total: i64 = weights.iter().map(|&w| w as i64).sum();
        let mut current = vec![0i64; weights.len()];
        let mut cycle = Vec::with_capacity(total as usize);
        for _ in 0..total {
            let mut best = 0;
            for (i, weight) in weights.iter().enumerate() {
                current[i] += *weight as i64;
                if current[i] > current[best] {
                    best = i;
                }
            }
            current[best] -= total;
            cycle.push(best as u32);
        }
        Mix { cycle }
    }

    /// The mix entry arrival `index` sends.
    pub fn pick(&self, index: u64) -> usize {
        self.cycle[(index % self.cycle.len() as u64) as usize] as usize
    }

    /// How many arrivals of `range` each of `entries` mix entries sends.
    pub fn counts(&self, range: std::ops::Range<u64>, entries: usize) -> Vec<u64> {
        let mut counts = vec![0u64; entries];
        let length = self.cycle.len() as u64;
        let span = range.end.saturating_sub(range.start);
        let (cycles, rest) = (span / length, span % length);
        if cycles > 0 {
            for &entry in &self.cycle {
                if let Some(count) = counts.get_mut(entry as usize) {
                    *count = count.saturating_add(cycles);
                }
            }
        }
        for offset in 0..rest {
            if let Some(count) = counts.get_mut(self.pick(range.start + offset)) {
                *count += 1;
            }
        }
        counts
    }
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(rate: f64, warmup: u64, end: LoadEnd) -> Schedule {
        Schedule {
            model: LoadModel::Open { rate },
            warmup: Duration::from_secs(warmup),
            end,
        }
    }

    #[test]
    fn open_arrivals_are_counted_exactly() {
        let secs = |s| LoadEnd::Duration(Duration::from_secs(s));
        assert_eq!(open(200.0, 0, secs(60)).total_arrivals(), Some(12_000));
        assert_eq!(open(0.5, 0, secs(3)).total_arrivals(), Some(2));
        assert_eq!(open(1.0 / 60.0, 0, secs(60)).total_arrivals(), Some(1));
        let warm = open(50.0, 2, secs(10));
        assert_eq!(warm.warmup_arrivals(), 100);
        assert_eq!(warm.total_arrivals(), Some(600));
        assert_eq!(warm.measured_arrivals(), Some(500));
        let counted = open(50.0, 2, LoadEnd::Requests(1000));
        assert_eq!(counted.total_arrivals(), Some(1100));
        assert_eq!(counted.measured_arrivals(), Some(1000));
        assert_eq!(warm.due(25), Duration::from_millis(500));
    }

    #[test]
    fn open_claims_in_order_until_the_end() {
        let start = Instant::now();
        let claims = Claims::new(open(10.0, 1, LoadEnd::Requests(5)), start);
        let mut seen = Vec::new();
        while let Claim::Arrival(arrival) = claims.claim(start) {
            seen.push(arrival);
        }
        assert_eq!(seen.len(), 15);
        assert_eq!(seen.iter().filter(|a| a.warmup).count(), 10);
        assert_eq!(seen[12].due, start + Duration::from_millis(1200));
        assert!(seen.windows(2).all(|w| w[0].index + 1 == w[1].index));
        assert_eq!(claims.claim(start), Claim::Done);
        assert_eq!(claims.claimed(), 15);
    }

    #[test]
    fn closed_claims_by_time_and_by_count() {
        let start = Instant::now();
        let by_time = Claims::new(
            Schedule {
                model: LoadModel::Closed,
                warmup: Duration::from_secs(1),
                end: LoadEnd::Duration(Duration::from_secs(2)),
            },
            start,
        );
        let at = |ms| start + Duration::from_millis(ms);
        assert!(
            matches!(by_time.claim(at(500)), Claim::Arrival(a) if a.warmup && a.due == at(500))
        );
        assert!(matches!(by_time.claim(at(1500)), Claim::Arrival(a) if !a.warmup));
        assert_eq!(by_time.claim(at(3000)), Claim::Done);

        let by_count = Claims::new(
            Schedule {
                model: LoadModel::Closed,
                warmup: Duration::from_secs(1),
                end: LoadEnd::Requests(3),
            },
            start,
        );
        for _ in 0..10 {
            assert!(matches!(by_count.claim(at(10)), Claim::Arrival(a) if a.warmup));
        }
        for _ in 0..3 {
            assert!(matches!(by_count.claim(at(1000)), Claim::Arrival(a) if !a.warmup));
        }
        assert_eq!(by_count.claim(at(1000)), Claim::Done);
    }

    #[test]
    fn mix_is_smooth_and_exact() {
        let mix = Mix::new(&[5, 1, 1]);
        let names: String = (0..7).map(|i| ['a', 'b', 'c'][mix.pick(i)]).collect();
        assert_eq!(names, "aabacaa");
        let mix = Mix::new(&[3, 1]);
        let counts = (0..4000).fold([0; 2], |mut counts, i| {
            counts[mix.pick(i)] += 1;
            counts
        });
        assert_eq!(counts, [3000, 1000]);
        // Weights with a common factor give the same cycle; huge ones are scaled.
        assert_eq!(Mix::new(&[30, 10]).cycle, mix.cycle);
        let big = Mix::new(&[u32::MAX, 1]);
        assert!(big.cycle.len() as u64 <= MAX_CYCLE + 1);
        assert!(big.cycle.contains(&1));
        assert_eq!(Mix::new(&[7]).pick(12345), 0);
        // Counts over a range agree with picking each arrival.
        let mix = Mix::new(&[5, 1, 1]);
        for range in [0..0, 3..4, 2..23, 1000..1700] {
            let mut picked = vec![0u64; 3];
            for index in range.clone() {
                picked[mix.pick(index)] += 1;
            }
            assert_eq!(mix.counts(range.clone(), 3), picked, "{range:?}");
        }
        assert_eq!(mix.counts(0..u64::MAX, 3).iter().sum::<u64>(), u64::MAX);
    }

    #[test]
    fn overdue_arrivals_are_claimed_at_once() {
        let start = Instant::now();
        let claims = Claims::new(open(100.0, 1, LoadEnd::Requests(1000)), start);
        let at = |ms| start + Duration::from_millis(ms);
        let timeout = Duration::from_secs(2);
        assert_eq!(
            claims.claim_overdue(at(1500), timeout),
            None,
            "nothing is late yet"
        );
        assert!(matches!(claims.claim(at(0)), Claim::Arrival(a) if a.index == 0));
        // At 3.5 s, arrivals due before 1.5 s (indexes 0..150) waited past 2 s.
        let overdue = claims.claim_overdue(at(3500), timeout).expect("overdue");
        assert_eq!(overdue, 1..150);
        assert_eq!(claims.warmup_in(&overdue), 99);
        assert_eq!(
            claims.claim_overdue(at(3500), timeout),
            None,
            "claimed once"
        );
        assert!(matches!(claims.claim(at(3500)), Claim::Arrival(a) if a.index == 150));
        // Never past the end of the schedule.
        assert_eq!(claims.claim_overdue(at(100_000), timeout), Some(151..1100));
        assert_eq!(claims.claim(at(100_000)), Claim::Done);
        // An absurd rate: every arrival is due at once and the count saturates.
        let absurd = Claims::new(
            open(1e300, 0, LoadEnd::Duration(Duration::from_secs(1))),
            start,
        );
        let all = absurd.claim_overdue(at(3000), timeout).expect("overdue");
        assert_eq!(all, 0..MAX_ARRIVALS);
        assert_eq!(absurd.claim(at(3000)), Claim::Done);
    }
}
