//! tokio-demo end to end: a real demo server on an ephemeral port, the real
//! binary, the bytes on disk, and the concurrency the server saw. The cases
//! every demo shares are in `testkit::cases`.
//!
//! Run with `cargo test -p tokio-demo`.

use testkit::cases::{self, Failure};
use testkit::{Fixture, trace};

const BIN: &str = env!("CARGO_BIN_EXE_tokio-demo");

#[test]
fn downloads_every_url_byte_for_byte() {
    cases::downloads_every_url_byte_for_byte(BIN, &[], "8 tasks, 0 failed");
}

#[test]
fn unbounded_starts_every_url_at_once() {
    cases::unbounded_starts_every_url_at_once(BIN);
}

#[test]
fn workers_bound_the_tasks_in_flight() {
    // Exactly five: never more (the semaphore), and five did run together.
    let (run, _) = cases::requests_in_flight(BIN, 5, &["--json"]);
    assert_eq!(run.json()["workers"], 5);
}

#[test]
fn failures_are_named_and_the_rest_is_saved() {
    cases::failures_are_named_and_the_rest_is_saved(
        BIN,
        &cases::LIMITS,
        &[Failure::TOO_BIG, Failure::TOO_SLOW, Failure::REDIRECT_LOOP],
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

#[test]
fn https_urls_go_through_rustls() {
    // The demo server speaks plain HTTP, so a TLS handshake with it must
    // fail; what matters is *how*: in rustls (the provider is installed),
    // not "scheme is not http" (TLS left out) or a panic (no provider).
    let fx = Fixture::with_latency(0);
    let plain = fx.server.url("/pages/tls");
    let https = plain.replacen("http://", "https://", 1);
    let run = fx.download(BIN, std::slice::from_ref(&https), &[]);
    assert_eq!(run.code, Some(1), "{run:?}");
    let line = run
        .stderr
        .lines()
        .find(|l| l.contains(https.as_str()))
        .unwrap_or_else(|| panic!("no error line for {https}: {run:?}"));
    assert!(!line.contains("scheme"), "{line}");
    assert!(!run.stderr.contains("panicked"), "{run:?}");
    fx.assert_not_saved(&https);
}

#[test]
fn redirects_are_followed_and_saved_under_the_asked_url() {
    let fx = Fixture::with_latency(0);
    let url = fx.server.url("/redirect/3");
    let run = fx.download(BIN, std::slice::from_ref(&url), &[]);
    assert_eq!(run.code, Some(0), "{run:?}");
    // Saved under the URL asked for, with /pages/redirected's bytes.
    let body = demo_server::page_body("redirected", testkit::DEFAULT_PAGE_SIZE);
    fx.assert_saved_as(&url, &body);
    // /redirect/3, /2, /1 and /0 each answer 302, then the page: five.
    assert_eq!(fx.server.stats().requests, 5);
}

/// Every case of the conformance table on this binary; prints its column
/// (`cargo test -p tokio-demo conformance -- --nocapture`).
#[test]
fn conformance() {
    conformance::check(BIN);
}

/// Both steps of exercise 3's check, on their solution.
#[test]
fn solves_exercise_3() {
    testkit::exercises::check_ex03_all_at_once(BIN);
    testkit::exercises::check_ex03_at_most_workers(BIN);
}
