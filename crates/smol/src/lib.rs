//! smol-demo's HTTP client and executor, as a library: `src/main.rs` and
//! the examples all use them (`use smol_demo::{Session, Smol,
//! get_url_content}`), and so does the bench crate. Also talk 05's deadline
//! on smol ([`deadline::wait`]), which `examples/s04-deadline-race.rs` runs
//! and `tests/it/deadline.rs` checks.

pub mod deadline;
pub mod executor;
pub mod http;

pub use executor::Smol;
pub use http::{Session, get_url_content};
