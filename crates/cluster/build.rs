//! Decides, once per build, whether this machine can run the cluster
//! tests: they need a `redis-server` on PATH to start brokers of their
//! own. Where there is none, the tests are compiled with
//! `cfg(redis_server_missing)`, which marks each one
//! `#[ignore = "skipped: redis-server not found"]`: `cargo test` then
//! lists them as ignored, never as passed. `CLUSTER_TESTS_REQUIRE_REDIS=1`
//! (CI) leaves them on, so a missing server fails them, by name.

use std::path::PathBuf;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(redis_server_missing)");
    println!("cargo::rerun-if-env-changed=PATH");
    println!("cargo::rerun-if-env-changed=CLUSTER_TESTS_REQUIRE_REDIS");
    let file = format!("redis-server{}", std::env::consts::EXE_SUFFIX);
    let path = std::env::var_os("PATH").unwrap_or_default();
    let candidates: Vec<PathBuf> = std::env::split_paths(&path)
        .map(|dir| dir.join(&file))
        .collect();
    // Cargo reruns this script when a listed file changes, and on every
    // build while a listed file is missing: so installing redis-server
    // later turns the tests on without a `cargo clean`.
    for candidate in &candidates {
        println!("cargo::rerun-if-changed={}", candidate.display());
    }
    let found = candidates.iter().any(|c| c.is_file());
    let required = std::env::var_os("CLUSTER_TESTS_REQUIRE_REDIS")
        .is_some_and(|v| v == "1");
    if !found && !required {
        println!("cargo::rustc-cfg=redis_server_missing");
        println!(
            "cargo::warning=redis-server not found on PATH: the cluster \
             tests are ignored (CLUSTER_TESTS_REQUIRE_REDIS=1 makes them fail)"
        );
    }
}
