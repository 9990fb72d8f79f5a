//! The pipeline's layers, as the manifests state them. A crate can only import what
//! its manifest lists, so an arrow outside this table is already a compile error;
//! this test keeps a manifest from quietly gaining one.

use std::collections::{BTreeMap, BTreeSet};
use std::process::Command;

use serde_json::Value;

/// Every arrow the pipeline allows, by package name. The binary and the tests may
/// use every crate; nothing else may reach the sandbox.
const ALLOWED: &[(&str, &[&str])] = &[
    ("ujilab-input", &[]),
    ("ujilab-observe", &[]),
    ("ujilab-run", &["ujilab-input", "ujilab-observe"]),
    ("ujilab-judge", &["ujilab-input", "ujilab-observe"]),
    (
        "ujilab-report",
        &["ujilab-input", "ujilab-observe", "ujilab-judge"],
    ),
    ("ujilab-sandbox", &[]),
    ("ujilab-bundle", &[]),
    (
        "ujilab-draft",
        &["ujilab-input", "ujilab-observe", "ujilab-run"],
    ),
    // After report, beside the binary: it probes through run, scores through
    // judge and reports through report.
    (
        "ujilab-watch",
        &[
            "ujilab-input",
            "ujilab-observe",
            "ujilab-run",
            "ujilab-judge",
            "ujilab-report",
        ],
    ),
];

/// The workspace's packages and, for each, the workspace packages it depends on
/// (normal, build and dev dependencies alike: a test of `judge` that pulled in
/// `run` would blur the layer just as much).
fn workspace_arrows() -> BTreeMap<String, BTreeSet<String>> {
    let output = Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        output.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let metadata: Value = serde_json::from_slice(&output.stdout).expect("cargo metadata is JSON");
    let packages = metadata["packages"].as_array().expect("packages");
    let names: BTreeSet<String> = packages
        .iter()
        .map(|package| package["name"].as_str().expect("name").to_owned())
        .collect();
    packages
        .iter()
        .map(|package| {
            let arrows = package["dependencies"]
                .as_array()
                .expect("dependencies")
                .iter()
                .map(|dependency| dependency["name"].as_str().expect("name").to_owned())
                .filter(|name| names.contains(name))
                .collect();
            (package["name"].as_str().expect("name").to_owned(), arrows)
        })
        .collect()
}

#[test]
fn every_crate_depends_only_on_the_layers_below_it() {
    let arrows = workspace_arrows();
    let allowed: BTreeMap<&str, BTreeSet<&str>> = ALLOWED
        .iter()
        .map(|(name, to)| (*name, to.iter().copied().collect()))
        .collect();

    for (package, depends_on) in &arrows {
        if package == "ujilab" {
            continue;
        }
        let Some(permitted) = allowed.get(package.as_str()) else {
            panic!("{package} is a new crate: add its place in the pipeline to ALLOWED");
        };
        for dependency in depends_on {
            assert!(
                permitted.contains(dependency.as_str()),
                "{package} depends on {dependency}, an arrow the pipeline does not allow \
                 (allowed: {permitted:?})"
            );
        }
    }
    // The table names no crate that has gone, so it cannot drift into allowing one.
    for name in allowed.keys() {
        assert!(
            arrows.contains_key(*name),
            "ALLOWED names {name}, which is not in the workspace"
        );
    }
}

#[test]
fn only_the_binary_reaches_the_sandbox() {
    let arrows = workspace_arrows();
    let users: Vec<&String> = arrows
        .iter()
        .filter(|(_, depends_on)| depends_on.contains("ujilab-sandbox"))
        .map(|(package, _)| package)
        .collect();
    assert_eq!(
        users,
        ["ujilab"],
        "only the binary (and its tests) may use the sandbox"
    );
}
