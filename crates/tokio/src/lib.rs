//! tokio-demo's HTTP client: `Session` (one `reqwest::Client`, the slide's
//! `aiohttp.ClientSession`) and `get_url_content`, for `main.rs` and the
//! examples. Run the demo with `cargo run -p tokio-demo`.

pub mod http;

pub use http::{Session, get_url_content};
