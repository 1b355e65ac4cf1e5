//! demo-server's integration tests, one test binary (one link of hyper
//! and tokio instead of three): `cargo test -p demo-server`.
//!
//! - `routes`: the routes and counters, through real HTTP;
//! - `binary`: the `demo-server` binary as scripts use it;
//! - `robustness`: malformed requests, 10,000 connections, traversal.
//!
//! One module: `cargo test -p demo-server robustness::`.

mod binary;
mod robustness;
mod routes;
