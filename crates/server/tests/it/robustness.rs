//! The demo server under abuse: malformed requests, a body cut short on
//! purpose, 10,000 connections at once, `/static/` traversal attempts, and
//! where it listens. After each, it must still serve a normal request.
//!
//! Run: `cargo test -p demo-server robustness::`. The 10,000
//! connections go to the real binary (its own process, so its sockets and
//! ours do not share one open-file limit); the rest use `Background`.
//! Every socket has a timeout and every loop a bound.

use std::{
    io::{BufRead, BufReader, Read, Write},
    net::{SocketAddr, TcpStream, UdpSocket},
    process::{Child, Command, Stdio},
    sync::mpsc,
    thread,
    time::{Duration, Instant},
};

use demo_server::{Background, Config, Stats, bytes_body, page_body};

/// Upper bound for any single socket read or wait in these tests.
const TIMEOUT: Duration = Duration::from_secs(30);

fn start(config: Config) -> Background {
    Background::start(config).expect("can bind a free loopback port")
}

/// Connects to `addr` with read and write timeouts set.
fn connect(addr: SocketAddr) -> TcpStream {
    let stream =
        TcpStream::connect_timeout(&addr, TIMEOUT).expect("can connect");
    stream
        .set_read_timeout(Some(TIMEOUT))
        .expect("can set a read timeout");
    stream
        .set_write_timeout(Some(TIMEOUT))
        .expect("can set a write timeout");
    stream
}

/// Sends `bytes` verbatim on a fresh connection and reads until the server
/// closes it. A reset counts as closed: the server may hang up on garbage
/// before reading all of it.
fn exchange(addr: SocketAddr, bytes: &[u8]) -> Vec<u8> {
    let mut stream = connect(addr);
    // A write error means the server already hung up: also an answer.
    let _ = stream.write_all(bytes);
    let mut answer = Vec::new();
    match stream.read_to_end(&mut answer) {
        Ok(_) => {}
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => {}
        Err(e) => panic!("no answer to {:?}: {e}", printable(bytes)),
    }
    answer
}

/// The status code of a raw answer, if it has a status line.
fn status(answer: &[u8]) -> Option<u16> {
    let text = String::from_utf8_lossy(answer);
    text.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
}

/// A request or answer, short enough for a failure message.
fn printable(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    text.chars().take(120).collect()
}

/// GET `path` with `Connection: close` on a fresh connection: (status,
/// body).
fn get(addr: SocketAddr, path: &str) -> (u16, Vec<u8>) {
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    );
    let answer = exchange(addr, request.as_bytes());
    let code = status(&answer)
        .unwrap_or_else(|| panic!("no status line: {:?}", printable(&answer)));
    let body_at = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("an answer has a blank line after its head")
        + 4;
    (code, answer[body_at..].to_vec())
}

/// The server still answers a normal request with the right bytes.
fn assert_still_serving(addr: SocketAddr) {
    let (code, body) = get(addr, "/pages/still-here?size=100");
    assert_eq!(code, 200);
    assert_eq!(body, page_body("still-here", 100));
}

#[test]
fn truncated_promises_n_bytes_sends_half_and_hangs_up() {
    let server = start(Config::instant());
    let request = format!(
        "GET /truncated/1000 HTTP/1.1\r\nHost: {}\r\n\r\n",
        server.addr()
    );
    // No `Connection: close`: the server hangs up on its own.
    let answer = exchange(server.addr(), request.as_bytes());
    let head_end = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("the head arrives whole")
        + 4;
    let head = String::from_utf8_lossy(&answer[..head_end]).to_lowercase();
    assert!(head.starts_with("http/1.1 200"), "{head}");
    assert!(head.contains("content-length: 1000\r\n"), "{head}");
    // Half the promised body, the same bytes /bytes/1000 starts with.
    assert_eq!(&answer[head_end..], &bytes_body(1000)[..500]);
    assert_still_serving(server.addr());
}

#[test]
fn malformed_requests_get_an_error_or_a_hang_up_never_a_hang() {
    let server = start(Config::instant());
    let addr = server.addr();
    let long_target = format!("GET /{} HTTP/1.1\r\n\r\n", "a".repeat(100_000));
    let many_headers = format!(
        "GET /pages/x HTTP/1.1\r\nHost: x\r\n{}\r\n",
        "X-Junk: 1\r\n".repeat(500)
    );
    let huge_header = format!(
        "GET /pages/x HTTP/1.1\r\nHost: x\r\nX-Big: {}\r\n\r\n",
        "b".repeat(1 << 20)
    );
    let garbage: Vec<&[u8]> = vec![
        b"\x00\x01\x02\x03\xff\xfe\r\n\r\n",
        b"GET\r\n\r\n",
        b"GET / HTTP/9.9\r\n\r\n",
        b"GET /pages/x HTTP/1.1\r\nHost x no colon\r\n\r\n",
        b"GET /pages/x HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        b"POST /pages/x HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\
          Transfer-Encoding: chunked\r\n\r\nzz\r\n",
        b"POST /stats/reset HTTP/1.1\r\nHost: x\r\n\
          Transfer-Encoding: chunked\r\n\r\nnot-hex\r\n\r\n",
        b"PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        b"GET /pages/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        b"GET /bytes/99999999999999999999999 HTTP/1.1\r\nHost: x\r\n\
          Connection: close\r\n\r\n",
        b"GET /delay/-5 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        long_target.as_bytes(),
        many_headers.as_bytes(),
        huge_header.as_bytes(),
    ];
    for request in garbage {
        let answer = exchange(addr, request);
        // An answer (a 4xx, or 505 for the HTTP version) or a plain
        // hang-up; a 500 or a timeout would be the server's fault.
        match status(&answer) {
            None => assert!(answer.is_empty(), "{:?}", printable(&answer)),
            Some(code) => assert!(
                code < 500 || code == 505,
                "{:?} got {code}",
                printable(request)
            ),
        }
        assert_still_serving(addr);
    }

    // Half a request, then silence; or only blank lines, which HTTP says
    // to skip while waiting for a request line. The server waits for the
    // rest, and 50 such connections stay open while normal requests are
    // served next to them.
    let stalled: Vec<TcpStream> = (0..50)
        .map(|i| {
            let mut stream = connect(addr);
            let half: &[u8] = if i % 2 == 0 {
                b"GET /pages/x HTTP/1.1\r\nHost: x\r\nX-Pa"
            } else {
                b"\r\n\r\n\r\n"
            };
            stream.write_all(half).expect("can send half a request");
            stream
        })
        .collect();
    assert_still_serving(addr);
    // ... and a request abandoned mid-latency leaves `in_flight` clean.
    let slow = start(Config {
        latency: Duration::from_millis(300),
        ..Config::instant()
    });
    let mut abandoned = connect(slow.addr());
    abandoned
        .write_all(b"GET /pages/x HTTP/1.1\r\nHost: x\r\n\r\n")
        .expect("can send a request");
    let deadline = Instant::now() + TIMEOUT;
    while slow.stats().in_flight == 0 && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(10));
    }
    drop(abandoned);
    while slow.stats().in_flight != 0 && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(10));
    }
    assert_eq!(slow.stats().in_flight, 0);
    assert_still_serving(slow.addr());
    drop(stalled);
    assert_still_serving(addr);
}

#[test]
fn static_traversal_attempts_never_leave_the_folder() {
    let root = tempfile::tempdir().expect("can create a temp folder");
    let public = root.path().join("public");
    std::fs::create_dir(&public).expect("can create public/");
    std::fs::write(public.join("hello.txt"), "hello\n")
        .expect("can write hello.txt");
    std::fs::write(root.path().join("secret.txt"), "TOP SECRET\n")
        .expect("can write the secret");
    let server = start(Config {
        dir: Some(public),
        ..Config::instant()
    });
    // The plain `..` forms are in routes.rs; these are the encodings
    // and spellings that path-traversal scanners try next.
    for target in [
        "/static/%252e%252e/secret.txt",
        "/static/%c0%ae%c0%ae/secret.txt",
        "/static/%c0%af..%c0%afsecret.txt",
        "/static/.%2e/secret.txt",
        "/static/%2e./secret.txt",
        "/static/..;/secret.txt",
        "/static/hello.txt/../../secret.txt",
        "/static/./../secret.txt",
        "/static/..\\secret.txt",
        "/static/%5c..%5csecret.txt",
        "/static/%2fsecret.txt",
        &format!("/static/{}", root.path().join("secret.txt").display()),
        "/static/hello.txt%00.png",
        "/static/....//secret.txt",
    ] {
        let request = format!(
            "GET {target} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
        );
        let answer = exchange(server.addr(), request.as_bytes());
        let text = String::from_utf8_lossy(&answer);
        assert!(!text.contains("TOP SECRET"), "{target} leaked: {text}");
        let code = status(&answer);
        assert!(
            code.is_none_or(|c| (400..500).contains(&c)),
            "{target}: {text}"
        );
    }
    let (code, body) = get(server.addr(), "/static/hello.txt");
    assert_eq!((code, body.as_slice()), (200, b"hello\n".as_slice()));
}

/// The demo-server binary on a free port, killed when dropped.
struct Binary(Child, SocketAddr);

impl Binary {
    fn start(args: &[&str]) -> Binary {
        let mut child = Command::new(env!("CARGO_BIN_EXE_demo-server"))
            .args(["--port", "0"])
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the demo-server binary runs");
        let stdout = child.stdout.take().expect("stdout is piped");
        // Read the start-up line on a thread, so a silent server fails
        // the test after TIMEOUT instead of hanging it.
        let (tx, rx) = mpsc::channel();
        thread::spawn(move || {
            let mut line = String::new();
            let _ = BufReader::new(stdout).read_line(&mut line);
            let _ = tx.send(line);
        });
        let line = rx.recv_timeout(TIMEOUT).expect("the server starts");
        let addr = line
            .split_whitespace()
            .find_map(|word| word.strip_prefix("http://"))
            .and_then(|addr| addr.parse().ok())
            .unwrap_or_else(|| panic!("no address in {line:?}"));
        Binary(child, addr)
    }

    fn stats(&self) -> Stats {
        let (code, body) = get(self.1, "/stats");
        assert_eq!(code, 200);
        serde_json::from_slice(&body).expect("/stats is JSON")
    }
}

impl Drop for Binary {
    fn drop(&mut self) {
        // Errors mean it already exited and was reaped.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[test]
fn listens_on_loopback_unless_told_otherwise() {
    let server = Binary::start(&["--latency", "0"]);
    assert!(server.1.ip().is_loopback(), "{}", server.1);
    assert_still_serving(server.1);
    // This machine's address on its network, if it has one (a UDP
    // "connect" sends nothing; it only picks the outgoing interface).
    let outward = UdpSocket::bind("0.0.0.0:0")
        .and_then(|s| s.connect("192.0.2.1:9").map(|()| s))
        .and_then(|s| s.local_addr());
    match outward {
        Ok(local) if !local.ip().is_loopback() => {
            let there = SocketAddr::new(local.ip(), server.1.port());
            let reached =
                TcpStream::connect_timeout(&there, Duration::from_secs(5));
            assert!(reached.is_err(), "reachable from {there}");
        }
        _ => eprintln!("no network interface: only the address is checked"),
    }
}

/// Writes all of `bytes` (tokio's `AsyncWriteExt` needs a feature the
/// workspace does not enable; readiness plus `try_write` is all it does).
async fn send(
    stream: &tokio::net::TcpStream,
    mut bytes: &[u8],
) -> std::io::Result<()> {
    while !bytes.is_empty() {
        stream.writable().await?;
        match stream.try_write(bytes) {
            Ok(n) => bytes = &bytes[n..],
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
    }
    Ok(())
}

#[test]
fn ten_thousand_connections_at_once_then_business_as_usual() {
    const N: usize = 10_000;
    // Our N sockets, plus a margin for the test harness. The server
    // inherits the raised limit, and needs N plus its own few.
    let wanted = N as u64 + 500;
    let limit = rlimit::increase_nofile_limit(wanted).unwrap_or(0);
    assert!(
        limit >= wanted,
        "the open-file limit is {limit}; this test needs {wanted} \
         (raise the hard limit: ulimit -Hn)"
    );
    let server = Binary::start(&["--latency", "0"]);
    let addr = server.1;

    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime starts");
    // Each connection asks for a minute-long /delay/, so all N are in
    // flight together; the test hangs up on them once it has seen that.
    let connections = runtime.block_on(async {
        let tasks: Vec<_> = (0..N)
            .map(|i| {
                tokio::spawn(async move {
                    let stream = tokio::net::TcpStream::connect(addr).await?;
                    let request = format!(
                        "GET /delay/{} HTTP/1.1\r\nHost: x\r\n\r\n",
                        60_000 + i
                    );
                    send(&stream, request.as_bytes()).await?;
                    Ok::<_, std::io::Error>(stream)
                })
            })
            .collect();
        let mut connections = Vec::with_capacity(N);
        for task in tasks {
            let stream = tokio::time::timeout(TIMEOUT, task)
                .await
                .expect("every connection is accepted in time")
                .expect("the task does not panic")
                .expect("the connection and request succeed");
            connections.push(stream);
        }
        connections
    });

    // While all N wait, /stats and a page are served as usual.
    let deadline = Instant::now() + TIMEOUT;
    let mut stats = server.stats();
    while stats.in_flight < N as u64 && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(100));
        stats = server.stats();
    }
    assert_eq!(stats.in_flight, N as u64, "{stats:?}");
    assert!(stats.connections >= N as u64, "{stats:?}");
    assert_still_serving(addr);

    // All N hang up at once: the server lets go of every request.
    drop(connections);
    drop(runtime);
    let mut stats = server.stats();
    while stats.in_flight > 0 && Instant::now() < deadline {
        thread::sleep(Duration::from_millis(100));
        stats = server.stats();
    }
    assert_eq!(stats.in_flight, 0, "{stats:?}");
    // N, plus the page asked for while they waited.
    assert!(stats.peak_in_flight > N as u64, "{stats:?}");
    assert_still_serving(addr);
}
