//! Talk 02, "Add some threads!" (and talk 04's threading version):
//! `ThreadPoolExecutor(max_workers=5)` and `executor.map(...)`.
//!
//! A rayon `ThreadPool` of 5 threads is the executor; `pool.install` runs
//! a parallel iterator on it, and `par_iter().map(...).collect()` is
//! `executor.map`: every URL is fetched on some pool thread, and the
//! results come back *in input order*, whichever finished first. One
//! `ureq::Agent` is shared by all threads (it is `Send + Sync`; the
//! compiler would refuse to share a type that is not).
//!
//! Watch the total: 30 URLs at 100 ms on 5 threads should take 0.6 s,
//! and this sometimes takes 0.7 s (3 of 10 runs here). rayon cuts the
//! list in halves, then halves again, until every thread has a piece, and
//! a thread runs its piece one URL after another; a piece of 7 URLs is
//! 0.7 s. `src/main.rs` adds `with_max_len(1)`: each URL its own piece.
//!
//! ```text
//! cargo run -p demo-server                     # another terminal
//! cargo run -p thread-pool-demo --example s01-executor-map
//! ```
//! Optional arguments: the URL file (default `urls.txt`) and the number of
//! threads (default 5).

use std::time::Instant;

use rayon::prelude::*;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (file, workers) = args();
    let urls = shared::urls(&file)?.urls;
    let agent = ureq::Agent::new_with_defaults();

    // `with ThreadPoolExecutor(max_workers=5) as runner:`; the pool's
    // threads stop when `pool` is dropped at the end of main.
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()?;
    let start = Instant::now();
    // `runner.map(download, urls)`: results in the order of `urls`.
    let results: Vec<_> = pool.install(|| {
        urls.par_iter()
            .map(|url| {
                let thread = rayon::current_thread_index();
                let body = agent
                    .get(url)
                    .call()
                    .and_then(|mut r| r.body_mut().read_to_vec());
                (url, thread, body.map(|b| b.len()), start.elapsed())
            })
            .collect()
    });
    for (url, thread, body, finished) in results {
        let thread = thread.expect("map runs on a pool thread");
        match body {
            Ok(len) => println!(
                "{url}: {len} bytes, thread {thread}, done at {finished:.0?}"
            ),
            Err(e) => println!("{url}: {e}, thread {thread}"),
        }
    }
    println!(
        "{} URLs on {workers} threads in {:.2?}",
        urls.len(),
        start.elapsed()
    );
    Ok(())
}

/// The URL file and the thread count from the command line.
fn args() -> (String, usize) {
    let mut args = std::env::args().skip(1);
    let file = args.next().unwrap_or_else(|| "urls.txt".into());
    let workers = args.next().and_then(|n| n.parse().ok()).unwrap_or(5);
    (file, workers.max(1))
}
