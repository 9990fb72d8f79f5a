//! SIGINT and SIGTERM: the first stops probing so the reports can still be written
//! (`complete: false`); a second exits at once without writing.

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
    tokio::spawn(async move {
        let mut first = true;
        loop {
            let code = next_signal().await;
            if !first {
                std::process::exit(code as i32);
            }
            first = false;
            if let Ok(mut guard) = record.0.lock() {
                *guard = Some(code);
            }
            eprintln!("\nstopping: writing what was measured (press Ctrl-C again to quit at once)");
            cancel.cancel();
        }
    });
    received
}

#[cfg(unix)]
async fn next_signal() -> ExitCode {
    use tokio::signal::unix::{SignalKind, signal};
    let (Ok(mut interrupt), Ok(mut terminate)) = (
        signal(SignalKind::interrupt()),
        signal(SignalKind::terminate()),
    ) else {
        // Without signal handlers, wait forever: the default behaviour stays.
        return std::future::pending().await;
    };
    tokio::select! {
        _ = interrupt.recv() => ExitCode::Interrupted,
        _ = terminate.recv() => ExitCode::Terminated,
    }
}

#[cfg(not(unix))]
async fn next_signal() -> ExitCode {
    let _ = tokio::signal::ctrl_c().await;
    ExitCode::Interrupted
}
