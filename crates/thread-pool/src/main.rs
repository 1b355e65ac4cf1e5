//! `cargo run -p thread-pool-demo`: talk 02's `ThreadPoolExecutor`.
//! Each demo is this file with its approach in place of the loops below:
//! compare them with `diff crates/seq/src/main.rs crates/X/src/main.rs`.
//! Start `cargo run -p demo-server` in another terminal first.

use std::path::Path;
use std::process::ExitCode;

use cli_report::{Demo, Downloads, Job, Report, Tasks};
use rayon::prelude::*;
use shared::{Session, get_url_content};
use shared::{filename_for_url, write_to_file};

fn main() -> ExitCode {
    // Parse the one CLI, read urls.txt, start the clock and the report.
    let (job, report) = cli_report::start(Demo {
        name: "thread-pool-demo",
        unit: "thread",
        download_workers: Some(5), // the talk's max_workers=5
        cpu_workers: None,         // one thread per core
        sequential: false,
    });
    // Ctrl-C: report what finished and exit 130, mid-download or not.
    report.exit_on_ctrl_c();
    // `with ThreadPoolExecutor(max_workers=n)`: a pool of exactly
    // `--workers` threads, not rayon's global one (a thread per core):
    // threads that wait on the network need a pool sized for waiting.
    let workers = match &job {
        Job::Download(job) => job.workers,
        Job::Compute(job) => job.workers,
    };
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()
        .expect("the OS can start the pool's threads");
    pool.install(|| match job {
        Job::Download(job) => download_all(&job, &report),
        Job::Compute(job) => compute_all(&job, &report),
    });
    report.finish()
}

/// The slide's `executor.map(download_site, sites)`, on the pool.
///
/// rayon splits work in halves, sized for many short CPU items; a URL
/// blocks its thread for 100 ms, so `with_max_len(1)` makes each URL a
/// piece of its own that any idle thread can take, like the talk's queue.
/// `for_each_init` is `map_init` without collecting results; its init
/// closure is the talk's `get_session()`, but rayon calls it once per
/// piece, not once per thread. So it must be cheap: a clone of one shared
/// `Session` (an `Arc` inside, one pool), not a new Session per call (a
/// new pool, so a new connection each time; examples/s02 counts both).
fn download_all(job: &Downloads, report: &Report) {
    let session = Session::new(&job.http);
    job.urls.par_iter().with_max_len(1).for_each_init(
        || session.clone(),
        |session, url| {
            report.track(url, || do_work(session, url, &job.out));
        },
    );
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

/// The CPU job on the pool: talk 02's threaded `calc_them_all`,
/// `runner.submit(hash_me)` 20 times (examples/s06 retells it). No GIL:
/// with two cores, two threads really do run two hash chains at once.
///
/// One task per piece here too: rayon would otherwise hand each thread a
/// run of several chains, and a thread that runs slower (a busier core)
/// could not be helped until its whole run was done.
fn compute_all(job: &Tasks, report: &Report) {
    job.tasks.par_iter().with_max_len(1).for_each(|task| {
        report.track(&task.name(), || Ok(task.compute()));
    });
}
