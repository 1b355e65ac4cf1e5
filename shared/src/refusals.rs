//! [`Refusals`]: the addresses that refused a connection in this run, so
//! that each is only tried once.

use std::collections::HashSet;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use crate::Error;

/// The `host:port`s that refused a connection in this run.
///
/// Why remember them: forget to start the demo server and every URL in
/// urls.txt is refused. On Linux and macOS each refusal takes microseconds,
/// but Windows does not take a refusal for an answer at once: it tries
/// again a couple of times, so each one takes about 2 s. Thirty URLs are a minute
/// of silence before the report says "start the demo server", and under
/// `--timeout 1` a refusal even reads as a timeout. A server that refused
/// us will hardly start listening halfway through a run, so after the first
/// refusal the rest of the URLs on that `host:port` fail at once, in the
/// same words ([`Error::refused`]), without connecting. Other ports on the
/// same host are still tried.
///
/// Each client's `Session` owns one, so it lives for one run and is shared
/// by every thread or task using that session (clones share one set: an
/// `Arc` inside). multiprocess-demo's workers each build their own session,
/// so each process learns for itself.
#[derive(Clone, Debug, Default)]
pub struct Refusals(Arc<Mutex<HashSet<String>>>);

impl Refusals {
    /// `Err(Error::refused(url))` if `url`'s `host:port` has refused a
    /// connection before in this run: then do not connect.
    pub fn check(&self, url: &str) -> Result<(), Error> {
        match Error::refused(url) {
            Error::Refused { addr } if self.set().contains(&addr) => {
                Err(Error::Refused { addr })
            }
            _ => Ok(()),
        }
    }

    /// Remembers the address of an [`Error::Refused`]; other errors (a
    /// timeout, a 500) say nothing about the next request, and are ignored.
    pub fn note(&self, error: &Error) {
        if let Error::Refused { addr } = error {
            self.set().insert(addr.clone());
        }
    }

    /// The set. A thread that panicked holding the lock cannot have left
    /// it half-changed (one `insert` or `contains`), so a poisoned lock is
    /// used as it is.
    fn set(&self) -> MutexGuard<'_, HashSet<String>> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_noted_refusal_fails_every_url_on_that_host_and_port() {
        let refusals = Refusals::default();
        let first = "http://127.0.0.1:8000/pages/1";
        assert!(refusals.check(first).is_ok(), "nothing noted yet: {first}");
        refusals.note(&Error::refused(first));
        for url in [first, "http://127.0.0.1:8000/cats/2.jpg"] {
            let err = refusals.check(url).expect_err(url);
            assert_eq!(err.to_string(), "connection refused by 127.0.0.1:8000");
        }
    }

    #[test]
    fn other_ports_and_hosts_are_still_tried() {
        let refusals = Refusals::default();
        refusals.note(&Error::refused("http://127.0.0.1:8000/x"));
        for url in [
            "http://127.0.0.1:8001/x",
            "http://localhost:8000/x",
            "https://127.0.0.1/x",
        ] {
            assert!(refusals.check(url).is_ok(), "{url} was not refused");
        }
    }

    #[test]
    fn other_errors_are_not_remembered() {
        let refusals = Refusals::default();
        let url = "http://127.0.0.1:8000/x";
        refusals.note(&Error::Timeout { secs: 1.0 });
        refusals.note(&Error::Status { code: 500 });
        assert!(refusals.check(url).is_ok(), "{url}");
    }

    #[test]
    fn clones_share_one_set() {
        let refusals = Refusals::default();
        let url = "http://127.0.0.1:8000/x";
        let clone = refusals.clone();
        std::thread::spawn(move || clone.note(&Error::refused(url)))
            .join()
            .unwrap();
        assert!(refusals.check(url).is_err(), "noted on a clone: {url}");
    }
}
