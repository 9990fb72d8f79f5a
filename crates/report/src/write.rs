//! Writing report files: each to a temporary name in the output folder, then
//! renamed into place, so a crash or Ctrl-C never leaves a half-written report.
//!
//! One run per output folder at a time: [`OutLock`] holds `.ujilab.lock` in the
//! folder (an advisory lock the system drops when the process ends, so a crashed
//! run leaves no stale lock), and [`write_all`] takes it for the write unless
//! this process holds it already. A second run into the same folder fails with
//! the first one's run id and pid, rather than leave report.json from one run and
//! the other files from the other.

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
    /// formats are rendered whole first. `report_json_sha256`: the digest of
    /// report.json as written in this run, which the printed annex carries.
    fn write_to(
        self,
        report: &Report,
        report_json_sha256: Option<&str>,
        out: &mut impl Write,
    ) -> std::io::Result<()> {
        let text = match self {
            Format::Json => {
                serde_json::to_writer_pretty(&mut *out, report).map_err(std::io::Error::other)?;
                return out.write_all(b"\n");
            }
            Format::Html => crate::html::render_annex(report, report_json_sha256)
                .map_err(std::io::Error::other)?,
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

/// The lock file's name in an output folder.
pub const LOCK_FILE: &str = ".ujilab.lock";

/// The output folders this process holds the lock of (canonical paths).
static HELD: std::sync::Mutex<Vec<PathBuf>> = std::sync::Mutex::new(Vec::new());

fn held() -> std::sync::MutexGuard<'static, Vec<PathBuf>> {
    HELD.lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// This process's hold on an output folder: `.ujilab.lock`, locked, holding the
/// run id and pid. Released (and the file removed) when dropped.
#[derive(Debug)]
pub struct OutLock {
    dir: PathBuf,
    path: PathBuf,
    file: std::fs::File,
}

impl OutLock {
    /// Takes the lock of `dir` (created if needed) for the run `run_id`; an error
    /// naming the run and pid that hold it when another process does. A folder
    /// this process holds already is an error too: ask [`OutLock::held_here`].
    pub fn acquire(dir: &Path, run_id: &str) -> Result<OutLock, WriteError> {
        let fail = |path: &Path| {
            let path = path.display().to_string();
            move |source| WriteError { path, source }
        };
        std::fs::create_dir_all(dir).map_err(fail(dir))?;
        let canonical = dir.canonicalize().map_err(fail(dir))?;
        let path = canonical.join(LOCK_FILE);
        // A holder may remove the file between our open and our lock: then the
        // lock we got is on a file nobody else will see, and we open it again.
        for _ in 0..8 {
            let file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .create(true)
                .truncate(false)
                .open(&path)
                .map_err(fail(&path))?;
            match file.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => {
                    return Err(WriteError {
                        path: dir.display().to_string(),
                        source: std::io::Error::new(
                            std::io::ErrorKind::ResourceBusy,
                            held_by_message(&path),
                        ),
                    });
                }
                Err(std::fs::TryLockError::Error(error)) => return Err(fail(&path)(error)),
            }
            if !same_file(&file, &path) {
                continue;
            }
            let mut lock = OutLock {
                dir: canonical.clone(),
                path: path.clone(),
                file,
            };
            lock.record(run_id).map_err(fail(&path))?;
            held().push(canonical);
            return Ok(lock);
        }
        Err(fail(&path)(std::io::Error::other(
            "the lock file kept being replaced by another run",
        )))
    }

    /// Whether this process holds the lock of `dir` already.
    pub fn held_here(dir: &Path) -> bool {
        dir.canonicalize()
            .is_ok_and(|canonical| held().contains(&canonical))
    }

    /// Writes `run <id>` and `pid <pid>` into the lock file, for the run that
    /// finds it locked.
    fn record(&mut self, run_id: &str) -> std::io::Result<()> {
        self.file.set_len(0)?;
        let text = format!("run {run_id}\npid {}\n", std::process::id());
        (&self.file).write_all(text.as_bytes())?;
        self.file.sync_all()
    }
}

impl Drop for OutLock {
    fn drop(&mut self) {
        // Removed while still locked, so that no other run can lock this file and
        // then see it vanish; the lock goes with the handle.
        let _ = std::fs::remove_file(&self.path);
        let _ = self.file.unlock();
        let mut held = held();
        if let Some(at) = held.iter().position(|dir| *dir == self.dir) {
            held.swap_remove(at);
        }
    }
}

/// Whether the open `file` is still the one at `path` (not removed or replaced).
fn same_file(file: &std::fs::File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt as _;
    match (file.metadata(), std::fs::metadata(path)) {
        (Ok(open), Ok(named)) => open.dev() == named.dev() && open.ino() == named.ino(),
        _ => false,
    }
}

/// `another ujilab run (run 18c…-4d2, pid 1234) is writing to this folder ...`,
/// from what the holder recorded in the lock file.
fn held_by_message(path: &Path) -> String {
    let recorded = input::file::read_bounded_text(path, 4096).unwrap_or_default();
    let field = |name: &str| {
        recorded
            .lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(' '))
            .map(|value| {
                value
                    .chars()
                    .filter(|c| !c.is_control())
                    .take(80)
                    .collect::<String>()
            })
            .unwrap_or_else(|| "?".to_string())
    };
    format!(
        "another ujilab run (run {}, pid {}) is using this output folder (lock {}); \
         wait for it to finish, or choose another --out",
        field("run"),
        field("pid"),
        path.display()
    )
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
    // One writer at a time: the lock this process took for the whole run, or
    // one taken for the write.
    let _lock = if OutLock::held_here(dir) {
        None
    } else {
        Some(OutLock::acquire(dir, &report.run.id)?)
    };
    // Every format is rendered into a temporary file before any report is
    // replaced: a format that cannot be rendered leaves the previous reports in
    // place, and the temporary files vanish with it. report.json first: its
    // digest, of the bytes as written, goes on every page of report.html.
    let mut report_json_sha256 = None;
    let mut rendered = Vec::with_capacity(formats.len());
    let json_first = formats
        .iter()
        .filter(|format| **format == Format::Json)
        .chain(formats.iter().filter(|format| **format != Format::Json));
    for format in json_first {
        let path = dir.join(format.file_name());
        let temporary = render_to_temporary(dir, |out| {
            if *format == Format::Json {
                let mut hashing = Sha256Writer::new(out);
                format.write_to(report, None, &mut hashing)?;
                report_json_sha256 = Some(hashing.hex_digest());
                Ok(())
            } else {
                format.write_to(report, report_json_sha256.as_deref(), out)
            }
        })
        .map_err(fail(&path))?;
        rendered.push((*format, path, temporary));
    }
    // Put in place and listed in the order asked for.
    rendered.sort_by_key(|(format, _, _)| formats.iter().position(|f| f == format));
    for name in REPORT_FILES {
        let stale = dir.join(name);
        if stale.exists() {
            std::fs::remove_file(&stale).map_err(fail(&stale))?;
        }
    }
    let mut written = Vec::new();
    for (_, path, temporary) in rendered {
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

/// Passes bytes on and keeps their SHA-256.
struct Sha256Writer<W> {
    inner: W,
    digest: sha2::Sha256,
}

impl<W: Write> Sha256Writer<W> {
    fn new(inner: W) -> Self {
        use sha2::Digest as _;
        Sha256Writer {
            inner,
            digest: sha2::Sha256::new(),
        }
    }

    /// The digest of everything written, in lowercase hex.
    fn hex_digest(self) -> String {
        use sha2::Digest as _;
        self.digest
            .finalize()
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect()
    }
}

impl<W: Write> Write for Sha256Writer<W> {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        use sha2::Digest as _;
        let written = self.inner.write(bytes)?;
        self.digest.update(&bytes[..written]);
        Ok(written)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
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

    /// Another process's lock (a handle of our own stands for it): the write
    /// fails naming that run and pid, and the reports already there stay.
    #[test]
    fn a_folder_locked_by_another_run_is_not_written() {
        let dir = tempfile::tempdir().expect("temporary folder");
        std::fs::write(dir.path().join("report.json"), "earlier").expect("writes");
        let other = std::fs::File::create(dir.path().join(LOCK_FILE)).expect("creates");
        other.try_lock().expect("locks");
        (&other)
            .write_all(b"run 18c0ffee-4d2\npid 4242\n")
            .expect("records");
        let report = crate::fleet::testing::report_of("a", Vec::new()).report;
        let error = write_all(&report, dir.path(), &[Format::Markdown]).expect_err("locked");
        let message = error.to_string();
        assert!(message.contains("run 18c0ffee-4d2, pid 4242"), "{message}");
        assert_eq!(error.source.kind(), std::io::ErrorKind::ResourceBusy);
        assert_eq!(
            std::fs::read_to_string(dir.path().join("report.json")).expect("reads"),
            "earlier"
        );
        assert!(!dir.path().join("summary.md").exists());

        // Released: written, and the lock file is gone with the lock.
        other.unlock().expect("unlocks");
        drop(other);
        write_all(&report, dir.path(), &[Format::Markdown]).expect("writes");
        assert!(dir.path().join("summary.md").is_file());
        assert!(!dir.path().join(LOCK_FILE).exists(), "lock file removed");
    }

    /// report.json is written first whatever the order asked, and report.html
    /// carries the SHA-256 of its bytes as they are on disk.
    #[test]
    fn report_html_carries_the_digest_of_report_json_as_written() {
        use sha2::Digest as _;
        let dir = tempfile::tempdir().expect("temporary folder");
        let report = crate::fleet::testing::report_of("a", Vec::new()).report;
        let written =
            write_all(&report, dir.path(), &[Format::Html, Format::Json]).expect("writes");
        assert_eq!(
            written,
            [
                dir.path().join("report.html"),
                dir.path().join("report.json")
            ],
            "listed in the order asked for"
        );
        let json = std::fs::read(dir.path().join("report.json")).expect("reads");
        let digest: String = sha2::Sha256::digest(&json)
            .iter()
            .map(|byte| format!("{byte:02x}"))
            .collect();
        let html = std::fs::read_to_string(dir.path().join("report.html")).expect("reads");
        assert!(
            html.contains(&format!("SHA-256 report.json: {digest}")),
            "the page margin carries {digest}"
        );

        // Without report.json there is no digest to print, and the page says so.
        let other = tempfile::tempdir().expect("temporary folder");
        write_all(&report, other.path(), &[Format::Html]).expect("writes");
        let html = std::fs::read_to_string(other.path().join("report.html")).expect("reads");
        assert!(!html.contains(&digest));
        assert!(
            html.contains("SHA-256 report.json: not available"),
            "{html}"
        );
    }

    #[test]
    fn a_lock_held_by_this_process_covers_its_writes_and_no_one_elses() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let lock = OutLock::acquire(dir.path(), "run-a").expect("locks");
        let recorded = std::fs::read_to_string(dir.path().join(LOCK_FILE)).expect("reads");
        assert_eq!(recorded, format!("run run-a\npid {}\n", std::process::id()));
        let again = OutLock::acquire(dir.path(), "run-b").expect_err("held");
        assert!(again.to_string().contains("run run-a"), "{again}");
        let report = crate::fleet::testing::report_of("a", Vec::new()).report;
        write_all(&report, dir.path(), &[Format::Markdown]).expect("the holder writes");
        assert!(dir.path().join(LOCK_FILE).exists(), "still held");
        drop(lock);
        assert!(!dir.path().join(LOCK_FILE).exists());
        assert!(!OutLock::held_here(dir.path()));
    }
}
