//! The pool examples, run for real against a demo server: s01's pipe
//! queue, s02's `pool.map` with a Session per URL, and s03's initializer
//! with one Session per process. `cargo test -p multiprocess-demo` builds
//! the examples before it runs this.

use std::collections::BTreeSet;
use std::path::PathBuf;

use testkit::{Fixture, Run};

/// `target/<profile>/examples/<name>`: next to the `deps/` folder that
/// holds this test binary.
fn example(name: &str) -> PathBuf {
    let exe = std::env::current_exe().expect("a running test has a path");
    let profile = exe.parent().and_then(|deps| deps.parent());
    let file = format!("{name}{}", std::env::consts::EXE_SUFFIX);
    let path = profile.expect("under target/").join("examples").join(file);
    assert!(path.exists(), "{} is missing: build it", path.display());
    path
}

/// Runs example `name` in the fixture's folder (it saves into
/// `downloads/` there) on a URL file of `lines` with 3 processes.
fn run(fx: &Fixture, name: &str, lines: &[String]) -> Run {
    let file = fx.url_file(lines);
    let mut command =
        assert_cmd::Command::from_std(testkit::command(example(name)));
    let output = command
        .current_dir(fx.dir.path())
        .arg(&file)
        .arg("3")
        .timeout(testkit::RUN_LIMIT)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {name}: {e}"));
    Run {
        code: output.status.code(),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Every page of `urls` is in `downloads/`, byte for byte.
fn assert_pages_saved(fx: &Fixture, urls: &[String]) {
    for url in urls {
        let name = url.rsplit('/').next().expect("a URL has a path");
        let body = demo_server::page_body(name, testkit::DEFAULT_PAGE_SIZE);
        let path =
            shared::filename_for_url(url, fx.dir.path().join("downloads"));
        let saved = std::fs::read(&path).unwrap_or_else(|e| {
            panic!("{url}: not at {}: {e}", path.display())
        });
        assert!(saved == body, "{url}: the saved bytes differ from the page");
    }
}

/// The number after `connections opened: ` in an example's output.
fn connections(run: &Run) -> usize {
    let line = run
        .stdout
        .lines()
        .find_map(|l| l.strip_prefix("connections opened: "));
    let n = line.and_then(|n| n.parse().ok());
    n.unwrap_or_else(|| panic!("no connection count printed: {run:?}"))
}

#[test]
#[cfg_attr(
    not(unix),
    ignore = "s01 needs Unix pipes (PIPE_BUF): it stops on Windows"
)]
fn s01_every_url_reaches_one_worker_and_a_failure_sets_the_exit_code() {
    let fx = Fixture::with_latency(20);
    let pages = fx.pages(6);
    let mut urls = pages.clone();
    urls.insert(2, fx.server.url("/status/404"));
    let mut lines = urls.clone();
    lines.insert(4, "not a url".into());
    let run = run(&fx, "s01-process-and-queue", &lines);

    assert_eq!(run.code, Some(1), "one URL is a 404: {run:?}");
    assert!(
        run.stderr.contains("urls.txt: line 5: not a URL"),
        "the bad line 5 is named: {run:?}"
    );
    assert!(run.stdout.contains("3 processes, "), "{run:?}");
    assert!(run.stdout.contains("; 1 failed a URL"), "{run:?}");
    // One line per URL, from whichever worker read its record: each URL
    // exactly once.
    for url in &urls {
        let lines = run
            .stdout
            .lines()
            .filter(|l| l.contains(&format!(" {url}: ")))
            .count();
        assert_eq!(lines, 1, "{url} should be done exactly once: {run:?}");
    }
    assert_pages_saved(&fx, &pages);
}

#[test]
fn s02_pool_map_opens_a_connection_per_url() {
    let fx = Fixture::with_latency(20);
    let mut urls = fx.pages(6);
    urls.push(fx.server.url("/status/404"));
    let lines = [&urls[..], &["ftp://example.com/x".to_owned()]].concat();
    let run = run(&fx, "s02-pool-map", &lines);

    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stderr
            .contains("urls.txt: line 8: unsupported scheme \"ftp\""),
        "the bad line 8 is named: {run:?}"
    );
    assert!(
        run.stdout.contains("6/7 URLs saved by 3 processes"),
        "{run:?}"
    );
    assert!(run.stdout.contains("/status/404: HTTP 404"), "{run:?}");
    assert_eq!(connections(&run), 7, "a new Session per URL: {run:?}");
    assert_pages_saved(&fx, &urls[..6]);
}

#[test]
fn s03_initializer_opens_one_connection_per_worker_process() {
    let fx = Fixture::with_latency(20);
    let urls = fx.pages(9);
    let run = run(&fx, "s03-pool-initializer", &urls);

    assert_eq!(run.code, Some(0), "{run:?}");
    assert!(
        run.stdout.contains("9/9 URLs saved by 3 processes"),
        "{run:?}"
    );
    // Each worker prints `process PID: read ...` per URL on stderr. Which
    // worker got how many URLs is up to the scheduler; that each one that
    // got any opened exactly one connection is not.
    let pids: BTreeSet<&str> = run
        .stderr
        .lines()
        .filter_map(|l| l.strip_prefix("process ")?.split(':').next())
        .collect();
    assert!((1..=3).contains(&pids.len()), "1 to 3 workers: {run:?}");
    assert_eq!(
        connections(&run),
        pids.len(),
        "one Session per process: {run:?}"
    );
    assert_pages_saved(&fx, &urls);
}
