//! `ujilab watch`: the same scenarios, probed continuously. Samples go into a
//! history database ([`store`]: SQLite, versioned migrations) with per-minute,
//! hour and day rollups holding HdrHistograms ([`rollup`], [`figures`]), so that
//! uptime and percentiles over any window are exact. A service goes down and up
//! again by streaks of rounds ([`incident`]); each change is announced to
//! webhooks ([`alert`]); a status page, a JSON API, badges and `/metrics` serve
//! the figures ([`status`]); and [`period`] turns a window of history into the
//! usual reports, for certification over a period.
//!
//! Sits after `report` in the pipeline: it runs probes through `run`, scores
//! through `judge` and builds reports through `report`, and copies none of them.

pub mod alert;
pub mod evidence;
pub mod figures;
pub mod incident;
pub mod period;
pub mod rollup;
pub mod schedule;
pub mod status;
pub mod store;
pub mod time;
pub mod watcher;
pub mod writer;

pub use watcher::{Settings, Source, Started, Summary, WatchError, watch};
