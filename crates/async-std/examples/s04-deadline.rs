//! Talk 05's `wait(futures, timeout=0.3)`: one deadline for the whole
//! batch. What finished in time is kept; what did not is reported as not
//! done and cancelled; nothing is left half-written.
//!
//! `async_std::future::timeout(deadline, future)` gives up on `future`
//! when the time is up. Here the future is the loop collecting results, so
//! the deadline covers the whole batch, not each request. Python's `wait`
//! returns `(done, not_done)` and leaves the unfinished futures running;
//! so would async-std if we merely dropped their handles (dropping
//! detaches, see s03). `handle.cancel().await` stops each one and waits
//! until it is gone. Each body is saved with the shared `write_to_file`
//! (temporary file, then rename), so a cancelled download leaves either no
//! file or, if its save had already started, a complete one; never a torn
//! one under the final name.
//!
//! Self-contained: it starts its own demo server on a free port.
//!
//! ```text
//! cargo run -p async-std-demo --example s04-deadline [DEADLINE-MS]
//! ```
//! Its test (`cargo test -p async-std-demo --example s04-deadline`) checks
//! the same with a 50-second request that cannot make a 5-second deadline.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use async_std::future;
use async_std::task::{self, spawn_blocking};
use demo_server::{Background, Config};
use futures::stream::{FuturesUnordered, StreamExt};
use shared::HttpConfig;

use async_std_demo::{Session, get_url_content};

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
        .map_err(|e| e.to_string())?;
    Ok(len)
}

/// Starts every download, collects what finishes within `deadline`, and
/// cancels the rest.
async fn download_batch(
    session: &Session,
    urls: &[String],
    out: &Path,
    deadline: Duration,
) -> Outcome {
    let mut tasks = FuturesUnordered::new();
    // Which task is which URL: each task answers with its number.
    let mut running = BTreeMap::new();
    for (i, url) in urls.iter().enumerate() {
        let job = download_one(session.clone(), url.clone(), out.to_owned());
        tasks.push(task::spawn(async move { (i, job.await) }));
        running.insert(i, url.clone());
    }
    let mut outcome = Outcome::default();
    let collect = async {
        while let Some((i, result)) = tasks.next().await {
            let url = running.remove(&i).expect("every task was numbered");
            outcome.done.push((url, result));
        }
    };
    // Err(TimeoutError) just means: the deadline came first.
    let _ = future::timeout(deadline, collect).await;
    // Whatever has not reported back is not done: cancel it, and wait
    // until each has really stopped. A task that finished in the meantime
    // hands its result back instead: it was done after all.
    for handle in tasks {
        if let Some((i, result)) = handle.cancel().await {
            let url = running.remove(&i).expect("every task was numbered");
            outcome.done.push((url, result));
        }
    }
    outcome.not_done = running.into_values().collect();
    outcome
}

fn main() -> std::io::Result<()> {
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
    let session = Session::new(&config(urls.len()));

    let start = Instant::now();
    let deadline = Duration::from_millis(deadline_ms);
    let outcome =
        task::block_on(download_batch(&session, &urls, out.path(), deadline));
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

/// Limits for `urls` downloads at once, each allowed a minute.
fn config(urls: usize) -> HttpConfig {
    HttpConfig {
        timeout: Duration::from_secs(60),
        connect_timeout: Duration::from_secs(5),
        max_bytes: 64 << 20,
        pool_size: urls,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn what_misses_the_deadline_is_not_done_and_not_saved() {
        let server = Background::start(Config::instant()).unwrap();
        let fast: Vec<String> = (0..4)
            .map(|i| server.url(&format!("/pages/page-{i:02}")))
            .collect();
        // Nearly a minute: no machine is slow enough for the pages to miss
        // a 5 s deadline, or fast enough for these to make it.
        let slow: Vec<String> = (0..2)
            .map(|i| server.url(&format!("/delay/{}", 50_000 + i)))
            .collect();
        let urls: Vec<String> = fast.iter().chain(&slow).cloned().collect();
        let out = tempfile::tempdir().unwrap();
        let session = Session::new(&config(urls.len()));

        let outcome = task::block_on(download_batch(
            &session,
            &urls,
            out.path(),
            Duration::from_secs(5),
        ));

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
        // All six were sent: the slow ones were started, then cancelled,
        // which closed their connections: the server sees none in flight.
        let stats = server.stats();
        assert_eq!(stats.requests, 6);
        let deadline = Instant::now() + Duration::from_secs(5);
        while server.stats().in_flight > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(20));
        }
        assert_eq!(server.stats().in_flight, 0, "cancelled, not detached");
    }
}
