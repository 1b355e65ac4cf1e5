//! multiprocess-demo end to end: a real demo server on an ephemeral port,
//! the real binary and its worker processes, the bytes on disk. The faults
//! (a worker killed, the parent interrupted) are in `faults.rs`.

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};

use serde_json::Value;
use testkit::{Fixture, refused_url};

const BIN: &str = env!("CARGO_BIN_EXE_multiprocess-demo");

/// The `--trace` file: one JSON object per item.
fn trace(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

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
    let fx = Fixture::with_latency(200);
    let urls = fx.pages(20);
    let trace_path = fx.dir.path().join("trace.jsonl");
    let trace_arg = trace_path.display().to_string();
    let run =
        fx.download(BIN, &urls, &["--workers", "4", "--trace", &trace_arg]);

    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stdout
            .starts_with("multiprocess-demo: 20/20 URLs, 400.0 KiB"),
        "{run:?}"
    );
    assert!(run.stdout.contains(" 4 process"), "{run:?}");
    for url in &urls {
        fx.assert_saved(url);
    }
    let stats = fx.server.stats();
    assert_eq!(stats.requests, 20);
    // Four processes, each waiting on one request: four in flight.
    assert_eq!(stats.peak_in_flight, 4, "{stats:?}");
    // Each process built one Session at start (the initializer) and
    // reused its connection for every URL it got.
    assert_eq!(stats.connections, 4, "{stats:?}");

    // The trace: the four slots all worked, each one item at a time.
    let mut by_worker: BTreeMap<u64, Vec<(f64, f64)>> = BTreeMap::new();
    for line in trace(&trace_path) {
        let worker = line["worker"].as_u64().unwrap();
        let span = (
            line["start_ms"].as_f64().unwrap(),
            line["end_ms"].as_f64().unwrap(),
        );
        by_worker.entry(worker).or_default().push(span);
    }
    assert_eq!(by_worker.keys().copied().collect::<Vec<_>>(), [0, 1, 2, 3]);
    for (worker, spans) in &mut by_worker {
        spans.sort_by(|a, b| a.0.total_cmp(&b.0));
        for pair in spans.windows(2) {
            assert!(pair[1].0 >= pair[0].1, "worker {worker}: {spans:?}");
        }
    }
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
    let lines = trace(&trace_path);
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
    let run = fx.download(BIN, &urls, &["--workers", "3"]);

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
    // The error crossed a pipe from a worker and is still a local refusal:
    // the report explains how to start the server, once.
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
    let run = fx.download(BIN, &urls, &["--workers", "4"]);

    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stdout.contains("0/30 URLs"), "{run:?}");
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
fn hash_and_sum_squares_compute_the_talks_answers_across_processes() {
    let dir = tempfile::tempdir().unwrap();
    let trace_path = dir.path().join("hash.jsonl");
    let args: Vec<String> = [
        "hash",
        "--tasks",
        "6",
        "--rounds",
        "1000",
        "--workers",
        "3",
        "--trace",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([trace_path.display().to_string()])
    .collect();
    let run = testkit::run(BIN, &args);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stdout.starts_with("multiprocess-demo: 6/6 tasks in "),
        "{run:?}"
    );
    let mut answers: Vec<(String, String)> = trace(&trace_path)
        .iter()
        .map(|v| {
            assert!(v["worker"].as_u64().unwrap() < 3, "{v}");
            let item = v["item"].as_str().unwrap().to_owned();
            (item, v["answer"].as_str().unwrap().to_owned())
        })
        .collect();
    answers.sort();
    let expected: Vec<(String, String)> = shared::Task::hashes(6, 1000)
        .iter()
        .map(|task| (task.name(), task.compute()))
        .collect();
    assert_eq!(answers, expected);

    let trace_arg = trace_path.display().to_string();
    let args = [
        "sum-squares",
        "--tasks",
        "2",
        "--base",
        "10",
        "--json",
        "--trace",
        &trace_arg,
    ];
    let run = testkit::run(BIN, &args.map(String::from));
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.json()["workload"], "sum-squares");
    assert_eq!(run.json()["ok"], 2);
    let mut sums: Vec<String> = trace(&trace_path)
        .iter()
        .map(|v| v["answer"].as_str().unwrap().to_owned())
        .collect();
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
    let mut child = Command::new(BIN)
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
