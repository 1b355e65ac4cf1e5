//! Exercise 3: async tasks on tokio (talk 01's asyncio program; talk 04's
//! `asyncio.gather`).
//!
//! This is seq-demo's `main.rs` made async: `#[tokio::main] async fn main`
//! starts the runtime and runs `main` on it (the slide's
//! `asyncio.run(main())`), the client is async (`.await` where it waits for
//! the network), and Ctrl-C is a `select!`. It works, and it is still
//! sequential: each `.await` finishes one download before the loop starts
//! the next, so nothing ever overlaps. Your task, in two steps, each with
//! its test:
//!
//! ```text
//! cargo run -p demo-server                                  # terminal 1
//! cargo run -p exercises --bin ex03_tokio                   # terminal 2
//! cargo run -p exercises --bin ex03_tokio -- --workers 5
//! cargo test -p exercises -- --ignored ex03                 # done yet?
//! ```
//!
//! 1. **All at once** (`asyncio.gather`). Either build one future per URL,
//!    `report.track_async(url, do_work(&session, url, &job.out))`, and
//!    await them together with `futures::future::join_all(...)` (a future
//!    does nothing until it is polled; `join_all` polls them all, so all
//!    the requests are out at once). Or, as the solution does, spawn a
//!    task per URL into a `tokio::task::JoinSet` and end with
//!    `tasks.join_all().await`: a task runs on any of the runtime's
//!    threads, so it must own what it uses (`'static`): clone the session,
//!    the report (both an `Arc` inside), the URL and `job.out` into an
//!    `async move` block. Test `ex03_tokio_all_at_once`: 8 URLs, and the
//!    server must see 8 in flight.
//! 2. **At most `--workers` at once** (`async with semaphore:`). Make
//!    `let permits = Arc::new(tokio::sync::Semaphore::new(job.workers));`
//!    and, in the loop, *before* spawning, wait for a permit:
//!    `let permit = permits.clone().acquire_owned().await` (a `Result`: it
//!    fails only if the semaphore is closed, which you never do). Move the
//!    permit into the task and drop it when the download is done: the loop
//!    cannot spawn the next task until a permit is back, so there are never
//!    more than N tasks (the way tokio's `Semaphore` docs bound spawned
//!    tasks). Test `ex03_tokio_at_most_workers`: with `--workers 3`,
//!    exactly 3 in flight. (Without `--workers`, `job.workers` is the
//!    number of URLs, so step 1's test still passes.)
//!
//! Bonus: `write_to_file` blocks the thread it runs on, and a runtime
//! thread is shared by every task: in `do_work`, move the write to
//! `tokio::task::spawn_blocking` and await it. And `compute_all`: run at
//! most `--workers` tasks at once, with a semaphore and
//! `JoinSet::spawn_blocking`.
//!
//! Solution: `crates/tokio/src/main.rs`; compare yours with
//! `scripts/diff crates/exercises/src/bin/ex03_tokio.rs tokio`.

use std::path::Path;
use std::process::ExitCode;

use cli_report::{Demo, Downloads, Job, Report, Tasks};
use shared::{filename_for_url, write_to_file};
use tokio::task::spawn_blocking;
// tokio-demo's async client: seq's `Session` and `get_url_content`, on
// reqwest. Same names, and `.await` where it waits.
use tokio_demo::{Session, get_url_content};

#[tokio::main] // start the runtime, run main on it: `asyncio.run(main())`
async fn main() -> ExitCode {
    // Parse the one CLI, read urls.txt, start the clock and the report.
    let (job, report) = cli_report::start(Demo {
        name: "ex03-tokio",
        unit: "task",
        download_workers: None, // a task per URL, like asyncio.gather
        cpu_workers: None,      // one per core
        sequential: false,
    });
    let work = async {
        match job {
            Job::Download(job) => download_all(&job, &report).await,
            Job::Compute(job) => compute_all(&job, &report).await,
        }
    };
    // Ctrl-C: report what finished and exit 130, mid-download or not.
    tokio::select! { // dropping `work` drops what it was running
        () = work => report.finish(),
        () = cli_report::ctrl_c() => report.interrupted(),
    }
}

/// TODO: all the URLs at once, then at most `job.workers` at once.
/// For now, seq's loop with `.await`: one URL after the other.
async fn download_all(job: &Downloads, report: &Report) {
    let session = Session::new(&job.http);
    for url in &job.urls {
        let work = do_work(&session, url, &job.out);
        report.track_async(url, work).await;
    }
}

/// One URL: the talk's `do_work(url)`, with `.await` where it waits.
async fn do_work(
    session: &Session,
    url: &str,
    folder: &Path,
) -> shared::Result<usize> {
    let content = get_url_content(session, url).await?;
    let filename = filename_for_url(url, folder);
    // Blocks this runtime thread while it writes: see the bonus above.
    write_to_file(&filename, &content)?;
    Ok(content.len())
}

/// The CPU job on tokio's blocking pool (never on the runtime's own
/// threads: tokio-demo's `examples/s08-cpu-blocks-io.rs` shows why), one
/// task after another. Bonus: `--workers` at a time.
async fn compute_all(job: &Tasks, report: &Report) {
    for task in &job.tasks {
        let (task, report) = (task.clone(), report.clone());
        let run = spawn_blocking(move || {
            report.track(&task.name(), || Ok(task.compute()));
        });
        run.await.expect("track records errors, never panics");
    }
}
