//! Writing report files: each to a temporary name in the output folder, then
//! renamed into place, so a crash or Ctrl-C never leaves a half-written report.

use std::io::Write;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};

use crate::model::Report;

/// Every file name a run may write; all are removed before writing, and nothing else.
const REPORT_FILES: [&str; 5] = [
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
    fn parse(name: &str) -> Option<Self> {
        match name {
            "json" => Some(Self::Json),
            "html" => Some(Self::Html),
            "junit" => Some(Self::Junit),
            "md" => Some(Self::Markdown),
            "prom" => Some(Self::Prom),
            _ => None,
        }
    }

    /// The `--format` list; `Err` is the message for the first unknown name.
    pub fn parse_list(names: &[String]) -> Result<Vec<Self>, String> {
        names
            .iter()
            .map(|name| {
                Self::parse(name.trim()).ok_or_else(|| {
                    format!("unknown --format {name}; expected json, html, junit, md or prom")
                })
            })
            .collect()
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

    /// Writes the file's content; every format renders the same [`Report`].
    /// report.json is streamed (for 10,000 scenarios it is tens of MB); the other
    /// formats are rendered whole first.
    fn write_to(self, report: &Report, out: &mut impl Write) -> std::io::Result<()> {
        let text = match self {
            Format::Json => {
                serde_json::to_writer_pretty(&mut *out, report).map_err(std::io::Error::other)?;
                return out.write_all(b"\n");
            }
            Format::Html => crate::html::render(report).map_err(std::io::Error::other)?,
            Format::Junit => crate::junit::render(report)?,
            Format::Markdown => crate::markdown::render(report),
            Format::Prom => crate::prom::render(report),
        };
        out.write_all(text.as_bytes())
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
    // Every format is rendered into a temporary file before any report is
    // replaced: a format that cannot be rendered leaves the previous reports in
    // place, and the temporary files vanish with it.
    let rendered = formats
        .iter()
        .map(|format| {
            let path = dir.join(format.file_name());
            let temporary = render_to_temporary(dir, |out| format.write_to(report, out))
                .map_err(fail(&path))?;
            Ok((path, temporary))
        })
        .collect::<Result<Vec<_>, WriteError>>()?;
    for name in REPORT_FILES {
        let stale = dir.join(name);
        if stale.exists() {
            std::fs::remove_file(&stale).map_err(fail(&stale))?;
        }
    }
    let mut written = Vec::new();
    for (path, temporary) in rendered {
        temporary
            .persist(&path)
            .map_err(|error| error.error)
            .map_err(fail(&path))?;
        written.push(path);
    }
    Ok(written)
}

/// Writes `bytes` to a temporary file beside `path`, syncs it, and renames it into
/// place.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    render_to_temporary(dir, |out| out.write_all(bytes))?
        .persist(path)
        .map_err(|error| error.error)?;
    Ok(())
}

/// A temporary file in `dir` holding what `render` wrote, synced, readable by
/// everyone like any file the user creates (tempfile's default is owner-only,
/// which would hide a report from the CI job or web server that publishes it).
fn render_to_temporary(
    dir: &Path,
    render: impl FnOnce(&mut std::io::BufWriter<&std::fs::File>) -> std::io::Result<()>,
) -> std::io::Result<tempfile::NamedTempFile> {
    let temporary = tempfile::Builder::new()
        .prefix(".ujilab-")
        .suffix(".tmp")
        .permissions(std::fs::Permissions::from_mode(0o644))
        .tempfile_in(dir)?;
    let mut out = std::io::BufWriter::with_capacity(1 << 16, temporary.as_file());
    render(&mut out)?;
    out.flush()?;
    drop(out);
    temporary.as_file().sync_all()?;
    Ok(temporary)
}

/// Appends to a file (for `$GITHUB_STEP_SUMMARY`).
pub fn append(path: &Path, text: &str) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)?;
    file.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A report is readable by whoever may read the user's other new files (the
    /// umask decides), not only by its owner as tempfile makes it.
    #[test]
    fn written_reports_have_the_modes_of_ordinary_new_files() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let ordinary = dir.path().join("ordinary");
        std::fs::File::create(&ordinary).expect("creates");
        let ordinary_mode = std::fs::metadata(&ordinary)
            .expect("metadata")
            .permissions()
            .mode();

        let report = dir.path().join("summary.md");
        write_atomically(&report, b"# Ringkasan\n").expect("writes");
        let mode = std::fs::metadata(&report)
            .expect("metadata")
            .permissions()
            .mode();
        assert_eq!(
            mode & 0o777,
            ordinary_mode & 0o644,
            "{mode:o} vs {ordinary_mode:o}"
        );
        assert_eq!(std::fs::read(&report).expect("reads"), b"# Ringkasan\n");
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .expect("lists")
            .filter_map(Result::ok)
            .filter(|entry| entry.file_name().to_string_lossy().starts_with(".ujilab-"))
            .collect();
        assert!(leftovers.is_empty(), "no temporary file is left behind");
    }
}
