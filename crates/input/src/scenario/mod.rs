//! Scenario loading: YAML text in, a validated, fully typed [`Scenario`] out.
//!
//! Two layers: [`raw`] mirrors the YAML with positions (and is the one entry point
//! to the YAML library, [`raw::parse`]); `validate` turns it into the model,
//! collecting every problem with file, line, column and key path. `load` finds
//! files and loads each one, `interpolate` resolves `${...}`, [`limits`] holds the documented ranges of
//! numbers, [`matcher`] holds
//! matchers and how they test values, [`schema`] the scenario format's JSON
//! Schema. Nothing here touches the network.

mod interpolate;
pub mod limits;
mod load;
pub mod matcher;
mod model;
mod probes_from;
pub mod raw;
pub mod schema;
mod validate;

pub use crate::diagnostic::Problem;
pub use interpolate::{Environment, Template};
pub use load::{
    Discovery, LoadFailure, Loaded, LoadedSet, Outline, Source, discover, load_all, load_where,
};
pub use model::*;
pub use probes_from::{OpenApiSource, OperationProbe, ProbesFrom, response_schema};
pub use validate::{LoadSettings, join_path};
