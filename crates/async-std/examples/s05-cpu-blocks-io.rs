//! Talk 04, "Problems with asyncio": a task that does not hand control
//! back holds its thread, "starving other tasks that need running". And
//! talk 02's two kinds of load, I/O-bound and CPU-bound, on one executor.
//!
//! The same mix twice, on async-std's global executor (one thread per
//! core: two here): eight downloads at 100 ms of latency, started first,
//! and two CPU jobs: `hash_me` chains (`hash`, the default) or talk 04's
//! `cpu_bound` (`sum-squares`), both from `shared::Task`.
//!
//! - naive: the jobs run inside async tasks, on the executor's own
//!   threads. A job never reaches an `.await`, so it keeps its thread
//!   until it is done. The downloads, spawned first, get as far as their
//!   first `.await` (opening a connection); with both threads busy,
//!   nobody sends their requests (or reads the answers, if some got out)
//!   until a thread is free, so the downloads end late, often a full
//!   latency after the jobs.
//! - right: the jobs go to `task::spawn_blocking`, async-std's pool of
//!   extra threads for blocking work. The executor threads stay free for
//!   I/O, the downloads finish at about 100 ms, and the two jobs still run
//!   in parallel on both cores.
//!
//! Python's asyncio has the same trap on its one thread; Rust has no GIL,
//! so moving the work to other threads also makes it parallel.
//! `--trace FILE` writes both timelines as JSON lines, in the format of
//! the demos' `--trace` (item, worker, start_ms, end_ms).
//!
//! Self-contained: it starts its own demo server on a free port.
//!
//! ```text
//! cargo run --release -p async-std-demo --example s05-cpu-blocks-io -- \
//!     [hash|sum-squares] [ROUNDS|N] [--trace FILE]
//! ```

use std::io::Write;
use std::time::{Duration, Instant};

use async_std::task::{self, spawn_blocking};
use cli_report::Record;
use demo_server::{Background, Config};
use shared::{HttpConfig, Task};

use async_std_demo::{Session, get_url_content};

/// Where a CPU job runs.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    /// Straight inside an async task: blocks an executor thread.
    Naive,
    /// On the blocking pool: the executor threads stay free.
    Right,
}

/// One bar of the timeline.
struct Row {
    label: String,
    cpu: bool,
    start: Duration,
    end: Duration,
}

const DOWNLOADS: usize = 8;
const CHAINS: u64 = 2;

async fn download(session: Session, url: String, t0: Instant) -> Row {
    let start = t0.elapsed();
    get_url_content(&session, &url)
        .await
        .expect("the in-process demo server answers");
    let label = url.rsplit('/').next().unwrap_or("page").to_owned();
    Row {
        label: format!("download {label}"),
        cpu: false,
        start,
        end: t0.elapsed(),
    }
}

async fn chain(mode: Mode, i: usize, task: Task, t0: Instant) -> Row {
    // "hash_me #0", not the whole name: the label column is 18 wide.
    let name = task.name();
    let label = format!("{} #{i}", name.split('(').next().unwrap_or("job"));
    let start = t0.elapsed();
    match mode {
        // No .await inside: this thread does nothing else until it ends.
        Mode::Naive => {
            task.compute();
        }
        Mode::Right => {
            spawn_blocking(move || task.compute()).await;
        }
    }
    Row {
        label,
        cpu: true,
        start,
        end: t0.elapsed(),
    }
}

/// Runs the mix on the global executor and returns the timeline.
fn run(mode: Mode, server: &Background, jobs: &[Task]) -> Vec<Row> {
    let session = Session::new(&HttpConfig {
        timeout: Duration::from_secs(60),
        connect_timeout: Duration::from_secs(5),
        max_bytes: 64 << 20,
        pool_size: DOWNLOADS,
    });
    let t0 = Instant::now();
    let mut handles = Vec::new();
    for i in 0..DOWNLOADS {
        let url = server.url(&format!("/pages/page-{i:02}"));
        handles.push(task::spawn(download(session.clone(), url, t0)));
    }
    for (i, job) in jobs.iter().enumerate() {
        handles.push(task::spawn(chain(mode, i, job.clone(), t0)));
    }
    let mut rows = task::block_on(futures::future::join_all(handles));
    rows.sort_by(|a, b| (a.cpu, &a.label).cmp(&(b.cpu, &b.label)));
    rows
}

/// Draws `rows` as bars on a common time axis: `.` waiting for I/O,
/// `#` CPU working (the talk's legend).
fn draw(rows: &[Row]) {
    const WIDTH: f64 = 56.0;
    let last = rows.iter().map(|r| r.end).max().unwrap_or_default();
    let scale = WIDTH / last.as_secs_f64().max(1e-3);
    for row in rows {
        let from = (row.start.as_secs_f64() * scale) as usize;
        let to = ((row.end.as_secs_f64() * scale) as usize).max(from + 1);
        let mark = if row.cpu { "#" } else { "." };
        println!(
            "  {:<18}|{}{}{}| {:>4}-{:>4} ms",
            row.label,
            " ".repeat(from),
            mark.repeat(to - from),
            " ".repeat((WIDTH as usize + 1).saturating_sub(to)),
            row.start.as_millis(),
            row.end.as_millis()
        );
    }
}

/// The rows as trace records, one lane (`worker`) per row.
fn records(mode: Mode, rows: &[Row]) -> impl Iterator<Item = Record> {
    rows.iter().enumerate().map(move |(lane, row)| Record {
        worker: Some(lane),
        item: format!("{mode:?}: {}", row.label),
        start_ms: row.start.as_secs_f64() * 1e3,
        end_ms: row.end.as_secs_f64() * 1e3,
        bytes: 0,
        ok: true,
        answer: None,
        error: None,
        local_refusal: false,
    })
}

/// The two CPU jobs, and their description for the summary line.
fn jobs(kernel: &str, size: Option<u64>) -> (Vec<Task>, String) {
    // Defaults that take about as long as each other, 0.2-0.5 s per job
    // in a release build here: well past the downloads' 100 ms.
    if kernel == "sum-squares" {
        let n = size.unwrap_or(300_000_000);
        (
            Task::sums(CHAINS, n),
            format!("sums of squares (n = {n} + x)"),
        )
    } else {
        let rounds = size.unwrap_or(4_000_000);
        (
            Task::hashes(CHAINS, rounds),
            format!("hash chains ({rounds} rounds)"),
        )
    }
}

/// Stops on an argument that means nothing here, rather than ignore it.
fn usage(arg: &str) -> ! {
    eprintln!(
        "unexpected {arg:?}; arguments: \
         [hash|sum-squares] [ROUNDS|N] [--trace FILE]"
    );
    std::process::exit(2)
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let (mut kernel, mut size, mut trace) = (String::from("hash"), None, None);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--trace" => trace = args.next(),
            "hash" | "sum-squares" => kernel = arg,
            n => size = Some(n.parse().unwrap_or_else(|_| usage(n))),
        }
    }
    let (jobs, what) = jobs(&kernel, size);
    let server = Background::start(Config {
        latency: Duration::from_millis(100),
        ..Config::default()
    })?;

    let mut lines = Vec::new();
    for mode in [Mode::Naive, Mode::Right] {
        let rows = run(mode, &server, &jobs);
        let last_download = rows.iter().filter(|r| !r.cpu).map(|r| r.end);
        let last_chain = rows.iter().filter(|r| r.cpu).map(|r| r.end);
        println!(
            "{mode:?}: {DOWNLOADS} downloads (100 ms latency) done at {} ms, \
             {CHAINS} {what} done at {} ms",
            last_download.max().unwrap_or_default().as_millis(),
            last_chain.max().unwrap_or_default().as_millis(),
        );
        draw(&rows);
        println!();
        lines.extend(records(mode, &rows));
    }
    if let Some(path) = trace {
        let mut file = std::fs::File::create(&path)?;
        for record in &lines {
            serde_json::to_writer(&mut file, record)?;
            file.write_all(b"\n")?;
        }
        println!("trace written to {path}");
    }
    Ok(())
}
