//! The client's side: talk 02's `result = do_work.delay(url)` for every
//! URL, then `result.get()` for each. `main.rs` calls [`map`].
//!
//! - **Out.** Each item becomes a [`Job`] on the broker's one queue,
//!   carrying the run's limits and the list its reply must go to. At most
//!   `--workers` jobs of this run wait or run at once (the default: all of
//!   them); each reply lets the next one in.
//! - **Back.** Replies arrive on this run's own list in any order; each
//!   names its job. A body is saved here, under this machine's `--out`:
//!   the workers may run anywhere and share no disk with us.
//! - **Faults.** Between replies, and at least every second, this client
//!   reaps: jobs held by a worker whose lease ran out go back on the
//!   queue. A job done twice replies twice; the second reply is dropped.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use cli_report::{Done, OnInterrupt, Report};
use redis::{Commands, Connection};
use shared::Error;

use crate::broker::{self, Broker};
use shared::HttpConfig;

use crate::wire::{self, Item, Job, Outcome};

/// How long one wait for a reply lasts before the client looks round.
const POLL: Duration = Duration::from_secs(1);

/// How often the client looks for dead workers' jobs.
const REAP_EVERY: Duration = Duration::from_secs(1);

/// With no worker registered for this long, say how to start one.
const NO_WORKER_HINT: Duration = Duration::from_secs(3);

/// Tries to reach a broker that went away mid-run, a second apart,
/// before the rest of the items are failed.
const RECONNECTS: usize = 5;

/// The `--broker URL` flag, for cli-report's command line.
pub fn broker_flag() -> clap::Arg {
    clap::Arg::new("broker")
        .long("broker")
        .value_name("URL")
        .help(
            "The Redis broker (default: $REDIS_URL, else \
             redis://127.0.0.1:6379); start workers with `cluster-demo \
             worker --broker URL`",
        )
}

/// Runs every item on whichever workers take them from `broker`, at most
/// `window` at once, and records each outcome in `report`. `limits` are
/// the downloads' `--timeout` and `--max-bytes`; `save` stores a body
/// under `--out` and returns the bytes saved.
pub fn map(
    report: &Report,
    broker: &Broker,
    window: usize,
    limits: Option<HttpConfig>,
    items: Vec<Item>,
    save: impl Fn(&str, &[u8]) -> shared::Result<usize>,
) {
    let run = format!("{:016x}", fastrand::u64(..));
    let reply_to = broker::results(&run);
    let jobs: Vec<(String, Vec<u8>)> = items
        .into_iter()
        .enumerate()
        .map(|(id, item)| {
            let name = item.name();
            let job = Job {
                id: id as u64,
                reply_to: reply_to.clone(),
                limits: limits.clone(),
                item,
            };
            (name, serde_json::to_vec(&job).expect("a Job serialises"))
        })
        .collect();
    let _on_interrupt = withdraw_on_interrupt(report, broker, &reply_to);
    let mut conn = match broker.connection() {
        Ok(conn) => conn,
        Err(e) => return fail_all(report, broker, &jobs, &e),
    };

    // id -> when it was queued (for a reply's start time, if need be).
    let mut pending: HashMap<u64, Duration> = HashMap::new();
    let mut next = 0;
    let mut last_reap = Instant::now();
    let mut no_workers_since: Option<Instant> = None;
    let mut hinted = false;
    while next < jobs.len() || !pending.is_empty() {
        // Fill the window: one LPUSH for every job that fits.
        let room = window.saturating_sub(pending.len());
        let batch = next..(next + room).min(jobs.len());
        if !batch.is_empty() {
            let values: Vec<&[u8]> = jobs[batch.clone()]
                .iter()
                .map(|(_, b)| b.as_slice())
                .collect();
            if let Err(e) = conn.lpush::<_, _, ()>(broker::QUEUE, values) {
                match reconnect(broker, &e) {
                    Some(fresh) => conn = fresh,
                    None => {
                        let left = unanswered(&jobs, &pending, next);
                        return fail_all(report, broker, &left, &e);
                    }
                }
                continue;
            }
            for id in batch {
                pending.insert(id as u64, report.elapsed());
            }
            next += room.min(jobs.len() - next);
        }

        if last_reap.elapsed() >= REAP_EVERY {
            last_reap = Instant::now();
            // Err: the wait below finds a broken connection too.
            let _ = broker::reap(&mut conn);
            let workers: usize = conn.scard(broker::WORKERS).unwrap_or(1);
            if workers > 0 {
                no_workers_since = None;
            } else if no_workers_since
                .get_or_insert_with(Instant::now)
                .elapsed()
                >= NO_WORKER_HINT
                && !hinted
            {
                hinted = true;
                eprintln!(
                    "{}: waiting: no worker takes jobs from {}; start one \
                     with `cluster-demo worker --broker {}`",
                    report.name(),
                    broker.url,
                    broker.url
                );
            }
        }

        let reply = conn.blpop::<_, Option<(String, Vec<u8>)>>(
            &reply_to,
            POLL.as_secs_f64(),
        );
        match reply {
            Ok(None) => {}
            Ok(Some((_, bytes))) => {
                on_reply(
                    report,
                    &jobs,
                    &mut pending,
                    &bytes,
                    limits.as_ref(),
                    &save,
                );
            }
            Err(e) => match reconnect(broker, &e) {
                Some(fresh) => conn = fresh,
                None => {
                    let left = unanswered(&jobs, &pending, next);
                    return fail_all(report, broker, &left, &e);
                }
            },
        }
    }
    // Err: the list expires on its own.
    let _ = conn.del::<_, ()>(&reply_to);
}

/// One reply: record it, unless its job was already answered (it was
/// done twice: a worker was taken for dead while only slow).
fn on_reply(
    report: &Report,
    jobs: &[(String, Vec<u8>)],
    pending: &mut HashMap<u64, Duration>,
    bytes: &[u8],
    limits: Option<&HttpConfig>,
    save: &impl Fn(&str, &[u8]) -> shared::Result<usize>,
) {
    let arrived = report.elapsed();
    let (header, body) = match wire::parse_reply(bytes) {
        Ok(parsed) => parsed,
        Err(e) => {
            eprintln!("{}: warning: dropped a reply: {e}", report.name());
            return;
        }
    };
    let Some(queued) = pending.remove(&header.id) else {
        return; // the second reply of a job done twice
    };
    let (item, _) = &jobs[header.id as usize];
    let result = match header.outcome {
        // A worker with other limits must not make us store more than
        // our --max-bytes.
        Outcome::Body
            if limits.is_some_and(|l| body.len() as u64 > l.max_bytes) =>
        {
            Err(Error::TooLarge {
                limit: limits.map_or(0, |l| l.max_bytes),
            })
        }
        Outcome::Body => save(item, body).map(Done::from),
        Outcome::Answer(answer) => Ok(Done::from(answer)),
        Outcome::Failed(error) => Err(error),
    };
    // Timed by the worker's clock, placed by ours: the item ran for
    // `seconds` and its reply has just arrived (never before it queued).
    let ran = Duration::from_secs_f64(header.seconds.max(0.0));
    let start = arrived.saturating_sub(ran).max(queued);
    report.record(item, Some((start, report.elapsed())), result);
}

/// The jobs queued and not answered, and those not yet queued.
fn unanswered(
    jobs: &[(String, Vec<u8>)],
    pending: &HashMap<u64, Duration>,
    next: usize,
) -> Vec<(String, Vec<u8>)> {
    let mut left: Vec<(String, Vec<u8>)> = pending
        .keys()
        .map(|&id| jobs[id as usize].clone())
        .collect();
    left.extend_from_slice(&jobs[next..]);
    left
}

/// Waits up to [`RECONNECTS`] seconds for the broker to come back.
fn reconnect(broker: &Broker, error: &redis::RedisError) -> Option<Connection> {
    eprintln!(
        "cluster-demo: lost the broker at {} ({error}); reconnecting",
        broker.url
    );
    (0..RECONNECTS).find_map(|_| {
        std::thread::sleep(Duration::from_secs(1));
        broker.connection().ok()
    })
}

/// The broker is gone for good: every item not yet answered fails, by
/// name.
fn fail_all(
    report: &Report,
    broker: &Broker,
    jobs: &[(String, Vec<u8>)],
    error: &redis::RedisError,
) {
    for (item, _) in jobs {
        let error =
            Error::Http(format!("lost the broker at {}: {error}", broker.url));
        report.record(item, None, Err(error));
    }
}

/// Ctrl-C: take this run's jobs that no worker has started off the
/// queue, so they do not run for nobody. (Those already started finish,
/// and their replies expire on the broker.)
fn withdraw_on_interrupt(
    report: &Report,
    broker: &Broker,
    reply_to: &str,
) -> OnInterrupt {
    let (broker, reply_to) = (broker.clone(), reply_to.to_owned());
    report.on_interrupt(move || {
        let Ok(mut conn) = broker.connection() else {
            return;
        };
        let queued: Vec<Vec<u8>> =
            conn.lrange(broker::QUEUE, 0, -1).unwrap_or_default();
        let mut withdraw = redis::pipe();
        for job in queued.iter().filter(|bytes| {
            serde_json::from_slice::<Job>(bytes)
                .is_ok_and(|job| job.reply_to == reply_to)
        }) {
            withdraw.lrem(broker::QUEUE, 1, job).ignore();
        }
        withdraw.del(&reply_to).ignore();
        let _ = withdraw.query::<()>(&mut conn);
    })
}
