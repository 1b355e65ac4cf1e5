//! seq-demo end to end: a real demo server on an ephemeral port, the real
//! binary, the bytes on disk.

use testkit::{Fixture, refused_url};

const BIN: &str = env!("CARGO_BIN_EXE_seq-demo");

#[test]
fn downloads_every_url_byte_for_byte_on_one_connection() {
    let fx = Fixture::with_latency(20);
    let urls = fx.pages(8);
    let run = fx.download(BIN, &urls, &[]);

    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stdout.starts_with("seq-demo: 8/8 URLs, 160.0 KiB in "),
        "{run:?}"
    );
    assert!(
        run.stdout.trim_end().ends_with("1 worker, 0 failed"),
        "{run:?}"
    );
    for url in &urls {
        fx.assert_saved(url);
    }
    // Eight files and nothing else: no temp file left behind.
    assert_eq!(fx.saved_files().len(), 8, "{:?}", fx.saved_files());

    let stats = fx.server.stats();
    assert_eq!(stats.requests, 8);
    // Sequential means one request at a time...
    assert_eq!(stats.peak_in_flight, 1);
    // ...and one reused Session means one connection (talk 04's point).
    assert_eq!(stats.connections, 1);
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
fn json_summary_and_trace() {
    let fx = Fixture::with_latency(10);
    let urls = fx.pages(3);
    let trace = fx.dir.path().join("trace.jsonl");
    let trace_arg = trace.display().to_string();
    let run = fx.download(BIN, &urls, &["--json", "--trace", &trace_arg]);

    assert_eq!(run.code, Some(0), "{run:?}");
    let json = run.json();
    assert_eq!(json["approach"], "seq-demo");
    assert_eq!(json["workload"], "download");
    assert_eq!(json["workers"], 1);
    assert_eq!(json["ok"], 3);
    assert_eq!(json["failed"], 0);
    assert_eq!(json["bytes"], 3 * testkit::DEFAULT_PAGE_SIZE);

    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&trace)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    let mut previous_end = 0.0;
    for (line, url) in lines.iter().zip(&urls) {
        assert_eq!(line["item"], url.as_str());
        assert_eq!(line["worker"], 0);
        assert_eq!(line["ok"], true);
        let (start, end) = (
            line["start_ms"].as_f64().unwrap(),
            line["end_ms"].as_f64().unwrap(),
        );
        // One after the other: each starts after the previous one ended.
        assert!(start >= previous_end && end >= start, "{line}");
        previous_end = end;
    }
}

#[test]
fn hash_and_sum_squares_compute_the_talks_answers() {
    let dir = tempfile::tempdir().unwrap();
    let trace = dir.path().join("hash.jsonl");
    let args: Vec<String> =
        ["hash", "--tasks", "3", "--rounds", "1000", "--trace"]
            .iter()
            .map(|s| s.to_string())
            .chain([trace.display().to_string()])
            .collect();
    let run = testkit::run(BIN, &args);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.starts_with("seq-demo: 3/3 tasks in "), "{run:?}");
    let answers: Vec<String> = std::fs::read_to_string(&trace)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["answer"].as_str().unwrap().to_owned()
        })
        .collect();
    let expected: Vec<String> = (0..3)
        .map(|seed| {
            shared::hash_me(seed, 1000)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect()
        })
        .collect();
    assert_eq!(answers, expected);

    let args = ["sum-squares", "--tasks", "2", "--base", "10", "--json"];
    let run = testkit::run(BIN, &args.map(String::from));
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.json()["workload"], "sum-squares");
    assert_eq!(run.json()["ok"], 2);
}

#[test]
fn sequential_refuses_more_workers() {
    let run =
        testkit::run(BIN, &["hash".into(), "--workers".into(), "4".into()]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("--workers must be 1"), "{run:?}");
}
