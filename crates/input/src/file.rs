//! Reading an input file with bounds: only regular files, and never more than a
//! cap, so that a FIFO named as a scenario cannot hang a run and `/dev/zero` or a
//! 2 GiB file cannot exhaust memory.
//!
//! Every file ujilab reads because a user named it goes through [`read_bounded`]:
//! scenarios, catalogues, the JSON Schemas a scenario names (and their `$ref`s),
//! CA files; other crates use it with their own cap.

use std::fmt;

use crate::lang::Lang;
use crate::text::Text;
use std::io::Read as _;
use std::path::Path;

/// The cap on a scenario, a catalogue, a JSON Schema named by `schema:` or a CA
/// file: far above any real one (the demo's largest scenario is under 4 KiB), far
/// below what could hurt.
pub const INPUT_FILE_LIMIT: u64 = 4 << 20;

/// Why a file could not be read.
#[derive(Debug)]
pub enum FileError {
    /// The operating system refused (no such file, permission denied, ...).
    Io(std::io::Error),
    /// A folder, FIFO, device or socket: what it is, in words.
    NotRegular(&'static str),
    /// Larger than the cap (in bytes).
    TooLarge(u64),
    /// Read, but not UTF-8 text: the offset of the first byte that is not.
    NotUtf8(usize),
}

impl FileError {
    /// What went wrong, in both languages.
    pub fn reason(&self) -> Text {
        Text::new(self.describe(Lang::Id), self.describe(Lang::En))
    }

    /// What went wrong, in the reader's language.
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            FileError::Io(error) => io_reason(error, lang),
            FileError::NotRegular(kind) => lang.choose(
                format!(
                    "berkas ini {}, bukan berkas biasa; sebutkan sebuah berkas",
                    not_regular_id(kind)
                ),
                format!("it is {kind}, not a regular file; name a file"),
            ),
            FileError::TooLarge(limit) => {
                let limit = format_bytes(*limit);
                lang.choose(
                    format!("berkas lebih besar dari {limit}, batas yang dibaca ujilab dari berkas seperti ini"),
                    format!("it is larger than {limit}, the most ujilab reads from such a file"),
                )
            }
            FileError::NotUtf8(offset) => lang.choose(
                format!("berkas ini bukan teks UTF-8 (byte pada posisi {offset} bukan UTF-8); simpan sebagai UTF-8"),
                format!("the file is not UTF-8 text (invalid byte at offset {offset})"),
            ),
        }
    }
}

/// [`FileError::NotRegular`]'s words, in Indonesian.
fn not_regular_id(kind: &str) -> &'static str {
    match kind {
        "a folder" => "berupa folder",
        "a FIFO (named pipe)" => "berupa FIFO (named pipe)",
        "a character device" => "berupa perangkat karakter",
        "a block device" => "berupa perangkat blok",
        "a socket" => "berupa soket",
        _ => "bukan berkas biasa",
    }
}

#[cfg(test)]
mod describe_tests {
    use super::*;

    #[test]
    fn every_kind_of_path_is_worded_in_indonesian() {
        for kind in [
            "a folder",
            "a FIFO (named pipe)",
            "a character device",
            "a block device",
            "a socket",
        ] {
            let id = FileError::NotRegular(kind).describe(Lang::Id);
            assert!(
                id.starts_with("berkas ini berupa") && !id.contains("not a"),
                "{id}"
            );
        }
        let missing = FileError::Io(std::io::Error::from(std::io::ErrorKind::NotFound));
        assert_eq!(missing.describe(Lang::Id), "tidak ditemukan");
        assert_eq!(missing.describe(Lang::En), "not found");
    }
}

/// Why the operating system refused, in words the reader knows; the system's
/// own (English) wording only for kinds without a translation.
pub fn io_reason(error: &std::io::Error, lang: Lang) -> String {
    use std::io::ErrorKind;
    let known = match error.kind() {
        ErrorKind::NotFound => Some(("tidak ditemukan", "not found")),
        ErrorKind::PermissionDenied => Some(("akses ditolak", "permission denied")),
        ErrorKind::AlreadyExists => Some(("sudah ada", "already exists")),
        ErrorKind::IsADirectory => Some(("berupa folder", "is a folder")),
        ErrorKind::NotADirectory => Some(("bukan folder", "not a folder")),
        ErrorKind::StorageFull => Some(("ruang disk penuh", "no space left on the disk")),
        ErrorKind::ReadOnlyFilesystem => {
            Some(("sistem berkas hanya-baca", "read-only file system"))
        }
        _ => None,
    };
    match known {
        Some((id, en)) => lang.pick(id, en).to_string(),
        None => lang.choose(format!("kesalahan sistem: {error}"), error.to_string()),
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // The system's own words, as before: logs and tests read them.
            FileError::Io(error) => write!(f, "{error}"),
            other => f.write_str(&other.describe(Lang::En)),
        }
    }
}

impl std::error::Error for FileError {}

/// The bytes of the regular file at `path` (symbolic links followed), at most
/// `limit` of them; anything else is an error that says what the path is.
///
/// The type is checked before the file is opened (opening a FIFO would wait for
/// a writer) and again on the open handle; the read itself stops one byte past
/// the cap, so a file that grows, or lies about its size (`/proc`), stays bounded.
pub fn read_bounded(path: &Path, limit: u64) -> Result<Vec<u8>, FileError> {
    let metadata = std::fs::metadata(path).map_err(FileError::Io)?;
    check_regular(&metadata)?;
    let file = std::fs::File::open(path).map_err(FileError::Io)?;
    let metadata = file.metadata().map_err(FileError::Io)?;
    check_regular(&metadata)?;
    if metadata.len() > limit {
        return Err(FileError::TooLarge(limit));
    }
    let mut bytes = Vec::with_capacity(usize::try_from(metadata.len()).unwrap_or(0));
    file.take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(FileError::Io)?;
    if bytes.len() as u64 > limit {
        return Err(FileError::TooLarge(limit));
    }
    Ok(bytes)
}

/// [`read_bounded`] as UTF-8 text.
pub fn read_bounded_text(path: &Path, limit: u64) -> Result<String, FileError> {
    let bytes = read_bounded(path, limit)?;
    String::from_utf8(bytes).map_err(|error| FileError::NotUtf8(error.utf8_error().valid_up_to()))
}

fn check_regular(metadata: &std::fs::Metadata) -> Result<(), FileError> {
    if metadata.is_file() {
        return Ok(());
    }
    Err(FileError::NotRegular(kind_of(&metadata.file_type())))
}

/// What a path that is not a regular file is, in words.
pub fn kind_of(file_type: &std::fs::FileType) -> &'static str {
    if file_type.is_dir() {
        return "a folder";
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if file_type.is_fifo() {
            return "a FIFO (named pipe)";
        }
        if file_type.is_char_device() {
            return "a character device";
        }
        if file_type.is_block_device() {
            return "a block device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    "not a regular file"
}

/// `4 MiB`, `512 KiB`, `100 B`.
fn format_bytes(bytes: u64) -> String {
    if bytes >= 1 << 20 && bytes.is_multiple_of(1 << 20) {
        format!("{} MiB", bytes >> 20)
    } else if bytes >= 1 << 10 && bytes.is_multiple_of(1 << 10) {
        format!("{} KiB", bytes >> 10)
    } else {
        format!("{bytes} B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_small_file_and_refuses_a_large_one() {
        let dir = tempfile::tempdir().expect("temp dir");
        let file = dir.path().join("a.yaml");
        std::fs::write(&file, b"version: 1\n").expect("write");
        assert_eq!(
            read_bounded(&file, 64).expect("small file"),
            b"version: 1\n"
        );
        let error = read_bounded(&file, 4).expect_err("too large");
        assert!(matches!(error, FileError::TooLarge(4)), "{error:?}");
        assert!(error.to_string().contains("larger than 4 B"), "{error}");
    }

    #[test]
    fn refuses_a_folder_and_a_device() {
        let dir = tempfile::tempdir().expect("temp dir");
        let error = read_bounded(dir.path(), INPUT_FILE_LIMIT).expect_err("a folder");
        assert!(error.to_string().contains("a folder"), "{error}");
        #[cfg(unix)]
        {
            let error =
                read_bounded(Path::new("/dev/zero"), INPUT_FILE_LIMIT).expect_err("a device");
            assert!(error.to_string().contains("character device"), "{error}");
        }
    }

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(format_bytes(4 << 20), "4 MiB");
        assert_eq!(format_bytes(512 << 10), "512 KiB");
        assert_eq!(format_bytes(100), "100 B");
    }
}
