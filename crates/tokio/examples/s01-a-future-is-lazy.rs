//! Talk 01, "What is a coroutine?": a function that can be suspended at
//! preset points and resumed later, keeping its local state.
//!
//! In Rust that is a *future*. An `async fn` compiles to a state machine;
//! each `.await` is one of the preset points. Calling it runs nothing: it
//! only builds the machine. Something must *poll* it, again and again,
//! until it answers `Ready`. This example polls one by hand, then lets a
//! runtime do it, then shows that `tokio::spawn` starts a task on its own,
//! like Python's `asyncio.create_task`.
//!
//! ```text
//! cargo run -p tokio-demo --example s01-a-future-is-lazy
//! ```

use std::future::Future;
use std::pin::{Pin, pin};
use std::task::{Context, Poll, Waker};
use std::time::Duration;

/// The smallest suspension point there is: `Pending` the first time it is
/// polled, `Ready` the second. Real ones (a socket read, a timer) answer
/// `Pending` until the OS says the data or the time has come.
struct Suspend {
    suspended: bool,
}

impl Future for Suspend {
    type Output = ();

    fn poll(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if self.suspended {
            return Poll::Ready(());
        }
        self.suspended = true;
        // "Poll me again": a real future hands the waker to the OS event
        // that will make it ready. Without a wake, a runtime would never
        // poll it again.
        cx.waker().wake_by_ref();
        Poll::Pending
    }
}

/// A coroutine with one preset suspension point. `count` is local state:
/// it survives the suspension inside the future's state machine.
async fn blue() -> u32 {
    let mut count = 1;
    println!("     blue: started, count = {count}");
    Suspend { suspended: false }.await;
    count += 1;
    println!("     blue: resumed, count = {count}");
    count
}

fn main() {
    println!("1. let future = blue();");
    let future = blue();
    println!("   nothing printed: calling an async fn only builds a future");

    println!("2. poll it by hand (what a runtime does):");
    let mut future = pin!(future);
    // A waker that does nothing: we poll in a loop ourselves.
    let mut cx = Context::from_waker(Waker::noop());
    let first = future.as_mut().poll(&mut cx);
    println!("   first poll  -> {first:?} (suspended at its .await)");
    let second = future.as_mut().poll(&mut cx);
    println!("   second poll -> {second:?}");

    println!("3. drop(blue()) without polling:");
    drop(blue());
    println!("   nothing printed: it never ran, and never will");

    // The usual way: a runtime polls the future to the end. This is
    // Python's `asyncio.run(blue())`.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a runtime with a timer always builds");
    println!("4. runtime.block_on(blue()):");
    let answer = runtime.block_on(blue());
    println!("   -> {answer}");

    println!("5. tokio::spawn(blue()), never awaited:");
    runtime.block_on(async {
        // Like asyncio.create_task: the runtime starts the task as soon
        // as this one lets it (at the sleep below), handle or no handle.
        let _handle = tokio::spawn(blue());
        tokio::time::sleep(Duration::from_millis(10)).await;
    });
    println!("   a spawned task runs by itself; a bare future does not");
}
