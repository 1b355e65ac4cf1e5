//! Talk 01, "Pool Object": `with Pool(n) as pool: pool.map(do_work, urls)`.
//!
//! What the Pool adds to s01's processes and queue: **answers come back**,
//! in the order of the URLs, as Python's `map` returns them. Each worker
//! process gets its own two pipes: the parent writes one URL per line on
//! the worker's stdin and reads one JSON answer per line from its stdout,
//! and sends the next URL only after the answer, so the URLs go to
//! whichever worker is free. The pool is `support/pool.rs`, shared with
//! s03, so this file is the slide's two functions.
//!
//! Like the slide's `get_url_content(url)`, each `do_work` here builds a
//! new `Session`, so a new connection: the example prints how many
//! connections the server saw (one per URL). s03 changes that.
//!
//! ```text
//! cargo run -p demo-server                     # another terminal
//! cargo run -p multiprocess-demo --example s02-pool-map
//! ```
//! Optional arguments: the URL file (default `urls.txt`) and the number of
//! processes (default 3).

mod support;

use std::io;

use shared::{Session, filename_for_url, get_url_content, write_to_file};
use support::pool::{self, Answer, Pool};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // A worker process is this program again: it runs `do_work` on the
    // URLs it is sent, then returns here. No initializer (that is s03).
    if pool::serve_if_worker(None, do_work) {
        return Ok(());
    }
    support::run_and_report(run)
}

/// The slide's `run(number_of_worker_processors)`: a pool, one `map`.
/// Dropping out of Python's `with` block ends the workers; here every
/// worker has exited when `map` returns.
fn run(
    urls: &[String],
    number_of_worker_processors: usize,
) -> io::Result<Vec<Answer>> {
    let pool = Pool::new(number_of_worker_processors);
    pool.map(urls) // the workers call `do_work`: see `main`
}

/// The slide's `do_work(url)`, in a worker process: download, save,
/// return the bytes saved. A new `Session` per URL, as the slide's
/// `get_url_content(url)` opens a new connection each time.
fn do_work(url: &str) -> shared::Result<usize> {
    let session = Session::new(&support::http_config());
    let content = get_url_content(&session, url)?;
    write_to_file(&filename_for_url(url, "downloads"), &content)?;
    Ok(content.len())
}
