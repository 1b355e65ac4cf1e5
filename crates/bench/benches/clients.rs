//! Criterion: what one request costs on each demo's HTTP client, when the
//! network costs nothing. Talk 01's clients side by side, and talk 02's
//! lesson (a new connection per request vs one session) in numbers.
//!
//! ```text
//! cargo bench -p bench --bench clients
//! ```
//!
//! The demo server runs in this process (`demo_server::Background`, two
//! tokio threads) with `Config::instant()`: no simulated latency. Each
//! iteration is one GET of a 2 KiB page on a client built once, so what is
//! timed is the client's own work plus the loopback round trip and the
//! server's work, all on the same 2 cores. After each benchmark it prints
//! how many requests the server answered and how many new connections it
//! accepted: 0 means the client kept its first connection alive
//! throughout.

use std::time::Duration;

use async_std_demo::http::AsyncStd;
use bench::clients::{self, Reqwest, SmolThreads};
use criterion::measurement::WallTime;
use criterion::{BenchmarkGroup, Criterion};
use demo_server::{Background, Config, page_body};
use shared::{Session, get_url_content};

fn main() {
    let server = Background::start(Config::instant())
        .expect("127.0.0.1 has a free port");
    let url = server.url("/pages/x?size=2048");
    let config = clients::config();

    let mut c = Criterion::default().configure_from_args();
    let mut group = c.benchmark_group("GET 2 KiB");
    // Tens of µs per request: 100 samples fit in 2 s.
    group
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(2));

    let session = Session::new(&config);
    bench(&mut group, &server, "ureq", || {
        get_url_content(&session, &url)
    });

    // The same agent without timeouts: the difference is the thread ureq
    // starts per request to resolve the host under a timeout.
    let bare = clients::ureq_without_timeouts(&config);
    bench(&mut group, &server, "ureq-no-timeouts", || {
        clients::ureq_get(&bare, &url)
    });

    // ANCHOR: new_client
    // Talk 02's first slide: `requests.get(url)` builds a new session, so
    // a new connection, for every URL. Each one leaves a socket in
    // TIME_WAIT on our side; Linux reuses those on loopback, so the
    // thousands of a 2 s run do not run out of ports.
    bench(&mut group, &server, "ureq-new-client", || {
        get_url_content(&Session::new(&config), &url)
    });
    // ... which is two costs: building the client (its TLS roots: the
    // bundled list, or the PEM file named by SSL_CERT_FILE, parsed) ...
    group.bench_function("ureq-session-new", |b| {
        b.iter(|| Session::new(&config));
    });
    // ... and a new TCP connection, here with a bare agent.
    bench(&mut group, &server, "ureq-new-bare-agent", || {
        clients::ureq_get(&clients::ureq_without_timeouts(&config), &url)
    });
    // ANCHOR_END: new_client

    let reqwest = Reqwest::current_thread(&config);
    bench(&mut group, &server, "reqwest-tokio-1", || reqwest.get(&url));
    drop(reqwest);
    let reqwest = Reqwest::multi_thread(&config, 2);
    bench(&mut group, &server, "reqwest-tokio-2", || reqwest.get(&url));
    drop(reqwest);

    let session = hyper_futures::Session::new(AsyncStd, &config);
    bench(&mut group, &server, "hyper-async-std", || {
        clients::async_std_get(&session, &url)
    });

    for threads in [1, 2] {
        let smol = SmolThreads::new(threads);
        let session = hyper_futures::Session::new(smol.runtime(), &config);
        bench(
            &mut group,
            &server,
            &format!("hyper-smol-{threads}"),
            || smol.block_on(session.get_url_content(&url)),
        );
    }

    group.finish();
    c.final_summary();
}

/// Times `get` (one GET of the 2 KiB page) after checking once that it
/// returns the right bytes, then prints the connections the server saw.
fn bench<E: std::fmt::Debug>(
    group: &mut BenchmarkGroup<'_, WallTime>,
    server: &Background,
    name: &str,
    mut get: impl FnMut() -> Result<Vec<u8>, E>,
) {
    let body = get().expect("the in-process server answers");
    assert!(body == page_body("x", 2048), "{name}: wrong body");
    server.reset_stats();
    group.bench_function(name, |b| {
        b.iter(|| get().expect("the in-process server answers"));
    });
    let stats = server.stats();
    // Nothing ran when criterion's name filter skipped this one.
    if stats.requests > 0 {
        println!(
            "{name}: {} requests, {} new connections\n",
            stats.requests, stats.connections
        );
    }
}
