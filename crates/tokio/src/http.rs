//! `get_url_content(session, url)` for tokio: the slide's aiohttp call, on
//! reqwest.
//!
//! The same two names as the blocking helper in the shared crate
//! (`Session::new(&job.http)`, `get_url_content(&session, url)`), so
//! `main.rs` reads like seq-demo's with `.await` added. Part of tokio-demo;
//! run it with `cargo run -p tokio-demo`.

use std::io;

use shared::{Error, HttpConfig, Refusals};

// ANCHOR: session
/// The slide's `aiohttp.ClientSession()`: one `reqwest::Client` (a pool of
/// keep-alive connections) plus the run's limits.
///
/// Clone it freely: a `reqwest::Client` is an `Arc` inside, so every clone
/// shares the one pool. That is what lets each spawned task own "its"
/// session while all of them reuse the same connections.
#[derive(Clone, Debug)]
pub struct Session {
    client: reqwest::Client,
    config: HttpConfig,
    /// The addresses that refused this run: not dialled again (on Windows
    /// each refusal costs about 2 s; see [`Refusals`]).
    refusals: Refusals,
}
// ANCHOR_END: session

impl Session {
    /// A client with the run's timeouts and pool size.
    ///
    /// reqwest, like ureq, has no timeout by default: a server that never
    /// answers would keep its task waiting forever. Its idle pool per host
    /// is unlimited by default; we keep one idle connection per worker,
    /// which is all a run can reuse.
    pub fn new(config: &HttpConfig) -> Session {
        install_crypto();
        let builder = || {
            reqwest::Client::builder()
                .timeout(config.timeout)
                .connect_timeout(config.connect_timeout)
                .pool_max_idle_per_host(config.pool_size)
                // Straight to the server, as every demo connects: a proxy
                // from HTTP_PROXY cannot reach a demo server on 127.0.0.1.
                .no_proxy()
                .user_agent(shared::USER_AGENT)
        };
        // https trusts the system's certificate store (reqwest's platform
        // verifier; on Linux `SSL_CERT_FILE` replaces the store). With no
        // store at all (a bare container) `build` fails even for http://
        // URLs, so then trust nothing: http still works, https fails its
        // certificate check, and this warning says why.
        let client = builder().build().unwrap_or_else(|e| {
            eprintln!(
                "tokio-demo: warning: {}; https URLs will fail \
                 (set SSL_CERT_FILE to a PEM file of CA certificates)",
                chain(&e)
            );
            builder()
                .tls_certs_only(Vec::new())
                .build()
                .expect("the crypto provider is installed and needs no roots")
        });
        Session {
            client,
            config: config.clone(),
            refusals: Refusals::default(),
        }
    }

    /// Maps a reqwest error for `url` onto the one wording all demos share.
    fn error(&self, url: &str, err: &reqwest::Error) -> Error {
        if err.is_timeout() {
            let limit = if err.is_connect() {
                self.config.connect_timeout
            } else {
                self.config.timeout
            };
            return Error::Timeout {
                secs: limit.as_secs_f64(),
            };
        }
        if err.is_dns() {
            return Error::dns(url);
        }
        if err.is_redirect() {
            return Error::TooManyRedirects;
        }
        match io_error(err) {
            Some(e) if e.kind() == io::ErrorKind::ConnectionRefused => {
                // Remember the address that refused: after a redirect,
                // reqwest's `url()` is the hop's, not `url`.
                let dialled = err.url().map_or(url, reqwest::Url::as_str);
                self.refusals.note(&Error::refused(dialled));
                Error::refused(url)
            }
            // The OS's words ("Connection reset by peer", "Too many open
            // files"), like seq-demo prints them; reqwest's own top line
            // only says "error sending request for url (...)".
            Some(e) => Error::Http(e.to_string()),
            None => Error::Http(chain(err)),
        }
    }

    /// A failure while the body streams in: a connection closed or reset
    /// mid-body is [`Error::CutShort`], the wording every demo shares
    /// (reqwest would say "error decoding response body"); the rest as in
    /// [`Session::error`].
    fn body_error(&self, url: &str, err: &reqwest::Error) -> Error {
        match io_error(err).map(Error::mid_body) {
            Some(Error::CutShort) if !err.is_timeout() => Error::CutShort,
            _ => self.error(url, err),
        }
    }
}

/// reqwest's rustls support is built without a crypto provider
/// (`rustls-no-provider`), so that rustls uses *ring*, like ureq, instead
/// of the default aws-lc (a C library and a slow build). Building a client
/// with no provider installed panics, even for plain-HTTP URLs, so every
/// `Session::new` makes sure one is there. Installing twice is harmless: the
/// second call reports "already installed", which we ignore.
fn install_crypto() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

/// The innermost I/O error behind a reqwest error, if any.
fn io_error(err: &reqwest::Error) -> Option<&io::Error> {
    shared::causes(err).filter_map(|e| e.downcast_ref()).last()
}

/// The causes under reqwest's top line, joined: "client error (Connect):
/// invalid URL ...".
fn chain(err: &reqwest::Error) -> String {
    let text: Vec<String> =
        shared::causes(err).skip(1).map(|e| e.to_string()).collect();
    if text.is_empty() {
        err.to_string()
    } else {
        text.join(": ")
    }
}

// ANCHOR: get_url_content
/// Downloads `url` and returns its body: the slide's
/// `yield from response.read_and_close()`.
///
/// Every `.await` is a point where this task steps aside and lets the
/// runtime run others while the bytes are on their way. A status other
/// than 2xx is an error, as in ureq. The body is read chunk by chunk and
/// given up as soon as it passes `--max-bytes` ([`Error::TooLarge`]), so a
/// huge answer never sits in memory whole.
pub async fn get_url_content(
    session: &Session,
    url: &str,
) -> Result<Vec<u8>, Error> {
    // reqwest follows redirects inside `send`, so only the first address
    // is checked here; one that refused after a redirect is still noted.
    session.refusals.check(url)?;
    let fail = |e: reqwest::Error| session.error(url, &e);
    let mut response = session.client.get(url).send().await.map_err(fail)?;
    let status = response.status();
    if !status.is_success() {
        return Err(Error::Status {
            code: status.as_u16(),
        });
    }
    let limit = session.config.max_bytes;
    let too_large = Error::TooLarge { limit };
    // Content-Length is only the server's promise; the loop below checks
    // what really arrives. The promise lets us refuse early and reserve
    // the right capacity once.
    let promised = response.content_length().unwrap_or(0);
    if promised > limit {
        return Err(too_large);
    }
    let mut body = Vec::with_capacity(usize::try_from(promised).unwrap_or(0));
    let cut = |e: reqwest::Error| session.body_error(url, &e);
    while let Some(chunk) = response.chunk().await.map_err(cut)? {
        if (body.len() + chunk.len()) as u64 > limit {
            return Err(too_large);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}
// ANCHOR_END: get_url_content

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[tokio::test]
    async fn a_port_that_refused_once_is_not_dialled_again() {
        let session = Session::new(&HttpConfig {
            timeout: Duration::from_secs(5),
            connect_timeout: Duration::from_secs(5),
            max_bytes: 1024,
            pool_size: 1,
        });
        let closed = testkit::ClosedPort::new();
        let port = closed.port();
        let refused = format!("connection refused by 127.0.0.1:{port}");
        let first = format!("http://127.0.0.1:{port}/first");
        let err = get_url_content(&session, &first).await.unwrap_err();
        assert_eq!(err.to_string(), refused, "GET {first}");

        // Now something listens there; the session must not find out.
        let listener = closed.listen();
        let second = format!("http://127.0.0.1:{port}/second");
        let err = get_url_content(&session, &second).await.unwrap_err();
        assert_eq!(err.to_string(), refused, "GET {second} after {first}");
        if let Some(peer) = testkit::accepted(&listener) {
            panic!(
                "GET {second} after {first} refused: expected no connection \
                 to port {port}, one came from {peer}"
            );
        }

        // Another port on the same host is still tried.
        let server =
            demo_server::Background::start(demo_server::Config::instant())
                .unwrap();
        let other = server.url("/bytes/10");
        let body = get_url_content(&session, &other).await;
        assert_eq!(body.unwrap(), demo_server::bytes_body(10), "GET {other}");
    }
}
