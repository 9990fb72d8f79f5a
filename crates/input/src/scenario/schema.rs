//! The JSON Schema of the scenario format, for editors and `ujilab schema scenario`.
//! Hand-written from scenario.md; a test checks that every bundled scenario
//! validates against it, so it cannot drift from what the loader accepts.

pub const SCENARIO_SCHEMA: &str = include_str!("../../../../schemas/scenario.schema.json");
