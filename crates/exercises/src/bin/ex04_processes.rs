//! Exercise 4: worker processes (talk 01, "Multiprocessing"; talk 04,
//! `multiprocessing.Pool`).
//!
//! This is seq-demo's `main.rs` with another name, plus the worker half of
//! a process pool, already written: started as `ex04_processes --worker
//! OUT`, the program reads URLs on stdin, one per line, runs `do_work` on
//! each, and answers one line per URL on stdout, `ok BYTES` or `err
//! MESSAGE`. Try it by hand:
//!
//! ```text
//! cargo run -p demo-server                                     # terminal 1
//! echo http://127.0.0.1:8000/pages/page-01 |
//!     cargo run -p exercises --bin ex04_processes -- --worker downloads
//! ```
//!
//! Your task: the parent half. Make `download_all` start `job.workers`
//! worker processes (4 unless `--workers N`), give each its share of the
//! URLs, and record every answer, so that N downloads wait at once, in N
//! processes.
//!
//! ```text
//! cargo run -p exercises --bin ex04_processes -- --workers 4
//! cargo test -p exercises -- --ignored ex04                    # done yet?
//! ```
//!
//! Steps:
//! 1. Start each worker: `Command::new(std::env::current_exe()?)` with the
//!    arguments `--worker` and `&job.out`, `stdin` and `stdout` set to
//!    `Stdio::piped()`, then `.spawn()`. (`current_exe` and `spawn` return
//!    `Result`s: a worker that cannot start is worth a clear `expect`.)
//! 2. Give worker `w` the URLs `w`, `w + N`, `w + 2N`, ...
//!    (`job.urls.iter().skip(w).step_by(job.workers)`): write each as a
//!    line to `child.stdin`, then drop the stdin. A closed stdin ends the
//!    worker's loop, the way a closed queue ends a thread's.
//! 3. Read the answers on one thread per worker, inside
//!    `std::thread::scope`: `BufReader::new(stdout).lines()`, whose k-th
//!    line answers the k-th URL you sent that worker. Record each with
//!    `report.record(url, Some((start, report.elapsed())),
//!    parse_reply(&line))`, where `start` is `report.elapsed()` when the
//!    previous answer came (the worker started this URL then). No worker
//!    number: the report draws `--trace` lanes from those times.
//! 4. `child.wait()` for every worker. A URL that got no answer (the
//!    worker died) must still be recorded, as an error:
//!    `Err(shared::Error::WorkerDied { worker: w, reason })`.
//!
//! Hints: a process shares no memory with its parent: only bytes cross,
//! here lines of text (Python pickles them for you). Each worker has its
//! own `Session`: connections cannot be shared between processes.
//!
//! Solution: `crates/multiprocess/src/main.rs` and `src/pool.rs` (a
//! fuller pool: one URL at a time to whichever worker is free, JSON lines,
//! dead workers replaced, Ctrl-C); the smallest one is
//! `crates/multiprocess/examples/s02-pool-map.rs`.

use std::io::{self, BufRead, Write};
use std::path::Path;
use std::process::ExitCode;
use std::time::Duration;

use cli_report::{Demo, Done, Downloads, Job, Report, Tasks};
use shared::{HttpConfig, Session, get_url_content};
use shared::{filename_for_url, write_to_file};

/// The hidden first argument that makes this program a worker.
const WORKER: &str = "--worker";

fn main() -> ExitCode {
    // A worker is this same program started with `--worker OUT`. Check
    // that first: a worker must not parse the demo's command line (the
    // Rust spelling of Python's `if __name__ == "__main__":`).
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some(WORKER) {
        let out = args.get(2).map_or("downloads", String::as_str);
        return worker(Path::new(out));
    }
    // Parse the one CLI, read urls.txt, start the clock and the report.
    let (job, report) = cli_report::start(Demo {
        name: "ex04-processes",
        unit: "process",
        download_workers: Some(4),
        cpu_workers: None, // one per core
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

/// TODO: start `job.workers` worker processes and hand them the URLs
/// (steps above). For now, seq's loop, in this process.
fn download_all(job: &Downloads, report: &Report) {
    let session = Session::new(&job.http);
    for url in &job.urls {
        report.track(url, || do_work(&session, url, &job.out));
    }
}

/// One URL: the talk's `do_work(url)`. Nothing to change here.
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

/// The worker process: URLs in on stdin, one answer line each out on
/// stdout. Written for you; nothing to change here.
fn worker(folder: &Path) -> ExitCode {
    // The talk's `initializer=set_global_session`: one Session per
    // process, made once. The limits are the shared CLI's defaults.
    let http = HttpConfig {
        timeout: Duration::from_secs(30),
        connect_timeout: Duration::from_secs(5),
        max_bytes: 64 << 20,
        pool_size: 1,
    };
    let session = Session::new(&http);
    let mut stdout = io::stdout().lock();
    for line in io::stdin().lock().lines() {
        let Ok(url) = line else { break };
        let reply = match do_work(&session, url.trim(), folder) {
            Ok(bytes) => format!("ok {bytes}"),
            // One line, whatever the error says.
            Err(e) => format!("err {}", e.to_string().replace('\n', " ")),
        };
        // The parent reads line by line: send each answer now, not when
        // a buffer fills. A failed write means the parent is gone.
        if writeln!(stdout, "{reply}")
            .and_then(|()| stdout.flush())
            .is_err()
        {
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

/// Turns a worker's answer line back into what `report.record` takes.
#[allow(dead_code)] // Yours to call from `download_all`.
fn parse_reply(line: &str) -> shared::Result<Done> {
    let garbled = || shared::Error::Http(format!("worker said {line:?}"));
    match line.split_once(' ') {
        Some(("ok", bytes)) => bytes
            .parse::<usize>()
            .map(Done::from)
            .map_err(|_| garbled()),
        Some(("err", message)) => Err(shared::Error::Http(message.into())),
        _ => Err(garbled()),
    }
}

/// Bonus: send the CPU tasks to the workers too (a second kind of line),
/// and compare `-- hash --workers 2` with exercise 1's threads.
fn compute_all(job: &Tasks, report: &Report) {
    for task in &job.tasks {
        report.track(&task.name(), || Ok(task.compute()));
    }
}
