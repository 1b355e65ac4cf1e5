//! tokio-demo end to end: a real demo server on an ephemeral port, the real
//! binary, the bytes on disk, and the concurrency the server saw.
//!
//! Run with `cargo test -p tokio-demo`.

use serde_json::Value;
use testkit::{Config, Fixture, refused_url};

const BIN: &str = env!("CARGO_BIN_EXE_tokio-demo");

/// The `--trace` file, one JSON object per item, in start order.
fn read_trace(path: &std::path::Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Asserts that no two rows on the same worker overlap in time: a worker
/// id in the trace is a real lane of concurrency.
fn assert_lanes_do_not_overlap(rows: &[Value], workers: u64) {
    let mut lanes: Vec<Vec<(f64, f64)>> = vec![Vec::new(); workers as usize];
    for row in rows {
        let worker = row["worker"].as_u64().unwrap();
        assert!(worker < workers, "worker {worker} of {workers}: {row}");
        let span = (
            row["start_ms"].as_f64().unwrap(),
            row["end_ms"].as_f64().unwrap(),
        );
        lanes[worker as usize].push(span);
    }
    for lane in &mut lanes {
        lane.sort_by(|a, b| a.0.total_cmp(&b.0));
        for pair in lane.windows(2) {
            assert!(pair[0].1 <= pair[1].0, "overlap on one lane: {pair:?}");
        }
    }
}

#[test]
fn downloads_every_url_byte_for_byte() {
    let fx = Fixture::with_latency(20);
    let urls = fx.pages(8);
    let run = fx.download(BIN, &urls, &[]);

    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stdout
            .starts_with("tokio-demo: 8/8 URLs, 160.0 KiB in "),
        "{run:?}"
    );
    assert!(
        run.stdout.trim_end().ends_with("8 tasks, 0 failed"),
        "{run:?}"
    );
    for url in &urls {
        fx.assert_saved(url);
    }
    // Eight files and nothing else: no temp file left behind.
    assert_eq!(fx.saved_files().len(), 8, "{:?}", fx.saved_files());
    assert_eq!(fx.server.stats().requests, 8);
}

#[test]
fn unbounded_starts_every_url_at_once() {
    // 200 ms of latency holds each request open long enough for all 20 to
    // be in flight together; the server counts them.
    let fx = Fixture::with_latency(200);
    let urls = fx.pages(20);
    let run = fx.download(BIN, &urls, &["--json"]);

    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.json()["workers"], 20);
    let stats = fx.server.stats();
    assert_eq!(stats.requests, 20);
    assert_eq!(stats.peak_in_flight, 20, "{stats:?}");
    for url in &urls {
        fx.assert_saved(url);
    }
}

#[test]
fn workers_bound_the_tasks_in_flight() {
    let fx = Fixture::with_latency(200);
    let urls = fx.pages(20);
    let trace = fx.dir.path().join("trace.jsonl");
    let trace_arg = trace.display().to_string();
    let run = fx.download(
        BIN,
        &urls,
        &["--workers", "5", "--json", "--trace", &trace_arg],
    );

    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.json()["workers"], 5);
    // Exactly five: never more (the semaphore), and five did run together.
    assert_eq!(fx.server.stats().peak_in_flight, 5);
    for url in &urls {
        fx.assert_saved(url);
    }
    let rows = read_trace(&trace);
    assert_eq!(rows.len(), 20);
    assert_lanes_do_not_overlap(&rows, 5);
}

#[test]
fn failures_are_named_and_the_rest_is_saved() {
    let fx = Fixture::with_latency(0);
    let good = fx.pages(3);
    let not_found = fx.server.url("/status/404");
    let broken = fx.server.url("/status/500");
    let too_big = fx.server.url("/bytes/50000");
    let slow = fx.server.url("/delay/30000");
    let looping = fx.server.url("/redirect-loop");
    let refused = refused_url();
    let urls = vec![
        good[0].clone(),
        not_found.clone(),
        good[1].clone(),
        broken.clone(),
        too_big.clone(),
        slow.clone(),
        looping.clone(),
        refused.clone(),
        good[2].clone(),
    ];
    let run = fx.download(
        BIN,
        &urls,
        // Pages are 20 KiB: under the limit.
        &["--max-bytes", "40K", "--timeout", "1"],
    );

    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stdout.contains("3/9 URLs"), "{run:?}");
    assert!(run.stdout.trim_end().ends_with("6 failed"), "{run:?}");
    for (url, why) in [
        (&not_found, "HTTP 404"),
        (&broken, "HTTP 500"),
        (&too_big, "body larger than --max-bytes (40960 bytes)"),
        (&slow, "timed out after 1 s"),
        (&looping, "too many redirects"),
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
    // The three good pages and nothing else: no temp file left behind.
    assert_eq!(fx.saved_files().len(), 3, "{:?}", fx.saved_files());
}

#[test]
fn a_body_just_under_the_limit_is_kept() {
    let fx = Fixture::new(Config::instant());
    let exact = fx.server.url("/bytes/4096");
    let over = fx.server.url("/bytes/4097");
    let run = fx.download(
        BIN,
        &[exact.clone(), over.clone()],
        &["--max-bytes", "4096"],
    );
    assert_eq!(run.code, Some(1), "{run:?}");
    let saved = std::fs::read(shared::filename_for_url(&exact, fx.out()))
        .expect("the 4096-byte body is saved");
    assert_eq!(saved, demo_server::bytes_body(4096));
    fx.assert_not_saved(&over);
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
    // One line for the cause, one for the cure; not thirty.
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
fn json_summary_and_trace_with_one_task_per_url() {
    let fx = Fixture::with_latency(10);
    let urls = fx.pages(3);
    let trace = fx.dir.path().join("trace.jsonl");
    let trace_arg = trace.display().to_string();
    let run = fx.download(BIN, &urls, &["--json", "--trace", &trace_arg]);

    assert_eq!(run.code, Some(0), "{run:?}");
    let json = run.json();
    assert_eq!(json["approach"], "tokio-demo");
    assert_eq!(json["workload"], "download");
    assert_eq!(json["workers"], 3);
    assert_eq!(json["ok"], 3);
    assert_eq!(json["failed"], 0);
    assert_eq!(json["bytes"], 3 * testkit::DEFAULT_PAGE_SIZE);

    let rows = read_trace(&trace);
    assert_eq!(rows.len(), 3);
    for row in &rows {
        // Unbounded: each URL is its own task, numbered by its line.
        let index = urls.iter().position(|u| row["item"] == u.as_str());
        assert_eq!(row["worker"].as_u64(), index.map(|i| i as u64), "{row}");
        assert_eq!(row["ok"], true);
        assert_eq!(row["bytes"], testkit::DEFAULT_PAGE_SIZE);
        let (start, end) = (
            row["start_ms"].as_f64().unwrap(),
            row["end_ms"].as_f64().unwrap(),
        );
        assert!(0.0 <= start && start <= end, "{row}");
    }
}

/// The hex digest `hash` prints for one task.
fn hex(digest: [u8; 32]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

#[test]
fn hash_answers_match_the_shared_kernel() {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("hash.jsonl");
    let args: Vec<String> = [
        "hash",
        "--tasks",
        "6",
        "--rounds",
        "2000",
        "--workers",
        "2",
        "--trace",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain([trace.display().to_string()])
    .collect();
    let run = testkit::run(BIN, &args);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stdout.starts_with("tokio-demo: 6/6 tasks in "),
        "{run:?}"
    );
    assert!(run.stdout.trim_end().ends_with("2 tasks, 0 failed"));

    let rows = read_trace(&trace);
    let mut answers: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            let item = r["item"].as_str().unwrap().to_owned();
            (item, r["answer"].as_str().unwrap().to_owned())
        })
        .collect();
    answers.sort();
    let expected: Vec<(String, String)> = (0..6)
        .map(|seed| {
            let name = format!("hash_me(#{seed}, 2000)");
            (name, hex(shared::hash_me(seed, 2000)))
        })
        .collect();
    assert_eq!(answers, expected);
    // Two slots, and a slot never runs two tasks at once.
    assert_lanes_do_not_overlap(&rows, 2);
}

#[test]
fn sum_squares_answers_match_the_shared_kernel() {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("sum.jsonl");
    let args = [
        "sum-squares",
        "--tasks",
        "3",
        "--base",
        "1000",
        "--json",
        "--trace",
        &trace.display().to_string(),
    ];
    let run = testkit::run(BIN, &args.map(String::from));
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.json()["workload"], "sum-squares");
    assert_eq!(run.json()["ok"], 3);
    let mut answers: Vec<String> = read_trace(&trace)
        .iter()
        .map(|r| r["answer"].as_str().unwrap().to_owned())
        .collect();
    answers.sort();
    let mut expected: Vec<String> = (1000..1003)
        .map(|n| shared::sum_of_squares(n).to_string())
        .collect();
    expected.sort();
    assert_eq!(answers, expected);
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
    let saved = std::fs::read(shared::filename_for_url(&url, fx.out()))
        .expect("the redirected body is saved under the URL asked for");
    let body = demo_server::page_body("redirected", testkit::DEFAULT_PAGE_SIZE);
    assert!(saved == body, "saved bytes differ from /pages/redirected");
    // /redirect/3, /2, /1 and /0 each answer 302, then the page: five.
    assert_eq!(fx.server.stats().requests, 5);
}
