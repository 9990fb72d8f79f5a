//! Exit codes: the contract with CI pipelines (cli-and-reports.md).

/// The highest that applies wins: a harness fault, then bad input, then a failed gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitCode {
    /// Every scenario passed its gate.
    Success = 0,
    /// At least one loaded scenario failed its gate.
    GateFailed = 1,
    /// A scenario, catalogue or argument could not be loaded; the others still ran.
    BadInput = 2,
    /// The harness could not finish: an internal error or an unwritable report.
    HarnessFault = 3,
    /// Stopped by SIGINT; reports written with `complete: false`.
    Interrupted = 130,
    /// Stopped by SIGTERM; reports written with `complete: false`.
    Terminated = 143,
}

impl From<ExitCode> for std::process::ExitCode {
    fn from(code: ExitCode) -> Self {
        std::process::ExitCode::from(code as u8)
    }
}
