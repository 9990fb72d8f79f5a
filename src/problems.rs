//! How `validate` prints the problems it found: for people (the source line and
//! a caret, on stderr), for editors and tools (one JSON document on stdout), or
//! as GitHub Actions annotations (workflow commands on stdout).

use std::fmt::Write as _;

use input::lang::Lang;
use input::scenario::LoadFailure;
use serde_json::{Value, json};

use crate::cli::ValidateFormat;

/// Every problem of one validate run, file by file, and the run's totals.
pub struct Findings {
    pub files: Vec<LoadFailure>,
    pub notes: Vec<input::text::Text>,
    pub valid: usize,
    pub failed: usize,
}

/// The version of the JSON layout, for tools that read it.
pub const JSON_FORMAT: &str = "ujilab-validate/1";

impl Findings {
    /// Prints the findings in `format`; `summary` is the human closing line
    /// (text and github only: JSON carries the counts instead).
    pub fn print(&self, format: ValidateFormat, summary: &str, lang: Lang, quiet: bool) {
        match format {
            ValidateFormat::Text => {
                for file in &self.files {
                    eprint!("{}", file.render(lang));
                }
                if !quiet {
                    for note in &self.notes {
                        let note = note.pick(lang);
                        eprintln!("{}: {note}", lang.pick("catatan", "note"));
                    }
                    println!("{summary}");
                }
            }
            ValidateFormat::Json => {
                let text = serde_json::to_string_pretty(&self.json(lang)).unwrap_or_default();
                crate::commands::print_stdout(&format!("{text}\n"));
            }
            ValidateFormat::Github => {
                let mut out = String::new();
                for file in &self.files {
                    out.push_str(&github_annotations(file, lang));
                }
                if !quiet {
                    for note in &self.notes {
                        let note = note.pick(lang);
                        let _ = writeln!(out, "::notice title=ujilab validate::{}", data(note));
                    }
                    let _ = writeln!(out, "{summary}");
                }
                crate::commands::print_stdout(&out);
            }
        }
    }

    /// `{format, valid, failed, problems: [{file, line, column, path, severity,
    /// message, help}], notes}`; line and column are 0 for a whole-file problem.
    /// `message`, `help` and `notes` in `lang`, the language asked for.
    pub fn json(&self, lang: Lang) -> Value {
        let problems: Vec<Value> = self
            .files
            .iter()
            .flat_map(|file| {
                file.problems.iter().map(|problem| {
                    json!({
                        "file": file.file,
                        "line": problem.line,
                        "column": problem.column,
                        "path": problem.path,
                        "severity": if problem.is_error() { "error" } else { "warning" },
                        "message": problem.message(lang),
                        "help": problem.help(lang),
                    })
                })
            })
            .collect();
        json!({
            "format": JSON_FORMAT,
            "valid": self.valid,
            "failed": self.failed,
            "problems": problems,
            "notes": self.notes.iter().map(|note| note.pick(lang)).collect::<Vec<_>>(),
        })
    }
}

/// One `::error` or `::warning` workflow command per problem. The message
/// names the key path and carries the help on a second line.
fn github_annotations(file: &LoadFailure, lang: Lang) -> String {
    let mut out = String::new();
    for problem in &file.problems {
        let level = if problem.is_error() {
            "error"
        } else {
            "warning"
        };
        let mut properties = format!("file={}", property(&file.file));
        if problem.line > 0 {
            let _ = write!(properties, ",line={},col={}", problem.line, problem.column);
        }
        let _ = write!(properties, ",title={}", property("ujilab validate"));
        let mut message = problem.message(lang).to_string();
        if !problem.path.is_empty() {
            let at = lang.pick("di", "at");
            let _ = write!(message, " ({at} `{}`)", problem.path);
        }
        if let Some(help) = problem.help(lang) {
            let label = lang.pick("bantuan", "help");
            let _ = write!(message, "\n{label}: {help}");
        }
        let _ = writeln!(out, "::{level} {properties}::{}", data(&message));
    }
    out
}

/// A workflow command's message: `%`, CR and LF escaped, as the runner reads
/// them; other control characters shown as escapes, never sent raw.
fn data(text: &str) -> String {
    text.replace("\r\n", "\n")
        .replace('\r', "\n")
        .split('\n')
        .map(|line| input::diagnostic::visible(line).replace('%', "%25"))
        .collect::<Vec<_>>()
        .join("%0A")
}

/// A workflow command's property value: also `:` and `,`, which end it.
fn property(text: &str) -> String {
    data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_command_values_cannot_end_early_or_inject_a_command() {
        assert_eq!(data("50% done\nnext"), "50%25 done%0Anext");
        assert_eq!(data("a\r\n::error::x\rb"), "a%0A::error::x%0Ab");
        assert_eq!(property("dir,a:b.yaml"), "dir%2Ca%3Ab.yaml");
        assert_eq!(data("\u{1b}[31m"), "\\x1b[31m");
    }
}
