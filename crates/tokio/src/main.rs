//! `cargo run -p tokio-demo`: talk 01's "asyncio", a task per URL at once.
//! Each demo is this file with its approach in place of the loops below:
//! compare them with `diff crates/seq/src/main.rs crates/X/src/main.rs`.
//! Start `cargo run -p demo-server` in another terminal first.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Arc;

use cli_report::{Demo, Downloads, Job, Report, Tasks};
use shared::{filename_for_url, write_to_file};
use tokio::sync::Semaphore;
use tokio::task::{JoinSet, spawn_blocking};
use tokio_demo::{Session, get_url_content};

#[tokio::main] // start the runtime, run main on it: `asyncio.run(main())`
async fn main() -> ExitCode {
    // Parse the one CLI, read urls.txt, start the clock and the report.
    let (job, report) = cli_report::start(Demo {
        name: "tokio-demo",
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
    tokio::select! { // dropping `work` drops its JoinSet: tasks abort
        () = work => report.finish(),
        () = cli_report::ctrl_c() => report.interrupted(),
    }
}

/// The slide's `gather(*[do_work(url) for url in urls])`, on one `Session`.
async fn download_all(job: &Downloads, report: &Report) {
    let session = Session::new(&job.http);
    let permits = Arc::new(Semaphore::new(job.workers));
    let mut tasks = JoinSet::new();
    for url in &job.urls {
        let permit = permits.clone().acquire_owned().await.expect("open");
        let (session, report) = (session.clone(), report.clone());
        let (url, out) = (url.clone(), job.out.clone());
        tasks.spawn(async move {
            let work = do_work(&session, &url, &out);
            report.track_async(&url, work).await;
            drop(permit);
        });
        while tasks.try_join_next().is_some() {} // forget finished ones
    }
    tasks.join_all().await;
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
    let write = spawn_blocking(move || write_to_file(&filename, &content));
    write
        .await
        .expect("write_to_file returns errors, never panics")?;
    Ok(len)
}

/// The CPU job on tokio's blocking pool, `--workers` at a time.
async fn compute_all(job: &Tasks, report: &Report) {
    let permits = Arc::new(Semaphore::new(job.workers));
    let mut tasks = JoinSet::new();
    for task in &job.tasks {
        let permit = permits.clone().acquire_owned().await.expect("open");
        let (task, report) = (task.clone(), report.clone());
        tasks.spawn_blocking(move || {
            report.track(&task.name(), || Ok(task.compute()));
            drop(permit);
        });
    }
    tasks.join_all().await;
}
