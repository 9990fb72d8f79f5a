//! The human report formats (report.html, junit.xml, summary.md and the terminal
//! summary), rendered from hand-built reports that have every block the model has
//! (`fixture`) and from real runs against the sandbox, including a hostile service.
//! Checked by snapshot (insta, times and durations redacted), against an XSD of the
//! JUnit structure (xmllint), and in a real headless Chromium (`browser`).

pub(crate) mod browser;
pub(crate) mod fixture;
mod formats;
mod hostile;
mod junit;
mod snapshots;
