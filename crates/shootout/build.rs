//! Decides, once per build, whether this machine can run the book's
//! browser test (`tests/it/book.rs`): it needs `mdbook` and a Chromium on
//! PATH. Where either is missing, the test is compiled with
//! `cfg(book_tools_missing)`, which marks it `#[ignore = "..."]`: `cargo
//! test` then lists it as ignored, with the reason, never as passed.
//! `BOOK_TESTS_REQUIRE_TOOLS=1` (CI) leaves it on, so a missing tool
//! fails it, by name.

use std::path::PathBuf;

/// The names Chromium goes by on PATH (Debian's package is `chromium`).
const CHROMIUMS: [&str; 3] = ["chromium", "chromium-browser", "google-chrome"];

fn main() {
    println!("cargo::rustc-check-cfg=cfg(book_tools_missing)");
    println!("cargo::rerun-if-env-changed=PATH");
    println!("cargo::rerun-if-env-changed=BOOK_TESTS_REQUIRE_TOOLS");
    let path = std::env::var_os("PATH").unwrap_or_default();
    let dirs: Vec<PathBuf> = std::env::split_paths(&path).collect();
    let on_path = |name: &str| {
        let file = format!("{name}{}", std::env::consts::EXE_SUFFIX);
        let candidates: Vec<PathBuf> =
            dirs.iter().map(|d| d.join(&file)).collect();
        // Cargo reruns this script when a listed file changes, and on
        // every build while one is missing: installing the tool later
        // turns the test on without a `cargo clean`.
        for c in &candidates {
            println!("cargo::rerun-if-changed={}", c.display());
        }
        candidates.iter().any(|c| c.is_file())
    };
    let mdbook = on_path("mdbook");
    let chromium = CHROMIUMS.iter().filter(|c| on_path(c)).count() > 0;
    let have_tools = mdbook && chromium;
    let required =
        std::env::var_os("BOOK_TESTS_REQUIRE_TOOLS").is_some_and(|v| v == "1");
    if !have_tools && !required {
        println!("cargo::rustc-cfg=book_tools_missing");
    }
}
