//! Talk 01, "Making Threads" (first half): `class MyThread(Thread)` with a
//! `run` method.
//!
//! Rust has no classes to inherit from, so there is no `Thread` to
//! subclass. The same shape is a type of our own with a `run` method, and
//! a `start` that moves the value into a closure and spawns it. What a
//! subclass gets by inheritance, Rust gets by composition: `MyThread` holds
//! its data, `thread::spawn` runs the code.
//!
//! The compiler checks what Python leaves to hope: `spawn` requires the
//! closure to be `Send + 'static`, so `MyThread` may only contain data that
//! can move to another thread and that does not borrow from `main`'s stack.
//! Put an `Rc` in it (not thread-safe) and this file no longer compiles.
//!
//! ```text
//! cargo run -p threaded-queue-demo --example s02-thread-with-run-method
//! ```
//! Self-contained: no server needed.

use std::thread::{self, JoinHandle};

/// The slide's `MyThread`: its state, plus the code in `run`.
struct MyThread {
    name: String,
}

impl MyThread {
    /// The slide's `run(self)`: what the thread does.
    fn run(self) {
        println!("erm, wow? says {}", self.name);
    }

    /// `worker.start()`: move `self` into a new thread that calls `run`.
    fn start(self) -> JoinHandle<()> {
        thread::spawn(move || self.run())
    }
}

fn main() {
    let worker = MyThread {
        name: "worker 1".to_owned(),
    };
    let handle = worker.start();
    // `worker` was moved into the thread by `start(self)`: using it here
    // would not compile. No two threads can reach the same `MyThread`.
    handle.join().expect("run does not panic");
}
