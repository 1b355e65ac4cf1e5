//! The broker's side of the design: its URL, its keys, and the two
//! moves of Redis's reliable-queue pattern that keep a job from being
//! lost when a worker dies.
//!
//! - `cluster:jobs`, a list: the queue. Clients `LPUSH`; workers
//!   `BLMOVE ... RIGHT LEFT`, so the oldest job goes first.
//! - `cluster:processing:<worker>`, a list per worker: `BLMOVE` takes a
//!   job *into* it in the same atomic step that takes it off the queue,
//!   so at no moment is a job nowhere. The worker removes it (`LREM`) only
//!   in the transaction that pushes its reply.
//! - `cluster:lease:<worker>`, a key that expires after [`LEASE`]: the
//!   worker's heartbeat renews it every [`BEAT`]; `cluster:workers`, a set,
//!   lists every worker that ever held a lease.
//! - [`reap`]: a worker in the set without a lease is dead (or cut off):
//!   its processing list goes back on the queue, for another worker.
//! - `cluster:results:<run>`, a list per client run: the replies.
//!
//! Celery with `acks_late=True` does the same with its broker's
//! acknowledgements: a task is acknowledged after it ran, not when it was
//! received, so a worker lost mid-task leaves it to be delivered again.

use std::time::Duration;

use redis::{Commands, Connection, Direction, RedisResult};

/// Where no `--broker` and no `REDIS_URL` say otherwise: Redis's own port.
pub const DEFAULT_URL: &str = "redis://127.0.0.1:6379";

/// The queue every client pushes to and every worker takes from.
pub const QUEUE: &str = "cluster:jobs";

/// Every worker that holds, or held, a lease.
pub const WORKERS: &str = "cluster:workers";

/// A worker whose heartbeat stopped this long ago is taken for dead and
/// its jobs are given to others: the longest a killed worker delays a job.
pub const LEASE: Duration = Duration::from_secs(3);

/// How often a worker renews its lease: three beats per lease, so one
/// late beat (a loaded machine, a slow network) is not a death.
pub const BEAT: Duration = Duration::from_secs(1);

/// How long a reply waits for its client before the broker drops it (a
/// client interrupted mid-run leaves its replies to expire).
pub const RESULT_TTL: Duration = Duration::from_secs(600);

/// Connecting to the broker gives up after this long.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The jobs `worker` has taken and not yet answered.
pub fn processing(worker: &str) -> String {
    format!("cluster:processing:{worker}")
}

/// The key whose existence says `worker` is alive.
pub fn lease(worker: &str) -> String {
    format!("cluster:lease:{worker}")
}

/// The list a client run's replies go to.
pub fn results(run: &str) -> String {
    format!("cluster:results:{run}")
}

/// `--broker`, else `REDIS_URL`, else [`DEFAULT_URL`].
pub fn url(flag: Option<&str>) -> String {
    flag.map(str::to_owned)
        .or_else(|| std::env::var("REDIS_URL").ok().filter(|u| !u.is_empty()))
        .unwrap_or_else(|| DEFAULT_URL.to_owned())
}

/// A broker we have talked to once: the client to open more connections
/// with (each thread needs its own: a blocking command holds one).
#[derive(Clone, Debug)]
pub struct Broker {
    /// As given, for messages.
    pub url: String,
    client: redis::Client,
}

impl Broker {
    /// Connects and sends a `PING`: a broker that does not answer is
    /// found out here, before any work.
    pub fn connect(url: &str) -> Result<Broker, String> {
        let client = redis::Client::open(url).map_err(|e| e.to_string())?;
        let broker = Broker {
            url: url.to_owned(),
            client,
        };
        let mut conn = broker.connection().map_err(|e| e.to_string())?;
        redis::cmd("PING")
            .query::<String>(&mut conn)
            .map_err(|e| e.to_string())?;
        Ok(broker)
    }

    /// [`Broker::connect`], or the one line that says what to do and exit
    /// code 2 (nothing can be done without a broker).
    pub fn connect_or_exit(who: &str, url: &str) -> Broker {
        Broker::connect(url).unwrap_or_else(|e| {
            eprintln!(
                "{who}: error: cannot reach the broker at {url} ({e}); start \
                 one with scripts/broker and pass its URL with --broker (or \
                 REDIS_URL)"
            );
            std::process::exit(2)
        })
    }

    /// A new connection of its own.
    pub fn connection(&self) -> RedisResult<Connection> {
        self.client.get_connection_with_timeout(CONNECT_TIMEOUT)
    }
}

/// One heartbeat: renew `worker`'s lease and (re)list it, in one atomic
/// round trip. Re-adding each time matters: a worker paused past its lease
/// was reaped and dropped from the set, and must be watched again.
pub fn beat(conn: &mut Connection, worker: &str) -> RedisResult<()> {
    let millis = LEASE.as_millis() as u64;
    redis::pipe()
        .atomic()
        .cmd("SET")
        .arg(lease(worker))
        .arg(1)
        .arg("PX")
        .arg(millis)
        .ignore()
        .sadd(WORKERS, worker)
        .ignore()
        .query(conn)
}

/// Moves every job of every worker whose lease has expired back onto the
/// queue, and forgets those workers. Returns how many jobs moved.
///
/// Any number of reapers may run at once (each client, one thread of each
/// worker): `LMOVE` is atomic, so each job moves once. A worker reaped
/// while only slow finishes its job anyway: the job is then done twice,
/// and the client keeps the first reply. That is "at least once".
pub fn reap(conn: &mut Connection) -> RedisResult<usize> {
    let workers: Vec<String> = conn.smembers(WORKERS)?;
    let mut moved = 0;
    for worker in workers {
        if conn.exists(lease(&worker))? {
            continue;
        }
        // To the right end, where workers take from: a job that was
        // already waiting goes next.
        while conn
            .lmove::<_, _, Option<Vec<u8>>>(
                processing(&worker),
                QUEUE,
                Direction::Right,
                Direction::Right,
            )?
            .is_some()
        {
            moved += 1;
        }
        conn.srem::<_, _, ()>(WORKERS, &worker)?;
    }
    Ok(moved)
}
