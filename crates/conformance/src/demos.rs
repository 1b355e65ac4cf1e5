//! The seven demo binaries, built once per test process.
//!
//! An integration test only gets the binaries of its own package
//! (`CARGO_BIN_EXE_*`), so the suite builds the demos itself with a nested
//! `cargo build --bins -p seq-demo -p ...` (the shootout's
//! `build_bins`), in debug, into a target folder
//! of its own (`target/demo-bins`): building into the test's own target
//! folder could swap a binary under another test that is running it. The
//! shootout's smoke test builds into the same folder, so CI compiles the
//! demos once for both.

use std::path::PathBuf;
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

/// Every approach, in the talks' order (the columns of the tables), and
/// the workspace root: the shootout's, so both run the same demos.
pub use shootout::approaches::{ALL, workspace_root};

/// Builds every demo (once per process) and returns them in [`ALL`]'s
/// order. Panics with cargo's verdict if the build fails: without the
/// binaries there is nothing to test.
pub fn all() -> &'static [Demo] {
    static BUILT: OnceLock<Vec<Demo>> = OnceLock::new();
    BUILT.get_or_init(|| build().unwrap_or_else(|e| panic!("{e}")))
}

fn build() -> Result<Vec<Demo>, String> {
    let packages = ALL.map(|(_, package)| package);
    let target = workspace_root().join("target/demo-bins");
    let mut executables =
        shootout::approaches::build_bins(&packages, false, Some(&target))
            .map_err(|e| format!("cargo build of the demos: {e:#}"))?;
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
