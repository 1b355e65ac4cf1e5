//! What s01 and s02 share: talk 03's three functions, and the setup of a
//! run (the command line, the `Session`, the two pools). The examples
//! differ only in how they wire the three functions together.

use std::path::{Path, PathBuf};
use std::time::Duration;

use pipeline_demo::WordCounts;
use rayon::{ThreadPool, ThreadPoolBuilder};
use shared::{HttpConfig, Session};
use shared::{filename_for_url, get_url_content, write_to_file};

// ANCHOR: functions
/// The talk's `download(url)`: the content, and the file name to save it
/// under. The content stays bytes (the talk decodes it as UTF-8 here): it
/// is saved byte for byte, and decoded only to count its words.
pub fn download(
    session: &Session,
    url: &str,
) -> shared::Result<(Vec<u8>, PathBuf)> {
    let content = get_url_content(session, url)?;
    Ok((content, filename_for_url(url, "downloads")))
}

/// The talk's `save(content, fname)`.
pub fn save(content: &[u8], fname: &Path) -> shared::Result<()> {
    write_to_file(fname, content)
}

// ANCHOR: process
/// The talk's `process(string)`, its CPU-bound stage: count the words.
pub fn process(text: &[u8]) -> WordCounts {
    WordCounts::of(text)
}
// ANCHOR_END: process

/// A failed download or save: print it, and leave the book out.
pub fn or_print<T>(url: &str, result: shared::Result<T>) -> Option<T> {
    result.map_err(|e| eprintln!("{url}: {e}")).ok()
}
// ANCHOR_END: functions

// ANCHOR: run
/// Everything a run needs before its first download.
pub struct Run {
    pub urls: Vec<String>,
    /// Download threads: `ThreadPoolExecutor(max_workers=...)`.
    pub workers: usize,
    pub session: Session,
    /// `workers` threads that mostly wait, for download and save.
    pub io: ThreadPool,
    /// One thread per core that computes, for process (no GIL, so no
    /// processes needed).
    pub cpu: ThreadPool,
}

impl Run {
    /// From the command line: the URL file (default `books.txt`) and the
    /// number of download threads (default 5). Creates `downloads/` and checks
    /// it is writable (what is in it stays).
    pub fn from_args() -> Result<Run, Box<dyn std::error::Error>> {
        let mut args = std::env::args().skip(1);
        let file = args.next().unwrap_or_else(|| "books.txt".into());
        let workers = args.next().and_then(|n| n.parse().ok()).unwrap_or(5);
        let workers = usize::max(workers, 1);
        shared::prepare_out_dir(Path::new("downloads"))?;
        Ok(Run {
            urls: shared::urls(&file)?.urls,
            workers,
            // The limits `cli_report::start` would set: 30 s a request,
            // 64 MiB a body, one idle connection kept per thread.
            session: Session::new(&HttpConfig {
                timeout: Duration::from_secs(30),
                connect_timeout: Duration::from_secs(5),
                max_bytes: 64 << 20,
                pool_size: workers,
            }),
            io: ThreadPoolBuilder::new().num_threads(workers).build()?,
            cpu: ThreadPoolBuilder::new().build()?, // one thread per core
        })
    }
}
// ANCHOR_END: run
