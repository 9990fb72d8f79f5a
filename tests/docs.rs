//! ujilab documents itself (issue 18): the docs a clone has are complete and
//! current, and the binary prints them, its completions, its man page and its
//! version offline. Also `validate --format json|github`, which editors and CI
//! read, checked against the bad-scenario corpus.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn ujilab() -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_ujilab"));
    command
        .current_dir(root())
        .env_remove("RUST_LOG")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env("NO_COLOR", "1")
        .env("UJILAB_LANG", "en");
    command
}

fn run(args: &[&str]) -> Output {
    ujilab()
        .args(args)
        .output()
        .unwrap_or_else(|error| panic!("cannot run ujilab {args:?}: {error}"))
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|error| panic!("{}: {error}", path.display()))
}

/// The subcommands `ujilab --help` lists.
fn subcommands() -> Vec<String> {
    let help = stdout(&run(&["--help"]));
    let listed: Vec<String> = help
        .split("Commands:")
        .nth(1)
        .expect("--help lists commands")
        .lines()
        .skip(1)
        .take_while(|line| !line.trim().is_empty())
        .filter(|line| line.starts_with("  ") && !line.starts_with("   "))
        .filter_map(|line| line.split_whitespace().next().map(str::to_string))
        .filter(|name| name != "help")
        .collect();
    assert!(listed.len() >= 14, "{help}");
    listed
}

#[test]
fn the_standards_reference_is_what_the_binary_generates() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("standards");
    let output = run(&["standards", "docs", "--out", &out.display().to_string()]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let names = |dir: &Path| -> BTreeSet<String> {
        std::fs::read_dir(dir)
            .unwrap_or_else(|error| panic!("{}: {error}", dir.display()))
            .map(|entry| {
                entry
                    .expect("entry")
                    .file_name()
                    .to_string_lossy()
                    .into_owned()
            })
            .collect()
    };
    let checked_in = root().join("docs").join("standards");
    let update = "run `cargo run -- standards docs --out docs/standards` to update";
    assert_eq!(
        names(&out),
        names(&checked_in),
        "docs/standards has other files than the binary writes: {update}"
    );
    for name in names(&out) {
        assert!(
            read(&out.join(&name)) == read(&checked_in.join(&name)),
            "docs/standards/{name} differs from what the binary generates: {update}"
        );
    }
    // Both languages of every built-in version, each rule with its fix.
    let version = stdout(&run(&["--version"]));
    for catalogue in version
        .lines()
        .find_map(|line| line.strip_prefix("catalogues:"))
        .expect("--version names the catalogues")
        .split(" (")
        .next()
        .unwrap_or_default()
        .split(", ")
    {
        let stem = catalogue.trim().replace('@', "-");
        let english = read(&out.join(format!("{stem}.en.md")));
        let indonesian = read(&out.join(format!("{stem}.id.md")));
        assert!(english.contains("How to fix"), "{stem}");
        assert!(indonesian.contains("Cara memperbaiki"), "{stem}");
        // Every rule has its own section, headed by its code (`## SC-01 ...`,
        // `## OM-06 ...`, `## SPBE-42 ...`); the smallest catalogue has six.
        let rule_headings = english
            .lines()
            .filter_map(|line| line.strip_prefix("## "))
            .filter_map(|heading| heading.split(' ').next()?.split_once('-'))
            .filter(|(letters, digits)| {
                !letters.is_empty()
                    && letters.bytes().all(|b| b.is_ascii_uppercase())
                    && !digits.is_empty()
                    && digits.bytes().all(|b| b.is_ascii_digit())
            })
            .count();
        assert!(rule_headings >= 6, "{stem}: {rule_headings} rule sections");
    }
}

#[test]
fn docs_prints_each_file_of_docs_offline() {
    for (topic, file) in [
        ("scenario", "scenario.md"),
        ("reports", "reports.md"),
        ("exit-codes", "exit-codes.md"),
        ("fleet", "fleet.md"),
        ("first-hour", "first-hour.md"),
        ("init", "init.md"),
        ("watch", "watch.md"),
    ] {
        let output = run(&["docs", topic]);
        assert_eq!(output.status.code(), Some(0), "{topic}");
        assert_eq!(
            stdout(&output),
            read(&root().join("docs").join(file)),
            "{topic}"
        );
    }
    let list = run(&["docs"]);
    assert_eq!(list.status.code(), Some(0));
    for topic in [
        "scenario",
        "reports",
        "exit-codes",
        "fleet",
        "first-hour",
        "watch",
    ] {
        assert!(stdout(&list).contains(topic), "{}", stdout(&list));
    }
    let indonesian = ujilab()
        .env("UJILAB_LANG", "id")
        .arg("docs")
        .output()
        .expect("runs");
    assert!(stdout(&indonesian).contains("Dokumentasi bawaan"));
    let unknown = run(&["docs", "scenaro"]);
    assert_eq!(unknown.status.code(), Some(2));
}

/// Every Markdown link of the README and docs/ names a file in the repository;
/// nothing sends a reader outside it (the workshop's ../shared least of all).
#[test]
fn readme_and_docs_link_only_to_files_in_the_repository() {
    let mut pages = vec![root().join("README.md")];
    let mut stack = vec![root().join("docs")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read docs/") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|ext| ext == "md") {
                pages.push(path);
            }
        }
    }
    let mut broken = Vec::new();
    for page in &pages {
        let text = read(page);
        assert!(
            !text.contains("../shared"),
            "{} points outside the repository",
            page.display()
        );
        for target in link_targets(&text) {
            let target = target.as_str();
            if target.starts_with("http://")
                || target.starts_with("https://")
                || target.starts_with('#')
            {
                continue;
            }
            let file = target.split('#').next().unwrap_or_default();
            let resolved = page.parent().expect("folder").join(file);
            let inside = resolved
                .canonicalize()
                .is_ok_and(|path| path.starts_with(root().canonicalize().expect("root")));
            if !inside {
                broken.push(format!("{}: {target}", page.display()));
            }
        }
    }
    assert!(
        broken.is_empty(),
        "links to nothing in the repository: {broken:#?}"
    );
}

/// The targets of the Markdown links `[text](target)` in `text`.
fn link_targets(text: &str) -> Vec<String> {
    text.split("](")
        .skip(1)
        .filter_map(|rest| rest.split_once(')').map(|(target, _)| target))
        .filter(|target| !target.is_empty() && !target.contains(char::is_whitespace))
        .map(str::to_string)
        .collect()
}

/// The key paths of the scenario schema, `probes[].request.method` style; the
/// matcher operators are listed apart (they nest without end).
fn schema_keys() -> (Vec<(String, Value)>, Vec<String>) {
    let schema: Value = serde_json::from_str(&read(&root().join("schemas/scenario.schema.json")))
        .expect("the scenario schema is JSON");
    fn resolve<'a>(schema: &'a Value, node: &'a Value) -> &'a Value {
        match node.get("$ref").and_then(Value::as_str) {
            Some(reference) => reference
                .strip_prefix("#/")
                .map(|pointer| format!("/{pointer}"))
                .and_then(|pointer| schema.pointer(&pointer))
                .unwrap_or(node),
            None => node,
        }
    }
    fn walk(schema: &Value, node: &Value, path: &str, keys: &mut Vec<(String, Value)>) {
        if node
            .get("$ref")
            .and_then(Value::as_str)
            .is_some_and(|reference| reference.starts_with("#/$defs/matcher"))
        {
            return;
        }
        let node = resolve(schema, node);
        if let Some(properties) = node.get("properties").and_then(Value::as_object) {
            for (name, child) in properties {
                let key = if path.is_empty() {
                    name.clone()
                } else {
                    format!("{path}.{name}")
                };
                if !keys.iter().any(|(known, _)| *known == key) {
                    keys.push((key.clone(), child.clone()));
                }
                walk(schema, child, &key, keys);
            }
        }
        if let Some(items) = node.get("items") {
            walk(schema, items, &format!("{path}[]"), keys);
        }
        if let Some(values) = node.get("additionalProperties").filter(|v| v.is_object()) {
            walk(schema, values, &format!("{path}.*"), keys);
        }
        for combinator in ["anyOf", "oneOf", "allOf"] {
            for branch in node
                .get(combinator)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                walk(schema, branch, path, keys);
            }
        }
    }
    let mut keys = Vec::new();
    walk(&schema, &schema, "", &mut keys);
    let operators = schema["$defs"]["matcher_map"]["properties"]
        .as_object()
        .expect("matcher operators")
        .keys()
        .cloned()
        .collect();
    (keys, operators)
}

#[test]
fn the_scenario_reference_names_every_key_of_the_schema() {
    let doc = read(&root().join("docs/scenario.md"));
    let (keys, operators) = schema_keys();
    assert!(keys.len() > 80, "{keys:?}");
    let missing: Vec<&String> = keys
        .iter()
        .map(|(key, _)| key)
        .filter(|key| !doc.contains(&format!("`{key}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/scenario.md does not describe: {missing:#?}"
    );
    let missing: Vec<&String> = operators
        .iter()
        .filter(|operator| !doc.contains(&format!("`{operator}`")))
        .collect();
    assert!(
        missing.is_empty(),
        "docs/scenario.md lacks the matcher operators {missing:?}"
    );
}

/// What an editor shows: every key of `ujilab schema scenario` (and every matcher
/// operator) has a description and at least one example, and each example is
/// valid where it stands.
#[test]
fn every_key_of_the_scenario_schema_has_a_description_and_a_valid_example() {
    let schema: Value = serde_json::from_str(&read(&root().join("schemas/scenario.schema.json")))
        .expect("the scenario schema is JSON");
    let printed: Value = serde_json::from_slice(&run(&["schema", "scenario"]).stdout)
        .expect("ujilab schema scenario prints JSON");
    assert_eq!(
        printed, schema,
        "the binary prints schemas/scenario.schema.json"
    );
    let (mut keys, operators) = schema_keys();
    for operator in operators {
        keys.push((
            format!("(matcher) {operator}"),
            schema["$defs"]["matcher_map"]["properties"][&operator].clone(),
        ));
    }
    let mut undocumented = Vec::new();
    let mut invalid = Vec::new();
    for (key, node) in &keys {
        let described = node["description"]
            .as_str()
            .is_some_and(|text| text.len() > 10);
        let examples = node["examples"].as_array().cloned().unwrap_or_default();
        if !described || examples.is_empty() {
            undocumented.push(key.clone());
            continue;
        }
        let mut standalone = node.clone();
        standalone["$defs"] = schema["$defs"].clone();
        let validator =
            jsonschema::validator_for(&standalone).unwrap_or_else(|error| panic!("{key}: {error}"));
        for example in &examples {
            if !validator.is_valid(example) {
                invalid.push(format!("{key}: {example}"));
            }
        }
    }
    assert!(
        undocumented.is_empty(),
        "{} of {} keys lack a description or an example: {undocumented:#?}",
        undocumented.len(),
        keys.len()
    );
    assert!(
        invalid.is_empty(),
        "examples the schema refuses: {invalid:#?}"
    );
}

#[test]
fn bash_completion_knows_every_subcommand_and_other_shells_get_a_script() {
    let output = run(&["completions", "bash"]);
    assert_eq!(output.status.code(), Some(0));
    let script = stdout(&output);
    assert!(script.contains("complete -F _ujilab"), "{script}");
    for name in subcommands() {
        assert!(
            script.contains(&format!("ujilab__{name}"))
                || script.contains(&format!("ujilab,{name}")),
            "bash completion lacks `{name}`"
        );
    }
    for flag in ["--no-load", "--format", "--shard", "--require-verdict"] {
        assert!(script.contains(flag), "bash completion lacks {flag}");
    }
    if Command::new("bash").arg("--version").output().is_ok() {
        let syntax = Command::new("bash")
            .args(["-n", "-c", &script])
            .output()
            .expect("bash runs");
        assert!(
            syntax.status.success(),
            "{}",
            String::from_utf8_lossy(&syntax.stderr)
        );
    }
    for (shell, mark) in [
        ("zsh", "#compdef ujilab"),
        ("fish", "complete -c ujilab"),
        ("powershell", "Register-ArgumentCompleter"),
        ("elvish", "edit:completion:arg-completer[ujilab]"),
    ] {
        let output = run(&["completions", shell]);
        assert_eq!(output.status.code(), Some(0), "{shell}");
        assert!(stdout(&output).contains(mark), "{shell}");
    }
}

#[test]
fn the_man_page_renders_with_every_subcommand() {
    let dir = tempfile::tempdir().expect("temp dir");
    let output = run(&["man", "--out", &dir.path().display().to_string()]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
    let page = dir.path().join("ujilab.1");
    let roff = read(&page);
    assert!(
        roff.starts_with(".ie") || roff.contains(".TH ujilab 1"),
        "{roff}"
    );
    assert_eq!(
        stdout(&run(&["man"])),
        roff,
        "stdout and --out give the same page"
    );
    let names = subcommands();
    for name in &names {
        assert!(
            roff.contains(&format!("ujilab\\-{name}(1)")),
            "ujilab.1 lacks {name}"
        );
        let sub = dir.path().join(format!("ujilab-{name}.1"));
        assert!(read(&sub).contains(".TH"), "{}", sub.display());
    }
    let run_page = read(&dir.path().join("ujilab-run.1"));
    assert!(
        run_page.contains("\\-\\-no\\-load") || run_page.contains("no\\-load"),
        "{run_page}"
    );
    // man(1) itself, where it is installed: the page renders, sections and all.
    let rendered = Command::new("man")
        .arg("-l")
        .arg(&page)
        .env("MANWIDTH", "100")
        .env("MANPAGER", "cat")
        .env("PAGER", "cat")
        .output();
    match rendered {
        Ok(rendered) if rendered.status.success() => {
            let text = String::from_utf8_lossy(&rendered.stdout);
            for section in [
                "NAME",
                "SYNOPSIS",
                "DESCRIPTION",
                "OPTIONS",
                "SUBCOMMANDS",
                "VERSION",
            ] {
                assert!(text.contains(section), "{section}: {text}");
            }
            for name in &names {
                assert!(
                    text.contains(&format!("ujilab-{name}(1)")),
                    "{name}: {text}"
                );
            }
        }
        _ => eprintln!("note: man(1) is not installed; checked the roff only"),
    }
}

#[test]
fn version_names_the_build_and_the_catalogues() {
    let long = stdout(&run(&["--version"]));
    let lines: Vec<&str> = long.lines().collect();
    assert_eq!(
        lines[0],
        format!("ujilab {}", env!("CARGO_PKG_VERSION")),
        "{long}"
    );
    let field = |name: &str| {
        lines
            .iter()
            .find_map(|line| line.strip_prefix(&format!("{name}:")))
            .map(str::trim)
            .unwrap_or_else(|| panic!("no {name}: in {long}"))
    };
    let commit = field("commit");
    assert!(
        commit == "unknown"
            || (commit.len() == 12 && commit.chars().all(|c| c.is_ascii_hexdigit())),
        "{commit}"
    );
    let date = field("built");
    let shape: String = date
        .chars()
        .map(|c| if c.is_ascii_digit() { '9' } else { c })
        .collect();
    assert_eq!(shape, "9999-99-99", "{long}");
    assert!(
        field("target").contains("linux") || field("target").contains('-'),
        "{long}"
    );
    assert!(field("catalogues").contains("idsll-core@"), "{long}");
    assert!(field("report").starts_with("ujilab-report/"), "{long}");
    // -V is the short form; --help shows the version too.
    assert_eq!(
        stdout(&run(&["-V"])).trim(),
        format!("ujilab {}", env!("CARGO_PKG_VERSION"))
    );
    assert!(
        stdout(&run(&["--help"])).starts_with(&format!("ujilab {}", env!("CARGO_PKG_VERSION")))
    );
}

/// One problem a `.expect` file of tests/bad asks for (see bad_scenarios.rs).
#[derive(Debug, Default)]
struct Expected {
    line: Option<u64>,
    column: Option<u64>,
    path: Option<String>,
    message: Option<String>,
    help: Option<String>,
}

fn expectations(text: &str) -> (Vec<(String, String)>, Vec<Expected>) {
    let mut env = Vec::new();
    let mut all = Vec::new();
    for block in text.split("\n\n") {
        let mut expected = Expected::default();
        let mut any = false;
        for line in block.lines().filter(|line| !line.starts_with('#')) {
            let Some((key, value)) = line.split_once(": ") else {
                continue;
            };
            any |= key != "env";
            match key {
                "env" => {
                    if let Some((name, value)) = value.split_once('=') {
                        env.push((name.to_string(), value.to_string()));
                    }
                }
                "line" => expected.line = value.parse().ok(),
                "column" => expected.column = value.parse().ok(),
                "path" => expected.path = Some(value.to_string()),
                "message" => expected.message = Some(value.to_string()),
                "help" => expected.help = Some(value.to_string()),
                _ => {}
            }
        }
        if any {
            all.push(expected);
        }
    }
    (env, all)
}

/// `validate --format json` and `--format github` on every case of tests/bad:
/// each expected problem is in the JSON with its file, line, column, key path,
/// severity, message and help, and is a GitHub annotation at the same place.
#[test]
fn validate_prints_problems_as_json_and_as_github_annotations() {
    let corpus = root().join("tests").join("bad");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("tests/bad")
        .map(|entry| entry.expect("entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "yaml"))
        .filter(|path| path.with_extension("expect").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() > 40, "{cases:?}");
    let mut broken = Vec::new();
    for case in &cases {
        let (env, expected) = expectations(&read(&case.with_extension("expect")));
        let file = format!(
            "tests/bad/{}",
            case.file_name().expect("name").to_string_lossy()
        );
        let validate = |format: &str| {
            let mut command = ujilab();
            command
                .env_clear()
                .env("PATH", std::env::var("PATH").unwrap_or_default())
                .env("UJILAB_LANG", "en")
                .envs(env.iter().map(|(name, value)| (name, value)))
                .args(["validate", "--require-env", "--format", format, &file]);
            command.output().expect("validate runs")
        };
        let json = validate("json");
        assert_eq!(json.status.code(), Some(2), "{file}: {json:?}");
        let document: Value = match serde_json::from_slice(&json.stdout) {
            Ok(document) => document,
            Err(error) => {
                broken.push(format!("{file}: not JSON ({error}): {}", stdout(&json)));
                continue;
            }
        };
        assert_eq!(document["format"], "ujilab-validate/1");
        assert_eq!(document["failed"], 1, "{file}");
        let problems = document["problems"].as_array().cloned().unwrap_or_default();
        for problem in &problems {
            for key in [
                "file", "line", "column", "path", "severity", "message", "help",
            ] {
                assert!(
                    problem.get(key).is_some(),
                    "{file}: {key} missing in {problem}"
                );
            }
            assert_eq!(problem["file"], file.as_str());
        }
        let github = stdout(&validate("github"));
        for want in &expected {
            let found = problems.iter().find(|problem| {
                want.line.is_none_or(|line| problem["line"] == line)
                    && want.column.is_none_or(|column| problem["column"] == column)
                    && want
                        .path
                        .as_ref()
                        .is_none_or(|path| problem["path"] == path.as_str())
                    && want.message.as_ref().is_none_or(|message| {
                        problem["message"]
                            .as_str()
                            .is_some_and(|m| m.contains(message.as_str()))
                    })
                    && want.help.as_ref().is_none_or(|help| {
                        problem["help"]
                            .as_str()
                            .is_some_and(|h| h.contains(help.as_str()))
                    })
            });
            let Some(found) = found else {
                broken.push(format!(
                    "{file}: no JSON problem like {want:?} in {problems:#?}"
                ));
                continue;
            };
            let level = found["severity"].as_str().unwrap_or_default();
            let mut place = format!("::{level} file={file}");
            if found["line"].as_u64().unwrap_or(0) > 0 {
                place.push_str(&format!(",line={},col={}", found["line"], found["column"]));
            }
            if !github.lines().any(|line| line.starts_with(&place)) {
                broken.push(format!(
                    "{file}: no annotation starting {place} in {github}"
                ));
            }
        }
    }
    assert!(broken.is_empty(), "{}", broken.join("\n"));
}

/// The `ujilab` command lines of the CI examples (deploy/ci/*.yml) as a job runs
/// them, with `sh -c`, against the sandbox: the gate's validate and runs, the
/// GitLab validate. (The shard and merge lines are run by tests/fleet.rs.) Each
/// exits 0 on a passing service, writes the files its --format names, appends
/// the summary to $GITHUB_STEP_SUMMARY, and validate's outputs read back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ci_example_command_lines_run_as_written() {
    let mut lines = BTreeSet::new();
    for entry in std::fs::read_dir(root().join("deploy/ci")).expect("deploy/ci") {
        let path = entry.expect("entry").path();
        for line in read(&path).lines() {
            let line = line
                .trim()
                .trim_start_matches("- ")
                .trim_start_matches("run: ");
            let covered_by_fleet = line.contains("--shard") || line.starts_with("ujilab merge ");
            if line.starts_with("ujilab ") && !covered_by_fleet {
                lines.insert(line.to_string());
            }
        }
    }
    assert!(lines.len() >= 4, "{lines:#?}");
    for wanted in [
        "ujilab validate",
        "--require-verdict",
        "--no-load",
        "--format github",
    ] {
        assert!(
            lines.iter().any(|line| line.contains(wanted)),
            "{wanted}: {lines:#?}"
        );
    }

    run::client::install_crypto_provider();
    let sandbox = sandbox::Sandbox::start(sandbox::SandboxConfig::ephemeral())
        .await
        .expect("sandbox starts");
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::create_dir_all(dir.path().join("scenarios")).expect("mkdir");
    std::fs::write(
        dir.path().join("scenarios/dukcapil.yaml"),
        r#"version: 1
service:
  id: ci-dukcapil
  base_url: https://dukcapil.contohkab.go.id:${env:UJILAB_SANDBOX_HTTPS_PORT}
defaults:
  timeout: 5s
  resolve: { dukcapil.contohkab.go.id: 127.0.0.1 }
  tls: { ca_file: "${env:UJILAB_SANDBOX_CA}" }
probes:
  - id: health
    request: { path: /health }
    expect: { status: 200, json: { $.status: UP } }
availability: { probes: [health], every: 50ms, samples: 3 }
thresholds:
  - { metric: availability, min: 99% }
"#,
    )
    .expect("write scenario");
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_ujilab"))
        .parent()
        .expect("bin dir")
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let summary = dir.path().join("step-summary.md");
    for line in &lines {
        let mut command = Command::new("sh");
        command
            .arg("-c")
            .arg(line)
            .current_dir(dir.path())
            .env_remove("RUST_LOG")
            .env("PATH", &path)
            .env("SCENARIOS", "scenarios")
            .env("REPORTS", "reports")
            .env("GITHUB_STEP_SUMMARY", &summary)
            .envs(sandbox.env());
        let output = tokio::task::spawn_blocking(move || command.output())
            .await
            .expect("join")
            .expect("sh runs");
        assert_eq!(
            output.status.code(),
            Some(0),
            "{line}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        let words: Vec<&str> = line.split_whitespace().collect();
        let after = |flag: &str| {
            words
                .iter()
                .position(|word| *word == flag)
                .and_then(|at| words.get(at + 1))
                .map(|word| word.trim_matches('"').to_string())
        };
        if words[1] == "run" {
            let out = dir.path().join(after("--out").expect("--out"));
            for format in after("--format").expect("--format").split(',') {
                let file = match format {
                    "json" => "report.json",
                    "html" => "report.html",
                    "junit" => "junit.xml",
                    "md" => "summary.md",
                    other => panic!("{other}"),
                };
                assert!(out.join(file).is_file(), "{line}: no {file}");
            }
        } else if line.contains("--format github") {
            assert!(
                stdout(&output).contains("1 scenario(s) valid, 0 with errors"),
                "{line}"
            );
        } else if let Some(file) = line.split("> ").nth(1) {
            let written: Value = serde_json::from_str(&read(&dir.path().join(file.trim())))
                .unwrap_or_else(|error| panic!("{line}: {error}"));
            assert_eq!(written["valid"], 1, "{line}");
        }
    }
    sandbox.shutdown().await;
    let summary = read(&summary);
    assert!(summary.contains("ci-dukcapil"), "{summary}");
}
