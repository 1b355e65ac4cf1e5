//! Talk 05: `wait(futures, timeout=0.3)`: take what finished by a
//! deadline and report the rest as not done.
//!
//! The same submit-and-channel as s03, but main stops listening at the
//! deadline (`recv_deadline`) and lists what is still running. Like
//! Python's `wait`, this cancels nothing: a thread cannot be stopped from
//! outside. And the scope cannot end while its jobs still borrow `urls`
//! and `agent`, so leaving it waits for the stragglers, as Python's
//! `with ThreadPoolExecutor(...)` waits at its end. To really give up on a
//! slow URL, bound the request itself (`--timeout` in the demos).
//!
//! ```text
//! cargo run -p demo-server                     # another terminal
//! cargo run -p thread-pool-demo --example s04-wait-timeout
//! ```
//! Optional argument: the URL file (default `urls.txt`); only its server
//! address is used.

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let file = std::env::args().nth(1).unwrap_or_else(|| "urls.txt".into());
    let server = shared::ServerStats::of(&shared::urls(&file)?.urls[0]);
    let base = server.ok_or("not a URL")?.base().to_owned();
    let urls: Vec<String> = [100, 600, 200, 400, 250]
        .iter()
        .map(|ms| format!("{base}/delay/{ms}"))
        .collect();
    let agent = ureq::Agent::new_with_defaults();
    let pool = rayon::ThreadPoolBuilder::new().num_threads(5).build()?;

    let start = Instant::now();
    let deadline = start + Duration::from_millis(300);
    pool.in_place_scope(|s| {
        let (done, finished) = crossbeam_channel::unbounded();
        for url in &urls {
            let (done, agent) = (done.clone(), &agent);
            s.spawn(move |_| {
                let ok = agent
                    .get(url)
                    .call()
                    .and_then(|r| r.into_body().read_to_string())
                    .is_ok();
                // Err once main has stopped listening: fine, nobody asks.
                let _ = done.send((url, ok));
            });
        }
        drop(done);

        // `done, not_done = wait(futures, timeout=0.3)`
        let mut not_done: BTreeSet<&String> = urls.iter().collect();
        while let Ok((url, ok)) = finished.recv_deadline(deadline) {
            not_done.remove(url);
            println!("done by the deadline: {url} (ok: {ok})");
        }
        for url in &not_done {
            println!("not done at 300 ms: {url}");
        }
    });
    // The scope waited for the 400 and 600 ms requests before returning.
    println!("scope left after {:.2?}", start.elapsed());
    Ok(())
}
