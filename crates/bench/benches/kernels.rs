//! Criterion: the CPU jobs per approach on a small fixed workload, and what
//! it costs to start one worker: a process or a thread (talk 04: "bringing
//! up a separate Python interpreter is not as fast as starting a new
//! thread").
//!
//! ```text
//! cargo bench -p bench --bench kernels
//! ```
//!
//! Workloads: 8 x `hash_me(seed, 20,000)` (talk 02's job, 20 x 500,000 in
//! the demos) and 8 x `cpu_bound(200,000 + x)` (talk 04's job, 20 x
//! 50,000,000 in the demos), each run sequentially, on 2 threads, on a
//! 2-thread rayon pool (started per job, as thread-pool-demo does, and
//! already running) and in 2 worker processes (copies of this binary).
//! Every approach's answers are checked against the sequential ones before
//! anything is timed; `cargo test --benches` runs that check and each
//! benchmark once.

use std::hint::black_box;
use std::path::Path;
use std::process::Command;
use std::thread;
use std::time::Duration;

use bench::kernels::{self, CHILD_ENV};
use criterion::Criterion;
use shared::Task;

/// Workers for every parallel approach: the reference machine's cores.
const WORKERS: usize = 2;

fn main() {
    // A worker process started by `kernels::processes` (or the spawn
    // benchmark): do its tasks and exit, before criterion sees anything.
    if let Ok(spec) = std::env::var(CHILD_ENV) {
        kernels::child_main(&spec).expect("stdout is the parent's pipe");
        return;
    }
    let exe = std::env::current_exe().expect("a running program has a path");
    let workloads = [
        ("hash_me 8x20000", Task::hashes(8, 20_000)),
        ("sum_of_squares 8x200000", Task::sums(8, 200_000)),
    ];
    for (_, tasks) in &workloads {
        check(&exe, tasks);
    }

    let mut c = Criterion::default().configure_from_args();
    for (name, tasks) in &workloads {
        approaches(&mut c, name, tasks, &exe);
    }
    spawn_cost(&mut c, &exe);
    c.final_summary();
}

/// Every approach computes the sequential answers, in task order.
fn check(exe: &Path, tasks: &[Task]) {
    let expected = kernels::sequential(tasks);
    assert_eq!(kernels::threads(tasks, WORKERS), expected);
    assert_eq!(kernels::rayon(tasks, WORKERS), expected);
    let pool = kernels::rayon_pool(WORKERS);
    assert_eq!(kernels::rayon_on(&pool, tasks), expected);
    let from_processes = kernels::processes(exe, tasks, WORKERS)
        .expect("this binary can start copies of itself");
    assert_eq!(from_processes, expected);
}

/// One criterion group per workload, one benchmark per approach.
fn approaches(c: &mut Criterion, name: &str, tasks: &[Task], exe: &Path) {
    let mut group = c.benchmark_group(name);
    // A few tens of ms per iteration: 10 samples (criterion's minimum) in
    // 3 s is plenty for differences of 2x, and keeps the run short.
    group
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    group.bench_function("seq", |b| {
        b.iter(|| kernels::sequential(black_box(tasks)));
    });
    group.bench_function("threads-2", |b| {
        b.iter(|| kernels::threads(black_box(tasks), WORKERS));
    });
    group.bench_function("rayon-2", |b| {
        b.iter(|| kernels::rayon(black_box(tasks), WORKERS));
    });
    // The same without the pool's start-up: a program that keeps its pool
    // pays that once, not per job.
    let pool = kernels::rayon_pool(WORKERS);
    group.bench_function("rayon-2-pool-reused", |b| {
        b.iter(|| kernels::rayon_on(&pool, black_box(tasks)));
    });
    group.bench_function("processes-2", |b| {
        b.iter(|| {
            kernels::processes(exe, black_box(tasks), WORKERS)
                .expect("checked in `check`: the workers start and answer")
        });
    });
    group.finish();
}

// ANCHOR: spawn_cost
/// Start one worker and wait for it to end, doing nothing in between.
fn spawn_cost(c: &mut Criterion, exe: &Path) {
    let mut group = c.benchmark_group("spawn+exit");
    group
        .sample_size(30)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(3));
    group.bench_function("thread", |b| {
        b.iter(|| {
            thread::spawn(|| ())
                .join()
                .expect("an empty closure does not panic");
        });
    });
    // thread-pool-demo's start-up: a pool of 2 threads, one empty job on
    // it (so it is running), dropped (its threads exit on their own).
    group.bench_function("rayon-pool-2", |b| {
        b.iter(|| kernels::rayon_pool(WORKERS).install(|| ()));
    });
    // The smallest program there is: coreutils' `true`, found on PATH.
    group.bench_function("process-true", |b| {
        b.iter(|| {
            let status = Command::new("true").status();
            assert!(status.expect("`true` is on PATH").success());
        });
    });
    // What multiprocess-demo starts: a Rust program (here this bench
    // binary, as a worker with no tasks) that exits at once.
    group.bench_function("process-rust", |b| {
        b.iter(|| {
            let status = Command::new(exe).env(CHILD_ENV, "").status();
            assert!(status.expect("this binary can start").success());
        });
    });
    group.finish();
}
// ANCHOR_END: spawn_cost
