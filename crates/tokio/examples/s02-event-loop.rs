//! Talk 01, "How is a coroutine used?" and "Event Loop": three functions
//! on one thread run one after the other; three coroutines on one thread
//! interleave, because the event loop runs another one whenever one waits.
//!
//! tokio's *runtime* is the event loop. `new_current_thread()` is the
//! closest thing to asyncio's: one thread, `block_on` is
//! `run_until_complete`. (`#[tokio::main]` builds a multi-threaded one, with
//! one worker per core; that is what tokio-demo uses.)
//!
//! ```text
//! cargo run -p tokio-demo --example s02-event-loop
//! ```

use std::thread;
use std::time::{Duration, Instant};

/// Each step waits this long, as if for a server's answer.
const WAIT: Duration = Duration::from_millis(100);

/// A plain function: three steps, each blocking the thread while it waits.
fn function(name: &str, start: Instant) {
    for step in 1..=3 {
        log(start, name, step);
        thread::sleep(WAIT);
    }
}

/// The same three steps as a coroutine: while it waits, the event loop
/// is free to run the others.
async fn coroutine(name: &str, start: Instant) {
    for step in 1..=3 {
        log(start, name, step);
        tokio::time::sleep(WAIT).await;
    }
}

fn log(start: Instant, name: &str, step: u32) {
    let thread = thread::current();
    println!(
        "  {:>4} ms  {name:<5} step {step}  (thread {})",
        start.elapsed().as_millis(),
        thread.name().unwrap_or("unnamed")
    );
}

fn main() {
    println!("Three functions, one thread: one after the other");
    let start = Instant::now();
    for name in ["blue", "green", "red"] {
        function(name, start);
    }
    println!("  total {} ms\n", start.elapsed().as_millis());

    println!("Three coroutines, one thread, one event loop: interleaved");
    // The event loop: one thread (this one), and a timer for the sleeps.
    let event_loop = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime with a timer always builds");
    let start = Instant::now();
    // join! polls all three inside this one task; each .await lets the
    // loop move on to whichever coroutine is ready next.
    event_loop.block_on(async {
        tokio::join!(
            coroutine("blue", start),
            coroutine("green", start),
            coroutine("red", start),
        )
    });
    println!("  total {} ms", start.elapsed().as_millis());
}
