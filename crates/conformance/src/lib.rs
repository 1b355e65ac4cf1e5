//! The conformance suite: one table of bad inputs and faults, run against
//! every demo binary, so that seven approaches provably behave as one
//! program does when the input is bad or the network misbehaves.
//!
//! Talk 05 throws a made-up domain into its URL list; real lists are
//! worse. Each [`Case`] is a URL list (plus a server setting, flags, an
//! output folder) and what must happen: the exit code, the summary line,
//! the saved files byte for byte, and the error lines word for word, in
//! the one wording of [`shared::Error`]. Each demo's own integration test
//! calls [`check`] with its binary, which runs every case and prints the
//! demo's column of the table; `tests/readme.rs` checks that the README's
//! "Failure handling" table is this one.
//!
//! Run it on one demo: `cargo test -p tokio-demo conformance --
//! --nocapture`.

mod cases;
mod demos;
mod reset;
mod runner;
mod table;

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub use cases::cases;
pub use demos::{Demo, check, check_with};
pub use reset::ResetServer;
pub use runner::{Outcome, Verdict, run_case};
pub use table::{readme_table, results_table};

use demo_server::{Config, DEFAULT_PAGE_SIZE, page_body};

// ANCHOR: case
/// One row of the table: a situation, and what every demo must do in it.
pub struct Case {
    /// The row's name, e.g. "404, 500, 503 among good URLs".
    pub name: &'static str,
    /// What every demo does, in a few words, for the README.
    pub does: &'static str,
    /// Approaches that had to differ, and why: `(approach, note)`. The
    /// plan encodes the difference; this says it in words.
    pub differs: &'static [(&'static str, &'static str)],
    /// The demo server's settings for this case.
    pub server: fn() -> Config,
    /// Runs on its own, not next to other cases (10,000 URLs).
    pub alone: bool,
    /// The inputs and the expectations, once the server runs.
    pub plan: fn(&Env) -> Plan,
}
// ANCHOR_END: case

/// What a case's plan can use: the server, a scratch folder, the demo.
pub struct Env {
    /// The package being tested, e.g. `tokio-demo`.
    pub package: String,
    /// `http://127.0.0.1:PORT` of this run's demo server.
    pub base: String,
    /// A scratch folder of this run (holds the URL file and `out/`).
    pub dir: PathBuf,
    /// Started on first use, stopped with the run.
    pub(crate) reset: OnceLock<ResetServer>,
}

impl Env {
    /// A URL on this run's server; `path` starts with `/`.
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// `/pages/{name}` on this run's server, and the bytes it answers.
    pub fn page(&self, name: &str) -> (String, Vec<u8>) {
        (
            self.url(&format!("/pages/{name}")),
            page_body(name, DEFAULT_PAGE_SIZE),
        )
    }

    /// A URL whose connection is reset mid-body (see [`ResetServer`]).
    pub fn reset_url(&self, name: &str) -> String {
        self.reset
            .get_or_init(|| {
                ResetServer::start().expect("can listen on a loopback port")
            })
            .url(name)
    }

    /// The default output folder, `<scratch>/out`.
    pub fn out(&self) -> PathBuf {
        self.dir.join("out")
    }

    /// The default URL file, `<scratch>/urls.txt`.
    pub fn url_file(&self) -> PathBuf {
        self.dir.join("urls.txt")
    }

    /// A plan that writes `lines` as the URL file, with the default
    /// output folder and no flags; set `expect` (and the rest) on it.
    pub fn lines(&self, lines: Vec<String>) -> Plan {
        Plan {
            urls: UrlFile::Lines(lines),
            out: self.out(),
            args: Vec::new(),
            as_nobody: false,
            interrupt: None,
            expect: Expect::default(),
        }
    }
}

/// The inputs of one run and what must come out of it.
pub struct Plan {
    /// What `--urls` points at.
    pub urls: UrlFile,
    /// `--out`.
    pub out: PathBuf,
    /// Further flags, e.g. `--timeout 1`.
    pub args: Vec<String>,
    /// Run the demo as user `nobody` when the suite runs as root (root may
    /// write anywhere, so "not writable" needs another user), from a copy
    /// of the binary that `nobody` can reach wherever the checkout is.
    pub as_nobody: bool,
    /// Send SIGINT during the run instead of letting it finish.
    pub interrupt: Option<Interrupt>,
    /// What must happen.
    pub expect: Expect,
}

/// The URL file of a run.
pub enum UrlFile {
    /// These lines, each ended by `\n`.
    Lines(Vec<String>),
    /// Exactly these bytes (non-UTF-8, byte-order marks, CRLF).
    Bytes(Vec<u8>),
    /// `--urls` names a file that does not exist.
    Missing,
}

/// When to send SIGINT: once these files are saved and the server has
/// seen `requests` requests, with at least one still in flight.
pub struct Interrupt {
    /// Files (full paths) that must exist first.
    pub after_files: Vec<PathBuf>,
    /// Requests the server must have seen first.
    pub requests: u64,
}

/// Expected outcome of one run.
#[derive(Default)]
pub struct Expect {
    /// The exit code.
    pub code: i32,
    /// The summary line on stdout.
    pub summary: Summary,
    /// The files in `--out` afterwards.
    pub saved: Saved,
    /// The lines on stderr, without the leading `<package>: `, in any
    /// order (concurrent demos finish in any order), and nothing else.
    pub stderr: Vec<Line>,
    /// Requests the server must have seen (`Some(0)`: nothing downloaded).
    pub requests: Option<u64>,
    /// Further checks on the outcome.
    pub check: Option<Check>,
}

/// A check on an outcome; each string it returns is a difference.
pub type Check = Box<dyn Fn(&Outcome) -> Vec<String> + Send>;

/// The summary line a run must print.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Summary {
    /// No summary and nothing else on stdout (exit code 2).
    #[default]
    None,
    /// `<package>: <ok>/<total> URLs, ... , <failed> failed`, and for an
    /// interrupted run `, <n> unfinished (interrupted)` at the end.
    Counts {
        /// Items done.
        ok: usize,
        /// Items failed.
        failed: usize,
        /// Items left when interrupted; `None`: not interrupted.
        unfinished: Option<usize>,
    },
    /// A summary line whose counts [`Expect::check`] looks at.
    Any,
}

impl Summary {
    /// A finished run with these counts.
    pub fn counts(ok: usize, failed: usize) -> Summary {
        Summary::Counts {
            ok,
            failed,
            unfinished: None,
        }
    }
}

/// The files `--out` must hold afterwards.
#[derive(Default)]
pub enum Saved {
    /// Exactly these `(url, body)`: one file each, named by
    /// [`shared::filename_for_url`], byte for byte, and nothing else (no
    /// temp file).
    Exactly(Vec<(String, Vec<u8>)>),
    /// The folder does not exist.
    #[default]
    NoFolder,
    /// Only [`Expect::check`] knows (the fail-rate case).
    Custom,
}

/// One expected line of stderr (after `<package>: `).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    /// Exactly this text.
    Exact(String),
    /// One line starting with this text (for counts that vary).
    Prefix(String),
    /// Any number of lines (none included) starting with this text; a
    /// check looks at them (the fail-rate case).
    Each(String),
}

impl Line {
    /// `error: <item>: <error>`, the report's line for a failed item.
    pub fn error(item: &str, error: &shared::Error) -> Line {
        Line::Exact(format!("error: {item}: {error}"))
    }
}

/// The file a URL is saved as, inside `out`.
pub fn saved_as(url: &str, out: &Path) -> PathBuf {
    shared::filename_for_url(url, out)
}
