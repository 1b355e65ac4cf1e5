//! demo-server's integration tests, one test binary (one link of hyper
//! and tokio instead of three): `cargo test -p demo-server`.
//!
//! - `routes`: the routes and counters, through real HTTP;
//! - `cats`: talk 02's cats, `/1.jpg` to `/20.jpg`, and `--dir` over them;
//! - `binary`: the `demo-server` binary as scripts use it;
//! - `robustness`: malformed requests, 10,000 connections, traversal.
//!
//! One module: `cargo test -p demo-server robustness::`.

mod binary;
mod cats;
mod robustness;
mod routes;
