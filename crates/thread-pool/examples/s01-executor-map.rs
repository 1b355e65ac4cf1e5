//! Talk 02, "Add some threads!": the naive approach's `download_cat`,
//! handed to `ThreadPoolExecutor(max_workers=5)` as
//! `runner.map(download_cat, range(1, 21))`, and timed like the naive
//! approach: 10 runs of `down_them_all()`, 1,000 downloads (the talk:
//! 0.70 s, against 1.34 s one cat after the other).
//!
//! A rayon `ThreadPool` of 5 threads is the executor; `pool.install` runs
//! a parallel iterator on it, and `(1..21).into_par_iter().map(...)` is
//! `runner.map`. `download_cat` is seq-demo's s01 unchanged: a new
//! connection for every download. `with_max_len(1)` makes each cat a piece
//! of work of its own, so a free thread always takes the next cat, as the
//! executor's queue hands them out (rayon would otherwise cut the 20 cats
//! into runs of several per thread; the README says what that costs).
//!
//! One difference from the slide: `runner.map` returns a lazy iterator the
//! slide never reads, so a failed download would go unnoticed. Here the
//! results are collected, and the first error is reported.
//!
//! ```text
//! scripts/serve --latency 0                    # another terminal
//! cargo run --release -p thread-pool-demo --example s01-executor-map
//! ```
//! Optional arguments: the server (default `http://127.0.0.1:8000`),
//! timeit's `number` (default 10) and `max_workers` (default 5).

use std::time::Instant;

use rayon::prelude::*;
use shared::ServerStats;

/// Talk 02's `download_cat(cat_id, n=5)`, as in the naive approach: one
/// cat `n` times, each on a connection of its own. Returns the bytes read.
fn download_cat(
    server: &str,
    cat_id: u32,
    n: usize,
) -> Result<usize, ureq::Error> {
    let mut bytes = 0;
    for _ in 0..n {
        let mut response =
            ureq::get(format!("{server}/{cat_id}.jpg")).call()?;
        bytes += response.body_mut().read_to_vec()?.len();
    }
    Ok(bytes)
}

/// `down_them_all()`: `runner.map(download_cat, range(1, 21))` on `pool`.
fn down_them_all(
    pool: &rayon::ThreadPool,
    server: &str,
) -> Result<usize, ureq::Error> {
    pool.install(|| {
        // `range(1, 21)`, and a `..` range: `with_max_len` needs an indexed
        // iterator, which rayon's `1..=20` of `u32` is not.
        (1..21)
            .into_par_iter()
            .with_max_len(1)
            .map(|cat_id| download_cat(server, cat_id, 5))
            .sum()
    })
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (server, number, workers) = args();
    let stats = ServerStats::of(&server).ok_or("not a URL")?;
    // `with ThreadPoolExecutor(max_workers=5) as runner:`. Built once,
    // outside the timing; its threads stop when `pool` is dropped.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()?;
    stats.reset()?;

    let start = Instant::now();
    let mut bytes = 0;
    for _ in 0..number {
        bytes += down_them_all(&pool, stats.base())?;
    }
    let time = start.elapsed().as_secs_f64();

    let connections = stats.connections()?;
    let at_once = stats.read()?["peak_in_flight"].clone();
    println!("Duration {time:.3} seconds");
    println!(
        "{} downloads on {workers} threads, {bytes} bytes; the server saw \
         {connections} connections, peak {at_once} in flight",
        number * 100,
    );
    Ok(())
}

/// The server, timeit's `number` and `max_workers` from the command line.
fn args() -> (String, usize, usize) {
    let mut args = std::env::args().skip(1);
    let server = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:8000".into());
    let mut number = || args.next().and_then(|n| n.parse().ok());
    let (number, workers) = (number().unwrap_or(10), number().unwrap_or(5));
    (server, number, workers.max(1))
}
