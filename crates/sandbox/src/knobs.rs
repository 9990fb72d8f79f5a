//! Knobs: plain data describing how a service misbehaves on top of its normal
//! behaviour. Everything is off by default; tests turn on what they need, at start
//! ([`SandboxConfig::knobs`](crate::SandboxConfig)) or while the sandbox runs
//! ([`Sandbox::set_behaviour`](crate::Sandbox::set_behaviour)).

use std::time::Duration;

use crate::Service;

/// Size of [`BodyFault::huge`]: large enough to trip any sane body cap.
pub const HUGE_BODY_BYTES: u64 = 64 * 1024 * 1024;

/// The knobs of every service.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Knobs {
    dukcapil: Behaviour,
    perizinan: Behaviour,
    pengaduan: Behaviour,
    portal: Behaviour,
    desa: Behaviour,
    /// Every TLS handshake waits this long before the server reads the client's
    /// hello: a slow TLS terminator, whatever the host (the name is not known yet).
    handshake_delay: Duration,
}

impl Knobs {
    /// All knobs off.
    pub fn new() -> Self {
        Knobs::default()
    }

    /// Builder form of [`Knobs::set`].
    pub fn with(mut self, service: Service, behaviour: Behaviour) -> Self {
        self.set(service, behaviour);
        self
    }

    /// Replaces one service's behaviour.
    pub fn set(&mut self, service: Service, behaviour: Behaviour) -> &mut Self {
        *self.get_mut(service) = behaviour;
        self
    }

    /// Sets the delay of every TLS handshake (see [`Knobs::handshake_delay`]).
    pub fn with_handshake_delay(mut self, delay: Duration) -> Self {
        self.handshake_delay = delay;
        self
    }

    /// How long every TLS handshake waits before the server reads the hello.
    pub fn handshake_delay(&self) -> Duration {
        self.handshake_delay
    }

    /// One service's behaviour.
    pub fn get(&self, service: Service) -> &Behaviour {
        match service {
            Service::Dukcapil => &self.dukcapil,
            Service::Perizinan => &self.perizinan,
            Service::Pengaduan => &self.pengaduan,
            Service::Portal => &self.portal,
            Service::Desa => &self.desa,
        }
    }

    /// One service's behaviour, to change in place.
    pub fn get_mut(&mut self, service: Service) -> &mut Behaviour {
        match service {
            Service::Dukcapil => &mut self.dukcapil,
            Service::Perizinan => &mut self.perizinan,
            Service::Pengaduan => &mut self.pengaduan,
            Service::Portal => &mut self.portal,
            Service::Desa => &mut self.desa,
        }
    }
}

/// How one service misbehaves. Effects combine; they are applied in this order:
/// periodic stall, delay, connection fault, error, redirect loop, the service's own
/// answer, hostile markup, body fault, header removal, header addition.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Behaviour {
    /// Extra time before every answer.
    pub delay: Duration,
    /// Exactly this many of every 100 consecutive requests answer 503 (which ones is
    /// chosen by the seed, independently of the service's own faults). Above 100
    /// counts as 100.
    pub error_percent: u8,
    /// Headers appended to every answer (after removals, so removing and adding the
    /// same name replaces it, and adding an existing name makes it repeat).
    /// Invalid names or values are skipped with a warning.
    pub add_headers: Vec<(String, String)>,
    /// Header names removed from every answer (case-insensitive).
    pub remove_headers: Vec<String>,
    /// What happens to the body.
    pub body: BodyFault,
    /// Answer every request with a 302 that never ends.
    pub redirect_loop: Option<RedirectLoop>,
    /// Break the connection instead of answering.
    pub connection: ConnectionFault,
    /// Put `<script>alert(1)</script>`, `"><img src=x onerror=alert(1)>` and
    /// `javascript:alert(1)` into headers and bodies, to prove that reports escape
    /// what a service sends.
    pub hostile_markup: bool,
    /// Hold every answer during part of each period.
    pub periodic_stall: Option<PeriodicStall>,
    /// Serve an OpenAPI document that does not match the API (dukcapil only):
    /// `/health` declared to answer `status` OK or DOWN (it answers UP), a
    /// resident declared with a `nama_lengkap` the API never sends.
    pub wrong_openapi: bool,
}

impl Behaviour {
    /// All knobs off.
    pub fn new() -> Self {
        Behaviour::default()
    }

    /// Sets [`Behaviour::delay`].
    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }

    /// Sets [`Behaviour::error_percent`].
    pub fn with_error_percent(mut self, percent: u8) -> Self {
        self.error_percent = percent;
        self
    }

    /// Adds one entry to [`Behaviour::add_headers`].
    pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.add_headers.push((name.into(), value.into()));
        self
    }

    /// Adds one entry to [`Behaviour::remove_headers`].
    pub fn without_header(mut self, name: impl Into<String>) -> Self {
        self.remove_headers.push(name.into());
        self
    }

    /// Sets [`Behaviour::body`].
    pub fn with_body(mut self, body: BodyFault) -> Self {
        self.body = body;
        self
    }

    /// Sets [`Behaviour::redirect_loop`].
    pub fn with_redirect_loop(mut self, redirect_loop: RedirectLoop) -> Self {
        self.redirect_loop = Some(redirect_loop);
        self
    }

    /// Sets [`Behaviour::connection`].
    pub fn with_connection(mut self, fault: ConnectionFault) -> Self {
        self.connection = fault;
        self
    }

    /// Turns on [`Behaviour::hostile_markup`].
    pub fn with_hostile_markup(mut self) -> Self {
        self.hostile_markup = true;
        self
    }

    /// Turns on [`Behaviour::wrong_openapi`].
    pub fn with_wrong_openapi(mut self) -> Self {
        self.wrong_openapi = true;
        self
    }

    /// Sets [`Behaviour::periodic_stall`].
    pub fn with_periodic_stall(mut self, period: Duration, hold: Duration) -> Self {
        self.periodic_stall = Some(PeriodicStall { period, hold });
        self
    }
}

/// What happens to a response body.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum BodyFault {
    /// The service's own body.
    #[default]
    Normal,
    /// Headers (with the full Content-Length) and the first half of the body are
    /// sent, then nothing, forever.
    Stalled,
    /// This many bytes of text, streamed in chunks (never held in memory at once),
    /// with a matching Content-Length.
    Huge { bytes: u64 },
    /// A chunked body that never ends.
    Endless,
    /// Bytes that are not UTF-8, labelled `text/plain; charset=utf-8`.
    InvalidUtf8,
}

impl BodyFault {
    /// A [`BodyFault::Huge`] of [`HUGE_BODY_BYTES`].
    pub fn huge() -> Self {
        BodyFault::Huge {
            bytes: HUGE_BODY_BYTES,
        }
    }
}

/// The shape of a redirect loop.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RedirectLoop {
    /// Every path answers 302 to itself.
    ToItself,
    /// Every path answers 302 to `/loop/a`, which answers 302 to `/loop/b`, which
    /// answers 302 to `/loop/a`.
    BetweenTwoPaths,
}

/// A connection broken instead of an answer.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ConnectionFault {
    /// Answer normally.
    #[default]
    None,
    /// Close the TCP connection abruptly (RST), without any response.
    Reset,
    /// Send bytes that are not HTTP where the response should be (inside TLS on the
    /// HTTPS listener, so that the HTTP layer sees them).
    Garbage,
}

/// Every `period` (measured from sandbox start) the service holds all answers for
/// `hold`: the last `hold` of each period, so a fresh sandbox answers at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PeriodicStall {
    pub period: Duration,
    pub hold: Duration,
}

impl PeriodicStall {
    /// How long an answer ready at `since_start` must wait.
    pub(super) fn wait_at(&self, since_start: Duration) -> Duration {
        if self.period.is_zero() || self.hold.is_zero() {
            return Duration::ZERO;
        }
        let hold = self.hold.min(self.period);
        let period = self.period.as_nanos();
        let phase = since_start.as_nanos() % period;
        let hold_from = period - hold.as_nanos();
        if phase < hold_from {
            Duration::ZERO
        } else {
            // The remainder is below `period`, itself a Duration, so it fits in u64.
            Duration::from_nanos(u64::try_from(period - phase).unwrap_or(u64::MAX))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periodic_stall_holds_the_end_of_each_period() {
        let stall = PeriodicStall {
            period: Duration::from_secs(10),
            hold: Duration::from_secs(1),
        };
        assert_eq!(stall.wait_at(Duration::ZERO), Duration::ZERO);
        assert_eq!(stall.wait_at(Duration::from_millis(8_999)), Duration::ZERO);
        assert_eq!(
            stall.wait_at(Duration::from_millis(9_000)),
            Duration::from_secs(1)
        );
        assert_eq!(
            stall.wait_at(Duration::from_millis(9_750)),
            Duration::from_millis(250)
        );
        assert_eq!(stall.wait_at(Duration::from_millis(10_000)), Duration::ZERO);
        assert_eq!(
            stall.wait_at(Duration::from_millis(19_500)),
            Duration::from_millis(500)
        );
    }

    #[test]
    fn knobs_are_per_service() {
        let knobs = Knobs::new().with(Service::Perizinan, Behaviour::new().with_error_percent(10));
        assert_eq!(knobs.get(Service::Perizinan).error_percent, 10);
        assert_eq!(knobs.get(Service::Dukcapil), &Behaviour::default());
        assert_eq!(knobs.get(Service::Pengaduan), &Behaviour::default());
    }
}
