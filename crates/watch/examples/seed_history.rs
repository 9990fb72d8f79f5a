//! Writes a synthetic watch history through the watch's own storage code (the
//! same `Store`, transactions and rollups), for bench/watch.sh: SERVICES services
//! with one probe each, a sample every EVERY seconds for DAYS days up to now,
//! then the rollups and the retention a running watch would apply.
//!
//! Usage: seed_history DB SERVICES DAYS EVERY_SECONDS RETENTION_DAYS
//! Prints: samples written, seconds taken, database bytes, bytes per sample.
//! The figures are synthetic (a deterministic generator), for sizing only.

use std::path::PathBuf;
use std::time::Instant;

use watch::rollup;
use watch::store::{RoundWrite, SampleRow, ScenarioRow, ServiceStateRow, Store};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let number = |index: usize, default: i64| {
        args.get(index)
            .and_then(|text| text.parse::<i64>().ok())
            .unwrap_or(default)
    };
    let Some(path) = args.first().map(PathBuf::from) else {
        eprintln!("usage: seed_history DB SERVICES DAYS EVERY_SECONDS RETENTION_DAYS");
        std::process::exit(2);
    };
    let (services, days, every_s, retention_days) =
        (number(1, 1000), number(2, 30), number(3, 30), number(4, 7));
    let mut store = Store::open(&path).unwrap_or_else(|error| {
        eprintln!("cannot open {}: {error}", path.display());
        std::process::exit(3);
    });
    let now = watch::schedule::now_ms();
    let start = now - days * 86_400_000;
    let every_ms = every_s * 1000;
    let began = Instant::now();
    let mut written: u64 = 0;
    // A small deterministic generator: no randomness crate for a sizing tool.
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for service in 0..services {
        let identity = format!("bench-{service:04}");
        let source = format!(
            "version: 1\nservice:\n  id: {identity}\n  name: Layanan {service}\n  region: {{ code: \"99.{:02}\", name: Kabupaten Bench {} }}\n  base_url: http://127.0.0.1:9\nprobes:\n  - id: health\n    request: {{ path: /health }}\n",
            service % 50,
            service % 50
        );
        let id = store
            .register_scenario(
                &ScenarioRow {
                    id: 0,
                    identity: identity.clone(),
                    service_id: identity.clone(),
                    name: Some(format!("Layanan {service}")),
                    region_code: Some(format!("99.{:02}", service % 50)),
                    region_name: Some(format!("Kabupaten Bench {}", service % 50)),
                    base_url: "http://127.0.0.1:9".into(),
                    file: format!("{identity}.yaml"),
                    source: source.into_bytes(),
                    every_ms,
                },
                now,
            )
            .unwrap_or_else(|error| panic!("register: {error}"));
        let series = store
            .series(id, "health", "default")
            .unwrap_or_else(|error| panic!("series: {error}"));
        let mut at = start + (service * 997) % every_ms;
        while at < now {
            let mut samples = Vec::with_capacity(4096);
            while at < now && samples.len() < 4096 {
                let roll = next();
                let up = roll % 1000 != 0;
                samples.push(SampleRow {
                    series,
                    at,
                    up,
                    status: Some(if up { 200 } else { 503 }),
                    latency_us: Some(8_000 + (roll >> 20) as i64 % 40_000),
                    error_kind: (!up).then(|| "unexpected_status".to_string()),
                });
                at += every_ms;
            }
            written += samples.len() as u64;
            let last = samples.last().map_or(now, |s| s.at);
            store
                .commit_round(&RoundWrite {
                    scenario: id,
                    at: last,
                    samples,
                    state: ServiceStateRow {
                        state: "up".into(),
                        since: start,
                        ..ServiceStateRow::default()
                    },
                    change: None,
                })
                .unwrap_or_else(|error| panic!("commit: {error}"));
        }
    }
    let inserted = began.elapsed();
    rollup::roll_all(&mut store, "default", now, 60_000)
        .unwrap_or_else(|error| panic!("roll: {error}"));
    let rolled = began.elapsed();
    let keep = retention_days * 86_400_000;
    store
        .forget("default", now - keep, 60, now - keep.max(2 * 86_400_000))
        .unwrap_or_else(|error| panic!("forget: {error}"));
    store
        .checkpoint()
        .unwrap_or_else(|error| panic!("checkpoint: {error}"));
    let (bytes, kept) = store.size().unwrap_or_else(|error| panic!("size: {error}"));
    println!("samples_written {written}");
    println!("insert_seconds {:.1}", inserted.as_secs_f64());
    println!("rollup_seconds {:.1}", (rolled - inserted).as_secs_f64());
    println!("raw_samples_kept {kept}");
    println!("database_bytes {bytes}");
    println!(
        "bytes_per_sample_written {:.2}",
        bytes as f64 / written.max(1) as f64
    );
}
