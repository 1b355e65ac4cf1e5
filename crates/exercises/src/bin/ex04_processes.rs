//! Exercise 4: worker processes (talk 01, "Multiprocessing"; talk 04,
//! `multiprocessing.Pool`).
//!
//! This is seq-demo's program with another name, plus the worker half of a
//! process pool, already written: started as `ex04_processes --worker OUT`,
//! the program reads URLs on stdin, one per line, downloads and saves each,
//! and answers one line per URL on stdout, `ok BYTES` or `err MESSAGE`. Try
//! it by hand:
//!
//! ```text
//! cargo run -p demo-server                                     # terminal 1
//! echo http://127.0.0.1:8000/pages/page-01 |
//!     cargo run -p exercises --bin ex04_processes -- --worker downloads
//! ```
//!
//! Your task: the parent half. Make `download_all` start `run.workers`
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
//!    arguments `--worker` and `run.out`, `stdin` and `stdout` set to
//!    `Stdio::piped()`, then `.spawn()`. (`current_exe` and `spawn` return
//!    `Result`s: a worker that cannot start is worth a clear `expect`.)
//! 2. Give worker `w` the URLs `w`, `w + N`, `w + 2N`, ...
//!    (`run.urls.iter().skip(w).step_by(run.workers)`): write each as a
//!    line to `child.stdin`, then drop the stdin. A closed stdin ends the
//!    worker's loop, the way a closed queue ends a thread's.
//! 3. Read the answers on one thread per worker, inside
//!    `std::thread::scope`: `BufReader::new(stdout).lines()`, whose k-th
//!    line answers the k-th URL you sent that worker. Record each with
//!    `run.record(Some(w), url, start, run.elapsed(), parse_reply(&line))`,
//!    where `start` is `run.elapsed()` when the previous answer came.
//! 4. `child.wait()` for every worker. A URL that got no answer (the
//!    worker died) must still be recorded, as an error.
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

use shared::{Demo, Done, HttpConfig, Run, Session, Task};
use shared::{filename_for_url, get_url_content, write_to_file};

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
    let demo = Demo {
        name: "ex04-processes",
        unit: "process",
        download_workers: Some(4),
        cpu_workers: None, // one per core
        sequential: false,
    };
    shared::main(demo, download_all, compute_all)
}

/// TODO: start `run.workers` worker processes and hand them the URLs
/// (steps above). For now, one URL after the other, in this process.
fn download_all(run: &Run) {
    let session = Session::new(&run.http);
    for url in &run.urls {
        run.track(0, url, || download_one(&session, url, &run.out));
    }
}

/// One URL: the talk's `do_work(url)`. Nothing to change here.
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

/// The worker process: URLs in on stdin, one answer line each out on
/// stdout. Written for you; nothing to change here.
fn worker(out: &Path) -> ExitCode {
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
        let reply = match download_one(&session, url.trim(), out) {
            Ok(done) => format!("ok {}", done.bytes),
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

/// Turns a worker's answer line back into what `run.record` takes.
#[allow(dead_code)] // Yours to call from `download_all`.
fn parse_reply(line: &str) -> shared::Result<Done> {
    match line.split_once(' ') {
        Some(("ok", bytes)) => match bytes.parse() {
            Ok(bytes) => Ok(Done {
                bytes,
                answer: None,
            }),
            Err(_) => Err(shared::Error::Http(format!("worker: {line:?}"))),
        },
        Some(("err", message)) => Err(shared::Error::Http(message.into())),
        _ => Err(shared::Error::Http(format!("worker: {line:?}"))),
    }
}

/// The CPU job, one task after another. Bonus: send tasks to the workers
/// too (a second kind of line), and compare with exercise 1's threads.
fn compute_all(run: &Run) {
    for task in &run.tasks {
        run.track(0, &task.name(), || compute_one(task));
    }
}

/// One CPU task.
fn compute_one(task: &Task) -> shared::Result<Done> {
    Ok(Done::answer(task.compute()))
}
