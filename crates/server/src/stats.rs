//! The server's counters: what `/stats` reports and `Background::stats` reads.
//!
//! Part of `demo-server` (run it with `cargo run -p demo-server`, then
//! `curl http://127.0.0.1:8000/stats`). The counters let a demo *show* its
//! concurrency instead of claiming it: `peak_in_flight` is how many requests
//! the client really had open at once, `connections` how well it reused
//! keep-alive connections.

use std::sync::atomic::{AtomicU64, Ordering::Relaxed};

use serde::{Deserialize, Serialize};

/// A snapshot of the counters, as `/stats` and `POST /stats/reset` answer it.
///
/// "Since reset" below means since the server started or since the last
/// reset. Requests to `/stats` and `/stats/reset` are never counted, so
/// looking does not change what is seen.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize,
)]
pub struct Stats {
    /// Requests received since reset (all routes, unknown ones too).
    pub requests: u64,
    /// Requests being handled right now: holding a `--max-concurrency`
    /// permit, including their simulated latency.
    pub in_flight: u64,
    /// Highest `in_flight` since reset.
    pub peak_in_flight: u64,
    /// TCP connections accepted since reset: a client that reuses
    /// keep-alive connections makes few, one that does not makes one per
    /// request.
    pub connections: u64,
    /// `500` answers sent because of `--fail-rate`, since reset.
    pub failures_injected: u64,
}

/// The live counters, shared by every connection and request of a server.
///
/// Plain atomics with `Relaxed` ordering: each counter is exact, but a
/// snapshot taken while requests run may mix counts from slightly different
/// instants, which is fine for statistics.
#[derive(Debug, Default)]
pub struct Counters {
    requests: AtomicU64,
    in_flight: AtomicU64,
    peak_in_flight: AtomicU64,
    connections: AtomicU64,
    failures_injected: AtomicU64,
}

impl Counters {
    /// Fresh counters, all zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// The current values.
    pub fn snapshot(&self) -> Stats {
        Stats {
            requests: self.requests.load(Relaxed),
            in_flight: self.in_flight.load(Relaxed),
            peak_in_flight: self.peak_in_flight.load(Relaxed),
            connections: self.connections.load(Relaxed),
            failures_injected: self.failures_injected.load(Relaxed),
        }
    }

    /// Zeroes the counters, except that `in_flight` stays what it is (those
    /// requests are still running) and `peak_in_flight` restarts from it.
    pub fn reset(&self) {
        self.requests.store(0, Relaxed);
        self.connections.store(0, Relaxed);
        self.failures_injected.store(0, Relaxed);
        self.peak_in_flight
            .store(self.in_flight.load(Relaxed), Relaxed);
    }

    pub(crate) fn count_request(&self) {
        self.requests.fetch_add(1, Relaxed);
    }

    pub(crate) fn count_connection(&self) {
        self.connections.fetch_add(1, Relaxed);
    }

    pub(crate) fn count_failure(&self) {
        self.failures_injected.fetch_add(1, Relaxed);
    }

    /// Marks one request as in flight until the returned guard is dropped.
    ///
    /// A guard rather than a decrement at the end of the handler, so that a
    /// request whose client hangs up mid-latency (its future is dropped)
    /// still leaves `in_flight`.
    pub(crate) fn enter(&self) -> InFlight<'_> {
        let now = self.in_flight.fetch_add(1, Relaxed) + 1;
        self.peak_in_flight.fetch_max(now, Relaxed);
        InFlight(self)
    }
}

/// One request in flight; see [`Counters::enter`].
pub(crate) struct InFlight<'a>(&'a Counters);

impl Drop for InFlight<'_> {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_flight_and_peak_follow_guards() {
        let counters = Counters::new();
        let a = counters.enter();
        let b = counters.enter();
        drop(a);
        let s = counters.snapshot();
        assert_eq!((s.in_flight, s.peak_in_flight), (1, 2));
        counters.reset();
        let s = counters.snapshot();
        assert_eq!((s.in_flight, s.peak_in_flight), (1, 1));
        drop(b);
        assert_eq!(counters.snapshot().in_flight, 0);
    }

    #[test]
    fn reset_zeroes_the_counts() {
        let counters = Counters::new();
        counters.count_request();
        counters.count_connection();
        counters.count_failure();
        counters.reset();
        assert_eq!(counters.snapshot(), Stats::default());
    }
}
