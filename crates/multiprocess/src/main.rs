//! `cargo run -p multiprocess-demo`: talk 01's "Pool Object", in Rust.
//! Each demo is this file with its approach in place of the loops below:
//! compare them with `diff crates/seq/src/main.rs crates/X/src/main.rs`.
//! Start `cargo run -p demo-server` in another terminal first.

mod pool;

use std::path::Path;
use std::process::ExitCode;

use cli_report::{Demo, Downloads, Job, Report, Tasks};
use pool::Item;
use shared::{Session, get_url_content};
use shared::{filename_for_url, write_to_file};

fn main() -> ExitCode {
    // A worker: this same executable, started by the pool with a hidden
    // flag. It makes its Session once (talk 04's `initializer`), then runs
    // what its parent sends over a pipe until the parent hangs up.
    if pool::is_worker() {
        return pool::serve(Session::new, do_work, |task| Ok(task.compute()));
    }
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    // Parse the one CLI, read urls.txt, start the clock and the report.
    let (job, report) = cli_report::start(Demo {
        name: "multiprocess-demo",
        unit: "process",
        download_workers: Some(cores), // `Pool()`: one process per core
        cpu_workers: None,             // one per core, too
        sequential: false,
    });
    // Ctrl-C: the pool kills and reaps its workers; then report and exit.
    report.exit_on_ctrl_c();
    match job {
        Job::Download(job) => download_all(&job, &report),
        Job::Compute(job) => compute_all(&job, &report),
    }
    report.finish()
}

/// The slide's `Pool(n).map(do_work, urls)`: each URL crosses a pipe to
/// whichever worker process is free, which runs `do_work` and replies.
fn download_all(job: &Downloads, report: &Report) {
    let urls = job.urls.iter().map(|url| Item::Download(url.clone()));
    let init = Some((&job.http, job.out.as_path())); // the initargs
    pool::map(report, job.workers, init, urls.collect());
}

/// One URL, in a worker process: the talk's `do_work(url)`.
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

/// Talk 05's `Pool(cpu_count()).map(cpu_bound, inputs)`: the same pool.
fn compute_all(job: &Tasks, report: &Report) {
    let tasks = job.tasks.iter().map(|task| Item::Compute(task.clone()));
    pool::map(report, job.workers, None, tasks.collect()); // no initargs
}
