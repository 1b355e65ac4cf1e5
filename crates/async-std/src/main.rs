//! `cargo run -p async-std-demo`: talk 01's "asyncio" on async-std.
//! Each demo is this file with its approach in place of the loops below:
//! compare them with `diff crates/seq/src/main.rs crates/X/src/main.rs`.
//! Start `cargo run -p demo-server` in another terminal first.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use async_lock::Semaphore;
use async_std::task::{self, spawn_blocking};
use async_std_demo::{Session, get_url_content};
use cli_report::{Demo, Downloads, Job, Report, Tasks};
use futures::future::join_all;
use shared::{filename_for_url, write_to_file};

#[async_std::main] // `asyncio.run(main())`, on async-std's global executor
async fn main() -> ExitCode {
    // Parse the one CLI, read urls.txt, start the clock and the report.
    let (job, report) = cli_report::start(Demo {
        name: "async-std-demo",
        unit: "task",
        download_workers: None, // a task per URL, like asyncio.gather
        cpu_workers: None,      // one per core
        sequential: false,
    });
    // Ctrl-C: report what finished and exit 130, mid-download or not.
    report.exit_on_ctrl_c();
    match job {
        Job::Download(job) => download_all(&job, &report).await,
        Job::Compute(job) => compute_all(&job, &report).await,
    }
    report.finish()
}

/// The slide's `gather(*[do_work(url) for url in urls])`, on one `Session`.
async fn download_all(job: &Downloads, report: &Report) {
    let session = Session::new(&job.http);
    let permits = Arc::new(Semaphore::new(job.workers));
    for url in &job.urls {
        let permit = permits.acquire_arc().await; // before spawning
        let (session, report) = (session.clone(), report.clone());
        let (url, out) = (url.clone(), job.out.clone());
        // A dropped JoinHandle detaches: the task runs on, unobserved.
        drop(task::spawn(async move {
            let work = do_work(&session, &url, &out);
            report.track_async(&url, work).await;
            drop(permit);
        }));
    }
    // Every permit back means every task done: wait for all of them.
    join_all((0..job.workers).map(|_| permits.acquire())).await;
}

/// One URL: the talk's `do_work(url)`, with `.await` where it waits.
async fn do_work(
    session: &Session,
    url: &str,
    folder: &Path,
) -> shared::Result<usize> {
    let content = get_url_content(session, url).await?;
    let filename = filename_for_url(url, folder);
    let len = content.len();
    // Writing blocks the thread, which runs other tasks: hand it over.
    spawn_blocking(move || write_to_file(&filename, &content)).await?;
    Ok(len)
}

/// The CPU job on async-std's blocking pool, `--workers` at a time.
async fn compute_all(job: &Tasks, report: &Report) {
    let permits = Arc::new(Semaphore::new(job.workers));
    let mut tasks = Vec::with_capacity(job.tasks.len());
    for task in &job.tasks {
        let permit = permits.acquire_arc().await;
        let (task, report) = (task.clone(), report.clone());
        tasks.push(spawn_blocking(move || {
            report.track(&task.name(), || Ok(task.compute()));
            drop(permit);
        }));
    }
    join_all(tasks).await;
}
