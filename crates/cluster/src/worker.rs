//! `cluster-demo worker`: Celery's `celery worker`, in Rust. One process
//! runs `--workers N` threads; each takes one job at a time from the
//! broker, does it, and sends the reply back through the broker. Start as
//! many processes as you like, on any host that reaches the broker and the
//! URLs; stop one with Ctrl-C.
//!
//! Threads, not async tasks: a job is a blocking download (`shared`'s
//! `Session`, as in thread-pool-demo) or a CPU task, and a thread waiting
//! on the broker needs a connection of its own anyway, since a blocking
//! `BLMOVE` holds its connection until a job comes. N threads are N
//! connections and N downloads at once, which is what `--workers N` means
//! (Celery's default prefork pool is N processes instead: Python's GIL
//! would serialise N threads of CPU work; Rust's threads run on every core).

use std::panic::{self, AssertUnwindSafe};
use std::process::ExitCode;
use std::thread;
use std::time::{Duration, Instant};

use clap::Parser;
use redis::{Commands, Connection, Direction};
use shared::{Error, HttpConfig, Session, Task};

use crate::broker::{self, Broker};
use crate::wire::{self, Header, Item, Job, Outcome};

/// The first argument that makes this executable a worker.
pub const COMMAND: &str = "worker";

/// How long a thread waits on an empty queue before it looks round (and
/// thread 0 reaps dead workers' jobs).
const POLL: Duration = Duration::from_secs(1);

/// Is this process started as `cluster-demo worker ...`?
pub fn is_worker() -> bool {
    std::env::args_os().nth(1).is_some_and(|arg| arg == COMMAND)
}

/// Take jobs from the broker until Ctrl-C: one worker process, N jobs at
/// once (start as many as you like, on any host).
#[derive(Debug, Parser)]
#[command(name = "cluster-demo worker")]
struct Args {
    /// The Redis broker (default: $REDIS_URL, else redis://127.0.0.1:6379).
    #[arg(long, value_name = "URL")]
    broker: Option<String>,
    /// Jobs at once (threads); default: one per core.
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u64).range(1..=10_000))]
    workers: Option<u64>,
}

/// What a worker runs: `main.rs` hands over the talk's `do_work` and the
/// CPU job, as multiprocess-demo's pool does.
pub type DoWork = fn(&Session, &str) -> shared::Result<Vec<u8>>;
/// The CPU half: a task's answer.
pub type Compute = fn(&Task) -> shared::Result<String>;

// ANCHOR: main
/// The worker's whole life. Never returns but through the exit code 2 of
/// an unreachable broker or bad flags: Ctrl-C ends the process.
pub fn main(do_work: DoWork, compute: Compute) -> ExitCode {
    // `worker` stands where clap expects the program's name.
    let args = Args::parse_from(std::env::args_os().skip(1));
    let url = broker::url(args.broker.as_deref());
    let me = "cluster-demo worker";
    let broker = Broker::connect_or_exit(me, &url);
    let cores = thread::available_parallelism().map_or(1, usize::from);
    let threads = args.workers.map_or(cores, |n| n as usize);
    let id = worker_id();

    // The lease first: a job in our processing list with no lease would
    // be reaped as soon as we took it.
    let mut heart = broker.connection().unwrap_or_else(|e| lost(me, &url, &e));
    broker::beat(&mut heart, &id).unwrap_or_else(|e| lost(me, &url, &e));
    on_ctrl_c(&broker, &id);
    eprintln!(
        "{me} {id}: {threads} jobs at once from {url} (Ctrl-C to stop; \
         a job taken here goes back on the queue if this process dies)"
    );

    thread::scope(|s| {
        s.spawn(|| heartbeat(&broker, &id, heart));
        for slot in 0..threads {
            let (broker, id) = (&broker, id.as_str());
            thread::Builder::new()
                .name(format!("worker-{slot}"))
                .spawn_scoped(s, move || {
                    run_slot(broker, id, slot, do_work, compute)
                })
                .expect("can start a worker thread");
        }
    });
    unreachable!("worker threads never return")
}
// ANCHOR_END: main

/// Renews the lease every [`broker::BEAT`], for as long as the process
/// lives. When this stops (the process was killed), the lease runs out and
/// a reaper gives our jobs to other workers.
fn heartbeat(broker: &Broker, id: &str, mut conn: Connection) {
    loop {
        thread::sleep(broker::BEAT);
        if let Err(e) = broker::beat(&mut conn, id) {
            eprintln!(
                "cluster-demo worker {id}: heartbeat failed ({e}); retrying"
            );
            if let Ok(fresh) = broker.connection() {
                conn = fresh;
            }
        }
    }
}

/// One thread: take a job, do it, reply; forever.
fn run_slot(
    broker: &Broker,
    id: &str,
    slot: usize,
    do_work: DoWork,
    compute: Compute,
) {
    // ANCHOR: take
    let processing = broker::processing(id);
    let mut conn = reconnect(broker, id);
    // Each thread keeps its Session (talk 04's one Session per worker),
    // rebuilt only when a job brings other limits.
    let mut session: Option<(HttpConfig, Session)> = None;
    loop {
        let taken = conn.blmove::<_, _, Option<Vec<u8>>>(
            broker::QUEUE,
            &processing,
            Direction::Right,
            Direction::Left,
            POLL.as_secs_f64(),
        );
        // ANCHOR_END: take
        let bytes = match taken {
            Ok(Some(bytes)) => bytes,
            Ok(None) => {
                // An idle moment: one thread per worker looks for jobs of
                // dead workers (clients do too).
                if slot == 0 {
                    let _ = broker::reap(&mut conn);
                }
                continue;
            }
            Err(e) => {
                eprintln!(
                    "cluster-demo worker {id}: lost the broker ({e}); reconnecting"
                );
                conn = reconnect(broker, id);
                continue;
            }
        };
        let reply = match serde_json::from_slice::<Job>(&bytes) {
            Ok(job) => {
                let reply = run(&job, id, &mut session, do_work, compute);
                Some((job.reply_to, reply))
            }
            Err(e) => {
                eprintln!(
                    "cluster-demo worker {id}: dropped a job that is not ours ({e})"
                );
                None
            }
        };
        // ANCHOR: ack
        // The reply and the removal from our processing list in one
        // transaction: the job leaves the broker only as its answer
        // arrives (Celery's acks_late). If the broker is unreachable, keep
        // trying: the job is ours until then, and our lease says so.
        loop {
            let mut commit = redis::pipe();
            commit.atomic();
            if let Some((reply_to, reply)) = &reply {
                commit
                    .rpush(reply_to, reply)
                    .ignore()
                    .pexpire(reply_to, broker::RESULT_TTL.as_millis() as i64)
                    .ignore();
            }
            commit.lrem(&processing, 1, &bytes).ignore();
            // ANCHOR_END: ack
            match commit.query::<()>(&mut conn) {
                Ok(()) => break,
                Err(e) => {
                    eprintln!(
                        "cluster-demo worker {id}: cannot send a reply ({e}); retrying"
                    );
                    conn = reconnect(broker, id);
                }
            }
        }
    }
}

/// Does one job and builds its reply. A panic (a bug) is this job's
/// failure, not the thread's end.
fn run(
    job: &Job,
    id: &str,
    session: &mut Option<(HttpConfig, Session)>,
    do_work: DoWork,
    compute: Compute,
) -> Vec<u8> {
    let started = Instant::now();
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| match &job.item {
        Item::Download(url) => {
            let limits = job.limits.clone().unwrap_or(HttpConfig {
                timeout: Duration::from_secs(30),
                connect_timeout: Duration::from_secs(5),
                max_bytes: 64 << 20,
                pool_size: 1,
            });
            if session.as_ref().is_none_or(|(had, _)| *had != limits) {
                // One idle connection: a thread makes one request at a time.
                let config = HttpConfig {
                    pool_size: 1,
                    ..limits.clone()
                };
                *session = Some((limits, Session::new(&config)));
            }
            let (_, session) = session.as_ref().expect("just set");
            do_work(session, url).map(|body| (Outcome::Body, body))
        }
        Item::Compute(task) => {
            compute(task).map(|answer| (Outcome::Answer(answer), Vec::new()))
        }
    }));
    let (outcome, body) = match outcome {
        Ok(Ok(done)) => done,
        Ok(Err(error)) => (Outcome::Failed(error), Vec::new()),
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "a panic without a message".to_owned());
            (Outcome::Failed(Error::Panicked { message }), Vec::new())
        }
    };
    let header = Header {
        id: job.id,
        seconds: started.elapsed().as_secs_f64(),
        worker: id.to_owned(),
        outcome,
    };
    wire::reply(&header, &body)
}

/// A fresh connection, retried every second until the broker answers:
/// a worker outlives a broker restart.
fn reconnect(broker: &Broker, id: &str) -> Connection {
    let mut said = false;
    loop {
        match broker.connection() {
            Ok(conn) => return conn,
            Err(e) if !said => {
                eprintln!(
                    "cluster-demo worker {id}: cannot reach {} ({e}); retrying every second",
                    broker.url
                );
                said = true;
            }
            Err(_) => {}
        }
        thread::sleep(broker::BEAT);
    }
}

/// Ctrl-C (or SIGTERM): give every job we hold back to the queue, drop
/// the lease, exit 130. The downloads in progress end with the process;
/// another worker redoes them. (Celery's warm shutdown waits for them
/// instead; here the lease makes giving back cheap and always safe.)
fn on_ctrl_c(broker: &Broker, worker: &str) {
    let (broker, id) = (broker.clone(), worker.to_owned());
    let handler = move || {
        let gave = broker.connection().and_then(|mut conn| {
            let mut moved = 0;
            while conn
                .lmove::<_, _, Option<Vec<u8>>>(
                    broker::processing(&id),
                    broker::QUEUE,
                    Direction::Right,
                    Direction::Right,
                )?
                .is_some()
            {
                moved += 1;
            }
            // The lease goes, but we stay in the set of workers: a thread
            // blocked in BLMOVE may still take one more job before the
            // process ends, and the reaper must find it.
            conn.del::<_, ()>(broker::lease(&id))?;
            Ok(moved)
        });
        match gave {
            Ok(n) => eprintln!(
                "cluster-demo worker {id}: stopped; {n} unfinished jobs back on the queue"
            ),
            // The lease runs out on its own; a reaper gives them back.
            Err(e) => eprintln!(
                "cluster-demo worker {id}: stopped; cannot reach the broker ({e}): our jobs go back when the lease expires"
            ),
        }
        std::process::exit(cli_report::INTERRUPTED);
    };
    if let Err(e) = ctrlc::set_handler(handler) {
        eprintln!(
            "cluster-demo worker {worker}: warning: cannot catch Ctrl-C ({e})"
        );
    }
}

/// `host-pid-xxxx`: where it runs, which process, and a random part so a
/// reused pid is a new worker.
fn worker_id() -> String {
    #[cfg(unix)]
    let host = nix::unistd::gethostname()
        .ok()
        .and_then(|h| h.into_string().ok());
    #[cfg(not(unix))]
    let host = std::env::var("COMPUTERNAME").ok();
    let host = host.unwrap_or_else(|| "host".to_owned());
    format!("{host}-{}-{:04x}", std::process::id(), fastrand::u16(..))
}

/// The broker went away during start-up: say so, exit 2.
fn lost(me: &str, url: &str, error: &redis::RedisError) -> ! {
    eprintln!(
        "{me}: error: lost the broker at {url} during start-up ({error})"
    );
    std::process::exit(2)
}
