//! Talk 02, "Naive approach": `download_cat(cat_id, n=5)` fetches one cat
//! five times, each time with `urllib.request.urlopen`, so each download
//! opens (and closes) a connection of its own; `down_them_all()` does that
//! for cats 1 to 20, and the slide times 10 runs of it with
//! `timeit.timeit(down_them_all, number=10)`: 1,000 downloads.
//!
//! In ureq 3 the free function `ureq::get` builds a fresh `Agent` for each
//! call: no pool, no reuse, the same as `urlopen`. s02 keeps one `Agent`.
//!
//! ```text
//! scripts/serve --latency 0                    # another terminal
//! cargo run --release -p seq-demo --example s01-new-connection-each-time
//! ```
//! `--latency 0` plays the talk's nginx, which answered at once: the time
//! is then what 1,000 connections and requests cost this client (the talk:
//! 1.34 s; this crate's README has ours). Optional arguments: the server
//! (default `http://127.0.0.1:8000`) and timeit's `number` (default 10).

use std::time::Instant;

use shared::ServerStats;

/// The slide's `download_cat(cat_id, n=5)`: one cat `n` times, each on a
/// connection of its own. Returns the bytes read.
fn download_cat(
    server: &str,
    cat_id: u32,
    n: usize,
) -> Result<usize, ureq::Error> {
    let mut bytes = 0;
    for _ in 0..n {
        // A new Agent per call: connect, request, read, close.
        let mut response =
            ureq::get(format!("{server}/{cat_id}.jpg")).call()?;
        bytes += response.body_mut().read_to_vec()?.len();
    }
    Ok(bytes)
}

/// `down_them_all()`: cats 1 to 20, one after the other. The first error
/// stops it, as an exception would stop the slide's list comprehension.
fn down_them_all(server: &str) -> Result<usize, ureq::Error> {
    (1..=20).map(|cat_id| download_cat(server, cat_id, 5)).sum()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (server, number) = args();
    let stats = ServerStats::of(&server).ok_or("not a URL")?;
    stats.reset()?;

    // `timeit.timeit(down_them_all, number=10)`: the total of 10 runs.
    let start = Instant::now();
    let mut bytes = 0;
    for _ in 0..number {
        bytes += down_them_all(stats.base())?;
    }
    let time = start.elapsed().as_secs_f64();

    println!("Duration {time:.3} seconds");
    println!(
        "{} downloads, {bytes} bytes, {} connections opened",
        number * 100,
        stats.connections()?
    );
    Ok(())
}

/// The server and timeit's `number` from the command line.
fn args() -> (String, usize) {
    let mut args = std::env::args().skip(1);
    let server = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:8000".into());
    let number = args.next().and_then(|n| n.parse().ok()).unwrap_or(10);
    (server, number)
}
