//! Talk 05's `wait(futures, timeout=0.3)`: one deadline for the whole
//! batch. What finished in time is kept; what did not is reported as not
//! done and cancelled; nothing is left half-written.
//!
//! The race is `smol_demo::deadline::wait` (`src/deadline.rs`). smol has
//! no `timeout` function: the loop that collects the results races a
//! `Timer` with `or`, and whichever finishes first wins, so the deadline
//! covers the whole batch, not each request; then `task.cancel().await`
//! for each task not done. Python's `wait` returns `(done, not_done)` and
//! leaves the unfinished futures running; in smol, dropping a `Task`
//! already cancels it (s03), and `cancel` also waits until it is gone.
//!
//! This example races four pages that answer at once and four `/delay/`
//! URLs (100 to 800 ms) against the deadline, and prints what came back
//! and what was saved. `tests/it/deadline.rs` checks the same with requests
//! that take a minute against a 5-second deadline.
//!
//! Self-contained: it starts its own demo server on a free port.
//!
//! ```text
//! cargo run -p smol-demo --example s04-deadline-race [DEADLINE-MS]
//! ```

use std::time::Instant;

use demo_server::{Background, Config};
use timeline::{deadline, http_config};

use smol_demo::{Session, Smol, deadline::wait};

fn main() -> std::io::Result<()> {
    let timeout = deadline::timeout_from_args();
    let server = Background::start(Config::instant())?;
    let urls = deadline::urls(|path| server.url(path));
    let out = tempfile::tempdir()?;
    let smol = Smol::new();
    let session = Session::new(&http_config(urls.len()), smol.executor());

    let start = Instant::now();
    let batch = wait(&smol, &session, &urls, out.path(), timeout);
    let outcome = smol.block_on(2, batch);
    println!("{}", outcome.report(timeout, start.elapsed(), out.path()));
    Ok(())
}
