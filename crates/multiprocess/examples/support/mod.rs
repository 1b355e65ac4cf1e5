//! The plumbing s02 and s03 share, so each of them shows only its slide:
//! the pool (`pool.rs`; `src/pool.rs` is the full one, with faults,
//! signals and CPU jobs), the workers' HTTP limits, and the run's
//! bookkeeping.

pub mod pool;

use std::io;
use std::path::Path;
use std::time::{Duration, Instant};

use pool::Answer;
use shared::{HttpConfig, ServerStats};

/// The limits a worker's `Session` gets: 30 s a request, 64 MiB a body,
/// one idle connection (a worker makes one request at a time).
pub fn http_config() -> HttpConfig {
    HttpConfig {
        timeout: Duration::from_secs(30),
        connect_timeout: Duration::from_secs(5),
        max_bytes: 64 << 20,
        pool_size: 1,
    }
}

/// Reads the URL file (first argument, default `urls.txt`), runs
/// `download` on its URLs with N processes (second argument, default 3),
/// and prints what was saved, how long it took and how many connections
/// the demo server saw.
pub fn run_and_report(
    download: fn(&[String], usize) -> io::Result<Vec<Answer>>,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let file = args.next().unwrap_or_else(|| "urls.txt".into());
    let processes = args.next().and_then(|n| n.parse().ok()).unwrap_or(3);
    let urls = shared::urls(&file)?.warn_bad_lines(&file);
    shared::prepare_out_dir(Path::new("downloads"))?;
    let first = urls.first().ok_or("no URL in the file")?;
    let server = ServerStats::of(first).ok_or("not a URL")?;
    server.reset()?;

    let start = Instant::now();
    let answers = download(&urls, processes)?;
    let elapsed = start.elapsed();
    for (url, answer) in urls.iter().zip(&answers) {
        if let Err(e) = answer {
            println!("{url}: {e}");
        }
    }
    let saved = answers.iter().filter(|a| a.is_ok()).count();
    let total = urls.len();
    println!(
        "{saved}/{total} URLs saved by {processes} processes in {elapsed:.2?}"
    );
    println!("connections opened: {}", server.connections()?);
    Ok(())
}
