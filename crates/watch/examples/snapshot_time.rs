//! Times the status page's figures (`status::snapshot::build`, what the watch
//! recomputes in the background) over a history, e.g. one written by
//! `seed_history`: five builds, their minimum, median and maximum.
//!
//! Usage: snapshot_time DB

use std::time::Instant;

use watch::status::snapshot::{self, WriterHealth};
use watch::store::Store;

fn main() {
    let Some(path) = std::env::args().nth(1) else {
        eprintln!("usage: snapshot_time DB");
        std::process::exit(2);
    };
    let store = Store::open(std::path::Path::new(&path)).unwrap_or_else(|error| {
        eprintln!("cannot open {path}: {error}");
        std::process::exit(3);
    });
    let now = watch::schedule::now_ms();
    let health = WriterHealth {
        waiting: 0,
        dropped: 0,
        error: None,
    };
    let mut seconds = Vec::new();
    let mut services = 0;
    for _ in 0..5 {
        let began = Instant::now();
        let built = snapshot::build(&store, &Default::default(), &health, now)
            .unwrap_or_else(|error| panic!("snapshot: {error}"));
        seconds.push(began.elapsed().as_secs_f64());
        services = built.regions.iter().map(|r| r.services.len()).sum();
    }
    seconds.sort_by(f64::total_cmp);
    println!(
        "snapshot of {services} services: min {:.2} s, median {:.2} s, max {:.2} s",
        seconds[0], seconds[2], seconds[4]
    );
}
