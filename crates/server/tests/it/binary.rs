//! The `demo-server` binary as scripts use it: start, parse the URL it
//! prints, download, stop.
//!
//! Run: `cargo test -p demo-server`. Each test runs the built binary on a
//! free port (`--port 0`). A guard kills the child even when an assertion
//! fails, and every wait has a deadline, so no test leaves a server behind
//! or hangs.

use std::{
    io::{BufRead, BufReader, Read},
    process::{Child, ChildStdout, Command, ExitStatus, Stdio},
    sync::mpsc,
    thread,
    time::{Duration, Instant},
};

use demo_server::page_body;

const BIN: &str = env!("CARGO_BIN_EXE_demo-server");
/// Generous: a cold start on a loaded 2-core machine can be slow.
const TIMEOUT: Duration = Duration::from_secs(30);

/// Kills and reaps the child when dropped, also when a test panics.
struct KillOnDrop(Child);

impl Drop for KillOnDrop {
    fn drop(&mut self) {
        // Errors mean it has already exited and been reaped: fine.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

impl KillOnDrop {
    /// Waits up to `timeout` for the child to exit by itself.
    fn wait_for_exit(&mut self, timeout: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.0.try_wait().expect("can poll the child") {
                Some(status) => return Some(status),
                None if Instant::now() >= deadline => return None,
                None => thread::sleep(Duration::from_millis(20)),
            }
        }
    }
}

fn spawn(args: &[&str]) -> KillOnDrop {
    let child = Command::new(BIN)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the demo-server binary runs");
    KillOnDrop(child)
}

/// Reads the first stdout line on a helper thread, so that a server that
/// never prints fails the test after `TIMEOUT` instead of hanging it.
fn first_line(stdout: ChildStdout) -> String {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut line = String::new();
        let _ = BufReader::new(stdout).read_line(&mut line);
        let _ = tx.send(line);
    });
    rx.recv_timeout(TIMEOUT)
        .expect("the server prints its URL line in time")
}

/// Starts the server with `args` and returns it with its base URL, parsed
/// from the start-up line the way a script would.
fn start(args: &[&str]) -> (KillOnDrop, String) {
    let mut server = spawn(args);
    let stdout = server.0.stdout.take().expect("stdout is piped");
    let line = first_line(stdout);
    assert!(line.starts_with("demo-server listening on "), "{line:?}");
    let url = line
        .split_whitespace()
        .find(|word| word.starts_with("http://"))
        .unwrap_or_else(|| panic!("no URL in {line:?}"))
        .to_owned();
    (server, url)
}

/// A client straight to the server, whatever proxy the shell names.
fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .proxy(None)
        .timeout_global(Some(TIMEOUT))
        .build()
        .into()
}

#[test]
fn prints_its_url_and_serves_pages() {
    let (_server, url) = start(&["--port", "0", "--latency", "0"]);
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    let body = agent()
        .get(format!("{url}/pages/x?size=100"))
        .call()
        .expect("the server answers")
        .body_mut()
        .read_to_vec()
        .expect("the body arrives");
    assert_eq!(body, page_body("x", 100));
}

#[test]
fn start_up_line_shows_the_settings() {
    let mut server = spawn(&[
        "--port",
        "0",
        "--latency",
        "5",
        "--jitter",
        "2",
        "--fail-rate",
        "0.5",
        "--max-concurrency",
        "4",
    ]);
    let line = first_line(server.0.stdout.take().expect("stdout is piped"));
    assert!(
        line.contains(
            "(latency 5 ms, jitter 2 ms, fail-rate 0.5, max-concurrency 4)"
        ),
        "{line:?}"
    );
}

#[test]
fn port_in_use_is_a_clear_error_with_exit_code_2() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("can bind a free loopback port");
    let port = taken
        .local_addr()
        .expect("a bound socket has an address")
        .port()
        .to_string();
    let mut server = spawn(&["--port", &port, "--latency", "0"]);
    let status = server
        .wait_for_exit(TIMEOUT)
        .expect("the server gives up on a taken port");
    assert_eq!(status.code(), Some(2));
    let mut stderr = String::new();
    server
        .0
        .stderr
        .take()
        .expect("stderr is piped")
        .read_to_string(&mut stderr)
        .expect("can read stderr");
    assert!(stderr.contains(&format!("127.0.0.1:{port}")), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

/// The library half of the test above: `bind` itself refuses a port that
/// another server holds, with the OS's "address in use" (on Windows this is
/// what `SO_REUSEADDR` would have let through; see `bind`).
#[test]
fn bind_refuses_a_port_another_server_holds() {
    let first = demo_server::bind("127.0.0.1:0".parse().unwrap())
        .expect("can bind a free loopback port");
    let addr = first.local_addr().expect("a bound socket has an address");
    match demo_server::bind(addr) {
        Ok(second) => panic!(
            "bind({addr}) a second time: expected AddrInUse, got a \
             listener on {:?}",
            second.local_addr()
        ),
        Err(e) => assert_eq!(
            e.kind(),
            std::io::ErrorKind::AddrInUse,
            "bind({addr}) a second time: expected AddrInUse, got {e}"
        ),
    }
}

#[test]
fn bad_options_are_refused() {
    for args in [
        ["--fail-rate", "2"],
        ["--max-concurrency", "0"],
        ["--dir", "/no/such/folder/here"],
    ] {
        let mut server = spawn(&args);
        let status = server
            .wait_for_exit(TIMEOUT)
            .expect("the server refuses bad options at once");
        assert_eq!(status.code(), Some(2), "{args:?}");
    }
}

#[cfg(unix)]
#[test]
fn sigterm_stops_it_promptly_with_idle_connections_open() {
    use std::net::TcpStream;

    let (mut server, url) = start(&["--port", "0", "--latency", "0"]);
    let addr = url.trim_start_matches("http://");
    // An idle keep-alive connection that has had one answer...
    let agent = agent();
    agent
        .get(format!("{url}/pages/x?size=10"))
        .call()
        .expect("the server answers")
        .body_mut()
        .read_to_vec()
        .expect("the body arrives");
    // ... and one that never sent a request.
    let _silent = TcpStream::connect(addr).expect("can connect");

    let started = Instant::now();
    let killed = Command::new("kill")
        .args(["-TERM", &server.0.id().to_string()])
        .status()
        .expect("`kill` runs");
    assert!(killed.success());
    let status = server
        .wait_for_exit(TIMEOUT)
        .expect("the server stops on SIGTERM");
    let took = started.elapsed();
    assert!(status.success(), "{status}");
    // The promise is about 1 s; 10 s keeps a loaded CI green.
    assert!(took < Duration::from_secs(10), "stopping took {took:?}");
}
