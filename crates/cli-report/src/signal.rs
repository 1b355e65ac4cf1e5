//! Ctrl-C (or SIGTERM, SIGHUP) as a future, for approaches that stop
//! their own work: tokio drops its `JoinSet`.

use std::sync::Once;
use std::sync::atomic::{AtomicBool, Ordering};

use event_listener::Event;

/// Set once the signal came.
static FIRED: AtomicBool = AtomicBool::new(false);
/// Wakes every task waiting in [`ctrl_c`] (event-listener: the notifier
/// async-lock's semaphore is built on).
static SIGNAL: Event = Event::new();

/// Completes when Ctrl-C, SIGTERM or SIGHUP reaches the process. Runs on
/// any runtime: the `ctrlc` crate's thread wakes the waiting task.
///
/// Like `tokio::signal::ctrl_c()`, but for the same three signals that
/// [`Report::exit_on_ctrl_c`](crate::Report::exit_on_ctrl_c) catches, so
/// every demo stops on the same ones. Do not use both in one process.
pub async fn ctrl_c() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let installed = ctrlc::set_handler(|| {
            FIRED.store(true, Ordering::SeqCst);
            SIGNAL.notify(usize::MAX);
        });
        if let Err(e) = installed {
            eprintln!("warning: cannot catch Ctrl-C ({e})");
        }
    });
    // Listen first, then check: a signal between the two still wakes us.
    while !FIRED.load(Ordering::SeqCst) {
        let listener = SIGNAL.listen();
        if FIRED.load(Ordering::SeqCst) {
            break;
        }
        listener.await;
    }
}
