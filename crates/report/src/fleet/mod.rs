//! Fleet scale: one scenario set split into shards that any scheduler can run
//! (a Kubernetes Indexed Job, a CI matrix), possibly from several vantage points,
//! and the tools that work on the resulting reports: merge them into one as if a
//! single machine had run everything, compare two runs, roll regions up into a
//! portfolio.
//!
//! Everything here reads and writes `report.json` (the contract); nothing touches
//! the network.

pub mod consistency;
pub mod diff;
pub mod merge;
pub mod portfolio;
pub mod read;
pub mod shard;
#[cfg(test)]
pub(crate) mod testing;
