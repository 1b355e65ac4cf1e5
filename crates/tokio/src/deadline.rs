//! Talk 05's `wait(futures, timeout=0.3)` on tokio: one deadline for a
//! whole batch of downloads. What finished in time is kept; what did not is
//! reported as not done and cancelled; nothing is left half-written.
//!
//! `examples/s07-deadline.rs` runs it, and `tests/it/deadline.rs` checks it.
//! The bookkeeping (which task is which URL, what is done and what is not)
//! is the `timeline` crate's, the same on every runtime; what is tokio's is
//! here: `tokio::time::timeout` races the loop that collects the results,
//! so the deadline covers the whole batch, not each request, and
//! `abort_all` cancels what is left. Compare async-std-demo's and
//! smol-demo's `src/deadline.rs`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use timeline::{Outcome, UrlToFutures};
use tokio::task::{JoinSet, spawn_blocking};

use crate::{Session, get_url_content};

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
    spawn_blocking(move || shared::write_to_file(&filename, &content))
        .await
        .expect("write_to_file returns its errors, never panics")
        .map_err(|e| e.to_string())?;
    Ok(len)
}

/// Starts `io_bounded` for every URL, keeps what finishes within
/// `timeout`, and cancels the rest: `wait(futures, timeout=...)`, except
/// that Python's leaves the not done running.
pub async fn wait(
    session: &Session,
    urls: &[String],
    out: &Path,
    timeout: Duration,
) -> Outcome {
    let mut url_to_futures = UrlToFutures::new(urls);
    let mut tasks = JoinSet::new();
    for (i, url) in urls.iter().enumerate() {
        let job = io_bounded(session.clone(), url.clone(), out.to_owned());
        tasks.spawn(async move { (i, job.await) });
    }
    let collect = async {
        while let Some(joined) = tasks.join_next().await {
            let (i, result) = joined.expect("io_bounded never panics");
            url_to_futures.done(i, result);
        }
    };
    // Err(Elapsed) just means: the deadline came first.
    let _ = tokio::time::timeout(timeout, collect).await;
    // Whatever has not reported back is not done: cancel it, and wait
    // until each has really stopped. A task that finished in the meantime
    // hands its result back instead: it was done after all.
    tasks.abort_all();
    while let Some(joined) = tasks.join_next().await {
        if let Ok((i, result)) = joined {
            url_to_futures.done(i, result);
        }
    }
    url_to_futures.finish()
}
