//! Talk 01, "Daemons": what happens to running threads when main returns.
//!
//! In Python a thread that loops forever must be marked `daemon=True`, or
//! the interpreter waits for it at exit and never ends. Rust has no daemon
//! flag because every spawned thread already behaves like one: when `main`
//! returns, the process exits and any thread still running is stopped
//! where it stands. Its destructors do not run, so a file it was writing
//! could be left half done. (`write_to_file` in the shared crate writes to
//! a temp file and renames it, so our downloads survive this.)
//!
//! Waiting is spelled `join`, and a thread that never ends can never be
//! joined; the queue workers of s05 end because their queue closes.
//!
//! ```text
//! cargo run -p threaded-queue-demo --example s04-daemon-threads
//! ```
//! Self-contained: no server needed.

use std::thread;
use std::time::Duration;

/// Prints when dropped, to show whether the thread got to clean up.
struct Cleanup;

impl Drop for Cleanup {
    fn drop(&mut self) {
        println!("worker: cleaned up"); // never printed: see main
    }
}

/// The slide's `do_work`: never stops.
fn do_work() {
    let _cleanup = Cleanup;
    loop {
        println!("Look ma, I never stop!");
        thread::sleep(Duration::from_millis(100));
    }
}

fn main() {
    // No `daemon=True` to write; the JoinHandle is dropped, which detaches
    // the thread (dropping a handle never waits).
    thread::spawn(do_work);
    thread::sleep(Duration::from_millis(350));
    println!("main: returning now; the worker stops mid-loop");
    // Returning from main ends the process: the loop above is cut off and
    // "worker: cleaned up" is never printed.
}
