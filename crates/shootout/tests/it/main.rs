//! The shootout's integration tests, one test binary:
//! `cargo test -p shootout`.
//!
//! - `smoke`: a tiny shootout of every demo, end to end;
//! - `python_parity`: the Python versions name files and hash as the
//!   shared crate does.

mod python_parity;
mod smoke;
