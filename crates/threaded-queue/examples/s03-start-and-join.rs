//! Talk 01, "Running Threads": start several threads, then wait for them.
//!
//! Three workers each "download" for 200 ms (a sleep stands in for the
//! network). Started one after the other and joined at the end, they wait
//! at the same time, so the whole thing takes about 200 ms, not 600 ms.
//! `join` also brings back what the thread returned (Python's `Thread`
//! cannot return a value) and turns a panic in the thread into an `Err`.
//!
//! ```text
//! cargo run -p threaded-queue-demo --example s03-start-and-join
//! ```
//! Self-contained: no server needed.

use std::thread;
use std::time::{Duration, Instant};

/// Pretends to download `url`: waits like a request would, then returns
/// the "body" length.
fn fake_download(url: &str) -> usize {
    thread::sleep(Duration::from_millis(200));
    url.len() * 100
}

fn main() {
    let urls = ["/pages/page-01", "/pages/page-02", "/pages/page-03"];
    let start = Instant::now();

    // Start: one thread per URL. Each closure owns its `url` (a `&'static
    // str` here, so it can outlive main's stack frame).
    let workers: Vec<_> = urls
        .into_iter()
        .map(|url| thread::spawn(move || (url, fake_download(url))))
        .collect();

    // Join: wait for each thread, in start order, and take its result.
    for worker in workers {
        let (url, bytes) = worker.join().expect("fake_download never panics");
        println!("{url}: {bytes} bytes after {:.0?}", start.elapsed());
    }
    println!(
        "3 x 200 ms of waiting took {:.0?}: the threads waited together",
        start.elapsed()
    );
}
