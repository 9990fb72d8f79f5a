//! What the command line itself says, in the reader's language: the frame of
//! every error and note, and the sentences that several commands share. The
//! stages word their own problems (input diagnostics, report errors); this
//! module only frames them.

use std::io;
use std::path::Path;

use input::file::io_reason;
use input::lang::Lang;

/// Prints an error line on stderr: `galat: …` / `error: …`.
pub fn error(lang: Lang, message: &str) {
    eprintln!("{}: {message}", lang.pick("galat", "error"));
}

/// Prints a note line on stderr: `catatan: …` / `note: …`.
pub fn note(lang: Lang, message: &str) {
    eprintln!("{}: {message}", lang.pick("catatan", "note"));
}

/// `tidak dapat menulis PATH: …` / `cannot write PATH: …`.
pub fn cannot_write(path: &Path, error: &io::Error, lang: Lang) -> String {
    let (path, reason) = (path.display(), io_reason(error, lang));
    lang.choose(
        format!("tidak dapat menulis {path}: {reason}"),
        format!("cannot write {path}: {reason}"),
    )
}

/// `tidak dapat membuat folder PATH: …` / `cannot create PATH: …`.
pub fn cannot_create(path: &Path, error: &io::Error, lang: Lang) -> String {
    let (path, reason) = (path.display(), io_reason(error, lang));
    lang.choose(
        format!("tidak dapat membuat folder {path}: {reason}"),
        format!("cannot create {path}: {reason}"),
    )
}

/// `tidak dapat menambahkan ke PATH: …` / `cannot append to PATH: …`
/// (GITHUB_STEP_SUMMARY).
pub fn cannot_append(path: &Path, error: &io::Error, lang: Lang) -> String {
    let (path, reason) = (path.display(), io_reason(error, lang));
    lang.choose(
        format!("tidak dapat menambahkan ke {path}: {reason}"),
        format!("cannot append to {path}: {reason}"),
    )
}

/// `laporan ditulis ke DIR` / `reports written to DIR`.
pub fn reports_written(dir: &Path, lang: Lang) -> String {
    let dir = dir.display();
    lang.choose(
        format!("laporan ditulis ke {dir}"),
        format!("reports written to {dir}"),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_errors_are_worded_in_both_languages() {
        let path = Path::new("/tmp/x");
        let denied = io::Error::from(io::ErrorKind::PermissionDenied);
        assert_eq!(
            cannot_write(path, &denied, Lang::Id),
            "tidak dapat menulis /tmp/x: akses ditolak"
        );
        assert_eq!(
            cannot_write(path, &denied, Lang::En),
            "cannot write /tmp/x: permission denied"
        );
    }
}
