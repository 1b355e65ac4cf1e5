//! Talk 01, "Event Loop": the component that keeps track of every
//! coroutine and gives each a turn on the thread.
//!
//! async-std's event loop comes in two parts. `task::block_on(future)` is
//! the slide's `run_until_complete`: it runs one future on *this* thread
//! until it is done, and everything joined inside it takes turns here,
//! like asyncio's single thread. `task::spawn` hands a task to async-std's
//! global executor instead: a pool with one thread per core, started on
//! first use (`ASYNC_STD_THREAD_COUNT` changes the count). There is no
//! loop object to create or close, and no `#[async_std::main]` needed
//! (that macro, behind the `attributes` feature, only wraps `block_on`).
//!
//! To make the thread count visible, each task below *blocks* its thread
//! for 100 ms (`std::thread::sleep`, a stand-in for CPU work): tasks that
//! block can only run side by side on different threads. Example s05 shows
//! why real code must not do this.
//!
//! ```text
//! cargo run -p async-std-demo --example s01-block-on-and-spawn
//! ```

use std::thread;
use std::time::{Duration, Instant};

use async_std::task;

/// Each step waits this long, as if for a server's answer.
const WAIT: Duration = Duration::from_millis(100);

/// Three steps; while one waits, the event loop runs the others.
async fn coroutine(name: &str, start: Instant) {
    for step in 1..=3 {
        log(start, name, &format!("step {step}"));
        task::sleep(WAIT).await;
    }
}

/// Holds its thread for `WAIT`, never stepping aside.
fn busy(name: &str, start: Instant) {
    log(start, name, "busy");
    thread::sleep(WAIT);
}

fn log(start: Instant, name: &str, what: &str) {
    let thread = thread::current();
    println!(
        "  {:>4} ms  {name:<6} {what:<7} (thread {})",
        start.elapsed().as_millis(),
        thread.name().unwrap_or("unnamed")
    );
}

fn main() {
    println!("1. block_on: three coroutines take turns on this thread");
    let start = Instant::now();
    task::block_on(async {
        // join3 polls all three inside this one task; each .await lets
        // the loop move on to whichever coroutine is ready next.
        futures::future::join3(
            coroutine("blue", start),
            coroutine("green", start),
            coroutine("red", start),
        )
        .await
    });
    println!("  total {} ms\n", start.elapsed().as_millis());

    println!("2. spawn: four blocking tasks on the global executor");
    let start = Instant::now();
    task::block_on(async {
        let handles: Vec<_> = ["one", "two", "three", "four"]
            .into_iter()
            .map(|name| task::spawn(async move { busy(name, start) }))
            .collect();
        for handle in handles {
            handle.await;
        }
    });
    // One executor thread per core, unless ASYNC_STD_THREAD_COUNT says.
    let threads = std::env::var("ASYNC_STD_THREAD_COUNT")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| {
            thread::available_parallelism().map_or(1, usize::from)
        });
    println!(
        "  total {} ms: 4 x 100 ms on {threads} executor threads",
        start.elapsed().as_millis()
    );
}
