//! multiprocess-demo's integration tests, one test binary:
//! `cargo test -p multiprocess-demo`.
//!
//! - `cli`: end to end, the cases every demo shares, the conformance
//!   table and exercise 4's check, on this binary;
//! - `faults`: a worker killed, the parent interrupted or killed;
//! - `examples`: the s01 to s03 examples, run against a demo server.

mod cli;
mod examples;
mod faults;
