//! What `ujilab --version` says about the build: the git commit, the build date
//! and the target. No network; outside a git clone (a source tarball) the commit is
//! "unknown". The date is SOURCE_DATE_EPOCH's when it is set, so that a release
//! build is reproducible (scripts/release.sh sets it to the commit's time).

use std::process::Command;

fn main() {
    // Only this package's own clone counts: a tarball unpacked inside another
    // repository must not show that repository's commit.
    let own_clone = git(&["rev-parse", "--show-toplevel"]).is_some_and(|top| {
        let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default();
        std::fs::canonicalize(top).ok() == std::fs::canonicalize(manifest_dir).ok()
    });
    let commit = own_clone
        .then(|| git(&["rev-parse", "--short=12", "HEAD"]))
        .flatten()
        .unwrap_or_else(|| "unknown".to_string());
    let seconds = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|text| text.trim().parse::<i64>().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |elapsed| elapsed.as_secs() as i64)
        });
    println!("cargo:rustc-env=UJILAB_GIT_COMMIT={commit}");
    println!("cargo:rustc-env=UJILAB_BUILD_DATE={}", utc_date(seconds));
    println!(
        "cargo:rustc-env=UJILAB_TARGET={}",
        std::env::var("TARGET").unwrap_or_else(|_| "unknown".to_string())
    );
    println!(
        "cargo:rustc-env=UJILAB_PROFILE={}",
        std::env::var("PROFILE").unwrap_or_else(|_| "unknown".to_string())
    );
    // Run again when the commit moves (HEAD, the branch it names, packed refs) or
    // the date is pinned; not on every source change, which cargo tracks itself.
    // (A tree with uncommitted changes still shows its last commit.)
    println!("cargo:rerun-if-env-changed=SOURCE_DATE_EPOCH");
    println!("cargo:rerun-if-changed=build.rs");
    if !own_clone {
        return;
    }
    let mut watched = vec!["HEAD".to_string(), "packed-refs".to_string()];
    watched.extend(git(&["symbolic-ref", "-q", "HEAD"]));
    for name in watched {
        if let Some(path) = git(&["rev-parse", "--git-path", &name]) {
            println!("cargo:rerun-if-changed={path}");
        }
    }
}

/// One git command's trimmed output, or None when git or the clone is missing.
fn git(args: &[&str]) -> Option<String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(std::env::var("CARGO_MANIFEST_DIR").ok()?)
        .output()
        .ok()?;
    if !output.status.success() {
        return None;
    }
    Some(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// `YYYY-MM-DD` of a Unix time, in UTC (Howard Hinnant's days-to-civil).
fn utc_date(seconds: i64) -> String {
    let days = seconds.div_euclid(86_400);
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}
