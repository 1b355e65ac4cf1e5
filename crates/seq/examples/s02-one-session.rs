//! Talk 04, "IO Synchronous version": `download_site(url, session)` reads
//! one page on a session it is given, and `download_all_sites(sites)` opens
//! one `requests.Session()` for the whole list and downloads the sites one
//! after the other. One session means one connection, opened once and
//! reused; nothing runs concurrently yet.
//!
//! In Rust the session is a `ureq::Agent`: a pool of keep-alive
//! connections. Unlike s01's `ureq::get`, every request after the first
//! finds the connection of the one before it in the pool.
//!
//! ```text
//! scripts/serve                                # another terminal
//! cargo run --release -p seq-demo --example s02-one-session
//! ```
//! The slide's `sites` are two real sites repeated 80 times; ours are
//! `urls.txt`'s 30 pages, 5 times over (150 downloads, about 15 s at the
//! server's 100 ms of latency). Optional arguments: the URL file (default
//! `urls.txt`) and the repeat count (default 5).

use std::time::Instant;

use shared::ServerStats;
use ureq::Agent;

/// The slide's `download_site(url, session)`.
fn download_site(url: &str, session: &Agent) -> Result<(), ureq::Error> {
    // Reading the body to the end hands the connection back to the pool
    // for the next request.
    let mut response = session.get(url).call()?;
    let content = response.body_mut().read_to_vec()?;
    println!("Read {} from {url}", content.len());
    Ok(())
}

/// `download_all_sites(sites)`: `with requests.Session() as session:` and
/// a plain loop. The session (and its connection) is dropped at the end.
fn download_all_sites(sites: &[String]) -> Result<(), ureq::Error> {
    let session = Agent::new_with_defaults();
    for url in sites {
        download_site(url, &session)?;
    }
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (file, repeat) = args();
    let urls = shared::urls(&file)?.urls;
    let server = ServerStats::of(&urls[0]).ok_or("not a URL")?;
    server.reset()?;
    // The slide's `sites = [...] * 80`.
    let sites: Vec<String> = (0..repeat).flat_map(|_| urls.clone()).collect();

    let start = Instant::now();
    download_all_sites(&sites)?;
    let duration = start.elapsed().as_secs_f64();

    println!("Downloaded {} in {duration:.3} seconds", sites.len());
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
