//! The talk's `util.py` in Rust: the helpers every approach imports.
//!
//! - [`urls`], [`filename_for_url`], [`write_to_file`] and
//!   `get_url_content` (feature `blocking`): the four helpers the talk
//!   imports at the top of every approach.
//! - [`hash_me`] and [`cpu_bound`]: the CPU-bound jobs, and [`Task`],
//!   one of them with its input.
//! - [`Error`]: one wording for every failure, whichever client hit it.
//! - [`Refusals`]: the addresses that refused a connection this run, which
//!   every client's session asks before connecting.
//! - [`HttpConfig`]: the limits a client is built with.
//!
//! The command line and the report that every demo's `main` calls live in
//! the `cli-report` crate; nothing here calls a demo back.

mod error;
mod files;
#[cfg(feature = "blocking")]
mod http;
mod kernels;
mod refusals;
#[cfg(feature = "blocking")]
mod server_stats;
#[cfg(feature = "tls-config")]
pub mod tls;
#[cfg(all(feature = "blocking", not(feature = "tls-config")))]
mod tls;
mod urls;

use std::time::Duration;

pub use error::{Error, Result, causes};
pub use files::{TEMP_PREFIX, prepare_out_dir, write_to_file};
#[cfg(feature = "blocking")]
pub use http::{Session, get_url_content};
pub use kernels::{Task, cpu_bound, hash_me};
pub use refusals::Refusals;
#[cfg(feature = "blocking")]
pub use server_stats::ServerStats;
pub use urls::{UrlList, filename_for_url, urls};

/// The `User-Agent` every demo's client sends, so a real site (see
/// `urls-internet.txt`) can tell who is asking, as it could for the
/// talks' `requests` and `aiohttp`.
pub const USER_AGENT: &str =
    concat!("concurrency-shootout/", env!("CARGO_PKG_VERSION"));

/// Limits for the HTTP client: the blocking demos turn them into a
/// `Session` (feature `blocking`), the async demos into their own client.
#[derive(Clone, Debug, Default, PartialEq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct HttpConfig {
    /// The whole request, from connect to the last body byte (`--timeout`).
    pub timeout: Duration,
    /// Connecting alone (the smaller of 5 s and `--timeout`).
    pub connect_timeout: Duration,
    /// Largest body accepted (`--max-bytes`).
    pub max_bytes: u64,
    /// Idle keep-alive connections to keep per host: one per worker, so no
    /// worker has to reconnect.
    pub pool_size: usize,
}
