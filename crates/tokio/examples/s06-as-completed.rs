//! Talk 05: "use `wait` for ordered results or `as_completed` for
//! not-ordered results". Both ways, with tasks of different lengths.
//!
//! In order: keep the `JoinHandle`s in a Vec and await them one by one; a
//! slow first task holds back the report of the fast ones behind it
//! (though they ran, and finished, at the same time). As completed: a
//! `JoinSet` hands back whichever task finishes next. Both take as long as
//! the slowest task; only the order in which you *see* results differs.
//!
//! Self-contained: it starts its own demo server on a free port.
//!
//! ```text
//! cargo run -p tokio-demo --example s06-as-completed
//! ```

use std::time::{Duration, Instant};

use demo_server::{Background, Config};
use tokio::task::{JoinHandle, JoinSet};

/// Fetches the demo server's `/delay/{ms}` and returns `ms`.
async fn slow(client: reqwest::Client, server: String, ms: u64) -> u64 {
    let url = format!("{server}/delay/{ms}");
    let response = client.get(&url).send().await;
    response
        .expect("the in-process demo server answers /delay")
        .bytes()
        .await
        .expect("the in-process demo server sends the whole body");
    ms
}

#[tokio::main]
async fn main() {
    let server = Background::start(Config::instant())
        .expect("a demo server starts on 127.0.0.1:0");
    // "http://127.0.0.1:PORT"
    let base = server.url("/").trim_end_matches('/').to_owned();
    let _ = rustls::crypto::ring::default_provider().install_default();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("the crypto provider is installed");
    let delays = [300, 100, 200, 50];

    println!("In order (wait): await the handles in the order spawned");
    let start = Instant::now();
    let handles: Vec<JoinHandle<u64>> = delays
        .iter()
        .map(|&ms| tokio::spawn(slow(client.clone(), base.clone(), ms)))
        .collect();
    for handle in handles {
        let ms = handle.await.expect("slow() does not panic");
        println!(
            "  {:>4} ms  got the {ms} ms task",
            start.elapsed().as_millis()
        );
    }

    println!("As completed: a JoinSet hands back the next one to finish");
    let start = Instant::now();
    let mut tasks = JoinSet::new();
    for &ms in &delays {
        tasks.spawn(slow(client.clone(), base.clone(), ms));
    }
    while let Some(joined) = tasks.join_next().await {
        let ms = joined.expect("slow() does not panic");
        println!(
            "  {:>4} ms  got the {ms} ms task",
            start.elapsed().as_millis()
        );
    }
}
