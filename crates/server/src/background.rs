//! [`Background`]: a demo server on its own thread, for synchronous code.
//!
//! Part of `demo-server`. Tests and the shootout start one with
//! `Background::start(Config::instant())`, point their client at
//! `server.url("/pages/x")`, read `server.stats()`, and drop it to stop it.
//! It runs on its own thread and tokio runtime so the code under test can be
//! plain blocking code (or bring its own runtime) without interference.

use std::{
    net::{Ipv4Addr, SocketAddr},
    sync::Arc,
    thread::JoinHandle,
    time::Duration,
};

use tokio::sync::oneshot;

use crate::{Config, Counters, Stats, serve_with_counters};

/// How long dropping a [`Background`] waits for blocking work (a file read
/// for `/static/`) after the server has stopped.
const RUNTIME_SHUTDOWN: Duration = Duration::from_secs(1);

/// A server on its own thread and tokio runtime (2 worker threads), bound
/// to `127.0.0.1:0` (a free port): for synchronous tests and the shootout.
///
/// Dropping it stops the server and joins its thread within about a second,
/// even with keep-alive connections or long `/delay/` requests still open.
#[derive(Debug)]
pub struct Background {
    addr: SocketAddr,
    counters: Arc<Counters>,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<JoinHandle<()>>,
}

impl Background {
    /// Binds `127.0.0.1:0` and starts serving with `config`.
    ///
    /// The socket is bound before this returns, so the server can be used
    /// at once: connections made before its accept loop runs wait in the
    /// listen backlog.
    pub fn start(config: Config) -> std::io::Result<Background> {
        // Bind here, not on the server thread, so that a bind error is
        // returned to the caller and the port is known before we return.
        let listener = crate::bind((Ipv4Addr::LOCALHOST, 0).into())?;
        let addr = listener.local_addr()?;
        // Two workers: enough to serve the demos' request rates while
        // leaving the machine's other cores to the client being measured.
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("demo-server")
            .enable_all()
            .build()?;
        let counters = Arc::new(Counters::new());
        let (shutdown, stop) = oneshot::channel::<()>();

        let server_counters = Arc::clone(&counters);
        let thread = std::thread::Builder::new()
            .name("demo-server".to_owned())
            .spawn(move || {
                let result = runtime.block_on(async move {
                    let listener = tokio::net::TcpListener::from_std(listener)?;
                    // `stop` also completes (with Err) if the sender is
                    // dropped: either way it is time to stop.
                    let stop = async move {
                        let _ = stop.await;
                    };
                    serve_with_counters(listener, config, server_counters, stop)
                        .await
                });
                // Bounded: do not wait forever on a stuck blocking task.
                runtime.shutdown_timeout(RUNTIME_SHUTDOWN);
                if let Err(err) = result {
                    eprintln!("demo-server on {addr} stopped: {err}");
                }
            })?;

        Ok(Background {
            addr,
            counters,
            shutdown: Some(shutdown),
            thread: Some(thread),
        })
    }

    /// The address the server listens on (`127.0.0.1:PORT`).
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`, without a trailing slash.
    pub fn base_url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// `base_url()` followed by `path`, which starts with `/`.
    pub fn url(&self, path: &str) -> String {
        debug_assert!(path.starts_with('/'), "path {path:?} must start /");
        format!("http://{}{path}", self.addr)
    }

    /// The counters, read directly (no HTTP request, so nothing counted).
    pub fn stats(&self) -> Stats {
        self.counters.snapshot()
    }

    /// Zeroes the counters, like `POST /stats/reset`.
    pub fn reset_stats(&self) {
        self.counters.reset();
    }
}

impl Drop for Background {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            // Err means the server already stopped: nothing to signal.
            let _ = shutdown.send(());
        }
        if let Some(thread) = self.thread.take() {
            // The thread's result is only Err if it panicked, and its panic
            // message is already printed; panicking again in `drop` (maybe
            // during a failing test's unwinding) would abort the process.
            let _ = thread.join();
        }
    }
}
