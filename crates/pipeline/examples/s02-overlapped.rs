//! Beyond talk 03: the same three stages, overlapped. Each book goes on
//! to be counted as soon as it is saved, while the others still download.
//!
//! One idea changes from `s01-stage-after-stage.rs`: a channel between the
//! stages. The I/O pool's job becomes download, save, *send*; the counting
//! pool takes texts from the channel as they arrive (`par_bridge` turns
//! the channel's iterator into a parallel one) instead of waiting for a
//! finished list. The two pools run at the same time, so the counting hides
//! in the time the downloads spend waiting for the server. The program
//! prints, per book, when it was saved and when it was counted: the
//! counting starts long before the last download ends. `src/main.rs` is
//! this program with the shared CLI and report.
//!
//! ```text
//! cargo run -p demo-server                     # another terminal
//! cargo run --release -p pipeline-demo --example s02-overlapped
//! ```
//! Optional arguments: the URL file (default `books.txt`) and the number
//! of download threads (default 5). Texts are saved in `downloads/`.

use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use pipeline_demo::WordCounts;
use rayon::prelude::*;
use shared::{HttpConfig, Session};
use shared::{filename_for_url, get_url_content, write_to_file};

/// One book through the pipeline: when it was saved, and when and by
/// which thread of the counting pool it was counted.
struct Timeline<'a> {
    url: &'a str,
    saved: Duration,
    counting: Duration,
    counted: Duration,
    thread: usize,
}

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
    // The new idea: a channel from stage 1+2 to stage 3.
    let (saved, saved_texts) = crossbeam_channel::bounded(workers);
    let (stage1_done, results) = thread::scope(|s| {
        // Stages 1 and 2 on their own thread: download and save each
        // book, then send it on at once. Every copy of `saved` is dropped
        // when the last URL is done, which closes the channel.
        let stage1 = s.spawn(|| {
            io.install(|| {
                urls.par_iter().with_max_len(1).for_each_with(
                    saved,
                    |saved, url| {
                        if let Some(text) =
                            download_and_save(&session, url, out)
                        {
                            let at = start.elapsed();
                            // Err only if stage 3 stopped; it never does
                            // before the channel closes.
                            let _ = saved.send((url.as_str(), text, at));
                        }
                    },
                );
            });
            start.elapsed()
        });
        // Stage 3 on this thread, at the same time: count each text as
        // it arrives, on every core.
        let results: Vec<(Timeline<'_>, WordCounts)> = cpu.install(|| {
            saved_texts
                .into_iter()
                .par_bridge()
                .map(|(url, text, saved)| {
                    let counting = start.elapsed();
                    let counts = WordCounts::of(&text);
                    let thread = rayon::current_thread_index()
                        .expect("par_bridge runs on the pool");
                    let counted = start.elapsed();
                    (
                        Timeline {
                            url,
                            saved,
                            counting,
                            counted,
                            thread,
                        },
                        counts,
                    )
                })
                .collect()
        });
        let stage1_done = stage1.join().expect("stage 1 does not panic");
        (stage1_done, results)
    });
    let total = start.elapsed();

    let mut counts = WordCounts::new();
    let mut timelines = Vec::new();
    for (timeline, book) in results {
        counts = counts.merge(book);
        timelines.push(timeline);
    }
    timelines.sort_by_key(|t| t.saved);
    for t in &timelines {
        println!(
            "saved at {:>5} ms, counted {:>5} to {:>5} ms by thread {}: {}",
            t.saved.as_millis(),
            t.counting.as_millis(),
            t.counted.as_millis(),
            t.thread,
            t.url,
        );
    }
    print!("{}", counts.summary("s02-overlapped"));
    println!(
        "downloads and saves done at {} ms | counting done at {} ms | \
         total {:.3} s ({} of {} books, {workers} download threads)",
        stage1_done.as_millis(),
        timelines
            .iter()
            .map(|t| t.counted)
            .max()
            .unwrap_or_default()
            .as_millis(),
        total.as_secs_f64(),
        timelines.len(),
        urls.len(),
    );
    Ok(())
}

/// The talk's `download(url)` then `save(content, fname)` for one book. A
/// failure is printed, and that book is not counted.
fn download_and_save(
    session: &Session,
    url: &str,
    out: &Path,
) -> Option<Vec<u8>> {
    let saved = get_url_content(session, url).and_then(|text| {
        write_to_file(&filename_for_url(url, out), &text)?;
        Ok(text)
    });
    saved.map_err(|e| eprintln!("{url}: {e}")).ok()
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
