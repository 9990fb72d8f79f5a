//! A PostgreSQL server of a test's own: `initdb` into a temporary directory,
//! `postgres` on 127.0.0.1 at a free port (its socket in that directory too),
//! stopped and deleted on drop. The one fixture both the watch crate's store
//! tests and the integration tests use (the crate includes this file by path).
//!
//! Found through `UJILAB_PG_BIN` (a directory holding initdb, pg_ctl and
//! createdb), else `initdb` on PATH, else the newest `/usr/lib/postgresql/*/bin`.
//! Without it the test is skipped with a note, unless `UJILAB_REQUIRE_TOOLS` is
//! set (as CI does): then it fails. PostgreSQL refuses to run as root, so as
//! root the server runs as the `postgres` user (or `nobody`).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub struct Postgres {
    dir: tempfile::TempDir,
    bin: PathBuf,
    port: u16,
    run_as: Option<String>,
    running: bool,
}

impl Postgres {
    /// A new server, started; `None` (with a note) when PostgreSQL is not
    /// installed and not required.
    pub fn start() -> Option<Self> {
        let Some(bin) = find_bin() else {
            assert!(
                std::env::var_os("UJILAB_REQUIRE_TOOLS").is_none(),
                "PostgreSQL (initdb) is required (UJILAB_REQUIRE_TOOLS): set UJILAB_PG_BIN or install postgresql"
            );
            eprintln!("note: PostgreSQL (initdb) not found; PostgreSQL tests skipped");
            return None;
        };
        let run_as = running_as_root().then(non_root_user);
        let dir = tempfile::tempdir().expect("tempdir");
        if let Some(user) = &run_as {
            let chown = Command::new("chown")
                .arg(user)
                .arg(dir.path())
                .output()
                .expect("chown runs");
            assert!(chown.status.success(), "chown: {chown:?}");
        }
        let mut server = Self {
            dir,
            bin,
            port: free_port(),
            run_as,
            running: false,
        };
        let data = server.data();
        let initdb = server.run(
            "initdb",
            &[
                "-D",
                &data,
                "-U",
                "ujilab",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C",
            ],
        );
        assert!(
            initdb.status.success(),
            "initdb failed: {}",
            String::from_utf8_lossy(&initdb.stderr)
        );
        // The free port may be taken by another test between finding and
        // binding it: a few other ports are tried.
        for _ in 0..4 {
            if server.try_start() {
                return Some(server);
            }
            server.port = free_port();
        }
        server.start_again();
        Some(server)
    }

    fn data(&self) -> String {
        self.dir.path().join("data").display().to_string()
    }

    fn run(&self, tool: &str, args: &[&str]) -> Output {
        let program = self.bin.join(tool);
        let mut command = match &self.run_as {
            Some(user) => {
                let mut command = Command::new("runuser");
                command.args(["-u", user, "--"]).arg(&program);
                command
            }
            None => Command::new(&program),
        };
        command
            .args(args)
            .current_dir(self.dir.path())
            .output()
            .unwrap_or_else(|error| panic!("{tool} does not run: {error}"))
    }

    /// Starts the server (again, after [`stop`](Self::stop)) on the same port.
    pub fn start_again(&mut self) {
        let started = self.pg_ctl_start();
        assert!(
            started.status.success(),
            "postgres did not start: {}\n{}",
            String::from_utf8_lossy(&started.stderr),
            std::fs::read_to_string(self.dir.path().join("log")).unwrap_or_default()
        );
        self.running = true;
    }

    fn try_start(&mut self) -> bool {
        self.running = self.pg_ctl_start().status.success();
        self.running
    }

    fn pg_ctl_start(&self) -> Output {
        let data = self.data();
        let log = self.dir.path().join("log").display().to_string();
        let options = format!(
            "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off",
            self.port,
            self.dir.path().display()
        );
        self.run(
            "pg_ctl",
            &[
                "-D", &data, "-l", &log, "-o", &options, "-w", "-t", "60", "start",
            ],
        )
    }

    /// Stops the server (fast: connections are closed), keeping its data.
    pub fn stop(&mut self) {
        let data = self.data();
        let stopped = self.run("pg_ctl", &["-D", &data, "-m", "fast", "-w", "stop"]);
        assert!(stopped.status.success(), "pg_ctl stop: {stopped:?}");
        self.running = false;
    }

    /// A new database; its URL (user `ujilab`, no password needed).
    pub fn database(&self, name: &str) -> String {
        let port = self.port.to_string();
        let created = self.run(
            "createdb",
            &["-h", "127.0.0.1", "-p", &port, "-U", "ujilab", name],
        );
        assert!(created.status.success(), "createdb {name}: {created:?}");
        self.url(name)
    }

    /// The URL of a database of this server.
    pub fn url(&self, name: &str) -> String {
        format!("postgres://ujilab@127.0.0.1:{}/{name}", self.port)
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    /// Runs SQL with psql (from the same directory as initdb), as the test user.
    pub fn psql(&self, database: &str, sql: &str) -> String {
        let port = self.port.to_string();
        let out = self.run(
            "psql",
            &[
                "-h",
                "127.0.0.1",
                "-p",
                &port,
                "-U",
                "ujilab",
                "-d",
                database,
                "-At",
                "-v",
                "ON_ERROR_STOP=1",
                "-c",
                sql,
            ],
        );
        assert!(
            out.status.success(),
            "psql {sql}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8_lossy(&out.stdout).trim().to_string()
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        if self.running {
            let data = self.data();
            let _ = self.run("pg_ctl", &["-D", &data, "-m", "immediate", "-w", "stop"]);
        }
    }
}

fn find_bin() -> Option<PathBuf> {
    let has_tools = |dir: &Path| {
        ["initdb", "pg_ctl", "createdb", "psql"]
            .iter()
            .all(|tool| dir.join(tool).is_file())
    };
    if let Some(dir) = std::env::var_os("UJILAB_PG_BIN") {
        let dir = PathBuf::from(dir);
        assert!(
            has_tools(&dir),
            "UJILAB_PG_BIN={} lacks initdb, pg_ctl, createdb or psql",
            dir.display()
        );
        return Some(dir);
    }
    // initdb on PATH is often a link (Debian's /usr/local/bin or wrappers):
    // its real directory holds the other tools.
    let on_path = std::env::var_os("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join("initdb"))
            .find(|initdb| initdb.is_file())
            .and_then(|initdb| std::fs::canonicalize(initdb).ok())
            .and_then(|initdb| initdb.parent().map(Path::to_path_buf))
    });
    if let Some(dir) = on_path.filter(|dir| has_tools(dir)) {
        return Some(dir);
    }
    let mut versions: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .ok()?
        .flatten()
        .filter_map(|entry| {
            let version = entry.file_name().to_str()?.parse().ok()?;
            Some((version, entry.path().join("bin")))
        })
        .filter(|(_, bin)| has_tools(bin))
        .collect();
    versions.sort();
    versions.pop().map(|(_, bin)| bin)
}

fn running_as_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
}

fn non_root_user() -> String {
    let exists = |user: &str| {
        Command::new("id")
            .arg(user)
            .output()
            .is_ok_and(|out| out.status.success())
    };
    if exists("postgres") {
        "postgres".into()
    } else {
        "nobody".into()
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|listener| listener.local_addr())
        .map(|addr| addr.port())
        .expect("a free port on 127.0.0.1")
}
