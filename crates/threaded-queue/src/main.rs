//! threaded-queue-demo: talk 01's "Threading" approach, in Rust.
//!
//! The URLs go into a queue (a crossbeam channel); `--workers` threads
//! (default 5) each take URLs until the queue is empty and closed, and
//! download and save them; main waits for every thread. Slides: "Making
//! Threads", "Running Threads", "Daemons", and the final queue program.
//! Compare with
//! `diff crates/seq/src/main.rs crates/threaded-queue/src/main.rs`.
//!
//! Run it (with `cargo run -p demo-server` in another terminal):
//!
//! ```text
//! cargo run -p threaded-queue-demo                   # 5 threads
//! cargo run -p threaded-queue-demo -- --workers 10   # 10 threads
//! cargo run -p threaded-queue-demo -- hash           # one thread per core
//! ```

use std::path::Path;
use std::process::ExitCode;
use std::thread;

use shared::{Demo, Done, Run, Session, Task};
use shared::{filename_for_url, get_url_content, write_to_file};

fn main() -> ExitCode {
    // The shared crate parses the CLI, reads urls.txt, starts the clock,
    // calls one of the functions below and prints the report.
    let demo = Demo {
        name: "threaded-queue-demo",
        unit: "thread",
        download_workers: Some(5),
        cpu_workers: None, // one thread per core
        sequential: false,
    };
    shared::main(demo, download_all, compute_all)
}

/// The slide's queue program: fill the queue, start the workers, wait.
///
/// One `Session` for all threads. The talk gives each thread its own
/// (`requests.Session` is not thread-safe); here the compiler decides:
/// `thread::scope` only lets a closure borrow `&session` if `Session` is
/// `Sync`, and ureq's `Agent` is, so all workers share one pool of
/// connections (sized to `--workers` by `Session::new`).
fn download_all(run: &Run) {
    let session = Session::new(&run.http);
    let (queue, unvisited_urls) = crossbeam_channel::unbounded();
    for url in &run.urls {
        queue.send(url).expect("the receiver is alive: we hold it");
    }
    // Close the queue: once it is empty, each worker's loop ends. This
    // replaces the slide's `daemon=True` threads that loop forever.
    drop(queue);
    // The scope joins every thread before it returns: the slide's
    // `unvisited_urls.join()`, but waiting for threads, not for a count.
    thread::scope(|s| {
        for worker in 0..run.workers {
            let (urls, session) = (unvisited_urls.clone(), &session);
            s.spawn(move || {
                for url in urls {
                    run.track(worker, url, || {
                        download_one(session, url, &run.out)
                    });
                }
            });
        }
    });
}

/// One URL: the talk's `do_work(url)`.
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

/// The CPU job on the same queue of threads. No GIL: with two cores, two
/// threads really do run two hash chains at once.
fn compute_all(run: &Run) {
    let (queue, tasks) = crossbeam_channel::unbounded();
    for task in &run.tasks {
        queue.send(task).expect("the receiver is alive: we hold it");
    }
    drop(queue);
    thread::scope(|s| {
        for worker in 0..run.workers {
            let tasks = tasks.clone();
            s.spawn(move || {
                for task in tasks {
                    run.track(worker, &task.name(), || compute_one(task));
                }
            });
        }
    });
}

/// One CPU task.
fn compute_one(task: &Task) -> shared::Result<Done> {
    Ok(Done::answer(task.compute()))
}
