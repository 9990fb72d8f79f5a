//! Bounds on every input, through the real binary: special files and huge files
//! are an error (exit 2) and never a hang or a memory spike, symlinked folders
//! are scanned once, interpolated secrets never reach a message, and what a
//! scenario holds never reaches the terminal as raw control bytes.
//!
//! Every command here runs with a deadline: a hang fails the test instead of
//! stalling the suite.

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use crate::support::ujilab_command;

/// Long enough for a debug build on a busy 2-core machine, far shorter than a hang.
const DEADLINE: Duration = Duration::from_secs(60);

const SCENARIO: &str = "version: 1\nservice: { id: kab-a, base_url: \"http://127.0.0.1:9\" }\nprobes:\n  - id: health\n    request: { path: /health }\n";

/// Runs `command` to completion, killing it (and failing) past the deadline.
fn run_within(command: &mut Command) -> Output {
    let mut child = command
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn ujilab");
    let started = Instant::now();
    loop {
        if child.try_wait().expect("wait").is_some() {
            return child.wait_with_output().expect("output");
        }
        if started.elapsed() > DEADLINE {
            let _ = child.kill();
            let output = child.wait_with_output().expect("output");
            panic!(
                "ujilab still running after {DEADLINE:?}: {command:?}\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `ujilab validate ARGS` in `dir`: the exit code, and stderr followed by stdout.
fn validate(args: &[&std::ffi::OsStr], dir: &Path) -> (Option<i32>, String) {
    let output = run_within(ujilab_command().current_dir(dir).arg("validate").args(args));
    let mut text = String::from_utf8_lossy(&output.stderr).into_owned();
    text.push_str(&String::from_utf8_lossy(&output.stdout));
    (output.status.code(), text)
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("run mkfifo");
    assert!(status.success(), "mkfifo {}", path.display());
}

#[cfg(unix)]
#[test]
fn special_and_huge_files_are_bad_input_not_a_hang() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    mkfifo(&root.join("fifo.yaml"));
    std::fs::write(root.join("huge.yaml"), vec![b'#'; 5 << 20]).expect("write huge");
    mkfifo(&root.join("schema.json"));
    std::fs::write(
        root.join("schema-fifo.yaml"),
        format!("{SCENARIO}    expect: {{ schema: schema.json }}\n"),
    )
    .expect("write");
    std::fs::write(
        root.join("schema-zero.yaml"),
        SCENARIO.replace("kab-a", "kab-b") + "    expect: { schema: /dev/zero }\n",
    )
    .expect("write");
    std::fs::write(
        root.join("catalogue-zero.yaml"),
        SCENARIO.replace("kab-a", "kab-c") + "standards: { profile: /dev/zero }\n",
    )
    .expect("write");
    std::fs::write(
        root.join("ca-fifo.yaml"),
        SCENARIO.replace("kab-a", "kab-d") + "defaults: { tls: { ca_file: fifo.yaml } }\n",
    )
    .expect("write");

    let cases: [(&str, &str); 7] = [
        ("fifo.yaml", "it is a FIFO (named pipe), not a regular file"),
        ("/dev/zero", "it is a character device, not a regular file"),
        ("huge.yaml", "it is larger than 4 MiB"),
        (
            "schema-fifo.yaml",
            "it is a FIFO (named pipe), not a regular file",
        ),
        (
            "schema-zero.yaml",
            "it is a character device, not a regular file",
        ),
        (
            "catalogue-zero.yaml",
            "it is a character device, not a regular file",
        ),
        ("ca-fifo.yaml", "cannot read CA file"),
    ];
    for (file, message) in cases {
        let started = Instant::now();
        let (code, stderr) = validate(&[file.as_ref()], root);
        assert_eq!(code, Some(2), "{file}: {stderr}");
        assert!(stderr.contains(message), "{file}: {stderr}");
        assert!(stderr.contains(&format!("--> {file}")), "{file}: {stderr}");
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{file} took {:?}",
            started.elapsed()
        );
    }

    // In a folder, a FIFO is one more file with an error; the others still load.
    let folder = root.join("folder");
    std::fs::create_dir(&folder).expect("mkdir");
    std::fs::write(folder.join("a.yaml"), SCENARIO).expect("write");
    mkfifo(&folder.join("b.yaml"));
    let (code, stderr) = validate(&["folder".as_ref()], root);
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("--> folder/b.yaml") && stderr.contains("FIFO"),
        "{stderr}"
    );
    assert!(
        stderr.contains("1 scenario(s) valid, 1 with errors"),
        "{stderr}"
    );
}

#[cfg(unix)]
#[test]
fn symlinked_folders_are_scanned_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let root = dir.path();
    let scenarios = root.join("scenarios");
    std::fs::create_dir_all(scenarios.join("sub")).expect("mkdir");
    std::fs::write(scenarios.join("sub/a.yaml"), SCENARIO).expect("write");
    let link = |target: &str, at: &str| {
        std::os::unix::fs::symlink(target, scenarios.join(at)).expect("symlink");
    };
    link(".", "self");
    link(".", "self2");
    link("..", "up");
    link("sub", "again");
    let (code, stderr) = validate(&["scenarios".as_ref()], root);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(
        stderr.contains("1 scenario(s) valid, 0 with errors"),
        "{stderr}"
    );
    assert!(!stderr.contains("also defined"), "{stderr}");
    for skipped in ["scenarios/self:", "scenarios/self2:", "scenarios/up:"] {
        assert!(
            stderr.contains(&format!("skipped {skipped} it links back")),
            "{skipped}: {stderr}"
        );
    }
    assert!(
        stderr.contains("skipped scenarios/sub: the same folder as scenarios/again"),
        "{stderr}"
    );
}

/// `/proc/self` links to `/` (root), to the working folder (cwd) and to itself
/// through every task: the scan ends, and finds the one scenario of the
/// working folder once.
#[cfg(target_os = "linux")]
#[test]
fn validate_proc_self_ends() {
    let dir = tempfile::tempdir().expect("temp dir");
    std::fs::write(dir.path().join("a.yaml"), SCENARIO).expect("write");
    let (code, stderr) = validate(&["/proc/self".as_ref()], dir.path());
    assert!(matches!(code, Some(0 | 2)), "{code:?}: {stderr}");
    assert!(!stderr.contains("also defined"), "{stderr}");
    assert!(
        stderr.contains("skipped /proc/self/root: it links back"),
        "{stderr}"
    );
}

#[test]
fn an_interpolation_bomb_fails_fast() {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut text = String::from(
        "version: 1\nservice: { id: kab-bomb, base_url: \"http://127.0.0.1:9\" }\nvars:\n  v0: \"xxxxxxxxxx\"\n",
    );
    for level in 1..10 {
        text.push_str(&format!(
            "  v{level}: \"{}\"\n",
            format!("${{v{}}}", level - 1).repeat(10)
        ));
    }
    text.push_str("probes:\n  - id: h\n    request: { path: \"/${v9}\" }\n");
    assert!(text.len() < 700, "{}", text.len());
    std::fs::write(dir.path().join("bomb.yaml"), &text).expect("write");
    let started = Instant::now();
    let (code, stderr) = validate(&["bomb.yaml".as_ref()], dir.path());
    assert_eq!(code, Some(2), "{stderr}");
    assert!(
        stderr.contains("makes this value longer than 1 MiB")
            && stderr.contains("--> bomb.yaml:10:7"),
        "{stderr}"
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "{:?}",
        started.elapsed()
    );
}

/// A secret used where a duration, URL, method or address belongs: `validate`
/// and `run` name the value as written (`${token}`), never its value, on the
/// terminal and in every report file.
#[test]
fn interpolated_secrets_stay_out_of_load_errors() {
    let secret = "hunter2 SECRET value";
    let dir = tempfile::tempdir().expect("temp dir");
    let bad = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/bad/secret-in-values.yaml");
    std::fs::copy(&bad, dir.path().join("secret.yaml")).expect("copy");
    let output = run_within(
        ujilab_command()
            .current_dir(dir.path())
            .env("DUKCAPIL_TOKEN", secret)
            .args(["validate", "--require-env", "secret.yaml"]),
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("`${token}` is not an absolute URL"),
        "{stderr}"
    );
    assert!(
        !stderr.contains("hunter2") && !stderr.contains("SECRET"),
        "{stderr}"
    );

    let out = dir.path().join("out");
    let output = run_within(
        ujilab_command()
            .current_dir(dir.path())
            .env("DUKCAPIL_TOKEN", secret)
            .args(["run", "--no-progress", "secret.yaml", "--out"])
            .arg(&out),
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    for (what, text) in [("stderr", stderr.as_ref()), ("stdout", stdout.as_ref())] {
        assert!(!text.contains("hunter2"), "{what}: {text}");
    }
    for entry in std::fs::read_dir(&out).into_iter().flatten().flatten() {
        let text = String::from_utf8_lossy(&std::fs::read(entry.path()).expect("read report"))
            .into_owned();
        assert!(
            !text.contains("hunter2") && !text.contains("SECRET"),
            "{}: {text}",
            entry.path().display()
        );
    }
}

/// What a scenario holds reaches the terminal with control characters escaped:
/// an ESC in a value cannot clear the screen or recolour what follows.
#[test]
fn control_bytes_in_a_scenario_are_escaped_on_the_terminal() {
    let dir = tempfile::tempdir().expect("temp dir");
    let text = "version: 1\nservice:\n  id: \"kab\\e[2J\\x00a\"\n  name: \"\\e]0;pwned\\a\"\n  base_url: http://127.0.0.1:9\nprobes:\n  - id: health\n    request: { path: /health }\n";
    std::fs::write(dir.path().join("escape.yaml"), text).expect("write");
    // A raw ESC byte in a comment reaches the snippet of an error on that line.
    std::fs::write(
        dir.path().join("raw.yaml"),
        "version: 1\nservice: { id: kab-raw, base_url: \"http://127.0.0.1:9\" }\nprobes:\n  - id: health\n    request: { path: /health }\n    tiemout: 1s # \u{1b}[31m red\n",
    )
    .expect("write");
    for file in ["escape.yaml", "raw.yaml"] {
        let output = run_within(
            ujilab_command()
                .current_dir(dir.path())
                .args(["validate", file]),
        );
        assert_eq!(output.status.code(), Some(2));
        let stderr = &output.stderr;
        assert!(
            !stderr.contains(&0x1b) && !stderr.contains(&0) && !stderr.contains(&0x07),
            "{file}: raw control bytes in {:?}",
            String::from_utf8_lossy(stderr)
        );
        assert!(
            String::from_utf8_lossy(stderr).contains("\\x1b"),
            "{file}: {}",
            String::from_utf8_lossy(stderr)
        );
    }
}

/// Library wording never reaches users: a second document and an alias bomb
/// are described in the scenario's terms.
#[test]
fn yaml_library_errors_are_worded_for_users() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for (case, message) in [
        ("two-documents", "a second YAML document starts here"),
        ("alias-bomb", "the file holds more than 100000 values"),
    ] {
        let started = Instant::now();
        let output = run_within(
            ujilab_command()
                .current_dir(root)
                .args(["validate", &format!("tests/bad/{case}.yaml")]),
        );
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains(message), "{case}: {stderr}");
        for library in ["from_str", "budget breached", "Nodes {", "Budget"] {
            assert!(!stderr.contains(library), "{case}: {stderr}");
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{case}: {:?}",
            started.elapsed()
        );
    }
}
