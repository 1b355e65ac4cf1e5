//! Talk 04, "How to Speed up a CPU bound program", the synchronous
//! version: `cpu_bound(number)` sums the squares of the numbers below
//! `number`, and `find_sums(numbers)` does that for 20 numbers just above
//! 5,000,000, one after the other, on one core.
//!
//! `cpu_bound` is `shared::cpu_bound`, the kernel every demo's
//! `sum-squares` runs (its comment says why it needs `black_box`, and why
//! the sum is a `u128`).
//!
//! ```text
//! cargo run --release -p seq-demo --example s03-find-sums
//! ```
//! No server: nothing here waits for anything but the CPU. The slide's
//! Python took about 10.5 s for this; Rust takes a few dozen milliseconds
//! (this crate's README has the numbers), which is why every demo's
//! `sum-squares` runs ten times the slide's numbers unless told
//! `--base 5000000`.

use std::hint::black_box;
use std::time::Instant;

use shared::cpu_bound;

/// The slide's `find_sums(numbers)`: each sum in turn, results unused.
fn find_sums(numbers: &[u64]) {
    for &number in numbers {
        // Unused, as on the slide; `black_box` keeps the optimiser from
        // dropping a call whose result nobody reads.
        black_box(cpu_bound(number));
    }
}

fn main() {
    // `numbers = [5_000_000 + x for x in range(20)]`
    let numbers: Vec<u64> = (0..20).map(|x| 5_000_000 + x).collect();

    let start = Instant::now();
    find_sums(&numbers);
    let duration = start.elapsed().as_secs_f64();
    println!("Duration {duration:.3} seconds");
}
