//! ujilab: a test harness for regional digital public services.
//!
//! Data flows one way, and each stage knows nothing of the stages after it:
//!
//! ```text
//!  YAML files ──► scenario ──► run ──────────────► standards ──► report
//!  (user)        load, check   probes, availability  checks read      json, html,
//!                interpolate   load, pages, tls      observations,    junit, md,
//!                -> Scenario   -> Observations       score -> Score   terminal
//! ```
//!
//! [`gate`] holds scenarios to their thresholds; [`commands`] wires the stages to
//! the command line. The [`sandbox`] is a simulated regency (a real HTTP(S) server)
//! used by `ujilab demo` and by the tests; nothing in the pipeline depends on it.

pub mod cli;
pub mod commands;
pub mod exit;
pub mod fleet;
pub mod gate;
pub mod lang;
pub mod logging;
pub mod progress;
pub mod redact;
pub mod report;
pub mod run;
pub mod sandbox;
pub mod scenario;
pub mod signals;
pub mod standards;
