//! The judge stage: pure functions from a scenario and its observations to rule
//! outcomes, the score, threshold results, the gate and the verdict.
//!
//! [`judge`] is the one entry point for a live run; `ujilab merge` re-judges
//! thresholds with [`thresholds::judge`] and the gate with [`gate::decide`], so a
//! pass is decided by the same code whichever way a report was made.
//!
//! Reads `input` (the scenario, the catalogue) and `observe` (what was measured).
//! Never imports the network (`run`), the report contract (`report`) or the
//! sandbox, and never reads a clock or a file.

pub mod gate;
mod judgement;
pub mod standards;
pub mod thresholds;

pub use judgement::{JudgeSettings, Judgement, judge};
