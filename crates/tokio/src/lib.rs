//! tokio-demo's HTTP client: `Session` (one `reqwest::Client`, the slide's
//! `aiohttp.ClientSession`) and `get_url_content`, for `main.rs` and the
//! examples; and talk 05's deadline on tokio ([`deadline::wait`]), which
//! `examples/s07-deadline.rs` runs and `tests/it/deadline.rs` checks. Run the
//! demo with `cargo run -p tokio-demo`.

pub mod deadline;
pub mod http;

pub use http::{Session, get_url_content};
