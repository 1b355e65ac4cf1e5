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
//! green while the exercises are unsolved. Two tests are not ignored: one
//! checks that every exercise, solved or not, still downloads correctly;
//! the other runs every exercise's check (the same `check_ex*` function
//! the ignored test calls) on its solution, the demo binary, so a check
//! that no solution can pass fails the workspace's tests.

use std::path::Path;

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
fn download_everything(bin: &Path, latency_ms: u64, args: &[&str]) -> Stats {
    let fx = Fixture::with_latency(latency_ms);
    let urls = fx.pages(URLS);
    let mut args = args.to_vec();
    args.push("--json");
    let bin = bin.to_str().expect("the binary's path is UTF-8");
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

// The checks: one function per exercise (two for exercise 3's steps),
// called by the ignored test with the exercise's binary and by
// `every_check_passes_on_its_solution` with the demo that solves it.

fn check_ex01(bin: &Path) {
    let stats = download_everything(bin, 100, &["--workers", "4"]);
    assert_in_flight(&stats, 4, "--workers 4: four threads");
}

fn check_ex02(bin: &Path) {
    let stats = download_everything(bin, 100, &["--workers", "4"]);
    assert_in_flight(&stats, 4, "--workers 4: a pool of four threads");
}

fn check_ex03_all_at_once(bin: &Path) {
    let stats = download_everything(bin, 100, &[]);
    assert_in_flight(&stats, URLS as u64, "no --workers: every URL at once");
}

fn check_ex03_at_most_workers(bin: &Path) {
    let stats = download_everything(bin, 100, &["--workers", "3"]);
    assert_in_flight(&stats, 3, "--workers 3: a semaphore of 3 permits");
}

fn check_ex04(bin: &Path) {
    let stats = download_everything(bin, 100, &["--workers", "3"]);
    assert_in_flight(&stats, 3, "--workers 3: three worker processes");
}

/// An exercise's check, run on a binary.
type Check = fn(&Path);

/// Every check, by name, and the demo package that solves it.
const SOLUTIONS: [(&str, Check, &str); 5] = [
    ("check_ex01", check_ex01, "threaded-queue-demo"),
    ("check_ex02", check_ex02, "thread-pool-demo"),
    (
        "check_ex03_all_at_once",
        check_ex03_all_at_once,
        "tokio-demo",
    ),
    (
        "check_ex03_at_most_workers",
        check_ex03_at_most_workers,
        "tokio-demo",
    ),
    ("check_ex04", check_ex04, "multiprocess-demo"),
];

#[test]
fn every_exercise_downloads_everything_solved_or_not() {
    for bin in [EX01, EX02, EX03, EX04] {
        download_everything(Path::new(bin), 0, &["--workers", "3"]);
    }
}

/// The solutions are the demo crates: each exercise's check must pass on
/// its demo's binary (built once into `target/demo-bins` by the
/// conformance crate, shared with the shootout's smoke test).
#[test]
fn every_check_passes_on_its_solution() {
    let demos = conformance::demos();
    for (check_name, check, package) in SOLUTIONS {
        let demo = demos
            .iter()
            .find(|d| d.package == package)
            .unwrap_or_else(|| panic!("no demo binary {package}"));
        eprintln!("{check_name} on {package} ({})", demo.binary.display());
        check(&demo.binary);
    }
}

#[test]
#[ignore = "exercise 1: cargo test -p exercises -- --ignored ex01"]
fn ex01_threads() {
    check_ex01(Path::new(EX01));
}

#[test]
#[ignore = "exercise 2: cargo test -p exercises -- --ignored ex02"]
fn ex02_thread_pool() {
    check_ex02(Path::new(EX02));
}

#[test]
#[ignore = "exercise 3, step 1: cargo test -p exercises -- --ignored ex03"]
fn ex03_tokio_all_at_once() {
    check_ex03_all_at_once(Path::new(EX03));
}

#[test]
#[ignore = "exercise 3, step 2: cargo test -p exercises -- --ignored ex03"]
fn ex03_tokio_at_most_workers() {
    check_ex03_at_most_workers(Path::new(EX03));
}

#[test]
#[ignore = "exercise 4: cargo test -p exercises -- --ignored ex04"]
fn ex04_processes() {
    check_ex04(Path::new(EX04));
}
