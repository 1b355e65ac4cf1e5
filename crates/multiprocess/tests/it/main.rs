//! multiprocess-demo's integration tests, one test binary:
//! `cargo test -p multiprocess-demo`.
//!
//! - `cli`: end to end, the cases every demo shares, the conformance
//!   table and exercise 4's check, on this binary;
//! - `faults`: a worker killed, the parent interrupted or killed (Linux);
//! - `examples`: the s01 to s03 examples, run against a demo server.

mod cli;
mod examples;
mod faults;

/// `faults` reads /proc, which only Linux has (and off Linux a killed
/// parent's workers live on until their current job ends: there is no
/// `PR_SET_PDEATHSIG`). Elsewhere this shows the tests as skipped, so
/// they do not vanish without a word.
#[cfg(not(target_os = "linux"))]
#[test]
#[ignore = "multiprocess-demo's fault tests need Linux's /proc"]
fn faults_are_linux_only() {}
