//! The report stage: one serde model ([`model::Report`], the report.json contract,
//! format `ujilab-report/1`) and the formats that render it: HTML, JUnit,
//! Markdown, the terminal summary and OpenMetrics. Nothing is computed in a writer
//! that the JSON lacks. [`build`] turns a judged scenario into its entry;
//! [`write`] puts the files in place. [`fleet`] reads and writes that same
//! contract: merge, diff, portfolio, and the shard plan.
//!
//! Reads `input` (scenarios, catalogue texts, language), `observe` (what was
//! measured) and `judge` (the gate, verdicts and thresholds it renders; a merge
//! re-judges through `judge` too, never on its own). It must never import the
//! network stage (`run`) or the sandbox: a report is made from data, and this
//! crate's manifest does not list either.

pub mod build;
pub mod fleet;
pub mod html;
pub mod junit;
mod latency_chart;
pub mod local_time;
pub mod markdown;
pub mod model;
pub mod prom;
pub mod standards;
pub mod terminal;
mod waterfall;
mod wording;
pub mod write;

pub use model::Report;
