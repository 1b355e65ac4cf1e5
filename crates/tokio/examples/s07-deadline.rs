//! Talk 05's `wait(futures, timeout=0.3)`: one deadline for the whole
//! batch. What finished in time is kept; what did not is reported as not
//! done and cancelled; nothing is left half-written.
//!
//! `tokio::time::timeout(deadline, future)` gives up on `future` when the
//! time is up. Here the future is the loop collecting results from a
//! `JoinSet`, so the deadline covers the whole batch, not each request.
//! Python's `wait` returns `(done, not_done)` and leaves the unfinished
//! futures running; `JoinSet::shutdown` cancels them and waits until they
//! are gone. Each body is saved with the shared `write_to_file`
//! (temporary file, then rename), so a cancelled download leaves either no
//! file or, if its save had already started, a complete one; never a torn
//! one under the final name.
//!
//! Self-contained: it starts its own demo server on a free port.
//!
//! ```text
//! cargo run -p tokio-demo --example s07-deadline [DEADLINE-MS]
//! ```
//! Its test (`cargo test -p tokio-demo --example s07-deadline`) checks the
//! same with a 60-second request that cannot make a 5-second deadline.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use demo_server::{Background, Config};
use tokio::task::{JoinSet, spawn_blocking};

/// What `wait(..., timeout=...)` returns: the finished and the unfinished.
#[derive(Debug, Default)]
struct Outcome {
    /// URL and bytes saved, or why it failed, in the order they finished.
    done: Vec<(String, Result<usize, String>)>,
    /// URLs still running at the deadline, now cancelled.
    not_done: Vec<String>,
}

/// Downloads one URL and saves it atomically.
async fn download_one(
    client: reqwest::Client,
    url: String,
    out: PathBuf,
) -> Result<usize, String> {
    let fetch = async {
        let response = client.get(&url).send().await?.error_for_status()?;
        response.bytes().await
    };
    let content = fetch.await.map_err(|e| e.to_string())?;
    let filename = shared::filename_for_url(&url, &out);
    let len = content.len();
    spawn_blocking(move || shared::write_to_file(&filename, &content))
        .await
        .expect("write_to_file returns its errors, never panics")
        .map_err(|e| e.to_string())?;
    Ok(len)
}

/// Starts every download, collects what finishes within `deadline`, and
/// cancels the rest.
async fn download_batch(
    client: &reqwest::Client,
    urls: &[String],
    out: &Path,
    deadline: Duration,
) -> Outcome {
    let mut tasks = JoinSet::new();
    // Which task is which URL: join_next_with_id names the task that ended.
    let mut running = HashMap::new();
    for url in urls {
        let task = download_one(client.clone(), url.clone(), out.to_owned());
        let id = tasks.spawn(task).id();
        running.insert(id, url.clone());
    }
    let mut outcome = Outcome::default();
    let collect = async {
        while let Some(joined) = tasks.join_next_with_id().await {
            let (id, result) = joined.expect("download_one never panics");
            let url = running.remove(&id).expect("every task was named");
            outcome.done.push((url, result));
        }
    };
    // Err(Elapsed) just means: the deadline came first.
    let _ = tokio::time::timeout(deadline, collect).await;
    // Whatever has not reported back is not done: abort it, and wait until
    // every aborted task has really stopped.
    tasks.shutdown().await;
    outcome.not_done = running.into_values().collect();
    outcome.not_done.sort();
    outcome
}

#[tokio::main]
async fn main() -> std::io::Result<()> {
    let deadline_ms = std::env::args()
        .nth(1)
        .and_then(|ms| ms.parse().ok())
        .unwrap_or(300);
    let server = Background::start(Config::instant())?;
    // Fast pages, and /delay/ URLs around the deadline.
    let mut urls: Vec<String> = (1..=4)
        .map(|i| server.url(&format!("/pages/page-{i:02}")))
        .collect();
    for ms in [100, 200, 400, 800] {
        urls.push(server.url(&format!("/delay/{ms}")));
    }
    let out = tempfile::tempdir()?;
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .expect("the crypto provider is installed");

    let start = Instant::now();
    let deadline = Duration::from_millis(deadline_ms);
    let outcome = download_batch(&client, &urls, out.path(), deadline).await;
    println!(
        "deadline {deadline_ms} ms, returned after {:.0?}",
        start.elapsed()
    );
    println!("done ({}):", outcome.done.len());
    for (url, result) in &outcome.done {
        println!("  {url}: {result:?}");
    }
    println!("not done, cancelled ({}):", outcome.not_done.len());
    for url in &outcome.not_done {
        println!("  {url}");
    }
    println!("saved in {}:", out.path().display());
    for name in testkit::files_in(out.path()) {
        println!("  {name}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn what_misses_the_deadline_is_not_done_and_not_saved() {
        let server = Background::start(Config::instant()).unwrap();
        let fast: Vec<String> = (0..4)
            .map(|i| server.url(&format!("/pages/page-{i:02}")))
            .collect();
        // A minute: no machine is slow enough for the pages to miss a
        // 5 s deadline, or fast enough for these to make it.
        let slow: Vec<String> = (0..2)
            .map(|i| server.url(&format!("/delay/{}", 60_000 + i)))
            .collect();
        let urls: Vec<String> = fast.iter().chain(&slow).cloned().collect();
        let out = tempfile::tempdir().unwrap();
        let _ = rustls::crypto::ring::default_provider().install_default();
        // Straight to the test's server, whatever HTTP_PROXY says.
        let client = reqwest::Client::builder().no_proxy().build().unwrap();

        let outcome =
            download_batch(&client, &urls, out.path(), Duration::from_secs(5))
                .await;

        let mut done: Vec<&str> =
            outcome.done.iter().map(|(u, _)| u.as_str()).collect();
        done.sort();
        assert_eq!(done, fast.iter().map(String::as_str).collect::<Vec<_>>());
        for (url, result) in &outcome.done {
            assert_eq!(result, &Ok(demo_server::DEFAULT_PAGE_SIZE), "{url}");
        }
        assert_eq!(outcome.not_done, slow);
        // Exactly the four pages, byte for byte, and no temporary files.
        let mut expected: Vec<String> = fast
            .iter()
            .map(|u| {
                let path = shared::filename_for_url(u, out.path());
                let name = u.rsplit('/').next().unwrap();
                let body = demo_server::page_body(
                    name,
                    demo_server::DEFAULT_PAGE_SIZE,
                );
                assert_eq!(std::fs::read(&path).unwrap(), body, "{u}");
                path.file_name().unwrap().to_string_lossy().into_owned()
            })
            .collect();
        expected.sort();
        assert_eq!(testkit::files_in(out.path()), expected);
        // All six were sent: the slow ones were started, then cancelled.
        assert_eq!(server.stats().requests, 6);
    }
}
