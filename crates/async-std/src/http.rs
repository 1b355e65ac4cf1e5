//! `get_url_content(session, url)` for async-std: the slide's aiohttp call,
//! on hyper-util's pooled client over async-std's own sockets.
//!
//! The same two names as tokio-demo's `http.rs` and the blocking helper in
//! the shared crate (`Session::new(&job.http)`, `get_url_content(&session,
//! url)`), so `main.rs` reads like seq-demo's with `.await` added. The
//! client itself (pool, redirects, limits, TLS) is `hyper_futures::Session`,
//! which smol-demo uses too; this file is only what is async-std's own: how
//! to resolve, connect and spawn. Part of async-std-demo; run it with
//! `cargo run -p async-std-demo`.

use std::io;
use std::net::SocketAddr;

use async_std::net::{TcpStream, ToSocketAddrs};
use async_std::task;
use shared::{Error, HttpConfig};

/// async-std's runtime, as hyper-futures needs it.
///
/// async-std has one global executor (a thread per core, started on first
/// use) and one global reactor, so there is nothing to carry around: a
/// unit struct will do. Compare smol-demo's `SmolRuntime`, which holds its
/// executor.
#[derive(Clone, Copy, Debug)]
pub struct AsyncStd;

impl hyper_futures::Runtime for AsyncStd {
    type TcpStream = TcpStream;

    async fn resolve(
        &self,
        host: &str,
        port: u16,
    ) -> io::Result<Vec<SocketAddr>> {
        // The OS resolver blocks; async-std runs it on its blocking pool.
        Ok((host, port).to_socket_addrs().await?.collect())
    }

    async fn connect(&self, addr: SocketAddr) -> io::Result<TcpStream> {
        TcpStream::connect(addr).await
    }

    fn spawn(&self, future: impl Future<Output = ()> + Send + 'static) {
        // Dropping an async-std JoinHandle detaches the task: it runs on.
        drop(task::spawn(future));
    }
}

/// The slide's `aiohttp.ClientSession()`: one pool of keep-alive
/// connections plus the run's limits, shared by every task.
///
/// Clone it freely: the clones share one pool (an `Arc` inside), which is
/// what lets each spawned task own "its" session while all of them reuse
/// the same connections.
#[derive(Clone, Debug)]
pub struct Session(hyper_futures::Session<AsyncStd>);

impl Session {
    /// A client with the run's timeouts, body limit and pool size.
    pub fn new(config: &HttpConfig) -> Session {
        Session(hyper_futures::Session::new(AsyncStd, config))
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
