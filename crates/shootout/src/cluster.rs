//! The cluster row: cluster-demo's client, with a broker and worker
//! processes on this machine that the shootout starts once, before any
//! cell, and stops at the end. So the row times what a job costs on a
//! running cluster (queue, broker round trips, bodies through Redis), not
//! the workers' start-up, which a real cluster pays once a day.

use std::process::{Child, Command, Stdio};
use std::thread::sleep;
use std::time::{Duration, Instant};

use cluster_demo::LocalBroker;
use shootout::approaches::Approach;

/// Worker processes: the "K machines", here all on this one.
pub const PROCESSES: usize = 2;

/// How long the workers may take to start.
const START_LIMIT: Duration = Duration::from_secs(30);

/// The broker and the workers, stopped when dropped.
pub struct Cluster {
    _broker: LocalBroker,
    workers: Vec<Child>,
}

/// If `approaches` has the cluster row: starts a broker and [`PROCESSES`]
/// workers with enough threads between them for `most` jobs at once, and
/// gives the row `--broker URL`. Where that fails (no redis-server), the
/// row is dropped with a note on stderr, and the shootout goes on.
pub fn start(approaches: &mut Vec<Approach>, most: usize) -> Option<Cluster> {
    let i = approaches.iter().position(|a| a.name == "cluster")?;
    let threads = most.div_ceil(PROCESSES).max(1);
    match try_start(&approaches[i], threads) {
        Ok(cluster) => {
            approaches[i].suffix =
                vec!["--broker".into(), cluster._broker.url()];
            eprintln!(
                "shootout: cluster row: a broker at {} and {PROCESSES} worker \
                 processes of {threads} threads",
                cluster._broker.url()
            );
            Some(cluster)
        }
        Err(e) => {
            eprintln!("shootout: note: skipping the cluster row: {e}");
            approaches.remove(i);
            None
        }
    }
}

fn try_start(approach: &Approach, threads: usize) -> std::io::Result<Cluster> {
    let broker = LocalBroker::start()?;
    let mut cluster = Cluster {
        workers: Vec::new(),
        _broker: broker,
    };
    for _ in 0..PROCESSES {
        let worker = Command::new(&approach.binary)
            .args(["worker", "--broker", &cluster._broker.url(), "--workers"])
            .arg(threads.to_string())
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()?;
        cluster.workers.push(worker);
    }
    let start = Instant::now();
    while cluster._broker.workers()? < PROCESSES {
        if start.elapsed() > START_LIMIT {
            return Err(std::io::Error::other(format!(
                "the cluster's workers did not start within {START_LIMIT:?}"
            )));
        }
        sleep(Duration::from_millis(20));
    }
    Ok(cluster)
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for worker in &mut self.workers {
            let _ = worker.kill();
            let _ = worker.wait();
        }
    }
}
