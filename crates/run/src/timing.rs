//! Measuring the phases of a request sent through reqwest, which does not report
//! them itself.
//!
//! Each request (one hop of an exchange) runs inside a task-local [`PhaseClock`]
//! scope ([`PhaseClock::time`]). Hooks installed on the client mark the moments as
//! the connection is made, all of them polled inside the request's own future:
//!
//! - [`TimedResolver`] (reqwest's `dns_resolver`): the lookup's start and end. A host
//!   pinned with `resolve` is never looked up, so it has no DNS phase.
//! - [`TimedConnect`] (reqwest's `connector_layer`): the start and end of making the
//!   connection, TCP and TLS together.
//! - [`TimedSessionStore`] (rustls' session store): rustls asks it for a key-share
//!   hint while building its ClientHello, right after the TCP connection is up; that
//!   moment splits connect from the TLS handshake.
//! - [`TimedBody`]: the request body handed to the connection in 16 KiB pieces; the
//!   last piece taken ends the send phase (the connection's write buffer takes the
//!   rest, so a large upload is timed to within that buffer).
//!
//! A request that reuses a pooled connection opens none, so it has no DNS, connect or
//! TLS phase: nothing marks them inside its scope. A connection that hyper finishes
//! in the background after another request's pooled connection won the race is
//! polled outside any scope and is not credited to anyone.

use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};
use std::time::Instant;

use bytes::Bytes;
use hyper::body::{Body, Frame, SizeHint};
use rustls::NamedGroup;
use rustls::client::{ClientSessionMemoryCache, ClientSessionStore};
use rustls_pki_types::ServerName;

use observe::timing::Timings;

/// Request bodies are handed over in pieces of this size (see the module docs).
const SEND_PIECE: usize = 16 * 1024;

tokio::task_local! {
    static CLOCK: Arc<PhaseClock>;
}

/// The moments marked while one request was sent.
#[derive(Debug, Default)]
pub(crate) struct PhaseClock {
    marks: Mutex<Marks>,
}

#[derive(Debug, Default, Clone, Copy)]
struct Marks {
    dns_start: Option<Instant>,
    dns_end: Option<Instant>,
    connect_start: Option<Instant>,
    tls_start: Option<Instant>,
    connect_end: Option<Instant>,
    send_end: Option<Instant>,
}

impl PhaseClock {
    /// Runs `request` with this clock in scope, so the client's hooks mark it.
    pub(crate) async fn time<F: Future>(self: &Arc<Self>, request: F) -> F::Output {
        CLOCK.scope(Arc::clone(self), request).await
    }

    fn marks(&self) -> Marks {
        *self.marks.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn mark(&self, set: impl FnOnce(&mut Marks)) {
        set(&mut self.marks.lock().unwrap_or_else(PoisonError::into_inner));
    }

    /// Marks the clock of the request being polled, when there is one.
    fn mark_current(set: impl FnOnce(&mut Marks)) {
        let _outside_any_request = CLOCK.try_with(|clock| clock.mark(set));
    }

    /// The phases of a request that started at `start`, got its response head at
    /// `head` (when it did) and ended at `end`: the body's last byte when `complete`,
    /// else the failure.
    pub(crate) fn timings(
        &self,
        start: Instant,
        head: Option<Instant>,
        end: Instant,
        complete: bool,
    ) -> Timings {
        let marks = self.marks();
        let between = |from: Option<Instant>, to: Option<Instant>| Some(to?.duration_since(from?));
        let dns = between(marks.dns_start, marks.dns_end);
        let tcp_start = marks.dns_end.or(marks.connect_start);
        let (connect, tls) = match marks.tls_start {
            Some(tls_start) => (
                between(tcp_start, Some(tls_start)),
                between(Some(tls_start), marks.connect_end),
            ),
            None => (between(tcp_start, marks.connect_end), None),
        };
        let sending_from = marks.connect_end.map_or(start, |at| at.max(start));
        let send = between(Some(sending_from), marks.send_end);
        Timings {
            dns,
            connect,
            tls,
            send,
            ttfb: head.map(|head| head.duration_since(start)),
            transfer: head
                .filter(|_| complete)
                .map(|head| end.duration_since(head)),
            total: end.duration_since(start),
        }
    }
}

/// reqwest's name resolver, timed: the system resolver (`getaddrinfo` on a blocking
/// thread, as reqwest's default does).
#[derive(Debug, Default)]
pub(crate) struct TimedResolver;

impl reqwest::dns::Resolve for TimedResolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let host = name.as_str().to_string();
        Box::pin(async move {
            PhaseClock::mark_current(|m| m.dns_start = Some(Instant::now()));
            let found = tokio::net::lookup_host((host.as_str(), 0)).await;
            PhaseClock::mark_current(|m| m.dns_end = Some(Instant::now()));
            let addrs: reqwest::dns::Addrs = Box::new(found?.collect::<Vec<_>>().into_iter());
            Ok(addrs)
        })
    }
}

/// A connector layer marking the start and end of each new connection.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct TimedConnect;

impl<S> tower::Layer<S> for TimedConnect {
    type Service = TimedConnector<S>;

    fn layer(&self, inner: S) -> TimedConnector<S> {
        TimedConnector { inner }
    }
}

#[derive(Debug, Clone)]
pub(crate) struct TimedConnector<S> {
    inner: S,
}

impl<S, R> tower::Service<R> for TimedConnector<S>
where
    S: tower::Service<R>,
    S::Future: Send + 'static,
{
    type Response = S::Response;
    type Error = S::Error;
    type Future = Pin<Box<dyn Future<Output = Result<S::Response, S::Error>> + Send>>;

    fn poll_ready(&mut self, cx: &mut Context<'_>) -> Poll<Result<(), S::Error>> {
        self.inner.poll_ready(cx)
    }

    fn call(&mut self, request: R) -> Self::Future {
        let connecting = self.inner.call(request);
        Box::pin(async move {
            PhaseClock::mark_current(|m| m.connect_start = Some(Instant::now()));
            let connected = connecting.await;
            PhaseClock::mark_current(|m| m.connect_end = Some(Instant::now()));
            connected
        })
    }
}

/// rustls' in-memory session cache (its default), marking when a handshake starts.
#[derive(Debug)]
pub(crate) struct TimedSessionStore {
    inner: ClientSessionMemoryCache,
}

impl TimedSessionStore {
    pub(crate) fn new() -> TimedSessionStore {
        TimedSessionStore {
            // rustls' own default size.
            inner: ClientSessionMemoryCache::new(256),
        }
    }
}

impl ClientSessionStore for TimedSessionStore {
    fn set_kx_hint(&self, server_name: ServerName<'static>, group: NamedGroup) {
        self.inner.set_kx_hint(server_name, group);
    }

    fn kx_hint(&self, server_name: &ServerName<'_>) -> Option<NamedGroup> {
        // Asked once per handshake, while the ClientHello is built.
        PhaseClock::mark_current(|m| m.tls_start = Some(Instant::now()));
        self.inner.kx_hint(server_name)
    }

    fn set_tls12_session(
        &self,
        server_name: ServerName<'static>,
        value: rustls::client::Tls12ClientSessionValue,
    ) {
        self.inner.set_tls12_session(server_name, value);
    }

    fn tls12_session(
        &self,
        server_name: &ServerName<'_>,
    ) -> Option<rustls::client::Tls12ClientSessionValue> {
        self.inner.tls12_session(server_name)
    }

    fn remove_tls12_session(&self, server_name: &ServerName<'static>) {
        self.inner.remove_tls12_session(server_name);
    }

    fn insert_tls13_ticket(
        &self,
        server_name: ServerName<'static>,
        value: rustls::client::Tls13ClientSessionValue,
    ) {
        self.inner.insert_tls13_ticket(server_name, value);
    }

    fn take_tls13_ticket(
        &self,
        server_name: &ServerName<'static>,
    ) -> Option<rustls::client::Tls13ClientSessionValue> {
        self.inner.take_tls13_ticket(server_name)
    }
}

/// A request body of known length that marks `clock` when its last piece is taken.
/// Polled by the connection's task, not the request's, so it holds its clock.
pub(crate) struct TimedBody {
    rest: Bytes,
    clock: Arc<PhaseClock>,
}

impl TimedBody {
    pub(crate) fn new(body: Bytes, clock: Arc<PhaseClock>) -> TimedBody {
        TimedBody { rest: body, clock }
    }
}

impl Body for TimedBody {
    type Data = Bytes;
    type Error = std::convert::Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Self::Error>>> {
        if self.rest.is_empty() {
            return Poll::Ready(None);
        }
        let take = self.rest.len().min(SEND_PIECE);
        let piece = self.rest.split_to(take);
        if self.rest.is_empty() {
            self.clock.mark(|m| m.send_end = Some(Instant::now()));
        }
        Poll::Ready(Some(Ok(Frame::data(piece))))
    }

    fn is_end_stream(&self) -> bool {
        self.rest.is_empty()
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.rest.len() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn marks_split_the_connection_into_lookup_connect_and_handshake() {
        let start = Instant::now();
        let at = |ms: u64| start + Duration::from_millis(ms);
        let clock = PhaseClock::default();
        clock.mark(|m| {
            m.connect_start = Some(at(0));
            m.dns_start = Some(at(1));
            m.dns_end = Some(at(5));
            m.tls_start = Some(at(8));
            m.connect_end = Some(at(20));
            m.send_end = Some(at(21));
        });
        let timings = clock.timings(start, Some(at(50)), at(60), true);
        assert_eq!(timings.dns, Some(Duration::from_millis(4)));
        assert_eq!(timings.connect, Some(Duration::from_millis(3)));
        assert_eq!(timings.tls, Some(Duration::from_millis(12)));
        assert_eq!(timings.send, Some(Duration::from_millis(1)));
        assert_eq!(timings.ttfb, Some(Duration::from_millis(50)));
        assert_eq!(timings.transfer, Some(Duration::from_millis(10)));
        assert_eq!(timings.total, Duration::from_millis(60));
        assert_eq!(timings.wait(), Some(Duration::from_millis(30)));
    }

    #[test]
    fn a_reused_connection_has_no_connection_phases_and_a_failure_no_transfer() {
        let start = Instant::now();
        let clock = PhaseClock::default();
        let timings = clock.timings(start, None, start + Duration::from_millis(9), false);
        assert_eq!(
            timings,
            Timings {
                total: Duration::from_millis(9),
                ..Timings::default()
            }
        );
    }
}
