//! The report of one run: what happened to each item, the summary line
//! (or `--json`), the `--trace` file, the exit code, and Ctrl-C.

use std::any::Any;
use std::collections::HashSet;
use std::ffi::OsString;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::{Duration, Instant};

use futures_lite::FutureExt;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use shared::Error;

use crate::{Common, Demo};

/// Exit code after Ctrl-C, SIGTERM or SIGHUP: 128 + SIGINT, as shells do.
pub const INTERRUPTED: i32 = 130;

/// What one successful item produced: bytes saved, or a CPU answer.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Done {
    /// Bytes saved (downloads).
    pub bytes: u64,
    /// The answer (CPU tasks), so approaches can be compared.
    pub answer: Option<String>,
}

/// A download's result: the number of bytes saved.
impl From<usize> for Done {
    fn from(bytes: usize) -> Done {
        Done {
            bytes: bytes as u64,
            answer: None,
        }
    }
}

/// A CPU task's result: its answer.
impl From<String> for Done {
    fn from(answer: String) -> Done {
        Done {
            bytes: 0,
            answer: Some(answer),
        }
    }
}

/// What happened to one item (a URL, a task, or a bad line of the URL
/// file): one line of `--trace`.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Record {
    /// The lane of the timeline it ran in: worked out after the run from
    /// the start and end times (the lowest lane free when it started), so
    /// there are never more lanes than items ran at once. `None` for items
    /// that never ran (bad lines).
    pub worker: Option<usize>,
    /// The URL, task name, or URL file name.
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

/// The numbers of one run, as `--json` prints them (and the shootout
/// reads them).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Summary {
    /// e.g. `seq-demo`.
    pub approach: String,
    /// `download`, `hash` or `sum-squares`.
    pub workload: String,
    /// How many things at once.
    pub workers: usize,
    /// Items that succeeded.
    pub ok: usize,
    /// Items that failed (including bad lines of the URL file).
    pub failed: usize,
    /// Bytes saved.
    pub bytes: u64,
    /// Wall time of the work, in seconds.
    pub seconds: f64,
    /// `[item, error]` for every failure.
    pub failures: Vec<(String, String)>,
    /// Items neither done nor failed because Ctrl-C stopped the run;
    /// absent when the run was not interrupted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unfinished: Option<usize>,
}

impl Summary {
    /// The one human line, e.g.
    /// `seq-demo: 30/30 URLs, 600.0 KiB in 3.05 s, 1 worker, 0 failed`.
    ///
    /// An interrupted run ends with `, 27 unfinished (interrupted)`.
    pub fn line(&self, unit: &str) -> String {
        let unfinished = self.unfinished.unwrap_or(0);
        let total = self.ok + self.failed + unfinished;
        let workers = match self.workers {
            1 => format!("1 {unit}"),
            n if unit.ends_with('s') => format!("{n} {unit}es"),
            n => format!("{n} {unit}s"),
        };
        let line = if self.workload == "download" {
            format!(
                "{}: {}/{total} URLs, {:.1} KiB in {:.2} s, {workers}, \
                 {} failed",
                self.approach,
                self.ok,
                self.bytes as f64 / 1024.0,
                self.seconds,
                self.failed
            )
        } else {
            format!(
                "{}: {}/{total} tasks in {:.2} s, {workers}, {} failed",
                self.approach, self.ok, self.seconds, self.failed
            )
        };
        match self.unfinished {
            Some(n) => format!("{line}, {n} unfinished (interrupted)"),
            None => line,
        }
    }
}

/// The report of a run in progress. Cheap to clone (an `Arc` inside):
/// give each thread or task its own clone, and it records its items
/// itself with [`Report::track`].
#[derive(Clone, Debug)]
pub struct Report(Arc<Inner>);

#[derive(Debug)]
struct Inner {
    demo: Demo,
    workload: &'static str,
    workers: usize,
    /// Every item of the run: URLs, bad lines of the URL file, tasks.
    total: usize,
    common: Common,
    /// `--out`, and the temporary files already in it before the run
    /// (not ours to remove after Ctrl-C).
    out: Option<(PathBuf, HashSet<OsString>)>,
    started: Instant,
    records: Mutex<Vec<Record>>,
    progress: ProgressBar,
    ending: Mutex<Ending>,
}

/// Who prints the report, and what to stop first after Ctrl-C.
#[derive(Default)]
struct Ending {
    /// The report is being printed, at the end of the run or after
    /// Ctrl-C: whoever comes second does nothing.
    reporting: bool,
    /// The approach's stop hook ([`Report::on_interrupt`]) and its id.
    hook: Option<(u64, Box<dyn FnOnce() + Send>)>,
    next_hook: u64,
}

impl std::fmt::Debug for Ending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Ending")
            .field("reporting", &self.reporting)
            .field("hook", &self.hook.is_some())
            .finish()
    }
}

impl Report {
    /// A report for `total` items, with the clock started and a progress
    /// bar on stderr (only when stderr is a terminal: indicatif hides it
    /// otherwise).
    pub(crate) fn new(
        demo: Demo,
        workload: &'static str,
        workers: usize,
        total: usize,
        common: Common,
    ) -> Report {
        let progress = ProgressBar::with_draw_target(
            Some(total as u64),
            ProgressDrawTarget::stderr(),
        );
        progress.set_style(
            ProgressStyle::with_template(
                "{prefix} [{bar:30}] {pos}/{len} {elapsed}",
            )
            .expect("the template is a literal and valid")
            .progress_chars("=> "),
        );
        progress.set_prefix(demo.name);
        Report(Arc::new(Inner {
            demo,
            workload,
            workers,
            total,
            common,
            out: None,
            started: Instant::now(),
            records: Mutex::new(Vec::new()),
            progress,
            ending: Mutex::new(Ending::default()),
        }))
    }

    /// Remembers `--out` and the temporary files already in it.
    pub(crate) fn with_out(mut self, out: &Path) -> Report {
        let inner = Arc::get_mut(&mut self.0).expect("not yet shared");
        inner.out = Some((out.to_owned(), temp_files(out)));
        self
    }

    /// Time since the run started.
    pub fn elapsed(&self) -> Duration {
        self.0.started.elapsed()
    }

    /// The demo's name, e.g. `seq-demo`, for messages of its own.
    pub fn name(&self) -> &'static str {
        self.0.demo.name
    }

    /// `--json` was given: stdout is for the one JSON object only.
    pub fn json(&self) -> bool {
        self.0.common.json
    }

    /// Runs one item, timing it and recording the outcome. Returns whether
    /// it succeeded.
    ///
    /// A failure is recorded, not propagated: like `gather(...,
    /// return_exceptions=True)`, one bad URL must not stop the others, and
    /// unlike it, every error is printed in the report.
    ///
    /// A panic in `work` (a bug) is caught and recorded as this item's
    /// failure, so it never takes the run or the item's record with it.
    pub fn track<T: Into<Done>>(
        &self,
        item: &str,
        work: impl FnOnce() -> shared::Result<T>,
    ) -> bool {
        let start = self.elapsed();
        let result = panic::catch_unwind(AssertUnwindSafe(work))
            .unwrap_or_else(|payload| Err(panicked(&*payload)))
            .map(Into::into);
        self.record(item, Some((start, self.elapsed())), result)
    }

    /// [`Report::track`] for a future: the clock starts when the future is
    /// first polled, not when it is created (a future does nothing until
    /// polled). A panic is caught and recorded, as in `track`.
    pub async fn track_async<T: Into<Done>>(
        &self,
        item: &str,
        work: impl Future<Output = shared::Result<T>>,
    ) -> bool {
        let start = self.elapsed();
        let result = AssertUnwindSafe(work)
            .catch_unwind()
            .await
            .unwrap_or_else(|payload| Err(panicked(&*payload)))
            .map(Into::into);
        self.record(item, Some((start, self.elapsed())), result)
    }

    /// Records an item that ran elsewhere (in a worker process) from
    /// `start` to `end` (times since the run started), or never ran
    /// (`None`: a bad line of the URL file).
    pub fn record(
        &self,
        item: &str,
        ran: Option<(Duration, Duration)>,
        result: shared::Result<Done>,
    ) -> bool {
        let ok = result.is_ok();
        let (start, end) = ran.unwrap_or_default();
        let (done, error) = match result {
            Ok(done) => (done, None),
            Err(error) => (Done::default(), Some(error)),
        };
        let record = Record {
            worker: ran.map(|_| 0),
            item: item.to_owned(),
            start_ms: millis(start),
            end_ms: millis(end),
            bytes: done.bytes,
            ok,
            answer: done.answer,
            local_refusal: error.as_ref().is_some_and(Error::is_local_refusal),
            error: error.map(|e| e.to_string()),
        };
        lock(&self.0.records).push(record);
        self.0.progress.inc(1);
        ok
    }

    /// Prints the report and returns the exit code: 0 when every item
    /// succeeded, 1 when some failed.
    ///
    /// If Ctrl-C came first and its handler ([`Report::exit_on_ctrl_c`])
    /// is printing the report, this waits for it to end the process.
    pub fn finish(&self) -> ExitCode {
        if !self.claim() {
            loop {
                std::thread::park();
            }
        }
        ExitCode::from(self.print(false))
    }

    /// The end of an interrupted run, for approaches that stop their own
    /// work on Ctrl-C (tokio aborts its tasks, smol drops them): removes
    /// the temporary files the run left in `--out`, prints the report of
    /// what finished, counting the rest as unfinished, and returns exit
    /// code 130.
    pub fn interrupted(&self) -> ExitCode {
        if self.claim() {
            self.print(true);
        }
        ExitCode::from(INTERRUPTED as u8)
    }

    /// Makes Ctrl-C (or SIGTERM, SIGHUP) end the run at once: run the
    /// approach's stop hook, if any ([`Report::on_interrupt`]), remove the
    /// run's temporary files, print the report of what finished and exit
    /// with 130.
    ///
    /// For approaches that cannot stop their work from outside: a thread
    /// blocked in a download cannot be told to stop (Rust has no
    /// `KeyboardInterrupt` to raise in it), so the process ends with it.
    /// Python's `ThreadPoolExecutor`, by contrast, waits for every running
    /// download before the program can end.
    pub fn exit_on_ctrl_c(&self) {
        let report = self.clone();
        let handler = move || {
            let hook = {
                let mut ending = lock(&report.0.ending);
                if ending.reporting {
                    // The run is over and its report is being printed:
                    // let the process finish normally.
                    return;
                }
                ending.reporting = true;
                ending.hook.take()
            };
            if let Some((_, stop)) = hook {
                stop();
            }
            report.print(true);
            std::process::exit(INTERRUPTED);
        };
        if let Err(e) = ctrlc::set_handler(handler) {
            eprintln!(
                "{}: warning: cannot catch Ctrl-C ({e}); an interrupted run \
                 may leave temporary files behind",
                self.0.demo.name
            );
        }
    }

    /// Runs `stop` when Ctrl-C arrives, before the report is printed: the
    /// place to stop what the approach started outside this process
    /// (multiprocess-demo kills and reaps its workers there). `stop` runs
    /// on the handler's thread, and the process exits when it returns.
    ///
    /// One hook at a time; dropping the returned guard removes it.
    #[must_use = "the hook is removed when the guard is dropped"]
    pub fn on_interrupt(
        &self,
        stop: impl FnOnce() + Send + 'static,
    ) -> OnInterrupt {
        let mut ending = lock(&self.0.ending);
        ending.next_hook += 1;
        let id = ending.next_hook;
        ending.hook = Some((id, Box::new(stop)));
        OnInterrupt {
            report: self.clone(),
            id,
        }
    }

    /// True for the first caller only: the one that prints the report.
    fn claim(&self) -> bool {
        let mut ending = lock(&self.0.ending);
        !std::mem::replace(&mut ending.reporting, true)
    }

    /// Prints the failures and the summary, writes the trace, and returns
    /// the exit code (for an interrupted run: after removing its temp
    /// files, and the code of the report alone; the caller exits 130).
    fn print(&self, interrupted: bool) -> u8 {
        let run = &*self.0;
        let seconds = self.elapsed().as_secs_f64();
        run.progress.finish_and_clear();
        if interrupted && let Some((out, before)) = &run.out {
            remove_new_temp_files(out, before);
        }
        let mut records = std::mem::take(&mut *lock(&run.records));
        lay_out_lanes(&mut records);
        let failures: Vec<(String, String)> = records
            .iter()
            .filter_map(|r| Some((r.item.clone(), r.error.clone()?)))
            .collect();
        let summary = Summary {
            approach: run.demo.name.to_owned(),
            workload: run.workload.to_owned(),
            workers: run.workers,
            ok: records.iter().filter(|r| r.ok).count(),
            failed: failures.len(),
            bytes: records.iter().map(|r| r.bytes).sum(),
            seconds,
            failures,
            unfinished: interrupted
                .then(|| run.total.saturating_sub(records.len())),
        };
        print_failures(run.demo.name, &records);
        if run.common.json {
            let json = serde_json::to_string(&summary);
            println!("{}", json.expect("Summary serialises"));
        } else {
            println!("{}", summary.line(run.demo.unit));
        }
        if let Some(path) = &run.common.trace
            && let Err(e) = write_trace(path, &records)
        {
            eprintln!(
                "{}: error: cannot write trace {}: {e}",
                run.demo.name,
                path.display()
            );
            return 1;
        }
        u8::from(summary.failed > 0)
    }
}

/// Keeps a hook of [`Report::on_interrupt`] in place until dropped.
#[derive(Debug)]
pub struct OnInterrupt {
    report: Report,
    id: u64,
}

impl Drop for OnInterrupt {
    fn drop(&mut self) {
        let mut ending = lock(&self.report.0.ending);
        if ending.hook.as_ref().is_some_and(|(id, _)| *id == self.id) {
            ending.hook = None;
        }
    }
}

/// The lock, even if a thread panicked while holding it: every value it
/// guards is whole after each single push or assignment.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A caught panic as this item's error, with its message when it has one
/// (`panic!("...")` carries a `&str` or a `String`).
fn panicked(payload: &(dyn Any + Send)) -> Error {
    let message = match payload.downcast_ref::<&str>() {
        Some(text) => (*text).to_owned(),
        None => payload
            .downcast_ref::<String>()
            .cloned()
            .unwrap_or_else(|| "with a non-text payload".to_owned()),
    };
    Error::Panicked { message }
}

fn millis(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

/// Sorts the records by start and gives each item that ran the lowest
/// lane that was free when it started. Lanes are the timeline's rows: as
/// many as items ever ran at once, and never two items at once in one.
fn lay_out_lanes(records: &mut [Record]) {
    records.sort_by(|a, b| a.start_ms.total_cmp(&b.start_ms));
    let mut lanes: Vec<f64> = Vec::new(); // when each lane is free again
    for record in records.iter_mut().filter(|r| r.worker.is_some()) {
        let lane = match lanes.iter().position(|&end| end <= record.start_ms) {
            Some(lane) => lane,
            None => {
                lanes.push(0.0);
                lanes.len() - 1
            }
        };
        lanes[lane] = record.end_ms;
        record.worker = Some(lane);
    }
}

/// Failures go to stderr, one line each, so stdout stays the summary.
///
/// One exception: refused connections to this machine all have one cause
/// (the demo server is not running), so thirty of them make one line and
/// one hint on how to start it, not thirty lines of the same news.
fn print_failures(approach: &str, records: &[Record]) {
    let mut refused: Vec<(&str, Vec<&str>)> = Vec::new();
    for r in records.iter().filter(|r| !r.ok) {
        let error = r.error.as_deref().unwrap_or("failed");
        if !r.local_refusal {
            eprintln!("{approach}: error: {}: {error}", r.item);
        } else if let Some((_, items)) =
            refused.iter_mut().find(|(e, _)| *e == error)
        {
            items.push(&r.item);
        } else {
            refused.push((error, vec![&r.item]));
        }
    }
    for (error, items) in &refused {
        match items.as_slice() {
            [item] => eprintln!("{approach}: error: {item}: {error}"),
            [first, .., last] => eprintln!(
                "{approach}: error: {error}, for all {} URLs on it \
                 ({first} ... {last})",
                items.len()
            ),
            [] => {}
        }
    }
    if let Some((_, items)) = refused.first() {
        let port = url::Url::parse(items[0])
            .ok()
            .and_then(|u| u.port_or_known_default())
            .filter(|&p| p != 8000)
            .map(|p| format!(" -- --port {p}"))
            .unwrap_or_default();
        eprintln!(
            "{approach}: hint: is the demo server running? Start it in \
             another terminal: cargo run -p demo-server{port}"
        );
    }
}

/// One JSON object per line, in start order: the raw material for the
/// shootout's timelines. Public for programs that draw their own (the
/// async demos' CPU-blocking examples), so every trace has one format.
pub fn write_trace(path: &Path, records: &[Record]) -> io::Result<()> {
    let mut out = BufWriter::new(fs::File::create(path)?);
    for record in records {
        serde_json::to_writer(&mut out, record)?;
        out.write_all(b"\n")?;
    }
    out.flush()
}

/// Names of the temporary files of [`shared::write_to_file`] in `dir`
/// right now (none if unreadable).
fn temp_files(dir: &Path) -> HashSet<OsString> {
    let Ok(entries) = fs::read_dir(dir) else {
        return HashSet::new();
    };
    entries
        .filter_map(|entry| Some(entry.ok()?.file_name()))
        .filter(|name| name.to_string_lossy().starts_with(shared::TEMP_PREFIX))
        .collect()
}

/// Removes the temporary files in `dir` that are not in `before`: the
/// ones this run left there (a write cut off by the end of the process, or
/// by a worker process killed mid-write). Returns how many it removed.
fn remove_new_temp_files(dir: &Path, before: &HashSet<OsString>) -> usize {
    temp_files(dir)
        .difference(before)
        .filter(|name| fs::remove_file(dir.join(name)).is_ok())
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(start_ms: f64, end_ms: f64) -> Record {
        Record {
            worker: Some(0),
            item: format!("{start_ms}-{end_ms}"),
            start_ms,
            end_ms,
            bytes: 0,
            ok: true,
            answer: None,
            error: None,
            local_refusal: false,
        }
    }

    #[test]
    fn lanes_are_as_many_as_items_at_once() {
        // Two at a time, then one: lanes 0 and 1 are reused, never shared.
        let mut records = vec![
            record(0.0, 10.0),
            record(0.0, 5.0),
            record(5.0, 12.0),
            record(10.0, 20.0),
            record(20.0, 21.0),
        ];
        let mut bad = record(0.0, 0.0);
        bad.worker = None;
        records.push(bad);
        lay_out_lanes(&mut records);
        let lanes: Vec<_> = records.iter().map(|r| r.worker).collect();
        assert_eq!(
            lanes,
            [Some(0), Some(1), None, Some(1), Some(0), Some(0)],
            "{records:#?}"
        );
    }

    #[test]
    fn a_panicking_item_is_a_failure_and_the_run_goes_on() {
        let demo = Demo {
            name: "test-demo",
            unit: "worker",
            download_workers: Some(1),
            cpu_workers: Some(1),
            sequential: true,
        };
        let common = Common {
            workers: None,
            json: false,
            trace: None,
        };
        let report = Report::new(demo, "hash", 1, 2, common);
        let ok = report.track("bad", || -> shared::Result<String> {
            panic!("a bug in item {}", 1)
        });
        assert!(!ok, "a panic must count as a failure");
        assert!(report.track("good", || Ok("42".to_owned())));
        let records = lock(&report.0.records);
        let errors: Vec<_> = records.iter().map(|r| r.error.clone()).collect();
        assert_eq!(errors, [Some("panicked: a bug in item 1".into()), None]);
    }

    #[test]
    fn summary_line_reads_well() {
        let mut s = Summary {
            approach: "multiprocess-demo".into(),
            workload: "download".into(),
            workers: 4,
            ok: 29,
            failed: 1,
            bytes: 29 * 20 * 1024,
            seconds: 0.8349,
            failures: vec![],
            unfinished: None,
        };
        assert_eq!(
            s.line("process"),
            "multiprocess-demo: 29/30 URLs, 580.0 KiB in 0.83 s, 4 processes, \
             1 failed"
        );
        s.workers = 1;
        s.workload = "hash".into();
        assert_eq!(
            s.line("thread"),
            "multiprocess-demo: 29/30 tasks in 0.83 s, 1 thread, 1 failed"
        );
        s.unfinished = Some(10);
        assert_eq!(
            s.line("thread"),
            "multiprocess-demo: 29/40 tasks in 0.83 s, 1 thread, 1 failed, \
             10 unfinished (interrupted)"
        );
    }

    #[test]
    fn unfinished_is_in_the_json_only_when_interrupted() {
        let mut s = Summary {
            approach: "seq-demo".into(),
            workload: "download".into(),
            workers: 1,
            ok: 1,
            failed: 0,
            bytes: 10,
            seconds: 0.5,
            failures: vec![],
            unfinished: None,
        };
        let json = serde_json::to_string(&s).unwrap();
        assert!(!json.contains("unfinished"), "{json}");
        assert_eq!(serde_json::from_str::<Summary>(&json).unwrap(), s);
        s.unfinished = Some(3);
        let json = serde_json::to_string(&s).unwrap();
        assert!(json.contains("\"unfinished\":3"), "{json}");
    }

    #[test]
    fn only_the_temp_files_left_since_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let old = format!("{}old", shared::TEMP_PREFIX);
        fs::write(dir.path().join(&old), b"").unwrap();
        fs::write(dir.path().join("page.html"), b"kept").unwrap();
        let before = temp_files(dir.path());
        // What a write cut off by the end of the process leaves behind.
        let left = format!("{}123-4", shared::TEMP_PREFIX);
        fs::write(dir.path().join(&left), b"half").unwrap();
        assert_eq!(remove_new_temp_files(dir.path(), &before), 1);
        let mut names: Vec<String> = fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, [old, "page.html".to_owned()]);
    }
}
