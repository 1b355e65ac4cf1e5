//! smol-demo's HTTP client and executor, as a library: `src/main.rs` and
//! the examples all use them (`use smol_demo::{Session, Smol,
//! get_url_content}`), and so does the bench crate.

pub mod executor;
pub mod http;

pub use executor::Smol;
pub use http::{Session, get_url_content};
