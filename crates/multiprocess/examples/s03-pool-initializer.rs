//! Talk 04: `multiprocessing.Pool(initializer=set_global_session)`.
//!
//! s02 with one change: each worker process builds one `Session` when it
//! starts and keeps it for every URL it gets, instead of one per URL. A
//! process has its own memory, so the parent's Session could never reach
//! the workers, and a global is global to one process only: every worker
//! runs `set_global_session` once, before its first URL, and fills its
//! own copy of `SESSION`. With 3 processes the server now sees 3
//! connections instead of one per URL. `src/main.rs` does the same with
//! `pool::serve(Session::new, ...)`.
//!
//! Where Rust differs: the talk's `session = None` is a global that any
//! code may reassign. A `static OnceLock` is set at most once and is safe
//! to read from any thread; reading it before the initializer ran is a
//! clear panic in `get_session`, not an `AttributeError` on `None`.
//!
//! ```text
//! cargo run -p demo-server                     # another terminal
//! cargo run -p multiprocess-demo --example s03-pool-initializer
//! ```
//! Optional arguments: the URL file (default `urls.txt`) and the number of
//! processes (default 3). Each worker prints its URLs on stderr.

mod support;

use std::io::{self, Write};
use std::sync::OnceLock;

use shared::{Session, filename_for_url, get_url_content, write_to_file};
use support::pool::{self, Answer, Pool};

/// The talk's `session = None`: one per process, empty until the
/// initializer runs.
static SESSION: OnceLock<Session> = OnceLock::new();

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // What changes against s02: the workers get an initializer.
    if pool::serve_if_worker(Some(set_global_session), download_site) {
        return Ok(());
    }
    support::run_and_report(download_all_sites)
}

/// The talk's `set_global_session`: runs once in each worker process.
fn set_global_session() {
    SESSION.get_or_init(|| Session::new(&support::http_config()));
}

/// This process's Session, made by `set_global_session`.
fn get_session() -> &'static Session {
    SESSION
        .get()
        .expect("the pool ran set_global_session first")
}

/// The talk's `download_site(url)`, in a worker: the process's one
/// Session, so one kept-alive connection for all of this worker's URLs.
fn download_site(url: &str) -> shared::Result<usize> {
    let content = get_url_content(get_session(), url)?;
    write_to_file(&filename_for_url(url, "downloads"), &content)?;
    // The talk prints `current_process().name`. Stdout is the answers'
    // pipe, so this goes to stderr (the terminal), in one `write` so that
    // the workers' lines do not interleave.
    let pid = std::process::id();
    let line = format!("process {pid}: read {} from {url}\n", content.len());
    let _ = io::stderr().write_all(line.as_bytes()); // a lost line is fine
    Ok(content.len())
}

/// The talk's `download_all_sites(sites)`: `with Pool(...) as pool:
/// pool.map(download_site, sites)`.
fn download_all_sites(
    sites: &[String],
    processes: usize,
) -> io::Result<Vec<Answer>> {
    Pool::new(processes).map(sites)
}
