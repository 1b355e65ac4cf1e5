//! multiprocess-demo end to end: a real demo server on an ephemeral port,
//! the real binary and its worker processes, the bytes on disk. The cases
//! every demo shares are in `testkit::cases`; the faults (a worker killed,
//! the parent interrupted) are in `faults.rs`.

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

use serde_json::Value;
use testkit::{Fixture, cases, trace};

const BIN: &str = env!("CARGO_BIN_EXE_multiprocess-demo");

#[test]
fn downloads_every_url_byte_for_byte_one_process_per_core() {
    let fx = Fixture::with_latency(20);
    let urls = fx.pages(8);
    let run = fx.download(BIN, &urls, &["--json"]);

    assert_eq!(run.code, Some(0), "{run:?}");
    let json = run.json();
    let cores = std::thread::available_parallelism().unwrap().get();
    assert_eq!(json["approach"], "multiprocess-demo");
    assert_eq!(json["workers"], cores, "Pool(): one process per core");
    assert_eq!(json["ok"], 8);
    assert_eq!(json["bytes"], 8 * testkit::DEFAULT_PAGE_SIZE);
    for url in &urls {
        fx.assert_saved(url);
    }
    // Eight files and nothing else: no temp file left behind.
    assert_eq!(fx.saved_files().len(), 8, "{:?}", fx.saved_files());
}

#[test]
fn worker_processes_run_at_once_each_on_its_own_connection() {
    // Four processes, each waiting on one request: four in flight, and the
    // four trace slots all worked, each one item at a time.
    let (run, stats) = cases::requests_in_flight(BIN, 4, &[]);
    let start = "multiprocess-demo: 20/20 URLs, 400.0 KiB";
    assert!(run.stdout.starts_with(start), "{run:?}");
    assert!(run.stdout.contains(" 4 process"), "{run:?}");
    // Each process built one Session at start (the initializer) and
    // reused its connection for every URL it got.
    assert_eq!(stats.connections, 4, "{stats:?}");
}

#[test]
fn the_next_url_goes_to_whichever_process_is_free() {
    // One slow URL first, then nine quick ones, on two processes. A split
    // fixed in advance would give each process five; `Pool.map`-style
    // balancing lets the free process take all nine quick ones while the
    // other waits 3 s (the quick ones take about 9 x 20 ms).
    let fx = Fixture::with_latency(20);
    let slow = fx.server.url("/delay/3000");
    let mut urls = vec![slow.clone()];
    urls.extend(fx.pages(9));
    let trace_path = fx.dir.path().join("trace.jsonl");
    let trace_arg = trace_path.display().to_string();
    let run =
        fx.download(BIN, &urls, &["--workers", "2", "--trace", &trace_arg]);

    assert_eq!(run.code, Some(0), "{run:?}");
    let lines = trace::read(&trace_path);
    let slow_worker = lines
        .iter()
        .find(|l| l["item"] == slow.as_str())
        .map(|l| l["worker"].clone())
        .unwrap();
    let items_of = |worker: &Value| {
        lines.iter().filter(|l| &l["worker"] == worker).count()
    };
    assert_eq!(items_of(&slow_worker), 1, "{lines:?}");
    let other = Value::from(1 - slow_worker.as_u64().unwrap());
    assert_eq!(items_of(&other), 9, "{lines:?}");
}

#[test]
fn failures_are_named_and_the_rest_is_saved() {
    // The errors cross a pipe from the workers and the refusal is still a
    // local one: the report explains how to start the server, once.
    cases::failures_are_named_and_the_rest_is_saved(
        BIN,
        &["--workers", "3"],
        &[],
    );
}

#[test]
fn server_not_running_gives_one_clear_message() {
    cases::server_not_running_gives_one_clear_message(BIN, &["--workers", "4"]);
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
fn hash_and_sum_squares_compute_the_talks_answers_across_processes() {
    let args = ["--workers", "3"];
    let (_, rows) = cases::hash_answers(BIN, 6, 1000, &args);
    trace::assert_lanes(&rows, 3);

    let (_, rows) = cases::sum_squares_answers(BIN, 2, 10, &["--json"]);
    let mut sums: Vec<&str> =
        rows.iter().map(|v| v["answer"].as_str().unwrap()).collect();
    sums.sort();
    // 0² + ... + 9² = 285 and 0² + ... + 10² = 385.
    assert_eq!(sums, ["285", "385"]);
}

#[test]
fn the_worker_mode_is_hidden_from_the_cli() {
    let run = testkit::run(BIN, &["--help".into()]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.contains("--workers"), "{run:?}");
    assert!(!run.stdout.contains("pool-worker"), "{run:?}");
}

/// Runs `BIN --pool-worker` with `input` on stdin; returns the exit code
/// and stdout.
fn worker(input: &str) -> (Option<i32>, String, String) {
    let mut child = testkit::command(BIN)
        .arg("--pool-worker")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    // stdin is dropped: end of input, so the worker finishes.
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn a_worker_speaks_json_lines_and_stops_at_end_of_input() {
    let dir = tempfile::tempdir().unwrap();
    let init = serde_json::json!({
        "http": {
            "timeout": {"secs": 5, "nanos": 0},
            "connect_timeout": {"secs": 5, "nanos": 0},
            "max_bytes": 1024,
            "pool_size": 1
        },
        "out": dir.path(),
    });
    let job = r#"{"Compute":{"SumSquares":{"n":4}}}"#;
    let (code, stdout, stderr) = worker(&format!("{init}\n{job}\n{job}\n"));
    assert_eq!(code, Some(0), "{stderr}");
    let replies: Vec<Value> = BufReader::new(stdout.as_bytes())
        .lines()
        .map(|l| serde_json::from_str(&l.unwrap()).unwrap())
        .collect();
    // One reply per job: 0 + 1 + 4 + 9 = 14.
    let expected = serde_json::json!({"Ok": {"bytes": 0, "answer": "14"}});
    assert_eq!(replies, [expected.clone(), expected]);

    // No input at all: the parent is gone; nothing to do, nothing said.
    assert_eq!(worker(""), (Some(0), String::new(), String::new()));

    // Anything else: refuse it, loudly.
    let (code, stdout, stderr) = worker("hello\n");
    assert_eq!(code, Some(2));
    assert!(stdout.is_empty());
    assert!(
        stderr.contains("not a line of the pool protocol"),
        "{stderr}"
    );
}

/// Every case of the conformance table on this binary; prints its column
/// (`cargo test -p multiprocess-demo conformance -- --nocapture`).
#[test]
fn conformance() {
    conformance::check(BIN);
}

/// Exercise 4's check, on its solution.
#[test]
fn solves_exercise_4() {
    testkit::exercises::check_ex04(BIN);
}
