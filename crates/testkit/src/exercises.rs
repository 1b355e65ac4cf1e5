//! The exercises' checks, defined once: `cargo test -p exercises --
//! --ignored` runs each on its exercise, and the demo that solves it runs
//! the same check on its own binary (`cargo test -p threaded-queue-demo`,
//! ...), so a check that no solution can pass fails the workspace's tests.
//!
//! A check passes only when the program downloads every URL correctly
//! (exit code 0, the report counts them all, every file on disk byte for
//! byte what the server sent) *and* the demo server saw the requests
//! overlap: as many in flight at once as the program was told to run. A
//! sequential program saves everything too, so the second check is the
//! one that says "concurrent"; it is counted by the server, not guessed
//! from the time.

use crate::{Fixture, Stats};

/// URLs per run: more than any worker count below, so a pool has to
/// hand out work more than once.
pub const URLS: usize = 8;

/// Runs `bin` on [`URLS`] pages behind `latency_ms` with `args`, checks
/// that everything was downloaded correctly, and returns what the server
/// counted.
pub fn download_everything(bin: &str, latency_ms: u64, args: &[&str]) -> Stats {
    let fx = Fixture::with_latency(latency_ms);
    let urls = fx.pages(URLS);
    let mut args = args.to_vec();
    args.push("--json");
    let run = fx.download(bin, &urls, &args);

    assert_eq!(run.code, Some(0), "{bin} failed:\n{run:?}");
    let report = run.json();
    assert_eq!(
        report["ok"], URLS,
        "{bin}: not every URL is reported done: {run:?}"
    );
    assert_eq!(report["failed"], 0, "{bin}: {run:?}");
    for url in &urls {
        fx.assert_saved(url);
    }
    assert_eq!(
        fx.saved_files().len(),
        URLS,
        "{bin}: expected exactly one file per URL (a leftover temporary \
         file?): {:?}",
        fx.saved_files()
    );
    fx.server.stats()
}

/// The server's peak in-flight count is `expected`, or the check fails
/// with what that means for the exercise.
fn assert_in_flight(bin: &str, stats: &Stats, expected: u64, what: &str) {
    let peak = stats.peak_in_flight;
    assert!(
        peak != 1,
        "{bin}: every URL was saved, but the server never had more than \
         one request at a time: download_all still goes one URL after the \
         other. Expected {expected} at once ({what})."
    );
    assert!(
        peak <= expected,
        "{bin}: the server saw {peak} requests at once, more than the \
         {expected} asked for ({what})"
    );
    assert_eq!(
        peak, expected,
        "{bin}: the server saw at most {peak} requests at once; expected \
         {expected} ({what}). Is every worker busy from the start?"
    );
}

/// Exercise 1 (threads and a queue): `--workers 4` is four threads.
pub fn check_ex01(bin: &str) {
    let stats = download_everything(bin, 100, &["--workers", "4"]);
    assert_in_flight(bin, &stats, 4, "--workers 4: four threads");
}

/// Exercise 2 (a thread pool): `--workers 4` is a pool of four.
pub fn check_ex02(bin: &str) {
    let stats = download_everything(bin, 100, &["--workers", "4"]);
    assert_in_flight(bin, &stats, 4, "--workers 4: a pool of four threads");
}

/// Exercise 3, step 1 (tokio): with no `--workers`, every URL at once.
pub fn check_ex03_all_at_once(bin: &str) {
    let stats = download_everything(bin, 100, &[]);
    assert_in_flight(
        bin,
        &stats,
        URLS as u64,
        "no --workers: every URL at once",
    );
}

/// Exercise 3, step 2 (tokio): `--workers 3` is a semaphore of 3.
pub fn check_ex03_at_most_workers(bin: &str) {
    let stats = download_everything(bin, 100, &["--workers", "3"]);
    assert_in_flight(bin, &stats, 3, "--workers 3: a semaphore of 3 permits");
}

/// Exercise 4 (processes): `--workers 3` is three worker processes.
pub fn check_ex04(bin: &str) {
    let stats = download_everything(bin, 100, &["--workers", "3"]);
    assert_in_flight(bin, &stats, 3, "--workers 3: three worker processes");
}
