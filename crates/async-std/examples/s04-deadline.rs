//! Talk 05's `wait(futures, timeout=0.3)`: one deadline for the whole
//! batch. What finished in time is kept; what did not is reported as not
//! done and cancelled; nothing is left half-written.
//!
//! The race is `async_std_demo::deadline::wait` (`src/deadline.rs`):
//! `async_std::future::timeout` over the loop that collects the results,
//! so the deadline covers the whole batch, not each request, then
//! `handle.cancel().await` for each task not done. Python's `wait` returns
//! `(done, not_done)` and leaves the unfinished futures running; so would
//! async-std if we merely dropped their handles (dropping detaches, see
//! s03). Here they are cancelled, and `wait` returns once each has stopped.
//!
//! This example races four pages that answer at once and four `/delay/`
//! URLs (100 to 800 ms) against the deadline, and prints what came back
//! and what was saved. `tests/it/deadline.rs` checks the same with requests
//! that take a minute against a 5-second deadline.
//!
//! Self-contained: it starts its own demo server on a free port.
//!
//! ```text
//! cargo run -p async-std-demo --example s04-deadline [DEADLINE-MS]
//! ```

use std::time::Instant;

use async_std::task;
use demo_server::{Background, Config};
use timeline::{deadline, http_config};

use async_std_demo::{Session, deadline::wait};

fn main() -> std::io::Result<()> {
    let timeout = deadline::timeout_from_args();
    let server = Background::start(Config::instant())?;
    let urls = deadline::urls(|path| server.url(path));
    let out = tempfile::tempdir()?;
    let session = Session::new(&http_config(urls.len()));

    let start = Instant::now();
    let outcome = task::block_on(wait(&session, &urls, out.path(), timeout));
    println!("{}", outcome.report(timeout, start.elapsed(), out.path()));
    Ok(())
}
