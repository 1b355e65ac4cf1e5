//! Talk 01's asyncio program and talk 04's `asyncio.gather`, in Rust: one
//! task per URL, all started at once, on one shared client.
//!
//! The slide's `get_url_content`, `do_work` and `run`, in that order, and
//! nothing else: no `--workers`, no report. `src/main.rs` is this plus the
//! shared CLI and a bound on how many run at once.
//!
//! ```text
//! cargo run -p demo-server                     # another terminal
//! cargo run -p tokio-demo --example s03-gather [URL-FILE]
//! ```

use std::path::PathBuf;
use std::time::{Duration, Instant};

use tokio::task::{JoinSet, spawn_blocking};

type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// `response = yield from aiohttp.request('GET', url)`, then the body.
async fn get_url_content(
    client: &reqwest::Client,
    url: &str,
) -> Result<Vec<u8>, BoxError> {
    let response = client.get(url).send().await?.error_for_status()?;
    Ok(response.bytes().await?.to_vec())
}

/// The slide's `do_work(url)`: download, then save.
async fn do_work(
    client: reqwest::Client,
    url: String,
    out: PathBuf,
) -> Result<usize, BoxError> {
    let content = get_url_content(&client, &url).await?;
    let filename = shared::filename_for_url(&url, &out);
    let len = content.len();
    // Saving blocks: give it to the blocking pool (the slide's
    // write_to_file would freeze its whole event loop here).
    spawn_blocking(move || shared::write_to_file(&filename, &content))
        .await??;
    Ok(len)
}

/// The slide's `run()`: `#[tokio::main]` is `asyncio.get_event_loop()` +
/// `run_until_complete`, and the JoinSet is `asyncio.wait(coroutines)`.
#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let file = std::env::args().nth(1).unwrap_or_else(|| "urls.txt".into());
    let list = shared::urls(&file)?;
    let out = PathBuf::from("downloads");
    std::fs::create_dir_all(&out)?;
    // reqwest is built with rustls but no crypto provider (see the
    // README): install ring's before the first Client. A second install
    // fails harmlessly.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()?;

    let start = Instant::now();
    let mut tasks = JoinSet::new();
    for url in &list.urls {
        // tokio::spawn needs a future that owns its data: the client is
        // an Arc inside, so this clone shares one connection pool.
        tasks.spawn(do_work(client.clone(), url.clone(), out.clone()));
    }
    let (mut ok, mut bytes) = (0, 0);
    while let Some(result) = tasks.join_next().await {
        match result? {
            Ok(len) => (ok, bytes) = (ok + 1, bytes + len),
            Err(e) => eprintln!("error: {e}"),
        }
    }
    println!(
        "{ok}/{} URLs, {bytes} bytes in {:.2?}, all at once on one client",
        list.urls.len(),
        start.elapsed()
    );
    Ok(())
}
