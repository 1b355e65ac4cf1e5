//! Which demos exist, and building them (or finding them built).

use std::collections::HashMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use anyhow::{Context, Result, bail};

/// One approach: its short name (as in `--approaches`), its package, and
/// its folder under `crates/`.
#[derive(Clone, Debug)]
pub struct Approach {
    /// Short name, e.g. `tokio`.
    pub name: &'static str,
    /// Cargo package and binary, e.g. `tokio-demo`.
    pub package: &'static str,
    /// Does one thing at a time (only `--workers 1` makes sense).
    pub sequential: bool,
    /// The program to run: the built binary, once [`build`] found it, or
    /// `python3`.
    pub binary: PathBuf,
    /// Arguments before the workload's own (the script, for Python).
    pub prefix: Vec<String>,
    /// Which workloads it can run (the Python asyncio and queue versions
    /// only download, as in the talks).
    pub cpu: bool,
    /// Arguments after the workload's own (the cluster's `--broker URL`).
    pub suffix: Vec<String>,
}

/// Every approach of the workshop, in the talks' order: (short name,
/// package and binary).
pub const ALL: [(&str, &str); 8] = [
    ("seq", "seq-demo"),
    ("threaded-queue", "threaded-queue-demo"),
    ("thread-pool", "thread-pool-demo"),
    ("multiprocess", "multiprocess-demo"),
    ("tokio", "tokio-demo"),
    ("async-std", "async-std-demo"),
    ("smol", "smol-demo"),
    // Beyond the talks: a broker and worker processes (see cluster.rs).
    ("cluster", "cluster-demo"),
];

/// Cores on this machine.
pub fn cores() -> usize {
    std::thread::available_parallelism().map_or(1, usize::from)
}

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The approaches whose crate exists in this checkout, filtered by
/// `wanted` (short names; empty = all). seq always comes first: every
/// speedup is measured against it.
pub fn select(wanted: &[String]) -> Result<Vec<Approach>> {
    let root = workspace_root();
    let present: Vec<Approach> = ALL
        .iter()
        .filter(|(name, _)| {
            root.join("crates").join(name).join("Cargo.toml").exists()
        })
        .map(|&(name, package)| Approach {
            name,
            package,
            sequential: name == "seq",
            binary: PathBuf::new(),
            prefix: Vec::new(),
            cpu: true,
            suffix: Vec::new(),
        })
        .collect();
    let names: Vec<&str> = present.iter().map(|a| a.name).collect();
    for w in wanted {
        if !names.contains(&w.as_str()) {
            bail!(
                "unknown approach {w:?}; this checkout has: {}",
                names.join(", ")
            );
        }
    }
    Ok(present
        .into_iter()
        .filter(|a| {
            wanted.is_empty()
                || a.sequential
                || wanted.iter().any(|w| w == a.name)
        })
        .collect())
}

// ANCHOR: python
/// The Python versions in `scripts/python/`: (name, script, runs CPU work).
const PYTHON: [(&str, &str, bool); 5] = [
    ("py-seq", "seq.py", true),
    ("py-threads-queue", "threads_queue.py", false),
    ("py-thread-pool", "thread_pool.py", true),
    ("py-processes", "processes.py", true),
    ("py-asyncio", "asyncio_aiohttp.py", false),
];

/// The Python rows, if `python3` with `requests` and `aiohttp` is there;
/// otherwise `Err` with what to install.
pub fn python() -> Result<Vec<Approach>> {
    let check = Command::new("python3")
        .args(["-c", "import requests, aiohttp"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
    if !check.is_ok_and(|s| s.success()) {
        bail!(
            "--with-python needs python3 with requests and aiohttp; install \
             them with: python3 -m pip install requests aiohttp"
        );
    }
    let scripts = workspace_root().join("scripts/python");
    Ok(PYTHON
        .iter()
        .map(|&(name, script, cpu)| Approach {
            name,
            package: name,
            sequential: name == "py-seq",
            binary: PathBuf::from("python3"),
            prefix: vec![scripts.join(script).display().to_string()],
            cpu,
            suffix: Vec::new(),
        })
        .collect())
}
// ANCHOR_END: python

/// Builds the demos with cargo (release unless `debug`) and fills in each
/// approach's binary path from cargo's own report of what it built.
pub fn build(approaches: &mut [Approach], debug: bool) -> Result<()> {
    let packages: Vec<&str> = approaches.iter().map(|a| a.package).collect();
    let mut executables = build_bins(&packages, !debug)?;
    for a in approaches.iter_mut() {
        a.binary = executables.remove(a.package).with_context(|| {
            format!("cargo built no binary named {}", a.package)
        })?;
    }
    Ok(())
}

/// Points each approach at its binary in `dir` (`--bin-dir`), as cargo
/// left it there; nothing is built. Names every missing binary.
pub fn prebuilt(approaches: &mut [Approach], dir: &Path) -> Result<()> {
    let mut missing = Vec::new();
    for a in approaches.iter_mut() {
        let binary = dir
            .join(a.package)
            .with_extension(std::env::consts::EXE_EXTENSION);
        if !binary.is_file() {
            missing.push(binary.display().to_string());
        }
        a.binary = binary;
    }
    if !missing.is_empty() {
        bail!(
            "--bin-dir {}: no such binary: {}; build them first (cargo build \
             --bins)",
            dir.display(),
            missing.join(", ")
        );
    }
    Ok(())
}

/// Runs `cargo build --bins -p P...` (with `--release` if `release`) and
/// returns each binary's path by name, as cargo reported it (wherever
/// `CARGO_TARGET_DIR` puts it).
fn build_bins(
    packages: &[&str],
    release: bool,
) -> Result<HashMap<String, PathBuf>> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(workspace_root()).args([
        "build",
        "--bins",
        "--message-format=json-render-diagnostics",
    ]);
    if release {
        cmd.arg("--release");
    }
    for package in packages {
        cmd.args(["-p", package]);
    }
    // Compiler messages go to our stderr as usual; the JSON on stdout says
    // where each executable ended up (whatever CARGO_TARGET_DIR is).
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .context("running cargo build")?;
    let stdout = child.stdout.take().expect("stdout was piped");
    let mut executables = HashMap::new();
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line?;
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        if let (Some(name), Some(exe)) =
            (msg["target"]["name"].as_str(), msg["executable"].as_str())
        {
            executables.insert(name.to_owned(), PathBuf::from(exe));
        }
    }
    if !child.wait()?.success() {
        bail!("cargo build failed (see above)");
    }
    Ok(executables)
}
