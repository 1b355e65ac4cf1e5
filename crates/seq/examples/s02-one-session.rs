//! Talk 04's first fix, before any concurrency: one `requests.Session()`
//! for all requests, so the connection is opened once and reused.
//!
//! In Rust the session is a `ureq::Agent`: a pool of keep-alive
//! connections. Same loop as s01; the only change is `agent.get` instead of
//! `ureq::get`. Compare the time and the server's connection count.
//!
//! ```text
//! cargo run -p demo-server -- --latency 0      # another terminal
//! cargo run --release -p seq-demo --example s02-one-session
//! ```
//! Optional arguments: the URL file (default `urls.txt`) and how many times
//! to fetch each URL (default 5).

use std::time::Instant;

use shared::ServerStats;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (file, repeat) = args();
    let list = shared::urls(&file)?;
    let server = ServerStats::of(&list.urls[0]).ok_or("not a URL")?;
    server.reset()?;

    // One Agent for the whole run: the Session of the slide.
    let agent = ureq::Agent::new_with_defaults();
    let start = Instant::now();
    for url in &list.urls {
        for _ in 0..repeat {
            // Reading the body to the end hands the connection back to
            // the pool for the next request.
            let mut response = agent.get(url).call()?;
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
