//! Talk 02's async cat downloader, and its mistake: a new
//! `aiohttp.ClientSession()` inside `download_one`, so every request
//! builds a client and opens a connection of its own. Measured against the
//! fix, one client for everything.
//!
//! As in talk 02, `download_cat` fetches one picture `n` times and
//! `down_them_all` gathers every cat. Here each cat's downloads run one
//! after the other, so one shared client can reuse a connection; the
//! server's `/stats` counts the connections each way. (When every request
//! is in flight at once, no connection is ever idle to be reused, and both
//! ways open one per request; the cost of building a client remains.)
//!
//! ```text
//! cargo run -p demo-server -- --latency 0      # another terminal
//! cargo run --release -p tokio-demo --example s04-client-per-request
//! ```
//! Optional arguments: the URL file (default `urls.txt`) and how many
//! times to fetch each URL (default 5, like the talk's `n=5`).

use std::time::{Duration, Instant};

use tokio::task::JoinSet;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// Which client a download uses.
#[derive(Clone, Copy, Debug)]
enum Clients {
    /// Talk 02: `async with aiohttp.ClientSession()` per request.
    OnePerRequest,
    /// The fix: one client (one pool) for the whole run.
    Shared,
}

fn new_client() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("the crypto provider is installed in main")
}

/// `download_cat(cat_id, n)`: one URL, `n` times in a row.
async fn download_cat(
    shared: reqwest::Client,
    clients: Clients,
    url: String,
    n: usize,
) -> Result<(), reqwest::Error> {
    for _ in 0..n {
        let client = match clients {
            Clients::OnePerRequest => new_client(),
            Clients::Shared => shared.clone(),
        };
        // Reading the body to the end is what frees the connection for
        // the next request on this client.
        client
            .get(&url)
            .send()
            .await?
            .error_for_status()?
            .bytes()
            .await?;
    }
    Ok(())
}

/// `down_them_all()`: every cat at once; returns the time taken and the
/// server's counters.
async fn down_them_all(
    urls: &[String],
    n: usize,
    clients: Clients,
    stats: &str,
) -> Result<(Duration, String), BoxError> {
    let control = new_client();
    control.post(format!("{stats}/reset")).send().await?;
    let shared = new_client();
    let start = Instant::now();
    let mut cats = JoinSet::new();
    for url in urls {
        cats.spawn(download_cat(shared.clone(), clients, url.clone(), n));
    }
    while let Some(cat) = cats.join_next().await {
        cat??;
    }
    let elapsed = start.elapsed();
    let counters = control.get(stats).send().await?.text().await?;
    Ok((elapsed, counters))
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let mut args = std::env::args().skip(1);
    let file = args.next().unwrap_or_else(|| "urls.txt".into());
    let n = args.next().and_then(|n| n.parse().ok()).unwrap_or(5);
    let list = shared::urls(&file)?;
    let first = url::Url::parse(&list.urls[0])?;
    let stats = format!("{}/stats", first.origin().ascii_serialization());
    // reqwest's rustls has no crypto provider of its own: install ring's.
    let _ = rustls::crypto::ring::default_provider().install_default();

    let requests = list.urls.len() * n;
    println!(
        "{} cats x {n} downloads = {requests} requests",
        list.urls.len()
    );
    for clients in [Clients::OnePerRequest, Clients::Shared] {
        let (elapsed, counters) =
            down_them_all(&list.urls, n, clients, &stats).await?;
        println!("{clients:?}: {elapsed:.2?}");
        // The server's JSON, e.g. {"requests":150,...,"connections":30}.
        // The reset and this GET went over the control client's own
        // connection, opened before the reset: not counted.
        println!("  server: {counters}");
    }
    Ok(())
}
