//! The matcher and JSONPath layer: a probe's `expect.json` (paths and matcher
//! maps, parsed and validated by the loader) applied to a response body. The
//! input is `<YAML of the expect.json map>\0<response body>`; the map is put in
//! a minimal scenario, and every (path, matcher) pair the loader accepts is run
//! on the body as the run crate does: the path's nodes, then the matcher.
#![no_main]

use std::collections::HashMap;

use input::scenario::{Environment, LoadSettings, Loaded, Source, load_all};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let split = data.iter().position(|b| *b == 0).unwrap_or(data.len());
    let (expect, body) = (&data[..split], &data[(split + 1).min(data.len())..]);
    let Ok(expect) = std::str::from_utf8(expect) else {
        return;
    };
    // The map, indented under `json:` as a block.
    let mut yaml = String::from(
        "version: 1\nservice: { id: fuzz, base_url: \"http://127.0.0.1:9\" }\nprobes:\n  - id: p\n    request: { path: /x }\n    capture: { tok: { json: $.t } }\n  - id: q\n    request: { path: /y }\n    expect:\n      json:\n",
    );
    for line in expect.lines() {
        yaml.push_str("        ");
        yaml.push_str(line);
        yaml.push('\n');
    }
    let sources = [Source {
        name: "fuzz/matcher.yaml".to_string(),
        bytes: yaml.into_bytes(),
        named: true,
    }];
    let settings = LoadSettings {
        env: Environment::empty(),
        ..LoadSettings::default()
    };
    let loaded = load_all(&sources, &settings, &mut Vec::new());
    let Some(Loaded::Ready { scenario, .. }) = loaded.first() else {
        return;
    };
    let Ok(document) = serde_json::from_slice::<serde_json::Value>(body) else {
        return;
    };
    let captured: HashMap<String, String> = HashMap::from([("tok".to_string(), "abc".to_string())]);
    for probe in &scenario.probes {
        for (path, matcher) in &probe.expect.json {
            let nodes: Vec<serde_json::Value> = path
                .path
                .query(&document)
                .all()
                .into_iter()
                .cloned()
                .collect();
            if let Err(why) = matcher.check(&nodes, &captured) {
                let _ = (why.id.len(), why.en.len());
            }
            let _ = input::scenario::matcher::show_nodes(&nodes);
        }
    }
});
