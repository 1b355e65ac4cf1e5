//! Ctrl-C (or SIGTERM, SIGHUP) during a run: stop at once, report what
//! finished, leave no temporary file, exit with 130.
//!
//! In Python, Ctrl-C raises `KeyboardInterrupt` in the main thread only;
//! a `ThreadPoolExecutor` then waits for every running download before the
//! program can end, and worker processes get the signal too and print a
//! traceback each. Here the signal goes to one handler thread (the `ctrlc`
//! crate), which takes the run over from whatever the approach is doing:
//!
//! 1. it waits for file writes in progress and holds off new ones, so every
//!    file in `--out` is complete or absent;
//! 2. it runs the approach's own stop hook, if any ([`on_interrupt`]:
//!    multiprocess-demo kills and reaps its worker processes there);
//! 3. it removes the temporary files this run left in `--out` (a worker
//!    process killed mid-write leaves one);
//! 4. it prints the usual report for the items that finished, counting the
//!    rest as unfinished, and exits with 130 (128 + SIGINT, as shells do).
//!
//! Threads blocked in a download simply end with the process: Rust has no
//! `KeyboardInterrupt` to raise in them, and no need to.
//! Try it: `cargo run -p seq-demo`, then Ctrl-C after a second.

use std::collections::HashSet;
use std::ffi::OsString;
use std::sync::{Arc, Mutex, MutexGuard, Once, PoisonError};

use crate::{Common, Run, files, report};

/// Exit code after Ctrl-C, SIGTERM or SIGHUP: 128 + SIGINT.
pub const INTERRUPTED: i32 = 130;

/// The run being watched, and what the handler needs to finish it.
struct Watched {
    run: Arc<Run>,
    common: Common,
    /// Every item of the run: URLs, bad lines of the URL file, tasks.
    total: usize,
    /// Temporary files in `--out` before the run: not ours to remove.
    temp_before: HashSet<OsString>,
}

/// The handler's state, shared with the main thread.
struct State {
    watched: Option<Watched>,
    /// The approach's stop hook and the id of the guard that removes it.
    hook: Option<(u64, Box<dyn FnOnce() + Send>)>,
    next_hook: u64,
    /// The report is being printed, by the main thread at the end of the
    /// run or by the handler: whoever comes second does nothing.
    reporting: bool,
}

static STATE: Mutex<State> = Mutex::new(State {
    watched: None,
    hook: None,
    next_hook: 0,
    reporting: false,
});

/// The state, even if a thread panicked while holding it (every field is
/// valid after each single assignment).
fn state() -> MutexGuard<'static, State> {
    STATE.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs `stop` when Ctrl-C (or SIGTERM, SIGHUP) arrives during the run,
/// before the report is printed: the place to stop what the approach
/// started outside this process. `stop` runs on the handler's thread, and
/// the process exits when it returns, so it must return promptly.
///
/// One hook at a time; dropping the returned guard removes it.
#[must_use = "the hook is removed when the guard is dropped"]
pub fn on_interrupt(stop: impl FnOnce() + Send + 'static) -> OnInterrupt {
    let mut state = state();
    state.next_hook += 1;
    let id = state.next_hook;
    state.hook = Some((id, Box::new(stop)));
    OnInterrupt { id }
}

/// Keeps a hook of [`on_interrupt`] in place until dropped.
#[derive(Debug)]
pub struct OnInterrupt {
    id: u64,
}

impl Drop for OnInterrupt {
    fn drop(&mut self) {
        let mut state = state();
        if state.hook.as_ref().is_some_and(|(id, _)| *id == self.id) {
            state.hook = None;
        }
    }
}

/// Installs the handler (once per process) and makes `run` the run it
/// finishes if a signal comes.
pub(crate) fn watch(run: &Arc<Run>, common: &Common, total: usize) {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        if let Err(e) = ctrlc::set_handler(handle) {
            eprintln!(
                "{}: warning: cannot catch Ctrl-C ({e}); an interrupted run \
                 may leave temporary files in {}",
                run.approach,
                run.out.display()
            );
        }
    });
    let temp_before = files::temp_files(&run.out);
    state().watched = Some(Watched {
        run: Arc::clone(run),
        common: common.clone(),
        total,
        temp_before,
    });
}

/// Called by the main thread when the run is over, before its report.
/// Returns normally if the report is the main thread's to print; if the
/// handler is already finishing the run, waits for it to end the process.
pub(crate) fn claim_report() {
    let mut state = state();
    if state.reporting {
        drop(state);
        // The handler prints the report and exits; nothing left to do.
        loop {
            std::thread::park();
        }
    }
    state.reporting = true;
    state.watched = None;
}

/// The signal handler, on `ctrlc`'s own thread.
fn handle() {
    let (watched, hook) = {
        let mut state = state();
        if state.reporting {
            // The run is over and its report is being printed: let the
            // process finish normally.
            return;
        }
        state.reporting = true;
        (state.watched.take(), state.hook.take())
    };
    let Some(watched) = watched else {
        // Before the run started (reading the URL file): nothing to report.
        std::process::exit(INTERRUPTED);
    };
    files::hold_writes();
    if let Some((_, stop)) = hook {
        stop();
    }
    let run = &watched.run;
    if !run.out.as_os_str().is_empty() {
        files::remove_new_temp_files(&run.out, &watched.temp_before);
    }
    report::finish(run, &watched.common, Some(watched.total));
    std::process::exit(INTERRUPTED);
}
