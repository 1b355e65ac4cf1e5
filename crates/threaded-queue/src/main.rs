//! `cargo run -p threaded-queue-demo`: talk 01's "Threading", a queue.
//! Each demo is this file with its approach in place of the loops below:
//! compare them with `diff crates/seq/src/main.rs crates/X/src/main.rs`.
//! Start `cargo run -p demo-server` in another terminal first.

use std::path::Path;
use std::process::ExitCode;
use std::thread;

use cli_report::{Demo, Downloads, Job, Report, Tasks};
use shared::{Session, get_url_content};
use shared::{filename_for_url, write_to_file};

fn main() -> ExitCode {
    // Parse the one CLI, read urls.txt, start the clock and the report.
    let (job, report) = cli_report::start(Demo {
        name: "threaded-queue-demo",
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

/// The slide's queue program: fill the queue, start the workers, wait.
///
/// One `Session` for all threads. The talk gives each thread its own
/// (`requests.Session` is not thread-safe); here the compiler decides:
/// `thread::scope` only lets a closure borrow `&session` if `Session` is
/// `Sync`, and ureq's `Agent` is, so all workers share one pool of
/// connections (sized to `--workers` by `Session::new`).
fn download_all(job: &Downloads, report: &Report) {
    let session = Session::new(&job.http);
    let (queue, unvisited_urls) = crossbeam_channel::unbounded();
    for url in &job.urls {
        queue.send(url).expect("the receiver is alive: we hold it");
    }
    // Close the queue: once it is empty, each worker's loop ends. This
    // replaces the slide's `daemon=True` threads that loop forever.
    drop(queue);
    // The scope joins every thread before it returns: the slide's
    // `unvisited_urls.join()`, but waiting for threads, not for a count.
    thread::scope(|s| {
        for _ in 0..job.workers {
            let (urls, session) = (unvisited_urls.clone(), &session);
            s.spawn(move || {
                for url in urls {
                    report.track(url, || do_work(session, url, &job.out));
                }
            });
        }
    });
}

/// One URL: the talk's `do_work(url)`. Returns the bytes saved.
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

/// The CPU job on the same queue of threads. No GIL: with two cores, two
/// threads really do run two hash chains at once.
fn compute_all(job: &Tasks, report: &Report) {
    let (queue, tasks) = crossbeam_channel::unbounded();
    for task in &job.tasks {
        queue.send(task).expect("the receiver is alive: we hold it");
    }
    drop(queue);
    thread::scope(|s| {
        for _ in 0..job.workers {
            let tasks = tasks.clone();
            s.spawn(move || {
                for task in tasks {
                    report.track(&task.name(), || Ok(task.compute()));
                }
            });
        }
    });
}
