//! Reading report.json files written by ujilab (possibly on other machines), with
//! errors that name the file: they are the bad input of `merge`, `diff` and
//! `portfolio` (exit 2).
//!
//! A report is read with [`input::file::read_bounded`]: a regular file only (a
//! FIFO or `/dev/zero` is refused before it is opened) and at most
//! [`REPORT_FILE_LIMIT`] bytes (a larger file is refused from its size, unread).

use std::path::Path;

use input::file::{FileError, read_bounded};
use input::lang::Lang;

use serde::Deserialize;

use crate::model::{FORMAT, Report, ScenarioEntry, ScenarioReport};

/// The most ujilab reads from one report.json: 256 MiB. A report keeps every
/// probe's exchanges (body excerpts of at most 2 KiB) and a few histograms per
/// scenario: 10,000 scenarios of the demo's size make about 60 MiB.
pub const REPORT_FILE_LIMIT: u64 = 256 << 20;

/// A report and the file it came from.
#[derive(Debug, Clone)]
pub struct ReportFile {
    /// As given on the command line.
    pub file: String,
    pub report: Report,
}

/// A report file that cannot be used.
#[derive(Debug)]
pub enum ReadError {
    Io {
        file: String,
        source: FileError,
    },
    /// `message` is the JSON parser's own (English) account of where it broke.
    Corrupt {
        file: String,
        message: String,
    },
    Version {
        file: String,
        found: String,
    },
}

impl ReadError {
    /// Why the file cannot be used, in the reader's language.
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            ReadError::Io { file, source } => {
                let reason = source.describe(lang);
                lang.choose(
                    format!("{file}: tidak dapat dibaca: {reason}"),
                    format!("{file}: cannot read: {reason}"),
                )
            }
            ReadError::Corrupt { file, message } => lang.choose(
                format!("{file}: bukan laporan ujilab (rusak atau terpotong?): {message}"),
                format!("{file}: not a ujilab report (corrupt or truncated?): {message}"),
            ),
            ReadError::Version { file, found } => lang.choose(
                format!(
                    "{file}: format `{found}` bukan {FORMAT}; ujilab ini hanya membaca {FORMAT}"
                ),
                format!(
                    "{file}: format `{found}` is not {FORMAT}; this ujilab reads only {FORMAT}"
                ),
            ),
        }
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.describe(Lang::En))
    }
}

impl std::error::Error for ReadError {}

/// Just enough of a report to say which format it claims to be.
#[derive(Deserialize)]
struct Header {
    format: Option<serde_json::Value>,
}

pub fn read_report(path: &Path) -> Result<ReportFile, ReadError> {
    let file = path.display().to_string();
    let bytes = read_bounded(path, REPORT_FILE_LIMIT).map_err(|source| ReadError::Io {
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

    #[test]
    fn refuses_a_folder_and_a_device_without_reading() {
        let dir = tempfile::tempdir().expect("temp dir");
        let error = read_report(dir.path()).expect_err("a folder");
        assert!(error.to_string().contains("a folder"), "{error}");
        #[cfg(unix)]
        {
            let error = read_report(Path::new("/dev/zero")).expect_err("a device");
            assert!(error.to_string().contains("character device"), "{error}");
        }
    }
}
