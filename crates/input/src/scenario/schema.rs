//! The JSON Schema of the scenario format, for editors and `ujilab schema scenario`.
//! Hand-written from scenario.md and kept as strict as the loader wherever JSON
//! Schema can say it: the integration test `scenario_schema` runs every file of
//! `tests/bad/` through the binary and through this schema (the few cases it
//! cannot express are listed there with their reasons), and every bundled
//! scenario through both. The ranges of [`super::limits`] are checked here.

pub const SCENARIO_SCHEMA: &str = include_str!("../../../../schemas/scenario.schema.json");

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::SCENARIO_SCHEMA;
    use crate::scenario::limits::{
        MAX_AVAILABILITY_SAMPLES, MAX_CONCURRENCY, MAX_LOAD_REQUESTS, MAX_RATE_PER_SECOND,
    };

    fn schema() -> Value {
        serde_json::from_str(SCENARIO_SCHEMA).expect("the scenario schema is JSON")
    }

    #[test]
    fn the_schema_states_the_documented_ranges() {
        let schema = schema();
        let load = &schema["properties"]["load"]["properties"];
        // A number, or a string that interpolates to one: the range is the number's.
        assert_eq!(load["concurrency"]["anyOf"][0]["maximum"], MAX_CONCURRENCY);
        assert_eq!(load["requests"]["anyOf"][0]["maximum"], MAX_LOAD_REQUESTS);
        assert_eq!(
            schema["properties"]["availability"]["properties"]["samples"]["anyOf"][0]["maximum"],
            MAX_AVAILABILITY_SAMPLES
        );
        let rate = schema["$defs"]["load_rate"]["description"]
            .as_str()
            .unwrap_or_default();
        assert!(
            rate.contains(&format!("{MAX_RATE_PER_SECOND}/s"))
                && rate.contains(&format!("{}/m", MAX_RATE_PER_SECOND * 60.0)),
            "{rate}"
        );
        let pattern = schema["$defs"]["load_rate"]["anyOf"][0]["pattern"]
            .as_str()
            .unwrap_or_default();
        let rate = regex::Regex::new(&pattern.replace("(?!0+(\\.0+)?/)", ""))
            .expect("the rate pattern, without its lookahead, is a Rust regex");
        for accepted in ["100000/s", "99999.5/s", "6000000/m", "0.5/s"] {
            assert!(rate.is_match(accepted), "{accepted}");
        }
        for refused in ["100001/s", "100000.5/s", "6000001/m", "1e300/s", "50 /s"] {
            assert!(!rate.is_match(refused), "{refused}");
        }
    }
}
