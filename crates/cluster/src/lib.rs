//! cluster-demo's library. Not the demo (that is `src/main.rs`, read top
//! to bottom like every other): [`LocalBroker`], a throwaway
//! `redis-server` on a free loopback port, for the tests and the
//! shootout, the Rust twin of `scripts/broker`.

use std::ffi::OsString;
use std::io::{self, BufRead, BufReader};
use std::net::{Ipv4Addr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::Duration;

/// How long a `redis-server` may take to say it is ready.
const READY_LIMIT: Duration = Duration::from_secs(10);

/// Ports tried before giving up: another process can take the free port
/// between our look and redis-server's bind.
const ATTEMPTS: usize = 5;

/// A `redis-server` of our own on 127.0.0.1, with persistence off
/// (`--save '' --appendonly no`), killed when dropped.
#[derive(Debug)]
pub struct LocalBroker {
    child: Child,
    port: u16,
}

impl LocalBroker {
    /// Where `redis-server` is on PATH, if anywhere.
    pub fn program() -> Option<PathBuf> {
        let file = format!("redis-server{}", std::env::consts::EXE_SUFFIX);
        let path = std::env::var_os("PATH").unwrap_or_default();
        std::env::split_paths(&path)
            .map(|dir| dir.join(&file))
            .find(|candidate| candidate.is_file())
    }

    /// Starts one on a free port and waits until it accepts connections.
    /// `Err` of kind `NotFound` when PATH has no `redis-server`.
    pub fn start() -> io::Result<LocalBroker> {
        let program = LocalBroker::program().ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                "redis-server not found on PATH (see crates/cluster/README.md: \
                 apt-get install redis-server, or brew install redis)",
            )
        })?;
        let mut last = None;
        for _ in 0..ATTEMPTS {
            match LocalBroker::try_start(&program, free_port()?) {
                Ok(broker) => return Ok(broker),
                Err(e) => last = Some(e),
            }
        }
        Err(last.expect("at least one attempt"))
    }

    /// How many workers hold a lease right now: started and taking jobs.
    pub fn workers(&self) -> io::Result<usize> {
        let mut conn = redis::Client::open(self.url())
            .and_then(|c| c.get_connection_with_timeout(READY_LIMIT))
            .map_err(io::Error::other)?;
        let leases: Vec<String> = redis::cmd("KEYS")
            .arg("cluster:lease:*")
            .query(&mut conn)
            .map_err(io::Error::other)?;
        Ok(leases.len())
    }

    /// The URL clients and workers connect to: `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        format!("redis://127.0.0.1:{}", self.port)
    }

    fn try_start(program: &PathBuf, port: u16) -> io::Result<LocalBroker> {
        let args: [OsString; 12] = [
            "--port".into(),
            port.to_string().into(),
            "--bind".into(),
            "127.0.0.1".into(),
            // A broker for one run: nothing written to disk, ever.
            "--save".into(),
            "".into(),
            "--appendonly".into(),
            "no".into(),
            "--dir".into(),
            std::env::temp_dir().into(),
            // Its own log lines only; no "Redis is starting" banner art.
            "--always-show-logo".into(),
            "no".into(),
        ];
        let mut child = Command::new(program)
            .args(args)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let stdout = child.stdout.take().expect("stdout is piped");
        // One thread reads the log for the whole life of the server: it
        // says when the server is ready, then drains the rest, so the
        // server never blocks on a full pipe.
        let (ready, said) = mpsc::channel();
        thread::spawn(move || {
            let mut log = Vec::new();
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if line.contains("Ready to accept connections") {
                    let _ = ready.send(Ok(()));
                } else if log.len() < 20 {
                    log.push(line);
                }
            }
            // The server exited (or closed its stdout) first.
            let _ = ready.send(Err(log.join("\n")));
        });
        let outcome = said.recv_timeout(READY_LIMIT);
        let broker = LocalBroker { child, port };
        match outcome {
            Ok(Ok(())) => Ok(broker),
            // Dropping `broker` kills and reaps the process.
            Ok(Err(log)) => Err(io::Error::other(format!(
                "redis-server on port {port} exited before it was ready: {log}"
            ))),
            Err(_) => Err(io::Error::other(format!(
                "redis-server on port {port} was not ready within {READY_LIMIT:?}"
            ))),
        }
    }
}

impl Drop for LocalBroker {
    fn drop(&mut self) {
        // Err: it already exited.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A loopback port nobody listens on right now (the OS's pick).
fn free_port() -> io::Result<u16> {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    Ok(listener.local_addr()?.port())
}
