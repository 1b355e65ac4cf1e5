//! `Smol`: an explicit smol executor and the threads that run it, for
//! `main.rs` and the examples.
//!
//! Unlike async-std, smol has no implicit runtime to lean on:
//! `smol::block_on` runs futures on the calling thread only, and
//! `smol::spawn`'s global executor has a single thread unless the
//! environment variable `SMOL_THREADS` says otherwise. So the demo makes
//! its own `Executor` and decides how many threads run it
//! ([`Smol::block_on`]).

use std::thread;

use smol::Executor;

/// An executor, shared with the HTTP session, whose connection tasks run
/// on it too. It lives as long as the program, like smol's own global
/// executor (and `main.rs`'s `static EX`), so a `&'static` reference is
/// all anyone needs to hold.
#[derive(Clone, Copy, Debug)]
pub struct Smol(&'static Executor<'static>);

impl Default for Smol {
    fn default() -> Smol {
        Smol::new()
    }
}

impl Smol {
    /// A new executor with no threads yet; they come with `block_on`.
    /// Leaked on purpose: it is never dropped, which is what lets tasks and
    /// the session hold it without counting references.
    pub fn new() -> Smol {
        Smol(Box::leak(Box::new(Executor::new())))
    }

    /// The executor itself, for `Session::new`.
    pub fn executor(&self) -> &'static Executor<'static> {
        self.0
    }

    /// Starts `future` as a task on this executor.
    ///
    /// Keep the returned `Task` and await it: dropping a smol `Task`
    /// cancels it (async-std's `JoinHandle` detaches instead).
    pub fn spawn<T: Send + 'static>(
        &self,
        future: impl Future<Output = T> + Send + 'static,
    ) -> smol::Task<T> {
        self.0.spawn(future)
    }

    /// The slide's `run_until_complete(future)`, with the executor on
    /// `threads` threads: this one plus `threads - 1` helpers, which run
    /// spawned tasks until `future` is done, then stop.
    pub fn block_on<T>(
        &self,
        threads: usize,
        future: impl Future<Output = T>,
    ) -> T {
        let (stop, stopped) = smol::channel::bounded::<()>(1);
        thread::scope(|scope| {
            for i in 1..threads {
                let stopped = stopped.clone();
                // Each helper runs tasks until `stop` is dropped, which
                // makes `recv` fail and ends `run`.
                thread::Builder::new()
                    .name(format!("executor-{i}"))
                    .spawn_scoped(scope, move || {
                        smol::block_on(self.0.run(stopped.recv()))
                    })
                    .expect("the OS can start one thread per core");
            }
            let output = smol::block_on(self.0.run(future));
            drop(stop);
            output
        })
    }
}
