//! Every case of the table against every demo binary: the same bad input
//! and the same faults, seven approaches, one expected behaviour.
//!
//! Run: `cargo test -p conformance --test suite -- --nocapture` to see the
//! table of cases x approaches (it is printed in the failure message
//! too). While working on one thing, narrow it down:
//! `CONFORMANCE_CASES=redirect CONFORMANCE_DEMOS=seq,tokio cargo test -p
//! conformance --test suite` runs only the cases whose name contains
//! "redirect", on those two demos.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use conformance::{Case, Demo, Verdict, cases, demos, results_table, run_case};

/// Runs at once: each is a demo process plus a demo server thread, and
/// most of a run is waiting; more would only crowd the two cores.
const PARALLEL: usize = 3;

/// The cases and demos to run: all, unless narrowed by the environment.
fn selected() -> (Vec<Case>, Vec<&'static Demo>) {
    let wanted = |var: &str| -> Vec<String> {
        std::env::var(var)
            .map(|v| v.split(',').map(str::to_owned).collect())
            .unwrap_or_default()
    };
    let (case_filter, demo_filter) =
        (wanted("CONFORMANCE_CASES"), wanted("CONFORMANCE_DEMOS"));
    let cases = cases()
        .into_iter()
        .filter(|c| {
            case_filter.is_empty()
                || case_filter.iter().any(|f| c.name.contains(f.as_str()))
        })
        .collect();
    let demos = demos()
        .iter()
        .filter(|d| {
            demo_filter.is_empty() || demo_filter.iter().any(|f| f == d.name)
        })
        .collect();
    (cases, demos)
}

#[test]
fn every_case_on_every_demo() {
    // The demo servers run in this process, and the 10,000-URL case with
    // an unbounded async demo holds 10,000 of their sockets at once.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let (cases, demos) = selected();
    let jobs: Vec<(&Case, &Demo)> = cases
        .iter()
        .flat_map(|case| demos.iter().map(move |demo| (case, *demo)))
        .collect();
    let (alone, shared): (Vec<_>, Vec<_>) =
        jobs.into_iter().partition(|(case, _)| case.alone);

    let verdicts = Mutex::new(Vec::new());
    let next = AtomicUsize::new(0);
    thread::scope(|s| {
        for _ in 0..PARALLEL {
            s.spawn(|| {
                while let Some(&(case, demo)) =
                    shared.get(next.fetch_add(1, Ordering::Relaxed))
                {
                    let verdict = run_case(case, demo);
                    verdicts.lock().unwrap().push(verdict);
                }
            });
        }
    });
    // The heavy ones one at a time, with the machine to themselves.
    for (case, demo) in alone {
        let verdict = run_case(case, demo);
        verdicts.lock().unwrap().push(verdict);
    }

    let verdicts: Vec<Verdict> = verdicts.into_inner().unwrap();
    let table = results_table(&cases, &verdicts);
    println!("{table}");
    let failed = verdicts
        .iter()
        .filter(|v| !v.differences.is_empty())
        .count();
    assert_eq!(failed, 0, "{failed} runs differ from the table:\n{table}");
    assert_eq!(verdicts.len(), cases.len() * demos.len());
}
