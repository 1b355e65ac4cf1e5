//! smol-demo's integration tests, one test binary:
//! `cargo test -p smol-demo`.
//!
//! - `cli`: end to end, the cases every demo shares, on this binary;
//! - `deadline`: talk 05's deadline, against a server that never answers
//!   in time.

mod cli;
mod deadline;
