//! The scenario loader as `ujilab validate` and `run` use it: YAML parsing, the
//! raw mirror, validation and interpolation (vars, env, secrets), on any bytes.
//! It must return a scenario or problems, never panic, hang or exhaust memory.
#![no_main]

use input::scenario::{Environment, LoadSettings, Source, load_all};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let settings = LoadSettings {
        env: Environment::empty()
            .with("UJILAB_TOKEN", "hunter2-SECRET-value")
            .with("PORT", "8080"),
        set: vec![("rate".to_string(), "5/s".to_string())],
        require_env: false,
        known_rules: Vec::new(),
    };
    let sources = [Source {
        name: "fuzz/scenario.yaml".to_string(),
        bytes: data.to_vec(),
        named: true,
    }];
    let mut notes = Vec::new();
    let loaded = load_all(&sources, &settings, &mut notes);
    for item in &loaded {
        if let input::scenario::Loaded::Failed(failure) = item {
            // Rendering a diagnostic (caret, source line) is part of loading.
            let _ = failure.render(input::lang::Lang::Id);
            let _ = failure.render(input::lang::Lang::En);
        }
    }
});
