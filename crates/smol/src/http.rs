//! `get_url_content(session, url)` for smol: the slide's aiohttp call, on
//! hyper-util's pooled client over smol's sockets.
//!
//! The same two names as tokio-demo's and async-std-demo's `http.rs`
//! (`Session::new(..)`, `get_url_content(&session, url)`), so `main.rs`
//! reads like seq-demo's with `.await` added. The client itself (pool,
//! redirects, limits, TLS) is `hyper_futures::Session`, shared with
//! async-std-demo; this file is only what is smol's own. Compare
//! `diff crates/async-std/src/http.rs crates/smol/src/http.rs`. Part of
//! smol-demo; run it with `cargo run -p smol-demo`.

use std::io;
use std::net::SocketAddr;

use shared::{Error, HttpConfig};
use smol::Executor;
use smol::net::TcpStream;

/// smol, as hyper-futures needs it: the executor that runs the client's
/// connection tasks.
///
/// Unlike async-std, smol has no implicit runtime to lean on: the
/// connections must be driven by an executor that someone runs, so the
/// session is handed the demo's own (the one its downloads run on).
#[derive(Clone, Copy, Debug)]
pub struct SmolRuntime(pub &'static Executor<'static>);

impl hyper_futures::Runtime for SmolRuntime {
    type TcpStream = TcpStream;

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

    fn spawn(&self, future: impl Future<Output = ()> + Send + 'static) {
        // Dropping a smol Task would cancel it: detach it explicitly.
        self.0.spawn(future).detach();
    }
}

/// The slide's `aiohttp.ClientSession()`: one pool of keep-alive
/// connections plus the run's limits, shared by every task.
///
/// Clone it freely: the clones share one pool (an `Arc` inside), which is
/// what lets each spawned task own "its" session while all of them reuse
/// the same connections.
#[derive(Clone, Debug)]
pub struct Session(hyper_futures::Session<SmolRuntime>);

impl Session {
    /// A client with the run's timeouts, body limit and pool size, whose
    /// connections are driven by tasks on `ex`. Its downloads only make
    /// progress while some thread runs `ex`.
    pub fn new(config: &HttpConfig, ex: &'static Executor<'static>) -> Session {
        Session(hyper_futures::Session::new(SmolRuntime(ex), config))
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
