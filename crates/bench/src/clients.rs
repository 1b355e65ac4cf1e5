//! Each demo's HTTP client, set up as the demo sets it up, behind one
//! blocking call `get(url) -> body` so that criterion can time a request.
//!
//! - ureq: `shared::Session` and `shared::get_url_content`, used as they
//!   are (seq, threads, thread pool, processes); and, to show what its
//!   timeouts cost, a bare agent without any ([`ureq_without_timeouts`]).
//! - reqwest on tokio: a `reqwest::Client` built as tokio-demo's
//!   `http.rs` builds it, on a current-thread or a multi-thread runtime.
//! - `hyper_futures::Session` on async-std and on smol, with the demos' own
//!   runtime glue (`AsyncStd` from async-std-demo, `SmolRuntime` from
//!   smol-demo: their `src/http.rs`).
//!
//! Timed by `cargo bench -p bench --bench clients`; `cargo test -p bench`
//! checks the bytes and the connections each client uses.

use std::thread;
use std::time::Duration;

use async_std_demo::http::AsyncStd;
use shared::{Error, HttpConfig};
use smol_demo::http::SmolRuntime;

/// The limits of a demo run with the default `--timeout` and
/// `--max-bytes`, and one worker: one idle connection to keep.
pub fn config() -> HttpConfig {
    HttpConfig {
        timeout: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(5),
        max_bytes: 64 << 20,
        pool_size: 1,
    }
}

/// A ureq agent like `shared::Session`'s (same pool sizes), but with no
/// timeouts at all.
///
/// Not for real use (a silent server would hang it forever): it is here
/// to measure one thing. With any whole-request timeout set, ureq 3.5
/// resolves the host name on a new thread for every request, so that it
/// can give up on a slow DNS lookup; it does so even for an IP address
/// and even when a pooled connection is then reused. Without timeouts it
/// resolves on the calling thread.
pub fn ureq_without_timeouts(config: &HttpConfig) -> ureq::Agent {
    ureq::Agent::config_builder()
        .max_idle_connections_per_host(config.pool_size)
        .max_idle_connections(config.pool_size.max(10))
        .proxy(None)
        .build()
        .into()
}

/// One GET on a bare ureq agent, body read to the end (so the connection
/// goes back to the pool), as `shared::get_url_content` does it.
pub fn ureq_get(
    agent: &ureq::Agent,
    url: &str,
) -> Result<Vec<u8>, ureq::Error> {
    agent
        .get(url)
        .call()?
        .body_mut()
        .with_config()
        .limit(config().max_bytes)
        .read_to_vec()
}

/// reqwest on a tokio runtime of its own: tokio-demo's client, with
/// `block_on` standing in for `#[tokio::main]`.
#[derive(Debug)]
pub struct Reqwest {
    client: reqwest::Client,
    runtime: tokio::runtime::Runtime,
}

impl Reqwest {
    /// Everything on the calling thread: the request and the task that
    /// drives its connection.
    pub fn current_thread(config: &HttpConfig) -> Reqwest {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("a current-thread runtime needs only a timer and epoll");
        Reqwest::on(runtime, config)
    }

    /// `#[tokio::main]` as tokio-demo uses it: `workers` runtime threads.
    /// `block_on` runs the request on the calling thread, while hyper
    /// drives its connection on a spawned task, which a runtime thread
    /// picks up: every request crosses threads.
    pub fn multi_thread(config: &HttpConfig, workers: usize) -> Reqwest {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(workers)
            .enable_all()
            .build()
            .unwrap_or_else(|e| panic!("cannot start {workers} threads: {e}"));
        Reqwest::on(runtime, config)
    }

    /// tokio-demo's `Session::new`: the same timeouts and pool size, and
    /// the same ring crypto provider (reqwest is built with
    /// `rustls-no-provider`; without one installed, `build` panics even for
    /// plain-HTTP URLs; installing twice is harmless).
    fn on(runtime: tokio::runtime::Runtime, config: &HttpConfig) -> Reqwest {
        let _ = rustls::crypto::ring::default_provider().install_default();
        let client = reqwest::Client::builder()
            .timeout(config.timeout)
            .connect_timeout(config.connect_timeout)
            .pool_max_idle_per_host(config.pool_size)
            .no_proxy()
            .build()
            .expect("the crypto provider is installed and the config is valid");
        Reqwest { client, runtime }
    }

    /// One GET, body read to the end (which returns the connection to the
    /// pool). A non-2xx status is an error, as in every demo.
    pub fn get(&self, url: &str) -> Result<Vec<u8>, reqwest::Error> {
        self.runtime.block_on(async {
            let response = self.client.get(url).send().await?;
            let body = response.error_for_status()?.bytes().await?;
            Ok(body.to_vec())
        })
    }
}

/// One GET on async-std: `task::block_on` runs the request on the calling
/// thread; the connection's task runs on async-std's global executor.
pub fn async_std_get(
    session: &hyper_futures::Session<AsyncStd>,
    url: &str,
) -> Result<Vec<u8>, Error> {
    async_std::task::block_on(session.get_url_content(url))
}

/// A smol executor run by the calling thread inside [`SmolThreads::block_on`]
/// and by `threads - 1` helper threads that live as long as this value.
///
/// smol-demo starts its helper threads once, at the top of `main`; a
/// benchmark calls `block_on` once per request, so here too the helpers
/// are started once, not per call, or every request would time a thread
/// start.
#[derive(Debug)]
pub struct SmolThreads {
    /// Leaked, as smol-demo's is static: it lives as long as the program.
    executor: &'static smol::Executor<'static>,
    /// Dropping it makes each helper's `recv` fail, which ends its `run`.
    stop: Option<smol::channel::Sender<()>>,
    helpers: Vec<thread::JoinHandle<()>>,
}

impl SmolThreads {
    /// An executor on `threads` threads (at least the caller's).
    pub fn new(threads: usize) -> SmolThreads {
        let executor: &'static smol::Executor<'static> =
            Box::leak(Box::new(smol::Executor::new()));
        let (stop, stopped) = smol::channel::bounded::<()>(1);
        let helpers = (1..threads)
            .map(|i| {
                let stopped = stopped.clone();
                thread::Builder::new()
                    .name(format!("executor-{i}"))
                    .spawn(move || {
                        let _ = smol::block_on(executor.run(stopped.recv()));
                    })
                    .expect("the OS can start one thread per core")
            })
            .collect();
        SmolThreads {
            executor,
            stop: Some(stop),
            helpers,
        }
    }

    /// The handle the hyper session spawns its connection tasks with.
    pub fn runtime(&self) -> SmolRuntime {
        SmolRuntime(self.executor)
    }

    /// Runs `future`, and any task of this executor, on the calling
    /// thread until `future` is done.
    pub fn block_on<T>(&self, future: impl Future<Output = T>) -> T {
        smol::block_on(self.executor.run(future))
    }
}

impl Drop for SmolThreads {
    fn drop(&mut self) {
        drop(self.stop.take());
        for helper in self.helpers.drain(..) {
            // A helper only runs connection tasks, which do not panic.
            let _ = helper.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use demo_server::{Background, Config, page_body};
    use shared::{Session, get_url_content};

    use super::*;

    /// Gets the 2 KiB page three times with `get` and returns how many
    /// connections the server saw: a reused client must need one.
    fn connections_for(
        mut get: impl FnMut(&str) -> Result<Vec<u8>, String>,
    ) -> u64 {
        let server = Background::start(Config::instant()).unwrap();
        let url = server.url("/pages/x?size=2048");
        for _ in 0..3 {
            assert!(get(&url).unwrap() == page_body("x", 2048));
        }
        let stats = server.stats();
        assert_eq!(stats.requests, 3);
        stats.connections
    }

    #[test]
    fn ureq_reuses_its_connection_unless_rebuilt_per_request() {
        let session = Session::new(&config());
        let reused = connections_for(|url| {
            get_url_content(&session, url).map_err(|e| e.to_string())
        });
        assert_eq!(reused, 1);
        let fresh = connections_for(|url| {
            let session = Session::new(&config());
            get_url_content(&session, url).map_err(|e| e.to_string())
        });
        assert_eq!(fresh, 3, "a new agent cannot reuse a connection");
        let bare = ureq_without_timeouts(&config());
        let reused = connections_for(|url| {
            ureq_get(&bare, url).map_err(|e| e.to_string())
        });
        assert_eq!(reused, 1);
    }

    /// reqwest's pool (hyper-util's) cannot promise one connection: a
    /// connection goes back to the pool on a task of its own once its body
    /// is read, and a request that finds the pool empty in the meantime
    /// races a new connect against it; the loser's connection is kept too.
    /// How often that happens depends on the scheduler, so the exact count
    /// is not fixed (2 instead of 1 was seen under the load of the whole
    /// suite). What the bench relies on is reuse: a new connection is only
    /// opened when the pool had none idle, and for ten sequential requests
    /// to see ten connections, every one of them would have to lose that
    /// race to a whole TCP connect.
    #[test]
    fn reqwest_reuses_its_connection_on_both_runtimes() {
        const REQUESTS: u64 = 10;
        for (runtime, client) in [
            ("current-thread", Reqwest::current_thread(&config())),
            ("multi-thread", Reqwest::multi_thread(&config(), 2)),
        ] {
            let server = Background::start(Config::instant()).unwrap();
            let url = server.url("/pages/x?size=2048");
            for _ in 0..REQUESTS {
                assert!(client.get(&url).unwrap() == page_body("x", 2048));
            }
            let stats = server.stats();
            assert_eq!(stats.requests, REQUESTS, "{runtime}");
            assert!(
                stats.connections < REQUESTS,
                "{runtime}: {REQUESTS} sequential requests opened {} \
                 connections: none was reused",
                stats.connections
            );
        }
    }

    /// hyper-futures is hyper-util's pool too, so the same race as
    /// reqwest's above applies, and the same check: ten sequential
    /// requests must reuse a connection. (Exactly one connection was the
    /// rule for the hand-written pool this replaced, which took a
    /// connection back before the request returned; hyper-util takes it
    /// back on a task of its own, and 2 was seen in 4 of 50 runs on
    /// async-std and on two smol threads.)
    #[test]
    fn hyper_reuses_its_connection_on_async_std_and_smol() {
        let session = hyper_futures::Session::new(AsyncStd, &config());
        reuses("async-std", |url| async_std_get(&session, url));
        for threads in [1, 2] {
            let smol = SmolThreads::new(threads);
            let session =
                hyper_futures::Session::new(smol.runtime(), &config());
            reuses(&format!("smol, {threads} threads"), |url| {
                smol.block_on(session.get_url_content(url))
            });
        }
    }

    /// hyper-futures is hyper-util's pool too, so the same race as
    /// reqwest's above applies, and the same check: ten sequential
    /// requests must reuse a connection. (Exactly one connection was the
    /// rule for the hand-written pool this replaced, which took a
    /// connection back before the request returned; hyper-util takes it
    /// back on a task of its own, and 2 was seen in 4 of 50 runs on
    /// async-std and on two smol threads.)
    fn reuses(what: &str, get: impl Fn(&str) -> Result<Vec<u8>, Error>) {
        const REQUESTS: u64 = 10;
        let server = Background::start(Config::instant()).unwrap();
        let url = server.url("/pages/x?size=2048");
        for _ in 0..REQUESTS {
            assert!(get(&url).unwrap() == page_body("x", 2048), "{what}");
        }
        let stats = server.stats();
        assert_eq!(stats.requests, REQUESTS, "{what}");
        assert!(
            stats.connections < REQUESTS,
            "{what}: {REQUESTS} sequential requests opened {} connections: \
             none was reused",
            stats.connections
        );
    }

    #[test]
    fn a_non_2xx_status_is_an_error_on_every_client() {
        let server = Background::start(Config::instant()).unwrap();
        let url = server.url("/status/503");
        assert!(Reqwest::current_thread(&config()).get(&url).is_err());
        let session = hyper_futures::Session::new(AsyncStd, &config());
        let err = async_std_get(&session, &url).unwrap_err();
        assert_eq!(err.to_string(), "HTTP 503");
        let smol = SmolThreads::new(2);
        let session = hyper_futures::Session::new(smol.runtime(), &config());
        let err = smol.block_on(session.get_url_content(&url)).unwrap_err();
        assert_eq!(err.to_string(), "HTTP 503");
    }
}
