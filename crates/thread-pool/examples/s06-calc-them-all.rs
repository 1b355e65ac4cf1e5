//! Talk 02, "Compute intensive task" and "Threads should make it
//! faster!": `calc_them_all()` runs `hash_me()` 20 times, first one after
//! the other, then submitted to `ThreadPoolExecutor(max_workers=5)`.
//!
//! In the talk the threads made it slower (4.8 s, then 6.0 s): the GIL
//! lets one thread at a time run Python code, and `hash_me`'s 32-byte
//! SHA-256 calls are too short for hashlib to let go of it. Rust has no
//! GIL: the 5 pool threads share the machine's cores, and on 2 cores the
//! pool takes about half the time of the loop.
//!
//! `hash_me` is `shared::hash_me` (a seed instead of `uuid4()`, so every
//! run computes the same digests); the pool is rayon's, as in s01, and
//! `scope` + `spawn` is `runner.submit`.
//!
//! ```text
//! cargo run --release -p thread-pool-demo --example s06-calc-them-all
//! ```
//! No server. Optional argument: `max_workers` (default 5).

use std::hint::black_box;
use std::time::Instant;

/// Talk 02's `hash_me(n=500_000)`: a chain of 500,000 SHA-256 rounds. The
/// digest is unused, as on the slide; `black_box` keeps the optimiser from
/// dropping the work.
fn hash_me(seed: u64) {
    black_box(shared::hash_me(seed, 500_000));
}

/// "Compute intensive task": `[hash_me() for _ in range(20)]`.
fn calc_them_all() {
    for seed in 0..20 {
        hash_me(seed);
    }
}

/// "Threads should make it faster!": `[runner.submit(hash_me) for _ in
/// range(20)]` inside `with ThreadPoolExecutor(max_workers=5)`; the scope,
/// like the `with`, waits for every job.
fn calc_them_all_on(pool: &rayon::ThreadPool) {
    pool.scope(|s| {
        for seed in 0..20 {
            s.spawn(move |_| hash_me(seed));
        }
    });
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let workers = std::env::args().nth(1).and_then(|n| n.parse().ok());
    let workers: usize = workers.unwrap_or(5).max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()?;

    // `timeit.timeit(calc_them_all, number=1)`, each way.
    let start = Instant::now();
    calc_them_all();
    let one_thread = start.elapsed().as_secs_f64();
    println!("one thread:       Duration {one_thread:.3} seconds");

    let start = Instant::now();
    calc_them_all_on(&pool);
    let pooled = start.elapsed().as_secs_f64();
    println!("{workers} pool threads:   Duration {pooled:.3} seconds");
    println!(
        "speed-up {:.2}x, on {} cores",
        one_thread / pooled,
        std::thread::available_parallelism()?
    );
    Ok(())
}
