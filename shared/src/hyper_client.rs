//! `get_url_content` for async-std-demo and smol-demo: hyper 1's low-level
//! HTTP/1 client over the runtime's own `TcpStream`, with a small pool of
//! keep-alive connections. Feature `hyper-client`.
//!
//! The talk's aiohttp `ClientSession` in Rust, for runtimes that are not
//! tokio. reqwest needs a tokio runtime, and surf (async-std's usual
//! client) is unmaintained, so both demos build on hyper's
//! `client::conn::http1` and adapt the runtime's socket with
//! `smol_hyper::rt::FuturesIo`. hyper pulls in tokio with only its `sync`
//! feature (channels): no reactor, no threads, no hidden runtime.
//!
//! At this level hyper does only HTTP/1 framing, so this file does what a
//! full client does for you: DNS and connect, the `Host` header and a
//! path-only request URI, driving each connection on a task, redirects,
//! timeouts, the body size limit, and the pool. `https://` URLs get a TLS
//! layer between the socket and hyper: rustls with *ring*
//! (`futures-rustls`, which works on any futures-io socket), trusting
//! Mozilla's roots compiled in, or `SSL_CERT_FILE` (see `tls.rs`).
//!
//! What differs between runtimes (spawning, sockets, timers, DNS) is the
//! [`AsyncRuntime`] trait; each demo implements it in a few lines.

use std::collections::HashMap;
use std::error::Error as _;
use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use futures_lite::future;
use futures_lite::io::{AsyncRead, AsyncWrite};
use futures_rustls::TlsConnector;
use futures_rustls::rustls::pki_types::ServerName;
use http_body_util::{BodyExt, Empty};
use hyper::body::Incoming;
use hyper::client::conn::http1::{self, SendRequest};
use hyper::header::{CONTENT_LENGTH, HOST, LOCATION, USER_AGENT};
use hyper::{Request, Response};
use smol_hyper::rt::FuturesIo;
use url::{Host, Position, Url};

use crate::tls::Roots;
use crate::{Error, HttpConfig};

/// Redirects followed before giving up with [`Error::TooManyRedirects`]
/// (ureq's and requests' default is also in this range: 10 and 30).
pub const MAX_REDIRECTS: usize = 10;

/// What the client needs from an async runtime: the four things async-std
/// and smol spell differently.
///
/// Every future here must be `Send`, because both runtimes move tasks
/// between worker threads.
pub trait AsyncRuntime: Send + Sync + 'static {
    /// The runtime's TCP stream (futures-io `AsyncRead + AsyncWrite`).
    type Tcp: AsyncRead + AsyncWrite + Send + Unpin + 'static;

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
    ) -> impl Future<Output = io::Result<Self::Tcp>> + Send;

    /// Completes after `duration`.
    fn sleep(&self, duration: Duration) -> impl Future<Output = ()> + Send;

    /// Runs `future` to completion in the background, with nobody waiting
    /// for it. Careful with smol: a dropped `Task` is cancelled, so this
    /// must `.detach()` it.
    fn spawn_detached(&self, future: impl Future<Output = ()> + Send + 'static);
}

/// One pooled connection: hyper's handle for sending requests on it. The
/// connection itself is driven by a task spawned when it was opened.
type Sender = SendRequest<Empty<Bytes>>;

/// Where a connection goes. Only connections to the same origin can be
/// reused (and `http://host:443` is not `https://host`).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
struct Origin {
    tls: bool,
    host: String,
    port: u16,
}

/// Either socket hyper can talk over: plain TCP, or TLS on top of it.
/// hyper needs only "something to read and write", so a boxed trait object
/// lets both share one connection type (and one pool).
trait Io: AsyncRead + AsyncWrite + Send + Unpin {}

impl<T: AsyncRead + AsyncWrite + Send + Unpin> Io for T {}

/// A connection in use, and where it goes back when its body is read.
struct Conn {
    sender: Sender,
    origin: Origin,
}

/// The talk's `aiohttp.ClientSession`: the run's limits plus a pool of
/// idle keep-alive connections, shared by every task of the run.
///
/// Share one per run (`Arc<HyperSession<_>>`); it is `Send + Sync`.
pub struct HyperSession<R> {
    runtime: R,
    config: HttpConfig,
    /// Starts TLS on a socket for `https://` URLs; `Err` says why there
    /// is no trust to start it with (an unusable `SSL_CERT_FILE`).
    tls: Result<TlsConnector, Arc<str>>,
    /// Idle connections per origin. A std `Mutex`, not an async one: it is
    /// held for a push or a pop, never across an `.await`.
    idle: Mutex<HashMap<Origin, Vec<Sender>>>,
}

impl<R> std::fmt::Debug for HyperSession<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HyperSession")
            .field("config", &self.config)
            .field("idle", &self.idle_connections())
            .finish_non_exhaustive()
    }
}

impl<R> HyperSession<R> {
    /// Idle keep-alive connections in the pool right now, all hosts.
    pub fn idle_connections(&self) -> usize {
        self.lock_idle().values().map(Vec::len).sum()
    }

    fn lock_idle(
        &self,
    ) -> std::sync::MutexGuard<'_, HashMap<Origin, Vec<Sender>>> {
        self.idle
            .lock()
            .expect("a task panicked while holding the pool lock")
    }
}

impl<R: AsyncRuntime> HyperSession<R> {
    /// A session with the run's timeouts, body limit and pool size.
    pub fn new(runtime: R, config: &HttpConfig) -> HyperSession<R> {
        HyperSession::with_roots(runtime, config, &Roots::from_env())
    }

    /// [`HyperSession::new`] trusting `roots` for https (tests pass their
    /// own certificate here instead of setting `SSL_CERT_FILE`).
    pub(crate) fn with_roots(
        runtime: R,
        config: &HttpConfig,
        roots: &Roots,
    ) -> HyperSession<R> {
        HyperSession {
            runtime,
            config: config.clone(),
            tls: roots.client_config().map(TlsConnector::from),
            idle: Mutex::new(HashMap::new()),
        }
    }

    /// The runtime this session spawns its connections on.
    pub fn runtime(&self) -> &R {
        &self.runtime
    }

    /// Downloads `url` and returns its body: the talk's
    /// `content = await get_url_content(url)`.
    ///
    /// Follows up to [`MAX_REDIRECTS`] redirects; fails with the shared
    /// wording ([`Error::Status`] for non-2xx, [`Error::TooLarge`] past
    /// `--max-bytes`, [`Error::Timeout`] past `--timeout` for the whole
    /// request, redirects included). The body is read to the end, which is
    /// what lets its connection go back to the pool.
    pub async fn get_url_content(&self, url: &str) -> Result<Vec<u8>, Error> {
        let secs = self.config.timeout.as_secs_f64();
        let deadline = async {
            self.runtime.sleep(self.config.timeout).await;
            Err(Error::Timeout { secs })
        };
        // `or` polls both and returns whichever finishes first; the loser
        // is dropped, which cancels it (and closes its connection).
        future::or(self.follow_redirects(url), deadline).await
    }

    /// The request loop: send, and while the answer is a redirect, send
    /// again to where it points.
    async fn follow_redirects(&self, url: &str) -> Result<Vec<u8>, Error> {
        let mut target = Url::parse(url)
            .map_err(|e| Error::Http(format!("not a URL ({e})")))?;
        for _ in 0..=MAX_REDIRECTS {
            let (response, conn) = self.send(url, &target).await?;
            let status = response.status();
            let location = response
                .headers()
                .get(LOCATION)
                .and_then(|value| value.to_str().ok())
                .map(str::to_owned);
            if let (true, Some(location)) = (status.is_redirection(), location)
            {
                // Read the (short) redirect body so the connection can be
                // reused for the next hop.
                self.read_body(response, conn).await?;
                target = target.join(&location).map_err(|e| {
                    Error::Http(format!("bad redirect to {location:?}: {e}"))
                })?;
                continue;
            }
            if !status.is_success() {
                // The connection is dropped with its unread body; the pool
                // only takes connections whose body was read to the end.
                return Err(Error::Status {
                    code: status.as_u16(),
                });
            }
            return self.read_body(response, conn).await;
        }
        Err(Error::TooManyRedirects)
    }

    /// Sends `GET target` on an idle connection to its origin, or on a new
    /// one. Returns the response head and the connection, which goes back
    /// to the pool once the body has been read.
    async fn send(
        &self,
        url: &str,
        target: &Url,
    ) -> Result<(Response<Incoming>, Conn), Error> {
        let origin = origin(url, target)?;
        // A pooled connection may have been closed by the server while it
        // sat idle; that shows only when we try it. A GET is safe to send
        // again, so a failure on a reused connection just moves on to the
        // next one, and finally to a fresh connection.
        while let Some(mut sender) = self.take_idle(&origin) {
            if sender.ready().await.is_err() {
                continue;
            }
            if let Ok(response) =
                sender.send_request(request(target, &origin)?).await
            {
                return Ok((response, Conn { sender, origin }));
            }
        }
        let mut sender = self.connect(url, target, &origin).await?;
        let response = sender
            .send_request(request(target, &origin)?)
            .await
            .map_err(hyper_error)?;
        Ok((response, Conn { sender, origin }))
    }

    /// Opens a connection (DNS, TCP, TLS for https, hyper handshake)
    /// within `connect_timeout`, and spawns the task that drives it.
    async fn connect(
        &self,
        url: &str,
        target: &Url,
        origin: &Origin,
    ) -> Result<Sender, Error> {
        let secs = self.config.connect_timeout.as_secs_f64();
        let deadline = async {
            self.runtime.sleep(self.config.connect_timeout).await;
            Err(Error::Timeout { secs })
        };
        let io = future::or(self.open(url, target, origin), deadline).await?;
        let (sender, connection) = http1::handshake(FuturesIo::new(io))
            .await
            .map_err(hyper_error)?;
        // hyper's `Connection` is the future that actually reads and writes
        // the socket; without a task polling it, every request on it would
        // hang. Its errors reach the request that was in flight, so the
        // task itself has nothing left to report.
        self.runtime.spawn_detached(async move {
            let _ = connection.await;
        });
        Ok(sender)
    }

    /// The socket for `origin`: TCP, with TLS on top for https.
    async fn open(
        &self,
        url: &str,
        target: &Url,
        origin: &Origin,
    ) -> Result<Box<dyn Io>, Error> {
        if !origin.tls {
            return Ok(Box::new(
                self.open_tcp(url, target, origin.port).await?,
            ));
        }
        let tls = self
            .tls
            .as_ref()
            .map_err(|why| Error::Http(why.to_string()))?;
        // The name the certificate must carry (and the SNI sent to pick
        // it): the URL's host, a name or an IP address.
        let name = match target.host() {
            Some(Host::Domain(name)) => {
                ServerName::try_from(name.to_owned())
                    .map_err(|e| Error::Http(format!("{url}: {e}")))?
            }
            Some(Host::Ipv4(ip)) => {
                ServerName::from(std::net::IpAddr::from(ip))
            }
            Some(Host::Ipv6(ip)) => {
                ServerName::from(std::net::IpAddr::from(ip))
            }
            None => return Err(Error::dns(url)),
        };
        let tcp = self.open_tcp(url, target, origin.port).await?;
        // A certificate rustls rejects arrives as an I/O error whose text
        // is rustls' own ("invalid peer certificate: UnknownIssuer"), the
        // same words the ureq and reqwest demos print.
        let stream = tls
            .connect(name, tcp)
            .await
            .map_err(|e| Error::Http(e.to_string()))?;
        Ok(Box::new(stream))
    }

    /// DNS, then TCP to each address in turn (e.g. `localhost` is `::1`
    /// and `127.0.0.1`; the demo server listens only on the second).
    async fn open_tcp(
        &self,
        url: &str,
        target: &Url,
        port: u16,
    ) -> Result<R::Tcp, Error> {
        let addrs = match target.host() {
            Some(Host::Domain(name)) => self
                .runtime
                .resolve(name, port)
                .await
                .map_err(|_| Error::dns(url))?,
            Some(Host::Ipv4(ip)) => vec![SocketAddr::new(ip.into(), port)],
            Some(Host::Ipv6(ip)) => vec![SocketAddr::new(ip.into(), port)],
            None => return Err(Error::dns(url)),
        };
        let mut last = None;
        for addr in addrs {
            match self.runtime.connect(addr).await {
                Ok(tcp) => return Ok(tcp),
                Err(e) => last = Some((addr, e)),
            }
        }
        Err(match last {
            None => Error::dns(url),
            Some((_, e)) if e.kind() == io::ErrorKind::ConnectionRefused => {
                Error::refused(url)
            }
            Some((_, e)) if e.kind() == io::ErrorKind::TimedOut => {
                Error::Timeout {
                    secs: self.config.connect_timeout.as_secs_f64(),
                }
            }
            Some((addr, e)) => {
                Error::Http(format!("cannot connect to {addr}: {e}"))
            }
        })
    }

    /// Streams the body into memory, failing as soon as it passes
    /// `--max-bytes` (nothing is kept, nothing is saved), then puts the
    /// connection back in the pool.
    async fn read_body(
        &self,
        response: Response<Incoming>,
        conn: Conn,
    ) -> Result<Vec<u8>, Error> {
        let limit = self.config.max_bytes;
        let too_large = Error::TooLarge { limit };
        let announced = response
            .headers()
            .get(CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok()?.parse::<u64>().ok());
        if announced.is_some_and(|length| length > limit) {
            return Err(too_large);
        }
        // Trust Content-Length for the first allocation only up to 1 MiB:
        // a server could announce 60 MB and send 2 KiB.
        let capacity = announced.unwrap_or(0).min(limit).min(1 << 20);
        let mut content = Vec::with_capacity(capacity as usize);
        let mut body = response.into_body();
        while let Some(frame) = body.frame().await {
            let frame = frame.map_err(body_error)?;
            if let Ok(data) = frame.into_data() {
                if (content.len() + data.len()) as u64 > limit {
                    return Err(too_large);
                }
                content.extend_from_slice(&data);
            }
        }
        self.put_idle(conn);
        Ok(content)
    }

    /// The most recently used idle connection to `origin`, if any.
    fn take_idle(&self, origin: &Origin) -> Option<Sender> {
        self.lock_idle().get_mut(origin)?.pop()
    }

    /// Keeps a connection whose response was read to the end, unless the
    /// pool for its origin is full or the server has closed it.
    fn put_idle(&self, conn: Conn) {
        if conn.sender.is_closed() {
            return;
        }
        let mut idle = self.lock_idle();
        let senders = idle.entry(conn.origin).or_default();
        if senders.len() < self.config.pool_size {
            senders.push(conn.sender);
        }
    }
}

/// Scheme, host and port of an http or https URL.
fn origin(url: &str, target: &Url) -> Result<Origin, Error> {
    let tls = match target.scheme() {
        "http" => false,
        "https" => true,
        other => {
            return Err(Error::Http(format!(
                "{url}: unsupported scheme {other:?}"
            )));
        }
    };
    let host = target.host_str().ok_or_else(|| Error::dns(url))?;
    // Both schemes have a known default port (80, 443).
    let port = target.port_or_known_default().unwrap_or(80);
    Ok(Origin {
        tls,
        host: host.to_owned(),
        port,
    })
}

/// `GET /path?query` with `Host` and `User-Agent` headers: at this level
/// hyper sends the URI exactly as given and adds no headers of its own.
fn request(
    target: &Url,
    origin: &Origin,
) -> Result<Request<Empty<Bytes>>, Error> {
    let path = &target[Position::BeforePath..Position::AfterQuery];
    let host = match target.port() {
        Some(port) => format!("{}:{port}", origin.host),
        None => origin.host.clone(),
    };
    Request::get(path)
        .header(HOST, host)
        .header(USER_AGENT, crate::USER_AGENT)
        .body(Empty::new())
        .map_err(|e| Error::Http(format!("cannot build request: {e}")))
}

/// A failure while the body streams in: a connection closed or reset
/// mid-body is [`Error::CutShort`], the wording every demo shares; any
/// other, hyper's own words.
fn body_error(error: hyper::Error) -> Error {
    let io = error
        .source()
        .and_then(|cause| cause.downcast_ref::<io::Error>())
        .map(Error::mid_body);
    match io {
        Some(Error::CutShort) => Error::CutShort,
        _ => hyper_error(error),
    }
}

/// hyper's error with its causes, e.g. "connection error: connection
/// reset by peer", under [`Error::Http`].
fn hyper_error(error: hyper::Error) -> Error {
    let mut message = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        message.push_str(": ");
        message.push_str(&cause.to_string());
        source = cause.source();
    }
    Error::Http(message)
}

#[cfg(test)]
mod tests {
    //! The client against the real demo server (and, where the demo server
    //! cannot misbehave on purpose, a few lines of raw TCP), on smol.

    use std::io::{BufRead, BufReader, Write};
    use std::net::TcpListener;
    use std::sync::Arc;
    use std::thread;

    use demo_server::{Background, Config, DEFAULT_PAGE_SIZE, page_body};

    use super::*;
    use crate::tls::test_server::{BODY, TlsServer};

    /// The smallest runtime glue: smol's global executor and its socket.
    struct Smol;

    impl AsyncRuntime for Smol {
        type Tcp = smol::net::TcpStream;

        fn resolve(
            &self,
            host: &str,
            port: u16,
        ) -> impl Future<Output = io::Result<Vec<SocketAddr>>> + Send {
            let host = host.to_owned();
            async move { smol::net::resolve((host.as_str(), port)).await }
        }

        fn connect(
            &self,
            addr: SocketAddr,
        ) -> impl Future<Output = io::Result<Self::Tcp>> + Send {
            smol::net::TcpStream::connect(addr)
        }

        async fn sleep(&self, duration: Duration) {
            smol::Timer::after(duration).await;
        }

        fn spawn_detached(
            &self,
            future: impl Future<Output = ()> + Send + 'static,
        ) {
            smol::spawn(future).detach();
        }
    }

    fn config() -> HttpConfig {
        HttpConfig {
            timeout: Duration::from_secs(10),
            connect_timeout: Duration::from_secs(5),
            max_bytes: 64 << 20,
            pool_size: 4,
        }
    }

    fn session(config: HttpConfig) -> HyperSession<Smol> {
        HyperSession::new(Smol, &config)
    }

    fn get(session: &HyperSession<Smol>, url: &str) -> Result<Vec<u8>, Error> {
        smol::block_on(session.get_url_content(url))
    }

    #[test]
    fn downloads_byte_for_byte_and_reuses_one_connection() {
        let server = Background::start(Config::instant()).unwrap();
        let session = session(config());
        for name in ["a", "b", "c"] {
            let body = get(&session, &server.url(&format!("/pages/{name}")));
            assert!(body.unwrap() == page_body(name, DEFAULT_PAGE_SIZE));
        }
        let body = get(&session, &server.url("/pages/small?size=10"));
        assert_eq!(body.unwrap(), page_body("small", 10));
        let stats = server.stats();
        assert_eq!(stats.requests, 4);
        assert_eq!(stats.connections, 1, "keep-alive must reuse it");
        assert_eq!(session.idle_connections(), 1);
    }

    #[test]
    fn concurrent_requests_open_one_connection_each_and_pool_them() {
        let server = Background::start(Config {
            latency: Duration::from_millis(100),
            ..Config::instant()
        })
        .unwrap();
        let session = Arc::new(session(config()));
        let urls: Vec<String> = (0..6)
            .map(|i| server.url(&format!("/pages/p{i}")))
            .collect();
        smol::block_on(async {
            let tasks: Vec<_> = urls
                .iter()
                .map(|url| {
                    let (session, url) = (session.clone(), url.clone());
                    smol::spawn(
                        async move { session.get_url_content(&url).await },
                    )
                })
                .collect();
            for task in tasks {
                task.await.unwrap();
            }
        });
        assert_eq!(server.stats().peak_in_flight, 6);
        assert_eq!(server.stats().connections, 6);
        // Six came back, but the pool keeps at most pool_size = 4.
        assert_eq!(session.idle_connections(), 4);
    }

    #[test]
    fn follows_redirects_up_to_the_limit() {
        let server = Background::start(Config::instant()).unwrap();
        let session = session(config());
        // /redirect/n answers n + 1 redirects before /pages/redirected.
        let last_allowed = format!("/redirect/{}", MAX_REDIRECTS - 1);
        let body = get(&session, &server.url(&last_allowed)).unwrap();
        assert!(body == page_body("redirected", DEFAULT_PAGE_SIZE));

        let one_too_many = format!("/redirect/{MAX_REDIRECTS}");
        let err = get(&session, &server.url(&one_too_many)).unwrap_err();
        assert!(matches!(err, Error::TooManyRedirects), "{err}");
        let err = get(&session, &server.url("/redirect-loop")).unwrap_err();
        assert_eq!(err.to_string(), "too many redirects");
        // Redirect bodies were read, so every hop reused one connection.
        assert_eq!(server.stats().connections, 1);
    }

    #[test]
    fn body_over_max_bytes_is_too_large() {
        let server = Background::start(Config::instant()).unwrap();
        let session = session(HttpConfig {
            max_bytes: 1000,
            ..config()
        });
        let err = get(&session, &server.url("/pages/big")).unwrap_err();
        assert!(matches!(err, Error::TooLarge { limit: 1000 }), "{err}");
        assert_eq!(
            err.to_string(),
            "body larger than --max-bytes (1000 bytes)"
        );
        // Exactly at the limit is fine.
        let ok = get(&session, &server.url("/pages/fits?size=1000"));
        assert_eq!(ok.unwrap().len(), 1000);
    }

    #[test]
    fn status_refused_timeout_and_dns_use_the_shared_wording() {
        let server = Background::start(Config::instant()).unwrap();
        let session = session(HttpConfig {
            timeout: Duration::from_millis(300),
            ..config()
        });
        let err = get(&session, &server.url("/status/404")).unwrap_err();
        assert_eq!(err.to_string(), "HTTP 404");

        let err = get(&session, &server.url("/delay/3000")).unwrap_err();
        assert!(matches!(err, Error::Timeout { secs } if secs == 0.3));
        assert_eq!(err.to_string(), "timed out after 0.3 s");

        let free = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = free.local_addr().unwrap().port();
        drop(free);
        let refused = format!("http://127.0.0.1:{port}/pages/x");
        let err = get(&session, &refused).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("connection refused by 127.0.0.1:{port}")
        );
        assert!(err.is_local_refusal());
        // https gets as far as connecting, too.
        let err = get(&session, &refused.replace("http:", "https:"));
        assert_eq!(
            err.unwrap_err().to_string(),
            format!("connection refused by 127.0.0.1:{port}")
        );

        // .invalid never resolves (RFC 6761).
        let err = get(&session, "http://no-such-host.invalid/").unwrap_err();
        assert!(matches!(err, Error::Dns { .. }), "{err}");
    }

    /// What a raw connection does with each request it reads: answer
    /// these bytes, or (`None`) hang up without answering.
    type Script = Vec<Option<&'static [u8]>>;

    /// An HTTP server on raw TCP, for what the demo server is too
    /// well-behaved to do. It accepts one connection per script, in turn;
    /// on each it reads a request head (returned at the end), then answers
    /// or hangs up as scripted, and closes after the last step.
    fn raw_server(
        scripts: Vec<Script>,
    ) -> (String, thread::JoinHandle<Vec<String>>) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let handle = thread::spawn(move || {
            let mut heads = Vec::new();
            for script in scripts {
                let (stream, _) = listener.accept().unwrap();
                stream
                    .set_read_timeout(Some(Duration::from_secs(10)))
                    .unwrap();
                let mut reader = BufReader::new(stream);
                for step in script {
                    let mut head = String::new();
                    while !head.ends_with("\r\n\r\n") {
                        if reader.read_line(&mut head).unwrap() == 0 {
                            break;
                        }
                    }
                    heads.push(head);
                    match step {
                        Some(answer) => {
                            reader.get_mut().write_all(answer).unwrap();
                        }
                        None => break,
                    }
                }
            }
            heads
        });
        (base, handle)
    }

    #[test]
    fn sends_host_header_and_path_only_uri() {
        let ok: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";
        let (base, server) = raw_server(vec![vec![Some(ok)]]);
        let session = session(config());
        let body = get(&session, &format!("{base}/a/b?c=d#fragment"));
        assert_eq!(body.unwrap(), b"ok");
        drop(session);
        let heads = server.join().unwrap();
        let host = base.trim_start_matches("http://");
        assert!(
            heads[0].starts_with("GET /a/b?c=d HTTP/1.1\r\n"),
            "{}",
            heads[0]
        );
        assert!(
            heads[0]
                .to_ascii_lowercase()
                .contains(&format!("host: {host}")),
            "{}",
            heads[0]
        );
        let user_agent = format!("user-agent: {}\r\n", crate::USER_AGENT);
        assert!(
            heads[0].to_ascii_lowercase().contains(&user_agent),
            "{}",
            heads[0]
        );
    }

    #[test]
    fn chunked_body_is_cut_off_while_streaming() {
        // No Content-Length: only counting the bytes as they arrive can
        // catch this one.
        let chunked: &[u8] = b"HTTP/1.1 200 OK\r\n\
            transfer-encoding: chunked\r\n\r\n\
            8\r\n01234567\r\n8\r\n89abcdef\r\n0\r\n\r\n";
        let (base, server) = raw_server(vec![vec![Some(chunked)]]);
        let session = session(HttpConfig {
            max_bytes: 10,
            ..config()
        });
        let err = get(&session, &format!("{base}/chunked")).unwrap_err();
        assert!(matches!(err, Error::TooLarge { limit: 10 }), "{err}");
        assert_eq!(session.idle_connections(), 0);
        drop(session);
        server.join().unwrap();
    }

    #[test]
    fn pooled_connection_closed_by_the_server_is_replaced() {
        // The first connection answers once, then hangs up on the next
        // request, as a server whose keep-alive timer fired would. That
        // request must go out again on a fresh connection, not fail.
        let hi: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nhi";
        let (base, server) =
            raw_server(vec![vec![Some(hi), None], vec![Some(hi)]]);
        let session = session(config());
        let url = format!("{base}/x");
        assert_eq!(get(&session, &url).unwrap(), b"hi");
        assert_eq!(session.idle_connections(), 1);
        assert_eq!(get(&session, &url).unwrap(), b"hi");
        drop(session);
        // Three request heads: one answered, one hung up on, one resent.
        assert_eq!(server.join().unwrap().len(), 3);
    }

    /// A session that trusts the test server's certificate.
    fn trusting(server: &TlsServer) -> HyperSession<Smol> {
        let roots = Roots::Only(Arc::new([server.cert.clone()]));
        HyperSession::with_roots(Smol, &config(), &roots)
    }

    #[test]
    fn https_from_a_trusted_server_reuses_one_connection() {
        let server = TlsServer::start(1);
        let session = trusting(&server);
        for path in ["/a", "/b"] {
            assert_eq!(get(&session, &server.url(path)).unwrap(), BODY);
        }
        assert_eq!(session.idle_connections(), 1);
        drop(session);
        // Both requests on the one connection the server accepts.
        assert_eq!(server.join(), 2);
    }

    #[test]
    fn https_checks_the_certificate() {
        // The bundled Mozilla roots do not vouch for a self-signed test
        // certificate: the handshake must fail, in rustls' words.
        let server = TlsServer::start(1);
        let err = get(&session(config()), &server.url("/x")).unwrap_err();
        assert_eq!(err.to_string(), "invalid peer certificate: UnknownIssuer");
        assert_eq!(server.join(), 0);
    }

    #[test]
    fn a_broken_ssl_cert_file_fails_https_but_not_http() {
        let roots = Roots::Broken("SSL_CERT_FILE=/nowhere: not found".into());
        let session = HyperSession::with_roots(Smol, &config(), &roots);
        let err = get(&session, "https://127.0.0.1:1/x").unwrap_err();
        assert_eq!(err.to_string(), "SSL_CERT_FILE=/nowhere: not found");
        let server = Background::start(Config::instant()).unwrap();
        let body = get(&session, &server.url("/pages/plain?size=10"));
        assert_eq!(body.unwrap(), page_body("plain", 10));
    }

    #[test]
    fn a_redirect_from_http_to_https_is_followed() {
        // What http://www.bbc.co.uk/ does: the plain-HTTP site sends every
        // visitor to its https twin, on another connection.
        let tls = TlsServer::start(1);
        let redirect = format!(
            "HTTP/1.1 301 Moved Permanently\r\nlocation: {}\r\n\
             content-length: 0\r\n\r\n",
            tls.url("/secure")
        );
        let redirect: &'static [u8] = redirect.leak().as_bytes();
        let (base, plain) = raw_server(vec![vec![Some(redirect)]]);
        let session = trusting(&tls);
        let body = get(&session, &format!("{base}/start")).unwrap();
        assert_eq!(body, BODY);
        drop(session);
        assert_eq!(plain.join().unwrap().len(), 1);
        assert_eq!(tls.join(), 1);
    }
}
