//! A small `multiprocessing.Pool`: [`Pool::map`] in the parent,
//! [`serve_if_worker`] in each worker process. Parent and workers are the
//! same program: `map` starts it again with the argument `worker`, and
//! `serve_if_worker`, the first line of each example's `main`, turns that
//! copy into a worker.
//!
//! Python pickles the mapped function by name and the child looks it up.
//! No code crosses a process boundary here either: `main` tells the worker
//! which function to run, and only the URLs (one per line) and the answers
//! (one JSON line each) cross the pipes.

use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::thread;

/// One item's answer, as it crosses the pipe: the bytes saved, or the
/// error's message.
pub type Answer = Result<usize, String>;

/// In a worker process: run `initializer` once, then `func` on each URL
/// read from stdin, one JSON [`Answer`] line back per URL, until stdin
/// ends; then `true`. In the parent: `false`, at once.
pub fn serve_if_worker(
    initializer: Option<fn()>,
    func: fn(&str) -> shared::Result<usize>,
) -> bool {
    if std::env::args().nth(1).as_deref() != Some("worker") {
        return false;
    }
    if let Some(initializer) = initializer {
        initializer();
    }
    let mut out = io::stdout().lock();
    for url in io::stdin().lock().lines().map_while(Result::ok) {
        let answer: Answer = func(&url).map_err(|e| e.to_string());
        let line = serde_json::to_string(&answer).expect("an Answer is JSON");
        // The parent waits for this line: flush it. If that fails, the
        // parent is gone, and so is the reason to go on.
        if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
            break;
        }
    }
    true
}

/// `multiprocessing.Pool(processes)`: how many workers `map` starts.
pub struct Pool {
    processes: usize,
}

impl Pool {
    pub fn new(processes: usize) -> Pool {
        Pool {
            processes: processes.max(1),
        }
    }

    /// `pool.map(func, urls)`: the answers, in the URLs' order. One parent
    /// thread per worker process takes the next URL from a shared iterator
    /// and waits for its answer, so a URL goes to whichever worker is free
    /// (Python's `chunksize=1`). Every worker has exited when it returns.
    pub fn map(&self, urls: &[String]) -> io::Result<Vec<Answer>> {
        let exe = std::env::current_exe()?;
        let todo = Mutex::new(urls.iter().enumerate());
        let per_worker: Vec<_> = thread::scope(|s| {
            let workers: Vec<_> = (0..self.processes.min(urls.len()))
                .map(|_| s.spawn(|| feed_worker(&exe, &todo)))
                .collect();
            let joined = workers.into_iter().map(|w| w.join());
            joined
                .map(|r| r.expect("feed_worker never panics"))
                .collect()
        });
        let mut answers = vec![None; urls.len()];
        for mine in per_worker {
            for (i, answer) in mine? {
                answers[i] = Some(answer);
            }
        }
        Ok(answers
            .into_iter()
            .map(|a| a.expect("all answered"))
            .collect())
    }
}

/// Starts one worker and feeds it URLs from `todo` until none are left.
fn feed_worker<'a>(
    exe: &Path,
    todo: &Mutex<impl Iterator<Item = (usize, &'a String)>>,
) -> io::Result<Vec<(usize, Answer)>> {
    let mut child = Command::new(exe)
        .arg("worker")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut to_worker = child.stdin.take().expect("stdin is piped");
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut from_worker = BufReader::new(stdout);
    let (mut answers, mut line) = (Vec::new(), String::new());
    loop {
        // Take the next URL, and let go of the lock before the wait.
        let next = todo.lock().expect("no thread panics holding it").next();
        let Some((i, url)) = next else { break };
        writeln!(to_worker, "{url}")?;
        line.clear();
        if from_worker.read_line(&mut line)? == 0 {
            return Err(io::Error::other(format!("the worker died on {url}")));
        }
        answers.push((i, serde_json::from_str(&line)?));
    }
    drop(to_worker); // end of input: the worker's loop ends, it exits
    child.wait()?;
    Ok(answers)
}
