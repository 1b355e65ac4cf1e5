//! smol-demo: talk 01's "asyncio" approach (talk 04's aiohttp version),
//! in Rust with smol, async-std's successor, and hyper.
//!
//! One task per URL, all started at once like `asyncio.gather`, on one
//! `Session` (the slide's `aiohttp.ClientSession`); `--workers N` lets at
//! most N run at once. Each task is seq-demo's `do_work(url)` with
//! `.await` where it waits; compare with
//! `diff crates/async-std/src/main.rs crates/smol/src/main.rs`: the
//! migration from async-std is an explicit executor and `unblock`.
//!
//! Run it (with `cargo run -p demo-server` in another terminal):
//!
//! ```text
//! cargo run -p smol-demo                   # 30 tasks at once
//! cargo run -p smol-demo -- --workers 5    # at most 5 at a time
//! cargo run -p smol-demo -- hash           # CPU job on the blocking pool
//! cargo run -p smol-demo -- sum-squares    # talk 04's CPU job
//! ```

use std::path::Path;
use std::process::ExitCode;

use futures::stream::{FuturesUnordered, StreamExt};
use shared::{Demo, Done, Run, Slots, Task};
use shared::{filename_for_url, write_to_file};
use smol::unblock;

use smol_demo::{Session, Smol, get_url_content};

fn main() -> ExitCode {
    let demo = Demo {
        name: "smol-demo",
        unit: "task",
        download_workers: None, // one task per URL, like asyncio.gather
        cpu_workers: None,      // one per core
        sequential: false,
    };
    shared::main(demo, download_all, compute_all)
}

/// The slide's `asyncio.gather(*[do_work(url) for url in urls])`: spawn a
/// task per URL, all sharing one `Session`, then collect every result.
///
/// `Smol::block_on` is the slide's `run_until_complete`: it runs the future
/// until it is done, with our own executor on up to one thread per core.
fn download_all(run: &Run) {
    // 10,000 sockets at once need 10,000 file descriptors; lift the soft
    // limit to the hard one (a no-op where it is already high enough).
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let smol = Smol::new();
    let session = Session::new(&run.http, smol.executor());
    let slots = Slots::new(run.workers, run.urls.len());
    // A spawned task may outlive this function, so it must own what it
    // uses ('static): clone the Session (an Arc inside), the URL and the
    // folder into it, and send the result back here to be recorded.
    let run_start = run.started();
    let mut tasks = FuturesUnordered::new();
    for (i, url) in run.urls.iter().enumerate() {
        let (session, slots) = (session.clone(), slots.clone());
        let (url, out) = (url.clone(), run.out.clone());
        tasks.push(smol.spawn(async move {
            let slot = slots.take(i).await; // --workers: wait for a slot
            let start = run_start.elapsed();
            let result = download_one(&session, &url, &out).await;
            (slot.id(), url, start, run_start.elapsed(), result)
        }));
    }
    // Results arrive as tasks finish, like asyncio.as_completed. smol's
    // global executor would run all of this on one thread (unless
    // SMOL_THREADS is set): ours gets one per core, fewer if --workers is
    // lower, since more threads than tasks would only sit idle.
    smol.block_on(threads(run.workers), async {
        while let Some(joined) = tasks.next().await {
            let (slot, url, start, end, result) = joined;
            run.record(Some(slot), &url, start, end, result);
        }
    });
}

/// One URL: the talk's `do_work(url)`, with `.await` where it waits.
async fn download_one(
    session: &Session,
    url: &str,
    out: &Path,
) -> shared::Result<Done> {
    let content = get_url_content(session, url).await?;
    let filename = filename_for_url(url, out);
    let bytes = content.len();
    // Writing a file blocks the thread, and this thread runs other tasks:
    // hand the atomic write to smol's blocking pool and await it. If this
    // task is cancelled meanwhile, the write still runs to its end on its
    // thread; if the process dies mid-write, only a temp file is left.
    unblock(move || write_to_file(&filename, &content)).await?;
    Ok(Done::saved(bytes))
}

/// The CPU job the right way: each task waits for a slot (one per core by
/// default), then runs on smol's blocking pool (`unblock`), never on the
/// executor's own threads, so timers and sockets stay responsive.
fn compute_all(run: &Run) {
    let smol = Smol::new();
    let slots = Slots::new(run.workers, run.tasks.len());
    let run_start = run.started();
    let mut tasks = FuturesUnordered::new();
    for (i, task) in run.tasks.iter().enumerate() {
        let (slots, task) = (slots.clone(), task.clone());
        tasks.push(smol.spawn(async move {
            let slot = slots.take(i).await;
            let start = run_start.elapsed();
            let name = task.name();
            let result = unblock(move || compute_one(&task)).await;
            (slot.id(), name, start, run_start.elapsed(), result)
        }));
    }
    smol.block_on(threads(run.workers), async {
        while let Some(joined) = tasks.next().await {
            let (slot, name, start, end, result) = joined;
            run.record(Some(slot), &name, start, end, result);
        }
    });
}

/// One CPU task.
fn compute_one(task: &Task) -> shared::Result<Done> {
    Ok(Done::answer(task.compute()))
}

/// Executor threads for `workers` tasks: one per core, at most.
fn threads(workers: usize) -> usize {
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    workers.min(cores)
}
