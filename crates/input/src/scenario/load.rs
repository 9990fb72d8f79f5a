//! Finding scenario files and loading each one; a bad file never stops the others.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::diagnostic::Problem;
use crate::file::{INPUT_FILE_LIMIT, read_bounded};
use crate::lang::Lang;
use crate::scenario::model::Scenario;
use crate::scenario::raw;
use crate::scenario::raw::{Position, RawScenario, TopLevelKeys};
use crate::scenario::validate::{LoadSettings, validate};
use crate::text::{Text, text};

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
    fn whole_file(file: &str, message: Text) -> Self {
        Self {
            file: file.to_string(),
            text: None,
            problems: vec![Problem::error(Position::default(), "", message)],
        }
    }

    /// rustc-style, with the offending lines, in `lang`.
    pub fn render(&self, lang: Lang) -> String {
        crate::diagnostic::render(&self.file, self.text.as_deref(), &self.problems, lang)
    }
}

/// What discovery found: sources to load, files that could not be read, and
/// notes about files skipped in folders.
#[derive(Debug, Default)]
pub struct Discovery {
    pub sources: Vec<Source>,
    pub unreadable: Vec<LoadFailure>,
    pub notes: Vec<Text>,
}

/// Reads the files named, and `*.yaml`/`*.yml` files in the folders named
/// (recursively, sorted, hidden folders skipped).
///
/// Each folder is visited once, by device and inode, however many links lead to
/// it: a link back to a folder being scanned (`self -> .`, `/proc/self/root`) is
/// skipped with a note, so a scan always ends and never finds a file twice.
/// A scan stops, as an error, after [`MAX_SCAN_ENTRIES`] entries. Files are read
/// with [`read_bounded`]: a FIFO, a device or a file over
/// [`INPUT_FILE_LIMIT`] is an error, never a hang.
pub fn discover(paths: &[PathBuf]) -> Discovery {
    let mut discovery = Discovery::default();
    let mut scan = Scan::default();
    for path in paths {
        let name = path.display().to_string();
        match std::fs::metadata(path) {
            Ok(metadata) if metadata.is_dir() => {
                let mut found = Vec::new();
                // A link from inside the scan to a folder above where it started (as
                // `/proc/self/root` is) would scan that whole folder: the start's
                // own ancestors count as being scanned.
                let ancestors = ancestors_of(path);
                scan.folder(path, &metadata, &ancestors, &mut found, &mut discovery);
                found.sort();
                for file in found {
                    read_source(&file, false, &mut discovery);
                }
            }
            Ok(_) => read_source(path, true, &mut discovery),
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                discovery.unreadable.push(LoadFailure::whole_file(
                    &name,
                    Text::new("berkas atau folder tidak ada", "no such file or folder"),
                ))
            }
            Err(error) => discovery.unreadable.push(LoadFailure::whole_file(
                &name,
                text!(
                    "tidak dapat dibaca: {reason}",
                    "cannot read: {reason}",
                    reason = io_text(&error),
                ),
            )),
        }
    }
    discovery
}

/// The most entries one discovery looks at: a folder of scenarios has far fewer,
/// and a scan of `/` by mistake ends with an error instead of running for hours.
pub const MAX_SCAN_ENTRIES: usize = 100_000;

/// A folder's identity: device and inode where the platform has them, else its
/// canonical path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum FolderId {
    #[cfg(unix)]
    Inode(u64, u64),
    #[cfg_attr(unix, allow(dead_code))]
    Path(PathBuf),
}

impl FolderId {
    fn of(path: &Path, metadata: &std::fs::Metadata) -> Self {
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt as _;
            let _ = path;
            FolderId::Inode(metadata.dev(), metadata.ino())
        }
        #[cfg(not(unix))]
        {
            let _ = metadata;
            FolderId::Path(path.canonicalize().unwrap_or_else(|_| path.to_path_buf()))
        }
    }
}

/// The state of one discovery's walk over folders.
#[derive(Default)]
struct Scan {
    /// Every folder entered so far, with the path it was entered by.
    visited: HashMap<FolderId, PathBuf>,
    entries: usize,
    stopped: bool,
}

impl Scan {
    /// Collects the YAML files under `dir`; `ancestors` are the folders being
    /// scanned above it (a link to one of them is a loop).
    fn folder(
        &mut self,
        dir: &Path,
        metadata: &std::fs::Metadata,
        ancestors: &[FolderId],
        found: &mut Vec<PathBuf>,
        discovery: &mut Discovery,
    ) {
        let id = FolderId::of(dir, metadata);
        if ancestors.contains(&id) {
            let dir = dir.display();
            discovery.notes.push(text!(
                "{dir} dilewati: folder ini menaut kembali ke folder yang memuatnya, sehingga akan dipindai ulang",
                "skipped {dir}: it links back to a folder that holds it, which would scan it again"
            ));
            return;
        }
        if let Some(first) = self.visited.get(&id) {
            let (dir, first) = (dir.display(), first.display());
            discovery.notes.push(text!(
                "{dir} dilewati: folder yang sama dengan {first}, yang sudah dipindai",
                "skipped {dir}: the same folder as {first}, already scanned"
            ));
            return;
        }
        self.visited.insert(id.clone(), dir.to_path_buf());
        let mut ancestors = ancestors.to_vec();
        ancestors.push(id);
        let entries = match std::fs::read_dir(dir) {
            Ok(entries) => entries,
            Err(error) => {
                discovery.unreadable.push(LoadFailure::whole_file(
                    &dir.display().to_string(),
                    text!(
                        "folder tidak dapat dibaca: {reason}",
                        "cannot read folder: {reason}",
                        reason = io_text(&error),
                    ),
                ));
                return;
            }
        };
        let mut entries: Vec<_> = entries.flatten().collect();
        entries.sort_by_key(|entry| entry.file_name());
        for entry in entries {
            if self.stopped {
                return;
            }
            self.entries += 1;
            if self.entries > MAX_SCAN_ENTRIES {
                self.stopped = true;
                discovery.unreadable.push(LoadFailure::whole_file(
                    &dir.display().to_string(),
                    text!(
                        "pemindaian dihentikan setelah {MAX_SCAN_ENTRIES} berkas dan folder; sebutkan folder yang memuat skenario",
                        "stopped scanning after {MAX_SCAN_ENTRIES} files and folders; name the folder that holds the scenarios"
                    ),
                ));
                return;
            }
            let path = entry.path();
            let hidden = entry.file_name().to_string_lossy().starts_with('.');
            // Follows links: a link to a folder is scanned (once), a link to a
            // file is read like the file.
            let Ok(metadata) = std::fs::metadata(&path) else {
                continue;
            };
            if metadata.is_dir() {
                if !hidden {
                    self.folder(&path, &metadata, &ancestors, found, discovery);
                }
            } else if matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("yaml" | "yml")
            ) {
                found.push(path);
            }
        }
    }
}

/// The folders above `dir` (its canonical path's), outermost first.
fn ancestors_of(dir: &Path) -> Vec<FolderId> {
    let Ok(canonical) = dir.canonicalize() else {
        return Vec::new();
    };
    let mut ancestors: Vec<FolderId> = canonical
        .ancestors()
        .skip(1)
        .filter_map(|ancestor| {
            std::fs::metadata(ancestor)
                .ok()
                .map(|metadata| FolderId::of(ancestor, &metadata))
        })
        .collect();
    ancestors.reverse();
    ancestors
}

fn read_source(path: &Path, named: bool, discovery: &mut Discovery) {
    let name = path.display().to_string();
    match read_bounded(path, INPUT_FILE_LIMIT) {
        Ok(bytes) => discovery.sources.push(Source { name, bytes, named }),
        Err(error) => discovery.unreadable.push(LoadFailure::whole_file(
            &name,
            text!(
                "berkas tidak dapat dibaca: {reason}",
                "cannot read file: {reason}",
                reason = error.reason(),
            ),
        )),
    }
}

/// Why the operating system refused, in both languages.
fn io_text(error: &std::io::Error) -> Text {
    Text::new(
        crate::file::io_reason(error, Lang::Id),
        crate::file::io_reason(error, Lang::En),
    )
}

/// What a run knows of every scenario file it loaded, whether it keeps the
/// scenario or not: enough to name the file in the plan and to find clashes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outline {
    pub file: String,
    /// The scenario identity; `None` when the file did not load.
    pub identity: Option<String>,
    /// SHA-256 of the file's bytes.
    pub sha256: String,
}

impl Outline {
    /// The same file as a load error (what an identity clash makes of it).
    fn failed(&self) -> Outline {
        Outline {
            identity: None,
            ..self.clone()
        }
    }
}

/// Every file's outline, the scenarios kept, and the files skipped.
#[derive(Debug, Default)]
pub struct LoadedSet {
    pub outlines: Vec<Outline>,
    pub kept: Vec<Loaded>,
    /// Files found in a folder that are plainly not scenarios (no scenario key at
    /// their top level, nor a near miss of one), in the sources' order.
    pub skipped: Vec<String>,
}

/// Loads every source in order, then checks identities across the run.
pub fn load_all(sources: &[Source], settings: &LoadSettings, notes: &mut Vec<Text>) -> Vec<Loaded> {
    load_where(sources, settings, notes, |_| true).kept
}

/// [`load_all`], keeping only the scenarios whose final outline `keep` accepts.
/// One it rejects whichever way an identity clash turns out (another shard's) is
/// dropped as soon as it is loaded, so that a shard of a large set never holds the
/// whole set; only the outlines of all are kept.
pub fn load_where(
    sources: &[Source],
    settings: &LoadSettings,
    notes: &mut Vec<Text>,
    keep: impl Fn(&Outline) -> bool + Sync,
) -> LoadedSet {
    // Parsing and validating is most of a large set's start-up: spread it over
    // the cores (results stay in the sources' order).
    let loads = map_in_parallel(sources, |source| {
        let item = load_one(source, settings)?;
        // A loaded scenario has hashed its file already.
        let (identity, sha256) = match &item {
            Loaded::Ready { scenario, .. } => (Some(scenario.identity()), scenario.sha256.clone()),
            Loaded::Failed(_) => (None, crate::scenario::validate::sha256_hex(&source.bytes)),
        };
        let outline = Outline {
            file: source.name.clone(),
            identity,
            sha256,
        };
        let item = (keep(&outline) || keep(&outline.failed())).then_some(item);
        Some((outline, item))
    });
    let mut outlines = Vec::new();
    // (index of the outline, the loaded scenario), by index
    let mut kept = Vec::new();
    let mut skipped = Vec::new();
    for (source, load) in sources.iter().zip(loads) {
        let Some((outline, item)) = load else {
            skipped.push(source.name.clone());
            let name = &source.name;
            notes.push(text!(
                "{name} dilewati: tidak ada kunci skenario (seperti `service` atau `probes`) di tingkat teratasnya, juga tidak ada yang mirip, jadi berkas ini bukan skenario",
                "skipped {name}: no key of a scenario (such as `service` or `probes`) at its top level, nor a near miss of one, so not a scenario"
            ));
            continue;
        };
        if let Some(item) = item {
            kept.push((outlines.len(), item));
        }
        outlines.push(outline);
    }
    for (index, message) in identity_clashes(&outlines) {
        outlines[index].identity = None;
        if let Ok(at) = kept.binary_search_by_key(&index, |(at, _)| *at) {
            kept[at].1 = Loaded::Failed(LoadFailure {
                file: outlines[index].file.clone(),
                text: None,
                problems: vec![Problem::error(Position::default(), "service.id", message)],
            });
        }
    }
    let kept = kept
        .into_iter()
        .filter(|(index, _)| keep(&outlines[*index]))
        .map(|(_, item)| item)
        .collect();
    LoadedSet {
        outlines,
        kept,
        skipped,
    }
}

/// `None` when a file found in a folder is not a scenario at all.
fn load_one(source: &Source, settings: &LoadSettings) -> Option<Loaded> {
    let fail = |problem: Problem, text: Option<&str>| {
        Some(Loaded::Failed(LoadFailure {
            file: source.name.clone(),
            text: text.map(str::to_string),
            problems: vec![problem],
        }))
    };
    let text = match utf8_text(&source.bytes) {
        Ok(text) => text,
        Err(problem) => return fail(*problem, None),
    };
    if text.trim().is_empty() {
        let problem = Problem::error(
            Position::default(),
            "",
            Text::new(
                "berkas ini kosong; skenario memerlukan sedikitnya `version`, `service`, dan `probes`",
                "the file is empty; a scenario needs at least `version`, `service` and `probes`",
            ),
        );
        return fail(problem, Some(text));
    }
    let raw_scenario = match raw::parse::<RawScenario>(text) {
        Ok(raw_scenario) => raw_scenario,
        // A YAML file found in a folder that is plainly not a scenario is skipped
        // (with a note), not an error; one with a misspelled key is a scenario.
        Err(_) if !source.named && !looks_like_a_scenario(text) => return None,
        Err(error) => return fail(error.into_problem(), Some(text)),
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

/// The file's text, or where its first byte that is not UTF-8 is.
fn utf8_text(bytes: &[u8]) -> Result<&str, Box<Problem>> {
    std::str::from_utf8(bytes).map_err(|error| {
        let valid = &bytes[..error.valid_up_to()];
        let line = valid.iter().filter(|b| **b == b'\n').count() as u64 + 1;
        let column = valid.iter().rev().take_while(|b| **b != b'\n').count() as u64 + 1;
        let at = Position {
            line,
            column,
            bytes: None,
        };
        Box::new(Problem::error(
            at,
            "",
            {
                let offset = error.valid_up_to();
                text!(
                    "berkas ini bukan teks UTF-8 (byte pada posisi {offset} bukan UTF-8); simpan sebagai UTF-8",
                    "the file is not UTF-8 text (invalid byte at offset {offset}); save it as UTF-8"
                )
            },
        ))
    })
}

/// Whether a file that did not parse as a scenario is one all the same (see
/// [`TopLevelKeys`]); a file whose top level cannot be read at all is one, so
/// that its error is shown.
fn looks_like_a_scenario(text: &str) -> bool {
    raw::parse::<TopLevelKeys>(text)
        .map(|keys| keys.look_like_a_scenario())
        .unwrap_or(true)
}

/// `f` of every item, in order: the calling thread takes the first share and one
/// thread per other core the rest.
fn map_in_parallel<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    let threads = std::thread::available_parallelism().map_or(1, usize::from);
    if threads < 2 || items.len() < 64 {
        return items.iter().map(f).collect();
    }
    let share = items.len().div_ceil(threads);
    let f = &f;
    std::thread::scope(|scope| {
        let mut shares = items.chunks(share);
        let first = shares.next().unwrap_or_default();
        let others: Vec<_> = shares
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        let mut results: Vec<R> = first.iter().map(f).collect();
        for other in others {
            results.extend(
                other
                    .join()
                    .unwrap_or_else(|panic| std::panic::resume_unwind(panic)),
            );
        }
        results
    })
}

/// A scenario identity (service id plus label) must be unique in a run; every
/// file of a clash becomes a load error, since none can be trusted as "the" one.
/// Returns the outlines that clash, each with its message.
fn identity_clashes(outlines: &[Outline]) -> Vec<(usize, Text)> {
    let mut files_by_identity: HashMap<&str, Vec<&str>> = HashMap::new();
    for outline in outlines {
        if let Some(identity) = &outline.identity {
            files_by_identity
                .entry(identity)
                .or_default()
                .push(&outline.file);
        }
    }
    let mut clashes = Vec::new();
    for (index, outline) in outlines.iter().enumerate() {
        let Some(identity) = &outline.identity else {
            continue;
        };
        let files = &files_by_identity[identity.as_str()];
        if files.len() < 2 {
            continue;
        }
        let others: Vec<&str> = files
            .iter()
            .copied()
            .filter(|file| *file != outline.file)
            .collect();
        let elsewhere = if others.is_empty() {
            Text::new(
                "berkas yang sama, yang disebut dua kali",
                "the same file named twice",
            )
        } else {
            let others = others.join(", ");
            Text::new(others.clone(), others)
        };
        let message = text!(
            "skenario `{identity}` juga didefinisikan di {elsewhere}; beri masing-masing `service.id` atau label `scenario:` yang berbeda",
            "scenario `{identity}` is also defined in {elsewhere}; give each a distinct service.id or `scenario:` label",
            elsewhere = elsewhere,
        );
        clashes.push((index, message));
    }
    clashes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::Environment;

    fn source(name: &str, service_id: &str) -> Source {
        let text = format!(
            "version: 1\nservice: {{ id: {service_id}, base_url: \"http://127.0.0.1:9\" }}\nprobes:\n  - id: health\n    request: {{ path: /health }}\n"
        );
        Source {
            name: name.into(),
            bytes: text.into_bytes(),
            named: true,
        }
    }

    fn settings() -> LoadSettings {
        LoadSettings {
            env: Environment::empty(),
            ..LoadSettings::default()
        }
    }

    fn problem(item: &Loaded) -> Option<&str> {
        match item {
            Loaded::Ready { .. } => None,
            Loaded::Failed(failure) => failure.problems.first().map(|p| p.message(Lang::En)),
        }
    }

    #[test]
    fn an_identity_clash_fails_every_file_of_it_and_no_other() {
        let sources = [
            source("a.yaml", "kab-dukcapil"),
            source("b.yaml", "kab-perizinan"),
            source("c.yaml", "kab-dukcapil"),
            source("b.yaml", "kab-perizinan"),
        ];
        let loaded = load_all(&sources, &settings(), &mut Vec::new());
        assert_eq!(loaded.len(), 4);
        let message = |index: usize| problem(&loaded[index]).unwrap_or("ready").to_string();
        assert!(
            message(0).contains("also defined in c.yaml"),
            "{}",
            message(0)
        );
        assert!(
            message(2).contains("also defined in a.yaml"),
            "{}",
            message(2)
        );
        assert!(
            message(1).contains("the same file named twice"),
            "{}",
            message(1)
        );
        assert!(
            message(3).contains("the same file named twice"),
            "{}",
            message(3)
        );

        let distinct = [source("a.yaml", "kab-a"), source("b.yaml", "kab-b")];
        let loaded = load_all(&distinct, &settings(), &mut Vec::new());
        assert!(loaded.iter().all(|item| problem(item).is_none()));
    }

    #[test]
    fn load_where_keeps_what_it_is_told_and_outlines_everything() {
        let sources = [
            source("a.yaml", "kab-a"),
            source("b.yaml", "kab-b"),
            source("c.yaml", "kab-a"),
            source("d.yaml", "kab-d"),
        ];
        // Keep kab-d by identity, and load errors by file: the clash of a.yaml and
        // c.yaml makes both load errors, which this "shard" then holds.
        let keep = |outline: &Outline| match &outline.identity {
            Some(identity) => identity == "kab-d",
            None => outline.file != "b.yaml",
        };
        let set = load_where(&sources, &settings(), &mut Vec::new(), keep);
        let identities: Vec<Option<&str>> = set
            .outlines
            .iter()
            .map(|outline| outline.identity.as_deref())
            .collect();
        assert_eq!(identities, [None, Some("kab-b"), None, Some("kab-d")]);
        assert_eq!(
            set.outlines[1].sha256,
            crate::scenario::validate::sha256_hex(&sources[1].bytes)
        );
        let kept: Vec<(String, bool)> = set
            .kept
            .iter()
            .map(|item| match item {
                Loaded::Ready { scenario, .. } => (scenario.file.clone(), true),
                Loaded::Failed(failure) => (failure.file.clone(), false),
            })
            .collect();
        assert_eq!(
            kept,
            [
                ("a.yaml".to_string(), false),
                ("c.yaml".to_string(), false),
                ("d.yaml".to_string(), true)
            ]
        );
    }

    #[test]
    fn parallel_loading_keeps_the_sources_order() {
        let numbers: Vec<u32> = (0..1_000).collect();
        let doubled = map_in_parallel(&numbers, |n| n * 2);
        assert_eq!(doubled, numbers.iter().map(|n| n * 2).collect::<Vec<_>>());

        let sources: Vec<Source> = (0..150)
            .map(|i| source(&format!("s{i:03}.yaml"), &format!("kab-{i:03}")))
            .collect();
        let set = load_where(&sources, &settings(), &mut Vec::new(), |_| true);
        let files: Vec<&str> = set.outlines.iter().map(|o| o.file.as_str()).collect();
        let expected: Vec<&str> = sources.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(files, expected);
        assert_eq!(set.kept.len(), 150);
    }

    #[test]
    fn a_misspelled_scenario_in_a_folder_is_an_error_and_other_files_are_skipped() {
        let found = |name: &str, text: &str| Source {
            name: name.into(),
            bytes: text.as_bytes().to_vec(),
            named: false,
        };
        let sources = [
            found(
                "servce.yaml",
                "version: 1\nservce: { id: kab-a, base_url: \"http://127.0.0.1:9\" }\nprobes:\n  - id: health\n    request: { path: /health }\n",
            ),
            found("ci.yaml", "stages: [test]\njobs: {}\n"),
            found(
                "catalogue.yaml",
                "catalogue: mine\nversion: \"1\"\nrules: []\n",
            ),
        ];
        let mut notes = Vec::new();
        let loaded = load_all(&sources, &settings(), &mut notes);
        let [Loaded::Failed(failure)] = loaded.as_slice() else {
            panic!("{loaded:?}")
        };
        let problem = &failure.problems[0];
        assert_eq!(failure.file, "servce.yaml");
        assert_eq!((problem.line, problem.column), (2, 1), "{problem:?}");
        assert!(
            problem.message(Lang::En).contains("unknown key `servce`"),
            "{problem:?}"
        );
        assert_eq!(problem.help(Lang::En), Some("did you mean `service`?"));
        assert_eq!(problem.help(Lang::Id), Some("maksud Anda `service`?"));
        assert_eq!(notes.len(), 2, "{notes:?}");
        assert!(
            notes[0].en.starts_with("skipped ci.yaml")
                && notes[1].en.starts_with("skipped catalogue.yaml")
                && notes[0].id.starts_with("ci.yaml dilewati")
        );
    }
}
