//! Talk 04's `asyncio.gather(*tasks, return_exceptions=True)`: one bad URL
//! must not stop the others, and every failure stays visible.
//!
//! In Rust a task that can fail returns a `Result`, and each `Task` hands
//! back one: there is nothing to "return instead of raise". Part 1 keeps
//! every result. Part 2 is gather *without* `return_exceptions`: stop at
//! the first error with `?`. Then the unfinished `Task`s are dropped, and
//! here smol differs from async-std (and from Python, where the others go
//! on running unobserved): dropping a smol `Task` *cancels* it, at its
//! next `.await`. The count at the end proves it. (To keep a task running
//! without its handle, say so: `task.detach()`.)
//!
//! Self-contained: it starts its own demo server on a free port.
//!
//! ```text
//! cargo run -p smol-demo --example s03-dropped-task-is-cancelled
//! ```

use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use demo_server::{Background, Config};
use shared::HttpConfig;
use smol::{Task, Timer};

use smol_demo::{Session, Smol, get_url_content};

/// Downloads one URL and counts it in `finished` when it ends, whether
/// anyone is still waiting for the answer or not.
async fn download(
    session: Session,
    url: String,
    finished: Arc<AtomicUsize>,
) -> (String, shared::Result<usize>) {
    let result = get_url_content(&session, &url).await.map(|c| c.len());
    finished.fetch_add(1, Ordering::SeqCst);
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

type Handle = Task<(String, shared::Result<usize>)>;

fn spawn_all(
    smol: &Smol,
    session: &Session,
    urls: &[String],
    finished: &Arc<AtomicUsize>,
) -> Vec<Handle> {
    urls.iter()
        .map(|url| {
            let task = download(session.clone(), url.clone(), finished.clone());
            smol.spawn(task)
        })
        .collect()
}

fn main() {
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
        server.url("/delay/600"), // slower than the others, under 1 s
        server.url("/pages/page-03"),
        server.url("/delay/2000"), // slower than the client's timeout
    ];
    let smol = Smol::new();
    let session = Session::new(
        &HttpConfig {
            timeout: Duration::from_secs(1),
            connect_timeout: Duration::from_secs(1),
            max_bytes: 64 << 20,
            pool_size: urls.len(),
        },
        smol.executor(),
    );

    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    smol.block_on(cores, async {
        println!("1. return_exceptions=True: a Result per URL, all of them");
        let finished = Arc::new(AtomicUsize::new(0));
        for task in spawn_all(&smol, &session, &urls, &finished) {
            match task.await {
                (url, Ok(len)) => println!("   ok     {url}: {len} bytes"),
                (url, Err(e)) => println!("   failed {url}: {e}"),
            }
        }

        println!("\n2. without it: stop at the first error with `?`");
        let finished = Arc::new(AtomicUsize::new(0));
        let mut tasks =
            spawn_all(&smol, &session, &urls, &finished).into_iter();
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
        let running = urls.len() - finished.load(Ordering::SeqCst);
        drop(tasks); // cancels the tasks
        println!("   {left} tasks dropped, {running} of them still running");
        Timer::after(Duration::from_millis(1500)).await;
        let running = urls.len() - finished.load(Ordering::SeqCst);
        println!(
            "   1.5 s later: still {running} unfinished. Dropping cancelled \
             them; they never ran to the end."
        );
    });
}
