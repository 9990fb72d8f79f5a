//! SIGINT and SIGTERM. The first cancels the run: requests in flight (probes, pages,
//! availability rounds, load) are dropped at once, and the reports are written with
//! what was measured (`complete: false`). A second one does not lose them: the
//! reports are being written already, and it only says so. A third quits at once,
//! without reports, for a run that cannot stop (a disk that does not answer).

use std::sync::{Arc, Mutex};

use run::Cancel;

use crate::exit::ExitCode;

/// Which signal stopped the run, if any.
#[derive(Debug, Clone, Default)]
pub struct Received(Arc<Mutex<Option<ExitCode>>>);

impl Received {
    pub fn received(&self) -> Option<ExitCode> {
        self.0.lock().map(|guard| *guard).unwrap_or(None)
    }
}

pub fn watch(cancel: Cancel) -> Received {
    let received = Received::default();
    let record = received.clone();
    // Registered here, once: a signal that comes before the task first runs, or
    // between two signals, is not missed.
    let mut signals = Signals::new();
    tokio::spawn(async move {
        let mut count = 0;
        loop {
            let code = signals.next().await;
            count += 1;
            match count {
                1 => {
                    if let Ok(mut guard) = record.0.lock() {
                        *guard = Some(code);
                    }
                    eprintln!(
                        "\nstopping: requests in flight cancelled, writing what was measured"
                    );
                    cancel.cancel();
                }
                2 => eprintln!(
                    "\nstill writing what was measured (a third signal quits at once, without reports)"
                ),
                _ => std::process::exit(code as i32),
            }
        }
    });
    received
}

#[cfg(unix)]
struct Signals(Option<(tokio::signal::unix::Signal, tokio::signal::unix::Signal)>);

#[cfg(unix)]
impl Signals {
    fn new() -> Signals {
        use tokio::signal::unix::{SignalKind, signal};
        match (
            signal(SignalKind::interrupt()),
            signal(SignalKind::terminate()),
        ) {
            (Ok(interrupt), Ok(terminate)) => Signals(Some((interrupt, terminate))),
            // Without signal handlers, the default behaviour stays.
            _ => Signals(None),
        }
    }

    async fn next(&mut self) -> ExitCode {
        let Some((interrupt, terminate)) = &mut self.0 else {
            return std::future::pending().await;
        };
        tokio::select! {
            _ = interrupt.recv() => ExitCode::Interrupted,
            _ = terminate.recv() => ExitCode::Terminated,
        }
    }
}

#[cfg(not(unix))]
struct Signals;

#[cfg(not(unix))]
impl Signals {
    fn new() -> Signals {
        Signals
    }

    async fn next(&mut self) -> ExitCode {
        let _ = tokio::signal::ctrl_c().await;
        ExitCode::Interrupted
    }
}
