//! Talk 01, "Making Threads" (second half): `Thread(target=do_work)`.
//!
//! Python makes a `Thread` object around a function, then starts it with
//! `start()`. Rust's `thread::spawn` does both at once: it takes a
//! function or a closure, starts a real OS thread running it, and hands
//! back a `JoinHandle`. There is no "made but not started" thread.
//!
//! ```text
//! cargo run -p threaded-queue-demo --example s01-thread-from-closure
//! ```
//! Self-contained: no server needed.

use std::thread;

/// The slide's `do_work`.
fn do_work() {
    println!("erm, wow? (from {:?})", thread::current().id());
}

fn main() {
    println!("main runs on {:?}", thread::current().id());

    // `Thread(target=do_work)` + `start()`: a named function...
    let worker = thread::spawn(do_work);

    // ...or a closure, which is how most Rust threads are written. `move`
    // hands `greeting` to the new thread: it now owns the String, so the
    // compiler knows it lives as long as the thread does.
    let greeting = String::from("erm, wow? (from a closure)");
    let other = thread::spawn(move || println!("{greeting}"));

    // Wait for both before main returns (why: s04).
    worker.join().expect("do_work does not panic");
    other.join().expect("the closure does not panic");
}
