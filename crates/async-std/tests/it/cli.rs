//! async-std-demo end to end: a real demo server on an ephemeral port, the real
//! binary, the bytes on disk, and the concurrency the server saw. The cases
//! every demo shares are in `testkit::cases`.
//!
//! Run with `cargo test -p async-std-demo`.

use testkit::cases::{self, Failure};
use testkit::trace;

const BIN: &str = env!("CARGO_BIN_EXE_async-std-demo");

#[test]
fn downloads_every_url_byte_for_byte() {
    cases::downloads_every_url_byte_for_byte(BIN, &[], "8 tasks, 0 failed");
}

#[test]
fn unbounded_starts_every_url_at_once() {
    let stats = cases::unbounded_starts_every_url_at_once(BIN);
    // Twenty at once need twenty connections; none was idle to reuse.
    assert_eq!(stats.connections, 20, "{stats:?}");
}

#[test]
fn workers_bound_the_tasks_in_flight() {
    // Exactly five: never more (the semaphore), and five did run together.
    let (run, stats) = cases::requests_in_flight(BIN, 5, &["--json"]);
    assert_eq!(run.json()["workers"], 5);
    // The shared hyper client's pool: a connection goes back to it before
    // its task gives up the slot, so the next task reuses it. Five slots,
    // five connections, twenty requests.
    assert_eq!(stats.connections, 5, "{stats:?}");
}

#[test]
fn failures_are_named_and_the_rest_is_saved() {
    cases::failures_are_named_and_the_rest_is_saved(
        BIN,
        &cases::LIMITS,
        &[Failure::TOO_BIG, Failure::TOO_SLOW],
    );
}

#[test]
fn a_body_just_under_the_limit_is_kept() {
    cases::a_body_just_under_the_limit_is_kept(BIN);
}

#[test]
fn server_not_running_gives_one_clear_message() {
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
fn json_summary_and_trace_with_one_task_per_url() {
    cases::json_summary_and_trace_with_one_task_per_url(BIN);
}

#[test]
fn hash_answers_match_the_shared_kernel() {
    let (run, rows) = cases::hash_answers(BIN, 6, 2000, &["--workers", "2"]);
    assert!(run.stdout.trim_end().ends_with("2 tasks, 0 failed"));
    // Two slots, and a slot never runs two tasks at once.
    trace::assert_lanes(&rows, 2);
}

#[test]
fn sum_squares_answers_match_the_shared_kernel() {
    cases::sum_squares_answers(BIN, 3, 1000, &["--json"]);
}

/// Every case of the conformance table on this binary; prints its column
/// (`cargo test -p async-std-demo conformance -- --nocapture`).
#[test]
fn conformance() {
    conformance::check(BIN);
}
