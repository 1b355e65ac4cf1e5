//! Running one demo once, and measuring it from the outside: wall time
//! (process start-up included, as in the talks), exit code, peak memory.
//!
//! Peak memory comes from `getrusage(RUSAGE_CHILDREN)`, which reports the
//! largest resident set of any child the caller has waited for. That is a
//! running maximum over *all* children, so the shootout cannot ask it about
//! one demo among many. Instead it re-executes itself as a tiny wrapper
//! (`shootout __measure ...`) whose only child is the demo: the wrapper's
//! figure is exactly that demo's (and, for multiprocess-demo, its largest
//! worker's, since the demo waits for its workers).
//!
//! `ru_maxrss` is in KiB on Linux and the BSDs but in bytes on macOS, so
//! [`kib_from_max_rss`] converts by OS. Windows has no `getrusage`, so
//! there the column says `-`.

use std::fs;
use std::path::Path;
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use anyhow::{Context, Result};

/// The hidden first argument that selects wrapper mode.
const MEASURE: &str = "__measure";

/// What the wrapper saw.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub struct Measured {
    /// Exit code of the demo (`None`: killed by a signal).
    pub code: Option<i32>,
    /// From spawn to exit, in seconds.
    pub seconds: f64,
    /// Peak resident memory, in KiB (`None` where the OS does not say).
    pub max_rss_kib: Option<i64>,
}

/// If this process was started as the wrapper, run the demo and return the
/// exit code to leave with; otherwise `None`.
///
/// Usage: `shootout __measure RESULT_FILE PROGRAM ARGS...`
pub fn wrapper_mode() -> Option<ExitCode> {
    let mut args = std::env::args_os().skip(1);
    if args.next()? != MEASURE {
        return None;
    }
    let result_file = args.next()?;
    let program = args.next()?;
    let start = Instant::now();
    let status = Command::new(&program).args(args).status();
    let seconds = start.elapsed().as_secs_f64();
    let Ok(status) = status else {
        eprintln!("shootout: cannot start {}", program.to_string_lossy());
        return Some(ExitCode::from(2));
    };
    let max_rss_kib = peak_rss_kib();
    let measured = Measured {
        code: status.code(),
        seconds,
        max_rss_kib,
    };
    let json = serde_json::to_string(&measured).expect("Measured serialises");
    if fs::write(&result_file, json).is_err() {
        return Some(ExitCode::from(2));
    }
    Some(ExitCode::SUCCESS)
}

/// Runs `program args...` through the wrapper, with stdout and stderr
/// captured into files in `scratch`. Returns the measurement and stdout.
pub fn run(
    program: &Path,
    args: &[String],
    scratch: &Path,
) -> Result<(Measured, String, String)> {
    let me = std::env::current_exe().context("locating the shootout binary")?;
    let result_file = scratch.join("measured.json");
    let stdout_file = scratch.join("stdout.txt");
    let stderr_file = scratch.join("stderr.txt");
    let status = Command::new(me)
        .arg(MEASURE)
        .arg(&result_file)
        .arg(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(fs::File::create(&stdout_file)?)
        .stderr(fs::File::create(&stderr_file)?)
        .status()
        .with_context(|| format!("running {}", program.display()))?;
    anyhow::ensure!(status.success(), "the measuring wrapper failed");
    let measured: Measured = serde_json::from_slice(&fs::read(&result_file)?)
        .context("reading the wrapper's result")?;
    let stdout = fs::read_to_string(&stdout_file).unwrap_or_default();
    let stderr = fs::read_to_string(&stderr_file).unwrap_or_default();
    Ok((measured, stdout, stderr))
}

/// Peak resident memory of the children this process has waited for
/// (only the demo: the wrapper has no other), in KiB.
#[cfg(unix)]
fn peak_rss_kib() -> Option<i64> {
    use nix::sys::resource::{UsageWho, getrusage};
    let usage = getrusage(UsageWho::RUSAGE_CHILDREN).ok()?;
    Some(kib_from_max_rss(usage.max_rss(), std::env::consts::OS))
}

/// Windows has no `getrusage`, and asking it for a child's peak working
/// set (`GetProcessMemoryInfo`) takes `unsafe`, which this workspace
/// forbids: the column says `-` there.
#[cfg(not(unix))]
fn peak_rss_kib() -> Option<i64> {
    None
}

/// `ru_maxrss` in KiB, given the OS it came from (`std::env::consts::OS`).
/// Apple's kernels count bytes; Linux and the BSDs count KiB.
#[cfg_attr(not(unix), allow(dead_code))]
pub fn kib_from_max_rss(max_rss: i64, os: &str) -> i64 {
    match os {
        "macos" | "ios" | "tvos" | "watchos" | "visionos" => max_rss / 1024,
        _ => max_rss,
    }
}

#[cfg(test)]
mod tests {
    use super::kib_from_max_rss;

    #[test]
    fn max_rss_is_bytes_on_apple_and_kib_elsewhere() {
        // A 5 MiB demo, as each kernel reports it.
        assert_eq!(kib_from_max_rss(5 << 20, "macos"), 5 << 10);
        assert_eq!(kib_from_max_rss(5 << 20, "ios"), 5 << 10);
        assert_eq!(kib_from_max_rss(5 << 10, "linux"), 5 << 10);
        assert_eq!(kib_from_max_rss(5 << 10, "freebsd"), 5 << 10);
    }
}
