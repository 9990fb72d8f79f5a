//! Logs (tracing) on stderr, redacted: a secret must not leak through the debug
//! output of any crate, so every log line passes the redactor before it is written.
//! The redactor knows the scenarios' secrets (after loading) and the values
//! captured with `secret: true` (as they are captured). Colour only on a terminal.

use std::io::{IsTerminal as _, Write};
use std::sync::{OnceLock, RwLock};

use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::MakeWriter;

use observe::redact::Redactor;

fn secrets() -> &'static RwLock<Redactor> {
    static SECRETS: OnceLock<RwLock<Redactor>> = OnceLock::new();
    SECRETS.get_or_init(|| RwLock::new(Redactor::default()))
}

/// Registers secret values (after loading) so logs redact them from then on.
pub fn add_secrets(values: &[String]) {
    if let Ok(mut redactor) = secrets().write() {
        for value in values {
            *redactor = redactor.with_secret(value);
        }
    }
}

/// Whether log lines carry colour: only on a terminal, and not with `NO_COLOR`
/// set, as for the rest of the output.
fn log_colour(stderr_is_terminal: bool, no_color_set: bool) -> bool {
    stderr_is_terminal && !no_color_set
}

/// The command line as it may be recorded: `--set name=value` values and secrets hidden.
pub fn redact_args(args: Vec<String>) -> Vec<String> {
    let redactor = secrets().read().map(|r| r.clone()).unwrap_or_default();
    let mut hide_next = false;
    args.into_iter()
        .map(|arg| {
            let shown = if hide_next {
                arg.split_once('=')
                    .map_or_else(|| "***".to_string(), |(name, _)| format!("{name}=***"))
            } else if let Some(value) = arg.strip_prefix("--set=") {
                format!(
                    "--set={}",
                    value
                        .split_once('=')
                        .map_or("***".to_string(), |(n, _)| format!("{n}=***"))
                )
            } else {
                redactor.redact(&arg).into_owned()
            };
            hide_next = arg == "--set";
            shown
        })
        .collect()
}

/// `-v` info, `-vv` debug, `-vvv` trace; `RUST_LOG` wins when set; `--quiet` errors only.
pub fn init(verbose: u8, quiet: bool) {
    // html5ever warns "foster parenting not implemented" on every form written
    // inside a table although it does foster-parent: noise, not news.
    let default = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn,html5ever=error",
        (false, 1) => "ujilab=info,warn,html5ever=error",
        (false, 2) => "ujilab=debug,info,html5ever=error",
        _ => "trace",
    };
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(default));
    observe::redact::on_secret_learnt(|secret| add_secrets(&[secret.to_string()]));
    let colour = log_colour(
        std::io::stderr().is_terminal(),
        std::env::var_os("NO_COLOR").is_some(),
    );
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(colour)
        .with_writer(RedactingStderr)
        .with_target(verbose > 1)
        .try_init();
}

struct RedactingStderr;

impl<'a> MakeWriter<'a> for RedactingStderr {
    type Writer = LineBuffer;
    fn make_writer(&'a self) -> LineBuffer {
        LineBuffer(Vec::new())
    }
}

/// Collects one log event and writes it redacted when dropped.
struct LineBuffer(Vec<u8>);

impl Write for LineBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Drop for LineBuffer {
    fn drop(&mut self) {
        let text = String::from_utf8_lossy(&self.0);
        let redacted = match secrets().read() {
            Ok(redactor) => redactor.redact(&text).into_owned(),
            Err(_) => text.into_owned(),
        };
        let _ = std::io::stderr().write_all(redacted.as_bytes());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colour_only_on_a_terminal_without_no_color() {
        assert!(log_colour(true, false));
        assert!(!log_colour(false, false));
        assert!(!log_colour(true, true));
    }

    /// A value captured with `secret: true` is announced by the run crate
    /// (`observe::redact::secret_learnt`); from then on log lines mask it.
    #[test]
    fn captured_secrets_reach_the_log_redactor() {
        observe::redact::on_secret_learnt(|secret| add_secrets(&[secret.to_string()]));
        observe::redact::secret_learnt("captured-Tok3n-value");
        let redactor = secrets().read().expect("not poisoned").clone();
        assert_eq!(
            redactor.redact("GET /x?t=captured-Tok3n-value"),
            "GET /x?t=***"
        );
    }
}
