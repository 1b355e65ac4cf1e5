//! Talk 01, the threading program: a queue of URLs and N worker threads.
//!
//! The slide's `add_urls_to_queue`, `visit_urls` and `run`, close to line
//! for line, with two changes Rust asks for:
//!
//! - **No daemons, no `queue.join()`.** The slide's workers loop forever
//!   (`while True`), so they must be daemons, and main waits on the queue's
//!   task count instead. Here the queue is *closed* once filled (the last
//!   `Sender` is dropped): a worker's `for url in urls` ends when the queue
//!   is empty and closed, its thread returns, and `run` joins every thread.
//!   Nothing is left running when main returns (compare s04).
//! - **Sharing is checked.** `thread::spawn` needs `'static` data, so each
//!   thread gets its own *handle*: a clone of the `Receiver` and of the
//!   `Session`. Both are cheap clones of one shared thing (the channel, one
//!   pool of connections). Talk 04 gives each thread its own
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

use std::io;
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use crossbeam_channel::{Receiver, Sender};
use shared::{HttpConfig, Session};
use shared::{filename_for_url, get_url_content, write_to_file};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (file, workers) = args();
    shared::prepare_out_dir(Path::new("downloads"))?;
    let start = Instant::now();
    let done = run(&file, workers)?;
    let took = start.elapsed();
    println!("{done} URLs saved by {workers} threads in {took:.2?}");
    Ok(())
}

/// The slide's `run(number_of_worker_threads)`: fill the queue, start the
/// workers, wait for them. Returns how many URLs were saved.
fn run(file: &str, number_of_worker_threads: usize) -> io::Result<usize> {
    let session = Session::new(&HttpConfig {
        timeout: Duration::from_secs(30),
        connect_timeout: Duration::from_secs(5),
        max_bytes: 64 << 20,
        pool_size: number_of_worker_threads, // one idle connection each: s06
    });
    // The slide's global `unvisited_urls = Queue()`, as its two ends.
    let (queue, unvisited_urls) = crossbeam_channel::unbounded();
    add_urls_to_queue(&queue, file)?;
    drop(queue); // closed: once empty, every worker's loop ends

    let threads: Vec<_> = (0..number_of_worker_threads)
        .map(|worker| {
            let (urls, session) = (unvisited_urls.clone(), session.clone());
            thread::spawn(move || visit_urls(worker, &urls, &session))
        })
        .collect();
    // The slide's `unvisited_urls.join()`, but waiting for the threads.
    let joined = threads.into_iter().map(|thread| thread.join());
    Ok(joined
        .map(|saved| saved.expect("visit_urls does not panic"))
        .sum())
}

/// The slide's `add_urls_to_queue`: put every URL of the file in the
/// queue, for whichever thread takes it.
fn add_urls_to_queue(queue: &Sender<String>, file: &str) -> io::Result<()> {
    for url in shared::urls(file)?.warn_bad_lines(file) {
        queue
            .send(url)
            .expect("the receiving end is alive: run holds it");
    }
    Ok(())
}

/// The slide's `visit_urls`: take URLs until the queue is closed and
/// empty. Returns how many this thread saved.
fn visit_urls(
    worker: usize,
    urls: &Receiver<String>,
    session: &Session,
) -> usize {
    let mut saved = 0;
    for url in urls {
        match do_work(session, &url) {
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
fn do_work(session: &Session, url: &str) -> shared::Result<usize> {
    let content = get_url_content(session, url)?;
    write_to_file(&filename_for_url(url, "downloads"), &content)?;
    Ok(content.len())
}

/// The URL file and the thread count from the command line.
fn args() -> (String, usize) {
    let mut args = std::env::args().skip(1);
    let file = args.next().unwrap_or_else(|| "urls.txt".into());
    let workers = args.next().and_then(|n| n.parse().ok()).unwrap_or(3);
    (file, workers.max(1))
}
