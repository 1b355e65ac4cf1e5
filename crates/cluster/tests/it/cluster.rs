//! A cluster for one test: a redis-server of its own on an ephemeral
//! port (persistence off) and worker processes of the binary under test.

use std::process::{Child, Stdio};
use std::time::Duration;

use cluster_demo::LocalBroker;

use crate::BIN;

/// How long a cluster may take to start (a loaded 2-core machine).
const START_LIMIT: Duration = Duration::from_secs(30);

/// A broker and `processes` workers of `threads` each, stopped on drop.
pub struct Cluster {
    broker: LocalBroker,
    workers: Vec<Child>,
}

impl Cluster {
    /// Starts the broker, then the workers, and waits until every worker
    /// holds a lease (so each is taking jobs before the test runs one).
    pub fn start(processes: usize, threads: usize) -> Cluster {
        let broker = LocalBroker::start().unwrap_or_else(|e| {
            panic!(
                "cannot start redis-server for the cluster tests: {e} \
                 (CLUSTER_TESTS_REQUIRE_REDIS=1 makes a missing server fail \
                 them; unset, they are ignored where it is missing)"
            )
        });
        let url = broker.url();
        let workers = (0..processes)
            .map(|_| {
                testkit::command(BIN)
                    .args(["worker", "--broker", &url, "--workers"])
                    .arg(threads.to_string())
                    .stdin(Stdio::null())
                    .stdout(Stdio::null())
                    .stderr(Stdio::null())
                    .spawn()
                    .unwrap_or_else(|e| {
                        panic!("cannot start {BIN} worker: {e}")
                    })
            })
            .collect();
        let cluster = Cluster { broker, workers };
        cluster.eventually("every worker to hold a lease", || {
            (cluster.broker.workers().ok()? == processes).then_some(())
        });
        cluster
    }

    /// `redis://127.0.0.1:PORT`.
    pub fn url(&self) -> String {
        self.broker.url()
    }

    /// `--broker URL`, for the client's command line.
    pub fn flag(&self) -> [String; 2] {
        ["--broker".into(), self.url()]
    }

    /// A connection to the broker, to look at its keys.
    pub fn redis(&self) -> redis::Connection {
        redis::Client::open(self.url())
            .and_then(|c| c.get_connection_with_timeout(Duration::from_secs(5)))
            .expect("the test's own broker answers")
    }

    /// Kills worker `i` at once (SIGKILL on Unix): no code of its runs,
    /// so it cannot give its jobs back.
    pub fn kill_worker(&mut self, i: usize) {
        let worker = &mut self.workers[i];
        worker.kill().expect("the worker is still running");
        worker.wait().expect("a killed worker can be reaped");
    }

    /// [`testkit::eventually`], for at most [`START_LIMIT`].
    pub fn eventually<T>(
        &self,
        what: &str,
        probe: impl FnMut() -> Option<T>,
    ) -> T {
        testkit::eventually(START_LIMIT, what, probe)
    }
}

impl Drop for Cluster {
    /// A failed assertion must not leave workers running.
    fn drop(&mut self) {
        for worker in &mut self.workers {
            let _ = worker.kill();
            let _ = worker.wait();
        }
    }
}
