//! Exercise 1: threads and a queue (talk 01, "Threading").
//!
//! This is seq-demo's program with another name. It works: it downloads
//! every URL, one after the other. Your task: make `download_all` run
//! `run.workers` threads (5 unless `--workers N` says otherwise) that take
//! URLs from a queue, so that N downloads wait for the server at once.
//!
//! ```text
//! cargo run -p demo-server                                  # terminal 1
//! cargo run -p exercises --bin ex01_threads -- --workers 5  # terminal 2
//! cargo test -p exercises -- --ignored ex01                 # done yet?
//! ```
//!
//! The test passes when every URL is saved, byte for byte, and the demo
//! server saw `--workers` requests in flight at once.
//!
//! Steps:
//! 1. Make a queue and fill it: `let (queue, urls) =
//!    crossbeam_channel::unbounded();`, then `queue.send(url)` for each
//!    URL. Then `drop(queue)`: a closed, empty queue is how the workers
//!    know they are done (the slide's daemon threads never end; ours do).
//! 2. Start the workers inside `std::thread::scope(|s| { ... })`: for
//!    `worker in 0..run.workers`, `s.spawn(move || ...)` a closure that
//!    loops `for url in urls` over its own clone of the receiver.
//! 3. In the loop, what seq does: `run.track(worker, url, || download_one(
//!    session, url, &run.out))`. The scope waits for every thread: that is
//!    the slide's `unvisited_urls.join()`.
//!
//! Hints: a scoped thread may borrow `run` and the session, because the
//! scope outlives it; the compiler lets threads share `&Session` only
//! because `Session` is `Sync`. Try `Rc` instead and read the error.
//!
//! Solution: `crates/threaded-queue/src/main.rs`; compare yours with
//! `scripts/diff crates/exercises/src/bin/ex01_threads.rs threaded-queue`.

use std::path::Path;
use std::process::ExitCode;

use shared::{Demo, Done, Run, Session, Task};
use shared::{filename_for_url, get_url_content, write_to_file};

fn main() -> ExitCode {
    let demo = Demo {
        name: "ex01-threads",
        unit: "thread",
        download_workers: Some(5),
        cpu_workers: None, // one thread per core
        sequential: false,
    };
    shared::main(demo, download_all, compute_all)
}

/// TODO: `run.workers` threads taking URLs from a queue (steps above).
/// For now, one URL after the other, all on "worker 0".
fn download_all(run: &Run) {
    let session = Session::new(&run.http);
    for url in &run.urls {
        run.track(0, url, || download_one(&session, url, &run.out));
    }
}

/// One URL: the talk's `do_work(url)`. Nothing to change here.
fn download_one(
    session: &Session,
    url: &str,
    out: &Path,
) -> shared::Result<Done> {
    let content = get_url_content(session, url)?;
    let filename = filename_for_url(url, out);
    write_to_file(&filename, &content)?;
    Ok(Done::saved(content.len()))
}

/// Bonus: the same queue of threads for the CPU job; compare
/// `cargo run --release -p exercises --bin ex01_threads -- hash` with
/// `--workers 1` and `--workers 2` (no GIL: two cores, twice as fast).
fn compute_all(run: &Run) {
    for task in &run.tasks {
        run.track(0, &task.name(), || compute_one(task));
    }
}

/// One CPU task.
fn compute_one(task: &Task) -> shared::Result<Done> {
    Ok(Done::answer(task.compute()))
}
