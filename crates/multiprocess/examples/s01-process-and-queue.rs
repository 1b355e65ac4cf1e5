//! Talk 01, the first "Multiprocessing" slide: `Process(target=visit_urls)`
//! workers taking URLs from one `multiprocessing.Queue`.
//!
//! - **A process is a program, not a function.** `run` starts this
//!   executable again with the argument `worker`; that copy runs
//!   `visit_urls`. Processes share no memory: each builds its own Session.
//! - **The queue is one pipe**, its reading end the stdin of every worker.
//!   A URL goes in as one write of [`RECORD`] bytes, which the kernel never
//!   splits, and a worker reads one record at a time, so each URL reaches
//!   exactly one worker. Nothing comes back but each exit status.
//! - **No daemons, no `task_done`, no queue `join`.** Closing the writing
//!   end ends the queue; each worker exits at end of input; `run` waits.
//!
//! ```text
//! cargo run -p demo-server                     # another terminal
//! cargo run -p multiprocess-demo --example s01-process-and-queue
//! ```
//! Arguments: the URL file (`urls.txt`), the processes (3). Unix only.

#[path = "support/queue_end.rs"]
mod queue_end;

use std::io::{self, PipeWriter, Read, Write};
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use shared::{HttpConfig, Session};
use shared::{filename_for_url, get_url_content, write_to_file};

/// Bytes per queue item (URL, newline, zeros): one `write` of at most
/// `PIPE_BUF` (512 or more) is never split.
const RECORD: usize = 512;

fn main() -> Result<ExitCode, Box<dyn std::error::Error>> {
    if std::env::args().nth(1).as_deref() == Some("worker") {
        return Ok(visit_urls()?);
    }
    let mut args = std::env::args().skip(1);
    let file = args.next().unwrap_or_else(|| "urls.txt".into());
    let processes = args.next().and_then(|n| n.parse().ok()).unwrap_or(3);
    shared::prepare_out_dir("downloads".as_ref())?;
    let start = Instant::now();
    let failed = run(&file, processes)?;
    let t = start.elapsed();
    println!("{processes} processes, {t:.2?}; {failed} failed a URL");
    Ok(ExitCode::from(u8::from(failed > 0)))
}

/// The slide's `run(number_of_worker_threads)`, with processes: start the
/// workers, fill the queue, close it, wait. Returns how many workers
/// failed a URL (exit status 1).
fn run(file: &str, number_of_worker_processes: usize) -> io::Result<usize> {
    // Workers first, each with a copy of the reading end as stdin: a pipe
    // holds 64 KiB, so the slide's fill-then-start could block here.
    let (queue_out, mut queue_in) = io::pipe()?;
    let (exe, mut workers) = (std::env::current_exe()?, Vec::new());
    for _ in 0..number_of_worker_processes {
        let stdin = queue_out.try_clone()?;
        workers.push(Command::new(&exe).arg("worker").stdin(stdin).spawn()?);
    }
    drop(queue_out);
    add_urls_to_queue(&mut queue_in, file)?;
    drop(queue_in); // closed: each worker's end of input
    let mut failed = 0;
    for mut worker in workers {
        failed += usize::from(!worker.wait()?.success());
    }
    Ok(failed)
}

/// The slide's `add_urls_to_queue`: one record per URL of the file.
fn add_urls_to_queue(queue: &mut PipeWriter, file: &str) -> io::Result<()> {
    for url in shared::urls(file)?.warn_bad_lines(file) {
        let mut record = format!("{url}\n").into_bytes();
        if record.len() > RECORD {
            let why = format!("URL longer than {} bytes: {url}", RECORD - 1);
            return Err(io::Error::other(why));
        }
        record.resize(RECORD, 0);
        queue.write_all(&record)?;
    }
    Ok(())
}

/// The slide's `visit_urls`, in a worker process: take records from stdin
/// until it ends. Exit status 1 if any URL failed.
fn visit_urls() -> io::Result<ExitCode> {
    // Not `io::stdin()`: it reads 8 KiB ahead, starving the other workers.
    let mut queue = queue_end::stdin_unbuffered()?;
    let session = Session::new(&HttpConfig {
        timeout: Duration::from_secs(30),
        connect_timeout: Duration::from_secs(5),
        max_bytes: 64 << 20,
        pool_size: 1,
    });
    let (pid, mut record, mut all_ok) = (std::process::id(), [0; RECORD], true);
    loop {
        match queue.read_exact(&mut record) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => break,
            Err(e) => return Err(e),
        }
        let end = record.iter().position(|&b| b == b'\n').unwrap_or(RECORD);
        let url = String::from_utf8_lossy(&record[..end]);
        let result = do_work(&session, &url);
        all_ok &= result.is_ok();
        match result {
            Ok(bytes) => println!("process {pid}: {url}: {bytes} bytes"),
            Err(e) => println!("process {pid}: {url}: {e}"),
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
