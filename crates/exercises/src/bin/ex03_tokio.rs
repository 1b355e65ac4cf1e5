//! Exercise 3: async tasks on tokio (talk 01's asyncio program; talk 04's
//! `asyncio.gather`).
//!
//! This is seq-demo's program made async: the client is async (`.await`
//! where it waits for the network) and it runs on a tokio runtime. It works,
//! and it is still sequential: each `.await` finishes one download before
//! the loop starts the next, so nothing ever overlaps. Your task, in two
//! steps, each with its test:
//!
//! ```text
//! cargo run -p demo-server                                  # terminal 1
//! cargo run -p exercises --bin ex03_tokio                   # terminal 2
//! cargo run -p exercises --bin ex03_tokio -- --workers 5
//! cargo test -p exercises -- --ignored ex03                 # done yet?
//! ```
//!
//! 1. **All at once** (`asyncio.gather`): build one future per URL, e.g.
//!    `run.urls.iter().enumerate().map(|(i, url)| run.track_async(i, url,
//!    download_one(&session, url, &run.out)))`, and await them together
//!    with `futures::future::join_all(...)`. A future does nothing until
//!    it is polled; `join_all` polls them all, so all the requests are out
//!    at once. Test `ex03_tokio_all_at_once`: 8 URLs, and the server must
//!    see 8 in flight.
//! 2. **At most `--workers` at once** (`async with semaphore:`): make
//!    `let limit = tokio::sync::Semaphore::new(run.workers);` and let each
//!    future start with `let _permit = limit.acquire().await` (it returns
//!    a `Result`; it fails only if the semaphore is closed, which you never
//!    do). The permit is given back when `_permit` is dropped. Test
//!    `ex03_tokio_at_most_workers`: with `--workers 3`, exactly 3 in
//!    flight. (Without `--workers`, `run.workers` is the number of URLs.)
//!
//! Bonus: `write_to_file` blocks the thread it runs on, and a runtime
//! thread is shared by every task: move it to
//! `tokio::task::spawn_blocking`. And instead of one future per URL,
//! `tokio::spawn` a task per URL into a `tokio::task::JoinSet`, as the
//! solution does: a task runs on any of the runtime's threads, so it must
//! own what it uses (`'static`): clone the session and the URL into it.
//!
//! Solution: `crates/tokio/src/main.rs`; compare yours with
//! `scripts/diff crates/exercises/src/bin/ex03_tokio.rs tokio`.

use std::path::Path;
use std::process::ExitCode;

use exercises::aio::{Session, get_url_content};
use shared::{Demo, Done, Run, Task};
use shared::{filename_for_url, write_to_file};

fn main() -> ExitCode {
    let demo = Demo {
        name: "ex03-tokio",
        unit: "task",
        download_workers: None, // one task per URL
        cpu_workers: None,      // one per core
        sequential: false,
    };
    shared::main(demo, download_all, compute_all)
}

/// TODO: all the URLs at once, then at most `run.workers` at once.
/// `#[tokio::main]` works on any function: it starts a runtime and blocks
/// until the body's future is done (the slide's `run_until_complete`).
#[tokio::main]
async fn download_all(run: &Run) {
    let session = Session::new(&run.http);
    for url in &run.urls {
        run.track_async(0, url, download_one(&session, url, &run.out))
            .await;
    }
}

/// One URL: the talk's `do_work(url)`, with `.await` where it waits.
async fn download_one(
    session: &Session,
    url: &str,
    out: &Path,
) -> shared::Result<Done> {
    let content = get_url_content(session, url).await?;
    let filename = filename_for_url(url, out);
    // Blocks this runtime thread while it writes: see the bonus above.
    write_to_file(&filename, &content)?;
    Ok(Done::saved(content.len()))
}

/// The CPU job, one task after another. Bonus: run each on
/// `tokio::task::spawn_blocking` (never on the runtime's own threads:
/// tokio-demo's `examples/s08-cpu-blocks-io.rs` shows why).
fn compute_all(run: &Run) {
    for task in &run.tasks {
        run.track(0, &task.name(), || compute_one(task));
    }
}

/// One CPU task.
fn compute_one(task: &Task) -> shared::Result<Done> {
    Ok(Done::answer(task.compute()))
}
