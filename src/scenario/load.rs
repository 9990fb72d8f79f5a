//! Finding scenario files and loading each one; a bad file never stops the others.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::diagnostic::Problem;
use super::model::Scenario;
use super::raw::{self, Identity, Position, RawScenario};
use super::validate::{LoadSettings, validate};

/// The text of one scenario file, as read (or embedded, for the demo).
#[derive(Debug, Clone)]
pub struct Source {
    /// The name shown in messages and reports: the path as given or found.
    pub name: String,
    pub bytes: Vec<u8>,
    /// Named on the command line (an error if it is not a scenario) rather than
    /// found in a folder (skipped with a note).
    pub named: bool,
}

/// One input's fate: a scenario ready to run, or why it could not be loaded.
#[derive(Debug)]
pub enum Loaded {
    Ready {
        scenario: Box<Scenario>,
        warnings: Vec<Problem>,
    },
    Failed(LoadFailure),
}

#[derive(Debug, Clone)]
pub struct LoadFailure {
    pub file: String,
    /// The text, when it was readable, for rendering the offending lines.
    pub text: Option<String>,
    pub problems: Vec<Problem>,
}

impl LoadFailure {
    fn whole_file(file: &str, message: impl Into<String>) -> Self {
        Self {
            file: file.to_string(),
            text: None,
            problems: vec![Problem::error(Position::default(), "", message)],
        }
    }

    pub fn render(&self) -> String {
        super::diagnostic::render(&self.file, self.text.as_deref(), &self.problems)
    }
}

/// What discovery found: sources to load, files that could not be read, and
/// notes about files skipped in folders.
#[derive(Debug, Default)]
pub struct Discovery {
    pub sources: Vec<Source>,
    pub unreadable: Vec<LoadFailure>,
    pub notes: Vec<String>,
}

/// Reads the files named, and `*.yaml`/`*.yml` files in the folders named
/// (recursively, sorted, hidden folders skipped).
pub fn discover(paths: &[PathBuf]) -> Discovery {
    let mut discovery = Discovery::default();
    for path in paths {
        let name = path.display().to_string();
        if path.is_dir() {
            let mut found = Vec::new();
            collect_yaml(path, &mut found, &mut discovery);
            found.sort();
            for file in found {
                read_source(&file, false, &mut discovery);
            }
        } else if path.exists() {
            read_source(path, true, &mut discovery);
        } else {
            discovery
                .unreadable
                .push(LoadFailure::whole_file(&name, "no such file or folder"));
        }
    }
    discovery
}

fn collect_yaml(dir: &Path, found: &mut Vec<PathBuf>, discovery: &mut Discovery) {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            discovery.unreadable.push(LoadFailure::whole_file(
                &dir.display().to_string(),
                format!("cannot read folder: {error}"),
            ));
            return;
        }
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if path.is_dir() {
            if !hidden {
                collect_yaml(&path, found, discovery);
            }
        } else if matches!(
            path.extension().and_then(|e| e.to_str()),
            Some("yaml" | "yml")
        ) {
            found.push(path);
        }
    }
}

fn read_source(path: &Path, named: bool, discovery: &mut Discovery) {
    let name = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => discovery.sources.push(Source { name, bytes, named }),
        Err(error) => discovery.unreadable.push(LoadFailure::whole_file(
            &name,
            format!("cannot read file: {error}"),
        )),
    }
}

/// Loads every source in order, then checks identities across the run.
pub fn load_all(
    sources: &[Source],
    settings: &LoadSettings,
    notes: &mut Vec<String>,
) -> Vec<Loaded> {
    let mut loaded: Vec<Loaded> = sources
        .iter()
        .filter_map(|source| match load_one(source, settings) {
            Some(result) => Some(result),
            None => {
                notes.push(format!(
                    "skipped {}: no `version` and `service` at its top level, so not a scenario",
                    source.name
                ));
                None
            }
        })
        .collect();
    reject_duplicate_identities(&mut loaded);
    loaded
}

/// `None` when a file found in a folder is not a scenario at all.
fn load_one(source: &Source, settings: &LoadSettings) -> Option<Loaded> {
    let fail = |problems: Vec<Problem>, text: Option<String>| {
        Some(Loaded::Failed(LoadFailure {
            file: source.name.clone(),
            text,
            problems,
        }))
    };
    let text = match std::str::from_utf8(&source.bytes) {
        Ok(text) => text,
        Err(error) => {
            let valid = &source.bytes[..error.valid_up_to()];
            let line = valid.iter().filter(|b| **b == b'\n').count() as u64 + 1;
            let column = valid.iter().rev().take_while(|b| **b != b'\n').count() as u64 + 1;
            let at = Position {
                line,
                column,
                bytes: None,
            };
            return fail(
                vec![Problem::error(
                    at,
                    "",
                    format!(
                        "the file is not UTF-8 text (invalid byte at offset {}); save it as UTF-8",
                        error.valid_up_to()
                    ),
                )],
                None,
            );
        }
    };
    if text.trim().is_empty() {
        return fail(
            vec![Problem::error(
                Position::default(),
                "",
                "the file is empty; a scenario needs at least `version`, `service` and `probes`",
            )],
            Some(text.to_string()),
        );
    }
    let raw_scenario = match raw::parse::<RawScenario>(text) {
        Ok(raw_scenario) => raw_scenario,
        Err(error) => {
            // A YAML file found in a folder that is not a scenario at all (no
            // `version` and `service` at its top level) is skipped, not an error.
            let is_scenario = raw::parse::<Identity>(text)
                .map(|identity| identity.version.is_some() && identity.service.is_some())
                .unwrap_or(true);
            if !source.named && !is_scenario {
                return None;
            }
            let help = error
                .suggestion
                .as_ref()
                .map(|suggestion| format!("did you mean `{suggestion}`?"))
                .or(error.help);
            let problem = Problem::error(
                error.position,
                error.path.unwrap_or_default(),
                error.message,
            )
            .with_help(help);
            return fail(vec![problem], Some(text.to_string()));
        }
    };
    Some(match validate(raw_scenario, &source.name, text, settings) {
        Ok((scenario, warnings)) => Loaded::Ready {
            scenario: Box::new(scenario),
            warnings,
        },
        Err(problems) => Loaded::Failed(LoadFailure {
            file: source.name.clone(),
            text: Some(text.to_string()),
            problems,
        }),
    })
}

/// A scenario identity (service id plus label) must be unique in a run; both
/// files of a clash become load errors, since neither can be trusted as "the" one.
fn reject_duplicate_identities(loaded: &mut [Loaded]) {
    let mut files_by_identity: HashMap<String, Vec<String>> = HashMap::new();
    for item in loaded.iter() {
        if let Loaded::Ready { scenario, .. } = item {
            files_by_identity
                .entry(scenario.identity())
                .or_default()
                .push(scenario.file.clone());
        }
    }
    for item in loaded.iter_mut() {
        let Loaded::Ready { scenario, .. } = item else {
            continue;
        };
        let identity = scenario.identity();
        let files = &files_by_identity[&identity];
        if files.len() < 2 {
            continue;
        }
        let others: Vec<&str> = files
            .iter()
            .filter(|file| **file != scenario.file)
            .map(String::as_str)
            .collect();
        let message = format!(
            "scenario `{identity}` is also defined in {}; give each a distinct service.id or `scenario:` label",
            if others.is_empty() {
                "the same file named twice".to_string()
            } else {
                others.join(", ")
            }
        );
        *item = Loaded::Failed(LoadFailure {
            file: scenario.file.clone(),
            text: None,
            problems: vec![Problem::error(Position::default(), "service.id", message)],
        });
    }
}
