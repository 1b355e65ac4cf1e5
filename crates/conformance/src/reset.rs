//! A tiny HTTP server that resets every connection mid-body: the one fault
//! the demo server cannot stage, because hyper only ever closes a
//! connection politely. Part of the conformance suite
//! (`cargo test -p conformance`).
//!
//! For each request it answers `200` with `Content-Length: 1000`, sends
//! 500 bytes, waits a moment so the client has read them, then closes with
//! `SO_LINGER` set to zero, which makes the kernel send a TCP RST instead
//! of a FIN: the client sees "connection reset" in the middle of the body.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::thread;
use std::time::Duration;

/// Bytes promised by `Content-Length`.
pub const PROMISED: usize = 1000;

/// How long the server waits between the first half and the reset, so
/// that the client is reading the body (not the head) when it comes.
const BEFORE_RESET: Duration = Duration::from_millis(300);

/// The server; it stops accepting when dropped (a last connection wakes
/// the accept loop).
#[derive(Debug)]
pub struct ResetServer {
    addr: SocketAddr,
}

impl ResetServer {
    /// Listens on `127.0.0.1:0` and serves on a thread of its own.
    pub fn start() -> std::io::Result<ResetServer> {
        let listener = TcpListener::bind("127.0.0.1:0")?;
        let addr = listener.local_addr()?;
        thread::Builder::new().name("reset-server".into()).spawn(
            move || {
                for stream in listener.incoming() {
                    let Ok(stream) = stream else { continue };
                    // A zero-byte "request" is the stop signal from drop.
                    if !serve(stream) {
                        return;
                    }
                }
            },
        )?;
        Ok(ResetServer { addr })
    }

    /// `http://127.0.0.1:PORT/reset/<name>`.
    pub fn url(&self, name: &str) -> String {
        format!("http://{}/reset/{name}", self.addr)
    }
}

impl Drop for ResetServer {
    fn drop(&mut self) {
        // Wake the accept loop with an empty connection: it stops.
        let _ = TcpStream::connect(self.addr);
    }
}

/// Answers one connection (one request at a time, each reset); returns
/// false for the empty connection that means "stop".
fn serve(stream: TcpStream) -> bool {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(stream);
    let mut head = String::new();
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => return !head.is_empty(),
            Ok(_) if line == "\r\n" => break,
            Ok(_) => head.push_str(&line),
        }
    }
    let mut stream = reader.into_inner();
    let answer = format!(
        "HTTP/1.1 200 OK\r\ncontent-length: {PROMISED}\r\n\r\n{}",
        "r".repeat(PROMISED / 2)
    );
    if stream.write_all(answer.as_bytes()).is_ok() {
        thread::sleep(BEFORE_RESET);
    }
    // Linger zero: close() discards what is unsent and sends RST.
    let _ = socket2::SockRef::from(&stream).set_linger(Some(Duration::ZERO));
    true
}
