//! Helpers for the workshop's exercises (`src/bin/ex*.rs`).
//!
//! The exercises are about concurrency, not HTTP clients, so the one piece
//! an exercise needs and the shared crate does not have is here: an async
//! `get_url_content` for exercise 3 (tokio). It has the same two names as
//! the blocking one in the shared crate, `Session::new(&run.http)` and
//! `get_url_content(&session, url)`, so the async version of seq-demo reads
//! like the blocking one with `.await` added. tokio-demo's `src/http.rs` is
//! the full version (streamed body limit, every error mapped).
//!
//! The exercises: `crates/exercises/README.md`.

/// An async HTTP client for tokio: reqwest, with the run's limits.
pub mod aio {
    use shared::{Error, HttpConfig};

    /// The slide's `aiohttp.ClientSession()`: one pool of keep-alive
    /// connections. Clone it freely: a `reqwest::Client` is an `Arc`
    /// inside, so every clone shares the one pool.
    #[derive(Clone, Debug)]
    pub struct Session {
        client: reqwest::Client,
        config: HttpConfig,
    }

    impl Session {
        /// A client with the run's timeouts and pool size.
        pub fn new(config: &HttpConfig) -> Session {
            // reqwest is built with rustls but without a crypto provider
            // (the workspace uses *ring*, not the default aws-lc); a second
            // install is a harmless no-op.
            let _ = rustls::crypto::ring::default_provider().install_default();
            let client = reqwest::Client::builder()
                .timeout(config.timeout)
                .connect_timeout(config.connect_timeout)
                .pool_max_idle_per_host(config.pool_size)
                // Straight to the server: HTTP_PROXY cannot reach 127.0.0.1.
                .no_proxy()
                .build()
                .expect("a crypto provider is installed just above");
            Session {
                client,
                config: config.clone(),
            }
        }
    }

    /// Downloads `url` and returns its body. A status other than 2xx is
    /// an error, as in the blocking client; so is a body larger than
    /// `--max-bytes`.
    pub async fn get_url_content(
        session: &Session,
        url: &str,
    ) -> Result<Vec<u8>, Error> {
        let fail = |e: reqwest::Error| {
            if e.is_timeout() {
                Error::Timeout {
                    secs: session.config.timeout.as_secs_f64(),
                }
            } else if e.is_connect() && refused(&e) {
                Error::refused(url)
            } else {
                Error::Http(e.to_string())
            }
        };
        let response = session.client.get(url).send().await.map_err(fail)?;
        let status = response.status();
        if !status.is_success() {
            return Err(Error::Status {
                code: status.as_u16(),
            });
        }
        let body = response.bytes().await.map_err(fail)?;
        let limit = session.config.max_bytes;
        if body.len() as u64 > limit {
            return Err(Error::TooLarge { limit });
        }
        Ok(body.to_vec())
    }

    /// Was the connection refused (nothing listening)? The answer is an
    /// `io::Error` somewhere down reqwest's chain of causes.
    fn refused(e: &reqwest::Error) -> bool {
        let mut cause = std::error::Error::source(e);
        while let Some(c) = cause {
            if let Some(io) = c.downcast_ref::<std::io::Error>() {
                return io.kind() == std::io::ErrorKind::ConnectionRefused;
            }
            cause = c.source();
        }
        false
    }
}
