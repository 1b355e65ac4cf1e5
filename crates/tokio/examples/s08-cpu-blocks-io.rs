//! Talk 04, "Problems with asyncio": a task that does not hand control
//! back holds its thread, "starving other tasks that need running". And
//! talk 02's two kinds of load, I/O-bound and CPU-bound, on one runtime.
//!
//! The same mix twice, on a runtime with two worker threads (one per core
//! here): eight downloads at 100 ms of latency, started first, and two
//! CPU jobs: `hash_me` chains (`hash`, the default) or talk 04's
//! `cpu_bound` (`sum-squares`), both from `shared::Task`.
//!
//! - naive: the jobs run inside async tasks, on the runtime's own
//!   workers. A job never reaches an `.await`, so it keeps its worker
//!   until it is done. The downloads, spawned first, get as far as their
//!   first `.await` (opening a connection); with both workers busy,
//!   nobody sends their requests (or reads the answers, if some got out)
//!   until a worker is free, so the downloads end late, often a full
//!   latency after the jobs.
//! - right: the jobs go to `tokio::task::spawn_blocking`, tokio's pool of
//!   extra threads for blocking work. The workers stay free for I/O, the
//!   downloads finish at about 100 ms, and the two jobs still run in
//!   parallel on both cores. (rayon is the other good home for CPU work.)
//!
//! Python's asyncio has the same trap on its one thread; Rust has no GIL,
//! so moving the work to other threads also makes it parallel.
//!
//! Self-contained: it starts its own demo server on a free port.
//!
//! ```text
//! cargo run --release -p tokio-demo --example s08-cpu-blocks-io -- \
//!     [hash|sum-squares] [ROUNDS|N]
//! ```

use std::time::{Duration, Instant};

use demo_server::{Background, Config};
use shared::Task;
use tokio::task::JoinSet;

/// Where a CPU job runs.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Mode {
    /// Straight inside an async task: blocks a runtime worker.
    Naive,
    /// On the blocking pool: the workers stay free.
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

async fn download(client: reqwest::Client, url: String, t0: Instant) -> Row {
    let start = t0.elapsed();
    let response = client.get(&url).send().await;
    response
        .expect("the in-process demo server answers")
        .bytes()
        .await
        .expect("the in-process demo server sends the whole body");
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
        // No .await inside: this worker does nothing else until it ends.
        Mode::Naive => {
            task.compute();
        }
        Mode::Right => {
            tokio::task::spawn_blocking(move || task.compute())
                .await
                .expect("the kernels never panic");
        }
    }
    Row {
        label,
        cpu: true,
        start,
        end: t0.elapsed(),
    }
}

/// Runs the mix on a fresh two-worker runtime and returns the timeline.
fn run(mode: Mode, server: &Background, jobs: &[Task]) -> Vec<Row> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a runtime with two workers builds");
    runtime.block_on(async {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(60))
            .build()
            .expect("the crypto provider is installed in main");
        let t0 = Instant::now();
        let mut tasks = JoinSet::new();
        for i in 0..DOWNLOADS {
            let url = server.url(&format!("/pages/page-{i:02}"));
            tasks.spawn(download(client.clone(), url, t0));
        }
        for (i, job) in jobs.iter().enumerate() {
            tasks.spawn(chain(mode, i, job.clone(), t0));
        }
        let mut rows = tasks.join_all().await;
        rows.sort_by(|a, b| (a.cpu, &a.label).cmp(&(b.cpu, &b.label)));
        rows
    })
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
    eprintln!("unexpected {arg:?}; arguments: [hash|sum-squares] [ROUNDS|N]");
    std::process::exit(2)
}

fn main() -> std::io::Result<()> {
    let (mut kernel, mut size) = (String::from("hash"), None);
    for arg in std::env::args().skip(1) {
        match arg.as_str() {
            "hash" | "sum-squares" => kernel = arg,
            n => size = Some(n.parse().unwrap_or_else(|_| usage(n))),
        }
    }
    let (jobs, what) = jobs(&kernel, size);
    let server = Background::start(Config {
        latency: Duration::from_millis(100),
        ..Config::default()
    })?;
    let _ = rustls::crypto::ring::default_provider().install_default();

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
    }
    Ok(())
}
