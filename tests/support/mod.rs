//! Helpers shared by the integration tests: start the sandbox, load a scenario
//! text against it, run it, and drive the `ujilab` binary. Each test crate that
//! uses them declares `mod support;`; a crate uses only some of them, hence the
//! `dead_code` allowance.
#![allow(dead_code)]

pub mod postgres;

use std::process::{Command, Output};

use input::scenario::{Environment, LoadSettings, Loaded, Scenario, Source, load_all};
use observe::observations::Observations;
use run::{Cancel, Events, RunSettings, run_scenario};
use sandbox::{Sandbox, SandboxConfig};

/// Installs the crypto provider and starts an ephemeral sandbox on 127.0.0.1.
pub async fn start_sandbox() -> Sandbox {
    run::client::install_crypto_provider();
    Sandbox::start(SandboxConfig::ephemeral())
        .await
        .unwrap_or_else(|error| panic!("sandbox did not start: {error}"))
}

/// Load settings whose environment is the sandbox's (ports, CA file), with
/// `require_env` on.
pub fn sandbox_load_settings(sandbox: &Sandbox) -> LoadSettings {
    let mut env = Environment::empty();
    for (name, value) in sandbox.env() {
        env = env.with(name, value);
    }
    LoadSettings {
        env,
        require_env: true,
        ..LoadSettings::default()
    }
}

/// Loads the scenario `text`, named `name`, with the sandbox's environment;
/// panics with the rendered problems if it does not load.
pub fn load_against_sandbox(sandbox: &Sandbox, name: &str, text: &str) -> Scenario {
    let source = Source {
        name: name.into(),
        bytes: text.as_bytes().to_vec(),
        named: true,
    };
    let settings = sandbox_load_settings(sandbox);
    match load_all(&[source], &settings, &mut Vec::new()).pop() {
        Some(Loaded::Ready { scenario, .. }) => *scenario,
        Some(Loaded::Failed(failure)) => panic!("{}", failure.render(input::lang::Lang::En)),
        None => panic!("{name}: nothing loaded"),
    }
}

/// Runs `scenario` to the end with `settings`, no cancel and no events; panics
/// if the run itself fails.
pub async fn run_with(scenario: &Scenario, settings: &RunSettings) -> Observations {
    run_scenario(scenario, settings, &Cancel::default(), &Events::default())
        .await
        .unwrap_or_else(|error| panic!("{error}"))
}

/// Runs `scenario` to the end with the default run settings.
pub async fn run_with_defaults(scenario: &Scenario) -> Observations {
    run_with(scenario, &RunSettings::default()).await
}

/// The `ujilab` binary built for these tests, without `RUST_LOG` and with
/// `NO_COLOR=1`.
pub fn ujilab_command() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ujilab"));
    command.env_remove("RUST_LOG").env("NO_COLOR", "1");
    command
}

/// Runs `command` to completion and returns its output.
pub fn run_command(command: &mut Command) -> Output {
    command
        .output()
        .unwrap_or_else(|error| panic!("cannot run ujilab: {error}"))
}

/// Runs `command` on a blocking thread, so an in-process sandbox keeps serving
/// while it runs.
pub async fn run_command_off_runtime(mut command: Command) -> Output {
    tokio::task::spawn_blocking(move || run_command(&mut command))
        .await
        .expect("join")
}

/// Output bytes as text, invalid UTF-8 replaced.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts the process exited with `code`, showing its stderr if not.
pub fn assert_exit_code(output: &Output, code: i32) {
    assert_eq!(
        output.status.code(),
        Some(code),
        "stderr: {}",
        text(&output.stderr)
    );
}
