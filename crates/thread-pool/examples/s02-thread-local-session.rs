//! Talk 04, "Threading version" (and talk 02, "State to share"): one
//! session per thread with `threading.local()` and `get_session()`, then
//! the same with rayon's own idiom, `map_init`.
//!
//! 1. `thread_local!` is `threading.local()`: `get_session()` makes this
//!    thread's session on its first call and hands it out after that, so 5
//!    threads make 5 sessions (5 connections) for all 30 URLs. (Talk 02's
//!    slide reads `thread_local.session` but never stores the session it
//!    makes, so there every `download_cat` makes a new one.)
//! 2. `map_init(init, f)` gives `f` a value made by `init`, but one per
//!    *rayon job*, not per thread: rayon calls `init` for each piece of the
//!    input it splits off, many more than 5. A new session per call is a
//!    new, empty pool, so a new connection each time.
//! 3. rayon's idiom: `init` clones one shared `Agent` (an `Arc` inside),
//!    so however often it runs, all threads draw on one pool. Python cannot
//!    share a `requests.Session` between threads; `Agent` is `Sync`.
//!
//! ```text
//! scripts/serve                                # another terminal
//! cargo run -p thread-pool-demo --example s02-thread-local-session
//! ```
//! Optional arguments: the URL file (default `urls.txt`) and the number of
//! threads (default 5).

use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use rayon::prelude::*;
use shared::ServerStats;
use ureq::Agent;

/// Sessions made so far, and `map_init`'s `init` calls so far.
static MADE: AtomicUsize = AtomicUsize::new(0);
static INITS: AtomicUsize = AtomicUsize::new(0);

fn new_session() -> Agent {
    MADE.fetch_add(1, Relaxed);
    Agent::new_with_defaults()
}

/// One session for every thread; its pool keeps a connection per thread
/// (ureq's default keeps 3 per host).
fn shared_session(threads: usize) -> Agent {
    MADE.fetch_add(1, Relaxed);
    let config = Agent::config_builder().max_idle_connections_per_host(threads);
    config.build().into()
}

thread_local! {
    /// `thread_local = threading.local()`: one slot per thread, filled by
    /// `new_session()` the first time that thread reads it.
    static SESSION: Agent = new_session();
}

/// Talk 04's `get_session()`: this thread's session (a clone of the
/// thread's `Agent`, sharing its pool).
fn get_session() -> Agent {
    SESSION.with(Agent::clone)
}

/// `download_site(url)` on a given session; `true` if it failed.
fn download_site(session: &Agent, url: &str) -> bool {
    let response = session.get(url).call();
    response
        .and_then(|mut r| r.body_mut().read_to_vec())
        .is_err()
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (file, workers) = args();
    let sites = shared::urls(&file)?.urls;
    let server = ServerStats::of(&sites[0]).ok_or("not a URL")?;

    for way in ["thread_local!", "map_init(new)", "map_init(clone)"] {
        // A fresh pool each time: no thread starts with a session.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(workers)
            .build()?;
        server.reset()?;
        MADE.store(0, Relaxed);
        INITS.store(0, Relaxed);
        let failed = pool.install(|| {
            let urls = sites.par_iter();
            if way == "thread_local!" {
                // `executor.map(download_site, sites)` on get_session().
                return urls
                    .filter(|url| download_site(&get_session(), url))
                    .count();
            }
            let one =
                (way == "map_init(clone)").then(|| shared_session(workers));
            urls.map_init(
                || {
                    INITS.fetch_add(1, Relaxed);
                    // A clone of the one session, or else a new session.
                    one.clone().unwrap_or_else(new_session)
                },
                |session, url| download_site(session, url),
            )
            .filter(|&failed| failed)
            .count()
        });
        println!(
            "{way:16} {} URLs, {workers} threads, {failed} failed; \
             sessions made: {}, init calls: {}, connections: {}",
            sites.len(),
            MADE.load(Relaxed),
            INITS.load(Relaxed),
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
