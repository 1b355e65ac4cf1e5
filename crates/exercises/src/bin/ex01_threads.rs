//! Exercise 1: threads and a queue (talk 01, "Threading").
//!
//! This is seq-demo's `main.rs` with another name. It works: it downloads
//! every URL, one after the other. Your task: make `download_all` run
//! `job.workers` threads (5 unless `--workers N` says otherwise) that take
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
//! 1. Make a queue and fill it: `let (queue, unvisited_urls) =
//!    crossbeam_channel::unbounded();`, then `queue.send(url)` for each
//!    URL. Then `drop(queue)`: a closed, empty queue is how the workers
//!    know they are done (the slide's daemon threads never end; ours do).
//! 2. Start the workers inside `std::thread::scope(|s| { ... })`: for
//!    `_ in 0..job.workers`, `s.spawn(move || ...)` a closure that loops
//!    `for url in urls` over its own clone of the receiver.
//! 3. In the loop, what seq does: `report.track(url, || do_work(session,
//!    url, &job.out))`. The scope waits for every thread: that is the
//!    slide's `unvisited_urls.join()`.
//!
//! Hints: a scoped thread may borrow `job`, `report` and the session,
//! because the scope outlives it (clone the receiver and take `&session`
//! *before* the `move` closure, so it moves the clone and the reference,
//! not the originals); the compiler lets threads share `&Session` only
//! because `Session` is `Sync`. Try `Rc` instead and read the error. No
//! worker numbers: the report draws `--trace` lanes from the start and end
//! times, so N threads show as N lanes.
//!
//! Solution: `crates/threaded-queue/src/main.rs`; compare yours with
//! `scripts/diff crates/exercises/src/bin/ex01_threads.rs threaded-queue`.

use std::path::Path;
use std::process::ExitCode;

use cli_report::{Demo, Downloads, Job, Report, Tasks};
use shared::{Session, get_url_content};
use shared::{filename_for_url, write_to_file};

fn main() -> ExitCode {
    // Parse the one CLI, read urls.txt, start the clock and the report.
    let (job, report) = cli_report::start(Demo {
        name: "ex01-threads",
        unit: "thread",
        download_workers: Some(5), // the talk's 5 threads
        cpu_workers: None,         // one thread per core
        sequential: false,
    });
    // Ctrl-C: report what finished and exit 130, mid-download or not.
    report.exit_on_ctrl_c();
    match job {
        Job::Download(job) => download_all(&job, &report),
        Job::Compute(job) => compute_all(&job, &report),
    }
    report.finish()
}

/// TODO: `job.workers` threads taking URLs from a queue (steps above).
/// For now, seq's loop: one URL after the other.
fn download_all(job: &Downloads, report: &Report) {
    let session = Session::new(&job.http);
    for url in &job.urls {
        report.track(url, || do_work(&session, url, &job.out));
    }
}

/// One URL: the talk's `do_work(url)`. Nothing to change here.
fn do_work(
    session: &Session,
    url: &str,
    folder: &Path,
) -> shared::Result<usize> {
    let content = get_url_content(session, url)?;
    let filename = filename_for_url(url, folder);
    write_to_file(&filename, &content)?;
    Ok(content.len())
}

/// Bonus: the same queue of threads for the CPU job; compare
/// `cargo run --release -p exercises --bin ex01_threads -- hash` with
/// `--workers 1` and `--workers 2` (no GIL: two cores, twice as fast).
fn compute_all(job: &Tasks, report: &Report) {
    for task in &job.tasks {
        report.track(&task.name(), || Ok(task.compute()));
    }
}
