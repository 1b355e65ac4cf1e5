//! `get_url_content(session, url)` for smol: the slide's aiohttp call, on
//! hyper over smol's sockets, and `Smol`, the executor everything runs on.
//!
//! The same two names as tokio-demo's and async-std-demo's `http.rs`
//! (`Session::new(..)`, `get_url_content(&session, url)`), so `main.rs`
//! reads like seq-demo's with `.await` added. The client itself (pool,
//! redirects, limits) is `shared::HyperSession`, shared with
//! async-std-demo; this file is only what is smol's own. Compare
//! `diff crates/async-std/src/http.rs crates/smol/src/http.rs`. Part of
//! smol-demo; run it with `cargo run -p smol-demo`.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use shared::{AsyncRuntime, Error, HttpConfig, HyperSession};
use smol::net::TcpStream;
use smol::{Executor, Timer};

/// An explicit smol executor, as the shared hyper client needs it (and as
/// `main.rs` spawns its tasks on).
///
/// Unlike async-std, smol has no implicit runtime to lean on:
/// `smol::block_on` runs futures on the calling thread only, and
/// `smol::spawn`'s global executor has a single thread unless the
/// environment variable `SMOL_THREADS` says otherwise. So the demo makes
/// its own `Executor` and decides how many threads run it
/// ([`Smol::block_on`]). The `Arc` lets the connection tasks that the
/// client spawns, and the client itself, share it.
#[derive(Clone, Debug)]
pub struct Smol(Arc<Executor<'static>>);

impl Smol {
    /// A new executor with no threads yet; they come with `block_on`.
    pub fn new() -> Smol {
        Smol(Arc::new(Executor::new()))
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

impl AsyncRuntime for Smol {
    type Tcp = TcpStream;

    async fn resolve(
        &self,
        host: &str,
        port: u16,
    ) -> io::Result<Vec<SocketAddr>> {
        // The OS resolver blocks; smol runs it on its blocking pool.
        smol::net::resolve((host, port)).await
    }

    async fn connect(&self, addr: SocketAddr) -> io::Result<TcpStream> {
        TcpStream::connect(addr).await
    }

    async fn sleep(&self, duration: Duration) {
        Timer::after(duration).await;
    }

    fn spawn_detached(
        &self,
        future: impl Future<Output = ()> + Send + 'static,
    ) {
        // Dropping a smol Task would cancel it: detach it explicitly.
        self.0.spawn(future).detach();
    }
}

/// The slide's `aiohttp.ClientSession()`: one pool of keep-alive
/// connections plus the run's limits, shared by every task.
///
/// Clone it freely: the clones share one `HyperSession` behind an `Arc`,
/// which is what lets each spawned task own "its" session while all of
/// them reuse the same connections.
#[derive(Clone, Debug)]
pub struct Session(Arc<HyperSession<Smol>>);

impl Session {
    /// A client with the run's timeouts, body limit and pool size, whose
    /// connections are driven by tasks on `smol`.
    pub fn new(config: &HttpConfig, smol: &Smol) -> Session {
        Session(Arc::new(HyperSession::new(smol.clone(), config)))
    }
}

/// Downloads `url` and returns its body: the slide's
/// `yield from response.read_and_close()`.
///
/// Every `.await` inside is a point where this task steps aside and lets
/// the executor run others while the bytes are on their way.
pub async fn get_url_content(
    session: &Session,
    url: &str,
) -> Result<Vec<u8>, Error> {
    session.0.get_url_content(url).await
}
