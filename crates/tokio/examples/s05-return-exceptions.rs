//! Talk 04's `asyncio.gather(*tasks, return_exceptions=True)`: one bad URL
//! must not stop the others, and every failure stays visible.
//!
//! The slide's `download_site(session, url)` and `download_all_sites(sites)`,
//! one task per site on one session. In Rust a task that can fail returns a
//! `Result`, and the JoinSet hands back one per task: there is nothing to
//! "return instead of raise". Part 1 keeps every result. Part 2 is gather
//! *without* `return_exceptions`: stop at the first error with `?`. Unlike
//! Python, where the other tasks go on running unobserved, dropping the
//! JoinSet cancels them, so part 2 also shows which tasks never finished.
//!
//! Self-contained: it starts its own demo server on a free port.
//!
//! ```text
//! cargo run -p tokio-demo --example s05-return-exceptions
//! ```

use std::time::Duration;

use demo_server::{Background, Config};
use shared::HttpConfig;
use tokio::task::JoinSet;

use tokio_demo::{Session, get_url_content};

/// A site and what came of it: its size in bytes, or why not.
type Answer = (String, shared::Result<usize>);

/// Talk 04's `download_site(session, url)`; a status other than 2xx is an
/// error too.
async fn download_site(session: Session, url: String) -> Answer {
    let result = get_url_content(&session, &url).await.map(|c| c.len());
    (url, result)
}

/// Talk 04's `download_all_sites(sites)` up to its `gather`: a task per
/// site, like the slide's `asyncio.ensure_future`.
fn download_all_sites(session: &Session, sites: &[String]) -> JoinSet<Answer> {
    let mut tasks = JoinSet::new();
    for url in sites {
        tasks.spawn(download_site(session.clone(), url.clone()));
    }
    tasks
}

#[tokio::main]
async fn main() {
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
        server.url("/delay/2000"), // slower than the client's timeout
        server.url("/pages/page-03"),
    ];
    let session = Session::new(&HttpConfig {
        timeout: Duration::from_secs(1),
        connect_timeout: Duration::from_secs(1),
        max_bytes: 64 << 20,
        pool_size: sites.len(),
    });

    println!("1. return_exceptions=True: a Result per URL, all of them");
    let mut tasks = download_all_sites(&session, &sites);
    while let Some(joined) = tasks.join_next().await {
        match joined.expect("download_site returns, never panics") {
            (url, Ok(len)) => println!("   ok     {url}: {len} bytes"),
            // The error is a value in our hands: print it, count it, retry.
            (url, Err(e)) => println!("   failed {url}: {e}"),
        }
    }

    println!("\n2. without it: stop at the first error with `?`");
    let mut tasks = download_all_sites(&session, &sites);
    let first_error = async {
        while let Some(joined) = tasks.join_next().await {
            let (url, result) = joined.expect("download_site never panics");
            let len = result.map_err(|e| format!("{url}: {e}"))?;
            println!("   ok     {url}: {len} bytes");
        }
        Ok::<(), String>(())
    }
    .await;
    if let Err(e) = first_error {
        println!("   stopped at: {e}");
    }
    // In Python the others would keep running in the background. Here
    // they are still in the set; dropping it aborts them.
    println!("   {} tasks left unfinished, now cancelled", tasks.len());
    drop(tasks);
}
