//! seq-demo: talk 01's "Sequential Approach", in Rust.
//!
//! Read the URLs, then for each one: get its content, work out a file name,
//! write the file. One after the other, on one thread. Every other demo is
//! this file with `download_all` (and `compute_all`) changed; compare with
//! `diff crates/seq/src/main.rs crates/threaded-queue/src/main.rs`.
//!
//! Run it (with `cargo run -p demo-server` in another terminal):
//!
//! ```text
//! cargo run -p seq-demo                  # download urls.txt into downloads/
//! cargo run -p seq-demo -- hash          # talk 02's CPU job, one at a time
//! cargo run -p seq-demo -- sum-squares   # talk 04's CPU job
//! ```

use std::path::Path;
use std::process::ExitCode;

use shared::{Demo, Done, Run, Session, Task};
use shared::{filename_for_url, get_url_content, write_to_file};

fn main() -> ExitCode {
    // The shared crate parses the CLI, reads urls.txt, starts the clock,
    // calls one of the functions below and prints the report.
    shared::main(Demo::sequential("seq-demo"), download_all, compute_all)
}

/// The slide's `for url in urls('urls.txt'): ...`, on one `Session`
/// (talk 04's point: reuse one connection pool instead of reconnecting).
fn download_all(run: &Run) {
    let session = Session::new(&run.http);
    for url in &run.urls {
        run.track(0, url, || download_one(&session, url, &run.out));
    }
}

/// One URL: the talk's `do_work(url)`.
fn download_one(
    session: &Session,
    url: &str,
    out: &Path,
) -> shared::Result<Done> {
    let content = get_url_content(session, url)?;
    let filename = filename_for_url(url, out);
    write_to_file(&filename, &content)?;
    Ok(Done::saved(content.len()))
}

/// The CPU job, one task after another: the baseline every other
/// approach is measured against.
fn compute_all(run: &Run) {
    for task in &run.tasks {
        run.track(0, &task.name(), || compute_one(task));
    }
}

/// One CPU task.
fn compute_one(task: &Task) -> shared::Result<Done> {
    Ok(Done::answer(task.compute()))
}
