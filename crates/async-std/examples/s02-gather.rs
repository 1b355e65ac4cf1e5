//! Talk 01's asyncio program and talk 04's `asyncio.gather`, on async-std:
//! one task per URL, all started at once, on one shared session.
//!
//! The slide's `get_url_content`, `do_work` and `run`, in that order, and
//! nothing else: no `--workers`, no report. `src/main.rs` is this plus the
//! shared CLI and a bound on how many run at once. The session is the
//! demo's own (`src/http.rs`: hyper-futures over async-std's sockets).
//!
//! Unlike a Python coroutine, `task::spawn` starts the task at once, on the
//! executor's threads. Awaiting the handles one by one afterwards does not
//! make the downloads sequential: they are all running already, and the
//! loop only collects the results in list order.
//!
//! ```text
//! cargo run -p demo-server                     # another terminal
//! cargo run -p async-std-demo --example s02-gather [URL-FILE]
//! ```

use std::path::PathBuf;
use std::time::{Duration, Instant};

use async_std::task::{self, spawn_blocking};
use shared::HttpConfig;

use async_std_demo::{Session, get_url_content};

/// The slide's `do_work(url)`: download, then save.
async fn do_work(
    session: Session,
    url: String,
    out: PathBuf,
) -> shared::Result<usize> {
    let content = get_url_content(&session, &url).await?;
    let filename = shared::filename_for_url(&url, &out);
    let len = content.len();
    // Saving blocks: give it to the blocking pool (the slide's
    // write_to_file would freeze an executor thread here).
    spawn_blocking(move || shared::write_to_file(&filename, &content)).await?;
    Ok(len)
}

/// The slide's `run()`: `block_on` is `run_until_complete`, and awaiting
/// every handle is `asyncio.wait(coroutines)`.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let file = std::env::args().nth(1).unwrap_or_else(|| "urls.txt".into());
    let list = shared::urls(&file)?;
    let out = PathBuf::from("downloads");
    std::fs::create_dir_all(&out)?;
    let session = Session::new(&HttpConfig {
        timeout: Duration::from_secs(30),
        connect_timeout: Duration::from_secs(5),
        max_bytes: 64 << 20,
        pool_size: list.urls.len().max(1),
    });

    let start = Instant::now();
    let (ok, bytes) = task::block_on(async {
        let handles: Vec<_> = list
            .urls
            .iter()
            .map(|url| {
                // A spawned task owns its data ('static): the session is an
                // Arc inside, so this clone shares one connection pool.
                task::spawn(do_work(session.clone(), url.clone(), out.clone()))
            })
            .collect();
        let (mut ok, mut bytes) = (0, 0);
        for (url, handle) in list.urls.iter().zip(handles) {
            match handle.await {
                Ok(len) => (ok, bytes) = (ok + 1, bytes + len),
                Err(e) => eprintln!("error: {url}: {e}"),
            }
        }
        (ok, bytes)
    });
    println!(
        "{ok}/{} URLs, {bytes} bytes in {:.2?}, all at once on one session",
        list.urls.len(),
        start.elapsed()
    );
    Ok(())
}
