//! Talk 02, "State to share" (and talk 04's `get_session()`): a session
//! per thread with `threading.local()`, here rayon's `map_init`.
//!
//! `map_init(init, f)` gives `f` a value made by `init`, reused for the
//! items that value's piece of work covers. It looks like a thread-local,
//! but rayon calls `init` once per piece of work it splits off, and on 5
//! threads it splits 30 URLs into many pieces. This program counts the
//! calls and the TCP connections the demo server saw, twice:
//!
//! - `init` builds a new `Agent` (the literal translation of the slide):
//!   every call is a new, empty pool, so a new connection;
//! - `init` clones one shared `Agent` (an `Arc` inside): the calls cost a
//!   counter increment, and all threads draw on one pool.
//!
//! Python needs the first form because `requests.Session` is not
//! thread-safe; Rust can take the second because `Agent` is `Sync`, and the
//! compiler checks it.
//!
//! ```text
//! cargo run -p demo-server                     # another terminal
//! cargo run -p thread-pool-demo --example s02-thread-local-session
//! ```
//! Optional arguments: the URL file (default `urls.txt`) and the number of
//! threads (default 5).

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use rayon::prelude::*;
use shared::ServerStats;
use ureq::Agent;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (file, workers) = args();
    let urls = shared::urls(&file)?.urls;
    let server = ServerStats::of(&urls[0]).ok_or("not a URL")?;
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(workers)
        .build()?;
    let shared_agent: Agent = Agent::config_builder()
        .max_idle_connections_per_host(workers)
        .build()
        .into();

    let inits: [(&str, &(dyn Fn() -> Agent + Sync)); 2] = [
        ("init = a new Agent", &Agent::new_with_defaults),
        ("init = a clone of one Agent", &|| shared_agent.clone()),
    ];
    for (name, init) in inits {
        server.reset()?;
        let calls = AtomicUsize::new(0);
        let failed = pool.install(|| {
            urls.par_iter()
                .map_init(
                    || {
                        calls.fetch_add(1, Relaxed);
                        init()
                    },
                    |agent, url| {
                        agent
                            .get(url)
                            .call()
                            .and_then(|mut r| r.body_mut().read_to_vec())
                            .is_err()
                    },
                )
                .filter(|&failed| failed)
                .count()
        });
        println!(
            "{name}: {} URLs, {failed} failed, {workers} threads, init \
             called {} times, {} connections",
            urls.len(),
            calls.into_inner(),
            server.connections()?
        );
    }
    Ok(())
}

/// The URL file and the thread count from the command line.
fn args() -> (String, usize) {
    let mut args = std::env::args().skip(1);
    let file = args.next().unwrap_or_else(|| "urls.txt".into());
    let workers = args.next().and_then(|n| n.parse().ok()).unwrap_or(5);
    (file, workers.max(1))
}
