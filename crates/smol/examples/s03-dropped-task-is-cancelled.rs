//! Talk 04's `asyncio.gather(*tasks, return_exceptions=True)`: one bad URL
//! must not stop the others, and every failure stays visible.
//!
//! The slide's `download_site(session, url)` and `download_all_sites(sites)`,
//! a task per site on one session. A task that can fail returns a `Result`:
//! there is nothing to "return instead of raise". Part 1 keeps every
//! result. Part 2 is gather *without* `return_exceptions`: stop at the
//! first error with `?`, and drop the unfinished `Task`s. Here smol differs
//! from async-std (and from Python, where the others run on unobserved):
//! dropping a smol `Task` *cancels* it, at its next `.await`; the count at
//! the end proves it. (`task.detach()` keeps one running without it.)
//!
//! Self-contained: it starts its own demo server on a free port.
//!
//! ```text
//! cargo run -p smol-demo --example s03-dropped-task-is-cancelled
//! ```

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use demo_server::{Background, Config};
use shared::HttpConfig;
use smol::{Task, Timer};

use smol_demo::{Session, Smol, get_url_content};

/// A site and what came of it: its size in bytes, or why not.
type Answer = (String, shared::Result<usize>);

/// Talk 04's `download_site(session, url)`, which also counts itself in
/// `finished` when it ends, whether anyone still waits for it or not.
async fn download_site(
    session: Session,
    url: String,
    finished: Arc<AtomicUsize>,
) -> Answer {
    let result = get_url_content(&session, &url).await.map(|c| c.len());
    finished.fetch_add(1, Ordering::SeqCst);
    (url, result)
}

/// Talk 04's `download_all_sites(sites)` up to its `gather`: a task per
/// site, like the slide's `asyncio.ensure_future`.
fn download_all_sites(
    smol: &Smol,
    session: &Session,
    sites: &[String],
    finished: &Arc<AtomicUsize>,
) -> Vec<Task<Answer>> {
    let site = |url: &String| {
        download_site(session.clone(), url.clone(), finished.clone())
    };
    sites.iter().map(|url| smol.spawn(site(url))).collect()
}

fn main() {
    let server = Background::start(Config {
        latency: Duration::from_millis(50),
        ..Config::default()
    })
    .expect("a demo server starts on 127.0.0.1:0");
    let sites = vec![
        server.url("/pages/page-01"),
        server.url("/status/404"),
        server.url("/pages/page-02"),
        testkit::refused_url(), // nothing listens there
        server.url("/status/500"),
        server.url("/delay/600"), // slower than the others, under 1 s
        server.url("/pages/page-03"),
        server.url("/delay/2000"), // slower than the client's timeout
    ];
    let smol = Smol::new();
    let config = HttpConfig {
        timeout: Duration::from_secs(1),
        connect_timeout: Duration::from_secs(1),
        max_bytes: 64 << 20,
        pool_size: sites.len(),
    };
    let session = Session::new(&config, smol.executor());

    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    smol.block_on(cores, async {
        println!("1. return_exceptions=True: a Result per URL, all of them");
        let finished = Arc::new(AtomicUsize::new(0));
        for task in download_all_sites(&smol, &session, &sites, &finished) {
            match task.await {
                (url, Ok(len)) => println!("   ok     {url}: {len} bytes"),
                (url, Err(e)) => println!("   failed {url}: {e}"),
            }
        }

        println!("\n2. without it: stop at the first error with `?`");
        let finished = Arc::new(AtomicUsize::new(0));
        let mut tasks =
            download_all_sites(&smol, &session, &sites, &finished).into_iter();
        let first_error = async {
            for task in tasks.by_ref() {
                let (url, result) = task.await;
                let len = result.map_err(|e| format!("{url}: {e}"))?;
                println!("   ok     {url}: {len} bytes");
            }
            Ok::<(), String>(())
        }
        .await;
        if let Err(e) = first_error {
            println!("   stopped at: {e}");
        }
        let left = tasks.len();
        let running = sites.len() - finished.load(Ordering::SeqCst);
        drop(tasks); // cancels the tasks
        println!("   {left} tasks dropped, {running} of them still running");
        Timer::after(Duration::from_millis(1500)).await;
        let running = sites.len() - finished.load(Ordering::SeqCst);
        println!("   1.5 s later: still {running}: cancelled, never finished");
    });
}
