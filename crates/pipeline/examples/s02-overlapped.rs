//! Beyond talk 03: the same three stages, overlapped. Each book goes on
//! to be counted as soon as it is saved, while the others still download.
//!
//! One idea changes from `s01-stage-after-stage.rs`: a channel between the
//! stages. The I/O pool's job becomes `download`, `save`, *send*; the
//! counting pool takes texts from the channel as they arrive (`par_bridge`
//! turns the channel's iterator into a parallel one) and runs `process`
//! on them, instead of waiting for a finished list. The two pools run at
//! the same time, so the counting hides in the time the downloads spend
//! waiting for the server. The program prints, per book, when it was
//! saved and when it was counted: the counting starts long before the
//! last download ends. `src/main.rs` is this program with the shared CLI
//! and report.
//!
//! ```text
//! cargo run -p demo-server                     # another terminal
//! cargo run --release -p pipeline-demo --example s02-overlapped
//! ```
//! Optional arguments: the URL file (default `books.txt`) and the number
//! of download threads (default 5). Texts are saved in `downloads/`.

mod support;

use std::thread;
use std::time::{Duration, Instant};

use pipeline_demo::WordCounts;
use rayon::prelude::*;
use support::{download, or_print, process, save};

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
    let run = support::Run::from_args()?;
    let start = Instant::now();
    // The new idea: a channel from download and save to process.
    let (saved, saved_texts) = crossbeam_channel::bounded(run.workers);
    let (stage1_done, results) = thread::scope(|s| {
        // Download and save on a thread of their own, each book sent on
        // at once. `for_each_with` drops every copy of `saved` when the
        // last URL is done, which closes the channel.
        let stage1 = s.spawn(|| {
            let urls = run.urls.par_iter().with_max_len(1);
            run.io.install(|| {
                urls.for_each_with(saved, |saved, url| {
                    let book = download(&run.session, url);
                    let book = book.and_then(|(text, fname)| {
                        save(&text, &fname).map(|()| text)
                    });
                    if let Some(text) = or_print(url, book) {
                        let at = start.elapsed();
                        // Err only once process has stopped: it does not.
                        let _ = saved.send((url.as_str(), text, at));
                    }
                });
            });
            start.elapsed()
        });
        // Process on this thread, at the same time: count each text as
        // it arrives, on every core.
        let results: Vec<(Timeline<'_>, WordCounts)> = run.cpu.install(|| {
            let texts = saved_texts.into_iter().par_bridge();
            let counted = texts.map(|(url, text, saved)| {
                let counting = start.elapsed();
                let counts = process(&text);
                let thread = rayon::current_thread_index().expect("in a pool");
                let counted = start.elapsed();
                let timeline = Timeline {
                    url,
                    saved,
                    counting,
                    counted,
                    thread,
                };
                (timeline, counts)
            });
            counted.collect()
        });
        (stage1.join().expect("stage 1 does not panic"), results)
    });
    let total = start.elapsed();

    let (mut counts, mut timelines) = (WordCounts::new(), Vec::new());
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
    let counted = timelines.iter().map(|t| t.counted).max();
    println!(
        "downloads and saves done at {} ms | counting done at {} ms | \
         total {:.3} s ({} of {} books, {} download threads)",
        stage1_done.as_millis(),
        counted.unwrap_or_default().as_millis(),
        total.as_secs_f64(),
        timelines.len(),
        run.urls.len(),
        run.workers,
    );
    Ok(())
}
