//! The shootout's integration tests, one test binary:
//! `cargo test -p shootout`.
//!
//! - `smoke`: a tiny shootout of every demo, end to end;
//! - `python_parity`: the Python versions name files and hash as the
//!   shared crate does;
//! - `book`: the workshop book and a small report, loaded in headless
//!   Chromium (ignored, and listed so, without mdbook and chromium), over
//!   the little of the DevTools protocol in `cdp`.

mod book;
mod cdp;
mod python_parity;
mod smoke;
