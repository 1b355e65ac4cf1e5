//! Talk 01's asyncio program and talk 04's `asyncio.gather`, on smol: one
//! task per URL, all started at once, on one shared session.
//!
//! The slide's `get_url_content`, `do_work` and `run`, in that order, and
//! nothing else: no `--workers`, no report. `src/main.rs` is this plus the
//! shared CLI and a bound on how many run at once. The session is the
//! demo's own (`src/http.rs`: hyper-futures over smol's sockets), and so
//! is the executor (`src/executor.rs`), run on one thread per core.
//!
//! Unlike a Python coroutine, `spawn` starts the task at once, on the
//! executor's threads. Awaiting the tasks one by one afterwards does not
//! make the downloads sequential: they are all running already, and the
//! loop only collects the results in list order. (Keep the `Task`s: a
//! dropped smol `Task` is cancelled.)
//!
//! ```text
//! cargo run -p demo-server                     # another terminal
//! cargo run -p smol-demo --example s02-gather-on-own-executor [URL-FILE]
//! ```

use std::path::PathBuf;
use std::time::{Duration, Instant};

use shared::HttpConfig;
use smol::unblock;

use smol_demo::{Session, Smol, get_url_content};

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
    unblock(move || shared::write_to_file(&filename, &content)).await?;
    Ok(len)
}

/// The slide's `run()`: `block_on` is `run_until_complete`, and awaiting
/// every task is `asyncio.wait(coroutines)`.
fn main() -> Result<(), Box<dyn std::error::Error>> {
    let file = std::env::args().nth(1).unwrap_or_else(|| "urls.txt".into());
    let list = shared::urls(&file)?;
    let out = PathBuf::from("downloads");
    std::fs::create_dir_all(&out)?;
    let smol = Smol::new();
    let session = Session::new(
        &HttpConfig {
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(5),
            max_bytes: 64 << 20,
            pool_size: list.urls.len().max(1),
        },
        smol.executor(),
    );

    let start = Instant::now();
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let (ok, bytes) = smol.block_on(cores, async {
        let tasks: Vec<_> = list
            .urls
            .iter()
            .map(|url| {
                // A spawned task owns its data ('static): the session is an
                // Arc inside, so this clone shares one connection pool.
                smol.spawn(do_work(session.clone(), url.clone(), out.clone()))
            })
            .collect();
        let (mut ok, mut bytes) = (0, 0);
        for (url, task) in list.urls.iter().zip(tasks) {
            match task.await {
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
