//! hyper-util's pooled `Client` on any futures-io runtime: the HTTP client
//! of async-std-demo and smol-demo. The talk's aiohttp `ClientSession`, for
//! runtimes that are not tokio.
//!
//! reqwest needs a tokio runtime and surf (async-std's usual client) is
//! unmaintained, so the two demos use hyper-util's `Client` (the pool inside
//! reqwest) with three pieces of their own:
//!
//! - an executor: the runtime's `spawn`, which drives each connection and
//!   the pool's background work (see [`Runtime`]);
//! - a timer: smol-hyper's `SmolTimer` (async-io's timer thread, which
//!   works under async-std too), for the pool's idle timeout and ours;
//! - a connector (`connect.rs`): DNS, TCP over the runtime's `TcpStream`,
//!   and rustls for https, trusting what `shared::tls::Roots` says.
//!
//! No tokio runtime. hyper needs tokio's channels (feature `sync`); and
//! hyper-util's `client-legacy` feature names `tokio/net`, which makes
//! Cargo turn on hyper-util's own `tokio` feature as well, so tokio's
//! `rt`, `time` and `net` are compiled in too. Nothing here uses them: the
//! tasks, the timer and the sockets are the three above, and a tokio
//! spawn or timer outside a tokio runtime would panic (the tests, on
//! smol, would show it).
//!
//! What hyper-util does not do, this file does: redirects, the
//! whole-request timeout, the body limit, and the shared error wording.

mod connect;

use std::error::Error as StdError;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use futures_lite::future;
use futures_lite::io::{AsyncRead, AsyncWrite};
use futures_rustls::TlsConnector;
use http_body_util::{BodyExt, Empty};
use hyper::body::Incoming;
use hyper::header::{CONTENT_LENGTH, LOCATION, USER_AGENT};
use hyper::http::Extensions;
use hyper::rt::Timer as _;
use hyper::{Request, Response, Uri};
use hyper_util::client::legacy::{self, Client};
use shared::tls::Roots;
use shared::{Error, HttpConfig, Refusals};
use smol_hyper::rt::SmolTimer;
use url::{Position, Url};

use crate::connect::{Answered, ConnectError, Connector};

/// Redirects followed before giving up with [`Error::TooManyRedirects`]
/// (ureq's and requests' defaults are in this range too: 10 and 30).
pub const MAX_REDIRECTS: usize = 10;

/// What the client needs from an async runtime: the three things
/// async-std and smol spell differently. Timers are not among them:
/// async-io's works on both.
///
/// Every future must be `Send`: both runtimes move tasks between threads.
pub trait Runtime: Clone + Send + Sync + 'static {
    /// The runtime's TCP stream (futures-io `AsyncRead + AsyncWrite`).
    type TcpStream: AsyncRead + AsyncWrite + Send + Unpin + 'static;

    /// Looks up `host` (DNS) without blocking the executor: the OS
    /// resolver blocks, so runtimes run it on a thread pool.
    fn resolve(
        &self,
        host: &str,
        port: u16,
    ) -> impl Future<Output = io::Result<Vec<SocketAddr>>> + Send;

    /// Opens a TCP connection to `addr`.
    fn connect(
        &self,
        addr: SocketAddr,
    ) -> impl Future<Output = io::Result<Self::TcpStream>> + Send;

    /// Runs `future` to its end in the background, with nobody waiting
    /// for it (careful with smol: a dropped `Task` is cancelled, so this
    /// must `.detach()` it).
    fn spawn(&self, future: impl Future<Output = ()> + Send + 'static);
}

/// [`Runtime::spawn`] as hyper's executor trait, which hyper-util uses to
/// start each connection's task (the future that reads and writes its
/// socket) and the pool's housekeeping.
#[derive(Clone)]
struct Exec<R>(R);

impl<R: Runtime, F> hyper::rt::Executor<F> for Exec<R>
where
    F: Future<Output = ()> + Send + 'static,
{
    fn execute(&self, future: F) {
        self.0.spawn(future);
    }
}

/// The talk's `aiohttp.ClientSession`: the run's limits plus a pool of
/// idle keep-alive connections. Clones share one pool (an `Arc` inside),
/// so every task of a run can own "its" session.
#[derive(Clone, Debug)]
pub struct Session<R: Runtime> {
    inner: Arc<Inner<R>>,
}

#[derive(Debug)]
struct Inner<R: Runtime> {
    client: Client<Connector<R>, Empty<Bytes>>,
    config: HttpConfig,
    /// The addresses that refused this run: not dialled again (on Windows
    /// each refusal costs about 2 s; see [`Refusals`]).
    refusals: Refusals,
}

impl<R: Runtime> Session<R> {
    /// A session with the run's timeouts, body limit and pool size,
    /// trusting what `SSL_CERT_FILE` says, or Mozilla's roots.
    pub fn new(runtime: R, config: &HttpConfig) -> Session<R> {
        Session::with_roots(runtime, config, &Roots::from_env())
    }

    /// [`Session::new`] trusting `roots` for https (tests pass their own
    /// certificate here instead of setting `SSL_CERT_FILE`).
    pub fn with_roots(
        runtime: R,
        config: &HttpConfig,
        roots: &Roots,
    ) -> Session<R> {
        let connector = Connector {
            runtime: runtime.clone(),
            tls: roots.client_config().map(TlsConnector::from),
            timeout: config.connect_timeout,
        };
        // Up to `pool_size` idle connections per host stay open, for
        // hyper-util's default 90 s; the timer is what lets the pool
        // notice they have been idle that long.
        let client = Client::builder(Exec(runtime))
            .pool_timer(SmolTimer::new())
            .pool_max_idle_per_host(config.pool_size)
            .build(connector);
        let config = config.clone();
        Session {
            inner: Arc::new(Inner {
                client,
                config,
                refusals: Refusals::default(),
            }),
        }
    }

    /// Downloads `url` and returns its body: the talk's
    /// `content = await get_url_content(url)`.
    ///
    /// Follows up to [`MAX_REDIRECTS`] redirects and fails in the shared
    /// wording: [`Error::Status`] for non-2xx, [`Error::TooLarge`] past
    /// `--max-bytes`, [`Error::Timeout`] past `--timeout` for the whole
    /// request, redirects included. The body is read to its end, which is
    /// what puts its connection back in the pool (hyper-util does that on
    /// a task of its own, a moment later: a request that starts in between
    /// may open a second connection).
    pub async fn get_url_content(&self, url: &str) -> Result<Vec<u8>, Error> {
        let limit = self.inner.config.timeout;
        let deadline = async {
            SmolTimer::new().sleep(limit).await;
            Err(timeout(limit))
        };
        // The loser of the race is dropped, which cancels it: a request
        // in flight closes its connection.
        future::or(self.follow_redirects(url), deadline).await
    }

    /// Sends, and while the answer is a redirect, sends again to where it
    /// points.
    async fn follow_redirects(&self, url: &str) -> Result<Vec<u8>, Error> {
        let mut target = Url::parse(url)
            .map_err(|e| Error::Http(format!("not a URL ({e})")))?;
        for _ in 0..=MAX_REDIRECTS {
            let response = self.send(url, &target).await?;
            let status = response.status();
            let location = response
                .headers()
                .get(LOCATION)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned);
            if status.is_redirection()
                && let Some(location) = location
            {
                // Read the (short) redirect body, so that the next hop can
                // reuse the connection.
                self.read_body(response).await?;
                target = target.join(&location).map_err(|e| {
                    Error::Http(format!("bad redirect to {location:?}: {e}"))
                })?;
                continue;
            }
            if !status.is_success() {
                // Dropped with its body unread: hyper closes the
                // connection rather than pool it.
                return Err(Error::Status {
                    code: status.as_u16(),
                });
            }
            return self.read_body(response).await;
        }
        Err(Error::TooManyRedirects)
    }

    /// `GET target`, on an idle connection to its origin or a new one.
    ///
    /// A pooled connection may have been closed by the server just as we
    /// reused it: the request goes out, and nothing comes back. A GET is
    /// safe to send again, so that one is retried, once per pooled
    /// connection and then on a fresh one. hyper-util itself retries only
    /// requests that never left.
    async fn send(
        &self,
        url: &str,
        target: &Url,
    ) -> Result<Response<Incoming>, Error> {
        if !matches!(target.scheme(), "http" | "https") {
            let scheme = target.scheme();
            return Err(Error::Http(format!(
                "{url}: unsupported scheme {scheme:?}"
            )));
        }
        // hyper wants an `http::Uri`; the fragment is never sent.
        let uri: Uri = target[..Position::AfterQuery]
            .parse()
            .map_err(|e| Error::Http(format!("{url}: {e}")))?;
        // Each hop's own address is checked and noted (a redirect's is not
        // `url`'s); the error names `url`, as a first refusal does.
        let refusals = &self.inner.refusals;
        refusals
            .check(target.as_str())
            .map_err(|_| Error::refused(url))?;
        let mut tries = self.inner.config.pool_size + 1;
        loop {
            let request = Request::get(uri.clone())
                .header(USER_AGENT, shared::USER_AGENT)
                .body(Empty::new())
                .map_err(|e| Error::Http(format!("bad request: {e}")))?;
            match self.inner.client.request(request).await {
                Ok(response) => {
                    if let Some(answered) =
                        response.extensions().get::<Answered>()
                    {
                        answered.set();
                    }
                    return Ok(response);
                }
                Err(e) if tries > 1 && unanswered_on_reused(&e) => tries -= 1,
                Err(e) => {
                    let error = self.request_error(url, &e);
                    if let Error::Refused { .. } = error {
                        refusals.note(&Error::refused(target.as_str()));
                    }
                    return Err(error);
                }
            }
        }
    }

    /// Streams the body into memory, failing as soon as it passes
    /// `--max-bytes` (nothing is kept, so nothing is saved).
    async fn read_body(
        &self,
        response: Response<Incoming>,
    ) -> Result<Vec<u8>, Error> {
        let limit = self.inner.config.max_bytes;
        let announced = response
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
        if announced.is_some_and(|length| length > limit) {
            return Err(Error::TooLarge { limit });
        }
        // Trust Content-Length for the first allocation only up to 1 MiB:
        // a server could announce 60 MB and send 2 KiB.
        let capacity = announced.unwrap_or(0).min(limit).min(1 << 20);
        let mut content = Vec::with_capacity(capacity as usize);
        let mut body = response.into_body();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(|e| body_error(&e))?;
            if let Ok(data) = frame.into_data() {
                if (content.len() + data.len()) as u64 > limit {
                    return Err(Error::TooLarge { limit });
                }
                content.extend_from_slice(&data);
            }
        }
        Ok(content)
    }

    /// hyper-util's error in the shared wording. A failed connect carries
    /// the connector's own [`ConnectError`]; anything else is hyper's.
    fn request_error(&self, url: &str, error: &legacy::Error) -> Error {
        let connect =
            find::<ConnectError>(error).filter(|_| error.is_connect());
        let Some(connect) = connect else {
            return Error::Http(hyper_message(error));
        };
        let connect_timeout = self.inner.config.connect_timeout;
        match connect {
            ConnectError::Dns => Error::dns(url),
            ConnectError::Tcp { source, .. } => match source.kind() {
                io::ErrorKind::ConnectionRefused => Error::refused(url),
                io::ErrorKind::TimedOut => timeout(connect_timeout),
                _ => Error::Http(connect.to_string()),
            },
            ConnectError::Timeout => timeout(connect_timeout),
            ConnectError::BadName(e) => Error::Http(format!("{url}: {e}")),
            ConnectError::NoTrust(_) | ConnectError::Tls(_) => {
                Error::Http(connect.to_string())
            }
        }
    }
}

fn timeout(limit: Duration) -> Error {
    Error::Timeout {
        secs: limit.as_secs_f64(),
    }
}

/// True if the request went out on a connection that had answered before,
/// and the server closed it without a word this time.
fn unanswered_on_reused(error: &legacy::Error) -> bool {
    let hung_up = find::<hyper::Error>(error)
        .is_some_and(hyper::Error::is_incomplete_message);
    let mut extras = Extensions::new();
    if let Some(info) = error.connect_info() {
        info.get_extras(&mut extras);
    }
    hung_up && extras.get::<Answered>().is_some_and(Answered::get)
}

/// A failure while the body streams in: a connection closed or reset
/// mid-body is [`Error::CutShort`], the wording every demo shares; any
/// other, hyper's own words.
fn body_error(error: &hyper::Error) -> Error {
    match find::<io::Error>(error).map(Error::mid_body) {
        Some(Error::CutShort) => Error::CutShort,
        _ => Error::Http(hyper_message(error)),
    }
}

/// The first error of type `T` in `error`'s source chain, itself included.
fn find<'a, T: StdError + 'static>(
    error: &'a (dyn StdError + 'static),
) -> Option<&'a T> {
    shared::causes(error).find_map(|e| e.downcast_ref())
}

/// hyper's error with its causes, e.g. "connection error: connection
/// reset by peer", starting at hyper's own (hyper-util's wrapper says
/// only "client error (SendRequest)").
fn hyper_message(error: &(dyn StdError + 'static)) -> String {
    let start: &(dyn StdError + 'static) = match find::<hyper::Error>(error) {
        Some(hyper) => hyper,
        None => error,
    };
    let text: Vec<String> =
        shared::causes(start).map(|e| e.to_string()).collect();
    text.join(": ")
}
