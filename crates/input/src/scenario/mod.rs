//! Scenario loading: YAML text in, a validated, fully typed [`Scenario`] out.
//!
//! Two layers: [`raw`] mirrors the YAML with positions, [`validate`] turns it into
//! the [`model`], collecting every problem with file, line, column and key path.
//! Nothing here touches the network.

pub mod interpolate;
pub mod load;
pub mod matcher;
pub mod model;
pub mod raw;
pub mod validate;

pub use crate::diagnostic::{Problem, Severity};
pub use interpolate::{Environment, Template};
pub use load::{
    Discovery, LoadFailure, Loaded, LoadedSet, Outline, Source, discover, load_all, load_where,
};
pub use model::*;
pub use validate::LoadSettings;
pub mod schema;
