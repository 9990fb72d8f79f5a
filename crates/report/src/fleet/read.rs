//! Reading report.json files written by ujilab (possibly on other machines), with
//! errors that name the file: they are the bad input of `merge`, `diff` and
//! `portfolio` (exit 2).

use std::path::Path;

use serde::Deserialize;

use crate::model::{FORMAT, Report, ScenarioEntry, ScenarioReport};

/// A report and the file it came from.
#[derive(Debug, Clone)]
pub struct ReportFile {
    /// As given on the command line.
    pub file: String,
    pub report: Report,
}

/// A report file that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{file}: cannot read: {source}")]
    Io {
        file: String,
        source: std::io::Error,
    },
    #[error("{file}: not a ujilab report (corrupt or truncated?): {message}")]
    Corrupt { file: String, message: String },
    #[error("{file}: format `{found}` is not {FORMAT}; this ujilab reads only {FORMAT}")]
    Version { file: String, found: String },
}

/// Just enough of a report to say which format it claims to be.
#[derive(Deserialize)]
struct Header {
    format: Option<serde_json::Value>,
}

pub fn read_report(path: &Path) -> Result<ReportFile, ReadError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|source| ReadError::Io {
        file: file.clone(),
        source,
    })?;
    parse_report(&file, &bytes)
}

/// Reads a report from its bytes; `file` names it in errors.
pub(crate) fn parse_report(file: &str, bytes: &[u8]) -> Result<ReportFile, ReadError> {
    match serde_json::from_slice::<Report>(bytes) {
        Ok(report) if report.format == FORMAT => Ok(ReportFile {
            file: file.to_string(),
            report,
        }),
        Ok(report) => Err(ReadError::Version {
            file: file.to_string(),
            found: report.format,
        }),
        Err(error) => {
            // Another version's layout fails to parse as this one: say so rather
            // than report the first field that differs.
            if let Ok(Header {
                format: Some(format),
            }) = serde_json::from_slice::<Header>(bytes)
            {
                let found = format
                    .as_str()
                    .map_or_else(|| format.to_string(), str::to_string);
                if found != FORMAT {
                    return Err(ReadError::Version {
                        file: file.to_string(),
                        found,
                    });
                }
            }
            Err(ReadError::Corrupt {
                file: file.to_string(),
                message: error.to_string(),
            })
        }
    }
}

/// `service.id`, or `service.id/label` for a labelled scenario (as
/// `Scenario::identity`).
pub(crate) fn identity(scenario: &ScenarioReport) -> String {
    if scenario.scenario == "default" || scenario.scenario.is_empty() {
        scenario.service.id.clone()
    } else {
        format!("{}/{}", scenario.service.id, scenario.scenario)
    }
}

/// The scenarios that ran, with their identities.
pub(crate) fn ran(report: &Report) -> impl Iterator<Item = (String, &ScenarioReport)> {
    report.scenarios.iter().filter_map(|entry| match entry {
        ScenarioEntry::Ran(scenario) => Some((identity(scenario), scenario.as_ref())),
        ScenarioEntry::LoadError(_) => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_file_and_say_what_is_wrong() {
        let error = parse_report("a.json", b"{\"format\": \"ujilab-report/1\", \"tool\"")
            .expect_err("truncated");
        assert!(matches!(error, ReadError::Corrupt { .. }), "{error}");
        assert!(error.to_string().starts_with("a.json: "), "{error}");
        let error = parse_report("b.json", b"{\"format\": \"ujilab-report/2\", \"x\": 1}")
            .expect_err("another version");
        assert!(
            error
                .to_string()
                .contains("`ujilab-report/2` is not ujilab-report/1"),
            "{error}"
        );
        let error = parse_report("c.json", b"\x89PNG").expect_err("not JSON");
        assert!(error.to_string().starts_with("c.json: not a ujilab report"));
    }
}
