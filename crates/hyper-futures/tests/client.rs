//! The client against the real demo server (and, where the demo server
//! cannot misbehave on purpose, a few lines of raw TCP or a test https
//! server), on a smol executor run by the test's own thread.
//!
//! One thread is also what makes the connection counts exact. hyper-util
//! puts a connection back in its pool from a task of its own once the
//! body is read; on one thread the executor runs every ready task (the
//! connection's, then that one) before it polls the test's future again,
//! so the next request finds the connection idle. With more threads the
//! two race, and a request can open a second connection (the bench
//! crate's tests, on async-std and two smol threads, check reuse only).

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

use demo_server::{Background, Config, DEFAULT_PAGE_SIZE, page_body};
use hyper_futures::{MAX_REDIRECTS, Runtime, Session};
use shared::tls::Roots;
use shared::tls::test_server::{BODY, TlsServer};
use shared::{Error, HttpConfig};

/// The smallest runtime glue: an explicit smol executor.
#[derive(Clone, Debug)]
struct Smol(Arc<smol::Executor<'static>>);

impl Runtime for Smol {
    type TcpStream = smol::net::TcpStream;

    async fn resolve(
        &self,
        host: &str,
        port: u16,
    ) -> std::io::Result<Vec<SocketAddr>> {
        smol::net::resolve((host, port)).await
    }

    async fn connect(
        &self,
        addr: SocketAddr,
    ) -> std::io::Result<smol::net::TcpStream> {
        smol::net::TcpStream::connect(addr).await
    }

    fn spawn(&self, future: impl Future<Output = ()> + Send + 'static) {
        self.0.spawn(future).detach();
    }
}

impl Smol {
    fn new() -> Smol {
        Smol(Arc::new(smol::Executor::new()))
    }

    /// Runs `future`, and every task of the executor, on this thread.
    fn run<T>(&self, future: impl Future<Output = T>) -> T {
        smol::block_on(self.0.run(future))
    }
}

fn config() -> HttpConfig {
    HttpConfig {
        timeout: Duration::from_secs(10),
        connect_timeout: Duration::from_secs(5),
        max_bytes: 64 << 20,
        pool_size: 4,
    }
}

fn get(
    session: &Session<Smol>,
    smol: &Smol,
    url: &str,
) -> Result<Vec<u8>, Error> {
    smol.run(session.get_url_content(url))
}

/// A session on a fresh executor, with `config`.
fn session(config: HttpConfig) -> (Session<Smol>, Smol) {
    let smol = Smol::new();
    (Session::new(smol.clone(), &config), smol)
}

#[test]
fn a_session_can_be_shared_between_threads() {
    fn send_sync<T: Send + Sync + Clone + std::fmt::Debug>() {}
    send_sync::<Session<Smol>>();
}

#[test]
fn downloads_byte_for_byte_and_reuses_one_connection() {
    let server = Background::start(Config::instant()).unwrap();
    let (session, smol) = session(config());
    for name in ["a", "b", "c"] {
        let body = get(&session, &smol, &server.url(&format!("/pages/{name}")));
        assert!(
            body.unwrap() == page_body(name, DEFAULT_PAGE_SIZE),
            "/pages/{name}"
        );
    }
    let body = get(&session, &smol, &server.url("/pages/small?size=10"));
    assert_eq!(body.unwrap(), page_body("small", 10));
    let stats = server.stats();
    assert_eq!(stats.requests, 4);
    assert_eq!(stats.connections, 1, "keep-alive must reuse it");
}

#[test]
fn concurrent_requests_open_one_connection_each_and_pool_them() {
    let server = Background::start(Config {
        latency: Duration::from_millis(100),
        ..Config::instant()
    })
    .unwrap();
    let (session, smol) = session(config());
    let batch = |round: usize| {
        let tasks: Vec<_> = (0..6)
            .map(|i| {
                let session = session.clone();
                let url = server.url(&format!("/pages/r{round}-{i}"));
                smol.0
                    .spawn(async move { session.get_url_content(&url).await })
            })
            .collect();
        smol.run(async {
            for task in tasks {
                task.await.unwrap();
            }
        });
    };
    batch(0);
    assert_eq!(server.stats().peak_in_flight, 6);
    assert_eq!(server.stats().connections, 6);
    batch(1);
    // Six came back, but the pool keeps at most pool_size = 4.
    assert_eq!(server.stats().connections, 8);
}

#[test]
fn follows_redirects_up_to_the_limit() {
    let server = Background::start(Config::instant()).unwrap();
    let (session, smol) = session(config());
    // /redirect/n answers n + 1 redirects before /pages/redirected.
    let last_allowed = format!("/redirect/{}", MAX_REDIRECTS - 1);
    let body = get(&session, &smol, &server.url(&last_allowed)).unwrap();
    assert!(body == page_body("redirected", DEFAULT_PAGE_SIZE));

    let one_too_many = format!("/redirect/{MAX_REDIRECTS}");
    let err = get(&session, &smol, &server.url(&one_too_many)).unwrap_err();
    assert!(matches!(err, Error::TooManyRedirects), "{err}");
    let err = get(&session, &smol, &server.url("/redirect-loop")).unwrap_err();
    assert_eq!(err.to_string(), "too many redirects");
    // Redirect bodies were read, so every hop reused one connection.
    assert_eq!(server.stats().connections, 1);
}

#[test]
fn body_over_max_bytes_is_too_large() {
    let server = Background::start(Config::instant()).unwrap();
    let (session, smol) = session(HttpConfig {
        max_bytes: 1000,
        ..config()
    });
    let err = get(&session, &smol, &server.url("/pages/big")).unwrap_err();
    assert!(matches!(err, Error::TooLarge { limit: 1000 }), "{err}");
    assert_eq!(err.to_string(), "body larger than --max-bytes (1000 bytes)");
    // Exactly at the limit is fine.
    let ok = get(&session, &smol, &server.url("/pages/fits?size=1000"));
    assert_eq!(ok.unwrap().len(), 1000);
}

#[test]
fn a_slow_answer_times_out_after_the_whole_request_limit() {
    let server = Background::start(Config::instant()).unwrap();
    let (session, smol) = session(HttpConfig {
        timeout: Duration::from_millis(300),
        ..config()
    });
    let err = get(&session, &smol, &server.url("/delay/3000")).unwrap_err();
    assert!(
        matches!(err, Error::Timeout { secs } if secs == 0.3),
        "{err}"
    );
    assert_eq!(err.to_string(), "timed out after 0.3 s");
}

#[test]
fn status_refused_and_dns_use_the_shared_wording() {
    // The default 10 s limit: a slow resolver under load must not turn
    // the DNS failure into a timeout.
    let server = Background::start(Config::instant()).unwrap();
    let (session, smol) = session(config());
    let err = get(&session, &smol, &server.url("/status/404")).unwrap_err();
    assert_eq!(err.to_string(), "HTTP 404");

    let port = testkit::refused_port();
    let refused = format!("http://127.0.0.1:{port}/pages/x");
    let err = get(&session, &smol, &refused).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!("connection refused by 127.0.0.1:{port}")
    );
    assert!(err.is_local_refusal());
    // https gets as far as connecting, too (on a new session: this one
    // remembers the refusal and would not connect).
    let (session, smol) = self::session(config());
    let err = get(&session, &smol, &refused.replace("http:", "https:"));
    assert_eq!(
        err.unwrap_err().to_string(),
        format!("connection refused by 127.0.0.1:{port}")
    );

    // .invalid never resolves (RFC 6761).
    let err = get(&session, &smol, "http://no-such-host.invalid/").unwrap_err();
    assert!(matches!(err, Error::Dns { .. }), "{err}");
}

#[test]
fn a_port_that_refused_once_is_not_dialled_again() {
    let (session, smol) = session(config());
    let closed = testkit::ClosedPort::new();
    let port = closed.port();
    let refused = format!("connection refused by 127.0.0.1:{port}");
    let first = format!("http://127.0.0.1:{port}/first");
    let err = get(&session, &smol, &first).unwrap_err();
    assert_eq!(err.to_string(), refused, "GET {first}");

    // Now something listens there; the session must not find out.
    let listener = closed.listen();
    let second = format!("http://127.0.0.1:{port}/second");
    let err = get(&session, &smol, &second).unwrap_err();
    assert_eq!(err.to_string(), refused, "GET {second} after {first}");
    if let Some(peer) = testkit::accepted(&listener) {
        panic!(
            "GET {second} after {first} refused: expected no connection to \
             port {port}, one came from {peer}"
        );
    }

    // Another port on the same host is still tried.
    let server = Background::start(Config::instant()).unwrap();
    let other = server.url("/pages/p");
    let body = get(&session, &smol, &other);
    assert_eq!(
        body.unwrap(),
        page_body("p", DEFAULT_PAGE_SIZE),
        "GET {other}"
    );
}

/// What a raw connection does with each request it reads: answer
/// these bytes, or (`None`) hang up without answering.
type Script = Vec<Option<&'static [u8]>>;

/// An HTTP server on raw TCP, for what the demo server is too
/// well-behaved to do. It accepts one connection per script, in turn;
/// on each it reads a request head (returned at the end), then answers
/// or hangs up as scripted, and closes after the last step.
fn raw_server(
    scripts: Vec<Script>,
) -> (String, thread::JoinHandle<Vec<String>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let handle = thread::spawn(move || {
        let mut heads = Vec::new();
        for script in scripts {
            let (stream, _) = listener.accept().unwrap();
            stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            let mut reader = BufReader::new(stream);
            for step in script {
                let mut head = String::new();
                while !head.ends_with("\r\n\r\n") {
                    if reader.read_line(&mut head).unwrap() == 0 {
                        break;
                    }
                }
                heads.push(head);
                match step {
                    Some(answer) => reader.get_mut().write_all(answer).unwrap(),
                    None => break,
                }
            }
        }
        heads
    });
    (base, handle)
}

#[test]
fn sends_host_user_agent_and_a_path_only_uri() {
    let ok: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nok";
    let (base, server) = raw_server(vec![vec![Some(ok)]]);
    let (session, smol) = session(config());
    let body = get(&session, &smol, &format!("{base}/a/b?c=d#fragment"));
    assert_eq!(body.unwrap(), b"ok");
    drop(session);
    let heads = server.join().unwrap();
    let head = heads[0].to_ascii_lowercase();
    assert!(head.starts_with("get /a/b?c=d http/1.1\r\n"), "{head}");
    let host = base.trim_start_matches("http://");
    assert!(head.contains(&format!("host: {host}\r\n")), "{head}");
    let user_agent = format!("user-agent: {}\r\n", shared::USER_AGENT);
    assert!(head.contains(&user_agent), "{head}");
}

#[test]
fn chunked_body_is_cut_off_while_streaming() {
    // No Content-Length: only counting the bytes as they arrive can
    // catch this one.
    let chunked: &[u8] = b"HTTP/1.1 200 OK\r\n\
        transfer-encoding: chunked\r\n\r\n\
        8\r\n01234567\r\n8\r\n89abcdef\r\n0\r\n\r\n";
    let (base, server) = raw_server(vec![vec![Some(chunked)]]);
    let (session, smol) = session(HttpConfig {
        max_bytes: 10,
        ..config()
    });
    let err = get(&session, &smol, &format!("{base}/chunked")).unwrap_err();
    assert!(matches!(err, Error::TooLarge { limit: 10 }), "{err}");
    drop(session);
    server.join().unwrap();
}

#[test]
fn pooled_connection_closed_by_the_server_is_replaced() {
    // The first connection answers once, then hangs up on the next
    // request, as a server whose keep-alive timer fired would. That
    // request must go out again on a fresh connection, not fail.
    let hi: &[u8] = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\n\r\nhi";
    let (base, server) = raw_server(vec![vec![Some(hi), None], vec![Some(hi)]]);
    let (session, smol) = session(config());
    let url = format!("{base}/x");
    assert_eq!(get(&session, &smol, &url).unwrap(), b"hi");
    assert_eq!(get(&session, &smol, &url).unwrap(), b"hi");
    drop(session);
    // Three request heads: one answered, one hung up on, one resent.
    assert_eq!(server.join().unwrap().len(), 3);
}

#[test]
fn a_fresh_connection_that_hangs_up_is_not_retried() {
    let (base, server) = raw_server(vec![vec![None]]);
    let (session, smol) = session(config());
    let err = get(&session, &smol, &format!("{base}/x")).unwrap_err();
    assert!(matches!(err, Error::Http(_)), "{err:?}");
    assert_eq!(
        err.to_string(),
        "connection closed before message completed"
    );
    drop(session);
    assert_eq!(server.join().unwrap().len(), 1);
}

/// A session that trusts the test server's certificate.
fn trusting(server: &TlsServer) -> (Session<Smol>, Smol) {
    let roots = Roots::Only(Arc::new([server.cert.clone()]));
    let smol = Smol::new();
    (Session::with_roots(smol.clone(), &config(), &roots), smol)
}

#[test]
fn https_from_a_trusted_server_reuses_one_connection() {
    let server = TlsServer::start(1);
    let (session, smol) = trusting(&server);
    for path in ["/a", "/b"] {
        assert_eq!(get(&session, &smol, &server.url(path)).unwrap(), BODY);
    }
    // Dropping the executor drops its connection tasks, which closes
    // their sockets: the server stops reading.
    drop((session, smol));
    // Both requests on the one connection the server accepts.
    assert_eq!(server.join(), 2);
}

#[test]
fn https_checks_the_certificate() {
    // The bundled Mozilla roots do not vouch for a self-signed test
    // certificate: the handshake must fail, in rustls' words.
    let server = TlsServer::start(1);
    let (session, smol) = session(config());
    let err = get(&session, &smol, &server.url("/x")).unwrap_err();
    assert_eq!(err.to_string(), "invalid peer certificate: UnknownIssuer");
    assert_eq!(server.join(), 0);
}

#[test]
fn a_broken_ssl_cert_file_fails_https_but_not_http() {
    let roots = Roots::Broken("SSL_CERT_FILE=/nowhere: not found".into());
    let smol = Smol::new();
    let session = Session::with_roots(smol.clone(), &config(), &roots);
    let err = get(&session, &smol, "https://127.0.0.1:1/x").unwrap_err();
    assert_eq!(err.to_string(), "SSL_CERT_FILE=/nowhere: not found");
    let server = Background::start(Config::instant()).unwrap();
    let body = get(&session, &smol, &server.url("/pages/plain?size=10"));
    assert_eq!(body.unwrap(), page_body("plain", 10));
}

#[test]
fn a_redirect_from_http_to_https_is_followed() {
    // What http://www.bbc.co.uk/ does: the plain-HTTP site sends every
    // visitor to its https twin, on another connection.
    let tls = TlsServer::start(1);
    let redirect = format!(
        "HTTP/1.1 301 Moved Permanently\r\nlocation: {}\r\n\
         content-length: 0\r\n\r\n",
        tls.url("/secure")
    );
    let redirect: &'static [u8] = redirect.leak().as_bytes();
    let (base, plain) = raw_server(vec![vec![Some(redirect)]]);
    let (session, smol) = trusting(&tls);
    let body = get(&session, &smol, &format!("{base}/start")).unwrap();
    assert_eq!(body, BODY);
    drop((session, smol));
    assert_eq!(plain.join().unwrap().len(), 1);
    assert_eq!(tls.join(), 1);
}
