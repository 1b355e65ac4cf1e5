//! Talk 04's "Problems with asyncio", measured: the mix of downloads and
//! CPU jobs that the CPU-blocking examples run twice on a two-thread
//! runtime, and the timeline they draw of it.
//!
//! An example parses its arguments with [`Mix::from_args`], starts the demo
//! server at [`LATENCY`], and hands [`Mix::show`] a function that runs the
//! mix in one [`Mode`] and returns a [`Row`] per download and per job.
//! That function is the example's own part: it spawns the downloads and
//! the jobs, and decides where a job runs. It times each one with a
//! [`Clock`]: `let span = clock.download(&url);` (or `clock.job(&job)`)
//! when it starts, `span.end()` when it is done.

use std::io;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use cli_report::{Record, write_trace};
use shared::Task;

/// Downloads in the mix: the demo server's `/pages/page-00` to `-07`.
pub const DOWNLOADS: usize = 8;
/// The demo server's latency for the mix: each download waits this long.
pub const LATENCY: Duration = Duration::from_millis(100);
/// CPU jobs in the mix: one per thread of the two-thread runtime.
pub const JOBS: u64 = 2;
/// Default length of a `hash_me` chain: about 0.28 s in a release build
/// on the workshop machine, nearly three times the downloads' latency (a
/// job must stay between 0.2 and 0.5 s: long enough to see the stall,
/// short enough to watch).
pub const HASH_ROUNDS: u64 = 5_000_000;
/// Default `n` of `cpu_bound(n + x)`: about 0.25 s, as long as a chain.
pub const SUM_BASE: u64 = 500_000_000;

/// The arguments every CPU-blocking example takes.
pub const USAGE: &str = "[hash|sum-squares] [ROUNDS|N] [--trace FILE]";

/// Where a CPU job runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// Straight inside an async task: it holds a runtime thread until it
    /// is done.
    Naive,
    /// On the runtime's pool for blocking work: the runtime threads stay
    /// free for I/O.
    Right,
}

/// One CPU job of the mix: its number (for the label) and its task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    /// 0, 1, ...: `hash_me #0`, `cpu_bound #1` in the timeline.
    pub number: u64,
    /// What it computes.
    pub task: Task,
}

impl Job {
    /// Runs the job, on whatever thread calls it: talk 04's
    /// `cpu_bound(number)`, or talk 02's `hash_me()`.
    pub fn compute(&self) -> String {
        self.task.compute()
    }

    /// `hash_me #0` or `cpu_bound #0`: the kernel's name and the number.
    pub fn label(&self) -> String {
        let name = self.task.name();
        let kernel = name.split('(').next().unwrap_or("job");
        format!("{kernel} #{}", self.number)
    }
}

/// When the mix started; every [`Row`] is timed from here. `Copy`, so
/// each task can take its own.
#[derive(Clone, Copy, Debug)]
pub struct Clock(Instant);

impl Clock {
    /// The mix starts now.
    pub fn start() -> Clock {
        Clock(Instant::now())
    }

    /// A download of `url` starts now.
    pub fn download(self, url: &str) -> Span {
        let page = url.rsplit('/').next().unwrap_or("page");
        self.span(format!("download {page}"), false)
    }

    /// `job` starts now.
    pub fn job(self, job: &Job) -> Span {
        self.span(job.label(), true)
    }

    fn span(self, label: String, cpu: bool) -> Span {
        Span {
            clock: self,
            row: Row {
                label,
                cpu,
                start: self.0.elapsed(),
                end: Duration::ZERO,
            },
        }
    }
}

/// A download or a job that has started: [`Span::end`] it when it is
/// done.
#[derive(Clone, Debug)]
pub struct Span {
    clock: Clock,
    row: Row,
}

impl Span {
    /// It is done now: its row.
    pub fn end(self) -> Row {
        Row {
            end: self.clock.0.elapsed(),
            ..self.row
        }
    }
}

/// One bar of the timeline.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// `download page-00`, `hash_me #1`...
    pub label: String,
    /// A CPU job (`#`), not a download (`.`).
    pub cpu: bool,
    /// Since the mix started.
    pub start: Duration,
    /// Since the mix started.
    pub end: Duration,
}

/// The mix an example runs: its jobs, how to describe them, and where to
/// write the trace.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mix {
    /// [`JOBS`] hash chains or sums of squares.
    pub jobs: Vec<Job>,
    /// "hash chains (5000000 rounds)", for the summary line.
    pub what: String,
    /// `--trace FILE`: both timelines as JSON lines.
    pub trace: Option<PathBuf>,
}

impl Mix {
    /// The mix the command line asks for; on an argument that means
    /// nothing here, says so and exits with code 2.
    pub fn from_args() -> Mix {
        Mix::parse(std::env::args().skip(1)).unwrap_or_else(|message| {
            eprintln!("{message}");
            std::process::exit(2)
        })
    }

    /// Reads [`USAGE`]: the kernel (`hash`, the default, or
    /// `sum-squares`), its size (rounds, or the `n` of `n + x`), and
    /// `--trace FILE`, in any order.
    pub fn parse(
        args: impl IntoIterator<Item = String>,
    ) -> Result<Mix, String> {
        let (mut sums, mut size, mut trace) = (false, None, None);
        let mut args = args.into_iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--trace" => {
                    let file = args.next().ok_or("--trace needs a FILE")?;
                    trace = Some(PathBuf::from(file));
                }
                "hash" | "sum-squares" => sums = arg == "sum-squares",
                n => match n.parse::<u64>() {
                    Ok(n) => size = Some(n),
                    Err(_) => {
                        return Err(format!(
                            "unexpected {n:?}; arguments: {USAGE}"
                        ));
                    }
                },
            }
        }
        let (tasks, what) = if sums {
            let n = size.unwrap_or(SUM_BASE);
            (
                Task::sums(JOBS, n),
                format!("sums of squares (n = {n} + x)"),
            )
        } else {
            let rounds = size.unwrap_or(HASH_ROUNDS);
            let what = format!("hash chains ({rounds} rounds)");
            (Task::hashes(JOBS, rounds), what)
        };
        let jobs = (0..).zip(tasks).map(|(number, task)| Job { number, task });
        Ok(Mix {
            jobs: jobs.collect(),
            what,
            trace,
        })
    }

    /// The [`DOWNLOADS`] page URLs, given how the demo server makes a URL
    /// of a path (`|path| server.url(path)`).
    pub fn sites(url: impl Fn(&str) -> String) -> Vec<String> {
        (0..DOWNLOADS)
            .map(|i| url(&format!("/pages/page-{i:02}")))
            .collect()
    }

    /// Runs the mix in each [`Mode`] (`run(mode)` returns its rows), prints
    /// each run's summary line and timeline, and writes `--trace`.
    pub fn show(
        &self,
        mut run: impl FnMut(Mode) -> Vec<Row>,
    ) -> io::Result<()> {
        let mut trace = Vec::new();
        for mode in [Mode::Naive, Mode::Right] {
            let mut rows = run(mode);
            rows.sort_by(|a, b| (a.cpu, &a.label).cmp(&(b.cpu, &b.label)));
            println!("{}", summary(mode, &rows, &self.what));
            for line in draw(&rows) {
                println!("{line}");
            }
            println!();
            trace.extend(records(mode, &rows));
        }
        if let Some(path) = &self.trace {
            write_trace(path, &trace)?;
            println!("trace written to {}", path.display());
        }
        Ok(())
    }
}

/// "Naive: 8 downloads (100 ms latency) done at 304 ms, 2 hash chains
/// (5000000 rounds) done at 203 ms": when the last of each kind ended.
pub fn summary(mode: Mode, rows: &[Row], what: &str) -> String {
    let last = |cpu: bool| {
        let ends = rows.iter().filter(|r| r.cpu == cpu).map(|r| r.end);
        ends.max().unwrap_or_default().as_millis()
    };
    let downloads = rows.iter().filter(|r| !r.cpu).count();
    let jobs = rows.len() - downloads;
    format!(
        "{mode:?}: {downloads} downloads ({} ms latency) done at {} ms, \
         {jobs} {what} done at {} ms",
        LATENCY.as_millis(),
        last(false),
        last(true),
    )
}

/// The timeline: a bar per row on a common time axis, `.` waiting for
/// I/O, `#` CPU working (talk 01's legend), and each row's start and end.
pub fn draw(rows: &[Row]) -> Vec<String> {
    const WIDTH: usize = 56;
    let last = rows.iter().map(|r| r.end).max().unwrap_or_default();
    let scale = WIDTH as f64 / last.as_secs_f64().max(1e-3);
    let column = |at: Duration| (at.as_secs_f64() * scale) as usize;
    rows.iter()
        .map(|row| {
            let from = column(row.start);
            let to = column(row.end).max(from + 1);
            let mark = if row.cpu { "#" } else { "." };
            format!(
                "  {:<18}|{}{}{}| {:>4}-{:>4} ms",
                row.label,
                " ".repeat(from),
                mark.repeat(to - from),
                " ".repeat((WIDTH + 1).saturating_sub(to)),
                row.start.as_millis(),
                row.end.as_millis()
            )
        })
        .collect()
}

/// The rows in the demos' `--trace` format, one lane (`worker`) per row,
/// each item named after its mode: `Naive: hash_me #0`.
pub fn records(mode: Mode, rows: &[Row]) -> Vec<Record> {
    rows.iter()
        .enumerate()
        .map(|(lane, row)| Record {
            worker: Some(lane),
            item: format!("{mode:?}: {}", row.label),
            start_ms: row.start.as_secs_f64() * 1e3,
            end_ms: row.end.as_secs_f64() * 1e3,
            bytes: 0,
            ok: true,
            answer: None,
            error: None,
            local_refusal: false,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(line: &str) -> Result<Mix, String> {
        Mix::parse(line.split_whitespace().map(String::from))
    }

    fn row(label: &str, cpu: bool, start_ms: u64, end_ms: u64) -> Row {
        Row {
            label: label.into(),
            cpu,
            start: Duration::from_millis(start_ms),
            end: Duration::from_millis(end_ms),
        }
    }

    #[test]
    fn no_arguments_are_two_hash_chains_of_the_default_length() {
        let mix = args("").unwrap();
        assert_eq!(mix.jobs.len(), 2);
        assert_eq!(mix.jobs[1].task, Task::hashes(2, HASH_ROUNDS)[1]);
        assert_eq!(mix.jobs[1].label(), "hash_me #1");
        assert_eq!(mix.what, "hash chains (5000000 rounds)");
        assert_eq!(mix.trace, None);
    }

    #[test]
    fn sum_squares_takes_its_base_and_the_trace_its_file() {
        let mix = args("--trace t.jsonl sum-squares 1000").unwrap();
        let n: Vec<Task> = mix.jobs.iter().map(|j| j.task.clone()).collect();
        assert_eq!(n, Task::sums(2, 1000));
        assert_eq!(mix.jobs[0].label(), "cpu_bound #0");
        assert_eq!(mix.what, "sums of squares (n = 1000 + x)");
        assert_eq!(mix.trace, Some(PathBuf::from("t.jsonl")));
    }

    #[test]
    fn a_meaningless_argument_is_an_error_naming_it() {
        let err = args("hash lots").unwrap_err();
        assert!(err.contains("\"lots\"") && err.contains(USAGE), "{err}");
        assert!(args("--trace").is_err());
    }

    #[test]
    fn sites_are_the_demo_servers_pages() {
        let sites = Mix::sites(|path| format!("http://h{path}"));
        assert_eq!(sites.len(), DOWNLOADS);
        assert_eq!(sites[7], "http://h/pages/page-07");
    }

    #[test]
    fn a_span_labels_its_row_and_ends_after_it_starts() {
        let clock = Clock::start();
        let download = clock.download("http://h/pages/page-03").end();
        assert_eq!(download.label, "download page-03");
        assert!(!download.cpu && download.start <= download.end);
        let job = clock.job(&args("").unwrap().jobs[0]).end();
        assert_eq!(job.label, "hash_me #0");
        assert!(job.cpu);
    }

    #[test]
    fn bars_share_one_time_axis() {
        let rows = [
            row("download page-00", false, 0, 100),
            row("hash_me #0", true, 50, 200),
        ];
        let lines = draw(&rows);
        // 56 columns for 200 ms: the download fills the first 28.
        let bar = |line: &str| line.split('|').nth(1).unwrap().to_owned();
        assert_eq!(
            bar(&lines[0]),
            format!("{}{}", ".".repeat(28), " ".repeat(29))
        );
        assert_eq!(
            bar(&lines[1]),
            format!("{}{} ", " ".repeat(14), "#".repeat(42))
        );
        assert!(lines[1].ends_with("|   50- 200 ms"), "{}", lines[1]);
        assert!(lines[0].starts_with("  download page-00  |"));
    }

    #[test]
    fn the_summary_gives_when_the_last_of_each_kind_ended() {
        let rows = [
            row("download page-00", false, 0, 304),
            row("download page-01", false, 0, 290),
            row("hash_me #0", true, 0, 203),
        ];
        assert_eq!(
            summary(Mode::Naive, &rows, "hash chains (9 rounds)"),
            "Naive: 2 downloads (100 ms latency) done at 304 ms, \
             1 hash chains (9 rounds) done at 203 ms"
        );
    }

    #[test]
    fn the_trace_is_json_lines_in_the_demos_format() {
        let rows = [row("hash_me #0", true, 1, 2), row("x", false, 0, 3)];
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("trace.jsonl");
        write_trace(&path, &records(Mode::Right, &rows)).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        let lines: Vec<serde_json::Value> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["item"], "Right: hash_me #0");
        assert_eq!(lines[1]["worker"], 1);
        assert_eq!(lines[0]["end_ms"], 2.0);
    }
}
