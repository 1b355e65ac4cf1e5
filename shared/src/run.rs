//! One run of one demo: its inputs, the clock, and what happened to each
//! item, ready for the summary, `--json` and `--trace`.

use std::future::Future;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::{Error, Task};

/// Which job a run does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Workload {
    /// Download URLs and save them.
    Download,
    /// SHA-256 chains.
    Hash,
    /// Sums of squares.
    SumSquares,
}

/// Limits for the HTTP client; the blocking demos turn them into a
/// `Session` (feature `blocking`), the async demos into their own client.
#[derive(Clone, Debug)]
pub struct HttpConfig {
    /// The whole request, from connect to the last body byte (`--timeout`).
    pub timeout: Duration,
    /// Connecting alone (the smaller of 5 s and `--timeout`).
    pub connect_timeout: Duration,
    /// Largest body accepted (`--max-bytes`).
    pub max_bytes: u64,
    /// Idle keep-alive connections to keep per host: one per worker, so no
    /// worker has to reconnect.
    pub pool_size: usize,
}

/// What one successful item produced.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Done {
    /// Bytes saved (downloads).
    pub bytes: u64,
    /// The answer (CPU tasks), so approaches can be compared.
    pub answer: Option<String>,
}

impl Done {
    /// A body of `bytes` bytes was saved.
    pub fn saved(bytes: usize) -> Done {
        Done {
            bytes: bytes as u64,
            answer: None,
        }
    }

    /// A CPU task finished with this answer.
    pub fn answer(answer: String) -> Done {
        Done {
            bytes: 0,
            answer: Some(answer),
        }
    }
}

/// What happened to one item (a URL, a task, or a bad line of the URL file).
#[derive(Clone, Debug, serde::Serialize)]
pub struct Record {
    /// Which worker ran it (`None` for bad lines, which never ran).
    pub worker: Option<usize>,
    /// The URL, task name, or `urls.txt line N`.
    pub item: String,
    /// Milliseconds since the run started.
    pub start_ms: f64,
    /// Milliseconds since the run started.
    pub end_ms: f64,
    /// Bytes saved.
    pub bytes: u64,
    /// Did it succeed?
    pub ok: bool,
    /// The CPU task's answer.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub answer: Option<String>,
    /// Why it failed, in the shared wording.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The failure was a refused connection to this machine.
    #[serde(skip)]
    pub local_refusal: bool,
}

/// A run in progress. Each demo's `download_all` / `compute_all` gets a
/// `&Run`: the inputs, and [`Run::track`] to time and record each item.
///
/// `Run` is `Sync` (the records sit behind a `Mutex`), so worker threads
/// and async tasks can all record into the same one.
#[derive(Debug)]
pub struct Run {
    /// The demo's name, e.g. `seq-demo`.
    pub approach: &'static str,
    /// What this run does.
    pub workload: Workload,
    /// How many things at once: threads, processes or tasks.
    pub workers: usize,
    /// The URLs to download (empty for CPU workloads).
    pub urls: Vec<String>,
    /// Where the bodies go.
    pub out: PathBuf,
    /// Client limits for downloads.
    pub http: HttpConfig,
    /// The CPU tasks (empty for downloads).
    pub tasks: Vec<Task>,
    pub(crate) unit: &'static str,
    pub(crate) started: Instant,
    pub(crate) records: Mutex<Vec<Record>>,
    pub(crate) progress: ProgressBar,
}

impl Run {
    pub(crate) fn new(
        approach: &'static str,
        unit: &'static str,
        workload: Workload,
        workers: usize,
        http: HttpConfig,
    ) -> Run {
        Run {
            approach,
            workload,
            workers,
            urls: Vec::new(),
            out: PathBuf::new(),
            http,
            tasks: Vec::new(),
            unit,
            started: Instant::now(),
            records: Mutex::new(Vec::new()),
            progress: ProgressBar::hidden(),
        }
    }

    /// Shows a progress bar on stderr, only when stderr is a terminal
    /// (indicatif hides it otherwise), and starts the clock.
    pub(crate) fn start(&mut self) {
        let total = (self.urls.len() + self.tasks.len()) as u64;
        let bar = ProgressBar::with_draw_target(
            Some(total),
            ProgressDrawTarget::stderr(),
        );
        bar.set_style(
            ProgressStyle::with_template(
                "{prefix} [{bar:30}] {pos}/{len} {elapsed}",
            )
            .expect("the template is a literal and valid")
            .progress_chars("=> "),
        );
        bar.set_prefix(self.approach);
        self.progress = bar;
        self.started = Instant::now();
    }

    /// When the run started. Spawned tasks must own what they use, so they
    /// cannot borrow the `Run`; they take this `Instant` along instead and
    /// hand their timings back to [`Run::record`].
    pub fn started(&self) -> Instant {
        self.started
    }

    /// Time since the run started.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// Runs one item on `worker`, timing it and recording the outcome.
    /// Returns whether it succeeded.
    ///
    /// A failure is recorded, not propagated: like `gather(...,
    /// return_exceptions=True)`, one bad URL must not stop the others, and
    /// unlike it, every error is printed in the report.
    pub fn track(
        &self,
        worker: usize,
        item: &str,
        work: impl FnOnce() -> Result<Done, Error>,
    ) -> bool {
        let start = self.elapsed();
        let result = work();
        self.record(Some(worker), item, start, self.elapsed(), result)
    }

    /// [`Run::track`] for a future: the clock starts when the future is
    /// first polled, not when it is created (a future does nothing until
    /// polled).
    pub async fn track_async(
        &self,
        worker: usize,
        item: &str,
        work: impl Future<Output = Result<Done, Error>>,
    ) -> bool {
        let start = self.elapsed();
        let result = work.await;
        self.record(Some(worker), item, start, self.elapsed(), result)
    }

    /// Records an item that ran elsewhere (e.g. in a worker process) from
    /// `start` to `end` (times since the run started).
    pub fn record(
        &self,
        worker: Option<usize>,
        item: &str,
        start: Duration,
        end: Duration,
        result: Result<Done, Error>,
    ) -> bool {
        let ok = result.is_ok();
        let record = match result {
            Ok(done) => Record {
                worker,
                item: item.to_owned(),
                start_ms: millis(start),
                end_ms: millis(end),
                bytes: done.bytes,
                ok: true,
                answer: done.answer,
                error: None,
                local_refusal: false,
            },
            Err(error) => Record {
                worker,
                item: item.to_owned(),
                start_ms: millis(start),
                end_ms: millis(end),
                bytes: 0,
                ok: false,
                answer: None,
                error: Some(error.to_string()),
                local_refusal: error.is_local_refusal(),
            },
        };
        self.records
            .lock()
            .expect("a worker panicked while holding the records lock")
            .push(record);
        self.progress.inc(1);
        ok
    }
}

fn millis(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}
