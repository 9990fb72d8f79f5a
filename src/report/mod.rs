//! The report stage: one serde model ([`model::Report`], the JSON contract) and
//! the formats that render it. Nothing is computed in a writer that the JSON lacks.

pub mod build;
pub mod model;
pub mod terminal;
pub mod write;

pub use model::Report;
