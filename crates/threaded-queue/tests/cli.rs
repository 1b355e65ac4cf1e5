//! threaded-queue-demo end to end: a real demo server on an ephemeral
//! port, the real binary, the bytes on disk, and the concurrency the
//! server saw.
//!
//! Run: `cargo test -p threaded-queue-demo`.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::Value;
use testkit::{Fixture, refused_url};

const BIN: &str = env!("CARGO_BIN_EXE_threaded-queue-demo");
const NAME: &str = "threaded-queue-demo";

/// The `--trace` file, one JSON object per line.
fn trace_lines(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Checks that the trace rows are real threads: every worker id is below
/// `workers`, and one worker never runs two items at once. Returns the
/// worker ids seen.
fn assert_rows_are_threads(lines: &[Value], workers: u64) -> BTreeSet<u64> {
    let mut by_worker: BTreeMap<u64, Vec<(f64, f64)>> = BTreeMap::new();
    for line in lines {
        let worker = line["worker"].as_u64().unwrap();
        assert!(worker < workers, "{line}");
        let start = line["start_ms"].as_f64().unwrap();
        let end = line["end_ms"].as_f64().unwrap();
        by_worker.entry(worker).or_default().push((start, end));
    }
    for (worker, spans) in &mut by_worker {
        spans.sort_by(|a, b| a.0.total_cmp(&b.0));
        for pair in spans.windows(2) {
            assert!(
                pair[1].0 >= pair[0].1,
                "worker {worker} ran two items at once: {pair:?}"
            );
        }
    }
    by_worker.into_keys().collect()
}

#[test]
fn downloads_every_url_byte_for_byte_on_one_shared_pool() {
    let fx = Fixture::with_latency(20);
    let urls = fx.pages(8);
    let run = fx.download(BIN, &urls, &["--workers", "4"]);

    assert_eq!(run.code, Some(0), "{run:?}");
    let start = format!("{NAME}: 8/8 URLs, 160.0 KiB in ");
    assert!(run.stdout.starts_with(&start), "{run:?}");
    assert!(
        run.stdout.trim_end().ends_with("4 threads, 0 failed"),
        "{run:?}"
    );
    for url in &urls {
        fx.assert_saved(url);
    }
    // Eight files and nothing else: no temp file left behind.
    assert_eq!(fx.saved_files().len(), 8, "{:?}", fx.saved_files());

    let stats = fx.server.stats();
    assert_eq!(stats.requests, 8);
    assert!(stats.peak_in_flight <= 4, "{stats:?}");
    // One Agent shared by the four threads, its pool sized for four: no
    // connection is ever dropped and reopened.
    assert!(stats.connections <= 4, "{stats:?}");
}

#[test]
fn five_workers_keep_five_requests_in_flight() {
    let fx = Fixture::with_latency(200);
    let urls = fx.pages(20);
    let trace = fx.dir.path().join("trace.jsonl");
    let trace_arg = trace.display().to_string();
    let args = ["--workers", "5", "--json", "--trace", &trace_arg];
    let run = fx.download(BIN, &urls, &args);

    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.json()["workers"], 5);
    assert_eq!(run.json()["ok"], 20);
    for url in &urls {
        fx.assert_saved(url);
    }
    let stats = fx.server.stats();
    assert_eq!(stats.requests, 20);
    // The server saw exactly five requests at once: never more than
    // --workers, and all five threads busy together.
    assert_eq!(stats.peak_in_flight, 5, "{stats:?}");
    // Five threads, five connections, each reused four times.
    assert_eq!(stats.connections, 5, "{stats:?}");

    let lines = trace_lines(&trace);
    assert_eq!(lines.len(), 20);
    let workers = assert_rows_are_threads(&lines, 5);
    assert_eq!(workers, (0..5).collect(), "every thread took URLs");
}

#[test]
fn default_is_five_threads_and_fewer_workers_mean_fewer_in_flight() {
    let fx = Fixture::with_latency(100);
    let run = fx.download(BIN, &fx.pages(10), &["--json"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.json()["workers"], 5);
    assert_eq!(fx.server.stats().peak_in_flight, 5);

    fx.server.reset_stats();
    let run = fx.download(BIN, &fx.pages(9), &["--workers", "3"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(fx.server.stats().peak_in_flight, 3);
}

#[test]
fn failures_are_named_and_the_rest_is_saved() {
    let fx = Fixture::with_latency(0);
    let good = fx.pages(3);
    let not_found = fx.server.url("/status/404");
    let broken = fx.server.url("/status/500");
    let refused = refused_url();
    let urls = vec![
        good[0].clone(),
        not_found.clone(),
        good[1].clone(),
        broken.clone(),
        refused.clone(),
        good[2].clone(),
    ];
    let run = fx.download(BIN, &urls, &[]);

    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stdout.contains("3/6 URLs"), "{run:?}");
    assert!(run.stdout.trim_end().ends_with("3 failed"), "{run:?}");
    for (url, why) in [
        (&not_found, "HTTP 404"),
        (&broken, "HTTP 500"),
        (&refused, "connection refused"),
    ] {
        let line = run
            .stderr
            .lines()
            .find(|l| l.contains(url.as_str()))
            .unwrap_or_else(|| panic!("no error line for {url}: {run:?}"));
        assert!(line.contains(why), "{line}");
        fx.assert_not_saved(url);
    }
    // A refused local connection explains how to start the server, once.
    assert_eq!(run.stderr.matches("cargo run -p demo-server").count(), 1);
    for url in &good {
        fx.assert_saved(url);
    }
}

#[test]
fn server_not_running_gives_one_clear_message() {
    let fx = Fixture::with_latency(0);
    let dead = refused_url();
    let base = dead.trim_end_matches("/pages/nobody-home");
    let urls: Vec<String> = (0..30)
        .map(|i| format!("{base}/pages/page-{i:02}"))
        .collect();
    let run = fx.download(BIN, &urls, &[]);

    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stdout.contains("0/30 URLs"), "{run:?}");
    // One line for the cause, one for the cure; not thirty, even though
    // five threads hit the refusal at once.
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{run:?}");
    assert!(lines[0].contains("connection refused"), "{run:?}");
    assert!(lines[0].contains("all 30 URLs"), "{run:?}");
    assert!(
        lines[1].contains("cargo run -p demo-server -- --port"),
        "{run:?}"
    );
}

#[test]
fn bad_lines_are_reported_with_their_line_number() {
    let fx = Fixture::with_latency(0);
    let good = fx.pages(2);
    let lines = vec![
        "# comment".to_string(),
        good[0].clone(),
        "this is not a url".to_string(),
        String::new(),
        "ftp://example.test/file".to_string(),
        good[1].clone(),
    ];
    let run = fx.download(BIN, &lines, &[]);

    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stdout.contains("2/4 URLs"), "{run:?}");
    assert!(run.stderr.contains("line 3: not a URL"), "{run:?}");
    assert!(run.stderr.contains("line 5: unsupported scheme \"ftp\""));
    for url in &good {
        fx.assert_saved(url);
    }
}

#[test]
fn missing_url_file_exits_2_naming_it() {
    let fx = Fixture::with_latency(0);
    let missing = fx.dir.path().join("no-such-list.txt");
    let run =
        testkit::run(BIN, &["--urls".into(), missing.display().to_string()]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("no-such-list.txt"), "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
}

#[test]
fn output_folder_that_is_a_file_exits_2_before_downloading() {
    let fx = Fixture::with_latency(0);
    let file = fx.dir.path().join("a-file");
    std::fs::write(&file, b"").unwrap();
    let urls = fx.url_file(&fx.pages(2));
    let args = [
        "--urls".into(),
        urls.display().to_string(),
        "--out".into(),
        file.display().to_string(),
    ];
    let run = testkit::run(BIN, &args);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("a-file"), "{run:?}");
    assert_eq!(fx.server.stats().requests, 0, "nothing may be downloaded");
}

#[test]
fn hash_answers_equal_seq_demos_on_every_thread() {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("hash.jsonl");
    let args: Vec<String> =
        "hash --tasks 6 --rounds 1000 --workers 3 --json --trace"
            .split_whitespace()
            .map(String::from)
            .chain([trace.display().to_string()])
            .collect();
    let run = testkit::run(BIN, &args);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.json()["workload"], "hash");
    assert_eq!(run.json()["workers"], 3);
    assert_eq!(run.json()["ok"], 6);

    // The threads finish in any order; match answers by task name. The
    // expected digests are seq-demo's: `shared::hash_me`, one at a time.
    let lines = trace_lines(&trace);
    let answers: BTreeMap<String, String> = lines
        .iter()
        .map(|v| {
            let item = v["item"].as_str().unwrap().to_owned();
            (item, v["answer"].as_str().unwrap().to_owned())
        })
        .collect();
    let expected: BTreeMap<String, String> = shared::Task::hashes(6, 1000)
        .iter()
        .map(|task| {
            let shared::Task::Hash { seed, rounds } = *task else {
                unreachable!("Task::hashes makes hash tasks")
            };
            let hex = shared::hash_me(seed, rounds)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            (task.name(), hex)
        })
        .collect();
    assert_eq!(answers, expected);
    assert_rows_are_threads(&lines, 3);
}

#[test]
fn sum_squares_answers_and_cpu_default_of_one_thread_per_core() {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("sums.jsonl");
    let args: Vec<String> =
        ["sum-squares", "--tasks", "4", "--base", "1000", "--json"]
            .iter()
            .map(|s| s.to_string())
            .chain(["--trace".into(), trace.display().to_string()])
            .collect();
    let run = testkit::run(BIN, &args);
    assert_eq!(run.code, Some(0), "{run:?}");
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    assert_eq!(run.json()["workers"], cores);
    assert_eq!(run.json()["ok"], 4);

    let mut answers: Vec<(String, String)> = trace_lines(&trace)
        .iter()
        .map(|v| {
            let item = v["item"].as_str().unwrap().to_owned();
            (item, v["answer"].as_str().unwrap().to_owned())
        })
        .collect();
    answers.sort();
    let expected: Vec<(String, String)> = (1000..1004)
        .map(|n| {
            let name = format!("sum_of_squares({n})");
            (name, shared::sum_of_squares(n).to_string())
        })
        .collect();
    assert_eq!(answers, expected);
}
