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
//! The three functions and the setup are in `support/mod.rs`, shared with
//! s02.
//!
//! ```text
//! cargo run -p demo-server                     # another terminal
//! cargo run --release -p pipeline-demo --example s01-stage-after-stage
//! ```
//! Optional arguments: the URL file (default `books.txt`) and the number
//! of download threads (default 5). Texts are saved in `downloads/`.

mod support;

use std::time::{Duration, Instant};

use pipeline_demo::WordCounts;
use rayon::prelude::*;
use support::{download, or_print, process, save};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let run = support::Run::from_args()?;
    let (urls, workers) = (&run.urls, run.workers);

    let start = Instant::now();
    // Stage 1, `exe.map(download, urls)`: every book, in URL order. One
    // URL per piece of work (`with_max_len(1)`: see thread-pool-demo).
    let downloaded: Vec<_> = run.io.install(|| {
        urls.par_iter()
            .with_max_len(1)
            .filter_map(|url| {
                Some((url, or_print(url, download(&run.session, url))?))
            })
            .collect()
    });
    let downloaded_at = start.elapsed();

    // Stage 2, `exe.map(save, results)`: write each book that arrived.
    let saved: Vec<&[u8]> = run.io.install(|| {
        downloaded
            .par_iter()
            .with_max_len(1)
            .filter_map(|(url, (content, fname))| {
                or_print(url, save(content, fname)).map(|()| &content[..])
            })
            .collect()
    });
    let saved_at = start.elapsed();

    // Stage 3, `ProcessPoolExecutor().map(process, texts)`: count words
    // on every core, then add the counts up.
    let counts = run.cpu.install(|| {
        saved
            .par_iter()
            .map(|text| process(text))
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

/// `1234 ms`.
fn ms(d: Duration) -> String {
    format!("{} ms", d.as_millis())
}
