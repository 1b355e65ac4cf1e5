//! Talk 04's lesson (reuse connections) meets threads: size the pool for
//! the number of workers.
//!
//! All workers share one `ureq::Agent`, so they share its pool of idle
//! keep-alive connections, and ureq keeps at most 3 idle connections per
//! host by default. Inside one run of the queue that rarely matters: a
//! worker hands its connection back and takes it again microseconds later
//! for its next URL. It matters when many connections go idle together:
//! at the end of a run, 10 come back, 3 are kept and 7 are closed, so the
//! next run (talk 02 times 10 runs with `timeit`) opens 7 new ones. This
//! program runs the queue `ROUNDS` times with ureq's default agent and
//! with one sized for the workers (what `shared::Session::new` does), and
//! prints the TCP connections the demo server counted in each round.
//!
//! ```text
//! cargo run -p demo-server                     # another terminal
//! cargo run --release -p threaded-queue-demo --example s06-pool-size
//! ```
//! Optional arguments: the URL file (default `urls.txt`), the number of
//! threads (default 10) and of rounds (default 3).

use std::thread;
use std::time::{Duration, Instant};

use shared::ServerStats;
use ureq::Agent;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let (file, workers, rounds) = args();
    let urls = shared::urls(&file)?.urls;
    let server = ServerStats::of(&urls[0]).ok_or("not a URL")?;

    let default = Agent::new_with_defaults();
    let sized: Agent = Agent::config_builder()
        .max_idle_connections_per_host(workers)
        .max_idle_connections(workers)
        .build()
        .into();

    let agents = [("ureq's default", default), ("sized pool", sized)];
    for (name, agent) in agents {
        let mut new_connections = Vec::new();
        let mut elapsed = Duration::ZERO;
        for _ in 0..rounds {
            server.reset()?;
            elapsed += download_all(&agent, &urls, workers);
            new_connections.push(server.connections()?);
        }
        println!(
            "{name}: {} URLs x {rounds} rounds on {workers} threads in \
             {elapsed:.2?}; new connections per round: {new_connections:?}",
            urls.len()
        );
    }
    Ok(())
}

/// main.rs's queue of threads, on a plain `ureq::Agent`; bodies are read
/// to the end (which returns the connection to the pool) and dropped.
fn download_all(agent: &Agent, urls: &[String], workers: usize) -> Duration {
    let (queue, unvisited_urls) = crossbeam_channel::unbounded();
    for url in urls {
        queue.send(url).expect("the receiver is alive: we hold it");
    }
    drop(queue);
    let start = Instant::now();
    thread::scope(|s| {
        for _ in 0..workers {
            let urls = unvisited_urls.clone();
            s.spawn(move || {
                for url in urls {
                    let body = agent
                        .get(url)
                        .call()
                        .and_then(|mut r| r.body_mut().read_to_vec());
                    if let Err(e) = body {
                        eprintln!("{url}: {e}");
                    }
                }
            });
        }
    });
    start.elapsed()
}

/// The URL file, the thread count and the rounds from the command line.
fn args() -> (String, usize, usize) {
    let mut args = std::env::args().skip(1);
    let file = args.next().unwrap_or_else(|| "urls.txt".into());
    let mut number = |default: usize| {
        args.next().and_then(|n| n.parse().ok()).unwrap_or(default)
    };
    let workers = number(10).max(1);
    (file, workers, number(3))
}
