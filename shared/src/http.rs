//! `get_url_content(session, url)`: the talk's blocking download, on ureq.
//!
//! Only built with the `blocking` feature (seq, threads, thread pool,
//! processes). The async demos bring their own client. https goes through
//! ureq's rustls support (*ring*, Mozilla's roots compiled in; see `tls.rs`
//! for `SSL_CERT_FILE`).

use std::io;

use ureq::config::Config;
use ureq::http::Uri;
use ureq::tls::{Certificate, RootCerts, TlsConfig};
use ureq::unversioned::resolver::{
    DefaultResolver, ResolvedSocketAddrs, Resolver,
};
use ureq::unversioned::transport::{
    ConnectionDetails, Connector, DefaultConnector, NextTimeout, Transport,
};

use crate::tls::Roots;
use crate::{Error, HttpConfig, Refusals, USER_AGENT};

// ANCHOR: session
/// The talk's `requests.Session` in Rust: one `ureq::Agent` (a pool of
/// keep-alive connections) plus the run's limits.
///
/// Build it once and pass `&Session` around. ureq's `Agent` is `Send +
/// Sync` and cheap to clone (an `Arc` inside), so unlike `requests.Session`
/// it can be shared by many threads; the compiler checks that for us.
#[derive(Clone, Debug)]
pub struct Session {
    agent: ureq::Agent,
    config: HttpConfig,
    /// Whom https connections trust; kept to explain a broken
    /// `SSL_CERT_FILE` when a handshake fails.
    roots: Roots,
}
// ANCHOR_END: session

impl Session {
    /// An agent with the run's timeouts and pool size.
    ///
    /// ureq sets no timeouts by default, so a silent server would hang a
    /// worker forever; and it keeps only 3 idle connections per host, so
    /// more than 3 workers would keep reconnecting. Both are set here.
    pub fn new(config: &HttpConfig) -> Session {
        Session::with_roots(config, Roots::from_env())
    }

    /// [`Session::new`] trusting `roots` for https (tests pass their own
    /// certificate here instead of setting `SSL_CERT_FILE`).
    pub(crate) fn with_roots(config: &HttpConfig, roots: Roots) -> Session {
        let trusted = match &roots {
            Roots::Bundled => RootCerts::WebPki,
            Roots::Only(certs) => RootCerts::new_with_certs(
                &certs
                    .iter()
                    .map(|der| Certificate::from_der(der).to_owned())
                    .collect::<Vec<_>>(),
            ),
            // Trust nothing: the handshake fails, and `error` says why.
            Roots::Broken(_) => RootCerts::new_with_certs(&[]),
        };
        let limits = ureq::Agent::config_builder()
            .timeout_connect(Some(config.connect_timeout))
            .timeout_global(Some(config.timeout))
            .max_idle_connections_per_host(config.pool_size)
            .max_idle_connections(config.pool_size.max(10))
            // Straight to the server, as every demo connects: a proxy from
            // the environment (HTTP_PROXY) cannot reach a demo server on
            // 127.0.0.1, and hyper's client has no proxies at all.
            .proxy(None)
            .tls_config(TlsConfig::builder().root_certs(trusted).build())
            .user_agent(USER_AGENT)
            .build();
        let agent = ureq::Agent::with_parts(
            limits,
            Refusing {
                refusals: Refusals::default(),
                inner: DefaultConnector::default(),
            },
            Lookup::default(),
        );
        Session {
            agent,
            config: config.clone(),
            roots,
        }
    }

    /// Maps a ureq error for `url` onto the one wording all demos share.
    fn error(&self, url: &str, err: ureq::Error) -> Error {
        match err {
            ureq::Error::StatusCode(code) => Error::Status { code },
            ureq::Error::HostNotFound => Error::dns(url),
            ureq::Error::Timeout(_) => Error::Timeout {
                secs: self.config.timeout.as_secs_f64(),
            },
            ureq::Error::BodyExceedsLimit(_) => Error::TooLarge {
                limit: self.config.max_bytes,
            },
            ureq::Error::TooManyRedirects => Error::TooManyRedirects,
            ureq::Error::Rustls(e) => self.tls_error(&e),
            // A failed handshake reaches us as an I/O error with rustls'
            // error inside.
            ureq::Error::Io(e) => match (rustls_error(&e), e.kind()) {
                (Some(tls), _) => self.tls_error(tls),
                (None, io::ErrorKind::ConnectionRefused) => Error::refused(url),
                (None, io::ErrorKind::TimedOut) => Error::Timeout {
                    secs: self.config.timeout.as_secs_f64(),
                },
                _ => Error::Http(e.to_string()),
            },
            other => Error::Http(other.to_string()),
        }
    }

    /// A failed TLS handshake, in rustls' own words ("invalid peer
    /// certificate: UnknownIssuer", as the other clients print it), or
    /// why `SSL_CERT_FILE` could not be used.
    fn tls_error(&self, err: &rustls::Error) -> Error {
        match self.roots.problem() {
            Some(why) => Error::Http(why.to_owned()),
            None => Error::Http(err.to_string()),
        }
    }
}

/// ureq's own resolver, with one change: when the OS's lookup fails, std
/// reports it as a plain I/O error (its kind has no name for "no such
/// host"), which ureq passes on as `Error::Io`. Every error of the lookup
/// itself means the host does not resolve, so say so by type.
#[derive(Debug, Default)]
struct Lookup(DefaultResolver);

impl Resolver for Lookup {
    fn resolve(
        &self,
        uri: &Uri,
        config: &Config,
        timeout: NextTimeout,
    ) -> Result<ResolvedSocketAddrs, ureq::Error> {
        match self.0.resolve(uri, config, timeout) {
            Err(ureq::Error::Io(_)) => Err(ureq::Error::HostNotFound),
            other => other,
        }
    }
}

/// ureq's own connector, asking the run's [`Refusals`] first: an address
/// that refused once is not dialled again (on Windows each refusal costs
/// about 2 s), and a new refusal is noted.
///
/// Here rather than in [`get_url_content`] because only the connector
/// knows which address refused: after a redirect it is not the URL's.
/// The error is the OS's own "connection refused", which
/// [`Session::error`] words as for any refusal.
#[derive(Debug)]
struct Refusing {
    refusals: Refusals,
    inner: DefaultConnector,
}

impl Connector for Refusing {
    type Out = Box<dyn Transport>;

    fn connect(
        &self,
        details: &ConnectionDetails<'_>,
        chained: Option<()>,
    ) -> Result<Option<Self::Out>, ureq::Error> {
        let uri = details.uri.to_string();
        if self.refusals.check(&uri).is_err() {
            let refused = io::Error::from(io::ErrorKind::ConnectionRefused);
            return Err(ureq::Error::Io(refused));
        }
        let connected = self.inner.connect(details, chained);
        if let Err(ureq::Error::Io(e)) = &connected
            && e.kind() == io::ErrorKind::ConnectionRefused
        {
            self.refusals.note(&Error::refused(&uri));
        }
        connected
    }
}

/// The rustls error inside an I/O error, if that is what it carries.
fn rustls_error(err: &io::Error) -> Option<&rustls::Error> {
    err.get_ref()?.downcast_ref()
}

// ANCHOR: get_url_content
/// Downloads `url` and returns its body.
///
/// The talk's `content = get_url_content(url)`: it blocks the calling
/// thread until the whole body has arrived (or `--timeout` passed). The body
/// is read to the end, which is also what lets ureq put the connection back
/// in the pool for the next request. Bodies above `--max-bytes` fail with
/// [`Error::TooLarge`] (ureq's own default would stop at 10 MiB).
pub fn get_url_content(session: &Session, url: &str) -> Result<Vec<u8>, Error> {
    // ureq sends the path as written; reqwest and hyper parse the URL
    // first (WHATWG rules: `/a/b/../../x` is `/x`, `HTTP:` is `http:`).
    // Parse it here too, so one line of urls.txt is one request everywhere.
    let target =
        url::Url::parse(url).map_or_else(|_| url.to_owned(), String::from);
    let mut response = session
        .agent
        .get(&target)
        .call()
        .map_err(|e| session.error(url, e))?;
    response
        .body_mut()
        .with_config()
        // ureq fails a body that *reaches* its limit (it probes for EOF
        // with one more read), so allow one byte more: exactly
        // --max-bytes is fine, one byte over is TooLarge.
        .limit(session.config.max_bytes.saturating_add(1))
        .read_to_vec()
        .map_err(|e| match e {
            // Closed or reset mid-body: the wording every demo shares.
            ureq::Error::Io(io) => match Error::mid_body(&io) {
                Error::CutShort => Error::CutShort,
                _ => session.error(url, ureq::Error::Io(io)),
            },
            e => session.error(url, e),
        })
}
// ANCHOR_END: get_url_content

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tls::test_server::{BODY, TlsServer};
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::Duration;

    fn session() -> Session {
        Session::new(&HttpConfig {
            timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(5),
            max_bytes: 1024,
            pool_size: 1,
        })
    }

    #[test]
    fn made_up_domain_is_a_dns_error() {
        // `.invalid` never resolves (RFC 2606), offline or not.
        let err = get_url_content(&session(), "http://no-such-host.invalid/x")
            .unwrap_err();
        assert!(matches!(err, Error::Dns { .. }), "{err:?}");
        assert_eq!(
            err.to_string(),
            "cannot resolve host \"no-such-host.invalid\""
        );
    }

    #[test]
    fn body_over_the_limit_is_too_large() {
        let server =
            demo_server::Background::start(demo_server::Config::instant())
                .unwrap();
        for n in [1025, 4096] {
            let url = server.url(&format!("/bytes/{n}"));
            let err = get_url_content(&session(), &url).unwrap_err();
            assert!(matches!(err, Error::TooLarge { limit: 1024 }), "{err:?}");
        }
        let ok = get_url_content(&session(), &server.url("/bytes/1024"));
        assert_eq!(ok.unwrap(), demo_server::bytes_body(1024));
    }

    #[test]
    fn https_from_a_trusted_server_reuses_one_connection() {
        let server = TlsServer::start(1);
        let roots = Roots::Only(Arc::new([server.cert.clone()]));
        let session = Session::with_roots(&session().config, roots);
        for path in ["/a", "/b"] {
            let body = get_url_content(&session, &server.url(path));
            assert_eq!(body.unwrap(), BODY);
        }
        drop(session);
        // Both requests on the one connection the server accepts.
        assert_eq!(server.join(), 2);
    }

    #[test]
    fn https_checks_the_certificate() {
        // The bundled Mozilla roots do not vouch for a self-signed test
        // certificate: the handshake must fail, and say so.
        let server = TlsServer::start(1);
        let err = get_url_content(&session(), &server.url("/x")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "invalid peer certificate: UnknownIssuer",
            "{err:?}"
        );
        assert_eq!(server.join(), 0);
    }

    #[test]
    fn a_broken_ssl_cert_file_is_named_in_the_error() {
        let server = TlsServer::start(1);
        let roots = Roots::Broken("SSL_CERT_FILE=/nowhere: not found".into());
        let session = Session::with_roots(&session().config, roots);
        let err = get_url_content(&session, &server.url("/x")).unwrap_err();
        assert_eq!(err.to_string(), "SSL_CERT_FILE=/nowhere: not found");
        assert_eq!(server.join(), 0);
    }

    /// A loopback port that refuses connections until told to listen: a
    /// bound socket that is not listening yet. No other test can take the
    /// port in between, as it could if we let go of it and bound again.
    fn closed_port() -> (socket2::Socket, u16) {
        use socket2::{Domain, Socket, Type};
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None).unwrap();
        let any = std::net::SocketAddr::from(([127, 0, 0, 1], 0));
        socket.bind(&any.into()).unwrap();
        let port = socket.local_addr().unwrap().as_socket().unwrap().port();
        (socket, port)
    }

    #[test]
    fn a_port_that_refused_once_is_not_dialled_again() {
        let (socket, port) = closed_port();
        let session = session();
        let refused = format!("connection refused by 127.0.0.1:{port}");
        let first = format!("http://127.0.0.1:{port}/first");
        let err = get_url_content(&session, &first).unwrap_err();
        assert_eq!(err.to_string(), refused, "GET {first}");

        // Now something listens there; the session must not find out.
        socket.listen(8).unwrap();
        socket.set_nonblocking(true).unwrap();
        let second = format!("http://127.0.0.1:{port}/second");
        let err = get_url_content(&session, &second).unwrap_err();
        assert_eq!(err.to_string(), refused, "GET {second} after {first}");
        match socket.accept() {
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => {}
            other => panic!(
                "GET {second} after {first} refused: expected no connection \
                 to port {port}, accept gave {other:?}"
            ),
        }

        // Another port on the same host is still tried.
        let server =
            demo_server::Background::start(demo_server::Config::instant())
                .unwrap();
        let other = server.url("/bytes/10");
        let body = get_url_content(&session, &other);
        assert_eq!(body.unwrap(), demo_server::bytes_body(10), "GET {other}");
    }

    #[test]
    fn a_refusal_after_a_redirect_is_not_held_against_the_first_host() {
        // A server whose every answer redirects to a port that refuses.
        let (_closed, port) = closed_port();
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let served = Arc::new(AtomicUsize::new(0));
        let counter = Arc::clone(&served);
        let base = format!("http://{}", listener.local_addr().unwrap());
        // Detached: it ends with the test process.
        std::thread::spawn(move || {
            use std::io::{BufRead, BufReader, Write};
            for stream in listener.incoming() {
                let mut stream = stream.unwrap();
                let mut line = String::new();
                let mut reader = BufReader::new(&stream);
                while reader.read_line(&mut line).unwrap() > 2 {
                    line.clear();
                }
                counter.fetch_add(1, Ordering::SeqCst);
                let _ = write!(
                    stream,
                    "HTTP/1.1 302 Found\r\nLocation: \
                     http://127.0.0.1:{port}/x\r\nContent-Length: 0\r\n\
                     Connection: close\r\n\r\n"
                );
            }
        });
        let session = session();
        for (n, path) in [(1, "/a"), (2, "/b")] {
            let url = format!("{base}{path}");
            assert!(get_url_content(&session, &url).is_err(), "GET {url}");
            assert_eq!(
                served.load(Ordering::SeqCst),
                n,
                "requests the redirecting server saw after GET {url}: \
                 its port must not count as refused"
            );
        }
    }

    #[test]
    fn https_to_a_closed_port_is_refused() {
        let free = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = free.local_addr().unwrap().port();
        drop(free);
        let url = format!("https://127.0.0.1:{port}/x");
        let err = get_url_content(&session(), &url).unwrap_err();
        assert_eq!(
            err.to_string(),
            format!("connection refused by 127.0.0.1:{port}")
        );
    }
}
