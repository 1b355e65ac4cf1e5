//! `cargo run -p pipeline-demo -- --urls books.txt`: talk 03, overlapped.
//! Each demo is this file with its approach in place of the loops below:
//! compare them with `diff crates/seq/src/main.rs crates/X/src/main.rs`.
//! Start `cargo run -p demo-server` in another terminal first.

use std::path::Path;
use std::process::ExitCode;
use std::thread;

use cli_report::{Demo, Downloads, Job, Report, Tasks};
use crossbeam_channel::{Receiver, Sender};
use pipeline_demo::WordCounts;
use rayon::prelude::*;
use shared::{Session, get_url_content};
use shared::{filename_for_url, write_to_file};

fn main() -> ExitCode {
    // Parse the one CLI, read urls.txt, start the clock and the report.
    let (job, report) = cli_report::start(Demo {
        name: "pipeline-demo",
        unit: "thread",
        download_workers: Some(5), // 5 download threads
        cpu_workers: None,         // one counting thread per core
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

/// The talk's download, save and process, overlapped (the talk runs them
/// one after another, as `examples/s01` does): stage 1 downloads and saves
/// on `--workers` threads, stage 2 counts words on a thread per core, and
/// a bounded channel carries each saved text from one to the other.
fn download_all(job: &Downloads, report: &Report) {
    let session = Session::new(&job.http);
    let (saved, saved_texts) = crossbeam_channel::bounded(job.workers);
    let counts = thread::scope(|s| {
        // Stage 1 on a thread of its own, so this one is free for stage
        // 2. `for_each_with` moves `saved` in and drops every copy when
        // the last URL is done: that closes the channel.
        s.spawn(|| {
            pool(job.workers).install(|| {
                let urls = job.urls.par_iter().with_max_len(1);
                urls.for_each_with(saved, |saved, url| {
                    let work = || do_work(&session, url, &job.out, saved);
                    report.track(url, work);
                });
            });
        });
        process_all(saved_texts)
    });
    pipeline_demo::print_summary(report, &counts);
}

/// One book: the talk's `download(url)` and `save(content, fname)`, then
/// hand the text on to stage 2.
fn do_work(
    session: &Session,
    url: &str,
    folder: &Path,
    saved: &Sender<Vec<u8>>,
) -> shared::Result<usize> {
    let content = get_url_content(session, url)?;
    let filename = filename_for_url(url, folder);
    write_to_file(&filename, &content)?;
    let len = content.len();
    saved.send(content).expect("stage 2 receives to the end");
    Ok(len)
}

/// Stage 2, the talk's `ProcessPoolExecutor().map(process, ...)`: each
/// core's thread counts texts as they arrive (`par_bridge`); the threads'
/// counts are added up when the channel closes.
fn process_all(saved_texts: Receiver<Vec<u8>>) -> WordCounts {
    let cores = thread::available_parallelism().map_or(1, usize::from);
    pool(cores).install(|| {
        let texts = saved_texts.into_iter().par_bridge();
        let counts = texts.fold(WordCounts::new, |mut counts, text| {
            counts.add(&text);
            counts
        });
        counts.reduce(WordCounts::new, WordCounts::merge)
    })
}

/// The CPU job on a pool, as in thread-pool-demo.
fn compute_all(job: &Tasks, report: &Report) {
    pool(job.workers).install(|| {
        job.tasks.par_iter().with_max_len(1).for_each(|task| {
            report.track(&task.name(), || Ok(task.compute()));
        });
    });
}

/// A rayon pool of `threads` threads: sized for waiting, or for the cores.
fn pool(threads: usize) -> rayon::ThreadPool {
    let pool = rayon::ThreadPoolBuilder::new().num_threads(threads);
    pool.build().expect("the OS can start the pool's threads")
}
