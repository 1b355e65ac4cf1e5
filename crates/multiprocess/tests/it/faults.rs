//! multiprocess-demo's faults, end to end: a worker process killed
//! mid-download, and the parent interrupted (SIGINT, SIGTERM) or killed
//! while its workers run. Linux only: the tests find the worker processes
//! in /proc.
#![cfg(target_os = "linux")]

use std::fs::{self, File};
use std::path::{Path, PathBuf};
use std::process::{Child, Command};
use std::time::Duration;

use nix::sys::signal::{Signal, kill};
use nix::unistd::Pid;
use testkit::{Fixture, eventually};

const BIN: &str = env!("CARGO_BIN_EXE_multiprocess-demo");

/// The demo running in the background, its output going to files, so the
/// test can signal it and its workers while it runs.
struct Demo {
    child: Child,
    stdout: PathBuf,
    stderr: PathBuf,
}

impl Demo {
    fn start(fx: &Fixture, urls: &[String], extra: &[&str]) -> Demo {
        let list = fx.url_file(urls);
        let stdout = fx.dir.path().join("stdout.txt");
        let stderr = fx.dir.path().join("stderr.txt");
        let child = testkit::command(BIN)
            .arg("--urls")
            .arg(list)
            .arg("--out")
            .arg(fx.out())
            .args(extra)
            .stdout(File::create(&stdout).unwrap())
            .stderr(File::create(&stderr).unwrap())
            .spawn()
            .unwrap();
        Demo {
            child,
            stdout,
            stderr,
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Waits at most `limit` for the demo to exit (killing it and failing
    /// the test if it does not) and returns what it printed.
    fn wait(mut self, limit: Duration) -> testkit::Run {
        let status = eventually(limit, "the demo to exit", || {
            self.child.try_wait().unwrap()
        });
        testkit::Run {
            code: status.code(),
            stdout: fs::read_to_string(&self.stdout).unwrap(),
            stderr: fs::read_to_string(&self.stderr).unwrap(),
        }
    }
}

impl Drop for Demo {
    /// A failed assertion must not leave the demo running.
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What /proc says about one process.
struct Proc {
    /// `R`, `S`, ..., or `Z` for a zombie (dead, not yet reaped).
    state: char,
    ppid: u32,
    /// Its command line has the pool's worker flag.
    worker: bool,
}

fn process(pid: u32) -> Option<Proc> {
    let stat = fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) state ppid ...": comm may hold spaces or parentheses,
    // so read the fields after the last ')'.
    let mut fields = stat.rsplit_once(')')?.1.split_whitespace();
    let state = fields.next()?.chars().next()?;
    let ppid = fields.next()?.parse().ok()?;
    let cmdline = fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let worker = cmdline
        .split(|&b| b == 0)
        .any(|arg| arg == b"--pool-worker");
    Some(Proc {
        state,
        ppid,
        worker,
    })
}

/// The live worker processes whose parent is `parent`.
fn workers_of(parent: u32) -> Vec<u32> {
    let mut pids: Vec<u32> = fs::read_dir("/proc")
        .unwrap()
        .filter_map(|entry| entry.ok()?.file_name().to_str()?.parse().ok())
        .filter(|&pid| {
            process(pid)
                .is_some_and(|p| p.ppid == parent && p.worker && p.state != 'Z')
        })
        .collect();
    pids.sort_unstable();
    pids
}

/// Waits until the demo has `n` worker processes, the server holds one
/// request from each, and at least `requests` requests have arrived.
fn busy_workers(
    fx: &Fixture,
    demo: &Demo,
    n: usize,
    requests: u64,
) -> Vec<u32> {
    eventually(Duration::from_secs(20), "busy workers", || {
        let workers = workers_of(demo.pid());
        let stats = fx.server.stats();
        let busy = workers.len() == n
            && stats.in_flight == n as u64
            && stats.requests >= requests;
        busy.then_some(workers)
    })
}

fn signal(pid: u32, signal: Signal) {
    let pid = Pid::from_raw(i32::try_from(pid).unwrap());
    kill(pid, signal).unwrap();
}

#[test]
fn a_killed_worker_loses_only_its_url_and_is_replaced() {
    let fx = Fixture::with_latency(300);
    let urls = fx.pages(12);
    let trace_path = fx.dir.path().join("trace.jsonl");
    let trace_arg = trace_path.display().to_string();
    let demo =
        Demo::start(&fx, &urls, &["--workers", "3", "--trace", &trace_arg]);
    // Kill one worker while it waits for its first answer.
    let workers = busy_workers(&fx, &demo, 3, 3);
    signal(workers[0], Signal::SIGKILL);
    let run = demo.wait(testkit::RUN_LIMIT);

    assert_eq!(run.code, Some(1), "{run:?}");
    assert!(run.stdout.contains("11/12 URLs"), "{run:?}");
    assert!(run.stdout.trim_end().ends_with("1 failed"), "{run:?}");
    // One error line, naming the URL the dead worker had.
    let errors: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(errors.len(), 1, "{run:?}");
    assert!(
        errors[0].ends_with("died: killed by signal 9 (SIGKILL)"),
        "{run:?}"
    );
    let lost = urls
        .iter()
        .find(|url| errors[0].contains(&format!("error: {url}: worker ")))
        .unwrap_or_else(|| panic!("no URL of ours named: {run:?}"));
    // Every other URL was saved; the lost one died mid-request, before
    // anything was written; no temp file was left behind.
    for url in urls.iter().filter(|&url| url != lost) {
        fx.assert_saved(url);
    }
    fx.assert_not_saved(lost);
    assert_eq!(fx.saved_files().len(), 11, "{:?}", fx.saved_files());

    let stats = fx.server.stats();
    // The lost URL was not tried again...
    assert_eq!(stats.requests, 12, "{stats:?}");
    // ...and a new process, with a Session of its own, took the slot.
    assert_eq!(stats.connections, 4, "{stats:?}");
    let trace: Vec<serde_json::Value> = fs::read_to_string(&trace_path)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let failed = trace.iter().find(|l| l["ok"] == false).unwrap();
    let after = trace.iter().filter(|l| {
        l["worker"] == failed["worker"]
            && l["ok"] == true
            && l["start_ms"].as_f64() >= failed["end_ms"].as_f64()
    });
    assert!(after.count() > 0, "the slot stayed empty: {trace:?}");
    // At the end the parent told the survivors to finish and reaped them:
    // not even a zombie is left under their pids.
    for &pid in &workers[1..] {
        assert!(process(pid).is_none(), "worker {pid} outlived the demo");
    }
}

/// Interrupts the demo with `sig` while three workers wait on the server,
/// and checks that the parent stopped and reaped all of them.
fn interrupted_parent_leaves_no_worker(sig: Signal) {
    let fx = Fixture::with_latency(300);
    let urls = fx.pages(12);
    let demo = Demo::start(&fx, &urls, &["--workers", "3"]);
    // The second round: three URLs saved, three more in flight.
    let workers = busy_workers(&fx, &demo, 3, 6);
    signal(demo.pid(), sig);
    let run = demo.wait(Duration::from_secs(10));

    assert_eq!(run.code, Some(130), "{run:?}");
    assert!(
        run.stderr
            .contains("interrupted: stopped 3 worker processes"),
        "{run:?}"
    );
    // The parent reaped every worker before it exited: not even a zombie
    // is left under those pids.
    for pid in workers {
        assert!(process(pid).is_none(), "worker {pid} outlived the demo");
    }
    // What was saved before the interrupt is whole, and nothing else is
    // in the folder (no temp file from a write cut short).
    let saved: Vec<&String> = urls
        .iter()
        .filter(|url| shared::filename_for_url(url, fx.out()).exists())
        .collect();
    assert!(saved.len() >= 3, "{saved:?}");
    for url in &saved {
        fx.assert_saved(url);
    }
    assert_eq!(
        fx.saved_files().len(),
        saved.len(),
        "{:?}",
        fx.saved_files()
    );
}

#[test]
fn ctrl_c_stops_and_reaps_every_worker() {
    interrupted_parent_leaves_no_worker(Signal::SIGINT);
}

#[test]
fn sigterm_stops_and_reaps_every_worker() {
    interrupted_parent_leaves_no_worker(Signal::SIGTERM);
}

#[test]
fn workers_die_with_a_killed_parent() {
    // Three answers that take 20 s: the workers are stuck in a request,
    // not reading stdin, so only the parent-death signal can stop them
    // within the 5 s this test allows.
    let fx = Fixture::with_latency(0);
    let urls: Vec<String> = (0..3)
        .map(|i| fx.server.url(&format!("/delay/{}", 20_000 + i)))
        .collect();
    let demo = Demo::start(&fx, &urls, &["--workers", "3"]);
    let workers = busy_workers(&fx, &demo, 3, 3);
    // SIGKILL: no code of the parent runs, no handler, no cleanup.
    signal(demo.pid(), Signal::SIGKILL);
    let run = demo.wait(Duration::from_secs(10));
    assert_eq!(run.code, None, "{run:?}");

    // The kernel's parent-death signal ends each worker. Their new parent
    // (PID 1 or a subreaper) may never reap them, so a zombie counts as
    // gone: it runs nothing and holds nothing but its pid.
    eventually(Duration::from_secs(5), "the workers to die", || {
        let alive = |&pid: &u32| {
            process(pid).is_some_and(|p| p.worker && p.state != 'Z')
        };
        (!workers.iter().any(alive)).then_some(())
    });
}

#[test]
fn no_url_is_dropped_when_no_worker_can_start() {
    // A copy of the demo that is deleted while it waits for its URL list
    // (a FIFO): it can no longer start copies of itself.
    // The copy sits beside the binary cargo built, where programs can run
    // (the temp folder may be mounted noexec). `cp` makes it, not
    // `fs::copy`: a file this process had open for writing stays open in
    // any child another test thread forks meanwhile, and the kernel will
    // not run a program someone holds open for writing (`Text file busy`).
    let fx = Fixture::with_latency(0);
    let exe = Path::new(BIN)
        .with_file_name(format!("doomed-demo-{}", std::process::id()));
    let copied = Command::new("cp").arg(BIN).arg(&exe).status().unwrap();
    assert!(copied.success(), "cp {BIN} {}: {copied}", exe.display());
    let fifo = fx.dir.path().join("urls.fifo");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let stderr = fx.dir.path().join("stderr.txt");
    let mut demo = testkit::command(&exe)
        .arg("--urls")
        .arg(&fifo)
        .arg("--out")
        .arg(fx.out())
        .stdout(File::create(fx.dir.path().join("stdout.txt")).unwrap())
        .stderr(File::create(&stderr).unwrap())
        .spawn()
        .unwrap();
    fs::remove_file(&exe).unwrap();
    // Opening the FIFO for writing blocks until the demo opens it to read.
    let urls = fx.pages(3);
    fs::write(&fifo, urls.join("\n") + "\n").unwrap();
    let status =
        eventually(Duration::from_secs(20), "the demo to exit", || {
            demo.try_wait().unwrap()
        });

    assert_eq!(status.code(), Some(1));
    let stderr = fs::read_to_string(&stderr).unwrap();
    for url in &urls {
        let line = stderr
            .lines()
            .find(|l| l.contains(url.as_str()))
            .unwrap_or_else(|| panic!("{url} not reported: {stderr}"));
        assert!(line.contains("could not be started"), "{line}");
    }
    assert_eq!(fx.server.stats().requests, 0);
}
