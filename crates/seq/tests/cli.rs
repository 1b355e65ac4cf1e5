//! seq-demo end to end: a real demo server on an ephemeral port, the real
//! binary, the bytes on disk. The cases every demo shares are in
//! `testkit::cases`; what is seq-demo's own is spelled out here.

use testkit::{cases, trace};

const BIN: &str = env!("CARGO_BIN_EXE_seq-demo");

#[test]
fn downloads_every_url_byte_for_byte_on_one_connection() {
    let stats = cases::downloads_every_url_byte_for_byte(
        BIN,
        &[],
        "1 worker, 0 failed",
    );
    // Sequential means one request at a time...
    assert_eq!(stats.peak_in_flight, 1);
    // ...and one reused Session means one connection (talk 04's point).
    assert_eq!(stats.connections, 1);
}

#[test]
fn failures_are_named_and_the_rest_is_saved() {
    cases::failures_are_named_and_the_rest_is_saved(BIN, &[], &[]);
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
fn json_summary_and_trace() {
    let (urls, rows) = cases::json_summary_and_trace(BIN, 1);
    let mut previous_end = 0.0;
    for (row, url) in rows.iter().zip(&urls) {
        assert_eq!(row["item"], url.as_str());
        assert_eq!(row["worker"], 0);
        let (start, end) = trace::span(row);
        // One after the other: each starts after the previous one ended.
        assert!(start >= previous_end, "{row}");
        previous_end = end;
    }
}

#[test]
fn hash_and_sum_squares_compute_the_talks_answers() {
    let (_, rows) = cases::hash_answers(BIN, 3, 1000, &[]);
    // One at a time: the trace lists the tasks in order.
    let items: Vec<&str> =
        rows.iter().map(|r| r["item"].as_str().unwrap()).collect();
    assert_eq!(
        items,
        [
            "hash_me(#0, 1000)",
            "hash_me(#1, 1000)",
            "hash_me(#2, 1000)"
        ]
    );

    cases::sum_squares_answers(BIN, 2, 10, &["--json"]);
}

#[test]
fn sequential_refuses_more_workers() {
    let run =
        testkit::run(BIN, &["hash".into(), "--workers".into(), "4".into()]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("--workers must be 1"), "{run:?}");
}

/// Every case of the conformance table on this binary; prints its column
/// (`cargo test -p seq-demo conformance -- --nocapture`).
#[test]
fn conformance() {
    conformance::check(BIN);
}
