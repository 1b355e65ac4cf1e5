//! Talk 01, the threading program: a queue of URLs and N worker threads.
//!
//! The slide's `add_urls_to_queue`, `visit_urls` and `run`, close to line
//! for line, with two changes Rust asks for:
//!
//! - **No daemons, no `queue.join()`.** The slide's workers loop forever
//!   (`while True`), so they must be daemons, and main waits on the queue's
//!   task count instead. Here the queue is *closed* once filled (the last
//!   `Sender` is dropped): a worker's `for url in urls` ends when the queue
//!   is empty and closed, its thread returns, and main joins every thread.
//!   Nothing is left running when main returns (compare s04).
//! - **Sharing is checked.** `thread::spawn` needs `'static` data, so each
//!   thread gets its own *handle*: a clone of the `Receiver` and of the
//!   `Session`. Both are cheap clones of one shared thing (the channel, one
//!   pool of connections). The talk gives each thread its own
//!   `requests.Session` because that type is not thread-safe; ureq's
//!   `Agent` is `Send + Sync`, and if it were not, this would not compile.
//!
//! `src/main.rs` is this program with `thread::scope`, which lets threads
//! borrow instead of clone.
//!
//! ```text
//! cargo run -p demo-server                     # another terminal
//! cargo run -p threaded-queue-demo --example s05-worker-queue
//! ```
//! Optional arguments: the URL file (default `urls.txt`) and the number of
//! threads (default 3, the slide's "3 Threads").

use std::path::{Path, PathBuf};
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::Receiver;
use shared::{HttpConfig, Session};
use shared::{filename_for_url, get_url_content, write_to_file};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (file, workers) = args();
    let out = PathBuf::from("downloads");
    shared::prepare_out_dir(&out)?;
    let session = Session::new(&HttpConfig {
        timeout: Duration::from_secs(30),
        connect_timeout: Duration::from_secs(5),
        max_bytes: 64 << 20,
        pool_size: workers, // one idle connection per thread: see s06
    });

    // add_urls_to_queue(), then close the queue.
    let (queue, unvisited_urls) = crossbeam_channel::unbounded();
    for url in shared::urls(&file)?.urls {
        queue.send(url)?;
    }
    drop(queue);

    // run(number_of_worker_threads): start the workers...
    let start = Instant::now();
    let threads: Vec<_> = (0..workers)
        .map(|worker| {
            let urls = unvisited_urls.clone();
            let (session, out) = (session.clone(), out.clone());
            thread::spawn(move || visit_urls(worker, &urls, &session, &out))
        })
        .collect();
    // ...and wait for each one to run out of URLs.
    let mut done = 0;
    for thread in threads {
        done += thread.join().expect("visit_urls does not panic");
    }
    println!(
        "{done} URLs saved by {workers} threads in {:.2?}",
        start.elapsed()
    );
    Ok(())
}

/// The slide's `visit_urls`: take URLs until the queue is closed and
/// empty. Returns how many this thread saved.
fn visit_urls(
    worker: usize,
    urls: &Receiver<String>,
    session: &Session,
    out: &Path,
) -> usize {
    let mut saved = 0;
    for url in urls {
        match do_work(session, &url, out) {
            Ok(bytes) => {
                println!("thread {worker}: {url} ({bytes} bytes)");
                saved += 1;
            }
            Err(e) => println!("thread {worker}: {url}: {e}"),
        }
    }
    saved
}

/// The sequential example's `do_work(url)`.
fn do_work(session: &Session, url: &str, out: &Path) -> shared::Result<usize> {
    let content = get_url_content(session, url)?;
    write_to_file(&filename_for_url(url, out), &content)?;
    Ok(content.len())
}

/// The URL file and the thread count from the command line.
fn args() -> (String, usize) {
    let mut args = std::env::args().skip(1);
    let file = args.next().unwrap_or_else(|| "urls.txt".into());
    let workers = args.next().and_then(|n| n.parse().ok()).unwrap_or(3);
    (file, workers.max(1))
}
