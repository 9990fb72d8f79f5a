//! Profiles: what a scenario's `standards.profile` names (the built-in
//! catalogue, pinned or not, or a catalogue file beside the scenario), and why it
//! may name nothing usable.

use std::path::Path;
use std::sync::Arc;

use crate::catalogue::model::Catalogue;
use crate::catalogue::{
    BUILT_IN_NAME, CatalogueFailure, OMBUDSMAN_NAME, SPBE_LAYANAN_NAME, built_in, parse,
};
use crate::diagnostic::Problem;
use crate::diagnostic::did_you_mean;
use crate::scenario::raw::{Position, closest};
use crate::text::{Text, text};

/// Why a scenario's `standards.profile` names no usable catalogue.
#[derive(Debug, Clone)]
pub enum ProfileError {
    Unknown {
        name: String,
        suggestion: Option<String>,
    },
    VersionMismatch {
        name: String,
        wanted: String,
        embedded: String,
    },
    Unreadable {
        path: String,
        reason: Text,
    },
    Invalid(CatalogueFailure),
}

impl ProfileError {
    /// Problems to report at the scenario's `standards.profile` position: the
    /// catalogue's own problems each carry their position in the catalogue file.
    pub fn problems(&self, at: Position, path: &str) -> Vec<Problem> {
        match self {
            ProfileError::Unknown { name, suggestion } => vec![
                Problem::error(
                    at,
                    path,
                    text!(
                        "tidak ada profil bawaan `{name}`",
                        "no built-in profile `{name}`"
                    ),
                )
                .with_help(Some(match suggestion {
                    Some(suggestion) => did_you_mean(suggestion),
                    None => text!(
                        "pakai `{BUILT_IN_NAME}`, `{BUILT_IN_NAME}@VERSION`, `{OMBUDSMAN_NAME}`, `{SPBE_LAYANAN_NAME}`, atau path ke berkas katalog berakhiran .yaml",
                        "use `{BUILT_IN_NAME}`, `{BUILT_IN_NAME}@VERSION`, `{OMBUDSMAN_NAME}`, `{SPBE_LAYANAN_NAME}`, or a path to a catalogue file ending in .yaml"
                    ),
                })),
            ],
            ProfileError::VersionMismatch {
                name,
                wanted,
                embedded,
            } => vec![
                Problem::error(
                    at,
                    path,
                    text!(
                        "profil dikunci ke `{name}@{wanted}`, tetapi ujilab ini memuat `{name}` versi {embedded}",
                        "profile `{name}@{wanted}` is pinned, but this ujilab has `{name}` version {embedded}"
                    ),
                )
                .with_help(Some(text!(
                    "kunci ke `{name}@{embedded}`, atau jalankan rilis ujilab yang memuat versi {wanted}",
                    "pin `{name}@{embedded}`, or run the ujilab release that ships version {wanted}"
                ))),
            ],
            ProfileError::Unreadable { path: file, reason } => vec![Problem::error(
                at,
                path,
                text!(
                    "katalog {file} tidak dapat dibaca: {reason}",
                    "cannot read catalogue {file}: {reason}",
                    reason = reason.clone(),
                ),
            )],
            ProfileError::Invalid(failure) => {
                let (file, count) = (&failure.file, failure.problems.len());
                let plural = if count == 1 { "" } else { "s" };
                let mut problems = vec![
                    Problem::error(
                        at,
                        path,
                        text!(
                            "katalog {file} memuat {count} masalah",
                            "catalogue {file} is not valid ({count} problem{plural})"
                        ),
                    )
                    .with_help(Some(text!(
                        "`ujilab standards check {file}` menampilkan setiap masalah di tempatnya",
                        "`ujilab standards check {file}` shows each problem in place"
                    ))),
                ];
                for problem in &failure.problems {
                    let place = format!("{file}:{}:{}", problem.line, problem.column);
                    let located = if problem.path.is_empty() {
                        Text::new(place.clone(), place)
                    } else {
                        let key = &problem.path;
                        text!("{place} (di `{key}`)", "{place} (at `{key}`)")
                    };
                    problems.push(
                        Problem::error(
                            at,
                            path,
                            text!(
                                "{located}: {message}",
                                "{located}: {message}",
                                located = located,
                                message = problem.message.clone(),
                            ),
                        )
                        .with_help(problem.help.clone()),
                    );
                }
                problems
            }
        }
    }
}

/// Resolves a scenario's `standards.profile`: a built-in name (optionally pinned
/// with `@version`) or a catalogue path relative to the scenario's folder.
pub fn resolve(profile: &str, scenario_dir: &Path) -> Result<Arc<Catalogue>, ProfileError> {
    let profile = profile.trim();
    let is_path = profile.contains('/')
        || profile.contains('\\')
        || profile.ends_with(".yaml")
        || profile.ends_with(".yml");
    if is_path {
        let path = scenario_dir.join(profile);
        let shown = path.display().to_string();
        let text = crate::file::read_bounded_text(&path, crate::file::INPUT_FILE_LIMIT).map_err(
            |error| ProfileError::Unreadable {
                path: shown.clone(),
                reason: error.reason(),
            },
        )?;
        return parse(&text, &shown)
            .map(Arc::new)
            .map_err(ProfileError::Invalid);
    }
    let (name, pinned) = match profile.split_once('@') {
        Some((name, version)) => (name, Some(version)),
        None => (profile, None),
    };
    let versions = match name {
        BUILT_IN_NAME => super::built_in_versions(),
        OMBUDSMAN_NAME => vec![super::ombudsman()],
        SPBE_LAYANAN_NAME => vec![super::spbe_layanan()],
        _ => {
            return Err(ProfileError::Unknown {
                name: name.to_string(),
                suggestion: closest(name, [BUILT_IN_NAME, OMBUDSMAN_NAME, SPBE_LAYANAN_NAME]),
            });
        }
    };
    let Some(wanted) = pinned else {
        // The first version listed is the profile's default.
        return versions
            .into_iter()
            .next()
            .unwrap_or_else(built_in)
            .map_err(ProfileError::Invalid);
    };
    let mut embedded = Vec::new();
    for loaded in versions {
        let catalogue = loaded.map_err(ProfileError::Invalid)?;
        if catalogue.version == wanted {
            return Ok(catalogue);
        }
        embedded.push(catalogue.version.clone());
    }
    Err(ProfileError::VersionMismatch {
        name: name.to_string(),
        wanted: wanted.to_string(),
        embedded: embedded.join(", "),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalogue::validate::tests::with_rule;

    #[test]
    fn profiles_resolve_to_the_built_in_or_a_file() {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        assert!(resolve("idsll-core", dir.path()).is_ok());
        assert!(resolve("idsll-core@2026.1", dir.path()).is_ok());
        let pinned = resolve("idsll-core@2026.2", dir.path()).map(|c| c.version.clone());
        assert_eq!(pinned.ok().as_deref(), Some("2026.2"));
        let default = resolve("idsll-core", dir.path()).map(|c| c.version.clone());
        assert_eq!(default.ok().as_deref(), Some("2026.2"));
        match resolve("idsll-core@2025.2", dir.path()) {
            Err(ProfileError::VersionMismatch {
                wanted, embedded, ..
            }) => {
                assert_eq!(
                    (wanted.as_str(), embedded.as_str()),
                    ("2025.2", "2026.2, 2026.1")
                );
            }
            other => panic!("{other:?}"),
        }
        let problems = resolve("idsll-core@2025.2", dir.path())
            .err()
            .map(|e| e.problems(Position::default(), "standards.profile"))
            .unwrap_or_default();
        let message = &problems[0].message;
        assert!(message.en.contains("2025.2") && message.en.contains("2026.1"));
        assert!(message.id.contains("2025.2") && message.id.contains("versi 2026."));
        match resolve("idsl-core", dir.path()) {
            Err(ProfileError::Unknown { suggestion, .. }) => {
                assert_eq!(suggestion.as_deref(), Some("idsll-core"))
            }
            other => panic!("{other:?}"),
        }
        let good = with_rule("    check: html_lang\n    levels: binary\n");
        std::fs::write(dir.path().join("mine.yaml"), &good).unwrap_or_else(|e| panic!("{e}"));
        let mine = resolve("mine.yaml", dir.path()).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(mine.name, "mini");
        std::fs::write(
            dir.path().join("bad.yaml"),
            good.replace("html_lang", "html_lnag"),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let Err(error) = resolve("./bad.yaml", dir.path()) else {
            panic!("should fail")
        };
        let problems = error.problems(Position::default(), "standards.profile");
        assert_eq!(problems.len(), 2);
        assert!(
            problems[1]
                .message
                .en
                .contains("bad.yaml:20:12 (at `rules[0].check`): unknown check kind `html_lnag`"),
            "{problems:?}"
        );
        assert!(
            problems[1].message.id.contains(
                "bad.yaml:20:12 (di `rules[0].check`): jenis pemeriksaan `html_lnag` tidak dikenal"
            ),
            "{problems:?}"
        );
        assert!(matches!(
            resolve("missing.yaml", dir.path()),
            Err(ProfileError::Unreadable { .. })
        ));
    }
}
