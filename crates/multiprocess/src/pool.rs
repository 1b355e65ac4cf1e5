//! The process pool behind multiprocess-demo: Python's
//! `multiprocessing.Pool`, built from `std::process` and two pipes per
//! worker. `main.rs` calls [`map`] in the parent and [`serve`] in a worker.
//!
//! - **Start.** The parent runs its own executable again with
//!   [`WORKER_FLAG`] (Python's "spawn" start method does the same with
//!   `--multiprocessing-fork`). A fresh process shares no memory with its
//!   parent: everything it needs must cross a pipe.
//! - **Parent to worker**, on the worker's stdin: one JSON line with what
//!   the initializer needs ([`Init`]), then one line per [`Item`].
//! - **Worker to parent**, on its stdout: one JSON [`Reply`] line per job.
//!   Its stderr is the parent's, so a panic message reaches the terminal.
//! - **Balancing.** A worker gets its next job only when its reply has
//!   arrived, so work goes to whichever worker is free: `Pool.map` with a
//!   chunk size of 1, not a split of the list fixed in advance.
//! - **Faults.** A worker that dies mid-job (killed, or a panic) has that
//!   job reported failed by name, and a new process takes its slot. On
//!   Ctrl-C or SIGTERM the report's handler asks the pool (through
//!   `Report::on_interrupt`) to kill and reap every worker, then prints
//!   what finished and exits 130. A worker whose parent is gone stops: its
//!   stdin ends, and on Linux the kernel also sends it SIGKILL (the
//!   parent-death signal).

use std::io::{self, BufRead, BufReader, Write};
use std::iter::Peekable;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, ExitCode};
use std::process::{ExitStatus, Stdio};
use std::sync::mpsc::{self, Receiver, Sender};
use std::thread::{self, JoinHandle};
use std::time::Duration;

use cli_report::{Done, OnInterrupt, Report};
use serde::{Deserialize, Serialize};
use shared::{Error, HttpConfig, Session, Task};
use wait_timeout::ChildExt;

/// The hidden first argument that turns the executable into a worker. The
/// shared CLI never sees it: `main` checks for it before parsing anything.
pub const WORKER_FLAG: &str = "--pool-worker";

/// How long a worker may take to exit once told to (its stdin closed), or
/// once its stdout closed, before the parent kills it.
const EXIT_GRACE: Duration = Duration::from_secs(2);

/// How long the Ctrl-C handler waits for the pool to stop its workers
/// (each busy one is killed, each idle one gets [`EXIT_GRACE`]).
const STOP_LIMIT: Duration = Duration::from_secs(10);

/// Is this process a worker started by [`map`]?
pub fn is_worker() -> bool {
    std::env::args_os()
        .nth(1)
        .is_some_and(|arg| arg == WORKER_FLAG)
}

/// One unit of work, as it crosses the pipe.
#[derive(Debug, Serialize, Deserialize)]
pub enum Item {
    /// Download this URL and save it under `--out`.
    Download(String),
    /// Run this CPU task.
    Compute(Task),
}

impl Item {
    /// How the report names it.
    fn name(&self) -> String {
        match self {
            Item::Download(url) => url.clone(),
            Item::Compute(task) => task.name(),
        }
    }
}

/// The first line a worker reads: the initializer's arguments (Python's
/// `initargs`): the client's limits and `--out`, for downloads.
#[derive(Serialize, Deserialize)]
struct Init {
    http: HttpConfig,
    out: PathBuf,
}

/// What a worker sends back for one job.
#[derive(Serialize, Deserialize)]
enum Reply {
    Ok(#[serde(with = "DoneDef")] Done),
    Err(Error),
}

// What crosses a process boundary is bytes. Python's pickle turns objects
// into bytes behind your back, and finds out at run time when one cannot
// be pickled. Here every type that crosses says so: `Item`, `Init` and
// `Reply` derive serde's traits, the shared crate's `Task`, `HttpConfig`
// and `Error` derive them under its `serde` feature, and cli-report's
// `Done` is spelt out below with serde's "remote derive".

/// JSON form of [`Done`].
#[derive(Serialize, Deserialize)]
#[serde(remote = "Done")]
struct DoneDef {
    bytes: u64,
    answer: Option<String>,
}

// ---------------------------------------------------------------- worker

// ANCHOR: serve
/// The worker's whole life: run the initializer once, then one job per
/// line of stdin, one reply per line of stdout, until stdin ends.
pub fn serve(
    initializer: fn(&HttpConfig) -> Session,
    do_work: fn(&Session, &str, &Path) -> shared::Result<usize>,
    compute: fn(&Task) -> shared::Result<String>,
) -> ExitCode {
    die_with_parent();
    let mut lines = io::stdin().lock().lines();
    // No first line: the parent is already gone, so there is nothing to do.
    let Some(Ok(first)) = lines.next() else {
        return ExitCode::SUCCESS;
    };
    let init: Init = match serde_json::from_str(&first) {
        Ok(init) => init,
        Err(e) => return protocol_error(&first, &e),
    };
    // Talk 04's `set_global_session`: one Session for this process's
    // lifetime. Processes share no memory, so each builds its own.
    let session = initializer(&init.http);

    let mut stdout = io::stdout().lock();
    // A read error means the same as the end of stdin: the parent is gone.
    for line in lines.map_while(Result::ok) {
        let item: Item = match serde_json::from_str(&line) {
            Ok(job) => job,
            Err(e) => return protocol_error(&line, &e),
        };
        let reply = match item {
            Item::Download(url) => {
                do_work(&session, &url, &init.out).map(Done::from)
            }
            Item::Compute(task) => compute(&task).map(Done::from),
        };
        let reply = match reply {
            Ok(done) => Reply::Ok(done),
            Err(error) => Reply::Err(error),
        };
        // The parent is waiting for this line: write it whole and flush.
        // If that fails the parent is gone, and so is the reason to go on.
        let mut line = serde_json::to_vec(&reply).expect("a Reply serialises");
        line.push(b'\n');
        if stdout
            .write_all(&line)
            .and_then(|()| stdout.flush())
            .is_err()
        {
            break;
        }
    }
    ExitCode::SUCCESS
}
// ANCHOR_END: serve

/// On Linux, asks the kernel to SIGKILL this worker when its parent dies,
/// even by SIGKILL, when no code of the parent's runs. (Strictly: when the
/// parent *thread* that spawned it exits; the pool spawns from the thread
/// that calls [`map`].) If the parent died before this call, stdin is
/// already closed and the worker stops at its first read.
fn die_with_parent() {
    #[cfg(target_os = "linux")]
    nix::sys::prctl::set_pdeathsig(nix::sys::signal::Signal::SIGKILL)
        .expect("PR_SET_PDEATHSIG only fails for an invalid signal");
}

/// A line from the parent that is not our protocol: say so and stop.
fn protocol_error(line: &str, error: &serde_json::Error) -> ExitCode {
    eprintln!(
        "{WORKER_FLAG}: not a line of the pool protocol ({error}): {line:?} \
         (this mode is for the pool's own worker processes)"
    );
    ExitCode::from(2)
}

// ---------------------------------------------------------------- parent

/// What the parent waits for: anything that can happen to any worker.
enum Event {
    /// A line from worker `slot`'s stdout (the process with `pid`).
    Line { slot: usize, pid: u32, line: String },
    /// Worker `slot`'s stdout closed: that process exited or is exiting.
    Closed { slot: usize, pid: u32 },
    /// Ctrl-C or SIGTERM reached the parent: stop every worker, then say
    /// so on this channel.
    Interrupted(Sender<()>),
}

/// One live worker process, as the parent sees it.
struct Worker {
    child: Child,
    /// `None` once closed: end of input tells the worker to finish.
    stdin: Option<ChildStdin>,
    /// The item it is working on, and when it was sent (since run start).
    busy: Option<(String, Duration)>,
    /// The thread that turns its stdout into [`Event`]s.
    reader: JoinHandle<()>,
}

/// The parent's side of the pool: the slots and the one event queue.
struct Pool {
    /// The initializer's arguments, as the first line for every new worker.
    init: String,
    /// One per `--workers`; `None` where no process runs (any more).
    slots: Vec<Option<Worker>>,
    events: Receiver<Event>,
    sender: Sender<Event>,
    /// The slot and the reason of the last failed start, if any.
    spawn_error: Option<(usize, String)>,
    /// Keeps our Ctrl-C hook in place while the pool exists. Declared last:
    /// fields drop in order, so the hook goes only after `events`, whose
    /// drop also releases a handler waiting for an answer.
    _on_interrupt: OnInterrupt,
}

// ANCHOR: map
/// Runs every item on a pool of `workers` worker processes (fewer if
/// there are fewer items), records each outcome in `report`, and returns
/// once every item is accounted for and every worker has exited. `init`
/// is the initializer's arguments, the client's limits and `--out`, which
/// only downloads need (`Pool(initializer=..., initargs=...)`).
pub fn map(
    report: &Report,
    workers: usize,
    init: Option<(&HttpConfig, &Path)>,
    items: Vec<Item>,
) {
    let mut jobs = items.into_iter().peekable();
    let size = workers.min(jobs.len());
    if size == 0 {
        return;
    }
    // CPU tasks need no initializer: their workers get empty arguments.
    let (http, out) = match init {
        Some((http, out)) => (http.clone(), out.to_owned()),
        None => (HttpConfig::default(), PathBuf::new()),
    };
    // Each process does one request at a time, so its own connection pool
    // needs one idle connection, not one per worker.
    let http = HttpConfig {
        pool_size: 1,
        ..http
    };
    let init = Init { http, out };
    let mut pool = Pool::new(report, size, &init);
    for slot in 0..size {
        pool.spawn(slot);
        pool.hand_out(slot, &mut jobs, report);
    }

    while pool.any_busy() {
        let event = pool.events.recv().expect("the pool holds a sender");
        match event {
            Event::Line { slot, pid, line } => {
                pool.on_line(slot, pid, &line, report, &mut jobs);
            }
            Event::Closed { slot, pid } => {
                pool.on_closed(slot, pid, report, &mut jobs);
            }
            Event::Interrupted(stopped_all) => {
                let stopped = pool.stop();
                let plural = if stopped == 1 { "" } else { "es" };
                eprintln!(
                    "{}: interrupted: stopped {stopped} worker process\
                     {plural}; the files saved so far are complete",
                    report.name()
                );
                // Err: the handler gave up waiting; it exits regardless.
                let _ = stopped_all.send(());
                // The handler prints the report and ends the process; this
                // thread must not go on to record or report anything.
                loop {
                    thread::park();
                }
            }
        }
    }

    // No worker left to run what remains: every process we tried to start
    // failed. Say so for each item rather than dropping them.
    let (slot, reason) = pool.spawn_error.clone().unwrap_or_default();
    for job in jobs {
        let error = Error::WorkerDied {
            worker: slot,
            reason: format!("could not be started: {reason}"),
        };
        report.record(&job.name(), None, Err(error));
    }
    pool.stop();
}
// ANCHOR_END: map

impl Pool {
    fn new(report: &Report, size: usize, init: &Init) -> Pool {
        let (sender, events) = mpsc::channel();
        // Ctrl-C, SIGTERM, SIGHUP: the report's handler runs this on its own
        // thread, and exits the process once it returns. The workers belong
        // to the loop in `map`, so ask it to stop them, and wait until it
        // has (or the pool is gone, which drops the answer channel).
        let interrupts = sender.clone();
        let on_interrupt = report.on_interrupt(move || {
            let (stopped_all, stopped) = mpsc::channel();
            if interrupts.send(Event::Interrupted(stopped_all)).is_ok() {
                let _ = stopped.recv_timeout(STOP_LIMIT);
            }
        });
        Pool {
            init: serde_json::to_string(init).expect("Init serialises"),
            slots: (0..size).map(|_| None).collect(),
            events,
            sender,
            spawn_error: None,
            _on_interrupt: on_interrupt,
        }
    }

    /// Starts a worker process in `slot` and sends it the initializer's
    /// arguments. On failure the slot stays empty and the pool carries on
    /// with fewer workers.
    fn spawn(&mut self, slot: usize) {
        match self.try_spawn(slot) {
            Ok(worker) => self.slots[slot] = Some(worker),
            Err(e) => {
                self.slots[slot] = None;
                self.spawn_error = Some((slot, e.to_string()));
            }
        }
    }

    fn try_spawn(&self, slot: usize) -> io::Result<Worker> {
        let mut command = Command::new(std::env::current_exe()?);
        command
            .arg(WORKER_FLAG)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit());
        // Ctrl-C in a terminal signals the whole foreground process group.
        // Workers get a group of their own, so only the parent hears it,
        // and it stops them in order instead of racing their deaths.
        #[cfg(unix)]
        std::os::unix::process::CommandExt::process_group(&mut command, 0);
        // Windows sends Ctrl-C to every process on the console instead; a
        // new process group is left out of it (Win32's
        // CREATE_NEW_PROCESS_GROUP, whose group ignores Ctrl-C).
        #[cfg(windows)]
        std::os::windows::process::CommandExt::creation_flags(
            &mut command,
            0x0000_0200,
        );
        let mut child = command.spawn()?;

        let mut stdin = child.stdin.take().expect("stdin is piped");
        let stdout = child.stdout.take().expect("stdout is piped");
        let (pid, events) = (child.id(), self.sender.clone());
        let reader = thread::Builder::new()
            .name(format!("pool-reader-{slot}"))
            .spawn(move || read_replies(slot, pid, stdout, &events));
        let reader = match reader {
            Ok(reader) => reader,
            Err(e) => {
                // A dropped `Child` keeps running: stop this one first.
                let _ = child.kill();
                let _ = child.wait();
                return Err(e);
            }
        };
        // If this fails the worker already died: its Closed event says so.
        let _ = send_line(&mut stdin, &self.init);
        Ok(Worker {
            child,
            stdin: Some(stdin),
            busy: None,
            reader,
        })
    }

    /// The worker in `slot`, if it is still the process `pid` (a replaced
    /// process can still have events in the queue).
    fn current(&mut self, slot: usize, pid: u32) -> Option<&mut Worker> {
        self.slots[slot]
            .as_mut()
            .filter(|worker| worker.child.id() == pid)
    }

    fn any_busy(&self) -> bool {
        self.slots.iter().flatten().any(|w| w.busy.is_some())
    }

    /// Sends the next job to the worker in `slot`, or, when there is none,
    /// closes its stdin so that it finishes and exits.
    fn hand_out(
        &mut self,
        slot: usize,
        jobs: &mut impl Iterator<Item = Item>,
        report: &Report,
    ) {
        let Some(worker) = self.slots[slot].as_mut() else {
            return;
        };
        let Some(job) = jobs.next() else {
            worker.stdin = None;
            return;
        };
        let line = serde_json::to_string(&job).expect("an Item serialises");
        worker.busy = Some((job.name(), report.elapsed()));
        if let Some(stdin) = worker.stdin.as_mut() {
            // If this fails the worker died: its Closed event reports the
            // job as lost.
            let _ = send_line(stdin, &line);
        }
    }

    /// A reply: record it, then hand that worker the next job.
    fn on_line<I: Iterator<Item = Item>>(
        &mut self,
        slot: usize,
        pid: u32,
        line: &str,
        report: &Report,
        jobs: &mut Peekable<I>,
    ) {
        let Some(worker) = self.current(slot, pid) else {
            return;
        };
        let reply = serde_json::from_str::<Reply>(line);
        match (worker.busy.take(), reply) {
            (Some((item, start)), Ok(reply)) => {
                let result = match reply {
                    Reply::Ok(done) => Ok(done),
                    Reply::Err(error) => Err(error),
                };
                report.record(&item, Some((start, report.elapsed())), result);
                self.hand_out(slot, jobs, report);
            }
            (busy, reply) => {
                // Not a reply, or a reply to nothing: this process does
                // not speak the protocol. Stop trusting it; its Closed
                // event then replaces it.
                let why = match reply {
                    Err(e) => format!("sent a line that is not a reply: {e}"),
                    Ok(_) => "replied while it had no job".to_owned(),
                };
                if let Some((item, start)) = busy {
                    let error = Error::WorkerDied {
                        worker: slot,
                        reason: why,
                    };
                    let end = report.elapsed();
                    report.record(&item, Some((start, end)), Err(error));
                }
                // Err: it already exited, and the Closed event follows.
                let _ = worker.child.kill();
            }
        }
    }

    /// A worker's stdout closed. Reap the process; if it was working on
    /// something, that item is lost: report it by name. Then, if jobs are
    /// left, start a new process in its slot.
    fn on_closed<I: Iterator<Item = Item>>(
        &mut self,
        slot: usize,
        pid: u32,
        report: &Report,
        jobs: &mut Peekable<I>,
    ) {
        if self.current(slot, pid).is_none() {
            return;
        }
        let mut worker =
            self.slots[slot].take().expect("current() just found it");
        let reason = reap(&mut worker);
        if let Some((item, start)) = worker.busy.take() {
            let error = Error::WorkerDied {
                worker: slot,
                reason,
            };
            report.record(&item, Some((start, report.elapsed())), Err(error));
        }
        // The reader thread sent its last event; it is ending.
        let _ = worker.reader.join();
        if jobs.peek().is_some() {
            self.spawn(slot);
            self.hand_out(slot, jobs, report);
        }
    }

    /// Stops every worker and waits for each: idle ones are told to finish
    /// (stdin closed), busy ones are killed. Returns how many were running.
    fn stop(&mut self) -> usize {
        let mut stopped = 0;
        for mut worker in self.slots.iter_mut().filter_map(Option::take) {
            stopped += 1;
            worker.stdin = None;
            if worker.busy.is_some() {
                // Err: it already exited.
                let _ = worker.child.kill();
            }
            reap(&mut worker);
            let _ = worker.reader.join();
        }
        stopped
    }
}

impl Drop for Pool {
    /// Also on the way out of a panic: no worker outlives its pool.
    fn drop(&mut self) {
        self.stop();
    }
}

/// Waits (bounded) for a worker to exit, kills it if it does not, and
/// says how it ended, for the report.
fn reap(worker: &mut Worker) -> String {
    let status = match worker.child.wait_timeout(EXIT_GRACE) {
        Ok(Some(status)) => Ok(status),
        Ok(None) | Err(_) => {
            // Err: it already exited, and wait() collects it below.
            let _ = worker.child.kill();
            worker.child.wait()
        }
    };
    match status {
        Ok(status) => describe(status),
        Err(e) => format!("cannot wait for it: {e}"),
    }
}

/// "killed by signal 9 (SIGKILL)", "panicked (exit status 101)", ...
fn describe(status: ExitStatus) -> String {
    #[cfg(unix)]
    if let Some(signal) = std::os::unix::process::ExitStatusExt::signal(&status)
    {
        let name = nix::sys::signal::Signal::try_from(signal)
            .map_or("unknown", |s| s.as_str());
        return format!("killed by signal {signal} ({name})");
    }
    match status.code() {
        // Rust's exit code after an uncaught panic; the worker's stderr is
        // ours, so the panic message is already on the screen.
        Some(101) => "panicked (exit status 101, message above)".to_owned(),
        Some(code) => format!("exited with status {code}"),
        None => status.to_string(),
    }
}

/// One line to a worker's stdin: the line and its newline in one write,
/// flushed, since the worker is waiting for it.
fn send_line(stdin: &mut ChildStdin, line: &str) -> io::Result<()> {
    let mut bytes = Vec::with_capacity(line.len() + 1);
    bytes.extend_from_slice(line.as_bytes());
    bytes.push(b'\n');
    stdin.write_all(&bytes)?;
    stdin.flush()
}

/// The reader thread of one worker: every line of its stdout becomes an
/// event, then one last event when the pipe closes. One thread per worker
/// lets the parent wait on all of them at once with one `recv`.
fn read_replies(
    slot: usize,
    pid: u32,
    stdout: ChildStdout,
    events: &Sender<Event>,
) {
    for line in BufReader::new(stdout).lines().map_while(Result::ok) {
        if events.send(Event::Line { slot, pid, line }).is_err() {
            return;
        }
    }
    // Err: the pool is gone; it no longer cares.
    let _ = events.send(Event::Closed { slot, pid });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip(error: Error) -> Error {
        let json = serde_json::to_string(&Reply::Err(error)).unwrap();
        match serde_json::from_str(&json).unwrap() {
            Reply::Err(error) => error,
            Reply::Ok(_) => panic!("an error came back as a success"),
        }
    }

    #[test]
    fn errors_cross_the_pipe_with_their_wording() {
        let refused = Error::refused("http://127.0.0.1:9/pages/x");
        let back = round_trip(Error::refused("http://127.0.0.1:9/pages/x"));
        assert_eq!(back.to_string(), refused.to_string());
        // The report's "is the demo server running?" hint depends on it.
        assert!(back.is_local_refusal());

        let write = Error::Write {
            path: "out/page".into(),
            source: io::Error::from(io::ErrorKind::PermissionDenied),
        };
        let text = write.to_string();
        assert_eq!(round_trip(write).to_string(), text);
        for error in [
            Error::Status { code: 404 },
            Error::Timeout { secs: 1.5 },
            Error::TooLarge { limit: 10 },
            Error::CutShort,
            Error::Http("connection reset".into()),
        ] {
            let text = error.to_string();
            assert_eq!(round_trip(error).to_string(), text);
        }
    }

    #[test]
    fn jobs_and_answers_cross_the_pipe() {
        let task = Task::Hash { seed: 3, rounds: 7 };
        let json = serde_json::to_string(&Item::Compute(task.clone())).unwrap();
        let Item::Compute(back) = serde_json::from_str(&json).unwrap() else {
            panic!("not a compute job: {json}");
        };
        assert_eq!(back, task);

        let done = Done::from("14".to_owned());
        let json = serde_json::to_string(&Reply::Ok(done.clone())).unwrap();
        let Reply::Ok(back) = serde_json::from_str(&json).unwrap() else {
            panic!("not a success: {json}");
        };
        assert_eq!(back, done);
    }

    #[cfg(unix)]
    #[test]
    fn exit_statuses_are_described_for_the_report() {
        use std::os::unix::process::ExitStatusExt;
        assert_eq!(
            describe(ExitStatus::from_raw(9)),
            "killed by signal 9 (SIGKILL)"
        );
        assert_eq!(
            describe(ExitStatus::from_raw(101 << 8)),
            "panicked (exit status 101, message above)"
        );
        assert_eq!(
            describe(ExitStatus::from_raw(3 << 8)),
            "exited with status 3"
        );
    }
}
