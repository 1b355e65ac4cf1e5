//! The CPU-bound jobs of the talks: `hash_me` (talk 02) and
//! `cpu_bound` (talk 04), and the list of tasks each demo runs.

use std::hint::black_box;

use sha2::{Digest, Sha256};

// ANCHOR: hash_me
/// Talk 02's `hash_me`: feed a SHA-256 digest back into SHA-256, `rounds`
/// times. Each round needs the previous one, so one chain cannot be split:
/// the only parallelism is between chains (tasks).
///
/// The talk starts from `uuid4().bytes`; we start from a seed derived from
/// the task number, so every approach computes the same digests and the
/// shootout can check them.
pub fn hash_me(seed: u64, rounds: u64) -> [u8; 32] {
    let mut data: [u8; 32] = Sha256::digest(seed.to_le_bytes()).into();
    for _ in 0..rounds {
        data = Sha256::digest(data).into();
    }
    data
}
// ANCHOR_END: hash_me

// ANCHOR: cpu_bound
/// Talk 04's `cpu_bound`: `sum(i * i for i in range(n))`.
///
/// `black_box` hides `i` from the optimiser. Without it LLVM recognises
/// the loop and replaces it with the closed formula n(n-1)(2n-1)/6, and
/// the "CPU-bound" job would take nanoseconds: Rust would win the
/// shootout by cheating. The sum is a `u128` because for n = 5,000,000 it
/// is about 4.2e19, past `u64::MAX` (Python's ints never overflow).
pub fn cpu_bound(n: u64) -> u128 {
    let mut total: u128 = 0;
    for i in 0..n {
        let i = black_box(i);
        total += u128::from(i * i);
    }
    total
}
// ANCHOR_END: cpu_bound

/// One CPU task: what `hash` and `sum-squares` hand to the workers.
#[derive(Clone, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Task {
    /// `hash_me(seed, rounds)`.
    Hash {
        /// Also the task number.
        seed: u64,
        /// Length of the chain.
        rounds: u64,
    },
    /// `cpu_bound(n)`.
    SumSquares {
        /// Upper bound (exclusive).
        n: u64,
    },
}

impl Task {
    /// `count` hash tasks (talk 02: 20 x 500,000).
    pub fn hashes(count: u64, rounds: u64) -> Vec<Task> {
        (0..count).map(|seed| Task::Hash { seed, rounds }).collect()
    }

    /// `count` sum-of-squares tasks on `base + x` (talk 04: 5,000,000 + x
    /// for x in 0..20).
    pub fn sums(count: u64, base: u64) -> Vec<Task> {
        (0..count)
            .map(|x| Task::SumSquares { n: base + x })
            .collect()
    }

    /// A short label for reports and traces.
    pub fn name(&self) -> String {
        match self {
            Task::Hash { seed, rounds } => {
                format!("hash_me(#{seed}, {rounds})")
            }
            Task::SumSquares { n } => format!("cpu_bound({n})"),
        }
    }

    /// Runs the task and returns its answer as text (hex digest or sum),
    /// so every approach's answers can be compared.
    pub fn compute(&self) -> String {
        match *self {
            Task::Hash { seed, rounds } => hash_me(seed, rounds)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect(),
            Task::SumSquares { n } => cpu_bound(n).to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cpu_bound_matches_the_formula() {
        for n in [0u64, 1, 2, 10, 12_345, 5_000_000] {
            let n128 = u128::from(n);
            let formula = if n == 0 {
                0
            } else {
                (n128 - 1) * n128 * (2 * n128 - 1) / 6
            };
            assert_eq!(cpu_bound(n), formula, "n = {n}");
        }
        assert!(cpu_bound(5_000_000) > u128::from(u64::MAX));
    }

    #[test]
    fn hash_chain_is_sha256_applied_repeatedly() {
        let start: [u8; 32] = Sha256::digest(7u64.to_le_bytes()).into();
        assert_eq!(hash_me(7, 0), start);
        let once: [u8; 32] = Sha256::digest(start).into();
        assert_eq!(hash_me(7, 1), once);
        let twice: [u8; 32] = Sha256::digest(once).into();
        assert_eq!(hash_me(7, 2), twice);
        assert_ne!(hash_me(7, 2), hash_me(8, 2));
    }

    #[test]
    fn tasks_follow_the_talks() {
        let tasks = Task::sums(20, 5_000_000);
        assert_eq!(tasks.len(), 20);
        assert_eq!(tasks[19], Task::SumSquares { n: 5_000_019 });
        assert_eq!(
            Task::hashes(3, 10)[2],
            Task::Hash {
                seed: 2,
                rounds: 10
            }
        );
        assert_eq!(Task::SumSquares { n: 4 }.compute(), "14");
        assert_eq!(Task::hashes(1, 5)[0].compute().len(), 64);
    }
}
