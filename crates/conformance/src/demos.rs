//! The demo under test, and running every case against it.
//!
//! Each demo package runs the suite on its own binary from its own
//! integration test, with the path cargo built for that test:
//!
//! ```text
//! conformance::check(env!("CARGO_BIN_EXE_seq-demo"));
//! ```
//!
//! So no test builds anything itself, and `cargo test -p seq-demo` runs
//! every case against the seq-demo it just built.

use std::path::PathBuf;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;

use crate::{Case, Verdict, cases, results_table, run_case};

/// One demo: the short name of the tables and its package (and binary).
#[derive(Clone, Debug)]
pub struct Demo {
    /// e.g. `tokio`: the column of the results table.
    pub name: String,
    /// e.g. `tokio-demo`: the package, the binary, and the first word of
    /// every line it prints.
    pub package: String,
    /// The built executable.
    pub binary: PathBuf,
    /// Flags added after every case's own, for a demo that needs more
    /// than the shared CLI to run at all (cluster-demo's `--broker URL`).
    pub args: Vec<String>,
}

impl Demo {
    /// The demo whose binary is at `binary` (`.../tokio-demo`): its
    /// package is the file's name, its short name that without `-demo`.
    pub fn at(binary: impl Into<PathBuf>) -> Demo {
        let binary = binary.into();
        let package = binary
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let name = package.strip_suffix("-demo").unwrap_or(&package).to_owned();
        Demo {
            name,
            package,
            binary,
            args: Vec::new(),
        }
    }
}

/// Runs at once: each is a demo process plus a demo server thread, and
/// most of a run is waiting; more would only crowd the two cores.
const PARALLEL: usize = 3;

/// Runs every case against the demo at `binary`, prints the table, and
/// panics naming every case that failed. A case whose setup or run goes
/// wrong is a failed row, not a crash: the others still run.
///
/// `CONFORMANCE_CASES=redirect,timeout` runs only the cases whose name
/// contains one of those words.
pub fn check(binary: &str) {
    check_demo(&Demo::at(binary));
}

/// [`check`] with `args` after every case's own flags:
/// `check_with(bin, &["--broker", &url])` for cluster-demo.
pub fn check_with(binary: &str, args: &[&str]) {
    let mut demo = Demo::at(binary);
    demo.args = args.iter().map(|&a| a.to_owned()).collect();
    check_demo(&demo);
}

fn check_demo(demo: &Demo) {
    // The demo servers run in this process, and the 10,000-URL case with
    // an unbounded async demo holds 10,000 of their sockets at once.
    let _ = rlimit::increase_nofile_limit(u64::MAX);
    let cases = selected();
    let (alone, together): (Vec<&Case>, Vec<&Case>) =
        cases.iter().partition(|case| case.alone);

    let verdicts = Mutex::new(Vec::new());
    let next = AtomicUsize::new(0);
    thread::scope(|s| {
        for _ in 0..PARALLEL {
            s.spawn(|| {
                while let Some(case) =
                    together.get(next.fetch_add(1, Ordering::Relaxed))
                {
                    let verdict = run_case(case, demo);
                    verdicts
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(verdict);
                }
            });
        }
    });
    // The heavy ones one at a time, with the demo to themselves.
    let mut verdicts: Vec<Verdict> =
        verdicts.into_inner().unwrap_or_else(|e| e.into_inner());
    for case in alone {
        verdicts.push(run_case(case, demo));
    }

    let table = results_table(&cases, &verdicts);
    println!("{table}");
    let failed: Vec<&str> = verdicts
        .iter()
        .filter(|v| v.failed())
        .map(|v| v.case)
        .collect();
    assert!(
        failed.is_empty(),
        "{}: {} of {} cases failed: {}\n\n{table}",
        demo.package,
        failed.len(),
        verdicts.len(),
        failed.join("; ")
    );
    assert_eq!(verdicts.len(), cases.len(), "every case has a verdict");
}

/// The cases to run: all, unless narrowed by `CONFORMANCE_CASES`.
fn selected() -> Vec<Case> {
    let filter: Vec<String> = std::env::var("CONFORMANCE_CASES")
        .map(|v| v.split(',').map(str::to_owned).collect())
        .unwrap_or_default();
    cases()
        .into_iter()
        .filter(|c| {
            filter.is_empty()
                || filter.iter().any(|f| c.name.contains(f.as_str()))
        })
        .collect()
}
