//! Exercise 2: a pool of threads (talk 02, "Add some threads!"; talk 04's
//! `ThreadPoolExecutor` and `executor.map`).
//!
//! This is seq-demo's `main.rs` with another name. It works: it downloads
//! every URL, one after the other. Your task: let a rayon thread pool of
//! `job.workers` threads (5 unless `--workers N`) map over the URLs, the
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
//!    .num_threads(job.workers).build()` (it returns a `Result`: say with
//!    `expect` why it cannot fail, or handle it). In `download_all` or in
//!    `main`: the solution builds it in `main`, for both jobs.
//! 2. `pool.install(|| ...)` runs a closure inside the pool, and
//!    `job.urls.par_iter().for_each(|url| ...)` (with `use
//!    rayon::prelude::*;`) is `executor.map`: each URL on some pool thread,
//!    running what seq's loop runs, `report.track(url, || do_work(&session,
//!    url, &job.out))`.
//!
//! Hints: the slide keeps one `requests.Session` per thread in
//! `threading.local()`, because it is not thread-safe. Rust checks: all
//! threads may share `&session` because `Session` is `Sync`. rayon cuts the
//! list into pieces and a thread works through its piece in order;
//! `.with_max_len(1)` makes every URL a piece of its own, so an idle
//! thread always finds the next one (thread-pool-demo's README: why). No
//! worker numbers: `--trace` draws one lane per download at once.
//!
//! Solution: `crates/thread-pool/src/main.rs`; compare yours with
//! `scripts/diff crates/exercises/src/bin/ex02_thread_pool.rs thread-pool`.

use std::path::Path;
use std::process::ExitCode;

use cli_report::{Demo, Downloads, Job, Report, Tasks};
use shared::{Session, get_url_content};
use shared::{filename_for_url, write_to_file};

fn main() -> ExitCode {
    // Parse the one CLI, read urls.txt, start the clock and the report.
    let (job, report) = cli_report::start(Demo {
        name: "ex02-thread-pool",
        unit: "thread",
        download_workers: Some(5), // the talk's max_workers=5
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

/// TODO: map over the URLs on a pool of `job.workers` threads.
/// For now, seq's loop: one URL after the other.
fn download_all(job: &Downloads, report: &Report) {
    let session = Session::new(&job.http);
    for url in &job.urls {
        report.track(url, || do_work(&session, url, &job.out));
    }
}

/// One URL: the talk's `download_site(url)`. Nothing to change here.
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

/// Bonus: talk 02's `runner.submit(hash_me)` on the pool; compare
/// `cargo run --release -p exercises --bin ex02_thread_pool -- hash` with
/// `--workers 1` and `--workers 2`.
fn compute_all(job: &Tasks, report: &Report) {
    for task in &job.tasks {
        report.track(&task.name(), || Ok(task.compute()));
    }
}
