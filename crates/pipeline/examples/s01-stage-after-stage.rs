//! Talk 03, "The program" and "When to use what?": download all books,
//! then save all, then process all, one stage after another.
//!
//! The talk's `main()` calls `download`, `save` and `process` in turn,
//! each through an executor: `ThreadPoolExecutor(...).map(download,
//! urls)`, the same for `save`, then `ProcessPoolExecutor().map(process,
//! ...)`. Here each executor is a rayon pool: one of `workers` threads for
//! the two I/O stages (threads that mostly wait), one thread per core for
//! counting words (threads that compute; no GIL, so no processes needed).
//! Each stage starts only when the previous one is completely done, so
//! while the last books download, the cores sit idle, and while the cores
//! count, the network does. The program prints how long each stage took.
//!
//! ```text
//! cargo run -p demo-server                     # another terminal
//! cargo run --release -p pipeline-demo --example s01-stage-after-stage
//! ```
//! Optional arguments: the URL file (default `books.txt`) and the number
//! of download threads (default 5). Texts are saved in `downloads/`.

use std::path::Path;
use std::time::{Duration, Instant};

use pipeline_demo::WordCounts;
use rayon::prelude::*;
use shared::{HttpConfig, Session};
use shared::{filename_for_url, get_url_content, write_to_file};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (file, workers) = args();
    let urls = shared::urls(&file)?.urls;
    let out = Path::new("downloads");
    shared::prepare_out_dir(out)?;
    let session = Session::new(&http(workers));
    let io = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()?;
    let cpu = rayon::ThreadPoolBuilder::new().build()?; // one per core

    let start = Instant::now();
    // Stage 1, `exe.map(download, urls)`: every body, in URL order.
    let downloaded: Vec<_> = io.install(|| {
        urls.par_iter()
            .with_max_len(1) // one URL per piece: see thread-pool-demo
            .map(|url| (url, get_url_content(&session, url)))
            .collect()
    });
    let downloaded_at = start.elapsed();

    // Stage 2, `exe.map(save, results)`: write each body that arrived.
    let saved: Vec<&[u8]> = io.install(|| {
        downloaded
            .par_iter()
            .with_max_len(1)
            .filter_map(|(url, body)| save(url, body, out))
            .collect()
    });
    let saved_at = start.elapsed();

    // Stage 3, `ProcessPoolExecutor().map(process, texts)`: count words
    // on every core, then add the counts up.
    let counts = cpu.install(|| {
        saved
            .par_iter()
            .map(|text| WordCounts::of(text))
            .reduce(WordCounts::new, WordCounts::merge)
    });
    let counted_at = start.elapsed();

    print!("{}", counts.summary("s01-stage-after-stage"));
    println!(
        "download {} | save {} | count {} | total {:.3} s \
         ({} of {} books, {workers} download threads)",
        ms(downloaded_at),
        ms(saved_at - downloaded_at),
        ms(counted_at - saved_at),
        counted_at.as_secs_f64(),
        saved.len(),
        urls.len(),
    );
    Ok(())
}

/// The talk's `save(content, fname)` for one downloaded body. A failed
/// download or write is printed, and that book is left out of stage 3.
fn save<'a>(
    url: &str,
    body: &'a shared::Result<Vec<u8>>,
    out: &Path,
) -> Option<&'a [u8]> {
    let text = match body {
        Ok(text) => text,
        Err(e) => {
            eprintln!("{url}: {e}");
            return None;
        }
    };
    if let Err(e) = write_to_file(&filename_for_url(url, out), text) {
        eprintln!("{url}: {e}");
        return None;
    }
    Some(text)
}

/// `1234 ms`.
fn ms(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}

/// The limits `cli_report::start` would set: 30 s per request, 64 MiB per
/// body, one idle connection kept per thread.
fn http(workers: usize) -> HttpConfig {
    HttpConfig {
        timeout: Duration::from_secs(30),
        connect_timeout: Duration::from_secs(5),
        max_bytes: 64 << 20,
        pool_size: workers,
    }
}

/// The URL file and the number of download threads from the command line.
fn args() -> (String, usize) {
    let mut args = std::env::args().skip(1);
    let file = args.next().unwrap_or_else(|| "books.txt".into());
    let workers = args.next().and_then(|n| n.parse().ok()).unwrap_or(5);
    (file, workers.max(1))
}
