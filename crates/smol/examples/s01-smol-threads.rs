//! Talk 01, "Event Loop": the component that keeps track of every
//! coroutine and gives each a turn on the thread. And smol's first trap.
//!
//! `smol::block_on(future)` is the slide's `run_until_complete`: it runs
//! one future on *this* thread until it is done, and everything joined
//! inside it takes turns here, like asyncio's single thread. For tasks,
//! smol offers `smol::spawn`, onto a global executor that runs on **one**
//! thread unless the environment variable `SMOL_THREADS` asks for more
//! (async-std, by contrast, starts one per core). smol-demo therefore
//! makes its own `Executor` and runs it on one thread per core
//! (`Smol::block_on` in `src/executor.rs`).
//!
//! To make the thread count visible, each task below *blocks* its thread
//! for 100 ms (`std::thread::sleep`, a stand-in for CPU work): tasks that
//! block can only run side by side on different threads. Example s05 shows
//! why real code must not do this.
//!
//! ```text
//! cargo run -p smol-demo --example s01-smol-threads
//! SMOL_THREADS=2 cargo run -p smol-demo --example s01-smol-threads
//! ```

use std::thread;
use std::time::{Duration, Instant};

use smol::Timer;

use smol_demo::Smol;

/// Each step waits this long, as if for a server's answer.
const WAIT: Duration = Duration::from_millis(100);

/// Three steps; while one waits, the event loop runs the others.
async fn coroutine(name: &str, start: Instant) {
    for step in 1..=3 {
        log(start, name, &format!("step {step}"));
        Timer::after(WAIT).await;
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

const NAMES: [&str; 4] = ["one", "two", "three", "four"];

fn main() {
    println!("1. block_on: three coroutines take turns on this thread");
    let start = Instant::now();
    smol::block_on(async {
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

    println!("2. smol::spawn: four blocking tasks on the global executor");
    let start = Instant::now();
    smol::block_on(async {
        let tasks: Vec<_> = NAMES
            .into_iter()
            .map(|name| smol::spawn(async move { busy(name, start) }))
            .collect();
        for task in tasks {
            task.await;
        }
    });
    let threads = std::env::var("SMOL_THREADS").unwrap_or("unset".into());
    println!(
        "  total {} ms: SMOL_THREADS is {threads}\n",
        start.elapsed().as_millis()
    );

    println!("3. our own Executor, one thread per core: the same four");
    let cores = thread::available_parallelism().map_or(1, usize::from);
    let smol = Smol::new();
    let start = Instant::now();
    smol.block_on(cores, async {
        let tasks: Vec<_> = NAMES
            .into_iter()
            .map(|name| smol.spawn(async move { busy(name, start) }))
            .collect();
        for task in tasks {
            task.await;
        }
    });
    println!(
        "  total {} ms: 4 x 100 ms on {cores} executor threads",
        start.elapsed().as_millis()
    );
}
