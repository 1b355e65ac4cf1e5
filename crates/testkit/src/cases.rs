//! The end-to-end cases every demo runs alike.
//!
//! Each demo's `cli` tests (`tests/cli.rs`, or `tests/it/cli.rs`) keep
//! their own `#[test]` functions, so `cargo test -p seq-demo` still lists
//! them by name; a common one is a call here with the demo's binary and
//! what really differs (arguments, the tail of its summary line, its
//! worker count). What only the demo knows, such as how many connections
//! it should open, is returned for the test to check.
//!
//! A case named like a test is the whole test; the shorter names
//! ([`FailureMix`], [`server_not_running`], [`bad_lines_are_reported`],
//! [`requests_in_flight_for`]) are its checks on a URL list the caller
//! chooses, for a demo whose URLs are not pages (pipeline-demo's books).

use std::path::Path;

use serde_json::Value;

use crate::{
    Config, DEFAULT_PAGE_SIZE, Fixture, Run, Stats, refused_base, refused_url,
    trace,
};

/// The name a demo prints in its summary and reports as `approach`: its
/// binary's.
pub fn name_of(bin: &str) -> String {
    let stem = Path::new(bin).file_stem().expect("binary has a name");
    stem.to_string_lossy().into_owned()
}

/// Eight pages behind 20 ms of latency, downloaded with `args`: exit 0,
/// the summary `NAME: 8/8 URLs, 160.0 KiB in ...` ending in `tail` (the
/// demo's wording: `"1 worker, 0 failed"`), every page saved byte for
/// byte and nothing else, eight requests. Returns the server's stats:
/// peak in-flight and connections differ from demo to demo.
pub fn downloads_every_url_byte_for_byte(
    bin: &str,
    args: &[&str],
    tail: &str,
) -> Stats {
    let fx = Fixture::with_latency(20);
    let urls = fx.pages(8);
    let run = fx.download(bin, &urls, args);

    assert_eq!(run.code, Some(0), "{run:?}");
    let start = format!("{}: 8/8 URLs, 160.0 KiB in ", name_of(bin));
    assert!(run.stdout.starts_with(&start), "{run:?}");
    assert!(run.stdout.trim_end().ends_with(tail), "{run:?}");
    for url in &urls {
        fx.assert_saved(url);
    }
    // Eight files and nothing else: no temp file left behind.
    assert_eq!(fx.saved_files().len(), 8, "{:?}", fx.saved_files());
    let stats = fx.server.stats();
    assert_eq!(stats.requests, 8, "{stats:?}");
    stats
}

/// [`requests_in_flight_for`] on twenty pages that each hold a request
/// open for 200 ms; then every page is saved byte for byte.
pub fn requests_in_flight(
    bin: &str,
    workers: u64,
    args: &[&str],
) -> (Run, Stats) {
    let fx = Fixture::with_latency(200);
    let urls = fx.pages(20);
    let seen = requests_in_flight_for(&fx, bin, &urls, workers, args);
    for url in &urls {
        fx.assert_saved(url);
    }
    seen
}

/// Downloads `urls` with `--workers n --trace` and `args` from a server
/// slow enough (the fixture's latency) for the requests to overlap. The
/// server saw exactly `n` at once: never more than `--workers`, and all
/// `n` busy together. One request and one trace row per URL, and the rows
/// are `n` real lanes that all took URLs. Returns the run and the stats
/// (connections are the demo's business).
pub fn requests_in_flight_for(
    fx: &Fixture,
    bin: &str,
    urls: &[String],
    workers: u64,
    args: &[&str],
) -> (Run, Stats) {
    let trace_path = fx.dir.path().join("trace.jsonl");
    let trace_arg = trace_path.display().to_string();
    let n = workers.to_string();
    let mut all = vec!["--workers", &n, "--trace", &trace_arg];
    all.extend_from_slice(args);
    let run = fx.download(bin, urls, &all);

    assert_eq!(run.code, Some(0), "{run:?}");
    let stats = fx.server.stats();
    assert_eq!(stats.requests, urls.len() as u64, "{stats:?}");
    assert_eq!(stats.peak_in_flight, workers, "{stats:?}");
    let rows = trace::read(&trace_path);
    assert_eq!(rows.len(), urls.len(), "one trace row per URL");
    let lanes = trace::assert_lanes(&rows, workers);
    assert_eq!(lanes, (0..workers).collect(), "every worker took URLs");
    (run, stats)
}

/// A thread pool's default is five threads (the slide's
/// `ThreadPoolExecutor(max_workers=5)`), and `--workers 3` means three
/// requests at once, as the server sees it.
pub fn default_is_five_threads_and_fewer_workers_mean_fewer_in_flight(
    bin: &str,
) {
    let fx = Fixture::with_latency(100);
    let run = fx.download(bin, &fx.pages(10), &["--json"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.json()["workers"], 5);
    assert_eq!(fx.server.stats().peak_in_flight, 5);

    fx.server.reset_stats();
    let run = fx.download(bin, &fx.pages(9), &["--workers", "3"]);
    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(fx.server.stats().peak_in_flight, 3);
}

/// An async demo without `--workers` starts one task per URL: 200 ms of
/// latency holds each of twenty requests open long enough for all twenty
/// to be in flight together, and the server counts them. Returns the stats
/// (connections are the runtime's business).
pub fn unbounded_starts_every_url_at_once(bin: &str) -> Stats {
    let fx = Fixture::with_latency(200);
    let urls = fx.pages(20);
    let run = fx.download(bin, &urls, &["--json"]);

    assert_eq!(run.code, Some(0), "{run:?}");
    assert_eq!(run.json()["workers"], 20);
    let stats = fx.server.stats();
    assert_eq!(stats.requests, 20);
    assert_eq!(stats.peak_in_flight, 20, "{stats:?}");
    for url in &urls {
        fx.assert_saved(url);
    }
    stats
}

/// A failing URL to mix among good ones: a path on the fixture's server
/// and what its error line must say.
#[derive(Clone, Copy, Debug)]
pub struct Failure {
    /// The path, e.g. `/bytes/50000`.
    pub path: &'static str,
    /// A piece of the error line for it.
    pub why: &'static str,
}

impl Failure {
    /// A body over `--max-bytes 40K` ([`LIMITS`]); pages (20 KiB) are
    /// under it.
    pub const TOO_BIG: Failure = Failure {
        path: "/bytes/50000",
        why: "body larger than --max-bytes (40960 bytes)",
    };
    /// An answer later than `--timeout 1` ([`LIMITS`]).
    pub const TOO_SLOW: Failure = Failure {
        path: "/delay/30000",
        why: "timed out after 1 s",
    };
    /// Redirects that never end.
    pub const REDIRECT_LOOP: Failure = Failure {
        path: "/redirect-loop",
        why: "too many redirects",
    };
}

/// The limits [`Failure::TOO_BIG`] and [`Failure::TOO_SLOW`] break.
pub const LIMITS: [&str; 4] = ["--max-bytes", "40K", "--timeout", "1"];

/// A URL list with failures among good URLs, and what the report must
/// say about each.
pub struct FailureMix {
    /// The first good URL, a 404, the second, a 500, the `more` failures,
    /// a refused connection, then the other good URLs.
    pub urls: Vec<String>,
    /// Each failing URL and a piece of its error line.
    failures: Vec<(String, &'static str)>,
}

impl FailureMix {
    /// Mixes 404, 500, `more` and a refused connection into `good` (three
    /// URLs or more) as [`urls`](Self::urls) lists them.
    pub fn new(fx: &Fixture, good: &[String], more: &[Failure]) -> Self {
        assert!(good.len() >= 3, "three good URLs or more: {good:?}");
        let mut failures = vec![
            (fx.server.url("/status/404"), "HTTP 404"),
            (fx.server.url("/status/500"), "HTTP 500"),
        ];
        failures.extend(more.iter().map(|f| (fx.server.url(f.path), f.why)));
        failures.push((refused_url(), "connection refused"));

        let mut urls = vec![good[0].clone(), failures[0].0.clone()];
        urls.push(good[1].clone());
        urls.extend(failures[1..].iter().map(|(url, _)| url.clone()));
        urls.extend_from_slice(&good[2..]);
        FailureMix { urls, failures }
    }

    /// Checks the report of a run on [`urls`](Self::urls): exit 1, how
    /// many were saved and how many failed, a line naming each failed URL
    /// and why, no file for it, and one hint on starting the server (the
    /// refusal was local), not one per error.
    pub fn assert_reported(&self, fx: &Fixture, run: &Run) {
        let (total, failed) = (self.urls.len(), self.failures.len());
        assert_eq!(run.code, Some(1), "{run:?}");
        let saved = format!("{}/{total} URLs", total - failed);
        assert!(run.stdout.contains(&saved), "{run:?}");
        let tail = format!("{failed} failed");
        assert!(run.stdout.trim_end().ends_with(&tail), "{run:?}");
        for (url, why) in &self.failures {
            let line = run
                .stderr
                .lines()
                .find(|l| l.contains(url.as_str()))
                .unwrap_or_else(|| panic!("no error line for {url}: {run:?}"));
            assert!(line.contains(why), "{line}");
            fx.assert_not_saved(url);
        }
        let hints = run.stderr.matches("cargo run -p demo-server").count();
        assert_eq!(hints, 1, "{run:?}");
    }
}

/// Three pages with a 404, a 500, `more` and a refused connection among
/// them, downloaded with `args`: the [`FailureMix`] report, and the three
/// pages saved byte for byte with nothing else (no temp file left by a
/// failed download).
pub fn failures_are_named_and_the_rest_is_saved(
    bin: &str,
    args: &[&str],
    more: &[Failure],
) {
    let fx = Fixture::with_latency(0);
    let good = fx.pages(3);
    let mix = FailureMix::new(&fx, &good, more);
    let run = fx.download(bin, &mix.urls, args);

    mix.assert_reported(&fx, &run);
    for url in &good {
        fx.assert_saved(url);
    }
    assert_eq!(fx.saved_files().len(), 3, "{:?}", fx.saved_files());
}

/// `--max-bytes 4096` is inclusive: a 4096-byte body is saved byte for
/// byte, a 4097-byte one is not.
pub fn a_body_just_under_the_limit_is_kept(bin: &str) {
    let fx = Fixture::new(Config::instant());
    let exact = fx.server.url("/bytes/4096");
    let over = fx.server.url("/bytes/4097");
    let urls = [exact.clone(), over.clone()];
    let run = fx.download(bin, &urls, &["--max-bytes", "4096"]);

    assert_eq!(run.code, Some(1), "{run:?}");
    fx.assert_saved_as(&exact, &demo_server::bytes_body(4096));
    fx.assert_not_saved(&over);
}

/// [`server_not_running`] with thirty page URLs.
pub fn server_not_running_gives_one_clear_message(bin: &str, args: &[&str]) {
    let paths: Vec<String> =
        (0..30).map(|i| format!("/pages/page-{i:02}")).collect();
    server_not_running(bin, args, &paths);
}

/// Downloads `paths` from a port where nothing listens: exit 1, `0/N
/// URLs`, and two lines on stderr, one for the cause and one for the
/// cure, not one per URL (even when several workers hit the refusal at
/// once). Returns the run for the demo's own checks.
pub fn server_not_running(bin: &str, args: &[&str], paths: &[String]) -> Run {
    let fx = Fixture::with_latency(0);
    let base = refused_base();
    let urls: Vec<String> =
        paths.iter().map(|p| format!("{base}{p}")).collect();
    let run = fx.download(bin, &urls, args);
    let n = urls.len();

    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stdout.contains(&format!("0/{n} URLs")), "{run:?}");
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{run:?}");
    assert!(lines[0].contains("connection refused"), "{run:?}");
    assert!(lines[0].contains(&format!("all {n} URLs")), "{run:?}");
    let cure = "cargo run -p demo-server -- --port";
    assert!(lines[1].contains(cure), "{run:?}");
    run
}

/// [`bad_lines_are_reported`] around two pages, which are then saved byte
/// for byte.
pub fn bad_lines_are_reported_with_their_line_number(bin: &str) {
    let fx = Fixture::with_latency(0);
    let good = fx.pages(2);
    bad_lines_are_reported(&fx, bin, &good);
    for url in &good {
        fx.assert_saved(url);
    }
}

/// A URL file with a comment, a line that is not a URL, a blank line and
/// an `ftp://` line around the two `good` URLs: exit 1, `2/4 URLs`
/// (comments and blank lines are not entries), and each bad line named by
/// its number. Returns the run.
pub fn bad_lines_are_reported(fx: &Fixture, bin: &str, good: &[String]) -> Run {
    let [first, second] = good else {
        panic!("two good URLs: {good:?}")
    };
    let lines = [
        "# comment".to_string(),
        first.clone(),
        "this is not a url".to_string(),
        String::new(),
        "ftp://example.test/file".to_string(),
        second.clone(),
    ];
    let run = fx.download(bin, &lines, &[]);

    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stdout.contains("2/4 URLs"), "{run:?}");
    assert!(run.stderr.contains("line 3: not a URL"), "{run:?}");
    let ftp = "line 5: unsupported scheme \"ftp\"";
    assert!(run.stderr.contains(ftp), "{run:?}");
    run
}

/// A URL file that does not exist is a usage error (exit 2) that names
/// it, before any summary.
pub fn missing_url_file_exits_2_naming_it(bin: &str) {
    let fx = Fixture::with_latency(0);
    let missing = fx.dir.path().join("no-such-list.txt");
    let run =
        crate::run(bin, &["--urls".into(), missing.display().to_string()]);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("no-such-list.txt"), "{run:?}");
    assert!(run.stdout.is_empty(), "{run:?}");
}

/// An `--out` that is a file is a usage error (exit 2) naming it, found
/// before a single request is made.
pub fn output_folder_that_is_a_file_exits_2_before_downloading(bin: &str) {
    let fx = Fixture::with_latency(0);
    let file = fx.dir.path().join("a-file");
    std::fs::write(&file, b"").expect("write a-file");
    let urls = fx.url_file(&fx.pages(2));
    let args = [
        "--urls".into(),
        urls.display().to_string(),
        "--out".into(),
        file.display().to_string(),
    ];
    let run = crate::run(bin, &args);
    assert_eq!(run.code, Some(2), "{run:?}");
    assert!(run.stderr.contains("a-file"), "{run:?}");
    assert_eq!(fx.server.stats().requests, 0, "nothing may be downloaded");
}

/// Three pages with `--json --trace`: stdout is one JSON object with the
/// demo's name, the workload, `workers`, three saved, none failed and
/// their bytes; the trace has one row per URL, each ok, with the page's
/// bytes and a span starting at or after 0 and ending after its start.
/// Returns the URLs and the rows in trace order, whose lanes each demo
/// explains its own way.
pub fn json_summary_and_trace(
    bin: &str,
    workers: u64,
) -> (Vec<String>, Vec<Value>) {
    let fx = Fixture::with_latency(10);
    let urls = fx.pages(3);
    let trace_path = fx.dir.path().join("trace.jsonl");
    let trace_arg = trace_path.display().to_string();
    let run = fx.download(bin, &urls, &["--json", "--trace", &trace_arg]);

    assert_eq!(run.code, Some(0), "{run:?}");
    let json = run.json();
    assert_eq!(json["approach"], name_of(bin).as_str());
    assert_eq!(json["workload"], "download");
    assert_eq!(json["workers"], workers);
    assert_eq!(json["ok"], 3);
    assert_eq!(json["failed"], 0);
    assert_eq!(json["bytes"], 3 * DEFAULT_PAGE_SIZE);

    let rows = trace::read(&trace_path);
    assert_eq!(rows.len(), 3);
    for row in &rows {
        assert_eq!(row["ok"], true, "{row}");
        assert_eq!(row["bytes"], DEFAULT_PAGE_SIZE, "{row}");
        let (start, end) = trace::span(row);
        assert!(0.0 <= start && start <= end, "{row}");
    }
    (urls, rows)
}

/// [`json_summary_and_trace`] for an unbounded async demo, a task per URL:
/// the trace's lanes, which the report works out from the start and end
/// times, are a real layout of the three tasks. No lane holds two at once,
/// there are at most three, and the first to start is in lane 0.
pub fn json_summary_and_trace_with_one_task_per_url(bin: &str) {
    let (_, rows) = json_summary_and_trace(bin, 3);
    trace::assert_lanes(&rows, 3);
    assert_eq!(
        rows[0]["worker"], 0,
        "the first row starts lane 0: {rows:?}"
    );
}

/// `hash --tasks T --rounds R` with `args`: each answer is talk 02's
/// digest, computed here one task at a time (seq-demo's answers). See
/// [`cpu_answers`].
pub fn hash_answers(
    bin: &str,
    tasks: u64,
    rounds: u64,
    args: &[&str],
) -> (Run, Vec<Value>) {
    let expected = (0..tasks)
        .map(|seed| {
            let digest = shared::hash_me(seed, rounds);
            let hex = digest.iter().map(|b| format!("{b:02x}")).collect();
            (format!("hash_me(#{seed}, {rounds})"), hex)
        })
        .collect();
    let command = format!("hash --tasks {tasks} --rounds {rounds}");
    cpu_answers(bin, &command, args, expected)
}

/// `sum-squares --tasks T --base B` with `args`: each answer is talk
/// 04's sum for `B + x`, computed here. See [`cpu_answers`].
pub fn sum_squares_answers(
    bin: &str,
    tasks: u64,
    base: u64,
    args: &[&str],
) -> (Run, Vec<Value>) {
    let expected = (base..base + tasks)
        .map(|n| {
            let sum = shared::cpu_bound(n).to_string();
            (format!("cpu_bound({n})"), sum)
        })
        .collect();
    let command = format!("sum-squares --tasks {tasks} --base {base}");
    cpu_answers(bin, &command, args, expected)
}

/// Runs a CPU workload (`command`, its first word the subcommand, then
/// `args`) with `--trace`: exit 0, the trace's `(item, answer)` pairs are
/// `expected` whatever order the workers finished in, and the summary
/// counts every task (with `--json` as `workload` and `ok`, otherwise as
/// `NAME: T/T tasks in ...`). Returns the run and the rows in trace
/// order, for the demo's lanes.
pub fn cpu_answers(
    bin: &str,
    command: &str,
    args: &[&str],
    mut expected: Vec<(String, String)>,
) -> (Run, Vec<Value>) {
    let dir = tempfile::tempdir().expect("temp dir");
    let trace_path = dir.path().join("trace.jsonl");
    let mut all: Vec<String> =
        command.split_whitespace().map(String::from).collect();
    let workload = all[0].clone();
    all.extend(args.iter().map(|s| s.to_string()));
    all.extend(["--trace".into(), trace_path.display().to_string()]);
    let run = crate::run(bin, &all);

    assert_eq!(run.code, Some(0), "{run:?}");
    let tasks = expected.len();
    if args.contains(&"--json") {
        assert_eq!(run.json()["workload"], workload.as_str(), "{run:?}");
        assert_eq!(run.json()["ok"], tasks, "{run:?}");
    } else {
        let start = format!("{}: {tasks}/{tasks} tasks in ", name_of(bin));
        assert!(run.stdout.starts_with(&start), "{run:?}");
    }
    let rows = trace::read(&trace_path);
    expected.sort();
    assert_eq!(trace::answers(&rows), expected);
    (run, rows)
}
