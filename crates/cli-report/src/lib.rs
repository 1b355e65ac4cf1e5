//! The one command line every demo shares, and the report it ends with.
//!
//! A demo's `main` calls [`start`] first: it parses the CLI, reads the URL
//! file (or builds the CPU tasks), checks `--out`, and starts the clock.
//! It returns the [`Job`] to do and the [`Report`] to record it in. `main`
//! then does the job its own way (a loop, threads, a pool, tasks, worker
//! processes) and ends with [`Report::finish`], the exit code. Nothing
//! here calls back into the demo.
//!
//! ```no_run
//! use cli_report::{Demo, Job};
//!
//! fn main() -> std::process::ExitCode {
//!     let (job, report) = cli_report::start(Demo {
//!         name: "my-demo",
//!         unit: "worker",
//!         download_workers: Some(1),
//!         cpu_workers: Some(1),
//!         sequential: true,
//!     });
//!     if let Job::Compute(job) = job {
//!         for task in &job.tasks {
//!             report.track(&task.name(), || Ok(task.compute()));
//!         }
//!     }
//!     report.finish()
//! }
//! ```

mod cli;
mod report;
mod signal;

use std::path::PathBuf;
use std::process;
use std::time::Duration;

use clap::{CommandFactory, FromArgMatches};
use shared::{HttpConfig, Task, prepare_out_dir, urls};

pub use cli::{Cli, Command, Common, DownloadArgs, HashArgs, SumArgs};
pub use report::{
    Done, INTERRUPTED, OnInterrupt, Record, Report, Summary, write_trace,
};
pub use signal::ctrl_c;

/// How a demo describes itself: its name and its defaults for
/// `--workers`.
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

/// What the command line asked for.
#[derive(Debug)]
pub enum Job {
    /// Download every URL and save its body (`download`, the default).
    Download(Downloads),
    /// Run CPU tasks (`hash`, `sum-squares`).
    Compute(Tasks),
}

/// The URLs to download and where to put them.
#[derive(Debug)]
pub struct Downloads {
    /// The good URLs of the file, in order (bad lines are already in the
    /// report as failures).
    pub urls: Vec<String>,
    /// The folder the bodies go in (exists and is writable).
    pub out: PathBuf,
    /// Client limits: `--timeout`, `--max-bytes`, the pool size.
    pub http: HttpConfig,
    /// How many at once: `--workers`, or the demo's default.
    pub workers: usize,
}

/// The CPU tasks to run.
#[derive(Debug)]
pub struct Tasks {
    /// Talk 02's hash chains or talk 04's sums of squares.
    pub tasks: Vec<Task>,
    /// How many at once: `--workers`, or the demo's default.
    pub workers: usize,
}

/// Exit code for bad usage or an unusable URL file or output folder.
const USAGE: i32 = 2;

/// Parses the shared CLI, reads its input and starts the report.
///
/// Exits the process with code 2 (and one line on stderr) when there is
/// nothing to do: bad flags, an unreadable URL file, an output folder that
/// cannot be written. Bad lines of the URL file are not fatal: each is
/// recorded as a failed item and the good URLs are returned.
pub fn start(demo: Demo) -> (Job, Report) {
    let (job, report, _) = start_with(demo, []);
    (job, report)
}

/// [`start`] for a demo with flags of its own beyond the shared ones
/// (cluster-demo's `--broker URL`). Each of `extra` is added to every
/// workload's flags and to `--help`; the returned matches hold their
/// values, whichever workload was named (`matches.get_one("broker")`).
pub fn start_with(
    demo: Demo,
    extra: impl IntoIterator<Item = clap::Arg>,
) -> (Job, Report, clap::ArgMatches) {
    let mut command = Cli::command().name(demo.name).bin_name(demo.name);
    for arg in extra {
        // Global: accepted before or after the workload's name, and its
        // value is copied into the workload's matches.
        command = command.arg(arg.global(true));
    }
    let matches = command.get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    let own = match matches.subcommand() {
        Some((_, workload)) => workload.clone(),
        None => matches.clone(),
    };
    let (job, report) =
        match cli.command.unwrap_or(Command::Download(cli.download)) {
            Command::Download(args) => download(demo, args),
            Command::Hash(args) => {
                let tasks = Task::hashes(args.tasks, args.rounds);
                compute(demo, "hash", tasks, args.common)
            }
            Command::SumSquares(args) => {
                let tasks = Task::sums(args.tasks, args.base);
                compute(demo, "sum-squares", tasks, args.common)
            }
        };
    (job, report, own)
}

/// Prints `demo: error: ...` and exits with code 2.
fn usage_error(demo: Demo, message: std::fmt::Arguments<'_>) -> ! {
    eprintln!("{}: error: {message}", demo.name);
    process::exit(USAGE)
}

/// `--workers`, checked against what the approach can do, or its default.
fn workers(demo: Demo, common: &Common, default: Option<usize>) -> usize {
    match common.workers {
        Some(n) if demo.sequential && n != 1 => usage_error(
            demo,
            format_args!(
                "{} does one thing at a time; --workers must be 1 \
                 (try threaded-queue-demo or tokio-demo)",
                demo.name
            ),
        ),
        // Checked by clap to be 1..=100_000, so it fits a usize.
        Some(n) => n as usize,
        None => default.unwrap_or(1).max(1),
    }
}

fn download(demo: Demo, args: DownloadArgs) -> (Job, Report) {
    let list = urls(&args.urls).unwrap_or_else(|e| {
        usage_error(
            demo,
            format_args!(
                "cannot read URL file {}: {e} (run from the workspace root, \
                 or pass --urls FILE)",
                args.urls.display()
            ),
        )
    });
    if let Err(e) = prepare_out_dir(&args.out) {
        usage_error(
            demo,
            format_args!(
                "cannot write to output folder {}: {e}",
                args.out.display()
            ),
        );
    }
    let one_per_url = Some(list.urls.len());
    let workers =
        workers(demo, &args.common, demo.download_workers.or(one_per_url));
    if !(args.timeout > 0.0 && args.timeout.is_finite()) {
        usage_error(
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
    // A socket per download at once, and the soft limit on open files is
    // often low (256 on macOS): lift it to the hard limit. A no-op where
    // it is already high enough.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let file = args.urls.display().to_string();
    if list.urls.is_empty() && list.bad_lines.is_empty() {
        eprintln!(
            "{}: warning: {file} lists no URLs (only blank lines and # \
             comments)",
            demo.name
        );
    }
    let total = list.urls.len() + list.bad_lines.len();
    let report = Report::new(demo, "download", workers, total, args.common)
        .with_out(&args.out);
    for bad in list.bad_lines {
        report.record(&file, None, Err(bad));
    }
    let job = Downloads {
        urls: list.urls,
        out: args.out,
        http,
        workers,
    };
    (Job::Download(job), report)
}

fn compute(
    demo: Demo,
    workload: &'static str,
    tasks: Vec<Task>,
    common: Common,
) -> (Job, Report) {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let workers =
        workers(demo, &common, Some(demo.cpu_workers.unwrap_or(cores)));
    let report = Report::new(demo, workload, workers, tasks.len(), common);
    (Job::Compute(Tasks { tasks, workers }), report)
}
