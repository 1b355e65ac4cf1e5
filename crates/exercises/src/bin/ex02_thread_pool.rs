//! Exercise 2: a pool of threads (talk 02, "Add some threads!"; talk 04's
//! `ThreadPoolExecutor` and `executor.map`).
//!
//! This is seq-demo's program with another name. It works: it downloads
//! every URL, one after the other. Your task: let a rayon thread pool of
//! `run.workers` threads (5 unless `--workers N`) map over the URLs, the
//! way `executor.map(download_site, sites)` does in Python.
//!
//! ```text
//! cargo run -p demo-server                                      # terminal 1
//! cargo run -p exercises --bin ex02_thread_pool -- --workers 5  # terminal 2
//! cargo test -p exercises -- --ignored ex02                     # done yet?
//! ```
//!
//! The test passes when every URL is saved, byte for byte, and the demo
//! server saw `--workers` requests in flight at once.
//!
//! Steps:
//! 1. Build the executor: `rayon::ThreadPoolBuilder::new()
//!    .num_threads(run.workers).build()` (it returns a `Result`: say with
//!    `expect` why it cannot fail, or handle it).
//! 2. `pool.install(|| ...)` runs a closure inside the pool, and
//!    `run.urls.par_iter().for_each(|url| ...)` (with `use
//!    rayon::prelude::*;`) is `executor.map`: each URL on some pool thread.
//! 3. `rayon::current_thread_index()` says which thread you are on: use it
//!    as the worker number for `run.track`, so `--trace` shows the threads.
//!
//! Hints: the slide keeps one `requests.Session` per thread in
//! `threading.local()`, because it is not thread-safe. Rust checks: all
//! threads may share `&session` because `Session` is `Sync`. rayon cuts the
//! list into pieces and a thread works through its piece in order;
//! `.with_max_len(1)` makes every URL a piece of its own, so an idle
//! thread always finds the next one (thread-pool-demo's README: why).
//!
//! Solution: `crates/thread-pool/src/main.rs`; compare yours with
//! `scripts/diff crates/exercises/src/bin/ex02_thread_pool.rs thread-pool`.

use std::path::Path;
use std::process::ExitCode;

use shared::{Demo, Done, Run, Session, Task};
use shared::{filename_for_url, get_url_content, write_to_file};

fn main() -> ExitCode {
    let demo = Demo {
        name: "ex02-thread-pool",
        unit: "thread",
        download_workers: Some(5),
        cpu_workers: None, // one thread per core
        sequential: false,
    };
    shared::main(demo, download_all, compute_all)
}

/// TODO: map over the URLs on a pool of `run.workers` threads.
/// For now, one URL after the other, all on "worker 0".
fn download_all(run: &Run) {
    let session = Session::new(&run.http);
    for url in &run.urls {
        run.track(0, url, || download_one(&session, url, &run.out));
    }
}

/// One URL: the talk's `download_site(url)`. Nothing to change here.
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

/// Bonus: talk 02's `runner.submit(hash_me)` on the pool; compare
/// `cargo run --release -p exercises --bin ex02_thread_pool -- hash` with
/// `--workers 1` and `--workers 2`.
fn compute_all(run: &Run) {
    for task in &run.tasks {
        run.track(0, &task.name(), || compute_one(task));
    }
}

/// One CPU task.
fn compute_one(task: &Task) -> shared::Result<Done> {
    Ok(Done::answer(task.compute()))
}
