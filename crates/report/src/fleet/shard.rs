//! Splitting a scenario set into shards, and the plan every shard agrees on.
//!
//! A scenario goes to the shard whose number, hashed with the scenario's identity,
//! gives the highest SHA-256 (rendezvous hashing). The choice depends only on the
//! identity and the shard count, so it is the same on every machine, and adding or
//! removing a scenario moves no other one.

use std::fmt;
use std::str::FromStr;

use sha2::{Digest as _, Sha256};

use input::scenario::{LoadFailure, Outline};

use crate::model::PlanReport;

/// The name of the assignment rule, recorded in every plan.
const ASSIGNMENT: &str = "rendezvous-sha256/1";

/// Shard counts above this are surely a typo (and would make the hashing slow).
const MAX_SHARDS: u32 = 10_000;

/// `--shard K/N`: the K-th (1-based) of N parts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

impl Shard {
    /// The whole set, as a run without `--shard` is.
    pub const WHOLE: Shard = Shard { index: 1, count: 1 };

    /// Whether the entry with this shard key belongs to this shard.
    fn holds(self, key: &str) -> bool {
        shard_of(key, self.count) == self.index
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let bad = || format!("`{text}` is not K/N with 1 <= K <= N <= {MAX_SHARDS} (e.g. 2/4)");
        let (index, count) = text.trim().split_once('/').ok_or_else(bad)?;
        let index: u32 = index.trim().parse().map_err(|_| bad())?;
        let count: u32 = count.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count || count > MAX_SHARDS {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

/// The shard (1..=count) that holds the entry with this key.
fn shard_of(key: &str, count: u32) -> u32 {
    (1..=count.max(1))
        .max_by_key(|index| {
            let mut hasher = Sha256::new();
            hasher.update(key.as_bytes());
            hasher.update([0]);
            hasher.update(index.to_be_bytes());
            let digest = hasher.finalize();
            let mut first = [0u8; 8];
            first.copy_from_slice(&digest[..8]);
            // Ties (astronomically rare) go to the lower index: max_by_key keeps
            // the last maximum, so compare on the reversed index too.
            (u64::from_be_bytes(first), std::cmp::Reverse(*index))
        })
        .unwrap_or(1)
}

/// One entry of the whole set: what it is known by, and its file's SHA-256.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct PlanEntry {
    /// The scenario identity; `load_error` for a file that did not load, or
    /// `unreadable` for one that could not be read.
    name: String,
    /// Of the file; for an unreadable file, its name (there are no bytes).
    sha256: String,
}

impl PlanEntry {
    /// What decides the entry's shard: the identity, or the file for the others.
    fn shard_key(&self) -> String {
        match self.name.as_str() {
            "load_error" | "unreadable" => format!("{}:{}", self.name, self.sha256),
            identity => identity.to_string(),
        }
    }

    fn of_outline(outline: &Outline) -> PlanEntry {
        PlanEntry {
            name: outline
                .identity
                .clone()
                .unwrap_or_else(|| "load_error".into()),
            sha256: outline.sha256.clone(),
        }
    }

    fn of_unreadable(failure: &LoadFailure) -> PlanEntry {
        PlanEntry {
            name: "unreadable".into(),
            sha256: failure.file.clone(),
        }
    }
}

/// The plan of the whole set: the digest of its sorted entries.
fn plan(entries: &[PlanEntry]) -> PlanReport {
    let mut lines: Vec<String> = entries
        .iter()
        .map(|entry| format!("{} {}\n", entry.name, entry.sha256))
        .collect();
    lines.sort_unstable();
    let mut hasher = Sha256::new();
    for line in &lines {
        hasher.update(line.as_bytes());
    }
    PlanReport {
        digest: hex(&hasher.finalize()),
        entries: entries.len() as u64,
        assignment: ASSIGNMENT.into(),
    }
}

/// The plan of a run's whole set: every scenario loaded or not, and every file
/// that could not be read.
pub fn plan_of_run(outlines: &[Outline], unreadable: &[LoadFailure]) -> PlanReport {
    let entries: Vec<PlanEntry> = outlines
        .iter()
        .map(PlanEntry::of_outline)
        .chain(unreadable.iter().map(PlanEntry::of_unreadable))
        .collect();
    plan(&entries)
}

impl Shard {
    /// Whether this shard runs the scenario file with this outline.
    pub fn holds_outline(self, outline: &Outline) -> bool {
        self.holds(&PlanEntry::of_outline(outline).shard_key())
    }

    /// Whether this shard reports the file that could not be read.
    pub fn holds_unreadable(self, failure: &LoadFailure) -> bool {
        self.holds(&PlanEntry::of_unreadable(failure).shard_key())
    }
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    bytes.iter().fold(String::new(), |mut text, byte| {
        let _ = write!(text, "{byte:02x}");
        text
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("kab-{i:05}-layanan")).collect()
    }

    #[test]
    fn parses_k_of_n() {
        assert_eq!("2/4".parse(), Ok(Shard { index: 2, count: 4 }));
        assert_eq!(Shard { index: 3, count: 8 }.to_string(), "3/8");
        for bad in ["0/4", "5/4", "4", "a/b", "1/0", "", "1/100000"] {
            assert!(bad.parse::<Shard>().is_err(), "{bad}");
        }
    }

    #[test]
    fn shards_partition_the_set_evenly_and_stably() {
        let ids = ids(4000);
        let mut sizes = [0usize; 4];
        for id in &ids {
            let shard = shard_of(id, 4);
            assert!((1..=4).contains(&shard));
            sizes[shard as usize - 1] += 1;
            // Exactly one shard holds each entry.
            let holders = (1..=4)
                .filter(|k| {
                    Shard {
                        index: *k,
                        count: 4,
                    }
                    .holds(id)
                })
                .count();
            assert_eq!(holders, 1);
        }
        for size in sizes {
            assert!((850..=1150).contains(&size), "{sizes:?}");
        }
        // Pinned values: the assignment must never change between versions, or
        // shards run by different ujilab builds would not fit together.
        assert_eq!(
            shard_of("contohkab-dukcapil", 4),
            shard_of("contohkab-dukcapil", 4)
        );
        let pinned: Vec<u32> = [
            "contohkab-dukcapil",
            "contohkab-perizinan",
            "contohkab-pengaduan",
        ]
        .iter()
        .map(|id| shard_of(id, 4))
        .collect();
        assert_eq!(pinned, PINNED);
        assert_eq!(shard_of("anything", 1), 1);
    }

    // Checked independently with Python's hashlib (the README gives the recipe).
    const PINNED: [u32; 3] = [3, 1, 3];

    #[test]
    fn growing_the_set_or_the_shard_count_moves_little() {
        let ids = ids(2000);
        // Adding a scenario moves no other: assignment depends on the id alone.
        let before: Vec<u32> = ids.iter().map(|id| shard_of(id, 4)).collect();
        let after: Vec<u32> = ids.iter().map(|id| shard_of(id, 4)).collect();
        assert_eq!(before, after);
        // Going from 4 to 5 shards moves only entries to the new shard (about 1/5).
        let moved: Vec<(u32, u32)> = ids
            .iter()
            .map(|id| (shard_of(id, 4), shard_of(id, 5)))
            .filter(|(old, new)| old != new)
            .collect();
        assert!(moved.iter().all(|(_, new)| *new == 5), "{moved:?}");
        assert!((300..=500).contains(&moved.len()), "{}", moved.len());
    }

    #[test]
    fn the_plan_digest_ignores_order_and_sees_content() {
        let entry = |name: &str, sha: &str| PlanEntry {
            name: name.into(),
            sha256: sha.into(),
        };
        let a = plan(&[entry("a", "01"), entry("b", "02")]);
        let b = plan(&[entry("b", "02"), entry("a", "01")]);
        assert_eq!(a, b);
        assert_eq!(a.entries, 2);
        assert_eq!(a.digest.len(), 64);
        assert_ne!(a.digest, plan(&[entry("a", "01"), entry("b", "03")]).digest);
        assert_eq!(entry("x", "ff").shard_key(), "x");
        assert_eq!(entry("load_error", "ff").shard_key(), "load_error:ff");
    }
}
