//! Talk 02's "async cat downloader", and its mistake: `download_one`
//! opens a new `aiohttp.ClientSession()` for every request, so each
//! request builds a client (and a connection pool) of its own.
//!
//! As on the slide, `download_cat(cat_id, n=5)` gathers 5 downloads of one
//! cat and `down_them_all()` gathers cats 1 to 20: all 100 requests are in
//! flight at once, timed once (the talk: 0.73 s). Then the same with one
//! client for the whole run, so the cost of a client per request shows:
//! both ways open 100 connections (none is free to be reused while all
//! are in flight), and only the slide builds 100 clients.
//!
//! ```text
//! scripts/serve --latency 0                    # another terminal
//! cargo run --release -p tokio-demo --example s04-client-per-request
//! ```
//! Optional arguments: the server (default `http://127.0.0.1:8000`, or a
//! URL file such as `urls.txt`, whose first URL names it) and `n` (5).

use std::time::{Duration, Instant};

use tokio::task::JoinSet;

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// The talk's `aiohttp.ClientSession()`: a client with its own pool.
fn client_session() -> reqwest::Client {
    reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("the crypto provider is installed in main")
}

/// `download_one()`: one request on `shared`, or, with `None`, on a
/// client of its own, as on the slide.
async fn download_one(
    shared: Option<reqwest::Client>,
    url: String,
) -> Result<(), reqwest::Error> {
    let session = shared.unwrap_or_else(client_session);
    let response = session.get(&url).send().await?.error_for_status()?;
    response.bytes().await?; // `await response.read()`
    Ok(())
}

/// `asyncio.gather(*tasks)`: waits for all, fails with the first error.
async fn gather<E: Into<BoxError> + 'static>(
    mut tasks: JoinSet<Result<(), E>>,
) -> Result<(), BoxError> {
    while let Some(task) = tasks.join_next().await {
        task?.map_err(Into::into)?;
    }
    Ok(())
}

/// `download_cat(cat_id, n=5)`: `n` downloads of one cat, all at once.
async fn download_cat(
    shared: Option<reqwest::Client>,
    url: String,
    n: usize,
) -> Result<(), BoxError> {
    let mut downloads = JoinSet::new();
    for _ in 0..n {
        downloads.spawn(download_one(shared.clone(), url.clone()));
    }
    gather(downloads).await
}

/// `down_them_all()`: every cat at once. Returns the time taken.
async fn down_them_all(
    server: &str,
    n: usize,
    shared: Option<reqwest::Client>,
) -> Result<Duration, BoxError> {
    let start = Instant::now();
    let mut cats = JoinSet::new();
    for cat_id in 1..=20 {
        let url = format!("{server}/{cat_id}.jpg");
        cats.spawn(download_cat(shared.clone(), url, n));
    }
    gather(cats).await?;
    Ok(start.elapsed())
}

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let mut args = std::env::args().skip(1);
    let server = args
        .next()
        .unwrap_or_else(|| "http://127.0.0.1:8000".into());
    let first = if server.starts_with("http") {
        server
    } else {
        let urls = shared::urls(&server)?.urls;
        urls.into_iter().next().ok_or("no URL in the file")?
    };
    let server = url::Url::parse(&first)?.origin().ascii_serialization();
    let n = args.next().and_then(|n| n.parse().ok()).unwrap_or(5);
    // reqwest's rustls has no crypto provider of its own: install ring's.
    let _ = rustls::crypto::ring::default_provider().install_default();
    // The server's counters, read and reset on a connection of their own,
    // opened before the first reset (so never counted).
    let control = client_session();
    let stats = format!("{server}/stats");

    println!("20 cats x {n} downloads = {} requests", 20 * n);
    for (way, shared) in [
        ("a ClientSession per request", None),
        ("one client for all", Some(client_session())),
    ] {
        control.post(format!("{stats}/reset")).send().await?;
        let elapsed = down_them_all(&server, n, shared).await?;
        let counters = control.get(&stats).send().await?.text().await?;
        println!("{way}: Duration {:.3} seconds", elapsed.as_secs_f64());
        println!("  server: {counters}");
    }
    Ok(())
}
