//! One wording for every failure, whichever approach hit it.
//!
//! Each demo maps its HTTP client's errors onto these variants, so a refused
//! connection reads the same in seq-demo and in tokio-demo, and the shootout
//! and the tests can compare approaches line by line.

use std::io;
use std::path::PathBuf;

/// Why one URL (or one CPU task) failed.
///
/// With feature `serde` it crosses a pipe or a network as JSON, so a
/// failure reads the same whichever process or host hit it: what Python's
/// pickle does behind your back, asked for here by name.
#[derive(Debug, thiserror::Error)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum Error {
    /// A line of the URL file that is not an http(s) URL.
    #[error("line {line}: {reason}: {text:?}")]
    BadLine {
        /// 1-based line number in the URL file.
        line: usize,
        /// The line as read (lossy if it was not UTF-8).
        text: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The host name does not resolve.
    #[error("cannot resolve host {host:?}")]
    Dns {
        /// The host part of the URL.
        host: String,
    },
    /// Nothing listens on that address.
    #[error("connection refused by {addr}")]
    Refused {
        /// `host:port` as written in the URL.
        addr: String,
    },
    /// The whole request took longer than `--timeout`.
    #[error("timed out after {secs} s")]
    Timeout {
        /// The limit that was hit, in seconds.
        secs: f64,
    },
    /// The server answered, but not with 2xx.
    #[error("HTTP {code}")]
    Status {
        /// The status code, e.g. 404.
        code: u16,
    },
    /// The body is larger than `--max-bytes`.
    #[error("body larger than --max-bytes ({limit} bytes)")]
    TooLarge {
        /// The limit, in bytes.
        limit: u64,
    },
    /// Redirects went round in circles (or there were too many).
    #[error("too many redirects")]
    TooManyRedirects,
    /// The connection closed, or was reset, before the whole body arrived.
    /// Nothing is saved: half a file would look like a whole one.
    #[error("body cut short: the connection closed mid-body")]
    CutShort,
    /// Any other transport problem (reset mid-body, protocol error, ...).
    #[error("{0}")]
    Http(String),
    /// Saving the body failed.
    #[error("cannot write {}: {source}", path.display())]
    Write {
        /// The file we tried to write.
        path: PathBuf,
        /// What the OS said.
        #[cfg_attr(feature = "serde", serde(with = "io_message"))]
        source: io::Error,
    },
    /// The code handling this item panicked (a bug): the report says so
    /// for this item, and the others still run.
    #[error("panicked: {message}")]
    Panicked {
        /// The panic's message.
        message: String,
    },
    /// The worker running this item died before reporting back.
    #[error("worker {worker} died: {reason}")]
    WorkerDied {
        /// Which worker.
        worker: usize,
        /// Exit status or panic message.
        reason: String,
    },
}

impl Error {
    /// "cannot resolve host" for the host of `url`.
    pub fn dns(url: &str) -> Error {
        let host = url::Url::parse(url)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned))
            .unwrap_or_else(|| url.to_owned());
        Error::Dns { host }
    }

    /// "connection refused" by the `host:port` of `url`.
    pub fn refused(url: &str) -> Error {
        let addr = match url::Url::parse(url) {
            Ok(u) => format!(
                "{}:{}",
                u.host_str().unwrap_or_default(),
                u.port_or_known_default().unwrap_or_default()
            ),
            Err(_) => url.to_owned(),
        };
        Error::Refused { addr }
    }

    /// How an I/O error *while the body is being read* reads: a connection
    /// closed early (EOF before `Content-Length`) or reset is
    /// [`Error::CutShort`], whichever client saw it (ureq says "Peer
    /// disconnected", hyper "end of file before message length reached",
    /// the OS "Connection reset by peer"); anything else keeps its words.
    /// Timeouts are the caller's to map first: only it knows the limit.
    pub fn mid_body(error: &io::Error) -> Error {
        match error.kind() {
            io::ErrorKind::UnexpectedEof
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe => Error::CutShort,
            _ => Error::Http(error.to_string()),
        }
    }

    /// True for a refused connection to this machine: the demo server is
    /// probably not running, and the report says how to start it.
    pub fn is_local_refusal(&self) -> bool {
        match self {
            Error::Refused { addr } => {
                addr.starts_with("127.0.0.1:")
                    || addr.starts_with("localhost:")
                    || addr.starts_with("[::1]:")
            }
            _ => false,
        }
    }
}

/// `error` and what caused it, outermost first. Each HTTP client wraps the
/// OS's error in its own (reqwest in hyper-util's in hyper's), so a client
/// maps onto [`Error`] by looking through this chain for a type, never by
/// reading the words.
pub fn causes<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(error), |e| e.source())
}

/// The result of downloading one URL or running one task.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An `io::Error` crosses as its message: the report shows only the text,
/// so the kind and the OS's code stay behind.
#[cfg(feature = "serde")]
mod io_message {
    use std::io;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(
        error: &io::Error,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_str(error)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<io::Error, D::Error> {
        String::deserialize(d).map(io::Error::other)
    }
}
