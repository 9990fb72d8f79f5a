//! `ujilab watch` and `ujilab report` on a PostgreSQL history (a server of the
//! test's own, on 127.0.0.1: tests/support/postgres.rs): two vantages writing one
//! history and a report counting both, and a PostgreSQL that stops and comes
//! back while the watch probes on. The URL carries a password (the server
//! trusts the test user, so it is never checked) that nothing may show.

use std::time::Duration;

use serde_json::Value;

use super::{Watching, entry, get, get_json, service, until};
use crate::support::postgres::Postgres;
use crate::support::{text, ujilab_command};

const PASSWORD: &str = "pg-hush-7Q";

fn with_password(url: &str) -> String {
    url.replacen("ujilab@", &format!("ujilab:{PASSWORD}@"), 1)
}

fn count(server: &Postgres, sql: &str) -> u64 {
    server.psql("h", sql).parse().unwrap_or(0)
}

/// Two watches, vantages jakarta and medan, into one PostgreSQL history; a
/// report over the window counts every sample of both, and the password is
/// nowhere in what they print or write.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_vantages_write_one_postgres_history_and_the_report_counts_both() {
    let Some(server) = Postgres::start() else {
        return;
    };
    let url = with_password(&server.database("h"));
    let service = service().await;
    let dir = tempfile::tempdir().expect("tempdir");
    // Before any watch: a report finds no history, and creates none.
    let nothing = ujilab_command()
        .args(["report", "--db", &url, "--from", "1h", "--lang", "en"])
        .arg("--out")
        .arg(dir.path().join("nothing"))
        .output()
        .expect("runs");
    assert_eq!(nothing.status.code(), Some(2), "{}", text(&nothing.stderr));
    assert!(
        text(&nothing.stderr).contains("there is no history at postgres://ujilab:***@"),
        "{}",
        text(&nothing.stderr)
    );
    assert_eq!(
        count(
            &server,
            "SELECT COUNT(*) FROM pg_tables WHERE schemaname = 'public'"
        ),
        0
    );
    let scenario = super::scenario(dir.path(), service.addr);
    let scenario = scenario.to_str().expect("utf-8");
    let mut jakarta = Watching::start(&[
        scenario,
        "--db",
        &url,
        "--vantage",
        "jakarta",
        "--listen",
        "127.0.0.1:0",
    ]);
    let mut medan = Watching::start(&[scenario, "--db", &url, "--vantage", "medan", "--no-listen"]);
    let by_vantage = |vantage: &str| {
        count(
            &server,
            &format!(
                "SELECT COUNT(*) FROM samples JOIN series ON series.id = samples.series
                 WHERE vantage = '{vantage}'"
            ),
        )
    };
    until(
        Duration::from_secs(60),
        "samples from both vantages and a standards check",
        || async {
            by_vantage("jakarta") >= 5
                && by_vantage("medan") >= 5
                && count(&server, "SELECT COUNT(*) FROM standards_checks") > 0
        },
    )
    .await;
    let page = get(&jakarta.url("?lang=en"))
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("Kabupaten Uji"), "{page}");
    for watching in [&jakarta, &medan] {
        watching.signal("TERM");
    }
    assert_eq!(
        jakarta.wait(Duration::from_secs(20)),
        Some(143),
        "{}",
        jakarta.stderr()
    );
    assert_eq!(
        medan.wait(Duration::from_secs(20)),
        Some(143),
        "{}",
        medan.stderr()
    );
    let total = count(&server, "SELECT COUNT(*) FROM samples");
    assert_eq!(total, by_vantage("jakarta") + by_vantage("medan"));
    assert_eq!(
        count(&server, "SELECT COUNT(*) FROM series"),
        2,
        "one series per vantage"
    );

    let out = dir.path().join("report");
    let report = ujilab_command()
        .args([
            "report", "--db", &url, "--from", "1h", "--to", "now", "--lang", "en",
        ])
        .arg("--out")
        .arg(&out)
        .output()
        .expect("runs");
    let stderr = text(&report.stderr);
    assert!(matches!(report.status.code(), Some(0 | 1)), "{stderr}");
    let json: Value =
        serde_json::from_slice(&std::fs::read(out.join("report.json")).expect("report.json"))
            .expect("JSON");
    assert_eq!(
        entry(&json, "watched")["availability"]["samples"],
        total,
        "{stderr}"
    );
    let mut shown = vec![
        stderr,
        text(&report.stdout),
        jakarta.stderr(),
        medan.stderr(),
    ];
    for file in ["report.json", "report.html", "summary.md", "junit.xml"] {
        shown.push(std::fs::read_to_string(out.join(file)).unwrap_or_default());
    }
    for printed in &shown {
        assert!(!printed.contains(PASSWORD), "the password shows: {printed}");
    }
    assert!(
        shown[4].contains(&format!("ujilab:***@127.0.0.1:{}", server.port())),
        "run.args keep the URL without its password"
    );
}

/// PostgreSQL stops for a few seconds mid-run: probing goes on, the status page
/// says the history is behind, and once it is back every round taken meanwhile
/// is committed (no gap in the samples; the watch exits 143, not 3).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_postgres_that_stops_and_comes_back_loses_no_sample() {
    let Some(mut server) = Postgres::start() else {
        return;
    };
    let url = server.database("h");
    let service = service().await;
    let dir = tempfile::tempdir().expect("tempdir");
    let scenario = super::scenario(dir.path(), service.addr);
    let mut watching = Watching::start(&[
        scenario.to_str().expect("utf-8"),
        "--db",
        &url,
        "--no-standards",
        "--listen",
        "127.0.0.1:0",
    ]);
    let api = watching.url("api/v1/status");
    until(Duration::from_secs(30), "a few samples", || async {
        count(&server, "SELECT COUNT(*) FROM samples") >= 5
    })
    .await;
    server.stop();
    until(
        Duration::from_secs(20),
        "the page to say the history is behind",
        || async {
            get_json(&api).await["behind"]["waiting_writes"]
                .as_u64()
                .unwrap_or(0)
                >= 10
        },
    )
    .await;
    let page = get(&watching.url("?lang=en"))
        .await
        .text()
        .await
        .expect("page");
    assert!(page.contains("History is behind"), "{page}");
    server.start_again();
    until(
        Duration::from_secs(30),
        "the history to catch up",
        || async { get_json(&api).await["behind"].is_null() },
    )
    .await;
    watching.signal("TERM");
    assert_eq!(
        watching.wait(Duration::from_secs(20)),
        Some(143),
        "{}",
        watching.stderr()
    );
    // Every 200 ms a sample, the outage included: no gap longer than a few rounds.
    let widest_gap = count(
        &server,
        "SELECT COALESCE(MAX(gap), 0) FROM
         (SELECT at - LAG(at) OVER (ORDER BY at) AS gap FROM samples) AS gaps",
    );
    assert!(
        widest_gap < 1_500,
        "a gap of {widest_gap} ms: samples were lost"
    );
    let committed = watching
        .stderr()
        .lines()
        .find_map(|line| {
            line.strip_prefix("stopped: ")
                .and_then(|rest| rest.split_whitespace().next())
                .and_then(|n| n.parse::<u64>().ok())
        })
        .expect("the watch says how many samples it committed");
    assert_eq!(count(&server, "SELECT COUNT(*) FROM samples"), committed);
}
