//! multiprocess-demo: talk 01's "Pool Object", talk 04's
//! `Pool(initializer=set_global_session)` and talk 05's `Pool(cpu_count())`,
//! in Rust.
//!
//! The program starts `--workers` copies of its own executable (default:
//! one per core) and hands each one URL or CPU task at a time over a pipe;
//! whichever worker process finishes first gets the next one, like
//! `pool.map`. The answers come back over pipes and the parent prints the
//! one report. The pipes and the faults live in `pool.rs`; compare this file
//! with `diff crates/seq/src/main.rs crates/multiprocess/src/main.rs`.
//!
//! Run it (with `cargo run -p demo-server` in another terminal):
//!
//! ```text
//! cargo run -p multiprocess-demo                   # one process per core
//! cargo run -p multiprocess-demo -- --workers 8    # 8 processes
//! cargo run -p multiprocess-demo -- hash           # talk 02's CPU job
//! cargo run -p multiprocess-demo -- sum-squares    # talk 04's CPU job
//! ```

mod pool;

use std::path::Path;
use std::process::ExitCode;

use shared::{Demo, Done, Run, Session, Task};
use shared::{filename_for_url, get_url_content, write_to_file};

use pool::Job;

fn main() -> ExitCode {
    // A worker: this same executable, started by the pool with a hidden
    // flag. It builds its own Session once (the slide's `initializer`),
    // then runs whatever its parent sends, until the parent hangs up.
    if pool::is_worker() {
        return pool::serve(Session::new, download_one, compute_one);
    }
    // The shared crate parses the CLI, reads urls.txt, starts the clock,
    // calls one of the functions below and prints the report.
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let demo = Demo {
        name: "multiprocess-demo",
        unit: "process",
        download_workers: Some(cores), // `Pool()`: one process per core
        cpu_workers: None,             // one process per core, too
        sequential: false,
    };
    shared::main(demo, download_all, compute_all)
}

/// The slide's `with Pool(n) as pool: pool.map(do_work, urls)`: each URL
/// crosses a pipe to whichever worker process is free, which runs
/// `download_one` and sends back what happened.
fn download_all(run: &Run) {
    let jobs = run.urls.iter().map(|url| Job::Download(url.clone()));
    pool::map(run, jobs.collect());
}

/// One URL, inside a worker process: the talk's `do_work(url)`.
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

/// Talk 05's `Pool(cpu_count()).map(cpu_bounded, inputs)`: the same pool,
/// with CPU tasks instead of URLs.
fn compute_all(run: &Run) {
    let jobs = run.tasks.iter().map(|task| Job::Compute(task.clone()));
    pool::map(run, jobs.collect());
}

/// One CPU task, inside a worker process.
fn compute_one(task: &Task) -> shared::Result<Done> {
    Ok(Done::answer(task.compute()))
}
