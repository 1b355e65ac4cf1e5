//! threaded-queue-demo end to end: a real demo server on an ephemeral
//! port, the real binary, the bytes on disk, and the concurrency the
//! server saw. The cases every demo shares are in `testkit::cases`.
//!
//! Run: `cargo test -p threaded-queue-demo`.

use testkit::{cases, trace};

const BIN: &str = env!("CARGO_BIN_EXE_threaded-queue-demo");

#[test]
fn downloads_every_url_byte_for_byte_on_one_shared_pool() {
    let stats = cases::downloads_every_url_byte_for_byte(
        BIN,
        &["--workers", "4"],
        "4 threads, 0 failed",
    );
    assert!(stats.peak_in_flight <= 4, "{stats:?}");
    // One Agent shared by the four threads, its pool sized for four: no
    // connection is ever dropped and reopened.
    assert!(stats.connections <= 4, "{stats:?}");
}

#[test]
fn five_workers_keep_five_requests_in_flight() {
    let (run, stats) = cases::requests_in_flight(BIN, 5, &["--json"]);
    assert_eq!(run.json()["workers"], 5);
    assert_eq!(run.json()["ok"], 20);
    // Five threads, five connections, each reused four times.
    assert_eq!(stats.connections, 5, "{stats:?}");
}

#[test]
fn default_is_five_threads_and_fewer_workers_mean_fewer_in_flight() {
    cases::default_is_five_threads_and_fewer_workers_mean_fewer_in_flight(BIN);
}

#[test]
fn failures_are_named_and_the_rest_is_saved() {
    cases::failures_are_named_and_the_rest_is_saved(BIN, &[], &[]);
}

#[test]
fn server_not_running_gives_one_clear_message() {
    // Not thirty lines, even though five threads hit the refusal at once.
    cases::server_not_running_gives_one_clear_message(BIN, &[]);
}

#[test]
fn bad_lines_are_reported_with_their_line_number() {
    cases::bad_lines_are_reported_with_their_line_number(BIN);
}

#[test]
fn missing_url_file_exits_2_naming_it() {
    cases::missing_url_file_exits_2_naming_it(BIN);
}

#[test]
fn output_folder_that_is_a_file_exits_2_before_downloading() {
    cases::output_folder_that_is_a_file_exits_2_before_downloading(BIN);
}

#[test]
fn hash_answers_equal_seq_demos_on_every_thread() {
    let args = ["--workers", "3", "--json"];
    let (run, rows) = cases::hash_answers(BIN, 6, 1000, &args);
    assert_eq!(run.json()["workers"], 3);
    trace::assert_lanes(&rows, 3);
}

#[test]
fn sum_squares_answers_and_cpu_default_of_one_thread_per_core() {
    let (run, _) = cases::sum_squares_answers(BIN, 4, 1000, &["--json"]);
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    assert_eq!(run.json()["workers"], cores);
}

/// Every case of the conformance table on this binary; prints its column
/// (`cargo test -p threaded-queue-demo conformance -- --nocapture`).
#[test]
fn conformance() {
    conformance::check(BIN);
}

/// Exercise 1's check, on its solution.
#[test]
fn solves_exercise_1() {
    testkit::exercises::check_ex01(BIN);
}
