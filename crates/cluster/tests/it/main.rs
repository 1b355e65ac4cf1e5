//! cluster-demo end to end: a redis-server of each test's own, worker
//! processes of the real binary, a real demo server, the real client,
//! and the bytes on disk.
//!
//! Every test that needs a broker is ignored ("skipped: redis-server not
//! found") where build.rs found no `redis-server` on PATH, so that
//! `cargo test` lists it as ignored, never as passed; with
//! `CLUSTER_TESTS_REQUIRE_REDIS=1` they run regardless, and fail there.

mod cluster;

use std::fs::{self, File};
use std::process::Stdio;

use cluster::Cluster;
use testkit::{Fixture, cases, trace};

pub const BIN: &str = env!("CARGO_BIN_EXE_cluster-demo");

/// The client's command line: `--broker URL` and `extra`.
fn with_broker<'a>(
    cluster: &'a [String; 2],
    extra: &[&'a str],
) -> Vec<&'a str> {
    let mut args = vec![cluster[0].as_str(), cluster[1].as_str()];
    args.extend_from_slice(extra);
    args
}

#[test]
#[cfg_attr(redis_server_missing, ignore = "skipped: redis-server not found")]
fn every_body_comes_back_through_the_broker_byte_for_byte() {
    let cluster = Cluster::start(2, 2);
    let fx = Fixture::with_latency(20);
    let urls = fx.pages(10);
    let flag = cluster.flag();
    let run = fx.download(BIN, &urls, &with_broker(&flag, &["--json"]));

    assert_eq!(run.code, Some(0), "{run:?}");
    let json = run.json();
    assert_eq!(json["approach"], "cluster-demo");
    assert_eq!(json["ok"], 10, "{run:?}");
    assert_eq!(json["workers"], 10, "every URL on the queue at once");
    assert_eq!(json["bytes"], 10 * testkit::DEFAULT_PAGE_SIZE);
    for url in &urls {
        fx.assert_saved(url);
    }
    // Ten files and nothing else: no temp file left behind.
    assert_eq!(fx.saved_files().len(), 10, "{:?}", fx.saved_files());
    // Nothing of the run is left on the broker: no job, no reply list.
    let mut redis = cluster.redis();
    let left: Vec<String> =
        redis::Commands::keys(&mut redis, "cluster:*").unwrap();
    let left: Vec<&String> = left
        .iter()
        .filter(|k| !k.starts_with("cluster:lease:") && *k != "cluster:workers")
        .collect();
    assert!(
        left.is_empty(),
        "keys left on the broker after the run: {left:?}"
    );
}

#[test]
#[cfg_attr(redis_server_missing, ignore = "skipped: redis-server not found")]
fn three_workers_of_four_have_exactly_twelve_in_flight() {
    let cluster = Cluster::start(3, 4);
    // A second per request: the twelve overlap however the machine is
    // loaded, and the test waits until they do rather than timing it.
    let fx = Fixture::with_latency(1000);
    let urls = fx.pages(24);
    let trace_path = fx.dir.path().join("trace.jsonl");
    let trace_arg = trace_path.display().to_string();
    let mut child = testkit::command(BIN)
        .args(cluster.flag())
        .arg("--urls")
        .arg(fx.url_file(&urls))
        .arg("--out")
        .arg(fx.out())
        .args(["--trace", &trace_arg])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    cluster.eventually("12 requests in flight at the server", || {
        (fx.server.stats().in_flight == 12).then_some(())
    });
    let status =
        cluster.eventually("the client to exit", || child.try_wait().unwrap());

    assert_eq!(
        status.code(),
        Some(0),
        "{BIN} {:?} exited {status}",
        cluster.flag()
    );
    let stats = fx.server.stats();
    // 24 jobs on the queue, 3 x 4 threads to take them: never more.
    assert_eq!(stats.peak_in_flight, 12, "{stats:?}");
    assert_eq!(stats.requests, 24, "each URL once: {stats:?}");
    let rows = trace::read(&trace_path);
    // One row per URL. Not 12 lanes: the client places each item from
    // its reply's arrival and the worker's own duration (the hosts'
    // clocks need not agree), so two items of one worker thread can
    // overlap by a reply's transit time. The server's count is the truth.
    assert_eq!(rows.len(), 24, "one trace row per URL: {rows:?}");
    for url in &urls {
        fx.assert_saved(url);
    }
}

#[test]
#[cfg_attr(redis_server_missing, ignore = "skipped: redis-server not found")]
fn a_worker_killed_mid_run_loses_no_job() {
    let mut cluster = Cluster::start(3, 4);
    let fx = Fixture::with_latency(2000);
    let urls = fx.pages(24);
    let stdout = fx.dir.path().join("stdout.txt");
    let stderr = fx.dir.path().join("stderr.txt");
    let mut child = testkit::command(BIN)
        .args(cluster.flag())
        .arg("--urls")
        .arg(fx.url_file(&urls))
        .arg("--out")
        .arg(fx.out())
        .stdout(File::create(&stdout).unwrap())
        .stderr(File::create(&stderr).unwrap())
        .spawn()
        .unwrap();
    // Every thread of every worker holds a job: kill one worker, with
    // its four jobs (SIGKILL on Unix, TerminateProcess on Windows).
    cluster.eventually("12 requests in flight at the server", || {
        (fx.server.stats().in_flight == 12).then_some(())
    });
    cluster.kill_worker(0);
    let status =
        cluster.eventually("the client to exit", || child.try_wait().unwrap());

    let run = testkit::Run {
        code: status.code(),
        stdout: fs::read_to_string(&stdout).unwrap(),
        stderr: fs::read_to_string(&stderr).unwrap(),
    };
    // The report is complete: the killed worker's jobs went back on the
    // queue when its lease ran out, and the others did them.
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stdout.starts_with("cluster-demo: 24/24 URLs"),
        "{run:?}"
    );
    assert!(run.stdout.ends_with(", 0 failed\n"), "{run:?}");
    assert_eq!(run.stderr, "", "{run:?}");
    for url in &urls {
        fx.assert_saved(url);
    }
    assert_eq!(fx.saved_files().len(), 24, "{:?}", fx.saved_files());
    // At least once: the four jobs the dead worker held were requested
    // twice, every other one once.
    assert_eq!(fx.server.stats().requests, 28, "{:?}", fx.server.stats());
}

#[test]
#[cfg_attr(redis_server_missing, ignore = "skipped: redis-server not found")]
fn hash_and_sum_squares_compute_the_talks_answers_on_the_workers() {
    let cluster = Cluster::start(2, 2);
    let flag = cluster.flag();
    let (_, rows) = cases::hash_answers(
        BIN,
        6,
        1000,
        &with_broker(&flag, &["--workers", "3"]),
    );
    trace::assert_lanes(&rows, 3);

    let (_, rows) = cases::sum_squares_answers(
        BIN,
        2,
        10,
        &with_broker(&flag, &["--json"]),
    );
    let mut sums: Vec<&str> =
        rows.iter().map(|v| v["answer"].as_str().unwrap()).collect();
    sums.sort();
    // 0² + ... + 9² = 285 and 0² + ... + 10² = 385.
    assert_eq!(sums, ["285", "385"]);
}

#[test]
fn an_unreachable_broker_exits_2_before_any_work() {
    let fx = Fixture::with_latency(0);
    let url = format!("redis://127.0.0.1:{}", testkit::refused_port());
    let run = fx.download(BIN, &fx.pages(3), &["--broker", &url]);

    assert_eq!(run.code, Some(2), "{run:?}");
    assert_eq!(run.stdout, "", "{run:?}");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 1, "one line: {run:?}");
    let line = lines[0];
    assert!(
        line.starts_with(&format!(
            "cluster-demo: error: cannot reach the broker at {url} ("
        )),
        "{run:?}"
    );
    assert!(line.ends_with("start one with scripts/broker and pass its URL with --broker (or REDIS_URL)"), "{run:?}");
    assert_eq!(fx.server.stats().requests, 0, "no work was done");
    assert!(fx.saved_files().is_empty(), "{:?}", fx.saved_files());

    // REDIS_URL stands in for the flag; the worker says the same.
    let output = testkit::command(BIN)
        .args(["worker", "--workers", "1"])
        .env("REDIS_URL", &url)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        output.status.code(),
        Some(2),
        "{BIN} worker with REDIS_URL={url}: {stderr}"
    );
    assert!(
        stderr.starts_with(&format!(
            "cluster-demo worker: error: cannot reach the broker at {url} ("
        )),
        "{stderr}"
    );
}

#[test]
fn help_names_the_broker_flag_and_the_worker() {
    let run = testkit::run(BIN, &["--help".into()]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.contains("--broker <URL>"), "{run:?}");
    assert!(run.stdout.contains("cluster-demo worker"), "{run:?}");
    let run = testkit::run(BIN, &["worker".into(), "--help".into()]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(run.stdout.contains("--workers <N>"), "{run:?}");
}

/// Every case of the conformance table on the client, with two workers
/// of four behind it; prints its column (`cargo test -p cluster-demo
/// conformance -- --nocapture`).
#[test]
#[cfg_attr(redis_server_missing, ignore = "skipped: redis-server not found")]
fn conformance() {
    let cluster = Cluster::start(2, 4);
    let url = cluster.url();
    conformance::check_with(BIN, &["--broker", &url]);
}
