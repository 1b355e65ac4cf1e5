//! The seven demo binaries, built once per test process.
//!
//! An integration test only gets the binaries of its own package
//! (`CARGO_BIN_EXE_*`), so the suite builds the demos itself with a nested
//! `cargo build --bins -p seq-demo -p ...`, in debug, into a target folder
//! of its own (`target/demo-bins`): building into the test's own target
//! folder could swap a binary under another test that is running it. The
//! shootout's smoke test builds into the same folder, so CI compiles the
//! demos once for both.

use std::collections::HashMap;
use std::io::BufRead;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;

/// One demo: the short name of the tables and its package (and binary).
#[derive(Clone, Debug)]
pub struct Demo {
    /// e.g. `tokio`: the column of the results table.
    pub name: &'static str,
    /// e.g. `tokio-demo`: the package, the binary, and the first word of
    /// every line it prints.
    pub package: &'static str,
    /// The built executable.
    pub binary: PathBuf,
}

/// Every approach, in the talks' order (the columns of the tables).
pub const ALL: [(&str, &str); 7] = [
    ("seq", "seq-demo"),
    ("threaded-queue", "threaded-queue-demo"),
    ("thread-pool", "thread-pool-demo"),
    ("multiprocess", "multiprocess-demo"),
    ("tokio", "tokio-demo"),
    ("async-std", "async-std-demo"),
    ("smol", "smol-demo"),
];

/// The workspace root (two levels above this crate).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Builds every demo (once per process) and returns them in [`ALL`]'s
/// order. Panics with cargo's verdict if the build fails: without the
/// binaries there is nothing to test.
pub fn all() -> &'static [Demo] {
    static BUILT: OnceLock<Vec<Demo>> = OnceLock::new();
    BUILT.get_or_init(|| build().unwrap_or_else(|e| panic!("{e}")))
}

fn build() -> Result<Vec<Demo>, String> {
    let root = workspace_root();
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(&root)
        .env("CARGO_TARGET_DIR", root.join("target/demo-bins"))
        .args([
            "build",
            "--bins",
            "--message-format=json-render-diagnostics",
        ]);
    for (_, package) in ALL {
        cmd.args(["-p", package]);
    }
    // Compiler messages go to stderr as usual; the JSON lines on stdout
    // say where each executable ended up.
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| format!("cannot run cargo build: {e}"))?;
    let stdout = child.stdout.take().expect("stdout is piped");
    let mut executables: HashMap<String, PathBuf> = HashMap::new();
    for line in std::io::BufReader::new(stdout)
        .lines()
        .map_while(Result::ok)
    {
        let Ok(msg) = serde_json::from_str::<serde_json::Value>(&line) else {
            continue;
        };
        if let (Some(name), Some(exe)) =
            (msg["target"]["name"].as_str(), msg["executable"].as_str())
        {
            executables.insert(name.to_owned(), PathBuf::from(exe));
        }
    }
    let status = child.wait().map_err(|e| format!("cargo build: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build of the demos failed ({status})"));
    }
    ALL.iter()
        .map(|&(name, package)| {
            let binary = executables
                .remove(package)
                .ok_or_else(|| format!("cargo built no binary {package}"))?;
            Ok(Demo {
                name,
                package,
                binary,
            })
        })
        .collect()
}
