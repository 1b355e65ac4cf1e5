//! Talk 05: `executor.submit(...)` for each URL, then `as_completed`:
//! results in the order they finish, not the order they were submitted.
//!
//! rayon's `scope` + `spawn` is `submit`: each `s.spawn` queues one job on
//! the pool. A job has no future to return, so each sends its result down
//! a channel, and receiving from the channel is `as_completed`.
//! `in_place_scope` runs this closure on main's own thread (not on a pool
//! thread), so main can wait on the channel while all 5 pool threads
//! download. The URLs are the demo server's `/delay/{ms}` with different
//! waits, submitted slowest first, so the two orders differ visibly.
//!
//! ```text
//! cargo run -p demo-server                     # another terminal
//! cargo run -p thread-pool-demo --example s03-submit-as-completed
//! ```
//! Optional argument: the URL file (default `urls.txt`); only its server
//! address is used.

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let file = std::env::args().nth(1).unwrap_or_else(|| "urls.txt".into());
    let server = shared::ServerStats::of(&shared::urls(&file)?.urls[0]);
    let base = server.ok_or("not a URL")?.base().to_owned();
    let urls: Vec<String> = [500, 100, 400, 200, 300]
        .iter()
        .map(|ms| format!("{base}/delay/{ms}"))
        .collect();
    let agent = ureq::Agent::new_with_defaults();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(5).build()?;

    let start = Instant::now();
    pool.in_place_scope(|s| {
        let (done, as_completed) = crossbeam_channel::unbounded();
        for url in &urls {
            println!("submitted {url}");
            let (done, agent) = (done.clone(), &agent);
            // `runner.submit(download, url)`: runs on a pool thread.
            s.spawn(move |_| {
                let body = agent
                    .get(url)
                    .call()
                    .and_then(|r| r.into_body().read_to_string());
                // Err only if main stopped listening; nothing to tell then.
                let _ = done.send((url, body, start.elapsed()));
            });
        }
        // Our copy of the sender goes, so the channel closes when the last
        // job has sent its result and the loop below ends.
        drop(done);
        // `for future in as_completed(futures):`
        for (url, body, at) in as_completed {
            match body {
                Ok(text) => println!("{at:>6.0?} {url}: {}", text.trim()),
                Err(e) => println!("{at:>6.0?} {url}: {e}"),
            }
        }
    });
    println!("all done in {:.2?}", start.elapsed());
    Ok(())
}
