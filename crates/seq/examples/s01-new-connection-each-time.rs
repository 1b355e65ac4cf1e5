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

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (file, repeat) = args();
    let list = shared::urls(&file)?;
    let base = server_base(&list.urls[0]);
    ureq::post(format!("{base}/stats/reset")).send_empty()?;

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
    println!("{}", connections_seen(&base)?);
    Ok(())
}

/// The URL file and the repeat count from the command line.
fn args() -> (String, usize) {
    let mut args = std::env::args().skip(1);
    let file = args.next().unwrap_or_else(|| "urls.txt".into());
    let repeat = args.next().and_then(|n| n.parse().ok()).unwrap_or(5);
    (file, repeat)
}

/// `http://host:port` of a URL on the demo server.
fn server_base(url: &str) -> String {
    let after_scheme = url.find("://").map_or(0, |i| i + 3);
    let end = url[after_scheme..]
        .find('/')
        .map_or(url.len(), |i| i + after_scheme);
    url[..end].to_owned()
}

/// What the demo server counted since the reset.
fn connections_seen(base: &str) -> Result<String, ureq::Error> {
    let stats = ureq::get(format!("{base}/stats"))
        .call()?
        .into_body()
        .read_to_string()?;
    // The GET /stats above opened one more connection; the server's JSON
    // says e.g. {"requests":150,...,"connections":151,...}.
    Ok(format!(
        "server counters (connections include this /stats call): {stats}"
    ))
}
