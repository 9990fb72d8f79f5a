//! Where the time of one request went: name lookup, TCP connect, TLS handshake,
//! sending the body, waiting for the response head, and reading the body
//! ([`Timings`]); and one HDR histogram per phase over many requests
//! ([`PhaseHistograms`]), mergeable like the total latency's.
//!
//! The `run` stage measures them (its `exchange` and load modules say how); a phase
//! that did not happen on this request (a reused connection opens nothing, a plain
//! http connection has no handshake, a pinned host needs no lookup) is `None`, never
//! a zero that nothing measured.

use std::fmt;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::latency::LatencyHistogram;

/// The phases of one request (one hop of an exchange).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Timings {
    /// Name lookup, when this request opened a connection and looked its host up.
    pub dns: Option<Duration>,
    /// TCP connect, when this request opened a connection.
    pub connect: Option<Duration>,
    /// TLS handshake, when this request opened an https connection.
    pub tls: Option<Duration>,
    /// Handing the request body to the connection, when there was a body.
    pub send: Option<Duration>,
    /// From the start of the request (lookup and connect included) to the response
    /// head; `None` when no response head arrived.
    pub ttfb: Option<Duration>,
    /// From the response head to the last byte of the body; `None` when the body did
    /// not arrive whole.
    pub transfer: Option<Duration>,
    /// From the start of the request to its end (the body's last byte, or the failure).
    pub total: Duration,
}

impl Timings {
    /// The time between the request being sent and the response head: the server's
    /// share (`ttfb` less lookup, connect, handshake and send).
    pub fn wait(&self) -> Option<Duration> {
        let before = [self.dns, self.connect, self.tls, self.send]
            .into_iter()
            .flatten()
            .sum::<Duration>();
        self.ttfb.map(|ttfb| ttfb.saturating_sub(before))
    }

    /// The measured duration of `phase`, when it happened.
    pub fn get(&self, phase: Phase) -> Option<Duration> {
        match phase {
            Phase::Dns => self.dns,
            Phase::Connect => self.connect,
            Phase::Tls => self.tls,
            Phase::Send => self.send,
            Phase::Wait => self.wait(),
            Phase::Ttfb => self.ttfb,
            Phase::Transfer => self.transfer,
        }
    }

    /// `dns 1 ms, connect 0.2 ms, tls 3 ms, ttfb 12 ms, transfer 0.4 ms, total 13 ms`:
    /// the phases that happened, for traces.
    pub fn describe(&self) -> String {
        let mut parts: Vec<String> = Phase::ALL
            .into_iter()
            .filter(|phase| *phase != Phase::Wait)
            .filter_map(|phase| {
                self.get(phase)
                    .map(|d| format!("{} {}", phase.code(), millis(d)))
            })
            .collect();
        parts.push(format!("total {}", millis(self.total)));
        parts.join(", ")
    }
}

fn millis(duration: Duration) -> String {
    let ms = duration.as_secs_f64() * 1000.0;
    if ms >= 100.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

/// A phase a threshold, a histogram or a report names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Phase {
    Dns,
    Connect,
    Tls,
    Send,
    /// The server's share of the time to first byte.
    Wait,
    Ttfb,
    Transfer,
}

impl Phase {
    pub const ALL: [Phase; 7] = [
        Phase::Dns,
        Phase::Connect,
        Phase::Tls,
        Phase::Send,
        Phase::Wait,
        Phase::Ttfb,
        Phase::Transfer,
    ];

    /// The name in thresholds (`latency.ttfb.p95`) and report.json.
    pub fn code(self) -> &'static str {
        match self {
            Phase::Dns => "dns",
            Phase::Connect => "connect",
            Phase::Tls => "tls",
            Phase::Send => "send",
            Phase::Wait => "wait",
            Phase::Ttfb => "ttfb",
            Phase::Transfer => "transfer",
        }
    }

    pub fn from_code(code: &str) -> Option<Phase> {
        Phase::ALL.into_iter().find(|phase| phase.code() == code)
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// One latency histogram per phase; a request adds to the phases it went through.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PhaseHistograms {
    histograms: [LatencyHistogram; 7],
}

impl PhaseHistograms {
    pub fn record(&mut self, timings: &Timings) {
        for (slot, phase) in Phase::ALL.into_iter().enumerate() {
            if let Some(duration) = timings.get(phase) {
                self.histograms[slot].record(duration);
            }
        }
    }

    /// Records one phase directly (the load engine measures phases one by one).
    pub fn record_phase(&mut self, phase: Phase, duration: Duration) {
        self.histograms[phase as usize].record(duration);
    }

    pub fn merge(&mut self, other: &PhaseHistograms) {
        for (mine, theirs) in self.histograms.iter_mut().zip(&other.histograms) {
            mine.merge(theirs);
        }
    }

    pub fn get(&self, phase: Phase) -> &LatencyHistogram {
        &self.histograms[phase as usize]
    }

    pub fn get_mut(&mut self, phase: Phase) -> &mut LatencyHistogram {
        &mut self.histograms[phase as usize]
    }

    /// The phases with data, in [`Phase::ALL`] order.
    pub fn measured(&self) -> impl Iterator<Item = (Phase, &LatencyHistogram)> {
        Phase::ALL
            .into_iter()
            .map(|phase| (phase, self.get(phase)))
            .filter(|(_, histogram)| histogram.count() > 0)
    }

    pub fn is_empty(&self) -> bool {
        self.measured().next().is_none()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    #[test]
    fn wait_is_ttfb_less_what_came_before() {
        let timings = Timings {
            dns: Some(ms(2)),
            connect: Some(ms(3)),
            tls: Some(ms(10)),
            send: None,
            ttfb: Some(ms(40)),
            transfer: Some(ms(5)),
            total: ms(45),
        };
        assert_eq!(timings.wait(), Some(ms(25)));
        assert_eq!(
            timings.describe(),
            "dns 2.0 ms, connect 3.0 ms, tls 10.0 ms, ttfb 40.0 ms, transfer 5.0 ms, total 45.0 ms"
        );
        let failed = Timings {
            total: ms(100),
            ..Timings::default()
        };
        assert_eq!(failed.wait(), None);
        assert_eq!(failed.describe(), "total 100 ms");
    }

    #[test]
    fn histograms_count_only_phases_that_happened() {
        let mut first = PhaseHistograms::default();
        first.record(&Timings {
            connect: Some(ms(1)),
            ttfb: Some(ms(4)),
            transfer: Some(ms(1)),
            total: ms(5),
            ..Timings::default()
        });
        let mut second = PhaseHistograms::default();
        second.record(&Timings {
            ttfb: Some(ms(2)),
            total: ms(2),
            ..Timings::default()
        });
        first.merge(&second);
        assert_eq!(first.get(Phase::Connect).count(), 1);
        assert_eq!(first.get(Phase::Ttfb).count(), 2);
        assert_eq!(first.get(Phase::Wait).count(), 2);
        assert_eq!(first.get(Phase::Tls).count(), 0);
        let measured: Vec<Phase> = first.measured().map(|(p, _)| p).collect();
        assert_eq!(
            measured,
            [Phase::Connect, Phase::Wait, Phase::Ttfb, Phase::Transfer]
        );
        for phase in Phase::ALL {
            assert_eq!(Phase::from_code(phase.code()), Some(phase));
        }
    }
}
