//! Writing report files: each to a temporary name in the output folder, then
//! renamed into place, so a crash or Ctrl-C never leaves a half-written report.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::model::Report;

/// Every file name a run may write; all are removed before writing, and nothing else.
pub const REPORT_FILES: [&str; 4] = ["report.json", "report.html", "junit.xml", "summary.md"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
}

impl Format {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "json" => Some(Self::Json),
            _ => None,
        }
    }

    fn file_name(self) -> &'static str {
        match self {
            Format::Json => "report.json",
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[error("cannot write {path}: {source}")]
pub struct WriteError {
    pub path: String,
    pub source: std::io::Error,
}

/// Writes the formats asked for into `dir` (created if needed); returns the paths.
pub fn write_all(
    report: &Report,
    dir: &Path,
    formats: &[Format],
) -> Result<Vec<PathBuf>, WriteError> {
    let fail = |path: &Path| {
        let path = path.display().to_string();
        move |source| WriteError { path, source }
    };
    std::fs::create_dir_all(dir).map_err(fail(dir))?;
    for name in REPORT_FILES {
        let stale = dir.join(name);
        if stale.exists() {
            std::fs::remove_file(&stale).map_err(fail(&stale))?;
        }
    }
    let mut written = Vec::new();
    for format in formats {
        let path = dir.join(format.file_name());
        let bytes = match format {
            Format::Json => {
                let mut text = serde_json::to_vec_pretty(report)
                    .map_err(|error| fail(&path)(std::io::Error::other(error)))?;
                text.push(b'\n');
                text
            }
        };
        write_atomically(&path, &bytes).map_err(fail(&path))?;
        written.push(path);
    }
    Ok(written)
}

/// Writes to a temporary file beside `path`, syncs it, and renames it into place.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    let mut temporary = tempfile::Builder::new()
        .prefix(".ujilab-")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    temporary.write_all(bytes)?;
    temporary.as_file().sync_all()?;
    temporary.persist(path).map_err(|error| error.error)?;
    Ok(())
}

/// Appends to a file (for `$GITHUB_STEP_SUMMARY`).
pub fn append(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    file.write_all(text.as_bytes())
}
