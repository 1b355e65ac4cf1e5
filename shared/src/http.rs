//! `get_url_content(session, url)`: the talk's blocking download, on ureq.
//!
//! Only built with the `blocking` feature (seq, threads, thread pool,
//! processes). The async demos bring their own client.

use std::io;

use crate::{Error, HttpConfig};

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
}

impl Session {
    /// An agent with the run's timeouts and pool size.
    ///
    /// ureq sets no timeouts by default, so a silent server would hang a
    /// worker forever; and it keeps only 3 idle connections per host, so
    /// more than 3 workers would keep reconnecting. Both are set here.
    pub fn new(config: &HttpConfig) -> Session {
        let agent = ureq::Agent::config_builder()
            .timeout_connect(Some(config.connect_timeout))
            .timeout_global(Some(config.timeout))
            .max_idle_connections_per_host(config.pool_size)
            .max_idle_connections(config.pool_size.max(10))
            .build()
            .into();
        Session {
            agent,
            config: config.clone(),
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
            ureq::Error::Io(e) => match e.kind() {
                io::ErrorKind::ConnectionRefused => Error::refused(url),
                io::ErrorKind::TimedOut => Error::Timeout {
                    secs: self.config.timeout.as_secs_f64(),
                },
                _ => Error::Http(e.to_string()),
            },
            other => Error::Http(other.to_string()),
        }
    }
}

/// Downloads `url` and returns its body.
///
/// The talk's `content = get_url_content(url)`: it blocks the calling
/// thread until the whole body has arrived (or `--timeout` passed). The body
/// is read to the end, which is also what lets ureq put the connection back
/// in the pool for the next request. Bodies above `--max-bytes` fail with
/// [`Error::TooLarge`] (ureq's own default would stop at 10 MiB).
pub fn get_url_content(session: &Session, url: &str) -> Result<Vec<u8>, Error> {
    let mut response = session
        .agent
        .get(url)
        .call()
        .map_err(|e| session.error(url, e))?;
    response
        .body_mut()
        .with_config()
        .limit(session.config.max_bytes)
        .read_to_vec()
        .map_err(|e| session.error(url, e))
}
