//! Helpers for the demos' integration tests.
//!
//! Every demo is tested the same way: start the demo server on an
//! ephemeral port, write a URL list, run the demo binary, then check the
//! exit code, the report, and every saved file byte for byte against what
//! the server sent. Keeping that here means each demo's test reads as a
//! list of cases, not plumbing.
//!
//! [`cases`] holds the tests every demo runs alike (bad input, failures,
//! the CPU workloads' answers...), [`exercises`] the exercises' checks
//! (run on the exercises and on the demos that solve them), [`trace`]
//! reads and checks `--trace`.

pub mod cases;
pub mod exercises;
pub mod trace;

use std::ffi::OsStr;
use std::fs;
use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use socket2::{Domain, Socket, Type};

pub use demo_server::{Background, Config, DEFAULT_PAGE_SIZE, Stats};

/// No demo run in a test may take longer than this; a hung demo fails the
/// test instead of hanging CI.
pub const RUN_LIMIT: Duration = Duration::from_secs(60);

/// A demo server plus a scratch folder for the URL list and the downloads.
pub struct Fixture {
    /// The server, on 127.0.0.1 and an ephemeral port.
    pub server: Background,
    /// Holds `urls.txt` and `out/`; deleted when the fixture drops.
    pub dir: tempfile::TempDir,
}

impl Fixture {
    /// A server with `config` and an empty scratch folder.
    pub fn new(config: Config) -> Fixture {
        Fixture {
            server: Background::start(config).expect("demo server starts"),
            dir: tempfile::tempdir().expect("temp dir"),
        }
    }

    /// A server with `latency_ms` of latency and nothing else.
    pub fn with_latency(latency_ms: u64) -> Fixture {
        Fixture::new(Config {
            latency: Duration::from_millis(latency_ms),
            ..Config::instant()
        })
    }

    /// `n` page URLs on this server: `/pages/page-00` ...
    pub fn pages(&self, n: usize) -> Vec<String> {
        (0..n)
            .map(|i| self.server.url(&format!("/pages/page-{i:02}")))
            .collect()
    }

    /// Writes `lines` as the URL file and returns its path.
    pub fn url_file(&self, lines: &[String]) -> PathBuf {
        let path = self.dir.path().join("urls.txt");
        fs::write(&path, lines.join("\n") + "\n").expect("write urls.txt");
        path
    }

    /// The output folder the demos are pointed at.
    pub fn out(&self) -> PathBuf {
        self.dir.path().join("out")
    }

    /// Runs `bin download --urls <file> --out <out> <extra...>`.
    pub fn download(&self, bin: &str, urls: &[String], extra: &[&str]) -> Run {
        let file = self.url_file(urls);
        let mut args: Vec<String> = vec![
            "--urls".into(),
            file.display().to_string(),
            "--out".into(),
            self.out().display().to_string(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        run(bin, &args)
    }

    /// Asserts that `url` (a `/pages/NAME` URL of this server) was saved
    /// under its file name, byte for byte.
    pub fn assert_saved(&self, url: &str) {
        let name = url.rsplit('/').next().expect("URL has a path");
        let body = demo_server::page_body(name, DEFAULT_PAGE_SIZE);
        self.assert_saved_as(url, &body);
    }

    /// Asserts that `url` was saved under its file name as `body`, byte
    /// for byte: for what is not a page (a book, a redirect's target).
    pub fn assert_saved_as(&self, url: &str, body: &[u8]) {
        let path = shared::filename_for_url(url, self.out());
        let saved = fs::read(&path).unwrap_or_else(|e| {
            panic!("{url} was not saved at {}: {e}", path.display())
        });
        assert!(saved == body, "{url}: saved bytes differ from the body");
    }

    /// Asserts that nothing was saved for `url`.
    pub fn assert_not_saved(&self, url: &str) {
        let path = shared::filename_for_url(url, self.out());
        assert!(!path.exists(), "{url} should not be saved");
    }

    /// Names of the files in the output folder, sorted.
    pub fn saved_files(&self) -> Vec<String> {
        files_in(&self.out())
    }
}

/// What a demo run printed and returned.
pub struct Run {
    /// Exit code (`None` if killed by a signal).
    pub code: Option<i32>,
    /// Everything on stdout.
    pub stdout: String,
    /// Everything on stderr.
    pub stderr: String,
}

impl Run {
    /// The `--json` summary printed on stdout.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(self.stdout.trim()).unwrap_or_else(|e| {
            panic!("stdout is not one JSON object ({e}): {}", self.stdout)
        })
    }
}

impl std::fmt::Debug for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {:?}\n--- stdout\n{}--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

/// The variables that name a proxy: ureq and reqwest read them unless
/// told not to.
pub const PROXY_VARS: [&str; 6] = [
    "HTTP_PROXY",
    "http_proxy",
    "HTTPS_PROXY",
    "https_proxy",
    "ALL_PROXY",
    "all_proxy",
];

/// A command for a demo binary, in the same environment whatever the
/// shell that runs `cargo test` has set: every [`PROXY_VARS`] names a
/// proxy that refuses connections. Every demo connects straight to the
/// server, so none of its requests may notice; one that went through the
/// proxy would fail its test instead of depending on the user's shell.
pub fn command(bin: impl AsRef<OsStr>) -> std::process::Command {
    static PROXY: OnceLock<String> = OnceLock::new();
    let proxy = PROXY.get_or_init(refused_base);
    let mut command = std::process::Command::new(bin);
    for var in PROXY_VARS {
        command.env(var, proxy);
    }
    command
}

/// Runs a demo binary with `args` (see [`command`]), killing it if it
/// outlives [`RUN_LIMIT`] (assert_cmd reads both pipes on threads, so a
/// chatty demo cannot block).
pub fn run(bin: &str, args: &[String]) -> Run {
    let mut command = assert_cmd::Command::from_std(command(bin));
    let output = command
        .args(args)
        .timeout(RUN_LIMIT)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {bin}: {e}"));
    let Output {
        status,
        stdout,
        stderr,
    } = output;
    Run {
        code: status.code(),
        stdout: String::from_utf8_lossy(&stdout).into_owned(),
        stderr: String::from_utf8_lossy(&stderr).into_owned(),
    }
}

/// A URL on 127.0.0.1 where nothing listens (see [`refused_port`]).
pub fn refused_url() -> String {
    format!("{}/pages/nobody-home", refused_base())
}

/// `http://127.0.0.1:PORT` where nothing listens, to put paths after: a
/// whole URL list for a server that is not running.
pub fn refused_base() -> String {
    format!("http://127.0.0.1:{}", refused_port())
}

/// A loopback port that refuses connections, for as long as this process
/// runs.
///
/// A port bound and then let go is only free until some other test's
/// server binds port 0 and is handed the same number: then "connection
/// refused" becomes a page. So the port stays bound (no one else can
/// take it) but never listens (a connection to it is refused), and the
/// socket is kept until the process exits.
pub fn refused_port() -> u16 {
    static HELD: Mutex<Vec<ClosedPort>> = Mutex::new(Vec::new());
    let closed = ClosedPort::new();
    let port = closed.port();
    HELD.lock().unwrap_or_else(|e| e.into_inner()).push(closed);
    port
}

/// A loopback port that refuses connections until [`ClosedPort::listen`]:
/// a socket bound to it that is not listening yet. Then the same port
/// answers, with no moment in between when another test could take it.
/// For "a port that refused once is not dialled again".
#[derive(Debug)]
pub struct ClosedPort {
    socket: Socket,
    port: u16,
}

impl ClosedPort {
    /// Binds a free loopback port, not listening.
    pub fn new() -> ClosedPort {
        let socket = Socket::new(Domain::IPV4, Type::STREAM, None)
            .expect("can create a TCP socket");
        let any = SocketAddr::from((Ipv4Addr::LOCALHOST, 0));
        socket.bind(&any.into()).expect("can bind a loopback port");
        let port = socket
            .local_addr()
            .ok()
            .and_then(|a| a.as_socket())
            .map(|a| a.port())
            .expect("a bound socket has a port");
        ClosedPort { socket, port }
    }

    /// The port, on 127.0.0.1.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Starts listening on the port: a non-blocking listener, so that
    /// [`accepted`] can ask whether anyone connected without waiting.
    pub fn listen(self) -> std::net::TcpListener {
        self.socket.listen(8).expect("can listen on a bound port");
        self.socket
            .set_nonblocking(true)
            .expect("can make a socket non-blocking");
        self.socket.into()
    }
}

impl Default for ClosedPort {
    fn default() -> Self {
        ClosedPort::new()
    }
}

/// Who connected to `listener` (non-blocking, see [`ClosedPort::listen`])
/// and is waiting to be accepted, if anyone: asks once, never waits.
pub fn accepted(listener: &std::net::TcpListener) -> Option<SocketAddr> {
    match listener.accept() {
        Ok((_, peer)) => Some(peer),
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => None,
        Err(e) => panic!("accept on {:?} failed: {e}", listener.local_addr()),
    }
}

/// Polls `probe` every 20 ms until it returns `Some`, for at most `limit`;
/// fails the test naming what it waited for. For a state another process
/// reaches in its own time (a worker running, a request in flight): the
/// limit only ends a hopeless wait, it is not a speed the test expects.
pub fn eventually<T>(
    limit: Duration,
    what: &str,
    mut probe: impl FnMut() -> Option<T>,
) -> T {
    let deadline = Instant::now() + limit;
    loop {
        if let Some(found) = probe() {
            return found;
        }
        assert!(
            Instant::now() < deadline,
            "waited {limit:?} for {what}, in vain"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// Names of the entries of `dir`, sorted (empty if it does not exist).
pub fn files_in(dir: &Path) -> Vec<String> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut names: Vec<String> = entries
        .map(|e| e.expect("dir entry").file_name().to_string_lossy().into())
        .collect();
    names.sort();
    names
}
