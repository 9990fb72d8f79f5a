//! The documented ranges of a scenario's numbers: what one machine can sensibly
//! do, so that a typo (`rate: 1e300/s`, `concurrency: 4294967295`) is bad input
//! with a hint instead of a run that busy-loops or aborts on an allocation.
//!
//! The same figures are in `schemas/scenario.schema.json` (a unit test compares
//! them) and in every message that reports a value outside its range.

use std::time::Duration;

/// The highest arrival rate of an open-model load: above what one client machine
/// can send (about 76,000 requests/s against one nginx worker, measured), so
/// anything higher is a typo or a wish.
pub const MAX_RATE_PER_SECOND: f64 = 100_000.0;

/// The most users (closed model) or requests in flight (open model) of a load.
pub const MAX_CONCURRENCY: u64 = 10_000;

/// The most requests a load ended by `requests:` may send.
pub const MAX_LOAD_REQUESTS: u64 = 10_000_000;

/// The most availability rounds, from `samples:` or from `for:` / `every:`.
pub const MAX_AVAILABILITY_SAMPLES: u64 = 100_000;

/// The longest timeout of a probe (`defaults.timeout`, a probe's `timeout`);
/// the shortest is anything above zero.
pub const MAX_TIMEOUT: Duration = Duration::from_secs(3600);

/// The longest interval between availability rounds.
pub const MAX_AVAILABILITY_EVERY: Duration = Duration::from_secs(3600);

/// The most rounds in a row `watch.down_after` and `watch.up_after` may ask for.
pub const MAX_WATCH_STREAK: u32 = 100;

/// The longest availability window (`for:`).
pub const MAX_AVAILABILITY_WINDOW: Duration = Duration::from_secs(7 * 86_400);

/// The longest load run (`duration:`) and warm-up (`warmup:`).
pub const MAX_LOAD_DURATION: Duration = Duration::from_secs(86_400);
pub const MAX_LOAD_WARMUP: Duration = Duration::from_secs(3600);

/// `1 h`, `24 h`, `7 d`: a limit as a scenario would write it.
pub(crate) fn written(duration: Duration) -> String {
    let seconds = duration.as_secs();
    if seconds > 86_400 && seconds.is_multiple_of(86_400) {
        format!("{}d", seconds / 86_400)
    } else if seconds >= 3600 && seconds.is_multiple_of(3600) {
        format!("{}h", seconds / 3600)
    } else if seconds >= 60 && seconds.is_multiple_of(60) {
        format!("{}m", seconds / 60)
    } else {
        format!("{seconds}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_are_written_as_a_scenario_would() {
        assert_eq!(written(MAX_TIMEOUT), "1h");
        assert_eq!(written(MAX_LOAD_DURATION), "24h");
        assert_eq!(written(MAX_AVAILABILITY_WINDOW), "7d");
        assert_eq!(written(Duration::from_secs(90)), "90s");
    }
}
