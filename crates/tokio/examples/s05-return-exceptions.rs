//! Talk 04's `asyncio.gather(*tasks, return_exceptions=True)`: one bad URL
//! must not stop the others, and every failure stays visible.
//!
//! In Rust a task that can fail returns a `Result`, and the JoinSet hands
//! back one per task: there is nothing to "return instead of raise". Part 1
//! keeps every result. Part 2 is gather *without* `return_exceptions`: stop
//! at the first error with `?`. Unlike Python, where the other tasks go on
//! running unobserved, dropping the JoinSet cancels them, so part 2 also
//! shows which tasks never finished.
//!
//! Self-contained: it starts its own demo server on a free port.
//!
//! ```text
//! cargo run -p tokio-demo --example s05-return-exceptions
//! ```

use std::net::TcpListener;
use std::time::Duration;

use demo_server::{Background, Config};
use tokio::task::JoinSet;

/// Downloads one URL; a status other than 2xx is an error too.
async fn download(
    client: reqwest::Client,
    url: String,
) -> (String, Result<usize, reqwest::Error>) {
    let result = async {
        let response = client.get(&url).send().await?.error_for_status()?;
        Ok(response.bytes().await?.len())
    }
    .await;
    (url, result)
}

/// A URL where nothing listens: bind a free port and let it go.
fn refused_url() -> String {
    let port = TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("a free port on 127.0.0.1")
        .port();
    format!("http://127.0.0.1:{port}/pages/nobody-home")
}

/// One task per URL, like `asyncio.ensure_future` in the slide's loop.
fn spawn_all(
    client: &reqwest::Client,
    urls: &[String],
) -> JoinSet<(String, Result<usize, reqwest::Error>)> {
    let mut tasks = JoinSet::new();
    for url in urls {
        tasks.spawn(download(client.clone(), url.clone()));
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
    let urls = vec![
        server.url("/pages/page-01"),
        server.url("/status/404"),
        server.url("/pages/page-02"),
        refused_url(),
        server.url("/status/500"),
        server.url("/delay/2000"), // slower than the client's timeout
        server.url("/pages/page-03"),
    ];
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(1))
        .build()
        .expect("the crypto provider is installed");

    println!("1. return_exceptions=True: a Result per URL, all of them");
    let mut tasks = spawn_all(&client, &urls);
    while let Some(joined) = tasks.join_next().await {
        let (url, result) = joined.expect("download returns, never panics");
        match result {
            Ok(len) => println!("   ok     {url}: {len} bytes"),
            // The error is a value in our hands: print it, count it, retry.
            Err(e) => println!("   failed {url}: {}", describe(&e)),
        }
    }

    println!("\n2. without it: stop at the first error with `?`");
    let mut tasks = spawn_all(&client, &urls);
    let first_error = async {
        while let Some(joined) = tasks.join_next().await {
            let (url, result) = joined.expect("download never panics");
            let len = result.map_err(|e| format!("{url}: {}", describe(&e)))?;
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

/// A short reason: the status, "timed out", or the innermost cause (e.g.
/// "Connection refused (os error 111)"); reqwest's own top line only says
/// "error sending request for url (...)".
fn describe(err: &reqwest::Error) -> String {
    let mut cause: &dyn std::error::Error = err;
    while let Some(next) = cause.source() {
        cause = next;
    }
    if let Some(status) = err.status() {
        return format!("HTTP {}", status.as_u16());
    }
    if err.is_timeout() {
        return "timed out".to_owned();
    }
    cause.to_string()
}
