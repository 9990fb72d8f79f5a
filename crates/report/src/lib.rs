//! The report stage: one serde model ([`model::Report`], the JSON contract) and
//! the formats that render it. Nothing is computed in a writer that the JSON lacks.

pub mod build;
pub mod html;
pub mod junit;
pub mod latency_chart;
pub mod markdown;
pub mod model;
pub mod prom;
pub mod standards;
pub mod terminal;
pub mod wording;
pub mod write;

pub use model::Report;
pub mod fleet;
