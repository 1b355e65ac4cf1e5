//! Which exercises are done: `cargo test -p exercises -- --ignored`.
//!
//! Each exercise has a test that passes only when its program downloads
//! every URL correctly (exit code 0, the report counts them all, every
//! file on disk byte for byte what the server sent) *and* the demo server
//! saw the requests overlap: as many in flight at once as the program was
//! told to run. A sequential program saves everything too, so the second
//! check is the one that says "concurrent"; it is counted by the server,
//! not guessed from the time.
//!
//! Those tests are `#[ignore]`d so that `cargo test --workspace` stays
//! green while the exercises are unsolved. One test that is not ignored
//! checks that every exercise, solved or not, still downloads correctly.

use testkit::{Fixture, Stats};

const EX01: &str = env!("CARGO_BIN_EXE_ex01_threads");
const EX02: &str = env!("CARGO_BIN_EXE_ex02_thread_pool");
const EX03: &str = env!("CARGO_BIN_EXE_ex03_tokio");
const EX04: &str = env!("CARGO_BIN_EXE_ex04_processes");

/// URLs per run: more than any worker count below, so a pool has to
/// hand out work more than once.
const URLS: usize = 8;

/// Runs `bin` on `URLS` pages with `args`, checks that everything was
/// downloaded correctly, and returns what the server counted.
fn download_everything(bin: &str, latency_ms: u64, args: &[&str]) -> Stats {
    let fx = Fixture::with_latency(latency_ms);
    let urls = fx.pages(URLS);
    let mut args = args.to_vec();
    args.push("--json");
    let run = fx.download(bin, &urls, &args);

    assert_eq!(run.code, Some(0), "the program failed:\n{run:?}");
    let report = run.json();
    assert_eq!(
        report["ok"], URLS,
        "not every URL is reported done: {run:?}"
    );
    assert_eq!(report["failed"], 0, "{run:?}");
    for url in &urls {
        fx.assert_saved(url);
    }
    assert_eq!(
        fx.saved_files().len(),
        URLS,
        "expected exactly one file per URL (a leftover temporary file?): \
         {:?}",
        fx.saved_files()
    );
    fx.server.stats()
}

/// The server's peak in-flight count is `expected`, or the test fails
/// with what that means for the exercise.
fn assert_in_flight(stats: &Stats, expected: u64, what: &str) {
    let peak = stats.peak_in_flight;
    assert!(
        peak != 1,
        "every URL was saved, but the server never had more than one \
         request at a time: download_all still goes one URL after the \
         other. Expected {expected} at once ({what})."
    );
    assert!(
        peak <= expected,
        "the server saw {peak} requests at once, more than the {expected} \
         asked for ({what})"
    );
    assert_eq!(
        peak, expected,
        "the server saw at most {peak} requests at once; expected \
         {expected} ({what}). Is every worker busy from the start?"
    );
}

#[test]
fn every_exercise_downloads_everything_solved_or_not() {
    for bin in [EX01, EX02, EX03, EX04] {
        download_everything(bin, 0, &["--workers", "3"]);
    }
}

#[test]
#[ignore = "exercise 1: cargo test -p exercises -- --ignored ex01"]
fn ex01_threads() {
    let stats = download_everything(EX01, 100, &["--workers", "4"]);
    assert_in_flight(&stats, 4, "--workers 4: four threads");
}

#[test]
#[ignore = "exercise 2: cargo test -p exercises -- --ignored ex02"]
fn ex02_thread_pool() {
    let stats = download_everything(EX02, 100, &["--workers", "4"]);
    assert_in_flight(&stats, 4, "--workers 4: a pool of four threads");
}

#[test]
#[ignore = "exercise 3, step 1: cargo test -p exercises -- --ignored ex03"]
fn ex03_tokio_all_at_once() {
    let stats = download_everything(EX03, 100, &[]);
    assert_in_flight(&stats, URLS as u64, "no --workers: every URL at once");
}

#[test]
#[ignore = "exercise 3, step 2: cargo test -p exercises -- --ignored ex03"]
fn ex03_tokio_at_most_workers() {
    let stats = download_everything(EX03, 100, &["--workers", "3"]);
    assert_in_flight(&stats, 3, "--workers 3: a semaphore of 3 permits");
}

#[test]
#[ignore = "exercise 4: cargo test -p exercises -- --ignored ex04"]
fn ex04_processes() {
    let stats = download_everything(EX04, 100, &["--workers", "3"]);
    assert_in_flight(&stats, 3, "--workers 3: three worker processes");
}
