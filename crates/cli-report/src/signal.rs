//! Ctrl-C (or SIGTERM, SIGHUP) as a future, for approaches that stop
//! their own work: tokio drops its `JoinSet`, smol drops its tasks.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, Once, PoisonError};
use std::task::{Context, Poll, Waker};

/// Set once the signal came; the tasks waiting for it.
static FIRED: AtomicBool = AtomicBool::new(false);
static WAITING: Mutex<Vec<Waker>> = Mutex::new(Vec::new());

/// Completes when Ctrl-C, SIGTERM or SIGHUP reaches the process. Runs on
/// any runtime: the `ctrlc` crate's thread wakes the waiting task.
///
/// Like `tokio::signal::ctrl_c()`, but for the same three signals that
/// [`Report::exit_on_ctrl_c`](crate::Report::exit_on_ctrl_c) catches, so
/// every demo stops on the same ones. Do not use both in one process.
pub fn ctrl_c() -> impl Future<Output = ()> {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let woken = ctrlc::set_handler(|| {
            FIRED.store(true, Ordering::SeqCst);
            let wakers = std::mem::take(&mut *waiting());
            wakers.into_iter().for_each(Waker::wake);
        });
        if let Err(e) = woken {
            eprintln!("warning: cannot catch Ctrl-C ({e})");
        }
    });
    CtrlC
}

fn waiting() -> std::sync::MutexGuard<'static, Vec<Waker>> {
    WAITING.lock().unwrap_or_else(PoisonError::into_inner)
}

struct CtrlC;

impl Future for CtrlC {
    type Output = ();

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        if FIRED.load(Ordering::SeqCst) {
            return Poll::Ready(());
        }
        let mut waiting = waiting();
        if !waiting.iter().any(|w| w.will_wake(cx.waker())) {
            waiting.push(cx.waker().clone());
        }
        // Checked again under the lock: the handler takes the wakers
        // under it too, so a signal cannot slip between check and push.
        if FIRED.load(Ordering::SeqCst) {
            Poll::Ready(())
        } else {
            Poll::Pending
        }
    }
}
