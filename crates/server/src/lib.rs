//! `demo-server`: the workshop's local "Internet".
//!
//! Every concurrency demo downloads URLs from this server instead of the real
//! web: answers are deterministic, latency is simulated (100 ms by default),
//! and `/stats` counts what the client really did (requests, peak requests
//! in flight, TCP connections). Run it with
//! `cargo run --release -p demo-server -- --latency 100`, or start one
//! inside a test or program with [`Background::start`].
//!
//! The routes, options and counters are described in the crate's README.

use std::{future::Future, path::PathBuf, sync::Arc, time::Duration};

use axum::serve::ListenerExt;
use tokio::{net::TcpListener, sync::watch};

mod background;
mod bodies;
mod cats;
mod routes;
mod stats;

pub use background::Background;
pub use bodies::{
    DEFAULT_BOOK_SIZE, DEFAULT_PAGE_SIZE, MAX_BODY_SIZE, book_body, bytes_body,
    page_body,
};
pub use cats::{CAT_COUNT, cat_body};
pub use routes::router;
pub use stats::{Counters, Stats};

/// How long [`serve`] lets running requests finish after the shutdown
/// signal before it returns anyway. Idle keep-alive connections are closed
/// at once; this only bounds requests still in their latency or a long
/// `/delay/`, so that Ctrl-C always stops the server in well under 1 s.
pub const SHUTDOWN_GRACE: Duration = Duration::from_millis(500);

/// How many connections the kernel may queue before the server accepts
/// them. std binds with 128 (tokio with 1024): an unbounded 10,000-URL run
/// opens thousands at once, the queue overflows, the kernel drops the SYNs
/// and the client retries them after 1 s, then 2 s, so the run would
/// measure SYN retries instead of the client. (Linux caps this at
/// `net.core.somaxconn`, 4096 on the workshop machine.)
pub const BACKLOG: i32 = 8192;

/// Binds a listening socket on `addr` with a [`BACKLOG`]-deep queue,
/// non-blocking, ready for `tokio::net::TcpListener::from_std`.
pub fn bind(
    addr: std::net::SocketAddr,
) -> std::io::Result<std::net::TcpListener> {
    use socket2::{Domain, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, None)?;
    // A restarted server can take its port back at once, without waiting
    // for the old connections' TIME_WAIT to pass. Not on Windows: there
    // SO_REUSEADDR means "share this port with whoever else binds it", so
    // a second server on 8000 would start silently instead of failing with
    // "address in use"; and Windows already lets a new socket bind over
    // TIME_WAIT without it.
    #[cfg(not(windows))]
    socket.set_reuse_address(true)?;
    socket.bind(&addr.into())?;
    socket.listen(BACKLOG)?;
    socket.set_nonblocking(true)?;
    Ok(socket.into())
}

/// How the server behaves. The command line maps onto it one to one.
#[derive(Clone, Debug)]
pub struct Config {
    /// Added before every answer except `/stats` and `/delay/{ms}`.
    pub latency: Duration,
    /// Each request's latency is `latency ± uniform(jitter)`, at least 0.
    pub jitter: Duration,
    /// Fraction (0..=1) of `/pages/` requests answered `500` on purpose.
    pub fail_rate: f64,
    /// At most this many requests handled at once; the others queue, like
    /// a server with a fixed number of workers. `None`: no limit.
    /// `Some(0)` is taken as 1 (zero would hang every request).
    pub max_concurrency: Option<usize>,
    /// Folder served under `/static/`, whose `N.jpg` files are also served
    /// at `/N.jpg` in place of the generated cats (talk 02's nginx volume);
    /// `None` makes `/static/` a 404 and leaves the generated cats.
    pub dir: Option<PathBuf>,
}

impl Default for Config {
    /// 100 ms latency, no jitter, no failures, no limit, no static folder.
    fn default() -> Self {
        Self {
            latency: Duration::from_millis(100),
            jitter: Duration::ZERO,
            fail_rate: 0.0,
            max_concurrency: None,
            dir: None,
        }
    }
}

impl Config {
    /// The default without latency: answers as fast as the machine can,
    /// for tests and for measuring the server itself.
    pub fn instant() -> Self {
        Self {
            latency: Duration::ZERO,
            ..Self::default()
        }
    }

    /// One request's latency: uniform in `latency ± jitter`, at least 0.
    pub(crate) fn sample_latency(&self) -> Duration {
        if self.jitter.is_zero() {
            return self.latency;
        }
        // latency - jitter + uniform(0, 2 jitter), saturating at 0.
        let span = self.jitter.mul_f64(2.0 * fastrand::f64());
        self.latency
            .saturating_add(span)
            .saturating_sub(self.jitter)
    }
}

/// Serves until `shutdown` completes, with fresh counters.
///
/// Use [`serve_with_counters`] to read the counters from outside.
pub async fn serve(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    serve_with_counters(listener, config, Arc::new(Counters::new()), shutdown)
        .await
}

/// Serves until `shutdown` completes, counting into `counters`.
///
/// On shutdown it stops accepting, closes idle keep-alive connections at
/// once, lets running requests finish for up to [`SHUTDOWN_GRACE`], then
/// returns. Connection tasks still running then are dropped with the tokio
/// runtime; they only hold sleeping requests.
pub async fn serve_with_counters(
    listener: TcpListener,
    config: Config,
    counters: Arc<Counters>,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = router(config, Arc::clone(&counters));
    // axum's own accept loop with a tap on each accepted socket, rather than
    // a hand-written hyper-util loop: axum keeps graceful shutdown and
    // accept-error handling (e.g. out of file descriptors) for us.
    let listener = listener.tap_io(move |tcp| {
        counters.count_connection();
        // Small requests and answers: do not let Nagle's algorithm hold
        // them back. It can only fail if the peer already hung up, and then
        // hyper sees that on its first read.
        let _ = tcp.set_nodelay(true);
    });

    // axum's graceful shutdown waits for every connection to finish; a
    // watch channel lets us also start the grace timer on the same signal.
    let (fired_tx, mut fired_rx) = watch::channel(false);
    let signal = async move {
        shutdown.await;
        fired_tx.send_replace(true);
    };
    let server = axum::serve(listener, app)
        .with_graceful_shutdown(signal)
        .into_future();
    let grace_over = async move {
        // Err only if the signal future was dropped without firing, which
        // happens only when this whole future is dropped.
        if fired_rx.wait_for(|fired| *fired).await.is_ok() {
            tokio::time::sleep(SHUTDOWN_GRACE).await;
        } else {
            std::future::pending::<()>().await;
        }
    };
    tokio::select! {
        result = server => result,
        () = grace_over => Ok(()),
    }
}
