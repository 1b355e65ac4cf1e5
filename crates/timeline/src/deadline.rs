//! Talk 05's `wait(futures, timeout=0.3)`, the part that is the same on
//! every runtime: which task is which URL ([`UrlToFutures`], the slide's
//! `url_to_futures`), what came back ([`Outcome`], `wait`'s
//! `(done, not_done)`), the URLs the examples race against the deadline,
//! and the report they print.
//!
//! The race itself, and how the tasks still running are cancelled, is
//! each demo's own `wait` (`src/deadline.rs` in tokio-demo,
//! async-std-demo and smol-demo). It spawns task `i` for `urls[i]`, and
//! hands back what each finished task answers with
//! [`UrlToFutures::done`]; when the deadline has passed and the rest are
//! cancelled, [`UrlToFutures::finish`] says what is not done.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

/// The slide's `timeout=0.3`: the examples' default deadline.
pub const TIMEOUT: Duration = Duration::from_millis(300);

/// The argument every deadline example takes.
pub const USAGE: &str = "[DEADLINE-MS]";

/// The deadline the command line asks for (default [`TIMEOUT`]); on
/// anything but a number of milliseconds, says so and exits with code 2.
pub fn timeout_from_args() -> Duration {
    parse_timeout(std::env::args().skip(1)).unwrap_or_else(|message| {
        eprintln!("{message}");
        std::process::exit(2)
    })
}

/// Reads [`USAGE`]: nothing, or one number of milliseconds.
pub fn parse_timeout(
    args: impl IntoIterator<Item = String>,
) -> Result<Duration, String> {
    let args: Vec<String> = args.into_iter().collect();
    match args.as_slice() {
        [] => Ok(TIMEOUT),
        [ms] => ms
            .parse()
            .map(Duration::from_millis)
            .map_err(|_| format!("unexpected {ms:?}; arguments: {USAGE}")),
        _ => Err(format!("too many arguments; arguments: {USAGE}")),
    }
}

/// What the examples race against the deadline, given how the demo server
/// makes a URL of a path: four pages that answer at once, and `/delay/`
/// URLs of 100, 200, 400 and 800 ms, on either side of the default 300.
pub fn urls(url: impl Fn(&str) -> String) -> Vec<String> {
    let pages = (1..=4).map(|i| format!("/pages/page-{i:02}"));
    let delays = [100, 200, 400, 800].map(|ms| format!("/delay/{ms}"));
    pages.chain(delays).map(|path| url(&path)).collect()
}

/// What `wait(futures, timeout=...)` returns: the finished and the
/// unfinished.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// URL and bytes saved, or why it failed, in the order they finished.
    pub done: Vec<(String, Result<usize, String>)>,
    /// URLs still running at the deadline, now cancelled, in list order.
    pub not_done: Vec<String>,
}

impl Outcome {
    /// The URLs done, sorted (they finish in any order).
    pub fn done_urls(&self) -> Vec<&str> {
        let mut urls: Vec<&str> =
            self.done.iter().map(|(url, _)| url.as_str()).collect();
        urls.sort_unstable();
        urls
    }

    /// The report: the deadline and when `wait` returned, what is done and
    /// what is not, and the files saved in `out` (sorted), so a reader can
    /// see that nothing half-written is left there.
    pub fn report(
        &self,
        timeout: Duration,
        took: Duration,
        out: &Path,
    ) -> String {
        let mut lines = vec![format!(
            "deadline {} ms, returned after {took:.0?}",
            timeout.as_millis()
        )];
        lines.push(format!("done ({}):", self.done.len()));
        for (url, result) in &self.done {
            lines.push(format!("  {url}: {result:?}"));
        }
        lines.push(format!("not done, cancelled ({}):", self.not_done.len()));
        lines.extend(self.not_done.iter().map(|url| format!("  {url}")));
        lines.push(format!("saved in {}:", out.display()));
        lines.extend(files_in(out).into_iter().map(|name| format!("  {name}")));
        lines.join("\n")
    }
}

/// Talk 05's `url_to_futures`: task `i` is `urls[i]`, and each is still
/// running until it reports [`done`](UrlToFutures::done).
#[derive(Clone, Debug)]
pub struct UrlToFutures {
    running: BTreeMap<usize, String>,
    outcome: Outcome,
}

impl UrlToFutures {
    /// Every URL running, none done.
    pub fn new(urls: &[String]) -> UrlToFutures {
        UrlToFutures {
            running: urls.iter().cloned().enumerate().collect(),
            outcome: Outcome::default(),
        }
    }

    /// Task `i` has finished with `result`.
    ///
    /// # Panics
    ///
    /// If there is no task `i`, or it was done already: a task reports
    /// once.
    pub fn done(&mut self, i: usize, result: Result<usize, String>) {
        let url = self.running.remove(&i);
        let url = url.unwrap_or_else(|| panic!("task {i} is not running"));
        self.outcome.done.push((url, result));
    }

    /// What is done, and what is not: every task that has not reported.
    pub fn finish(self) -> Outcome {
        Outcome {
            not_done: self.running.into_values().collect(),
            ..self.outcome
        }
    }
}

/// Names of the entries of `dir`, sorted (none if it cannot be read).
fn files_in(dir: &Path) -> Vec<String> {
    let entries = std::fs::read_dir(dir).into_iter().flatten().flatten();
    let mut names: Vec<String> = entries
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_deadline_is_300_ms_or_the_one_argument() {
        assert_eq!(parse_timeout([]), Ok(TIMEOUT));
        let ms = parse_timeout(strings(&["1500"]));
        assert_eq!(ms, Ok(Duration::from_millis(1500)));
        let err = parse_timeout(strings(&["soon"])).unwrap_err();
        assert!(err.contains("\"soon\"") && err.contains(USAGE), "{err}");
        assert!(parse_timeout(strings(&["1", "2"])).is_err());
    }

    #[test]
    fn the_urls_straddle_the_default_deadline() {
        let urls = urls(|path| format!("http://h{path}"));
        assert_eq!(urls.len(), 8);
        assert_eq!(urls[0], "http://h/pages/page-01");
        assert_eq!(urls[4], "http://h/delay/100");
        assert_eq!(urls[7], "http://h/delay/800");
    }

    #[test]
    fn what_did_not_report_is_not_done_in_list_order() {
        let urls = strings(&["a", "b", "c", "d"]);
        let mut batch = UrlToFutures::new(&urls);
        batch.done(2, Ok(7));
        batch.done(0, Err("HTTP 404".into()));
        let outcome = batch.finish();
        assert_eq!(
            outcome.done,
            [("c".into(), Ok(7)), ("a".into(), Err("HTTP 404".into()))]
        );
        assert_eq!(outcome.done_urls(), ["a", "c"]);
        assert_eq!(outcome.not_done, ["b", "d"]);
    }

    #[test]
    #[should_panic(expected = "task 0 is not running")]
    fn a_task_reports_once() {
        let mut batch = UrlToFutures::new(&strings(&["a"]));
        batch.done(0, Ok(1));
        batch.done(0, Ok(1));
    }

    #[test]
    fn the_report_lists_both_halves_and_the_files_saved() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("b-page"), "x").unwrap();
        std::fs::write(dir.path().join("a-page"), "x").unwrap();
        let outcome = Outcome {
            done: vec![("http://h/a".into(), Ok(1))],
            not_done: strings(&["http://h/slow"]),
        };
        let took = Duration::from_millis(301);
        let report = outcome.report(TIMEOUT, took, dir.path());
        let expected = format!(
            "deadline 300 ms, returned after 301ms\n\
             done (1):\n  http://h/a: Ok(1)\n\
             not done, cancelled (1):\n  http://h/slow\n\
             saved in {}:\n  a-page\n  b-page",
            dir.path().display()
        );
        assert_eq!(report, expected);
    }
}
