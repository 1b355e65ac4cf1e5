//! async-std-demo's HTTP client, as a library: `src/main.rs` and the
//! examples all use it (`use async_std_demo::{Session, get_url_content}`),
//! and so does the bench crate. Also talk 05's deadline on async-std
//! ([`deadline::wait`]), which `examples/s04-deadline.rs` runs and
//! `tests/it/deadline.rs` checks.

pub mod deadline;
pub mod http;

pub use http::{Session, get_url_content};
