//! Talk 02, "Naive approach": `urllib.request.urlopen(url)` for every
//! request, so every download opens (and closes) its own connection.
//!
//! In ureq 3 the free function `ureq::get` builds a fresh `Agent` for each
//! call: no pool, no reuse. This is the baseline that s02 improves on.
//!
//! ```text
//! cargo run -p demo-server -- --latency 0      # another terminal
//! cargo run --release -p seq-demo --example s01-new-connection-each-time
//! ```
//! Optional arguments: the URL file (default `urls.txt`) and how many times
//! to fetch each URL (default 5, like the talk's `download_cat(n=5)`).

use std::time::Instant;

use shared::ServerStats;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (file, repeat) = args();
    let list = shared::urls(&file)?;
    let server = ServerStats::of(&list.urls[0]).ok_or("not a URL")?;
    server.reset()?;

    let start = Instant::now();
    for url in &list.urls {
        for _ in 0..repeat {
            // A new Agent per call: connect, request, read, close.
            let mut response = ureq::get(url).call()?;
            response.body_mut().read_to_vec()?;
        }
    }
    let elapsed = start.elapsed();

    let requests = list.urls.len() * repeat;
    println!("{requests} requests in {elapsed:.2?}");
    println!("connections opened: {}", server.connections()?);
    Ok(())
}

/// The URL file and the repeat count from the command line.
fn args() -> (String, usize) {
    let mut args = std::env::args().skip(1);
    let file = args.next().unwrap_or_else(|| "urls.txt".into());
    let repeat = args.next().and_then(|n| n.parse().ok()).unwrap_or(5);
    (file, repeat)
}
