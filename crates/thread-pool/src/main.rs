//! thread-pool-demo: talk 02/04's `ThreadPoolExecutor`, in Rust (rayon).
//!
//! A rayon pool of `--workers` threads (default 5) maps download-and-save
//! over the URLs; the talk's per-thread session (`threading.local()`)
//! becomes rayon's `map_init`. Slides: "Add some threads!", "State to share"
//! (talk 02) and "Threading version" (talk 04). Compare with
//! `diff crates/seq/src/main.rs crates/thread-pool/src/main.rs`.
//!
//! Run it (with `cargo run -p demo-server` in another terminal):
//!
//! ```text
//! cargo run -p thread-pool-demo                   # 5 threads
//! cargo run -p thread-pool-demo -- --workers 10   # 10 threads
//! cargo run -p thread-pool-demo -- hash           # one thread per core
//! ```

use std::path::Path;
use std::process::ExitCode;

use rayon::prelude::*;
use shared::{Demo, Done, Run, Session, Task};
use shared::{filename_for_url, get_url_content, write_to_file};

fn main() -> ExitCode {
    // The shared crate parses the CLI, reads urls.txt, starts the clock,
    // calls one of the functions below and prints the report.
    let demo = Demo {
        name: "thread-pool-demo",
        unit: "thread",
        download_workers: Some(5),
        cpu_workers: None, // one thread per core
        sequential: false,
    };
    shared::main(demo, download_all, compute_all)
}

/// The slide's `executor.map(download_site, sites)` on a pool of our own.
///
/// rayon splits work in halves, sized for many short CPU items; a URL
/// blocks its thread for 100 ms, so `with_max_len(1)` makes each URL a
/// piece of its own that any idle thread can take, like the talk's queue.
/// `for_each_init` is `map_init` without collecting results; its init
/// closure is the talk's `get_session()`, but rayon calls it once per
/// piece, not once per thread. So it must be cheap: a clone of one shared
/// `Session` (an `Arc` inside, one pool), not a new Session per call (a
/// new pool, so a new connection each time; examples/s02 counts both).
fn download_all(run: &Run) {
    let session = Session::new(&run.http);
    pool(run).install(|| {
        run.urls.par_iter().with_max_len(1).for_each_init(
            || session.clone(),
            |session, url| {
                run.track(worker(), url, || {
                    download_one(session, url, &run.out)
                });
            },
        );
    });
}

/// One URL: the talk's `download_site(url)`.
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

/// The CPU job on the pool: talk 02's `runner.submit(hash_me)`. No GIL:
/// with two cores, two threads really do run two hash chains at once.
///
/// One task per piece here too: rayon would otherwise hand each thread a
/// run of several chains, and a thread that runs slower (a busier core)
/// could not be helped until its whole run was done.
fn compute_all(run: &Run) {
    pool(run).install(|| {
        run.tasks.par_iter().with_max_len(1).for_each(|task| {
            run.track(worker(), &task.name(), || compute_one(task));
        });
    });
}

/// One CPU task.
fn compute_one(task: &Task) -> shared::Result<Done> {
    Ok(Done::answer(task.compute()))
}

/// A pool of exactly `--workers` threads, not rayon's global pool (one
/// thread per core): threads that wait on the network need a pool of
/// their own, sized for waiting.
fn pool(run: &Run) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(run.workers)
        .thread_name(|i| format!("pool-{i}"))
        .build()
        // Like `thread::spawn`, give up if the OS refuses a thread.
        .unwrap_or_else(|e| panic!("cannot start {} threads: {e}", run.workers))
}

/// Which pool thread runs this item, for `--trace`.
fn worker() -> usize {
    rayon::current_thread_index().expect("called inside pool.install")
}
