//! Which exercises are done: `cargo test -p exercises -- --ignored`.
//!
//! Each exercise's check (`testkit::exercises`) passes only when its
//! program downloads every URL correctly *and* the demo server saw the
//! requests overlap as much as the program was told to.
//!
//! Those tests are `#[ignore]`d so that `cargo test --workspace` stays
//! green while the exercises are unsolved. The one test that is not
//! ignored checks that every exercise, solved or not, still downloads
//! correctly. The same checks run on the solutions, the demo binaries,
//! in each demo's own tests (`cargo test -p tokio-demo` runs exercise
//! 3's), so a check that no solution can pass fails the workspace's tests.

use testkit::exercises::{
    check_ex01, check_ex02, check_ex03_all_at_once, check_ex03_at_most_workers,
    check_ex04, download_everything,
};

const EX01: &str = env!("CARGO_BIN_EXE_ex01_threads");
const EX02: &str = env!("CARGO_BIN_EXE_ex02_thread_pool");
const EX03: &str = env!("CARGO_BIN_EXE_ex03_tokio");
const EX04: &str = env!("CARGO_BIN_EXE_ex04_processes");

#[test]
fn every_exercise_downloads_everything_solved_or_not() {
    for bin in [EX01, EX02, EX03, EX04] {
        download_everything(bin, 0, &["--workers", "3"]);
    }
}

#[test]
#[ignore = "exercise 1: cargo test -p exercises -- --ignored ex01"]
fn ex01_threads() {
    check_ex01(EX01);
}

#[test]
#[ignore = "exercise 2: cargo test -p exercises -- --ignored ex02"]
fn ex02_thread_pool() {
    check_ex02(EX02);
}

#[test]
#[ignore = "exercise 3, step 1: cargo test -p exercises -- --ignored ex03"]
fn ex03_tokio_all_at_once() {
    check_ex03_all_at_once(EX03);
}

#[test]
#[ignore = "exercise 3, step 2: cargo test -p exercises -- --ignored ex03"]
fn ex03_tokio_at_most_workers() {
    check_ex03_at_most_workers(EX03);
}

#[test]
#[ignore = "exercise 4: cargo test -p exercises -- --ignored ex04"]
fn ex04_processes() {
    check_ex04(EX04);
}
