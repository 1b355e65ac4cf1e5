//! Talk 01, "Pool Object": `with Pool(n) as pool: pool.map(do_work, urls)`.
//!
//! What the Pool adds to s01's processes and queue: **answers come back**.
//! Each worker process gets its own two pipes: the parent writes one URL
//! per line on the worker's stdin and reads one JSON reply per line from
//! its stdout. A worker gets its next URL only after it has replied, so
//! the URLs go to whichever worker is free (`Pool.map` with a chunk size
//! of 1). In the parent, one thread per worker process does the talking;
//! they take URLs from one shared iterator.
//!
//! Like the slide's `get_url_content(url)`, each download here builds a new
//! `Session`, so a new connection: the example prints how many connections
//! the server saw. s03 gives each process one Session (the initializer).
//!
//! ```text
//! cargo run -p demo-server                     # another terminal
//! cargo run -p multiprocess-demo --example s02-pool-map
//! ```
//! Optional arguments: the URL file (default `urls.txt`) and the number of
//! processes (default 3).

use std::io::{self, BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::Mutex;
use std::thread;
use std::time::{Duration, Instant};

use shared::{HttpConfig, Session};
use shared::{filename_for_url, get_url_content, write_to_file};

/// What a worker sends back for one URL: bytes saved, or why not.
#[derive(serde::Serialize, serde::Deserialize)]
struct Reply {
    url: String,
    result: Result<usize, String>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    if std::env::args().nth(1).as_deref() == Some("worker") {
        return Ok(worker()?);
    }
    let (file, workers) = args();
    let urls = shared::urls(&file)?.urls;
    shared::prepare_out_dir(Path::new("downloads"))?;
    let first = urls.first().ok_or("no URL in the file")?;
    let server = shared::ServerStats::of(first).ok_or("not a URL")?;
    server.reset()?;
    let exe = std::env::current_exe()?;

    let start = Instant::now();
    let todo = Mutex::new(urls.iter());
    // pool.map(do_work, urls): one parent thread per worker process.
    let per_worker: Vec<io::Result<Vec<Reply>>> = thread::scope(|s| {
        let threads: Vec<_> = (0..workers)
            .map(|_| s.spawn(|| talk_to_worker(&exe, &todo)))
            .collect();
        let joined = threads.into_iter().map(|t| t.join());
        joined
            .map(|r| r.expect("talk_to_worker returns errors, never panics"))
            .collect()
    });
    let mut replies = Vec::new();
    for mine in per_worker {
        replies.extend(mine?);
    }

    let saved = replies.iter().filter(|r| r.result.is_ok()).count();
    for reply in &replies {
        if let Err(e) = &reply.result {
            println!("{}: {e}", reply.url);
        }
    }
    println!(
        "{saved}/{} URLs saved by {workers} processes in {:.2?}",
        urls.len(),
        start.elapsed()
    );
    println!("connections opened: {}", server.connections()?);
    Ok(())
}

/// Starts one worker process and feeds it URLs from `todo`, one at a
/// time, until none are left. Returns its replies.
fn talk_to_worker(
    exe: &Path,
    todo: &Mutex<std::slice::Iter<'_, String>>,
) -> io::Result<Vec<Reply>> {
    let mut child = Command::new(exe)
        .arg("worker")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()?;
    let mut to_worker = child.stdin.take().expect("stdin is piped");
    let mut from_worker =
        BufReader::new(child.stdout.take().expect("stdout is piped"));
    let mut replies = Vec::new();
    let mut line = String::new();
    loop {
        // Take the next URL, and let go of the lock before the wait.
        let next = todo.lock().expect("no thread panics holding it").next();
        let Some(url) = next else { break };
        writeln!(to_worker, "{url}")?;
        line.clear();
        if from_worker.read_line(&mut line)? == 0 {
            return Err(io::Error::other("the worker died"));
        }
        let reply = serde_json::from_str(&line).map_err(io::Error::other)?;
        replies.push(reply);
    }
    // End of input: the worker's loop ends and it exits.
    drop(to_worker);
    child.wait()?;
    Ok(replies)
}

/// A worker process: one URL per line of stdin, one reply per line of
/// stdout.
fn worker() -> io::Result<()> {
    let config = http_config();
    let mut out = io::stdout().lock();
    for url in io::stdin().lock().lines() {
        let url = url?;
        // The slide's get_url_content(url): a new Session, so a new
        // connection, for every URL.
        let session = Session::new(&config);
        let result = do_work(&session, &url).map_err(|e| e.to_string());
        let reply = serde_json::to_string(&Reply { url, result })?;
        writeln!(out, "{reply}")?;
        out.flush()?;
    }
    Ok(())
}

/// The talk's `do_work(url)`.
fn do_work(session: &Session, url: &str) -> shared::Result<usize> {
    let content = get_url_content(session, url)?;
    write_to_file(&filename_for_url(url, "downloads"), &content)?;
    Ok(content.len())
}

fn http_config() -> HttpConfig {
    HttpConfig {
        timeout: Duration::from_secs(30),
        connect_timeout: Duration::from_secs(5),
        max_bytes: 64 << 20,
        pool_size: 1,
    }
}

/// The URL file and the number of processes from the command line.
fn args() -> (String, usize) {
    let mut args = std::env::args().skip(1);
    let file = args.next().unwrap_or_else(|| "urls.txt".into());
    let workers = args.next().and_then(|n| n.parse().ok()).unwrap_or(3);
    (file, workers)
}
