//! Writing report files: each to a temporary name in the output folder, then
//! renamed into place, so a crash or Ctrl-C never leaves a half-written report.

use std::io::Write as _;
use std::path::{Path, PathBuf};

use super::model::Report;

/// Every file name a run may write; all are removed before writing, and nothing else.
pub const REPORT_FILES: [&str; 5] = [
    "report.json",
    "report.html",
    "junit.xml",
    "summary.md",
    "metrics.prom",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Json,
    Html,
    Junit,
    Markdown,
    /// OpenMetrics text (`metrics.prom`); not in the default set.
    Prom,
}

impl Format {
    pub fn parse(name: &str) -> Option<Self> {
        match name {
            "json" => Some(Self::Json),
            "html" => Some(Self::Html),
            "junit" => Some(Self::Junit),
            "md" => Some(Self::Markdown),
            "prom" => Some(Self::Prom),
            _ => None,
        }
    }

    pub fn file_name(self) -> &'static str {
        match self {
            Format::Json => "report.json",
            Format::Html => "report.html",
            Format::Junit => "junit.xml",
            Format::Markdown => "summary.md",
            Format::Prom => "metrics.prom",
        }
    }

    /// The file's bytes; every format renders the same [`Report`].
    pub fn render(self, report: &Report) -> std::io::Result<Vec<u8>> {
        Ok(match self {
            Format::Json => {
                let mut text = serde_json::to_vec_pretty(report).map_err(std::io::Error::other)?;
                text.push(b'\n');
                text
            }
            Format::Html => super::html::render(report)
                .map_err(std::io::Error::other)?
                .into_bytes(),
            Format::Junit => super::junit::render(report)?.into_bytes(),
            Format::Markdown => super::markdown::render(report).into_bytes(),
            Format::Prom => super::prom::render(report).into_bytes(),
        })
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
    // Everything is rendered before the folder is touched: a format that cannot be
    // rendered leaves the previous reports in place.
    let rendered = formats
        .iter()
        .map(|format| {
            let path = dir.join(format.file_name());
            let bytes = format.render(report).map_err(fail(&path))?;
            Ok((path, bytes))
        })
        .collect::<Result<Vec<_>, WriteError>>()?;
    std::fs::create_dir_all(dir).map_err(fail(dir))?;
    for name in REPORT_FILES {
        let stale = dir.join(name);
        if stale.exists() {
            std::fs::remove_file(&stale).map_err(fail(&stale))?;
        }
    }
    let mut written = Vec::new();
    for (path, bytes) in rendered {
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
