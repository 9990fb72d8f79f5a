//! When a service is down or up: N failed rounds in a row open an incident, M
//! good rounds in a row resolve it (`watch.down_after`, `watch.up_after`). Pure:
//! the scheduler feeds it rounds and commits what it returns.

use crate::store::ServiceStateRow;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum State {
    /// Not enough rounds yet to say.
    Unknown,
    Up,
    Down,
}

impl State {
    pub fn code(self) -> &'static str {
        match self {
            Self::Unknown => "unknown",
            Self::Up => "up",
            Self::Down => "down",
        }
    }

    pub fn from_code(code: &str) -> Self {
        match code {
            "up" => Self::Up,
            "down" => Self::Down,
            _ => Self::Unknown,
        }
    }
}

/// What a round changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Transition {
    /// An incident opens: it started with the first failing round of the streak,
    /// whose failing exchange is the evidence.
    WentDown { started_at: i64, evidence: String },
    /// The open incident is resolved.
    CameUp,
}

/// A service's state and its current streaks.
#[derive(Debug, Clone, PartialEq)]
pub struct Tracker {
    pub state: State,
    pub failed_rounds: u32,
    pub good_rounds: u32,
    /// When the current state began (ms).
    pub since: i64,
    /// The first failing exchange of the current failing streak, and when.
    pub pending: Option<(i64, String)>,
    down_after: u32,
    up_after: u32,
}

impl Tracker {
    /// The state as last committed (or unknown), with the scenario's thresholds.
    pub fn resume(row: Option<&ServiceStateRow>, down_after: u32, up_after: u32, now: i64) -> Self {
        match row {
            Some(row) => Self {
                state: State::from_code(&row.state),
                failed_rounds: row.failed_rounds,
                good_rounds: row.good_rounds,
                since: row.since,
                pending: row.pending_since.zip(row.pending_evidence.clone()),
                down_after: down_after.max(1),
                up_after: up_after.max(1),
            },
            None => Self {
                state: State::Unknown,
                failed_rounds: 0,
                good_rounds: 0,
                since: now,
                pending: None,
                down_after: down_after.max(1),
                up_after: up_after.max(1),
            },
        }
    }

    /// Takes one round into account. `evidence` is asked for only for the first
    /// failing round of a streak.
    pub fn observe(
        &mut self,
        at: i64,
        good: bool,
        evidence: impl FnOnce() -> String,
    ) -> Option<Transition> {
        if good {
            self.good_rounds = self.good_rounds.saturating_add(1);
            self.failed_rounds = 0;
            self.pending = None;
            match self.state {
                State::Down if self.good_rounds >= self.up_after => {
                    self.state = State::Up;
                    self.since = at;
                    Some(Transition::CameUp)
                }
                State::Unknown => {
                    // Nothing was announced, so nothing needs confirming.
                    self.state = State::Up;
                    self.since = at;
                    None
                }
                _ => None,
            }
        } else {
            self.failed_rounds = self.failed_rounds.saturating_add(1);
            self.good_rounds = 0;
            if self.pending.is_none() {
                self.pending = Some((at, evidence()));
            }
            if self.state != State::Down && self.failed_rounds >= self.down_after {
                let (started_at, evidence) = self.pending.clone().unwrap_or((at, String::new()));
                self.state = State::Down;
                self.since = started_at;
                return Some(Transition::WentDown {
                    started_at,
                    evidence,
                });
            }
            None
        }
    }

    pub fn row(&self) -> ServiceStateRow {
        ServiceStateRow {
            state: self.state.code().to_string(),
            failed_rounds: self.failed_rounds,
            good_rounds: self.good_rounds,
            since: self.since,
            last_round: None,
            pending_evidence: self.pending.as_ref().map(|(_, evidence)| evidence.clone()),
            pending_since: self.pending.as_ref().map(|(at, _)| *at),
            open_incident: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn feed(tracker: &mut Tracker, rounds: &str) -> Vec<(usize, Transition)> {
        rounds
            .chars()
            .enumerate()
            .filter_map(|(i, round)| {
                tracker
                    .observe(i as i64, round == '+', || format!("exchange {i}"))
                    .map(|t| (i, t))
            })
            .collect()
    }

    #[test]
    fn down_after_n_failures_in_a_row_with_the_first_failure_as_evidence() {
        let mut tracker = Tracker::resume(None, 3, 2, 0);
        // Two failures, a success, then three: only the last streak counts.
        let changes = feed(&mut tracker, "+--+---");
        assert_eq!(
            changes,
            vec![(
                6,
                Transition::WentDown {
                    started_at: 4,
                    evidence: "exchange 4".into()
                }
            )]
        );
        assert_eq!(tracker.state, State::Down);
        assert_eq!(tracker.since, 4);
    }

    #[test]
    fn up_after_m_successes_and_never_twice() {
        let mut tracker = Tracker::resume(None, 1, 2, 0);
        let changes = feed(&mut tracker, "-+-++++--");
        let kinds: Vec<(usize, bool)> = changes
            .iter()
            .map(|(i, t)| (*i, matches!(t, Transition::CameUp)))
            .collect();
        // Down at 0; one success is not enough; up at 4; down again at 7.
        assert_eq!(kinds, vec![(0, false), (4, true), (7, false)]);
    }

    #[test]
    fn a_service_that_never_failed_opens_no_incident_and_resumes_its_streaks() {
        let mut tracker = Tracker::resume(None, 2, 2, 0);
        assert!(feed(&mut tracker, "+++").is_empty());
        assert_eq!(tracker.state, State::Up);
        tracker.observe(10, false, || "first".into());
        let row = tracker.row();
        // After a restart the streak and its evidence carry on.
        let mut resumed = Tracker::resume(Some(&row), 2, 2, 99);
        assert_eq!(
            resumed.observe(11, false, || "second".into()),
            Some(Transition::WentDown {
                started_at: 10,
                evidence: "first".into()
            })
        );
    }
}
