//! pipeline-demo: talk 03's download, save, process, as a pipeline.
//!
//! A pool of `--workers` I/O threads (default 5) downloads and saves the
//! books; each saved text goes straight on, through a channel, to a rayon
//! pool (one thread per core) that counts its words while the other books
//! are still downloading. The talk runs the stages one after another
//! ("The program", "When to use what?"); `examples/s01` does too. Compare
//! with `diff crates/seq/src/main.rs crates/pipeline/src/main.rs`.
//!
//! Run it (with `cargo run -p demo-server` in another terminal):
//!
//! ```text
//! cargo run -p pipeline-demo -- --urls books.txt                # 5 threads
//! cargo run -p pipeline-demo -- --urls books.txt --workers 12
//! cargo run -p pipeline-demo -- hash             # one thread per core
//! ```

use std::path::Path;
use std::process::ExitCode;
use std::thread;

use crossbeam_channel::{Receiver, Sender};
use pipeline_demo::WordCounts;
use rayon::prelude::*;
use shared::{Demo, Done, Run, Session, Task};
use shared::{filename_for_url, get_url_content, write_to_file};

fn main() -> ExitCode {
    // The shared crate parses the CLI, reads the URL file, starts the
    // clock, calls one of the functions below and prints the report.
    let demo = Demo {
        name: "pipeline-demo",
        unit: "thread",
        download_workers: Some(5),
        cpu_workers: None, // one thread per core
        sequential: false,
    };
    shared::main(demo, download_all, compute_all)
}

/// The talk's three stages, overlapped: stage 1 downloads and saves on
/// `--workers` threads, stage 2 counts words on one thread per core, and
/// a channel carries each saved text from one to the other at once.
///
/// The channel is bounded: if counting ever fell behind, a download
/// thread would wait at `send` instead of piling texts up in memory.
fn download_all(run: &Run) {
    let session = Session::new(&run.http);
    let (saved, saved_texts) = crossbeam_channel::bounded(run.workers);
    let counts = thread::scope(|s| {
        // Stage 1 on a thread of its own, so this one is free for stage
        // 2. `for_each_with` moves `saved` in and drops every copy when
        // the last URL is done: that closes the channel.
        s.spawn(|| {
            pool(run.workers, "io").install(|| {
                // One URL per piece, as in thread-pool-demo: a thread
                // never sits on a backlog of URLs while another idles.
                let urls = run.urls.par_iter().with_max_len(1);
                urls.for_each_with(saved, |saved, url| {
                    run.track(worker(), url, || {
                        download_one(&session, url, &run.out, saved)
                    });
                });
            });
        });
        process_all(saved_texts)
    });
    pipeline_demo::print_summary(run.approach, &counts);
}

/// One book: the talk's `download(url)` and `save(content, fname)`, then
/// hand the text on to stage 2.
fn download_one(
    session: &Session,
    url: &str,
    out: &Path,
    saved: &Sender<Vec<u8>>,
) -> shared::Result<Done> {
    let content = get_url_content(session, url)?;
    let filename = filename_for_url(url, out);
    write_to_file(&filename, &content)?;
    let bytes = content.len();
    saved
        .send(content)
        .expect("stage 2 receives until stage 1 is done");
    Ok(Done::saved(bytes))
}

/// Stage 2, the talk's `ProcessPoolExecutor().map(process, ...)`: each
/// core's thread takes the next text from the channel as it arrives
/// (`par_bridge`), folds its words into that thread's counts, and the
/// threads' counts are added up when the channel closes.
fn process_all(saved_texts: Receiver<Vec<u8>>) -> WordCounts {
    let cores = thread::available_parallelism().map_or(1, usize::from);
    pool(cores, "count").install(|| {
        saved_texts
            .into_iter()
            .par_bridge()
            .fold(WordCounts::new, |mut counts, text| {
                counts.add(&text);
                counts
            })
            .reduce(WordCounts::new, WordCounts::merge)
    })
}

/// The CPU job on a pool: like thread-pool-demo, no GIL, so two threads
/// on two cores really do run two hash chains at once.
fn compute_all(run: &Run) {
    pool(run.workers, "cpu").install(|| {
        // One task per piece, as in thread-pool-demo: no thread is left
        // with a run of chains while the other has nothing to do.
        run.tasks.par_iter().with_max_len(1).for_each(|task| {
            run.track(worker(), &task.name(), || compute_one(task));
        });
    });
}

/// One CPU task.
fn compute_one(task: &Task) -> shared::Result<Done> {
    Ok(Done::answer(task.compute()))
}

/// A rayon pool of exactly `threads` threads named `name-0`, `name-1`...:
/// one sized for waiting (downloads), one sized for the cores (counting).
fn pool(threads: usize, name: &'static str) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(move |i| format!("{name}-{i}"))
        .build()
        // Like `thread::spawn`, give up if the OS refuses a thread.
        .unwrap_or_else(|e| panic!("cannot start {threads} threads: {e}"))
}

/// Which pool thread runs this item, for `--trace`.
fn worker() -> usize {
    rayon::current_thread_index().expect("called inside pool.install")
}
