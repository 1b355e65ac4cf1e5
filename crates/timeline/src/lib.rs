//! The runtime-free half of the async demos' CPU-blocking and deadline
//! examples, so that each example keeps only what its runtime does.
//!
//! tokio-demo, async-std-demo and smol-demo each retell two slides the
//! same way, and only the runtime's part differs:
//!
//! - talk 04's "Problems with asyncio" (tokio's `s08-cpu-blocks-io`,
//!   async-std's `s05-cpu-blocks-io`, smol's `s05-cpu-starves-executor`):
//!   where a CPU job runs. [`mix`] has the rest: the arguments, the jobs,
//!   the clock, the ASCII timeline, the summary line and `--trace`.
//! - talk 05's `wait(futures, timeout=0.3)` (tokio's `s07-deadline`,
//!   async-std's `s04-deadline`, smol's `s04-deadline-race`): how the
//!   deadline is raced and the rest cancelled, which is each demo's
//!   `src/deadline.rs`. [`deadline`] has the rest: which task is which URL,
//!   what came back done and not done, and the report.
//!
//! Nothing here depends on tokio, async-std or smol. See the README for
//! the examples that use it.

pub mod deadline;
pub mod mix;

use std::time::Duration;

use shared::HttpConfig;

pub use deadline::{Outcome, UrlToFutures};
pub use mix::{Clock, Job, Mix, Mode, Row, Span};

/// The HTTP limits of every one of these examples: a minute per request
/// (longer than any deadline or CPU job here), 5 s to connect, and
/// `pool_size` idle connections kept (one per download at once).
pub fn http_config(pool_size: usize) -> HttpConfig {
    HttpConfig {
        timeout: Duration::from_secs(60),
        connect_timeout: Duration::from_secs(5),
        max_bytes: 64 << 20,
        pool_size,
    }
}
