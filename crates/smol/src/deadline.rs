//! Talk 05's `wait(futures, timeout=0.3)` on smol: one deadline for a
//! whole batch of downloads. What finished in time is kept; what did not is
//! reported as not done and cancelled; nothing is left half-written.
//!
//! `examples/s04-deadline-race.rs` runs it, and `tests/it/deadline.rs` checks
//! it. The bookkeeping (which task is which URL, what is done and what is
//! not) is the `timeline` crate's, the same on every runtime; what is
//! smol's is here. smol has no `timeout` function: the loop that collects
//! the results races a `Timer` with `or`, whichever ends first, so the
//! deadline covers the whole batch, not each request. `task.cancel()` stops
//! what is left (dropping a `Task` would too, s03, without waiting for it to
//! stop). Compare tokio-demo's and async-std-demo's `src/deadline.rs`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use futures::stream::{FuturesUnordered, StreamExt};
use smol::future::FutureExt;
use smol::{Timer, unblock};
use timeline::{Outcome, UrlToFutures};

use crate::{Session, Smol, get_url_content};

/// Talk 05's `io_bounded(url)`, which also saves what it downloaded, with
/// the shared `write_to_file` (temporary file, then rename): a download
/// cancelled before its save leaves no file, and one whose save had
/// started leaves a whole one, never a torn one under the final name.
pub async fn io_bounded(
    session: Session,
    url: String,
    out: PathBuf,
) -> Result<usize, String> {
    let content = get_url_content(&session, &url)
        .await
        .map_err(|e| e.to_string())?;
    let filename = shared::filename_for_url(&url, &out);
    let len = content.len();
    unblock(move || shared::write_to_file(&filename, &content))
        .await
        .map_err(|e| e.to_string())?;
    Ok(len)
}

/// Starts `io_bounded` for every URL on `smol`'s executor, keeps what
/// finishes within `timeout`, and cancels the rest: `wait(futures,
/// timeout=...)`, except that Python's leaves the not done running.
pub async fn wait(
    smol: &Smol,
    session: &Session,
    urls: &[String],
    out: &Path,
    timeout: Duration,
) -> Outcome {
    let mut url_to_futures = UrlToFutures::new(urls);
    let mut tasks = FuturesUnordered::new();
    for (i, url) in urls.iter().enumerate() {
        let job = io_bounded(session.clone(), url.clone(), out.to_owned());
        tasks.push(smol.spawn(async move { (i, job.await) }));
    }
    let collect = async {
        while let Some((i, result)) = tasks.next().await {
            url_to_futures.done(i, result);
        }
    };
    let alarm = async {
        Timer::after(timeout).await;
    };
    // Whichever ends first ends the race: the batch, or the alarm.
    collect.or(alarm).await;
    // Whatever has not reported back is not done: cancel it, and wait
    // until each has really stopped. A task that finished in the meantime
    // hands its result back instead: it was done after all.
    for task in tasks {
        if let Some((i, result)) = task.cancel().await {
            url_to_futures.done(i, result);
        }
    }
    url_to_futures.finish()
}
