//! The CPU job per approach, as the demos run it minus their bookkeeping
//! (no clock, no report): seq-demo's loop, threaded-queue-demo's threads
//! on a crossbeam channel, thread-pool-demo's rayon pool, and
//! multiprocess-demo's worker processes.
//!
//! Each function takes the tasks and returns their answers in task order,
//! so the benches and the tests can check every approach against
//! [`sequential`]. Timed by `cargo bench -p bench --bench kernels`.

use std::io::{self, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;

use rayon::prelude::*;
use shared::Task;

/// The environment variable that turns a bench binary into a worker
/// process for [`processes`]: its value is the worker's tasks, as
/// [`child_spec`] writes them.
pub const CHILD_ENV: &str = "BENCH_KERNEL_CHILD";

/// seq-demo: one task after the other, on this thread.
pub fn sequential(tasks: &[Task]) -> Vec<String> {
    tasks.iter().map(Task::compute).collect()
}

/// threaded-queue-demo: `workers` scoped threads take tasks from one
/// crossbeam channel (the slide's `Queue`) until it is empty.
///
/// The threads are started on every call, as the demo starts them on every
/// run, so their start-up is part of the time. Unlike the slide's Python
/// threads they really run at once: there is no GIL.
pub fn threads(tasks: &[Task], workers: usize) -> Vec<String> {
    let (queue, todo) = crossbeam_channel::unbounded();
    for job in tasks.iter().enumerate() {
        queue.send(job).expect("the receiver is alive: we hold it");
    }
    // Closed: a worker's loop ends when the channel is empty.
    drop(queue);
    let (results, answers) = crossbeam_channel::unbounded();
    thread::scope(|s| {
        for _ in 0..workers {
            let (todo, results) = (todo.clone(), results.clone());
            s.spawn(move || {
                for (i, task) in todo {
                    results
                        .send((i, task.compute()))
                        .expect("the receiver is alive until the scope ends");
                }
            });
        }
    });
    // Every sender is gone (the workers' clones ended with them), so
    // this loop stops after the last answer.
    drop(results);
    in_order(tasks.len(), answers)
}

/// thread-pool-demo: a rayon pool of exactly `workers` threads, built on
/// every call as the demo builds it on every run, and `par_iter` over the
/// tasks (the slide's `executor.map`).
pub fn rayon(tasks: &[Task], workers: usize) -> Vec<String> {
    rayon_on(&rayon_pool(workers), tasks)
}

/// A rayon pool of exactly `workers` threads (not rayon's global pool,
/// whose size the program cannot choose after first use).
pub fn rayon_pool(workers: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()
        .unwrap_or_else(|e| panic!("cannot start {workers} threads: {e}"))
}

/// `par_iter` over the tasks on a pool that is already running: what
/// [`rayon()`](fn@rayon) costs without starting the pool.
pub fn rayon_on(pool: &rayon::ThreadPool, tasks: &[Task]) -> Vec<String> {
    pool.install(|| tasks.par_iter().map(Task::compute).collect())
}

/// multiprocess-demo's idea: `workers` copies of the executable `exe` run
/// the tasks and send their answers back over a pipe (their stdout).
///
/// `exe` must call [`child_main`] first thing when [`CHILD_ENV`] is set
/// (the bench binary does). The split is static, task `i` to worker
/// `i % workers`, where the demo hands out tasks one by one: with equal
/// tasks and a count divisible by `workers`, both give each worker the
/// same share, and the static one needs no protocol. What this adds to
/// [`threads`] is a process start, the child's runtime start-up and exit,
/// and the pipe.
pub fn processes(
    exe: &Path,
    tasks: &[Task],
    workers: usize,
) -> io::Result<Vec<String>> {
    let workers = workers.max(1);
    // Start them all first, then wait: they run at once.
    let children = (0..workers)
        .map(|w| {
            let mine: Vec<Task> =
                tasks.iter().skip(w).step_by(workers).cloned().collect();
            Command::new(exe)
                .env(CHILD_ENV, child_spec(&mine))
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .spawn()
        })
        .collect::<io::Result<Vec<_>>>()?;
    let mut answers = vec![String::new(); tasks.len()];
    for (w, child) in children.into_iter().enumerate() {
        let output = child.wait_with_output()?;
        if !output.status.success() {
            return Err(io::Error::other(format!(
                "worker {w} failed: {}",
                output.status
            )));
        }
        let text = String::from_utf8(output.stdout)
            .map_err(|e| io::Error::other(format!("worker {w}: {e}")))?;
        let lines: Vec<&str> = text.lines().collect();
        let slots: Vec<&mut String> =
            answers.iter_mut().skip(w).step_by(workers).collect();
        if lines.len() != slots.len() {
            // Do not let a worker that did nothing pass for a fast one.
            return Err(io::Error::other(format!(
                "worker {w} sent {} answers for {} tasks",
                lines.len(),
                slots.len()
            )));
        }
        for (slot, line) in slots.into_iter().zip(lines) {
            line.clone_into(slot);
        }
    }
    Ok(answers)
}

/// A worker process's whole life: compute the tasks in `spec` (from
/// [`CHILD_ENV`]) and print one answer per line. An empty `spec` starts
/// and exits at once, which is how the bench times a bare process start.
pub fn child_main(spec: &str) -> io::Result<()> {
    let tasks = parse_spec(spec)?;
    let mut out = io::stdout().lock();
    for task in tasks {
        writeln!(out, "{}", task.compute())?;
    }
    out.flush()
}

/// Tasks as one line of text for [`CHILD_ENV`]: `hash:SEED:ROUNDS` and
/// `sum:N`, separated by spaces.
pub fn child_spec(tasks: &[Task]) -> String {
    let words: Vec<String> = tasks
        .iter()
        .map(|task| match task {
            Task::Hash { seed, rounds } => format!("hash:{seed}:{rounds}"),
            Task::SumSquares { n } => format!("sum:{n}"),
        })
        .collect();
    words.join(" ")
}

/// The inverse of [`child_spec`].
fn parse_spec(spec: &str) -> io::Result<Vec<Task>> {
    spec.split_whitespace()
        .map(|word| {
            let parts: Vec<&str> = word.split(':').collect();
            let number = |s: &str| {
                s.parse::<u64>().map_err(|e| {
                    io::Error::other(format!("bad task {word:?}: {e}"))
                })
            };
            match parts[..] {
                ["hash", seed, rounds] => Ok(Task::Hash {
                    seed: number(seed)?,
                    rounds: number(rounds)?,
                }),
                ["sum", n] => Ok(Task::SumSquares { n: number(n)? }),
                _ => Err(io::Error::other(format!("bad task {word:?}"))),
            }
        })
        .collect()
}

/// Answers `(task number, answer)`, in whatever order they came, put back
/// in task order.
fn in_order(
    count: usize,
    answers: crossbeam_channel::Receiver<(usize, String)>,
) -> Vec<String> {
    let mut ordered = vec![String::new(); count];
    for (i, answer) in answers {
        ordered[i] = answer;
    }
    ordered
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mixed() -> Vec<Task> {
        let mut tasks = Task::hashes(5, 300);
        tasks.extend(Task::sums(4, 1_000));
        tasks
    }

    #[test]
    fn threads_and_rayon_agree_with_sequential_in_task_order() {
        let tasks = mixed();
        let expected = sequential(&tasks);
        assert_eq!(expected.len(), 9);
        assert_eq!(expected[5], Task::SumSquares { n: 1_000 }.compute());
        for workers in [1, 2, 3, 16] {
            assert_eq!(threads(&tasks, workers), expected, "{workers}");
            assert_eq!(rayon(&tasks, workers), expected, "{workers}");
            let pool = rayon_pool(workers);
            assert_eq!(rayon_on(&pool, &tasks), expected, "{workers}");
        }
        assert!(threads(&[], 2).is_empty());
    }

    #[test]
    fn child_spec_round_trips() {
        let tasks = mixed();
        let spec = child_spec(&tasks);
        assert!(spec.starts_with("hash:0:300 hash:1:300"), "{spec}");
        assert_eq!(parse_spec(&spec).unwrap(), tasks);
        assert!(parse_spec("").unwrap().is_empty());
        assert!(parse_spec("hash:1").is_err());
        assert!(parse_spec("sum:-3").is_err());
        assert!(parse_spec("mul:2:3").is_err());
    }

    #[test]
    fn processes_reports_workers_that_fail_or_answer_nothing() {
        // The real worker is the bench binary (`cargo test --benches`
        // checks its answers); here, the two ways a worker can go wrong.
        let missing = Path::new("/nonexistent/bench-worker");
        let err = processes(missing, &mixed(), 2).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::NotFound, "{err}");
        // `true` ignores the tasks, prints nothing and exits 0.
        let err = processes(Path::new("true"), &mixed(), 2).unwrap_err();
        assert_eq!(err.to_string(), "worker 0 sent 0 answers for 5 tasks");
        let err = processes(Path::new("false"), &mixed(), 2).unwrap_err();
        assert!(err.to_string().starts_with("worker 0 failed"), "{err}");
    }
}
