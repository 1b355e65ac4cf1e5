//! Benchmarks for the shootout: what one unit of work costs in
//! each approach, measured with criterion instead of by the wall clock of a
//! whole demo run.
//!
//! - `benches/kernels.rs`: talk 02's `hash_me` and talk 04's
//!   `cpu_bound` (sum of squares) run sequentially, on 2 threads, on a 2-thread rayon
//!   pool and in 2 processes; and what starting one process costs next to
//!   starting one thread (talk 04: "bringing up a separate Python
//!   interpreter is not as fast as starting a new thread").
//! - `benches/clients.rs`: one GET of a 2 KiB page from the in-process
//!   demo server with zero latency, on each demo's HTTP client (talk 01's
//!   clients, talk 02's "new connection vs one session").
//!
//! ```text
//! cargo bench -p bench                   # both, a few minutes on 2 cores
//! cargo bench -p bench --bench kernels   # one of them
//! cargo bench -p bench --bench clients -- ureq   # criterion's name filter
//! ```
//!
//! This library holds the code the benches time ([`kernels`], [`clients`]),
//! so that `cargo test -p bench` can check that every approach computes the
//! same answers and every client downloads the right bytes on the
//! connections we think it uses: a benchmark of the wrong code measures
//! nothing. Results and how to read them: the crate's README.

pub mod clients;
pub mod kernels;
