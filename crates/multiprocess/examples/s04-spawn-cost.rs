//! Talk 04: "bringing up a separate Python interpreter is not as fast as
//! starting a new thread". How much slower, in Rust, on this machine?
//!
//! Starts N processes one after the other (each a copy of this executable
//! that exits at once) and waits for each, then does the same with N
//! threads, and prints what one of each costs. A process start is a
//! `fork`/`exec` (std uses `posix_spawn` where it can), loading the program,
//! the Rust runtime's start-up and exit, and the parent's `wait`; a thread
//! start is a `clone` and a stack. No server needed.
//!
//! The thread figure depends on where the new thread runs: on its
//! parent's core it is the cheap case; started on the other, idle core it
//! costs a cross-core wake-up too. `taskset -c 0` (before the command
//! below) pins the program and all it starts to one core; the README
//! compares the two.
//!
//! ```text
//! cargo run --release -p multiprocess-demo --example s04-spawn-cost
//! ```
//! Optional argument: N (default 100).

use std::process::Command;
use std::thread;
use std::time::{Duration, Instant};

fn main() -> std::io::Result<()> {
    if std::env::args().nth(1).as_deref() == Some("child") {
        // The child: start, and exit at once.
        return Ok(());
    }
    let n: u32 = std::env::args()
        .nth(1)
        .and_then(|n| n.parse().ok())
        .unwrap_or(100);
    let exe = std::env::current_exe()?;

    let start = Instant::now();
    for _ in 0..n {
        let status = Command::new(&exe).arg("child").status()?;
        assert!(status.success(), "the child only returns Ok: {status}");
    }
    let processes = start.elapsed();

    let start = Instant::now();
    for _ in 0..n {
        thread::spawn(|| ())
            .join()
            .expect("an empty closure does not panic");
    }
    let threads = start.elapsed();

    println!(
        "{n} processes, started and waited for one by one: {processes:.2?}"
    );
    println!("{n} threads, started and joined one by one:       {threads:.2?}");
    println!(
        "one process: {}, one thread: {}; a process costs {:.0}x a thread",
        per_unit(processes, n),
        per_unit(threads, n),
        processes.as_secs_f64() / threads.as_secs_f64()
    );
    Ok(())
}

/// `total / n`, in microseconds.
fn per_unit(total: Duration, n: u32) -> String {
    format!("{:.0} µs", total.as_secs_f64() * 1e6 / f64::from(n))
}
