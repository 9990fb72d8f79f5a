//! The input stage: everything a user writes, turned into typed values with every
//! problem positioned (file, line, column, key path).
//!
//! Owns: [`diagnostic`] (problems and their rustc-style rendering), [`file`]
//! (bounded reading of the files a user names), [`quantity`]
//! (durations, ratios, sizes), [`lang`] and [`text`] (texts in both languages), [`scenario`] (YAML entry point, raw mirror,
//! validation, interpolation, matchers) and [`catalogue`] (standards catalogues and
//! the check kinds they may name).
//!
//! What other crates use is public: the validated model ([`scenario::Scenario`],
//! [`catalogue::Catalogue`] and what they hold), loading ([`scenario::load_all`] and
//! its kin), the YAML entry point ([`scenario::raw::parse`]), rendering of
//! problems, quantities and languages. The raw mirrors, the checkers that validate
//! them and the interpolator are private to the crate.
//!
//! Never imports: the network, observations, judging or reports. Nothing here sends
//! a request; the crate graph keeps it so (no HTTP client is a dependency, and no
//! other crate of the workspace either).

pub mod catalogue;
pub mod diagnostic;
pub mod file;
pub mod lang;
pub mod quantity;
pub mod scenario;
pub mod text;
