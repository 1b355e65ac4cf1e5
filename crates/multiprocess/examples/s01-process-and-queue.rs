//! Talk 01, the first "Multiprocessing" slide: `Process(target=visit_urls)`
//! workers taking URLs from one `multiprocessing.Queue`.
//!
//! - **A process is a program, not a function.** Rust cannot start a
//!   closure in a new process. The example runs its own executable again
//!   with the argument `worker`, and that copy runs `visit_urls` (Python's
//!   "spawn" start method does the same with a fresh interpreter).
//! - **The queue is a pipe.** One OS pipe, its reading end shared as the
//!   stdin of every worker. Each URL goes in as one record of exactly
//!   [`RECORD`] bytes, in one `write`; the kernel writes that whole (up to
//!   `PIPE_BUF`, at least 512 bytes) and each worker reads exactly one
//!   record at a time, so every URL reaches exactly one worker.
//!   Python's `Queue` is a pipe too, plus a lock on the reading end and
//!   pickle for the items. Only bytes cross: each worker builds its own
//!   `Session`, and nothing comes back except its exit status.
//! - **No daemons, no `queue.join()`.** Closing the writing end ends the
//!   queue: each worker stops at end of input and exits, and main waits
//!   for every process.
//!
//! ```text
//! cargo run -p demo-server                     # another terminal
//! cargo run -p multiprocess-demo --example s01-process-and-queue
//! ```
//! Optional arguments: the URL file (default `urls.txt`) and the number of
//! processes (default 3).

use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::AsFd;
use std::path::Path;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use shared::{HttpConfig, Session};
use shared::{filename_for_url, get_url_content, write_to_file};

/// Bytes per queue item: a URL, a newline, zero padding. At most
/// `PIPE_BUF`, so that one `write` of it is never split.
const RECORD: usize = 512;

fn main() -> Result<ExitCode, Box<dyn std::error::Error>> {
    if std::env::args().nth(1).as_deref() == Some("worker") {
        return Ok(visit_urls()?);
    }
    let (file, workers) = args();
    let urls = shared::urls(&file)?.urls;
    shared::prepare_out_dir(Path::new("downloads"))?;
    let start = Instant::now();

    // The Queue: one pipe. Start the workers first, each with a copy of
    // the reading end as its stdin; a pipe holds only 64 KiB, so filling
    // it first would block on a long list with nobody reading yet.
    let (queue_out, mut queue_in) = io::pipe()?;
    let mut processes = Vec::new();
    for _ in 0..workers {
        let process = Command::new(std::env::current_exe()?)
            .arg("worker")
            .stdin(queue_out.try_clone()?)
            .spawn()?;
        processes.push(process);
    }
    drop(queue_out);

    // add_urls_to_queue(), then close the queue: the workers' end of input.
    for url in &urls {
        queue_in.write_all(&record(url)?)?;
    }
    drop(queue_in);

    // Wait for every process. Its exit status is all that comes back.
    let mut failed = 0;
    for mut process in processes {
        if !process.wait()?.success() {
            failed += 1;
        }
    }
    println!(
        "{} URLs by {workers} processes in {:.2?}; {failed} of them \
         reported failures",
        urls.len(),
        start.elapsed()
    );
    Ok(ExitCode::from(u8::from(failed > 0)))
}

/// The slide's `visit_urls`, in a worker process: take records from stdin
/// until it ends. Exit status 1 if any URL failed.
fn visit_urls() -> io::Result<ExitCode> {
    // Rust's `stdin()` reads ahead into a buffer of 8 KiB: it would take
    // 16 records at once and starve the other workers. Read the pipe
    // itself, one record per `read`.
    let mut queue = File::from(io::stdin().as_fd().try_clone_to_owned()?);
    // Processes share no memory: each worker has its own Session.
    let session = Session::new(&HttpConfig {
        timeout: Duration::from_secs(30),
        connect_timeout: Duration::from_secs(5),
        max_bytes: 64 << 20,
        pool_size: 1,
    });
    let pid = std::process::id();
    let mut record = [0u8; RECORD];
    let mut all_ok = true;
    loop {
        match queue.read_exact(&mut record) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(e),
        }
        let end = record.iter().position(|&b| b == b'\n').unwrap_or(RECORD);
        let url = String::from_utf8_lossy(&record[..end]);
        match do_work(&session, &url) {
            Ok(bytes) => println!("process {pid}: {url}: {bytes} bytes"),
            Err(e) => {
                println!("process {pid}: {url}: {e}");
                all_ok = false;
            }
        }
    }
    Ok(ExitCode::from(u8::from(!all_ok)))
}

/// The talk's `do_work(url)`.
fn do_work(session: &Session, url: &str) -> shared::Result<usize> {
    let content = get_url_content(session, url)?;
    write_to_file(&filename_for_url(url, "downloads"), &content)?;
    Ok(content.len())
}

/// One queue item: the URL, a newline, zeros up to [`RECORD`] bytes.
fn record(url: &str) -> io::Result<[u8; RECORD]> {
    let mut record = [0u8; RECORD];
    if url.len() >= RECORD {
        let why = format!("URL longer than {} bytes: {url}", RECORD - 1);
        return Err(io::Error::new(io::ErrorKind::InvalidInput, why));
    }
    record[..url.len()].copy_from_slice(url.as_bytes());
    record[url.len()] = b'\n';
    Ok(record)
}

/// The URL file and the number of processes from the command line.
fn args() -> (String, usize) {
    let mut args = std::env::args().skip(1);
    let file = args.next().unwrap_or_else(|| "urls.txt".into());
    let workers = args.next().and_then(|n| n.parse().ok()).unwrap_or(3);
    (file, workers)
}
