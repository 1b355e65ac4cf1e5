//! The routes and counters of `demo-server`, through real HTTP.
//!
//! Run: `cargo test -p demo-server`. Each test starts its own
//! `Background` server on a free port; requests go through ureq (a plain
//! blocking client) or, where a client would tidy the request up, through a
//! raw `TcpStream`. Every loop is bounded in count, and every socket and
//! request has a timeout, so a broken server fails a test instead of hanging
//! it. Timings are only checked from below: a busy machine is slow, never
//! fast.

use std::{
    io::{Read, Write},
    net::{SocketAddr, TcpStream},
    sync::{Arc, Barrier},
    thread,
    time::{Duration, Instant},
};

use demo_server::{
    Background, Config, DEFAULT_BOOK_SIZE, DEFAULT_PAGE_SIZE, Stats, book_body,
    bytes_body, page_body,
};

/// Upper bound for any single request or socket read in these tests.
const TIMEOUT: Duration = Duration::from_secs(30);

pub(crate) fn start(config: Config) -> Background {
    Background::start(config).expect("can bind a free loopback port")
}

/// A client that returns 4xx/5xx and 3xx answers instead of erroring or
/// following them, so tests can look at them. It connects straight to the
/// server, whatever proxy the shell that runs the tests names.
pub(crate) fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .proxy(None)
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_global(Some(TIMEOUT))
        .build()
        .into()
}

/// GET `url`: (status, body).
pub(crate) fn get(agent: &ureq::Agent, url: &str) -> (u16, Vec<u8>) {
    let mut response = agent.get(url).call().expect("the server answers");
    let status = response.status().as_u16();
    let body = response
        .body_mut()
        .with_config()
        .limit(200 * 1024 * 1024)
        .read_to_vec()
        .expect("the body arrives whole");
    (status, body)
}

pub(crate) fn status_of(agent: &ureq::Agent, url: &str) -> u16 {
    get(agent, url).0
}

/// GET `url`: its `Content-Type` header, or "" when there is none.
pub(crate) fn content_type_of(agent: &ureq::Agent, url: &str) -> String {
    let response = agent.get(url).call().expect("the server answers");
    let value = response.headers().get("content-type");
    value.and_then(|v| v.to_str().ok()).unwrap_or("").to_owned()
}

/// Sends `target` verbatim on a fresh connection (no client normalises it)
/// and returns (status, whole response as text).
fn raw_get(addr: SocketAddr, target: &str) -> (u16, String) {
    let mut stream =
        TcpStream::connect_timeout(&addr, TIMEOUT).expect("can connect");
    stream
        .set_read_timeout(Some(TIMEOUT))
        .expect("can set a read timeout");
    write!(
        stream,
        "GET {target} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("can send the request");
    let mut response = Vec::new();
    // `Connection: close`: the server closes after the answer.
    stream
        .read_to_end(&mut response)
        .expect("the answer arrives before the timeout");
    let text = String::from_utf8_lossy(&response).into_owned();
    let status = text
        .split(' ')
        .nth(1)
        .and_then(|code| code.parse().ok())
        .unwrap_or_else(|| panic!("no status line in {text:?}"));
    (status, text)
}

#[test]
fn status_route_answers_the_code_asked() {
    let server = start(Config::instant());
    let agent = agent();
    for code in [200, 204, 301, 404, 418, 500, 503, 599] {
        assert_eq!(
            status_of(&agent, &server.url(&format!("/status/{code}"))),
            code
        );
    }
    for bad in ["99", "600", "1000", "abc", "-1"] {
        let url = server.url(&format!("/status/{bad}"));
        assert_eq!(status_of(&agent, &url), 400, "/status/{bad}");
    }
    assert_eq!(status_of(&agent, &server.url("/status/100")), 501);
}

#[test]
fn unknown_routes_are_404() {
    let server = start(Config::instant());
    let agent = agent();
    for path in [
        "/",
        "/nope",
        "/pages",
        "/books",
        "/static/x.txt",
        "/stats/nope",
    ] {
        assert_eq!(status_of(&agent, &server.url(path)), 404, "{path}");
    }
}

#[test]
fn pages_are_deterministic() {
    let server = start(Config::instant());
    let agent = agent();

    let (status, x) = get(&agent, &server.url("/pages/x"));
    assert_eq!(status, 200);
    assert_eq!(x.len(), DEFAULT_PAGE_SIZE);
    assert_eq!(x, page_body("x", DEFAULT_PAGE_SIZE));
    assert_eq!(
        get(&agent, &server.url("/pages/x")).1,
        x,
        "same name, same bytes"
    );

    let (_, y) = get(&agent, &server.url("/pages/y"));
    assert_ne!(x, y, "different names, different bytes");

    let (_, small) = get(&agent, &server.url("/pages/x?size=100"));
    assert_eq!(small.len(), 100);
    assert_eq!(small, page_body("x", 100));

    let (_, spaced) = get(&agent, &server.url("/pages/hello%20world?size=300"));
    assert_eq!(spaced, page_body("hello world", 300), "name is decoded");

    let content_type = content_type_of(&agent, &server.url("/pages/x"));
    assert!(content_type.starts_with("text/plain"), "{content_type}");

    for bad in [
        "/pages/x?size=-1",
        "/pages/x?size=big",
        "/pages/x?size=104857601",
    ] {
        assert_eq!(status_of(&agent, &server.url(bad)), 400, "{bad}");
    }
}

#[test]
fn books_are_deterministic_word_like_text() {
    let server = start(Config::instant());
    let agent = agent();

    let (status, book) = get(&agent, &server.url("/books/pg84.txt"));
    assert_eq!(status, 200);
    assert_eq!(book.len(), DEFAULT_BOOK_SIZE);
    assert_eq!(book, book_body("pg84.txt", DEFAULT_BOOK_SIZE));
    assert_eq!(get(&agent, &server.url("/books/pg84.txt")).1, book);
    assert_ne!(get(&agent, &server.url("/books/pg85.txt")).1, book);
    let text = String::from_utf8(book).expect("a book is text");
    assert!(text.starts_with("book pg84.txt\n\n"), "{}", &text[..100]);
    // Word-like: mostly letters and spaces, in sentences and lines.
    let letters = text.bytes().filter(u8::is_ascii_alphabetic).count();
    assert!(letters > text.len() * 2 / 3, "{letters} of {}", text.len());
    assert!(text.matches(". ").count() > 1000);
    assert!(text.lines().count() > 1000);

    let (_, small) = get(&agent, &server.url("/books/pg84.txt?size=1000"));
    assert_eq!(small, book_body("pg84.txt", 1000));
    assert_eq!(small, text.as_bytes()[..1000], "a short book is a prefix");
    let (_, spaced) = get(&agent, &server.url("/books/a%20b?size=300"));
    assert_eq!(spaced, book_body("a b", 300), "name is decoded");

    let content_type = content_type_of(&agent, &server.url("/books/x?size=10"));
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    for bad in [
        "/books/x?size=-1",
        "/books/x?size=big",
        "/books/x?size=104857601",
    ] {
        assert_eq!(status_of(&agent, &server.url(bad)), 400, "{bad}");
    }
}

#[test]
fn bytes_are_deterministic_and_capped() {
    let server = start(Config::instant());
    let agent = agent();
    for n in [0, 1, 251, 1000, 1 << 20] {
        let (status, body) = get(&agent, &server.url(&format!("/bytes/{n}")));
        assert_eq!(status, 200);
        assert_eq!(body, bytes_body(n), "/bytes/{n}");
    }
    assert_eq!(status_of(&agent, &server.url("/bytes/104857601")), 400);
    assert_eq!(status_of(&agent, &server.url("/bytes/lots")), 400);
}

#[test]
fn delay_waits_at_least_that_long() {
    let server = start(Config::instant());
    let agent = agent();
    let started = Instant::now();
    let (status, body) = get(&agent, &server.url("/delay/200"));
    assert!(started.elapsed() >= Duration::from_millis(200));
    assert_eq!(status, 200);
    assert_eq!(body, b"waited 200 ms\n");
    assert_eq!(status_of(&agent, &server.url("/delay/3600001")), 400);
}

#[test]
fn configured_latency_delays_every_page() {
    let server = start(Config {
        latency: Duration::from_millis(150),
        ..Config::default()
    });
    let agent = agent();
    for path in [
        "/pages/x",
        "/books/x?size=100",
        "/1.jpg",
        "/status/404",
        "/nope",
    ] {
        let started = Instant::now();
        get(&agent, &server.url(path));
        assert!(started.elapsed() >= Duration::from_millis(150), "{path}");
    }
}

#[test]
fn jitter_keeps_latency_within_its_lower_bound() {
    let server = start(Config {
        latency: Duration::from_millis(100),
        jitter: Duration::from_millis(50),
        ..Config::default()
    });
    let agent = agent();
    for _ in 0..5 {
        let started = Instant::now();
        assert_eq!(status_of(&agent, &server.url("/pages/x")), 200);
        assert!(started.elapsed() >= Duration::from_millis(50));
    }
}

#[test]
fn counters_count_requests_and_connections() {
    let server = start(Config::instant());
    let agent = agent();
    for _ in 0..5 {
        get(&agent, &server.url("/pages/x?size=10"));
    }
    let stats = server.stats();
    assert_eq!(stats.requests, 5);
    assert_eq!(stats.connections, 1, "one agent reuses its connection");
    assert_eq!(stats.in_flight, 0);
    assert_eq!(stats.peak_in_flight, 1);

    // `Connection: close` forces a new connection per request.
    for _ in 0..3 {
        raw_get(server.addr(), "/pages/x?size=10");
    }
    let stats = server.stats();
    assert_eq!((stats.requests, stats.connections), (8, 4));

    // /stats over HTTP shows the same numbers and does not count itself.
    let (status, body) = get(&agent, &server.url("/stats"));
    assert_eq!(status, 200);
    let seen: Stats = serde_json::from_slice(&body).expect("/stats is JSON");
    assert_eq!(seen.requests, 8);
    let json: serde_json::Value =
        serde_json::from_slice(&body).expect("/stats is JSON");
    for key in [
        "requests",
        "in_flight",
        "peak_in_flight",
        "connections",
        "failures_injected",
    ] {
        assert!(json[key].is_u64(), "/stats has {key}: {json}");
    }
    get(&agent, &server.url("/stats"));
    assert_eq!(server.stats().requests, 8);
}

#[test]
fn reset_zeroes_the_counters() {
    let server = start(Config::instant());
    let agent = agent();
    for _ in 0..3 {
        get(&agent, &server.url("/pages/x?size=10"));
    }
    server.reset_stats();
    assert_eq!(server.stats(), Stats::default());

    get(&agent, &server.url("/pages/x?size=10"));
    assert_eq!(server.stats().requests, 1);
    let mut response = agent
        .post(server.url("/stats/reset"))
        .send_empty()
        .expect("the server answers");
    assert_eq!(response.status().as_u16(), 200);
    let fresh: Stats = serde_json::from_slice(
        &response.body_mut().read_to_vec().expect("the body arrives"),
    )
    .expect("/stats/reset answers JSON");
    assert_eq!(fresh, Stats::default());
    assert_eq!(server.stats(), Stats::default());
    // /stats/reset is POST only.
    assert_eq!(status_of(&agent, &server.url("/stats/reset")), 405);
}

/// Sends `n` requests for `path` at once from `n` threads; returns the
/// statuses (every thread waits at a barrier, then sends).
fn concurrent_gets(server: &Background, path: &str, n: usize) -> Vec<u16> {
    let barrier = Arc::new(Barrier::new(n));
    let url = server.url(path);
    let threads: Vec<_> = (0..n)
        .map(|_| {
            let barrier = Arc::clone(&barrier);
            let url = url.clone();
            thread::spawn(move || {
                let agent = agent();
                barrier.wait();
                status_of(&agent, &url)
            })
        })
        .collect();
    threads
        .into_iter()
        .map(|t| t.join().expect("request thread does not panic"))
        .collect()
}

#[test]
fn peak_in_flight_sees_concurrent_requests() {
    let server = start(Config {
        // Long enough that 8 threads' requests overlap even on a busy
        // machine.
        latency: Duration::from_millis(500),
        ..Config::default()
    });
    let statuses = concurrent_gets(&server, "/pages/x", 8);
    assert_eq!(statuses, vec![200; 8]);
    let stats = server.stats();
    assert_eq!(stats.peak_in_flight, 8);
    assert_eq!(stats.in_flight, 0);
    assert_eq!(stats.requests, 8);
    assert_eq!(stats.connections, 8);
}

#[test]
fn max_concurrency_caps_requests_in_flight() {
    let latency = Duration::from_millis(300);
    let server = start(Config {
        latency,
        max_concurrency: Some(3),
        ..Config::default()
    });
    let started = Instant::now();
    let statuses = concurrent_gets(&server, "/pages/x", 8);
    // 8 requests, 3 at a time: at least 3 rounds of latency.
    assert!(started.elapsed() >= latency * 3);
    assert_eq!(statuses, vec![200; 8], "queued requests still succeed");
    let stats = server.stats();
    assert_eq!(stats.peak_in_flight, 3);
    assert_eq!(stats.requests, 8);
}

#[test]
fn fail_rate_injects_500s_on_pages_only() {
    let server = start(Config {
        fail_rate: 1.0,
        ..Config::instant()
    });
    let agent = agent();
    for _ in 0..5 {
        assert_eq!(status_of(&agent, &server.url("/pages/x")), 500);
    }
    assert_eq!(status_of(&agent, &server.url("/bytes/10")), 200);
    let stats = server.stats();
    assert_eq!(stats.failures_injected, 5);
    assert_eq!(stats.requests, 6);
}

#[test]
fn fail_rate_zero_never_fails() {
    let server = start(Config::instant());
    let agent = agent();
    for _ in 0..20 {
        assert_eq!(status_of(&agent, &server.url("/pages/x?size=1")), 200);
    }
    assert_eq!(server.stats().failures_injected, 0);
}

#[test]
fn redirects_count_down_to_a_page() {
    let server = start(Config::instant());
    let location = |path: &str| {
        let response = agent()
            .get(server.url(path))
            .call()
            .expect("the server answers");
        assert_eq!(response.status().as_u16(), 302, "{path}");
        response
            .headers()
            .get("location")
            .and_then(|v| v.to_str().ok())
            .expect("a 302 has a Location")
            .to_owned()
    };
    assert_eq!(location("/redirect/2"), "/redirect/1");
    assert_eq!(location("/redirect/1"), "/redirect/0");
    assert_eq!(location("/redirect/0"), "/pages/redirected");
    assert_eq!(location("/redirect-loop"), "/redirect-loop");

    // A client that follows redirects lands on the page.
    let follower: ureq::Agent = ureq::Agent::config_builder()
        .proxy(None)
        .timeout_global(Some(TIMEOUT))
        .build()
        .into();
    let (status, body) = get(&follower, &server.url("/redirect/3"));
    assert_eq!(status, 200);
    assert_eq!(body, page_body("redirected", DEFAULT_PAGE_SIZE));
    // ... and gives up on the loop instead of following it forever.
    assert!(follower.get(server.url("/redirect-loop")).call().is_err());
}

#[test]
fn static_files_are_served_but_never_outside_the_folder() {
    let root = tempfile::tempdir().expect("can create a temp folder");
    let public = root.path().join("public");
    std::fs::create_dir(&public).expect("can create public/");
    std::fs::write(public.join("hello.txt"), "hello, static\n")
        .expect("can write hello.txt");
    for secret in ["secret.txt", "Cargo.toml"] {
        std::fs::write(root.path().join(secret), "TOP SECRET\n")
            .expect("can write the secret");
    }
    let server = start(Config {
        dir: Some(public),
        ..Config::instant()
    });

    let (status, text) = raw_get(server.addr(), "/static/hello.txt");
    assert_eq!(status, 200);
    assert!(text.ends_with("\r\n\r\nhello, static\n"), "{text}");
    let (status, body) = get(&agent(), &server.url("/static/hello.txt"));
    assert_eq!(
        (status, body.as_slice()),
        (200, b"hello, static\n".as_slice())
    );

    for target in [
        "/static/../Cargo.toml",
        "/static/../secret.txt",
        "/static/%2e%2e/secret.txt",
        "/static/%2E%2E/secret.txt",
        "/static/..%2fsecret.txt",
        "/static/%2e%2e%2fsecret.txt",
        "/static/..%5csecret.txt",
        "/static/public/../../secret.txt",
        "/static//etc/passwd",
    ] {
        let (status, text) = raw_get(server.addr(), target);
        assert!(matches!(status, 400 | 404), "{target}: {text}");
        assert!(!text.contains("TOP SECRET"), "{target} leaked: {text}");
    }
}

#[test]
fn dropping_the_server_is_prompt_with_connections_open() {
    let server = start(Config::instant());
    let addr = server.addr();
    // An idle keep-alive connection, pooled by the agent...
    let agent = agent();
    assert_eq!(status_of(&agent, &server.url("/pages/x?size=10")), 200);
    // ... one that never sends a request ...
    let _silent = TcpStream::connect(addr).expect("can connect");
    // ... and one stuck in a long request.
    let mut stuck = TcpStream::connect(addr).expect("can connect");
    write!(stuck, "GET /delay/60000 HTTP/1.1\r\nHost: {addr}\r\n\r\n")
        .expect("can send the request");
    // Wait (bounded) until the server is busy with the long request.
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.stats().in_flight == 0 && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(server.stats().in_flight, 1);

    let started = Instant::now();
    drop(server);
    let took = started.elapsed();
    // The promise is about 1 s (0.5 s grace); 10 s keeps a loaded CI green.
    assert!(took < Duration::from_secs(10), "drop took {took:?}");
    assert!(
        TcpStream::connect_timeout(&addr, Duration::from_secs(5)).is_err(),
        "the port is closed after drop"
    );
}

#[test]
fn background_urls_point_at_the_server() {
    let server = start(Config::instant());
    let addr = server.addr();
    assert!(addr.ip().is_loopback());
    assert_ne!(addr.port(), 0);
    assert_eq!(
        server.base_url(),
        format!("http://127.0.0.1:{}", addr.port())
    );
    assert_eq!(
        server.url("/pages/a"),
        format!("{}/pages/a", server.base_url())
    );
}
