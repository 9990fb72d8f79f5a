//! Which requests fail: a pure function of the seed, the host and the request's
//! sequence number on that host, so fault counts are exact and repeatable.
//!
//! A quota "k of every n" splits the sequence into blocks of n requests and each
//! block into k strata of (nearly) equal length; the seed picks one position in each
//! stratum. Every block therefore holds exactly k faults, and they are spread out:
//! a short run (the demo's 40 availability samples) always meets some of them,
//! whereas a plain shuffle of the block could put all eight 500s of pengaduan in one
//! burst after the run ended.

use std::time::Duration;

use crate::Service;

/// What a fault is for; faults with different purposes are chosen independently.
#[derive(Debug, Clone, Copy)]
pub(super) enum Purpose {
    /// The service's own 5xx answers (pengaduan).
    ServerError,
    /// The service's own 1 s stalls (pengaduan).
    Stall,
    /// The `error_percent` knob.
    InjectedError,
    /// Per-request latency (perizinan).
    Latency,
}

/// "k of every n consecutive requests".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Quota {
    pub per_block: u64,
    pub block: u64,
}

impl Quota {
    pub const fn new(per_block: u64, block: u64) -> Self {
        Quota { per_block, block }
    }
}

/// The seeded choice for one service and one purpose.
#[derive(Debug, Clone, Copy)]
pub(super) struct FaultPlan {
    stream: u64,
}

impl FaultPlan {
    pub fn new(seed: u64, service: Service, purpose: Purpose) -> Self {
        let purpose = match purpose {
            Purpose::ServerError => 1,
            Purpose::Stall => 2,
            Purpose::InjectedError => 3,
            Purpose::Latency => 4,
        };
        FaultPlan {
            stream: mix(mix(seed) ^ fnv1a(service.host()) ^ purpose),
        }
    }

    /// Whether request number `seq` on this host is one of the `quota`.
    pub fn hits(&self, seq: u64, quota: Quota) -> bool {
        let Quota { per_block, block } = quota;
        if per_block == 0 || block == 0 {
            return false;
        }
        if per_block >= block {
            return true;
        }
        let block_index = seq / block;
        let pos = seq % block;
        // Stratum i covers [floor(i*n/k), floor((i+1)*n/k)); this is the i whose
        // range holds pos (u128: no overflow whatever the quota).
        let (k, n) = (u128::from(per_block), u128::from(block));
        let stratum = ((u128::from(pos) + 1) * k - 1) / n;
        let start = stratum * n / k;
        let len = (stratum + 1) * n / k - start;
        let draw = mix(mix(self.stream ^ block_index) ^ u64::try_from(stratum).unwrap_or(0));
        let pick = start + u128::from(draw) % len;
        u128::from(pos) == pick
    }

    /// A latency in `[min, max]` for request `seq`, to the millisecond.
    pub fn latency(&self, seq: u64, min: Duration, max: Duration) -> Duration {
        let (lo, hi) = (min.as_millis(), max.as_millis().max(min.as_millis()));
        let span = hi - lo + 1;
        let millis = lo + u128::from(mix(self.stream ^ seq)) % span;
        Duration::from_millis(u64::try_from(millis).unwrap_or(u64::MAX))
    }
}

/// splitmix64's finaliser: a cheap bijective mix whose output bits all depend on
/// every input bit, which is all that choosing positions needs (not cryptographic).
fn mix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// FNV-1a of the host name: a stable number per host, unlike `std`'s hasher.
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xCBF2_9CE4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01B3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const EIGHT_IN_100: Quota = Quota::new(8, 100);

    fn hits(plan: &FaultPlan, range: std::ops::Range<u64>, quota: Quota) -> Vec<u64> {
        range.filter(|&seq| plan.hits(seq, quota)).collect()
    }

    #[test]
    fn exactly_k_per_block_for_every_seed() {
        for seed in 0..200 {
            for service in Service::ALL {
                for (quota, purpose) in [
                    (EIGHT_IN_100, Purpose::ServerError),
                    (Quota::new(1, 20), Purpose::Stall),
                    (Quota::new(37, 100), Purpose::InjectedError),
                ] {
                    let plan = FaultPlan::new(seed, service, purpose);
                    for block in 0..5 {
                        let start = block * quota.block;
                        let count = hits(&plan, start..start + quota.block, quota).len();
                        assert_eq!(
                            count as u64, quota.per_block,
                            "seed {seed} {service} {quota:?} block {block}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn edge_quotas() {
        let plan = FaultPlan::new(7, Service::Dukcapil, Purpose::InjectedError);
        assert!(hits(&plan, 0..300, Quota::new(0, 100)).is_empty());
        assert_eq!(hits(&plan, 0..300, Quota::new(100, 100)).len(), 300);
        assert_eq!(hits(&plan, 0..300, Quota::new(150, 100)).len(), 300);
        assert_eq!(hits(&plan, 0..300, Quota::new(1, 100)).len(), 3);
        assert_eq!(hits(&plan, 0..300, Quota::new(99, 100)).len(), 297);
    }

    #[test]
    fn positions_differ_between_seeds_hosts_and_blocks() {
        let positions = |seed, service| {
            hits(
                &FaultPlan::new(seed, service, Purpose::ServerError),
                0..100,
                EIGHT_IN_100,
            )
        };
        let base = positions(1, Service::Pengaduan);
        let differing_seeds = (2..50)
            .filter(|&seed| positions(seed, Service::Pengaduan) != base)
            .count();
        assert_eq!(differing_seeds, 48, "every other seed moves the faults");
        assert_ne!(base, positions(1, Service::Dukcapil));

        let plan = FaultPlan::new(1, Service::Pengaduan, Purpose::ServerError);
        let second: Vec<u64> = hits(&plan, 100..200, EIGHT_IN_100)
            .into_iter()
            .map(|seq| seq - 100)
            .collect();
        assert_ne!(base, second, "each block is drawn afresh");

        let stalls = FaultPlan::new(1, Service::Pengaduan, Purpose::Stall);
        assert_ne!(
            hits(&plan, 0..1000, Quota::new(1, 20)),
            hits(&stalls, 0..1000, Quota::new(1, 20)),
            "purposes are independent"
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_faults() {
        let a = FaultPlan::new(42, Service::Pengaduan, Purpose::ServerError);
        let b = FaultPlan::new(42, Service::Pengaduan, Purpose::ServerError);
        assert_eq!(
            hits(&a, 0..1000, EIGHT_IN_100),
            hits(&b, 0..1000, EIGHT_IN_100)
        );
    }

    #[test]
    fn any_40_consecutive_requests_meet_at_least_two_of_eight_per_100() {
        // What the demo relies on: 40 availability samples of pengaduan stay < 99%.
        for seed in 0..100 {
            let plan = FaultPlan::new(seed, Service::Pengaduan, Purpose::ServerError);
            let faults: Vec<bool> = (0..400).map(|seq| plan.hits(seq, EIGHT_IN_100)).collect();
            for window in faults.windows(40) {
                let count = window.iter().filter(|&&f| f).count();
                assert!((2..=5).contains(&count), "seed {seed}: {count} in 40");
            }
        }
    }

    #[test]
    fn latency_stays_in_range_and_varies() {
        let plan = FaultPlan::new(1, Service::Perizinan, Purpose::Latency);
        let (min, max) = (Duration::from_millis(30), Duration::from_millis(200));
        let values: Vec<Duration> = (0..1000).map(|seq| plan.latency(seq, min, max)).collect();
        assert!(values.iter().all(|v| (min..=max).contains(v)));
        assert!(values.iter().any(|v| *v < Duration::from_millis(60)));
        assert!(values.iter().any(|v| *v > Duration::from_millis(170)));
        assert_eq!(plan.latency(5, min, max), plan.latency(5, min, max));
    }
}
