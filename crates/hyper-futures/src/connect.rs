//! The connector: what hyper-util's `Client` calls when its pool has no
//! idle connection for a URL's origin. DNS, TCP and, for https, TLS, on
//! the runtime's own socket, all within the connect timeout.
//!
//! hyper-util ships a connector too (`HttpConnector`), but it is built on
//! tokio's sockets and tokio's blocking pool for DNS: it needs a tokio
//! runtime. This one is the same job in a page, over [`Runtime`].

use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll};
use std::time::Duration;

use futures_lite::future;
use futures_lite::io::{AsyncRead, AsyncWrite};
use futures_rustls::TlsConnector;
use futures_rustls::rustls::pki_types::{InvalidDnsNameError, ServerName};
use hyper::Uri;
use hyper::rt::{ReadBufCursor, Timer as _};
use hyper_util::client::legacy::connect::{Connected, Connection};
use smol_hyper::rt::{FuturesIo, SmolTimer};
use url::Host;

use crate::Runtime;

/// Why a connection could not be opened. hyper-util hands it back inside
/// its own error (as the source); the session finds it there by type and
/// turns it into the shared wording (`Session::get_url_content`).
#[derive(Debug, thiserror::Error)]
pub(crate) enum ConnectError {
    /// The name did not resolve, or resolved to no address.
    #[error("cannot resolve host")]
    Dns,
    /// Every address refused, or failed; this is the last one's error.
    #[error("cannot connect to {addr}: {source}")]
    Tcp { addr: SocketAddr, source: io::Error },
    /// DNS, TCP and TLS together took longer than the connect timeout.
    #[error("connect timed out")]
    Timeout,
    /// `SSL_CERT_FILE` is unusable: https fails with its message.
    #[error("{0}")]
    NoTrust(Arc<str>),
    /// A host name rustls will not put in a TLS handshake.
    #[error("{0}")]
    BadName(InvalidDnsNameError),
    /// The TLS handshake failed; the text is rustls' own ("invalid peer
    /// certificate: UnknownIssuer"), as the ureq and reqwest demos print.
    #[error("{0}")]
    Tls(io::Error),
}

/// Either socket hyper talks over: plain TCP, or TLS on top of it. A
/// boxed trait object lets both share one connection type, so one pool.
trait Io: AsyncRead + AsyncWrite + Send + Unpin {}

impl<T: AsyncRead + AsyncWrite + Send + Unpin> Io for T {}

/// Set once a response has come back on a connection. hyper-util carries
/// it as the connection's "extra" info, into every response and error on
/// it: that is how the session tells a reused connection from a new one.
#[derive(Clone, Debug, Default)]
pub(crate) struct Answered(Arc<AtomicBool>);

impl Answered {
    pub(crate) fn set(&self) {
        self.0.store(true, Ordering::Relaxed);
    }

    pub(crate) fn get(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}

/// An open connection as hyper-util wants it: hyper's `rt::Read` and
/// `rt::Write` (through smol-hyper's `FuturesIo`), and `Connection`.
pub(crate) struct Conn {
    io: FuturesIo<Box<dyn Io>>,
    answered: Answered,
}

impl Connection for Conn {
    fn connected(&self) -> Connected {
        Connected::new().extra(self.answered.clone())
    }
}

impl hyper::rt::Read for Conn {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: ReadBufCursor<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl hyper::rt::Write for Conn {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }
}

/// Opens connections for hyper-util's `Client`. Cloned for every connect
/// (hyper-util's rule), so everything in it is cheap to clone.
#[derive(Clone)]
pub(crate) struct Connector<R> {
    pub(crate) runtime: R,
    /// `Err`: why https cannot be trusted (an unusable `SSL_CERT_FILE`).
    pub(crate) tls: Result<TlsConnector, Arc<str>>,
    pub(crate) timeout: Duration,
}

/// A `tower_service::Service<Uri>` is what hyper-util takes as a
/// connector: `call` starts a connect, `poll_ready` says whether a new one
/// may start (always, here).
impl<R: Runtime> tower_service::Service<Uri> for Connector<R> {
    type Response = Conn;
    type Error = ConnectError;
    type Future =
        Pin<Box<dyn Future<Output = Result<Conn, ConnectError>> + Send>>;

    fn poll_ready(
        &mut self,
        _: &mut Context<'_>,
    ) -> Poll<Result<(), Self::Error>> {
        Poll::Ready(Ok(()))
    }

    fn call(&mut self, uri: Uri) -> Self::Future {
        let connector = self.clone();
        Box::pin(async move {
            let deadline = async {
                SmolTimer::new().sleep(connector.timeout).await;
                Err(ConnectError::Timeout)
            };
            // Whichever ends first; the loser is dropped, which cancels it.
            future::or(connector.open(&uri), deadline).await
        })
    }
}

impl<R: Runtime> Connector<R> {
    /// The socket for `uri`: TCP, with TLS on top for https.
    async fn open(&self, uri: &Uri) -> Result<Conn, ConnectError> {
        // hyper-util only calls us with an absolute http(s) URI, and the
        // session only sends those.
        let https = uri.scheme_str() == Some("https");
        let port = uri.port_u16().unwrap_or(if https { 443 } else { 80 });
        let host = Host::parse(uri.host().unwrap_or_default())
            .map_err(|_| ConnectError::Dns)?;
        let io: Box<dyn Io> = if https {
            // Checked first: with no trust there is no point connecting.
            let tls = self
                .tls
                .as_ref()
                .map_err(|why| ConnectError::NoTrust(why.clone()))?;
            // The name the certificate must carry (and the SNI that picks
            // it): a domain, or an IP address.
            let name = match &host {
                Host::Domain(name) => ServerName::try_from(name.clone())
                    .map_err(ConnectError::BadName)?,
                Host::Ipv4(ip) => ServerName::from(IpAddr::from(*ip)),
                Host::Ipv6(ip) => ServerName::from(IpAddr::from(*ip)),
            };
            let tcp = self.tcp(&host, port).await?;
            Box::new(tls.connect(name, tcp).await.map_err(ConnectError::Tls)?)
        } else {
            Box::new(self.tcp(&host, port).await?)
        };
        Ok(Conn {
            io: FuturesIo::new(io),
            answered: Answered::default(),
        })
    }

    /// DNS, then TCP to each address in turn (`localhost` is `::1` and
    /// `127.0.0.1`; the demo server listens only on the second).
    async fn tcp(
        &self,
        host: &Host,
        port: u16,
    ) -> Result<R::TcpStream, ConnectError> {
        let addrs = match host {
            Host::Domain(name) => self
                .runtime
                .resolve(name, port)
                .await
                .map_err(|_| ConnectError::Dns)?,
            Host::Ipv4(ip) => vec![SocketAddr::new((*ip).into(), port)],
            Host::Ipv6(ip) => vec![SocketAddr::new((*ip).into(), port)],
        };
        let mut last = None;
        for addr in addrs {
            match self.runtime.connect(addr).await {
                Ok(tcp) => return Ok(tcp),
                Err(source) => last = Some(ConnectError::Tcp { addr, source }),
            }
        }
        Err(last.unwrap_or(ConnectError::Dns))
    }
}
