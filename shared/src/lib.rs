//! The talk's `util.py` in Rust, plus the plumbing every demo shares.
//!
//! - [`urls`], [`filename_for_url`], [`write_to_file`] and
//!   `get_url_content` (feature `blocking`): the four helpers the talk
//!   imports at the top of every approach.
//! - [`main`]: the one CLI, the clock, the report, the exit code. Each demo's
//!   `main.rs` hands it two functions, `download_all` and `compute_all`,
//!   which are the only parts that differ between approaches.
//! - [`hash_me`] and [`sum_of_squares`]: the CPU-bound jobs.

mod cli;
mod error;
mod files;
#[cfg(feature = "blocking")]
mod http;
mod interrupt;
mod kernels;
mod report;
mod run;
#[cfg(feature = "blocking")]
mod server_stats;
mod slots;
#[cfg(feature = "tls-config")]
pub mod tls;
#[cfg(all(feature = "blocking", not(feature = "tls-config")))]
mod tls;
mod urls;

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{CommandFactory, FromArgMatches};

pub use cli::{Cli, Command, Common, DownloadArgs, HashArgs, SumArgs};
pub use error::{Error, Result};
pub use files::{prepare_out_dir, write_to_file};
#[cfg(feature = "blocking")]
pub use http::{Session, get_url_content};
pub use interrupt::{INTERRUPTED, OnInterrupt, on_interrupt};
pub use kernels::{Task, hash_me, sum_of_squares};
pub use report::Summary;
pub use run::{Done, HttpConfig, Record, Run, Workload};
#[cfg(feature = "blocking")]
pub use server_stats::ServerStats;
pub use slots::{Slot, Slots};
pub use urls::{UrlList, filename_for_url, urls};

/// The `User-Agent` every demo's client sends, so a real site (see
/// `urls-internet.txt`) can tell who is asking, as it could for the
/// talks' `requests` and `aiohttp`.
pub const USER_AGENT: &str =
    concat!("concurrency-shootout/", env!("CARGO_PKG_VERSION"));

/// How a demo describes itself to [`main`].
#[derive(Clone, Copy, Debug)]
pub struct Demo {
    /// The package name, e.g. `thread-pool-demo`.
    pub name: &'static str,
    /// What one unit of concurrency is called in the summary: `worker`,
    /// `thread`, `process`, `task`.
    pub unit: &'static str,
    /// Downloads at once when `--workers` is not given; `None` means one
    /// per URL (the async lesson: tasks are cheap).
    pub download_workers: Option<usize>,
    /// CPU tasks at once when `--workers` is not given; `None` means one
    /// per core.
    pub cpu_workers: Option<usize>,
    /// The approach does one thing at a time; `--workers` must be 1.
    pub sequential: bool,
}

impl Demo {
    /// The sequential approach: one worker, always.
    pub const fn sequential(name: &'static str) -> Demo {
        Demo {
            name,
            unit: "worker",
            download_workers: Some(1),
            cpu_workers: Some(1),
            sequential: true,
        }
    }
}

/// Exit code for bad usage or an unusable URL file or output folder.
const USAGE: u8 = 2;

/// Everything around the approach: parse the shared CLI, read the URL file
/// (or build the CPU tasks), start the clock, call `download_all` or
/// `compute_all`, print the report, and return the exit code (0 all done,
/// 1 some items failed, 2 bad usage or unreadable input). Ctrl-C during
/// the run prints the report of what finished and exits with 130 (see
/// [`on_interrupt`]).
pub fn main(
    demo: Demo,
    download_all: impl FnOnce(&Run),
    compute_all: impl FnOnce(&Run),
) -> ExitCode {
    let matches = Cli::command()
        .name(demo.name)
        .bin_name(demo.name)
        .get_matches();
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    match cli.command.unwrap_or(Command::Download(cli.download)) {
        Command::Download(args) => download(demo, &args, download_all),
        Command::Hash(args) => {
            let tasks = Task::hashes(args.tasks, args.rounds);
            compute(demo, Workload::Hash, tasks, &args.common, compute_all)
        }
        Command::SumSquares(args) => {
            let tasks = Task::sums(args.tasks, args.base);
            compute(
                demo,
                Workload::SumSquares,
                tasks,
                &args.common,
                compute_all,
            )
        }
    }
}

/// Prints `demo: error: ...` and returns exit code 2.
fn usage_error(demo: Demo, message: std::fmt::Arguments<'_>) -> ExitCode {
    eprintln!("{}: error: {message}", demo.name);
    ExitCode::from(USAGE)
}

/// `--workers`, checked against what the approach can do, or its default.
fn workers(
    demo: Demo,
    common: &Common,
    default: Option<usize>,
    items: usize,
) -> Result<usize, ExitCode> {
    match common.workers {
        Some(n) if demo.sequential && n != 1 => Err(usage_error(
            demo,
            format_args!(
                "{} does one thing at a time; --workers must be 1 \
                 (try threaded-queue-demo or tokio-demo)",
                demo.name
            ),
        )),
        // Checked by clap to be 1..=100_000, so it fits a usize.
        Some(n) => Ok(n as usize),
        None => Ok(default.unwrap_or(items).max(1)),
    }
}

fn download(
    demo: Demo,
    args: &DownloadArgs,
    download_all: impl FnOnce(&Run),
) -> ExitCode {
    let list = match urls(&args.urls) {
        Ok(list) => list,
        Err(e) => {
            return usage_error(
                demo,
                format_args!(
                    "cannot read URL file {}: {e} (run from the workspace \
                     root, or pass --urls FILE)",
                    args.urls.display()
                ),
            );
        }
    };
    if let Err(e) = prepare_out_dir(&args.out) {
        return usage_error(
            demo,
            format_args!(
                "cannot write to output folder {}: {e}",
                args.out.display()
            ),
        );
    }
    let workers = match workers(
        demo,
        &args.common,
        demo.download_workers,
        list.urls.len(),
    ) {
        Ok(n) => n,
        Err(code) => return code,
    };
    if !(args.timeout > 0.0 && args.timeout.is_finite()) {
        return usage_error(
            demo,
            format_args!("--timeout must be a positive number of seconds"),
        );
    }
    let timeout = Duration::from_secs_f64(args.timeout);
    let http = HttpConfig {
        timeout,
        connect_timeout: timeout.min(Duration::from_secs(5)),
        max_bytes: args.max_bytes,
        pool_size: workers.min(list.urls.len()).max(1),
    };
    let mut run =
        Run::new(demo.name, demo.unit, Workload::Download, workers, http);
    let file = args.urls.display().to_string();
    if list.urls.is_empty() && list.bad_lines.is_empty() {
        eprintln!(
            "{}: warning: {file} lists no URLs (only blank lines and # \
             comments)",
            demo.name
        );
    }
    let total = list.urls.len() + list.bad_lines.len();
    for bad in list.bad_lines {
        let zero = Duration::ZERO;
        run.record(None, &file, zero, zero, Err(bad));
    }
    run.urls = list.urls;
    run.out = args.out.clone();
    run.start();
    // Shared with the Ctrl-C handler, which reports what finished so far.
    let run = Arc::new(run);
    interrupt::watch(&run, &args.common, total);
    download_all(&run);
    interrupt::claim_report();
    report::finish(&run, &args.common, None)
}

fn compute(
    demo: Demo,
    workload: Workload,
    tasks: Vec<Task>,
    common: &Common,
    compute_all: impl FnOnce(&Run),
) -> ExitCode {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let default = Some(demo.cpu_workers.unwrap_or(cores));
    let workers = match workers(demo, common, default, tasks.len()) {
        Ok(n) => n,
        Err(code) => return code,
    };
    let http = HttpConfig {
        timeout: Duration::ZERO,
        connect_timeout: Duration::ZERO,
        max_bytes: 0,
        pool_size: 0,
    };
    let mut run = Run::new(demo.name, demo.unit, workload, workers, http);
    run.tasks = tasks;
    run.start();
    let total = run.tasks.len();
    let run = Arc::new(run);
    interrupt::watch(&run, common, total);
    compute_all(&run);
    interrupt::claim_report();
    report::finish(&run, common, None)
}
