//! What a run observed, as data: exchanges with their hops and responses, page
//! fetches, TLS facts, availability samples, load results and HDR latency
//! histograms, plus the [`redact::Redactor`] that travels with them.
//!
//! Owns the vocabulary the `run` stage writes and the `judge` and `report` stages
//! read. Never imports another ujilab crate: it is the shared floor, with no network
//! and no judgement in it.

pub mod exchange;
pub mod latency;
pub mod observations;
pub mod redact;
pub mod timing;
