//! Talk 04, "Problems with asyncio": a task that does not hand control
//! back keeps its thread, and every task waiting for that thread waits. And
//! talk 02's two kinds of load, I/O-bound and CPU-bound, on one runtime.
//!
//! The same mix twice, on async-std's global executor (one thread per
//! core: two here): eight `download_site` tasks at 100 ms of latency,
//! started first, and two CPU jobs: `hash_me` chains (`hash`, the
//! default) or talk 04's `cpu_bound` sums of squares (`sum-squares`).
//!
//! - naive: the jobs run inside async tasks, on the executor's own
//!   threads. A job never reaches an `.await`, so it keeps its thread
//!   until it is done. The downloads, spawned first, get as far as their
//!   first `.await` (opening a connection); with both threads busy,
//!   nobody sends their requests (or reads the answers, if some got out)
//!   until a thread is free, so the downloads end late.
//! - right: the jobs go to `task::spawn_blocking`, async-std's pool of
//!   extra threads for blocking work. The executor threads stay free for
//!   I/O, the downloads finish at about 100 ms, and the two jobs still run
//!   in parallel on both cores.
//!
//! Only that is here; the arguments, the clock, the timeline and
//! `--trace FILE` are the `timeline` crate's, the same for tokio's
//! `s08-cpu-blocks-io` and smol's `s05-cpu-starves-executor`.
//!
//! Self-contained: it starts its own demo server on a free port.
//!
//! ```text
//! cargo run --release -p async-std-demo --example s05-cpu-blocks-io -- \
//!     [hash|sum-squares] [ROUNDS|N] [--trace FILE]
//! ```

use async_std::task::{self, spawn_blocking};
use demo_server::{Background, Config};
use futures::future::join_all;
use timeline::{Clock, Job, Mix, Mode, Row, http_config, mix::LATENCY};

use async_std_demo::{Session, get_url_content};

/// Talk 04's `download_site(session, url)`, on the mix's clock.
async fn download_site(session: Session, url: String, clock: Clock) -> Row {
    let span = clock.download(&url);
    get_url_content(&session, &url)
        .await
        .expect("the in-process demo server answers");
    span.end()
}

/// Talk 04's `cpu_bound(number)`, run where `mode` says.
async fn cpu_bound(mode: Mode, job: Job, clock: Clock) -> Row {
    let span = clock.job(&job);
    match mode {
        // No .await inside: this thread does nothing else until it ends.
        Mode::Naive => job.compute(),
        Mode::Right => spawn_blocking(move || job.compute()).await,
    };
    span.end()
}

/// The mix on the global executor: every `download_site`, then every
/// `cpu_bound`, each a task, all at once.
fn run(mode: Mode, sites: &[String], jobs: &[Job]) -> Vec<Row> {
    task::block_on(async {
        let session = Session::new(&http_config(sites.len()));
        let clock = Clock::start();
        let mut tasks = Vec::new();
        for url in sites {
            let site = download_site(session.clone(), url.clone(), clock);
            tasks.push(task::spawn(site));
        }
        for job in jobs {
            tasks.push(task::spawn(cpu_bound(mode, job.clone(), clock)));
        }
        join_all(tasks).await
    })
}

fn main() -> std::io::Result<()> {
    let mix = Mix::from_args();
    let server = Background::start(Config {
        latency: LATENCY,
        ..Config::default()
    })?;
    let sites = Mix::sites(|path| server.url(path));
    mix.show(|mode| run(mode, &sites, &mix.jobs))
}
