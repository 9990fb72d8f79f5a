//! One connection: hyper (HTTP/1.1 or HTTP/2, by preface) over the socket, and the
//! two faults that happen below HTTP, where a service handler cannot reach: an
//! abrupt reset and garbage bytes instead of a response.
//!
//! A handler asks for either through [`ConnControl`]; the socket wrapper [`Wire`]
//! carries them out.

use std::convert::Infallible;
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, ready};

use hyper::service::service_fn;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::TcpStream;
use tokio::sync::{Notify, watch};

use crate::respond;
use crate::server::{SHUTDOWN_GRACE, Shared, stopped};

/// What the bytes would look like if a wrong program answered on the port: an SSH
/// banner, a TLS record header and binary noise. Nothing an HTTP parser accepts.
const GARBAGE: &[u8] =
    b"SSH-2.0-OpenSSH_5.3\r\n\x16\x03\x01\x00\xff\x00\xde\xad\xbe\xef\xfe\xed\xfa\xce\r\n\r\n";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Scheme {
    Http,
    Https,
}

/// What a handler knows about the connection its request came on.
#[derive(Clone)]
pub(super) struct ConnInfo {
    pub scheme: Scheme,
    /// The TLS SNI name, if any.
    pub sni: Option<String>,
    /// Whether the client presented a certificate signed by the client CA.
    pub client_certificate: bool,
    pub control: Arc<ConnControl>,
}

impl ConnInfo {
    pub fn new(scheme: Scheme, sni: Option<String>, client_certificate: bool) -> Self {
        ConnInfo {
            scheme,
            sni,
            client_certificate,
            control: Arc::new(ConnControl::default()),
        }
    }
}

/// Requests from a handler to break its connection.
#[derive(Default)]
pub(super) struct ConnControl {
    reset: AtomicBool,
    garbage: AtomicBool,
    reset_now: Notify,
}

impl ConnControl {
    /// Drop the connection at once with an RST. The caller should not answer.
    pub fn request_reset(&self) {
        self.reset.store(true, Ordering::SeqCst);
        // notify_one keeps a permit if the connection task is not waiting yet.
        self.reset_now.notify_one();
    }

    /// Replace everything written from now on by garbage.
    pub fn request_garbage(&self) {
        self.garbage.store(true, Ordering::SeqCst);
    }

    async fn reset_requested(&self) {
        self.reset_now.notified().await;
    }
}

/// A transport whose TCP socket can be reached, for SO_LINGER.
pub(super) trait Transport: AsyncRead + AsyncWrite + Unpin + Send + 'static {
    fn tcp(&self) -> &TcpStream;
}

impl Transport for TcpStream {
    fn tcp(&self) -> &TcpStream {
        self
    }
}

impl Transport for tokio_rustls::server::TlsStream<TcpStream> {
    fn tcp(&self) -> &TcpStream {
        self.get_ref().0
    }
}

/// The socket as hyper sees it. It sits above TLS, so garbage is sent inside TLS
/// records and reaches the client's HTTP parser rather than its TLS layer.
struct Wire<T: Transport> {
    inner: T,
    control: Arc<ConnControl>,
    garbage_sent: usize,
}

impl<T: Transport> AsyncRead for Wire<T> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_read(cx, buf)
    }
}

impl<T: Transport> AsyncWrite for Wire<T> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if !this.control.garbage.load(Ordering::SeqCst) {
            return Pin::new(&mut this.inner).poll_write(cx, buf);
        }
        while this.garbage_sent < GARBAGE.len() {
            let rest = &GARBAGE[this.garbage_sent..];
            let written = ready!(Pin::new(&mut this.inner).poll_write(cx, rest))?;
            if written == 0 {
                return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
            }
            this.garbage_sent += written;
        }
        // Claim hyper's bytes were sent so it carries on; the client, which got
        // garbage, will give up and close.
        Poll::Ready(Ok(buf.len()))
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

impl<T: Transport> Drop for Wire<T> {
    fn drop(&mut self) {
        if self.control.reset.load(Ordering::SeqCst) {
            // With a zero linger, closing sends RST instead of FIN: the client sees
            // "connection reset by peer", not an orderly end of stream.
            if let Err(error) = self.inner.tcp().set_zero_linger() {
                tracing::debug!(%error, "sandbox could not arm the connection reset");
            }
        }
    }
}

/// Serves one connection until the client leaves, a handler asks for a reset, or
/// the sandbox stops (then in-flight answers get [`SHUTDOWN_GRACE`]).
pub(super) async fn serve<T: Transport>(
    io: T,
    info: ConnInfo,
    shared: Arc<Shared>,
    mut stop: watch::Receiver<bool>,
) {
    let control = Arc::clone(&info.control);
    let wire = Wire {
        inner: io,
        control: Arc::clone(&control),
        garbage_sent: 0,
    };
    let service = service_fn(move |request| {
        let shared = Arc::clone(&shared);
        let info = info.clone();
        async move { Ok::<_, Infallible>(respond::answer(&shared, &info, request).await) }
    });

    let mut builder = auto::Builder::new(TokioExecutor::new());
    // The timer lets hyper enforce its header-read timeout, so a client that never
    // finishes its request head does not hold the connection forever.
    builder.http1().timer(TokioTimer::new());
    builder.http2().timer(TokioTimer::new());
    let connection = builder.serve_connection(TokioIo::new(wire), service);
    tokio::pin!(connection);

    tokio::select! {
        served = connection.as_mut() => {
            if let Err(error) = served {
                tracing::debug!(%error, "sandbox connection ended with an error");
            }
        }
        () = control.reset_requested() => {}
        () = stopped(&mut stop) => {
            connection.as_mut().graceful_shutdown();
            tokio::select! {
                _ = connection.as_mut() => {}
                () = control.reset_requested() => {}
                () = tokio::time::sleep(SHUTDOWN_GRACE) => {}
            }
        }
    }
    // Dropping the connection here drops the Wire, which resets the socket if asked.
}
